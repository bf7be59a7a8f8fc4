//! The pages over HTTP as a browser signed in with a password sees them, on the district demo:
//! a long pending list comes fifty at a time, and what an office reads on its progress page
//! follows each change at once (the answers kept between visits are dropped by the next
//! audited change).

use crate::support::{TestApp, api_test, day, seed_tree};
use kiemdiem_app::Role;
use kiemdiem_app::accounts::{NewAccount, RoleGrant};
use kiemdiem_app::demo::{DemoCycle, demo_accounts, demo_cycle};
use kiemdiem_app::state::Stage;
use kiemdiem_app::{Actor, App, Security};
use reqwest::StatusCode;

api_test!(
    the_pending_list_comes_fifty_at_a_time,
    progress_follows_each_change_at_once,
    a_committee_drafts_changes_and_opens_its_plan,
    a_kept_page_reaches_no_one_who_could_not_read_it,
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
    let (status, page) = page_as(app, "bantochuc", path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    page
}

/// The page at `path` as the account `login` sees it, with its status.
async fn page_as(app: &TestApp, login: &str, path: &str) -> (StatusCode, String) {
    let cookie = crate::support::session_cookie(app, login, PASSWORD).await;
    let page = app
        .client
        .get(app.url(path))
        .header("Cookie", cookie)
        .send()
        .await
        .expect("page");
    (page.status(), page.text().await.expect("page text"))
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
    let days_before = k
        .progress_days(&system, plan, None)
        .await
        .expect("progress over time");
    let submitted_by = |days: &[kiemdiem_app::progress::StepDay], on: time::Date| {
        days.iter()
            .rfind(|d| d.day <= on)
            .map_or(0, |d| d.self_review)
    };
    let kept = board_page(app, &format!("/ke-hoach/{plan}")).await;
    let cell_before = format!(
        "{}/{}",
        thousands(root_of(&before).done),
        thousands(root_of(&before).pending)
    );
    assert!(
        kept.contains(&cell_before),
        "the progress table shows {cell_before}"
    );
    // Someone who has not written their self-review writes and submits it.
    let writer = pending
        .iter()
        .find(|p| p.stage == Stage::Pending && p.kind.is_member())
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
    let root = root_of;
    assert_eq!(root(&after).done, root(&before).done + 1);
    // Over time: one more submitted by 20/12/2025, and the last day counts every submission.
    let days_after = k
        .progress_days(&system, plan, None)
        .await
        .expect("progress over time");
    let on = day("20/12/2025");
    assert_eq!(
        submitted_by(&days_after, on),
        submitted_by(&days_before, on) + 1
    );
    assert_eq!(
        days_after.last().map(|d| d.self_review),
        Some(root(&after).done)
    );
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
    // The page served after the change shows the new count, though it was kept before it.
    let page = board_page(app, &format!("/ke-hoach/{plan}")).await;
    let cell = format!(
        "{}/{}",
        thousands(root(&after).done),
        thousands(root(&after).pending)
    );
    assert!(page.contains(&cell), "the progress table shows {cell}");
    let legend = format!(
        "Đã nộp bản tự kiểm điểm: {}/{}",
        thousands(root(&after).done),
        thousands(root(&after).done + root(&after).pending)
    );
    assert!(page.contains("Tiến độ theo thời gian"));
    assert!(page.contains(&legend), "the chart over time shows {legend}");
}

/// The counts of the self-review step at the plan's own organisation.
fn root_of(nodes: &[kiemdiem_app::progress::NodeProgress]) -> kiemdiem_app::progress::StepCount {
    nodes
        .iter()
        .find(|n| n.depth == 0)
        .expect("root")
        .self_review
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

/// A form as a browser posts it.
fn form(fields: &[(&str, &str)]) -> String {
    fn encode(text: &str) -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The value of the first hidden field `name` on `page`.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name}"));
    let rest = &page[at + marker.len()..];
    rest[..rest.find('"').unwrap_or(0)].to_string()
}

async fn a_committee_drafts_changes_and_opens_its_plan(app: &TestApp) {
    let tree = seed_tree(&app.store).await;
    let k =
        App::with_today(app.store.clone(), day("31/12/2025")).with_security(Security::for_tests());
    let system = Actor::trusted("test");
    k.create_account(
        &system,
        NewAccount {
            login: "thuongvu.xa".into(),
            display_name: "Ban Thường vụ Đảng ủy xã".into(),
            member: None,
            org: Some(tree.commune),
            password: Some(PASSWORD.into()),
        },
    )
    .await
    .expect("account");
    k.grant_role(
        &system,
        "thuongvu.xa",
        RoleGrant {
            role: Role::Committee,
            org: Some(tree.commune),
            valid_from: Some(day("01/01/2025")),
            valid_to: None,
        },
    )
    .await
    .expect("grant");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let cookie = crate::support::session_cookie(app, "thuongvu.xa", PASSWORD).await;
    let get = async |path: &str| {
        let response = client
            .get(app.url(path))
            .header("Cookie", &cookie)
            .send()
            .await
            .expect("page");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.text().await.expect("text")
    };
    let post = async |path: &str, body: String| {
        let response = client
            .post(app.url(path))
            .header("Cookie", &cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("post");
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        (status, location, response.text().await.expect("text"))
    };
    // The commune's page offers the form to its committee.
    let page = get("/to-chuc/XA").await;
    assert!(page.contains("Lập kế hoạch kiểm điểm, đánh giá, xếp loại"));
    let csrf = hidden(&page, "_csrf");
    // A form without the session's token is refused; htmx's header stands for the field.
    let (status, _, _) = post("/to-chuc/XA/ke-hoach", form(&[("year", "2025")])).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token");
    let by_header = client
        .post(app.url("/to-chuc/XA/ke-hoach"))
        .header("Cookie", &cookie)
        .header("X-Kiemdiem-CSRF", &csrf)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form(&[("year", "năm nay")]))
        .send()
        .await
        .expect("post");
    assert_eq!(
        by_header.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the header's token is taken; the year is then refused"
    );
    // A year that is not one: refused next to the form, what was typed kept.
    let (status, _, refused) = post(
        "/to-chuc/XA/ke-hoach",
        form(&[
            ("_csrf", &csrf),
            ("year", "năm nay"),
            ("title", "Kế hoạch số 15-KH/ĐU"),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("Năm «năm nay» không hợp lệ"), "{refused}");
    assert!(refused.contains("value=\"Kế hoạch số 15-KH/ĐU\""));
    // The committee's own framework is offered for the kinds of subject it is for.
    let derived = k
        .derive_framework(
            &system,
            tree.commune,
            "qd366-hd43/member-without-post",
            "dang-vien-xa",
            Some("Khung tiêu chí đảng viên của Đảng ủy xã".into()),
        )
        .await
        .expect("derived");
    let page = get("/to-chuc/XA").await;
    assert!(
        page.contains("name=\"framework_member_without_post\""),
        "a choice of framework for members without a post"
    );
    assert!(page.contains(&format!("<option value=\"{}\">", derived.id)));
    assert!(page.contains("Khung tiêu chí đảng viên của Đảng ủy xã — phiên bản 1"));
    // A framework that does not exist: refused on the form, the choice kept.
    let (status, _, refused) = post(
        "/to-chuc/XA/ke-hoach",
        form(&[
            ("_csrf", &csrf),
            ("year", "2025"),
            ("framework_member_without_post", "khung-khong-co"),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(
        refused.contains("Không có khung tiêu chí «khung-khong-co»"),
        "{refused}"
    );
    assert!(refused.contains("name=\"framework_member_without_post\""));
    // Drafted, pinning the committee's framework.
    let (status, location, _) = post(
        "/to-chuc/XA/ke-hoach",
        form(&[
            ("_csrf", &csrf),
            ("year", "2025"),
            ("title", "Kế hoạch số 15-KH/ĐU"),
            ("framework_member_without_post", &derived.id),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let plan_path = location.expect("to the plan");
    let plan_id: uuid::Uuid = plan_path
        .trim_start_matches("/ke-hoach/")
        .parse()
        .expect("plan id");
    let pinned = k.plan(&system, plan_id).await.expect("plan");
    assert_eq!(
        pinned
            .frameworks
            .get(&kiemdiem_rules::SubjectKind::MemberWithoutPost),
        Some(&derived.id)
    );
    let page = get(&plan_path).await;
    assert!(page.contains("Kế hoạch số 15-KH/ĐU"));
    assert!(
        page.contains("Lưu các bước"),
        "a draft's phases can be changed"
    );
    let version = hidden(&page, "version");
    let phase = |n: usize, what: &str| hidden(&page, &format!("{what}_{n}"));
    let phases: Vec<usize> = (1..)
        .take_while(|n| page.contains(&format!("name=\"code_{n}\"")))
        .collect();
    assert!(!phases.is_empty(), "the default phases are offered");
    let from_1 = {
        let marker = "name=\"from_1\" value=\"";
        let at = page.find(marker).expect("from_1") + marker.len();
        page[at..at + 10].to_string()
    };
    let mut fields: Vec<(String, String)> = vec![
        ("_csrf".into(), csrf.clone()),
        ("version".into(), version.clone()),
    ];
    for &n in &phases {
        fields.push((format!("code_{n}"), phase(n, "code")));
        fields.push((format!("step_{n}"), phase(n, "step")));
        let title = if n == 1 {
            "Chuẩn bị, quán triệt".to_string()
        } else {
            format!("Bước {n}")
        };
        fields.push((format!("title_{n}"), title));
        let at = |what: &str| {
            let marker = format!("name=\"{what}_{n}\" value=\"");
            let i = page.find(&marker).expect("day") + marker.len();
            page[i..i + 10].to_string()
        };
        fields.push((format!("from_{n}"), at("from")));
        fields.push((format!("to_{n}"), at("to")));
    }
    let as_form = |fields: &[(String, String)]| {
        form(
            &fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
    };
    // A bad day is named with its phase, and the titles typed stay.
    let mut bad = fields.clone();
    for (k, v) in &mut bad {
        if k == "from_1" {
            *v = "31/02/2025".into();
        }
    }
    let (status, _, refused) = post(&format!("{plan_path}/cac-buoc"), as_form(&bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.contains("Ngày «31/02/2025» ở bước 1 không hợp lệ"),
        "{refused}"
    );
    assert!(refused.contains("value=\"Chuẩn bị, quán triệt\""));
    // Saved.
    let (status, location, _) = post(&format!("{plan_path}/cac-buoc"), as_form(&fields)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "saved ({from_1})");
    let page = get(&location.expect("back to the plan")).await;
    assert!(page.contains("Đã lưu các bước của kế hoạch."));
    assert!(page.contains("value=\"Chuẩn bị, quán triệt\""));
    // An old version is refused as a conflict, shown on the page.
    let (status, _, stale) = post(
        &format!("{plan_path}/mo"),
        form(&[("_csrf", &csrf), ("version", &version)]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{stale}");
    // Opened at the current version.
    let version = hidden(&page, "version");
    let (status, location, _) = post(
        &format!("{plan_path}/mo"),
        form(&[("_csrf", &csrf), ("version", &version)]),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = get(&location.expect("back to the plan")).await;
    assert!(page.contains("Đã triển khai kế hoạch:"), "{page}");
    assert!(
        !page.contains("Lưu các bước"),
        "an open plan's phases are fixed"
    );
    // The plan's frameworks are linked; the committee makes its own from one.
    let framework = page
        .split("href=\"/khung?ma=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a framework linked from the plan")
        .to_string();
    let shipped = get(&format!("/khung?ma={framework}")).await;
    assert!(shipped.contains("Điểm tối đa"), "{shipped}");
    assert!(
        !shipped.contains("name=\"max_"),
        "a shipped framework is not changed in place"
    );
    let (status, location, _) = post(
        &format!("/khung/phai-sinh?ma={framework}"),
        form(&[("_csrf", &csrf), ("name", "dang-vien")]),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let own = location.expect("to the new framework");
    let page = get(&own).await;
    assert!(page.contains("Đã xây dựng khung tiêu chí của cấp ủy."));
    let own_id = own
        .trim_start_matches("/khung?ma=")
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let fields: Vec<(String, String)> = page
        .split("name=\"max_")
        .skip(1)
        .filter_map(|rest| {
            let id = rest.split('"').next()?;
            let value = rest.split("value=\"").nth(1)?.split('"').next()?;
            Some((format!("max_{id}"), value.to_string()))
        })
        .collect();
    assert!(!fields.is_empty(), "a committee's version can be changed");
    let mut with_csrf = vec![("_csrf".to_string(), csrf.clone())];
    with_csrf.extend(fields.clone());
    let as_form = |fields: &[(String, String)]| {
        form(
            &fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
    };
    // Points that are not a number are refused, what was typed kept.
    let mut bad = with_csrf.clone();
    bad[1].1 = "mười".into();
    let (status, _, refused) = post(&format!("/khung?ma={own_id}"), as_form(&bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.contains("Điểm tối đa của tiêu chí «"),
        "the criterion is named: {refused}"
    );
    assert!(
        refused.contains("«mười» không phải là số điểm"),
        "{refused}"
    );
    assert!(refused.contains("value=\"mười\""));
    // Points that do not add up are refused, saying which criterion.
    let mut broken = with_csrf.clone();
    broken[1].1 = "99".into();
    let (status, _, refused) = post(&format!("/khung?ma={own_id}"), as_form(&broken)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused.contains("Khung tiêu chí không hợp lệ"), "{refused}");
    // Saved as it is: a second version.
    let (status, location, _) = post(&format!("/khung?ma={own_id}"), as_form(&with_csrf)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let second = get(&location.expect("to the new version")).await;
    assert!(second.contains("Đã lưu phiên bản mới của khung tiêu chí."));
    assert!(second.contains("Phiên bản 2"), "{second}");
    let plan = k
        .plans(&system, 2025, Some(tree.commune))
        .await
        .expect("plans");
    assert!(
        plan.iter()
            .any(|p| p.title == "Kế hoạch số 15-KH/ĐU" && p.status == "open")
    );
}

/// The organisation and progress pages are kept whole between visits (until the next audited
/// change); each viewer is still asked whether they read them: the district's board reads the
/// grassroots organisation's pages, then its branch secretary and a member of the branch are
/// refused the same pages, and the secretary's own branch page follows a submission at once.
async fn a_kept_page_reaches_no_one_who_could_not_read_it(app: &TestApp) {
    let (k, cycle) = demo(app).await;
    let code = |id: uuid::Uuid| {
        let store = app.store.clone();
        async move {
            let mut tx = store.read().await.expect("read");
            tx.org_code(id).await.expect("code").expect("known code")
        }
    };
    let grassroots = code(cycle.grassroots).await;
    let branch = code(cycle.branches[1]).await;
    let plan = cycle.plan.id;
    let unit = format!("/to-chuc/{grassroots}");
    let overview = format!("/ke-hoach/{plan}?to-chuc={grassroots}");
    for path in [&unit, &overview] {
        let (status, _) = page_as(app, "bantochuc", path).await;
        assert_eq!(status, StatusCode::OK, "the board reads {path}");
        let (status, page) = page_as(app, "bithu", path).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "the secretary is refused {path}"
        );
        assert!(page.contains("không có quyền"), "{page}");
    }
    let own = format!("/to-chuc/{branch}");
    let (status, before) = page_as(app, "bithu", &own).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = page_as(app, "dangvien1", &own).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a member reads no branch page"
    );
    // A member of the branch submits their self-review: the kept page gives way at once.
    let system = Actor::trusted("test");
    let unit_subjects = k
        .unit_overview(&system, plan, cycle.branches[1])
        .await
        .expect("the branch's subjects");
    let writer = unit_subjects
        .iter()
        .find(|s| s.review.is_none() && s.subject.kind.is_member())
        .expect("a member still to write");
    // The self-review column of the subjects' table.
    let submitted = |page: &str| page.matches("<td>Đã nộp</td>").count();
    let book = cycle.plan.book().expect("rule book");
    let sections = kiemdiem_app::review::form_sections(&book, writer.subject.kind)
        .iter()
        .map(|s| {
            (
                s.code.to_owned(),
                format!("{} — {}", writer.subject.name, s.title),
            )
        })
        .collect();
    let draft = k
        .save_self_review(&system, writer.subject.id, 0, sections)
        .await
        .expect("draft");
    k.submit_self_review(
        &system,
        writer.subject.id,
        draft.version,
        day("20/12/2025"),
        None,
    )
    .await
    .expect("submitted");
    let (status, after) = page_as(app, "bithu", &own).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        submitted(&after),
        submitted(&before) + 1,
        "one more submitted"
    );
}
