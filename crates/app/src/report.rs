//! The summary reports (biểu tổng hợp) an office sends up: for one organisation and year, the
//! counts and shares per level of every kind of subject in its subtree, broken down by its
//! direct children, with those excluded or not yet rated and why, the KHTNV list, the quota
//! position of every comparable group (breaches named), the previous year and a cross-check of
//! the totals; the progress report (who is late at which step); the quota report.
//!
//! A summary reads the kept counts of its subtree added up by the database, per direct child of
//! the organisation and per quota group (never the units' rows: a national summary would read
//! 1.6 million), checks them against each plan's subjects counted (unit by unit only where a
//! plan's totals differ), and the rules crate (`summary`, `quota`) makes the tables. [`Rollup`]
//! adds every branch's counts up the tree for a roll-up kept and updated after a change in a few
//! branches (only their paths). Every use case authorizes a read of the organisation
//! first. Rendering the tables as files is the `export` and `pdf` crates'.

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::error::{AppError, Result};
use crate::plan::{Plan, load_plan};
use crate::progress::{NodeProgress, PendingSubject};
use crate::state::Stage;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::facts::LevelCounts;
use kiemdiem_rules::quota::group_name;
use kiemdiem_rules::summary::{
    CrossCheck, Line, Outcome, QuotaGroupCounts, QuotaLine, Summary, Tally, Waiting, lines,
    summarise,
};
use kiemdiem_rules::{Level, OrgKind, SubjectKind};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::report::{
    ChildCount, QuotaCount, ReportScope, StageCounts, SubtreeAsk, SubtreeCounts, UnitCount,
    UnitTotal,
};
use kiemdiem_store::org::Org;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use time::{Date, Month};
use uuid::Uuid;

/// An organisation as a report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgRef {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub kind_name: String,
}

impl OrgRef {
    fn of(org: &Org) -> OrgRef {
        OrgRef {
            id: org.id,
            code: org.code.clone(),
            name: org.name.clone(),
            kind: org.kind,
            kind_name: org.kind.name_vi().to_owned(),
        }
    }
}

/// The plan a report reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanRef {
    pub id: Uuid,
    pub title: String,
    pub legal_basis: String,
    pub review_date: Date,
    /// The organisation that issued it (the report's organisation or one above it).
    pub issued_by: String,
}

/// A subject named in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedSubject {
    pub subject: Uuid,
    pub name: String,
    pub kind_name: String,
    /// Where the subject is reviewed.
    pub unit: String,
}

/// One direct child of the report's organisation with its subtree's totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChildLine {
    pub org: OrgRef,
    pub total: Line,
}

/// The summary report of one organisation and year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryReport {
    pub org: OrgRef,
    pub year: i32,
    pub plan: PlanRef,
    pub summary: Summary,
    pub children: Vec<ChildLine>,
    pub khtnv: Vec<NamedSubject>,
    /// The year compared with, when it had a plan.
    pub previous_year: Option<i32>,
}

/// The quota report: every comparable group of the subtree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaReport {
    pub org: OrgRef,
    pub year: i32,
    pub plan: PlanRef,
    pub groups: Vec<QuotaLine>,
    pub breaches: Vec<String>,
}

/// The progress report: the organisation and its direct children, and who in its own units is
/// not yet reviewed or rated, with why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgressReport {
    pub org: OrgRef,
    pub year: i32,
    pub plan: PlanRef,
    pub today: Date,
    /// The organisation first, then its direct children.
    pub nodes: Vec<NodeProgress>,
    pub pending: Vec<PendingSubject>,
}

/// Where a stored subject stands, for the tables. `excluded_reason` is the messages of an
/// excluded subject's eligibility reasons joined by "; " (as the store keeps them with the
/// counts in `subject_counts`).
pub fn outcome_of(
    stage: Stage,
    participation: Participation,
    level: Option<Level>,
    excluded_reason: Option<&str>,
) -> Outcome {
    let classified = participation == Participation::ReviewAndClassify;
    match stage {
        Stage::Excluded => Outcome::Excluded {
            reason: excluded_reason
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .unwrap_or_else(|| "Không kiểm điểm, không ghi lý do".to_owned()),
        },
        Stage::Pending => Outcome::Pending(Waiting::SelfReview),
        Stage::SelfReviewed => Outcome::Pending(Waiting::Review),
        Stage::Reviewed | Stage::Proposed if !classified => Outcome::ReviewedOnly,
        Stage::Reviewed => Outcome::Pending(Waiting::Proposal),
        Stage::Proposed => Outcome::Pending(Waiting::Decision),
        Stage::Decided | Stage::Published if !classified => Outcome::ReviewedOnly,
        Stage::Decided | Stage::Published => match level {
            Some(level) => Outcome::Rated(level),
            None => Outcome::Unplaced {
                state: "đã quyết định nhưng không có mức xếp loại".to_owned(),
            },
        },
    }
}

/// The columns a roll-up keeps per node: the four levels (highest first), reviewed only,
/// excluded, pending, unplaced.
const BUCKETS: usize = 8;

fn bucket(outcome: &Outcome) -> usize {
    match outcome {
        Outcome::Rated(level) => Level::DESCENDING
            .iter()
            .position(|l| l == level)
            .unwrap_or_default(),
        Outcome::ReviewedOnly => 4,
        Outcome::Excluded { .. } => 5,
        Outcome::Pending(_) => 6,
        Outcome::Unplaced { .. } => 7,
    }
}

fn bucket_outcome(bucket: usize) -> Outcome {
    match bucket {
        0..=3 => Outcome::Rated(Level::DESCENDING[bucket]),
        4 => Outcome::ReviewedOnly,
        5 => Outcome::Excluded {
            reason: String::new(),
        },
        6 => Outcome::Pending(Waiting::SelfReview),
        _ => Outcome::Unplaced {
            state: String::new(),
        },
    }
}

/// Counts of one node: per kind of subject, per column.
pub type NodeCounts = [[i64; BUCKETS]; 6];

fn kind_index(kind: SubjectKind) -> usize {
    SubjectKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or_default()
}

/// The counts of every node of a subtree, each node counting its whole subtree, built from the
/// branches' counts; a change in a few branches updates only the paths above them.
#[derive(Debug, Clone)]
pub struct Rollup {
    scope: ReportScope,
    parent: HashMap<Uuid, Uuid>,
    /// Each unit's own subjects.
    own: HashMap<Uuid, NodeCounts>,
    /// Each node's subtree.
    nodes: HashMap<Uuid, NodeCounts>,
}

/// Each part of kept counts (a stage, or a level once decided) as the tables place it.
fn outcomes<'a>(
    participation: Participation,
    excluded_reason: Option<&'a str>,
    counts: &StageCounts,
) -> impl Iterator<Item = (Outcome, i64)> + 'a {
    counts.parts().into_iter().map(move |part| {
        let outcome = outcome_of(part.stage, participation, part.level, excluded_reason);
        (outcome, part.count)
    })
}

fn counts_of(rows: &[UnitCount]) -> HashMap<Uuid, NodeCounts> {
    let mut own: HashMap<Uuid, NodeCounts> = HashMap::new();
    for row in rows {
        let counts = own.entry(row.unit_id).or_insert([[0; BUCKETS]; 6]);
        for (outcome, count) in outcomes(
            row.participation,
            row.excluded_reason.as_deref(),
            &row.counts,
        ) {
            counts[kind_index(row.kind)][bucket(&outcome)] += count;
        }
    }
    own
}

impl Rollup {
    /// Rolls `rows` (the branches' counts) up the tree of `subtree` (every node with its
    /// parent, the root's parent outside it).
    pub fn build(scope: ReportScope, subtree: &[Org], rows: &[UnitCount]) -> Rollup {
        let parent: HashMap<Uuid, Uuid> = subtree
            .iter()
            .filter(|o| o.id != scope.root)
            .filter_map(|o| o.parent_id.map(|p| (o.id, p)))
            .collect();
        let own = counts_of(rows);
        let mut rollup = Rollup {
            scope,
            parent,
            own: HashMap::new(),
            nodes: HashMap::new(),
        };
        for (unit, counts) in own {
            rollup.add_path(unit, &counts, 1);
            rollup.own.insert(unit, counts);
        }
        rollup
    }

    fn add_path(&mut self, unit: Uuid, counts: &NodeCounts, sign: i64) {
        let mut at = Some(unit);
        while let Some(node) = at {
            let sums = self.nodes.entry(node).or_insert([[0; BUCKETS]; 6]);
            for (k, row) in counts.iter().enumerate() {
                for (b, n) in row.iter().enumerate() {
                    sums[k][b] += sign * n;
                }
            }
            at = if node == self.scope.root {
                None
            } else {
                self.parent.get(&node).copied()
            };
        }
    }

    /// Reads the subjects of `units` again and updates the paths above them: what one branch's
    /// decisions changing costs.
    pub async fn refresh_units(&mut self, tx: &mut Tx, units: &[Uuid]) -> Result<()> {
        let rows = tx.report_counts_of_units(&self.scope, units).await?;
        let mut fresh = counts_of(&rows);
        for unit in units {
            if let Some(old) = self.own.remove(unit) {
                self.add_path(*unit, &old, -1);
            }
            if let Some(new) = fresh.remove(unit) {
                self.add_path(*unit, &new, 1);
                self.own.insert(*unit, new);
            }
        }
        Ok(())
    }

    /// A node's subtree counts.
    pub fn node(&self, id: Uuid) -> NodeCounts {
        self.nodes.get(&id).copied().unwrap_or([[0; BUCKETS]; 6])
    }

    /// A node's counts as the rules' tallies (reasons left out).
    pub fn tallies(&self, id: Uuid) -> Vec<Tally> {
        let counts = self.node(id);
        let mut out = Vec::new();
        for (k, row) in counts.iter().enumerate() {
            for (b, n) in row.iter().enumerate() {
                if *n > 0 {
                    out.push(Tally {
                        kind: SubjectKind::ALL[k],
                        org_kind: None,
                        outcome: bucket_outcome(b),
                        count: *n as u64,
                    });
                }
            }
        }
        out
    }
}

/// The last day of `year`: the day the tree is read on to find the plan.
fn year_end(year: i32) -> Result<Date> {
    Date::from_calendar_date(year, Month::December, 31)
        .map_err(|_| AppError::invalid("year", format!("Năm {year} không hợp lệ")))
}

/// The yearly plan that covers `org` in `year`: its own, or the nearest ancestor's.
async fn covering_plan(tx: &mut Tx, org: Uuid, year: i32) -> Result<Option<Plan>> {
    let on_day = year_end(year)?;
    let mut at = Some(org);
    while let Some(id) = at {
        if let Some(row) = tx.plan_for(id, i64::from(year), "year", 0).await? {
            return Ok(Some(load_plan(tx, row.id).await?));
        }
        at = match tx.org_as_of(id, on_day).await? {
            Some(node) => node.parent_id,
            None => tx.org_history(id).await?.pop().and_then(|o| o.parent_id),
        };
    }
    Ok(None)
}

fn scope_of(plan: &Plan, root: Uuid) -> ReportScope {
    ReportScope {
        root,
        on: plan.review_date,
        year: i64::from(plan.year),
        period_kind: "year",
        period_no: 0,
    }
}

/// The tallies of kept counts (organisations by their kind), as the rules' tables take them.
fn tallies_of<'a>(rows: impl IntoIterator<Item = &'a ChildCount>) -> Vec<Tally> {
    let mut merged: BTreeMap<(SubjectKind, Option<u8>, Outcome), u64> = BTreeMap::new();
    for row in rows {
        let kind = row.kind;
        let org_kind = row
            .org_kind
            .filter(|_| kind == SubjectKind::Organisation)
            .map(|k| {
                OrgKind::ALL
                    .iter()
                    .position(|x| *x == k)
                    .unwrap_or_default() as u8
            });
        for (outcome, count) in outcomes(
            row.participation,
            row.excluded_reason.as_deref(),
            &row.counts,
        ) {
            let sum = merged.entry((kind, org_kind, outcome)).or_default();
            *sum = sum.saturating_add_signed(count);
        }
    }
    merged
        .into_iter()
        .map(|((kind, org_kind, outcome), count)| Tally {
            kind,
            org_kind: org_kind.map(|i| OrgKind::ALL[usize::from(i)]),
            outcome,
            count,
        })
        .collect()
}

/// The subjects of a report counted from the subjects themselves, against which the kept
/// counts are checked.
struct Counted {
    /// The period's plans the report reads: those of the organisations above the root and
    /// within its subtree, and any other the kept counts name.
    plans: Vec<Uuid>,
    /// The subjects of the subtree in those plans.
    subjects: u64,
    /// Whether the subtree holds every subject of those plans (their counts agree plan by
    /// plan).
    whole: bool,
    /// Units whose kept counts differ from their subjects counted: (unit, kept, counted).
    disagreeing: Vec<(Uuid, u64, u64)>,
}

/// Counts the subjects of the report's subtree and checks the kept counts (`read.children`)
/// against them. First plan by plan (`read.plan_totals`, one range of the (plan, unit) index
/// each, read with the counts for `plans`): when every plan's kept total within the subtree is
/// its whole count of subjects, the subtree holds all of them and the two agree. Otherwise (a
/// report below the plan's organisation, a unit moved out of the plan's tree, or kept counts
/// gone wrong) unit by unit, naming the units that disagree.
async fn counted(
    tx: &mut Tx,
    scope: &ReportScope,
    mut plans: Vec<Uuid>,
    read: &SubtreeCounts,
) -> Result<Counted> {
    let mut totals: HashMap<Uuid, i64> = read.plan_totals.iter().copied().collect();
    // Plans the kept counts name beyond those asked (a unit moved out of a plan's tree during
    // the year keeps its subjects in that plan).
    let mut named: Vec<Uuid> = read
        .children
        .iter()
        .map(|c| c.plan_id)
        .filter(|plan| !plans.contains(plan))
        .collect();
    named.sort();
    named.dedup();
    totals.extend(tx.report_plan_totals(&named).await?);
    plans.extend(named);
    plans.sort();
    let mut kept: HashMap<Uuid, i64> = HashMap::new();
    for row in &read.children {
        *kept.entry(row.plan_id).or_default() += row.counts.subjects;
    }
    let whole = plans.iter().all(|plan| {
        kept.get(plan).copied().unwrap_or_default() == totals.get(plan).copied().unwrap_or_default()
    });
    if whole {
        let subjects = totals.values().map(|n| (*n).max(0) as u64).sum();
        return Ok(Counted {
            plans,
            subjects,
            whole,
            disagreeing: Vec::new(),
        });
    }
    let counted = tx.report_unit_totals(scope, &plans).await?;
    let kept = tx.report_unit_kept(scope).await?;
    Ok(Counted {
        subjects: counted.iter().map(|u| u.count.max(0) as u64).sum(),
        disagreeing: disagreeing_units(&kept, &counted),
        whole,
        plans,
    })
}

/// The units whose kept number of subjects (`kept`) is not their number of subjects counted one
/// by one (`counted`): (unit, kept, counted), in unit order.
fn disagreeing_units(kept: &[UnitTotal], counted: &[UnitTotal]) -> Vec<(Uuid, u64, u64)> {
    let mut both: BTreeMap<Uuid, (i64, i64)> = BTreeMap::new();
    for unit in kept {
        both.entry(unit.unit_id).or_default().0 += unit.count;
    }
    for unit in counted {
        both.entry(unit.unit_id).or_default().1 += unit.count;
    }
    both.into_iter()
        .filter(|(_, (kept, counted))| kept != counted)
        .map(|(unit, (kept, counted))| (unit, kept.max(0) as u64, counted.max(0) as u64))
        .collect()
}

/// Names each unit whose kept counts disagree with its subjects in the cross-check (never
/// hidden: the summary is then not balanced, whatever the totals say).
fn report_disagreement(
    cross_check: &mut CrossCheck,
    disagreeing: &[(Uuid, u64, u64)],
    names: &HashMap<Uuid, String>,
) {
    for (unit, kept, counted) in disagreeing {
        let name = names
            .get(unit)
            .cloned()
            .unwrap_or_else(|| format!("đơn vị {unit}"));
        cross_check.problems.push(format!(
            "{name}: số đếm lưu sẵn cho báo cáo là {kept} đối tượng nhưng đếm trực tiếp được {counted}; các số của đơn vị này chưa đúng, cần báo quản trị hệ thống kiểm tra lại số đếm"
        ));
        cross_check.balanced = false;
    }
}

/// The decided levels of every quota group of a subtree, each group named after its deciding
/// organisation.
fn quota_groups(counts: Vec<QuotaCount>) -> Vec<QuotaGroupCounts> {
    let mut groups: BTreeMap<String, QuotaGroupCounts> = BTreeMap::new();
    for row in counts {
        let group = groups
            .entry(row.quota_group.clone())
            .or_insert_with(|| QuotaGroupCounts {
                group: row.quota_group.clone(),
                name: String::new(),
                levels: LevelCounts::default(),
            });
        if group.name.is_empty() {
            let org_name = row.deciding_org_name.as_deref().unwrap_or_default();
            if !org_name.is_empty() {
                group.name = group_name(row.kind.quota_category(), org_name);
            }
        }
        let count = |n: i64| u32::try_from(n).unwrap_or(if n < 0 { 0 } else { u32::MAX });
        group.levels.htxsnv += count(row.htxsnv);
        group.levels.httnv += count(row.httnv);
        group.levels.htnv += count(row.htnv);
        group.levels.khtnv += count(row.khtnv);
    }
    groups
        .into_values()
        .map(|mut g| {
            if g.name.is_empty() {
                g.name = "nhóm không rõ cấp quyết định".to_owned();
            }
            g
        })
        .collect()
}

impl App {
    async fn report_basis(
        &self,
        actor: &Actor,
        org: Uuid,
        year: i32,
    ) -> Result<(Tx, Org, Plan, PlanRef)> {
        self.authorize(actor, Action::Read, Scope::Org(org)).await?;
        let mut tx = self.store().read().await?;
        let plan = covering_plan(&mut tx, org, year).await?.ok_or_else(|| {
            AppError::new(
                crate::ErrorCode::OutOfOrder,
                format!(
                    "Chưa có kế hoạch kiểm điểm, đánh giá, xếp loại năm {year} của tổ chức này hoặc cấp trên: lập và mở kế hoạch trước khi lập báo cáo"
                ),
            )
        })?;
        let node = tx
            .org_as_of(org, plan.review_date)
            .await?
            .ok_or_else(|| AppError::not_found("tổ chức vào ngày của kế hoạch", org))?;
        let issuer = tx
            .org_as_of(plan.org_id, plan.review_date)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        let plan_ref = PlanRef {
            id: plan.id,
            title: plan.title.clone(),
            legal_basis: plan.legal_basis.to_owned(),
            review_date: plan.review_date,
            issued_by: issuer,
        };
        Ok((tx, node, plan, plan_ref))
    }

    /// The summary report (biểu tổng hợp) of `org`'s subtree for `year`.
    pub async fn report_summary(
        &self,
        actor: &Actor,
        org: Uuid,
        year: i32,
    ) -> Result<SummaryReport> {
        let (mut tx, node, plan, plan_ref) = self.report_basis(actor, org, year).await?;
        let scope = scope_of(&plan, org);
        let mut plans = tx.report_plans(&scope).await?;
        plans.sort();
        // The KHTNV list is read with the counts, each plan whole, when the report is the
        // plan's own organisation's (its subtree then holds the plans' subjects); otherwise, or
        // when the counts say the subtree does not hold them, after, unit by unit.
        let own_plan = org == plan.org_id;
        let read = tx
            .report_subtree_counts(
                &scope,
                &SubtreeAsk {
                    quota: true,
                    totals_of: &plans,
                    khtnv_of: if own_plan { &plans } else { &[] },
                },
            )
            .await?;
        let counted = counted(&mut tx, &scope, plans.clone(), &read).await?;
        let khtnv_read = own_plan && counted.whole && counted.plans == plans;
        let SubtreeCounts {
            children: counts,
            quota,
            khtnv,
            ..
        } = read;
        let groups = quota_groups(quota);
        let previous_plan = covering_plan(&mut tx, org, year - 1).await?;
        let previous = match &previous_plan {
            Some(before) => Some(tallies_of(
                &tx.report_subtree_counts(&scope_of(before, org), &SubtreeAsk::default())
                    .await?
                    .children,
            )),
            None => None,
        };
        let mut summary = summarise(
            &plan.book()?,
            &tallies_of(&counts),
            counted.subjects,
            &groups,
            previous.as_deref(),
        );
        let mut names = HashMap::new();
        for (unit, _, _) in &counted.disagreeing {
            if let Some(found) = tx.org_as_of(*unit, plan.review_date).await? {
                names.insert(*unit, found.name);
            }
        }
        report_disagreement(&mut summary.cross_check, &counted.disagreeing, &names);
        let children = tx
            .org_children(org, plan.review_date)
            .await?
            .iter()
            .map(|child| ChildLine {
                org: OrgRef::of(child),
                total: lines(&tallies_of(
                    counts.iter().filter(|c| c.child == Some(child.id)),
                ))
                .1,
            })
            .collect();
        let khtnv = if khtnv_read {
            khtnv
        } else {
            tx.report_rated_khtnv(&scope, &counted.plans, counted.whole)
                .await?
        };
        let khtnv = khtnv
            .into_iter()
            .map(|s| NamedSubject {
                subject: s.id,
                name: s.name,
                kind_name: s.kind.name_vi().to_owned(),
                unit: s.unit_name.unwrap_or_default(),
            })
            .collect();
        Ok(SummaryReport {
            org: OrgRef::of(&node),
            year,
            plan: plan_ref,
            summary,
            children,
            khtnv,
            previous_year: previous_plan.map(|p| p.year),
        })
    }

    /// The quota position of every comparable group in `org`'s subtree for `year`.
    pub async fn report_quota(&self, actor: &Actor, org: Uuid, year: i32) -> Result<QuotaReport> {
        let (mut tx, node, plan, plan_ref) = self.report_basis(actor, org, year).await?;
        let read = tx
            .report_subtree_counts(
                &scope_of(&plan, org),
                &SubtreeAsk {
                    quota: true,
                    ..SubtreeAsk::default()
                },
            )
            .await?;
        let groups = quota_groups(read.quota);
        let (groups, breaches) = kiemdiem_rules::summary::quota_lines(&plan.book()?, &groups);
        Ok(QuotaReport {
            org: OrgRef::of(&node),
            year,
            plan: plan_ref,
            groups,
            breaches,
        })
    }

    /// The progress of `year`'s plan at `org` and its direct children, and who in `org`'s own
    /// units is not yet reviewed or rated.
    pub async fn report_progress(
        &self,
        actor: &Actor,
        org: Uuid,
        year: i32,
    ) -> Result<ProgressReport> {
        let (tx, node, plan, plan_ref) = self.report_basis(actor, org, year).await?;
        drop(tx);
        let nodes = self
            .progress_at(actor, plan.id, (org != plan.org_id).then_some(org))
            .await?
            .into_iter()
            .filter(|n| n.org == org || n.parent == Some(org))
            .collect();
        let pending = self.pending_subjects(actor, plan.id, org).await?;
        Ok(ProgressReport {
            org: OrgRef::of(&node),
            year,
            plan: plan_ref,
            today: self.today(),
            nodes,
            pending,
        })
    }

    /// The yearly plan that covers `org` in `year` (its own or the nearest ancestor's), for a
    /// reader of `org`; refused `out_of_order` when there is none.
    pub async fn report_plan(&self, actor: &Actor, org: Uuid, year: i32) -> Result<Plan> {
        let (_, _, plan, _) = self.report_basis(actor, org, year).await?;
        Ok(plan)
    }

    /// The roll-up of `org`'s subtree for `year` (every node's counts), for what follows a
    /// change (see [`Rollup::refresh_units`]) and for the benchmark.
    pub async fn report_rollup(&self, actor: &Actor, org: Uuid, year: i32) -> Result<Rollup> {
        let (mut tx, _, plan, _) = self.report_basis(actor, org, year).await?;
        let scope = scope_of(&plan, org);
        let subtree: Vec<Org> = tx
            .org_subtree(org, plan.review_date)
            .await?
            .into_iter()
            .map(|n| n.org)
            .collect();
        let rows = tx.report_unit_counts(&scope).await?;
        Ok(Rollup::build(scope, &subtree, &rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_states_map_to_the_columns() {
        use Participation::{Excluded, ReviewAndClassify, ReviewOnly};
        let rated = outcome_of(Stage::Decided, ReviewAndClassify, Some(Level::Httnv), None);
        assert_eq!(rated, Outcome::Rated(Level::Httnv));
        assert_eq!(
            outcome_of(Stage::Proposed, ReviewAndClassify, None, None),
            Outcome::Pending(Waiting::Decision)
        );
        assert_eq!(
            outcome_of(Stage::Reviewed, ReviewOnly, None, None),
            Outcome::ReviewedOnly
        );
        assert_eq!(
            outcome_of(Stage::Pending, ReviewOnly, None, None),
            Outcome::Pending(Waiting::SelfReview)
        );
        assert!(matches!(
            outcome_of(Stage::Decided, ReviewAndClassify, None, None),
            Outcome::Unplaced { .. }
        ));
        let Outcome::Excluded { reason } = outcome_of(Stage::Excluded, Excluded, None, Some(""))
        else {
            panic!("excluded");
        };
        assert_eq!(reason, "Không kiểm điểm, không ghi lý do");
    }

    #[test]
    fn a_rollup_adds_every_branch_to_each_ancestor_and_updates_a_path() {
        let root = Uuid::now_v7();
        let mid = Uuid::now_v7();
        let leaf = Uuid::now_v7();
        let other = Uuid::now_v7();
        let org = |id: Uuid, parent: Option<Uuid>| Org {
            id,
            code: id.to_string(),
            name: String::new(),
            kind: OrgKind::SubordinateBranch,
            has_committee: false,
            founded_on: time::macros::date!(2000 - 01 - 01),
            parent_id: parent,
            residential: false,
            valid_from: time::macros::date!(2000 - 01 - 01),
            valid_to: None,
            seq: 1,
            changed_by: String::new(),
            changed_at: time::OffsetDateTime::UNIX_EPOCH,
        };
        let tree = [
            org(root, None),
            org(mid, Some(root)),
            org(leaf, Some(mid)),
            org(other, Some(root)),
        ];
        let row = |unit: Uuid, level: Level, count: i64| {
            let mut levels = [0; 4];
            levels[kiemdiem_store::cycle::report::COUNTED_LEVELS
                .iter()
                .position(|l| *l == level)
                .unwrap()] = count;
            UnitCount {
                unit_id: unit,
                plan_id: Uuid::nil(),
                org_id: None,
                kind: SubjectKind::MemberWithoutPost,
                participation: Participation::ReviewAndClassify,
                excluded_reason: None,
                quota_group: "members@X".into(),
                deciding_org_id: None,
                counts: StageCounts {
                    subjects: count,
                    stages: [0, 0, 0, 0, count, 0],
                    levels,
                },
            }
        };
        let scope = ReportScope {
            root,
            on: time::macros::date!(2025 - 12 - 31),
            year: 2025,
            period_kind: "year",
            period_no: 0,
        };
        let rollup = Rollup::build(
            scope,
            &tree,
            &[
                row(leaf, Level::Httnv, 3),
                row(other, Level::Htnv, 2),
                row(mid, Level::Httnv, 1),
            ],
        );
        let k = kind_index(SubjectKind::MemberWithoutPost);
        assert_eq!(rollup.node(root)[k][1], 4);
        assert_eq!(rollup.node(root)[k][2], 2);
        assert_eq!(rollup.node(mid)[k][1], 4);
        assert_eq!(rollup.node(leaf)[k][1], 3);
        assert_eq!(rollup.node(other)[k][1], 0);
        let (_, total) = lines(&rollup.tallies(root));
        assert_eq!(total.rated, 6);
    }
}
