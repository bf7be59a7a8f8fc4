-- A matter's conclusion is notified to its complainant like a decision (issue 16): a notification
-- is about a decision or about a matter (đơn thư), never both. The subject's own list of
-- notifications and deliveries shows only its decisions' (the complainant stays unnamed to it).
ALTER TABLE notifications ALTER COLUMN decision_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN matter_id UUID REFERENCES matters (id);
ALTER TABLE notifications ADD CONSTRAINT notifications_about_check CHECK ((decision_id IS NULL) <> (matter_id IS NULL));
CREATE INDEX notifications_matter ON notifications (matter_id);
