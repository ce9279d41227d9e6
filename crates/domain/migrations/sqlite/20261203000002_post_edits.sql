-- What each edit of a post replaced (see the MySQL migration of the same name).
CREATE TABLE post_edits (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id     INTEGER NOT NULL REFERENCES posts (id),
    body        TEXT    NOT NULL,
    image_key   TEXT    NULL,
    replaced_at TEXT    NOT NULL
);
CREATE INDEX post_edits_post ON post_edits (post_id, id);
CREATE INDEX post_edits_image_key ON post_edits (image_key);
