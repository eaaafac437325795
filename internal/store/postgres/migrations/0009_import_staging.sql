-- SQLite stages large provider imports in tables of their own (see the SQLite migration of
-- this number). PostgreSQL needs none: an import's transaction blocks no other writer
-- there, and readers see it whole when it commits. The number is kept so that both engines
-- have the same migrations.
SELECT 1;
