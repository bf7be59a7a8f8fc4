//! Rewards and flags from the history (khen thưởng; RULES.md §8): a member's or an
//! organisation's levels over the years gathered across the tree's changes — a member in whichever
//! branch rated them (a transfer changes nothing), an organisation through the organisations it
//! came from (the sources of the merger or split that created it) for the years before it had
//! its own results — from the system's yearly plans and from the archives (`past_levels`);
//! the rules crate's `history` reads them, `rewards::propose` says whether an award may be
//! proposed, who gives it, or which year breaks the run. The branch's attention list (two years
//! of KHTNV: education and help first, HD 02-HD/BTCTW 2021) is listed, never acted on.

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use kiemdiem_rules::history::{Flag, HistoryAnswer, YearLevel, history};
use kiemdiem_rules::rewards::{AwardKind, Proposal, Refusal, propose};
use kiemdiem_rules::vocabulary::{parse_level, to_current, vocabulary};
use kiemdiem_rules::{Level, RuleBook, RuleSetId, SubjectKind};
use kiemdiem_store::Tx;
pub use kiemdiem_store::rewards::Rated;
use kiemdiem_store::rewards::{NewAwardProposal, NewPastLevel};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, Month};
use uuid::Uuid;

/// How far back the predecessors of predecessors are followed.
const PREDECESSOR_DEPTH: usize = 6;

/// Where one year's level comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearSource {
    pub year: i32,
    /// The level's code in the year's vocabulary.
    pub level: String,
    pub level_name: String,
    pub rule_set: RuleSetId,
    /// `decided` (a yearly plan of the system) or `archive` (recorded from the archives).
    pub origin: &'static str,
    /// Where it was rated: a member's branch, or the organisation (a predecessor's code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rated_in: Option<OrgName>,
    /// For an organisation's year before a merger or split: how the level reaches it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub through: Option<String>,
}

/// An organisation as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgName {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

/// An award asked about: the proposal the rules allow, or the refusal naming the years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwardAnswer {
    pub eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal: Option<Proposal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Refusal>,
}

impl AwardAnswer {
    fn from(result: std::result::Result<Proposal, Refusal>) -> AwardAnswer {
        match result {
            Ok(p) => AwardAnswer {
                eligible: true,
                proposal: Some(p),
                refusal: None,
            },
            Err(r) => AwardAnswer {
                eligible: false,
                proposal: None,
                refusal: Some(r),
            },
        }
    }
}

/// A member's or an organisation's results over the years, read for `year`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultsHistory {
    /// `member` or `org`.
    pub holder: &'static str,
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub year: i32,
    /// Where each year's level comes from, oldest first.
    pub sources: Vec<YearSource>,
    /// The rules' reading: the years compared, the flags, the awards' eligibility.
    pub history: HistoryAnswer,
    pub year_award: AwardAnswer,
    pub consecutive_award: AwardAnswer,
}

/// A level of an earlier year from the archives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PastLevelInput {
    pub year: i32,
    /// The level's code in that year's vocabulary (`TSVM` in 2015, `HTXSNV` from 2018).
    pub level: String,
    /// The rule set the year was decided under; the year's default when absent.
    #[serde(default)]
    pub rule_set: Option<RuleSetId>,
    /// Where a member was rated that year (their branch then).
    #[serde(default)]
    pub rated_in: Option<Uuid>,
    /// The document it comes from (số, ngày quyết định hoặc báo cáo kết quả).
    pub source: String,
}

/// An award proposal as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwardProposalView {
    pub id: Uuid,
    /// `member` or `org`.
    pub holder: &'static str,
    pub holder_id: Uuid,
    pub year: i32,
    pub award: AwardKind,
    pub title: String,
    pub proposed_by: Uuid,
    pub basis: serde_json::Value,
    pub by: String,
}

/// A member listed for the branch's attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttentionItem {
    pub member: Uuid,
    pub code: String,
    pub name: String,
    /// The branch that rated the member in the year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<OrgName>,
    pub flags: Vec<Flag>,
}

/// The subject kind whose vocabulary a holder's levels are read in.
fn kind_of(rated: Rated) -> SubjectKind {
    match rated {
        Rated::Member(_) => SubjectKind::MemberWithoutPost,
        Rated::Org(_) => SubjectKind::Organisation,
    }
}

fn last_day(year: i32) -> Date {
    Date::from_calendar_date(year, Month::December, 31).unwrap_or(Date::MIN)
}

async fn org_name(tx: &mut Tx, id: Uuid) -> Result<Option<OrgName>> {
    Ok(tx.org_history(id).await?.pop().map(|o| OrgName {
        id: o.id,
        code: o.code,
        name: o.name,
    }))
}

/// The rank a level code of `rule_set` compares with, for `kind`.
fn rank(rule_set: RuleSetId, kind: SubjectKind, code: &str) -> Option<Level> {
    parse_level(rule_set, kind, code)
        .ok()
        .map(|l| to_current(vocabulary(rule_set, kind), l).to.rank)
}

/// The holder's own years: decided in the system (which win) and from the archives; where a
/// member was rated in two places in one year, the lower level counts.
async fn own_years(tx: &mut Tx, rated: Rated) -> Result<BTreeMap<i32, YearSource>> {
    let kind = kind_of(rated);
    let mut years: BTreeMap<i32, YearSource> = BTreeMap::new();
    for past in tx.past_levels(rated).await? {
        let r = past.record;
        let Some(rule_set) = RuleSetId::parse(&r.rule_set) else {
            continue;
        };
        let Ok(level) = parse_level(rule_set, kind, &r.level) else {
            continue;
        };
        let rated_in = match r.rated_in {
            Some(id) => org_name(tx, id).await?,
            None => None,
        };
        years.insert(
            r.year as i32,
            YearSource {
                year: r.year as i32,
                level: level.code.to_owned(),
                level_name: level.name.to_owned(),
                rule_set,
                origin: "archive",
                rated_in,
                through: None,
            },
        );
    }
    let mut decided: BTreeMap<i32, YearSource> = BTreeMap::new();
    for d in tx.decided_levels(rated).await? {
        let Some(rule_set) = RuleSetId::parse(&d.rule_set) else {
            continue;
        };
        let Some(stored) = Level::parse(&d.level) else {
            continue;
        };
        let level = vocabulary(rule_set, kind).of(stored);
        let year = d.year as i32;
        if let Some(seen) = decided.get(&year)
            && rank(seen.rule_set, kind, &seen.level).is_some_and(|r| r <= stored)
        {
            continue;
        }
        let rated_in = org_name(tx, d.unit_id).await?;
        decided.insert(
            year,
            YearSource {
                year,
                level: level.code.to_owned(),
                level_name: level.name.to_owned(),
                rule_set,
                origin: "decided",
                rated_in,
                through: None,
            },
        );
    }
    years.extend(decided);
    Ok(years)
}

/// An organisation's years, its own and, for the years it has none up to the year of the change
/// that created it, its predecessors' — every source of the change must have a level that year
/// and the lowest counts (reading: the run holds only if each organisation merged held it).
async fn org_years(tx: &mut Tx, org: Uuid) -> Result<BTreeMap<i32, YearSource>> {
    let mut result = own_years(tx, Rated::Org(org)).await?;
    let mut frontier = vec![(org, 0usize)];
    let kind = SubjectKind::Organisation;
    while let Some((current, depth)) = frontier.pop() {
        if depth >= PREDECESSOR_DEPTH {
            continue;
        }
        let predecessors = tx.org_predecessors(current).await?;
        let mut events: BTreeMap<(Date, String), Vec<Uuid>> = BTreeMap::new();
        for p in predecessors {
            events
                .entry((p.effective_on, p.kind))
                .or_default()
                .push(p.org_id);
        }
        for ((on, change), sources) in events {
            let mut per_source = Vec::new();
            for source in &sources {
                let years = own_years(tx, Rated::Org(*source)).await?;
                let name = org_name(tx, *source).await?;
                per_source.push((years, name));
            }
            let candidates: Vec<i32> = per_source
                .iter()
                .flat_map(|(y, _)| y.keys().copied())
                .filter(|y| *y <= on.year())
                .collect();
            for year in candidates {
                if result.contains_key(&year) {
                    continue;
                }
                let mut lowest: Option<(Level, YearSource)> = None;
                let mut complete = true;
                for (years, _) in &per_source {
                    match years.get(&year) {
                        Some(source) => {
                            let Some(r) = rank(source.rule_set, kind, &source.level) else {
                                complete = false;
                                continue;
                            };
                            if lowest.as_ref().is_none_or(|(l, _)| r < *l) {
                                lowest = Some((r, source.clone()));
                            }
                        }
                        None => complete = false,
                    }
                }
                if let (true, Some((_, mut source))) = (complete, lowest) {
                    let names: Vec<String> = per_source
                        .iter()
                        .filter_map(|(_, n)| n.as_ref().map(|n| n.code.clone()))
                        .collect();
                    source.through = Some(format!(
                        "{} từ {} ngày {}",
                        if change == "merge" {
                            "Hợp nhất, sáp nhập"
                        } else {
                            "Chia tách"
                        },
                        names.join(", "),
                        crate::date_vi(on)
                    ));
                    result.insert(year, source);
                }
            }
            frontier.extend(sources.into_iter().map(|s| (s, depth + 1)));
        }
    }
    Ok(result)
}

async fn years_of(tx: &mut Tx, rated: Rated) -> Result<Vec<YearSource>> {
    Ok(match rated {
        Rated::Member(_) => own_years(tx, rated).await?,
        Rated::Org(org) => org_years(tx, org).await?,
    }
    .into_values()
    .collect())
}

/// The rule book of `year` (national).
fn book_of(year: i32) -> Result<RuleBook> {
    let id = RuleSetId::for_year(year)
        .ok_or_else(|| AppError::invalid("year", format!("Không có bộ quy tắc cho năm {year}")))?;
    Ok(RuleBook::national(id))
}

impl App {
    /// The scope and the name of a holder.
    async fn holder(&self, rated: Rated) -> Result<(Scope, String, String)> {
        let mut tx = self.store().read().await?;
        match rated {
            Rated::Member(id) => {
                let member = tx
                    .member_latest(id)
                    .await?
                    .ok_or_else(|| AppError::not_found("đảng viên", id))?;
                Ok((Scope::Member(id), member.code, member.details.full_name))
            }
            Rated::Org(id) => {
                let org = org_name(&mut tx, id)
                    .await?
                    .ok_or_else(|| AppError::not_found("tổ chức", id))?;
                Ok((Scope::Org(id), org.code, org.name))
            }
        }
    }

    /// The holder's results over the years, read for `year`: where each comes from, the rules'
    /// flags, and whether the year's and the consecutive years' awards may be proposed.
    pub async fn results_history(
        &self,
        actor: &Actor,
        rated: Rated,
        year: i32,
    ) -> Result<ResultsHistory> {
        let (scope, code, name) = self.holder(rated).await?;
        self.authorize(actor, Action::Read, scope).await?;
        let mut tx = self.store().read().await?;
        let sources = years_of(&mut tx, rated).await?;
        drop(tx);
        read_history(rated, code, name, year, sources)
    }

    /// Records a level of an earlier year from the archives (one for the same year is replaced),
    /// checked against that year's vocabulary.
    pub async fn record_past_level(
        &self,
        actor: &Actor,
        rated: Rated,
        input: PastLevelInput,
    ) -> Result<Uuid> {
        let (scope, _, _) = self.holder(rated).await?;
        let who = self.authorize(actor, Action::ManageRecords, scope).await?;
        let rule_set = match input.rule_set {
            Some(id) => id,
            None => RuleSetId::for_year(input.year).ok_or_else(|| {
                AppError::invalid(
                    "year",
                    format!("Không có bộ quy tắc cho năm {}", input.year),
                )
            })?,
        };
        if input.year > self.today().year() {
            return Err(AppError::invalid(
                "year",
                format!("Năm {} chưa qua", input.year),
            ));
        }
        let level = parse_level(rule_set, kind_of(rated), &input.level)
            .map_err(|e| AppError::invalid("level", format!("Năm {}: {e}", input.year)))?;
        let source: String = {
            use unicode_normalization::UnicodeNormalization;
            input.source.trim().nfc().collect()
        };
        if source.is_empty() {
            return Err(AppError::invalid(
                "source",
                "Phải ghi văn bản ghi nhận kết quả (số, ngày quyết định hoặc báo cáo)",
            ));
        }
        let mut tx = self.begin(&who).await?;
        if let Some(org) = input.rated_in
            && tx.org_as_of(org, last_day(input.year)).await?.is_none()
            && tx.org_history(org).await?.is_empty()
        {
            return Err(AppError::not_found("tổ chức", org).with_field("rated_in"));
        }
        let id = tx
            .record_past_level(
                rated,
                &NewPastLevel {
                    year: i64::from(input.year),
                    level: level.code.to_owned(),
                    rule_set: rule_set.code().to_owned(),
                    rated_in: input.rated_in,
                    source: source.clone(),
                },
            )
            .await?;
        let (entity, entity_id) = rated.entity();
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("history.record_past_level", entity, entity_id).detail(
                serde_json::json!({
                    "id": id, "year": input.year, "level": level.code, "rule_set": rule_set,
                    "rated_in": input.rated_in, "source": source,
                }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Proposes the holder for the year's or the consecutive years' award: refused, naming each
    /// year that breaks the run and the rule, when the history does not allow it. A member is
    /// proposed by their branch of the year (its committee or secretary), an organisation by the
    /// organisation above it.
    pub async fn propose_award(
        &self,
        actor: &Actor,
        rated: Rated,
        year: i32,
        award: AwardKind,
    ) -> Result<AwardProposalView> {
        let (_, code, name) = self.holder(rated).await?;
        let on = last_day(year).min(self.today());
        let mut read = self.store().read().await?;
        let proposer = match rated {
            Rated::Member(id) => read
                .branch_of(id, kiemdiem_store::people::MembershipKind::Official, on)
                .await?
                .ok_or_else(|| {
                    AppError::invalid(
                        "member",
                        format!(
                            "{name} không sinh hoạt ở chi bộ nào vào ngày {}",
                            crate::date_vi(on)
                        ),
                    )
                })?,
            Rated::Org(id) => read
                .org_as_of(id, on)
                .await?
                .and_then(|o| o.parent_id)
                .ok_or_else(|| {
                    AppError::invalid(
                        "org",
                        format!(
                            "{name} không có tổ chức cấp trên vào ngày {}",
                            crate::date_vi(on)
                        ),
                    )
                })?,
        };
        drop(read);
        let who = self
            .authorize(actor, Action::Propose, Scope::Org(proposer))
            .await?;
        let mut tx = self.begin(&who).await?;
        let sources = years_of(&mut tx, rated).await?;
        let answer = read_history(rated, code, name.clone(), year, sources)?;
        let chosen = match award {
            AwardKind::Year => &answer.year_award,
            AwardKind::Consecutive => &answer.consecutive_award,
        };
        let proposal = match (&chosen.proposal, &chosen.refusal) {
            (Some(p), _) => p.clone(),
            (None, Some(refusal)) => {
                let years: Vec<String> = refusal.broken.iter().map(|b| b.reason.clone()).collect();
                return Err(AppError::rule(
                    format!(
                        "Không đề nghị được «{}» cho {name}: {}",
                        refusal.award,
                        years.join("; ")
                    ),
                    refusal.citations.clone(),
                )
                .with_field("year")
                .with_details(refusal));
            }
            (None, None) => return Err(AppError::internal("khen thưởng: không có câu trả lời")),
        };
        let basis = serde_json::json!({ "proposal": proposal, "years": answer.sources });
        let id = tx
            .insert_award_proposal(&NewAwardProposal {
                rated,
                year: i64::from(year),
                award: award.code().to_owned(),
                title: proposal.award.clone(),
                proposed_by: proposer,
                basis: basis.to_string(),
            })
            .await?
            .ok_or_else(|| {
                AppError::conflict(format!(
                    "«{}» năm {year} đã được đề nghị cho {name}",
                    proposal.award
                ))
            })?;
        let (entity, entity_id) = rated.entity();
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("award.propose", entity, entity_id).detail(serde_json::json!({
                "id": id, "year": year, "award": award, "title": proposal.award,
                "proposed_by": proposer, "givers": proposal.givers,
            })),
        )
        .await?;
        let by = tx.stamp()?.by.clone();
        tx.commit().await?;
        Ok(AwardProposalView {
            id,
            holder: entity,
            holder_id: entity_id,
            year,
            award,
            title: proposal.award,
            proposed_by: proposer,
            basis,
            by,
        })
    }

    /// The award proposals `org` made for `year`.
    pub async fn award_proposals(
        &self,
        actor: &Actor,
        org: Uuid,
        year: i32,
    ) -> Result<Vec<AwardProposalView>> {
        self.authorize(actor, Action::Read, Scope::Org(org)).await?;
        let mut tx = self.store().read().await?;
        Ok(tx
            .award_proposals_by(org, i64::from(year))
            .await?
            .into_iter()
            .map(|p| {
                let (holder, holder_id) = p.record.rated.entity();
                AwardProposalView {
                    id: p.id,
                    holder,
                    holder_id,
                    year: p.record.year as i32,
                    award: AwardKind::parse(&p.record.award).unwrap_or(AwardKind::Year),
                    title: p.record.title,
                    proposed_by: p.record.proposed_by,
                    basis: serde_json::from_str(&p.record.basis).unwrap_or_default(),
                    by: p.changed_by,
                }
            })
            .collect())
    }

    /// The members of `org`'s subtree rated KHTNV in `year` and the year before (by the system
    /// or the archives): listed for the branch's attention — education and help first (HD
    /// 02-HD/BTCTW 2021 Mục II.1); nothing is done to them automatically.
    pub async fn attention_list(
        &self,
        actor: &Actor,
        org: Uuid,
        year: i32,
    ) -> Result<Vec<AttentionItem>> {
        self.authorize(actor, Action::Read, Scope::Org(org)).await?;
        let mut tx = self.store().read().await?;
        let on = last_day(year).min(self.today());
        let candidates = tx
            .members_rated_in_subtree(org, i64::from(year), on)
            .await?;
        let mut items = Vec::new();
        for (member, branch) in candidates {
            let sources = own_years(&mut tx, Rated::Member(member)).await?;
            let Some(this) = sources.get(&year) else {
                continue;
            };
            if rank(this.rule_set, SubjectKind::MemberWithoutPost, &this.level)
                != Some(Level::Khtnv)
            {
                continue;
            }
            let Some(person) = tx.member_latest(member).await? else {
                continue;
            };
            let sources: Vec<YearSource> = sources.into_values().collect();
            let answer = read_history(
                Rated::Member(member),
                person.code.clone(),
                person.details.full_name.clone(),
                year,
                sources,
            )?;
            let flags: Vec<Flag> = answer
                .history
                .flags
                .into_iter()
                .filter(|f| f.code == "khtnv_two_years")
                .collect();
            if flags.is_empty() {
                continue;
            }
            let branch = match branch {
                Some(b) => org_name(&mut tx, b).await?,
                None => None,
            };
            items.push(AttentionItem {
                member,
                code: person.code,
                name: person.details.full_name,
                branch,
                flags,
            });
        }
        items.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(items)
    }
}

/// Asks the rules about `sources` for `year`.
fn read_history(
    rated: Rated,
    code: String,
    name: String,
    year: i32,
    sources: Vec<YearSource>,
) -> Result<ResultsHistory> {
    let book = book_of(year)?;
    let kind = kind_of(rated);
    let entries: Vec<YearLevel> = sources
        .iter()
        .map(|s| YearLevel {
            year: s.year,
            level: s.level.clone(),
            rule_set: Some(s.rule_set),
        })
        .collect();
    if !sources.iter().any(|s| s.year == year) {
        return Err(AppError::new(
            crate::error::ErrorCode::OutOfOrder,
            format!("{name}: chưa có kết quả xếp loại năm {year}"),
        )
        .with_field("year"));
    }
    let answer =
        history(&book, kind, year, &entries).map_err(|e| AppError::invalid(e.field, e.problem))?;
    let year_award = AwardAnswer::from(propose(&book, kind, year, &answer, AwardKind::Year));
    let consecutive_award =
        AwardAnswer::from(propose(&book, kind, year, &answer, AwardKind::Consecutive));
    let (holder, id) = rated.entity();
    Ok(ResultsHistory {
        holder,
        id,
        code,
        name,
        year,
        sources,
        history: answer,
        year_award,
        consecutive_award,
    })
}
