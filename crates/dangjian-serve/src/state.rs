//! The live state: two copies of the ledger with its engine ("left-right"), so that a read
//! never waits on a write, nor on a long evaluation of another read.
//!
//! A read takes the current copy for reading and evaluates (on a blocking thread). A write,
//! one at a time under the writer lock, checks its rows against the current copy, commits
//! them to the database, applies them to the spare copy, makes the spare current, then
//! applies them to the other copy; only then is it answered. A writer only ever locks a
//! copy that is not current, so a reader that finds its copy locked (it read `current`
//! just before a flip) reads `current` again and takes the other one, which is free.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use parking_lot::{RwLock, RwLockReadGuard};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::live::Live;
use crate::tokens::Tokens;

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
    auth: Auth,
    /// The request limits.
    pub limits: Limits,
    /// The database's file name (not its path), for the commands the page suggests.
    pub(crate) data_name: String,
}

impl Service {
    /// A service over `ledger`.
    pub fn new(ledger: dangjian::Ledger, auth: Auth, limits: Limits, data_name: String) -> Self {
        let spare = ledger.clone();
        Service {
            copies: [
                RwLock::new(Live::new(ledger)),
                RwLock::new(Live::new(spare)),
            ],
            current: AtomicUsize::new(0),
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
