-- After the decision (issue 16, first half): dissenting opinions kept against a standing decision,
-- complaints, denunciations and reports about a subject (đơn thư, phản ánh) with the level handling
-- them, the verification ordered, its due date and the written conclusion, and the orders of an
-- upper level's inspection (a new review, a re-classification). Nothing here is a rule: the app
-- asks the rules crate what a matter blocks.

-- Bảo lưu ý kiến: a subject (a member, or a body through its secretary) keeps its own opinion of the
-- decision in force, addressed to the level above the deciding one.
CREATE TABLE dissents (
    id BLOB PRIMARY KEY,
    subject_id BLOB NOT NULL REFERENCES subjects (id),
    decision_id BLOB NOT NULL REFERENCES decisions (id),
    addressed_org_id BLOB REFERENCES orgs (id),
    member_id BLOB REFERENCES members (id),
    opinion TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX dissents_subject ON dissents (subject_id);

-- Đơn thư khiếu nại, tố cáo, phản ánh about a subject: lodged by a member, handled by the level the
-- rules made competent, verified (the step a decision waits for, QĐ 366 Điều 12) and concluded.
CREATE TABLE matters (
    id BLOB PRIMARY KEY,
    subject_id BLOB NOT NULL REFERENCES subjects (id),
    kind TEXT NOT NULL,
    complainant_member_id BLOB NOT NULL REFERENCES members (id),
    complainant_login TEXT NOT NULL,
    content TEXT NOT NULL,
    received_on TEXT NOT NULL,
    before_decision INTEGER NOT NULL,
    handling_org_id BLOB REFERENCES orgs (id),
    ordered_on TEXT,
    due_on TEXT,
    order_note TEXT,
    verified_on TEXT,
    findings TEXT,
    outcome TEXT,
    conclusion TEXT,
    concluded_on TEXT,
    correction_id BLOB REFERENCES decisions (id),
    version INTEGER NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    CONSTRAINT matters_kind_check CHECK (kind IN ('complaint', 'denunciation', 'negativity_report', 'violation_signs', 'disunity_signs')),
    CONSTRAINT matters_outcome_check CHECK (outcome IS NULL OR outcome IN ('upheld', 'not_upheld', 'partly'))
);
CREATE INDEX matters_subject ON matters (subject_id);
CREATE INDEX matters_complainant ON matters (complainant_member_id);

-- Kiểm tra của cấp trên: a new review (where one fell short) or a re-classification (a quota or a
-- condition broken) ordered by an organisation above the plan that holds the subject.
CREATE TABLE inspection_orders (
    id BLOB PRIMARY KEY,
    subject_id BLOB NOT NULL REFERENCES subjects (id),
    ordering_org_id BLOB NOT NULL REFERENCES orgs (id),
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    due_on TEXT,
    status TEXT NOT NULL,
    decision_id BLOB REFERENCES decisions (id),
    version INTEGER NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    CONSTRAINT inspection_orders_kind_check CHECK (kind IN ('review', 'reclassify')),
    CONSTRAINT inspection_orders_status_check CHECK (status IN ('open', 'done'))
);
CREATE INDEX inspection_orders_subject ON inspection_orders (subject_id);
