-- Every edit keeps what it replaced, so a moderator reading a report sees the words that were
-- reported even when the author has edited them since. Rows are only ever inserted. An image
-- an edit replaced stays referenced (reconciliation keeps it), hence the key's index.
CREATE TABLE post_edits (
    id          BIGINT        NOT NULL AUTO_INCREMENT,
    post_id     BIGINT        NOT NULL,
    body        TEXT          NOT NULL,
    image_key   VARCHAR(1024) NULL,
    replaced_at DATETIME(3)   NOT NULL,
    PRIMARY KEY (id),
    KEY post_edits_post (post_id, id),
    KEY post_edits_image_key (image_key(255)),
    CONSTRAINT post_edits_post FOREIGN KEY (post_id) REFERENCES posts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
