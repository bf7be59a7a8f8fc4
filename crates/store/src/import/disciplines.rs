//! `import disciplines`: party members' discipline decisions from a file (one row per decision,
//! members by card number, organisations by code). A decision already recorded — same member,
//! form, day of the violation and day of the decision — is left as it is, so importing the same
//! file again changes nothing.

use super::{
    Column, ImportError, ImportOptions, ImportReport, Problem, Rejected, RowReader, locate_columns,
    source, start_report,
};
use crate::db::Tx;
use crate::error::StoreError;
use crate::people::{MembershipKind, NewDiscipline};
use indicatif::ProgressBar;
use kiemdiem_rules::DisciplineForm;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use uuid::Uuid;

const CODE: usize = 0;
const FORM: usize = 1;
const VIOLATION_ON: usize = 2;
const DECIDED_ON: usize = 3;
const VIOLATION_ORG: usize = 4;
const DECIDING_ORG: usize = 5;
const DUTY_RELATED: usize = 6;
const SELF_DETECTED: usize = 7;
const NOTE: usize = 8;

pub(crate) const COLUMNS: [Column; 9] = [
    Column {
        header: "Số thẻ đảng viên",
        required: true,
        aliases: &["Số thẻ", "Mã đảng viên"],
    },
    Column {
        header: "Hình thức kỷ luật",
        required: true,
        aliases: &["Hình thức"],
    },
    Column {
        header: "Ngày vi phạm",
        required: true,
        aliases: &[],
    },
    Column {
        header: "Ngày quyết định",
        required: true,
        aliases: &["Ngày quyết định kỷ luật", "Ngày kỷ luật"],
    },
    Column {
        header: "Mã tổ chức nơi vi phạm",
        required: false,
        aliases: &["Nơi vi phạm"],
    },
    Column {
        header: "Mã tổ chức quyết định",
        required: false,
        aliases: &["Cấp quyết định"],
    },
    Column {
        header: "Liên quan chức trách",
        required: false,
        aliases: &["Liên quan chức trách, nhiệm vụ", "Liên quan nhiệm vụ"],
    },
    Column {
        header: "Tự phát hiện, khắc phục",
        required: false,
        aliases: &["Tự phát hiện", "Tự phát hiện, tự khắc phục"],
    },
    Column {
        header: "Ghi chú",
        required: false,
        aliases: &["Nội dung vi phạm"],
    },
];

struct DisciplineRow {
    row: usize,
    member: Uuid,
    record: NewDiscipline,
}

/// Imports the file in one transaction of its own.
pub async fn import_disciplines(
    store: &crate::db::Store,
    path: &Path,
    options: &ImportOptions,
    progress: &ProgressBar,
) -> Result<ImportReport, ImportError> {
    let mut tx = store.begin(&options.changed_by).await?;
    let report = import_disciplines_in(&mut tx, path, options, progress).await?;
    tx.commit().await?;
    Ok(report)
}

/// Imports the file inside the caller's transaction (which the caller commits after its audit
/// entry); on an error the caller drops it and nothing is kept.
pub async fn import_disciplines_in(
    tx: &mut Tx,
    path: &Path,
    options: &ImportOptions,
    progress: &ProgressBar,
) -> Result<ImportReport, ImportError> {
    let sheet = source::read(path).map_err(|p| ImportError::Invalid(vec![p]))?;
    let index = locate_columns(&sheet, &COLUMNS).map_err(ImportError::Invalid)?;
    progress.set_length(sheet.rows.len() as u64 * 2);
    let orgs = tx.stored_orgs().await?;
    let mut members: HashMap<String, Option<Uuid>> = HashMap::new();

    let mut valid: Vec<DisciplineRow> = Vec::with_capacity(sheet.rows.len());
    let mut rejected: Vec<Rejected> = Vec::new();
    for (row, cells) in &sheet.rows {
        let mut reader = RowReader {
            file: &sheet.file,
            row: *row,
            cells,
            columns: &COLUMNS,
            index: &index,
            today: options.today,
            problems: Vec::new(),
        };
        let member = match reader.required(CODE) {
            Some(code) => {
                let id = match members.get(code) {
                    Some(id) => *id,
                    None => {
                        let id = tx.member_id_by_code(code).await?;
                        members.insert(code.to_owned(), id);
                        id
                    }
                };
                if id.is_none() {
                    reader.problem(CODE, format!("không có đảng viên số thẻ «{code}» trong cơ sở dữ liệu: hãy kiểm tra số thẻ, hoặc nhập tệp đảng viên trước"));
                }
                id
            }
            None => None,
        };
        let form = match reader.required(FORM) {
            Some(text) => {
                let form = DisciplineForm::parse_name(text);
                if form.is_none() {
                    reader.problem(
                        FORM,
                        format!("«{text}» không phải hình thức kỷ luật đảng viên: hãy ghi Khiển trách, Cảnh cáo, Cách chức hoặc Khai trừ"),
                    );
                }
                form
            }
            None => None,
        };
        let violation_on = reader.required_date(VIOLATION_ON);
        let decided_on = reader.required_date(DECIDED_ON);
        if let (Some(violation), Some(decided)) = (violation_on, decided_on)
            && violation > decided
        {
            reader.problem(
                DECIDED_ON,
                "ngày quyết định trước ngày vi phạm: hãy kiểm tra lại",
            );
        }
        // An organisation by code, in the tree on `on` (the day of the violation or decision).
        let org = |reader: &mut RowReader<'_>, column: usize, on: Option<time::Date>| {
            let code = reader.text(column);
            if code.is_empty() {
                return None;
            }
            let Some(found) = orgs.get(code) else {
                reader.problem(
                    column,
                    format!("không có tổ chức mã «{code}» trong cơ sở dữ liệu: hãy kiểm tra mã"),
                );
                return None;
            };
            if let Some(on) = on
                && (on < found.first_from || found.valid_to.is_some_and(|to| to <= on))
            {
                reader.problem(
                    column,
                    format!(
                        "tổ chức «{code}» chưa có hoặc đã giải thể vào ngày {}",
                        crate::date::format_vn(on)
                    ),
                );
                return None;
            }
            Some(found.id)
        };
        let violation_org = org(&mut reader, VIOLATION_ORG, violation_on);
        let deciding_org = org(&mut reader, DECIDING_ORG, decided_on);
        let duty_related = reader.flag(DUTY_RELATED).unwrap_or(false);
        let self_detected_remedied = reader.flag(SELF_DETECTED).unwrap_or(false);
        let note = reader.text(NOTE).to_owned();
        // Where the violation happened: the member's branch on that day when not given.
        let place_given = !reader.text(VIOLATION_ORG).is_empty();
        let violation_org = match (member, violation_on, violation_org) {
            (_, _, Some(org)) => Some(org),
            (Some(member), Some(on), None) if !place_given => {
                let branch = tx.branch_of(member, MembershipKind::Official, on).await?;
                if branch.is_none() {
                    reader.problem(
                        VIOLATION_ON,
                        "vào ngày vi phạm, đồng chí chưa sinh hoạt ở chi bộ nào: hãy ghi mã tổ chức nơi vi phạm",
                    );
                }
                branch
            }
            _ => None,
        };
        match (member, form, violation_on, decided_on) {
            (Some(member), Some(form), Some(violation_on), Some(decided_on))
                if reader.problems.is_empty() =>
            {
                valid.push(DisciplineRow {
                    row: *row,
                    member,
                    record: NewDiscipline {
                        form,
                        violation_on,
                        decided_on,
                        violation_org,
                        deciding_org,
                        duty_related,
                        self_detected_remedied,
                        note,
                    },
                });
            }
            _ => rejected.push((*row, cells.clone(), reader.problems)),
        }
        progress.inc(1);
    }

    let mut report = start_report(&sheet, rejected, options, path)?;

    // What is already recorded, per member: (form, violation day, decision day).
    let mut known: HashMap<Uuid, HashSet<(DisciplineForm, time::Date, time::Date)>> =
        HashMap::new();
    for row in &valid {
        let key = (
            row.record.form,
            row.record.violation_on,
            row.record.decided_on,
        );
        let recorded = match known.entry(row.member) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => entry.insert(
                tx.disciplines(row.member)
                    .await?
                    .into_iter()
                    .map(|d| (d.record.form, d.record.violation_on, d.record.decided_on))
                    .collect(),
            ),
        };
        if recorded.contains(&key) {
            report.unchanged += 1;
        } else {
            tx.add_discipline(row.member, &row.record)
                .await
                .map_err(|error: StoreError| {
                    ImportError::Invalid(vec![Problem {
                        file: sheet.file.clone(),
                        row: Some(row.row),
                        column: None,
                        message: error.to_string(),
                    }])
                })?;
            recorded.insert(key);
            report.created += 1;
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    Ok(report)
}
