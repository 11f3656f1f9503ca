//! The Excel form: round trips, spreadsheet habits (date cells, numbers typed into text
//! columns, title banners, merged headers, stray empty rows and columns), `sheet!cell`
//! locations, and what Excel cannot hold.

use dangjian::ledger::{self, LedgerError, Location, ProblemKind};
use rust_xlsxwriter::{Format, Workbook, Worksheet};

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dangjian-xlsx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn errors_of(err: LedgerError) -> Vec<String> {
    err.problems()
        .unwrap_or_else(|| panic!("not invalid: {err}"))
        .errors()
        .map(|p| p.to_string())
        .collect()
}

/// A workbook with a valid `units` sheet (district, village) built by `f`'s extra sheets.
fn book(f: impl FnOnce(&mut Workbook)) -> Vec<u8> {
    let mut wb = Workbook::new();
    f(&mut wb);
    wb.save_to_buffer().unwrap()
}

fn write_rows(ws: &mut Worksheet, first_row: u32, rows: &[&[&str]]) {
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(first_row + r as u32, c as u16, *v).unwrap();
            }
        }
    }
}

fn units_sheet(wb: &mut Workbook) {
    let ws = wb.add_worksheet().set_name("units").unwrap();
    write_rows(
        ws,
        0,
        &[
            &["id", "kind", "name", "parent"],
            &["d", "district", "城西新区", ""],
            &["v", "village", "上谢村", "d"],
        ],
    );
}

#[test]
fn example_round_trips_through_excel_twice() {
    let example = dangjian::example();
    let first = temp("example.xlsx");
    ledger::save(&example, &first).unwrap();
    let loaded = ledger::load(&first).unwrap();
    assert_eq!(loaded, example);
    let second = temp("example-again.xlsx");
    ledger::save(&loaded, &second).unwrap();
    assert_eq!(ledger::load(&second).unwrap(), example);
    // In memory too.
    let bytes = ledger::to_xlsx_bytes(&example).unwrap();
    assert_eq!(ledger::from_xlsx_bytes(&bytes).unwrap(), example);
}

#[test]
fn date_cells_numbers_typed_as_numbers_and_booleans_are_read_as_text_the_ledger_understands() {
    let bytes = book(|wb| {
        let date = Format::new().set_num_format("yyyy/m/d");
        let ws = wb.add_worksheet().set_name("units").unwrap();
        write_rows(
            ws,
            0,
            &[&[
                "id",
                "kind",
                "name",
                "parent",
                "above_scale",
                "length_m",
                "since",
            ]],
        );
        write_rows(ws, 1, &[&["d", "district", "城西新区", ""]]);
        // A road whose id was typed as a number, its length a whole float, a boolean cell,
        // and `since` a date cell: serial 43647 is 2019-07-01.
        ws.write_number(2, 0, 330.0).unwrap();
        write_rows(ws, 2, &[&["", "road", "330国道", "d"]]);
        ws.write_boolean(2, 4, true).unwrap();
        ws.write_number(2, 5, 400.0).unwrap();
        ws.write_number_with_format(2, 6, 43647.0, &date).unwrap();
        // Dates typed as text in the spreadsheet spellings.
        let ws = wb.add_worksheet().set_name("orgs").unwrap();
        write_rows(
            ws,
            0,
            &[
                &["id", "kind", "name", "hosts", "established"],
                &["b", "committee", "党委", "d", "2019年7月9日"],
            ],
        );
    });
    let l = ledger::from_xlsx_bytes(&bytes).unwrap();
    let road = &l.units[1];
    assert_eq!(road.id.as_str(), "330"); // not "330.0"
    assert!(road.above_scale);
    assert_eq!(road.length_m, Some(400.0));
    assert_eq!(road.since, chrono::NaiveDate::from_ymd_opt(2019, 7, 1));
    assert_eq!(
        l.orgs[0].established,
        chrono::NaiveDate::from_ymd_opt(2019, 7, 9).unwrap()
    );
    // Saved again, the whole float is written `400` and the id stays the text `330`.
    let units = ledger::to_csv_files(&l).swap_remove(0).1;
    assert!(
        units
            .lines()
            .any(|r| r.starts_with("330,road,") && r.contains(",400,")),
        "{units}"
    );
    let tables = ledger::tables(&l);
    assert_eq!(
        tables[0].rows[1][0],
        Some(ledger::Value::Text("330".into()))
    );
}

#[test]
fn title_banner_merged_header_and_stray_empty_rows_and_columns_are_handled() {
    let bytes = book(|wb| {
        let blank = Format::new().set_bold();
        // Sheet names are matched ignoring case.
        let ws = wb.add_worksheet().set_name("Units").unwrap();
        // Row 1: a title merged over A1:E1. Row 2: the header, `id` merged down over rows 2-3.
        ws.merge_range(0, 0, 0, 4, "城西新区单位台账", &Format::new())
            .unwrap();
        ws.merge_range(1, 0, 2, 0, "id", &Format::new()).unwrap();
        write_rows(ws, 1, &[&["", "kind", "name", "parent"]]);
        write_rows(ws, 3, &[&["d", "district", "城西新区", ""]]);
        // An empty row, then the village; formatted but empty cells right of the table and
        // below it.
        write_rows(ws, 5, &[&["v", "village", "上谢村", "d"]]);
        for r in 0..12 {
            ws.write_blank(r, 6, &blank).unwrap();
        }
        ws.write_blank(20, 0, &blank).unwrap();
        // An empty sheet and an x_ sheet of notes are ignored.
        wb.add_worksheet().set_name("Sheet1").unwrap();
        let notes = wb.add_worksheet().set_name("x_说明").unwrap();
        notes.write_string(0, 0, "填表说明").unwrap();
    });
    let l = ledger::from_xlsx_bytes(&bytes).unwrap();
    let ids: Vec<&str> = l.units.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["d", "v"]);
}

#[test]
fn excel_problems_are_located_as_sheet_and_cell() {
    let bytes = book(|wb| {
        units_sheet(wb);
        let ws = wb.add_worksheet().set_name("orgs").unwrap();
        write_rows(ws, 0, &[&["id", "kind", "name", "hosts", "established"]]);
        write_rows(ws, 1, &[&["b", "committee", "党委", "d", "2019-13-01"]]);
        write_rows(ws, 2, &[&["c", "club", "俱乐部", "v", "2019-07-01"]]);
        // A cell right of the header.
        write_rows(
            ws,
            3,
            &[&["g", "committee", "党委二", "v", "2019-07-01", "", "多余"]],
        );
        let ws = wb.add_worksheet().set_name("budget").unwrap();
        ws.write_string(0, 0, "a").unwrap();
        let ws = wb.add_worksheet().set_name("progress").unwrap();
        write_rows(ws, 0, &[&["initiative", "date", "percent", "x_备注"]]);
    });
    let err = ledger::from_xlsx_bytes(&bytes).unwrap_err();
    let mut got = errors_of(err);
    got.sort();
    assert_eq!(
        got,
        [
            "budget!A1: sheet `budget` is not a ledger table; tables are units, designations, orgs, elections, people, roles, initiatives, progress, activities, duties, indicators, observations, targets, exemptions (sheets named x_... are ignored)",
            "orgs!B3: unknown org kind `club`; allowed: committee, general_branch, branch, joint_branch, group, task_force, regional_committee, two_new_committee",
            "orgs!E2: `2019-13-01` in `established` is not a date; write YYYY-MM-DD (or YYYY/M/D, YYYY.M.D, YYYY年M月D日)",
            "orgs!G4: this cell is right of the header, which has 5 columns; name its column in the header or empty it",
        ]
    );
}

#[test]
fn what_excel_cannot_hold_is_refused_when_saving_and_nothing_is_written() {
    let mut l = dangjian::ledger::template();
    l.activities[0].note = Some("长".repeat(40_000).into());
    let path = temp("too-long.xlsx");
    let _ = std::fs::remove_file(&path);
    let err = ledger::save(&l, &path).unwrap_err();
    // The note is column F of the activities sheet, row 2 under the header.
    assert_eq!(errors_of(err), ["activities!F2: this cell has 40000 characters; an Excel cell holds at most 32767; save as a CSV folder or JSON"]);
    assert!(!path.exists());
}

#[test]
fn not_a_workbook_is_a_located_problem() {
    let path = temp("not-a-workbook.xlsx");
    std::fs::write(&path, b"id,kind,name\n").unwrap();
    let err = ledger::load(&path).unwrap_err();
    let p = err.problems().unwrap();
    assert_eq!(p.0.len(), 1);
    assert_eq!(p.0[0].kind, ProblemKind::Format);
    assert_eq!(
        p.0[0].location,
        Location::File {
            path: path.display().to_string()
        }
    );
    assert!(
        p.0[0].message.starts_with("not an Excel workbook (.xlsx)"),
        "{}",
        p.0[0].message
    );
}
