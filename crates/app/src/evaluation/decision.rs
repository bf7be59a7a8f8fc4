//! The decision of the competent level and its versions: deciding, correcting or re-classifying
//! (a new version pointing to the old), re-opening, and every check a level must pass — order,
//! readiness, the rules' cap, a reason where the rules or the branch's ballot ask for one, the
//! group's quota. A decided level is never edited in place; a correction to the level already in
//! force is refused (nothing to correct). Each decision may record the document it was issued by
//! (a re-classification: Mẫu 03). Notifying and escalating after a decision are
//! [`super::notification`]'s and [`super::escalation`]'s; deciding a whole group at one sitting is
//! [`super::sitting`]'s.

use super::classify_subject;
use super::escalation::escalate_if_different;
use super::notification::notify;
use super::order::{rating_predecessors, refuse_order};
use super::quota::{group_counts, group_position, quota_refusal};
use crate::App;
use crate::actor::{Action, Actor, Authorized, Scope};
use crate::audit::{self, AuditEvent};
use crate::document::{self, Document, DocumentInput, DocumentKind};
use crate::error::{AppError, ErrorCode, Result};
use crate::plan::{
    Plan, advance, load_plan, load_subject, reopen_if_published, require_status, stale_subject,
};
use crate::state::{Event, transition};
use kiemdiem_rules::authority::Body;
use kiemdiem_rules::classify::{Effect, Readiness};
use kiemdiem_rules::ordering::Precedence;
use kiemdiem_rules::quota::{ExceptionalShareDecision, QuotaCheck, check_quota};
use kiemdiem_rules::{Citation, Level, RuleBook};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::evaluation::DecisionRow;
use kiemdiem_store::cycle::plan::SubjectRow;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// A decision asked of the competent level.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DecisionInput {
    /// The subject's version read.
    pub version: i64,
    pub level: Option<Level>,
    /// Why: required where the rules leave the case to the competent level, when departing from
    /// the ballot or when the ballot had no majority, and for every correction.
    #[serde(default)]
    pub reason: Option<String>,
    /// The recorded decision allowing the exceptional share (QĐ 366: 25 %).
    #[serde(default)]
    pub exceptional_share: Option<ExceptionalShareDecision>,
    /// The document the decision is issued by (for a re-classification: Mẫu 03).
    #[serde(default)]
    pub document: Option<DocumentInput>,
}

/// A decision as recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionView {
    pub id: Uuid,
    pub subject: Uuid,
    pub version_no: i64,
    pub previous: Option<Uuid>,
    pub kind: String,
    pub level: Option<Level>,
    pub body: Body,
    pub deciding_org: Option<Uuid>,
    pub reason: Option<String>,
    pub basis: serde_json::Value,
    pub decided_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub decided_at: OffsetDateTime,
    /// An escalation opened because the person is rated differently elsewhere.
    pub escalation: Option<Uuid>,
    /// The document the decision was issued by, when recorded.
    pub document: Option<Document>,
    /// The dissenting opinions kept against this decision (bảo lưu ý kiến), oldest first.
    pub dissents: Vec<crate::after::Dissent>,
    /// After a correction or re-classification: what depends on the changed level, checked
    /// again (an organisation's member shares, a superior's sub-organisations, a head's cap, a
    /// collective's members).
    pub dependents: Vec<super::Rechecked>,
    /// The inspection orders this version carried out.
    pub orders_done: Vec<Uuid>,
}

/// Why a decision version with a level is recorded (its stored `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecisionKind {
    /// The decision of the competent level: the order of rating is checked.
    Decision,
    /// A correction or re-classification of a decided subject: a reason is required.
    Correction,
    /// The organisation board's settlement of an escalation, applied to one place.
    Escalation,
}

impl DecisionKind {
    fn code(self) -> &'static str {
        match self {
            DecisionKind::Decision => "decision",
            DecisionKind::Correction => "correction",
            DecisionKind::Escalation => "escalation",
        }
    }

    fn audit_action(self) -> &'static str {
        match self {
            DecisionKind::Decision => "decision.record",
            DecisionKind::Correction => "decision.correct",
            DecisionKind::Escalation => "decision.escalation",
        }
    }

    /// Whether it replaces a level already decided (no order check, a reason required).
    fn corrects(self) -> bool {
        self != DecisionKind::Decision
    }

    /// The kind of document that issues it.
    fn document_kind(self) -> DocumentKind {
        match self {
            DecisionKind::Decision => DocumentKind::Decision,
            DecisionKind::Correction | DecisionKind::Escalation => DocumentKind::Reclassification,
        }
    }
}

/// How a decision is taken: alone (its quota checked on the spot), or as one of a sitting's
/// decisions on a group (the quota checked once on the sitting's final counts).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sitting<'a> {
    /// The document recorded for the decision (or the sitting).
    pub document: Option<Uuid>,
    /// The quota on the sitting's final counts, checked by the caller over every decision of
    /// the sitting (and recorded in each decision's basis); `None`: checked here, alone.
    pub quota: Option<&'a QuotaCheck>,
}

impl App {
    /// The decision of the competent level.
    pub async fn decide(
        &self,
        actor: &Actor,
        subject: Uuid,
        input: DecisionInput,
    ) -> Result<DecisionView> {
        self.record_decision(actor, subject, input, DecisionKind::Decision)
            .await
    }

    /// Corrects or re-classifies a decided subject: a new decision version pointing to the old.
    pub async fn correct(
        &self,
        actor: &Actor,
        subject: Uuid,
        input: DecisionInput,
    ) -> Result<DecisionView> {
        self.record_decision(actor, subject, input, DecisionKind::Correction)
            .await
    }

    /// Re-opens a decided subject for a new decision (the old decision is kept; a version of
    /// kind `reopen` points to it).
    pub async fn reopen(
        &self,
        actor: &Actor,
        subject: Uuid,
        version: i64,
        reason: &str,
    ) -> Result<DecisionView> {
        let who = self
            .authorize(actor, Action::Decide, Scope::Subject(subject))
            .await?;
        let reason = nonempty(Some(reason)).ok_or_else(|| {
            AppError::invalid("reason", "Mở lại kết quả xếp loại phải ghi rõ lý do")
        })?;
        let mut tx = self.begin(&who).await?;
        let view = reopen_in(&mut tx, &who, subject, version, reason).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Every decision version of a subject, oldest first.
    pub async fn decisions(&self, actor: &Actor, subject: Uuid) -> Result<Vec<DecisionView>> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        // An unknown subject is not an empty list.
        crate::plan::load_subject(&mut tx, subject).await?;
        let mut out = Vec::new();
        let dissents = crate::after::dissents_of(&mut tx, subject).await?;
        for row in tx.decisions(subject).await? {
            let document = document::load(&mut tx, row.document_id).await?;
            let mut view = decision_view(row, None, document)?;
            view.dissents = dissents
                .iter()
                .filter(|d| d.decision == view.id)
                .cloned()
                .collect();
            out.push(view);
        }
        Ok(out)
    }

    /// Records a decision version of `kind` in one transaction, retried on a serialisation
    /// failure.
    async fn record_decision(
        &self,
        actor: &Actor,
        subject: Uuid,
        input: DecisionInput,
        kind: DecisionKind,
    ) -> Result<DecisionView> {
        let who = self
            .authorize(actor, Action::Decide, Scope::Subject(subject))
            .await?;
        let today = self.today();
        crate::retrying(|| async {
            let mut tx = self.begin(&who).await?;
            let document = match &input.document {
                Some(typed) => Some(
                    document::record(&mut tx, typed, kind.document_kind(), today, "document")
                        .await?,
                ),
                None => None,
            };
            let sitting = Sitting {
                document,
                quota: None,
            };
            let view = decide_in(&mut tx, &who, subject, &input, kind, sitting).await?;
            tx.commit().await?;
            Ok(view)
        })
        .await
    }
}

/// Re-opens a decided subject inside `tx`: a `reopen` version with no level, the subject back to
/// `Reviewed`, the plan back to `open` if it was published; audited.
pub(crate) async fn reopen_in(
    tx: &mut Tx,
    who: &Authorized,
    subject: Uuid,
    version: i64,
    reason: String,
) -> Result<DecisionView> {
    let row = load_subject(tx, subject).await?;
    let plan = load_plan(tx, row.plan_id).await?;
    // Re-opening an HTTNV shrinks the group's base: it takes its turn with the decisions.
    tx.lock_quota_group(row.plan_id, &row.quota_group).await?;
    let plan_reopened = reopen_if_published(tx, &plan, "mở lại kết quả xếp loại").await?;
    let decision = next_version(
        tx,
        who,
        &row,
        "reopen",
        None,
        Some(reason.clone()),
        "{}".into(),
    )
    .await?;
    advance(tx, &row, version, Event::Reopen, None, None).await?;
    tx.insert_decision(&decision).await?;
    audit::append(
        tx,
        who,
        AuditEvent::new("decision.reopen", "subject", subject)
            .reason(Some(reason))
            .detail(serde_json::json!({
                "previous": decision.previous_id, "plan_reopened": plan_reopened,
            })),
    )
    .await?;
    decision_view(decision, None, None)
}

/// Checks and records a decision version of `kind` for `subject` inside `tx`: moves the subject,
/// notifies, escalates a person rated differently elsewhere (not when settling an escalation)
/// and appends the audit entry.
pub(crate) async fn decide_in(
    tx: &mut Tx,
    who: &Authorized,
    subject: Uuid,
    input: &DecisionInput,
    kind: DecisionKind,
    sitting: Sitting<'_>,
) -> Result<DecisionView> {
    let row = load_subject(tx, subject).await?;
    let plan = load_plan(tx, row.plan_id).await?;
    let correcting = kind.corrects();
    // A correction or a board's settlement may come after publication (complaints, an upper
    // level's inspection): the plan goes back to `open` until published again.
    let plan_reopened = if correcting {
        reopen_if_published(tx, &plan, "điều chỉnh, xếp loại lại").await?
    } else {
        require_status(&plan, "open", "quyết định xếp loại")?;
        false
    };
    let book = plan.book()?;
    let event = if correcting {
        Event::Correct
    } else {
        Event::Decide
    };
    if row.version != input.version {
        return Err(stale_subject(&row, input.version));
    }
    transition(row.stage, row.participation, event).map_err(|message| {
        if !correcting && !row.stage.reviewed() {
            AppError::new(ErrorCode::OutOfOrder, message).with_citation(Citation::new(
                format!("{}.order.ReviewBeforeRating", book.rule_set),
                book.era()
                    .precedence(Precedence::ReviewBeforeRating)
                    .unwrap_or(book.sources().review_notice),
            ))
        } else {
            AppError::conflict(message)
        }
    })?;
    if kind == DecisionKind::Correction
        && let Some(level) = input.level
        && row.level == Some(level)
    {
        return Err(AppError::invalid(
            "level",
            format!(
                "{} đang được xếp loại {level}: điều chỉnh về đúng mức này không thay đổi gì (kết quả đang có vẫn giữ nguyên)",
                row.name
            ),
        ));
    }
    let checked = check_decision(tx, &plan, &book, &row, input, correcting, sitting).await?;
    let body = row.decides_body;
    let decision = next_version(
        tx,
        who,
        &row,
        kind.code(),
        Some(checked.level),
        checked.reason.clone(),
        checked.basis.to_string(),
    )
    .await?;
    let decision = DecisionRow {
        document_id: sitting.document,
        ..decision
    };
    tx.insert_decision(&decision).await?;
    advance(
        tx,
        &row,
        input.version,
        event,
        Some(checked.level),
        Some(decision.id),
    )
    .await?;
    notify(tx, &row, &decision, checked.level, body).await?;
    let escalation = if kind == DecisionKind::Escalation {
        None
    } else {
        escalate_if_different(tx, &plan, &row, checked.level).await?
    };
    // An upper level's orders about the subject: a re-classification is carried out by any new
    // level; a new review only by a decision taken after the subject was reviewed again.
    let mut orders_done = tx
        .complete_inspection_orders(subject, "reclassify", decision.id)
        .await?;
    if kind == DecisionKind::Decision {
        orders_done.extend(
            tx.complete_inspection_orders(subject, "review", decision.id)
                .await?,
        );
    }
    // What rests on the changed level is checked again and reported with the answer.
    let dependents = if correcting {
        super::recheck::dependents(tx, &plan, &row).await?
    } else {
        Vec::new()
    };
    audit::append(
        tx,
        who,
        AuditEvent::new(kind.audit_action(), "subject", subject)
            .reason(checked.reason.clone())
        .detail(serde_json::json!({
            "level": checked.level, "decision": decision.id, "previous": decision.previous_id,
            "body": row.decides_body, "deciding_org": row.deciding_org_id, "escalation": escalation,
            "plan_reopened": plan_reopened, "document": sitting.document,
            "orders_done": orders_done,
            "dependents": dependents.iter().map(|d| serde_json::json!({
                "subject": d.subject, "conforms": d.conforms, "allowed": d.allowed,
            })).collect::<Vec<_>>(),
        })),
    )
    .await?;
    let document = document::load(tx, decision.document_id).await?;
    let mut view = decision_view(decision, escalation, document)?;
    view.dependents = dependents;
    view.orders_done = orders_done;
    Ok(view)
}

/// The next decision version of `subject`, pointing to its last one.
async fn next_version(
    tx: &mut Tx,
    who: &Authorized,
    subject: &SubjectRow,
    kind: &str,
    level: Option<Level>,
    reason: Option<String>,
    basis: String,
) -> Result<DecisionRow> {
    let previous = tx.decisions(subject.id).await?.into_iter().last();
    Ok(DecisionRow {
        id: Uuid::now_v7(),
        subject_id: subject.id,
        version_no: previous.as_ref().map(|d| d.version_no + 1).unwrap_or(1),
        previous_id: previous.as_ref().map(|d| d.id),
        kind: kind.into(),
        level,
        deciding_org_id: subject.deciding_org_id,
        body: subject.decides_body,
        reason,
        basis,
        decided_by: who.actor.user.clone(),
        decided_at: tx.stamp()?.at,
        document_id: None,
    })
}

/// The reason given, trimmed, unless blank.
pub(super) fn nonempty(reason: Option<&str>) -> Option<String> {
    reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}

/// What a decision that passed every check records.
struct Checked {
    level: Level,
    reason: Option<String>,
    basis: serde_json::Value,
}

/// Every check of a decision or correction; returns what to record.
async fn check_decision(
    tx: &mut Tx,
    plan: &Plan,
    book: &RuleBook,
    subject: &SubjectRow,
    input: &DecisionInput,
    correcting: bool,
    sitting: Sitting<'_>,
) -> Result<Checked> {
    let level = input
        .level
        .ok_or_else(|| AppError::invalid("level", "Chưa chọn mức xếp loại"))?;
    let reason = nonempty(input.reason.as_deref());
    if correcting && reason.is_none() {
        return Err(AppError::invalid(
            "reason",
            "Điều chỉnh, xếp loại lại phải ghi rõ lý do (kết quả cũ vẫn được lưu)",
        ));
    }
    if !correcting {
        refuse_order(book, &rating_predecessors(tx, plan, subject).await?)?;
    }
    let classification = classify_subject(tx, plan, book, subject).await?;
    if classification.readiness == Readiness::Pending {
        let pending: Vec<_> = classification
            .findings
            .iter()
            .filter(|f| f.effect == Effect::Pending)
            .collect();
        let message = if pending.is_empty() {
            "Chưa có kết quả chấm điểm, tự đánh giá theo khung tiêu chí".to_owned()
        } else {
            pending
                .iter()
                .map(|f| format!("{} ({})", f.message, f.citation.source))
                .collect::<Vec<_>>()
                .join("; ")
        };
        return Err(AppError::new(
            ErrorCode::OutOfOrder,
            format!("Chưa đủ điều kiện xếp loại: {message}"),
        )
        .with_citations(pending.iter().map(|f| f.citation.clone()).collect())
        .with_details(&classification));
    }
    if !classification.permits(level) {
        let caps: Vec<_> = classification.caps_below(level).collect();
        let message = caps
            .iter()
            .map(|f| format!("{} ({})", f.message, f.citation.source))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(AppError::rule(
            format!(
                "Không thể xếp loại {level}: mức cao nhất quy định cho phép là {}. {message}",
                classification.allowed
            ),
            caps.iter().map(|f| f.citation.clone()).collect(),
        )
        .with_field("level")
        .with_details(&classification));
    }
    let case_by_case: Vec<Citation> = classification
        .findings
        .iter()
        .filter(|f| f.effect == Effect::CaseByCase)
        .map(|f| f.citation.clone())
        .collect();
    if classification.readiness == Readiness::DecisionRequired && reason.is_none() {
        return Err(AppError::rule(
            "Trường hợp này do cấp có thẩm quyền xem xét cụ thể: phải ghi rõ lý do quyết định",
            case_by_case,
        )
        .with_field("reason"));
    }
    // The branch's secret ballot: departing from it, or deciding where it had no majority,
    // needs a recorded reason (never a silent default). Where the branch voted again (after a
    // round without a majority), the last round is the branch's result; every round is kept
    // in the basis.
    let ballots = tx.results_of_subject(subject.id).await?;
    let mut ballot_basis = Vec::new();
    for result in &ballots {
        ballot_basis.push(serde_json::json!({
            "ballot": result.ballot_id, "outcome": result.outcome, "votes": result.votes, "base": result.base,
        }));
    }
    if let Some(result) = ballots.last() {
        let departs = result.outcome == "no_majority" || result.outcome != level.code();
        if departs && reason.is_none() {
            return Err(AppError::rule(
                format!(
                    "Kết quả bỏ phiếu của chi bộ: {}. Quyết định mức {level} khác kết quả này phải ghi rõ lý do",
                    result.message
                ),
                vec![Citation::new(
                    format!("{}.ballot.majority", book.rule_set),
                    book.sources().ballot,
                )],
            )
            .with_field("reason"));
        }
    }
    // Departing from the proposing body's proposal or from the level the rules suggest (the
    // score within every cap) needs a recorded reason too.
    if reason.is_none() {
        let proposal = tx
            .evaluations(subject.id)
            .await?
            .into_iter()
            .filter(|e| e.step == "proposal")
            .filter_map(|e| e.proposed_level)
            .next_back();
        if let Some(proposed) = proposal
            && proposed != level
        {
            return Err(AppError::rule(
                format!(
                    "Đề xuất của cấp đề nghị: {proposed}. Quyết định mức {level} khác đề xuất phải ghi rõ lý do"
                ),
                vec![Citation::new(
                    format!("{}.competent_level", book.rule_set),
                    book.sources().competent_level,
                )],
            )
            .with_field("reason"));
        }
        if let Some(suggested) = classification.suggested
            && suggested != level
        {
            return Err(AppError::rule(
                format!(
                    "Theo kết quả chấm điểm và các tiêu chuẩn, mức đề nghị là {suggested}. Quyết định mức {level} phải ghi rõ lý do"
                ),
                vec![Citation::new(
                    format!("{}.competent_level", book.rule_set),
                    book.sources().competent_level,
                )],
            )
            .with_field("reason"));
        }
    }
    // The quota of the comparable group (tỷ lệ khống chế), on the group's counts as they stand:
    // the group's lock row is taken first, so a concurrent decision over the group waits and
    // then counts this one. A sitting checks it once, on its final counts.
    let check = if let Some(check) = sitting.quota {
        check.clone()
    } else {
        tx.lock_quota_group(subject.plan_id, &subject.quota_group)
            .await?;
        let after = group_counts(tx, subject, Some(level)).await?;
        let check = check_quota(book, &after, input.exceptional_share.as_ref())
            .map_err(|e| AppError::invalid(e.field, e.problem))?;
        if check.violation.is_some() {
            let position = group_position(tx, plan, subject).await?;
            return Err(quota_refusal(&position, &check));
        }
        check
    };
    let basis = serde_json::json!({
        "classification": classification,
        "quota": check,
        "ballots": ballot_basis,
        "exceptional_share": input.exceptional_share,
    });
    Ok(Checked {
        level,
        reason,
        basis,
    })
}

fn decision_view(
    row: DecisionRow,
    escalation: Option<Uuid>,
    document: Option<Document>,
) -> Result<DecisionView> {
    Ok(DecisionView {
        id: row.id,
        subject: row.subject_id,
        version_no: row.version_no,
        previous: row.previous_id,
        kind: row.kind,
        level: row.level,
        body: row.body,
        deciding_org: row.deciding_org_id,
        reason: row.reason,
        basis: serde_json::from_str(&row.basis).unwrap_or(serde_json::Value::Null),
        decided_by: row.decided_by,
        decided_at: row.decided_at,
        escalation,
        document,
        dissents: Vec::new(),
        dependents: Vec::new(),
        orders_done: Vec::new(),
    })
}
