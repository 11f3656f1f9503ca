//! The first minutes of a new user: pipes that close early, dates as ledgers spell them,
//! `--to` on every command, and destinations that would lose or mix data.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};

mod common;
use common::dangjian;

/// A fresh temporary path (nothing there yet).
fn tmp(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("dangjian-front-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    let _ = std::fs::remove_file(&p);
    p
}

/// The names in a folder, sorted.
fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_pipe_closed_after_the_first_line_ends_every_command_quietly() {
    for args in [
        &["duties"][..],
        &["report"],
        &["tasks", "--format", "csv"],
        &["catalogue"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dangjian"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        // Read one line, as `| head -1` does, then close the pipe.
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 1];
        let mut line = Vec::new();
        while stdout.read(&mut first).unwrap_or(0) == 1 && first[0] != b'\n' {
            line.push(first[0]);
        }
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!line.is_empty(), "{args:?}: printed a first line");
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{args:?}: {err}"
        );
        // Either it finished before the pipe closed (0) or SIGPIPE ended it (no code);
        // never Rust's panic exit 101.
        assert_ne!(out.status.code(), Some(101), "{args:?}");
        assert!(matches!(out.status.code(), None | Some(0)), "{args:?}");
    }
}

#[test]
fn as_of_takes_every_spelling_a_ledger_cell_takes() {
    let (code, iso, err) = dangjian(&["report", "--as-of", "2019-07-31", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    for spelling in ["2019/7/31", "2019.7.31", "2019年7月31日", " 2019/07/31 "] {
        let (code, out, err) = dangjian(&["report", "--as-of", spelling, "--format", "json"]);
        assert_eq!(code, 0, "{spelling}: {err}");
        assert_eq!(out, iso, "{spelling}");
    }
    let (code, a, _) = dangjian(&["tasks", "--as-of", "2019/7/31", "--from", "2019/1/1"]);
    assert_eq!(code, 0);
    let (_, b, _) = dangjian(&["tasks", "--as-of", "2019-07-31"]);
    assert_eq!(a, b);
}

#[test]
fn a_bad_as_of_is_worded_as_the_ledger_words_a_bad_date() {
    for (arg, bad) in [("2019-13-01", "2019-13-01"), ("2019/2/30", "2019/2/30")] {
        let (code, out, err) = dangjian(&["report", "--as-of", arg]);
        assert_eq!(code, 2, "{arg}");
        assert!(out.is_empty());
        assert!(
            err.contains(&format!(
                "`{bad}` is not a date; write YYYY-MM-DD (or YYYY/M/D, YYYY.M.D, YYYY年M月D日)"
            )),
            "{err}"
        );
        assert!(!err.contains("out of range") && !err.contains("invalid characters"));
    }
    let (code, _, err) = dangjian(&["validate", "--as-of", "July"]);
    assert_eq!(code, 2);
    assert!(err.contains("`July` is not a date"), "{err}");
}

#[test]
fn validate_takes_the_ledger_as_data_too() {
    let dir = tmp("validate-data");
    let (code, _, err) = dangjian(&["export", "--to", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let by_arg = dangjian(&["validate", dir.to_str().unwrap()]);
    let by_data = dangjian(&["validate", "--data", dir.to_str().unwrap()]);
    assert_eq!(by_arg.0, 0, "{}", by_arg.2);
    assert_eq!(by_arg, by_data);
    // One or the other, not both.
    let (code, _, err) = dangjian(&["validate", "x", "--data", "y"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn to_writes_the_chosen_format_for_every_command() {
    let cases: [&[&str]; 7] = [
        &["report", "--format", "json"],
        &["report", "--format", "csv"],
        &["report", "--format", "md"],
        &["report"],
        &["tasks", "--format", "csv"],
        &["coverage", "--format", "json"],
        &["catalogue", "--format", "md"],
    ];
    for (i, args) in cases.iter().enumerate() {
        let (code, printed, err) = dangjian(args);
        assert_eq!(code, 0, "{args:?}: {err}");
        let file = tmp(&format!("to-{i}.out"));
        let mut with_to: Vec<&str> = args.to_vec();
        with_to.extend(["--to", file.to_str().unwrap()]);
        let (code, out, err) = dangjian(&with_to);
        assert_eq!(code, 0, "{with_to:?}: {err}");
        assert!(out.is_empty(), "{with_to:?} printed {out}");
        assert!(err.contains("wrote "), "{err}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), printed, "{args:?}");
        std::fs::remove_file(&file).ok();
    }
}

#[test]
fn export_refuses_a_path_that_is_no_ledger_form_and_names_the_forms() {
    for name in ["ledger.csv", "ledger.xslx", "ledger.txt"] {
        let to = tmp(name);
        let (code, _, err) = dangjian(&["export", "--to", to.to_str().unwrap()]);
        assert_eq!(code, 2, "{name}");
        let ext = name.split('.').nth(1).unwrap();
        assert!(
            err.contains(&format!(
                "`.{ext}` is not a ledger form; write to a .json file, an .xlsx workbook, an \
                 SQLite database (.sqlite or .db), a folder of Parquet files (--format parquet, \
                 or a path ending in .parquet), or a folder of CSV files (a path without an \
                 extension)"
            )),
            "{err}"
        );
        assert!(!to.exists(), "{name}: nothing was made");
    }
}

#[test]
fn export_refuses_a_folder_holding_other_files_unless_forced() {
    let dir = tmp("mixed");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("minutes.docx"), "会议纪要").unwrap();
    std::fs::write(dir.join("budget.xlsx"), "x").unwrap();
    let (code, _, err) = dangjian(&["export", "--to", dir.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("already holds files that are not a ledger's (budget.xlsx, minutes.docx)"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        listing(&dir),
        ["budget.xlsx", "minutes.docx"],
        "nothing written"
    );
    // generate guards its destination the same way.
    let (code, _, _) = dangjian(&["generate", "--to", dir.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(listing(&dir).len(), 2);

    let (code, _, err) = dangjian(&["export", "--to", dir.to_str().unwrap(), "--force"]);
    assert_eq!(code, 0, "{err}");
    let names = listing(&dir);
    assert!(names.contains(&"units.csv".to_string()));
    assert!(
        names.contains(&"minutes.docx".to_string()),
        "the user's files stay"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn export_over_a_ledger_folder_or_into_an_empty_one_needs_no_force() {
    let dir = tmp("again");
    std::fs::create_dir_all(&dir).unwrap();
    let (code, _, err) = dangjian(&["export", "--to", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = dangjian(&["export", "--to", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "a ledger folder is overwritten in place: {err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_text_report_points_each_cut_list_to_its_own_drill_down() {
    // One generated district: 1,160 enterprises, far more without an organisation than the
    // 12 the text report lists.
    let dir = tmp("one-district");
    let (code, _, err) = dangjian(&["generate", "--to", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = dangjian(&["report", "--data", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let section = out
        .split("未建组织 Enterprises without a party organisation")
        .nth(1)
        .expect("the enterprise list");
    let more = section
        .lines()
        .find(|l| l.contains("more (see"))
        .expect("a cut list");
    assert!(more.ends_with("more (see `dangjian coverage`)"), "{more}");
    for line in out.lines().filter(|l| l.contains("more (see")) {
        assert!(
            line.ends_with("(see `dangjian coverage`)")
                || line.ends_with("(see `dangjian duties`)")
                || line.ends_with("(see `dangjian tasks`)"),
            "{line}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_catalogue_names_the_ledgers_duties_in_words_as_the_page_does() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../dangjian/data/chengxi");
    let (code, out, err) = dangjian(&["catalogue", "--data", example, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let get = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap();
    // DOMAIN.md: road chiefs patrol every 3 days; red workshops get a monthly instructor visit.
    let patrol = get("duty.road_patrol");
    assert_eq!(patrol["zh"], "履职率：路长巡查（每3天）");
    assert_eq!(
        patrol["en"],
        "compliance: patrol by road chiefs (every 3 days)"
    );
    let visits = get("duty.workshop_visit.lapse");
    assert_eq!(visits["zh"], "最长脱节：红色车间指导（个月）");
    assert_eq!(
        visits["en"],
        "longest lapse: instructor visit at red workshops (months)"
    );
    // The report's CSV carries the same names beside the id.
    let (_, csv, _) = dangjian(&["report", "--format", "csv", "--metrics", "duty.road_patrol"]);
    assert!(csv.contains("履职率：路长巡查（每3天）"), "{csv}");
}

#[test]
fn a_statistics_workbook_is_ready_to_file_with_a_title_and_names() {
    use calamine::{Reader, Xlsx};
    let x = tmp("enterprise_orgs.xlsx");
    let (code, _, err) = dangjian(&[
        "stats",
        "enterprise_orgs",
        "--as-of",
        "2019/7/31",
        "--by",
        "area",
        "--to",
        x.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let mut wb: Xlsx<_> = calamine::open_workbook(&x).unwrap();
    let range = wb.worksheet_range("enterprise_orgs").unwrap();
    let cell = |r: u32, c: u32| range.get_value((r, c)).map(|v| v.to_string());
    assert_eq!(
        cell(0, 0).as_deref(),
        Some("企业建立党的基层组织情况　城西新区　截至2019年7月31日")
    );
    assert_eq!(cell(1, 1).as_deref(), Some("单位数"));
    assert_eq!(cell(2, 0).as_deref(), Some("scope"));
    // The scope's own row says 城西新区, not its id `chengxi`; 98 enterprises in it.
    assert_eq!(cell(3, 0).as_deref(), Some("城西新区"));
    assert_eq!(cell(3, 1).as_deref(), Some("98"));
    // Every breakdown row names its area too: no bare ids left in the scope column.
    for r in 4..range.height() as u32 {
        let name = cell(r, 0).unwrap();
        assert!(name.chars().any(|c| c as u32 >= 0x4E00), "row {r}: {name}");
    }
    std::fs::remove_file(&x).ok();
}

#[test]
fn a_table_of_one_row_says_one_row() {
    // enterprise_orgs without --by: the scope's own row only.
    let (code, out, err) = dangjian(&["stats", "enterprise_orgs"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().last(), Some("(1 row)"));
    let (_, out, _) = dangjian(&["tasks"]);
    assert_eq!(out.lines().last(), Some("(33 rows)"));
}

#[test]
fn drill_down_csv_and_json_carry_names_beside_ids_and_text_shows_each_once() {
    let (code, csv, err) = dangjian(&["duties", "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("duty,subject,subject_name,holder,holder_name,"),
        "{header}"
    );
    // The first road chief's patrol obligation: the road by its id and its name.
    let xizhou = csv
        .lines()
        .find(|l| l.starts_with("road_patrol,xizhou_road,"))
        .unwrap();
    assert!(
        xizhou.starts_with("road_patrol,xizhou_road,西周路,"),
        "{xizhou}"
    );
    let (_, json, _) = dangjian(&["duties", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let row = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["subject"] == "xizhou_road")
        .unwrap();
    assert_eq!(row["subject_name"], "西周路");
    let (_, text, _) = dangjian(&["duties"]);
    let head = text.lines().next().unwrap();
    assert!(!head.contains("subject_name"), "{head}");
    assert!(text.contains("西周路"));
}
