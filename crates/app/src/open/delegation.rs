//! One plan per subject per period: the lowest opened plan covering a subject holds it. Opening
//! a plan takes its untouched subjects over from the opened plans above it and leaves the
//! subtrees of the lower plans already opened to them. Does not create subjects.

use crate::actor::Authorized;
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use crate::plan::Plan;
use kiemdiem_store::Tx;
use uuid::Uuid;

/// A subject belongs to one plan of a period: the lowest opened plan covering it. Opening a plan
/// takes over, from the opened plans of its ancestors, the subjects of its subtree that nobody
/// has worked on yet; a subject already worked on there (a document, a meeting, an evaluation, a
/// decision) keeps the superior plan in charge, and the opening is refused naming it. Returns how
/// many subjects were taken over.
pub(super) async fn take_over(tx: &mut Tx, who: &Authorized, plan: &Plan) -> Result<u64> {
    let as_of = plan.review_date;
    let (kind, no) = plan.period.parts();
    let mut taken = 0;
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
        let held = tx.held_under(superior.id, plan.org_id, as_of).await?;
        if held.subjects == 0 {
            continue;
        }
        if !held.touched.is_empty() {
            let names: Vec<&str> = held.touched.iter().map(|(_, n)| n.as_str()).collect();
            return Err(AppError::conflict(format!(
                "Không thể triển khai: kế hoạch cấp trên «{}» đã kiểm điểm, đánh giá đối tượng thuộc phạm vi kế hoạch này ({}{}). Mỗi đối tượng chỉ thuộc một kế hoạch trong kỳ: các đối tượng này tiếp tục theo kế hoạch cấp trên",
                superior.title,
                names.join(", "),
                if held.touched.len() >= 10 {
                    ", …"
                } else {
                    ""
                }
            )));
        }
        tx.release_under(superior.id, plan.org_id, as_of, &held)
            .await?;
        audit::append(
            tx,
            who,
            AuditEvent::new("plan.delegate", "plan", superior.id).detail(serde_json::json!({
                "to_plan": plan.id, "org": plan.org_id, "subjects": held.subjects, "excluded": held.excluded,
            })),
        )
        .await?;
        taken += held.subjects as u64;
    }
    Ok(taken)
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
