//! Import mappings: which source column fills each column of one ledger table, and how
//! its cells are cleaned (`docs/IMPORTS.md`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::model::Table;

/// The mappings shipped with the program, by name: the Excel templates of the university
/// party-work platform of `docs/STATS.md`.
pub const SHIPPED: [(&str, &str); 3] = [
    (
        "owip-meetings",
        include_str!("../../mappings/owip-meetings.toml"),
    ),
    (
        "owip-theme-days",
        include_str!("../../mappings/owip-theme-days.toml"),
    ),
    (
        "owip-members",
        include_str!("../../mappings/owip-members.toml"),
    ),
];

/// How a cell is cleaned before it goes into the ledger.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clean {
    /// The cell's text, trimmed; a number cell the shortest way (`12`, not `12.0`).
    #[default]
    Text,
    /// A date: a date or date-time cell, or a text such as `2019/2/3  14:30`, reduces to
    /// its date (ISO); a number cell is `YYYYMMDD` when it has 8 digits, else an Excel
    /// serial day. A text that is no date is kept as it is, so that the ledger's
    /// validation reports it at its cell.
    Date,
    /// A code that keeps its leading zeros: a text cell as it is; a number cell formatted
    /// with zeros (`000000`) padded to the format's width; another number cell as its
    /// digits.
    Code,
    /// A birth date (ISO) derived from a resident identity number (身份证号码: 18
    /// characters, the first 17 digits, digits 7-14 `YYYYMMDD`, the last a digit or `X`).
    /// An invalid number is an error at its cell; the number itself is never stored.
    BirthDateFromIdentityNumber,
}

/// How one target column is filled.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnRule {
    /// The source column, by its header text.
    pub from: Option<String>,
    /// A constant for every row (instead of `from`).
    pub value: Option<String>,
    /// How the source cell is cleaned (default `text`).
    #[serde(default)]
    pub clean: Clean,
    /// A translation of the (cleaned) source values: `"支部党员大会" = "member_assembly"`.
    /// A value not in the table is an error at its cell, unless `keep_other_values`.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    /// Values not in `values` are kept as they are instead of being errors.
    #[serde(default)]
    pub keep_other_values: bool,
}

/// A mapping from a source layout to one ledger table.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The mapping's name (`owip-meetings`).
    #[serde(default)]
    pub name: String,
    /// What layout it reads, for people.
    #[serde(default)]
    pub description: String,
    /// The target table, by its ledger name (`activities`, `people`...).
    pub table: String,
    /// The source layout's headers, as documentation and a check: when given, every
    /// `from` and `keep` must be one of them.
    #[serde(default)]
    pub headers: Vec<String>,
    /// Target column -> how it is filled. Target columns are the table's columns or `x_`
    /// columns.
    #[serde(default)]
    pub columns: BTreeMap<String, ColumnRule>,
    /// Source columns kept as `x_<header>` columns.
    #[serde(default)]
    pub keep: Vec<String>,
    /// A row with a mapped cell containing one of these texts is the template's example
    /// row, and is skipped (`示例`).
    #[serde(default)]
    pub example_markers: Vec<String>,
    /// The template's own sample rows, by place and values: a source row at that place
    /// with those values is skipped; a row the user typed over is data.
    #[serde(default)]
    pub sample_rows: Vec<SampleRow>,
}

/// A sample row a template ships with (张三 of xxxx学部党支部): skipped while unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleRow {
    /// Its place below the header: 1 is the first row under it.
    pub row: u64,
    /// Source header -> the template's text in that column. A row is the sample when
    /// every one is there unchanged (compared without white space).
    pub cells: BTreeMap<String, String>,
}

impl SampleRow {
    /// Whether `cell` (the text of the source's column `header`, if the source has it)
    /// are this sample's values, compared without white space.
    pub fn matches(&self, cell: impl Fn(&str) -> Option<String>) -> bool {
        let squeeze = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        self.cells
            .iter()
            .all(|(h, v)| cell(h).is_some_and(|t| squeeze(&t) == squeeze(v)))
    }
}

/// A mapping that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mapping {name}: {message}")]
pub struct MappingError {
    /// The mapping's name or path.
    pub name: String,
    /// What is wrong.
    pub message: String,
}

impl Mapping {
    /// Parses and checks a mapping written in TOML; `name` names it in errors.
    pub fn from_toml(name: &str, text: &str) -> Result<Mapping, MappingError> {
        let err = |message: String| MappingError {
            name: name.to_string(),
            message,
        };
        let mut m: Mapping = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        if m.name.is_empty() {
            m.name = name.to_string();
        }
        m.check().map_err(err)?;
        Ok(m)
    }

    /// A shipped mapping by name (`owip-meetings`, `owip-theme-days`, `owip-members`).
    pub fn shipped(name: &str) -> Option<Mapping> {
        SHIPPED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| Mapping::from_toml(n, text).expect("shipped mappings are valid"))
    }

    /// A shipped mapping's name, or else the path of a TOML file.
    pub fn resolve(name_or_path: &str) -> Result<Mapping, MappingError> {
        if let Some(m) = Mapping::shipped(name_or_path) {
            return Ok(m);
        }
        let path = Path::new(name_or_path);
        match std::fs::read_to_string(path) {
            Ok(text) => Mapping::from_toml(name_or_path, &text),
            Err(e) => Err(MappingError {
                name: name_or_path.to_string(),
                message: format!(
                    "is neither a shipped mapping ({}) nor a readable TOML file: {e}",
                    SHIPPED.map(|(n, _)| n).join(", ")
                ),
            }),
        }
    }

    /// The target table.
    pub fn target(&self) -> Table {
        Table::from_name(&self.table).expect("checked when parsed")
    }

    /// The target columns in the table's order, then the `x_` columns (mapped, then
    /// kept), each with its rule.
    pub fn target_columns(&self) -> Vec<(String, ColumnRule)> {
        let table = self.target();
        let mut out: Vec<(String, ColumnRule)> = table
            .columns()
            .iter()
            .filter_map(|c| {
                self.columns
                    .get(c.name)
                    .map(|r| (c.name.to_string(), r.clone()))
            })
            .collect();
        out.extend(
            self.columns
                .iter()
                .filter(|(c, _)| c.starts_with("x_"))
                .map(|(c, r)| (c.clone(), r.clone())),
        );
        out.extend(self.keep.iter().map(|h| {
            (
                format!("x_{h}"),
                ColumnRule {
                    from: Some(h.clone()),
                    ..Default::default()
                },
            )
        }));
        out
    }

    fn check(&self) -> Result<(), String> {
        let Some(table) = Table::from_name(&self.table) else {
            return Err(format!(
                "`table = \"{}\"` is no ledger table; the tables are {}",
                self.table,
                Table::ALL.map(|t| t.name()).join(", ")
            ));
        };
        let known: Vec<&str> = table.columns().iter().map(|c| c.name).collect();
        for (col, rule) in &self.columns {
            if !known.contains(&col.as_str()) && !col.starts_with("x_") {
                return Err(format!(
                    "`{col}` is not a column of `{table}` ({}) nor an `x_` column",
                    known.join(", ")
                ));
            }
            match (&rule.from, &rule.value) {
                (Some(_), Some(_)) => {
                    return Err(format!("`{col}` has both `from` and `value`; give one"))
                }
                (None, None) => {
                    return Err(format!(
                        "`{col}` needs `from` (a source header) or `value` (a constant)"
                    ))
                }
                (None, Some(_)) if !rule.values.is_empty() || rule.clean != Clean::Text => {
                    return Err(format!(
                        "`{col}` is a constant; `values` and `clean` apply to `from` only"
                    ))
                }
                _ => {}
            }
            if let (Some(from), false) = (&rule.from, self.headers.is_empty()) {
                if !self.headers.contains(from) {
                    return Err(format!(
                        "`{col}` is filled from `{from}`, which is not among `headers`"
                    ));
                }
            }
        }
        for c in table.columns() {
            let col = c.name;
            if c.required && !self.columns.contains_key(col) {
                return Err(format!(
                    "`{table}` requires `{col}`; add `[columns.{col}]` with `from` or `value`"
                ));
            }
        }
        for (i, sample) in self.sample_rows.iter().enumerate() {
            let n = i + 1;
            if sample.row == 0 || sample.cells.is_empty() {
                return Err(format!(
                    "`sample_rows` {n} needs `row` (1 is the first row below the header) and `cells` (header = text)"
                ));
            }
            if let Some(h) = sample
                .cells
                .keys()
                .find(|h| !self.headers.is_empty() && !self.headers.contains(h))
            {
                return Err(format!(
                    "`sample_rows` {n} names `{h}`, which is not among `headers`"
                ));
            }
        }
        for h in &self.keep {
            if !self.headers.is_empty() && !self.headers.contains(h) {
                return Err(format!("`keep` names `{h}`, which is not among `headers`"));
            }
            if self.columns.contains_key(&format!("x_{h}")) {
                return Err(format!("`x_{h}` is both mapped and kept"));
            }
        }
        Ok(())
    }
}
