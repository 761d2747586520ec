//! The rules folder, watched: an edit that checks is put in force at once (one swap of the
//! rules, so a request sees the old rules or the new, never a mix); one that does not is
//! logged and reported at `/v1/rules`, and the last rules that checked stay in force.
//!
//! Polling the files' sizes and times once a second is simple, needs no platform support and
//! cannot miss an editor's rename-over-the-file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::json;

use super::{State, engine};

const EVERY: Duration = Duration::from_secs(1);

/// What is on disk: each rule file's path, size and time of change.
type Fingerprint = Vec<(PathBuf, u64, Option<SystemTime>)>;

fn fingerprint(state: &State) -> Fingerprint {
    let mut paths = engine::rule_files(&state.config.rules);
    let rules = state.rules();
    paths.extend(rules.program.sources.files().map(|(_, f)| f.path.clone()));
    drop(rules);
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .map(|p| {
            let meta = std::fs::metadata(&p).ok();
            let len = meta.as_ref().map_or(u64::MAX, |m| m.len());
            let modified = meta.and_then(|m| m.modified().ok());
            (p, len, modified)
        })
        .collect()
}

pub async fn watch(state: Arc<State>) {
    let mut last: Option<Fingerprint> = None;
    loop {
        let inner = state.clone();
        let before = last.take();
        let seen = tokio::task::spawn_blocking(move || {
            let now = fingerprint(&inner);
            if before.as_ref().is_some_and(|b| *b != now) {
                inner.reload();
            }
            now
        })
        .await;
        last = seen.ok();
        tokio::time::sleep(EVERY).await;
    }
}

/// Loads the files on disk; swaps them in when they check.
pub(super) fn reload(state: &State) {
    match engine::load(&state.config.rules, &HashMap::new()) {
        Ok(rules) => {
            eprintln!(
                "tally serve: rules changed on disk; {} in force",
                rules.digest
            );
            state.swap(rules);
            state.set_failed_reload(None);
        }
        Err(not) => {
            eprintln!(
                "{}tally serve: rules changed on disk but do not check; the last rules that checked stay in force",
                not.text
            );
            let in_force = state.rules().digest.clone();
            state.set_failed_reload(Some(json!({
                "at_unix_seconds": SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs()),
                "message": "the rules on disk do not check; the last rules that checked stay in force",
                "in_force": in_force,
                "diagnostics": not.diagnostics,
            })));
        }
    }
}
