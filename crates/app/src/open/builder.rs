//! What each subject of an opened plan gets, from its facts and its place in the tree: its
//! participation (the rules' eligibility, with reasons and attachments), its form and criteria
//! framework, who decides and proposes (the rules' authority, resolved to an organisation of the
//! tree) and its comparable quota group; counted into the [`OpenReport`]. Reads nothing from the
//! store: what is computed once per combination is kept here.

use super::OpenReport;
use crate::plan::{Period, Plan};
use crate::state::Stage;
use kiemdiem_rules::authority::{Body, Placement, authority};
use kiemdiem_rules::eligibility::{Participation, eligibility};
use kiemdiem_rules::facts::SubjectFacts;
use kiemdiem_rules::forms::{periodic_form, self_review_form};
use kiemdiem_rules::quota::{QuotaSubject, group_key};
use kiemdiem_rules::{OrgKind, QuotaCategory, RuleBook, SubjectKind, framework};
use kiemdiem_store::cycle::plan::SubjectLoad;
use kiemdiem_store::org::Org;
use std::collections::HashMap;
use time::Date;
use uuid::Uuid;

/// A node of the organisation tree as opening needs it.
#[derive(Debug, Clone)]
struct Node {
    kind: OrgKind,
    parent: Option<Uuid>,
    code: String,
}

/// The plan's subtree and its ancestors, as opening needs them.
pub(super) struct Tree {
    nodes: HashMap<Uuid, Node>,
}

impl Tree {
    pub(super) fn from_orgs(orgs: impl IntoIterator<Item = Org>) -> Tree {
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

    pub(super) fn parent(&self, id: Uuid) -> Option<Uuid> {
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
            // The committee above the branch's grassroots committee (never chosen by the app yet:
            // it takes the rule set's default decider).
            Body::UpperStandingCommittee => self
                .nearest(self.parent(unit).unwrap_or(unit), |k| {
                    k == OrgKind::GrassrootsCommittee
                })
                .and_then(|grassroots| self.parent(grassroots)),
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
        let periodic = (plan.period != Period::Year)
            .then(|| periodic_form(book))
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

/// The ids a subject's record points to: at most one of member and leader, the collective of a
/// collective or a leader, the organisation of an organisation.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct SubjectIds {
    pub member: Option<Uuid>,
    pub leader: Option<Uuid>,
    pub collective: Option<Uuid>,
    pub org: Option<Uuid>,
}

/// Who a subject is, whichever plan holds it: the organisation, the collective, the leader in a
/// collective, or the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum SubjectKey {
    Org(Uuid),
    Collective(Uuid),
    Leader(Uuid, Uuid),
    Member(Uuid),
}

impl SubjectKey {
    fn of(kind: SubjectKind, ids: &SubjectIds) -> Option<SubjectKey> {
        match kind {
            SubjectKind::Organisation => ids.org.map(SubjectKey::Org),
            SubjectKind::Collective => ids.collective.map(SubjectKey::Collective),
            SubjectKind::Leader => Some(SubjectKey::Leader(
                ids.collective?,
                ids.member.or(ids.leader)?,
            )),
            _ => ids.member.map(SubjectKey::Member),
        }
    }

    /// The key of a stored subject.
    pub(crate) fn of_row(row: &kiemdiem_store::cycle::plan::SubjectRow) -> Option<SubjectKey> {
        SubjectKey::of(
            row.kind,
            &SubjectIds {
                member: row.member_id,
                leader: row.leader_id,
                collective: row.collective_id,
                org: row.org_id,
            },
        )
    }
}

/// One subject to create, as the tree and the store give it.
pub(super) struct Candidate {
    pub facts: SubjectFacts,
    /// Where the subject is reviewed.
    pub unit: Uuid,
    pub ids: SubjectIds,
    pub name: String,
    pub sort_key: String,
    /// The organisation whose kind places the subject for the rules' authority.
    pub placement_org: Uuid,
    /// Where the deciding body is looked for from.
    pub decide_from: Uuid,
}

/// Builds the subjects' records, counting them into the report, until they are taken (`out`)
/// to be written.
pub(super) struct Builder<'a> {
    tree: &'a Tree,
    groups: HashMap<GroupInputs, String>,
    catalogue: Catalogue<'a>,
    as_of: Date,
    pub report: OpenReport,
    pub out: Vec<SubjectLoad>,
    /// Subjects another plan of the period already holds for this subtree (taken over with
    /// their work, or decided and kept by a superior plan): not created again.
    pub kept: std::collections::HashSet<SubjectKey>,
}

impl<'a> Builder<'a> {
    pub(super) fn new(
        tree: &'a Tree,
        book: &'a RuleBook,
        plan: &'a Plan,
        report: OpenReport,
        capacity: usize,
    ) -> Builder<'a> {
        Builder {
            tree,
            groups: HashMap::new(),
            catalogue: Catalogue::new(book, plan),
            as_of: plan.review_date,
            report,
            out: Vec::with_capacity(capacity),
            kept: Default::default(),
        }
    }

    pub(super) fn push(&mut self, subject: Candidate) {
        let Candidate {
            facts,
            unit,
            ids,
            name,
            sort_key,
            placement_org,
            decide_from,
        } = subject;
        if SubjectKey::of(facts.kind, &ids).is_some_and(|key| self.kept.contains(&key)) {
            return;
        }
        let book = self.catalogue.book;
        let decided = eligibility(book, &facts, self.as_of);
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
                who.decides.code(),
                deciding_org,
            ))
            .or_insert_with(|| {
                let deciding_body = match deciding_org {
                    Some(org) => format!("{}:{}", who.decides.code(), tree.code(org)),
                    None => who.decides.code().to_owned(),
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
            .entry(kind.code().to_owned())
            .or_default() += 1;
        self.report.subjects += 1;
        let form_code = self.catalogue.forms[&kind].clone();
        let framework_id = self.catalogue.framework(kind, facts.org_kind);
        self.out.push(SubjectLoad {
            id: Uuid::now_v7(),
            kind,
            member_id: ids.member,
            leader_id: ids.leader,
            collective_id: ids.collective,
            org_id: ids.org,
            unit_id: unit,
            name,
            sort_key,
            participation,
            eligibility: eligibility_json,
            form_code,
            framework_id,
            decides_body: who.decides,
            deciding_org_id: deciding_org,
            proposes_body: who.proposes,
            quota_group,
            stage: Stage::initial(participation),
        });
    }
}
