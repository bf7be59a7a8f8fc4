//! Bulk load: many rows into the tables at once, for import and demo data. PostgreSQL gets
//! `COPY … FROM STDIN` (text format); SQLite gets prepared multi-row `INSERT`s, all inside the
//! caller's transaction. The loaders write exactly the rows the one-at-a-time methods would
//! (version 1 of each record, stamped with the transaction's author and time), so everything
//! loaded is queried, changed and audited the same way afterwards.

use crate::date::{OPEN_END, to_stored_end};
use crate::db::{Tx, TxConn};
use crate::error::{Result, StoreError};
use crate::leadership::{CollectiveKind, Holder};
use crate::org::OrgEventKind;
use crate::people::{MemberDetails, MembershipKind, NewDiscipline, TransferDirection};
use crate::text::sort_key;
use kiemdiem_rules::{LeaveKind, OrgKind, PositionKind, StatusKind};
use std::collections::HashMap;
use std::fmt::Write as _;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// One organisation to load; parents come before children or already exist in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgLoad {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub has_committee: bool,
    pub founded_on: Date,
    pub parent: Option<Uuid>,
    /// The day the node enters the tree (usually `founded_on`).
    pub valid_from: Date,
}

/// One member to load, with their branches from `valid_from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberLoad {
    pub id: Uuid,
    pub code: String,
    /// Already cleaned (NFC); see [`crate::people::MemberDetails`].
    pub details: MemberDetails,
    pub branch: Uuid,
    pub temporary_branch: Option<Uuid>,
    pub valid_from: Date,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionLoad {
    pub id: Uuid,
    pub holder: Holder,
    pub kind: PositionKind,
    pub org: Option<Uuid>,
    pub collective: Option<Uuid>,
    pub title: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectiveLoad {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: CollectiveKind,
    pub org: Uuid,
    pub valid_from: Date,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaderLoad {
    pub id: Uuid,
    pub full_name: String,
    pub birth_date: Option<Date>,
    pub employer_unit: String,
}

/// A status or leave period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodLoad<K> {
    pub id: Uuid,
    pub member: Uuid,
    pub kind: K,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferLoad {
    pub id: Uuid,
    pub member: Uuid,
    pub direction: TransferDirection,
    pub effective_on: Date,
    pub from_org: Option<Uuid>,
    pub to_org: Option<Uuid>,
    pub external_org: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisciplineLoad {
    pub id: Uuid,
    pub member: Uuid,
    pub record: NewDiscipline,
}

/// A value of a bulk row.
#[derive(Debug, Clone)]
enum Value<'a> {
    Uuid(Uuid),
    OptUuid(Option<Uuid>),
    Text(&'a str),
    Owned(String),
    Date(Date),
    OptDate(Option<Date>),
    Bool(bool),
    Int(i32),
    Time(OffsetDateTime),
}

struct Table {
    name: &'static str,
    columns: &'static [&'static str],
}

const ORGS: Table = Table {
    name: "orgs",
    columns: &["id", "code", "changed_by", "changed_at"],
};
const ORG_VERSIONS: Table = Table {
    name: "org_versions",
    columns: &[
        "org_id",
        "seq",
        "name",
        "kind",
        "has_committee",
        "founded_on",
        "parent_id",
        "valid_from",
        "valid_to",
        "event_id",
        "changed_by",
        "changed_at",
    ],
};
const ORG_CLOSURE: Table = Table {
    name: "org_closure",
    columns: &[
        "ancestor_id",
        "descendant_id",
        "depth",
        "valid_from",
        "valid_to",
    ],
};
const ORG_EVENT_ORGS: Table = Table {
    name: "org_event_orgs",
    columns: &["event_id", "org_id", "role"],
};
const MEMBERS: Table = Table {
    name: "members",
    columns: &["id", "code", "changed_by", "changed_at"],
};
const MEMBER_VERSIONS: Table = Table {
    name: "member_versions",
    columns: &[
        "member_id",
        "seq",
        "full_name",
        "sort_key",
        "birth_date",
        "admitted_on",
        "official_on",
        "civil_servant",
        "employer_unit",
        "residence_org_id",
        "valid_from",
        "valid_to",
        "changed_by",
        "changed_at",
    ],
};
const MEMBER_BRANCHES: Table = Table {
    name: "member_branches",
    columns: &[
        "member_id",
        "seq",
        "org_id",
        "kind",
        "valid_from",
        "valid_to",
        "changed_by",
        "changed_at",
    ],
};
const POSITIONS: Table = Table {
    name: "positions",
    columns: &[
        "id",
        "member_id",
        "leader_id",
        "kind",
        "org_id",
        "collective_id",
        "title",
        "valid_from",
        "valid_to",
        "changed_by",
        "changed_at",
    ],
};
const COLLECTIVES: Table = Table {
    name: "collectives",
    columns: &[
        "id",
        "code",
        "name",
        "kind",
        "org_id",
        "valid_from",
        "valid_to",
        "changed_by",
        "changed_at",
    ],
};
const LEADERS: Table = Table {
    name: "non_member_leaders",
    columns: &[
        "id",
        "full_name",
        "sort_key",
        "birth_date",
        "employer_unit",
        "changed_by",
        "changed_at",
    ],
};
const STATUSES: Table = Table {
    name: "member_statuses",
    columns: &[
        "id",
        "member_id",
        "kind",
        "valid_from",
        "valid_to",
        "note",
        "changed_by",
        "changed_at",
    ],
};
const LEAVES: Table = Table {
    name: "member_leaves",
    columns: &[
        "id",
        "member_id",
        "kind",
        "valid_from",
        "valid_to",
        "note",
        "changed_by",
        "changed_at",
    ],
};
const TRANSFERS: Table = Table {
    name: "member_transfers",
    columns: &[
        "id",
        "member_id",
        "direction",
        "effective_on",
        "from_org_id",
        "to_org_id",
        "external_org",
        "note",
        "changed_by",
        "changed_at",
    ],
};
const DISCIPLINES: Table = Table {
    name: "discipline_records",
    columns: &[
        "id",
        "member_id",
        "form",
        "violation_on",
        "decided_on",
        "violation_org_id",
        "deciding_org_id",
        "duty_related",
        "self_detected_remedied",
        "note",
        "changed_by",
        "changed_at",
    ],
};

/// SQLite's limit on bound parameters per statement is 32 766; stay well under it.
const SQLITE_MAX_PARAMS: usize = 30_000;
const SQLITE_MAX_ROWS: usize = 500;

impl Tx {
    /// Loads organisations (version 1, one `create` event for the batch, closure rows).
    pub async fn load_orgs(&mut self, orgs: &[OrgLoad]) -> Result<()> {
        if orgs.is_empty() {
            return Ok(());
        }
        let stamp = self.stamp_owned()?;
        let event = Uuid::now_v7();
        crate::db::on_conn!(self, c => sqlx::query(
            "INSERT INTO org_events (id, kind, effective_on, note, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(event).bind(OrgEventKind::Create.code())
        .bind(orgs.iter().map(|o| o.valid_from).min().unwrap_or(OPEN_END))
        .bind(format!("Nạp {} tổ chức", orgs.len())).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("org_events", event.to_string(), "insert");

        // Ancestors of every node, parents first: (ancestor, depth) with the node itself at 0.
        let mut paths: HashMap<Uuid, Vec<(Uuid, i32)>> = HashMap::with_capacity(orgs.len());
        let mut closure = Vec::new();
        for org in orgs {
            let mut path = vec![(org.id, 0)];
            if let Some(parent) = org.parent {
                let parent_path = match paths.get(&parent) {
                    Some(path) => path.clone(),
                    None => self.stored_path(parent, org.valid_from).await?,
                };
                path.extend(parent_path.iter().map(|&(a, d)| (a, d + 1)));
            }
            for &(ancestor, depth) in &path {
                closure.push(vec![
                    Value::Uuid(ancestor),
                    Value::Uuid(org.id),
                    Value::Int(depth),
                    Value::Date(org.valid_from),
                    Value::Date(OPEN_END),
                ]);
            }
            paths.insert(org.id, path);
        }
        let identity: Vec<Vec<Value>> = orgs
            .iter()
            .map(|o| {
                vec![
                    Value::Uuid(o.id),
                    Value::Text(o.code.trim()),
                    Value::Text(&stamp.by),
                    Value::Time(stamp.at),
                ]
            })
            .collect();
        self.bulk_insert(&ORGS, identity).await?;
        let versions: Vec<Vec<Value>> = orgs
            .iter()
            .map(|o| {
                vec![
                    Value::Uuid(o.id),
                    Value::Int(1),
                    Value::Text(&o.name),
                    Value::Text(o.kind.code()),
                    Value::Bool(o.has_committee),
                    Value::Date(o.founded_on),
                    Value::OptUuid(o.parent),
                    Value::Date(o.valid_from),
                    Value::Date(OPEN_END),
                    Value::Uuid(event),
                    Value::Text(&stamp.by),
                    Value::Time(stamp.at),
                ]
            })
            .collect();
        self.bulk_insert(&ORG_VERSIONS, versions).await?;
        self.bulk_insert(&ORG_CLOSURE, closure).await?;
        let links: Vec<Vec<Value>> = orgs
            .iter()
            .map(|o| {
                vec![
                    Value::Uuid(event),
                    Value::Uuid(o.id),
                    Value::Text("subject"),
                ]
            })
            .collect();
        self.bulk_insert(&ORG_EVENT_ORGS, links).await?;
        Ok(())
    }

    /// The stored ancestors of `org` on `on`, itself at depth 0.
    async fn stored_path(&mut self, org: Uuid, on: Date) -> Result<Vec<(Uuid, i32)>> {
        let path: Vec<(Uuid, i32)> = crate::db::on_conn!(self, c => sqlx::query_as(
            "SELECT ancestor_id, depth FROM org_closure WHERE descendant_id = $1 AND valid_from <= $2 AND valid_to > $2",
        ).bind(org).bind(on).fetch_all(c).await?);
        if path.is_empty() {
            return Err(StoreError::invalid(format!(
                "tổ chức cấp trên {org} không tồn tại vào ngày {}",
                crate::date::format_vn(on)
            )));
        }
        Ok(path)
    }

    /// Loads members: identity, attributes (version 1) and branch rows.
    pub async fn load_members(&mut self, members: &[MemberLoad]) -> Result<()> {
        if members.is_empty() {
            return Ok(());
        }
        let stamp = self.stamp_owned()?;
        let identity: Vec<Vec<Value>> = members
            .iter()
            .map(|m| {
                vec![
                    Value::Uuid(m.id),
                    Value::Text(m.code.trim()),
                    Value::Text(&stamp.by),
                    Value::Time(stamp.at),
                ]
            })
            .collect();
        self.bulk_insert(&MEMBERS, identity).await?;
        let versions: Vec<Vec<Value>> = members
            .iter()
            .map(|m| {
                let d = &m.details;
                vec![
                    Value::Uuid(m.id),
                    Value::Int(1),
                    Value::Text(&d.full_name),
                    Value::Owned(sort_key(&d.full_name)),
                    Value::Date(d.birth_date),
                    Value::Date(d.admitted_on),
                    Value::OptDate(d.official_on),
                    Value::Bool(d.civil_servant),
                    Value::Text(&d.employer_unit),
                    Value::OptUuid(d.residence_org),
                    Value::Date(m.valid_from),
                    Value::Date(OPEN_END),
                    Value::Text(&stamp.by),
                    Value::Time(stamp.at),
                ]
            })
            .collect();
        self.bulk_insert(&MEMBER_VERSIONS, versions).await?;
        let mut branches = Vec::with_capacity(members.len() * 11 / 10);
        for m in members {
            let kinds = [(m.branch, MembershipKind::Official)]
                .into_iter()
                .chain(m.temporary_branch.map(|b| (b, MembershipKind::Temporary)));
            for (seq, (org, kind)) in kinds.enumerate() {
                branches.push(vec![
                    Value::Uuid(m.id),
                    Value::Int(seq as i32 + 1),
                    Value::Uuid(org),
                    Value::Text(kind.code()),
                    Value::Date(m.valid_from),
                    Value::Date(OPEN_END),
                    Value::Text(&stamp.by),
                    Value::Time(stamp.at),
                ]);
            }
        }
        self.bulk_insert(&MEMBER_BRANCHES, branches).await
    }

    pub async fn load_collectives(&mut self, collectives: &[CollectiveLoad]) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let rows = collectives
            .iter()
            .map(|c| {
                vec![
                    Value::Uuid(c.id),
                    Value::Text(&c.code),
                    Value::Text(&c.name),
                    Value::Text(c.kind.code()),
                    Value::Uuid(c.org),
                    Value::Date(c.valid_from),
                    Value::Date(OPEN_END),
                    Value::Text(&stamp.by),
                    Value::Time(stamp.at),
                ]
            })
            .collect();
        self.bulk_insert(&COLLECTIVES, rows).await
    }

    pub async fn load_leaders(&mut self, leaders: &[LeaderLoad]) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let rows = leaders
            .iter()
            .map(|l| {
                vec![
                    Value::Uuid(l.id),
                    Value::Text(&l.full_name),
                    Value::Owned(sort_key(&l.full_name)),
                    Value::OptDate(l.birth_date),
                    Value::Text(&l.employer_unit),
                    Value::Text(&stamp.by),
                    Value::Time(stamp.at),
                ]
            })
            .collect();
        self.bulk_insert(&LEADERS, rows).await
    }

    pub async fn load_positions(&mut self, positions: &[PositionLoad]) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let rows = positions
            .iter()
            .map(|p| {
                let (member, leader) = match p.holder {
                    Holder::Member(id) => (Some(id), None),
                    Holder::Leader(id) => (None, Some(id)),
                };
                vec![
                    Value::Uuid(p.id),
                    Value::OptUuid(member),
                    Value::OptUuid(leader),
                    Value::Text(p.kind.code()),
                    Value::OptUuid(p.org),
                    Value::OptUuid(p.collective),
                    Value::Text(&p.title),
                    Value::Date(p.valid_from),
                    Value::Date(to_stored_end(p.valid_to)),
                    Value::Text(&stamp.by),
                    Value::Time(stamp.at),
                ]
            })
            .collect();
        self.bulk_insert(&POSITIONS, rows).await
    }

    pub async fn load_statuses(&mut self, statuses: &[PeriodLoad<StatusKind>]) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let rows = period_rows(&stamp, statuses, |k| k.code());
        self.bulk_insert(&STATUSES, rows).await
    }

    pub async fn load_leaves(&mut self, leaves: &[PeriodLoad<LeaveKind>]) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let rows = period_rows(&stamp, leaves, |k| k.code());
        self.bulk_insert(&LEAVES, rows).await
    }

    pub async fn load_transfers(&mut self, transfers: &[TransferLoad]) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let rows = transfers
            .iter()
            .map(|t| {
                vec![
                    Value::Uuid(t.id),
                    Value::Uuid(t.member),
                    Value::Text(t.direction.code()),
                    Value::Date(t.effective_on),
                    Value::OptUuid(t.from_org),
                    Value::OptUuid(t.to_org),
                    Value::Text(&t.external_org),
                    Value::Text(&t.note),
                    Value::Text(&stamp.by),
                    Value::Time(stamp.at),
                ]
            })
            .collect();
        self.bulk_insert(&TRANSFERS, rows).await
    }

    pub async fn load_disciplines(&mut self, records: &[DisciplineLoad]) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let rows = records
            .iter()
            .map(|d| {
                let r = &d.record;
                vec![
                    Value::Uuid(d.id),
                    Value::Uuid(d.member),
                    Value::Text(r.form.code()),
                    Value::Date(r.violation_on),
                    Value::Date(r.decided_on),
                    Value::OptUuid(r.violation_org),
                    Value::OptUuid(r.deciding_org),
                    Value::Bool(r.duty_related),
                    Value::Bool(r.self_detected_remedied),
                    Value::Text(&r.note),
                    Value::Text(&stamp.by),
                    Value::Time(stamp.at),
                ]
            })
            .collect();
        self.bulk_insert(&DISCIPLINES, rows).await
    }

    async fn bulk_insert(&mut self, table: &Table, rows: Vec<Vec<Value<'_>>>) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        match &mut self.conn {
            TxConn::Postgres(t) => {
                let conn: &mut sqlx::PgConnection = t;
                let statement = format!(
                    "COPY {} ({}) FROM STDIN",
                    table.name,
                    table.columns.join(", ")
                );
                let mut copy = conn.copy_in_raw(&statement).await?;
                let mut buffer = String::with_capacity(1 << 20);
                for row in &rows {
                    write_copy_row(&mut buffer, row);
                    if buffer.len() > (1 << 20) - 4096 {
                        copy.send(buffer.as_bytes()).await?;
                        buffer.clear();
                    }
                }
                if !buffer.is_empty() {
                    copy.send(buffer.as_bytes()).await?;
                }
                copy.finish().await?;
            }
            TxConn::Sqlite(t) => {
                let conn: &mut sqlx::SqliteConnection = t;
                let per_statement = (SQLITE_MAX_PARAMS / table.columns.len()).min(SQLITE_MAX_ROWS);
                let full = insert_statement(table, per_statement);
                for chunk in rows.chunks(per_statement) {
                    let sql = if chunk.len() == per_statement {
                        full.clone()
                    } else {
                        insert_statement(table, chunk.len())
                    };
                    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for row in chunk {
                        for value in row {
                            query = match value {
                                Value::Uuid(v) => query.bind(*v),
                                Value::OptUuid(v) => query.bind(*v),
                                Value::Text(v) => query.bind(v.to_string()),
                                Value::Owned(v) => query.bind(v.clone()),
                                Value::Date(v) => query.bind(*v),
                                Value::OptDate(v) => query.bind(*v),
                                Value::Bool(v) => query.bind(*v),
                                Value::Int(v) => query.bind(*v),
                                Value::Time(v) => query.bind(*v),
                            };
                        }
                    }
                    query.execute(&mut *conn).await?;
                }
            }
        }
        self.record(table.name, format!("{} rows", rows.len()), "bulk_insert");
        Ok(())
    }
}

fn period_rows<'a, K: Copy>(
    stamp: &'a crate::db::Stamp,
    periods: &'a [PeriodLoad<K>],
    code: fn(K) -> &'static str,
) -> Vec<Vec<Value<'a>>> {
    periods
        .iter()
        .map(|p| {
            vec![
                Value::Uuid(p.id),
                Value::Uuid(p.member),
                Value::Text(code(p.kind)),
                Value::Date(p.valid_from),
                Value::Date(to_stored_end(p.valid_to)),
                Value::Text(&p.note),
                Value::Text(&stamp.by),
                Value::Time(stamp.at),
            ]
        })
        .collect()
}

/// A multi-row INSERT for SQLite with anonymous `?` placeholders: SQLite looks numbered or named
/// ones up by a linear scan, which makes a statement with thousands of them quadratic.
fn insert_statement(table: &Table, rows: usize) -> String {
    let row = format!("({})", vec!["?"; table.columns.len()].join(","));
    let mut sql = format!(
        "INSERT INTO {} ({}) VALUES ",
        table.name,
        table.columns.join(", ")
    );
    sql.push_str(&vec![row; rows].join(","));
    sql
}

/// One row of PostgreSQL's COPY text format.
fn write_copy_row(out: &mut String, row: &[Value<'_>]) {
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        match value {
            Value::Uuid(v) => {
                let _ = write!(out, "{v}");
            }
            Value::OptUuid(Some(v)) => {
                let _ = write!(out, "{v}");
            }
            Value::OptUuid(None) | Value::OptDate(None) => out.push_str("\\N"),
            Value::Text(v) => escape_copy(out, v),
            Value::Owned(v) => escape_copy(out, v),
            Value::Date(v) | Value::OptDate(Some(v)) => write_date(out, *v),
            Value::Bool(v) => out.push(if *v { 't' } else { 'f' }),
            Value::Int(v) => {
                let _ = write!(out, "{v}");
            }
            Value::Time(v) => {
                write_date(out, v.date());
                let _ = write!(
                    out,
                    " {:02}:{:02}:{:02}.{:06}+00",
                    v.hour(),
                    v.minute(),
                    v.second(),
                    v.microsecond()
                );
            }
        }
    }
    out.push('\n');
}

fn write_date(out: &mut String, day: Date) {
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    );
}

fn escape_copy(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn copy_rows_escape_and_format() {
        let mut out = String::new();
        write_copy_row(
            &mut out,
            &[
                Value::Text("a\tb\\c\nd"),
                Value::OptUuid(None),
                Value::Date(date!(2025 - 07 - 01)),
                Value::Bool(true),
                Value::Time(datetime!(2025-07-01 08:30:05.000123 UTC)),
            ],
        );
        assert_eq!(
            out,
            "a\\tb\\\\c\\nd\t\\N\t2025-07-01\tt\t2025-07-01 08:30:05.000123+00\n"
        );
    }

    #[test]
    fn sqlite_statements_have_a_placeholder_per_value() {
        assert_eq!(
            insert_statement(&ORG_EVENT_ORGS, 2),
            "INSERT INTO org_event_orgs (event_id, org_id, role) VALUES (?,?,?),(?,?,?)"
        );
    }
}
