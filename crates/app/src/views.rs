//! A whole page's worth of answers in one call, kept until the next audited change: the unit
//! page (an organisation with its plans, subjects in the rules' order, meetings and members) and
//! a plan's overview at a node (progress, progress over time, levels per child, who is pending).
//! Offices open these pages many times a minute while the data under them changes a few times a
//! minute; read one by one they cost tens of statements per visit.
//!
//! What is kept is what the use cases answered the first viewer, with the audit sequence it was
//! read at (`answers.rs`); each later viewer is asked again for what those use cases ask —
//! reading the organisation (and with it its units' subjects, meetings and members), reading the
//! plan's document at it — so a kept answer never reaches someone who could not have read it.

use crate::App;
use crate::access::resolve::check_signed_in;
use crate::actor::{Action, Actor, Scope};
use crate::directory::{MemberPage, Org};
use crate::error::{AppError, ErrorKind, Result};
use crate::evaluation::Escalation;
use crate::meeting::Meeting;
use crate::plan::Plan;
use crate::progress::{NodeProgress, PendingSubject, StepDay};
use crate::work::{LevelsAt, UnitSubject};
use std::sync::Arc;
use time::Date;
use uuid::Uuid;

/// Members listed on a unit page (the rest are counted).
pub const UNIT_PAGE_MEMBERS: usize = 200;

/// An organisation's page: where it sits, its plans and, in each, its own subjects.
#[derive(Debug, Clone)]
pub struct UnitPage {
    pub org: Org,
    /// From the top of the tree down to the organisation, itself included.
    pub ancestors: Vec<Org>,
    pub children: Vec<Org>,
    /// The plans of this year and last issued at or above it.
    pub plans: Vec<UnitPlan>,
    /// The first [`UNIT_PAGE_MEMBERS`] members of its subtree, for a branch or an organisation
    /// with at most three units under it.
    pub members: Option<MemberPage>,
}

/// One plan on a unit page.
#[derive(Debug, Clone)]
pub struct UnitPlan {
    pub plan: Plan,
    /// The unit's subjects in the order the rules review them (none for a draft).
    pub subjects: Vec<UnitSubject>,
    /// The meetings the unit holds under the plan (none for a draft).
    pub meetings: Vec<Meeting>,
}

/// Which node of a plan an overview is of.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum OverviewNode {
    /// The plan's own organisation.
    Whole,
    /// A node named by its code.
    Code(String),
    /// The first node of the viewer's roles inside the plan.
    Org(Uuid),
}

/// A plan at one node: what its progress page shows.
#[derive(Debug, Clone)]
pub struct PlanOverview {
    pub plan: Plan,
    /// The node itself (depth 0).
    pub node: NodeProgress,
    /// The node and every node below it.
    pub progress: Vec<NodeProgress>,
    /// From the top of the tree down to the node, itself included (empty at the plan's own
    /// organisation).
    pub ancestors: Vec<Org>,
    /// How many had passed each step by each day, at the node.
    pub days: Vec<StepDay>,
    /// Levels at the node and at each organisation under it.
    pub levels: Vec<LevelsAt>,
    /// Those not yet reviewed or rated in the node's units, and why.
    pub pending: Vec<PendingSubject>,
    /// Open escalations of the plan: shown only to whoever reads the whole plan.
    escalations: Vec<Escalation>,
}

impl App {
    /// The audit sequence kept answers are read at (the last entry that may change them).
    async fn audit_head(&self) -> Result<i64> {
        let mut tx = self.store().glance().await?;
        let seq = tx.answers_seq().await?;
        tx.rollback().await?;
        Ok(seq)
    }

    /// The organisation with this code on `on` and what its page shows, if the actor may read
    /// it.
    pub async fn unit_page(&self, actor: &Actor, code: &str, on: Date) -> Result<Arc<UnitPage>> {
        check_signed_in(actor)?;
        let seq = self.audit_head().await?;
        let key = (code.to_owned(), on, self.today());
        let page = self
            .answers
            .units
            .get_or_read(key, seq, || self.read_unit_page(actor, code, on))
            .await?;
        // What the use cases below ask (answered from the request's memo the first time).
        self.authorize(actor, Action::Read, Scope::Org(page.org.id))
            .await?;
        for unit_plan in page.plans.iter().filter(|p| p.plan.status != "draft") {
            self.authorize(actor, Action::Read, Scope::PlanDocument(unit_plan.plan.id))
                .await?;
        }
        Ok(page)
    }

    async fn read_unit_page(&self, actor: &Actor, code: &str, on: Date) -> Result<UnitPage> {
        let org = self.find_org(actor, code, Some(on)).await?;
        let ancestors = self.org_ancestors(actor, code, on).await?;
        let children = self.org_children(actor, code, on).await?;
        let mut plans = Vec::new();
        for plan in self.plans_covering(actor, org.id).await? {
            if plan.status == "draft" {
                plans.push(UnitPlan {
                    plan,
                    subjects: Vec::new(),
                    meetings: Vec::new(),
                });
                continue;
            }
            let mut subjects = self.unit_overview(actor, plan.id, org.id).await?;
            let ids: Vec<Uuid> = subjects.iter().map(|s| s.subject.id).collect();
            let order = self.agenda_in_order(actor, plan.id, org.id, &ids).await?;
            subjects.sort_by_key(|s| order.iter().position(|id| *id == s.subject.id));
            let meetings = self.meetings_at(actor, plan.id, org.id).await?;
            plans.push(UnitPlan {
                plan,
                subjects,
                meetings,
            });
        }
        let members = if org.kind.is_branch() || children.len() <= 3 {
            Some(
                self.org_members(actor, code, on, 0, UNIT_PAGE_MEMBERS)
                    .await?,
            )
        } else {
            None
        };
        Ok(UnitPage {
            org,
            ancestors,
            children,
            plans,
            members,
        })
    }

    /// A plan at a node — the node named by `code`, else the plan's own organisation, else (for
    /// whoever reads only part of the plan) the first node of their roles inside it — with its
    /// progress, progress over time, levels and pending list; and the plan's open escalations
    /// when the actor reads the whole plan.
    pub async fn plan_overview(
        &self,
        actor: &Actor,
        plan: Uuid,
        code: Option<&str>,
    ) -> Result<(Arc<PlanOverview>, Vec<Escalation>)> {
        check_signed_in(actor)?;
        let node = match code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => OverviewNode::Code(code.to_owned()),
            None => match self.authorize(actor, Action::Read, Scope::Plan(plan)).await {
                Ok(_) => OverviewNode::Whole,
                Err(error) if error.kind() == ErrorKind::Forbidden => {
                    let mut found = Err(error);
                    for org in actor.grants().iter().filter_map(|g| g.org) {
                        found = self.authorize_plan_at(actor, plan, org).await.map(|()| org);
                        if found.is_ok() {
                            break;
                        }
                    }
                    OverviewNode::Org(found?)
                }
                Err(error) => return Err(error),
            },
        };
        let seq = self.audit_head().await?;
        let key = (plan, node.clone(), self.today());
        let overview = self
            .answers
            .overviews
            .get_or_read(key, seq, || self.read_plan_overview(actor, plan, &node))
            .await?;
        self.authorize(actor, Action::Read, Scope::PlanDocument(plan))
            .await?;
        // (The whole plan's reading was asked above, when the node was chosen.)
        self.authorize(actor, Action::Read, Scope::Org(overview.node.org))
            .await?;
        let escalations = if overview.escalations.is_empty()
            || self
                .authorize(actor, Action::Read, Scope::Plan(plan))
                .await
                .is_err()
        {
            Vec::new()
        } else {
            overview.escalations.clone()
        };
        Ok((overview, escalations))
    }

    async fn read_plan_overview(
        &self,
        actor: &Actor,
        id: Uuid,
        node: &OverviewNode,
    ) -> Result<PlanOverview> {
        let plan = self.plan(actor, id).await?;
        let at = match node {
            OverviewNode::Whole => None,
            OverviewNode::Code(code) => {
                Some(self.find_org(actor, code, Some(plan.review_date)).await?.id)
            }
            OverviewNode::Org(org) => Some(*org),
        };
        let progress = self.progress_at(actor, id, at).await?;
        let node = progress
            .iter()
            .find(|n| n.depth == 0)
            .cloned()
            .ok_or_else(|| AppError::not_found("tổ chức trong kế hoạch", id))?;
        let ancestors = if node.org == plan.org_id {
            Vec::new()
        } else {
            self.org_ancestors(actor, &node.code, plan.review_date)
                .await?
        };
        let days = self.progress_days(actor, id, Some(node.org)).await?;
        let levels = self.levels_at(actor, id, node.org).await?;
        let pending = self.pending_subjects(actor, id, node.org).await?;
        // Read for the plan, shown only to whoever reads the whole plan (asked per viewer).
        let escalations = {
            let mut tx = self.store().read().await?;
            tx.open_escalations(id)
                .await?
                .into_iter()
                .map(Escalation::from)
                .collect()
        };
        Ok(PlanOverview {
            plan,
            node,
            progress,
            ancestors,
            days,
            levels,
            pending,
            escalations,
        })
    }
}
