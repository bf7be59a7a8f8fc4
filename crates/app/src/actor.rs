//! Who acts ([`Actor`]) and the single place where an action is allowed ([`authorize`]).
//!
//! Every use case takes `&Actor` and calls [`authorize`] first with what it is about to do
//! ([`Action`]) and where ([`Scope`]). Today the check refuses an empty actor and records who
//! acted (the returned [`Authorized`] is what opens a write transaction and signs the audit
//! entry); the accounts issue adds the scope check here, in this one function, without touching
//! the use cases.

use crate::error::{AppError, ErrorCode, Result};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

/// The acting user, as the caller (web session, CLI, test) identifies them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    /// A stable login or account id (NFC, trimmed); written into every audit entry.
    pub user: String,
    /// The member record of the person, when they are a party member (needed to vote).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<Uuid>,
}

impl Actor {
    /// An actor known by login only.
    pub fn new(user: impl AsRef<str>) -> Actor {
        Actor {
            user: user.as_ref().trim().nfc().collect(),
            member: None,
        }
    }

    /// An actor who is also the party member `member`.
    pub fn member(user: impl AsRef<str>, member: Uuid) -> Actor {
        Actor {
            member: Some(member),
            ..Actor::new(user)
        }
    }

    /// The system itself (demo generation, maintenance commands).
    pub fn system(task: &str) -> Actor {
        Actor::new(format!("system:{task}"))
    }
}

/// What a use case is about to do. Reads are listed too: the scope check will need them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read plans, subjects, progress, results within the scope.
    Read,
    /// Create or change a plan, its phases and frameworks; open it.
    ManagePlan,
    /// Write one's own self-review or self-evaluation.
    WriteOwn,
    /// Write on behalf of a body: collective reports, suggestions, comments, minutes.
    WriteForBody,
    /// Organise meetings (schedule, attendees, conclusions).
    ManageMeeting,
    /// Verify self-evaluations and record opinions (thẩm định, ý kiến các chủ thể).
    Verify,
    /// Propose a level (the branch committee / the body that proposes).
    Propose,
    /// Decide a level as the competent level.
    Decide,
    /// Open, freeze, close a ballot; enter paper-ballot tallies.
    RunBallot,
    /// Cast one's own ballot paper.
    Vote,
    /// Publish results.
    Publish,
    /// Verify the audit chain.
    Audit,
    /// Change the organisation tree and people's records: imports, demo data.
    ManageRecords,
}

/// Where the action applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    /// The whole installation.
    Global,
    /// An organisation and its subtree.
    Org(Uuid),
    /// A plan (and the organisation that issued it).
    Plan(Uuid),
    /// One subject of a plan.
    Subject(Uuid),
    /// A meeting of a plan.
    Meeting(Uuid),
    /// A ballot of a meeting.
    Ballot(Uuid),
}

/// Proof that [`authorize`] let `actor` do `action` on `scope`; the use case opens its write
/// transaction with it, so the store stamps and the audit log signs with the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorized {
    pub actor: Actor,
    pub action: Action,
    pub scope: Scope,
}

/// The one place where an action is allowed or refused.
pub fn authorize(actor: &Actor, action: Action, scope: Scope) -> Result<Authorized> {
    if actor.user.is_empty() {
        return Err(AppError::new(
            ErrorCode::Unauthenticated,
            "Chưa xác định người thực hiện: hãy đăng nhập",
        ));
    }
    if actor.user.chars().any(char::is_control) || actor.user.chars().count() > 200 {
        return Err(AppError::invalid(
            "actor",
            "Tên người thực hiện không hợp lệ (ký tự điều khiển hoặc quá dài)",
        ));
    }
    tracing::debug!(user = %actor.user, ?action, ?scope, "authorized");
    Ok(Authorized {
        actor: actor.clone(),
        action,
        scope,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_actor_is_refused() {
        let error = authorize(&Actor::new("  "), Action::Read, Scope::Global).unwrap_err();
        assert_eq!(error.code(), "unauthenticated");
    }

    #[test]
    fn the_actor_is_normalised_and_recorded() {
        let decomposed = "Nguye\u{302}\u{303}n";
        let ok = authorize(&Actor::new(decomposed), Action::Decide, Scope::Global).unwrap();
        assert_eq!(ok.actor.user, "Nguyễn");
        assert_eq!(ok.action, Action::Decide);
    }
}
