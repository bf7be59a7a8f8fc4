//! The order of review at a meeting (HD 43 Mục 2; QĐ 124 Điều 11; seed 003 A.4.2): the unit's
//! collective before its members, the head before the deputies and members, the party committee
//! (and the party organisation) after the government, professional and mass-organisation
//! collectives of the same level — and which of these a recorded reason may override. What each
//! precedence means and cites is the rules crate's (`ordering::check_order`).

use crate::error::{AppError, ErrorCode, Result};
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::ordering::{MissingPredecessor, Precedence, Predecessor, check_order};
use kiemdiem_rules::{Citation, RuleBook, SubjectKind};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::plan::SubjectRow;
use kiemdiem_store::leadership::{CollectiveKind, Holder};
use time::Date;
use uuid::Uuid;

/// The citation of a precedence in the plan's era, or `fallback` where the era names none.
pub(super) fn precedence_citation(
    book: &RuleBook,
    precedence: Precedence,
    fallback: &str,
) -> Citation {
    Citation::new(
        format!("{}.order.{precedence:?}", book.rule_set),
        book.era().precedence(precedence).unwrap_or(fallback),
    )
}

/// The heads (bí thư, người đứng đầu) of the unit on the day, as member ids.
async fn heads_of(tx: &mut Tx, unit: Uuid, on: Date) -> Result<Vec<Uuid>> {
    Ok(tx
        .positions_in_org(unit, on)
        .await?
        .into_iter()
        .filter(|p| p.is_head())
        .filter_map(|p| match p.holder {
            Holder::Member(id) => Some(id),
            Holder::Leader(_) => None,
        })
        .collect())
}

/// What must be reviewed before `subject` at its unit.
pub(super) async fn review_predecessors(
    tx: &mut Tx,
    subject: &SubjectRow,
    on: Date,
) -> Result<(Vec<Predecessor>, bool)> {
    let kind = subject.kind;
    let mut out = Vec::new();
    if matches!(kind, SubjectKind::Organisation | SubjectKind::Collective) {
        return Ok((government_bodies_first(tx, subject, on).await?, false));
    }
    let heads = heads_of(tx, subject.unit_id, on).await?;
    let is_head = subject.member_id.is_some_and(|m| heads.contains(&m));
    if !kind.is_member() {
        return Ok((out, false));
    }
    let unit = tx
        .family_subjects(subject.plan_id, &[subject.unit_id])
        .await?;
    let reviewed = |row: &SubjectRow| row.stage.reviewed();
    for row in &unit {
        if row.participation == Participation::Excluded || row.id == subject.id {
            continue;
        }
        if row.kind == SubjectKind::Collective
            || (row.kind == SubjectKind::Organisation && row.org_id == Some(subject.unit_id))
        {
            out.push(Predecessor {
                precedence: Precedence::CollectiveBeforeMembers,
                name: format!("Kiểm điểm tập thể {}", row.name),
                done: reviewed(row),
            });
        } else if !is_head
            && row.kind.is_member()
            && row.member_id.is_some_and(|m| heads.contains(&m))
        {
            out.push(Predecessor {
                precedence: Precedence::HeadBeforeDeputies,
                name: format!("Kiểm điểm người đứng đầu {}", row.name),
                done: reviewed(row),
            });
        }
    }
    Ok((out, is_head))
}

/// Collectives of the government, the professional bodies and the mass organisations
/// (HĐND, UBND, MTTQ, đoàn thể, lãnh đạo cơ quan, đơn vị).
fn is_government_body(kind: CollectiveKind) -> bool {
    matches!(
        kind,
        CollectiveKind::PeoplesCouncilStanding
            | CollectiveKind::PeoplesCommittee
            | CollectiveKind::FatherlandFront
            | CollectiveKind::MassOrganisation
            | CollectiveKind::UnitLeadership
    )
}

/// The party committee (cấp ủy, ban thường vụ) or the party organisation itself is reviewed after
/// the government, professional and mass-organisation leadership collectives of the same level —
/// those attached to the same organisation (HD 43 Mục 2; QĐ 124 Điều 11; seed 003 A.4.2).
async fn government_bodies_first(
    tx: &mut Tx,
    subject: &SubjectRow,
    on: Date,
) -> Result<Vec<Predecessor>> {
    let org = subject.unit_id;
    let collectives = tx.collectives_of_org(org, on).await?;
    let party_body = match subject.collective_id {
        Some(id) => collectives.iter().any(|c| {
            c.id == id
                && matches!(
                    c.kind,
                    CollectiveKind::PartyCommittee | CollectiveKind::PartyStandingCommittee
                )
        }),
        None => subject.kind == SubjectKind::Organisation && subject.org_id == Some(org),
    };
    if !party_body {
        return Ok(Vec::new());
    }
    let government: Vec<Uuid> = collectives
        .iter()
        .filter(|c| is_government_body(c.kind))
        .map(|c| c.id)
        .collect();
    if government.is_empty() {
        return Ok(Vec::new());
    }
    Ok(tx
        .family_subjects(subject.plan_id, &[org])
        .await?
        .into_iter()
        .filter(|row| {
            row.kind == SubjectKind::Collective
                && row.participation != Participation::Excluded
                && row.collective_id.is_some_and(|c| government.contains(&c))
        })
        .map(|row| Predecessor {
            precedence: Precedence::GovernmentBodiesBeforeCommittee,
            name: format!("Kiểm điểm tập thể {}", row.name),
            done: row.stage.reviewed(),
        })
        .collect())
}

/// Order checks that may be overridden with a recorded reason: the government and mass
/// organisations' collectives review at their own year-end conferences (seed 003 A.2.1: "khi
/// tiến hành tổng kết năm"), whose dates the party committee does not set. Every other order is
/// never overridable.
fn overridable(precedence: Precedence) -> bool {
    precedence == Precedence::GovernmentBodiesBeforeCommittee
}

/// Refuses a review whose predecessors are not all reviewed, unless every one missing is
/// [`overridable`] and a reason is given; returns the ones overridden.
pub(super) fn check_review_order(
    book: &RuleBook,
    predecessors: &[Predecessor],
    override_reason: Option<&str>,
) -> Result<Vec<MissingPredecessor>> {
    let Err(missing) = check_order(book, predecessors) else {
        return Ok(Vec::new());
    };
    let message = missing
        .iter()
        .map(|m| m.message.clone())
        .collect::<Vec<_>>()
        .join("; ");
    let citations = missing.iter().map(|m| m.citation.clone()).collect();
    if missing.iter().any(|m| !overridable(m.precedence)) {
        return Err(AppError::new(
            ErrorCode::OutOfOrder,
            format!("Chưa đúng trình tự kiểm điểm: {message}"),
        )
        .with_citations(citations)
        .with_details(&missing));
    }
    if override_reason.is_none() {
        return Err(AppError::new(
            ErrorCode::OutOfOrder,
            format!("Chưa đúng trình tự kiểm điểm: {message}. Có thể tiếp tục nếu ghi rõ lý do"),
        )
        .with_field("override_reason")
        .with_citations(citations)
        .with_details(&missing));
    }
    Ok(missing)
}

impl crate::App {
    /// `subjects` (of `unit` under `plan`) in the order the rules review them: the unit's
    /// collective first, then its heads, then the others in Vietnamese name order
    /// (`ordering::review_rank`) — the order a meeting's agenda is offered in.
    pub async fn agenda_in_order(
        &self,
        actor: &crate::actor::Actor,
        plan: Uuid,
        unit: Uuid,
        subjects: &[Uuid],
    ) -> Result<Vec<Uuid>> {
        self.authorize(
            actor,
            crate::actor::Action::Read,
            crate::actor::Scope::Org(unit),
        )
        .await?;
        let mut tx = self.store().read().await?;
        let current = crate::plan::load_plan(&mut tx, plan).await?;
        let heads = heads_of(&mut tx, unit, current.review_date).await?;
        // The unit's subjects in one query, not one per subject on the agenda.
        let rows: std::collections::HashMap<Uuid, _> = tx
            .family_subjects(plan, &[unit])
            .await?
            .into_iter()
            .map(|row| (row.id, row))
            .collect();
        let mut ranked = Vec::with_capacity(subjects.len());
        for id in subjects {
            let row = match rows.get(id) {
                Some(row) => row,
                None => &crate::plan::load_subject(&mut tx, *id).await?,
            };
            let collective = row.member_id.is_none() && row.leader_id.is_none();
            let head = row.member_id.is_some_and(|m| heads.contains(&m));
            ranked.push((
                kiemdiem_rules::ordering::review_rank(collective, head),
                row.sort_key.clone(),
                *id,
            ));
        }
        ranked.sort();
        Ok(ranked.into_iter().map(|(_, _, id)| id).collect())
    }
}
