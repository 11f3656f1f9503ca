//! Synthetic ledgers: valid, deterministic, at any scale.
//!
//! [`generate`] builds a ledger from a [`Spec`] with the shape of the Chengxi example
//! (`DOMAIN.md`) at a chosen scale. The unit of scale is the **district** (区): a unit of
//! kind `district` with its party committee, 8 offices (机关) and their branches, and
//! [`Spec::areas`] areas (片), each with villages (a branch each, liaison cadres, first
//! secretaries, villager representatives, a regional committee over the first ten),
//! industrial blocks with two-new committees, roads with road chiefs who patrol, and an
//! area office whose branches hold the staff; [`Spec::enterprises`] enterprises (mostly
//! above scale) in those blocks, villages and roads, with their own branches, general
//! branches and committees, joint branches, instructors and red workshops, and links of the
//! district's leadership to about 60% of them (`enterprise_liaison`); tackling groups
//! with key tasks and their progress; organisation-life meetings with attendance; the duties
//! of the example (3-day road patrols, monthly red-workshop visits, 三会一课); indicators
//! with observations and targets. [`Spec::district()`] is about the size of a real
//! district: about 1,400 units, 1,000 party organisations, 10,000 people (party members,
//! mostly) and 35,000 activities, 3 MB of CSV.
//!
//! With [`Spec::districts`] above 1, the root is a city (a unit of kind `district`, id
//! `city`, with a city committee `oc`) with that many districts below it (`d0`, `d1`, ...),
//! each generated as above with its own committee, offices and leadership; with 1 the
//! district is the root (id `d`). `dangjian generate --districts 20` writes about 28k
//! units, 203k people and 700k activities (63 MB of CSV); 100 districts about 141k units,
//! 1.0M people and 3.5M activities (327 MB).
//!
//! The same spec and seed always give the same ledger (the random numbers come from a
//! SplitMix64 generator written here, not from a crate whose streams may change between
//! versions). The data are deliberately imperfect, so that every metric has work to do:
//! enterprises without a party organisation, branches under 3 formal members, renewals
//! skipped, road chiefs who patrol every 5 days, roads without a chief, members who never
//! attend, tasks that are late. The ledger passes [`Ledger::validate`] with no errors;
//! warnings (small branches, records dated after `as_of`) are intended. Everything is dated
//! up to [`Spec::as_of`] (2019-07-31 by default), the default evaluation date.
//!
//! ```
//! use dangjian::synth::{generate, Spec};
//!
//! let ledger = generate(&Spec { seed: 7, ..Spec::tiny() });
//! assert!(!ledger.validate().has_errors());
//! assert!(ledger.units.len() > 50);
//! // Same spec, same ledger.
//! assert_eq!(ledger, generate(&Spec { seed: 7, ..Spec::tiny() }));
//! ```

use std::collections::HashSet;

mod ids;
pub use ids::IdShape;

use chrono::{Datelike, NaiveDate};

use crate::calendar::{add_days, add_months, add_years, days_in_month};
use crate::metrics::{coverage, leading, orgs, tasks, MetricId};
use crate::model::{
    Activity, AppliesTo, Cadence, Designation, DesignationRecord, Duty, Election, Indicator,
    Initiative, InitiativeKind, Observation, Org, OrgId, OrgKind, Person, PersonId, Programme,
    Progress, Role, RoleKind, Target, Unit, UnitId, UnitKind,
};
use crate::Ledger;

/// The scale and shape of a synthetic ledger: how many districts, and what each holds.
///
/// Every count but `districts` is per district. The counts that follow are roughly: units
/// per district = 1 + 8 offices + areas x (1 + villages + blocks + roads + 1 area office) +
/// enterprises + red workshops; people ~= 10 x (enterprises + villages x 2) for
/// `people_per_org` = 10; activities ~= 2.3 organisation-life meetings per organisation and
/// month over `history_months` months up to `as_of`, plus a patrol every 2 to 4 days per road
/// chief from the chief's start (2018 or later).
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    /// Seed of the random stream: the same spec and seed give the same ledger.
    pub seed: u64,
    /// Districts: 1 makes the district the root; more put them under a city root.
    pub districts: usize,
    /// Areas (片) in each district.
    pub areas: usize,
    /// Villages in each area.
    pub villages_per_area: usize,
    /// Industrial blocks in each area (at least 2 in each district are made).
    pub blocks_per_area: usize,
    /// Roads in each area (under the area, one of its blocks, or the district).
    pub roads_per_area: usize,
    /// Enterprises in each district (about 85% above scale), spread over blocks (70%),
    /// villages (25%) and roads (5%).
    pub enterprises: usize,
    /// Typical members of an enterprise branch (villages have twice as many, capped at 45).
    pub people_per_org: usize,
    /// Key tasks (重难点工作) in each district, three to a tackling group.
    pub key_tasks: usize,
    /// Mean share of the due organisation-life meetings an organisation actually holds
    /// (each organisation draws its own diligence around it): committee meeting and theme
    /// day monthly, member assembly and party lesson quarterly.
    pub meetings_kept: f64,
    /// How often members come: each member draws the share of meetings they attend
    /// uniformly in [`attendance_min`, `attendance_min` + 0.4] (8% never come; office staff
    /// attend 70% to 100%).
    pub attendance_min: f64,
    /// Months of organisation-life and visit history up to `as_of` (12 or more lets a
    /// year-long trend see data at every month end).
    pub history_months: u32,
    /// The evaluation date: the latest activity is on this day.
    pub as_of: NaiveDate,
    /// What the ids look like: numbered in a row (the default), UUIDs or identity and
    /// other long numbers ([`IdShape`]). Only the names change: the same spec and seed
    /// give the same records and the same metrics whatever the shape.
    pub ids: IdShape,
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

impl Default for Spec {
    /// One district: [`Spec::district()`].
    fn default() -> Spec {
        Spec::district()
    }
}

impl Spec {
    /// One district of about the size of a real one (seed 0): 4 areas of 32 villages,
    /// 2 blocks and 11 roads each, 1,160 enterprises, 40 key tasks, 14 months of history;
    /// about 1,400 units, 1,000 orgs, 10,000 people and 35,000 activities (2.9 MB of CSV).
    pub fn district() -> Spec {
        Spec {
            seed: 0,
            districts: 1,
            areas: 4,
            villages_per_area: 32,
            blocks_per_area: 2,
            roads_per_area: 11,
            enterprises: 1_160,
            people_per_org: 8,
            key_tasks: 40,
            meetings_kept: 0.88,
            attendance_min: 0.4,
            history_months: 14,
            as_of: ymd(2019, 7, 31),
            ids: IdShape::Numbered,
        }
    }

    /// `n` districts of [`Spec::district()`] under a city root (`n` = 1: the district alone).
    pub fn districts(n: usize) -> Spec {
        Spec {
            districts: n.max(1),
            ..Spec::district()
        }
    }

    /// About the size of the embedded Chengxi example (a small new district): 2 areas,
    /// 18 villages, 106 enterprises, 30 roads, 33 key tasks.
    pub fn example_like() -> Spec {
        Spec {
            seed: 2019,
            districts: 1,
            areas: 2,
            villages_per_area: 9,
            blocks_per_area: 1,
            roads_per_area: 15,
            enterprises: 106,
            people_per_org: 6,
            key_tasks: 33,
            meetings_kept: 0.88,
            attendance_min: 0.6,
            history_months: 16,
            as_of: ymd(2019, 7, 31),
            ids: IdShape::Numbered,
        }
    }

    /// A small ledger for tests: a few of everything.
    pub fn tiny() -> Spec {
        Spec {
            areas: 2,
            villages_per_area: 3,
            blocks_per_area: 1,
            roads_per_area: 3,
            enterprises: 24,
            people_per_org: 5,
            key_tasks: 6,
            ..Spec::example_like()
        }
    }

    /// The first day of the activity history.
    pub fn history_start(&self) -> NaiveDate {
        add_months(self.as_of, -(self.history_months as i32))
            .with_day(1)
            .map_or(self.as_of, |d| add_months(d, 1))
    }
}

/// The position of each unit of `l` by its id.
fn unit_index(l: &Ledger) -> std::collections::HashMap<&str, usize> {
    l.units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), i))
        .collect()
}

/// A small deterministic random stream (SplitMix64).
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    /// A stream from a seed.
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x6a09_e667_f3bc_c909)
    }
    /// The next 64 random bits.
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
    /// Uniform in `lo..=hi` (`lo` when `hi < lo`).
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo + 1) as u128;
        lo + ((u128::from(self.next_u64()) * span) >> 64) as i64
    }
    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        self.range(0, n as i64 - 1) as usize
    }
    /// A day uniform in `[a, b]` (`a` when `b < a`).
    fn date(&mut self, a: NaiveDate, b: NaiveDate) -> NaiveDate {
        add_days(a, self.range(0, (b - a).num_days()))
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "叶", "应",
    "麻", "童", "范",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀", "霞", "平", "刚", "华", "建", "永", "天", "云", "和", "文", "卫", "东", "升", "庭", "树",
    "舒", "拉", "雄",
];

/// A member of an organisation with organisation life, and how likely they attend.
struct Member {
    person: u32,
    attends: f64,
}

/// An organisation that holds meetings.
struct Life {
    org: OrgId,
    kind: OrgKind,
    from: NaiveDate,
    until: Option<NaiveDate>,
    diligence: f64,
    members: Vec<Member>,
}

/// Staff of an area office, in branches of at most 45 members.
struct Pool {
    unit: UnitId,
    /// The branch taking new staff: its id, members so far and life.
    org: Option<(OrgId, usize, usize)>,
    branches: usize,
}

struct Gen<'s> {
    s: &'s Spec,
    rng: Rng,
    l: Ledger,
    as_of: NaiveDate,
    start: NaiveDate,
    /// The root unit: the district, or the city above the districts.
    root: UnitId,
    /// The district being generated, its party committee and the prefix of its own ids
    /// (empty when the district is the root).
    district: UnitId,
    committee: OrgId,
    prefix: String,
    /// Which district is being generated (0-based), for ids numbered across districts.
    nth: usize,
    lives: Vec<Life>,
    pools: Vec<Pool>,
    villages: HashSet<String>,
    leadership: Vec<u32>,
    instructor: Option<(u32, usize)>,
}

/// Generates the ledger of `spec`: deterministic for a given spec and seed, valid (no
/// errors from [`Ledger::validate`]; warnings such as branches under 3 formal members and
/// records dated after `as_of` are intended).
///
/// Generating takes about 5 KB of memory per person of the ledger (4.8 GB for 100
/// districts, 1M people).
pub fn generate(spec: &Spec) -> Ledger {
    let mut g = Gen {
        s: spec,
        rng: Rng::new(spec.seed),
        l: Ledger::new(),
        as_of: spec.as_of,
        start: spec.history_start(),
        root: UnitId::new("d"),
        district: UnitId::new("d"),
        committee: OrgId::new("oc"),
        prefix: String::new(),
        nth: 0,
        lives: Vec::new(),
        pools: Vec::new(),
        villages: Default::default(),
        leadership: Vec::new(),
        instructor: None,
    };
    g.run();
    ids::reshape(&mut g.l, spec.ids, spec.seed);
    g.l
}

impl Gen<'_> {
    fn run(&mut self) {
        let n = self.s.districts.max(1);
        if n > 1 {
            self.city();
        }
        let mut all_areas = Vec::new();
        for k in 0..n {
            if n > 1 {
                self.nth = k;
                self.prefix = format!("d{k}");
                self.district = UnitId::new(format!("d{k}"));
                self.committee = OrgId::new(format!("d{k}oc"));
                self.leadership.clear();
                self.instructor = None;
            }
            self.district(n > 1);
            let areas = self.areas();
            self.enterprises(&areas);
            self.tasks(&areas);
            all_areas.extend(areas);
        }
        self.lives_to_activities();
        self.duties_and_indicators(&all_areas);
        self.workplaces();
        self.liaisons();
        // A ledger kept over time is roughly chronological; ids follow that order.
        self.l.activities.sort_by_key(|a| a.date);
        for (i, a) in self.l.activities.iter_mut().enumerate() {
            a.id = Some(format!("a{i}").into());
        }
    }

    /// Where members work and how many employees the above-scale enterprises have
    /// (`docs/STATS.md`), drawn from a generator of their own so that every other record is
    /// as it was: members of an enterprise's organisations work there (a joint branch's in
    /// turn at its hosts), and about a third of the enterprises without an organisation
    /// have 1 to 4 formal members from elsewhere working there.
    fn workplaces(&mut self) {
        let mut rng = Rng::new(self.s.seed ^ 0x5374_6174_735f_7770);
        let l = &mut self.l;
        let index = unit_index(l);
        let enterprise_of = |u: &UnitId| -> Option<usize> {
            let mut i = *index.get(u.as_str())?;
            if l.units[i].kind == UnitKind::Workshop {
                i = *index.get(l.units[i].parent.as_ref()?.as_str())?;
            }
            (l.units[i].kind == UnitKind::Enterprise).then_some(i)
        };
        let mut org_ents: std::collections::HashMap<&str, (Vec<usize>, usize)> =
            std::collections::HashMap::new();
        let mut hosting = vec![false; l.units.len()];
        for o in &l.orgs {
            if !(o.kind.is_primary() || o.kind == OrgKind::Group) {
                continue;
            }
            let ents: Vec<usize> = o.hosts.iter().filter_map(enterprise_of).collect();
            for &e in &ents {
                hosting[e] = true;
            }
            if !ents.is_empty() {
                org_ents.insert(o.id.as_str(), (ents, 0));
            }
        }
        let mut workplace: Vec<Option<usize>> = vec![None; l.people.len()];
        for (i, p) in l.people.iter().enumerate() {
            if let Some((ents, turn)) = p.org.as_ref().and_then(|o| org_ents.get_mut(o.as_str())) {
                workplace[i] = Some(ents[*turn % ents.len()]);
                *turn += 1;
            }
        }
        // Formal members working nowhere yet: a few go to enterprises without an organisation.
        let free: Vec<usize> = (0..l.people.len())
            .filter(|&i| workplace[i].is_none() && l.people[i].confirmed.is_some())
            .collect();
        let uncovered: Vec<usize> = (0..l.units.len())
            .filter(|&u| {
                l.units[u].kind == UnitKind::Enterprise && l.units[u].above_scale && !hosting[u]
            })
            .collect();
        if !free.is_empty() {
            for &u in &uncovered {
                if rng.chance(0.35) {
                    for _ in 0..rng.range(1, 4) {
                        workplace[free[rng.below(free.len())]] = Some(u);
                    }
                }
            }
        }
        let ids: Vec<UnitId> = l.units.iter().map(|u| u.id.clone()).collect();
        for (p, w) in l.people.iter_mut().zip(workplace) {
            p.workplace = w.map(|u| ids[u].clone());
        }
        for u in &mut l.units {
            if u.kind == UnitKind::Enterprise && u.above_scale {
                u.employees = Some(rng.range(30, 2000) as u64);
            }
        }
    }

    /// Links of the leadership to enterprises (班子成员联企联党建, `coverage.liaison`), drawn
    /// from a generator of their own so that every other record is as it was: about 60% of
    /// the above-scale enterprises are linked to a member of their district's leadership,
    /// most through the enterprise itself and one in five through the first org listing it
    /// among its hosts (which may be a joint branch, dissolved, or not set up until after
    /// `as_of`); a few links ended before `as_of` and a few start after it.
    fn liaisons(&mut self) {
        let mut rng = Rng::new(self.s.seed ^ 0x4c69_6169_736f_6e73);
        let as_of = self.as_of;
        let l = &self.l;
        let index = unit_index(l);
        // The nearest district above a unit (below a city, that is the district, not the city).
        let district_of = |mut i: usize| -> Option<&str> {
            loop {
                let u = &l.units[i];
                if u.kind == UnitKind::District {
                    return Some(u.id.as_str());
                }
                i = *index.get(u.parent.as_ref()?.as_str())?;
            }
        };
        let mut leadership: std::collections::HashMap<&str, Vec<&PersonId>> =
            std::collections::HashMap::new();
        for r in l.roles.iter().filter(|r| r.role == RoleKind::Leadership) {
            leadership
                .entry(r.target.as_str())
                .or_default()
                .push(&r.person);
        }
        let mut first_org: std::collections::HashMap<&str, &OrgId> =
            std::collections::HashMap::new();
        for o in &l.orgs {
            for h in &o.hosts {
                first_org.entry(h.as_str()).or_insert(&o.id);
            }
        }
        let mut links = Vec::new();
        for (i, u) in l.units.iter().enumerate() {
            if u.kind != UnitKind::Enterprise || !u.above_scale || !rng.chance(0.6) {
                continue;
            }
            let Some(team) = district_of(i).and_then(|d| leadership.get(d)) else {
                continue;
            };
            let who = team[rng.below(team.len())].clone();
            let target = match first_org.get(u.id.as_str()) {
                Some(o) if rng.chance(0.2) => o.as_str(),
                _ => u.id.as_str(),
            };
            let start = if rng.chance(0.05) {
                rng.date(add_days(as_of, 1), add_days(as_of, 90))
            } else {
                rng.date(ymd(2018, 1, 1), as_of)
            };
            let end =
                (start <= as_of && rng.chance(0.08)).then(|| rng.date(start, add_days(as_of, -1)));
            let mut r = Role::new(who, RoleKind::EnterpriseLiaison, target, start);
            r.end = end;
            links.push(r);
        }
        self.l.roles.extend(links);
    }

    /// The city above several districts: its unit and party committee.
    fn city(&mut self) {
        let mut root = Unit::new("city", UnitKind::District, "合成市");
        root.tags = vec!["synthetic".into()];
        self.l.units.push(root);
        self.root = UnitId::new("city");
        self.org(
            "oc".into(),
            OrgKind::Committee,
            "中共合成市委员会".into(),
            vec![self.root.clone()],
            None,
            ymd(2008, 3, 1),
            None,
            0,
        );
    }

    fn name(&mut self) -> String {
        let mut n = SURNAMES[self.rng.below(SURNAMES.len())].to_string();
        n.push_str(GIVEN[self.rng.below(GIVEN.len())]);
        if self.rng.chance(0.7) {
            n.push_str(GIVEN[self.rng.below(GIVEN.len())]);
        }
        n
    }

    /// A new person aged within `ages` on `as_of`; a party member of `org` when given.
    fn person(&mut self, org: Option<&OrgId>, ages: (i64, i64)) -> u32 {
        let n = self.l.people.len() as u32;
        let name = self.name();
        let mut p = Person::new(format!("p{n}"), name);
        let age = self.rng.range(ages.0, ages.1) as i32;
        let birth = add_days(add_years(self.as_of, -age), -self.rng.range(0, 364));
        if !self.rng.chance(0.02) {
            p.birth_date = Some(birth);
        }
        if let Some(o) = org {
            p.org = Some(o.clone());
            let earliest = add_years(birth, 19).max(ymd(1970, 1, 1));
            let latest = add_days(self.as_of, -30);
            let joined = if self.rng.chance(0.06) {
                // Recently admitted: still probationary on `as_of`.
                self.rng.date(add_days(self.as_of, -330), latest)
            } else {
                self.rng.date(earliest.min(latest), latest)
            };
            p.joined = Some(joined);
            let confirmed = add_days(add_years(joined, 1), self.rng.range(0, 30));
            if confirmed <= self.as_of {
                p.confirmed = Some(confirmed);
            }
        }
        self.l.people.push(p);
        n
    }

    fn pid(&self, p: u32) -> PersonId {
        self.l.people[p as usize].id.clone()
    }

    fn role(
        &mut self,
        p: u32,
        role: RoleKind,
        target: &str,
        start: NaiveDate,
        end: Option<NaiveDate>,
    ) {
        let mut r = Role::new(self.pid(p), role, target, start);
        r.end = end;
        self.l.roles.push(r);
    }

    fn unit(&mut self, id: String, kind: UnitKind, name: String, parent: &UnitId) -> UnitId {
        let u = Unit::new(id, kind, name).with_parent(parent.clone());
        let id = u.id.clone();
        self.l.units.push(u);
        id
    }

    /// An organisation, its elections (primary kinds) and, when it holds meetings, its
    /// members and secretary. Returns the org id and the life index, if any.
    #[allow(clippy::too_many_arguments)]
    fn org(
        &mut self,
        id: String,
        kind: OrgKind,
        name: String,
        hosts: Vec<UnitId>,
        parent: Option<OrgId>,
        established: NaiveDate,
        dissolved: Option<NaiveDate>,
        members: usize,
    ) -> (OrgId, Option<usize>) {
        let first_host_village = hosts
            .first()
            .is_some_and(|h| self.villages.contains(h.as_str()));
        let mut org = Org::new(id, kind, name, hosts, established);
        org.parent = parent;
        org.dissolved = dissolved;
        let oid = org.id.clone();
        self.l.orgs.push(org);

        let mut last_election = established;
        if kind.is_primary() {
            let years = if kind == OrgKind::Committee || first_host_village {
                5
            } else {
                3
            };
            let mut d = add_days(established, self.rng.range(0, 20));
            while d <= self.as_of && dissolved.is_none_or(|x| d <= x) {
                self.l.elections.push(Election {
                    org: oid.clone(),
                    date: d,
                    note: None,
                    extra: Default::default(),
                });
                last_election = d;
                let next = add_days(add_years(d, years), self.rng.range(-30, 10));
                // Some renewals are skipped: the term runs out (换届逾期).
                if next <= d || self.rng.chance(0.12) {
                    break;
                }
                d = next;
            }
        }
        if members == 0 {
            return (oid, None);
        }
        let mut list = Vec::with_capacity(members);
        for _ in 0..members {
            let p = self.person(Some(&oid), (22, 70));
            // Most attend most meetings; a few never come (半年未过组织生活).
            let attends = if self.rng.chance(0.08) {
                0.0
            } else {
                self.s.attendance_min + 0.4 * self.rng.f64()
            };
            list.push(Member { person: p, attends });
        }
        if kind != OrgKind::Group {
            let sec = list[0].person;
            let start = last_election.max(established);
            self.role(sec, RoleKind::Secretary, oid.as_str(), start, dissolved);
        }
        let spread = (1.0 - self.s.meetings_kept).max(0.0);
        let diligence =
            (self.s.meetings_kept + spread * (2.0 * self.rng.f64() - 1.0)).clamp(0.0, 1.0);
        self.lives.push(Life {
            org: oid.clone(),
            kind,
            from: established,
            until: dissolved,
            diligence,
            members: list,
        });
        (oid, Some(self.lives.len() - 1))
    }

    /// A member of the staff of area `a`'s office (or of the district offices when `a` is
    /// `None`), of any age in `ages`.
    fn staff(&mut self, a: usize, ages: (i64, i64)) -> u32 {
        let (oid, n, life) = match self.pools[a].org.clone() {
            Some(open) if open.1 < 45 => open,
            _ => {
                let k = self.pools[a].branches;
                let unit = self.pools[a].unit.clone();
                let (oid, life) = self.org(
                    format!("{unit}b{k}"),
                    OrgKind::Branch,
                    format!("{unit}第{}党支部", k + 1),
                    vec![unit.clone()],
                    Some(self.committee.clone()),
                    ymd(2012, 3, 1),
                    None,
                    3,
                );
                self.pools[a].branches += 1;
                (oid, 3, life.unwrap_or(0))
            }
        };
        self.pools[a].org = Some((oid.clone(), n + 1, life));
        let p = self.person(Some(&oid), ages);
        let attends = 0.7 + 0.3 * self.rng.f64();
        self.lives[life].members.push(Member { person: p, attends });
        let unit = self.pools[a].unit.clone();
        let since = self.rng.date(ymd(2010, 1, 1), ymd(2019, 6, 30));
        self.role(p, RoleKind::Staff, unit.as_str(), since, None);
        p
    }

    /// The next instructor (one person serves up to 6 targets).
    fn instructor(&mut self, a: usize) -> u32 {
        match self.instructor {
            Some((p, n)) if n < 6 => {
                self.instructor = Some((p, n + 1));
                p
            }
            _ => {
                let p = self.staff(a, (28, 60));
                self.instructor = Some((p, 1));
                p
            }
        }
    }

    /// The district's unit (the root, or a child of the city), its committee, offices,
    /// their branches and the leadership team.
    fn district(&mut self, below_city: bool) {
        let pre = self.prefix.clone();
        let root = self.district.clone();
        let name = if below_city {
            self.unit(
                root.to_string(),
                UnitKind::District,
                format!("合成市第{}区", self.nth + 1),
                &self.root.clone(),
            );
            format!("合成市第{}区", self.nth + 1)
        } else {
            let mut u = Unit::new(root.clone(), UnitKind::District, "合成新区");
            u.tags = vec!["synthetic".into()];
            self.l.units.push(u);
            "合成新区".to_string()
        };
        let offices = [
            "党政办公室",
            "组织人事办公室",
            "经济发展办公室",
            "规划建设办公室",
            "征迁安置办公室",
            "社会事务办公室",
            "农业农村办公室",
            "综合执法办公室",
        ];
        let offices: Vec<UnitId> = offices
            .iter()
            .enumerate()
            .map(|(i, n)| {
                self.unit(
                    format!("{pre}off{i}"),
                    UnitKind::Office,
                    n.to_string(),
                    &root,
                )
            })
            .collect();
        let est = ymd(2010, 3, 1);
        let parent = below_city.then(|| OrgId::new("oc"));
        self.org(
            self.committee.to_string(),
            OrgKind::Committee,
            format!("中共{name}委员会"),
            vec![root.clone()],
            parent,
            est,
            None,
            0,
        );
        let groups: [&[usize]; 3] = [&[0, 1, 2], &[3, 4], &[5, 6, 7]];
        let ppo = self.s.people_per_org;
        for (k, g) in groups.iter().enumerate() {
            let hosts = g.iter().map(|&i| offices[i].clone()).collect();
            let (_, life) = self.org(
                format!("{pre}ob{k}"),
                OrgKind::Branch,
                format!("机关第{}党支部", k + 1),
                hosts,
                Some(self.committee.clone()),
                est,
                None,
                (ppo * 2).min(40),
            );
            let Some(life) = life else { continue };
            let members: Vec<u32> = self.lives[life].members.iter().map(|m| m.person).collect();
            for (j, p) in members.into_iter().enumerate() {
                let office = offices[g[j % g.len()]].clone();
                let since = self.rng.date(ymd(2012, 1, 1), ymd(2019, 5, 31));
                self.role(p, RoleKind::Staff, office.as_str(), since, None);
                if k == 0 && self.leadership.len() < 9 {
                    let since = self.rng.date(ymd(2014, 1, 1), ymd(2018, 12, 31));
                    self.role(p, RoleKind::Leadership, root.as_str(), since, None);
                    self.leadership.push(p);
                }
            }
        }
        if let Some(&secretary) = self.leadership.first() {
            let committee = self.committee.clone();
            self.role(
                secretary,
                RoleKind::Secretary,
                committee.as_str(),
                ymd(2016, 9, 22),
                None,
            );
        }
    }

    /// Areas with their villages, blocks, roads, an area office; returns per area the
    /// villages, blocks and roads.
    fn areas(&mut self) -> Vec<AreaUnits> {
        let root = self.district.clone();
        let ppo = self.s.people_per_org;
        let mut out = Vec::new();
        // Areas are numbered across districts; `a` also indexes `pools`.
        let first = self.pools.len();
        for a in first..first + self.s.areas {
            let area = self.unit(
                format!("a{a}"),
                UnitKind::Area,
                format!("第{}片", a + 1),
                &root,
            );
            let office = self.unit(
                format!("a{a}o"),
                UnitKind::Office,
                format!("第{}片区办公室", a + 1),
                &area,
            );
            self.pools.push(Pool {
                unit: office,
                org: None,
                branches: 0,
            });
            let mut villages = Vec::new();
            for v in 0..self.s.villages_per_area {
                let name = format!("{}村", self.name());
                let vid = self.unit(format!("a{a}v{v}"), UnitKind::Village, name, &area);
                self.villages.insert(vid.as_str().to_string());
                let est = self.rng.date(ymd(2000, 1, 1), ymd(2012, 12, 31));
                let n = (ppo * 2 + self.rng.below(ppo + 1)).min(45);
                self.org(
                    format!("ov{a}_{v}"),
                    OrgKind::Branch,
                    format!("{vid}党支部"),
                    vec![vid.clone()],
                    Some(self.committee.clone()),
                    est,
                    None,
                    n,
                );
                // Village liaison: most villages have a liaison cadre, some a first secretary.
                if self.rng.chance(0.85) {
                    let p = self.staff(a, (24, 55));
                    let since = self.rng.date(ymd(2017, 1, 1), ymd(2019, 6, 30));
                    let end = self.rng.chance(0.06).then(|| {
                        self.rng.date(
                            add_days(since, 30).max(ymd(2019, 1, 1)),
                            add_days(self.as_of, -5),
                        )
                    });
                    self.role(
                        p,
                        RoleKind::LiaisonCadre,
                        vid.as_str(),
                        since,
                        end.filter(|e| *e >= since),
                    );
                }
                if self.rng.chance(0.1) {
                    let p = self.staff(a, (28, 50));
                    let since = self.rng.date(ymd(2017, 6, 1), ymd(2019, 3, 31));
                    self.role(p, RoleKind::FirstSecretary, vid.as_str(), since, None);
                }
                let rep = self.person(None, (35, 70));
                self.role(
                    rep,
                    RoleKind::VillagerRep,
                    vid.as_str(),
                    ymd(2017, 3, 1),
                    None,
                );
                villages.push(vid);
            }
            // A regional committee co-building across the area's first villages.
            let hosts: Vec<UnitId> = villages.iter().take(10).cloned().collect();
            if !hosts.is_empty() {
                self.org(
                    format!("orc{a}"),
                    OrgKind::RegionalCommittee,
                    format!("第{}片区域委员会", a + 1),
                    hosts,
                    Some(self.committee.clone()),
                    ymd(2018, 6, 30),
                    None,
                    0,
                );
            }
            let designation = match a - first {
                0 => Some(Designation::BEAUTIFUL_CIRCLE),
                1 => Some(Designation::BEAUTIFUL_LINE),
                _ => None,
            };
            for v in villages.iter().take(10) {
                if let Some(d) = designation {
                    self.designate(v, d, ymd(2018, 6, 30), None);
                }
            }
            if let Some(v) = villages.get(1) {
                let v = v.clone();
                self.designate(&v, Designation::FIELD_COMPLEX, ymd(2019, 3, 1), None);
            }

            let blocks_here = if a - first < 2 {
                self.s.blocks_per_area.max(1)
            } else {
                self.s.blocks_per_area
            };
            let mut blocks = Vec::new();
            for b in 0..blocks_here {
                let bid = self.unit(
                    format!("a{a}b{b}"),
                    UnitKind::Block,
                    format!("第{}片{}号区块", a + 1, b + 1),
                    &area,
                );
                // Two-new committees: most blocks have one, a few are set up later.
                let est = if self.rng.chance(0.7) {
                    self.rng.date(ymd(2017, 1, 1), self.as_of)
                } else {
                    self.rng
                        .date(add_days(self.as_of, 1), add_days(self.as_of, 120))
                };
                self.org(
                    format!("otn{a}_{b}"),
                    OrgKind::TwoNewCommittee,
                    format!("{bid}两新委员会"),
                    vec![bid.clone()],
                    Some(self.committee.clone()),
                    est,
                    None,
                    0,
                );
                blocks.push(bid);
            }

            let mut roads = Vec::new();
            for r in 0..self.s.roads_per_area {
                let parent = match self.rng.below(10) {
                    0 => root.clone(),
                    1..=3 if !blocks.is_empty() => blocks[self.rng.below(blocks.len())].clone(),
                    _ => area.clone(),
                };
                let name = format!("{}路", self.name());
                let rid = self.unit(format!("a{a}r{r}"), UnitKind::Road, name, &parent);
                let since = self
                    .rng
                    .chance(0.05)
                    .then(|| self.rng.date(ymd(2019, 2, 1), ymd(2019, 6, 30)));
                let until = self
                    .rng
                    .chance(0.02)
                    .then(|| ymd(2019, 5, 31))
                    .filter(|u| since.is_none_or(|s| s <= *u));
                if let Some(u) = self.l.units.last_mut() {
                    u.length_m = Some(self.rng.range(200, 5000) as f64);
                    u.since = since;
                    u.until = until;
                }
                if self.rng.chance(0.1) {
                    self.designate(&rid, Designation::MODEL_ROAD, ymd(2019, 1, 1), None);
                }
                self.road_chiefs(a, &rid, since, until);
                roads.push(rid);
            }
            out.push(AreaUnits {
                index: a,
                area,
                villages,
                blocks,
                roads,
            });
        }
        out
    }

    fn designate(&mut self, unit: &UnitId, name: &str, since: NaiveDate, until: Option<NaiveDate>) {
        self.l.designations.push(DesignationRecord {
            unit: unit.clone(),
            designation: Designation::new(name),
            since,
            until,
            extra: Default::default(),
        });
    }

    /// Chiefs of one road and their patrols (every 1 to 3 days for most, sloppier for some).
    fn road_chiefs(
        &mut self,
        a: usize,
        road: &UnitId,
        since: Option<NaiveDate>,
        until: Option<NaiveDate>,
    ) {
        if !self.rng.chance(0.92) {
            return;
        }
        let chiefs = if self.rng.chance(0.03) { 2 } else { 1 };
        // A chief serves while the road exists: from its `since`, until its `until`.
        let first = since.unwrap_or(ymd(2018, 1, 1));
        let last = until.unwrap_or(ymd(2019, 6, 30));
        for _ in 0..chiefs {
            let mut start = self.rng.date(first, last.max(first));
            loop {
                let p = self.staff(a, (30, 68));
                if self.rng.chance(0.3) {
                    let root = self.district.clone();
                    self.role(
                        p,
                        RoleKind::PartyDelegate,
                        root.as_str(),
                        ymd(2017, 1, 1),
                        None,
                    );
                }
                let mut end = until;
                let handover =
                    until.is_none() && self.rng.chance(0.1) && (self.as_of - start).num_days() > 90;
                if handover {
                    end = Some(
                        self.rng
                            .date(add_days(start, 60), add_days(self.as_of, -10)),
                    );
                }
                self.role(p, RoleKind::RoadChief, road.as_str(), start, end);
                self.patrols(p, road, start, end);
                match end {
                    Some(e) if handover => start = add_days(e, self.rng.range(1, 20)),
                    _ => break,
                }
                if start > self.as_of {
                    break;
                }
            }
        }
    }

    fn patrols(&mut self, p: u32, road: &UnitId, start: NaiveDate, end: Option<NaiveDate>) {
        let sloppy = self.rng.chance(0.25);
        let last = end.map_or(self.as_of, |e| e.min(self.as_of));
        let mut d = add_days(start, self.rng.range(0, 2));
        let who = self.pid(p);
        while d <= last {
            let mut a = Activity::new("patrol", d, road.as_str());
            a.people = [who.clone()].into_iter().collect();
            self.l.activities.push(a);
            let gap = if sloppy {
                self.rng.range(2, 6)
            } else if self.rng.chance(0.03) {
                self.rng.range(4, 6)
            } else {
                self.rng.range(1, 3)
            };
            d = add_days(d, gap);
        }
    }

    fn enterprises(&mut self, areas: &[AreaUnits]) {
        let ppo = self.s.people_per_org;
        // Parents: blocks (70%), villages (25%), roads (5%), each with its area.
        let mut placed: Vec<(usize, UnitId, usize)> = Vec::with_capacity(self.s.enterprises);
        for n in 0..self.s.enterprises {
            let a = self.rng.below(areas.len());
            let au = &areas[a];
            let r = self.rng.below(100);
            let parent = if r < 70 && !au.blocks.is_empty() {
                au.blocks[self.rng.below(au.blocks.len())].clone()
            } else if r < 95 && !au.villages.is_empty() {
                au.villages[self.rng.below(au.villages.len())].clone()
            } else if !au.roads.is_empty() {
                au.roads[self.rng.below(au.roads.len())].clone()
            } else {
                au.area.clone()
            };
            placed.push((a, parent, n));
        }
        // Keep the enterprises of one parent together so joint branches are local.
        placed.sort_by(|x, y| {
            (x.0, x.1.as_str())
                .cmp(&(y.0, y.1.as_str()))
                .then(x.2.cmp(&y.2))
        });

        let mut joint: Vec<(UnitId, Option<NaiveDate>)> = Vec::new();
        let mut i = 0;
        while i < placed.len() {
            let (local, parent, _) = placed[i].clone();
            let a = areas[local].index;
            let two_new = areas[local]
                .blocks
                .iter()
                .position(|b| *b == parent)
                .map(|b| OrgId::new(format!("otn{a}_{b}")));
            let mut j = i;
            while j < placed.len() && placed[j].1 == parent {
                let n = placed[j].2 + self.nth * self.s.enterprises;
                let eid = self.unit(
                    format!("e{n}"),
                    UnitKind::Enterprise,
                    format!("企业{n}有限公司"),
                    &parent,
                );
                let above = self.rng.chance(0.85);
                let since = self
                    .rng
                    .chance(0.02)
                    .then(|| self.rng.date(ymd(2019, 2, 1), ymd(2019, 10, 31)));
                let until = self
                    .rng
                    .chance(0.01)
                    .then(|| self.rng.date(ymd(2019, 1, 15), ymd(2019, 6, 30)))
                    .filter(|u| since.is_none_or(|s| s <= *u));
                if let Some(u) = self.l.units.last_mut() {
                    u.above_scale = above;
                    u.since = since;
                    u.until = until;
                }
                let r = self.rng.f64();
                let category = if above {
                    match r {
                        x if x < 0.03 => Cat::Committee,
                        x if x < 0.08 => Cat::GeneralBranch,
                        x if x < 0.70 => Cat::Branch,
                        x if x < 0.85 => Cat::Joint,
                        _ => Cat::None,
                    }
                } else if r < 0.35 {
                    Cat::Joint
                } else {
                    Cat::None
                };
                let est = match self.rng.f64() {
                    x if x < 0.06 => self.rng.date(ymd(2019, 1, 1), self.as_of),
                    x if x < 0.07 => self
                        .rng
                        .date(add_days(self.as_of, 1), add_days(self.as_of, 60)),
                    _ => self.rng.date(ymd(2008, 1, 1), ymd(2018, 12, 31)),
                }
                .max(since.unwrap_or(NaiveDate::MIN));
                match category {
                    Cat::Joint => joint.push((eid, since)),
                    Cat::None => {
                        // Work coverage without an organisation: an instructor for half.
                        if above && self.rng.chance(0.5) {
                            let p = self.instructor(a);
                            let start = self.rng.date(ymd(2018, 1, 1), self.as_of);
                            let end = self
                                .rng
                                .chance(0.1)
                                .then(|| self.rng.date(start, self.as_of));
                            self.role(p, RoleKind::Instructor, eid.as_str(), start, end);
                        }
                    }
                    Cat::Committee | Cat::GeneralBranch | Cat::Branch => {
                        self.enterprise_orgs(a, &eid, category, est, two_new.clone(), ppo);
                    }
                }
                j += 1;
            }
            // Joint branches of 2 to 5 neighbours (one alone only when nobody else is left).
            let mut k = 0;
            while k < joint.len() {
                let left = joint.len() - k;
                let mut take = if left <= 5 {
                    left
                } else {
                    self.rng.range(2, 5) as usize
                };
                if left > 5 && left - take < 2 {
                    take = left - 2;
                }
                let chunk: Vec<(UnitId, Option<NaiveDate>)> = joint[k..k + take].to_vec();
                let est = chunk
                    .iter()
                    .filter_map(|c| c.1)
                    .max()
                    .unwrap_or(NaiveDate::MIN)
                    .max(self.rng.date(ymd(2010, 1, 1), ymd(2019, 6, 30)));
                let hosts: Vec<UnitId> = chunk.iter().map(|c| c.0.clone()).collect();
                let members = if self.rng.chance(0.1) {
                    2
                } else {
                    self.rng.range(3, 8) as usize
                };
                let id = format!("oj{}", hosts[0]);
                self.org(
                    id,
                    OrgKind::JointBranch,
                    format!("{}等联合党支部", hosts[0]),
                    hosts,
                    two_new.clone(),
                    est,
                    None,
                    members,
                );
                k += take;
            }
            joint.clear();
            i = j;
        }
    }

    /// The organisations of one enterprise with its own: a committee (with party groups), a
    /// general branch or a branch; some dissolved and refounded; red workshops.
    fn enterprise_orgs(
        &mut self,
        a: usize,
        eid: &UnitId,
        cat: Cat,
        est: NaiveDate,
        parent: Option<OrgId>,
        ppo: usize,
    ) {
        let workshop = (self.rng.chance(0.08) && est <= self.as_of).then(|| {
            self.unit(
                format!("{eid}w"),
                UnitKind::Workshop,
                format!("{eid}红色车间"),
                eid,
            )
        });
        let mut hosts = vec![eid.clone()];
        if let (Some(w), Cat::Branch) = (&workshop, cat) {
            if self.rng.chance(0.3) {
                hosts.push(w.clone());
            }
        }
        let (kind, members) = match cat {
            Cat::Committee => (OrgKind::Committee, ppo * 3 / 2),
            Cat::GeneralBranch => (OrgKind::GeneralBranch, ppo * 2),
            _ if self.rng.chance(0.08) => (OrgKind::Branch, self.rng.range(1, 3) as usize),
            _ => (
                OrgKind::Branch,
                self.rng.range((ppo / 3).max(1) as i64, (ppo * 2) as i64) as usize,
            ),
        };
        let dissolved = (kind == OrgKind::Branch && self.rng.chance(0.02))
            .then(|| self.rng.date(ymd(2018, 9, 1), ymd(2019, 6, 30)))
            .filter(|d| *d >= est);
        let name = match kind {
            OrgKind::Committee => format!("{eid}党委"),
            OrgKind::GeneralBranch => format!("{eid}党总支"),
            _ => format!("{eid}党支部"),
        };
        let (oid, _) = self.org(
            format!("o{eid}"),
            kind,
            name,
            hosts,
            parent.clone(),
            est,
            dissolved,
            members.max(1),
        );
        if kind == OrgKind::Committee {
            for g in 0..2 {
                self.org(
                    format!("o{eid}g{g}"),
                    OrgKind::Group,
                    format!("{eid}第{}党小组", g + 1),
                    vec![eid.clone()],
                    Some(oid.clone()),
                    est,
                    None,
                    (ppo / 2).max(3),
                );
            }
        }
        if let Some(d) = dissolved {
            if self.rng.chance(0.5) {
                let again = add_days(d, self.rng.range(10, 60));
                self.org(
                    format!("o{eid}n"),
                    OrgKind::Branch,
                    format!("{eid}党支部(重建)"),
                    vec![eid.clone()],
                    parent,
                    again,
                    None,
                    ppo,
                );
            } else if self.rng.chance(0.5) {
                // An instructor assigned to the dissolved org still gives work coverage.
                let p = self.instructor(a);
                let start = self.rng.date(d, self.as_of);
                self.role(p, RoleKind::Instructor, oid.as_str(), start, None);
            }
        }
        if let Some(w) = workshop {
            let since = self.rng.date(ymd(2017, 6, 1), ymd(2019, 6, 30)).max(est);
            let until = self
                .rng
                .chance(0.05)
                .then(|| self.rng.date(since, self.as_of));
            self.designate(&w, Designation::RED_WORKSHOP, since, until);
            if self.rng.chance(0.2) {
                // The workshop's own branch does not count for its enterprise.
                self.org(
                    format!("o{w}"),
                    OrgKind::Branch,
                    format!("{w}党支部"),
                    vec![w.clone()],
                    Some(oid.clone()),
                    since,
                    None,
                    (ppo / 2).max(3),
                );
            }
            let p = self.instructor(a);
            let start = add_days(since, -self.rng.range(0, 60));
            self.role(p, RoleKind::Instructor, w.as_str(), start, None);
            // Monthly instructor visits, most months.
            let who = self.pid(p);
            let mut m = add_months(start.max(self.start), 0)
                .with_day(1)
                .unwrap_or(start);
            while m <= self.as_of {
                if self.rng.chance(0.88) {
                    let d = self.day_in_month(m).max(start);
                    if d <= self.as_of && until.is_none_or(|u| d <= u) {
                        let mut act = Activity::new("instructor_visit", d, w.as_str());
                        act.people = [who.clone()].into_iter().collect();
                        act.note = Some("红色车间党建指导".into());
                        self.l.activities.push(act);
                    }
                }
                m = add_months(m, 1);
            }
        }
    }

    /// A random day of `m`'s month, not after `as_of`.
    fn day_in_month(&mut self, m: NaiveDate) -> NaiveDate {
        let days = days_in_month(m.year(), m.month());
        let d = m
            .with_day(self.rng.range(1, i64::from(days)) as u32)
            .unwrap_or(m);
        d.min(self.as_of)
    }

    /// Tackling groups, key tasks with progress, their cadres and activities; projects and
    /// campaigns.
    fn tasks(&mut self, areas: &[AreaUnits]) {
        let n_tf = self.s.key_tasks.div_ceil(3);
        let year = self.as_of.year();
        let year_end = ymd(year, 12, 31);
        for t in 0..n_tf {
            let au = &areas[self.rng.below(areas.len())];
            let a = au.index;
            let host = if au.villages.is_empty() || self.rng.chance(0.2) {
                au.area.clone()
            } else {
                au.villages[self.rng.below(au.villages.len())].clone()
            };
            let est = self.rng.date(ymd(year, 1, 1), ymd(year, 6, 30));
            let (tf, _) = self.org(
                format!("tf{}", self.nth * n_tf + t),
                OrgKind::TaskForce,
                format!("{host}攻坚党小组"),
                vec![host.clone()],
                Some(self.committee.clone()),
                est,
                None,
                0,
            );
            let leader = if !self.leadership.is_empty() && self.rng.chance(0.6) {
                self.leadership[self.rng.below(self.leadership.len())]
            } else {
                self.staff(a, (32, 55))
            };
            self.role(leader, RoleKind::Leader, tf.as_str(), est, None);
            let mut crew = vec![leader];
            for _ in 0..self.rng.range(3, 6) {
                let young = self.rng.chance(0.6);
                let p = self.staff(a, if young { (24, 35) } else { (36, 58) });
                self.role(p, RoleKind::Member, tf.as_str(), est, None);
                if young && self.rng.chance(0.5) {
                    let root = self.district.clone();
                    self.role(
                        p,
                        RoleKind::ShockTeam,
                        root.as_str(),
                        add_days(est, -30),
                        None,
                    );
                }
                crew.push(p);
            }
            for k in 0..3 {
                let n = t * 3 + k;
                if n >= self.s.key_tasks {
                    break;
                }
                let unit = match self.rng.below(10) {
                    0 => None,
                    1 | 2 => Some(au.area.clone()),
                    _ => Some(host.clone()),
                };
                self.key_task(self.nth * self.s.key_tasks + n, unit, &tf, &crew);
            }
        }
        // Projects and campaigns: not key tasks, but they have progress too.
        for au in areas {
            let a = au.index;
            let mut x = Initiative::new(
                format!("pj{a}"),
                InitiativeKind::Project,
                Programme::Leading,
                format!("{}重大项目", au.area),
                ymd(year + 1, 12, 31),
            );
            x.unit = Some(au.area.clone());
            x.start = Some(ymd(year - 1, 10, 1));
            self.l.initiatives.push(x);
            let mut pct = 0.0;
            let mut m = ymd(year - 1, 10, 28);
            while m <= self.as_of {
                pct = f64::min(100.0, pct + self.rng.range(1, 6) as f64);
                self.l.progress.push(Progress {
                    initiative: format!("pj{a}").into(),
                    date: m,
                    percent: pct,
                    note: None,
                    extra: Default::default(),
                });
                m = add_months(m, 1);
            }
        }
        for (c, title) in ["五水共治", "垃圾分类", "环境整治", "治危拆违"]
            .iter()
            .enumerate()
        {
            let mut x = Initiative::new(
                format!("{}cp{c}", self.prefix),
                InitiativeKind::Campaign,
                Programme::Leading,
                title.to_string(),
                year_end,
            );
            if self.root != self.district {
                x.unit = Some(self.district.clone());
            }
            self.l.initiatives.push(x);
        }
    }

    fn key_task(&mut self, n: usize, unit: Option<UnitId>, tf: &OrgId, crew: &[u32]) {
        let year = self.as_of.year();
        let deadline = match self.rng.below(20) {
            0 | 1 => ymd(year, 6, 30),
            2 => ymd(year, 10, 31),
            _ => ymd(year, 12, 31),
        };
        let r = self.rng.f64();
        let start = if r < 0.75 {
            Some(self.rng.date(ymd(year, 1, 1), self.as_of.min(deadline)))
        } else if r < 0.85 {
            Some(
                self.rng
                    .date(add_days(self.as_of, 1), add_days(self.as_of, 60))
                    .min(deadline),
            )
        } else {
            None
        };
        let id = format!("t{n}");
        let mut x = Initiative::new(
            id.clone(),
            InitiativeKind::KeyTask,
            Programme::Growth,
            format!("重难点工作{}", n + 1),
            deadline,
        );
        x.unit = unit;
        x.owner = Some(tf.clone());
        x.start = start;
        x.weight = match self.rng.below(4) {
            0 => Some(2.0),
            1 => Some(3.0),
            2 => Some(1.0),
            _ => None,
        };
        self.l.initiatives.push(x);

        // Progress: a run of updates that rises, sometimes to 100; some tasks have none.
        let first = match start {
            Some(s) if s <= self.as_of => Some(s),
            Some(_) => self
                .rng
                .chance(0.2)
                .then(|| self.rng.date(ymd(year, 3, 1), self.as_of)),
            None => self
                .rng
                .chance(0.8)
                .then(|| self.rng.date(ymd(year, 1, 1), self.as_of)),
        };
        let Some(first) = first else { return };
        let pace = 0.2 + 0.8 * self.rng.f64() * if self.rng.chance(0.15) { 2.5 } else { 1.0 };
        let span = (deadline - first).num_days().max(1) as f64;
        let mut d = add_days(first, self.rng.range(0, 10));
        let mut pct: f64 = 0.0;
        while d <= self.as_of {
            let target = ((d - first).num_days() as f64 / span * 100.0 * pace).min(100.0);
            pct = pct.max(target.round());
            if pct > 0.0 {
                self.l.progress.push(Progress {
                    initiative: id.clone().into(),
                    date: d,
                    percent: pct,
                    note: None,
                    extra: Default::default(),
                });
            }
            if pct >= 100.0 {
                break;
            }
            d = add_days(d, self.rng.range(10, 35));
        }
        // On-site meetings and home visits about the task.
        for _ in 0..self.rng.range(1, 6) {
            let day = self.rng.date(first, self.as_of);
            let kind = if self.rng.chance(0.5) {
                "onsite_meeting"
            } else {
                "home_visit"
            };
            let mut act = Activity::new(kind, day, id.as_str());
            act.people = crew.iter().map(|&p| self.pid(p)).collect();
            self.l.activities.push(act);
        }
    }

    /// Organisation-life meetings (with attendance) of every organisation that holds them.
    fn lives_to_activities(&mut self) {
        let lives = std::mem::take(&mut self.lives);
        for life in &lives {
            let from = life.from.max(self.start);
            let last = life.until.map_or(self.as_of, |u| u.min(self.as_of));
            if from > last {
                continue;
            }
            let mut m = from.with_day(1).unwrap_or(from);
            while m <= last {
                let quarter_end = m.month() % 3 == 0;
                let kinds: &[(&str, bool)] = if life.kind == OrgKind::Group {
                    &[("group_meeting", true)]
                } else if quarter_end {
                    &[
                        ("committee_meeting", false),
                        ("theme_day", true),
                        ("member_assembly", true),
                        ("party_lesson", true),
                    ]
                } else {
                    &[("committee_meeting", false), ("theme_day", true)]
                };
                for &(kind, attendance) in kinds {
                    if !self.rng.chance(life.diligence) {
                        continue;
                    }
                    let d = self.day_in_month(m);
                    if d < from || d > last {
                        continue;
                    }
                    let mut act = Activity::new(kind, d, life.org.as_str());
                    if attendance {
                        for mem in &life.members {
                            if self.rng.chance(mem.attends) {
                                act.people
                                    .push(self.l.people[mem.person as usize].id.clone());
                            }
                        }
                    }
                    self.l.activities.push(act);
                }
                m = add_months(m, 1);
            }
        }
        // Something always happens on the evaluation date, so it is the default `as_of`.
        let mut a = Activity::new("work_meeting", self.as_of, self.root.as_str());
        a.note = Some("工作例会".into());
        self.l.activities.push(a);
    }

    fn duties_and_indicators(&mut self, areas: &[AreaUnits]) {
        let duty = |id: &str, activity: &str, applies_to: AppliesTo, cadence: Cadence| {
            Duty::new(id, activity, applies_to, cadence)
        };
        self.l.duties = vec![
            duty(
                "road_patrol",
                "patrol",
                AppliesTo::Role(RoleKind::RoadChief),
                Cadence::Days(3),
            ),
            duty(
                "workshop_visit",
                "instructor_visit",
                AppliesTo::Designation(Designation::new(Designation::RED_WORKSHOP)),
                Cadence::Month,
            ),
            duty(
                "branch_committee_meeting",
                "committee_meeting",
                AppliesTo::Org(OrgKind::Branch),
                Cadence::Month,
            ),
            duty(
                "theme_day",
                "theme_day",
                AppliesTo::Org(OrgKind::Branch),
                Cadence::Month,
            ),
            duty(
                "member_assembly",
                "member_assembly",
                AppliesTo::Org(OrgKind::Branch),
                Cadence::Quarter,
            ),
            duty(
                "party_lesson",
                "party_lesson",
                AppliesTo::Org(OrgKind::Branch),
                Cadence::Quarter,
            ),
            duty(
                "group_meeting",
                "group_meeting",
                AppliesTo::Org(OrgKind::Group),
                Cadence::Month,
            ),
        ];
        let ind =
            |id: &str, name: &str, measure: &str, aggregate, formula: Option<&str>| Indicator {
                id: id.into(),
                name: name.into(),
                measure: Some(measure.into()),
                aggregate: Some(aggregate),
                formula: formula.map(str::to_string),
                extra: Default::default(),
            };
        use crate::model::Aggregate::*;
        self.l.indicators = vec![
            ind("lotus_area", "莲子种植面积", "亩", Sum, None),
            ind("lotus_varieties", "莲子品种数", "种", Max, None),
            ind("lotus_revenue_per_mu", "莲子亩均收入", "元/亩", Mean, None),
            ind(
                "lotus_revenue",
                "莲子种植收入",
                "元",
                Sum,
                Some("lotus_area * lotus_revenue_per_mu"),
            ),
            ind("population", "户籍人口", "人", Sum, None),
            ind("migrants", "外来人口", "人", Sum, None),
            ind("housing_renovation", "农房改造完成率", "%", Mean, None),
            ind("collective_income", "村级集体经济收入", "元", Sum, None),
        ];
        let year = self.as_of.year();
        let mut lotus_villages = Vec::new();
        for au in areas {
            for v in &au.villages {
                let pop = self.rng.range(600, 4000) as f64;
                for (k, date) in [ymd(year - 1, 12, 31), ymd(year, 6, 30)]
                    .into_iter()
                    .enumerate()
                {
                    let grow = 1.0 + 0.01 * k as f64;
                    self.observe("population", v, date, (pop * grow).round());
                    let migrants = (pop * (0.2 + 5.0 * self.rng.f64() * self.rng.f64())).round();
                    self.observe("migrants", v, date, migrants);
                }
                let income = self.rng.range(50_000, 3_000_000) as f64;
                self.observe("collective_income", v, ymd(year - 1, 12, 31), income);
                if self.rng.chance(0.3) {
                    let mut pct = self.rng.range(0, 40) as f64;
                    for date in [
                        ymd(year - 1, 9, 30),
                        ymd(year - 1, 12, 31),
                        ymd(year, 3, 31),
                        ymd(year, 6, 30),
                    ] {
                        pct = (pct + self.rng.range(0, 20) as f64).min(100.0);
                        self.observe("housing_renovation", v, date, pct);
                    }
                }
                if self.rng.chance(0.1) {
                    for (k, date) in [ymd(year - 1, 7, 10), ymd(year, 7, 12)]
                        .into_iter()
                        .enumerate()
                    {
                        let area = (60 + 45 * k as i64 + self.rng.range(0, 20)) as f64;
                        let per_mu = self.rng.range(5800, 7000) as f64;
                        let varieties = self.rng.range(30, 90) as f64;
                        self.observe("lotus_area", v, date, area);
                        self.observe("lotus_revenue_per_mu", v, date, per_mu);
                        self.observe("lotus_varieties", v, date, varieties);
                    }
                    lotus_villages.push(v.clone());
                }
            }
        }
        // The targeted metric is written as the ledger writes it (its id's text).
        let target = |metric: &dyn std::fmt::Display,
                      scope: Option<&UnitId>,
                      due: NaiveDate,
                      value: f64,
                      baseline: Option<f64>| Target {
            metric: metric.to_string(),
            scope: scope.cloned(),
            due,
            value,
            baseline,
            extra: Default::default(),
        };
        let year_end = ymd(year, 12, 31);
        let blocks = areas.iter().map(|a| a.blocks.len()).sum::<usize>() as f64;
        self.l
            .targets
            .push(target(&coverage::ORG, None, year_end, 1.0, None));
        self.l
            .targets
            .push(target(&coverage::LIAISON, None, year_end, 1.0, None));
        self.l
            .targets
            .push(target(&orgs::TWO_NEW, None, year_end, blocks, Some(0.0)));
        self.l
            .targets
            .push(target(&tasks::COMPLETED, None, year_end, 1.0, None));
        self.l.targets.push(target(
            &MetricId::duty("road_patrol"),
            None,
            year_end,
            0.95,
            Some(0.8),
        ));
        self.l.targets.push(target(
            &leading::CHIEF_COVERAGE,
            None,
            ymd(year, 6, 30),
            0.9,
            None,
        ));
        self.l.targets.push(target(
            &leading::CHIEF_COVERAGE,
            None,
            ymd(year, 9, 30),
            1.0,
            None,
        ));
        for au in areas.iter().take(5) {
            self.l
                .targets
                .push(target(&coverage::ORG, Some(&au.area), year_end, 1.0, None));
        }
        if self.s.districts > 1 {
            // Each district answers for its own coverage too.
            for k in 0..self.s.districts {
                let d = UnitId::new(format!("d{k}"));
                self.l
                    .targets
                    .push(target(&coverage::ORG, Some(&d), year_end, 1.0, None));
            }
        }
        for v in lotus_villages.iter().take(5) {
            self.l
                .targets
                .push(target(&"lotus_revenue", Some(v), year_end, 700_000.0, None));
        }
    }

    fn observe(&mut self, indicator: &str, unit: &UnitId, date: NaiveDate, value: f64) {
        self.l.observations.push(Observation {
            indicator: indicator.into(),
            unit: unit.clone(),
            date,
            value,
            note: None,
            extra: Default::default(),
        });
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cat {
    Committee,
    GeneralBranch,
    Branch,
    Joint,
    None,
}

/// The units of one area.
struct AreaUnits {
    /// The area's number across districts (its index in `pools`).
    index: usize,
    area: UnitId,
    villages: Vec<UnitId>,
    blocks: Vec<UnitId>,
    roads: Vec<UnitId>,
}
