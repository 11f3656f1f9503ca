//! The first summary of a ledger: records per table, per programme, the date range.

use std::fmt::Write;

use dangjian::model::{Programme, Table, Vocabulary};
use dangjian::Ledger;

/// Renders the summary as text (Chinese and English labels).
pub fn summary(l: &Ledger) -> String {
    let mut out = String::new();
    let root = l
        .roots()
        .next()
        .map(|u| format!("{} ({})", u.name, u.id))
        .unwrap_or_else(|| "(no units)".into());
    let _ = writeln!(out, "台账 Ledger: {root}");
    if let Some((a, b)) = l.date_range() {
        let _ = writeln!(out, "日期范围 Dates: {a} .. {b}");
    }
    if let Some(d) = l.latest_date() {
        let _ = writeln!(out, "默认评估日 Default as-of: {d}");
    }
    let _ = writeln!(out, "\n记录 Records per table");
    for t in Table::ALL {
        let _ = writeln!(out, "  {:<14} {:>7}", t.name(), l.len_of(t));
    }
    let _ = writeln!(out, "\n项目 Initiatives per programme");
    for p in Programme::ALL {
        let n = l.initiatives.iter().filter(|i| i.programme == *p).count();
        let _ = writeln!(out, "  {} {:<12} {:>5}", p.zh(), p.en(), n);
    }
    out
}
