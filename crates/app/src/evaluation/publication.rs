//! Publication (công khai): a plan's decided results made public with their counts by kind and
//! level; the plan becomes `published` once nothing is left undecided. A plan whose decided
//! results put a quota group over its quota is not published: the groups are named with their
//! figures (the quota is the rules crate's). Decides nothing.

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::ErrorCode;
use crate::error::{AppError, Result};
use crate::plan::{Plan, load_plan, require_status};
use crate::state::Stage;
use kiemdiem_rules::Level;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::evaluation::PublicationRow;
use kiemdiem_store::cycle::plan::SubjectRow;
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Counts of a publication.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PublicationSummary {
    pub published: u64,
    /// kind code → level code → count.
    pub levels: BTreeMap<String, BTreeMap<String, u64>>,
}

impl App {
    /// Publishes the decided results of a plan (or of the subjects reviewed in `units`):
    /// notifies and makes them public; the plan is `published` when nothing is left undecided.
    pub async fn publish(
        &self,
        actor: &Actor,
        plan: Uuid,
        version: i64,
    ) -> Result<PublicationSummary> {
        let who = self
            .authorize(actor, Action::Publish, Scope::Plan(plan))
            .await?;
        let mut tx = self.begin(&who).await?;
        let current = load_plan(&mut tx, plan).await?;
        require_status(&current, "open", "công khai kết quả")?;
        let subjects = tx.subjects_of_plan(plan, None).await?;
        let mut summary = PublicationSummary::default();
        let mut ids = Vec::new();
        let mut undecided = 0;
        for s in &subjects {
            match s.stage {
                Stage::Decided => {
                    ids.push(s.id);
                    *summary
                        .levels
                        .entry(s.kind.code().to_owned())
                        .or_default()
                        .entry(s.level.map(Level::code).unwrap_or_default().to_owned())
                        .or_default() += 1;
                }
                Stage::Excluded | Stage::Published => {}
                Stage::Reviewed if s.participation == Participation::ReviewOnly => {}
                _ => undecided += 1,
            }
        }
        if ids.is_empty() {
            return Err(AppError::conflict(
                "Không có kết quả xếp loại mới được quyết định để công khai",
            ));
        }
        refuse_groups_over_quota(&mut tx, &current, &subjects).await?;
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
        // Every publication is anchored outside the database. The results are published
        // whatever happens to the anchor file: a failure is the operator's to fix, not the
        // secretary's.
        if let Err(error) = self.anchor_if_moved().await {
            tracing::error!(%error, "the audit anchor after a publication was not written");
        }
        Ok(summary)
    }
}

/// Refuses publication while a quota group holding the plan's decided results is over its
/// quota (counted over every plan of the period), naming each such group with its figures.
async fn refuse_groups_over_quota(tx: &mut Tx, plan: &Plan, subjects: &[SubjectRow]) -> Result<()> {
    let over = super::recheck::groups_over_quota(tx, plan, subjects).await?;
    if over.is_empty() {
        return Ok(());
    }
    let mut citations: Vec<_> = over
        .iter()
        .flat_map(|(breach, _)| breach.citations.clone())
        .collect();
    citations.dedup();
    let named: Vec<String> = over
        .iter()
        .map(|(breach, _)| format!("nhóm {}: {}", breach.group_name, breach.message))
        .collect();
    let details: Vec<_> = over.into_iter().map(|(_, details)| details).collect();
    Err(AppError::new(
        ErrorCode::QuotaExceeded,
        format!(
            "Chưa công khai được: vượt tỷ lệ HTXSNV — {}. Điều chỉnh, xếp loại lại cho đúng tỷ lệ rồi công khai",
            named.join("; ")
        ),
    )
    .with_citations(citations)
    .with_details(&details))
}
