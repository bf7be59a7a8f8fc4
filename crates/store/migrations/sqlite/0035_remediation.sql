-- Remediation plans (issue 16): a shortcoming found at a review (hạn chế, khuyết điểm), of a
-- collective, an organisation or an individual, with the measure, the people responsible, the
-- deadline and its status. It belongs to the person or body (entity), not to the plan, so that
-- next year's review of the same person or body shows it (seed 004: Mẫu 12, 13) and QĐ 366's
-- "đã khắc phục 100% hạn chế, khuyết điểm" reads from it. Written through the app, audited.
CREATE TABLE remediation_items (
    id BLOB PRIMARY KEY,
    found_subject_id BLOB NOT NULL REFERENCES subjects (id),
    entity_kind TEXT NOT NULL,
    entity_id BLOB NOT NULL,
    found_year INTEGER NOT NULL,
    shortcoming TEXT NOT NULL,
    measure TEXT NOT NULL,
    responsible TEXT NOT NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT NOT NULL,
    done_on TEXT,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    CONSTRAINT remediation_entity_check CHECK (entity_kind IN ('member', 'org', 'collective')),
    CONSTRAINT remediation_status_check CHECK (status IN ('open', 'in_progress', 'done')),
    CONSTRAINT remediation_done_check CHECK ((status = 'done') = (done_on IS NOT NULL))
);
CREATE INDEX remediation_entity ON remediation_items (entity_kind, entity_id, found_year);
CREATE INDEX remediation_subject ON remediation_items (found_subject_id);
