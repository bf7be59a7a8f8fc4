-- Kỷ luật tổ chức đảng, tập thể: a discipline decision about a party organisation or a
-- leadership collective (Điều lệ Đảng Điều 36: khiển trách, cảnh cáo; giải tán is the tree's
-- dissolution). `corruption_case`: the decision is for a case of corruption, waste or negativity
-- (tham nhũng, lãng phí, tiêu cực). Written through the app, each with its audit entry.
CREATE TABLE unit_discipline_records (
    id UUID PRIMARY KEY,
    org_id UUID REFERENCES orgs (id),
    collective_id UUID REFERENCES collectives (id),
    form TEXT NOT NULL,
    violation_on DATE NOT NULL,
    decided_on DATE NOT NULL,
    deciding_org_id UUID REFERENCES orgs (id),
    corruption_case BOOLEAN NOT NULL,
    self_detected_remedied BOOLEAN NOT NULL,
    note TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT unit_discipline_unit_check CHECK ((org_id IS NULL) <> (collective_id IS NULL)),
    CONSTRAINT unit_discipline_form_check CHECK (form IN ('khien_trach', 'canh_cao')),
    CONSTRAINT unit_discipline_dates_check CHECK (violation_on <= decided_on)
);
CREATE INDEX unit_discipline_org ON unit_discipline_records (org_id, decided_on);
CREATE INDEX unit_discipline_collective ON unit_discipline_records (collective_id, decided_on);
