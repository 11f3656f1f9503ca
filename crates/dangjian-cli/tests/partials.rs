//! `dangjian partial` and `dangjian merge` as a user runs them (docs/PARTIALS.md).

mod common;
use common::dangjian;

fn tmp(name: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("dangjian-partials-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    p
}

/// A report row: metric, scope, value, numerator, denominator.
type Row = (String, String, Option<f64>, Option<f64>, Option<f64>);

/// The rows of a report's JSON.
fn rows(json: &str) -> Vec<Row> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["metric"].as_str().unwrap().to_string(),
                r["scope"].as_str().unwrap().to_string(),
                r["value"].as_f64(),
                r["numerator"].as_f64(),
                r["denominator"].as_f64(),
            )
        })
        .collect()
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-12 * x.abs().max(1.0),
        (x, y) => x == y,
    }
}

/// Splits the example by area, writes each ledger's partial result and merges them.
fn split_and_merge(dir: &std::path::Path, query: &[&str]) -> (String, String) {
    let parts = dir.join("parts");
    let (code, _, err) = dangjian(&["split", "--by", "area", "--to", parts.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let out = dir.join("partials");
    for ledger in ["_top", "huachuan_area", "lidian_area"] {
        let to = out.join(format!("{ledger}.arrow"));
        let data = parts.join(ledger);
        let mut args = vec![
            "partial",
            "--data",
            data.to_str().unwrap(),
            "--to",
            to.to_str().unwrap(),
        ];
        args.extend_from_slice(query);
        let (code, _, err) = dangjian(&args);
        assert_eq!(code, 0, "{ledger}: {err}");
    }
    let mut args = vec![
        "merge",
        "--parts",
        out.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(query);
    let (code, merged, err) = dangjian(&args);
    assert_eq!(code, 0, "{err}");
    let mut args = vec!["report", "--format", "json"];
    args.extend_from_slice(query);
    let (code, whole, err) = dangjian(&args);
    assert_eq!(code, 0, "{err}");
    (merged, whole)
}

#[test]
fn the_areas_partial_results_merge_to_the_report_of_the_whole() {
    for (name, query) in [
        ("plain", vec!["--as-of", "2019-07-31"]),
        ("by-area", vec!["--as-of", "2019-07-31", "--by", "area"]),
    ] {
        let dir = tmp(name);
        let (merged, whole) = split_and_merge(&dir, &query);
        let (m, w) = (rows(&merged), rows(&whole));
        assert_eq!(m.len(), w.len(), "{name}");
        // The example's facts (docs/DOMAIN.md): 33 key tasks, 98 enterprises, whatever part
        // each lies in.
        assert!(m
            .iter()
            .any(|r| r.0 == "tasks.total" && r.1 == "chengxi" && r.2 == Some(33.0)));
        assert!(m
            .iter()
            .any(|r| r.0 == "coverage.org" && r.1 == "chengxi" && r.4 == Some(98.0)));
        for (a, b) in m.iter().zip(&w) {
            assert_eq!((&a.0, &a.1), (&b.0, &b.1), "{name}");
            assert!(
                close(a.2, b.2) && close(a.3, b.3) && close(a.4, b.4),
                "{name}: {a:?} != {b:?}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn merge_refuses_a_part_twice_a_missing_top_and_another_query() {
    let dir = tmp("refusals");
    split_and_merge(&dir, &["--as-of", "2019-07-31"]);
    let out = dir.join("partials");
    let top = out.join("_top.arrow");
    // A part twice.
    std::fs::copy(
        out.join("lidian_area.arrow"),
        out.join("lidian_again.arrow"),
    )
    .unwrap();
    let (code, _, err) = dangjian(&["merge", "--parts", out.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("the part with root `lidian_area` is in both"),
        "{err}"
    );
    std::fs::remove_file(out.join("lidian_again.arrow")).unwrap();
    // Another date than the partial results answer.
    let (code, _, err) = dangjian(&[
        "merge",
        "--parts",
        out.to_str().unwrap(),
        "--as-of",
        "2019-06-30",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("the partial results answer as-of 2019-07-31"),
        "{err}"
    );
    // Without the top, nothing holds the scope.
    std::fs::remove_file(&top).unwrap();
    let (code, _, err) = dangjian(&["merge", "--parts", out.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no partial result holds the scope `chengxi`"),
        "{err}"
    );
    // A partial result needs its date.
    let data = dir.join("parts").join("lidian_area");
    let (code, _, err) = dangjian(&[
        "partial",
        "--data",
        data.to_str().unwrap(),
        "--to",
        top.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("a partial result needs `as_of`"), "{err}");
    // Not a partial result.
    std::fs::write(out.join("junk.arrow"), b"not arrow").unwrap();
    let (code, _, err) = dangjian(&["merge", "--parts", out.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("junk.arrow: not an Arrow IPC file of a partial result"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
