-- A branch's collective scoring (seed 003 mục B.1.4, issue 13): the secretary's proposed score
-- sheet sent to the members before the meeting, each member's scoring, the bonuses and
-- deductions the branch agrees on, and the vote adopting the total — which becomes the
-- organisation's self-evaluation.
CREATE TABLE collective_scorings (
    subject_id UUID PRIMARY KEY REFERENCES subjects (id),
    proposed TEXT NOT NULL,
    sent_on DATE NOT NULL,
    adjustments TEXT NOT NULL,
    voted_on DATE,
    votes_for BIGINT,
    votes_against BIGINT,
    abstained BIGINT,
    present BIGINT,
    adopted_total BIGINT,
    outcome TEXT,
    version BIGINT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE collective_scores (
    subject_id UUID NOT NULL REFERENCES subjects (id),
    member_id UUID NOT NULL REFERENCES members (id),
    input TEXT NOT NULL,
    total BIGINT,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subject_id, member_id)
);
