-- The party organisation tree with dated history (kiemdiem-store, issue 3).
--
-- Conventions shared by every kiemdiem table, on both backends:
-- * ids are UUID v7 (PostgreSQL `uuid`, SQLite 16-byte BLOB);
-- * calendar days are `DATE` (SQLite: ISO `YYYY-MM-DD` text, which sorts the same way);
-- * validity is half-open `[valid_from, valid_to)`, and an open end is the day 9999-12-31,
--   so that "as of D" is `valid_from <= D AND valid_to > D` on one index;
-- * nothing is overwritten: a change closes the current row (`valid_to`, `closed_by`,
--   `closed_at`) and inserts a new one; every row says who wrote it and when.

CREATE TABLE org_events (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    note TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    CONSTRAINT org_events_kind_check CHECK (kind IN ('create', 'update', 'move', 'merge', 'split', 'dissolve'))
);

CREATE TABLE orgs (
    id BLOB PRIMARY KEY,
    code TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    CONSTRAINT orgs_code_key UNIQUE (code)
);

CREATE TABLE org_event_orgs (
    event_id BLOB NOT NULL REFERENCES org_events (id),
    org_id BLOB NOT NULL REFERENCES orgs (id),
    role TEXT NOT NULL,
    PRIMARY KEY (event_id, org_id, role),
    CONSTRAINT org_event_orgs_role_check CHECK (role IN ('subject', 'source', 'target', 'part'))
);
CREATE INDEX org_event_orgs_org ON org_event_orgs (org_id);

CREATE TABLE org_versions (
    org_id BLOB NOT NULL REFERENCES orgs (id),
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    has_committee INTEGER NOT NULL,
    founded_on TEXT NOT NULL,
    parent_id BLOB REFERENCES orgs (id),
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    event_id BLOB NOT NULL REFERENCES org_events (id),
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    closed_by TEXT,
    closed_at TEXT,
    PRIMARY KEY (org_id, seq),
    CONSTRAINT org_versions_period_check CHECK (valid_from <= valid_to)
);
CREATE INDEX org_versions_parent ON org_versions (parent_id, valid_from);
CREATE INDEX org_versions_valid_to ON org_versions (valid_to, valid_from);

-- Ancestor/descendant pairs (depth 0 = the node itself) with the period the pair held.
CREATE TABLE org_closure (
    ancestor_id BLOB NOT NULL REFERENCES orgs (id),
    descendant_id BLOB NOT NULL REFERENCES orgs (id),
    depth INTEGER NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL
);
CREATE INDEX org_closure_ancestor ON org_closure (ancestor_id, valid_from, valid_to, descendant_id, depth);
CREATE INDEX org_closure_descendant ON org_closure (descendant_id, valid_from);
