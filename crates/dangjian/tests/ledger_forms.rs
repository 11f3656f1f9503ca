//! Nothing lost between the forms: the example through a GB18030-encoded CSV folder, `x_`
//! columns through CSV, JSON and Excel, and the spreadsheet spellings of CSV.

use dangjian::ledger::{self, LedgerError, Location, ProblemKind};
use dangjian::model::Ledger;

/// The CSV files of a ledger, each encoded as GB18030 (what Chinese Excel writes).
fn gb18030_files(l: &Ledger) -> Vec<(String, Vec<u8>)> {
    ledger::to_csv_files(l)
        .into_iter()
        .map(|(name, text)| {
            let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
            assert!(!unmappable);
            (name, bytes.into_owned())
        })
        .collect()
}

fn errors_of(err: LedgerError) -> Vec<String> {
    err.problems()
        .unwrap_or_else(|| panic!("not invalid: {err}"))
        .errors()
        .map(|p| p.to_string())
        .collect()
}

#[test]
fn example_round_trips_through_a_gb18030_csv_folder() {
    let example = dangjian::example();
    let files = gb18030_files(&example);
    // The Chinese text really is GB18030, not UTF-8.
    let units = &files.iter().find(|(n, _)| n == "units.csv").unwrap().1;
    assert!(std::str::from_utf8(units).is_err());
    assert_eq!(ledger::from_csv_files(files.clone()).unwrap(), example);
    // And from a folder on disk.
    let dir = std::env::temp_dir().join(format!("dangjian-gb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    assert_eq!(ledger::load(&dir).unwrap(), example);
    std::fs::remove_dir_all(&dir).ok();
}

/// The template with `x_` columns of every kind of text in several tables.
fn with_extras() -> Ledger {
    let mut l = ledger::template();
    l.units[0]
        .extra
        .insert("x_区划代码".into(), "330782".into());
    l.units[1]
        .extra
        .insert("x_note".into(), "  前后有空格的说明  ".into());
    l.people[0]
        .extra
        .insert("x_phone".into(), "13800000000".into());
    l.activities[0]
        .extra
        .insert("x_地点".into(), "党群服务中心, 二楼; \"会议室\"".into());
    l.duties[3]
        .extra
        .insert("x_依据".into(), "《中国共产党支部工作条例（试行）》".into());
    l.observations[0]
        .extra
        .insert("x_source".into(), "1,000".into()); // text, not a number
    l
}

#[test]
fn x_columns_survive_csv_json_and_excel() {
    let l = with_extras();
    let dir = std::env::temp_dir().join(format!("dangjian-extras-{}", std::process::id()));
    for path in [
        dir.join("csv"),
        dir.join("ledger.json"),
        dir.join("ledger.xlsx"),
    ] {
        ledger::save(&l, &path).unwrap();
        let back = ledger::load(&path).unwrap();
        // Untouched: even the spaces around the note.
        assert_eq!(back, l, "{}", path.display());
    }
    let gb = ledger::from_csv_files(gb18030_files(&l)).unwrap();
    assert_eq!(
        gb.activities[0].extra["x_地点"],
        "党群服务中心, 二楼; \"会议室\""
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn csv_thousands_separators_are_refused_with_a_clear_message() {
    let units = "id,kind,name,parent,length_m\nd,district,区,,\nr,road,路,d,\"1,200\"\ns,road,路二,d,1200\n";
    let err = ledger::from_csv_files([("units.csv", units)]).unwrap_err();
    let p = err.problems().unwrap();
    let e: Vec<_> = p.errors().collect();
    assert_eq!(e.len(), 1, "{p}");
    assert_eq!(e[0].kind, ProblemKind::ThousandsSeparator);
    // Line 3 (the header is line 1), column 5 (length_m).
    assert_eq!(
        e[0].location,
        Location::Csv {
            file: "units.csv".into(),
            line: 3,
            column: 5
        }
    );
    assert_eq!(
        e[0].message,
        "`1,200` has a thousands separator; write the number plainly, e.g. 1234567.5"
    );
}

#[test]
fn csv_full_width_spaces_boolean_spellings_and_semicolon_lists_are_accepted() {
    // U+3000 around cells, 是/否/YES/no/1/0 booleans, 全角分号 in lists, dates in every spelling.
    let units = "id,kind,name,parent,above_scale,tags,since\n\
                 d,district,区,,否,,2019-01-01\n\
                 \u{3000}v\u{3000},village,村,d, YES ,美丽乡村；示范,2019/1/2\n\
                 e,enterprise,企业,v,1,,2019.1.3\n\
                 f,enterprise,企业二,v,no,,2019年1月4日\n";
    let l = ledger::from_csv_files([("units.csv", units)]).unwrap();
    let above: Vec<bool> = l.units.iter().map(|u| u.above_scale).collect();
    assert_eq!(above, [false, true, true, false]);
    assert_eq!(l.units[1].id.as_str(), "v");
    assert_eq!(l.units[1].tags, ["美丽乡村", "示范"]);
    let days: Vec<u32> = l
        .units
        .iter()
        .map(|u| chrono::Datelike::day(&u.since.unwrap()))
        .collect();
    assert_eq!(days, [1, 2, 3, 4]);
}

#[test]
fn csv_with_trailing_empty_columns_and_a_nameless_column_with_values() {
    // Excel often saves trailing separators: empty, nameless columns are ignored.
    let ok = "id,kind,name,parent,,\nd,district,区,,,\n";
    assert_eq!(
        ledger::from_csv_files([("units.csv", ok)])
            .unwrap()
            .units
            .len(),
        1
    );
    let bad = "id,kind,name,parent,\nd,district,区,,备注\n";
    let err = ledger::from_csv_files([("units.csv", bad)]).unwrap_err();
    assert_eq!(
        errors_of(err),
        ["units.csv:1:5: this column of units has values but no name in the header; name it (one of id, kind, name, parent, above_scale, length_m, since, until, tags, employees or a name starting with x_) or empty it"]
    );
}
