//! `tally serve`: the rules as an HTTP service for systems (JSON under `/v1`) and as a studio
//! in the browser (at `/`) for program managers and auditors.
//!
//! The server holds the last rules that checked; a watcher swaps in edits that check and
//! reports those that do not. Evaluation is CPU work: it runs on blocking threads, at most one
//! per core at a time, never on the threads that serve connections.

mod api;
pub mod engine;
mod guard;
mod studio;
mod watch;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use clap::Args;
use serde_json::Value as Json;
use tokio::sync::Semaphore;

use crate::run::input::{RawRecord, Records};
use engine::Rules;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Rule files or folders of them; folders are watched for edits
    #[arg(default_value = "rules")]
    rules: Vec<PathBuf>,
    /// Sample records for the studio: a JSON file, a folder of them or a JSON Lines file
    #[arg(long, short)]
    data: Option<PathBuf>,
    /// The address to listen on; any address but loopback needs --token
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// A bearer token every API request must carry (also read from TALLY_TOKEN)
    #[arg(long)]
    token: Option<String>,
    /// Let the studio save rule files to disk (off by default)
    #[arg(long)]
    allow_edit: bool,
    /// The largest request body, in bytes
    #[arg(long, default_value_t = 8 << 20)]
    max_body: usize,
    /// The longest a request may take, in seconds
    #[arg(long, default_value_t = 30)]
    timeout: u64,
}

/// How the server is set up; [`router`] serves it.
pub struct Config {
    pub rules: Vec<PathBuf>,
    pub data: Option<PathBuf>,
    pub token: Option<String>,
    pub allow_edit: bool,
    pub max_body: usize,
    pub timeout: Duration,
    /// Evaluations at once (a request waits for a turn).
    pub concurrency: usize,
}

impl Config {
    pub fn new(rules: Vec<PathBuf>) -> Config {
        Config {
            rules,
            data: None,
            token: None,
            allow_edit: false,
            max_body: 8 << 20,
            timeout: Duration::from_secs(30),
            concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

/// The most sample records the studio keeps: each edit evaluates them all twice.
const MAX_SAMPLES: usize = 2000;

/// What every request sees.
pub struct State {
    pub config: Config,
    rules: RwLock<Arc<Rules>>,
    /// The last reload that failed, while the rules in force are older than the files.
    failed_reload: RwLock<Option<Json>>,
    samples: Vec<RawRecord>,
    permits: Semaphore,
}

impl State {
    /// Loads the rules and samples; the rules must check, as for `tally eval`.
    pub fn new(config: Config) -> Result<State, String> {
        let rules = engine::load(&config.rules, &HashMap::new())
            .map_err(|not| format!("{}tally serve: the rules do not check", not.text))?;
        let samples = match &config.data {
            None => Vec::new(),
            Some(path) => Records::open(path)
                .and_then(|mut r| r.next_chunk(MAX_SAMPLES))
                .map_err(|e| format!("tally serve: cannot read --data: {e}"))?,
        };
        Ok(State {
            permits: Semaphore::new(config.concurrency.max(1)),
            config,
            rules: RwLock::new(Arc::new(rules)),
            failed_reload: RwLock::new(None),
            samples,
        })
    }

    /// The rules in force.
    pub fn rules(&self) -> Arc<Rules> {
        self.rules
            .read()
            .map_or_else(|e| e.into_inner().clone(), |r| r.clone())
    }

    fn swap(&self, rules: Rules) {
        match self.rules.write() {
            Ok(mut r) => *r = Arc::new(rules),
            Err(e) => *e.into_inner() = Arc::new(rules),
        }
    }

    fn set_failed_reload(&self, failure: Option<Json>) {
        match self.failed_reload.write() {
            Ok(mut f) => *f = failure,
            Err(e) => *e.into_inner() = failure,
        }
    }

    fn failed_reload(&self) -> Option<Json> {
        self.failed_reload
            .read()
            .map_or_else(|e| e.into_inner().clone(), |f| f.clone())
    }

    /// Loads the rules on disk again: put in force when they check, reported at `/v1/rules` and
    /// in the log when they do not (the watcher calls this when a file changes).
    pub fn reload(&self) {
        watch::reload(self);
    }

    /// Runs CPU work on a blocking thread once a turn is free; a busy server answers 503.
    async fn cpu<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, guard::ApiError> {
        let busy = || {
            guard::ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "the server is busy; try again",
            )
        };
        let permit = tokio::time::timeout(self.config.timeout, self.permits.acquire())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let result = tokio::task::spawn_blocking(work).await;
        drop(permit);
        result.map_err(|_| {
            guard::ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the evaluation stopped unexpectedly",
            )
        })
    }
}

/// The whole service: the API, the studio and the limits around them.
pub fn router(state: Arc<State>) -> Router {
    let timeout = state.config.timeout;
    let max_body = state.config.max_body;
    Router::new()
        .merge(api::routes())
        .merge(studio::routes())
        .fallback(guard::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::authorize,
        ))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .with_state(state)
}

pub fn run(mut args: ServeArgs) -> u8 {
    if args.token.is_none() {
        args.token = std::env::var("TALLY_TOKEN").ok();
    }
    if !args.bind.ip().is_loopback() && args.token.as_deref().is_none_or(str::is_empty) {
        eprintln!(
            "tally serve: {} is not a loopback address; give --token (or TALLY_TOKEN) so that every request must carry it",
            args.bind
        );
        return crate::cli::USAGE;
    }
    let config = Config {
        data: args.data,
        token: args.token.filter(|t| !t.is_empty()),
        allow_edit: args.allow_edit,
        max_body: args.max_body,
        timeout: Duration::from_secs(args.timeout.max(1)),
        ..Config::new(args.rules)
    };
    let state = match State::new(config) {
        Ok(state) => Arc::new(state),
        Err(message) => {
            eprintln!("{message}");
            return crate::cli::USAGE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("tally serve: cannot start: {e}");
            return crate::cli::USAGE;
        }
    };
    runtime.block_on(serve(state, args.bind))
}

async fn serve(state: Arc<State>, bind: SocketAddr) -> u8 {
    let listener = match tokio::net::TcpListener::bind(bind).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("tally serve: cannot listen on {bind}: {e}");
            return crate::cli::USAGE;
        }
    };
    let address = listener.local_addr().unwrap_or(bind);
    let rules = state.rules();
    eprintln!(
        "tally serve: {} rule files (digest {}), {} samples; studio at http://{address}/, API at http://{address}/v1/",
        rules.program.sources.files().count(),
        rules.digest,
        state.samples.len(),
    );
    drop(rules);
    tokio::spawn(watch::watch(state.clone()));
    let app = router(state);
    match axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
    {
        Ok(()) => {
            eprintln!("tally serve: stopped");
            crate::cli::OK
        }
        Err(e) => {
            eprintln!("tally serve: {e}");
            crate::cli::FAILED
        }
    }
}

/// SIGTERM or Ctrl-C: stop accepting, finish the requests in flight.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    eprintln!("tally serve: shutting down; finishing the requests in flight");
}
