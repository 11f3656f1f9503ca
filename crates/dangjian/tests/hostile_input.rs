//! Fuzz smoke on stable Rust: thousands of random and mutated inputs through the public
//! loaders of every form. Each may be refused; none may panic. (The cargo-fuzz targets in
//! `fuzz/` search further with coverage guidance on nightly.)

use dangjian::ledger;
use dangjian::model::Table;
use proptest::prelude::*;
use rust_xlsxwriter::{Format, Workbook};

/// Characters that stress the readers: separators, quotes, line ends, BOMs, full-width
/// punctuation, date and list spellings, digits and signs.
const ALPHABET: &[&str] = &[
    ",",
    "\"",
    "\n",
    "\r",
    ";",
    "；",
    "，",
    "\u{3000}",
    "\u{feff}",
    " ",
    "x_",
    "年",
    "月",
    "日",
    "/",
    ".",
    "-",
    "+",
    "e",
    "0",
    "1",
    "9",
    "(",
    ")",
    "*",
    "是",
    "否",
    "true",
    "id",
    "d",
    "v",
    "2019-07-01",
    "2019/7/1",
    "district",
    "village",
    "branch",
    "role:road_chief",
    "3d",
    "1m",
    "\u{0}",
    "\u{fffd}",
    "🙂",
    "城西",
];

fn template_csvs() -> Vec<(Table, String)> {
    ledger::to_csv_files(&ledger::template())
        .into_iter()
        .map(|(name, text)| {
            let table = Table::from_name(name.trim_end_matches(".csv")).unwrap();
            (table, text)
        })
        .collect()
}

fn mutate(bytes: &[u8], edits: &[(u8, usize, Vec<u8>)]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for (op, at, piece) in edits {
        let at = if out.is_empty() {
            0
        } else {
            at % (out.len() + 1)
        };
        match op % 5 {
            0 => out.splice(at..at, piece.iter().copied()).for_each(drop),
            1 => {
                let end = (at + piece.len()).min(out.len());
                out.drain(at..end);
            }
            2 => {
                if let Some(b) = out.get_mut(at) {
                    *b ^= piece.first().copied().unwrap_or(0xff);
                }
            }
            3 => out.truncate(at),
            _ => {
                // Repeat a slice: duplicated lines, rows, XML elements.
                let end = (at + piece.len() * 8).min(out.len());
                let slice = out[at..end].to_vec();
                out.splice(at..at, slice).for_each(drop);
            }
        }
    }
    out
}

fn edits() -> impl Strategy<Value = Vec<(u8, usize, Vec<u8>)>> {
    let piece = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..8),
        proptest::collection::vec(proptest::sample::select(ALPHABET), 1..6)
            .prop_map(|v| v.concat().into_bytes()),
    ];
    proptest::collection::vec((any::<u8>(), any::<usize>(), piece), 1..6)
}

fn hostile_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(ALPHABET), 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_as_any_table_csv_never_panic(pick in 0usize..13, bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let name = format!("{}.csv", Table::ALL[pick].name());
        let _ = ledger::from_csv_files([(name, bytes)]);
    }

    #[test]
    fn mutated_template_csv_never_panics(pick in 0usize..13, e in edits()) {
        let files: Vec<(String, Vec<u8>)> = template_csvs()
            .into_iter()
            .enumerate()
            .map(|(i, (t, text))| {
                let bytes = if i == pick { mutate(text.as_bytes(), &e) } else { text.into_bytes() };
                (format!("{t}.csv"), bytes)
            })
            .collect();
        let _ = ledger::from_csv_files(files);
    }

    #[test]
    fn mutated_gb18030_csv_never_panics(e in edits()) {
        let (bytes, _, _) = encoding_rs::GB18030.encode("id,kind,name,parent\nd,district,城西新区,\nv,village,上谢村,d\n");
        let _ = ledger::from_csv_files([("units.csv", mutate(&bytes, &e))]);
    }

    #[test]
    fn hostile_cells_under_a_valid_header_never_panic(pick in 0usize..13, rows in proptest::collection::vec(proptest::collection::vec(hostile_text(), 0..12), 0..6)) {
        let table = Table::ALL[pick];
        let header: Vec<&str> = table.columns().iter().map(|c| c.name).collect();
        let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
        w.write_record(&header).unwrap();
        for r in &rows {
            w.write_record(r).unwrap();
        }
        let bytes = w.into_inner().unwrap();
        let mut files = vec![(format!("{table}.csv"), bytes)];
        if table != Table::Units {
            files.push(("units.csv".into(), b"id,kind,name\nd,district,D\n".to_vec()));
        }
        let _ = ledger::from_csv_files(files);
    }

    #[test]
    fn random_and_mutated_json_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256), e in edits()) {
        let _ = ledger::from_json_str(&String::from_utf8_lossy(&bytes));
        let json = ledger::to_json_string(&ledger::template());
        let _ = ledger::from_json_str(&String::from_utf8_lossy(&mutate(json.as_bytes(), &e)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_and_mutated_xlsx_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512), e in edits()) {
        let _ = ledger::from_xlsx_bytes(&bytes);
        thread_local!(static XLSX: Vec<u8> = ledger::to_xlsx_bytes(&ledger::template()).unwrap());
        let mutated = XLSX.with(|x| mutate(x, &e));
        let _ = ledger::from_xlsx_bytes(&mutated);
    }

    /// Well-formed workbooks with hostile content: any cell type anywhere, merges, stray
    /// sheets, sheet names with spaces.
    #[test]
    fn hostile_workbooks_never_panic(
        sheets in proptest::collection::vec((0usize..15, proptest::collection::vec((0u32..40, 0u16..30, 0u8..6, hostile_text(), any::<f64>()), 0..40), proptest::collection::vec((0u32..10, 0u16..10, 0u32..5, 0u16..5), 0..3)), 1..4),
    ) {
        let mut wb = Workbook::new();
        let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
        let mut used = std::collections::HashSet::new();
        for (i, (pick, cells, merges)) in sheets.iter().enumerate() {
            let name = match Table::ALL.get(*pick) {
                Some(t) if used.insert(*pick) => t.name().to_string(),
                _ => format!("x sheet {i}"),
            };
            let ws = wb.add_worksheet();
            ws.set_name(&name).unwrap();
            for (r, c, kind, text, num) in cells {
                let _ = match kind {
                    0 | 1 => ws.write_string(*r, *c, text).map(|_| ()),
                    2 => ws.write_number(*r, *c, *num).map(|_| ()),
                    3 => ws.write_number_with_format(*r, *c, num.abs() % 3e6, &date).map(|_| ()),
                    4 => ws.write_boolean(*r, *c, num.is_sign_positive()).map(|_| ()),
                    _ => ws.write_string(*r, *c, Table::ALL[*c as usize % 13].columns()[0].name).map(|_| ()),
                };
            }
            for (r, c, h, w) in merges {
                let _ = ws.merge_range(*r, *c, r + h, c + w + 1, "merged", &Format::new());
            }
        }
        if let Ok(bytes) = wb.save_to_buffer() {
            let _ = ledger::from_xlsx_bytes(&bytes);
        }
    }
}

#[test]
fn truncated_example_files_never_panic() {
    // Every prefix length of a few hundred steps through the example's forms.
    let example = dangjian::example();
    let json = ledger::to_json_string(&example);
    let xlsx = ledger::to_xlsx_bytes(&ledger::template()).unwrap();
    let units = ledger::to_csv_files(&example).swap_remove(0).1;
    for i in (0..json.len()).step_by(json.len() / 200 + 1) {
        let _ = ledger::from_json_str(&String::from_utf8_lossy(&json.as_bytes()[..i]));
    }
    for i in (0..xlsx.len()).step_by(xlsx.len() / 300 + 1) {
        let _ = ledger::from_xlsx_bytes(&xlsx[..i]);
    }
    for i in (0..units.len()).step_by(units.len() / 200 + 1) {
        let _ = ledger::from_csv_files([("units.csv", &units.as_bytes()[..i])]);
    }
}

#[test]
fn deeply_nested_json_is_refused_not_a_stack_overflow() {
    // serde_json stops at 128 levels.
    let doc = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(ledger::from_json_str(&doc).is_err());
    let doc = format!(
        "{{\"format\": \"dangjian-ledger/1\", \"units\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(ledger::from_json_str(&doc).is_err());
}

/// A valid ledger whose 10,000 formula indicators each use the next loads, validates (the
/// validator's cycle search is iterative) and evaluates (the engine resolves formulas in
/// topological order with an explicit stack): x0 = x1 + 1 = ... = x10000 + 10000 = 10001.
#[test]
fn metrics_of_a_10000_level_formula_chain_do_not_overflow_the_stack() {
    let n = 10_000;
    let mut indicators = String::from("id,name,formula\n");
    for i in 0..n {
        indicators.push_str(&format!("x{i},指标{i},x{} + 1\n", i + 1));
    }
    indicators.push_str(&format!("x{n},指标{n},\n"));
    let files = [
        (
            "units.csv",
            "id,kind,name,parent\nd,district,区,\n".to_string(),
        ),
        ("indicators.csv", indicators),
        (
            "observations.csv",
            format!("indicator,unit,date,value\nx{n},d,2019-07-01,1\n"),
        ),
    ];
    let l = ledger::from_csv_files(files).unwrap();
    let q = dangjian::metrics::Query {
        metrics: Some(vec!["indicator.x0".into()]),
        ..Default::default()
    };
    let ev = dangjian::metrics::evaluate(&l, &q).unwrap();
    assert_eq!(ev.rows.len(), 1);
    assert_eq!(ev.rows[0].value, Some(10_001.0));
}
