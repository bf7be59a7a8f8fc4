-- Party members, their dated records, leadership collectives and non-member leaders.
-- Same conventions as 0001_org_tree.sql. Names are NFC; `sort_key` is the Vietnamese
-- collation key of kiemdiem_store::text::sort_key (given name first), compared bytewise.

CREATE TABLE members (
    id UUID PRIMARY KEY,
    code TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT members_code_key UNIQUE (code)
);

CREATE TABLE member_versions (
    member_id UUID NOT NULL REFERENCES members (id),
    seq INTEGER NOT NULL,
    full_name TEXT NOT NULL,
    sort_key TEXT COLLATE "C" NOT NULL,
    birth_date DATE NOT NULL,
    admitted_on DATE NOT NULL,
    official_on DATE,
    civil_servant BOOLEAN NOT NULL,
    employer_unit TEXT NOT NULL,
    residence_org_id UUID REFERENCES orgs (id),
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    closed_by TEXT,
    closed_at TIMESTAMPTZ,
    PRIMARY KEY (member_id, seq),
    CONSTRAINT member_versions_period_check CHECK (valid_from <= valid_to),
    CONSTRAINT member_versions_official_check CHECK (official_on IS NULL OR official_on >= admitted_on)
);

-- Sinh hoạt đảng: the official branch (chính thức) and a temporary one (tạm thời).
CREATE TABLE member_branches (
    member_id UUID NOT NULL REFERENCES members (id),
    seq INTEGER NOT NULL,
    org_id UUID NOT NULL REFERENCES orgs (id),
    kind TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    closed_by TEXT,
    closed_at TIMESTAMPTZ,
    PRIMARY KEY (member_id, seq),
    CONSTRAINT member_branches_kind_check CHECK (kind IN ('official', 'temporary')),
    CONSTRAINT member_branches_period_check CHECK (valid_from <= valid_to)
);
CREATE INDEX member_branches_org ON member_branches (org_id, valid_from, valid_to);

CREATE TABLE member_statuses (
    id UUID PRIMARY KEY,
    member_id UUID NOT NULL REFERENCES members (id),
    kind TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL,
    note TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    closed_by TEXT,
    closed_at TIMESTAMPTZ,
    CONSTRAINT member_statuses_period_check CHECK (valid_from <= valid_to)
);
CREATE INDEX member_statuses_member ON member_statuses (member_id, valid_from);

CREATE TABLE member_leaves (
    id UUID PRIMARY KEY,
    member_id UUID NOT NULL REFERENCES members (id),
    kind TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL,
    note TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    closed_by TEXT,
    closed_at TIMESTAMPTZ,
    CONSTRAINT member_leaves_period_check CHECK (valid_from <= valid_to)
);
CREATE INDEX member_leaves_member ON member_leaves (member_id, valid_from);

-- Chuyển sinh hoạt đảng: `in` from outside the tree, `out` to outside it, `internal` between
-- two organisations of the tree (the branch rows themselves live in member_branches).
CREATE TABLE member_transfers (
    id UUID PRIMARY KEY,
    member_id UUID NOT NULL REFERENCES members (id),
    direction TEXT NOT NULL,
    effective_on DATE NOT NULL,
    from_org_id UUID REFERENCES orgs (id),
    to_org_id UUID REFERENCES orgs (id),
    external_org TEXT NOT NULL,
    note TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT member_transfers_direction_check CHECK (direction IN ('in', 'out', 'internal'))
);
CREATE INDEX member_transfers_member ON member_transfers (member_id, effective_on);

CREATE TABLE discipline_records (
    id UUID PRIMARY KEY,
    member_id UUID NOT NULL REFERENCES members (id),
    form TEXT NOT NULL,
    violation_on DATE NOT NULL,
    decided_on DATE NOT NULL,
    violation_org_id UUID REFERENCES orgs (id),
    deciding_org_id UUID REFERENCES orgs (id),
    duty_related BOOLEAN NOT NULL,
    self_detected_remedied BOOLEAN NOT NULL,
    note TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT discipline_records_dates_check CHECK (violation_on <= decided_on)
);
CREATE INDEX discipline_records_member ON discipline_records (member_id, decided_on);
CREATE INDEX discipline_records_violation_org ON discipline_records (violation_org_id, violation_on);

-- Cán bộ lãnh đạo, quản lý who are not party members.
CREATE TABLE non_member_leaders (
    id UUID PRIMARY KEY,
    full_name TEXT NOT NULL,
    sort_key TEXT COLLATE "C" NOT NULL,
    birth_date DATE,
    employer_unit TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL
);

-- Tập thể lãnh đạo, quản lý, attached to the party organisation that manages it.
CREATE TABLE collectives (
    id UUID PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    org_id UUID NOT NULL REFERENCES orgs (id),
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    closed_by TEXT,
    closed_at TIMESTAMPTZ,
    CONSTRAINT collectives_code_key UNIQUE (code),
    CONSTRAINT collectives_period_check CHECK (valid_from <= valid_to)
);
CREATE INDEX collectives_org ON collectives (org_id, valid_from);

-- Chức vụ: a post held by a member or a non-member leader, in a party organisation (bí thư,
-- cấp ủy viên …) and/or a leadership collective.
CREATE TABLE positions (
    id UUID PRIMARY KEY,
    member_id UUID REFERENCES members (id),
    leader_id UUID REFERENCES non_member_leaders (id),
    kind TEXT NOT NULL,
    org_id UUID REFERENCES orgs (id),
    collective_id UUID REFERENCES collectives (id),
    title TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    closed_by TEXT,
    closed_at TIMESTAMPTZ,
    CONSTRAINT positions_holder_check CHECK ((member_id IS NULL) <> (leader_id IS NULL)),
    CONSTRAINT positions_place_check CHECK (org_id IS NOT NULL OR collective_id IS NOT NULL),
    CONSTRAINT positions_period_check CHECK (valid_from <= valid_to)
);
CREATE INDEX positions_member ON positions (member_id, valid_from);
CREATE INDEX positions_leader ON positions (leader_id, valid_from);
CREATE INDEX positions_org ON positions (org_id, valid_from);
CREATE INDEX positions_collective ON positions (collective_id, valid_from);
