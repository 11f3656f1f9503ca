//! The dashboard: the three programmes with their headline figures against targets, and
//! what is late or missing, by name.

use std::collections::HashMap;
use std::fmt::Write;

use dangjian::metrics::{
    catalogue_for, Engine, Evaluation, LedgerMetric, MetricId, MetricKind, MetricRow, PerLedger,
    Query, TaskStatus,
};
use dangjian::model::{Programme, Vocabulary};
use dangjian::rows::{Cell, Column, ColumnType, Row};
use dangjian::Ledger;

use crate::render::{pad, truncate, width};

/// Id -> display name for units, orgs, people, initiatives.
pub fn names(l: &Ledger) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for u in &l.units {
        m.insert(u.id.to_string(), u.name.clone());
    }
    for o in &l.orgs {
        m.insert(o.id.to_string(), o.name.clone());
    }
    for p in &l.people {
        m.insert(p.id.to_string(), p.name.clone());
    }
    for i in &l.initiatives {
        m.insert(i.id.to_string(), i.title.clone());
    }
    m
}

/// Metric id -> its catalogue entry.
pub fn defs(l: &Ledger) -> HashMap<String, LedgerMetric> {
    catalogue_for(l)
        .into_iter()
        .map(|d| (d.id.clone(), d))
        .collect()
}

/// A number for people: percentages for ratios, whole numbers for counts.
pub fn figure(kind: MetricKind, v: Option<f64>) -> String {
    match (kind, v) {
        (_, None) => "n/a".into(),
        (MetricKind::Ratio, Some(v)) => format!("{:.1}%", v * 100.0),
        (MetricKind::Count, Some(v)) => format!("{v:.0}"),
        (MetricKind::Days, Some(v)) => format!("{v:.0} 天 days"),
        (MetricKind::Periods, Some(v)) => format!("{v:.0} 期 periods"),
        (_, Some(v)) if v.abs() >= 1000.0 => group_thousands(v),
        (_, Some(v)) => format!("{}", (v * 100.0).round() / 100.0),
    }
}

fn group_thousands(v: f64) -> String {
    let s = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 {
        out.insert(0, '-');
    }
    out
}

fn n(v: Option<f64>) -> String {
    v.map(|x| {
        if x.fract() == 0.0 {
            format!("{x:.0}")
        } else {
            format!("{x:.2}")
        }
    })
    .unwrap_or_default()
}

/// Renders the text dashboard.
pub fn text(
    l: &Ledger,
    engine: &Engine<'_>,
    q: &Query,
    ev: &Evaluation,
) -> Result<String, dangjian::metrics::QueryError> {
    let names = names(l);
    let defs = defs(l);
    let name_of = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let mut out = String::new();
    let scope_name = name_of(ev.scope.as_str());
    let _ = writeln!(
        out,
        "党建 dangjian · {scope_name} ({}) · 评估日 as of {} · 窗口 window {} .. {}",
        ev.scope, ev.as_of, ev.from, ev.as_of
    );
    let own: Vec<&MetricRow> = ev.rows.iter().filter(|r| r.scope == ev.scope).collect();
    let q_scope = Query {
        scope: Some(ev.scope.clone()),
        as_of: Some(ev.as_of),
        from: Some(ev.from),
        by: None,
        ..q.clone()
    };
    let tasks = engine.tasks(&q_scope)?;
    let obligations = engine.obligations(&q_scope)?;
    let enterprises = engine.enterprises(&q_scope)?;

    for p in Programme::ALL {
        let _ = writeln!(out, "\n{} {}", p.zh(), titlecase(p.en()));
        let _ = writeln!(out, "{}", "─".repeat(64));
        for r in &own {
            let Some(d) = defs
                .get(&r.metric.to_string())
                .filter(|d| d.programme == *p)
            else {
                continue;
            };
            let kind = &d.kind;
            let label = match &d.per_ledger {
                Some((PerLedger::DutyLapse, duty)) => format!("最长脱节 longest lapse: {duty}"),
                Some((PerLedger::Duty, duty)) => format!("履职率 compliance: {duty}"),
                // The achievement goes on the line of the metric it is on.
                Some((PerLedger::Target, _)) => continue,
                _ => format!("{} {}", d.zh, short_en(&d.en)),
            };
            let mut line = format!(
                "  {}  {:>14}",
                pad(&truncate(&label, 44), 44),
                figure(*kind, r.value)
            );
            if *kind == MetricKind::Ratio {
                let _ = write!(line, "  {}/{}", n(r.numerator), n(r.denominator));
            }
            if let (Some(t), Some(due)) = (r.target, r.due) {
                let ach = own
                    .iter()
                    .find(|x| x.metric == r.metric.target())
                    .and_then(|x| x.value);
                let _ = write!(line, "  目标 target {} by {due}", figure(*kind, Some(t)));
                if let Some(a) = ach {
                    let _ = write!(line, " (达成 achieved {:.1}%)", a * 100.0);
                }
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
        match p {
            Programme::Growth => {
                list(
                    &mut out,
                    "逾期 Overdue key tasks",
                    "tasks",
                    tasks.iter().filter(|t| t.status == TaskStatus::Overdue),
                    |t| {
                        format!(
                            "{} — {:.0}% done, deadline {}",
                            t.title,
                            t.actual * 100.0,
                            t.deadline
                        )
                    },
                );
                list(
                    &mut out,
                    "风险 At-risk key tasks",
                    "tasks",
                    tasks.iter().filter(|t| t.status == TaskStatus::AtRisk),
                    |t| {
                        let forecast = match t.forecast {
                            _ if t.forecast_never => ", forecast never".to_string(),
                            None => String::new(),
                            Some(d) => format!(", forecast {d}"),
                        };
                        format!(
                            "{} — {:.0}% done vs {:.0}% expected, deadline {}{forecast}",
                            t.title,
                            t.actual * 100.0,
                            t.expected * 100.0,
                            t.deadline
                        )
                    },
                );
            }
            Programme::Leading => {
                for duty in &l.duties {
                    let mine: Vec<_> = obligations.iter().filter(|o| o.duty == duty.id).collect();
                    let mut lapsed: Vec<_> = mine
                        .iter()
                        .copied()
                        .filter(|o| o.longest_lapse.unwrap_or(0) > 0)
                        .collect();
                    if lapsed.is_empty() {
                        continue;
                    }
                    lapsed.sort_by_key(|o| std::cmp::Reverse(o.longest_lapse));
                    let unit = match duty.cadence {
                        dangjian::model::Cadence::Days(_) => "days",
                        _ => "periods",
                    };
                    let zh = duty.activity.zh().unwrap_or("");
                    let title = format!(
                        "失职 Lapses in {} ({zh} {} every {}): {} of {} obligations, longest first",
                        duty.id,
                        duty.activity,
                        duty.cadence,
                        lapsed.len(),
                        mine.len()
                    );
                    list_top(&mut out, &title, lapsed.into_iter(), 3, "duties", |o| {
                        let holder = match &o.holder {
                            None => String::new(),
                            Some(h) => format!(" by {}", name_of(h.as_str())),
                        };
                        let last = o
                            .last_activity
                            .map_or_else(|| "never".to_string(), |d| d.to_string());
                        format!(
                            "{}{holder} — longest lapse {} {unit}, {}/{} complying, last {last}",
                            name_of(o.subject.as_str()),
                            o.longest_lapse.unwrap_or(0),
                            o.complying,
                            o.assessed
                        )
                    });
                }
            }
            Programme::Coverage => {
                list(
                    &mut out,
                    "未建组织 Enterprises without a party organisation",
                    "coverage",
                    enterprises.iter().filter(|e| !e.org_covered),
                    |e| {
                        let work = if e.work_covered {
                            " (instructor assigned)"
                        } else {
                            " (no instructor either)"
                        };
                        format!("{}{work}", name_of(e.id.as_str()))
                    },
                );
            }
        }
    }
    if let Some(by) = ev.by {
        breakdown(&mut out, ev, &defs, &name_of, by.zh(), by.en());
    }
    Ok(out)
}

fn breakdown(
    out: &mut String,
    ev: &Evaluation,
    defs: &HashMap<String, LedgerMetric>,
    name_of: &dyn Fn(&str) -> String,
    zh: &str,
    en: &str,
) {
    // The page's breakdown columns but the share started, which a terminal has no room for.
    let wanted: Vec<MetricId> = dangjian::report::BREAKDOWN
        .into_iter()
        .filter(|m| *m != dangjian::metrics::tasks::STARTED)
        .collect();
    let mut scopes: Vec<&str> = Vec::new();
    for r in &ev.rows {
        if !scopes.contains(&r.scope.as_str()) {
            scopes.push(r.scope.as_str());
        }
    }
    let cols: Vec<&MetricId> = wanted
        .iter()
        .filter(|m| {
            ev.rows.iter().any(|r| {
                r.metric == **m && r.scope != ev.scope && r.value.is_some() && r.value != Some(0.0)
                    || r.metric == **m && r.scope != ev.scope && r.denominator.unwrap_or(0.0) > 0.0
            })
        })
        .collect();
    let _ = writeln!(out, "\n分解 Breakdown by {zh} {en}");
    let _ = writeln!(out, "{}", "─".repeat(64));
    let header: Vec<String> = std::iter::once("单位 unit".to_string())
        .chain(cols.iter().map(|c| c.to_string()))
        .collect();
    let mut table: Vec<Vec<String>> = vec![header];
    for sc in scopes {
        let mut row = vec![name_of(sc)];
        for c in &cols {
            let r = ev
                .rows
                .iter()
                .find(|r| r.scope.as_str() == sc && r.metric == **c);
            let kind = defs
                .get(&c.to_string())
                .map_or(MetricKind::Value, |d| d.kind);
            row.push(r.map(|r| figure(kind, r.value)).unwrap_or_default());
        }
        table.push(row);
    }
    let widths: Vec<usize> = (0..table[0].len())
        .map(|i| table.iter().map(|r| width(&r[i])).max().unwrap_or(0))
        .collect();
    for r in table {
        let line: Vec<String> = r.iter().zip(&widths).map(|(c, w)| pad(c, *w)).collect();
        let _ = writeln!(out, "  {}", line.join("  ").trim_end());
    }
}

/// A titled list of the first items; `see` is the drill-down command that lists them all.
fn list<'a, T: 'a>(
    out: &mut String,
    title: &str,
    see: &str,
    items: impl Iterator<Item = &'a T>,
    line: impl Fn(&T) -> String,
) {
    let items: Vec<_> = items.collect();
    if items.is_empty() {
        return;
    }
    list_top(
        out,
        &format!("{title} ({})", items.len()),
        items.into_iter(),
        12,
        see,
        line,
    );
}

fn list_top<'a, T: 'a>(
    out: &mut String,
    title: &str,
    items: impl Iterator<Item = &'a T>,
    max: usize,
    see: &str,
    line: impl Fn(&T) -> String,
) {
    let items: Vec<_> = items.collect();
    let _ = writeln!(out, "  {title}:");
    for it in items.iter().take(max) {
        let _ = writeln!(out, "    · {}", line(it));
    }
    if items.len() > max {
        let _ = writeln!(
            out,
            "    … and {} more (see `dangjian {see}`)",
            items.len() - max
        );
    }
}

fn titlecase(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The English name without a trailing parenthesis (keeps lines short).
fn short_en(en: &str) -> &str {
    en.split(" (").next().unwrap_or(en)
}

/// A metric row with the metric's 中文 and English names: the csv and md report.
pub struct NamedRow<'a> {
    row: &'a MetricRow,
    zh: &'a str,
    en: &'a str,
}

impl Row for NamedRow<'_> {
    fn columns() -> Vec<Column> {
        let mut columns = MetricRow::columns();
        columns.push(Column {
            name: "zh",
            ty: ColumnType::Text,
        });
        columns.push(Column {
            name: "en",
            ty: ColumnType::Text,
        });
        columns
    }

    fn cells(&self) -> Vec<Cell<'_>> {
        let mut cells = self.row.cells();
        cells.push(Cell::Text(self.zh.into()));
        cells.push(Cell::Text(self.en.into()));
        cells
    }
}

/// The rows of an evaluation with their metrics' names (empty for a metric not listed).
pub fn named_rows<'a>(
    defs: &'a HashMap<String, LedgerMetric>,
    ev: &'a Evaluation,
) -> Vec<NamedRow<'a>> {
    ev.rows
        .iter()
        .map(|row| {
            let d = defs.get(&row.metric.to_string());
            NamedRow {
                row,
                zh: d.map_or("", |d| d.zh.as_str()),
                en: d.map_or("", |d| d.en.as_str()),
            }
        })
        .collect()
}
