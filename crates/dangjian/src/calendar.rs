//! Dates, periods and windows.
//!
//! Calendar arithmetic used by the metrics: months and years added with the day clamped to
//! the end of the month (31 August minus 6 months is 28 February; 29 February plus a year is
//! 28 February), and the calendar periods of duty cadences (ISO week from Monday, month,
//! quarter, half year, year). Nothing here panics: a date that would fall outside the range
//! of [`NaiveDate`] saturates at [`NaiveDate::MIN`] or [`NaiveDate::MAX`].
//!
//! ```
//! use chrono::NaiveDate;
//! use dangjian::calendar::{add_months, add_years, Period};
//!
//! let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
//! assert_eq!(add_months(d(2019, 8, 31), -6), d(2019, 2, 28));
//! assert_eq!(add_years(d(2016, 2, 29), 3), d(2019, 2, 28));
//! assert_eq!(Period::Quarter.containing(d(2019, 8, 15)), (d(2019, 7, 1), d(2019, 9, 30)));
//! ```

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// The number of days of month `month` (1 to 12) of `year`.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if NaiveDate::from_ymd_opt(year, 2, 29).is_some() => 29,
        _ => 28,
    }
}

/// The last day of `d`'s month.
pub fn month_end(d: NaiveDate) -> NaiveDate {
    d.with_day(days_in_month(d.year(), d.month())).unwrap_or(d)
}

/// `d` plus `months` calendar months (negative: minus), the day clamped to the end of the
/// resulting month (2019-08-31 minus 6 months is 2019-02-28).
pub fn add_months(d: NaiveDate, months: i32) -> NaiveDate {
    let total = i64::from(d.year()) * 12 + i64::from(d.month0()) + i64::from(months);
    let year = total.div_euclid(12);
    let month = total.rem_euclid(12) as u32 + 1;
    let Ok(year) = i32::try_from(year) else {
        return if months < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        };
    };
    let day = d.day().min(days_in_month(year, month));
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(if months < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

/// `d` plus `years` calendar years; 29 February becomes 28 February in a common year.
pub fn add_years(d: NaiveDate, years: i32) -> NaiveDate {
    add_months(d, years.saturating_mul(12))
}

/// `d` plus `days` days (negative: minus), saturating at the ends of the date range.
pub fn add_days(d: NaiveDate, days: i64) -> NaiveDate {
    let r = if days >= 0 {
        d.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        d.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    r.unwrap_or(if days < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

/// The number of days from `a` to `b` (negative when `b` is before `a`).
pub fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

/// 1 January of `d`'s year.
pub fn year_start(d: NaiveDate) -> NaiveDate {
    d.with_ordinal(1).unwrap_or(d)
}

/// A calendar period of a duty cadence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    /// ISO week, Monday to Sunday.
    Week,
    /// Calendar month.
    Month,
    /// Calendar quarter (January, April, July, October).
    Quarter,
    /// Half year (January to June, July to December).
    HalfYear,
    /// Calendar year.
    Year,
}

impl Period {
    /// The first and last day of the period containing `d`.
    pub fn containing(self, d: NaiveDate) -> (NaiveDate, NaiveDate) {
        let start = self.start_of(d);
        (start, add_days(self.next_start(start), -1))
    }

    /// The first day of the period containing `d`.
    pub fn start_of(self, d: NaiveDate) -> NaiveDate {
        let first_month = |months_per_period: u32| {
            let m = d.month0() / months_per_period * months_per_period + 1;
            NaiveDate::from_ymd_opt(d.year(), m, 1).unwrap_or(d)
        };
        match self {
            Period::Week => add_days(d, -i64::from(d.weekday().num_days_from_monday())),
            Period::Month => first_month(1),
            Period::Quarter => first_month(3),
            Period::HalfYear => first_month(6),
            Period::Year => first_month(12),
        }
    }

    /// The first day of the period after the one starting on `start` (a period start).
    pub fn next_start(self, start: NaiveDate) -> NaiveDate {
        match self {
            Period::Week => add_days(start, 7),
            Period::Month => add_months(start, 1),
            Period::Quarter => add_months(start, 3),
            Period::HalfYear => add_months(start, 6),
            Period::Year => add_months(start, 12),
        }
    }

    /// The periods lying wholly inside `[first, last]`, in order, as (start, end) pairs.
    pub fn within(
        self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> impl Iterator<Item = (NaiveDate, NaiveDate)> {
        let s0 = self.start_of(first);
        let mut start = if s0 == first {
            Some(first)
        } else {
            Some(self.next_start(s0)).filter(|s| *s > s0)
        };
        std::iter::from_fn(move || {
            let s = start?;
            let next = self.next_start(s);
            // Saturation at the end of the date range: stop rather than loop.
            if next <= s {
                start = None;
                return None;
            }
            let end = add_days(next, -1);
            if end > last {
                start = None;
                return None;
            }
            start = Some(next);
            Some((s, end))
        })
    }
}

/// Every month end in `[start, end]`, in order.
pub fn month_ends(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut d = month_end(start);
    while d <= end {
        out.push(d);
        let next = month_end(add_months(d.with_day(1).unwrap_or(d), 1));
        if next <= d {
            break;
        }
        d = next;
    }
    out
}

/// Every Sunday in `[start, end]`, in order.
pub fn sundays(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let offset =
        (7 + Weekday::Sun.num_days_from_monday() - start.weekday().num_days_from_monday()) % 7;
    let mut d = add_days(start, i64::from(offset));
    while d <= end && d >= start {
        out.push(d);
        let next = add_days(d, 7);
        if next <= d {
            break;
        }
        d = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_clamp_the_day_to_the_month_end() {
        assert_eq!(add_months(d(2019, 8, 31), -6), d(2019, 2, 28));
        assert_eq!(add_months(d(2020, 8, 31), -6), d(2020, 2, 29));
        assert_eq!(add_months(d(2019, 1, 31), 1), d(2019, 2, 28));
        assert_eq!(add_months(d(2019, 3, 15), -15), d(2017, 12, 15));
        assert_eq!(add_months(d(2019, 12, 31), 1), d(2020, 1, 31));
    }

    #[test]
    fn years_turn_29_february_into_28_february() {
        assert_eq!(add_years(d(2016, 2, 29), 3), d(2019, 2, 28));
        assert_eq!(add_years(d(2016, 2, 29), 4), d(2020, 2, 29));
        assert_eq!(add_years(d(2016, 2, 29), 5), d(2021, 2, 28));
    }

    #[test]
    fn saturates_instead_of_panicking() {
        assert_eq!(add_days(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(add_days(NaiveDate::MIN, -1), NaiveDate::MIN);
        assert_eq!(add_months(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(add_years(NaiveDate::MIN, -5), NaiveDate::MIN);
        assert_eq!(
            Period::Year
                .within(NaiveDate::MIN, NaiveDate::MAX)
                .take(3)
                .count(),
            3
        );
    }

    #[test]
    fn iso_weeks_run_monday_to_sunday() {
        // 2019-07-31 is a Wednesday: its week is Mon 29 July .. Sun 4 August.
        assert_eq!(
            Period::Week.containing(d(2019, 7, 31)),
            (d(2019, 7, 29), d(2019, 8, 4))
        );
        // 2019-12-31 (Tuesday) sits in ISO week 1 of 2020, which starts Mon 30 December.
        assert_eq!(
            Period::Week.containing(d(2019, 12, 31)),
            (d(2019, 12, 30), d(2020, 1, 5))
        );
    }

    #[test]
    fn periods_containing_a_day() {
        assert_eq!(
            Period::Month.containing(d(2020, 2, 10)),
            (d(2020, 2, 1), d(2020, 2, 29))
        );
        assert_eq!(
            Period::Quarter.containing(d(2019, 11, 1)),
            (d(2019, 10, 1), d(2019, 12, 31))
        );
        assert_eq!(
            Period::HalfYear.containing(d(2019, 6, 30)),
            (d(2019, 1, 1), d(2019, 6, 30))
        );
        assert_eq!(
            Period::HalfYear.containing(d(2019, 7, 1)),
            (d(2019, 7, 1), d(2019, 12, 31))
        );
        assert_eq!(
            Period::Year.containing(d(2019, 7, 1)),
            (d(2019, 1, 1), d(2019, 12, 31))
        );
    }

    #[test]
    fn only_whole_periods_lie_within_a_range() {
        // [2019-01-15, 2019-04-30]: February, March and April are whole; January is not.
        let months: Vec<_> = Period::Month
            .within(d(2019, 1, 15), d(2019, 4, 30))
            .collect();
        assert_eq!(
            months,
            vec![
                (d(2019, 2, 1), d(2019, 2, 28)),
                (d(2019, 3, 1), d(2019, 3, 31)),
                (d(2019, 4, 1), d(2019, 4, 30))
            ]
        );
        // [2019-07-01 (Mon), 2019-07-20 (Sat)]: two whole ISO weeks, the third ends on the 21st.
        let weeks: Vec<_> = Period::Week.within(d(2019, 7, 1), d(2019, 7, 20)).collect();
        assert_eq!(
            weeks,
            vec![
                (d(2019, 7, 1), d(2019, 7, 7)),
                (d(2019, 7, 8), d(2019, 7, 14))
            ]
        );
        assert_eq!(
            Period::Quarter
                .within(d(2019, 1, 1), d(2019, 3, 30))
                .count(),
            0
        );
    }

    #[test]
    fn month_ends_and_sundays_of_a_range() {
        assert_eq!(
            month_ends(d(2019, 1, 31), d(2019, 3, 30)),
            vec![d(2019, 1, 31), d(2019, 2, 28)]
        );
        assert_eq!(
            sundays(d(2019, 7, 1), d(2019, 7, 14)),
            vec![d(2019, 7, 7), d(2019, 7, 14)]
        );
        assert_eq!(sundays(d(2019, 7, 7), d(2019, 7, 7)), vec![d(2019, 7, 7)]);
        assert!(sundays(d(2019, 7, 1), d(2019, 7, 5)).is_empty());
    }
}
