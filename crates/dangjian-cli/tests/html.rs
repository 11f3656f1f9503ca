//! `dangjian report --format html`: the dashboard page from the command line.

mod common;
use common::dangjian;

#[test]
fn report_format_html_writes_the_page_to_a_file() {
    let dir = std::env::temp_dir().join(format!("dangjian-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("chengxi.html");
    let (code, out, err) = dangjian(&[
        "report",
        "--as-of",
        "2019-07-31",
        "--by",
        "block",
        "--format",
        "html",
        "--to",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty() && err.contains("wrote"), "{err}");
    let html = std::fs::read_to_string(&path).unwrap();
    // DOMAIN.md at 2019-07-31: 25 of 33 key tasks started; 88 of 98 enterprises covered.
    assert!(html.contains("75.8%") && html.contains("(25/33)"));
    assert!(html.contains("89.8%") && html.contains("(88/98)"));
    // Under 红色覆盖: no enterprise linked yet (0/98), every one due by 2019-12-31.
    let coverage = &html[html.find(r#"id="p-coverage""#).unwrap()..];
    let fig = &coverage[coverage.find(r#"data-metric="coverage.liaison""#).unwrap()..];
    let fig = &fig[..fig.find("</a>").unwrap()];
    assert!(
        fig.contains("联企覆盖率") && fig.contains("(0/98)"),
        "{fig}"
    );
    assert!(
        fig.contains("目标 <span class=\"en\">target</span> 100% · 2019-12-31"),
        "{fig}"
    );
    assert!(html.contains("按区块分解"));
    assert!(!dir.join("chengxi.html.tmp").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn report_format_html_without_to_prints_the_page() {
    let (code, out, err) = dangjian(&["report", "--as-of", "2019-07-31", "--format", "html"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("<!DOCTYPE html>") && out.trim_end().ends_with("</html>"));
}

#[test]
fn report_html_errors_are_messages_with_exit_code_2() {
    let (code, _, err) = dangjian(&["report", "--format", "html", "--scope", "nowhere"]);
    assert_eq!(code, 2);
    assert!(err.contains("`nowhere` is not a unit id"), "{err}");
    // `--to` writes every format; a folder that does not exist is a message, not a panic.
    let to = std::env::temp_dir().join("dangjian-no-such-folder/x.csv");
    let (code, _, err) = dangjian(&["report", "--format", "csv", "--to", to.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot write"), "{err}");
}
