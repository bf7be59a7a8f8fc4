//! Where a record sits in the organisation tree, for the app's scope check: the node of a plan,
//! subject, meeting, ballot, escalation or member, the day the tree is read on, and the ancestors
//! of a node on that day. The store answers where; whether a role may act there is the app's.

use crate::db::{Tx, on_conn};
use crate::error::Result;
use time::Date;
use uuid::Uuid;

/// Where a subject of a plan sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct SubjectPlace {
    /// The organisation the subject is, or belongs to (a member's branch, a collective's organisation).
    pub unit_id: Uuid,
    /// The member the subject is (a member or a leader who is a member).
    pub member_id: Option<Uuid>,
    /// The leader who is not a party member, when the subject is one.
    pub leader_id: Option<Uuid>,
    /// The organisation whose committee decides the subject's level (the rules' authority).
    pub deciding_org_id: Option<Uuid>,
    pub plan_org_id: Uuid,
    pub review_date: Date,
}

/// A node and the day its plan reads the tree on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct PlanPlace {
    pub org_id: Uuid,
    pub review_date: Date,
}

/// The organisation an escalation goes to and the day of its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct EscalationPlace {
    pub competent_org_id: Option<Uuid>,
    pub review_date: Date,
}

impl Tx {
    pub async fn subject_place(&mut self, id: Uuid) -> Result<Option<SubjectPlace>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT s.unit_id, s.member_id, s.leader_id, s.deciding_org_id, p.org_id AS plan_org_id, p.review_date \
             FROM subjects s JOIN plans p ON p.id = s.plan_id WHERE s.id = $1",
        ).bind(id).fetch_optional(c).await?))
    }

    pub async fn plan_place(&mut self, id: Uuid) -> Result<Option<PlanPlace>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT org_id, review_date FROM plans WHERE id = $1",
        ).bind(id).fetch_optional(c).await?))
    }

    pub async fn meeting_place(&mut self, id: Uuid) -> Result<Option<PlanPlace>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT m.org_id, p.review_date FROM meetings m JOIN plans p ON p.id = m.plan_id WHERE m.id = $1",
        ).bind(id).fetch_optional(c).await?))
    }

    pub async fn ballot_place(&mut self, id: Uuid) -> Result<Option<PlanPlace>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT m.org_id, p.review_date FROM ballots b JOIN meetings m ON m.id = b.meeting_id \
             JOIN plans p ON p.id = m.plan_id WHERE b.id = $1",
        ).bind(id).fetch_optional(c).await?))
    }

    pub async fn escalation_place(&mut self, id: Uuid) -> Result<Option<EscalationPlace>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT e.competent_org_id, p.review_date FROM escalations e JOIN plans p ON p.id = e.plan_id \
             WHERE e.id = $1",
        ).bind(id).fetch_optional(c).await?))
    }

    /// The member's official branch on `on`, else the last one they had; `None` for a member
    /// who never had one (or no such member).
    pub async fn member_place(&mut self, member: Uuid, on: Date) -> Result<Option<Uuid>> {
        let row: Option<Uuid> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT org_id FROM member_branches WHERE member_id = $1 AND kind = 'official' \
             ORDER BY CASE WHEN valid_from <= $2 AND valid_to > $2 THEN 0 ELSE 1 END, valid_from DESC LIMIT 1",
        ).bind(member).bind(on).fetch_optional(c).await?);
        Ok(row)
    }

    /// The node and every node above it on `on` (empty when the node did not exist then).
    pub async fn org_ancestor_ids(&mut self, org: Uuid, on: Date) -> Result<Vec<Uuid>> {
        Ok(on_conn!(self, c => sqlx::query_scalar(
            "SELECT ancestor_id FROM org_closure WHERE descendant_id = $1 AND valid_from <= $2 AND valid_to > $2",
        ).bind(org).bind(on).fetch_all(c).await?))
    }

    /// The node and every node above it in the node's last period (a node closed since).
    pub async fn org_ancestor_ids_latest(&mut self, org: Uuid) -> Result<Vec<Uuid>> {
        Ok(on_conn!(self, c => sqlx::query_scalar(
            "SELECT ancestor_id FROM org_closure WHERE descendant_id = $1 AND valid_to = \
             (SELECT MAX(valid_to) FROM org_closure WHERE descendant_id = $1)",
        ).bind(org).fetch_all(c).await?))
    }

    /// The node's name on `on`, else its latest name (for messages).
    pub async fn org_name(&mut self, org: Uuid, on: Date) -> Result<Option<String>> {
        Ok(on_conn!(self, c => sqlx::query_scalar(
            "SELECT name FROM org_versions WHERE org_id = $1 \
             ORDER BY CASE WHEN valid_from <= $2 AND valid_to > $2 THEN 0 ELSE 1 END, valid_from DESC LIMIT 1",
        ).bind(org).bind(on).fetch_optional(c).await?))
    }

    /// The node's code (for views), whatever its period.
    pub async fn org_code(&mut self, org: Uuid) -> Result<Option<String>> {
        Ok(
            on_conn!(self, c => sqlx::query_scalar("SELECT code FROM orgs WHERE id = $1")
            .bind(org).fetch_optional(c).await?),
        )
    }

    /// The member's card number (for views).
    pub async fn member_code(&mut self, member: Uuid) -> Result<Option<String>> {
        Ok(
            on_conn!(self, c => sqlx::query_scalar("SELECT code FROM members WHERE id = $1")
            .bind(member).fetch_optional(c).await?),
        )
    }
}
