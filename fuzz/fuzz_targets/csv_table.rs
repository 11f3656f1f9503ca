//! Arbitrary bytes as the CSV file of an arbitrary table (the first byte picks the table),
//! next to a fixed valid `units.csv`, through the public CSV loader: it may refuse, never panic.
#![no_main]

use dangjian::model::Table;
use libfuzzer_sys::fuzz_target;

const UNITS: &[u8] = b"id,kind,name,parent\nd,district,\xe5\x8c\xba,\nv,village,\xe6\x9d\x91,d\n";

fuzz_target!(|data: &[u8]| {
    let Some((&pick, csv)) = data.split_first() else { return };
    let table = Table::ALL[pick as usize % Table::ALL.len()];
    let name = format!("{}.csv", table.name());
    let mut files: Vec<(String, &[u8])> = vec![(name, csv)];
    if table != Table::Units {
        files.push(("units.csv".into(), UNITS));
    }
    let _ = dangjian::ledger::from_csv_files(files);
});
