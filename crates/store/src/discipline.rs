//! Discipline decisions about bodies (*kỷ luật tổ chức đảng, tập thể*): a party organisation or a
//! leadership collective reprimanded or warned (Điều lệ Đảng Điều 36), with whether the case was
//! one of corruption, waste or negativity. Members' own discipline records are in
//! [`crate::people`]; this module also counts them where the violation happened.
//!
//! What a discipline means for a level is the rules crate's; the store keeps the facts.

use crate::db::{Tx, on_conn};
use crate::error::{Result, StoreError};
use kiemdiem_rules::DisciplineForm;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The body a discipline is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DisciplinedBody {
    Org(Uuid),
    Collective(Uuid),
}

impl DisciplinedBody {
    /// The body as an audit entity: (`org` or `collective`, its id).
    pub fn entity(self) -> (&'static str, Uuid) {
        match self {
            DisciplinedBody::Org(id) => ("org", id),
            DisciplinedBody::Collective(id) => ("collective", id),
        }
    }
}

/// A discipline decision about a body, to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUnitDiscipline {
    /// Khiển trách or cảnh cáo (giải tán is the organisation's dissolution in the tree).
    pub form: DisciplineForm,
    pub violation_on: Date,
    pub decided_on: Date,
    /// The organisation whose committee decided.
    pub deciding_org: Option<Uuid>,
    /// For a case of corruption, waste or negativity (tham nhũng, lãng phí, tiêu cực).
    pub corruption_case: bool,
    /// Self-detected and consequences remedied (tự phát hiện, khắc phục xong hậu quả).
    pub self_detected_remedied: bool,
    pub note: String,
}

/// A discipline decision about a body, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitDiscipline {
    pub id: Uuid,
    pub body: DisciplinedBody,
    pub record: NewUnitDiscipline,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct UnitDisciplineRow {
    id: Uuid,
    org_id: Option<Uuid>,
    collective_id: Option<Uuid>,
    form: String,
    violation_on: Date,
    decided_on: Date,
    deciding_org_id: Option<Uuid>,
    corruption_case: bool,
    self_detected_remedied: bool,
    note: String,
    changed_by: String,
    changed_at: OffsetDateTime,
}

impl TryFrom<UnitDisciplineRow> for UnitDiscipline {
    type Error = StoreError;

    fn try_from(row: UnitDisciplineRow) -> Result<UnitDiscipline> {
        let body = match (row.org_id, row.collective_id) {
            (Some(org), None) => DisciplinedBody::Org(org),
            (None, Some(collective)) => DisciplinedBody::Collective(collective),
            _ => {
                return Err(StoreError::Corrupt(format!(
                    "kỷ luật tập thể {} không gắn với đúng một tổ chức hoặc tập thể",
                    row.id
                )));
            }
        };
        Ok(UnitDiscipline {
            id: row.id,
            body,
            record: NewUnitDiscipline {
                form: DisciplineForm::parse(&row.form).ok_or_else(|| {
                    StoreError::Corrupt(format!("hình thức kỷ luật «{}»", row.form))
                })?,
                violation_on: row.violation_on,
                decided_on: row.decided_on,
                deciding_org: row.deciding_org_id,
                corruption_case: row.corruption_case,
                self_detected_remedied: row.self_detected_remedied,
                note: row.note,
            },
            changed_by: row.changed_by,
            changed_at: row.changed_at,
        })
    }
}

macro_rules! select_where {
    ($column:literal) => {
        concat!(
            "SELECT id, org_id, collective_id, form, violation_on, decided_on, deciding_org_id, ",
            "corruption_case, self_detected_remedied, note, changed_by, changed_at ",
            "FROM unit_discipline_records WHERE ",
            $column,
            " = $1 ORDER BY decided_on, changed_at"
        )
    };
}

impl Tx {
    /// Records a discipline decision about an organisation or a collective.
    pub async fn add_unit_discipline(
        &mut self,
        body: DisciplinedBody,
        record: &NewUnitDiscipline,
    ) -> Result<Uuid> {
        let stamp = self.stamp_owned()?;
        if !record.form.applies_to_bodies() {
            return Err(StoreError::invalid(format!(
                "hình thức kỷ luật tổ chức, tập thể là khiển trách hoặc cảnh cáo (không phải {})",
                record.form.name_vi().to_lowercase()
            )));
        }
        if record.violation_on > record.decided_on {
            return Err(StoreError::invalid(
                "ngày vi phạm phải trước hoặc bằng ngày quyết định kỷ luật",
            ));
        }
        let (org, collective) = match body {
            DisciplinedBody::Org(org) => (Some(org), None),
            DisciplinedBody::Collective(collective) => (None, Some(collective)),
        };
        let id = Uuid::now_v7();
        on_conn!(self, c => sqlx::query(
            "INSERT INTO unit_discipline_records (id, org_id, collective_id, form, violation_on, decided_on, \
             deciding_org_id, corruption_case, self_detected_remedied, note, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id).bind(org).bind(collective).bind(record.form.code()).bind(record.violation_on)
        .bind(record.decided_on).bind(record.deciding_org).bind(record.corruption_case)
        .bind(record.self_detected_remedied).bind(&record.note).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("unit_discipline_records", id.to_string(), "insert");
        Ok(id)
    }

    /// Every discipline decision about the body, in date order.
    pub async fn unit_disciplines(&mut self, body: DisciplinedBody) -> Result<Vec<UnitDiscipline>> {
        let (sql, id) = match body {
            DisciplinedBody::Org(id) => (select_where!("org_id"), id),
            DisciplinedBody::Collective(id) => (select_where!("collective_id"), id),
        };
        let rows: Vec<UnitDisciplineRow> =
            on_conn!(self, c => sqlx::query_as(sql).bind(id).fetch_all(c).await?);
        rows.into_iter().map(UnitDiscipline::try_from).collect()
    }

    /// The body a discipline record is about, if `id` is a body's record.
    pub async fn unit_discipline_body(&mut self, id: Uuid) -> Result<Option<DisciplinedBody>> {
        let row: Option<(Option<Uuid>, Option<Uuid>)> = on_conn!(self, c => sqlx::query_as(
            "SELECT org_id, collective_id FROM unit_discipline_records WHERE id = $1",
        ).bind(id).fetch_optional(c).await?);
        Ok(row.and_then(|(org, collective)| match (org, collective) {
            (Some(org), None) => Some(DisciplinedBody::Org(org)),
            (None, Some(collective)) => Some(DisciplinedBody::Collective(collective)),
            _ => None,
        }))
    }

    /// Where a member's discipline record belongs, for the scope: the place of the violation and
    /// the member's official branch on the day of the violation (either may be unknown); `None`
    /// when there is no such record.
    pub async fn member_discipline_places(
        &mut self,
        id: Uuid,
    ) -> Result<Option<(Option<Uuid>, Option<Uuid>)>> {
        let row: Option<(Uuid, Option<Uuid>, Date)> = on_conn!(self, c => sqlx::query_as(
            "SELECT member_id, violation_org_id, violation_on FROM discipline_records WHERE id = $1",
        ).bind(id).fetch_optional(c).await?);
        let Some((member, violation_org, violation_on)) = row else {
            return Ok(None);
        };
        let branch = self
            .branch_of(
                member,
                crate::people::MembershipKind::Official,
                violation_on,
            )
            .await?;
        Ok(Some((violation_org, branch)))
    }

    /// Removes a body's discipline record entered by mistake; returns it, or `None` when there is
    /// no such record.
    pub async fn remove_unit_discipline(&mut self, id: Uuid) -> Result<Option<UnitDiscipline>> {
        const SQL: &str = "SELECT id, org_id, collective_id, form, violation_on, decided_on, deciding_org_id, \
             corruption_case, self_detected_remedied, note, changed_by, changed_at \
             FROM unit_discipline_records WHERE id = $1";
        let row: Option<UnitDisciplineRow> =
            on_conn!(self, c => sqlx::query_as(SQL).bind(id).fetch_optional(c).await?);
        let Some(row) = row else {
            return Ok(None);
        };
        let record = UnitDiscipline::try_from(row)?;
        on_conn!(self, c => sqlx::query("DELETE FROM unit_discipline_records WHERE id = $1")
            .bind(id).execute(c).await?.rows_affected());
        self.record("unit_discipline_records", id.to_string(), "delete");
        Ok(Some(record))
    }

    /// Removes a member's discipline record entered by mistake; returns the member and the
    /// record, or `None` when there is no such record.
    pub async fn remove_member_discipline(
        &mut self,
        id: Uuid,
    ) -> Result<Option<crate::people::Discipline>> {
        let member: Option<Uuid> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT member_id FROM discipline_records WHERE id = $1",
        ).bind(id).fetch_optional(c).await?);
        let Some(member) = member else {
            return Ok(None);
        };
        let record = self
            .disciplines(member)
            .await?
            .into_iter()
            .find(|d| d.id == id);
        on_conn!(self, c => sqlx::query("DELETE FROM discipline_records WHERE id = $1")
            .bind(id).execute(c).await?.rows_affected());
        self.record("discipline_records", id.to_string(), "delete");
        Ok(record)
    }

    /// The members disciplined with a decision dated `from..=to` for a violation at `org`
    /// (counted where the violation happened), each once.
    pub async fn members_disciplined_at(
        &mut self,
        org: Uuid,
        from: Date,
        to: Date,
    ) -> Result<Vec<Uuid>> {
        Ok(on_conn!(self, c => sqlx::query_scalar(
            "SELECT DISTINCT member_id FROM discipline_records \
             WHERE violation_org_id = $1 AND decided_on >= $2 AND decided_on <= $3",
        )
        .bind(org).bind(from).bind(to).fetch_all(c).await?))
    }
}
