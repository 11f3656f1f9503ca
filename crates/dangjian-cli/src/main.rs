//! `dangjian`: validate, export and report on party-building ledgers (台账).
//!
//! `--data` defaults to the embedded Chengxi New District example everywhere.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dangjian::ledger::{self, ValidateOptions};
use dangjian::Ledger;

mod summary;

#[derive(Parser)]
#[command(name = "dangjian", version, about = "党建 dangjian: party-building ledgers, validated and measured")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a ledger; prints every problem as `location: message` (exit 1 on errors).
    Validate {
        /// A CSV folder or a .json file (default: the embedded example).
        path: Option<PathBuf>,
        /// Evaluation date for the "dated after" warning (YYYY-MM-DD).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Write a ledger as JSON (a .json path) or as a CSV folder (any other path).
    Export {
        /// The ledger to read (default: the embedded example).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Where to write.
        #[arg(long)]
        to: PathBuf,
    },
    /// A readable summary of a ledger: records per table and programme, the date range.
    Report {
        /// The ledger to read (default: the embedded example).
        #[arg(long)]
        data: Option<PathBuf>,
    },
}

/// A failure with the exit code it deserves.
struct Failure {
    code: u8,
    message: String,
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure { code: 2, message: e.to_string() }
    }
}

fn load(data: Option<&PathBuf>) -> Result<Ledger, Failure> {
    match data {
        None => Ok(dangjian::example()),
        Some(p) => ledger::load(p).map_err(|e| match e.problems() {
            Some(problems) => Failure {
                code: 1,
                message: problems.0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"),
            },
            None => e.into(),
        }),
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Validate { path, as_of } => {
            let opts = ValidateOptions { as_of, ..Default::default() };
            let problems = match &path {
                Some(p) => ledger::check(p, &opts)?,
                None => dangjian::example().validate_as_of(as_of),
            };
            for p in &problems.0 {
                println!("{p}");
            }
            let errors = problems.errors().count();
            let warnings = problems.warnings().count();
            eprintln!("{errors} error(s), {warnings} warning(s)");
            if errors > 0 {
                return Err(Failure { code: 1, message: String::new() });
            }
        }
        Command::Export { data, to } => {
            let l = load(data.as_ref())?;
            ledger::save(&l, &to)?;
            eprintln!("wrote {}", to.display());
        }
        Command::Report { data } => {
            let l = load(data.as_ref())?;
            print!("{}", summary::summary(&l));
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
