//! Ledgers whose data used to be lost or bent without a word (issue 16): each case gives
//! exactly the located problem worked out by hand from the files written here.

use dangjian::ledger::{from_csv_files, LedgerError};

/// The problem lines (`location: message`, warnings marked) of loading CSV files.
fn problems_of(files: &[(&str, &str)]) -> Vec<String> {
    match from_csv_files(files.iter().copied()) {
        Ok(_) => Vec::new(),
        Err(LedgerError::Invalid(p)) => p.0.iter().map(|p| p.to_string()).collect(),
        Err(e) => vec![e.to_string()],
    }
}

const UNITS: &str = "id,kind,name,parent\nd,district,城西新区,\n";
const INITIATIVES: &str =
    "id,kind,programme,title,unit,deadline\ni1,project,growth,修路,d,2019-12-31\n";

#[test]
fn a_table_file_with_no_header_is_an_error_at_the_file() {
    // progress.csv cut to 0 bytes by a failed copy, and one with blank lines only: both
    // would read as a table with no rows.
    for text in ["", "\n\r\n  \n"] {
        assert_eq!(
            problems_of(&[
                ("units.csv", UNITS),
                ("initiatives.csv", INITIATIVES),
                ("progress.csv", text)
            ]),
            [
                "progress.csv:1:1: the file is empty: it needs at least the header line \
              (initiative,date,percent,note); delete the file if the table has no rows"
            ],
            "{text:?}"
        );
    }
}

#[test]
fn a_table_file_with_a_header_and_no_rows_is_fine() {
    assert_eq!(
        problems_of(&[
            ("units.csv", UNITS),
            ("initiatives.csv", INITIATIVES),
            ("progress.csv", "initiative,date,percent\n")
        ]),
        Vec::<String>::new()
    );
}
