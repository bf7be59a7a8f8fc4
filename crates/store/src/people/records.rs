//! A member's dated records: statuses (miễn sinh hoạt, đình chỉ …) and leave as half-open
//! periods, and discipline decisions. What they mean for a review is the rules crate's; this
//! module keeps the facts.

use crate::date::{OPEN_END, format_vn, from_stored_end, to_stored_end};
use crate::db::{Tx, on_conn};
use crate::error::{Result, StoreError};
use kiemdiem_rules::{DisciplineForm, LeaveKind, StatusKind};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A dated status (miễn sinh hoạt, đình chỉ …) or leave period; `valid_to` is exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period<K> {
    pub id: Uuid,
    pub member_id: Uuid,
    pub kind: K,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub note: String,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

/// A status period (miễn công tác và sinh hoạt đảng, đình chỉ sinh hoạt …).
pub type Status = Period<StatusKind>;
/// A leave period (nghỉ ốm, nghỉ thai sản).
pub type Leave = Period<LeaveKind>;

/// A discipline decision (quyết định kỷ luật).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDiscipline {
    pub form: DisciplineForm,
    pub violation_on: Date,
    pub decided_on: Date,
    /// The organisation where the violation happened (may differ from the member's branch now).
    pub violation_org: Option<Uuid>,
    /// The organisation that decided.
    pub deciding_org: Option<Uuid>,
    /// Vi phạm liên quan đến thực hiện nhiệm vụ.
    pub duty_related: bool,
    /// Tự phát hiện, tự khắc phục.
    pub self_detected_remedied: bool,
    pub note: String,
}

/// A discipline decision as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discipline {
    pub id: Uuid,
    pub member_id: Uuid,
    pub record: NewDiscipline,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct PeriodRow {
    id: Uuid,
    member_id: Uuid,
    kind: String,
    valid_from: Date,
    valid_to: Date,
    note: String,
    changed_by: String,
    changed_at: OffsetDateTime,
}

impl PeriodRow {
    fn into_period<K>(self, parse: fn(&str) -> Option<K>) -> Result<Period<K>> {
        Ok(Period {
            id: self.id,
            member_id: self.member_id,
            kind: parse(&self.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("loại «{}»", self.kind)))?,
            valid_from: self.valid_from,
            valid_to: from_stored_end(self.valid_to),
            note: self.note,
            changed_by: self.changed_by,
            changed_at: self.changed_at,
        })
    }
}

/// The two tables of dated periods, which share their columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PeriodTable {
    Statuses,
    Leaves,
}

impl PeriodTable {
    fn name(self) -> &'static str {
        match self {
            PeriodTable::Statuses => "member_statuses",
            PeriodTable::Leaves => "member_leaves",
        }
    }

    fn select_sql(self) -> &'static str {
        match self {
            PeriodTable::Statuses => {
                "SELECT id, member_id, kind, valid_from, valid_to, note, changed_by, changed_at \
                 FROM member_statuses WHERE member_id = $1 ORDER BY valid_from, changed_at"
            }
            PeriodTable::Leaves => {
                "SELECT id, member_id, kind, valid_from, valid_to, note, changed_by, changed_at \
                 FROM member_leaves WHERE member_id = $1 ORDER BY valid_from, changed_at"
            }
        }
    }

    fn insert_sql(self) -> &'static str {
        match self {
            PeriodTable::Statuses => {
                "INSERT INTO member_statuses (id, member_id, kind, valid_from, valid_to, note, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            }
            PeriodTable::Leaves => {
                "INSERT INTO member_leaves (id, member_id, kind, valid_from, valid_to, note, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            }
        }
    }

    fn end_sql(self) -> &'static str {
        match self {
            PeriodTable::Statuses => {
                "UPDATE member_statuses SET valid_to = $2, closed_by = $3, closed_at = $4 WHERE id = $1 AND valid_to = $5 AND valid_from < $2"
            }
            PeriodTable::Leaves => {
                "UPDATE member_leaves SET valid_to = $2, closed_by = $3, closed_at = $4 WHERE id = $1 AND valid_to = $5 AND valid_from < $2"
            }
        }
    }
}

#[derive(sqlx::FromRow)]
struct DisciplineRow {
    id: Uuid,
    member_id: Uuid,
    form: String,
    violation_on: Date,
    decided_on: Date,
    violation_org_id: Option<Uuid>,
    deciding_org_id: Option<Uuid>,
    duty_related: bool,
    self_detected_remedied: bool,
    note: String,
    changed_by: String,
    changed_at: OffsetDateTime,
}

impl Tx {
    /// Records a status from `from` until `to` (exclusive; `None` = until ended).
    pub async fn add_status(
        &mut self,
        member: Uuid,
        kind: StatusKind,
        from: Date,
        to: Option<Date>,
        note: &str,
    ) -> Result<Uuid> {
        self.insert_period(PeriodTable::Statuses, member, kind.code(), from, to, note)
            .await
    }

    /// Ends an open status on `on`.
    pub async fn end_status(&mut self, id: Uuid, on: Date) -> Result<()> {
        self.end_period(PeriodTable::Statuses, id, on).await
    }

    /// Every status of the member, in date order.
    pub async fn statuses(&mut self, member: Uuid) -> Result<Vec<Status>> {
        self.periods(PeriodTable::Statuses, member, StatusKind::parse)
            .await
    }

    /// The statuses in force on `on`.
    pub async fn statuses_as_of(&mut self, member: Uuid, on: Date) -> Result<Vec<Status>> {
        Ok(self
            .statuses(member)
            .await?
            .into_iter()
            .filter(|s| s.valid_from <= on && s.valid_to.is_none_or(|to| to > on))
            .collect())
    }

    /// Records a leave period from `from` until `to` (exclusive).
    pub async fn add_leave(
        &mut self,
        member: Uuid,
        kind: LeaveKind,
        from: Date,
        to: Option<Date>,
        note: &str,
    ) -> Result<Uuid> {
        self.insert_period(PeriodTable::Leaves, member, kind.code(), from, to, note)
            .await
    }

    /// Ends an open leave period on `on`.
    pub async fn end_leave(&mut self, id: Uuid, on: Date) -> Result<()> {
        self.end_period(PeriodTable::Leaves, id, on).await
    }

    /// Every leave period of the member, in date order.
    pub async fn leaves(&mut self, member: Uuid) -> Result<Vec<Leave>> {
        self.periods(PeriodTable::Leaves, member, LeaveKind::parse)
            .await
    }

    /// Records a discipline decision.
    pub async fn add_discipline(&mut self, member: Uuid, record: &NewDiscipline) -> Result<Uuid> {
        let stamp = self.stamp_owned()?;
        if record.violation_on > record.decided_on {
            return Err(StoreError::invalid(
                "ngày vi phạm phải trước hoặc bằng ngày quyết định kỷ luật",
            ));
        }
        self.ensure_member(member).await?;
        let id = Uuid::now_v7();
        on_conn!(self, c => sqlx::query(
            "INSERT INTO discipline_records (id, member_id, form, violation_on, decided_on, violation_org_id, deciding_org_id, \
             duty_related, self_detected_remedied, note, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id).bind(member).bind(record.form.code()).bind(record.violation_on).bind(record.decided_on)
        .bind(record.violation_org).bind(record.deciding_org).bind(record.duty_related)
        .bind(record.self_detected_remedied).bind(&record.note).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("discipline_records", id.to_string(), "insert");
        Ok(id)
    }

    /// Every discipline decision about the member, in date order.
    pub async fn disciplines(&mut self, member: Uuid) -> Result<Vec<Discipline>> {
        const SQL: &str = "SELECT id, member_id, form, violation_on, decided_on, violation_org_id, deciding_org_id, \
             duty_related, self_detected_remedied, note, changed_by, changed_at \
             FROM discipline_records WHERE member_id = $1 ORDER BY decided_on, changed_at";
        let rows: Vec<DisciplineRow> =
            on_conn!(self, c => sqlx::query_as(SQL).bind(member).fetch_all(c).await?);
        rows.into_iter()
            .map(|row| {
                Ok(Discipline {
                    id: row.id,
                    member_id: row.member_id,
                    record: NewDiscipline {
                        form: DisciplineForm::parse(&row.form).ok_or_else(|| {
                            StoreError::Corrupt(format!("hình thức kỷ luật «{}»", row.form))
                        })?,
                        violation_on: row.violation_on,
                        decided_on: row.decided_on,
                        violation_org: row.violation_org_id,
                        deciding_org: row.deciding_org_id,
                        duty_related: row.duty_related,
                        self_detected_remedied: row.self_detected_remedied,
                        note: row.note,
                    },
                    changed_by: row.changed_by,
                    changed_at: row.changed_at,
                })
            })
            .collect()
    }

    async fn periods<K>(
        &mut self,
        table: PeriodTable,
        member: Uuid,
        parse: fn(&str) -> Option<K>,
    ) -> Result<Vec<Period<K>>> {
        let rows: Vec<PeriodRow> = on_conn!(self, c => sqlx::query_as(table.select_sql()).bind(member).fetch_all(c).await?);
        rows.into_iter().map(|r| r.into_period(parse)).collect()
    }

    async fn insert_period(
        &mut self,
        table: PeriodTable,
        member: Uuid,
        kind: &str,
        from: Date,
        to: Option<Date>,
        note: &str,
    ) -> Result<Uuid> {
        let stamp = self.stamp_owned()?;
        if to.is_some_and(|to| to <= from) {
            return Err(StoreError::invalid("ngày kết thúc phải sau ngày bắt đầu"));
        }
        self.ensure_member(member).await?;
        let id = Uuid::now_v7();
        on_conn!(self, c => sqlx::query(table.insert_sql())
            .bind(id).bind(member).bind(kind).bind(from).bind(to_stored_end(to)).bind(note)
            .bind(&stamp.by).bind(stamp.at).execute(c).await?.rows_affected());
        self.record(table.name(), id.to_string(), "insert");
        Ok(id)
    }

    async fn end_period(&mut self, table: PeriodTable, id: Uuid, on: Date) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let updated = on_conn!(self, c => sqlx::query(table.end_sql())
            .bind(id).bind(on).bind(&stamp.by).bind(stamp.at).bind(OPEN_END).execute(c).await?.rows_affected());
        if updated == 0 {
            return Err(StoreError::invalid(format!(
                "không có khoảng thời gian đang mở {id} bắt đầu trước ngày {}",
                format_vn(on)
            )));
        }
        self.record(table.name(), id.to_string(), "close");
        Ok(())
    }
}
