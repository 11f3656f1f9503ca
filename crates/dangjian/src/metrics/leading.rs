//! 红色引领: road chiefs and village liaison (`roads.*`, `villages.*`). Duties, indicators
//! and targets of the same programme have their own files.

use super::catalogue::{Direction, MetricDef, MetricKind};
use super::engine::{range, Ctx, Scope, Val};
use crate::model::{Programme, RoleKind, UnitKind, Vocabulary};

/// The catalogue entries of this family, in the order [`values`] computes them.
pub(crate) const DEFS: &[MetricDef] = &[
    MetricDef {
        id: "roads.chief_coverage",
        zh: "路长覆盖率",
        en: "road chief coverage",
        definition: "Units of kind `road` in scope active on `as_of` with a `road_chief` role active on `as_of` \
                     targeting the road unit / such roads.",
        kind: MetricKind::Ratio,
        direction: Direction::Higher,
        programme: Programme::Leading,
    },
    MetricDef {
        id: "villages.liaison_coverage",
        zh: "联村干部覆盖率",
        en: "village liaison coverage",
        definition: "Units of kind `village` in scope active on `as_of` with a `liaison_cadre` or \
                     `first_secretary` role active on `as_of` targeting the village unit / such villages.",
        kind: MetricKind::Ratio,
        direction: Direction::Higher,
        programme: Programme::Leading,
    },
];

/// Covered / all units of `kind` in scope active on `as_of`, covered meaning an active role
/// of one of `roles` targets the unit.
fn coverage(ctx: &Ctx<'_, '_>, s: Scope, kind: UnitKind, roles: &[RoleKind]) -> Val {
    let e = ctx.e;
    let pos = UnitKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    let (mut covered, mut all) = (0usize, 0usize);
    for &(_, u) in range(&e.units_by_kind_tin[pos], s) {
        if !e.l.units[u as usize].active_on(ctx.as_of) {
            continue;
        }
        all += 1;
        let has = e.roles_by_target[u as usize]
            .iter()
            .map(|&r| &e.l.roles[r as usize])
            .any(|r| roles.contains(&r.role) && r.active_on(ctx.as_of));
        covered += usize::from(has);
    }
    Val::ratio(covered as f64, all as f64)
}

/// The values of [`DEFS`] at scope `s`.
pub(crate) fn values(ctx: &Ctx<'_, '_>, s: Scope) -> Vec<Val> {
    vec![
        coverage(ctx, s, UnitKind::Road, &[RoleKind::RoadChief]),
        coverage(
            ctx,
            s,
            UnitKind::Village,
            &[RoleKind::LiaisonCadre, RoleKind::FirstSecretary],
        ),
    ]
}
