-- Tài khoản, vai trò, phiên đăng nhập: who may sign in, what each may do where, and the
-- sessions and API tokens that carry them. Secrets are never stored: a password as its argon2id
-- hash (PHC string), a session or token as the SHA-256 of its random secret.

-- An account: a person who signs in. Linked to a member record (then it votes as that member and
-- no one else) or to none (a staff account of a board). `org_id`: the organisation whose board
-- manages the account (none for the installation's administrators).
CREATE TABLE accounts (
    id BLOB PRIMARY KEY,
    login TEXT NOT NULL,
    display_name TEXT NOT NULL,
    member_id BLOB REFERENCES members (id),
    org_id BLOB REFERENCES orgs (id),
    password_hash TEXT,
    must_change_password INTEGER NOT NULL,
    disabled INTEGER NOT NULL,
    version BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    CONSTRAINT accounts_login_key UNIQUE (login),
    CONSTRAINT accounts_login_check CHECK (login <> '')
);
CREATE UNIQUE INDEX accounts_member_key ON accounts (member_id) WHERE member_id IS NOT NULL;
CREATE INDEX accounts_org ON accounts (org_id);

-- A role granted on a node of the organisation tree for a period [valid_from, valid_to):
-- its scope is that node's subtree. The administrator's role has no node (the installation).
-- Revoked grants stay, with who revoked them and when.
CREATE TABLE role_grants (
    id BLOB PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts (id),
    role TEXT NOT NULL,
    org_id BLOB REFERENCES orgs (id),
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    revoked_by TEXT,
    revoked_at TEXT,
    CONSTRAINT role_grants_role_check CHECK (role IN ('admin', 'board', 'committee',
        'branch_secretary', 'branch_committee', 'member', 'participating_body', 'inspection')),
    CONSTRAINT role_grants_node_check CHECK ((role = 'admin') = (org_id IS NULL)),
    CONSTRAINT role_grants_dates_check CHECK (valid_to IS NULL OR valid_from < valid_to)
);
CREATE INDEX role_grants_account ON role_grants (account_id);
CREATE INDEX role_grants_org ON role_grants (org_id);

-- A signed-in browser session: the cookie carries the secret, the table its hash. Idle expiry
-- is judged on `last_seen_at` (refreshed at most once a minute), absolute expiry on `expires_at`.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts (id),
    client TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX sessions_account ON sessions (account_id);

-- An API token for a program, acting with its account's roles; shown once at creation.
CREATE TABLE api_tokens (
    id BLOB PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    prefix TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    last_used_at TEXT,
    revoked_by TEXT,
    revoked_at TEXT,
    CONSTRAINT api_tokens_hash_key UNIQUE (token_hash)
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

-- Failed sign-ins counted per account (`account:<login>`) and per client address
-- (`client:<address>`), in the database so that the limit holds across app servers. Times are
-- Unix seconds, so that both backends compare them in SQL the same way.
CREATE TABLE sign_in_throttle (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    locked_until BIGINT
);
