//! Writes the import fixtures of `tests/import.rs` into a folder, to try `dangjian import`
//! by hand:
//!
//! ```text
//! cargo run -p dangjian --example import_fixtures -- /tmp/fixtures
//! dangjian import --map owip-theme-days --from /tmp/fixtures/主题党日.xlsx --into /tmp/fixtures/ledger --dry-run
//! ```
//!
//! The folder gets 三会一课.xlsx, 主题党日.xlsx, 党员信息.xlsx, roster.csv (GB18030),
//! county-roster.toml (the fourth mapping of docs/IMPORTS.md) and `ledger/`: the example
//! ledger with the branches `000001` and `000002`.

#[path = "../tests/common/import_fixtures.rs"]
mod fixtures;

fn main() {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "import-fixtures".into()),
    );
    std::fs::create_dir_all(&dir).expect("the folder can be made");
    fixtures::meetings_xlsx(&dir, None);
    fixtures::theme_days_xlsx(&dir);
    fixtures::members_xlsx(&dir, false);
    fixtures::roster_csv(&dir, false);
    std::fs::write(dir.join("county-roster.toml"), fixtures::ROSTER_MAPPING).expect("written");
    let _ = std::fs::remove_dir_all(dir.join("ledger"));
    fixtures::ledger(&dir);
    eprintln!("wrote the import fixtures to {}", dir.display());
}
