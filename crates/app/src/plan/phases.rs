//! A plan's phases (giai đoạn) and the steps whose deadlines they set: the defaults of the rule
//! set and the local layer, what the person writing the plan gives, and the one rule on them —
//! a lower plan may only tighten its superior's dates. Does not open plans or count who is late
//! (that is [`crate::progress`]).

use super::{Period, Plan, load_plan};
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use crate::{App, date_vi};
use kiemdiem_rules::ruleset::RuleBook;
use kiemdiem_store::cycle::plan::PhaseRow;
use serde::{Deserialize, Serialize};
use time::{Date, Month};
use uuid::Uuid;

/// A step of the cycle that a phase's end date is the deadline of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Bản kiểm điểm nộp xong.
    SelfReview,
    /// Hội nghị kiểm điểm xong.
    Review,
    /// Quyết định xếp loại xong.
    Decision,
    /// Hồ sơ gửi cấp trên, công khai.
    Report,
}

impl Step {
    pub const ALL: [Step; 4] = [Step::SelfReview, Step::Review, Step::Decision, Step::Report];

    pub fn code(self) -> &'static str {
        match self {
            Step::SelfReview => "self_review",
            Step::Review => "review",
            Step::Decision => "decision",
            Step::Report => "report",
        }
    }

    pub fn parse(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Step::SelfReview => "Nộp bản kiểm điểm",
            Step::Review => "Hội nghị kiểm điểm",
            Step::Decision => "Quyết định xếp loại",
            Step::Report => "Báo cáo, công khai kết quả",
        }
    }
}

/// A phase as given by the person writing the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseInput {
    /// Stable code shared with the superior's plan (`preparation`, `meetings` …).
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub step: Option<Step>,
    pub starts_on: Date,
    pub ends_on: Date,
}

/// A phase of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    pub code: String,
    pub title: String,
    pub step: Option<Step>,
    pub starts_on: Date,
    pub ends_on: Date,
    /// Where the dates come from.
    pub source: String,
}

impl Phase {
    /// A phase as given for this plan (code and title trimmed).
    fn given(input: &PhaseInput) -> Phase {
        Phase {
            code: input.code.trim().to_owned(),
            title: input.title.trim().to_owned(),
            step: input.step,
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            source: "Kế hoạch này".into(),
        }
    }
}

/// The phases a new plan starts with: those given, else the superior plan's, else the defaults
/// of its rule book; refused unless they only tighten the superior's dates.
pub(super) fn new_plan_phases(
    given: &[PhaseInput],
    parent: Option<&Plan>,
    year: i32,
    period: Period,
    book: &RuleBook,
) -> Result<Vec<Phase>> {
    let phases: Vec<Phase> = if !given.is_empty() {
        given.iter().map(Phase::given).collect()
    } else if let Some(parent) = parent {
        parent
            .phases
            .iter()
            .map(|p| Phase {
                source: format!("Kế hoạch cấp trên: {}", parent.title),
                ..p.clone()
            })
            .collect()
    } else {
        default_phases(year, period, book)?
    };
    check_tightened(&phases, parent)?;
    Ok(phases)
}

/// The default phases of an annual plan when neither the plan nor a superior names any
/// (seed 002: 01–10/12 preparation, 11–20/12 meetings, 21–31/12 dossiers; HD 43: done by 31/12).
fn default_phases(year: i32, period: Period, book: &RuleBook) -> Result<Vec<Phase>> {
    let end = period.last_day(year)?;
    let day = |month: Month, day: u8| {
        Date::from_calendar_date(end.year(), month, day)
            .map_err(|e| AppError::internal(e.to_string()))
    };
    let source = format!("Mặc định theo {}", book.rule_set.legal_basis());
    let (month, start_day) = (end.month(), 1);
    let mut phases = vec![
        Phase {
            code: "preparation".into(),
            title: "Chuẩn bị: viết bản kiểm điểm, tự đánh giá".into(),
            step: Some(Step::SelfReview),
            starts_on: day(month, start_day)?,
            ends_on: day(month, 10)?,
            source: source.clone(),
        },
        Phase {
            code: "meetings".into(),
            title: "Hội nghị kiểm điểm, đánh giá, xếp loại ở chi bộ và tập thể".into(),
            step: Some(Step::Review),
            starts_on: day(month, 11)?,
            ends_on: day(month, 20)?,
            source: source.clone(),
        },
        Phase {
            code: "decisions".into(),
            title: "Quyết định xếp loại, thông báo, hoàn chỉnh hồ sơ gửi cấp trên".into(),
            step: Some(Step::Decision),
            starts_on: day(month, 21)?,
            ends_on: end,
            source,
        },
    ];
    if let Some(local) = &book.local {
        for (i, deadline) in local.deadlines.iter().enumerate() {
            let on = Date::from_calendar_date(
                year + i32::from(deadline.year_offset),
                Month::try_from(deadline.month).map_err(|e| AppError::internal(e.to_string()))?,
                deadline.day,
            )
            .map_err(|e| AppError::internal(e.to_string()))?;
            phases.push(Phase {
                code: format!("local_{}", i + 1),
                title: deadline.step.clone(),
                step: Some(Step::Report),
                starts_on: phases[0].starts_on.min(on),
                ends_on: on,
                source: deadline.source.clone(),
            });
        }
    }
    Ok(phases)
}

/// Refuses a phase that starts earlier or ends later than the superior plan's phase of the same
/// code: a lower plan may only tighten dates.
fn check_tightened(phases: &[Phase], parent: Option<&Plan>) -> Result<()> {
    for (i, phase) in phases.iter().enumerate() {
        if phase.starts_on > phase.ends_on {
            return Err(AppError::invalid(
                format!("phases[{i}].ends_on"),
                format!(
                    "Giai đoạn «{}» kết thúc ({}) trước khi bắt đầu ({})",
                    phase.title,
                    date_vi(phase.ends_on),
                    date_vi(phase.starts_on)
                ),
            ));
        }
        let Some(parent) = parent else { continue };
        if let Some(upper) = parent.phases.iter().find(|p| p.code == phase.code) {
            if phase.ends_on > upper.ends_on {
                return Err(AppError::invalid(
                    format!("phases[{i}].ends_on"),
                    format!(
                        "Giai đoạn «{}» kết thúc ngày {}, muộn hơn thời hạn {} của kế hoạch cấp trên: kế hoạch cấp dưới chỉ được rút ngắn thời hạn",
                        phase.title,
                        date_vi(phase.ends_on),
                        date_vi(upper.ends_on)
                    ),
                ));
            }
            if phase.starts_on < upper.starts_on {
                return Err(AppError::invalid(
                    format!("phases[{i}].starts_on"),
                    format!(
                        "Giai đoạn «{}» bắt đầu ngày {}, sớm hơn ngày {} của kế hoạch cấp trên",
                        phase.title,
                        date_vi(phase.starts_on),
                        date_vi(upper.starts_on)
                    ),
                ));
            }
        }
    }
    Ok(())
}

pub(super) fn phase_rows(phases: &[Phase]) -> Vec<PhaseRow> {
    phases
        .iter()
        .map(|p| PhaseRow {
            code: p.code.clone(),
            title: p.title.clone(),
            step: p.step.map(|s| s.code().to_owned()),
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            source: p.source.clone(),
        })
        .collect()
}

impl App {
    /// Replaces a plan's phases (at `version`), still only tightening the superior's dates.
    pub async fn set_phases(
        &self,
        actor: &Actor,
        plan: Uuid,
        version: i64,
        phases: Vec<PhaseInput>,
    ) -> Result<Plan> {
        let who = self
            .authorize(actor, Action::ManagePlan, Scope::Plan(plan))
            .await?;
        let mut tx = self.begin(&who).await?;
        let current = load_plan(&mut tx, plan).await?;
        let parent = match current.parent_plan_id {
            Some(id) => Some(load_plan(&mut tx, id).await?),
            None => None,
        };
        let phases: Vec<Phase> = phases.iter().map(Phase::given).collect();
        check_tightened(&phases, parent.as_ref())?;
        if !tx.touch_plan(plan, version).await? {
            return Err(AppError::stale("Kế hoạch", version));
        }
        tx.replace_phases(plan, &phase_rows(&phases)).await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("plan.phases", "plan", plan).detail(&phases),
        )
        .await?;
        let plan = load_plan(&mut tx, plan).await?;
        tx.commit().await?;
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::super::book_of;
    use super::*;
    use kiemdiem_rules::ruleset::RuleSetId;
    use std::collections::BTreeMap;
    use time::OffsetDateTime;
    use time::macros::date;

    fn phase(code: &str, from: Date, to: Date) -> Phase {
        Phase {
            code: code.into(),
            title: code.into(),
            step: None,
            starts_on: from,
            ends_on: to,
            source: String::new(),
        }
    }

    #[test]
    fn a_lower_plan_may_only_tighten_dates() {
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        let phases = default_phases(2025, Period::Year, &book).unwrap();
        let parent = Plan {
            id: Uuid::nil(),
            org_id: Uuid::nil(),
            year: 2025,
            period: Period::Year,
            parent_plan_id: None,
            title: "Kế hoạch cấp trên".into(),
            rule_set: RuleSetId::Qd366Hd43,
            legal_basis: "",
            local_layer: None,
            review_date: date!(2025 - 12 - 31),
            status: "open".into(),
            subjects_count: 0,
            excluded_count: 0,
            version: 1,
            document: None,
            phases: phases.clone(),
            frameworks: BTreeMap::new(),
            changed_by: String::new(),
            changed_at: OffsetDateTime::UNIX_EPOCH,
        };
        let tighter = [phase(
            "meetings",
            date!(2025 - 12 - 11),
            date!(2025 - 12 - 18),
        )];
        assert!(check_tightened(&tighter, Some(&parent)).is_ok());
        let later = [phase(
            "meetings",
            date!(2025 - 12 - 11),
            date!(2025 - 12 - 22),
        )];
        let error = check_tightened(&later, Some(&parent)).unwrap_err();
        assert_eq!(error.field(), Some("phases[0].ends_on"));
        assert!(
            error.message().contains("20/12/2025"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn local_deadlines_become_phases() {
        let book = book_of(RuleSetId::Qd132Hd21, Some("seed003-huyen-2019")).unwrap();
        let phases = default_phases(2019, Period::Year, &book).unwrap();
        let local = phases.iter().find(|p| p.code == "local_1").unwrap();
        assert_eq!(local.ends_on, date!(2019 - 12 - 15));
        assert!(local.source.contains("Huyện ủy năm 2019"));
    }
}
