//! Scoring a subject against a framework: per-criterion points or grades, the local bonus and
//! deduction rules, the total, and the level the score alone reaches. Other rules (discipline,
//! tasks, leave …) may lower that level later; scoring never looks at them.

use super::model::{CriterionGroup, Framework, Scale};
use crate::cite::Citation;
use crate::level::{Grade, Level};
use crate::points::Points;
use crate::ruleset::RuleBook;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a subject (or the body rating it) enters on the score sheet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationInput {
    /// Points per leaf criterion (points frameworks).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub points: BTreeMap<String, Points>,
    /// Grade per leaf criterion (grades frameworks).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub grades: BTreeMap<String, Grade>,
    /// Bonuses and deductions (điểm cộng, điểm trừ), where the local layer allows them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
}

/// A bonus or deduction, each naming its criterion, reason and responsible collective or person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Adjustment {
    /// A basic target of the committee's resolution not reached: deduction by steps of shortfall.
    TargetShortfall {
        criterion: String,
        /// The target (chỉ tiêu), e.g. "Thu ngân sách".
        target: String,
        planned: f64,
        achieved: f64,
        responsible: String,
    },
    /// Another deduction, where the local layer allows free deductions.
    Deduction {
        criterion: String,
        points: Points,
        reason: String,
        responsible: String,
    },
    /// A bonus for an outstanding achievement (thành tích nổi bật).
    Bonus {
        criterion: String,
        points: Points,
        achievement: String,
        responsible: String,
    },
}

/// The computed score sheet (biểu chấm điểm) of one subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreSheet {
    pub framework: String,
    pub scale: Scale,
    pub criteria: Vec<CriterionScore>,
    /// Totals per group, points frameworks only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupScore>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<AppliedAdjustment>,
    /// Points before adjustments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_total: Option<Points>,
    /// Points after adjustments, within the framework's maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Points>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_points: Option<Points>,
    /// The level the score alone reaches.
    pub level: Level,
    /// Why, in Vietnamese ("Tổng 87,5/100 điểm: từ 70 đến dưới 90 điểm").
    pub basis: String,
    pub citation: Citation,
    /// Whether any criterion was graded "Kém".
    pub any_kem: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionScore {
    pub id: String,
    pub title: String,
    pub group: CriterionGroup,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_points: Option<Points>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<Points>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupScore {
    pub group: CriterionGroup,
    pub points: Points,
    pub max_points: Points,
}

/// An adjustment as applied: what was asked, what the rule allowed, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppliedAdjustment {
    pub criterion: String,
    /// Signed: positive for a bonus, negative for a deduction.
    pub requested: Points,
    pub applied: Points,
    pub reason: String,
    pub responsible: String,
    pub citation: Citation,
}

/// A problem in the evaluation input, naming the field (`points.chung.1`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{field}: {problem}")]
pub struct ScoreError {
    pub field: String,
    pub problem: String,
}

fn error(field: impl Into<String>, problem: impl Into<String>) -> ScoreError {
    ScoreError {
        field: field.into(),
        problem: problem.into(),
    }
}

/// Scores `input` against `framework` under `book`.
pub fn score(
    framework: &Framework,
    book: &RuleBook,
    input: &EvaluationInput,
) -> Result<ScoreSheet, ScoreError> {
    let leaves = framework.leaves();
    let leaf_ids: Vec<&str> = leaves.iter().map(|l| l.criterion.id.as_str()).collect();
    for id in input.points.keys() {
        if !leaf_ids.contains(&id.as_str()) {
            return Err(error(
                format!("points.{id}"),
                format!("không có tiêu chí lá \"{id}\" trong khung {}", framework.id),
            ));
        }
    }
    for id in input.grades.keys() {
        if !leaf_ids.contains(&id.as_str()) {
            return Err(error(
                format!("grades.{id}"),
                format!("không có tiêu chí lá \"{id}\" trong khung {}", framework.id),
            ));
        }
    }
    match framework.scale {
        Scale::Points => score_points(framework, book, input),
        Scale::Grades => score_grades(framework, input),
    }
}

fn score_grades(framework: &Framework, input: &EvaluationInput) -> Result<ScoreSheet, ScoreError> {
    if !input.points.is_empty() {
        return Err(error(
            "points",
            "khung này chấm theo cấp độ, không chấm điểm",
        ));
    }
    if !input.adjustments.is_empty() {
        return Err(error(
            "adjustments",
            "khung chấm theo cấp độ không có điểm cộng, điểm trừ",
        ));
    }
    let levels = framework
        .levels
        .expect("validated: grades frameworks have levels");
    let mut criteria = Vec::new();
    let mut lowest_task = Grade::XuatSac;
    let mut lowest_other = Grade::XuatSac;
    for leaf in framework.leaves() {
        let Some(&grade) = input.grades.get(&leaf.criterion.id) else {
            return Err(error(
                format!("grades.{}", leaf.criterion.id),
                format!("chưa đánh giá tiêu chí \"{}\"", leaf.criterion.title),
            ));
        };
        match leaf.group {
            CriterionGroup::Tasks => lowest_task = lowest_task.min(grade),
            CriterionGroup::Common => lowest_other = lowest_other.min(grade),
        }
        criteria.push(CriterionScore {
            id: leaf.criterion.id.clone(),
            title: leaf.criterion.title.clone(),
            group: leaf.group,
            max_points: None,
            points: None,
            grade: Some(grade),
        });
    }
    let any_kem = lowest_task == Grade::Kem || lowest_other == Grade::Kem;
    let reached = |floor: super::model::GradeFloor| {
        lowest_task >= floor.tasks && lowest_other >= floor.others
    };
    let (level, basis) = if reached(levels.htxsnv) {
        (
            Level::Htxsnv,
            format!(
                "Tiêu chí kết quả thực hiện nhiệm vụ đạt \"{}\" trở lên, các tiêu chí khác đạt \"{}\" trở lên",
                levels.htxsnv.tasks, levels.htxsnv.others
            ),
        )
    } else if reached(levels.httnv) {
        (
            Level::Httnv,
            format!(
                "Tiêu chí kết quả thực hiện nhiệm vụ đạt \"{}\" trở lên, các tiêu chí khác đạt \"{}\" trở lên",
                levels.httnv.tasks, levels.httnv.others
            ),
        )
    } else if reached(levels.htnv) {
        (
            Level::Htnv,
            format!(
                "Các tiêu chí đạt \"{}\" trở lên",
                levels.htnv.others.min(levels.htnv.tasks)
            ),
        )
    } else {
        (
            Level::Khtnv,
            format!(
                "Có tiêu chí thấp hơn mức tối thiểu của HTNV (nhiệm vụ: \"{}\", khác: \"{}\")",
                levels.htnv.tasks, levels.htnv.others
            ),
        )
    };
    Ok(ScoreSheet {
        framework: framework.id.clone(),
        scale: Scale::Grades,
        criteria,
        groups: Vec::new(),
        adjustments: Vec::new(),
        raw_total: None,
        total: None,
        max_points: None,
        level,
        basis,
        citation: Citation::new(format!("{}.levels", framework.id), framework.source.clone()),
        any_kem,
    })
}

fn score_points(
    framework: &Framework,
    book: &RuleBook,
    input: &EvaluationInput,
) -> Result<ScoreSheet, ScoreError> {
    if !input.grades.is_empty() {
        return Err(error(
            "grades",
            "khung này chấm điểm, không chấm theo cấp độ",
        ));
    }
    let max = framework
        .max_points
        .expect("validated: points frameworks have a maximum");
    let (thresholds, threshold_source) =
        match (book.params.scoring.fixed_thresholds, framework.thresholds) {
            (Some(fixed), _) => (fixed, book.rule_set.legal_basis().to_owned()),
            (None, Some(own)) => (own, framework.source.clone()),
            (None, None) => {
                return Err(error(
                    "framework",
                    format!(
                        "khung {} không có ngưỡng điểm và bộ quy tắc không quy định",
                        framework.id
                    ),
                ));
            }
        };
    let mut criteria = Vec::new();
    let mut group_totals: BTreeMap<CriterionGroup, Points> = BTreeMap::new();
    for leaf in framework.leaves() {
        let leaf_max = leaf
            .criterion
            .max_points
            .expect("validated: every criterion has a maximum");
        let Some(&points) = input.points.get(&leaf.criterion.id) else {
            return Err(error(
                format!("points.{}", leaf.criterion.id),
                format!("chưa chấm điểm tiêu chí \"{}\"", leaf.criterion.title),
            ));
        };
        if points < Points::ZERO || points > leaf_max {
            return Err(error(
                format!("points.{}", leaf.criterion.id),
                format!("điểm {points} nằm ngoài khoảng 0–{leaf_max}"),
            ));
        }
        *group_totals.entry(leaf.group).or_default() += points;
        criteria.push(CriterionScore {
            id: leaf.criterion.id.clone(),
            title: leaf.criterion.title.clone(),
            group: leaf.group,
            max_points: Some(leaf_max),
            points: Some(points),
            grade: None,
        });
    }
    let raw_total: Points = group_totals.values().copied().sum();
    let adjustments = apply_adjustments(framework, book, &input.adjustments)?;
    let adjustment_sum: Points = adjustments.iter().map(|a| a.applied).sum();
    let upper = if book.params.scoring.bonus_beyond_max {
        Points(i64::MAX)
    } else {
        max
    };
    let total = (raw_total + adjustment_sum).clamp_to(Points::ZERO, upper);
    let level = thresholds.level_for(total);
    let basis = match level {
        Level::Htxsnv => format!(
            "Tổng {total}/{max} điểm: từ {} điểm trở lên",
            thresholds.htxsnv
        ),
        Level::Httnv => format!(
            "Tổng {total}/{max} điểm: từ {} đến dưới {} điểm",
            thresholds.httnv, thresholds.htxsnv
        ),
        Level::Htnv => format!(
            "Tổng {total}/{max} điểm: từ {} đến dưới {} điểm",
            thresholds.htnv, thresholds.httnv
        ),
        Level::Khtnv => format!("Tổng {total}/{max} điểm: dưới {} điểm", thresholds.htnv),
    };
    let groups = group_totals
        .into_iter()
        .map(|(group, points)| GroupScore {
            group,
            points,
            max_points: framework.group_max(group),
        })
        .collect();
    Ok(ScoreSheet {
        framework: framework.id.clone(),
        scale: Scale::Points,
        criteria,
        groups,
        adjustments,
        raw_total: Some(raw_total),
        total: Some(total),
        max_points: Some(max),
        level,
        basis,
        citation: Citation::new("score.thresholds", threshold_source),
        any_kem: false,
    })
}

fn apply_adjustments(
    framework: &Framework,
    book: &RuleBook,
    adjustments: &[Adjustment],
) -> Result<Vec<AppliedAdjustment>, ScoreError> {
    if adjustments.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rules) = book
        .local
        .as_ref()
        .and_then(|local| local.adjustments.as_ref())
    else {
        return Err(error(
            "adjustments",
            "bộ quy tắc đang áp dụng không có quy định cộng điểm, trừ điểm (cần lớp quy định địa phương)",
        ));
    };
    let citation =
        |rule: &str| Citation::new(format!("local.adjustments.{rule}"), rules.source.clone());
    let mut applied = Vec::new();
    for (i, adjustment) in adjustments.iter().enumerate() {
        let field = |name: &str| format!("adjustments[{i}].{name}");
        let (criterion, responsible) = match adjustment {
            Adjustment::TargetShortfall {
                criterion,
                responsible,
                ..
            }
            | Adjustment::Deduction {
                criterion,
                responsible,
                ..
            }
            | Adjustment::Bonus {
                criterion,
                responsible,
                ..
            } => (criterion, responsible),
        };
        if framework.criterion(criterion).is_none() {
            return Err(error(
                field("criterion"),
                format!("không có tiêu chí \"{criterion}\""),
            ));
        }
        if responsible.trim().is_empty() {
            return Err(error(
                field("responsible"),
                "phải ghi rõ tập thể, cá nhân chịu trách nhiệm",
            ));
        }
        let entry = match adjustment {
            Adjustment::TargetShortfall {
                target,
                planned,
                achieved,
                ..
            } => {
                if target.trim().is_empty() {
                    return Err(error(field("target"), "phải ghi tên chỉ tiêu"));
                }
                if !(planned.is_finite() && *planned > 0.0) {
                    return Err(error(field("planned"), "kế hoạch phải là số dương"));
                }
                if !(achieved.is_finite() && *achieved >= 0.0) {
                    return Err(error(field("achieved"), "kết quả phải là số không âm"));
                }
                // Shortfall in hundredths of a percent, exact enough for the 5 % steps.
                let shortfall = ((planned - achieved) / planned * 10_000.0).round().max(0.0) as u64;
                let step = u64::from(rules.shortfall_step.numerator()) * 10_000
                    / u64::from(rules.shortfall_step.denominator());
                let steps = rules.shortfall_rounding.apply(shortfall, step.max(1));
                let requested = Points(-(steps as i64) * rules.deduction_per_step.0);
                let floor = -rules.max_deduction_per_target;
                AppliedAdjustment {
                    criterion: criterion.clone(),
                    requested,
                    applied: requested.max(floor),
                    reason: format!(
                        "Chỉ tiêu \"{target}\" đạt {:.2}% kế hoạch (thiếu {},{:02}%): trừ {} điểm mỗi {} thiếu, tối đa {} điểm",
                        achieved / planned * 100.0,
                        shortfall / 100,
                        shortfall % 100,
                        rules.deduction_per_step,
                        rules.shortfall_step,
                        rules.max_deduction_per_target
                    ),
                    responsible: responsible.clone(),
                    citation: citation("target_shortfall"),
                }
            }
            Adjustment::Deduction { points, reason, .. } => {
                if !rules.free_deductions {
                    return Err(error(
                        field("kind"),
                        "quy định địa phương chỉ cho trừ điểm theo chỉ tiêu không đạt (target_shortfall)",
                    ));
                }
                if reason.trim().is_empty() {
                    return Err(error(field("reason"), "phải nêu rõ lý do trừ điểm"));
                }
                if *points <= Points::ZERO {
                    return Err(error(field("points"), "số điểm trừ phải lớn hơn 0"));
                }
                AppliedAdjustment {
                    criterion: criterion.clone(),
                    requested: -*points,
                    applied: -*points,
                    reason: reason.clone(),
                    responsible: responsible.clone(),
                    citation: citation("deduction"),
                }
            }
            Adjustment::Bonus {
                points,
                achievement,
                ..
            } => {
                if achievement.trim().is_empty() {
                    return Err(error(
                        field("achievement"),
                        "phải nêu rõ thành tích nổi bật được cộng điểm",
                    ));
                }
                if *points <= Points::ZERO {
                    return Err(error(field("points"), "số điểm cộng phải lớn hơn 0"));
                }
                AppliedAdjustment {
                    criterion: criterion.clone(),
                    requested: *points,
                    applied: (*points).min(rules.max_bonus_per_achievement),
                    reason: format!(
                        "Thành tích: {achievement} (cộng tối đa {} điểm/thành tích)",
                        rules.max_bonus_per_achievement
                    ),
                    responsible: responsible.clone(),
                    citation: citation("bonus"),
                }
            }
        };
        applied.push(entry);
    }
    Ok(applied)
}
