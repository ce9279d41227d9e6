-- The audit log read by time (`since:` / `until:` in the console, `audit list --since`): a
-- window of rows without walking the whole log by id.
CREATE INDEX audit_time ON audit_log (created_at);
