//! A ledger kept in memory with its engine, taking writes as work is logged: rows of
//! activities, progress and observations are checked against the ledger as it would be after
//! them ([`Live::check_json`]), stored by the caller, then applied in place
//! ([`Live::apply`]): the engine's indexes grow and only the metrics that read what was
//! added are worked out again. The live service (`dangjian serve`) is a thin layer over it;
//! a Rust program embedding the model can use it the same way.
//!
//! ```
//! use dangjian::live::{Live, Rejected};
//! use dangjian::metrics::Query;
//! use dangjian::model::Table;
//!
//! let mut live = Live::new(dangjian::example());
//! let q = Query { metrics: Some(vec!["duty.road_patrol".into()]), ..Query::default() };
//! let before = live.evaluate(&q).unwrap().rows[0].numerator;
//!
//! let body = r#"[{"id": "p-1", "kind": "patrol", "date": "2019-07-30", "subject": "xizhou_road"}]"#;
//! let checked = live.check_json(Table::Activities, body, 10_000).unwrap();
//! assert_eq!((checked.added, checked.unchanged), (1, 0));
//! live.apply(&checked);
//! assert!(live.evaluate(&q).unwrap().rows[0].numerator >= before);
//!
//! // Sent again: nothing new. The same id with other content: a conflict.
//! assert_eq!(live.check_json(Table::Activities, body, 10_000).unwrap().unchanged, 1);
//! let other = body.replace("07-30", "07-29");
//! assert!(matches!(live.check_json(Table::Activities, &other, 10_000), Err(Rejected::Conflicts(_))));
//!
//! // Every problem at once, located by JSON pointer into the body.
//! let bad = r#"[{"id": "p-2", "kind": "patrol", "date": "2019-02-30", "subject": "nowhere"}]"#;
//! let Err(Rejected::Problems(p)) = live.check_json(Table::Activities, bad, 10_000) else { panic!() };
//! let at: Vec<String> = p.iter().map(|p| p.location.to_string()).collect();
//! assert_eq!(at, ["/0/date", "/0/subject"]);
//! ```

use std::collections::HashSet;
use std::sync::Mutex;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use serde_json::Value as Json;

use crate::ledger::problem::{Location, Problem, ProblemKind};
use crate::ledger::raw::RawTable;
use crate::ledger::references::{reference_target, IdKind, Target};
use crate::metrics::{Appended, Engine, Evaluation, Memo, Query, QueryError};
use crate::model::{Activity, ActivityId, Ledger, Observation, Progress, Sym, Table, UnitId};

/// A ledger in memory with its engine and the values of recent evaluations, taking writes.
pub struct Live {
    engine: Engine<'static>,
    /// The values of recent evaluations; a query's are copied out while it is worked out,
    /// so that two reads never wait on each other's evaluation.
    memo: Mutex<Memo>,
    /// The stored activities by id: row numbers, hashed by the id's text.
    activity_ids: hashbrown::HashTable<u32>,
    /// The stored observations by key (indicator, unit, date). (Progress updates are
    /// found through the engine's index, which keeps each initiative's by date.)
    observation_keys: FxHashMap<(Sym, Sym, NaiveDate), u32>,
}

/// Rows that passed [`Live::check_json`]: the new ones, ready to be stored and applied.
#[derive(Clone, Debug)]
pub struct Checked {
    /// The table written.
    pub table: Table,
    /// How many rows are new.
    pub added: usize,
    /// How many rows equal a stored row with the same id (or key): nothing to do for them.
    pub unchanged: usize,
    /// Warnings (they do not stop a write), located by JSON pointer into the body.
    pub warnings: Vec<Problem>,
    rows: Ledger,
}

impl Checked {
    /// The new rows only, in table [`Checked::table`] (the other tables are empty).
    pub fn rows(&self) -> &Ledger {
        &self.rows
    }
}

/// Why a write was refused. Nothing of it is stored.
#[derive(Clone, Debug, PartialEq)]
pub enum Rejected {
    /// The body is not JSON, or not an array of rows.
    BadBody(String),
    /// More rows than the limit.
    TooManyRows {
        /// Rows in the body.
        rows: usize,
        /// The limit.
        max: usize,
    },
    /// Problems with the rows, every one at once, located by JSON pointer into the body
    /// (`/2/date`) and worded as the command line words them.
    Problems(Vec<Problem>),
    /// Rows with the id (or key) of a stored row but other content.
    Conflicts(Vec<Conflict>),
    /// Only activities, progress and observations are written in place.
    NotAppendable(Table),
    /// Rows about records outside the scope the write is limited to (checked before
    /// anything else of the rows, so that nothing stored outside it is told).
    OutsideScope {
        /// The rows outside.
        rows: usize,
        /// The first one's subject (activities), initiative (progress) or unit
        /// (observations).
        first: String,
    },
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejected::BadBody(m) => f.write_str(m),
            Rejected::TooManyRows { rows, max } => {
                write!(f, "{rows} rows in one request; at most {max}")
            }
            Rejected::Problems(p) => write!(f, "{} problem(s) with the rows", p.len()),
            Rejected::Conflicts(c) => write!(f, "{} row(s) conflict with stored rows", c.len()),
            Rejected::OutsideScope { rows, first } => write!(
                f,
                "{rows} row(s) are about `{first}`{}, outside the scope of the write",
                if *rows > 1 { " and others" } else { "" }
            ),
            Rejected::NotAppendable(t) => write!(
                f,
                "rows of `{t}` are not written one by one; only activities, progress and observations are"
            ),
        }
    }
}

impl std::error::Error for Rejected {}

/// A row whose id (or key) is stored with other content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The row, as a JSON pointer into the body (`/3`).
    pub pointer: String,
    /// What differs.
    pub message: String,
}

/// What [`Live::apply`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Rows added.
    pub added: usize,
    /// Rows that were already there.
    pub unchanged: usize,
}

/// Where a problem of row `row`, column `col` of the body is.
fn at(row: usize, col: &str) -> Location {
    Location::Json {
        pointer: format!("/{row}/{col}"),
    }
}

/// The id columns of the tables written in place, whose texts are interned: a write's texts
/// are checked against the ids there are before anything is interned.
fn id_columns(table: Table) -> &'static [&'static str] {
    match table {
        Table::Activities => &["kind", "subject", "people"],
        Table::Progress => &["initiative"],
        Table::Observations => &["indicator", "unit"],
        _ => &[],
    }
}

impl Live {
    /// Keeps `ledger` with its engine.
    pub fn new(ledger: Ledger) -> Live {
        let engine = Engine::owning(ledger);
        let mut live = Live {
            engine,
            memo: Mutex::new(Memo::default()),
            activity_ids: hashbrown::HashTable::new(),
            observation_keys: FxHashMap::default(),
        };
        live.keys_from(0, 0);
        live
    }

    /// The ledger, with every applied write.
    pub fn ledger(&self) -> &Ledger {
        self.engine.ledger()
    }

    /// The engine over the ledger: every read (drill-downs, statistics, the page) asks it.
    pub fn engine(&self) -> &Engine<'static> {
        &self.engine
    }

    /// Evaluates a query as [`Engine::evaluate`] does, reusing the values of earlier
    /// evaluations that no write since touched.
    pub fn evaluate(&self, q: &Query) -> Result<Evaluation, QueryError> {
        let mut mine = self
            .memo
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .query_copy(q);
        let out = self.engine.evaluate_memo(q, &mut mine);
        self.memo
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .absorb(mine);
        out
    }

    /// Indexes the ids and keys of rows from these positions on.
    fn keys_from(&mut self, activities: usize, observations: usize) {
        let l = self.engine.ledger();
        for (i, a) in l.activities.iter().enumerate().skip(activities) {
            if let Some(id) = &a.id {
                let h = hash_id(id);
                let acts = &l.activities;
                // The first row of an id is the stored one (a valid ledger has one).
                if self
                    .activity_ids
                    .find(h, |&r| acts[r as usize].id.as_ref() == Some(id))
                    .is_none()
                {
                    self.activity_ids.insert_unique(h, i as u32, |&r| {
                        acts[r as usize].id.as_ref().map_or(0, hash_id)
                    });
                }
            }
        }
        for (i, o) in l.observations.iter().enumerate().skip(observations) {
            self.observation_keys
                .entry((o.indicator.sym(), o.unit.sym(), o.date))
                .or_insert(i as u32);
        }
    }

    /// The stored progress update of `initiative` on `date` (the first, in a ledger with
    /// two), by the engine's index of each initiative's updates in date order.
    fn progress_on(&self, initiative: Sym, date: NaiveDate) -> Option<&Progress> {
        let e = self.engine.ix.lookup();
        let init = e.node_of(initiative).and_then(|n| e.node_init(n))?;
        let l = self.ledger();
        let list = self.engine.ix.progress_of(init);
        let at = list.partition_point(|&p| l.progress[p].date < date);
        list.get(at)
            .map(|&p| &l.progress[p])
            .filter(|p| p.date == date)
    }

    /// The stored activity with id `id`.
    fn activity(&self, id: &ActivityId) -> Option<&Activity> {
        let acts = &self.ledger().activities;
        self.activity_ids
            .find(hash_id(id), |&r| acts[r as usize].id.as_ref() == Some(id))
            .map(|&r| &acts[r as usize])
    }

    /// Decodes and validates a JSON array of rows of `table` against the ledger as it would
    /// be after them: the columns of `docs/LEDGER.md`, every reference, date and value, ids
    /// (every activity needs one) and keys unique. A row equal to a stored row with the same
    /// id (or key) is `unchanged`; the same id with other content is a conflict. Nothing is
    /// interned for a write that is refused, but the texts of new activity kinds (an open
    /// vocabulary) in rows that are otherwise sound.
    pub fn check_json(
        &self,
        table: Table,
        body: &str,
        max_rows: usize,
    ) -> Result<Checked, Rejected> {
        self.check_json_within(table, body, max_rows, None)
    }

    /// [`Live::check_json`] for a writer limited to the subtree of unit `scope`: a row
    /// about a stored record outside it (its activity's subject, progress's initiative,
    /// observation's unit) refuses the write before the rows are checked further, so
    /// that neither a problem nor a conflict tells what is stored outside.
    pub fn check_json_within(
        &self,
        table: Table,
        body: &str,
        max_rows: usize,
        scope: Option<&UnitId>,
    ) -> Result<Checked, Rejected> {
        if !matches!(
            table,
            Table::Activities | Table::Progress | Table::Observations
        ) {
            return Err(Rejected::NotAppendable(table));
        }
        let body = body.strip_prefix('\u{feff}').unwrap_or(body);
        let doc: Json = serde_json::from_str(body).map_err(|e| {
            Rejected::BadBody(format!(
                "the body is not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ))
        })?;
        let Json::Array(rows) = doc else {
            return Err(Rejected::BadBody(format!(
                "the body must be a JSON array of {} rows: [{{...}}, ...]",
                table.name()
            )));
        };
        if rows.len() > max_rows {
            return Err(Rejected::TooManyRows {
                rows: rows.len(),
                max: max_rows,
            });
        }
        let (mut raw, mut problems) = crate::ledger::json::raw_table(table, "", &rows);
        if let Some(scope) = scope {
            self.within(table, &raw, scope)?;
        }
        // Texts in id columns that no id has: a reference problem each, and the cell stands
        // in with a known text while the rest of the row is checked, so that nothing a
        // refused write sends is interned.
        let stand_in = self
            .ledger()
            .units
            .first()
            .map(|u| u.id.as_str().to_string());
        let mut unknown_kind = false;
        let mut placeheld: HashSet<(usize, &'static str)> = HashSet::new();
        for &col in id_columns(table) {
            let Some(c) = raw.header.iter().position(|h| h == col) else {
                continue;
            };
            for row in &mut raw.rows {
                let pos = row.pos as usize;
                let Some(text) = row.cell(c) else {
                    continue;
                };
                let missing: Vec<&str> = crate::ledger::tables::items(text)
                    .filter(|t| Sym::existing(t).is_none())
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                if col == "kind" {
                    // A new kind is allowed: checked as a known text, kept if all is well.
                    unknown_kind = true;
                } else {
                    for m in &missing {
                        problems.push(missing_reference(table, col, m, None, pos));
                    }
                    placeheld.insert((pos, col));
                }
                let Some(s) = &stand_in else { continue };
                let cell = if col == "people" {
                    let kept: Vec<&str> = crate::ledger::tables::items(text)
                        .filter(|t| Sym::existing(t).is_some())
                        .collect();
                    (!kept.is_empty()).then(|| kept.join(";"))
                } else {
                    Some(s.clone())
                };
                let cells: Vec<Option<String>> = (0..raw.header.len())
                    .map(|k| {
                        if k == c {
                            cell.clone()
                        } else {
                            row.cell(k).map(str::to_string)
                        }
                    })
                    .collect();
                *row = crate::ledger::raw::RawRow::new(row.pos, cells);
            }
        }
        let sound = stand_in.is_some() && problems.iter().all(|p| !p.is_error());
        let decoded = if unknown_kind && sound {
            // Decoded with its stand-ins first: only a write that is sound interns its kinds.
            let first = crate::ledger::tables::decode(vec![raw.clone()], Vec::new());
            if first.problems.iter().any(Problem::is_error) {
                first
            } else {
                let (raw, _) = crate::ledger::json::raw_table(table, "", &rows);
                crate::ledger::tables::decode(vec![raw], Vec::new())
            }
        } else {
            crate::ledger::tables::decode(vec![raw], Vec::new())
        };
        problems.extend(decoded.read_problems.iter().cloned());
        problems.extend(decoded.problems.iter().cloned());
        let positions = decoded.sources.locate_positions(table);
        let mut checks = Checks {
            live: self,
            positions: &positions,
            placeheld: &placeheld,
            problems,
            warnings: Vec::new(),
            conflicts: Vec::new(),
            unchanged: 0,
        };
        let mut fresh = Ledger::new();
        match table {
            Table::Activities => {
                checks.activities(&decoded.ledger.activities, &mut fresh.activities)
            }
            Table::Progress => checks.progress(&decoded.ledger.progress, &mut fresh.progress),
            _ => checks.observations(&decoded.ledger.observations, &mut fresh.observations),
        }
        let Checks {
            mut problems,
            warnings,
            conflicts,
            unchanged,
            ..
        } = checks;
        // Decode problems and warnings mixed in: split them, errors first by position.
        let (errors, more): (Vec<Problem>, Vec<Problem>) =
            problems.drain(..).partition(Problem::is_error);
        let mut warnings: Vec<Problem> = more.into_iter().chain(warnings).collect();
        for p in &mut warnings {
            strip_table(p, table);
        }
        if !errors.is_empty() {
            let mut errors = errors;
            for p in &mut errors {
                strip_table(p, table);
            }
            errors.sort_by_key(|p| pointer_key(&p.location));
            return Err(Rejected::Problems(errors));
        }
        if !conflicts.is_empty() {
            return Err(Rejected::Conflicts(conflicts));
        }
        warnings.sort_by_key(|p| pointer_key(&p.location));
        Ok(Checked {
            table,
            added: fresh.len_of(table),
            unchanged,
            warnings,
            rows: fresh,
        })
    }

    /// `Err` when a row of `raw` is about a stored record outside `scope` (ids that name
    /// nothing are left to the reference checks).
    fn within(&self, table: Table, raw: &RawTable, scope: &UnitId) -> Result<(), Rejected> {
        let col = match table {
            Table::Activities => "subject",
            Table::Progress => "initiative",
            _ => "unit",
        };
        let Some(c) = raw.header.iter().position(|h| h == col) else {
            return Ok(());
        };
        let outside: Vec<&str> = raw
            .rows
            .iter()
            .filter_map(|row| row.cell(c))
            .map(crate::ledger::raw::clean)
            .filter(|id| Sym::existing(id).is_some() && !self.engine.is_within(scope, id))
            .collect();
        match outside.first() {
            None => Ok(()),
            Some(first) => Err(Rejected::OutsideScope {
                rows: outside.len(),
                first: first.to_string(),
            }),
        }
    }

    /// Applies checked rows (once stored): the ledger and its indexes take them in place,
    /// and only the metrics that read them are worked out again. Apply a [`Checked`] once,
    /// to the state it was checked against (or to a copy of that state).
    pub fn apply(&mut self, checked: &Checked) -> Applied {
        match self.engine.append(checked.rows.clone()) {
            Ok(added) => {
                self.forget(&added);
                self.keys_from(added.activities.start, added.observations.start);
            }
            // A Checked holds rows of the appendable tables only.
            Err(e) => unreachable!("{e}"),
        }
        Applied {
            added: checked.added,
            unchanged: checked.unchanged,
        }
    }

    fn forget(&mut self, added: &Appended) {
        let memo = self.memo.get_mut().unwrap_or_else(|e| e.into_inner());
        memo.forget(&self.engine, added);
    }
}

/// The hash of an activity id in [`Live`]'s table.
fn hash_id(id: &ActivityId) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(id)
}

/// A pointer's sort key: its row number, then the rest.
fn pointer_key(loc: &Location) -> (usize, String) {
    let text = loc.to_string();
    let row = text
        .trim_start_matches('/')
        .split('/')
        .next()
        .and_then(|r| r.parse().ok())
        .unwrap_or(usize::MAX);
    (row, text)
}

/// Locations of the decoder (`/activities/2/date`) as pointers into the body (`/2/date`).
fn strip_table(p: &mut Problem, table: Table) {
    if let Location::Json { pointer } = &mut p.location {
        if let Some(rest) = pointer.strip_prefix(&format!("/{}", table.name())) {
            *pointer = rest.to_string();
        }
    }
}

/// The problem of a reference to `id` that names nothing of the right kind (`found`: what
/// it names instead), worded as validation words it.
fn missing_reference(
    table: Table,
    col: &str,
    id: &str,
    found: Option<&str>,
    row: usize,
) -> Problem {
    let wanted = match reference_target(table, col) {
        Some(Target::Ids(kinds)) => format!(
            "a {}",
            kinds
                .iter()
                .map(|k: &IdKind| k.what())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(Target::Indicator) => "an indicator".to_string(),
        Some(Target::Duty) => "a duty".to_string(),
        None => "a record".to_string(),
    };
    let message = match found {
        Some(k) => format!("`{id}` is a {k}, but `{col}` must name {wanted}"),
        None => format!("`{col}` names `{id}`, which is not {wanted} id of this ledger"),
    };
    Problem::new(ProblemKind::MissingReference, at(row, col), message)
}

/// The checks of decoded rows against the ledger.
struct Checks<'c> {
    live: &'c Live,
    /// Each decoded row's position in the body.
    positions: &'c [u64],
    /// Cells whose unknown texts were already reported.
    placeheld: &'c HashSet<(usize, &'static str)>,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
    conflicts: Vec<Conflict>,
    unchanged: usize,
}

impl Checks<'_> {
    fn pos(&self, i: usize) -> usize {
        self.positions.get(i).map_or(i, |&p| p as usize)
    }

    fn error(&mut self, kind: ProblemKind, row: usize, col: &str, message: String) {
        self.problems
            .push(Problem::new(kind, at(row, col), message));
    }

    /// What kind of record `id` names in this ledger, if any.
    fn kind_of(&self, id: Sym) -> Option<IdKind> {
        if self.live.engine.ix.person_ix.get(id).is_some() {
            return Some(IdKind::Person);
        }
        let e = self.live.engine.ix.lookup();
        let n = e.node_of(id)?;
        if e.node_unit(n).is_some() {
            Some(IdKind::Unit)
        } else if e.node_org(n).is_some() {
            Some(IdKind::Org)
        } else {
            Some(IdKind::Initiative)
        }
    }

    /// Checks that `id` in column `col` names a record of the kinds the column takes.
    fn reference(&mut self, table: Table, row: usize, col: &'static str, id: Sym) {
        if self.placeheld.contains(&(row, col)) {
            return;
        }
        let Some(Target::Ids(kinds)) = reference_target(table, col) else {
            return;
        };
        let found = self.kind_of(id);
        if found.is_some_and(|k| kinds.contains(&k)) {
            return;
        }
        self.problems.push(missing_reference(
            table,
            col,
            id.as_str(),
            found.map(IdKind::what),
            row,
        ));
    }

    fn activities(&mut self, rows: &[Activity], fresh: &mut Vec<Activity>) {
        let mut seen: FxHashMap<&ActivityId, usize> = FxHashMap::default();
        for (i, a) in rows.iter().enumerate() {
            let row = self.pos(i);
            self.reference(Table::Activities, row, "subject", a.subject.sym());
            if !self.placeheld.contains(&(row, "people")) {
                for p in &a.people {
                    self.reference(Table::Activities, row, "people", p.sym());
                }
            }
            let mut counted: Vec<(Sym, usize)> = Vec::new();
            for p in &a.people {
                match counted.iter_mut().find(|c| c.0 == p.sym()) {
                    Some(c) => c.1 += 1,
                    None => counted.push((p.sym(), 1)),
                }
            }
            for (p, n) in counted.into_iter().filter(|c| c.1 > 1) {
                let times = if n == 2 {
                    "twice".to_string()
                } else {
                    format!("{n} times")
                };
                let name = self
                    .live
                    .engine
                    .ix
                    .person_ix
                    .get(p)
                    .map(|x| format!(" ({})", self.live.ledger().people[x as usize].name))
                    .unwrap_or_default();
                self.warnings.push(Problem::new(
                    ProblemKind::PersonListedTwice,
                    at(row, "people"),
                    format!(
                        "person `{}`{name} is listed {times} in `people`; counted once",
                        p.as_str()
                    ),
                ));
            }
            if let (Some(att), Some(exp)) = (a.attended, a.expected) {
                if att > exp {
                    self.warnings.push(Problem::new(
                        ProblemKind::AttendedOverExpected,
                        at(row, "attended"),
                        format!("`attended` {att} is more than `expected` {exp}"),
                    ));
                }
            }
            let Some(id) = a.id.as_ref() else {
                self.error(
                    ProblemKind::MissingValue,
                    row,
                    "id",
                    "every activity written needs an `id` (a UUID made on the phone, say), so that sending it again is safe".to_string(),
                );
                continue;
            };
            if let Some(&r0) = seen.get(id) {
                self.error(
                    ProblemKind::DuplicateId,
                    row,
                    "id",
                    format!(
                        "id `{id}` is already used at /{r0}/id; ids must be unique in activities"
                    ),
                );
                continue;
            }
            seen.insert(id, row);
            match self.live.activity(id) {
                Some(stored) if stored == a => self.unchanged += 1,
                Some(stored) => self.conflicts.push(Conflict {
                    pointer: format!("/{row}"),
                    message: format!(
                        "activity `{id}` is stored with other content ({}); an id names one activity",
                        differences(Table::Activities, &Ledger {
                            activities: vec![stored.clone(), a.clone()],
                            ..Ledger::new()
                        })
                    ),
                }),
                None => fresh.push(a.clone()),
            }
        }
    }

    fn progress(&mut self, rows: &[Progress], fresh: &mut Vec<Progress>) {
        let mut seen: FxHashMap<(Sym, NaiveDate), usize> = FxHashMap::default();
        for (i, p) in rows.iter().enumerate() {
            let row = self.pos(i);
            self.reference(Table::Progress, row, "initiative", p.initiative.sym());
            if !(0.0..=100.0).contains(&p.percent) {
                self.error(
                    ProblemKind::PercentOutOfRange,
                    row,
                    "percent",
                    format!(
                        "`percent` {} is outside 0 to 100",
                        crate::ledger::problem::short_number(p.percent)
                    ),
                );
            }
            let key = (p.initiative.sym(), p.date);
            if let Some(&r0) = seen.get(&key) {
                self.error(
                    ProblemKind::DuplicateProgress,
                    row,
                    "date",
                    format!(
                        "initiative `{}` already has an update on {} at /{r0}/date; one update a day",
                        p.initiative, p.date
                    ),
                );
                continue;
            }
            seen.insert(key, row);
            match self.live.progress_on(p.initiative.sym(), p.date) {
                Some(stored) if stored == p => self.unchanged += 1,
                Some(stored) => {
                    self.conflicts.push(Conflict {
                        pointer: format!("/{row}"),
                        message: format!(
                        "initiative `{}` already has another update on {} ({}); one update a day",
                        p.initiative,
                        p.date,
                        differences(Table::Progress, &Ledger {
                            progress: vec![stored.clone(), p.clone()],
                            ..Ledger::new()
                        })
                    ),
                    })
                }
                None => fresh.push(p.clone()),
            }
        }
        self.progress_decreases(rows);
    }

    /// The warning of validation (docs/LEDGER.md) for progress that goes down, in date
    /// order per initiative, among the stored updates and those sent: each pair of updates
    /// next to each other in which the later is lower and one of the two is sent, at the
    /// sent one.
    fn progress_decreases(&mut self, rows: &[Progress]) {
        let l = self.live.ledger();
        let e = self.live.engine.ix.lookup();
        // Each initiative's updates after the write: (date, percent, row sent or None).
        let mut by_init: FxHashMap<Sym, Vec<(NaiveDate, f64, Option<usize>)>> =
            FxHashMap::default();
        for (i, p) in rows.iter().enumerate() {
            let row = self.pos(i);
            let ups = by_init.entry(p.initiative.sym()).or_insert_with(|| {
                let stored = e
                    .node_of(p.initiative.sym())
                    .and_then(|n| e.node_init(n))
                    .map(|init| self.live.engine.ix.progress_of(init))
                    .unwrap_or_default();
                stored
                    .iter()
                    .map(|&k| (l.progress[k].date, l.progress[k].percent, None))
                    .collect()
            });
            // A resend of a stored update is that update.
            match ups.iter_mut().find(|u| u.0 == p.date) {
                Some(u) => u.2 = Some(row),
                None => ups.push((p.date, p.percent, Some(row))),
            }
        }
        let mut found = Vec::new();
        for ups in by_init.values_mut() {
            ups.sort_by_key(|u| u.0);
            for w in ups.windows(2) {
                let ((d0, p0, r0), (d1, p1, r1)) = (w[0], w[1]);
                if p1 >= p0 {
                    continue;
                }
                match (r0, r1) {
                    (_, Some(r)) => {
                        found.push((r, format!("progress goes down from {p0} (on {d0}) to {p1}")))
                    }
                    (Some(r), None) => found.push((
                        r,
                        format!("progress goes down from {p0} to {p1} (on {d1}, stored)"),
                    )),
                    (None, None) => {}
                }
            }
        }
        found.sort_by_key(|f| f.0);
        for (row, message) in found {
            self.warnings.push(Problem::new(
                ProblemKind::ProgressDecreases,
                at(row, "percent"),
                message,
            ));
        }
    }

    fn observations(&mut self, rows: &[Observation], fresh: &mut Vec<Observation>) {
        let mut seen: FxHashMap<(Sym, Sym, NaiveDate), usize> = FxHashMap::default();
        let l = self.live.ledger();
        for (i, o) in rows.iter().enumerate() {
            let row = self.pos(i);
            let indicator = l.indicators.iter().find(|x| x.id == o.indicator);
            if self.placeheld.contains(&(row, "indicator")) {
            } else if let Some(x) = indicator.filter(|x| x.formula.is_some()) {
                // As validation says it (docs/LEDGER.md): its values are worked out.
                self.error(
                    ProblemKind::FormulaObserved,
                    row,
                    "indicator",
                    format!(
                        "indicator `{}` is computed by a formula and takes no observations",
                        x.id
                    ),
                );
            } else if indicator.is_none() {
                self.error(
                    ProblemKind::MissingReference,
                    row,
                    "indicator",
                    format!(
                        "`indicator` names `{}`, which is not an indicator id of this ledger",
                        o.indicator
                    ),
                );
            }
            self.reference(Table::Observations, row, "unit", o.unit.sym());
            if !o.value.is_finite() {
                self.error(
                    ProblemKind::BadNumber,
                    row,
                    "value",
                    format!("`value` {} is not a finite number", o.value),
                );
            }
            let key = (o.indicator.sym(), o.unit.sym(), o.date);
            if let Some(&r0) = seen.get(&key) {
                self.error(
                    ProblemKind::DuplicateObservation,
                    row,
                    "date",
                    format!(
                        "indicator `{}` already has an observation at `{}` on {} at /{r0}/date",
                        o.indicator, o.unit, o.date
                    ),
                );
                continue;
            }
            seen.insert(key, row);
            match self.live.observation_keys.get(&key) {
                Some(&r) if l.observations[r as usize] == *o => self.unchanged += 1,
                Some(&r) => self.conflicts.push(Conflict {
                    pointer: format!("/{row}"),
                    message: format!(
                        "indicator `{}` already has another observation at `{}` on {} ({})",
                        o.indicator,
                        o.unit,
                        o.date,
                        differences(
                            Table::Observations,
                            &Ledger {
                                observations: vec![l.observations[r as usize].clone(), o.clone()],
                                ..Ledger::new()
                            }
                        )
                    ),
                }),
                None => fresh.push(o.clone()),
            }
        }
    }
}

/// The columns in which two rows of `table` differ (`two` holds the stored row, then the
/// sent one), as `` `date` 2019-07-30 stored, 2019-07-29 sent``.
fn differences(table: Table, two: &Ledger) -> String {
    use crate::ledger::Value;
    let t = crate::ledger::table(two, table);
    let show = |v: &Option<Value>| match v {
        None => "empty".to_string(),
        Some(Value::Text(s)) => s.clone(),
        Some(Value::Number(n)) => crate::ledger::problem::short_number(*n),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::List(items)) => items.join(";"),
    };
    let (Some(a), Some(b)) = (t.rows.first(), t.rows.get(1)) else {
        return String::new();
    };
    t.header
        .iter()
        .zip(a.iter().zip(b))
        .filter(|(_, (x, y))| x != y)
        .map(|(c, (x, y))| format!("`{c}` {} stored, {} sent", show(x), show(y)))
        .collect::<Vec<_>>()
        .join("; ")
}
