//! The subjects of an opened plan, in one pass over its subtree: the organisations (with the
//! periods before and after a merger, split or transfer), the leadership collectives, their
//! heads and deputies, then the members a batch of branches at a time — all streamed to the
//! store while the next batch is built. Skips the subtrees delegated to lower plans.

use super::OpenReport;
use super::builder::{Builder, Candidate, SubjectIds, Tree};
use super::members::{
    BRANCHES_PER_BATCH, Feed, add_members, read_members, read_records, read_records_apart,
    year_start,
};
use crate::error::{AppError, Result};
use crate::plan::Plan;
use kiemdiem_rules::facts::SubjectFacts;
use kiemdiem_rules::{RuleBook, SubjectKind};
use kiemdiem_store::cycle::plan::{SubjectLoad, SubjectPartRow};
use kiemdiem_store::org::Org;
use kiemdiem_store::{Store, Tx};
use std::collections::{HashMap, HashSet};
use time::Date;
use uuid::Uuid;

/// Subjects written per batch insert.
const SUBJECTS_PER_WRITE: usize = 20_000;

/// Creates every subject of the plan's subtree outside `delegated_roots`, except those `kept`
/// by another plan of the period; returns the counts.
pub(super) async fn build_subjects(
    store: &Store,
    tx: &mut Tx,
    plan: &Plan,
    book: &RuleBook,
    delegated_roots: &[Uuid],
    kept: HashSet<super::builder::SubjectKey>,
) -> Result<OpenReport> {
    let as_of = plan.review_date;
    let subtree = tx.org_subtree(plan.org_id, as_of).await?;
    if subtree.is_empty() {
        return Err(AppError::not_found("tổ chức của kế hoạch", plan.org_id));
    }
    let ancestors = tx.org_ancestors(plan.org_id, as_of).await?;
    // Parents come before their children (the subtree is ordered by depth).
    let mut delegated: HashSet<Uuid> = HashSet::new();
    for node in subtree.iter().skip(1) {
        if delegated_roots.contains(&node.org.id)
            || node.org.parent_id.is_some_and(|p| delegated.contains(&p))
        {
            delegated.insert(node.org.id);
        }
    }
    let tree = Tree::from_orgs(
        ancestors
            .into_iter()
            .chain(subtree.iter().map(|n| n.org.clone())),
    );
    let orgs: Vec<Org> = subtree
        .iter()
        .filter(|n| !delegated.contains(&n.org.id))
        .map(|n| n.org.clone())
        .collect();
    let report = OpenReport {
        delegated_orgs: delegated.len() as u64,
        ..OpenReport::default()
    };
    let mut builder = Builder::new(&tree, book, plan, report, SUBJECTS_PER_WRITE);
    builder.kept = kept;

    let branches: Vec<Uuid> = orgs
        .iter()
        .filter(|o| o.kind.is_branch())
        .map(|o| o.id)
        .collect();
    let from = year_start(plan.year).min(as_of);
    // The members' dated records are read on one more connection, and the members themselves
    // on another (read-only snapshots), while this transaction writes: the organisations first,
    // then each batch of members as soon as it is built. A pool with a single connection (an
    // in-memory SQLite database) cannot lend them: then the writer reads too.
    let records = tokio::spawn(read_records_apart(store.clone(), plan.org_id, from, as_of));
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Feed>(2);
    let reader = tokio::spawn(read_members(store.clone(), branches.clone(), as_of, sender));

    // Organisations (tổ chức đảng).
    for org in &orgs {
        let mut facts = SubjectFacts::new(SubjectKind::Organisation);
        facts.org_kind = Some(org.kind);
        facts.founded_on = Some(org.founded_on);
        builder.push(Candidate {
            facts,
            unit: org.id,
            ids: SubjectIds {
                org: Some(org.id),
                ..SubjectIds::default()
            },
            name: org.name.clone(),
            sort_key: org.code.clone(),
            placement_org: org.id,
            decide_from: org.id,
        });
    }
    // Organisations merged, split or moved during the year are evaluated on their results before
    // and after the change (seed 003 §B.6): both periods are recorded (once the subjects are
    // written), to be filled with task results.
    let org_subject: HashMap<Uuid, Uuid> = builder
        .out
        .iter()
        .filter_map(|s| s.org_id.map(|o| (o, s.id)))
        .collect();
    let mut changes = Vec::new();
    for (org, kind, on, role) in tx.org_changes_between(year_start(plan.year), as_of).await? {
        if let Some(&subject) = org_subject.get(&org)
            && matches!(role.as_str(), "subject" | "target" | "part" | "source")
        {
            changes.push(OrgChange {
                subject,
                org,
                kind,
                on,
            });
        }
    }
    // Leadership collectives and their heads and deputies.
    let org_ids: Vec<Uuid> = orgs.iter().map(|o| o.id).collect();
    let mut collectives = Vec::new();
    for chunk in org_ids.chunks(BRANCHES_PER_BATCH) {
        collectives.extend(tx.plan_collectives(chunk, as_of).await?);
    }
    // A committee (cấp ủy) is managed by the committee above; other collectives by the party
    // organisation they are attached to.
    let managing = |kind: &str, org: Uuid| {
        if kind == "party_committee" {
            tree.parent(org).unwrap_or(org)
        } else {
            org
        }
    };
    let collective_org: HashMap<Uuid, (Uuid, Uuid)> = collectives
        .iter()
        .map(|c| (c.id, (c.org_id, managing(&c.kind, c.org_id))))
        .collect();
    for collective in &collectives {
        let mut facts = SubjectFacts::new(SubjectKind::Collective);
        facts.founded_on = Some(collective.valid_from);
        facts.direct_leaders = Some(collective.leaders as u32);
        builder.push(Candidate {
            facts,
            unit: collective.org_id,
            ids: SubjectIds {
                collective: Some(collective.id),
                ..SubjectIds::default()
            },
            name: collective.name.clone(),
            sort_key: collective.code.clone(),
            placement_org: collective.org_id,
            decide_from: managing(&collective.kind, collective.org_id),
        });
    }
    let collective_ids: Vec<Uuid> = collectives.iter().map(|c| c.id).collect();
    for chunk in collective_ids.chunks(BRANCHES_PER_BATCH) {
        for leader in tx.plan_leaders(chunk, as_of).await? {
            let (org, manager) = collective_org[&leader.collective_id];
            builder.push(Candidate {
                facts: SubjectFacts::new(SubjectKind::Leader),
                unit: org,
                ids: SubjectIds {
                    member: leader.member_id,
                    leader: leader.leader_id,
                    collective: Some(leader.collective_id),
                    org: None,
                },
                name: leader.name,
                sort_key: leader.sort_key,
                placement_org: org,
                decide_from: manager,
            });
        }
    }
    // Everything goes through one stream — on PostgreSQL one binary COPY: the organisations,
    // collectives and leaders built so far, then the members a batch of branches at a time as
    // they are read, so that the server inserts one batch while the next is built.
    let (to_write, written) = tokio::sync::mpsc::channel::<Vec<SubjectLoad>>(2);
    let first = std::mem::take(&mut builder.out);
    let produce = async {
        let mut fed = 0;
        // A send fails only when the writer stopped: its error is the one reported.
        if to_write.send(first).await.is_err() {
            return Ok((fed, None));
        }
        let mut records = match records.await {
            Ok(Some(records)) => records?,
            Ok(None) => return Ok((fed, None)),
            Err(e) => {
                return Err(AppError::internal(format!(
                    "luồng đọc hồ sơ đảng viên dừng bất thường: {e}"
                )));
            }
        };
        while let Some(feed) = receiver.recv().await {
            match feed {
                Feed::Members(members) => {
                    add_members(&mut builder, records.batch(members?), plan.year);
                    fed += 1;
                    if to_write
                        .send(std::mem::take(&mut builder.out))
                        .await
                        .is_err()
                    {
                        break;
                    }
                }
                Feed::NoConnection => break,
            }
        }
        drop(to_write);
        Ok::<_, AppError>((fed, Some(records)))
    };
    let (fed, loaded) = tokio::join!(produce, tx.load_subjects_stream(plan.id, written));
    loaded?;
    let (fed, records) = fed?;
    drop(receiver);
    reader
        .await
        .map_err(|e| AppError::internal(format!("luồng đọc đảng viên dừng bất thường: {e}")))?;
    // No other connection to read on (an in-memory SQLite database): the writer reads too.
    let remaining = branches.chunks(BRANCHES_PER_BATCH).skip(fed);
    if remaining.len() > 0 {
        let mut records = match records {
            Some(records) => records,
            None => read_records(tx, plan.org_id, from, as_of).await?,
        };
        for chunk in remaining {
            let members = tx.plan_members(chunk, as_of).await?;
            add_members(&mut builder, records.batch(members), plan.year);
            flush(tx, plan.id, &mut builder.out, SUBJECTS_PER_WRITE).await?;
        }
    }
    flush(tx, plan.id, &mut builder.out, 0).await?;
    // Organisations merged, split or moved during the year: their two periods, now that their
    // subjects are written.
    // An organisation changed more than once gets a period between each two changes.
    changes.sort_by_key(|c| (c.subject, c.on));
    changes.dedup_by_key(|c| (c.subject, c.on));
    for of_subject in changes.chunk_by(|a, b| a.subject == b.subject) {
        add_change_parts(tx, plan, of_subject).await?;
    }
    Ok(builder.report)
}

/// Writes the pending subjects once there are at least `threshold` of them.
async fn flush(
    tx: &mut Tx,
    plan: Uuid,
    out: &mut Vec<SubjectLoad>,
    threshold: usize,
) -> Result<()> {
    if out.is_empty() || out.len() < threshold {
        return Ok(());
    }
    tx.load_subjects(plan, out).await?;
    out.clear();
    Ok(())
}

/// An organisation merged, split or moved during the year, and its subject.
struct OrgChange {
    subject: Uuid,
    org: Uuid,
    /// `merge`, `split` or a transfer.
    kind: String,
    on: Date,
}

/// The parts of a changed organisation's subject — before its first change, between each two,
/// after the last — to be filled with task results; `changes` are the subject's, by date.
async fn add_change_parts(tx: &mut Tx, plan: &Plan, changes: &[OrgChange]) -> Result<()> {
    let what = |change: &OrgChange| match change.kind.as_str() {
        "merge" => "sáp nhập, hợp nhất",
        "split" => "chia tách",
        _ => "chuyển giao",
    };
    let Some(first) = changes.first() else {
        return Ok(());
    };
    let mut parts = vec![(
        "before_change",
        format!(
            "Trước khi {} (đến {})",
            what(first),
            crate::date_vi(first.on)
        ),
        year_start(plan.year),
        first.on,
    )];
    for (i, change) in changes.iter().enumerate() {
        let (to, label) = match changes.get(i + 1) {
            Some(next) => (
                next.on,
                format!(
                    "Sau khi {} (từ {}) đến trước khi {} ({})",
                    what(change),
                    crate::date_vi(change.on),
                    what(next),
                    crate::date_vi(next.on)
                ),
            ),
            None => (
                plan.review_date,
                format!(
                    "Sau khi {} (từ {})",
                    what(change),
                    crate::date_vi(change.on)
                ),
            ),
        };
        parts.push(("after_change", label, change.on, to));
    }
    for (seq, (kind, label, from, to)) in parts.into_iter().enumerate() {
        tx.add_subject_part(&SubjectPartRow {
            subject_id: first.subject,
            seq: seq as i64 + 1,
            kind: kind.into(),
            label,
            source_org_id: Some(first.org),
            from_on: Some(from),
            to_on: Some(to),
            tasks_assigned: None,
            tasks_completed: None,
            tasks_on_time: None,
            tasks_exceeded: None,
            note: String::new(),
            version: 1,
        })
        .await?;
    }
    Ok(())
}
