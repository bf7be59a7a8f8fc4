-- Ballots unlinkable on disk (issue 15): on PostgreSQL an open ballot's casting writes go to two
-- tables of its own, dropped at close (see postgres/0038). SQLite keeps the shared urn and roll
-- (freed cells zeroed by secure_delete, the WAL truncated at close): nothing changes here.
SELECT 1;
