-- Accounts the API refuses at once (see the MySQL migration of the same name).
CREATE TABLE account_blocks (
    sub        TEXT    NOT NULL PRIMARY KEY,
    blocked    INTEGER NOT NULL,
    changed_at TEXT    NOT NULL,
    changed_by TEXT    NOT NULL
);
