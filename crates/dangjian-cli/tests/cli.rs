//! The `dangjian` command as a user runs it.

use std::process::Command;

fn dangjian(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dangjian")).args(args).output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn tmp(name: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("dangjian-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    let _ = std::fs::remove_file(&p);
    p
}

#[test]
fn report_json_gives_25_of_33_started_at_2019_07_31() {
    let (code, out, err) = dangjian(&["report", "--as-of", "2019-07-31", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["as_of"], "2019-07-31");
    assert_eq!(v["from"], "2019-01-01");
    let rows = v["rows"].as_array().unwrap();
    let started = rows.iter().find(|r| r["metric"] == "tasks.started" && r["scope"] == "chengxi").unwrap();
    // DOMAIN.md: 25 of the 33 key tasks started; 25 / 33 = 0.7575...
    assert_eq!(started["numerator"], 25);
    assert_eq!(started["denominator"], 33);
    assert!((started["value"].as_f64().unwrap() - 25.0 / 33.0).abs() < 1e-12);
    let total = rows.iter().find(|r| r["metric"] == "tasks.total").unwrap();
    assert_eq!(total["value"], 33);
    // 98 above-scale enterprises, a target of full coverage by the year end.
    let cov = rows.iter().find(|r| r["metric"] == "coverage.org" && r["scope"] == "chengxi").unwrap();
    assert_eq!(cov["denominator"], 98);
    assert_eq!(cov["target"].as_f64(), Some(1.0));
    assert_eq!(cov["due"], "2019-12-31");
    // 7 red workshops; no two-new committee yet against a target of 2.
    let red = rows.iter().find(|r| r["metric"] == "workshops.red").unwrap();
    assert_eq!(red["value"], 7);
    let two_new = rows.iter().find(|r| r["metric"] == "committees.two_new").unwrap();
    assert_eq!(two_new["value"], 0);
    assert_eq!(two_new["target"].as_f64(), Some(2.0));
    // 上谢村 lotus revenue: 105 mu x 6500 yuan = 682,500.
    let lotus = rows.iter().find(|r| r["metric"] == "indicator.lotus_revenue").unwrap();
    assert_eq!(lotus["value"].as_f64(), Some(682_500.0));
}

#[test]
fn text_dashboard_names_what_is_late_and_missing() {
    let (code, out, _) = dangjian(&["report", "--as-of", "2019-07-31"]);
    assert_eq!(code, 0);
    for needle in ["红色成长", "红色引领", "红色覆盖", "25/33", "Overdue", "Enterprises without a party organisation"] {
        assert!(out.contains(needle), "missing {needle} in\n{out}");
    }
    let (code, out, _) = dangjian(&["report", "--as-of", "2019-07-31", "--by", "block"]);
    assert_eq!(code, 0);
    assert!(out.contains("梅堂区块") && out.contains("Breakdown"));
}

#[test]
fn report_csv_and_md() {
    let (code, out, _) = dangjian(&["report", "--format", "csv", "--metrics", "tasks.started"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("metric,scope,value,numerator,denominator,target,due,zh,en\n"), "{out}");
    assert!(out.contains("tasks.started,chengxi,"));
    let (code, out, _) = dangjian(&["report", "--format", "md", "--metrics", "coverage"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("| metric |"));
}

#[test]
fn summary_prints_records_per_table() {
    let (code, out, _) = dangjian(&["report", "--summary"]);
    assert_eq!(code, 0);
    assert!(out.contains("城西新区") && out.contains("activities"));
}

#[test]
fn validate_example_is_clean_and_a_bad_ledger_exits_1_with_located_lines() {
    let (code, _, err) = dangjian(&["validate"]);
    assert_eq!(code, 0, "{err}");
    let bad = tmp("bad.json");
    std::fs::write(&bad, r#"{"format": "dangjian-ledger/1", "units": [{"id": "d", "kind": "district", "name": "区"}, {"id": "v", "kind": "town", "name": "村", "parent": "d"}]}"#).unwrap();
    let (code, out, _) = dangjian(&["validate", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.starts_with("/units/1/kind: unknown unit kind `town`"), "{out}");
    let (code, _, err) = dangjian(&["report", "--data", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("/units/1/kind"));
}

#[test]
fn export_to_csv_folder_and_json_validates_back() {
    let dir = tmp("csv");
    let (code, _, err) = dangjian(&["export", "--to", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("units.csv").exists());
    let json = tmp("out.json");
    let (code, _, _) = dangjian(&["export", "--data", dir.to_str().unwrap(), "--to", json.to_str().unwrap()]);
    assert_eq!(code, 0);
    let (code, _, _) = dangjian(&["validate", json.to_str().unwrap()]);
    assert_eq!(code, 0);
}

#[test]
fn drilldowns_and_catalogue() {
    let (code, out, _) = dangjian(&["tasks", "--as-of", "2019-07-31", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 33);
    let (code, out, _) = dangjian(&["coverage", "--format", "csv"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 99); // header + 98 enterprises
    let (code, out, _) = dangjian(&["duties", "--format", "text"]);
    assert_eq!(code, 0);
    assert!(out.contains("road_patrol") && out.contains("西周路"));
    let (code, out, _) = dangjian(&["cadres", "--format", "md"]);
    assert_eq!(code, 0);
    assert!(out.contains("胡东升"));
    let (code, out, _) = dangjian(&["catalogue", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v.as_array().unwrap().iter().any(|m| m["id"] == "coverage.org" && m["zh"] == "组织覆盖率"));
}

#[test]
fn bad_queries_say_what_is_wrong() {
    let (code, _, err) = dangjian(&["report", "--scope", "nowhere"]);
    assert_eq!(code, 2);
    assert!(err.contains("nowhere"), "{err}");
    let (code, _, err) = dangjian(&["report", "--as-of", "2019-07-31", "--from", "2019-08-01"]);
    assert_eq!(code, 2);
    assert!(err.contains("from"), "{err}");
    let (code, _, _) = dangjian(&["report", "--as-of", "yesterday"]);
    assert_eq!(code, 2);
}
