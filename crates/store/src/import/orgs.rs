//! `import orgs`: the organisation tree from a file (one row per organisation, its parent by
//! code). New organisations are bulk-loaded; changed ones get new dated versions (update, move);
//! a "Ngày giải thể" dissolves.

use super::{
    Column, ImportError, ImportOptions, ImportReport, Problem, Rejected, RowReader, locate_columns,
    source, start_report,
};
use crate::bulk::OrgLoad;
use crate::date::{OPEN_END, format_vn, from_stored_end};
use crate::db::{Store, Tx, on_conn};
use crate::error::StoreError;
use crate::org::OrgUpdate;
use crate::text::clean_name;
use indicatif::ProgressBar;
use kiemdiem_rules::OrgKind;
use std::collections::HashMap;
use std::path::Path;
use time::Date;
use uuid::Uuid;

const CODE: usize = 0;
const NAME: usize = 1;
const KIND: usize = 2;
const PARENT: usize = 3;
const COMMITTEE: usize = 4;
const FOUNDED: usize = 5;
const DISSOLVED: usize = 6;

pub(crate) const COLUMNS: [Column; 7] = [
    Column {
        header: "Mã tổ chức",
        required: true,
        aliases: &["Mã"],
    },
    Column {
        header: "Tên tổ chức",
        required: true,
        aliases: &["Tên"],
    },
    Column {
        header: "Loại tổ chức",
        required: true,
        aliases: &["Loại"],
    },
    Column {
        header: "Mã tổ chức cấp trên",
        required: false,
        aliases: &["Mã cấp trên"],
    },
    Column {
        header: "Có cấp ủy",
        required: false,
        aliases: &["Cấp ủy"],
    },
    Column {
        header: "Ngày thành lập",
        required: true,
        aliases: &[],
    },
    Column {
        header: "Ngày giải thể",
        required: false,
        aliases: &[],
    },
];

/// The latest stored state of an organisation, for comparing with a file.
#[derive(Debug, Clone)]
pub(crate) struct StoredOrg {
    pub id: Uuid,
    pub name: String,
    pub kind: OrgKind,
    pub has_committee: bool,
    pub founded_on: Date,
    pub parent_id: Option<Uuid>,
    /// The start of the latest version.
    pub valid_from: Date,
    /// `Some` once dissolved.
    pub valid_to: Option<Date>,
    /// The day the node entered the tree.
    pub first_from: Date,
}

impl Tx {
    /// Every organisation's latest version, by code.
    pub(crate) async fn stored_orgs(&mut self) -> Result<HashMap<String, StoredOrg>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: Uuid,
            code: String,
            name: String,
            kind: String,
            has_committee: bool,
            founded_on: Date,
            parent_id: Option<Uuid>,
            valid_from: Date,
            valid_to: Date,
            first_from: Date,
        }
        const SQL: &str = "SELECT o.id, o.code, v.name, v.kind, v.has_committee, v.founded_on, v.parent_id, \
             v.valid_from, v.valid_to, f.first_from FROM orgs o \
             JOIN (SELECT org_id, MAX(seq) AS seq, MIN(valid_from) AS first_from FROM org_versions GROUP BY org_id) f ON f.org_id = o.id \
             JOIN org_versions v ON v.org_id = f.org_id AND v.seq = f.seq";
        let rows: Vec<Row> = on_conn!(self, c => sqlx::query_as(SQL).fetch_all(c).await?);
        let mut map = HashMap::with_capacity(rows.len());
        for row in rows {
            let kind = OrgKind::parse(&row.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("loại tổ chức «{}»", row.kind)))?;
            map.insert(
                row.code,
                StoredOrg {
                    id: row.id,
                    name: row.name,
                    kind,
                    has_committee: row.has_committee,
                    founded_on: row.founded_on,
                    parent_id: row.parent_id,
                    valid_from: row.valid_from,
                    valid_to: from_stored_end(row.valid_to),
                    first_from: row.first_from,
                },
            );
        }
        Ok(map)
    }
}

#[derive(Debug, Clone)]
struct OrgRow {
    row: usize,
    code: String,
    name: String,
    kind: OrgKind,
    parent: Option<String>,
    has_committee: bool,
    founded_on: Date,
    dissolved_on: Option<Date>,
}

/// Accepts the Vietnamese name of a kind (any case) or its code.
pub(crate) fn parse_kind(text: &str) -> Option<OrgKind> {
    OrgKind::parse_name(text)
}

/// Imports the file in one transaction of its own.
pub async fn import_orgs(
    store: &Store,
    path: &Path,
    options: &ImportOptions,
    progress: &ProgressBar,
) -> Result<ImportReport, ImportError> {
    let mut tx = store.begin(&options.changed_by).await?;
    let report = import_orgs_in(&mut tx, path, options, progress).await?;
    tx.commit().await?;
    Ok(report)
}

/// Imports the file inside the caller's transaction (which the caller commits, after adding
/// what it must — the app's audit entry); on an error the caller drops it and nothing is kept.
pub async fn import_orgs_in(
    tx: &mut Tx,
    path: &Path,
    options: &ImportOptions,
    progress: &ProgressBar,
) -> Result<ImportReport, ImportError> {
    let sheet = source::read(path).map_err(|p| ImportError::Invalid(vec![p]))?;
    let index = locate_columns(&sheet, &COLUMNS).map_err(ImportError::Invalid)?;
    progress.set_length(sheet.rows.len() as u64 * 2);
    let stored = tx.stored_orgs().await?;

    // 1. Each row on its own.
    let mut rows: Vec<Option<OrgRow>> = Vec::with_capacity(sheet.rows.len());
    let mut problems: HashMap<usize, Vec<Problem>> = HashMap::new();
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    for (position, (row, cells)) in sheet.rows.iter().enumerate() {
        let mut reader = RowReader {
            file: &sheet.file,
            row: *row,
            cells,
            columns: &COLUMNS,
            index: &index,
            today: options.today,
            problems: Vec::new(),
        };
        let code = reader.required(CODE).map(str::to_string);
        let name = reader.required(NAME).map(clean_name);
        let kind = match reader.required(KIND) {
            Some(text) => {
                let kind = parse_kind(text);
                if kind.is_none() {
                    let allowed: Vec<&str> = OrgKind::ALL.iter().map(|k| k.name_vi()).collect();
                    reader.problem(
                        KIND,
                        format!(
                            "«{text}» không phải loại tổ chức: hãy ghi một trong {}",
                            allowed.join(", ")
                        ),
                    );
                }
                kind
            }
            None => None,
        };
        let parent = Some(reader.text(PARENT).to_string()).filter(|p| !p.is_empty());
        let committee = reader.flag(COMMITTEE);
        let founded_on = reader.required_date(FOUNDED);
        let dissolved_on = reader.date(DISSOLVED);
        if let (Some(founded), Some(dissolved)) = (founded_on, dissolved_on)
            && dissolved <= founded
        {
            reader.problem(DISSOLVED, "ngày giải thể phải sau ngày thành lập");
        }
        if let Some(code) = &code {
            if parent.as_deref() == Some(code.as_str()) {
                reader.problem(PARENT, "tổ chức không thể là cấp trên của chính nó");
            }
            if let Some(first) = first_row_of.get(code) {
                reader.problem(
                    CODE,
                    format!("mã «{code}» trùng với dòng {first}: mỗi tổ chức chỉ ghi một dòng"),
                );
            } else {
                first_row_of.insert(code.clone(), *row);
            }
        }
        let parsed = match (code, name, kind, founded_on) {
            (Some(code), Some(name), Some(kind), Some(founded_on))
                if reader.problems.is_empty() =>
            {
                Some(OrgRow {
                    row: *row,
                    code,
                    name,
                    kind,
                    parent,
                    has_committee: committee.unwrap_or(!kind.is_branch()),
                    founded_on,
                    dissolved_on,
                })
            }
            _ => None,
        };
        if !reader.problems.is_empty() {
            problems.insert(position, reader.problems);
        }
        rows.push(parsed);
        progress.inc(1);
    }

    // 2. Rows against each other and the database; repeated until no row depends on a rejected one.
    loop {
        let file_rows: HashMap<&str, (usize, &OrgRow)> = rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().map(|r| (r.code.as_str(), (i, r))))
            .collect();
        let mut found: Vec<(usize, Problem)> = Vec::new();
        for (position, row) in rows.iter().enumerate() {
            let Some(row) = row else { continue };
            let problem = |column: usize, message: String| Problem {
                file: sheet.file.clone(),
                row: Some(row.row),
                column: Some(COLUMNS[column].header.to_string()),
                message,
            };
            if let Some(parent) = &row.parent {
                let parent_kind = match (file_rows.get(parent.as_str()), stored.get(parent)) {
                    (Some((_, p)), _) => Some(p.kind),
                    (None, Some(s)) if s.valid_to.is_none() => Some(s.kind),
                    (None, Some(s)) => {
                        found.push((
                            position,
                            problem(
                                PARENT,
                                format!(
                                    "tổ chức cấp trên «{parent}» đã giải thể ngày {}",
                                    format_vn(s.valid_to.unwrap_or(OPEN_END))
                                ),
                            ),
                        ));
                        None
                    }
                    (None, None) => {
                        let rejected = sheet.rows.iter().zip(&rows).find(|((_, cells), r)| {
                            r.is_none()
                                && index[CODE]
                                    .and_then(|i| cells.get(i))
                                    .is_some_and(|c| c == parent)
                        });
                        let message = match rejected {
                            Some(((rejected_row, _), _)) => format!(
                                "tổ chức cấp trên «{parent}» (dòng {rejected_row}) có lỗi nên không được nhập"
                            ),
                            None => format!(
                                "không có tổ chức cấp trên mã «{parent}» trong tệp hay trong cơ sở dữ liệu: hãy kiểm tra mã hoặc nhập tổ chức cấp trên trước"
                            ),
                        };
                        found.push((position, problem(PARENT, message)));
                        None
                    }
                };
                if parent_kind.is_some_and(OrgKind::is_branch) {
                    found.push((
                        position,
                        problem(
                            PARENT,
                            format!("«{parent}» là chi bộ, không thể có tổ chức trực thuộc"),
                        ),
                    ));
                }
                // A cycle through the file's parent links.
                let mut seen = vec![row.code.as_str()];
                let mut next = row.parent.as_deref();
                while let Some(code) = next {
                    if seen.contains(&code) {
                        found.push((
                            position,
                            problem(
                                PARENT,
                                "cấp trên tạo thành vòng lặp (tổ chức nằm dưới chính nó)"
                                    .to_string(),
                            ),
                        ));
                        break;
                    }
                    seen.push(code);
                    next = file_rows.get(code).and_then(|(_, r)| r.parent.as_deref());
                }
            }
            if let Some(existing) = stored.get(&row.code)
                && let Some(ended) = existing.valid_to
                && row.dissolved_on != Some(ended)
            {
                found.push((position, problem(CODE, format!(
                    "tổ chức «{}» đã giải thể ngày {}: hãy ghi ngày giải thể đó hoặc dùng mã mới",
                    row.code,
                    format_vn(ended)
                ))));
            }
        }
        if found.is_empty() {
            break;
        }
        for (position, problem) in found {
            problems.entry(position).or_default().push(problem);
            rows[position] = None;
        }
    }

    let mut all: Vec<(usize, Vec<Problem>)> = problems.into_iter().collect();
    all.sort_by_key(|(position, _)| *position);
    let rejected: Vec<Rejected> = all
        .into_iter()
        .map(|(position, p)| (sheet.rows[position].0, sheet.rows[position].1.clone(), p))
        .collect();
    let mut report = start_report(&sheet, rejected, options, path)?;

    // 3. Apply: new organisations parents first, then changes, then dissolutions.
    let valid: Vec<&OrgRow> = rows.iter().flatten().collect();
    let mut new_ids: HashMap<&str, (Uuid, Date)> = HashMap::new();
    let mut loads = Vec::new();
    let mut pending: Vec<&OrgRow> = valid
        .iter()
        .copied()
        .filter(|r| !stored.contains_key(&r.code))
        .collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut waiting = Vec::new();
        for row in pending {
            let parent = match &row.parent {
                None => Some(None),
                Some(code) => match (new_ids.get(code.as_str()), stored.get(code)) {
                    (Some(&(id, from)), _) => Some(Some((id, from))),
                    (None, Some(s)) => Some(Some((s.id, s.first_from))),
                    (None, None) => None,
                },
            };
            match parent {
                Some(parent) => {
                    let valid_from =
                        parent.map_or(row.founded_on, |(_, from)| row.founded_on.max(from));
                    let id = Uuid::now_v7();
                    new_ids.insert(row.code.as_str(), (id, valid_from));
                    loads.push(OrgLoad {
                        id,
                        code: row.code.clone(),
                        name: row.name.clone(),
                        kind: row.kind,
                        has_committee: row.has_committee,
                        founded_on: row.founded_on,
                        parent: parent.map(|(id, _)| id),
                        valid_from,
                    });
                }
                None => waiting.push(row),
            }
        }
        if waiting.len() == before {
            // Only cycles remain, and those were rejected above.
            break;
        }
        pending = waiting;
    }
    tx.load_orgs(&loads).await?;
    report.created = loads.len();
    progress.inc(loads.len() as u64);

    let fail = |row: &OrgRow, error: StoreError| {
        ImportError::Invalid(vec![Problem {
            file: sheet.file.clone(),
            row: Some(row.row),
            column: None,
            message: error.to_string(),
        }])
    };
    for row in &valid {
        let Some(existing) = stored.get(&row.code) else {
            continue;
        };
        if existing.valid_to.is_some() {
            report.unchanged += 1;
            progress.inc(1);
            continue;
        }
        let on = options.effective.max(existing.valid_from);
        let update = OrgUpdate {
            name: (row.name != existing.name).then(|| row.name.clone()),
            kind: (row.kind != existing.kind).then_some(row.kind),
            has_committee: (row.has_committee != existing.has_committee)
                .then_some(row.has_committee),
            founded_on: (row.founded_on != existing.founded_on).then_some(row.founded_on),
            residential: None,
        };
        let mut changed = tx
            .update_org(existing.id, &update, on)
            .await
            .map_err(|e| fail(row, e))?;
        let parent = match &row.parent {
            None => None,
            Some(code) => new_ids
                .get(code.as_str())
                .map(|(id, _)| *id)
                .or_else(|| stored.get(code).map(|s| s.id)),
        };
        if parent != existing.parent_id {
            match parent {
                Some(parent) => tx
                    .move_org(existing.id, parent, on)
                    .await
                    .map_err(|e| fail(row, e))?,
                None => {
                    return Err(fail(
                        row,
                        StoreError::invalid(
                            "không thể bỏ cấp trên của một tổ chức đã có: hãy ghi mã tổ chức cấp trên",
                        ),
                    ));
                }
            }
            changed = true;
        }
        if changed {
            report.updated += 1;
        } else if row.dissolved_on.is_none() {
            report.unchanged += 1;
        }
        progress.inc(1);
    }
    for row in &valid {
        let Some(dissolved_on) = row.dissolved_on else {
            continue;
        };
        if stored.get(&row.code).is_some_and(|s| s.valid_to.is_some()) {
            continue;
        }
        let id = new_ids
            .get(row.code.as_str())
            .map(|(id, _)| *id)
            .or_else(|| stored.get(&row.code).map(|s| s.id));
        let Some(id) = id else { continue };
        tx.dissolve_org(id, dissolved_on)
            .await
            .map_err(|e| fail(row, e))?;
        if stored.contains_key(&row.code) {
            report.updated += 1;
        }
    }
    progress.finish_and_clear();
    Ok(report)
}
