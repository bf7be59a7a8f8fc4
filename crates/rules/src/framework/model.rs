//! The data model of a criteria framework (khung tiêu chí): a tree of criteria with maximum points
//! or grades, and how results map to a level. Frameworks are data files; this module only parses and
//! validates them, with errors that name the file, the criterion and what is wrong.

use crate::level::Grade;
use crate::points::Points;
use crate::ruleset::RuleSetId;
use crate::ruleset::params::Thresholds;
use crate::subject::{OrgKind, SubjectKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A criteria framework for one rule set and one or more kinds of subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// Stable identifier, e.g. `qd366-hd43/member-without-post`.
    pub id: String,
    pub title: String,
    /// The rule sets this framework may be used with.
    pub rule_sets: Vec<RuleSetId>,
    /// The subjects this framework scores.
    pub subjects: Vec<SubjectKind>,
    /// For organisations: the kinds it applies to (all when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_kinds: Option<Vec<OrgKind>>,
    /// The legal or local source of the framework.
    pub source: String,
    pub scale: Scale,
    /// For a points scale: the total of the top-level criteria.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_points: Option<Points>,
    /// For a points scale: the cut-offs, when the rule set does not fix them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<Thresholds>,
    /// For a grades scale: the lowest grades each level allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<GradeLevels>,
    pub criteria: Vec<Criterion>,
}

/// How a framework is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Each leaf criterion gets points up to its maximum; the total decides (QĐ 366, HD 27).
    Points,
    /// Each leaf criterion gets a grade; the pattern of grades decides (QĐ 132, QĐ 124).
    Grades,
}

/// Which group a criterion belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionGroup {
    /// Nhóm tiêu chí chung (political quality, ethics, discipline, self-criticism …).
    Common,
    /// Nhóm tiêu chí về kết quả thực hiện nhiệm vụ (task results).
    Tasks,
}

impl CriterionGroup {
    pub fn code(self) -> &'static str {
        match self {
            CriterionGroup::Common => "common",
            CriterionGroup::Tasks => "tasks",
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            CriterionGroup::Common => "Nhóm tiêu chí chung",
            CriterionGroup::Tasks => "Nhóm tiêu chí về kết quả thực hiện nhiệm vụ",
        }
    }

    /// A group by its code or its Vietnamese name ("chung", "nhiệm vụ" for short).
    pub fn parse_name(text: &str) -> Option<CriterionGroup> {
        let key = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        [CriterionGroup::Common, CriterionGroup::Tasks]
            .into_iter()
            .find(|g| g.code() == key || g.name_vi().to_lowercase() == key)
            .or(match key.as_str() {
                "chung" | "tiêu chí chung" => Some(CriterionGroup::Common),
                "nhiệm vụ" | "kết quả thực hiện nhiệm vụ" => {
                    Some(CriterionGroup::Tasks)
                }
                _ => None,
            })
    }
}

/// One criterion; a leaf when it has no children.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    pub title: String,
    /// The group; inherited from the parent when absent, required at the top level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<CriterionGroup>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_points: Option<Points>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Criterion>,
}

/// The lowest grades allowed at each level of a grades framework: `tasks` for the task-result
/// criteria, `others` for the rest. A subject reaches the highest level whose floors all hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeLevels {
    pub htxsnv: GradeFloor,
    pub httnv: GradeFloor,
    pub htnv: GradeFloor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeFloor {
    pub tasks: Grade,
    pub others: Grade,
}

/// A leaf criterion with its group resolved, in document order.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf<'a> {
    pub criterion: &'a Criterion,
    pub group: CriterionGroup,
    /// The id of the top-level criterion it belongs to.
    pub top: &'a str,
}

/// A problem in a framework file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{file}{}: {problem}", criterion.as_ref().map(|c| format!(", tiêu chí \"{c}\"")).unwrap_or_default())]
pub struct FrameworkError {
    pub file: String,
    pub criterion: Option<String>,
    pub problem: String,
}

impl Framework {
    /// Parses and validates a framework from TOML text; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<Framework, FrameworkError> {
        let framework: Framework = toml::from_str(text).map_err(|error| FrameworkError {
            file: file.to_owned(),
            criterion: None,
            problem: error.to_string().trim().to_owned(),
        })?;
        framework.validate(file)?;
        Ok(framework)
    }

    /// The framework itself, checked as a file would be (its id names it in errors): ids, titles,
    /// groups, and for points every sub-split adding up to its parent and the total.
    pub fn validated(self) -> Result<Framework, FrameworkError> {
        let id = self.id.clone();
        self.validate(&id)?;
        Ok(self)
    }

    /// Whether this framework scores the given subject.
    pub fn applies_to(&self, kind: SubjectKind, org_kind: Option<OrgKind>) -> bool {
        self.subjects.contains(&kind)
            && match (&self.org_kinds, org_kind) {
                (Some(kinds), Some(org_kind)) => kinds.contains(&org_kind),
                _ => true,
            }
    }

    /// The leaf criteria with their groups, in document order.
    pub fn leaves(&self) -> Vec<Leaf<'_>> {
        fn walk<'a>(
            criterion: &'a Criterion,
            group: CriterionGroup,
            top: &'a str,
            out: &mut Vec<Leaf<'a>>,
        ) {
            let group = criterion.group.unwrap_or(group);
            if criterion.children.is_empty() {
                out.push(Leaf {
                    criterion,
                    group,
                    top,
                });
            }
            for child in &criterion.children {
                walk(child, group, top, out);
            }
        }
        let mut out = Vec::new();
        for top in &self.criteria {
            walk(
                top,
                top.group.unwrap_or(CriterionGroup::Common),
                &top.id,
                &mut out,
            );
        }
        out
    }

    /// Finds a criterion anywhere in the tree.
    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        fn find<'a>(list: &'a [Criterion], id: &str) -> Option<&'a Criterion> {
            list.iter().find_map(|c| {
                if c.id == id {
                    Some(c)
                } else {
                    find(&c.children, id)
                }
            })
        }
        find(&self.criteria, id)
    }

    fn validate(&self, file: &str) -> Result<(), FrameworkError> {
        let fail = |criterion: Option<&str>, problem: String| {
            Err(FrameworkError {
                file: file.to_owned(),
                criterion: criterion.map(str::to_owned),
                problem,
            })
        };
        if self.rule_sets.is_empty() {
            return fail(
                None,
                "khung tiêu chí phải ghi bộ quy tắc áp dụng (rule_sets)".into(),
            );
        }
        if self.subjects.is_empty() {
            return fail(
                None,
                "khung tiêu chí phải áp dụng cho ít nhất một loại đối tượng (subjects)".into(),
            );
        }
        if self.criteria.is_empty() {
            return fail(None, "khung tiêu chí không có tiêu chí nào".into());
        }
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&Criterion> = self.criteria.iter().collect();
        while let Some(criterion) = stack.pop() {
            if criterion.id.trim().is_empty() {
                return fail(
                    None,
                    format!("tiêu chí \"{}\" không có mã (id)", criterion.title),
                );
            }
            if !seen.insert(criterion.id.as_str()) {
                return fail(Some(&criterion.id), "mã tiêu chí bị trùng".into());
            }
            if criterion.title.trim().is_empty() {
                return fail(Some(&criterion.id), "tiêu chí không có tên (title)".into());
            }
            stack.extend(criterion.children.iter());
        }
        for top in &self.criteria {
            if top.group.is_none() {
                return fail(
                    Some(&top.id),
                    "tiêu chí cấp cao nhất phải ghi nhóm (group = \"common\" hoặc \"tasks\")"
                        .into(),
                );
            }
        }
        match self.scale {
            Scale::Points => self.validate_points(file),
            Scale::Grades => {
                if self.levels.is_none() {
                    return fail(None, "khung chấm theo cấp độ phải có bảng [levels]".into());
                }
                if self.thresholds.is_some() {
                    return fail(
                        None,
                        "khung chấm theo cấp độ không dùng ngưỡng điểm (thresholds)".into(),
                    );
                }
                let levels = self.levels.expect("checked above");
                let floors = [levels.htxsnv, levels.httnv, levels.htnv];
                if floors
                    .windows(2)
                    .any(|w| w[0].tasks < w[1].tasks || w[0].others < w[1].others)
                {
                    return fail(
                        None,
                        "[levels]: mức cao hơn không được đòi cấp độ thấp hơn mức dưới".into(),
                    );
                }
                Ok(())
            }
        }
    }

    fn validate_points(&self, file: &str) -> Result<(), FrameworkError> {
        let fail = |criterion: Option<&str>, problem: String| {
            Err(FrameworkError {
                file: file.to_owned(),
                criterion: criterion.map(str::to_owned),
                problem,
            })
        };
        if self.levels.is_some() {
            return fail(
                None,
                "khung chấm điểm không dùng bảng [levels] (cấp độ)".into(),
            );
        }
        let Some(max) = self.max_points else {
            return fail(
                None,
                "khung chấm điểm phải ghi tổng điểm tối đa (max_points)".into(),
            );
        };
        fn check(criterion: &Criterion) -> Result<Points, (String, String)> {
            let Some(max) = criterion.max_points else {
                return Err((
                    criterion.id.clone(),
                    "thiếu điểm tối đa (max_points)".into(),
                ));
            };
            if max <= Points::ZERO {
                return Err((criterion.id.clone(), "điểm tối đa phải lớn hơn 0".into()));
            }
            if !criterion.children.is_empty() {
                let mut sum = Points::ZERO;
                for child in &criterion.children {
                    sum += check(child)?;
                }
                if sum != max {
                    return Err((
                        criterion.id.clone(),
                        format!("tổng điểm các tiêu chí con là {sum}, khác điểm tối đa {max}"),
                    ));
                }
            }
            Ok(max)
        }
        let mut sum = Points::ZERO;
        for top in &self.criteria {
            match check(top) {
                Ok(points) => sum += points,
                Err((id, problem)) => return fail(Some(&id), problem),
            }
        }
        if sum != max {
            return fail(
                None,
                format!("tổng điểm các tiêu chí là {sum}, khác tổng điểm tối đa {max}"),
            );
        }
        if let Some(t) = self.thresholds
            && !(t.htxsnv > t.httnv && t.httnv > t.htnv && t.htnv > Points::ZERO && t.htxsnv <= max)
        {
            return fail(
                None,
                "ngưỡng điểm phải giảm dần: HTXSNV > HTTNV > HTNV > 0, và không vượt tổng điểm"
                    .into(),
            );
        }
        Ok(())
    }

    /// The total maximum of the top-level criteria of one group (points scale).
    pub fn group_max(&self, group: CriterionGroup) -> Points {
        self.criteria
            .iter()
            .filter(|c| c.group == Some(group))
            .filter_map(|c| c.max_points)
            .sum()
    }
}
