//! Loading records in (nhập dữ liệu): organisations, members and members' discipline decisions
//! from a file, and the demo data.
//! Each runs in one transaction that ends with its audit entry, so the hash-chained trail holds
//! every change to the tree and the people, not only the cycle's. What a file means — the
//! columns, the checks by row and column, what is new, changed or unchanged — is the store's
//! import; this module only brackets it with the actor and the audit.

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::Result;
use kiemdiem_store::demo::{DemoOptions, DemoSummary, generate_in};
use kiemdiem_store::import::{
    ImportError, ImportOptions, ImportReport, Problem, import_disciplines_in, import_members_in,
    import_orgs_in,
};
use std::path::Path;

pub use kiemdiem_store::import::{ImportReport as ImportSummary, Problem as ImportProblem};

/// What an import file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Orgs,
    Members,
    Disciplines,
}

impl ImportKind {
    pub fn parse(code: &str) -> Option<ImportKind> {
        match code {
            "orgs" => Some(ImportKind::Orgs),
            "members" => Some(ImportKind::Members),
            "disciplines" => Some(ImportKind::Disciplines),
            _ => None,
        }
    }

    fn action(self) -> &'static str {
        match self {
            ImportKind::Orgs => "import.orgs",
            ImportKind::Members => "import.members",
            ImportKind::Disciplines => "import.disciplines",
        }
    }
}

impl App {
    /// Imports organisations or members from a file (.xlsx or .csv) in one transaction with its
    /// audit entry. The outer error is the system's; the inner one lists the file's problems
    /// (row and column), in which case nothing is imported.
    pub async fn import_file(
        &self,
        actor: &Actor,
        kind: ImportKind,
        path: &Path,
        options: &ImportOptions,
        progress: &indicatif::ProgressBar,
    ) -> Result<std::result::Result<ImportReport, Vec<Problem>>> {
        let who = self
            .authorize(actor, Action::ManageRecords, Scope::Global)
            .await?;
        let mut tx = self.begin(&who).await?;
        let imported = match kind {
            ImportKind::Orgs => import_orgs_in(&mut tx, path, options, progress).await,
            ImportKind::Members => import_members_in(&mut tx, path, options, progress).await,
            ImportKind::Disciplines => {
                import_disciplines_in(&mut tx, path, options, progress).await
            }
        };
        let report = match imported {
            Ok(report) => report,
            Err(ImportError::Invalid(problems)) => return Ok(Err(problems)),
            Err(ImportError::Store(error)) => return Err(error.into()),
        };
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new(kind.action(), "file", &file).detail(serde_json::json!({
                "file": path.display().to_string(), "effective": options.effective,
                "rows": report.rows, "created": report.created, "updated": report.updated,
                "unchanged": report.unchanged, "rejected": report.rejected,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(report))
    }

    /// Generates the demo data into an empty database, in one transaction with its audit entry,
    /// then refreshes the planner's statistics.
    pub async fn generate_demo(
        &self,
        actor: &Actor,
        options: &DemoOptions,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<DemoSummary> {
        let who = self
            .authorize(actor, Action::ManageRecords, Scope::Global)
            .await?;
        let mut tx = self.begin(&who).await?;
        let summary = generate_in(&mut tx, options, progress).await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("demo.generate", "database", "demo").detail(serde_json::json!({
                "scale": format!("{:?}", options.scale), "seed": options.seed, "today": options.today,
                "orgs": summary.orgs, "members": summary.members, "positions": summary.positions,
                "collectives": summary.collectives, "statuses": summary.statuses,
                "leaves": summary.leaves, "transfers": summary.transfers,
                "disciplines": summary.disciplines,
            })),
        )
        .await?;
        tx.commit().await?;
        self.store().analyze().await?;
        Ok(summary)
    }
}

impl App {
    /// Imports a file uploaded through the pages (`.xlsx` or `.csv`, all or nothing: a file with
    /// problems imports nothing and lists each by row and column). The upload is kept in a
    /// private temporary file for the time of the import only.
    pub async fn import_upload(
        &self,
        actor: &Actor,
        kind: ImportKind,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<std::result::Result<ImportReport, Vec<Problem>>> {
        self.authorize(actor, Action::ManageRecords, Scope::Global)
            .await?;
        let lower = file_name.to_lowercase();
        let extension = if lower.ends_with(".xlsx") {
            "xlsx"
        } else if lower.ends_with(".csv") {
            "csv"
        } else {
            return Err(crate::error::AppError::invalid(
                "file",
                "Tệp phải là bảng tính .xlsx hoặc .csv (xem mẫu trong tài liệu nhập dữ liệu)",
            ));
        };
        if bytes.is_empty() {
            return Err(crate::error::AppError::invalid("file", "Tệp tải lên trống"));
        }
        let dir = std::env::temp_dir().join(format!("kiemdiem-nhap-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).map_err(|e| {
            crate::error::AppError::internal(format!("không tạo được thư mục tạm: {e}"))
        })?;
        let path = dir.join(format!("tep-tai-len.{extension}"));
        let outcome = async {
            std::fs::write(&path, bytes).map_err(|e| {
                crate::error::AppError::internal(format!("không ghi được tệp tạm: {e}"))
            })?;
            let mut options = ImportOptions::new(actor.user.clone());
            options.today = self.today();
            options.effective = self.today();
            self.import_file(
                actor,
                kind,
                &path,
                &options,
                &indicatif::ProgressBar::hidden(),
            )
            .await
        }
        .await;
        let _ = std::fs::remove_dir_all(&dir);
        outcome.map(|result| {
            result.map_err(|problems| {
                problems
                    .into_iter()
                    .map(|mut p| {
                        p.file = file_name.to_string();
                        p
                    })
                    .collect()
            })
        })
    }
}
