-- The sandbox's own stores on SQLite: a user directory with Cognito's semantics, a log store
-- with CloudWatch Logs' shape, and the index of the local object folder.
-- Times are RFC 3339 text (directory, objects) or epoch milliseconds (log events), in UTC.

CREATE TABLE sandbox_meta (
    name  TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE directory_users (
    username      TEXT    NOT NULL PRIMARY KEY,
    sub           TEXT    NOT NULL UNIQUE,
    status        TEXT    NOT NULL,
    enabled       INTEGER NOT NULL,
    created_at    TEXT    NOT NULL,
    modified_at   TEXT    NOT NULL,
    signed_out_at TEXT    NULL
);

CREATE TABLE directory_attributes (
    username TEXT NOT NULL REFERENCES directory_users (username) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    value    TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (username, name)
);
CREATE INDEX directory_attribute_values ON directory_attributes (name, value);

CREATE TABLE directory_groups (
    name        TEXT    NOT NULL PRIMARY KEY,
    description TEXT    NULL,
    precedence  INTEGER NULL,
    created_at  TEXT    NOT NULL
);

CREATE TABLE directory_memberships (
    group_name TEXT NOT NULL REFERENCES directory_groups (name) ON DELETE CASCADE,
    username   TEXT NOT NULL REFERENCES directory_users (username) ON DELETE CASCADE,
    PRIMARY KEY (group_name, username)
);
CREATE INDEX directory_memberships_user ON directory_memberships (username);

CREATE TABLE log_groups (
    name           TEXT    NOT NULL PRIMARY KEY,
    created_at     INTEGER NOT NULL,
    retention_days INTEGER NULL
);

CREATE TABLE log_streams (
    group_name     TEXT    NOT NULL REFERENCES log_groups (name) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    first_event_at INTEGER NULL,
    last_event_at  INTEGER NULL,
    PRIMARY KEY (group_name, name)
);
CREATE INDEX log_streams_recent ON log_streams (group_name, last_event_at, name);

CREATE TABLE log_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    group_name  TEXT    NOT NULL,
    stream_name TEXT    NOT NULL,
    ts          INTEGER NOT NULL,
    ingested_at INTEGER NOT NULL,
    message     TEXT    NOT NULL
);
CREATE INDEX log_events_window ON log_events (group_name, ts, id);

CREATE TABLE buckets (
    name       TEXT NOT NULL PRIMARY KEY,
    created_at TEXT NOT NULL
);

CREATE TABLE objects (
    bucket        TEXT    NOT NULL REFERENCES buckets (name),
    key           TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    etag          TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    metadata      TEXT    NOT NULL,
    last_modified TEXT    NOT NULL,
    PRIMARY KEY (bucket, key)
);
