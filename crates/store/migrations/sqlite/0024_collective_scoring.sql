-- A branch's collective scoring (seed 003 mục B.1.4, issue 13): the secretary's proposed score
-- sheet sent to the members before the meeting, each member's scoring, the bonuses and
-- deductions the branch agrees on, and the vote adopting the total — which becomes the
-- organisation's self-evaluation.
CREATE TABLE collective_scorings (
    subject_id BLOB PRIMARY KEY REFERENCES subjects (id),
    proposed TEXT NOT NULL,
    sent_on TEXT NOT NULL,
    adjustments TEXT NOT NULL,
    voted_on TEXT,
    votes_for INTEGER,
    votes_against INTEGER,
    abstained INTEGER,
    present INTEGER,
    adopted_total INTEGER,
    outcome TEXT,
    version INTEGER NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);

CREATE TABLE collective_scores (
    subject_id BLOB NOT NULL REFERENCES subjects (id),
    member_id BLOB NOT NULL REFERENCES members (id),
    input TEXT NOT NULL,
    total INTEGER,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (subject_id, member_id)
);
