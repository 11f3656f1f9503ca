//! The CSV-folder form: locations as file:line:column, spreadsheet spellings, encodings.

use std::path::PathBuf;

use dangjian::ledger::{self, LedgerError, Location, ProblemKind};

fn folder(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dangjian-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (f, bytes) in files {
        std::fs::write(dir.join(f), bytes).unwrap();
    }
    dir
}

const UNITS: &[u8] = "id,kind,name,parent,above_scale\nd,district,城西新区,,\nv,village,上谢村,d,\ne,enterprise,新多集团,v,是\n".as_bytes();

#[test]
fn csv_errors_name_file_line_and_column() {
    let orgs = "id,kind,name,hosts,established\nb,branch,支部,e,2019年7月9日\nc,club,俱乐部,e,2019-07-09\n";
    let dir = folder(
        "loc",
        &[("units.csv", UNITS), ("orgs.csv", orgs.as_bytes())],
    );
    let err = ledger::load(&dir).unwrap_err();
    let problems = err.problems().unwrap();
    let e: Vec<_> = problems.errors().collect();
    assert_eq!(e.len(), 1, "{problems}");
    assert_eq!(e[0].kind, ProblemKind::UnknownTerm);
    // Line 3 of orgs.csv, column 2 (kind).
    assert_eq!(
        e[0].location,
        Location::Csv {
            file: "orgs.csv".into(),
            line: 3,
            column: 2
        }
    );
    assert_eq!(e[0].to_string().split(": ").next(), Some("orgs.csv:3:2"));
}

#[test]
fn spreadsheet_dates_booleans_and_bom_are_accepted() {
    let mut units = b"\xEF\xBB\xBF".to_vec();
    units.extend_from_slice(UNITS);
    let orgs = "id,kind,name,hosts,established\nb,branch,支部,e,2019年7月9日\nb2,branch,支部二,e;v,2019/7/9\nb3,branch,支部三,v,2019.7.9\n";
    let dir = folder(
        "spell",
        &[("units.csv", &units), ("orgs.csv", orgs.as_bytes())],
    );
    let loaded = ledger::load_with(&dir, &Default::default()).unwrap();
    let l = loaded.ledger;
    assert!(l.units[2].above_scale);
    let d = chrono::NaiveDate::from_ymd_opt(2019, 7, 9).unwrap();
    assert!(l.orgs.iter().all(|o| o.established == d));
    assert_eq!(l.orgs[1].hosts.len(), 2);
}

#[test]
fn gb18030_csv_is_detected() {
    let (bytes, _, _) = encoding_rs::GB18030.encode(std::str::from_utf8(UNITS).unwrap());
    let dir = folder("gb", &[("units.csv", &bytes)]);
    let l = ledger::load(&dir).unwrap();
    assert_eq!(l.units[0].name, "城西新区");
}

#[test]
fn a_bad_row_in_the_middle_of_a_large_table_is_named() {
    let mut units = String::from("id,kind,name,parent\nd,district,区,\n");
    for i in 0..20_000 {
        let kind = if i == 12_345 { "villa" } else { "enterprise" };
        units.push_str(&format!("e{i},{kind},企业{i},d\n"));
    }
    let dir = folder("big", &[("units.csv", units.as_bytes())]);
    let err = ledger::load(&dir).unwrap_err();
    let e: Vec<_> = err.problems().unwrap().errors().cloned().collect();
    assert_eq!(e.len(), 1);
    // header is line 1, the root line 2, e0 line 3: e12345 is on line 12348.
    assert_eq!(
        e[0].location,
        Location::Csv {
            file: "units.csv".into(),
            line: 12_348,
            column: 2
        }
    );
}

#[test]
fn missing_folder_is_an_io_error() {
    let err = ledger::load("no/such/ledger").unwrap_err();
    assert!(matches!(err, LedgerError::Io { .. }), "{err}");
}

#[test]
fn unknown_csv_file_and_ragged_rows_are_reported() {
    let dir = folder(
        "ragged",
        &[
            (
                "units.csv",
                "id,kind,name\nd,district,区,extra\n".as_bytes(),
            ),
            ("budget.csv", b"a\n1\n"),
        ],
    );
    let err = ledger::load(&dir).unwrap_err();
    let p = err.problems().unwrap();
    let kinds: Vec<_> = p.errors().map(|e| e.kind).collect();
    assert_eq!(kinds, vec![ProblemKind::Format, ProblemKind::Format], "{p}");
}

#[test]
fn progress_reports_grow_even_when_threads_report_at_once() {
    // Files are read on several threads; a callback slower for smaller counts lets a later
    // report overtake an earlier one unless reports are ordered. A progress bar must never
    // go backwards, and its last reading report is every byte of the folder.
    use std::sync::Mutex;
    let dir = std::env::temp_dir().join(format!("dangjian-test-{}-progress", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    ledger::save(&dangjian::example(), &dir).unwrap();
    let total: u64 = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    let seen = Mutex::new(Vec::new());
    ledger::load_with_progress(&dir, &Default::default(), &|stage, done, all| {
        if stage == "reading" {
            let micros = (all - done) * 20_000 / all.max(1);
            std::thread::sleep(std::time::Duration::from_micros(micros));
            seen.lock().unwrap().push((done, all));
        }
    })
    .unwrap();
    let seen = seen.into_inner().unwrap();
    assert!(seen.len() > 1, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
    assert_eq!(seen.last(), Some(&(total, total)));
    std::fs::remove_dir_all(&dir).ok();
}
