//! The members of an opened plan's branches and their dated records (statuses, leave, posts,
//! temporary branch, transfers in the year), read a batch of branches at a time — on a second,
//! read-only connection when the pool can lend one — and turned into the facts the rules look
//! at. Writes nothing.

use super::builder::{Builder, Candidate, SubjectIds};
use crate::error::Result;
use crate::facts::months_between;
use kiemdiem_rules::facts::{
    CivilService, LeavePeriod, StatusPeriod, SubjectFacts, TemporaryActivity, Transfer,
};
use kiemdiem_rules::{LeaveKind, StatusKind, SubjectKind};
use kiemdiem_store::cycle::plan::{MemberPeriod, PlanMember};
use kiemdiem_store::date::from_stored_end;
use kiemdiem_store::{Store, Tx};
use std::collections::HashMap;
use time::{Date, Month};
use uuid::Uuid;

/// Branches read per batch: a few thousand members, a handful of queries.
pub(super) const BRANCHES_PER_BATCH: usize = 400;

pub(super) fn year_start(year: i32) -> Date {
    Date::from_calendar_date(year, Month::January, 1).unwrap_or(Date::MIN)
}

/// The facts of one member from the batch's rows.
fn member_facts(
    member: &PlanMember,
    periods: &[&MemberPeriod],
    previous: &[&MemberPeriod],
    year: i32,
) -> SubjectFacts {
    let holds_post = periods.iter().any(|p| p.kind.starts_with("post:"));
    let kind = if holds_post {
        SubjectKind::MemberWithPost
    } else if !member.civil_servant && member.employer_unit.trim().is_empty() {
        SubjectKind::MemberOutsideSystem
    } else {
        SubjectKind::MemberWithoutPost
    };
    let mut facts = SubjectFacts::new(kind);
    facts.admitted_on = Some(member.admitted_on);
    facts.official_on = member.official_on;
    if member.civil_servant {
        facts.civil_service = Some(CivilService { rating: None });
    }
    for period in periods {
        if let Some(code) = period.kind.strip_prefix("status:") {
            if let Some(kind) = StatusKind::parse(code) {
                facts.statuses.push(StatusPeriod {
                    kind,
                    from: period.valid_from,
                    to: from_stored_end(period.valid_to),
                });
            }
        } else if let Some(code) = period.kind.strip_prefix("leave:") {
            if let Some(kind) = LeaveKind::parse(code) {
                facts.leave.push(LeavePeriod {
                    kind,
                    from: period.valid_from,
                    to: period.valid_to,
                });
            }
        } else if period.kind == "temporary" {
            facts.temporary_activity = Some(TemporaryActivity {
                comment_received: false,
            });
        } else if period.kind.starts_with("transfer:") {
            let since = previous
                .iter()
                .filter(|p| p.valid_to <= period.valid_from)
                .map(|p| p.valid_from)
                .max()
                .unwrap_or(year_start(year))
                .max(year_start(year));
            facts.transfer = Some(Transfer {
                months_at_previous: months_between(since, period.valid_from),
                previous_comment_received: false,
            });
        }
    }
    facts
}

pub(super) fn add_members(builder: &mut Builder<'_>, batch: MemberBatch, year: i32) {
    let mut by_member: HashMap<Uuid, Vec<&MemberPeriod>> = HashMap::new();
    for period in &batch.periods {
        by_member.entry(period.member_id).or_default().push(period);
    }
    let mut previous_by_member: HashMap<Uuid, Vec<&MemberPeriod>> = HashMap::new();
    for period in &batch.previous {
        previous_by_member
            .entry(period.member_id)
            .or_default()
            .push(period);
    }
    let none = Vec::new();
    for member in &batch.members {
        let facts = member_facts(
            member,
            by_member.get(&member.member_id).unwrap_or(&none),
            previous_by_member.get(&member.member_id).unwrap_or(&none),
            year,
        );
        builder.push(Candidate {
            facts,
            unit: member.branch_id,
            ids: SubjectIds {
                member: Some(member.member_id),
                ..SubjectIds::default()
            },
            name: member.full_name.clone(),
            sort_key: member.sort_key.clone(),
            placement_org: member.branch_id,
            decide_from: member.branch_id,
        });
    }
}

/// The members of a batch of branches with their dated records.
pub(super) struct MemberBatch {
    members: Vec<PlanMember>,
    periods: Vec<MemberPeriod>,
    previous: Vec<MemberPeriod>,
}

/// What the member reader sends the builder.
pub(super) enum Feed {
    /// The members of the next batch of branches.
    Members(Result<Vec<PlanMember>>),
    /// The pool had no second connection to lend.
    NoConnection,
}

/// Dated records by member.
pub(super) type Periods = HashMap<Uuid, Vec<MemberPeriod>>;

/// The dated records of every member under the plan's root, and the earlier official branches
/// of those transferred in during the year, by member; taken out a batch at a time.
pub(super) struct Records {
    periods: Periods,
    previous: Periods,
}

impl Records {
    /// The batch of `members`, with their records (removed from here).
    pub(super) fn batch(&mut self, members: Vec<PlanMember>) -> MemberBatch {
        let mut periods = Vec::new();
        let mut previous = Vec::new();
        for member in &members {
            periods.extend(self.periods.remove(&member.member_id).unwrap_or_default());
            previous.extend(self.previous.remove(&member.member_id).unwrap_or_default());
        }
        MemberBatch {
            members,
            periods,
            previous,
        }
    }
}

/// Members whose previous branches are read per query.
const TRANSFERRED_PER_QUERY: usize = 1_000;

/// Reads the dated records of every member under `root` (one pass per kind of record) and the
/// previous branches of those transferred in.
pub(super) async fn read_records(
    tx: &mut Tx,
    root: Uuid,
    from: Date,
    as_of: Date,
) -> Result<Records> {
    let mut periods: Periods = HashMap::new();
    for period in tx.plan_member_periods_under(root, from, as_of).await? {
        periods.entry(period.member_id).or_default().push(period);
    }
    let mut transferred: Vec<Uuid> = periods
        .iter()
        .filter(|(_, records)| records.iter().any(|p| p.kind.starts_with("transfer:")))
        .map(|(member, _)| *member)
        .collect();
    transferred.sort_unstable();
    let mut previous: Periods = HashMap::new();
    for chunk in transferred.chunks(TRANSFERRED_PER_QUERY) {
        for period in tx.previous_branches(chunk, as_of).await? {
            previous.entry(period.member_id).or_default().push(period);
        }
    }
    Ok(Records { periods, previous })
}

/// A read-only connection of its own, or `None` when the pool cannot lend one soon (a
/// single-connection pool — an in-memory SQLite database — whose connection the writer holds).
async fn reader(store: &Store) -> Option<Result<Tx>> {
    let tx = tokio::time::timeout(std::time::Duration::from_secs(2), store.read()).await;
    match tx {
        Ok(Ok(mut tx)) => Some(tx.without_jit().await.map(|()| tx).map_err(Into::into)),
        Ok(Err(error)) => Some(Err(error.into())),
        Err(_) => None,
    }
}

/// Reads [`Records`] on a read-only connection of its own, so that it runs while the members
/// are read on another and the organisations are written: `None` when no connection is free.
/// On SQLite every snapshot taken while the plan's write transaction holds the write lock sees
/// the same data; on PostgreSQL the snapshots of the two readers are taken moments apart (a
/// record edited in between is read as before or after the edit, never half).
pub(super) async fn read_records_apart(
    store: Store,
    root: Uuid,
    from: Date,
    as_of: Date,
) -> Option<Result<Records>> {
    let mut tx = match reader(&store).await? {
        Ok(tx) => tx,
        Err(error) => return Some(Err(error)),
    };
    Some(read_records(&mut tx, root, from, as_of).await)
}

/// Reads the members of `branches`, a batch at a time, in one read-only snapshot.
pub(super) async fn read_members(
    store: Store,
    branches: Vec<Uuid>,
    as_of: Date,
    sender: tokio::sync::mpsc::Sender<Feed>,
) {
    let mut tx = match reader(&store).await {
        Some(Ok(tx)) => tx,
        Some(Err(error)) => {
            let _ = sender.send(Feed::Members(Err(error))).await;
            return;
        }
        None => {
            let _ = sender.send(Feed::NoConnection).await;
            return;
        }
    };
    for chunk in branches.chunks(BRANCHES_PER_BATCH) {
        let members = tx.plan_members(chunk, as_of).await.map_err(Into::into);
        let failed = members.is_err();
        if sender.send(Feed::Members(members)).await.is_err() || failed {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_member_with_a_post_uses_the_post_form() {
        let member = PlanMember {
            member_id: Uuid::nil(),
            branch_id: Uuid::nil(),
            full_name: "Nguyễn Văn An".into(),
            sort_key: "an".into(),
            admitted_on: date!(2010 - 01 - 01),
            official_on: Some(date!(2011 - 01 - 01)),
            civil_servant: true,
            employer_unit: "UBND xã".into(),
        };
        let post = MemberPeriod {
            member_id: Uuid::nil(),
            kind: "post:secretary".into(),
            valid_from: date!(2020 - 01 - 01),
            valid_to: date!(9999 - 12 - 31),
            place: None,
        };
        let facts = member_facts(&member, &[&post], &[], 2025);
        assert_eq!(facts.kind, SubjectKind::MemberWithPost);
        assert!(facts.civil_service.is_some());
        let facts = member_facts(&member, &[], &[], 2025);
        assert_eq!(facts.kind, SubjectKind::MemberWithoutPost);
    }
}
