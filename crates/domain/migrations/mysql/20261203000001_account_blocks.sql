-- Accounts the API refuses at once. Cognito's global sign-out does not revoke tokens already
-- issued (an id or access token stays valid for up to an hour), so a ban or a disable marks the
-- user's sub here and the API checks the mark on every authenticated request. An enable or an
-- unban clears it; a row is updated, never deleted, so the last change and its actor stay.
CREATE TABLE account_blocks (
    sub        VARCHAR(36)  NOT NULL,
    blocked    TINYINT      NOT NULL,
    changed_at DATETIME(3)  NOT NULL,
    changed_by VARCHAR(255) NOT NULL,
    PRIMARY KEY (sub)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
