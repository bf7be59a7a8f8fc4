-- Leaders' units (issue 4, follow-up). A branch of a residential area (chi bộ thôn, tổ dân phố)
-- is marked on the organisation's dated version: the seed 003 "head not above unit" rule spares
-- its secretary when not a civil servant (mục B.4). A head who moved into a unit during the
-- evaluated period and had no part in its result is declared, with the reason, per headed unit
-- (seed 003 mục B.6): the rule is not applied to that unit.
ALTER TABLE org_versions ADD COLUMN residential INTEGER NOT NULL DEFAULT 0;

CREATE TABLE head_moved_in (
    subject_id BLOB NOT NULL REFERENCES subjects (id),
    unit_subject_id BLOB NOT NULL REFERENCES subjects (id),
    post_from TEXT NOT NULL,
    reason TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (subject_id, unit_subject_id)
);
CREATE INDEX head_moved_in_unit ON head_moved_in (unit_subject_id);
