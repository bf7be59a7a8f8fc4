//! Process timing (thời gian, thời hạn): the notice a draft collective report gives its review
//! meeting in working days (with the [`calendar`](crate::calendar)), the notice of an
//! individual's self-review, the minimum length of a review meeting, and the year's deadlines —
//! finishing by 31/12 (15/01 of the next year for units that do not close their year at its end),
//! the dossier and the report of the next year, and a local layer's own dates. Each check answers
//! on time, late, or refused, with the rule and its source; an era without the rule says so.

use crate::calendar::{Calendar, DayOff};
use crate::cite::Citation;
use crate::ruleset::RuleBook;
use crate::ruleset::params::DayMonth;
use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// What a timing check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimingStatus {
    /// Within the time the rule allows.
    OnTime,
    /// After a deadline: done, but late.
    Late,
    /// A condition of the step is not met: the meeting may not go ahead or be closed as held.
    Refused,
    /// The era sets no such time nationally: the committee's own plan applies.
    NoRule,
}

/// The outcome of one timing check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimingCheck {
    /// `draft_notice`, `self_review_notice`, `meeting_length`, or the deadline's step.
    pub check: String,
    pub status: TimingStatus,
    pub message: String,
    pub citation: Citation,
    /// Weekdays that were not working days in the notice period (holidays, compensation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days_off: Vec<DayOff>,
}

/// A national deadline of the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStep {
    /// The review, evaluation and classification finished (HD 43 Mục 4: trước 31/12).
    Finish,
    /// The same, for a unit that does not close its year at the year's end (trước 15/01).
    FinishSpecialUnit,
    /// The dossier (Mẫu 04) sent to the Central Organisation Commission (trước 01/02).
    Dossier,
    /// The Central Organisation Commission's report to the Politburo (trước 01/03).
    Report,
}

impl DeadlineStep {
    pub const ALL: [DeadlineStep; 4] = [
        DeadlineStep::Finish,
        DeadlineStep::FinishSpecialUnit,
        DeadlineStep::Dossier,
        DeadlineStep::Report,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DeadlineStep::Finish => "finish",
            DeadlineStep::FinishSpecialUnit => "finish_special_unit",
            DeadlineStep::Dossier => "dossier",
            DeadlineStep::Report => "report",
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            DeadlineStep::Finish => "Hoàn thành kiểm điểm, đánh giá, xếp loại",
            DeadlineStep::FinishSpecialUnit => {
                "Hoàn thành kiểm điểm, đánh giá, xếp loại (đơn vị không kết thúc năm công tác vào cuối năm)"
            }
            DeadlineStep::Dossier => "Gửi hồ sơ về Ban Tổ chức Trung ương (Mẫu 04)",
            DeadlineStep::Report => "Ban Tổ chức Trung ương báo cáo Bộ Chính trị",
        }
    }

    /// The rule-set date and whether it falls in the next year.
    fn date(self, book: &RuleBook) -> (Option<DayMonth>, i32) {
        let review = &book.params.review;
        match self {
            DeadlineStep::Finish => (review.finish_by, 0),
            DeadlineStep::FinishSpecialUnit => (review.special_units_finish_by, 1),
            DeadlineStep::Dossier => (review.dossier_by, 1),
            DeadlineStep::Report => (review.report_by, 1),
        }
    }
}

fn date_vi(date: Date) -> String {
    format!(
        "{:02}/{:02}/{}",
        date.day(),
        u8::from(date.month()),
        date.year()
    )
}

fn citation(book: &RuleBook, name: &str, source: &str) -> Citation {
    Citation::new(format!("{}.{name}", book.rule_set), source)
}

/// A date that repeats every year, in `year`.
fn in_year(day_month: DayMonth, year: i32) -> Option<Date> {
    let month = Month::try_from(day_month.month).ok()?;
    Date::from_calendar_date(year, month, day_month.day).ok()
}

/// The draft collective report sent on `sent` for a meeting on `meeting`: at least
/// `review.draft_notice_working_days` working days strictly between the two.
pub fn draft_notice(
    book: &RuleBook,
    calendar: &Calendar,
    sent: Date,
    meeting: Date,
) -> TimingCheck {
    let needed = book.params.review.draft_notice_working_days;
    let given = calendar.working_days_between(sent, meeting);
    let days_off = calendar.days_off_between(sent, meeting);
    let skipped = if days_off.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = days_off
            .iter()
            .map(|d| format!("{} ({})", date_vi(d.date), d.holiday.name_vi()))
            .collect();
        format!("; không kể ngày nghỉ {}", names.join(", "))
    };
    let (status, verdict) = if sent < meeting && given >= needed {
        (TimingStatus::OnTime, "đủ")
    } else {
        (
            TimingStatus::Refused,
            "chưa đủ: hội nghị chỉ tiến hành khi ghi rõ lý do",
        )
    };
    TimingCheck {
        check: "draft_notice".into(),
        status,
        message: format!(
            "Dự thảo báo cáo gửi ngày {}, hội nghị ngày {}: {given} ngày làm việc ở giữa, cần ít nhất {needed} — {verdict}{skipped}",
            date_vi(sent),
            date_vi(meeting)
        ),
        citation: citation(
            book,
            "review.draft_notice_working_days",
            book.sources().review_notice,
        ),
        days_off,
    }
}

/// An individual's self-review submitted on `submitted` for a meeting on `meeting`: at least
/// `review.self_review_notice_days` days before.
pub fn self_review_notice(book: &RuleBook, submitted: Date, meeting: Date) -> TimingCheck {
    let needed = i64::from(book.params.review.self_review_notice_days);
    let given = (meeting - submitted).whole_days();
    let (status, verdict) = if given >= needed {
        (TimingStatus::OnTime, "đủ")
    } else {
        (TimingStatus::Refused, "chưa đủ")
    };
    TimingCheck {
        check: "self_review_notice".into(),
        status,
        message: format!(
            "Bản kiểm điểm nộp ngày {}, hội nghị ngày {}: trước {given} ngày, cần ít nhất {needed} ngày — {verdict}",
            date_vi(submitted),
            date_vi(meeting)
        ),
        citation: citation(
            book,
            "review.self_review_notice_days",
            book.sources().review_notice,
        ),
        days_off: Vec::new(),
    }
}

/// The minimum length of a review meeting of `body` (a key of `review.min_meeting_half_days`;
/// `suggested` for a meeting where the upper level suggested points to review), in half-days.
pub fn meeting_minimum(book: &RuleBook, body: &str, suggested: bool) -> (String, u32) {
    let durations = &book.params.review.min_meeting_half_days;
    let suggested_key = format!("{body}_suggested");
    let key = [suggested.then_some(suggested_key.as_str()), Some(body)]
        .into_iter()
        .flatten()
        .find(|k| durations.contains_key(*k))
        .unwrap_or("default");
    (key.to_owned(), durations.get(key).copied().unwrap_or(0))
}

/// The kind of meeting a key of `review.min_meeting_half_days` stands for, as people say it.
pub fn meeting_kind_vi(key: &str) -> String {
    let (body, suggested) = match key.strip_suffix("_suggested") {
        Some(body) => (body, true),
        None => (key, false),
    };
    let name = match body {
        "province_standing_committee" => "hội nghị Ban Thường vụ tỉnh ủy, thành ủy",
        "grassroots_committee" => "hội nghị đảng ủy cơ sở",
        "district_branch" => "hội nghị chi bộ trực thuộc huyện ủy",
        "district_unit_leadership" => {
            "hội nghị tập thể lãnh đạo phòng, ban, cơ quan, đơn vị cấp huyện"
        }
        "branch" => "hội nghị chi bộ",
        _ => "hội nghị kiểm điểm",
    };
    if suggested {
        format!("{name} nơi được gợi ý kiểm điểm")
    } else {
        name.to_owned()
    }
}

/// A review meeting of `body` that lasted `half_days` half-days.
pub fn meeting_length(book: &RuleBook, body: &str, suggested: bool, half_days: u32) -> TimingCheck {
    let (key, minimum) = meeting_minimum(book, body, suggested);
    let (status, verdict) = if half_days >= minimum {
        (TimingStatus::OnTime, "đủ")
    } else {
        (
            TimingStatus::Refused,
            "chưa đủ: chỉ kết thúc hội nghị khi ghi rõ lý do",
        )
    };
    TimingCheck {
        check: "meeting_length".into(),
        status,
        message: format!(
            "Hội nghị kéo dài {half_days} buổi, {} tối thiểu {minimum} buổi — {verdict}",
            meeting_kind_vi(&key)
        ),
        citation: citation(
            book,
            "review.min_meeting_half_days",
            book.sources().meeting_duration,
        ),
        days_off: Vec::new(),
    }
}

fn against(
    book: &RuleBook,
    check: String,
    what: &str,
    due: Date,
    done_on: Date,
    source: &str,
    name: &str,
) -> TimingCheck {
    let included = book.params.review.deadline_day_included;
    let on_time = done_on < due || (included && done_on == due);
    let (status, verdict) = if on_time {
        (TimingStatus::OnTime, "đúng hạn")
    } else {
        (TimingStatus::Late, "chậm")
    };
    TimingCheck {
        check,
        status,
        message: format!(
            "{what}: ngày {}, thời hạn trước ngày {}{} — {verdict}",
            date_vi(done_on),
            date_vi(due),
            if included {
                " (tính cả ngày đó)"
            } else {
                ""
            }
        ),
        citation: Citation::new(format!("{}.{name}", book.rule_set), source),
        days_off: Vec::new(),
    }
}

/// A national deadline of the evaluation `year` met (or not) on `done_on`.
pub fn deadline(book: &RuleBook, year: i32, step: DeadlineStep, done_on: Date) -> TimingCheck {
    let source = book.sources().finish_by;
    match step.date(book) {
        (Some(day_month), offset) => match in_year(day_month, year + offset) {
            Some(due) => against(
                book,
                step.code().to_owned(),
                step.name_vi(),
                due,
                done_on,
                source,
                &format!("review.deadline.{}", step.code()),
            ),
            None => no_rule(book, step, source),
        },
        (None, _) => no_rule(book, step, source),
    }
}

fn no_rule(book: &RuleBook, step: DeadlineStep, source: &str) -> TimingCheck {
    TimingCheck {
        check: step.code().to_owned(),
        status: TimingStatus::NoRule,
        message: format!(
            "{}: không có thời hạn chung trong văn bản của thời kỳ này; theo kế hoạch của cấp ủy",
            step.name_vi()
        ),
        citation: citation(book, &format!("review.deadline.{}", step.code()), source),
        days_off: Vec::new(),
    }
}

/// A deadline of the local layer (by its step's text) met on `done_on`; `None` when the layer
/// has no such step.
pub fn local_deadline(
    book: &RuleBook,
    year: i32,
    step: &str,
    done_on: Date,
) -> Option<TimingCheck> {
    let local = book.local.as_ref()?;
    let deadline = local.deadlines.iter().find(|d| d.step == step)?;
    let due = in_year(
        DayMonth {
            day: deadline.day,
            month: deadline.month,
        },
        year + i32::from(deadline.year_offset),
    )?;
    Some(against(
        book,
        deadline.step.clone(),
        &deadline.step,
        due,
        done_on,
        &deadline.source,
        "local.deadline",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar;
    use crate::ruleset::{RuleSetId, builtin_local_layer};
    use time::macros::date;

    #[test]
    fn the_draft_report_needs_three_working_days_counted_on_the_calendar() {
        // QĐ 366-QĐ/TW Điều 7; HD 43 Mục 2: dự thảo gửi trước ít nhất 03 ngày làm việc. Sent on
        // Friday 29/08/2025, the meeting on Friday 05/09: 01–02/09 are Quốc khánh, 03–04/09 remain.
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        let check = draft_notice(
            &book,
            calendar::national(),
            date!(2025 - 08 - 29),
            date!(2025 - 09 - 05),
        );
        assert_eq!(check.status, TimingStatus::Refused);
        assert_eq!(check.days_off.len(), 2);
        assert!(
            check.message.contains("2 ngày làm việc"),
            "{}",
            check.message
        );
        assert!(check.citation.source.contains("03 ngày làm việc"));
        let check = draft_notice(
            &book,
            calendar::national(),
            date!(2025 - 12 - 01),
            date!(2025 - 12 - 05),
        );
        assert_eq!(check.status, TimingStatus::OnTime);
    }

    #[test]
    fn a_meeting_lasts_at_least_a_day_under_hd43_two_for_a_provincial_standing_committee() {
        // HD 43-HD/BTCTW Mục 2: ít nhất 01 ngày; BTV tỉnh ủy ít nhất 02 ngày.
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        assert_eq!(
            meeting_length(&book, "grassroots_committee", false, 1).status,
            TimingStatus::Refused
        );
        assert_eq!(
            meeting_length(&book, "grassroots_committee", false, 2).status,
            TimingStatus::OnTime
        );
        let check = meeting_length(&book, "province_standing_committee", false, 3);
        assert_eq!(check.status, TimingStatus::Refused);
        assert!(check.message.contains("tối thiểu 4 buổi"));
        // The 2019 district guide: 1.5 days where a review was suggested.
        let seed003 = RuleBook::with_local(
            RuleSetId::Qd132Hd21,
            builtin_local_layer("seed003-huyen-2019").unwrap().clone(),
        )
        .unwrap();
        assert_eq!(meeting_minimum(&seed003, "grassroots_committee", true).1, 3);
        assert_eq!(meeting_minimum(&seed003, "unknown_body", true).1, 1);
    }

    #[test]
    fn the_year_finishes_before_31_12_or_15_01_for_special_units_and_the_dossier_before_01_02() {
        // HD 43-HD/BTCTW Mục 4.
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        let finish = |on| deadline(&book, 2025, DeadlineStep::Finish, on).status;
        assert_eq!(finish(date!(2025 - 12 - 30)), TimingStatus::OnTime);
        // "trước ngày 31/12" read literally: the day itself is late (review.deadline_day_included).
        assert_eq!(finish(date!(2025 - 12 - 31)), TimingStatus::Late);
        let mut inclusive = book.clone();
        inclusive.params.review.deadline_day_included = true;
        assert_eq!(
            deadline(
                &inclusive,
                2025,
                DeadlineStep::Finish,
                date!(2025 - 12 - 31)
            )
            .status,
            TimingStatus::OnTime
        );
        let special = deadline(
            &book,
            2025,
            DeadlineStep::FinishSpecialUnit,
            date!(2026 - 01 - 10),
        );
        assert_eq!(special.status, TimingStatus::OnTime);
        assert!(special.message.contains("15/01/2026"));
        assert_eq!(
            deadline(&book, 2025, DeadlineStep::Dossier, date!(2026 - 02 - 03)).status,
            TimingStatus::Late
        );
        assert_eq!(
            deadline(&book, 2025, DeadlineStep::Report, date!(2026 - 02 - 27)).status,
            TimingStatus::OnTime
        );
        // No national deadline under HD 21: the committee's plan.
        let hd21 = RuleBook::national(RuleSetId::Qd132Hd21);
        assert_eq!(
            deadline(&hd21, 2020, DeadlineStep::Finish, date!(2020 - 12 - 30)).status,
            TimingStatus::NoRule
        );
    }

    #[test]
    fn a_local_layer_checks_its_own_dates() {
        // Kế hoạch 131-KH/TU (Nghệ An, 2022): cấp tỉnh xong trước ngày 15/01/2023.
        let book = RuleBook::with_local(
            RuleSetId::Qd132Hd21,
            builtin_local_layer("seed004-nghe-an-2022").unwrap().clone(),
        )
        .unwrap();
        let check =
            local_deadline(&book, 2022, "Cấp tỉnh hoàn thành", date!(2023 - 01 - 16)).unwrap();
        assert_eq!(check.status, TimingStatus::Late);
        assert!(check.citation.source.contains("131-KH/TU"));
        assert!(local_deadline(&book, 2022, "Không có", date!(2023 - 01 - 16)).is_none());
    }
}
