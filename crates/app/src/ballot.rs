//! Secret ballots (bỏ phiếu kín) at a meeting: one ballot per meeting covering the subjects on
//! its agenda; the roll of present, entitled voters frozen at opening (`ballot::may_vote`:
//! probationary members cannot vote; the denominator of `ballot::denominator`); one paper per
//! voter, one vote per subject; at close the counts by `ballot::tally` and `ballot::outcome`,
//! stored per subject and written into the minutes. Paper ballots: the counting committee
//! enters the tallies instead, under the same rules.
//!
//! Secrecy (docs/ballot-secrecy.md): casting is one short transaction that marks the voter in
//! the roll and drops the paper — random v4 id, no voter, no time — in the urn, shared with the
//! papers arriving at the same moment (group commit: voters marked in member order, papers
//! inserted in paper-id order); it is never audited. Closing rewrites the roll, archives the papers in random order, empties the urn and
//! scrubs the engine's leftovers. Reports read the counts, never papers.

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, ErrorCode, Result};
use crate::evaluation::load_subject;
use crate::meeting::load_meeting;
use crate::plan::{load_plan, require_status};
use kiemdiem_rules::ballot::{
    BallotOutcome, Denominator, RollEntry, Tally, Vote, denominator, may_vote, outcome, tally,
};
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::{Citation, Level, StatusKind};
use kiemdiem_store::cycle::ballot::{BallotResultRow, BallotRow, CastOutcome, NewPaper, RollRow};
use kiemdiem_store::people::MembershipKind;
use kiemdiem_store::{Backend, Tx};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Mutex;
use time::OffsetDateTime;
use tokio::sync::oneshot;
use uuid::Uuid;

/// Papers cast in one transaction at most: large enough that a burst of voters is written in
/// a few transactions, small enough that the first of them are answered early.
const MAX_GROUP: usize = 128;

/// Papers waiting per running committer before another one is started (PostgreSQL).
const MIN_GROUP: usize = 8;

/// The papers waiting to be committed (group commit, see docs/ballot-secrecy.md) and whether a
/// committer task is running. Holds a paper only while its voter's request waits for the
/// answer: nothing stays in memory between requests, so servers stay stateless.
#[derive(Debug, Default)]
pub(crate) struct CastQueue {
    state: Mutex<QueueState>,
}

#[derive(Debug, Default)]
struct QueueState {
    waiting: Vec<PendingCast>,
    /// Committer tasks running.
    committers: usize,
}

#[derive(Debug)]
struct PendingCast {
    ballot: Uuid,
    voter: Uuid,
    votes: BTreeMap<Uuid, Vote>,
    reply: oneshot::Sender<Result<CastOutcome>>,
}

impl CastQueue {
    fn state(&self) -> std::sync::MutexGuard<'_, QueueState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues a paper; true when the caller must start a committer: none is running, or fewer
    /// than `committers` are and more papers wait than the running ones will take soon.
    fn push(&self, cast: PendingCast, committers: usize) -> bool {
        let mut state = self.state();
        state.waiting.push(cast);
        if state.committers == 0
            || (state.committers < committers && state.waiting.len() > MIN_GROUP * state.committers)
        {
            state.committers += 1;
            true
        } else {
            false
        }
    }

    /// The next group, or `None` (and the committer stops) when nobody waits.
    fn take(&self) -> Option<Vec<PendingCast>> {
        let mut state = self.state();
        if state.waiting.is_empty() {
            state.committers -= 1;
            return None;
        }
        let take = state.waiting.len().min(MAX_GROUP);
        Some(state.waiting.drain(..take).collect())
    }
}

/// Stops the committer cleanly if its task ends early (a panic): the waiting papers get a new
/// committer rather than waiting for the next voter.
struct CommitterGuard {
    app: Option<App>,
}

impl Drop for CommitterGuard {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            let restart = {
                let mut state = app.casts.state();
                let restart = !state.waiting.is_empty() && state.committers == 1;
                if !restart {
                    state.committers -= 1;
                }
                restart
            };
            if restart && let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(app.commit_casts());
            }
        }
    }
}

/// How the ballot is cast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BallotMode {
    /// Each voter casts a paper through the system.
    Electronic,
    /// Paper ballots counted by the counting committee (ban kiểm phiếu), which enters tallies.
    Paper,
}

impl BallotMode {
    fn code(self) -> &'static str {
        match self {
            BallotMode::Electronic => "electronic",
            BallotMode::Paper => "paper",
        }
    }
}

/// Who is summoned but not in the roll's defaults, given when opening.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollAdjustments {
    /// Members being prosecuted, indicted or in temporary detention.
    #[serde(default)]
    pub prosecuted_or_detained: Vec<Uuid>,
}

/// The result of one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectResult {
    pub subject: Uuid,
    pub name: String,
    pub tally: Tally,
    pub outcome: BallotOutcome,
}

/// A ballot as shown: never papers, never who voted when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ballot {
    pub id: Uuid,
    pub meeting: Uuid,
    pub mode: String,
    pub status: String,
    pub agenda: Vec<Uuid>,
    /// Entitled voters on the frozen roll, and how many of them have voted so far.
    pub entitled: u64,
    pub voted: u64,
    pub denominator: Option<Denominator>,
    pub papers_cast: i64,
    pub results: Vec<SubjectResult>,
    pub version: i64,
}

fn vote_code(vote: Vote) -> &'static str {
    match vote {
        Vote::For(level) => level.code(),
        Vote::Blank => "blank",
        Vote::Invalid => "invalid",
    }
}

fn parse_vote(code: &str) -> Vote {
    match code {
        "blank" => Vote::Blank,
        "invalid" => Vote::Invalid,
        other => Level::parse(other).map(Vote::For).unwrap_or(Vote::Invalid),
    }
}

async fn load_ballot_row(tx: &mut Tx, id: Uuid) -> Result<BallotRow> {
    tx.ballot(id)
        .await?
        .ok_or_else(|| AppError::not_found("cuộc bỏ phiếu", id))
}

async fn ballot_view(tx: &mut Tx, row: BallotRow) -> Result<Ballot> {
    let agenda = tx.ballot_agenda(row.id).await?;
    let roll = tx.ballot_roll(row.id).await?;
    let mut results = Vec::new();
    for r in tx.ballot_results(row.id).await? {
        let subject = load_subject(tx, r.subject_id).await?;
        results.push(SubjectResult {
            subject: r.subject_id,
            name: subject.name,
            tally: Tally {
                levels: kiemdiem_rules::facts::LevelCounts {
                    htxsnv: r.htxsnv as u32,
                    httnv: r.httnv as u32,
                    htnv: r.htnv as u32,
                    khtnv: r.khtnv as u32,
                },
                blank: r.blank as u32,
                invalid: r.invalid as u32,
            },
            outcome: match Level::parse(&r.outcome) {
                Some(level) => BallotOutcome::Level {
                    level,
                    votes: r.votes as u32,
                    base: r.base as u32,
                    citation: Citation::new("ballot.majority", r.message.clone()),
                },
                None => BallotOutcome::NoMajority {
                    base: r.base as u32,
                    message: r.message.clone(),
                    citation: Citation::new("ballot.majority", r.message),
                },
            },
        });
    }
    results.sort_by_key(|r| agenda.iter().position(|a| *a == r.subject));
    Ok(Ballot {
        id: row.id,
        meeting: row.meeting_id,
        mode: row.mode,
        status: row.status,
        agenda,
        entitled: roll.iter().filter(|r| r.entitled).count() as u64,
        voted: roll.iter().filter(|r| r.has_voted).count() as u64,
        denominator: serde_json::from_str(&row.denominator_detail).ok(),
        papers_cast: row.papers_cast,
        results,
        version: row.version,
    })
}

impl App {
    /// Prepares the ballot of a meeting over the subjects to be rated.
    pub async fn prepare_ballot(
        &self,
        actor: &Actor,
        meeting: Uuid,
        mode: BallotMode,
        agenda: Vec<Uuid>,
    ) -> Result<Ballot> {
        let who = self
            .authorize(actor, Action::RunBallot, Scope::Meeting(meeting))
            .await?;
        if agenda.is_empty() {
            return Err(AppError::invalid(
                "agenda",
                "Phiếu biểu quyết chưa có đối tượng nào",
            ));
        }
        let mut tx = self.begin(&who).await?;
        let current = load_meeting(&mut tx, meeting).await?;
        if current.status == "closed" {
            return Err(AppError::conflict(
                "Hội nghị đã kết thúc: bỏ phiếu tại hội nghị đang diễn ra",
            ));
        }
        let plan = load_plan(&mut tx, current.plan).await?;
        require_status(&plan, "open", "chuẩn bị bỏ phiếu")?;
        // Each subject is voted on once per meeting; again only after a round without a
        // majority (the branch votes again rather than leave the level to a default).
        let mut voted: BTreeMap<Uuid, (Uuid, Option<String>)> = BTreeMap::new();
        for earlier in tx.ballots_of_meeting(meeting).await? {
            let results: BTreeMap<Uuid, String> = tx
                .ballot_results(earlier.id)
                .await?
                .into_iter()
                .map(|r| (r.subject_id, r.outcome))
                .collect();
            for subject in tx.ballot_agenda(earlier.id).await? {
                let outcome = if earlier.status == "closed" {
                    results.get(&subject).cloned()
                } else {
                    None
                };
                voted.insert(subject, (earlier.id, outcome));
            }
        }
        let mut seen = HashSet::new();
        for (i, id) in agenda.iter().enumerate() {
            let Some(item) = current.items.iter().find(|item| item.subject == *id) else {
                return Err(AppError::invalid(
                    format!("agenda[{i}]"),
                    "Đối tượng không có trong chương trình hội nghị: chỉ biểu quyết đối tượng được kiểm điểm tại hội nghị này",
                ));
            };
            if item.absent {
                return Err(AppError::invalid(
                    format!("agenda[{i}]"),
                    "Đối tượng vắng mặt tại hội nghị này: kiểm điểm, biểu quyết xếp loại tại cuộc họp gần nhất",
                ));
            }
            match voted.get(id) {
                Some((_, Some(outcome))) if outcome == "no_majority" => {}
                Some((earlier, outcome)) => {
                    let message = if outcome.is_some() {
                        "Đối tượng đã được biểu quyết tại hội nghị này (đã có kết quả)"
                    } else {
                        "Đối tượng đang có trong một phiếu biểu quyết khác của hội nghị"
                    };
                    return Err(AppError::conflict(format!("{message}: {earlier}"))
                        .with_field(format!("agenda[{i}]")));
                }
                None => {}
            }
            let subject = load_subject(&mut tx, *id).await?;
            if subject.plan_id != plan.id
                || subject.participation != Participation::ReviewAndClassify
            {
                return Err(AppError::invalid(
                    format!("agenda[{i}]"),
                    format!(
                        "{} không thuộc diện xếp loại của kế hoạch này",
                        subject.name
                    ),
                ));
            }
            if !seen.insert(*id) {
                return Err(AppError::invalid(
                    format!("agenda[{i}]"),
                    "Đối tượng bị trùng",
                ));
            }
        }
        let id = Uuid::now_v7();
        tx.insert_ballot(&BallotRow {
            id,
            meeting_id: meeting,
            mode: mode.code().into(),
            status: "prepared".into(),
            summoned: 0,
            denominator: 0,
            present_voters: 0,
            denominator_detail: "{}".into(),
            papers_cast: 0,
            version: 1,
            changed_by: String::new(),
            changed_at: OffsetDateTime::UNIX_EPOCH,
        })
        .await?;
        tx.set_ballot_agenda(id, &agenda).await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("ballot.prepare", "ballot", id)
                .detail(serde_json::json!({"meeting": meeting, "mode": mode, "agenda": agenda})),
        )
        .await?;
        let row = load_ballot_row(&mut tx, id).await?;
        let view = ballot_view(&mut tx, row).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Opens the ballot: freezes the roll of the branch's members on the meeting day (present
    /// from the attendance list), decides who may vote and the denominator by the rules crate.
    pub async fn open_ballot(
        &self,
        actor: &Actor,
        ballot: Uuid,
        version: i64,
        adjustments: RollAdjustments,
    ) -> Result<Ballot> {
        let who = self
            .authorize(actor, Action::RunBallot, Scope::Ballot(ballot))
            .await?;
        let mut tx = self.begin(&who).await?;
        let row = load_ballot_row(&mut tx, ballot).await?;
        if row.version != version {
            return Err(AppError::stale("Cuộc bỏ phiếu", version));
        }
        if row.status != "prepared" {
            return Err(AppError::conflict("Cuộc bỏ phiếu đã mở"));
        }
        let meeting = load_meeting(&mut tx, row.meeting_id).await?;
        let plan = load_plan(&mut tx, meeting.plan).await?;
        let book = plan.book()?;
        let on = meeting.held_on;
        let members = tx
            .members_of_branch(meeting.org, MembershipKind::Official, on)
            .await?;
        // A member recorded absent from the meeting (vắng mặt) is not present to vote, whatever
        // the attendance list said when the meeting was scheduled.
        let mut absent_members = HashSet::new();
        for item in meeting.items.iter().filter(|i| i.absent) {
            if let Some(member) = load_subject(&mut tx, item.subject).await?.member_id {
                absent_members.insert(member);
            }
        }
        let mut roll = Vec::new();
        let mut entries = Vec::new();
        for member in &members {
            let attendee = meeting
                .attendees
                .iter()
                .find(|a| a.member == Some(member.id));
            let statuses = tx.statuses_as_of(member.id, on).await?;
            let temporary = tx
                .branch_of(member.id, MembershipKind::Temporary, on)
                .await?
                .is_some();
            let entry = RollEntry {
                id: member.id.to_string(),
                official: !member.is_probationary(on),
                present: attendee.is_some_and(|a| a.present)
                    && !absent_members.contains(&member.id),
                temporary_elsewhere: temporary,
                exempt: statuses
                    .iter()
                    .any(|s| s.kind == StatusKind::ExemptFromPartyWork),
                suspended: statuses
                    .iter()
                    .any(|s| s.kind == StatusKind::SuspendedFromParty),
                prosecuted_or_detained: adjustments.prosecuted_or_detained.contains(&member.id),
                excused_absence: attendee.is_some_and(|a| a.excused && !a.present),
            };
            roll.push(RollRow {
                member_id: member.id,
                official: entry.official,
                present: entry.present,
                temporary_elsewhere: entry.temporary_elsewhere,
                exempt: entry.exempt,
                suspended: entry.suspended,
                prosecuted_or_detained: entry.prosecuted_or_detained,
                excused_absence: entry.excused_absence,
                entitled: may_vote(&book, &entry).is_ok(),
                has_voted: false,
            });
            entries.push(entry);
        }
        let counted = denominator(&book, &entries);
        let detail = serde_json::to_string(&counted).unwrap_or_default();
        if !tx
            .open_ballot(
                &row,
                &roll,
                i64::from(counted.summoned),
                i64::from(counted.count),
                i64::from(counted.present_voters),
                &detail,
            )
            .await?
        {
            return Err(AppError::stale("Cuộc bỏ phiếu", version));
        }
        let refused: Vec<_> = entries
            .iter()
            .filter_map(|e| may_vote(&book, e).err())
            .collect();
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("ballot.open", "ballot", ballot).detail(serde_json::json!({
                "roll": roll.len(), "entitled": roll.iter().filter(|r| r.entitled).count(),
                "denominator": counted, "not_entitled": refused,
            })),
        )
        .await?;
        let row = load_ballot_row(&mut tx, ballot).await?;
        let view = ballot_view(&mut tx, row).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Casts one voter's paper: one vote per subject on the agenda (a subject left out counts as
    /// blank). Never audited; nothing stored links the paper to the voter. Returns once the
    /// paper is committed.
    ///
    /// Papers arriving together are committed together (group commit, [`CastQueue`]): while
    /// one transaction is being written, the papers that arrive wait, and the next
    /// transaction takes all of them; each voter still gets their own answer.
    pub async fn cast_ballot(
        &self,
        actor: &Actor,
        ballot: Uuid,
        voter: Uuid,
        votes: &BTreeMap<Uuid, Vote>,
    ) -> Result<()> {
        let who = self
            .authorize(actor, Action::Vote, Scope::Ballot(ballot))
            .await?;
        if who.actor.member.is_some_and(|m| m != voter) {
            return Err(AppError::new(
                ErrorCode::Forbidden,
                "Chỉ được bỏ phiếu của chính mình",
            ));
        }
        let (reply, answer) = oneshot::channel();
        let cast = PendingCast {
            ballot,
            voter,
            votes: votes.clone(),
            reply,
        };
        if self.casts.push(cast, self.committers()) {
            tokio::spawn(self.clone().commit_casts());
        }
        let outcome = answer.await.map_err(|_| {
            AppError::internal("phiếu chưa được ghi: tiến trình ghi phiếu bị dừng")
        })??;
        match outcome {
            CastOutcome::Cast => Ok(()),
            CastOutcome::AlreadyVoted => Err(AppError::new(
                ErrorCode::AlreadyVoted,
                "Đồng chí đã bỏ phiếu: mỗi người chỉ một phiếu",
            )),
            CastOutcome::NotEntitled | CastOutcome::NotOnRoll => {
                let mut tx = self.store().read().await?;
                let meeting = tx.ballot(ballot).await?.map(|b| b.meeting_id);
                let citation = match meeting {
                    Some(meeting) => {
                        let plan = load_meeting(&mut tx, meeting).await?.plan;
                        let book = load_plan(&mut tx, plan).await?.book()?;
                        Citation::new(
                            format!("{}.ballot.voter", book.rule_set),
                            book.sources().voters,
                        )
                    }
                    None => Citation::new("ballot.voter", "Điều lệ Đảng"),
                };
                Err(AppError::new(
                    ErrorCode::NotEntitled,
                    if outcome == CastOutcome::NotOnRoll {
                        "Không có tên trong danh sách biểu quyết đã khóa của cuộc bỏ phiếu này (hoặc cuộc bỏ phiếu chưa mở)"
                    } else {
                        "Không có quyền biểu quyết (đảng viên dự bị, vắng mặt khi khóa danh sách hoặc bị đình chỉ sinh hoạt)"
                    },
                )
                .with_citation(citation))
            }
            CastOutcome::Closed => Err(AppError::conflict("Cuộc bỏ phiếu đã kết thúc")),
        }
    }

    /// How many groups may be committed at once: one on SQLite (one writer), a few on
    /// PostgreSQL (each waits for its WAL flush while the next is written).
    fn committers(&self) -> usize {
        match self.store().backend() {
            Backend::Sqlite => 1,
            Backend::Postgres => 4,
        }
    }

    /// The committer: takes every waiting paper (up to [`MAX_GROUP`]) into one transaction,
    /// answers each voter, and goes on until nobody is waiting. Runs as its own task, so a
    /// voter who goes away does not abandon the others' papers half-written.
    async fn commit_casts(self) {
        let mut running = CommitterGuard {
            app: Some(self.clone()),
        };
        loop {
            let Some(group) = self.casts.take() else {
                running.app = None;
                return;
            };
            // A voter who went away before their paper was written is not cast.
            let group: Vec<PendingCast> =
                group.into_iter().filter(|c| !c.reply.is_closed()).collect();
            if group.is_empty() {
                continue;
            }
            match crate::retrying(|| self.commit_group(&group)).await {
                Ok(outcomes) => {
                    for (cast, outcome) in group.into_iter().zip(outcomes) {
                        let _ = cast.reply.send(outcome);
                    }
                }
                Err(error) if group.len() == 1 => {
                    if let Some(cast) = group.into_iter().next() {
                        let _ = cast.reply.send(Err(error));
                    }
                }
                // One failing paper must not fail the others: each alone, in its own
                // transaction.
                Err(_) => {
                    for cast in group {
                        let single = std::slice::from_ref(&cast);
                        let outcome = crate::retrying(|| self.commit_group(single))
                            .await
                            .and_then(|mut outcomes| {
                                outcomes
                                    .pop()
                                    .ok_or_else(|| AppError::internal("không có kết quả ghi phiếu"))
                            })
                            .and_then(|outcome| outcome);
                        let _ = cast.reply.send(outcome);
                    }
                }
            }
        }
    }

    /// One transaction casting `group`: per ballot, the agenda read once, each paper checked
    /// against it and filled with blanks, then every paper cast together ([`Tx::cast_papers`]).
    /// The outer error fails the whole group (nothing committed); the inner ones are a paper's.
    async fn commit_group(&self, group: &[PendingCast]) -> Result<Vec<Result<CastOutcome>>> {
        // Casting stamps nothing; the name only satisfies `begin`.
        let mut tx = self.store().begin("bỏ phiếu kín").await?;
        let mut outcomes: Vec<Option<Result<CastOutcome>>> =
            std::iter::repeat_with(|| None).take(group.len()).collect();
        let ballots: BTreeSet<Uuid> = group.iter().map(|c| c.ballot).collect();
        for ballot in ballots {
            // A paper ballot is cast on paper in the meeting room and counted by the counting
            // committee: no paper comes in through the system.
            let paper = tx.ballot(ballot).await?.is_some_and(|b| b.mode == "paper");
            let agenda = tx.ballot_agenda(ballot).await?;
            let mut papers = Vec::new();
            let mut positions = Vec::new();
            for (position, cast) in group.iter().enumerate() {
                if cast.ballot != ballot {
                    continue;
                }
                if agenda.is_empty() {
                    outcomes[position] = Some(Err(AppError::not_found("cuộc bỏ phiếu", ballot)));
                    continue;
                }
                if paper {
                    outcomes[position] = Some(Err(AppError::conflict(
                        "Cuộc bỏ phiếu này bằng phiếu giấy: đồng chí bỏ phiếu tại hội nghị, ban kiểm phiếu nhập kết quả kiểm phiếu",
                    )));
                    continue;
                }
                if let Some(unknown) = cast.votes.keys().find(|s| !agenda.contains(s)) {
                    outcomes[position] = Some(Err(AppError::invalid(
                        format!("votes.{unknown}"),
                        "Đối tượng không có trong phiếu biểu quyết",
                    )));
                    continue;
                }
                papers.push(NewPaper {
                    voter: cast.voter,
                    paper_id: Uuid::new_v4(),
                    votes: agenda
                        .iter()
                        .map(|s| {
                            let vote = cast.votes.get(s).copied().unwrap_or(Vote::Blank);
                            (*s, vote_code(vote))
                        })
                        .collect(),
                });
                positions.push(position);
            }
            if papers.is_empty() {
                continue;
            }
            let cast = tx.cast_papers(ballot, &papers).await?;
            for (position, outcome) in positions.into_iter().zip(cast) {
                outcomes[position] = Some(Ok(outcome));
            }
        }
        tx.commit().await?;
        Ok(outcomes
            .into_iter()
            .map(|o| o.unwrap_or_else(|| Err(AppError::internal("không có kết quả ghi phiếu"))))
            .collect())
    }

    /// Closes the ballot: counts the papers by the rules crate, stores the counts per subject,
    /// writes them into the minutes, archives the papers in random order and scrubs the urn.
    pub async fn close_ballot(&self, actor: &Actor, ballot: Uuid, version: i64) -> Result<Ballot> {
        let who = self
            .authorize(actor, Action::RunBallot, Scope::Ballot(ballot))
            .await?;
        let mut tx = self.begin(&who).await?;
        let row = load_ballot_row(&mut tx, ballot).await?;
        if row.version != version {
            return Err(AppError::stale("Cuộc bỏ phiếu", version));
        }
        if row.status != "open" || row.mode != "electronic" {
            return Err(AppError::conflict(
                "Chỉ kết thúc được cuộc bỏ phiếu điện tử đang mở (phiếu giấy: nhập kết quả kiểm phiếu)",
            ));
        }
        let papers = tx.close_ballot_urn(ballot).await?;
        let mut by_paper: BTreeMap<Uuid, BTreeMap<String, Vote>> = BTreeMap::new();
        for vote in &papers {
            by_paper
                .entry(vote.paper_id)
                .or_default()
                .insert(vote.subject_id.to_string(), parse_vote(&vote.vote));
        }
        let agenda = tx.ballot_agenda(ballot).await?;
        let keys: Vec<String> = agenda.iter().map(Uuid::to_string).collect();
        let tallies = tally(&keys, by_paper.values());
        let count = by_paper.len() as i64;
        drop(by_paper);
        drop(papers);
        let view = self
            .finish_counting(&mut tx, &who, row, tallies, count, "open")
            .await?;
        tx.commit().await?;
        let scrubbed = self.store().scrub_ballot_storage().await?;
        if !scrubbed {
            tracing::warn!(%ballot, "ballot storage not fully scrubbed yet: a reader holds the WAL; the background checkpointer truncates it once the reader lets go");
        }
        Ok(view)
    }

    /// Paper ballots: the counting committee enters the tallies per subject.
    pub async fn enter_tallies(
        &self,
        actor: &Actor,
        ballot: Uuid,
        version: i64,
        tallies: BTreeMap<Uuid, Tally>,
    ) -> Result<Ballot> {
        let who = self
            .authorize(actor, Action::RunBallot, Scope::Ballot(ballot))
            .await?;
        let mut tx = self.begin(&who).await?;
        let row = load_ballot_row(&mut tx, ballot).await?;
        if row.version != version {
            return Err(AppError::stale("Cuộc bỏ phiếu", version));
        }
        if row.status != "open" || row.mode != "paper" {
            return Err(AppError::conflict(
                "Chỉ nhập kết quả kiểm phiếu cho cuộc bỏ phiếu giấy đang mở",
            ));
        }
        let agenda = tx.ballot_agenda(ballot).await?;
        if let Some(missing) = agenda.iter().find(|s| !tallies.contains_key(s)) {
            return Err(AppError::invalid(
                format!("tallies.{missing}"),
                "Thiếu kết quả kiểm phiếu của đối tượng này",
            ));
        }
        if let Some(extra) = tallies.keys().find(|s| !agenda.contains(s)) {
            return Err(AppError::invalid(
                format!("tallies.{extra}"),
                "Đối tượng không có trong phiếu biểu quyết",
            ));
        }
        let papers = tallies
            .values()
            .map(|t| i64::from(t.papers()))
            .max()
            .unwrap_or(0);
        let tallies = tallies
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let view = self
            .finish_counting(&mut tx, &who, row, tallies, papers, "open")
            .await?;
        tx.commit().await?;
        Ok(view)
    }

    async fn finish_counting(
        &self,
        tx: &mut Tx,
        who: &crate::Authorized,
        row: BallotRow,
        tallies: BTreeMap<String, Tally>,
        papers: i64,
        from_status: &str,
    ) -> Result<Ballot> {
        let meeting = load_meeting(tx, row.meeting_id).await?;
        let plan = load_plan(tx, meeting.plan).await?;
        let book = plan.book()?;
        let counted: Denominator = serde_json::from_str(&row.denominator_detail)
            .map_err(|e| AppError::internal(format!("mẫu số của cuộc bỏ phiếu: {e}")))?;
        let mut results = Vec::new();
        let mut minutes = vec![format!(
            "Kết quả bỏ phiếu kín ({} phiếu; có mặt, có quyền biểu quyết {}; mẫu số {}):",
            papers, counted.present_voters, counted.count
        )];
        let mut no_majority = Vec::new();
        for (key, subject_tally) in &tallies {
            let subject_id: Uuid = key
                .parse()
                .map_err(|_| AppError::internal("mã đối tượng"))?;
            let decided = outcome(&book, subject_tally, &counted)
                .map_err(|e| AppError::invalid(format!("tallies.{key}"), e.problem))?;
            let name = load_subject(tx, subject_id).await?.name;
            let (code, votes, base, message) = match &decided {
                BallotOutcome::Level {
                    level, votes, base, ..
                } => (
                    level.code().to_owned(),
                    *votes,
                    *base,
                    format!("{level}: {votes}/{base} phiếu"),
                ),
                BallotOutcome::NoMajority { base, message, .. } => {
                    no_majority.push(subject_id);
                    ("no_majority".to_owned(), 0, *base, message.clone())
                }
            };
            minutes.push(format!(
                "- {name}: HTXSNV {}, HTTNV {}, HTNV {}, KHTNV {}, trống {}, không hợp lệ {} → {message}",
                subject_tally.levels.htxsnv,
                subject_tally.levels.httnv,
                subject_tally.levels.htnv,
                subject_tally.levels.khtnv,
                subject_tally.blank,
                subject_tally.invalid
            ));
            results.push(BallotResultRow {
                ballot_id: row.id,
                subject_id,
                htxsnv: i64::from(subject_tally.levels.htxsnv),
                httnv: i64::from(subject_tally.levels.httnv),
                htnv: i64::from(subject_tally.levels.htnv),
                khtnv: i64::from(subject_tally.levels.khtnv),
                blank: i64::from(subject_tally.blank),
                invalid: i64::from(subject_tally.invalid),
                outcome: code,
                votes: i64::from(votes),
                base: i64::from(base),
                message,
            });
        }
        if !no_majority.is_empty() {
            minutes.push(format!(
                "{} đối tượng không đạt đa số: báo cáo cấp có thẩm quyền xem xét, quyết định.",
                no_majority.len()
            ));
        }
        tx.insert_ballot_results(&results).await?;
        if !tx
            .finish_ballot(row.id, row.version, from_status, papers)
            .await?
        {
            return Err(AppError::stale("Cuộc bỏ phiếu", row.version));
        }
        let mut meeting_row = tx
            .meeting(row.meeting_id)
            .await?
            .ok_or_else(|| AppError::not_found("hội nghị", row.meeting_id))?;
        meeting_row.minutes = if meeting_row.minutes.is_empty() {
            minutes.join("\n")
        } else {
            format!("{}\n\n{}", meeting_row.minutes, minutes.join("\n"))
        };
        if !tx.update_meeting(&meeting_row).await? {
            return Err(AppError::stale("Hội nghị", meeting_row.version));
        }
        audit::append(
            tx,
            who,
            AuditEvent::new("ballot.close", "ballot", row.id).detail(serde_json::json!({
                "papers": papers, "mode": row.mode,
                "counts": results.iter().map(|r| serde_json::json!({
                    "subject": r.subject_id, "HTXSNV": r.htxsnv, "HTTNV": r.httnv, "HTNV": r.htnv,
                    "KHTNV": r.khtnv, "blank": r.blank, "invalid": r.invalid, "outcome": r.outcome,
                })).collect::<Vec<_>>(),
                "no_majority": no_majority,
            })),
        )
        .await?;
        let row = load_ballot_row(tx, row.id).await?;
        ballot_view(tx, row).await
    }

    /// A ballot with its counts (never papers, never voters' order).
    pub async fn ballot(&self, actor: &Actor, id: Uuid) -> Result<Ballot> {
        self.authorize(actor, Action::Read, Scope::Ballot(id))
            .await?;
        let mut tx = self.store().read().await?;
        let row = load_ballot_row(&mut tx, id).await?;
        ballot_view(&mut tx, row).await
    }
}

impl App {
    /// The ballots of a meeting with their counts.
    pub async fn ballots(&self, actor: &Actor, meeting: Uuid) -> Result<Vec<Ballot>> {
        self.authorize(actor, Action::Read, Scope::Meeting(meeting))
            .await?;
        let mut tx = self.store().read().await?;
        let mut out = Vec::new();
        for row in tx.ballots_of_meeting(meeting).await? {
            out.push(ballot_view(&mut tx, row).await?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vote_codes_round_trip() {
        for vote in [
            Vote::For(Level::Htxsnv),
            Vote::For(Level::Khtnv),
            Vote::Blank,
            Vote::Invalid,
        ] {
            assert_eq!(parse_vote(vote_code(vote)), vote);
        }
        assert_eq!(parse_vote("garbage"), Vote::Invalid);
    }
}
