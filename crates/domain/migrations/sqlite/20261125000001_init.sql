-- The service's schema on SQLite (the sandbox). Same tables, columns and indexes as MySQL.
-- Times are RFC 3339 text in UTC at millisecond precision, which sorts as time.

CREATE TABLE users (
    sub               TEXT NOT NULL PRIMARY KEY,
    email             TEXT NULL,
    display_name      TEXT NULL,
    bio               TEXT NULL,
    profile_image_key TEXT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX users_email ON users (email);

CREATE TABLE posts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    author_sub TEXT NOT NULL,
    body       TEXT NOT NULL,
    image_key  TEXT NULL,
    status     TEXT NOT NULL DEFAULT 'visible',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX posts_newest ON posts (created_at, id);
CREATE INDEX posts_status_newest ON posts (status, created_at, id);
CREATE INDEX posts_author_newest ON posts (author_sub, created_at, id);

CREATE TABLE comments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id    INTEGER NOT NULL REFERENCES posts (id),
    author_sub TEXT NOT NULL,
    body       TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'visible',
    created_at TEXT NOT NULL
);
CREATE INDEX comments_thread ON comments (post_id, created_at, id);
CREATE INDEX comments_author_newest ON comments (author_sub, created_at, id);
CREATE INDEX comments_newest ON comments (created_at, id);

CREATE TABLE reports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    target_kind  TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    reporter_sub TEXT NOT NULL,
    reason       TEXT NOT NULL,
    note         TEXT NULL,
    status       TEXT NOT NULL DEFAULT 'open',
    created_at   TEXT NOT NULL,
    resolved_by  TEXT NULL,
    resolved_at  TEXT NULL
);
CREATE INDEX reports_queue ON reports (status, target_kind, target_id, created_at);
CREATE INDEX reports_target ON reports (target_kind, target_id, created_at, id);
CREATE INDEX reports_reporter ON reports (reporter_sub, created_at, id);
CREATE INDEX reports_newest ON reports (created_at, id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    reason      TEXT NULL,
    "before"    TEXT NULL,
    "after"     TEXT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX audit_actor ON audit_log (actor, id);
CREATE INDEX audit_target ON audit_log (target_kind, target_id, id);

CREATE TABLE notifications (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient_sub TEXT NOT NULL,
    kind          TEXT NOT NULL,
    actor_sub     TEXT NOT NULL,
    post_id       INTEGER NULL,
    comment_id    INTEGER NULL,
    created_at    TEXT NOT NULL,
    read_at       TEXT NULL
);
CREATE INDEX notifications_inbox ON notifications (recipient_sub, id);
CREATE INDEX notifications_unread ON notifications (recipient_sub, read_at, id);
