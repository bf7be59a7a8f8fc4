//! The summary report (biểu tổng hợp) of one organisation's subtree for one year: counts and
//! shares per level for each kind of subject (organisations by kind), those excluded or not yet
//! rated with their reasons, the quota position of every comparable group with the breaches
//! named, the comparison with the previous year, and a cross-check of the totals (rated +
//! reviewed only + excluded + pending = subjects) whose mismatch is reported, never hidden.
//!
//! Pure: the caller counts the subjects (in SQL) and hands the counts over. The quota limits are
//! [`crate::quota::check_quota`]'s; nothing here re-decides a rule.

use crate::facts::LevelCounts;
use crate::quota::{QuotaCheck, check_quota};
use crate::{Level, OrgKind, RuleBook, SubjectKind};
use serde::Serialize;
use std::collections::BTreeMap;

/// The step a subject not yet rated is waiting at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Waiting {
    /// No self-review submitted yet.
    SelfReview,
    /// Self-review in, not yet reviewed at a meeting.
    Review,
    /// Reviewed, no level proposed yet.
    Proposal,
    /// Proposed, waiting for the competent level's decision.
    Decision,
}

impl Waiting {
    pub const ALL: [Waiting; 4] = [
        Waiting::SelfReview,
        Waiting::Review,
        Waiting::Proposal,
        Waiting::Decision,
    ];

    /// Why the subject is not rated yet, as the list of those not yet rated says it.
    pub fn reason_vi(self) -> &'static str {
        match self {
            Waiting::SelfReview => "Chưa nộp bản kiểm điểm",
            Waiting::Review => "Chưa kiểm điểm tại hội nghị",
            Waiting::Proposal => "Đã kiểm điểm, chưa đề xuất mức xếp loại",
            Waiting::Decision => "Đã đề xuất, chờ cấp có thẩm quyền quyết định",
        }
    }
}

/// Where one subject stands in the year.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Classified at a level by the competent body.
    Rated(Level),
    /// Reviewed but, by the rules, not classified (e.g. admitted less than six months ago).
    ReviewedOnly,
    /// Neither reviewed nor classified this year, with the reason the rules gave.
    Excluded { reason: String },
    /// Still to be rated.
    Pending(Waiting),
    /// A stored state the report cannot place (a decided subject without a level, an unknown
    /// stage): counted among the subjects, in no column, so the cross-check shows it.
    Unplaced { state: String },
}

/// A number of subjects of one kind with one outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub kind: SubjectKind,
    /// The organisation's kind, for organisation subjects.
    pub org_kind: Option<OrgKind>,
    pub outcome: Outcome,
    pub count: u64,
}

/// The line of the table a tally counts in: a kind of subject (organisations by their kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct LineKey {
    pub kind: SubjectKind,
    pub org_kind: Option<OrgKindKey>,
}

/// [`OrgKind`] in the order the tables list organisations (highest level first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct OrgKindKey(u8);

impl OrgKindKey {
    pub fn new(kind: OrgKind) -> OrgKindKey {
        OrgKindKey(
            OrgKind::ALL
                .iter()
                .position(|k| *k == kind)
                .unwrap_or_default() as u8,
        )
    }

    pub fn kind(self) -> OrgKind {
        OrgKind::ALL[usize::from(self.0)]
    }
}

impl LineKey {
    fn of(tally: &Tally) -> LineKey {
        LineKey {
            kind: tally.kind,
            org_kind: match tally.kind {
                SubjectKind::Organisation => tally.org_kind.map(OrgKindKey::new),
                _ => None,
            },
        }
    }

    /// The line's label: "Đảng viên không giữ chức vụ lãnh đạo, quản lý", "Tổ chức đảng: Chi bộ
    /// trực thuộc".
    pub fn label_vi(self) -> String {
        match self.org_kind {
            Some(org) => format!("{}: {}", self.kind.name_vi(), org.kind().name_vi()),
            None => self.kind.name_vi().to_owned(),
        }
    }
}

/// A count with its share of the subjects rated on the same line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelCell {
    pub level: Level,
    pub count: u64,
    /// The share of those rated, as Vietnamese tables write it ("12,5%"); empty when nobody
    /// is rated on the line.
    pub share: String,
}

/// One line of the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub key: LineKey,
    pub label: String,
    pub subjects: u64,
    pub rated: u64,
    /// From the highest level down.
    pub levels: Vec<LevelCell>,
    pub reviewed_only: u64,
    pub excluded: u64,
    pub pending: u64,
    /// Counted among the subjects but in no column (see [`Outcome::Unplaced`]).
    pub unplaced: u64,
}

/// Totals cross-checked: rated + reviewed only + excluded + pending must equal the subjects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrossCheck {
    /// The subjects of the plan in the subtree, as the store counts them.
    pub subjects: u64,
    pub rated: u64,
    pub reviewed_only: u64,
    pub excluded: u64,
    pub pending: u64,
    pub balanced: bool,
    /// What does not add up, in words; empty when balanced.
    pub problems: Vec<String>,
}

/// Counts by reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    pub reason: String,
    pub count: u64,
}

/// The quota position of one comparable group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaLine {
    pub group: String,
    /// The group as people name it ("đảng viên Đảng bộ xã Hợp Thành").
    pub name: String,
    pub levels: LevelCounts,
    pub check: QuotaCheck,
}

/// A comparable group's decided levels, as the caller counted them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaGroupCounts {
    pub group: String,
    pub name: String,
    pub levels: LevelCounts,
}

/// This year against the previous one, for one line and level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub label: String,
    pub level: Level,
    pub this_year: u64,
    pub this_share: String,
    pub previous_year: u64,
    pub previous_share: String,
    /// `this_year − previous_year`.
    pub change: i64,
}

/// The summary of one subtree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub lines: Vec<Line>,
    /// Every kind of subject together (organisations, collectives, members and leaders
    /// added up — shares of every rated subject).
    pub total: Line,
    pub excluded_reasons: Vec<ReasonCount>,
    pub pending_reasons: Vec<ReasonCount>,
    pub cross_check: CrossCheck,
    pub quota: Vec<QuotaLine>,
    /// One sentence per group over its quota, naming the group and the rule.
    pub breaches: Vec<String>,
    /// Empty when there is no previous year to compare with.
    pub comparison: Vec<Comparison>,
}

/// A share written the Vietnamese way with one decimal: `12,5%`, `100%`, `0%`.
pub fn share_vi(count: u64, of: u64) -> String {
    if of == 0 {
        return String::new();
    }
    // Tenths of a per cent, rounded half up, in integers.
    let tenths = (count * 1000 * 2 + of) / (of * 2);
    let (whole, tenth) = (tenths / 10, tenths % 10);
    if tenth == 0 {
        format!("{whole}%")
    } else {
        format!("{whole},{tenth}%")
    }
}

fn empty_line(key: LineKey, label: String) -> Line {
    Line {
        key,
        label,
        subjects: 0,
        rated: 0,
        levels: Level::DESCENDING
            .iter()
            .map(|level| LevelCell {
                level: *level,
                count: 0,
                share: String::new(),
            })
            .collect(),
        reviewed_only: 0,
        excluded: 0,
        pending: 0,
        unplaced: 0,
    }
}

fn add(line: &mut Line, outcome: &Outcome, count: u64) {
    line.subjects += count;
    match outcome {
        Outcome::Rated(level) => {
            line.rated += count;
            if let Some(cell) = line.levels.iter_mut().find(|c| c.level == *level) {
                cell.count += count;
            }
        }
        Outcome::ReviewedOnly => line.reviewed_only += count,
        Outcome::Excluded { .. } => line.excluded += count,
        Outcome::Pending(_) => line.pending += count,
        Outcome::Unplaced { .. } => line.unplaced += count,
    }
}

fn finish(line: &mut Line) {
    for cell in &mut line.levels {
        cell.share = share_vi(cell.count, line.rated);
    }
}

/// The lines of a set of tallies, in the tables' order, and their total.
pub fn lines(tallies: &[Tally]) -> (Vec<Line>, Line) {
    let mut by_line: BTreeMap<LineKey, Line> = BTreeMap::new();
    let total_key = LineKey {
        kind: SubjectKind::Organisation,
        org_kind: None,
    };
    let mut total = empty_line(total_key, "Tổng số".to_owned());
    for tally in tallies {
        let key = LineKey::of(tally);
        let line = by_line
            .entry(key)
            .or_insert_with(|| empty_line(key, key.label_vi()));
        add(line, &tally.outcome, tally.count);
        add(&mut total, &tally.outcome, tally.count);
    }
    let mut lines: Vec<Line> = by_line.into_values().collect();
    for line in &mut lines {
        finish(line);
    }
    finish(&mut total);
    (lines, total)
}

fn reasons(tallies: &[Tally], pick: impl Fn(&Outcome) -> Option<String>) -> Vec<ReasonCount> {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for tally in tallies {
        if let Some(reason) = pick(&tally.outcome) {
            *counts.entry(reason).or_default() += tally.count;
        }
    }
    let mut out: Vec<ReasonCount> = counts
        .into_iter()
        .map(|(reason, count)| ReasonCount { reason, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
    out
}

/// Checks that the columns add up to `subjects` (the store's own count of the subtree's
/// subjects) and says what does not.
pub fn cross_check(total: &Line, subjects: u64, tallies: &[Tally]) -> CrossCheck {
    let counted = total.rated + total.reviewed_only + total.excluded + total.pending;
    let mut problems = Vec::new();
    if counted != subjects {
        problems.push(format!(
            "Số được xếp loại ({}) + chỉ kiểm điểm ({}) + không kiểm điểm ({}) + chưa xếp loại ({}) = {counted}, khác tổng số đối tượng của kế hoạch ({subjects}), chênh lệch {}",
            total.rated,
            total.reviewed_only,
            total.excluded,
            total.pending,
            counted.abs_diff(subjects)
        ));
    }
    let mut unplaced: BTreeMap<&str, u64> = BTreeMap::new();
    for tally in tallies {
        if let Outcome::Unplaced { state } = &tally.outcome {
            *unplaced.entry(state).or_default() += tally.count;
        }
    }
    for (state, count) in unplaced {
        problems.push(format!(
            "{count} đối tượng ở trạng thái không xếp được vào cột nào: {state}"
        ));
    }
    CrossCheck {
        subjects,
        rated: total.rated,
        reviewed_only: total.reviewed_only,
        excluded: total.excluded,
        pending: total.pending,
        balanced: problems.is_empty(),
        problems,
    }
}

/// The quota position of every group, by the rule book's quota rule, and a sentence for each
/// breach. A group the rule book cannot check (a request error) is reported as a breach of its
/// own, with the rules' words.
pub fn quota_lines(book: &RuleBook, groups: &[QuotaGroupCounts]) -> (Vec<QuotaLine>, Vec<String>) {
    let mut lines = Vec::new();
    let mut breaches = Vec::new();
    for group in groups {
        match check_quota(book, &group.levels, None) {
            Ok(check) => {
                if let Some(violation) = &check.violation {
                    breaches.push(format!(
                        "Nhóm {}: {} ({})",
                        group.name, violation.message, violation.citation.source
                    ));
                }
                lines.push(QuotaLine {
                    group: group.group.clone(),
                    name: group.name.clone(),
                    levels: group.levels,
                    check,
                });
            }
            Err(error) => breaches.push(format!(
                "Nhóm {}: không kiểm tra được tỷ lệ: {}",
                group.name, error.problem
            )),
        }
    }
    (lines, breaches)
}

/// This year's lines against the previous year's, level by level, for every line either year
/// has (and the total).
pub fn compare(this: &[Line], this_total: &Line, previous: &[Tally]) -> Vec<Comparison> {
    let (before, before_total) = lines(previous);
    let mut keys: Vec<LineKey> = this.iter().map(|l| l.key).collect();
    for line in &before {
        if !keys.contains(&line.key) {
            keys.push(line.key);
        }
    }
    keys.sort();
    let find = |lines: &[Line], key: LineKey| lines.iter().find(|l| l.key == key).cloned();
    let mut pairs: Vec<(String, Option<Line>, Option<Line>)> = keys
        .into_iter()
        .map(|key| (key.label_vi(), find(this, key), find(&before, key)))
        .collect();
    pairs.push((
        "Tổng số".to_owned(),
        Some(this_total.clone()),
        Some(before_total),
    ));
    let mut out = Vec::new();
    for (label, now, then) in pairs {
        for level in Level::DESCENDING {
            let cell = |line: &Option<Line>| {
                line.as_ref()
                    .and_then(|l| l.levels.iter().find(|c| c.level == level).cloned())
                    .map(|c| (c.count, c.share))
                    .unwrap_or((0, String::new()))
            };
            let (this_year, this_share) = cell(&now);
            let (previous_year, previous_share) = cell(&then);
            out.push(Comparison {
                label: label.clone(),
                level,
                this_year,
                this_share,
                previous_year,
                previous_share,
                change: this_year as i64 - previous_year as i64,
            });
        }
    }
    out
}

/// The whole summary: `subjects` is the store's own count of the subtree's subjects (for the
/// cross-check), `previous` the previous year's tallies when that year had a plan.
pub fn summarise(
    book: &RuleBook,
    tallies: &[Tally],
    subjects: u64,
    groups: &[QuotaGroupCounts],
    previous: Option<&[Tally]>,
) -> Summary {
    let (lines, total) = lines(tallies);
    let cross_check = cross_check(&total, subjects, tallies);
    let (quota, breaches) = quota_lines(book, groups);
    let comparison = previous
        .map(|previous| compare(&lines, &total, previous))
        .unwrap_or_default();
    Summary {
        excluded_reasons: reasons(tallies, |o| match o {
            Outcome::Excluded { reason } => Some(reason.clone()),
            _ => None,
        }),
        pending_reasons: reasons(tallies, |o| match o {
            Outcome::Pending(waiting) => Some(waiting.reason_vi().to_owned()),
            _ => None,
        }),
        lines,
        total,
        cross_check,
        quota,
        breaches,
        comparison,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn book() -> RuleBook {
        RuleBook::for_year(2025).expect("2025 rule book")
    }

    fn tally(kind: SubjectKind, outcome: Outcome, count: u64) -> Tally {
        Tally {
            kind,
            org_kind: (kind == SubjectKind::Organisation).then_some(OrgKind::SubordinateBranch),
            outcome,
            count,
        }
    }

    #[test]
    fn shares_are_written_with_a_decimal_comma() {
        assert_eq!(share_vi(1, 8), "12,5%");
        assert_eq!(share_vi(8, 8), "100%");
        assert_eq!(share_vi(0, 8), "0%");
        assert_eq!(share_vi(1, 3), "33,3%");
        assert_eq!(share_vi(2, 3), "66,7%");
        assert_eq!(share_vi(1, 0), "");
    }

    #[test]
    fn lines_count_levels_and_shares_of_those_rated() {
        let tallies = [
            tally(
                SubjectKind::MemberWithoutPost,
                Outcome::Rated(Level::Htxsnv),
                1,
            ),
            tally(
                SubjectKind::MemberWithoutPost,
                Outcome::Rated(Level::Httnv),
                6,
            ),
            tally(
                SubjectKind::MemberWithoutPost,
                Outcome::Rated(Level::Khtnv),
                1,
            ),
            tally(
                SubjectKind::MemberWithoutPost,
                Outcome::Excluded {
                    reason: "Miễn công tác và sinh hoạt đảng".into(),
                },
                2,
            ),
            tally(
                SubjectKind::MemberWithoutPost,
                Outcome::Pending(Waiting::Review),
                3,
            ),
            tally(SubjectKind::Organisation, Outcome::Rated(Level::Httnv), 1),
        ];
        let (lines, total) = lines(&tallies);
        assert_eq!(lines.len(), 2);
        // Organisations come first, as the tables list them.
        assert_eq!(lines[0].label, "Tổ chức đảng: Chi bộ trực thuộc");
        let members = &lines[1];
        assert_eq!(members.subjects, 13);
        assert_eq!(members.rated, 8);
        assert_eq!(members.levels[0].count, 1);
        assert_eq!(members.levels[0].share, "12,5%");
        assert_eq!(members.levels[1].share, "75%");
        assert_eq!(members.levels[3].share, "12,5%");
        assert_eq!(members.excluded, 2);
        assert_eq!(members.pending, 3);
        assert_eq!(total.subjects, 14);
        assert_eq!(total.rated, 9);
    }

    #[test]
    fn a_mismatch_is_reported_with_the_figures() {
        let tallies = [
            tally(SubjectKind::MemberWithPost, Outcome::Rated(Level::Htnv), 4),
            tally(
                SubjectKind::MemberWithPost,
                Outcome::Unplaced {
                    state: "đã quyết định nhưng không có mức xếp loại".into(),
                },
                1,
            ),
        ];
        let summary = summarise(&book(), &tallies, 5, &[], None);
        assert!(!summary.cross_check.balanced);
        assert_eq!(summary.cross_check.problems.len(), 2);
        assert!(summary.cross_check.problems[0].contains("chênh lệch 1"));
        assert!(summary.cross_check.problems[1].contains("1 đối tượng"));
        let balanced = summarise(&book(), &tallies[..1], 4, &[], None);
        assert!(balanced.cross_check.balanced);
        assert!(balanced.cross_check.problems.is_empty());
    }

    #[test]
    fn a_group_over_its_quota_is_named_with_its_rule() {
        let groups = [
            QuotaGroupCounts {
                group: "members@grassroots:X".into(),
                name: "đảng viên Đảng bộ xã Hợp Thành".into(),
                levels: LevelCounts {
                    htxsnv: 5,
                    httnv: 10,
                    htnv: 0,
                    khtnv: 0,
                },
            },
            QuotaGroupCounts {
                group: "members@grassroots:Y".into(),
                name: "đảng viên Đảng bộ xã Hiệp Kim".into(),
                levels: LevelCounts {
                    htxsnv: 1,
                    httnv: 10,
                    htnv: 2,
                    khtnv: 0,
                },
            },
        ];
        let (lines, breaches) = quota_lines(&book(), &groups);
        assert_eq!(lines.len(), 2);
        assert_eq!(breaches.len(), 1);
        assert!(breaches[0].contains("Hợp Thành"), "{}", breaches[0]);
        assert!(breaches[0].contains("QĐ 366"), "{}", breaches[0]);
        // The figures are the rules crate's own.
        let own = check_quota(&book(), &groups[0].levels, None).unwrap();
        assert_eq!(lines[0].check, own);
    }

    #[test]
    fn the_previous_year_is_compared_level_by_level() {
        let now = [tally(
            SubjectKind::MemberWithoutPost,
            Outcome::Rated(Level::Httnv),
            7,
        )];
        let before = [
            tally(
                SubjectKind::MemberWithoutPost,
                Outcome::Rated(Level::Httnv),
                5,
            ),
            tally(SubjectKind::Leader, Outcome::Rated(Level::Htnv), 1),
        ];
        let summary = summarise(&book(), &now, 7, &[], Some(&before));
        let httnv = summary
            .comparison
            .iter()
            .find(|c| c.label.starts_with("Đảng viên không") && c.level == Level::Httnv)
            .unwrap();
        assert_eq!(
            (httnv.this_year, httnv.previous_year, httnv.change),
            (7, 5, 2)
        );
        // A line only the previous year had still shows, at zero this year.
        let leader = summary
            .comparison
            .iter()
            .find(|c| c.label == "Cán bộ lãnh đạo, quản lý" && c.level == Level::Htnv)
            .unwrap();
        assert_eq!((leader.this_year, leader.previous_year), (0, 1));
        assert_eq!(leader.change, -1);
    }

    #[test]
    fn reasons_are_counted_most_frequent_first() {
        let tallies = [
            tally(
                SubjectKind::MemberWithoutPost,
                Outcome::Pending(Waiting::SelfReview),
                1,
            ),
            tally(
                SubjectKind::MemberWithPost,
                Outcome::Pending(Waiting::Decision),
                3,
            ),
            tally(
                SubjectKind::MemberWithoutPost,
                Outcome::Pending(Waiting::Decision),
                2,
            ),
        ];
        let summary = summarise(&book(), &tallies, 6, &[], None);
        assert_eq!(
            summary.pending_reasons[0].reason,
            Waiting::Decision.reason_vi()
        );
        assert_eq!(summary.pending_reasons[0].count, 5);
        assert_eq!(summary.pending_reasons[1].count, 1);
    }

    fn outcome() -> impl Strategy<Value = Outcome> {
        prop_oneof![
            prop::sample::select(Level::DESCENDING.to_vec()).prop_map(Outcome::Rated),
            Just(Outcome::ReviewedOnly),
            Just(Outcome::Excluded {
                reason: "Đình chỉ sinh hoạt đảng".into()
            }),
            prop::sample::select(Waiting::ALL.to_vec()).prop_map(Outcome::Pending),
        ]
    }

    fn tallies() -> impl Strategy<Value = Vec<Tally>> {
        prop::collection::vec(
            (
                prop::sample::select(SubjectKind::ALL.to_vec()),
                outcome(),
                0u64..500,
            )
                .prop_map(|(kind, outcome, count)| tally(kind, outcome, count)),
            0..40,
        )
    }

    proptest! {
        #[test]
        fn placed_tallies_always_balance(tallies in tallies()) {
            let subjects: u64 = tallies.iter().map(|t| t.count).sum();
            let summary = summarise(&book(), &tallies, subjects, &[], None);
            prop_assert!(summary.cross_check.balanced);
            let lines_total: u64 = summary.lines.iter().map(|l| l.subjects).sum();
            prop_assert_eq!(lines_total, subjects);
            for line in summary.lines.iter().chain([&summary.total]) {
                let levels: u64 = line.levels.iter().map(|c| c.count).sum();
                prop_assert_eq!(levels, line.rated);
                prop_assert_eq!(
                    line.rated + line.reviewed_only + line.excluded + line.pending,
                    line.subjects
                );
            }
        }

        #[test]
        fn any_missing_subject_unbalances(tallies in tallies(), missing in 1u64..10) {
            let subjects: u64 = tallies.iter().map(|t| t.count).sum::<u64>() + missing;
            let summary = summarise(&book(), &tallies, subjects, &[], None);
            prop_assert!(!summary.cross_check.balanced);
            let expected = format!("chênh lệch {missing}");
            prop_assert!(summary.cross_check.problems[0].contains(&expected));
        }

        #[test]
        fn comparing_a_year_with_itself_changes_nothing(tallies in tallies()) {
            let (lines, total) = lines(&tallies);
            for row in compare(&lines, &total, &tallies) {
                prop_assert_eq!(row.change, 0);
                prop_assert_eq!(row.this_share, row.previous_share);
            }
        }
    }
}
