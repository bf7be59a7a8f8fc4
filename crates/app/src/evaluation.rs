//! Đánh giá, xếp loại in three steps (QĐ 366 Điều 12; seed 000 §B; seed 003 §B):
//!
//! 1. self-evaluation ([`App::self_evaluate`]): points or grades per criterion with evidence
//!    (column (3), quantified results), bonuses/deductions, task results and a self-proposed
//!    level, scored by the rules crate's `framework::score`;
//! 2. verification (thẩm định) and the opinions of the participating bodies
//!    ([`App::record_opinion`]), shown side by side as columns (1) self … (5) branch
//!    ([`App::side_by_side`]), and the proposal ([`App::propose`]);
//! 3. the decision of the competent level ([`App::decide`]): who decides is the rule set's answer
//!    (recorded on the subject when the plan opened), the order is checked
//!    (`ordering::check_order`), the level may not exceed what the rules allow
//!    (`classify`), the group's HTXSNV quota is checked (`quota`), a case the rules leave to the
//!    competent level needs a recorded reason, and the subject and whoever manages them are
//!    notified. A decided level is never edited: [`App::correct`] and [`App::reopen`] add a new
//!    version pointing to the old one. A person rated differently in several places is escalated
//!    ([`App::resolve_escalation`]). [`App::publish`] makes the results public.

use crate::App;
use crate::actor::{Action, Actor, Authorized, Scope, authorize};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, ErrorCode, Result};
use crate::facts;
use crate::plan::{Plan, advance, load_plan, require_status, stage_of, stale_subject};
// `ballot` still imports `load_subject` from here; it lives with the plan's subjects.
pub(crate) use crate::plan::load_subject;
use crate::state::{Event, Stage, transition};
use crate::vocab::{parse_body, parse_kind, parse_level, parse_participation};
use kiemdiem_rules::authority::Body;
use kiemdiem_rules::classify::{Classification, Context, Effect, Readiness, classify};
use kiemdiem_rules::facts::{LevelCounts, TaskResults};
use kiemdiem_rules::framework::{self, EvaluationInput, ScoreSheet};
use kiemdiem_rules::ordering::{Precedence, Predecessor, check_order};
use kiemdiem_rules::quota::{ExceptionalShareDecision, QuotaCheck, check_quota};
use kiemdiem_rules::{Citation, Level, RuleBook, SubjectKind};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::evaluation::{
    DecisionRow, EscalationRow, EvaluationRow, NotificationRow, PublicationRow,
};
use kiemdiem_store::cycle::plan::SubjectRow;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// What is stored as an evaluation's input: the score-sheet input and the task results.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoredInput {
    #[serde(default)]
    pub score: EvaluationInput,
    #[serde(default)]
    pub tasks: Option<TaskResults>,
}

/// A self-evaluation (tự đánh giá, xếp loại) as entered by the subject.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SelfEvaluation {
    /// Points or grades per criterion, bonuses and deductions.
    #[serde(default)]
    pub input: EvaluationInput,
    /// Evidence per criterion: quantified results (column (3) of the score sheets).
    #[serde(default)]
    pub evidence: BTreeMap<String, String>,
    /// Tasks assigned, completed, on time, exceeded.
    #[serde(default)]
    pub tasks: Option<TaskResults>,
    /// The level the subject proposes for themselves.
    #[serde(default)]
    pub proposed: Option<Level>,
    #[serde(default)]
    pub note: String,
}

/// Who gives an opinion, and in which column of the summary form it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpinionSource {
    /// (2) Đánh giá, xếp loại công chức, viên chức của cơ quan, đơn vị.
    CivilService,
    /// (3) Chi ủy nơi đảng viên sinh hoạt.
    BranchCommittee,
    /// (4) Tập thể lãnh đạo đoàn thể mà đảng viên là thành viên lãnh đạo.
    MassOrganisation,
    /// Thẩm định của cơ quan tham mưu về tổ chức, cán bộ (ban tổ chức, bộ phận giúp việc).
    AdvisoryStaff,
    /// Thường trực, ban thường vụ cấp ủy.
    StandingCommittee,
    /// Thường trực HĐND, UBND, Ủy ban MTTQ.
    GovernmentBodies,
    /// Các ban tham mưu, cơ quan ngành dọc.
    AdvisoryBoards,
}

impl OpinionSource {
    pub fn code(self) -> &'static str {
        match self {
            OpinionSource::CivilService => "civil_service",
            OpinionSource::BranchCommittee => "branch_committee",
            OpinionSource::MassOrganisation => "mass_organisation",
            OpinionSource::AdvisoryStaff => "advisory_staff",
            OpinionSource::StandingCommittee => "standing_committee",
            OpinionSource::GovernmentBodies => "government_bodies",
            OpinionSource::AdvisoryBoards => "advisory_boards",
        }
    }

    /// The column of the summary form (mẫu tổng hợp đề xuất của các chủ thể).
    pub fn column(self) -> i64 {
        match self {
            OpinionSource::CivilService => 2,
            OpinionSource::BranchCommittee => 3,
            OpinionSource::MassOrganisation => 4,
            OpinionSource::AdvisoryStaff => 6,
            OpinionSource::StandingCommittee => 7,
            OpinionSource::GovernmentBodies => 8,
            OpinionSource::AdvisoryBoards => 9,
        }
    }

    fn step(self) -> &'static str {
        match self {
            OpinionSource::AdvisoryStaff => "verification",
            _ => "opinion",
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            OpinionSource::CivilService => "Xếp loại công chức, viên chức",
            OpinionSource::BranchCommittee => "Chi ủy nơi sinh hoạt",
            OpinionSource::MassOrganisation => "Tập thể lãnh đạo đoàn thể",
            OpinionSource::AdvisoryStaff => "Thẩm định của cơ quan tham mưu",
            OpinionSource::StandingCommittee => "Thường trực, Ban Thường vụ cấp ủy",
            OpinionSource::GovernmentBodies => "Thường trực HĐND, UBND, MTTQ",
            OpinionSource::AdvisoryBoards => "Các ban tham mưu, ngành dọc",
        }
    }
}

/// An opinion or a verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Opinion {
    pub source: OpinionSource,
    /// The version read (0 for a new opinion from this source).
    #[serde(default)]
    pub version: i64,
    pub level: Option<Level>,
    /// A verified score sheet, when the body re-scores (thẩm định).
    #[serde(default)]
    pub input: Option<EvaluationInput>,
    #[serde(default)]
    pub tasks: Option<TaskResults>,
    #[serde(default)]
    pub note: String,
}

/// One evaluation as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationView {
    pub subject: Uuid,
    pub step: String,
    pub source: String,
    pub column: i64,
    pub level: Option<Level>,
    pub score: Option<ScoreSheet>,
    pub tasks: Option<TaskResults>,
    pub evidence: BTreeMap<String, String>,
    pub note: String,
    pub version: i64,
    pub by: String,
}

/// A column of the side-by-side view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub no: i64,
    pub title: String,
    pub level: Option<Level>,
    /// Points in hundredths, when scored.
    pub total: Option<i64>,
    pub note: String,
}

/// Columns (1) self … (5) branch, then the verification and the other bodies, and what the
/// rules allow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SideBySide {
    pub subject: Uuid,
    pub name: String,
    pub columns: Vec<Column>,
    pub classification: Option<Classification>,
    pub decided: Option<Level>,
}

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
    pub body: String,
    pub deciding_org: Option<Uuid>,
    pub reason: Option<String>,
    pub basis: serde_json::Value,
    pub decided_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub decided_at: OffsetDateTime,
    /// An escalation opened because the person is rated differently elsewhere.
    pub escalation: Option<Uuid>,
}

/// The quota position of a subject's group, shown before deciding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaView {
    pub group: String,
    pub levels: LevelCounts,
    pub check: QuotaCheck,
}

/// Counts of a publication.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PublicationSummary {
    pub published: u64,
    /// kind code → level code → count.
    pub levels: BTreeMap<String, BTreeMap<String, u64>>,
}

fn decision_view(row: DecisionRow, escalation: Option<Uuid>) -> Result<DecisionView> {
    Ok(DecisionView {
        id: row.id,
        subject: row.subject_id,
        version_no: row.version_no,
        previous: row.previous_id,
        kind: row.kind,
        level: row.level.as_deref().map(parse_level).transpose()?,
        body: row.body,
        deciding_org: row.deciding_org_id,
        reason: row.reason,
        basis: serde_json::from_str(&row.basis).unwrap_or(serde_json::Value::Null),
        decided_by: row.decided_by,
        decided_at: row.decided_at,
        escalation,
    })
}

fn score_of(
    subject: &SubjectRow,
    book: &RuleBook,
    input: &EvaluationInput,
) -> Result<Option<ScoreSheet>> {
    let Some(id) = subject.framework_id.as_deref() else {
        return Ok(None);
    };
    let framework = framework::builtin_by_id(id)
        .ok_or_else(|| AppError::internal(format!("khung tiêu chí «{id}»")))?;
    framework::score(framework, book, input)
        .map(Some)
        .map_err(|e| AppError::invalid(format!("input.{}", e.field), e.problem))
}

fn evaluation_view(
    subject: &SubjectRow,
    book: &RuleBook,
    row: &EvaluationRow,
) -> Result<EvaluationView> {
    let stored: StoredInput = serde_json::from_str(&row.input).unwrap_or_default();
    let score = if stored.score == EvaluationInput::default() {
        None
    } else {
        score_of(subject, book, &stored.score).ok().flatten()
    };
    Ok(EvaluationView {
        subject: row.subject_id,
        step: row.step.clone(),
        source: row.source.clone(),
        column: row.column_no,
        level: row.proposed_level.as_deref().map(parse_level).transpose()?,
        score,
        tasks: stored.tasks,
        evidence: serde_json::from_str(&row.evidence).unwrap_or_default(),
        note: row.note.clone(),
        version: row.version,
        by: row.changed_by.clone(),
    })
}

/// The score the decision rests on: the verified one, else the self-evaluation's.
fn decisive_score(
    subject: &SubjectRow,
    book: &RuleBook,
    evaluations: &[EvaluationRow],
) -> Result<Option<ScoreSheet>> {
    for step in ["verification", "self"] {
        for row in evaluations.iter().filter(|e| e.step == step) {
            let stored: StoredInput = serde_json::from_str(&row.input).unwrap_or_default();
            if stored.score != EvaluationInput::default() {
                return score_of(subject, book, &stored.score);
            }
        }
    }
    Ok(None)
}

/// Classifies the subject with the facts and the decisive score.
pub(crate) async fn classify_subject(
    tx: &mut Tx,
    plan: &Plan,
    book: &RuleBook,
    subject: &SubjectRow,
) -> Result<Classification> {
    let facts = facts::gather(tx, plan, subject).await?;
    let evaluations = tx.evaluations(subject.id).await?;
    let score = decisive_score(subject, book, &evaluations)?;
    Ok(classify(&Context {
        book,
        year: plan.year,
        as_of: plan.review_date,
        facts: &facts,
        score: score.as_ref(),
    }))
}

/// The steps that must be done before `subject` is rated, as the rules crate names them.
async fn rating_predecessors(tx: &mut Tx, subject: &SubjectRow) -> Result<Vec<Predecessor>> {
    let kind = parse_kind(&subject.kind)?;
    let stage = stage_of(subject)?;
    let mut out = vec![Predecessor {
        precedence: Precedence::ReviewBeforeRating,
        name: format!("Kiểm điểm {}", subject.name),
        done: stage.reviewed(),
    }];
    let unit_subjects = tx
        .subjects_of_plan(subject.plan_id, Some(&[subject.unit_id]))
        .await?;
    let decided = |row: &SubjectRow| Stage::parse(&row.stage).is_some_and(Stage::decided);
    let excluded = |row: &SubjectRow| row.participation != "review_and_classify";
    match kind {
        SubjectKind::MemberWithPost
        | SubjectKind::MemberWithoutPost
        | SubjectKind::MemberOutsideSystem
        | SubjectKind::Leader => {
            for row in unit_subjects
                .iter()
                .filter(|r| r.kind == "collective" && !excluded(r))
            {
                if kind == SubjectKind::Leader && subject.collective_id != row.collective_id {
                    continue;
                }
                out.push(Predecessor {
                    precedence: Precedence::CollectiveBeforeMembers,
                    name: format!("Xếp loại {}", row.name),
                    done: decided(row),
                });
            }
            if kind == SubjectKind::Leader
                && let Some(member) = subject.member_id
            {
                let plan = tx.plan(subject.plan_id).await?;
                let on = plan
                    .map(|p| p.review_date)
                    .unwrap_or_else(kiemdiem_store::date::today);
                if let Some(branch) = tx
                    .branch_of(member, kiemdiem_store::people::MembershipKind::Official, on)
                    .await?
                {
                    for row in tx.family_subjects(subject.plan_id, &[branch]).await? {
                        if row.member_id == Some(member)
                            && parse_kind(&row.kind)?.is_member()
                            && !excluded(&row)
                        {
                            out.push(Predecessor {
                                precedence: Precedence::BranchBeforeCollective,
                                name: format!("Xếp loại {} ở chi bộ", row.name),
                                done: decided(&row),
                            });
                        }
                    }
                }
            }
        }
        SubjectKind::Organisation => {
            let org = subject.org_id.unwrap_or(subject.unit_id);
            let plan = tx.plan(subject.plan_id).await?;
            let on = plan
                .map(|p| p.review_date)
                .unwrap_or_else(kiemdiem_store::date::today);
            let children: Vec<Uuid> = tx
                .org_children(org, on)
                .await?
                .into_iter()
                .map(|o| o.id)
                .collect();
            if !children.is_empty() {
                for row in tx.family_subjects(subject.plan_id, &children).await? {
                    if row.kind == "organisation" && !excluded(&row) {
                        out.push(Predecessor {
                            precedence: Precedence::LowerBeforeUpper,
                            name: format!("Xếp loại {}", row.name),
                            done: decided(&row),
                        });
                    }
                }
            }
        }
        SubjectKind::Collective => {}
    }
    // A head after the organisations and collectives they head (seed 003 B.4; QĐ 124 Điều 11).
    if kind.holds_post() {
        let plan = load_plan(tx, subject.plan_id).await?;
        for body in crate::leaders::leadership(tx, &plan, subject).await?.headed {
            out.push(Predecessor {
                precedence: Precedence::UnitBeforeHead,
                name: format!("Xếp loại {}", body.subject.name),
                done: decided(&body.subject),
            });
        }
    }
    Ok(out)
}

fn refuse_order(book: &RuleBook, predecessors: &[Predecessor]) -> Result<()> {
    check_order(book, predecessors).map_err(|missing| {
        let message = missing
            .iter()
            .map(|m| m.message.clone())
            .collect::<Vec<_>>()
            .join("; ");
        AppError::new(
            ErrorCode::OutOfOrder,
            format!("Chưa đúng trình tự: {message}"),
        )
        .with_citations(missing.iter().map(|m| m.citation.clone()).collect())
        .with_details(&missing)
    })
}

/// The levels decided in `group`, counting `subject` at `level` instead of its current level.
async fn group_counts(
    tx: &mut Tx,
    subject: &SubjectRow,
    level: Option<Level>,
) -> Result<LevelCounts> {
    let mut counts = LevelCounts::default();
    for (code, n) in tx
        .family_group_levels(subject.plan_id, &subject.quota_group)
        .await?
    {
        let l = parse_level(&code)?;
        for _ in 0..n {
            counts.add(l);
        }
    }
    if let Some(current) = subject.level.as_deref().map(parse_level).transpose()? {
        match current {
            Level::Htxsnv => counts.htxsnv -= 1,
            Level::Httnv => counts.httnv -= 1,
            Level::Htnv => counts.htnv -= 1,
            Level::Khtnv => counts.khtnv -= 1,
        }
    }
    if let Some(level) = level {
        counts.add(level);
    }
    Ok(counts)
}

fn nonempty(reason: &Option<String>) -> Option<String> {
    reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}

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
) -> Result<Checked> {
    let level = input
        .level
        .ok_or_else(|| AppError::invalid("level", "Chưa chọn mức xếp loại"))?;
    let reason = nonempty(&input.reason);
    if correcting && reason.is_none() {
        return Err(AppError::invalid(
            "reason",
            "Điều chỉnh, xếp loại lại phải ghi rõ lý do (kết quả cũ vẫn được lưu)",
        ));
    }
    if !correcting {
        refuse_order(book, &rating_predecessors(tx, subject).await?)?;
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
                .map(|f| f.message.clone())
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
    // needs a recorded reason (never a silent default).
    let ballots = tx.results_of_subject(subject.id).await?;
    let mut ballot_basis = Vec::new();
    for result in &ballots {
        ballot_basis.push(serde_json::json!({
            "ballot": result.ballot_id, "outcome": result.outcome, "votes": result.votes, "base": result.base,
        }));
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
    // The quota of the comparable group (tỷ lệ khống chế).
    let after = group_counts(tx, subject, Some(level)).await?;
    let check = check_quota(book, &after, input.exceptional_share.as_ref())
        .map_err(|e| AppError::invalid(e.field, e.problem))?;
    if let Some(violation) = &check.violation {
        return Err(AppError::new(
            ErrorCode::QuotaExceeded,
            format!(
                "Vượt tỷ lệ HTXSNV của nhóm «{}»: {}",
                subject.quota_group, violation.message
            ),
        )
        .with_citations(check.citations.clone())
        .with_field("level")
        .with_details(&check));
    }
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

impl App {
    /// Records (or updates, at `version`) the subject's self-evaluation and scores it.
    pub async fn self_evaluate(
        &self,
        actor: &Actor,
        subject: Uuid,
        version: i64,
        input: SelfEvaluation,
    ) -> Result<EvaluationView> {
        let who = authorize(actor, Action::WriteOwn, Scope::Subject(subject))?;
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        require_status(&plan, "open", "tự đánh giá")?;
        if stage_of(&row)?.decided() {
            return Err(AppError::conflict(
                "Đối tượng đã được quyết định xếp loại: không sửa tự đánh giá",
            ));
        }
        let book = plan.book()?;
        if let Some(tasks) = &input.tasks {
            tasks
                .validate("tasks")
                .map_err(|e| AppError::invalid(e.field, e.problem))?;
        }
        let score = score_of(&row, &book, &input.input)?;
        let stored = StoredInput {
            score: input.input.clone(),
            tasks: input.tasks,
        };
        let evaluation = EvaluationRow {
            id: Uuid::now_v7(),
            subject_id: subject,
            step: "self".into(),
            source: "self".into(),
            column_no: 1,
            input: serde_json::to_string(&stored).unwrap_or_default(),
            evidence: serde_json::to_string(&input.evidence).unwrap_or_default(),
            total: score.as_ref().and_then(|s| s.total).map(|p| p.0),
            score_level: score.as_ref().map(|s| s.level.code().to_owned()),
            proposed_level: input.proposed.map(|l| l.code().to_owned()),
            note: input.note.clone(),
            version,
            changed_by: String::new(),
            changed_at: OffsetDateTime::UNIX_EPOCH,
        };
        if !tx.save_evaluation(&evaluation).await? {
            return Err(AppError::stale("Bản tự đánh giá", version));
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("evaluation.self", "subject", subject).detail(serde_json::json!({
                "score_level": evaluation.score_level, "total": evaluation.total, "proposed": input.proposed,
            })),
        )
        .await?;
        let saved = tx
            .evaluations(subject)
            .await?
            .into_iter()
            .find(|e| e.step == "self")
            .ok_or_else(|| AppError::internal("tự đánh giá vừa lưu không đọc lại được"))?;
        let view = evaluation_view(&row, &book, &saved)?;
        tx.commit().await?;
        Ok(view)
    }

    /// Records the verification (thẩm định) or the opinion of a participating body.
    pub async fn record_opinion(
        &self,
        actor: &Actor,
        subject: Uuid,
        opinion: Opinion,
    ) -> Result<EvaluationView> {
        let who = authorize(actor, Action::Verify, Scope::Subject(subject))?;
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        require_status(&plan, "open", "ghi ý kiến đánh giá")?;
        let book = plan.book()?;
        let score = match &opinion.input {
            Some(input) => score_of(&row, &book, input)?,
            None => None,
        };
        let stored = StoredInput {
            score: opinion.input.clone().unwrap_or_default(),
            tasks: opinion.tasks,
        };
        let evaluation = EvaluationRow {
            id: Uuid::now_v7(),
            subject_id: subject,
            step: opinion.source.step().into(),
            source: opinion.source.code().into(),
            column_no: opinion.source.column(),
            input: serde_json::to_string(&stored).unwrap_or_default(),
            evidence: "{}".into(),
            total: score.as_ref().and_then(|s| s.total).map(|p| p.0),
            score_level: score.as_ref().map(|s| s.level.code().to_owned()),
            proposed_level: opinion.level.map(|l| l.code().to_owned()),
            note: opinion.note.clone(),
            version: opinion.version,
            changed_by: String::new(),
            changed_at: OffsetDateTime::UNIX_EPOCH,
        };
        if !tx.save_evaluation(&evaluation).await? {
            return Err(AppError::stale(opinion.source.name_vi(), opinion.version));
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("evaluation.opinion", "subject", subject).detail(serde_json::json!({
                "source": opinion.source, "level": opinion.level, "note": opinion.note,
            })),
        )
        .await?;
        let saved = tx
            .evaluations(subject)
            .await?
            .into_iter()
            .find(|e| e.source == opinion.source.code())
            .ok_or_else(|| AppError::internal("ý kiến vừa lưu không đọc lại được"))?;
        let view = evaluation_view(&row, &book, &saved)?;
        tx.commit().await?;
        Ok(view)
    }

    /// The proposals of every body side by side (columns (1) self … (5) branch, then the
    /// verification and the others), with what the rules allow.
    pub async fn side_by_side(&self, actor: &Actor, subject: Uuid) -> Result<SideBySide> {
        authorize(actor, Action::Read, Scope::Subject(subject))?;
        let mut tx = self.store().read().await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        let book = plan.book()?;
        let mut columns = Vec::new();
        for e in tx.evaluations(subject).await? {
            let title = match e.source.as_str() {
                "self" => "Tự đánh giá, xếp loại".to_owned(),
                code => [
                    OpinionSource::CivilService,
                    OpinionSource::BranchCommittee,
                    OpinionSource::MassOrganisation,
                    OpinionSource::AdvisoryStaff,
                    OpinionSource::StandingCommittee,
                    OpinionSource::GovernmentBodies,
                    OpinionSource::AdvisoryBoards,
                ]
                .into_iter()
                .find(|s| s.code() == code)
                .map(|s| s.name_vi().to_owned())
                .unwrap_or_else(|| format!("Đề xuất của {code}")),
            };
            columns.push(Column {
                no: e.column_no,
                title,
                level: e
                    .proposed_level
                    .as_deref()
                    .or(e.score_level.as_deref())
                    .map(parse_level)
                    .transpose()?,
                total: e.total,
                note: e.note,
            });
        }
        for result in tx.results_of_subject(subject).await? {
            columns.push(Column {
                no: 5,
                title: "Chi bộ đánh giá, xếp loại (bỏ phiếu kín)".into(),
                level: Level::parse(&result.outcome),
                total: None,
                note: result.message,
            });
        }
        // Quarterly and six-monthly results of the same member feed the year (QĐ 366 Điều 13).
        if plan.period == crate::plan::Period::Year
            && let Some(member) = row.member_id
        {
            let periodic: Vec<(Uuid, String)> = tx
                .plans_of_year(i64::from(plan.year))
                .await?
                .into_iter()
                .filter(|p| p.period_kind != "year")
                .map(|p| {
                    let label = if p.period_kind == "quarter" {
                        format!("Quý {}", p.period_no)
                    } else {
                        format!("6 tháng lần {}", p.period_no)
                    };
                    (p.id, label)
                })
                .collect();
            let ids: Vec<Uuid> = periodic.iter().map(|(id, _)| *id).collect();
            for other in tx.decided_subjects_of_member(member, &ids).await? {
                let label = periodic
                    .iter()
                    .find(|(id, _)| *id == other.plan_id)
                    .map(|(_, l)| l.clone())
                    .unwrap_or_default();
                columns.push(Column {
                    no: 10,
                    title: format!("Kết quả {label}"),
                    level: other.level.as_deref().map(parse_level).transpose()?,
                    total: None,
                    note: other.name,
                });
            }
        }
        columns.sort_by_key(|c| c.no);
        let participation = parse_participation(&row.participation)?;
        let classification =
            if participation == kiemdiem_rules::eligibility::Participation::ReviewAndClassify {
                Some(classify_subject(&mut tx, &plan, &book, &row).await?)
            } else {
                None
            };
        Ok(SideBySide {
            subject,
            name: row.name.clone(),
            columns,
            classification,
            decided: row.level.as_deref().map(parse_level).transpose()?,
        })
    }

    /// The quota position of the subject's comparable group as decided so far, and after
    /// deciding `level` for the subject when given.
    pub async fn quota_headroom(
        &self,
        actor: &Actor,
        subject: Uuid,
        level: Option<Level>,
    ) -> Result<QuotaView> {
        authorize(actor, Action::Read, Scope::Subject(subject))?;
        let mut tx = self.store().read().await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        let book = plan.book()?;
        let levels = match level {
            Some(level) => group_counts(&mut tx, &row, Some(level)).await?,
            None => {
                let mut counts = group_counts(&mut tx, &row, None).await?;
                if let Some(current) = row.level.as_deref() {
                    counts.add(parse_level(current)?);
                }
                counts
            }
        };
        let check =
            check_quota(&book, &levels, None).map_err(|e| AppError::invalid(e.field, e.problem))?;
        Ok(QuotaView {
            group: row.quota_group,
            levels,
            check,
        })
    }

    /// The proposal of the body that proposes (chi ủy, đảng ủy bộ phận, the branch) for a
    /// subject whose level another body decides.
    pub async fn propose(
        &self,
        actor: &Actor,
        subject: Uuid,
        version: i64,
        level: Level,
        note: &str,
    ) -> Result<Stage> {
        let who = authorize(actor, Action::Propose, Scope::Subject(subject))?;
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        require_status(&plan, "open", "đề xuất mức xếp loại")?;
        let book = plan.book()?;
        refuse_order(
            &book,
            &[Predecessor {
                precedence: Precedence::ReviewBeforeRating,
                name: format!("Kiểm điểm {}", row.name),
                done: stage_of(&row)?.reviewed(),
            }],
        )?;
        let stage = advance(&mut tx, &row, version, Event::Propose, None, None).await?;
        let proposer = row
            .proposes_body
            .clone()
            .unwrap_or_else(|| "own_branch".into());
        let existing = tx
            .evaluations(subject)
            .await?
            .into_iter()
            .find(|e| e.step == "proposal" && e.source == proposer);
        let evaluation = EvaluationRow {
            id: Uuid::now_v7(),
            subject_id: subject,
            step: "proposal".into(),
            source: proposer.clone(),
            column_no: 5,
            input: "{}".into(),
            evidence: "{}".into(),
            total: None,
            score_level: None,
            proposed_level: Some(level.code().into()),
            note: note.to_owned(),
            version: existing.as_ref().map(|e| e.version).unwrap_or(0),
            changed_by: String::new(),
            changed_at: OffsetDateTime::UNIX_EPOCH,
        };
        if !tx.save_evaluation(&evaluation).await? {
            return Err(AppError::stale("Đề xuất", evaluation.version));
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("subject.propose", "subject", subject)
                .detail(serde_json::json!({"level": level, "by": proposer})),
        )
        .await?;
        tx.commit().await?;
        Ok(stage)
    }

    /// The decision of the competent level.
    pub async fn decide(
        &self,
        actor: &Actor,
        subject: Uuid,
        input: DecisionInput,
    ) -> Result<DecisionView> {
        let who = authorize(actor, Action::Decide, Scope::Subject(subject))?;
        crate::retrying(|| async {
            let mut tx = self.begin(&who).await?;
            let view = decide_in(&mut tx, &who, subject, &input, "decision").await?;
            tx.commit().await?;
            Ok(view)
        })
        .await
    }

    /// Corrects or re-classifies a decided subject: a new decision version pointing to the old.
    pub async fn correct(
        &self,
        actor: &Actor,
        subject: Uuid,
        input: DecisionInput,
    ) -> Result<DecisionView> {
        let who = authorize(actor, Action::Decide, Scope::Subject(subject))?;
        crate::retrying(|| async {
            let mut tx = self.begin(&who).await?;
            let view = decide_in(&mut tx, &who, subject, &input, "correction").await?;
            tx.commit().await?;
            Ok(view)
        })
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
        let who = authorize(actor, Action::Decide, Scope::Subject(subject))?;
        let reason = nonempty(&Some(reason.to_owned())).ok_or_else(|| {
            AppError::invalid("reason", "Mở lại kết quả xếp loại phải ghi rõ lý do")
        })?;
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let previous = tx.decisions(subject).await?.into_iter().last();
        let decision = DecisionRow {
            id: Uuid::now_v7(),
            subject_id: subject,
            version_no: previous.as_ref().map(|d| d.version_no + 1).unwrap_or(1),
            previous_id: previous.as_ref().map(|d| d.id),
            kind: "reopen".into(),
            level: None,
            deciding_org_id: row.deciding_org_id,
            body: row.decides_body.clone(),
            reason: Some(reason.clone()),
            basis: "{}".into(),
            decided_by: who.actor.user.clone(),
            decided_at: tx.stamp()?.at,
        };
        advance(&mut tx, &row, version, Event::Reopen, None, None).await?;
        tx.insert_decision(&decision).await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("decision.reopen", "subject", subject)
                .reason(Some(reason))
                .detail(serde_json::json!({"previous": decision.previous_id})),
        )
        .await?;
        tx.commit().await?;
        decision_view(decision, None)
    }

    /// Every decision version of a subject, oldest first.
    pub async fn decisions(&self, actor: &Actor, subject: Uuid) -> Result<Vec<DecisionView>> {
        authorize(actor, Action::Read, Scope::Subject(subject))?;
        let mut tx = self.store().read().await?;
        tx.decisions(subject)
            .await?
            .into_iter()
            .map(|d| decision_view(d, None))
            .collect()
    }

    /// The organisation board of the competent level settles a person rated differently in
    /// several places: every place gets the settled level as a correction.
    pub async fn resolve_escalation(
        &self,
        actor: &Actor,
        escalation: Uuid,
        version: i64,
        level: Level,
        reason: &str,
    ) -> Result<Vec<DecisionView>> {
        let who = authorize(actor, Action::Decide, Scope::Global)?;
        let reason = nonempty(&Some(reason.to_owned()))
            .ok_or_else(|| AppError::invalid("reason", "Phải ghi rõ lý do quyết định"))?;
        let mut tx = self.begin(&who).await?;
        let mut row = tx
            .escalation(escalation)
            .await?
            .ok_or_else(|| AppError::not_found("việc báo cáo cấp trên", escalation))?;
        if row.status != "open" {
            return Err(AppError::conflict("Việc này đã được giải quyết"));
        }
        let places: Vec<Place> = serde_json::from_str(&row.places).unwrap_or_default();
        let mut views = Vec::new();
        for place in &places {
            let subject = load_subject(&mut tx, place.subject).await?;
            if subject.level.as_deref() == Some(level.code()) {
                continue;
            }
            let input = DecisionInput {
                version: subject.version,
                level: Some(level),
                reason: Some(reason.clone()),
                exceptional_share: None,
            };
            views.push(decide_in(&mut tx, &who, place.subject, &input, "escalation").await?);
        }
        row.status = "resolved".into();
        row.resolved_level = Some(level.code().into());
        row.reason = Some(reason.clone());
        row.version = version;
        if !tx.update_escalation(&row).await? {
            return Err(AppError::stale("Việc báo cáo cấp trên", version));
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("escalation.resolve", "escalation", escalation)
                .reason(Some(reason))
                .detail(serde_json::json!({"level": level})),
        )
        .await?;
        tx.commit().await?;
        Ok(views)
    }

    /// Open escalations of a plan.
    pub async fn escalations(&self, actor: &Actor, plan: Uuid) -> Result<Vec<Escalation>> {
        authorize(actor, Action::Read, Scope::Plan(plan))?;
        let mut tx = self.store().read().await?;
        Ok(tx
            .open_escalations(plan)
            .await?
            .into_iter()
            .map(Escalation::from)
            .collect())
    }

    /// Publishes the decided results of a plan (or of the subjects reviewed in `units`):
    /// notifies and makes them public; the plan is `published` when nothing is left undecided.
    pub async fn publish(
        &self,
        actor: &Actor,
        plan: Uuid,
        version: i64,
    ) -> Result<PublicationSummary> {
        let who = authorize(actor, Action::Publish, Scope::Plan(plan))?;
        let mut tx = self.begin(&who).await?;
        let current = load_plan(&mut tx, plan).await?;
        require_status(&current, "open", "công khai kết quả")?;
        let subjects = tx.subjects_of_plan(plan, None).await?;
        let mut summary = PublicationSummary::default();
        let mut ids = Vec::new();
        let mut undecided = 0;
        for s in &subjects {
            match Stage::parse(&s.stage) {
                Some(Stage::Decided) => {
                    ids.push(s.id);
                    *summary
                        .levels
                        .entry(s.kind.clone())
                        .or_default()
                        .entry(s.level.clone().unwrap_or_default())
                        .or_default() += 1;
                }
                Some(Stage::Excluded | Stage::Published) => {}
                Some(Stage::Reviewed) if s.participation == "review_only" => {}
                _ => undecided += 1,
            }
        }
        summary.published = tx.advance_subjects(&ids, "decided", "published").await?;
        let all_done = undecided == 0;
        if !tx
            .set_plan_status(
                plan,
                version,
                if all_done { "published" } else { "open" },
                None,
            )
            .await?
        {
            return Err(AppError::stale("Kế hoạch", version));
        }
        tx.insert_publication(&PublicationRow {
            id: Uuid::now_v7(),
            plan_id: plan,
            org_id: current.org_id,
            summary: serde_json::to_string(&summary).unwrap_or_default(),
            published_by: who.actor.user.clone(),
            published_at: tx.stamp()?.at,
        })
        .await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("plan.publish", "plan", plan).detail(&summary),
        )
        .await?;
        tx.commit().await?;
        Ok(summary)
    }
}

/// One place where a person is rated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub subject: Uuid,
    pub name: String,
    pub kind: String,
    pub level: Option<String>,
}

/// A person rated differently in several places, waiting for the organisation board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Escalation {
    pub id: Uuid,
    pub plan: Uuid,
    pub member: Uuid,
    pub places: Vec<Place>,
    pub status: String,
    pub version: i64,
}

impl From<EscalationRow> for Escalation {
    fn from(row: EscalationRow) -> Escalation {
        Escalation {
            id: row.id,
            plan: row.plan_id,
            member: row.member_id,
            places: serde_json::from_str(&row.places).unwrap_or_default(),
            status: row.status,
            version: row.version,
        }
    }
}

async fn decide_in(
    tx: &mut Tx,
    who: &Authorized,
    subject: Uuid,
    input: &DecisionInput,
    kind: &str,
) -> Result<DecisionView> {
    let row = load_subject(tx, subject).await?;
    let plan = load_plan(tx, row.plan_id).await?;
    require_status(&plan, "open", "quyết định xếp loại")?;
    let book = plan.book()?;
    let correcting = kind != "decision";
    let event = if correcting {
        Event::Correct
    } else {
        Event::Decide
    };
    if row.version != input.version {
        return Err(stale_subject(&row, input.version));
    }
    transition(
        stage_of(&row)?,
        parse_participation(&row.participation)?,
        event,
    )
    .map_err(|message| {
        if !correcting && !stage_of(&row).is_ok_and(Stage::reviewed) {
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
    let checked = check_decision(tx, &plan, &book, &row, input, correcting).await?;
    let previous = tx.decisions(subject).await?.into_iter().last();
    let body = parse_body(&row.decides_body)?;
    let decision = DecisionRow {
        id: Uuid::now_v7(),
        subject_id: subject,
        version_no: previous.as_ref().map(|d| d.version_no + 1).unwrap_or(1),
        previous_id: previous.as_ref().map(|d| d.id),
        kind: kind.into(),
        level: Some(checked.level.code().into()),
        deciding_org_id: row.deciding_org_id,
        body: row.decides_body.clone(),
        reason: checked.reason.clone(),
        basis: checked.basis.to_string(),
        decided_by: who.actor.user.clone(),
        decided_at: tx.stamp()?.at,
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
    let escalation = if kind == "escalation" {
        None
    } else {
        escalate_if_different(tx, &plan, &row, checked.level).await?
    };
    audit::append(
        tx,
        who,
        AuditEvent::new(
            match kind {
                "decision" => "decision.record",
                "correction" => "decision.correct",
                _ => "decision.escalation",
            },
            "subject",
            subject,
        )
        .reason(checked.reason.clone())
        .detail(serde_json::json!({
            "level": checked.level, "decision": decision.id, "previous": decision.previous_id,
            "body": row.decides_body, "deciding_org": row.deciding_org_id, "escalation": escalation,
        })),
    )
    .await?;
    decision_view(decision, escalation)
}

/// Notification of the subject and of whoever manages them (QĐ 366 Điều 13; seed 003 §B.6).
async fn notify(
    tx: &mut Tx,
    subject: &SubjectRow,
    decision: &DecisionRow,
    level: Level,
    body: Body,
) -> Result<()> {
    let message = format!(
        "{} được {} xếp loại: {} ({})",
        subject.name,
        body.name_vi(),
        level.name_vi(),
        level.code()
    );
    let at = tx.stamp()?.at;
    let mut recipients = Vec::new();
    if let Some(member) = subject.member_id.or(subject.leader_id) {
        recipients.push(("subject", member.to_string()));
    } else if let Some(org) = subject.org_id {
        recipients.push(("subject", org.to_string()));
    } else if let Some(collective) = subject.collective_id {
        recipients.push(("subject", collective.to_string()));
    }
    recipients.push(("manager", subject.unit_id.to_string()));
    if let Some(deciding) = subject.deciding_org_id
        && deciding != subject.unit_id
    {
        recipients.push(("deciding_body", deciding.to_string()));
    }
    for (kind, recipient) in recipients {
        tx.insert_notification(&NotificationRow {
            id: Uuid::now_v7(),
            subject_id: subject.id,
            decision_id: decision.id,
            recipient_kind: kind.into(),
            recipient,
            message: message.clone(),
            created_at: at,
        })
        .await?;
    }
    Ok(())
}

/// Opens an escalation when the same person is rated at another level elsewhere this year.
async fn escalate_if_different(
    tx: &mut Tx,
    plan: &Plan,
    subject: &SubjectRow,
    level: Level,
) -> Result<Option<Uuid>> {
    let Some(member) = subject.member_id else {
        return Ok(None);
    };
    let plans: Vec<Uuid> = tx
        .plans_of_year(i64::from(plan.year))
        .await?
        .into_iter()
        .filter(|p| p.period_kind == "year")
        .map(|p| p.id)
        .collect();
    let rows = tx.decided_subjects_of_member(member, &plans).await?;
    let differs = rows
        .iter()
        .any(|r| r.id != subject.id && r.level.as_deref().is_some_and(|l| l != level.code()));
    if !differs {
        return Ok(None);
    }
    let places: Vec<Place> = rows
        .iter()
        .filter(|r| r.level.is_some() || r.id == subject.id)
        .map(|r| Place {
            subject: r.id,
            name: r.name.clone(),
            kind: r.kind.clone(),
            level: if r.id == subject.id {
                Some(level.code().into())
            } else {
                r.level.clone()
            },
        })
        .collect();
    let places_json = serde_json::to_string(&places).unwrap_or_default();
    if let Some(mut open) = tx
        .escalations_of_member(member)
        .await?
        .into_iter()
        .find(|e| e.status == "open" && e.plan_id == plan.id)
    {
        open.places = places_json;
        if !tx.update_escalation(&open).await? {
            return Err(AppError::stale("Việc báo cáo cấp trên", open.version));
        }
        return Ok(Some(open.id));
    }
    let id = Uuid::now_v7();
    tx.insert_escalation(&EscalationRow {
        id,
        plan_id: plan.id,
        member_id: member,
        places: places_json,
        status: "open".into(),
        resolved_level: None,
        reason: None,
        version: 1,
        changed_by: String::new(),
        changed_at: OffsetDateTime::UNIX_EPOCH,
    })
    .await?;
    Ok(Some(id))
}

/// A notification of a decision (thông báo kết quả).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    pub id: Uuid,
    pub decision: Uuid,
    /// `subject`, `manager` or `deciding_body`.
    pub recipient_kind: String,
    /// The member, organisation or collective notified.
    pub recipient: String,
    pub message: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl App {
    /// The notifications sent about a subject's decisions.
    pub async fn notifications(&self, actor: &Actor, subject: Uuid) -> Result<Vec<Notification>> {
        authorize(actor, Action::Read, Scope::Subject(subject))?;
        let mut tx = self.store().read().await?;
        Ok(tx
            .notifications(subject)
            .await?
            .into_iter()
            .map(|n| Notification {
                id: n.id,
                decision: n.decision_id,
                recipient_kind: n.recipient_kind,
                recipient: n.recipient,
                message: n.message,
                created_at: n.created_at,
            })
            .collect())
    }

    /// The evaluations of a subject (self, verification, opinions, proposals), by column.
    pub async fn evaluations(&self, actor: &Actor, subject: Uuid) -> Result<Vec<EvaluationView>> {
        authorize(actor, Action::Read, Scope::Subject(subject))?;
        let mut tx = self.store().read().await?;
        let row = load_subject(&mut tx, subject).await?;
        let book = load_plan(&mut tx, row.plan_id).await?.book()?;
        tx.evaluations(subject)
            .await?
            .iter()
            .map(|e| evaluation_view(&row, &book, e))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_the_summary_form() {
        assert_eq!(OpinionSource::CivilService.column(), 2);
        assert_eq!(OpinionSource::BranchCommittee.column(), 3);
        assert_eq!(OpinionSource::MassOrganisation.column(), 4);
        assert_eq!(OpinionSource::AdvisoryStaff.step(), "verification");
    }

    #[test]
    fn stored_input_round_trips() {
        let stored = StoredInput {
            score: EvaluationInput::default(),
            tasks: Some(TaskResults {
                assigned: 10,
                completed: 10,
                on_time: 10,
                exceeded: 4,
            }),
        };
        let text = serde_json::to_string(&stored).unwrap();
        assert_eq!(serde_json::from_str::<StoredInput>(&text).unwrap(), stored);
    }
}
