-- A decided level is never edited in place (SPEC §8, §10): a correction, re-classification or
-- re-opening is a new version pointing to the old one. The database refuses anything else, as it
-- does for the audit log.
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only: record a new version'); END;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only: record a new version'); END;
