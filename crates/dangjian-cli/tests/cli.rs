//! The `dangjian` command as a user runs it.

use std::process::Command;

mod common;
use common::dangjian;

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
    let started = rows
        .iter()
        .find(|r| r["metric"] == "tasks.started" && r["scope"] == "chengxi")
        .unwrap();
    // docs/DOMAIN.md: 25 of the 33 key tasks started; 25 / 33 = 0.7575...
    assert_eq!(started["numerator"], 25);
    assert_eq!(started["denominator"], 33);
    assert!((started["value"].as_f64().unwrap() - 25.0 / 33.0).abs() < 1e-12);
    let total = rows.iter().find(|r| r["metric"] == "tasks.total").unwrap();
    assert_eq!(total["value"], 33);
    // 98 above-scale enterprises, a target of full coverage by the year end.
    let cov = rows
        .iter()
        .find(|r| r["metric"] == "coverage.org" && r["scope"] == "chengxi")
        .unwrap();
    assert_eq!(cov["denominator"], 98);
    assert_eq!(cov["target"].as_f64(), Some(1.0));
    assert_eq!(cov["due"], "2019-12-31");
    // 7 red workshops; no two-new committee yet against a target of 2.
    let red = rows
        .iter()
        .find(|r| r["metric"] == "workshops.red")
        .unwrap();
    assert_eq!(red["value"], 7);
    let two_new = rows
        .iter()
        .find(|r| r["metric"] == "committees.two_new")
        .unwrap();
    assert_eq!(two_new["value"], 0);
    assert_eq!(two_new["target"].as_f64(), Some(2.0));
    // 上谢村 lotus revenue: 105 mu x 6500 yuan = 682,500.
    let lotus = rows
        .iter()
        .find(|r| r["metric"] == "indicator.lotus_revenue")
        .unwrap();
    assert_eq!(lotus["value"].as_f64(), Some(682_500.0));
}

#[test]
fn text_dashboard_names_what_is_late_and_missing() {
    let (code, out, _) = dangjian(&["report", "--as-of", "2019-07-31"]);
    assert_eq!(code, 0);
    for needle in [
        "红色成长",
        "红色引领",
        "红色覆盖",
        "25/33",
        "Overdue",
        "Enterprises without a party organisation",
    ] {
        assert!(out.contains(needle), "missing {needle} in\n{out}");
    }
    // Under 红色覆盖: no enterprise linked to the leadership yet, 0 of 98, against a target of
    // every one by 2019-12-31 (achievement (0 - 0) / (1 - 0) = 0).
    let coverage = &out[out.find("红色覆盖").unwrap()..];
    let line = coverage
        .lines()
        .find(|l| l.contains("联企覆盖率"))
        .expect("the liaison line");
    assert!(
        line.contains("0/98") && line.contains("目标 target 100.0% by 2019-12-31"),
        "{line}"
    );
    assert!(line.contains("(达成 achieved 0.0%)"), "{line}");
    let (code, out, _) = dangjian(&["report", "--as-of", "2019-07-31", "--by", "block"]);
    assert_eq!(code, 0);
    assert!(out.contains("梅堂区块") && out.contains("Breakdown"));
}

#[test]
fn report_csv_and_md() {
    let (code, out, _) = dangjian(&["report", "--format", "csv", "--metrics", "tasks.started"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("metric,scope,scope_name,value,numerator,denominator,target,due,zh,en\n"),
        "{out}"
    );
    assert!(out.contains("tasks.started,chengxi,城西新区,"));
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
    assert!(
        out.starts_with("/units/1/kind: unknown unit kind `town`"),
        "{out}"
    );
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
    let (code, _, _) = dangjian(&[
        "export",
        "--data",
        dir.to_str().unwrap(),
        "--to",
        json.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let (code, _, _) = dangjian(&["validate", json.to_str().unwrap()]);
    assert_eq!(code, 0);
}

#[test]
fn export_format_parquet_writes_a_folder_that_reports_as_the_csv_folder() {
    let dir = tmp("parquet");
    let (code, _, err) = dangjian(&[
        "export",
        "--to",
        dir.to_str().unwrap(),
        "--format",
        "parquet",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("activities.parquet").is_file());
    assert!(!dir.join("activities.csv").exists());
    // The folder is read as Parquet by its files; the report is the example's.
    let report = |data: Option<&str>| {
        let mut args = vec!["report", "--as-of", "2019-07-31", "--format", "json"];
        if let Some(d) = data {
            args.extend(["--data", d]);
        }
        let (code, out, err) = dangjian(&args);
        assert_eq!(code, 0, "{err}");
        out
    };
    assert_eq!(report(Some(dir.to_str().unwrap())), report(None));
    // A file form with a folder's format is refused before any work.
    let json = tmp("parquet.json");
    let (code, _, err) = dangjian(&[
        "export",
        "--to",
        json.to_str().unwrap(),
        "--format",
        "parquet",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--format parquet writes a folder"), "{err}");
    assert!(!json.exists());
}

#[test]
fn drilldowns_and_catalogue() {
    let (code, out, _) = dangjian(&["tasks", "--as-of", "2019-07-31", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["format"], "dangjian-tasks/1");
    assert_eq!(v["rows"].as_array().unwrap().len(), 33);
    let (code, out, _) = dangjian(&["coverage", "--format", "csv"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 99); // header + 98 enterprises
    assert!(out.starts_with(
        "id,name,parent,parent_name,org_covered,via_org,own_org,work_covered,via_instructor,liaisons\n"
    ));
    let (code, out, _) = dangjian(&["duties", "--format", "text"]);
    assert_eq!(code, 0);
    assert!(out.contains("road_patrol") && out.contains("西周路"));
    let (code, out, _) = dangjian(&["cadres", "--format", "md"]);
    assert_eq!(code, 0);
    assert!(out.contains("胡东升"));
    let (code, out, _) = dangjian(&["catalogue", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["format"], "dangjian-catalogue/1");
    assert!(v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["id"] == "coverage.org" && m["zh"] == "组织覆盖率"));
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

#[test]
fn init_template_filled_by_hand_validates_and_reports() {
    let dir = tmp("init");
    let (code, _, err) = dangjian(&["init", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    // Refuses to overwrite.
    let (code, _, _) = dangjian(&["init", dir.to_str().unwrap()]);
    assert_eq!(code, 2);
    let append = |file: &str, rows: &str| {
        let path = dir.join(file);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(rows);
        std::fs::write(&path, text).unwrap();
    };
    // A road with a chief who patrols on 2025-01-10 and 2025-01-20, and an above-scale
    // enterprise with no party organisation, typed in as an office would.
    append(
        "units.csv",
        "r1,road,示范路,district,,800,,,\ne1,enterprise,示范企业,district,是,,,,\n",
    );
    append("people.csv", "p_chief,李四,1960-03-05,,,\n");
    append("roles.csv", "p_chief,road_chief,r1,2025/1/10,\n");
    append(
        "activities.csv",
        ",patrol,2025-01-10,r1,p_chief,\n,patrol,2025年1月20日,r1,p_chief,\n",
    );
    let (code, out, err) = dangjian(&["validate", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = dangjian(&[
        "report",
        "--data",
        dir.to_str().unwrap(),
        "--as-of",
        "2025-01-31",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let get = |m: &str| {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["metric"] == m && r["scope"] == "district")
            .cloned()
            .unwrap()
    };
    // One road, chief active on 2025-01-31: 1/1.
    assert_eq!(
        (
            get("roads.chief_coverage")["numerator"].clone(),
            get("roads.chief_coverage")["denominator"].clone()
        ),
        (serde_json::json!(1), serde_json::json!(1))
    );
    // Two above-scale enterprises (the template's and e1), no org hosted at either: 0/2;
    // the template's is linked to the example member since 2025-01-02, e1 is not: 1/2.
    assert_eq!(get("coverage.org")["denominator"], 2);
    assert_eq!(get("coverage.org")["numerator"], 0);
    assert_eq!(get("coverage.liaison")["numerator"], 1);
    assert_eq!(get("coverage.liaison")["denominator"], 2);
    // Patrol duty, 3-day windows from 2025-01-10 to 2025-01-31 = 22 assessed days. Grace:
    // the 10th and 11th. Patrols on the 10th and 20th cover days 10-12 and 20-22; days
    // 13-19 and 23-31 (7 + 9 = 16 days) have no patrol in [d-2, d]: 22 - 16 = 6 comply.
    let patrol = get("duty.road_patrol");
    assert_eq!(
        (patrol["numerator"].clone(), patrol["denominator"].clone()),
        (serde_json::json!(6), serde_json::json!(22))
    );
    assert_eq!(get("duty.road_patrol.lapse")["value"], 9);
}

#[test]
fn pseudonymized_export_keeps_every_metric() {
    let out = tmp("pseudo.json");
    let (code, _, err) = dangjian(&[
        "export",
        "--pseudonymize",
        "--salt",
        "s",
        "--to",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains("陈天云") && !text.contains("p_chentianyun"));
    let a = dangjian(&["report", "--as-of", "2019-07-31", "--format", "json"]).1;
    let b = dangjian(&[
        "report",
        "--data",
        out.to_str().unwrap(),
        "--as-of",
        "2019-07-31",
        "--format",
        "json",
    ])
    .1;
    assert_eq!(a, b);
}

/// The pseudonym the export at `path` gives 陈天云 (found through his road-chief role on
/// 西周路, the only role targeting `xizhou_road`).
fn pseudonym_of_chen(
    path: &std::path::Path,
    salt: Option<&str>,
    salt_file: Option<&std::path::Path>,
) -> (String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dangjian"));
    cmd.env_remove("DANGJIAN_SALT")
        .args(["export", "--pseudonymize", "--to"])
        .arg(path);
    if let Some(s) = salt {
        cmd.args(["--salt", s]);
    }
    if let Some(f) = salt_file {
        cmd.arg("--salt-file").arg(f);
    }
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let roles = std::fs::read_to_string(path.join("roles.csv")).unwrap();
    let chief = roles
        .lines()
        .find(|l| l.contains(",road_chief,xizhou_road,"))
        .expect("the chief of 西周路")
        .split(',')
        .next()
        .unwrap()
        .to_string();
    (chief, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn pseudonyms_without_a_salt_are_random_and_a_salt_file_keeps_them_stable() {
    let (a, b) = (tmp("salt-a"), tmp("salt-b"));
    let (pa, err) = pseudonym_of_chen(&a, None, None);
    let (pb, _) = pseudonym_of_chen(&b, None, None);
    assert!(pa.starts_with('P') && pb.starts_with('P'));
    assert_ne!(
        pa, pb,
        "two exports without a salt must not share pseudonyms"
    );
    assert!(err.contains("random salt"), "{err}");
    // The same salt file: the same pseudonyms, and nothing said about a random salt.
    let salt = tmp("salt.txt");
    std::fs::write(&salt, "a long secret kept by the district office\n").unwrap();
    let (pc, err) = pseudonym_of_chen(&a, None, Some(&salt));
    let (pd, _) = pseudonym_of_chen(&b, None, Some(&salt));
    assert_eq!(pc, pd);
    assert!(!err.contains("random"), "{err}");
    // ... which are those of the same salt given as text (the first line, trimmed).
    let (pe, _) = pseudonym_of_chen(&a, Some("a long secret kept by the district office"), None);
    assert_eq!(pc, pe);
    // An empty salt file is refused, writing nothing.
    let empty = tmp("empty-salt.txt");
    std::fs::write(&empty, "\n").unwrap();
    let c = tmp("salt-c");
    let (code, _, err) = dangjian(&[
        "export",
        "--pseudonymize",
        "--salt-file",
        empty.to_str().unwrap(),
        "--to",
        c.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("empty"), "{err}");
    assert!(!c.exists());
    for p in [a, b, c] {
        let _ = std::fs::remove_dir_all(p);
    }
}

#[test]
fn report_csv_has_full_precision_and_integers_md_rounds_but_counts_stay_whole() {
    let args = [
        "report",
        "--as-of",
        "2019-07-31",
        "--metrics",
        "tasks.total,tasks.started",
    ];
    let (code, out, err) = dangjian(&[&args[..], &["--format", "csv"]].concat());
    assert_eq!(code, 0, "{err}");
    // 25 of 33 key tasks started: 25 / 33 = 0.7575757575757576 in full; the count and the
    // numerator and denominator are whole numbers.
    assert_eq!(
        out,
        "metric,scope,scope_name,value,numerator,denominator,target,due,zh,en\n\
         tasks.total,chengxi,城西新区,33,,,,,重难点工作数,key tasks\n\
         tasks.started,chengxi,城西新区,0.7575757575757576,25,33,,,已启动率,share started\n"
    );
    let (code, out, _) = dangjian(&[&args[..], &["--format", "md"]].concat());
    assert_eq!(code, 0);
    assert!(out.contains("| tasks.total | 城西新区 | 33 |"), "{out}");
    assert!(
        out.contains("| tasks.started | 城西新区 | 0.7576 | 25 | 33 |"),
        "{out}"
    );
}

#[test]
fn an_empty_drilldown_keeps_its_columns() {
    // An enterprise has no key task: no rows, and still the header.
    let (code, out, err) = dangjian(&[
        "tasks",
        "--as-of",
        "2019-07-31",
        "--scope",
        "duodeshi",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "id,title,unit,unit_name,owner,owner_name,leader,leader_name,status,started,actual,expected,spi,start,deadline,forecast,forecast_never,weight\n"
    );
}

#[test]
fn a_crlf_csv_folder_names_the_bad_line_itself_and_quiet_draws_no_bar() {
    // Excel writes CRLF; the third line (the second activity) has a bad date.
    let dir = tmp("crlf");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("units.csv"),
        "id,kind,name,parent\r\nd,district,新区,\r\nr1,road,西周路,d\r\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("activities.csv"),
        "kind,date,subject\r\npatrol,2019-04-01,r1\r\npatrol,2019x04-04,r1\r\n",
    )
    .unwrap();
    let path = dir.to_str().unwrap();
    let (code, out, err) = dangjian(&["--quiet", "validate", path]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.starts_with("activities.csv:3:2: `2019x04-04` in `date` is not a date"),
        "{out}"
    );
    // No bar, no terminal control codes: only the count.
    assert_eq!(err.trim(), "1 error(s), 0 warning(s)");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn generate_writes_a_valid_deterministic_ledger_that_reports() {
    let a = tmp("gen-a");
    let b = tmp("gen-b.json");
    let (code, _, err) = dangjian(&["generate", "--seed", "3", "--to", a.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 district(s), seed 3"), "{err}");
    let (code, _, err) = dangjian(&["validate", a.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    // The same seed gives the same ledger, whatever the form.
    let (code, _, err) = dangjian(&["generate", "--seed", "3", "--to", b.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let report = |p: &std::path::Path| {
        let (code, out, err) = dangjian(&[
            "report",
            "--data",
            p.to_str().unwrap(),
            "--as-of",
            "2019-07-31",
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{err}");
        out
    };
    let json = report(&a);
    assert_eq!(json, report(&b));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = v["rows"].as_array().unwrap();
    // One district is the root, `d`, with about a thousand above-scale enterprises.
    let cov = rows.iter().find(|r| r["metric"] == "coverage.org").unwrap();
    assert_eq!(cov["scope"], "d");
    assert!(cov["denominator"].as_u64().unwrap() > 800);
    let (code, _, err) = dangjian(&["generate", "--districts", "0", "--to", a.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_file(&b);
}

#[test]
fn generate_writes_the_same_ledger_with_uuids_or_identity_numbers_and_the_same_rows() {
    let rows_of = |ids: &str| {
        let dir = tmp(&format!("gen-ids-{ids}"));
        let (code, _, err) = dangjian(&[
            "generate",
            "--seed",
            "4",
            "--ids",
            ids,
            "--to",
            dir.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains(&format!("seed 4, {ids} ids")), "{err}");
        let people = std::fs::read_to_string(dir.join("people.csv")).unwrap();
        let first = people
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .to_string();
        let (code, out, err) = dangjian(&[
            "report",
            "--data",
            dir.to_str().unwrap(),
            "--as-of",
            "2019-07-31",
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{err}");
        let _ = std::fs::remove_dir_all(&dir);
        let mut v: serde_json::Value = serde_json::from_str(&out).unwrap();
        // Only names change: the root's id aside, the rows are the same.
        for r in v["rows"].as_array_mut().unwrap() {
            r["scope"] = serde_json::Value::Null;
        }
        (first, v["rows"].clone())
    };
    let (p, numbered) = rows_of("numbered");
    assert_eq!(p, "p0");
    let (p, uuid) = rows_of("uuid");
    assert_eq!((p.len(), &p[14..15]), (36, "4"), "{p}");
    assert_eq!(uuid, numbered);
    let (p, identity) = rows_of("identity");
    assert_eq!(p.len(), 18, "{p}");
    assert_eq!(identity, numbered);
    let (code, _, err) = dangjian(&["generate", "--ids", "serial", "--to", "x"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("numbered, uuid or identity"), "{err}");
}

#[test]
fn stats_org_life_md_shows_percentages_and_xlsx_has_the_chinese_headers() {
    // At 31 July 2019, January to July are assessed: 7 months, and August to December
    // are empty cells. Rates are percentages in Markdown, numbers in CSV.
    let (code, out, err) = dangjian(&[
        "stats",
        "org_life",
        "--as-of",
        "2019-07-31",
        "--format",
        "md",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().unwrap().split(" | ").collect();
    assert_eq!(header[0], "| org");
    assert_eq!(header[3], "committee_1");
    assert_eq!(header[16], "committee_rate");
    assert_eq!(header[30], "collective_rate |");
    lines.next();
    let first: Vec<&str> = lines.next().unwrap().split(" | ").collect();
    assert!(
        first[16].ends_with('%') && first[16].contains('.'),
        "{first:?}"
    );
    assert_eq!(
        first[16].split('.').nth(1).unwrap().len(),
        3,
        "two decimals: {first:?}"
    );
    assert_eq!(first[10], "", "August is not assessed: {first:?}");
    let (code, csv, _) = dangjian(&[
        "stats",
        "org_life",
        "--as-of",
        "2019-07-31",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0);
    assert!(!csv.contains('%'));

    let x = tmp("org_life.xlsx");
    let (code, _, err) = dangjian(&[
        "stats",
        "org_life",
        "--as-of",
        "2019-07-31",
        "--to",
        x.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook(&x).unwrap();
    let range = wb.worksheet_range("org_life").unwrap();
    let row = |r: u32| -> Vec<String> {
        (0..range.width() as u32)
            .map(|c| {
                range
                    .get_value((r, c))
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            })
            .collect()
    };
    // Ready to file: a title line with the table, the district and the as-of date.
    assert_eq!(
        row(0)[0],
        "组织生活开展情况统计表　城西新区　截至2019年7月31日"
    );
    let zh = row(1);
    assert_eq!(zh[..3], ["党支部", "名称", "院系级党组织"]);
    assert_eq!(zh[3], "支委会次数·1月");
    assert_eq!(zh[16], "支委会·完成率");
    assert_eq!(zh[30], "党员集体活动·完成率");
    assert_eq!(row(2)[..4], ["org", "name", "parent", "committee_1"]);
    // The data rows: as many as the Markdown table has, rates stored as fractions.
    assert_eq!(range.height() - 3, out.lines().count() - 2);
    assert!(matches!(range.get_value((3, 16)), Some(Data::Float(r)) if (0.0..=1.0).contains(r)));
    let _ = std::fs::remove_file(&x);

    let (code, out, err) = dangjian(&[
        "stats",
        "enterprise_orgs",
        "--as-of",
        "2019-07-31",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The 98 above-scale enterprises of coverage.org.
    assert_eq!(v["format"], "dangjian-enterprise_orgs/1");
    assert_eq!(v["scope"]["name"], "城西新区");
    assert_eq!(v["rows"][0]["enterprises"], 98);
    let (code, _, err) = dangjian(&["stats", "party_fees"]);
    assert_eq!(code, 2);
    assert!(err.contains("enterprise_orgs"), "{err}");
}

#[path = "../../dangjian/tests/common/import_fixtures.rs"]
mod import_fixtures;

#[test]
fn import_dry_run_writes_nothing_then_import_adds_the_rows() {
    let dir = import_fixtures::tmp("cli-import");
    let ledger = import_fixtures::ledger(&dir);
    let from = import_fixtures::meetings_xlsx(&dir, None);
    let activities = std::fs::read(ledger.join("activities.csv")).unwrap();
    let (from_s, into_s) = (from.to_str().unwrap(), ledger.to_str().unwrap());

    let args = [
        "import",
        "--map",
        "owip-meetings",
        "--from",
        from_s,
        "--into",
        into_s,
    ];
    let (code, out, err) = dangjian(&[&args[..], &["--dry-run"]].concat());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("dry run"), "{out}");
    assert!(out.contains("  added          4\n"), "{out}");
    assert!(out.contains("三会一课.xlsx!A3"), "{out}");
    assert!(
        out.contains("kind=member_assembly date=2019-02-03 subject=000001 expected=12 attended=11")
    );
    assert!(
        out.contains("三会一课.xlsx!A2         the template's example row"),
        "{out}"
    );
    assert!(out.contains("nothing written"), "{out}");
    assert_eq!(
        std::fs::read(ledger.join("activities.csv")).unwrap(),
        activities
    );

    let (code, out, err) = dangjian(&args);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("wrote {into_s}")), "{out}");
    let after = std::fs::read_to_string(ledger.join("activities.csv")).unwrap();
    assert!(
        after.contains("committee_meeting,2019-03-05,000002,,,5,5"),
        "{}",
        after.lines().last().unwrap()
    );

    // Again: nothing to add; a bad file: located, exit 1, nothing written.
    let (code, out, _) = dangjian(&args);
    assert_eq!(code, 0);
    assert!(out.contains("  added          0\n"), "{out}");
    let bad = import_fixtures::tmp("cli-import-bad");
    let bad_from = import_fixtures::meetings_xlsx(&bad, Some("branch"));
    let before = std::fs::read(ledger.join("activities.csv")).unwrap();
    let (code, _, err) = dangjian(&[
        "import",
        "--map",
        "owip-meetings",
        "--from",
        bad_from.to_str().unwrap(),
        "--into",
        into_s,
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("三会一课.xlsx!C5: "), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(
        std::fs::read(ledger.join("activities.csv")).unwrap(),
        before
    );
}
