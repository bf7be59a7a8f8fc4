//! The branches a member belongs to (sinh hoạt chính thức / tạm thời), as dated memberships in
//! `member_branches`, and the transfers between them (chuyển sinh hoạt đảng: internal, in from
//! outside the tree, out of it) in `member_transfers`. Changes must come in date order; a change
//! closes a membership and opens another. Knows nothing of the member's attributes.

use crate::date::{OPEN_END, format_vn, from_stored_end};
use crate::db::{Tx, on_conn};
use crate::error::{Result, StoreError};
use crate::text::clean_name;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// How a member belongs to a branch.
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

/// Where a transfer goes, seen from the tree.
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

macro_rules! membership_select {
    ($where:literal) => {
        concat!(
            "SELECT member_id, seq, org_id, kind, valid_from, valid_to, changed_by, changed_at ",
            "FROM member_branches ",
            $where
        )
    };
}

impl Tx {
    /// Every branch period of the member, oldest first.
    pub async fn memberships(&mut self, member: Uuid) -> Result<Vec<Membership>> {
        const SQL: &str = membership_select!("WHERE member_id = $1 ORDER BY seq");
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

    /// Moves the member's official branch to `to_branch` from `on`, recording an internal transfer.
    pub async fn transfer_member(
        &mut self,
        member: Uuid,
        to_branch: Uuid,
        on: Date,
        note: &str,
    ) -> Result<()> {
        let from = self.official_membership(member, on).await?;
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
        let official = self.official_membership(member, on).await?;
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

    /// Every transfer of the member, in date order.
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
        const SQL: &str =
            membership_select!("WHERE org_id = $1 AND valid_to > $2 ORDER BY member_id, seq");
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

    /// The membership of `kind` running on `on`, refused when a later change was recorded.
    async fn active_membership(
        &mut self,
        member: Uuid,
        kind: MembershipKind,
        on: Date,
    ) -> Result<Option<Membership>> {
        const SQL: &str =
            membership_select!("WHERE member_id = $1 AND kind = $2 AND valid_to > $3 ORDER BY seq");
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

    /// The member's official branch on `on`, which they must have.
    async fn official_membership(&mut self, member: Uuid, on: Date) -> Result<Membership> {
        self.active_membership(member, MembershipKind::Official, on)
            .await?
            .ok_or_else(|| {
                StoreError::invalid(format!(
                    "đảng viên {member} không sinh hoạt ở chi bộ nào vào ngày {}",
                    format_vn(on)
                ))
            })
    }

    /// Opens a membership of `member` in `org` from `on`.
    pub(super) async fn open_membership(
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

    /// Closes `membership` on `on`.
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

    /// The organisation exists on `on` and is a branch (chi bộ).
    pub(super) async fn ensure_branch(&mut self, org: Uuid, on: Date) -> Result<()> {
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
