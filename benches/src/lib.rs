//! Synthetic ledgers for the dangjian benchmarks.
//!
//! The generator itself is [`dangjian::synth`] (also `dangjian generate`); this crate adds
//! the benchmarks' named presets on top of it:
//!
//! - `tiny`, `example` ([`Spec::tiny`], [`Spec::example_like`]): for tests and quick runs;
//! - `district` and `districts-N` ([`Spec::districts`]): N districts under a city, the scale
//!   of `dangjian generate --districts N` (the end-to-end comparison uses 20 and 100);
//! - `city` and `province` ([`city`], [`province`]): one district root with 40 and 400
//!   areas, the ledgers of the first benchmark runs recorded in `benches/README.md`, kept
//!   unchanged so those numbers stay comparable.
//!
//! ```
//! use dangjian_benches::{generate, preset};
//!
//! let ledger = generate(&preset("example").unwrap());
//! assert!(!ledger.validate().has_errors());
//! assert!(ledger.units.len() > 100);
//! ```
#![deny(missing_docs)]

pub use dangjian::synth::{generate, Spec};
use dangjian::Ledger;

/// A city as one district root: 40 areas, about 12k units, 8.8k orgs, 106k people and 334k
/// activities (10 times [`Spec::district`] in one tree; `districts-10` is the same scale
/// split into districts).
pub fn city() -> Spec {
    Spec {
        areas: 40,
        villages_per_area: 25,
        blocks_per_area: 2,
        roads_per_area: 12,
        enterprises: 10_000,
        people_per_org: 10,
        key_tasks: 400,
        ..Spec::example_like()
    }
}

/// A province as one district root: 400 areas, about 100k enterprises, 1M people and 3.4M
/// activities.
pub fn province() -> Spec {
    Spec {
        areas: 400,
        enterprises: 100_000,
        key_tasks: 4_000,
        ..city()
    }
}

/// The preset of that name: `tiny`, `example` (or `example_like`), `district`,
/// `districts-N` (N districts under a city), `city`, `province`.
pub fn preset(name: &str) -> Option<Spec> {
    match name {
        "tiny" => Some(Spec::tiny()),
        "example" | "example_like" | "example-like" => Some(Spec::example_like()),
        "district" => Some(Spec::district()),
        "city" => Some(city()),
        "province" => Some(province()),
        _ => name
            .strip_prefix("districts-")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n >= 1)
            .map(Spec::districts),
    }
}

/// Row counts of the tables, for reports: `units=…, orgs=…, …`.
pub fn summary(l: &Ledger) -> String {
    dangjian::model::Table::ALL
        .iter()
        .map(|t| format!("{}={}", t.name(), l.len_of(*t)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The command line of a benchmark binary: `--flag value` pairs.
pub struct Args(Vec<String>);

impl Args {
    /// This process's arguments.
    pub fn from_env() -> Args {
        Args(std::env::args().skip(1).collect())
    }

    /// The value after `flag`, if given.
    pub fn get(&self, flag: &str) -> Option<String> {
        self.0
            .iter()
            .position(|a| a == flag)
            .and_then(|i| self.0.get(i + 1))
            .cloned()
    }

    /// The value after `flag` as a `T`, or `default` when it is absent or does not parse.
    pub fn parsed<T: std::str::FromStr>(&self, flag: &str, default: T) -> T {
        self.get(flag)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }
}

/// The `q`-quantile (0 to 1, nearest rank) of some timings; zero when there are none.
pub fn quantile(v: &mut [std::time::Duration], q: f64) -> std::time::Duration {
    if v.is_empty() {
        return std::time::Duration::ZERO;
    }
    v.sort_unstable();
    v[((v.len() as f64 - 1.0) * q).round() as usize]
}
