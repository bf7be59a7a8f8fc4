//! The criteria frameworks an issuing committee makes (QĐ 366: each provincial committee builds
//! its criteria from the annexes; HD 43 tiểu mục 7.12: the upper committee sets the sub-items'
//! points): derived from the national default (or another framework), changed — the tree of
//! criteria, their points and sub-splits —, or imported from a sheet; each change a new version
//! (`LS.CL:dang-vien@2`), checked first by the rules crate (the file's own coherence, then the
//! national invariants: QĐ 366's 30 + 70 points, the 90/70/50 cut-offs), each violation named.
//! A plan pins the version it uses; subjects are scored on it. Holds no rule itself.

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, ErrorCode, Result};
use kiemdiem_rules::framework::{self, Criterion, CriterionGroup, Framework};
use kiemdiem_rules::ruleset::params::Thresholds;
use kiemdiem_rules::{Points, RuleBook};
use kiemdiem_store::Tx;
use kiemdiem_store::frameworks::OrgFrameworkRow;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// A framework as shown: a shipped one, or a version of a committee's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameworkView {
    pub id: String,
    /// The committee that made it (none for a shipped framework).
    pub org: Option<Uuid>,
    pub name: Option<String>,
    pub version: Option<i64>,
    /// What it was derived from, or the version it changed.
    pub base: Option<String>,
    pub framework: Framework,
    pub changed_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub changed_at: Option<OffsetDateTime>,
}

/// A change of a committee's framework: its title, and the whole tree of criteria.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkChange {
    #[serde(default)]
    pub title: Option<String>,
    pub criteria: Vec<Criterion>,
    /// For a points framework where the rule set fixes none.
    #[serde(default)]
    pub thresholds: Option<Thresholds>,
}

/// A framework by id: shipped, or a version of a committee's.
pub(crate) async fn resolve(tx: &mut Tx, id: &str) -> Result<Framework> {
    if let Some(found) = framework::builtin_by_id(id) {
        return Ok(found.clone());
    }
    let row = tx
        .org_framework(id)
        .await?
        .ok_or_else(|| AppError::not_found("khung tiêu chí", id))?;
    serde_json::from_str(&row.definition)
        .map_err(|e| AppError::internal(format!("khung tiêu chí «{id}» đã lưu: {e}")))
}

fn view_of_row(row: OrgFrameworkRow) -> Result<FrameworkView> {
    let framework: Framework = serde_json::from_str(&row.definition)
        .map_err(|e| AppError::internal(format!("khung tiêu chí «{}»: {e}", row.id)))?;
    Ok(FrameworkView {
        id: row.id,
        org: Some(row.org_id),
        name: Some(row.name),
        version: Some(row.version),
        base: Some(row.base_id),
        framework,
        changed_by: Some(row.changed_by),
        changed_at: Some(row.changed_at),
    })
}

/// Checks a framework as a file would be, then against the national invariants of every rule
/// set it names; each refusal names what is wrong (the criterion, the invariant and its source).
fn check(framework: Framework) -> Result<Framework> {
    let framework = framework.validated().map_err(|e| {
        AppError::invalid(
            "criteria",
            format!(
                "Khung tiêu chí không hợp lệ{}: {}",
                e.criterion
                    .map(|c| format!(" (tiêu chí «{c}»)"))
                    .unwrap_or_default(),
                e.problem
            ),
        )
    })?;
    for rule_set in &framework.rule_sets {
        framework::check_against(&framework, &RuleBook::national(*rule_set)).map_err(|e| {
            AppError::new(
                ErrorCode::RuleRefused,
                format!("Khung tiêu chí không đạt quy định chung: {}", e.problem),
            )
            .with_field("criteria")
        })?;
    }
    Ok(framework)
}

/// A framework name as ids carry it: lower-case letters, digits and hyphens.
fn check_name(name: &str) -> Result<String> {
    let name = name.trim().to_lowercase();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(AppError::invalid(
            "name",
            format!(
                "Tên khung «{name}» chỉ gồm chữ không dấu, số và dấu gạch nối, ví dụ «dang-vien»"
            ),
        ));
    }
    Ok(name)
}

impl App {
    /// Records a new version of `org`'s framework `name` after checking it.
    async fn store_version(
        &self,
        actor: &Actor,
        org: Uuid,
        name: &str,
        base_id: &str,
        mut framework: Framework,
        action: &'static str,
    ) -> Result<FrameworkView> {
        let who = self
            .authorize(actor, Action::ManagePlan, Scope::Org(org))
            .await?;
        let mut tx = self.begin(&who).await?;
        let code = tx
            .org_as_of(org, self.today())
            .await?
            .map(|o| o.code)
            .ok_or_else(|| AppError::not_found("tổ chức", org))?;
        let version = tx.org_framework_version(org, name).await? + 1;
        let id = format!("{code}:{name}@{version}");
        framework.id = id.clone();
        let framework = check(framework)?;
        tx.insert_org_framework(&OrgFrameworkRow {
            id: id.clone(),
            org_id: org,
            name: name.to_owned(),
            version,
            base_id: base_id.to_owned(),
            definition: serde_json::to_string(&framework)
                .map_err(|e| AppError::internal(e.to_string()))?,
            changed_by: String::new(),
            changed_at: OffsetDateTime::UNIX_EPOCH,
        })
        .await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new(action, "framework", &id).detail(serde_json::json!({
                "org": org, "base": base_id, "version": version,
                "leaves": framework.leaves().len(),
            })),
        )
        .await?;
        let row = tx
            .org_framework(&id)
            .await?
            .ok_or_else(|| AppError::internal("khung tiêu chí vừa lưu không đọc lại được"))?;
        tx.commit().await?;
        view_of_row(row)
    }

    /// Derives `org`'s framework `name` from `base` (a shipped framework or another version):
    /// the same criteria, points and sub-splits, as version 1 (or the next version).
    pub async fn derive_framework(
        &self,
        actor: &Actor,
        org: Uuid,
        base: &str,
        name: &str,
        title: Option<String>,
    ) -> Result<FrameworkView> {
        let name = check_name(name)?;
        let base_framework = {
            let mut tx = self.store().read().await?;
            resolve(&mut tx, base.trim())
                .await
                .map_err(|e| e.with_field("base"))?
        };
        let title = title
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| base_framework.title.clone());
        let source = format!("{} — cụ thể hóa của cấp ủy", base_framework.source);
        let derived = framework::derive(&base_framework, "", &title, &source);
        self.store_version(actor, org, &name, base.trim(), derived, "framework.derive")
            .await
    }

    /// Changes a committee's framework: a new version with the criteria given.
    pub async fn change_framework(
        &self,
        actor: &Actor,
        id: &str,
        change: FrameworkChange,
    ) -> Result<FrameworkView> {
        let row = {
            let mut tx = self.store().read().await?;
            tx.org_framework(id)
                .await?
                .ok_or_else(|| AppError::not_found("khung tiêu chí của cấp ủy", id))?
        };
        let current = view_of_row(row)?;
        let mut next = current.framework.clone();
        if let Some(title) = change.title.filter(|t| !t.trim().is_empty()) {
            next.title = title.trim().to_owned();
        }
        next.criteria = change.criteria;
        if change.thresholds.is_some() {
            next.thresholds = change.thresholds;
        }
        self.store_version(
            actor,
            current.org.unwrap_or_default(),
            current.name.as_deref().unwrap_or_default(),
            id,
            next,
            "framework.change",
        )
        .await
    }

    /// A framework by id (shipped or a committee's version), for whoever is signed in.
    pub async fn framework_by_id(&self, actor: &Actor, id: &str) -> Result<FrameworkView> {
        crate::access::resolve::check_signed_in(actor)?;
        if let Some(found) = framework::builtin_by_id(id) {
            return Ok(FrameworkView {
                id: found.id.clone(),
                org: None,
                name: None,
                version: None,
                base: None,
                framework: found.clone(),
                changed_by: None,
                changed_at: None,
            });
        }
        let mut tx = self.store().read().await?;
        let row = tx
            .org_framework(id)
            .await?
            .ok_or_else(|| AppError::not_found("khung tiêu chí", id))?;
        view_of_row(row)
    }

    /// Every version of an organisation's frameworks.
    pub async fn org_frameworks(&self, actor: &Actor, org: Uuid) -> Result<Vec<FrameworkView>> {
        crate::access::resolve::check_signed_in(actor)?;
        let mut tx = self.store().read().await?;
        tx.org_frameworks(org)
            .await?
            .into_iter()
            .map(view_of_row)
            .collect()
    }

    /// Imports `org`'s framework `name` from a sheet (columns `Mã tiêu chí`, `Tên tiêu chí`,
    /// `Nhóm`, `Điểm tối đa`, `Mã tiêu chí cha`), on the rule sets, subjects and scale of `base`.
    pub async fn import_framework(
        &self,
        actor: &Actor,
        org: Uuid,
        base: &str,
        name: &str,
        upload: crate::records::Upload,
    ) -> Result<FrameworkView> {
        let name = check_name(name)?;
        let base_framework = {
            let mut tx = self.store().read().await?;
            resolve(&mut tx, base.trim())
                .await
                .map_err(|e| e.with_field("base"))?
        };
        let file_name = upload.file_name.trim().to_owned();
        let mut sheet =
            crate::records::with_temp_file(&upload.file_name, &upload.content, |path| {
                kiemdiem_store::import::source::read(path).map_err(|mut p| {
                    p.file = file_name.clone();
                    AppError::invalid("file", p.to_string())
                })
            })??;
        sheet.file = file_name;
        let criteria = criteria_from_sheet(&sheet)?;
        let imported = Framework {
            criteria,
            ..framework::derive(
                &base_framework,
                "",
                &base_framework.title,
                &format!(
                    "{} — cấp ủy nhập từ tệp {}",
                    base_framework.source, sheet.file
                ),
            )
        };
        self.store_version(actor, org, &name, base.trim(), imported, "framework.import")
            .await
    }
}

/// The criteria of a sheet, one row each, children after their parent.
fn criteria_from_sheet(sheet: &kiemdiem_store::import::source::Sheet) -> Result<Vec<Criterion>> {
    const HEADERS: [&str; 5] = [
        "mã tiêu chí",
        "tên tiêu chí",
        "nhóm",
        "điểm tối đa",
        "mã tiêu chí cha",
    ];
    let keys: Vec<String> = sheet
        .headers
        .iter()
        .map(|h| h.trim().trim_end_matches([':', '*']).trim().to_lowercase())
        .collect();
    let column = |name: &str| keys.iter().position(|k| k == name);
    let index: Vec<Option<usize>> = HEADERS.iter().map(|h| column(h)).collect();
    if index[0].is_none() || index[1].is_none() {
        return Err(AppError::invalid(
            "file",
            format!(
                "{}, dòng {}: thiếu cột «Mã tiêu chí» hoặc «Tên tiêu chí»",
                sheet.file, sheet.header_row
            ),
        ));
    }
    let cell = |cells: &[String], i: usize| -> String {
        index[i]
            .and_then(|c| cells.get(c))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    };
    let mut problems = Vec::new();
    let mut flat: Vec<(Criterion, Option<String>)> = Vec::new();
    for (row, cells) in &sheet.rows {
        let id = cell(cells, 0);
        let title = cell(cells, 1);
        let group_text = cell(cells, 2);
        let points_text = cell(cells, 3).replace(',', ".");
        let parent = Some(cell(cells, 4)).filter(|p| !p.is_empty());
        let group = if group_text.is_empty() {
            None
        } else {
            let group = CriterionGroup::parse_name(&group_text);
            if group.is_none() {
                problems.push(format!(
                    "{}, dòng {row}, cột «Nhóm»: «{group_text}» không rõ: hãy ghi «Nhóm tiêu chí chung» hoặc «Nhóm tiêu chí về kết quả thực hiện nhiệm vụ»",
                    sheet.file
                ));
            }
            group
        };
        let max_points = if points_text.is_empty() {
            None
        } else {
            let points = points_text
                .parse::<f64>()
                .ok()
                .and_then(Points::from_decimal);
            if points.is_none() {
                problems.push(format!(
                    "{}, dòng {row}, cột «Điểm tối đa»: «{points_text}» không phải số điểm",
                    sheet.file
                ));
            }
            points
        };
        if id.is_empty() {
            problems.push(format!(
                "{}, dòng {row}, cột «Mã tiêu chí»: bắt buộc nhưng đang để trống",
                sheet.file
            ));
            continue;
        }
        flat.push((
            Criterion {
                id,
                title,
                group,
                max_points,
                children: Vec::new(),
            },
            parent,
        ));
    }
    if !problems.is_empty() {
        return Err(AppError::invalid("file", problems.join("; ")).with_details(&problems));
    }
    // Children after their parent: attach from the last row up.
    let ids: HashMap<String, usize> = flat
        .iter()
        .enumerate()
        .map(|(i, (c, _))| (c.id.clone(), i))
        .collect();
    let mut slots: Vec<Option<Criterion>> = flat.iter().map(|(c, _)| Some(c.clone())).collect();
    for i in (0..flat.len()).rev() {
        if let Some(parent) = &flat[i].1 {
            let Some(&p) = ids.get(parent) else {
                return Err(AppError::invalid(
                    "file",
                    format!(
                        "{}: tiêu chí «{}» có mã tiêu chí cha «{parent}» không có trong tệp",
                        sheet.file, flat[i].0.id
                    ),
                ));
            };
            if p >= i {
                return Err(AppError::invalid(
                    "file",
                    format!(
                        "{}: tiêu chí cha «{parent}» phải ở dòng trước tiêu chí «{}»",
                        sheet.file, flat[i].0.id
                    ),
                ));
            }
            let child = slots[i].take().expect("each row taken once");
            if let Some(parent) = slots[p].as_mut() {
                parent.children.insert(0, child);
            }
        }
    }
    Ok(slots.into_iter().flatten().collect())
}
