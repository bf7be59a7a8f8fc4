//! Opening a plan (triển khai kế hoạch): every subject of the plan's subtree gets its record in one
//! pass — the organisations, the leadership collectives, their heads and deputies, and every
//! member whose official branch lies in the subtree on the review date — with eligibility decided
//! by the rules crate, the form, the framework, who decides and the quota group.
//!
//! Set-based: the members and their dated records are read a few hundred branches at a time
//! (a handful of queries per batch, not one per member), the rules run in memory, and subjects
//! are written with the store's batch loader (COPY on PostgreSQL). See `benches/open_plan.rs`.

use crate::App;
use crate::actor::{Action, Actor, Authorized, Scope, authorize};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use crate::plan::{Plan, load_plan, require_status};
use crate::state::Stage;
use crate::vocab::{body_code, kind_code, participation_code};
use kiemdiem_rules::authority::{Body, Placement, authority};
use kiemdiem_rules::eligibility::{Participation, eligibility};
use kiemdiem_rules::facts::{
    CivilService, LeavePeriod, StatusPeriod, SubjectFacts, TemporaryActivity, Transfer,
};
use kiemdiem_rules::forms::self_review_form;
use kiemdiem_rules::quota::{QuotaSubject, group_key};
use kiemdiem_rules::{
    LeaveKind, OrgKind, QuotaCategory, RuleBook, StatusKind, SubjectKind, framework,
};
use kiemdiem_store::cycle::plan::{MemberPeriod, PlanMember, SubjectLoad};
use kiemdiem_store::date::from_stored_end;
use kiemdiem_store::org::Org;
use kiemdiem_store::{Store, Tx};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use time::{Date, Month};
use uuid::Uuid;

/// Branches read per batch: a few thousand members, a handful of queries.
const BRANCHES_PER_BATCH: usize = 400;
/// Subjects written per batch insert.
const SUBJECTS_PER_WRITE: usize = 20_000;

/// What opening a plan created.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OpenReport {
    pub subjects: u64,
    /// Subjects reviewed and classified / reviewed only / excluded.
    pub classified: u64,
    pub review_only: u64,
    pub excluded: u64,
    /// Subjects by kind code.
    pub by_kind: BTreeMap<String, u64>,
    /// Subjects that need a document before classification (comments, civil-service rating).
    pub attachments_required: u64,
    /// Untouched subjects of this subtree that a superior plan of the period held and this plan
    /// took over (a subject belongs to one plan: the lowest opened one covering it).
    pub taken_over: u64,
    /// Organisations of the subtree left to lower plans of the period already opened.
    pub delegated_orgs: u64,
    pub elapsed_ms: u64,
}

/// A node of the organisation tree as opening needs it.
#[derive(Debug, Clone)]
struct Node {
    kind: OrgKind,
    parent: Option<Uuid>,
    code: String,
}

struct Tree {
    nodes: HashMap<Uuid, Node>,
}

impl Tree {
    fn from_orgs(orgs: impl IntoIterator<Item = Org>) -> Tree {
        Tree {
            nodes: orgs
                .into_iter()
                .map(|o| {
                    (
                        o.id,
                        Node {
                            kind: o.kind,
                            parent: o.parent_id,
                            code: o.code,
                        },
                    )
                })
                .collect(),
        }
    }

    /// The node itself or its nearest ancestor matching `pred`.
    fn nearest(&self, from: Uuid, pred: impl Fn(OrgKind) -> bool) -> Option<Uuid> {
        let mut at = Some(from);
        while let Some(id) = at {
            let node = self.nodes.get(&id)?;
            if pred(node.kind) {
                return Some(id);
            }
            at = node.parent;
        }
        None
    }

    fn parent(&self, id: Uuid) -> Option<Uuid> {
        self.nodes.get(&id).and_then(|n| n.parent)
    }

    fn code(&self, id: Uuid) -> &str {
        self.nodes.get(&id).map(|n| n.code.as_str()).unwrap_or("")
    }

    fn placement(&self, org: Uuid) -> Option<Placement> {
        let node = self.nodes.get(&org)?;
        let under_partial = node
            .parent
            .and_then(|p| self.nodes.get(&p))
            .is_some_and(|p| p.kind == OrgKind::PartialCommittee);
        Some(Placement {
            org_kind: node.kind,
            under_partial_committee: under_partial,
        })
    }

    /// The organisation whose body decides: `unit` is where the subject sits (its branch, the
    /// organisation itself, or the organisation managing a collective).
    fn deciding_org(&self, body: Body, unit: Uuid, kind: SubjectKind) -> Option<Uuid> {
        match body {
            Body::OwnBranch => Some(unit),
            Body::GrassrootsCommittee => self.nearest(self.parent(unit).unwrap_or(unit), |k| {
                k == OrgKind::GrassrootsCommittee
            }),
            Body::PartialCommittee => self.nearest(unit, |k| k == OrgKind::PartialCommittee),
            Body::SuperiorStandingCommittee => self.parent(unit),
            Body::ManagingStandingCommittee => match kind {
                SubjectKind::Collective | SubjectKind::Leader => Some(unit),
                _ => self.parent(unit),
            },
            Body::ProvinceExecutiveCommittee => self.nearest(unit, |k| k == OrgKind::Province),
        }
    }

    fn grassroots_of(&self, org: Uuid) -> Option<Uuid> {
        self.nearest(org, OrgKind::is_grassroots)
    }
}

/// Everything decided once per (kind, org kind) and reused for every subject.
struct Catalogue<'a> {
    book: &'a RuleBook,
    plan: &'a Plan,
    forms: HashMap<SubjectKind, String>,
    frameworks: HashMap<(SubjectKind, Option<OrgKind>), Option<String>>,
}

impl<'a> Catalogue<'a> {
    fn new(book: &'a RuleBook, plan: &'a Plan) -> Catalogue<'a> {
        // A quarterly or six-monthly evaluation uses the era's periodic self-evaluation form
        // for individuals (QĐ 366 / HD 43 Mẫu 05), where there is one.
        let periodic = (plan.period != crate::plan::Period::Year)
            .then(|| kiemdiem_rules::forms::periodic_form(book))
            .flatten();
        let forms = SubjectKind::ALL
            .into_iter()
            .map(|k| match &periodic {
                Some(form) if k.is_individual() => (k, form.code.clone()),
                _ => (k, self_review_form(book, k).code),
            })
            .collect();
        Catalogue {
            book,
            plan,
            forms,
            frameworks: HashMap::new(),
        }
    }

    fn framework(&mut self, kind: SubjectKind, org_kind: Option<OrgKind>) -> Option<String> {
        let plan = self.plan;
        let rule_set = self.book.rule_set;
        self.frameworks
            .entry((kind, org_kind))
            .or_insert_with(|| match plan.frameworks.get(&kind) {
                Some(id) => Some(id.clone()),
                None => framework::national(rule_set, kind, org_kind).map(|f| f.id.clone()),
            })
            .clone()
    }
}

/// The comparable group of a subject depends only on these: computed once per combination.
type GroupInputs = (QuotaCategory, Option<Uuid>, &'static str, Option<Uuid>);

struct Builder<'a> {
    tree: &'a Tree,
    groups: HashMap<GroupInputs, String>,
    catalogue: Catalogue<'a>,
    as_of: Date,
    report: OpenReport,
    out: Vec<SubjectLoad>,
}

impl Builder<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        facts: &SubjectFacts,
        unit: Uuid,
        ids: (Option<Uuid>, Option<Uuid>, Option<Uuid>, Option<Uuid>),
        name: String,
        sort_key: String,
        placement_org: Uuid,
        decide_from: Uuid,
    ) {
        let book = self.catalogue.book;
        let decided = eligibility(book, facts, self.as_of);
        let participation = decided.participation;
        let kind = facts.kind;
        let placement = self.tree.placement(placement_org).unwrap_or(Placement {
            org_kind: OrgKind::SubordinateBranch,
            under_partial_committee: false,
        });
        let who = authority(book, kind, placement);
        let deciding_org = self.tree.deciding_org(who.decides, decide_from, kind);
        let grassroots = self.tree.grassroots_of(placement_org);
        let tree = self.tree;
        let quota_group = self
            .groups
            .entry((
                kind.quota_category(),
                grassroots,
                body_code(who.decides),
                deciding_org,
            ))
            .or_insert_with(|| {
                let deciding_body = match deciding_org {
                    Some(org) => format!("{}:{}", body_code(who.decides), tree.code(org)),
                    None => body_code(who.decides).to_owned(),
                };
                group_key(
                    book,
                    &QuotaSubject {
                        category: kind.quota_category(),
                        grassroots: grassroots.map(|g| tree.code(g).to_owned()),
                        deciding_body,
                        similar_role_group: None,
                    },
                )
            })
            .clone();
        let needs_attachment = !decided.attachments.is_empty();
        let eligibility_json = (!decided.reasons.is_empty() || needs_attachment)
            .then(|| serde_json::to_string(&decided).unwrap_or_default());
        match participation {
            Participation::ReviewAndClassify => self.report.classified += 1,
            Participation::ReviewOnly => self.report.review_only += 1,
            Participation::Excluded => self.report.excluded += 1,
        }
        if needs_attachment {
            self.report.attachments_required += 1;
        }
        *self
            .report
            .by_kind
            .entry(kind_code(kind).to_owned())
            .or_default() += 1;
        self.report.subjects += 1;
        let form_code = self.catalogue.forms[&kind].clone();
        let framework_id = self.catalogue.framework(kind, facts.org_kind);
        self.out.push(SubjectLoad {
            id: Uuid::now_v7(),
            kind: kind_code(kind),
            member_id: ids.0,
            leader_id: ids.1,
            collective_id: ids.2,
            org_id: ids.3,
            unit_id: unit,
            name,
            sort_key,
            participation: participation_code(participation),
            eligibility: eligibility_json,
            form_code,
            framework_id,
            decides_body: body_code(who.decides),
            deciding_org_id: deciding_org,
            proposes_body: who.proposes.map(body_code),
            quota_group,
            stage: Stage::initial(participation).code(),
        });
    }
}

fn year_start(year: i32) -> Date {
    Date::from_calendar_date(year, Month::January, 1).unwrap_or(Date::MIN)
}

/// Whole months between two days (calendar months, rounded down).
fn months_between(from: Date, to: Date) -> u32 {
    if to <= from {
        return 0;
    }
    let months = (to.year() - from.year()) * 12 + i32::from(u8::from(to.month()))
        - i32::from(u8::from(from.month()));
    let months = if to.day() < from.day() {
        months - 1
    } else {
        months
    };
    months.max(0) as u32
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

impl App {
    /// Opens a draft plan: creates every subject's record in one transaction and one pass, with
    /// eligibility decided by the rules crate, and moves the plan to `open`.
    pub async fn open_plan(&self, actor: &Actor, plan: Uuid, version: i64) -> Result<OpenReport> {
        let who = authorize(actor, Action::ManagePlan, Scope::Plan(plan))?;
        let started = std::time::Instant::now();
        let mut tx = self.begin(&who).await?;
        tx.without_jit().await?;
        let current = load_plan(&mut tx, plan).await?;
        require_status(&current, "draft", "triển khai kế hoạch")?;
        if current.version != version {
            return Err(AppError::stale("Kế hoạch", version));
        }
        if tx.plan_has_subjects(plan).await? {
            return Err(AppError::conflict("Kế hoạch đã có danh sách đối tượng"));
        }
        let book = current.book()?;
        let taken_over = take_over(&mut tx, &who, &current).await?;
        let delegated = delegated_roots(&mut tx, &current).await?;
        let mut report = build_subjects(self.store(), &mut tx, &current, &book, &delegated).await?;
        report.taken_over = taken_over;
        let counted = (report.subjects as i64, report.excluded as i64);
        if !tx
            .set_plan_status(plan, version, "open", Some(counted))
            .await?
        {
            return Err(AppError::stale("Kế hoạch", version));
        }
        report.elapsed_ms = started.elapsed().as_millis() as u64;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("plan.open", "plan", plan).detail(&report),
        )
        .await?;
        tx.commit().await?;
        report.elapsed_ms = started.elapsed().as_millis() as u64;
        Ok(report)
    }
}

/// A subject belongs to one plan of a period: the lowest opened plan covering it. Opening a plan
/// takes over, from the opened plans of its ancestors, the subjects of its subtree that nobody
/// has worked on yet; a subject already worked on there (a document, a meeting, an evaluation, a
/// decision) keeps the superior plan in charge, and the opening is refused naming it. Returns how
/// many subjects were taken over.
async fn take_over(tx: &mut Tx, who: &Authorized, plan: &Plan) -> Result<u64> {
    let as_of = plan.review_date;
    let (kind, no) = plan.period.parts();
    let mut taken = 0;
    for ancestor in tx.org_ancestors(plan.org_id, as_of).await? {
        if ancestor.id == plan.org_id {
            continue;
        }
        let Some(superior) = tx
            .plan_for(ancestor.id, i64::from(plan.year), kind, no)
            .await?
        else {
            continue;
        };
        if superior.status == "draft" {
            continue;
        }
        let held = tx.held_under(superior.id, plan.org_id, as_of).await?;
        if held.subjects == 0 {
            continue;
        }
        if !held.touched.is_empty() {
            let names: Vec<&str> = held.touched.iter().map(|(_, n)| n.as_str()).collect();
            return Err(AppError::conflict(format!(
                "Không thể triển khai: kế hoạch cấp trên «{}» đã kiểm điểm, đánh giá đối tượng thuộc phạm vi kế hoạch này ({}{}). Mỗi đối tượng chỉ thuộc một kế hoạch trong kỳ: các đối tượng này tiếp tục theo kế hoạch cấp trên",
                superior.title,
                names.join(", "),
                if held.touched.len() >= 10 {
                    ", …"
                } else {
                    ""
                }
            )));
        }
        tx.release_under(superior.id, plan.org_id, as_of, &held)
            .await?;
        audit::append(
            tx,
            who,
            AuditEvent::new("plan.delegate", "plan", superior.id).detail(serde_json::json!({
                "to_plan": plan.id, "org": plan.org_id, "subjects": held.subjects, "excluded": held.excluded,
            })),
        )
        .await?;
        taken += held.subjects as u64;
    }
    Ok(taken)
}

/// The organisations of the plan's subtree (below its own) whose plan of the same period is
/// already opened: their subtrees are theirs.
async fn delegated_roots(tx: &mut Tx, plan: &Plan) -> Result<Vec<Uuid>> {
    let (kind, no) = plan.period.parts();
    Ok(tx
        .plans_of_year(i64::from(plan.year))
        .await?
        .into_iter()
        .filter(|p| {
            p.period_kind == kind
                && p.period_no == no
                && p.status != "draft"
                && p.id != plan.id
                && p.org_id != plan.org_id
        })
        .map(|p| p.org_id)
        .collect())
}

async fn build_subjects(
    store: &Store,
    tx: &mut Tx,
    plan: &Plan,
    book: &RuleBook,
    delegated_roots: &[Uuid],
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
    let mut builder = Builder {
        tree: &tree,
        groups: HashMap::new(),
        catalogue: Catalogue::new(book, plan),
        as_of,
        report: OpenReport {
            delegated_orgs: delegated.len() as u64,
            ..OpenReport::default()
        },
        out: Vec::with_capacity(SUBJECTS_PER_WRITE),
    };

    let branches: Vec<Uuid> = orgs
        .iter()
        .filter(|o| o.kind.is_branch())
        .map(|o| o.id)
        .collect();
    let from = year_start(plan.year).min(as_of);
    // Members are read on a second connection (a read-only snapshot) while this transaction
    // writes the previous batch: reading and writing overlap. A pool with a single connection
    // (an in-memory SQLite database) cannot lend a second one: then the writer reads too.
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Feed>(2);
    let reader = tokio::spawn(read_members(
        store.clone(),
        plan.org_id,
        branches.clone(),
        from,
        as_of,
        sender,
    ));

    // Organisations (tổ chức đảng).
    for org in &orgs {
        let mut facts = SubjectFacts::new(SubjectKind::Organisation);
        facts.org_kind = Some(org.kind);
        facts.founded_on = Some(org.founded_on);
        builder.push(
            &facts,
            org.id,
            (None, None, None, Some(org.id)),
            org.name.clone(),
            org.code.clone(),
            org.id,
            org.id,
        );
    }
    // Organisations merged, split or moved during the year are evaluated on their results before
    // and after the change (seed 003 §B.6): both periods are recorded (once the subjects are
    // written), to be filled with task results.
    let org_subject: HashMap<Uuid, Uuid> = builder
        .out
        .iter()
        .filter_map(|s| s.org_id.map(|o| (o, s.id)))
        .collect();
    let mut changes: Vec<(Uuid, String, Date)> = Vec::new();
    for (org, kind, on, role) in tx.org_changes_between(year_start(plan.year), as_of).await? {
        if org_subject.contains_key(&org) && matches!(role.as_str(), "subject" | "target" | "part")
        {
            changes.push((org, kind, on));
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
        builder.push(
            &facts,
            collective.org_id,
            (None, None, Some(collective.id), None),
            collective.name.clone(),
            collective.code.clone(),
            collective.org_id,
            managing(&collective.kind, collective.org_id),
        );
    }
    let collective_ids: Vec<Uuid> = collectives.iter().map(|c| c.id).collect();
    for chunk in collective_ids.chunks(BRANCHES_PER_BATCH) {
        for leader in tx.plan_leaders(chunk, as_of).await? {
            let (org, manager) = collective_org[&leader.collective_id];
            let facts = SubjectFacts::new(SubjectKind::Leader);
            builder.push(
                &facts,
                org,
                (
                    leader.member_id,
                    leader.leader_id,
                    Some(leader.collective_id),
                    None,
                ),
                leader.name,
                leader.sort_key,
                org,
                manager,
            );
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
            return Ok(fed);
        }
        while let Some(feed) = receiver.recv().await {
            match feed {
                Feed::Batch(batch) => {
                    add_members(&mut builder, batch?, plan.year);
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
        Ok::<usize, AppError>(fed)
    };
    let (fed, loaded) = tokio::join!(produce, tx.load_subjects_stream(plan.id, written));
    loaded?;
    let fed = fed?;
    reader
        .await
        .map_err(|e| AppError::internal(format!("luồng đọc đảng viên dừng bất thường: {e}")))?;
    // No second connection to read on (an in-memory SQLite database): the writer reads too.
    let mut periods = if fed < branches.chunks(BRANCHES_PER_BATCH).len() {
        read_periods(tx, plan.org_id, from, as_of).await?
    } else {
        Periods::new()
    };
    for chunk in branches.chunks(BRANCHES_PER_BATCH).skip(fed) {
        let batch = read_batch(tx, chunk, &mut periods, as_of).await?;
        add_members(&mut builder, batch, plan.year);
        flush(tx, plan.id, &mut builder.out, SUBJECTS_PER_WRITE).await?;
    }
    flush(tx, plan.id, &mut builder.out, 0).await?;
    // Organisations merged, split or moved during the year: their two periods, now that their
    // subjects are written.
    for (org, kind, on) in changes {
        let subject = org_subject[&org];
        let what = match kind.as_str() {
            "merge" => "sáp nhập, hợp nhất",
            "split" => "chia tách",
            _ => "chuyển giao",
        };
        for (seq, part, label, from, to) in [
            (
                1,
                "before_change",
                format!("Trước khi {what} (đến {})", crate::date_vi(on)),
                year_start(plan.year),
                on,
            ),
            (
                2,
                "after_change",
                format!("Sau khi {what} (từ {})", crate::date_vi(on)),
                on,
                as_of,
            ),
        ] {
            tx.add_subject_part(&kiemdiem_store::cycle::plan::SubjectPartRow {
                subject_id: subject,
                seq,
                kind: part.into(),
                label,
                source_org_id: Some(org),
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
    }
    Ok(builder.report)
}

fn add_members(builder: &mut Builder<'_>, batch: MemberBatch, year: i32) {
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
        builder.push(
            &facts,
            member.branch_id,
            (Some(member.member_id), None, None, None),
            member.full_name.clone(),
            member.sort_key.clone(),
            member.branch_id,
            member.branch_id,
        );
    }
}

/// The members of a batch of branches with their dated records.
struct MemberBatch {
    members: Vec<PlanMember>,
    periods: Vec<MemberPeriod>,
    previous: Vec<MemberPeriod>,
}

enum Feed {
    Batch(Result<MemberBatch>),
    /// The pool had no second connection to lend.
    NoConnection,
}

/// The dated records of every member under the plan's root, by member.
type Periods = HashMap<Uuid, Vec<MemberPeriod>>;

async fn read_periods(tx: &mut Tx, root: Uuid, from: Date, as_of: Date) -> Result<Periods> {
    let mut by_member: Periods = HashMap::new();
    for period in tx.plan_member_periods_under(root, from, as_of).await? {
        by_member.entry(period.member_id).or_default().push(period);
    }
    Ok(by_member)
}

async fn read_batch(
    tx: &mut Tx,
    chunk: &[Uuid],
    periods: &mut Periods,
    as_of: Date,
) -> Result<MemberBatch> {
    let members = tx.plan_members(chunk, as_of).await?;
    let mut own = Vec::new();
    for member in &members {
        if let Some(records) = periods.remove(&member.member_id) {
            own.extend(records);
        }
    }
    let transferred: Vec<Uuid> = own
        .iter()
        .filter(|p| p.kind.starts_with("transfer:"))
        .map(|p| p.member_id)
        .collect();
    let previous = tx.previous_branches(&transferred, as_of).await?;
    Ok(MemberBatch {
        members,
        periods: own,
        previous,
    })
}

/// Reads the members of `branches`, a batch at a time, in one read-only snapshot.
async fn read_members(
    store: Store,
    root: Uuid,
    branches: Vec<Uuid>,
    from: Date,
    as_of: Date,
    sender: tokio::sync::mpsc::Sender<Feed>,
) {
    let tx = tokio::time::timeout(std::time::Duration::from_secs(2), store.read()).await;
    let mut tx = match tx {
        Ok(Ok(mut tx)) => match tx.without_jit().await {
            Ok(()) => tx,
            Err(error) => {
                let _ = sender.send(Feed::Batch(Err(error.into()))).await;
                return;
            }
        },
        Ok(Err(error)) => {
            let _ = sender.send(Feed::Batch(Err(error.into()))).await;
            return;
        }
        Err(_) => {
            let _ = sender.send(Feed::NoConnection).await;
            return;
        }
    };
    let mut periods = match read_periods(&mut tx, root, from, as_of).await {
        Ok(periods) => periods,
        Err(error) => {
            let _ = sender.send(Feed::Batch(Err(error))).await;
            return;
        }
    };
    for chunk in branches.chunks(BRANCHES_PER_BATCH) {
        let batch = read_batch(&mut tx, chunk, &mut periods, as_of).await;
        let failed = batch.is_err();
        if sender.send(Feed::Batch(batch)).await.is_err() || failed {
            return;
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_are_whole_calendar_months() {
        assert_eq!(
            months_between(date!(2025 - 01 - 01), date!(2025 - 07 - 01)),
            6
        );
        assert_eq!(
            months_between(date!(2025 - 01 - 15), date!(2025 - 07 - 14)),
            5
        );
        assert_eq!(
            months_between(date!(2025 - 07 - 01), date!(2025 - 01 - 01)),
            0
        );
    }

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
