use super::*;
use crate::level::{Grade, Level};
use crate::points::Points;
use crate::ruleset::{RuleBook, RuleSetId, builtin_local_layer};

fn seed003() -> RuleBook {
    RuleBook::with_local(
        RuleSetId::Qd132Hd21,
        builtin_local_layer("seed003-huyen-2019").unwrap().clone(),
    )
    .unwrap()
}

#[test]
fn every_subject_of_every_era_has_a_national_framework() {
    for id in RuleSetId::ALL {
        let book = RuleBook::national(id);
        for kind in SubjectKind::ALL {
            if !book.era().covers(kind) {
                continue;
            }
            let org_kinds: Vec<Option<OrgKind>> = if kind == SubjectKind::Organisation {
                OrgKind::ALL.iter().copied().map(Some).collect()
            } else {
                vec![None]
            };
            for org_kind in org_kinds {
                let framework = national(id, kind, org_kind)
                    .unwrap_or_else(|| panic!("no framework for {id} {kind:?} {org_kind:?}"));
                check_against(framework, &book).unwrap();
            }
        }
    }
}

#[test]
fn local_frameworks_fit_their_rule_book() {
    let book = seed003();
    for id in ["seed003/organisation", "seed003/individual"] {
        check_against(builtin_by_id(id).unwrap(), &book).unwrap();
    }
}

#[test]
fn qd366_frameworks_keep_30_plus_70() {
    for framework in builtin()
        .iter()
        .filter(|f| f.rule_sets.contains(&RuleSetId::Qd366Hd43))
    {
        assert_eq!(
            framework.group_max(CriterionGroup::Common),
            Points::whole(30)
        );
        assert_eq!(
            framework.group_max(CriterionGroup::Tasks),
            Points::whole(70)
        );
        assert_eq!(framework.max_points, Some(Points::whole(100)));
    }
}

#[test]
fn a_framework_breaking_the_national_split_is_refused_under_qd366() {
    let text = builtin_by_id("qd366-hd43/leader").unwrap();
    let mut framework = text.clone();
    framework.criteria[0].max_points = Some(Points::whole(40));
    framework.criteria[0].children[0].max_points = Some(Points::whole(20));
    framework.criteria[1].max_points = Some(Points::whole(60));
    framework.criteria[1].children[0].max_points = Some(Points::whole(25));
    let error = check_against(&framework, &RuleBook::national(RuleSetId::Qd366Hd43)).unwrap_err();
    assert!(error.problem.contains("Nhóm tiêu chí chung"), "{error}");
    assert!(error.problem.contains("QĐ 366-QĐ/TW Điều 10"), "{error}");
}

#[test]
fn bad_framework_files_name_the_criterion_and_the_problem() {
    let text = r#"
id = "x"
title = "X"
rule_sets = ["qd366-hd43"]
subjects = ["member_without_post"]
source = "test"
scale = "points"
max_points = 100

[[criteria]]
id = "chung"
title = "Chung"
group = "common"
max_points = 30
  [[criteria.children]]
  id = "chung.1"
  title = "A"
  max_points = 20

[[criteria]]
id = "nhiem_vu"
title = "Nhiệm vụ"
group = "tasks"
max_points = 70
"#;
    let error = Framework::from_toml("x.toml", text).unwrap_err();
    assert_eq!(error.file, "x.toml");
    assert_eq!(error.criterion.as_deref(), Some("chung"));
    assert!(error.problem.contains("20"), "{error}");

    let duplicate = text
        .replace("id = \"chung.1\"", "id = \"nhiem_vu\"")
        .replace("max_points = 20", "max_points = 30");
    let error = Framework::from_toml("x.toml", &duplicate).unwrap_err();
    assert!(error.problem.contains("trùng"), "{error}");

    let unknown = text.replace("scale = \"points\"", "scale = \"stars\"");
    let error = Framework::from_toml("x.toml", &unknown).unwrap_err();
    assert!(error.problem.contains("stars"), "{error}");
}

fn full_points(framework: &Framework, minus: i64) -> EvaluationInput {
    // Take the points off the largest criterion.
    let leaves = framework.leaves();
    let largest = leaves
        .iter()
        .max_by_key(|l| l.criterion.max_points)
        .unwrap()
        .criterion
        .id
        .clone();
    let mut input = EvaluationInput::default();
    for leaf in leaves {
        let max = leaf.criterion.max_points.unwrap();
        let points = if leaf.criterion.id == largest {
            max - Points(minus)
        } else {
            max
        };
        input.points.insert(leaf.criterion.id.clone(), points);
    }
    input
}

#[test]
fn qd366_points_map_to_levels_at_the_dieu_11_cut_offs() {
    let book = RuleBook::national(RuleSetId::Qd366Hd43);
    let framework = national(RuleSetId::Qd366Hd43, SubjectKind::MemberWithoutPost, None).unwrap();
    for (minus, level) in [
        (0, Level::Htxsnv),
        (1000, Level::Htxsnv),
        (1001, Level::Httnv),
    ] {
        let sheet = score(framework, &book, &full_points(framework, minus)).unwrap();
        assert_eq!(sheet.level, level, "minus {minus}");
    }
    let mut input = full_points(framework, 0);
    for leaf in framework.leaves() {
        input.points.insert(leaf.criterion.id.clone(), Points::ZERO);
    }
    input.points.insert("nhiem_vu.1".into(), Points::whole(50));
    let sheet = score(framework, &book, &input).unwrap();
    assert_eq!(sheet.total, Some(Points::whole(50)));
    assert_eq!(sheet.level, Level::Htnv);
    input.points.insert("nhiem_vu.1".into(), Points(4950));
    assert_eq!(score(framework, &book, &input).unwrap().level, Level::Khtnv);
}

#[test]
fn points_outside_the_criterion_range_are_refused_with_the_field() {
    let book = RuleBook::national(RuleSetId::Qd366Hd43);
    let framework = national(RuleSetId::Qd366Hd43, SubjectKind::MemberWithoutPost, None).unwrap();
    let mut input = full_points(framework, 0);
    input.points.insert("chung.1".into(), Points::whole(11));
    let error = score(framework, &book, &input).unwrap_err();
    assert_eq!(error.field, "points.chung.1");
    input.points.remove("chung.1");
    assert_eq!(
        score(framework, &book, &input).unwrap_err().field,
        "points.chung.1"
    );
    input.points.insert("bogus".into(), Points::ZERO);
    assert_eq!(
        score(framework, &book, &input).unwrap_err().field,
        "points.bogus"
    );
}

fn grades(framework: &Framework, tasks: Grade, others: Grade) -> EvaluationInput {
    let mut input = EvaluationInput::default();
    for leaf in framework.leaves() {
        let grade = if leaf.group == CriterionGroup::Tasks {
            tasks
        } else {
            others
        };
        input.grades.insert(leaf.criterion.id.clone(), grade);
    }
    input
}

#[test]
fn hd21_member_htxsnv_needs_task_criteria_excellent_and_others_good() {
    // HD 21 Mục II 2.3: các tiêu chí về kết quả thực hiện nhiệm vụ đều "Xuất sắc", còn lại "Tốt" trở lên.
    let book = RuleBook::national(RuleSetId::Qd132Hd21);
    let framework = national(RuleSetId::Qd132Hd21, SubjectKind::MemberWithoutPost, None).unwrap();
    let level = |tasks, others| {
        score(framework, &book, &grades(framework, tasks, others))
            .unwrap()
            .level
    };
    assert_eq!(level(Grade::XuatSac, Grade::Tot), Level::Htxsnv);
    assert_eq!(level(Grade::XuatSac, Grade::TrungBinh), Level::Httnv);
    assert_eq!(level(Grade::Tot, Grade::XuatSac), Level::Httnv);
    assert_eq!(level(Grade::TrungBinh, Grade::TrungBinh), Level::Htnv);
    assert_eq!(level(Grade::Kem, Grade::XuatSac), Level::Khtnv);
}

#[test]
fn qd124_htxsnv_needs_every_criterion_good_and_tasks_excellent() {
    // QĐ 124 Điều 12 khoản 1.
    let book = RuleBook::national(RuleSetId::Qd124Hd25);
    let framework = national(RuleSetId::Qd124Hd25, SubjectKind::Collective, None).unwrap();
    let sheet = score(
        framework,
        &book,
        &grades(framework, Grade::XuatSac, Grade::Tot),
    )
    .unwrap();
    assert_eq!(sheet.level, Level::Htxsnv);
    let sheet = score(framework, &book, &grades(framework, Grade::Tot, Grade::Kem)).unwrap();
    assert!(sheet.any_kem);
    assert_eq!(sheet.level, Level::Khtnv);
}

#[test]
fn seed003_deducts_half_a_point_per_5_percent_shortfall_at_most_2_per_target() {
    let book = seed003();
    let framework = builtin_by_id("seed003/organisation").unwrap();
    let mut input = full_points(framework, 0);
    let shortfall = |achieved: f64| Adjustment::TargetShortfall {
        criterion: "nhiem_vu_chinh_tri".into(),
        target: "Thu ngân sách".into(),
        planned: 100.0,
        achieved,
        responsible: "Đồng chí Chủ tịch UBND xã".into(),
    };
    input.adjustments = vec![shortfall(88.0)];
    let sheet = score(framework, &book, &input).unwrap();
    // 12 % short: two whole steps of 5 % → −1 point.
    assert_eq!(sheet.adjustments[0].applied, Points(-100));
    assert_eq!(sheet.total, Some(Points::whole(99)));
    input.adjustments = vec![shortfall(40.0)];
    let sheet = score(framework, &book, &input).unwrap();
    assert_eq!(sheet.adjustments[0].requested, Points(-600));
    assert_eq!(sheet.adjustments[0].applied, Points(-200));
    input.adjustments = vec![shortfall(97.0)];
    assert_eq!(
        score(framework, &book, &input).unwrap().adjustments[0].applied,
        Points::ZERO
    );
    input.adjustments = vec![shortfall(90.0)];
    assert_eq!(
        score(framework, &book, &input).unwrap().adjustments[0].applied,
        Points(-100)
    );
}

#[test]
fn seed003_bonus_is_capped_at_2_points_and_totals_stay_within_100() {
    let book = seed003();
    let framework = builtin_by_id("seed003/organisation").unwrap();
    let mut input = full_points(framework, 500);
    input.adjustments = vec![Adjustment::Bonus {
        criterion: "xay_dung_dang".into(),
        points: Points::whole(3),
        achievement: "Mô hình dân vận khéo cấp tỉnh".into(),
        responsible: "Chi bộ thôn Đông".into(),
    }];
    let sheet = score(framework, &book, &input).unwrap();
    assert_eq!(sheet.adjustments[0].applied, Points::whole(2));
    assert_eq!(sheet.total, Some(Points::whole(97)));
    let mut input = full_points(framework, 0);
    input.adjustments = sheet_adjustments_bonus();
    assert_eq!(
        score(framework, &book, &input).unwrap().total,
        Some(Points::whole(100))
    );
}

fn sheet_adjustments_bonus() -> Vec<Adjustment> {
    vec![Adjustment::Bonus {
        criterion: "xay_dung_dang".into(),
        points: Points::whole(2),
        achievement: "Điển hình tiên tiến".into(),
        responsible: "Chi ủy".into(),
    }]
}

#[test]
fn adjustments_need_a_local_rule_a_criterion_and_a_responsible_person() {
    let framework = builtin_by_id("seed003/organisation").unwrap();
    let mut input = full_points(framework, 0);
    input.adjustments = sheet_adjustments_bonus();
    let national = RuleBook::national(RuleSetId::Qd132Hd21);
    assert_eq!(
        score(framework, &national, &input).unwrap_err().field,
        "adjustments"
    );
    let book = seed003();
    input.adjustments = vec![Adjustment::Deduction {
        criterion: "khac_phuc".into(),
        points: Points::whole(1),
        reason: "".into(),
        responsible: "Chi ủy".into(),
    }];
    assert_eq!(
        score(framework, &book, &input).unwrap_err().field,
        "adjustments[0].reason"
    );
    input.adjustments = vec![Adjustment::Deduction {
        criterion: "khong_co".into(),
        points: Points::whole(1),
        reason: "Chậm nộp báo cáo".into(),
        responsible: "Chi ủy".into(),
    }];
    assert_eq!(
        score(framework, &book, &input).unwrap_err().field,
        "adjustments[0].criterion"
    );
}
