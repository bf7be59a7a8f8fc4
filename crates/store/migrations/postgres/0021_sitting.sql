-- Decisions by the sitting (issue 13): the quota group's lock row, and the documents that plans
-- and decisions are issued by.

-- One row per quota group (tỷ lệ khống chế) of a period, written by every decision that may
-- change the group's counts before it reads them: the row lock (PostgreSQL) or the single writer
-- (SQLite) makes decisions over one group take turns, so concurrent decisions never see counts
-- that another has already changed. `decisions` counts the transactions that took it.
CREATE TABLE quota_group_locks (
    year BIGINT NOT NULL,
    period_kind TEXT NOT NULL,
    period_no BIGINT NOT NULL,
    quota_group TEXT NOT NULL,
    decisions BIGINT NOT NULL,
    PRIMARY KEY (year, period_kind, period_no, quota_group)
);

-- Văn bản: the document a plan or a decision is issued by (Hướng dẫn 36-HD/VPTW: number and
-- symbol, place and date, the signature block "T/M BAN THƯỜNG VỤ" / title / name, recipients).
-- One document may carry many decisions (a sitting's decision on a whole group).
CREATE TABLE documents (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL,
    number_symbol TEXT NOT NULL,
    issued_on DATE NOT NULL,
    place TEXT NOT NULL,
    on_behalf_of TEXT NOT NULL,
    signer_title TEXT NOT NULL,
    signer_name TEXT NOT NULL,
    recipients TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT documents_kind_check CHECK (kind IN ('plan', 'decision', 'reclassification'))
);

ALTER TABLE decisions ADD COLUMN document_id UUID REFERENCES documents (id);
ALTER TABLE plans ADD COLUMN document_id UUID REFERENCES documents (id);
