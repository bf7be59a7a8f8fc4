//! A quarterly evaluation (QĐ 366 Mẫu 05) runs beside the annual plan and feeds it: the quarter's
//! decided level shows in the annual subject's side-by-side columns.

use crate::escalation::{decide, meet, prepare};
use crate::support::{TestDb, YEAR, actor, app, build, official, on_both_backends};
use kiemdiem_app::plan::{NewPlan, Period};
use kiemdiem_rules::{Level, SubjectKind};

on_both_backends!(a_quarter_feeds_the_year);

async fn a_quarter_feeds_the_year(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[official("Lê Văn Cường")],
    )
    .await;
    let app = app(db);
    let who = actor("bithu");
    let quarter = app
        .create_plan(
            &who,
            NewPlan {
                org: org.grassroots,
                year: YEAR,
                period: Some(Period::Quarter(3)),
                ..NewPlan::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(quarter.review_date, time::macros::date!(2025 - 09 - 30));
    let year = app
        .create_plan(
            &who,
            NewPlan {
                org: org.grassroots,
                year: YEAR,
                ..NewPlan::default()
            },
        )
        .await
        .unwrap();
    for plan in [&quarter, &year] {
        app.open_plan(&who, plan.id, plan.version).await.unwrap();
    }
    let in_quarter = app
        .subjects(&who, quarter.id, Some(&[org.branches[0]]))
        .await
        .unwrap();
    let branch = in_quarter
        .iter()
        .find(|s| s.kind == SubjectKind::Organisation)
        .unwrap()
        .clone();
    let an = in_quarter
        .iter()
        .find(|s| s.member == Some(org.members[0][0]))
        .unwrap()
        .clone();
    assert_eq!(
        an.form_code, "Mẫu 05-HD KĐ.ĐG 2025",
        "individuals use the periodic form"
    );
    assert_eq!(branch.form_code, "Mẫu 01-HD KĐ.ĐG 2025");
    let binh = in_quarter
        .iter()
        .find(|s| s.member == Some(org.members[0][1]))
        .unwrap()
        .clone();
    prepare(&app, &branch, 85, 10).await;
    prepare(&app, &an, 80, 10).await;
    prepare(&app, &binh, 80, 10).await;
    meet(&app, quarter.id, org.branches[0], &[&branch, &an, &binh]).await;
    // The secretary after the branch, the branch after its members.
    for id in [binh.id, branch.id, an.id] {
        decide(&app, &actor("dangUy"), id, Level::Httnv)
            .await
            .unwrap();
    }
    let annual = app
        .subjects(&who, year.id, Some(&[org.branches[0]]))
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.member == Some(org.members[0][0]))
        .unwrap();
    let columns = app.side_by_side(&who, annual.id).await.unwrap().columns;
    let fed = columns
        .iter()
        .find(|c| c.title == "Kết quả Quý 3")
        .expect("the quarter feeds the year");
    assert_eq!(fed.level, Some(Level::Httnv));
}
