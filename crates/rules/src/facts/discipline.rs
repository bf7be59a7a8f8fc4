//! Discipline decisions (quyết định kỷ luật) as the rules read them: where a violation counts,
//! and one violation counted once in a year even when its penalty was raised.

use crate::subject::DisciplineForm;
use serde::{Deserialize, Serialize};
use time::Date;

/// A discipline decision (quyết định kỷ luật).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisciplineRecord {
    pub form: DisciplineForm,
    /// When the violation happened (ngày vi phạm), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violation_on: Option<Date>,
    /// When the discipline was decided (ngày quyết định).
    pub decided_on: Date,
    /// The violation happened at an organisation the subject has since left (counts there).
    #[serde(default)]
    pub at_previous_unit: bool,
    /// The violation is related to duty or public service (liên quan chức trách, công vụ).
    #[serde(default)]
    pub duty_related: bool,
    /// Self-detected and consequences remedied (tự phát hiện, khắc phục xong hậu quả).
    #[serde(default)]
    pub self_detected_remedied: bool,
    /// Already counted in an earlier year's classification (one violation counts once).
    #[serde(default)]
    pub counted_before: bool,
    /// For a collective's member: unrelated to the collective's remit.
    #[serde(default)]
    pub unrelated_to_collective: bool,
    /// What identifies the violation (e.g. the inspection conclusion's number): the records of one
    /// violation disciplined more than once in the year (the penalty raised) count once, at the
    /// heaviest form. Records without it are distinct violations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violation: Option<String>,
}

/// Where a discipline counts, for the organisations' tallies (seed 003 mục B.6; QĐ 366 Điều 11):
/// a violation committed at a previous organisation but disciplined at the new one counts against
/// the organisation where it happened.
pub fn discipline_counts_at_current_unit(record: &DisciplineRecord) -> bool {
    !record.at_previous_unit
}

/// The records of `records` decided in `year`, one group per violation: records naming the same
/// [`DisciplineRecord::violation`] are one violation ("một vi phạm bị xử lý kỷ luật chỉ tính một
/// lần khi xếp loại", HD 21-HD/BTCTW Tiết 2 Điểm B Mục II), in the order of their first record;
/// a record without it is a violation of its own. A rule counts a group once, on whichever of its
/// records it counts most.
pub fn counted_once(records: &[DisciplineRecord], year: i32) -> Vec<Vec<&DisciplineRecord>> {
    let mut groups: Vec<Vec<&DisciplineRecord>> = Vec::new();
    for record in records.iter().filter(|r| r.decided_on.year() == year) {
        let same = record.violation.as_ref().and_then(|id| {
            groups
                .iter()
                .position(|group| group[0].violation.as_ref() == Some(id))
        });
        match same {
            Some(at) => groups[at].push(record),
            None => groups.push(vec![record]),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn record(form: DisciplineForm, decided_on: Date, violation: Option<&str>) -> DisciplineRecord {
        DisciplineRecord {
            form,
            violation_on: None,
            decided_on,
            at_previous_unit: false,
            duty_related: false,
            self_detected_remedied: false,
            counted_before: false,
            unrelated_to_collective: false,
            violation: violation.map(str::to_owned),
        }
    }

    #[test]
    fn violation_elsewhere_counts_there() {
        let record = DisciplineRecord {
            violation: None,
            form: DisciplineForm::KhienTrach,
            violation_on: None,
            decided_on: date!(2020 - 06 - 01),
            at_previous_unit: true,
            duty_related: false,
            self_detected_remedied: false,
            counted_before: false,
            unrelated_to_collective: false,
        };
        assert!(!discipline_counts_at_current_unit(&record));
    }

    #[test]
    fn the_records_of_one_violation_in_the_year_are_one_group() {
        // HD 21-HD/BTCTW Tiết 2 Điểm B Mục II: một vi phạm bị xử lý kỷ luật chỉ tính một lần.
        let records = [
            record(
                DisciplineForm::KhienTrach,
                date!(2020 - 03 - 01),
                Some("KL-12"),
            ),
            record(DisciplineForm::KhienTrach, date!(2020 - 05 - 01), None),
            record(
                DisciplineForm::CanhCao,
                date!(2020 - 10 - 01),
                Some("KL-12"),
            ),
            record(
                DisciplineForm::CanhCao,
                date!(2019 - 10 - 01),
                Some("KL-12"),
            ),
        ];
        let groups = counted_once(&records, 2020);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].len(), 2);
        assert_eq!(groups[0][1].form, DisciplineForm::CanhCao);
        assert_eq!(groups[1].len(), 1);
    }
}
