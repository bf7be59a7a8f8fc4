//! Dossiers (hồ sơ; seed 003 §B.7, Mẫu 04 from 2025): for a plan, the era's checklist of the
//! organisation's own items and of each subject's, what is present — a document the system
//! produces once its step is reached (the self-review submitted, the review held, the
//! verification recorded, the level decided …), or a file attached — and what is missing; files
//! attached (PDF, PNG, JPEG, Word/Excel/PowerPoint) checked by their content, never their name,
//! kept in the configured [`FileStore`] (a directory, or a bucket of an S3-compatible store) with
//! their SHA-256 in the audit trail, and verified against it; the results sent up only when no required item is missing (unless the list lets
//! it follow), and the late list against the national dossier date (01/02 under HD 43).
//!
//! The checklist and the refusal are the rules crate's (`dossier`); this module finds what is
//! present and keeps the bytes.

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, ErrorCode, Result};
use crate::files::{FileStore, sha256_hex};
use crate::plan::{Plan, load_plan, subject_view};
use crate::state::Stage;
use kiemdiem_rules::dossier::{self, Holder, Item, Missing, Produced, Required};
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::timing::{DeadlineStep, TimingCheck, TimingStatus, deadline};
use kiemdiem_rules::{Citation, SubjectKind};
use kiemdiem_store::Tx;
use kiemdiem_store::dossiers::{DossierFile, Submission};
use serde::Serialize;
use std::path::PathBuf;
use time::Date;
use uuid::Uuid;

/// The largest file accepted (20 MiB).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// The kinds of file accepted, recognised by their first bytes.
fn media_type(bytes: &[u8]) -> Option<&'static str> {
    const OLE2: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some("image/jpeg");
    }
    if bytes.starts_with(OLE2) {
        // Word 97–2003, Excel 97–2003 (a compound file; the stream names tell which).
        return Some("application/x-ole-storage");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // An Office Open XML package: a ZIP whose parts include `[Content_Types].xml` and the
        // application's folder (entry names are stored in clear in the local headers).
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        if has(b"[Content_Types].xml") {
            if has(b"word/") {
                return Some(
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                );
            }
            if has(b"xl/") {
                return Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
            }
            if has(b"ppt/") {
                return Some(
                    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                );
            }
        }
    }
    None
}

/// A file to attach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The subject whose dossier it belongs to; the organisation's own items when `None`.
    pub subject: Option<Uuid>,
    /// The checklist item's code.
    pub item: String,
    /// Shown only: the type is read from the content.
    pub file_name: String,
    pub content: Vec<u8>,
}

/// A file attached, as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileView {
    pub id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<Uuid>,
    pub item: String,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub by: String,
}

impl From<&DossierFile> for FileView {
    fn from(f: &DossierFile) -> FileView {
        FileView {
            id: f.id,
            subject: f.subject_id,
            item: f.item.clone(),
            file_name: f.file_name.clone(),
            media_type: f.media_type.clone(),
            size_bytes: f.size_bytes,
            sha256: f.sha256.clone(),
            by: f.changed_by.clone(),
        }
    }
}

/// One item of a checklist and whether it is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemStatus {
    pub code: String,
    pub title: String,
    /// `always` or `if_any`.
    pub required: Required,
    pub may_follow: bool,
    pub present: bool,
    /// `produced` (the system's document, its step reached) or `attached`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<&'static str>,
    pub files: Vec<FileView>,
}

/// One subject's dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectDossier {
    pub subject: Uuid,
    pub name: String,
    pub kind: SubjectKind,
    pub items: Vec<ItemStatus>,
}

/// A plan's dossier: the organisation's items, each subject's, what is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DossierView {
    pub plan: Uuid,
    pub org: Uuid,
    pub year: i32,
    pub citation: Citation,
    pub organisation: Vec<ItemStatus>,
    pub subjects: Vec<SubjectDossier>,
    /// Every required item not present (those that may follow included, marked).
    pub missing: Vec<Missing>,
    /// Whether the results may be sent up.
    pub complete: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_on: Option<Date>,
    /// The national dossier date against the submission (or today).
    pub deadline: TimingCheck,
}

/// A file whose bytes no longer match what was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileProblem {
    pub file: FileView,
    /// `changed` (another SHA-256) or `missing` (no file).
    pub problem: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found_sha256: Option<String>,
}

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCheck {
    pub checked: usize,
    pub problems: Vec<FileProblem>,
}

/// A plan's results sent up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubmissionView {
    pub plan: Uuid,
    pub org: Uuid,
    pub submitted_on: Date,
    /// Items the rules let follow that were still missing.
    pub following: Vec<Missing>,
    pub deadline: TimingCheck,
}

/// A plan sent up late, or not yet and past the date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LateDossier {
    pub plan: Uuid,
    pub org: Uuid,
    pub org_code: String,
    pub org_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_on: Option<Date>,
    pub deadline: TimingCheck,
}

/// What the plan's data shows for the whole organisation.
struct PlanFacts {
    plan_issued: bool,
    meeting_held: bool,
    all_decided: bool,
}

fn status_of(
    item: &Item,
    produced: impl Fn(Produced) -> bool,
    files: &[&DossierFile],
) -> ItemStatus {
    let attached: Vec<FileView> = files
        .iter()
        .filter(|f| f.item == item.code)
        .map(|f| FileView::from(*f))
        .collect();
    let made = item.produced_by.is_some_and(&produced);
    ItemStatus {
        code: item.code.clone(),
        title: item.title.clone(),
        required: item.required,
        may_follow: item.may_follow,
        present: made || !attached.is_empty(),
        by: if made {
            Some("produced")
        } else if !attached.is_empty() {
            Some("attached")
        } else {
            None
        },
        files: attached,
    }
}

fn missing_of(whose: &str, items: &[ItemStatus]) -> Vec<Missing> {
    items
        .iter()
        .filter(|i| i.required == Required::Always && !i.present)
        .map(|i| Missing {
            whose: whose.to_owned(),
            code: i.code.clone(),
            title: i.title.clone(),
            may_follow: i.may_follow,
        })
        .collect()
}

/// The plan's dossier as it stands.
async fn dossier_of(tx: &mut Tx, plan: &Plan, today: Date) -> Result<DossierView> {
    let files = tx.dossier_files(plan.id).await?;
    let subjects = tx.subjects_of_plan(plan.id, None).await?;
    let meetings = tx.meetings_of_plan(plan.id).await?;
    let mut all_decided = !subjects.is_empty();
    let mut views = Vec::new();
    for row in subjects {
        let subject = subject_view(row)?;
        if subject.participation == Participation::Excluded {
            continue;
        }
        let classified = subject.participation != Participation::ReviewOnly;
        if classified && !matches!(subject.stage, Stage::Decided | Stage::Published) {
            all_decided = false;
        }
        views.push(subject);
    }
    let facts = PlanFacts {
        plan_issued: plan.status != "draft",
        meeting_held: meetings.iter().any(|m| m.status != "scheduled"),
        all_decided,
    };
    let org_name = tx
        .org_history(plan.org_id)
        .await?
        .pop()
        .map(|o| o.name)
        .unwrap_or_default();
    let (org_items, citation) = dossier::checklist(plan.rule_set, Holder::Organisation, None);
    let own_files: Vec<&DossierFile> = files.iter().filter(|f| f.subject_id.is_none()).collect();
    let organisation: Vec<ItemStatus> = org_items
        .iter()
        .map(|item| {
            status_of(
                item,
                |p| match p {
                    Produced::Plan => facts.plan_issued,
                    Produced::DossierList => facts.meeting_held,
                    Produced::Summary => facts.all_decided,
                    _ => false,
                },
                &own_files,
            )
        })
        .collect();
    let mut missing = missing_of(&org_name, &organisation);
    let mut subject_dossiers = Vec::new();
    for subject in views {
        let review = tx.self_review(subject.id).await?;
        let evaluations = tx.evaluations(subject.id).await?;
        let inputs = tx.review_inputs(subject.id).await?;
        let (items, _) =
            dossier::checklist(plan.rule_set, Holder::of(subject.kind), Some(subject.kind));
        let mine: Vec<&DossierFile> = files
            .iter()
            .filter(|f| f.subject_id == Some(subject.id))
            .collect();
        let reviewed = !matches!(
            subject.stage,
            Stage::Pending | Stage::SelfReviewed | Stage::Excluded
        );
        let decided = matches!(subject.stage, Stage::Decided | Stage::Published);
        let statuses: Vec<ItemStatus> = items
            .iter()
            // A subject reviewed only is not rated: no decision to file.
            .filter(|i| {
                subject.participation != Participation::ReviewOnly
                    || i.produced_by != Some(Produced::Decision)
            })
            .map(|item| {
                status_of(
                    item,
                    |p| match p {
                        Produced::SelfReview => {
                            review.as_ref().is_some_and(|r| r.status == "submitted")
                        }
                        Produced::Minutes => reviewed,
                        Produced::Verification => {
                            evaluations.iter().any(|e| e.step == "verification")
                        }
                        Produced::Decision => decided,
                        Produced::Suggestion => inputs.iter().any(|i| i.kind == "suggestion"),
                        Produced::ResidenceComment => {
                            inputs.iter().any(|i| i.kind == "residence_comment")
                        }
                        _ => false,
                    },
                    &mine,
                )
            })
            .collect();
        missing.extend(missing_of(&subject.name, &statuses));
        subject_dossiers.push(SubjectDossier {
            subject: subject.id,
            name: subject.name,
            kind: subject.kind,
            items: statuses,
        });
    }
    let submitted_on = tx.submission(plan.id).await?.map(|s| s.submitted_on);
    let book = plan.book()?;
    let check = deadline(
        &book,
        plan.year,
        DeadlineStep::Dossier,
        submitted_on.unwrap_or(today),
    );
    Ok(DossierView {
        plan: plan.id,
        org: plan.org_id,
        year: plan.year,
        citation,
        organisation,
        subjects: subject_dossiers,
        complete: dossier::may_submit(plan.rule_set, &missing).is_ok(),
        missing,
        submitted_on,
        deadline: check,
    })
}

impl App {
    /// The same app keeping attached files under `dir` (created when needed).
    pub fn with_files_dir(self, dir: impl Into<PathBuf>) -> App {
        self.with_file_store(FileStore::Disk(dir.into()))
    }

    /// The same app keeping attached files in `store` (a directory or an S3 bucket).
    pub fn with_file_store(mut self, store: FileStore) -> App {
        self.files = Some(std::sync::Arc::new(store));
        self
    }

    /// Where attached files are kept, when the installation keeps them.
    pub fn file_store(&self) -> Option<&FileStore> {
        self.files.as_deref()
    }

    fn files(&self) -> Result<&FileStore> {
        self.files.as_deref().ok_or_else(|| {
            AppError::conflict(
                "Máy chủ chưa cấu hình nơi lưu tệp hồ sơ (--files-dir hoặc --files-s3-endpoint): không nhận tệp đính kèm",
            )
        })
    }

    /// The plan's dossier: the organisation's items and each subject's, present or missing.
    pub async fn dossier(&self, actor: &Actor, plan: Uuid) -> Result<DossierView> {
        self.authorize(actor, Action::Read, Scope::Plan(plan))
            .await?;
        let mut tx = self.store().read().await?;
        let plan = load_plan(&mut tx, plan).await?;
        dossier_of(&mut tx, &plan, self.today()).await
    }

    /// Attaches a file to the plan's dossier (the organisation's item, or a subject's): its type
    /// read from its content (PDF, PNG, JPEG, Word, Excel, PowerPoint), at most
    /// [`MAX_FILE_BYTES`], the item one of the era's checklist. A refused file stores nothing.
    pub async fn attach_dossier_file(
        &self,
        actor: &Actor,
        plan: Uuid,
        attachment: Attachment,
    ) -> Result<FileView> {
        let scope = match attachment.subject {
            Some(subject) => Scope::Subject(subject),
            None => Scope::Plan(plan),
        };
        let who = self.authorize(actor, Action::WriteForBody, scope).await?;
        let files = self.files()?;
        let name: String = {
            use unicode_normalization::UnicodeNormalization;
            attachment.file_name.trim().nfc().collect()
        };
        if name.is_empty() {
            return Err(AppError::invalid("file_name", "Thiếu tên tệp"));
        }
        if attachment.content.is_empty() {
            return Err(AppError::invalid("content", format!("Tệp «{name}» rỗng")));
        }
        if attachment.content.len() > MAX_FILE_BYTES {
            return Err(AppError::invalid(
                "content",
                format!(
                    "Tệp «{name}» {} byte, quá giới hạn {} MiB",
                    attachment.content.len(),
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
            ));
        }
        let Some(media_type) = media_type(&attachment.content) else {
            return Err(AppError::invalid(
                "content",
                format!(
                    "Nội dung tệp «{name}» không phải PDF, ảnh (PNG, JPEG) hay văn bản Word, Excel, PowerPoint (kiểu tệp đọc từ nội dung, không theo tên)"
                ),
            ));
        };
        let mut tx = self.begin(&who).await?;
        let current = load_plan(&mut tx, plan).await?;
        let (holder, kind, org) = match attachment.subject {
            Some(subject) => {
                let row = subject_view(crate::plan::load_subject(&mut tx, subject).await?)?;
                if row.plan != plan {
                    return Err(AppError::invalid(
                        "subject",
                        "Đối tượng không thuộc kế hoạch này",
                    ));
                }
                (Holder::of(row.kind), Some(row.kind), row.unit)
            }
            None => (Holder::Organisation, None, current.org_id),
        };
        let (items, _) = dossier::checklist(current.rule_set, holder, kind);
        if !items.iter().any(|i| i.code == attachment.item) {
            return Err(AppError::invalid(
                "item",
                format!(
                    "«{}» không có trong danh mục hồ sơ; các mục: {}",
                    attachment.item,
                    items
                        .iter()
                        .map(|i| i.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let digest = sha256_hex(&attachment.content);
        let id = Uuid::now_v7();
        let key = format!("{}/{}", &digest[..2], id);
        let file = DossierFile {
            id,
            plan_id: plan,
            org_id: org,
            subject_id: attachment.subject,
            item: attachment.item.clone(),
            file_name: name,
            media_type: media_type.to_owned(),
            size_bytes: attachment.content.len() as i64,
            sha256: digest,
            storage_key: key.clone(),
            changed_by: String::new(),
            changed_at: tx.stamp()?.at,
        };
        files.put(&key, &attachment.content).await?;
        let written = async {
            tx.insert_dossier_file(&file).await?;
            audit::append(
                &mut tx,
                &who,
                AuditEvent::new("dossier.attach", "plan", plan).detail(serde_json::json!({
                    "file": id, "subject": file.subject_id, "item": file.item,
                    "file_name": file.file_name, "media_type": file.media_type,
                    "size_bytes": file.size_bytes, "sha256": file.sha256,
                })),
            )
            .await?;
            let by = tx.stamp()?.by.clone();
            tx.commit().await?;
            Ok::<String, AppError>(by)
        }
        .await;
        match written {
            Ok(by) => Ok(FileView {
                by,
                ..FileView::from(&file)
            }),
            Err(error) => {
                // Nothing is kept of a file the database did not take.
                if let Err(left) = files.delete(&key).await {
                    tracing::error!(key, error = %left, "a file the database refused was not removed");
                }
                Err(error)
            }
        }
    }

    /// Reads every file of the plan's dossier again and compares its SHA-256 with the one
    /// recorded (and in the audit trail): a file changed or gone is reported.
    pub async fn verify_dossier_files(&self, actor: &Actor, plan: Uuid) -> Result<FileCheck> {
        self.authorize(actor, Action::Read, Scope::Plan(plan))
            .await?;
        let store = self.files()?;
        let mut tx = self.store().read().await?;
        load_plan(&mut tx, plan).await?;
        let files = tx.dossier_files(plan).await?;
        drop(tx);
        let mut problems = Vec::new();
        for file in &files {
            match store.sha256(&file.storage_key).await? {
                Some(found) => {
                    if found != file.sha256 {
                        problems.push(FileProblem {
                            file: FileView::from(file),
                            problem: "changed",
                            found_sha256: Some(found),
                        });
                    }
                }
                None => problems.push(FileProblem {
                    file: FileView::from(file),
                    problem: "missing",
                    found_sha256: None,
                }),
            }
        }
        Ok(FileCheck {
            checked: files.len(),
            problems,
        })
    }

    /// Sends the plan's results and dossier up (gửi kết quả, hồ sơ lên cấp trên): refused while
    /// a required item that may not follow is missing, naming the items.
    pub async fn submit_results(
        &self,
        actor: &Actor,
        plan: Uuid,
        submitted_on: Option<Date>,
    ) -> Result<SubmissionView> {
        let who = self
            .authorize(actor, Action::Publish, Scope::Plan(plan))
            .await?;
        let on = submitted_on.unwrap_or(self.today());
        if on > self.today() {
            return Err(AppError::invalid(
                "submitted_on",
                format!("Ngày gửi {} chưa đến", crate::date_vi(on)),
            ));
        }
        let mut tx = self.begin(&who).await?;
        let current = load_plan(&mut tx, plan).await?;
        if current.status == "draft" {
            return Err(AppError::new(
                ErrorCode::OutOfOrder,
                "Kế hoạch chưa triển khai: chưa có kết quả để gửi lên",
            ));
        }
        let view = dossier_of(&mut tx, &current, on).await?;
        if let Err(incomplete) = dossier::may_submit(current.rule_set, &view.missing) {
            return Err(AppError::rule(
                incomplete.message.clone(),
                vec![incomplete.citation.clone()],
            )
            .with_field("dossier")
            .with_details(&incomplete));
        }
        let following: Vec<Missing> = view.missing.clone();
        let inserted = tx
            .insert_submission(&Submission {
                id: Uuid::now_v7(),
                plan_id: plan,
                org_id: current.org_id,
                submitted_on: on,
                following: serde_json::to_string(&following).unwrap_or_default(),
                changed_by: String::new(),
                changed_at: tx.stamp()?.at,
            })
            .await?;
        if !inserted {
            return Err(AppError::conflict(
                "Kết quả, hồ sơ của kế hoạch này đã được gửi lên",
            ));
        }
        let book = current.book()?;
        let check = deadline(&book, current.year, DeadlineStep::Dossier, on);
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("dossier.submit", "plan", plan).detail(serde_json::json!({
                "submitted_on": on, "following": following, "deadline": check,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(SubmissionView {
            plan,
            org: current.org_id,
            submitted_on: on,
            following,
            deadline: check,
        })
    }

    /// The yearly plans of `org`'s subtree whose results were sent up after the national dossier
    /// date (01/02 of the next year under HD 43), or not yet and past it.
    pub async fn late_dossiers(
        &self,
        actor: &Actor,
        org: Uuid,
        year: i32,
    ) -> Result<Vec<LateDossier>> {
        self.authorize(actor, Action::Read, Scope::Org(org)).await?;
        let today = self.today();
        let mut tx = self.store().read().await?;
        let on = Date::from_calendar_date(year, time::Month::December, 31)
            .unwrap_or(today)
            .min(today);
        let mut late = Vec::new();
        for p in tx.plan_submissions(org, i64::from(year), on).await? {
            let plan = load_plan(&mut tx, p.plan_id).await?;
            let book = plan.book()?;
            let check = deadline(
                &book,
                year,
                DeadlineStep::Dossier,
                p.submitted_on.unwrap_or(today),
            );
            if check.status != TimingStatus::Late {
                continue;
            }
            let Some(unit) = tx.org_history(p.org_id).await?.pop() else {
                continue;
            };
            late.push(LateDossier {
                plan: p.plan_id,
                org: p.org_id,
                org_code: unit.code,
                org_name: unit.name,
                submitted_on: p.submitted_on,
                deadline: check,
            });
        }
        late.sort_by(|a, b| a.org_code.cmp(&b.org_code));
        Ok(late)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_is_read_from_the_content_not_the_name() {
        assert_eq!(media_type(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(
            media_type(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some("image/png")
        );
        assert_eq!(media_type(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        let docx = b"PK\x03\x04....[Content_Types].xml....word/document.xml";
        assert!(media_type(docx).unwrap().contains("wordprocessingml"));
        // A ZIP that is not an Office document, an executable, a text file.
        assert_eq!(media_type(b"PK\x03\x04....notes.txt"), None);
        assert_eq!(media_type(b"MZ\x90\0"), None);
        assert_eq!(media_type(b"Bien ban hoi nghi"), None);
    }
}
