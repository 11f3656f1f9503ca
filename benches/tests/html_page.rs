//! The dashboard page stays small on a big generated ledger: every long table is cut at
//! `max_rows` with the command exporting it whole, so the page's size does not grow with
//! the ledger. (Its render time at province scale is measured by
//! `benches/python/html_page.py`, never by a test.)

use dangjian::metrics::{Engine, Query};
use dangjian::report::{page, PageOptions};
use dangjian_benches::{city, generate, Spec};

/// Forty areas and more key tasks, enterprises and obligations than a table shows.
fn county() -> Spec {
    Spec {
        areas: 40,
        villages_per_area: 4,
        blocks_per_area: 1,
        roads_per_area: 4,
        enterprises: 2_500,
        people_per_org: 4,
        key_tasks: 600,
        ..city()
    }
}

fn rows_of(html: &str, table_id: &str) -> usize {
    let start = html
        .find(&format!("id=\"{table_id}\""))
        .unwrap_or_else(|| panic!("no table {table_id}"));
    let body = start + html[start..].find("<tbody>").unwrap();
    let end = body + html[body..].find("</tbody>").unwrap();
    html[body..end].matches("<tr>").count()
}

#[test]
fn a_county_page_cuts_its_long_tables_and_stays_small() {
    let l = generate(&county());
    let engine = Engine::new(&l);
    let opts = PageOptions {
        data: Some("county/".into()),
        ..PageOptions::default()
    };
    let html = page(&l, &engine, &Query::default(), &opts).unwrap();
    // Every drill-down table holds at most max_rows (500) rows; the county has more key
    // tasks (600), enterprises and obligations than that.
    for (id, more) in [
        ("tasks-table", true),
        ("enterprises-table", true),
        ("duties-table", true),
        ("cadres-table", false),
    ] {
        let n = rows_of(&html, id);
        assert!(n <= 500, "{id}: {n}");
        if more {
            assert_eq!(n, 500, "{id}");
        }
    }
    // The in-section lists are cut at list_rows (30).
    assert!(rows_of(&html, "late-tasks") <= 30);
    assert!(rows_of(&html, "no-org") <= 30);
    // Each cut says so and how to export everything.
    assert!(html.contains("showing 500 of 600 rows"));
    assert!(html.contains(
        "dangjian tasks --data county/ --as-of 2019-07-31 --from 2019-01-01 --format csv &gt; tasks.csv"
    ));
    assert!(html.contains("dangjian duties --data county/"));
    // Coverage by area: one row per area (40), the county apart in the footer.
    assert_eq!(rows_of(&html, "cov-area"), 40);
    // Bounded: well under the 5 MB the page may weigh, whatever the ledger's size.
    assert!(html.len() < 2_000_000, "{} bytes", html.len());
    assert!(!html.contains("http://") && !html.contains("https://"));
}
