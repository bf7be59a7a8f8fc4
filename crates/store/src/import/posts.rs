//! `import posts`: the posts (chức vụ) people hold with their dates — a member by card number or a
//! leader outside the party by code; in a party organisation (bí thư, phó bí thư, cấp ủy viên …)
//! or in a leadership collective (its head, deputies and members), or both. A post already
//! recorded from the same day is left as it is, or ended when the file adds its last day; a post
//! still held from another day is refused naming it (end it first: one post of a kind in a body
//! at a time).

use super::{
    Column, ImportError, ImportOptions, ImportReport, MemberCodes, Rejected, RowReader,
    locate_columns, source, start_report, write_problem,
};
use crate::date::{OPEN_END, format_vn};
use crate::db::Tx;
use crate::leadership::{Holder, NewPosition};
use indicatif::ProgressBar;
use kiemdiem_rules::PositionKind;
use std::path::Path;
use time::Date;

const MEMBER: usize = 0;
const LEADER: usize = 1;
const KIND: usize = 2;
const ORG: usize = 3;
const COLLECTIVE: usize = 4;
const TITLE: usize = 5;
const FROM: usize = 6;
const UNTIL: usize = 7;

pub(crate) const COLUMNS: [Column; 8] = [
    Column {
        header: "Số thẻ đảng viên",
        required: false,
        aliases: &["Số thẻ", "Mã đảng viên"],
    },
    Column {
        header: "Mã cán bộ",
        required: false,
        aliases: &["Mã cán bộ ngoài Đảng"],
    },
    Column {
        header: "Chức vụ",
        required: true,
        aliases: &["Loại chức vụ"],
    },
    Column {
        header: "Mã tổ chức",
        required: false,
        aliases: &["Mã tổ chức đảng"],
    },
    Column {
        header: "Mã tập thể",
        required: false,
        aliases: &["Mã tập thể lãnh đạo"],
    },
    Column {
        header: "Tên chức vụ",
        required: false,
        aliases: &["Chức danh"],
    },
    Column {
        header: "Từ ngày",
        required: true,
        aliases: &["Ngày bổ nhiệm", "Ngày bắt đầu"],
    },
    Column {
        header: "Đến ngày",
        required: false,
        aliases: &["Ngày thôi giữ chức vụ", "Ngày kết thúc"],
    },
];

struct PostRow {
    row: usize,
    new: NewPosition,
    from: Date,
    /// Exclusive end (the day after the last day given).
    until: Option<Date>,
}

/// Imports the posts inside the caller's transaction.
pub async fn import_posts_in(
    tx: &mut Tx,
    path: &Path,
    options: &ImportOptions,
    progress: &ProgressBar,
) -> Result<ImportReport, ImportError> {
    let sheet = source::read(path).map_err(|p| ImportError::Invalid(vec![p]))?;
    let index = locate_columns(&sheet, &COLUMNS).map_err(ImportError::Invalid)?;
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
            columns: &COLUMNS,
            index: &index,
            today: options.today,
            problems: Vec::new(),
        };
        let holder = match (reader.given(MEMBER), reader.given(LEADER)) {
            (true, true) => {
                reader.problem(
                    LEADER,
                    "ghi số thẻ đảng viên hoặc mã cán bộ ngoài Đảng, không ghi cả hai",
                );
                None
            }
            (false, false) => {
                reader.problem(
                    MEMBER,
                    "bắt buộc nhưng đang để trống: hãy ghi số thẻ đảng viên (hoặc mã cán bộ ngoài Đảng)",
                );
                None
            }
            (true, false) => members
                .member(tx, &mut reader, MEMBER)
                .await?
                .map(Holder::Member),
            (false, true) => {
                let code = reader.text(LEADER);
                match tx.leader_by_code(code).await? {
                    Some(leader) => Some(Holder::Leader(leader.id)),
                    None => {
                        reader.problem(
                            LEADER,
                            format!(
                                "không có cán bộ mã «{code}»: hãy nhập tệp cán bộ ngoài Đảng trước"
                            ),
                        );
                        None
                    }
                }
            }
        };
        let kind = reader.required(KIND).and_then(|text| {
            let kind = PositionKind::parse_name(text);
            if kind.is_none() {
                reader.problem(KIND, format!("«{text}» không rõ: hãy ghi Bí thư, Phó Bí thư, Ủy viên Ban Thường vụ, Cấp ủy viên, Người đứng đầu, Cấp phó hoặc Thành viên"));
            }
            kind
        });
        let from = reader.required_date(FROM);
        let until = reader.until(UNTIL, from);
        let org = if reader.given(ORG) {
            let code = reader.text(ORG);
            match orgs.get(code) {
                None => {
                    reader.problem(ORG, format!("không có tổ chức mã «{code}» trong cơ sở dữ liệu: hãy kiểm tra mã, hoặc nhập tệp tổ chức trước"));
                    None
                }
                Some(org) if from.is_some_and(|f| f < org.first_from) => {
                    reader.problem(
                        ORG,
                        format!(
                            "tổ chức «{code}» có từ ngày {}, sau ngày bắt đầu giữ chức vụ",
                            format_vn(org.first_from)
                        ),
                    );
                    None
                }
                Some(org) => Some(org.id),
            }
        } else {
            None
        };
        let collective = if reader.given(COLLECTIVE) {
            let code = reader.text(COLLECTIVE);
            match tx.collective_by_code(code).await? {
                None => {
                    reader.problem(
                        COLLECTIVE,
                        format!(
                            "không có tập thể mã «{code}»: hãy nhập tệp tập thể lãnh đạo trước"
                        ),
                    );
                    None
                }
                Some(c) if from.is_some_and(|f| f < c.valid_from) => {
                    reader.problem(
                        COLLECTIVE,
                        format!(
                            "tập thể «{code}» có từ ngày {}, sau ngày bắt đầu giữ chức vụ",
                            format_vn(c.valid_from)
                        ),
                    );
                    None
                }
                Some(c) => Some(c.id),
            }
        } else {
            None
        };
        if !reader.given(ORG) && !reader.given(COLLECTIVE) {
            reader.problem(
                ORG,
                "chức vụ phải thuộc một tổ chức đảng hoặc một tập thể lãnh đạo: hãy ghi mã tổ chức hoặc mã tập thể",
            );
        }
        if let (Some(Holder::Leader(_)), Some(_)) = (holder, org)
            && collective.is_none()
        {
            reader.problem(
                ORG,
                "cán bộ ngoài Đảng không giữ chức vụ trong tổ chức đảng: hãy ghi mã tập thể",
            );
        }
        match (holder, kind, from) {
            (Some(holder), Some(kind), Some(from)) if reader.problems.is_empty() => {
                valid.push(PostRow {
                    row: *row,
                    new: NewPosition {
                        holder,
                        kind,
                        org,
                        collective,
                        title: reader.text(TITLE).to_owned(),
                    },
                    from,
                    until,
                });
            }
            _ => rejected.push((*row, cells.clone(), reader.problems)),
        }
        progress.inc(1);
    }
    let mut report = start_report(&sheet, rejected, options, path)?;
    for row in &valid {
        let fail = |e| write_problem(&sheet.file, row.row, e);
        let (member, leader) = match row.new.holder {
            Holder::Member(id) => (Some(id), None),
            Holder::Leader(id) => (None, Some(id)),
        };
        let same_post: Vec<_> = tx
            .post_records(member, leader)
            .await?
            .into_iter()
            .filter(|p| {
                p.kind == row.new.kind.code()
                    && p.org_id == row.new.org
                    && p.collective_id == row.new.collective
            })
            .collect();
        let stored_end = row.until.unwrap_or(OPEN_END);
        if let Some(recorded) = same_post.iter().find(|p| p.valid_from == row.from) {
            if recorded.valid_to == stored_end {
                report.unchanged += 1;
            } else if recorded.valid_to == OPEN_END
                && let Some(until) = row.until
            {
                tx.end_position(recorded.id, until).await.map_err(fail)?;
                report.updated += 1;
            } else {
                return Err(fail(crate::error::StoreError::invalid(format!(
                    "chức vụ này từ ngày {} đã ghi với ngày kết thúc khác: hãy kiểm tra lại",
                    format_vn(row.from)
                ))));
            }
        } else if let Some(held) = same_post
            .iter()
            .find(|p| p.valid_from < stored_end && p.valid_to > row.from)
        {
            return Err(fail(crate::error::StoreError::invalid(format!(
                "đang ghi chức vụ này từ ngày {}{}: hai thời gian giữ cùng chức vụ chồng lên nhau — hãy ghi ngày kết thúc của lần trước",
                format_vn(held.valid_from),
                held.until()
                    .map(|to| format!(" đến trước ngày {}", format_vn(to)))
                    .unwrap_or_default()
            ))));
        } else {
            let id = tx.assign_position(&row.new, row.from).await.map_err(fail)?;
            if let Some(until) = row.until {
                tx.end_position(id, until).await.map_err(fail)?;
            }
            report.created += 1;
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    Ok(report)
}
