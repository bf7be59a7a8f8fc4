//! The named parameters of a rule set: every threshold, share, rounding and grouping that varies by
//! era or that the texts leave unclear (RULES.md §11). Values live in the embedded data files under
//! `data/rulesets/`, one per rule set, each with the source (or the stated assumption) of every
//! value; nothing here has a default in code.

use crate::level::Level;
use crate::share::Share;
use crate::subject::DisciplineForm;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// All parameters of one rule set, as loaded from its data file (possibly overridden by a local layer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub eligibility: EligibilityParams,
    pub scoring: ScoringParams,
    pub tasks: TaskParams,
    pub member: MemberParams,
    pub leader: LeaderParams,
    pub collective: CollectiveParams,
    pub organisation: OrganisationParams,
    pub quota: QuotaParams,
    pub ballot: BallotParams,
    pub review: ReviewParams,
    pub awards: AwardParams,
    /// Where each value comes from: `"section.key" → "HD 21 Mục II tiểu mục 6"` or an assumption.
    #[serde(default)]
    pub sources: BTreeMap<String, String>,
}

/// What happens to a subject too new to be classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NewcomerTreatment {
    /// Reviewed (kiểm điểm) but not classified (HD 21: members from their admission date).
    ReviewOnly,
    /// Neither reviewed nor classified (QĐ 366 Điều 5 khoản 2).
    Excluded,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EligibilityParams {
    /// A member admitted less than this many months before the review is a newcomer.
    pub new_member_months: u32,
    pub new_member: NewcomerTreatment,
    /// An organisation or collective founded less than this many months before the review is new.
    pub new_body_months: u32,
    pub new_body: NewcomerTreatment,
    /// Whether members suspended from party activity are excluded (HD 16 did not exclude them).
    pub exclude_suspended: bool,
    /// Months at the previous branch from which that branch's comment is required after a transfer.
    pub transfer_comment_months: Option<u32>,
    /// Whether a member in temporary activity needs the temporary branch's comment first.
    pub temporary_branch_comment: bool,
    /// Whether a civil servant's party rating waits for the civil-service rating.
    pub civil_service_rating_first: bool,
    /// A leadership collective needs at least this many direct leaders to be classified as one.
    pub collective_min_leaders: u32,
    /// A committee member suspended from the committee (đình chỉ sinh hoạt cấp ủy) answers for
    /// the time before the suspension, and the decision states that period (HD 43 tiểu mục 7.7).
    pub committee_responsibility_until_suspension: bool,
}

/// How scores map to levels in this rule set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringParams {
    /// National point thresholds that every framework of this rule set must use, if any.
    pub fixed_thresholds: Option<Thresholds>,
    /// National group totals every points framework must have (QĐ 366: chung 30 + nhiệm vụ 70).
    pub fixed_group_totals: Option<BTreeMap<String, crate::points::Points>>,
    /// Whether bonus points may lift a total above the framework's maximum.
    pub bonus_beyond_max: bool,
    /// A criterion graded "Kém" forces KHTNV (QĐ 124 Điều 12 khoản 4).
    pub any_kem_forces_khtnv: bool,
}

/// Minimum points for each level above KHTNV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub htxsnv: crate::points::Points,
    pub httnv: crate::points::Points,
    pub htnv: crate::points::Points,
}

impl Thresholds {
    /// The level a total reaches, before any other rule.
    pub fn level_for(&self, total: crate::points::Points) -> Level {
        if total >= self.htxsnv {
            Level::Htxsnv
        } else if total >= self.httnv {
            Level::Httnv
        } else if total >= self.htnv {
            Level::Htnv
        } else {
            Level::Khtnv
        }
    }
}

/// Conditions on task results (chỉ tiêu, nhiệm vụ) attached to the levels, for every subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskParams {
    /// HTXSNV needs every task completed on time.
    pub htxsnv_all_on_time: bool,
    /// HTXSNV needs at least this share of tasks completed beyond target.
    pub htxsnv_exceeded_min: Option<Share>,
    /// HTXSNV needs every shortcoming of the previous review remedied.
    pub htxsnv_previous_defects_fixed: bool,
    /// HTTNV needs every task completed on time.
    pub httnv_all_on_time: bool,
    /// HTNV needs every task completed.
    pub htnv_all_completed: bool,
    /// HTNV allows at most this share of tasks late.
    pub htnv_late_max: Option<Share>,
    /// An individual whose score is in a higher band than the highest level whose conditions on
    /// task results hold, or who misses a condition of HTNV while no listed KHTNV case applies.
    pub individual_gap: GapTreatment,
    /// The same for an organisation or a leadership collective.
    pub body_gap: GapTreatment,
}

/// What follows when the score reaches a level whose conditions (on task results, on earlier
/// shortcomings, on the units led) do not hold: the texts define each level by a score band AND
/// conditions, and do not say which level such a subject gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapTreatment {
    /// The highest level whose conditions hold (a missed HTNV condition: KHTNV).
    LowerLevel,
    /// The competent level weighs it and records a reasoned decision, at most the highest level
    /// whose conditions hold (at most HTNV when an HTNV condition is missed).
    CaseByCase,
}

impl GapTreatment {
    pub const ALL: [GapTreatment; 2] = [GapTreatment::LowerLevel, GapTreatment::CaseByCase];
}

/// Whether a condition on "the units directly led" is checked on each unit or on their tasks
/// added together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitsScope {
    /// Every unit must meet it by itself.
    EachUnit,
    /// The units' tasks are added together and the total must meet it.
    AllTogether,
}

impl UnitsScope {
    pub const ALL: [UnitsScope; 2] = [UnitsScope::EachUnit, UnitsScope::AllTogether];
}

/// A conclusion of the competent level (kết luận của cấp có thẩm quyền).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConclusionKind {
    /// Suy thoái về tư tưởng chính trị, đạo đức, lối sống, "tự diễn biến", "tự chuyển hóa".
    Degradation,
    /// Vi phạm những điều đảng viên không được làm.
    ForbiddenActs,
    /// Vi phạm trách nhiệm nêu gương.
    ExemplaryDutyBreached,
    /// Tham nhũng, lãng phí, tiêu cực trong phạm vi trực tiếp phụ trách (leaders).
    CorruptionInScope,
    /// Mất đoàn kết nội bộ, bè phái (bodies).
    Disunity,
    /// Sai phạm trong công tác cán bộ, chạy chức, chạy quyền (bodies).
    CadreWorkViolation,
    /// Có thành viên suy thoái (bodies).
    MemberDegradation,
}

/// Whether a self-detected and remedied violation still counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelfDetectedTreatment {
    /// Counts like any other (HD 21).
    Counts,
    /// Does not count (QĐ 124: "trừ trường hợp tự phát hiện và khắc phục xong hậu quả").
    Exempt,
    /// The competent level weighs it (QĐ 366: "xem xét cụ thể từng trường hợp").
    CaseByCase,
}

/// Rules about discipline in the year that force KHTNV.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisciplineParams {
    /// The lightest form that counts.
    pub min_form: DisciplineForm,
    /// Only violations related to duty / public service count.
    pub duty_related_only: bool,
    pub self_detected: SelfDetectedTreatment,
    /// A violation committed in an earlier year but disciplined in this one is decided case by case.
    pub earlier_violation_case_by_case: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberParams {
    /// The conclusions of the competent level that force KHTNV for an individual in this era.
    pub conclusions_forcing_khtnv: Vec<ConclusionKind>,
    /// Discipline in the year that forces KHTNV (absent: no such rule in the era's texts).
    pub discipline: Option<DisciplineParams>,
    /// Completing less than this share of assigned tasks forces KHTNV.
    pub khtnv_completed_below: Option<Share>,
    /// Sick leave totalling at least this many months in the year caps the level.
    pub sick_leave_cap_months: Option<u32>,
    /// The cap applied by long sick leave.
    pub sick_leave_cap: Level,
    /// Days counted as one month when leave periods are summed.
    pub days_per_month: u32,
    /// A civil servant may be HTXSNV only if rated HTXSNV as a civil servant.
    pub civil_service_htxsnv_required: bool,
    /// A civil servant rated KHTNV as a civil servant is KHTNV as a party member.
    pub civil_service_khtnv_forces_khtnv: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaderParams {
    /// Units the leader directly leads completing less than this share of tasks force KHTNV.
    pub led_units_completed_below: Option<Share>,
    /// HTXSNV needs the led units to exceed target on at least this share of tasks.
    pub led_units_htxsnv_exceeded_min: Option<Share>,
    /// How the level conditions on the led units' tasks (HTXSNV, HTTNV, HTNV) are read.
    pub led_units_conditions: UnitsScope,
    /// How the KHTNV floor on the led units' tasks (`led_units_completed_below`) is read.
    pub led_units_floor: UnitsScope,
    /// More than this share of the units the leader is responsible for rated KHTNV forces KHTNV.
    pub khtnv_units_above: Option<Share>,
    /// More than this share of "low confidence" votes in a vote of confidence forces KHTNV.
    pub low_confidence_above: Option<Share>,
    /// Missing at least this many of the 5 basic socio-economic targets forces KHTNV.
    pub key_targets_missed_for_khtnv: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectiveParams {
    /// The conclusions of the competent level that force KHTNV for a body in this era.
    pub conclusions_forcing_khtnv: Vec<ConclusionKind>,
    /// A member of the collective disciplined in the year with at least this form forces KHTNV.
    pub member_discipline: Option<DisciplineParams>,
    /// The collective itself disciplined forces KHTNV.
    pub collective_discipline_forces_khtnv: bool,
    /// The units led completing less than this share of tasks force KHTNV.
    pub completed_below: Option<Share>,
    /// The task floor fires only together with a missed main target ("dưới 50% … và có chỉ tiêu
    /// chủ yếu không đạt", HD 21 and QĐ 124); QĐ 366 reads "or" and uses the 5 targets separately.
    #[serde(default)]
    pub completed_below_needs_key_target_missed: bool,
    /// A subordinate unit where a case of corruption, waste or negativity was disciplined in the
    /// year (self-detected and remedied cases excluded by the caller) forces an organisation to
    /// KHTNV (QĐ 124 Điều 12 khoản 4, tập thể).
    #[serde(default)]
    pub corruption_case_in_unit_forces_khtnv: bool,
    /// More than this share of subordinate units disciplined in the year forces KHTNV.
    pub disciplined_units_above: Option<Share>,
    /// HTXSNV needs no subordinate unit and no member of the leadership disciplined.
    pub htxsnv_needs_clean_record: bool,
    /// Missing at least this many of the 5 basic socio-economic targets forces KHTNV.
    pub key_targets_missed_for_khtnv: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationParams {
    /// HTTNV and above need every member (branch) or subordinate organisation (committee) at or
    /// above this level.
    pub httnv_needs_all_at_least: Option<Level>,
    /// HTTNV and above need at least this share of members / subordinate organisations at HTTNV+.
    pub httnv_needs_share_httnv: Option<Share>,
    /// More than this share of members disciplined in the year forces KHTNV.
    pub disciplined_members_above: Option<Share>,
    /// More than this share of members rated KHTNV forces the lowest level (HD 27: chi bộ 1/2).
    pub khtnv_members_above: Option<Share>,
    /// More than this share of subordinate organisations at the lowest level forces it (HD 27: 1/3).
    pub khtnv_sub_orgs_above: Option<Share>,
    /// Defects that put an organisation at the lowest level whatever its points (HD 27: "đạt từ
    /// 50 điểm trở lên và có một trong các khuyết điểm").
    pub lowest_level_defects: Vec<OrganisationDefect>,
    /// How many same-level Front and mass organisations at their lowest level make the defect
    /// [`OrganisationDefect::MassOrganisationsLowest`].
    pub mass_organisations_lowest_min: u32,
}

/// A defect of a party organisation that puts it at the lowest level (HD 27 "Yếu kém").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationDefect {
    /// Nội bộ cấp ủy, ban thường vụ mất đoàn kết (the `disunity` conclusion).
    Disunity,
    /// Để xảy ra tham nhũng, tiêu cực, suy thoái … đến mức có đảng viên phải kỷ luật (the
    /// `corruption_in_scope` conclusion).
    CorruptionWithMemberDisciplined,
    /// Chính quyền cùng cấp phân loại ở mức thấp nhất.
    GovernmentLowest,
    /// Mặt trận và đoàn thể chính trị - xã hội cùng cấp ở mức thấp nhất (at least
    /// `mass_organisations_lowest_min` of them).
    MassOrganisationsLowest,
}

impl OrganisationDefect {
    pub const ALL: [OrganisationDefect; 4] = [
        OrganisationDefect::Disunity,
        OrganisationDefect::CorruptionWithMemberDisciplined,
        OrganisationDefect::GovernmentLowest,
        OrganisationDefect::MassOrganisationsLowest,
    ];
}

/// How the quota base counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaBase {
    /// The literal reading: the final number rated HTTNV (RULES.md §11.2).
    FinalHttnv,
    /// HTTNV plus HTXSNV: 20 % of everyone rated "good or better" (a looser practice).
    HttnvAndAbove,
    /// The fixed point of the literal reading over the pool of HTXSNV and HTTNV: the largest `n`
    /// with `n ≤ share × (pool − n)`, whichever of the pool end up HTXSNV (RULES.md §11.2).
    FixedPoint,
}

impl QuotaBase {
    pub const ALL: [QuotaBase; 3] = [
        QuotaBase::FinalHttnv,
        QuotaBase::HttnvAndAbove,
        QuotaBase::FixedPoint,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// "Không vượt quá": round down (the literal reading, RULES.md §11.1).
    Floor,
    /// Round half up.
    Nearest,
    Ceil,
}

impl Rounding {
    /// Applies the rounding to `numerator / denominator` (both non-negative).
    pub fn apply(self, numerator: u64, denominator: u64) -> u64 {
        match self {
            Rounding::Floor => numerator / denominator,
            Rounding::Ceil => numerator.div_ceil(denominator),
            Rounding::Nearest => (2 * numerator + denominator) / (2 * denominator),
        }
    }
}

/// How members are grouped for the quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaGrouping {
    /// One group per tổ chức cơ sở đảng, pooled over its branches (HD 21).
    PerGrassroots,
    /// One group per set of subjects with similar position and role, as the competent level
    /// decides (QĐ 124, QĐ 366); the default group is the deciding body and subject category.
    SimilarRole,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaParams {
    /// Whether this rule set caps HTXSNV at all (no cap text was found for HD 20 / HD 27).
    pub enabled: bool,
    pub share: Share,
    /// The higher share a competent level may allow for outstanding units, by recorded decision.
    pub exceptional_share: Option<Share>,
    pub base: QuotaBase,
    pub rounding: Rounding,
    pub grouping: QuotaGrouping,
}

impl Rounding {
    pub const ALL: [Rounding; 3] = [Rounding::Floor, Rounding::Nearest, Rounding::Ceil];
}

impl QuotaGrouping {
    pub const ALL: [QuotaGrouping; 2] = [QuotaGrouping::PerGrassroots, QuotaGrouping::SimilarRole];
}

impl NewcomerTreatment {
    pub const ALL: [NewcomerTreatment; 2] =
        [NewcomerTreatment::ReviewOnly, NewcomerTreatment::Excluded];
}

impl SelfDetectedTreatment {
    pub const ALL: [SelfDetectedTreatment; 3] = [
        SelfDetectedTreatment::Counts,
        SelfDetectedTreatment::Exempt,
        SelfDetectedTreatment::CaseByCase,
    ];
}

impl MajorityBase {
    pub const ALL: [MajorityBase; 3] = [
        MajorityBase::Denominator,
        MajorityBase::Present,
        MajorityBase::Cast,
    ];
}

/// What happens when no level reaches the majority in a ballot round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoMajorityPolicy {
    /// Report to the competent level, which decides (no silent default).
    Escalate,
    /// Take the level with the most votes (a tie is settled by `tie`).
    MostVotes,
    /// Vote again, up to `max_rounds`; then escalate.
    FurtherRound,
}

impl NoMajorityPolicy {
    pub const ALL: [NoMajorityPolicy; 3] = [
        NoMajorityPolicy::Escalate,
        NoMajorityPolicy::MostVotes,
        NoMajorityPolicy::FurtherRound,
    ];
}

/// What happens when two levels tie for the most votes under [`NoMajorityPolicy::MostVotes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TiePolicy {
    /// Report to the competent level.
    Escalate,
    /// Vote again, up to `max_rounds`; then escalate.
    FurtherRound,
}

impl TiePolicy {
    pub const ALL: [TiePolicy; 2] = [TiePolicy::Escalate, TiePolicy::FurtherRound];
}

/// Who counts as "the denominator" of a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MajorityBase {
    /// Members summoned minus the exclusions of QĐ 24-QĐ/TW mục 9.3.
    Denominator,
    /// Voters present when the roll was frozen.
    Present,
    /// Valid papers cast for the subject.
    Cast,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotParams {
    pub majority_base: MajorityBase,
    /// Votes at or above a level must be strictly more than this share of the base (50 = "hơn một nửa").
    pub majority_above: Share,
    /// Whether votes for higher levels count toward a lower level ("cộng dồn từ mức cao xuống").
    pub cumulative: bool,
    /// Whether probationary members may vote (Điều lệ: they may not).
    pub probationary_may_vote: bool,
    /// Whether probationary members count in the denominator: QĐ 24-QĐ/TW mục 9.3 read literally
    /// counts every member summoned; the statute's "no vote" leaves them out.
    pub probationary_in_denominator: bool,
    /// When no level reaches the majority.
    pub no_majority: NoMajorityPolicy,
    /// When two levels tie for the most votes.
    pub tie: TiePolicy,
    /// The last round a further round may be held in; after it the matter is escalated.
    pub max_rounds: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewParams {
    /// Working days between circulating the draft collective report and the meeting.
    pub draft_notice_working_days: u32,
    /// Days between an individual's self-review reaching the branch and the meeting.
    pub self_review_notice_days: u32,
    /// Minimum meeting duration in half-days, by body (`"default"` always present).
    pub min_meeting_half_days: BTreeMap<String, u32>,
    /// The date (day, month) of the evaluation year by which the cycle must be finished, if
    /// national.
    pub finish_by: Option<DayMonth>,
    /// Units that do not close their year at the year's end: finished by this date of the next
    /// year (HD 43 Mục 4: 15/01).
    pub special_units_finish_by: Option<DayMonth>,
    /// The dossier (Mẫu 04) reaches the Central Organisation Commission by this date of the next
    /// year.
    pub dossier_by: Option<DayMonth>,
    /// The Central Organisation Commission reports to the Politburo by this date of the next year.
    pub report_by: Option<DayMonth>,
    /// Whether the day named in "trước ngày …" is itself still on time.
    pub deadline_day_included: bool,
}

/// Awards that follow the year's level (khen thưởng tổ chức đảng, đảng viên).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardParams {
    /// Only subjects rated at this level may be considered for the year's award.
    pub min_level: Level,
    /// The run of years at that level for the "… năm liền" award.
    pub consecutive_years: u32,
}

/// A day of a month, for deadlines that repeat every year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayMonth {
    pub day: u8,
    pub month: u8,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_reads_as_named() {
        assert_eq!(Rounding::Floor.apply(19, 5), 3);
        assert_eq!(Rounding::Ceil.apply(16, 5), 4);
        assert_eq!(Rounding::Nearest.apply(17, 5), 3);
        assert_eq!(Rounding::Nearest.apply(18, 5), 4);
        assert_eq!(Rounding::Nearest.apply(5, 10), 1);
    }
}
