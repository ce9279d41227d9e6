-- The service's schema on MySQL / MariaDB. Times are UTC, kept to the millisecond.
-- Every keyset order used by a listing has an index that ends in the primary key.

CREATE TABLE users (
    sub               VARCHAR(36)   NOT NULL,
    email             VARCHAR(254)  NULL,
    display_name      VARCHAR(200)  NULL,
    bio               TEXT          NULL,
    profile_image_key VARCHAR(1024) NULL,
    created_at        DATETIME(3)   NOT NULL,
    updated_at        DATETIME(3)   NOT NULL,
    PRIMARY KEY (sub),
    KEY users_email (email)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE posts (
    id         BIGINT        NOT NULL AUTO_INCREMENT,
    author_sub VARCHAR(36)   NOT NULL,
    body       TEXT          NOT NULL,
    image_key  VARCHAR(1024) NULL,
    status     VARCHAR(16)   NOT NULL DEFAULT 'visible',
    created_at DATETIME(3)   NOT NULL,
    updated_at DATETIME(3)   NOT NULL,
    PRIMARY KEY (id),
    KEY posts_newest (created_at, id),
    KEY posts_status_newest (status, created_at, id),
    KEY posts_author_newest (author_sub, created_at, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE comments (
    id         BIGINT      NOT NULL AUTO_INCREMENT,
    post_id    BIGINT      NOT NULL,
    author_sub VARCHAR(36) NOT NULL,
    body       TEXT        NOT NULL,
    status     VARCHAR(16) NOT NULL DEFAULT 'visible',
    created_at DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    KEY comments_thread (post_id, created_at, id),
    KEY comments_author_newest (author_sub, created_at, id),
    KEY comments_newest (created_at, id),
    CONSTRAINT comments_post FOREIGN KEY (post_id) REFERENCES posts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE reports (
    id           BIGINT        NOT NULL AUTO_INCREMENT,
    target_kind  VARCHAR(16)   NOT NULL,
    target_id    VARCHAR(64)   NOT NULL,
    reporter_sub VARCHAR(36)   NOT NULL,
    reason       VARCHAR(2000) NOT NULL,
    note         TEXT          NULL,
    status       VARCHAR(16)   NOT NULL DEFAULT 'open',
    created_at   DATETIME(3)   NOT NULL,
    resolved_by  VARCHAR(255)  NULL,
    resolved_at  DATETIME(3)   NULL,
    PRIMARY KEY (id),
    KEY reports_queue (status, target_kind, target_id, created_at),
    KEY reports_target (target_kind, target_id, created_at, id),
    KEY reports_reporter (reporter_sub, created_at, id),
    KEY reports_newest (created_at, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE audit_log (
    id          BIGINT        NOT NULL AUTO_INCREMENT,
    actor       VARCHAR(255)  NOT NULL,
    action      VARCHAR(64)   NOT NULL,
    target_kind VARCHAR(32)   NOT NULL,
    target_id   VARCHAR(1100) NOT NULL,
    reason      VARCHAR(2000) NULL,
    `before`    TEXT          NULL,
    `after`     TEXT          NULL,
    created_at  DATETIME(3)   NOT NULL,
    PRIMARY KEY (id),
    KEY audit_actor (actor, id),
    KEY audit_target (target_kind, target_id(191), id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE notifications (
    id            BIGINT      NOT NULL AUTO_INCREMENT,
    recipient_sub VARCHAR(36) NOT NULL,
    kind          VARCHAR(16) NOT NULL,
    actor_sub     VARCHAR(36) NOT NULL,
    post_id       BIGINT      NULL,
    comment_id    BIGINT      NULL,
    created_at    DATETIME(3) NOT NULL,
    read_at       DATETIME(3) NULL,
    PRIMARY KEY (id),
    KEY notifications_inbox (recipient_sub, id),
    KEY notifications_unread (recipient_sub, read_at, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
