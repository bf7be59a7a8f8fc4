-- Answers kept between visits (a progress page, an organisation's page) are served while the
-- database is in the state they were read at, named by a sequence of the audit trail. Until now
-- that was the head itself, so every sign-in (audited) dropped every kept page at the busiest
-- hours. `answers_seq` is the sequence of the last entry that may change what a kept answer
-- shows: every entry but a session's own (sign-in, failed sign-in, lock-out, sign-out).
ALTER TABLE audit_head ADD COLUMN answers_seq INTEGER NOT NULL DEFAULT 0;
UPDATE audit_head SET answers_seq = seq;
