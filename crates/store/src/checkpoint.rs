//! SQLite WAL checkpoints in the background. SQLite's automatic checkpoint runs inside the
//! commit that crosses 1 000 WAL pages, so one unlucky writer — a voter's paper, say — waits for
//! the pages to be copied back and for the file to be synced (≈ 20 ms on these machines, every
//! few hundred small transactions). kiemdiem turns it off (`wal_autocheckpoint = 0`) and runs a
//! `PASSIVE` checkpoint from this task instead, which never blocks readers or writers. The task
//! stops when the last [`crate::Store`] handle is dropped or the pool is closed; a store that is
//! closed checkpoints one last time (`Store::close`).
//!
//! After a ballot closes, the WAL still holds the casting transactions' frames (each pairs a
//! voter's `has_voted` with a paper) until it is truncated. [`truncate_now`] tries that without
//! waiting for anyone (busy timeout 0 on its connection); when a reader still holds an old
//! snapshot it cannot complete, and the task retries it at every tick, instead of the PASSIVE
//! checkpoint, until it does — so the closing transaction never blocks writers waiting for a
//! reader, and the WAL is emptied as soon as the last old reader lets go.

use sqlx::SqlitePool;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// How often the WAL is copied back into the database file.
const INTERVAL: Duration = Duration::from_millis(200);

/// Kept by every clone of a SQLite [`crate::Store`]; the task runs while one exists.
#[derive(Debug, Default)]
pub(crate) struct Checkpointer {
    /// A truncating checkpoint is owed (a ballot closed while a reader held the WAL).
    truncate_pending: AtomicBool,
}

impl Checkpointer {
    /// Asks the task to truncate the WAL at its next ticks until it succeeds.
    pub(crate) fn owe_truncate(&self) {
        self.truncate_pending.store(true, Ordering::SeqCst);
    }

    pub(crate) fn truncate_pending(&self) -> bool {
        self.truncate_pending.load(Ordering::SeqCst)
    }
}

/// Copies the WAL back and truncates it to zero bytes if no reader needs it, without waiting:
/// `true` when the WAL is now empty.
pub(crate) async fn truncate_now(pool: &SqlitePool, busy_timeout: Duration) -> sqlx::Result<bool> {
    let mut conn = pool.acquire().await?;
    sqlx::query("PRAGMA busy_timeout = 0")
        .execute(&mut *conn)
        .await?;
    let result: sqlx::Result<(i64, i64, i64)> = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(&mut *conn)
        .await;
    let restore = format!("PRAGMA busy_timeout = {}", busy_timeout.as_millis());
    sqlx::query(sqlx::AssertSqlSafe(restore))
        .execute(&mut *conn)
        .await?;
    match result {
        Ok((busy, log, _)) => Ok(busy == 0 && log <= 0),
        // Another connection held the write lock at that instant: try again later.
        Err(sqlx::Error::Database(e))
            if e.code().is_some_and(|c| {
                c.parse::<i32>()
                    .is_ok_and(|n| n & 0xff == 5 || n & 0xff == 6)
            }) =>
        {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// Starts the checkpoint task of `pool`; the returned handle keeps it running.
pub(crate) fn start(pool: SqlitePool, busy_timeout: Duration) -> Arc<Checkpointer> {
    let alive = Arc::new(Checkpointer::default());
    let watched: Weak<Checkpointer> = Arc::downgrade(&alive);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(checkpointer) = watched.upgrade() else {
                return;
            };
            if pool.is_closed() {
                return;
            }
            if checkpointer.truncate_pending() {
                match truncate_now(&pool, busy_timeout).await {
                    Ok(true) => {
                        checkpointer.truncate_pending.store(false, Ordering::SeqCst);
                        tracing::info!("the WAL of a closed ballot is truncated");
                    }
                    Ok(false) => {}
                    Err(error) => {
                        tracing::warn!(%error, "truncating the WAL failed; retried at the next tick")
                    }
                }
                continue;
            }
            drop(checkpointer);
            if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await
            {
                if pool.is_closed() {
                    return;
                }
                tracing::warn!(%error, "SQLite WAL checkpoint failed; retried at the next tick");
            }
        }
    });
    alive
}
