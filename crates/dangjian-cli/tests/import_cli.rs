//! `dangjian import` as a user runs it: what a dry run lists (every row with `--all`) and
//! what a replaced row changes.

use std::path::{Path, PathBuf};

mod common;
use common::dangjian;

/// A fresh folder holding the example ledger (a CSV folder, `ledger`) and `file` with
/// `text`.
fn setup(name: &str, file: &str, text: &str) -> (PathBuf, PathBuf, PathBuf) {
    let dir =
        std::env::temp_dir().join(format!("dangjian-import-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let ledger = dir.join("ledger");
    dangjian::ledger::save(&dangjian::example(), &ledger).unwrap();
    let from = dir.join(file);
    std::fs::write(&from, text).unwrap();
    (dir, ledger, from)
}

fn import(map: &str, from: &Path, into: &Path, more: &[&str]) -> String {
    let args = [
        "import",
        "--map",
        map,
        "--from",
        from.to_str().unwrap(),
        "--into",
        into.to_str().unwrap(),
    ];
    let (code, out, err) = dangjian(&[&args[..], more].concat());
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn a_dry_run_shows_what_a_replaced_row_changes_and_keeps() {
    // 朱敏 (p_zhumin: born 1976-04-09, of jiguan1_branch, joined 1998-11-12, confirmed
    // 1999-11-15) moves to jiguan2_branch; her row has no 身份证号码.
    let (dir, ledger, from) = setup(
        "replaced",
        "党员.csv",
        "学工号,姓名,身份证号码,党支部编码,加入党组织日期,转为正式党员日期\n\
         p_zhumin,朱敏,,jiguan2_branch,1998/11/12,1999/11/15\n",
    );
    let out = import("owip-members", &from, &ledger, &["--dry-run"]);
    // The location, 10 characters, is padded to 20, then a space: 11 spaces.
    let line = format!(
        "  党员.csv:2:1{}朱敏: org jiguan1_branch -> jiguan2_branch; \
         birth_date 1976-04-09 kept (empty in the source)\n",
        " ".repeat(11)
    );
    assert!(out.contains(&format!("replaced:\n{line}")), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn all_lists_every_row_of_a_dry_run() {
    // 8 theme days of jiguan1_branch, on 8 different days of July 2019: 8 added.
    let rows: String = (1..=8)
        .map(|d| format!("jiguan1_branch,2019/7/{d},15,14\n"))
        .collect();
    let (dir, ledger, from) = setup(
        "all",
        "主题党日.csv",
        &format!("所在党支部编码,实际时间,应到人数,实到人数\n{rows}"),
    );
    let listed = |out: &str| {
        out.lines()
            .filter(|l| l.starts_with("  主题党日.csv:"))
            .count()
    };
    // The first 5 (lines 2 to 6), then how many more and how to see them.
    let out = import("owip-theme-days", &from, &ledger, &["--dry-run"]);
    assert_eq!(listed(&out), 5, "{out}");
    assert!(
        out.contains("  ... and 3 more (--all lists them)\n"),
        "{out}"
    );
    // All 8 (lines 2 to 9).
    let out = import("owip-theme-days", &from, &ledger, &["--dry-run", "--all"]);
    assert_eq!(listed(&out), 8, "{out}");
    assert!(out.contains("  主题党日.csv:9:1"), "{out}");
    assert!(!out.contains("more"), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}
