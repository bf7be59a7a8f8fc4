-- Frameworks an issuing committee makes (issue 13): derived from the national default (or
-- another), changed, imported from a sheet — each change a new version, never edited in place.
-- A plan pins the version it uses by id ("LS.CL:dang-vien@2"); `definition` is the rules
-- crate's framework as JSON, checked against the national invariants before it is stored.
CREATE TABLE org_frameworks (
    id TEXT PRIMARY KEY,
    org_id BLOB NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    base_id TEXT NOT NULL,
    definition TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    CONSTRAINT org_frameworks_version_key UNIQUE (org_id, name, version)
);
