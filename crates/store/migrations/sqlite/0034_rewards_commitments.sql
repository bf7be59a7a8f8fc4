-- After the decision (issue 16): the results of earlier years recorded from the archives, the
-- award proposals made from the history, and the commitments registered for the coming year.

-- Kết quả xếp loại các năm trước, from the archives: one per member or organisation and year, in
-- that year's own vocabulary (`level` is a code of `rule_set`'s vocabulary), with the document it
-- comes from. A member's `rated_in_org_id` is the branch that rated them that year.
CREATE TABLE past_levels (
    id BLOB PRIMARY KEY,
    member_id BLOB REFERENCES members (id),
    org_id BLOB REFERENCES orgs (id),
    year INTEGER NOT NULL,
    level TEXT NOT NULL,
    rule_set TEXT NOT NULL,
    rated_in_org_id BLOB REFERENCES orgs (id),
    source TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    CONSTRAINT past_levels_holder_check CHECK ((member_id IS NULL) <> (org_id IS NULL)),
    CONSTRAINT past_levels_member_key UNIQUE (member_id, year),
    CONSTRAINT past_levels_org_key UNIQUE (org_id, year)
);

-- Đề nghị khen thưởng: the year's award or the consecutive years' one, proposed by an
-- organisation for a member or an organisation; `basis` is the rules' answer (the years, the
-- givers and certificates, the citations) as JSON.
CREATE TABLE award_proposals (
    id BLOB PRIMARY KEY,
    member_id BLOB REFERENCES members (id),
    org_id BLOB REFERENCES orgs (id),
    year INTEGER NOT NULL,
    award TEXT NOT NULL,
    title TEXT NOT NULL,
    proposed_by_org_id BLOB NOT NULL REFERENCES orgs (id),
    basis TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    CONSTRAINT award_proposals_holder_check CHECK ((member_id IS NULL) <> (org_id IS NULL)),
    CONSTRAINT award_proposals_award_check CHECK (award IN ('year', 'consecutive')),
    CONSTRAINT award_proposals_member_key UNIQUE (member_id, year, award),
    CONSTRAINT award_proposals_org_key UNIQUE (org_id, year, award)
);
CREATE INDEX award_proposals_by ON award_proposals (proposed_by_org_id, year);

-- Bản đăng ký phấn đấu: registered by a subject of the review year for `for_year` (the next):
-- the level aimed at (a code of `for_year`'s vocabulary) and, for a member, what they pledge.
-- The holder (member or organisation) is kept so that next year's subject finds it.
CREATE TABLE commitments (
    id BLOB PRIMARY KEY,
    subject_id BLOB NOT NULL REFERENCES subjects (id),
    member_id BLOB REFERENCES members (id),
    org_id BLOB REFERENCES orgs (id),
    for_year INTEGER NOT NULL,
    target_level TEXT NOT NULL,
    pledges TEXT NOT NULL,
    registered_on TEXT NOT NULL,
    version INTEGER NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    CONSTRAINT commitments_holder_check CHECK ((member_id IS NULL) <> (org_id IS NULL)),
    CONSTRAINT commitments_subject_key UNIQUE (subject_id)
);
CREATE INDEX commitments_member ON commitments (member_id, for_year);
CREATE INDEX commitments_org ON commitments (org_id, for_year);
