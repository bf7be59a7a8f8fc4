-- Each audit entry's seal: HMAC-SHA-256 of its hash under a key kept outside the database
-- (kiemdiem_app::audit::seal). NULL for entries written before the installation had a key.
ALTER TABLE audit_log ADD COLUMN seal TEXT;
