//! Targets (`target.<id>`): which target counts for a metric at a scope, and the
//! achievement row.

use chrono::NaiveDate;

use super::index::TargetIx;
use super::value::{Direction, Metric, MetricDef, MetricKind, PerLedger, Val};
use crate::model::{Ledger, Programme};

/// The target family (`target.<id>`): not computed per scope like the others, its rows
/// follow the row of the metric each target is on.
pub(crate) struct Targets;

/// A metric's value at a scope and the target counting for it there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Achieved {
    /// The metric's value.
    pub value: Option<f64>,
    /// The target value.
    pub target: f64,
    /// The baseline, if any.
    pub baseline: Option<f64>,
}

/// The catalogue entry (template) of this family and the achievement it computes.
pub(crate) const ACHIEVEMENT: Metric<Achieved> = Metric {
    def: MetricDef {
        id: "target.<id>",
        zh: "目标达成度",
        en: "target achievement",
        definition: "Achievement of the target counting for a metric at a scope: numerator = the metric's value - \
                     baseline, denominator = target - baseline (baseline 0 when empty); value null when the metric \
                     is null (then the numerator is null too) or the denominator is 0. A target belongs to the row \
                     whose scope is its scope (empty: the root); a target whose scope is not among the evaluated \
                     rows produces nothing. With several for one metric and scope, the one with the earliest due \
                     on or after as_of counts, else the one due last. The metric's own row carries `target` and \
                     `due`; the `target.<id>` row follows it right after and has a null `target` and no `due`. A \
                     target on indicator X targets `indicator.X` and gives the row `target.X`.",
        kind: MetricKind::Ratio,
        direction: Direction::Higher,
        programme: Programme::Leading,
        per_ledger: Some(PerLedger::Target),
    },
    value: achievement,
};

/// The target that counts among `candidates` (rows of the targets table for one metric and
/// scope): the earliest due on or after `as_of`, else the one due last.
pub(crate) fn select(l: &Ledger, candidates: &[TargetIx], as_of: NaiveDate) -> Option<TargetIx> {
    let due = |t: &TargetIx| l.targets[*t].due;
    let upcoming = candidates
        .iter()
        .filter(|t| due(t) >= as_of)
        .min_by_key(|t| (due(t), **t));
    upcoming
        .or_else(|| {
            candidates
                .iter()
                .max_by_key(|t| (due(t), std::cmp::Reverse(**t)))
        })
        .copied()
}

/// The achievement of a target by a metric: (value - baseline) / (target - baseline).
fn achievement(a: &Achieved) -> Val {
    let baseline = a.baseline.unwrap_or(0.0);
    let denominator = a.target - baseline;
    match a.value {
        Some(v) => Val::ratio(v - baseline, denominator),
        None => Val {
            value: None,
            numerator: None,
            denominator: Some(denominator),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Extra;
    use crate::model::Target;

    fn target(due: NaiveDate, value: f64, baseline: Option<f64>) -> Target {
        Target {
            metric: "coverage.org".into(),
            scope: None,
            due,
            value,
            baseline,
            extra: Extra::new(),
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_earliest_upcoming_target_counts_else_the_last() {
        let mut l = Ledger::new();
        l.targets.push(target(d(2019, 12, 31), 1.0, None));
        l.targets.push(target(d(2019, 9, 30), 0.9, None));
        l.targets.push(target(d(2019, 3, 31), 0.5, None));
        let t = TargetIx::new;
        let all = [t(0), t(1), t(2)];
        assert_eq!(select(&l, &all, d(2019, 7, 31)), Some(t(1)));
        assert_eq!(select(&l, &all, d(2019, 9, 30)), Some(t(1))); // due on as_of counts
        assert_eq!(select(&l, &all, d(2020, 1, 1)), Some(t(0)));
        assert_eq!(select(&l, &[], d(2020, 1, 1)), None);
    }

    fn achievement(value: Option<f64>, t: &Target) -> Val {
        (ACHIEVEMENT.value)(&Achieved {
            value,
            target: t.value,
            baseline: t.baseline,
        })
    }

    #[test]
    fn achievement_against_a_baseline() {
        // value 0.8, baseline 0.6, target 1.0: (0.8 - 0.6) / (1.0 - 0.6) = 0.5
        let a = achievement(Some(0.8), &target(d(2019, 12, 31), 1.0, Some(0.6)));
        assert!((a.value.unwrap() - 0.5).abs() < 1e-12);
        assert!((a.numerator.unwrap() - 0.2).abs() < 1e-12);
        assert!((a.denominator.unwrap() - 0.4).abs() < 1e-12);
        // a null metric gives a null achievement; target = baseline gives n/a
        assert_eq!(
            achievement(None, &target(d(2019, 12, 31), 1.0, None)).value,
            None
        );
        assert_eq!(
            achievement(Some(3.0), &target(d(2019, 12, 31), 2.0, Some(2.0))).value,
            None
        );
    }

    #[test]
    fn a_lapse_still_at_its_baseline_has_achieved_zero_not_minus_zero() {
        // A lapse of 7 months to bring down to 0 from a baseline of 7, still 7:
        // (7 - 7) / (0 - 7) = 0, written `0` (a -0.0 would print as `-0` and `-0.0%`).
        let a = achievement(Some(7.0), &target(d(2019, 12, 31), 0.0, Some(7.0)));
        let v = a.value.unwrap();
        assert_eq!(v, 0.0);
        assert!(v.is_sign_positive(), "{v}");
        assert_eq!(a.denominator, Some(-7.0));
    }
}
