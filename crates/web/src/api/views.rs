//! The JSON shapes of the store's records as the API shows them (organisations, members, posts,
//! dated records). Codes stay English identifiers (`kind: "subordinate_branch"`), each paired
//! with its Vietnamese name (`kind_name: "Chi bộ trực thuộc"`); dates are ISO `yyyy-mm-dd`,
//! instants RFC 3339; `version` is the record's version number.

use kiemdiem_app::directory::{
    Collective, Discipline, Holder, Leave, Member, Membership, Org, OrgEvent, OrgLabel, Position,
    Status, Transfer,
};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// A party organisation as it stood during one period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgView {
    pub id: Uuid,
    /// Mã tổ chức.
    #[schema(example = "DB0001")]
    pub code: String,
    pub name: String,
    /// `province`, `upper_grassroots`, `grassroots_committee`, `grassroots_branch`,
    /// `partial_committee` or `subordinate_branch`.
    #[schema(example = "subordinate_branch")]
    pub kind: String,
    #[schema(example = "Chi bộ trực thuộc")]
    pub kind_name: String,
    /// Whether it has its own committee (cấp ủy / chi ủy).
    pub has_committee: bool,
    pub founded_on: Date,
    pub parent_id: Option<Uuid>,
    /// First day of this period.
    pub valid_from: Date,
    /// The day this period ended (exclusive); `null` while it runs.
    pub valid_to: Option<Date>,
    /// Version number of the organisation's record (1, 2, …).
    pub version: i32,
    pub changed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
}

impl From<Org> for OrgView {
    fn from(org: Org) -> OrgView {
        OrgView {
            id: org.id,
            code: org.code,
            name: org.name,
            kind: org.kind.code().to_string(),
            kind_name: org.kind.name_vi().to_string(),
            has_committee: org.has_committee,
            founded_on: org.founded_on,
            parent_id: org.parent_id,
            valid_from: org.valid_from,
            valid_to: org.valid_to,
            version: org.seq,
            changed_by: org.changed_by,
            changed_at: org.changed_at,
        }
    }
}

/// A short reference to an organisation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgRef {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

impl From<OrgLabel> for OrgRef {
    fn from(label: OrgLabel) -> OrgRef {
        OrgRef {
            id: label.id,
            code: label.code,
            name: label.name,
        }
    }
}

impl From<&Org> for OrgRef {
    fn from(org: &Org) -> OrgRef {
        OrgRef {
            id: org.id,
            code: org.code.clone(),
            name: org.name.clone(),
        }
    }
}

/// Something that happened to the tree.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgEventView {
    pub id: Uuid,
    /// `create`, `update`, `move`, `merge`, `split` or `dissolve`.
    pub kind: String,
    pub kind_name: String,
    pub effective_on: Date,
    pub note: String,
    pub changed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
    /// The organisations involved and their role: `subject`, `source`, `target` or `part`.
    pub orgs: Vec<EventOrgView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventOrgView {
    pub id: Uuid,
    pub code: String,
    pub role: String,
}

impl OrgEventView {
    pub fn new(event: OrgEvent, orgs: Vec<EventOrgView>) -> OrgEventView {
        OrgEventView {
            id: event.id,
            kind: event.kind.code().to_string(),
            kind_name: event.kind.name_vi().to_string(),
            effective_on: event.effective_on,
            note: event.note,
            changed_by: event.changed_by,
            changed_at: event.changed_at,
            orgs,
        }
    }
}

/// A party member's attributes during one period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    pub id: Uuid,
    /// Số thẻ đảng viên.
    pub code: String,
    /// Họ và tên.
    #[schema(example = "Nguyễn Thị Hoa")]
    pub full_name: String,
    pub birth_date: Date,
    /// Ngày vào Đảng.
    pub admitted_on: Date,
    /// Ngày chính thức; `null` while probationary.
    pub official_on: Option<Date>,
    /// Công chức, viên chức.
    pub civil_servant: bool,
    /// Đơn vị công tác.
    pub employer_unit: String,
    /// Nơi cư trú (the residence-area organisation), if recorded.
    pub residence_org_id: Option<Uuid>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    /// Version number of the member's record.
    pub version: i32,
    pub changed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
}

impl From<Member> for MemberView {
    fn from(member: Member) -> MemberView {
        MemberView {
            id: member.id,
            code: member.code,
            full_name: member.details.full_name,
            birth_date: member.details.birth_date,
            admitted_on: member.details.admitted_on,
            official_on: member.details.official_on,
            civil_servant: member.details.civil_servant,
            employer_unit: member.details.employer_unit,
            residence_org_id: member.details.residence_org,
            valid_from: member.valid_from,
            valid_to: member.valid_to,
            version: member.seq,
            changed_by: member.changed_by,
            changed_at: member.changed_at,
        }
    }
}

/// A period of belonging to a branch.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MembershipView {
    pub branch: OrgRef,
    /// `official` (sinh hoạt chính thức) or `temporary` (sinh hoạt tạm thời).
    pub kind: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub changed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
}

impl MembershipView {
    pub fn new(membership: Membership, branch: OrgRef) -> MembershipView {
        MembershipView {
            branch,
            kind: membership.kind.code().to_string(),
            valid_from: membership.valid_from,
            valid_to: membership.valid_to,
            changed_by: membership.changed_by,
            changed_at: membership.changed_at,
        }
    }
}

/// Chuyển sinh hoạt đảng.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TransferView {
    pub id: Uuid,
    /// `in`, `out` or `internal`.
    pub direction: String,
    pub effective_on: Date,
    pub from_org_id: Option<Uuid>,
    pub to_org_id: Option<Uuid>,
    /// The organisation outside the tree (for `in` and `out`).
    pub external_org: String,
    pub note: String,
    pub changed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
}

impl From<Transfer> for TransferView {
    fn from(t: Transfer) -> TransferView {
        TransferView {
            id: t.id,
            direction: t.direction.code().to_string(),
            effective_on: t.effective_on,
            from_org_id: t.from_org,
            to_org_id: t.to_org,
            external_org: t.external_org,
            note: t.note,
            changed_by: t.changed_by,
            changed_at: t.changed_at,
        }
    }
}

/// A dated status (miễn, đình chỉ …) or leave (nghỉ ốm, thai sản).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodView {
    pub id: Uuid,
    #[schema(example = "suspended_from_committee")]
    pub kind: String,
    pub kind_name: String,
    pub valid_from: Date,
    /// Exclusive end; `null` until ended.
    pub valid_to: Option<Date>,
    pub note: String,
    pub changed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
}

impl From<Status> for PeriodView {
    fn from(s: Status) -> PeriodView {
        PeriodView {
            id: s.id,
            kind: s.kind.code().to_string(),
            kind_name: s.kind.name_vi().to_string(),
            valid_from: s.valid_from,
            valid_to: s.valid_to,
            note: s.note,
            changed_by: s.changed_by,
            changed_at: s.changed_at,
        }
    }
}

impl From<Leave> for PeriodView {
    fn from(l: Leave) -> PeriodView {
        let kind_name = match l.kind {
            kiemdiem_rules::LeaveKind::Sick => "Nghỉ ốm",
            kiemdiem_rules::LeaveKind::Maternity => "Nghỉ thai sản",
        };
        PeriodView {
            id: l.id,
            kind: l.kind.code().to_string(),
            kind_name: kind_name.to_string(),
            valid_from: l.valid_from,
            valid_to: l.valid_to,
            note: l.note,
            changed_by: l.changed_by,
            changed_at: l.changed_at,
        }
    }
}

/// A discipline decision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DisciplineView {
    pub id: Uuid,
    /// `khien_trach`, `canh_cao`, `cach_chuc` or `khai_tru`.
    pub form: String,
    pub form_name: String,
    pub violation_on: Date,
    pub decided_on: Date,
    /// Where the violation happened (may differ from the member's branch now).
    pub violation_org_id: Option<Uuid>,
    pub deciding_org_id: Option<Uuid>,
    pub duty_related: bool,
    pub self_detected_remedied: bool,
    pub note: String,
    pub changed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
}

impl From<Discipline> for DisciplineView {
    fn from(d: Discipline) -> DisciplineView {
        DisciplineView {
            id: d.id,
            form: d.record.form.code().to_string(),
            form_name: d.record.form.name_vi().to_string(),
            violation_on: d.record.violation_on,
            decided_on: d.record.decided_on,
            violation_org_id: d.record.violation_org,
            deciding_org_id: d.record.deciding_org,
            duty_related: d.record.duty_related,
            self_detected_remedied: d.record.self_detected_remedied,
            note: d.record.note,
            changed_by: d.changed_by,
            changed_at: d.changed_at,
        }
    }
}

/// A post (chức vụ) held by a member or a non-member leader.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PositionView {
    pub id: Uuid,
    /// `member` or `leader` (a leader who is not a party member).
    pub holder_kind: String,
    pub holder_id: Uuid,
    pub holder_name: String,
    #[schema(example = "secretary")]
    pub kind: String,
    #[schema(example = "Bí thư")]
    pub kind_name: String,
    pub org_id: Option<Uuid>,
    pub collective_id: Option<Uuid>,
    pub title: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

impl From<Position> for PositionView {
    fn from(p: Position) -> PositionView {
        let (holder_kind, holder_id) = match p.holder {
            Holder::Member(id) => ("member", id),
            Holder::Leader(id) => ("leader", id),
        };
        PositionView {
            id: p.id,
            holder_kind: holder_kind.to_string(),
            holder_id,
            holder_name: p.holder_name,
            kind: p.kind.code().to_string(),
            kind_name: p.kind.name_vi().to_string(),
            org_id: p.org,
            collective_id: p.collective,
            title: p.title,
            valid_from: p.valid_from,
            valid_to: p.valid_to,
        }
    }
}

/// A leadership collective (tập thể lãnh đạo, quản lý).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CollectiveView {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    #[schema(example = "party_committee")]
    pub kind: String,
    pub kind_name: String,
    pub org_id: Uuid,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

impl From<Collective> for CollectiveView {
    fn from(c: Collective) -> CollectiveView {
        CollectiveView {
            id: c.id,
            code: c.code,
            name: c.name,
            kind: c.kind.code().to_string(),
            kind_name: c.kind.name_vi().to_string(),
            org_id: c.org,
            valid_from: c.valid_from,
            valid_to: c.valid_to,
        }
    }
}

/// The day a listing describes.
pub fn as_of_text(day: Date) -> String {
    kiemdiem_app::date_vi(day)
}
