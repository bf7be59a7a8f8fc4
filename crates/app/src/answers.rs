//! Answers computed from the database and kept until the next change: the progress of a plan,
//! the distribution of levels and the list of those not yet rated at a node are read by every
//! visit of an office's progress page, and computing them costs hundreds of statements, while
//! the data under them changes a few times a minute (so are whole pages' answers, `views.rs`).
//! Every change is audited in the same transaction that makes it, so the audit trail's sequence
//! names the state of the database: an answer is kept with the sequence it was read at and
//! served only while that is still the last entry that may change it (`answers_seq`: a sign-in
//! does not count). Visitors asking for one answer at once wait for the first one's reading
//! instead of each reading it again. Authorisation is never kept here: each use case asks before
//! it reads.

use crate::progress::{NodeProgress, PendingSubject, StepDay};
use crate::views::{OverviewNode, PlanOverview, UnitPage};
use crate::work::{BranchPlans, LevelsAt};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use time::Date;
use uuid::Uuid;

/// Answers of one question, each with the audit sequence it was read at.
pub(crate) struct Kept<K, V> {
    entries: Mutex<HashMap<K, (i64, Arc<V>)>>,
    /// One turn per question being read now: whoever comes while it is read waits for it.
    reading: Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>,
    capacity: usize,
}

impl<K: Eq + Hash + Clone, V> Kept<K, V> {
    fn new(capacity: usize) -> Self {
        Kept {
            entries: Mutex::new(HashMap::new()),
            reading: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    /// The answer read at `seq`: kept, or read by `read` and kept. While one visitor reads it,
    /// the others asking the same question wait and take that reading if it was made at their
    /// sequence too (a hundred visitors of a progress page after a change read it once, not a
    /// hundred times). A failed reading is not kept: the next in line reads for itself.
    pub(crate) async fn get_or_read<E, F, R>(&self, key: K, seq: i64, read: F) -> Result<Arc<V>, E>
    where
        F: FnOnce() -> R,
        R: Future<Output = Result<V, E>>,
    {
        if let Some(kept) = self.get(&key, seq) {
            return Ok(kept);
        }
        let turn = Turn::take(self, &key);
        let _mine = turn.wait().await;
        if let Some(kept) = self.get(&key, seq) {
            return Ok(kept);
        }
        let value = Arc::new(read().await?);
        self.put(key, seq, Arc::clone(&value));
        Ok(value)
    }

    fn turns(&self) -> std::sync::MutexGuard<'_, HashMap<K, Arc<tokio::sync::Mutex<()>>>> {
        // Nothing is left half-done in the map by a panic elsewhere.
        self.reading.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The answer read at `seq`, if one is kept.
    pub(crate) fn get(&self, key: &K, seq: i64) -> Option<Arc<V>> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .filter(|(at, _)| *at == seq)
            .map(|(_, value)| Arc::clone(value))
    }

    /// Keeps `value`, read at `seq`; answers read before `seq` go first when room is needed.
    pub(crate) fn put(&self, key: K, seq: i64, value: Arc<V>) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.retain(|_, (at, _)| *at >= seq);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        match entries.get(&key) {
            // A slower reader of an older state does not replace a newer answer.
            Some((at, _)) if *at > seq => {}
            _ => {
                entries.insert(key, (seq, value));
            }
        }
    }
}

/// A caller's place in the line for one question. Its clone of the line's gate is taken and
/// given back under the map's lock, so the last one out (done, failed or cancelled: a visitor
/// who closed the page) removes the line: no line outlives its callers.
struct Turn<'a, K: Eq + Hash + Clone, V> {
    kept: &'a Kept<K, V>,
    key: K,
    /// `Some` until dropped.
    gate: Option<Arc<tokio::sync::Mutex<()>>>,
}

impl<'a, K: Eq + Hash + Clone, V> Turn<'a, K, V> {
    fn take(kept: &'a Kept<K, V>, key: &K) -> Self {
        let gate = Arc::clone(kept.turns().entry(key.clone()).or_default());
        Turn {
            kept,
            key: key.clone(),
            gate: Some(gate),
        }
    }

    /// Waits for those ahead in the line.
    async fn wait(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        Some(self.gate.as_ref()?.lock().await)
    }
}

impl<K: Eq + Hash + Clone, V> Drop for Turn<'_, K, V> {
    fn drop(&mut self) {
        let mut turns = self.kept.turns();
        if let Some(gate) = self.gate.take() {
            // The map's clone and this one: nobody else is in line.
            if Arc::strong_count(&gate) <= 2
                && turns
                    .get(&self.key)
                    .is_some_and(|line| Arc::ptr_eq(line, &gate))
            {
                turns.remove(&self.key);
            }
            // Given back while the map is still locked.
            drop(gate);
        }
    }
}

/// The answers an app keeps (shared by its clones).
pub(crate) struct Answers {
    /// (plan, node, today) → progress at the node and below it.
    pub(crate) progress: Kept<(Uuid, Option<Uuid>, Date), Vec<NodeProgress>>,
    /// (plan, org) → levels at the organisation and each of its children.
    pub(crate) levels: Kept<(Uuid, Uuid), Vec<LevelsAt>>,
    /// (plan, org, today) → those not yet reviewed or rated in its units.
    pub(crate) pending: Kept<(Uuid, Uuid, Date), Vec<PendingSubject>>,
    /// (plan, node) → the days on which its subjects passed each step.
    pub(crate) days: Kept<(Uuid, Uuid), Vec<StepDay>>,
    /// (code, as of, today) → an organisation's page.
    pub(crate) units: Kept<(String, Date, Date), UnitPage>,
    /// (plan, node, today) → the plan at the node, as its progress page shows it.
    pub(crate) overviews: Kept<(Uuid, OverviewNode, Date), PlanOverview>,
    /// (branch, today) → the plans its members work under and its open ballots (their home).
    pub(crate) branch_plans: Kept<(Uuid, Date), BranchPlans>,
}

impl std::fmt::Debug for Answers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Answers")
    }
}

impl Default for Answers {
    fn default() -> Self {
        Answers {
            progress: Kept::new(256),
            levels: Kept::new(1024),
            pending: Kept::new(1024),
            days: Kept::new(256),
            units: Kept::new(512),
            overviews: Kept::new(256),
            branch_plans: Kept::new(8192),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Kept;

    /// A line of callers waiting for one reading goes with its last caller: done, failed or
    /// given up (a visitor who closed the page) — and two callers at once read once.
    #[tokio::test]
    async fn a_line_goes_with_its_last_caller_and_callers_at_once_read_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::time::Duration;
        let kept: Kept<u8, u32> = Kept::new(8);
        let done = kept.get_or_read(1, 1, || async { Ok::<_, ()>(7) }).await;
        assert_eq!(done.map(|v| *v), Ok(7));
        assert!(kept.turns().is_empty());
        let failed = kept.get_or_read(2, 1, || async { Err::<u32, _>(()) }).await;
        assert!(failed.is_err());
        assert!(kept.turns().is_empty());
        let slow = kept.get_or_read(3, 1, || async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok::<_, ()>(1)
        });
        assert!(
            tokio::time::timeout(Duration::from_millis(20), slow)
                .await
                .is_err()
        );
        assert!(
            kept.turns().is_empty(),
            "the caller who gave up left no line"
        );
        let reads = AtomicUsize::new(0);
        let read = || async {
            reads.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            Ok::<_, ()>(5)
        };
        let (a, b) = tokio::join!(kept.get_or_read(4, 1, read), kept.get_or_read(4, 1, read));
        assert!(Arc::ptr_eq(&a.unwrap(), &b.unwrap()));
        assert_eq!(reads.load(Ordering::SeqCst), 1, "one reading for both");
        assert!(kept.turns().is_empty());
    }
    use std::sync::Arc;

    #[test]
    fn an_answer_is_served_only_at_the_sequence_it_was_read() {
        let kept: Kept<u8, &str> = Kept::new(2);
        kept.put(1, 10, Arc::new("a"));
        assert_eq!(kept.get(&1, 10).as_deref(), Some(&"a"));
        assert!(kept.get(&1, 11).is_none());
        // An older reader does not replace a newer answer.
        kept.put(1, 12, Arc::new("b"));
        kept.put(1, 11, Arc::new("old"));
        assert_eq!(kept.get(&1, 12).as_deref(), Some(&"b"));
    }

    #[test]
    fn room_is_made_from_older_answers_first() {
        let kept: Kept<u8, u8> = Kept::new(2);
        kept.put(1, 1, Arc::new(1));
        kept.put(2, 2, Arc::new(2));
        kept.put(3, 2, Arc::new(3));
        assert!(kept.get(&1, 1).is_none());
        assert_eq!(kept.get(&2, 2).as_deref(), Some(&2));
        assert_eq!(kept.get(&3, 2).as_deref(), Some(&3));
    }
}
