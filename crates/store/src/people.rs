//! Party members (đảng viên) and their dated records: attribute versions, the branches they
//! belong to (chính thức / tạm thời), transfers, statuses, leave and discipline; and the
//! "members of a subtree as of a date" query.
//!
//! Attributes live in `member_versions` (one row per period), branch membership in
//! `member_branches`; a change closes the current row and opens a new one, and every row keeps
//! who wrote it and when. The rules of what a status or a discipline means belong to the rules
//! crate; this module only keeps the facts.

use crate::date::{OPEN_END, format_vn, from_stored_end, to_stored_end};
use crate::db::{Tx, on_conn};
use crate::error::{Result, StoreError};
use crate::text::{clean_name, sort_key};
use kiemdiem_rules::{DisciplineForm, LeaveKind, StatusKind};
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MembershipKind {
    /// Sinh hoạt chính thức.
    Official,
    /// Sinh hoạt tạm thời.
    Temporary,
}

impl MembershipKind {
    pub fn code(self) -> &'static str {
        match self {
            MembershipKind::Official => "official",
            MembershipKind::Temporary => "temporary",
        }
    }

    pub fn parse(code: &str) -> Option<MembershipKind> {
        match code {
            "official" => Some(MembershipKind::Official),
            "temporary" => Some(MembershipKind::Temporary),
            _ => None,
        }
    }
}

/// A period during which a member belonged to a branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub member_id: Uuid,
    pub seq: i32,
    pub org_id: Uuid,
    pub kind: MembershipKind,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

/// A member of a subtree on a date, with their official branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubtreeMember {
    pub member: Member,
    pub branch_id: Uuid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferDirection {
    /// Chuyển đến from outside the tree.
    In,
    /// Chuyển đi to outside the tree.
    Out,
    /// Between two organisations of the tree.
    Internal,
}

impl TransferDirection {
    pub fn code(self) -> &'static str {
        match self {
            TransferDirection::In => "in",
            TransferDirection::Out => "out",
            TransferDirection::Internal => "internal",
        }
    }

    pub fn parse(code: &str) -> Option<TransferDirection> {
        match code {
            "in" => Some(TransferDirection::In),
            "out" => Some(TransferDirection::Out),
            "internal" => Some(TransferDirection::Internal),
            _ => None,
        }
    }
}

/// Chuyển sinh hoạt đảng.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: Uuid,
    pub member_id: Uuid,
    pub direction: TransferDirection,
    pub effective_on: Date,
    pub from_org: Option<Uuid>,
    pub to_org: Option<Uuid>,
    /// The organisation outside the tree, for `in` and `out`.
    pub external_org: String,
    pub note: String,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

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

pub type Status = Period<StatusKind>;
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discipline {
    pub id: Uuid,
    pub member_id: Uuid,
    pub record: NewDiscipline,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
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

#[derive(sqlx::FromRow)]
struct MembershipRow {
    member_id: Uuid,
    seq: i32,
    org_id: Uuid,
    kind: String,
    valid_from: Date,
    valid_to: Date,
    changed_by: String,
    changed_at: OffsetDateTime,
}

impl TryFrom<MembershipRow> for Membership {
    type Error = StoreError;
    fn try_from(row: MembershipRow) -> Result<Membership> {
        Ok(Membership {
            member_id: row.member_id,
            seq: row.seq,
            org_id: row.org_id,
            kind: MembershipKind::parse(&row.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("loại sinh hoạt «{}»", row.kind)))?,
            valid_from: row.valid_from,
            valid_to: from_stored_end(row.valid_to),
            changed_by: row.changed_by,
            changed_at: row.changed_at,
        })
    }
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

#[derive(sqlx::FromRow)]
struct TransferRow {
    id: Uuid,
    member_id: Uuid,
    direction: String,
    effective_on: Date,
    from_org_id: Option<Uuid>,
    to_org_id: Option<Uuid>,
    external_org: String,
    note: String,
    changed_by: String,
    changed_at: OffsetDateTime,
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

    pub async fn member_as_of(&mut self, id: Uuid, on: Date) -> Result<Option<Member>> {
        let row: Option<MemberRow> = on_conn!(self, c => sqlx::query_as(MEMBER_AS_OF).bind(id).bind(on).fetch_optional(c).await?);
        Ok(row.map(Member::from))
    }

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

    /// Every branch period of the member, oldest first.
    pub async fn memberships(&mut self, member: Uuid) -> Result<Vec<Membership>> {
        const SQL: &str = "SELECT member_id, seq, org_id, kind, valid_from, valid_to, changed_by, changed_at \
             FROM member_branches WHERE member_id = $1 ORDER BY seq";
        let rows: Vec<MembershipRow> =
            on_conn!(self, c => sqlx::query_as(SQL).bind(member).fetch_all(c).await?);
        rows.into_iter().map(Membership::try_from).collect()
    }

    /// The branch of the given kind the member belonged to on `on`.
    pub async fn branch_of(
        &mut self,
        member: Uuid,
        kind: MembershipKind,
        on: Date,
    ) -> Result<Option<Uuid>> {
        Ok(on_conn!(self, c => sqlx::query_scalar(
            "SELECT org_id FROM member_branches WHERE member_id = $1 AND kind = $2 AND valid_from <= $3 AND valid_to > $3",
        )
        .bind(member).bind(kind.code()).bind(on).fetch_optional(c).await?))
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

    /// Moves the member's official branch to `to_branch` from `on`, recording an internal transfer.
    pub async fn transfer_member(
        &mut self,
        member: Uuid,
        to_branch: Uuid,
        on: Date,
        note: &str,
    ) -> Result<()> {
        let from = self
            .active_membership(member, MembershipKind::Official, on)
            .await?
            .ok_or_else(|| {
                StoreError::invalid(format!(
                    "đảng viên {member} không sinh hoạt ở chi bộ nào vào ngày {}",
                    format_vn(on)
                ))
            })?;
        if from.org_id == to_branch {
            return Ok(());
        }
        self.ensure_branch(to_branch, on).await?;
        self.close_membership(&from, on).await?;
        self.open_membership(member, to_branch, MembershipKind::Official, on)
            .await?;
        self.insert_transfer(
            member,
            TransferDirection::Internal,
            on,
            Some(from.org_id),
            Some(to_branch),
            "",
            note,
        )
        .await
    }

    /// Sets (or, with `None`, ends) the member's temporary branch from `on`.
    pub async fn set_temporary_branch(
        &mut self,
        member: Uuid,
        branch: Option<Uuid>,
        on: Date,
    ) -> Result<()> {
        let current = self
            .active_membership(member, MembershipKind::Temporary, on)
            .await?;
        if current.as_ref().map(|m| m.org_id) == branch {
            return Ok(());
        }
        if let Some(branch) = branch {
            self.ensure_branch(branch, on).await?;
        }
        if let Some(current) = current {
            self.close_membership(&current, on).await?;
        }
        if let Some(branch) = branch {
            self.open_membership(member, branch, MembershipKind::Temporary, on)
                .await?;
        }
        Ok(())
    }

    /// Chuyển sinh hoạt đảng ra ngoài: ends every membership of the member on `on`.
    pub async fn transfer_out(
        &mut self,
        member: Uuid,
        external_org: &str,
        on: Date,
        note: &str,
    ) -> Result<()> {
        let official = self
            .active_membership(member, MembershipKind::Official, on)
            .await?
            .ok_or_else(|| {
                StoreError::invalid(format!(
                    "đảng viên {member} không sinh hoạt ở chi bộ nào vào ngày {}",
                    format_vn(on)
                ))
            })?;
        if let Some(temporary) = self
            .active_membership(member, MembershipKind::Temporary, on)
            .await?
        {
            self.close_membership(&temporary, on).await?;
        }
        self.close_membership(&official, on).await?;
        self.insert_transfer(
            member,
            TransferDirection::Out,
            on,
            Some(official.org_id),
            None,
            &clean_name(external_org),
            note,
        )
        .await
    }

    /// Chuyển sinh hoạt đảng đến: an existing member (e.g. one who left earlier) joins
    /// `branch` from `on`. A member new to the database is created with [`Tx::create_member`]
    /// and then recorded here with `record_only = true`.
    pub async fn transfer_in(
        &mut self,
        member: Uuid,
        branch: Uuid,
        external_org: &str,
        on: Date,
        note: &str,
        record_only: bool,
    ) -> Result<()> {
        if !record_only {
            if self
                .active_membership(member, MembershipKind::Official, on)
                .await?
                .is_some()
            {
                return Err(StoreError::invalid(
                    "đảng viên đang sinh hoạt ở một chi bộ; hãy dùng chuyển sinh hoạt nội bộ",
                ));
            }
            self.ensure_branch(branch, on).await?;
            self.open_membership(member, branch, MembershipKind::Official, on)
                .await?;
        }
        self.insert_transfer(
            member,
            TransferDirection::In,
            on,
            None,
            Some(branch),
            &clean_name(external_org),
            note,
        )
        .await
    }

    pub async fn transfers(&mut self, member: Uuid) -> Result<Vec<Transfer>> {
        const SQL: &str = "SELECT id, member_id, direction, effective_on, from_org_id, to_org_id, external_org, note, changed_by, changed_at \
             FROM member_transfers WHERE member_id = $1 ORDER BY effective_on, changed_at, id";
        let rows: Vec<TransferRow> =
            on_conn!(self, c => sqlx::query_as(SQL).bind(member).fetch_all(c).await?);
        rows.into_iter()
            .map(|row| {
                Ok(Transfer {
                    id: row.id,
                    member_id: row.member_id,
                    direction: TransferDirection::parse(&row.direction).ok_or_else(|| {
                        StoreError::Corrupt(format!("hướng chuyển «{}»", row.direction))
                    })?,
                    effective_on: row.effective_on,
                    from_org: row.from_org_id,
                    to_org: row.to_org_id,
                    external_org: row.external_org,
                    note: row.note,
                    changed_by: row.changed_by,
                    changed_at: row.changed_at,
                })
            })
            .collect()
    }

    /// Records a status from `from` until `to` (exclusive; `None` = until ended).
    pub async fn add_status(
        &mut self,
        member: Uuid,
        kind: StatusKind,
        from: Date,
        to: Option<Date>,
        note: &str,
    ) -> Result<Uuid> {
        self.insert_period("member_statuses", member, kind.code(), from, to, note)
            .await
    }

    /// Ends an open status on `on`.
    pub async fn end_status(&mut self, id: Uuid, on: Date) -> Result<()> {
        self.end_period("member_statuses", id, on).await
    }

    pub async fn statuses(&mut self, member: Uuid) -> Result<Vec<Status>> {
        const SQL: &str = "SELECT id, member_id, kind, valid_from, valid_to, note, changed_by, changed_at \
             FROM member_statuses WHERE member_id = $1 ORDER BY valid_from, changed_at";
        let rows: Vec<PeriodRow> =
            on_conn!(self, c => sqlx::query_as(SQL).bind(member).fetch_all(c).await?);
        rows.into_iter()
            .map(|r| r.into_period(StatusKind::parse))
            .collect()
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
        self.insert_period("member_leaves", member, kind.code(), from, to, note)
            .await
    }

    pub async fn end_leave(&mut self, id: Uuid, on: Date) -> Result<()> {
        self.end_period("member_leaves", id, on).await
    }

    pub async fn leaves(&mut self, member: Uuid) -> Result<Vec<Leave>> {
        const SQL: &str = "SELECT id, member_id, kind, valid_from, valid_to, note, changed_by, changed_at \
             FROM member_leaves WHERE member_id = $1 ORDER BY valid_from, changed_at";
        let rows: Vec<PeriodRow> =
            on_conn!(self, c => sqlx::query_as(SQL).bind(member).fetch_all(c).await?);
        rows.into_iter()
            .map(|r| r.into_period(LeaveKind::parse))
            .collect()
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

    /// Moves the memberships held at `from` on `on` (all, or only those of `only`) to `to`,
    /// keeping their kind, and records internal transfers; returns how many members moved.
    pub(crate) async fn move_memberships(
        &mut self,
        from: Uuid,
        to: Uuid,
        only: Option<&[Uuid]>,
        on: Date,
        note: &str,
    ) -> Result<usize> {
        const SQL: &str = "SELECT member_id, seq, org_id, kind, valid_from, valid_to, changed_by, changed_at \
             FROM member_branches WHERE org_id = $1 AND valid_to > $2 ORDER BY member_id, seq";
        let rows: Vec<MembershipRow> =
            on_conn!(self, c => sqlx::query_as(SQL).bind(from).bind(on).fetch_all(c).await?);
        let mut moved = std::collections::HashSet::new();
        for row in rows {
            let membership = Membership::try_from(row)?;
            if only.is_some_and(|only| !only.contains(&membership.member_id)) {
                continue;
            }
            if membership.valid_from > on {
                return Err(StoreError::invalid(format!(
                    "đảng viên {} đã có thay đổi sinh hoạt sau ngày {}",
                    membership.member_id,
                    format_vn(on)
                )));
            }
            self.close_membership(&membership, on).await?;
            self.open_membership(membership.member_id, to, membership.kind, on)
                .await?;
            self.insert_transfer(
                membership.member_id,
                TransferDirection::Internal,
                on,
                Some(from),
                Some(to),
                "",
                note,
            )
            .await?;
            moved.insert(membership.member_id);
        }
        Ok(moved.len())
    }

    async fn active_membership(
        &mut self,
        member: Uuid,
        kind: MembershipKind,
        on: Date,
    ) -> Result<Option<Membership>> {
        const SQL: &str = "SELECT member_id, seq, org_id, kind, valid_from, valid_to, changed_by, changed_at \
             FROM member_branches WHERE member_id = $1 AND kind = $2 AND valid_to > $3 ORDER BY seq";
        let rows: Vec<MembershipRow> = on_conn!(self, c => sqlx::query_as(SQL).bind(member).bind(kind.code()).bind(on).fetch_all(c).await?);
        let mut found = None;
        for row in rows {
            let membership = Membership::try_from(row)?;
            if membership.valid_from > on {
                return Err(StoreError::invalid(format!(
                    "đảng viên {member} đã có thay đổi sinh hoạt sau ngày {}; các thay đổi phải theo thứ tự thời gian",
                    format_vn(on)
                )));
            }
            found = Some(membership);
        }
        Ok(found)
    }

    async fn open_membership(
        &mut self,
        member: Uuid,
        org: Uuid,
        kind: MembershipKind,
        on: Date,
    ) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let seq: i32 = on_conn!(self, c => sqlx::query_scalar::<_, i32>(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM member_branches WHERE member_id = $1",
        ).bind(member).fetch_one(&mut *c).await?);
        on_conn!(self, c => sqlx::query(
            "INSERT INTO member_branches (member_id, seq, org_id, kind, valid_from, valid_to, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(member).bind(seq).bind(org).bind(kind.code()).bind(on).bind(OPEN_END)
        .bind(&stamp.by).bind(stamp.at).execute(c).await?.rows_affected());
        self.record("member_branches", format!("{member}/{seq}"), "insert");
        Ok(())
    }

    async fn close_membership(&mut self, membership: &Membership, on: Date) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => sqlx::query(
            "UPDATE member_branches SET valid_to = $3, closed_by = $4, closed_at = $5 WHERE member_id = $1 AND seq = $2",
        )
        .bind(membership.member_id).bind(membership.seq).bind(on).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record(
            "member_branches",
            format!("{}/{}", membership.member_id, membership.seq),
            "close",
        );
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_transfer(
        &mut self,
        member: Uuid,
        direction: TransferDirection,
        on: Date,
        from: Option<Uuid>,
        to: Option<Uuid>,
        external_org: &str,
        note: &str,
    ) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let id = Uuid::now_v7();
        on_conn!(self, c => sqlx::query(
            "INSERT INTO member_transfers (id, member_id, direction, effective_on, from_org_id, to_org_id, external_org, note, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id).bind(member).bind(direction.code()).bind(on).bind(from).bind(to)
        .bind(external_org).bind(note).bind(&stamp.by).bind(stamp.at).execute(c).await?.rows_affected());
        self.record("member_transfers", id.to_string(), "insert");
        Ok(())
    }

    async fn insert_period(
        &mut self,
        table: &'static str,
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
        let sql = match table {
            "member_statuses" => {
                "INSERT INTO member_statuses (id, member_id, kind, valid_from, valid_to, note, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            }
            _ => {
                "INSERT INTO member_leaves (id, member_id, kind, valid_from, valid_to, note, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            }
        };
        on_conn!(self, c => sqlx::query(sql)
            .bind(id).bind(member).bind(kind).bind(from).bind(to_stored_end(to)).bind(note)
            .bind(&stamp.by).bind(stamp.at).execute(c).await?.rows_affected());
        self.record(table, id.to_string(), "insert");
        Ok(id)
    }

    async fn end_period(&mut self, table: &'static str, id: Uuid, on: Date) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let sql = match table {
            "member_statuses" => {
                "UPDATE member_statuses SET valid_to = $2, closed_by = $3, closed_at = $4 WHERE id = $1 AND valid_to = $5 AND valid_from < $2"
            }
            _ => {
                "UPDATE member_leaves SET valid_to = $2, closed_by = $3, closed_at = $4 WHERE id = $1 AND valid_to = $5 AND valid_from < $2"
            }
        };
        let updated = on_conn!(self, c => sqlx::query(sql)
            .bind(id).bind(on).bind(&stamp.by).bind(stamp.at).bind(OPEN_END).execute(c).await?.rows_affected());
        if updated == 0 {
            return Err(StoreError::invalid(format!(
                "không có khoảng thời gian đang mở {id} bắt đầu trước ngày {}",
                format_vn(on)
            )));
        }
        self.record(table, id.to_string(), "close");
        Ok(())
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

    /// The organisation exists on `on` and is a branch (chi bộ).
    async fn ensure_branch(&mut self, org: Uuid, on: Date) -> Result<()> {
        let found = self.org_as_of(org, on).await?.ok_or_else(|| {
            StoreError::invalid(format!(
                "chi bộ {org} không tồn tại vào ngày {}",
                format_vn(on)
            ))
        })?;
        if !found.kind.is_branch() {
            return Err(StoreError::invalid(format!(
                "«{}» là {}, không phải chi bộ: đảng viên sinh hoạt ở chi bộ",
                found.code,
                found.kind.name_vi()
            )));
        }
        Ok(())
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
