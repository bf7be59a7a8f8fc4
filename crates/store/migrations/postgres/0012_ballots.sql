-- Secret ballots (bỏ phiếu kín) — see docs/ballot-secrecy.md for the threat model.
--
-- Nothing here may link a vote to a voter:
-- * `ballot_roll` is frozen when the ballot opens; `has_voted` only says that someone has voted
--   (no time, no order: the flag is overwritten in place, a fixed-size cell);
-- * `ballot_urn` holds the papers while the ballot is open: no voter, no timestamp, a random
--   (UUID v4) paper id;
-- * at close the roll rows are all rewritten (so their xmin is the closing transaction's), the
--   papers are counted, rewritten in random order into `ballot_papers`, the urn is emptied and
--   VACUUMed after the closing transaction (residual risks: xmin while open, WAL);
-- * reports read `ballot_results` (counts per subject), never papers.

CREATE TABLE ballots (
    id UUID PRIMARY KEY,
    meeting_id UUID NOT NULL REFERENCES meetings (id),
    mode TEXT NOT NULL,
    status TEXT NOT NULL,
    summoned BIGINT NOT NULL,
    denominator BIGINT NOT NULL,
    present_voters BIGINT NOT NULL,
    denominator_detail TEXT NOT NULL,
    papers_cast BIGINT NOT NULL,
    version BIGINT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT ballots_mode_check CHECK (mode IN ('electronic', 'paper')),
    CONSTRAINT ballots_status_check CHECK (status IN ('prepared', 'open', 'closed'))
);
CREATE INDEX ballots_meeting ON ballots (meeting_id);

CREATE TABLE ballot_agenda (
    ballot_id UUID NOT NULL REFERENCES ballots (id),
    subject_id UUID NOT NULL REFERENCES subjects (id),
    position BIGINT NOT NULL,
    PRIMARY KEY (ballot_id, subject_id)
);

CREATE TABLE ballot_roll (
    ballot_id UUID NOT NULL REFERENCES ballots (id),
    member_id UUID NOT NULL REFERENCES members (id),
    official BOOLEAN NOT NULL,
    present BOOLEAN NOT NULL,
    temporary_elsewhere BOOLEAN NOT NULL,
    exempt BOOLEAN NOT NULL,
    suspended BOOLEAN NOT NULL,
    prosecuted_or_detained BOOLEAN NOT NULL,
    excused_absence BOOLEAN NOT NULL,
    entitled BOOLEAN NOT NULL,
    has_voted BOOLEAN NOT NULL,
    closed BOOLEAN NOT NULL,
    PRIMARY KEY (ballot_id, member_id)
);

CREATE TABLE ballot_urn (
    ballot_id UUID NOT NULL,
    paper_id UUID NOT NULL,
    subject_id UUID NOT NULL,
    vote TEXT NOT NULL,
    PRIMARY KEY (ballot_id, paper_id, subject_id)
);

CREATE TABLE ballot_papers (
    ballot_id UUID NOT NULL,
    paper_id UUID NOT NULL,
    subject_id UUID NOT NULL,
    vote TEXT NOT NULL,
    PRIMARY KEY (ballot_id, paper_id, subject_id)
);

CREATE TABLE ballot_results (
    ballot_id UUID NOT NULL REFERENCES ballots (id),
    subject_id UUID NOT NULL REFERENCES subjects (id),
    htxsnv BIGINT NOT NULL,
    httnv BIGINT NOT NULL,
    htnv BIGINT NOT NULL,
    khtnv BIGINT NOT NULL,
    blank BIGINT NOT NULL,
    invalid BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    votes BIGINT NOT NULL,
    base BIGINT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (ballot_id, subject_id)
);
CREATE INDEX ballot_results_subject ON ballot_results (subject_id);
