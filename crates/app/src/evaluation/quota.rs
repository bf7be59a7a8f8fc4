//! The quota (tỷ lệ khống chế) of a subject's comparable group as the decision sees it: the
//! levels decided over every plan of the period, with this subject counted at the level being
//! decided, and [`App::quota_headroom`] showing the position before deciding. The limits
//! themselves are the rules crate's (`quota::check_quota`).

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::error::{AppError, Result};
use crate::plan::{load_plan, load_subject};
use crate::vocab::parse_level;
use kiemdiem_rules::Level;
use kiemdiem_rules::facts::LevelCounts;
use kiemdiem_rules::quota::{QuotaCheck, check_quota};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::plan::SubjectRow;
use serde::Serialize;
use uuid::Uuid;

/// The quota position of a subject's group, shown before deciding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaView {
    pub group: String,
    pub levels: LevelCounts,
    pub check: QuotaCheck,
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
}

/// The levels decided in `group`, counting `subject` at `level` instead of its current level.
pub(super) async fn group_counts(
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
