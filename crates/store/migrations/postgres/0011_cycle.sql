-- The annual cycle (kiemdiem-app, issue 4): plans and their subjects, self-reviews, review inputs,
-- meetings, evaluations, decisions (immutable versions), notifications, publications and
-- escalations. Same conventions as 0001: UUID ids, DATE, TIMESTAMPTZ, BOOLEAN, BIGINT.
-- Every mutable row carries `version` (optimistic concurrency: a write names the version it
-- read and is refused if it changed) and who changed it last; the full history is in audit_log.

-- Kế hoạch: one per organisation, year and period; a lower plan points to its superior's.
CREATE TABLE plans (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES orgs (id),
    year BIGINT NOT NULL,
    period_kind TEXT NOT NULL,
    period_no BIGINT NOT NULL,
    parent_plan_id UUID REFERENCES plans (id),
    title TEXT NOT NULL,
    rule_set TEXT NOT NULL,
    local_layer TEXT,
    review_date DATE NOT NULL,
    status TEXT NOT NULL,
    subjects_count BIGINT NOT NULL DEFAULT 0,
    excluded_count BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT plans_period_key UNIQUE (org_id, year, period_kind, period_no),
    CONSTRAINT plans_period_check CHECK (period_kind IN ('year', 'half', 'quarter')),
    CONSTRAINT plans_status_check CHECK (status IN ('draft', 'open', 'published'))
);
CREATE INDEX plans_parent ON plans (parent_plan_id);

-- Khung tiêu chí chosen by the plan for a subject kind (absent: the national default).
CREATE TABLE plan_frameworks (
    plan_id UUID NOT NULL REFERENCES plans (id),
    subject_kind TEXT NOT NULL,
    framework_id TEXT NOT NULL,
    PRIMARY KEY (plan_id, subject_kind)
);

-- Giai đoạn, thời hạn: phases with dates; `step` links a deadline to a step of progress.
CREATE TABLE plan_phases (
    plan_id UUID NOT NULL REFERENCES plans (id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    step TEXT,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (plan_id, code),
    CONSTRAINT plan_phases_dates_check CHECK (starts_on <= ends_on)
);

-- Đối tượng: one row per subject of a plan, created in bulk when the plan is opened.
CREATE TABLE subjects (
    id UUID PRIMARY KEY,
    plan_id UUID NOT NULL REFERENCES plans (id),
    kind TEXT NOT NULL,
    member_id UUID,
    leader_id UUID,
    collective_id UUID,
    org_id UUID,
    unit_id UUID NOT NULL,
    name TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    participation TEXT NOT NULL,
    eligibility TEXT,
    form_code TEXT NOT NULL,
    framework_id TEXT,
    decides_body TEXT NOT NULL,
    deciding_org_id UUID,
    proposes_body TEXT,
    quota_group TEXT NOT NULL,
    stage TEXT NOT NULL,
    level TEXT,
    decision_id UUID,
    version BIGINT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX subjects_plan_unit ON subjects (plan_id, unit_id);
CREATE INDEX subjects_plan_group ON subjects (plan_id, quota_group);
CREATE INDEX subjects_member ON subjects (member_id);

-- Kết quả trước/sau sáp nhập, chia tách, chuyển giao; nhiệm vụ của từng đơn vị của chi bộ ghép.
CREATE TABLE subject_parts (
    subject_id UUID NOT NULL REFERENCES subjects (id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    source_org_id UUID,
    from_on DATE,
    to_on DATE,
    tasks_assigned BIGINT,
    tasks_completed BIGINT,
    tasks_on_time BIGINT,
    tasks_exceeded BIGINT,
    note TEXT NOT NULL,
    version BIGINT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subject_id, seq),
    CONSTRAINT subject_parts_kind_check CHECK (kind IN ('before_change', 'after_change', 'joint_unit'))
);

-- Bản kiểm điểm / báo cáo kiểm điểm: one per subject, sections of the era's form.
CREATE TABLE self_reviews (
    subject_id UUID PRIMARY KEY REFERENCES subjects (id),
    form_code TEXT NOT NULL,
    sections TEXT NOT NULL,
    status TEXT NOT NULL,
    submitted_on DATE,
    draft_sent_on DATE,
    similarity TEXT,
    version BIGINT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT self_reviews_status_check CHECK (status IN ('draft', 'submitted'))
);

-- Gợi ý kiểm điểm, nhận xét nơi cư trú, góp ý của quần chúng, nhận xét chi bộ nơi sinh hoạt
-- tạm thời / nơi chuyển đi.
CREATE TABLE review_inputs (
    id UUID PRIMARY KEY,
    subject_id UUID NOT NULL REFERENCES subjects (id),
    kind TEXT NOT NULL,
    from_body TEXT NOT NULL,
    body TEXT NOT NULL,
    received_on DATE NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX review_inputs_subject ON review_inputs (subject_id);

-- Hội nghị kiểm điểm, đánh giá, xếp loại.
CREATE TABLE meetings (
    id UUID PRIMARY KEY,
    plan_id UUID NOT NULL REFERENCES plans (id),
    org_id UUID NOT NULL REFERENCES orgs (id),
    title TEXT NOT NULL,
    body_key TEXT NOT NULL,
    suggested BOOLEAN NOT NULL,
    held_on DATE NOT NULL,
    place TEXT NOT NULL,
    chair TEXT NOT NULL,
    half_days BIGINT,
    minutes TEXT NOT NULL,
    conclusion TEXT NOT NULL,
    status TEXT NOT NULL,
    override_reason TEXT,
    version BIGINT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT meetings_status_check CHECK (status IN ('scheduled', 'held', 'closed'))
);
CREATE INDEX meetings_plan ON meetings (plan_id, org_id);

CREATE TABLE meeting_attendees (
    meeting_id UUID NOT NULL REFERENCES meetings (id),
    seq BIGINT NOT NULL,
    member_id UUID,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    present BOOLEAN NOT NULL,
    excused BOOLEAN NOT NULL,
    PRIMARY KEY (meeting_id, seq),
    CONSTRAINT meeting_attendees_role_check CHECK (role IN ('member', 'chair', 'secretary', 'superior_delegate', 'guest'))
);

-- Each subject reviewed at a meeting: order, comments, conclusion, who chaired the item.
CREATE TABLE meeting_items (
    meeting_id UUID NOT NULL REFERENCES meetings (id),
    subject_id UUID NOT NULL REFERENCES subjects (id),
    position BIGINT NOT NULL,
    reviewed BOOLEAN NOT NULL,
    chaired_by TEXT,
    comments TEXT NOT NULL,
    conclusion TEXT NOT NULL,
    override_reason TEXT,
    PRIMARY KEY (meeting_id, subject_id)
);
CREATE INDEX meeting_items_subject ON meeting_items (subject_id);

-- Tự đánh giá (1), thẩm định and opinions of participating bodies (2)–(4), proposal.
CREATE TABLE evaluations (
    id UUID PRIMARY KEY,
    subject_id UUID NOT NULL REFERENCES subjects (id),
    step TEXT NOT NULL,
    source TEXT NOT NULL,
    column_no BIGINT NOT NULL,
    input TEXT NOT NULL,
    evidence TEXT NOT NULL,
    total BIGINT,
    score_level TEXT,
    proposed_level TEXT,
    note TEXT NOT NULL,
    version BIGINT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT evaluations_source_key UNIQUE (subject_id, step, source),
    CONSTRAINT evaluations_step_check CHECK (step IN ('self', 'verification', 'opinion', 'proposal'))
);

-- Quyết định xếp loại: never updated; a correction or re-opening is a new row pointing to the old.
CREATE TABLE decisions (
    id UUID PRIMARY KEY,
    subject_id UUID NOT NULL REFERENCES subjects (id),
    version_no BIGINT NOT NULL,
    previous_id UUID REFERENCES decisions (id),
    kind TEXT NOT NULL,
    level TEXT,
    deciding_org_id UUID,
    body TEXT NOT NULL,
    reason TEXT,
    basis TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT decisions_version_key UNIQUE (subject_id, version_no),
    CONSTRAINT decisions_kind_check CHECK (kind IN ('decision', 'correction', 'reopen', 'escalation'))
);

CREATE TABLE notifications (
    id UUID PRIMARY KEY,
    subject_id UUID NOT NULL REFERENCES subjects (id),
    decision_id UUID NOT NULL REFERENCES decisions (id),
    recipient_kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX notifications_subject ON notifications (subject_id);

CREATE TABLE publications (
    id UUID PRIMARY KEY,
    plan_id UUID NOT NULL REFERENCES plans (id),
    org_id UUID NOT NULL REFERENCES orgs (id),
    summary TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TIMESTAMPTZ NOT NULL
);

-- A person rated differently in several places: goes up to the organisation board.
CREATE TABLE escalations (
    id UUID PRIMARY KEY,
    plan_id UUID NOT NULL REFERENCES plans (id),
    member_id UUID NOT NULL,
    places TEXT NOT NULL,
    status TEXT NOT NULL,
    resolved_level TEXT,
    reason TEXT,
    version BIGINT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT escalations_status_check CHECK (status IN ('open', 'resolved'))
);
CREATE INDEX escalations_member ON escalations (member_id, status);

