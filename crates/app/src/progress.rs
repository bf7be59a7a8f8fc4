//! Progress at every node of the tree (tiến độ): for each step — self-review, review, decision —
//! how many subjects are done, pending and late (pending past the step's deadline in the plan's
//! phases), counting each node's whole subtree — including the parts of it covered by a lower
//! plan of the same period, each subject once, in the one plan that holds it; and, for one node,
//! who is not yet reviewed or rated and why (seed 003: absent subjects are rated at the earliest
//! meeting).

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::error::Result;
use crate::plan::{Step, load_plan};
use crate::state::Stage;
use kiemdiem_rules::SubjectKind;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::eligibility::{Eligibility, eligibility};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use time::Date;
use uuid::Uuid;

/// How many subjects had passed each step by the end of `day` (cumulative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StepDay {
    pub day: Date,
    pub self_review: u64,
    pub review: u64,
    pub decision: u64,
}

/// Running totals per day from (step, day, count) rows; unknown steps are ignored.
fn cumulative_days(rows: Vec<(String, Date, i64)>) -> Vec<StepDay> {
    let mut by_day: std::collections::BTreeMap<Date, [u64; 3]> = std::collections::BTreeMap::new();
    for (step, day, count) in rows {
        let index = match step.as_str() {
            "self_review" => 0,
            "review" => 1,
            "decision" => 2,
            _ => continue,
        };
        by_day.entry(day).or_default()[index] += count.max(0) as u64;
    }
    let mut totals = [0u64; 3];
    by_day
        .into_iter()
        .map(|(day, counts)| {
            for (total, n) in totals.iter_mut().zip(counts) {
                *total += n;
            }
            StepDay {
                day,
                self_review: totals[0],
                review: totals[1],
                decision: totals[2],
            }
        })
        .collect()
}

/// Counts of one step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StepCount {
    pub done: u64,
    pub pending: u64,
    pub late: u64,
    pub deadline: Option<Date>,
}

/// One node of the tree with its subtree's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeProgress {
    pub org: Uuid,
    pub code: String,
    pub name: String,
    pub depth: i32,
    pub parent: Option<Uuid>,
    pub subjects: u64,
    pub excluded: u64,
    pub self_review: StepCount,
    pub review: StepCount,
    pub decision: StepCount,
}

/// Someone not yet reviewed or rated, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingSubject {
    pub subject: Uuid,
    pub name: String,
    pub kind: SubjectKind,
    pub stage: Stage,
    pub reason: String,
    pub late: bool,
}

impl App {
    /// Progress of a plan at every node of its subtree (each node counts its whole subtree).
    pub async fn progress(&self, actor: &Actor, plan: Uuid) -> Result<Vec<NodeProgress>> {
        self.progress_at(actor, plan, None).await
    }

    /// Progress of a plan at `node` (default: the plan's own organisation) and every node below
    /// it: what a lower level's office follows of a superior's plan. Readable by whoever reads the
    /// node; `not_found` when the node is not in the plan's tree.
    pub async fn progress_at(
        &self,
        actor: &Actor,
        plan: Uuid,
        node: Option<Uuid>,
    ) -> Result<Vec<NodeProgress>> {
        match node {
            None => {
                self.authorize(actor, Action::Read, Scope::Plan(plan))
                    .await?;
            }
            Some(node) => self.authorize_plan_at(actor, plan, node).await?,
        }
        let today = self.today();
        let mut tx = self.store().read().await?;
        let seq = tx.answers_seq().await?;
        let key = (plan, node, today);
        if let Some(kept) = self.answers.progress.get(&key, seq) {
            return Ok(kept.as_ref().clone());
        }
        let current = load_plan(&mut tx, plan).await?;
        let deadlines = [
            current.deadline(Step::SelfReview),
            current.deadline(Step::Review),
            current.deadline(Step::Decision),
        ];
        let root = node.unwrap_or(current.org_id);
        if root != current.org_id
            && !tx
                .org_ancestor_ids(root, current.review_date)
                .await?
                .contains(&current.org_id)
        {
            return Err(crate::error::AppError::not_found(
                "tổ chức trong kế hoạch",
                root,
            ));
        }
        let tree = tx.org_subtree(root, current.review_date).await?;
        let mut nodes: Vec<NodeProgress> = tree
            .iter()
            .map(|n| NodeProgress {
                org: n.org.id,
                code: n.org.code.clone(),
                name: n.org.name.clone(),
                depth: n.depth,
                parent: n.org.parent_id,
                subjects: 0,
                excluded: 0,
                self_review: StepCount {
                    deadline: deadlines[0],
                    ..StepCount::default()
                },
                review: StepCount {
                    deadline: deadlines[1],
                    ..StepCount::default()
                },
                decision: StepCount {
                    deadline: deadlines[2],
                    ..StepCount::default()
                },
            })
            .collect();
        let index: HashMap<Uuid, usize> =
            nodes.iter().enumerate().map(|(i, n)| (n.org, i)).collect();
        let late = |deadline: Option<Date>| deadline.is_some_and(|d| today > d);
        let counts = if root == current.org_id {
            tx.family_stage_counts(plan).await?
        } else {
            tx.family_stage_counts_under(plan, root).await?
        };
        for (unit, stage, participation, count) in counts {
            let count = count as u64;
            // Walk up from the unit, adding to every ancestor within the plan's subtree.
            let mut at = index.get(&unit).copied();
            while let Some(i) = at {
                let node = &mut nodes[i];
                node.subjects += count;
                if stage == Stage::Excluded {
                    node.excluded += count;
                } else {
                    let classified = participation == Participation::ReviewAndClassify;
                    let steps = [
                        (
                            &mut node.self_review,
                            stage != Stage::Pending,
                            deadlines[0],
                            true,
                        ),
                        (&mut node.review, stage.reviewed(), deadlines[1], true),
                        (
                            &mut node.decision,
                            stage.decided(),
                            deadlines[2],
                            classified,
                        ),
                    ];
                    for (step, done, deadline, applies) in steps {
                        if !applies {
                            continue;
                        }
                        if done {
                            step.done += count;
                        } else {
                            step.pending += count;
                            if late(deadline) {
                                step.late += count;
                            }
                        }
                    }
                }
                at = node.parent.and_then(|p| index.get(&p).copied());
            }
        }
        self.answers.progress.put(key, seq, Arc::new(nodes.clone()));
        Ok(nodes)
    }

    /// Progress over time at `node` (default: the plan's own organisation) and below it: for
    /// each day on which a subject passed a step, how many had passed each step by the end of
    /// that day (self-review submitted, reviewed at a meeting, decided), oldest day first. Read
    /// from the records the steps wrote; readable as [`App::progress_at`].
    pub async fn progress_days(
        &self,
        actor: &Actor,
        plan: Uuid,
        node: Option<Uuid>,
    ) -> Result<Vec<StepDay>> {
        match node {
            None => {
                self.authorize(actor, Action::Read, Scope::Plan(plan))
                    .await?;
            }
            Some(node) => self.authorize_plan_at(actor, plan, node).await?,
        }
        let mut tx = self.store().read().await?;
        let seq = tx.answers_seq().await?;
        let root = match node {
            Some(node) => node,
            None => load_plan(&mut tx, plan).await?.org_id,
        };
        if let Some(kept) = self.answers.days.get(&(plan, root), seq) {
            return Ok(kept.as_ref().clone());
        }
        let rows = tx.family_step_days(plan, root).await?;
        tx.rollback().await?;
        let days = cumulative_days(rows);
        self.answers
            .days
            .put((plan, root), seq, Arc::new(days.clone()));
        Ok(days)
    }

    /// Who in the units of `org` (itself and its direct branches) is not yet reviewed or rated,
    /// and why.
    pub async fn pending_subjects(
        &self,
        actor: &Actor,
        plan: Uuid,
        org: Uuid,
    ) -> Result<Vec<PendingSubject>> {
        self.authorize(actor, Action::Read, Scope::Org(org)).await?;
        let today = self.today();
        let mut tx = self.store().read().await?;
        let seq = tx.answers_seq().await?;
        let key = (plan, org, today);
        if let Some(kept) = self.answers.pending.get(&key, seq) {
            return Ok(kept.as_ref().clone());
        }
        let current = load_plan(&mut tx, plan).await?;
        let mut units = vec![org];
        units.extend(
            tx.org_children(org, current.review_date)
                .await?
                .into_iter()
                .map(|o| o.id),
        );
        let mut out = Vec::new();
        let mut plans = HashMap::new();
        for row in tx.family_subjects(plan, &units).await? {
            let stage = row.stage;
            let classified = row.participation == Participation::ReviewAndClassify;
            let done = match stage {
                Stage::Excluded | Stage::Published => true,
                Stage::Decided => true,
                Stage::Reviewed | Stage::Proposed => !classified,
                _ => false,
            };
            if done {
                continue;
            }
            let absent = tx.items_of_subject(row.id).await?.iter().any(|i| i.absent);
            let step = if stage.reviewed() {
                Step::Decision
            } else if stage == Stage::Pending {
                Step::SelfReview
            } else {
                Step::Review
            };
            let late = current.deadline(step).is_some_and(|d| today > d);
            let mut reason = match stage {
                Stage::Pending if absent => {
                    "Vắng mặt tại hội nghị, chưa nộp bản kiểm điểm: kiểm điểm, xếp loại tại cuộc họp gần nhất".to_owned()
                }
                Stage::Pending => "Chưa nộp bản kiểm điểm".to_owned(),
                Stage::SelfReviewed if absent => {
                    "Vắng mặt tại hội nghị: kiểm điểm, xếp loại tại cuộc họp gần nhất".to_owned()
                }
                Stage::SelfReviewed => "Chưa kiểm điểm tại hội nghị".to_owned(),
                Stage::Reviewed => "Đã kiểm điểm, chưa đề xuất, quyết định xếp loại".to_owned(),
                Stage::Proposed => "Đã đề xuất, chờ cấp có thẩm quyền quyết định".to_owned(),
                _ => stage.name_vi().to_owned(),
            };
            // Documents still missing (a comment of the temporary or previous branch, the
            // civil-service rating): the rules decide again on today's facts, so a document
            // received since the plan opened is no longer asked for.
            let needed_at_opening = row
                .eligibility
                .as_deref()
                .and_then(|e| serde_json::from_str::<Eligibility>(e).ok())
                .is_some_and(|e| !e.attachments.is_empty());
            if needed_at_opening {
                let plan = match plans.entry(row.plan_id) {
                    std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
                    std::collections::hash_map::Entry::Vacant(new) => {
                        new.insert(load_plan(&mut tx, row.plan_id).await?)
                    }
                };
                let facts = crate::facts::gather(&mut tx, plan, &row).await?;
                let now = eligibility(&plan.book()?, &facts, plan.review_date);
                for attachment in now.attachments.iter().filter(|a| !a.received) {
                    reason.push_str(&format!("; cần: {}", attachment.message));
                }
            }
            if late {
                reason.push_str("; quá hạn");
            }
            out.push(PendingSubject {
                subject: row.id,
                name: row.name,
                kind: row.kind,
                stage,
                reason,
                late,
            });
        }
        self.answers.pending.put(key, seq, Arc::new(out.clone()));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::{StepDay, cumulative_days};
    use time::macros::date;

    #[test]
    fn days_add_up_per_step_in_date_order() {
        let rows = vec![
            ("review".to_string(), date!(2026 - 12 - 20), 3),
            ("self_review".to_string(), date!(2026 - 12 - 10), 5),
            ("self_review".to_string(), date!(2026 - 12 - 20), 2),
            ("decision".to_string(), date!(2026 - 12 - 28), 4),
            ("something_else".to_string(), date!(2026 - 12 - 11), 9),
        ];
        assert_eq!(
            cumulative_days(rows),
            vec![
                StepDay {
                    day: date!(2026 - 12 - 10),
                    self_review: 5,
                    review: 0,
                    decision: 0
                },
                StepDay {
                    day: date!(2026 - 12 - 20),
                    self_review: 7,
                    review: 3,
                    decision: 0
                },
                StepDay {
                    day: date!(2026 - 12 - 28),
                    self_review: 7,
                    review: 3,
                    decision: 4
                },
            ]
        );
    }
}
