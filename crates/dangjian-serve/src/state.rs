//! The live state: two copies of the ledger with its engine ("left-right"), so that a read
//! never waits on a write, nor on a long evaluation of another read.
//!
//! A read takes the current copy for reading and evaluates (on a blocking thread). A write,
//! one at a time under the writer lock, checks its rows against the current copy, commits
//! them to the database, then takes the spare copy (waiting for the reads that began on it
//! before the last flip), brings it up to date with the write before (kept pending since),
//! applies its own rows, and makes it current; then it is answered: every read that begins
//! after the answer sees it. The other copy takes the write at the start of the next one,
//! so that a write waits for the reads of one flip, not two. A writer only ever locks a
//! copy that is not current, so a reader that finds its copy locked (it read `current`
//! just before a flip) reads `current` again and takes the other one, which is free.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use axum::http::StatusCode;
use dangjian::model::Table;
use dangjian::Ledger;
use parking_lot::{Mutex, RwLock, RwLockReadGuard};

use crate::auth::Principal;
use crate::error::{ApiError, ProblemOut};
use crate::live::{Checked, Live};
use crate::store::{Change, Store};
use crate::tokens::Tokens;
use crate::write::{record, Written};

/// How requests are authenticated.
pub enum Auth {
    /// Everyone is admin of the whole ledger (`--no-auth`, loopback only).
    Nobody,
    /// Tokens of this file, read again when it changes (so `dangjian token add` takes
    /// effect without a restart).
    File {
        /// The tokens file.
        path: PathBuf,
        /// Its tokens, with the modification time they were read at.
        cache: RwLock<(Option<SystemTime>, Arc<Tokens>)>,
    },
}

/// Limits on what one request may carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of a request body (`--max-body`, default 2 MiB).
    pub max_body: usize,
    /// Rows of one write (`--max-rows`, default 10,000).
    pub max_rows: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 2 << 20,
            max_rows: 10_000,
        }
    }
}

/// The service's state, shared by every request.
pub struct Service {
    copies: [RwLock<Live>; 2],
    current: AtomicUsize,
    /// The store, held by the one write at a time (`None`: served read-only), and the
    /// write the spare copy has not taken yet.
    writer: Mutex<Writer>,
    /// Whether there is a store (known without waiting for the writer).
    has_store: bool,
    auth: Auth,
    /// The request limits.
    pub limits: Limits,
    /// The database's file name (not its path), for the commands the page suggests.
    pub(crate) data_name: String,
}

impl Service {
    /// A service over `ledger`, writing to `store` (none: read-only).
    pub fn new(
        ledger: Ledger,
        store: Option<Box<dyn Store>>,
        auth: Auth,
        limits: Limits,
        data_name: String,
    ) -> Self {
        let spare = ledger.clone();
        Service {
            copies: [
                RwLock::new(Live::new(ledger)),
                RwLock::new(Live::new(spare)),
            ],
            current: AtomicUsize::new(0),
            has_store: store.is_some(),
            writer: Mutex::new(Writer {
                store,
                pending: None,
            }),
            auth,
            limits,
            data_name,
        }
    }

    /// The current copy, for reading (see the module's documentation).
    pub fn read(&self) -> RwLockReadGuard<'_, Live> {
        loop {
            let i = self.current.load(Ordering::Acquire);
            if let Some(g) = self.copies[i].try_read() {
                return g;
            }
            // A writer holds or awaits this copy, so it is no longer current.
            std::thread::yield_now();
        }
    }

    /// Who sent `headers`, or 401.
    pub fn principal(&self, headers: &axum::http::HeaderMap) -> Result<Principal, ApiError> {
        match &self.auth {
            Auth::Nobody => Ok(Principal::anonymous()),
            Auth::File { path, cache } => {
                let mtime = std::fs::metadata(path).and_then(|m| m.modified()).ok();
                let tokens = {
                    let c = cache.read();
                    (c.0 == mtime).then(|| c.1.clone())
                };
                let tokens = match tokens {
                    Some(t) => t,
                    None => {
                        // Read again; a file gone bad keeps the tokens read before.
                        let mut c = cache.write();
                        if let Ok(t) = Tokens::read(path) {
                            *c = (mtime, Arc::new(t));
                        }
                        c.1.clone()
                    }
                };
                crate::auth::principal(headers, &tokens)
            }
        }
    }
}

impl Service {
    /// 405 unless the ledger is a database (never waits: handlers call it on the async
    /// threads).
    pub fn writable(&self) -> Result<(), ApiError> {
        if self.has_store {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "this ledger is served read-only: only an SQLite ledger takes writes; export it \
                 (`dangjian export --data LEDGER --to ledger.sqlite`) and serve that",
            ))
        }
    }

    /// Appends rows: `check` them against the current copy (under the writer lock, so no
    /// other write comes between), store them, then apply them to both copies.
    pub fn append(
        &self,
        who: &Principal,
        table: Table,
        check: impl FnOnce(&Live) -> Result<Checked, ApiError>,
    ) -> Result<Written, ApiError> {
        let mut writer = self.writer.lock();
        let Writer { store, pending } = &mut *writer;
        let store = store.as_mut().ok_or_else(|| self.writable().unwrap_err())?;
        let cur = self.current.load(Ordering::Acquire);
        // Only a writer locks a copy for writing, and only the other one: this never waits.
        let checked = check(&self.copies[cur].read())?;
        let change = record(who, "append", Some(table), checked.added, checked.unchanged);
        let number = store
            .append(table, checked.rows(), &change)
            .map_err(|e| stored_nothing(&e))?;
        self.swap_in(cur, &mut **store, pending, checked.clone());
        Ok(Written {
            added: checked.added,
            unchanged: checked.unchanged,
            change: number,
            warnings: checked.warnings.iter().map(ProblemOut::from).collect(),
        })
    }

    /// Replaces the whole ledger: stored, then each copy built anew.
    pub fn replace(&self, who: &Principal, ledger: Ledger) -> Result<u64, ApiError> {
        let mut writer = self.writer.lock();
        let Writer { store, pending } = &mut *writer;
        let store = store.as_mut().ok_or_else(|| self.writable().unwrap_err())?;
        let cur = self.current.load(Ordering::Acquire);
        let rows: usize = Table::ALL.iter().map(|&t| ledger.len_of(t)).sum();
        let change = record(who, "replace", None, rows, 0);
        let number = store
            .replace(&ledger, &change)
            .map_err(|e| stored_nothing(&e))?;
        // Both copies are built anew (a rare, whole change): nothing stays pending.
        let spare = 1 - cur;
        *pending = None;
        *self.copies[spare].write() = Live::new(ledger.clone());
        self.current.store(spare, Ordering::Release);
        *self.copies[cur].write() = Live::new(ledger);
        Ok(number)
    }

    /// The change log after `after`.
    pub fn changes(&self, after: u64) -> Result<Vec<Change>, ApiError> {
        let writer = self.writer.lock();
        let store = writer
            .store
            .as_ref()
            .ok_or_else(|| self.writable().unwrap_err())?;
        store
            .changes(after)
            .map_err(|e| ApiError::internal(format!("the change log cannot be read: {e}")))
    }

    /// Brings the spare copy up to date (the write before, pending since), applies the
    /// stored write `checked` to it and makes it current; `checked` is then pending for the
    /// other copy. Should applying panic, both copies are loaded again from the store, so
    /// that memory never differs from the database.
    fn swap_in(
        &self,
        cur: usize,
        store: &mut dyn Store,
        pending: &mut Option<Checked>,
        checked: Checked,
    ) {
        let spare = 1 - cur;
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut live = self.copies[spare].write();
            if let Some(before) = pending.take() {
                live.apply(&before);
            }
            live.apply(&checked);
            drop(live);
            self.current.store(spare, Ordering::Release);
        }));
        *pending = Some(checked);
        if ok.is_err() {
            *pending = None;
            if let Ok(l) = store.load() {
                *self.copies[spare].write() = Live::new(l.clone());
                self.current.store(spare, Ordering::Release);
                *self.copies[cur].write() = Live::new(l);
            }
        }
    }
}

/// The store and the write the spare copy has not taken yet.
struct Writer {
    store: Option<Box<dyn Store>>,
    pending: Option<Checked>,
}

/// A store that failed: nothing was written (each write is one transaction).
fn stored_nothing(e: &str) -> ApiError {
    ApiError::internal(format!("the write could not be stored, nothing was: {e}"))
}
