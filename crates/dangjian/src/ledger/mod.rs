//! Reading, writing and validating the interchange forms of a ledger (`docs/LEDGER.md`).
//!
//! Every form reads into tables of text cells that remember where each cell came from; one
//! decoder and one validator serve all forms, so a problem is reported the same
//! way whatever the form, located as `file:line:column` (CSV), a JSON pointer (JSON),
//! `sheet!cell` (Excel), `table[id=...].column` (SQLite) or `file[row N].column`
//! (Parquet). A ledger with any error is never returned, not even in part.
//!
//! The form follows the path: `.json` is JSON, `.xlsx` an Excel workbook, `.sqlite` or
//! `.db` an SQLite database ([`sqlite`], which also opens one for a service: [`sqlite::Db`]),
//! a folder holding `<table>.parquet` files (or named `*.parquet`) a Parquet folder,
//! anything else a CSV folder. In memory: [`from_json_str`], [`from_xlsx_bytes`], [`from_csv_files`] and
//! [`to_json_string`], [`to_xlsx_bytes`], [`to_csv_files`]; [`tables`] gives every table
//! as cells, as they are saved. [`template()`] is an empty ledger to start from. The
//! reading and writing layers behind them (one per form) are the crate's own.
//!
//! The ledger checks all it knows on its own. Which metrics a target may name is the metric
//! catalogue's to say, a layer above, so that check is passed in
//! ([`ValidateOptions::metric_ids`]): the loaders here without options check what the
//! ledger knows; [`crate::load`], [`ValidateOptions::full`] and [`Ledger::validate`] check
//! everything.
//!
//! ```
//! let ledger = dangjian::example();
//! let dir = std::env::temp_dir().join(format!("dangjian-doc-{}", std::process::id()));
//! dangjian::ledger::save(&ledger, &dir).unwrap();          // a CSV folder
//! let again = dangjian::ledger::load(&dir).unwrap();
//! assert_eq!(again, ledger);
//! # std::fs::remove_dir_all(&dir).ok();
//! ```

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub(crate) mod csv_folder;
pub(crate) mod decode;
pub(crate) mod excel;
pub(crate) mod json;
pub(crate) mod parquet;
pub mod parts;
pub mod problem;
pub(crate) mod raw;
pub(crate) mod references;
pub mod sqlite;
pub(crate) mod tables;
pub mod template;
pub mod validate;

/// A declared column of a ledger table (declared with the model: [`crate::model::TableColumn`]).
pub use crate::model::TableColumn;
use decode::Decoded;
pub use problem::{Location, Problem, ProblemKind, Problems, Severity};
pub use raw::{OutTable, Value};
pub use tables::TypedTable;
pub use template::template;
pub use validate::{validate, MetricIds, ValidateOptions};

use crate::model::{self, Ledger};

/// What can go wrong reading or writing a ledger.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// The file system refused.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The ledger has errors; every problem is listed (errors and warnings).
    #[error("the ledger is not valid: {0}")]
    Invalid(Problems),
    /// A folder to write into already holds files that are not a ledger's.
    #[error(
        "{path} already holds files that are not a ledger's ({found}); writing there would mix \
         the ledger into them: choose an empty or new folder, or pass --force"
    )]
    NotALedgerFolder {
        /// The folder.
        path: String,
        /// The first few names found there.
        found: String,
    },
    /// An SQLite file that is not a ledger this version reads: not a database, no `meta`
    /// table, or another format version.
    #[error("{path}: {message}")]
    NotALedgerDatabase {
        /// The file.
        path: String,
        /// What it is instead.
        message: String,
    },
    /// A file to write a ledger over is not a ledger database of this version.
    #[error(
        "{path} is not a ledger ({message}); writing there would replace it: choose a new \
         file, or pass --force"
    )]
    NotALedgerFile {
        /// The file.
        path: String,
        /// What it is instead.
        message: String,
    },
    /// SQLite failed reading or writing a ledger database (a write that fails stores
    /// nothing).
    #[error("{path}: {message}")]
    Database {
        /// The file.
        path: String,
        /// What SQLite said.
        message: String,
    },
    /// The path names no form dangjian knows.
    #[error("{path}: {message}")]
    UnknownForm {
        /// The path.
        path: String,
        /// What forms are known.
        message: String,
    },
}

impl LedgerError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        LedgerError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    /// The located problems, when the ledger was invalid.
    pub fn problems(&self) -> Option<&Problems> {
        match self {
            LedgerError::Invalid(p) => Some(p),
            _ => None,
        }
    }
}

/// The interchange forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Form {
    /// A folder of `<table>.csv` files.
    CsvFolder,
    /// One JSON document.
    Json,
    /// One Excel workbook.
    Excel,
    /// One SQLite database (`.sqlite` or `.db`).
    Sqlite,
    /// A folder of `<table>.parquet` files.
    Parquet,
}

impl Form {
    /// The form a path names: `.json` is JSON, `.xlsx` is Excel, `.sqlite` and `.db` an
    /// SQLite database, `.parquet` or a folder that holds a `<table>.parquet` file (such as
    /// `units.parquet`) a Parquet folder, anything else (a folder) is a CSV folder.
    ///
    /// ```
    /// use dangjian::ledger::Form;
    /// use std::path::Path;
    /// assert_eq!(Form::of_path(Path::new("national.parquet")), Form::Parquet);
    /// assert_eq!(Form::of_path(Path::new("ledger.db")), Form::Sqlite);
    /// ```
    pub fn of_path(path: &Path) -> Form {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
        {
            Some(e) if e == "json" => Form::Json,
            Some(e) if e == "xlsx" => Form::Excel,
            Some(e) if e == "sqlite" || e == "db" => Form::Sqlite,
            Some(e) if e == "parquet" => Form::Parquet,
            _ if parquet::is_parquet_folder(path) => Form::Parquet,
            _ => Form::CsvFolder,
        }
    }

    /// The form's name, as `--format` takes it: `csv`, `json`, `xlsx`, `sqlite`, `parquet`.
    pub fn name(self) -> &'static str {
        match self {
            Form::CsvFolder => "csv",
            Form::Json => "json",
            Form::Excel => "xlsx",
            Form::Sqlite => "sqlite",
            Form::Parquet => "parquet",
        }
    }

    /// Whether the form is a folder of files, one per table (CSV, Parquet).
    pub fn is_folder(self) -> bool {
        matches!(self, Form::CsvFolder | Form::Parquet)
    }
}

/// What [`Form::for_writing`] says of a path that names no ledger form.
const FORMS: &str = "write to a .json file, an .xlsx workbook, an SQLite database (.sqlite \
                     or .db), a folder of Parquet files (--format parquet, or a path ending \
                     in .parquet), or a folder of CSV files (a path without an extension)";

impl Form {
    /// The form a ledger written to `path` takes: an existing folder is a Parquet folder
    /// when it holds Parquet tables or is named `*.parquet`, else a CSV folder (whatever
    /// its name), `.json` is JSON, `.xlsx` is Excel, `.sqlite` and `.db` an SQLite
    /// database, `.parquet` a Parquet folder, a path without an extension a new CSV folder. Any other extension is refused, naming the forms, so that `ledger.csv` or a
    /// typo such as `ledger.xslx` does not silently become a folder.
    ///
    /// ```
    /// use dangjian::ledger::Form;
    /// use std::path::Path;
    /// assert_eq!(Form::for_writing(Path::new("out.xlsx")).unwrap(), Form::Excel);
    /// let e = Form::for_writing(Path::new("ledger.xslx")).unwrap_err();
    /// assert!(e.to_string().starts_with("ledger.xslx: `.xslx` is not a ledger form"));
    /// ```
    pub fn for_writing(path: &Path) -> Result<Form, LedgerError> {
        if path.is_dir() {
            return Ok(match Form::of_path(path) {
                Form::Parquet => Form::Parquet,
                _ => Form::CsvFolder,
            });
        }
        match path.extension().and_then(|e| e.to_str()) {
            None => Ok(Form::CsvFolder),
            Some(_) if Form::of_path(path) != Form::CsvFolder => Ok(Form::of_path(path)),
            Some(e) => Err(LedgerError::UnknownForm {
                path: path.display().to_string(),
                message: format!("`.{e}` is not a ledger form; {FORMS}"),
            }),
        }
    }

    /// The form a ledger written to `path` takes when `--format` asks for `form`: a folder
    /// form (CSV, Parquet) for a path without an extension or an existing folder (or, for
    /// Parquet, a path ending in `.parquet`), a file form for a path with its extension.
    /// Another pairing is refused, saying what the path would be.
    ///
    /// ```
    /// use dangjian::ledger::Form;
    /// use std::path::Path;
    /// assert_eq!(Form::for_writing_as(Path::new("out"), Form::Parquet).unwrap(), Form::Parquet);
    /// let e = Form::for_writing_as(Path::new("out.json"), Form::Parquet).unwrap_err();
    /// assert!(e.to_string().contains("--format parquet"));
    /// ```
    pub fn for_writing_as(path: &Path, form: Form) -> Result<Form, LedgerError> {
        let named = if path.is_dir() || path.extension().is_none() {
            None
        } else {
            Some(Form::for_writing(path)?)
        };
        match named {
            None if form.is_folder() => Ok(form),
            Some(f) if f == form => Ok(form),
            _ => Err(LedgerError::UnknownForm {
                path: path.display().to_string(),
                message: match form.is_folder() {
                    true => format!(
                        "--format {} writes a folder; give a path without an extension{}",
                        form.name(),
                        if form == Form::Parquet {
                            " (or ending in .parquet)"
                        } else {
                            ""
                        }
                    ),
                    false => format!(
                        "--format {} writes one file; give a path ending in .{}",
                        form.name(),
                        form.name()
                    ),
                },
            }),
        }
    }
}

/// Checks a path before a ledger is written there by a command such as `export`: its form
/// ([`Form::for_writing`]), that an existing folder is empty or holds only a ledger's
/// files (`<table>.csv`, or `<table>.parquet` for a Parquet folder), and that an existing
/// `.sqlite`/`.db` file is a ledger database, unless `force`. Nothing is written.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("dangjian-dest-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("notes.txt"), "mine").unwrap();
/// let e = dangjian::ledger::check_destination(&dir, false).unwrap_err();
/// assert!(e.to_string().contains("already holds files that are not a ledger's (notes.txt)"));
/// assert!(dangjian::ledger::check_destination(&dir, true).is_ok());
/// # std::fs::remove_dir_all(&dir).ok();
/// ```
pub fn check_destination(path: &Path, force: bool) -> Result<Form, LedgerError> {
    check_destination_as(path, Form::for_writing(path)?, force)
}

/// Like [`check_destination`], for a ledger written in `form` (`--format`).
pub fn check_destination_as(path: &Path, form: Form, force: bool) -> Result<Form, LedgerError> {
    let form = Form::for_writing_as(path, form)?;
    if form == Form::Sqlite && !force && path.exists() {
        return match sqlite::check_ledger_file(path) {
            Ok(()) => Ok(form),
            Err(LedgerError::NotALedgerDatabase { message, .. }) => {
                Err(LedgerError::NotALedgerFile {
                    path: path.display().to_string(),
                    message,
                })
            }
            Err(e) => Err(e),
        };
    }
    if !form.is_folder() || force || !path.is_dir() {
        return Ok(form);
    }
    let suffix = match form {
        Form::Parquet => ".parquet",
        _ => ".csv",
    };
    let entries = std::fs::read_dir(path).map_err(|e| LedgerError::io(path, e))?;
    let mut strangers: Vec<String> = Vec::new();
    for entry in entries {
        let name = entry
            .map_err(|e| LedgerError::io(path, e))?
            .file_name()
            .to_string_lossy()
            .into_owned();
        let ledger_file = name
            .strip_suffix(suffix)
            .is_some_and(|t| model::Table::from_name(t).is_some());
        if !ledger_file {
            strangers.push(name);
        }
    }
    if strangers.is_empty() {
        return Ok(form);
    }
    strangers.sort();
    let more = strangers.len().saturating_sub(3);
    strangers.truncate(3);
    let mut found = strangers.join(", ");
    if more > 0 {
        found.push_str(&format!(" and {more} more"));
    }
    Err(LedgerError::NotALedgerFolder {
        path: path.display().to_string(),
        found,
    })
}

/// A ledger that loaded, with its warnings.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The ledger.
    pub ledger: Ledger,
    /// Suspicious but legal data.
    pub warnings: Vec<Problem>,
}

/// Loads a ledger from a CSV folder, a `.json` file, an `.xlsx` workbook or an SQLite
/// database (`.sqlite`, `.db`); every error is reported at once. The metrics targets name are not checked: [`crate::load`] checks them
/// too.
pub fn load(path: impl AsRef<Path>) -> Result<Ledger, LedgerError> {
    load_with(path, &ValidateOptions::default()).map(|l| l.ledger)
}

/// Loads a ledger and keeps its warnings; `opts.as_of` sets the evaluation date for the
/// "dated after the evaluation date" warning.
pub fn load_with(path: impl AsRef<Path>, opts: &ValidateOptions) -> Result<Loaded, LedgerError> {
    load_with_progress(path, opts, &|_, _, _| {})
}

/// Like [`load_with`], telling `progress(stage, done, total)` how far it has come: the
/// stage `"reading"` with the bytes read of all there are (a CSV folder reports as it
/// goes, other forms once), then `"validating"` with 0 of 1 and 1 of 1. Called from
/// worker threads, often enough to drive a progress bar and no more than once per block
/// of a few megabytes.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// let dir = std::env::temp_dir().join(format!("dangjian-progress-{}", std::process::id()));
/// dangjian::ledger::save(&dangjian::example(), &dir).unwrap();
/// let read = AtomicU64::new(0);
/// let loaded = dangjian::ledger::load_with_progress(&dir, &Default::default(), &|stage, done, _total| {
///     if stage == "reading" {
///         read.store(done, Ordering::Relaxed);
///     }
/// })
/// .unwrap();
/// assert!(read.load(Ordering::Relaxed) > 0);
/// # std::fs::remove_dir_all(&dir).ok();
/// ```
pub fn load_with_progress(
    path: impl AsRef<Path>,
    opts: &ValidateOptions,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<Loaded, LedgerError> {
    let decoded = read(path.as_ref(), progress)?;
    progress("validating", 0, 1);
    let loaded = finish(decoded, opts);
    progress("validating", 1, 1);
    loaded
}

/// Bytes read so far of all there are, told to a progress callback.
pub(crate) struct Progress<'a> {
    report: &'a (dyn Fn(&str, u64, u64) + Sync),
    /// Held while reporting: threads that add at once report in the order they added, so
    /// the callback sees `done` grow and its last report is the total.
    done: std::sync::Mutex<u64>,
    total: u64,
}

impl Progress<'_> {
    pub(crate) fn add(&self, bytes: u64) {
        // A panic in another report leaves the count right: keep counting.
        let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
        *done += bytes;
        (self.report)("reading", (*done).min(self.total), self.total);
    }
}

/// Loads a ledger from JSON text (the default options, as [`load`]).
pub fn from_json_str(text: &str) -> Result<Ledger, LedgerError> {
    let (tables, problems) =
        json::parse_json(text).map_err(|p| LedgerError::Invalid(Problems(p)))?;
    finish(
        tables::decode(tables, problems),
        &ValidateOptions::default(),
    )
    .map(|l| l.ledger)
}

/// Loads a ledger from JSON text and keeps its warnings (`opts` as for [`load_with`]).
pub fn from_json_str_with(text: &str, opts: &ValidateOptions) -> Result<Loaded, LedgerError> {
    let (tables, problems) =
        json::parse_json(text).map_err(|p| LedgerError::Invalid(Problems(p)))?;
    finish(tables::decode(tables, problems), opts)
}

/// Loads a ledger from the bytes of an `.xlsx` workbook: one sheet per table, the header
/// in the first non-empty row (a title banner above it, merged header cells, date cells,
/// numbers stored as text and trailing empty rows and columns are handled).
pub fn from_xlsx_bytes(bytes: &[u8]) -> Result<Ledger, LedgerError> {
    let (tables, problems) = excel::parse_xlsx("workbook", bytes)
        .map_err(|p| LedgerError::Invalid(Problems(vec![p])))?;
    finish(
        tables::decode(tables, problems),
        &ValidateOptions::default(),
    )
    .map(|l| l.ledger)
}

/// Loads a ledger from the files of a CSV folder held in memory: `(file name, bytes)` pairs
/// such as `("units.csv", b"id,kind,name\n...")`; each file UTF-8 or GB18030 (detected).
/// Names that do not end in `.csv` are ignored, as in a folder.
pub fn from_csv_files<N: AsRef<str>, B: AsRef<[u8]>>(
    files: impl IntoIterator<Item = (N, B)>,
) -> Result<Ledger, LedgerError> {
    finish(csv_folder::read_files(files), &ValidateOptions::default()).map(|l| l.ledger)
}

/// Loads a ledger from raw tables (the embedded example).
pub(crate) fn from_raw(
    tables: Vec<raw::RawTable>,
    opts: &ValidateOptions,
) -> Result<Loaded, LedgerError> {
    finish(tables::decode(tables, Vec::new()), opts)
}

fn read(path: &Path, progress: &(dyn Fn(&str, u64, u64) + Sync)) -> Result<Decoded, LedgerError> {
    if !path.exists() {
        return Err(LedgerError::io(
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
        ));
    }
    match Form::of_path(path) {
        Form::Json => {
            let bytes = std::fs::read(path).map_err(|e| LedgerError::io(path, e))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                LedgerError::Invalid(Problems(vec![Problem::new(
                    ProblemKind::Format,
                    Location::File {
                        path: path.display().to_string(),
                    },
                    "a JSON ledger must be UTF-8",
                )]))
            })?;
            let read = match json::parse_json(&text) {
                Ok((t, p)) => Ok(tables::decode(t, p)),
                // A document that is not JSON (or not an object) is located at the file.
                Err(p) => Err(LedgerError::Invalid(Problems(
                    p.into_iter()
                        .map(|mut p| {
                            if matches!(&p.location, Location::Json { pointer } if pointer.is_empty()) {
                                p.location = Location::File {
                                    path: path.display().to_string(),
                                };
                            }
                            p
                        })
                        .collect(),
                ))),
            };
            let n = text.len() as u64;
            progress("reading", n, n);
            read
        }
        Form::Excel => {
            let bytes = std::fs::read(path).map_err(|e| LedgerError::io(path, e))?;
            let read = excel::parse_xlsx(&path.display().to_string(), &bytes)
                .map(|(t, p)| tables::decode(t, p))
                .map_err(|p| LedgerError::Invalid(Problems(vec![p])));
            let n = bytes.len() as u64;
            progress("reading", n, n);
            read
        }
        Form::Sqlite => sqlite::read_path(path, progress),
        Form::Parquet if path.is_dir() => parquet::read_folder(path, progress),
        Form::Parquet => Err(LedgerError::UnknownForm {
            path: path.display().to_string(),
            message: "a Parquet ledger is a folder of Parquet files, one per table \
                      (units.parquet, orgs.parquet...), not one file"
                .into(),
        }),
        Form::CsvFolder if path.is_dir() => csv_folder::read_folder(path, progress),
        Form::CsvFolder => Err(LedgerError::UnknownForm {
            path: path.display().to_string(),
            message: "a ledger is a folder of CSV or Parquet files, a .json file, an .xlsx \
                      workbook or an SQLite database (.sqlite, .db)"
                .into(),
        }),
    }
}

/// Decodes, validates and either returns the whole ledger or every problem.
fn finish(decoded: Decoded, opts: &ValidateOptions) -> Result<Loaded, LedgerError> {
    let mut problems = decoded.read_problems;
    problems.extend(decoded.problems);
    let mut vopts = opts.clone();
    vopts.failed_ids.extend(decoded.failed_ids);
    let semantic = validate::validate_with(&decoded.ledger, &vopts, &decoded.pending);
    problems.extend(semantic.into_iter().map(|p| Problem {
        location: decoded.sources.locate(p.location.clone()),
        message: decoded.sources.locate_message(&p.message),
        ..p
    }));
    problems.sort_by_key(|p| p.severity);
    if problems.iter().any(Problem::is_error) {
        return Err(LedgerError::Invalid(Problems(problems)));
    }
    Ok(Loaded {
        ledger: decoded.ledger,
        warnings: problems,
    })
}

/// Reads a date given outside a ledger (a command-line option, a Python argument) in every
/// spelling a ledger cell accepts: `2019-07-31`, `2019/7/31`, `2019.7.31`, `2019年7月31日`.
/// The error is worded as the ledger's own.
///
/// ```
/// use chrono::NaiveDate;
/// let d = NaiveDate::from_ymd_opt(2019, 7, 31).unwrap();
/// assert_eq!(dangjian::ledger::parse_date("2019/7/31"), Ok(d));
/// assert_eq!(
///     dangjian::ledger::parse_date("2019-13-01").unwrap_err(),
///     "`2019-13-01` is not a date; write YYYY-MM-DD (or YYYY/M/D, YYYY.M.D, YYYY年M月D日)"
/// );
/// ```
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let s = raw::clean(text);
    raw::parse_date(s, raw::DateStyle::Lenient).ok_or_else(|| {
        format!("`{s}` is not a date; write YYYY-MM-DD (or YYYY/M/D, YYYY.M.D, YYYY年M月D日)")
    })
}

/// Every problem of a ledger at `path` (errors and warnings), without failing on them.
pub fn check(path: impl AsRef<Path>, opts: &ValidateOptions) -> Result<Problems, LedgerError> {
    match load_with(path, opts) {
        Ok(l) => Ok(Problems(l.warnings)),
        Err(LedgerError::Invalid(p)) => Ok(p),
        Err(e) => Err(e),
    }
}

/// Saves a ledger: a `.json` path writes JSON, an `.xlsx` path an Excel workbook, a
/// `.sqlite` or `.db` path an SQLite database, a `.parquet` path or a folder of Parquet
/// tables a Parquet folder, any other path a CSV folder. Files are
/// written atomically (a temporary file renamed into place; a database in one transaction
/// into a new file, and not over a database another process has open).
/// Saving to Excel fails, writing nothing, when a cell or a table is larger than Excel
/// holds (32,767 characters, 1,048,575 rows); the problems say where.
pub fn save(ledger: &Ledger, path: impl AsRef<Path>) -> Result<(), LedgerError> {
    let path = path.as_ref();
    save_as(ledger, path, Form::for_writing(path)?)
}

/// Saves a ledger in `form` (`export --format`): as [`save`], the path checked against the
/// form ([`Form::for_writing_as`]). A Parquet folder has one `<table>.parquet` file per
/// table, each column typed (`docs/LEDGER.md`).
///
/// ```
/// use dangjian::ledger::Form;
/// let dir = std::env::temp_dir().join(format!("dangjian-parquet-doc-{}", std::process::id()));
/// dangjian::ledger::save_as(&dangjian::example(), &dir, Form::Parquet).unwrap();
/// assert!(dir.join("activities.parquet").is_file());
/// assert_eq!(dangjian::ledger::load(&dir).unwrap(), dangjian::example());
/// # std::fs::remove_dir_all(&dir).ok();
/// ```
pub fn save_as(ledger: &Ledger, path: impl AsRef<Path>, form: Form) -> Result<(), LedgerError> {
    let path = path.as_ref();
    let form = Form::for_writing_as(path, form)?;
    if form == Form::Parquet {
        return parquet::write_folder(ledger, path);
    }
    let tables = tables::encode(ledger);
    match form {
        Form::Json => write_atomically(path, json::render_json(&tables).as_bytes()),
        Form::Excel => {
            let bytes =
                excel::render_xlsx(&tables).map_err(|p| LedgerError::Invalid(Problems(p)))?;
            write_atomically(path, &bytes)
        }
        Form::Sqlite => sqlite::write_new(&tables, path),
        Form::CsvFolder => csv_folder::write_folder(&tables, path),
        Form::Parquet => parquet::write_folder(ledger, path),
    }
}

/// Every table of a ledger as cells, as they are saved (ISO dates, `;`-separated lists,
/// whole numbers without a decimal point, `x_` columns after the others), in the order of
/// `docs/LEDGER.md`; a table with no rows is there with its header.
///
/// ```
/// let tables = dangjian::ledger::tables(&dangjian::example());
/// assert_eq!(tables[0].table.name(), "units");
/// assert_eq!(tables[0].header[..3], ["id", "kind", "name"]);
/// ```
pub fn tables(ledger: &Ledger) -> Vec<OutTable> {
    tables::encode(ledger)
}

/// One table of a ledger as cells, as it is saved (see [`tables`]).
///
/// ```
/// use dangjian::model::Table;
/// let orgs = dangjian::ledger::table(&dangjian::example(), Table::Orgs);
/// let declared: Vec<&str> = Table::Orgs.columns().iter().map(|c| c.name).collect();
/// assert_eq!(orgs.header[..declared.len()], declared[..]); // then any `x_` columns
/// ```
pub fn table(ledger: &Ledger, table: model::Table) -> OutTable {
    tables::encode_table(ledger, table)
}

/// One table of a ledger with typed cells, straight from its records: each declared column
/// typed as declared ([`model::Table::columns`]: dates as dates, counts as whole numbers,
/// lists as lists), then the `x_` columns as text; an empty table has the same columns and
/// types as a full one. The same cells as [`table`], without a round trip through text.
///
/// ```
/// use dangjian::model::Table;
/// use dangjian::rows::{Cell, ColumnType};
/// let ledger = dangjian::example();
/// let orgs = dangjian::ledger::typed_table(&ledger, Table::Orgs);
/// assert_eq!((orgs.header[5].as_str(), orgs.types[5]), ("established", ColumnType::Date));
/// assert!(matches!(orgs.rows[0][5], Cell::Date(_)));
/// ```
pub fn typed_table(ledger: &Ledger, table: model::Table) -> TypedTable<'_> {
    tables::typed_table(ledger, table)
}

/// The CSV form of a ledger in memory: `(file name, UTF-8 text)` pairs such as
/// `("units.csv", "id,kind,name...")`, one per table, as [`save`] writes a folder; the
/// reverse of [`from_csv_files`].
///
/// ```
/// let files = dangjian::ledger::to_csv_files(&dangjian::example());
/// assert_eq!(files[0].0, "units.csv");
/// assert_eq!(dangjian::ledger::from_csv_files(files).unwrap(), dangjian::example());
/// ```
pub fn to_csv_files(ledger: &Ledger) -> Vec<(String, String)> {
    tables::encode(ledger)
        .iter()
        .map(|t| {
            // Writing CSV into memory cannot fail.
            let text = csv_folder::render_csv(t).unwrap_or_default();
            (format!("{}.csv", t.table), text)
        })
        .collect()
}

/// The JSON form of a ledger as text.
pub fn to_json_string(ledger: &Ledger) -> String {
    json::render_json(&tables::encode(ledger))
}

/// The Excel form of a ledger as the bytes of an `.xlsx` workbook.
pub fn to_xlsx_bytes(ledger: &Ledger) -> Result<Vec<u8>, LedgerError> {
    excel::render_xlsx(&tables::encode(ledger)).map_err(|p| LedgerError::Invalid(Problems(p)))
}

/// A temporary file's path beside `path` (its folder made when missing), to write and then
/// rename into place, so that a reader never sees half a file.
pub(crate) fn temp_beside(path: &Path) -> Result<PathBuf, LedgerError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| LedgerError::io(&dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "ledger".into());
    Ok(dir.join(format!(".{name}.tmp{}", std::process::id())))
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into place, so a
/// reader never sees half a file.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), LedgerError> {
    let tmp = temp_beside(path)?;
    std::fs::write(&tmp, bytes).map_err(|e| LedgerError::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        LedgerError::io(path, e)
    })
}
