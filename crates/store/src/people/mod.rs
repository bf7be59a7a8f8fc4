//! Party members (đảng viên) and their dated records: attribute versions, the branches they
//! belong to (chính thức / tạm thời) and transfers ([`branches`]), statuses, leave and discipline
//! ([`records`]); and the "members of a subtree as of a date" query.
//!
//! Attributes live in `member_versions` (one row per period), branch membership in
//! `member_branches`; a change closes the current row and opens a new one, and every row keeps
//! who wrote it and when. The rules of what a status or a discipline means belong to the rules
//! crate; this module only keeps the facts. This file owns the member and their attribute
//! versions.

mod branches;
mod records;

pub use branches::{Membership, MembershipKind, Transfer, TransferDirection};
pub use records::{Discipline, Leave, NewDiscipline, Period, Status};

use crate::date::{OPEN_END, format_vn, from_stored_end};
use crate::db::{Tx, on_conn};
use crate::error::{Result, StoreError};
use crate::text::{clean_name, sort_key};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The attributes of a member that change over time (one version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberDetails {
    /// Họ và tên, NFC.
    pub full_name: String,
    pub birth_date: Date,
    /// Ngày vào Đảng (kết nạp).
    pub admitted_on: Date,
    /// Ngày chính thức; `None` while probationary (đảng viên dự bị).
    pub official_on: Option<Date>,
    /// Công chức, viên chức.
    pub civil_servant: bool,
    /// Đơn vị công tác (free text; empty when none).
    pub employer_unit: String,
    /// Chi ủy / đảng ủy nơi cư trú.
    pub residence_org: Option<Uuid>,
}

/// A member to create, with the branch they join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMember {
    /// Số thẻ đảng viên (or the party database's id).
    pub code: String,
    pub details: MemberDetails,
    /// Chi bộ sinh hoạt chính thức.
    pub branch: Uuid,
    /// Chi bộ sinh hoạt tạm thời.
    pub temporary_branch: Option<Uuid>,
}

/// A member as they stood during one period of their attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: Uuid,
    pub code: String,
    pub details: MemberDetails,
    pub sort_key: String,
    pub seq: i32,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

impl Member {
    /// Đảng viên dự bị on `on`.
    pub fn is_probationary(&self, on: Date) -> bool {
        self.details
            .official_on
            .is_none_or(|official| official > on)
    }
}

/// A member of a subtree on a date, with their official branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubtreeMember {
    pub member: Member,
    pub branch_id: Uuid,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: Uuid,
    code: String,
    full_name: String,
    sort_key: String,
    birth_date: Date,
    admitted_on: Date,
    official_on: Option<Date>,
    civil_servant: bool,
    employer_unit: String,
    residence_org_id: Option<Uuid>,
    seq: i32,
    valid_from: Date,
    valid_to: Date,
    changed_by: String,
    changed_at: OffsetDateTime,
}

impl From<MemberRow> for Member {
    fn from(row: MemberRow) -> Member {
        Member {
            id: row.id,
            code: row.code,
            details: MemberDetails {
                full_name: row.full_name,
                birth_date: row.birth_date,
                admitted_on: row.admitted_on,
                official_on: row.official_on,
                civil_servant: row.civil_servant,
                employer_unit: row.employer_unit,
                residence_org: row.residence_org_id,
            },
            sort_key: row.sort_key,
            seq: row.seq,
            valid_from: row.valid_from,
            valid_to: from_stored_end(row.valid_to),
            changed_by: row.changed_by,
            changed_at: row.changed_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct SubtreeRow {
    branch_id: Uuid,
    #[sqlx(flatten)]
    member: MemberRow,
}

macro_rules! member_select {
    ($($rest:literal),*) => {
        concat!(
            "SELECT m.id, m.code, v.full_name, v.sort_key, v.birth_date, v.admitted_on, v.official_on, ",
            "v.civil_servant, v.employer_unit, v.residence_org_id, v.seq, v.valid_from, v.valid_to, ",
            "v.changed_by, v.changed_at ",
            $($rest),*
        )
    };
}

const MEMBER_AS_OF: &str = member_select!(
    "FROM members m JOIN member_versions v ON v.member_id = m.id ",
    "WHERE m.id = $1 AND v.valid_from <= $2 AND v.valid_to > $2"
);

const MEMBER_BY_CODE_AS_OF: &str = member_select!(
    "FROM members m JOIN member_versions v ON v.member_id = m.id ",
    "WHERE m.code = $1 AND v.valid_from <= $2 AND v.valid_to > $2"
);

const MEMBER_LATEST: &str = member_select!(
    "FROM members m JOIN member_versions v ON v.member_id = m.id ",
    "WHERE m.id = $1 ORDER BY v.seq DESC LIMIT 1"
);

const MEMBER_HISTORY: &str = member_select!(
    "FROM members m JOIN member_versions v ON v.member_id = m.id WHERE m.id = $1 ORDER BY v.seq"
);

const SUBTREE_MEMBERS: &str = concat!(
    "SELECT b.org_id AS branch_id, m.id, m.code, v.full_name, v.sort_key, v.birth_date, v.admitted_on, ",
    "v.official_on, v.civil_servant, v.employer_unit, v.residence_org_id, v.seq, v.valid_from, v.valid_to, ",
    "v.changed_by, v.changed_at ",
    "FROM org_closure c ",
    "JOIN member_branches b ON b.org_id = c.descendant_id AND b.kind = 'official' ",
    "AND b.valid_from <= $2 AND b.valid_to > $2 ",
    "JOIN member_versions v ON v.member_id = b.member_id AND v.valid_from <= $2 AND v.valid_to > $2 ",
    "JOIN members m ON m.id = b.member_id ",
    "WHERE c.ancestor_id = $1 AND c.valid_from <= $2 AND c.valid_to > $2 ",
    "ORDER BY v.sort_key, m.code"
);

const BRANCH_MEMBERS: &str = concat!(
    "SELECT b.org_id AS branch_id, m.id, m.code, v.full_name, v.sort_key, v.birth_date, v.admitted_on, ",
    "v.official_on, v.civil_servant, v.employer_unit, v.residence_org_id, v.seq, v.valid_from, v.valid_to, ",
    "v.changed_by, v.changed_at ",
    "FROM member_branches b ",
    "JOIN member_versions v ON v.member_id = b.member_id AND v.valid_from <= $2 AND v.valid_to > $2 ",
    "JOIN members m ON m.id = b.member_id ",
    "WHERE b.org_id = $1 AND b.kind = $3 AND b.valid_from <= $2 AND b.valid_to > $2 ",
    "ORDER BY v.sort_key, m.code"
);

impl Tx {
    /// Creates a member who belongs to `new.branch` (and `new.temporary_branch`) from `on`.
    pub async fn create_member(&mut self, new: &NewMember, on: Date) -> Result<Uuid> {
        let stamp = self.stamp_owned()?;
        let code = new.code.trim();
        if code.is_empty() {
            return Err(StoreError::invalid("thiếu số thẻ đảng viên"));
        }
        let details = checked_details(&new.details)?;
        self.ensure_branch(new.branch, on).await?;
        if let Some(temporary) = new.temporary_branch {
            self.ensure_branch(temporary, on).await?;
        }
        let id = Uuid::now_v7();
        on_conn!(self, c => sqlx::query("INSERT INTO members (id, code, changed_by, changed_at) VALUES ($1, $2, $3, $4)")
            .bind(id).bind(code).bind(&stamp.by).bind(stamp.at).execute(c).await?.rows_affected());
        self.record("members", id.to_string(), "insert");
        self.insert_member_version(id, 1, &details, on).await?;
        self.open_membership(id, new.branch, MembershipKind::Official, on)
            .await?;
        if let Some(temporary) = new.temporary_branch {
            self.open_membership(id, temporary, MembershipKind::Temporary, on)
                .await?;
        }
        Ok(id)
    }

    /// Records new attributes from `on`; returns whether anything changed.
    pub async fn update_member(
        &mut self,
        id: Uuid,
        details: &MemberDetails,
        on: Date,
    ) -> Result<bool> {
        let details = checked_details(details)?;
        let current = self
            .member_latest(id)
            .await?
            .filter(|m| m.valid_to.is_none())
            .ok_or_else(|| StoreError::not_found("đảng viên", id))?;
        if current.details == details {
            return Ok(false);
        }
        ensure_in_order(&current.code, current.valid_from, on)?;
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => sqlx::query(
            "UPDATE member_versions SET valid_to = $3, closed_by = $4, closed_at = $5 WHERE member_id = $1 AND seq = $2",
        )
        .bind(id).bind(current.seq).bind(on).bind(&stamp.by).bind(stamp.at).execute(c).await?.rows_affected());
        self.record("member_versions", format!("{id}/{}", current.seq), "close");
        self.insert_member_version(id, current.seq + 1, &details, on)
            .await?;
        Ok(true)
    }

    /// The member as they stood on `on`.
    pub async fn member_as_of(&mut self, id: Uuid, on: Date) -> Result<Option<Member>> {
        let row: Option<MemberRow> = on_conn!(self, c => sqlx::query_as(MEMBER_AS_OF).bind(id).bind(on).fetch_optional(c).await?);
        Ok(row.map(Member::from))
    }

    /// The member with this card number as they stood on `on`.
    pub async fn member_by_code(&mut self, code: &str, on: Date) -> Result<Option<Member>> {
        let row: Option<MemberRow> = on_conn!(self, c => sqlx::query_as(MEMBER_BY_CODE_AS_OF).bind(code.trim()).bind(on).fetch_optional(c).await?);
        Ok(row.map(Member::from))
    }

    /// The member's id for a code, whatever the date.
    pub async fn member_id_by_code(&mut self, code: &str) -> Result<Option<Uuid>> {
        Ok(
            on_conn!(self, c => sqlx::query_scalar("SELECT id FROM members WHERE code = $1").bind(code.trim()).fetch_optional(c).await?),
        )
    }

    /// The latest version of the member's attributes.
    pub async fn member_latest(&mut self, id: Uuid) -> Result<Option<Member>> {
        let row: Option<MemberRow> =
            on_conn!(self, c => sqlx::query_as(MEMBER_LATEST).bind(id).fetch_optional(c).await?);
        Ok(row.map(Member::from))
    }

    /// Every version of the member's attributes, oldest first.
    pub async fn member_history(&mut self, id: Uuid) -> Result<Vec<Member>> {
        let rows: Vec<MemberRow> =
            on_conn!(self, c => sqlx::query_as(MEMBER_HISTORY).bind(id).fetch_all(c).await?);
        Ok(rows.into_iter().map(Member::from).collect())
    }

    /// All members whose official branch lies in the subtree of `root` on `on`, in Vietnamese
    /// name order.
    pub async fn members_of_subtree(&mut self, root: Uuid, on: Date) -> Result<Vec<SubtreeMember>> {
        let rows: Vec<SubtreeRow> = on_conn!(self, c => sqlx::query_as(SUBTREE_MEMBERS).bind(root).bind(on).fetch_all(c).await?);
        Ok(rows
            .into_iter()
            .map(|row| SubtreeMember {
                branch_id: row.branch_id,
                member: Member::from(row.member),
            })
            .collect())
    }

    /// The members of one branch on `on` (official or temporary), in Vietnamese name order.
    pub async fn members_of_branch(
        &mut self,
        branch: Uuid,
        kind: MembershipKind,
        on: Date,
    ) -> Result<Vec<Member>> {
        let rows: Vec<SubtreeRow> = on_conn!(self, c => sqlx::query_as(BRANCH_MEMBERS).bind(branch).bind(on).bind(kind.code()).fetch_all(c).await?);
        Ok(rows
            .into_iter()
            .map(|row| Member::from(row.member))
            .collect())
    }

    async fn insert_member_version(
        &mut self,
        id: Uuid,
        seq: i32,
        details: &MemberDetails,
        on: Date,
    ) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => sqlx::query(
            "INSERT INTO member_versions (member_id, seq, full_name, sort_key, birth_date, admitted_on, official_on, \
             civil_servant, employer_unit, residence_org_id, valid_from, valid_to, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(id).bind(seq).bind(&details.full_name).bind(sort_key(&details.full_name))
        .bind(details.birth_date).bind(details.admitted_on).bind(details.official_on)
        .bind(details.civil_servant).bind(&details.employer_unit).bind(details.residence_org)
        .bind(on).bind(OPEN_END).bind(&stamp.by).bind(stamp.at).execute(c).await?.rows_affected());
        self.record("member_versions", format!("{id}/{seq}"), "insert");
        Ok(())
    }

    async fn ensure_member(&mut self, member: Uuid) -> Result<()> {
        let found: Option<Uuid> = on_conn!(self, c => sqlx::query_scalar("SELECT id FROM members WHERE id = $1").bind(member).fetch_optional(c).await?);
        found
            .map(|_| ())
            .ok_or_else(|| StoreError::not_found("đảng viên", member))
    }
}

/// Member attributes as stored: name cleaned, dates consistent.
pub(crate) fn checked_details(details: &MemberDetails) -> Result<MemberDetails> {
    let full_name = clean_name(&details.full_name);
    if full_name.is_empty() {
        return Err(StoreError::invalid("thiếu họ và tên"));
    }
    if details.admitted_on < details.birth_date {
        return Err(StoreError::invalid("ngày vào Đảng trước ngày sinh"));
    }
    if details.official_on.is_some_and(|d| d < details.admitted_on) {
        return Err(StoreError::invalid("ngày chính thức trước ngày vào Đảng"));
    }
    Ok(MemberDetails {
        full_name,
        employer_unit: clean_name(&details.employer_unit),
        ..details.clone()
    })
}

fn ensure_in_order(code: &str, last: Date, on: Date) -> Result<()> {
    if on < last {
        return Err(StoreError::invalid(format!(
            "«{code}»: ngày hiệu lực {} trước lần thay đổi gần nhất ({}); các thay đổi phải theo thứ tự thời gian",
            format_vn(on),
            format_vn(last)
        )));
    }
    Ok(())
}
