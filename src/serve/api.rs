//! The JSON API for systems, under `/v1`: evaluate, explain, check, the rules in force, health
//! and readiness, and the OpenAPI document generated from these handlers.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State as Extract};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::engine;
use super::guard::ApiError;
use super::{State, studio};

type Shared = Extract<Arc<State>>;

pub fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/ready", get(ready))
        .route("/v1/rules", get(rules))
        .route("/v1/evaluate", post(evaluate))
        .route("/v1/evaluate/batch", post(evaluate_batch))
        .route("/v1/explain", post(explain))
        .route("/v1/check", post(check))
        .route("/v1/openapi.json", get(openapi))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tally",
        description = "Rules of a partner program as a service: evaluate records, explain them, check rule text. Records and results are the JSON of `tally eval --format json`."
    ),
    paths(
        health,
        ready,
        rules,
        evaluate,
        evaluate_batch,
        explain,
        check,
        openapi,
        studio::files,
        studio::samples,
        studio::preview,
        studio::explain,
        studio::tests,
        studio::doc,
        studio::format,
        studio::save
    ),
    components(schemas(
        ErrorBody,
        CheckRequest,
        studio::Overlay,
        studio::ExplainRequest,
        studio::FormatRequest,
        studio::SaveRequest
    ))
)]
struct ApiDoc;

/// The OpenAPI document, as JSON.
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

/// An error: a stable code, a message, and for a record the diagnostics of `tally eval`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// `bad-data`, `rule-failed`, `not-found`, `unauthorized`, `busy`, ...
    error: String,
    message: String,
    /// For a record: each problem with its file (`request`), line, column and field path.
    #[schema(value_type = Option<Vec<Object>>)]
    problems: Option<Vec<Json>>,
    /// For a record: the diagnostic as the command line prints it.
    text: Option<String>,
}

fn json_response(status: StatusCode, text: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], text).into_response()
}

/// The server is up.
#[utoipa::path(get, path = "/v1/health", responses((status = 200, description = "Up", body = Object)))]
async fn health() -> axum::Json<Json> {
    axum::Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

/// The server has rules in force and takes requests.
#[utoipa::path(get, path = "/v1/ready", responses((status = 200, description = "Ready", body = Object)))]
async fn ready(Extract(state): Shared) -> axum::Json<Json> {
    axum::Json(json!({ "ready": true, "rules_digest": state.rules().digest }))
}

/// The rules in force: files, inputs and designations, dated versions, digest, warnings, and
/// the last edit that did not check (kept out of force), if any.
#[utoipa::path(get, path = "/v1/rules", responses((status = 200, description = "The rules in force", body = Object)))]
async fn rules(Extract(state): Shared) -> axum::Json<Json> {
    let mut summary = engine::summary(&state.rules());
    summary["failed_reload"] = state.failed_reload().unwrap_or(Json::Null);
    axum::Json(summary)
}

/// Evaluates one record (a partner or a scenario, told apart by its fields): the same JSON as
/// one line of `tally eval --format json`.
#[utoipa::path(post, path = "/v1/evaluate",
    request_body(content = Object, description = "One record, as in a data file", content_type = "application/json"),
    responses(
        (status = 200, description = "The record's result", body = Object),
        (status = 422, description = "The record does not fit the input, or a rule failed on it", body = ErrorBody),
        (status = 413, description = "The body is too large"),
    ))]
async fn evaluate(Extract(state): Shared, body: Bytes) -> Result<Response, ApiError> {
    let record = engine::record(body.to_vec(), None);
    let rules = state.rules();
    let result = state.cpu(move || engine::evaluate(&rules, &record)).await?;
    match result {
        Ok(text) => Ok(json_response(StatusCode::OK, text)),
        Err(problem) => Err(ApiError::problem(problem)),
    }
}

/// Evaluates a batch given as JSON Lines, one record a line: one line of result per record, in
/// order; a record with no result gets a line `{"error": ..., "problems": [...]}` with its line.
#[utoipa::path(post, path = "/v1/evaluate/batch",
    request_body(description = "JSON Lines: one record a line", content(
        (String = "application/x-ndjson"),
        (String = "text/plain"),
    )),
    responses(
        (status = 200, description = "One line of JSON per record", body = String, content_type = "application/x-ndjson"),
        (status = 400, description = "No records in the body", body = ErrorBody),
    ))]
async fn evaluate_batch(Extract(state): Shared, body: Bytes) -> Result<Response, ApiError> {
    let records = engine::lines(&body);
    if records.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "no-records",
            "the body holds no records: send JSON Lines, one record a line",
        ));
    }
    let rules = state.rules();
    let text = state
        .cpu(move || {
            let mut out = String::with_capacity(records.len() * 2048);
            for result in engine::evaluate_batch(&rules, &records) {
                match result {
                    Ok(line) => out.push_str(&line),
                    Err(problem) => out.push_str(&ApiError::problem(problem).body.to_string()),
                }
                out.push('\n');
            }
            out
        })
        .await?;
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        text,
    )
        .into_response())
}

#[derive(Deserialize, IntoParams)]
pub struct ExplainQuery {
    /// Only the designations whose name contains this text
    designation: Option<String>,
}

/// Explains one record as `tally explain --format json` does: every point back to its rule,
/// source and data, and what is missing.
#[utoipa::path(post, path = "/v1/explain", params(ExplainQuery),
    request_body(content = Object, description = "One record", content_type = "application/json"),
    responses(
        (status = 200, description = "The explanation", body = Object),
        (status = 422, description = "The record does not fit the input, or a rule failed on it", body = ErrorBody),
    ))]
async fn explain(
    Extract(state): Shared,
    Query(query): Query<ExplainQuery>,
    body: Bytes,
) -> Result<axum::Json<Json>, ApiError> {
    let record = engine::record(body.to_vec(), None);
    let rules = state.rules();
    let only = query.designation;
    let result = state
        .cpu(move || engine::explain(&rules, &record, only.as_deref()))
        .await?;
    result.map(axum::Json).map_err(ApiError::problem)
}

/// Rule text to check.
#[derive(Deserialize, ToSchema)]
pub struct CheckRequest {
    /// The text of a rule file.
    text: String,
    /// A rule file the server serves (as `/v1/rules` lists it): the text is checked in its
    /// place, with the files it imports and that import it. Without it, the text is checked
    /// alone.
    path: Option<String>,
}

/// Checks rule text without data: diagnostics as `tally check --format json` gives them.
#[utoipa::path(post, path = "/v1/check", request_body = CheckRequest,
    responses(
        (status = 200, description = "The diagnostics (empty when the text checks)", body = Object),
        (status = 404, description = "No such rule file is served", body = ErrorBody),
    ))]
async fn check(
    Extract(state): Shared,
    axum::Json(request): axum::Json<CheckRequest>,
) -> Result<axum::Json<Json>, ApiError> {
    let paths = state.config.rules.clone();
    let job: Box<dyn FnOnce() -> Json + Send> = match request.path {
        Some(path) => {
            let overlay = HashMap::from([(studio::served_file(&state, &path)?, request.text)]);
            Box::new(move || engine::check(&paths, &overlay))
        }
        None => {
            let text = request.text;
            Box::new(move || engine::check_text("request.tally", &text))
        }
    };
    Ok(axum::Json(counted(state.cpu(job).await?)))
}

/// Diagnostics with their counts: `{"errors": n, "warnings": n, "diagnostics": [...]}`.
pub fn counted(diagnostics: Json) -> Json {
    let list = diagnostics.as_array().cloned().unwrap_or_default();
    let errors = list.iter().filter(|d| d["severity"] == "error").count();
    json!({
        "errors": errors,
        "warnings": list.len() - errors,
        "diagnostics": list,
    })
}

/// This document.
#[utoipa::path(get, path = "/v1/openapi.json", responses((status = 200, description = "The OpenAPI document", body = Object)))]
async fn openapi() -> Response {
    json_response(StatusCode::OK, openapi_json())
}
