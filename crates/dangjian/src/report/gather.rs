//! Everything the page shows, asked of the engine through its public API.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::labels::Labels;
use super::PageOptions;
use crate::calendar::{add_days, add_months, Period};
use crate::metrics::{
    CadreRow, Engine, EnterpriseRow, Evaluation, Freq, ObligationRow, Query, QueryError, TaskRow,
};
use crate::model::{Cadence, Ledger, UnitKind};

/// Metrics shown as headline figures, per programme, when the ledger has them (duty
/// compliance metrics are added after `villages.liaison_coverage`).
pub(crate) const HEADLINE: [&str; 14] = [
    "tasks.started",
    "tasks.completed",
    "tasks.progress",
    "cadres.young_share",
    "cadres.young_on_tasks",
    "roads.chief_coverage",
    "villages.liaison_coverage",
    "coverage.org",
    "coverage.own_org",
    "coverage.work",
    "orgs.viable",
    "members.no_org_life",
    "committees.two_new",
    "workshops.red",
];

/// The compliance of one duty per subject and calendar period.
pub(crate) struct HeatDuty {
    /// Index of the duty in the ledger.
    pub duty: usize,
    /// Column periods: first and last day assessed (cut to the window), and a label.
    pub periods: Vec<(NaiveDate, NaiveDate, String)>,
    /// Every obligation of the duty over the whole window, with its cells.
    pub rows: Vec<HeatRow>,
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
        (self.ob.assessed > 0).then(|| self.ob.complying as f64 / self.ob.assessed as f64)
    }
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

type ObKey = (String, String, Option<String>, Option<NaiveDate>);

/// Per column period: complying and assessed of each obligation.
type Columns = Vec<HashMap<ObKey, (u64, u64)>>;

fn key(o: &ObligationRow) -> ObKey {
    (
        o.duty.to_string(),
        o.subject.to_string(),
        o.holder.as_ref().map(|h| h.to_string()),
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

        let heat = heat(l, engine, &base, &obligations, ev.from, ev.as_of)?;

        // The trend: month ends from (n - 1) months back, then as_of itself. Each point is
        // the year-to-date figure at that date (the window starts on 1 January of its year).
        let headline: Vec<String> = HEADLINE
            .iter()
            .map(|s| s.to_string())
            .chain(l.duties.iter().map(|d| format!("duty.{}", d.id)))
            .filter(|m| ev.row(m, ev.scope.as_str()).is_some())
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
            if start < ev.as_of {
                trend = engine
                    .trend(&tq, start, ev.as_of, Freq::Month)
                    .unwrap_or_default();
            }
            if trend.last().is_none_or(|t| t.as_of != ev.as_of) {
                trend.push(engine.evaluate(&Query {
                    as_of: Some(ev.as_of),
                    ..tq
                })?);
            }
            let cut = trend.len().saturating_sub(opts.trend_months as usize);
            trend.drain(..cut);
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
    pub fn own(&self, metric: &str) -> Option<&crate::metrics::MetricRow> {
        self.ev.row(metric, self.ev.scope.as_str())
    }

    /// The scope's name.
    pub fn scope_name(&self) -> &str {
        self.labels.name(self.ev.scope.as_str())
    }
}

/// The heat maps of every duty with obligations in scope.
fn heat(
    l: &Ledger,
    engine: &Engine<'_>,
    base: &Query,
    obligations: &[ObligationRow],
    from: NaiveDate,
    as_of: NaiveDate,
) -> Result<Vec<HeatDuty>, QueryError> {
    // One drill-down per column period serves every duty using that period.
    let mut by_period: HashMap<Period, Columns> = HashMap::new();
    for d in &l.duties {
        let p = column_period(d.cadence);
        if by_period.contains_key(&p) || !obligations.iter().any(|o| o.duty == d.id) {
            continue;
        }
        let mut cols = Vec::new();
        for (s, e, _) in periods(p, from, as_of) {
            let rows = engine.obligations(&Query {
                as_of: Some(e),
                from: Some(s),
                ..base.clone()
            })?;
            let mut m: HashMap<ObKey, (u64, u64)> = HashMap::with_capacity(rows.len());
            for o in rows.iter().filter(|o| o.assessed > 0) {
                let c = m.entry(key(o)).or_default();
                c.0 += o.complying;
                c.1 += o.assessed;
            }
            cols.push(m);
        }
        by_period.insert(p, cols);
    }
    let mut out = Vec::new();
    for (i, d) in l.duties.iter().enumerate() {
        let p = column_period(d.cadence);
        let Some(cols) = by_period.get(&p) else {
            continue;
        };
        let mut total: Vec<Option<(u64, u64)>> = vec![None; cols.len()];
        let rows: Vec<HeatRow> = obligations
            .iter()
            .filter(|o| o.duty == d.id)
            .map(|o| {
                let k = key(o);
                let cells: Vec<Option<(u64, u64)>> =
                    cols.iter().map(|m| m.get(&k).copied()).collect();
                for (t, c) in total.iter_mut().zip(&cells) {
                    if let Some((a, b)) = c {
                        let t = t.get_or_insert((0, 0));
                        t.0 += a;
                        t.1 += b;
                    }
                }
                HeatRow {
                    ob: o.clone(),
                    cells,
                }
            })
            .collect();
        out.push(HeatDuty {
            duty: i,
            periods: periods(p, from, as_of),
            rows,
            total,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
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
