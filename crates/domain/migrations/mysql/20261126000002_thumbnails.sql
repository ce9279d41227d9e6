-- Thumbnails the image trigger wrote, by source object key and width. Keys are compared as
-- bytes (S3 keys are case-sensitive), hence VARBINARY: 1,024 bytes is S3's own key limit and
-- keeps the primary key within InnoDB's 3,072-byte index limit.
CREATE TABLE thumbnails (
    source_key VARBINARY(1024) NOT NULL,
    width      INT             NOT NULL,
    height     INT             NOT NULL,
    thumb_key  VARBINARY(1100) NOT NULL,
    bytes      BIGINT          NOT NULL,
    created_at DATETIME(3)     NOT NULL,
    PRIMARY KEY (source_key, width)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Reconciliation asks "which of these keys does any row point to?" a page of keys at a time;
-- prefix indexes answer it without scanning the tables (the keys the service writes are far
-- shorter than 255 characters, and the full value is still compared).
CREATE INDEX posts_image_key ON posts (image_key(255));
CREATE INDEX users_profile_image_key ON users (profile_image_key(255));
