//! `/api/v1/orgs/…`: the tree on a day, its history, its posts and its members.

use crate::support::{TestApp, api_test, seed_tree};

api_test!(
    an_org_on_a_day,
    the_tree_around_an_org,
    history_and_events,
    members_of_a_subtree_in_vietnamese_order,
    posts_of_an_org,
);

async fn an_org_on_a_day(app: &TestApp) {
    let tree = seed_tree(&app.store).await;
    let before = app.get_ok("/api/v1/orgs/CB1?as_of=30/06/2025").await;
    assert_eq!(before["name"], "Chi bộ thôn Nà Súng");
    assert_eq!(before["version"], 1);
    assert_eq!(before["valid_to"], "2025-07-01");
    assert_eq!(before["kind"], "subordinate_branch");
    assert_eq!(before["kind_name"], "Chi bộ trực thuộc");
    assert_eq!(before["parent_id"], tree.commune.to_string());
    // Without a day: the server's today (31/12/2025), after the rename.
    let now = app.get_ok("/api/v1/orgs/CB1").await;
    assert_eq!(now["name"], "Chi bộ thôn Nà Súng Mới");
    assert_eq!(now["version"], 2);
    assert!(now["valid_to"].is_null());
    assert_eq!(now["changed_by"], "test");
    let roots = app.get_ok("/api/v1/orgs").await;
    let codes: Vec<&str> = roots["orgs"]
        .as_array()
        .expect("orgs")
        .iter()
        .filter_map(|o| o["code"].as_str())
        .collect();
    assert_eq!(codes, ["TU"]);
}

async fn the_tree_around_an_org(app: &TestApp) {
    seed_tree(&app.store).await;
    let children = app.get_ok("/api/v1/orgs/XA/children").await;
    let codes: Vec<&str> = children["orgs"]
        .as_array()
        .expect("orgs")
        .iter()
        .filter_map(|o| o["code"].as_str())
        .collect();
    assert_eq!(codes, ["CB1", "CB2"]);
    assert_eq!(children["as_of"], "2025-12-31");

    let subtree = app.get_ok("/api/v1/orgs/HU/subtree").await;
    let nodes: Vec<(i64, &str)> = subtree["orgs"]
        .as_array()
        .expect("orgs")
        .iter()
        .map(|n| {
            (
                n["depth"].as_i64().expect("depth"),
                n["code"].as_str().expect("code"),
            )
        })
        .collect();
    assert_eq!(nodes, [(0, "HU"), (1, "XA"), (2, "CB1"), (2, "CB2")]);

    let ancestors = app.get_ok("/api/v1/orgs/CB2/ancestors").await;
    let codes: Vec<&str> = ancestors["orgs"]
        .as_array()
        .expect("orgs")
        .iter()
        .filter_map(|o| o["code"].as_str())
        .collect();
    assert_eq!(codes, ["TU", "HU", "XA", "CB2"]);
}

async fn history_and_events(app: &TestApp) {
    let tree = seed_tree(&app.store).await;
    let history = app.get_ok("/api/v1/orgs/CB1/history").await;
    let names: Vec<&str> = history["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .filter_map(|v| v["name"].as_str())
        .collect();
    assert_eq!(names, ["Chi bộ thôn Nà Súng", "Chi bộ thôn Nà Súng Mới"]);
    let events = app.get_ok("/api/v1/orgs/CB1/events").await;
    let events = events["events"].as_array().expect("events");
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds, ["create", "update"]);
    assert_eq!(events[1]["kind_name"], "Thay đổi thông tin");
    assert_eq!(events[1]["effective_on"], "2025-07-01");
    assert_eq!(events[1]["orgs"][0]["code"], "CB1");
    assert_eq!(events[1]["orgs"][0]["id"], tree.village_branch.to_string());
    assert_eq!(events[1]["orgs"][0]["role"], "subject");
}

async fn members_of_a_subtree_in_vietnamese_order(app: &TestApp) {
    seed_tree(&app.store).await;
    let page = app.get_ok("/api/v1/orgs/XA/members").await;
    assert_eq!(page["total"], 5);
    let members = page["members"].as_array().expect("members");
    let names: Vec<&str> = members
        .iter()
        .filter_map(|m| m["full_name"].as_str())
        .collect();
    // By given name first (Ánh, Bình, Dũng, Đức, Yến): D before Đ, the family name last.
    assert_eq!(
        names,
        [
            "Lê Thị Ánh",
            "Yên Văn Bình",
            "Trần Văn Dũng",
            "Nguyễn Văn Đức",
            "Đỗ Thị Yến"
        ]
    );
    assert_eq!(members[1]["branch"]["code"], "CB2");
    assert_eq!(members[2]["probationary"], true);
    assert_eq!(members[0]["probationary"], false);

    let page = app.get_ok("/api/v1/orgs/XA/members?offset=1&limit=2").await;
    assert_eq!(page["total"], 5);
    let names: Vec<&str> = page["members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|m| m["full_name"].as_str())
        .collect();
    assert_eq!(names, ["Yên Văn Bình", "Trần Văn Dũng"]);

    let branch = app.get_ok("/api/v1/orgs/CB2/members").await;
    assert_eq!(branch["total"], 1);
    // Before anyone joined.
    let empty = app.get_ok("/api/v1/orgs/XA/members?as_of=2005-01-01").await;
    assert_eq!(empty["total"], 0);
}

async fn posts_of_an_org(app: &TestApp) {
    seed_tree(&app.store).await;
    let positions = app.get_ok("/api/v1/orgs/CB1/positions").await;
    let positions = positions["positions"].as_array().expect("positions");
    assert_eq!(positions.len(), 1);
    assert_eq!(positions[0]["kind"], "secretary");
    assert_eq!(positions[0]["kind_name"], "Bí thư");
    assert_eq!(positions[0]["holder_name"], "Đỗ Thị Yến");
    assert_eq!(positions[0]["holder_kind"], "member");
    let none = app
        .get_ok("/api/v1/orgs/CB1/positions?as_of=2019-12-31")
        .await;
    assert_eq!(none["positions"].as_array().map(Vec::len), Some(0));
    let collectives = app.get_ok("/api/v1/orgs/XA/collectives").await;
    assert!(collectives["collectives"].is_array());
}
