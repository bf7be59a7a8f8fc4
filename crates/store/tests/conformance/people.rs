//! Members and their history, leadership collectives and posts, Vietnamese order in queries.

use crate::support::{conformance, day, new_org};
use kiemdiem_rules::{DisciplineForm, LeaveKind, OrgKind, PositionKind, StatusKind};
use kiemdiem_store::leadership::{CollectiveKind, Holder, NewCollective, NewLeader, NewPosition};
use kiemdiem_store::org::MergeTarget;
use kiemdiem_store::people::{
    MemberDetails, MembershipKind, NewDiscipline, NewMember, TransferDirection,
};
use kiemdiem_store::{Store, StoreError};
use uuid::Uuid;

conformance!(
    member_history,
    branches_and_transfers,
    statuses_leave_discipline,
    vietnamese_order_and_nfc,
    collectives_and_posts,
);

struct Place {
    grassroots: Uuid,
    branch1: Uuid,
    branch2: Uuid,
}

async fn place(store: &Store) -> Place {
    let mut tx = store.begin("tester").await.unwrap();
    let province = tx
        .create_org(
            &new_org("P", "Đảng bộ tỉnh", OrgKind::Province, None, "01/01/1990"),
            day("01/01/1990"),
        )
        .await
        .unwrap();
    let grassroots = tx
        .create_org(
            &new_org(
                "P.X",
                "Đảng bộ xã Tân Lập",
                OrgKind::GrassrootsCommittee,
                Some(province),
                "01/01/1990",
            ),
            day("01/01/1990"),
        )
        .await
        .unwrap();
    let branch1 = tx
        .create_org(
            &new_org(
                "P.X.1",
                "Chi bộ thôn 1",
                OrgKind::SubordinateBranch,
                Some(grassroots),
                "01/01/1990",
            ),
            day("01/01/1990"),
        )
        .await
        .unwrap();
    let branch2 = tx
        .create_org(
            &new_org(
                "P.X.2",
                "Chi bộ thôn 2",
                OrgKind::SubordinateBranch,
                Some(grassroots),
                "01/01/1990",
            ),
            day("01/01/1990"),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    Place {
        grassroots,
        branch1,
        branch2,
    }
}

fn details(name: &str) -> MemberDetails {
    MemberDetails {
        full_name: name.to_string(),
        birth_date: day("15/05/1980"),
        admitted_on: day("19/05/2005"),
        official_on: None,
        civil_servant: false,
        employer_unit: String::new(),
        residence_org: None,
    }
}

fn new_member(code: &str, name: &str, branch: Uuid) -> NewMember {
    NewMember {
        code: code.to_string(),
        details: details(name),
        branch,
        temporary_branch: None,
    }
}

async fn member_history(store: &Store) {
    let place = place(store).await;
    let mut tx = store.begin("chi ủy").await.unwrap();
    let id = tx
        .create_member(
            &new_member("A1", "Nguyễn Văn An", place.branch1),
            day("19/05/2005"),
        )
        .await
        .unwrap();
    assert!(
        tx.changes()
            .iter()
            .any(|c| c.table == "member_versions" && c.key == format!("{id}/1"))
    );
    let error = tx
        .create_member(&new_member("A1", "Trùng", place.branch1), day("19/05/2005"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::Duplicate {
                field: "member_code"
            }
        ),
        "{error}"
    );
    drop(tx);

    let mut tx = store.begin("chi ủy").await.unwrap();
    let id = tx
        .create_member(
            &new_member("A1", "Nguyễn Văn An", place.branch1),
            day("19/05/2005"),
        )
        .await
        .unwrap();
    let official = MemberDetails {
        official_on: Some(day("19/05/2006")),
        ..details("Nguyễn Văn An")
    };
    assert!(
        tx.update_member(id, &official, day("19/05/2006"))
            .await
            .unwrap()
    );
    assert!(
        !tx.update_member(id, &official, day("01/06/2006"))
            .await
            .unwrap(),
        "no change, no version"
    );
    let error = tx
        .update_member(id, &details("Nguyễn Văn Ân"), day("01/01/2006"))
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Invalid(_)), "{error}");
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    assert!(
        tx.member_as_of(id, day("18/05/2005"))
            .await
            .unwrap()
            .is_none()
    );
    let probationary = tx
        .member_as_of(id, day("01/01/2006"))
        .await
        .unwrap()
        .unwrap();
    assert!(probationary.is_probationary(day("01/01/2006")));
    assert_eq!(probationary.valid_to, Some(day("19/05/2006")));
    let now = tx
        .member_by_code("A1", day("01/01/2020"))
        .await
        .unwrap()
        .unwrap();
    assert!(!now.is_probationary(day("01/01/2020")));
    assert_eq!(now.changed_by, "chi ủy");
    assert_eq!(tx.member_history(id).await.unwrap().len(), 2);
    assert_eq!(tx.member_id_by_code(" A1 ").await.unwrap(), Some(id));
}

async fn branches_and_transfers(store: &Store) {
    let place = place(store).await;
    let mut tx = store.begin("tester").await.unwrap();
    let id = tx
        .create_member(
            &new_member("B1", "Trần Thị Bình", place.branch1),
            day("19/05/2005"),
        )
        .await
        .unwrap();
    tx.set_temporary_branch(id, Some(place.branch2), day("01/03/2010"))
        .await
        .unwrap();
    tx.set_temporary_branch(id, None, day("01/09/2010"))
        .await
        .unwrap();
    tx.transfer_member(id, place.branch2, day("01/01/2015"), "Chuyển sinh hoạt")
        .await
        .unwrap();
    tx.transfer_out(
        id,
        "Đảng bộ tỉnh Cao Bằng",
        day("01/01/2020"),
        "Chuyển công tác",
    )
    .await
    .unwrap();
    tx.transfer_in(
        id,
        place.branch1,
        "Đảng bộ tỉnh Cao Bằng",
        day("01/01/2023"),
        "Trở về",
        false,
    )
    .await
    .unwrap();
    // The grassroots organisation cannot dissolve with a member in it.
    assert!(
        tx.dissolve_org(place.branch1, day("01/01/2024"))
            .await
            .is_err()
    );
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let at = |d: &str| day(d);
    assert_eq!(
        tx.branch_of(id, MembershipKind::Official, at("01/01/2014"))
            .await
            .unwrap(),
        Some(place.branch1)
    );
    assert_eq!(
        tx.branch_of(id, MembershipKind::Temporary, at("01/06/2010"))
            .await
            .unwrap(),
        Some(place.branch2)
    );
    assert_eq!(
        tx.branch_of(id, MembershipKind::Temporary, at("01/10/2010"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        tx.branch_of(id, MembershipKind::Official, at("01/01/2016"))
            .await
            .unwrap(),
        Some(place.branch2)
    );
    assert_eq!(
        tx.branch_of(id, MembershipKind::Official, at("01/01/2021"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        tx.branch_of(id, MembershipKind::Official, at("01/01/2024"))
            .await
            .unwrap(),
        Some(place.branch1)
    );
    let temporary = tx
        .members_of_branch(place.branch2, MembershipKind::Temporary, at("01/06/2010"))
        .await
        .unwrap();
    assert_eq!(temporary.len(), 1);
    let directions: Vec<TransferDirection> = tx
        .transfers(id)
        .await
        .unwrap()
        .iter()
        .map(|t| t.direction)
        .collect();
    assert_eq!(
        directions,
        [
            TransferDirection::Internal,
            TransferDirection::Out,
            TransferDirection::In
        ]
    );
    let memberships = tx.memberships(id).await.unwrap();
    assert_eq!(memberships.len(), 4);
    assert!(memberships.iter().all(|m| m.changed_by == "tester"));
    // The subtree query follows the member through time.
    assert_eq!(
        tx.members_of_subtree(place.grassroots, at("01/01/2021"))
            .await
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        tx.members_of_subtree(place.grassroots, at("01/01/2016"))
            .await
            .unwrap()[0]
            .branch_id,
        place.branch2
    );
}

async fn statuses_leave_discipline(store: &Store) {
    let place = place(store).await;
    let mut tx = store.begin("tester").await.unwrap();
    let id = tx
        .create_member(
            &new_member("C1", "Lê Văn Cường", place.branch2),
            day("19/05/2005"),
        )
        .await
        .unwrap();
    let exempt = tx
        .add_status(
            id,
            StatusKind::ExemptFromPartyWork,
            day("01/01/2024"),
            None,
            "Tuổi cao",
        )
        .await
        .unwrap();
    tx.add_status(
        id,
        StatusKind::SuspendedFromCommittee,
        day("01/02/2025"),
        Some(day("01/05/2025")),
        "",
    )
    .await
    .unwrap();
    tx.end_status(exempt, day("01/07/2025")).await.unwrap();
    assert!(
        tx.end_status(exempt, day("01/08/2025")).await.is_err(),
        "already ended"
    );
    tx.add_leave(
        id,
        LeaveKind::Sick,
        day("01/03/2025"),
        Some(day("15/06/2025")),
        "Phẫu thuật",
    )
    .await
    .unwrap();
    assert!(
        tx.add_leave(
            id,
            LeaveKind::Sick,
            day("01/03/2025"),
            Some(day("01/03/2025")),
            ""
        )
        .await
        .is_err()
    );
    let record = NewDiscipline {
        form: DisciplineForm::KhienTrach,
        violation_on: day("10/10/2024"),
        decided_on: day("20/02/2025"),
        violation_org: Some(place.branch1),
        deciding_org: Some(place.grassroots),
        duty_related: true,
        self_detected_remedied: false,
        note: "Vi phạm tại chi bộ cũ".to_string(),
    };
    tx.add_discipline(id, &record).await.unwrap();
    let backwards = NewDiscipline {
        decided_on: day("01/01/2024"),
        ..record.clone()
    };
    assert!(tx.add_discipline(id, &backwards).await.is_err());
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let kinds =
        |s: Vec<kiemdiem_store::people::Status>| s.into_iter().map(|s| s.kind).collect::<Vec<_>>();
    assert_eq!(
        kinds(tx.statuses_as_of(id, day("01/03/2025")).await.unwrap()),
        [
            StatusKind::ExemptFromPartyWork,
            StatusKind::SuspendedFromCommittee
        ]
    );
    assert_eq!(
        kinds(tx.statuses_as_of(id, day("01/07/2025")).await.unwrap()),
        []
    );
    let statuses = tx.statuses(id).await.unwrap();
    assert_eq!(statuses[0].valid_to, Some(day("01/07/2025")));
    let leaves = tx.leaves(id).await.unwrap();
    assert_eq!(leaves.len(), 1);
    assert_eq!(
        (leaves[0].valid_to.unwrap() - leaves[0].valid_from).whole_days(),
        106
    );
    let disciplines = tx.disciplines(id).await.unwrap();
    assert_eq!(disciplines.len(), 1);
    assert_eq!(disciplines[0].record, record);
}

async fn vietnamese_order_and_nfc(store: &Store) {
    let place = place(store).await;
    let mut tx = store.begin("tester").await.unwrap();
    let names = [
        "Trần Văn Bình",
        "Phạm Em",
        "Đỗ Văn Đạt",
        "Lê Thị Ân",
        "Nguyễn Văn An",
        "Vũ Thị Ánh",
        "Hoàng Anh",
    ];
    for (i, name) in names.iter().enumerate() {
        let branch = if i % 2 == 0 {
            place.branch1
        } else {
            place.branch2
        };
        tx.create_member(
            &new_member(&format!("S{i}"), name, branch),
            day("19/05/2005"),
        )
        .await
        .unwrap();
    }
    let decomposed = "Bu\u{300}i Thi\u{323} \u{110}a\u{300}o";
    let nfd = tx
        .create_member(
            &new_member("S9", decomposed, place.branch1),
            day("19/05/2005"),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.member_as_of(nfd, day("01/01/2020"))
            .await
            .unwrap()
            .unwrap()
            .details
            .full_name,
        "Bùi Thị Đào"
    );
    let ordered: Vec<String> = tx
        .members_of_subtree(place.grassroots, day("01/01/2020"))
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.member.details.full_name)
        .collect();
    assert_eq!(
        ordered,
        // a < â as letters, so every "an…" comes before "Ân"; tones only break ties of letters.
        [
            "Nguyễn Văn An",
            "Hoàng Anh",
            "Vũ Thị Ánh",
            "Lê Thị Ân",
            "Trần Văn Bình",
            "Bùi Thị Đào",
            "Đỗ Văn Đạt",
            "Phạm Em"
        ]
    );
}

async fn collectives_and_posts(store: &Store) {
    let place = place(store).await;
    let mut tx = store.begin("tester").await.unwrap();
    let chair = tx
        .create_member(
            &new_member("L1", "Hoàng Văn Chiến", place.branch1),
            day("19/05/2005"),
        )
        .await
        .unwrap();
    let deputy = tx
        .create_member(
            &new_member("L2", "Lý Thị Dung", place.branch2),
            day("19/05/2005"),
        )
        .await
        .unwrap();
    let outsider = tx
        .create_leader(&NewLeader {
            full_name: "Mã Văn Giang".into(),
            birth_date: None,
            employer_unit: "UBND xã Tân Lập".into(),
        })
        .await
        .unwrap();
    let ubnd = tx
        .create_collective(
            &NewCollective {
                code: "P.X.UBND".into(),
                name: "Ủy ban nhân dân xã Tân Lập".into(),
                kind: CollectiveKind::PeoplesCommittee,
                org: place.grassroots,
            },
            day("01/01/2021"),
        )
        .await
        .unwrap();
    let post = |holder, kind, title: &str| NewPosition {
        holder,
        kind,
        org: None,
        collective: Some(ubnd),
        title: title.to_string(),
    };
    tx.assign_position(
        &post(
            Holder::Member(deputy),
            PositionKind::UnitDeputy,
            "Phó Chủ tịch",
        ),
        day("01/01/2021"),
    )
    .await
    .unwrap();
    tx.assign_position(
        &post(
            Holder::Leader(outsider),
            PositionKind::UnitDeputy,
            "Phó Chủ tịch",
        ),
        day("01/01/2021"),
    )
    .await
    .unwrap();
    let head = tx
        .assign_position(
            &post(Holder::Member(chair), PositionKind::UnitHead, "Chủ tịch"),
            day("01/01/2021"),
        )
        .await
        .unwrap();
    let secretary = NewPosition {
        holder: Holder::Member(chair),
        kind: PositionKind::Secretary,
        org: Some(place.branch1),
        collective: None,
        title: "Bí thư chi bộ".into(),
    };
    tx.assign_position(&secretary, day("01/01/2020"))
        .await
        .unwrap();
    let nowhere = NewPosition {
        org: None,
        collective: None,
        ..secretary.clone()
    };
    assert!(
        tx.assign_position(&nowhere, day("01/01/2020"))
            .await
            .is_err()
    );
    tx.end_position(head, day("01/01/2024")).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let seats = tx
        .collective_members(ubnd, day("01/06/2023"))
        .await
        .unwrap();
    assert_eq!(seats.len(), 3);
    assert!(seats[0].is_head());
    assert_eq!(seats[0].holder_name, "Hoàng Văn Chiến");
    assert!(
        seats
            .iter()
            .any(|s| s.holder == Holder::Leader(outsider) && s.holder_name == "Mã Văn Giang")
    );
    assert_eq!(
        tx.collective_members(ubnd, day("01/06/2024"))
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        tx.positions_of(Holder::Member(chair), day("01/06/2023"))
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        tx.positions_in_org(place.branch1, day("01/06/2023"))
            .await
            .unwrap()[0]
            .kind,
        PositionKind::Secretary
    );
    assert_eq!(
        tx.collectives_of_org(place.grassroots, day("01/06/2023"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        tx.collective_by_code("P.X.UBND").await.unwrap().unwrap().id,
        ubnd
    );
    drop(tx);

    // Merging the branches ends the posts held in the merged ones.
    let mut tx = store.begin("tester").await.unwrap();
    let merged = tx
        .merge_orgs(
            &[place.branch1],
            &MergeTarget::Existing(place.branch2),
            day("01/01/2025"),
            "",
        )
        .await
        .unwrap();
    assert_eq!(merged, place.branch2);
    tx.dissolve_collective(ubnd, day("01/02/2025"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    assert!(
        tx.positions_in_org(place.branch1, day("01/01/2025"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        tx.members_of_branch(place.branch2, MembershipKind::Official, day("01/01/2025"))
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        tx.collective_members(ubnd, day("01/03/2025"))
            .await
            .unwrap()
            .is_empty()
    );
}
