-- SQLite's TEXT has no size short of its row limit: nothing to change (see the MySQL migration
-- of the same name). The version is kept so both schemas number alike.
SELECT 1;
