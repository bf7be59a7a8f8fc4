//! Notifications delivered: a decision reaches the inbox of the member's own account and of the
//! committee's, and an e-mail to each account with an address goes through the SMTP relay — a
//! sink written here, listening on 127.0.0.1 — with its delivery state: sent, or tried again
//! while the relay refuses, and failed after the last attempt with the relay's answer.

use crate::support::{
    TestDb, YEAR, actor, app, build, meet, official, on_both_backends, open_year_plan, prepare,
};
use kiemdiem_app::accounts::{NewAccount, RoleGrant};
use kiemdiem_app::evaluation::DecisionInput;
use kiemdiem_app::mail::SmtpConfig;
use kiemdiem_app::{Role, Security};
use kiemdiem_rules::Level;
use std::sync::{Arc, Mutex};
use time::macros::date;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

on_both_backends!(decisions_reach_inboxes_and_mailboxes);

/// A local SMTP sink: answers every command, keeps each message's recipient and text; refuses
/// `RCPT TO` for addresses in `refuse`.
async fn sink(refuse: Vec<String>) -> (String, Arc<Mutex<Vec<(String, String)>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = received.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let kept = kept.clone();
            let refuse = refuse.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut to = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_uppercase();
                    let answer: &[u8] = if upper.starts_with("EHLO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        to = line[8..].trim_matches(['<', '>', ' ']).to_owned();
                        if refuse.contains(&to) {
                            b"550 5.1.1 mailbox unavailable\r\n"
                        } else {
                            b"250 ok\r\n"
                        }
                    } else if upper == "DATA" {
                        write.write_all(b"354 go ahead\r\n").await.unwrap();
                        let mut text = String::new();
                        while let Ok(Some(data)) = lines.next_line().await {
                            if data == "." {
                                break;
                            }
                            text.push_str(&data);
                            text.push('\n');
                        }
                        kept.lock().unwrap().push((to.clone(), text));
                        b"250 queued\r\n"
                    } else if upper == "QUIT" {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(answer).await.unwrap();
                }
            });
        }
    });
    (address, received)
}

async fn decisions_reach_inboxes_and_mailboxes(db: &TestDb) {
    let org = build(
        &db.store,
        &[
            official("Nguyễn Văn An"),
            official("Trần Thị Bình"),
            official("Lê Văn Cường"),
        ],
        &[],
    )
    .await;
    let app = app(db).with_security(Security::for_tests());
    let admin = actor("quantri");
    for (login, member, email) in [
        ("binh", Some(org.members[0][1]), Some("binh@xa.vn")),
        (
            "cuong",
            Some(org.members[0][2]),
            Some("cuong@khong-nhan.vn"),
        ),
        ("danguy", None, Some("danguy@xa.vn")),
    ] {
        app.create_account(
            &admin,
            NewAccount {
                login: login.into(),
                display_name: login.into(),
                member,
                org: Some(org.grassroots),
                password: Some("mật khẩu dùng thử dài".into()),
            },
        )
        .await
        .unwrap();
        app.set_account_email(&admin, login, email).await.unwrap();
    }
    app.grant_role(
        &admin,
        "danguy",
        RoleGrant {
            role: Role::Committee,
            org: Some(org.grassroots),
            valid_from: None,
            valid_to: None,
        },
    )
    .await
    .unwrap();
    let bad = app
        .set_account_email(&admin, "binh", Some("không phải địa chỉ"))
        .await
        .unwrap_err();
    assert_eq!(bad.field(), Some("email"));

    let who = actor("bithu");
    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let find = |member| {
        subjects
            .iter()
            .find(|s| s.member == Some(member))
            .unwrap()
            .clone()
    };
    let branch = subjects
        .iter()
        .find(|s| s.org == Some(org.branches[0]))
        .unwrap()
        .clone();
    let (an, binh, cuong) = (
        find(org.members[0][0]),
        find(org.members[0][1]),
        find(org.members[0][2]),
    );
    for s in [&branch, &an, &binh, &cuong] {
        prepare(&app, s, 80, date!(2025 - 12 - 01)).await;
    }
    meet(
        &app,
        plan.id,
        org.branches[0],
        &[&branch, &an, &binh, &cuong],
        date!(2025 - 12 - 10),
    )
    .await;
    for s in [&binh, &cuong] {
        let version = app.subject(&who, s.id).await.unwrap().version;
        app.decide(
            &actor("danguy.xa"),
            s.id,
            DecisionInput {
                version,
                level: Some(Level::Httnv),
                ..DecisionInput::default()
            },
        )
        .await
        .unwrap();
    }

    // The inboxes: Bình's own, and the committee's (both members' decisions, through the
    // deciding body).
    let binh_actor = app.actor_of("binh").await.unwrap();
    let inbox = app.inbox(&binh_actor).await.unwrap();
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert!(inbox[0].message.contains("Trần Thị Bình"));
    assert!(inbox[0].message.contains("Hoàn thành tốt nhiệm vụ"));
    assert_eq!(inbox[0].state, "delivered");
    let committee = app.actor_of("danguy").await.unwrap();
    let committee_inbox = app.inbox(&committee).await.unwrap();
    assert!(committee_inbox.len() >= 2, "{committee_inbox:?}");
    // Read: only one's own.
    let not_hers = app
        .mark_read(&binh_actor, committee_inbox[0].id)
        .await
        .unwrap_err();
    assert_eq!(not_hers.code(), "not_found");
    app.mark_read(&binh_actor, inbox[0].id).await.unwrap();
    assert_eq!(app.inbox(&binh_actor).await.unwrap()[0].state, "read");

    // E-mail: the relay takes Bình's and the committee's, refuses Cường's.
    let (relay, received) = sink(vec!["cuong@khong-nhan.vn".into()]).await;
    let smtp = SmtpConfig::parse(&format!("smtp://{relay}"), "kiemdiem@huyenuy.vn").unwrap();
    let round = app.send_pending_mail(&smtp, 50).await.unwrap();
    assert_eq!(round.retried, 1, "{round:?}");
    assert!(round.sent >= 3, "{round:?}");
    {
        let received = received.lock().unwrap();
        let to_binh = received
            .iter()
            .find(|(to, _)| to == "binh@xa.vn")
            .expect("Bình's e-mail");
        assert!(to_binh.1.contains("Subject: =?UTF-8?B?"), "{}", to_binh.1);
    }
    let states = app.deliveries(&who, cuong.id).await.unwrap();
    let refused = states
        .iter()
        .find(|d| d.channel == "email" && d.login == "cuong")
        .unwrap();
    assert_eq!(refused.state, "pending");
    assert!(
        refused.last_error.as_deref().unwrap().contains("550"),
        "{refused:?}"
    );
    // Tried again until the last attempt, then failed for good with the relay's answer.
    for _ in 0..4 {
        app.send_pending_mail(&smtp, 50).await.unwrap();
    }
    let states = app.deliveries(&who, cuong.id).await.unwrap();
    let refused = states
        .iter()
        .find(|d| d.channel == "email" && d.login == "cuong")
        .unwrap();
    assert_eq!((refused.state.as_str(), refused.attempts), ("failed", 5));
    assert_eq!(refused.state_name, "Gửi thư điện tử không thành công");
    let sent = app.deliveries(&who, binh.id).await.unwrap();
    assert!(
        sent.iter()
            .any(|d| d.channel == "email" && d.login == "binh" && d.state == "sent"),
        "{sent:?}"
    );
    assert_eq!(
        app.send_pending_mail(&smtp, 50).await.unwrap(),
        Default::default(),
        "nothing left to send"
    );
}
