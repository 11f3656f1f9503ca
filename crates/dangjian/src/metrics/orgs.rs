//! 红色覆盖: the health of party organisations (`orgs.*`), organisation life of members
//! (`members.no_org_life`), red workshops (`workshops.red`) and two-new committees
//! (`committees.two_new`).
//!
//! An org is in scope when any of its hosts is.

use super::ctx::{Ctx, Entities, Family};
use super::index::{OrgIx, PersonIx};
use super::ix::TiVec;
use super::value::State as _;
use super::value::{Metric, MetricId, Op, Scope, Val};
use crate::calendar::{add_days, add_months, add_years};
use crate::model::{ActivityKind, Designation, OrgKind, UnitKind};

// The metrics of this family, by name: what the screens and the other layers use.
/// `orgs.viable`.
pub const VIABLE: MetricId = MetricId::Catalogue("orgs.viable");
/// `orgs.renewal_overdue`.
pub const RENEWAL_OVERDUE: MetricId = MetricId::Catalogue("orgs.renewal_overdue");
/// `orgs.renewal_due`.
pub const RENEWAL_DUE: MetricId = MetricId::Catalogue("orgs.renewal_due");
/// `members.no_org_life`.
pub const NO_ORG_LIFE: MetricId = MetricId::Catalogue("members.no_org_life");
/// `workshops.red`.
pub const RED: MetricId = MetricId::Catalogue("workshops.red");
/// `committees.two_new`.
pub const TWO_NEW: MetricId = MetricId::Catalogue("committees.two_new");

/// A metric of this family: its catalogue entry and its value from the [`Figures`].
macro_rules! def {
    ($id:expr, $zh:literal, $en:literal, $kind:ident, $dir:ident, $def:expr, $value:expr) => {
        Metric {
            def: super::value::metric!(Coverage, $id, $zh, $en, $kind, $dir, $def),
            value: $value,
        }
    };
}

/// The organisation family (`orgs.*`, `members.no_org_life`).
pub(crate) struct Orgs;

/// Red workshops and two-new committees (`workshops.red`, `committees.two_new`): the
/// organisation figures without organisation life, listed after `coverage.liaison`.
pub(crate) struct Workshops;

impl Family for Workshops {
    type Figures = Figures;
    const NAME: &'static str = "workshops";
    const ENTITIES: Entities = Entities::Orgs;
    const METRICS: &'static [Metric<Figures>] = WORKSHOP_METRICS;
    fn figures(ctx: &Ctx<'_, '_>, s: Scope, _: u32) -> Figures {
        workshop_figures(ctx, s)
    }
    /// Reads no table that takes appends.
    fn reads(_: &crate::model::Ledger, _: u32, _: &super::query::Appended) -> bool {
        false
    }
}

impl Family for Orgs {
    type Figures = Figures;
    const NAME: &'static str = "orgs";
    const ENTITIES: Entities = Entities::Orgs;
    const METRICS: &'static [Metric<Figures>] = METRICS;
    fn figures(ctx: &Ctx<'_, '_>, s: Scope, _: u32) -> Figures {
        figures(ctx, s, ctx.wants(&NO_ORG_LIFE))
    }
    /// Reads the organisation-life activities (`members.no_org_life`).
    fn reads(_: &crate::model::Ledger, _: u32, added: &super::query::Appended) -> bool {
        added.activity_kinds.iter().any(|k| k.is_org_life())
    }
}

/// The catalogue entries of this family, each with how its value is read.
const METRICS: &[Metric<Figures>] = &[
    def!(
        VIABLE,
        "支部达标率",
        "viable branches",
        Ratio,
        Higher,
        "Orgs in scope of kind `branch` or `joint_branch` active on `as_of` with at least 3 formal members / \
         such orgs; formal members are people whose `org` is exactly that org with `confirmed` <= `as_of`.",
        |f| Val::ratio(f.viable as f64, f.branches as f64)
    ),
    def!(
        RENEWAL_OVERDUE,
        "换届逾期率",
        "renewal overdue",
        Ratio,
        Lower,
        "Orgs in scope of kind `committee`, `general_branch`, `branch` or `joint_branch` active on `as_of` with \
         an election dated <= `as_of` whose term has ended / those orgs with such an election. Term end = the \
         latest such election + 5 years (kind `committee`, or the first listed host is a `village`) or + 3 \
         years (otherwise), in calendar years (29 February -> 28 February); ended when term end < `as_of`.",
        |f| Val::ratio(f.renewal_overdue as f64, f.elected as f64)
    ),
    def!(
        RENEWAL_DUE,
        "临近换届",
        "renewal due",
        Count,
        Lower,
        "Of the orgs of `orgs.renewal_overdue`'s denominator, those not overdue whose term end <= `as_of` + \
         183 days.",
        |f| Val::count(f.renewal_due)
    ),
    def!(
        NO_ORG_LIFE,
        "半年未过组织生活党员占比",
        "members without organisation life",
        Ratio,
        Lower,
        "Over orgs in scope (any kind), active on `as_of`, that recorded attendance (some organisation-life \
         activity - member_assembly, group_meeting, party_lesson, theme_day, org_life_meeting - with people \
         listed, about the org or a `group` org whose parent is the org, dated in (M, `as_of`], where M = \
         `as_of` minus 6 calendar months, the day clamped to the month's end, e.g. 2019-08-31 -> 2019-02-28): \
         their members with `joined` <= M who are listed in no such activity in (M, `as_of`] / their members \
         with `joined` <= M. A member belongs to the org named in their `org` (a group's members to the \
         group); members without `joined` are not counted.",
        |f| Val::ratio(f.absent as f64, f.eligible as f64)
    ),
];

/// `workshops.red` and `committees.two_new`: in the catalogue after `coverage.liaison`, as
/// docs/METRICS.md lists them.
const WORKSHOP_METRICS: &[Metric<Figures>] = &[
    def!(
        RED,
        "红色车间数",
        "red workshops",
        Count,
        Higher,
        "Distinct units in scope holding the `red_workshop` designation on `as_of`.",
        |f| Val::count(f.red_workshops)
    ),
    def!(
        TWO_NEW,
        "两新委员会数",
        "two-new committees",
        Count,
        Higher,
        "Orgs in scope of kind `two_new_committee` active on `as_of`.",
        |f| Val::count(f.two_new)
    ),
];

/// Organisation life of one org that recorded attendance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OrgLife {
    /// Members with `joined` <= M.
    pub eligible: u64,
    /// Of them, listed in no organisation-life activity of the window.
    pub absent: u64,
}

/// The window of organisation life: (M, `as_of`], M = `as_of` minus 6 calendar months.
fn life_window(as_of: chrono::NaiveDate) -> chrono::NaiveDate {
    add_months(as_of, -6)
}

/// Walks the organisation-life activities of org `o` in (`m`, `as_of`] (about the org or
/// one of its groups), calling `listed` for each of its members with `joined` <= `m` listed
/// in one (a member may come more than once); whether any such activity listed people
/// (the org recorded attendance).
fn walk_life(
    e: &super::index::Index<'_>,
    o: OrgIx,
    m: chrono::NaiveDate,
    as_of: chrono::NaiveDate,
    kinds: &[u32],
    mut listed: impl FnMut(PersonIx),
) -> bool {
    let l = &*e.l;
    let subjects = std::iter::once(o).chain(e.groups_of(o).iter().copied());
    life_activities(e, subjects, m, as_of, kinds, |x| {
        for &p in e.life_people(x) {
            if e.org_of_person(p) == Some(o) && l.people[p].joined.is_some_and(|j| j <= m) {
                listed(p);
            }
        }
    })
}

/// Calls `each` for every organisation-life activity about one of `subjects` (orgs) in
/// (`m`, `as_of`] that lists people; whether there was one.
fn life_activities(
    e: &super::index::Index<'_>,
    subjects: impl IntoIterator<Item = OrgIx>,
    m: chrono::NaiveDate,
    as_of: chrono::NaiveDate,
    kinds: &[u32],
    mut each: impl FnMut(super::index::ActivityIx),
) -> bool {
    let mut recorded = false;
    for subject in subjects {
        for &k in kinds {
            let (dates, acts) = e.activities(e.org_node(subject), k);
            let a = dates.partition_point(|d| *d <= m);
            let b = dates.partition_point(|d| *d <= as_of);
            for &x in &acts[a..b.max(a)] {
                if !e.l.activities[x].people.is_empty() {
                    recorded = true;
                    each(x);
                }
            }
        }
    }
    recorded
}

/// The numbers of the organisation-life activity kinds.
fn life_kinds() -> Vec<u32> {
    ActivityKind::ORG_LIFE
        .iter()
        .filter_map(|k| super::index::act_kind_named(k))
        .collect()
}

/// Organisation life of the orgs in the query's scope (none: no attendance recorded),
/// worked out for many orgs at once on every core.
fn org_life<'c>(ctx: &'c Ctx<'_, '_>) -> &'c [Option<OrgLife>] {
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
    ctx.cached::<Vec<_>>(|| {
        let e = ctx.e;
        let l = &*e.l;
        let as_of = ctx.as_of;
        let m = life_window(as_of);
        let kinds = life_kinds();
        // Who was listed for which org: one stamp per person (the org's number plus one)
        // instead of a set per org. Only a person's own org stamps them, so the threads
        // never write the same stamp.
        let stamp: TiVec<PersonIx, AtomicU32> = (0..l.people.len()).map(|_| 0.into()).collect();
        let shared = &ctx.filter.orgs;
        let life = |o: OrgIx| -> Option<OrgLife> {
            // A shared org's organisation life is carried member by member
            // ([`member_life`]): its copies may each see some of its groups' activities.
            if !l.orgs[o].active_on(as_of) || shared.get(o.index()).copied().unwrap_or(false) {
                return None;
            }
            let mark = o.index() as u32 + 1;
            let mut listed: u64 = 0;
            let recorded = walk_life(e, o, m, as_of, &kinds, |p| {
                if stamp[p].load(Relaxed) != mark {
                    stamp[p].store(mark, Relaxed);
                    listed += 1;
                }
            });
            recorded.then(|| {
                let eligible = e.joined_in(o).partition_point(|j| j.0 <= m) as u64;
                OrgLife {
                    eligible,
                    absent: eligible.saturating_sub(listed),
                }
            })
        };
        let found: Vec<(OrgIx, OrgLife)> = e
            .orgs_in(ctx.scope)
            .into_par_iter()
            .with_min_len(64)
            .filter_map(|o| life(o).map(|x| (o, x)))
            .collect();
        let mut out = vec![None; l.orgs.len()];
        for (o, x) in found {
            out[o.index()] = Some(x);
        }
        out
    })
}

/// The fields carried for each member of a shared org (`docs/PARTIALS.md`), merged by
/// "either" over the org's copies: the member is eligible (`joined` <= M), the copy
/// recorded attendance, the member is listed there.
pub(crate) const MEMBER_FIELDS: &[(&str, Op)] = &[
    ("eligible", Op::Or),
    ("recorded", Op::Or),
    ("listed", Op::Or),
];

/// The members of org `o` counted by `members.no_org_life` (`joined` <= M), each with its
/// [`MEMBER_FIELDS`] in this ledger; none when the query does not ask for the metric or the
/// org is not active on `as_of`. The copies of an org in several parts can each see only
/// some of its groups' activities: merged member by member, they give the whole's figure.
pub(crate) fn member_life(ctx: &Ctx<'_, '_>, o: OrgIx) -> Vec<(PersonIx, Vec<f64>)> {
    let e = ctx.e;
    let as_of = ctx.as_of;
    if !ctx.wants(&NO_ORG_LIFE) || !e.l.orgs[o].active_on(as_of) {
        return Vec::new();
    }
    let m = life_window(as_of);
    let mut listed = std::collections::HashSet::new();
    let recorded = walk_life(e, o, m, as_of, &life_kinds(), |p| {
        listed.insert(p);
    });
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    let eligible = e.joined_in(o).partition_point(|j| j.0 <= m);
    e.joined_in(o)[..eligible]
        .iter()
        .map(|&(_, p)| (p, vec![1.0, flag(recorded), flag(listed.contains(&p))]))
        .collect()
}

/// The member rows ([`MEMBER_FIELDS`]) this ledger adds to the organisation life of an org
/// in another ledger, through its `groups` here (split keeps their parent in
/// `x_split_parent`): for each of the org's `members` copied here (their org kept in
/// `x_split_org`) with `joined` <= M, not eligible here (the org's own ledger counts them),
/// recorded when some organisation-life activity about the groups in the window lists
/// people, and listed when it lists them. None when nothing was recorded here.
pub(crate) fn elsewhere_life(
    ctx: &Ctx<'_, '_>,
    groups: &[OrgIx],
    members: &[PersonIx],
) -> Vec<(PersonIx, Vec<f64>)> {
    let e = ctx.e;
    let l = &*e.l;
    let as_of = ctx.as_of;
    if !ctx.wants(&NO_ORG_LIFE) {
        return Vec::new();
    }
    let m = life_window(as_of);
    let mut listed = std::collections::HashSet::new();
    let recorded = life_activities(e, groups.iter().copied(), m, as_of, &life_kinds(), |x| {
        listed.extend(e.life_people(x).iter().copied());
    });
    if !recorded {
        return Vec::new();
    }
    members
        .iter()
        .filter(|&&p| l.people[p].joined.is_some_and(|j| j <= m))
        .map(|&p| {
            (
                p,
                vec![0.0, 1.0, if listed.contains(&p) { 1.0 } else { 0.0 }],
            )
        })
        .collect()
}

/// Adds a member of a shared org, their copies merged ([`MEMBER_FIELDS`]), to the org
/// figures' fields of a scope where the org is.
pub(crate) fn add_member(figures: &mut [f64], member: &[f64]) {
    let on = |i: usize| member.get(i).is_some_and(|x| *x != 0.0);
    if !(on(0) && on(1)) {
        return;
    }
    let mut f = Figures::read(figures);
    f.eligible += 1;
    f.absent += u64::from(!on(2));
    let mut out = Vec::with_capacity(figures.len());
    f.write(&mut out);
    figures.copy_from_slice(&out);
}

/// What the organisation metrics are read from, at one scope.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Figures {
    /// Active branches and joint branches; of them, with at least 3 formal members.
    branches: usize,
    viable: usize,
    /// Active primary orgs with an election; of them, overdue and due for renewal.
    elected: usize,
    renewal_overdue: usize,
    renewal_due: usize,
    /// Members eligible for organisation life; of them, absent (orgs that recorded
    /// attendance).
    eligible: u64,
    absent: u64,
    red_workshops: usize,
    two_new: usize,
}

super::value::state!(Figures {
    branches: Sum,
    viable: Sum,
    elected: Sum,
    renewal_overdue: Sum,
    renewal_due: Sum,
    eligible: Sum,
    absent: Sum,
    red_workshops: Sum,
    two_new: Sum,
});

/// The figures at scope `s` (organisation life worked out only when `life`: it is the
/// costly one).
fn figures(ctx: &Ctx<'_, '_>, s: Scope, life: bool) -> Figures {
    let e = ctx.e;
    let l = &*e.l;
    let as_of = ctx.as_of;
    let orgs: Vec<OrgIx> = e
        .orgs_in(s)
        .into_iter()
        .filter(|&o| l.orgs[o].active_on(as_of) && ctx.filter.keeps_org(o))
        .collect();

    let (mut viable, mut branches) = (0usize, 0usize);
    let (mut overdue, mut elected, mut due) = (0usize, 0usize, 0usize);
    let (mut absent, mut eligible) = (0u64, 0u64);
    let mut two_new = 0usize;
    let life: &[Option<OrgLife>] = if life { org_life(ctx) } else { &[] };
    for &o in &orgs {
        let org = &l.orgs[o];
        if matches!(org.kind, OrgKind::Branch | OrgKind::JointBranch) {
            branches += 1;
            let formal = e.confirmed_in(o).partition_point(|c| *c <= as_of);
            viable += usize::from(formal >= 3);
        }
        if org.kind.is_primary() {
            let el = e.elections_of(o);
            let n = el.partition_point(|d| *d <= as_of);
            if let Some(&latest) = n.checked_sub(1).and_then(|k| el.get(k)) {
                elected += 1;
                // A part's copy of an org hosted in several parts keeps its first host's
                // kind when that host is in another part.
                let village_first = match org
                    .extra
                    .get(crate::ledger::parts::ELSEWHERE_FIRST_HOST_KIND)
                {
                    Some(kind) => kind == UnitKind::Village.to_string().as_str(),
                    None => org
                        .hosts
                        .first()
                        .and_then(|h| e.unit_of(h.sym()))
                        .is_some_and(|u| l.units[u].kind == UnitKind::Village),
                };
                let years = if org.kind == OrgKind::Committee || village_first {
                    5
                } else {
                    3
                };
                let term_end = add_years(latest, years);
                if term_end < as_of {
                    overdue += 1;
                } else if term_end <= add_days(as_of, 183) {
                    due += 1;
                }
            }
        }
        if let Some(x) = life.get(o.index()).copied().flatten() {
            absent += x.absent;
            eligible += x.eligible;
        }
        two_new += usize::from(org.kind == OrgKind::TwoNewCommittee);
    }

    let red = red_workshops(ctx, s);

    Figures {
        branches,
        viable,
        elected,
        renewal_overdue: overdue,
        renewal_due: due,
        eligible,
        absent,
        red_workshops: red,
        two_new,
    }
}
/// The red workshops in scope on `as_of`: units holding the `red_workshop` designation then.
fn red_workshops(ctx: &Ctx<'_, '_>, s: Scope) -> usize {
    if !ctx.filter.keeps_others() {
        return 0;
    }
    let (e, as_of) = (ctx.e, ctx.as_of);
    let l = &*e.l;
    e.designated_in(Designation::new(Designation::RED_WORKSHOP).sym(), s)
        .map(|units| {
            units
                .iter()
                .filter(|&&(_, u)| {
                    ctx.filter.keeps_unit(u)
                        && e.designations_of(u)
                            .iter()
                            .map(|&d| &l.designations[d])
                            .any(|d| {
                                d.designation.as_str() == Designation::RED_WORKSHOP
                                    && d.active_on(as_of)
                            })
                })
                .count()
        })
        .unwrap_or(0)
}

/// What `workshops.red` and `committees.two_new` read: the red workshops and the active
/// two-new committees in scope, without the rest of the organisation figures.
fn workshop_figures(ctx: &Ctx<'_, '_>, s: Scope) -> Figures {
    let (e, as_of) = (ctx.e, ctx.as_of);
    let l = &*e.l;
    let two_new = e
        .orgs_in(s)
        .into_iter()
        .filter(|&o| {
            l.orgs[o].active_on(as_of)
                && l.orgs[o].kind == OrgKind::TwoNewCommittee
                && ctx.filter.keeps_org(o)
        })
        .count();
    Figures {
        red_workshops: red_workshops(ctx, s),
        two_new,
        ..Figures::default()
    }
}
