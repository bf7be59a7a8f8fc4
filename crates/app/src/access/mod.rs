//! Roles bound to the tree, and the one table of what each allows ([`permits`]).
//!
//! A [`Grant`] gives an account a [`Role`] on a node of the organisation tree for a period; its
//! scope is that node's subtree as the tree stood on the plan's date (or today for records). The
//! administrator's role has no node: it covers the installation, for records and accounts only —
//! the cycle's steps belong to the party's own bodies. Deny unless allowed: an action is allowed
//! when one active grant [`permits`] it where the target stands ([`Standing`]). Who may decide a
//! subject is not a second copy of the rule: it is the organisation the rules crate's
//! `authority` named when the plan was opened (`Standing::competent`).
//!
//! [`resolve`] finds where a scope stands (the only part that reads the store).

pub(crate) mod resolve;

use crate::actor::Action;
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

/// A role an account can hold (vai trò).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Quản trị hệ thống: accounts and records of the whole installation; no step of the cycle.
    Admin,
    /// Ban tổ chức của một cấp: plans, records, accounts, verification within its subtree;
    /// settles the persons escalated to it.
    Board,
    /// Cấp ủy, ban thường vụ: runs the cycle in its subtree and decides the subjects it is
    /// competent for; publishes its plan.
    Committee,
    /// Bí thư, phó bí thư chi bộ: the branch's meetings, ballots, proposals and report.
    BranchSecretary,
    /// Chi ủy viên: as the secretary.
    BranchCommittee,
    /// Đảng viên: own file, own self-review and self-evaluation, own ballot paper, own result.
    Member,
    /// Chủ thể tham gia đánh giá (MTTQ, đoàn thể, nơi cư trú …): opinions and comments on the
    /// subjects of its subtree.
    ParticipatingBody,
    /// Ủy ban kiểm tra: reads within its subtree, records opinions, checks the audit trail.
    Inspection,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::Board,
        Role::Committee,
        Role::BranchSecretary,
        Role::BranchCommittee,
        Role::Member,
        Role::ParticipatingBody,
        Role::Inspection,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Board => "board",
            Role::Committee => "committee",
            Role::BranchSecretary => "branch_secretary",
            Role::BranchCommittee => "branch_committee",
            Role::Member => "member",
            Role::ParticipatingBody => "participating_body",
            Role::Inspection => "inspection",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị hệ thống",
            Role::Board => "Ban tổ chức",
            Role::Committee => "Cấp ủy, ban thường vụ",
            Role::BranchSecretary => "Bí thư chi bộ",
            Role::BranchCommittee => "Chi ủy viên",
            Role::Member => "Đảng viên",
            Role::ParticipatingBody => "Chủ thể tham gia đánh giá",
            Role::Inspection => "Ủy ban kiểm tra",
        }
    }

    /// Whether the role is held on a node of the tree (every role but the administrator's).
    pub fn needs_node(self) -> bool {
        self != Role::Admin
    }
}

/// A role granted to an account on a node, for a period `[valid_from, valid_to)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub id: Uuid,
    pub role: Role,
    /// The node whose subtree the role covers (`None`: the installation, administrators only).
    pub org: Option<Uuid>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

impl Grant {
    /// Whether the grant is in force on `day`.
    pub fn active_on(&self, day: Date) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day < to)
    }
}

/// What kind of record an action is about (it changes what a member may read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetKind {
    Global,
    Org,
    Plan,
    PlanDocument,
    Subject,
    Meeting,
    Ballot,
    Escalation,
    Member,
    Account,
    Directory,
}

/// Where the target of an action stands with respect to one grant's node and to the actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Standing {
    /// The grant's node is the target's node or above it (the target is in its subtree).
    pub inside: bool,
    /// The grant's node is the target's node itself.
    pub at_node: bool,
    /// The target's node is above the grant's node (a plan covering it).
    pub covering: bool,
    /// The grant's node is the organisation competent to decide the target (subjects).
    pub competent: bool,
    /// The target is the actor's own record (their subject, member file or account).
    pub own: bool,
    /// The target is a subject that is a body (an organisation or a collective), not a person.
    pub body_subject: bool,
}

/// The one table: whether `role` allows `action` on a target of `kind` standing as `s`.
pub fn permits(role: Role, action: Action, kind: TargetKind, s: Standing) -> bool {
    use Action::*;
    use Role::*;
    if kind == TargetKind::Account {
        return match action {
            Read => s.own || role == Admin || (role == Board && s.inside),
            ManageAccounts => role == Admin || (role == Board && s.inside),
            _ => false,
        };
    }
    if kind == TargetKind::Directory {
        // Any role of the party's bodies may name a record by its code; a member needs none.
        return action == Read && role != Member;
    }
    match (role, action) {
        (Admin, Read | ManageRecords | ManageAccounts | Audit) => true,
        (Admin, _) => false,
        // Whether the member is on the ballot's roll is the ballot's own check.
        (Member, Vote) => true,
        (_, Vote) => false,
        (Member, Read) => match kind {
            TargetKind::Subject | TargetKind::Member => s.own,
            TargetKind::Meeting | TargetKind::Ballot => s.inside,
            TargetKind::PlanDocument => s.inside || s.covering,
            _ => false,
        },
        (Member, WriteOwn) => s.own,
        // A member lodges a complaint or a report about a subject of their branch's subtree
        // (the complainant is the account's own member).
        (Member, Lodge) => s.inside,
        (Member, _) => false,
        (_, Read) if kind == TargetKind::PlanDocument => s.inside || s.covering,
        (_, Read) => s.inside,
        (_, WriteOwn) => {
            s.own
                || (s.body_subject
                    && s.at_node
                    && matches!(role, Committee | BranchSecretary | BranchCommittee))
        }
        (Board | Committee, ManagePlan) => s.inside,
        (
            Board | Committee | BranchSecretary | BranchCommittee | ParticipatingBody,
            WriteForBody,
        ) => s.inside,
        (Committee | BranchSecretary | BranchCommittee, ManageMeeting | RunBallot | Propose) => {
            s.inside
        }
        (
            Board | Committee | BranchSecretary | BranchCommittee | ParticipatingBody | Inspection,
            Verify,
        ) => s.inside,
        (Committee | Inspection, RecordConclusion) => s.inside,
        (Board | Committee, RecordFact) => s.inside,
        (Board | Committee | BranchSecretary | BranchCommittee, RecordRemediation) => s.inside,
        (Committee, Decide) => s.competent,
        // The level competent for the subject handles the matters about it; the inspection
        // committee of any level above it too (QĐ 366 Điều 12: the superior verifies).
        (Committee, Handle) => s.competent,
        (Inspection, Handle) => s.inside,
        (Committee | Inspection, Inspect) => s.inside,
        (Board | Committee, Settle) => s.at_node,
        (Committee, Publish) => s.at_node,
        // Checking the chain reveals no record: any inspection committee may run it.
        (Inspection, Audit) => s.inside || kind == TargetKind::Global,
        (Board, ManageRecords | ManageAccounts) => s.inside,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside() -> Standing {
        Standing {
            inside: true,
            ..Standing::default()
        }
    }

    #[test]
    fn nothing_is_allowed_outside_the_subtree() {
        let outside = Standing::default();
        for role in Role::ALL.into_iter().filter(|r| *r != Role::Admin) {
            for action in [
                Action::Read,
                Action::ManagePlan,
                Action::WriteForBody,
                Action::ManageMeeting,
                Action::Verify,
                Action::Propose,
                Action::Decide,
                Action::RunBallot,
                Action::Publish,
                Action::ManageRecords,
            ] {
                assert!(
                    !permits(role, action, TargetKind::Subject, outside),
                    "{role:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn only_the_competent_committee_decides() {
        assert!(!permits(
            Role::Committee,
            Action::Decide,
            TargetKind::Subject,
            inside()
        ));
        let competent = Standing {
            competent: true,
            ..inside()
        };
        assert!(permits(
            Role::Committee,
            Action::Decide,
            TargetKind::Subject,
            competent
        ));
        for role in [
            Role::Admin,
            Role::Board,
            Role::BranchSecretary,
            Role::Member,
        ] {
            assert!(!permits(
                role,
                Action::Decide,
                TargetKind::Subject,
                competent
            ));
        }
    }

    #[test]
    fn a_member_reads_and_writes_only_their_own_file() {
        let theirs = inside();
        let own = Standing {
            own: true,
            ..inside()
        };
        for action in [Action::Read, Action::WriteOwn] {
            assert!(!permits(Role::Member, action, TargetKind::Subject, theirs));
            assert!(permits(Role::Member, action, TargetKind::Subject, own));
        }
        assert!(!permits(
            Role::Member,
            Action::Read,
            TargetKind::Org,
            inside()
        ));
        assert!(permits(
            Role::Member,
            Action::Read,
            TargetKind::Ballot,
            inside()
        ));
    }

    #[test]
    fn a_secretary_writes_the_branch_report_but_not_a_members_self_review() {
        let branch = Standing {
            at_node: true,
            body_subject: true,
            ..inside()
        };
        let member = Standing {
            at_node: true,
            ..inside()
        };
        assert!(permits(
            Role::BranchSecretary,
            Action::WriteOwn,
            TargetKind::Subject,
            branch
        ));
        assert!(!permits(
            Role::BranchSecretary,
            Action::WriteOwn,
            TargetKind::Subject,
            member
        ));
    }

    #[test]
    fn the_administrator_has_no_step_of_the_cycle() {
        let everywhere = Standing {
            inside: true,
            at_node: true,
            competent: true,
            ..Standing::default()
        };
        for action in [
            Action::ManagePlan,
            Action::Decide,
            Action::Vote,
            Action::Publish,
            Action::RunBallot,
        ] {
            assert!(!permits(
                Role::Admin,
                action,
                TargetKind::Subject,
                everywhere
            ));
        }
        assert!(permits(
            Role::Admin,
            Action::ManageAccounts,
            TargetKind::Global,
            Standing::default()
        ));
    }

    #[test]
    fn roles_round_trip_their_codes() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(Role::parse("superuser"), None);
    }
}
