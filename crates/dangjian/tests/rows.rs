//! Every table's columns come from its row type: an empty table has the same columns and
//! types as a full one, and every cell of a full table has its column's type.

mod common;
use common::*;
use dangjian::ledger::Problem;
use dangjian::metrics::{
    catalogue_for, CadreRow, Engine, EnterpriseRow, LedgerMetric, MetricRow, ObligationRow, Query,
    TaskRow,
};
use dangjian::model::*;
use dangjian::rows::{Cell, ColumnType, Row};

/// Whether a cell may stand in a column of type `ty`.
fn fits(ty: ColumnType, cell: &Cell<'_>) -> bool {
    matches!(
        (ty, cell),
        (_, Cell::Null)
            | (ColumnType::Text, Cell::Text(_))
            | (ColumnType::Date, Cell::Date(_))
            | (ColumnType::Float, Cell::Float(_))
            | (ColumnType::Int, Cell::Int(_))
            | (ColumnType::Bool, Cell::Bool(_))
            | (ColumnType::TextList, Cell::TextList(_))
    )
}

/// The column names and types of `R`, checked against every cell of `rows`.
fn typed_columns<R: Row>(rows: &[R]) -> Vec<(&'static str, ColumnType)> {
    let columns = R::columns();
    for r in rows {
        let cells = r.cells();
        assert_eq!(cells.len(), columns.len());
        for (c, v) in columns.iter().zip(&cells) {
            assert!(fits(c.ty, v), "column {} ({:?}) holds {v:?}", c.name, c.ty);
        }
    }
    columns.iter().map(|c| (c.name, c.ty)).collect()
}

fn as_of() -> Query {
    Query {
        as_of: Some(d(2019, 7, 31)),
        ..Query::default()
    }
}

/// A district and nothing else: every drill-down is empty.
fn bare() -> Ledger {
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l
}

#[test]
fn empty_drilldowns_have_the_columns_and_types_of_full_ones() {
    let full = dangjian::example();
    let empty = bare();
    let (f, e) = (Engine::new(&full), Engine::new(&empty));
    let q = as_of();

    let tasks = (f.tasks(&q).unwrap(), e.tasks(&q).unwrap());
    assert_eq!((tasks.0.len(), tasks.1.len()), (33, 0));
    assert_eq!(typed_columns(&tasks.0), typed_columns(&tasks.1));
    let obligations = (f.obligations(&q).unwrap(), e.obligations(&q).unwrap());
    assert!(!obligations.0.is_empty() && obligations.1.is_empty());
    assert_eq!(typed_columns(&obligations.0), typed_columns(&obligations.1));
    let enterprises = (f.enterprises(&q).unwrap(), e.enterprises(&q).unwrap());
    assert_eq!((enterprises.0.len(), enterprises.1.len()), (98, 0));
    assert_eq!(typed_columns(&enterprises.0), typed_columns(&enterprises.1));
    let cadres = (f.cadres(&q).unwrap(), e.cadres(&q).unwrap());
    assert!(!cadres.0.is_empty() && cadres.1.is_empty());
    assert_eq!(typed_columns(&cadres.0), typed_columns(&cadres.1));

    // A scope with no key task (an enterprise) is empty too, with the same columns.
    let scoped = Query {
        scope: Some("duodeshi".into()),
        ..as_of()
    };
    assert!(f.tasks(&scoped).unwrap().is_empty());
    assert_eq!(typed_columns::<TaskRow>(&[]), typed_columns(&tasks.0));
}

#[test]
fn the_drilldown_columns_are_the_documented_ones() {
    use ColumnType::*;
    assert_eq!(
        typed_columns::<TaskRow>(&[]),
        [
            ("id", Text),
            ("title", Text),
            ("unit", Text),
            ("owner", Text),
            ("leader", Text),
            ("status", Text),
            ("started", Bool),
            ("actual", Float),
            ("expected", Float),
            ("spi", Float),
            ("start", Date),
            ("deadline", Date),
            ("forecast", Date),
            ("forecast_never", Bool),
            ("weight", Float),
        ]
    );
    assert_eq!(
        typed_columns::<ObligationRow>(&[]),
        [
            ("duty", Text),
            ("subject", Text),
            ("holder", Text),
            ("start", Date),
            ("end", Date),
            ("assessed", Int),
            ("complying", Int),
            ("longest_lapse", Int),
            ("last_activity", Date),
            ("exempt", Int),
            ("below_quorum", Int),
        ]
    );
    assert_eq!(
        typed_columns::<EnterpriseRow>(&[]),
        [
            ("id", Text),
            ("name", Text),
            ("parent", Text),
            ("org_covered", Bool),
            ("via_org", TextList),
            ("own_org", Bool),
            ("work_covered", Bool),
            ("via_instructor", TextList),
            ("liaisons", TextList),
        ]
    );
    assert_eq!(
        typed_columns::<CadreRow>(&[]),
        [
            ("person", Text),
            ("name", Text),
            ("age", Int),
            ("young", Bool),
            ("roles", TextList),
            ("on_tasks", Bool),
            ("breadth", Int),
        ]
    );
}

#[test]
fn metric_catalogue_and_problem_rows_are_typed() {
    use ColumnType::*;
    let l = dangjian::example();
    let ev = Engine::new(&l).evaluate(&as_of()).unwrap();
    // docs/METRICS.md "Output": metric, scope, scope_name, value, numerator, denominator,
    // target, due.
    assert_eq!(
        typed_columns(&ev.rows),
        [
            ("metric", Text),
            ("scope", Text),
            ("scope_name", Text),
            ("value", Float),
            ("numerator", Float),
            ("denominator", Float),
            ("target", Float),
            ("due", Date),
        ]
    );
    assert_eq!(typed_columns::<MetricRow>(&[]), typed_columns(&ev.rows));
    let cat = catalogue_for(&l);
    assert_eq!(
        typed_columns(&cat),
        [
            ("id", Text),
            ("zh", Text),
            ("en", Text),
            ("definition", Text),
            ("kind", Text),
            ("direction", Text),
            ("programme", Text),
        ]
    );
    assert_eq!(typed_columns::<LedgerMetric>(&[]), typed_columns(&cat));
    // A village whose parent does not exist: an error located at units[1].parent.
    let mut bad = bare();
    bad.units
        .push(unit("v", UnitKind::Village, Some("nowhere")));
    let problems = bad.validate().0;
    assert!(!problems.is_empty());
    assert_eq!(typed_columns(&problems), typed_columns::<Problem>(&[]));
}

#[test]
fn a_metric_row_gives_exact_cells() {
    let l = dangjian::example();
    let q = Query {
        metrics: Some(vec!["tasks.started".into()]),
        ..as_of()
    };
    let ev = Engine::new(&l).evaluate(&q).unwrap();
    let cells: Vec<String> = ev.rows[0].cells().iter().map(Cell::to_exact_text).collect();
    // 25 of the 33 key tasks started by 2019-07-31: 25 / 33 in full, no target.
    assert_eq!(
        cells,
        [
            "tasks.started",
            "chengxi",
            "城西新区",
            "0.7575757575757576",
            "25",
            "33",
            "",
            ""
        ]
    );
}
