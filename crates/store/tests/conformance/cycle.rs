//! The cycle's tables keep their own integrity whatever the application does: a subject names an
//! existing plan (PostgreSQL checks it once per statement, SQLite by its foreign key).

use crate::support::{conformance, day};
use kiemdiem_store::Store;
use kiemdiem_store::cycle::plan::{NewPlan, SubjectLoad};
use uuid::Uuid;

conformance!(subjects_name_an_existing_plan);

fn subject(name: &str) -> SubjectLoad {
    SubjectLoad {
        id: Uuid::now_v7(),
        kind: "member_without_post",
        member_id: Some(Uuid::now_v7()),
        leader_id: None,
        collective_id: None,
        org_id: None,
        unit_id: Uuid::now_v7(),
        name: name.into(),
        sort_key: name.to_lowercase(),
        participation: "review_and_classify",
        eligibility: None,
        form_code: "Mẫu 2B-HD KĐ.ĐG 2025".into(),
        framework_id: None,
        decides_body: "grassroots_committee",
        deciding_org_id: None,
        proposes_body: None,
        quota_group: "members".into(),
        stage: "pending",
    }
}

async fn subjects_name_an_existing_plan(store: &Store) {
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
    tx.load_subjects(plan, &[subject("Nguyễn Văn An"), subject("Trần Văn Bình")])
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin("tester").await.unwrap();
    let orphan = tx
        .load_subjects(Uuid::now_v7(), &[subject("Lê Văn Cường")])
        .await;
    assert!(orphan.is_err(), "a subject of no plan is refused");
    drop(tx);
}
