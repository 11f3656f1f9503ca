//! 红色成长: young cadres (`cadres.*`).
//!
//! A cadre is a person holding a cadre role ([`RoleKind::is_cadre`]) active on `as_of`,
//! wherever it points. A person is in scope when their membership org, active on `as_of`,
//! is (any host in scope), or when they hold any role active on `as_of` whose target is.

use super::ctx::{Ctx, Family};
use super::index::{PersonIx, Tin};
use super::value::{select, Metric, MetricId, Scope, Val};
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
            let pos = set.cadres.len() as u32;
            set.entries.extend(anchors.iter().map(|&t| (t, pos)));
            set.anchors.push(anchors);
            set.cadres.push(CadreInfo {
                person: p,
                age,
                young: age.is_some_and(|a| a <= ctx.young_age),
                on_tasks,
                breadth: held.len() as u32,
                roles: active.into_iter().collect(),
            });
        }
        set.entries.sort_unstable();
        set
    })
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

/// The figures of the cadres in scope `s`.
fn figures(ctx: &Ctx<'_, '_>, s: Scope) -> Figures {
    let cadres = in_scope(ctx, s);
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
