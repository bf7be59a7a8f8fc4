//! The notice before a meeting: the draft collective report circulated
//! `review.draft_notice_working_days` working days (Mon–Fri) before, an individual's self-review
//! submitted `review.self_review_notice_days` days before. A failed notice may be overridden with
//! a recorded reason; that decision is the caller's.

use crate::date_vi;
use kiemdiem_rules::{RuleBook, SubjectKind};
use kiemdiem_store::cycle::review::SelfReviewRow;
use time::{Date, Duration, Weekday};

/// Working days (Monday to Friday) strictly between `sent` and `meeting`. Public holidays are
/// not modelled.
pub fn working_days_between(sent: Date, meeting: Date) -> u32 {
    let mut day = sent + Duration::days(1);
    let mut count = 0;
    while day < meeting {
        if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
            count += 1;
        }
        day += Duration::days(1);
    }
    count
}

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
            match r.draft_sent_on {
                Some(sent) if working_days_between(sent, held_on) >= needed => None,
                Some(sent) => Some(format!(
                    "Dự thảo báo cáo kiểm điểm gửi ngày {}, chỉ {} ngày làm việc trước hội nghị ngày {} (cần ít nhất {needed})",
                    date_vi(sent),
                    working_days_between(sent, held_on),
                    date_vi(held_on)
                )),
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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn working_days_skip_weekends() {
        // Monday 1 Dec 2025 → Thursday 4 Dec: Tuesday and Wednesday only.
        assert_eq!(
            working_days_between(date!(2025 - 12 - 01), date!(2025 - 12 - 04)),
            2
        );
        assert_eq!(
            working_days_between(date!(2025 - 12 - 01), date!(2025 - 12 - 05)),
            3
        );
        // Friday 5 Dec → Wednesday 10 Dec: Monday, Tuesday.
        assert_eq!(
            working_days_between(date!(2025 - 12 - 05), date!(2025 - 12 - 10)),
            2
        );
    }
}
