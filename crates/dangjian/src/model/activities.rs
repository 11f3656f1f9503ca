//! Activities (dated events) and duties (recurring obligations).

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ids::{ActivityId, DutyId, PersonId, TargetId};
use super::orgs::OrgKind;
use super::people::RoleKind;
use super::units::{Designation, UnitKind};
use super::vocab::Vocabulary;
use super::Extra;

super::ids::sym_type!(
    /// An activity kind (`activities.kind`, `duties.activity`): an open vocabulary.
    ActivityKind
);

impl ActivityKind {
    /// The activity kinds named in docs/DOMAIN.md, with Chinese and English labels.
    pub const KNOWN: &'static [(&'static str, &'static str, &'static str)] = &[
        ("patrol", "巡查", "patrol"),
        ("instructor_visit", "指导", "instructor visit"),
        ("committee_meeting", "支委会", "branch committee meeting"),
        ("group_meeting", "党小组会", "party-group meeting"),
        ("member_assembly", "支部党员大会", "member assembly"),
        ("party_lesson", "党课", "party lesson"),
        ("theme_day", "主题党日", "theme party day"),
        ("onsite_meeting", "现场办公会", "on-site meeting"),
        ("home_visit", "上门服务", "home visit"),
        ("work_meeting", "工作例会", "work meeting"),
        ("oath_renewal", "重温入党誓词", "oath renewal"),
        ("commitment", "承诺践诺", "commitment"),
        ("pairing_visit", "结对帮扶", "pairing visit"),
        ("liaison_visit", "联企走访", "enterprise liaison visit"),
        (
            "org_life_meeting",
            "组织生活会",
            "organisation-life meeting",
        ),
    ];
    /// The kinds that count as organisation life (组织生活).
    pub const ORG_LIFE: &'static [&'static str] = &[
        "member_assembly",
        "group_meeting",
        "party_lesson",
        "theme_day",
        "org_life_meeting",
    ];

    /// Whether this kind is organisation life.
    pub fn is_org_life(&self) -> bool {
        Self::ORG_LIFE.contains(&self.as_str())
    }
    /// The Chinese label of a known kind.
    pub fn zh(&self) -> Option<&'static str> {
        Self::KNOWN
            .iter()
            .find(|k| k.0 == self.as_str())
            .map(|k| k.1)
    }
}

/// The people of an activity: a vector that keeps up to four inline, so that most
/// activities (a patrol, a small meeting) need no allocation of their own.
pub type People = smallvec::SmallVec<[PersonId; 4]>;

/// A dated event about a subject (`activities` table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    /// Optional id.
    pub id: Option<ActivityId>,
    /// Kind.
    pub kind: ActivityKind,
    /// Day.
    pub date: NaiveDate,
    /// About what: a unit, an organisation or an initiative.
    pub subject: TargetId,
    /// Who took part (attendance). Up to four are stored in the record itself; build one
    /// from a vector with `.into()` or from an iterator with `.collect()`.
    pub people: People,
    /// 应到人数: how many were expected.
    pub expected: Option<u32>,
    /// 实到人数: how many attended (when empty, the number of `people` listed).
    pub attended: Option<u32>,
    /// Free text (a boxed `str`, 8 bytes smaller than a `String` in each of millions of
    /// activities: `Some("...".into())` sets it).
    pub note: Option<Box<str>>,
    /// Extra `x_` columns.
    pub extra: Extra,
}

impl Activity {
    /// An activity with the required fields set.
    pub fn new(
        kind: impl Into<ActivityKind>,
        date: NaiveDate,
        subject: impl Into<TargetId>,
    ) -> Self {
        Activity {
            id: None,
            kind: kind.into(),
            date,
            subject: subject.into(),
            people: People::new(),
            expected: None,
            attended: None,
            note: None,
            extra: Extra::new(),
        }
    }
}

/// How many different people a list names: a person listed twice attended once.
fn distinct(people: &[PersonId]) -> usize {
    // Most lists are short: comparing with the ones before costs less than hashing.
    if people.len() <= 32 {
        return (0..people.len())
            .filter(|&i| !people[..i].contains(&people[i]))
            .count();
    }
    people
        .iter()
        .collect::<std::collections::HashSet<_>>()
        .len()
}

impl Activity {
    /// The attendance (`docs/STATS.md`): `attended`, or, when that is empty and `people`
    /// lists persons, the number of different persons listed.
    ///
    /// ```
    /// use dangjian::model::Activity;
    /// let mut a = Activity::new("member_assembly", chrono::NaiveDate::MIN, "b1");
    /// assert_eq!(a.attendance(), None);
    /// a.people = vec!["p1".into(), "p2".into()].into();
    /// assert_eq!(a.attendance(), Some(2));
    /// a.people = vec!["p1".into(), "p2".into(), "p1".into()].into();
    /// assert_eq!(a.attendance(), Some(2)); // p1 is counted once
    /// a.attended = Some(11);
    /// assert_eq!(a.attendance(), Some(11));
    /// ```
    pub fn attendance(&self) -> Option<u32> {
        self.attended.or_else(|| {
            (!self.people.is_empty())
                .then(|| u32::try_from(distinct(&self.people)).unwrap_or(u32::MAX))
        })
    }

    /// Whether the activity meets a quorum `q` (`docs/STATS.md`): both counts are known and
    /// `attended > q * expected` (with a slack of 1e-9). With no quorum, always.
    ///
    /// ```
    /// use dangjian::model::Activity;
    /// let mut a = Activity::new("member_assembly", chrono::NaiveDate::MIN, "b1");
    /// (a.expected, a.attended) = (Some(20), Some(10));
    /// assert!(!a.meets_quorum(Some(0.5)));   // half is not more than half
    /// a.attended = Some(11);
    /// assert!(a.meets_quorum(Some(0.5)));
    /// assert!(Activity::new("x", chrono::NaiveDate::MIN, "b1").meets_quorum(None));
    /// ```
    pub fn meets_quorum(&self, quorum: Option<f64>) -> bool {
        let Some(q) = quorum else { return true };
        match (self.attendance(), self.expected) {
            (Some(att), Some(exp)) => f64::from(att) > q * f64::from(exp) + 1e-9,
            _ => false,
        }
    }
}

/// An exemption (`exemptions` table, `docs/STATS.md`): the subject owes nothing under the
/// duty from `from` to `to` (inclusive; none: open), e.g. a branch formally excused from
/// its member assembly (不召开党员大会支部).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Exemption {
    /// The duty.
    pub duty: DutyId,
    /// The exempt subject: a unit or org id.
    pub subject: TargetId,
    /// First exempt day.
    pub from: NaiveDate,
    /// Last exempt day (none: open).
    pub to: Option<NaiveDate>,
    /// Why (free text; cleared by pseudonymization).
    pub reason: Option<String>,
    /// Extra `x_` columns.
    pub extra: Extra,
}

impl Exemption {
    /// An open exemption of `subject` from `duty` starting on `from`.
    pub fn new(duty: impl Into<DutyId>, subject: impl Into<TargetId>, from: NaiveDate) -> Self {
        Exemption {
            duty: duty.into(),
            subject: subject.into(),
            from,
            to: None,
            reason: None,
            extra: Extra::new(),
        }
    }

    /// Whether day `d` is exempt.
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.from <= d && self.to.is_none_or(|t| d <= t)
    }
}

macro_rules! serde_via_str {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as Deserialize>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// Who owes a duty (`duties.applies_to`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AppliesTo {
    /// `role:<role>`: every assignment of that role; the subject is the role's target.
    Role(RoleKind),
    /// `unit:<kind>`: every unit of that kind, while it exists.
    Unit(UnitKind),
    /// `org:<kind>`: every organisation of that kind, while it exists.
    Org(OrgKind),
    /// `designation:<name>`: every unit while it holds that designation.
    Designation(Designation),
}

/// Why an `applies_to` or cadence text did not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TermError(pub String);

impl std::str::FromStr for AppliesTo {
    type Err = TermError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let allowed = "allowed: role:<role>, unit:<unit kind>, org:<org kind>, designation:<name>";
        let (head, rest) = s
            .split_once(':')
            .ok_or_else(|| TermError(format!("unknown applies_to `{s}`; {allowed}")))?;
        match head {
            "role" => rest
                .parse()
                .map(AppliesTo::Role)
                .map_err(|e: super::UnknownTerm| TermError(e.to_string())),
            "unit" => rest
                .parse()
                .map(AppliesTo::Unit)
                .map_err(|e: super::UnknownTerm| TermError(e.to_string())),
            "org" => rest
                .parse()
                .map(AppliesTo::Org)
                .map_err(|e: super::UnknownTerm| TermError(e.to_string())),
            "designation" if !rest.is_empty() => Ok(AppliesTo::Designation(Designation::new(rest))),
            _ => Err(TermError(format!("unknown applies_to `{s}`; {allowed}"))),
        }
    }
}

impl fmt::Display for AppliesTo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppliesTo::Role(r) => write!(f, "role:{}", r.id()),
            AppliesTo::Unit(k) => write!(f, "unit:{}", k.id()),
            AppliesTo::Org(k) => write!(f, "org:{}", k.id()),
            AppliesTo::Designation(d) => write!(f, "designation:{d}"),
        }
    }
}

/// How often a duty falls due (`duties.cadence`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cadence {
    /// `<n>d`: at least `min_count` activities in every window of n days.
    Days(u32),
    /// `1w`: ISO week from Monday.
    Week,
    /// `1m`: calendar month.
    Month,
    /// `1q`: calendar quarter.
    Quarter,
    /// `6m`: half year.
    HalfYear,
    /// `1y`: calendar year.
    Year,
}

impl std::str::FromStr for Cadence {
    type Err = TermError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "1w" => Ok(Cadence::Week),
            "1m" => Ok(Cadence::Month),
            "1q" => Ok(Cadence::Quarter),
            "6m" => Ok(Cadence::HalfYear),
            "1y" => Ok(Cadence::Year),
            _ => s
                .strip_suffix('d')
                .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|n| n.parse::<u32>().ok())
                .filter(|&n| n >= 1)
                .map(Cadence::Days)
                .ok_or_else(|| {
                    TermError(format!(
                        "unknown cadence `{s}`; allowed: <n>d (n >= 1), 1w, 1m, 1q, 6m, 1y"
                    ))
                }),
        }
    }
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cadence::Days(n) => write!(f, "{n}d"),
            Cadence::Week => f.write_str("1w"),
            Cadence::Month => f.write_str("1m"),
            Cadence::Quarter => f.write_str("1q"),
            Cadence::HalfYear => f.write_str("6m"),
            Cadence::Year => f.write_str("1y"),
        }
    }
}

serde_via_str!(AppliesTo);
serde_via_str!(Cadence);

/// A recurring obligation (`duties` table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Duty {
    /// Unique id (among duties).
    pub id: DutyId,
    /// The activity kind owed.
    pub activity: ActivityKind,
    /// Who owes it.
    pub applies_to: AppliesTo,
    /// How often.
    pub cadence: Cadence,
    /// Minimum count per window or period; `None` means 1.
    pub min_count: Option<u32>,
    /// Owed from this day.
    pub from: Option<NaiveDate>,
    /// Owed until this day.
    pub to: Option<NaiveDate>,
    /// The share of the expected attendance a qualifying activity needs more than, in
    /// (0, 1] (`docs/STATS.md`); none: attendance does not matter.
    pub quorum: Option<f64>,
    /// Extra `x_` columns.
    pub extra: Extra,
}

impl Duty {
    /// A duty with the required fields set.
    pub fn new(
        id: impl Into<DutyId>,
        activity: impl Into<ActivityKind>,
        applies_to: AppliesTo,
        cadence: Cadence,
    ) -> Self {
        Duty {
            id: id.into(),
            activity: activity.into(),
            applies_to,
            cadence,
            min_count: None,
            from: None,
            to: None,
            quorum: None,
            extra: Extra::new(),
        }
    }

    /// The minimum count, 1 when not given.
    pub fn min_count(&self) -> u32 {
        self.min_count.unwrap_or(1)
    }
}
