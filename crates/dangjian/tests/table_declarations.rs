//! The table declarations (`Table::columns`) against the contract: every column that
//! `docs/LEDGER.md` and `docs/STATS.md` list is declared, in their order (a column STATS.md
//! adds after LEDGER.md's), required exactly when marked `*`, and nothing else. Their types
//! match what the columns hold.

use std::collections::BTreeMap;

use dangjian::ledger::from_json_str;
use dangjian::model::Table;
use dangjian::rows::ColumnType;

fn doc(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/");
    std::fs::read_to_string(format!("{path}{name}")).expect("the docs are part of the repository")
}

/// The backquoted column names of a list such as "`id`*, `kind`*, `parent` (unit id), `x`",
/// each with whether a `*` follows it.
fn columns_of(list: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = list;
    let mut depth = 0usize;
    while let Some(i) = rest.find(['`', '(', ')']) {
        let ch = rest.as_bytes()[i];
        if ch == b'(' {
            depth += 1;
            rest = &rest[i + 1..];
            continue;
        }
        if ch == b')' {
            depth = depth.saturating_sub(1);
            rest = &rest[i + 1..];
            continue;
        }
        let after = &rest[i + 1..];
        let Some(j) = after.find('`') else { break };
        let name = &after[..j];
        rest = &after[j + 1..];
        if depth == 0 {
            out.push((name.to_string(), rest.starts_with('*')));
        }
    }
    out
}

/// The columns the contract gives each table, in its order.
fn contract() -> BTreeMap<String, Vec<(String, bool)>> {
    let mut tables: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    let ledger = doc("LEDGER.md");
    let section = &ledger[ledger.find("## Tables").unwrap()..ledger.find("## Validation").unwrap()];
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let table = cells[1].trim_matches('`').to_string();
        tables.insert(table, columns_of(cells[2]));
    }
    // docs/STATS.md adds columns to some tables, then a table of its own.
    let stats = doc("STATS.md");
    let new = stats.find("New table `exemptions`:").unwrap();
    for line in stats[..new].lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let table = cells[1].trim_matches('`');
        tables.get_mut(table).unwrap().extend(columns_of(cells[2]));
    }
    let line = &stats[new..stats[new..].find(": the").map_or(stats.len(), |e| new + e)];
    tables.insert(
        "exemptions".into(),
        columns_of(line.trim_start_matches("New table `exemptions`:")),
    );
    tables
}

#[test]
fn every_table_declares_the_columns_of_the_contract_in_order() {
    let contract = contract();
    assert_eq!(contract.len(), Table::ALL.len(), "{contract:?}");
    for table in Table::ALL {
        let want = &contract[table.name()];
        let got: Vec<(String, bool)> = table
            .columns()
            .iter()
            .map(|c| (c.name.to_string(), c.required))
            .collect();
        // A column docs/STATS.md adds comes after those of docs/LEDGER.md.
        assert_eq!(&got, want, "columns of {table}");
    }
}

#[test]
fn column_types_follow_what_the_columns_hold() {
    let ty = |table: Table, name: &str| {
        table
            .columns()
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.ty)
            .unwrap()
    };
    assert_eq!(ty(Table::Units, "id"), ColumnType::Text);
    assert_eq!(ty(Table::Units, "above_scale"), ColumnType::Bool);
    assert_eq!(ty(Table::Units, "length_m"), ColumnType::Float);
    assert_eq!(ty(Table::Units, "employees"), ColumnType::Int);
    assert_eq!(ty(Table::Units, "tags"), ColumnType::TextList);
    assert_eq!(ty(Table::Orgs, "hosts"), ColumnType::TextList);
    assert_eq!(ty(Table::Orgs, "established"), ColumnType::Date);
    assert_eq!(ty(Table::Activities, "people"), ColumnType::TextList);
    assert_eq!(ty(Table::Activities, "expected"), ColumnType::Int);
    assert_eq!(ty(Table::Duties, "min_count"), ColumnType::Int);
    assert_eq!(ty(Table::Duties, "quorum"), ColumnType::Float);
    assert_eq!(ty(Table::Progress, "percent"), ColumnType::Float);
    assert_eq!(ty(Table::Targets, "due"), ColumnType::Date);
    // Every column named like a date is a date column, and no other is.
    for table in Table::ALL {
        for c in table.columns() {
            let datey = [
                "since",
                "until",
                "established",
                "dissolved",
                "date",
                "birth_date",
                "joined",
                "confirmed",
                "start",
                "end",
                "deadline",
                "from",
                "to",
                "due",
            ]
            .contains(&c.name);
            assert_eq!(c.ty == ColumnType::Date, datey, "{table}.{}", c.name);
        }
    }
}

#[test]
fn the_problems_of_one_row_come_in_column_order() {
    // Three bad cells in one row: the problems follow the columns left to right, whatever
    // the order the record's fields are declared in the model.
    let text = r#"{"format": "dangjian-ledger/1",
        "units": [{"id": "d", "kind": "district", "name": "区",
                   "since": "soon", "until": "later", "employees": -1}]}"#;
    let err = from_json_str(text).unwrap_err();
    let problems = err.problems().unwrap();
    let at: Vec<String> = problems.0.iter().map(|p| p.location.to_string()).collect();
    assert_eq!(
        at,
        ["/units/0/since", "/units/0/until", "/units/0/employees"],
        "{problems}"
    );
}

#[test]
fn typed_tables_hold_the_saved_cells_as_their_declared_types() {
    use dangjian::ledger::Value;
    use dangjian::rows::Cell;
    // The typed cells come from the records, the saved ones through text: each typed cell
    // is its saved cell read as the column's type (a date parsed, a count whole, an empty
    // flag false, an empty list null), on the example and on a ledger with `x_` columns.
    let mut l = dangjian::example();
    l.units[1].extra.insert("x_note".into(), "注".into());
    l.orgs[0].extra.insert("x_code".into(), "7".into());
    l.units[0].tags.clear();
    l.units[0].employees = Some(12);
    for table in Table::ALL {
        let saved = dangjian::ledger::table(&l, table);
        let typed = dangjian::ledger::typed_table(&l, table);
        assert_eq!(typed.header, saved.header, "{table}");
        assert_eq!(typed.types.len(), typed.header.len(), "{table}");
        for (i, ty) in typed.types.iter().enumerate() {
            let declared = table.columns().get(i).map_or(ColumnType::Text, |c| c.ty);
            assert_eq!(*ty, declared, "{table}.{}", typed.header[i]);
        }
        assert_eq!(typed.rows.len(), saved.rows.len(), "{table}");
        for (t, s) in typed.rows.iter().zip(&saved.rows) {
            for ((cell, value), ty) in t.iter().zip(s).zip(&typed.types) {
                let expected = match (value, ty) {
                    (None, ColumnType::Bool) => Cell::Bool(false),
                    (None, _) => Cell::Null,
                    (Some(Value::Text(s)), ColumnType::Date) => Cell::Date(s.parse().unwrap()),
                    (Some(Value::Number(x)), ColumnType::Int) => Cell::Int(*x as i64),
                    (Some(Value::Number(x)), _) => Cell::Float(*x),
                    (Some(Value::Bool(b)), _) => Cell::Bool(*b),
                    (Some(Value::List(v)), _) => {
                        Cell::TextList(v.iter().map(|s| s.as_str().into()).collect())
                    }
                    (Some(Value::Text(s)), _) => Cell::Text(s.as_str().into()),
                };
                assert_eq!(cell, &expected, "{table}");
            }
        }
    }
    // By hand: units[0] has 12 employees and no tag; orgs[0] has `x_code` 7 as text, a
    // column before the example's `x_source`.
    let col = |t: &dangjian::ledger::TypedTable, name: &str| {
        t.header.iter().position(|h| h == name).unwrap()
    };
    let units = dangjian::ledger::typed_table(&l, Table::Units);
    assert_eq!(units.rows[0][col(&units, "employees")], Cell::Int(12));
    assert_eq!(units.rows[0][col(&units, "tags")], Cell::Null);
    assert_eq!(
        units.rows[1][col(&units, "x_note")],
        Cell::Text("注".into())
    );
    let orgs = dangjian::ledger::typed_table(&l, Table::Orgs);
    assert_eq!(orgs.header[col(&orgs, "x_code") + 1], "x_source");
    assert_eq!(orgs.rows[0][col(&orgs, "x_code")], Cell::Text("7".into()));
    assert_eq!(orgs.rows[1][col(&orgs, "x_code")], Cell::Null);
}
