//! Who is reviewed and classified (đối tượng): the kinds of subject, of party organisation, and the
//! posts, statuses and records that the rules look at.
//!
//! This is the shared vocabulary of kiemdiem: the store keeps these values, the app passes them in.
//! No rule lives here, only names and their meanings.

use serde::{Deserialize, Serialize};

/// The kind of subject being reviewed and classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// Tổ chức đảng: a party organisation (see [`OrgKind`]).
    Organisation,
    /// Tập thể lãnh đạo, quản lý: a leadership collective with two or more direct leaders.
    Collective,
    /// Đảng viên giữ chức vụ lãnh đạo, quản lý, rated at the branch (Mẫu 2A under HD 43).
    MemberWithPost,
    /// Đảng viên không giữ chức vụ lãnh đạo, quản lý (Mẫu 2B under HD 43).
    MemberWithoutPost,
    /// Đảng viên không làm việc trong hệ thống chính trị: retired, students, private sector (Mẫu 2C).
    MemberOutsideSystem,
    /// Cán bộ lãnh đạo, quản lý: a leader rated for the post, party member or not.
    Leader,
}

impl SubjectKind {
    pub const ALL: [SubjectKind; 6] = [
        SubjectKind::Organisation,
        SubjectKind::Collective,
        SubjectKind::MemberWithPost,
        SubjectKind::MemberWithoutPost,
        SubjectKind::MemberOutsideSystem,
        SubjectKind::Leader,
    ];

    /// Whether the subject is an individual party member rated at a branch.
    pub fn is_member(self) -> bool {
        matches!(
            self,
            SubjectKind::MemberWithPost
                | SubjectKind::MemberWithoutPost
                | SubjectKind::MemberOutsideSystem
        )
    }

    /// Whether the subject is a person (member or leader) rather than a body.
    pub fn is_individual(self) -> bool {
        self.is_member() || self == SubjectKind::Leader
    }

    /// Whether the individual holds a leadership or management post.
    pub fn holds_post(self) -> bool {
        matches!(self, SubjectKind::MemberWithPost | SubjectKind::Leader)
    }

    /// The comparable group for the HTXSNV quota: organisations, collectives, members and leaders
    /// are counted separately (SPEC §7).
    pub fn quota_category(self) -> QuotaCategory {
        match self {
            SubjectKind::Organisation => QuotaCategory::Organisations,
            SubjectKind::Collective => QuotaCategory::Collectives,
            SubjectKind::Leader => QuotaCategory::Leaders,
            _ => QuotaCategory::Members,
        }
    }

    /// The stable code used in APIs and the database (`member_without_post` …), as serde spells it.
    pub fn code(self) -> &'static str {
        match self {
            SubjectKind::Organisation => "organisation",
            SubjectKind::Collective => "collective",
            SubjectKind::MemberWithPost => "member_with_post",
            SubjectKind::MemberWithoutPost => "member_without_post",
            SubjectKind::MemberOutsideSystem => "member_outside_system",
            SubjectKind::Leader => "leader",
        }
    }

    /// The kind of a code, exactly as [`SubjectKind::code`] spells it.
    pub fn parse(code: &str) -> Option<SubjectKind> {
        SubjectKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            SubjectKind::Organisation => "Tổ chức đảng",
            SubjectKind::Collective => "Tập thể lãnh đạo, quản lý",
            SubjectKind::MemberWithPost => "Đảng viên giữ chức vụ lãnh đạo, quản lý",
            SubjectKind::MemberWithoutPost => "Đảng viên không giữ chức vụ lãnh đạo, quản lý",
            SubjectKind::MemberOutsideSystem => "Đảng viên không làm việc trong hệ thống chính trị",
            SubjectKind::Leader => "Cán bộ lãnh đạo, quản lý",
        }
    }
}

/// The four comparable groups of the HTXSNV quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaCategory {
    Organisations,
    Collectives,
    Members,
    Leaders,
}

/// The kind of a party organisation in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// Đảng bộ tỉnh, thành phố (provincial party committee's organisation).
    Province,
    /// Đảng bộ cấp trên cơ sở: district, bloc (khối), or since 2025 commune/agency committee.
    UpperGrassroots,
    /// Đảng bộ cơ sở: grassroots organisation with a committee and branches.
    GrassrootsCommittee,
    /// Chi bộ cơ sở: a grassroots branch with no branches under it.
    GrassrootsBranch,
    /// Đảng bộ bộ phận: a partial committee between a grassroots committee and its branches.
    PartialCommittee,
    /// Chi bộ trực thuộc: a branch under a grassroots (or partial) committee.
    SubordinateBranch,
}

impl OrgKind {
    pub const ALL: [OrgKind; 6] = [
        OrgKind::Province,
        OrgKind::UpperGrassroots,
        OrgKind::GrassrootsCommittee,
        OrgKind::GrassrootsBranch,
        OrgKind::PartialCommittee,
        OrgKind::SubordinateBranch,
    ];

    /// Tổ chức cơ sở đảng: the unit over which HD 21 counts the member quota.
    pub fn is_grassroots(self) -> bool {
        matches!(
            self,
            OrgKind::GrassrootsCommittee | OrgKind::GrassrootsBranch
        )
    }

    /// A branch (chi bộ) of either kind: members are reviewed and vote here.
    pub fn is_branch(self) -> bool {
        matches!(self, OrgKind::GrassrootsBranch | OrgKind::SubordinateBranch)
    }

    /// Stable code used in files and the database.
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Province => "province",
            OrgKind::UpperGrassroots => "upper_grassroots",
            OrgKind::GrassrootsCommittee => "grassroots_committee",
            OrgKind::GrassrootsBranch => "grassroots_branch",
            OrgKind::PartialCommittee => "partial_committee",
            OrgKind::SubordinateBranch => "subordinate_branch",
        }
    }

    pub fn parse(code: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// A kind by its code or its Vietnamese name, in any case ("Chi bộ trực thuộc").
    pub fn parse_name(text: &str) -> Option<OrgKind> {
        let key = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        OrgKind::ALL
            .into_iter()
            .find(|k| k.code() == key || k.name_vi().to_lowercase() == key)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            OrgKind::Province => "Đảng bộ tỉnh",
            OrgKind::UpperGrassroots => "Đảng bộ cấp trên cơ sở",
            OrgKind::GrassrootsCommittee => "Đảng bộ cơ sở",
            OrgKind::GrassrootsBranch => "Chi bộ cơ sở",
            OrgKind::PartialCommittee => "Đảng bộ bộ phận",
            OrgKind::SubordinateBranch => "Chi bộ trực thuộc",
        }
    }
}

/// A post held by a person (chức vụ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PositionKind {
    /// Bí thư.
    Secretary,
    /// Phó bí thư.
    DeputySecretary,
    /// Ủy viên ban thường vụ.
    StandingCommitteeMember,
    /// Cấp ủy viên (đảng ủy viên, chi ủy viên).
    CommitteeMember,
    /// Người đứng đầu cơ quan, đơn vị (thủ trưởng, chủ tịch, giám đốc …).
    UnitHead,
    /// Cấp phó của người đứng đầu.
    UnitDeputy,
    /// Thành viên tập thể lãnh đạo, quản lý (other than head and deputy).
    CollectiveMember,
}

impl PositionKind {
    pub const ALL: [PositionKind; 7] = [
        PositionKind::Secretary,
        PositionKind::DeputySecretary,
        PositionKind::StandingCommitteeMember,
        PositionKind::CommitteeMember,
        PositionKind::UnitHead,
        PositionKind::UnitDeputy,
        PositionKind::CollectiveMember,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PositionKind::Secretary => "secretary",
            PositionKind::DeputySecretary => "deputy_secretary",
            PositionKind::StandingCommitteeMember => "standing_committee_member",
            PositionKind::CommitteeMember => "committee_member",
            PositionKind::UnitHead => "unit_head",
            PositionKind::UnitDeputy => "unit_deputy",
            PositionKind::CollectiveMember => "collective_member",
        }
    }

    pub fn parse(code: &str) -> Option<PositionKind> {
        PositionKind::ALL
            .into_iter()
            .find(|kind| kind.code() == code)
    }

    /// A post by its code, its Vietnamese name or the names offices use for it, in any case
    /// ("Bí thư", "Phó Bí thư", "Ủy viên thường vụ", "Chi ủy viên", "Chủ tịch", "Phó Giám đốc" …).
    pub fn parse_name(text: &str) -> Option<PositionKind> {
        let key = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if let Some(kind) = PositionKind::ALL
            .into_iter()
            .find(|kind| kind.code() == key || kind.name_vi().to_lowercase() == key)
        {
            return Some(kind);
        }
        let kind = match key.as_str() {
            "ủy viên thường vụ" | "ủy viên ban thường vụ" | "thường vụ" => {
                PositionKind::StandingCommitteeMember
            }
            "cấp ủy viên"
            | "ủy viên"
            | "đảng ủy viên"
            | "chi ủy viên"
            | "ủy viên ban chấp hành" => PositionKind::CommitteeMember,
            "thành viên" | "ủy viên tập thể" => PositionKind::CollectiveMember,
            "người đứng đầu" | "thủ trưởng" => PositionKind::UnitHead,
            "cấp phó" => PositionKind::UnitDeputy,
            other if other.starts_with("phó ") => PositionKind::UnitDeputy,
            other
                if ["chủ tịch", "giám đốc", "trưởng ", "hiệu trưởng", "chánh "]
                    .iter()
                    .any(|head| other.starts_with(head)) =>
            {
                PositionKind::UnitHead
            }
            _ => return None,
        };
        Some(kind)
    }

    /// Whether the post is a head (người đứng đầu) of the body it belongs to.
    pub fn is_head(self) -> bool {
        matches!(self, PositionKind::Secretary | PositionKind::UnitHead)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            PositionKind::Secretary => "Bí thư",
            PositionKind::DeputySecretary => "Phó Bí thư",
            PositionKind::StandingCommitteeMember => "Ủy viên Ban Thường vụ",
            PositionKind::CommitteeMember => "Cấp ủy viên",
            PositionKind::UnitHead => "Người đứng đầu",
            PositionKind::UnitDeputy => "Cấp phó",
            PositionKind::CollectiveMember => "Thành viên tập thể lãnh đạo",
        }
    }
}

/// A dated status of a party member that changes whether they are reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusKind {
    /// Miễn công tác và sinh hoạt đảng.
    ExemptFromPartyWork,
    /// Đình chỉ sinh hoạt đảng.
    SuspendedFromParty,
    /// Đình chỉ sinh hoạt cấp ủy: suspended from the committee only, still reviewed.
    SuspendedFromCommittee,
}

impl StatusKind {
    pub const ALL: [StatusKind; 3] = [
        StatusKind::ExemptFromPartyWork,
        StatusKind::SuspendedFromParty,
        StatusKind::SuspendedFromCommittee,
    ];

    pub fn code(self) -> &'static str {
        match self {
            StatusKind::ExemptFromPartyWork => "exempt_from_party_work",
            StatusKind::SuspendedFromParty => "suspended_from_party",
            StatusKind::SuspendedFromCommittee => "suspended_from_committee",
        }
    }

    pub fn parse(code: &str) -> Option<StatusKind> {
        StatusKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// A status by its code or its Vietnamese name in any case; "miễn sinh hoạt đảng" and
    /// "đình chỉ sinh hoạt" as offices shorten them.
    pub fn parse_name(text: &str) -> Option<StatusKind> {
        let key = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        StatusKind::ALL
            .into_iter()
            .find(|kind| kind.code() == key || kind.name_vi().to_lowercase() == key)
            .or(match key.as_str() {
                "miễn sinh hoạt đảng" | "miễn công tác, sinh hoạt đảng" | "miễn sinh hoạt" => {
                    Some(StatusKind::ExemptFromPartyWork)
                }
                "đình chỉ sinh hoạt" => Some(StatusKind::SuspendedFromParty),
                _ => None,
            })
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            StatusKind::ExemptFromPartyWork => "Miễn công tác và sinh hoạt đảng",
            StatusKind::SuspendedFromParty => "Đình chỉ sinh hoạt đảng",
            StatusKind::SuspendedFromCommittee => "Đình chỉ sinh hoạt cấp ủy",
        }
    }
}

/// A kind of leave (nghỉ) that can change how a member is rated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveKind {
    /// Nghỉ ốm.
    Sick,
    /// Nghỉ thai sản.
    Maternity,
}

impl LeaveKind {
    pub fn code(self) -> &'static str {
        match self {
            LeaveKind::Sick => "sick",
            LeaveKind::Maternity => "maternity",
        }
    }

    pub fn parse(code: &str) -> Option<LeaveKind> {
        [LeaveKind::Sick, LeaveKind::Maternity]
            .into_iter()
            .find(|kind| kind.code() == code)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            LeaveKind::Sick => "Nghỉ ốm",
            LeaveKind::Maternity => "Nghỉ thai sản",
        }
    }

    /// A kind of leave by its code or its Vietnamese name ("Nghỉ ốm", "ốm", "Thai sản").
    pub fn parse_name(text: &str) -> Option<LeaveKind> {
        let key = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let key = key.strip_prefix("nghỉ ").unwrap_or(&key);
        [LeaveKind::Sick, LeaveKind::Maternity]
            .into_iter()
            .find(|kind| kind.code() == key)
            .or(match key {
                "ốm" | "ốm đau" => Some(LeaveKind::Sick),
                "thai sản" => Some(LeaveKind::Maternity),
                _ => None,
            })
    }
}

/// The form of a party discipline (hình thức kỷ luật), ordered from lightest to heaviest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisciplineForm {
    /// Khiển trách (reprimand).
    KhienTrach,
    /// Cảnh cáo (warning).
    CanhCao,
    /// Cách chức (dismissal from a post).
    CachChuc,
    /// Khai trừ (expulsion).
    KhaiTru,
}

impl DisciplineForm {
    pub const ALL: [DisciplineForm; 4] = [
        DisciplineForm::KhienTrach,
        DisciplineForm::CanhCao,
        DisciplineForm::CachChuc,
        DisciplineForm::KhaiTru,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DisciplineForm::KhienTrach => "khien_trach",
            DisciplineForm::CanhCao => "canh_cao",
            DisciplineForm::CachChuc => "cach_chuc",
            DisciplineForm::KhaiTru => "khai_tru",
        }
    }

    pub fn parse(code: &str) -> Option<DisciplineForm> {
        DisciplineForm::ALL
            .into_iter()
            .find(|form| form.code() == code)
    }

    /// A form by its code or its Vietnamese name, in any case ("Khiển trách", "khien_trach").
    pub fn parse_name(text: &str) -> Option<DisciplineForm> {
        let key = text.trim().to_lowercase();
        DisciplineForm::ALL
            .into_iter()
            .find(|form| form.code() == key || form.name_vi().to_lowercase() == key)
    }

    /// Whether a party organisation or a collective can be given this form: khiển trách and
    /// cảnh cáo (Điều lệ Đảng Điều 36; giải tán ends the organisation, cách chức and khai trừ are
    /// for persons).
    pub fn applies_to_bodies(self) -> bool {
        matches!(self, DisciplineForm::KhienTrach | DisciplineForm::CanhCao)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            DisciplineForm::KhienTrach => "Khiển trách",
            DisciplineForm::CanhCao => "Cảnh cáo",
            DisciplineForm::CachChuc => "Cách chức",
            DisciplineForm::KhaiTru => "Khai trừ",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offices_names_parse() {
        assert_eq!(
            PositionKind::parse_name(" Phó  Bí thư "),
            Some(PositionKind::DeputySecretary)
        );
        assert_eq!(
            PositionKind::parse_name("Chi ủy viên"),
            Some(PositionKind::CommitteeMember)
        );
        assert_eq!(
            PositionKind::parse_name("Chủ tịch UBND xã"),
            Some(PositionKind::UnitHead)
        );
        assert_eq!(
            PositionKind::parse_name("Phó Giám đốc"),
            Some(PositionKind::UnitDeputy)
        );
        assert_eq!(PositionKind::parse_name("Thủ quỹ"), None);
        assert_eq!(
            StatusKind::parse_name("đình chỉ sinh hoạt cấp ủy"),
            Some(StatusKind::SuspendedFromCommittee)
        );
        assert_eq!(
            StatusKind::parse_name("Miễn sinh hoạt đảng"),
            Some(StatusKind::ExemptFromPartyWork)
        );
        assert_eq!(
            LeaveKind::parse_name("Nghỉ thai sản"),
            Some(LeaveKind::Maternity)
        );
        assert_eq!(LeaveKind::parse_name("ốm"), Some(LeaveKind::Sick));
    }

    #[test]
    fn codes_round_trip() {
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::parse(kind.code()), Some(kind));
        }
        for kind in PositionKind::ALL {
            assert_eq!(PositionKind::parse(kind.code()), Some(kind));
        }
        for kind in StatusKind::ALL {
            assert_eq!(StatusKind::parse(kind.code()), Some(kind));
        }
        for form in DisciplineForm::ALL {
            assert_eq!(DisciplineForm::parse(form.code()), Some(form));
            assert_eq!(DisciplineForm::parse_name(form.code()), Some(form));
            assert_eq!(
                DisciplineForm::parse_name(&form.name_vi().to_uppercase()),
                Some(form)
            );
        }
        assert_eq!(
            DisciplineForm::parse_name(" khiển trách "),
            Some(DisciplineForm::KhienTrach)
        );
        assert_eq!(DisciplineForm::parse_name("Phê bình"), None);
        let for_bodies: Vec<_> = DisciplineForm::ALL
            .into_iter()
            .filter(|f| f.applies_to_bodies())
            .collect();
        assert_eq!(
            for_bodies,
            [DisciplineForm::KhienTrach, DisciplineForm::CanhCao]
        );
    }

    #[test]
    fn discipline_forms_are_ordered_by_severity() {
        assert!(DisciplineForm::KhienTrach < DisciplineForm::CanhCao);
        assert!(DisciplineForm::CanhCao < DisciplineForm::CachChuc);
        assert!(DisciplineForm::CachChuc < DisciplineForm::KhaiTru);
    }

    #[test]
    fn quota_groups_members_together() {
        assert_eq!(
            SubjectKind::MemberWithPost.quota_category(),
            QuotaCategory::Members
        );
        assert_eq!(
            SubjectKind::MemberOutsideSystem.quota_category(),
            QuotaCategory::Members
        );
        assert_eq!(SubjectKind::Leader.quota_category(), QuotaCategory::Leaders);
    }
}
