//! The reads: the page, the report, the drill-downs, the statistics tables and the
//! catalogue, each exactly as the command line writes it (the same functions of
//! `dangjian::output` write both), for the token's scope.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use dangjian::metrics::Query;
use dangjian::model::UnitId;
use dangjian::output::{DataFormat, Output};

use crate::auth::Principal;
use crate::error::{ApiError, JSON};
use crate::live::Live;
use crate::params::{clip, Params, QUERY};
use crate::state::Service;
use crate::tokens::Right;

/// An answer's body with its content type.
pub fn typed(content_type: &'static str, body: String) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Runs `f` on a blocking thread (evaluations are CPU-bound), a panic a 500.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|_| Err(ApiError::internal("the request failed on the server")))
}

/// The query of `params` for `who`: its scope by default, and 403 for a scope outside
/// its subtree (400 for one that is no unit at all).
pub fn scoped(live: &Live, who: &Principal, params: &Params) -> Result<Query, ApiError> {
    let mut q = params.query()?;
    let engine = live.engine();
    let is_unit = |s: &UnitId| engine.is_within(s, s.as_str());
    if let Some(s) = &q.scope {
        if !is_unit(s) {
            return Err(ApiError::bad_request(format!(
                "scope `{}` is not a unit id of this ledger",
                clip(s.as_str())
            )));
        }
    }
    if let Some(mine) = &who.scope {
        let mine = UnitId::new(mine);
        if !is_unit(&mine) {
            return Err(ApiError::forbidden(format!(
                "token `{}` has scope `{}`, which is not a unit of this ledger",
                who.name, mine
            )));
        }
        match &q.scope {
            None => q.scope = Some(mine),
            Some(s) if !engine.is_within(&mine, s.as_str()) => {
                return Err(ApiError::forbidden(format!(
                    "scope `{s}` is outside token `{}`'s scope `{mine}`",
                    who.name
                )))
            }
            Some(_) => {}
        }
    }
    Ok(q)
}

/// A read: authenticate, parse the query, then `f` on the current copy on a blocking
/// thread.
async fn read_with(
    s: Arc<Service>,
    headers: &HeaderMap,
    raw: Option<String>,
    allowed: &'static [&'static str],
    f: impl FnOnce(&Live, &Principal, &Params) -> Result<Response, ApiError> + Send + 'static,
) -> Result<Response, ApiError> {
    let who = s.principal(headers)?;
    who.require(Right::Read)?;
    let params = Params::parse(raw.as_deref(), allowed)?;
    blocking(move || {
        let live = s.read();
        f(&live, &who, &params)
    })
    .await
}

/// The query parameters and `format` (a drill-down's `json` or `csv`).
const DRILL: [&str; 8] = [
    "as_of",
    "from",
    "scope",
    "by",
    "metrics",
    "at_risk_tolerance",
    "young_age",
    "format",
];

#[utoipa::path(get, path = "/healthz", tag = "read",
    responses((status = 200, description = "The service is up: `{\"status\": \"ok\"}`", body = crate::openapi::Health),
        (status = 400, description = "A query parameter (it takes none)", body = crate::openapi::ErrorBody)),
    security(()))]
/// Whether the service is up (no token needed; like every endpoint, an unknown query
/// parameter is a 400).
pub async fn healthz(RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    Params::parse(raw.as_deref(), &[])?;
    Ok(typed(JSON, "{\"status\": \"ok\"}\n".to_string()))
}

#[utoipa::path(get, path = "/", tag = "read", params(crate::openapi::QueryParams),
    responses(
        (status = 200, description = "The dashboard page of `dangjian report --format html` for the token's scope", content_type = "text/html"),
        (status = 400, description = "A bad query parameter", body = crate::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown one", body = crate::openapi::ErrorBody),
        (status = 403, description = "A scope outside the token's", body = crate::openapi::ErrorBody)))]
/// The dashboard page.
pub async fn page(
    State(s): State<Arc<Service>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let name = s.data_name.clone();
    read_with(s, &headers, raw, &QUERY, move |live, who, params| {
        let q = scoped(live, who, params)?;
        let opts = dangjian::report::PageOptions {
            data: Some(name),
            ..Default::default()
        };
        let html = dangjian::report::page(live.ledger(), live.engine(), &q, &opts)?;
        Ok(typed("text/html; charset=utf-8", html))
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/report", tag = "read", params(crate::openapi::QueryParams),
    responses(
        (status = 200, description = "Exactly what `dangjian report --format json` writes", content_type = "application/json"),
        (status = 400, description = "A bad query parameter", body = crate::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown one", body = crate::openapi::ErrorBody),
        (status = 403, description = "A scope outside the token's", body = crate::openapi::ErrorBody)))]
/// The report.
pub async fn report(
    State(s): State<Arc<Service>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    read_with(s, &headers, raw, &QUERY, |live, who, params| {
        let q = scoped(live, who, params)?;
        let ev = live.evaluate(&q)?;
        Ok(typed(JSON, dangjian::output::report_json(&ev)?))
    })
    .await
}

/// A drill-down of the current copy.
async fn drill(
    s: Arc<Service>,
    headers: HeaderMap,
    raw: Option<String>,
    output: Output,
) -> Result<Response, ApiError> {
    read_with(s, &headers, raw, &DRILL, move |live, who, params| {
        let (format, content_type) = match params.get("format") {
            None | Some("json") => (DataFormat::Json, JSON),
            Some("csv") => (DataFormat::Csv, "text/csv; charset=utf-8"),
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "`format={}`: use json or csv",
                    clip(other)
                )))
            }
        };
        let q = scoped(live, who, params)?;
        let text = dangjian::output::drill_down(live.ledger(), live.engine(), output, &q, format)?;
        Ok(typed(content_type, text))
    })
    .await
}

macro_rules! drill_endpoint {
    ($name:ident, $output:expr, $path:literal, $what:literal) => {
        #[utoipa::path(get, path = $path, tag = "read", params(crate::openapi::DrillParams),
            responses(
                (status = 200, description = $what, content_type = "application/json"),
                (status = 400, description = "A bad query parameter", body = crate::openapi::ErrorBody),
                (status = 401, description = "No token, or an unknown one", body = crate::openapi::ErrorBody),
                (status = 403, description = "A scope outside the token's", body = crate::openapi::ErrorBody)))]
        #[doc = $what]
        pub async fn $name(
            State(s): State<Arc<Service>>,
            headers: HeaderMap,
            RawQuery(raw): RawQuery,
        ) -> Result<Response, ApiError> {
            drill(s, headers, raw, $output).await
        }
    };
}

drill_endpoint!(
    tasks,
    Output::Tasks,
    "/api/v1/tasks",
    "One row per key task, as `dangjian tasks --format json` (or csv)"
);
drill_endpoint!(
    duties,
    Output::Duties,
    "/api/v1/duties",
    "One row per duty obligation, as `dangjian duties --format json` (or csv)"
);
drill_endpoint!(
    coverage,
    Output::Coverage,
    "/api/v1/coverage",
    "One row per above-scale enterprise, as `dangjian coverage --format json` (or csv)"
);
drill_endpoint!(
    cadres,
    Output::Cadres,
    "/api/v1/cadres",
    "One row per cadre, as `dangjian cadres --format json` (or csv)"
);

#[utoipa::path(get, path = "/api/v1/stats/{name}", tag = "read",
    params(("name" = String, Path, description = "`enterprise_orgs` or `org_life`"), crate::openapi::QueryParams),
    responses(
        (status = 200, description = "As `dangjian stats NAME --format json`", content_type = "application/json"),
        (status = 400, description = "A bad query parameter", body = crate::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown one", body = crate::openapi::ErrorBody),
        (status = 403, description = "A scope outside the token's", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such statistics table", body = crate::openapi::ErrorBody)))]
/// A statistics table.
pub async fn stats(
    State(s): State<Arc<Service>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let table: dangjian::stats::StatsTable = name.parse().map_err(|_| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "no statistics table `{}`; use enterprise_orgs or org_life",
                clip(&name)
            ),
        )
    })?;
    read_with(s, &headers, raw, &QUERY, move |live, who, params| {
        let q = scoped(live, who, params)?;
        Ok(typed(
            JSON,
            dangjian::output::stats_json(live.engine(), table, &q)?,
        ))
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/catalogue", tag = "read",
    responses(
        (status = 200, description = "As `dangjian catalogue --data L --format json`: every metric of the ledger", content_type = "application/json"),
        (status = 400, description = "A query parameter (it takes none)", body = crate::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown one", body = crate::openapi::ErrorBody)))]
/// The metric catalogue of the ledger.
pub async fn catalogue(
    State(s): State<Arc<Service>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    read_with(s, &headers, raw, &[], |live, _, _| {
        let defs = dangjian::metrics::catalogue_for(live.ledger());
        Ok(typed(JSON, dangjian::output::catalogue_json(&defs)?))
    })
    .await
}
