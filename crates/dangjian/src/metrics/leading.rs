//! 红色引领: road chiefs and village liaison (`roads.*`, `villages.*`). Duties, indicators
//! and targets of the same programme have their own files.

use super::ctx::{Ctx, Family};
use super::value::{Direction, Metric, MetricDef, MetricId, MetricKind, Scope, Val};
use crate::model::{Programme, RoleKind, UnitKind, Vocabulary};

/// The road-chief and village-liaison family (`roads.*`, `villages.*`).
/// `roads.chief_coverage`.
pub const CHIEF_COVERAGE: MetricId = MetricId::Catalogue("roads.chief_coverage");
/// `villages.liaison_coverage`.
pub const LIAISON_COVERAGE: MetricId = MetricId::Catalogue("villages.liaison_coverage");

pub(crate) struct Leading;

impl Family for Leading {
    type Figures = Figures;
    const NAME: &'static str = "leading";
    const METRICS: &'static [Metric<Figures>] = METRICS;
    fn figures(ctx: &Ctx<'_, '_>, s: Scope, _: u32) -> Figures {
        let (roads_covered, roads) = coverage(ctx, s, UnitKind::Road, &[RoleKind::RoadChief]);
        let (villages_covered, villages) = coverage(
            ctx,
            s,
            UnitKind::Village,
            &[RoleKind::LiaisonCadre, RoleKind::FirstSecretary],
        );
        Figures {
            roads_covered,
            roads,
            villages_covered,
            villages,
        }
    }
    /// Reads no table that takes appends.
    fn reads(_: &crate::model::Ledger, _: u32, _: &super::query::Appended) -> bool {
        false
    }
}

/// What the metrics of this family are read from, at one scope: covered and all roads and
/// villages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Figures {
    roads_covered: usize,
    roads: usize,
    villages_covered: usize,
    villages: usize,
}

super::value::state!(Figures {
    roads_covered: Sum,
    roads: Sum,
    villages_covered: Sum,
    villages: Sum,
});

/// The catalogue entries of this family, each with how its value is read.
const METRICS: &[Metric<Figures>] = &[
    Metric {
        def: MetricDef {
            id: CHIEF_COVERAGE.catalogue_text(),
            zh: "路长覆盖率",
            en: "road chief coverage",
            definition: "Units of kind `road` in scope active on `as_of` with a `road_chief` role active on `as_of` \
                         targeting the road unit / such roads.",
            kind: MetricKind::Ratio,
            direction: Direction::Higher,
            programme: Programme::Leading,
            per_ledger: None,
        },
        value: |f| Val::ratio(f.roads_covered as f64, f.roads as f64),
    },
    Metric {
        def: MetricDef {
            id: LIAISON_COVERAGE.catalogue_text(),
            zh: "联村干部覆盖率",
            en: "village liaison coverage",
            definition: "Units of kind `village` in scope active on `as_of` with a `liaison_cadre` or \
                         `first_secretary` role active on `as_of` targeting the village unit / such villages.",
            kind: MetricKind::Ratio,
            direction: Direction::Higher,
            programme: Programme::Leading,
            per_ledger: None,
        },
        value: |f| Val::ratio(f.villages_covered as f64, f.villages as f64),
    },
];

/// (covered, all) units of `kind` in scope active on `as_of`, covered meaning an active role
/// of one of `roles` targets the unit.
fn coverage(ctx: &Ctx<'_, '_>, s: Scope, kind: UnitKind, roles: &[RoleKind]) -> (usize, usize) {
    let e = ctx.e;
    let pos = UnitKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    let (mut covered, mut all) = (0usize, 0usize);
    for &(_, u) in e.units_of_kind_in(pos, s) {
        if !e.l.units[u].active_on(ctx.as_of) || !ctx.filter.keeps_unit(u) {
            continue;
        }
        all += 1;
        let has = e
            .roles_targeting(e.unit_node(u))
            .iter()
            .map(|&r| &e.l.roles[r])
            .any(|r| roles.contains(&r.role) && r.active_on(ctx.as_of));
        covered += usize::from(has);
    }
    (covered, all)
}
