//! What a leader leads and heads (cán bộ lãnh đạo, quản lý — a `leader` subject, or a member
//! holding a post): the facts behind QĐ 366's leader rules (the units they directly lead:
//! their task results and levels) and seed 003's "the head is not rated above the unit".
//!
//! Found from the person's posts on the plan's review date, in the plan's subtree:
//!
//! - a post that directly leads (bí thư, phó bí thư, người đứng đầu, cấp phó) leads one unit: the
//!   party organisation the post is in, else the collective it is in (a UBND, a unit's leadership);
//! - a head's post (bí thư, người đứng đầu) heads both the organisation and the collective it is
//!   in ("tập thể lãnh đạo, quản lý và tổ chức, cơ quan, đơn vị do mình đứng đầu");
//! - each unit is the subject of that organisation or collective in the plans of the period
//!   (a lower plan may cover it), if it is classified; its decided level and its task results
//!   are what the rules see;
//! - the secretary of a residential-area branch (chi bộ thôn, tổ dân phố: the organisation's
//!   `residential` mark) who is not a civil servant is the village-secretary exception;
//! - a head who moved in during the evaluated period and had no part in the unit's result is
//!   declared per unit, with the reason, by [`App::declare_head_moved_in`]: the day the post
//!   started must fall after the first day of the plan's period (no number of months is assumed;
//!   whether the head had a part is the competent level's judgement, recorded with its reason).
//!
//! Every rule about these facts is the rules crate's (`classify`); this module only gathers.

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, ErrorCode, Result};
use crate::plan::{Plan, load_plan, load_subject, require_status};
use kiemdiem_rules::SubjectKind;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::facts::{HeadedUnit, LedUnit, TaskResults};
use kiemdiem_rules::{Citation, PositionKind};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::plan::SubjectRow;
use kiemdiem_store::leadership::{CollectiveKind, Holder};
use serde::Serialize;
use std::collections::HashSet;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A body led or headed through one post.
#[derive(Debug, Clone)]
pub(crate) struct Body {
    /// The body's subject in the plans of the period.
    pub subject: SubjectRow,
    /// The day the post started.
    pub post_from: Date,
}

/// What a leader leads and heads in the plan's subtree.
#[derive(Debug, Clone, Default)]
pub(crate) struct Leadership {
    pub led: Vec<Body>,
    pub headed: Vec<Body>,
    pub village_secretary_not_civil_servant: bool,
}

/// Posts that directly lead the body they are in.
fn leads(kind: PositionKind) -> bool {
    matches!(
        kind,
        PositionKind::Secretary
            | PositionKind::DeputySecretary
            | PositionKind::UnitHead
            | PositionKind::UnitDeputy
    )
}

/// The members who directly lead `org` on `on` (bí thư, phó bí thư, người đứng đầu, cấp phó), by a
/// post in the organisation or in its party committee: they are rated after it.
pub(crate) async fn members_leading(tx: &mut Tx, org: Uuid, on: Date) -> Result<HashSet<Uuid>> {
    let mut posts = tx.positions_in_org(org, on).await?;
    for collective in tx.collectives_of_org(org, on).await? {
        if matches!(
            collective.kind,
            CollectiveKind::PartyCommittee | CollectiveKind::PartyStandingCommittee
        ) {
            posts.extend(tx.collective_members(collective.id, on).await?);
        }
    }
    Ok(posts
        .into_iter()
        .filter(|p| leads(p.kind))
        .filter_map(|p| match p.holder {
            Holder::Member(member) => Some(member),
            Holder::Leader(_) => None,
        })
        .collect())
}

/// The bodies `subject` leads and heads, when it is a leader or a member holding a post.
pub(crate) async fn leadership(
    tx: &mut Tx,
    plan: &Plan,
    subject: &SubjectRow,
) -> Result<Leadership> {
    let kind = subject.kind;
    let mut out = Leadership::default();
    if !kind.holds_post() {
        return Ok(out);
    }
    let holder = match (subject.member_id, subject.leader_id) {
        (Some(member), _) => Holder::Member(member),
        (None, Some(leader)) => Holder::Leader(leader),
        (None, None) => return Ok(out),
    };
    let on = plan.review_date;
    let posts: Vec<_> = tx
        .positions_of(holder, on)
        .await?
        .into_iter()
        .filter(|p| leads(p.kind))
        .collect();
    if posts.is_empty() {
        return Ok(out);
    }
    // The organisation of each post's collective, and whether it lies in the plan's subtree.
    let mut collective_org = Vec::new();
    for post in &posts {
        let org = match post.collective {
            Some(id) => tx.collective(id).await?.map(|c| c.org),
            None => None,
        };
        collective_org.push(org);
    }
    let mut units: Vec<Uuid> = posts
        .iter()
        .zip(&collective_org)
        .flat_map(|(p, c)| p.org.into_iter().chain(*c))
        .collect();
    units.sort();
    units.dedup();
    let mut in_subtree = HashSet::new();
    for unit in &units {
        if tx
            .org_ancestors(*unit, on)
            .await?
            .iter()
            .any(|a| a.id == plan.org_id)
        {
            in_subtree.insert(*unit);
        }
    }
    units.retain(|u| in_subtree.contains(u));
    let rows: Vec<SubjectRow> = tx
        .family_subjects(plan.id, &units)
        .await?
        .into_iter()
        .filter(|r| r.participation == Participation::ReviewAndClassify)
        .collect();
    let org_subject = |org: Uuid| {
        rows.iter()
            .find(|r| r.kind == SubjectKind::Organisation && r.org_id == Some(org))
            .cloned()
    };
    let collective_subject = |collective: Uuid| {
        rows.iter()
            .find(|r| r.kind == SubjectKind::Collective && r.collective_id == Some(collective))
            .cloned()
    };
    let mut led_seen = HashSet::new();
    let mut headed_seen = HashSet::new();
    for (post, c_org) in posts.iter().zip(&collective_org) {
        let org = post.org.filter(|o| in_subtree.contains(o));
        let collective = post
            .collective
            .filter(|_| c_org.is_some_and(|o| in_subtree.contains(&o)));
        let by_org = org.and_then(org_subject);
        let by_collective = collective.and_then(collective_subject);
        let body = |subject: SubjectRow| Body {
            subject,
            post_from: post.valid_from,
        };
        if let Some(led) = by_org.clone().or_else(|| by_collective.clone())
            && led_seen.insert(led.id)
        {
            out.led.push(body(led));
        }
        if post.is_head() {
            for headed in by_org.into_iter().chain(by_collective) {
                if headed_seen.insert(headed.id) {
                    out.headed.push(body(headed));
                }
            }
        }
        if post.kind == PositionKind::Secretary
            && let (Some(org), Holder::Member(member)) = (org, holder)
            && let Some(branch) = tx.org_as_of(org, on).await?
            && branch.kind.is_branch()
            && branch.residential
            && tx
                .member_as_of(member, on)
                .await?
                .is_some_and(|m| !m.details.civil_servant)
        {
            out.village_secretary_not_civil_servant = true;
        }
    }
    Ok(out)
}

/// The task results of a subject: an organisation's parts summed (before/after a change, units of
/// a joint branch), else those entered with its verification or self-evaluation.
pub(crate) async fn subject_tasks(
    tx: &mut Tx,
    subject: &SubjectRow,
) -> Result<Option<TaskResults>> {
    let evaluations = tx.evaluations(subject.id).await?;
    let mut tasks = crate::facts::tasks_of(&evaluations);
    if subject.kind == SubjectKind::Organisation {
        let parts = tx.subject_parts(subject.id).await?;
        let summed = parts.iter().try_fold(None::<TaskResults>, |acc, p| {
            let part = TaskResults {
                assigned: u32::try_from(p.tasks_assigned?).ok()?,
                completed: u32::try_from(p.tasks_completed?).ok()?,
                on_time: u32::try_from(p.tasks_on_time?).ok()?,
                exceeded: u32::try_from(p.tasks_exceeded?).ok()?,
            };
            Some(Some(match acc {
                None => part,
                Some(a) => TaskResults {
                    assigned: a.assigned + part.assigned,
                    completed: a.completed + part.completed,
                    on_time: a.on_time + part.on_time,
                    exceeded: a.exceeded + part.exceeded,
                },
            }))
        });
        if let Some(Some(total)) = summed {
            tasks = Some(total);
        }
    }
    Ok(tasks)
}

/// The led units and headed units as the rules crate's facts.
pub(crate) async fn unit_facts(
    tx: &mut Tx,
    plan: &Plan,
    subject: &SubjectRow,
    leadership: &Leadership,
) -> Result<(Vec<LedUnit>, Vec<HeadedUnit>)> {
    let mut led = Vec::new();
    for body in &leadership.led {
        led.push(LedUnit {
            name: body.subject.name.clone(),
            level: body.subject.level,
            tasks: subject_tasks(tx, &body.subject).await?,
            disciplined: false,
        });
    }
    let start = plan.period.first_day(plan.year)?;
    let declared = tx.heads_moved_in(subject.id).await?;
    let mut headed = Vec::new();
    for body in &leadership.headed {
        headed.push(HeadedUnit {
            name: body.subject.name.clone(),
            level: body.subject.level,
            moved_in_without_part: body.post_from > start
                && declared
                    .iter()
                    .any(|d| d.unit_subject_id == body.subject.id),
        });
    }
    Ok((led, headed))
}

/// A declaration that a head moved in without a part in the unit's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeadMovedIn {
    /// The head's subject.
    pub subject: Uuid,
    /// The unit's subject (the organisation or collective headed).
    pub unit: Uuid,
    pub unit_name: String,
    /// The day the head's post in the unit started.
    pub post_from: Date,
    pub reason: String,
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl App {
    /// Records, for the seed 003 exception ("cá nhân chuyển đến là người đứng đầu mà không liên
    /// quan đến mức xếp loại của tổ chức, cơ quan, đơn vị mới"), that the head `subject` moved into
    /// the unit `unit` (the subject of an organisation or collective they head) and had no part in
    /// its result, with the reason. Refused unless the plan's rule book has that exception, the
    /// unit is one the subject heads, and the post started after the period began.
    pub async fn declare_head_moved_in(
        &self,
        actor: &Actor,
        subject: Uuid,
        unit: Uuid,
        reason: &str,
    ) -> Result<HeadMovedIn> {
        let who = self
            .authorize(actor, Action::Verify, Scope::Subject(subject))
            .await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid(
                "reason",
                "Phải ghi rõ căn cứ xác định người đứng đầu không liên quan đến kết quả của đơn vị",
            ));
        }
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        require_status(&plan, "open", "ghi nhận người đứng đầu chuyển đến")?;
        if row.stage.decided() {
            return Err(AppError::conflict(
                "Đối tượng đã được quyết định xếp loại: điều chỉnh bằng xếp loại lại",
            ));
        }
        let book = plan.book()?;
        let Some(rule) = book
            .local
            .as_ref()
            .and_then(|l| l.head_not_above_unit.as_ref())
            .filter(|r| r.except_moved_in_without_part)
        else {
            return Err(AppError::conflict(
                "Quy định áp dụng cho kế hoạch này không có ngoại lệ người đứng đầu chuyển đến (mức của người đứng đầu không bị giới hạn theo đơn vị)",
            ));
        };
        let citation = Citation::new("local.head_not_above_unit", rule.source.clone());
        let leadership = leadership(&mut tx, &plan, &row).await?;
        let Some(body) = leadership.headed.iter().find(|b| b.subject.id == unit) else {
            return Err(AppError::invalid(
                "unit_id",
                format!(
                    "{} không đứng đầu tổ chức, tập thể này (theo chức vụ đang giữ ngày {})",
                    row.name,
                    crate::date_vi(plan.review_date)
                ),
            ));
        };
        let start = plan.period.first_day(plan.year)?;
        if body.post_from <= start {
            return Err(AppError::new(
                ErrorCode::RuleRefused,
                format!(
                    "{} giữ chức vụ người đứng đầu {} từ ngày {}, trước khi kỳ đánh giá bắt đầu ({}): không thuộc trường hợp chuyển đến",
                    row.name,
                    body.subject.name,
                    crate::date_vi(body.post_from),
                    crate::date_vi(start)
                ),
            )
            .with_field("unit_id")
            .with_citation(citation));
        }
        tx.put_head_moved_in(subject, unit, body.post_from, reason)
            .await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("subject.head_moved_in", "subject", subject)
                .reason(Some(reason.to_owned()))
                .detail(serde_json::json!({
                    "unit": unit, "unit_name": body.subject.name, "post_from": body.post_from,
                })),
        )
        .await?;
        let view = HeadMovedIn {
            subject,
            unit,
            unit_name: body.subject.name.clone(),
            post_from: body.post_from,
            reason: reason.to_owned(),
            by: who.actor.user.clone(),
            at: tx.stamp()?.at,
        };
        tx.commit().await?;
        Ok(view)
    }

    /// The units a head is declared to have moved into without a part in their result.
    pub async fn heads_moved_in(&self, actor: &Actor, subject: Uuid) -> Result<Vec<HeadMovedIn>> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        // An unknown subject is not an empty list.
        crate::plan::load_subject(&mut tx, subject).await?;
        let mut out = Vec::new();
        for row in tx.heads_moved_in(subject).await? {
            let unit_name = tx
                .subject(row.unit_subject_id)
                .await?
                .map(|s| s.name)
                .unwrap_or_default();
            out.push(HeadMovedIn {
                subject: row.subject_id,
                unit: row.unit_subject_id,
                unit_name,
                post_from: row.post_from,
                reason: row.reason,
                by: row.changed_by,
                at: row.changed_at,
            });
        }
        Ok(out)
    }
}
