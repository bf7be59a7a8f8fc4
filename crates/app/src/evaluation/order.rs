//! The order of rating: which steps the tree says must be done before a subject is rated
//! (review first; the collective before its members; a leader's branch rating before the
//! collective's; sub-organisations and the organisation's own members — but not those leading it
//! — before the organisation; the units a person heads before the person), found in whichever plan of the period covers them, and the refusal when one is
//! missing. Which precedences apply is the rules crate's (`ordering::check_order`).

use crate::error::{AppError, ErrorCode, Result};
use crate::plan::Plan;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::ordering::{Precedence, Predecessor, check_order};
use kiemdiem_rules::{RuleBook, SubjectKind};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::plan::SubjectRow;
use kiemdiem_store::people::MembershipKind;
use uuid::Uuid;

/// The steps that must be done before `subject` is rated, as the rules crate names them.
pub(super) async fn rating_predecessors(
    tx: &mut Tx,
    plan: &Plan,
    subject: &SubjectRow,
) -> Result<Vec<Predecessor>> {
    let kind = subject.kind;
    let stage = subject.stage;
    let mut out = vec![Predecessor {
        precedence: Precedence::ReviewBeforeRating,
        name: format!("Kiểm điểm {}", subject.name),
        done: stage.reviewed(),
    }];
    let decided = |row: &SubjectRow| row.stage.decided();
    let excluded = |row: &SubjectRow| row.participation != Participation::ReviewAndClassify;
    match kind {
        SubjectKind::MemberWithPost
        | SubjectKind::MemberWithoutPost
        | SubjectKind::MemberOutsideSystem
        | SubjectKind::Leader => {
            let unit_subjects = tx
                .family_subjects(subject.plan_id, &[subject.unit_id])
                .await?;
            for row in unit_subjects
                .iter()
                .filter(|r| r.kind == SubjectKind::Collective && !excluded(r))
            {
                if kind == SubjectKind::Leader && subject.collective_id != row.collective_id {
                    continue;
                }
                out.push(Predecessor {
                    precedence: Precedence::CollectiveBeforeMembers,
                    name: format!("Xếp loại {}", row.name),
                    done: decided(row),
                });
            }
            // A leader's rating in their own branch comes before the collective's (HD 43).
            if kind == SubjectKind::Leader
                && let Some(member) = subject.member_id
                && let Some(branch) = tx
                    .branch_of(member, MembershipKind::Official, plan.review_date)
                    .await?
            {
                for row in tx.family_subjects(subject.plan_id, &[branch]).await? {
                    if row.member_id == Some(member) && row.kind.is_member() && !excluded(&row) {
                        out.push(Predecessor {
                            precedence: Precedence::BranchBeforeCollective,
                            name: format!("Xếp loại {} ở chi bộ", row.name),
                            done: decided(&row),
                        });
                    }
                }
            }
        }
        SubjectKind::Organisation => {
            let org = subject.org_id.unwrap_or(subject.unit_id);
            // Its own members before it (HD 43 Mục 3: the organisation's level rests on every
            // member's) — except those who lead it, who come after it (the unit before its head).
            let leading = crate::leaders::members_leading(tx, org, plan.review_date).await?;
            for row in tx.family_subjects(subject.plan_id, &[org]).await? {
                if row.kind.is_member()
                    && !excluded(&row)
                    && !row.member_id.is_some_and(|m| leading.contains(&m))
                {
                    out.push(Predecessor {
                        precedence: Precedence::MembersBeforeOrganisation,
                        name: format!("Xếp loại đảng viên {}", row.name),
                        done: decided(&row),
                    });
                }
            }
            let children: Vec<Uuid> = tx
                .org_children(org, plan.review_date)
                .await?
                .into_iter()
                .map(|o| o.id)
                .collect();
            if !children.is_empty() {
                for row in tx.family_subjects(subject.plan_id, &children).await? {
                    if row.kind == SubjectKind::Organisation && !excluded(&row) {
                        out.push(Predecessor {
                            precedence: Precedence::LowerBeforeUpper,
                            name: format!("Xếp loại {}", row.name),
                            done: decided(&row),
                        });
                    }
                }
            }
        }
        SubjectKind::Collective => {}
    }
    // A head after the organisations and collectives they head (seed 003 B.4; QĐ 124 Điều 11).
    if kind.holds_post() {
        for body in crate::leaders::leadership(tx, plan, subject).await?.headed {
            out.push(Predecessor {
                precedence: Precedence::UnitBeforeHead,
                name: format!("Xếp loại {}", body.subject.name),
                done: decided(&body.subject),
            });
        }
    }
    Ok(out)
}

/// How many missing steps a refusal names one by one; the rest are counted.
const LISTED: usize = 10;

/// Refuses, citing the rules, when a predecessor of the step is not done.
pub(super) fn refuse_order(book: &RuleBook, predecessors: &[Predecessor]) -> Result<()> {
    check_order(book, predecessors).map_err(|missing| {
        let mut message = missing
            .iter()
            .take(LISTED)
            .map(|m| m.message.clone())
            .collect::<Vec<_>>()
            .join("; ");
        if missing.len() > LISTED {
            message.push_str(&format!(
                "; và {} việc khác chưa thực hiện",
                missing.len() - LISTED
            ));
        }
        AppError::new(
            ErrorCode::OutOfOrder,
            format!("Chưa đúng trình tự: {message}"),
        )
        .with_citations({
            let mut citations: Vec<_> = missing.iter().map(|m| m.citation.clone()).collect();
            citations.dedup();
            citations
        })
        .with_details(&missing)
    })
}
