//! The quota (tỷ lệ khống chế) of a subject's comparable group as the decision sees it: the
//! levels decided over every plan of the period, with this subject counted at the level being
//! decided, and [`App::quota_headroom`] showing the position before deciding; the group named the
//! way people say it and, when a decision is refused, what the group still lacks (how many of its
//! subjects are not decided yet). The limits and the group's name are the rules crate's
//! (`quota::check_quota`, `quota::group_name`).

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::error::{AppError, ErrorCode, Result};
use crate::plan::{Plan, load_plan, load_subject};
use kiemdiem_rules::Level;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::facts::LevelCounts;
use kiemdiem_rules::quota::{ExceptionalShareDecision, QuotaCheck, check_quota, group_name};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::plan::SubjectRow;
use serde::Serialize;
use uuid::Uuid;

/// The quota position of a subject's group, shown before deciding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaView {
    /// The group's key (for programs).
    pub group: String,
    /// The group as people name it ("đảng viên Đảng bộ xã Hợp Thành").
    pub group_name: String,
    pub levels: LevelCounts,
    /// Subjects of the group to be classified, and how many of them are not decided yet.
    pub subjects: u64,
    pub undecided: u64,
    pub check: QuotaCheck,
}

/// Where a group stands, for people: its name, how many of its subjects are classified and how
/// many of them are still undecided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct GroupPosition {
    pub group: String,
    pub name: String,
    pub subjects: u64,
    pub undecided: u64,
}

/// The position of `subject`'s group across the plans of its period.
pub(crate) async fn group_position(
    tx: &mut Tx,
    plan: &Plan,
    subject: &SubjectRow,
) -> Result<GroupPosition> {
    let rows = tx
        .family_group_subjects(subject.plan_id, &subject.quota_group)
        .await?;
    let classified: Vec<_> = rows
        .iter()
        .filter(|r| r.participation == Participation::ReviewAndClassify)
        .collect();
    let org = subject.deciding_org_id.unwrap_or(subject.unit_id);
    let org_name = match tx.org_as_of(org, plan.review_date).await? {
        Some(org) => org.name,
        None => tx
            .org_history(org)
            .await?
            .pop()
            .map(|o| o.name)
            .unwrap_or_default(),
    };
    Ok(GroupPosition {
        group: subject.quota_group.clone(),
        name: group_name(subject.kind.quota_category(), &org_name),
        subjects: classified.len() as u64,
        undecided: classified.iter().filter(|r| r.level.is_none()).count() as u64,
    })
}

/// The refusal of a decision (or a sitting's decisions) that puts the group over its quota: the
/// group by name, the rules' figures and, while some of the group is undecided, what it lacks.
pub(crate) fn quota_refusal(position: &GroupPosition, check: &QuotaCheck) -> AppError {
    let violation = check
        .violation
        .as_ref()
        .map(|v| v.message.clone())
        .unwrap_or_default();
    let mut message = format!("Vượt tỷ lệ HTXSNV của nhóm {}: {violation}", position.name);
    if position.undecided > 0 {
        message.push_str(&format!(
            ". Nhóm có {} đối tượng xếp loại, mới quyết định {} HTTNV và còn {} đối tượng chưa quyết định: tỷ lệ tính trên kết quả cuối cùng của cả nhóm — quyết định các đối tượng còn lại trước, hoặc quyết định cả nhóm trong một phiên họp",
            position.subjects, check.httnv, position.undecided
        ));
    }
    AppError::new(ErrorCode::QuotaExceeded, message)
        .with_citations(check.citations.clone())
        .with_field("level")
        .with_details(serde_json::json!({"group": position, "quota": check}))
}

impl App {
    /// The quota position of the subject's comparable group as decided so far, and after
    /// deciding `level` for the subject when given.
    pub async fn quota_headroom(
        &self,
        actor: &Actor,
        subject: Uuid,
        level: Option<Level>,
    ) -> Result<QuotaView> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        let book = plan.book()?;
        let levels = match level {
            Some(level) => group_counts(&mut tx, &row, Some(level)).await?,
            None => {
                let mut counts = group_counts(&mut tx, &row, None).await?;
                if let Some(current) = row.level {
                    counts.add(current);
                }
                counts
            }
        };
        let check =
            check_quota(&book, &levels, None).map_err(|e| AppError::invalid(e.field, e.problem))?;
        let position = group_position(&mut tx, &plan, &row).await?;
        Ok(QuotaView {
            group: row.quota_group,
            group_name: position.name,
            levels,
            subjects: position.subjects,
            undecided: position.undecided,
            check,
        })
    }
}

/// The levels decided in quota group `group` over every plan of `plan`'s period.
pub(super) async fn family_counts(tx: &mut Tx, plan: Uuid, group: &str) -> Result<LevelCounts> {
    let mut counts = LevelCounts::default();
    for (l, n) in tx.family_group_levels(plan, group).await? {
        for _ in 0..n {
            counts.add(l);
        }
    }
    Ok(counts)
}

/// The exceptional share (QĐ 366: 25 %) recorded with a decision of the group, if any.
pub(super) async fn recorded_exceptional_share(
    tx: &mut Tx,
    subjects: &[SubjectRow],
) -> Result<Option<ExceptionalShareDecision>> {
    for row in subjects.iter().filter(|r| r.level.is_some()) {
        if let Some(last) = tx.decisions(row.id).await?.pop() {
            let basis: serde_json::Value = serde_json::from_str(&last.basis).unwrap_or_default();
            if let Ok(Some(decision)) = serde_json::from_value::<Option<ExceptionalShareDecision>>(
                basis["exceptional_share"].clone(),
            ) {
                return Ok(Some(decision));
            }
        }
    }
    Ok(None)
}

/// The levels decided in `group`, counting `subject` at `level` instead of its current level.
pub(super) async fn group_counts(
    tx: &mut Tx,
    subject: &SubjectRow,
    level: Option<Level>,
) -> Result<LevelCounts> {
    let mut counts = family_counts(tx, subject.plan_id, &subject.quota_group).await?;
    if let Some(current) = subject.level {
        counts.remove(current);
    }
    if let Some(level) = level {
        counts.add(level);
    }
    Ok(counts)
}
