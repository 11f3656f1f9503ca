//! 红色引领 (and every programme's routines): duty compliance (`duty.<id>`) and the longest
//! lapse (`duty.<id>.lapse`).
//!
//! Each duty makes one obligation per selected thing: per role assignment (`role:<role>`,
//! subject the role's target, holder the person), per unit of a kind (`unit:<kind>`), per
//! org of a kind (`org:<kind>`), per designation row (`designation:<name>`, subject the
//! unit). Its window is the span the thing is active, cut to the duty's `from`/`to`.
//! Qualifying activities have the duty's activity kind and the obligation's subject, dated
//! <= `as_of` (earlier than `from` counts as history).
//!
//! Compliance of an n-day cadence is computed from intervals, not day by day: with the
//! qualifying dates sorted, the m activities `a[i-m+1] ..= a[i]` make every day of
//! `[a[i], a[i-m+1] + n - 1]` compliant; the grace days are one more interval. The union of
//! these, cut to the assessed days, gives the complying days and the longest lapse.
//!
//! `docs/STATS.md` refines both cadences: under a duty's `quorum` an activity qualifies only
//! when it records enough attendance ([`crate::model::Activity::meets_quorum`]), and the
//! spans of the `exemptions` of an obligation's subject from the duty are not assessed: an
//! exempt day (n-day cadence) or a period overlapping an exempt span by a day (calendar) is
//! neither complying nor lapsing, and ends a run of lapses. Grace is not restarted after an
//! exemption.

use super::ctx::{Ctx, Entities, Family};
use super::index::{
    ActivityIx, DesignationIx, DutyIx, Index, Lookup, Node, OrgIx, RoleIx, Tin, UnitIx,
};
use super::value::{select, Direction, Metric, MetricDef, MetricKind, PerLedger, Scope, Val};
use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::Period;
use crate::model::{AppliesTo, Cadence, DutyId, PersonId, Programme, TargetId};

/// The duty family (`duty.<id>`, `duty.<id>.lapse`): one pair of metrics per duty.
pub(crate) struct Duties;

impl Family for Duties {
    type Figures = Figures;
    const NAME: &'static str = "duty";
    const ENTITIES: Entities = Entities::Orgs;
    const METRICS: &'static [Metric<Figures>] = METRICS;
    /// The figures of duty `key` (its position in the ledger).
    fn figures(ctx: &Ctx<'_, '_>, s: Scope, key: u32) -> Figures {
        figures(ctx, s, DutyIx::new(key as usize))
    }
    /// Reads the activities of the duty's kind.
    fn reads(l: &crate::model::Ledger, key: u32, added: &super::query::Appended) -> bool {
        l.duties
            .get(key as usize)
            .is_none_or(|d| added.activity_kinds.contains(&d.activity))
    }
    /// `duty.<duty id>`.
    fn group_name(l: &crate::model::Ledger, key: u32) -> String {
        let id = l.duties.get(key as usize).map_or("", |d| d.id.as_str());
        format!("duty.{id}")
    }
}

/// What the metrics of one duty are read from, at one scope: its obligations in scope
/// summed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Figures {
    assessed: u64,
    complying: u64,
    /// The longest lapse of any one obligation; none when nothing was assessed.
    lapse: Option<u64>,
}

super::value::state!(Figures {
    assessed: Sum,
    complying: Sum,
    lapse: Max,
});

/// The catalogue entries (templates) of this family, each with how its value is read.
const METRICS: &[Metric<Figures>] = &[
    Metric {
        def: MetricDef {
            id: "duty.<id>",
            zh: "职责履行率",
            en: "duty compliance",
            definition: "Complying assessed days (n-day cadence) or periods (calendar cadence) / assessed days or \
                         periods, summed over the duty's obligations in scope (an obligation is in scope when its \
                         subject is: a unit itself, an org through any host, an initiative through its unit, or \
                         the root when it has none). n-day: each day of the obligation window in [from, as_of] is \
                         assessed and complies when at least min_count qualifying activities fall in [d - n + 1, \
                         d], or d is within the first n - 1 days of the obligation window (grace; none when the \
                         window has no start). Calendar (ISO week from Monday, month, quarter, half year, year): \
                         each period lying wholly inside both the obligation window and [from, as_of] is assessed \
                         (a partly covered period is not) and complies when at least min_count qualifying \
                         activities fall inside it. A qualifying activity has the duty's kind and the obligation's \
                         subject as its subject (a role's target: an enterprise_liaison link to an org the \
                         enterprise hosts is met by visits about that org, not about the enterprise); the drill-down's \
                         last activity is the latest one dated <= as_of, even after the obligation window ends. \
                         Obligations of records starting after as_of are ignored. Null \
                         when nothing is assessed. With a quorum q on the duty (docs/STATS.md), an activity \
                         qualifies only when its attendance (attended, else the number of people listed) and \
                         expected count are both known and attended > q x expected. A span during which the \
                         subject is exempt from the duty (exemptions table) is not assessed: an exempt day, or a \
                         period overlapping an exempt span by at least one day, neither complies nor lapses.",
            kind: MetricKind::Ratio,
            direction: Direction::Higher,
            programme: Programme::Leading,
            per_ledger: Some(PerLedger::Duty),
        },
        value: |f| Val::ratio(f.complying as f64, f.assessed as f64),
    },
    Metric {
        def: MetricDef {
            id: "duty.<id>.lapse",
            zh: "最长脱节",
            en: "longest lapse",
            definition: "The longest run of consecutive non-compliant assessed days (n-day cadence: kind days) or \
                         periods (calendar cadence: kind periods) in any one obligation in scope; 0 when all \
                         complied; null when nothing was assessed. An exempt day or period ends a run.",
            kind: MetricKind::Days,
            direction: Direction::Lower,
            programme: Programme::Leading,
            per_ledger: Some(PerLedger::DutyLapse),
        },
        value: |f| Val::value(f.lapse.map(|x| x as f64)),
    },
];

/// What made an obligation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    Role(RoleIx),
    Unit(UnitIx),
    Org(OrgIx),
    Designation(DesignationIx),
}

/// One obligation of a duty.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Obligation {
    pub subject: Node,
    pub source: Source,
    /// Window, `None` ends unbounded.
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// The subject's exempt spans under this duty (inclusive; an open one ends on
    /// `NaiveDate::MAX`), sorted and merged.
    pub exempt: Vec<(NaiveDate, NaiveDate)>,
}

/// The obligations of one duty, at their subject's anchors.
#[derive(Clone, Debug, Default)]
pub(crate) struct DutyIndex {
    pub obligations: Vec<Obligation>,
    pub entries: Vec<(Tin, u32)>,
    /// The interned activity kind (none: no activity of that kind exists).
    pub kind: Option<u32>,
}

/// The later of two starts (`None`: unbounded).
fn later(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The earlier of two ends (`None`: unbounded).
fn earlier(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Sorts spans and merges those that overlap or touch.
fn merge_spans(mut spans: Vec<(NaiveDate, NaiveDate)>) -> Vec<(NaiveDate, NaiveDate)> {
    spans.sort_unstable();
    let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match out.last_mut() {
            Some(last) if a <= last.1.succ_opt().unwrap_or(NaiveDate::MAX) => {
                last.1 = last.1.max(b);
            }
            _ => out.push((a, b)),
        }
    }
    out
}

/// Builds the obligations of every duty.
pub(crate) fn index(e: Lookup<'_>) -> Vec<DutyIndex> {
    let l = e.l;
    // Exempt spans by duty and subject node.
    let mut exempt: std::collections::HashMap<(&str, Node), Vec<(NaiveDate, NaiveDate)>> =
        std::collections::HashMap::new();
    for x in &l.exemptions {
        if let Some(n) = e.node_of(x.subject.sym()) {
            exempt
                .entry((x.duty.as_str(), n))
                .or_default()
                .push((x.from, x.to.unwrap_or(NaiveDate::MAX)));
        }
    }
    l.duties
        .iter()
        .map(|duty| {
            let mut obligations = Vec::new();
            let mut add = |subject: Option<Node>,
                           source: Source,
                           start: Option<NaiveDate>,
                           end: Option<NaiveDate>| {
                let Some(subject) = subject else { return };
                let start = later(start, duty.from);
                let end = earlier(end, duty.to);
                if let (Some(s), Some(t)) = (start, end) {
                    if s > t {
                        return;
                    }
                }
                let spans = exempt
                    .get(&(duty.id.as_str(), subject))
                    .cloned()
                    .map(merge_spans)
                    .unwrap_or_default();
                obligations.push(Obligation {
                    subject,
                    source,
                    start,
                    end,
                    exempt: spans,
                });
            };
            match &duty.applies_to {
                AppliesTo::Role(kind) => {
                    for (i, r) in l.roles.iter().enumerate().filter(|(_, r)| r.role == *kind) {
                        add(
                            e.node_of(r.target.sym()),
                            Source::Role(RoleIx::new(i)),
                            Some(r.start),
                            r.end,
                        );
                    }
                }
                AppliesTo::Unit(kind) => {
                    for (i, u) in l.units.iter().enumerate().filter(|(_, u)| u.kind == *kind) {
                        let u_ix = UnitIx::new(i);
                        add(
                            Some(e.unit_node(u_ix)),
                            Source::Unit(u_ix),
                            u.since,
                            u.until,
                        );
                    }
                }
                AppliesTo::Org(kind) => {
                    for (i, o) in l.orgs.iter().enumerate().filter(|(_, o)| o.kind == *kind) {
                        add(
                            Some(e.org_node(OrgIx::new(i))),
                            Source::Org(OrgIx::new(i)),
                            Some(o.established),
                            o.dissolved,
                        );
                    }
                }
                AppliesTo::Designation(name) => {
                    for (i, d) in l
                        .designations
                        .iter()
                        .enumerate()
                        .filter(|(_, d)| d.designation == *name)
                    {
                        add(
                            e.unit_of(d.unit.sym()).map(|u| e.unit_node(u)),
                            Source::Designation(DesignationIx::new(i)),
                            Some(d.since),
                            d.until,
                        );
                    }
                }
            }
            let mut entries: Vec<(Tin, u32)> = obligations
                .iter()
                .enumerate()
                .flat_map(|(i, o)| e.anchors(o.subject).iter().map(move |&t| (t, i as u32)))
                .collect();
            entries.sort_unstable();
            DutyIndex {
                obligations,
                entries,
                kind: Some(super::index::act_kind(duty.activity.sym())),
            }
        })
        .collect()
}

/// One obligation assessed on [`from`, `as_of`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ObligationEval {
    /// The window starts on or before `as_of` (the thing exists by then).
    pub exists: bool,
    pub assessed: u64,
    pub complying: u64,
    /// Longest run of non-compliant assessed days or periods; none when nothing assessed.
    pub lapse: Option<u64>,
    pub last_activity: Option<NaiveDate>,
    /// Days or periods of [`from`, `as_of`] in the window that were exempt, not assessed.
    pub exempt: u64,
    /// Activities of the kind about the subject, dated in the assessed span, that missed
    /// the duty's quorum.
    pub below_quorum: u64,
}

fn day_number(d: NaiveDate) -> i64 {
    i64::from(chrono::Datelike::num_days_from_ce(&d))
}

/// Assesses obligation `ob` of duty `d` (whose index is `ix`) on [`from`, `as_of`].
pub(crate) fn eval_obligation(
    e: &Index<'_>,
    (from, as_of): (NaiveDate, NaiveDate),
    (d, ix): (DutyIx, &DutyIndex),
    ob: &Obligation,
) -> ObligationEval {
    let duty = &e.l.duties[d];
    let (all, idx): (&[NaiveDate], &[ActivityIx]) = match ix.kind {
        Some(k) => e.activities(ob.subject, k),
        None => (&[], &[]),
    };
    let n_upto = all.partition_point(|x| *x <= as_of);
    let lo = ob.start.map_or(from, |s| s.max(from));
    let hi = ob.end.map_or(as_of, |t| t.min(as_of));
    // Under a quorum only the activities with enough attendance qualify.
    let mut below_quorum = 0;
    let kept: Vec<NaiveDate>;
    let upto: &[NaiveDate] = match duty.quorum {
        None => &all[..n_upto],
        Some(q) => {
            let mut ok = Vec::with_capacity(n_upto);
            for (&date, &a) in all[..n_upto].iter().zip(idx) {
                if e.l.activities[a].meets_quorum(Some(q)) {
                    ok.push(date);
                } else if lo <= date && date <= hi {
                    below_quorum += 1;
                }
            }
            kept = ok;
            &kept
        }
    };
    let mut out = ObligationEval {
        exists: ob.start.is_none_or(|s| s <= as_of),
        assessed: 0,
        complying: 0,
        lapse: None,
        last_activity: upto.last().copied(),
        exempt: 0,
        below_quorum,
    };
    if lo > hi {
        return out;
    }
    let m = duty.min_count() as usize;
    let period = match duty.cadence {
        Cadence::Days(n) => {
            let segments = assessed_segments(&ob.exempt, lo, hi);
            let (assessed, complying, lapse) = n_day(upto, m, i64::from(n), ob.start, &segments);
            out.exempt = (day_number(hi) - day_number(lo) + 1) as u64 - assessed;
            out.assessed = assessed;
            out.complying = complying;
            out.lapse = (assessed > 0).then_some(lapse);
            return out;
        }
        Cadence::Week => Period::Week,
        Cadence::Month => Period::Month,
        Cadence::Quarter => Period::Quarter,
        Cadence::HalfYear => Period::HalfYear,
        Cadence::Year => Period::Year,
    };
    let (mut run, mut longest) = (0u64, 0u64);
    for (ps, pe) in period.within(lo, hi) {
        if ob.exempt.iter().any(|&(a, b)| a <= pe && ps <= b) {
            out.exempt += 1;
            run = 0;
            continue;
        }
        let count = upto.partition_point(|x| *x <= pe) - upto.partition_point(|x| *x < ps);
        out.assessed += 1;
        if count >= m {
            out.complying += 1;
            run = 0;
        } else {
            run += 1;
            longest = longest.max(run);
        }
    }
    out.lapse = (out.assessed > 0).then_some(longest);
    out
}

/// The days of `[lo, hi]` outside the exempt spans, as runs of day numbers `[a, b]`.
fn assessed_segments(
    exempt: &[(NaiveDate, NaiveDate)],
    lo: NaiveDate,
    hi: NaiveDate,
) -> Vec<(i64, i64)> {
    let (mut cursor, hi) = (day_number(lo), day_number(hi));
    let mut out = Vec::with_capacity(exempt.len() + 1);
    for &(a, b) in exempt {
        let (a, b) = (day_number(a), day_number(b));
        if b < cursor {
            continue;
        }
        if a > hi {
            break;
        }
        if a > cursor {
            out.push((cursor, a - 1));
        }
        cursor = b + 1;
    }
    if cursor <= hi {
        out.push((cursor, hi));
    }
    out
}

/// Assessed days, complying days and the longest lapse of an n-day cadence over the runs
/// of days `segments` (sorted, disjoint: the assessed days, exempt ones left out), with the
/// qualifying dates `acts` (sorted), at least `m` per window of `n` days, and grace for the
/// first n - 1 days after `window_start`. A lapse does not run across a gap between
/// segments.
fn n_day(
    acts: &[NaiveDate],
    m: usize,
    n: i64,
    window_start: Option<NaiveDate>,
    segments: &[(i64, i64)],
) -> (u64, u64, u64) {
    let assessed: i64 = segments.iter().map(|(a, b)| b - a + 1).sum();
    let assessed = assessed as u64;
    let Some(&(lo, _)) = segments.first() else {
        return (0, 0, 0);
    };
    if m == 0 {
        return (assessed, assessed, 0);
    }
    // Only activities that can reach a window ending on or after `lo` matter.
    let j0 = acts.partition_point(|x| day_number(*x) < lo - n + 1);
    let acts: Vec<i64> = acts[j0..].iter().map(|x| day_number(*x)).collect();
    let mut intervals: Vec<(i64, i64)> = Vec::with_capacity(acts.len() + 1);
    for i in (m - 1)..acts.len() {
        let (a, b) = (acts[i], acts[i + 1 - m] + n - 1);
        if a <= b {
            intervals.push((a, b));
        }
    }
    if let Some(ws) = window_start {
        if n >= 2 {
            let ws = day_number(ws);
            let at = intervals.partition_point(|iv| iv.0 < ws);
            intervals.insert(at, (ws, ws + n - 2));
        }
    }
    let (mut covered, mut longest) = (0i64, 0i64);
    for &(lo, hi) in segments {
        let mut cursor = lo;
        for &(a, b) in &intervals {
            let (a, b) = (a.max(cursor), b.min(hi));
            if b < a {
                continue;
            }
            longest = longest.max(a - cursor);
            covered += b - a + 1;
            cursor = b + 1;
            if cursor > hi {
                break;
            }
        }
        longest = longest.max(hi + 1 - cursor);
    }
    (assessed, covered as u64, longest as u64)
}

/// The evaluations of every obligation of every duty (computed once per query).
fn evals<'c>(ctx: &'c Ctx<'_, '_>) -> &'c [Vec<ObligationEval>] {
    ctx.cached::<Vec<_>>(|| {
        use rayon::prelude::*;
        let (e, window) = (ctx.e, (ctx.from, ctx.as_of));
        e.duty_indices()
            .iter()
            .enumerate()
            .map(|(d, ix)| {
                ix.obligations
                    .par_iter()
                    .with_min_len(1024)
                    .map(|ob| eval_obligation(e, window, (DutyIx::new(d), ix), ob))
                    .collect()
            })
            .collect()
    })
}

fn in_scope(ctx: &Ctx<'_, '_>, s: Scope, d: DutyIx) -> Vec<u32> {
    let e = ctx.e;
    let ix = e.duty_index(d);
    select(&ix.entries, s, |o| {
        e.anchors(ix.obligations[o as usize].subject)
    })
}

/// The figures of duty `d` at scope `s`.
fn figures(ctx: &Ctx<'_, '_>, s: Scope, d: DutyIx) -> Figures {
    let Some(evals) = evals(ctx).get(d.index()) else {
        return Figures::default();
    };
    let mut f = Figures::default();
    let ix = ctx.e.duty_index(d);
    for o in in_scope(ctx, s, d) {
        // A partial result counts an org shared with other parts one by one.
        let subject = ix.obligations[o as usize].subject;
        let kept = match (ctx.e.node_org(subject), ctx.e.lookup().node_unit(subject)) {
            (Some(org), _) => ctx.filter.keeps_org(org),
            (None, Some(u)) => ctx.filter.keeps_unit(u),
            (None, None) => ctx.filter.keeps_others(),
        };
        if !kept {
            continue;
        }
        let ev = &evals[o as usize];
        f.assessed += ev.assessed;
        f.complying += ev.complying;
        if let Some(x) = ev.lapse {
            f.lapse = Some(f.lapse.map_or(x, |l| l.max(x)));
        }
    }
    f
}

/// One obligation of a duty, assessed on [`from`, `as_of`] (the drill-down of `duty.*`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObligationRow {
    /// Duty id.
    pub duty: DutyId,
    /// The subject: the role's target, the unit, the org or the designated unit.
    pub subject: TargetId,
    /// The person holding the role (role duties only).
    pub holder: Option<PersonId>,
    /// First day of the obligation window (none: unbounded).
    pub start: Option<NaiveDate>,
    /// Last day of the obligation window (none: open).
    pub end: Option<NaiveDate>,
    /// Assessed days (n-day cadence) or periods (calendar cadence).
    pub assessed: u64,
    /// Complying assessed days or periods.
    pub complying: u64,
    /// Longest run of non-compliant assessed days or periods (none when nothing assessed).
    pub longest_lapse: Option<u64>,
    /// The latest qualifying activity dated <= `as_of`.
    pub last_activity: Option<NaiveDate>,
    /// Days (n-day cadence) or periods (calendar) of the assessed span that were exempt
    /// (`exemptions`), so not assessed.
    pub exempt: u64,
    /// Activities of the duty's kind about the subject, dated in the assessed span
    /// ([`from`, `as_of`] within the window), held but missing the duty's quorum.
    pub below_quorum: u64,
}

crate::rows::impl_row!(ObligationRow {
    duty,
    subject,
    holder,
    start,
    end,
    assessed,
    complying,
    longest_lapse,
    last_activity,
    exempt,
    below_quorum,
});

/// The drill-down rows of the query's scope: duties in ledger order, then obligations in
/// the order of the records that make them; only obligations existing by `as_of`.
pub(crate) fn rows(ctx: &Ctx<'_, '_>) -> Vec<ObligationRow> {
    let e = ctx.e;
    let l = &*e.l;
    let evals = evals(ctx);
    let mut out = Vec::new();
    for (d, duty) in l.duties.iter().enumerate() {
        let ix = e.duty_index(DutyIx::new(d));
        for o in in_scope(ctx, ctx.scope, DutyIx::new(d)) {
            let ob = &ix.obligations[o as usize];
            let ev = &evals[d][o as usize];
            if !ev.exists {
                continue;
            }
            let (subject, holder) = match ob.source {
                Source::Role(r) => {
                    let r = &l.roles[r];
                    (r.target.clone(), Some(r.person.clone()))
                }
                Source::Unit(u) => (TargetId::new(l.units[u].id.as_str()), None),
                Source::Org(g) => (TargetId::new(l.orgs[g].id.as_str()), None),
                Source::Designation(x) => (TargetId::new(l.designations[x].unit.as_str()), None),
            };
            out.push(ObligationRow {
                duty: duty.id.clone(),
                subject,
                holder,
                start: ob.start,
                end: ob.end,
                assessed: ev.assessed,
                complying: ev.complying,
                longest_lapse: ev.lapse,
                last_activity: ev.last_activity,
                exempt: ev.exempt,
                below_quorum: ev.below_quorum,
            });
        }
    }
    out
}

impl Index<'_> {
    /// The obligations index of every duty, by duty (built by the engine alongside the rest).
    pub(crate) fn duty_indices(&self) -> &[DutyIndex] {
        self.data.get::<Vec<DutyIndex>>().map_or(&[], Vec::as_slice)
    }

    /// The obligations index of duty `d` (an empty one for a duty that has none).
    pub(crate) fn duty_index(&self, d: DutyIx) -> &DutyIndex {
        static NONE: std::sync::LazyLock<DutyIndex> = std::sync::LazyLock::new(DutyIndex::default);
        self.duty_indices().get(d.index()).unwrap_or(&NONE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn whole(lo: NaiveDate, hi: NaiveDate) -> Vec<(i64, i64)> {
        assessed_segments(&[], lo, hi)
    }

    #[test]
    fn three_day_windows_with_grace() {
        // Window from 1 July, every 3 days, assessed 1..=10 July, patrols on 4 and 9 July.
        // Grace: 1, 2 July. Patrol 4 July covers 4, 5, 6; patrol 9 covers 9, 10 (11).
        // Day 3: window [1, 3] has none -> lapse; 7, 8: windows [5, 7], [6, 8] have none.
        // Complying: 1, 2, 4, 5, 6, 9, 10 = 7 of 10; longest lapse 2 (7, 8).
        let acts = [d(2019, 7, 4), d(2019, 7, 9)];
        assert_eq!(
            n_day(
                &acts,
                1,
                3,
                Some(d(2019, 7, 1)),
                &whole(d(2019, 7, 1), d(2019, 7, 10))
            ),
            (10, 7, 2)
        );
    }

    #[test]
    fn history_before_the_assessed_days_counts() {
        // Assessed from 5 July; a patrol on 3 July covers 3, 4, 5: day 5 complies, 6..=8 lapse.
        let acts = [d(2019, 7, 3)];
        assert_eq!(
            n_day(&acts, 1, 3, None, &whole(d(2019, 7, 5), d(2019, 7, 8))),
            (4, 1, 3)
        );
    }

    #[test]
    fn min_count_two_needs_two_in_a_window() {
        // Two patrols within 3 days: 2 and 4 July -> days 4 (window 2..4) complies; 5 has
        // window 3..5 with only the 4th. Assessed 1..=6 without grace: only day 4 complies.
        let acts = [d(2019, 7, 2), d(2019, 7, 4)];
        assert_eq!(
            n_day(&acts, 2, 3, None, &whole(d(2019, 7, 1), d(2019, 7, 6))),
            (6, 1, 3)
        );
        // Two on one day count twice.
        let acts = [d(2019, 7, 2), d(2019, 7, 2)];
        assert_eq!(
            n_day(&acts, 2, 1, None, &whole(d(2019, 7, 1), d(2019, 7, 3))),
            (3, 1, 1)
        );
    }

    #[test]
    fn exempt_days_are_cut_out_and_end_a_lapse() {
        // Assessed 1..=10 July, exempt 4..=6 July: segments [1, 3] and [7, 10].
        let exempt = [(d(2019, 7, 4), d(2019, 7, 6))];
        let segs = assessed_segments(&exempt, d(2019, 7, 1), d(2019, 7, 10));
        let n = |x: NaiveDate| day_number(x);
        assert_eq!(
            segs,
            [
                (n(d(2019, 7, 1)), n(d(2019, 7, 3))),
                (n(d(2019, 7, 7)), n(d(2019, 7, 10)))
            ]
        );
        // No patrols, no grace: 7 days assessed, none complying; without the exemption the
        // lapse would be 10 days long, with it the runs are 3 and 4.
        assert_eq!(n_day(&[], 1, 3, None, &segs), (7, 0, 4));
        // A patrol on 5 July (exempt) still covers 7 July in its 3-day window: history.
        assert_eq!(n_day(&[d(2019, 7, 5)], 1, 3, None, &segs), (7, 1, 3));
        // Grace is not restarted after the exemption: window from 1 July, grace 1 and 2.
        assert_eq!(n_day(&[], 1, 3, Some(d(2019, 7, 1)), &segs), (7, 2, 4));
        // An open exemption from before the window: nothing is assessed.
        let open = [(d(2019, 6, 1), NaiveDate::MAX)];
        assert!(assessed_segments(&open, d(2019, 7, 1), d(2019, 7, 10)).is_empty());
    }

    #[test]
    fn spans_merge_when_they_overlap_or_touch() {
        let spans = vec![
            (d(2019, 7, 10), d(2019, 7, 12)),
            (d(2019, 7, 1), d(2019, 7, 3)),
            (d(2019, 7, 4), d(2019, 7, 5)),
            (d(2019, 7, 11), d(2019, 7, 20)),
        ];
        assert_eq!(
            merge_spans(spans),
            [
                (d(2019, 7, 1), d(2019, 7, 5)),
                (d(2019, 7, 10), d(2019, 7, 20))
            ]
        );
    }
}
