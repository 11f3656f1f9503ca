//! Duties, cadences and vocabulary in words (中文, English): what the catalogue, the pages
//! and the tables say instead of ids (路长巡查（每3天）, patrol by road chiefs (every 3 days)).

use super::{ActivityKind, AppliesTo, Cadence, Designation, Duty, Vocabulary};

/// `snake_case` as words.
pub(crate) fn words(id: &str) -> String {
    id.replace('_', " ")
}

pub(crate) fn activity(a: &ActivityKind) -> (String, String) {
    match ActivityKind::KNOWN.iter().find(|k| k.0 == a.as_str()) {
        Some(&(_, zh, en)) => (zh.to_string(), en.to_string()),
        None => (a.as_str().to_string(), words(a.as_str())),
    }
}

pub(crate) fn designation(d: &Designation) -> (String, String) {
    match Designation::KNOWN.iter().find(|k| k.0 == d.as_str()) {
        Some(&(_, zh, en)) => (zh.to_string(), en.to_string()),
        None => (d.as_str().to_string(), words(d.as_str())),
    }
}

/// Who owes a duty, singular (中文, English).
pub(crate) fn owed_by(a: &AppliesTo) -> (String, String) {
    match a {
        AppliesTo::Role(r) => (r.zh().into(), r.en().into()),
        AppliesTo::Unit(k) => (k.zh().into(), k.en().into()),
        AppliesTo::Org(k) => (k.zh().into(), k.en().into()),
        AppliesTo::Designation(d) => designation(d),
    }
}

/// The English plural of a noun phrase (its last word).
pub(crate) fn plural(s: &str) -> String {
    if s.ends_with("ch") || s.ends_with("sh") || s.ends_with('s') || s.ends_with('x') {
        format!("{s}es")
    } else if s.ends_with('y') && !s.ends_with("ay") && !s.ends_with("ey") && !s.ends_with("oy") {
        format!("{}ies", &s[..s.len() - 1])
    } else {
        format!("{s}s")
    }
}

/// "every 3 days", "monthly" (中文, English).
pub(crate) fn cadence(c: Cadence) -> (String, String) {
    match c {
        Cadence::Days(1) => ("每天".into(), "daily".into()),
        Cadence::Days(n) => (format!("每{n}天"), format!("every {n} days")),
        Cadence::Week => ("每周".into(), "weekly".into()),
        Cadence::Month => ("每月".into(), "monthly".into()),
        Cadence::Quarter => ("每季度".into(), "quarterly".into()),
        Cadence::HalfYear => ("每半年".into(), "half-yearly".into()),
        Cadence::Year => ("每年".into(), "yearly".into()),
    }
}

/// `1 day`, `4 days`: a count with an English plural unit made singular for one.
pub(crate) fn count_en(n: u64, plural: &str) -> String {
    if n == 1 {
        let one = plural
            .strip_suffix("ies")
            .map(|s| format!("{s}y"))
            .or_else(|| plural.strip_suffix('s').map(str::to_string))
            .unwrap_or_else(|| plural.to_string());
        format!("1 {one}")
    } else {
        format!("{n} {plural}")
    }
}

/// The unit a lapse is counted in (中文, English, plural).
pub(crate) fn lapse_unit(c: Cadence) -> (&'static str, &'static str) {
    match c {
        Cadence::Days(_) => ("天", "days"),
        Cadence::Week => ("周", "weeks"),
        Cadence::Month => ("个月", "months"),
        Cadence::Quarter => ("个季度", "quarters"),
        Cadence::HalfYear => ("个半年", "half-years"),
        Cadence::Year => ("年", "years"),
    }
}

/// What a duty asks, without the cadence: 路长巡查 / patrol by road chiefs.
pub(crate) fn duty_what(d: &Duty) -> (String, String) {
    let (who_zh, who_en) = owed_by(&d.applies_to);
    let (what_zh, what_en) = activity(&d.activity);
    let en = match d.applies_to {
        AppliesTo::Role(_) => format!("{what_en} by {}", plural(&who_en)),
        _ => format!("{what_en} at {}", plural(&who_en)),
    };
    (format!("{who_zh}{what_zh}"), en)
}

/// A duty's cadence phrase with its minimum count: 每3天 / every 3 days.
pub(crate) fn duty_cadence(d: &Duty) -> (String, String) {
    let (zh, en) = cadence(d.cadence);
    match d.min_count() {
        1 => (zh, en),
        n => (format!("{zh}至少{n}次"), format!("{n} times {en}")),
    }
}
