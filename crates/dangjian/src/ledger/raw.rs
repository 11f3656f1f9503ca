//! The form-independent middle layer: every form (CSV folder, JSON, Excel) reads into raw
//! tables of text cells that remember where each cell came from; one decoder turns raw
//! tables into the typed model, and one encoder turns the model back into raw tables.

use std::collections::{BTreeSet, HashSet};

use rustc_hash::FxHashMap as HashMap;
use std::str::FromStr;

use chrono::NaiveDate;

use super::problem::{quoted, Location, Problem, ProblemKind};
use crate::model::*;

/// Where a raw table came from; turns (row, column) into a [`Location`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A CSV file; row positions are 1-based line numbers.
    Csv {
        /// File name shown in locations.
        file: String,
    },
    /// A JSON document; row positions are array indices.
    Json,
    /// An Excel sheet; row positions are 1-based row numbers.
    Excel {
        /// Sheet name.
        sheet: String,
    },
    /// Records built in code; row positions are indices.
    Records,
}

/// Which date spellings a form accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateStyle {
    /// ISO `YYYY-MM-DD` only (JSON).
    IsoOnly,
    /// Also `YYYY/M/D`, `YYYY.M.D` and `YYYY年M月D日` (CSV, Excel).
    Lenient,
}

/// One table as text cells.
#[derive(Clone, Debug)]
pub struct RawTable {
    /// Which table.
    pub table: Table,
    /// Where it came from.
    pub origin: Origin,
    /// Column names, in order.
    pub header: Vec<String>,
    /// Rows: a position (line, index or sheet row) and one cell per header column.
    pub rows: Vec<RawRow>,
    /// Position of the header (line or row of the header), for header problems.
    pub header_pos: u64,
}

/// One row of text cells, stored in one buffer (one allocation a row, not one a cell:
/// large ledgers have millions of cells).
#[derive(Clone, Debug)]
pub struct RawRow {
    /// Line number, array index or sheet row, depending on the origin.
    pub pos: u64,
    text: String,
    /// The end offset in `text` of each cell; an empty cell is absent.
    ends: Vec<u32>,
}

impl RawRow {
    /// A row from its cells (`None` or empty: absent).
    pub fn new<S: AsRef<str>>(pos: u64, cells: impl IntoIterator<Item = Option<S>>) -> RawRow {
        Self::with_capacity(pos, 0, 0, cells)
    }

    /// Like [`RawRow::new`], with room reserved for `text_len` bytes of text in `n` cells.
    pub fn with_capacity<S: AsRef<str>>(
        pos: u64,
        text_len: usize,
        n: usize,
        cells: impl IntoIterator<Item = Option<S>>,
    ) -> RawRow {
        let mut text = String::with_capacity(text_len);
        let mut ends = Vec::with_capacity(n);
        for c in cells {
            if let Some(c) = c {
                text.push_str(c.as_ref());
            }
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        RawRow { pos, text, ends }
    }

    /// Cell `c`; `None` when empty or beyond the row (a row shorter than the header reads
    /// as empty in the missing columns).
    pub fn cell(&self, c: usize) -> Option<&str> {
        let end = *self.ends.get(c)? as usize;
        let start = if c == 0 { 0 } else { self.ends[c - 1] as usize };
        self.text.get(start..end).filter(|s| !s.is_empty())
    }

    /// The number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the row has no cells.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The cells in order.
    pub fn cells(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        (0..self.len()).map(|c| self.cell(c))
    }
}

/// Spreadsheet column letters for a 0-based index (`0` -> `A`, `26` -> `AA`).
pub fn column_letters(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

impl RawTable {
    /// The location of a cell.
    pub fn cell_location(&self, pos: u64, col: usize) -> Location {
        let name = self.header.get(col).cloned().unwrap_or_default();
        match &self.origin {
            Origin::Csv { file } => Location::Csv {
                file: file.clone(),
                line: pos,
                column: col + 1,
            },
            Origin::Json => Location::Json {
                pointer: format!("/{}/{}/{}", self.table, pos, escape_pointer(&name)),
            },
            Origin::Excel { sheet } => Location::Excel {
                sheet: sheet.clone(),
                cell: format!("{}{}", column_letters(col), pos),
            },
            Origin::Records => Location::Record {
                table: self.table,
                row: pos as usize,
                column: Some(name),
            },
        }
    }

    /// The location of a whole row (its first cell).
    pub fn row_location(&self, pos: u64) -> Location {
        match &self.origin {
            Origin::Csv { file } => Location::Csv {
                file: file.clone(),
                line: pos,
                column: 1,
            },
            Origin::Json => Location::Json {
                pointer: format!("/{}/{}", self.table, pos),
            },
            Origin::Excel { sheet } => Location::Excel {
                sheet: sheet.clone(),
                cell: format!("A{pos}"),
            },
            Origin::Records => Location::Record {
                table: self.table,
                row: pos as usize,
                column: None,
            },
        }
    }

    fn date_style(&self) -> DateStyle {
        match self.origin {
            Origin::Json | Origin::Records => DateStyle::IsoOnly,
            _ => DateStyle::Lenient,
        }
    }
}

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Trims ASCII white space and full-width spaces (U+3000), which Chinese spreadsheets leave.
pub fn clean(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}')
}

/// Parses a date in ISO form, or also the spreadsheet spellings with [`DateStyle::Lenient`].
pub fn parse_date(s: &str, style: DateStyle) -> Option<NaiveDate> {
    // ISO `YYYY-MM-DD` exactly: the common case, read without a format string.
    let b = s.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |acc, c| {
                c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
            })
        };
        if let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) {
            if let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d) {
                return Some(date);
            }
        }
    }
    if style == DateStyle::IsoOnly {
        return None;
    }
    let s = s.strip_suffix('日').unwrap_or(s);
    let parts: Vec<&str> = s.split(['/', '.', '年', '月', '-']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if parts[0].len() != 4 || parts[1].len() > 2 || parts[2].len() > 2 {
        return None;
    }
    let y = parts[0].parse().ok()?;
    let m = parts[1].parse().ok()?;
    let d = parts[2].parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Parses a decimal number, refusing thousands separators.
pub fn parse_number(s: &str) -> Result<f64, (ProblemKind, String)> {
    if s.contains([',', '，', '_', '\''])
        || (s.contains(' ') && s.chars().any(|c| c.is_ascii_digit()))
    {
        return Err((
            ProblemKind::ThousandsSeparator,
            format!("`{s}` has a thousands separator; write the number plainly, e.g. 1234567.5"),
        ));
    }
    let ok_chars = s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    match s.parse::<f64>() {
        Ok(v) if ok_chars && v.is_finite() => Ok(v),
        _ => Err((
            ProblemKind::BadNumber,
            format!("`{s}` is not a number; use `.` as the decimal point, e.g. 12.5"),
        )),
    }
}

/// Parses a boolean: `true/false`, `1/0`, `是/否`, `yes/no` (case does not matter).
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "1" | "是" | "yes" => Some(true),
        "false" | "0" | "否" | "no" => Some(false),
        _ => None,
    }
}

/// Maps a decoded record back to the raw row it came from.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    tables: HashMap<Table, (RawTable, Vec<u64>)>,
}

impl SourceMap {
    /// Translates a [`Location::Record`] into the source location; other locations pass.
    pub fn locate(&self, loc: Location) -> Location {
        let Location::Record { table, row, column } = &loc else {
            return loc;
        };
        let Some((raw, positions)) = self.tables.get(table) else {
            return loc;
        };
        let Some(&pos) = positions.get(*row) else {
            return loc;
        };
        match column
            .as_deref()
            .and_then(|c| raw.header.iter().position(|h| h == c))
        {
            Some(col) => raw.cell_location(pos, col),
            None => raw.row_location(pos),
        }
    }
}

impl SourceMap {
    /// Rewrites `table[row].column` mentions inside a message (another row a problem
    /// refers to, such as the first use of a duplicate id) into source locations.
    pub fn locate_message(&self, msg: &str) -> String {
        let mut out = String::with_capacity(msg.len());
        let mut rest = msg;
        'scan: while !rest.is_empty() {
            for table in Table::ALL {
                let name = table.name();
                let Some(after) = rest.strip_prefix(name).and_then(|r| r.strip_prefix('[')) else {
                    continue;
                };
                let digits = after.bytes().take_while(u8::is_ascii_digit).count();
                let Some(tail) = after[digits..].strip_prefix("].") else {
                    continue;
                };
                let col_len = tail
                    .bytes()
                    .take_while(|b| b.is_ascii_lowercase() || *b == b'_')
                    .count();
                let (Ok(row), true) = (after[..digits].parse::<usize>(), col_len > 0) else {
                    continue;
                };
                let loc = Location::Record {
                    table,
                    row,
                    column: Some(tail[..col_len].to_string()),
                };
                out.push_str(&self.locate(loc).to_string());
                rest = &tail[col_len..];
                continue 'scan;
            }
            let mut chars = rest.chars();
            if let Some(c) = chars.next() {
                out.push(c);
            }
            rest = chars.as_str();
        }
        out
    }
}

struct Cells<'a> {
    raw: &'a RawTable,
    row: &'a RawRow,
    index: &'a HashMap<&'a str, usize>,
    problems: &'a mut Vec<Problem>,
    ok: bool,
}

impl Cells<'_> {
    fn loc(&self, col: &str) -> Location {
        match self.index.get(col) {
            Some(&c) => self.raw.cell_location(self.row.pos, c),
            None => self.raw.row_location(self.row.pos),
        }
    }

    fn fail(&mut self, kind: ProblemKind, col: &str, msg: String) {
        let loc = self.loc(col);
        self.problems.push(Problem::new(kind, loc, msg));
        self.ok = false;
    }

    fn text(&self, col: &str) -> Option<String> {
        self.index
            .get(col)
            .and_then(|&c| cell(self.row, c))
            .map(clean)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    fn req_text(&mut self, col: &str) -> String {
        match self.text(col) {
            Some(s) => s,
            None => {
                self.fail(
                    ProblemKind::MissingValue,
                    col,
                    format!("`{col}` is required in {}", self.raw.table),
                );
                String::new()
            }
        }
    }

    fn parsed<T>(
        &mut self,
        col: &str,
        text: Option<String>,
        f: impl FnOnce(&str) -> Result<T, (ProblemKind, String)>,
    ) -> Option<T> {
        let s = text?;
        match f(&s) {
            Ok(v) => Some(v),
            Err((kind, msg)) => {
                // A huge cell is quoted shortened.
                let q = quoted(&s);
                let msg = if q.len() < s.len() {
                    msg.replace(s.as_str(), &q)
                } else {
                    msg
                };
                self.fail(kind, col, msg);
                None
            }
        }
    }

    fn date_of(&mut self, col: &str, text: Option<String>) -> Option<NaiveDate> {
        let style = self.raw.date_style();
        self.parsed(col, text, |s| {
            parse_date(s, style).ok_or_else(|| {
                let also = if style == DateStyle::Lenient {
                    " (or YYYY/M/D, YYYY.M.D, YYYY年M月D日)"
                } else {
                    ""
                };
                (
                    ProblemKind::BadDate,
                    format!("`{s}` in `{col}` is not a date; write YYYY-MM-DD{also}"),
                )
            })
        })
    }

    fn date(&mut self, col: &str) -> Option<NaiveDate> {
        let t = self.text(col);
        self.date_of(col, t)
    }

    fn req_date(&mut self, col: &str) -> Option<NaiveDate> {
        let t = self.req_text(col);
        if t.is_empty() {
            return None;
        }
        self.date_of(col, Some(t))
    }

    fn number_of(&mut self, col: &str, t: Option<String>) -> Option<f64> {
        self.parsed(col, t, parse_number)
    }

    fn number(&mut self, col: &str) -> Option<f64> {
        let t = self.text(col);
        self.number_of(col, t)
    }

    fn req_number(&mut self, col: &str) -> Option<f64> {
        let t = self.req_text(col);
        if t.is_empty() {
            return None;
        }
        self.number_of(col, Some(t))
    }

    fn boolean(&mut self, col: &str) -> bool {
        let t = self.text(col);
        self.parsed(col, t, |s| {
            parse_bool(s).ok_or_else(|| {
                (
                    ProblemKind::BadBoolean,
                    format!("`{s}` is not a boolean; write true/false, 1/0, 是/否 or yes/no"),
                )
            })
        })
        .unwrap_or(false)
    }

    fn term<T: FromStr>(&mut self, col: &str, text: String) -> Option<T>
    where
        T::Err: std::fmt::Display,
    {
        if text.is_empty() {
            return None;
        }
        self.parsed(col, Some(text), |s| {
            s.parse::<T>()
                .map_err(|e| (ProblemKind::UnknownTerm, e.to_string()))
        })
    }

    fn req_term<T: FromStr>(&mut self, col: &str) -> Option<T>
    where
        T::Err: std::fmt::Display,
    {
        let t = self.req_text(col);
        self.term(col, t)
    }

    fn list(&self, col: &str) -> Vec<String> {
        self.text(col)
            .map(|s| {
                s.split([';', '；'])
                    .map(clean)
                    .filter(|x| !x.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn extra(&self) -> Extra {
        let mut out = Extra::new();
        for (c, name) in self.raw.header.iter().enumerate() {
            if name.starts_with("x_") {
                if let Some(v) = cell(self.row, c).filter(|v| !v.is_empty()) {
                    out.insert(name.clone(), v.to_string());
                }
            }
        }
        out
    }
}

fn cell(row: &RawRow, c: usize) -> Option<&str> {
    row.cell(c)
}

/// The result of decoding raw tables: the ledger (possibly partial when there are errors),
/// the problems found, the source map, and ids of rows that failed to decode (so that
/// references to them are not reported a second time).
pub struct Decoded {
    /// The typed ledger (partial when `problems` has errors).
    pub ledger: Ledger,
    /// Problems found while decoding.
    pub problems: Vec<Problem>,
    /// Maps record indices back to the source.
    pub sources: SourceMap,
    /// Ids named by rows that failed to decode.
    pub failed_ids: HashSet<String>,
}

/// Decodes raw tables into the typed model, collecting every problem.
pub fn decode(tables: Vec<RawTable>) -> Decoded {
    let mut out = Decoded {
        ledger: Ledger::new(),
        problems: Vec::new(),
        sources: SourceMap::default(),
        failed_ids: HashSet::new(),
    };
    for raw in tables {
        let positions = decode_table(&raw, &mut out);
        out.sources.tables.insert(raw.table, (raw, positions));
    }
    out
}

fn decode_table(raw: &RawTable, out: &mut Decoded) -> Vec<u64> {
    let known: Vec<&str> = raw.table.columns().iter().map(|c| c.0).collect();
    let mut index: HashMap<&str, usize> = HashMap::default();
    let mut header_ok = true;
    for (c, name) in raw.header.iter().enumerate() {
        // A column without a name is ignored while it is empty (spreadsheets leave trailing
        // or separating columns that were only formatted).
        if name.is_empty() {
            if raw
                .rows
                .iter()
                .any(|r| cell(r, c).is_some_and(|v| !clean(v).is_empty()))
            {
                out.problems.push(Problem::new(
                    ProblemKind::UnknownColumn,
                    raw.cell_location(raw.header_pos, c),
                    format!("this column of {} has values but no name in the header; name it (one of {} or a name starting with x_) or empty it", raw.table, known.join(", ")),
                ));
                header_ok = false;
            }
            continue;
        }
        if index.insert(name.as_str(), c).is_some() {
            out.problems.push(Problem::new(
                ProblemKind::Format,
                raw.cell_location(raw.header_pos, c),
                format!("column `{name}` appears twice in {}", raw.table),
            ));
            header_ok = false;
        } else if !known.contains(&name.as_str()) && !name.starts_with("x_") {
            out.problems.push(Problem::new(
                ProblemKind::UnknownColumn,
                raw.cell_location(raw.header_pos, c),
                format!(
                    "unknown column `{name}` in {}; allowed: {} (or a name starting with x_)",
                    raw.table,
                    known.join(", ")
                ),
            ));
            header_ok = false;
        }
    }
    for (name, required) in raw.table.columns() {
        if *required && !index.contains_key(name) && !raw.rows.is_empty() {
            let loc = match raw.origin {
                Origin::Json => raw.row_location(raw.rows[0].pos),
                _ => raw.row_location(raw.header_pos),
            };
            out.problems.push(Problem::new(
                ProblemKind::MissingColumn,
                loc,
                format!("required column `{name}` is missing from {}", raw.table),
            ));
            header_ok = false;
        }
    }
    if !header_ok {
        for row in &raw.rows {
            for id_col in ["id"] {
                if let Some(&c) = index.get(id_col) {
                    if let Some(v) = cell(row, c) {
                        out.failed_ids.insert(clean(v).to_string());
                    }
                }
            }
        }
        return Vec::new();
    }
    let mut positions = Vec::new();
    for row in &raw.rows {
        if row.cells().all(|c| c.map(clean).is_none_or(str::is_empty)) {
            continue;
        }
        let mut cells = Cells {
            raw,
            row,
            index: &index,
            problems: &mut out.problems,
            ok: true,
        };
        let pushed = decode_row(raw.table, &mut cells, &mut out.ledger);
        if pushed && cells.ok {
            positions.push(row.pos);
        } else {
            if pushed {
                pop_last(raw.table, &mut out.ledger);
            }
            if let Some(id) = cells.text("id") {
                out.failed_ids.insert(id);
            }
        }
    }
    positions
}

fn pop_last(table: Table, l: &mut Ledger) {
    match table {
        Table::Units => drop(l.units.pop()),
        Table::Designations => drop(l.designations.pop()),
        Table::Orgs => drop(l.orgs.pop()),
        Table::Elections => drop(l.elections.pop()),
        Table::People => drop(l.people.pop()),
        Table::Roles => drop(l.roles.pop()),
        Table::Initiatives => drop(l.initiatives.pop()),
        Table::Progress => drop(l.progress.pop()),
        Table::Activities => drop(l.activities.pop()),
        Table::Duties => drop(l.duties.pop()),
        Table::Indicators => drop(l.indicators.pop()),
        Table::Observations => drop(l.observations.pop()),
        Table::Targets => drop(l.targets.pop()),
    }
}

/// Decodes one row; returns whether a record was pushed (it is popped again when a problem
/// was found in a column decoded after the required ones).
fn decode_row(table: Table, c: &mut Cells<'_>, l: &mut Ledger) -> bool {
    let extra = c.extra();
    match table {
        Table::Units => {
            let id = c.req_text("id");
            let kind = c.req_term::<UnitKind>("kind");
            let name = c.req_text("name");
            let parent = c.text("parent").map(UnitId::from);
            let above_scale = c.boolean("above_scale");
            let length_m = c.number("length_m");
            let since = c.date("since");
            let until = c.date("until");
            let tags = c.list("tags");
            let (Some(kind), true) = (kind, c.ok) else {
                return false;
            };
            l.units.push(Unit {
                id: id.into(),
                kind,
                name,
                parent,
                above_scale,
                length_m,
                since,
                until,
                tags,
                extra,
            });
        }
        Table::Designations => {
            let unit = c.req_text("unit");
            let designation = c.req_text("designation");
            let since = c.req_date("since");
            let until = c.date("until");
            let (Some(since), true) = (since, c.ok) else {
                return false;
            };
            l.designations.push(DesignationRecord {
                unit: unit.into(),
                designation: Designation::new(designation),
                since,
                until,
                extra,
            });
        }
        Table::Orgs => {
            let id = c.req_text("id");
            let kind = c.req_term::<OrgKind>("kind");
            let name = c.req_text("name");
            let hosts: Vec<UnitId> = c.list("hosts").into_iter().map(UnitId::from).collect();
            if hosts.is_empty() && c.text("hosts").is_some() {
                c.fail(
                    ProblemKind::MissingValue,
                    "hosts",
                    "`hosts` lists no unit id".into(),
                );
            } else if hosts.is_empty() {
                c.req_text("hosts");
            }
            let parent = c.text("parent").map(OrgId::from);
            let established = c.req_date("established");
            let dissolved = c.date("dissolved");
            let (Some(kind), Some(established), true) = (kind, established, c.ok) else {
                return false;
            };
            l.orgs.push(Org {
                id: id.into(),
                kind,
                name,
                hosts,
                parent,
                established,
                dissolved,
                extra,
            });
        }
        Table::Elections => {
            let org = c.req_text("org");
            let date = c.req_date("date");
            let note = c.text("note");
            let (Some(date), true) = (date, c.ok) else {
                return false;
            };
            l.elections.push(Election {
                org: org.into(),
                date,
                note,
                extra,
            });
        }
        Table::People => {
            let id = c.req_text("id");
            let name = c.req_text("name");
            let birth_date = c.date("birth_date");
            let org = c.text("org").map(OrgId::from);
            let joined = c.date("joined");
            let confirmed = c.date("confirmed");
            if !c.ok {
                return false;
            }
            l.people.push(Person {
                id: id.into(),
                name,
                birth_date,
                org,
                joined,
                confirmed,
                extra,
            });
        }
        Table::Roles => {
            let person = c.req_text("person");
            let role = c.req_term::<RoleKind>("role");
            let target = c.req_text("target");
            let start = c.req_date("start");
            let end = c.date("end");
            let (Some(role), Some(start), true) = (role, start, c.ok) else {
                return false;
            };
            l.roles.push(Role {
                person: person.into(),
                role,
                target: target.into(),
                start,
                end,
                extra,
            });
        }
        Table::Initiatives => {
            let id = c.req_text("id");
            let kind = c.req_term::<InitiativeKind>("kind");
            let programme = c.req_term::<Programme>("programme");
            let title = c.req_text("title");
            let unit = c.text("unit").map(UnitId::from);
            let owner = c.text("owner").map(OrgId::from);
            let start = c.date("start");
            let deadline = c.req_date("deadline");
            let weight = c.number("weight");
            let (Some(kind), Some(programme), Some(deadline), true) =
                (kind, programme, deadline, c.ok)
            else {
                return false;
            };
            l.initiatives.push(Initiative {
                id: id.into(),
                kind,
                programme,
                title,
                unit,
                owner,
                start,
                deadline,
                weight,
                extra,
            });
        }
        Table::Progress => {
            let initiative = c.req_text("initiative");
            let date = c.req_date("date");
            let percent = c.req_number("percent");
            let note = c.text("note");
            let (Some(date), Some(percent), true) = (date, percent, c.ok) else {
                return false;
            };
            l.progress.push(Progress {
                initiative: initiative.into(),
                date,
                percent,
                note,
                extra,
            });
        }
        Table::Activities => {
            let id = c.text("id").map(ActivityId::from);
            let kind = c.req_text("kind");
            let date = c.req_date("date");
            let subject = c.req_text("subject");
            let people = c.list("people").into_iter().map(PersonId::from).collect();
            let note = c.text("note");
            let (Some(date), true) = (date, c.ok) else {
                return false;
            };
            l.activities.push(Activity {
                id,
                kind: ActivityKind::new(kind),
                date,
                subject: subject.into(),
                people,
                note,
                extra,
            });
        }
        Table::Duties => {
            let id = c.req_text("id");
            let activity = c.req_text("activity");
            let applies_to = c.req_term::<AppliesTo>("applies_to");
            let cadence = c.req_term::<Cadence>("cadence");
            let min_count = c.text("min_count");
            let min_count = c.parsed("min_count", min_count, |s| match parse_number(s) {
                Ok(v) if v >= 1.0 && v.fract() == 0.0 && v <= u32::MAX as f64 => Ok(v as u32),
                Err((ProblemKind::ThousandsSeparator, m)) => {
                    Err((ProblemKind::ThousandsSeparator, m))
                }
                _ => Err((
                    ProblemKind::BadMinCount,
                    format!("`min_count` must be a whole number >= 1, not `{s}`"),
                )),
            });
            let from = c.date("from");
            let to = c.date("to");
            let (Some(applies_to), Some(cadence), true) = (applies_to, cadence, c.ok) else {
                return false;
            };
            l.duties.push(Duty {
                id: id.into(),
                activity: ActivityKind::new(activity),
                applies_to,
                cadence,
                min_count,
                from,
                to,
                extra,
            });
        }
        Table::Indicators => {
            let id = c.req_text("id");
            let name = c.req_text("name");
            let measure = c.text("measure");
            let aggregate = c
                .text("aggregate")
                .and_then(|t| c.term::<Aggregate>("aggregate", t));
            let formula = c.text("formula");
            if !c.ok {
                return false;
            }
            l.indicators.push(Indicator {
                id: id.into(),
                name,
                measure,
                aggregate,
                formula,
                extra,
            });
        }
        Table::Observations => {
            let indicator = c.req_text("indicator");
            let unit = c.req_text("unit");
            let date = c.req_date("date");
            let value = c.req_number("value");
            let note = c.text("note");
            let (Some(date), Some(value), true) = (date, value, c.ok) else {
                return false;
            };
            l.observations.push(Observation {
                indicator: indicator.into(),
                unit: unit.into(),
                date,
                value,
                note,
                extra,
            });
        }
        Table::Targets => {
            let metric = c.req_text("metric");
            let scope = c.text("scope").map(UnitId::from);
            let due = c.req_date("due");
            let value = c.req_number("value");
            let baseline = c.number("baseline");
            let (Some(due), Some(value), true) = (due, value, c.ok) else {
                return false;
            };
            l.targets.push(Target {
                metric,
                scope,
                due,
                value,
                baseline,
                extra,
            });
        }
    }
    true
}

/// A cell value with its JSON type, for writers that keep types (JSON).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// A list of ids or tags.
    List(Vec<String>),
}

impl Value {
    /// The cell as CSV/Excel text.
    pub fn to_text(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Number(n) => format_number(*n),
            Value::Bool(b) => b.to_string(),
            Value::List(v) => v.join(";"),
        }
    }
}

/// Writes a number the shortest way that reads back exactly (`400`, `0.95`).
pub fn format_number(n: f64) -> String {
    format!("{n}")
}

/// A table ready to write: header and rows of optional typed cells.
pub struct OutTable {
    /// Which table.
    pub table: Table,
    /// Column names: the table's columns then the extra `x_` columns (sorted).
    pub header: Vec<String>,
    /// Rows, one optional value per header column.
    pub rows: Vec<Vec<Option<Value>>>,
}

fn d(v: NaiveDate) -> Option<Value> {
    Some(Value::Text(v.format("%Y-%m-%d").to_string()))
}
fn od(v: Option<NaiveDate>) -> Option<Value> {
    v.and_then(d)
}
fn t(v: &str) -> Option<Value> {
    Some(Value::Text(v.to_string()))
}
fn ot<S: AsRef<str>>(v: &Option<S>) -> Option<Value> {
    v.as_ref().map(|s| Value::Text(s.as_ref().to_string()))
}
fn on(v: Option<f64>) -> Option<Value> {
    v.map(Value::Number)
}
fn list<S: AsRef<str>>(v: &[S]) -> Option<Value> {
    (!v.is_empty()).then(|| Value::List(v.iter().map(|s| s.as_ref().to_string()).collect()))
}

/// Encodes every table of a ledger (tables with no rows included, with no rows).
pub fn encode(l: &Ledger) -> Vec<OutTable> {
    Table::ALL
        .into_iter()
        .map(|table| encode_table(l, table))
        .collect()
}

fn encode_table(l: &Ledger, table: Table) -> OutTable {
    let mut rows: Vec<(Vec<Option<Value>>, &Extra)> = Vec::new();
    match table {
        Table::Units => rows.extend(l.units.iter().map(|u| {
            (
                vec![
                    t(u.id.as_str()),
                    t(u.kind.id()),
                    t(&u.name),
                    ot(&u.parent),
                    u.above_scale.then_some(Value::Bool(true)),
                    on(u.length_m),
                    od(u.since),
                    od(u.until),
                    list(&u.tags),
                ],
                &u.extra,
            )
        })),
        Table::Designations => rows.extend(l.designations.iter().map(|r| {
            (
                vec![
                    t(r.unit.as_str()),
                    t(r.designation.as_str()),
                    d(r.since),
                    od(r.until),
                ],
                &r.extra,
            )
        })),
        Table::Orgs => rows.extend(l.orgs.iter().map(|o| {
            (
                vec![
                    t(o.id.as_str()),
                    t(o.kind.id()),
                    t(&o.name),
                    list(&o.hosts),
                    ot(&o.parent),
                    d(o.established),
                    od(o.dissolved),
                ],
                &o.extra,
            )
        })),
        Table::Elections => rows.extend(
            l.elections
                .iter()
                .map(|e| (vec![t(e.org.as_str()), d(e.date), ot(&e.note)], &e.extra)),
        ),
        Table::People => rows.extend(l.people.iter().map(|p| {
            (
                vec![
                    t(p.id.as_str()),
                    t(&p.name),
                    od(p.birth_date),
                    ot(&p.org),
                    od(p.joined),
                    od(p.confirmed),
                ],
                &p.extra,
            )
        })),
        Table::Roles => rows.extend(l.roles.iter().map(|r| {
            (
                vec![
                    t(r.person.as_str()),
                    t(r.role.id()),
                    t(r.target.as_str()),
                    d(r.start),
                    od(r.end),
                ],
                &r.extra,
            )
        })),
        Table::Initiatives => rows.extend(l.initiatives.iter().map(|i| {
            (
                vec![
                    t(i.id.as_str()),
                    t(i.kind.id()),
                    t(i.programme.id()),
                    t(&i.title),
                    ot(&i.unit),
                    ot(&i.owner),
                    od(i.start),
                    d(i.deadline),
                    on(i.weight),
                ],
                &i.extra,
            )
        })),
        Table::Progress => rows.extend(l.progress.iter().map(|p| {
            (
                vec![
                    t(p.initiative.as_str()),
                    d(p.date),
                    Some(Value::Number(p.percent)),
                    ot(&p.note),
                ],
                &p.extra,
            )
        })),
        Table::Activities => rows.extend(l.activities.iter().map(|a| {
            (
                vec![
                    ot(&a.id),
                    t(a.kind.as_str()),
                    d(a.date),
                    t(a.subject.as_str()),
                    list(&a.people),
                    ot(&a.note),
                ],
                &a.extra,
            )
        })),
        Table::Duties => rows.extend(l.duties.iter().map(|u| {
            (
                vec![
                    t(u.id.as_str()),
                    t(u.activity.as_str()),
                    Some(Value::Text(u.applies_to.to_string())),
                    Some(Value::Text(u.cadence.to_string())),
                    u.min_count.map(|n| Value::Number(n as f64)),
                    od(u.from),
                    od(u.to),
                ],
                &u.extra,
            )
        })),
        Table::Indicators => rows.extend(l.indicators.iter().map(|i| {
            (
                vec![
                    t(i.id.as_str()),
                    t(&i.name),
                    ot(&i.measure),
                    i.aggregate.map(|a| Value::Text(a.id().into())),
                    ot(&i.formula),
                ],
                &i.extra,
            )
        })),
        Table::Observations => rows.extend(l.observations.iter().map(|o| {
            (
                vec![
                    t(o.indicator.as_str()),
                    t(o.unit.as_str()),
                    d(o.date),
                    Some(Value::Number(o.value)),
                    ot(&o.note),
                ],
                &o.extra,
            )
        })),
        Table::Targets => rows.extend(l.targets.iter().map(|g| {
            (
                vec![
                    t(&g.metric),
                    ot(&g.scope),
                    d(g.due),
                    Some(Value::Number(g.value)),
                    on(g.baseline),
                ],
                &g.extra,
            )
        })),
    }
    let extras: BTreeSet<&String> = rows.iter().flat_map(|(_, e)| e.keys()).collect();
    let mut header: Vec<String> = table.columns().iter().map(|c| c.0.to_string()).collect();
    header.extend(extras.iter().map(|s| s.to_string()));
    let rows = rows
        .into_iter()
        .map(|(mut cells, extra)| {
            cells.extend(
                extras
                    .iter()
                    .map(|k| extra.get(*k).map(|v| Value::Text(v.clone()))),
            );
            cells
        })
        .collect();
    OutTable {
        table,
        header,
        rows,
    }
}
