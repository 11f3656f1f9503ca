//! The SQLite form (docs/SERVICE.md, "The ledger as an SQLite database"): nothing lost
//! between it and the other forms, its schema as the declaration says, problems located
//! as `activities[id=a17].date`, databases that are not ledgers refused with a clear error,
//! and the service's writes (`Db::append`, `Db::replace`) all or nothing.

use std::path::{Path, PathBuf};

use dangjian::ledger::sqlite::{Change, ChangeRecord, Db};
use dangjian::ledger::{self, LedgerError, Location, ProblemKind};
use dangjian::model::{Activity, Ledger, Table};
use rusqlite::Connection;

/// A fresh folder for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dangjian-sqlite-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs SQL on a database behind dangjian's back (a user's tool, an injected fault).
fn sql(path: &Path, statements: &str) {
    Connection::open(path)
        .unwrap()
        .execute_batch(statements)
        .unwrap();
}

fn strings(path: &Path, query: &str) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn.prepare(query).unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Each error as `location: message`, with the problem's kind.
fn errors_of(err: LedgerError) -> Vec<(String, ProblemKind)> {
    err.problems()
        .unwrap_or_else(|| panic!("not invalid: {err}"))
        .errors()
        .map(|p| (p.to_string(), p.kind))
        .collect()
}

fn change(kind: &str, table: Option<Table>, added: u64) -> ChangeRecord {
    ChangeRecord {
        time: "2025-02-01T08:30:00Z".into(),
        token: "secretary-phone".into(),
        kind: kind.into(),
        table,
        added,
        unchanged: 0,
    }
}

/// A theme day of the template's district committee with this id.
fn activity(id: &str) -> Activity {
    let mut a = ledger::template().activities[0].clone();
    a.id = Some(id.into());
    a
}

#[test]
fn the_example_through_sqlite_gives_the_same_json_as_the_example() {
    let dir = scratch("example");
    let path = dir.join("chengxi.sqlite");
    let example = dangjian::example();
    ledger::save(&example, &path).unwrap();
    let back = ledger::load(&path).unwrap();
    assert_eq!(back, example);
    assert_eq!(
        ledger::to_json_string(&back),
        ledger::to_json_string(&example)
    );
    // `.db` is the same form; and back out to JSON and in again.
    let db = dir.join("chengxi.db");
    ledger::save(&back, &db).unwrap();
    let json = dir.join("chengxi.json");
    ledger::save(&ledger::load(&db).unwrap(), &json).unwrap();
    assert_eq!(ledger::load(&json).unwrap(), example);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_generated_ledger_round_trips_through_sqlite() {
    let dir = scratch("synth");
    let path = dir.join("tiny.sqlite");
    let l = dangjian::synth::generate(&dangjian::synth::Spec::tiny());
    assert!(!l.activities.is_empty());
    ledger::save(&l, &path).unwrap();
    let back = ledger::load(&path).unwrap();
    assert_eq!(back, l);
    assert_eq!(ledger::to_json_string(&back), ledger::to_json_string(&l));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn x_columns_are_kept_as_text_columns_of_their_table() {
    let dir = scratch("extras");
    let path = dir.join("l.sqlite");
    let mut l = ledger::template();
    l.units[0]
        .extra
        .insert("x_区划代码".into(), "330782".into());
    l.units[1]
        .extra
        .insert("x_note".into(), "  前后有空格的说明  ".into());
    l.activities[0]
        .extra
        .insert("x_地点".into(), "二楼; \"会议室\"".into());
    l.observations[0]
        .extra
        .insert("x_source".into(), "1,000".into());
    ledger::save(&l, &path).unwrap();
    assert_eq!(ledger::load(&path).unwrap(), l);
    // The declared columns, then the `x_` ones sorted (as every form writes them); the
    // extra columns hold text, even `330782` and `1,000`.
    assert_eq!(
        strings(&path, "SELECT name FROM pragma_table_info('units')"),
        [
            "id",
            "kind",
            "name",
            "parent",
            "above_scale",
            "length_m",
            "since",
            "until",
            "tags",
            "employees",
            "x_note",
            "x_区划代码"
        ]
    );
    assert_eq!(
        strings(
            &path,
            "SELECT typeof(\"x_区划代码\") FROM units ORDER BY rowid"
        ),
        ["text", "null", "null"]
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_schema_has_each_declared_column_with_its_sql_type_and_the_service_tables() {
    let dir = scratch("schema");
    let path = dir.join("l.sqlite");
    ledger::save(&ledger::template(), &path).unwrap();
    let conn = Connection::open(&path).unwrap();
    let columns = |table: &str| -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name || ' ' || type FROM pragma_table_info(?1)")
            .unwrap();
        stmt.query_map([table], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    // LEDGER.md and STATS.md: activities are id, kind, date, subject, people, note, then
    // expected and attended (whole numbers).
    assert_eq!(
        columns("activities"),
        [
            "id TEXT",
            "kind TEXT",
            "date TEXT",
            "subject TEXT",
            "people TEXT",
            "note TEXT",
            "expected INTEGER",
            "attended INTEGER"
        ]
    );
    // duties: min_count a whole number, quorum a share; `from` and `to` are SQL words,
    // quoted.
    assert_eq!(
        columns("duties"),
        [
            "id TEXT",
            "activity TEXT",
            "applies_to TEXT",
            "cadence TEXT",
            "min_count INTEGER",
            "from TEXT",
            "to TEXT",
            "quorum REAL"
        ]
    );
    assert_eq!(columns("meta"), ["key TEXT", "value TEXT"]);
    assert_eq!(
        columns("changes"),
        [
            "number INTEGER",
            "time TEXT",
            "token TEXT",
            "kind TEXT",
            "table_name TEXT",
            "added INTEGER",
            "unchanged INTEGER"
        ]
    );
    // Every ledger table, meta and changes: 14 + 2.
    let tables = strings(
        &path,
        "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name",
    );
    assert_eq!(tables.len(), Table::ALL.len() + 2);
    assert_eq!(
        strings(&path, "SELECT value FROM meta WHERE key = 'format'"),
        ["dangjian-ledger/1"]
    );
    assert_eq!(
        strings(&path, "PRAGMA journal_mode"),
        ["wal"],
        "readers go on while a server writes"
    );
    drop(conn);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn cells_are_stored_as_the_csv_form_writes_them_with_numbers_as_numbers() {
    let dir = scratch("cells");
    let path = dir.join("l.sqlite");
    ledger::save(&ledger::template(), &path).unwrap();
    let row = |q: &str| strings(&path, q);
    // The template's enterprise is above scale (1); the others are not (empty, as in CSV).
    assert_eq!(
        row("SELECT quote(above_scale) FROM units ORDER BY rowid"),
        ["NULL", "NULL", "1"]
    );
    // Dates as ISO text, lists `;`-joined, counts as integers, percent as a real.
    assert_eq!(
        row("SELECT date || '|' || people || '|' || typeof(expected) || '|' || quote(attended) FROM activities"),
        ["2025-01-15|p_example|integer|1"]
    );
    assert_eq!(
        row("SELECT typeof(percent) || ' ' || percent FROM progress"),
        ["real 10.0"]
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn problems_are_located_by_the_row_id_or_by_the_row_number() {
    let dir = scratch("located");
    let path = dir.join("l.sqlite");
    ledger::save(&ledger::template(), &path).unwrap();
    // 2025-02-30 does not exist; a second progress update (row 2, no id column) at 120%.
    sql(
        &path,
        "UPDATE activities SET date = '2025-02-30' WHERE id = 'act_example';
         INSERT INTO progress (initiative, date, percent) VALUES ('example_task', '2025-02-28', 120);",
    );
    let errors = errors_of(ledger::load(&path).unwrap_err());
    assert_eq!(
        errors,
        [
            (
                "activities[id=act_example].date: `2025-02-30` in `date` is not a date; write YYYY-MM-DD"
                    .to_string(),
                ProblemKind::BadDate
            ),
            (
                "progress[row=2].percent: `percent` 120 is outside 0 to 100".to_string(),
                ProblemKind::PercentOutOfRange
            ),
        ]
    );
    // The location as data: table, id, row (1-based), column.
    let err = ledger::load(&path).unwrap_err();
    let first = &err.problems().unwrap().0[0];
    assert_eq!(
        first.location,
        Location::Sqlite {
            table: "activities".into(),
            id: Some("act_example".into()),
            row: Some(1),
            column: Some("date".into()),
        }
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_duplicate_id_is_located_by_row_numbers_which_tell_the_two_rows_apart() {
    let dir = scratch("duplicate");
    let path = dir.join("l.sqlite");
    ledger::save(&ledger::template(), &path).unwrap();
    // A fourth unit with the id of the first: `units[id=district]` would name both.
    sql(
        &path,
        "INSERT INTO units (id, kind, name, parent) VALUES ('district', 'village', '重复', 'example_village');",
    );
    let errors: Vec<String> = errors_of(ledger::load(&path).unwrap_err())
        .into_iter()
        .map(|(e, _)| e)
        .collect();
    assert!(
        errors.contains(
            &"units[row=4].id: id `district` is already used at units[row=1].id; ids must be unique across units, orgs, people and initiatives"
                .to_string()
        ),
        "{errors:#?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn rows_far_into_a_large_table_are_located_as_the_first_ones() {
    // More rows than one chunk of reading (16,384): the chunks are decoded on several
    // threads and put back in order; a row is named by its id whichever chunk holds it.
    let dir = scratch("large");
    let path = dir.join("l.sqlite");
    let mut l = ledger::template();
    let first = l.activities[0].clone();
    l.activities = (0..40_000)
        .map(|i| Activity {
            id: Some(format!("a{i}").as_str().into()),
            ..first.clone()
        })
        .collect();
    ledger::save(&l, &path).unwrap();
    assert_eq!(ledger::load(&path).unwrap(), l);
    sql(
        &path,
        "UPDATE activities SET date = '2025-02-30' WHERE rowid IN (2, 20000, 39999);
         UPDATE activities SET id = 'a7' WHERE rowid = 30000;
         UPDATE activities SET id = NULL, date = 'soon' WHERE rowid = 35000;",
    );
    let errors: Vec<String> = errors_of(ledger::load(&path).unwrap_err())
        .into_iter()
        .map(|(e, _)| e)
        .collect();
    let bad = |at: &str, date: &str| {
        format!("activities[{at}].date: `{date}` in `date` is not a date; write YYYY-MM-DD")
    };
    assert_eq!(
        errors,
        [
            bad("id=a1", "2025-02-30"),
            bad("id=a19999", "2025-02-30"),
            bad("row=35000", "soon"),
            bad("id=a39998", "2025-02-30"),
            "activities[row=30000].id: id `a7` is already used at activities[row=8].id; ids must be unique in activities".to_string(),
        ]
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unknown_columns_and_tables_are_errors_and_x_tables_are_left_alone() {
    let dir = scratch("unknown");
    let path = dir.join("l.sqlite");
    ledger::save(&ledger::template(), &path).unwrap();
    sql(
        &path,
        "ALTER TABLE units ADD COLUMN colour TEXT;
         CREATE TABLE branches (id TEXT);
         CREATE TABLE x_notes (text TEXT);",
    );
    let errors: Vec<String> = errors_of(ledger::load(&path).unwrap_err())
        .into_iter()
        .map(|(e, _)| e)
        .collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors[0].starts_with(
        "branches: `branches` is not a ledger table; tables are units, designations,"
    ));
    assert!(errors[1]
        .starts_with("units.colour: unknown column `colour` in units; allowed: id, kind, name,"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_file_that_is_not_a_ledger_database_is_a_clear_error() {
    let dir = scratch("not-ledger");
    let not_db = dir.join("notes.sqlite");
    std::fs::write(&not_db, "id,kind,name\nd,district,城西\n").unwrap();
    let no_meta = dir.join("other.db");
    sql(&no_meta, "CREATE TABLE things (a TEXT);");
    let other_version = dir.join("later.sqlite");
    ledger::save(&ledger::template(), &other_version).unwrap();
    sql(
        &other_version,
        "UPDATE meta SET value = 'dangjian-ledger/2' WHERE key = 'format';",
    );
    let empty = dir.join("empty.sqlite");
    std::fs::write(&empty, "").unwrap();
    let cases = [
        (&not_db, "not an SQLite database"),
        (
            &no_meta,
            "an SQLite database, but not a dangjian ledger: it has no `meta` table",
        ),
        (
            &other_version,
            "a ledger of format `dangjian-ledger/2`; this dangjian reads dangjian-ledger/1",
        ),
        (&empty, "an SQLite database, but not a dangjian ledger"),
    ];
    for (path, said) in cases {
        for err in [ledger::load(path).unwrap_err(), Db::open(path).unwrap_err()] {
            assert!(
                matches!(err, LedgerError::NotALedgerDatabase { .. }),
                "{}: {err:?}",
                path.display()
            );
            let text = err.to_string();
            assert!(
                text.starts_with(&format!("{}: {said}", path.display())),
                "{text}"
            );
        }
    }
    // Nothing was changed in the database that is not a ledger (no WAL switch, no table).
    assert_eq!(strings(&no_meta, "PRAGMA journal_mode"), ["delete"]);
    let missing = dir.join("missing.sqlite");
    assert!(matches!(
        ledger::load(&missing).unwrap_err(),
        LedgerError::Io { .. }
    ));
    assert!(!missing.exists(), "reading does not create a file");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn appended_rows_read_back_exactly_even_ids_that_look_like_sql() {
    let dir = scratch("append");
    let path = dir.join("l.sqlite");
    let mut expected = ledger::template();
    ledger::save(&expected, &path).unwrap();
    let ids = [
        "3f2b8c1e-9d4a-4e6b-a1c7-0b5e2f8d9a10",
        "x'); DROP TABLE activities;--",
        "\"; DELETE FROM meta; --",
        "活动-0001",
    ];
    let mut db = Db::open(&path).unwrap();
    let rows = Ledger {
        activities: ids.iter().map(|id| activity(id)).collect(),
        ..Ledger::default()
    };
    let number = db
        .append(
            Table::Activities,
            &rows,
            &change("append", Some(Table::Activities), 4),
        )
        .unwrap();
    assert_eq!(number, 1, "the first change");
    expected.activities.extend(rows.activities.iter().cloned());
    assert_eq!(db.load().unwrap(), expected);
    // Another process reads the same rows, in the order appended.
    assert_eq!(ledger::load(&path).unwrap(), expected);
    let stored = strings(&path, "SELECT id FROM activities ORDER BY rowid");
    assert_eq!(stored[1..], ids);
    // A second append: change 2; the log in order.
    let more = Ledger {
        activities: vec![activity("a5")],
        ..Ledger::default()
    };
    assert_eq!(
        db.append(
            Table::Activities,
            &more,
            &change("append", Some(Table::Activities), 1)
        )
        .unwrap(),
        2
    );
    let log = db.changes(0).unwrap();
    assert_eq!(
        log.iter().map(|c| (c.number, c.added)).collect::<Vec<_>>(),
        [(1, 4), (2, 1)]
    );
    assert_eq!(
        db.changes(1).unwrap(),
        [Change {
            number: 2,
            time: "2025-02-01T08:30:00Z".into(),
            token: "secretary-phone".into(),
            kind: "append".into(),
            table: Some("activities".into()),
            added: 1,
            unchanged: 0,
        }]
    );
    assert!(db.changes(2).unwrap().is_empty());
    drop(db);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn appended_progress_rows_with_a_new_x_column_add_the_column() {
    let dir = scratch("append-x");
    let path = dir.join("l.sqlite");
    let mut expected = ledger::template();
    ledger::save(&expected, &path).unwrap();
    let mut p = expected.progress[0].clone();
    p.date = chrono::NaiveDate::from_ymd_opt(2025, 2, 28).unwrap();
    p.percent = 35.5;
    p.extra.insert("x_reporter".into(), "王五".into());
    let rows = Ledger {
        progress: vec![p.clone()],
        ..Ledger::default()
    };
    let mut db = Db::open(&path).unwrap();
    db.append(
        Table::Progress,
        &rows,
        &change("append", Some(Table::Progress), 1),
    )
    .unwrap();
    expected.progress.push(p);
    assert_eq!(db.load().unwrap(), expected);
    assert_eq!(
        strings(&path, "SELECT name FROM pragma_table_info('progress')"),
        ["initiative", "date", "percent", "note", "x_reporter"]
    );
    drop(db);
    std::fs::remove_dir_all(&dir).ok();
}

/// Everything a database holds, as another process reads it: the ledger, the change log
/// and the row counts of every table.
fn state(path: &Path) -> (Ledger, Vec<Change>, Vec<String>) {
    let db = Db::open(path).unwrap();
    let counts = Table::ALL
        .iter()
        .map(|t| t.name())
        .chain(["changes"])
        .flat_map(|t| strings(path, &format!("SELECT '{t} ' || count(*) FROM \"{t}\"")))
        .collect();
    (db.load().unwrap(), db.changes(0).unwrap(), counts)
}

#[test]
fn an_append_that_fails_midway_stores_nothing() {
    let dir = scratch("append-fails");
    let path = dir.join("l.sqlite");
    ledger::save(&ledger::template(), &path).unwrap();
    // A fault injected in the database: the second of three rows cannot be inserted.
    sql(
        &path,
        "CREATE TRIGGER fault BEFORE INSERT ON activities WHEN NEW.id = 'boom'
         BEGIN SELECT RAISE(ABORT, 'injected fault'); END;",
    );
    let before = state(&path);
    let mut db = Db::open(&path).unwrap();
    let rows = Ledger {
        activities: vec![activity("ok1"), activity("boom"), activity("ok2")],
        ..Ledger::default()
    };
    let err = db
        .append(
            Table::Activities,
            &rows,
            &change("append", Some(Table::Activities), 3),
        )
        .unwrap_err();
    assert!(err.to_string().contains("injected fault"), "{err}");
    assert_eq!(state(&path), before);
    // And when the change log row is what fails, the rows before it are not kept either.
    sql(
        &path,
        "DROP TRIGGER fault;
         CREATE TRIGGER fault BEFORE INSERT ON changes
         BEGIN SELECT RAISE(ABORT, 'log full'); END;",
    );
    let rows = Ledger {
        activities: vec![activity("ok1")],
        ..Ledger::default()
    };
    let err = db
        .append(
            Table::Activities,
            &rows,
            &change("append", Some(Table::Activities), 1),
        )
        .unwrap_err();
    assert!(err.to_string().contains("log full"), "{err}");
    assert_eq!(state(&path), before);
    // Rows of another table than the one named: refused before anything is written.
    let wrong = Ledger {
        activities: vec![activity("ok1")],
        progress: ledger::template().progress,
        ..Ledger::default()
    };
    let err = db
        .append(
            Table::Activities,
            &wrong,
            &change("append", Some(Table::Activities), 1),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("given 1 rows of progress too"),
        "{err}"
    );
    assert_eq!(state(&path), before);
    drop(db);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn replace_swaps_the_whole_ledger_and_keeps_the_change_log() {
    let dir = scratch("replace");
    let path = dir.join("l.sqlite");
    ledger::save(&ledger::template(), &path).unwrap();
    let mut db = Db::open(&path).unwrap();
    let rows = Ledger {
        activities: vec![activity("a1")],
        ..Ledger::default()
    };
    db.append(
        Table::Activities,
        &rows,
        &change("append", Some(Table::Activities), 1),
    )
    .unwrap();
    let example = dangjian::example();
    assert_eq!(
        db.replace(&example, &change("replace", None, 0)).unwrap(),
        2
    );
    assert_eq!(db.load().unwrap(), example);
    let log = db.changes(0).unwrap();
    assert_eq!(
        log.iter()
            .map(|c| (c.number, c.kind.as_str(), c.table.clone()))
            .collect::<Vec<_>>(),
        [
            (1, "append", Some("activities".to_string())),
            (2, "replace", None)
        ]
    );
    drop(db);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_reader_sees_the_ledger_while_another_connection_holds_a_write_open() {
    let dir = scratch("readers");
    let path = dir.join("l.sqlite");
    let template = ledger::template();
    ledger::save(&template, &path).unwrap();
    let writer = Connection::open(&path).unwrap();
    writer
        .execute_batch("BEGIN IMMEDIATE; DELETE FROM activities;")
        .unwrap();
    // WAL: the reader is not locked out, and sees the state before the open write.
    assert_eq!(ledger::load(&path).unwrap(), template);
    writer.execute_batch("ROLLBACK;").unwrap();
    drop(writer);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn saving_refuses_to_replace_a_database_open_in_another_process_and_keeps_it() {
    let dir = scratch("busy");
    let path = dir.join("l.sqlite");
    ledger::save(&ledger::template(), &path).unwrap();
    let db = Db::open(&path).unwrap();
    db.load().unwrap();
    let err = ledger::save(&dangjian::example(), &path).unwrap_err();
    assert!(
        err.to_string()
            .contains("the database is open in another process"),
        "{err}"
    );
    assert_eq!(db.load().unwrap(), ledger::template());
    drop(db);
    // Closed: now it is replaced.
    ledger::save(&dangjian::example(), &path).unwrap();
    assert_eq!(ledger::load(&path).unwrap(), dangjian::example());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_save_that_fails_leaves_the_file_there_as_it_was_and_no_temporary_file() {
    let dir = scratch("save-fails");
    let path = dir.join("l.sqlite");
    ledger::save(&ledger::template(), &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    // Two `x_` columns SQLite takes for one (its names ignore case): the table cannot be
    // made, halfway through the ledger.
    let mut l = dangjian::example();
    l.activities[0].extra.insert("x_Place".into(), "a".into());
    l.activities[1].extra.insert("x_place".into(), "b".into());
    let err = ledger::save(&l, &path).unwrap_err();
    assert!(err.to_string().contains("duplicate column name"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["l.sqlite"]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn writing_over_a_file_that_is_not_a_ledger_database_needs_force() {
    let dir = scratch("destination");
    let mine = dir.join("mine.db");
    sql(&mine, "CREATE TABLE accounts (n INTEGER);");
    let err = ledger::check_destination(&mine, false).unwrap_err();
    assert!(matches!(err, LedgerError::NotALedgerFile { .. }), "{err:?}");
    assert!(
        err.to_string()
            .ends_with("writing there would replace it: choose a new file, or pass --force"),
        "{err}"
    );
    assert_eq!(
        ledger::check_destination(&mine, true).unwrap(),
        ledger::Form::Sqlite
    );
    // A ledger database, or no file yet: fine.
    let ledger_db = dir.join("l.sqlite");
    assert_eq!(
        ledger::check_destination(&ledger_db, false).unwrap(),
        ledger::Form::Sqlite
    );
    ledger::save(&ledger::template(), &ledger_db).unwrap();
    assert_eq!(
        ledger::check_destination(&ledger_db, false).unwrap(),
        ledger::Form::Sqlite
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_form_of_a_path_ending_in_sqlite_or_db_is_sqlite() {
    use ledger::Form;
    for p in ["l.sqlite", "l.db", "L.SQLITE", "dir/城西.Db"] {
        assert_eq!(Form::of_path(Path::new(p)), Form::Sqlite, "{p}");
        assert_eq!(
            Form::for_writing(Path::new(p)).unwrap(),
            Form::Sqlite,
            "{p}"
        );
    }
    assert_eq!(Form::of_path(Path::new("l.sqlite3")), Form::CsvFolder);
}

#[test]
fn a_cell_of_bytes_that_are_not_text_is_an_error_at_that_cell() {
    let dir = scratch("blob");
    let path = dir.join("l.sqlite");
    ledger::save(&ledger::template(), &path).unwrap();
    // 0xFF never occurs in UTF-8; a blob that is UTF-8 reads as its text.
    sql(
        &path,
        "UPDATE units SET name = x'FF' WHERE id = 'district';
         UPDATE units SET name = CAST('示例村' AS BLOB) WHERE id = 'example_village';",
    );
    let errors = errors_of(ledger::load(&path).unwrap_err());
    assert_eq!(
        errors,
        [(
            "units[id=district].name: `name` holds bytes that are not UTF-8 text; store text, a number or null"
                .to_string(),
            ProblemKind::Format
        )]
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_x_column_differing_only_in_case_from_a_stored_one_is_refused() {
    let dir = scratch("case");
    let path = dir.join("l.sqlite");
    let mut l = ledger::template();
    l.activities[0]
        .extra
        .insert("x_place".into(), "二楼".into());
    ledger::save(&l, &path).unwrap();
    let mut a = activity("a2");
    a.extra.insert("x_Place".into(), "三楼".into());
    let rows = Ledger {
        activities: vec![a],
        ..Ledger::default()
    };
    let before = state(&path);
    let mut db = Db::open(&path).unwrap();
    let err = db
        .append(
            Table::Activities,
            &rows,
            &change("append", Some(Table::Activities), 1),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: column `x_Place` of activities would be stored in its column `x_place` \
             (SQLite names ignore case); rename one of them; nothing was written",
            path.display()
        )
    );
    assert_eq!(state(&path), before);
    drop(db);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_ledger_database_made_without_a_change_log_has_an_empty_one_until_the_first_write() {
    let dir = scratch("no-log");
    let path = dir.join("l.sqlite");
    ledger::save(&ledger::template(), &path).unwrap();
    sql(&path, "DROP TABLE changes;");
    let mut db = Db::open(&path).unwrap();
    assert_eq!(db.changes(0).unwrap(), []);
    let rows = Ledger {
        activities: vec![activity("a2")],
        ..Ledger::default()
    };
    assert_eq!(
        db.append(
            Table::Activities,
            &rows,
            &change("append", Some(Table::Activities), 1)
        )
        .unwrap(),
        1
    );
    assert_eq!(db.changes(0).unwrap().len(), 1);
    drop(db);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn two_writers_at_once_lose_no_row_and_number_every_change_once() {
    let dir = scratch("writers");
    let path = dir.join("l.sqlite");
    ledger::save(&ledger::template(), &path).unwrap();
    let writers: Vec<_> = ["p", "q"]
        .into_iter()
        .map(|who| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut db = Db::open(&path).unwrap();
                (0..20)
                    .map(|i| {
                        let rows = Ledger {
                            activities: vec![activity(&format!("{who}{i}"))],
                            ..Ledger::default()
                        };
                        db.append(
                            Table::Activities,
                            &rows,
                            &change("append", Some(Table::Activities), 1),
                        )
                        .unwrap()
                    })
                    .collect::<Vec<u64>>()
            })
        })
        .collect();
    let mut numbers: Vec<u64> = writers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    numbers.sort();
    // 2 writers x 20 appends: changes 1 to 40, each once; the template's activity and 40.
    assert_eq!(numbers, (1..=40).collect::<Vec<u64>>());
    let l = ledger::load(&path).unwrap();
    assert_eq!(l.activities.len(), 41);
    std::fs::remove_dir_all(&dir).ok();
}
