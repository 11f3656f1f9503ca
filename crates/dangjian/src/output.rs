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
use crate::report::Labels;
use crate::rows::{Cell, Column, ColumnType, Row};
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

    /// The envelope around rows with the names beside their ids ([`Named`]).
    pub fn envelope_named<R: Row + serde::Serialize>(
        &self,
        rows: &[R],
        labels: &Labels<'_>,
    ) -> Result<Value, serde_json::Error> {
        let named = rows
            .iter()
            .map(|row| Named { row, labels }.to_json())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.envelope(Value::Array(named)))
    }
}

/// Whom an id column names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Names {
    /// A unit, an organisation or a key task.
    Node,
    /// A person.
    Person,
}

/// The id columns that name something, and the column of names beside each.
const NAMED: [(&str, &str, Names); 7] = [
    ("scope", "scope_name", Names::Node),
    ("unit", "unit_name", Names::Node),
    ("owner", "owner_name", Names::Node),
    ("leader", "leader_name", Names::Person),
    ("subject", "subject_name", Names::Node),
    ("holder", "holder_name", Names::Person),
    ("parent", "parent_name", Names::Node),
];

/// The name column beside id column `id`, unless the row type has one already.
fn name_column(id: &str, columns: &[Column]) -> Option<(&'static str, Names)> {
    let (_, name, who) = NAMED.iter().find(|(c, _, _)| *c == id)?;
    (!columns.iter().any(|c| c.name == *name)).then_some((*name, *who))
}

/// A row with the names of what its ids name, each right after its id, as the page shows
/// them: `subject` then `subject_name` (西周路), `holder` then `holder_name`, likewise `scope`,
/// `unit`, `owner`, `leader` and `parent`. A name is null where the id is, or names nothing
/// in the ledger. The tables of the command line (CSV, JSON) and of Python are named rows.
///
/// ```
/// use dangjian::metrics::{Engine, ObligationRow, Query};
/// use dangjian::output::Named;
/// use dangjian::report::Labels;
/// use dangjian::rows::{Cell, Row};
///
/// let ledger = dangjian::example();
/// let rows = Engine::new(&ledger).obligations(&Query::default()).unwrap();
/// let labels = Labels::new(&ledger);
/// let cols: Vec<&str> = Named::<ObligationRow>::columns().iter().map(|c| c.name).collect();
/// assert_eq!(cols[..5], ["duty", "subject", "subject_name", "holder", "holder_name"]);
/// let patrol = rows.iter().find(|r| r.subject.as_str() == "xizhou_road").unwrap();
/// let named = Named { row: patrol, labels: &labels };
/// assert!(matches!(&named.cells()[2], Cell::Text(name) if name == "西周路"));
/// ```
pub struct Named<'a, R> {
    /// The row.
    pub row: &'a R,
    /// The ledger's names.
    pub labels: &'a Labels<'a>,
}

impl<R: Row> Named<'_, R> {
    fn name(&self, id: &Cell<'_>, who: Names) -> Cell<'static> {
        let Cell::Text(id) = id else {
            return Cell::Null;
        };
        let name = match who {
            Names::Node => self.labels.name(id),
            Names::Person => self.labels.person(id),
        };
        // The labels give the id back when it names nothing.
        if name == id.as_ref() {
            Cell::Null
        } else {
            Cell::Text(name.to_string().into())
        }
    }

    /// The row as a JSON object: its own serialization, with the names inserted after
    /// their ids.
    pub fn to_json(&self) -> Result<Value, serde_json::Error>
    where
        R: serde::Serialize,
    {
        let Value::Object(own) = serde_json::to_value(self.row)? else {
            return serde_json::to_value(self.row);
        };
        let columns = R::columns();
        let cells = self.row.cells();
        let mut out = Map::new();
        for (k, v) in own {
            let named = name_column(&k, &columns);
            let id = columns.iter().position(|c| c.name == k);
            out.insert(k, v);
            if let (Some((name, who)), Some(i)) = (named, id) {
                let value = match self.name(&cells[i], who) {
                    Cell::Text(t) => Value::String(t.into_owned()),
                    _ => Value::Null,
                };
                out.insert(name.to_string(), value);
            }
        }
        Ok(Value::Object(out))
    }
}

impl<R: Row> Row for Named<'_, R> {
    fn columns() -> Vec<Column> {
        let own = R::columns();
        let mut out = Vec::with_capacity(own.len() + 2);
        for c in &own {
            out.push(*c);
            if let Some((name, _)) = name_column(c.name, &own) {
                out.push(Column {
                    name,
                    ty: ColumnType::Text,
                });
            }
        }
        out
    }

    fn cells(&self) -> Vec<Cell<'_>> {
        let own = R::columns();
        let cells = self.row.cells();
        let mut out = Vec::with_capacity(cells.len() + 2);
        for (c, cell) in own.iter().zip(cells) {
            let name = name_column(c.name, &own).map(|(_, who)| self.name(&cell, who));
            out.push(cell);
            out.extend(name);
        }
        out
    }

    fn non_null() -> Vec<&'static str> {
        R::non_null()
    }

    fn omitted_when_null() -> &'static [&'static str] {
        R::omitted_when_null()
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
        Output::Tasks => (rows_schema::<Named<TaskRow>>(), "one key task"),
        Output::Duties => (rows_schema::<Named<ObligationRow>>(), "one duty obligation"),
        Output::Coverage => (
            rows_schema::<Named<EnterpriseRow>>(),
            "one above-scale enterprise",
        ),
        Output::Cadres => (rows_schema::<Named<CadreRow>>(), "one cadre"),
        Output::Catalogue => (rows_schema::<LedgerMetric>(), "one metric of the catalogue"),
        // The statistics tables keep the columns of docs/STATS.md, nothing beside them.
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
