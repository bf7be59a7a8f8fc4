//! What a signed-in person must do now (*việc cần làm*): their own subjects in this year's plans
//! with the next step and its deadline, the open ballots of their branch they are on the roll of,
//! the levels they were given in earlier years, and — for each role of a party body they hold —
//! where that role works. Everything here is the person's own, so it needs no role: only a
//! signed-in account.

use crate::App;
use crate::access::Role;
use crate::access::resolve::check_signed_in;
use crate::actor::Actor;
use crate::directory::{OrgLabel, org_label};
use crate::error::Result;
use crate::plan::{Plan, Step, Subject, plan_from_row, subject_view};
use crate::state::Stage;
use kiemdiem_rules::Level;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::work::OpenBallot;
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// The home page of a signed-in person.
#[derive(Debug, Clone, Serialize)]
pub struct Work {
    pub today: Date,
    /// Their own subjects (as a member) in the plans of this and last year.
    pub own: Vec<OwnSubject>,
    /// Open ballots of their branch: the ones they are on the roll of.
    pub ballots: Vec<BallotToCast>,
    /// Where each role of a party body they hold works, with its plans.
    pub duties: Vec<Duty>,
    /// Levels decided for them in earlier plans, newest first.
    pub history: Vec<PastLevel>,
}

/// One of the person's own subjects and what comes next.
#[derive(Debug, Clone, Serialize)]
pub struct OwnSubject {
    pub subject: Subject,
    pub plan_title: String,
    pub year: i32,
    pub next: NextStep,
}

/// The next step of a subject, from its owner's point of view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextStep {
    /// What to do or what is awaited, in Vietnamese.
    pub text: String,
    /// Whether it is the person's own move (rather than a body's).
    pub theirs: bool,
    pub deadline: Option<Date>,
    /// The deadline passed with the step not done.
    pub late: bool,
}

/// An open ballot the person is on the roll of.
#[derive(Debug, Clone, Serialize)]
pub struct BallotToCast {
    pub ballot: Uuid,
    pub meeting: Uuid,
    pub meeting_title: String,
    pub held_on: Date,
    pub electronic: bool,
    pub entitled: bool,
    pub voted: bool,
}

/// A role the person holds in a party body, where, and the plans it works in.
#[derive(Debug, Clone, Serialize)]
pub struct Duty {
    pub role: Role,
    pub org: OrgLabel,
    pub plans: Vec<Plan>,
}

/// A level decided in an earlier plan.
#[derive(Debug, Clone, Serialize)]
pub struct PastLevel {
    pub year: i32,
    pub plan_title: String,
    pub subject: Uuid,
    pub level: Level,
}

/// The plans a branch's members work under — of the branch and of every organisation above it,
/// this year and last, oldest first — each with, when open, the branch's open ballots. The same
/// for every member of the branch, so kept between visits (`answers.rs`).
pub(crate) struct BranchPlans {
    plans: Vec<(Plan, Vec<OpenBallot>)>,
}

async fn branch_plans(
    tx: &mut Tx,
    branch: Uuid,
    today: Date,
    years: [i64; 2],
) -> Result<BranchPlans> {
    let above = tx.org_ancestor_ids(branch, today).await?;
    let mut plans = Vec::new();
    for year in years {
        for row in tx.plans_of_orgs(&above, year).await? {
            let plan = plan_from_row(tx, row).await?;
            let ballots = if plan.status == "open" {
                tx.open_ballots_of(plan.id, branch).await?
            } else {
                Vec::new()
            };
            plans.push((plan, ballots));
        }
    }
    Ok(BranchPlans { plans })
}

impl App {
    /// The signed-in person's work now.
    pub async fn my_work(&self, actor: &Actor) -> Result<Work> {
        check_signed_in(actor)?;
        let today = self.today();
        let years = [i64::from(today.year()), i64::from(today.year()) - 1];
        let mut tx = self.store().read().await?;
        let mut work = Work {
            today,
            own: Vec::new(),
            ballots: Vec::new(),
            duties: Vec::new(),
            history: Vec::new(),
        };
        if let Some(member) = actor.member
            && let Some(branch) = tx.member_place(member, today).await?
        {
            // The branch's plans and open ballots are the same for each of its members: kept.
            let seq = tx.answers_seq().await?;
            let context = self
                .answers
                .branch_plans
                .get_or_read((branch, today), seq, || {
                    branch_plans(&mut tx, branch, today, years)
                })
                .await?;
            for (plan, open_ballots) in &context.plans {
                for subject in tx.member_subjects_in(plan.id, branch, member).await? {
                    let subject = subject_view(subject)?;
                    let self_evaluated = tx
                        .evaluations(subject.id)
                        .await?
                        .iter()
                        .any(|e| e.step == "self");
                    let next = next_step(plan, &subject, self_evaluated, today);
                    work.own.push(OwnSubject {
                        plan_title: plan.title.clone(),
                        year: plan.year,
                        subject,
                        next,
                    });
                }
                for open in open_ballots {
                    if let Some((entitled, voted)) = tx.roll_entry(open.ballot_id, member).await? {
                        work.ballots.push(BallotToCast {
                            ballot: open.ballot_id,
                            meeting: open.meeting_id,
                            meeting_title: open.meeting_title.clone(),
                            held_on: open.held_on,
                            electronic: open.mode == "electronic",
                            entitled,
                            voted,
                        });
                    }
                }
            }
            let current: Vec<Uuid> = work.own.iter().map(|o| o.subject.id).collect();
            for (row, year, title) in tx.decided_history_of_member(member).await? {
                if current.contains(&row.id) {
                    continue;
                }
                if let Some(level) = row.level {
                    work.history.push(PastLevel {
                        year: year as i32,
                        plan_title: title,
                        subject: row.id,
                        level,
                    });
                }
            }
            work.history.sort_by_key(|h| std::cmp::Reverse(h.year));
        }
        for grant in actor
            .grants()
            .iter()
            .filter(|g| g.active_on(today) && g.role != Role::Member)
        {
            let Some(node) = grant.org else {
                work.duties.push(Duty {
                    role: grant.role,
                    org: OrgLabel {
                        id: Uuid::nil(),
                        code: String::new(),
                        name: "toàn hệ thống".to_string(),
                    },
                    plans: Vec::new(),
                });
                continue;
            };
            let above = tx.org_ancestor_ids(node, today).await?;
            let mut plans = Vec::new();
            for year in years {
                for row in tx.plans_of_orgs(&above, year).await? {
                    plans.push(plan_from_row(&mut tx, row).await?);
                }
            }
            work.duties.push(Duty {
                role: grant.role,
                org: org_label(&mut tx, node, today).await?,
                plans,
            });
        }
        Ok(work)
    }
}

/// What comes next for a subject, as its owner sees it.
pub fn next_step(plan: &Plan, subject: &Subject, self_evaluated: bool, today: Date) -> NextStep {
    let step = |text: &str, theirs: bool, step: Option<Step>| {
        let deadline = step.and_then(|s| plan.deadline(s));
        NextStep {
            text: text.to_string(),
            theirs,
            late: deadline.is_some_and(|d| d < today),
            deadline,
        }
    };
    let classified = subject.participation == Participation::ReviewAndClassify;
    match subject.stage {
        Stage::Excluded => step("Không kiểm điểm trong kỳ này", false, None),
        Stage::Pending => step("Viết và nộp bản tự kiểm điểm", true, Some(Step::SelfReview)),
        Stage::SelfReviewed if classified && !self_evaluated => step(
            "Tự đánh giá, tự xếp loại theo khung tiêu chí",
            true,
            Some(Step::SelfReview),
        ),
        Stage::SelfReviewed => step("Chờ hội nghị kiểm điểm", false, Some(Step::Review)),
        Stage::Reviewed if !classified => step("Đã kiểm điểm (không xếp loại)", false, None),
        Stage::Reviewed | Stage::Proposed => step(
            "Chờ cấp có thẩm quyền quyết định xếp loại",
            false,
            Some(Step::Decision),
        ),
        Stage::Decided | Stage::Published => {
            let level = subject
                .level
                .map(|l| l.name_vi().to_string())
                .unwrap_or_default();
            NextStep {
                text: format!("Đã xếp loại: {level}"),
                theirs: false,
                deadline: None,
                late: false,
            }
        }
    }
}

impl App {
    /// The criteria framework a subject is evaluated on (the plan pins it), if it is scored.
    pub async fn subject_framework(
        &self,
        actor: &Actor,
        subject: Uuid,
    ) -> Result<Option<&'static kiemdiem_rules::framework::Framework>> {
        let subject = self.subject(actor, subject).await?;
        Ok(subject
            .framework
            .as_deref()
            .and_then(kiemdiem_rules::framework::builtin_by_id))
    }
}

/// What the previous year said of a subject's person: the level, the shortcomings they wrote
/// and what the meeting concluded — shown beside this year's self-review.
#[derive(Debug, Clone, Serialize)]
pub struct PreviousYear {
    pub year: i32,
    pub level: Option<Level>,
    /// The self-review's sections on shortcomings (title, text).
    pub shortcomings: Vec<(String, String)>,
    pub conclusion: Option<String>,
}

impl App {
    /// The name of the organisation where a subject is reviewed.
    pub async fn subject_unit(&self, actor: &Actor, subject: Uuid) -> Result<OrgLabel> {
        let subject = self.subject(actor, subject).await?;
        let mut tx = self.store().read().await?;
        org_label(&mut tx, subject.unit, self.today()).await
    }

    /// The previous year of a member's subject: the level decided, the shortcomings written in
    /// that year's self-review and the meeting's conclusion; `None` for a body, or a member
    /// with no earlier year.
    pub async fn previous_year(
        &self,
        actor: &Actor,
        subject: Uuid,
    ) -> Result<Option<PreviousYear>> {
        let current = self.subject(actor, subject).await?;
        let Some(member) = current.member else {
            return Ok(None);
        };
        let mut tx = self.store().read().await?;
        let Some(plan) = tx.plan(current.plan).await? else {
            return Ok(None);
        };
        let mut earlier: Vec<_> = tx
            .decided_history_of_member(member)
            .await?
            .into_iter()
            .filter(|(row, year, _)| *year < plan.year && row.kind == current.kind)
            .collect();
        earlier.sort_by_key(|(_, year, _)| -*year);
        let Some((row, year, _)) = earlier.into_iter().next() else {
            return Ok(None);
        };
        let mut shortcomings = Vec::new();
        if let Some(review) = tx.self_review(row.id).await? {
            let sections: std::collections::BTreeMap<String, String> =
                serde_json::from_str(&review.sections).unwrap_or_default();
            let earlier_plan = tx.plan(row.plan_id).await?;
            let titles: Vec<(&str, &str)> = match earlier_plan {
                Some(p) => {
                    let book = plan_from_row(&mut tx, p).await?.book()?;
                    crate::review::form_sections(&book, current.kind)
                        .iter()
                        .map(|s| (s.code, s.title))
                        .collect()
                }
                None => Vec::new(),
            };
            for (code, title) in titles {
                let lower = title.to_lowercase();
                if (lower.contains("khuyết điểm") || lower.contains("hạn chế"))
                    && let Some(text) = sections.get(code).filter(|t| !t.trim().is_empty())
                {
                    shortcomings.push((title.to_string(), text.clone()));
                }
            }
        }
        let conclusion = tx
            .items_of_subject(row.id)
            .await?
            .into_iter()
            .map(|item| item.conclusion)
            .rfind(|c| !c.trim().is_empty());
        Ok(Some(PreviousYear {
            year: year as i32,
            level: row.level,
            shortcomings,
            conclusion,
        }))
    }
}

/// A ballot paper as its voter sees it: the meeting, the names on the agenda, and whether they
/// may still vote (never what anyone voted).
#[derive(Debug, Clone, Serialize)]
pub struct Paper {
    pub ballot: Uuid,
    pub meeting_title: String,
    pub held_on: Date,
    pub open: bool,
    pub electronic: bool,
    /// The subjects on the paper, in the agenda's order: (id, name).
    pub subjects: Vec<(Uuid, String)>,
    pub entitled: bool,
    pub voted: bool,
}

impl App {
    /// The signed-in member's paper of a ballot: the names they vote on. Refused to anyone not
    /// on the ballot's roll (`not_entitled`).
    pub async fn ballot_paper(&self, actor: &Actor, ballot: Uuid) -> Result<Paper> {
        self.authorize(
            actor,
            crate::actor::Action::Vote,
            crate::actor::Scope::Ballot(ballot),
        )
        .await?;
        let member = actor.member.ok_or_else(|| {
            crate::error::AppError::new(
                crate::error::ErrorCode::NotEntitled,
                "Chỉ tài khoản của đảng viên mới bỏ phiếu được",
            )
        })?;
        let mut tx = self.store().read().await?;
        let row = tx
            .ballot(ballot)
            .await?
            .ok_or_else(|| crate::error::AppError::not_found("cuộc bỏ phiếu", ballot))?;
        let Some((entitled, voted)) = tx.roll_entry(ballot, member).await? else {
            return Err(crate::error::AppError::new(
                crate::error::ErrorCode::NotEntitled,
                "Đồng chí không có tên trong danh sách biểu quyết của cuộc bỏ phiếu này",
            ));
        };
        let meeting = tx
            .meeting(row.meeting_id)
            .await?
            .ok_or_else(|| crate::error::AppError::not_found("hội nghị", row.meeting_id))?;
        let subjects = tx.ballot_agenda_names(ballot).await?;
        tx.rollback().await?;
        Ok(Paper {
            ballot,
            meeting_title: meeting.title,
            held_on: meeting.held_on,
            open: row.status == "open",
            electronic: row.mode == "electronic",
            subjects,
            entitled,
            voted,
        })
    }
}

impl App {
    /// The plans of this year and last issued at or above an organisation (the plans its
    /// subjects are reviewed under), for whoever reads the organisation.
    pub async fn plans_covering(&self, actor: &Actor, org: Uuid) -> Result<Vec<Plan>> {
        self.authorize(
            actor,
            crate::actor::Action::Read,
            crate::actor::Scope::Org(org),
        )
        .await?;
        let today = self.today();
        let mut tx = self.store().read().await?;
        let above = tx.org_ancestor_ids(org, today).await?;
        let mut out = Vec::new();
        for year in [i64::from(today.year()), i64::from(today.year()) - 1] {
            for row in tx.plans_of_orgs(&above, year).await? {
                out.push(plan_from_row(&mut tx, row).await?);
            }
        }
        Ok(out)
    }

    /// The meetings an organisation holds under a plan, for whoever reads the organisation.
    pub async fn meetings_at(
        &self,
        actor: &Actor,
        plan: Uuid,
        org: Uuid,
    ) -> Result<Vec<crate::meeting::Meeting>> {
        self.authorize_plan_at(actor, plan, org).await?;
        let mut tx = self.store().read().await?;
        let mut out = Vec::new();
        for row in tx.meetings_of_plan(plan).await? {
            if row.org_id == org {
                out.push(crate::meeting::load_meeting(&mut tx, row.id).await?);
            }
        }
        Ok(out)
    }

    /// The subjects of a plan whose level the organisation's committee decides, in name order
    /// (the committee's decision page): looked up over the organisation's subtree.
    pub async fn subjects_decided_by(
        &self,
        actor: &Actor,
        plan: Uuid,
        org: Uuid,
    ) -> Result<Vec<Subject>> {
        self.authorize_plan_at(actor, plan, org).await?;
        let mut tx = self.store().read().await?;
        let current = tx
            .plan(plan)
            .await?
            .ok_or_else(|| crate::error::AppError::not_found("kế hoạch", plan))?;
        let units: Vec<Uuid> = tx
            .org_subtree(org, current.review_date)
            .await?
            .into_iter()
            .map(|n| n.org.id)
            .collect();
        let mut out = Vec::new();
        for row in tx.subjects_of_plan(plan, Some(&units)).await? {
            if row.deciding_org_id == Some(org) {
                out.push(subject_view(row)?);
            }
        }
        Ok(out)
    }
}

/// The levels decided under one node of a plan (its whole subtree), for the charts.
#[derive(Debug, Clone, Serialize)]
pub struct LevelsAt {
    pub org: OrgLabel,
    /// Subjects to classify with each level, highest first, then those not decided yet.
    pub levels: Vec<(Option<Level>, u64)>,
}

impl App {
    /// The distribution of levels in a plan at an organisation and at each of its children.
    pub async fn levels_at(&self, actor: &Actor, plan: Uuid, org: Uuid) -> Result<Vec<LevelsAt>> {
        self.authorize_plan_at(actor, plan, org).await?;
        let mut tx = self.store().read().await?;
        let seq = tx.answers_seq().await?;
        if let Some(kept) = self.answers.levels.get(&(plan, org), seq) {
            return Ok(kept.as_ref().clone());
        }
        let current = tx
            .plan(plan)
            .await?
            .ok_or_else(|| crate::error::AppError::not_found("kế hoạch", plan))?;
        let on = current.review_date;
        let mut nodes = vec![org];
        nodes.extend(tx.org_children(org, on).await?.into_iter().map(|o| o.id));
        let rows = tx.levels_under(plan, &nodes, on).await?;
        let mut out = Vec::with_capacity(nodes.len());
        for node in nodes {
            let mut levels: Vec<(Option<Level>, u64)> = [
                Some(Level::Htxsnv),
                Some(Level::Httnv),
                Some(Level::Htnv),
                Some(Level::Khtnv),
                None,
            ]
            .into_iter()
            .map(|l| (l, 0))
            .collect();
            for (at, level, n) in rows.iter().filter(|(at, _, _)| *at == node) {
                let _ = at;
                let level = level.as_deref().and_then(Level::parse);
                if let Some(slot) = levels.iter_mut().find(|(l, _)| *l == level) {
                    slot.1 += *n as u64;
                }
            }
            out.push(LevelsAt {
                org: org_label(&mut tx, node, on).await?,
                levels,
            });
        }
        self.answers
            .levels
            .put((plan, org), seq, std::sync::Arc::new(out.clone()));
        Ok(out)
    }
}

/// One subject of a unit as the unit's page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct UnitSubject {
    pub subject: Subject,
    /// The self-review's status (`draft`, `submitted`), when one exists.
    pub review: Option<String>,
    /// Whether the self-review was found to be a near copy of another.
    pub flagged: bool,
    /// The level the subject gave themself (column 1 of the summary form).
    pub self_level: Option<Level>,
    /// The branch's level (column 5): its evaluation, else its secret ballot's outcome.
    pub branch_level: Option<Level>,
    /// For a subject waiting for the branch's proposal: the level the rules suggest, else the
    /// last column's.
    pub suggested: Option<Level>,
}

impl App {
    /// The subjects of a plan in one unit with their self-review and the summary form's levels —
    /// what the side-by-side view gives one subject at a time, for the whole unit in a handful of
    /// queries (the suggestion of the rules only where a proposal is due).
    pub async fn unit_overview(
        &self,
        actor: &Actor,
        plan: Uuid,
        org: Uuid,
    ) -> Result<Vec<UnitSubject>> {
        let subjects = self.subjects(actor, plan, Some(&[org])).await?;
        let mut tx = self.store().read().await?;
        let mut facts = tx.unit_subject_facts(plan, org).await?;
        drop(tx);
        let mut out = Vec::with_capacity(subjects.len());
        for subject in subjects {
            let facts = facts.remove(&subject.id).unwrap_or_default();
            let level_of = |column: i64| {
                facts
                    .columns
                    .iter()
                    .find(|(no, _, _)| *no == column)
                    .and_then(|(_, proposed, scored)| proposed.as_deref().or(scored.as_deref()))
                    .and_then(Level::parse)
            };
            let has_column = |column: i64| facts.columns.iter().any(|(no, _, _)| *no == column);
            let branch_level = if has_column(5) {
                level_of(5)
            } else {
                facts.outcomes.first().and_then(|o| Level::parse(o))
            };
            let suggested = if subject.stage == Stage::Reviewed
                && subject.participation == Participation::ReviewAndClassify
            {
                let side = self.side_by_side(actor, subject.id).await?;
                side.classification
                    .as_ref()
                    .and_then(|c| c.suggested)
                    .or_else(|| side.columns.iter().rev().find_map(|c| c.level))
            } else {
                None
            };
            let flagged = facts
                .self_review
                .as_ref()
                .and_then(|(_, similarity)| similarity.as_deref())
                .and_then(|s| serde_json::from_str::<Vec<crate::review::SimilarityFlag>>(s).ok())
                .is_some_and(|flags| !flags.is_empty());
            out.push(UnitSubject {
                self_level: level_of(1),
                branch_level,
                suggested,
                flagged,
                review: facts.self_review.map(|(status, _)| status),
                subject,
            });
        }
        Ok(out)
    }
}
