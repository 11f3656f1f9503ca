//! 红色覆盖: the two coverages of above-scale enterprises and their links to the leadership
//! (`coverage.*`).
//!
//! Enterprises are units of kind `enterprise` with `above_scale`, active on `as_of`, in
//! scope. An org is hosted by an enterprise when it lists that enterprise itself among its
//! hosts (a workshop's org does not count for its enterprise).

use super::ctx::{Ctx, Family};
use super::index::{OrgIx, RoleIx, Tin, UnitIx};
use super::value::{Metric, MetricId, Scope, Val};
use serde::Serialize;

use crate::model::{OrgId, OrgKind, PersonId, RoleKind, UnitId};

// The metrics of this family, by name: what the screens and the other layers use.
/// `coverage.org`.
pub const ORG: MetricId = MetricId::Catalogue("coverage.org");
/// `coverage.own_org`.
pub const OWN_ORG: MetricId = MetricId::Catalogue("coverage.own_org");
/// `coverage.work`.
pub const WORK: MetricId = MetricId::Catalogue("coverage.work");
/// `coverage.liaison`.
pub const LIAISON: MetricId = MetricId::Catalogue("coverage.liaison");

/// A metric of this family: its catalogue entry and its value from the [`Figures`].
macro_rules! def {
    ($id:expr, $zh:literal, $en:literal, $def:expr, $value:expr) => {
        Metric {
            def: super::value::metric!(Coverage, $id, $zh, $en, Ratio, Higher, $def),
            value: $value,
        }
    };
}

/// The enterprise coverage family (`coverage.*`).
pub(crate) struct Coverage;

impl Family for Coverage {
    type Figures = Figures;
    const NAME: &'static str = "coverage";
    const METRICS: &'static [Metric<Figures>] = METRICS;
    fn figures(ctx: &Ctx<'_, '_>, s: Scope, _: u32) -> Figures {
        figures(ctx, s)
    }
    /// Reads no table that takes appends.
    fn reads(_: &crate::model::Ledger, _: u32, _: &super::query::Appended) -> bool {
        false
    }
}

/// Enterprise liaison (`coverage.liaison`): the coverage figures, listed after the
/// organisation family's first metrics.
pub(crate) struct Liaison;

impl Family for Liaison {
    type Figures = Figures;
    const NAME: &'static str = "liaison";
    const METRICS: &'static [Metric<Figures>] = LIAISON_METRICS;
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
        ORG,
        "组织覆盖率",
        "organisation coverage",
        "Above-scale enterprises (units of kind `enterprise` with `above_scale`, active on `as_of`, in scope) \
         hosting an org active on `as_of` of kind `committee`, `general_branch`, `branch` or `joint_branch` \
         (the enterprise itself among the org's hosts) / enterprises.",
        |f| Val::ratio(f.org as f64, f.enterprises as f64)
    ),
    def!(
        OWN_ORG,
        "单独组建率",
        "own organisation",
        "Enterprises hosting an org active on `as_of` of kind `committee`, `general_branch` or `branch` whose \
         hosts are that enterprise alone / enterprises.",
        |f| Val::ratio(f.own_org as f64, f.enterprises as f64)
    ),
    def!(
        WORK,
        "工作覆盖率",
        "work coverage",
        "Enterprises with organisation coverage, or an `instructor` role active on `as_of` targeting the \
         enterprise or an org of any kind listing it among its hosts (established by `as_of`, whether or \
         not still active) / enterprises.",
        |f| Val::ratio(f.work as f64, f.enterprises as f64)
    ),
];

/// `coverage.liaison`: in the catalogue after `members.no_org_life`, as docs/METRICS.md lists
/// it, so it is a family of its own that reads the same figures.
const LIAISON_METRICS: &[Metric<Figures>] = &[
    def!(
        LIAISON,
        "联企覆盖率",
        "enterprise liaison coverage",
        "Enterprises with an `enterprise_liaison` role active on `as_of` (start <= `as_of`, no end or end >= \
         `as_of`) targeting the enterprise or an org of any kind listing it among its hosts (established by \
         `as_of`, whether or not still active, as for `coverage.work`) / enterprises (班子成员联企联党建). The \
         role alone is the link: its holder need not also hold a `leadership` role. A role on an org hosted by \
         several enterprises links each of them; one on a workshop, or on an org hosted only by a workshop, \
         does not link the workshop's enterprise.",
        |f| Val::ratio(f.liaison as f64, f.enterprises as f64)
    ),
];

/// One enterprise on the evaluation date.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct EnterpriseEval {
    pub active: bool,
    /// Active primary orgs it hosts.
    pub via_org: Vec<OrgIx>,
    pub own_org: bool,
    /// Active instructor roles on it or its orgs.
    pub instructor_roles: Vec<RoleIx>,
    /// Active `enterprise_liaison` roles on it or its orgs.
    pub liaison_roles: Vec<RoleIx>,
}

impl EnterpriseEval {
    fn org_covered(&self) -> bool {
        !self.via_org.is_empty()
    }
    fn work_covered(&self) -> bool {
        self.org_covered() || !self.instructor_roles.is_empty()
    }
    fn linked(&self) -> bool {
        !self.liaison_roles.is_empty()
    }
}

/// The evaluations of the above-scale enterprises in the query's scope, aligned with its
/// range of `Engine::enterprises`.
fn evals<'c>(ctx: &'c Ctx<'_, '_>) -> &'c [EnterpriseEval] {
    ctx.cached::<Vec<_>>(|| {
        let e = ctx.e;
        let l = &*e.l;
        let as_of = ctx.as_of;
        e.enterprises_in(ctx.scope)
            .iter()
            .map(|&(_, u)| {
                if !l.units[u].active_on(as_of) {
                    return EnterpriseEval::default();
                }
                let hosted = e.orgs_hosted_by(u);
                let mut ev = EnterpriseEval {
                    active: true,
                    ..EnterpriseEval::default()
                };
                for &o in hosted {
                    let org = &l.orgs[o];
                    if org.active_on(as_of) && org.kind.is_primary() {
                        ev.via_org.push(o);
                        let here = l.units[u].id.as_str();
                        // A part's copy of an org has its hosts cut to the part's; split
                        // keeps the whole's. Without them, an org shared with another part
                        // of a partitioned ledger is taken to have a host there too.
                        let alone = match org.extra.get(crate::ledger::parts::WHOLE_HOSTS) {
                            Some(whole) => whole.split(';').all(|h| h == here),
                            None => {
                                org.hosts.iter().all(|h| h.as_str() == here)
                                    && !ctx.filter.shared_org(o)
                            }
                        };
                        if org.kind != OrgKind::JointBranch && alone {
                            ev.own_org = true;
                        }
                    }
                }
                // Orgs set up after as_of do not exist yet; dissolved ones still count.
                let existing = hosted.iter().filter(|&&o| l.orgs[o].established <= as_of);
                let targets =
                    std::iter::once(e.unit_node(u)).chain(existing.map(|&o| e.org_node(o)));
                for n in targets {
                    for &r in e.roles_targeting(n) {
                        let role = &l.roles[r];
                        if !role.active_on(as_of) {
                            continue;
                        }
                        match role.role {
                            RoleKind::Instructor => ev.instructor_roles.push(r),
                            RoleKind::EnterpriseLiaison => ev.liaison_roles.push(r),
                            _ => {}
                        }
                    }
                }
                ev.instructor_roles.sort_unstable();
                ev.liaison_roles.sort_unstable();
                ev
            })
            .collect()
    })
}

/// Where the enterprises of scope `s` (inside the query's scope) start in [`evals`].
fn offset(ctx: &Ctx<'_, '_>, s: Scope) -> usize {
    let first = |lo: Tin| ctx.e.enterprises_before(lo);
    first(s.lo).saturating_sub(first(ctx.scope.lo))
}

/// What the coverage metrics are read from, at one scope.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Figures {
    /// Above-scale enterprises in scope, active on `as_of`.
    enterprises: usize,
    /// Of them, with organisation coverage, an own org, work coverage, a liaison.
    org: usize,
    own_org: usize,
    work: usize,
    liaison: usize,
}

super::value::state!(Figures {
    enterprises: Sum,
    org: Sum,
    own_org: Sum,
    work: Sum,
    liaison: Sum,
});

/// The figures of the enterprises in scope `s`.
fn figures(ctx: &Ctx<'_, '_>, s: Scope) -> Figures {
    let evals = evals(ctx);
    let a = offset(ctx, s);
    let mut f = Figures::default();
    for (i, &(_, u)) in ctx.e.enterprises_in(s).iter().enumerate() {
        let ev = &evals[a + i];
        if ev.active && ctx.filter.keeps_unit(u) {
            f.enterprises += 1;
            f.org += usize::from(ev.org_covered());
            f.own_org += usize::from(ev.own_org);
            f.work += usize::from(ev.work_covered());
            f.liaison += usize::from(ev.linked());
        }
    }
    f
}

/// One above-scale enterprise on the evaluation date (the drill-down of `coverage.*`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnterpriseRow {
    /// Unit id.
    pub id: UnitId,
    /// Name.
    pub name: String,
    /// Parent unit (block, area...).
    pub parent: Option<UnitId>,
    /// Hosts an active committee, general branch, branch or joint branch (组织覆盖).
    pub org_covered: bool,
    /// Those orgs, in ledger order.
    pub via_org: Vec<OrgId>,
    /// One of them (not a joint branch) has this enterprise as its only host (单独组建).
    pub own_org: bool,
    /// Organisation coverage or an assigned instructor (工作覆盖).
    pub work_covered: bool,
    /// The people holding an active `instructor` role on the enterprise or an org it hosts.
    pub via_instructor: Vec<PersonId>,
    /// The people holding an active `enterprise_liaison` role on the enterprise or an org it
    /// hosts (联企班子成员; `coverage.liaison` counts the enterprises with any).
    pub liaisons: Vec<PersonId>,
}

crate::rows::impl_row!(EnterpriseRow {
    id,
    name,
    parent,
    org_covered,
    via_org,
    own_org,
    work_covered,
    via_instructor,
    liaisons,
});

/// The drill-down rows of the query's scope, in ledger order.
pub(crate) fn rows(ctx: &Ctx<'_, '_>) -> Vec<EnterpriseRow> {
    let e = ctx.e;
    let l = &*e.l;
    let evals = evals(ctx);
    let a = offset(ctx, ctx.scope);
    let mut picked: Vec<(UnitIx, &EnterpriseEval)> = e
        .enterprises_in(ctx.scope)
        .iter()
        .enumerate()
        .map(|(i, &(_, u))| (u, &evals[a + i]))
        .filter(|(_, ev)| ev.active)
        .collect();
    picked.sort_unstable_by_key(|p| p.0);
    picked
        .into_iter()
        .map(|(u, ev)| {
            let unit = &l.units[u];
            // Each holder once, in the ledger order of their roles.
            let holders = |roles: &[RoleIx]| {
                let mut people: Vec<PersonId> = Vec::new();
                for &r in roles {
                    let p = &l.roles[r].person;
                    if !people.contains(p) {
                        people.push(p.clone());
                    }
                }
                people
            };
            EnterpriseRow {
                id: unit.id.clone(),
                name: unit.name.clone(),
                parent: unit.parent.clone(),
                org_covered: ev.org_covered(),
                via_org: ev.via_org.iter().map(|&o| l.orgs[o].id.clone()).collect(),
                own_org: ev.own_org,
                work_covered: ev.work_covered(),
                via_instructor: holders(&ev.instructor_roles),
                liaisons: holders(&ev.liaison_roles),
            }
        })
        .collect()
}
