-- An audit row's `before` and `after` up to 16 MiB (TEXT held 64 KiB): the closing row of a
-- ban or an unban lists every post and comment it hid or restored, and the database refused the
-- row of a spammer with thousands, after the work was done. The table is copied once.
ALTER TABLE audit_log
    MODIFY `before` MEDIUMTEXT NULL,
    MODIFY `after` MEDIUMTEXT NULL;
