//! The party organisation tree (cây tổ chức đảng) with its dated history: create, update
//! (rename …), move a subtree, merge, split, dissolve; and the "as of a date" queries.
//!
//! Storage: `orgs` (identity and code), `org_versions` (one row per period of a node's
//! attributes and parent), `org_closure` (every ancestor–descendant pair with the period it held)
//! and `org_events` (what happened, when, to which nodes). A change on day D closes the rows
//! valid on D and opens new ones from D; changes must come in date order for the nodes they
//! touch, so history is never rewritten. Subtree queries read one index range of `org_closure`.

use crate::date::{OPEN_END, from_stored_end};
use crate::db::{Tx, on_conn};
use crate::error::{Result, StoreError};
use crate::text::clean_name;
use kiemdiem_rules::OrgKind;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A node to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrg {
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    /// Whether it has its own committee (cấp ủy; for a branch: chi ủy).
    pub has_committee: bool,
    /// Ngày thành lập.
    pub founded_on: Date,
    pub parent: Option<Uuid>,
}

/// A node as it stood during one period (one row of its history).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub has_committee: bool,
    pub founded_on: Date,
    pub parent_id: Option<Uuid>,
    /// A branch of a residential area (chi bộ thôn, tổ dân phố), as opposed to one of an agency,
    /// a unit or an enterprise. Set with [`OrgUpdate::residential`]; false for a new node.
    pub residential: bool,
    pub valid_from: Date,
    /// `None` while the period runs.
    pub valid_to: Option<Date>,
    /// The version number of this period, from 1.
    pub seq: i32,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

/// A node of a subtree with its distance from the subtree's root (0 = the root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgInTree {
    pub depth: i32,
    pub org: Org,
}

/// Attribute changes; `None` keeps the current value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgUpdate {
    pub name: Option<String>,
    pub kind: Option<OrgKind>,
    pub has_committee: Option<bool>,
    pub founded_on: Option<Date>,
    /// Whether the branch is one of a residential area (chi bộ thôn, tổ dân phố).
    pub residential: Option<bool>,
}

/// Where merged organisations go.
#[derive(Debug, Clone)]
pub enum MergeTarget {
    /// Into an organisation that exists (hợp nhất vào).
    Existing(Uuid),
    /// Into a new organisation created on the merge day.
    New(NewOrg),
}

/// One organisation created by a split, with what it takes over from the source.
#[derive(Debug, Clone)]
pub struct SplitPart {
    pub org: NewOrg,
    /// Organisations directly under the source that move under this part.
    pub children: Vec<Uuid>,
    /// Members of the source (official or temporary) who move to this part.
    pub members: Vec<Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgEventKind {
    Create,
    Update,
    Move,
    Merge,
    Split,
    Dissolve,
}

impl OrgEventKind {
    pub const ALL: [OrgEventKind; 6] = [
        OrgEventKind::Create,
        OrgEventKind::Update,
        OrgEventKind::Move,
        OrgEventKind::Merge,
        OrgEventKind::Split,
        OrgEventKind::Dissolve,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgEventKind::Create => "create",
            OrgEventKind::Update => "update",
            OrgEventKind::Move => "move",
            OrgEventKind::Merge => "merge",
            OrgEventKind::Split => "split",
            OrgEventKind::Dissolve => "dissolve",
        }
    }

    pub fn parse(code: &str) -> Option<OrgEventKind> {
        OrgEventKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            OrgEventKind::Create => "Thành lập",
            OrgEventKind::Update => "Thay đổi thông tin",
            OrgEventKind::Move => "Chuyển trực thuộc",
            OrgEventKind::Merge => "Hợp nhất, sáp nhập",
            OrgEventKind::Split => "Chia tách",
            OrgEventKind::Dissolve => "Giải thể",
        }
    }
}

/// Something that happened to the tree, and the role each node played in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgEvent {
    pub id: Uuid,
    pub kind: OrgEventKind,
    pub effective_on: Date,
    pub note: String,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
    /// (organisation, role): `subject`, `source`, `target` or `part`.
    pub orgs: Vec<(Uuid, String)>,
}

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: Uuid,
    code: String,
    name: String,
    kind: String,
    has_committee: bool,
    founded_on: Date,
    parent_id: Option<Uuid>,
    residential: bool,
    valid_from: Date,
    valid_to: Date,
    seq: i32,
    changed_by: String,
    changed_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct OrgTreeRow {
    depth: i32,
    #[sqlx(flatten)]
    org: OrgRow,
}

impl TryFrom<OrgRow> for Org {
    type Error = StoreError;
    fn try_from(row: OrgRow) -> Result<Org> {
        let kind = OrgKind::parse(&row.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("loại tổ chức «{}»", row.kind)))?;
        Ok(Org {
            id: row.id,
            code: row.code,
            name: row.name,
            kind,
            has_committee: row.has_committee,
            founded_on: row.founded_on,
            parent_id: row.parent_id,
            residential: row.residential,
            valid_from: row.valid_from,
            valid_to: from_stored_end(row.valid_to),
            seq: row.seq,
            changed_by: row.changed_by,
            changed_at: row.changed_at,
        })
    }
}

macro_rules! org_select {
    ($($rest:literal),*) => {
        concat!(
            "SELECT o.id, o.code, v.name, v.kind, v.has_committee, v.founded_on, v.parent_id, v.residential, ",
            "v.valid_from, v.valid_to, v.seq, v.changed_by, v.changed_at ",
            $($rest),*
        )
    };
}

const ORG_AS_OF: &str = org_select!(
    "FROM orgs o JOIN org_versions v ON v.org_id = o.id ",
    "WHERE o.id = $1 AND v.valid_from <= $2 AND v.valid_to > $2"
);
const ORG_BY_CODE_AS_OF: &str = org_select!(
    "FROM orgs o JOIN org_versions v ON v.org_id = o.id ",
    "WHERE o.code = $1 AND v.valid_from <= $2 AND v.valid_to > $2"
);
const ORG_CURRENT: &str = org_select!(
    "FROM orgs o JOIN org_versions v ON v.org_id = o.id ",
    "WHERE o.id = $1 AND v.valid_to = $2"
);
const ORG_LATEST_BY_CODE: &str = org_select!(
    "FROM orgs o JOIN org_versions v ON v.org_id = o.id ",
    "WHERE o.code = $1 ORDER BY v.seq DESC LIMIT 1"
);
const ORGS_AS_OF: &str = org_select!(
    "FROM orgs o JOIN org_versions v ON v.org_id = o.id ",
    "WHERE v.valid_from <= $1 AND v.valid_to > $1 ORDER BY o.code"
);
const ORG_HISTORY: &str = org_select!(
    "FROM orgs o JOIN org_versions v ON v.org_id = o.id WHERE o.id = $1 ORDER BY v.seq"
);
const CHILDREN: &str = org_select!(
    "FROM org_versions v JOIN orgs o ON o.id = v.org_id ",
    "WHERE v.parent_id = $1 AND v.valid_from <= $2 AND v.valid_to > $2 ORDER BY o.code"
);
const SUBTREE: &str = concat!(
    "SELECT c.depth, o.id, o.code, v.name, v.kind, v.has_committee, v.founded_on, v.parent_id, v.residential, ",
    "v.valid_from, v.valid_to, v.seq, v.changed_by, v.changed_at ",
    "FROM org_closure c JOIN orgs o ON o.id = c.descendant_id ",
    "JOIN org_versions v ON v.org_id = c.descendant_id AND v.valid_from <= $2 AND v.valid_to > $2 ",
    "WHERE c.ancestor_id = $1 AND c.valid_from <= $2 AND c.valid_to > $2 ORDER BY c.depth, o.code"
);
const ANCESTORS: &str = concat!(
    "SELECT c.depth, o.id, o.code, v.name, v.kind, v.has_committee, v.founded_on, v.parent_id, v.residential, ",
    "v.valid_from, v.valid_to, v.seq, v.changed_by, v.changed_at ",
    "FROM org_closure c JOIN orgs o ON o.id = c.ancestor_id ",
    "JOIN org_versions v ON v.org_id = c.ancestor_id AND v.valid_from <= $2 AND v.valid_to > $2 ",
    "WHERE c.descendant_id = $1 AND c.valid_from <= $2 AND c.valid_to > $2 ORDER BY c.depth DESC"
);

impl Tx {
    /// The node as it stood on `on`, or `None` if it did not exist then.
    pub async fn org_as_of(&mut self, id: Uuid, on: Date) -> Result<Option<Org>> {
        let row: Option<OrgRow> = on_conn!(self, c => sqlx::query_as(ORG_AS_OF).bind(id).bind(on).fetch_optional(c).await?);
        row.map(Org::try_from).transpose()
    }

    pub async fn org_by_code(&mut self, code: &str, on: Date) -> Result<Option<Org>> {
        let row: Option<OrgRow> = on_conn!(self, c => sqlx::query_as(ORG_BY_CODE_AS_OF).bind(code.trim()).bind(on).fetch_optional(c).await?);
        row.map(Org::try_from).transpose()
    }

    /// The latest period of the node with this code, ended or not.
    pub async fn org_latest_by_code(&mut self, code: &str) -> Result<Option<Org>> {
        let row: Option<OrgRow> = on_conn!(self, c => sqlx::query_as(ORG_LATEST_BY_CODE).bind(code.trim()).fetch_optional(c).await?);
        row.map(Org::try_from).transpose()
    }

    /// The whole tree as it stood on `on`, by code.
    pub async fn orgs_as_of(&mut self, on: Date) -> Result<Vec<Org>> {
        let rows: Vec<OrgRow> =
            on_conn!(self, c => sqlx::query_as(ORGS_AS_OF).bind(on).fetch_all(c).await?);
        rows.into_iter().map(Org::try_from).collect()
    }

    /// Every period of the node, oldest first.
    pub async fn org_history(&mut self, id: Uuid) -> Result<Vec<Org>> {
        let rows: Vec<OrgRow> =
            on_conn!(self, c => sqlx::query_as(ORG_HISTORY).bind(id).fetch_all(c).await?);
        rows.into_iter().map(Org::try_from).collect()
    }

    /// The nodes directly under `parent` on `on`.
    pub async fn org_children(&mut self, parent: Uuid, on: Date) -> Result<Vec<Org>> {
        let rows: Vec<OrgRow> =
            on_conn!(self, c => sqlx::query_as(CHILDREN).bind(parent).bind(on).fetch_all(c).await?);
        rows.into_iter().map(Org::try_from).collect()
    }

    /// The subtree of `root` on `on`, the root first, then by depth and code.
    pub async fn org_subtree(&mut self, root: Uuid, on: Date) -> Result<Vec<OrgInTree>> {
        let rows: Vec<OrgTreeRow> =
            on_conn!(self, c => sqlx::query_as(SUBTREE).bind(root).bind(on).fetch_all(c).await?);
        rows.into_iter()
            .map(|row| {
                Ok(OrgInTree {
                    depth: row.depth,
                    org: Org::try_from(row.org)?,
                })
            })
            .collect()
    }

    /// The path from the root of the tree down to `id` (inclusive) on `on`.
    pub async fn org_ancestors(&mut self, id: Uuid, on: Date) -> Result<Vec<Org>> {
        let rows: Vec<OrgTreeRow> =
            on_conn!(self, c => sqlx::query_as(ANCESTORS).bind(id).bind(on).fetch_all(c).await?);
        rows.into_iter().map(|row| Org::try_from(row.org)).collect()
    }

    /// What happened to the node, oldest first.
    pub async fn org_events(&mut self, id: Uuid) -> Result<Vec<OrgEvent>> {
        #[derive(sqlx::FromRow)]
        struct EventRow {
            id: Uuid,
            kind: String,
            effective_on: Date,
            note: String,
            changed_by: String,
            changed_at: OffsetDateTime,
        }
        const EVENTS: &str = "SELECT e.id, e.kind, e.effective_on, e.note, e.changed_by, e.changed_at \
             FROM org_events e WHERE e.id IN (SELECT event_id FROM org_event_orgs WHERE org_id = $1) \
             ORDER BY e.effective_on, e.changed_at, e.id";
        const EVENT_ORGS: &str =
            "SELECT org_id, role FROM org_event_orgs WHERE event_id = $1 ORDER BY role, org_id";
        let rows: Vec<EventRow> =
            on_conn!(self, c => sqlx::query_as(EVENTS).bind(id).fetch_all(c).await?);
        let mut events = Vec::with_capacity(rows.len());
        for row in rows {
            let orgs: Vec<(Uuid, String)> =
                on_conn!(self, c => sqlx::query_as(EVENT_ORGS).bind(row.id).fetch_all(c).await?);
            events.push(OrgEvent {
                id: row.id,
                kind: OrgEventKind::parse(&row.kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("loại sự kiện «{}»", row.kind)))?,
                effective_on: row.effective_on,
                note: row.note,
                changed_by: row.changed_by,
                changed_at: row.changed_at,
                orgs,
            });
        }
        Ok(events)
    }

    /// Creates a node on `on` (usually its founding day), under `new.parent`.
    pub async fn create_org(&mut self, new: &NewOrg, on: Date) -> Result<Uuid> {
        let event = self.new_org_event(OrgEventKind::Create, on, "").await?;
        let id = self.create_org_in(event, new, on).await?;
        self.link_event(event, id, "subject").await?;
        Ok(id)
    }

    /// Changes attributes from `on`; returns whether anything changed (an identical update
    /// writes nothing).
    pub async fn update_org(&mut self, id: Uuid, update: &OrgUpdate, on: Date) -> Result<bool> {
        let current = self.current_org(id, on).await?;
        let name = match &update.name {
            Some(name) => required_name(name)?,
            None => current.name.clone(),
        };
        let kind = update.kind.unwrap_or(current.kind);
        let has_committee = update.has_committee.unwrap_or(current.has_committee);
        let founded_on = update.founded_on.unwrap_or(current.founded_on);
        let residential = update.residential.unwrap_or(current.residential);
        if name == current.name
            && kind == current.kind
            && has_committee == current.has_committee
            && founded_on == current.founded_on
            && residential == current.residential
        {
            return Ok(false);
        }
        if kind.is_branch() && !current.kind.is_branch() {
            let children = self.org_children(id, on).await?;
            if !children.is_empty() {
                return Err(StoreError::invalid(format!(
                    "không thể đổi «{}» thành chi bộ: còn {} tổ chức trực thuộc",
                    current.code,
                    children.len()
                )));
            }
        }
        let event = self.new_org_event(OrgEventKind::Update, on, "").await?;
        self.link_event(event, id, "subject").await?;
        let next = Org {
            name,
            kind,
            has_committee,
            founded_on,
            residential,
            ..current.clone()
        };
        self.replace_version(event, &current, &next, on).await?;
        Ok(true)
    }

    /// Renames the node from `on` (đổi tên).
    pub async fn rename_org(&mut self, id: Uuid, name: &str, on: Date) -> Result<bool> {
        let update = OrgUpdate {
            name: Some(name.to_string()),
            ..OrgUpdate::default()
        };
        self.update_org(id, &update, on).await
    }

    /// Moves the node and its whole subtree under `new_parent` from `on` (chuyển trực thuộc).
    pub async fn move_org(&mut self, id: Uuid, new_parent: Uuid, on: Date) -> Result<()> {
        let event = self.new_org_event(OrgEventKind::Move, on, "").await?;
        self.link_event(event, id, "subject").await?;
        self.link_event(event, new_parent, "target").await?;
        self.move_org_in(event, id, new_parent, on).await
    }

    /// Dissolves the node on `on` (giải thể): it must have no organisation and no member left.
    pub async fn dissolve_org(&mut self, id: Uuid, on: Date) -> Result<()> {
        let event = self.new_org_event(OrgEventKind::Dissolve, on, "").await?;
        self.link_event(event, id, "subject").await?;
        self.dissolve_org_in(id, on).await
    }

    /// Merges `sources` into one organisation on `on` (hợp nhất, sáp nhập): their sub-organisations
    /// move under it, their members transfer to it, their posts end, and they are dissolved.
    pub async fn merge_orgs(
        &mut self,
        sources: &[Uuid],
        target: &MergeTarget,
        on: Date,
        note: &str,
    ) -> Result<Uuid> {
        if sources.is_empty() {
            return Err(StoreError::invalid(
                "hợp nhất cần ít nhất một tổ chức nguồn",
            ));
        }
        let event = self.new_org_event(OrgEventKind::Merge, on, note).await?;
        let target = match target {
            MergeTarget::Existing(id) => {
                self.current_org(*id, on).await?;
                *id
            }
            MergeTarget::New(new) => self.create_org_in(event, new, on).await?,
        };
        self.link_event(event, target, "target").await?;
        for &source in sources {
            if source == target {
                return Err(StoreError::invalid(
                    "tổ chức nhận không được nằm trong danh sách tổ chức hợp nhất",
                ));
            }
            let current = self.current_org(source, on).await?;
            self.link_event(event, source, "source").await?;
            for child in self.org_children(source, on).await? {
                self.move_org_in(event, child.id, target, on).await?;
            }
            let note = format!("Hợp nhất từ {}", current.code);
            self.move_memberships(source, target, None, on, &note)
                .await?;
            self.end_positions_at_org(source, on).await?;
            self.dissolve_org_in(source, on).await?;
        }
        Ok(target)
    }

    /// Splits `source` on `on` (chia tách): creates each part, moves the listed sub-organisations
    /// and members to it, and, if `dissolve_source`, dissolves the source, which must then be
    /// empty.
    pub async fn split_org(
        &mut self,
        source: Uuid,
        parts: &[SplitPart],
        on: Date,
        dissolve_source: bool,
        note: &str,
    ) -> Result<Vec<Uuid>> {
        if parts.is_empty() {
            return Err(StoreError::invalid("chia tách cần ít nhất một tổ chức mới"));
        }
        let current = self.current_org(source, on).await?;
        let event = self.new_org_event(OrgEventKind::Split, on, note).await?;
        self.link_event(event, source, "source").await?;
        let children: Vec<Uuid> = self
            .org_children(source, on)
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect();
        let mut ids = Vec::with_capacity(parts.len());
        for part in parts {
            let id = self.create_org_in(event, &part.org, on).await?;
            self.link_event(event, id, "part").await?;
            for child in &part.children {
                if !children.contains(child) {
                    return Err(StoreError::invalid(format!(
                        "tổ chức {child} không trực thuộc «{}» vào ngày chia tách",
                        current.code
                    )));
                }
                self.move_org_in(event, *child, id, on).await?;
            }
            let note = format!("Chia tách từ {}", current.code);
            let moved = self
                .move_memberships(source, id, Some(&part.members), on, &note)
                .await?;
            if moved < part.members.len() {
                return Err(StoreError::invalid(format!(
                    "có {} đảng viên được phân cho «{}» nhưng không sinh hoạt tại «{}» vào ngày chia tách",
                    part.members.len() - moved,
                    part.org.code,
                    current.code
                )));
            }
            ids.push(id);
        }
        if dissolve_source {
            self.end_positions_at_org(source, on).await?;
            self.dissolve_org_in(source, on).await?;
        }
        Ok(ids)
    }

    async fn current_org(&mut self, id: Uuid, on: Date) -> Result<Org> {
        let row: Option<OrgRow> = on_conn!(self, c => sqlx::query_as(ORG_CURRENT).bind(id).bind(OPEN_END).fetch_optional(c).await?);
        let org = row
            .map(Org::try_from)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("tổ chức đang hoạt động", id))?;
        if org.valid_from > on {
            return Err(StoreError::invalid(format!(
                "«{}»: ngày hiệu lực {} trước lần thay đổi gần nhất ({}); các thay đổi phải theo thứ tự thời gian",
                org.code,
                crate::date::format_vn(on),
                crate::date::format_vn(org.valid_from)
            )));
        }
        Ok(org)
    }

    async fn new_org_event(&mut self, kind: OrgEventKind, on: Date, note: &str) -> Result<Uuid> {
        let stamp = self.stamp_owned()?;
        let id = Uuid::now_v7();
        on_conn!(self, c => sqlx::query(
            "INSERT INTO org_events (id, kind, effective_on, note, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(kind.code())
        .bind(on)
        .bind(note)
        .bind(&stamp.by)
        .bind(stamp.at)
        .execute(c)
        .await?.rows_affected());
        self.record("org_events", id.to_string(), "insert");
        Ok(id)
    }

    async fn link_event(&mut self, event: Uuid, org: Uuid, role: &'static str) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO org_event_orgs (event_id, org_id, role) VALUES ($1, $2, $3)",
        )
        .bind(event)
        .bind(org)
        .bind(role)
        .execute(c)
        .await?.rows_affected());
        Ok(())
    }

    async fn create_org_in(&mut self, event: Uuid, new: &NewOrg, on: Date) -> Result<Uuid> {
        let stamp = self.stamp_owned()?;
        let code = new.code.trim();
        if code.is_empty() {
            return Err(StoreError::invalid("thiếu mã tổ chức"));
        }
        let name = required_name(&new.name)?;
        if new.founded_on > on {
            return Err(StoreError::invalid(format!(
                "«{code}»: ngày thành lập {} sau ngày hiệu lực {}",
                crate::date::format_vn(new.founded_on),
                crate::date::format_vn(on)
            )));
        }
        if let Some(parent) = new.parent {
            let parent = self.org_as_of(parent, on).await?.ok_or_else(|| {
                StoreError::invalid(format!(
                    "«{code}»: tổ chức cấp trên chưa tồn tại vào ngày {}",
                    crate::date::format_vn(on)
                ))
            })?;
            ensure_can_have_children(&parent)?;
        }
        let id = Uuid::now_v7();
        on_conn!(self, c => sqlx::query("INSERT INTO orgs (id, code, changed_by, changed_at) VALUES ($1, $2, $3, $4)")
            .bind(id).bind(code).bind(&stamp.by).bind(stamp.at).execute(c).await?.rows_affected());
        self.record("orgs", id.to_string(), "insert");
        let version = Org {
            id,
            code: code.to_string(),
            name,
            kind: new.kind,
            has_committee: new.has_committee,
            founded_on: new.founded_on,
            parent_id: new.parent,
            residential: false,
            valid_from: on,
            valid_to: None,
            seq: 0,
            changed_by: stamp.by.clone(),
            changed_at: stamp.at,
        };
        self.insert_version(event, &version, on).await?;
        on_conn!(self, c => {
            sqlx::query("INSERT INTO org_closure (ancestor_id, descendant_id, depth, valid_from, valid_to) VALUES ($1, $1, 0, $2, $3)")
                .bind(id).bind(on).bind(OPEN_END).execute(&mut *c).await?;
            if let Some(parent) = new.parent {
                sqlx::query(
                    "INSERT INTO org_closure (ancestor_id, descendant_id, depth, valid_from, valid_to) \
                     SELECT ancestor_id, $1, depth + 1, $3, $4 FROM org_closure \
                     WHERE descendant_id = $2 AND valid_from <= $3 AND valid_to > $3",
                )
                .bind(id).bind(parent).bind(on).bind(OPEN_END).execute(&mut *c).await?;
            }
        });
        Ok(id)
    }

    async fn move_org_in(
        &mut self,
        event: Uuid,
        id: Uuid,
        new_parent: Uuid,
        on: Date,
    ) -> Result<()> {
        let current = self.current_org(id, on).await?;
        if current.parent_id == Some(new_parent) {
            return Ok(());
        }
        let parent = self.org_as_of(new_parent, on).await?.ok_or_else(|| {
            StoreError::invalid(format!(
                "«{}»: tổ chức cấp trên mới chưa tồn tại vào ngày {}",
                current.code,
                crate::date::format_vn(on)
            ))
        })?;
        ensure_can_have_children(&parent)?;
        // Later changes inside the subtree or above the new parent would be rewritten: refuse.
        let (cycle, later): (i64, i64) = on_conn!(self, c => {
            let cycle: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM org_closure WHERE ancestor_id = $1 AND descendant_id = $2 \
                 AND valid_from <= $3 AND valid_to > $3",
            )
            .bind(id).bind(new_parent).bind(on).fetch_one(&mut *c).await?;
            let later: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM org_closure WHERE valid_from > $2 AND (descendant_id = $3 OR descendant_id IN \
                 (SELECT descendant_id FROM org_closure WHERE ancestor_id = $1 AND valid_to > $2))",
            )
            .bind(id).bind(on).bind(new_parent).fetch_one(&mut *c).await?;
            (cycle, later)
        });
        if cycle > 0 {
            return Err(StoreError::invalid(format!(
                "không thể chuyển «{}» vào «{}»: tổ chức cấp trên mới nằm trong chính nhánh được chuyển",
                current.code, parent.code
            )));
        }
        if later > 0 {
            return Err(StoreError::invalid(format!(
                "không thể chuyển «{}» từ ngày {}: nhánh này hoặc tổ chức cấp trên mới đã thay đổi sau ngày đó",
                current.code,
                crate::date::format_vn(on)
            )));
        }
        on_conn!(self, c => {
            sqlx::query(
                "UPDATE org_closure SET valid_to = $2 WHERE valid_from <= $2 AND valid_to > $2 \
                 AND descendant_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $1 AND valid_from <= $2 AND valid_to > $2) \
                 AND ancestor_id NOT IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $1 AND valid_from <= $2 AND valid_to > $2)",
            )
            .bind(id).bind(on).execute(&mut *c).await?;
            sqlx::query(
                "INSERT INTO org_closure (ancestor_id, descendant_id, depth, valid_from, valid_to) \
                 SELECT a.ancestor_id, s.descendant_id, a.depth + s.depth + 1, $3, $4 \
                 FROM org_closure a, org_closure s \
                 WHERE a.descendant_id = $2 AND a.valid_from <= $3 AND a.valid_to > $3 \
                 AND s.ancestor_id = $1 AND s.valid_from <= $3 AND s.valid_to > $3",
            )
            .bind(id).bind(new_parent).bind(on).bind(OPEN_END).execute(&mut *c).await?;
        });
        let next = Org {
            parent_id: Some(new_parent),
            ..current.clone()
        };
        self.replace_version(event, &current, &next, on).await
    }

    async fn dissolve_org_in(&mut self, id: Uuid, on: Date) -> Result<()> {
        let current = self.current_org(id, on).await?;
        let (children, members): (i64, i64) = on_conn!(self, c => {
            let children: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM org_versions WHERE parent_id = $1 AND valid_to > $2",
            )
            .bind(id).bind(on).fetch_one(&mut *c).await?;
            let members: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM member_branches WHERE org_id = $1 AND valid_to > $2",
            )
            .bind(id).bind(on).fetch_one(&mut *c).await?;
            (children, members)
        });
        if children > 0 || members > 0 {
            return Err(StoreError::invalid(format!(
                "không thể giải thể «{}» từ ngày {}: còn {children} tổ chức trực thuộc và {members} đảng viên sinh hoạt; hãy chuyển hoặc hợp nhất trước",
                current.code,
                crate::date::format_vn(on)
            )));
        }
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => {
            sqlx::query(
                "UPDATE org_versions SET valid_to = $3, closed_by = $4, closed_at = $5 WHERE org_id = $1 AND seq = $2",
            )
            .bind(id).bind(current.seq).bind(on).bind(&stamp.by).bind(stamp.at).execute(&mut *c).await?;
            sqlx::query(
                "UPDATE org_closure SET valid_to = $2 WHERE descendant_id = $1 AND valid_to > $2",
            )
            .bind(id).bind(on).execute(&mut *c).await?;
        });
        self.record("org_versions", format!("{id}/{}", current.seq), "close");
        Ok(())
    }

    /// Closes `current` on `on` and opens `next` from `on`.
    async fn replace_version(
        &mut self,
        event: Uuid,
        current: &Org,
        next: &Org,
        on: Date,
    ) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => sqlx::query(
            "UPDATE org_versions SET valid_to = $3, closed_by = $4, closed_at = $5 WHERE org_id = $1 AND seq = $2",
        )
        .bind(current.id).bind(current.seq).bind(on).bind(&stamp.by).bind(stamp.at).execute(c).await?.rows_affected());
        self.record(
            "org_versions",
            format!("{}/{}", current.id, current.seq),
            "close",
        );
        let next = Org {
            seq: current.seq,
            ..next.clone()
        };
        self.insert_version(event, &next, on).await
    }

    /// Inserts version `org.seq + 1` of the node, valid from `on`.
    async fn insert_version(&mut self, event: Uuid, org: &Org, on: Date) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let seq = org.seq + 1;
        on_conn!(self, c => sqlx::query(
            "INSERT INTO org_versions (org_id, seq, name, kind, has_committee, founded_on, parent_id, residential, valid_from, valid_to, event_id, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(org.id).bind(seq).bind(&org.name).bind(org.kind.code()).bind(org.has_committee)
        .bind(org.founded_on).bind(org.parent_id).bind(org.residential).bind(on).bind(OPEN_END).bind(event)
        .bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("org_versions", format!("{}/{seq}", org.id), "insert");
        Ok(())
    }
}

fn required_name(name: &str) -> Result<String> {
    let name = clean_name(name);
    if name.is_empty() {
        return Err(StoreError::invalid("thiếu tên tổ chức"));
    }
    Ok(name)
}

fn ensure_can_have_children(parent: &Org) -> Result<()> {
    if parent.kind.is_branch() {
        return Err(StoreError::invalid(format!(
            "«{}» là chi bộ, không có tổ chức đảng trực thuộc",
            parent.code
        )));
    }
    Ok(())
}
