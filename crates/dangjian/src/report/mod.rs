//! The dashboard page: one self-contained HTML file a district office opens.
//!
//! [`page`] gathers, through the public API of the [`Engine`](crate::metrics::Engine)
//! (`evaluate`, `tasks`, `obligations`, `enterprises`, `cadres`, `trend`), everything the
//! people running the red trilogy look at, and writes it as one HTML document with its CSS,
//! its SVG charts and a few lines of inline script (sortable tables) written by the program:
//! no network access at all (a Content-Security-Policy forbids any), no web fonts, 中文
//! first and English alongside. From top to bottom:
//!
//! 1. the three programmes (红色成长, 红色引领, 红色覆盖), each headline figure as a bar with
//!    its target marked;
//! 2. what needs attention, in one line each (overdue tasks, enterprises without an
//!    organisation, lapsed duties, unvisited red workshops);
//! 3. key-task status (a bar per status) and the overdue and at-risk tasks by name;
//! 4. coverage by block and by area, the scope's own row kept apart, and the enterprises
//!    without an organisation by name;
//! 5. duty compliance as a heat map per subject and month (the worst first);
//! 6. the young-cadre pipeline;
//! 7. the 12-month trend of each headline figure, as small multiples;
//! 8. the drill-down tables every figure links to, sortable by a click on a header.
//!
//! Status is shown by shape and text as well as colour; the page prints on A4 and reads at
//! a phone's width. Long tables are cut at [`PageOptions::max_rows`] and in-section lists at
//! [`PageOptions::list_rows`] (the rows needing attention first) with the command that
//! exports them whole, so the page stays small whatever the ledger's size (1.1 MB at a
//! 100-district scale); below the first screen, sections are drawn as they scroll into
//! view (`content-visibility`), never in print.
//!
//! [`metrics_table`] and [`ledger_card`] are pieces of the same page for notebooks.
//!
//! ```
//! use dangjian::metrics::{Engine, Query};
//! use dangjian::report::{page, PageOptions};
//!
//! let ledger = dangjian::example();
//! let engine = Engine::new(&ledger);
//! let q = Query { as_of: chrono::NaiveDate::from_ymd_opt(2019, 7, 31), ..Query::default() };
//! let html = page(&ledger, &engine, &q, &PageOptions::default()).unwrap();
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! assert!(html.contains("75.8%") && html.contains("(25/33)")); // key tasks started
//! assert!(html.contains("(88/98)")); // enterprises with a party organisation
//! assert!(!html.contains("http://") && !html.contains("https://"));
//! ```

mod fmt;
mod gather;
mod html;
mod labels;
mod svg;

pub use fmt::{figure, row_text};
pub use html::{escape, ledger_card, metrics_table, page, BREAKDOWN};
pub use labels::Labels;

/// How much the page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageOptions {
    /// At most this many rows in each drill-down table and coverage breakdown (the worst
    /// first; the obligations table shares them fairly among the duties); the page says how
    /// to export the rest. Default 500.
    pub max_rows: usize,
    /// At most this many rows in each list inside a section (the late tasks, the
    /// enterprises without an organisation, each duty's heat map), the worst first.
    /// Default 30.
    pub list_rows: usize,
    /// How many month ends the trend shows, ending at `as_of`. Default 12.
    pub trend_months: u32,
    /// How the ledger was given on the command line (`--data PATH`), for the export
    /// commands the page suggests; `None` for the embedded example.
    pub data: Option<String>,
}

impl Default for PageOptions {
    fn default() -> Self {
        PageOptions {
            max_rows: 500,
            list_rows: 30,
            trend_months: 12,
            data: None,
        }
    }
}
