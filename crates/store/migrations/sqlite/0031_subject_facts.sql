-- Facts gathered during the year for a subject (issue 14): conclusions of the competent level or
-- of the inspection committee (suy thoái, những điều đảng viên không được làm, nêu gương, mất đoàn
-- kết, công tác cán bộ, tham nhũng trong phạm vi phụ trách), a leader's vote of confidence, the 5
-- basic socio-economic targets, force majeure, whether last year's shortcomings were remedied, and
-- for a discipline record read at this subject: counted before, unrelated to a collective's remit.
-- Append-only: the latest record of a fact (and discipline record) is the one in force; each names
-- its source document (number, date, issuer) and who recorded it, with its audit entry.
CREATE TABLE subject_facts (
    id BLOB PRIMARY KEY,
    subject_id BLOB NOT NULL REFERENCES subjects (id),
    fact TEXT NOT NULL,
    discipline_id BLOB,
    value TEXT NOT NULL,
    doc_number TEXT NOT NULL,
    doc_date TEXT NOT NULL,
    doc_issuer TEXT NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CONSTRAINT subject_facts_fact_check CHECK (fact IN ('degradation', 'forbidden_acts',
        'exemplary_duty_breached', 'disunity', 'cadre_work_violation', 'member_degradation',
        'corruption_in_scope', 'confidence_vote', 'key_targets', 'force_majeure',
        'previous_defects_fixed', 'discipline_counted_before', 'discipline_unrelated_to_collective')),
    CONSTRAINT subject_facts_discipline_check CHECK ((discipline_id IS NULL) =
        (fact NOT IN ('discipline_counted_before', 'discipline_unrelated_to_collective')))
);
CREATE INDEX subject_facts_subject ON subject_facts (subject_id, fact, recorded_at);
CREATE INDEX subject_facts_discipline ON subject_facts (discipline_id);
