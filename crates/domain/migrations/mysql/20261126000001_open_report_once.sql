-- A user has at most one open report per target. The check in file_report gives the friendly
-- error; this key makes it hold when two reports race. Open duplicates that slipped in before
-- are dismissed first (the first of each set stays open), with resolved_by saying why.
UPDATE reports r
JOIN (
    SELECT target_kind, target_id, reporter_sub, MIN(id) AS keep_id
    FROM reports
    WHERE status = 'open'
    GROUP BY target_kind, target_id, reporter_sub
    HAVING COUNT(*) > 1
) d ON r.target_kind = d.target_kind AND r.target_id = d.target_id
   AND r.reporter_sub = d.reporter_sub AND r.id <> d.keep_id
SET r.status = 'dismissed',
    r.resolved_by = 'migration: duplicate open report',
    r.resolved_at = r.created_at
WHERE r.status = 'open';

ALTER TABLE reports
    ADD COLUMN open_once TINYINT AS (CASE WHEN status = 'open' THEN 1 ELSE NULL END) STORED,
    ADD UNIQUE KEY reports_open_once (target_kind, target_id, reporter_sub, open_once);
