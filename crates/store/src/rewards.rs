//! After the decision (issue 16): a member's or an organisation's levels over the years — decided
//! in the system's yearly plans, or recorded from the archives (`past_levels`) — an
//! organisation's predecessors in the tree (the sources of the merger or split that created it),
//! the award proposals made from them, and the commitments registered for the coming year.
//!
//! What a history means (a run of years, a flag) is the rules crate's; the store keeps the facts.

use crate::db::{Tx, on_conn};
use crate::error::Result;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// Whose levels: a member's or an organisation's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rated {
    Member(Uuid),
    Org(Uuid),
}

impl Rated {
    /// (member, org): one of the two.
    fn columns(self) -> (Option<Uuid>, Option<Uuid>) {
        match self {
            Rated::Member(id) => (Some(id), None),
            Rated::Org(id) => (None, Some(id)),
        }
    }

    /// The audit entity: (`member` or `org`, its id).
    pub fn entity(self) -> (&'static str, Uuid) {
        match self {
            Rated::Member(id) => ("member", id),
            Rated::Org(id) => ("org", id),
        }
    }

    fn from_columns(member: Option<Uuid>, org: Option<Uuid>) -> Option<Rated> {
        match (member, org) {
            (Some(m), None) => Some(Rated::Member(m)),
            (None, Some(o)) => Some(Rated::Org(o)),
            _ => None,
        }
    }
}

/// A level of an earlier year, from the archives, to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPastLevel {
    pub year: i64,
    /// The level's code in `rule_set`'s vocabulary.
    pub level: String,
    pub rule_set: String,
    /// Where a member was rated that year.
    pub rated_in: Option<Uuid>,
    /// The document it comes from (quyết định, báo cáo kết quả).
    pub source: String,
}

/// A level of an earlier year as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastLevel {
    pub id: Uuid,
    pub record: NewPastLevel,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

/// A level decided in a yearly plan of the system.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DecidedLevel {
    pub year: i64,
    pub rule_set: String,
    /// The level's code as the subject holds it.
    pub level: String,
    /// The unit the subject was reviewed in (a member's branch; the organisation itself).
    pub unit_id: Uuid,
    pub subject_id: Uuid,
}

/// An organisation another came from: a source of the merger or split that created or changed it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Predecessor {
    pub org_id: Uuid,
    pub effective_on: Date,
    /// `merge` or `split`.
    pub kind: String,
}

/// An award proposal to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAwardProposal {
    pub rated: Rated,
    pub year: i64,
    /// `year` or `consecutive`.
    pub award: String,
    pub title: String,
    pub proposed_by: Uuid,
    /// The rules' answer, as JSON.
    pub basis: String,
}

/// An award proposal as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwardProposal {
    pub id: Uuid,
    pub record: NewAwardProposal,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct AwardRow {
    id: Uuid,
    member_id: Option<Uuid>,
    org_id: Option<Uuid>,
    year: i64,
    award: String,
    title: String,
    proposed_by_org_id: Uuid,
    basis: String,
    changed_by: String,
    changed_at: OffsetDateTime,
}

/// A commitment for the coming year to record (bản đăng ký phấn đấu).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCommitment {
    /// The review year's subject that registers it.
    pub subject_id: Uuid,
    pub rated: Rated,
    pub for_year: i64,
    pub target_level: String,
    pub pledges: String,
    pub registered_on: Date,
}

/// A commitment as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    pub id: Uuid,
    pub record: NewCommitment,
    pub version: i64,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct CommitmentRow {
    id: Uuid,
    subject_id: Uuid,
    member_id: Option<Uuid>,
    org_id: Option<Uuid>,
    for_year: i64,
    target_level: String,
    pledges: String,
    registered_on: Date,
    version: i64,
    changed_by: String,
    changed_at: OffsetDateTime,
}

impl CommitmentRow {
    fn into_commitment(self) -> Option<Commitment> {
        Some(Commitment {
            id: self.id,
            record: NewCommitment {
                subject_id: self.subject_id,
                rated: Rated::from_columns(self.member_id, self.org_id)?,
                for_year: self.for_year,
                target_level: self.target_level,
                pledges: self.pledges,
                registered_on: self.registered_on,
            },
            version: self.version,
            changed_by: self.changed_by,
            changed_at: self.changed_at,
        })
    }
}

impl Tx {
    /// Records a level of an earlier year from the archives; one for the same year is replaced.
    pub async fn record_past_level(&mut self, rated: Rated, new: &NewPastLevel) -> Result<Uuid> {
        let stamp = self.stamp_owned()?;
        let (member, org) = rated.columns();
        let replaced: Option<Uuid> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT id FROM past_levels WHERE (member_id = $1 OR org_id = $2) AND year = $3",
        ).bind(member).bind(org).bind(new.year).fetch_optional(c).await?);
        if let Some(old) = replaced {
            on_conn!(self, c => sqlx::query("DELETE FROM past_levels WHERE id = $1")
                .bind(old).execute(c).await?.rows_affected());
            self.record("past_levels", old.to_string(), "delete");
        }
        let id = Uuid::now_v7();
        on_conn!(self, c => sqlx::query(
            "INSERT INTO past_levels (id, member_id, org_id, year, level, rule_set, rated_in_org_id, source, \
             changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id).bind(member).bind(org).bind(new.year).bind(&new.level).bind(&new.rule_set)
        .bind(new.rated_in).bind(&new.source).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("past_levels", id.to_string(), "insert");
        Ok(id)
    }

    /// The levels of earlier years recorded for `rated`, oldest first.
    pub async fn past_levels(&mut self, rated: Rated) -> Result<Vec<PastLevel>> {
        let (member, org) = rated.columns();
        #[allow(clippy::type_complexity)]
        let rows: Vec<(
            Uuid,
            i64,
            String,
            String,
            Option<Uuid>,
            String,
            String,
            OffsetDateTime,
        )> = on_conn!(self, c => sqlx::query_as(
                "SELECT id, year, level, rule_set, rated_in_org_id, source, changed_by, changed_at \
                 FROM past_levels WHERE member_id = $1 OR org_id = $2 ORDER BY year",
            ).bind(member).bind(org).fetch_all(c).await?);
        Ok(rows
            .into_iter()
            .map(
                |(id, year, level, rule_set, rated_in, source, by, at)| PastLevel {
                    id,
                    record: NewPastLevel {
                        year,
                        level,
                        rule_set,
                        rated_in,
                        source,
                    },
                    changed_by: by,
                    changed_at: at,
                },
            )
            .collect())
    }

    /// The levels decided for `rated` in the yearly plans (a member in whichever branch rated
    /// them; an organisation as its own subject), oldest first. Re-opened subjects are left out.
    pub async fn decided_levels(&mut self, rated: Rated) -> Result<Vec<DecidedLevel>> {
        const MEMBER: &str = "SELECT p.year, p.rule_set, s.level, s.unit_id, s.id AS subject_id \
             FROM subjects s JOIN plans p ON p.id = s.plan_id \
             WHERE s.member_id = $1 AND s.kind IN ('member_with_post', 'member_without_post', 'member_outside_system') \
             AND p.period_kind = 'year' AND s.level IS NOT NULL AND s.stage IN ('decided', 'published') \
             ORDER BY p.year, s.id";
        const ORG: &str = "SELECT p.year, p.rule_set, s.level, s.unit_id, s.id AS subject_id \
             FROM subjects s JOIN plans p ON p.id = s.plan_id \
             WHERE s.org_id = $1 AND s.kind = 'organisation' \
             AND p.period_kind = 'year' AND s.level IS NOT NULL AND s.stage IN ('decided', 'published') \
             ORDER BY p.year, s.id";
        let (sql, id) = match rated {
            Rated::Member(id) => (MEMBER, id),
            Rated::Org(id) => (ORG, id),
        };
        Ok(on_conn!(self, c => sqlx::query_as(sql).bind(id).fetch_all(c).await?))
    }

    /// The organisations `org` came from: the sources of a merger it was the target of, or of the
    /// split that created it as a part, with the day.
    pub async fn org_predecessors(&mut self, org: Uuid) -> Result<Vec<Predecessor>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT src.org_id, e.effective_on, e.kind FROM org_event_orgs me \
             JOIN org_events e ON e.id = me.event_id \
             JOIN org_event_orgs src ON src.event_id = e.id AND src.role = 'source' \
             WHERE me.org_id = $1 AND ((e.kind = 'merge' AND me.role = 'target') OR (e.kind = 'split' AND me.role = 'part')) \
             ORDER BY e.effective_on, src.org_id",
        ).bind(org).fetch_all(c).await?))
    }

    /// Records an award proposal; `false` when the same award of the year is already proposed.
    pub async fn insert_award_proposal(&mut self, new: &NewAwardProposal) -> Result<Option<Uuid>> {
        let stamp = self.stamp_owned()?;
        let (member, org) = new.rated.columns();
        let existing: Option<Uuid> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT id FROM award_proposals WHERE (member_id = $1 OR org_id = $2) AND year = $3 AND award = $4",
        ).bind(member).bind(org).bind(new.year).bind(&new.award).fetch_optional(c).await?);
        if existing.is_some() {
            return Ok(None);
        }
        let id = Uuid::now_v7();
        on_conn!(self, c => sqlx::query(
            "INSERT INTO award_proposals (id, member_id, org_id, year, award, title, proposed_by_org_id, basis, \
             changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id).bind(member).bind(org).bind(new.year).bind(&new.award).bind(&new.title)
        .bind(new.proposed_by).bind(&new.basis).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("award_proposals", id.to_string(), "insert");
        Ok(Some(id))
    }

    /// The award proposals `org` made for `year`, in the order made.
    pub async fn award_proposals_by(&mut self, org: Uuid, year: i64) -> Result<Vec<AwardProposal>> {
        let rows: Vec<AwardRow> = on_conn!(self, c => sqlx::query_as(
            "SELECT id, member_id, org_id, year, award, title, proposed_by_org_id, basis, changed_by, changed_at \
             FROM award_proposals WHERE proposed_by_org_id = $1 AND year = $2 ORDER BY id",
        ).bind(org).bind(year).fetch_all(c).await?);
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(AwardProposal {
                    id: r.id,
                    record: NewAwardProposal {
                        rated: Rated::from_columns(r.member_id, r.org_id)?,
                        year: r.year,
                        award: r.award,
                        title: r.title,
                        proposed_by: r.proposed_by_org_id,
                        basis: r.basis,
                    },
                    changed_by: r.changed_by,
                    changed_at: r.changed_at,
                })
            })
            .collect())
    }

    /// Registers or changes the subject's commitment: a new one with `version` 0, else the one
    /// of `version` (`None` when it changed since).
    pub async fn save_commitment(
        &mut self,
        new: &NewCommitment,
        version: i64,
    ) -> Result<Option<Commitment>> {
        let stamp = self.stamp_owned()?;
        let (member, org) = new.rated.columns();
        let written = if version == 0 {
            let id = Uuid::now_v7();
            let inserted = on_conn!(self, c => sqlx::query(
                "INSERT INTO commitments (id, subject_id, member_id, org_id, for_year, target_level, pledges, \
                 registered_on, version, changed_by, changed_at) \
                 SELECT $1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10 \
                 WHERE NOT EXISTS (SELECT 1 FROM commitments WHERE subject_id = $2)",
            )
            .bind(id).bind(new.subject_id).bind(member).bind(org).bind(new.for_year)
            .bind(&new.target_level).bind(&new.pledges).bind(new.registered_on)
            .bind(&stamp.by).bind(stamp.at)
            .execute(c).await?.rows_affected());
            (inserted == 1).then_some((id, "insert"))
        } else {
            let id: Option<Uuid> = on_conn!(self, c => sqlx::query_scalar(
                "UPDATE commitments SET target_level = $1, pledges = $2, registered_on = $3, \
                 version = version + 1, changed_by = $4, changed_at = $5 \
                 WHERE subject_id = $6 AND version = $7 RETURNING id",
            )
            .bind(&new.target_level).bind(&new.pledges).bind(new.registered_on)
            .bind(&stamp.by).bind(stamp.at).bind(new.subject_id).bind(version)
            .fetch_optional(c).await?);
            id.map(|id| (id, "update"))
        };
        let Some((id, change)) = written else {
            return Ok(None);
        };
        self.record("commitments", id.to_string(), change);
        self.commitment_of_subject(new.subject_id).await
    }

    /// The commitment a subject registered, if any.
    pub async fn commitment_of_subject(&mut self, subject: Uuid) -> Result<Option<Commitment>> {
        const SQL: &str = "SELECT id, subject_id, member_id, org_id, for_year, target_level, pledges, \
             registered_on, version, changed_by, changed_at FROM commitments \
             WHERE subject_id = $1";
        let row: Option<CommitmentRow> =
            on_conn!(self, c => sqlx::query_as(SQL).bind(subject).fetch_optional(c).await?);
        Ok(row.and_then(CommitmentRow::into_commitment))
    }

    /// The commitment `rated` registered for `year` (the latest, if several subjects did).
    pub async fn commitment_for(&mut self, rated: Rated, year: i64) -> Result<Option<Commitment>> {
        const SQL: &str = "SELECT id, subject_id, member_id, org_id, for_year, target_level, pledges, \
             registered_on, version, changed_by, changed_at FROM commitments \
             WHERE (member_id = $1 OR org_id = $2) AND for_year = $3 ORDER BY changed_at DESC, id DESC";
        let (member, org) = rated.columns();
        let row: Option<CommitmentRow> = on_conn!(self, c => sqlx::query_as(SQL)
            .bind(member).bind(org).bind(year).fetch_optional(c).await?);
        Ok(row.and_then(CommitmentRow::into_commitment))
    }

    /// The members rated in `year` (decided at KHTNV in a yearly plan, or any level from the
    /// archives) in a unit of `root`'s subtree as it stood on `on`, each with that unit; the caller
    /// reads their history.
    pub async fn members_rated_in_subtree(
        &mut self,
        root: Uuid,
        year: i64,
        on: Date,
    ) -> Result<Vec<(Uuid, Option<Uuid>)>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT s.member_id, s.unit_id FROM subjects s JOIN plans p ON p.id = s.plan_id \
             WHERE p.year = $1 AND p.period_kind = 'year' AND s.member_id IS NOT NULL AND s.level = 'KHTNV' \
             AND s.stage IN ('decided', 'published') AND s.unit_id IN (SELECT descendant_id FROM org_closure \
             WHERE ancestor_id = $2 AND valid_from <= $3 AND valid_to > $3) \
             UNION SELECT l.member_id, l.rated_in_org_id FROM past_levels l \
             WHERE l.year = $1 AND l.member_id IS NOT NULL AND l.rated_in_org_id IN (SELECT descendant_id FROM org_closure \
             WHERE ancestor_id = $2 AND valid_from <= $3 AND valid_to > $3)",
        ).bind(year).bind(root).bind(on).fetch_all(c).await?))
    }
}
