//! Backends, a small grassroots organisation with two branches, score helpers, and the steps
//! before a decision (self-review, self-evaluation, a meeting reviewing each subject).

use kiemdiem_app::evaluation::SelfEvaluation;
use kiemdiem_app::meeting::{NewMeeting, ReviewRecord};
use kiemdiem_app::plan::Subject;
use kiemdiem_app::{Actor, App, AppError};
use kiemdiem_rules::OrgKind;
use kiemdiem_rules::Points;
use kiemdiem_rules::facts::TaskResults;
use kiemdiem_rules::framework::{self, EvaluationInput};
use kiemdiem_store::Store;
use kiemdiem_store::leadership::{Holder, NewPosition};
use kiemdiem_store::org::NewOrg;
use kiemdiem_store::people::{MemberDetails, NewMember};
use std::collections::BTreeMap;
use time::Date;
use time::macros::date;
use uuid::Uuid;

/// A store on a throw-away database (`kiemdiem-testdb`), with the URL to reach it directly;
/// [`TestDb::finish`] also checks the counts the reports read.
pub struct TestDb(kiemdiem_testdb::TestDb);

impl std::ops::Deref for TestDb {
    type Target = kiemdiem_testdb::TestDb;
    fn deref(&self) -> &kiemdiem_testdb::TestDb {
        &self.0
    }
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        TestDb(kiemdiem_testdb::TestDb::sqlite().await)
    }

    /// `None` when `KIEMDIEM_TEST_PG` is not set.
    pub async fn postgres() -> Option<TestDb> {
        kiemdiem_testdb::TestDb::postgres().await.map(TestDb)
    }

    pub async fn finish(self) {
        // Whatever the test wrote (plans opened and delegated, decisions, corrections,
        // re-openings, merged and split branches), the counts the reports read agree with the
        // subjects counted in full.
        assert_counts_agree(&self.0.store).await;
        self.0.finish().await;
    }
}

/// `subject_counts` (kept by triggers as subjects are written) equals a full count of the
/// subjects, key by key.
pub async fn assert_counts_agree(store: &Store) {
    let mut tx = store.read().await.unwrap();
    let drift = tx.subject_counts_drift().await.unwrap();
    assert!(
        drift.is_empty(),
        "the kept counts differ from the subjects: {drift:#?}"
    );
}

/// Declares one test per backend for an `async fn(&TestDb)`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let db = $crate::support::TestDb::sqlite().await;
                    super::$name(&db).await;
                    db.finish().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(db) = $crate::support::TestDb::postgres().await else {
                        kiemdiem_testdb::skipped();
                        return;
                    };
                    super::$name(&db).await;
                    db.finish().await;
                }
            }
        )*
    };
}
pub(crate) use on_both_backends;

/// The evaluation year of the tests and the app's "today" (during the meetings phase).
pub const YEAR: i32 = 2025;
pub const TODAY: Date = date!(2025 - 12 - 15);

/// One member to create.
pub struct Person {
    pub name: &'static str,
    pub admitted: Date,
    /// Probationary when `None`.
    pub official: Option<Date>,
}

pub const fn official(name: &'static str) -> Person {
    Person {
        name,
        admitted: date!(2010 - 05 - 19),
        official: Some(date!(2011 - 05 - 19)),
    }
}

/// The organisation under test: a province, a district, a grassroots committee with two branches.
pub struct Org {
    pub district: Uuid,
    pub grassroots: Uuid,
    pub branches: [Uuid; 2],
    /// Members of each branch, in the order given.
    pub members: [Vec<Uuid>; 2],
}

pub async fn build(store: &Store, branch1: &[Person], branch2: &[Person]) -> Org {
    let mut tx = store.begin("tester").await.unwrap();
    let founded = date!(2000 - 01 - 01);
    let org = |code: &str, name: &str, kind: OrgKind, parent: Option<Uuid>| NewOrg {
        code: code.into(),
        name: name.into(),
        kind,
        has_committee: !kind.is_branch(),
        founded_on: founded,
        parent,
    };
    let province = tx
        .create_org(
            &org("T", "Đảng bộ tỉnh Lạng Sơn", OrgKind::Province, None),
            founded,
        )
        .await
        .unwrap();
    let district = tx
        .create_org(
            &org(
                "T.01",
                "Đảng bộ huyện Cao Lộc",
                OrgKind::UpperGrassroots,
                Some(province),
            ),
            founded,
        )
        .await
        .unwrap();
    let grassroots = tx
        .create_org(
            &org(
                "T.01.001",
                "Đảng bộ xã Hợp Thành",
                OrgKind::GrassrootsCommittee,
                Some(district),
            ),
            founded,
        )
        .await
        .unwrap();
    let b1 = tx
        .create_org(
            &org(
                "T.01.001.01",
                "Chi bộ thôn Nà Pàn",
                OrgKind::SubordinateBranch,
                Some(grassroots),
            ),
            founded,
        )
        .await
        .unwrap();
    let b2 = tx
        .create_org(
            &org(
                "T.01.001.02",
                "Chi bộ trường Tiểu học",
                OrgKind::SubordinateBranch,
                Some(grassroots),
            ),
            founded,
        )
        .await
        .unwrap();
    let mut members = [Vec::new(), Vec::new()];
    for (i, (branch, people)) in [(b1, branch1), (b2, branch2)].into_iter().enumerate() {
        for (n, person) in people.iter().enumerate() {
            let id = tx
                .create_member(
                    &NewMember {
                        code: format!("{}{:02}", i + 1, n + 1),
                        details: MemberDetails {
                            full_name: person.name.into(),
                            birth_date: date!(1980 - 01 - 01),
                            admitted_on: person.admitted,
                            official_on: person.official,
                            civil_servant: false,
                            employer_unit: "Hợp tác xã Hợp Thành".into(),
                            residence_org: None,
                        },
                        branch,
                        temporary_branch: None,
                    },
                    person.admitted.max(founded),
                )
                .await
                .unwrap();
            members[i].push(id);
        }
        // The first member of each branch is its secretary (bí thư chi bộ).
        if let Some(first) = members[i].first() {
            tx.assign_position(
                &NewPosition {
                    holder: Holder::Member(*first),
                    kind: kiemdiem_rules::PositionKind::Secretary,
                    org: Some(branch),
                    collective: None,
                    title: "Bí thư chi bộ".into(),
                },
                date!(2020 - 01 - 01),
            )
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();
    Org {
        district,
        grassroots,
        branches: [b1, b2],
        members,
    }
}

pub fn app(db: &TestDb) -> App {
    App::with_today(db.store.clone(), TODAY)
}

/// The yearly plan of `org` for `year`, created with the defaults and opened, with its subjects.
pub async fn open_year_plan(
    app: &App,
    who: &Actor,
    org: Uuid,
    year: i32,
) -> (kiemdiem_app::plan::Plan, Vec<kiemdiem_app::plan::Subject>) {
    let plan = app
        .create_plan(
            who,
            kiemdiem_app::plan::NewPlan {
                org,
                year,
                ..kiemdiem_app::plan::NewPlan::default()
            },
        )
        .await
        .unwrap();
    app.open_plan(who, plan.id, plan.version).await.unwrap();
    let subjects = app.subjects(who, plan.id, None).await.unwrap();
    (plan, subjects)
}

pub fn actor(name: &str) -> Actor {
    Actor::trusted(name)
}

/// Points for every leaf of a framework adding up to `total` (whole points).
pub fn points(framework_id: &str, total: i64) -> EvaluationInput {
    let framework = framework::builtin_by_id(framework_id).expect("framework");
    let leaves = framework.leaves();
    let max: i64 = leaves
        .iter()
        .map(|l| l.criterion.max_points.unwrap().0)
        .sum();
    let mut input = EvaluationInput::default();
    let mut given = 0;
    for (i, leaf) in leaves.iter().enumerate() {
        let leaf_max = leaf.criterion.max_points.unwrap().0;
        let value = if i + 1 == leaves.len() {
            total * 100 - given
        } else {
            (leaf_max * total * 100) / max
        };
        given += value;
        input
            .points
            .insert(leaf.criterion.id.clone(), Points(value));
    }
    input
}

/// Self-review submitted on `day` and a self-evaluation with `score` points, all tasks on time.
pub async fn prepare(app: &App, subject: &Subject, score: i64, day: Date) {
    prepare_with(
        app,
        subject,
        score,
        TaskResults {
            assigned: 10,
            completed: 10,
            on_time: 10,
            exceeded: 1,
        },
        day,
    )
    .await
}

pub async fn prepare_with(app: &App, subject: &Subject, score: i64, tasks: TaskResults, day: Date) {
    prepare_unrecorded(app, subject, score, tasks, day).await;
    record_plain_year(app, subject, day).await;
}

/// As [`prepare_with`], without recording the year's facts ([`record_plain_year`]).
pub async fn prepare_unrecorded(
    app: &App,
    subject: &Subject,
    score: i64,
    tasks: TaskResults,
    day: Date,
) {
    let who = actor("self");
    let sections: BTreeMap<String, String> = kiemdiem_app::review::form_sections(
        &kiemdiem_rules::RuleBook::national(kiemdiem_rules::RuleSetId::Qd366Hd43),
        subject.kind,
    )
    .iter()
    .map(|s| (s.code.to_owned(), format!("{} — {}", subject.name, s.title)))
    .collect();
    let draft = app
        .save_self_review(&who, subject.id, 0, sections)
        .await
        .unwrap();
    let draft_sent = (!subject.kind.is_individual()).then_some(day);
    app.submit_self_review(&who, subject.id, draft.version, day, draft_sent)
        .await
        .unwrap();
    app.self_evaluate(
        &who,
        subject.id,
        0,
        SelfEvaluation {
            input: points(subject.framework.as_deref().unwrap(), score),
            tasks: Some(tasks),
            ..SelfEvaluation::default()
        },
    )
    .await
    .unwrap();
}

/// The facts of a year with nothing to report, recorded as the app requires them (a fact nobody
/// recorded makes the subject wait): earlier shortcomings remedied, no force majeure, and for
/// post holders no vote of confidence held; for post holders and bodies the 5 key targets not
/// applicable.
pub async fn record_plain_year(app: &App, subject: &Subject, day: Date) {
    use kiemdiem_app::gathered::{DocumentRef, FactInput};
    let who = actor("uykt");
    for value in kiemdiem_app::gathered::plain_year(subject.kind) {
        app.record_subject_fact(
            &who,
            subject.id,
            FactInput {
                value,
                document: DocumentRef {
                    number: "01-BC/CU".into(),
                    date: day,
                    issuer: "Cấp ủy".into(),
                },
                note: String::new(),
            },
        )
        .await
        .unwrap();
    }
}

pub async fn schedule(app: &App, plan: Uuid, org: Uuid, agenda: &[&Subject], day: Date) -> Uuid {
    app.schedule_meeting(
        &actor("thuky"),
        NewMeeting {
            plan,
            org,
            title: "Hội nghị kiểm điểm".into(),
            body_key: None,
            suggested: false,
            held_on: day,
            place: "Hội trường".into(),
            chair: "Chủ trì".into(),
            attendees: vec![],
            agenda: agenda.iter().map(|s| s.id).collect(),
        },
    )
    .await
    .unwrap()
    .id
}

pub async fn review(
    app: &App,
    meeting: Uuid,
    subject: &Subject,
    override_reason: Option<&str>,
) -> Result<(), AppError> {
    app.record_review(
        &actor("thuky"),
        meeting,
        subject.id,
        ReviewRecord {
            present: true,
            override_reason: override_reason.map(str::to_owned),
            ..ReviewRecord::default()
        },
    )
    .await
    .map(|_| ())
}

pub async fn meet(app: &App, plan: Uuid, org: Uuid, agenda: &[&Subject], day: Date) {
    let meeting = schedule(app, plan, org, agenda, day).await;
    for subject in agenda {
        review(app, meeting, subject, None)
            .await
            .unwrap_or_else(|e| panic!("{}: {}", subject.name, e.message()));
    }
}
