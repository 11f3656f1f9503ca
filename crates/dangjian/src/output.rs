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

use serde_json::{json, Map, Value};

pub use crate::envelope::{Header, Output, ScopeRef};

use crate::metrics::{
    CadreRow, Engine, EnterpriseRow, Evaluation, LedgerMetric, MetricRow, ObligationRow, Query,
    QueryError, TaskRow,
};
use crate::model::Ledger;
use crate::report::Labels;
use crate::rows::{Cell, Column, ColumnType, Row};
use crate::stats::{EnterpriseOrgsRow, OrgLifeRow, StatsTable};

/// An output that could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// The query cannot be answered (an unknown scope, `from` after `as_of`...).
    #[error(transparent)]
    Query(#[from] QueryError),
    /// The rows could not be written as JSON.
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The rows could not be written as CSV.
    #[error("cannot write CSV: {0}")]
    Csv(String),
    /// The output is not a drill-down table (`tasks`, `duties`, `coverage`, `cadres`).
    #[error("`{0}` is not a drill-down; use tasks, duties, coverage or cadres")]
    NotADrillDown(&'static str),
}

/// How a table leaves for other tools: JSON in the envelope, or CSV.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DataFormat {
    /// The JSON document: the envelope around the rows.
    Json,
    /// CSV: a header line, then one line per row, numbers at full precision.
    Csv,
}

/// A JSON document as the command line writes it: pretty, with a final line feed. The
/// service answers the same bytes.
pub fn json_text(v: &Value) -> Result<String, serde_json::Error> {
    Ok(serde_json::to_string_pretty(v)? + "\n")
}

/// Rows as CSV: the row type's columns as the header, each cell at full precision
/// ([`Cell::to_exact_text`]).
///
/// ```
/// use dangjian::metrics::{catalogue, LedgerMetric};
/// let defs: Vec<LedgerMetric> = catalogue().iter().map(LedgerMetric::from_def).collect();
/// let csv = dangjian::output::csv_text(&defs).unwrap();
/// assert!(csv.starts_with("id,"));
/// assert_eq!(csv.lines().count(), defs.len() + 1);
/// ```
pub fn csv_text<R: Row>(rows: &[R]) -> Result<String, OutputError> {
    let csv_error = |e: &dyn std::fmt::Display| OutputError::Csv(e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(R::columns().iter().map(|c| c.name))
        .map_err(|e| csv_error(&e))?;
    for r in rows {
        w.write_record(r.cells().iter().map(Cell::to_exact_text))
            .map_err(|e| csv_error(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| csv_error(&e))?;
    String::from_utf8(bytes).map_err(|e| csv_error(&e))
}

/// `dangjian report --format json`: the evaluation's document ([`Evaluation::to_json`]).
pub fn report_json(ev: &Evaluation) -> Result<String, OutputError> {
    Ok(json_text(&ev.to_json())?)
}

/// `dangjian catalogue --format json`: the metrics in the envelope of an output that
/// answers no query.
pub fn catalogue_json(defs: &[LedgerMetric]) -> Result<String, OutputError> {
    Ok(json_text(
        &Header::bare(Output::Catalogue).envelope_rows(defs)?,
    )?)
}

/// `dangjian stats NAME --format json`: a statistics table in its envelope, the columns of
/// `docs/STATS.md` as they are (no names beside the ids).
pub fn stats_json(
    engine: &Engine<'_>,
    table: StatsTable,
    q: &Query,
) -> Result<String, OutputError> {
    let doc = match table {
        StatsTable::EnterpriseOrgs => {
            let rows = crate::stats::enterprise_orgs(engine, q)?;
            engine
                .header(q, Output::EnterpriseOrgs)?
                .envelope_rows(&rows)?
        }
        StatsTable::OrgLife => {
            let rows = crate::stats::org_life(engine, q)?;
            engine.header(q, Output::OrgLife)?.envelope_rows(&rows)?
        }
    };
    Ok(json_text(&doc)?)
}

/// A drill-down (`dangjian tasks|duties|coverage|cadres --format json|csv`) of `engine`
/// over `ledger`: JSON in the envelope or CSV, the names beside the ids either way
/// ([`Named`]). The command line and the service write exactly these bytes.
///
/// ```
/// use dangjian::metrics::{Engine, Query};
/// use dangjian::output::{drill_down, DataFormat, Output};
///
/// let ledger = dangjian::example();
/// let engine = Engine::new(&ledger);
/// let csv = drill_down(&ledger, &engine, Output::Tasks, &Query::default(), DataFormat::Csv).unwrap();
/// assert!(csv.starts_with("id,"));
/// let json = drill_down(&ledger, &engine, Output::Tasks, &Query::default(), DataFormat::Json).unwrap();
/// assert!(json.contains("\"format\": \"dangjian-tasks/1\""));
/// ```
pub fn drill_down(
    ledger: &Ledger,
    engine: &Engine<'_>,
    output: Output,
    q: &Query,
    format: DataFormat,
) -> Result<String, OutputError> {
    match output {
        Output::Tasks => named_text(ledger, engine, output, q, engine.tasks(q)?, format),
        Output::Duties => named_text(ledger, engine, output, q, engine.obligations(q)?, format),
        Output::Coverage => named_text(ledger, engine, output, q, engine.enterprises(q)?, format),
        Output::Cadres => named_text(ledger, engine, output, q, engine.cadres(q)?, format),
        other => Err(OutputError::NotADrillDown(other.id())),
    }
}

/// Rows with their names, in the envelope of `output` for `q` or as CSV.
fn named_text<R: Row + serde::Serialize>(
    ledger: &Ledger,
    engine: &Engine<'_>,
    output: Output,
    q: &Query,
    rows: Vec<R>,
    format: DataFormat,
) -> Result<String, OutputError> {
    let labels = Labels::new(ledger);
    match format {
        DataFormat::Json => {
            let header = engine.header(q, output)?;
            Ok(json_text(&envelope_named(&header, &rows, &labels)?)?)
        }
        DataFormat::Csv => {
            let plan = NamePlan::of::<R>();
            csv_text(&Named::all(&rows, &labels, &plan))
        }
    }
}

/// The envelope of `header` around rows with the names beside their ids ([`Named`]).
pub fn envelope_named<R: Row + serde::Serialize>(
    header: &Header,
    rows: &[R],
    labels: &Labels<'_>,
) -> Result<Value, serde_json::Error> {
    let plan = NamePlan::of::<R>();
    let named = Named::all(rows, labels, &plan)
        .iter()
        .map(Named::to_json)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(header.envelope(Value::Array(named)))
}

/// Whom an id column names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// Where a row type's names go: for each of its columns, the name column right after it,
/// if the column is an id that names something. Worked out once per table, not per row.
pub struct NamePlan {
    /// The row type's columns, each with the name column beside it.
    beside: Vec<(&'static str, Option<(&'static str, Names)>)>,
}

impl NamePlan {
    /// The plan of row type `R`.
    pub fn of<R: Row>() -> NamePlan {
        let own = R::columns();
        NamePlan {
            beside: own
                .iter()
                .map(|c| (c.name, name_column(c.name, &own)))
                .collect(),
        }
    }
}

/// A row with the names of what its ids name, each right after its id, as the page shows
/// them: `subject` then `subject_name` (西周路), `holder` then `holder_name`, likewise `scope`,
/// `unit`, `owner`, `leader` and `parent`. A name is null where the id is, or names nothing
/// in the ledger. The tables of the command line (CSV, JSON) and of Python are named rows.
///
/// ```
/// use dangjian::metrics::{Engine, ObligationRow, Query};
/// use dangjian::output::{NamePlan, Named};
/// use dangjian::report::Labels;
/// use dangjian::rows::{Cell, Row};
///
/// let ledger = dangjian::example();
/// let rows = Engine::new(&ledger).obligations(&Query::default()).unwrap();
/// let labels = Labels::new(&ledger);
/// let plan = NamePlan::of::<ObligationRow>();
/// let cols: Vec<&str> = Named::<ObligationRow>::columns().iter().map(|c| c.name).collect();
/// assert_eq!(cols[..5], ["duty", "subject", "subject_name", "holder", "holder_name"]);
/// let patrol = rows.iter().find(|r| r.subject.as_str() == "xizhou_road").unwrap();
/// let named = Named { row: patrol, labels: &labels, plan: &plan };
/// assert!(matches!(&named.cells()[2], Cell::Text(name) if name == "西周路"));
/// ```
pub struct Named<'a, R> {
    /// The row.
    pub row: &'a R,
    /// The ledger's names.
    pub labels: &'a Labels<'a>,
    /// Where the names go ([`NamePlan::of`] the row type).
    pub plan: &'a NamePlan,
}

impl<'a, R: Row> Named<'a, R> {
    /// The rows of a table, named: the plan is worked out once for all of them.
    pub fn all(rows: &'a [R], labels: &'a Labels<'a>, plan: &'a NamePlan) -> Vec<Named<'a, R>> {
        rows.iter().map(|row| Named { row, labels, plan }).collect()
    }

    fn name(&self, id: &Cell<'_>, who: Names) -> Cell<'a> {
        let Cell::Text(id) = id else {
            return Cell::Null;
        };
        // The ledger's own text, borrowed, not a copy per row.
        let name = match who {
            Names::Node => self.labels.name_of(id),
            Names::Person => self.labels.person_of(id),
        };
        name.map_or(Cell::Null, |n| Cell::Text(n.into()))
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
        let cells = self.row.cells();
        let mut out = Map::new();
        for (k, v) in own {
            let at = self.plan.beside.iter().position(|(c, _)| *c == k);
            out.insert(k, v);
            if let Some((i, Some((name, who)))) = at.map(|i| (i, self.plan.beside[i].1)) {
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
        let cells = self.row.cells();
        let mut out = Vec::with_capacity(cells.len() + 2);
        for ((_, beside), cell) in self.plan.beside.iter().zip(cells) {
            let name = beside.map(|(_, who)| self.name(&cell, who));
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
