//! The pages over HTTP as a browser signed in with a password sees them, on the district demo:
//! a long pending list comes fifty at a time, and what an office reads on its progress page
//! follows each change at once (the answers kept between visits are dropped by the next
//! audited change).

use crate::support::{TestApp, api_test, day};
use kiemdiem_app::demo::{DemoCycle, demo_accounts, demo_cycle};
use kiemdiem_app::state::Stage;
use kiemdiem_app::{Actor, App, Security};
use reqwest::StatusCode;
use serde_json::json;

api_test!(
    the_pending_list_comes_fifty_at_a_time,
    progress_follows_each_change_at_once,
);

const PASSWORD: &str = "mật khẩu trang thử";

async fn demo(app: &TestApp) -> (App, DemoCycle) {
    let k =
        App::with_today(app.store.clone(), day("31/12/2025")).with_security(Security::for_tests());
    let cycle = demo_cycle(&app.store, k.today()).await.expect("demo");
    demo_accounts(&k, &cycle, PASSWORD)
        .await
        .expect("demo accounts");
    (k, cycle)
}

/// The page at `path` as the district's organisation board sees it.
async fn board_page(app: &TestApp, path: &str) -> String {
    let response = app
        .client
        .post(app.url("/api/v1/session"))
        .json(&json!({ "login": "bantochuc", "password": PASSWORD }))
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_string();
    let page = app
        .client
        .get(app.url(path))
        .header("Cookie", cookie)
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK, "{path}");
    page.text().await.expect("page text")
}

/// The subjects the page's pending list links to.
fn pending_links(page: &str) -> Vec<String> {
    let Some(at) = page.find("id=\"chua-xep-loai\"") else {
        return Vec::new();
    };
    let section = &page[at..];
    let section = &section[..section.find("</section>").unwrap_or(section.len())];
    section
        .split("href=\"/doi-tuong/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

async fn the_pending_list_comes_fifty_at_a_time(app: &TestApp) {
    let (k, cycle) = demo(app).await;
    let system = Actor::trusted("test");
    let plan = cycle.plan.id;
    // The grassroots organisation of the district with the longest list (its branches' members).
    let mut longest = None;
    for node in k.progress(&system, plan).await.expect("progress") {
        if node.depth != 1 {
            continue;
        }
        let pending = k
            .pending_subjects(&system, plan, node.org)
            .await
            .expect("pending");
        if longest
            .as_ref()
            .is_none_or(|(_, p): &(String, Vec<_>)| pending.len() > p.len())
        {
            longest = Some((node.code.clone(), pending));
        }
    }
    let (code, pending) = longest.expect("grassroots organisations in the demo");
    assert!(
        pending.len() > 50,
        "a grassroots organisation of the demo has more than one page pending ({})",
        pending.len()
    );
    let at = |n: &str| format!("/ke-hoach/{plan}?to-chuc={code}&trang={n}");
    let pages = pending.len().div_ceil(50);
    let mut seen = Vec::new();
    for n in 1..=pages {
        let page = board_page(app, &at(&n.to_string())).await;
        let links = pending_links(&page);
        let expected = if n < pages {
            50
        } else {
            pending.len() - 50 * (pages - 1)
        };
        assert_eq!(links.len(), expected, "page {n}");
        let note = format!(
            "Từ {} đến {} trong {} đối tượng.",
            thousands(((n - 1) * 50 + 1) as u64),
            thousands((n * 50).min(pending.len()) as u64),
            thousands(pending.len() as u64)
        );
        assert!(page.contains(&note), "page {n} says where it is: {note}");
        assert_eq!(
            page.contains(&format!("trang={}#", n + 1)),
            n < pages,
            "next on page {n}"
        );
        assert_eq!(
            page.contains(&format!("trang={}#", n - 1)),
            n > 1,
            "previous on page {n}"
        );
        seen.extend(links);
    }
    let expected: Vec<String> = pending.iter().map(|p| p.subject.to_string()).collect();
    assert_eq!(
        seen, expected,
        "every pending subject once, in order, over the pages"
    );
    // A page past the end shows the last one; nonsense shows the first.
    let last = board_page(app, &at("999")).await;
    assert_eq!(pending_links(&last), expected[50 * (pages - 1)..].to_vec());
    let first = board_page(app, &at("abc")).await;
    assert_eq!(pending_links(&first), expected[..50].to_vec());
}

async fn progress_follows_each_change_at_once(app: &TestApp) {
    let (k, cycle) = demo(app).await;
    let system = Actor::trusted("test");
    let plan = cycle.plan.id;
    let before = k.progress(&system, plan).await.expect("progress");
    let pending = k
        .pending_subjects(&system, plan, cycle.grassroots)
        .await
        .expect("pending");
    // Asked again with nothing changed: the same answer.
    assert_eq!(k.progress(&system, plan).await.expect("progress"), before);
    // Someone who has not written their self-review writes and submits it.
    let writer = pending
        .iter()
        .find(|p| p.stage == Stage::Pending && p.kind.starts_with("member"))
        .expect("someone still to write");
    let subject = k.subject(&system, writer.subject).await.expect("subject");
    let book = cycle.plan.book().expect("rule book");
    let sections = kiemdiem_app::review::form_sections(&book, subject.kind)
        .iter()
        .map(|s| (s.code.to_owned(), format!("{} — {}", subject.name, s.title)))
        .collect();
    let draft = k
        .save_self_review(&system, writer.subject, 0, sections)
        .await
        .expect("draft");
    k.submit_self_review(
        &system,
        writer.subject,
        draft.version,
        day("20/12/2025"),
        None,
    )
    .await
    .expect("submitted");
    let after = k.progress(&system, plan).await.expect("progress");
    let root = |nodes: &[kiemdiem_app::progress::NodeProgress]| {
        nodes
            .iter()
            .find(|n| n.depth == 0)
            .expect("root")
            .self_review
    };
    assert_eq!(root(&after).done, root(&before).done + 1);
    assert_eq!(root(&after).pending + 1, root(&before).pending);
    let still = k
        .pending_subjects(&system, plan, cycle.grassroots)
        .await
        .expect("pending");
    let now = still
        .iter()
        .find(|p| p.subject == writer.subject)
        .map(|p| p.stage);
    assert_ne!(
        now,
        Some(Stage::Pending),
        "no longer waiting for a self-review"
    );
    // The page served between the two shows the new count too.
    let page = board_page(app, &format!("/ke-hoach/{plan}")).await;
    let cell = format!(
        "{}/{}",
        thousands(root(&after).done),
        thousands(root(&after).pending)
    );
    assert!(page.contains(&cell), "the progress table shows {cell}");
}

/// A count as the pages write it (1.234).
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}
