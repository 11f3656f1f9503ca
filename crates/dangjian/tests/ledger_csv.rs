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

/// The one error of a load, as `file:line:column` and its kind.
fn only_error(dir: &std::path::Path) -> (String, ProblemKind, String) {
    let err = ledger::load(dir).unwrap_err();
    let p = err.problems().unwrap();
    let e: Vec<_> = p.errors().collect();
    assert_eq!(e.len(), 1, "{p}");
    let at = e[0].to_string().split(": ").next().unwrap().to_string();
    (at, e[0].kind, e[0].message.clone())
}

#[test]
fn a_quote_never_closed_is_an_error_not_rows_read_into_a_cell() {
    // Line 3 opens a quoted note (column 6) and never closes it: the csv reader would read
    // lines 4 and 5 into that note, and the ledger would have one activity instead of three.
    let acts = "id,kind,date,subject,people,note\n\
                a1,committee_meeting,2019-01-10,b,,ok\n\
                a2,committee_meeting,2019-02-10,b,,\"一月支委会,\n\
                a3,committee_meeting,2019-03-10,b,,\n\
                a4,committee_meeting,2019-04-10,b,,\n";
    let orgs = "id,kind,name,hosts,established\nb,branch,支部,e,2019-01-01\n";
    let dir = folder(
        "quote",
        &[
            ("units.csv", UNITS),
            ("orgs.csv", orgs.as_bytes()),
            ("activities.csv", acts.as_bytes()),
        ],
    );
    let (at, kind, message) = only_error(&dir);
    assert_eq!(at, "activities.csv:3:6");
    assert_eq!(kind, ProblemKind::Format);
    assert!(message.contains("never closed"), "{message}");

    // Closed on a later line, the same note is one cell over two lines, and no error.
    let closed = acts.replace("a4,committee_meeting,2019-04-10,b,,\n", "a4\",\n");
    let dir = folder(
        "quote-closed",
        &[
            ("units.csv", UNITS),
            ("orgs.csv", orgs.as_bytes()),
            ("activities.csv", closed.as_bytes()),
        ],
    );
    let l = ledger::load(&dir).unwrap();
    assert_eq!(l.activities.len(), 2);
}

#[test]
fn a_quote_never_closed_in_a_large_file_or_in_the_header_is_named() {
    // A file larger than the reader's block of 8 MiB (so it is read in blocks, in
    // parallel): the quote opens on line 30,003 and runs to the end.
    let mut units = String::from("id,kind,name,parent\nd,district,区,\n");
    for i in 0..120_000 {
        let name = if i == 30_000 {
            "\"企业 with a quote".to_string()
        } else {
            format!("企业{i} with a name long enough to make the file large, {i}").replace(',', ";")
        };
        units.push_str(&format!("e{i},enterprise,{name},d\n"));
    }
    assert!(units.len() > 8 * 1024 * 1024);
    let dir = folder("quote-big", &[("units.csv", units.as_bytes())]);
    let (at, _, message) = only_error(&dir);
    // Header line 1, the root line 2, e0 line 3: e30000 on line 30,003, name in column 3.
    assert_eq!(at, "units.csv:30003:3");
    assert!(message.contains("never closed"), "{message}");

    let dir = folder(
        "quote-header",
        &[("units.csv", b"id,\"kind,name\nd,district,x\n")],
    );
    let (at, _, _) = only_error(&dir);
    assert_eq!(at, "units.csv:1:2");
}

#[test]
fn bytes_neither_utf8_nor_gb18030_are_an_error_at_their_line() {
    // UTF-8 with Chinese text, and one Latin-1 byte (é) on line 3: not garbled GB18030.
    let mut units = UNITS.to_vec();
    units.extend_from_slice(b"x,enterprise,Jos\xe9,v,\n");
    let dir = folder("latin1", &[("units.csv", &units)]);
    let (at, kind, message) = only_error(&dir);
    assert_eq!(at, "units.csv:5:1");
    assert_eq!(kind, ProblemKind::Format);
    assert!(message.contains("0xE9"), "{message}");

    // GB18030 text with a byte that no GB18030 sequence starts with (0xFF) on line 2.
    let (gb, _, _) = encoding_rs::GB18030.encode(std::str::from_utf8(UNITS).unwrap());
    let mut bad = gb.to_vec();
    let second = bad.iter().position(|&b| b == b'\n').unwrap() + 1;
    bad.insert(second + 2, 0xFF);
    let dir = folder("gb-bad", &[("units.csv", &bad)]);
    let (at, _, message) = only_error(&dir);
    assert_eq!(at, "units.csv:2:1");
    assert!(message.contains("0xFF"), "{message}");
}
