//! Plans that cascade: a lower level can always open its own plan under the superior's. Opening
//! a plan takes its subtree over from the opened plans above it — the subjects nobody has worked
//! on are removed there and created again from this plan's rule book, frameworks and review day;
//! the subjects worked on but not decided move here with their work (documents, evaluations,
//! meeting items, ballots …) and the superior's meetings held in the subtree move with them; the
//! subjects already decided stay with the plan that decided them. It also leaves the subtrees of
//! the lower plans already opened to them. Does not create subjects.

use super::builder::SubjectKey;
use crate::actor::Authorized;
use crate::audit::{self, AuditEvent};
use crate::error::Result;
use crate::plan::Plan;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_store::Tx;
use std::collections::HashSet;
use uuid::Uuid;

/// What opening a plan took over from the plans above it.
#[derive(Debug, Default)]
pub(super) struct TakenOver {
    /// Untouched subjects removed there (created again here).
    pub released: u64,
    /// Subjects worked on, moved here with their work.
    pub moved: u64,
    /// Of those moved, how many are excluded.
    pub moved_excluded: u64,
    /// Subjects decided there and kept by the plan that decided them.
    pub kept_decided: u64,
    /// Who not to create again: those moved and those kept.
    pub kept: HashSet<SubjectKey>,
}

/// Takes the plan's subtree over from the opened plans of its ancestors (see the module).
pub(super) async fn take_over(tx: &mut Tx, who: &Authorized, plan: &Plan) -> Result<TakenOver> {
    let as_of = plan.review_date;
    let (kind, no) = plan.period.parts();
    let mut out = TakenOver::default();
    for ancestor in tx.org_ancestors(plan.org_id, as_of).await? {
        if ancestor.id == plan.org_id {
            continue;
        }
        let Some(superior) = tx
            .plan_for(ancestor.id, i64::from(plan.year), kind, no)
            .await?
        else {
            continue;
        };
        if superior.status == "draft" {
            continue;
        }
        let held = tx.subjects_under(superior.id, plan.org_id, as_of).await?;
        if held.is_empty() {
            continue;
        }
        let (mut release, mut moving) = (Vec::new(), Vec::new());
        let (mut release_excluded, mut moving_excluded, mut decided) = (0, 0, 0);
        for (row, touched) in &held {
            let excluded = i64::from(row.participation == Participation::Excluded);
            if row.level.is_some() {
                decided += 1;
                out.kept.extend(SubjectKey::of_row(row));
            } else if *touched {
                moving.push(row.id);
                moving_excluded += excluded;
                out.kept.extend(SubjectKey::of_row(row));
            } else {
                release.push(row.id);
                release_excluded += excluded;
            }
        }
        if !release.is_empty() {
            tx.release_subjects(superior.id, &release, release_excluded)
                .await?;
        }
        if !moving.is_empty() {
            tx.move_subjects(
                superior.id,
                plan.id,
                &moving,
                moving_excluded,
                plan.org_id,
                as_of,
            )
            .await?;
        }
        audit::append(
            tx,
            who,
            AuditEvent::new("plan.delegate", "plan", superior.id).detail(serde_json::json!({
                "to_plan": plan.id, "org": plan.org_id,
                "released": release.len(), "moved": moving, "kept_decided": decided,
            })),
        )
        .await?;
        out.released += release.len() as u64;
        out.moved += moving.len() as u64;
        out.moved_excluded += moving_excluded as u64;
        out.kept_decided += decided as u64;
    }
    Ok(out)
}

/// The organisations of the plan's subtree (below its own) whose plan of the same period is
/// already opened: their subtrees are theirs.
pub(super) async fn delegated_roots(tx: &mut Tx, plan: &Plan) -> Result<Vec<Uuid>> {
    let (kind, no) = plan.period.parts();
    Ok(tx
        .plans_of_year(i64::from(plan.year))
        .await?
        .into_iter()
        .filter(|p| {
            p.period_kind == kind
                && p.period_no == no
                && p.status != "draft"
                && p.id != plan.id
                && p.org_id != plan.org_id
        })
        .map(|p| p.org_id)
        .collect())
}
