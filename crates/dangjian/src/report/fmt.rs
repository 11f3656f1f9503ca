//! Numbers as people read them: `75.8%`, `33`, `6,500`, `75.8% (25/33)`.

use std::fmt::{self, Display};

use crate::metrics::{MetricKind, MetricRow};

/// A value of a metric of `kind` for people: a percentage with one decimal for ratios (no
/// trailing `.0`), whole numbers for counts, days and periods, thousands grouped and at most
/// two decimals for other values, `n/a` when there is none.
///
/// ```
/// use dangjian::metrics::MetricKind;
/// use dangjian::report::figure;
/// assert_eq!(figure(MetricKind::Ratio, Some(25.0 / 33.0)), "75.8%");
/// assert_eq!(figure(MetricKind::Ratio, Some(1.0)), "100%");
/// assert_eq!(figure(MetricKind::Count, Some(33.0)), "33");
/// assert_eq!(figure(MetricKind::Value, Some(682_500.0)), "682,500");
/// assert_eq!(figure(MetricKind::Value, Some(2.2857142)), "2.29");
/// assert_eq!(figure(MetricKind::Ratio, None), "n/a");
/// ```
pub fn figure(kind: MetricKind, value: Option<f64>) -> String {
    match (kind, value) {
        (_, None) => "n/a".into(),
        (MetricKind::Ratio, Some(v)) => pct(v),
        (MetricKind::Count | MetricKind::Days | MetricKind::Periods, Some(v)) => {
            number(v.round(), 0)
        }
        (MetricKind::Value, Some(v)) => number(v, 2),
    }
}

/// A metric row for people: the figure, and for a ratio its numerator and denominator
/// (`75.8% (25/33)`, `n/a (0/0)`).
///
/// ```
/// use dangjian::metrics::{tasks, MetricKind, MetricRow};
/// use dangjian::report::row_text;
/// let row = MetricRow {
///     metric: tasks::STARTED, scope: "chengxi".into(), scope_name: "城西新区".into(),
///     value: Some(25.0 / 33.0),
///     numerator: Some(25.0), denominator: Some(33.0), target: None, due: None,
///     kind: MetricKind::Ratio,
/// };
/// assert_eq!(row_text(&row), "75.8% (25/33)");
/// ```
pub fn row_text(r: &MetricRow) -> String {
    let f = figure(r.kind, r.value);
    match fraction(r) {
        Some(frac) => format!("{f} ({frac})"),
        None => f,
    }
}

/// `25/33` for a ratio row.
pub(crate) fn fraction(r: &MetricRow) -> Option<String> {
    // An achievement's numerator and denominator are differences of values (0.15/1), not
    // counts a person recognises.
    if r.metric.is_target() {
        return None;
    }
    match (r.kind, r.numerator, r.denominator) {
        (MetricKind::Ratio, Some(n), Some(d)) => Some(format!("{}/{}", number(n, 2), number(d, 2))),
        _ => None,
    }
}

/// A share as a percentage with one decimal, no trailing `.0`.
pub(crate) fn pct(v: f64) -> String {
    let s = format!("{:.1}", v * 100.0);
    let s = s.strip_suffix(".0").unwrap_or(&s);
    let s = if s == "-0" { "0" } else { s };
    format!("{s}%")
}

/// A number with thousands grouped and at most `decimals` decimals (trailing zeros cut).
pub(crate) fn number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f.trim_end_matches('0')),
        None => (s.as_str(), ""),
    };
    let mut out = String::with_capacity(s.len() + 4);
    if v < 0.0 && (int != "0" || !frac.is_empty()) {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Text escaped for HTML content and attribute values.
pub(crate) struct Esc<'a>(pub &'a str);

impl Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let mut last = 0;
        for (i, b) in s.bytes().enumerate() {
            let rep = match b {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#39;",
                _ => continue,
            };
            f.write_str(&s[last..i])?;
            f.write_str(rep)?;
            last = i + 1;
        }
        f.write_str(&s[last..])
    }
}

/// Escapes text for HTML content and attribute values (`&`, `<`, `>`, `"`, `'`).
///
/// ```
/// assert_eq!(dangjian::report::escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
/// ```
pub fn escape(s: &str) -> String {
    Esc(s).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_group_thousands_and_cut_trailing_zeros() {
        assert_eq!(number(5_000_000_000.0, 2), "5,000,000,000");
        assert_eq!(number(16.36, 2), "16.36");
        assert_eq!(number(12.5, 2), "12.5");
        assert_eq!(number(-1234.0, 0), "-1,234");
        assert_eq!(number(-0.001, 2), "0");
        assert_eq!(number(f64::NAN, 2), "n/a");
    }

    #[test]
    fn percentages_keep_one_decimal() {
        // 88 / 98 = 0.897959... -> 89.8%; 0 -> 0%.
        assert_eq!(pct(88.0 / 98.0), "89.8%");
        assert_eq!(pct(0.0), "0%");
        assert_eq!(pct(0.1515151), "15.2%");
    }
}
