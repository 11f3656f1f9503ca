//! The HTML writer: the page, and the pieces of it notebooks show.

use std::collections::HashMap;
use std::fmt::{self, Display, Write};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

pub use super::fmt::escape;
pub(crate) use super::fmt::Esc;
use super::fmt::{figure, fraction, number, pct, row_text};
use super::gather::{Data, HeatDuty, HeatRow, HEADLINE};
use super::labels::{
    activity, count_en, duty_cadence, duty_what, lapse_unit, owed_by, plural, Labels,
};
use super::svg::{sparkline, Spark};
use super::PageOptions;
use crate::metrics::{
    cadres, coverage, leading, orgs, tasks, Engine, Evaluation, MetricId, MetricKind, MetricRow,
    Query, QueryError, TaskStatus,
};
use crate::model::{Ledger, Programme, Vocabulary};

const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("sort.js");

/// 中文 first, English alongside (both escaped).
struct Bi<'a>(&'a str, &'a str);

impl Display for Bi<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            r#"{} <span class="en" lang="en">{}</span>"#,
            Esc(self.0),
            Esc(self.1)
        )
    }
}

macro_rules! w {
    ($o:expr, $($t:tt)*) => {{
        let _ = write!($o, $($t)*);
    }};
}

/// Standard base64 (for the script's hash in the Content-Security-Policy).
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for (k, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if k <= c.len() {
                out.push(A[(n >> shift) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Nothing may be fetched; the one inline script runs by its hash.
fn csp() -> String {
    let hash = base64(&Sha256::digest(JS.as_bytes()));
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'"
    )
}

// ---------------------------------------------------------------------------------------
// Small pieces

/// A count with thousands grouped (`13,862`).
fn int(n: usize) -> String {
    number(n as f64, 0)
}

/// The symbol, class and order of a task status (shape and text, not only colour).
fn status_sym(s: TaskStatus) -> (&'static str, usize) {
    match s {
        TaskStatus::Overdue => ("■", 0),
        TaskStatus::AtRisk => ("▲", 1),
        TaskStatus::NotStarted => ("○", 2),
        TaskStatus::OnTrack => ("●", 3),
        TaskStatus::Done => ("✓", 4),
    }
}

fn status_cell(o: &mut String, s: TaskStatus) {
    let (sym, order) = status_sym(s);
    w!(
        o,
        r#"<td class="st s-{}" data-v="{order}">{sym} {} <span class="en">{}</span></td>"#,
        s.id(),
        s.zh(),
        s.en()
    );
}

fn yes_no(o: &mut String, b: bool) {
    o.push_str(if b {
        r#"<td class="yes" data-v="1">✓ 是 yes</td>"#
    } else {
        r#"<td class="no" data-v="0">✗ 否 no</td>"#
    });
}

fn date_cell(o: &mut String, d: Option<NaiveDate>) {
    match d {
        Some(d) => w!(o, r#"<td class="d">{d}</td>"#),
        None => o.push_str("<td></td>"),
    }
}

/// A bar of `share` (0 to 1) with an optional marker.
fn bar(o: &mut String, class: &str, share: f64, marker: Option<f64>, title: &str) {
    let share = if share.is_finite() {
        share.clamp(0.0, 1.0)
    } else {
        0.0
    };
    w!(
        o,
        r#"<span class="bar{}" title="{}"><i style="width:{:.1}%"></i>"#,
        if class.is_empty() {
            String::new()
        } else {
            format!(" {class}")
        },
        Esc(title),
        share * 100.0
    );
    if let Some(m) = marker.filter(|m| m.is_finite()) {
        w!(
            o,
            r#"<b style="left:{:.1}%"></b>"#,
            m.clamp(0.0, 1.0) * 100.0
        );
    }
    o.push_str("</span>");
}

/// A ratio cell: `92% (46/50)` over a small bar drawn by its background (no extra
/// element: long tables stay light); sorts by the value.
fn ratio_cell(o: &mut String, r: Option<&MetricRow>) {
    match r {
        Some(r) => {
            w!(
                o,
                r#"<td class="n r" data-v="{}" style="--f:{:.3}">{}</td>"#,
                r.value.map(|v| v.to_string()).unwrap_or_default(),
                r.value.unwrap_or(0.0).clamp(0.0, 1.0),
                Esc(&row_text(r))
            );
        }
        None => o.push_str("<td></td>"),
    }
}

fn value_cell(o: &mut String, r: &MetricRow) {
    w!(
        o,
        r#"<td class="n" data-v="{}">{}</td>"#,
        r.value.map(|v| v.to_string()).unwrap_or_default(),
        Esc(&row_text(r))
    );
}

/// `target 100% by 2019-12-31` for a row with a target.
fn target_text(r: &MetricRow) -> Option<String> {
    let t = r.target?;
    let due = r.due.map(|d| format!(" · {d}")).unwrap_or_default();
    Some(format!("{}{due}", figure(r.kind, Some(t))))
}

/// The programme a metric reports on.
fn programme_of(id: &MetricId) -> Option<Programme> {
    if id.is_target() {
        return None;
    }
    id.def().map(|m| m.programme)
}

/// Where a headline figure's drill-down is.
fn drill_of(id: &MetricId) -> &'static str {
    // The family of a catalogue metric is the part of its id before the dot.
    match id.to_string().split('.').next().unwrap_or("") {
        "tasks" => "#t-tasks",
        "cadres" => "#t-cadres",
        "duty" => "#t-duties",
        "coverage" => "#t-enterprises",
        _ => "#t-metrics",
    }
}

fn programme_note(p: Programme) -> (&'static str, &'static str) {
    match p {
        Programme::Growth => (
            "攻坚党小组推进重难点工作，年轻干部在攻坚中成长",
            "tackling groups push the key tasks; young cadres grow by doing them",
        ),
        Programme::Leading => (
            "路长巡查主干道，村村共建“一线一圈”",
            "road chiefs patrol the main roads; villages co-build the red line and circle",
        ),
        Programme::Coverage => (
            "规上企业党组织全覆盖，红色车间每月指导",
            "a party organisation in every above-scale enterprise; red workshops visited monthly",
        ),
    }
}

/// How a metric's value reads on a bar: its share of the scale, and the target's.
fn scale(r: &MetricRow) -> Option<(f64, Option<f64>)> {
    let v = r.value.unwrap_or(0.0);
    match r.kind {
        MetricKind::Ratio => Some((v, r.target)),
        MetricKind::Count | MetricKind::Value => {
            let t = r.target?;
            let top = t.max(v);
            (top > 0.0).then(|| (v / top, Some(t / top)))
        }
        _ => None,
    }
}

/// One headline figure: names, value, bar with the target marked, target line.
fn headline(
    o: &mut String,
    labels: &Labels<'_>,
    ev: &Evaluation,
    r: &MetricRow,
    link: bool,
    short: Option<(&str, &str)>,
) {
    let named = labels.metric_of(&r.metric);
    let (zh, en) = short.unwrap_or((&named.0, &named.1));
    let id = r.metric.to_string();
    if link {
        w!(
            o,
            r#"<a class="fig" href="{}" data-metric="{}">"#,
            drill_of(&r.metric),
            Esc(&id)
        );
    } else {
        w!(o, r#"<div class="fig" data-metric="{}">"#, Esc(&id));
    }
    w!(
        o,
        r#"<span class="fl"><span>{}</span><span class="fv"><b>{}</b>"#,
        Bi(zh, en),
        Esc(&figure(r.kind, r.value))
    );
    if let Some(f) = fraction(r) {
        w!(o, " <small>({})</small>", Esc(&f));
    }
    o.push_str("</span></span>");
    let lower = r
        .metric
        .def()
        .filter(|_| !r.metric.is_target())
        .is_some_and(|m| m.direction == crate::metrics::Direction::Lower);
    if let Some((share, marker)) = scale(r) {
        let title = match r.target {
            Some(t) => format!("目标 target {}", figure(r.kind, Some(t))),
            None => String::new(),
        };
        bar(o, if lower { "inv" } else { "" }, share, marker, &title);
    }
    let mut foot: Vec<String> = Vec::new();
    if let Some(t) = target_text(r) {
        let ach = ev
            .row(&r.metric.target(), r.scope.as_str())
            .and_then(|a| a.value)
            .map(|a| format!(" · 达成 <span class=\"en\">achieved</span> {}", pct(a)))
            .unwrap_or_default();
        foot.push(format!(
            "目标 <span class=\"en\">target</span> {}{ach}",
            Esc(&t)
        ));
    }
    if lower {
        foot.push("越低越好 <span class=\"en\">lower is better</span>".into());
    }
    if !foot.is_empty() {
        w!(o, r#"<span class="ft">{}</span>"#, foot.join(" · "));
    }
    o.push_str(if link { "</a>" } else { "</div>" });
}

/// The metrics shown per programme: the headline list, duty compliance, and any other
/// metric with a target at the scope.
fn programme_rows(ev: &Evaluation, p: Programme) -> Vec<&MetricRow> {
    let own = |m: &MetricId| ev.row(m, ev.scope.as_str());
    let mut ids: Vec<MetricId> = Vec::new();
    for m in HEADLINE {
        let after_villages = m == crate::metrics::leading::LIAISON_COVERAGE;
        ids.push(m);
        if after_villages {
            for r in ev.rows.iter().filter(|r| r.scope == ev.scope) {
                if r.metric.is_duty() {
                    ids.push(r.metric.clone());
                }
            }
        }
    }
    for r in ev
        .rows
        .iter()
        .filter(|r| r.scope == ev.scope && r.target.is_some())
    {
        if !ids.contains(&r.metric) {
            ids.push(r.metric.clone());
        }
    }
    ids.iter()
        .filter(|m| programme_of(m) == Some(p))
        .filter_map(own)
        .collect()
}

fn programmes(o: &mut String, l: &Ledger, labels: &Labels<'_>, ev: &Evaluation, link: bool) {
    // Under "duty compliance", a duty is named by what it asks and how often.
    let duties: Vec<(String, String, String)> = l
        .duties
        .iter()
        .map(|d| {
            let (wzh, wen) = duty_what(d);
            let (czh, cen) = duty_cadence(d);
            (
                d.id.to_string(),
                format!("{wzh}（{czh}）"),
                format!("{wen} ({cen})"),
            )
        })
        .collect();
    o.push_str(r#"<div class="progs">"#);
    for p in Programme::ALL {
        let (nzh, nen) = programme_note(*p);
        w!(
            o,
            r#"<div class="prog" id="p-{}"><h3>{}</h3><p class="note">{} · <span lang="en">{}</span></p>"#,
            p.id(),
            Bi(p.zh(), p.en()),
            Esc(nzh),
            Esc(nen)
        );
        let rows = programme_rows(ev, *p);
        let duty = |r: &MetricRow| r.metric.is_duty();
        for r in rows.iter().filter(|r| !duty(r)) {
            headline(o, labels, ev, r, link, None);
        }
        if rows.iter().any(|r| duty(r)) {
            o.push_str(r#"<p class="sub">职责履行率 <span class="en" lang="en">duty compliance</span></p>"#);
        }
        for r in rows.iter().filter(|r| duty(r)) {
            let short = duties
                .iter()
                .find(|(id, ..)| r.metric == MetricId::duty(id));
            headline(
                o,
                labels,
                ev,
                r,
                link,
                short.map(|(_, zh, en)| (zh.as_str(), en.as_str())),
            );
        }
        o.push_str("</div>");
    }
    o.push_str("</div>");
}

/// The command and the Python call exporting a drill-down whole.
fn export_hint(d: &Data<'_>, cmd: &str, py: &str) -> String {
    let mut c = format!("dangjian {cmd}");
    if let Some(p) = &d.opts.data {
        let quoted = if p.contains([' ', '\'', '"']) {
            format!("'{}'", p.replace('\'', r"'\''"))
        } else {
            p.clone()
        };
        c.push_str(&format!(" --data {quoted}"));
    }
    c.push_str(&format!(" --as-of {}", d.ev.as_of));
    let mut args = format!("as_of=\"{}\"", d.ev.as_of);
    if cmd == "tasks" || cmd == "duties" {
        c.push_str(&format!(" --from {}", d.ev.from));
        args.push_str(&format!(", from_=\"{}\"", d.ev.from));
    }
    if d.asked.scope.is_some() {
        c.push_str(&format!(" --scope {}", d.ev.scope));
        args.push_str(&format!(", scope=\"{}\"", d.ev.scope));
    }
    c.push_str(&format!(" --format csv > {cmd}.csv"));
    format!(
        "导出全部 <span class=\"en\">export every row</span>: <code>{}</code> · Python: <code>ds.{py}({}).to_pandas()</code>",
        Esc(&c),
        Esc(&args)
    )
}

/// "showing the first n of m" under a cut table.
fn cut_note(o: &mut String, shown: usize, total: usize, hint: &str) {
    if shown < total {
        let (shown, total) = (int(shown), int(total));
        w!(
            o,
            r#"<p class="more">只列出 {shown} 行，共 {total} 行（最需关注的在前） · <span lang="en">showing {shown} of {total} rows, those needing attention first.</span> {hint}</p>"#
        );
    } else if !hint.is_empty() {
        w!(o, r#"<p class="more">{hint}</p>"#);
    }
}

fn th(o: &mut String, zh: &str, en: &str, num: bool) {
    w!(
        o,
        r#"<th{} scope="col">{}</th>"#,
        if num { r#" class="n""# } else { "" },
        Bi(zh, en)
    );
}

// ---------------------------------------------------------------------------------------
// The page

/// The dashboard page of query `q`: one self-contained HTML document (see the [module
/// docs](super)). `q.metrics`, when given, only filters the all-metrics table; the trend
/// evaluates each month end with its own year's window.
///
/// # Errors
/// The query's errors ([`QueryError`]): an unknown scope, `from` after `as_of`, no date to
/// default to, an unknown metric filter.
pub fn page(
    ledger: &Ledger,
    engine: &Engine<'_>,
    q: &Query,
    opts: &PageOptions,
) -> Result<String, QueryError> {
    let d = Data::gather(ledger, engine, q, opts)?;
    let mut o = String::with_capacity(64 * 1024);
    let scope = d.scope_name().to_string();
    w!(
        o,
        r#"<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{}">
<meta name="generator" content="dangjian {}">
<title>{} 党建看板 · dangjian dashboard · {}</title>
<link rel="icon" href="data:,">
<style>{CSS}</style></head>
<body class="dj">
"#,
        csp(),
        env!("CARGO_PKG_VERSION"),
        Esc(&scope),
        d.ev.as_of
    );
    let by =
        d.ev.by
            .map(|k| {
                format!(
                    " · 按{}分解 <span class=\"en\">by {}</span>",
                    Esc(k.zh()),
                    Esc(k.en())
                )
            })
            .unwrap_or_default();
    w!(
        o,
        r#"<header class="top"><div class="in"><h1>{} 党建引领发展看板 <span class="en" lang="en">party-building dashboard</span></h1><p>红色三部曲 <span class="en">the red trilogy</span> · 评估日 <span class="en">as of</span> <b>{}</b> · 统计窗口 <span class="en">window</span> {} – {} · 范围 <span class="en">scope</span> {} <span class="en">({})</span>{by}</p></div></header>
"#,
        Esc(&scope),
        d.ev.as_of,
        d.ev.from,
        d.ev.as_of,
        Esc(&scope),
        Esc(d.ev.scope.as_str())
    );
    o.push_str(r##"<nav aria-label="目录 contents"><div class="in"><a href="#programmes">三个行动</a><a href="#attention">要点</a><a href="#tasks">重难点工作</a><a href="#coverage">覆盖</a><a href="#duties">职责履行</a><a href="#cadres">年轻干部</a><a href="#trend">趋势</a>"##);
    if d.ev.by.is_some() {
        o.push_str(r##"<a href="#breakdown">分解</a>"##);
    }
    o.push_str(
        r##"<a href="#tables">明细 <span class="en">tables</span></a></div></nav>
<main>
"##,
    );
    o.push_str(r#"<section id="programmes"><h2>三个行动 <span class="en" lang="en">The three programmes</span></h2>"#);
    programmes(&mut o, d.l, &d.labels, &d.ev, true);
    o.push_str(r#"<p class="note">每项指标可点击，跳到下方的明细表 · <span lang="en">every figure links to its table below.</span> 竖线为目标 · <span lang="en">the vertical mark is the target.</span></p></section>
"#);
    attention(&mut o, &d);
    tasks_section(&mut o, &d);
    coverage_section(&mut o, &d);
    duties_section(&mut o, &d);
    cadres_section(&mut o, &d);
    trend_section(&mut o, &d);
    breakdown_section(&mut o, &d);
    tables(&mut o, &d);
    w!(
        o,
        r#"</main>
<footer>由 dangjian {} 依据台账生成，指标定义见 METRICS.md；本页不联网，表格可点击表头排序（无脚本时亦可完整阅读） · <span lang="en">generated by dangjian from the ledger; definitions per METRICS.md. The page makes no network request; tables sort by a click on a header and read fully without scripts.</span></footer>
<script>{JS}</script>
</body></html>
"#,
        env!("CARGO_PKG_VERSION")
    );
    Ok(o)
}

/// The coverage metrics that "what needs attention" names when short of full, with the
/// section each links to (checked against the catalogue by a test).
pub(crate) const ATTENTION_COVERAGE: [(MetricId, &str); 4] = [
    (coverage::WORK, "coverage"),
    (coverage::LIAISON, "coverage"),
    (leading::CHIEF_COVERAGE, "t-metrics"),
    (leading::LIAISON_COVERAGE, "t-metrics"),
];

fn attention(o: &mut String, d: &Data<'_>) {
    o.push_str(r#"<section id="attention"><h2>要点 <span class="en" lang="en">What needs attention</span></h2><ul class="alerts">"#);
    let mut any = false;
    let names = |rows: &[&crate::metrics::TaskRow]| {
        let mut s: Vec<String> = rows
            .iter()
            .take(3)
            .map(|t| Esc(&t.title).to_string())
            .collect();
        if rows.len() > 3 {
            s.push("…".into());
        }
        s.join("、")
    };
    for (st, zh, en) in [
        (TaskStatus::Overdue, "重难点工作逾期", "overdue"),
        (TaskStatus::AtRisk, "重难点工作有滞后风险", "at risk"),
    ] {
        let rows: Vec<&crate::metrics::TaskRow> =
            d.tasks.iter().filter(|t| t.status == st).collect();
        if rows.is_empty() {
            continue;
        }
        any = true;
        let (sym, _) = status_sym(st);
        w!(
            o,
            r##"<li><span class="sym s-{}" aria-hidden="true">{sym}</span> <a href="#tasks">{zh} <b>{}</b> 项</a> <span class="en" lang="en">{} key task{} {en}</span>：{}</li>"##,
            st.id(),
            int(rows.len()),
            int(rows.len()),
            if rows.len() == 1 { "" } else { "s" },
            names(&rows)
        );
    }
    let without: Vec<_> = d.enterprises.iter().filter(|e| !e.org_covered).collect();
    if !without.is_empty() {
        any = true;
        let bare = int(without.iter().filter(|e| !e.work_covered).count());
        w!(
            o,
            r##"<li><span class="sym s-overdue" aria-hidden="true">■</span> <a href="#coverage">规上企业未建党组织 <b>{}</b> 家</a>（其中 {bare} 家也无党建指导员） <span class="en" lang="en">{} above-scale enterprise{} without a party organisation ({bare} without an instructor either)</span></li>"##,
            int(without.len()),
            int(without.len()),
            if without.len() == 1 { "" } else { "s" }
        );
    }
    // Duties owed by the same kind of thing (a branch's 三会一课) share one line.
    let mut groups: Vec<(String, Vec<&HeatDuty>)> = Vec::new();
    for h in &d.heat {
        let key = d.l.duties[h.duty].applies_to.to_string();
        match groups.iter_mut().find(|g| g.0 == key) {
            Some(g) => g.1.push(h),
            None => groups.push((key, vec![h])),
        }
    }
    for (_, hs) in &groups {
        let hs: Vec<&HeatDuty> = hs.iter().copied().filter(|h| h.lapsed > 0).collect();
        let Some(first) = hs.first() else { continue };
        any = true;
        let first_duty = &d.l.duties[first.duty];
        if hs.len() == 1 {
            let lapsed = int(first.lapsed);
            let longest = first.longest.unwrap_or(0);
            let (wzh, wen) = duty_what(first_duty);
            let (uzh, uen) = lapse_unit(first_duty.cadence);
            w!(
                o,
                r##"<li><span class="sym s-at_risk" aria-hidden="true">▲</span> <a href="#heat-{}">{}：{} 项中 <b>{lapsed}</b> 项有脱节</a>，最长 {longest} {} <span class="en" lang="en">{}: {lapsed} of {} lapsed, the longest for {}</span></li>"##,
                Esc(first_duty.id.as_str()),
                Esc(&wzh),
                int(first.count),
                uzh,
                Esc(&wen),
                int(first.count),
                count_en(longest, uen)
            );
        } else {
            let (who_zh, who_en) = owed_by(&first_duty.applies_to);
            let mut zh = Vec::new();
            let mut en = Vec::new();
            for h in &hs {
                let (azh, aen) = activity(&d.l.duties[h.duty].activity);
                zh.push(format!(
                    "{} <b>{}</b>/{}",
                    Esc(&azh),
                    int(h.lapsed),
                    int(h.count)
                ));
                en.push(format!(
                    "{} {} of {}",
                    Esc(&aen),
                    int(h.lapsed),
                    int(h.count)
                ));
            }
            w!(
                o,
                r##"<li><span class="sym s-at_risk" aria-hidden="true">▲</span> <a href="#heat-{}">{}有脱节：{}</a> <span class="en" lang="en">{} with lapses: {}</span></li>"##,
                Esc(first_duty.id.as_str()),
                Esc(&who_zh),
                zh.join("、"),
                Esc(&plural(&who_en)),
                en.join(", ")
            );
        }
    }
    let counted = |m: &MetricId| {
        d.own(m)
            .and_then(|r| r.numerator.or(r.value))
            .unwrap_or(0.0)
    };
    let overdue = counted(&orgs::RENEWAL_OVERDUE);
    if overdue > 0.0 {
        any = true;
        w!(
            o,
            r##"<li><span class="sym s-at_risk" aria-hidden="true">▲</span> <a href="#t-metrics">党组织换届逾期 <b>{}</b> 个</a> <span class="en" lang="en">{} organisations overdue for renewal (换届)</span></li>"##,
            number(overdue, 0),
            number(overdue, 0)
        );
    }
    let no_life = counted(&orgs::NO_ORG_LIFE);
    if no_life > 0.0 {
        any = true;
        w!(
            o,
            r##"<li><span class="sym s-at_risk" aria-hidden="true">▲</span> <a href="#t-metrics">半年未过组织生活党员 <b>{}</b> 名</a> <span class="en" lang="en">{} members without organisation life for six months</span></li>"##,
            number(no_life, 0),
            number(no_life, 0)
        );
    }
    // Coverage short of full: every missing road chief, village liaison, instructor or
    // leadership link is someone's next task (enterprises without an organisation have their
    // own line above).
    for (metric, anchor) in ATTENTION_COVERAGE {
        let Some(r) = d.own(&metric) else { continue };
        let (Some(num), Some(den)) = (r.numerator, r.denominator) else {
            continue;
        };
        if den <= 0.0 || num >= den {
            continue;
        }
        any = true;
        let (zh, en) = d.labels.metric_of(&metric);
        w!(
            o,
            r##"<li><span class="sym s-at_risk" aria-hidden="true">▲</span> <a href="#{anchor}">{} <b>{}</b>/{}</a>，缺 {} <span class="en" lang="en">{}: {} of {}, {} missing</span></li>"##,
            Esc(&zh),
            number(num, 0),
            number(den, 0),
            number(den - num, 0),
            Esc(&en),
            number(num, 0),
            number(den, 0),
            number(den - num, 0)
        );
    }
    if let Some(r) = d.own(&orgs::VIABLE) {
        if let (Some(num), Some(den)) = (r.numerator, r.denominator) {
            if num < den {
                any = true;
                let short = den - num;
                w!(
                    o,
                    r##"<li><span class="sym s-at_risk" aria-hidden="true">▲</span> <a href="#t-metrics">正式党员不足3名的党支部 <b>{}</b> 个</a>（共 {} 个） <span class="en" lang="en">{} of {} branches with fewer than 3 formal members</span></li>"##,
                    number(short, 0),
                    number(den, 0),
                    number(short, 0),
                    number(den, 0)
                );
            }
        }
    }
    if !any {
        o.push_str(r#"<li><span class="sym s-done" aria-hidden="true">✓</span> 暂无需要关注的事项 <span class="en" lang="en">nothing needs attention</span></li>"#);
    }
    o.push_str("</ul></section>\n");
}

fn tasks_section(o: &mut String, d: &Data<'_>) {
    let n = d.tasks.len();
    let started = d.tasks.iter().filter(|t| t.started).count();
    let done = d
        .tasks
        .iter()
        .filter(|t| t.status == TaskStatus::Done)
        .count();
    w!(
        o,
        r##"<section id="tasks"><h2>红色成长 · 重难点工作 <span class="en" lang="en">Red growth: key tasks</span></h2><p>共 <b>{n}</b> 项，已启动 <b>{started}</b> 项，已完成 <b>{done}</b> 项 · <span class="en" lang="en">{n} key tasks, {started} started, {done} done.</span> <a href="#t-tasks">全部任务 <span class="en">all tasks</span> ↓</a></p>"##
    );
    let order = [
        TaskStatus::OnTrack,
        TaskStatus::AtRisk,
        TaskStatus::Overdue,
        TaskStatus::NotStarted,
        TaskStatus::Done,
    ];
    let counts: Vec<usize> = order
        .iter()
        .map(|s| d.tasks.iter().filter(|t| t.status == *s).count())
        .collect();
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    o.push_str(r#"<div class="stbars">"#);
    for (s, c) in order.iter().zip(&counts) {
        let (sym, _) = status_sym(*s);
        w!(
            o,
            r#"<span><span class="sym s-{id}" aria-hidden="true">{sym}</span>{}</span>"#,
            Bi(s.zh(), s.en()),
            id = s.id()
        );
        w!(
            o,
            r#"<span class="bar" title="{c}"><i class="s-{}" style="width:{:.1}%"></i></span><span class="n"><b>{c}</b></span>"#,
            s.id(),
            *c as f64 / max as f64 * 100.0
        );
    }
    o.push_str("</div>");
    let mut late: Vec<&crate::metrics::TaskRow> = d
        .tasks
        .iter()
        .filter(|t| matches!(t.status, TaskStatus::Overdue | TaskStatus::AtRisk))
        .collect();
    // Overdue first, the longest overdue first; then at risk, the furthest behind first.
    late.sort_by(|a, b| {
        (status_sym(a.status).1, a.deadline)
            .cmp(&(status_sym(b.status).1, b.deadline))
            .then((b.expected - b.actual).total_cmp(&(a.expected - a.actual)))
    });
    let late_total = late.len();
    late.truncate(d.opts.list_rows);
    o.push_str(r#"<h3>逾期与滞后风险的任务 <span class="en" lang="en">Overdue and at-risk tasks</span></h3>"#);
    if late.is_empty() {
        o.push_str(r#"<p>没有逾期或有滞后风险的任务 · <span lang="en">no task is overdue or at risk.</span></p>"#);
    } else {
        o.push_str(r#"<div class="wrap"><table class="sortable" id="late-tasks"><thead><tr>"#);
        th(o, "状态", "status", false);
        th(o, "任务", "task", false);
        th(o, "攻坚组", "owner", false);
        th(o, "组长", "leader", false);
        th(o, "实际 / 应达", "actual / expected", true);
        th(o, "截止", "deadline", false);
        th(o, "预计完成", "forecast", false);
        o.push_str("</tr></thead><tbody>");
        for t in &late {
            o.push_str("<tr>");
            status_cell(o, t.status);
            w!(o, "<td>{}</td>", Esc(&t.title));
            name_cell(o, &d.labels, t.owner.as_ref().map(|x| x.as_str()), false);
            name_cell(o, &d.labels, t.leader.as_ref().map(|x| x.as_str()), true);
            w!(
                o,
                r#"<td class="n" data-v="{}">{} / {}"#,
                t.actual,
                pct(t.actual),
                pct(t.expected)
            );
            bar(
                o,
                "mini",
                t.actual,
                Some(t.expected),
                "实际与应达 actual and expected",
            );
            o.push_str("</td>");
            date_cell(o, Some(t.deadline));
            forecast_cell(o, t);
            o.push_str("</tr>");
        }
        o.push_str("</tbody></table></div>");
        if late.len() < late_total {
            w!(
                o,
                r##"<p class="more">只列出 {} 项，共 {late_total} 项；全部见 <a href="#t-tasks">任务明细</a> · <span lang="en">showing {} of {late_total}; all in the key-task table.</span></p>"##,
                late.len(),
                late.len()
            );
        }
        o.push_str(r#"<p class="note">条为实际进度，竖线为按时间应达到的进度 · <span lang="en">the bar is the progress made, the mark where the schedule says it should be.</span></p>"#);
    }
    o.push_str("</section>\n");
}

fn name_cell(o: &mut String, labels: &Labels<'_>, id: Option<&str>, person: bool) {
    match id {
        Some(id) => {
            let name = if person {
                labels.person(id)
            } else {
                labels.name(id)
            };
            w!(o, r#"<td title="{}">{}</td>"#, Esc(id), Esc(name));
        }
        None => o.push_str("<td></td>"),
    }
}

fn forecast_cell(o: &mut String, t: &crate::metrics::TaskRow) {
    if t.status == TaskStatus::Done {
        o.push_str(r#"<td data-v=""></td>"#);
    } else if t.forecast_never {
        o.push_str(r#"<td data-v="9999-12-31">照此进度无法完成 <span class="en">never at this pace</span></td>"#);
    } else if let Some(f) = t.forecast {
        let late = (f - t.deadline).num_days();
        w!(o, r#"<td class="d" data-v="{f}">{f}"#);
        if late > 0 {
            w!(
                o,
                r#"<br><span class="no">晚 {late} 天</span> <span class="en">{late} days late</span>"#
            );
        }
        o.push_str("</td>");
    } else {
        o.push_str(r#"<td data-v="">—</td>"#);
    }
}

/// The enterprise coverage metrics (the coverage and liaison families'), in catalogue order.
fn coverage_metrics() -> Vec<MetricId> {
    use crate::metrics::coverage::{Coverage, Liaison};
    use crate::metrics::ctx::Family;
    Coverage::METRICS
        .iter()
        .chain(Liaison::METRICS)
        .map(|m| MetricId::Catalogue(m.def.id))
        .collect()
}

fn coverage_section(o: &mut String, d: &Data<'_>) {
    o.push_str(r#"<section id="coverage"><h2>红色覆盖 · 两个覆盖 <span class="en" lang="en">Red coverage by block and by area</span></h2>"#);
    let metrics = coverage_metrics();
    let parts: Vec<String> = metrics
        .iter()
        .filter_map(|m| d.own(m))
        .map(|r| {
            let (zh, en) = d.labels.metric_of(&r.metric);
            format!("{} <b>{}</b>", Bi(&zh, &en), Esc(&row_text(r)))
        })
        .collect();
    w!(
        o,
        r##"<p>{}。 <a href="#t-enterprises">全部企业 <span class="en">all enterprises</span> ↓</a></p>"##,
        parts.join("；")
    );
    for (kind, ev) in &d.coverage_by {
        w!(
            o,
            r#"<h3>按{} <span class="en" lang="en">By {}</span></h3>"#,
            Esc(kind.zh()),
            Esc(kind.en())
        );
        let mut units: Vec<&str> = Vec::new();
        for r in ev.rows.iter().filter(|r| r.scope != ev.scope) {
            if !units.contains(&r.scope.as_str()) {
                units.push(r.scope.as_str());
            }
        }
        let total = units.len();
        let get = |u: &str, m: &MetricId| ev.row(m, u);
        if total > d.opts.max_rows {
            // Cut: the lowest organisation coverage first.
            units.sort_by(|a, b| {
                let va = get(a, &coverage::ORG)
                    .and_then(|r| r.value)
                    .unwrap_or(f64::INFINITY);
                let vb = get(b, &coverage::ORG)
                    .and_then(|r| r.value)
                    .unwrap_or(f64::INFINITY);
                va.total_cmp(&vb)
            });
            units.truncate(d.opts.max_rows);
        }
        w!(
            o,
            r#"<div class="wrap"><table class="sortable" id="cov-{}"><thead><tr>"#,
            kind.id()
        );
        th(o, kind.zh(), kind.en(), false);
        th(o, "规上企业", "enterprises", true);
        for m in &metrics {
            let (zh, en) = d.labels.metric_of(m);
            th(o, &zh, &en, true);
        }
        th(o, "未建组织", "without an org", true);
        o.push_str("</tr></thead><tbody>");
        let row = |o: &mut String, u: &str, label: &str| {
            w!(o, r#"<th scope="row" title="{}">{}</th>"#, Esc(u), label);
            let org = get(u, &coverage::ORG);
            let den = org.and_then(|r| r.denominator).unwrap_or(0.0);
            w!(o, r#"<td class="n">{}</td>"#, number(den, 0));
            for m in &metrics {
                ratio_cell(o, get(u, m));
            }
            let missing = den - org.and_then(|r| r.numerator).unwrap_or(0.0);
            w!(o, r#"<td class="n">{}</td>"#, number(missing, 0));
        };
        let mut in_units = 0.0;
        for u in &units {
            o.push_str("<tr>");
            row(o, u, &Esc(d.labels.name(u)).to_string());
            o.push_str("</tr>");
        }
        for u in ev
            .rows
            .iter()
            .filter(|r| r.scope != ev.scope && r.metric == coverage::ORG)
        {
            in_units += u.denominator.unwrap_or(0.0);
        }
        o.push_str("</tbody><tfoot><tr>");
        let scope_den = get(ev.scope.as_str(), &coverage::ORG)
            .and_then(|r| r.denominator)
            .unwrap_or(0.0);
        row(
            o,
            ev.scope.as_str(),
            &format!(
                "{} <span class=\"en\">(全部 whole scope)</span>",
                Esc(d.labels.name(ev.scope.as_str()))
            ),
        );
        o.push_str("</tr></tfoot></table></div>");
        if in_units < scope_den {
            let rest = scope_den - in_units;
            w!(
                o,
                r#"<p class="note">另有 {} 家企业不在任何{}内（全部一行含之） · <span lang="en">{} enterprises lie in no {}; the whole-scope row counts them.</span></p>"#,
                number(rest, 0),
                Esc(kind.zh()),
                number(rest, 0),
                Esc(kind.en())
            );
        }
        cut_note(o, units.len(), total, "");
    }
    let without: Vec<_> = d.enterprises.iter().filter(|e| !e.org_covered).collect();
    w!(
        o,
        r#"<h3>未建党组织的规上企业 <span class="en" lang="en">Above-scale enterprises without a party organisation</span> ({})</h3>"#,
        without.len()
    );
    if without.is_empty() {
        o.push_str(r#"<p>每家规上企业都已建立党组织 · <span lang="en">every above-scale enterprise has a party organisation.</span></p>"#);
    } else {
        let shown = without.len().min(d.opts.list_rows);
        let mut sorted = without.clone();
        sorted.sort_by_key(|e| e.work_covered);
        o.push_str(r#"<div class="wrap"><table class="sortable" id="no-org"><thead><tr>"#);
        th(o, "企业", "enterprise", false);
        th(o, "所在", "where", false);
        th(o, "工作覆盖", "work coverage", false);
        th(o, "党建指导员", "instructor", false);
        o.push_str("</tr></thead><tbody>");
        for e in sorted.iter().take(shown) {
            w!(
                o,
                r#"<tr><td title="{}">{}</td>"#,
                Esc(e.id.as_str()),
                Esc(&e.name)
            );
            name_cell(o, &d.labels, e.parent.as_ref().map(|p| p.as_str()), false);
            yes_no(o, e.work_covered);
            let names: Vec<&str> = e
                .via_instructor
                .iter()
                .map(|p| d.labels.person(p.as_str()))
                .collect();
            w!(o, "<td>{}</td></tr>", Esc(&names.join("、")));
        }
        o.push_str("</tbody></table></div>");
        if shown < without.len() {
            w!(
                o,
                r##"<p class="more">只列出 {shown} 家，共 {} 家；全部见 <a href="#t-enterprises">企业明细</a> · <span lang="en">showing {shown} of {}; all in the enterprise table.</span></p>"##,
                without.len(),
                without.len()
            );
        }
    }
    o.push_str("</section>\n");
}

/// The heat class of a complying share.
fn heat_class(c: u64, a: u64) -> &'static str {
    if a == 0 {
        return "hn";
    }
    let s = c as f64 / a as f64;
    match () {
        _ if c == a => "h5",
        _ if s >= 0.9 => "h4",
        _ if s >= 0.75 => "h3",
        _ if s >= 0.5 => "h2",
        _ if c > 0 => "h1",
        _ => "h0",
    }
}

fn heat_cell(o: &mut String, cell: Option<(u64, u64)>) {
    match cell {
        Some((c, a)) if a > 0 => {
            let s = c as f64 / a as f64;
            let text = if c == a {
                "✓".to_string()
            } else {
                format!("{:.0}", (s * 100.0).floor())
            };
            w!(
                o,
                r#"<td class="h {}" data-v="{s}" title="{c}/{a}">{text}</td>"#,
                heat_class(c, a)
            );
        }
        _ => o.push_str(r#"<td class="h hn" data-v="" title="未考核 not assessed">·</td>"#),
    }
}

fn duties_section(o: &mut String, d: &Data<'_>) {
    o.push_str(r#"<section id="duties"><h2>红色引领 · 职责履行 <span class="en" lang="en">Red leading: duty compliance</span></h2><p>每格为该月（或季度）合规的考核天数（或期数）占比，✓ 为全部合规；行按履职率从低到高排列 · <span lang="en">each cell is the share of assessed days (or periods) that complied in that month (or quarter), ✓ when all did; rows from the lowest compliance up.</span></p><ul class="legend" aria-label="图例 legend"><li><span class="h h5">✓</span>100%</li><li><span class="h h4">90+</span>≥ 90%</li><li><span class="h h3">75+</span>≥ 75%</li><li><span class="h h2">50+</span>≥ 50%</li><li><span class="h h1">1+</span>&gt; 0</li><li><span class="h h0">0</span>0</li><li><span class="h hn">·</span>未考核 <span class="en">not assessed</span></li></ul>"#);
    if d.heat.is_empty() {
        o.push_str(
            r#"<p>范围内没有职责 · <span lang="en">no duty applies in this scope.</span></p>"#,
        );
    }
    for h in &d.heat {
        heat_duty(o, d, h);
    }
    w!(
        o,
        r##"<p><a href="#t-duties">全部履职明细 <span class="en">every obligation</span> ↓</a></p></section>
"##
    );
}

fn heat_duty(o: &mut String, d: &Data<'_>, h: &HeatDuty) {
    let duty = &d.l.duties[h.duty];
    let (wzh, wen) = duty_what(duty);
    let (czh, cen) = duty_cadence(duty);
    let (uzh, uen) = lapse_unit(duty.cadence);
    w!(
        o,
        r#"<h3 id="heat-{}">{}（{}） <span class="en" lang="en">{} ({})</span></h3>"#,
        Esc(duty.id.as_str()),
        Esc(&wzh),
        Esc(&czh),
        Esc(&wen),
        Esc(&cen)
    );
    let metric = MetricId::duty(duty.id.as_str());
    let lapsed: Vec<&HeatRow> = h
        .rows
        .iter()
        .filter(|r| r.ob.longest_lapse.unwrap_or(0) > 0)
        .collect();
    let longest = h.longest;
    let label = |r: &HeatRow| -> String {
        let s = d.labels.name(r.ob.subject.as_str());
        match &r.ob.holder {
            Some(p) => format!("{s}（{}）", d.labels.person(p.as_str())),
            None => s.to_string(),
        }
    };
    let rate = d.own(&metric).map(row_text).unwrap_or_default();
    w!(
        o,
        r#"<p>履职率 <span class="en">compliance</span> <b>{}</b> · {} 项中 {} 项有脱节 <span class="en" lang="en">{} of {} lapsed</span>"#,
        Esc(&rate),
        int(h.count),
        int(h.lapsed),
        int(h.lapsed),
        int(h.count)
    );
    if let Some(l) = longest.filter(|l| *l > 0) {
        w!(
            o,
            " · 最长脱节 {l} {uzh} <span class=\"en\">longest lapse {}</span>",
            count_en(l, uen)
        );
    }
    o.push_str("</p>");
    // Few enough to name (the rows shown hold every lapsed one then).
    if !lapsed.is_empty() && lapsed.len() == h.lapsed && h.lapsed <= 10 {
        let names: Vec<String> = lapsed
            .iter()
            .map(|r| format!("{} ({}/{})", Esc(&label(r)), r.ob.complying, r.ob.assessed))
            .collect();
        w!(
            o,
            r#"<p>未按要求履行 <span class="en">missed</span>：{}</p>"#,
            names.join("、")
        );
    }
    // Already the lowest compliance first, cut at list_rows.
    let rows: Vec<&HeatRow> = h.rows.iter().collect();
    let total = int(h.count);
    let holders = h.rows.iter().any(|r| r.ob.holder.is_some());
    w!(
        o,
        r#"<div class="wrap"><table class="heat sortable" id="heat-table-{}"><thead><tr>"#,
        Esc(duty.id.as_str())
    );
    th(o, "对象", "subject", false);
    if holders {
        th(o, "责任人", "holder", false);
    }
    for (s, e, l) in &h.periods {
        w!(
            o,
            r#"<th scope="col" class="n" title="{s} – {e}">{}</th>"#,
            Esc(l)
        );
    }
    th(o, "合计", "all", true);
    th(o, "最长脱节", "longest lapse", true);
    th(o, "最近一次", "last", false);
    o.push_str("</tr></thead><tbody>");
    for r in &rows {
        o.push_str("<tr>");
        name_cell(o, &d.labels, Some(r.ob.subject.as_str()), false);
        if holders {
            name_cell(o, &d.labels, r.ob.holder.as_ref().map(|p| p.as_str()), true);
        }
        for c in &r.cells {
            heat_cell(o, *c);
        }
        w!(
            o,
            r#"<td class="n" data-v="{}">{}/{}</td><td class="n">{}</td>"#,
            r.share().map(|s| s.to_string()).unwrap_or_default(),
            r.ob.complying,
            r.ob.assessed,
            r.ob.longest_lapse
                .map(|l| l.to_string())
                .unwrap_or_default()
        );
        match r.ob.last_activity {
            Some(a) => date_cell(o, Some(a)),
            None => o.push_str(r#"<td class="no">从未 <span class="en">never</span></td>"#),
        }
        o.push_str("</tr>");
    }
    w!(
        o,
        r#"</tbody><tfoot><tr><th scope="row"{}>全部 {} 项 <span class="en">all {}</span></th>"#,
        if holders { r#" colspan="2""# } else { "" },
        total,
        total
    );
    for c in &h.total {
        heat_cell(o, *c);
    }
    let (c, a) = h.all;
    w!(
        o,
        r#"<td class="n">{c}/{a}</td><td class="n">{}</td><td></td></tr></tfoot></table></div>"#,
        longest.map(|l| l.to_string()).unwrap_or_default()
    );
    if rows.len() < h.count {
        w!(
            o,
            r##"<p class="more">只列出履职率最低的 {} 项，共 {total} 项；全部见 <a href="#t-duties">履职明细</a> · <span lang="en">the {} lowest of {total}; all in the obligations table.</span></p>"##,
            rows.len(),
            rows.len()
        );
    }
}

fn cadres_section(o: &mut String, d: &Data<'_>) {
    o.push_str(r#"<section id="cadres"><h2>红色成长 · 年轻干部 <span class="en" lang="en">Red growth: the young-cadre pipeline</span></h2>"#);
    let young_age = d.asked.young_age;
    let cadres = d.cadres.len();
    let young = d.cadres.iter().filter(|c| c.young).count();
    let on_tasks = d.cadres.iter().filter(|c| c.young && c.on_tasks).count();
    let steps = [
        ("干部", "cadres".to_string(), cadres, String::new()),
        (
            "年轻干部",
            format!("young cadres (≤ {young_age})"),
            young,
            if cadres > 0 {
                format!("占干部 {} of cadres", pct(young as f64 / cadres as f64))
            } else {
                String::new()
            },
        ),
        (
            "参与攻坚的年轻干部",
            "young cadres on key tasks".to_string(),
            on_tasks,
            if young > 0 {
                format!(
                    "占年轻干部 {} of young cadres",
                    pct(on_tasks as f64 / young as f64)
                )
            } else {
                String::new()
            },
        ),
    ];
    o.push_str(r#"<div class="stbars">"#);
    for (zh, en, n, note) in &steps {
        w!(o, "<span>{}</span>", Bi(zh, en));
        bar(
            o,
            "",
            *n as f64 / cadres.max(1) as f64,
            None,
            &note.to_string(),
        );
        w!(
            o,
            r#"<span class="n"><b>{n}</b> <span class="ft">{}</span></span>"#,
            Esc(note)
        );
    }
    o.push_str("</div>");
    if let Some(b) = d.own(&cadres::BREADTH).and_then(|r| r.value) {
        w!(
            o,
            r#"<p>年轻干部平均历练过 <b>{}</b> 种岗位 · <span lang="en">young cadres have held {} kinds of role on average.</span></p>"#,
            number(b, 2),
            number(b, 2)
        );
    }
    // Ages in five-year bands, the young ones in the first two.
    struct Band {
        label: String,
        ages: Option<(i32, i32)>,
        n: usize,
        young: bool,
    }
    let band = |label: String, ages: Option<(i32, i32)>, young: bool| Band {
        label,
        ages,
        n: 0,
        young,
    };
    let first_top = young_age - 5;
    let mut bands = vec![
        band(format!("≤ {first_top}"), Some((i32::MIN, first_top)), true),
        band(
            format!("{}–{young_age}", first_top + 1),
            Some((first_top + 1, young_age)),
            true,
        ),
    ];
    let mut lo = young_age + 1;
    while lo <= young_age + 25 {
        bands.push(band(format!("{lo}–{}", lo + 4), Some((lo, lo + 4)), false));
        lo += 5;
    }
    bands.push(band(format!("≥ {lo}"), Some((lo, i32::MAX)), false));
    bands.push(band("未知 unknown".into(), None, false));
    for c in &d.cadres {
        let i = bands
            .iter()
            .position(|b| match (b.ages, c.age) {
                (Some((a, z)), Some(age)) => a <= age && age <= z,
                (None, None) => true,
                _ => false,
            })
            .unwrap_or(bands.len() - 1);
        bands[i].n += 1;
    }
    bands.retain(|b| b.n > 0 || b.ages.is_some());
    let max = bands.iter().map(|b| b.n).max().unwrap_or(0).max(1);
    o.push_str(r#"<h3>干部年龄分布 <span class="en" lang="en">Ages of the cadres</span></h3><div class="stbars">"#);
    for b in &bands {
        w!(
            o,
            r#"<span>{}{}</span>"#,
            Esc(&b.label),
            if b.young {
                " 岁 <span class=\"en\">young</span>"
            } else {
                " 岁"
            }
        );
        bar(
            o,
            if b.young { "" } else { "inv" },
            b.n as f64 / max as f64,
            None,
            "",
        );
        w!(o, r#"<span class="n"><b>{}</b></span>"#, b.n);
    }
    o.push_str(r##"</div><p><a href="#t-cadres">全部干部 <span class="en">every cadre</span> ↓</a></p></section>
"##);
}

fn trend_section(o: &mut String, d: &Data<'_>) {
    o.push_str(r#"<section id="trend"><h2>趋势 <span class="en" lang="en">The trend over twelve months</span></h2><p class="note">每点为当月末的本年累计值，最后一点为评估日；虚线为目标 · <span lang="en">each point is the year-to-date figure at a month end, the last at the evaluation date; the dashed line is the target.</span></p><div class="spark">"#);
    let Some(last) = d.trend.last() else {
        o.push_str("</div></section>\n");
        return;
    };
    let scope = last.scope.as_str();
    let mut ids: Vec<&MetricId> = Vec::new();
    for r in last.rows.iter().filter(|r| r.scope.as_str() == scope) {
        if r.metric.is_lapse() || r.metric.is_target() {
            continue;
        }
        if !ids.contains(&&r.metric) {
            ids.push(&r.metric);
        }
    }
    for id in ids {
        let points: Vec<(NaiveDate, Option<f64>)> = d
            .trend
            .iter()
            .map(|ev| (ev.as_of, ev.row(id, scope).and_then(|r| r.value)))
            .collect();
        let kind = d.labels.kind(&id.to_string()).unwrap_or(MetricKind::Value);
        let target = last.row(id, scope).and_then(|r| r.target);
        let (zh, en) = d.labels.metric_of(id);
        let aria = format!("{zh} {en}");
        let f = move |v: f64| figure(kind, Some(v));
        w!(
            o,
            r#"<figure data-metric="{}"><a href="{}"><figcaption>{}</figcaption>"#,
            Esc(&id.to_string()),
            drill_of(id),
            Bi(&zh, &en)
        );
        sparkline(
            o,
            &Spark {
                points: &points,
                ratio: kind == MetricKind::Ratio,
                target,
                label: &aria,
                fmt: &f,
            },
        );
        o.push_str("</a></figure>");
    }
    o.push_str("</div></section>\n");
}

/// Columns of the `--by` breakdown, on the page and (but the share started) in the text
/// report.
pub const BREAKDOWN: [MetricId; 10] = [
    tasks::TOTAL,
    tasks::STARTED,
    tasks::PROGRESS,
    tasks::OVERDUE,
    coverage::ORG,
    coverage::WORK,
    leading::CHIEF_COVERAGE,
    leading::LIAISON_COVERAGE,
    orgs::VIABLE,
    orgs::NO_ORG_LIFE,
];

fn breakdown_section(o: &mut String, d: &Data<'_>) {
    let Some(kind) = d.ev.by else { return };
    w!(
        o,
        r#"<section id="breakdown"><h2>按{}分解 <span class="en" lang="en">Breakdown by {}</span></h2>"#,
        Esc(kind.zh()),
        Esc(kind.en())
    );
    let ev = &d.ev;
    let mut units: Vec<&str> = Vec::new();
    for r in ev.rows.iter().filter(|r| r.scope != ev.scope) {
        if !units.contains(&r.scope.as_str()) {
            units.push(r.scope.as_str());
        }
    }
    let total = units.len();
    units.truncate(d.opts.max_rows);
    let cols: Vec<&MetricId> = BREAKDOWN
        .iter()
        .filter(|m| ev.row(*m, ev.scope.as_str()).is_some())
        .collect();
    o.push_str(r#"<div class="wrap"><table class="sortable" id="t-breakdown"><thead><tr>"#);
    th(o, kind.zh(), kind.en(), false);
    for m in &cols {
        let (zh, en) = d.labels.metric_of(m);
        th(o, &zh, &en, true);
    }
    o.push_str("</tr></thead><tbody>");
    let row = |o: &mut String, u: &str, label: String| {
        w!(o, r#"<th scope="row" title="{}">{label}</th>"#, Esc(u));
        for m in &cols {
            match ev.row(*m, u) {
                Some(r) if r.kind == MetricKind::Ratio => ratio_cell(o, Some(r)),
                Some(r) => value_cell(o, r),
                None => o.push_str("<td></td>"),
            }
        }
    };
    for u in &units {
        o.push_str("<tr>");
        row(o, u, Esc(d.labels.name(u)).to_string());
        o.push_str("</tr>");
    }
    o.push_str("</tbody><tfoot><tr>");
    row(
        o,
        ev.scope.as_str(),
        format!(
            "{} <span class=\"en\">(全部 whole scope)</span>",
            Esc(d.labels.name(ev.scope.as_str()))
        ),
    );
    o.push_str("</tr></tfoot></table></div>");
    cut_note(o, units.len(), total, "");
    o.push_str("</section>\n");
}

// ---------------------------------------------------------------------------------------
// The drill-down tables

fn metrics_rows_table(
    o: &mut String,
    labels: &Labels<'_>,
    evs: &[&Evaluation],
    limit: usize,
    id: &str,
    sortable: bool,
) -> (usize, usize) {
    let with_date = evs.len() > 1;
    w!(
        o,
        r#"<div class="wrap"><table{}{}><thead><tr>"#,
        if sortable { r#" class="sortable""# } else { "" },
        if id.is_empty() {
            String::new()
        } else {
            format!(r#" id="{id}""#)
        }
    );
    if with_date {
        th(o, "评估日", "as of", false);
    }
    th(o, "指标", "metric", false);
    th(o, "编号", "id", false);
    th(o, "单位", "scope", false);
    th(o, "值", "value", true);
    th(o, "目标", "target", true);
    th(o, "到期", "due", false);
    o.push_str("</tr></thead><tbody>");
    let total: usize = evs.iter().map(|e| e.rows.len()).sum();
    let mut shown = 0;
    'outer: for ev in evs {
        for r in &ev.rows {
            if shown == limit {
                break 'outer;
            }
            shown += 1;
            o.push_str("<tr>");
            if with_date {
                date_cell(o, Some(ev.as_of));
            }
            let (zh, en) = labels.metric_of(&r.metric);
            w!(
                o,
                r#"<td>{}</td><td><code>{}</code></td>"#,
                Bi(&zh, &en),
                Esc(&r.metric.to_string())
            );
            name_cell(o, labels, Some(r.scope.as_str()), false);
            value_cell(o, r);
            w!(
                o,
                r#"<td class="n">{}</td>"#,
                r.target
                    .map(|t| figure(r.kind, Some(t)))
                    .unwrap_or_default()
            );
            date_cell(o, r.due);
            o.push_str("</tr>");
        }
    }
    o.push_str("</tbody></table></div>");
    (shown, total)
}

/// Shares `budget` rows among lists of `sizes` rows: each gets an equal share, and what a
/// short list leaves goes to the longer ones (so nothing is cut when everything fits).
fn fair_shares(budget: usize, sizes: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| sizes[i]);
    let mut out = vec![0; sizes.len()];
    let mut left = budget;
    for (k, &i) in order.iter().enumerate() {
        let share = left / (sizes.len() - k);
        out[i] = sizes[i].min(share);
        left -= out[i];
    }
    out
}

fn tables(o: &mut String, d: &Data<'_>) {
    let max = d.opts.max_rows;
    o.push_str(r#"<section id="tables"><h2>明细 <span class="en" lang="en">Drill-down tables</span></h2><p class="note">点击表头排序 · <span lang="en">click a column header to sort.</span> 单位、组织和人员显示名称，悬停可见编号 · <span lang="en">units, organisations and people show their names; hover for the id.</span></p>"#);

    // All metrics.
    o.push_str(
        r#"<h3 id="t-metrics">全部指标 <span class="en" lang="en">Every metric</span></h3>"#,
    );
    let (shown, total) =
        metrics_rows_table(o, &d.labels, &[&d.table_rows], max, "metrics-table", true);
    let mut report_cmd = format!("dangjian report --as-of {}", d.ev.as_of);
    if let Some(p) = &d.opts.data {
        report_cmd = format!("dangjian report --data {p} --as-of {}", d.ev.as_of);
    }
    if let Some(k) = d.ev.by {
        report_cmd.push_str(&format!(" --by {}", k.id()));
    }
    report_cmd.push_str(" --format csv > metrics.csv");
    cut_note(
        o,
        shown,
        total,
        &format!(
            "导出全部 <span class=\"en\">export every row</span>: <code>{}</code>",
            Esc(&report_cmd)
        ),
    );

    // Key tasks, the ones needing attention first.
    let mut tasks: Vec<&crate::metrics::TaskRow> = d.tasks.iter().collect();
    tasks.sort_by_key(|t| (status_sym(t.status).1, t.deadline));
    o.push_str(r#"<h3 id="t-tasks">重难点工作 <span class="en" lang="en">Key tasks</span></h3><div class="wrap"><table class="sortable" id="tasks-table"><thead><tr>"#);
    for (zh, en, n) in [
        ("状态", "status", false),
        ("任务", "task", false),
        ("地点", "place", false),
        ("攻坚组", "owner", false),
        ("组长", "leader", false),
        ("实际", "actual", true),
        ("应达", "expected", true),
        ("SPI", "", true),
        ("开始", "start", false),
        ("截止", "deadline", false),
        ("预计完成", "forecast", false),
    ] {
        th(o, zh, en, n);
    }
    o.push_str("</tr></thead><tbody>");
    for t in tasks.iter().take(max) {
        o.push_str("<tr>");
        status_cell(o, t.status);
        w!(
            o,
            r#"<td title="{}">{}</td>"#,
            Esc(t.id.as_str()),
            Esc(&t.title)
        );
        name_cell(o, &d.labels, t.unit.as_ref().map(|u| u.as_str()), false);
        name_cell(o, &d.labels, t.owner.as_ref().map(|u| u.as_str()), false);
        name_cell(o, &d.labels, t.leader.as_ref().map(|u| u.as_str()), true);
        w!(
            o,
            r#"<td class="n" data-v="{}">{}</td><td class="n" data-v="{}">{}</td><td class="n" data-v="{}">{}</td>"#,
            t.actual,
            pct(t.actual),
            t.expected,
            pct(t.expected),
            t.spi.map(|s| s.to_string()).unwrap_or_default(),
            t.spi.map(|s| number(s, 2)).unwrap_or_default()
        );
        date_cell(o, t.start);
        date_cell(o, Some(t.deadline));
        forecast_cell(o, t);
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table></div>");
    cut_note(
        o,
        tasks.len().min(max),
        tasks.len(),
        &export_hint(d, "tasks", "tasks"),
    );

    // Enterprises: without an organisation first.
    let mut ents: Vec<&crate::metrics::EnterpriseRow> = d.enterprises.iter().collect();
    ents.sort_by_key(|e| (e.org_covered, e.work_covered, e.own_org));
    o.push_str(r#"<h3 id="t-enterprises">规上企业 <span class="en" lang="en">Above-scale enterprises</span></h3><div class="wrap"><table class="sortable" id="enterprises-table"><thead><tr>"#);
    for (zh, en) in [
        ("企业", "enterprise"),
        ("所在", "where"),
        ("组织覆盖", "organisation"),
        ("党组织", "through"),
        ("单独组建", "own organisation"),
        ("工作覆盖", "work coverage"),
        ("党建指导员", "instructor"),
        ("联企班子成员", "enterprise liaisons"),
    ] {
        th(o, zh, en, false);
    }
    o.push_str("</tr></thead><tbody>");
    for e in ents.iter().take(max) {
        w!(
            o,
            r#"<tr><td title="{}">{}</td>"#,
            Esc(e.id.as_str()),
            Esc(&e.name)
        );
        name_cell(o, &d.labels, e.parent.as_ref().map(|p| p.as_str()), false);
        yes_no(o, e.org_covered);
        let orgs: Vec<&str> = e
            .via_org
            .iter()
            .map(|g| d.labels.name(g.as_str()))
            .collect();
        w!(o, "<td>{}</td>", Esc(&orgs.join("、")));
        yes_no(o, e.own_org);
        yes_no(o, e.work_covered);
        for people in [&e.via_instructor, &e.liaisons] {
            let names: Vec<&str> = people.iter().map(|p| d.labels.person(p.as_str())).collect();
            w!(o, "<td>{}</td>", Esc(&names.join("、")));
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table></div>");
    cut_note(
        o,
        ents.len().min(max),
        ents.len(),
        &export_hint(d, "coverage", "coverage"),
    );

    // Obligations: per duty, the lowest compliance first; each duty gets its share of rows.
    o.push_str(r#"<h3 id="t-duties">职责履行 <span class="en" lang="en">Duty obligations</span></h3><div class="wrap"><table class="sortable" id="duties-table"><thead><tr>"#);
    for (zh, en, n) in [
        ("职责", "duty", false),
        ("对象", "subject", false),
        ("责任人", "holder", false),
        ("考核", "assessed", true),
        ("合规", "complying", true),
        ("履职率", "share", true),
        ("最长脱节", "longest lapse", true),
        ("最近一次", "last", false),
    ] {
        th(o, zh, en, n);
    }
    o.push_str("</tr></thead><tbody>");
    let mut by_duty: HashMap<&str, Vec<&crate::metrics::ObligationRow>> = HashMap::new();
    for ob in &d.obligations {
        by_duty.entry(ob.duty.as_str()).or_default().push(ob);
    }
    let quota = fair_shares(
        max,
        &d.l.duties
            .iter()
            .map(|x| by_duty.get(x.id.as_str()).map_or(0, Vec::len))
            .collect::<Vec<_>>(),
    );
    let mut shown = 0;
    for (duty, quota) in d.l.duties.iter().zip(&quota) {
        let Some(obs) = by_duty.get_mut(duty.id.as_str()) else {
            continue;
        };
        let share = |o: &crate::metrics::ObligationRow| {
            if o.assessed == 0 {
                2.0
            } else {
                o.complying as f64 / o.assessed as f64
            }
        };
        obs.sort_by(|a, b| {
            share(a)
                .total_cmp(&share(b))
                .then(b.longest_lapse.cmp(&a.longest_lapse))
        });
        let (wzh, wen) = duty_what(duty);
        for ob in obs.iter().take(*quota) {
            shown += 1;
            w!(
                o,
                r#"<tr><td title="{}">{}</td>"#,
                Esc(duty.id.as_str()),
                Bi(&wzh, &wen)
            );
            name_cell(o, &d.labels, Some(ob.subject.as_str()), false);
            name_cell(o, &d.labels, ob.holder.as_ref().map(|p| p.as_str()), true);
            let s = (ob.assessed > 0).then(|| ob.complying as f64 / ob.assessed as f64);
            w!(
                o,
                r#"<td class="n">{}</td><td class="n">{}</td><td class="n" data-v="{}">{}</td><td class="n">{}</td>"#,
                ob.assessed,
                ob.complying,
                s.map(|s| s.to_string()).unwrap_or_default(),
                s.map(pct).unwrap_or_else(|| "n/a".into()),
                ob.longest_lapse.map(|l| l.to_string()).unwrap_or_default()
            );
            match ob.last_activity {
                Some(a) => date_cell(o, Some(a)),
                None => o.push_str(r#"<td class="no">从未 <span class="en">never</span></td>"#),
            }
            o.push_str("</tr>");
        }
    }
    o.push_str("</tbody></table></div>");
    cut_note(
        o,
        shown,
        d.obligations.len(),
        &export_hint(d, "duties", "duties"),
    );

    // Cadres: the young first, youngest first.
    let mut cadres: Vec<&crate::metrics::CadreRow> = d.cadres.iter().collect();
    cadres.sort_by_key(|c| (!c.young, c.age.unwrap_or(i32::MAX)));
    o.push_str(r#"<h3 id="t-cadres">干部 <span class="en" lang="en">Cadres</span></h3><div class="wrap"><table class="sortable" id="cadres-table"><thead><tr>"#);
    for (zh, en, n) in [
        ("姓名", "name", false),
        ("年龄", "age", true),
        ("年轻干部", "young", false),
        ("现任职务", "roles", false),
        ("参与攻坚", "on key tasks", false),
        ("历练岗位数", "role kinds held", true),
    ] {
        th(o, zh, en, n);
    }
    o.push_str("</tr></thead><tbody>");
    for c in cadres.iter().take(max) {
        w!(
            o,
            r#"<tr><td title="{}">{}</td>"#,
            Esc(c.person.as_str()),
            Esc(&c.name)
        );
        w!(
            o,
            r#"<td class="n">{}</td>"#,
            c.age.map(|a| a.to_string()).unwrap_or_default()
        );
        yes_no(o, c.young);
        let roles: Vec<&str> = c.roles.iter().map(|r| r.zh()).collect();
        w!(o, "<td>{}</td>", Esc(&roles.join("、")));
        yes_no(o, c.on_tasks);
        w!(o, r#"<td class="n">{}</td></tr>"#, c.breadth);
    }
    o.push_str("</tbody></table></div>");
    cut_note(
        o,
        cadres.len().min(max),
        cadres.len(),
        &export_hint(d, "cadres", "cadres"),
    );
    o.push_str("</section>\n");
}

// ---------------------------------------------------------------------------------------
// Pieces for notebooks

/// A table of metric rows as a person reads it, for a notebook: the 中文 and English name
/// of each metric (which duty, which target), the unit's name, `75.8% (25/33)` and `33`
/// rather than `0.7575757575757576` and `33.0`, the target and its due date. With several
/// evaluations (a trend) each row also shows its date. At most `limit` rows; the page's
/// stylesheet is included, scoped to the fragment.
///
/// ```
/// use dangjian::metrics::{Engine, Query};
/// let ledger = dangjian::example();
/// let engine = Engine::new(&ledger);
/// let q = Query { as_of: chrono::NaiveDate::from_ymd_opt(2019, 7, 31), ..Query::default() };
/// let ev = engine.evaluate(&q).unwrap();
/// let html = dangjian::report::metrics_table(&ledger, &[ev], 20);
/// assert!(html.contains("75.8% (25/33)") && html.contains("城西新区"));
/// ```
pub fn metrics_table(ledger: &Ledger, evaluations: &[Evaluation], limit: usize) -> String {
    let labels = Labels::new(ledger);
    let mut o = String::with_capacity(16 * 1024);
    w!(o, r#"<div class="dj"><style>{CSS}</style>"#);
    let evs: Vec<&Evaluation> = evaluations.iter().collect();
    let (shown, total) = metrics_rows_table(&mut o, &labels, &evs, limit, "", false);
    if shown < total {
        w!(
            o,
            r#"<p class="more">只显示 {shown} 行，共 {total} 行 · <span lang="en">showing {shown} of {total} rows; to_pandas() or to_polars() has them all.</span></p>"#
        );
    }
    o.push_str("</div>");
    o
}

/// A ledger at a glance, for a notebook: its root, what it holds, and the three programmes'
/// headline figures at the default evaluation date (as on the page).
///
/// ```
/// use dangjian::metrics::Engine;
/// let ledger = dangjian::example();
/// let html = dangjian::report::ledger_card(&ledger, &Engine::new(&ledger));
/// assert!(html.contains("城西新区") && html.contains("红色覆盖"));
/// ```
pub fn ledger_card(ledger: &Ledger, engine: &Engine<'_>) -> String {
    let labels = Labels::new(ledger);
    let mut o = String::with_capacity(16 * 1024);
    w!(o, r#"<div class="dj"><style>{CSS}</style><section>"#);
    match ledger.roots().next() {
        Some(root) => w!(
            o,
            r#"<h2>台账 <span class="en">ledger</span>: {} <span class="en">({})</span></h2>"#,
            Esc(&root.name),
            Esc(root.id.as_str())
        ),
        None => o.push_str(r#"<h2>台账 <span class="en">ledger</span>: 无根单位 <span class="en">no root unit</span></h2>"#),
    }
    let counts: Vec<String> = crate::model::Table::ALL
        .iter()
        .map(|t| format!("{} {}", t.name(), number(ledger.len_of(*t) as f64, 0)))
        .collect();
    w!(o, r#"<p class="note">{}</p>"#, Esc(&counts.join(" · ")));
    let metrics: Vec<String> = HEADLINE
        .iter()
        .map(|s| s.to_string())
        .chain(std::iter::once("duty".to_string()))
        .chain(std::iter::once("target".to_string()))
        .collect();
    let q = Query {
        metrics: Some(metrics),
        ..Query::default()
    };
    match engine.evaluate(&q) {
        Ok(ev) => {
            w!(
                o,
                r#"<p>评估日 <span class="en">as of</span> <b>{}</b>（默认：最近的记录日期 <span class="en">the latest dated record</span>） · 窗口 <span class="en">window</span> {} – {}</p>"#,
                ev.as_of,
                ev.from,
                ev.as_of
            );
            programmes(&mut o, ledger, &labels, &ev, false);
        }
        Err(e) => w!(o, "<p>{}</p>", Esc(&e.to_string())),
    }
    o.push_str("</section></div>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_metric_lists_name_catalogue_metrics() {
        // Renaming a metric in the catalogue breaks this test, not the page.
        for (id, _) in ATTENTION_COVERAGE {
            assert!(
                crate::metrics::catalogue::find(id.catalogue_text()).is_some(),
                "{id}"
            );
        }
        for id in BREAKDOWN.iter().chain(&super::super::gather::HEADLINE) {
            assert!(
                crate::metrics::catalogue::find(id.catalogue_text()).is_some(),
                "{id}"
            );
            assert_eq!(MetricId::parse(&id.to_string()).as_ref(), Some(id));
        }
    }

    #[test]
    fn fair_shares_give_what_short_lists_leave_to_long_ones() {
        // 500 rows among 36, 7, 107 x 4 and 7 obligations (the example): all fit (478).
        assert_eq!(
            fair_shares(500, &[36, 7, 107, 107, 107, 107, 7]),
            vec![36, 7, 107, 107, 107, 107, 7]
        );
        // 100 among 10, 1000, 1000: 10, then 45 each.
        assert_eq!(fair_shares(100, &[10, 1000, 1000]), vec![10, 45, 45]);
        assert_eq!(fair_shares(0, &[3]), vec![0]);
        assert!(fair_shares(5, &[]).is_empty());
    }

    #[test]
    fn base64_pads_like_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn heat_classes_follow_the_legend() {
        assert_eq!(heat_class(31, 31), "h5");
        assert_eq!(heat_class(28, 31), "h4"); // 90.3%
        assert_eq!(heat_class(24, 31), "h3"); // 77.4%
        assert_eq!(heat_class(16, 31), "h2"); // 51.6%
        assert_eq!(heat_class(1, 31), "h1");
        assert_eq!(heat_class(0, 31), "h0");
        assert_eq!(heat_class(0, 0), "hn");
    }
}
