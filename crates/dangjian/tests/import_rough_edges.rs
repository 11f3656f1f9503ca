//! Imports that used to lose or bend data without a word (issue 16): each case is checked
//! against the exact message or value worked out by hand from the source written here.

use dangjian::import::{apply, Mapping, Source};

/// The error lines (`location: message`) of importing `source` into the example ledger
/// with the shipped mapping `map`.
fn errors(map: &str, source: &Source) -> Vec<String> {
    match apply(dangjian::example(), &Mapping::shipped(map).unwrap(), source) {
        Ok(_) => Vec::new(),
        Err(p) => p.errors().map(|e| e.to_string()).collect(),
    }
}

fn theme_days_csv(rows: &str) -> Source {
    let text = format!("所在党支部编码,实际时间,应到人数,实到人数\n{rows}");
    Source::from_csv("主题党日.csv", text.as_bytes())
}

#[test]
fn a_csv_row_with_a_cell_too_many_is_an_error_at_its_line() {
    // `1,000` unquoted splits into `1` and `000`: five cells under four headers. Read as it
    // was, the row would say expected 1, attended 0; it is refused at its fifth cell, in
    // the words of the ledger's own reader.
    let src = theme_days_csv("jiguan1_branch,2019/6/28,1,000,990\n");
    assert_eq!(
        errors("owip-theme-days", &src),
        [
            "主题党日.csv:2:5: this row has 5 cells but the header has 4 columns; \
          name the extra column in the header or remove the extra cells"
        ]
    );
}

#[test]
fn a_csv_row_with_a_cell_too_few_is_an_error_at_its_line() {
    // Line 3 lost a comma: three cells under four headers would shift 14 into 应到人数.
    // Line 2 is whole and would be added; the import stops on line 3 alone.
    let src = theme_days_csv("jiguan1_branch,2019/6/28,15,14\njiguan1_branch,2019/6/29,14\n");
    assert_eq!(
        errors("owip-theme-days", &src),
        [
            "主题党日.csv:3:4: this row has 3 cells but the header has 4 columns; \
          add the missing cells (an empty cell too is written, as `,,`)"
        ]
    );
}

#[test]
fn extra_empty_cells_of_a_csv_row_are_fine() {
    // Two trailing commas: six cells, the last two empty, as some exports write them.
    let src = theme_days_csv("jiguan1_branch,2019/6/28,15,14,,\n");
    assert_eq!(errors("owip-theme-days", &src), Vec::<String>::new());
}

#[path = "common/unsaved.rs"]
mod unsaved;

#[test]
fn a_formula_with_no_saved_value_in_a_source_is_an_error_at_its_cell() {
    use rust_xlsxwriter::{Formula, Workbook};
    // 主题党日 with 实到人数 (D2) a formula `=15-1` never calculated.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["所在党支部编码", "实际时间", "应到人数", "实到人数"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "jiguan1_branch").unwrap();
    ws.write_string(1, 1, "2019/6/28").unwrap();
    ws.write_number(1, 2, 15.0).unwrap();
    ws.write_formula(1, 3, Formula::new("=15-1")).unwrap();
    let bytes = unsaved::without_saved_values(&wb.save_to_buffer().unwrap());
    let src = Source::from_xlsx("主题党日.xlsx", &bytes, None).unwrap();
    assert_eq!(
        errors("owip-theme-days", &src),
        ["主题党日.xlsx!D2: a formula with no saved value; open and save the workbook in Excel"]
    );
}
