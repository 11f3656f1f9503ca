//! Every command takes an SQLite ledger (docs/SERVICE.md): `init`, `validate`, `report`,
//! `export --to L.sqlite` and back.

mod common;
use common::dangjian;

/// A fresh folder for one test.
fn tmp(name: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("dangjian-cli-sqlite-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p
}

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn init_writes_an_sqlite_template_that_validates_without_a_problem() {
    let dir = tmp("init");
    let db = dir.join("new.sqlite");
    let (code, _, err) = dangjian(&["init", s(&db)]);
    assert_eq!(code, 0, "{err}");
    for args in [vec!["validate", s(&db)], vec!["validate", "--data", s(&db)]] {
        let (code, out, err) = dangjian(&args);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out, "");
        assert_eq!(err.trim_end(), "0 error(s), 0 warning(s)");
    }
    // Init never overwrites.
    let (code, _, err) = dangjian(&["init", s(&db)]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_example_exported_to_sqlite_reports_exactly_as_the_example_and_exports_back() {
    let dir = tmp("export");
    let db = dir.join("chengxi.db");
    let (code, _, err) = dangjian(&["export", "--to", s(&db)]);
    assert_eq!(code, 0, "{err}");
    let query = ["--as-of", "2019-07-31", "--format", "json"];
    let (code, from_example, err) = dangjian(&[&["report"][..], &query].concat());
    assert_eq!(code, 0, "{err}");
    let (code, from_db, err) = dangjian(&[&["report", "--data", s(&db)][..], &query].concat());
    assert_eq!(code, 0, "{err}");
    assert_eq!(from_db, from_example);
    // And back to JSON, which is the example's JSON.
    let json = dir.join("back.json");
    let (code, _, err) = dangjian(&["export", "--data", s(&db), "--to", s(&json)]);
    assert_eq!(code, 0, "{err}");
    let example_json = dir.join("example.json");
    let (code, _, _) = dangjian(&["export", "--to", s(&example_json)]);
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(&json).unwrap(),
        std::fs::read_to_string(&example_json).unwrap()
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn validate_names_the_row_by_its_id_and_exits_1() {
    let dir = tmp("validate");
    let db = dir.join("l.sqlite");
    let (code, _, err) = dangjian(&["init", s(&db)]);
    assert_eq!(code, 0, "{err}");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE activities SET subject = ?1 WHERE id = ?2",
            ["nowhere", "act_example"],
        )
        .unwrap();
    let (code, out, _) = dangjian(&["validate", s(&db)]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with("activities[id=act_example].subject: "),
        "{out}"
    );
    assert!(out.contains("`nowhere`"), "{out}");
    let (code, _, err) = dangjian(&["report", "--data", s(&db)]);
    assert_eq!(code, 1);
    assert!(err.contains("activities[id=act_example].subject"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_file_that_is_not_a_ledger_database_is_refused_with_exit_2() {
    let dir = tmp("refused");
    let text = dir.join("notes.sqlite");
    std::fs::write(&text, "not a database").unwrap();
    let (code, _, err) = dangjian(&["validate", s(&text)]);
    assert_eq!(code, 2);
    assert!(
        err.contains("notes.sqlite: not an SQLite database"),
        "{err}"
    );
    // Export will not write over it, nor over another program's database, without --force.
    let theirs = dir.join("accounts.db");
    rusqlite::Connection::open(&theirs)
        .unwrap()
        .execute_batch("CREATE TABLE accounts (n INTEGER);")
        .unwrap();
    for target in [&text, &theirs] {
        let (code, _, err) = dangjian(&["export", "--to", s(target)]);
        assert_eq!(code, 2);
        assert!(err.contains("or pass --force"), "{err}");
    }
    let (code, _, err) = dangjian(&["export", "--to", s(&theirs), "--force"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = dangjian(&["validate", s(&theirs)]);
    assert_eq!(code, 0, "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
