-- A user has at most one open report per target (see the MySQL migration of the same name).
UPDATE reports
SET status = 'dismissed',
    resolved_by = 'migration: duplicate open report',
    resolved_at = created_at
WHERE status = 'open'
  AND id NOT IN (
      SELECT MIN(id) FROM reports WHERE status = 'open'
      GROUP BY target_kind, target_id, reporter_sub
  );

CREATE UNIQUE INDEX reports_open_once ON reports (target_kind, target_id, reporter_sub)
    WHERE status = 'open';
