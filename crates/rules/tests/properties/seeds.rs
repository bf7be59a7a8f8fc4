//! The seeds' own situations, reproduced through the public API: the 2020 plan of Đảng ủy Sở GTVT
//! (seed 000), the 2019 district guide (seed 003) and the 2022 Nghệ An plan (seed 004), all under
//! QĐ 132-QĐ/TW + HD 21-HD/BTCTW with the seed's local layer. Each test quotes the sentence it
//! reproduces.

use kiemdiem_rules::authority::{Body, Placement, authority};
use kiemdiem_rules::ballot::{BallotOutcome, RollEntry, Vote, denominator, outcome, tally};
use kiemdiem_rules::classify::{Classification, Context, Effect, Readiness, classify};
use kiemdiem_rules::eligibility::{AttachmentKind, Participation, eligibility};
use kiemdiem_rules::facts::{
    CivilService, Composition, DisciplineRecord, HeadedUnit, LeavePeriod, LedUnit, LevelCounts,
    StatusPeriod, SubjectFacts, TaskResults, TemporaryActivity, Transfer,
    discipline_counts_at_current_unit,
};
use kiemdiem_rules::framework::{self, Adjustment, EvaluationInput};
use kiemdiem_rules::ordering::{Precedence, Predecessor, check_order};
use kiemdiem_rules::quota::{QuotaSubject, check_quota, group_key};
use kiemdiem_rules::ruleset::builtin_local_layer;
use kiemdiem_rules::{
    DisciplineForm, Grade, LeaveKind, Level, OrgKind, Points, QuotaCategory, RuleBook, RuleSetId,
    StatusKind, SubjectKind,
};
use std::collections::BTreeMap;
use time::{Date, Month};

fn with_layer(id: &str) -> RuleBook {
    RuleBook::with_local(
        RuleSetId::Qd132Hd21,
        builtin_local_layer(id).unwrap().clone(),
    )
    .unwrap()
}

fn seed000() -> RuleBook {
    with_layer("seed000-so-gtvt-2020")
}

fn seed003() -> RuleBook {
    with_layer("seed003-huyen-2019")
}

fn seed004() -> RuleBook {
    with_layer("seed004-nghe-an-2022")
}

fn day(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day).unwrap()
}

fn member(kind: SubjectKind) -> SubjectFacts {
    let mut facts = SubjectFacts::new(kind);
    facts.admitted_on = Some(day(2005, Month::May, 19));
    facts.official_on = Some(day(2006, Month::May, 19));
    facts.tasks = Some(TaskResults {
        assigned: 10,
        completed: 10,
        on_time: 10,
        exceeded: 4,
    });
    facts
}

/// Classifies in `year`, as of 15/12, with a score reaching `level`.
fn classify_at(book: &RuleBook, year: i32, facts: &SubjectFacts, level: Level) -> Classification {
    let sheet = framework::ScoreSheet {
        framework: "seed".into(),
        scale: framework::Scale::Grades,
        criteria: Vec::new(),
        groups: Vec::new(),
        adjustments: Vec::new(),
        raw_total: None,
        total: None,
        max_points: None,
        level,
        basis: String::new(),
        citation: kiemdiem_rules::Citation::new("seed", "seed"),
        any_kem: false,
    };
    classify(&Context {
        book,
        year,
        as_of: day(year, Month::December, 15),
        facts,
        score: Some(&sheet),
    })
}

fn roll_entry(id: &str, official: bool) -> RollEntry {
    RollEntry {
        id: id.into(),
        official,
        present: true,
        temporary_elsewhere: false,
        exempt: false,
        suspended: false,
        prosecuted_or_detained: false,
        excused_absence: false,
    }
}

fn counts(htxsnv: u32, httnv: u32, htnv: u32) -> LevelCounts {
    LevelCounts {
        htxsnv,
        httnv,
        htnv,
        khtnv: 0,
    }
}

fn at(org_kind: OrgKind) -> Placement {
    Placement {
        org_kind,
        under_partial_committee: false,
    }
}

// ---------------------------------------------------------------------------------------------
// Seed 000 — Kế hoạch 2020 của Đảng ủy Sở Giao thông vận tải (QĐ 132/HD 21)
// ---------------------------------------------------------------------------------------------

/// "Thực hiện Kế hoạch số 02-KH/ĐUK, ngày 27/10/2020 của Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh
/// về việc kiểm điểm, đánh giá, xếp loại chất lượng … năm 2020"
#[test]
fn seed000_the_2020_plan_runs_under_qd132_hd21_with_its_local_layer() {
    assert_eq!(RuleSetId::for_year(2020), Some(RuleSetId::Qd132Hd21));
    let book = seed000();
    let layer = book.local.as_ref().unwrap();
    assert!(layer.source.contains("02-KH/ĐUK"));
    assert!(
        RuleBook::with_local(RuleSetId::Qd366Hd43, layer.clone()).is_err(),
        "the 2020 layer cannot be pinned on the 2025 rules"
    );
}

/// "Chi ủy (bí thư chi bộ nơi không có chi ủy) tổ chức để đảng viên bỏ phiếu đề xuất mức xếp loại
/// đối với từng đảng viên của chi bộ; sau đó, tổng hợp kết quả, đề xuất mức xếp loại chất lượng
/// đối với từng đảng viên để báo cáo đảng ủy cơ sở." — "Đối với chi bộ cơ sở do chi bộ quyết định
/// xếp loại chất lượng đảng viên."
#[test]
fn seed000_branch_ballot_proposes_and_the_grassroots_committee_decides_members() {
    let book = seed000();
    let decided = authority(
        &book,
        SubjectKind::MemberWithoutPost,
        at(OrgKind::SubordinateBranch),
    );
    assert_eq!(decided.decides, Body::GrassrootsCommittee);
    assert_eq!(decided.proposes, Some(Body::OwnBranch));
    assert!(decided.citation.source.contains("Sở Giao thông vận tải"));
    let own = authority(
        &book,
        SubjectKind::MemberWithoutPost,
        at(OrgKind::GrassrootsBranch),
    );
    assert_eq!((own.decides, own.proposes), (Body::OwnBranch, None));

    // The branch: 7 official members and 1 probationary, who may not vote.
    let mut roll: Vec<RollEntry> = (1..=7)
        .map(|i| roll_entry(&format!("DV0{i}"), true))
        .collect();
    roll.push(roll_entry("DV08", false));
    let d = denominator(&book, &roll);
    assert_eq!((d.count, d.present_voters), (7, 7));
    let agenda: Vec<String> = ["DV01", "DV02"].map(String::from).to_vec();
    let papers: Vec<BTreeMap<String, Vote>> = [
        [Level::Htxsnv, Level::Htnv],
        [Level::Htxsnv, Level::Htnv],
        [Level::Httnv, Level::Htnv],
        [Level::Httnv, Level::Httnv],
        [Level::Htxsnv, Level::Khtnv],
        [Level::Httnv, Level::Khtnv],
        [Level::Htnv, Level::Khtnv],
    ]
    .into_iter()
    .map(|votes| {
        agenda
            .iter()
            .cloned()
            .zip(votes.map(Vote::For))
            .collect::<BTreeMap<_, _>>()
    })
    .collect();
    let tallies = tally(&agenda, papers.iter());
    // DV01: 3 HTXSNV (not > 3.5), 3 + 3 = 6 at HTTNV or above (> 3.5): the branch proposes HTTNV.
    match outcome(&book, &tallies["DV01"], &d).unwrap() {
        BallotOutcome::Level { level, votes, .. } => {
            assert_eq!((level, votes), (Level::Httnv, 6));
        }
        other => panic!("{other:?}"),
    }
    // DV02: 1 HTTNV + 3 HTNV = 4 > 3.5 at HTNV or above.
    assert!(matches!(
        outcome(&book, &tallies["DV02"], &d).unwrap(),
        BallotOutcome::Level {
            level: Level::Htnv,
            ..
        }
    ));
}

/// "Đảng ủy cơ sở xem xét, quyết định xếp loại chất lượng đối với các tổ chức đảng trực thuộc." —
/// "báo cáo Ban Thường vụ Đảng ủy Khối xem xét, quyết định xếp loại chất lượng."
#[test]
fn seed000_branches_are_decided_by_the_grassroots_committee_and_it_by_the_bloc() {
    let book = seed000();
    assert_eq!(
        authority(
            &book,
            SubjectKind::Organisation,
            at(OrgKind::SubordinateBranch)
        )
        .decides,
        Body::GrassrootsCommittee
    );
    assert_eq!(
        authority(
            &book,
            SubjectKind::Organisation,
            at(OrgKind::GrassrootsCommittee)
        )
        .decides,
        Body::SuperiorStandingCommittee
    );
    assert_eq!(
        authority(
            &book,
            SubjectKind::Collective,
            at(OrgKind::GrassrootsCommittee)
        )
        .decides,
        Body::ManagingStandingCommittee
    );
}

/// "hội nghị ban chấp hành đảng bộ (chi bộ) thảo luận, biểu quyết bằng phiếu kín để xác định mức
/// xếp loại chất lượng của đảng bộ, chi bộ theo 01 trong 04 mức"
#[test]
fn seed000_the_committee_votes_its_organisation_level_by_secret_ballot() {
    let book = seed000();
    let roll: Vec<RollEntry> = (1..=9)
        .map(|i| roll_entry(&format!("UV{i}"), true))
        .collect();
    let d = denominator(&book, &roll);
    let agenda = vec!["Đảng bộ Sở".to_owned()];
    let votes = [
        Vote::For(Level::Htxsnv),
        Vote::For(Level::Htxsnv),
        Vote::For(Level::Httnv),
        Vote::For(Level::Httnv),
        Vote::For(Level::Httnv),
        Vote::For(Level::Htnv),
        Vote::Blank,
        Vote::Invalid,
        Vote::For(Level::Htnv),
    ];
    let papers: Vec<_> = votes
        .iter()
        .map(|v| BTreeMap::from([(agenda[0].clone(), *v)]))
        .collect();
    let tallies = tally(&agenda, papers.iter());
    assert_eq!(tallies[&agenda[0]].papers(), 9);
    match outcome(&book, &tallies[&agenda[0]], &d).unwrap() {
        BallotOutcome::Level { level, base, .. } => assert_eq!((level, base), (Level::Httnv, 9)),
        other => panic!("{other:?}"),
    }
}

/// "đảng viên tự phân tích chất lượng (xác định cấp độ “Xuất sắc”, “Tốt”, “Trung bình”, “Kém” cho
/// từng tiêu chí đánh giá cụ thể) và xem xét, tự nhận mức chất lượng trong Mẫu 02"
#[test]
fn seed000_members_grade_each_criterion_and_self_propose_on_mau_02() {
    let book = seed000();
    let fw =
        framework::national(RuleSetId::Qd132Hd21, SubjectKind::MemberWithoutPost, None).unwrap();
    let mut input = EvaluationInput::default();
    for leaf in fw.leaves() {
        let grade = match leaf.group {
            framework::CriterionGroup::Tasks => Grade::XuatSac,
            framework::CriterionGroup::Common => Grade::Tot,
        };
        input.grades.insert(leaf.criterion.id.clone(), grade);
    }
    let sheet = framework::score(fw, &book, &input).unwrap();
    assert_eq!(sheet.level, Level::Htxsnv);
    let facts = member(SubjectKind::MemberWithoutPost);
    let c = classify(&Context {
        book: &book,
        year: 2020,
        as_of: day(2020, Month::November, 20),
        facts: &facts,
        score: Some(&sheet),
    });
    assert_eq!(c.suggested, Some(Level::Htxsnv));
    let layer = book.local.as_ref().unwrap();
    assert!(layer.forms[&SubjectKind::MemberWithoutPost].starts_with("Mẫu 02"));
}

/// "vào ô tương ứng trong Mẫu 03" (tổ chức đảng) — "tự nhận mức chất lượng trong Mẫu 04" (tập thể
/// lãnh đạo, quản lý)
#[test]
fn seed000_organisations_use_mau_03_and_collectives_mau_04() {
    let book = seed000();
    let forms = &book.local.as_ref().unwrap().forms;
    assert!(forms[&SubjectKind::Organisation].starts_with("Mẫu 03"));
    assert!(forms[&SubjectKind::Collective].starts_with("Mẫu 04"));
    for kind in [
        SubjectKind::MemberWithPost,
        SubjectKind::MemberWithoutPost,
        SubjectKind::MemberOutsideSystem,
    ] {
        assert!(forms[&kind].starts_with("Mẫu 02"), "{kind:?}");
    }
}

/// "Các chi bộ hoàn chỉnh hồ sơ, nộp về Đảng vụ trước ngày 27/11/2020."
#[test]
fn seed000_branch_dossiers_are_due_before_27_11() {
    let layer = builtin_local_layer("seed000-so-gtvt-2020").unwrap();
    assert_eq!(layer.deadlines.len(), 1);
    let deadline = &layer.deadlines[0];
    assert_eq!(
        (deadline.day, deadline.month, deadline.year_offset),
        (27, 11, 0)
    );
    assert!(deadline.source.contains("27/11/2020"));
}

/// "Đảng ủy cơ sở chủ trì tổ chức thực hiện và xem xét, quyết định mức xếp loại chất lượng đảng
/// viên." — under HD 21 the HTXSNV quota counts over the whole tổ chức cơ sở đảng.
#[test]
fn seed000_the_member_quota_is_pooled_over_the_branches_of_the_dang_bo_so() {
    let book = seed000();
    let member_of = |branch: &str| QuotaSubject {
        category: QuotaCategory::Members,
        grassroots: Some("DB-SO-GTVT".into()),
        deciding_body: "DB-SO-GTVT".into(),
        similar_role_group: Some(branch.into()),
    };
    assert_eq!(
        group_key(&book, &member_of("Chi bộ Văn phòng")),
        group_key(&book, &member_of("Chi bộ Thanh tra"))
    );
    // Three branches with 4, 6 and 5 HTTNV: one pool of 15, so 3 may be HTXSNV (branch by branch
    // only 0 + 1 + 1 would be).
    let pooled = check_quota(&book, &counts(3, 15, 6), None).unwrap();
    assert!(pooled.violation.is_none());
    assert_eq!(pooled.allowed, 3);
    assert!(
        check_quota(&book, &counts(4, 15, 6), None)
            .unwrap()
            .violation
            .is_some()
    );
}

// ---------------------------------------------------------------------------------------------
// Seed 003 — Hướng dẫn của BTV Huyện ủy 2019 (QĐ 132/HD 21 + local layer)
// ---------------------------------------------------------------------------------------------

fn as_of_2019() -> Date {
    day(2019, Month::December, 10)
}

/// "Đảng viên trong toàn Đảng (trừ đảng viên được miễn công tác và sinh hoạt, đảng viên bị đình chỉ
/// sinh hoạt đảng)."
#[test]
fn seed003_exempt_and_suspended_members_are_excluded() {
    let book = seed003();
    for kind in [
        StatusKind::ExemptFromPartyWork,
        StatusKind::SuspendedFromParty,
    ] {
        let mut facts = member(SubjectKind::MemberWithoutPost);
        facts.statuses.push(StatusPeriod {
            kind,
            from: day(2019, Month::April, 1),
            to: None,
        });
        let e = eligibility(&book, &facts, as_of_2019());
        assert_eq!(e.participation, Participation::Excluded, "{kind:?}");
        assert!(e.reasons[0].citation.source.contains("HD 21"));
    }
}

/// "Đối với Cấp ủy viên bị đình chỉ sinh hoạt Cấp ủy vẫn phải đánh giá, xếp loại chất lượng."
#[test]
fn seed003_a_committee_member_suspended_from_the_committee_is_still_classified() {
    let mut facts = member(SubjectKind::MemberWithPost);
    facts.statuses.push(StatusPeriod {
        kind: StatusKind::SuspendedFromCommittee,
        from: day(2019, Month::April, 1),
        to: None,
    });
    let e = eligibility(&seed003(), &facts, as_of_2019());
    assert_eq!(e.participation, Participation::ReviewAndClassify);
    assert!(
        e.reasons[0]
            .citation
            .source
            .contains("Huyện ủy năm 2019 mục A.1.2")
    );
}

/// "Không đánh giá, xếp loại đối với tổ chức đảng mới thành lập chưa đủ 06 tháng, đảng viên mới kết
/// nạp chưa đủ 06 tháng, nhưng vẫn phải kiểm điểm đảng viên tính từ ngày kết nạp vào Đảng."
#[test]
fn seed003_members_and_organisations_under_six_months_are_reviewed_not_classified() {
    let book = seed003();
    let mut newcomer = member(SubjectKind::MemberWithoutPost);
    newcomer.admitted_on = Some(day(2019, Month::July, 2));
    newcomer.official_on = None;
    let e = eligibility(&book, &newcomer, as_of_2019());
    assert_eq!(e.participation, Participation::ReviewOnly);
    assert!(
        e.reasons[0]
            .message
            .contains("vẫn kiểm điểm từ ngày kết nạp")
    );
    newcomer.admitted_on = Some(day(2019, Month::June, 10));
    assert!(eligibility(&book, &newcomer, as_of_2019()).classified());

    let mut branch = SubjectFacts::new(SubjectKind::Organisation);
    branch.org_kind = Some(OrgKind::SubordinateBranch);
    branch.founded_on = Some(day(2019, Month::September, 1));
    assert_eq!(
        eligibility(&book, &branch, as_of_2019()).participation,
        Participation::ReviewOnly
    );
}

/// "Đảng viên nghỉ ốm từ 03 tháng trở lên không xếp loại đạt mức “Hoàn thành tốt nhiệm vụ” trở lên;
/// đảng viên nghỉ thai sản thì kết quả xếp loại chất lượng trong năm là kết quả xếp loại chất lượng
/// trong thời gian làm việc thực tế của năm đó."
#[test]
fn seed003_sick_leave_of_three_months_caps_at_htnv_and_maternity_is_a_note() {
    let book = seed003();
    let mut sick = member(SubjectKind::MemberWithoutPost);
    sick.leave.push(LeavePeriod {
        kind: LeaveKind::Sick,
        from: day(2019, Month::September, 1),
        to: day(2019, Month::November, 30),
    });
    let c = classify_at(&book, 2019, &sick, Level::Htxsnv);
    assert_eq!(c.allowed, Level::Htnv);
    assert_eq!(c.suggested, Some(Level::Htnv));
    assert!(c.findings.iter().any(|f| {
        f.citation
            .source
            .contains("HD 21-HD/BTCTW Mục II tiểu mục 6")
    }));
    sick.leave[0].to = day(2019, Month::November, 28); // 89 days
    assert_eq!(
        classify_at(&book, 2019, &sick, Level::Htxsnv).suggested,
        Some(Level::Htxsnv)
    );

    let mut mother = member(SubjectKind::MemberWithoutPost);
    mother.leave.push(LeavePeriod {
        kind: LeaveKind::Maternity,
        from: day(2019, Month::March, 1),
        to: day(2019, Month::August, 31),
    });
    let c = classify_at(&book, 2019, &mother, Level::Htxsnv);
    assert_eq!(c.suggested, Some(Level::Htxsnv));
    assert!(
        c.findings
            .iter()
            .any(|f| f.effect == Effect::Note && f.message.contains("thời gian làm việc thực tế"))
    );
}

/// "Đảng viên khi chuyển công tác thì Chi bộ nơi tiếp nhận có trách nhiệm đánh giá, xếp loại chất
/// lượng. Đối với trường hợp có thời gian công tác ở Chi bộ, cơ quan, đơn vị cũ từ 06 tháng trở lên
/// thì phải lấy ý kiến nhận xét của Chi bộ nơi chuyển đi."
#[test]
fn seed003_a_transfer_after_six_months_needs_the_old_branch_comment() {
    let book = seed003();
    let mut facts = member(SubjectKind::MemberWithoutPost);
    facts.transfer = Some(Transfer {
        months_at_previous: 7,
        previous_comment_received: false,
    });
    let e = eligibility(&book, &facts, as_of_2019());
    assert_eq!(e.attachments.len(), 1);
    assert_eq!(e.attachments[0].kind, AttachmentKind::PreviousBranchComment);
    assert!(!e.attachments_complete());
    facts.transfer = Some(Transfer {
        months_at_previous: 5,
        previous_comment_received: false,
    });
    assert!(eligibility(&book, &facts, as_of_2019()).attachments_complete());
}

/// "Đảng viên sinh hoạt tạm thời được đánh giá, xếp loại chất lượng ở Chi bộ nơi đảng viên sinh hoạt
/// chính thức. Trước khi đánh giá, xếp loại chất lượng, đảng viên sinh hoạt tạm thời lấy nhận xét
/// của của Chi bộ nơi sinh hoạt tạm thời nộp cho Chi bộ nơi sinh hoạt chính thức"
#[test]
fn seed003_a_temporary_member_brings_the_temporary_branch_comment() {
    let mut facts = member(SubjectKind::MemberWithoutPost);
    facts.temporary_activity = Some(TemporaryActivity {
        comment_received: false,
    });
    let e = eligibility(&seed003(), &facts, as_of_2019());
    assert_eq!(
        e.attachments[0].kind,
        AttachmentKind::TemporaryBranchComment
    );
    assert!(!e.attachments_complete());
    facts.temporary_activity = Some(TemporaryActivity {
        comment_received: true,
    });
    assert!(eligibility(&seed003(), &facts, as_of_2019()).attachments_complete());
}

/// "Đối với đảng viên vi phạm kỷ luật ở tổ chức đảng nơi công tác trước đó nhưng bị xử lý kỷ luật và
/// thi hành kỷ luật ở tổ chức đảng mới chuyển đến thì tính vào kết quả đánh giá, xếp loại của tổ
/// chức đảng nơi xảy ra vi phạm."
#[test]
fn seed003_a_violation_at_the_previous_organisation_counts_there() {
    let book = seed003();
    let record = DisciplineRecord {
        form: DisciplineForm::CanhCao,
        violation_on: Some(day(2018, Month::October, 2)),
        decided_on: day(2019, Month::May, 20),
        at_previous_unit: true,
        duty_related: true,
        self_detected_remedied: false,
        counted_before: false,
        unrelated_to_collective: false,
        violation: None,
    };
    assert!(!discipline_counts_at_current_unit(&record));
    // The new leadership collective is not brought down by it …
    let mut collective = SubjectFacts::new(SubjectKind::Collective);
    collective.member_discipline.push(record.clone());
    let c = classify_at(&book, 2019, &collective, Level::Httnv);
    assert_eq!(c.suggested, Some(Level::Httnv), "{:#?}", c.findings);
    // … the old one is, and the member himself is disciplined in the year.
    collective.member_discipline[0].at_previous_unit = false;
    assert_eq!(
        classify_at(&book, 2019, &collective, Level::Httnv).allowed,
        Level::Khtnv
    );
    let mut person = member(SubjectKind::MemberWithoutPost);
    person.discipline.push(record);
    assert_eq!(
        classify_at(&book, 2019, &person, Level::Httnv).allowed,
        Level::Khtnv
    );
}

/// "Những nơi có dưới 05 tổ chức đảng; 05 tập thể lãnh đạo, quản lý; 05 đảng viên; 05 cán bộ lãnh
/// đạo, quản lý xếp loại “Hoàn thành tốt nhiệm vụ” thì chọn 01 … xếp loại “Hoàn thành xuất sắc
/// nhiệm vụ” nếu đủ điều kiện."
#[test]
fn seed003_fewer_than_five_httnv_allow_one_htxsnv() {
    let book = seed003();
    let small = check_quota(&book, &counts(1, 4, 1), None).unwrap();
    assert!(small.violation.is_none());
    assert!(small.small_group_exception);
    assert!(
        small
            .citations
            .iter()
            .any(|c| c.source.contains("Huyện ủy năm 2019 mục B.6"))
    );
    assert!(
        check_quota(&book, &counts(2, 4, 1), None)
            .unwrap()
            .violation
            .is_some()
    );
    // Without the local layer the national 20 % of 4 (0) applies.
    let national = RuleBook::national(RuleSetId::Qd132Hd21);
    assert!(
        check_quota(&national, &counts(1, 4, 1), None)
            .unwrap()
            .violation
            .is_some()
    );
    // From 5 HTTNV the national share governs again.
    let five = check_quota(&book, &counts(1, 5, 0), None).unwrap();
    assert!(five.violation.is_none() && !five.small_group_exception);
}

/// "Mức xếp loại chất lượng của người đứng đầu không được cao hơn mức xếp loại của tập thể lãnh đạo,
/// quản lý và tổ chức, cơ quan, đơn vị do mình đứng đầu (trừ Bí thư Chi bộ ở các Chi bộ thôn, tổ dân
/// phố không là cán bộ, công chức ở các xã, thị trấn)." — "Trường hợp cá nhân chuyển đến là người
/// đứng đầu mà không liên quan đến mức xếp loại của tổ chức, cơ quan, đơn vị mới thì không áp dụng"
#[test]
fn seed003_a_head_is_not_rated_above_the_unit_with_both_exceptions() {
    let book = seed003();
    let unit = |level| HeadedUnit {
        name: "Đảng bộ xã".into(),
        level: Some(level),
        moved_in_without_part: false,
    };
    let mut head = member(SubjectKind::MemberWithPost);
    head.headed_units = vec![unit(Level::Htnv)];
    let c = classify_at(&book, 2019, &head, Level::Htxsnv);
    assert_eq!(c.suggested, Some(Level::Htnv));
    assert!(
        c.findings
            .iter()
            .any(|f| f.citation.rule == "local.head_not_above_unit")
    );

    let mut village = head.clone();
    village.village_secretary_not_civil_servant = true;
    assert_eq!(
        classify_at(&book, 2019, &village, Level::Htxsnv).suggested,
        Some(Level::Htxsnv)
    );

    let mut newcomer = head.clone();
    newcomer.headed_units[0].moved_in_without_part = true;
    assert_eq!(
        classify_at(&book, 2019, &newcomer, Level::Htxsnv).suggested,
        Some(Level::Htxsnv)
    );

    // "Sau khi hoàn thành đánh giá, xếp loại tổ chức … thì đánh giá, xếp loại người đứng đầu."
    let mut early = head;
    early.headed_units[0].level = None;
    let c = classify_at(&book, 2019, &early, Level::Htxsnv);
    assert_eq!(c.readiness, Readiness::Pending);
    assert_eq!(c.suggested, None);
}

fn full_points(fw: &framework::Framework) -> EvaluationInput {
    let mut input = EvaluationInput::default();
    for leaf in fw.leaves() {
        input.points.insert(
            leaf.criterion.id.clone(),
            leaf.criterion.max_points.unwrap(),
        );
    }
    input
}

fn shortfall(achieved: f64) -> Adjustment {
    Adjustment::TargetShortfall {
        criterion: "nhiem_vu".into(),
        target: "Thu ngân sách xã".into(),
        planned: 100.0,
        achieved,
        responsible: "Đồng chí Chủ tịch UBND xã".into(),
    }
}

/// "Căn cứ các chỉ tiêu cơ bản theo Nghị quyết của Cấp ủy, nếu thực hiện không đạt 5%/01 chỉ tiêu thì
/// trừ 0,5 điểm, trừ không quá 02 điểm/01 chỉ tiêu. Việc cộng điểm hoàn thành xuất sắc trong các tiêu
/// chí được thực hiện tối đa không quá 2 điểm/01 nội dung, thành tích"
#[test]
fn seed003_each_five_percent_short_deducts_half_a_point_up_to_two_and_bonuses_up_to_two() {
    let book = seed003();
    let fw = framework::builtin_by_id("seed003/individual").unwrap();
    let applied = |adjustment: Adjustment| {
        let mut input = full_points(fw);
        input.adjustments.push(adjustment);
        framework::score(fw, &book, &input).unwrap().adjustments[0].clone()
    };
    assert_eq!(applied(shortfall(95.01)).applied, Points::ZERO); // 4,99 % short
    assert_eq!(applied(shortfall(95.0)).applied, Points(-50)); // 5 %
    assert_eq!(applied(shortfall(90.0)).applied, Points(-100)); // 10 %
    let capped = applied(shortfall(60.0)); // 40 % short: 8 steps, at most 2 points
    assert_eq!(capped.requested, Points(-400));
    assert_eq!(capped.applied, Points(-200));
    assert!(capped.citation.source.contains("Huyện ủy năm 2019 mục B.6"));
    assert_eq!(capped.responsible, "Đồng chí Chủ tịch UBND xã");
    let bonus = applied(Adjustment::Bonus {
        criterion: "nhiem_vu".into(),
        points: Points::whole(3),
        achievement: "Xã đạt chuẩn nông thôn mới nâng cao".into(),
        responsible: "Chi bộ thôn 2".into(),
    });
    assert_eq!(bonus.applied, Points::whole(2));

    // "việc trừ điểm phải được thể hiện rõ ở nội dung, tiêu chí nào? nêu rõ lý do; cá nhân, tập thể
    // nào chịu trách nhiệm"
    let mut input = full_points(fw);
    input.adjustments.push(Adjustment::TargetShortfall {
        criterion: "nhiem_vu".into(),
        target: "Thu ngân sách xã".into(),
        planned: 100.0,
        achieved: 80.0,
        responsible: " ".into(),
    });
    let error = framework::score(fw, &book, &input).unwrap_err();
    assert_eq!(error.field, "adjustments[0].responsible");
    // The deductions are the district's: the national rule book refuses them.
    input.adjustments[0] = shortfall(80.0);
    assert!(framework::score(fw, &RuleBook::national(RuleSetId::Qd132Hd21), &input).is_err());
    // Full marks (100) minus 2 points of deduction, then +2 of bonus, stays within 100.
    input.adjustments.push(Adjustment::Bonus {
        criterion: "tu_tuong".into(),
        points: Points::whole(2),
        achievement: "Điển hình học tập và làm theo tư tưởng Hồ Chí Minh".into(),
        responsible: "Đảng viên".into(),
    });
    let sheet = framework::score(fw, &book, &input).unwrap();
    assert_eq!(sheet.total, Some(Points::whole(100)));
}

/// "Đảng viên là công chức, viên chức thực hiện đánh giá, xếp loại chất lượng sau khi có kết quả
/// đánh giá, xếp loại công chức, viên chức."
#[test]
fn seed003_a_civil_servant_is_rated_after_the_civil_service_rating() {
    let book = seed003();
    let mut facts = member(SubjectKind::MemberWithoutPost);
    facts.civil_service = Some(CivilService { rating: None });
    let c = classify_at(&book, 2019, &facts, Level::Httnv);
    assert_eq!(c.readiness, Readiness::Pending);
    assert_eq!(c.suggested, None);
    let e = eligibility(&book, &facts, as_of_2019());
    assert_eq!(e.attachments[0].kind, AttachmentKind::CivilServiceRating);
    let missing = check_order(
        &book,
        &[Predecessor {
            precedence: Precedence::CivilServiceBeforeParty,
            name: "Xếp loại viên chức năm 2019".into(),
            done: false,
        }],
    )
    .unwrap_err();
    assert!(
        missing[0]
            .citation
            .source
            .contains("Huyện ủy năm 2019 mục B.6")
    );
    facts.civil_service = Some(CivilService {
        rating: Some(Level::Httnv),
    });
    // Once known, HD 21 still wants a civil-service HTXSNV for a party HTXSNV.
    let c = classify_at(&book, 2019, &facts, Level::Htxsnv);
    assert_eq!(c.suggested, Some(Level::Httnv));
}

/// "Kiểm điểm tập thể trước, cá nhân sau, người đứng đầu trước, cấp phó và các thành viên sau. Cấp
/// ủy, tổ chức đảng thực hiện kiểm điểm sau khi các tập thể lãnh đạo, quản lý của chính quyền, chuyên
/// môn, đoàn thể đã hoàn thành kiểm điểm." — "Tập thể, cá nhân phải hoàn thành việc kiểm điểm mới
/// được đánh giá, xếp loại chất lượng." — "Đánh giá, xếp loại chất lượng tập thể cấp dưới trước, cấp
/// trên sau; tập thể lãnh đạo, quản lý trước, cá nhân thành viên sau." — "đánh giá, xếp loại đảng
/// viên ở Chi bộ trước …, xếp loại ở tập thể cán bộ lãnh đạo, quản lý sau."
#[test]
fn seed003_order_rules_name_the_missing_step() {
    let book = seed003();
    let steps: Vec<Predecessor> = [
        (
            Precedence::CollectiveBeforeMembers,
            "Kiểm điểm tập thể Chi ủy",
        ),
        (Precedence::HeadBeforeDeputies, "Kiểm điểm Bí thư"),
        (
            Precedence::GovernmentBodiesBeforeCommittee,
            "Kiểm điểm lãnh đạo UBND xã",
        ),
        (Precedence::ReviewBeforeRating, "Kiểm điểm đảng viên"),
        (
            Precedence::LowerBeforeUpper,
            "Xếp loại các chi bộ trực thuộc",
        ),
        (Precedence::BranchBeforeCollective, "Xếp loại ở Chi bộ"),
        (Precedence::UnitBeforeHead, "Xếp loại Đảng bộ xã"),
    ]
    .into_iter()
    .map(|(precedence, name)| Predecessor {
        precedence,
        name: name.into(),
        done: false,
    })
    .collect();
    let missing = check_order(&book, &steps).unwrap_err();
    assert_eq!(missing.len(), steps.len());
    for (m, step) in missing.iter().zip(&steps) {
        assert_eq!(m.name, step.name);
        assert!(m.message.contains(&step.name));
        assert!(
            m.citation.source.contains("Huyện ủy năm 2019"),
            "{}",
            m.citation.source
        );
    }
    let done: Vec<Predecessor> = steps
        .into_iter()
        .map(|step| Predecessor { done: true, ..step })
        .collect();
    assert!(check_order(&book, &done).is_ok());
}

/// "Chỉ đánh giá, xếp loại chất lượng tập thể lãnh đạo, quản lý đối với các cơ quan, đơn vị, tổ chức
/// có từ 02 lãnh đạo trực tiếp trở lên. Những cơ quan, đơn vị, tổ chức chỉ có 01 lãnh đạo, quản lý
/// thực hiện theo Mục 4."
#[test]
fn seed003_only_collectives_of_two_leaders_are_classified_as_collectives() {
    let book = seed003();
    let mut facts = SubjectFacts::new(SubjectKind::Collective);
    facts.direct_leaders = Some(1);
    assert_eq!(
        eligibility(&book, &facts, as_of_2019()).participation,
        Participation::Excluded
    );
    facts.direct_leaders = Some(2);
    assert!(eligibility(&book, &facts, as_of_2019()).classified());
}

/// "Cấp có thẩm quyền xem xét, quyết định số lượng cán bộ lãnh đạo, quản lý được xếp loại “Hoàn
/// thành xuất sắc nhiệm vụ” không vượt quá 20% số được xếp loại “Hoàn thành tốt nhiệm vụ” theo chức
/// danh tương đương ở từng cấp, từng ngành, từng lĩnh vực."
#[test]
fn seed003_leaders_quota_is_counted_per_equivalent_title() {
    let book = seed003();
    let leader = |title: &str| QuotaSubject {
        category: QuotaCategory::Leaders,
        grassroots: None,
        deciding_body: "BTV-HU".into(),
        similar_role_group: Some(title.into()),
    };
    assert_ne!(
        group_key(&book, &leader("truong-phong")),
        group_key(&book, &leader("chu-tich-xa"))
    );
    assert_eq!(
        group_key(&book, &leader("truong-phong")),
        group_key(&book, &leader("truong-phong"))
    );
    // 12 trưởng phòng HTTNV: 2 HTXSNV allowed, a third is over.
    assert!(
        check_quota(&book, &counts(2, 12, 0), None)
            .unwrap()
            .violation
            .is_none()
    );
    assert!(
        check_quota(&book, &counts(3, 12, 0), None)
            .unwrap()
            .violation
            .is_some()
    );
}

/// "Đối với các Đảng ủy cơ sở trực thuộc Huyện ủy … tối thiểu 01 ngày (nơi được gợi ý kiểm điểm tối
/// thiểu 1,5 ngày); các Chi bộ trực thuộc Huyện ủy còn lại kiểm điểm tối thiểu 1/2 ngày (nơi được
/// gợi ý kiểm điểm tối thiểu 01 ngày)." — "… về Ban Thường vụ Huyện ủy (qua Ban Tổ chức Huyện ủy)
/// trước 15/12 hằng năm."
#[test]
fn seed003_meeting_durations_and_the_15_12_deadline() {
    let book = seed003();
    let half_days = &book.params.review.min_meeting_half_days;
    assert_eq!(half_days["grassroots_committee"], 2);
    assert_eq!(half_days["grassroots_committee_suggested"], 3);
    assert_eq!(half_days["district_branch"], 1);
    assert_eq!(half_days["district_branch_suggested"], 2);
    assert_eq!(half_days["default"], 1);
    let deadline = &book.local.as_ref().unwrap().deadlines[0];
    assert_eq!((deadline.day, deadline.month), (15, 12));
    // "Dự thảo báo cáo kiểm điểm gửi trước … ít nhất 03 ngày làm việc."
    assert_eq!(book.params.review.draft_notice_working_days, 3);
}

/// "Đối với Chi bộ sinh hoạt ghép thì lấy kết quả thực hiện nhiệm vụ chính của từng cơ quan, đơn vị,
/// địa phương (nơi có đảng viên đang làm việc, công tác) để kiểm điểm, chấm điểm và đánh giá, xếp
/// loại chung cho Chi bộ."
#[test]
fn seed003_a_joint_branch_combines_the_tasks_of_each_unit() {
    let book = seed003();
    let unit = |name: &str, completed| LedUnit {
        name: name.into(),
        level: None,
        tasks: Some(TaskResults {
            assigned: 10,
            completed,
            on_time: completed,
            exceeded: 0,
        }),
        disciplined: false,
    };
    let mut branch = SubjectFacts::new(SubjectKind::Organisation);
    branch.org_kind = Some(OrgKind::SubordinateBranch);
    branch.composition = Some(Composition {
        members: Some(counts(0, 6, 2)),
        ..Composition::default()
    });
    // Trạm Y tế alone completed 0 of 10; with the Trường Tiểu học's 10 of 10, the branch has 50 %.
    branch.led_units = vec![unit("Trạm Y tế xã", 0), unit("Trường Tiểu học", 10)];
    let c = classify_at(&book, 2019, &branch, Level::Httnv);
    assert_eq!(c.suggested, Some(Level::Httnv), "{:#?}", c.findings);
    branch.led_units[1] = unit("Trường Tiểu học", 9);
    // HD 21: under 50 % counts together with a main target missed.
    branch.key_targets = Some(kiemdiem_rules::facts::KeyTargets {
        total: 5,
        missed: 1,
    });
    let c = classify_at(&book, 2019, &branch, Level::Httnv);
    assert_eq!(c.allowed, Level::Khtnv);
    assert!(c.findings.iter().any(|f| f.message.contains("9/20")));
}

/// "Từng đảng viên trong Chi bộ xem xét, bỏ phiếu kín mức chất lượng đối với từng đảng viên sau khi
/// chủ trì hội nghị kết luận." — with the small-group exception, one of a five-member branch may be
/// HTXSNV.
#[test]
fn seed003_a_small_branch_votes_one_htxsnv_within_the_exception() {
    let book = seed003();
    let roll: Vec<RollEntry> = ["DV1", "DV2", "DV3", "DV4", "DV5"]
        .into_iter()
        .map(|id| roll_entry(id, true))
        .collect();
    let d = denominator(&book, &roll);
    let agenda: Vec<String> = roll.iter().map(|r| r.id.clone()).collect();
    let paper = |first: Level| -> BTreeMap<String, Vote> {
        agenda
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let level = if i == 0 { first } else { Level::Httnv };
                (id.clone(), Vote::For(level))
            })
            .collect()
    };
    let papers = [
        paper(Level::Htxsnv),
        paper(Level::Htxsnv),
        paper(Level::Htxsnv),
        paper(Level::Httnv),
        paper(Level::Httnv),
    ];
    let tallies = tally(&agenda, papers.iter());
    let mut decided = LevelCounts::default();
    for id in &agenda {
        match outcome(&book, &tallies[id], &d).unwrap() {
            BallotOutcome::Level { level, .. } => decided.add(level),
            other => panic!("{id}: {other:?}"),
        }
    }
    assert_eq!((decided.htxsnv, decided.httnv), (1, 4));
    let quota = check_quota(&book, &decided, None).unwrap();
    assert!(quota.violation.is_none() && quota.small_group_exception);
}

// ---------------------------------------------------------------------------------------------
// Seed 004 — Kế hoạch 131-KH/TU 2022 của BTV Tỉnh ủy Nghệ An
// ---------------------------------------------------------------------------------------------

/// "xếp loại lại ở những nơi tỷ lệ xếp loại “Hoàn thành xuất sắc nhiệm vụ” không đúng quy định; Ban
/// Thường vụ Tỉnh ủy sẽ xem xét trách nhiệm đối với tập thể và cá nhân người đứng đầu nếu xếp loại
/// hoàn thành xuất sắc nhiệm vụ tỷ lệ vượt quá 20% so với quy định."
#[test]
fn seed004_htxsnv_above_twenty_percent_of_httnv_is_flagged_for_reclassification() {
    let book = seed004();
    let within = check_quota(&book, &counts(4, 20, 3), None).unwrap();
    assert!(within.violation.is_none());
    assert_eq!(within.headroom, 0);
    let over = check_quota(&book, &counts(5, 20, 3), None).unwrap();
    let violation = over.violation.expect("5 of 20 is 25 %: flagged");
    assert_eq!(violation.excess, 1);
    assert!(
        violation
            .citation
            .source
            .contains("HD 21-HD/BTCTW Mục II 2.3")
    );
    assert!(violation.message.contains("20%"));
    // Nghệ An has no small-group exception: 1 HTXSNV over 4 HTTNV is flagged there, not in seed 003.
    assert!(
        check_quota(&book, &counts(1, 4, 0), None)
            .unwrap()
            .violation
            .is_some()
    );
    assert!(
        check_quota(&seed003(), &counts(1, 4, 0), None)
            .unwrap()
            .violation
            .is_none()
    );
}

/// "Cấp cơ sở hoàn thành trước ngày 20/12/2022; cấp trên cơ sở hoàn thành trước ngày 31/12/2022;
/// cấp tỉnh xong trước ngày 15/01/2023." — "tự chấn chỉnh, khắc phục xong trước ngày 30/11/2022."
#[test]
fn seed004_deadlines_are_20_12_31_12_and_15_01_of_the_next_year() {
    let layer = builtin_local_layer("seed004-nghe-an-2022").unwrap();
    let dates: Vec<(u8, u8, u8)> = layer
        .deadlines
        .iter()
        .map(|d| (d.day, d.month, d.year_offset))
        .collect();
    assert_eq!(
        dates,
        vec![(30, 11, 0), (20, 12, 0), (31, 12, 0), (15, 1, 1)]
    );
    assert!(layer.deadlines[1].step.contains("cơ sở"));
    assert!(layer.deadlines[3].step.contains("tỉnh"));
}

/// "Các cấp ủy, tổ chức đảng rà soát kết quả đánh giá, xếp loại chất lượng đối với tập thể, cá nhân
/// năm 2021 nếu chưa thực hiện đúng Quy định số 132-QĐ/TW của Bộ Chính trị, Hướng dẫn số
/// 21-HD/BTCTW của Ban Tổ chức Trung ương thì tự chấn chỉnh, khắc phục"
#[test]
fn seed004_reviewing_2021_applies_qd132_hd21() {
    assert_eq!(RuleSetId::for_year(2021), Some(RuleSetId::Qd132Hd21));
    assert_eq!(RuleSetId::for_year(2022), Some(RuleSetId::Qd132Hd21));
    let book = seed004();
    // A member reprimanded in 2021 but rated HTTNV: HD 21 wanted KHTNV — to be corrected.
    let mut facts = member(SubjectKind::MemberWithoutPost);
    facts.discipline.push(DisciplineRecord {
        form: DisciplineForm::KhienTrach,
        violation_on: None,
        decided_on: day(2021, Month::August, 12),
        at_previous_unit: false,
        duty_related: false,
        self_detected_remedied: false,
        counted_before: false,
        unrelated_to_collective: false,
        violation: None,
    });
    let c = classify_at(&book, 2021, &facts, Level::Httnv);
    assert!(!c.permits(Level::Httnv));
    let reasons: Vec<_> = c.caps_below(Level::Httnv).collect();
    assert!(
        reasons[0]
            .citation
            .source
            .contains("HD 21-HD/BTCTW Tiết 2 Điểm B Mục II")
    );
    // The Nghệ An layer is a 2019–2022 layer only.
    let layer = builtin_local_layer("seed004-nghe-an-2022").unwrap().clone();
    assert!(RuleBook::with_local(RuleSetId::Qd366Hd43, layer).is_err());
}
