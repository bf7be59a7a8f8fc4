//! The facts about one subject that the rules look at: tenure, statuses, leave, transfers, discipline,
//! task results, votes of confidence, the results of the units a leader leads, and the levels of an
//! organisation's members and sub-organisations.
//!
//! Facts are plain data gathered by the caller (the app from the database, or a case file). They are
//! checked for internal consistency by [`SubjectFacts::validate`], which names the offending field.

use crate::level::Level;
use crate::subject::{LeaveKind, OrgKind, StatusKind, SubjectKind};

mod discipline;
mod known;
mod matters;

pub use discipline::{DisciplineRecord, counted_once, discipline_counts_at_current_unit};
pub use known::FactCode;
pub use matters::{BlockingMatter, MatterKind};
use serde::{Deserialize, Serialize};
use time::Date;

/// Everything the rules may consult about one subject in one evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectFacts {
    pub kind: SubjectKind,
    /// For organisations: which kind (chi bộ trực thuộc, đảng bộ cơ sở …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_kind: Option<OrgKind>,
    /// For members: the admission date (ngày kết nạp).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admitted_on: Option<Date>,
    /// For members: the date they became official (ngày chính thức); probationary before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official_on: Option<Date>,
    /// For organisations and collectives: the founding date (ngày thành lập).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founded_on: Option<Date>,
    /// For collectives: the number of direct leaders (lãnh đạo trực tiếp).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_leaders: Option<u32>,
    /// Dated statuses (miễn công tác, đình chỉ sinh hoạt đảng, đình chỉ sinh hoạt cấp ủy).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<StatusPeriod>,
    /// Sick and maternity leave in the year.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leave: Vec<LeavePeriod>,
    /// A transfer into this branch during the year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<Transfer>,
    /// Temporary activity at another branch (sinh hoạt tạm thời).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temporary_activity: Option<TemporaryActivity>,
    /// For civil servants (công chức, viên chức): the civil-service rating, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub civil_service: Option<CivilService>,
    /// Task results of the subject itself (chỉ tiêu, nhiệm vụ được giao).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<TaskResults>,
    /// Whether every shortcoming found at the previous review has been remedied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_defects_fixed: Option<bool>,
    /// Discipline decisions against the subject (for an individual) or the body itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discipline: Vec<DisciplineRecord>,
    /// Conclusions of the competent level (suy thoái, mất đoàn kết …).
    #[serde(default, skip_serializing_if = "Conclusions::is_empty")]
    pub conclusions: Conclusions,
    /// For leaders: a vote of confidence in the year (lấy phiếu tín nhiệm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence_vote: Option<ConfidenceVote>,
    /// For leaders and collectives: the units they directly lead or are responsible for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub led_units: Vec<LedUnit>,
    /// For leaders and collectives: the 5 basic socio-economic targets, where they apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_targets: Option<KeyTargets>,
    /// The bodies this person heads, for the local "head not above unit" rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headed_units: Vec<HeadedUnit>,
    /// Secretary of a village or residential branch who is not a commune civil servant.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub village_secretary_not_civil_servant: bool,
    /// For a collective: disciplines of its members in the year.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_discipline: Vec<DisciplineRecord>,
    /// For organisations and collectives: how the members and sub-organisations were rated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub composition: Option<Composition>,
    /// Force majeure (bất khả kháng) recognised for missed targets.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub force_majeure: bool,
    /// For organisations: the same-level government, Front and mass organisations (HD 27).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_level: Option<SameLevel>,
    /// Complaints, denunciations and other matters raised before the final decision.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matters: Vec<BlockingMatter>,
    /// Facts not known yet (neither "yes" nor "no"): a rule that needs one of them makes the
    /// subject pending with the fact named. A fact listed here carries no value elsewhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<FactCode>,
}

/// How the same-level government and Front and mass organisations of an organisation were rated
/// (chính quyền, Mặt trận Tổ quốc, đoàn thể chính trị - xã hội cùng cấp).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SameLevel {
    /// The government's level (its lowest: KHTNV), once known.
    #[serde(default)]
    pub government: Option<Level>,
    /// How many of the Front and mass organisations are at their lowest level.
    #[serde(default)]
    pub mass_organisations_lowest: u32,
}

impl SubjectFacts {
    /// Facts with nothing but the kind: a subject with a clean record.
    pub fn new(kind: SubjectKind) -> SubjectFacts {
        SubjectFacts {
            kind,
            org_kind: None,
            admitted_on: None,
            official_on: None,
            founded_on: None,
            direct_leaders: None,
            statuses: Vec::new(),
            leave: Vec::new(),
            transfer: None,
            temporary_activity: None,
            civil_service: None,
            tasks: None,
            previous_defects_fixed: None,
            discipline: Vec::new(),
            conclusions: Conclusions::default(),
            confidence_vote: None,
            led_units: Vec::new(),
            key_targets: None,
            headed_units: Vec::new(),
            village_secretary_not_civil_servant: false,
            member_discipline: Vec::new(),
            composition: None,
            force_majeure: false,
            same_level: None,
            matters: Vec::new(),
            unknown: Vec::new(),
        }
    }

    /// Whether `fact` is not known yet.
    pub fn is_unknown(&self, fact: FactCode) -> bool {
        self.unknown.contains(&fact)
    }

    /// Whether `fact` carries a value in these facts (a conclusion drawn, a vote, targets, force
    /// majeure recognised, earlier shortcomings stated remedied or not).
    fn has_value(&self, fact: FactCode) -> bool {
        let c = &self.conclusions;
        match fact {
            FactCode::Degradation => c.degradation,
            FactCode::ForbiddenActs => c.forbidden_acts,
            FactCode::ExemplaryDutyBreached => c.exemplary_duty_breached,
            FactCode::Disunity => c.disunity,
            FactCode::CadreWorkViolation => c.cadre_work_violation,
            FactCode::MemberDegradation => c.member_degradation,
            FactCode::CorruptionInScope => c.corruption_in_scope,
            FactCode::ConfidenceVote => self.confidence_vote.is_some(),
            FactCode::KeyTargets => self.key_targets.is_some(),
            FactCode::ForceMajeure => self.force_majeure,
            FactCode::PreviousDefectsFixed => self.previous_defects_fixed.is_some(),
        }
    }

    /// Whether the member is still probationary (dự bị) on `date`.
    pub fn probationary_on(&self, date: Date) -> bool {
        self.kind.is_member() && self.official_on.is_none_or(|official| official > date)
    }

    /// The status in force on `date`, if any, among those that matter most (exempt, suspended).
    pub fn status_on(&self, kind: StatusKind, date: Date) -> Option<&StatusPeriod> {
        self.statuses
            .iter()
            .find(|status| status.kind == kind && status.covers(date))
    }

    /// Checks the facts for internal consistency, naming the first offending field.
    pub fn validate(&self) -> Result<(), FactsError> {
        let fail = |field: &str, problem: &str| {
            Err(FactsError {
                field: field.to_owned(),
                problem: problem.to_owned(),
            })
        };
        if self.kind == SubjectKind::Organisation && self.org_kind.is_none() {
            return fail("org_kind", "tổ chức đảng phải có loại tổ chức (org_kind)");
        }
        if self.kind != SubjectKind::Organisation && self.org_kind.is_some() {
            return fail("org_kind", "chỉ tổ chức đảng mới có loại tổ chức");
        }
        if let (Some(admitted), Some(official)) = (self.admitted_on, self.official_on)
            && official < admitted
        {
            return fail("official_on", "ngày chính thức trước ngày kết nạp");
        }
        for (i, status) in self.statuses.iter().enumerate() {
            if status.to.is_some_and(|to| to < status.from) {
                return fail(
                    &format!("statuses[{i}].to"),
                    "ngày kết thúc trước ngày bắt đầu",
                );
            }
        }
        for (i, leave) in self.leave.iter().enumerate() {
            if leave.to < leave.from {
                return fail(
                    &format!("leave[{i}].to"),
                    "ngày kết thúc trước ngày bắt đầu",
                );
            }
        }
        if let Some(tasks) = &self.tasks {
            tasks.validate("tasks")?;
        }
        for (i, unit) in self.led_units.iter().enumerate() {
            if let Some(tasks) = &unit.tasks {
                tasks.validate(&format!("led_units[{i}].tasks"))?;
            }
        }
        for (list, records) in [
            ("discipline", &self.discipline),
            ("member_discipline", &self.member_discipline),
        ] {
            for (i, record) in records.iter().enumerate() {
                if record.violation_on.is_some_and(|on| on > record.decided_on) {
                    return fail(
                        &format!("{list}[{i}].violation_on"),
                        "ngày vi phạm sau ngày quyết định kỷ luật",
                    );
                }
            }
        }
        if let Some(vote) = &self.confidence_vote
            && vote.low > vote.total
        {
            return fail(
                "confidence_vote.low",
                "số phiếu tín nhiệm thấp lớn hơn tổng số phiếu",
            );
        }
        if let Some(targets) = &self.key_targets
            && targets.missed > targets.total
        {
            return fail(
                "key_targets.missed",
                "số chỉ tiêu không đạt lớn hơn tổng số chỉ tiêu",
            );
        }
        if let Some(composition) = &self.composition {
            composition.validate()?;
        }
        for (i, matter) in self.matters.iter().enumerate() {
            if matter.verified_on.is_some_and(|on| on < matter.received_on) {
                return fail(
                    &format!("matters[{i}].verified_on"),
                    "ngày ghi nhận kết quả xác minh trước ngày nhận",
                );
            }
        }
        for (i, fact) in self.unknown.iter().enumerate() {
            if self.has_value(*fact) {
                return fail(
                    &format!("unknown[{i}]"),
                    &format!("«{fact}» vừa được ghi là chưa biết vừa có giá trị"),
                );
            }
        }
        if self.conclusions.corruption_self_detected && !self.conclusions.corruption_in_scope {
            return fail(
                "conclusions.corruption_self_detected",
                "chỉ ghi khi có kết luận tham nhũng, lãng phí, tiêu cực trong phạm vi phụ trách (corruption_in_scope)",
            );
        }
        Ok(())
    }
}

/// A fact that contradicts itself, with the field named as in the case file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{field}: {problem}")]
pub struct FactsError {
    pub field: String,
    pub problem: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusPeriod {
    pub kind: StatusKind,
    pub from: Date,
    /// Open-ended when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Date>,
}

impl StatusPeriod {
    pub fn covers(&self, date: Date) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeavePeriod {
    pub kind: LeaveKind,
    pub from: Date,
    pub to: Date,
}

impl LeavePeriod {
    /// Days of this leave inside `[year_start, year_end]`, both inclusive.
    pub fn days_within(&self, year_start: Date, year_end: Date) -> u32 {
        let from = self.from.max(year_start);
        let to = self.to.min(year_end);
        if to < from {
            0
        } else {
            (to - from).whole_days() as u32 + 1
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// Months the member spent at the previous branch / unit during the evaluated period.
    pub months_at_previous: u32,
    /// Whether the previous branch's comment has been received.
    #[serde(default)]
    pub previous_comment_received: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemporaryActivity {
    /// Whether the temporary branch's comment has been received by the official branch.
    #[serde(default)]
    pub comment_received: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CivilService {
    /// The civil-service rating of the year, `None` while it is not yet known.
    pub rating: Option<Level>,
}

/// Counts of tasks (chỉ tiêu, nhiệm vụ) assigned for the year and how they ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskResults {
    pub assigned: u32,
    pub completed: u32,
    /// Completed on time (đúng tiến độ), with quality.
    pub on_time: u32,
    /// Completed beyond target (vượt mức).
    pub exceeded: u32,
}

impl TaskResults {
    /// Completed but not on time; never negative, even for facts that failed [`Self::validate`].
    pub fn late(&self) -> u32 {
        self.completed.saturating_sub(self.on_time)
    }

    pub fn validate(&self, field: &str) -> Result<(), FactsError> {
        let problem = if self.completed > self.assigned {
            Some(("completed", "số hoàn thành lớn hơn số được giao"))
        } else if self.on_time > self.completed {
            Some(("on_time", "số đúng tiến độ lớn hơn số hoàn thành"))
        } else if self.exceeded > self.completed {
            Some(("exceeded", "số vượt mức lớn hơn số hoàn thành"))
        } else {
            None
        };
        match problem {
            Some((name, problem)) => Err(FactsError {
                field: format!("{field}.{name}"),
                problem: problem.to_owned(),
            }),
            None => Ok(()),
        }
    }
}

/// Conclusions of the competent level that force KHTNV by themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conclusions {
    /// Suy thoái về tư tưởng chính trị, đạo đức, lối sống, "tự diễn biến", "tự chuyển hóa".
    #[serde(default)]
    pub degradation: bool,
    /// Vi phạm những điều đảng viên không được làm.
    #[serde(default)]
    pub forbidden_acts: bool,
    /// Vi phạm trách nhiệm nêu gương.
    #[serde(default)]
    pub exemplary_duty_breached: bool,
    /// Mất đoàn kết nội bộ, bè phái (collectives).
    #[serde(default)]
    pub disunity: bool,
    /// Sai phạm trong công tác cán bộ, chạy chức, chạy quyền (collectives).
    #[serde(default)]
    pub cadre_work_violation: bool,
    /// A member of the collective concluded degraded (collectives).
    #[serde(default)]
    pub member_degradation: bool,
    /// Corruption, waste or negativity in the direct scope of a leader or a body, disciplined
    /// (tham nhũng, lãng phí, tiêu cực trong phạm vi trực tiếp phụ trách, bị xử lý kỷ luật).
    #[serde(default)]
    pub corruption_in_scope: bool,
    /// That corruption was detected, reported and remedied by the subject itself (tự phát hiện,
    /// báo cáo, khắc phục): QĐ 366 leaves it to the competent level case by case.
    #[serde(default)]
    pub corruption_self_detected: bool,
}

impl Conclusions {
    pub fn is_empty(&self) -> bool {
        *self == Conclusions::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfidenceVote {
    /// Votes of "low confidence" (tín nhiệm thấp).
    pub low: u32,
    pub total: u32,
}

/// A unit a leader or collective leads or is responsible for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedUnit {
    pub name: String,
    /// Its level this year, once decided.
    #[serde(default)]
    pub level: Option<Level>,
    #[serde(default)]
    pub tasks: Option<TaskResults>,
    /// Disciplined in the year (the unit itself or a violation in it).
    #[serde(default)]
    pub disciplined: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyTargets {
    pub total: u32,
    pub missed: u32,
}

/// A body headed by the subject, with its level for the "head not above unit" rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadedUnit {
    pub name: String,
    /// The unit's level, once decided; `None` blocks the head's decision (heads after their unit).
    #[serde(default)]
    pub level: Option<Level>,
    /// The head moved in and had no part in the unit's result (seed 003 exception).
    #[serde(default)]
    pub moved_in_without_part: bool,
}

/// Counts of levels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelCounts {
    #[serde(default, rename = "HTXSNV")]
    pub htxsnv: u32,
    #[serde(default, rename = "HTTNV")]
    pub httnv: u32,
    #[serde(default, rename = "HTNV")]
    pub htnv: u32,
    #[serde(default, rename = "KHTNV")]
    pub khtnv: u32,
}

impl LevelCounts {
    pub fn total(&self) -> u32 {
        self.htxsnv + self.httnv + self.htnv + self.khtnv
    }

    pub fn get(&self, level: Level) -> u32 {
        match level {
            Level::Htxsnv => self.htxsnv,
            Level::Httnv => self.httnv,
            Level::Htnv => self.htnv,
            Level::Khtnv => self.khtnv,
        }
    }

    pub fn add(&mut self, level: Level) {
        match level {
            Level::Htxsnv => self.htxsnv += 1,
            Level::Httnv => self.httnv += 1,
            Level::Htnv => self.htnv += 1,
            Level::Khtnv => self.khtnv += 1,
        }
    }

    /// One fewer at `level` (none below zero).
    pub fn remove(&mut self, level: Level) {
        let slot = match level {
            Level::Htxsnv => &mut self.htxsnv,
            Level::Httnv => &mut self.httnv,
            Level::Htnv => &mut self.htnv,
            Level::Khtnv => &mut self.khtnv,
        };
        *slot = slot.saturating_sub(1);
    }

    /// How many are at `level` or above.
    pub fn at_least(&self, level: Level) -> u32 {
        Level::DESCENDING
            .into_iter()
            .filter(|l| *l >= level)
            .map(|l| self.get(l))
            .sum()
    }
}

/// How an organisation's members and sub-organisations were rated this year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Composition {
    /// Levels of the classified members.
    #[serde(default)]
    pub members: Option<LevelCounts>,
    /// Members disciplined in the year, counted where the violation happened.
    #[serde(default)]
    pub disciplined_members: u32,
    /// Levels of the subordinate organisations.
    #[serde(default)]
    pub sub_organisations: Option<LevelCounts>,
    /// Subordinate units disciplined in the year.
    #[serde(default)]
    pub disciplined_sub_units: u32,
    /// Subordinate units where a case of corruption, waste or negativity was disciplined in the
    /// year, not counting those self-detected with consequences remedied (QĐ 124).
    #[serde(default)]
    pub sub_units_with_corruption_cases: u32,
    /// Levels of the same-level government, Front and mass organisations (HD 21).
    #[serde(default)]
    pub same_level_bodies: Option<LevelCounts>,
    /// The level of this organisation's own leadership collective, once decided.
    #[serde(default)]
    pub leadership_collective: Option<Level>,
}

impl Composition {
    fn validate(&self) -> Result<(), FactsError> {
        if let Some(members) = &self.members
            && self.disciplined_members > members.total()
        {
            return Err(FactsError {
                field: "composition.disciplined_members".into(),
                problem: "số đảng viên bị kỷ luật lớn hơn số đảng viên được xếp loại".into(),
            });
        }
        if let Some(subs) = &self.sub_organisations
            && self.disciplined_sub_units > subs.total()
        {
            return Err(FactsError {
                field: "composition.disciplined_sub_units".into(),
                problem: "số đơn vị bị kỷ luật lớn hơn số tổ chức trực thuộc".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn leave_days_are_clipped_to_the_year() {
        let leave = LeavePeriod {
            kind: LeaveKind::Sick,
            from: date!(2019 - 12 - 01),
            to: date!(2020 - 01 - 31),
        };
        assert_eq!(
            leave.days_within(date!(2020 - 01 - 01), date!(2020 - 12 - 31)),
            31
        );
    }

    #[test]
    fn inconsistent_tasks_name_the_field() {
        let mut facts = SubjectFacts::new(SubjectKind::MemberWithoutPost);
        facts.tasks = Some(TaskResults {
            assigned: 10,
            completed: 8,
            on_time: 9,
            exceeded: 0,
        });
        assert_eq!(facts.validate().unwrap_err().field, "tasks.on_time");
    }

    #[test]
    fn organisations_need_their_kind() {
        let facts = SubjectFacts::new(SubjectKind::Organisation);
        assert_eq!(facts.validate().unwrap_err().field, "org_kind");
    }

    #[test]
    fn level_counts_at_least() {
        let counts = LevelCounts {
            htxsnv: 1,
            httnv: 4,
            htnv: 3,
            khtnv: 2,
        };
        assert_eq!(counts.at_least(Level::Httnv), 5);
        assert_eq!(counts.at_least(Level::Khtnv), 10);
        assert_eq!(counts.total(), 10);
    }

    #[test]
    fn late_tasks_of_unvalidated_facts_do_not_underflow() {
        let tasks = TaskResults {
            assigned: 10,
            completed: 8,
            on_time: 9,
            exceeded: 0,
        };
        assert_eq!(tasks.late(), 0);
    }
}
