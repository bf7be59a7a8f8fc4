-- Notifications delivered (issue 13): to the account inbox of each person they are for, and by
-- e-mail when the account has an address and the server an SMTP relay. One row per notification,
-- account and channel, with its delivery state.
ALTER TABLE accounts ADD COLUMN email TEXT;

CREATE TABLE notification_deliveries (
    id BLOB PRIMARY KEY,
    notification_id BLOB NOT NULL REFERENCES notifications (id),
    account_id BLOB NOT NULL REFERENCES accounts (id),
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    delivered_at TEXT,
    read_at TEXT,
    CONSTRAINT notification_deliveries_channel_check CHECK (channel IN ('inbox', 'email')),
    CONSTRAINT notification_deliveries_state_check CHECK (state IN ('delivered', 'read', 'pending', 'sending', 'sent', 'failed')),
    CONSTRAINT notification_deliveries_key UNIQUE (notification_id, account_id, channel)
);
CREATE INDEX notification_deliveries_account ON notification_deliveries (account_id, channel);
CREATE INDEX notification_deliveries_state ON notification_deliveries (state);
