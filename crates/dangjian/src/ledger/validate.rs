//! Validation of a typed ledger: references, cycles, date order, ranges, duplicates,
//! formulas (errors) and suspicious data (warnings), exactly as `docs/LEDGER.md` lists them.

use std::collections::HashSet;

// Fx hashing: these maps are probed once per cell or reference, millions of times on a
// large ledger, with keys that are not attacker-chosen in any way that matters here.
use rustc_hash::FxHashMap as HashMap;

use chrono::NaiveDate;
use rayon::prelude::*;

use super::problem::{quoted, short_number, Location, Problem, ProblemKind};
use super::references::{reference_target, IdKind, Target};
use crate::formula::{is_indicator_id, Expr};
use crate::model::*;
use crate::model::{Sym, SymMap, SymTable};

/// Whether a dotted `targets.metric` (`tasks.on_time`, `duties.<duty id>.rate`) names a
/// metric, given the ledger's duty ids and indicator ids.
pub type MetricIds = fn(metric: &str, duties: &HashSet<&str>, indicators: &HashSet<&str>) -> bool;

/// Options of a validation.
///
/// The default checks everything the ledger alone can check. Which metrics a target may
/// name is the metric catalogue's to say, a layer above the ledger: [`Self::metric_ids`]
/// passes it in. `ValidateOptions::full()` (defined with the catalogue) does, and so do
/// `dangjian::load` and `Ledger::validate`.
#[derive(Clone, Debug, Default)]
pub struct ValidateOptions {
    /// The evaluation date for the "dated after the evaluation date" warning; default the
    /// ledger's latest progress, activity or observation date.
    pub as_of: Option<NaiveDate>,
    /// Ids of rows that failed to decode: references to them are not reported again.
    pub failed_ids: HashSet<String>,
    /// The check of the metric a target names when it has a dot; `None` (the default)
    /// leaves such names unchecked. A name without a dot is an indicator id of the ledger,
    /// and checked either way.
    pub metric_ids: Option<MetricIds>,
}

fn at(table: Table, row: usize, column: &str) -> Location {
    Location::Record {
        table,
        row,
        column: Some(column.to_string()),
    }
}

/// The kind of each unit, org, person and initiative id, by symbol number (0 for none): a
/// byte an id, so that checking the millions of references of a large ledger reads from
/// the cache instead of from memory.
#[derive(Default)]
struct Kinds(Vec<u8>);

impl Kinds {
    fn get(&self, id: Sym) -> Option<IdKind> {
        match self.0.get(id.index()) {
            Some(1) => Some(IdKind::Unit),
            Some(2) => Some(IdKind::Org),
            Some(3) => Some(IdKind::Person),
            Some(4) => Some(IdKind::Initiative),
            _ => None,
        }
    }
}

struct Checker<'a> {
    l: &'a Ledger,
    /// The kind of each id, where it is first defined.
    ids: &'a Kinds,
    failed: &'a HashSet<String>,
    out: Vec<Problem>,
}

impl<'a> Checker<'a> {
    fn new(l: &'a Ledger, ids: &'a Kinds, failed: &'a HashSet<String>) -> Self {
        Checker {
            l,
            ids,
            failed,
            out: Vec::new(),
        }
    }

    fn push(&mut self, kind: ProblemKind, loc: Location, msg: String) {
        self.out.push(Problem::new(kind, loc, msg));
    }

    /// Checks that `id`, in reference column `col`, names what the column must name.
    fn reference(&mut self, id: Sym, table: Table, row: usize, col: &'static str) {
        let want = kinds_of(table, col);
        if let Some(p) = check_reference(self.ids, self.failed, id, want, table, row, col) {
            self.out.push(p);
        }
    }

    fn order(
        &mut self,
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
        table: Table,
        row: usize,
        start_col: &str,
        end_col: &str,
    ) {
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                self.push(
                    ProblemKind::EndBeforeStart,
                    at(table, row, end_col),
                    format!(
                        "`{end_col}` {e} is before `{start_col}` {s}; it must be on or after it"
                    ),
                );
            }
        }
    }
}

/// The kinds of id reference column `col` must name (none for another column).
fn kinds_of(table: Table, col: &str) -> &'static [IdKind] {
    match reference_target(table, col) {
        Some(Target::Ids(k)) => k,
        _ => &[],
    }
}

/// The problem with a reference `id` that names nothing, or something not in `want`.
fn check_reference(
    ids: &Kinds,
    failed: &HashSet<String>,
    id: Sym,
    want: &[IdKind],
    table: Table,
    row: usize,
    col: &str,
) -> Option<Problem> {
    let found = ids.get(id);
    if found.is_some_and(|k| want.contains(&k)) {
        return None;
    }
    let id = id.as_str();
    if failed.contains(id) {
        return None;
    }
    // Only a broken reference pays for its message.
    let wanted = want.iter().map(|k| k.what()).collect::<Vec<_>>().join(", ");
    let message = match found {
        Some(k) => format!("`{id}` is a {}, but `{col}` must name a {wanted}", k.what()),
        None => format!("`{col}` names `{id}`, which is not a {wanted} id of this ledger"),
    };
    Some(Problem::new(
        ProblemKind::MissingReference,
        at(table, row, col),
        message,
    ))
}

/// Validates a ledger. Locations are [`Location::Record`]; a loader maps them to the source.
///
/// The checks only read the ledger, so they run side by side (the references once the ids
/// are known, the activity ids, the rest), each into a list of its own; the lists are then
/// joined in one fixed order, so problems come in the same order whatever the threads do.
pub fn validate(l: &Ledger, opts: &ValidateOptions) -> Vec<Problem> {
    validate_with(l, opts, &[])
}

/// [`validate`], also checking the references of rows that failed to decode (`pending`,
/// located already), after the references of the ledger's rows.
pub(crate) fn validate_with(
    l: &Ledger,
    opts: &ValidateOptions,
    pending: &[super::decode::PendingReference],
) -> Vec<Problem> {
    let failed = &opts.failed_ids;
    let ((first, refs), (activity_ids, rest)) = rayon::join(
        || {
            let (kinds, first) = ids(l, failed);
            let mut c = Checker::new(l, &kinds, failed);
            references(&mut c, opts.metric_ids);
            pending_references(&mut c, pending);
            (first, c.out)
        },
        || {
            rayon::join(
                || activity_ids(l),
                || {
                    let none = Kinds::default();
                    let mut c = Checker::new(l, &none, failed);
                    cycles(&mut c);
                    dates(&mut c);
                    values(&mut c);
                    duplicates(&mut c);
                    formulas(&mut c);
                    warnings(&mut c, opts.as_of.or_else(|| l.latest_date()));
                    c.out
                },
            )
        },
    );
    [first, activity_ids, refs, rest].concat()
}

/// The kind of each unit, org, person and initiative id (where it is first defined), and
/// the problems of ids used twice there, in duties and in indicators.
fn ids(l: &Ledger, failed: &HashSet<String>) -> (Kinds, Vec<Problem>) {
    ids_sized(l, failed, Sym::count())
}

/// [`ids`] with the table of kinds first sized for `count` symbols. It grows for any larger
/// one: while another thread interns, a symbol can have a number at or past
/// `Sym::count()`, and an id left out of the table would make every reference to it
/// "missing".
fn ids_sized(l: &Ledger, failed: &HashSet<String>, count: usize) -> (Kinds, Vec<Problem>) {
    // Where each id is first defined.
    let mut table: SymTable<(Table, u32)> = SymTable::new();
    let mut kinds = Kinds(vec![0; count]);
    let none = Kinds::default();
    let mut c = Checker::new(l, &none, failed);
    let all = l
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.sym(), Table::Units, i, IdKind::Unit))
        .chain(
            l.orgs
                .iter()
                .enumerate()
                .map(|(i, o)| (o.id.sym(), Table::Orgs, i, IdKind::Org)),
        )
        .chain(
            l.people
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.sym(), Table::People, i, IdKind::Person)),
        )
        .chain(
            l.initiatives
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id.sym(), Table::Initiatives, i, IdKind::Initiative)),
        );
    for (id, t, row, kind) in all {
        match table.get(id) {
            Some(&(t0, r0)) => {
                let msg = format!("id `{id}` is already used at {}; ids must be unique across units, orgs, people and initiatives", at(t0, r0 as usize, "id"));
                c.push(ProblemKind::DuplicateId, at(t, row, "id"), msg);
            }
            None => {
                table.insert(id, (t, row as u32));
                if id.index() >= kinds.0.len() {
                    kinds.0.resize(id.index() + 1, 0);
                }
                kinds.0[id.index()] = kind as u8;
            }
        }
    }
    let own = [
        (
            Table::Duties,
            l.duties
                .iter()
                .map(|d| Some(d.id.as_str()))
                .collect::<Vec<_>>(),
        ),
        (
            Table::Indicators,
            l.indicators.iter().map(|d| Some(d.id.as_str())).collect(),
        ),
    ];
    for (table, list) in own {
        let mut seen: HashMap<&str, usize> = HashMap::default();
        for (row, id) in list.into_iter().enumerate() {
            let Some(id) = id else { continue };
            if let Some(r0) = seen.insert(id, row) {
                c.push(
                    ProblemKind::DuplicateId,
                    at(table, row, "id"),
                    format!(
                        "id `{id}` is already used at {}; ids must be unique in {table}",
                        at(table, r0, "id")
                    ),
                );
            }
        }
    }
    (kinds, c.out)
}

/// The problems of activity ids used twice: each repeat names the latest earlier use.
fn activity_ids(l: &Ledger) -> Vec<Problem> {
    // The millions of activity ids are first only marked as seen (most end in a number: a
    // bit each; a UUID is its 16 bytes), to find the few used more than once; only those
    // are then mapped to rows.
    let mut seen = SeenIds::default();
    let twice: HashSet<&ActivityId> = l
        .activities
        .iter()
        .filter_map(|a| a.id.as_ref())
        .filter(|id| !seen.insert_activity(id))
        .collect();
    if twice.is_empty() {
        return Vec::new();
    }
    let mut last: HashMap<&ActivityId, usize> = HashMap::default();
    let table = Table::Activities;
    let mut out = Vec::new();
    for (row, a) in l.activities.iter().enumerate() {
        let Some(id) = a.id.as_ref().filter(|id| twice.contains(id)) else {
            continue;
        };
        if let Some(r0) = last.insert(id, row) {
            out.push(Problem::new(
                ProblemKind::DuplicateId,
                at(table, row, "id"),
                format!(
                    "id `{id}` is already used at {}; ids must be unique in {table}",
                    at(table, r0, "id")
                ),
            ));
        }
    }
    out
}

/// A set of ids. Ids that end in a number are kept as one bit in an array per text before
/// the number (as the reader's id cache keeps them), within a bound: the arrays hold at
/// most 2^20 bits plus 64 per id held; the others (and those the bound leaves out) go to a
/// hash set.
#[derive(Default)]
pub(crate) struct SeenIds<'a> {
    runs: Vec<Vec<u64>>,
    heads: HashMap<&'a [u8], usize>,
    last: Option<(&'a [u8], usize)>,
    words: usize,
    held: usize,
    others: rustc_hash::FxHashSet<&'a str>,
    /// UUIDs (activity ids kept as their bits) and their case.
    uuids: rustc_hash::FxHashSet<(u128, bool)>,
}

impl<'a> SeenIds<'a> {
    /// Adds an activity id; false when it was there already.
    fn insert_activity(&mut self, id: &'a ActivityId) -> bool {
        match id.uuid() {
            Some(key) => self.uuids.insert(key),
            None => self.insert(id.stored_text().unwrap_or_default()),
        }
    }

    /// Adds `id`; false when it was there already.
    pub(crate) fn insert(&mut self, id: &'a str) -> bool {
        let Some((head, n)) = super::decode::split_number(id.as_bytes()) else {
            return self.others.insert(id);
        };
        let Some(run) = self.run(head, n) else {
            return self.others.insert(id);
        };
        let (word, bit) = (&mut self.runs[run][n / 64], 1u64 << (n % 64));
        // An id the bound once left out may be in the hash set.
        let fresh = *word & bit == 0 && (self.others.is_empty() || !self.others.contains(id));
        *word |= bit;
        self.held += usize::from(fresh);
        fresh
    }

    /// The array of `head`, long enough for `n`, when the bound allows.
    fn run(&mut self, head: &'a [u8], n: usize) -> Option<usize> {
        let run = match self.last {
            Some((h, run)) if h == head => run,
            _ => {
                let run = match self.heads.get(head) {
                    Some(&run) => run,
                    None => {
                        self.runs.push(Vec::new());
                        self.heads.insert(head, self.runs.len() - 1);
                        self.runs.len() - 1
                    }
                };
                self.last = Some((head, run));
                run
            }
        };
        let need = n / 64 + 1;
        let have = self.runs[run].len();
        if need > have {
            if self.words + need - have > (1 << 14) + self.held {
                return None;
            }
            self.words += need - have;
            self.runs[run].resize(need, 0);
        }
        Some(run)
    }
}

fn references(c: &mut Checker<'_>, metric_ids: Option<MetricIds>) {
    let l = c.l;
    let roots: Vec<usize> = l
        .units
        .iter()
        .enumerate()
        .filter(|(_, u)| u.parent.is_none())
        .map(|(i, _)| i)
        .collect();
    for &r in roots.iter().skip(1) {
        c.push(
            ProblemKind::SeveralRoots,
            at(Table::Units, r, "parent"),
            format!("unit `{}` has no parent, but `{}` is already the root; only the root has an empty parent", l.units[r].id, l.units[roots[0]].id),
        );
    }
    for (i, u) in l.units.iter().enumerate() {
        if let Some(p) = &u.parent {
            c.reference(p.sym(), Table::Units, i, "parent");
        }
    }
    for (i, d) in l.designations.iter().enumerate() {
        c.reference(d.unit.sym(), Table::Designations, i, "unit");
    }
    for (i, o) in l.orgs.iter().enumerate() {
        let mut seen = HashSet::new();
        for h in &o.hosts {
            c.reference(h.sym(), Table::Orgs, i, "hosts");
            if !seen.insert(h.as_str()) {
                c.push(
                    ProblemKind::DuplicateHost,
                    at(Table::Orgs, i, "hosts"),
                    format!("unit `{h}` is listed twice in `hosts`; list each host once"),
                );
            }
        }
        if let Some(p) = &o.parent {
            c.reference(p.sym(), Table::Orgs, i, "parent");
        }
    }
    for (i, e) in l.elections.iter().enumerate() {
        c.reference(e.org.sym(), Table::Elections, i, "org");
    }
    for (i, p) in l.people.iter().enumerate() {
        if let Some(o) = &p.org {
            c.reference(o.sym(), Table::People, i, "org");
        }
        if let Some(w) = &p.workplace {
            c.reference(w.sym(), Table::People, i, "workplace");
        }
    }
    for (i, r) in l.roles.iter().enumerate() {
        c.reference(r.person.sym(), Table::Roles, i, "person");
        c.reference(r.target.sym(), Table::Roles, i, "target");
    }
    for (i, x) in l.initiatives.iter().enumerate() {
        if let Some(u) = &x.unit {
            c.reference(u.sym(), Table::Initiatives, i, "unit");
        }
        if let Some(o) = &x.owner {
            c.reference(o.sym(), Table::Initiatives, i, "owner");
        }
    }
    for (i, p) in l.progress.iter().enumerate() {
        c.reference(p.initiative.sym(), Table::Progress, i, "initiative");
    }
    // The largest table: its references are checked on every core, in chunks whose
    // problems are put back in row order.
    const CHUNK: usize = 64 * 1024;
    let (ids, failed) = (c.ids, c.failed);
    let subject = kinds_of(Table::Activities, "subject");
    let people = kinds_of(Table::Activities, "people");
    let found: Vec<Vec<Problem>> = l
        .activities
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(k, chunk)| {
            let mut out = Vec::new();
            for (j, a) in chunk.iter().enumerate() {
                let i = k * CHUNK + j;
                out.extend(check_reference(
                    ids,
                    failed,
                    a.subject.sym(),
                    subject,
                    Table::Activities,
                    i,
                    "subject",
                ));
                for p in &a.people {
                    out.extend(check_reference(
                        ids,
                        failed,
                        p.sym(),
                        people,
                        Table::Activities,
                        i,
                        "people",
                    ));
                }
            }
            out
        })
        .collect();
    c.out.extend(found.into_iter().flatten());
    let indicators: HashSet<&str> = l.indicators.iter().map(|x| x.id.as_str()).collect();
    for (i, o) in l.observations.iter().enumerate() {
        if !indicators.contains(o.indicator.as_str()) {
            c.push(
                ProblemKind::MissingReference,
                at(Table::Observations, i, "indicator"),
                format!(
                    "`indicator` names `{}`, which is not an indicator id of this ledger",
                    o.indicator
                ),
            );
        }
        c.reference(o.unit.sym(), Table::Observations, i, "unit");
    }
    let duties: HashSet<&str> = l.duties.iter().map(|d| d.id.as_str()).collect();
    for (i, x) in l.exemptions.iter().enumerate() {
        if !duties.contains(x.duty.as_str()) {
            c.push(
                ProblemKind::MissingReference,
                at(Table::Exemptions, i, "duty"),
                format!(
                    "`duty` names `{}`, which is not a duty id of this ledger",
                    x.duty
                ),
            );
        }
        c.reference(x.subject.sym(), Table::Exemptions, i, "subject");
    }
    for (i, t) in l.targets.iter().enumerate() {
        if let Some(s) = &t.scope {
            c.reference(s.sym(), Table::Targets, i, "scope");
        }
        let known = if t.metric.contains('.') {
            metric_ids.is_none_or(|known| known(&t.metric, &duties, &indicators))
        } else {
            indicators.contains(t.metric.as_str())
        };
        if !known {
            c.push(
                ProblemKind::MissingReference,
                at(Table::Targets, i, "metric"),
                format!("`metric` names `{}`, which is neither a metric of the catalogue nor an indicator id of this ledger", t.metric),
            );
        }
    }
}

/// Checks the references of rows that failed to decode, as [`references`] checks those of
/// the rows kept; their problems are located already.
fn pending_references(c: &mut Checker<'_>, pending: &[super::decode::PendingReference]) {
    if pending.is_empty() {
        return;
    }
    let l = c.l;
    let indicators: HashSet<&str> = l.indicators.iter().map(|x| x.id.as_str()).collect();
    let duties: HashSet<&str> = l.duties.iter().map(|d| d.id.as_str()).collect();
    for r in pending {
        let (found, what) = match reference_target(r.table, r.column) {
            Some(Target::Ids(want)) => {
                let p = check_reference(c.ids, c.failed, r.id, want, r.table, 0, r.column);
                if let Some(p) = p {
                    c.out.push(Problem {
                        location: r.location.clone(),
                        ..p
                    });
                }
                continue;
            }
            Some(Target::Indicator) => (indicators.contains(r.id.as_str()), "indicator"),
            Some(Target::Duty) => (duties.contains(r.id.as_str()), "duty"),
            None => continue,
        };
        if !found && !c.failed.contains(r.id.as_str()) {
            c.push(
                ProblemKind::MissingReference,
                r.location.clone(),
                format!(
                    "`{}` names `{}`, which is not a{} {what} id of this ledger",
                    r.column,
                    r.id,
                    if what == "indicator" { "n" } else { "" }
                ),
            );
        }
    }
}

/// Reports each cycle of a parent relation once, at the member that appears first.
fn parent_cycles<'a>(ids: Vec<(&'a str, Option<&'a str>)>) -> Vec<(usize, Vec<&'a str>)> {
    let index: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    // 0 = unvisited, 1 = on the current path, 2 = done
    let mut state = vec![0u8; ids.len()];
    let mut found = Vec::new();
    for startpoint in 0..ids.len() {
        let mut path = Vec::new();
        let mut cur = Some(startpoint);
        while let Some(i) = cur {
            match state[i] {
                2 => break,
                1 => {
                    let from = path.iter().position(|&p| p == i).unwrap_or(0);
                    let members: Vec<usize> = path[from..].to_vec();
                    let first = members.iter().copied().min().unwrap_or(i);
                    found.push((first, members.iter().map(|&m| ids[m].0).collect()));
                    break;
                }
                _ => {
                    state[i] = 1;
                    path.push(i);
                    cur = ids[i].1.and_then(|p| index.get(p).copied());
                }
            }
        }
        for p in path {
            state[p] = 2;
        }
    }
    found
}

fn cycles(c: &mut Checker<'_>) {
    let l = c.l;
    let units = l
        .units
        .iter()
        .map(|u| (u.id.as_str(), u.parent.as_ref().map(|p| p.as_str())))
        .collect();
    for (row, members) in parent_cycles(units) {
        c.push(
            ProblemKind::Cycle,
            at(Table::Units, row, "parent"),
            format!(
                "units form a cycle through `parent`: {} -> {}; the tree must end at the root",
                members.join(" -> "),
                members[0]
            ),
        );
    }
    let orgs = l
        .orgs
        .iter()
        .map(|o| (o.id.as_str(), o.parent.as_ref().map(|p| p.as_str())))
        .collect();
    for (row, members) in parent_cycles(orgs) {
        c.push(
            ProblemKind::Cycle,
            at(Table::Orgs, row, "parent"),
            format!(
                "orgs form a cycle through `parent`: {} -> {}; remove one parent",
                members.join(" -> "),
                members[0]
            ),
        );
    }
}

fn dates(c: &mut Checker<'_>) {
    let l = c.l;
    for (i, u) in l.units.iter().enumerate() {
        c.order(u.since, u.until, Table::Units, i, "since", "until");
    }
    for (i, d) in l.designations.iter().enumerate() {
        c.order(
            Some(d.since),
            d.until,
            Table::Designations,
            i,
            "since",
            "until",
        );
    }
    let established: HashMap<&str, NaiveDate> = l
        .orgs
        .iter()
        .map(|o| (o.id.as_str(), o.established))
        .collect();
    for (i, o) in l.orgs.iter().enumerate() {
        c.order(
            Some(o.established),
            o.dissolved,
            Table::Orgs,
            i,
            "established",
            "dissolved",
        );
    }
    for (i, e) in l.elections.iter().enumerate() {
        if let Some(&est) = established.get(e.org.as_str()) {
            if e.date < est {
                c.push(
                    ProblemKind::ElectionBeforeEstablished,
                    at(Table::Elections, i, "date"),
                    format!(
                        "election on {} is before org `{}` was established on {est}",
                        e.date, e.org
                    ),
                );
            }
        }
    }
    for (i, p) in l.people.iter().enumerate() {
        if let (Some(j), Some(f)) = (p.joined, p.confirmed) {
            if f < j {
                c.push(ProblemKind::ConfirmedBeforeJoined, at(Table::People, i, "confirmed"), format!("`confirmed` {f} is before `joined` {j}; a member is confirmed after joining"));
            }
        }
    }
    for (i, r) in l.roles.iter().enumerate() {
        c.order(Some(r.start), r.end, Table::Roles, i, "start", "end");
    }
    for (i, x) in l.initiatives.iter().enumerate() {
        c.order(
            x.start,
            Some(x.deadline),
            Table::Initiatives,
            i,
            "start",
            "deadline",
        );
    }
    for (i, d) in l.duties.iter().enumerate() {
        c.order(d.from, d.to, Table::Duties, i, "from", "to");
    }
    for (i, x) in l.exemptions.iter().enumerate() {
        c.order(Some(x.from), x.to, Table::Exemptions, i, "from", "to");
    }
}

fn values(c: &mut Checker<'_>) {
    let l = c.l;
    for (i, p) in l.progress.iter().enumerate() {
        if !(0.0..=100.0).contains(&p.percent) {
            c.push(
                ProblemKind::PercentOutOfRange,
                at(Table::Progress, i, "percent"),
                format!("`percent` {} is outside 0 to 100", short_number(p.percent)),
            );
        }
    }
    for (i, x) in l.initiatives.iter().enumerate() {
        if let Some(w) = x.weight {
            if w <= 0.0 || !w.is_finite() {
                c.push(
                    ProblemKind::WeightNotPositive,
                    at(Table::Initiatives, i, "weight"),
                    format!(
                        "`weight` {} must be a number > 0 (empty means 1)",
                        short_number(w)
                    ),
                );
            }
        }
    }
    for (i, d) in l.duties.iter().enumerate() {
        if d.min_count == Some(0) {
            c.push(
                ProblemKind::BadMinCount,
                at(Table::Duties, i, "min_count"),
                "`min_count` must be a whole number >= 1".to_string(),
            );
        }
    }
    for (i, u) in l.units.iter().enumerate() {
        if let Some(v) = u.length_m {
            if !v.is_finite() {
                c.push(
                    ProblemKind::BadNumber,
                    at(Table::Units, i, "length_m"),
                    format!("`length_m` {v} is not a finite number"),
                );
            }
        }
    }
}

fn duplicates(c: &mut Checker<'_>) {
    let l = c.l;
    let mut seen = HashMap::default();
    for (i, p) in l.progress.iter().enumerate() {
        if let Some(r0) = seen.insert((p.initiative.sym(), p.date), i) {
            c.push(
                ProblemKind::DuplicateProgress,
                at(Table::Progress, i, "date"),
                format!(
                    "initiative `{}` already has an update on {} at {}; one update a day",
                    p.initiative,
                    p.date,
                    at(Table::Progress, r0, "date")
                ),
            );
        }
    }
    let mut seen = HashMap::default();
    for (i, o) in l.observations.iter().enumerate() {
        if let Some(r0) = seen.insert((o.indicator.sym(), o.unit.sym(), o.date), i) {
            c.push(
                ProblemKind::DuplicateObservation,
                at(Table::Observations, i, "date"),
                format!(
                    "indicator `{}` already has an observation at `{}` on {} at {}",
                    o.indicator,
                    o.unit,
                    o.date,
                    at(Table::Observations, r0, "date")
                ),
            );
        }
    }
    let root = l.roots().next().map(|u| u.id.as_str());
    let mut seen = HashMap::default();
    for (i, t) in l.targets.iter().enumerate() {
        let scope = t.scope.as_ref().map(|s| s.as_str()).or(root);
        if let Some(r0) = seen.insert((t.metric.as_str(), scope, t.due), i) {
            c.push(
                ProblemKind::DuplicateTarget,
                at(Table::Targets, i, "due"),
                format!(
                    "metric `{}` already has a target for this scope due {} at {}",
                    t.metric,
                    t.due,
                    at(Table::Targets, r0, "due")
                ),
            );
        }
    }
}

fn formulas(c: &mut Checker<'_>) {
    let l = c.l;
    let known: HashSet<&str> = l.indicators.iter().map(|x| x.id.as_str()).collect();
    let mut deps: Vec<(&str, Vec<String>)> = Vec::new();
    for (i, x) in l.indicators.iter().enumerate() {
        if !is_indicator_id(x.id.as_str()) {
            c.push(
                ProblemKind::BadIndicatorId,
                at(Table::Indicators, i, "id"),
                format!("indicator id `{}` must match [A-Za-z_][A-Za-z0-9_]*", x.id),
            );
        }
        let Some(f) = &x.formula else { continue };
        match Expr::parse(f) {
            Err(e) => c.push(ProblemKind::BadFormula, at(Table::Indicators, i, "formula"), format!("formula `{}` does not parse: {e}; use indicator ids, numbers, + - * / and parentheses", quoted(f))),
            Ok(e) => {
                let vars: Vec<String> = e.variables().into_iter().collect();
                for v in &vars {
                    if !known.contains(v.as_str()) {
                        c.push(ProblemKind::UnknownFormulaOperand, at(Table::Indicators, i, "formula"), format!("formula `{}` names `{v}`, which is not an indicator id of this ledger", quoted(f)));
                    }
                }
                deps.push((x.id.as_str(), vars));
            }
        }
    }
    // Cycles among formula indicators: depth-first search over the dependency graph, with
    // an explicit stack so that a chain of thousands of formulas cannot overflow the stack.
    let graph: HashMap<&str, &Vec<String>> = deps.iter().map(|(id, v)| (*id, v)).collect();
    let mut reported: HashSet<&str> = HashSet::new();
    let cycles = formula_cycles(&deps, &graph);
    for cyc in cycles {
        let Some(first) = cyc.first().copied() else {
            continue;
        };
        if cyc.iter().any(|m| reported.contains(m)) {
            continue;
        }
        reported.extend(cyc.iter().copied());
        let row = l
            .indicators
            .iter()
            .position(|x| x.id.as_str() == first)
            .unwrap_or(0);
        c.push(
            ProblemKind::FormulaCycle,
            at(Table::Indicators, row, "formula"),
            format!(
                "formulas refer to each other in a cycle: {} -> {first}",
                cyc.join(" -> ")
            ),
        );
    }
    let formula_ids: HashSet<&str> = l
        .indicators
        .iter()
        .filter(|x| x.formula.is_some())
        .map(|x| x.id.as_str())
        .collect();
    for (i, o) in l.observations.iter().enumerate() {
        if formula_ids.contains(o.indicator.as_str()) {
            c.push(
                ProblemKind::FormulaObserved,
                at(Table::Observations, i, "indicator"),
                format!(
                    "indicator `{}` is computed by a formula and takes no observations",
                    o.indicator
                ),
            );
        }
    }
}

/// The cycles of the formula dependency graph, each as the path from its first visited
/// member, in depth-first order from each formula in table order.
fn formula_cycles<'g>(
    deps: &'g [(&'g str, Vec<String>)],
    graph: &HashMap<&'g str, &'g Vec<String>>,
) -> Vec<Vec<&'g str>> {
    // Absent = unvisited, 1 = on the current path, 2 = done.
    let mut state: HashMap<&str, u8> = HashMap::default();
    let mut cycles = Vec::new();
    for (root, _) in deps {
        if state.contains_key(root) {
            continue;
        }
        state.insert(root, 1);
        let mut path: Vec<&str> = vec![root];
        // Each frame: a node and the index of its next dependency to follow.
        let mut stack: Vec<(&str, usize)> = vec![(root, 0)];
        while let Some(&(node, next)) = stack.last() {
            let dep = graph.get(node).and_then(|vs| vs.get(next));
            let Some(dep) = dep else {
                state.insert(node, 2);
                path.pop();
                stack.pop();
                continue;
            };
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            let Some((&k, _)) = graph.get_key_value(dep.as_str()) else {
                continue;
            };
            match state.get(k) {
                Some(2) => {}
                Some(_) => {
                    let from = path.iter().position(|p| *p == k).unwrap_or(0);
                    cycles.push(path[from..].to_vec());
                }
                None => {
                    state.insert(k, 1);
                    path.push(k);
                    stack.push((k, 0));
                }
            }
        }
    }
    cycles
}

/// The people listed more than once, in the order of their first listing, with how many
/// times each is listed.
fn repeats(people: &[PersonId]) -> Vec<(&PersonId, usize)> {
    // Most lists are short and have no repeat: comparing with the ones before costs less
    // than hashing, and finds nothing to count.
    let any = if people.len() <= 32 {
        (1..people.len()).any(|i| people[..i].contains(&people[i]))
    } else {
        let mut seen = HashSet::with_capacity(people.len());
        !people.iter().all(|p| seen.insert(p.sym()))
    };
    if !any {
        return Vec::new();
    }
    let mut counts: Vec<(&PersonId, usize)> = Vec::new();
    for p in people {
        match counts.iter_mut().find(|(q, _)| *q == p) {
            Some((_, n)) => *n += 1,
            None => counts.push((p, 1)),
        }
    }
    counts.retain(|(_, n)| *n > 1);
    counts
}

fn warnings(c: &mut Checker<'_>, as_of: Option<NaiveDate>) {
    let l = c.l;
    // Progress that goes down, in date order per initiative.
    let mut by_init: HashMap<&str, Vec<(NaiveDate, f64, usize)>> = HashMap::default();
    for (i, p) in l.progress.iter().enumerate() {
        by_init
            .entry(p.initiative.as_str())
            .or_default()
            .push((p.date, p.percent, i));
    }
    let mut decreases = Vec::new();
    for ups in by_init.values_mut() {
        ups.sort_by_key(|u| u.0);
        for w in ups.windows(2) {
            if w[1].1 < w[0].1 {
                decreases.push((w[1].2, w[0].1, w[1].1, w[0].0));
            }
        }
    }
    decreases.sort_by_key(|d| d.0);
    for (row, before, after, date) in decreases {
        c.push(
            ProblemKind::ProgressDecreases,
            at(Table::Progress, row, "percent"),
            format!("progress goes down from {before} (on {date}) to {after}"),
        );
    }
    if let Some(as_of) = as_of {
        let mut late = |table: Table, row: usize, col: &str, d: Option<NaiveDate>| {
            if let Some(d) = d.filter(|d| *d > as_of) {
                c.out.push(Problem::new(
                    ProblemKind::AfterEvaluationDate,
                    at(table, row, col),
                    format!(
                        "dated {d}, after the evaluation date {as_of}; it is ignored until then"
                    ),
                ));
            }
        };
        for (i, u) in l.units.iter().enumerate() {
            late(Table::Units, i, "since", u.since);
        }
        for (i, x) in l.designations.iter().enumerate() {
            late(Table::Designations, i, "since", Some(x.since));
        }
        for (i, x) in l.orgs.iter().enumerate() {
            late(Table::Orgs, i, "established", Some(x.established));
        }
        for (i, x) in l.elections.iter().enumerate() {
            late(Table::Elections, i, "date", Some(x.date));
        }
        for (i, x) in l.roles.iter().enumerate() {
            late(Table::Roles, i, "start", Some(x.start));
        }
        for (i, x) in l.progress.iter().enumerate() {
            late(Table::Progress, i, "date", Some(x.date));
        }
        for (i, x) in l.activities.iter().enumerate() {
            late(Table::Activities, i, "date", Some(x.date));
        }
        for (i, x) in l.observations.iter().enumerate() {
            late(Table::Observations, i, "date", Some(x.date));
        }
    }
    // Attendance: a person listed twice (counted once); more attending than expected; a
    // quorum its activities cannot meet.
    let mut names: Option<SymMap<&str>> = None;
    for (i, a) in l.activities.iter().enumerate() {
        for (p, times) in repeats(&a.people) {
            // The names are only looked up once a repeat is found.
            let names = names.get_or_insert_with(|| {
                l.people
                    .iter()
                    .map(|x| (x.id.sym(), x.name.as_str()))
                    .collect()
            });
            let name = names
                .get(&p.sym())
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            let times = if times == 2 {
                "twice".to_string()
            } else {
                format!("{times} times")
            };
            c.push(
                ProblemKind::PersonListedTwice,
                at(Table::Activities, i, "people"),
                format!("person `{p}`{name} is listed {times} in `people`; counted once"),
            );
        }
    }
    for (i, a) in l.activities.iter().enumerate() {
        if let (Some(att), Some(exp)) = (a.attended, a.expected) {
            if att > exp {
                c.push(
                    ProblemKind::AttendedOverExpected,
                    at(Table::Activities, i, "attended"),
                    format!("`attended` {att} is more than `expected` {exp}"),
                );
            }
        }
    }
    for (i, d) in l.duties.iter().enumerate() {
        if d.quorum.is_none() {
            continue;
        }
        let mut unrecorded = l.activities.iter().enumerate().filter(|(_, a)| {
            a.kind == d.activity && (a.attendance().is_none() || a.expected.is_none())
        });
        if let Some((first, _)) = unrecorded.next() {
            let n = 1 + unrecorded.count();
            c.push(
                ProblemKind::NoAttendance,
                at(Table::Duties, i, "quorum"),
                format!(
                    "duty `{}` has a quorum, but {n} `{}` activities (the first at {}) record no attendance (`attended` or `people`, and `expected`); they never meet the quorum",
                    d.id,
                    d.activity,
                    at(Table::Activities, first, "attended")
                ),
            );
        }
    }
    // Branch sizes: members are people whose `org` is the branch; formal ones are confirmed.
    let mut members: SymMap<(usize, usize)> = SymMap::default();
    for p in &l.people {
        if let Some(o) = &p.org {
            let e = members.entry(o.sym()).or_default();
            e.0 += 1;
            if p.confirmed.is_some_and(|d| as_of.is_none_or(|a| d <= a)) {
                e.1 += 1;
            }
        }
    }
    for (i, o) in l.orgs.iter().enumerate() {
        if !matches!(o.kind, OrgKind::Branch | OrgKind::JointBranch) {
            continue;
        }
        if as_of.is_some_and(|a| !o.active_on(a)) {
            continue;
        }
        let (all, formal) = members.get(&o.id.sym()).copied().unwrap_or((0, 0));
        if formal < 3 {
            c.push(ProblemKind::SmallBranch, at(Table::Orgs, i, "id"), format!("{} `{}` has {}; a branch needs at least 3 (units with fewer join a joint branch)", o.kind, o.id, crate::model::words::count_en(formal as u64, "formal members")));
        }
        if all > 50 {
            c.push(
                ProblemKind::LargeBranch,
                at(Table::Orgs, i, "id"),
                format!(
                    "{} `{}` has {all} members; a branch has at most 50",
                    o.kind, o.id
                ),
            );
        }
        if o.kind == OrgKind::JointBranch && o.hosts.len() > 5 {
            c.push(
                ProblemKind::WideJointBranch,
                at(Table::Orgs, i, "hosts"),
                format!(
                    "joint branch `{}` is hosted by {} units; a joint branch covers at most 5",
                    o.id,
                    o.hosts.len()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_id_numbered_past_the_count_of_symbols_still_has_its_kind() {
        // As when another thread's intern is under way: the table starts smaller than the
        // ids' numbers (here empty) and must still know every id's kind.
        let mut l = crate::model::Ledger::new();
        l.units.push(crate::model::Unit::new(
            "count-race-d",
            crate::model::UnitKind::District,
            "区",
        ));
        l.orgs.push(crate::model::Org::new(
            "count-race-b",
            crate::model::OrgKind::Branch,
            "支部",
            vec![crate::model::UnitId::new("count-race-d")],
            chrono::NaiveDate::from_ymd_opt(2019, 1, 1).unwrap(),
        ));
        let (kinds, problems) = super::ids_sized(&l, &Default::default(), 0);
        assert!(problems.is_empty());
        let d = crate::model::Sym::new("count-race-d");
        let b = crate::model::Sym::new("count-race-b");
        assert_eq!(kinds.get(d), Some(super::IdKind::Unit));
        assert_eq!(kinds.get(b), Some(super::IdKind::Org));
    }

    use super::SeenIds;

    #[test]
    fn the_set_of_seen_ids_finds_every_repeat_whichever_way_an_id_is_kept() {
        let mut seen = SeenIds::default();
        // Leading zeros make other ids; ids without a number go to the hash set.
        for id in ["a1", "a01", "a001", "a0", "a00", "x", "1", "01"] {
            assert!(seen.insert(id), "{id}");
        }
        for id in ["a1", "a01", "a001", "a0", "a00", "x", "1", "01"] {
            assert!(!seen.insert(id), "{id}");
        }
        // A number too far out for the bound goes to the hash set...
        assert!(seen.insert("q2000000"));
        assert!(seen.others.contains("q2000000"));
        // ...and is still found once enough ids are held for its array to grow that far.
        let many: Vec<String> = (0..20_000).map(|i| format!("r{i}")).collect();
        for id in &many {
            assert!(seen.insert(id));
        }
        assert!(!seen.insert("q2000000"));
        assert!(seen.insert("q2000001"));
        assert!(!seen.insert("q2000001"));
        assert!(seen.words <= (1 << 14) + seen.held);
    }
}
