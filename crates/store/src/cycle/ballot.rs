//! Secret ballots (bỏ phiếu kín): the ballot, its agenda, the roll frozen at opening, the urn
//! while it is open, the papers archived in random order at close, and the counts.
//!
//! What this module must never do: store anything that links a paper to a voter. A paper row
//! has no voter, no time and a random id chosen by the caller (UUID v4); casting marks the voter
//! in the roll (`has_voted`, overwritten in place) and puts the paper in the urn in one
//! transaction and records nothing in `Tx::changes()`. At close ([`Tx::close_ballot_urn`]) every
//! roll row is rewritten, the papers are copied in random order into `ballot_papers` and the urn
//! is emptied; [`crate::Store::scrub_ballot_storage`] then removes what the engines keep of the
//! old rows (SQLite: WAL truncated, freed cells zeroed by `secure_delete`; PostgreSQL: VACUUM).
//!
//! On PostgreSQL a ballot opened since migration 0038 has two tables of its own while open
//! ([`live_tables`]): casting marks the voter in `ballot_voted_<id>` and puts the paper in
//! `ballot_urn_<id>`, never writing a shared table, and the close drops both after copying them
//! out — the dead row versions whose `xmin` paired a voter with a paper go with the files
//! (VACUUM only marks their space free; their bytes stayed in the pages). A ballot opened before
//! 0038 keeps the shared urn and roll to its close. See docs/ballot-secrecy.md.

use super::batch::Cell;
use crate::db::{Backend, Store, Tx, on_conn};
use crate::error::Result;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BallotRow {
    pub id: Uuid,
    pub meeting_id: Uuid,
    /// `electronic` (papers cast through the system) or `paper` (the counting committee enters
    /// the tallies).
    pub mode: String,
    /// `prepared`, `open` or `closed`.
    pub status: String,
    pub summoned: i64,
    pub denominator: i64,
    pub present_voters: i64,
    /// JSON of the rules crate's denominator (exclusions with reasons, citation).
    pub denominator_detail: String,
    pub papers_cast: i64,
    pub version: i64,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

/// One person on the roll, as frozen at opening.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RollRow {
    pub member_id: Uuid,
    pub official: bool,
    pub present: bool,
    pub temporary_elsewhere: bool,
    pub exempt: bool,
    pub suspended: bool,
    pub prosecuted_or_detained: bool,
    pub excused_absence: bool,
    pub entitled: bool,
    pub has_voted: bool,
}

/// The counts of one subject of a closed ballot.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BallotResultRow {
    pub ballot_id: Uuid,
    pub subject_id: Uuid,
    pub htxsnv: i64,
    pub httnv: i64,
    pub htnv: i64,
    pub khtnv: i64,
    pub blank: i64,
    pub invalid: i64,
    /// A level code, or `no_majority`.
    pub outcome: String,
    pub votes: i64,
    pub base: i64,
    pub message: String,
}

/// What happened to a cast attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CastOutcome {
    Cast,
    AlreadyVoted,
    /// Not on the roll of this ballot (or the ballot is not open yet).
    NotOnRoll,
    /// On the roll but not entitled (probationary, absent at the freeze, suspended).
    NotEntitled,
    Closed,
}

/// One voter's paper to cast: the voter (only to mark the roll; never stored with the paper),
/// a random v4 paper id, and a vote code per subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPaper<'a> {
    pub voter: Uuid,
    pub paper_id: Uuid,
    pub votes: Vec<(Uuid, &'a str)>,
}

/// Voters marked by one statement of [`Tx::cast_papers`].
const MAX_VOTERS_PER_STATEMENT: usize = 512;
/// Bound parameters of one urn `INSERT` (SQLite allows 32 766, PostgreSQL 65 535).
const MAX_PARAMS: usize = 30_000;

/// Bind parameters written in the order they are bound: `$1, $2, …` on PostgreSQL, anonymous
/// `?` on SQLite (binding a numbered SQLite parameter looks its name up in a list, which makes
/// a statement with thousands of them quadratic).
struct Placeholders {
    backend: Backend,
    n: usize,
}

impl Placeholders {
    fn new(backend: Backend) -> Placeholders {
        Placeholders { backend, n: 0 }
    }

    fn next(&mut self) -> String {
        self.n += 1;
        match self.backend {
            Backend::Sqlite => "?".to_owned(),
            Backend::Postgres => format!("${}", self.n),
        }
    }
}

/// One paper as archived (never with a voter).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PaperVote {
    pub paper_id: Uuid,
    pub subject_id: Uuid,
    pub vote: String,
}

/// PostgreSQL: the tables an open ballot's casting writes to (who has voted; the papers), named
/// after the ballot (32 hex digits: a safe identifier), created when it opens, dropped when it
/// closes.
pub fn live_tables(ballot: Uuid) -> (String, String) {
    let id = ballot.simple();
    (format!("ballot_voted_{id}"), format!("ballot_urn_{id}"))
}

/// The `CREATE TABLE` of a PostgreSQL ballot's own table named `name`, and the order its rows
/// are read in by a backup (its key: never the physical order, which follows arrival); `None`
/// when `name` is not one ([`live_tables`]).
pub(crate) fn live_table_ddl(name: &str) -> Option<(String, &'static str)> {
    let hex = |id: &str| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit());
    if let Some(id) = name.strip_prefix("ballot_voted_").filter(|id| hex(id)) {
        return Some((
            format!("CREATE TABLE ballot_voted_{id} (member_id UUID PRIMARY KEY)"),
            "member_id",
        ));
    }
    let id = name.strip_prefix("ballot_urn_").filter(|id| hex(id))?;
    Some((
        format!(
            "CREATE TABLE ballot_urn_{id} (paper_id UUID NOT NULL, subject_id UUID NOT NULL, vote TEXT NOT NULL, \
             PRIMARY KEY (paper_id, subject_id))"
        ),
        "paper_id, subject_id",
    ))
}

/// What the casting or closing transaction found of a PostgreSQL ballot, its row locked.
struct Gate {
    status: String,
    /// The ballot has its own tables ([`live_tables`]).
    live: bool,
}

const BALLOT_COLUMNS: &str = "id, meeting_id, mode, status, summoned, denominator, present_voters, denominator_detail, papers_cast, version, changed_by, changed_at";

impl Tx {
    pub async fn insert_ballot(&mut self, row: &BallotRow) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => sqlx::query(
            "INSERT INTO ballots (id, meeting_id, mode, status, summoned, denominator, present_voters, denominator_detail, papers_cast, version, changed_by, changed_at) \
             VALUES ($1, $2, $3, 'prepared', 0, 0, 0, '{}', 0, 1, $4, $5)",
        )
        .bind(row.id).bind(row.meeting_id).bind(&row.mode).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("ballots", row.id.to_string(), "insert");
        Ok(())
    }

    pub async fn ballot(&mut self, id: Uuid) -> Result<Option<BallotRow>> {
        let sql = format!("SELECT {BALLOT_COLUMNS} FROM ballots WHERE id = $1");
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?),
        )
    }

    pub async fn ballots_of_meeting(&mut self, meeting: Uuid) -> Result<Vec<BallotRow>> {
        let sql = format!(
            "SELECT {BALLOT_COLUMNS} FROM ballots WHERE meeting_id = $1 ORDER BY changed_at, id"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(meeting).fetch_all(c).await?),
        )
    }

    /// Sets the agenda (subjects in order) of a prepared ballot.
    pub async fn set_ballot_agenda(&mut self, ballot: Uuid, subjects: &[Uuid]) -> Result<()> {
        on_conn!(self, c => sqlx::query("DELETE FROM ballot_agenda WHERE ballot_id = $1").bind(ballot).execute(c).await?.rows_affected());
        let rows: Vec<Vec<Cell<'_>>> = subjects
            .iter()
            .enumerate()
            .map(|(i, s)| vec![Cell::Uuid(ballot), Cell::Uuid(*s), Cell::Int(i as i64 + 1)])
            .collect();
        self.batch_insert(
            "ballot_agenda",
            &["ballot_id", "subject_id", "position"],
            &rows,
        )
        .await
    }

    pub async fn ballot_agenda(&mut self, ballot: Uuid) -> Result<Vec<Uuid>> {
        Ok(on_conn!(self, c => sqlx::query_scalar(
            "SELECT subject_id FROM ballot_agenda WHERE ballot_id = $1 ORDER BY position",
        ).bind(ballot).fetch_all(c).await?))
    }

    /// The subjects on a ballot's paper with their names, in the agenda's order (one statement
    /// for the whole paper).
    pub async fn ballot_agenda_names(&mut self, ballot: Uuid) -> Result<Vec<(Uuid, String)>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT a.subject_id, s.name FROM ballot_agenda a JOIN subjects s ON s.id = a.subject_id \
             WHERE a.ballot_id = $1 ORDER BY a.position",
        ).bind(ballot).fetch_all(c).await?))
    }

    /// Freezes the roll and opens the ballot if it is still prepared at `version`; false when
    /// stale or not prepared.
    pub async fn open_ballot(
        &mut self,
        ballot: &BallotRow,
        roll: &[RollRow],
        summoned: i64,
        denominator: i64,
        present_voters: i64,
        detail: &str,
    ) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE ballots SET status = 'open', summoned = $1, denominator = $2, present_voters = $3, denominator_detail = $4, \
             version = version + 1, changed_by = $5, changed_at = $6 WHERE id = $7 AND version = $8 AND status = 'prepared'",
        )
        .bind(summoned).bind(denominator).bind(present_voters).bind(detail).bind(&stamp.by).bind(stamp.at)
        .bind(ballot.id).bind(ballot.version)
        .execute(c).await?.rows_affected());
        if n != 1 {
            return Ok(false);
        }
        self.record("ballots", ballot.id.to_string(), "update");
        self.insert_roll(ballot.id, roll, false).await?;
        // Papers come through the system only in an electronic ballot (a paper ballot's tallies
        // are entered, and it is never closed through the urn).
        if self.backend() == Backend::Postgres && ballot.mode == "electronic" {
            // No foreign key: creating or dropping one would lock the referenced tables, and
            // every row comes from the roll (voters) or the agenda check (papers).
            let (voted, urn) = live_tables(ballot.id);
            for (sql, _) in [&voted, &urn].into_iter().filter_map(|t| live_table_ddl(t)) {
                on_conn!(self, c => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(c).await?.rows_affected());
            }
        }
        Ok(true)
    }

    /// PostgreSQL: locks the ballot's row (`FOR SHARE` when casting: casters do not wait for
    /// each other; `FOR UPDATE` when closing, which so waits for every casting transaction
    /// and is waited for by the later ones) and says whether it has its own tables.
    async fn gate(&mut self, ballot: Uuid, lock: &str) -> Result<Option<Gate>> {
        let (voted, _) = live_tables(ballot);
        let sql = format!(
            "SELECT status, to_regclass($2) IS NOT NULL FROM ballots WHERE id = $1 FOR {lock}"
        );
        let row: Option<(String, bool)> = on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(ballot).bind(voted).fetch_optional(c).await?);
        Ok(row.map(|(status, live)| Gate { status, live }))
    }

    async fn insert_roll(&mut self, ballot: Uuid, roll: &[RollRow], closed: bool) -> Result<()> {
        let rows: Vec<Vec<Cell<'_>>> = roll
            .iter()
            .map(|r| {
                vec![
                    Cell::Uuid(ballot),
                    Cell::Uuid(r.member_id),
                    Cell::Bool(r.official),
                    Cell::Bool(r.present),
                    Cell::Bool(r.temporary_elsewhere),
                    Cell::Bool(r.exempt),
                    Cell::Bool(r.suspended),
                    Cell::Bool(r.prosecuted_or_detained),
                    Cell::Bool(r.excused_absence),
                    Cell::Bool(r.entitled),
                    Cell::Bool(r.has_voted),
                    Cell::Bool(closed),
                ]
            })
            .collect();
        self.batch_insert(
            "ballot_roll",
            &[
                "ballot_id",
                "member_id",
                "official",
                "present",
                "temporary_elsewhere",
                "exempt",
                "suspended",
                "prosecuted_or_detained",
                "excused_absence",
                "entitled",
                "has_voted",
                "closed",
            ],
            &rows,
        )
        .await
    }

    /// The roll of a ballot, by member id (never in voting order). On PostgreSQL, while the
    /// ballot is open, who has voted is in its own table (`ballot_voted`, migration 0038).
    pub async fn ballot_roll(&mut self, ballot: Uuid) -> Result<Vec<RollRow>> {
        let sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT member_id, official, present, temporary_elsewhere, exempt, suspended, prosecuted_or_detained, excused_absence, entitled, has_voted \
                 FROM ballot_roll WHERE ballot_id = $1 ORDER BY member_id"
            }
            Backend::Postgres => {
                "SELECT member_id, official, present, temporary_elsewhere, exempt, suspended, prosecuted_or_detained, excused_absence, entitled, \
                 has_voted OR member_id IN (SELECT ballot_voted($1)) AS has_voted \
                 FROM ballot_roll WHERE ballot_id = $1 ORDER BY member_id"
            }
        };
        Ok(on_conn!(self, c => sqlx::query_as(sql).bind(ballot).fetch_all(c).await?))
    }

    /// Casts one paper: marks `voter` as having voted and puts the votes (subject, vote code) in
    /// the urn under the random `paper_id`, or says why not. Records nothing in `changes()`.
    pub async fn cast_paper(
        &mut self,
        ballot: Uuid,
        voter: Uuid,
        paper_id: Uuid,
        votes: &[(Uuid, &str)],
    ) -> Result<CastOutcome> {
        let paper = NewPaper {
            voter,
            paper_id,
            votes: votes.to_vec(),
        };
        let outcomes = self
            .cast_papers(ballot, std::slice::from_ref(&paper))
            .await?;
        Ok(outcomes[0])
    }

    /// Casts several voters' papers of one ballot in this transaction (group commit): marks the
    /// voters who may still vote in one statement, puts their papers in the urn in paper-id
    /// order (random, since the ids are v4: never the order of arrival), and returns each
    /// paper's outcome in the order given. A voter given twice gets at most one paper in: the
    /// first is cast, the others are `AlreadyVoted` (or refused for the same reason as the
    /// first). Records nothing in `changes()`.
    pub async fn cast_papers(
        &mut self,
        ballot: Uuid,
        papers: &[NewPaper<'_>],
    ) -> Result<Vec<CastOutcome>> {
        let mut voters: Vec<Uuid> = papers.iter().map(|p| p.voter).collect();
        voters.sort_unstable();
        voters.dedup();
        let live = match self.backend() {
            Backend::Sqlite => None,
            Backend::Postgres => self
                .gate(ballot, "SHARE")
                .await?
                .filter(|g| g.live && g.status == "open")
                .map(|_| live_tables(ballot)),
        };
        let mut marked: HashSet<Uuid> = HashSet::with_capacity(voters.len());
        for chunk in voters.chunks(MAX_VOTERS_PER_STATEMENT) {
            if let Some((voted, _)) = &live {
                marked.extend(self.mark_live(ballot, voted, chunk).await?);
                continue;
            }
            // The list is padded to a power of two (repeating the last id) so that a few
            // statements, each prepared once per connection, serve every batch size.
            let width = chunk.len().next_power_of_two();
            let mut p = Placeholders::new(self.backend());
            let mut sql = format!(
                "UPDATE ballot_roll SET has_voted = {} WHERE ballot_id = {} AND entitled = {} \
                 AND has_voted = {} AND closed = {} AND member_id IN (",
                p.next(),
                p.next(),
                p.next(),
                p.next(),
                p.next()
            );
            for i in 0..width {
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&p.next());
            }
            sql.push_str(") RETURNING member_id");
            let rows: Vec<Uuid> = on_conn!(self, c => {
                let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
                    .bind(true).bind(ballot).bind(true).bind(false).bind(false);
                for i in 0..width {
                    q = q.bind(chunk[i.min(chunk.len() - 1)]);
                }
                q.fetch_all(c).await?
            });
            marked.extend(rows);
        }

        let mut outcomes = Vec::with_capacity(papers.len());
        let mut first: HashMap<Uuid, CastOutcome> = HashMap::with_capacity(papers.len());
        let mut cast: Vec<&NewPaper<'_>> = Vec::with_capacity(marked.len());
        for paper in papers {
            let outcome = match first.get(&paper.voter) {
                Some(CastOutcome::Cast) => CastOutcome::AlreadyVoted,
                Some(earlier) => *earlier,
                None => {
                    let outcome = if marked.contains(&paper.voter) {
                        cast.push(paper);
                        CastOutcome::Cast
                    } else {
                        self.why_not_cast(ballot, paper.voter, live.is_some())
                            .await?
                    };
                    first.insert(paper.voter, outcome);
                    outcome
                }
            };
            outcomes.push(outcome);
        }
        cast.sort_unstable_by_key(|p| p.paper_id);
        let mut rest: &[&NewPaper<'_>] = &cast;
        while !rest.is_empty() {
            // Powers of two again, as large as the statement's parameter budget allows.
            let per_paper = rest[0].votes.len().max(1) * 4;
            let budget = (MAX_PARAMS / per_paper).max(1);
            let mut take = 1;
            while take * 2 <= rest.len().min(budget) {
                take *= 2;
            }
            let (chunk, tail) = rest.split_at(take);
            match &live {
                Some((_, urn)) => self.insert_papers(ballot, urn, chunk).await?,
                None => self.insert_papers(ballot, "ballot_urn", chunk).await?,
            }
            rest = tail;
        }
        Ok(outcomes)
    }

    /// PostgreSQL, a ballot with its own tables: marks the entitled voters of `chunk` (sorted)
    /// in `voted`, in member order, and returns those marked now. A voter already there (or
    /// being marked by a concurrent transaction, which this one waits for) is not returned.
    async fn mark_live(&mut self, ballot: Uuid, voted: &str, chunk: &[Uuid]) -> Result<Vec<Uuid>> {
        // Padded to a power of two as below: a few statements serve every batch size.
        let width = chunk.len().next_power_of_two();
        let mut sql = format!(
            "INSERT INTO {voted} (member_id) SELECT member_id FROM ballot_roll \
             WHERE ballot_id = $1 AND entitled AND NOT closed AND member_id IN ("
        );
        for i in 0..width {
            if i > 0 {
                sql.push(',');
            }
            let _ = write!(sql, "${}", i + 2);
        }
        sql.push_str(") ORDER BY member_id ON CONFLICT DO NOTHING RETURNING member_id");
        Ok(on_conn!(self, c => {
            let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(ballot);
            for i in 0..width {
                q = q.bind(chunk[i.min(chunk.len() - 1)]);
            }
            q.fetch_all(c).await?
        }))
    }

    /// Why `voter` could not be marked in the roll of `ballot` (`live`: a PostgreSQL ballot with
    /// its own tables, where who has voted is kept while it is open).
    async fn why_not_cast(&mut self, ballot: Uuid, voter: Uuid, live: bool) -> Result<CastOutcome> {
        let sql = if live {
            "SELECT entitled, member_id IN (SELECT ballot_voted($1)), closed FROM ballot_roll WHERE ballot_id = $1 AND member_id = $2"
        } else {
            "SELECT entitled, has_voted, closed FROM ballot_roll WHERE ballot_id = $1 AND member_id = $2"
        };
        let row: Option<(bool, bool, bool)> = on_conn!(self, c => sqlx::query_as(sql)
            .bind(ballot).bind(voter).fetch_optional(c).await?);
        let status: Option<String> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT status FROM ballots WHERE id = $1",
        ).bind(ballot).fetch_optional(c).await?);
        if status.as_deref() == Some("closed") {
            return Ok(CastOutcome::Closed);
        }
        Ok(match row {
            None => CastOutcome::NotOnRoll,
            Some((_, _, true)) => CastOutcome::Closed,
            Some((false, _, _)) => CastOutcome::NotEntitled,
            Some((true, true, _)) => CastOutcome::AlreadyVoted,
            Some((true, false, false)) => CastOutcome::NotOnRoll,
        })
    }

    /// One multi-row `INSERT` of the papers' votes into the urn: the shared `ballot_urn`, or a
    /// PostgreSQL ballot's own (which has no ballot column).
    async fn insert_papers(
        &mut self,
        ballot: Uuid,
        urn: &str,
        papers: &[&NewPaper<'_>],
    ) -> Result<()> {
        let shared = urn == "ballot_urn";
        let mut sql = if shared {
            String::from("INSERT INTO ballot_urn (ballot_id, paper_id, subject_id, vote) VALUES ")
        } else {
            format!("INSERT INTO {urn} (paper_id, subject_id, vote) VALUES ")
        };
        let mut p = Placeholders::new(self.backend());
        let mut rows = 0;
        for paper in papers {
            for _ in &paper.votes {
                if rows > 0 {
                    sql.push(',');
                }
                if shared {
                    let _ = write!(sql, "({}, ", p.next());
                } else {
                    sql.push('(');
                }
                let _ = write!(sql, "{}, {}, {})", p.next(), p.next(), p.next());
                rows += 1;
            }
        }
        if rows == 0 {
            return Ok(());
        }
        on_conn!(self, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for paper in papers {
                for (subject, vote) in &paper.votes {
                    if shared {
                        q = q.bind(ballot);
                    }
                    q = q.bind(paper.paper_id).bind(*subject).bind(vote.to_string());
                }
            }
            q.execute(c).await?.rows_affected()
        });
        Ok(())
    }

    /// Closes the urn of an open ballot: rewrites every roll row in member order (closing the
    /// roll and, on PostgreSQL, replacing the casting transactions' row versions), reads the papers, copies
    /// them in random order into `ballot_papers` and empties the urn. Returns the papers read.
    /// The caller counts them, stores the results and commits, then calls
    /// [`Store::scrub_ballot_storage`].
    pub async fn close_ballot_urn(&mut self, ballot: Uuid) -> Result<Vec<PaperVote>> {
        if self.backend() == Backend::Sqlite {
            on_conn!(self, c => sqlx::query("PRAGMA secure_delete = ON").execute(c).await?.rows_affected());
        } else if self
            .gate(ballot, "UPDATE")
            .await?
            .is_some_and(|g| g.live && g.status == "open")
        {
            return self.close_live_urn(ballot).await;
        }
        // Deleting the roll waits for every casting transaction still holding a roll row
        // (PostgreSQL row locks; SQLite has one writer); the rows come back as they were last
        // written and are re-inserted in member order, closed, so that neither their physical
        // order nor their row versions remember the order of voting.
        let mut roll: Vec<RollRow> = on_conn!(self, c => sqlx::query_as(
            "DELETE FROM ballot_roll WHERE ballot_id = $1 RETURNING member_id, official, present, temporary_elsewhere, \
             exempt, suspended, prosecuted_or_detained, excused_absence, entitled, has_voted",
        ).bind(ballot).fetch_all(c).await?);
        roll.sort_by_key(|r| r.member_id);
        self.insert_roll(ballot, &roll, true).await?;
        let papers: Vec<PaperVote> = on_conn!(self, c => sqlx::query_as(
            "SELECT paper_id, subject_id, vote FROM ballot_urn WHERE ballot_id = $1",
        ).bind(ballot).fetch_all(c).await?);
        on_conn!(self, c => sqlx::query(
            "INSERT INTO ballot_papers (ballot_id, paper_id, subject_id, vote) \
             SELECT ballot_id, paper_id, subject_id, vote FROM ballot_urn WHERE ballot_id = $1 ORDER BY random()",
        ).bind(ballot).execute(c).await?.rows_affected());
        on_conn!(self, c => sqlx::query("DELETE FROM ballot_urn WHERE ballot_id = $1")
            .bind(ballot).execute(c).await?.rows_affected());
        self.record("ballot_roll", ballot.to_string(), "close");
        self.record("ballot_papers", ballot.to_string(), "archive");
        Ok(papers)
    }

    /// PostgreSQL, a ballot with its own tables, its row locked `FOR UPDATE` (every casting
    /// transaction has committed, later ones wait and then find it closed): the roll is
    /// rewritten in member order with who has voted, the papers are read and copied in random
    /// order into `ballot_papers`, and both of the ballot's tables are dropped — with them every
    /// row version a casting transaction wrote. The shared roll and archive are written by this
    /// transaction alone.
    async fn close_live_urn(&mut self, ballot: Uuid) -> Result<Vec<PaperVote>> {
        let (voted, urn) = live_tables(ballot);
        let have_voted: HashSet<Uuid> =
            on_conn!(self, c => sqlx::query_scalar::<_, Uuid>(sqlx::AssertSqlSafe(
            format!("SELECT member_id FROM {voted}"))).fetch_all(c).await?)
            .into_iter()
            .collect();
        let mut roll: Vec<RollRow> = on_conn!(self, c => sqlx::query_as(
            "DELETE FROM ballot_roll WHERE ballot_id = $1 RETURNING member_id, official, present, temporary_elsewhere, \
             exempt, suspended, prosecuted_or_detained, excused_absence, entitled, has_voted",
        ).bind(ballot).fetch_all(c).await?);
        for row in &mut roll {
            row.has_voted |= have_voted.contains(&row.member_id);
        }
        roll.sort_by_key(|r| r.member_id);
        self.insert_roll(ballot, &roll, true).await?;
        let papers: Vec<PaperVote> = on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(
            format!("SELECT paper_id, subject_id, vote FROM {urn}"))).fetch_all(c).await?);
        on_conn!(self, c => sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO ballot_papers (ballot_id, paper_id, subject_id, vote) \
             SELECT $1, paper_id, subject_id, vote FROM {urn} ORDER BY random()"
        ))).bind(ballot).execute(c).await?.rows_affected());
        on_conn!(self, c => sqlx::query(sqlx::AssertSqlSafe(format!("DROP TABLE {voted}, {urn}")))
            .execute(c).await?.rows_affected());
        self.record("ballot_roll", ballot.to_string(), "close");
        self.record("ballot_papers", ballot.to_string(), "archive");
        Ok(papers)
    }

    /// Marks a ballot closed with `papers` counted, if still at `version`; false when stale.
    pub async fn finish_ballot(
        &mut self,
        ballot: Uuid,
        version: i64,
        from_status: &str,
        papers: i64,
    ) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE ballots SET status = 'closed', papers_cast = $1, version = version + 1, changed_by = $2, changed_at = $3 \
             WHERE id = $4 AND version = $5 AND status = $6",
        )
        .bind(papers).bind(&stamp.by).bind(stamp.at).bind(ballot).bind(version).bind(from_status)
        .execute(c).await?.rows_affected());
        if n == 1 {
            self.record("ballots", ballot.to_string(), "update");
        }
        Ok(n == 1)
    }

    pub async fn insert_ballot_results(&mut self, rows: &[BallotResultRow]) -> Result<()> {
        // The audit trail seals each ballot's results as one record.
        let mut ballots: Vec<Uuid> = rows.iter().map(|r| r.ballot_id).collect();
        ballots.sort_unstable();
        ballots.dedup();
        for ballot in ballots {
            self.record("ballot_results", ballot.to_string(), "insert");
        }
        let cells: Vec<Vec<Cell<'_>>> = rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Uuid(r.ballot_id),
                    Cell::Uuid(r.subject_id),
                    Cell::Int(r.htxsnv),
                    Cell::Int(r.httnv),
                    Cell::Int(r.htnv),
                    Cell::Int(r.khtnv),
                    Cell::Int(r.blank),
                    Cell::Int(r.invalid),
                    Cell::Text(&r.outcome),
                    Cell::Int(r.votes),
                    Cell::Int(r.base),
                    Cell::Text(&r.message),
                ]
            })
            .collect();
        self.batch_insert(
            "ballot_results",
            &[
                "ballot_id",
                "subject_id",
                "htxsnv",
                "httnv",
                "htnv",
                "khtnv",
                "blank",
                "invalid",
                "outcome",
                "votes",
                "base",
                "message",
            ],
            &cells,
        )
        .await
    }

    pub async fn ballot_results(&mut self, ballot: Uuid) -> Result<Vec<BallotResultRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT ballot_id, subject_id, htxsnv, httnv, htnv, khtnv, blank, invalid, outcome, votes, base, message \
             FROM ballot_results WHERE ballot_id = $1",
        ).bind(ballot).fetch_all(c).await?))
    }

    /// The counts of every closed ballot about a subject, oldest ballot first (ids are v7).
    pub async fn results_of_subject(&mut self, subject: Uuid) -> Result<Vec<BallotResultRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT ballot_id, subject_id, htxsnv, httnv, htnv, khtnv, blank, invalid, outcome, votes, base, message \
             FROM ballot_results WHERE subject_id = $1 ORDER BY ballot_id",
        ).bind(subject).fetch_all(c).await?))
    }

    /// The archived papers of a closed ballot, by paper id (for a recount; never with voters).
    pub async fn archived_papers(&mut self, ballot: Uuid) -> Result<Vec<PaperVote>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT paper_id, subject_id, vote FROM ballot_papers WHERE ballot_id = $1 ORDER BY paper_id, subject_id",
        ).bind(ballot).fetch_all(c).await?))
    }
}

impl Store {
    /// After a ballot's closing transaction has committed: removes what the engine keeps of the
    /// urn's deleted rows and of the roll's earlier row versions. SQLite: a WAL checkpoint that
    /// truncates the log (the log holds every casting transaction's pages); PostgreSQL: VACUUM
    /// of the urn and the roll (dead row versions carry the casting transactions' ids).
    /// Returns whether the engine did all of it (a SQLite checkpoint is partial while another
    /// connection is reading).
    pub async fn scrub_ballot_storage(&self) -> Result<bool> {
        match self.backend() {
            // Never waits for a reader (which would hold every writer behind the checkpoint):
            // truncated now, or by the background checkpointer once the reader lets go.
            Backend::Sqlite => self.truncate_wal_soon().await,
            Backend::Postgres => {
                self.outside_transaction(&["VACUUM ballot_urn", "VACUUM ballot_roll"])
                    .await?;
                Ok(true)
            }
        }
    }
}
