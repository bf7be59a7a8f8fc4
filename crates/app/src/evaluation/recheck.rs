//! Checking decided results again (issue 16): after a re-classification, what depends on the
//! changed level (an organisation's member shares, a superior organisation's sub-organisations, a
//! head's cap, a collective's members) — [`dependents`]; a superior re-checking a plan's results,
//! a past year's included, against the rule book the plan pins ([`App::recheck_plan`]); and the
//! list of organisations in breach for an inspection committee ([`App::breaches`]): quota groups
//! over their quota, results the rules no longer allow, ratings decided out of order, subjects
//! left undecided after the plan's decision deadline. Every judgement is the rules crate's
//! (`classify`, `check_quota`, `check_order`); this module only gathers and lists.

use super::classify_subject;
use super::order::rating_predecessors;
use super::quota::{family_counts, group_position, recorded_exceptional_share};
use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::error::{AppError, Result};
use crate::plan::{Plan, Step, load_plan};
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::ordering::check_order;
use kiemdiem_rules::quota::check_quota;
use kiemdiem_rules::{Citation, Level, RuleBook, SubjectKind};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::plan::SubjectRow;
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A decided (or still undecided) subject checked again against the rules.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rechecked {
    pub subject: Uuid,
    pub name: String,
    /// The unit it is reviewed in.
    pub unit: Uuid,
    /// Why it was checked again after another subject's change: `organisation_members`,
    /// `sub_organisations`, `head`, `collective_members`, `organisation_collective`; `None` when
    /// checked for itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    /// The level in force, if decided.
    pub level: Option<Level>,
    /// The highest level the rules allow today.
    pub allowed: Level,
    /// Whether the level in force is allowed (true while undecided).
    pub conforms: bool,
    /// What caps it below the level in force, each with its source.
    pub problems: Vec<String>,
    pub citations: Vec<Citation>,
    /// The subject's version, for correcting it.
    pub version: i64,
}

/// A quota group over its quota.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaBreach {
    pub group: String,
    pub group_name: String,
    pub message: String,
    pub citations: Vec<Citation>,
}

/// A rating decided while a step that must come before it is still not done.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderBreach {
    pub subject: Uuid,
    pub name: String,
    pub problems: Vec<String>,
    pub citations: Vec<Citation>,
}

/// A subject still undecided after the plan's decision deadline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingStep {
    pub subject: Uuid,
    pub name: String,
    /// Its stage (code) and in Vietnamese.
    pub stage: String,
    pub stage_name: String,
    pub deadline: time::Date,
}

/// A plan's results checked again against its own rule book.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanRecheck {
    pub plan: Uuid,
    pub year: i32,
    /// The rule set the plan pins (its year's).
    pub rule_set: String,
    pub checked: u64,
    /// The decided results the rules do not allow, each correctable by a re-classification.
    pub nonconforming: Vec<Rechecked>,
    pub quota: Vec<QuotaBreach>,
}

/// One organisation in breach, for the inspection committee.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgBreaches {
    pub org: Uuid,
    pub org_name: String,
    pub plan: Uuid,
    pub quota: Vec<QuotaBreach>,
    pub order: Vec<OrderBreach>,
    pub nonconforming: Vec<Rechecked>,
    pub missing: Vec<MissingStep>,
}

/// `subject` classified again on today's facts, as a [`Rechecked`].
async fn recheck(
    tx: &mut Tx,
    plan: &Plan,
    book: &RuleBook,
    subject: &SubjectRow,
    relation: Option<&str>,
) -> Result<Rechecked> {
    let classification = classify_subject(tx, plan, book, subject).await?;
    let level = subject.level;
    let caps: Vec<_> = match level {
        Some(level) => classification.caps_below(level).collect(),
        None => Vec::new(),
    };
    Ok(Rechecked {
        subject: subject.id,
        name: subject.name.clone(),
        unit: subject.unit_id,
        relation: relation.map(str::to_owned),
        level,
        allowed: classification.allowed,
        conforms: level.is_none_or(|l| classification.permits(l)),
        problems: caps
            .iter()
            .map(|f| format!("{} ({})", f.message, f.citation.source))
            .collect(),
        citations: caps.iter().map(|f| f.citation.clone()).collect(),
        version: subject.version,
    })
}

/// What depends on `changed`'s level, checked again now that it changed: the organisation whose
/// members' shares count it, the superior organisation counting a sub-organisation, the
/// collective's members, the organisation of a leadership collective, the heads of a body.
pub(crate) async fn dependents(
    tx: &mut Tx,
    plan: &Plan,
    changed: &SubjectRow,
) -> Result<Vec<Rechecked>> {
    let kind = changed.kind;
    let on = plan.review_date;
    let mut found: Vec<(SubjectRow, &'static str)> = Vec::new();
    let organisation_of = |rows: Vec<SubjectRow>, org: Uuid| {
        rows.into_iter().filter(move |r| {
            r.kind == SubjectKind::Organisation && r.org_id.unwrap_or(r.unit_id) == org
        })
    };
    match kind {
        SubjectKind::Organisation => {
            let org = changed.org_id.unwrap_or(changed.unit_id);
            if let Some(parent) = tx.org_as_of(org, on).await?.and_then(|o| o.parent_id) {
                let rows = tx.family_subjects(changed.plan_id, &[parent]).await?;
                found.extend(organisation_of(rows, parent).map(|r| (r, "sub_organisations")));
            }
            // The members leading it: a head is not rated above the unit (where the era says so).
            let leading = crate::leaders::members_leading(tx, org, on).await?;
            let plans = period_plans(tx, plan).await?;
            for member in leading {
                for row in tx.decided_subjects_of_member(member, &plans).await? {
                    if row.kind.holds_post() {
                        found.push((row, "head"));
                    }
                }
            }
        }
        SubjectKind::Collective => {
            let rows = tx
                .family_subjects(changed.plan_id, &[changed.unit_id])
                .await?;
            for row in rows {
                if row.id == changed.id {
                    continue;
                }
                if row.kind == SubjectKind::Organisation
                    && row.org_id.unwrap_or(row.unit_id) == changed.unit_id
                {
                    found.push((row, "organisation_collective"));
                } else if row.collective_id.is_some()
                    && row.collective_id == changed.collective_id
                    && row.kind.holds_post()
                {
                    found.push((row, "collective_members"));
                }
            }
        }
        _ => {
            let rows = tx
                .family_subjects(changed.plan_id, &[changed.unit_id])
                .await?;
            found.extend(
                organisation_of(rows, changed.unit_id).map(|r| (r, "organisation_members")),
            );
        }
    }
    let mut out: Vec<Rechecked> = Vec::new();
    for (row, relation) in found {
        if row.id == changed.id
            || row.participation != Participation::ReviewAndClassify
            || out.iter().any(|d| d.subject == row.id)
        {
            continue;
        }
        let row_plan = if row.plan_id == plan.id {
            plan.clone()
        } else {
            load_plan(tx, row.plan_id).await?
        };
        let book = row_plan.book()?;
        out.push(recheck(tx, &row_plan, &book, &row, Some(relation)).await?);
    }
    Ok(out)
}

/// The plans of `plan`'s year and period.
async fn period_plans(tx: &mut Tx, plan: &Plan) -> Result<Vec<Uuid>> {
    let all = tx.plans_of_year(i64::from(plan.year)).await?;
    let me = all.iter().find(|p| p.id == plan.id).cloned();
    Ok(all
        .into_iter()
        .filter(|p| {
            me.as_ref()
                .is_some_and(|me| p.period_kind == me.period_kind && p.period_no == me.period_no)
        })
        .map(|p| p.id)
        .collect())
}

/// The quota groups holding one of `subjects`' decided results that are over their quota
/// (counted over every plan of the period), named with the rules' figures.
pub(crate) async fn groups_over_quota(
    tx: &mut Tx,
    plan: &Plan,
    subjects: &[SubjectRow],
) -> Result<Vec<(QuotaBreach, serde_json::Value)>> {
    let book = plan.book()?;
    let mut groups: Vec<&SubjectRow> = Vec::new();
    for s in subjects.iter().filter(|s| s.level.is_some()) {
        if !groups.iter().any(|g| g.quota_group == s.quota_group) {
            groups.push(s);
        }
    }
    let mut over = Vec::new();
    for subject in groups {
        let counts = family_counts(tx, plan.id, &subject.quota_group).await?;
        let members = tx
            .family_group_subjects(plan.id, &subject.quota_group)
            .await?;
        let exceptional = recorded_exceptional_share(tx, &members).await?;
        let check = check_quota(&book, &counts, exceptional.as_ref())
            .map_err(|e| AppError::invalid(e.field, e.problem))?;
        if let Some(violation) = &check.violation {
            let position = group_position(tx, plan, subject).await?;
            let details = serde_json::json!({"group": position, "quota": check});
            over.push((
                QuotaBreach {
                    group: position.group.clone(),
                    group_name: position.name.clone(),
                    message: violation.message.clone(),
                    citations: check.citations.clone(),
                },
                details,
            ));
        }
    }
    Ok(over)
}

impl App {
    /// A superior re-checks a plan's results — a past year's included — against the rule book
    /// the plan pins: every decided result the rules do not allow today (a discipline or a
    /// conclusion recorded since, a cap broken) and every quota group over its quota. Each is
    /// correctable by a re-classification (`App::correct`, Mẫu 03).
    pub async fn recheck_plan(&self, actor: &Actor, plan: Uuid) -> Result<PlanRecheck> {
        self.authorize(actor, Action::Inspect, Scope::Plan(plan))
            .await?;
        let mut tx = self.store().read().await?;
        let plan = load_plan(&mut tx, plan).await?;
        let book = plan.book()?;
        let subjects = tx.subjects_of_plan(plan.id, None).await?;
        let mut nonconforming = Vec::new();
        let mut checked = 0;
        for subject in subjects.iter().filter(|s| s.level.is_some()) {
            checked += 1;
            let result = recheck(&mut tx, &plan, &book, subject, None).await?;
            if !result.conforms {
                nonconforming.push(result);
            }
        }
        let quota = groups_over_quota(&mut tx, &plan, &subjects)
            .await?
            .into_iter()
            .map(|(breach, _)| breach)
            .collect();
        Ok(PlanRecheck {
            plan: plan.id,
            year: plan.year,
            rule_set: plan.rule_set.code().to_owned(),
            checked,
            nonconforming,
            quota,
        })
    }

    /// The organisations in breach under a plan and the lower plans of its period, for the
    /// inspection committee: per organisation, the quota groups over their quota, the results
    /// the rules do not allow, the ratings decided while a step before them is not done, and
    /// the subjects undecided after the plan's decision deadline. Organisations with nothing to
    /// report are left out.
    pub async fn breaches(&self, actor: &Actor, plan: Uuid) -> Result<Vec<OrgBreaches>> {
        self.authorize(actor, Action::Inspect, Scope::Plan(plan))
            .await?;
        let today = self.today();
        let mut tx = self.store().read().await?;
        let mut queue = vec![plan];
        let mut out = Vec::new();
        while let Some(id) = queue.pop() {
            queue.extend(tx.child_plans(id).await?.into_iter().map(|p| p.id));
            let plan = load_plan(&mut tx, id).await?;
            let book = plan.book()?;
            let subjects = tx.subjects_of_plan(plan.id, None).await?;
            let deadline = plan.deadline(Step::Decision);
            let mut by_org: BTreeMap<Uuid, OrgBreaches> = BTreeMap::new();
            let entry = |map: &mut BTreeMap<Uuid, OrgBreaches>, org: Uuid| {
                map.entry(org)
                    .or_insert_with(|| OrgBreaches {
                        org,
                        org_name: String::new(),
                        plan: plan.id,
                        quota: Vec::new(),
                        order: Vec::new(),
                        nonconforming: Vec::new(),
                        missing: Vec::new(),
                    })
                    .org
            };
            for (breach, _) in groups_over_quota(&mut tx, &plan, &subjects).await? {
                let org = subjects
                    .iter()
                    .find(|s| s.quota_group == breach.group)
                    .and_then(|s| s.deciding_org_id)
                    .unwrap_or(plan.org_id);
                entry(&mut by_org, org);
                if let Some(e) = by_org.get_mut(&org) {
                    e.quota.push(breach);
                }
            }
            for subject in &subjects {
                if subject.participation != Participation::ReviewAndClassify {
                    continue;
                }
                let org = subject.unit_id;
                let stage = subject.stage;
                if stage.decided() {
                    let predecessors = rating_predecessors(&mut tx, &plan, subject).await?;
                    if let Err(missing) = check_order(&book, &predecessors) {
                        entry(&mut by_org, org);
                        if let Some(e) = by_org.get_mut(&org) {
                            e.order.push(OrderBreach {
                                subject: subject.id,
                                name: subject.name.clone(),
                                problems: missing.iter().map(|m| m.message.clone()).collect(),
                                citations: missing.iter().map(|m| m.citation.clone()).collect(),
                            });
                        }
                    }
                    let result = recheck(&mut tx, &plan, &book, subject, None).await?;
                    if !result.conforms {
                        entry(&mut by_org, org);
                        if let Some(e) = by_org.get_mut(&org) {
                            e.nonconforming.push(result);
                        }
                    }
                } else if let Some(deadline) = deadline.filter(|d| *d < today) {
                    entry(&mut by_org, org);
                    if let Some(e) = by_org.get_mut(&org) {
                        e.missing.push(MissingStep {
                            subject: subject.id,
                            name: subject.name.clone(),
                            stage: stage.code().to_owned(),
                            stage_name: stage.name_vi().to_owned(),
                            deadline,
                        });
                    }
                }
            }
            for (org, mut breaches) in by_org {
                breaches.org_name = match tx.org_as_of(org, plan.review_date).await? {
                    Some(o) => o.name,
                    None => String::new(),
                };
                out.push(breaches);
            }
        }
        Ok(out)
    }
}
