//! The rest of a person's and an organisation's file as an office keeps it (issue 13): leaders
//! outside the party by the code the office gives them, every post a person ever held (to tell a
//! post already recorded from a new one), and the civil-service ratings of the year (xếp loại
//! công chức, viên chức). Knows no rule: what a rating means is the rules crate's.

use crate::date::from_stored_end;
use crate::db::{Tx, on_conn};
use crate::error::Result;
use crate::leadership::NewLeader;
use crate::text::{clean_name, sort_key};
use kiemdiem_rules::{Level, PositionKind};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A leader who is not a party member, as an office lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLeader {
    pub id: Uuid,
    pub code: Option<String>,
    pub full_name: String,
    pub birth_date: Option<Date>,
    pub employer_unit: String,
}

/// A post as recorded, whatever its dates.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PostRecord {
    pub id: Uuid,
    pub member_id: Option<Uuid>,
    pub leader_id: Option<Uuid>,
    pub kind: String,
    pub org_id: Option<Uuid>,
    pub collective_id: Option<Uuid>,
    pub title: String,
    pub valid_from: Date,
    pub valid_to: Date,
}

impl PostRecord {
    pub fn kind(&self) -> Option<PositionKind> {
        PositionKind::parse(&self.kind)
    }

    /// The last day excluded, `None` while held.
    pub fn until(&self) -> Option<Date> {
        from_stored_end(self.valid_to)
    }
}

/// A civil-service rating of a year (xếp loại công chức, viên chức).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CivilServiceRating {
    pub member_id: Uuid,
    pub year: i32,
    pub level: Level,
    /// The agency that rated (cơ quan, đơn vị đánh giá).
    pub rated_by: String,
    pub note: String,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

impl Tx {
    /// The leader outside the party the office knows by `code`.
    pub async fn leader_by_code(&mut self, code: &str) -> Result<Option<StoredLeader>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: Uuid,
            code: Option<String>,
            full_name: String,
            birth_date: Option<Date>,
            employer_unit: String,
        }
        let row: Option<Row> = on_conn!(self, c => sqlx::query_as(
            "SELECT id, code, full_name, birth_date, employer_unit FROM non_member_leaders WHERE code = $1",
        ).bind(code.trim()).fetch_optional(c).await?);
        Ok(row.map(|r| StoredLeader {
            id: r.id,
            code: r.code,
            full_name: r.full_name,
            birth_date: r.birth_date,
            employer_unit: r.employer_unit,
        }))
    }

    /// Records a leader outside the party under the office's `code`.
    pub async fn create_coded_leader(&mut self, code: &str, new: &NewLeader) -> Result<Uuid> {
        let stamp = self.stamp_owned()?;
        let name = clean_name(&new.full_name);
        let id = Uuid::now_v7();
        on_conn!(self, c => sqlx::query(
            "INSERT INTO non_member_leaders (id, code, full_name, sort_key, birth_date, employer_unit, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id).bind(code.trim()).bind(&name).bind(sort_key(&name)).bind(new.birth_date)
        .bind(clean_name(&new.employer_unit)).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("non_member_leaders", id.to_string(), "insert");
        Ok(id)
    }

    /// Every post held by a member (or, with `leader`, a leader outside the party), ever.
    pub async fn post_records(
        &mut self,
        member: Option<Uuid>,
        leader: Option<Uuid>,
    ) -> Result<Vec<PostRecord>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT id, member_id, leader_id, kind, org_id, collective_id, title, valid_from, valid_to FROM positions \
             WHERE ($1 IS NOT NULL AND member_id = $1) OR ($2 IS NOT NULL AND leader_id = $2) ORDER BY valid_from, id",
        ).bind(member).bind(leader).fetch_all(c).await?))
    }

    /// Records (or replaces) a member's civil-service rating of `year`; false when the same
    /// rating was already recorded (nothing written).
    pub async fn put_civil_service_rating(
        &mut self,
        member: Uuid,
        year: i32,
        level: Level,
        rated_by: &str,
        note: &str,
    ) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        if let Some(existing) = self.civil_service_rating(member, year).await?
            && existing.level == level
            && existing.rated_by == rated_by
            && existing.note == note
        {
            return Ok(false);
        }
        on_conn!(self, c => {
            sqlx::query("DELETE FROM civil_service_ratings WHERE member_id = $1 AND year = $2")
                .bind(member).bind(i64::from(year)).execute(&mut *c).await?;
            sqlx::query(
                "INSERT INTO civil_service_ratings (member_id, year, level, rated_by, note, changed_by, changed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(member).bind(i64::from(year)).bind(level.code()).bind(rated_by).bind(note)
            .bind(&stamp.by).bind(stamp.at).execute(&mut *c).await?;
        });
        self.record(
            "civil_service_ratings",
            format!("{member}/{year}"),
            "replace",
        );
        Ok(true)
    }

    /// A member's civil-service rating of `year`, if recorded.
    pub async fn civil_service_rating(
        &mut self,
        member: Uuid,
        year: i32,
    ) -> Result<Option<CivilServiceRating>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            member_id: Uuid,
            year: i64,
            level: String,
            rated_by: String,
            note: String,
            changed_by: String,
            changed_at: OffsetDateTime,
        }
        let row: Option<Row> = on_conn!(self, c => sqlx::query_as(
            "SELECT member_id, year, level, rated_by, note, changed_by, changed_at FROM civil_service_ratings \
             WHERE member_id = $1 AND year = $2",
        ).bind(member).bind(i64::from(year)).fetch_optional(c).await?);
        Ok(row.and_then(|r| {
            Some(CivilServiceRating {
                member_id: r.member_id,
                year: r.year as i32,
                level: Level::parse(&r.level)?,
                rated_by: r.rated_by,
                note: r.note,
                changed_by: r.changed_by,
                changed_at: r.changed_at,
            })
        }))
    }
}
