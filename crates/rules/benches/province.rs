//! Benchmark (not a test): classify every member of a province (~100 000 subjects) under QĐ 366 and
//! under HD 21 with the seed 003 local layer, then run the quota check over every group, on one
//! core. Run with `cargo bench -p kiemdiem-rules`; set `KIEMDIEM_BENCH_SUBJECTS` to change the size.

use kiemdiem_rules::classify::{Context, classify};
use kiemdiem_rules::eligibility::eligibility;
use kiemdiem_rules::facts::{
    DisciplineRecord, LeavePeriod, LevelCounts, SubjectFacts, TaskResults,
};
use kiemdiem_rules::framework::{self, EvaluationInput, Framework};
use kiemdiem_rules::quota::{QuotaSubject, check_quota, group_key};
use kiemdiem_rules::ruleset::builtin_local_layer;
use kiemdiem_rules::{
    DisciplineForm, LeaveKind, Points, QuotaCategory, RuleBook, RuleSetId, SubjectKind,
};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use time::{Date, Month};

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Subject {
    facts: SubjectFacts,
    input: EvaluationInput,
    grassroots: u32,
    branch: u32,
}

fn generate(count: usize, year: i32, book: &RuleBook, grades: bool) -> Vec<Subject> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let leaves_of = |kind| -> Vec<_> {
        let framework: &Framework = framework::national(book.rule_set, kind, None).unwrap();
        framework
            .leaves()
            .into_iter()
            .map(|l| (l.criterion.id.clone(), l.criterion.max_points))
            .collect()
    };
    (0..count)
        .map(|i| {
            let kind = match rng.below(10) {
                0 => SubjectKind::MemberWithPost,
                1..=2 => SubjectKind::MemberOutsideSystem,
                _ => SubjectKind::MemberWithoutPost,
            };
            let mut facts = SubjectFacts::new(kind);
            let admitted = Date::from_calendar_date(
                year - 1 - rng.below(40) as i32,
                Month::March,
                1 + rng.below(27) as u8,
            )
            .unwrap();
            facts.admitted_on = Some(admitted);
            facts.official_on = Some(admitted.replace_year(admitted.year() + 1).unwrap());
            let assigned = 5 + rng.below(10) as u32;
            let completed = assigned - (rng.below(20) == 0) as u32;
            let on_time = completed - (rng.below(8) == 0) as u32;
            facts.tasks = Some(TaskResults {
                assigned,
                completed,
                on_time,
                exceeded: rng.below(u64::from(completed) + 1) as u32,
            });
            if rng.below(200) == 0 {
                facts.discipline.push(DisciplineRecord {
                    form: DisciplineForm::KhienTrach,
                    violation_on: None,
                    decided_on: Date::from_calendar_date(year, Month::June, 1).unwrap(),
                    at_previous_unit: false,
                    duty_related: rng.below(2) == 0,
                    self_detected_remedied: rng.below(4) == 0,
                    counted_before: false,
                    unrelated_to_collective: false,
                    violation: None,
                });
            }
            if rng.below(40) == 0 {
                facts.leave.push(LeavePeriod {
                    kind: LeaveKind::Sick,
                    from: Date::from_calendar_date(year, Month::February, 1).unwrap(),
                    to: Date::from_calendar_date(year, Month::February, 1).unwrap()
                        + time::Duration::days(rng.below(150) as i64),
                });
            }
            let mut input = EvaluationInput::default();
            for (id, max) in &leaves_of(kind) {
                if grades {
                    let grade = match rng.below(10) {
                        0..=2 => kiemdiem_rules::Grade::XuatSac,
                        3..=8 => kiemdiem_rules::Grade::Tot,
                        _ => kiemdiem_rules::Grade::TrungBinh,
                    };
                    input.grades.insert(id.clone(), grade);
                } else {
                    let max = max.unwrap();
                    let lost = rng.below((max.0 as u64) / 4 + 1) as i64;
                    input
                        .points
                        .insert(id.clone(), Points(max.0 - lost / 50 * 50));
                }
            }
            Subject {
                facts,
                input,
                grassroots: (i / 120) as u32,
                branch: (i / 25) as u32,
            }
        })
        .collect()
}

fn run(book: &RuleBook, year: i32, subjects: &[Subject]) -> (Duration, Duration, usize, usize) {
    let as_of = Date::from_calendar_date(year, Month::December, 15).unwrap();
    let start = Instant::now();
    let mut levels: Vec<(u32, u32, Option<kiemdiem_rules::Level>)> =
        Vec::with_capacity(subjects.len());
    for subject in subjects {
        let eligibility = eligibility(book, &subject.facts, as_of);
        if !eligibility.classified() {
            continue;
        }
        let framework = framework::national(book.rule_set, subject.facts.kind, None).unwrap();
        let score = framework::score(framework, book, &subject.input).unwrap();
        let classification = classify(&Context {
            book,
            year,
            as_of,
            facts: &subject.facts,
            score: Some(&score),
        });
        levels.push((subject.grassroots, subject.branch, classification.suggested));
    }
    let classified = start.elapsed();
    let start = Instant::now();
    let mut groups: HashMap<String, LevelCounts> = HashMap::new();
    for (grassroots, branch, level) in &levels {
        let Some(level) = level else { continue };
        let key = group_key(
            book,
            &QuotaSubject {
                category: QuotaCategory::Members,
                grassroots: Some(grassroots.to_string()),
                deciding_body: format!("{grassroots}/{branch}"),
                similar_role_group: None,
            },
        );
        groups.entry(key).or_default().add(*level);
    }
    let mut violations = 0;
    for counts in groups.values() {
        if check_quota(book, counts, None).unwrap().violation.is_some() {
            violations += 1;
        }
    }
    black_box(violations);
    (classified, start.elapsed(), levels.len(), groups.len())
}

fn main() {
    let count: usize = std::env::var("KIEMDIEM_BENCH_SUBJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let seed003 = RuleBook::with_local(
        RuleSetId::Qd132Hd21,
        builtin_local_layer("seed003-huyen-2019").unwrap().clone(),
    )
    .unwrap();
    let cases = [
        (
            "QĐ 366/HD 43, 2025",
            RuleBook::national(RuleSetId::Qd366Hd43),
            2025,
            false,
        ),
        ("QĐ 132/HD 21 + seed 003, 2019", seed003, 2019, true),
    ];
    println!("kiemdiem-rules province benchmark: {count} members, one thread");
    for (name, book, year, grades) in cases {
        let subjects = generate(count, year, &book, grades);
        let best = (0..5)
            .map(|_| run(&book, year, &subjects))
            .min_by_key(|(classify, quota, _, _)| *classify + *quota)
            .expect("five runs");
        let (classify_time, quota_time, classified, groups) = best;
        println!(
            "  {name}: eligibility + scoring + classification of {count} subjects ({classified} classified) in {:.1} ms ({:.0} subjects/s); quota over {groups} groups in {:.2} ms; total {:.1} ms (best of 5)",
            classify_time.as_secs_f64() * 1e3,
            count as f64 / classify_time.as_secs_f64(),
            quota_time.as_secs_f64() * 1e3,
            (classify_time + quota_time).as_secs_f64() * 1e3,
        );
    }
}
