//! The corpus of bad ledgers in `tests/bad_ledgers/<case>/`: each case loads with exactly the
//! error lines (`location: message`) of its `expected.txt`, in order, and never panics.
//!
//! A case is a CSV folder (its `.csv` files), or a `ledger.json` or `ledger.xlsx` in the
//! folder. Cases too big to commit (a megabyte cell, a 10,000-level parent chain, a
//! 100,000-row table) hold a `generated.txt` instead: [`generate`] writes their CSV files.
//! A case with a `debug-only.txt` runs in debug builds only (it says why).
//! `BLESS=1 cargo test --test bad_ledgers` rewrites every `expected.txt` from what loading
//! gives (then read the diff).

use std::path::{Path, PathBuf};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_ledgers")
}

/// Writes the CSV files of a generated case into `dir`.
fn generate(case: &str, dir: &Path) {
    let mut files: Vec<(&str, String)> = Vec::new();
    match case {
        "huge_cell" => {
            let mb = 1 << 20;
            let mut units =
                String::from("id,kind,name,parent,length_m,x_note\nd,district,城西新区,,,\n");
            // A 1 MB name and x_note are fine; a 1 MB run of digits is no finite number.
            units.push_str(&format!(
                "r,road,{},d,,{}\n",
                "路".repeat(mb / 3),
                "注".repeat(mb / 3)
            ));
            units.push_str(&format!("s,road,路二,d,{},\n", "9".repeat(mb)));
            files.push(("units.csv", units));
            let formula = format!("{}area{}", "(".repeat(mb / 2), ")".repeat(mb / 2));
            files.push((
                "indicators.csv",
                format!("id,name,formula\narea,面积,\ndeep,深,{formula}\n"),
            ));
        }
        "deep_parent_chain" => {
            let n = 10_000;
            let mut units = String::from("id,kind,name,parent\nu0,district,区,\n");
            for i in 1..n {
                units.push_str(&format!("u{i},village,村{i},u{}\n", i - 1));
            }
            units.push_str(&format!("u{n},village,村{n},u_missing\n"));
            let mut orgs = String::from("id,kind,name,hosts,parent,established\n");
            for i in 0..n {
                let parent = if i == 0 {
                    String::new()
                } else {
                    format!("o{}", i - 1)
                };
                orgs.push_str(&format!(
                    "o{i},general_branch,党总支{i},u{i},{parent},2019-01-01\n"
                ));
            }
            let mut indicators = String::from("id,name,formula\n");
            for i in 0..n {
                indicators.push_str(&format!("x{i},指标{i},x{} + 1\n", i + 1));
            }
            indicators.push_str(&format!("x{n},指标{n},\n"));
            files.extend([
                ("units.csv", units),
                ("orgs.csv", orgs),
                ("indicators.csv", indicators),
            ]);
        }
        "large_table_bad_row" => {
            let mut units = String::from("id,kind,name,parent\nd,district,城西新区,\n");
            for i in 0..100_000 {
                let kind = if i == 49_999 {
                    "enterprize"
                } else {
                    "enterprise"
                };
                units.push_str(&format!("e{i},{kind},企业{i},d\n"));
            }
            files.push(("units.csv", units));
        }
        other => panic!("no generator for case {other}"),
    }
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// The error lines loading a case gives.
fn errors_of(case: &str, dir: &Path) -> Vec<String> {
    let generated = dir.join("generated.txt").exists();
    let path = if generated {
        let out = std::env::temp_dir().join(format!("dangjian-bad-{}-{case}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        generate(case, &out);
        out
    } else if dir.join("ledger.json").exists() {
        dir.join("ledger.json")
    } else if dir.join("ledger.xlsx").exists() {
        dir.join("ledger.xlsx")
    } else {
        dir.to_path_buf()
    };
    // The user-facing load: every check, the metrics targets name included.
    let result = dangjian::load(&path);
    if generated {
        std::fs::remove_dir_all(&path).ok();
    }
    match result {
        Ok(_) => Vec::new(),
        Err(e) => match e.problems() {
            Some(p) => p.errors().map(|p| p.to_string()).collect(),
            None => vec![e.to_string()],
        },
    }
}

#[test]
fn every_bad_ledger_gives_exactly_its_expected_errors() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    for dir in cases {
        let case = dir.file_name().unwrap().to_string_lossy().to_string();
        if !cfg!(debug_assertions) && dir.join("debug-only.txt").exists() {
            continue;
        }
        let got = errors_of(&case, &dir);
        let expected_path = dir.join("expected.txt");
        if bless {
            let mut text = got.join("\n");
            text.push('\n');
            std::fs::write(&expected_path, text).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{case}: no expected.txt"));
        let expected: Vec<&str> = expected.lines().filter(|l| !l.is_empty()).collect();
        assert!(
            !expected.is_empty(),
            "{case}: a bad ledger must give at least one error"
        );
        if got != expected {
            failures.push(format!(
                "{case}:\n  expected:\n    {}\n  got:\n    {}",
                expected.join("\n    "),
                got.join("\n    ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
