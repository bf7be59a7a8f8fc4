//! Changing the organisation tree as the decisions of the competent level do (sáp nhập, hợp nhất,
//! chia tách, chuyển trực thuộc): merging organisations into one (existing or new), splitting one
//! into new organisations with the sub-organisations and members each takes, moving one with its
//! subtree under another parent. Each is one transaction with its audit entry; organisations and
//! members are named by their codes, checked and refused naming the field. The dated history is
//! the store's (`merge_orgs`, `split_org`, `move_org`): nothing is overwritten.

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use kiemdiem_rules::OrgKind;
use kiemdiem_store::Tx;
use kiemdiem_store::org::{MergeTarget, NewOrg, SplitPart};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

/// A new organisation a merger or a split creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrgInput {
    pub code: String,
    pub name: String,
    /// The kind by code or Vietnamese name ("Chi bộ trực thuộc").
    pub kind: String,
    /// Whether it has a committee; by default an organisation has one, a branch has not.
    #[serde(default)]
    pub has_committee: Option<bool>,
    /// The parent's code; by default the parent of the (first) source.
    #[serde(default)]
    pub parent: Option<String>,
}

/// Merging organisations (hợp nhất, sáp nhập).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    /// The codes of the organisations merged.
    pub sources: Vec<String>,
    /// Into an existing organisation (its code) …
    #[serde(default)]
    pub into: Option<String>,
    /// … or into a new one.
    #[serde(default)]
    pub new: Option<NewOrgInput>,
    pub on: Date,
    #[serde(default)]
    pub note: String,
}

/// One part of a split (chia tách).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitPartInput {
    pub org: NewOrgInput,
    /// Codes of the organisations directly under the source that move under this part.
    #[serde(default)]
    pub children: Vec<String>,
    /// Card numbers of the source's members who move to this part.
    #[serde(default)]
    pub members: Vec<String>,
}

/// Splitting an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitInput {
    pub parts: Vec<SplitPartInput>,
    pub on: Date,
    /// The source is dissolved (it must then be left empty).
    #[serde(default)]
    pub dissolve_source: bool,
    #[serde(default)]
    pub note: String,
}

/// What a change of the tree did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TreeChange {
    /// `merge`, `split` or `move`.
    pub kind: String,
    pub on: Date,
    /// The organisation that received (a merger, a move's new parent) or was split.
    pub org: Uuid,
    /// The organisations created (a new merger target, the parts of a split).
    pub created: Vec<Uuid>,
}

/// The organisation with `code` on `on`, or an error naming `field`.
async fn org_on(tx: &mut Tx, code: &str, on: Date, field: &str) -> Result<Uuid> {
    tx.org_by_code(code.trim(), on)
        .await?
        .map(|o| o.id)
        .ok_or_else(|| {
            AppError::not_found("tổ chức (vào ngày thay đổi)", code.trim()).with_field(field)
        })
}

/// A new organisation from its input, under `default_parent` unless it names one.
async fn new_org(
    tx: &mut Tx,
    input: &NewOrgInput,
    default_parent: Option<Uuid>,
    on: Date,
    field: &str,
) -> Result<NewOrg> {
    let kind = OrgKind::parse_name(&input.kind).ok_or_else(|| {
        AppError::invalid(
            format!("{field}.kind"),
            format!(
                "«{}» không phải loại tổ chức: hãy ghi Đảng bộ cơ sở, Chi bộ cơ sở, Đảng bộ bộ phận, Chi bộ trực thuộc …",
                input.kind
            ),
        )
    })?;
    let parent = match &input.parent {
        Some(code) => Some(org_on(tx, code, on, &format!("{field}.parent")).await?),
        None => default_parent,
    };
    if input.code.trim().is_empty() || input.name.trim().is_empty() {
        return Err(AppError::invalid(
            format!("{field}.code"),
            "Tổ chức mới cần có mã và tên",
        ));
    }
    Ok(NewOrg {
        code: input.code.trim().to_owned(),
        name: input.name.clone(),
        kind,
        has_committee: input.has_committee.unwrap_or(!kind.is_branch()),
        founded_on: on,
        parent,
    })
}

impl App {
    /// Merges organisations into an existing one or a new one on a day.
    pub async fn merge_orgs(&self, actor: &Actor, input: MergeInput) -> Result<TreeChange> {
        if input.sources.is_empty() {
            return Err(AppError::invalid(
                "sources",
                "Chưa ghi tổ chức nào được hợp nhất",
            ));
        }
        if input.into.is_some() == input.new.is_some() {
            return Err(AppError::invalid(
                "into",
                "Ghi tổ chức nhận (mã tổ chức đã có) hoặc tổ chức mới, một trong hai",
            ));
        }
        let mut sources = Vec::new();
        let mut tx = self.store().read().await?;
        for (i, code) in input.sources.iter().enumerate() {
            sources.push(org_on(&mut tx, code, input.on, &format!("sources[{i}]")).await?);
        }
        let into = match &input.into {
            Some(code) => Some(org_on(&mut tx, code, input.on, "into").await?),
            None => None,
        };
        drop(tx);
        let mut who = None;
        for org in sources.iter().chain(into.iter()) {
            who = Some(
                self.authorize(actor, Action::ManageRecords, Scope::Org(*org))
                    .await?,
            );
        }
        let who = who.ok_or_else(|| AppError::internal("không có tổ chức"))?;
        let mut tx = self.begin(&who).await?;
        let first_parent = tx
            .org_as_of(sources[0], input.on)
            .await?
            .and_then(|o| o.parent_id);
        let target = match (&into, &input.new) {
            (Some(id), _) => MergeTarget::Existing(*id),
            (None, Some(new)) => {
                if let Some(parent) = first_parent.filter(|_| new.parent.is_none()) {
                    self.authorize(actor, Action::ManageRecords, Scope::Org(parent))
                        .await?;
                }
                MergeTarget::New(new_org(&mut tx, new, first_parent, input.on, "new").await?)
            }
            (None, None) => return Err(AppError::invalid("into", "Thiếu tổ chức nhận")),
        };
        let target_id = tx
            .merge_orgs(&sources, &target, input.on, input.note.trim())
            .await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("org.merge", "org", target_id).detail(serde_json::json!({
                "sources": input.sources, "on": input.on, "new": matches!(target, MergeTarget::New(_)),
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(TreeChange {
            kind: "merge".into(),
            on: input.on,
            org: target_id,
            created: if into.is_none() {
                vec![target_id]
            } else {
                vec![]
            },
        })
    }

    /// Splits the organisation with `code` into new organisations on a day.
    pub async fn split_org(
        &self,
        actor: &Actor,
        code: &str,
        input: SplitInput,
    ) -> Result<TreeChange> {
        let source = {
            let mut tx = self.store().read().await?;
            org_on(&mut tx, code, input.on, "code").await?
        };
        let who = self
            .authorize(actor, Action::ManageRecords, Scope::Org(source))
            .await?;
        if input.parts.is_empty() {
            return Err(AppError::invalid(
                "parts",
                "Chia tách cần ít nhất một tổ chức mới",
            ));
        }
        let mut tx = self.begin(&who).await?;
        let parent = tx
            .org_as_of(source, input.on)
            .await?
            .and_then(|o| o.parent_id);
        let mut parts = Vec::new();
        for (i, part) in input.parts.iter().enumerate() {
            let field = format!("parts[{i}]");
            let org = new_org(
                &mut tx,
                &part.org,
                parent,
                input.on,
                &format!("{field}.org"),
            )
            .await?;
            let mut children = Vec::new();
            for (j, child) in part.children.iter().enumerate() {
                children.push(
                    org_on(&mut tx, child, input.on, &format!("{field}.children[{j}]")).await?,
                );
            }
            let mut members = Vec::new();
            for (j, card) in part.members.iter().enumerate() {
                members.push(tx.member_id_by_code(card.trim()).await?.ok_or_else(|| {
                    AppError::not_found("đảng viên số thẻ", card.trim())
                        .with_field(format!("{field}.members[{j}]"))
                })?);
            }
            parts.push(SplitPart {
                org,
                children,
                members,
            });
        }
        let created = tx
            .split_org(
                source,
                &parts,
                input.on,
                input.dissolve_source,
                input.note.trim(),
            )
            .await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("org.split", "org", source).detail(serde_json::json!({
                "on": input.on, "parts": created, "dissolve_source": input.dissolve_source,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(TreeChange {
            kind: "split".into(),
            on: input.on,
            org: source,
            created,
        })
    }

    /// Moves the organisation with `code`, with its whole subtree, under `parent` from a day.
    pub async fn move_org(
        &self,
        actor: &Actor,
        code: &str,
        parent: &str,
        on: Date,
    ) -> Result<TreeChange> {
        let (org, new_parent) = {
            let mut tx = self.store().read().await?;
            (
                org_on(&mut tx, code, on, "code").await?,
                org_on(&mut tx, parent, on, "parent").await?,
            )
        };
        let who = self
            .authorize(actor, Action::ManageRecords, Scope::Org(org))
            .await?;
        self.authorize(actor, Action::ManageRecords, Scope::Org(new_parent))
            .await?;
        let mut tx = self.begin(&who).await?;
        tx.move_org(org, new_parent, on).await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("org.move", "org", org)
                .detail(serde_json::json!({"parent": new_parent, "on": on})),
        )
        .await?;
        tx.commit().await?;
        Ok(TreeChange {
            kind: "move".into(),
            on,
            org: new_parent,
            created: vec![],
        })
    }
}
