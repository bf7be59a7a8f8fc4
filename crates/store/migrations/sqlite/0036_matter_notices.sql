-- A matter's conclusion is notified to its complainant like a decision (issue 16): a notification
-- is about a decision or about a matter (đơn thư), never both. The subject's own list of
-- notifications and deliveries shows only its decisions' (the complainant stays unnamed to it).
-- SQLite cannot drop a NOT NULL: the table is rebuilt with its rows. Its deliveries point to it
-- by id; the foreign keys are checked at commit, once the rows are back.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE notifications_copy AS
    SELECT id, subject_id, decision_id, recipient_kind, recipient, message, created_at FROM notifications;
DROP TABLE notifications;
CREATE TABLE notifications (
    id BLOB PRIMARY KEY,
    subject_id BLOB NOT NULL REFERENCES subjects (id),
    decision_id BLOB REFERENCES decisions (id),
    recipient_kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL,
    matter_id BLOB REFERENCES matters (id),
    CONSTRAINT notifications_about_check CHECK ((decision_id IS NULL) <> (matter_id IS NULL))
);
INSERT INTO notifications (id, subject_id, decision_id, recipient_kind, recipient, message, created_at)
    SELECT id, subject_id, decision_id, recipient_kind, recipient, message, created_at FROM notifications_copy;
DROP TABLE notifications_copy;
CREATE INDEX notifications_subject ON notifications (subject_id);
CREATE INDEX notifications_matter ON notifications (matter_id);
