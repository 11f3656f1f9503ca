//! The OpenAPI 3.1 document (`GET /api/v1/openapi.json`): the paths, parameters and the
//! service's own answers derived by `utoipa` from the handlers and the types below; the
//! rows of each read from the core's JSON Schemas (`dangjian::output::schema`, generated
//! from the row types), and the rows a write takes from the ledger's table declarations.

use serde::Serialize;
use serde_json::{json, Map, Value};
use utoipa::{IntoParams, OpenApi, ToSchema};

use dangjian::model::Table;
use dangjian::output::Output;
use dangjian::rows::ColumnType;

/// `GET /healthz`.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: String,
}

/// Every error answer but 422.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// What is wrong, and what would be right.
    pub error: String,
}

/// The query of a read: the options of the command line of the same names.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Only its declaration is read, by the document.
pub struct QueryParams {
    /// Evaluation date (default: the ledger's latest progress, activity or observation
    /// date); any spelling a ledger accepts: `2019-07-31`, `2019/7/31`, `2019年7月31日`.
    as_of: Option<String>,
    /// Window start (default: 1 January of the as-of year).
    from: Option<String>,
    /// Scope unit id (default: the token's scope). Outside the token's subtree: 403.
    scope: Option<String>,
    /// Break down by a unit kind (`area`, `village`, `block`, `enterprise`, `road`...).
    by: Option<String>,
    /// Only these metrics: ids or prefixes, comma separated (`tasks,coverage.org`).
    metrics: Option<String>,
    /// At-risk tolerance: expected - actual at or above this is at risk (default 0.10).
    at_risk_tolerance: Option<f64>,
    /// Young-cadre age: at or under this many full years (default 35).
    young_age: Option<i32>,
}

/// The query of a drill-down: a read's, and the format.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Only its declaration is read, by the document.
pub struct DrillParams {
    /// Evaluation date (see the report).
    as_of: Option<String>,
    /// Window start.
    from: Option<String>,
    /// Scope unit id (default: the token's scope).
    scope: Option<String>,
    /// Break down by a unit kind.
    by: Option<String>,
    /// Only these metrics.
    metrics: Option<String>,
    /// At-risk tolerance (default 0.10).
    at_risk_tolerance: Option<f64>,
    /// Young-cadre age (default 35).
    young_age: Option<i32>,
    /// `json` (default, in the envelope) or `csv` (`text/csv`).
    format: Option<String>,
}

/// The paths and the service's own types.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "dangjian",
        description = "A party-building ledger served live: the command line's reports, drill-downs, statistics and catalogue, and writes of activities, progress and observations (docs/SERVICE.md).",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        crate::read::healthz,
        crate::read::page,
        crate::read::report,
        crate::read::tasks,
        crate::read::duties,
        crate::read::coverage,
        crate::read::cadres,
        crate::read::stats,
        crate::read::catalogue,
        openapi_json,
        crate::write::changes,
        crate::write::activities,
        crate::write::progress,
        crate::write::observations,
        crate::write::put_ledger,
    ),
    components(schemas(
        Health,
        ErrorBody,
        crate::error::ProblemOut,
        crate::error::Problems,
        crate::write::Written,
        crate::write::Conflicts,
        crate::write::ConflictOut,
        crate::write::Replaced,
        crate::write::TableChange
    )),
    tags(
        (name = "read", description = "Reads: any token, within its scope"),
        (name = "write", description = "Writes: `append` (or `admin`) tokens, rows within the token's scope"),
    )
)]
struct Doc;

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "read",
    responses((status = 200, description = "This document", content_type = "application/json")))]
#[allow(dead_code)] // The document of the endpoint; `document` answers it.
fn openapi_json() {}

/// The document, with the schemas of the reads' and writes' rows filled in.
pub fn document() -> Value {
    let mut doc = serde_json::to_value(Doc::openapi()).unwrap_or_else(|_| json!({}));
    doc["openapi"] = "3.1.0".into();
    let mut schemas = Map::new();
    for o in Output::ALL {
        schemas.insert(o.id().to_string(), dangjian::output::schema(o));
    }
    for t in [Table::Activities, Table::Progress, Table::Observations] {
        schemas.insert(format!("{}_rows", t.name()), rows_schema(t));
    }
    if let Some(Value::Object(own)) = doc.pointer_mut("/components/schemas") {
        own.extend(schemas);
    }
    // Each read's answer is its output's schema.
    let reads = [
        ("/api/v1/report", Output::Report),
        ("/api/v1/tasks", Output::Tasks),
        ("/api/v1/duties", Output::Duties),
        ("/api/v1/coverage", Output::Coverage),
        ("/api/v1/cadres", Output::Cadres),
        ("/api/v1/catalogue", Output::Catalogue),
    ];
    for (path, o) in reads {
        let at = format!(
            "/paths/{}/get/responses/200/content/application~1json",
            path.replace('/', "~1")
        );
        if let Some(c) = doc.pointer_mut(&at) {
            c["schema"] = json!({"$ref": format!("#/components/schemas/{}", o.id())});
        }
    }
    if let Some(c) = doc
        .pointer_mut("/paths/~1api~1v1~1stats~1{name}/get/responses/200/content/application~1json")
    {
        c["schema"] = json!({"oneOf": [
            {"$ref": "#/components/schemas/enterprise_orgs"},
            {"$ref": "#/components/schemas/org_life"}
        ]});
    }
    // Each write's body is an array of rows of its table.
    for t in [Table::Activities, Table::Progress, Table::Observations] {
        let at = format!(
            "/paths/~1api~1v1~1{}/post/requestBody/content/application~1json",
            t.name()
        );
        if let Some(c) = doc.pointer_mut(&at) {
            c["schema"] = json!({"$ref": format!("#/components/schemas/{}_rows", t.name())});
        }
    }
    doc["components"]["securitySchemes"] = json!({
        "bearer": {"type": "http", "scheme": "bearer", "description": "A token of `dangjian token add`"},
        "basic": {"type": "http", "scheme": "basic", "description": "The token's name as the user, the token as the password"}
    });
    doc["security"] = json!([{"bearer": []}, {"basic": []}]);
    doc
}

/// The JSON Schema of a write's body: an array of rows of `table`, each an object with the
/// table's declared columns (every value may be given as text, as a cell of a CSV file;
/// `x_` columns are kept).
pub fn rows_schema(table: Table) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for c in table.columns() {
        let ty = match c.ty {
            ColumnType::Date => json!({"type": "string", "format": "date"}),
            ColumnType::Float => json!({"type": ["number", "string"]}),
            ColumnType::Int => json!({"type": ["integer", "string"]}),
            ColumnType::Bool => json!({"type": ["boolean", "string"]}),
            ColumnType::TextList => json!({
                "oneOf": [{"type": "array", "items": {"type": "string"}},
                          {"type": "string", "description": "`;`-joined"}]
            }),
            _ => json!({"type": "string"}),
        };
        if c.required {
            required.push(c.name);
        }
        props.insert(c.name.to_string(), ty);
    }
    if table == Table::Activities {
        required.insert(0, "id");
    }
    json!({
        "type": "array",
        "items": {
            "type": "object",
            "required": required,
            "properties": props,
            "patternProperties": {"^x_": {}},
            "additionalProperties": false
        }
    })
}
