//! A progress bar on stderr for loads that take more than a second.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use dangjian::ledger::{self, LedgerError, Loaded, ValidateOptions};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a load runs before its bar appears.
const AFTER: Duration = Duration::from_secs(1);

/// Loads a ledger with a bar on stderr, unless `quiet` or stderr is not a terminal (the
/// bar draws nothing then) or the load is over within a second.
pub fn load(path: &Path, opts: &ValidateOptions, quiet: bool) -> Result<Loaded, LedgerError> {
    if quiet {
        return ledger::load_with(path, opts);
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
    let style = ProgressStyle::with_template("{msg:>10} [{bar:40}] {bytes}/{total_bytes} {eta}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    let start = Instant::now();
    let shown = AtomicBool::new(false);
    let loaded = ledger::load_with_progress(path, opts, &|stage, done, total| {
        if !shown.load(Ordering::Relaxed) && start.elapsed() >= AFTER {
            shown.store(true, Ordering::Relaxed);
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        bar.set_message(match stage {
            "reading" => "reading",
            _ => "validating",
        });
        if stage == "reading" {
            bar.set_length(total);
            bar.set_position(done);
        } else if done == 0 && std::env::var_os("DANGJIAN_TIMINGS").is_some() {
            // The load's two phases apart, for profiling (`DANGJIAN_TIMINGS`).
            eprintln!(
                "  read and decode: {:.3} s, cpu {:.2} s",
                start.elapsed().as_secs_f64(),
                cpu_seconds()
            );
        }
    });
    bar.finish_and_clear();
    loaded
}

/// The CPU time (user and system, all threads) this process has used so far, from
/// `/proc/self/stat` where there is one (0 elsewhere): for `DANGJIAN_TIMINGS`.
pub fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses and may hold spaces):
    // utime and stime are the 12th and 13th, in clock ticks (100 a second on Linux).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: u64 = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}
