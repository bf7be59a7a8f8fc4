//! Commitments for the coming year (bản đăng ký phấn đấu; seed 002): after the review, each member
//! registers the level they aim at and what they pledge, each organisation (a branch, a
//! grassroots organisation) its target level. Next year's self-review and decisions show the
//! commitment beside the result ([`App::last_commitment`]). The level aimed at is read in the
//! coming year's vocabulary.

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, ErrorCode, Result};
use crate::plan::load_plan;
use crate::plan::{load_subject, subject_view};
use crate::rewards::Rated;
use crate::state::Stage;
use kiemdiem_rules::vocabulary::parse_level;
use kiemdiem_rules::{RuleSetId, SubjectKind};
use kiemdiem_store::rewards::{Commitment, NewCommitment};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

/// A commitment to register or change (`version` 0 for a new one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentInput {
    #[serde(default)]
    pub version: i64,
    /// The level aimed at, in the coming year's vocabulary (`HTXSNV` …).
    pub target_level: String,
    /// What the member pledges (required for a member; optional for an organisation).
    #[serde(default)]
    pub pledges: String,
    /// The day it was registered; today when left out.
    #[serde(default)]
    pub registered_on: Option<Date>,
}

/// A commitment as registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitmentView {
    pub id: Uuid,
    /// The subject of the review year that registered it.
    pub subject: Uuid,
    /// `member` or `org`.
    pub holder: &'static str,
    pub holder_id: Uuid,
    /// The year it is for (the review year + 1).
    pub for_year: i32,
    pub target_level: String,
    pub target_level_name: String,
    pub pledges: String,
    pub registered_on: Date,
    pub version: i64,
    pub by: String,
}

fn view(c: Commitment) -> CommitmentView {
    let (holder, holder_id) = c.record.rated.entity();
    let kind = match c.record.rated {
        Rated::Member(_) => SubjectKind::MemberWithoutPost,
        Rated::Org(_) => SubjectKind::Organisation,
    };
    let year = c.record.for_year as i32;
    let name = RuleSetId::for_year(year)
        .and_then(|id| parse_level(id, kind, &c.record.target_level).ok())
        .map(|l| l.name.to_owned())
        .unwrap_or_default();
    CommitmentView {
        id: c.id,
        subject: c.record.subject_id,
        holder,
        holder_id,
        for_year: year,
        target_level: c.record.target_level,
        target_level_name: name,
        pledges: c.record.pledges,
        registered_on: c.record.registered_on,
        version: c.version,
        by: c.changed_by,
    }
}

fn clean(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.trim().nfc().collect()
}

impl App {
    /// Registers (or changes) the subject's commitment for the year after its plan's: a
    /// member's or an organisation's, once it has been reviewed.
    pub async fn register_commitment(
        &self,
        actor: &Actor,
        subject: Uuid,
        input: CommitmentInput,
    ) -> Result<CommitmentView> {
        let who = self
            .authorize(actor, Action::WriteOwn, Scope::Subject(subject))
            .await?;
        let mut tx = self.begin(&who).await?;
        let row = subject_view(load_subject(&mut tx, subject).await?)?;
        let plan = load_plan(&mut tx, row.plan).await?;
        let kind = row.kind;
        let rated = match (kind, row.member, row.org) {
            (k, Some(member), _) if k.is_member() => Rated::Member(member),
            (SubjectKind::Organisation, _, Some(org)) => Rated::Org(org),
            _ => {
                return Err(AppError::invalid(
                    "subject",
                    format!(
                        "{} không đăng ký phấn đấu: chỉ đảng viên và tổ chức đảng",
                        kind.name_vi()
                    ),
                ));
            }
        };
        if matches!(
            row.stage,
            Stage::Pending | Stage::SelfReviewed | Stage::Excluded
        ) {
            return Err(AppError::new(
                ErrorCode::OutOfOrder,
                format!(
                    "{}: đăng ký phấn đấu sau khi đã kiểm điểm tại hội nghị",
                    row.name
                ),
            ));
        }
        let for_year = plan.year + 1;
        let rule_set = RuleSetId::for_year(for_year).unwrap_or(plan.rule_set);
        let level = parse_level(rule_set, kind, &input.target_level)
            .map_err(|e| AppError::invalid("target_level", e.to_string()))?;
        let pledges = clean(&input.pledges);
        if rated_is_member(rated) && pledges.is_empty() {
            return Err(AppError::invalid(
                "pledges",
                "Đảng viên ghi rõ nội dung đăng ký phấn đấu",
            ));
        }
        let registered_on = input.registered_on.unwrap_or(self.today());
        if registered_on > self.today() {
            return Err(AppError::invalid(
                "registered_on",
                format!("Ngày đăng ký {} chưa đến", crate::date_vi(registered_on)),
            ));
        }
        let saved = tx
            .save_commitment(
                &NewCommitment {
                    subject_id: subject,
                    rated,
                    for_year: i64::from(for_year),
                    target_level: level.code.to_owned(),
                    pledges,
                    registered_on,
                },
                input.version,
            )
            .await?
            .ok_or_else(|| AppError::stale("Bản đăng ký phấn đấu", input.version))?;
        let saved = view(saved);
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("commitment.register", "subject", subject).detail(&saved),
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// The commitment the subject registered this year (for next year), if any.
    pub async fn commitment(&self, actor: &Actor, subject: Uuid) -> Result<Option<CommitmentView>> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        Ok(tx.commitment_of_subject(subject).await?.map(view))
    }

    /// The commitment the subject's member or organisation registered last year for this
    /// year, shown beside this year's self-review and result.
    pub async fn last_commitment(
        &self,
        actor: &Actor,
        subject: Uuid,
    ) -> Result<Option<CommitmentView>> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        let row = subject_view(load_subject(&mut tx, subject).await?)?;
        let plan = load_plan(&mut tx, row.plan).await?;
        let rated = match (row.kind, row.member, row.org) {
            (k, Some(member), _) if k.is_member() => Rated::Member(member),
            (SubjectKind::Organisation, _, Some(org)) => Rated::Org(org),
            _ => return Ok(None),
        };
        Ok(tx
            .commitment_for(rated, i64::from(plan.year))
            .await?
            .map(view))
    }
}

fn rated_is_member(rated: Rated) -> bool {
    matches!(rated, Rated::Member(_))
}
