-- Thumbnails the image trigger wrote, by source object key and width (see the MySQL migration).
CREATE TABLE thumbnails (
    source_key TEXT    NOT NULL,
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    thumb_key  TEXT    NOT NULL,
    bytes      INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (source_key, width)
);

-- Reconciliation's key lookups (see the MySQL migration of the same name).
CREATE INDEX posts_image_key ON posts (image_key);
CREATE INDEX users_profile_image_key ON users (profile_image_key);
