//! Publication (công khai): a plan's decided results made public with their counts by kind and
//! level; the plan becomes `published` once nothing is left undecided. Decides nothing.

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use crate::plan::{load_plan, require_status};
use crate::state::Stage;
use kiemdiem_store::cycle::evaluation::PublicationRow;
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
        if ids.is_empty() {
            return Err(AppError::conflict(
                "Không có kết quả xếp loại mới được quyết định để công khai",
            ));
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
