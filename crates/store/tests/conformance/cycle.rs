//! The cycle's tables keep their own integrity whatever the application does: a subject names an
//! existing plan (PostgreSQL checks it once per statement, SQLite by its foreign key). The rules'
//! vocabularies come back as the enums they were written as, and a code the rules do not know is
//! reported as a corrupt database, naming the column and the value.

use crate::support::{conformance, day};
use kiemdiem_rules::authority::Body;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::stage::Stage;
use kiemdiem_rules::{Level, SubjectKind};
use kiemdiem_store::cycle::plan::{NewPlan, SubjectLoad};
use kiemdiem_store::{Store, StoreError};
use kiemdiem_testdb::{Backend, TestDb};
use uuid::Uuid;

conformance!(subjects_name_an_existing_plan);

fn subject(name: &str) -> SubjectLoad {
    SubjectLoad {
        id: Uuid::now_v7(),
        kind: SubjectKind::MemberWithoutPost,
        member_id: Some(Uuid::now_v7()),
        leader_id: None,
        collective_id: None,
        org_id: None,
        unit_id: Uuid::now_v7(),
        name: name.into(),
        sort_key: name.to_lowercase(),
        participation: Participation::ReviewAndClassify,
        eligibility: None,
        form_code: "Mẫu 2B-HD KĐ.ĐG 2025".into(),
        framework_id: None,
        decides_body: Body::GrassrootsCommittee,
        deciding_org_id: None,
        proposes_body: None,
        quota_group: "members".into(),
        stage: Stage::Pending,
    }
}

async fn subjects_name_an_existing_plan(store: &Store) {
    plan_with(store, &[subject("Nguyễn Văn An"), subject("Trần Văn Bình")]).await;

    let mut tx = store.begin("tester").await.unwrap();
    let orphan = tx
        .load_subjects(Uuid::now_v7(), &[subject("Lê Văn Cường")])
        .await;
    assert!(orphan.is_err(), "a subject of no plan is refused");
    drop(tx);
}

/// Writes a plan of one province with `subjects`; returns the plan's id.
async fn plan_with(store: &Store, subjects: &[SubjectLoad]) -> Uuid {
    let mut tx = store.begin("tester").await.unwrap();
    let org = tx
        .create_org(
            &crate::support::new_org(
                "T",
                "Đảng bộ tỉnh",
                kiemdiem_rules::OrgKind::Province,
                None,
                "01/01/2000",
            ),
            day("01/01/2000"),
        )
        .await
        .unwrap();
    let plan = Uuid::now_v7();
    tx.insert_plan(&NewPlan {
        id: plan,
        org_id: org,
        year: 2025,
        period_kind: "year".into(),
        period_no: 0,
        parent_plan_id: None,
        title: "Kế hoạch".into(),
        rule_set: "qd366-hd43".into(),
        local_layer: None,
        review_date: day("31/12/2025"),
    })
    .await
    .unwrap();
    tx.load_subjects(plan, subjects).await.unwrap();
    tx.commit().await.unwrap();
    plan
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vocabularies_read_back_typed_and_a_stranger_is_corrupt_sqlite() {
    vocabularies_read_back_typed(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vocabularies_read_back_typed_and_a_stranger_is_corrupt_postgres() {
    vocabularies_read_back_typed(Backend::Postgres).await;
}

async fn vocabularies_read_back_typed(backend: Backend) {
    let Some(db) = TestDb::open(backend).await else {
        kiemdiem_testdb::skipped();
        return;
    };
    let mut leader = subject("Phạm Văn Dũng");
    leader.kind = SubjectKind::Leader;
    leader.participation = Participation::ReviewOnly;
    leader.decides_body = Body::SuperiorStandingCommittee;
    leader.proposes_body = Some(Body::PartialCommittee);
    leader.stage = Stage::SelfReviewed;
    let plan = plan_with(&db.store, &[leader.clone()]).await;
    // The database holds this one subject: the raw statements need no key (a UUID is a BLOB
    // on SQLite and a uuid on PostgreSQL).
    db.execute_raw("UPDATE subjects SET level = 'HTTNV'").await;

    let mut tx = db.store.read().await.unwrap();
    let row = tx.subject(leader.id).await.unwrap().expect("the subject");
    assert_eq!(row.kind, SubjectKind::Leader);
    assert_eq!(row.participation, Participation::ReviewOnly);
    assert_eq!(row.decides_body, Body::SuperiorStandingCommittee);
    assert_eq!(row.proposes_body, Some(Body::PartialCommittee));
    assert_eq!(row.stage, Stage::SelfReviewed);
    assert_eq!(row.level, Some(Level::Httnv));
    drop(tx);

    // Each column, spelled as nothing the rules know (a lower-case level included: the store
    // wrote upper case), makes the read fail with the column and the value named.
    for (column, value) in [
        ("kind", "member"),
        ("stage", "done"),
        ("level", "httnv"),
        ("participation", "yes"),
        ("decides_body", "branch"),
        ("proposes_body", ""),
    ] {
        db.execute_raw(&format!("UPDATE subjects SET {column} = '{value}'"))
            .await;
        let mut tx = db.store.read().await.unwrap();
        let error = tx.subject(leader.id).await.unwrap_err();
        let StoreError::Corrupt(message) = &error else {
            panic!("{column} = '{value}': {error:?}");
        };
        assert!(
            message.contains(&format!("«{value}»")) && message.contains(&format!("cột {column}")),
            "{column}: {message}"
        );
        let listed = tx.subjects_of_plan(plan, None).await;
        assert!(matches!(listed, Err(StoreError::Corrupt(_))), "{column}");
        drop(tx);
        db.execute_raw(
            "UPDATE subjects SET kind = 'leader', stage = 'self_reviewed', level = 'HTTNV', \
             participation = 'review_only', decides_body = 'superior_standing_committee', \
             proposes_body = 'partial_committee'",
        )
        .await;
    }
    db.finish().await;
}
