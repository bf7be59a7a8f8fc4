//! A running cycle for demonstrations (`kiemdiem serve --demo`): on a fresh database, loads the
//! store's district-scale demo data and opens the current year's plan for the whole tree, then
//! plays part of the cycle in the first grassroots organisation through the ordinary use cases —
//! the first branch's self-reviews and self-evaluations, its meeting with its reviews, secret
//! ballot, proposals and decisions — so that every screen has something to show — and leaves the
//! second branch untouched for the demo accounts to run the cycle themselves.

use crate::App;
use crate::actor::Actor;
use crate::ballot::{BallotMode, RollAdjustments};
use crate::error::{AppError, Result};
use crate::evaluation::{DecisionInput, Opinion, OpinionSource, SelfEvaluation};
use crate::meeting::{Attendee, MeetingClose, NewMeeting, ReviewRecord};
use crate::plan::{NewPlan, Plan, Subject};
use kiemdiem_rules::ballot::Vote;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::facts::TaskResults;
use kiemdiem_rules::framework::{self, EvaluationInput};
use kiemdiem_rules::{Level, OrgKind, Points, SubjectKind};
use kiemdiem_store::Store;
use kiemdiem_store::demo::{DemoOptions, DemoScale, DemoSummary};
use kiemdiem_store::people::MembershipKind;
use serde::Serialize;
use std::collections::BTreeMap;
use time::{Date, Duration, Month};
use uuid::Uuid;

/// What the demo set up.
#[derive(Debug, Clone, Serialize)]
pub struct DemoCycle {
    pub data: DemoSummaryView,
    pub plan: Plan,
    /// The grassroots organisation where the cycle has progressed.
    pub grassroots: Uuid,
    /// Its two branches: the first has met and voted; in the second nothing has happened yet (the
    /// demo accounts' branch).
    pub branches: Vec<Uuid>,
    pub self_reviews: u64,
    pub reviewed: u64,
    pub decided: u64,
}

/// Counts of the generated data.
#[derive(Debug, Clone, Serialize)]
pub struct DemoSummaryView {
    pub orgs: u64,
    pub members: u64,
}

impl From<&DemoSummary> for DemoSummaryView {
    fn from(summary: &DemoSummary) -> DemoSummaryView {
        DemoSummaryView {
            orgs: summary.orgs,
            members: summary.members,
        }
    }
}

fn points_for(framework_id: &str, share_percent: i64) -> EvaluationInput {
    let mut input = EvaluationInput::default();
    if let Some(framework) = framework::builtin_by_id(framework_id) {
        for leaf in framework.leaves() {
            let max = leaf.criterion.max_points.map(|p| p.0).unwrap_or(0);
            input
                .points
                .insert(leaf.criterion.id.clone(), Points(max * share_percent / 100));
        }
    }
    input
}

/// Loads the district demo into an empty database and plays part of this year's cycle.
pub async fn demo_cycle(store: &Store, today: Date) -> Result<DemoCycle> {
    demo_cycle_at(store, today, DemoScale::DISTRICT).await
}

/// [`demo_cycle`] at another scale (the province, for the pages' load benchmark).
pub async fn demo_cycle_at(store: &Store, today: Date, scale: DemoScale) -> Result<DemoCycle> {
    let app = App::with_today(store.clone(), today);
    let summary = app
        .generate_demo(
            &Actor::system("demo"),
            &DemoOptions {
                scale,
                seed: 1,
                today,
            },
            &|_, _| {},
        )
        .await?;
    let office = Actor::system("demo");
    let mut tx = store.read().await?;
    let orgs = tx.orgs_as_of(today).await?;
    drop(tx);
    let root = orgs
        .iter()
        .find(|o| o.parent_id.is_none())
        .ok_or_else(|| AppError::internal("dữ liệu mẫu không có tổ chức gốc"))?;
    let plan = app
        .create_plan(
            &office,
            NewPlan {
                org: root.id,
                year: today.year(),
                ..NewPlan::default()
            },
        )
        .await?;
    app.open_plan(&office, plan.id, plan.version).await?;
    let grassroots = orgs
        .iter()
        .filter(|o| o.kind == OrgKind::GrassrootsCommittee)
        .find(|g| {
            orgs.iter()
                .filter(|b| b.parent_id == Some(g.id) && b.kind == OrgKind::SubordinateBranch)
                .count()
                >= 2
        })
        .ok_or_else(|| AppError::internal("dữ liệu mẫu không có đảng bộ cơ sở có hai chi bộ"))?;
    let branches: Vec<Uuid> = orgs
        .iter()
        .filter(|b| b.parent_id == Some(grassroots.id) && b.kind == OrgKind::SubordinateBranch)
        .map(|b| b.id)
        .take(2)
        .collect();
    let mut cycle = DemoCycle {
        data: DemoSummaryView::from(&summary),
        plan: plan.clone(),
        grassroots: grassroots.id,
        branches: branches.clone(),
        self_reviews: 0,
        reviewed: 0,
        decided: 0,
    };
    // The year's facts the rules ask of every subject (no vote of confidence held, no force
    // majeure, last year's shortcomings remedied, the key targets not applying), as the demo's
    // offices would have recorded them: without them every subject would wait for them.
    for subject in app.subjects(&office, plan.id, Some(&branches)).await? {
        if subject.participation == Participation::Excluded {
            continue;
        }
        record_plain_year(&app, &office, &subject, today).await?;
    }
    let meeting_day = Date::from_calendar_date(today.year(), Month::December, 12)
        .map_err(|e| AppError::internal(e.to_string()))?
        .min(today);
    let written = meeting_day - Duration::days(7);
    // The first branch plays the cycle up to decisions; the second is left untouched, for the
    // demo accounts (its secretary, committee member and members) to run it themselves.
    for (index, branch) in branches.iter().enumerate().take(1) {
        let subjects = app.subjects(&office, plan.id, Some(&[*branch])).await?;
        let mut order: Vec<Subject> = subjects
            .into_iter()
            .filter(|s| s.participation != Participation::Excluded)
            .filter(|s| s.kind == SubjectKind::Organisation || s.kind.is_member())
            .collect();
        for subject in &order {
            let who = Actor::trusted(format!("demo:{}", subject.name));
            let sections: BTreeMap<String, String> = app
                .self_review_form(&office, subject.id)
                .await?
                .sections
                .iter()
                .map(|s| {
                    (
                        s.code.to_owned(),
                        format!("{} — {} (năm {})", subject.name, s.title, today.year()),
                    )
                })
                .collect();
            let draft = app.save_self_review(&who, subject.id, 0, sections).await?;
            let sent = (subject.kind == SubjectKind::Organisation).then_some(written);
            app.submit_self_review(&who, subject.id, draft.version, written, sent)
                .await?;
            cycle.self_reviews += 1;
            if let Some(framework) = &subject.framework
                && subject.participation == Participation::ReviewAndClassify
            {
                app.self_evaluate(
                    &who,
                    subject.id,
                    0,
                    SelfEvaluation {
                        input: points_for(framework, 80),
                        evidence: BTreeMap::new(),
                        tasks: Some(TaskResults {
                            assigned: 8,
                            completed: 8,
                            on_time: 8,
                            exceeded: 1,
                        }),
                        proposed: Some(Level::Httnv),
                        note: String::new(),
                    },
                )
                .await?;
            }
        }
        if index > 0 {
            continue;
        }
        // The first branch meets: the branch first, then its secretary, then the members.
        let mut tx = store.read().await?;
        let heads: Vec<Uuid> = tx
            .positions_in_org(*branch, meeting_day)
            .await?
            .into_iter()
            .filter(|p| p.is_head())
            .filter_map(|p| match p.holder {
                kiemdiem_store::leadership::Holder::Member(id) => Some(id),
                kiemdiem_store::leadership::Holder::Leader(_) => None,
            })
            .collect();
        let members = tx
            .members_of_branch(*branch, MembershipKind::Official, meeting_day)
            .await?;
        drop(tx);
        order.sort_by_key(|s| {
            (
                s.kind != SubjectKind::Organisation,
                !s.member.is_some_and(|m| heads.contains(&m)),
            )
        });
        let meeting = app
            .schedule_meeting(
                &office,
                NewMeeting {
                    plan: plan.id,
                    org: *branch,
                    title: format!(
                        "Hội nghị kiểm điểm, đánh giá, xếp loại năm {}",
                        today.year()
                    ),
                    body_key: None,
                    suggested: false,
                    held_on: meeting_day,
                    place: "Hội trường cơ quan".into(),
                    chair: "Bí thư chi bộ".into(),
                    attendees: members
                        .iter()
                        .map(|m| Attendee {
                            member: Some(m.id),
                            name: m.details.full_name.clone(),
                            role: "member".into(),
                            present: true,
                            excused: false,
                        })
                        .collect(),
                    agenda: order.iter().map(|s| s.id).collect(),
                },
            )
            .await?;
        for subject in &order {
            app.record_review(
                &office,
                meeting.id,
                subject.id,
                ReviewRecord {
                    present: true,
                    comments: "Chi bộ góp ý, đồng chí tiếp thu".into(),
                    conclusion: "Thống nhất nội dung bản kiểm điểm".into(),
                    chaired_by: None,
                    chaired_by_name: None,
                    override_reason: None,
                },
            )
            .await?;
            cycle.reviewed += 1;
        }
        let rated: Vec<&Subject> = order
            .iter()
            .filter(|s| s.kind.is_member() && s.participation == Participation::ReviewAndClassify)
            .collect();
        if rated.is_empty() {
            continue;
        }
        let ballot = app
            .prepare_ballot(
                &office,
                meeting.id,
                BallotMode::Electronic,
                rated.iter().map(|s| s.id).collect(),
            )
            .await?;
        let ballot = app
            .open_ballot(
                &office,
                ballot.id,
                ballot.version,
                RollAdjustments::default(),
            )
            .await?;
        let paper: BTreeMap<Uuid, Vote> = rated
            .iter()
            .map(|s| (s.id, Vote::For(Level::Httnv)))
            .collect();
        for member in &members {
            if let Err(error) = app
                .cast_ballot(
                    &Actor::trusted_member("demo", member.id),
                    ballot.id,
                    member.id,
                    &paper,
                )
                .await
                && error.code() != "not_entitled"
            {
                return Err(error);
            }
        }
        app.close_ballot(&office, ballot.id, ballot.version).await?;
        let current = app.meeting(&office, meeting.id).await?;
        app.close_meeting(
            &office,
            meeting.id,
            MeetingClose {
                version: current.version,
                half_days: 2,
                minutes: "Biên bản hội nghị (dữ liệu mẫu)".into(),
                conclusion: "Hội nghị đã hoàn thành chương trình".into(),
                override_reason: None,
            },
        )
        .await?;
        let committee = Actor::trusted("demo:dang-uy");
        for subject in rated {
            let current = app.subject(&office, subject.id).await?;
            if app
                .propose(
                    &office,
                    subject.id,
                    current.version,
                    Level::Httnv,
                    "Theo kết quả bỏ phiếu",
                )
                .await
                .is_err()
            {
                continue;
            }
            if current.member.is_some()
                && let Ok(side) = app.side_by_side(&office, subject.id).await
                && side.classification.as_ref().is_some_and(|c| {
                    c.findings
                        .iter()
                        .any(|f| f.citation.rule.ends_with("order.civil_service_first"))
                })
            {
                app.record_opinion(
                    &office,
                    subject.id,
                    Opinion {
                        source: OpinionSource::CivilService,
                        version: 0,
                        level: Some(Level::Httnv),
                        input: None,
                        tasks: None,
                        note: "Kết quả xếp loại viên chức".into(),
                    },
                )
                .await?;
            }
            let current = app.subject(&office, subject.id).await?;
            let level = app
                .side_by_side(&office, subject.id)
                .await?
                .classification
                .map(|c| c.allowed.min(Level::Httnv))
                .unwrap_or(Level::Httnv);
            let decided = app
                .decide(
                    &committee,
                    subject.id,
                    DecisionInput {
                        version: current.version,
                        level: Some(level),
                        reason: Some("Theo kết quả bỏ phiếu của chi bộ và quy định".into()),
                        exceptional_share: None,
                        document: None,
                    },
                )
                .await;
            if decided.is_ok() {
                cycle.decided += 1;
            }
        }
    }
    Ok(cycle)
}

/// A demonstration account, as `kiemdiem serve --demo` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct DemoAccount {
    pub login: String,
    pub role: &'static str,
    pub place: String,
    /// The member the account is, when it is a member's.
    pub member: Option<String>,
}

/// One account per role for the demo (demo mode only): the administrator; the district's board,
/// standing committee and inspection committee; the grassroots committee and a participating
/// body; the secretary, a committee member and three members of the branch about to meet (linked
/// to their member records, so they vote). All share `password`.
pub async fn demo_accounts(
    app: &App,
    cycle: &DemoCycle,
    password: &str,
) -> Result<Vec<DemoAccount>> {
    use crate::access::Role;
    use crate::accounts::{NewAccount, RoleGrant};
    let system = Actor::system("demo");
    let today = app.today();
    let branch = *cycle
        .branches
        .get(1)
        .or(cycle.branches.first())
        .ok_or_else(|| AppError::internal("dữ liệu mẫu không có chi bộ"))?;
    let mut tx = app.store().read().await?;
    let name_of = async |tx: &mut kiemdiem_store::Tx, org: Uuid| -> Result<String> {
        Ok(tx.org_name(org, today).await?.unwrap_or_default())
    };
    let district = cycle.plan.org_id;
    let district_name = name_of(&mut tx, district).await?;
    let grassroots_name = name_of(&mut tx, cycle.grassroots).await?;
    let branch_name = name_of(&mut tx, branch).await?;
    let positions = tx.positions_in_org(branch, today).await?;
    let members = tx
        .members_of_branch(branch, MembershipKind::Official, today)
        .await?;
    drop(tx);
    // Members reviewed and classified this year, so that the demo's members can play it through
    // (the secretary and the deputy hold their posts whatever their own review).
    let classified: Vec<Uuid> = app
        .subjects(&system, cycle.plan.id, Some(&[branch]))
        .await?
        .into_iter()
        .filter(|s| s.participation == Participation::ReviewAndClassify)
        .filter_map(|s| s.member)
        .collect();
    let holder = |kind: kiemdiem_rules::PositionKind| {
        positions
            .iter()
            .filter(|p| p.kind == kind)
            .find_map(|p| match p.holder {
                kiemdiem_store::leadership::Holder::Member(id) => Some(id),
                kiemdiem_store::leadership::Holder::Leader(_) => None,
            })
    };
    let secretary = holder(kiemdiem_rules::PositionKind::Secretary);
    let deputy = holder(kiemdiem_rules::PositionKind::DeputySecretary)
        .or_else(|| holder(kiemdiem_rules::PositionKind::CommitteeMember));
    let ordinary: Vec<&kiemdiem_store::people::Member> = members
        .iter()
        .filter(|m| Some(m.id) != secretary && Some(m.id) != deputy && classified.contains(&m.id))
        .take(3)
        .collect();
    let member_name = |id: Option<Uuid>| {
        id.and_then(|id| members.iter().find(|m| m.id == id))
            .map(|m| m.details.full_name.clone())
    };
    /// One account to create: login, what the role is called, the role, its node, where, member.
    struct Planned {
        login: String,
        role_name: &'static str,
        role: Role,
        node: Option<Uuid>,
        place: String,
        member: Option<Uuid>,
    }
    let planned = |login: &str, role_name, role, node, place: &str, member| Planned {
        login: login.to_string(),
        role_name,
        role,
        node,
        place: place.to_string(),
        member,
    };
    let mut plan = vec![
        planned(
            "quantri",
            "Quản trị hệ thống",
            Role::Admin,
            None,
            "toàn hệ thống",
            None,
        ),
        planned(
            "bantochuc",
            "Ban tổ chức",
            Role::Board,
            Some(district),
            &district_name,
            None,
        ),
        planned(
            "thuongvu",
            "Ban thường vụ",
            Role::Committee,
            Some(district),
            &district_name,
            None,
        ),
        planned(
            "ubkt",
            "Ủy ban kiểm tra",
            Role::Inspection,
            Some(district),
            &district_name,
            None,
        ),
        planned(
            "danguy",
            "Đảng ủy cơ sở",
            Role::Committee,
            Some(cycle.grassroots),
            &grassroots_name,
            None,
        ),
        planned(
            "mttq",
            "Chủ thể tham gia đánh giá",
            Role::ParticipatingBody,
            Some(cycle.grassroots),
            &grassroots_name,
            None,
        ),
    ];
    if secretary.is_some() {
        plan.push(planned(
            "bithu",
            "Bí thư chi bộ",
            Role::BranchSecretary,
            Some(branch),
            &branch_name,
            secretary,
        ));
    }
    if deputy.is_some() {
        plan.push(planned(
            "chiuy",
            "Chi ủy viên",
            Role::BranchCommittee,
            Some(branch),
            &branch_name,
            deputy,
        ));
    }
    for (index, member) in ordinary.iter().enumerate() {
        plan.push(planned(
            &format!("dangvien{}", index + 1),
            "Đảng viên",
            Role::Member,
            Some(branch),
            &branch_name,
            Some(member.id),
        ));
    }
    let mut out = Vec::with_capacity(plan.len());
    for Planned {
        login,
        role_name,
        role,
        node,
        place,
        member,
    } in plan
    {
        app.create_account(
            &system,
            NewAccount {
                login: login.clone(),
                display_name: member_name(member)
                    .unwrap_or_else(|| format!("{role_name} — {place}")),
                member,
                org: node,
                password: Some(password.to_string()),
            },
        )
        .await?;
        // A member's account already holds the member role on their branch.
        if role != Role::Member {
            app.grant_role(
                &system,
                &login,
                RoleGrant {
                    role,
                    org: node,
                    valid_from: None,
                    valid_to: None,
                },
            )
            .await?;
        }
        out.push(DemoAccount {
            login,
            role: role_name,
            place,
            member: member_name(member),
        });
    }
    Ok(out)
}

/// Records the facts of an ordinary year for `subject`, from the committee's yearly report.
async fn record_plain_year(app: &App, office: &Actor, subject: &Subject, day: Date) -> Result<()> {
    use crate::gathered::{DocumentRef, FactInput};
    for value in crate::gathered::plain_year(subject.kind) {
        app.record_subject_fact(
            office,
            subject.id,
            FactInput {
                value,
                document: DocumentRef {
                    number: "01-BC/CU".into(),
                    date: day,
                    issuer: "Cấp ủy (dữ liệu mẫu)".into(),
                },
                note: String::new(),
            },
        )
        .await?;
    }
    Ok(())
}
