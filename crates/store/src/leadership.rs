//! Leadership (lãnh đạo, quản lý): the collectives (tập thể lãnh đạo, quản lý) — party
//! committees, HĐND/UBND standing bodies, MTTQ and mass organisations, unit leaderships — the
//! leaders who are not party members, and the dated posts (chức vụ) people hold in
//! organisations and collectives. Whether a collective is rated as one (two or more direct
//! leaders) is the rules' business; this module keeps who sat where, when.

use crate::date::{OPEN_END, format_vn, from_stored_end};
use crate::db::{Tx, on_conn};
use crate::error::{Result, StoreError};
use crate::text::{clean_name, sort_key};
use kiemdiem_rules::PositionKind;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The kind of a leadership collective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CollectiveKind {
    /// Ban chấp hành đảng bộ / chi ủy.
    PartyCommittee,
    /// Ban thường vụ cấp ủy.
    PartyStandingCommittee,
    /// Thường trực Hội đồng nhân dân.
    PeoplesCouncilStanding,
    /// Ủy ban nhân dân (tập thể lãnh đạo).
    PeoplesCommittee,
    /// Ban thường trực Ủy ban Mặt trận Tổ quốc.
    FatherlandFront,
    /// Ban thường vụ / thường trực một tổ chức chính trị - xã hội (đoàn thể).
    MassOrganisation,
    /// Lãnh đạo cơ quan, đơn vị (ban giám đốc, lãnh đạo sở, phòng …).
    UnitLeadership,
}

impl CollectiveKind {
    pub const ALL: [CollectiveKind; 7] = [
        CollectiveKind::PartyCommittee,
        CollectiveKind::PartyStandingCommittee,
        CollectiveKind::PeoplesCouncilStanding,
        CollectiveKind::PeoplesCommittee,
        CollectiveKind::FatherlandFront,
        CollectiveKind::MassOrganisation,
        CollectiveKind::UnitLeadership,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CollectiveKind::PartyCommittee => "party_committee",
            CollectiveKind::PartyStandingCommittee => "party_standing_committee",
            CollectiveKind::PeoplesCouncilStanding => "peoples_council_standing",
            CollectiveKind::PeoplesCommittee => "peoples_committee",
            CollectiveKind::FatherlandFront => "fatherland_front",
            CollectiveKind::MassOrganisation => "mass_organisation",
            CollectiveKind::UnitLeadership => "unit_leadership",
        }
    }

    pub fn parse(code: &str) -> Option<CollectiveKind> {
        CollectiveKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// A kind by its code or its Vietnamese name, and the names offices use ("Ban Chấp hành",
    /// "Chi ủy", "Thường trực HĐND", "Lãnh đạo UBND", "Ban Thường trực UBMTTQ" …).
    pub fn parse_name(text: &str) -> Option<CollectiveKind> {
        let key = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if let Some(kind) = CollectiveKind::ALL
            .into_iter()
            .find(|k| k.code() == key || k.name_vi().to_lowercase() == key)
        {
            return Some(kind);
        }
        let starts = |prefixes: &[&str]| prefixes.iter().any(|p| key.starts_with(p));
        Some(
            if starts(&[
                "ban thường vụ cấp ủy",
                "ban thường vụ đảng ủy",
                "ban thường vụ huyện ủy",
                "ban thường vụ tỉnh ủy",
            ]) {
                CollectiveKind::PartyStandingCommittee
            } else if starts(&[
                "ban chấp hành đảng bộ",
                "đảng ủy",
                "chi ủy",
                "cấp ủy",
                "ban chấp hành",
            ]) {
                CollectiveKind::PartyCommittee
            } else if starts(&["thường trực hđnd", "thường trực hội đồng nhân dân"])
            {
                CollectiveKind::PeoplesCouncilStanding
            } else if starts(&[
                "ubnd",
                "ủy ban nhân dân",
                "lãnh đạo ubnd",
                "lãnh đạo ủy ban nhân dân",
            ]) {
                CollectiveKind::PeoplesCommittee
            } else if starts(&[
                "ban thường trực ubmttq",
                "ban thường trực ủy ban mặt trận",
                "mttq",
                "mặt trận",
            ]) {
                CollectiveKind::FatherlandFront
            } else if starts(&["đoàn thể", "tổ chức chính trị", "ban thường vụ"]) {
                CollectiveKind::MassOrganisation
            } else if starts(&["lãnh đạo", "ban giám đốc", "ban giám hiệu"]) {
                CollectiveKind::UnitLeadership
            } else {
                return None;
            },
        )
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            CollectiveKind::PartyCommittee => "Cấp ủy",
            CollectiveKind::PartyStandingCommittee => "Ban Thường vụ cấp ủy",
            CollectiveKind::PeoplesCouncilStanding => "Thường trực HĐND",
            CollectiveKind::PeoplesCommittee => "UBND",
            CollectiveKind::FatherlandFront => "Ban Thường trực UBMTTQ",
            CollectiveKind::MassOrganisation => "Tổ chức chính trị - xã hội",
            CollectiveKind::UnitLeadership => "Lãnh đạo cơ quan, đơn vị",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCollective {
    pub code: String,
    pub name: String,
    pub kind: CollectiveKind,
    /// The party organisation the collective belongs to (its scope of management).
    pub org: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collective {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: CollectiveKind,
    pub org: Uuid,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

/// A leader who is not a party member (cán bộ lãnh đạo, quản lý ngoài Đảng).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLeader {
    pub full_name: String,
    pub birth_date: Option<Date>,
    pub employer_unit: String,
}

/// Who holds a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Holder {
    Member(Uuid),
    /// A non-member leader.
    Leader(Uuid),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPosition {
    pub holder: Holder,
    pub kind: PositionKind,
    /// The party organisation the post is in (bí thư of …), if any.
    pub org: Option<Uuid>,
    /// The collective the post is in, if any.
    pub collective: Option<Uuid>,
    /// The post's own title ("Chủ tịch UBND xã", "Giám đốc Sở …"); may be empty.
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub id: Uuid,
    pub holder: Holder,
    /// The holder's name as of the query (for listings).
    pub holder_name: String,
    pub kind: PositionKind,
    pub org: Option<Uuid>,
    pub collective: Option<Uuid>,
    pub title: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

impl Position {
    /// Người đứng đầu of the body the post is in.
    pub fn is_head(&self) -> bool {
        self.kind.is_head()
    }
}

#[derive(sqlx::FromRow)]
struct CollectiveRow {
    id: Uuid,
    code: String,
    name: String,
    kind: String,
    org_id: Uuid,
    valid_from: Date,
    valid_to: Date,
    changed_by: String,
    changed_at: OffsetDateTime,
}

impl TryFrom<CollectiveRow> for Collective {
    type Error = StoreError;
    fn try_from(row: CollectiveRow) -> Result<Collective> {
        Ok(Collective {
            id: row.id,
            code: row.code,
            name: row.name,
            kind: CollectiveKind::parse(&row.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("loại tập thể «{}»", row.kind)))?,
            org: row.org_id,
            valid_from: row.valid_from,
            valid_to: from_stored_end(row.valid_to),
            changed_by: row.changed_by,
            changed_at: row.changed_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct PositionRow {
    id: Uuid,
    member_id: Option<Uuid>,
    leader_id: Option<Uuid>,
    holder_name: Option<String>,
    kind: String,
    org_id: Option<Uuid>,
    collective_id: Option<Uuid>,
    title: String,
    valid_from: Date,
    valid_to: Date,
    changed_by: String,
    changed_at: OffsetDateTime,
}

impl TryFrom<PositionRow> for Position {
    type Error = StoreError;
    fn try_from(row: PositionRow) -> Result<Position> {
        let holder = match (row.member_id, row.leader_id) {
            (Some(member), None) => Holder::Member(member),
            (None, Some(leader)) => Holder::Leader(leader),
            _ => {
                return Err(StoreError::Corrupt(format!(
                    "chức vụ {} không rõ người giữ",
                    row.id
                )));
            }
        };
        Ok(Position {
            id: row.id,
            holder,
            holder_name: row.holder_name.unwrap_or_default(),
            kind: PositionKind::parse(&row.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("chức vụ «{}»", row.kind)))?,
            org: row.org_id,
            collective: row.collective_id,
            title: row.title,
            valid_from: row.valid_from,
            valid_to: from_stored_end(row.valid_to),
            changed_by: row.changed_by,
            changed_at: row.changed_at,
        })
    }
}

/// Positions valid on `$2`, with the holder's name on that day; the caller adds the filter.
macro_rules! position_select {
    ($filter:literal) => {
        concat!(
            "SELECT p.id, p.member_id, p.leader_id, COALESCE(v.full_name, l.full_name) AS holder_name, ",
            "p.kind, p.org_id, p.collective_id, p.title, p.valid_from, p.valid_to, p.changed_by, p.changed_at ",
            "FROM positions p ",
            "LEFT JOIN member_versions v ON v.member_id = p.member_id AND v.valid_from <= $2 AND v.valid_to > $2 ",
            "LEFT JOIN non_member_leaders l ON l.id = p.leader_id ",
            "WHERE ", $filter, " AND p.valid_from <= $2 AND p.valid_to > $2 ",
            "ORDER BY p.kind, COALESCE(v.sort_key, l.sort_key), p.id"
        )
    };
}

impl Tx {
    /// Creates a collective from `on`, attached to a party organisation that exists then.
    pub async fn create_collective(&mut self, new: &NewCollective, on: Date) -> Result<Uuid> {
        let stamp = self.stamp_owned()?;
        let code = new.code.trim();
        let name = clean_name(&new.name);
        if code.is_empty() || name.is_empty() {
            return Err(StoreError::invalid("tập thể cần có mã và tên"));
        }
        if self.org_as_of(new.org, on).await?.is_none() {
            return Err(StoreError::invalid(format!(
                "tổ chức của tập thể «{code}» không tồn tại vào ngày {}",
                format_vn(on)
            )));
        }
        let id = Uuid::now_v7();
        on_conn!(self, c => sqlx::query(
            "INSERT INTO collectives (id, code, name, kind, org_id, valid_from, valid_to, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id).bind(code).bind(&name).bind(new.kind.code()).bind(new.org).bind(on).bind(OPEN_END)
        .bind(&stamp.by).bind(stamp.at).execute(c).await?.rows_affected());
        self.record("collectives", id.to_string(), "insert");
        Ok(id)
    }

    /// Ends a collective on `on`, and every post still held in it.
    pub async fn dissolve_collective(&mut self, id: Uuid, on: Date) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let updated = on_conn!(self, c => sqlx::query(
            "UPDATE collectives SET valid_to = $2, closed_by = $3, closed_at = $4 WHERE id = $1 AND valid_to = $5 AND valid_from <= $2",
        )
        .bind(id).bind(on).bind(&stamp.by).bind(stamp.at).bind(OPEN_END).execute(c).await?.rows_affected());
        if updated == 0 {
            return Err(StoreError::not_found("tập thể đang hoạt động", id));
        }
        self.record("collectives", id.to_string(), "close");
        let open: Vec<Uuid> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT id FROM positions WHERE collective_id = $1 AND valid_to > $2",
        ).bind(id).bind(on).fetch_all(c).await?);
        for position in open {
            self.end_position(position, on).await?;
        }
        Ok(())
    }

    pub async fn collective_by_code(&mut self, code: &str) -> Result<Option<Collective>> {
        let row: Option<CollectiveRow> = on_conn!(self, c => sqlx::query_as(
            "SELECT id, code, name, kind, org_id, valid_from, valid_to, changed_by, changed_at FROM collectives WHERE code = $1",
        ).bind(code.trim()).fetch_optional(c).await?);
        row.map(Collective::try_from).transpose()
    }

    /// A collective by id, whatever the date.
    pub async fn collective(&mut self, id: Uuid) -> Result<Option<Collective>> {
        let row: Option<CollectiveRow> = on_conn!(self, c => sqlx::query_as(
            "SELECT id, code, name, kind, org_id, valid_from, valid_to, changed_by, changed_at FROM collectives WHERE id = $1",
        ).bind(id).fetch_optional(c).await?);
        row.map(Collective::try_from).transpose()
    }

    /// The collectives attached to `org` on `on`.
    pub async fn collectives_of_org(&mut self, org: Uuid, on: Date) -> Result<Vec<Collective>> {
        let rows: Vec<CollectiveRow> = on_conn!(self, c => sqlx::query_as(
            "SELECT id, code, name, kind, org_id, valid_from, valid_to, changed_by, changed_at FROM collectives \
             WHERE org_id = $1 AND valid_from <= $2 AND valid_to > $2 ORDER BY code",
        ).bind(org).bind(on).fetch_all(c).await?);
        rows.into_iter().map(Collective::try_from).collect()
    }

    /// Records a leader who is not a party member.
    pub async fn create_leader(&mut self, new: &NewLeader) -> Result<Uuid> {
        let stamp = self.stamp_owned()?;
        let name = clean_name(&new.full_name);
        if name.is_empty() {
            return Err(StoreError::invalid("thiếu họ và tên"));
        }
        let id = Uuid::now_v7();
        on_conn!(self, c => sqlx::query(
            "INSERT INTO non_member_leaders (id, full_name, sort_key, birth_date, employer_unit, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id).bind(&name).bind(sort_key(&name)).bind(new.birth_date).bind(clean_name(&new.employer_unit))
        .bind(&stamp.by).bind(stamp.at).execute(c).await?.rows_affected());
        self.record("non_member_leaders", id.to_string(), "insert");
        Ok(id)
    }

    /// Appoints someone to a post from `from`.
    pub async fn assign_position(&mut self, new: &NewPosition, from: Date) -> Result<Uuid> {
        let stamp = self.stamp_owned()?;
        if new.org.is_none() && new.collective.is_none() {
            return Err(StoreError::invalid(
                "chức vụ phải thuộc một tổ chức đảng hoặc một tập thể lãnh đạo",
            ));
        }
        if let Some(org) = new.org
            && self.org_as_of(org, from).await?.is_none()
        {
            return Err(StoreError::invalid(format!(
                "tổ chức của chức vụ không tồn tại vào ngày {}",
                format_vn(from)
            )));
        }
        let (member, leader) = match new.holder {
            Holder::Member(id) => (Some(id), None),
            Holder::Leader(id) => (None, Some(id)),
        };
        let id = Uuid::now_v7();
        on_conn!(self, c => sqlx::query(
            "INSERT INTO positions (id, member_id, leader_id, kind, org_id, collective_id, title, valid_from, valid_to, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(id).bind(member).bind(leader).bind(new.kind.code()).bind(new.org).bind(new.collective)
        .bind(clean_name(&new.title)).bind(from).bind(OPEN_END).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("positions", id.to_string(), "insert");
        Ok(id)
    }

    /// Ends a post on `on` (thôi giữ chức vụ).
    pub async fn end_position(&mut self, id: Uuid, on: Date) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let updated = on_conn!(self, c => sqlx::query(
            "UPDATE positions SET valid_to = $2, closed_by = $3, closed_at = $4 WHERE id = $1 AND valid_to = $5 AND valid_from <= $2",
        )
        .bind(id).bind(on).bind(&stamp.by).bind(stamp.at).bind(OPEN_END).execute(c).await?.rows_affected());
        if updated == 0 {
            return Err(StoreError::not_found("chức vụ đang giữ", id));
        }
        self.record("positions", id.to_string(), "close");
        Ok(())
    }

    /// The posts a person held on `on`.
    pub async fn positions_of(&mut self, holder: Holder, on: Date) -> Result<Vec<Position>> {
        let rows: Vec<PositionRow> = match holder {
            Holder::Member(id) => {
                on_conn!(self, c => sqlx::query_as(position_select!("p.member_id = $1")).bind(id).bind(on).fetch_all(c).await?)
            }
            Holder::Leader(id) => {
                on_conn!(self, c => sqlx::query_as(position_select!("p.leader_id = $1")).bind(id).bind(on).fetch_all(c).await?)
            }
        };
        rows.into_iter().map(Position::try_from).collect()
    }

    /// The posts in a party organisation on `on` (its secretary, deputies, committee members).
    pub async fn positions_in_org(&mut self, org: Uuid, on: Date) -> Result<Vec<Position>> {
        let rows: Vec<PositionRow> = on_conn!(self, c => sqlx::query_as(position_select!("p.org_id = $1")).bind(org).bind(on).fetch_all(c).await?);
        rows.into_iter().map(Position::try_from).collect()
    }

    /// The members of a collective on `on`, the head(s) first.
    pub async fn collective_members(
        &mut self,
        collective: Uuid,
        on: Date,
    ) -> Result<Vec<Position>> {
        let rows: Vec<PositionRow> = on_conn!(self, c => sqlx::query_as(position_select!("p.collective_id = $1")).bind(collective).bind(on).fetch_all(c).await?);
        let mut positions: Vec<Position> = rows
            .into_iter()
            .map(Position::try_from)
            .collect::<Result<_>>()?;
        positions.sort_by_key(|p| !p.is_head());
        Ok(positions)
    }

    /// Ends, on `on`, every post held in the organisation (it is being merged or dissolved).
    pub(crate) async fn end_positions_at_org(&mut self, org: Uuid, on: Date) -> Result<()> {
        let open: Vec<Uuid> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT id FROM positions WHERE org_id = $1 AND valid_from <= $2 AND valid_to > $2",
        ).bind(org).bind(on).fetch_all(c).await?);
        for position in open {
            self.end_position(position, on).await?;
        }
        Ok(())
    }
}
