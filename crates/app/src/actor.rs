//! Who acts ([`Actor`]), what they are about to do ([`Action`]) and where ([`Scope`]), and the
//! proof that it was allowed ([`Authorized`]).
//!
//! An actor comes from one of two places. A person or program that signed in (a session, an API
//! token) is a *signed-in* actor carrying the roles granted to their account: every use case
//! calls [`App::authorize`](crate::App::authorize) first, which resolves the scope to a node of
//! the tree and asks [`crate::access`] whether one of the roles allows the action there (deny
//! unless allowed). In-process callers that already hold the database — the command line, the
//! demo generator, tests, benchmarks, and the web server's explicit development mode — act as a
//! *trusted* actor, allowed everything but voting in another member's name.

use crate::access::Grant;
use std::sync::Arc;
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

/// The acting user, as the caller (web session, API token, CLI, test) identifies them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// A stable login (NFC, trimmed); written into every audit entry and row stamp.
    pub user: String,
    /// The member record of the person, when they are a party member (needed to vote).
    pub member: Option<Uuid>,
    /// The account that signed in (`None` for a trusted in-process actor).
    pub account: Option<Uuid>,
    pub(crate) powers: Powers,
}

/// What an actor may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Powers {
    /// In-process and already holding the database: everything but another member's vote.
    Trusted,
    /// Signed in: what the roles granted to the account allow, each on its node's subtree.
    Granted {
        grants: Arc<[Grant]>,
        /// A one-time password is in use: nothing but changing it is allowed.
        must_change_password: bool,
        /// What was already allowed to this actor.
        allowed: AllowedMemo,
    },
}

/// The (action, scope) pairs already allowed to a signed-in actor, so that a page asking the
/// same question many times (reading one branch for each of its subjects) pays for the
/// answer once. An actor is built for one request from the session, its grants a snapshot of
/// that moment, so the memo lives no longer than the answer it keeps; refusals are not kept.
#[derive(Clone, Default)]
pub(crate) struct AllowedMemo(Arc<std::sync::Mutex<std::collections::HashSet<(Action, Scope)>>>);

impl AllowedMemo {
    pub(crate) fn contains(&self, key: (Action, Scope)) -> bool {
        self.0.lock().is_ok_and(|set| set.contains(&key))
    }

    pub(crate) fn insert(&self, key: (Action, Scope)) {
        if let Ok(mut set) = self.0.lock() {
            set.insert(key);
        }
    }
}

impl std::fmt::Debug for AllowedMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AllowedMemo")
    }
}

/// Two actors are the same whatever they were already allowed.
impl PartialEq for AllowedMemo {
    fn eq(&self, _: &AllowedMemo) -> bool {
        true
    }
}

impl Eq for AllowedMemo {}

impl Actor {
    /// A trusted in-process actor (command line, demo, tests): allowed every action. Never built
    /// from a request, except by the web server's development mode, which says so at start.
    pub fn trusted(user: impl AsRef<str>) -> Actor {
        Actor {
            user: user.as_ref().trim().nfc().collect(),
            member: None,
            account: None,
            powers: Powers::Trusted,
        }
    }

    /// A trusted in-process actor who is also the party member `member` (and votes only as them).
    pub fn trusted_member(user: impl AsRef<str>, member: Uuid) -> Actor {
        Actor {
            member: Some(member),
            ..Actor::trusted(user)
        }
    }

    /// The system itself (demo generation, maintenance commands).
    pub fn system(task: &str) -> Actor {
        Actor::trusted(format!("system:{task}"))
    }

    /// A signed-in account with the roles granted to it.
    pub(crate) fn signed_in(
        login: &str,
        account: Uuid,
        member: Option<Uuid>,
        grants: Vec<Grant>,
        must_change_password: bool,
    ) -> Actor {
        Actor {
            user: login.to_string(),
            member,
            account: Some(account),
            powers: Powers::Granted {
                grants: grants.into(),
                must_change_password,
                allowed: AllowedMemo::default(),
            },
        }
    }

    /// The same actor for a new request: the same grants, nothing already allowed.
    pub(crate) fn for_new_request(&self) -> Actor {
        let mut actor = self.clone();
        if let Powers::Granted { allowed, .. } = &mut actor.powers {
            *allowed = AllowedMemo::default();
        }
        actor
    }

    /// Whether this actor is trusted (in-process) rather than signed in.
    pub fn is_trusted(&self) -> bool {
        matches!(self.powers, Powers::Trusted)
    }

    /// The roles granted to a signed-in actor (none for a trusted one).
    pub fn grants(&self) -> &[Grant] {
        match &self.powers {
            Powers::Trusted => &[],
            Powers::Granted { grants, .. } => grants,
        }
    }

    /// A signed-in actor whose one-time password must be changed before anything else.
    pub fn must_change_password(&self) -> bool {
        matches!(
            self.powers,
            Powers::Granted {
                must_change_password: true,
                ..
            }
        )
    }
}

/// What a use case is about to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read plans, subjects, progress, results, records within the scope.
    Read,
    /// Create or change a plan, its phases and frameworks; open it.
    ManagePlan,
    /// Write one's own self-review or self-evaluation (a body's: its committee or secretary).
    WriteOwn,
    /// Write on behalf of a body: suggestions, comments, joint units' results.
    WriteForBody,
    /// Organise meetings (schedule, attendees, conclusions).
    ManageMeeting,
    /// Verify self-evaluations and record opinions (thẩm định, ý kiến các chủ thể).
    Verify,
    /// Propose a level (the branch committee / the body that proposes).
    Propose,
    /// Decide a level as the competent level.
    Decide,
    /// Settle a person rated differently in several places (the board it was escalated to).
    Settle,
    /// Open, freeze, close a ballot; enter paper-ballot tallies.
    RunBallot,
    /// Cast one's own ballot paper.
    Vote,
    /// Publish results.
    Publish,
    /// Verify the audit chain, read the audit trail.
    Audit,
    /// Change the organisation tree and people's records: imports, discipline, demo data.
    ManageRecords,
    /// Create accounts, grant and revoke roles, reset passwords, revoke others' tokens.
    ManageAccounts,
    /// Record a conclusion of the competent level or the inspection committee about a subject,
    /// and how a discipline record is read (counted before, unrelated to a collective's remit).
    RecordConclusion,
    /// Record a leader's vote of confidence, the 5 basic socio-economic targets, force majeure.
    RecordFact,
    /// Record the shortcomings found at a review, their remediation, and whether earlier ones
    /// were remedied.
    RecordRemediation,
    /// Lodge a complaint, denunciation or report about a subject (gửi đơn thư, phản ánh).
    Lodge,
    /// Handle a matter about a subject: order its verification, record the conclusion.
    Handle,
    /// An upper level's inspection: order a new review or a re-classification, list the
    /// organisations in breach, re-check a plan's results.
    Inspect,
}

impl Action {
    /// How a refusal names the action, in Vietnamese.
    pub fn name_vi(self) -> &'static str {
        match self {
            Action::Read => "xem",
            Action::ManagePlan => "ban hành, điều chỉnh kế hoạch",
            Action::WriteOwn => "viết bản tự kiểm điểm, tự đánh giá",
            Action::WriteForBody => "ghi ý kiến, nhận xét của tập thể",
            Action::ManageMeeting => "tổ chức hội nghị kiểm điểm",
            Action::Verify => "thẩm định, ghi ý kiến đánh giá",
            Action::Propose => "đề xuất mức xếp loại",
            Action::Decide => "quyết định xếp loại",
            Action::Settle => "giải quyết trường hợp xếp loại khác nhau ở nhiều nơi",
            Action::RunBallot => "điều hành bỏ phiếu kín",
            Action::Vote => "bỏ phiếu",
            Action::Publish => "công khai kết quả",
            Action::Audit => "kiểm tra nhật ký",
            Action::ManageRecords => "cập nhật hồ sơ tổ chức, đảng viên",
            Action::ManageAccounts => "quản lý tài khoản, phân quyền",
            Action::RecordConclusion => "ghi nhận kết luận của cấp có thẩm quyền",
            Action::RecordFact => {
                "ghi nhận kết quả lấy phiếu tín nhiệm, chỉ tiêu kinh tế - xã hội, bất khả kháng"
            }
            Action::RecordRemediation => "ghi nhận hạn chế, khuyết điểm và kết quả khắc phục",
            Action::Lodge => "gửi đơn khiếu nại, tố cáo, phản ánh",
            Action::Handle => "giải quyết đơn thư, phản ánh",
            Action::Inspect => "kiểm tra, yêu cầu kiểm điểm, xếp loại lại",
        }
    }
}

/// Where the action applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The whole installation.
    Global,
    /// An organisation and its subtree.
    Org(Uuid),
    /// A plan and everything in it (its subjects, meetings, progress): the issuing
    /// organisation's subtree.
    Plan(Uuid),
    /// A plan as a document (title, phases, deadlines): also readable by everyone it covers.
    PlanDocument(Uuid),
    /// The plans an organisation issues, as documents: readable by everyone they cover.
    Issued(Uuid),
    /// One subject of a plan.
    Subject(Uuid),
    /// A meeting of a plan.
    Meeting(Uuid),
    /// A ballot of a meeting.
    Ballot(Uuid),
    /// A person rated differently in several places, escalated to a board.
    Escalation(Uuid),
    /// A party member's file.
    Member(Uuid),
    /// An account (its roles, password, tokens).
    Account(Uuid),
    /// The look-up of a code (an organisation's, a member's card number) to name a record in a
    /// request: says only that the code exists; what is done with it is authorized on its own.
    Directory,
}

/// Proof that [`App::authorize`](crate::App::authorize) let `actor` do `action` on `scope`;
/// the use case opens its write transaction with it, so the store stamps and the audit log
/// signs with the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorized {
    pub actor: Actor,
    pub action: Action,
    pub scope: Scope,
}

impl Authorized {
    /// An actor acting on their own behalf where no role is involved (signing in, changing their
    /// own password): built only by those use cases.
    pub(crate) fn itself(actor: Actor, action: Action, scope: Scope) -> Authorized {
        Authorized {
            actor,
            action,
            scope,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_actor_is_normalised() {
        let decomposed = "Nguye\u{302}\u{303}n";
        let actor = Actor::trusted(decomposed);
        assert_eq!(actor.user, "Nguyễn");
        assert!(actor.is_trusted());
        assert!(actor.grants().is_empty());
    }
}
