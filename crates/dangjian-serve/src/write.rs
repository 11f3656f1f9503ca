//! The writes: rows of activities, progress and observations (`POST`), a whole ledger
//! (`PUT /api/v1/ledger`, with a dry run), and the change log.
//!
//! Before anything is stored: the token's rights (403), the content type (415), the size
//! (413), the body (400), every rule of the ledger on the rows as it would be after them
//! (422, all problems at once) and conflicts with stored rows (409); a row about a record
//! outside the token's scope answers 403 before the rows are checked further, so that
//! neither a problem nor a conflict tells what is stored outside. Then the rows are
//! committed to the database, applied in memory, and answered.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

use dangjian::model::{Table, UnitId};

use crate::auth::Principal;
use crate::error::{json_body, ApiError, ProblemOut, Problems, JSON};
use crate::live::{Live, Rejected};
use crate::params::{clip, Params};
use crate::read::{blocking, typed};
use crate::state::Service;
use crate::store::ChangeRecord;
use crate::tokens::Right;

/// The content type of an `.xlsx` workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The answer to a stored write (201).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Written {
    /// Rows stored.
    pub added: usize,
    /// Rows equal to a stored row with the same id or key (a request sent again).
    pub unchanged: usize,
    /// The change's number in the change log.
    pub change: u64,
    /// Warnings: they do not block a write.
    pub warnings: Vec<ProblemOut>,
}

/// A row that conflicts with a stored one (409).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ConflictOut {
    /// The row, as a JSON pointer into the body (`/3`).
    pub pointer: String,
    /// What differs.
    pub message: String,
}

/// 409.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Conflicts {
    /// What is wrong.
    pub error: String,
    /// The rows.
    pub conflicts: Vec<ConflictOut>,
}

/// What a whole ledger changes, table by table.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TableChange {
    /// The table.
    pub table: String,
    /// Rows before.
    pub before: usize,
    /// Rows after.
    pub after: usize,
    /// Rows in the new ledger that are not in the stored one.
    pub added: usize,
    /// Rows of the stored ledger that are not in the new one.
    pub removed: usize,
}

/// The answer to `PUT /api/v1/ledger`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Replaced {
    /// Whether this was only a dry run (nothing stored).
    pub dry_run: bool,
    /// The change's number (none for a dry run).
    pub change: Option<u64>,
    /// What changes, table by table.
    pub tables: Vec<TableChange>,
    /// Warnings of the new ledger.
    pub warnings: Vec<ProblemOut>,
}

/// A write refused by the core, as an answer.
fn rejected(r: Rejected) -> ApiError {
    match r {
        Rejected::BadBody(m) => ApiError::bad_request(m),
        Rejected::TooManyRows { rows, max } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("{rows} rows in one request; at most {max} (--max-rows)"),
        ),
        Rejected::Problems(p) => ApiError::problems(p.iter().map(ProblemOut::from).collect()),
        Rejected::Conflicts(c) => {
            let body = Conflicts {
                error: format!(
                    "{} row(s) have the id (or key) of a stored row but other content; nothing was stored",
                    c.len()
                ),
                conflicts: c
                    .into_iter()
                    .map(|c| ConflictOut {
                        pointer: c.pointer,
                        message: c.message,
                    })
                    .collect(),
            };
            ApiError {
                status: StatusCode::CONFLICT,
                body: serde_json::to_value(body).unwrap_or_default(),
                challenge: false,
            }
        }
        other @ Rejected::NotAppendable(_) => {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, other.to_string())
        }
        #[allow(unreachable_patterns)]
        other => ApiError::bad_request(other.to_string()),
    }
}

/// The time of a change: now, RFC 3339 in UTC.
fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// 415 unless the request says it is `want` (parameters such as `charset` allowed).
fn content_type(headers: &HeaderMap, want: &[&str]) -> Result<&'static str, ApiError> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = given.split(';').next().unwrap_or("").trim();
    for w in [JSON, XLSX] {
        if want.contains(&w) && essence.eq_ignore_ascii_case(w) {
            return Ok(w);
        }
    }
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!("content type `{}`; send {}", clip(given), want.join(" or ")),
    ))
}

/// The body, at most `max` bytes (413 beyond, before reading when it says its length).
async fn body_bytes(headers: &HeaderMap, body: Body, max: usize) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is over {max} bytes (--max-body); send fewer rows at a time"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, max).await.map_err(|e| {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(s) = source {
            if s.is::<http_body_util::LengthLimitError>() {
                return too_large();
            }
            source = s.source();
        }
        ApiError::bad_request(format!("the body could not be read: {e}"))
    })
}

/// `e`, once the body (up to `max` bytes) has been read and dropped: a client still sending
/// it then reads the answer rather than a connection closed under it.
async fn drained(headers: &HeaderMap, body: Body, max: usize, e: ApiError) -> ApiError {
    let _ = body_bytes(headers, body, max).await;
    e
}

/// `POST /api/v1/{table}`.
async fn post_rows(
    s: Arc<Service>,
    table: Table,
    headers: HeaderMap,
    raw: Option<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let before = || {
        let who = s.principal(&headers)?;
        who.require(Right::Append)?;
        Params::parse(raw.as_deref(), &[])?;
        s.writable()?;
        content_type(&headers, &[JSON])?;
        Ok(who)
    };
    let who = match before() {
        Ok(who) => who,
        Err(e) => return Err(drained(&headers, body, s.limits.max_body, e).await),
    };
    let bytes = body_bytes(&headers, body, s.limits.max_body).await?;
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::bad_request("the body is not UTF-8 text"))?;
    let written = blocking(move || {
        s.append(&who, table, |live| {
            let scope = who.scope.as_deref().map(UnitId::new);
            let checked = live
                .check_json_within(table, &text, s.limits.max_rows, scope.as_ref())
                .map_err(|r| match r {
                    // Before any other check of the rows: nothing stored outside is told.
                    Rejected::OutsideScope { rows, first } => ApiError::forbidden(format!(
                        "{rows} row(s) are about `{first}`{}, outside token `{}`'s scope `{}`; nothing was stored",
                        if rows > 1 { " and others" } else { "" },
                        who.name,
                        who.scope.as_deref().unwrap_or_default()
                    )),
                    other => rejected(other),
                })?;
            if checked.added + checked.unchanged == 0 {
                return Err(ApiError::bad_request(format!(
                    "the array holds no rows; send [{{...}}, ...] with at least one {} row",
                    table.name()
                )));
            }
            Ok(checked)
        })
    })
    .await?;
    let mut r = (
        StatusCode::CREATED,
        json_body(&serde_json::to_value(written).unwrap_or_default()),
    )
        .into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, header::HeaderValue::from_static(JSON));
    Ok(r)
}

macro_rules! post_endpoint {
    ($name:ident, $table:expr, $path:literal, $what:literal $(,)?) => {
        #[utoipa::path(post, path = $path, tag = "write",
            request_body(content = inline(Object), description = $what, content_type = "application/json"),
            responses(
                (status = 201, description = "Stored (committed to disk before the answer)", body = Written),
                (status = 400, description = "Not JSON, not an array of objects", body = crate::openapi::ErrorBody),
                (status = 401, description = "No token, or an unknown one", body = crate::openapi::ErrorBody),
                (status = 403, description = "A read-only token, or a row outside the token's scope", body = crate::openapi::ErrorBody),
                (status = 405, description = "The ledger is not a database (served read-only)", body = crate::openapi::ErrorBody),
                (status = 409, description = "A row has a stored row's id (or key) with other content", body = Conflicts),
                (status = 413, description = "Over --max-body bytes or --max-rows rows", body = crate::openapi::ErrorBody),
                (status = 415, description = "Not application/json", body = crate::openapi::ErrorBody),
                (status = 422, description = "Rows that break the ledger's rules, located by JSON pointer", body = Problems)))]
        #[doc = $what]
        pub async fn $name(
            State(s): State<Arc<Service>>,
            headers: HeaderMap,
            RawQuery(raw): RawQuery,
            body: Body,
        ) -> Result<Response, ApiError> {
            post_rows(s, $table, headers, raw, body).await
        }
    };
}

post_endpoint!(
    activities,
    Table::Activities,
    "/api/v1/activities",
    "A JSON array of activity rows (the columns of LEDGER.md and STATS.md; every row needs an `id`)",
);
post_endpoint!(
    progress,
    Table::Progress,
    "/api/v1/progress",
    "A JSON array of progress rows (keyed by initiative and date)",
);
post_endpoint!(
    observations,
    Table::Observations,
    "/api/v1/observations",
    "A JSON array of observation rows (keyed by indicator, unit and date)",
);

/// Rows of each table as saved, one text per row, to count what a new ledger changes.
fn row_texts(l: &dangjian::Ledger) -> Vec<(String, Vec<String>)> {
    dangjian::ledger::tables(l)
        .into_iter()
        .map(|t| {
            // A row's cells as saved, as one text (only compared, never shown).
            let rows = t.rows.iter().map(|r| format!("{r:?}")).collect();
            (t.table.name().to_string(), rows)
        })
        .collect()
}

/// Table by table, what replacing `old` by `new` changes.
fn diff(old: &dangjian::Ledger, new: &dangjian::Ledger) -> Vec<TableChange> {
    use std::collections::HashMap;
    let old = row_texts(old);
    let new = row_texts(new);
    new.into_iter()
        .map(|(name, rows)| {
            let before: &[String] = old
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(&[], |(_, r)| r.as_slice());
            let mut count: HashMap<&str, i64> = HashMap::new();
            for r in before {
                *count.entry(r).or_default() += 1;
            }
            let mut added = 0;
            for r in &rows {
                match count.get_mut(r.as_str()) {
                    Some(n) if *n > 0 => *n -= 1,
                    _ => added += 1,
                }
            }
            let removed = count.values().filter(|n| **n > 0).sum::<i64>() as usize;
            TableChange {
                table: name,
                before: before.len(),
                after: rows.len(),
                added,
                removed,
            }
        })
        .collect()
}

#[utoipa::path(put, path = "/api/v1/ledger", tag = "write",
    params(("dry_run" = Option<bool>, Query, description = "`true`: only report what would change")),
    request_body(description = "A whole ledger: an `.xlsx` workbook or the JSON form", content(
        (Object = "application/json"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    responses(
        (status = 200, description = "Replaced (or, for a dry run, what would change)", body = Replaced),
        (status = 400, description = "A bad query parameter", body = crate::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown one", body = crate::openapi::ErrorBody),
        (status = 403, description = "Not an admin token of the whole ledger", body = crate::openapi::ErrorBody),
        (status = 405, description = "The ledger is not a database (served read-only)", body = crate::openapi::ErrorBody),
        (status = 413, description = "Over --max-body bytes", body = crate::openapi::ErrorBody),
        (status = 415, description = "Neither a workbook nor JSON", body = crate::openapi::ErrorBody),
        (status = 422, description = "Every problem of the ledger, located (`sheet!cell` or a JSON pointer)", body = Problems)))]
/// Replaces the whole ledger (admin of the root).
pub async fn put_ledger(
    State(s): State<Arc<Service>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    let before = || {
        let who = s.principal(&headers)?;
        who.require(Right::Admin)?;
        let params = Params::parse(raw.as_deref(), &["dry_run"])?;
        let dry_run = match params.get("dry_run") {
            None | Some("false") => false,
            Some("true") => true,
            Some(v) => {
                return Err(ApiError::bad_request(format!(
                    "`dry_run={}`: use true or false",
                    clip(v)
                )))
            }
        };
        s.writable()?;
        let kind = content_type(&headers, &[XLSX, JSON])?;
        Ok((who, dry_run, kind))
    };
    let (who, dry_run, kind) = match before() {
        Ok(x) => x,
        Err(e) => return Err(drained(&headers, body, s.limits.max_body, e).await),
    };
    let bytes = body_bytes(&headers, body, s.limits.max_body).await?;
    let replaced = blocking(move || {
        whole_ledger_token(&s.read(), &who, "may replace it")?;
        let invalid = |e: dangjian::LedgerError| match e.problems() {
            Some(p) => ApiError::problems(p.0.iter().map(ProblemOut::from).collect()),
            None => ApiError::bad_request(e.to_string()),
        };
        let full = dangjian::ledger::ValidateOptions::full();
        let (ledger, warnings) = if kind == XLSX {
            // Problems of the cells are located `sheet!cell`; the checks of the whole ledger
            // (the metrics targets name) follow.
            let l = dangjian::ledger::from_xlsx_bytes(&bytes).map_err(invalid)?;
            let problems = dangjian::ledger::validate(&l, &full);
            if problems.iter().any(|p| p.is_error()) {
                return Err(ApiError::problems(
                    problems.iter().map(ProblemOut::from).collect(),
                ));
            }
            (l, problems)
        } else {
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| ApiError::bad_request("the body is not UTF-8 text"))?;
            let loaded = dangjian::ledger::from_json_str_with(text, &full).map_err(invalid)?;
            (loaded.ledger, loaded.warnings)
        };
        // A replacement the token itself could not read or write afterwards would leave
        // nobody able to mend it over HTTP.
        let roots: Vec<&str> = ledger.roots().map(|u| u.id.as_str()).collect();
        let locked_out = match &who.scope {
            _ if roots.is_empty() => Some("the new ledger has no units".to_string()),
            Some(mine) if !roots.contains(&mine.as_str()) => Some(format!(
                "the new ledger's root is `{}`, not `{mine}`, the scope of token `{}`",
                roots.join("`, `"),
                who.name
            )),
            _ => None,
        };
        if let Some(why) = locked_out {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "{why}: after it this token could no longer read or write the ledger; nothing was replaced (a ledger with another root is served by its own service, or by a token with its root as scope)"
                ),
            ));
        }
        let warnings = warnings.iter().map(ProblemOut::from).collect();
        let tables = diff(s.read().ledger(), &ledger);
        let change = if dry_run {
            None
        } else {
            Some(s.replace(&who, ledger)?)
        };
        Ok(Replaced {
            dry_run,
            change,
            tables,
            warnings,
        })
    })
    .await?;
    Ok(typed(
        JSON,
        json_body(&serde_json::to_value(replaced).unwrap_or_default()),
    ))
}

#[utoipa::path(get, path = "/api/v1/changes", tag = "read",
    params(("after" = Option<u64>, Query, description = "Only the changes after this number (default 0: all)")),
    responses(
        (status = 200, description = "`{\"changes\": [...]}`: number, time, token, kind, table, added, unchanged; oldest first", content_type = "application/json"),
        (status = 400, description = "A bad query parameter", body = crate::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown one", body = crate::openapi::ErrorBody),
        (status = 403, description = "Not an admin token of the whole ledger", body = crate::openapi::ErrorBody),
        (status = 405, description = "The ledger is not a database", body = crate::openapi::ErrorBody)))]
/// The change log (admin of the whole ledger).
pub async fn changes(
    State(s): State<Arc<Service>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let who = s.principal(&headers)?;
    who.require(Right::Admin)?;
    // The log spans the whole ledger (every token's writes, wherever): a token of part of
    // it sees only its scope.
    whole_ledger_token(
        &s.read(),
        &who,
        "may read the change log, which spans the whole ledger",
    )?;
    let params = Params::parse(raw.as_deref(), &["after"])?;
    let after = match params.get("after") {
        None => 0,
        Some(v) => v.parse::<u64>().map_err(|_| {
            ApiError::bad_request(format!("`after={}` is not a change number", clip(v)))
        })?,
    };
    s.writable()?;
    let list = blocking(move || s.changes(after)).await?;
    Ok(typed(JSON, json_body(&json!({ "changes": list }))))
}

/// 403 unless `who` is a token of the whole ledger (no scope, or the root's): only such a
/// token `may` do what is asked.
fn whole_ledger_token(live: &Live, who: &Principal, may: &str) -> Result<(), ApiError> {
    match &who.scope {
        Some(mine) if !live.ledger().roots().any(|u| u.id.as_str() == mine) => {
            Err(ApiError::forbidden(format!(
                "token `{}` has scope `{mine}`; only a token of the whole ledger {may}",
                who.name
            )))
        }
        _ => Ok(()),
    }
}

/// The change record of a write by `who`.
pub fn record(
    who: &Principal,
    kind: &str,
    table: Option<Table>,
    added: usize,
    unchanged: usize,
) -> ChangeRecord {
    ChangeRecord {
        time: now(),
        token: who.name.clone(),
        kind: kind.to_string(),
        table,
        added: added as u64,
        unchanged: unchanged as u64,
    }
}
