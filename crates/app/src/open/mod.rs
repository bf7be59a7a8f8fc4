//! Opening a plan (triển khai kế hoạch): every subject of the plan's subtree gets its record in one
//! pass — the organisations, the leadership collectives, their heads and deputies, and every
//! member whose official branch lies in the subtree on the review date — with eligibility decided
//! by the rules crate, the form, the framework, who decides and the quota group.
//!
//! Set-based: the members and their dated records are read a few hundred branches at a time
//! (a handful of queries per batch, not one per member), the rules run in memory, and subjects
//! are written with the store's batch loader (COPY on PostgreSQL). See `benches/open_plan.rs`.
//!
//! This module owns the use case and its report; [`delegation`] takes the subtree over from the
//! plans above (untouched subjects created again, those worked on moved with their work, those
//! decided kept where they were decided), [`subjects`] walks the subtree and streams the subjects to the store, [`builder`]
//! turns one subject's facts into its record, [`members`] reads the members and their dated
//! records. None of them decides a rule: they ask the rules crate.

mod builder;
mod delegation;
mod members;
mod subjects;

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use crate::plan::{load_plan, require_status};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// What opening a plan created.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OpenReport {
    pub subjects: u64,
    /// Subjects reviewed and classified / reviewed only / excluded.
    pub classified: u64,
    pub review_only: u64,
    pub excluded: u64,
    /// Subjects by kind code.
    pub by_kind: BTreeMap<String, u64>,
    /// Subjects that need a document before classification (comments, civil-service rating).
    pub attachments_required: u64,
    /// Subjects of this subtree that a superior plan of the period held and this plan took
    /// over: the untouched ones created again here, and those worked on but not decided,
    /// moved here with their work (`moved`).
    pub taken_over: u64,
    pub moved: u64,
    /// Subjects of this subtree already decided by a superior plan, which keeps them.
    pub kept_by_superior: u64,
    /// Organisations of the subtree left to lower plans of the period already opened.
    pub delegated_orgs: u64,
    pub elapsed_ms: u64,
}

impl App {
    /// Opens a draft plan: creates every subject's record in one transaction and one pass, with
    /// eligibility decided by the rules crate, and moves the plan to `open`.
    pub async fn open_plan(&self, actor: &Actor, plan: Uuid, version: i64) -> Result<OpenReport> {
        let who = self
            .authorize(actor, Action::ManagePlan, Scope::Plan(plan))
            .await?;
        let started = std::time::Instant::now();
        let mut tx = self.begin(&who).await?;
        tx.without_jit().await?;
        let current = load_plan(&mut tx, plan).await?;
        require_status(&current, "draft", "triển khai kế hoạch")?;
        if current.version != version {
            return Err(AppError::stale("Kế hoạch", version));
        }
        if tx.plan_has_subjects(plan).await? {
            return Err(AppError::conflict("Kế hoạch đã có danh sách đối tượng"));
        }
        let book = current.book()?;
        let taken = delegation::take_over(&mut tx, &who, &current).await?;
        let delegated = delegation::delegated_roots(&mut tx, &current).await?;
        let mut report = subjects::build_subjects(
            self.store(),
            &mut tx,
            &current,
            &book,
            &delegated,
            taken.kept,
        )
        .await?;
        report.taken_over = taken.released + taken.moved;
        report.moved = taken.moved;
        report.kept_by_superior = taken.kept_decided;
        let counted = (
            (report.subjects + taken.moved) as i64,
            (report.excluded + taken.moved_excluded) as i64,
        );
        if !tx
            .set_plan_status(plan, version, "open", Some(counted))
            .await?
        {
            return Err(AppError::stale("Kế hoạch", version));
        }
        report.elapsed_ms = started.elapsed().as_millis() as u64;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("plan.open", "plan", plan).detail(&report),
        )
        .await?;
        tx.commit().await?;
        report.elapsed_ms = started.elapsed().as_millis() as u64;
        Ok(report)
    }
}
