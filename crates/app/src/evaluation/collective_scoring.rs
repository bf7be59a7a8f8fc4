//! A branch scores itself together (seed 003 mục B.1.4, SPEC §6): the secretary prepares the
//! proposed scores and sends them to the members at least `review.draft_notice_working_days`
//! working days before the meeting ([`App::propose_collective_score`]); after the reviews each
//! member scores ([`App::score_collective`]); the branch agrees on the bonuses and deductions —
//! each naming its criterion, reason and responsible collective or person — and votes the total
//! ([`App::vote_collective_score`]). Adopted, the total (the members' scores averaged per
//! criterion, with the agreed adjustments, scored by the rules crate) is the organisation's
//! self-evaluation. The notice, the adjustments' limits and the majority are the rules crate's.

use super::{EvaluationView, StoredInput, framework_of, save_evaluation, score_of, scored_row};
use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use crate::plan::{load_plan, load_subject, require_status};
use kiemdiem_rules::framework::{Adjustment, EvaluationInput, Framework, Scale, ScoreSheet};
use kiemdiem_rules::resolution::{Resolution, resolution};
use kiemdiem_rules::timing::{TimingStatus, draft_notice};
use kiemdiem_rules::{Points, SubjectKind, calendar};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::plan::SubjectRow;
use kiemdiem_store::cycle::scoring::CollectiveScoringRow;
use kiemdiem_store::people::MembershipKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The secretary's proposed scores and the day they were sent to the members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposedScore {
    /// The scoring's version read (0 for the first proposal).
    pub version: i64,
    /// Points per criterion (no adjustments: the branch agrees on those at the meeting).
    pub input: EvaluationInput,
    pub sent_on: Date,
}

/// The branch's vote on its total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectiveVote {
    pub version: i64,
    /// The meeting's day.
    pub held_on: Date,
    /// The bonuses and deductions agreed, each naming its criterion, reason and who is
    /// responsible.
    #[serde(default)]
    pub adjustments: Vec<Adjustment>,
    pub votes_for: u32,
    pub votes_against: u32,
    pub abstained: u32,
    /// Members present and entitled to vote.
    pub present: u32,
    /// Why the meeting went ahead with less notice than the rule asks.
    #[serde(default)]
    pub override_reason: Option<String>,
}

/// One member's scoring.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberScoring {
    pub member: Uuid,
    pub total: Option<Points>,
    pub by: String,
}

/// Where a branch's collective scoring stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollectiveScoring {
    pub subject: Uuid,
    pub proposed: Option<ScoreSheet>,
    pub sent_on: Date,
    pub scores: Vec<MemberScoring>,
    /// The members' scores averaged per criterion, with the agreed adjustments, once voted (or
    /// as it stands).
    pub aggregate: Option<ScoreSheet>,
    pub adjustments: Vec<Adjustment>,
    pub resolution: Option<Resolution>,
    pub voted_on: Option<Date>,
    pub version: i64,
}

/// The organisation subject a collective scoring is of, in an open plan, not decided.
async fn scored_body(
    tx: &mut Tx,
    subject: Uuid,
) -> Result<(SubjectRow, crate::plan::Plan, Framework)> {
    let row = load_subject(tx, subject).await?;
    if row.kind != SubjectKind::Organisation {
        return Err(AppError::invalid(
            "subject",
            "Chấm điểm tập thể là của tổ chức đảng (chi bộ, đảng bộ) tự đánh giá",
        ));
    }
    let plan = load_plan(tx, row.plan_id).await?;
    require_status(&plan, "open", "chấm điểm tập thể")?;
    if row.stage.decided() {
        return Err(AppError::conflict(format!(
            "{} đã được quyết định xếp loại",
            row.name
        )));
    }
    let framework = framework_of(tx, &row)
        .await?
        .filter(|f| f.scale == Scale::Points)
        .ok_or_else(|| {
            AppError::invalid(
                "subject",
                "Khung tiêu chí của tổ chức này không chấm theo điểm: chi bộ thống nhất cấp độ từng tiêu chí",
            )
        })?;
    Ok((row, plan, framework))
}

/// The members' points averaged per criterion (to the hundredth of a point).
fn averaged(scores: &[EvaluationInput]) -> EvaluationInput {
    let mut sums: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for input in scores {
        for (criterion, points) in &input.points {
            let entry = sums.entry(criterion.clone()).or_default();
            entry.0 += points.0;
            entry.1 += 1;
        }
    }
    EvaluationInput {
        points: sums
            .into_iter()
            .map(|(criterion, (sum, n))| (criterion, Points((2 * sum + n) / (2 * n))))
            .collect(),
        ..EvaluationInput::default()
    }
}

async fn view(
    tx: &mut Tx,
    row: &SubjectRow,
    framework: &Framework,
) -> Result<Option<CollectiveScoring>> {
    let Some(scoring) = tx.collective_scoring(row.id).await? else {
        return Ok(None);
    };
    let plan = load_plan(tx, row.plan_id).await?;
    let book = plan.book()?;
    let proposed: EvaluationInput = serde_json::from_str(&scoring.proposed).unwrap_or_default();
    let adjustments: Vec<Adjustment> =
        serde_json::from_str(&scoring.adjustments).unwrap_or_default();
    let stored = tx.collective_scores(row.id).await?;
    let inputs: Vec<EvaluationInput> = stored
        .iter()
        .filter_map(|s| serde_json::from_str(&s.input).ok())
        .collect();
    let aggregate = if inputs.is_empty() {
        None
    } else {
        let mut input = averaged(&inputs);
        input.adjustments = adjustments.clone();
        score_of(Some(framework), &book, &input).ok().flatten()
    };
    let resolution = match (
        scoring.votes_for,
        scoring.votes_against,
        scoring.abstained,
        scoring.present,
    ) {
        (Some(f), Some(a), Some(x), Some(p)) => {
            resolution(&book, f as u32, a as u32, x as u32, p as u32).ok()
        }
        _ => None,
    };
    Ok(Some(CollectiveScoring {
        subject: row.id,
        proposed: score_of(Some(framework), &book, &proposed).ok().flatten(),
        sent_on: scoring.sent_on,
        scores: stored
            .iter()
            .map(|s| MemberScoring {
                member: s.member_id,
                total: s.total.map(Points),
                by: s.changed_by.clone(),
            })
            .collect(),
        aggregate,
        adjustments,
        resolution,
        voted_on: scoring.voted_on,
        version: scoring.version,
    }))
}

impl App {
    /// The collective scoring of an organisation, if begun.
    pub async fn collective_scoring(
        &self,
        actor: &Actor,
        subject: Uuid,
    ) -> Result<Option<CollectiveScoring>> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        let row = load_subject(&mut tx, subject).await?;
        let Some(framework) = framework_of(&mut tx, &row).await? else {
            return Ok(None);
        };
        view(&mut tx, &row, &framework).await
    }

    /// The secretary's proposed scores, sent to the members on `sent_on`.
    pub async fn propose_collective_score(
        &self,
        actor: &Actor,
        subject: Uuid,
        proposal: ProposedScore,
    ) -> Result<CollectiveScoring> {
        let who = self
            .authorize(actor, Action::WriteOwn, Scope::Subject(subject))
            .await?;
        if proposal.sent_on > self.today() {
            return Err(AppError::invalid(
                "sent_on",
                format!(
                    "Ngày gửi {} ở sau hôm nay",
                    crate::date_vi(proposal.sent_on)
                ),
            ));
        }
        if !proposal.input.adjustments.is_empty() {
            return Err(AppError::invalid(
                "input.adjustments",
                "Điểm cộng, điểm trừ do chi bộ thống nhất tại hội nghị, không ghi trong dự kiến",
            ));
        }
        let mut tx = self.begin(&who).await?;
        let (row, plan, framework) = scored_body(&mut tx, subject).await?;
        score_of(Some(&framework), &plan.book()?, &proposal.input)?;
        let existing = tx.collective_scoring(subject).await?;
        if existing.as_ref().is_some_and(|e| e.outcome.is_some()) {
            return Err(AppError::conflict("Chi bộ đã biểu quyết tổng số điểm"));
        }
        let saved = tx
            .save_collective_scoring(&CollectiveScoringRow {
                subject_id: subject,
                proposed: serde_json::to_string(&proposal.input).unwrap_or_default(),
                sent_on: proposal.sent_on,
                adjustments: existing
                    .as_ref()
                    .map(|e| e.adjustments.clone())
                    .unwrap_or_else(|| "[]".into()),
                voted_on: None,
                votes_for: None,
                votes_against: None,
                abstained: None,
                present: None,
                adopted_total: None,
                outcome: None,
                version: proposal.version,
                changed_by: String::new(),
                changed_at: OffsetDateTime::UNIX_EPOCH,
            })
            .await?;
        if !saved {
            return Err(AppError::stale("Dự kiến chấm điểm", proposal.version));
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("scoring.propose", "subject", subject)
                .detail(serde_json::json!({"sent_on": proposal.sent_on})),
        )
        .await?;
        let shown = view(&mut tx, &row, &framework).await?;
        tx.commit().await?;
        shown.ok_or_else(|| AppError::internal("dự kiến vừa lưu không đọc lại được"))
    }

    /// A member's own scoring of their branch (or, for a party committee's organisation, of a
    /// committee member), replacing their earlier one until the vote.
    pub async fn score_collective(
        &self,
        actor: &Actor,
        subject: Uuid,
        member: Uuid,
        input: EvaluationInput,
    ) -> Result<CollectiveScoring> {
        let who = self
            .authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        if actor.member.is_some_and(|m| m != member) {
            return Err(AppError::new(
                crate::ErrorCode::Forbidden,
                "Mỗi đảng viên chỉ chấm điểm của chính mình",
            ));
        }
        if !input.adjustments.is_empty() {
            return Err(AppError::invalid(
                "input.adjustments",
                "Điểm cộng, điểm trừ do chi bộ thống nhất tại hội nghị, không ghi trong phiếu chấm của từng đảng viên",
            ));
        }
        let mut tx = self.begin(&who).await?;
        let (row, plan, framework) = scored_body(&mut tx, subject).await?;
        let Some(scoring) = tx.collective_scoring(subject).await? else {
            return Err(AppError::conflict(
                "Chưa có dự kiến chấm điểm gửi đảng viên: bí thư chuẩn bị và gửi trước",
            ));
        };
        if scoring.outcome.is_some() {
            return Err(AppError::conflict("Chi bộ đã biểu quyết tổng số điểm"));
        }
        let org = row.org_id.unwrap_or(row.unit_id);
        let on = plan.review_date;
        let is_branch = tx
            .org_as_of(org, on)
            .await?
            .is_some_and(|o| o.kind.is_branch());
        let entitled = if is_branch {
            tx.branch_of(member, MembershipKind::Official, on).await? == Some(org)
        } else {
            tx.positions_in_org(org, on)
                .await?
                .iter()
                .any(|p| p.holder == kiemdiem_store::leadership::Holder::Member(member))
        };
        if !entitled {
            return Err(AppError::new(
                crate::ErrorCode::NotEntitled,
                if is_branch {
                    "Chỉ đảng viên sinh hoạt chính thức ở chi bộ chấm điểm chi bộ"
                } else {
                    "Chỉ cấp ủy viên chấm điểm đảng bộ"
                },
            ));
        }
        let sheet = score_of(Some(&framework), &plan.book()?, &input)?;
        tx.put_collective_score(
            subject,
            member,
            &serde_json::to_string(&input).unwrap_or_default(),
            sheet.and_then(|s| s.total).map(|p| p.0),
        )
        .await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("scoring.member", "subject", subject)
                .detail(serde_json::json!({"member": member})),
        )
        .await?;
        let shown = view(&mut tx, &row, &framework).await?;
        tx.commit().await?;
        shown.ok_or_else(|| AppError::internal("chấm điểm vừa lưu không đọc lại được"))
    }

    /// The branch agrees on its bonuses and deductions and votes its total; adopted, the total
    /// becomes the organisation's self-evaluation.
    pub async fn vote_collective_score(
        &self,
        actor: &Actor,
        subject: Uuid,
        vote: CollectiveVote,
    ) -> Result<(CollectiveScoring, Option<EvaluationView>)> {
        let who = self
            .authorize(actor, Action::WriteOwn, Scope::Subject(subject))
            .await?;
        let mut tx = self.begin(&who).await?;
        let (row, plan, framework) = scored_body(&mut tx, subject).await?;
        let book = plan.book()?;
        let Some(mut scoring) = tx.collective_scoring(subject).await? else {
            return Err(AppError::conflict(
                "Chưa có dự kiến chấm điểm gửi đảng viên",
            ));
        };
        if scoring.version != vote.version {
            return Err(AppError::stale("Chấm điểm tập thể", vote.version));
        }
        if scoring.outcome.is_some() {
            return Err(AppError::conflict("Chi bộ đã biểu quyết tổng số điểm"));
        }
        // The proposed scores reach the members ahead of the meeting (seed 003 mục B.1.4).
        let notice = draft_notice(&book, calendar::national(), scoring.sent_on, vote.held_on);
        let override_reason = vote
            .override_reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if notice.status == TimingStatus::Refused && override_reason.is_none() {
            return Err(AppError::rule(
                format!("Dự kiến chấm điểm: {}", notice.message),
                vec![notice.citation.clone()],
            )
            .with_field("held_on"));
        }
        let inputs: Vec<EvaluationInput> = tx
            .collective_scores(subject)
            .await?
            .iter()
            .filter_map(|s| serde_json::from_str(&s.input).ok())
            .collect();
        if inputs.is_empty() {
            return Err(AppError::conflict(
                "Chưa có đảng viên nào chấm điểm: chi bộ tổng hợp điểm của các đảng viên rồi mới biểu quyết",
            ));
        }
        let mut total_input = averaged(&inputs);
        total_input.adjustments = vote.adjustments.clone();
        let sheet = score_of(Some(&framework), &book, &total_input)
            .map_err(|e| match e.field() {
                Some(field) => {
                    let field = field.replacen("input.", "", 1);
                    e.with_field(field)
                }
                None => e,
            })?
            .ok_or_else(|| AppError::internal("không tính được tổng điểm"))?;
        let decided = resolution(
            &book,
            vote.votes_for,
            vote.votes_against,
            vote.abstained,
            vote.present,
        )
        .map_err(|e| AppError::invalid(e.field, e.problem))?;
        scoring.adjustments = serde_json::to_string(&vote.adjustments).unwrap_or_default();
        scoring.voted_on = Some(vote.held_on);
        scoring.votes_for = Some(i64::from(vote.votes_for));
        scoring.votes_against = Some(i64::from(vote.votes_against));
        scoring.abstained = Some(i64::from(vote.abstained));
        scoring.present = Some(i64::from(vote.present));
        scoring.adopted_total = decided
            .adopted
            .then_some(sheet.total.map(|p| p.0))
            .flatten();
        scoring.outcome = Some(
            if decided.adopted {
                "adopted"
            } else {
                "rejected"
            }
            .into(),
        );
        if !tx.save_collective_scoring(&scoring).await? {
            return Err(AppError::stale("Chấm điểm tập thể", vote.version));
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("scoring.vote", "subject", subject)
                .reason(override_reason)
                .detail(serde_json::json!({
                    "total": sheet.total, "adopted": decided.adopted, "resolution": decided.message,
                    "adjustments": vote.adjustments.len(), "notice": notice.message,
                })),
        )
        .await?;
        // Adopted: the total is the organisation's self-evaluation (its task results kept).
        let evaluation = if decided.adopted {
            let existing = tx
                .evaluations(subject)
                .await?
                .into_iter()
                .find(|e| e.step == "self" && e.source == "self");
            let tasks = existing
                .as_ref()
                .and_then(|e| serde_json::from_str::<StoredInput>(&e.input).ok())
                .and_then(|s| s.tasks);
            let stored = StoredInput {
                score: total_input.clone(),
                tasks,
            };
            let row_out = kiemdiem_store::cycle::evaluation::EvaluationRow {
                step: "self".into(),
                source: "self".into(),
                column_no: 1,
                proposed_level: existing.as_ref().and_then(|e| e.proposed_level),
                note: format!("Chi bộ biểu quyết tổng số điểm: {}", decided.message),
                version: existing.as_ref().map(|e| e.version).unwrap_or(0),
                ..scored_row(subject, &stored, Some(&sheet))
            };
            let event = AuditEvent::new("evaluation.self", "subject", subject)
                .detail(serde_json::json!({"from": "collective_scoring", "total": sheet.total}));
            Some(
                save_evaluation(
                    &mut tx,
                    &who,
                    &row,
                    &book,
                    &row_out,
                    "Bản tự đánh giá",
                    event,
                )
                .await?,
            )
        } else {
            None
        };
        let shown = view(&mut tx, &row, &framework).await?;
        tx.commit().await?;
        Ok((
            shown.ok_or_else(|| AppError::internal("chấm điểm không đọc lại được"))?,
            evaluation,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_points_average_per_criterion_to_the_hundredth() {
        let one = |a: i64, b: i64| EvaluationInput {
            points: BTreeMap::from([
                ("a".to_owned(), Points::whole(a)),
                ("b".to_owned(), Points::whole(b)),
            ]),
            ..EvaluationInput::default()
        };
        let avg = averaged(&[one(10, 20), one(9, 19), one(9, 20)]);
        assert_eq!(avg.points["a"], Points(933));
        assert_eq!(avg.points["b"], Points(1967));
    }
}
