//! The records, read within scope: the organisation tree as it stood on a day (a node, its
//! children, subtree, ancestors, history and events, its posts, collectives and members) and a
//! member's file. Every read — the look-up of a code included — passes [`App::authorize`], so a
//! secretary reads their branch, a member their own file, a committee its subtree.
//!
//! The record types are the store's, re-exported here: callers above the app (the web, the CLI)
//! never reach the store themselves.

use crate::App;
use crate::access::Role;
use crate::access::resolve::check_signed_in;
use crate::actor::{Action, Actor, Scope};
use crate::error::{AppError, Result};
use kiemdiem_store::Tx;
use std::collections::HashMap;
use time::Date;
use uuid::Uuid;

pub use kiemdiem_store::Backend;
pub use kiemdiem_store::discipline::DisciplinedBody;
pub use kiemdiem_store::leadership::{Collective, Holder, Position};
pub use kiemdiem_store::org::{Org, OrgEvent, OrgInTree};
pub use kiemdiem_store::people::{
    Discipline, Leave, Member, Membership, MembershipKind, Status, Transfer,
};

/// A short reference to an organisation: enough to name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct OrgLabel {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

impl From<&Org> for OrgLabel {
    fn from(org: &Org) -> OrgLabel {
        OrgLabel {
            id: org.id,
            code: org.code.clone(),
            name: org.name.clone(),
        }
    }
}

/// An event of an organisation with the organisations it involved (id, code, role).
#[derive(Debug, Clone)]
pub struct OrgEventEntry {
    pub event: OrgEvent,
    pub orgs: Vec<(Uuid, String, String)>,
}

/// One page of the members of a subtree on a day.
#[derive(Debug, Clone)]
pub struct MemberPage {
    pub total: usize,
    pub members: Vec<SubtreeMemberEntry>,
}

/// A member of a subtree with their official branch.
#[derive(Debug, Clone)]
pub struct SubtreeMemberEntry {
    pub member: Member,
    pub branch: OrgLabel,
    pub probationary: bool,
}

/// A member as they stood on a day.
#[derive(Debug, Clone)]
pub struct MemberOnDay {
    pub member: Member,
    pub probationary: bool,
    pub official_branch: Option<OrgLabel>,
    pub temporary_branch: Option<OrgLabel>,
    pub statuses: Vec<Status>,
    pub positions: Vec<Position>,
}

/// Everything dated about a member.
#[derive(Debug, Clone)]
pub struct MemberFile {
    pub code: String,
    pub versions: Vec<Member>,
    pub memberships: Vec<(Membership, OrgLabel)>,
    pub transfers: Vec<Transfer>,
    pub statuses: Vec<Status>,
    pub leaves: Vec<Leave>,
    pub disciplines: Vec<Discipline>,
}

impl App {
    /// The organisation with this code on `on` (its latest period when `on` is `None`), if the
    /// actor may read it.
    pub async fn find_org(&self, actor: &Actor, code: &str, on: Option<Date>) -> Result<Org> {
        check_signed_in(actor)?;
        let org = self.org_by_code(code, on).await?;
        self.authorize(actor, Action::Read, Scope::Org(org.id))
            .await?;
        Ok(org)
    }

    /// The id of the organisation with this code (on `on`, or its latest period), to name it in
    /// a request; the use case it is named in checks what may be done with it.
    pub async fn org_id(
        &self,
        actor: &Actor,
        code: &str,
        on: Option<Date>,
        field: &str,
    ) -> Result<Uuid> {
        self.authorize(actor, Action::Read, Scope::Directory)
            .await?;
        self.org_by_code(code.trim(), on)
            .await
            .map(|org| org.id)
            .map_err(|error| error.with_field(field))
    }

    /// The id of a member named by id or card number, to name them in a request.
    pub async fn member_id(&self, actor: &Actor, text: &str, field: &str) -> Result<Uuid> {
        self.authorize(actor, Action::Read, Scope::Directory)
            .await?;
        let text = text.trim();
        if let Ok(id) = Uuid::parse_str(text) {
            return Ok(id);
        }
        let mut tx = self.store().read().await?;
        tx.member_id_by_code(text)
            .await?
            .ok_or_else(|| AppError::not_found("đảng viên", text).with_field(field))
    }

    async fn org_by_code(&self, code: &str, on: Option<Date>) -> Result<Org> {
        // Asked on nearly every page: no snapshot needed for one look-up.
        let mut tx = self.store().glance().await?;
        let found = match on {
            Some(on) => tx.org_by_code(code, on).await?,
            None => tx.org_latest_by_code(code).await?,
        };
        match (found, on) {
            (Some(org), _) => Ok(org),
            (None, Some(on)) if tx.org_latest_by_code(code).await?.is_some() => {
                Err(AppError::not_found("tổ chức", code)
                    .with_field("as_of")
                    .with_message(format!(
                        "Tổ chức «{code}» không tồn tại vào ngày {}",
                        crate::date_vi(on)
                    )))
            }
            (None, _) => Err(AppError::not_found("tổ chức", code)),
        }
    }

    /// The top of the tree as the actor sees it on `on`: the roots for an administrator, the
    /// highest nodes of their roles otherwise.
    pub async fn root_orgs(&self, actor: &Actor, on: Date) -> Result<Vec<Org>> {
        check_signed_in(actor)?;
        let today = self.today();
        let everything = actor.is_trusted()
            || actor
                .grants()
                .iter()
                .any(|g| g.role == Role::Admin && g.active_on(today));
        let mut tx = self.store().read().await?;
        if everything {
            return Ok(tx
                .orgs_as_of(on)
                .await?
                .into_iter()
                .filter(|o| o.parent_id.is_none())
                .collect());
        }
        let mut nodes: Vec<Uuid> = Vec::new();
        // A member's role reads their own file, not the tree.
        for grant in actor
            .grants()
            .iter()
            .filter(|g| g.active_on(today) && g.role != Role::Member)
        {
            if let Some(node) = grant.org
                && !nodes.contains(&node)
            {
                nodes.push(node);
            }
        }
        if nodes.is_empty() {
            self.authorize(actor, Action::Read, Scope::Global).await?;
        }
        // A node below another of the actor's nodes is not a top.
        let mut tops = Vec::new();
        for node in &nodes {
            let above = tx.org_ancestor_ids(*node, on).await?;
            let covered = nodes
                .iter()
                .any(|other| other != node && above.contains(other));
            if !covered && let Some(org) = tx.org_as_of(*node, on).await? {
                tops.push(org);
            }
        }
        tops.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(tops)
    }

    /// The nodes directly under the organisation on `on`.
    pub async fn org_children(&self, actor: &Actor, code: &str, on: Date) -> Result<Vec<Org>> {
        let org = self.find_org(actor, code, Some(on)).await?;
        let mut tx = self.store().glance().await?;
        Ok(tx.org_children(org.id, on).await?)
    }

    /// The organisation's subtree on `on`, the root first, then by depth and code.
    pub async fn org_subtree(&self, actor: &Actor, code: &str, on: Date) -> Result<Vec<OrgInTree>> {
        let org = self.find_org(actor, code, Some(on)).await?;
        let mut tx = self.store().glance().await?;
        Ok(tx.org_subtree(org.id, on).await?)
    }

    /// The path from the top of the tree down to the organisation, on `on`.
    pub async fn org_ancestors(&self, actor: &Actor, code: &str, on: Date) -> Result<Vec<Org>> {
        let org = self.find_org(actor, code, Some(on)).await?;
        let mut tx = self.store().glance().await?;
        Ok(tx.org_ancestors(org.id, on).await?)
    }

    /// Every period of the organisation's record, oldest first.
    pub async fn org_history(&self, actor: &Actor, code: &str) -> Result<Vec<Org>> {
        let org = self.find_org(actor, code, None).await?;
        let mut tx = self.store().read().await?;
        Ok(tx.org_history(org.id).await?)
    }

    /// What happened to the organisation, oldest first, with the organisations each event
    /// involved.
    pub async fn org_events(&self, actor: &Actor, code: &str) -> Result<(Org, Vec<OrgEventEntry>)> {
        let org = self.find_org(actor, code, None).await?;
        let mut tx = self.store().read().await?;
        let events = tx.org_events(org.id).await?;
        let mut codes: HashMap<Uuid, String> = HashMap::new();
        let mut out = Vec::with_capacity(events.len());
        for event in events {
            let mut orgs = Vec::with_capacity(event.orgs.len());
            for (id, role) in &event.orgs {
                let code = match codes.get(id) {
                    Some(code) => code.clone(),
                    None => {
                        let code = tx.org_code(*id).await?.unwrap_or_default();
                        codes.insert(*id, code.clone());
                        code
                    }
                };
                orgs.push((*id, code, role.clone()));
            }
            out.push(OrgEventEntry { event, orgs });
        }
        Ok((org, out))
    }

    /// The posts held in the organisation on `on`.
    pub async fn org_positions(
        &self,
        actor: &Actor,
        code: &str,
        on: Date,
    ) -> Result<Vec<Position>> {
        let org = self.find_org(actor, code, Some(on)).await?;
        let mut tx = self.store().read().await?;
        Ok(tx.positions_in_org(org.id, on).await?)
    }

    /// The leadership collectives attached to the organisation on `on`.
    pub async fn org_collectives(
        &self,
        actor: &Actor,
        code: &str,
        on: Date,
    ) -> Result<Vec<Collective>> {
        let org = self.find_org(actor, code, Some(on)).await?;
        let mut tx = self.store().read().await?;
        Ok(tx.collectives_of_org(org.id, on).await?)
    }

    /// A page of the members whose official branch lies in the subtree on `on`, in Vietnamese
    /// name order.
    pub async fn org_members(
        &self,
        actor: &Actor,
        code: &str,
        on: Date,
        offset: usize,
        limit: usize,
    ) -> Result<MemberPage> {
        let org = self.find_org(actor, code, Some(on)).await?;
        let mut tx = self.store().read().await?;
        let branches: HashMap<Uuid, OrgLabel> = tx
            .org_subtree(org.id, on)
            .await?
            .iter()
            .map(|n| (n.org.id, OrgLabel::from(&n.org)))
            .collect();
        let all = tx.members_of_subtree(org.id, on).await?;
        let total = all.len();
        let members = all
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|m| SubtreeMemberEntry {
                probationary: m.member.is_probationary(on),
                branch: branches.get(&m.branch_id).cloned().unwrap_or(OrgLabel {
                    id: m.branch_id,
                    code: String::new(),
                    name: String::new(),
                }),
                member: m.member,
            })
            .collect();
        Ok(MemberPage { total, members })
    }

    /// The id of the member with this card number, if the actor may read their file.
    pub async fn find_member(&self, actor: &Actor, code: &str) -> Result<Uuid> {
        check_signed_in(actor)?;
        let id = {
            let mut tx = self.store().read().await?;
            tx.member_id_by_code(code.trim())
                .await?
                .ok_or_else(|| AppError::not_found("đảng viên", code.trim()))?
        };
        self.authorize(actor, Action::Read, Scope::Member(id))
            .await?;
        Ok(id)
    }

    /// The member as they stood on `on`.
    pub async fn member_on_day(&self, actor: &Actor, code: &str, on: Date) -> Result<MemberOnDay> {
        let id = self.find_member(actor, code).await?;
        let mut tx = self.store().read().await?;
        let member = tx.member_as_of(id, on).await?.ok_or_else(|| {
            AppError::not_found("đảng viên", code)
                .with_field("as_of")
                .with_message(format!(
                    "Đảng viên «{code}» chưa có hồ sơ vào ngày {}",
                    crate::date_vi(on)
                ))
        })?;
        let official_branch = match tx.branch_of(id, MembershipKind::Official, on).await? {
            Some(branch) => Some(org_label(&mut tx, branch, on).await?),
            None => None,
        };
        let temporary_branch = match tx.branch_of(id, MembershipKind::Temporary, on).await? {
            Some(branch) => Some(org_label(&mut tx, branch, on).await?),
            None => None,
        };
        Ok(MemberOnDay {
            probationary: member.is_probationary(on),
            member,
            official_branch,
            temporary_branch,
            statuses: tx.statuses_as_of(id, on).await?,
            positions: tx.positions_of(Holder::Member(id), on).await?,
        })
    }

    /// Everything dated about the member.
    pub async fn member_file(&self, actor: &Actor, code: &str) -> Result<MemberFile> {
        let id = self.find_member(actor, code).await?;
        let mut tx = self.store().read().await?;
        let versions = tx.member_history(id).await?;
        let mut labels: HashMap<Uuid, OrgLabel> = HashMap::new();
        let mut memberships = Vec::new();
        for membership in tx.memberships(id).await? {
            let label = match labels.get(&membership.org_id) {
                Some(label) => label.clone(),
                None => {
                    let label =
                        org_label(&mut tx, membership.org_id, membership.valid_from).await?;
                    labels.insert(membership.org_id, label.clone());
                    label
                }
            };
            memberships.push((membership, label));
        }
        Ok(MemberFile {
            code: versions
                .first()
                .map(|v| v.code.clone())
                .unwrap_or_else(|| code.to_string()),
            versions,
            memberships,
            transfers: tx.transfers(id).await?,
            statuses: tx.statuses(id).await?,
            leaves: tx.leaves(id).await?,
            disciplines: tx.disciplines(id).await?,
        })
    }

    /// One discipline record of a member, if the actor may read their file.
    pub async fn member_discipline(
        &self,
        actor: &Actor,
        member: Uuid,
        id: Uuid,
    ) -> Result<Discipline> {
        self.authorize(actor, Action::Read, Scope::Member(member))
            .await?;
        let mut tx = self.store().read().await?;
        tx.disciplines(member)
            .await?
            .into_iter()
            .find(|d| d.id == id)
            .ok_or_else(|| AppError::not_found("quyết định kỷ luật", id))
    }

    /// The id of the leadership collective with this code, if the actor may read its
    /// organisation.
    pub async fn find_collective(&self, actor: &Actor, code: &str) -> Result<Uuid> {
        check_signed_in(actor)?;
        let collective = {
            let mut tx = self.store().read().await?;
            tx.collective_by_code(code.trim())
                .await?
                .ok_or_else(|| AppError::not_found("tập thể lãnh đạo", code.trim()))?
        };
        self.authorize(actor, Action::Read, Scope::Org(collective.org))
            .await?;
        Ok(collective.id)
    }

    /// Whether the database answers, and which engine it is (for the health check; no actor).
    pub async fn health(&self) -> Result<Backend> {
        let tx = self.store().read().await?;
        tx.rollback().await?;
        Ok(self.store().backend())
    }
}

/// A short reference to an organisation on `on`, else by its last period.
pub(crate) async fn org_label(tx: &mut Tx, id: Uuid, on: Date) -> Result<OrgLabel> {
    if let Some(org) = tx.org_as_of(id, on).await? {
        return Ok(OrgLabel::from(&org));
    }
    Ok(tx
        .org_history(id)
        .await?
        .last()
        .map(OrgLabel::from)
        .unwrap_or(OrgLabel {
            id,
            code: String::new(),
            name: String::new(),
        }))
}
