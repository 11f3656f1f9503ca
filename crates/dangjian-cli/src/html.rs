//! `dangjian report --format html [--to PATH]`: the dashboard page of the core crate
//! (`dangjian::report::page`), written to a file or to standard output.

use std::path::Path;

use dangjian::metrics::{Engine, Query};
use dangjian::report::{page, PageOptions};
use dangjian::Ledger;

use crate::render::Format;

/// The formats of `dangjian report`: the table formats, and the HTML page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Readable in a terminal (default).
    Text,
    /// For other tools (the METRICS.md shape).
    Json,
    /// For spreadsheets.
    Csv,
    /// Markdown.
    Md,
    /// One self-contained HTML page (the dashboard with charts and drill-down tables).
    Html,
}

impl ReportFormat {
    /// The table format, or `None` for the HTML page.
    pub fn table(self) -> Option<Format> {
        match self {
            ReportFormat::Text => Some(Format::Text),
            ReportFormat::Json => Some(Format::Json),
            ReportFormat::Csv => Some(Format::Csv),
            ReportFormat::Md => Some(Format::Md),
            ReportFormat::Html => None,
        }
    }
}

/// The page of `q` (its size said when written to a file: `main::emit` writes it).
pub fn page_text(l: &Ledger, q: &Query, data: Option<&Path>) -> Result<String, String> {
    let engine = Engine::new(l);
    let opts = PageOptions {
        data: data.map(|p| p.display().to_string()),
        ..PageOptions::default()
    };
    page(l, &engine, q, &opts).map_err(|e| e.to_string())
}
