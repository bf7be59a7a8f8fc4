//! Answers kept between visits (`answers.rs`): a sign-in does not drop them, a change does, and
//! visitors asking at once share one reading.

use crate::sitting::group;
use crate::support::{TestDb, actor, on_both_backends};
use kiemdiem_app::accounts::NewAccount;
use std::sync::Arc;

on_both_backends!(a_kept_overview_outlives_sign_ins_and_is_read_once_for_many);

async fn a_kept_overview_outlives_sign_ins_and_is_read_once_for_many(db: &TestDb) {
    let g = group(db, 3, 0).await;
    let app = &g.app;
    let board = actor("bithu.dangbo");
    let overview = || async {
        app.plan_overview(&board, g.plan, None)
            .await
            .expect("overview")
            .0
    };
    // A change: an account is made for a member (it signs in below).
    account(app, "dangvien.binh", g.ordinary[0].member).await;
    // Twelve visitors at once after the change: one reading, shared.
    let mut visitors = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let (app, board, plan) = (app.clone(), board.clone(), g.plan);
        visitors.spawn(async move { app.plan_overview(&board, plan, None).await });
    }
    let many: Vec<_> = visitors
        .join_all()
        .await
        .into_iter()
        .map(|o| o.expect("overview").0)
        .collect();
    assert!(
        many.iter().all(|o| Arc::ptr_eq(o, &many[0])),
        "every visitor was served the one reading"
    );
    // Sign-ins, failed or not, and sign-outs change nothing the page shows: it stays kept.
    let signed = app
        .sign_in("dangvien.binh", "mật khẩu dùng thử dài", "test")
        .await
        .expect("sign-in");
    assert!(
        app.sign_in("dangvien.binh", "sai mật khẩu", "test")
            .await
            .is_err()
    );
    assert!(
        Arc::ptr_eq(&overview().await, &many[0]),
        "kept over sign-ins"
    );
    app.sign_out(&signed.actor, &signed.token)
        .await
        .expect("sign-out");
    assert!(
        Arc::ptr_eq(&overview().await, &many[0]),
        "kept over a sign-out"
    );
    // The audit trail still has every one of them, and its chain holds.
    assert!(
        app.verify_audit(&actor("quantri"))
            .await
            .expect("verify")
            .is_intact()
    );
    // A change reads again.
    account(app, "dangvien.cuong", g.ordinary[1].member).await;
    assert!(
        !Arc::ptr_eq(&overview().await, &many[0]),
        "read again after a change"
    );
}

/// A change: an account made for a member, with the password the test signs in with.
async fn account(app: &kiemdiem_app::App, login: &str, member: Option<uuid::Uuid>) {
    app.create_account(
        &actor("quantri"),
        NewAccount {
            login: login.into(),
            display_name: "Trần Thị Bình".into(),
            member,
            org: None,
            password: Some("mật khẩu dùng thử dài".into()),
        },
    )
    .await
    .expect("account");
}
