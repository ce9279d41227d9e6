-- The sandbox's saved Logs Insights queries, as CloudWatch keeps query definitions: an id like
-- CloudWatch's (a UUID), a name, the query text and the groups it was saved with (a JSON array
-- of names, possibly empty). Times are epoch milliseconds, in UTC.

CREATE TABLE query_definitions (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    query       TEXT    NOT NULL,
    log_groups  TEXT    NOT NULL,
    modified_at INTEGER NOT NULL
);
CREATE INDEX query_definitions_by_name ON query_definitions (name, id);
