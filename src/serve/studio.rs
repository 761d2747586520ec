//! The studio: its page and scripts (built from `studio/`, embedded in the binary), and the
//! calls it makes under `/v1/studio`. Every call takes the editor's unsaved files as an overlay
//! on the rules folder, so results, explanations, impact, tests and the document follow the
//! text being typed; only `save` writes to disk, and only with `--allow-edit`.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::State as Extract;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value as Json, json};
use utoipa::ToSchema;

use super::State;
use super::api::counted;
use super::engine::{self, Rules};
use super::guard::{ApiError, JsonBody};

type Shared = Extract<Arc<State>>;

const INDEX: &str = include_str!("../../studio/dist/index.html");
const SCRIPT: &str = include_str!("../../studio/dist/studio.js");
const STYLE: &str = include_str!("../../studio/dist/studio.css");

/// The page may load only its own script and style; CodeMirror sets styles inline; the
/// rendered document shows in a frame without scripts.
const POLICY: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; object-src 'none'; base-uri 'none'";

pub fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/", get(index))
        .route(
            "/studio.js",
            get(|| asset(SCRIPT, "text/javascript; charset=utf-8")),
        )
        .route(
            "/studio.css",
            get(|| asset(STYLE, "text/css; charset=utf-8")),
        )
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/v1/studio/files", get(files))
        .route("/v1/studio/samples", get(samples))
        .route("/v1/studio/preview", post(preview))
        .route("/v1/studio/explain", post(explain))
        .route("/v1/studio/tests", post(tests))
        .route("/v1/studio/doc", post(doc))
        .route("/v1/studio/format", post(format))
        .route("/v1/studio/save", post(save))
}

async fn index() -> Response {
    (
        [
            (header::CONTENT_SECURITY_POLICY, POLICY),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::X_FRAME_OPTIONS, "DENY"),
        ],
        Html(INDEX),
    )
        .into_response()
}

async fn asset(text: &'static str, kind: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        text,
    )
        .into_response()
}

/// The rule files served, by the name the studio and the API use for them.
fn served(state: &State) -> Vec<(String, PathBuf)> {
    engine::rule_files(&state.config.rules)
        .into_iter()
        .map(|p| (crate::source::display_path(&p), p))
        .collect()
}

/// The canonical path of a served rule file named `name`; no other file can be named.
pub fn served_file(state: &State, name: &str) -> Result<PathBuf, ApiError> {
    served(state)
        .into_iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, p)| engine::canonical(&p))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not-found",
                format!("`{name}` is not a rule file this server serves (see /v1/studio/files)"),
            )
        })
}

/// The editor's unsaved files, by name.
#[derive(Deserialize, ToSchema, Default)]
pub struct Overlay {
    /// Rule file name -> its unsaved text.
    #[serde(default)]
    files: BTreeMap<String, String>,
    /// Records pasted into the studio, evaluated beside the samples.
    #[serde(default)]
    records: Vec<String>,
}

fn overlay(
    state: &State,
    files: &BTreeMap<String, String>,
) -> Result<HashMap<PathBuf, String>, ApiError> {
    files
        .iter()
        .map(|(name, text)| Ok((served_file(state, name)?, text.clone())))
        .collect()
}

/// The rules with the unsaved files in place, or their diagnostics.
fn load(state: &State, overlay: &HashMap<PathBuf, String>) -> Result<Rules, Json> {
    engine::load(&state.config.rules, overlay).map_err(|not| not.diagnostics)
}

/// The rule files served, with their texts.
#[utoipa::path(get, path = "/v1/studio/files", responses((status = 200, description = "The rule files", body = Object)))]
async fn files(Extract(state): Shared) -> axum::Json<Json> {
    let files: Vec<Json> = served(&state)
        .into_iter()
        .map(|(name, path)| {
            json!({ "path": name, "text": crate::source::read_text(&path).unwrap_or_default() })
        })
        .collect();
    json!({ "files": files, "allow_edit": state.config.allow_edit }).into()
}

/// The sample records given with `--data`.
#[utoipa::path(get, path = "/v1/studio/samples", responses((status = 200, description = "The samples", body = Object)))]
async fn samples(Extract(state): Shared) -> axum::Json<Json> {
    let samples: Vec<Json> = state
        .samples
        .iter()
        .map(|r| json!({ "name": r.origin.to_string(), "text": r.text }))
        .collect();
    json!({ "samples": samples }).into()
}

/// With the unsaved files: their diagnostics, every sample's result, and the impact of the
/// change against the rules in force (as `tally diff --format json`).
#[utoipa::path(post, path = "/v1/studio/preview", request_body = Overlay,
    responses((status = 200, description = "Diagnostics, results and impact", body = Object),
        (status = 404, description = "A file that is not served", body = super::api::ErrorBody)))]
async fn preview(
    Extract(state): Shared,
    request: JsonBody<Overlay>,
) -> Result<axum::Json<Json>, ApiError> {
    let axum::Json(request) = request?;
    let overlay = overlay(&state, &request.files)?;
    let inner = state.clone();
    let answer = state
        .cpu(move || {
            // The samples carry their own dates; a pasted record without one is as of today.
            let today = crate::stamp::today();
            let mut records = inner.samples.clone();
            records.extend(
                request.records.iter().enumerate().map(|(i, text)| {
                    let mut r = engine::record(text.clone().into_bytes(), None);
                    r.origin.file = format!("pasted {}", i + 1);
                    r
                }),
            );
            // Diagnostics as the editor's language service gives them; results from the rules
            // loaded with the same texts.
            let diagnostics = counted(engine::live_diagnostics(&inner.config.rules, &overlay));
            let edited = match load(&inner, &overlay) {
                Ok(rules) => rules,
                Err(_) => return json!({ "checks": false, "diagnostics": diagnostics }),
            };
            let results: Vec<Json> = engine::evaluate_batch(&edited, &records, today)
                .into_iter()
                .zip(&records)
                .map(|(result, record)| {
                    let name = record.origin.to_string();
                    match result {
                        Ok(text) => json!({ "name": name, "result": serde_json::from_str::<Json>(&text).unwrap_or_default() }),
                        Err(problem) => json!({ "name": name, "error": ApiError::problem(problem).body }),
                    }
                })
                .collect();
            let impact = engine::impact(&inner.rules(), &edited, &records, today);
            json!({
                "checks": true,
                "diagnostics": diagnostics,
                "results": results,
                "impact": impact,
            })
        })
        .await?;
    Ok(axum::Json(answer))
}

#[derive(Deserialize, ToSchema)]
pub struct ExplainRequest {
    #[serde(default)]
    files: BTreeMap<String, String>,
    /// The record to explain, as JSON text.
    record: String,
    designation: Option<String>,
}

/// One record explained with the unsaved files.
#[utoipa::path(post, path = "/v1/studio/explain", request_body = ExplainRequest,
    responses((status = 200, description = "The explanation", body = Object),
        (status = 422, description = "The rules do not check, or the record has no result", body = super::api::ErrorBody)))]
async fn explain(
    Extract(state): Shared,
    request: JsonBody<ExplainRequest>,
) -> Result<axum::Json<Json>, ApiError> {
    let axum::Json(request) = request?;
    with_edited_rules(&state, &request.files, move |rules| {
        let record = engine::record(request.record.into_bytes(), None);
        engine::explain(
            rules,
            &record,
            request.designation.as_deref(),
            crate::stamp::today(),
        )
        .map(axum::Json)
        .map_err(ApiError::problem)
    })
    .await
}

/// Runs `work` off the async threads on the rules with the unsaved `files` in place; rules
/// that do not check are a 422 with their diagnostics.
async fn with_edited_rules<T: Send + 'static>(
    state: &Arc<State>,
    files: &BTreeMap<String, String>,
    work: impl FnOnce(&Rules) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let overlay = overlay(state, files)?;
    let inner = state.clone();
    state
        .cpu(move || work(&load(&inner, &overlay).map_err(not_checking)?))
        .await?
}

fn not_checking(diagnostics: Json) -> ApiError {
    let mut error = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "rules-do-not-check",
        "the rules do not check",
    );
    error.body["diagnostics"] = counted(diagnostics);
    error
}

/// The tests written next to the rules, run with the unsaved files.
#[utoipa::path(post, path = "/v1/studio/tests", request_body = Overlay,
    responses((status = 200, description = "Each test case", body = Object),
        (status = 422, description = "The rules do not check", body = super::api::ErrorBody)))]
async fn tests(
    Extract(state): Shared,
    request: JsonBody<Overlay>,
) -> Result<axum::Json<Json>, ApiError> {
    let axum::Json(request) = request?;
    with_edited_rules(&state, &request.files, |rules| {
        let cases = engine::tests(rules);
        let passed = cases.iter().filter(|c| c.passed).count();
        Ok(axum::Json(
            json!({ "passed": passed, "failed": cases.len() - passed, "tests": cases }),
        ))
    })
    .await
}

/// The rules with the unsaved files, rendered as `tally doc --format html` renders them.
#[utoipa::path(post, path = "/v1/studio/doc", request_body = Overlay,
    responses((status = 200, description = "The document", body = String, content_type = "text/html"),
        (status = 422, description = "The rules do not check", body = super::api::ErrorBody)))]
async fn doc(Extract(state): Shared, request: JsonBody<Overlay>) -> Result<Response, ApiError> {
    let axum::Json(request) = request?;
    let html =
        with_edited_rules(&state, &request.files, |rules| Ok(engine::doc_html(rules))).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            ),
        ],
        html,
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct FormatRequest {
    text: String,
}

/// A rule file's text in the canonical layout (as `tally fmt`).
#[utoipa::path(post, path = "/v1/studio/format", request_body = FormatRequest,
    responses((status = 200, description = "The formatted text", body = Object),
        (status = 422, description = "The text does not parse", body = super::api::ErrorBody)))]
async fn format(
    Extract(state): Shared,
    request: JsonBody<FormatRequest>,
) -> Result<axum::Json<Json>, ApiError> {
    let axum::Json(request) = request?;
    let formatted = state.cpu(move || engine::format(&request.text)).await?;
    match formatted {
        Some(text) => Ok(axum::Json(json!({ "text": text }))),
        None => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "does-not-parse",
            "the text does not parse, so it cannot be formatted; see its diagnostics",
        )),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct SaveRequest {
    /// A served rule file's name.
    path: String,
    text: String,
}

/// Saves a rule file, formatted, when the rules check with it (only with `--allow-edit`). The
/// rules in force are then the saved ones.
#[utoipa::path(post, path = "/v1/studio/save", request_body = SaveRequest,
    responses((status = 200, description = "Saved and in force", body = Object),
        (status = 403, description = "The server was started without --allow-edit", body = super::api::ErrorBody),
        (status = 422, description = "The rules do not check with this text", body = super::api::ErrorBody)))]
async fn save(
    Extract(state): Shared,
    request: JsonBody<SaveRequest>,
) -> Result<axum::Json<Json>, ApiError> {
    let axum::Json(request) = request?;
    if !state.config.allow_edit {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "editing-off",
            "this server does not save rule files; start it with --allow-edit",
        ));
    }
    let file = served_file(&state, &request.path)?;
    let inner = state.clone();
    state
        .cpu(move || {
            let text = engine::format(&request.text).ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "does-not-parse",
                    "the text does not parse",
                )
            })?;
            let overlay = HashMap::from([(file.clone(), text.clone())]);
            let rules = load(&inner, &overlay).map_err(not_checking)?;
            std::fs::write(&file, &text).map_err(|e| {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "cannot-write",
                    format!("cannot write {}: {e}", request.path),
                )
            })?;
            let digest = rules.digest.clone();
            inner.swap(rules);
            inner.set_failed_reload(None);
            eprintln!(
                "tally serve: {} saved from the studio; rules {digest} in force",
                request.path
            );
            Ok(axum::Json(
                json!({ "saved": request.path, "text": text, "rules_digest": digest }),
            ))
        })
        .await?
}
