//! `dangjian`: validate, export and report on party-building ledgers (台账).
//!
//! `--data` defaults to the embedded Chengxi New District example everywhere.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dangjian::ledger::{self, ValidateOptions};
use dangjian::Ledger;

mod dashboard;
mod html;
mod import_cmd;
mod parts_cmd;
mod progress;
mod render;
mod summary;

use dangjian::metrics::{Engine, Query};
use dangjian::model::UnitKind;
use dangjian::output::{DataFormat, Header, Output};
use dangjian::rows::Row;
use render::Format;

#[derive(Parser)]
#[command(
    name = "dangjian",
    version,
    about = "党建 dangjian: party-building ledgers, validated and measured"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// No progress bar on stderr (there is none anyway when stderr is not a terminal, or
    /// for loads shorter than a second).
    #[arg(long, global = true)]
    quiet: bool,
}

/// Whether `--quiet` was given.
static QUIET: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

#[derive(Subcommand)]
enum Command {
    /// Check a ledger; prints every problem as `location: message` (exit 1 on errors).
    Validate {
        /// A CSV folder, a .json file, an .xlsx workbook or an SQLite database (.sqlite,
        /// .db) (default: the embedded example).
        path: Option<PathBuf>,
        /// The ledger to check, as `--data` elsewhere (either way works).
        #[arg(long, conflicts_with = "path")]
        data: Option<PathBuf>,
        /// Evaluation date for the "dated after" warning (YYYY-MM-DD, or any spelling a
        /// ledger accepts).
        #[arg(long, value_parser = date_arg)]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Write a ledger as JSON (.json), an Excel workbook (.xlsx), an SQLite database (.sqlite,
    /// .db), a folder of Parquet files (--format parquet, or a path ending in .parquet) or a
    /// CSV folder (any other path).
    Export {
        /// The ledger to read (default: the embedded example).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Where to write: a .json file, an .xlsx workbook, an SQLite database (.sqlite,
        /// .db; written whole, as a new file) or a folder (a path without an extension, or an
        /// existing folder) for CSV files.
        #[arg(long)]
        to: PathBuf,
        /// The form to write (default: from the --to path): csv or parquet (a folder, one
        /// file per table), json, xlsx or sqlite (one file, whose extension --to must have).
        #[arg(long, value_enum)]
        format: Option<LedgerFormat>,
        /// Write into a folder even when it holds files that are not a ledger's, or over a
        /// .sqlite/.db file that is not a ledger database.
        #[arg(long)]
        force: bool,
        /// Replace people's names and ids with stable pseudonyms and clear free text that may
        /// name them (`note` columns); every metric stays the same.
        #[arg(long)]
        pseudonymize: bool,
        /// With --pseudonymize: also coarsen birth dates to 1 January of the year (age
        /// metrics may then move).
        #[arg(long, requires = "pseudonymize")]
        coarsen_birth_dates: bool,
        /// With --pseudonymize: the secret salt as text (it then shows in the shell's
        /// history: prefer --salt-file or DANGJIAN_SALT). The same salt gives the same
        /// pseudonyms, month after month. Without any, a random salt is drawn: the
        /// pseudonyms then match no other export and nobody can recompute them.
        #[arg(long, requires = "pseudonymize", conflicts_with = "salt_file")]
        salt: Option<String>,
        /// With --pseudonymize: read the secret salt from this file (its first line).
        /// The environment variable DANGJIAN_SALT is read when neither is given.
        #[arg(long, requires = "pseudonymize")]
        salt_file: Option<PathBuf>,
    },
    /// Cut a ledger into one part per unit of a kind, plus the top (the units above them),
    /// each a valid ledger of its own, and write them with their manifest `parts.toml`
    /// (docs/PARTIALS.md, "Parts"). Prints one line per ledger: its rows, and the people
    /// copied in (named there, their org elsewhere).
    Split {
        /// The ledger to cut (default: the embedded example).
        #[arg(long)]
        data: Option<PathBuf>,
        /// The kind of unit each part is rooted at (area, block, village...; the root itself
        /// is never a part).
        #[arg(long)]
        by: UnitKind,
        /// The folder to write: `_top`, one ledger per part named by its root's id, and
        /// `parts.toml`. It must be new or empty.
        #[arg(long)]
        to: PathBuf,
        /// The form of each ledger: a CSV folder, or a .json, .xlsx or .sqlite file.
        #[arg(long, value_enum, default_value = "csv")]
        format: PartsFormat,
        /// Write into a folder that is not empty (ledgers of the same names are written
        /// over; nothing else is removed).
        #[arg(long)]
        force: bool,
    },
    /// Write an empty ledger template (CSV folder, .json, .xlsx or .sqlite) with the headers, an
    /// example row per table and the default duties, ready to fill in.
    Init {
        /// Where to write (must not exist yet).
        path: PathBuf,
    },
    /// Write a synthetic ledger of the Chengxi shape at any scale (deterministic; valid).
    ///
    /// A district is about 1,400 units, 10,000 people and 35,000 activities (3 MB of CSV):
    /// offices, 4 areas of villages, blocks and roads, 1,160 enterprises with their party
    /// organisations, key tasks, organisation life. With more than one, the districts sit
    /// under a city root.
    Generate {
        /// How many districts (20: about 28k units, 200k people, 700k activities).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        districts: u32,
        /// Seed of the random stream: the same districts and seed give the same ledger.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// What the ids look like: numbered in a row (`p3094`), uuid (every unit,
        /// organisation, person, initiative and activity a UUID) or identity (people by
        /// 18-character identity numbers, the others by long numbers in no order). Only the
        /// names change: the records and metrics are the same.
        #[arg(long, default_value = "numbered", value_parser = id_shape_arg)]
        ids: dangjian::synth::IdShape,
        /// Where to write: JSON (.json), Excel (.xlsx), SQLite (.sqlite, .db) or a CSV folder
        /// (a path without an extension, or an existing folder).
        #[arg(long)]
        to: PathBuf,
        /// Write into a folder even when it holds files that are not a ledger's, or over a
        /// .sqlite/.db file that is not a ledger database.
        #[arg(long)]
        force: bool,
    },
    /// The dashboard: the three programmes against their targets, what is late or missing.
    Report {
        #[command(flatten)]
        q: QueryArgs,
        /// Output format: text (readable), json (docs/METRICS.md shape), csv, md, html (one
        /// self-contained page with charts and sortable drill-down tables).
        #[arg(long, value_enum, default_value = "text")]
        format: html::ReportFormat,
        /// Write to this file in the chosen --format (default: standard output).
        #[arg(long)]
        to: Option<PathBuf>,
        /// Only the ledger summary (records per table and programme, date range).
        #[arg(long)]
        summary: bool,
    },
    /// A part's partial result (docs/PARTIALS.md) as an Arrow IPC file: the mergeable state
    /// of every metric at its scope rows, people and orgs shared with other parts one by one.
    /// `--as-of` is required (a part cannot know the whole's latest date).
    Partial {
        #[command(flatten)]
        q: QueryArgs,
        /// Where to write the partial result (an Arrow IPC file, `.arrow`).
        #[arg(long)]
        to: PathBuf,
        /// The manifest (`parts.toml`) of the partitioned ledger `--data` is a part (or the
        /// top) of: its shared people and orgs and its root apply, and the top's duties and
        /// indicators. Default: the `parts.toml` beside the part, when it lists it.
        #[arg(long)]
        manifest: Option<PathBuf>,
    },
    /// Merge partial results (`dangjian partial`) into report rows: exactly the rows of
    /// `dangjian report` on the union of the parts.
    Merge {
        /// A folder of partial results (its `.arrow` files), or one file.
        #[arg(long)]
        parts: PathBuf,
        /// Query options, when given, must be those the partial results answer.
        #[arg(long, value_parser = date_arg)]
        as_of: Option<chrono::NaiveDate>,
        /// Window start (checked against the partial results').
        #[arg(long, value_parser = date_arg)]
        from: Option<chrono::NaiveDate>,
        /// Scope unit id (checked against the partial results').
        #[arg(long)]
        scope: Option<String>,
        /// Breakdown kind (checked against the partial results').
        #[arg(long)]
        by: Option<UnitKind>,
        /// Metric filters (checked against the partial results').
        #[arg(long, value_delimiter = ',')]
        metrics: Option<Vec<String>>,
        /// Output format: md (the default; text writes the same Markdown table), json (docs/METRICS.md shape), csv.
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
        /// Write to this file (default: standard output).
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// The metric catalogue: id, 中文 and English names, definition, kind, direction.
    Catalogue {
        /// The ledger whose duty, indicator and target metrics to list too.
        #[arg(long)]
        data: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Write to this file in the chosen --format (default: standard output).
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Drill-down: one row per key task (status, actual, expected, spi, forecast...).
    Tasks(DrillArgs),
    /// Drill-down: one row per duty obligation (assessed, complying, longest lapse...).
    Duties(DrillArgs),
    /// Drill-down: one row per above-scale enterprise (which coverage, through what).
    Coverage(DrillArgs),
    /// Drill-down: one row per cadre (age, young, roles, on tasks).
    Cadres(DrillArgs),
    /// Official statistics tables (docs/STATS.md): `enterprise_orgs` (企业建立党的基层组织情况,
    /// one row per scope row) or `org_life` (组织生活开展情况统计表, one row per branch).
    Stats {
        /// The table.
        #[arg(value_parser = ["enterprise_orgs", "org_life"])]
        table: String,
        #[command(flatten)]
        q: QueryArgs,
        /// Output format (text and md show rates as percentages; csv and json keep numbers).
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Write to this file instead of standard output: a `.xlsx` workbook with the
        /// Chinese headers as its first row, any other name the --format.
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// The JSON Schema of a JSON output (`report`, `tasks`, `duties`, `coverage`, `cadres`,
    /// `catalogue`, `enterprise_orgs`, `org_life`): its envelope and the keys and types of
    /// its rows, generated from the row types (docs/METRICS.md, "JSON outputs").
    Schema {
        /// The output.
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(Output::ALL.map(Output::id)))]
        name: String,
    },
    /// Serve a ledger over HTTP (docs/SERVICE.md): the report, drill-downs, statistics and
    /// catalogue as the command line writes them, the dashboard page at `/`, and writes of
    /// activities, progress and observations into an `.sqlite` ledger (another form is
    /// served read-only). Prints `listening on http://ADDRESS` once it accepts requests.
    Serve {
        /// The ledger: an `.sqlite` database (read and written) or any other form (read only).
        #[arg(long)]
        data: PathBuf,
        /// The address to listen on (port 0: any free port, said when listening).
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// The tokens file (`dangjian token add`); read again when it changes.
        #[arg(long, required_unless_present = "no_auth")]
        tokens: Option<PathBuf>,
        /// No tokens: every request may read and write everything. Only on a loopback
        /// address.
        #[arg(long, conflicts_with = "tokens")]
        no_auth: bool,
        /// The largest request body, in bytes (413 beyond).
        #[arg(long, default_value_t = 2 << 20)]
        max_body: usize,
        /// The most rows of one write (413 beyond).
        #[arg(long, default_value_t = 10_000)]
        max_rows: usize,
    },
    /// The service's access tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Import rows of another system's spreadsheet (.xlsx or .csv) into a ledger with a
    /// mapping (docs/IMPORTS.md); nothing is written unless the result is valid (exit 1
    /// with every problem located in the source file: `三会一课.xlsx!L3`, `roster.csv:7:2`).
    Import {
        /// A shipped mapping (owip-meetings, owip-theme-days, owip-members) or the path of a
        /// TOML mapping.
        #[arg(long = "map")]
        map: String,
        /// The source: an .xlsx workbook or a .csv file (UTF-8 or GB18030).
        #[arg(long)]
        from: PathBuf,
        /// The sheet of an .xlsx source (default: the first).
        #[arg(long)]
        sheet: Option<String>,
        /// The ledger to add the rows to (CSV folder, .json, .xlsx or .sqlite); saved back in
        /// its form.
        #[arg(long)]
        into: PathBuf,
        /// Validate and print what would be added, replaced and skipped; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// List every row added, replaced and skipped (by default the first 5 of each).
        #[arg(long)]
        all: bool,
    },
}

/// `dangjian token ...`.
#[derive(Subcommand)]
enum TokenCommand {
    /// Make a token: prints it once (keep it; only its salted hash is stored) and adds its
    /// name, scope and rights to the tokens file (made if missing).
    Add {
        /// The tokens file.
        #[arg(long)]
        tokens: PathBuf,
        /// The token's name: the user name of HTTP Basic, and what the change log records.
        #[arg(long)]
        name: String,
        /// The unit id whose subtree the token sees and writes (the root: everything).
        #[arg(long)]
        scope: String,
        /// What it may do: read < append < admin (each includes the ones before).
        #[arg(long, value_parser = ["read", "append", "admin"])]
        can: String,
    },
}

/// The form of the ledgers `split` writes.
#[derive(Clone, Copy, clap::ValueEnum)]
enum PartsFormat {
    /// A folder of CSV files.
    Csv,
    /// One JSON file.
    Json,
    /// One Excel workbook.
    Xlsx,
    /// One SQLite database.
    Sqlite,
    /// A folder of Parquet files (`<name>.parquet/`), what a data platform hands to Dask.
    Parquet,
}

impl PartsFormat {
    fn form(self) -> ledger::Form {
        match self {
            PartsFormat::Csv => ledger::Form::CsvFolder,
            PartsFormat::Json => ledger::Form::Json,
            PartsFormat::Xlsx => ledger::Form::Excel,
            PartsFormat::Sqlite => ledger::Form::Sqlite,
            PartsFormat::Parquet => ledger::Form::Parquet,
        }
    }
}

/// What to evaluate: the ledger, the dates, the scope and breakdown, the thresholds.
#[derive(clap::Args, Clone)]
struct QueryArgs {
    /// The ledger to read (default: the embedded example).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Evaluation date (default: the ledger's latest progress, activity or observation date).
    /// Any spelling a ledger accepts: 2019-07-31, 2019/7/31, 2019.7.31, 2019年7月31日.
    #[arg(long, value_parser = date_arg)]
    as_of: Option<chrono::NaiveDate>,
    /// Window start (default: 1 January of the as-of year).
    #[arg(long, value_parser = date_arg)]
    from: Option<chrono::NaiveDate>,
    /// Scope unit id (default: the root).
    #[arg(long)]
    scope: Option<String>,
    /// Break down by a unit kind (area, village, block, enterprise, road...).
    #[arg(long)]
    by: Option<UnitKind>,
    /// Only these metrics (ids or prefixes, comma separated: `tasks,coverage.org`).
    #[arg(long, value_delimiter = ',')]
    metrics: Option<Vec<String>>,
    /// At-risk tolerance: expected - actual at or above this is at risk.
    #[arg(long, default_value_t = 0.10)]
    at_risk_tolerance: f64,
    /// Young-cadre age: at or under this many full years.
    #[arg(long, default_value_t = 35)]
    young_age: i32,
}

/// The shape of a generated ledger's ids (`--ids`).
fn id_shape_arg(s: &str) -> Result<dangjian::synth::IdShape, String> {
    s.parse()
}

/// A ledger form, as `export --format` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum LedgerFormat {
    /// A folder of CSV files.
    Csv,
    /// A folder of Parquet files.
    Parquet,
    /// One JSON document.
    Json,
    /// One Excel workbook.
    Xlsx,
    /// One SQLite database.
    Sqlite,
}

impl LedgerFormat {
    fn form(self) -> ledger::Form {
        match self {
            LedgerFormat::Csv => ledger::Form::CsvFolder,
            LedgerFormat::Parquet => ledger::Form::Parquet,
            LedgerFormat::Json => ledger::Form::Json,
            LedgerFormat::Xlsx => ledger::Form::Excel,
            LedgerFormat::Sqlite => ledger::Form::Sqlite,
        }
    }
}

/// A date option, read as a ledger cell is (`2019/7/31` too), with the ledger's wording.
fn date_arg(s: &str) -> Result<chrono::NaiveDate, String> {
    ledger::parse_date(s)
}

impl QueryArgs {
    fn query(&self) -> Query {
        Query {
            as_of: self.as_of,
            from: self.from,
            scope: self.scope.clone().map(dangjian::model::UnitId::new),
            by: self.by,
            at_risk_tolerance: self.at_risk_tolerance,
            young_age: self.young_age,
            metrics: self.metrics.clone(),
        }
    }
}

/// A drill-down table's arguments.
#[derive(clap::Args, Clone)]
struct DrillArgs {
    #[command(flatten)]
    q: QueryArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Write to this file in the chosen --format (default: standard output).
    #[arg(long)]
    to: Option<PathBuf>,
}

/// Writes a drill-down: JSON in the envelope of `output` and CSV with the names beside the
/// ids (for other tools, as the service answers them: `dangjian::output::drill_down`), text
/// and Markdown with names instead of ids (for people).
fn drill(output: Output, a: &DrillArgs) -> Result<(), Failure> {
    let l = load(a.q.data.as_ref())?;
    let engine = Engine::new(&l);
    let q = a.q.query();
    let for_tools = |format| dangjian::output::drill_down(&l, &engine, output, &q, format);
    let text = match a.format {
        Format::Json => for_tools(DataFormat::Json)?,
        Format::Csv => for_tools(DataFormat::Csv)?,
        Format::Text | Format::Md => match output {
            Output::Tasks => for_people(&l, &engine.tasks(&q)?, a.format)?,
            Output::Duties => for_people(&l, &engine.obligations(&q)?, a.format)?,
            Output::Coverage => for_people(&l, &engine.enterprises(&q)?, a.format)?,
            _ => for_people(&l, &engine.cadres(&q)?, a.format)?,
        },
    };
    emit(&text, a.to.as_deref())
}

/// Rows as text or Markdown, names instead of ids.
fn for_people<R: Row>(l: &Ledger, rows: &[R], format: Format) -> Result<String, Failure> {
    render::table(rows, format, &dashboard::names(l)).map_err(|e| Failure {
        code: 2,
        message: e.to_string(),
    })
}

/// Writes an output to `to` (atomically: a sibling temporary file renamed into place, and
/// said on stderr) or to standard output.
pub(crate) fn emit(text: impl AsRef<[u8]>, to: Option<&std::path::Path>) -> Result<(), Failure> {
    let text = text.as_ref();
    let Some(path) = to else {
        use std::io::Write;
        std::io::stdout().write_all(text)?;
        return Ok(());
    };
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot write {}: {e}", path.display())
        })?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// Writes a statistics table: an `.xlsx` workbook under its Chinese headers, or `format`
/// (text and Markdown with rates as percentages) to `to` or standard output.
fn stats_out<R: Row + serde::Serialize>(
    l: &Ledger,
    header: &Header,
    rows: &[R],
    table: dangjian::stats::StatsTable,
    format: Format,
    to: Option<&std::path::Path>,
) -> Result<(), Failure> {
    use dangjian::stats;
    let xlsx = to.is_some_and(|p| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    });
    if let (true, Some(path)) = (xlsx, to) {
        let (scope, as_of) = match (&header.scope, header.as_of) {
            (Some(s), Some(d)) => (s.name.as_str(), d),
            _ => return Err("a statistics table answers a scope on a date".into()),
        };
        let head = stats::SheetHead::for_filing(table, l, scope, as_of);
        let bytes = stats::to_xlsx_bytes(rows, &stats::headers_zh(table), table.id(), &head)?;
        return emit(bytes, Some(path));
    }
    let names = dashboard::names(l);
    let text = match format {
        Format::Text | Format::Md => {
            let shown: Vec<_> = rows.iter().map(stats::ForPeople).collect();
            render::table(&shown, format, &names)
        }
        // Written by `dangjian::output::stats_json` before coming here.
        Format::Json => return Err("JSON is written by dangjian::output::stats_json".into()),
        Format::Csv => render::table(rows, format, &names),
    }
    .map_err(|e| e.to_string())?;
    emit(&text, to)
}

/// A failure with the exit code it deserves.
/// The salt of a pseudonymized export: `--salt`, the first line of `--salt-file`, the
/// environment variable `DANGJIAN_SALT`, or else a random one (said on stderr).
fn export_salt(salt: Option<String>, file: Option<&std::path::Path>) -> Result<String, Failure> {
    if let Some(s) = salt {
        return Ok(s);
    }
    if let Some(f) = file {
        let text =
            std::fs::read_to_string(f).map_err(|e| format!("--salt-file {}: {e}", f.display()))?;
        let line = text.lines().next().unwrap_or("").trim().to_string();
        if line.is_empty() {
            return Err(Failure {
                code: 2,
                message: format!(
                    "--salt-file {}: the file is empty; write a long secret on its first line",
                    f.display()
                ),
            });
        }
        return Ok(line);
    }
    if let Some(s) = std::env::var("DANGJIAN_SALT")
        .ok()
        .filter(|s| !s.is_empty())
    {
        return Ok(s);
    }
    if !QUIET.get().copied().unwrap_or(false) {
        eprintln!(
            "no salt given: pseudonyms use a random salt, so they match no other export; \
             to keep them stable from one export to the next, keep a secret in a file and pass \
             --salt-file FILE (or set DANGJIAN_SALT)"
        );
    }
    Ok(dangjian::privacy::random_salt())
}

pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure {
            code: 2,
            message: e.to_string(),
        }
    }
}

fn load(data: Option<&PathBuf>) -> Result<Ledger, Failure> {
    match data {
        None => Ok(dangjian::example()),
        Some(p) => progress::load(
            p,
            &ValidateOptions::full(),
            QUIET.get().copied().unwrap_or(false),
        )
        .map(|l| l.ledger)
        .map_err(|e| match e.problems() {
            Some(problems) => Failure {
                code: 1,
                message: problems
                    .0
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("\n"),
            },
            None => e.into(),
        }),
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Validate { path, data, as_of } => {
            let path = path.or(data);
            let opts = ValidateOptions {
                as_of,
                ..ValidateOptions::full()
            };
            let problems = match &path {
                Some(p) => match progress::load(p, &opts, QUIET.get().copied().unwrap_or(false)) {
                    Ok(l) => ledger::Problems(l.warnings),
                    Err(ledger::LedgerError::Invalid(p)) => p,
                    Err(e) => return Err(e.into()),
                },
                None => dangjian::example().validate_as_of(as_of),
            };
            for p in &problems.0 {
                println!("{p}");
            }
            let errors = problems.errors().count();
            let warnings = problems.warnings().count();
            eprintln!("{errors} error(s), {warnings} warning(s)");
            if errors > 0 {
                return Err(Failure {
                    code: 1,
                    message: String::new(),
                });
            }
        }
        Command::Export {
            data,
            to,
            format,
            force,
            pseudonymize,
            coarsen_birth_dates,
            salt,
            salt_file,
        } => {
            // Before the work: a wrong destination is said at once.
            let form = match format {
                Some(f) => ledger::check_destination_as(&to, f.form(), force)?,
                None => ledger::check_destination(&to, force)?,
            };
            let mut l = load(data.as_ref())?;
            if pseudonymize {
                let salt = export_salt(salt, salt_file.as_deref())?;
                let opts = dangjian::privacy::PseudonymizeOptions {
                    coarsen_birth_dates,
                    salt,
                };
                l = dangjian::privacy::pseudonymize(&l, &opts);
            }
            ledger::save_as(&l, &to, form)?;
            eprintln!("wrote {}", to.display());
        }
        Command::Split {
            data,
            by,
            to,
            format,
            force,
        } => split(data.as_ref(), by, &to, format.form(), force)?,
        Command::Init { path } => {
            if path.exists() {
                return Err(Failure {
                    code: 2,
                    message: format!(
                        "{} already exists; choose a new path so nothing is overwritten",
                        path.display()
                    ),
                });
            }
            ledger::save(&ledger::template(), &path)?;
            eprintln!(
                "wrote a ledger template to {}; fill it in, then `dangjian validate {}`",
                path.display(),
                path.display()
            );
        }
        Command::Generate {
            districts,
            seed,
            ids,
            to,
            force,
        } => {
            ledger::check_destination(&to, force)?;
            let spec = dangjian::synth::Spec {
                seed,
                ids,
                ..dangjian::synth::Spec::districts(districts as usize)
            };
            let l = dangjian::synth::generate(&spec);
            ledger::save(&l, &to)?;
            eprintln!(
                "wrote {} ({districts} district(s), seed {seed}, {ids} ids): {} units, {} orgs, {} people, {} activities",
                to.display(),
                l.units.len(),
                l.orgs.len(),
                l.people.len(),
                l.activities.len()
            );
        }
        Command::Report {
            q,
            format,
            summary,
            to,
        } => {
            let t = Phases::start();
            let l = load(q.data.as_ref())?;
            t.lap("load and validate");
            if summary {
                return emit(summary::summary(&l), to.as_deref());
            }
            let Some(format) = format.table() else {
                let page = html::page_text(&l, &q.query(), q.data.as_deref())
                    .map_err(|message| Failure { code: 2, message })?;
                emit(page.as_bytes(), to.as_deref())?;
                if to.is_some() {
                    eprintln!(
                        "the page is {} KB; open it in a browser, it needs no network",
                        page.len().div_ceil(1024)
                    );
                }
                return Ok(());
            };
            let engine = Engine::new(&l);
            t.lap("index (Engine::new)");
            let query = q.query();
            let ev = engine.evaluate(&query)?;
            t.lap("evaluate");
            let text = match format {
                Format::Json => dangjian::output::report_json(&ev)?,
                Format::Text => dashboard::text(&l, &engine, &query, &ev)?,
                Format::Csv | Format::Md => {
                    let defs = dashboard::defs(&l);
                    let rows = dashboard::named_rows(&defs, &ev);
                    render::table(&rows, format, &dashboard::names(&l)).map_err(|e| Failure {
                        code: 2,
                        message: e.to_string(),
                    })?
                }
            };
            emit(&text, to.as_deref())?;
            t.lap("output");
            // The process ends here: leave the memory to the OS rather than free a large
            // ledger piece by piece.
            std::mem::forget(engine);
            std::mem::forget(l);
        }
        Command::Partial { q, to, manifest } => {
            let quiet = QUIET.get().copied().unwrap_or(false);
            let found = q
                .data
                .as_deref()
                .and_then(|d| parts_cmd::manifest_of(d, manifest.as_deref()));
            match (q.data.as_deref(), found) {
                (Some(data), Some(m)) => {
                    let (l, shared, root) = parts_cmd::load_part(data, &m, quiet)?;
                    parts_cmd::partial(&l, &q.query(), &shared, Some(&root), &to)?;
                }
                _ => {
                    let l = load(q.data.as_ref())?;
                    parts_cmd::partial(&l, &q.query(), &Default::default(), None, &to)?;
                }
            }
        }
        Command::Merge {
            parts,
            as_of,
            from,
            scope,
            by,
            metrics,
            format,
            to,
        } => {
            let q = Query {
                as_of,
                from,
                scope: scope.map(dangjian::model::UnitId::new),
                by,
                metrics,
                ..Query::default()
            };
            let text = parts_cmd::merge(&parts, &q, format)?;
            emit(&text, to.as_deref())?;
        }
        Command::Catalogue { data, format, to } => {
            let defs = match &data {
                Some(_) => dangjian::metrics::catalogue_for(&load(data.as_ref())?),
                None => dangjian::metrics::catalogue()
                    .iter()
                    .map(dangjian::metrics::LedgerMetric::from_def)
                    .collect(),
            };
            let text = if format == Format::Text {
                use std::fmt::Write;
                let mut out = String::new();
                for d in &defs {
                    let _ = writeln!(
                        out,
                        "{:<28} {} / {}  [{}, {}]\n    {}",
                        d.id,
                        d.zh,
                        d.en,
                        d.kind.id(),
                        d.direction.id(),
                        d.definition
                    );
                }
                out
            } else if format == Format::Json {
                dangjian::output::catalogue_json(&defs)?
            } else {
                render::table(&defs, format, &Default::default()).map_err(|e| Failure {
                    code: 2,
                    message: e.to_string(),
                })?
            };
            emit(&text, to.as_deref())?;
        }
        Command::Tasks(a) => drill(Output::Tasks, &a)?,
        Command::Duties(a) => drill(Output::Duties, &a)?,
        Command::Coverage(a) => drill(Output::Coverage, &a)?,
        Command::Cadres(a) => drill(Output::Cadres, &a)?,
        Command::Stats {
            table,
            q,
            format,
            to,
        } => {
            use dangjian::stats::{self, StatsTable};
            let l = load(q.data.as_ref())?;
            let engine = Engine::new(&l);
            let t: StatsTable = table.parse()?;
            let xlsx = to.as_deref().is_some_and(|p| {
                p.extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
            });
            if format == Format::Json && !xlsx {
                // The columns of docs/STATS.md as they are, as the service answers them.
                let text = dangjian::output::stats_json(&engine, t, &q.query())?;
                return emit(&text, to.as_deref());
            }
            match t {
                StatsTable::EnterpriseOrgs => {
                    let rows = stats::enterprise_orgs(&engine, &q.query())?;
                    let header = engine.header(&q.query(), Output::EnterpriseOrgs)?;
                    stats_out(&l, &header, &rows, t, format, to.as_deref())?;
                }
                StatsTable::OrgLife => {
                    let rows = stats::org_life(&engine, &q.query())?;
                    let header = engine.header(&q.query(), Output::OrgLife)?;
                    stats_out(&l, &header, &rows, t, format, to.as_deref())?;
                }
            }
        }
        Command::Schema { name } => {
            let output = Output::from_id(&name)
                .ok_or_else(|| format!("`{name}` names no output; one of {}", Output::names()))?;
            emit(
                &dangjian::output::json_text(&dangjian::output::schema(output))?,
                None,
            )?;
        }
        Command::Serve {
            data,
            listen,
            tokens,
            no_auth,
            max_body,
            max_rows,
        } => {
            let opts = dangjian_serve::Options {
                data,
                listen,
                tokens,
                no_auth,
                limits: dangjian_serve::Limits { max_body, max_rows },
            };
            let server = dangjian_serve::Server::start(&opts)?;
            {
                use std::io::Write;
                let mut out = std::io::stdout();
                writeln!(out, "listening on http://{}", server.addr())?;
                out.flush()?;
            }
            server.wait();
        }
        Command::Token {
            command:
                TokenCommand::Add {
                    tokens,
                    name,
                    scope,
                    can,
                },
        } => {
            use dangjian_serve::tokens::{Right, Tokens};
            let can: Right = can.parse()?;
            let mut file = Tokens::read(&tokens)?;
            let token = file.add(&name, &scope, can)?;
            file.write(&tokens)?;
            println!("{token}");
            eprintln!(
                "token `{name}` ({}, scope {scope}) added to {}; it is shown only this once",
                can.id(),
                tokens.display()
            );
        }
        Command::Import {
            map,
            from,
            sheet,
            into,
            dry_run,
            all,
        } => import_cmd::import_rows(&map, &from, sheet, &into, dry_run, all)?,
    }
    Ok(())
}

/// `dangjian split`: cuts the ledger and writes the parts, the top and the manifest; one
/// line per ledger on standard output.
fn split(
    data: Option<&PathBuf>,
    by: UnitKind,
    to: &std::path::Path,
    form: ledger::Form,
    force: bool,
) -> Result<(), Failure> {
    use dangjian::ledger::parts;
    use dangjian::model::Table;
    // Before the work: a wrong destination is said at once.
    parts::check_destination(to, force)?;
    let l = load(data)?;
    let s = parts::split(&l, by)?;
    let m = s.write(to, form, force)?;
    let rows = |l: &Ledger| Table::ALL.iter().map(|t| l.len_of(*t)).sum::<usize>();
    let name = |p: &std::path::Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut out = format!(
        "{}: {} rows, {} people copied in\n",
        name(&m.top),
        rows(&s.top),
        s.top_copied_people
    );
    for (e, p) in m.parts.iter().zip(&s.parts) {
        out.push_str(&format!(
            "{}: {} rows, {} people copied in\n",
            name(&e.path),
            rows(&p.ledger),
            p.copied_people
        ));
    }
    emit(&out, None)?;
    eprintln!(
        "wrote {} parts, the top and {}; {} people and {} orgs are in more than one",
        s.parts.len(),
        to.join(parts::MANIFEST).display(),
        s.shared.people.len(),
        s.shared.orgs.len()
    );
    Ok(())
}

/// Phase timings on stderr when `DANGJIAN_TIMINGS` is set (for profiling large ledgers):
/// each phase's wall time, the CPU time of all threads in it (both cores busy shows as
/// twice the wall time) and the resident memory at its end.
struct Phases(Option<std::cell::Cell<(std::time::Instant, f64)>>);

impl Phases {
    fn start() -> Phases {
        Phases(
            std::env::var_os("DANGJIAN_TIMINGS").map(|_| {
                std::cell::Cell::new((std::time::Instant::now(), progress::cpu_seconds()))
            }),
        )
    }

    fn lap(&self, what: &str) {
        if let Some(t) = &self.0 {
            let (now, cpu) = (std::time::Instant::now(), progress::cpu_seconds());
            // Resident memory now, from /proc where there is one.
            let rss = std::fs::read_to_string("/proc/self/statm")
                .ok()
                .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
                .map(|pages| format!(", resident {} MiB", (pages * 4096) >> 20))
                .unwrap_or_default();
            let (then, cpu0) = t.get();
            eprintln!(
                "{what}: {:.3} s, cpu {:.2} s{rss}",
                (now - then).as_secs_f64(),
                cpu - cpu0
            );
            t.set((now, cpu));
        }
    }
}

/// Restores the default action of SIGPIPE, which Rust's runtime ignores: `dangjian duties |
/// head -1` then ends quietly when `head` closes the pipe, as other command-line tools do,
/// instead of panicking on the failed write. Not for `serve`: there a client hanging up
/// mid-answer would end the whole service; the failed write is that request's alone.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called in `main` before any other thread exists (parsing the arguments
    // starts none); it changes only the disposition of one signal.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve { .. }) {
        quiet_on_closed_pipe();
    }
    QUIET.get_or_init(|| cli.quiet);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("{}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}
