//! Complaints, denunciations and reports about a subject (đơn thư khiếu nại, tố cáo, phản ánh
//! tiêu cực, dấu hiệu vi phạm, mất đoàn kết): lodged by a member on their own account
//! ([`App::lodge_matter`]), handled by the level the rules made competent for the subject
//! (recorded on the subject when the plan opened by the rules crate's `authority`), which orders
//! the verification with a due date ([`App::order_verification`]) and records the result and a
//! written conclusion — upheld, not upheld, partly — that the complainant reads with their matters
//! ([`App::conclude_matter`], [`App::my_matters`]). An upheld conclusion may re-classify the
//! subject in the same step, through the decision's correction path (Mẫu 03).
//!
//! A matter lodged while no level is in force is one of the facts of the decision: the rules
//! crate holds the decision until its verification is recorded (QĐ 366 Điều 12 khoản 1; the
//! check `order.verification_before_decision`).

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::document::{self, DocumentKind};
use crate::error::{AppError, Result};
use crate::evaluation::{
    DecisionInput, DecisionKind, DecisionView, Sitting, decide_in, notify_complainant,
};
use crate::plan::load_subject;
use kiemdiem_rules::facts::{BlockingMatter, MatterKind};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::after::MatterRow;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A matter lodged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatterInput {
    pub kind: MatterKind,
    /// What the complainant says.
    pub content: String,
}

/// The handling level orders the verification, with the day it is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatterOrder {
    /// The matter's version read.
    pub version: i64,
    pub due_on: Date,
    #[serde(default)]
    pub note: Option<String>,
}

/// How a matter was concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Đúng.
    Upheld,
    /// Không đúng.
    NotUpheld,
    /// Đúng một phần.
    Partly,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Upheld => "upheld",
            Outcome::NotUpheld => "not_upheld",
            Outcome::Partly => "partly",
        }
    }

    pub fn parse(code: &str) -> Option<Outcome> {
        [Outcome::Upheld, Outcome::NotUpheld, Outcome::Partly]
            .into_iter()
            .find(|o| o.code() == code)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Outcome::Upheld => "Đúng",
            Outcome::NotUpheld => "Không đúng",
            Outcome::Partly => "Đúng một phần",
        }
    }
}

/// The result of the verification and the written conclusion, with the re-classification it
/// leads to, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatterConclusion {
    /// The matter's version read.
    pub version: i64,
    pub outcome: Outcome,
    /// What the verification found.
    #[serde(default)]
    pub findings: Option<String>,
    /// The written conclusion notified to the complainant.
    pub conclusion: String,
    /// The day the verification's result was recorded (today when absent).
    #[serde(default)]
    pub verified_on: Option<Date>,
    /// A re-classification of the subject (upheld or partly upheld only): the correction's
    /// subject version, level, reason (the conclusion when absent) and Mẫu 03 document.
    #[serde(default)]
    pub correction: Option<DecisionInput>,
}

/// A matter as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Matter {
    pub id: Uuid,
    pub subject: Uuid,
    pub subject_name: String,
    pub kind: MatterKind,
    pub kind_name: String,
    pub complainant: Uuid,
    pub content: String,
    pub received_on: Date,
    /// Lodged while no level was in force: the decision waits for its verification.
    pub before_decision: bool,
    /// The organisation handling it (the subject's competent level).
    pub handling_org: Option<Uuid>,
    pub handling_org_name: Option<String>,
    pub ordered_on: Option<Date>,
    pub due_on: Option<Date>,
    /// Past its due day without a conclusion.
    pub overdue: bool,
    pub order_note: Option<String>,
    pub verified_on: Option<Date>,
    pub findings: Option<String>,
    pub outcome: Option<Outcome>,
    pub outcome_name: Option<String>,
    pub conclusion: Option<String>,
    pub concluded_on: Option<Date>,
    /// The re-classification it led to.
    pub correction: Option<Uuid>,
    pub version: i64,
    pub changed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
}

/// A concluded matter and the re-classification it led to (with what depends on it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Concluded {
    pub matter: Matter,
    pub correction: Option<DecisionView>,
    /// The notice of the conclusion delivered to the complainant (inbox, e-mail).
    pub notice: Uuid,
}

pub(crate) fn kind_code(kind: MatterKind) -> &'static str {
    match kind {
        MatterKind::Complaint => "complaint",
        MatterKind::Denunciation => "denunciation",
        MatterKind::NegativityReport => "negativity_report",
        MatterKind::ViolationSigns => "violation_signs",
        MatterKind::DisunitySigns => "disunity_signs",
    }
}

fn parse_kind(code: &str) -> Result<MatterKind> {
    [
        MatterKind::Complaint,
        MatterKind::Denunciation,
        MatterKind::NegativityReport,
        MatterKind::ViolationSigns,
        MatterKind::DisunitySigns,
    ]
    .into_iter()
    .find(|k| kind_code(*k) == code)
    .ok_or_else(|| AppError::internal(format!("loại đơn thư không rõ: {code}")))
}

/// The matters lodged about `subject` before its decision, as the rules crate reads them.
pub(crate) async fn blocking_matters(tx: &mut Tx, subject: Uuid) -> Result<Vec<BlockingMatter>> {
    let mut out = Vec::new();
    for row in tx.matters(subject).await? {
        if row.before_decision {
            out.push(BlockingMatter {
                kind: parse_kind(&row.kind)?,
                received_on: row.received_on,
                verified_on: row.verified_on,
                reference: None,
            });
        }
    }
    Ok(out)
}

async fn matter_view(tx: &mut Tx, row: MatterRow, today: Date) -> Result<Matter> {
    let kind = parse_kind(&row.kind)?;
    let subject_name = tx
        .subject(row.subject_id)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    let handling_org_name = match row.handling_org_id {
        Some(org) => super::org_name(tx, org).await?,
        None => None,
    };
    let outcome = row.outcome.as_deref().and_then(Outcome::parse);
    Ok(Matter {
        id: row.id,
        subject: row.subject_id,
        subject_name,
        kind,
        kind_name: kind.name_vi().to_owned(),
        complainant: row.complainant_member_id,
        content: row.content,
        received_on: row.received_on,
        before_decision: row.before_decision,
        handling_org: row.handling_org_id,
        handling_org_name,
        ordered_on: row.ordered_on,
        due_on: row.due_on,
        overdue: row.concluded_on.is_none() && row.due_on.is_some_and(|due| due < today),
        order_note: row.order_note,
        verified_on: row.verified_on,
        findings: row.findings,
        outcome,
        outcome_name: outcome.map(|o| o.name_vi().to_owned()),
        conclusion: row.conclusion,
        concluded_on: row.concluded_on,
        correction: row.correction_id,
        version: row.version,
        changed_by: row.changed_by,
        changed_at: row.changed_at,
    })
}

async fn load_matter(tx: &mut Tx, id: Uuid) -> Result<MatterRow> {
    tx.matter(id)
        .await?
        .ok_or_else(|| AppError::not_found("đơn thư, phản ánh", id))
}

fn nonempty(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

impl App {
    /// A member lodges a complaint, a denunciation or a report about a subject: the complainant
    /// is the account's own member, the handling level the subject's competent one. Lodged while
    /// no level is in force, it holds the decision until its verification is recorded.
    pub async fn lodge_matter(
        &self,
        actor: &Actor,
        subject: Uuid,
        input: MatterInput,
    ) -> Result<Matter> {
        let who = self
            .authorize(actor, Action::Lodge, Scope::Subject(subject))
            .await?;
        let complainant = actor.member.ok_or_else(|| {
            AppError::invalid(
                "complainant",
                "Đơn thư phải do đảng viên gửi từ tài khoản của chính mình (tài khoản chưa gắn với hồ sơ đảng viên)",
            )
        })?;
        let content = nonempty(Some(&input.content))
            .ok_or_else(|| AppError::invalid("content", "Chưa ghi nội dung đơn thư, phản ánh"))?;
        let today = self.today();
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let matter = MatterRow {
            id: Uuid::now_v7(),
            subject_id: subject,
            kind: kind_code(input.kind).to_owned(),
            complainant_member_id: complainant,
            complainant_login: who.actor.user.clone(),
            content,
            received_on: today,
            before_decision: !row.stage.decided(),
            handling_org_id: row.deciding_org_id,
            ordered_on: None,
            due_on: None,
            order_note: None,
            verified_on: None,
            findings: None,
            outcome: None,
            conclusion: None,
            concluded_on: None,
            correction_id: None,
            version: 1,
            changed_by: who.actor.user.clone(),
            changed_at: tx.stamp()?.at,
        };
        tx.insert_matter(&matter).await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("matter.lodge", "matter", matter.id).detail(serde_json::json!({
                "subject": subject, "kind": matter.kind, "before_decision": matter.before_decision,
                "handling_org": matter.handling_org_id, "complainant": complainant,
            })),
        )
        .await?;
        let view = matter_view(&mut tx, matter, today).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The handling level orders the verification of a matter, due on `due_on`.
    pub async fn order_verification(
        &self,
        actor: &Actor,
        matter: Uuid,
        order: MatterOrder,
    ) -> Result<Matter> {
        let subject = self.matter_subject(matter).await?;
        let who = self
            .authorize(actor, Action::Handle, Scope::Subject(subject))
            .await?;
        let today = self.today();
        if order.due_on < today {
            return Err(AppError::invalid(
                "due_on",
                "Hạn kiểm tra, xác minh không được trước ngày hôm nay",
            ));
        }
        let mut tx = self.begin(&who).await?;
        let mut row = load_matter(&mut tx, matter).await?;
        if row.concluded_on.is_some() {
            return Err(AppError::conflict(
                "Đơn thư đã có kết luận: không giao kiểm tra, xác minh lại",
            ));
        }
        row.version = order.version;
        row.ordered_on = Some(today);
        row.due_on = Some(order.due_on);
        row.order_note = nonempty(order.note.as_deref());
        if !tx.update_matter(&row).await? {
            return Err(AppError::stale("Đơn thư", order.version));
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("matter.order", "matter", matter).detail(serde_json::json!({
                "subject": subject, "due_on": order.due_on, "note": row.order_note,
            })),
        )
        .await?;
        let saved = load_matter(&mut tx, matter).await?;
        let view = matter_view(&mut tx, saved, today).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Records the verification's result and the written conclusion of a matter; upheld (or
    /// partly), it may re-classify the subject in the same step through the correction path
    /// (a reason — the conclusion when none is given — and the Mẫu 03 document), whose answer
    /// lists what depends on the changed level.
    pub async fn conclude_matter(
        &self,
        actor: &Actor,
        matter: Uuid,
        input: MatterConclusion,
    ) -> Result<Concluded> {
        let subject = self.matter_subject(matter).await?;
        let who = self
            .authorize(actor, Action::Handle, Scope::Subject(subject))
            .await?;
        let deciding = match &input.correction {
            Some(_) => Some(
                self.authorize(actor, Action::Decide, Scope::Subject(subject))
                    .await?,
            ),
            None => None,
        };
        let conclusion = nonempty(Some(&input.conclusion)).ok_or_else(|| {
            AppError::invalid("conclusion", "Chưa ghi kết luận giải quyết đơn thư")
        })?;
        if input.correction.is_some() && input.outcome == Outcome::NotUpheld {
            return Err(AppError::invalid(
                "correction",
                "Kết luận đơn thư không đúng: không xếp loại lại theo đơn",
            ));
        }
        let today = self.today();
        crate::retrying(|| async {
            let mut tx = self.begin(&who).await?;
            let mut row = load_matter(&mut tx, matter).await?;
            if row.concluded_on.is_some() {
                return Err(AppError::conflict("Đơn thư này đã có kết luận"));
            }
            let verified_on = input.verified_on.unwrap_or(today);
            if verified_on < row.received_on || verified_on > today {
                return Err(AppError::invalid(
                    "verified_on",
                    format!(
                        "Ngày ghi nhận kết quả xác minh phải từ ngày nhận đơn ({}) đến hôm nay",
                        crate::date_vi(row.received_on)
                    ),
                ));
            }
            row.version = input.version;
            row.verified_on = Some(verified_on);
            row.findings = nonempty(input.findings.as_deref());
            row.outcome = Some(input.outcome.code().to_owned());
            row.conclusion = Some(conclusion.clone());
            row.concluded_on = Some(today);
            if !tx.update_matter(&row).await? {
                return Err(AppError::stale("Đơn thư", input.version));
            }
            // The verification is recorded first: the re-classification is not held by it.
            let correction = match (&input.correction, &deciding) {
                (Some(typed), Some(deciding)) => {
                    let mut typed = typed.clone();
                    if nonempty(typed.reason.as_deref()).is_none() {
                        typed.reason = Some(format!(
                            "Kết luận giải quyết {} nhận ngày {}: {conclusion}",
                            parse_kind(&row.kind)?.name_vi().to_lowercase(),
                            crate::date_vi(row.received_on)
                        ));
                    }
                    let document = match &typed.document {
                        Some(doc) => Some(
                            document::record(
                                &mut tx,
                                doc,
                                DocumentKind::Reclassification,
                                today,
                                "correction.document",
                            )
                            .await?,
                        ),
                        None => None,
                    };
                    let view = decide_in(
                        &mut tx,
                        deciding,
                        subject,
                        &typed,
                        DecisionKind::Correction,
                        Sitting {
                            document,
                            quota: None,
                        },
                    )
                    .await
                    .map_err(|e| e.under_field("correction"))?;
                    let mut saved = load_matter(&mut tx, matter).await?;
                    saved.correction_id = Some(view.id);
                    if !tx.update_matter(&saved).await? {
                        return Err(AppError::stale("Đơn thư", saved.version));
                    }
                    Some(view)
                }
                _ => None,
            };
            // The complainant is told in writing, in their inbox (and by e-mail).
            let subject_row = load_subject(&mut tx, subject).await?;
            let kind_name = parse_kind(&row.kind)?.name_vi();
            let notice = notify_complainant(
                &mut tx,
                subject,
                matter,
                row.complainant_member_id,
                &format!(
                    "Kết luận giải quyết {} nhận ngày {} về {}: {}. {conclusion}",
                    kind_name.to_lowercase(),
                    crate::date_vi(row.received_on),
                    subject_row.name,
                    input.outcome.name_vi(),
                ),
            )
            .await?;
            audit::append(
                &mut tx,
                &who,
                AuditEvent::new("matter.conclude", "matter", matter)
                    .reason(Some(conclusion.clone()))
                    .detail(serde_json::json!({
                        "subject": subject, "outcome": input.outcome.code(),
                        "verified_on": verified_on, "findings": row.findings,
                        "correction": correction.as_ref().map(|c| c.id),
                        "complainant": row.complainant_member_id, "notice": notice,
                    })),
            )
            .await?;
            let saved = load_matter(&mut tx, matter).await?;
            let view = matter_view(&mut tx, saved, today).await?;
            tx.commit().await?;
            Ok(Concluded {
                matter: view,
                correction,
                notice,
            })
        })
        .await
    }

    /// The matters about a subject, in the order received: for the levels handling them (the
    /// subject does not learn who complained about it).
    pub async fn matters(&self, actor: &Actor, subject: Uuid) -> Result<Vec<Matter>> {
        self.authorize(actor, Action::Handle, Scope::Subject(subject))
            .await?;
        let today = self.today();
        let mut tx = self.store().read().await?;
        load_subject(&mut tx, subject).await?;
        let mut out = Vec::new();
        for row in tx.matters(subject).await? {
            out.push(matter_view(&mut tx, row, today).await?);
        }
        Ok(out)
    }

    /// The matters about the subjects of a plan, for the committee and the inspection
    /// committee over it (due days and overdue ones shown).
    pub async fn matters_of_plan(&self, actor: &Actor, plan: Uuid) -> Result<Vec<Matter>> {
        self.authorize(actor, Action::Inspect, Scope::Plan(plan))
            .await?;
        let today = self.today();
        let mut tx = self.store().read().await?;
        crate::plan::load_plan(&mut tx, plan).await?;
        let mut out = Vec::new();
        for row in tx.matters_of_plan(plan).await? {
            out.push(matter_view(&mut tx, row, today).await?);
        }
        Ok(out)
    }

    /// The matters the signed-in member lodged, with their conclusions (newest first).
    /// Empty for an account without a member record: only members lodge.
    pub async fn my_matters(&self, actor: &Actor) -> Result<Vec<Matter>> {
        crate::access::resolve::check_signed_in(actor)?;
        let Some(member) = actor.member else {
            return Ok(Vec::new());
        };
        let today = self.today();
        let mut tx = self.store().read().await?;
        let mut out = Vec::new();
        for row in tx.matters_lodged_by(member).await? {
            out.push(matter_view(&mut tx, row, today).await?);
        }
        Ok(out)
    }

    /// The subject a matter is about (for authorizing its handling).
    async fn matter_subject(&self, matter: Uuid) -> Result<Uuid> {
        let mut tx = self.store().read().await?;
        Ok(load_matter(&mut tx, matter).await?.subject_id)
    }
}
