//! `gen-ledger --preset city --to PATH [--seed N]`: writes a synthetic ledger (JSON for a
//! `.json` path, a CSV folder otherwise) and prints its row counts.

use std::process::ExitCode;
use std::time::Instant;

use dangjian_benches::{generate, summary};

const USAGE: &str = "usage: gen-ledger --preset tiny|example|district|districts-N|city|province --to PATH [--seed N]
  writes a deterministic synthetic ledger: JSON for a .json path, a CSV folder otherwise";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gen-ledger: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let (mut preset, mut to, mut seed) = (None, None, None);
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("`{name}` needs a value"));
        match a.as_str() {
            "--preset" => preset = Some(value("--preset")?),
            "--to" => to = Some(value("--to")?),
            "--seed" => {
                seed = Some(
                    value("--seed")?
                        .parse::<u64>()
                        .map_err(|e| format!("`--seed`: {e}"))?,
                )
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let name = preset.unwrap_or_else(|| "city".into());
    let mut spec =
        dangjian_benches::preset(&name).ok_or_else(|| format!("unknown preset `{name}`"))?;
    if let Some(s) = seed {
        spec.seed = s;
    }
    let to = to.ok_or("`--to PATH` is required")?;
    let t = Instant::now();
    let ledger = generate(&spec);
    let generated = t.elapsed();
    let t = Instant::now();
    dangjian::ledger::save(&ledger, &to).map_err(|e| e.to_string())?;
    eprintln!("{name} (seed {}): {}", spec.seed, summary(&ledger));
    eprintln!(
        "generated in {:.2?}, saved to {to} in {:.2?}",
        generated,
        t.elapsed()
    );
    Ok(())
}
