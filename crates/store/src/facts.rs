//! Facts gathered during the year for a subject (*sự việc được ghi nhận*) and remediation items
//! (*hạn chế, khuyết điểm và biện pháp khắc phục*).
//!
//! A fact is stored as its code and a JSON value the app writes and reads; the store keeps the
//! history (append-only: the latest record of a fact is in force) with its source document and
//! who recorded it. What a fact means for a level is the rules crate's.
//!
//! A remediation item belongs to the person or body it is about (`entity`), found at one review
//! (`found_subject`), so that the next year's review of the same person or body finds it.

use crate::db::{Tx, on_conn};
use crate::error::{Result, StoreError};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The source document of a fact (văn bản căn cứ): its number, date and issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDocument {
    pub number: String,
    pub date: Date,
    pub issuer: String,
}

/// A fact to record about a subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubjectFact {
    /// The fact's code (`confidence_vote`, `degradation`, `discipline_counted_before` …).
    pub fact: String,
    /// For a fact about a discipline record: that record.
    pub discipline: Option<Uuid>,
    /// The value, as JSON text.
    pub value: String,
    pub document: SourceDocument,
    pub note: String,
}

/// A fact as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectFact {
    pub id: Uuid,
    pub subject_id: Uuid,
    pub record: NewSubjectFact,
    pub recorded_by: String,
    pub recorded_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct FactRow {
    id: Uuid,
    subject_id: Uuid,
    fact: String,
    discipline_id: Option<Uuid>,
    value: String,
    doc_number: String,
    doc_date: Date,
    doc_issuer: String,
    note: String,
    recorded_by: String,
    recorded_at: OffsetDateTime,
}

impl From<FactRow> for SubjectFact {
    fn from(row: FactRow) -> SubjectFact {
        SubjectFact {
            id: row.id,
            subject_id: row.subject_id,
            record: NewSubjectFact {
                fact: row.fact,
                discipline: row.discipline_id,
                value: row.value,
                document: SourceDocument {
                    number: row.doc_number,
                    date: row.doc_date,
                    issuer: row.doc_issuer,
                },
                note: row.note,
            },
            recorded_by: row.recorded_by,
            recorded_at: row.recorded_at,
        }
    }
}

const FACT_COLUMNS: &str = "id, subject_id, fact, discipline_id, value, doc_number, doc_date, \
    doc_issuer, note, recorded_by, recorded_at";

/// Whose a remediation item is: a member (an individual, leader or not), an organisation or a
/// collective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RemediationEntity {
    Member(Uuid),
    Org(Uuid),
    Collective(Uuid),
}

impl RemediationEntity {
    pub fn parts(self) -> (&'static str, Uuid) {
        match self {
            RemediationEntity::Member(id) => ("member", id),
            RemediationEntity::Org(id) => ("org", id),
            RemediationEntity::Collective(id) => ("collective", id),
        }
    }

    fn from_parts(kind: &str, id: Uuid) -> Result<RemediationEntity> {
        match kind {
            "member" => Ok(RemediationEntity::Member(id)),
            "org" => Ok(RemediationEntity::Org(id)),
            "collective" => Ok(RemediationEntity::Collective(id)),
            other => Err(StoreError::Corrupt(format!(
                "hạn chế, khuyết điểm của đối tượng loại «{other}»"
            ))),
        }
    }
}

/// A shortcoming found at a review and what is to be done about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRemediation {
    pub shortcoming: String,
    pub measure: String,
    /// The people responsible (người chịu trách nhiệm).
    pub responsible: String,
    pub due_on: Date,
}

/// A remediation item as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remediation {
    pub id: Uuid,
    pub found_subject_id: Uuid,
    pub entity: RemediationEntity,
    pub found_year: i32,
    pub item: NewRemediation,
    /// `open`, `in_progress` or `done`.
    pub status: String,
    /// What was done (kết quả khắc phục).
    pub outcome: String,
    pub done_on: Option<Date>,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct RemediationRow {
    id: Uuid,
    found_subject_id: Uuid,
    entity_kind: String,
    entity_id: Uuid,
    found_year: i64,
    shortcoming: String,
    measure: String,
    responsible: String,
    due_on: Date,
    status: String,
    outcome: String,
    done_on: Option<Date>,
    changed_by: String,
    changed_at: OffsetDateTime,
}

impl TryFrom<RemediationRow> for Remediation {
    type Error = StoreError;

    fn try_from(row: RemediationRow) -> Result<Remediation> {
        Ok(Remediation {
            id: row.id,
            found_subject_id: row.found_subject_id,
            entity: RemediationEntity::from_parts(&row.entity_kind, row.entity_id)?,
            found_year: i32::try_from(row.found_year)
                .map_err(|_| StoreError::Corrupt(format!("năm {}", row.found_year)))?,
            item: NewRemediation {
                shortcoming: row.shortcoming,
                measure: row.measure,
                responsible: row.responsible,
                due_on: row.due_on,
            },
            status: row.status,
            outcome: row.outcome,
            done_on: row.done_on,
            changed_by: row.changed_by,
            changed_at: row.changed_at,
        })
    }
}

const REMEDIATION_COLUMNS: &str = "id, found_subject_id, entity_kind, entity_id, found_year, \
    shortcoming, measure, responsible, due_on, status, outcome, done_on, changed_by, changed_at";

impl Tx {
    /// Records a fact about a subject (a new record; earlier ones stay as its history).
    pub async fn add_subject_fact(&mut self, subject: Uuid, fact: &NewSubjectFact) -> Result<Uuid> {
        let stamp = self.stamp_owned()?;
        let id = Uuid::now_v7();
        on_conn!(self, c => sqlx::query(
            "INSERT INTO subject_facts (id, subject_id, fact, discipline_id, value, doc_number, doc_date, \
             doc_issuer, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(id).bind(subject).bind(&fact.fact).bind(fact.discipline).bind(&fact.value)
        .bind(&fact.document.number).bind(fact.document.date).bind(&fact.document.issuer)
        .bind(&fact.note).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("subject_facts", id.to_string(), "insert");
        Ok(id)
    }

    /// Every fact recorded about `subject`, oldest first (the last of a fact is in force).
    pub async fn subject_facts(&mut self, subject: Uuid) -> Result<Vec<SubjectFact>> {
        let sql = format!(
            "SELECT {FACT_COLUMNS} FROM subject_facts WHERE subject_id = $1 ORDER BY recorded_at, id"
        );
        let rows: Vec<FactRow> = on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(subject).fetch_all(c).await?);
        Ok(rows.into_iter().map(SubjectFact::from).collect())
    }

    /// Every fact recorded about the discipline record `discipline`, whichever subject it was
    /// recorded at, oldest first.
    pub async fn discipline_facts(&mut self, discipline: Uuid) -> Result<Vec<SubjectFact>> {
        let sql = format!(
            "SELECT {FACT_COLUMNS} FROM subject_facts WHERE discipline_id = $1 ORDER BY recorded_at, id"
        );
        let rows: Vec<FactRow> = on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(discipline).fetch_all(c).await?);
        Ok(rows.into_iter().map(SubjectFact::from).collect())
    }

    /// Records a shortcoming found at the review of `found_subject` (status `open`).
    pub async fn add_remediation(
        &mut self,
        found_subject: Uuid,
        entity: RemediationEntity,
        found_year: i32,
        item: &NewRemediation,
    ) -> Result<Uuid> {
        let stamp = self.stamp_owned()?;
        let id = Uuid::now_v7();
        let (kind, entity_id) = entity.parts();
        on_conn!(self, c => sqlx::query(
            "INSERT INTO remediation_items (id, found_subject_id, entity_kind, entity_id, found_year, \
             shortcoming, measure, responsible, due_on, status, outcome, done_on, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', '', NULL, $10, $11)",
        )
        .bind(id).bind(found_subject).bind(kind).bind(entity_id).bind(i64::from(found_year))
        .bind(&item.shortcoming).bind(&item.measure).bind(&item.responsible).bind(item.due_on)
        .bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("remediation_items", id.to_string(), "insert");
        Ok(id)
    }

    /// Changes an item's status and what was done (`done_on` set exactly when `done`).
    pub async fn update_remediation(
        &mut self,
        id: Uuid,
        status: &str,
        outcome: &str,
        done_on: Option<Date>,
    ) -> Result<()> {
        let stamp = self.stamp_owned()?;
        if (status == "done") != done_on.is_some() {
            return Err(StoreError::invalid(
                "ngày khắc phục xong ghi khi và chỉ khi đã khắc phục xong",
            ));
        }
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE remediation_items SET status = $1, outcome = $2, done_on = $3, changed_by = $4, \
             changed_at = $5 WHERE id = $6",
        )
        .bind(status).bind(outcome).bind(done_on).bind(&stamp.by).bind(stamp.at).bind(id)
        .execute(c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::not_found("hạn chế, khuyết điểm", id));
        }
        self.record("remediation_items", id.to_string(), "update");
        Ok(())
    }

    pub async fn remediation(&mut self, id: Uuid) -> Result<Option<Remediation>> {
        let sql = format!("SELECT {REMEDIATION_COLUMNS} FROM remediation_items WHERE id = $1");
        let row: Option<RemediationRow> = on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id).fetch_optional(c).await?);
        row.map(Remediation::try_from).transpose()
    }

    /// The items found at the review of `subject`, in the order recorded.
    pub async fn remediations_found_at(&mut self, subject: Uuid) -> Result<Vec<Remediation>> {
        let sql = format!(
            "SELECT {REMEDIATION_COLUMNS} FROM remediation_items WHERE found_subject_id = $1 ORDER BY id"
        );
        let rows: Vec<RemediationRow> = on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(subject).fetch_all(c).await?);
        rows.into_iter().map(Remediation::try_from).collect()
    }

    /// The items about `entity` found at reviews of years before `year`, oldest first.
    pub async fn remediations_before(
        &mut self,
        entity: RemediationEntity,
        year: i32,
    ) -> Result<Vec<Remediation>> {
        let (kind, id) = entity.parts();
        let sql = format!(
            "SELECT {REMEDIATION_COLUMNS} FROM remediation_items WHERE entity_kind = $1 AND entity_id = $2 \
             AND found_year < $3 ORDER BY found_year, id"
        );
        let rows: Vec<RemediationRow> = on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(kind).bind(id).bind(i64::from(year)).fetch_all(c).await?);
        rows.into_iter().map(Remediation::try_from).collect()
    }

    /// The items not done and due by `on` that concern the plan `plan` (of year `year`): found at
    /// one of its subjects, or found at an earlier year's review of a person or body that is one
    /// of its subjects (carried into it). In order of due date.
    pub async fn remediations_due(
        &mut self,
        plan: Uuid,
        year: i32,
        on: Date,
    ) -> Result<Vec<Remediation>> {
        let sql = format!(
            "SELECT {REMEDIATION_COLUMNS} FROM remediation_items r WHERE r.status <> 'done' AND r.due_on <= $2 \
             AND (r.found_subject_id IN (SELECT id FROM subjects WHERE plan_id = $1) \
             OR (r.found_year < $3 AND EXISTS (SELECT 1 FROM subjects s WHERE s.plan_id = $1 AND ( \
               (r.entity_kind = 'org' AND s.kind = 'organisation' AND COALESCE(s.org_id, s.unit_id) = r.entity_id) \
               OR (r.entity_kind = 'collective' AND s.kind = 'collective' AND s.collective_id = r.entity_id) \
               OR (r.entity_kind = 'member' AND s.kind NOT IN ('organisation', 'collective') \
                   AND COALESCE(s.member_id, s.leader_id) = r.entity_id))))) \
             ORDER BY r.due_on, r.id"
        );
        let rows: Vec<RemediationRow> = on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(plan).bind(on).bind(i64::from(year)).fetch_all(c).await?);
        rows.into_iter().map(Remediation::try_from).collect()
    }
}
