//! The SQLite form: a ledger in one database file (`.sqlite` or `.db`).
//!
//! One SQL table per ledger table, named and with columns as declared in the model
//! ([`Table::columns`]), then the table's `x_` columns as text; the schema is generated
//! from that declaration, never written per table. Cells are stored as every other form
//! saves them (`tables::encode`): dates as ISO text, lists `;`-joined, flags as 1 (empty
//! when false, as in CSV), whole numbers as `INTEGER`, other numbers as `REAL` (a float
//! read back is the same float). Beside them, `meta(key, value)` holds
//! `format = dangjian-ledger/1`, and `changes` the service's log of writes.
//!
//! Reading turns each table into raw text cells and sends them through the decoder and
//! validator every form shares, so a problem is worded as in the other forms and located
//! as `activities[id=a17].date` (or `progress[row=3].date` for a row without an id).
//!
//! A database is opened in WAL mode with a busy timeout: other processes keep reading
//! while one writes, and the file is never held exclusively. Every write is one
//! transaction (`BEGIN IMMEDIATE`, `synchronous=FULL`): all of it is stored, or none.
//! Values always go to SQLite as bound parameters; only identifiers (the declared names
//! and `x_` column names) are written into statements, quoted.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};
use serde::Serialize;

use super::decode::{Decoded, Interner, Part, Row, TableDecoder};
use super::json::FORMAT;
use super::problem::{Location, Problem, ProblemKind};
use super::raw::{clean, format_number, Origin, OutTable, RawRow, RowIds, Value};
use super::{tables, LedgerError, Loaded, ValidateOptions};
use crate::model::{ColumnType, Ledger, Table};

/// How long a statement waits for another connection's write lock before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The tables of a ledger database besides the ledger's own.
const META: &str = "meta";
const CHANGES: &str = "changes";

/// A ledger database, open: read it, append rows to it, replace it, read its change log.
///
/// ```
/// use dangjian::ledger::sqlite::{ChangeRecord, Db};
/// use dangjian::model::Table;
///
/// let path = std::env::temp_dir().join(format!("dangjian-db-{}.sqlite", std::process::id()));
/// dangjian::ledger::save(&dangjian::example(), &path).unwrap();
/// let mut db = Db::open(&path).unwrap();
/// assert_eq!(db.load().unwrap(), dangjian::example());
///
/// // One activity more, and the change that says who wrote it.
/// let mut rows = dangjian::ledger::template();
/// rows.activities.truncate(1);
/// let rows = dangjian::Ledger { activities: rows.activities, ..Default::default() };
/// let change = ChangeRecord {
///     time: "2019-07-01T09:00:00Z".into(),
///     token: "phone-7".into(),
///     kind: "append".into(),
///     table: Some(Table::Activities),
///     added: 1,
///     unchanged: 0,
/// };
/// let number = db.append(Table::Activities, &rows, &change).unwrap();
/// assert_eq!(number, 1);
/// let log = db.changes(0).unwrap();
/// assert_eq!((log[0].number, log[0].table.as_deref()), (1, Some("activities")));
/// # drop(db);
/// # std::fs::remove_file(&path).ok();
/// ```
#[derive(Debug)]
pub struct Db {
    conn: Connection,
    path: PathBuf,
}

/// A write to record in the change log (`changes`), given to [`Db::append`] and
/// [`Db::replace`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeRecord {
    /// When (the service's clock, as text: RFC 3339).
    pub time: String,
    /// The name of the token that wrote.
    pub token: String,
    /// The kind of request (`append`, `replace`...).
    pub kind: String,
    /// The table written, when one was.
    pub table: Option<Table>,
    /// Rows added.
    pub added: u64,
    /// Rows sent that were already stored.
    pub unchanged: u64,
}

/// A write stored in the change log, as [`Db::changes`] reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Its number: increasing, from 1.
    pub number: u64,
    /// When.
    pub time: String,
    /// The name of the token that wrote.
    pub token: String,
    /// The kind of request.
    pub kind: String,
    /// The table written, when one was.
    pub table: Option<String>,
    /// Rows added.
    pub added: u64,
    /// Rows sent that were already stored.
    pub unchanged: u64,
}

impl Db {
    /// Opens a ledger database: checks that it is one (a `meta` table with `format` =
    /// `dangjian-ledger/1`) before anything else, then puts it in WAL mode (unless it is
    /// read-only) and sets a busy timeout. The file must exist: [`crate::ledger::save`]
    /// creates one.
    pub fn open(path: &Path) -> Result<Db, LedgerError> {
        if !path.is_file() {
            let what = if path.exists() {
                "not a file: an SQLite ledger is one file"
            } else {
                "no such file"
            };
            return Err(LedgerError::io(
                path,
                std::io::Error::new(std::io::ErrorKind::NotFound, what),
            ));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| not_a_database(path, &e))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db_error(path))?;
        check_format(&conn, path)?;
        let readonly = conn.is_readonly("main").map_err(db_error(path))?;
        if !readonly {
            set_wal(&conn, path)?;
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db_error(path))?;
        Ok(Db {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The path the database was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads and validates the ledger, as [`crate::ledger::load`] does (the metrics
    /// targets name are not checked: [`Db::load_with`] with [`ValidateOptions::full`]
    /// checks them too). One read transaction: a write committed meanwhile is seen whole
    /// or not at all.
    pub fn load(&self) -> Result<Ledger, LedgerError> {
        self.load_with(&ValidateOptions::default())
            .map(|l| l.ledger)
    }

    /// Reads and validates the ledger with `opts`, and keeps its warnings.
    pub fn load_with(&self, opts: &ValidateOptions) -> Result<Loaded, LedgerError> {
        super::finish(self.decode()?, opts)
    }

    /// Reads every table into records and located problems, before validation.
    pub(crate) fn decode(&self) -> Result<Decoded, LedgerError> {
        let path = self.path.as_path();
        let tx = self.conn.unchecked_transaction().map_err(db_error(path))?;
        let decoded = read_tables(&tx, path)?;
        tx.finish().map_err(db_error(path))?;
        Ok(decoded)
    }

    /// Appends the records of table `table` of `rows` (its other tables are empty) and
    /// records `change`, in one transaction; returns the change's number. On any error
    /// nothing is stored. The rows are not validated here: the caller validates them
    /// against the ledger as it will be after the write. `x_` columns the table does not
    /// have yet are added to it.
    pub fn append(
        &mut self,
        table: Table,
        rows: &Ledger,
        change: &ChangeRecord,
    ) -> Result<u64, LedgerError> {
        let path = self.path.clone();
        if let Some(other) = Table::ALL
            .into_iter()
            .find(|&t| t != table && rows.len_of(t) > 0)
        {
            return Err(LedgerError::Database {
                path: path.display().to_string(),
                message: format!(
                    "an append to {table} was given {} rows of {other} too; nothing was written",
                    rows.len_of(other)
                ),
            });
        }
        let out = tables::encode_table(rows, table);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error(&path))?;
        let write = || -> Result<u64, LedgerError> {
            ensure_columns(&tx, &out, &path)?;
            insert_rows(&tx, &out, &path)?;
            insert_change(&tx, change, &path)
        };
        let number = write()?;
        tx.commit().map_err(db_error(&path))?;
        Ok(number)
    }

    /// Replaces the whole ledger with `ledger` and records `change`, in one transaction;
    /// returns the change's number. The change log and tables that are not a ledger's are
    /// kept. On any error nothing is stored.
    pub fn replace(&mut self, ledger: &Ledger, change: &ChangeRecord) -> Result<u64, LedgerError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error(&path))?;
        let write = || -> Result<u64, LedgerError> {
            for out in tables::encode(ledger) {
                let name = ident(out.table.name(), &path)?;
                tx.execute(&format!("DROP TABLE IF EXISTS {name}"), [])
                    .map_err(db_error(&path))?;
                create_table(&tx, &out, &path)?;
                insert_rows(&tx, &out, &path)?;
            }
            insert_change(&tx, change, &path)
        };
        let number = write()?;
        tx.commit().map_err(db_error(&path))?;
        Ok(number)
    }

    /// The change log after change number `after`, oldest first (`after` = 0: all of it).
    /// A database without a `changes` table (made by another program) has none.
    pub fn changes(&self, after: u64) -> Result<Vec<Change>, LedgerError> {
        let path = self.path.as_path();
        if !has_table(&self.conn, CHANGES).map_err(db_error(path))? {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare(
                "SELECT number, time, token, kind, table_name, added, unchanged \
                 FROM changes WHERE number > ?1 ORDER BY number",
            )
            .map_err(db_error(path))?;
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let mut rows = stmt.query([after]).map_err(db_error(path))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(db_error(path))? {
            let count = |i: usize| -> Result<u64, LedgerError> {
                let n: i64 = row.get(i).map_err(db_error(path))?;
                u64::try_from(n).map_err(|_| LedgerError::Database {
                    path: path.display().to_string(),
                    message: format!("the change log holds a negative count ({n})"),
                })
            };
            out.push(Change {
                number: count(0)?,
                time: row.get(1).map_err(db_error(path))?,
                token: row.get(2).map_err(db_error(path))?,
                kind: row.get(3).map_err(db_error(path))?,
                table: row.get(4).map_err(db_error(path))?,
                added: count(5)?,
                unchanged: count(6)?,
            });
        }
        Ok(out)
    }
}

/// The SQL that creates an empty ledger database: `meta`, `changes`, then one table per
/// ledger table with its declared columns, generated from the table declaration.
///
/// ```
/// let sql = dangjian::ledger::sqlite::schema();
/// assert!(sql.contains(r#"CREATE TABLE "progress" ("initiative" TEXT, "date" TEXT, "percent" REAL, "note" TEXT);"#));
/// ```
pub fn schema() -> String {
    let mut out = format!(
        "{};\n{};\n",
        create_meta_sql(),
        create_changes_sql("CREATE TABLE")
    );
    for table in Table::ALL {
        let header: Vec<String> = table.columns().iter().map(|c| c.name.into()).collect();
        // Declared names need no refusal: they are plain words.
        out.push_str(&create_table_sql(table, &header).unwrap_or_default());
        out.push_str(";\n");
    }
    out
}

fn create_meta_sql() -> &'static str {
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)"
}

fn create_changes_sql(create: &str) -> String {
    format!(
        "{create} changes (number INTEGER PRIMARY KEY, time TEXT, token TEXT, kind TEXT, \
         table_name TEXT, added INTEGER, unchanged INTEGER)"
    )
}

/// The SQL type of a declared column type: the cells as every form saves them.
fn sql_type(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Text | ColumnType::Date | ColumnType::TextList => "TEXT",
        ColumnType::Float => "REAL",
        ColumnType::Int | ColumnType::Bool => "INTEGER",
    }
}

/// The type of column `c` of a table's header: declared, or text for an `x_` column.
fn column_type(table: Table, c: usize) -> ColumnType {
    table
        .columns()
        .get(c)
        .map_or(ColumnType::Text, |col| col.ty)
}

/// `CREATE TABLE "t" ("c" TYPE, ...)` for a table with this header.
fn create_table_sql(table: Table, header: &[String]) -> Result<String, String> {
    let cols = header
        .iter()
        .enumerate()
        .map(|(c, name)| quote(name).map(|q| format!("{q} {}", sql_type(column_type(table, c)))))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(format!(
        "CREATE TABLE {} ({})",
        quote(table.name())?,
        cols.join(", ")
    ))
}

/// An identifier quoted for SQL (`"x_a""b"`); a name holding NUL cannot be one.
fn quote(name: &str) -> Result<String, String> {
    if name.contains('\0') {
        return Err(format!(
            "column name {name:?} holds a NUL character, which SQLite names cannot"
        ));
    }
    Ok(format!("\"{}\"", name.replace('"', "\"\"")))
}

fn ident(name: &str, path: &Path) -> Result<String, LedgerError> {
    quote(name).map_err(|message| LedgerError::Database {
        path: path.display().to_string(),
        message,
    })
}

fn create_table(conn: &Connection, out: &OutTable, path: &Path) -> Result<(), LedgerError> {
    let sql =
        create_table_sql(out.table, &out.header).map_err(|message| LedgerError::Database {
            path: path.display().to_string(),
            message,
        })?;
    conn.execute(&sql, []).map_err(db_error(path))?;
    Ok(())
}

/// Makes sure the table exists with every column of `out`'s header (the declared ones a
/// database made elsewhere may lack, and new `x_` columns).
fn ensure_columns(conn: &Connection, out: &OutTable, path: &Path) -> Result<(), LedgerError> {
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info(?1)")
        .map_err(db_error(path))?;
    let have: Vec<String> = stmt
        .query_map([out.table.name()], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(db_error(path))?;
    if have.is_empty() {
        return create_table(conn, out, path);
    }
    let table = ident(out.table.name(), path)?;
    for (c, name) in out.header.iter().enumerate() {
        if have.contains(name) {
            continue;
        }
        // SQLite's names are the same whatever their case: the cells would land in the other
        // column and read back under its name.
        if let Some(h) = have.iter().find(|h| h.eq_ignore_ascii_case(name)) {
            return Err(LedgerError::Database {
                path: path.display().to_string(),
                message: format!(
                    "column `{name}` of {} would be stored in its column `{h}` (SQLite \
                     names ignore case); rename one of them; nothing was written",
                    out.table
                ),
            });
        }
        let ty = sql_type(column_type(out.table, c));
        let col = ident(name, path)?;
        conn.execute(&format!("ALTER TABLE {table} ADD COLUMN {col} {ty}"), [])
            .map_err(db_error(path))?;
    }
    Ok(())
}

/// A saved cell as an SQL value of its column's type.
fn sql_value(v: &Value, ty: ColumnType) -> ToSqlOutput<'_> {
    /// Whole numbers a float holds exactly (2^53).
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let v = match v {
        Value::Text(s) => ValueRef::Text(s.as_bytes()),
        Value::Number(n) if ty == ColumnType::Int && n.fract() == 0.0 && n.abs() <= EXACT => {
            ValueRef::Integer(*n as i64)
        }
        Value::Number(n) => ValueRef::Real(*n),
        Value::Bool(b) => ValueRef::Integer(i64::from(*b)),
        Value::List(_) => return ToSqlOutput::from(v.to_text()),
    };
    ToSqlOutput::Borrowed(v)
}

fn insert_rows(conn: &Connection, out: &OutTable, path: &Path) -> Result<(), LedgerError> {
    if out.rows.is_empty() {
        return Ok(());
    }
    let cols = out
        .header
        .iter()
        .map(|h| ident(h, path))
        .collect::<Result<Vec<_>, _>>()?;
    let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        ident(out.table.name(), path)?,
        cols.join(", "),
        marks.join(", ")
    );
    let mut stmt = conn.prepare(&sql).map_err(db_error(path))?;
    let types: Vec<ColumnType> = (0..cols.len()).map(|c| column_type(out.table, c)).collect();
    for row in &out.rows {
        let values = row.iter().zip(&types).map(|(cell, &ty)| match cell {
            Some(v) => sql_value(v, ty),
            None => ToSqlOutput::Borrowed(ValueRef::Null),
        });
        stmt.execute(rusqlite::params_from_iter(values))
            .map_err(db_error(path))?;
    }
    Ok(())
}

fn insert_change(
    conn: &Connection,
    change: &ChangeRecord,
    path: &Path,
) -> Result<u64, LedgerError> {
    conn.execute(&create_changes_sql("CREATE TABLE IF NOT EXISTS"), [])
        .map_err(db_error(path))?;
    let count = |n: u64| {
        i64::try_from(n).map_err(|_| LedgerError::Database {
            path: path.display().to_string(),
            message: format!("{n} rows is more than the change log holds"),
        })
    };
    conn.execute(
        "INSERT INTO changes (time, token, kind, table_name, added, unchanged) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![
            change.time,
            change.token,
            change.kind,
            change.table.map(Table::name),
            count(change.added)?,
            count(change.unchanged)?,
        ],
    )
    .map_err(db_error(path))?;
    let number = conn.last_insert_rowid();
    u64::try_from(number).map_err(|_| LedgerError::Database {
        path: path.display().to_string(),
        message: format!("the change log numbered a change {number}"),
    })
}

/// Writes a whole ledger as a new database at `path`, atomically: into a temporary file
/// beside it, in one transaction, then renamed into place. A database still in use there
/// (its `-wal` file is present) is not replaced.
pub(crate) fn write_new(tables: &[OutTable], path: &Path) -> Result<(), LedgerError> {
    let wal = sidecar(path, "-wal");
    if wal.exists() {
        return Err(LedgerError::Database {
            path: path.display().to_string(),
            message: format!(
                "{} exists: the database is open in another process (or one stopped while \
                 writing); stop it, or open the ledger once (`dangjian validate`) to finish \
                 its writes, then write again",
                wal.display()
            ),
        });
    }
    let tmp = super::temp_beside(path)?;
    let written = write_file(tables, &tmp)
        .and_then(|()| std::fs::rename(&tmp, path).map_err(|e| LedgerError::io(path, e)));
    if written.is_err() {
        for p in [
            tmp.clone(),
            sidecar(&tmp, "-wal"),
            sidecar(&tmp, "-shm"),
            sidecar(&tmp, "-journal"),
        ] {
            let _ = std::fs::remove_file(p);
        }
    }
    written
}

/// `path` with a suffix after its name (`L.sqlite-wal`).
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Creates a database at `path` (replacing any file there) holding the ledger's tables.
fn write_file(tables: &[OutTable], path: &Path) -> Result<(), LedgerError> {
    // A temporary file left by a write that stopped is replaced, with its own logs.
    for p in [
        path.to_path_buf(),
        sidecar(path, "-wal"),
        sidecar(path, "-shm"),
        sidecar(path, "-journal"),
    ] {
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(LedgerError::io(&p, e)),
        }
    }
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(db_error(path))?;
    set_wal(&conn, path)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(db_error(path))?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db_error(path))?;
    tx.execute(create_meta_sql(), []).map_err(db_error(path))?;
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('format', ?1)",
        [FORMAT],
    )
    .map_err(db_error(path))?;
    tx.execute(&create_changes_sql("CREATE TABLE"), [])
        .map_err(db_error(path))?;
    for out in tables {
        create_table(&tx, out, path)?;
        insert_rows(&tx, out, path)?;
    }
    tx.commit().map_err(db_error(path))?;
    // Closing the last connection moves the write-ahead log into the file and removes it,
    // so the one file renamed into place is the whole database.
    conn.close().map_err(|(_, e)| db_error(path)(e))?;
    Ok(())
}

/// Puts the database in WAL mode (kept in the file: set once, it stays).
fn set_wal(conn: &Connection, path: &Path) -> Result<(), LedgerError> {
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(db_error(path))?;
    if mode.eq_ignore_ascii_case("wal") {
        Ok(())
    } else {
        Err(LedgerError::Database {
            path: path.display().to_string(),
            message: format!("the database stays in journal mode `{mode}`, not WAL"),
        })
    }
}

/// An SQLite error on a database that is a ledger.
fn db_error(path: &Path) -> impl Fn(rusqlite::Error) -> LedgerError + '_ {
    move |e| LedgerError::Database {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// An error opening or first reading a file: not a database at all, or another error.
fn not_a_database(path: &Path, e: &rusqlite::Error) -> LedgerError {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => LedgerError::NotALedgerDatabase {
            path: path.display().to_string(),
            message: "not an SQLite database (an SQLite ledger is a file written by \
                      `dangjian export --to L.sqlite` or `dangjian init L.sqlite`)"
                .into(),
        },
        _ => LedgerError::Database {
            path: path.display().to_string(),
            message: e.to_string(),
        },
    }
}

/// Whether the database has a table of this name.
fn has_table(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1)",
        [name],
        |r| r.get(0),
    )
}

/// Checks that the database is a ledger of this format version, reading only.
fn check_format(conn: &Connection, path: &Path) -> Result<(), LedgerError> {
    let not_ledger = |message: String| LedgerError::NotALedgerDatabase {
        path: path.display().to_string(),
        message,
    };
    let has_meta = has_table(conn, META).map_err(|e| not_a_database(path, &e))?;
    if !has_meta {
        return Err(not_ledger(format!(
            "an SQLite database, but not a dangjian ledger: it has no `meta` table saying \
             format = {FORMAT}"
        )));
    }
    let format: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'format'", [], |r| {
            Ok(text_of(r.get_ref(0)?).map(|(t, _)| t))
        })
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })
        .map_err(|e| not_ledger(format!("its `meta` table cannot be read: {e}")))?;
    match format {
        Some(f) if f == FORMAT => Ok(()),
        Some(f) => Err(not_ledger(format!(
            "a ledger of format `{}`; this dangjian reads {FORMAT}",
            super::problem::quoted(&f)
        ))),
        None => Err(not_ledger(format!(
            "its `meta` table has no `format`; a ledger's says format = {FORMAT}"
        ))),
    }
}

/// A cell as text, as the other forms would hold it (`None` when null), and whether it was
/// text: bytes that are not UTF-8 are read with U+FFFD in their place, and reported.
fn text_of(v: ValueRef<'_>) -> Option<(String, bool)> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(n) => Some((n.to_string(), true)),
        ValueRef::Real(f) => Some((format_number(f), true)),
        ValueRef::Text(b) | ValueRef::Blob(b) => Some(match std::str::from_utf8(b) {
            Ok(t) => (t.to_string(), true),
            Err(_) => (String::from_utf8_lossy(b).into_owned(), false),
        }),
    }
}

/// The ledger tables of the database, in the order of the declaration, and the problems of
/// the other tables (one that is not a ledger's).
fn ledger_tables(
    conn: &Connection,
    path: &Path,
) -> Result<(Vec<Table>, Vec<Problem>), LedgerError> {
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .map_err(db_error(path))?;
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(db_error(path))?;
    let mut problems = Vec::new();
    let mut found = Vec::new();
    for name in names {
        if name == META || name == CHANGES || name.starts_with("sqlite_") || name.starts_with("x_")
        {
            continue;
        }
        match Table::from_name(&name) {
            Some(t) => found.push(t),
            None => problems.push(Problem::new(
                ProblemKind::Format,
                Location::Sqlite {
                    table: name.clone(),
                    id: None,
                    row: None,
                    column: None,
                },
                format!(
                    "`{}` is not a ledger table; tables are {} (tables named x_... are kept \
                     aside, as are meta and changes)",
                    super::problem::quoted(&name),
                    Table::ALL.map(|t| t.name()).join(", ")
                ),
            )),
        }
    }
    // The order of the declaration, as the other forms read.
    found.sort();
    Ok((found, problems))
}

/// A chunk of rows holds about this much text, or this many rows, when it is decoded.
const CHUNK_BYTES: usize = 1 << 20;
const CHUNK_ROWS: usize = 16 * 1024;

/// Consecutive rows of one table as text cells, in one buffer: read from the database on
/// the reading thread, decoded on another, then reused for the next rows.
#[derive(Default)]
struct Chunk {
    /// The table's index among those read, and the chunk's among the table's.
    table: usize,
    seq: usize,
    /// The position (1-based row number) of the first row.
    first_pos: u64,
    width: usize,
    text: String,
    /// The end offset in `text` of each cell, `width` a row.
    ends: Vec<usize>,
}

impl Chunk {
    fn start(&mut self, table: usize, seq: usize, first_pos: u64, width: usize) {
        self.table = table;
        self.seq = seq;
        self.first_pos = first_pos;
        self.width = width;
        self.text.clear();
        self.ends.clear();
    }

    fn rows(&self) -> usize {
        self.ends.len().checked_div(self.width).unwrap_or(0)
    }

    fn row(&self, i: usize) -> ChunkRow<'_> {
        let cells = i * self.width..(i + 1) * self.width;
        ChunkRow {
            text: &self.text,
            start: cells.start.checked_sub(1).map_or(0, |c| self.ends[c]),
            ends: &self.ends[cells],
        }
    }

    fn full(&self) -> bool {
        self.text.len() >= CHUNK_BYTES || self.ends.len() >= CHUNK_ROWS * self.width.max(1)
    }
}

/// One row of a [`Chunk`].
struct ChunkRow<'a> {
    text: &'a str,
    /// Where its first cell starts.
    start: usize,
    ends: &'a [usize],
}

impl Row for ChunkRow<'_> {
    fn cell(&self, c: usize) -> Option<&str> {
        let end = *self.ends.get(c)?;
        let start = c.checked_sub(1).map_or(self.start, |p| self.ends[p]);
        self.text.get(start..end).filter(|s| !s.is_empty())
    }
}

/// A table's decoded chunks, put together in row order as they come in.
#[derive(Default)]
struct TableParts {
    /// The rows put together so far (the first chunk's part, grown).
    part: Option<Part>,
    /// The chunk that comes next, and those decoded before their turn.
    next: usize,
    waiting: std::collections::BTreeMap<usize, Part>,
    /// Emptied parts, with their room, to decode the next chunks into.
    spare: Vec<Part>,
}

impl TableParts {
    fn add(&mut self, seq: usize, part: Part) {
        self.waiting.insert(seq, part);
        while let Some(mut part) = self.waiting.remove(&self.next) {
            self.next += 1;
            match &mut self.part {
                None => self.part = Some(part),
                Some(all) => {
                    all.append(&mut part);
                    self.spare.push(part);
                }
            }
        }
    }
}

/// Reads the ledger tables of the database into records and located problems.
///
/// The rows are read on this thread (one connection, one read transaction), a chunk at a
/// time, and decoded as they come by the other threads; when they are all busy, this
/// thread decodes the chunk it read itself, and it helps them finish once every row is
/// read. A chunk's buffer is reused once decoded: the raw text of a table is never held
/// whole, only the ids of its rows (for locations).
fn read_tables(conn: &Connection, path: &Path) -> Result<Decoded, LedgerError> {
    let (found, problems) = ledger_tables(conn, path)?;
    let mut stmts = Vec::with_capacity(found.len());
    let mut headers = Vec::with_capacity(found.len());
    for &table in &found {
        let sql = format!(
            "SELECT * FROM {} ORDER BY rowid",
            ident(table.name(), path)?
        );
        let stmt = conn.prepare(&sql).map_err(db_error(path))?;
        headers.push(
            stmt.column_names()
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<String>>(),
        );
        stmts.push(stmt);
    }
    // The rows are decoded with no ids to name them by (whether another row has the same
    // id is known only once the whole table is read): their problems are given the ids of
    // their rows at the end.
    let unnamed = Origin::Sqlite {
        ids: Default::default(),
    };
    let decoding = Decoding {
        decoders: found
            .iter()
            .zip(&headers)
            .map(|(&table, header)| TableDecoder::new(table, &unnamed, header, 0))
            .collect(),
        assembly: found.iter().map(|_| Default::default()).collect(),
    };
    // This thread reads (and decodes when the others are busy): one core each.
    let helpers = rayon::current_num_threads().saturating_sub(1);
    let (work_tx, work_rx) = mpsc::sync_channel::<Chunk>(helpers);
    let work_rx = Mutex::new(work_rx);
    // The chunk buffers: the reader's, one a helper, and those waiting for a helper.
    let buffers = 2 * helpers + 1;
    let (free_tx, free_rx) = mpsc::sync_channel::<Chunk>(buffers);
    for _ in 0..buffers {
        let _ = free_tx.send(Chunk::default());
    }
    let mut reader = Reader {
        decoding: &decoding,
        ids_cache: Interner::default(),
        work: work_tx,
        chunk: free_rx.recv().unwrap_or_default(),
        free: free_rx,
        problems,
        ids: Vec::with_capacity(found.len()),
        path,
    };
    let read = std::thread::scope(|s| {
        for _ in 0..helpers {
            let free = free_tx.clone();
            let (decoding, work) = (&decoding, &work_rx);
            s.spawn(move || {
                let mut ids = Interner::default();
                while let Ok(chunk) = next_chunk(work) {
                    decoding.decode(&chunk, &mut ids);
                    let _ = free.send(chunk);
                }
            });
        }
        drop(free_tx);
        let read = stmts
            .iter_mut()
            .enumerate()
            .try_for_each(|(t, stmt)| reader.table(t, found[t], stmt, &headers[t]));
        let Reader {
            work,
            problems,
            ids,
            mut ids_cache,
            ..
        } = reader;
        // No more chunks: those sent are decoded by whichever thread is free.
        drop(work);
        while let Ok(chunk) = next_chunk(&work_rx) {
            decoding.decode(&chunk, &mut ids_cache);
        }
        read.map(|()| (problems, ids))
    });
    let (read_problems, ids) = read?;
    let mut out = Decoded {
        read_problems,
        ..Default::default()
    };
    for (t, (parts, ids)) in decoding.assembly.into_iter().zip(ids).enumerate() {
        let parts = parts.into_inner().unwrap_or_else(|e| e.into_inner());
        let ids = row_ids(ids);
        let mut part = parts.part.unwrap_or_else(|| decoding.decoders[t].part());
        for loc in part
            .problems
            .iter_mut()
            .map(|p| &mut p.location)
            .chain(part.pending.iter_mut().map(|p| &mut p.location))
        {
            if let Location::Sqlite {
                id: id @ None,
                row: Some(row),
                ..
            } = loc
            {
                *id = ids.name(*row).map(str::to_string);
            }
        }
        let origin = Origin::Sqlite { ids: Arc::new(ids) };
        TableDecoder::new(found[t], &origin, &headers[t], 0).finish(part, &mut out);
    }
    Ok(out)
}

fn next_chunk(work: &Mutex<mpsc::Receiver<Chunk>>) -> Result<Chunk, mpsc::RecvError> {
    work.lock().unwrap_or_else(|e| e.into_inner()).recv()
}

/// The ids of a table's rows, with those more than one row has.
fn row_ids(rows: RawRow) -> RowIds {
    let mut seen = super::validate::SeenIds::default();
    let twice = (0..rows.cell_count())
        .filter_map(|i| rows.cell(i))
        .map(clean)
        .filter(|id| !id.is_empty() && !seen.insert(id))
        .map(str::to_string)
        .collect();
    drop(seen);
    RowIds { rows, twice }
}

/// What every decoding thread shares: a decoder for each table read, and the decoded
/// chunks put together.
struct Decoding<'d> {
    decoders: Vec<TableDecoder<'d>>,
    assembly: Vec<Mutex<TableParts>>,
}

impl Decoding<'_> {
    /// Decodes a chunk (into a spare part of its table when there is one) and puts it in
    /// its place.
    fn decode(&self, chunk: &Chunk, ids: &mut Interner) {
        let lock = |t: usize| self.assembly[t].lock().unwrap_or_else(|e| e.into_inner());
        let dec = &self.decoders[chunk.table];
        let mut part = lock(chunk.table).spare.pop().unwrap_or_else(|| dec.part());
        for i in 0..chunk.rows() {
            dec.row(chunk.first_pos + i as u64, &chunk.row(i), &mut part, ids);
        }
        lock(chunk.table).add(chunk.seq, part);
    }
}

/// The reading side: reads each table's rows into chunks and sends them to be decoded.
struct Reader<'p, 'd> {
    decoding: &'p Decoding<'d>,
    /// The id cache of this thread, for the chunks it decodes.
    ids_cache: Interner,
    work: mpsc::SyncSender<Chunk>,
    free: mpsc::Receiver<Chunk>,
    /// The buffer to read the next rows into.
    chunk: Chunk,
    /// The problems of reading (a table that is not a ledger's, a cell that is not text),
    /// in reading order.
    problems: Vec<Problem>,
    /// The id of each row of each table read (none for a table without an `id` column).
    ids: Vec<RawRow>,
    path: &'p Path,
}

impl Reader<'_, '_> {
    /// Reads table `t` (`table`, with this header) from its statement.
    fn table(
        &mut self,
        t: usize,
        table: Table,
        stmt: &mut rusqlite::Statement<'_>,
        header: &[String],
    ) -> Result<(), LedgerError> {
        let path = self.path;
        let width = header.len();
        let id_col = header.iter().position(|h| h == "id");
        let mut ids = RawRow::default();
        let mut rows = stmt.query([]).map_err(db_error(path))?;
        let (mut pos, mut seq) = (0u64, 0usize);
        let mut chunk = std::mem::take(&mut self.chunk);
        chunk.start(t, seq, 1, width);
        let mut not_text = Vec::new();
        let mut digits = itoa::Buffer::new();
        while let Some(row) = rows.next().map_err(db_error(path))? {
            pos += 1;
            let mut id = None;
            for c in 0..width {
                let start = chunk.text.len();
                // The cell as the other forms hold it: a number as `format_number` writes it.
                let value = row.get_ref(c).map_err(db_error(path))?;
                match value {
                    ValueRef::Null => {}
                    ValueRef::Integer(n) => chunk.text.push_str(digits.format(n)),
                    ValueRef::Real(f) => {
                        let _ = write!(chunk.text, "{f}");
                    }
                    ValueRef::Text(b) | ValueRef::Blob(b) => match std::str::from_utf8(b) {
                        Ok(s) => chunk.text.push_str(s),
                        Err(_) => {
                            // Read with U+FFFD in place of the bytes, and reported.
                            chunk.text.push_str(&String::from_utf8_lossy(b));
                            not_text.push(c);
                        }
                    },
                }
                if id_col == Some(c) && value != ValueRef::Null {
                    id = Some(start..chunk.text.len());
                }
                chunk.ends.push(chunk.text.len());
            }
            let id = id.map(|r| &chunk.text[r]);
            for c in not_text.drain(..) {
                self.problems.push(Problem::new(
                    ProblemKind::Format,
                    Location::Sqlite {
                        table: table.name().to_string(),
                        id: id.map(str::to_string),
                        row: Some(pos),
                        column: Some(header[c].clone()),
                    },
                    format!(
                        "`{}` holds bytes that are not UTF-8 text; store text, a number or null",
                        header[c]
                    ),
                ));
            }
            if id_col.is_some() {
                ids.push(id);
            }
            if chunk.full() {
                chunk = self.hand_over(chunk);
                seq += 1;
                chunk.start(t, seq, pos + 1, width);
            }
        }
        self.chunk = self.hand_over(chunk);
        self.ids.push(ids);
        Ok(())
    }

    /// Sends a chunk to be decoded, or decodes it here when every other thread is busy;
    /// gives an empty buffer to read the next rows into.
    fn hand_over(&mut self, chunk: Chunk) -> Chunk {
        match self.work.try_send(chunk) {
            Ok(()) => self.free.recv().unwrap_or_default(),
            Err(mpsc::TrySendError::Full(chunk) | mpsc::TrySendError::Disconnected(chunk)) => {
                self.decoding.decode(&chunk, &mut self.ids_cache);
                chunk
            }
        }
    }
}

/// Reads the ledger database at `path` for [`crate::ledger::load`].
pub(crate) fn read_path(
    path: &Path,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<Decoded, LedgerError> {
    let db = Db::open(path)?;
    let decoded = db.decode()?;
    let n = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    progress("reading", n, n);
    Ok(decoded)
}

/// Whether the file at `path` is a ledger database this version reads: the reason it is
/// not, otherwise. Opens it read-only and changes nothing.
pub(crate) fn check_ledger_file(path: &Path) -> Result<(), LedgerError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| not_a_database(path, &e))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(db_error(path))?;
    check_format(&conn, path)
}
