//! [`App::authorize`]: the one door every use case passes. It finds where the scope sits in the
//! tree (the node, the day the tree is read on, the competent organisation, whether the record
//! is the actor's own), then asks [`permits`] for each role granted to the actor.

use super::{Grant, Role, Standing, TargetKind, permits};
use crate::App;
use crate::actor::{Action, Actor, Authorized, Powers, Scope};
use crate::error::{AppError, ErrorCode, Result};
use kiemdiem_store::Tx;
use time::Date;
use uuid::Uuid;

/// Where a scope sits, as far as the roles are concerned.
#[derive(Debug, Clone, Default)]
struct Target {
    /// The node (`None`: the installation, or a record attached to no node).
    org: Option<Uuid>,
    /// The node and every node above it on `on`.
    ancestors: Vec<Uuid>,
    /// The day the tree is read on: the plan's date for the cycle, today for records.
    on: Option<Date>,
    competent: Option<Uuid>,
    own: bool,
    body_subject: bool,
}

impl App {
    /// Reading a plan at one of its nodes: whoever reads the node follows the plan there (a
    /// district's office the province's plan in its district).
    pub(crate) async fn authorize_plan_at(
        &self,
        actor: &Actor,
        plan: Uuid,
        node: Uuid,
    ) -> Result<()> {
        self.authorize(actor, Action::Read, Scope::Org(node))
            .await?;
        self.authorize(actor, Action::Read, Scope::PlanDocument(plan))
            .await?;
        Ok(())
    }

    /// Allows `actor` to do `action` on `scope`, or refuses: `unauthenticated` without a name,
    /// `forbidden` naming the action and the organisation, `not_found` for a record that does
    /// not exist. Trusted in-process actors are allowed everything.
    pub async fn authorize(
        &self,
        actor: &Actor,
        action: Action,
        scope: Scope,
    ) -> Result<Authorized> {
        if actor.user.is_empty() {
            return Err(AppError::new(
                ErrorCode::Unauthenticated,
                "Chưa xác định người thực hiện: hãy đăng nhập",
            ));
        }
        let allowed = Authorized {
            actor: actor.clone(),
            action,
            scope,
        };
        let (grants, memo) = match &actor.powers {
            Powers::Trusted => return Ok(allowed),
            Powers::Granted {
                must_change_password: true,
                ..
            } => return Err(password_change_required()),
            Powers::Granted {
                grants,
                allowed: memo,
                ..
            } => (grants, memo),
        };
        if memo.contains((action, scope)) {
            return Ok(allowed);
        }
        let today = self.today();
        let active: Vec<&Grant> = grants.iter().filter(|g| g.active_on(today)).collect();
        if action == Action::Vote {
            // The roll decides who votes in which ballot; here only: a member, voting as themself.
            if actor.member.is_some() && active.iter().any(|g| g.role == Role::Member) {
                return Ok(allowed);
            }
            return Err(self.refusal(actor, action, None, today).await);
        }
        if active.is_empty() {
            return Err(self.refusal(actor, action, None, today).await);
        }
        let kind = target_kind(scope);
        // Where the record sits and the tree above it: look-ups that need no common snapshot.
        let mut tx = self.store().glance().await?;
        let target = resolve(&mut tx, actor, scope, today).await?;
        let on = target.on.unwrap_or(today);
        for grant in active {
            let standing = match grant.org {
                None => Standing {
                    own: target.own,
                    body_subject: target.body_subject,
                    ..Standing::default()
                },
                Some(node) => {
                    let covering = kind == TargetKind::PlanDocument
                        && match target.org {
                            Some(org) => tx.org_ancestor_ids(node, on).await?.contains(&org),
                            None => false,
                        };
                    Standing {
                        inside: target.ancestors.contains(&node),
                        at_node: target.org == Some(node),
                        covering,
                        competent: target.competent == Some(node),
                        own: target.own,
                        body_subject: target.body_subject,
                    }
                }
            };
            if permits(grant.role, action, kind, standing) {
                tx.rollback().await?;
                memo.insert((action, scope));
                return Ok(allowed);
            }
        }
        tx.rollback().await?;
        Err(self.refusal(actor, action, target.org, on).await)
    }

    /// `403 forbidden`, naming the action and where.
    async fn refusal(
        &self,
        actor: &Actor,
        action: Action,
        org: Option<Uuid>,
        on: Date,
    ) -> AppError {
        let place = match org {
            Some(org) => match self.org_name_for_message(org, on).await {
                Some(name) => format!("tại {name}"),
                None => "tại tổ chức này".to_string(),
            },
            None => "trên hệ thống".to_string(),
        };
        AppError::new(
            ErrorCode::Forbidden,
            format!(
                "Tài khoản «{}» không có quyền {} {place}",
                actor.user,
                action.name_vi()
            ),
        )
        .with_details(serde_json::json!({ "org_id": org }))
    }

    async fn org_name_for_message(&self, org: Uuid, on: Date) -> Option<String> {
        let mut tx = self.store().read().await.ok()?;
        tx.org_name(org, on).await.ok().flatten()
    }
}

/// Refuses an actor with no name, and a signed-in one whose one-time password must be changed
/// first: the check every look-up makes before it answers anything, even "not found".
pub(crate) fn check_signed_in(actor: &Actor) -> Result<()> {
    if actor.user.is_empty() {
        return Err(AppError::new(
            ErrorCode::Unauthenticated,
            "Chưa xác định người thực hiện: hãy đăng nhập",
        ));
    }
    if actor.must_change_password() {
        return Err(password_change_required());
    }
    Ok(())
}

fn password_change_required() -> AppError {
    AppError::new(
        ErrorCode::PasswordChangeRequired,
        "Tài khoản đang dùng mật khẩu tạm thời: hãy đổi mật khẩu trước khi làm việc khác",
    )
}

fn target_kind(scope: Scope) -> TargetKind {
    match scope {
        Scope::Global => TargetKind::Global,
        Scope::Org(_) => TargetKind::Org,
        Scope::Plan(_) => TargetKind::Plan,
        Scope::PlanDocument(_) | Scope::Issued(_) => TargetKind::PlanDocument,
        Scope::Subject(_) => TargetKind::Subject,
        Scope::Meeting(_) => TargetKind::Meeting,
        Scope::Ballot(_) => TargetKind::Ballot,
        Scope::Escalation(_) => TargetKind::Escalation,
        Scope::Member(_) => TargetKind::Member,
        Scope::Account(_) => TargetKind::Account,
        Scope::Directory => TargetKind::Directory,
    }
}

/// Finds where `scope` sits; `not_found` when the record does not exist.
async fn resolve(tx: &mut Tx, actor: &Actor, scope: Scope, today: Date) -> Result<Target> {
    let (org, on, mut target) = match scope {
        Scope::Global | Scope::Directory => return Ok(Target::default()),
        Scope::Org(id) | Scope::Issued(id) => (Some(id), today, Target::default()),
        Scope::Plan(id) | Scope::PlanDocument(id) => {
            let place = tx
                .plan_place(id)
                .await?
                .ok_or_else(|| AppError::not_found("kế hoạch", id))?;
            (Some(place.org_id), place.review_date, Target::default())
        }
        Scope::Subject(id) => {
            let place = tx
                .subject_place(id)
                .await?
                .ok_or_else(|| AppError::not_found("đối tượng", id))?;
            let target = Target {
                competent: place.deciding_org_id,
                own: place.member_id.is_some() && place.member_id == actor.member,
                body_subject: place.member_id.is_none() && place.leader_id.is_none(),
                ..Target::default()
            };
            (Some(place.unit_id), place.review_date, target)
        }
        Scope::Meeting(id) => {
            let place = tx
                .meeting_place(id)
                .await?
                .ok_or_else(|| AppError::not_found("hội nghị", id))?;
            (Some(place.org_id), place.review_date, Target::default())
        }
        Scope::Ballot(id) => {
            let place = tx
                .ballot_place(id)
                .await?
                .ok_or_else(|| AppError::not_found("cuộc bỏ phiếu", id))?;
            (Some(place.org_id), place.review_date, Target::default())
        }
        Scope::Escalation(id) => {
            let place = tx
                .escalation_place(id)
                .await?
                .ok_or_else(|| AppError::not_found("việc báo cáo cấp trên", id))?;
            (place.competent_org_id, place.review_date, Target::default())
        }
        Scope::Member(id) => {
            let branch = tx.member_place(id, today).await?;
            if branch.is_none() && tx.member_as_of(id, today).await?.is_none() {
                return Err(AppError::not_found("đảng viên", id));
            }
            let target = Target {
                own: actor.member == Some(id),
                ..Target::default()
            };
            (branch, today, target)
        }
        Scope::Account(id) => {
            let account = tx
                .account(id)
                .await?
                .ok_or_else(|| AppError::not_found("tài khoản", id))?;
            let target = Target {
                own: actor.account == Some(id),
                ..Target::default()
            };
            (account.org_id, today, target)
        }
    };
    if let Some(org) = org {
        target.ancestors = tx.org_ancestor_ids(org, on).await?;
        if target.ancestors.is_empty() {
            // A node closed before the day: judge by its last place in the tree.
            target.ancestors = tx.org_ancestor_ids_latest(org).await?;
        }
    }
    target.org = org;
    target.on = Some(on);
    Ok(target)
}
