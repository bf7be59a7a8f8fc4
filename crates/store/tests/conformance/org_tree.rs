//! The organisation tree: as-of queries around create, rename, move, merge, split, dissolve;
//! subtree and ancestor queries; the refusals.

use crate::support::{conformance, day, new_org};
use kiemdiem_rules::OrgKind;
use kiemdiem_store::org::{MergeTarget, OrgUpdate, SplitPart};
use kiemdiem_store::people::{MemberDetails, MembershipKind, NewMember};
use kiemdiem_store::{Store, StoreError};
use uuid::Uuid;

conformance!(
    create_and_query_as_of,
    rename_keeps_history,
    move_subtree,
    merge_into_new_org,
    split_branch_with_members,
    dissolve_requires_empty,
    refusals,
    read_transactions_do_not_write,
    concurrent_writers_with_retry,
);

struct Tree {
    province: Uuid,
    district1: Uuid,
    district2: Uuid,
    grassroots: Uuid,
    branch1: Uuid,
    branch2: Uuid,
}

async fn build_tree(store: &Store) -> Tree {
    let mut tx = store.begin("tester").await.unwrap();
    let province = tx
        .create_org(
            &new_org(
                "T",
                "Đảng bộ tỉnh Lạng Sơn",
                OrgKind::Province,
                None,
                "01/01/2000",
            ),
            day("01/01/2000"),
        )
        .await
        .unwrap();
    let district1 = tx
        .create_org(
            &new_org(
                "T.H1",
                "Đảng bộ huyện Cao Lộc",
                OrgKind::UpperGrassroots,
                Some(province),
                "01/01/2000",
            ),
            day("01/01/2000"),
        )
        .await
        .unwrap();
    let district2 = tx
        .create_org(
            &new_org(
                "T.H2",
                "Đảng bộ huyện Lộc Bình",
                OrgKind::UpperGrassroots,
                Some(province),
                "01/01/2000",
            ),
            day("01/01/2000"),
        )
        .await
        .unwrap();
    let grassroots = tx
        .create_org(
            &new_org(
                "T.H1.X1",
                "Đảng bộ xã Hợp Thành",
                OrgKind::GrassrootsCommittee,
                Some(district1),
                "01/06/2005",
            ),
            day("01/06/2005"),
        )
        .await
        .unwrap();
    let branch1 = tx
        .create_org(
            &new_org(
                "T.H1.X1.C1",
                "Chi bộ thôn Bản Pjạc",
                OrgKind::SubordinateBranch,
                Some(grassroots),
                "01/06/2005",
            ),
            day("01/06/2005"),
        )
        .await
        .unwrap();
    let branch2 = tx
        .create_org(
            &new_org(
                "T.H1.X1.C2",
                "Chi bộ thôn Nà Thâm",
                OrgKind::SubordinateBranch,
                Some(grassroots),
                "01/06/2005",
            ),
            day("01/06/2005"),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    Tree {
        province,
        district1,
        district2,
        grassroots,
        branch1,
        branch2,
    }
}

fn codes(orgs: &[kiemdiem_store::org::OrgInTree]) -> Vec<(i32, &str)> {
    orgs.iter()
        .map(|o| (o.depth, o.org.code.as_str()))
        .collect()
}

async fn create_and_query_as_of(store: &Store) {
    let tree = build_tree(store).await;
    let mut tx = store.read().await.unwrap();
    assert!(
        tx.org_as_of(tree.grassroots, day("31/05/2005"))
            .await
            .unwrap()
            .is_none()
    );
    let grassroots = tx
        .org_as_of(tree.grassroots, day("01/06/2005"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(grassroots.name, "Đảng bộ xã Hợp Thành");
    assert_eq!(grassroots.kind, OrgKind::GrassrootsCommittee);
    assert_eq!(grassroots.parent_id, Some(tree.district1));
    assert_eq!(grassroots.valid_to, None);
    assert_eq!(grassroots.changed_by, "tester");

    let subtree = tx
        .org_subtree(tree.province, day("01/01/2010"))
        .await
        .unwrap();
    assert_eq!(
        codes(&subtree),
        [
            (0, "T"),
            (1, "T.H1"),
            (1, "T.H2"),
            (2, "T.H1.X1"),
            (3, "T.H1.X1.C1"),
            (3, "T.H1.X1.C2")
        ]
    );
    let before = tx
        .org_subtree(tree.province, day("01/01/2001"))
        .await
        .unwrap();
    assert_eq!(codes(&before), [(0, "T"), (1, "T.H1"), (1, "T.H2")]);
    let ancestors: Vec<String> = tx
        .org_ancestors(tree.branch1, day("01/01/2010"))
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.code)
        .collect();
    assert_eq!(ancestors, ["T", "T.H1", "T.H1.X1", "T.H1.X1.C1"]);
    let children: Vec<Uuid> = tx
        .org_children(tree.grassroots, day("01/01/2010"))
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert_eq!(children, [tree.branch1, tree.branch2]);
    assert_eq!(tx.orgs_as_of(day("01/01/2010")).await.unwrap().len(), 6);
    let by_code = tx
        .org_by_code("T.H1.X1.C2", day("01/01/2010"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_code.id, tree.branch2);
}

async fn rename_keeps_history(store: &Store) {
    let tree = build_tree(store).await;
    let mut tx = store.begin("renamer").await.unwrap();
    let changed = tx
        .rename_org(
            tree.grassroots,
            "Đảng bộ xã  Hợp   Thành",
            day("01/03/2015"),
        )
        .await
        .unwrap();
    assert!(!changed, "same name after cleaning changes nothing");
    assert!(
        tx.rename_org(
            tree.grassroots,
            "Đảng bộ thị trấn Hợp Thành",
            day("01/03/2015")
        )
        .await
        .unwrap()
    );
    let changes = tx.changes().to_vec();
    assert!(
        changes
            .iter()
            .any(|c| c.table == "org_versions" && c.action == "close")
    );
    assert!(
        changes
            .iter()
            .any(|c| c.table == "org_versions" && c.action == "insert")
    );
    let update = OrgUpdate {
        has_committee: Some(true),
        ..OrgUpdate::default()
    };
    assert!(
        tx.update_org(tree.branch1, &update, day("01/01/2016"))
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let old = tx
        .org_as_of(tree.grassroots, day("28/02/2015"))
        .await
        .unwrap()
        .unwrap();
    let new = tx
        .org_as_of(tree.grassroots, day("01/03/2015"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old.name, "Đảng bộ xã Hợp Thành");
    assert_eq!(old.valid_to, Some(day("01/03/2015")));
    assert_eq!(new.name, "Đảng bộ thị trấn Hợp Thành");
    assert_eq!(new.changed_by, "renamer");
    let history = tx.org_history(tree.grassroots).await.unwrap();
    assert_eq!(history.iter().map(|o| o.seq).collect::<Vec<_>>(), [1, 2]);
    // The subtree is unchanged by a rename.
    assert_eq!(
        tx.org_subtree(tree.grassroots, day("01/01/2020"))
            .await
            .unwrap()
            .len(),
        3
    );
    assert!(
        tx.org_as_of(tree.branch1, day("01/01/2016"))
            .await
            .unwrap()
            .unwrap()
            .has_committee
    );
    assert!(
        !tx.org_as_of(tree.branch1, day("31/12/2015"))
            .await
            .unwrap()
            .unwrap()
            .has_committee
    );
    let events = tx.org_events(tree.grassroots).await.unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.code()).collect();
    assert_eq!(kinds, ["create", "update"]);
}

async fn move_subtree(store: &Store) {
    let tree = build_tree(store).await;
    let mut tx = store.begin("tester").await.unwrap();
    tx.move_org(tree.grassroots, tree.district2, day("01/01/2018"))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let d1_before = tx
        .org_subtree(tree.district1, day("31/12/2017"))
        .await
        .unwrap();
    assert_eq!(
        codes(&d1_before),
        [
            (0, "T.H1"),
            (1, "T.H1.X1"),
            (2, "T.H1.X1.C1"),
            (2, "T.H1.X1.C2")
        ]
    );
    let d1_after = tx
        .org_subtree(tree.district1, day("01/01/2018"))
        .await
        .unwrap();
    assert_eq!(codes(&d1_after), [(0, "T.H1")]);
    let d2_after = tx
        .org_subtree(tree.district2, day("01/01/2018"))
        .await
        .unwrap();
    assert_eq!(
        codes(&d2_after),
        [
            (0, "T.H2"),
            (1, "T.H1.X1"),
            (2, "T.H1.X1.C1"),
            (2, "T.H1.X1.C2")
        ]
    );
    let province = tx
        .org_subtree(tree.province, day("01/01/2019"))
        .await
        .unwrap();
    assert_eq!(
        province.len(),
        6,
        "the province still holds every node once"
    );
    let path: Vec<Uuid> = tx
        .org_ancestors(tree.branch2, day("01/01/2019"))
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert_eq!(
        path,
        [tree.province, tree.district2, tree.grassroots, tree.branch2]
    );
    let path_before: Vec<Uuid> = tx
        .org_ancestors(tree.branch2, day("01/01/2017"))
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert_eq!(
        path_before,
        [tree.province, tree.district1, tree.grassroots, tree.branch2]
    );
    assert_eq!(
        tx.org_as_of(tree.grassroots, day("01/01/2018"))
            .await
            .unwrap()
            .unwrap()
            .parent_id,
        Some(tree.district2)
    );
    drop(tx);

    // Moving back and forth keeps every period answerable.
    let mut tx = store.begin("tester").await.unwrap();
    tx.move_org(tree.grassroots, tree.district1, day("01/01/2020"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.org_subtree(tree.district2, day("01/06/2019"))
            .await
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        tx.org_subtree(tree.district2, day("01/06/2020"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        tx.org_subtree(tree.district1, day("01/06/2020"))
            .await
            .unwrap()
            .len(),
        4
    );
}

async fn merge_into_new_org(store: &Store) {
    let tree = build_tree(store).await;
    let mut tx = store.begin("tester").await.unwrap();
    let target = MergeTarget::New(crate::support::new_org(
        "T.X9",
        "Đảng bộ xã Hợp Thành mới",
        OrgKind::UpperGrassroots,
        Some(tree.province),
        "01/07/2025",
    ));
    let merged = tx
        .merge_orgs(
            &[tree.district1, tree.district2],
            &target,
            day("01/07/2025"),
            "Sắp xếp đơn vị hành chính",
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    assert!(
        tx.org_as_of(tree.district1, day("01/07/2025"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        tx.org_as_of(tree.district2, day("01/07/2025"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        tx.org_as_of(tree.district1, day("30/06/2025"))
            .await
            .unwrap()
            .is_some()
    );
    let after = tx
        .org_subtree(tree.province, day("01/07/2025"))
        .await
        .unwrap();
    assert_eq!(
        codes(&after),
        [
            (0, "T"),
            (1, "T.X9"),
            (2, "T.H1.X1"),
            (3, "T.H1.X1.C1"),
            (3, "T.H1.X1.C2")
        ]
    );
    let before = tx
        .org_subtree(tree.province, day("30/06/2025"))
        .await
        .unwrap();
    assert_eq!(before.len(), 6);
    let events = tx.org_events(merged).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].note, "Sắp xếp đơn vị hành chính");
    let roles: Vec<&str> = events[0].orgs.iter().map(|(_, r)| r.as_str()).collect();
    assert_eq!(roles.iter().filter(|r| **r == "source").count(), 2);
    assert!(roles.contains(&"target"));
    assert!(
        tx.org_subtree(tree.district1, day("01/07/2025"))
            .await
            .unwrap()
            .is_empty()
    );
}

fn member(code: &str, name: &str, branch: Uuid) -> NewMember {
    NewMember {
        code: code.to_string(),
        details: MemberDetails {
            full_name: name.to_string(),
            birth_date: day("01/01/1980"),
            admitted_on: day("01/01/2005"),
            official_on: Some(day("01/01/2006")),
            civil_servant: false,
            employer_unit: String::new(),
            residence_org: None,
        },
        branch,
        temporary_branch: None,
    }
}

async fn split_branch_with_members(store: &Store) {
    let tree = build_tree(store).await;
    let mut tx = store.begin("tester").await.unwrap();
    let m1 = tx
        .create_member(
            &member("001", "Nguyễn Văn An", tree.branch2),
            day("01/01/2010"),
        )
        .await
        .unwrap();
    let m2 = tx
        .create_member(
            &member("002", "Trần Thị Bình", tree.branch2),
            day("01/01/2010"),
        )
        .await
        .unwrap();
    let parts = vec![
        SplitPart {
            org: new_org(
                "T.H1.X1.C2A",
                "Chi bộ thôn Nà Thâm A",
                OrgKind::SubordinateBranch,
                Some(tree.grassroots),
                "01/01/2024",
            ),
            children: vec![],
            members: vec![m1],
        },
        SplitPart {
            org: new_org(
                "T.H1.X1.C2B",
                "Chi bộ thôn Nà Thâm B",
                OrgKind::SubordinateBranch,
                Some(tree.grassroots),
                "01/01/2024",
            ),
            children: vec![],
            members: vec![m2],
        },
    ];
    let ids = tx
        .split_org(tree.branch2, &parts, day("01/01/2024"), true, "Tách chi bộ")
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    assert!(
        tx.org_as_of(tree.branch2, day("01/01/2024"))
            .await
            .unwrap()
            .is_none()
    );
    let subtree = tx
        .org_subtree(tree.grassroots, day("01/01/2024"))
        .await
        .unwrap();
    assert_eq!(
        codes(&subtree),
        [
            (0, "T.H1.X1"),
            (1, "T.H1.X1.C1"),
            (1, "T.H1.X1.C2A"),
            (1, "T.H1.X1.C2B")
        ]
    );
    assert_eq!(
        tx.branch_of(m1, MembershipKind::Official, day("01/01/2024"))
            .await
            .unwrap(),
        Some(ids[0])
    );
    assert_eq!(
        tx.branch_of(m2, MembershipKind::Official, day("01/01/2024"))
            .await
            .unwrap(),
        Some(ids[1])
    );
    assert_eq!(
        tx.branch_of(m1, MembershipKind::Official, day("31/12/2023"))
            .await
            .unwrap(),
        Some(tree.branch2)
    );
    let transfers = tx.transfers(m1).await.unwrap();
    assert_eq!(transfers.len(), 1);
    assert_eq!(transfers[0].note, "Chia tách từ T.H1.X1.C2");
    let before = tx
        .members_of_subtree(tree.branch2, day("31/12/2023"))
        .await
        .unwrap();
    assert_eq!(before.len(), 2);
    assert!(
        tx.members_of_subtree(tree.branch2, day("01/01/2024"))
            .await
            .unwrap()
            .is_empty()
    );
    drop(tx);

    // A split that leaves members behind cannot dissolve the source.
    let mut tx = store.begin("tester").await.unwrap();
    tx.create_member(
        &member("003", "Lê Văn Cường", tree.branch1),
        day("01/01/2010"),
    )
    .await
    .unwrap();
    let parts = vec![SplitPart {
        org: new_org(
            "T.H1.X1.C1A",
            "Chi bộ A",
            OrgKind::SubordinateBranch,
            Some(tree.grassroots),
            "01/02/2024",
        ),
        children: vec![],
        members: vec![],
    }];
    let error = tx
        .split_org(tree.branch1, &parts, day("01/02/2024"), true, "")
        .await
        .unwrap_err();
    assert!(
        matches!(error, StoreError::Invalid(ref m) if m.contains("1 đảng viên")),
        "{error}"
    );
}

async fn dissolve_requires_empty(store: &Store) {
    let tree = build_tree(store).await;
    let mut tx = store.begin("tester").await.unwrap();
    let error = tx
        .dissolve_org(tree.grassroots, day("01/01/2020"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, StoreError::Invalid(ref m) if m.contains("2 tổ chức trực thuộc")),
        "{error}"
    );
    drop(tx);
    let mut tx = store.begin("tester").await.unwrap();
    tx.dissolve_org(tree.branch1, day("01/01/2020"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    assert!(
        tx.org_as_of(tree.branch1, day("01/01/2020"))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        tx.org_as_of(tree.branch1, day("31/12/2019"))
            .await
            .unwrap()
            .unwrap()
            .valid_to,
        Some(day("01/01/2020"))
    );
    assert_eq!(
        tx.org_subtree(tree.grassroots, day("01/01/2020"))
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        tx.org_subtree(tree.grassroots, day("31/12/2019"))
            .await
            .unwrap()
            .len(),
        3
    );
    let latest = tx.org_latest_by_code("T.H1.X1.C1").await.unwrap().unwrap();
    assert_eq!(latest.valid_to, Some(day("01/01/2020")));
}

async fn refusals(store: &Store) {
    let tree = build_tree(store).await;
    let mut tx = store.begin("tester").await.unwrap();
    // Duplicate code → field error.
    let error = tx
        .create_org(
            &new_org(
                "T.H1",
                "Trùng mã",
                OrgKind::UpperGrassroots,
                Some(tree.province),
                "01/01/2010",
            ),
            day("01/01/2010"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, StoreError::Duplicate { field: "org_code" }),
        "{error}"
    );
    drop(tx);

    let mut tx = store.begin("tester").await.unwrap();
    // Under a branch.
    let error = tx
        .create_org(
            &new_org(
                "T.X",
                "Tổ",
                OrgKind::SubordinateBranch,
                Some(tree.branch1),
                "01/01/2010",
            ),
            day("01/01/2010"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, StoreError::Invalid(ref m) if m.contains("là chi bộ")),
        "{error}"
    );
    // Into its own subtree.
    let error = tx
        .move_org(tree.district1, tree.grassroots, day("01/01/2010"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, StoreError::Invalid(ref m) if m.contains("nằm trong chính nhánh")),
        "{error}"
    );
    // Parent that does not exist yet on that day.
    let error = tx
        .create_org(
            &new_org(
                "T.H1.X2",
                "Xã mới",
                OrgKind::GrassrootsCommittee,
                Some(tree.grassroots),
                "01/01/2001",
            ),
            day("01/01/2001"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, StoreError::Invalid(ref m) if m.contains("chưa tồn tại")),
        "{error}"
    );
    // History is not rewritten: a change dated before the last one is refused.
    tx.rename_org(
        tree.district1,
        "Đảng bộ thành phố Lạng Sơn",
        day("01/01/2012"),
    )
    .await
    .unwrap();
    let error = tx
        .rename_org(tree.district1, "Tên cũ hơn", day("01/01/2011"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, StoreError::Invalid(ref m) if m.contains("theo thứ tự thời gian")),
        "{error}"
    );
    tx.move_org(tree.grassroots, tree.district2, day("01/01/2014"))
        .await
        .unwrap();
    let error = tx
        .move_org(tree.district2, tree.district1, day("01/01/2013"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, StoreError::Invalid(ref m) if m.contains("đã thay đổi sau ngày đó")),
        "{error}"
    );
}

async fn read_transactions_do_not_write(store: &Store) {
    let tree = build_tree(store).await;
    let mut tx = store.read().await.unwrap();
    let error = tx
        .rename_org(tree.province, "Tên mới", day("01/01/2020"))
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::ReadOnly), "{error}");
    assert!(store.begin("  ").await.is_err());
}

async fn concurrent_writers_with_retry(store: &Store) {
    let tree = build_tree(store).await;
    let mut tasks = Vec::new();
    for i in 0..6 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            kiemdiem_store::retry(|| async {
                let mut tx = store.begin(&format!("writer {i}")).await?;
                let code = format!("T.H2.N{i}");
                tx.create_org(
                    &new_org(
                        &code,
                        "Chi bộ cơ sở mới",
                        OrgKind::GrassrootsBranch,
                        Some(tree.district2),
                        "01/01/2021",
                    ),
                    day("01/01/2021"),
                )
                .await?;
                tx.commit().await
            })
            .await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.org_children(tree.district2, day("01/01/2021"))
            .await
            .unwrap()
            .len(),
        6
    );
}
