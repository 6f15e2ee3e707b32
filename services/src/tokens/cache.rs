//! Token look-ups remembered in memory for at most [`LOOKUP_TTL`]: a busy API does not ask the
//! database on every request, and a revocation still reaches every node within that time (each
//! node forgets what it saw; nothing needs to be told).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use shaobao_domain::Role;

/// How long a look-up is trusted: a revoked token is refused on every node within this time.
pub const LOOKUP_TTL: Duration = Duration::from_secs(1);

/// Entries kept at most; unknown tokens are remembered too, so a flood of made-up tokens costs
/// one query each per second, and this bounds the memory they take.
const MAX_ENTRIES: usize = 10_000;

/// A token's row as the last look-up found it.
#[derive(Debug, Clone)]
pub(super) struct StoredToken {
    pub id: String,
    pub role: Role,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    pub last_used_at: Option<DateTime<Utc>>,
}

struct Entry {
    fetched: Instant,
    /// `None`: no such token.
    token: Option<StoredToken>,
}

/// Look-ups by token hash.
#[derive(Default)]
pub(super) struct LookupCache {
    entries: Mutex<HashMap<String, Entry>>,
    /// Look-ups answered from memory, and those that had to ask the store (for `/metrics`).
    hits: AtomicU64,
    misses: AtomicU64,
}

/// How often the cache answered: `(hits, misses)` since the process started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheCounts {
    pub hits: u64,
    pub misses: u64,
}

impl LookupCache {
    /// The remembered look-up of `hash`, unless it is older than [`LOOKUP_TTL`]. The outer
    /// `None` means: ask the store.
    pub fn get(&self, hash: &str) -> Option<Option<StoredToken>> {
        let entries = self.entries.lock().expect("token cache poisoned");
        let found = entries
            .get(hash)
            .filter(|e| e.fetched.elapsed() < LOOKUP_TTL)
            .map(|e| e.token.clone());
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    pub fn counts(&self) -> CacheCounts {
        CacheCounts {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }

    pub fn put(&self, hash: String, token: Option<StoredToken>, fetched: Instant) {
        let mut entries = self.entries.lock().expect("token cache poisoned");
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, e| e.fetched.elapsed() < LOOKUP_TTL);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(hash, Entry { fetched, token });
    }

    /// Notes that `hash`'s token was marked used at `at` (so it is not written again soon).
    pub fn used(&self, hash: &str, at: DateTime<Utc>) {
        let mut entries = self.entries.lock().expect("token cache poisoned");
        if let Some(token) = entries.get_mut(hash).and_then(|e| e.token.as_mut()) {
            token.last_used_at = Some(at);
        }
    }

    /// Forgets `id`'s look-ups (this node revoked it: no need to wait).
    pub fn forget(&self, id: &str) {
        let mut entries = self.entries.lock().expect("token cache poisoned");
        entries.retain(|_, e| e.token.as_ref().is_none_or(|t| t.id != id));
    }
}
