//! 红色成长: young cadres (`cadres.*`).
//!
//! A cadre is a person holding a cadre role ([`RoleKind::is_cadre`]) active on `as_of`,
//! wherever it points. A person is in scope when their membership org, active on `as_of`,
//! is (any host in scope), or when they hold any role active on `as_of` whose target is.

use super::ctx::{Ctx, Entities, Family};
use super::index::{PersonIx, Tin};
use super::value::{select, Metric, MetricId, Op, Scope, State, Val};
use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::{InitiativeKind, OrgKind, PersonId, RoleKind};

// The metrics of this family, by name: what the screens and the other layers use.
/// `cadres.young`.
pub const YOUNG: MetricId = MetricId::Catalogue("cadres.young");
/// `cadres.young_share`.
pub const YOUNG_SHARE: MetricId = MetricId::Catalogue("cadres.young_share");
/// `cadres.young_on_tasks`.
pub const YOUNG_ON_TASKS: MetricId = MetricId::Catalogue("cadres.young_on_tasks");
/// `cadres.breadth`.
pub const BREADTH: MetricId = MetricId::Catalogue("cadres.breadth");

/// A metric of this family: its catalogue entry and its value from the [`Figures`].
macro_rules! def {
    ($id:expr, $zh:literal, $en:literal, $kind:ident, $def:expr, $value:expr) => {
        Metric {
            def: super::value::metric!(Growth, $id, $zh, $en, $kind, Higher, $def),
            value: $value,
        }
    };
}

/// The young-cadre family (`cadres.*`).
pub(crate) struct Cadres;

impl Family for Cadres {
    type Figures = Figures;
    const NAME: &'static str = "cadres";
    const ENTITIES: Entities = Entities::People;
    const METRICS: &'static [Metric<Figures>] = METRICS;
    fn figures(ctx: &Ctx<'_, '_>, s: Scope, _: u32) -> Figures {
        figures(ctx, s)
    }
    /// Reads no table that takes appends.
    fn reads(_: &crate::model::Ledger, _: u32, _: &super::query::Appended) -> bool {
        false
    }
}

/// The catalogue entries of this family, each with how its value is read.
const METRICS: &[Metric<Figures>] = &[
    def!(
        YOUNG,
        "年轻干部数",
        "young cadres",
        Count,
        "Young cadres: cadres in scope (a cadre role active on `as_of`, wherever it points; the person is in \
         scope through their membership org active on `as_of`, or any role active on `as_of` whose target is in \
         scope) aged <= 35 in full years on `as_of` (the birthday counts on the day: exactly 35 is young, \
         turning 36 that day is not). No birth date: never young. The age threshold is configurable.",
        |f| Val::count(f.young)
    ),
    def!(
        YOUNG_SHARE,
        "年轻干部占比",
        "young cadre share",
        Ratio,
        "Young cadres / cadres in scope.",
        |f| Val::ratio(f.young as f64, f.cadres as f64)
    ),
    def!(
        YOUNG_ON_TASKS,
        "年轻干部参与攻坚率",
        "young cadres on key tasks",
        Ratio,
        "Young cadres holding a `leader` or `member` role active on `as_of` whose target is a `task_force` org \
         established by `as_of` (active or not) or a `key_task` initiative (anywhere) / young cadres.",
        |f| Val::ratio(f.young_on_tasks as f64, f.young as f64)
    ),
    def!(
        BREADTH,
        "年轻干部岗位历练广度",
        "young cadre breadth",
        Value,
        "Mean, over young cadres in scope, of the number of distinct role kinds (any role, ended or not) they \
         have held with start <= `as_of`; null when there is no young cadre.",
        |f| Val::value((f.young > 0).then(|| f.young_breadth as f64 / f.young as f64))
    ),
];

/// A cadre on the evaluation date.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CadreInfo {
    pub person: PersonIx,
    pub age: Option<i32>,
    pub young: bool,
    pub on_tasks: bool,
    pub breadth: u32,
    pub roles: Vec<RoleKind>,
}

/// The cadres of one evaluation date with their anchors.
#[derive(Clone, Debug, Default)]
pub(crate) struct CadreSet {
    pub cadres: Vec<CadreInfo>,
    pub anchors: Vec<Vec<Tin>>,
    pub entries: Vec<(Tin, u32)>,
}

fn cadre_set<'c>(ctx: &'c Ctx<'_, '_>) -> &'c CadreSet {
    ctx.cached(|| {
        let e = ctx.e;
        let l = &*e.l;
        let as_of = ctx.as_of;
        let started = e
            .cadre_roles_by_start()
            .partition_point(|&r| l.roles[r].start <= as_of);
        let mut people: Vec<PersonIx> = e.cadre_roles_by_start()[..started]
            .iter()
            .filter(|&&r| l.roles[r].active_on(as_of))
            .filter_map(|&r| e.person_of(l.roles[r].person.sym()))
            .collect();
        people.sort_unstable();
        people.dedup();
        let mut set = CadreSet::default();
        for p in people {
            let v = view(ctx, p);
            let pos = set.cadres.len() as u32;
            set.entries.extend(v.anchors.iter().map(|&t| (t, pos)));
            set.anchors.push(v.anchors);
            set.cadres.push(CadreInfo {
                person: p,
                age: v.age,
                young: v.young,
                on_tasks: v.on_tasks,
                breadth: v.held.len() as u32,
                roles: v.active.into_iter().collect(),
            });
        }
        set.entries.sort_unstable();
        set
    })
}

/// A person on the evaluation date: where they are in scope, the role kinds they hold and
/// have held, and whether they are young and on key tasks.
struct View {
    anchors: Vec<Tin>,
    age: Option<i32>,
    young: bool,
    on_tasks: bool,
    /// Kinds of roles active on `as_of`.
    active: BTreeSet<RoleKind>,
    /// Kinds of roles held with start <= `as_of`, ended or not.
    held: BTreeSet<RoleKind>,
    /// Holds a cadre role active on `as_of`.
    cadre: bool,
}

fn view(ctx: &Ctx<'_, '_>, p: PersonIx) -> View {
    let e = ctx.e;
    let l = &*e.l;
    let as_of = ctx.as_of;
    let person = &l.people[p];
    let mut anchors: Vec<Tin> = Vec::new();
    if let Some(o) = e.org_of_person(p) {
        if l.orgs[o].active_on(as_of) {
            anchors.extend_from_slice(e.anchors(e.org_node(o)));
        }
    }
    let mut active: BTreeSet<RoleKind> = BTreeSet::new();
    let mut held: BTreeSet<RoleKind> = BTreeSet::new();
    let mut on_tasks = false;
    for &r in e.roles_of(p) {
        let role = &l.roles[r];
        if role.start <= as_of {
            held.insert(role.role);
        }
        if !role.active_on(as_of) {
            continue;
        }
        active.insert(role.role);
        let target = e.node_of(role.target.sym());
        if let Some(n) = target {
            anchors.extend_from_slice(e.anchors(n));
            if matches!(role.role, RoleKind::Leader | RoleKind::Member) {
                // A task force set up after as_of does not exist yet.
                let task_force = e.node_org(n).is_some_and(|o| {
                    let org = &l.orgs[o];
                    org.kind == OrgKind::TaskForce && org.established <= as_of
                });
                let key_task = e
                    .node_init(n)
                    .is_some_and(|i| l.initiatives[i].kind == InitiativeKind::KeyTask);
                on_tasks |= task_force || key_task;
            }
        }
    }
    anchors.sort_unstable();
    anchors.dedup();
    let age = person.age_on(as_of);
    View {
        anchors,
        age,
        young: age.is_some_and(|a| a <= ctx.young_age),
        on_tasks,
        cadre: active.iter().any(|k| k.is_cadre()),
        active,
        held,
    }
}

/// The fields a partial result carries for a person shared with other parts, at one scope
/// (`docs/PARTIALS.md`): each merges by "either", and the merged person counts at a scope
/// where any appearance is in scope, as a cadre when any appearance holds a cadre role.
pub(crate) const PERSON_FIELDS: &[(&str, Op)] = &[
    ("in_scope", Op::Or),
    ("cadre", Op::Or),
    ("young", Op::Or),
    ("on_tasks", Op::Or),
    ("role_kinds", Op::Or),
];

/// The fields of [`PERSON_FIELDS`] for person `p` at scope `s`.
pub(crate) fn person_fields(ctx: &Ctx<'_, '_>, p: PersonIx, s: Scope) -> Vec<f64> {
    let v = view(ctx, p);
    let in_scope = v.anchors.iter().any(|&t| s.lo <= t && t < s.hi);
    // One bit per role kind (the vocabulary has fewer than 53: exact in a float).
    let kinds = v
        .held
        .iter()
        .fold(0u64, |bits, &k| bits | (1 << (k as u32)));
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    vec![
        flag(in_scope),
        flag(v.cadre),
        flag(v.young),
        flag(v.on_tasks),
        kinds as f64,
    ]
}

/// Adds a shared person, their appearances merged ([`PERSON_FIELDS`]), to the cadre
/// figures' fields of a scope where one of them is in scope.
pub(crate) fn add_person(figures: &mut [f64], person: &[f64]) {
    let on = |i: usize| person.get(i).is_some_and(|x| *x != 0.0);
    if !on(1) {
        return;
    }
    let mut f = Figures::read(figures);
    f.cadres += 1;
    if on(2) {
        f.young += 1;
        f.young_on_tasks += usize::from(on(3));
        let kinds = person.get(4).map_or(0, |x| *x as u64);
        f.young_breadth += u64::from(kinds.count_ones());
    }
    let mut out = Vec::with_capacity(figures.len());
    f.write(&mut out);
    figures.copy_from_slice(&out);
}

fn in_scope<'c>(ctx: &'c Ctx<'_, '_>, s: Scope) -> Vec<&'c CadreInfo> {
    let set = cadre_set(ctx);
    select(&set.entries, s, |c| set.anchors[c as usize].as_slice())
        .into_iter()
        .map(|c| &set.cadres[c as usize])
        .collect()
}

/// What the young-cadre metrics are read from, at one scope.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Figures {
    cadres: usize,
    young: usize,
    /// Young cadres on a tackling group or a key task.
    young_on_tasks: usize,
    /// The sum over young cadres of the distinct role kinds each has held.
    young_breadth: u64,
}

super::value::state!(Figures {
    cadres: Sum,
    young: Sum,
    young_on_tasks: Sum,
    young_breadth: Sum,
});

/// The figures of the cadres in scope `s`.
fn figures(ctx: &Ctx<'_, '_>, s: Scope) -> Figures {
    let mut cadres = in_scope(ctx, s);
    // A partial result carries the people shared with other parts one by one.
    cadres.retain(|c| !ctx.filter.shared_person(c.person));
    if !ctx.filter.keeps_others() {
        cadres.clear();
    }
    let mut f = Figures {
        cadres: cadres.len(),
        ..Figures::default()
    };
    for c in cadres.into_iter().filter(|c| c.young) {
        f.young += 1;
        f.young_on_tasks += usize::from(c.on_tasks);
        f.young_breadth += u64::from(c.breadth);
    }
    f
}

/// One cadre on the evaluation date (the drill-down of `cadres.*`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CadreRow {
    /// Person id.
    pub person: PersonId,
    /// Name.
    pub name: String,
    /// Age in full years on `as_of` (none without a birth date).
    pub age: Option<i32>,
    /// Aged <= the young-age threshold.
    pub young: bool,
    /// The distinct kinds of the roles active on `as_of`, in vocabulary order.
    pub roles: Vec<RoleKind>,
    /// Holds an active `leader` or `member` role on a tackling group or a key task.
    pub on_tasks: bool,
    /// Distinct role kinds ever held (start <= `as_of`).
    pub breadth: u32,
}

crate::rows::impl_row!(CadreRow {
    person,
    name,
    age,
    young,
    roles,
    on_tasks,
    breadth,
});

/// The drill-down rows of the query's scope, people in ledger order.
pub(crate) fn rows(ctx: &Ctx<'_, '_>) -> Vec<CadreRow> {
    let l = &*ctx.e.l;
    in_scope(ctx, ctx.scope)
        .into_iter()
        .map(|c| {
            let p = &l.people[c.person];
            CadreRow {
                person: p.id.clone(),
                name: p.name.clone(),
                age: c.age,
                young: c.young,
                roles: c.roles.clone(),
                on_tasks: c.on_tasks,
                breadth: c.breadth,
            }
        })
        .collect()
}
