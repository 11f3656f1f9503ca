//! Decoding rows of text cells into the typed model, for every form alike.
//!
//! A [`TableDecoder`] is made from a table's header; it then takes rows one at a time from
//! whatever holds them (a CSV record as it streams past, a raw row of a JSON or Excel
//! table) and pushes typed records into a [`Part`]. Cell text is borrowed, never copied,
//! except into the record's own owned fields (names, notes); ids are interned. What is kept
//! of the source is only what locating a problem later needs: the table's header and origin
//! and one position per record ([`TableSource`]).

use std::collections::HashSet;

use chrono::NaiveDate;
use rustc_hash::FxHashMap as HashMap;

use super::problem::{quoted, Location, Problem, ProblemKind};
use super::raw::{clean, column_letters, parse_bool, parse_date, parse_number, DateStyle, Origin};
use crate::model::*;

/// A row of text cells.
pub(crate) trait Row {
    /// Cell `c`, `None` when empty or beyond the row.
    fn cell(&self, c: usize) -> Option<&str>;
}

impl Row for csv::StringRecord {
    fn cell(&self, c: usize) -> Option<&str> {
        self.get(c).filter(|s| !s.is_empty())
    }
}

impl Row for super::raw::RawRow {
    fn cell(&self, c: usize) -> Option<&str> {
        super::raw::RawRow::cell(self, c)
    }
}

/// What locating a problem in a decoded table needs: where the table came from, its header,
/// and the position (line, index or sheet row) of each decoded record.
#[derive(Clone, Debug)]
pub struct TableSource {
    /// Which table.
    pub table: Table,
    /// Where it came from.
    pub origin: Origin,
    /// Column names, in order.
    pub header: Vec<String>,
    /// Position of each decoded record, in record order.
    pub positions: Vec<u64>,
}

impl TableSource {
    /// The location of a cell.
    pub fn cell_location(&self, pos: u64, col: usize) -> Location {
        cell_location(self.table, &self.origin, &self.header, pos, col)
    }

    /// The location of a whole row (its first cell).
    pub fn row_location(&self, pos: u64) -> Location {
        row_location(self.table, &self.origin, pos)
    }
}

pub(crate) fn cell_location(
    table: Table,
    origin: &Origin,
    header: &[String],
    pos: u64,
    col: usize,
) -> Location {
    let name = header.get(col).map(String::as_str).unwrap_or_default();
    match origin {
        Origin::Csv { file } => Location::Csv {
            file: file.clone(),
            line: pos,
            column: col + 1,
        },
        Origin::Json => Location::Json {
            pointer: format!("/{table}/{pos}/{}", escape_pointer(name)),
        },
        Origin::Excel { sheet } => Location::Excel {
            sheet: sheet.clone(),
            cell: format!("{}{}", column_letters(col), pos),
        },
        Origin::Records => Location::Record {
            table,
            row: pos as usize,
            column: Some(name.to_string()),
        },
    }
}

pub(crate) fn row_location(table: Table, origin: &Origin, pos: u64) -> Location {
    match origin {
        Origin::Csv { file } => Location::Csv {
            file: file.clone(),
            line: pos,
            column: 1,
        },
        Origin::Json => Location::Json {
            pointer: format!("/{table}/{pos}"),
        },
        Origin::Excel { sheet } => Location::Excel {
            sheet: sheet.clone(),
            cell: format!("A{pos}"),
        },
        Origin::Records => Location::Record {
            table,
            row: pos as usize,
            column: None,
        },
    }
}

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Maps a decoded record back to where it came from.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    tables: HashMap<Table, TableSource>,
}

impl SourceMap {
    /// Records where one table came from.
    pub(crate) fn insert(&mut self, source: TableSource) {
        self.tables.insert(source.table, source);
    }

    /// The source positions of a table's records.
    pub(crate) fn locate_positions(&self, table: Table) -> Vec<u64> {
        self.tables
            .get(&table)
            .map(|t| t.positions.clone())
            .unwrap_or_default()
    }

    /// Translates a [`Location::Record`] into the source location; other locations pass.
    pub fn locate(&self, loc: Location) -> Location {
        let Location::Record { table, row, column } = &loc else {
            return loc;
        };
        let Some(src) = self.tables.get(table) else {
            return loc;
        };
        let Some(&pos) = src.positions.get(*row) else {
            return loc;
        };
        match column
            .as_deref()
            .and_then(|c| src.header.iter().position(|h| h == c))
        {
            Some(col) => src.cell_location(pos, col),
            None => src.row_location(pos),
        }
    }

    /// Rewrites `table[row].column` mentions inside a message (another row a problem
    /// refers to, such as the first use of a duplicate id) into source locations.
    pub fn locate_message(&self, msg: &str) -> String {
        // Most messages mention no other row: only those pay for the scan.
        if !msg.contains("].") {
            return msg.to_string();
        }
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

/// Interns ids through a cache of its own, so that the texts one table repeats (a person
/// listed in thousands of activities) reach the process-wide interner once.
///
/// Keys are kept inline (ids of up to 8 bytes as a number, longer ones up to 24 bytes as
/// text), so a hit compares bytes in the table itself instead of following a pointer into
/// the interned texts.
#[derive(Default)]
pub(crate) struct Interner {
    /// Ids of up to 8 bytes without a NUL (most ids), keyed by their bytes as a number:
    /// 16 bytes an entry, and no text to hash or compare.
    short: HashMap<u64, Sym>,
    seen: HashMap<compact_str::CompactString, Sym>,
}

impl Interner {
    pub(crate) fn sym(&mut self, s: &str) -> Sym {
        let b = s.as_bytes();
        if b.len() <= 8 && !b.contains(&0) {
            // Zero-padded: two texts without NUL give the same number only if equal.
            let mut k = [0u8; 8];
            k[..b.len()].copy_from_slice(b);
            let key = u64::from_le_bytes(k);
            if let Some(&x) = self.short.get(&key) {
                return x;
            }
            let x = Sym::new(s);
            self.short.insert(key, x);
            return x;
        }
        if let Some(&x) = self.seen.get(s) {
            return x;
        }
        let x = Sym::new(s);
        self.seen.insert(compact_str::CompactString::new(s), x);
        x
    }
}

/// The records decoded from (a part of) one table, with their positions and problems.
#[derive(Default)]
pub(crate) struct Part {
    /// The records (only the decoded table's vector is filled).
    pub ledger: Ledger,
    /// Position of each record.
    pub positions: Vec<u64>,
    /// Problems of the rows.
    pub problems: Vec<Problem>,
    /// Ids of rows that failed to decode.
    pub failed_ids: HashSet<String>,
    /// Whether any row (even a blank one) was seen, and the first row's position.
    pub first_pos: Option<u64>,
    /// For each column without a name: whether some row has a value there.
    pub unnamed_used: Vec<bool>,
}

impl Part {
    /// Reserves room for `additional` more records of `table`.
    pub(crate) fn reserve(&mut self, table: Table, additional: usize) {
        self.ledger.reserve(table, additional);
        self.positions.reserve(additional);
    }

    /// Appends a later part of the same table.
    pub(crate) fn append(&mut self, mut later: Part) {
        self.ledger.append(&mut later.ledger);
        crate::model::move_to_end(&mut self.positions, &mut later.positions);
        self.problems.append(&mut later.problems);
        self.failed_ids.extend(later.failed_ids);
        self.first_pos = self.first_pos.or(later.first_pos);
        for (a, b) in self.unnamed_used.iter_mut().zip(later.unnamed_used) {
            *a |= b;
        }
    }
}

/// Decodes the rows of one table, given its header.
pub(crate) struct TableDecoder<'h> {
    table: Table,
    origin: &'h Origin,
    header: &'h [String],
    header_pos: u64,
    index: HashMap<&'h str, usize>,
    /// Header problems known before any row is read.
    header_problems: Vec<(usize, Problem)>,
    header_ok: bool,
    /// Columns without a name (ignored while empty).
    unnamed: Vec<usize>,
    /// The `x_` columns.
    extras: Vec<usize>,
    style: DateStyle,
}

impl<'h> TableDecoder<'h> {
    /// A decoder for a table with this header.
    pub(crate) fn new(
        table: Table,
        origin: &'h Origin,
        header: &'h [String],
        header_pos: u64,
    ) -> Self {
        let known: Vec<&str> = table.columns().iter().map(|c| c.0).collect();
        let mut index: HashMap<&str, usize> = HashMap::default();
        let mut header_problems = Vec::new();
        let mut unnamed = Vec::new();
        let mut extras = Vec::new();
        let mut header_ok = true;
        for (c, name) in header.iter().enumerate() {
            if name.is_empty() {
                unnamed.push(c);
                continue;
            }
            if index.insert(name.as_str(), c).is_some() {
                header_problems.push((
                    c,
                    Problem::new(
                        ProblemKind::Format,
                        cell_location(table, origin, header, header_pos, c),
                        format!("column `{name}` appears twice in {table}"),
                    ),
                ));
                header_ok = false;
            } else if name.starts_with("x_") {
                extras.push(c);
            } else if !known.contains(&name.as_str()) {
                header_problems.push((
                    c,
                    Problem::new(
                        ProblemKind::UnknownColumn,
                        cell_location(table, origin, header, header_pos, c),
                        format!(
                            "unknown column `{name}` in {table}; allowed: {} (or a name starting with x_)",
                            known.join(", ")
                        ),
                    ),
                ));
                header_ok = false;
            }
        }
        let style = match origin {
            Origin::Json | Origin::Records => DateStyle::IsoOnly,
            _ => DateStyle::Lenient,
        };
        TableDecoder {
            table,
            origin,
            header,
            header_pos,
            index,
            header_problems,
            header_ok,
            unnamed,
            extras,
            style,
        }
    }

    /// An empty part for this table's rows.
    pub(crate) fn part(&self) -> Part {
        Part {
            unnamed_used: vec![false; self.unnamed.len()],
            ..Part::default()
        }
    }

    /// Decodes one row into `part`.
    pub(crate) fn row<R: Row>(&self, pos: u64, row: &R, part: &mut Part, ids: &mut Interner) {
        part.first_pos.get_or_insert(pos);
        for (used, &c) in part.unnamed_used.iter_mut().zip(&self.unnamed) {
            if !*used && row.cell(c).is_some_and(|v| !clean(v).is_empty()) {
                *used = true;
            }
        }
        if !self.header_ok {
            // Nothing is decoded; the ids named are remembered so that references to them
            // are not reported a second time.
            if let Some(v) = self.index.get("id").and_then(|&c| row.cell(c)) {
                part.failed_ids.insert(clean(v).to_string());
            }
            return;
        }
        if (0..self.header.len()).all(|c| row.cell(c).map(clean).is_none_or(str::is_empty)) {
            return;
        }
        let mut cells = Cells {
            d: self,
            pos,
            row,
            ids,
            problems: &mut part.problems,
            ok: true,
        };
        let pushed = decode_row(self.table, &mut cells, &mut part.ledger);
        if pushed && cells.ok {
            part.positions.push(pos);
        } else {
            if pushed {
                part.ledger.pop_last(self.table);
            }
            if let Some(id) = cells.text("id") {
                part.failed_ids.insert(id.to_string());
            }
        }
    }

    /// Finishes a table: its header problems, then (when the header is sound) its rows'.
    pub(crate) fn finish(self, mut part: Part, out: &mut super::Decoded) {
        let mut header_problems = self.header_problems;
        let mut header_ok = self.header_ok;
        let known: Vec<&str> = self.table.columns().iter().map(|c| c.0).collect();
        for (&c, used) in self.unnamed.iter().zip(&part.unnamed_used) {
            if *used {
                header_problems.push((c, Problem::new(
                    ProblemKind::UnknownColumn,
                    cell_location(self.table, self.origin, self.header, self.header_pos, c),
                    format!("this column of {} has values but no name in the header; name it (one of {} or a name starting with x_) or empty it", self.table, known.join(", ")),
                )));
                header_ok = false;
            }
        }
        header_problems.sort_by_key(|(c, _)| *c);
        out.problems
            .extend(header_problems.into_iter().map(|(_, p)| p));
        if let Some(first) = part.first_pos {
            for (name, required) in self.table.columns() {
                if *required && !self.index.contains_key(name) {
                    let loc = match self.origin {
                        Origin::Json => row_location(self.table, self.origin, first),
                        _ => row_location(self.table, self.origin, self.header_pos),
                    };
                    out.problems.push(Problem::new(
                        ProblemKind::MissingColumn,
                        loc,
                        format!("required column `{name}` is missing from {}", self.table),
                    ));
                    header_ok = false;
                }
            }
        }
        let positions = if header_ok {
            out.problems.append(&mut part.problems);
            out.ledger.append(&mut part.ledger);
            part.positions
        } else {
            // A column with values but no name is only known once every row was read:
            // the rows decoded meanwhile are dropped, their ids remembered.
            out.failed_ids
                .extend(part.ledger.record_ids().map(str::to_string));
            Vec::new()
        };
        out.failed_ids.extend(part.failed_ids);
        out.sources.insert(TableSource {
            table: self.table,
            origin: self.origin.clone(),
            header: self.header.to_vec(),
            positions,
        });
    }
}

struct Cells<'d, 'r, R: Row> {
    d: &'d TableDecoder<'d>,
    pos: u64,
    row: &'r R,
    ids: &'d mut Interner,
    problems: &'d mut Vec<Problem>,
    ok: bool,
}

impl<'r, R: Row> Cells<'_, 'r, R> {
    fn loc(&self, col: &str) -> Location {
        let d = self.d;
        match d.index.get(col) {
            Some(&c) => cell_location(d.table, d.origin, d.header, self.pos, c),
            None => row_location(d.table, d.origin, self.pos),
        }
    }

    fn fail(&mut self, kind: ProblemKind, col: &str, msg: String) {
        let loc = self.loc(col);
        self.problems.push(Problem::new(kind, loc, msg));
        self.ok = false;
    }

    fn text(&self, col: &str) -> Option<&'r str> {
        self.d
            .index
            .get(col)
            .and_then(|&c| self.row.cell(c))
            .map(clean)
            .filter(|s| !s.is_empty())
    }

    fn owned(&self, col: &str) -> Option<String> {
        self.text(col).map(str::to_string)
    }

    fn req_text(&mut self, col: &str) -> &'r str {
        match self.text(col) {
            Some(s) => s,
            None => {
                let table = self.d.table;
                self.fail(
                    ProblemKind::MissingValue,
                    col,
                    format!("`{col}` is required in {table}"),
                );
                ""
            }
        }
    }

    fn sym(&mut self, s: &str) -> Sym {
        self.ids.sym(s)
    }

    fn id<T: From<Sym>>(&mut self, col: &str) -> Option<T> {
        let t = self.text(col)?;
        Some(T::from(self.sym(t)))
    }

    fn req_id<T: From<Sym>>(&mut self, col: &str) -> T {
        let t = self.req_text(col);
        T::from(self.sym(t))
    }

    fn parsed<T>(
        &mut self,
        col: &str,
        text: Option<&str>,
        f: impl FnOnce(&str) -> Result<T, (ProblemKind, String)>,
    ) -> Option<T> {
        let s = text?;
        match f(s) {
            Ok(v) => Some(v),
            Err((kind, msg)) => {
                // A huge cell is quoted shortened.
                let q = quoted(s);
                let msg = if q.len() < s.len() {
                    msg.replace(s, &q)
                } else {
                    msg
                };
                self.fail(kind, col, msg);
                None
            }
        }
    }

    fn date_of(&mut self, col: &str, text: Option<&str>) -> Option<NaiveDate> {
        let style = self.d.style;
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

    fn number(&mut self, col: &str) -> Option<f64> {
        let t = self.text(col);
        self.parsed(col, t, parse_number)
    }

    fn req_number(&mut self, col: &str) -> Option<f64> {
        let t = self.req_text(col);
        if t.is_empty() {
            return None;
        }
        self.parsed(col, Some(t), parse_number)
    }

    /// A whole number >= 0 (`employees`, `expected`, `attended`).
    fn whole(&mut self, col: &str) -> Option<u64> {
        let t = self.text(col);
        self.parsed(col, t, |s| match parse_number(s) {
            Ok(v) if v >= 0.0 && v.fract() == 0.0 && v <= 9.0e15 => Ok(v as u64),
            Err((ProblemKind::ThousandsSeparator, m)) => Err((ProblemKind::ThousandsSeparator, m)),
            _ => Err((
                ProblemKind::BadCount,
                format!("`{col}` must be a whole number >= 0, not `{s}`"),
            )),
        })
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

    fn term<T: std::str::FromStr>(&mut self, col: &str, text: &str) -> Option<T>
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

    fn req_term<T: std::str::FromStr>(&mut self, col: &str) -> Option<T>
    where
        T::Err: std::fmt::Display,
    {
        let t = self.req_text(col);
        self.term(col, t)
    }

    fn list<T: From<Sym>, C: FromIterator<T>>(&mut self, col: &str) -> C {
        let s = self.text(col).unwrap_or("");
        s.split([';', '；'])
            .map(clean)
            .filter(|x| !x.is_empty())
            .map(|x| T::from(self.sym(x)))
            .collect()
    }

    fn extra(&self) -> Extra {
        let mut out = Extra::new();
        for &c in &self.d.extras {
            if let Some(v) = self.row.cell(c) {
                out.insert(self.d.header[c].clone(), v.to_string());
            }
        }
        out
    }
}

/// Decodes one row; returns whether a record was pushed (it is popped again when a problem
/// was found in a column decoded after the required ones).
fn decode_row<R: Row>(table: Table, c: &mut Cells<'_, '_, R>, l: &mut Ledger) -> bool {
    let extra = c.extra();
    match table {
        Table::Units => {
            let id = c.req_id("id");
            let kind = c.req_term::<UnitKind>("kind");
            let name = c.req_text("name").to_string();
            let parent = c.id("parent");
            let above_scale = c.boolean("above_scale");
            let length_m = c.number("length_m");
            let employees = c.whole("employees");
            let since = c.date("since");
            let until = c.date("until");
            let tags = c
                .text("tags")
                .map(|s| {
                    s.split([';', '；'])
                        .map(clean)
                        .filter(|x| !x.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let (Some(kind), true) = (kind, c.ok) else {
                return false;
            };
            l.units.push(Unit {
                id,
                kind,
                name,
                parent,
                above_scale,
                length_m,
                employees,
                since,
                until,
                tags,
                extra,
            });
        }
        Table::Designations => {
            let unit = c.req_id("unit");
            let designation = c.req_id("designation");
            let since = c.req_date("since");
            let until = c.date("until");
            let (Some(since), true) = (since, c.ok) else {
                return false;
            };
            l.designations.push(DesignationRecord {
                unit,
                designation,
                since,
                until,
                extra,
            });
        }
        Table::Orgs => {
            let id = c.req_id("id");
            let kind = c.req_term::<OrgKind>("kind");
            let name = c.req_text("name").to_string();
            let hosts: Vec<UnitId> = c.list("hosts");
            if hosts.is_empty() && c.text("hosts").is_some() {
                c.fail(
                    ProblemKind::MissingValue,
                    "hosts",
                    "`hosts` lists no unit id".into(),
                );
            } else if hosts.is_empty() {
                c.req_text("hosts");
            }
            let parent = c.id("parent");
            let established = c.req_date("established");
            let dissolved = c.date("dissolved");
            let (Some(kind), Some(established), true) = (kind, established, c.ok) else {
                return false;
            };
            l.orgs.push(Org {
                id,
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
            let org = c.req_id("org");
            let date = c.req_date("date");
            let note = c.owned("note");
            let (Some(date), true) = (date, c.ok) else {
                return false;
            };
            l.elections.push(Election {
                org,
                date,
                note,
                extra,
            });
        }
        Table::People => {
            let id = c.req_id("id");
            let name = c.req_text("name").to_string();
            let birth_date = c.date("birth_date");
            let org = c.id("org");
            let joined = c.date("joined");
            let confirmed = c.date("confirmed");
            let workplace = c.id("workplace");
            if !c.ok {
                return false;
            }
            l.people.push(Person {
                id,
                name,
                birth_date,
                org,
                joined,
                confirmed,
                workplace,
                extra,
            });
        }
        Table::Roles => {
            let person = c.req_id("person");
            let role = c.req_term::<RoleKind>("role");
            let target = c.req_id("target");
            let start = c.req_date("start");
            let end = c.date("end");
            let (Some(role), Some(start), true) = (role, start, c.ok) else {
                return false;
            };
            l.roles.push(Role {
                person,
                role,
                target,
                start,
                end,
                extra,
            });
        }
        Table::Initiatives => {
            let id = c.req_id("id");
            let kind = c.req_term::<InitiativeKind>("kind");
            let programme = c.req_term::<Programme>("programme");
            let title = c.req_text("title").to_string();
            let unit = c.id("unit");
            let owner = c.id("owner");
            let start = c.date("start");
            let deadline = c.req_date("deadline");
            let weight = c.number("weight");
            let (Some(kind), Some(programme), Some(deadline), true) =
                (kind, programme, deadline, c.ok)
            else {
                return false;
            };
            l.initiatives.push(Initiative {
                id,
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
            let initiative = c.req_id("initiative");
            let date = c.req_date("date");
            let percent = c.req_number("percent");
            let note = c.owned("note");
            let (Some(date), Some(percent), true) = (date, percent, c.ok) else {
                return false;
            };
            l.progress.push(Progress {
                initiative,
                date,
                percent,
                note,
                extra,
            });
        }
        Table::Activities => {
            let id = c.text("id").map(ActivityId::from);
            let kind = c.req_id("kind");
            let date = c.req_date("date");
            let subject = c.req_id("subject");
            let people = c.list("people");
            let expected = c.whole("expected").map(count_u32);
            let attended = c.whole("attended").map(count_u32);
            let note = c.owned("note").map(String::into_boxed_str);
            let (Some(date), true) = (date, c.ok) else {
                return false;
            };
            l.activities.push(Activity {
                id,
                kind,
                date,
                subject,
                people,
                expected,
                attended,
                note,
                extra,
            });
        }
        Table::Duties => {
            let id = c.req_id("id");
            let activity = c.req_id("activity");
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
            let quorum = c.text("quorum");
            let quorum = c.parsed("quorum", quorum, |s| match parse_number(s) {
                Ok(v) if v > 0.0 && v <= 1.0 => Ok(v),
                Err((ProblemKind::ThousandsSeparator, m)) => {
                    Err((ProblemKind::ThousandsSeparator, m))
                }
                _ => Err((
                    ProblemKind::BadQuorum,
                    format!("`quorum` must be a number in (0, 1] (0.5: more than half), not `{s}`"),
                )),
            });
            let (Some(applies_to), Some(cadence), true) = (applies_to, cadence, c.ok) else {
                return false;
            };
            l.duties.push(Duty {
                id,
                activity,
                applies_to,
                cadence,
                min_count,
                from,
                to,
                quorum,
                extra,
            });
        }
        Table::Indicators => {
            let id = c.req_id("id");
            let name = c.req_text("name").to_string();
            let measure = c.owned("measure");
            let aggregate = c
                .text("aggregate")
                .and_then(|t| c.term::<Aggregate>("aggregate", t));
            let formula = c.owned("formula");
            if !c.ok {
                return false;
            }
            l.indicators.push(Indicator {
                id,
                name,
                measure,
                aggregate,
                formula,
                extra,
            });
        }
        Table::Observations => {
            let indicator = c.req_id("indicator");
            let unit = c.req_id("unit");
            let date = c.req_date("date");
            let value = c.req_number("value");
            let note = c.owned("note");
            let (Some(date), Some(value), true) = (date, value, c.ok) else {
                return false;
            };
            l.observations.push(Observation {
                indicator,
                unit,
                date,
                value,
                note,
                extra,
            });
        }
        Table::Targets => {
            let metric = c.req_text("metric").to_string();
            let scope = c.id("scope");
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
        Table::Exemptions => {
            let duty = c.req_id("duty");
            let subject = c.req_id("subject");
            let from = c.req_date("from");
            let to = c.date("to");
            let reason = c.owned("reason");
            let (Some(from), true) = (from, c.ok) else {
                return false;
            };
            l.exemptions.push(Exemption {
                duty,
                subject,
                from,
                to,
                reason,
                extra,
            });
        }
    }
    true
}

/// A count that fits an activity's `expected` or `attended` (saturating: no real meeting
/// comes near 4 billion).
fn count_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod interner_tests {
    use super::Interner;
    use crate::model::Sym;

    #[test]
    fn the_cache_gives_each_text_its_own_symbol_whatever_its_length_or_bytes() {
        let texts = [
            "",
            "p",
            "p1",
            "p1012621",
            "p10126210",
            "a8r3",
            "oe22872",
            "000101",
            "0001010",
            "中共",
            "中共城西",
            "a\0",
            "a\0\0",
            "\0",
            "x_very_long_identifier_beyond_24_bytes",
        ];
        let mut ids = Interner::default();
        let first: Vec<Sym> = texts.iter().map(|t| ids.sym(t)).collect();
        for (t, s) in texts.iter().zip(&first) {
            assert_eq!(s.as_str(), *t);
            assert_eq!(*s, Sym::new(t));
        }
        // Distinct texts, distinct symbols; asking again gives the same ones.
        let distinct: std::collections::HashSet<Sym> = first.iter().copied().collect();
        assert_eq!(distinct.len(), texts.len());
        let again: Vec<Sym> = texts.iter().map(|t| ids.sym(t)).collect();
        assert_eq!(again, first);
    }
}
