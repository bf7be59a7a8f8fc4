//! `import members`: party members from a file (one row per member, branches by code). New
//! members are bulk-loaded; for known member codes only the differences are written, as new
//! dated versions, transfers or temporary-branch changes.

use super::{
    Column, ImportError, ImportOptions, ImportReport, Problem, Rejected, RowReader, locate_columns,
    source, start_report,
};
use crate::bulk::MemberLoad;
use crate::date::{OPEN_END, format_vn};
use crate::db::{Store, Tx, on_conn};
use crate::error::StoreError;
use crate::import::orgs::StoredOrg;
use crate::people::{MemberDetails, checked_details};
use futures_util::TryStreamExt;
use indicatif::ProgressBar;
use std::collections::HashMap;
use std::path::Path;
use time::Date;
use uuid::Uuid;

const CODE: usize = 0;
const NAME: usize = 1;
const BIRTH: usize = 2;
const ADMITTED: usize = 3;
const OFFICIAL: usize = 4;
const BRANCH: usize = 5;
const TEMPORARY: usize = 6;
const CIVIL_SERVANT: usize = 7;
const EMPLOYER: usize = 8;
const RESIDENCE: usize = 9;

pub(crate) const COLUMNS: [Column; 10] = [
    Column {
        header: "Số thẻ đảng viên",
        required: true,
        aliases: &["Số thẻ", "Mã đảng viên"],
    },
    Column {
        header: "Họ và tên",
        required: true,
        aliases: &["Họ tên"],
    },
    Column {
        header: "Ngày sinh",
        required: true,
        aliases: &[],
    },
    Column {
        header: "Ngày vào Đảng",
        required: true,
        aliases: &["Ngày kết nạp"],
    },
    Column {
        header: "Ngày chính thức",
        required: false,
        aliases: &[],
    },
    Column {
        header: "Mã chi bộ",
        required: true,
        aliases: &["Mã chi bộ sinh hoạt"],
    },
    Column {
        header: "Mã chi bộ sinh hoạt tạm thời",
        required: false,
        aliases: &["Mã chi bộ tạm thời"],
    },
    Column {
        header: "Công chức, viên chức",
        required: false,
        aliases: &["Công chức viên chức", "CCVC"],
    },
    Column {
        header: "Đơn vị công tác",
        required: false,
        aliases: &[],
    },
    Column {
        header: "Mã tổ chức nơi cư trú",
        required: false,
        aliases: &["Nơi cư trú"],
    },
];

/// A member's current state, for comparing with a file.
struct StoredMember {
    id: Uuid,
    details: MemberDetails,
    valid_from: Date,
    official: Option<(Uuid, Date)>,
    temporary: Option<(Uuid, Date)>,
}

impl Tx {
    async fn stored_members(&mut self) -> Result<HashMap<String, StoredMember>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            code: String,
            id: Uuid,
            full_name: String,
            birth_date: Date,
            admitted_on: Date,
            official_on: Option<Date>,
            civil_servant: bool,
            employer_unit: String,
            residence_org_id: Option<Uuid>,
            valid_from: Date,
            official_org: Option<Uuid>,
            official_from: Option<Date>,
            temporary_org: Option<Uuid>,
            temporary_from: Option<Date>,
        }
        const SQL: &str = "SELECT m.code, m.id, v.full_name, v.birth_date, v.admitted_on, v.official_on, v.civil_servant, \
             v.employer_unit, v.residence_org_id, v.valid_from, \
             ob.org_id AS official_org, ob.valid_from AS official_from, tb.org_id AS temporary_org, tb.valid_from AS temporary_from \
             FROM members m JOIN member_versions v ON v.member_id = m.id AND v.valid_to = $1 \
             LEFT JOIN member_branches ob ON ob.member_id = m.id AND ob.kind = 'official' AND ob.valid_to = $1 \
             LEFT JOIN member_branches tb ON tb.member_id = m.id AND tb.kind = 'temporary' AND tb.valid_to = $1";
        let mut map = HashMap::new();
        on_conn!(self, c => {
            let mut rows = sqlx::query_as::<_, Row>(SQL).bind(OPEN_END).fetch(c);
            while let Some(row) = rows.try_next().await? {
                map.insert(row.code, StoredMember {
                    id: row.id,
                    details: MemberDetails {
                        full_name: row.full_name,
                        birth_date: row.birth_date,
                        admitted_on: row.admitted_on,
                        official_on: row.official_on,
                        civil_servant: row.civil_servant,
                        employer_unit: row.employer_unit,
                        residence_org: row.residence_org_id,
                    },
                    valid_from: row.valid_from,
                    official: row.official_org.zip(row.official_from),
                    temporary: row.temporary_org.zip(row.temporary_from),
                });
            }
        });
        Ok(map)
    }
}

struct MemberRow {
    row: usize,
    code: String,
    details: MemberDetails,
    branch: Uuid,
    temporary: Option<Uuid>,
    /// The earliest day the member can be in the tree (its branches exist).
    earliest: Date,
}

/// Resolves an organisation code to an active organisation; `branch` demands a chi bộ.
fn resolve(
    reader: &mut RowReader<'_>,
    orgs: &HashMap<String, StoredOrg>,
    column: usize,
    branch: bool,
) -> Option<(Uuid, Date)> {
    let code = reader.text(column);
    if code.is_empty() {
        return None;
    }
    match orgs.get(code) {
        None => {
            reader.problem(column, format!("không có tổ chức mã «{code}» trong cơ sở dữ liệu: hãy kiểm tra mã, hoặc nhập tệp tổ chức trước"));
            None
        }
        Some(org) if org.valid_to.is_some() => {
            reader.problem(
                column,
                format!(
                    "tổ chức «{code}» đã giải thể ngày {}",
                    format_vn(org.valid_to.unwrap_or(OPEN_END))
                ),
            );
            None
        }
        Some(org) if branch && !org.kind.is_branch() => {
            reader.problem(
                column,
                format!(
                    "«{code}» ({}) không phải chi bộ: đảng viên sinh hoạt ở chi bộ",
                    org.name
                ),
            );
            None
        }
        Some(org) => Some((org.id, org.first_from)),
    }
}

/// Imports the file in one transaction of its own.
pub async fn import_members(
    store: &Store,
    path: &Path,
    options: &ImportOptions,
    progress: &ProgressBar,
) -> Result<ImportReport, ImportError> {
    let mut tx = store.begin(&options.changed_by).await?;
    let report = import_members_in(&mut tx, path, options, progress).await?;
    tx.commit().await?;
    Ok(report)
}

/// Imports the file inside the caller's transaction (which the caller commits, after adding
/// what it must — the app's audit entry); on an error the caller drops it and nothing is kept.
pub async fn import_members_in(
    tx: &mut Tx,
    path: &Path,
    options: &ImportOptions,
    progress: &ProgressBar,
) -> Result<ImportReport, ImportError> {
    let sheet = source::read(path).map_err(|p| ImportError::Invalid(vec![p]))?;
    let index = locate_columns(&sheet, &COLUMNS).map_err(ImportError::Invalid)?;
    progress.set_length(sheet.rows.len() as u64 * 2);
    let orgs = tx.stored_orgs().await?;
    let stored = tx.stored_members().await?;

    let mut valid: Vec<MemberRow> = Vec::with_capacity(sheet.rows.len());
    let mut rejected: Vec<Rejected> = Vec::new();
    let mut first_row_of: HashMap<String, usize> = HashMap::with_capacity(sheet.rows.len());
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
        let code = reader.required(CODE);
        if let Some(code) = code {
            if let Some(first) = first_row_of.get(code) {
                reader.problem(
                    CODE,
                    format!(
                        "số thẻ «{code}» trùng với dòng {first}: mỗi đảng viên chỉ ghi một dòng"
                    ),
                );
            } else {
                first_row_of.insert(code.to_string(), *row);
            }
        }
        let name = reader.required(NAME);
        let birth = reader.required_date(BIRTH);
        let admitted = reader.required_date(ADMITTED);
        let official = reader.date(OFFICIAL);
        if let (Some(birth), Some(admitted)) = (birth, admitted) {
            let adult = birth
                .replace_year(birth.year() + 18)
                .unwrap_or(birth + time::Duration::days(18 * 365 + 5));
            if admitted < adult {
                reader.problem(ADMITTED, format!("vào Đảng khi chưa đủ 18 tuổi (sinh ngày {}): hãy kiểm tra ngày sinh và ngày vào Đảng", format_vn(birth)));
            }
        }
        if let (Some(admitted), Some(official)) = (admitted, official)
            && official < admitted
        {
            reader.problem(
                OFFICIAL,
                "ngày chính thức trước ngày vào Đảng: hãy kiểm tra lại",
            );
        }
        if reader.text(BRANCH).is_empty() {
            reader.problem(
                BRANCH,
                "bắt buộc nhưng đang để trống: hãy ghi mã chi bộ sinh hoạt chính thức",
            );
        }
        let branch = resolve(&mut reader, &orgs, BRANCH, true);
        let temporary = resolve(&mut reader, &orgs, TEMPORARY, true);
        if let (Some((b, _)), Some((t, _))) = (branch, temporary)
            && b == t
        {
            reader.problem(
                TEMPORARY,
                "chi bộ sinh hoạt tạm thời trùng với chi bộ chính thức: hãy để trống",
            );
        }
        // A known member under another branch: a transfer (chuyển sinh hoạt), only when allowed.
        if let (Some(code), Some((branch, _))) = (code, branch)
            && let Some(existing) = stored.get(code)
            && let Some((current, _)) = existing.official
            && current != branch
            && !options.allow_transfers
        {
            let from = orgs
                .iter()
                .find(|(_, o)| o.id == current)
                .map(|(code, o)| format!("«{code}» ({})", o.name))
                .unwrap_or_default();
            reader.problem(
                BRANCH,
                format!(
                    "đồng chí đang sinh hoạt ở chi bộ {from}: dòng này chuyển sinh hoạt sang chi bộ khác. Nếu đúng là chuyển sinh hoạt, hãy nhập lại với --allow-transfers (chuyển từ ngày hiệu lực); nếu không, hãy sửa mã chi bộ"
                ),
            );
        }
        let residence = resolve(&mut reader, &orgs, RESIDENCE, false);
        let civil_servant = reader.flag(CIVIL_SERVANT).unwrap_or(false);
        let employer_unit = reader.text(EMPLOYER).to_string();
        match (code, name, birth, admitted, branch) {
            (
                Some(code),
                Some(name),
                Some(birth_date),
                Some(admitted_on),
                Some((branch, branch_from)),
            ) if reader.problems.is_empty() => {
                let details = MemberDetails {
                    full_name: name.to_string(),
                    birth_date,
                    admitted_on,
                    official_on: official,
                    civil_servant,
                    employer_unit,
                    residence_org: residence.map(|(id, _)| id),
                };
                match checked_details(&details) {
                    Ok(details) => {
                        let earliest = admitted_on
                            .max(branch_from)
                            .max(temporary.map_or(branch_from, |(_, from)| from));
                        valid.push(MemberRow {
                            row: *row,
                            code: code.to_string(),
                            details,
                            branch,
                            temporary: temporary.map(|(id, _)| id),
                            earliest,
                        });
                    }
                    Err(error) => {
                        reader.problem(NAME, error.to_string());
                        rejected.push((*row, cells.clone(), reader.problems));
                    }
                }
            }
            _ => rejected.push((*row, cells.clone(), reader.problems)),
        }
        progress.inc(1);
    }

    let mut report = start_report(&sheet, rejected, options, path)?;

    let mut loads = Vec::new();
    let fail = |row: &MemberRow, error: StoreError| {
        ImportError::Invalid(vec![Problem {
            file: sheet.file.clone(),
            row: Some(row.row),
            column: None,
            message: error.to_string(),
        }])
    };
    for row in &valid {
        let Some(existing) = stored.get(&row.code) else {
            loads.push(MemberLoad {
                id: Uuid::now_v7(),
                code: row.code.clone(),
                details: row.details.clone(),
                branch: row.branch,
                temporary_branch: row.temporary,
                valid_from: row.earliest,
            });
            continue;
        };
        let mut changed = false;
        if existing.details != row.details {
            let on = options.effective.max(existing.valid_from);
            changed |= tx
                .update_member(existing.id, &row.details, on)
                .await
                .map_err(|e| fail(row, e))?;
        }
        match existing.official {
            Some((branch, _)) if branch == row.branch => {}
            Some((_, since)) => {
                let on = options.effective.max(since);
                tx.transfer_member(existing.id, row.branch, on, "Chuyển sinh hoạt, nhập từ tệp")
                    .await
                    .map_err(|e| fail(row, e))?;
                report.transfers += 1;
                changed = true;
            }
            None => {
                tx.transfer_in(
                    existing.id,
                    row.branch,
                    "",
                    options.effective,
                    "Cập nhật từ tệp nhập",
                    false,
                )
                .await
                .map_err(|e| fail(row, e))?;
                changed = true;
            }
        }
        if existing.temporary.map(|(id, _)| id) != row.temporary {
            let on = options.effective.max(
                existing
                    .temporary
                    .map_or(options.effective, |(_, since)| since),
            );
            tx.set_temporary_branch(existing.id, row.temporary, on)
                .await
                .map_err(|e| fail(row, e))?;
            changed = true;
        }
        if changed {
            report.updated += 1;
        } else {
            report.unchanged += 1;
        }
        progress.inc(1);
    }
    for chunk in loads.chunks(20_000) {
        tx.load_members(chunk).await?;
        progress.inc(chunk.len() as u64);
    }
    report.created = loads.len();
    progress.finish_and_clear();
    Ok(report)
}
