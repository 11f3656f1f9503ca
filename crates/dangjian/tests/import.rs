//! `dangjian import`: mappings, sources with the awkward details of real templates, and
//! the rows they add, checked against values worked out by hand from the fixtures
//! (`tests/common/import_fixtures.rs`, whose doc comments list what each row gives).

#[path = "common/import_fixtures.rs"]
mod fixtures;

use std::path::Path;

use chrono::NaiveDate;
use dangjian::import::{import, ImportOptions, Mapping, SkipReason, Source};
use dangjian::ledger::{Location, ProblemKind};
use dangjian::Ledger;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn run(map: &str, from: &Path, into: &Path) -> dangjian::import::ImportReport {
    import(
        &Mapping::resolve(map).unwrap(),
        from,
        into,
        &ImportOptions::default(),
    )
    .unwrap()
}

/// The bytes of every file of a folder, by name.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// The activities of the two platform-coded branches.
/// kind, date, subject, expected, attended.
type ActivityFacts = (String, NaiveDate, String, Option<u32>, Option<u32>);

fn coded_activities(l: &Ledger) -> Vec<ActivityFacts> {
    let mut v: Vec<_> = l
        .activities
        .iter()
        .filter(|a| a.subject.as_str().starts_with("00000"))
        .map(|a| {
            (
                a.kind.as_str().to_string(),
                a.date,
                a.subject.as_str().to_string(),
                a.expected,
                a.attended,
            )
        })
        .collect();
    v.sort_by_key(|a| a.1);
    v
}

#[test]
fn meetings_add_exactly_their_rows_and_a_second_import_changes_nothing() {
    let dir = fixtures::tmp("meetings");
    let ledger = fixtures::ledger(&dir);
    let before = dangjian::ledger::load(&ledger).unwrap();
    let from = fixtures::meetings_xlsx(&dir, None);

    let report = run("owip-meetings", &from, &ledger);
    assert_eq!(report.added.len(), 4);
    assert!(report.replaced.is_empty());
    assert_eq!(report.skipped.len(), 1, "{:?}", report.skipped);
    assert_eq!(report.skipped[0].reason, SkipReason::ExampleRow);
    assert_eq!(report.skipped[0].source.to_string(), "三会一课.xlsx!A2");
    assert!(report.written);
    assert_eq!(report.added[0].source.to_string(), "三会一课.xlsx!A3");

    let after = dangjian::ledger::load(&ledger).unwrap();
    assert_eq!(after.activities.len(), before.activities.len() + 4);
    let s = |x: &str| x.to_string();
    assert_eq!(
        coded_activities(&after),
        vec![
            (
                s("member_assembly"),
                d(2019, 2, 3),
                s("000001"),
                Some(12),
                Some(11)
            ),
            (
                s("committee_meeting"),
                d(2019, 3, 5),
                s("000002"),
                Some(5),
                Some(5)
            ),
            (
                s("party_lesson"),
                d(2019, 4, 10),
                s("000002"),
                Some(20),
                Some(18)
            ),
            (s("group_meeting"), d(2019, 5, 6), s("000001"), None, None),
        ]
    );
    // Nothing else moved.
    assert_eq!(after.people, before.people);
    assert_eq!(after.orgs, before.orgs);

    let files = snapshot(&ledger);
    let again = run("owip-meetings", &from, &ledger);
    assert!(again.added.is_empty());
    assert_eq!(
        again
            .skipped
            .iter()
            .filter(|s| s.reason == SkipReason::Duplicate)
            .count(),
        4
    );
    assert!(!again.written);
    assert_eq!(snapshot(&ledger), files);
    assert_eq!(dangjian::ledger::load(&ledger).unwrap(), after);
}

#[test]
fn theme_days_go_into_the_example_ledger_as_theme_days() {
    let dir = fixtures::tmp("theme");
    let ledger = dir.join("example.json");
    dangjian::ledger::save(&dangjian::example(), &ledger).unwrap();
    let from = fixtures::theme_days_xlsx(&dir);
    let report = run("owip-theme-days", &from, &ledger);
    assert_eq!(report.added.len(), 3);
    assert_eq!(
        report.added[1].values,
        vec![
            ("kind".to_string(), "theme_day".to_string()),
            ("date".to_string(), "2019-07-01".to_string()),
            ("subject".to_string(), "jiguan2_branch".to_string()),
            ("expected".to_string(), "8".to_string()),
            ("attended".to_string(), "8".to_string()),
        ]
    );
    let after = dangjian::ledger::load(&ledger).unwrap();
    let example = dangjian::example();
    assert_eq!(after.activities.len(), example.activities.len() + 3);
    let last = after.activities.last().unwrap();
    assert_eq!(
        (
            last.kind.as_str(),
            last.date,
            last.subject.as_str(),
            last.expected
        ),
        ("theme_day", d(2019, 8, 20), "jiguan1_branch", None)
    );
    assert_eq!(last.id, None);
    let again = run("owip-theme-days", &from, &ledger);
    assert!(!again.changes() && !again.written);
}

#[test]
fn members_skip_the_instructions_box_and_the_example_row() {
    let dir = fixtures::tmp("members");
    let ledger = fixtures::ledger(&dir);
    let from = fixtures::members_xlsx(&dir, false);
    let report = run("owip-members", &from, &ledger);

    let warning = report
        .warnings
        .iter()
        .find(|w| w.message.contains("C7:H14"))
        .expect("a warning naming the box");
    assert_eq!(warning.location.to_string(), "党员信息.xlsx!C7:H14");
    assert!(!warning.is_error());
    let boxed = report
        .skipped
        .iter()
        .find(|s| matches!(&s.reason, SkipReason::MergedBox { range } if range == "C7:H14"))
        .expect("the box is skipped");
    assert_eq!(boxed.rows, 8);
    assert!(report
        .skipped
        .iter()
        .any(|s| s.reason == SkipReason::ExampleRow && s.source.to_string() == "党员信息.xlsx!A2"));

    let ids: Vec<&str> = report
        .added
        .iter()
        .map(|r| r.values[0].1.as_str())
        .collect();
    assert_eq!(
        ids,
        ["000101", "000102", "000103", "000104", "000105", "000106"]
    );
    assert_eq!(report.added[4].source.to_string(), "党员信息.xlsx!A15");

    let after = dangjian::ledger::load(&ledger).unwrap();
    let get = |id: &str| after.people.iter().find(|p| p.id.as_str() == id).unwrap();
    let li = get("000102");
    assert_eq!(li.name, "李强");
    assert_eq!(li.birth_date, Some(d(1978, 11, 23)));
    assert_eq!(li.org.as_ref().map(|o| o.as_str()), Some("000001"));
    assert_eq!(
        (li.joined, li.confirmed),
        (Some(d(2001, 7, 1)), Some(d(2002, 7, 1)))
    );
    let chen = get("000103");
    assert_eq!(chen.birth_date, Some(d(1992, 7, 7)));
    assert_eq!((chen.joined, chen.confirmed), (Some(d(2019, 5, 1)), None));
    let zhou = get("000106");
    assert_eq!(zhou.org.as_ref().map(|o| o.as_str()), Some("000002"));
    assert_eq!(zhou.confirmed, Some(d(2001, 1, 2)));
    assert!(!after.people.iter().any(|p| p.name.contains("示例")));
    // The identity number is not kept, not even as an x_ column.
    assert!(li.extra.is_empty());

    let files = snapshot(&ledger);
    let again = run("owip-members", &from, &ledger);
    assert!(!again.changes());
    assert_eq!(
        again
            .skipped
            .iter()
            .filter(|s| s.reason == SkipReason::Unchanged)
            .count(),
        6
    );
    assert_eq!(snapshot(&ledger), files);
}

#[test]
fn no_identity_number_reaches_the_saved_ledger() {
    let dir = fixtures::tmp("privacy");
    for ledger in [
        fixtures::ledger(&dir),
        dir.join("l.json"),
        dir.join("l.xlsx"),
    ] {
        if !ledger.exists() {
            dangjian::ledger::save(
                &dangjian::ledger::load(dir.join("ledger")).unwrap(),
                &ledger,
            )
            .unwrap();
        }
        run(
            "owip-members",
            &fixtures::members_xlsx(&dir, false),
            &ledger,
        );
        let map = Mapping::from_toml("county-roster", fixtures::ROSTER_MAPPING).unwrap();
        import(
            &map,
            &fixtures::roster_csv(&dir, false),
            &ledger,
            &ImportOptions::default(),
        )
        .unwrap();
        let text = if ledger.is_dir() {
            snapshot(&ledger)
                .into_iter()
                .map(|(_, b)| String::from_utf8(b).unwrap())
                .collect::<String>()
        } else if ledger.extension().unwrap() == "json" {
            std::fs::read_to_string(&ledger).unwrap()
        } else {
            // Every cell of every sheet, as the saved workbook holds it.
            dangjian::ledger::to_json_string(&dangjian::ledger::load(&ledger).unwrap())
                + &String::from_utf8_lossy(&std::fs::read(&ledger).unwrap())
        };
        assert!(text.contains("000106") && text.contains("c_0001"));
        for number in fixtures::IDENTITY_NUMBERS {
            for form in [
                number.to_string(),
                number.to_uppercase(),
                number[..17].to_string(),
            ] {
                assert!(!text.contains(&form), "{form} in {}", ledger.display());
            }
        }
    }
}

#[test]
fn an_unknown_branch_is_located_at_its_cell_and_nothing_is_written() {
    let dir = fixtures::tmp("bad-branch");
    let ledger = fixtures::ledger(&dir);
    let files = snapshot(&ledger);
    let from = fixtures::meetings_xlsx(&dir, Some("branch"));
    let err = import(
        &Mapping::shipped("owip-meetings").unwrap(),
        &from,
        &ledger,
        &ImportOptions::default(),
    )
    .unwrap_err();
    let errors: Vec<_> = err.problems().unwrap().errors().collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].kind, ProblemKind::MissingReference);
    assert_eq!(errors[0].location.to_string(), "三会一课.xlsx!C5");
    assert!(
        errors[0].message.contains("000009"),
        "{}",
        errors[0].message
    );
    assert_eq!(snapshot(&ledger), files);
}

#[test]
fn a_date_that_is_not_one_is_located_at_its_cell() {
    let dir = fixtures::tmp("bad-date");
    let ledger = fixtures::ledger(&dir);
    let files = snapshot(&ledger);
    let from = fixtures::meetings_xlsx(&dir, Some("date"));
    let err = import(
        &Mapping::shipped("owip-meetings").unwrap(),
        &from,
        &ledger,
        &ImportOptions::default(),
    )
    .unwrap_err();
    let errors: Vec<_> = err.problems().unwrap().errors().collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].kind, ProblemKind::BadDate);
    assert_eq!(
        errors[0].location,
        Location::Excel {
            sheet: "三会一课.xlsx".into(),
            cell: "L6".into()
        }
    );
    assert_eq!(snapshot(&ledger), files);
}

#[test]
fn a_bad_identity_number_is_located_and_never_repeated() {
    let dir = fixtures::tmp("bad-identity");
    let ledger = fixtures::ledger(&dir);
    let files = snapshot(&ledger);
    let err = import(
        &Mapping::shipped("owip-members").unwrap(),
        &fixtures::members_xlsx(&dir, true),
        &ledger,
        &ImportOptions::default(),
    )
    .unwrap_err();
    let errors: Vec<_> = err.problems().unwrap().errors().collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].location.to_string(), "党员信息.xlsx!C4");
    assert!(!errors[0].message.contains("3301061978"));

    let map = Mapping::from_toml("county-roster", fixtures::ROSTER_MAPPING).unwrap();
    let err = import(
        &map,
        &fixtures::roster_csv(&dir, true),
        &ledger,
        &ImportOptions::default(),
    )
    .unwrap_err();
    let errors: Vec<_> = err.problems().unwrap().errors().collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].location.to_string(), "roster.csv:3:3");
    assert_eq!(snapshot(&ledger), files);
}

#[test]
fn a_gb18030_roster_replaces_by_id_and_keeps_what_it_does_not_map() {
    let dir = fixtures::tmp("roster");
    let ledger = fixtures::ledger(&dir);
    let before = dangjian::ledger::load(&ledger).unwrap();
    let old = before
        .people
        .iter()
        .position(|p| p.id.as_str() == "p_zhumin")
        .unwrap();
    let map = Mapping::from_toml("county-roster", fixtures::ROSTER_MAPPING).unwrap();
    let report = import(
        &map,
        &fixtures::roster_csv(&dir, false),
        &ledger,
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(report.replaced.len(), 1);
    assert_eq!(report.added.len(), 1);
    assert_eq!(report.replaced[0].source.to_string(), "roster.csv:2:1");

    let after = dangjian::ledger::load(&ledger).unwrap();
    assert_eq!(after.people.len(), before.people.len() + 1);
    let zhu = &after.people[old];
    assert_eq!(zhu.id.as_str(), "p_zhumin");
    assert_eq!(zhu.org.as_ref().map(|o| o.as_str()), Some("jiguan2_branch"));
    assert_eq!(zhu.birth_date, Some(d(1976, 4, 9)));
    assert_eq!(
        zhu.extra.get("x_备注").map(String::as_str),
        Some("调入机关第二党支部")
    );
    // Columns the mapping does not fill keep the ledger's values.
    assert_eq!(
        zhu.extra.get("x_note"),
        before.people[old].extra.get("x_note")
    );
    assert!(zhu.extra.contains_key("x_note"));
    let wu = after.people.last().unwrap();
    assert_eq!(
        (
            wu.id.as_str(),
            wu.name.as_str(),
            wu.birth_date,
            wu.joined,
            wu.confirmed
        ),
        (
            "c_0001",
            "吴昊",
            Some(d(1991, 2, 3)),
            Some(d(2018, 6, 1)),
            None
        )
    );
}

#[test]
fn a_missing_source_column_is_located_at_the_header() {
    let src =
        Source::from_csv("t.csv", "所在党支部编码,会议类型\n000001,党课\n".as_bytes()).unwrap();
    let err = dangjian::import::apply(
        dangjian::example(),
        &Mapping::shipped("owip-meetings").unwrap(),
        &src,
    )
    .unwrap_err();
    assert_eq!(err.0[0].location.to_string(), "t.csv:1:1");
    assert!(err.0[0].message.contains("实际会议时间"));
}

#[test]
fn shipped_mappings_list_the_headers_of_stats_md() {
    let m = Mapping::shipped("owip-meetings").unwrap();
    assert_eq!(m.headers, fixtures::MEETING_HEADERS);
    assert_eq!(m.table, "activities");
    let t = Mapping::shipped("owip-theme-days").unwrap();
    assert_eq!(t.headers, fixtures::THEME_DAY_HEADERS);
    assert_eq!(t.columns["kind"].value.as_deref(), Some("theme_day"));
    let p = Mapping::shipped("owip-members").unwrap();
    assert_eq!(p.headers, fixtures::MEMBER_HEADERS);
    assert_eq!(p.table, "people");
    assert!(Mapping::shipped("owip-nothing").is_none());
}

#[test]
fn bad_mappings_say_what_is_wrong() {
    let e = Mapping::from_toml("m", "table = \"meetings\"").unwrap_err();
    assert!(e.message.contains("no ledger table"), "{e}");
    let e = Mapping::from_toml(
        "m",
        "table = \"activities\"\n[columns.kind]\nvalue = \"x\"\n[columns.date]\nfrom = \"d\"\n",
    )
    .unwrap_err();
    assert!(e.message.contains("requires `subject`"), "{e}");
    let e = Mapping::from_toml("m", "table = \"people\"\n[columns.nmae]\nfrom = \"姓名\"\n")
        .unwrap_err();
    assert!(
        e.message.contains("`nmae` is not a column of `people`"),
        "{e}"
    );
    let e = Mapping::from_toml(
        "m",
        "table = \"people\"\n[columns.name]\nfrom = \"a\"\nvalue = \"b\"\n",
    )
    .unwrap_err();
    assert!(e.message.contains("both"), "{e}");
}

fn theme_days_csv(rows: &str) -> Source {
    let text = format!("所在党支部编码,实际时间,应到人数,实到人数\n{rows}");
    Source::from_csv("主题党日.csv", text.as_bytes()).unwrap()
}

#[test]
fn equal_rows_of_one_source_are_added_once() {
    let src = theme_days_csv(
        "jiguan1_branch,2019/6/28  15:00,15,14\njiguan1_branch,2019/6/28 09:00,15,14\n",
    );
    let (l, report) = dangjian::import::apply(
        dangjian::example(),
        &Mapping::shipped("owip-theme-days").unwrap(),
        &src,
    )
    .unwrap();
    assert_eq!(report.added.len(), 1);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].reason, SkipReason::Duplicate);
    assert_eq!(report.skipped[0].source.to_string(), "主题党日.csv:3:1");
    assert_eq!(l.activities.len(), dangjian::example().activities.len() + 1);
}

#[test]
fn the_ledger_warnings_about_imported_rows_are_located_in_the_source() {
    // 6 attending of 5 expected: a warning at the 实到人数 cell, and the import goes on.
    let src = theme_days_csv("jiguan1_branch,2019/6/28,5,6\n");
    let (_, report) = dangjian::import::apply(
        dangjian::example(),
        &Mapping::shipped("owip-theme-days").unwrap(),
        &src,
    )
    .unwrap();
    assert_eq!(report.added.len(), 1);
    let w: Vec<String> = report.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        w.iter()
            .any(|w| w.starts_with("主题党日.csv:2:4: warning:")),
        "{w:?}"
    );
    // The example's own warnings are not the import's.
    assert!(w.iter().all(|w| w.starts_with("主题党日.csv")), "{w:?}");
}

#[test]
fn an_untranslated_meeting_type_is_an_error_listing_the_known_ones() {
    let src = Source::from_csv(
        "t.csv",
        "所在党支部编码,会议类型,实际会议时间,应到人数,实到人数\n\
         jiguan1_branch,党课,2019/3/1,,\njiguan1_branch,座谈会,2019/3/2,,\n"
            .as_bytes(),
    )
    .unwrap();
    let err = dangjian::import::apply(
        dangjian::example(),
        &Mapping::shipped("owip-meetings").unwrap(),
        &src,
    )
    .unwrap_err();
    assert_eq!(err.0.len(), 1, "{err:?}");
    assert_eq!(err.0[0].kind, ProblemKind::UnknownTerm);
    assert_eq!(err.0[0].location.to_string(), "t.csv:3:2");
    assert!(err.0[0].message.contains("`支部党员大会`"));
}

#[test]
fn a_repeated_new_id_is_located_at_both_source_rows() {
    let map = Mapping::from_toml("county-roster", fixtures::ROSTER_MAPPING).unwrap();
    let src = Source::from_csv(
        "roster.csv",
        "编号,姓名,身份证号,所在支部,入党时间,转正时间\n\
         c_1,甲,,jiguan1_branch,,\nc_1,乙,,jiguan1_branch,,\n"
            .as_bytes(),
    )
    .unwrap();
    let err = dangjian::import::apply(dangjian::example(), &map, &src).unwrap_err();
    let e: Vec<String> = err.errors().map(|p| p.to_string()).collect();
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("roster.csv:3:1: id `c_1` is already used at roster.csv:2:1"),
        "{e:?}"
    );
}

#[test]
fn a_sheet_is_chosen_by_name() {
    let dir = fixtures::tmp("sheet");
    let from = fixtures::theme_days_xlsx(&dir);
    let src = Source::read(&from, Some("主题党日")).unwrap();
    assert_eq!(src.rows.len(), 3);
    let err = Source::read(&from, Some("Sheet9")).unwrap_err();
    assert!(
        err.message
            .contains("has no sheet `Sheet9`; its sheets are 主题党日"),
        "{}",
        err.message
    );
}

#[test]
fn a_title_above_the_header_and_decorated_headers_are_read_through() {
    // A CSV export with a title line above the header, a required column marked `*` and a
    // header cell broken over two lines: the header is found on line 2 (a warning says
    // so), the one row on line 3 is imported as it would be without them.
    let dir = fixtures::tmp("titled");
    let ledger = fixtures::ledger(&dir);
    let before = dangjian::ledger::load(&ledger).unwrap().activities.len();
    let csv = "2019年主题党日活动台账,,,\n\
               所在分党委编码,所在分党委,*所在党支部编码,所在党支部,记录人学工号,活动名称,计划时间,\"实际\n时间\",活动地点,活动主题,主要内容及特色,应到人数,实到人数,请假人数,列席人员\n\
               ,,jiguan1_branch,,,重温入党誓词,,2019/6/28  15:00,,,,15,14,,\n";
    let from = dir.join("titled.csv");
    std::fs::write(&from, csv).unwrap();
    let report = import(
        &Mapping::shipped("owip-theme-days").unwrap(),
        &from,
        &ledger,
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(report.added.len(), 1);
    // The header cell over two lines makes line 2 end on line 3: the data row is line 4.
    assert_eq!(report.added[0].source.to_string(), "titled.csv:4:1");
    let warned: Vec<String> = report
        .warnings
        .iter()
        .map(|w| w.location.to_string())
        .collect();
    assert_eq!(warned, ["titled.csv:2:1"]);
    let after = dangjian::ledger::load(&ledger).unwrap();
    assert_eq!(after.activities.len(), before + 1);
    let a = after.activities.last().unwrap();
    assert_eq!(
        (
            a.kind.as_str(),
            a.date,
            a.subject.as_str(),
            a.expected,
            a.attended
        ),
        (
            "theme_day",
            d(2019, 6, 28),
            "jiguan1_branch",
            Some(15),
            Some(14)
        )
    );
}

#[test]
fn a_bad_cell_and_a_missing_reference_are_reported_in_one_round() {
    // Row 5 names branch 000009, which the ledger lacks; row 6's date is `下周三`. Both are
    // reported at once, in the source's order, and nothing is written.
    let dir = fixtures::tmp("bad-both");
    let ledger = fixtures::ledger(&dir);
    let files = snapshot(&ledger);
    let from = fixtures::meetings_xlsx(&dir, Some("both"));
    let err = import(
        &Mapping::shipped("owip-meetings").unwrap(),
        &from,
        &ledger,
        &ImportOptions::default(),
    )
    .unwrap_err();
    let errors: Vec<(ProblemKind, String)> = err
        .problems()
        .unwrap()
        .errors()
        .map(|e| (e.kind, e.location.to_string()))
        .collect();
    assert_eq!(
        errors,
        [
            (
                ProblemKind::MissingReference,
                "三会一课.xlsx!C5".to_string()
            ),
            (ProblemKind::BadDate, "三会一课.xlsx!L6".to_string()),
        ]
    );
    assert_eq!(snapshot(&ledger), files);
}

#[test]
fn a_crlf_roster_is_numbered_like_an_lf_one() {
    // The bad identity number of the roster is on line 3, column 3 (`roster.csv:3:3` in
    // the LF file); saved with CRLF line ends, as Excel writes CSV, it is on line 3 still,
    // and the rows are added and replaced at lines 3 and 2.
    let dir = fixtures::tmp("roster-crlf");
    let ledger = fixtures::ledger(&dir);
    let map = Mapping::from_toml("county-roster", fixtures::ROSTER_MAPPING).unwrap();
    for bad in [true, false] {
        let lf = fixtures::roster_csv(&dir, bad);
        let bytes = std::fs::read(&lf).unwrap();
        assert!(!bytes.contains(&b'\r'));
        // GB18030 never uses the byte 0x0A inside a character: a bytewise replace is safe.
        let mut crlf = Vec::new();
        for b in bytes {
            if b == b'\n' {
                crlf.push(b'\r');
            }
            crlf.push(b);
        }
        let from = dir.join("roster-crlf.csv");
        std::fs::write(&from, crlf).unwrap();
        let opts = ImportOptions {
            dry_run: true,
            ..ImportOptions::default()
        };
        let result = import(&map, &from, &ledger, &opts);
        if bad {
            let err = result.unwrap_err();
            let at: Vec<String> = err
                .problems()
                .unwrap()
                .errors()
                .map(|e| e.location.to_string())
                .collect();
            assert_eq!(at, ["roster-crlf.csv:3:3"]);
        } else {
            let report = result.unwrap();
            assert_eq!(report.added[0].source.to_string(), "roster-crlf.csv:3:1");
            assert_eq!(report.replaced[0].source.to_string(), "roster-crlf.csv:2:1");
        }
    }
}
