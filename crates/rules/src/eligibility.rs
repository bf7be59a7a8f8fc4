//! Eligibility (đối tượng): whether a subject is excluded, reviewed only, or reviewed and
//! classified this year, and which documents must be attached before it can be classified.

use crate::cite::Citation;
use crate::facts::SubjectFacts;
use crate::ruleset::RuleBook;
use crate::ruleset::params::NewcomerTreatment;
use crate::subject::{StatusKind, SubjectKind};
use serde::{Deserialize, Serialize};
use time::Date;

/// What happens to a subject this year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Participation {
    /// Neither reviewed nor classified.
    Excluded,
    /// Reviewed (kiểm điểm) but not classified.
    ReviewOnly,
    /// Reviewed and classified.
    ReviewAndClassify,
}

impl Participation {
    pub const ALL: [Participation; 3] = [
        Participation::Excluded,
        Participation::ReviewOnly,
        Participation::ReviewAndClassify,
    ];

    /// The stable code used in APIs and the database (`review_and_classify` …), as serde spells it.
    pub fn code(self) -> &'static str {
        match self {
            Participation::Excluded => "excluded",
            Participation::ReviewOnly => "review_only",
            Participation::ReviewAndClassify => "review_and_classify",
        }
    }

    /// The participation of a code, exactly as [`Participation::code`] spells it.
    pub fn parse(code: &str) -> Option<Participation> {
        Participation::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// A document needed before classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// Nhận xét của chi bộ nơi sinh hoạt tạm thời.
    TemporaryBranchComment,
    /// Nhận xét của chi bộ nơi chuyển đi (transfer after 6 months or more there).
    PreviousBranchComment,
    /// Kết quả xếp loại công chức, viên chức.
    CivilServiceRating,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub kind: AttachmentKind,
    pub received: bool,
    pub message: String,
    pub citation: Citation,
}

/// A reason for the participation decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityReason {
    pub code: String,
    pub message: String,
    pub citation: Citation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    pub participation: Participation,
    /// Why (empty for an ordinary subject).
    pub reasons: Vec<EligibilityReason>,
    /// Documents to attach before classification.
    pub attachments: Vec<Attachment>,
    /// For a committee member suspended from the committee (đình chỉ sinh hoạt cấp ủy): the time
    /// they answer for as a committee member, stated in the decision (HD 43 tiểu mục 7.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsibility_period: Option<ResponsibilityPeriod>,
}

/// The time a suspended committee member answers for, and where they are reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponsibilityPeriod {
    /// The first day of the evaluated period.
    pub from: Date,
    /// The day before the suspension; absent when the suspension began before the period.
    pub to: Option<Date>,
    pub message: String,
    pub citation: Citation,
}

impl Eligibility {
    /// Whether every required document has been received.
    pub fn attachments_complete(&self) -> bool {
        self.attachments.iter().all(|a| a.received)
    }

    pub fn classified(&self) -> bool {
        self.participation == Participation::ReviewAndClassify
    }
}

/// `date` plus `months` calendar months, the day clipped to the end of the month.
pub fn add_months(date: Date, months: u32) -> Date {
    let total = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months as i32;
    let (year, month) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8);
    let month = time::Month::try_from(month).expect("1..=12");
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).expect("clipped day is valid")
}

fn date_vi(date: Date) -> String {
    format!(
        "{:02}/{:02}/{}",
        date.day(),
        u8::from(date.month()),
        date.year()
    )
}

/// Decides eligibility as of the review date `as_of`, for the evaluation year of `as_of`.
pub fn eligibility(book: &RuleBook, facts: &SubjectFacts, as_of: Date) -> Eligibility {
    eligibility_in_year(book, facts, as_of.year(), as_of)
}

/// The time a committee member suspended from the committee on `suspended_from` answers for in
/// the evaluation `year`: from its first day to the day before the suspension.
fn committee_period(book: &RuleBook, year: i32, suspended_from: Date) -> ResponsibilityPeriod {
    let from = Date::from_calendar_date(year, time::Month::January, 1).expect("valid date");
    let to = suspended_from.previous_day().filter(|to| *to >= from);
    let message = match to {
        Some(to) => format!(
            "Kiểm điểm trách nhiệm cấp ủy viên trong thời gian từ {} đến {} (trước khi bị đình chỉ sinh hoạt cấp ủy ngày {}), tại chi bộ nơi sinh hoạt",
            date_vi(from),
            date_vi(to),
            date_vi(suspended_from)
        ),
        None => format!(
            "Bị đình chỉ sinh hoạt cấp ủy từ {}, trước kỳ đánh giá: không có thời gian giữ trách nhiệm cấp ủy viên trong kỳ; kiểm điểm tại chi bộ nơi sinh hoạt",
            date_vi(suspended_from)
        ),
    };
    ResponsibilityPeriod {
        from,
        to,
        message,
        citation: Citation::new(
            format!("{}.eligibility.committee_responsibility", book.rule_set),
            book.sources().suspended_from_committee,
        ),
    }
}

/// Decides eligibility in the evaluation `year` as of the review date `as_of`.
pub fn eligibility_in_year(
    book: &RuleBook,
    facts: &SubjectFacts,
    year: i32,
    as_of: Date,
) -> Eligibility {
    let params = &book.params.eligibility;
    let sources = book.sources();
    let era = book.era();
    let rule = |name: &str| format!("{}.eligibility.{name}", book.rule_set);
    let mut reasons = Vec::new();
    let mut responsibility_period = None;
    let mut participation = Participation::ReviewAndClassify;
    let mut demote = |to: Participation,
                      code: &str,
                      message: String,
                      source: &str,
                      reasons: &mut Vec<EligibilityReason>| {
        let rank = |p: Participation| match p {
            Participation::Excluded => 0,
            Participation::ReviewOnly => 1,
            Participation::ReviewAndClassify => 2,
        };
        if rank(to) < rank(participation) {
            participation = to;
        }
        reasons.push(EligibilityReason {
            code: code.to_owned(),
            message,
            citation: Citation::new(rule(code), source),
        });
    };

    if !era.covers(facts.kind) {
        demote(
            Participation::Excluded,
            "not_covered",
            format!(
                "{} không là đối tượng đánh giá, xếp loại riêng trong thời kỳ này",
                facts.kind.name_vi()
            ),
            sources.not_covered,
            &mut reasons,
        );
    }
    if facts.kind.is_member() {
        if let Some(status) = facts.status_on(StatusKind::ExemptFromPartyWork, as_of) {
            demote(
                Participation::Excluded,
                "exempt",
                format!(
                    "Được miễn công tác và sinh hoạt đảng từ {}",
                    date_vi(status.from)
                ),
                sources.exempt,
                &mut reasons,
            );
        }
        if let Some(status) = facts.status_on(StatusKind::SuspendedFromParty, as_of) {
            if params.exclude_suspended {
                demote(
                    Participation::Excluded,
                    "suspended",
                    format!("Bị đình chỉ sinh hoạt đảng từ {}", date_vi(status.from)),
                    sources.suspended,
                    &mut reasons,
                );
            } else {
                reasons.push(EligibilityReason {
                    code: "suspended_still_evaluated".into(),
                    message:
                        "Bị đình chỉ sinh hoạt đảng: vẫn đánh giá theo hướng dẫn của thời kỳ này"
                            .into(),
                    citation: Citation::new(rule("suspended"), sources.suspended),
                });
            }
        }
        if let Some(status) = facts.status_on(StatusKind::SuspendedFromCommittee, as_of) {
            if params.committee_responsibility_until_suspension {
                responsibility_period = Some(committee_period(book, year, status.from));
            }
            reasons.push(EligibilityReason {
                code: "suspended_from_committee".into(),
                message: "Bị đình chỉ sinh hoạt cấp ủy: vẫn kiểm điểm, đánh giá, xếp loại".into(),
                citation: Citation::new(
                    rule("suspended_from_committee"),
                    sources.suspended_from_committee,
                ),
            });
        }
        if let Some(admitted) = facts.admitted_on
            && add_months(admitted, params.new_member_months) > as_of
        {
            let treatment = params.new_member;
            demote(
                match treatment {
                    NewcomerTreatment::ReviewOnly => Participation::ReviewOnly,
                    NewcomerTreatment::Excluded => Participation::Excluded,
                },
                "new_member",
                format!(
                    "Kết nạp ngày {}, chưa đủ {} tháng đến ngày {}{}",
                    date_vi(admitted),
                    params.new_member_months,
                    date_vi(as_of),
                    match treatment {
                        NewcomerTreatment::ReviewOnly =>
                            ": vẫn kiểm điểm từ ngày kết nạp, không xếp loại",
                        NewcomerTreatment::Excluded => ": không kiểm điểm, không xếp loại",
                    }
                ),
                sources.new_member,
                &mut reasons,
            );
        }
    }
    if matches!(
        facts.kind,
        SubjectKind::Organisation | SubjectKind::Collective
    ) && let Some(founded) = facts.founded_on
        && add_months(founded, params.new_body_months) > as_of
    {
        demote(
            match params.new_body {
                NewcomerTreatment::ReviewOnly => Participation::ReviewOnly,
                NewcomerTreatment::Excluded => Participation::Excluded,
            },
            "new_body",
            format!(
                "Thành lập ngày {}, chưa đủ {} tháng đến ngày {}",
                date_vi(founded),
                params.new_body_months,
                date_vi(as_of)
            ),
            sources.new_body,
            &mut reasons,
        );
    }
    if facts.kind == SubjectKind::Collective
        && let Some(leaders) = facts.direct_leaders
        && leaders < params.collective_min_leaders
    {
        demote(
            Participation::Excluded,
            "small_collective",
            format!(
                "Tập thể chỉ có {leaders} lãnh đạo trực tiếp (cần từ {} trở lên): đánh giá như cá nhân lãnh đạo",
                params.collective_min_leaders
            ),
            sources.small_collective,
            &mut reasons,
        );
    }

    let mut attachments = Vec::new();
    if participation == Participation::ReviewAndClassify && facts.kind.is_individual() {
        if let Some(temporary) = &facts.temporary_activity
            && params.temporary_branch_comment
        {
            attachments.push(Attachment {
                kind: AttachmentKind::TemporaryBranchComment,
                received: temporary.comment_received,
                message:
                    "Nhận xét của chi bộ nơi sinh hoạt tạm thời gửi chi bộ nơi sinh hoạt chính thức"
                        .into(),
                citation: Citation::new(rule("temporary_comment"), sources.temporary_comment),
            });
        }
        if let (Some(transfer), Some(months)) = (&facts.transfer, params.transfer_comment_months)
            && transfer.months_at_previous >= months
        {
            attachments.push(Attachment {
                kind: AttachmentKind::PreviousBranchComment,
                received: transfer.previous_comment_received,
                message: format!(
                    "Công tác {} tháng ở chi bộ cũ (từ {months} tháng trở lên): cần ý kiến nhận xét của chi bộ nơi chuyển đi",
                    transfer.months_at_previous
                ),
                citation: Citation::new(rule("transfer_comment"), sources.transfer_comment),
            });
        }
        if let Some(civil_service) = &facts.civil_service
            && params.civil_service_rating_first
        {
            attachments.push(Attachment {
                kind: AttachmentKind::CivilServiceRating,
                received: civil_service.rating.is_some(),
                message: "Kết quả xếp loại công chức, viên chức của năm".into(),
                citation: Citation::new(rule("civil_service_first"), sources.civil_service_first),
            });
        }
    }
    Eligibility {
        participation,
        reasons,
        attachments,
        responsibility_period,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{CivilService, StatusPeriod, TemporaryActivity, Transfer};
    use crate::ruleset::RuleSetId;
    use time::macros::date;

    fn member() -> SubjectFacts {
        let mut facts = SubjectFacts::new(SubjectKind::MemberWithoutPost);
        facts.admitted_on = Some(date!(2010 - 05 - 19));
        facts.official_on = Some(date!(2011 - 05 - 19));
        facts
    }

    fn status(kind: StatusKind) -> StatusPeriod {
        StatusPeriod {
            kind,
            from: date!(2020 - 03 - 01),
            to: None,
        }
    }

    const AS_OF: Date = date!(2020 - 12 - 15);

    #[test]
    fn months_are_added_on_the_calendar() {
        assert_eq!(add_months(date!(2020 - 08 - 31), 6), date!(2021 - 02 - 28));
        assert_eq!(add_months(date!(2020 - 06 - 15), 6), date!(2020 - 12 - 15));
    }

    #[test]
    fn exempt_and_suspended_members_are_excluded_under_hd21() {
        // HD 21 Mục II: trừ (a) miễn công tác và sinh hoạt đảng, (b) đình chỉ sinh hoạt đảng.
        let book = RuleBook::national(RuleSetId::Qd132Hd21);
        for kind in [
            StatusKind::ExemptFromPartyWork,
            StatusKind::SuspendedFromParty,
        ] {
            let mut facts = member();
            facts.statuses.push(status(kind));
            let result = eligibility(&book, &facts, AS_OF);
            assert_eq!(result.participation, Participation::Excluded, "{kind:?}");
            assert!(result.reasons[0].citation.source.contains("HD 21"));
        }
    }

    #[test]
    fn suspended_members_were_still_evaluated_under_hd16() {
        let book = RuleBook::national(RuleSetId::Qd132Hd16);
        let mut facts = member();
        facts.statuses.push(status(StatusKind::SuspendedFromParty));
        assert_eq!(
            eligibility(&book, &facts, AS_OF).participation,
            Participation::ReviewAndClassify
        );
    }

    #[test]
    fn suspended_from_the_committee_only_is_still_classified() {
        // HD 21; seed 003 mục A.1.2; HD 43 tiểu mục 7.7.
        for id in [RuleSetId::Qd132Hd21, RuleSetId::Qd366Hd43] {
            let mut facts = member();
            facts.kind = SubjectKind::MemberWithPost;
            facts
                .statuses
                .push(status(StatusKind::SuspendedFromCommittee));
            let result = eligibility(&RuleBook::national(id), &facts, AS_OF);
            assert_eq!(result.participation, Participation::ReviewAndClassify);
            assert_eq!(result.reasons[0].code, "suspended_from_committee");
        }
    }

    #[test]
    fn a_status_that_ended_before_the_review_does_not_count() {
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        let mut facts = member();
        facts.statuses.push(StatusPeriod {
            kind: StatusKind::SuspendedFromParty,
            from: date!(2025 - 01 - 01),
            to: Some(date!(2025 - 06 - 30)),
        });
        assert!(eligibility(&book, &facts, date!(2025 - 12 - 15)).classified());
    }

    #[test]
    fn new_members_are_reviewed_not_classified_under_hd21_but_excluded_under_qd366() {
        let mut facts = member();
        facts.admitted_on = Some(date!(2020 - 07 - 01));
        facts.official_on = None;
        let hd21 = eligibility(&RuleBook::national(RuleSetId::Qd132Hd21), &facts, AS_OF);
        assert_eq!(hd21.participation, Participation::ReviewOnly);
        assert!(hd21.reasons[0].citation.source.contains("tiểu mục 6"));
        facts.admitted_on = Some(date!(2025 - 07 - 01));
        let qd366 = eligibility(
            &RuleBook::national(RuleSetId::Qd366Hd43),
            &facts,
            date!(2025 - 12 - 15),
        );
        assert_eq!(qd366.participation, Participation::Excluded);
        assert!(qd366.reasons[0].citation.source.contains("Điều 5"));
        // Exactly six months is enough.
        facts.admitted_on = Some(date!(2025 - 06 - 15));
        assert!(
            eligibility(
                &RuleBook::national(RuleSetId::Qd366Hd43),
                &facts,
                date!(2025 - 12 - 15)
            )
            .classified()
        );
    }

    #[test]
    fn organisations_under_six_months_are_not_classified() {
        let mut facts = SubjectFacts::new(SubjectKind::Organisation);
        facts.org_kind = Some(crate::subject::OrgKind::SubordinateBranch);
        facts.founded_on = Some(date!(2020 - 09 - 01));
        let result = eligibility(&RuleBook::national(RuleSetId::Qd132Hd21), &facts, AS_OF);
        assert_eq!(result.participation, Participation::ReviewOnly);
    }

    #[test]
    fn collectives_with_one_leader_are_not_classified_as_collectives() {
        let mut facts = SubjectFacts::new(SubjectKind::Collective);
        facts.direct_leaders = Some(1);
        let result = eligibility(&RuleBook::national(RuleSetId::Qd132Hd21), &facts, AS_OF);
        assert_eq!(result.participation, Participation::Excluded);
        assert_eq!(result.reasons[0].code, "small_collective");
    }

    #[test]
    fn collectives_were_not_subjects_before_2018() {
        let facts = SubjectFacts::new(SubjectKind::Collective);
        let result = eligibility(
            &RuleBook::national(RuleSetId::Hd20),
            &facts,
            date!(2010 - 12 - 15),
        );
        assert_eq!(result.participation, Participation::Excluded);
    }

    #[test]
    fn temporary_transfer_and_civil_service_attachments() {
        let book = RuleBook::national(RuleSetId::Qd132Hd21);
        let mut facts = member();
        facts.temporary_activity = Some(TemporaryActivity {
            comment_received: false,
        });
        facts.transfer = Some(Transfer {
            months_at_previous: 7,
            previous_comment_received: true,
        });
        facts.civil_service = Some(CivilService { rating: None });
        let result = eligibility(&book, &facts, AS_OF);
        let kinds: Vec<_> = result
            .attachments
            .iter()
            .map(|a| (a.kind, a.received))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (AttachmentKind::TemporaryBranchComment, false),
                (AttachmentKind::PreviousBranchComment, true),
                (AttachmentKind::CivilServiceRating, false),
            ]
        );
        assert!(!result.attachments_complete());
        facts.transfer.as_mut().unwrap().months_at_previous = 5;
        let result = eligibility(&book, &facts, AS_OF);
        assert!(
            !result
                .attachments
                .iter()
                .any(|a| a.kind == AttachmentKind::PreviousBranchComment)
        );
    }
}
