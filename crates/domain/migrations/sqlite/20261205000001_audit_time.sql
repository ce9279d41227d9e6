-- The audit log read by time (see the MySQL migration of the same name).
CREATE INDEX audit_time ON audit_log (created_at);
