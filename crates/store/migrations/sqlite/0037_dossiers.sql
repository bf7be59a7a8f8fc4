-- Dossiers (issue 16): the files attached to a plan's dossier — an organisation's own items or a
-- subject's — kept outside the database (a configured directory), each with its SHA-256, which
-- the audit trail also records; and the submission of an organisation's results upward, refused
-- while a required item is missing.
CREATE TABLE dossier_files (
    id BLOB PRIMARY KEY,
    plan_id BLOB NOT NULL REFERENCES plans (id),
    org_id BLOB NOT NULL REFERENCES orgs (id),
    subject_id BLOB REFERENCES subjects (id),
    item TEXT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    CONSTRAINT dossier_files_size_check CHECK (size_bytes > 0)
);
CREATE INDEX dossier_files_plan ON dossier_files (plan_id, org_id);
CREATE INDEX dossier_files_subject ON dossier_files (subject_id);

-- Gửi kết quả, hồ sơ lên cấp trên: once per plan; `following` lists (JSON) the items the rules
-- let follow that were still missing.
CREATE TABLE dossier_submissions (
    id BLOB PRIMARY KEY,
    plan_id BLOB NOT NULL REFERENCES plans (id),
    org_id BLOB NOT NULL REFERENCES orgs (id),
    submitted_on TEXT NOT NULL,
    following TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    CONSTRAINT dossier_submissions_plan_key UNIQUE (plan_id)
);
CREATE INDEX dossier_submissions_org ON dossier_submissions (org_id);
