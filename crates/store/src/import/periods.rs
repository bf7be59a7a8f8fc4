//! `import statuses`, `import leave` and `import temporary`: a member's dated periods — statuses
//! (miễn công tác và sinh hoạt đảng, đình chỉ sinh hoạt đảng, đình chỉ sinh hoạt cấp ủy), leave
//! (nghỉ ốm, nghỉ thai sản) and temporary activity in another branch (sinh hoạt tạm thời), each
//! from a day, until a last day or still running. A period already recorded from the same day is
//! left as it is, or ended when the file adds its last day.

use super::{
    Column, ImportError, ImportOptions, ImportReport, MemberCodes, Rejected, RowReader,
    locate_columns, source, start_report, write_problem,
};
use crate::date::format_vn;
use crate::db::Tx;
use crate::error::StoreError;
use crate::people::{MembershipKind, Period};
use indicatif::ProgressBar;
use kiemdiem_rules::{LeaveKind, StatusKind};
use std::path::Path;
use time::Date;
use uuid::Uuid;

const MEMBER: usize = 0;
const WHAT: usize = 1;
const FROM: usize = 2;
const UNTIL: usize = 3;
const NOTE: usize = 4;

const fn columns(
    what: &'static str,
    aliases: &'static [&'static str],
    note: &'static str,
) -> [Column; 5] {
    [
        Column {
            header: "Số thẻ đảng viên",
            required: true,
            aliases: &["Số thẻ", "Mã đảng viên"],
        },
        Column {
            header: what,
            required: true,
            aliases,
        },
        Column {
            header: "Từ ngày",
            required: true,
            aliases: &["Ngày bắt đầu"],
        },
        Column {
            header: "Đến ngày",
            required: false,
            aliases: &["Ngày kết thúc"],
        },
        Column {
            header: note,
            required: false,
            aliases: &["Ghi chú", "Căn cứ"],
        },
    ]
}

pub(crate) const STATUS_COLUMNS: [Column; 5] =
    columns("Trạng thái", &["Loại trạng thái"], "Căn cứ");
pub(crate) const LEAVE_COLUMNS: [Column; 5] = columns("Loại nghỉ", &["Nghỉ"], "Ghi chú");
pub(crate) const TEMPORARY_COLUMNS: [Column; 5] = columns(
    "Mã chi bộ sinh hoạt tạm thời",
    &["Mã chi bộ tạm thời", "Chi bộ sinh hoạt tạm thời"],
    "Ghi chú",
);

/// Which file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum File {
    Statuses,
    Leave,
    Temporary,
}

impl File {
    fn columns(self) -> &'static [Column; 5] {
        match self {
            File::Statuses => &STATUS_COLUMNS,
            File::Leave => &LEAVE_COLUMNS,
            File::Temporary => &TEMPORARY_COLUMNS,
        }
    }
}

/// What a row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    Status(StatusKind),
    Leave(LeaveKind),
    Temporary(Uuid),
}

struct PeriodRow {
    row: usize,
    member: Uuid,
    what: What,
    from: Date,
    /// Exclusive end: the day after the last day given.
    until: Option<Date>,
    note: String,
}

pub async fn import_statuses_in(
    tx: &mut Tx,
    path: &Path,
    options: &ImportOptions,
    progress: &ProgressBar,
) -> Result<ImportReport, ImportError> {
    import_in(tx, path, options, progress, File::Statuses).await
}

pub async fn import_leave_in(
    tx: &mut Tx,
    path: &Path,
    options: &ImportOptions,
    progress: &ProgressBar,
) -> Result<ImportReport, ImportError> {
    import_in(tx, path, options, progress, File::Leave).await
}

pub async fn import_temporary_in(
    tx: &mut Tx,
    path: &Path,
    options: &ImportOptions,
    progress: &ProgressBar,
) -> Result<ImportReport, ImportError> {
    import_in(tx, path, options, progress, File::Temporary).await
}

async fn import_in(
    tx: &mut Tx,
    path: &Path,
    options: &ImportOptions,
    progress: &ProgressBar,
    file: File,
) -> Result<ImportReport, ImportError> {
    let sheet = source::read(path).map_err(|p| ImportError::Invalid(vec![p]))?;
    let columns = file.columns();
    let index = locate_columns(&sheet, columns).map_err(ImportError::Invalid)?;
    progress.set_length(sheet.rows.len() as u64 * 2);
    let orgs = tx.stored_orgs().await?;
    let mut members = MemberCodes::default();
    let mut valid = Vec::new();
    let mut rejected: Vec<Rejected> = Vec::new();
    for (row, cells) in &sheet.rows {
        let mut reader = RowReader {
            file: &sheet.file,
            row: *row,
            cells,
            columns,
            index: &index,
            today: options.today,
            problems: Vec::new(),
        };
        let member = members.member(tx, &mut reader, MEMBER).await?;
        let from = reader.required_date(FROM);
        let until = reader.until(UNTIL, from);
        let what = match (file, reader.required(WHAT)) {
            (_, None) => None,
            (File::Statuses, Some(text)) => {
                let kind = StatusKind::parse_name(text);
                if kind.is_none() {
                    reader.problem(WHAT, format!("«{text}» không rõ: hãy ghi Miễn công tác và sinh hoạt đảng, Đình chỉ sinh hoạt đảng hoặc Đình chỉ sinh hoạt cấp ủy"));
                }
                kind.map(What::Status)
            }
            (File::Leave, Some(text)) => {
                let kind = LeaveKind::parse_name(text);
                if kind.is_none() {
                    reader.problem(
                        WHAT,
                        format!("«{text}» không rõ: hãy ghi Nghỉ ốm hoặc Nghỉ thai sản"),
                    );
                }
                kind.map(What::Leave)
            }
            (File::Temporary, Some(code)) => match orgs.get(code) {
                None => {
                    reader.problem(WHAT, format!("không có tổ chức mã «{code}» trong cơ sở dữ liệu: hãy kiểm tra mã, hoặc nhập tệp tổ chức trước"));
                    None
                }
                Some(org) if !org.kind.is_branch() => {
                    reader.problem(
                        WHAT,
                        format!("«{code}» ({}) không phải chi bộ: đảng viên sinh hoạt tạm thời ở chi bộ", org.name),
                    );
                    None
                }
                Some(org) => Some(What::Temporary(org.id)),
            },
        };
        // Temporary activity elsewhere is in another branch than the member's own.
        if let (Some(member), Some(What::Temporary(branch)), Some(from)) = (member, what, from)
            && tx.branch_of(member, MembershipKind::Official, from).await? == Some(branch)
        {
            reader.problem(
                WHAT,
                "chi bộ sinh hoạt tạm thời trùng với chi bộ sinh hoạt chính thức vào ngày bắt đầu: hãy kiểm tra lại",
            );
        }
        match (member, what, from) {
            (Some(member), Some(what), Some(from)) if reader.problems.is_empty() => {
                valid.push(PeriodRow {
                    row: *row,
                    member,
                    what,
                    from,
                    until,
                    note: reader.text(NOTE).to_owned(),
                });
            }
            _ => rejected.push((*row, cells.clone(), reader.problems)),
        }
        progress.inc(1);
    }
    let mut report = start_report(&sheet, rejected, options, path)?;
    for row in &valid {
        let fail = |e| write_problem(&sheet.file, row.row, e);
        let outcome = match row.what {
            What::Status(kind) => {
                let recorded = tx.statuses(row.member).await?;
                same_period(&recorded, kind, row).and_then(|found| outcome(found, row))
            }
            What::Leave(kind) => {
                let recorded = tx.leaves(row.member).await?;
                same_period(&recorded, kind, row).and_then(|found| outcome(found, row))
            }
            What::Temporary(branch) => temporary(tx, row, branch).await,
        }
        .map_err(fail)?;
        match (outcome, row.what) {
            (Outcome::Unchanged, _) => report.unchanged += 1,
            (Outcome::End(id, on), What::Status(_)) => {
                tx.end_status(id, on).await.map_err(fail)?;
                report.updated += 1;
            }
            (Outcome::End(id, on), What::Leave(_)) => {
                tx.end_leave(id, on).await.map_err(fail)?;
                report.updated += 1;
            }
            (Outcome::End(_, on), What::Temporary(_)) => {
                tx.set_temporary_branch(row.member, None, on)
                    .await
                    .map_err(fail)?;
                report.updated += 1;
            }
            (Outcome::Create, What::Status(kind)) => {
                tx.add_status(row.member, kind, row.from, row.until, &row.note)
                    .await
                    .map_err(fail)?;
                report.created += 1;
            }
            (Outcome::Create, What::Leave(kind)) => {
                tx.add_leave(row.member, kind, row.from, row.until, &row.note)
                    .await
                    .map_err(fail)?;
                report.created += 1;
            }
            (Outcome::Create, What::Temporary(branch)) => {
                tx.set_temporary_branch(row.member, Some(branch), row.from)
                    .await
                    .map_err(fail)?;
                if let Some(until) = row.until {
                    tx.set_temporary_branch(row.member, None, until)
                        .await
                        .map_err(fail)?;
                }
                report.created += 1;
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    Ok(report)
}

/// What a row does to what is recorded.
enum Outcome {
    Unchanged,
    /// Ends the recorded period (its id) on the day after the file's last day.
    End(Uuid, Date),
    Create,
}

/// A period recorded from the row's day, found: unchanged, or ended when the file adds its
/// last day; none found: created.
fn outcome(found: Option<(Uuid, Option<Date>)>, row: &PeriodRow) -> Result<Outcome, StoreError> {
    let Some((id, to)) = found else {
        return Ok(Outcome::Create);
    };
    match (to, row.until) {
        (a, b) if a == b => Ok(Outcome::Unchanged),
        (None, Some(until)) => Ok(Outcome::End(id, until)),
        _ => Err(StoreError::invalid(format!(
            "thời gian này từ ngày {} đã ghi với ngày kết thúc khác: hãy kiểm tra lại",
            format_vn(row.from)
        ))),
    }
}

/// The recorded period of `kind` starting on the row's day, if any; refused when another of the
/// kind overlaps the row's.
fn same_period<K: PartialEq + Copy>(
    recorded: &[Period<K>],
    kind: K,
    row: &PeriodRow,
) -> Result<Option<(Uuid, Option<Date>)>, StoreError> {
    let end = |to: Option<Date>| to.unwrap_or(crate::date::OPEN_END);
    if let Some(same) = recorded
        .iter()
        .find(|p| p.kind == kind && p.valid_from == row.from)
    {
        return Ok(Some((same.id, same.valid_to)));
    }
    if let Some(other) = recorded
        .iter()
        .find(|p| p.kind == kind && p.valid_from < end(row.until) && end(p.valid_to) > row.from)
    {
        return Err(StoreError::invalid(format!(
            "đã ghi cùng loại từ ngày {}{}: hai thời gian chồng lên nhau — hãy kiểm tra lại",
            format_vn(other.valid_from),
            other
                .valid_to
                .map(|to| format!(" đến trước ngày {}", format_vn(to)))
                .unwrap_or_default()
        )));
    }
    Ok(None)
}

/// Temporary activity: the membership starting that day in that branch, if recorded.
async fn temporary(tx: &mut Tx, row: &PeriodRow, branch: Uuid) -> Result<Outcome, StoreError> {
    let memberships: Vec<_> = tx
        .memberships(row.member)
        .await?
        .into_iter()
        .filter(|m| m.kind == MembershipKind::Temporary)
        .collect();
    if let Some(same) = memberships
        .iter()
        .find(|m| m.org_id == branch && m.valid_from == row.from)
    {
        return outcome(Some((Uuid::nil(), same.valid_to)), row);
    }
    let end = |to: Option<Date>| to.unwrap_or(crate::date::OPEN_END);
    if let Some(other) = memberships.iter().find(|m| {
        m.valid_from < end(row.until) && end(m.valid_to) > row.from && m.valid_from >= row.from
    }) {
        return Err(StoreError::invalid(format!(
            "đã ghi sinh hoạt tạm thời từ ngày {} trong thời gian này: hãy kiểm tra lại",
            format_vn(other.valid_from)
        )));
    }
    Ok(Outcome::Create)
}
