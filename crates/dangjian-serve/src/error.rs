//! Every error answer: a status and a JSON body, `{"error": "..."}`, or for a write whose
//! rows break rules `{"problems": [...]}` (422) and for conflicting rows
//! `{"error": "...", "conflicts": [...]}` (409).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{json, Value};

/// One problem of a written row or workbook, located by JSON pointer into the body
/// (`/2/date`) or `sheet!cell`, worded as the command line words it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProblemOut {
    /// Where: a JSON pointer into the body (`/2/date`) or a workbook cell (`activities!C4`).
    pub location: String,
    /// `error` or `warning`.
    pub severity: String,
    /// What is wrong and what would be right.
    pub message: String,
}

impl From<&dangjian::ledger::Problem> for ProblemOut {
    fn from(p: &dangjian::ledger::Problem) -> ProblemOut {
        ProblemOut {
            location: p.location.to_string(),
            severity: match p.severity {
                dangjian::ledger::Severity::Error => "error",
                dangjian::ledger::Severity::Warning => "warning",
            }
            .to_string(),
            message: p.message.clone(),
        }
    }
}

/// 422: every problem at once.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problems {
    /// The problems, errors first.
    pub problems: Vec<ProblemOut>,
}

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    /// The status.
    pub status: StatusCode,
    /// The JSON body.
    pub body: Value,
    /// Ask a browser for a user and password (401).
    pub challenge: bool,
}

impl ApiError {
    /// An error with a message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: json!({ "error": message.into() }),
            challenge: false,
        }
    }

    /// 400.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401, with `WWW-Authenticate: Basic` so that a browser asks.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError {
            challenge: true,
            ..ApiError::new(StatusCode::UNAUTHORIZED, message)
        }
    }

    /// 403.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, message)
    }

    /// 422 with every problem.
    pub fn problems(problems: Vec<ProblemOut>) -> ApiError {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: serde_json::to_value(Problems { problems }).unwrap_or_default(),
            challenge: false,
        }
    }

    /// 500: what went wrong on this side, without details a client could use.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl From<dangjian::metrics::QueryError> for ApiError {
    fn from(e: dangjian::metrics::QueryError) -> ApiError {
        ApiError::bad_request(e.to_string())
    }
}

impl From<dangjian::output::OutputError> for ApiError {
    fn from(e: dangjian::output::OutputError) -> ApiError {
        match e {
            dangjian::output::OutputError::Query(q) => q.into(),
            other => ApiError::internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, json_body(&self.body)).into_response();
        let h = r.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.challenge {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"dangjian\", charset=\"UTF-8\""),
            );
        }
        r
    }
}

/// The content type of every JSON answer.
pub const JSON: &str = "application/json";

/// A JSON document as the command line writes it (pretty, a final line feed).
pub fn json_body(v: &Value) -> String {
    dangjian::output::json_text(v).unwrap_or_else(|_| "{}\n".to_string())
}
