-- Secret ballots (bỏ phiếu kín) — see docs/ballot-secrecy.md for the threat model.
--
-- Nothing here may link a vote to a voter:
-- * `ballot_roll` is frozen when the ballot opens; `has_voted` only says that someone has voted
--   (no time, no order: the flag is overwritten in place, a fixed-size cell);
-- * `ballot_urn` holds the papers while the ballot is open: no voter, no timestamp, a random
--   (UUID v4) paper id, and WITHOUT ROWID so that no rowid records the order of casting;
-- * at close the papers are counted, rewritten in random order into `ballot_papers` and the urn
--   is emptied (with secure_delete on and a WAL checkpoint that truncates the log);
-- * reports read `ballot_results` (counts per subject), never papers.

CREATE TABLE ballots (
    id BLOB PRIMARY KEY,
    meeting_id BLOB NOT NULL REFERENCES meetings (id),
    mode TEXT NOT NULL,
    status TEXT NOT NULL,
    summoned INTEGER NOT NULL,
    denominator INTEGER NOT NULL,
    present_voters INTEGER NOT NULL,
    denominator_detail TEXT NOT NULL,
    papers_cast INTEGER NOT NULL,
    version INTEGER NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    CONSTRAINT ballots_mode_check CHECK (mode IN ('electronic', 'paper')),
    CONSTRAINT ballots_status_check CHECK (status IN ('prepared', 'open', 'closed'))
);
CREATE INDEX ballots_meeting ON ballots (meeting_id);

CREATE TABLE ballot_agenda (
    ballot_id BLOB NOT NULL REFERENCES ballots (id),
    subject_id BLOB NOT NULL REFERENCES subjects (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (ballot_id, subject_id)
) WITHOUT ROWID;

CREATE TABLE ballot_roll (
    ballot_id BLOB NOT NULL REFERENCES ballots (id),
    member_id BLOB NOT NULL REFERENCES members (id),
    official INTEGER NOT NULL,
    present INTEGER NOT NULL,
    temporary_elsewhere INTEGER NOT NULL,
    exempt INTEGER NOT NULL,
    suspended INTEGER NOT NULL,
    prosecuted_or_detained INTEGER NOT NULL,
    excused_absence INTEGER NOT NULL,
    entitled INTEGER NOT NULL,
    has_voted INTEGER NOT NULL,
    closed INTEGER NOT NULL,
    PRIMARY KEY (ballot_id, member_id)
) WITHOUT ROWID;

CREATE TABLE ballot_urn (
    ballot_id BLOB NOT NULL,
    paper_id BLOB NOT NULL,
    subject_id BLOB NOT NULL,
    vote TEXT NOT NULL,
    PRIMARY KEY (ballot_id, paper_id, subject_id)
) WITHOUT ROWID;

CREATE TABLE ballot_papers (
    ballot_id BLOB NOT NULL,
    paper_id BLOB NOT NULL,
    subject_id BLOB NOT NULL,
    vote TEXT NOT NULL,
    PRIMARY KEY (ballot_id, paper_id, subject_id)
) WITHOUT ROWID;

CREATE TABLE ballot_results (
    ballot_id BLOB NOT NULL REFERENCES ballots (id),
    subject_id BLOB NOT NULL REFERENCES subjects (id),
    htxsnv INTEGER NOT NULL,
    httnv INTEGER NOT NULL,
    htnv INTEGER NOT NULL,
    khtnv INTEGER NOT NULL,
    blank INTEGER NOT NULL,
    invalid INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    votes INTEGER NOT NULL,
    base INTEGER NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (ballot_id, subject_id)
);
CREATE INDEX ballot_results_subject ON ballot_results (subject_id);
