//! Small SVG charts written by hand: one trend line per headline figure.

use std::fmt::Write;

use chrono::NaiveDate;

use super::fmt::Esc;

/// One small-multiple trend chart.
pub(crate) struct Spark<'a> {
    /// The points in date order; `None` where the value is n/a.
    pub points: &'a [(NaiveDate, Option<f64>)],
    /// A share: the y axis runs from 0 to 100%.
    pub ratio: bool,
    /// The target, drawn as a dashed line.
    pub target: Option<f64>,
    /// What the chart shows, for screen readers.
    pub label: &'a str,
    /// How a value is written.
    pub fmt: &'a dyn Fn(f64) -> String,
}

const W: f64 = 240.0;
const H: f64 = 92.0;
const X0: f64 = 6.0;
const X1: f64 = 186.0;
const Y0: f64 = 74.0;
const Y1: f64 = 12.0;

/// Writes the chart as an inline `<svg>`.
pub(crate) fn sparkline(o: &mut String, s: &Spark<'_>) {
    let values = s.points.iter().filter_map(|p| p.1);
    let max_v = values.fold(0.0_f64, f64::max).max(s.target.unwrap_or(0.0));
    // Shares run to 100%; other values to their target when it is the highest, else a
    // little above the highest value, rounded up so the scale's label is exact.
    let top = if s.ratio {
        max_v.max(1.0)
    } else if s.target.is_some_and(|t| t > 0.0 && t >= max_v) {
        max_v
    } else if max_v > 0.0 {
        (max_v * 1.1).ceil()
    } else {
        1.0
    };
    let n = s.points.len();
    let x = |i: usize| {
        if n <= 1 {
            X1
        } else {
            X0 + (X1 - X0) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| Y0 - (Y0 - Y1) * (v / top).clamp(0.0, 1.0);
    let _ = write!(
        o,
        r#"<svg class="spk" viewBox="0 0 {W} {H}" role="img" aria-label="{}">"#,
        Esc(s.label)
    );
    // Axis: the baseline and the top of the scale.
    // The top of the scale is labelled above the plot; a target there takes its label.
    let top_is_target = s.target.is_some_and(|t| (y(t) - Y1).abs() < 0.5);
    let _ = write!(
        o,
        r#"<line class="ax" x1="{X0}" y1="{Y0}" x2="{X1}" y2="{Y0}"/><line class="gr" x1="{X0}" y1="{Y1}" x2="{X1}" y2="{Y1}"/><text class="tk" x="{X0}" y="{}">{}{}</text>"#,
        Y1 - 3.0,
        if top_is_target { "目标 target " } else { "" },
        Esc(&(s.fmt)(top))
    );
    if let Some(t) = s.target {
        let ty = y(t);
        let _ = write!(
            o,
            r#"<line class="tg" x1="{X0}" y1="{ty:.1}" x2="{X1}" y2="{ty:.1}"/>"#
        );
        if !top_is_target {
            let _ = write!(
                o,
                r#"<text class="tk" x="{X0}" y="{:.1}">目标 target {}</text>"#,
                ty - 3.0,
                Esc(&(s.fmt)(t))
            );
        }
    }
    // The line, broken where a value is n/a.
    let mut d = String::new();
    let mut pen_down = false;
    for (i, (_, v)) in s.points.iter().enumerate() {
        match v {
            Some(v) => {
                let _ = write!(
                    d,
                    "{}{:.1} {:.1}",
                    if pen_down { " L" } else { " M" },
                    x(i),
                    y(*v)
                );
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    if !d.is_empty() {
        let _ = write!(o, r#"<path class="ln" d="{}"/>"#, d.trim_start());
    }
    for (i, (date, v)) in s.points.iter().enumerate() {
        let Some(v) = v else { continue };
        let _ = write!(
            o,
            r#"<circle cx="{:.1}" cy="{:.1}" r="{}"><title>{date}: {}</title></circle>"#,
            x(i),
            y(*v),
            if i + 1 == n { 3.2 } else { 1.8 },
            Esc(&(s.fmt)(*v))
        );
    }
    match s.points.last() {
        Some((_, Some(v))) => {
            let _ = write!(
                o,
                r#"<text class="lv" x="{:.1}" y="{:.1}">{}</text>"#,
                X1 + 5.0,
                y(*v) + 4.0,
                Esc(&(s.fmt)(*v))
            );
        }
        Some((_, None)) => {
            let _ = write!(
                o,
                r#"<text class="lv" x="{:.1}" y="{:.1}">n/a</text>"#,
                X1 + 5.0,
                Y0
            );
        }
        None => {}
    }
    if let (Some(first), Some(last)) = (s.points.first(), s.points.last()) {
        let _ = write!(
            o,
            r#"<text class="tk" x="{X0}" y="{}">{}</text><text class="tk" x="{X1}" y="{}" text-anchor="end">{}</text>"#,
            H - 2.0,
            first.0.format("%Y-%m"),
            H - 2.0,
            last.0.format("%Y-%m-%d")
        );
    }
    o.push_str("</svg>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_breaks_the_line_and_the_last_value_is_written() {
        let d = |m| NaiveDate::from_ymd_opt(2019, m, 28).unwrap();
        let pts = [
            (d(1), Some(0.5)),
            (d(2), None),
            (d(3), Some(0.75)),
            (d(4), Some(1.0)),
        ];
        let mut o = String::new();
        sparkline(
            &mut o,
            &Spark {
                points: &pts,
                ratio: true,
                target: Some(1.0),
                label: "组织覆盖率 organisation coverage",
                fmt: &|v| super::super::fmt::pct(v),
            },
        );
        // Two pieces: M at the first point, M again after the gap, then L.
        assert_eq!(o.matches(" M").count() + o.matches("\"M").count(), 2);
        assert!(o.contains(">目标 target 100%</text>"));
        assert_eq!(o.matches("<circle").count(), 3);
    }
}
