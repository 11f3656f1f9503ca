//! Ledgers whose data used to be lost or bent without a word (issue 16): each case gives
//! exactly the located problem worked out by hand from the files written here.

use dangjian::ledger::{from_csv_files, LedgerError};

/// The problem lines (`location: message`, warnings marked) of loading CSV files.
fn problems_of(files: &[(&str, &str)]) -> Vec<String> {
    match from_csv_files(files.iter().copied()) {
        Ok(_) => Vec::new(),
        Err(LedgerError::Invalid(p)) => p.0.iter().map(|p| p.to_string()).collect(),
        Err(e) => vec![e.to_string()],
    }
}

const UNITS: &str = "id,kind,name,parent\nd,district,城西新区,\n";
const INITIATIVES: &str =
    "id,kind,programme,title,unit,deadline\ni1,project,growth,修路,d,2019-12-31\n";

#[test]
fn a_table_file_with_no_header_is_an_error_at_the_file() {
    // progress.csv cut to 0 bytes by a failed copy, and one with blank lines only: both
    // would read as a table with no rows.
    for text in ["", "\n\r\n  \n"] {
        assert_eq!(
            problems_of(&[
                ("units.csv", UNITS),
                ("initiatives.csv", INITIATIVES),
                ("progress.csv", text)
            ]),
            [
                "progress.csv:1:1: the file is empty: it needs at least the header line \
              (initiative,date,percent,note); delete the file if the table has no rows"
            ],
            "{text:?}"
        );
    }
}

#[test]
fn a_table_file_with_a_header_and_no_rows_is_fine() {
    assert_eq!(
        problems_of(&[
            ("units.csv", UNITS),
            ("initiatives.csv", INITIATIVES),
            ("progress.csv", "initiative,date,percent\n")
        ]),
        Vec::<String>::new()
    );
}

/// The errors only.
fn errors_of(files: &[(&str, &str)]) -> Vec<String> {
    problems_of(files)
        .into_iter()
        .filter(|p| !p.contains(": warning: "))
        .collect()
}

#[test]
fn a_whole_number_too_large_for_its_column_says_so() {
    // employees is a u64 column (whole numbers up to 2^53 = 9007199254740992 are exact);
    // expected a u32 one (up to 4294967295): 5000000000 used to be cut to 4294967295.
    let units = "id,kind,name,parent,employees\nd,district,城西新区,,\ne,enterprise,厂,d,1e20\n";
    let orgs = "id,kind,name,hosts,established\nb,branch,支部,e,2019-01-01\n";
    let activities = "kind,date,subject,expected\nmember_assembly,2019-03-01,b,5000000000\n";
    assert_eq!(
        errors_of(&[
            ("units.csv", units),
            ("orgs.csv", orgs),
            ("activities.csv", activities)
        ]),
        [
            "units.csv:3:5: `1e20` is too large for `employees`",
            "activities.csv:2:4: `5000000000` is too large for `expected`",
        ]
    );
}

#[test]
fn a_huge_percent_is_reported_in_a_few_characters() {
    // 1e308 is a finite number, out of 0 to 100; printed plainly it has 309 digits.
    let progress = "initiative,date,percent\ni1,2019-03-01,1e308\n";
    let got = errors_of(&[
        ("units.csv", UNITS),
        ("initiatives.csv", INITIATIVES),
        ("progress.csv", progress),
    ]);
    assert_eq!(
        got,
        ["progress.csv:2:3: `percent` 1e308 is outside 0 to 100"]
    );
}

#[test]
fn a_number_beyond_every_float_is_too_large_not_no_number() {
    // 1e400 is past f64's largest (about 1.8e308): it parses to infinity.
    let units = "id,kind,name,parent,length_m\nd,district,城西新区,,\nr,road,路,d,1e400\n";
    assert_eq!(
        errors_of(&[("units.csv", units)]),
        ["units.csv:3:5: `1e400` is too large a number"]
    );
}

#[test]
fn a_person_listed_twice_in_an_activity_is_a_warning_and_counted_once() {
    // Line 3 lists p12 (朱敏) twice among three entries: two people attended, not three.
    let units = "id,kind,name,parent\nd,district,城西新区,\n";
    let orgs = "id,kind,name,hosts,established\nb,branch,支部,d,2019-01-01\n";
    let people = "id,name,org,joined,confirmed\n\
                  p11,王芳,b,2000-01-01,2001-01-01\n\
                  p12,朱敏,b,2000-01-01,2001-01-01\n\
                  p13,李强,b,2000-01-01,2001-01-01\n";
    let activities = "kind,date,subject,people\n\
                      member_assembly,2019-03-01,b,p11;p13\n\
                      member_assembly,2019-04-01,b,p12;p11;p12\n";
    let files = [
        ("units.csv", units),
        ("orgs.csv", orgs),
        ("people.csv", people),
        ("activities.csv", activities),
    ];
    assert_eq!(
        problems_of(&files),
        Vec::<String>::new(),
        "a warning does not stop the load"
    );
    let dir = std::env::temp_dir().join(format!("dangjian-twice-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let loaded = dangjian::ledger::load_with(&dir, &Default::default()).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        ["activities.csv:3:4: warning: person `p12` (朱敏) is listed twice in `people`; counted once"]
    );
    // Attendance of line 3: p12 and p11, 2 people.
    assert_eq!(loaded.ledger.activities[1].attendance(), Some(2));
}

#[path = "common/unsaved.rs"]
mod unsaved;

/// A ledger workbook whose activities sheet has, in J5 (`expected` of its fourth
/// activity), the formula `=10+2` with no saved value; `saved`: with the value 12 that
/// Excel would have saved.
fn workbook_with_a_formula(saved: bool) -> Vec<u8> {
    use rust_xlsxwriter::{Formula, Workbook};
    let mut wb = Workbook::new();
    let units = wb.add_worksheet().set_name("units").unwrap();
    for (c, v) in ["id", "kind", "name", "parent"].iter().enumerate() {
        units.write_string(0, c as u16, *v).unwrap();
    }
    for (c, v) in ["d", "district", "城西新区"].iter().enumerate() {
        units.write_string(1, c as u16, *v).unwrap();
    }
    let acts = wb.add_worksheet().set_name("activities").unwrap();
    // A..J: expected is J.
    let header = [
        "kind", "date", "subject", "people", "note", "x_1", "x_2", "x_3", "attended", "expected",
    ];
    for (c, v) in header.iter().enumerate() {
        acts.write_string(0, c as u16, *v).unwrap();
    }
    for r in 1..=4u32 {
        acts.write_string(r, 0, "patrol").unwrap();
        acts.write_string(r, 1, format!("2019-03-0{r}")).unwrap();
        acts.write_string(r, 2, "d").unwrap();
        acts.write_number(r, 8, 10.0).unwrap();
    }
    acts.write_formula(4, 9, Formula::new("=10+2").set_result("12"))
        .unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    if saved {
        bytes
    } else {
        unsaved::without_saved_values(&bytes)
    }
}

#[test]
fn a_formula_with_no_saved_value_is_an_error_at_its_cell() {
    let err = dangjian::ledger::from_xlsx_bytes(&workbook_with_a_formula(false)).unwrap_err();
    let errors: Vec<String> = err
        .problems()
        .unwrap()
        .errors()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        errors,
        ["activities!J5: a formula with no saved value; open and save the workbook in Excel"]
    );
}

#[test]
fn a_formula_with_its_saved_value_reads_as_the_value() {
    let l = dangjian::ledger::from_xlsx_bytes(&workbook_with_a_formula(true)).unwrap();
    // Row 5 is the fourth activity; =10+2 saved as 12.
    assert_eq!(l.activities[3].expected, Some(12));
}

#[test]
fn a_row_with_a_bad_cell_still_has_its_references_checked() {
    // Line 3 has an unknown kind (villlage) and a parent that names no unit (distrct):
    // both are reported in one run. Line 4's bad date leaves its parent, which is good,
    // unreported; a person whose row has a bad date still has her org checked.
    let units = "id,kind,name,parent,since\n\
                 d,district,城西新区,,\n\
                 v,villlage,上谢村,distrct,\n\
                 w,village,下谢村,d,2019-13-01\n";
    let people = "id,name,org,joined\np1,朱敏,no_branch,2019/2/30\n";
    assert_eq!(
        errors_of(&[("units.csv", units), ("people.csv", people)]),
        [
            "units.csv:3:2: unknown unit kind `villlage`; allowed: district, area, \
             village, block, enterprise, workshop, road, office",
            "units.csv:4:5: `2019-13-01` in `since` is not a date; write YYYY-MM-DD \
             (or YYYY/M/D, YYYY.M.D, YYYY年M月D日)",
            "people.csv:2:4: `2019/2/30` in `joined` is not a date; write YYYY-MM-DD \
             (or YYYY/M/D, YYYY.M.D, YYYY年M月D日)",
            "units.csv:3:4: `parent` names `distrct`, which is not a unit id of this ledger",
            "people.csv:2:3: `org` names `no_branch`, which is not a org id of this ledger",
        ]
    );
}

#[test]
fn a_json_key_that_is_no_table_is_reported_with_the_other_problems() {
    // A stray key used to stop the load there, hiding the bad date and the negative count.
    let json = r#"{"format": "dangjian-ledger/1",
        "bogus": [],
        "units": [{"id": "d", "kind": "district", "name": "区"},
                  {"id": "e", "kind": "enterprise", "name": "企业", "parent": "d",
                   "employees": -1, "since": "2019-13-01"}]}"#;
    let err = dangjian::ledger::from_json_str(json).unwrap_err();
    let LedgerError::Invalid(p) = err else {
        panic!("{err}")
    };
    let mut lines: Vec<String> = p.errors().map(|p| p.to_string()).collect();
    lines.sort();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(
        lines[0].starts_with("/bogus: `bogus` is not a ledger table"),
        "{lines:#?}"
    );
    assert!(lines[1].starts_with("/units/1/employees: "), "{lines:#?}");
    assert!(lines[2].starts_with("/units/1/since: "), "{lines:#?}");
}

#[test]
fn a_csv_row_with_a_cell_too_few_is_a_warning_naming_the_first_column_read_as_empty() {
    // Line 3 ends a cell early (a comma lost, or `attended` left off): the row is read, its
    // missing cell empty (a row may end early), but not without a word.
    let acts = "id,kind,date,subject,people,expected,attended\n\
                a1,committee_meeting,2019-01-10,d,,4,3\n\
                a2,committee_meeting,2019-02-10,d,,4\n\
                \n";
    let dir = std::env::temp_dir().join(format!("dangjian-short-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("units.csv"), UNITS).unwrap();
    std::fs::write(dir.join("activities.csv"), acts).unwrap();
    let loaded = dangjian::ledger::load_with(&dir, &Default::default()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let warnings: Vec<String> = loaded.warnings.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        warnings,
        ["activities.csv:3:7: warning: this row has 6 cells but the header has 7 columns: `attended` \
          and the columns after it are read as empty; if a comma was lost, the cells after it \
          are in the wrong columns"]
    );
    assert_eq!(loaded.ledger.activities[1].expected, Some(4));
    assert_eq!(loaded.ledger.activities[1].attended, None);
}

#[test]
fn whole_numbers_are_written_to_json_as_whole_numbers() {
    // The example's above-scale enterprises have employee counts, its meetings expected
    // and attended counts: JSON has them as `45`, as CSV does, not `45.0`.
    let json = dangjian::ledger::to_json_string(&dangjian::example());
    assert!(
        json.contains("\"employees\":"),
        "no employees in the example"
    );
    assert!(!json.contains(".0,") && !json.contains(".0}"), "{json}");
    // And they read back the same.
    let back = dangjian::ledger::from_json_str(&json).unwrap();
    assert_eq!(dangjian::ledger::to_json_string(&back), json);
}
