//! SQLite WAL checkpoints in the background. SQLite's automatic checkpoint runs inside the
//! commit that crosses 1 000 WAL pages, so one unlucky writer — a voter's paper, say — waits for
//! the pages to be copied back and for the file to be synced (≈ 20 ms on these machines, every
//! few hundred small transactions). kiemdiem turns it off (`wal_autocheckpoint = 0`) and runs a
//! `PASSIVE` checkpoint from this task instead, which never blocks readers or writers. The task
//! stops when the last [`crate::Store`] handle is dropped or the pool is closed; a store that is
//! closed checkpoints one last time (`Store::close`). Owns nothing else.

use sqlx::SqlitePool;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// How often the WAL is copied back into the database file.
const INTERVAL: Duration = Duration::from_millis(200);

/// Kept by every clone of a SQLite [`crate::Store`]; the task runs while one exists.
#[derive(Debug)]
pub(crate) struct Checkpointer;

/// Starts the checkpoint task of `pool`; the returned handle keeps it running.
pub(crate) fn start(pool: SqlitePool) -> Arc<Checkpointer> {
    let alive = Arc::new(Checkpointer);
    let watched: Weak<Checkpointer> = Arc::downgrade(&alive);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if watched.upgrade().is_none() || pool.is_closed() {
                return;
            }
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
