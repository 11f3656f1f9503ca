//! Partial results as Arrow tables and Arrow IPC files (`docs/PARTIALS.md`, "Partial
//! results"): what `dangjian partial` writes, `dangjian merge` reads, and Python returns.
//!
//! One row per state field ([`Key`] and the field's name and value), the query and what
//! the rows are read with (the rows' units, the tree above the parts, the duties, indicators
//! and targets) in the schema's metadata under `dangjian.partial`, as JSON.
//!
//! ```
//! use chrono::NaiveDate;
//! use dangjian::ledger::parts::Shared;
//! use dangjian::metrics::{Engine, Query};
//!
//! let ledger = dangjian::example();
//! let q = Query { as_of: NaiveDate::from_ymd_opt(2019, 7, 31), ..Query::default() };
//! let p = Engine::new(&ledger).partial(&q, &Shared::default(), None).unwrap();
//! let bytes = dangjian::partials::to_ipc(&p).unwrap();
//! assert_eq!(dangjian::partials::from_ipc(&bytes).unwrap(), p);
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use serde_json::{json, Value};

use crate::metrics::{Head, Key, Partial};
use crate::model::{Ledger, UnitKind};

/// The schema metadata key holding the rest of a partial result, as JSON.
pub const METADATA_KEY: &str = "dangjian.partial";
/// The format name and version in that JSON.
pub const FORMAT: &str = "dangjian-partial/1";

/// Why a table or file is not a partial result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PartialFileError {
    /// Arrow could not read or write it.
    #[error("not an Arrow IPC file of a partial result: {0}")]
    Arrow(#[from] ArrowError),
    /// It is Arrow, but not a partial result of this format.
    #[error("not a partial result of dangjian ({FORMAT}): {0}")]
    Format(String),
}

fn bad(what: impl Into<String>) -> PartialFileError {
    PartialFileError::Format(what.into())
}

/// The table's columns: the key of each state, its field's name and value.
pub fn schema() -> Schema {
    Schema::new(vec![
        Field::new("entity", DataType::Utf8, true),
        Field::new("source", DataType::Utf8, false),
        Field::new("unit", DataType::Utf8, false),
        Field::new("group", DataType::Utf8, false),
        Field::new("field", DataType::Utf8, false),
        Field::new("value", DataType::Float64, true),
    ])
}

/// A partial result as one Arrow record batch. Each field's name is that of the group's
/// state ([`crate::metrics::Partial`]); a null value is a maximum or minimum of nothing.
pub fn to_batch(p: &Partial) -> Result<RecordBatch, PartialFileError> {
    let names = field_names(p);
    let ops = field_ops(p);
    let mut entity: Vec<Option<&str>> = Vec::new();
    let (mut source, mut unit, mut group, mut field) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut value: Vec<Option<f64>> = Vec::new();
    for (k, v) in &p.states {
        let Some(fnames) = names.get(group_of(k)) else {
            return Err(bad(format!("no field names for group `{}`", k.group)));
        };
        let identity = ops.get(group_of(k));
        for (i, (name, x)) in fnames.iter().zip(v).enumerate() {
            // An entity's field at its identity (a flag not set) is left out: absent is
            // identity when read back.
            let at_identity = identity
                .and_then(|o| o.get(i))
                .is_some_and(|op| op.to_bits() == x.to_bits());
            if !k.entity.is_empty() && at_identity {
                continue;
            }
            entity.push((!k.entity.is_empty()).then_some(k.entity.as_str()));
            source.push(k.source.as_str());
            unit.push(k.unit.as_str());
            group.push(k.group.as_str());
            field.push(*name);
            value.push((!x.is_nan()).then_some(*x));
        }
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(entity)),
        Arc::new(StringArray::from(source)),
        Arc::new(StringArray::from(unit)),
        Arc::new(StringArray::from(group)),
        Arc::new(StringArray::from(field)),
        Arc::new(Float64Array::from(value)),
    ];
    let meta = metadata(p).to_string();
    let schema = schema().with_metadata([(METADATA_KEY.to_string(), meta)].into());
    Ok(RecordBatch::try_new(Arc::new(schema), columns)?)
}

/// The group whose field names a key's state has: people and members of shared orgs
/// carry their own fields (named by the entity kind, `person:` or `member:`).
fn group_of(k: &Key) -> &str {
    crate::metrics::partial::entity_kind(&k.entity).map_or(&k.group, |(kind, _)| kind)
}

/// The fields of each group of `p`'s ledger of definitions, and of each entity kind that
/// carries its own.
fn fields(p: &Partial) -> Vec<(String, crate::metrics::partial::Fields)> {
    let mut out = crate::metrics::partial::group_fields(&p.defs);
    for (kind, fields) in crate::metrics::partial::ENTITY_FIELDS {
        out.push((kind.to_string(), fields));
    }
    out
}

/// The field names of each group of `p`'s ledger of definitions.
fn field_names(p: &Partial) -> BTreeMap<String, Vec<&'static str>> {
    fields(p)
        .into_iter()
        .map(|(name, fields)| (name, fields.iter().map(|f| f.0).collect()))
        .collect()
}

/// The identity of each field of each group: what a field left out reads as.
fn field_ops(p: &Partial) -> BTreeMap<String, Vec<f64>> {
    fields(p)
        .into_iter()
        .map(|(name, fields)| {
            (
                name,
                fields
                    .iter()
                    .map(|f| crate::metrics::partial::identity(f.1))
                    .collect(),
            )
        })
        .collect()
}

/// Everything of `p` but its states, as the JSON of the schema's metadata.
fn metadata(p: &Partial) -> Value {
    let h = &p.head;
    json!({
        "format": FORMAT,
        "as_of": h.as_of.to_string(),
        "from": h.from.to_string(),
        "scope": h.scope,
        "by": h.by.map(|b| b.to_string()),
        "metrics": h.metrics,
        "at_risk_tolerance": h.at_risk_tolerance,
        "young_age": h.young_age,
        "rows": p.rows.as_ref().map(|r| r.iter().map(|(id, name)| json!([id, name])).collect::<Vec<_>>()),
        "by_inside": p.by_inside,
        "tree": p.tree,
        "parts": p.parts,
        "merged": p.merged,
        "defs": {
            "duties": p.defs.duties,
            "indicators": p.defs.indicators,
            "targets": p.defs.targets,
        },
    })
}

/// The partial result of a record batch written by [`to_batch`] (or several batches of one
/// table: pass them one by one to [`from_batches`]).
pub fn from_batch(b: &RecordBatch) -> Result<Partial, PartialFileError> {
    from_batches(std::slice::from_ref(b))
}

/// The partial result of the batches of one table written by [`to_batch`].
pub fn from_batches(batches: &[RecordBatch]) -> Result<Partial, PartialFileError> {
    let first = batches
        .first()
        .ok_or_else(|| bad("an empty table (no record batch)"))?;
    let meta = first
        .schema()
        .metadata()
        .get(METADATA_KEY)
        .cloned()
        .ok_or_else(|| bad(format!("no `{METADATA_KEY}` in the schema's metadata")))?;
    let mut p = from_metadata(&meta)?;
    let names = field_names(&p);
    let ops = field_ops(&p);
    let mut pending: BTreeMap<Key, Vec<(String, Option<f64>)>> = BTreeMap::new();
    for b in batches {
        let col = |name: &str| -> Result<&StringArray, PartialFileError> {
            b.column_by_name(name)
                .and_then(|c| c.as_any().downcast_ref::<StringArray>())
                .ok_or_else(|| bad(format!("no text column `{name}`")))
        };
        let (entity, source, unit, group, field) = (
            col("entity")?,
            col("source")?,
            col("unit")?,
            col("group")?,
            col("field")?,
        );
        let value = b
            .column_by_name("value")
            .and_then(|c| c.as_any().downcast_ref::<Float64Array>())
            .ok_or_else(|| bad("no float64 column `value`"))?;
        for i in 0..b.num_rows() {
            let text = |a: &StringArray| (!a.is_null(i)).then(|| a.value(i).to_string());
            let key = Key {
                entity: text(entity).unwrap_or_default(),
                source: text(source).ok_or_else(|| bad(format!("row {i}: no source")))?,
                unit: text(unit).ok_or_else(|| bad(format!("row {i}: no unit")))?,
                group: text(group).ok_or_else(|| bad(format!("row {i}: no group")))?,
            };
            let f = text(field).ok_or_else(|| bad(format!("row {i}: no field")))?;
            let v = (!value.is_null(i)).then(|| value.value(i));
            pending.entry(key).or_default().push((f, v));
        }
    }
    for (k, got) in pending {
        let Some(fnames) = names.get(group_of(&k)) else {
            return Err(bad(format!(
                "unknown group `{}` (another version of dangjian?)",
                k.group
            )));
        };
        let mut fields = ops
            .get(group_of(&k))
            .cloned()
            .unwrap_or_else(|| vec![f64::NAN; fnames.len()]);
        for (f, v) in got {
            let i = fnames
                .iter()
                .position(|n| *n == f)
                .ok_or_else(|| bad(format!("group `{}` has no field `{f}`", k.group)))?;
            fields[i] = v.unwrap_or(f64::NAN);
        }
        p.states.insert(k, fields);
    }
    Ok(p)
}

fn from_metadata(text: &str) -> Result<Partial, PartialFileError> {
    let m: Value = serde_json::from_str(text).map_err(|e| bad(format!("metadata: {e}")))?;
    if m["format"] != FORMAT {
        return Err(bad(format!(
            "format {} (this version reads {FORMAT})",
            m["format"]
        )));
    }
    let date = |k: &str| -> Result<chrono::NaiveDate, PartialFileError> {
        m[k].as_str()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad(format!("metadata: `{k}` is not a date")))
    };
    let by = match m["by"].as_str() {
        None => None,
        Some(s) => Some(
            s.parse::<UnitKind>()
                .map_err(|e| bad(format!("metadata: `by`: {e}")))?,
        ),
    };
    let defs = &m["defs"];
    let table = |k: &str| defs.get(k).cloned().unwrap_or(Value::Array(Vec::new()));
    let mut ledger = Ledger::new();
    ledger.duties = serde_json::from_value(table("duties"))
        .map_err(|e| bad(format!("metadata: duties: {e}")))?;
    ledger.indicators = serde_json::from_value(table("indicators"))
        .map_err(|e| bad(format!("metadata: indicators: {e}")))?;
    ledger.targets = serde_json::from_value(table("targets"))
        .map_err(|e| bad(format!("metadata: targets: {e}")))?;
    let rows = match &m["rows"] {
        Value::Null => None,
        v => Some(
            serde_json::from_value::<Vec<(String, String)>>(v.clone())
                .map_err(|e| bad(format!("metadata: rows: {e}")))?,
        ),
    };
    Ok(Partial {
        head: Head {
            as_of: date("as_of")?,
            from: date("from")?,
            scope: m["scope"]
                .as_str()
                .ok_or_else(|| bad("metadata: no `scope`"))?
                .to_string(),
            by,
            metrics: serde_json::from_value(m["metrics"].clone())
                .map_err(|e| bad(format!("metadata: metrics: {e}")))?,
            at_risk_tolerance: m["at_risk_tolerance"]
                .as_f64()
                .ok_or_else(|| bad("metadata: no `at_risk_tolerance`"))?,
            young_age: m["young_age"]
                .as_i64()
                .and_then(|a| i32::try_from(a).ok())
                .ok_or_else(|| bad("metadata: no `young_age`"))?,
        },
        defs: ledger,
        rows,
        by_inside: m["by_inside"].as_str().map(str::to_string),
        tree: serde_json::from_value(m["tree"].clone())
            .map_err(|e| bad(format!("metadata: tree: {e}")))?,
        states: BTreeMap::new(),
        // (Absent from a file written before they were: no part is then checked for.)
        parts: set(&m["parts"], "parts")?,
        merged: set(&m["merged"], "merged")?,
    })
}

/// A metadata list of ids (empty when absent).
fn set(v: &Value, key: &str) -> Result<BTreeSet<String>, PartialFileError> {
    if v.is_null() {
        return Ok(BTreeSet::new());
    }
    serde_json::from_value(v.clone()).map_err(|e| bad(format!("metadata: {key}: {e}")))
}

/// A partial result as the bytes of an Arrow IPC file.
pub fn to_ipc(p: &Partial) -> Result<Vec<u8>, PartialFileError> {
    let batch = to_batch(p)?;
    let mut out = Vec::new();
    // LZ4 frames: the keys repeat from row to row (pyarrow, polars and duckdb read them).
    let options = arrow_ipc::writer::IpcWriteOptions::default()
        .try_with_compression(Some(arrow_ipc::CompressionType::LZ4_FRAME))?;
    let mut w =
        arrow_ipc::writer::FileWriter::try_new_with_options(&mut out, &batch.schema(), options)?;
    w.write(&batch)?;
    w.finish()?;
    drop(w);
    Ok(out)
}

/// The partial result of the bytes of an Arrow IPC file written by [`to_ipc`].
pub fn from_ipc(bytes: &[u8]) -> Result<Partial, PartialFileError> {
    let reader = arrow_ipc::reader::FileReader::try_new(std::io::Cursor::new(bytes), None)?;
    let batches = reader.collect::<Result<Vec<_>, _>>()?;
    if batches.is_empty() {
        // A partial result with no state still has its schema and metadata.
        return Err(bad("an IPC file with no record batch"));
    }
    from_batches(&batches)
}
