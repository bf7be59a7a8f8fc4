//! Loading records in (nhập dữ liệu): organisations, members, members' discipline decisions,
//! leadership collectives, leaders outside the party, posts, statuses, leave, temporary
//! activity elsewhere and civil-service ratings from a file, and the demo data.
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
    ImportError, ImportOptions, ImportReport, Problem, import_collectives_in,
    import_disciplines_in, import_leaders_in, import_leave_in, import_members_in, import_orgs_in,
    import_posts_in, import_ratings_in, import_statuses_in, import_temporary_in,
};
use std::path::Path;

pub use kiemdiem_store::import::{ImportReport as ImportSummary, Problem as ImportProblem};

/// What an import file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Orgs,
    Members,
    Disciplines,
    Collectives,
    Leaders,
    Posts,
    Statuses,
    Leave,
    Temporary,
    Ratings,
}

impl ImportKind {
    pub const ALL: [ImportKind; 10] = [
        ImportKind::Orgs,
        ImportKind::Members,
        ImportKind::Disciplines,
        ImportKind::Collectives,
        ImportKind::Leaders,
        ImportKind::Posts,
        ImportKind::Statuses,
        ImportKind::Leave,
        ImportKind::Temporary,
        ImportKind::Ratings,
    ];

    /// The word the command line and the API use (`kiemdiem import posts`).
    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Orgs => "orgs",
            ImportKind::Members => "members",
            ImportKind::Disciplines => "disciplines",
            ImportKind::Collectives => "collectives",
            ImportKind::Leaders => "leaders",
            ImportKind::Posts => "posts",
            ImportKind::Statuses => "statuses",
            ImportKind::Leave => "leave",
            ImportKind::Temporary => "temporary",
            ImportKind::Ratings => "ratings",
        }
    }

    pub fn parse(code: &str) -> Option<ImportKind> {
        ImportKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// What the file holds, in Vietnamese.
    pub fn name_vi(self) -> &'static str {
        match self {
            ImportKind::Orgs => "tổ chức đảng",
            ImportKind::Members => "đảng viên",
            ImportKind::Disciplines => "quyết định kỷ luật đảng viên",
            ImportKind::Collectives => "tập thể lãnh đạo, quản lý",
            ImportKind::Leaders => "cán bộ lãnh đạo, quản lý ngoài Đảng",
            ImportKind::Posts => "chức vụ",
            ImportKind::Statuses => "trạng thái sinh hoạt đảng",
            ImportKind::Leave => "thời gian nghỉ ốm, thai sản",
            ImportKind::Temporary => "sinh hoạt tạm thời",
            ImportKind::Ratings => "xếp loại công chức, viên chức",
        }
    }

    fn action(self) -> &'static str {
        match self {
            ImportKind::Orgs => "import.orgs",
            ImportKind::Members => "import.members",
            ImportKind::Disciplines => "import.disciplines",
            ImportKind::Collectives => "import.collectives",
            ImportKind::Leaders => "import.leaders",
            ImportKind::Posts => "import.posts",
            ImportKind::Statuses => "import.statuses",
            ImportKind::Leave => "import.leave",
            ImportKind::Temporary => "import.temporary",
            ImportKind::Ratings => "import.ratings",
        }
    }
}

/// A copy of a file sent over the API in a directory of its own, removed when dropped.
pub(crate) struct TempCopy {
    pub dir: std::path::PathBuf,
    pub path: std::path::PathBuf,
}

impl TempCopy {
    /// `bytes` written as `name` (a bare file name) in a fresh temporary directory.
    pub(crate) fn new(name: &str, bytes: &[u8]) -> Result<TempCopy> {
        let dir = std::env::temp_dir().join(format!("kiemdiem-nhap-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| crate::AppError::internal(format!("thư mục tạm: {e}")))?;
        let path = dir.join(name);
        let copy = TempCopy { dir, path };
        std::fs::write(&copy.path, bytes)
            .map_err(|e| crate::AppError::internal(format!("tệp tạm: {e}")))?;
        Ok(copy)
    }
}

impl Drop for TempCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `f` on a temporary copy of `bytes` named `name` (its extension kept).
pub(crate) fn with_temp_file<T>(
    name: &str,
    bytes: &[u8],
    f: impl FnOnce(&std::path::Path) -> T,
) -> Result<T> {
    let name = std::path::Path::new(name.trim())
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv") || n.ends_with(".xlsx"))
        .ok_or_else(|| {
            crate::AppError::invalid("file_name", "Tên tệp phải có đuôi .xlsx hoặc .csv")
        })?;
    let copy = TempCopy::new(&name, bytes)?;
    Ok(f(&copy.path))
}

/// A file sent over the API to import.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    /// The file's name as the office has it (`chuc_vu.xlsx`): its extension says .xlsx or .csv,
    /// and problems name it.
    pub file_name: String,
    pub content: Vec<u8>,
    /// The day changes take effect; today when absent.
    pub effective: Option<time::Date>,
    pub skip_invalid: bool,
    pub allow_transfers: bool,
}

/// One problem of an imported file, located.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileProblem {
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl From<&Problem> for FileProblem {
    fn from(p: &Problem) -> FileProblem {
        FileProblem {
            row: p.row,
            column: p.column.clone(),
            message: p.message.clone(),
        }
    }
}

/// What an imported file did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UploadReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Members moved to another branch (chuyển sinh hoạt).
    pub transfers: usize,
    /// Rows left out (`skip_invalid`), with their problems.
    pub rejected: usize,
    pub problems: Vec<FileProblem>,
}

impl App {
    /// Imports a file sent over the API, as `kiemdiem import` does: a file with problems imports
    /// nothing and is refused (`invalid`, field `file`) listing every problem by row and column
    /// in `details`, unless `skip_invalid` keeps the valid rows.
    pub async fn import_upload(
        &self,
        actor: &Actor,
        kind: ImportKind,
        upload: Upload,
    ) -> Result<UploadReport> {
        let result = self.import_bytes(actor, kind, &upload).await?;
        match result {
            Ok(report) => Ok(UploadReport {
                rows: report.rows,
                created: report.created,
                updated: report.updated,
                unchanged: report.unchanged,
                transfers: report.transfers,
                rejected: report.rejected,
                problems: report.problems.iter().map(FileProblem::from).collect(),
            }),
            Err(problems) => {
                let listed: Vec<String> = problems.iter().take(10).map(|p| p.to_string()).collect();
                Err(crate::AppError::invalid(
                    "file",
                    format!(
                        "Tệp có {} lỗi; chưa nhập dữ liệu nào: {}{}",
                        problems.len(),
                        listed.join("; "),
                        if problems.len() > 10 { "; …" } else { "" }
                    ),
                )
                .with_details(problems.iter().map(FileProblem::from).collect::<Vec<_>>()))
            }
        }
    }

    /// The import of a file sent over the API or uploaded through the pages: the outer error is
    /// the system's (or a file that is no spreadsheet), the inner one lists the file's problems
    /// by row and column, named after the file as the office sent it — nothing imported then.
    /// The upload lives in a private temporary copy for the time of the import only.
    pub async fn import_bytes(
        &self,
        actor: &Actor,
        kind: ImportKind,
        upload: &Upload,
    ) -> Result<std::result::Result<ImportReport, Vec<Problem>>> {
        self.authorize(actor, Action::ManageRecords, Scope::Global)
            .await?;
        let name = std::path::Path::new(upload.file_name.trim())
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| {
                let lower = n.to_lowercase();
                lower.ends_with(".csv") || lower.ends_with(".xlsx")
            })
            .ok_or_else(|| {
                crate::AppError::invalid("file_name", "Tên tệp phải có đuôi .xlsx hoặc .csv")
            })?;
        if upload.content.is_empty() {
            return Err(crate::AppError::invalid("file", "Tệp tải lên trống"));
        }
        let copy = TempCopy::new(&name, &upload.content)?;
        let mut options = ImportOptions::new(actor.user.clone());
        options.today = self.today();
        options.effective = upload.effective.unwrap_or(options.today);
        options.skip_invalid = upload.skip_invalid;
        options.allow_transfers = upload.allow_transfers;
        options.rejected_path = Some(copy.dir.join("loai.csv"));
        let result = self
            .import_file(
                actor,
                kind,
                &copy.path,
                &options,
                &indicatif::ProgressBar::hidden(),
            )
            .await;
        drop(copy);
        // Problems name the file as the office sent it, never where it was copied.
        let named = |mut p: Problem| {
            p.file = name.clone();
            p
        };
        Ok(result?.map_or_else(
            |problems| Err(problems.into_iter().map(named).collect()),
            |mut report| {
                report.problems = report.problems.into_iter().map(named).collect();
                Ok(report)
            },
        ))
    }

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
            ImportKind::Collectives => {
                import_collectives_in(&mut tx, path, options, progress).await
            }
            ImportKind::Leaders => import_leaders_in(&mut tx, path, options, progress).await,
            ImportKind::Posts => import_posts_in(&mut tx, path, options, progress).await,
            ImportKind::Statuses => import_statuses_in(&mut tx, path, options, progress).await,
            ImportKind::Leave => import_leave_in(&mut tx, path, options, progress).await,
            ImportKind::Temporary => import_temporary_in(&mut tx, path, options, progress).await,
            ImportKind::Ratings => import_ratings_in(&mut tx, path, options, progress).await,
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
                "transfers": report.transfers, "allow_transfers": options.allow_transfers,
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
