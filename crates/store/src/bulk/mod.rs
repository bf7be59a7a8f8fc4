//! Bulk load: many rows into the tables at once, for import and demo data. PostgreSQL gets
//! `COPY … FROM STDIN` (text format, [`copy_text`]); SQLite gets prepared multi-row `INSERT`s
//! ([`crate::sqlite_rows`]), all inside the caller's transaction. The loaders write exactly the
//! rows the one-at-a-time methods would (version 1 of each record, stamped with the
//! transaction's author and time), so everything loaded is queried, changed and audited the same
//! way afterwards. This file owns what each loader writes; it checks nothing an importer has not
//! already checked.

mod copy_text;

use crate::date::{OPEN_END, to_stored_end};
use crate::db::{Stamp, Tx};
use crate::error::{Result, StoreError};
use crate::leadership::{CollectiveKind, Holder};
use crate::org::OrgEventKind;
use crate::people::{MemberDetails, MembershipKind, NewDiscipline, TransferDirection};
use crate::text::sort_key;
use copy_text::{Table, Value};
use kiemdiem_rules::{LeaveKind, OrgKind, PositionKind, StatusKind};
use std::collections::HashMap;
use time::Date;
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
        let identity = identity_rows(&stamp, orgs.iter().map(|o| (o.id, o.code.as_str())));
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
        let identity = identity_rows(&stamp, members.iter().map(|m| (m.id, m.code.as_str())));
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
}

/// The identity rows (`id, code, changed_by, changed_at`) of organisations or members.
fn identity_rows<'a>(
    stamp: &'a Stamp,
    records: impl Iterator<Item = (Uuid, &'a str)>,
) -> Vec<Vec<Value<'a>>> {
    records
        .map(|(id, code)| {
            vec![
                Value::Uuid(id),
                Value::Text(code.trim()),
                Value::Text(&stamp.by),
                Value::Time(stamp.at),
            ]
        })
        .collect()
}

/// The rows of status or leave periods.
fn period_rows<'a, K: Copy>(
    stamp: &'a Stamp,
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
