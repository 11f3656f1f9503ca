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
use super::raw::{clean, column_letters, parse_date, DateStyle, Origin, RowIds};
use super::references::reference_target;
use crate::model::*;

/// A row of cells: text, or (in a form that keeps types: Parquet) typed values.
pub(crate) trait Row {
    /// Cell `c` as text, `None` when empty or beyond the row (or typed: see [`Row::typed`]).
    fn cell(&self, c: usize) -> Option<&str>;

    /// Cell `c` as the form holds it: [`Typed::Text`] (read [`Row::cell`]) for every cell
    /// of the text forms, a typed value or [`Typed::Null`] in a form that keeps types.
    #[inline(always)]
    fn typed(&self, _c: usize) -> Typed<'_> {
        Typed::Text
    }

    /// Whether cell `c` holds nothing (a blank text, a null, an empty list).
    #[inline]
    fn is_blank(&self, c: usize) -> bool {
        match self.typed(c) {
            Typed::Text => self.cell(c).map(clean).is_none_or(str::is_empty),
            Typed::Null => true,
            Typed::List(l) => l.items().next().is_none(),
            Typed::SymList(l) => l.syms().next().is_none(),
            _ => false,
        }
    }
}

/// A cell as a form that keeps types holds it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Typed<'a> {
    /// A text cell (or any cell of a text form): read [`Row::cell`].
    Text,
    /// Nothing.
    Null,
    /// A date.
    Date(NaiveDate),
    /// A date and time (a timestamp that is not at midnight, where a date is declared).
    DateTime(chrono::NaiveDateTime),
    /// A whole number.
    Int(i64),
    /// A floating-point number (maybe not finite).
    Float(f64),
    /// A flag.
    Bool(bool),
    /// A list of texts.
    List(List<'a>),
    /// An id already interned (a value of a Parquet dictionary, interned once).
    Sym(Sym),
    /// A list of ids already interned.
    SymList(SymList<'a>),
}

impl Typed<'_> {
    /// What the cell holds, for a message: `a date`, `a list`...
    pub fn what(&self) -> &'static str {
        match self {
            Typed::Text => "text",
            Typed::Null => "nothing",
            Typed::Date(_) => "a date",
            Typed::DateTime(_) => "a date and time",
            Typed::Int(_) => "a whole number",
            Typed::Float(_) => "a number",
            Typed::Bool(_) => "a boolean",
            Typed::List(_) => "a list",
            Typed::Sym(_) => "an id",
            Typed::SymList(_) => "a list of ids",
        }
    }
}

/// A list of interned ids held by an Arrow list of dictionary keys: the keys from `start`
/// to `end`, each the index of its symbol in `syms` (`None` for a blank value).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SymList<'a> {
    /// The keys of every list of the column.
    pub keys: &'a arrow_array::Int32Array,
    /// The symbol of each value of the dictionary.
    pub syms: &'a [Option<Sym>],
    /// This list's keys.
    pub start: usize,
    pub end: usize,
}

impl<'a> SymList<'a> {
    /// The ids, nulls and blank values left out.
    pub fn syms(self) -> impl Iterator<Item = Sym> + 'a {
        use arrow_array::Array;
        let (keys, syms) = (self.keys, self.syms);
        (self.start..self.end)
            .filter(move |&i| keys.is_valid(i))
            .filter_map(move |i| {
                let k = usize::try_from(keys.value(i)).ok()?;
                syms.get(k).copied().flatten()
            })
    }
}

/// A list of texts held by an Arrow list: the values from `start` to `end`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct List<'a> {
    /// The values of every list of the column.
    pub values: &'a arrow_array::StringArray,
    /// This list's values.
    pub start: usize,
    pub end: usize,
}

impl<'a> List<'a> {
    /// The items, cleaned, nulls and blank ones left out (as a `;`-separated cell reads).
    pub fn items(self) -> impl Iterator<Item = &'a str> {
        use arrow_array::Array;
        let v = self.values;
        (self.start..self.end)
            .filter(move |&i| v.is_valid(i))
            .map(move |i| clean(v.value(i)))
            .filter(|s| !s.is_empty())
    }
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
        Origin::Sqlite { ids } => sqlite_location(table, ids, pos, Some(name)),
        Origin::Parquet { file } => Location::Parquet {
            file: file.clone(),
            row: pos.checked_sub(1),
            column: Some(name.to_string()),
        },
        Origin::Records => Location::Record {
            table,
            row: pos as usize,
            column: Some(name.to_string()),
        },
    }
}

/// A cell (or, without a column, a row) of an SQLite table: position 0 is the table itself
/// (its header), a row is found by its id when it has one.
fn sqlite_location(table: Table, ids: &RowIds, pos: u64, column: Option<&str>) -> Location {
    let row = (pos > 0).then_some(pos);
    Location::Sqlite {
        table: table.name().to_string(),
        id: row.and_then(|r| ids.name(r)).map(str::to_string),
        row,
        column: column.map(str::to_string),
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
        Origin::Sqlite { ids } => sqlite_location(table, ids, pos, None),
        Origin::Parquet { file } => Location::Parquet {
            file: file.clone(),
            row: pos.checked_sub(1),
            column: None,
        },
        Origin::Records => Location::Record {
            table,
            row: pos as usize,
            column: None,
        },
    }
}

pub(crate) fn escape_pointer(s: &str) -> String {
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
/// Most ids end in a number (`p3094`, `d0ob12`, `a143r8`): those are found by their text
/// before the number (the same as the id before it, most often, in a list of one branch's
/// members) and then by the number in an array, without hashing the id. Ids of up to 8
/// bytes are kept as a number, longer ones up to 24 bytes as text, so a hit compares bytes
/// in the table itself instead of following a pointer into the interned texts; both tables
/// hash with [`NearHasher`](crate::model::ids::NearHasher).
///
/// Ids in no order (UUIDs made on phones, identity and other long numbers) are kept as
/// their bits in tables of their own ([`Flat`]): 16 and 24 bytes an entry, no text. A
/// reference to one of those is a cache miss into a table of a million ids, so while a
/// block of CSV is decoded ([`Interner::defer`]) their lookups are put off: the id is
/// recorded and its field holds a stand-in ([`Sym::pending`]); at the end of the block
/// they are looked up together ([`Interner::resolve`]), each group's table entries
/// touched before they are read so that the misses overlap, and the block's records are
/// patched.
#[derive(Default)]
pub(crate) struct Interner {
    numbered: Numbered,
    /// Ids of up to 8 bytes without a NUL (most ids), keyed by their bytes as a number:
    /// 16 bytes an entry, and no text to hash or compare.
    short: NearMap<u64>,
    /// Ids of 9 to 18 digits (identity numbers...) as a number: see [`digits_key`].
    digits: Flat<u64>,
    /// UUIDs in lowercase and in uppercase as their 128 bits (see
    /// [`uuid_bits`](crate::model::ids::uuid_bits)).
    uuids: [Flat<[u64; 2]>; 2],
    seen: NearMap<compact_str::CompactString>,
    /// Whether lookups in `digits` and `uuids` are put off, and those put off so far.
    defer: bool,
    pending: Vec<Pending>,
    /// The texts of the ids put off, one after the other (for those not found).
    pending_text: String,
}

/// An id whose lookup is put off: its key and where its text is in `pending_text`.
#[derive(Clone, Copy)]
struct Pending {
    key: Key,
    end: u32,
}

#[derive(Clone, Copy)]
enum Key {
    Digits(u64),
    Uuid([u64; 2], bool),
}

/// An id of 9 to 18 ASCII digits, or of digits ending in `X` or `x` (identity numbers), as
/// one number that gives it back, its length included (leading zeros count): 8 bytes in a
/// cache entry instead of 24, and no text to compare. The three forms take disjoint
/// ranges: `X` below 10^18, `x` below 2 * 10^18, digits only from 8 * 10^18 (under 2^64).
fn digits_key(b: &[u8]) -> Option<u64> {
    const E17: u64 = 100_000_000_000_000_000;
    if !(9..=18).contains(&b.len()) {
        return None;
    }
    let (&last, head) = b.split_last()?;
    if !head.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = head.iter().fold(0u64, |n, &c| n * 10 + u64::from(c - b'0'));
    let len = b.len() as u64;
    match last {
        b'0'..=b'9' => Some((len - 1) * 10 * E17 + value * 10 + u64::from(last - b'0')),
        b'X' => Some((len - 9) * E17 + value),
        b'x' => Some(10 * E17 + (len - 9) * E17 + value),
        _ => None,
    }
}

use crate::model::ids::{Flat, FlatKey};

type NearMap<K> =
    std::collections::HashMap<K, Sym, std::hash::BuildHasherDefault<crate::model::ids::NearHasher>>;

impl Interner {
    pub(crate) fn sym(&mut self, s: &str) -> Sym {
        // One comparison for the ids that cannot be UUIDs (most, when numbered).
        if s.len() == 36 {
            if let Some(x) = self.uuid(s) {
                return x;
            }
        }
        if let Some(x) = self.numbered.sym(s) {
            return x;
        }
        if let Some(key) = crate::model::ids::short_key(s) {
            if let Some(&x) = self.short.get(&key) {
                return x;
            }
            let x = Sym::new(s);
            self.short.insert(key, x);
            return x;
        }
        if let Some(key) = digits_key(s.as_bytes()) {
            return self.keyed(Key::Digits(key), s);
        }
        if let Some(&x) = self.seen.get(s) {
            return x;
        }
        let x = Sym::new(s);
        self.seen.insert(compact_str::CompactString::new(s), x);
        x
    }

    /// The symbol of a UUID (in one case), or a stand-in while lookups are put off.
    #[inline(never)]
    fn uuid(&mut self, s: &str) -> Option<Sym> {
        let (bits, upper) = crate::model::ids::uuid_bits(s.as_bytes())?;
        Some(self.keyed(Key::Uuid([(bits >> 64) as u64, bits as u64], upper), s))
    }

    /// The symbol of an id kept by its key, or a stand-in while lookups are put off.
    #[inline(never)]
    fn keyed(&mut self, key: Key, s: &str) -> Sym {
        if self.defer {
            self.pending_text.push_str(s);
            self.pending.push(Pending {
                key,
                end: self.pending_text.len() as u32,
            });
            return Sym::pending(self.pending.len() - 1);
        }
        self.lookup(key, || Sym::new(s))
    }

    #[inline]
    fn lookup(&mut self, key: Key, make: impl FnOnce() -> Sym) -> Sym {
        match key {
            Key::Digits(k) => self.digits.get_or_insert(k, k.hash(), make),
            Key::Uuid(k, upper) => self.uuids[usize::from(upper)].get_or_insert(k, k.hash(), make),
        }
    }

    /// From now on (`true`) ids kept by a key are only recorded, and given stand-ins,
    /// until [`Interner::resolve`]; texts of the block must stay under 4 GB.
    pub(crate) fn defer(&mut self, on: bool) {
        self.defer = on;
    }

    /// Looks up the ids put off since the last call, in order: their symbols.
    pub(crate) fn resolve(&mut self) -> Vec<Sym> {
        const GROUP: usize = 16;
        let pending = std::mem::take(&mut self.pending);
        let text = std::mem::take(&mut self.pending_text);
        let mut out = Vec::with_capacity(pending.len());
        let mut start = 0usize;
        for group in pending.chunks(GROUP) {
            // Every entry of the group is read first, so that their cache misses overlap;
            // the lookups that follow find them in cache.
            let mut touched = 0u64;
            for p in group {
                touched ^= match p.key {
                    Key::Digits(k) => self.digits.touch(k.hash()),
                    Key::Uuid(k, upper) => self.uuids[usize::from(upper)].touch(k.hash()),
                };
            }
            std::hint::black_box(touched);
            for p in group {
                let end = p.end as usize;
                let s = &text[start..end];
                out.push(self.lookup(p.key, || Sym::new(s)));
                start = end;
            }
        }
        self.pending_text = text;
        self.pending_text.clear();
        self.pending = pending;
        self.pending.clear();
        out
    }
}

/// Splits an id into the text before its number and the number: `p3094` is `p` and 3094.
/// The number has no leading zero (zeros before it stay in the text: `p007` is `p00` and
/// 7, `p0` is `p` and 0), so the two give the id back and no two ids share them. `None`
/// when the id does not end in a digit, or ends in more than 9: identity and telephone
/// numbers are not counted up from 1, and go to the hash tables straight away.
pub(crate) fn split_number(b: &[u8]) -> Option<(&[u8], usize)> {
    let digits = b
        .iter()
        .rev()
        .take(10)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if digits == 0 || digits > 9 {
        return None;
    }
    let run = &b[b.len() - digits..];
    let first = run.iter().position(|&c| c != b'0').unwrap_or(digits - 1);
    let number = &run[first..];
    let n = number
        .iter()
        .fold(0, |n, &c| n * 10 + usize::from(c - b'0'));
    Some((&b[..b.len() - number.len()], n))
}

/// The ids that end in a number, by the text before it and the number.
///
/// Memory is bounded whatever the ids: the arrays have room for at most
/// [`Numbered::SLACK`] slots plus [`Numbered::PER_ID`] per id they hold, so sparse numbers
/// (the tails of 18-digit identity numbers) go to the hash tables instead.
#[derive(Default)]
struct Numbered {
    /// The symbols of each text before a number, by number.
    runs: Vec<Vec<Option<Sym>>>,
    /// Where each text before a number has its run.
    heads: HashMap<Box<[u8]>, usize>,
    /// The last text before a number found, and its run: ids listed together mostly share
    /// it.
    last_head: Vec<u8>,
    last_run: Option<usize>,
    /// Slots allocated in all runs, and ids held in them.
    slots: usize,
    held: usize,
}

impl Numbered {
    const SLACK: usize = 1 << 20;
    const PER_ID: usize = 8;

    /// The symbol of `s` when it ends in a number this cache has (or makes) room for.
    /// (Inlined into `Interner::sym`, as it was before the UUID path: out of line it
    /// cost 0.7% more instructions at 20 districts, counted by callgrind.)
    #[inline(always)]
    fn sym(&mut self, s: &str) -> Option<Sym> {
        let (head, n) = split_number(s.as_bytes())?;
        let run = match self.last_run {
            Some(run) if self.last_head == head => run,
            _ => {
                let run = match self.heads.get(head) {
                    Some(&run) => run,
                    None => {
                        if !self.room(n + 1) {
                            return None;
                        }
                        self.runs.push(Vec::new());
                        self.heads.insert(head.into(), self.runs.len() - 1);
                        self.runs.len() - 1
                    }
                };
                self.last_head.clear();
                self.last_head.extend_from_slice(head);
                self.last_run = Some(run);
                run
            }
        };
        if let Some(&Some(x)) = self.runs[run].get(n) {
            return Some(x);
        }
        let (len, cap) = (self.runs[run].len(), self.runs[run].capacity());
        if n >= len {
            // Growing at most doubles the run's room, or makes just enough for `n`.
            if !self.room((n + 1 - len).max(cap)) {
                return None;
            }
            self.runs[run].resize(n + 1, None);
            self.slots += self.runs[run].capacity() - cap;
        }
        let x = Sym::new(s);
        self.runs[run][n] = Some(x);
        self.held += 1;
        Some(x)
    }

    /// Whether `more` slots allocated stay within the bound.
    fn room(&self, more: usize) -> bool {
        self.slots + more <= Self::SLACK + Self::PER_ID * self.held
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
    /// The references made by rows that failed to decode, checked all the same.
    pub pending: Vec<PendingReference>,
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

    /// Moves a later part of the same table to the end of this one, leaving `later` empty
    /// but with its room, to decode another block into.
    pub(crate) fn append(&mut self, later: &mut Part) {
        self.ledger.append(&mut later.ledger);
        crate::model::move_to_end(&mut self.positions, &mut later.positions);
        self.problems.append(&mut later.problems);
        self.failed_ids.extend(later.failed_ids.drain());
        self.pending.append(&mut later.pending);
        self.first_pos = self.first_pos.or(later.first_pos.take());
        for (a, b) in self.unnamed_used.iter_mut().zip(&mut later.unnamed_used) {
            *a |= std::mem::take(b);
        }
    }
}

/// The records of a ledger as read and decoded, before validation.
#[derive(Default)]
pub(crate) struct Decoded {
    /// The typed ledger (partial when there are problems).
    pub ledger: Ledger,
    /// Problems the reader found (files, CSV structure), reported first.
    pub read_problems: Vec<Problem>,
    /// Problems found decoding rows.
    pub problems: Vec<Problem>,
    /// Maps record indices back to the source.
    pub sources: SourceMap,
    /// Ids named by rows that failed to decode.
    pub failed_ids: std::collections::HashSet<String>,
    /// References made by rows that failed to decode.
    pub pending: Vec<PendingReference>,
}

/// Decodes the rows of one table, given its header.
pub(crate) struct TableDecoder<'h> {
    table: Table,
    origin: &'h Origin,
    header: &'h [String],
    header_pos: u64,
    index: HashMap<&'h str, usize>,
    /// For each declared column (`Table::columns`), where the header has it.
    slots: Vec<Option<usize>>,
    /// The declared `id` column, for tables that have one.
    id_col: Option<Col>,
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
        let known: Vec<&str> = table.columns().iter().map(|c| c.name).collect();
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
            Origin::Json | Origin::Sqlite { .. } | Origin::Parquet { .. } | Origin::Records => {
                DateStyle::IsoOnly
            }
            _ => DateStyle::Lenient,
        };
        let slots = known.iter().map(|n| index.get(n).copied()).collect();
        let id_col = known
            .iter()
            .position(|n| *n == "id")
            .map(|k| Col { k, name: "id" });
        TableDecoder {
            table,
            origin,
            header,
            header_pos,
            index,
            slots,
            id_col,
            header_problems,
            header_ok,
            unnamed,
            extras,
            style,
        }
    }

    /// Refuses the table for a problem of column `c` its reader found (a column of a
    /// type its values cannot take): reported with the header's problems, and no row is
    /// kept (their ids are remembered, as for any header problem).
    pub(crate) fn refuse(&mut self, c: usize, problem: Problem) {
        self.header_problems.push((c, problem));
        self.header_ok = false;
    }

    /// An empty part for this table's rows.
    pub(crate) fn part(&self) -> Part {
        Part {
            unnamed_used: vec![false; self.unnamed.len()],
            ..Part::default()
        }
    }

    /// Decodes one row into `part` with `decode_row`, the table declaration's decoding
    /// (`tables.rs`, which calls this as `TableDecoder::row`).
    pub(crate) fn row_with<R: Row>(
        &self,
        pos: u64,
        row: &R,
        part: &mut Part,
        ids: &mut Interner,
        decode_row: impl FnOnce(Table, &mut Cells<'_, '_, R>, &mut Ledger) -> bool,
    ) {
        part.first_pos.get_or_insert(pos);
        for (used, &c) in part.unnamed_used.iter_mut().zip(&self.unnamed) {
            if !*used && !row.is_blank(c) {
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
        if (0..self.header.len()).all(|c| row.is_blank(c)) {
            return;
        }
        let mut cells = Cells {
            d: self,
            pos,
            row,
            ids,
            problems: &mut part.problems,
            pending: &mut part.pending,
            ok: true,
        };
        if decode_row(self.table, &mut cells, &mut part.ledger) {
            part.positions.push(pos);
        } else if let Some(id) = self.id_col.and_then(|col| cells.text(col)) {
            part.failed_ids.insert(id.to_string());
        }
    }

    /// Finishes a table: its header problems, then (when the header is sound) its rows'.
    pub(crate) fn finish(self, mut part: Part, out: &mut Decoded) {
        let mut header_problems = self.header_problems;
        let mut header_ok = self.header_ok;
        let known: Vec<&str> = self.table.columns().iter().map(|c| c.name).collect();
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
            for col in self.table.columns() {
                let name = col.name;
                if col.required && !self.index.contains_key(name) {
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
            out.pending.append(&mut part.pending);
            out.ledger.append(&mut part.ledger);
            part.positions
        } else {
            // A column with values but no name is only known once every row was read:
            // the rows decoded meanwhile are dropped, their ids remembered.
            out.failed_ids.extend(part.ledger.record_ids());
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

/// A declared column of the table being decoded: its place in the declaration (see
/// `tables.rs`) and its name.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Col {
    /// Index in the table's declared columns.
    pub k: usize,
    /// The column name.
    pub name: &'static str,
}

/// The cells of one row as the column codecs read them, and the problems they find.
pub(crate) struct Cells<'d, 'r, R: Row> {
    d: &'d TableDecoder<'d>,
    pos: u64,
    row: &'r R,
    ids: &'d mut Interner,
    problems: &'d mut Vec<Problem>,
    pending: &'d mut Vec<PendingReference>,
    /// Whether no problem was found in the row so far.
    pub ok: bool,
}

/// An id named by a reference cell of a row that was not kept (a problem elsewhere in it),
/// to be checked like the references of the rows kept, where the cell is.
#[derive(Clone, Debug)]
pub(crate) struct PendingReference {
    /// The reference cell, in the source's terms.
    pub location: Location,
    /// The table and column of the cell.
    pub table: Table,
    pub column: &'static str,
    /// The id it names.
    pub id: Sym,
}

impl<'r, R: Row> Cells<'_, 'r, R> {
    fn loc(&self, col: Col) -> Location {
        let d = self.d;
        match d.slots[col.k] {
            Some(c) => cell_location(d.table, d.origin, d.header, self.pos, c),
            None => row_location(d.table, d.origin, self.pos),
        }
    }

    /// Records a problem of this row at `col`; the row is not kept.
    pub fn fail(&mut self, kind: ProblemKind, col: Col, msg: String) {
        let loc = self.loc(col);
        self.problems.push(Problem::new(kind, loc, msg));
        self.ok = false;
    }

    /// Keeps the ids a field of a row that is not kept names, when the column is a
    /// reference ([`reference_target`]).
    pub fn keep_references(&mut self, table: Table, col: Col, ids: impl FnOnce(&mut Vec<Sym>)) {
        if reference_target(table, col.name).is_none() {
            return;
        }
        let mut found = Vec::new();
        ids(&mut found);
        for id in found {
            let location = self.loc(col);
            self.pending.push(PendingReference {
                location,
                table,
                column: col.name,
                id,
            });
        }
    }

    /// The cell of `col` as the form holds it: [`Typed::Text`] (read [`Cells::text`]) in
    /// the text forms and for a column the table does not have.
    #[inline(always)]
    pub fn typed(&self, col: Col) -> Typed<'r> {
        match self.d.slots[col.k] {
            Some(c) => self.row.typed(c),
            None => Typed::Text,
        }
    }

    /// Whether `col` holds something (a text that is not blank, a value, a list with items).
    #[inline]
    pub fn present(&self, col: Col) -> bool {
        match self.typed(col) {
            Typed::Text => self.text(col).is_some(),
            Typed::Null => false,
            Typed::List(l) => l.items().next().is_some(),
            Typed::SymList(l) => l.syms().next().is_some(),
            _ => true,
        }
    }

    /// Records that `col` holds a value of a type it cannot take (a form that keeps types
    /// checks its columns' types before reading a row, so this is a last resort).
    #[cold]
    pub fn wrong_type(&mut self, col: Col, value: Typed<'_>) {
        let name = col.name;
        self.fail(
            ProblemKind::ColumnType,
            col,
            format!("`{name}` cannot hold {}", value.what()),
        );
    }

    /// The cleaned text of `col`, `None` when empty or absent.
    pub fn text(&self, col: Col) -> Option<&'r str> {
        self.d.slots[col.k]
            .and_then(|c| self.row.cell(c))
            .map(clean)
            .filter(|s| !s.is_empty())
    }

    /// The text of a required column (empty, with a problem, when missing).
    pub fn req_text(&mut self, col: Col) -> &'r str {
        match self.text(col) {
            Some(s) => s,
            None => {
                let table = self.d.table;
                let name = col.name;
                self.fail(
                    ProblemKind::MissingValue,
                    col,
                    format!("`{name}` is required in {table}"),
                );
                ""
            }
        }
    }

    /// The text of a required column, `None` (with a problem) when it is missing.
    pub fn required(&mut self, col: Col) -> Option<&'r str> {
        Some(self.req_text(col)).filter(|t| !t.is_empty())
    }

    /// The interned id of a text.
    pub fn sym(&mut self, s: &str) -> Sym {
        self.ids.sym(s)
    }

    /// Parses `text` with `f`; a failure is a problem at `col`.
    pub fn parsed<T>(
        &mut self,
        col: Col,
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

    /// A date (ISO only in JSON, also the lenient spellings in CSV and Excel).
    pub fn date(&mut self, col: Col, text: Option<&str>) -> Option<NaiveDate> {
        let style = self.d.style;
        let name = col.name;
        self.parsed(col, text, |s| {
            parse_date(s, style).ok_or_else(|| {
                let also = if style == DateStyle::Lenient {
                    " (or YYYY/M/D, YYYY.M.D, YYYY年M月D日)"
                } else {
                    ""
                };
                (
                    ProblemKind::BadDate,
                    format!("`{s}` in `{name}` is not a date; write YYYY-MM-DD{also}"),
                )
            })
        })
    }

    /// The `x_` cells of the row.
    pub fn extra(&self) -> Extra {
        let mut out = Extra::new();
        for &c in &self.d.extras {
            if let Some(v) = self.row.cell(c) {
                out.insert(self.d.header[c].clone(), v.to_string());
            }
        }
        out
    }
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
            "123456789",
            "0123456789",
            "000000000",
            "0000000000",
            "330784199001010011",
            "33078419900101001X",
            "33078419900101001x",
            "33078419900101001",
            "0330784199001010011",
            "12345678X",
            "p7",
            "p07",
            "p007",
            "p0",
            "p00",
            "0",
            "00",
            "1234567890",
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

    #[test]
    fn an_id_splits_into_the_text_before_its_number_and_a_number_without_leading_zeros() {
        let split = |t: &str| super::split_number(t.as_bytes()).map(|(h, n)| (h.to_vec(), n));
        let is = |h: &str, n: usize| Some((h.as_bytes().to_vec(), n));
        assert_eq!(split("p3094"), is("p", 3094));
        assert_eq!(split("d0ob12"), is("d0ob", 12));
        assert_eq!(split("p007"), is("p00", 7));
        assert_eq!(split("p0"), is("p", 0));
        assert_eq!(split("p00"), is("p0", 0));
        assert_eq!(split("42"), is("", 42));
        assert_eq!(split("中共1"), is("中共", 1));
        // More than 9 digits: no sequence number.
        assert_eq!(split("330784199001010011"), None);
        assert_eq!(split("1234567890"), None);
        assert_eq!(split("p123456789"), is("p", 123456789));
        assert_eq!(split("p"), None);
        assert_eq!(split(""), None);
        assert_eq!(split("p1x"), None);
        // The text and the number give the id back.
        for t in ["p3094", "p007", "p0", "p00", "0", "00", "000101", "a143r8"] {
            let (h, n) = split(t).unwrap();
            assert_eq!(format!("{}{n}", String::from_utf8(h).unwrap()), t);
        }
    }

    #[test]
    fn ids_with_sparse_numbers_fall_back_to_the_hash_tables_within_the_memory_bound() {
        use super::Numbered;
        let mut ids = Interner::default();
        // Numbers of up to nine digits, far apart, under 300 texts; identity numbers
        // (more than nine digits) never use the arrays.
        let texts: Vec<String> = (0..20_000u64)
            .map(|i| format!("id{}-{}", i % 300, i * 2_654_435_761 % 1_000_000_000))
            .chain((0..3_000).map(|i| format!("p{}", i * 7)))
            .chain((0..3_000u64).map(|i| format!("3307841990{:08}", i * 4_999)))
            .collect();
        let first: Vec<Sym> = texts.iter().map(|t| ids.sym(t)).collect();
        for (t, s) in texts.iter().zip(&first) {
            assert_eq!(s.as_str(), t);
        }
        let again: Vec<Sym> = texts.iter().map(|t| ids.sym(t)).collect();
        assert_eq!(again, first);
        let n = &ids.numbered;
        assert!(n.slots <= Numbered::SLACK + Numbered::PER_ID * n.held);
        assert!(n.held < texts.len(), "some went to the hash tables");
        // Ids numbered in a row all have their places in the arrays.
        let mut ids = Interner::default();
        for i in 0..50_000 {
            ids.sym(&format!("q{i}"));
        }
        assert_eq!(ids.numbered.held, 50_000);
        assert!(ids.short.is_empty());
    }

    #[test]
    fn identity_numbers_take_disjoint_keys_at_the_edges_of_their_ranges() {
        use super::digits_key;
        let edges = [
            "000000000",
            "999999999",
            "000000000000000000",
            "999999999999999999",
            "00000000X",
            "99999999999999999X",
            "00000000x",
            "99999999999999999x",
            "12345678X",
            "123456789",
        ];
        let keys: Vec<u64> = edges
            .iter()
            .map(|t| digits_key(t.as_bytes()).unwrap())
            .collect();
        let distinct: std::collections::HashSet<u64> = keys.iter().copied().collect();
        assert_eq!(distinct.len(), edges.len(), "{keys:?}");
        for t in [
            "12345678",
            "1234567890123456789",
            "12345678Y",
            "X23456789",
            "1234 6789",
        ] {
            assert_eq!(digits_key(t.as_bytes()), None, "{t}");
        }
    }

    #[test]
    fn ids_that_differ_in_their_last_character_hash_side_by_side() {
        use std::hash::BuildHasher;
        let h = std::hash::BuildHasherDefault::<crate::model::ids::NearHasher>::default();
        let short = |t: &str| {
            let mut k = [0u8; 8];
            k[..t.len()].copy_from_slice(t.as_bytes());
            h.hash_one(u64::from_le_bytes(k))
        };
        let long = |t: &str| h.hash_one(t);
        // A branch's members, numbered in a row: neighbouring hashes.
        assert_eq!(short("p3095"), short("p3094").wrapping_add(1));
        assert_eq!(short("p3094"), short("p3093").wrapping_add(1));
        let id = "330784199001010011";
        assert_eq!(long("330784199001010012"), long(id).wrapping_add(1));
        // Ids that differ further up, or in length, land far apart.
        for (a, b) in [("p3094", "p4094"), ("p3094", "q3094"), ("p309", "p3090")] {
            assert!(short(a).abs_diff(short(b)) > 1 << 20, "{a} {b}");
        }
        assert!(long(id).abs_diff(long("330784199101010011")) > 1 << 20);
    }
}
