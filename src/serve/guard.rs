//! What stands around every request: the bearer token, and errors as JSON.

use std::sync::Arc;

use axum::extract::{Request, State as Extract};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value as Json, json};

use super::State;

/// An answer that is not a result: a status and `{"error": code, "message": ...}` with details.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Json,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: json!({ "error": code, "message": message.into() }),
        }
    }

    /// A record with no result: 422 with the diagnostic the command line prints.
    pub fn problem(problem: super::engine::Problem) -> ApiError {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: json!({
                "error": problem.code,
                "message": problem.problems.first().map(|p| p.message.clone()).unwrap_or_default(),
                "problems": problem.problems,
                "text": problem.text,
            }),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}

pub async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "no such page; the API is under /v1 (see /v1/openapi.json)",
    )
}

/// With a token, every API request must carry it as `Authorization: Bearer TOKEN`. The studio's
/// page and scripts carry no data and load without it; the page then asks for the token.
pub async fn authorize(
    Extract(state): Extract<Arc<State>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(token) = &state.config.token else {
        return next.run(request).await;
    };
    if !request.uri().path().starts_with("/v1/") {
        return next.run(request).await;
    }
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if given.is_some_and(|g| constant_time_eq(g.as_bytes(), token.as_bytes())) {
        return next.run(request).await;
    }
    let mut response = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "this server needs a bearer token: Authorization: Bearer TOKEN",
    )
    .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer"),
    );
    response
}

/// Compares without stopping at the first difference, so the time taken tells nothing.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
