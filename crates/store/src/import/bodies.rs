//! `import collectives` and `import leaders`: the leadership collectives (tập thể lãnh đạo,
//! quản lý) attached to the party organisations, and the leaders outside the party (cán bộ lãnh
//! đạo, quản lý ngoài Đảng) by the code the office gives them. Their members and heads come with
//! the posts file (`import posts`). A row already recorded as it is changes nothing; a collective
//! whose dissolution day is added is dissolved; a row that differs otherwise from the record is
//! refused naming what differs (these records are not versioned: a file does not rewrite them).

use super::{
    Column, ImportError, ImportOptions, ImportReport, Rejected, RowReader, locate_columns, source,
    start_report, write_problem,
};
use crate::date::format_vn;
use crate::db::Tx;
use crate::leadership::{CollectiveKind, NewCollective, NewLeader};
use indicatif::ProgressBar;
use std::collections::HashMap;
use std::path::Path;
use time::Date;

const C_CODE: usize = 0;
const C_NAME: usize = 1;
const C_KIND: usize = 2;
const C_ORG: usize = 3;
const C_FOUNDED: usize = 4;
const C_DISSOLVED: usize = 5;

pub(crate) const COLLECTIVE_COLUMNS: [Column; 6] = [
    Column {
        header: "Mã tập thể",
        required: true,
        aliases: &[],
    },
    Column {
        header: "Tên tập thể",
        required: true,
        aliases: &["Tên"],
    },
    Column {
        header: "Loại tập thể",
        required: true,
        aliases: &["Loại"],
    },
    Column {
        header: "Mã tổ chức",
        required: true,
        aliases: &["Mã tổ chức đảng", "Thuộc tổ chức"],
    },
    Column {
        header: "Ngày thành lập",
        required: true,
        aliases: &["Từ ngày"],
    },
    Column {
        header: "Ngày giải thể",
        required: false,
        aliases: &["Ngày kết thúc"],
    },
];

const L_CODE: usize = 0;
const L_NAME: usize = 1;
const L_BIRTH: usize = 2;
const L_UNIT: usize = 3;

pub(crate) const LEADER_COLUMNS: [Column; 4] = [
    Column {
        header: "Mã cán bộ",
        required: true,
        aliases: &["Mã"],
    },
    Column {
        header: "Họ và tên",
        required: true,
        aliases: &["Họ tên"],
    },
    Column {
        header: "Ngày sinh",
        required: false,
        aliases: &[],
    },
    Column {
        header: "Đơn vị công tác",
        required: false,
        aliases: &["Cơ quan, đơn vị"],
    },
];

struct CollectiveRow {
    row: usize,
    new: NewCollective,
    founded: Date,
    dissolved: Option<Date>,
}

/// Imports the leadership collectives inside the caller's transaction.
pub async fn import_collectives_in(
    tx: &mut Tx,
    path: &Path,
    options: &ImportOptions,
    progress: &ProgressBar,
) -> Result<ImportReport, ImportError> {
    let sheet = source::read(path).map_err(|p| ImportError::Invalid(vec![p]))?;
    let index = locate_columns(&sheet, &COLLECTIVE_COLUMNS).map_err(ImportError::Invalid)?;
    progress.set_length(sheet.rows.len() as u64 * 2);
    let orgs = tx.stored_orgs().await?;
    let mut valid = Vec::new();
    let mut rejected: Vec<Rejected> = Vec::new();
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    for (row, cells) in &sheet.rows {
        let mut reader = RowReader {
            file: &sheet.file,
            row: *row,
            cells,
            columns: &COLLECTIVE_COLUMNS,
            index: &index,
            today: options.today,
            problems: Vec::new(),
        };
        let code = reader.required(C_CODE);
        if let Some(code) = code {
            match first_row_of.get(code) {
                Some(first) => reader.problem(
                    C_CODE,
                    format!("mã «{code}» trùng với dòng {first}: mỗi tập thể chỉ ghi một dòng"),
                ),
                None => {
                    first_row_of.insert(code.to_owned(), *row);
                }
            }
        }
        let name = reader.required(C_NAME);
        let kind = reader.required(C_KIND).and_then(|text| {
            let kind = CollectiveKind::parse_name(text);
            if kind.is_none() {
                reader.problem(C_KIND, format!("«{text}» không rõ: hãy ghi một trong Cấp ủy, Ban Thường vụ cấp ủy, Thường trực HĐND, UBND, Ban Thường trực UBMTTQ, Tổ chức chính trị - xã hội, Lãnh đạo cơ quan, đơn vị"));
            }
            kind
        });
        let founded = reader.required_date(C_FOUNDED);
        let dissolved = reader.date(C_DISSOLVED);
        if let (Some(from), Some(to)) = (founded, dissolved)
            && to <= from
        {
            reader.problem(
                C_DISSOLVED,
                "ngày giải thể không sau ngày thành lập: hãy kiểm tra lại",
            );
        }
        let org = reader.required(C_ORG).and_then(|org_code| match orgs.get(org_code) {
            None => {
                reader.problem(C_ORG, format!("không có tổ chức mã «{org_code}» trong cơ sở dữ liệu: hãy kiểm tra mã, hoặc nhập tệp tổ chức trước"));
                None
            }
            Some(org) if founded.is_some_and(|f| f < org.first_from) => {
                reader.problem(
                    C_ORG,
                    format!(
                        "tổ chức «{org_code}» có từ ngày {}, sau ngày thành lập tập thể",
                        format_vn(org.first_from)
                    ),
                );
                None
            }
            Some(org) => Some(org.id),
        });
        if let (Some(code), Some(name), Some(kind), Some(org), Some(founded)) =
            (code, name, kind, org, founded)
            && let Some(existing) = tx.collective_by_code(code).await?
        {
            let mut differs = Vec::new();
            if existing.name != crate::text::clean_name(name) {
                differs.push(format!("tên «{}»", existing.name));
            }
            if existing.kind != kind {
                differs.push(format!("loại «{}»", existing.kind.name_vi()));
            }
            if existing.org != org {
                differs.push("tổ chức khác".to_owned());
            }
            if existing.valid_from != founded {
                differs.push(format!("ngày thành lập {}", format_vn(existing.valid_from)));
            }
            if !differs.is_empty() {
                reader.problem(
                    C_CODE,
                    format!(
                        "tập thể «{code}» đã có với {}: hồ sơ tập thể không sửa bằng tệp, hãy kiểm tra lại dòng này",
                        differs.join(", ")
                    ),
                );
            }
        }
        match (code, name, kind, org, founded) {
            (Some(code), Some(name), Some(kind), Some(org), Some(founded))
                if reader.problems.is_empty() =>
            {
                valid.push(CollectiveRow {
                    row: *row,
                    new: NewCollective {
                        code: code.to_owned(),
                        name: name.to_owned(),
                        kind,
                        org,
                    },
                    founded,
                    dissolved,
                });
            }
            _ => rejected.push((*row, cells.clone(), reader.problems)),
        }
        progress.inc(1);
    }
    let mut report = start_report(&sheet, rejected, options, path)?;
    for row in &valid {
        let fail = |e| write_problem(&sheet.file, row.row, e);
        match tx.collective_by_code(&row.new.code).await? {
            None => {
                let id = tx
                    .create_collective(&row.new, row.founded)
                    .await
                    .map_err(fail)?;
                if let Some(on) = row.dissolved {
                    tx.dissolve_collective(id, on).await.map_err(fail)?;
                }
                report.created += 1;
            }
            Some(existing) => match (existing.valid_to, row.dissolved) {
                (None, Some(on)) => {
                    tx.dissolve_collective(existing.id, on)
                        .await
                        .map_err(fail)?;
                    report.updated += 1;
                }
                _ => report.unchanged += 1,
            },
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    Ok(report)
}

struct LeaderRow {
    row: usize,
    code: String,
    new: NewLeader,
}

/// Imports the leaders outside the party inside the caller's transaction.
pub async fn import_leaders_in(
    tx: &mut Tx,
    path: &Path,
    options: &ImportOptions,
    progress: &ProgressBar,
) -> Result<ImportReport, ImportError> {
    let sheet = source::read(path).map_err(|p| ImportError::Invalid(vec![p]))?;
    let index = locate_columns(&sheet, &LEADER_COLUMNS).map_err(ImportError::Invalid)?;
    progress.set_length(sheet.rows.len() as u64 * 2);
    let mut valid = Vec::new();
    let mut rejected: Vec<Rejected> = Vec::new();
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    for (row, cells) in &sheet.rows {
        let mut reader = RowReader {
            file: &sheet.file,
            row: *row,
            cells,
            columns: &LEADER_COLUMNS,
            index: &index,
            today: options.today,
            problems: Vec::new(),
        };
        let code = reader.required(L_CODE);
        if let Some(code) = code {
            match first_row_of.get(code) {
                Some(first) => reader.problem(
                    L_CODE,
                    format!("mã «{code}» trùng với dòng {first}: mỗi cán bộ chỉ ghi một dòng"),
                ),
                None => {
                    first_row_of.insert(code.to_owned(), *row);
                }
            }
        }
        let name = reader.required(L_NAME);
        let birth_date = reader.date(L_BIRTH);
        let employer_unit = reader.text(L_UNIT).to_owned();
        if let (Some(code), Some(name)) = (code, name)
            && let Some(existing) = tx.leader_by_code(code).await?
            && (existing.full_name != crate::text::clean_name(name)
                || existing.birth_date != birth_date
                || existing.employer_unit != crate::text::clean_name(&employer_unit))
        {
            reader.problem(
                L_CODE,
                format!(
                    "cán bộ mã «{code}» đã có với thông tin khác ({}): hãy kiểm tra lại mã",
                    existing.full_name
                ),
            );
        }
        match (code, name) {
            (Some(code), Some(name)) if reader.problems.is_empty() => valid.push(LeaderRow {
                row: *row,
                code: code.to_owned(),
                new: NewLeader {
                    full_name: name.to_owned(),
                    birth_date,
                    employer_unit,
                },
            }),
            _ => rejected.push((*row, cells.clone(), reader.problems)),
        }
        progress.inc(1);
    }
    let mut report = start_report(&sheet, rejected, options, path)?;
    for row in &valid {
        match tx.leader_by_code(&row.code).await? {
            None => {
                tx.create_coded_leader(&row.code, &row.new)
                    .await
                    .map_err(|e| write_problem(&sheet.file, row.row, e))?;
                report.created += 1;
            }
            Some(_) => {
                report.unchanged += 1;
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    Ok(report)
}
