-- The sandbox directory's sign-in history, in the shape of Cognito's auth events: the seed
-- writes some, the traffic simulator's users sign in as they go, and the directory records
-- its own events (a sign-up, a password reset, a code sent again).
CREATE TABLE directory_auth_events (
    id            TEXT NOT NULL PRIMARY KEY,
    username      TEXT NOT NULL REFERENCES directory_users (username) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    at            TEXT NOT NULL,
    result        TEXT NOT NULL,
    risk_level    TEXT NULL,
    risk_decision TEXT NULL,
    ip            TEXT NULL,
    city          TEXT NULL,
    country       TEXT NULL,
    device        TEXT NULL
);
CREATE INDEX directory_auth_events_user ON directory_auth_events (username, at);
