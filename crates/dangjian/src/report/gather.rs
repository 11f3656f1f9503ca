//! Everything the page shows, asked of the engine through its public API.

// Fx hashing: a province's drill-downs have hundreds of thousands of obligations to key.
use rustc_hash::FxHashMap as HashMap;

use chrono::{Datelike, NaiveDate};

use super::labels::Labels;
use super::PageOptions;
use crate::calendar::{add_days, add_months, month_ends, Period};
use crate::metrics::{cadres, coverage, leading, orgs, tasks, MetricId};
use crate::metrics::{
    CadreRow, Engine, EnterpriseRow, Evaluation, ObligationRow, Query, QueryError, TaskRow,
};
use crate::model::{Cadence, Ledger, UnitKind};

/// Metrics shown as headline figures, per programme, when the ledger has them (duty
/// compliance metrics are added after `villages.liaison_coverage`).
pub(crate) const HEADLINE: [MetricId; 15] = [
    tasks::STARTED,
    tasks::COMPLETED,
    tasks::PROGRESS,
    cadres::YOUNG_SHARE,
    cadres::YOUNG_ON_TASKS,
    leading::CHIEF_COVERAGE,
    leading::LIAISON_COVERAGE,
    coverage::ORG,
    coverage::OWN_ORG,
    coverage::WORK,
    coverage::LIAISON,
    orgs::VIABLE,
    orgs::NO_ORG_LIFE,
    orgs::TWO_NEW,
    orgs::RED,
];

/// The compliance of one duty per subject and calendar period.
pub(crate) struct HeatDuty {
    /// Index of the duty in the ledger.
    pub duty: usize,
    /// Column periods: first and last day assessed (cut to the window), and a label.
    pub periods: Vec<(NaiveDate, NaiveDate, String)>,
    /// The obligations shown: the lowest compliance first, at most `list_rows`.
    pub rows: Vec<HeatRow>,
    /// Obligations of the duty in scope.
    pub count: usize,
    /// Of those, the ones with a lapse.
    pub lapsed: usize,
    /// The longest lapse of any (`None` when nothing was assessed).
    pub longest: Option<u64>,
    /// Complying and assessed over every obligation and the whole window.
    pub all: (u64, u64),
    /// Per period: complying and assessed summed over every obligation.
    pub total: Vec<Option<(u64, u64)>>,
}

/// One obligation of a [`HeatDuty`].
pub(crate) struct HeatRow {
    /// The obligation over the whole window.
    pub ob: ObligationRow,
    /// Per period: complying and assessed (`None`: not assessed in that period).
    pub cells: Vec<Option<(u64, u64)>>,
}

impl HeatRow {
    /// Complying share over the window (`None` when nothing was assessed).
    pub fn share(&self) -> Option<f64> {
        share(&self.ob)
    }
}

fn share(o: &ObligationRow) -> Option<f64> {
    (o.assessed > 0).then(|| o.complying as f64 / o.assessed as f64)
}

/// The page's data.
pub(crate) struct Data<'l> {
    pub l: &'l Ledger,
    pub labels: Labels<'l>,
    pub opts: &'l PageOptions,
    /// The query as given (for export commands).
    pub asked: Query,
    /// Every metric at the scope (and the breakdown of `--by`).
    pub ev: Evaluation,
    /// The rows of the all-metrics table (`ev`, or the evaluation of the asked metrics).
    pub table_rows: Evaluation,
    pub tasks: Vec<TaskRow>,
    pub enterprises: Vec<EnterpriseRow>,
    pub obligations: Vec<ObligationRow>,
    pub cadres: Vec<CadreRow>,
    /// Coverage by block and by area (only kinds with units below the scope).
    pub coverage_by: Vec<(UnitKind, Evaluation)>,
    pub heat: Vec<HeatDuty>,
    /// The headline metrics at each month end, the last at `as_of`.
    pub trend: Vec<Evaluation>,
}

/// The column period of a duty's heat map: months, unless the cadence is longer.
fn column_period(c: Cadence) -> Period {
    match c {
        Cadence::Days(_) | Cadence::Week | Cadence::Month => Period::Month,
        Cadence::Quarter => Period::Quarter,
        Cadence::HalfYear => Period::HalfYear,
        Cadence::Year => Period::Year,
    }
}

/// The periods of kind `p` meeting `[from, as_of]`, cut to it, the last 24 at most.
fn periods(p: Period, from: NaiveDate, as_of: NaiveDate) -> Vec<(NaiveDate, NaiveDate, String)> {
    let mut out = Vec::new();
    let mut s = p.start_of(from);
    let one_year = from.year() == as_of.year();
    while s <= as_of {
        let next = p.next_start(s);
        if next <= s {
            break;
        }
        let e = add_days(next, -1);
        let label = match p {
            Period::Month if one_year => format!("{}月", s.month()),
            Period::Month => format!("{}-{:02}", s.year() % 100, s.month()),
            Period::Quarter => format!(
                "{}Q{}",
                if one_year {
                    String::new()
                } else {
                    format!("{} ", s.year())
                },
                s.month0() / 3 + 1
            ),
            Period::HalfYear => format!(
                "{}H{}",
                if one_year {
                    String::new()
                } else {
                    format!("{} ", s.year())
                },
                s.month0() / 6 + 1
            ),
            Period::Year | Period::Week => format!("{}", s.year()),
        };
        out.push((s.max(from), e.min(as_of), label));
        s = next;
    }
    let cut = out.len().saturating_sub(24);
    out.drain(..cut);
    out
}

/// An obligation as the same thing from one window to another.
type ObKey<'a> = (&'a str, &'a str, Option<&'a str>, Option<NaiveDate>);

fn key(o: &ObligationRow) -> ObKey<'_> {
    (
        o.duty.as_str(),
        o.subject.as_str(),
        o.holder.as_ref().map(|h| h.as_str()),
        o.start,
    )
}

impl<'l> Data<'l> {
    pub fn gather(
        l: &'l Ledger,
        engine: &Engine<'_>,
        q: &Query,
        opts: &'l PageOptions,
    ) -> Result<Data<'l>, QueryError> {
        let ev = engine.evaluate(&Query {
            metrics: None,
            ..q.clone()
        })?;
        let table_rows = match &q.metrics {
            Some(_) => engine.evaluate(q)?,
            None => ev.clone(),
        };
        // The resolved query of the scope alone.
        let base = Query {
            as_of: Some(ev.as_of),
            from: Some(ev.from),
            scope: Some(ev.scope.clone()),
            by: None,
            metrics: None,
            ..q.clone()
        };
        let tasks = engine.tasks(&base)?;
        let enterprises = engine.enterprises(&base)?;
        let obligations = engine.obligations(&base)?;
        let cadres = engine.cadres(&base)?;

        let mut coverage_by = Vec::new();
        for kind in [UnitKind::Block, UnitKind::Area] {
            let by = engine.evaluate(&Query {
                by: Some(kind),
                metrics: Some(vec!["coverage".into()]),
                ..base.clone()
            })?;
            if by.rows.iter().any(|r| r.scope != by.scope) {
                coverage_by.push((kind, by));
            }
        }

        let heat = heat(
            l,
            engine,
            &base,
            &obligations,
            ev.from,
            ev.as_of,
            opts.list_rows,
        )?;

        // The trend: month ends from (n - 1) months back, then as_of itself. Each point is
        // the year-to-date figure at that date (the window starts on 1 January of its year).
        let headline: Vec<String> = HEADLINE
            .into_iter()
            .chain(l.duties.iter().map(|d| MetricId::duty(d.id.as_str())))
            .filter(|m| ev.row(m, ev.scope.as_str()).is_some())
            .map(|m| m.to_string())
            .collect();
        let mut trend = Vec::new();
        if opts.trend_months > 0 && !headline.is_empty() {
            let tq = Query {
                from: None,
                metrics: Some(headline),
                ..base.clone()
            };
            let start = add_months(ev.as_of, 1 - opts.trend_months as i32);
            let start = start.with_day0(0).unwrap_or(start);
            let mut dates = month_ends(start, ev.as_of);
            if dates.last() != Some(&ev.as_of) {
                dates.push(ev.as_of);
            }
            let cut = dates.len().saturating_sub(opts.trend_months as usize);
            dates.drain(..cut);
            // The points are independent evaluations: spread them over the cores.
            trend = par_map(&dates, |d| {
                engine.evaluate(&Query {
                    as_of: Some(*d),
                    ..tq.clone()
                })
            })
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?;
        }

        Ok(Data {
            l,
            labels: Labels::new(l),
            opts,
            asked: q.clone(),
            ev,
            table_rows,
            tasks,
            enterprises,
            obligations,
            cadres,
            coverage_by,
            heat,
            trend,
        })
    }

    /// The row of a metric at the page's scope.
    pub fn own<M: ?Sized>(&self, metric: &M) -> Option<&crate::metrics::MetricRow>
    where
        crate::metrics::MetricId: PartialEq<M>,
    {
        self.ev.row(metric, self.ev.scope.as_str())
    }

    /// The scope's name.
    pub fn scope_name(&self) -> &str {
        self.labels.name(self.ev.scope.as_str())
    }
}

/// The heat maps of every duty with obligations in scope: per duty, the totals of each
/// period, and the cells of the `list_rows` obligations with the lowest compliance (only
/// those are keyed and copied: a province has hundreds of thousands of obligations).
fn heat(
    l: &Ledger,
    engine: &Engine<'_>,
    base: &Query,
    obligations: &[ObligationRow],
    from: NaiveDate,
    as_of: NaiveDate,
    list_rows: usize,
) -> Result<Vec<HeatDuty>, QueryError> {
    let duty_ix: HashMap<&str, usize> = l
        .duties
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let mut of_duty: Vec<Vec<&ObligationRow>> = vec![Vec::new(); l.duties.len()];
    for o in obligations {
        if let Some(&i) = duty_ix.get(o.duty.as_str()) {
            of_duty[i].push(o);
        }
    }
    let mut out: Vec<HeatDuty> = Vec::new();
    // The rows shown, by key: (duty's place in `out`, row).
    let mut shown: HashMap<ObKey<'_>, (usize, usize)> = HashMap::default();
    for (i, d) in l.duties.iter().enumerate() {
        let mut obs = std::mem::take(&mut of_duty[i]);
        if obs.is_empty() {
            continue;
        }
        let count = obs.len();
        let lapsed = obs
            .iter()
            .filter(|o| o.longest_lapse.unwrap_or(0) > 0)
            .count();
        let longest = obs.iter().filter_map(|o| o.longest_lapse).max();
        let all = obs
            .iter()
            .fold((0, 0), |a, o| (a.0 + o.complying, a.1 + o.assessed));
        obs.sort_by(|a, b| {
            share(a)
                .unwrap_or(2.0)
                .total_cmp(&share(b).unwrap_or(2.0))
                .then(b.longest_lapse.cmp(&a.longest_lapse))
        });
        obs.truncate(list_rows);
        let periods = periods(column_period(d.cadence), from, as_of);
        let n = periods.len();
        for (r, o) in obs.iter().enumerate() {
            shown.insert(key(o), (out.len(), r));
        }
        out.push(HeatDuty {
            duty: i,
            rows: obs
                .into_iter()
                .map(|o| HeatRow {
                    ob: o.clone(),
                    cells: vec![None; n],
                })
                .collect(),
            total: vec![None; n],
            periods,
            count,
            lapsed,
            longest,
            all,
        });
    }
    // One drill-down per column period serves every duty using that period.
    let mut kinds: Vec<Period> = Vec::new();
    for h in &out {
        let p = column_period(l.duties[h.duty].cadence);
        if !kinds.contains(&p) {
            kinds.push(p);
        }
    }
    let place: HashMap<usize, usize> = out.iter().enumerate().map(|(k, h)| (h.duty, k)).collect();
    for p in kinds {
        let cols = periods(p, from, as_of);
        let drills = par_map(&cols, |(s, e, _)| {
            engine.obligations(&Query {
                as_of: Some(*e),
                from: Some(*s),
                ..base.clone()
            })
        });
        for (col, rows) in drills.into_iter().enumerate() {
            let rows = rows?;
            for o in rows.iter().filter(|o| o.assessed > 0) {
                let Some(&k) = duty_ix.get(o.duty.as_str()).and_then(|i| place.get(i)) else {
                    continue;
                };
                if column_period(l.duties[out[k].duty].cadence) != p {
                    continue;
                }
                let t = out[k].total[col].get_or_insert((0, 0));
                t.0 += o.complying;
                t.1 += o.assessed;
                if let Some(&(k2, r)) = shown.get(&key(o)) {
                    let c = out[k2].rows[r].cells[col].get_or_insert((0, 0));
                    c.0 += o.complying;
                    c.1 += o.assessed;
                }
            }
        }
    }
    Ok(out)
}

/// `f` over `items`, spread over up to four threads (the engine is shared read-only), the
/// results in the order of `items`.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let f = &f;
    let mut parts: Vec<Vec<(usize, R)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                scope.spawn(move || {
                    items
                        .iter()
                        .enumerate()
                        .skip(k)
                        .step_by(threads)
                        .map(|(i, x)| (i, f(x)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            // A panic in a worker is a bug; carry it to the caller as one.
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut out: Vec<(usize, R)> = parts.drain(..).flatten().collect();
    out.sort_unstable_by_key(|p| p.0);
    out.into_iter().map(|p| p.1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn par_map_keeps_the_order() {
        let xs: Vec<u32> = (0..37).collect();
        assert_eq!(
            par_map(&xs, |x| x * 2),
            xs.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        assert!(par_map(&[] as &[u32], |x| *x).is_empty());
    }

    #[test]
    fn month_columns_are_cut_to_the_window() {
        let p = periods(Period::Month, d(2019, 1, 15), d(2019, 3, 10));
        assert_eq!(
            p,
            vec![
                (d(2019, 1, 15), d(2019, 1, 31), "1月".to_string()),
                (d(2019, 2, 1), d(2019, 2, 28), "2月".to_string()),
                (d(2019, 3, 1), d(2019, 3, 10), "3月".to_string()),
            ]
        );
        let q = periods(Period::Quarter, d(2018, 11, 1), d(2019, 7, 31));
        let labels: Vec<&str> = q.iter().map(|x| x.2.as_str()).collect();
        assert_eq!(labels, vec!["2018 Q4", "2019 Q1", "2019 Q2", "2019 Q3"]);
    }

    #[test]
    fn the_road_patrol_heat_map_adds_up_to_the_duty_metric() {
        // Every assessed day of [from, as_of] lies in exactly one month column, so the
        // month totals add up to duty.road_patrol's 4276/4396 at 2019-07-31.
        let l = crate::example();
        let e = Engine::new(&l);
        let q = Query {
            as_of: Some(d(2019, 7, 31)),
            ..Query::default()
        };
        let opts = PageOptions::default();
        let data = Data::gather(&l, &e, &q, &opts).unwrap();
        let h = data
            .heat
            .iter()
            .find(|h| l.duties[h.duty].id.as_str() == "road_patrol")
            .unwrap();
        assert_eq!(h.periods.len(), 7);
        assert_eq!((h.count, h.lapsed, h.longest), (36, 21, Some(4)));
        assert_eq!(h.all, (4276, 4396));
        let (c, a) = h
            .total
            .iter()
            .flatten()
            .fold((0, 0), |acc, x| (acc.0 + x.0, acc.1 + x.1));
        assert_eq!((c, a), (4276, 4396));
        // And per obligation, the months add up to the whole window.
        for r in &h.rows {
            let (c, a) = r
                .cells
                .iter()
                .flatten()
                .fold((0, 0), |acc, x| (acc.0 + x.0, acc.1 + x.1));
            assert_eq!((c, a), (r.ob.complying, r.ob.assessed));
        }
    }

    #[test]
    fn the_trend_ends_at_as_of_with_twelve_points() {
        let l = crate::example();
        let e = Engine::new(&l);
        let q = Query {
            as_of: Some(d(2019, 7, 31)),
            ..Query::default()
        };
        let opts = PageOptions::default();
        let data = Data::gather(&l, &e, &q, &opts).unwrap();
        assert_eq!(data.trend.len(), 12);
        assert_eq!(data.trend[0].as_of, d(2018, 8, 31));
        assert_eq!(data.trend[11].as_of, d(2019, 7, 31));
        let last = data.trend[11].row("tasks.started", "chengxi").unwrap();
        assert_eq!((last.numerator, last.denominator), (Some(25.0), Some(33.0)));
    }
}
