//! The JSON outputs as a versioned contract: one envelope for every output, and a JSON Schema
//! for each, generated from its row type's declaration ([`Row`]).
//!
//! Every JSON output (`dangjian report --format json`, the drill-downs, the statistics tables,
//! the catalogue; `Ledger.metrics_json` in Python) is one object:
//!
//! ```json
//! {"format": "dangjian-tasks/1", "as_of": "2019-07-31", "from": "2019-01-01",
//!  "scope": {"id": "chengxi", "name": "城西新区"}, "by": null, "rows": [...]}
//! ```
//!
//! `format` names the output and its version: a change that would break a reader (a key
//! renamed or removed, a meaning changed) comes with a new version; a new key does not. The
//! catalogue has no dates or scope: those keys are `null`.
//!
//! ```
//! use dangjian::output::{schema, Output};
//! let s = schema(Output::Tasks);
//! assert_eq!(s["properties"]["format"]["const"], "dangjian-tasks/1");
//! let row = &s["properties"]["rows"]["items"];
//! assert_eq!(row["properties"]["deadline"]["format"], "date");
//! ```

use chrono::NaiveDate;
use serde_json::{json, Map, Value};

use crate::metrics::{CadreRow, EnterpriseRow, LedgerMetric, MetricRow, ObligationRow, TaskRow};
use crate::model::{UnitId, UnitKind, Vocabulary};
use crate::rows::{ColumnType, Row};
use crate::stats::{EnterpriseOrgsRow, OrgLifeRow};

/// A JSON output of dangjian.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Output {
    /// The metric rows (`dangjian report`).
    Report,
    /// The key-task drill-down (`dangjian tasks`).
    Tasks,
    /// The duty-obligation drill-down (`dangjian duties`).
    Duties,
    /// The enterprise-coverage drill-down (`dangjian coverage`).
    Coverage,
    /// The cadre drill-down (`dangjian cadres`).
    Cadres,
    /// The metric catalogue (`dangjian catalogue`).
    Catalogue,
    /// The statistics table 企业建立党的基层组织情况 (`dangjian stats enterprise_orgs`).
    EnterpriseOrgs,
    /// The statistics table 组织生活开展情况统计表 (`dangjian stats org_life`).
    OrgLife,
}

impl Output {
    /// Every output, in the order `dangjian schema` lists them.
    pub const ALL: [Output; 8] = [
        Output::Report,
        Output::Tasks,
        Output::Duties,
        Output::Coverage,
        Output::Cadres,
        Output::Catalogue,
        Output::EnterpriseOrgs,
        Output::OrgLife,
    ];

    /// The name `dangjian schema NAME` takes: the command that writes it.
    pub fn id(self) -> &'static str {
        match self {
            Output::Report => "report",
            Output::Tasks => "tasks",
            Output::Duties => "duties",
            Output::Coverage => "coverage",
            Output::Cadres => "cadres",
            Output::Catalogue => "catalogue",
            Output::EnterpriseOrgs => "enterprise_orgs",
            Output::OrgLife => "org_life",
        }
    }

    /// The `format` of its envelope: `dangjian-<name>/<version>`.
    pub fn format(self) -> &'static str {
        match self {
            Output::Report => "dangjian-report/1",
            Output::Tasks => "dangjian-tasks/1",
            Output::Duties => "dangjian-duties/1",
            Output::Coverage => "dangjian-coverage/1",
            Output::Cadres => "dangjian-cadres/1",
            Output::Catalogue => "dangjian-catalogue/1",
            Output::EnterpriseOrgs => "dangjian-enterprise_orgs/1",
            Output::OrgLife => "dangjian-org_life/1",
        }
    }

    /// The output named `name` (`report`, `tasks`, ...).
    pub fn from_id(name: &str) -> Option<Output> {
        Output::ALL.into_iter().find(|o| o.id() == name)
    }

    /// The names, for messages: `report, tasks, ...`.
    pub fn names() -> String {
        Output::ALL.map(Output::id).join(", ")
    }
}

/// The scope an output answers for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeRef {
    /// The unit id.
    pub id: UnitId,
    /// Its name.
    pub name: String,
}

/// What an output answers: which output, the resolved dates, the scope and breakdown.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// The output.
    pub output: Output,
    /// The evaluation date (none for the catalogue).
    pub as_of: Option<NaiveDate>,
    /// The window start (none for the catalogue).
    pub from: Option<NaiveDate>,
    /// The scope (none for the catalogue).
    pub scope: Option<ScopeRef>,
    /// The breakdown kind, if any.
    pub by: Option<UnitKind>,
}

impl Header {
    /// The head of an output that answers no query (the catalogue).
    pub fn bare(output: Output) -> Header {
        Header {
            output,
            as_of: None,
            from: None,
            scope: None,
            by: None,
        }
    }

    /// The envelope around `rows` (a JSON array).
    pub fn envelope(&self, rows: Value) -> Value {
        let mut doc = Map::new();
        doc.insert("format".into(), self.output.format().into());
        let date = |d: Option<NaiveDate>| d.map_or(Value::Null, |d| d.to_string().into());
        doc.insert("as_of".into(), date(self.as_of));
        doc.insert("from".into(), date(self.from));
        doc.insert(
            "scope".into(),
            self.scope.as_ref().map_or(
                Value::Null,
                |s| json!({"id": s.id.as_str(), "name": s.name}),
            ),
        );
        doc.insert(
            "by".into(),
            self.by.map_or(Value::Null, |k| k.id().to_string().into()),
        );
        doc.insert("rows".into(), rows);
        Value::Object(doc)
    }

    /// The envelope around rows serialized as they are.
    pub fn envelope_rows<R: serde::Serialize>(
        &self,
        rows: &[R],
    ) -> Result<Value, serde_json::Error> {
        Ok(self.envelope(serde_json::to_value(rows)?))
    }
}

/// The JSON Schema (draft 2020-12) of an output: the envelope, and its rows' keys and types
/// from the row type's declared columns. A key whose field is not an `Option` is required
/// and never null; the others may be null (and `due` of a metric row may be absent). No
/// other key is allowed, so a column added to a row type without a new schema fails the
/// schema tests.
pub fn schema(output: Output) -> Value {
    let (rows, what) = match output {
        Output::Report => (rows_schema::<MetricRow>(), "one metric at one scope"),
        Output::Tasks => (rows_schema::<TaskRow>(), "one key task"),
        Output::Duties => (rows_schema::<ObligationRow>(), "one duty obligation"),
        Output::Coverage => (rows_schema::<EnterpriseRow>(), "one above-scale enterprise"),
        Output::Cadres => (rows_schema::<CadreRow>(), "one cadre"),
        Output::Catalogue => (rows_schema::<LedgerMetric>(), "one metric of the catalogue"),
        Output::EnterpriseOrgs => (
            rows_schema::<EnterpriseOrgsRow>(),
            "the above-scale enterprises of one scope row",
        ),
        Output::OrgLife => (rows_schema::<OrgLifeRow>(), "one branch"),
    };
    let mut rows = rows;
    rows["description"] = what.into();
    let date_or_null = json!({"type": ["string", "null"], "format": "date"});
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("urn:dangjian:schema:{}", output.format()),
        "title": format!("dangjian {} output", output.id()),
        "type": "object",
        "required": ["format", "as_of", "from", "scope", "by", "rows"],
        "additionalProperties": false,
        "properties": {
            "format": {"const": output.format()},
            "as_of": date_or_null,
            "from": date_or_null,
            "scope": {
                "type": ["object", "null"],
                "required": ["id", "name"],
                "additionalProperties": false,
                "properties": {"id": {"type": "string"}, "name": {"type": "string"}}
            },
            "by": {"type": ["string", "null"]},
            "rows": {"type": "array", "items": rows}
        }
    })
}

/// The schema of one row: an object with a property per declared column.
fn rows_schema<R: Row>() -> Value {
    let non_null = R::non_null();
    let omitted = R::omitted_when_null();
    let mut props = Map::new();
    let mut required = Vec::new();
    for c in R::columns() {
        let strict = non_null.contains(&c.name);
        let mut p = match c.ty {
            ColumnType::Text => json!({"type": "string"}),
            ColumnType::Date => json!({"type": "string", "format": "date"}),
            ColumnType::Float => json!({"type": "number"}),
            ColumnType::Int => json!({"type": "integer"}),
            ColumnType::Bool => json!({"type": "boolean"}),
            ColumnType::TextList => json!({"type": "array", "items": {"type": "string"}}),
        };
        if !strict {
            if let Some(t) = p["type"].as_str().map(str::to_string) {
                p["type"] = json!([t, "null"]);
            }
        }
        if !omitted.contains(&c.name) {
            required.push(c.name);
        }
        props.insert(c.name.to_string(), p);
    }
    json!({
        "type": "object",
        "required": required,
        "additionalProperties": false,
        "properties": props
    })
}
