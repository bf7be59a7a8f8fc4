//! The notice before a meeting: the draft collective report circulated
//! `review.draft_notice_working_days` working days before (the rules crate's
//! [`calendar`](kiemdiem_rules::calendar): weekends, public holidays and their compensation, the
//! announced schedules), an individual's self-review submitted `review.self_review_notice_days`
//! days before. A failed notice may be overridden with a recorded reason; that decision is the
//! caller's.

use crate::date_vi;
use kiemdiem_rules::calendar;
use kiemdiem_rules::{RuleBook, SubjectKind};
use kiemdiem_store::cycle::review::SelfReviewRow;
use time::Date;

/// What is wrong with the notice given before a meeting held on `held_on`, if anything: the
/// draft report of an organisation or collective, the self-review of an individual.
pub(super) fn notice_problem(
    book: &RuleBook,
    kind: SubjectKind,
    review: Option<&SelfReviewRow>,
    held_on: Date,
) -> Option<String> {
    match (review, kind) {
        (Some(r), SubjectKind::Organisation | SubjectKind::Collective) => {
            let needed = book.params.review.draft_notice_working_days;
            let calendar = calendar::national();
            match r.draft_sent_on {
                Some(sent) if calendar.working_days_between(sent, held_on) >= needed => None,
                Some(sent) => {
                    let holidays: Vec<String> = calendar
                        .days_off_between(sent, held_on)
                        .iter()
                        .map(|day| {
                            let off = match day.kind {
                                calendar::DayOffKind::Compensatory => "nghỉ bù",
                                _ => "nghỉ",
                            };
                            format!("{} {off} {}", date_vi(day.date), day.holiday.name_vi())
                        })
                        .collect();
                    let holidays = if holidays.is_empty() {
                        String::new()
                    } else {
                        format!("; không kể {}", holidays.join(", "))
                    };
                    Some(format!(
                        "Dự thảo báo cáo kiểm điểm gửi ngày {}, chỉ {} ngày làm việc trước hội nghị ngày {} (cần ít nhất {needed}{holidays})",
                        date_vi(sent),
                        calendar.working_days_between(sent, held_on),
                        date_vi(held_on)
                    ))
                }
                None => Some(
                    "Chưa ghi ngày gửi dự thảo báo cáo kiểm điểm cho thành viên dự hội nghị"
                        .to_owned(),
                ),
            }
        }
        (Some(r), _) => {
            let needed = i64::from(book.params.review.self_review_notice_days);
            match r.submitted_on {
                Some(on) if (held_on - on).whole_days() >= needed => None,
                Some(on) => Some(format!(
                    "Bản kiểm điểm nộp ngày {}, chưa đủ {needed} ngày trước hội nghị ngày {}",
                    date_vi(on),
                    date_vi(held_on)
                )),
                None => Some("Bản kiểm điểm chưa nộp".to_owned()),
            }
        }
        (None, _) => Some("Chưa có bản kiểm điểm".to_owned()),
    }
}
