//! Dossiers: the rows of the files attached to a plan's dossier (the bytes live outside the
//! database, under the key recorded here) and the submission of a plan's results upward. Which
//! items a dossier needs is the rules crate's; where the bytes go is the app's.

use crate::db::{Tx, on_conn};
use crate::error::Result;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A file attached to a dossier.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DossierFile {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub org_id: Uuid,
    /// The subject whose dossier it belongs to; `None` for the organisation's own items.
    pub subject_id: Option<Uuid>,
    /// The checklist item's code.
    pub item: String,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    /// Lowercase hexadecimal SHA-256 of the bytes.
    pub sha256: String,
    /// Where the bytes are, relative to the files' directory.
    pub storage_key: String,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

/// A plan's results sent up.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Submission {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub org_id: Uuid,
    pub submitted_on: Date,
    /// JSON: the items allowed to follow that were missing.
    pub following: String,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

/// A yearly plan of a subtree with its submission day, if sent.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlanSubmission {
    pub plan_id: Uuid,
    pub org_id: Uuid,
    pub submitted_on: Option<Date>,
}

impl Tx {
    /// Records an attached file (its bytes already stored under `file.storage_key`); the stamp's
    /// author and time replace the given ones.
    pub async fn insert_dossier_file(&mut self, file: &DossierFile) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => sqlx::query(
            "INSERT INTO dossier_files (id, plan_id, org_id, subject_id, item, file_name, media_type, size_bytes, \
             sha256, storage_key, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(file.id).bind(file.plan_id).bind(file.org_id).bind(file.subject_id).bind(&file.item)
        .bind(&file.file_name).bind(&file.media_type).bind(file.size_bytes).bind(&file.sha256)
        .bind(&file.storage_key).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("dossier_files", file.id.to_string(), "insert");
        Ok(())
    }

    /// The files attached to the plan's dossiers, in the order attached.
    pub async fn dossier_files(&mut self, plan: Uuid) -> Result<Vec<DossierFile>> {
        const SQL: &str = "SELECT id, plan_id, org_id, subject_id, item, file_name, media_type, size_bytes, sha256, \
             storage_key, changed_by, changed_at FROM dossier_files WHERE plan_id = $1 ORDER BY id";
        Ok(on_conn!(self, c => sqlx::query_as(SQL).bind(plan).fetch_all(c).await?))
    }

    /// Records the plan's submission upward; `false` when it was already sent.
    pub async fn insert_submission(&mut self, submission: &Submission) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let inserted = on_conn!(self, c => sqlx::query(
            "INSERT INTO dossier_submissions (id, plan_id, org_id, submitted_on, following, changed_by, changed_at) \
             SELECT $1, $2, $3, $4, $5, $6, $7 WHERE NOT EXISTS (SELECT 1 FROM dossier_submissions WHERE plan_id = $2)",
        )
        .bind(submission.id).bind(submission.plan_id).bind(submission.org_id)
        .bind(submission.submitted_on).bind(&submission.following).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        if inserted == 1 {
            self.record("dossier_submissions", submission.id.to_string(), "insert");
        }
        Ok(inserted == 1)
    }

    /// The plan's submission, if sent.
    pub async fn submission(&mut self, plan: Uuid) -> Result<Option<Submission>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT id, plan_id, org_id, submitted_on, following, changed_by, changed_at \
             FROM dossier_submissions WHERE plan_id = $1",
        ).bind(plan).fetch_optional(c).await?))
    }

    /// The yearly plans of `year` issued in `root`'s subtree (as it stood on `on`), each with the
    /// day its results were sent up.
    pub async fn plan_submissions(
        &mut self,
        root: Uuid,
        year: i64,
        on: Date,
    ) -> Result<Vec<PlanSubmission>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT p.id AS plan_id, p.org_id, s.submitted_on FROM plans p \
             LEFT JOIN dossier_submissions s ON s.plan_id = p.id \
             WHERE p.year = $1 AND p.period_kind = 'year' AND p.org_id IN (SELECT descendant_id FROM org_closure \
             WHERE ancestor_id = $2 AND valid_from <= $3 AND valid_to > $3) ORDER BY p.id",
        ).bind(year).bind(root).bind(on).fetch_all(c).await?))
    }
}
