//! # dangjian-serve
//!
//! `dangjian serve`: a ledger kept in memory with its engine and served over HTTP, as
//! `docs/SERVICE.md` says. The reads answer exactly what the command line writes (the
//! same functions of [`dangjian::output`] and [`dangjian::report::page`] write both); the
//! writes go to the SQLite database first, then into memory.
//!
//! The web stack (axum, tokio, utoipa) lives in this crate only: the core library and the
//! Python module do not pull it in.
//!
//! ```no_run
//! use dangjian_serve::{Options, Server};
//!
//! let opts = Options {
//!     data: "ledger.sqlite".into(),
//!     listen: "127.0.0.1:0".parse().unwrap(),
//!     tokens: Some("tokens.toml".into()),
//!     ..Options::default()
//! };
//! let server = Server::start(&opts).unwrap();
//! println!("listening on http://{}", server.addr());
//! server.stop();
//! ```
#![deny(missing_docs)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;

mod auth;
mod error;
pub mod openapi;
mod params;
mod read;
mod state;
pub mod store;
pub mod tokens;
mod write;

use dangjian::live;

pub use auth::Principal;
pub use error::ApiError;
pub use state::{Auth, Limits, Service};
pub use write::XLSX;

/// How to run the service (`dangjian serve`'s options).
#[derive(Clone, Debug)]
pub struct Options {
    /// The ledger: an `.sqlite` database (read and written), or any other form (read only).
    pub data: PathBuf,
    /// The address to listen on (default `127.0.0.1:8080`).
    pub listen: SocketAddr,
    /// The tokens file (`dangjian token add`); required unless `no_auth`.
    pub tokens: Option<PathBuf>,
    /// No tokens: everyone is admin. Refused unless `listen` is a loopback address.
    pub no_auth: bool,
    /// The limits of one request.
    pub limits: Limits,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            data: PathBuf::new(),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            tokens: None,
            no_auth: false,
            limits: Limits::default(),
        }
    }
}

/// The service cannot start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The options do not go together.
    #[error("{0}")]
    Options(String),
    /// The ledger cannot be loaded.
    #[error(transparent)]
    Ledger(#[from] dangjian::LedgerError),
    /// The tokens file cannot be read.
    #[error(transparent)]
    Tokens(#[from] tokens::TokenError),
    /// The address cannot be listened on, or the runtime cannot start.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// The service's routes over `service`, with every error a JSON answer and a panic a 500.
pub fn router(service: Arc<Service>) -> Router {
    Router::new()
        .route("/healthz", get(read::healthz))
        .route("/", get(read::page))
        .route("/api/v1/report", get(read::report))
        .route("/api/v1/tasks", get(read::tasks))
        .route("/api/v1/duties", get(read::duties))
        .route("/api/v1/coverage", get(read::coverage))
        .route("/api/v1/cadres", get(read::cadres))
        .route("/api/v1/stats/{name}", get(read::stats))
        .route("/api/v1/catalogue", get(read::catalogue))
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/changes", get(write::changes))
        .route("/api/v1/activities", post(write::activities))
        .route("/api/v1/progress", post(write::progress))
        .route("/api/v1/observations", post(write::observations))
        .route("/api/v1/ledger", put(write::put_ledger))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(service)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(on_panic))
}

async fn openapi_json(
    axum::extract::State(s): axum::extract::State<Arc<Service>>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    s.principal(&headers)?;
    Ok(read::typed(
        error::JSON,
        error::json_body(&openapi::document()),
    ))
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no such endpoint; see /api/v1/openapi.json",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "this endpoint does not take this method; see /api/v1/openapi.json",
    )
}

fn on_panic(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal("the request failed on the server").into_response()
}

/// The service of `opts`: the ledger loaded and indexed, the tokens read.
pub fn service(opts: &Options) -> Result<Service, ServeError> {
    let auth = match (&opts.tokens, opts.no_auth) {
        (_, true) if !opts.listen.ip().is_loopback() => {
            return Err(ServeError::Options(format!(
                "--no-auth is refused on {}: without tokens the service may only listen on a loopback address (127.0.0.1, ::1)",
                opts.listen.ip()
            )))
        }
        (Some(_), true) => {
            return Err(ServeError::Options(
                "--no-auth and --tokens do not go together; give one".to_string(),
            ))
        }
        (None, true) => Auth::Nobody,
        (Some(path), false) => {
            let tokens = tokens::Tokens::read(path)?;
            let mtime = std::fs::metadata(path).and_then(|m| m.modified()).ok();
            Auth::File {
                path: path.clone(),
                cache: parking_lot::RwLock::new((mtime, Arc::new(tokens))),
            }
        }
        (None, false) => {
            return Err(ServeError::Options(
                "give --tokens TOKENS.toml (make one with `dangjian token add`), or --no-auth on a loopback address".to_string(),
            ))
        }
    };
    let is_db = opts
        .data
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("sqlite") || e.eq_ignore_ascii_case("db"));
    let (ledger, store): (_, Option<Box<dyn store::Store>>) = if is_db {
        let db = store::Db::open(&opts.data)?;
        let ledger = db
            .load_with(&dangjian::ledger::ValidateOptions::full())?
            .ledger;
        (ledger, Some(Box::new(db)))
    } else {
        (dangjian::load(&opts.data)?, None)
    };
    let name = opts
        .data
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Service::new(ledger, store, auth, opts.limits, name))
}

/// A running service, on a runtime of its own.
pub struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Loads the ledger, binds `opts.listen` and serves on a thread of its own until
    /// [`Server::stop`] (port 0 picks a free port: see [`Server::addr`]).
    pub fn start(opts: &Options) -> Result<Server, ServeError> {
        let service = Arc::new(service(opts)?);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(opts.listen))
            .map_err(|e| ServeError::Options(format!("cannot listen on {}: {e}", opts.listen)))?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let _ = axum::serve(listener, router(service))
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        Ok(Server {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops serving and waits for the requests under way.
    pub fn stop(mut self) {
        self.shutdown();
    }

    /// Waits until the service ends (it does not by itself: for `dangjian serve`).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    fn shutdown(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}
