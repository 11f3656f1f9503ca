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
    Source::from_csv("主题党日.csv", text.as_bytes()).unwrap()
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

#[path = "common/import_fixtures.rs"]
mod fixtures;

use dangjian::import::SkipReason;

/// The platform's 三会一课 template as CSV: its header, then `rows` (each 20 cells).
fn meetings_csv(rows: &[[&str; 20]]) -> Source {
    let mut text = fixtures::MEETING_HEADERS.join(",");
    text.push('\n');
    for r in rows {
        text.push_str(&r.join(","));
        text.push('\n');
    }
    Source::from_csv("三会一课.csv", text.as_bytes()).unwrap()
}

/// The sample row of the platform's 三会一课录入样表, as the template ships it (row 2).
const MEETING_SAMPLE: [&str; 20] = [
    "000001",
    "中共xxxx大学xx学部委员会",
    "000001",
    "xxxx学部党支部",
    "支部党员大会",
    "000001",
    "张三",
    "000001",
    "张三",
    "支部党员大会",
    "2019/2/3  14:30",
    "2019/2/3  14:30",
    "党员活动室101",
    "20",
    "20",
    "0",
    "无",
    "会议议题",
    "会议内容",
    "会议决议",
];

/// The example ledger with the platform's branches 000001 and 000002.
fn coded_ledger(name: &str) -> dangjian::Ledger {
    let dir = fixtures::tmp(name);
    let l = dangjian::ledger::load(fixtures::ledger(&dir)).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    l
}

#[test]
fn the_meetings_templates_unchanged_sample_row_is_skipped_as_such() {
    // Branch 000001 exists: read as data, the sample would add a meeting of 2019-02-03.
    let l = coded_ledger("sample-unchanged");
    let mut real = MEETING_SAMPLE;
    real[3] = "计算机学院第一党支部";
    real[6] = "王芳";
    real[11] = "2019/3/5  15:00";
    real[13] = "12";
    real[14] = "11";
    let src = meetings_csv(&[MEETING_SAMPLE, real]);
    let map = Mapping::shipped("owip-meetings").unwrap();
    let (after, report) = apply(l.clone(), &map, &src).unwrap();
    // Line 2 (the sample) skipped; line 3 added: 1 meeting more.
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].source.to_string(), "三会一课.csv:2:1");
    assert_eq!(report.skipped[0].reason, SkipReason::SampleRow);
    assert_eq!(report.added.len(), 1);
    assert_eq!(report.added[0].source.to_string(), "三会一课.csv:3:1");
    assert_eq!(after.activities.len(), l.activities.len() + 1);
}

#[test]
fn a_sample_row_the_user_overwrote_is_data() {
    // The user typed the real meeting over the sample (date, counts), keeping the rest.
    let l = coded_ledger("sample-overwritten");
    let mut mine = MEETING_SAMPLE;
    mine[11] = "2019/3/5  15:00";
    mine[13] = "12";
    mine[14] = "11";
    let (_, report) = apply(
        l,
        &Mapping::shipped("owip-meetings").unwrap(),
        &meetings_csv(&[mine]),
    )
    .unwrap();
    assert!(report.skipped.is_empty());
    assert_eq!(report.added.len(), 1);
    // member_assembly of 000001 on 2019-03-05, 12 expected, 11 attended.
    let values: Vec<String> = report.added[0]
        .values
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    assert_eq!(
        values,
        [
            "kind=member_assembly",
            "date=2019-03-05",
            "subject=000001",
            "expected=12",
            "attended=11"
        ]
    );
}

#[test]
fn the_sample_rows_values_lower_down_are_data() {
    // The sample's values on the third row below the header are not the sample.
    let l = coded_ledger("sample-lower");
    let mut other = MEETING_SAMPLE;
    other[11] = "2019/3/5  15:00";
    let (_, report) = apply(
        l,
        &Mapping::shipped("owip-meetings").unwrap(),
        &meetings_csv(&[other, other, MEETING_SAMPLE]),
    )
    .unwrap();
    // Line 2 added, line 3 a duplicate of it, line 4 (the sample's values) added.
    assert_eq!(report.added.len(), 2);
    assert_eq!(report.added[1].source.to_string(), "三会一课.csv:4:1");
}

#[test]
fn the_theme_days_templates_sample_row_is_skipped() {
    let mut text = fixtures::THEME_DAY_HEADERS.join(",");
    // The sample row of 主题党日活动录入样表, as shipped.
    text.push_str(
        "\n00001,中共北京邮电大学XXX委员会,0000012,中共北京邮电大学XXXX支部委员会,000001,\
         主题党日活动,2019/2/3  14:30,2019/2/3  14:30,党员活动室101,活动主题,主要内容,10,9,1,无\n",
    );
    let src = Source::from_csv("主题党日.csv", text.as_bytes()).unwrap();
    let (_, report) = apply(
        dangjian::example(),
        &Mapping::shipped("owip-theme-days").unwrap(),
        &src,
    )
    .unwrap();
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].reason, SkipReason::SampleRow);
    assert!(report.added.is_empty());
}

#[test]
fn a_mapping_names_its_sample_rows_by_place_and_values() {
    let toml = r#"
table = "activities"
[columns.kind]
value = "theme_day"
[columns.date]
from = "日期"
clean = "date"
[columns.subject]
from = "支部"
[[sample_rows]]
row = 1
cells = { "支部" = "某某支部", "日期" = "2019/1/1" }
"#;
    let map = Mapping::from_toml("mine", toml).unwrap();
    let src = Source::from_csv(
        "a.csv",
        "支部,日期\n某某支部,2019/1/1\njiguan1_branch,2019/1/1\n".as_bytes(),
    )
    .unwrap();
    let (_, report) = apply(dangjian::example(), &map, &src).unwrap();
    assert_eq!(report.skipped[0].reason, SkipReason::SampleRow);
    assert_eq!(report.added.len(), 1);
    // A sample row naming a column the mapping does not list among its headers.
    let bad =
        format!("headers = [\"支部\", \"日期\"]\n{toml}").replace("\"日期\" = ", "\"时间\" = ");
    assert_eq!(
        Mapping::from_toml("mine", &bad).unwrap_err().to_string(),
        "mapping mine: `sample_rows` 1 names `时间`, which is not among `headers`"
    );
}

/// 朱敏 of the example (p_zhumin: born 1976-04-09, of jiguan1_branch, joined 1998-11-12,
/// confirmed 1999-11-15) in the roster template, moved to jiguan2_branch, with no
/// 身份证号码.
fn zhumin_moved() -> Source {
    let text = "学工号,姓名,身份证号码,党支部编码,加入党组织日期,转为正式党员日期\n\
                p_zhumin,朱敏,,jiguan2_branch,1998/11/12,1999/11/15\n";
    Source::from_csv("党员.csv", text.as_bytes()).unwrap()
}

#[test]
fn a_replaced_row_keeps_what_its_source_leaves_empty() {
    let (l, report) = apply(
        dangjian::example(),
        &Mapping::shipped("owip-members").unwrap(),
        &zhumin_moved(),
    )
    .unwrap();
    let zhu = l
        .people
        .iter()
        .find(|p| p.id.as_str() == "p_zhumin")
        .unwrap();
    // The empty 身份证号码 says nothing: her birth date stays; her branch moves.
    assert_eq!(
        zhu.birth_date.map(|d| d.to_string()).as_deref(),
        Some("1976-04-09")
    );
    assert_eq!(zhu.org.as_ref().map(|o| o.as_str()), Some("jiguan2_branch"));
    // The report says what changes and what was kept.
    let r = &report.replaced[0];
    let changes: Vec<String> = r.changes.iter().map(|c| c.to_string()).collect();
    assert_eq!(changes, ["org jiguan1_branch -> jiguan2_branch"]);
    assert_eq!(
        r.kept,
        [("birth_date".to_string(), "1976-04-09".to_string())]
    );
}

#[test]
fn a_source_with_a_quote_never_closed_or_bytes_in_no_encoding_is_refused_at_its_line() {
    // Line 3 opens a quoted 实到人数 and never closes it: the reader would read line 4 into
    // that cell and import one row of the three.
    let text = "所在党支部编码,实际时间,应到人数,实到人数\n\
                jiguan1_branch,2019/6/28,15,14\n\
                jiguan1_branch,2019/7/28,15,\"14\n\
                jiguan1_branch,2019/8/28,15,13\n";
    let err = Source::from_csv("主题党日.csv", text.as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("主题党日.csv:3:4: a quoted cell opens here"),
        "{err}"
    );
    // UTF-8 with one Latin-1 byte (é) on line 2: refused, not read as garbled GB18030.
    let mut bytes = "所在党支部编码,实际时间,应到人数,实到人数\n"
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(b"Jos\xe9,2019/6/28,15,14\n");
    let err = Source::from_csv("主题党日.csv", &bytes).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("主题党日.csv:2:1: cannot be read as text: the byte 0xE9"),
        "{err}"
    );
}

#[test]
fn an_old_xls_workbook_is_refused_by_what_it_is_and_an_xlsx_by_another_name_is_read() {
    let dir = std::env::temp_dir().join(format!("dangjian-xls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The compound-file signature that every Excel 97-2003 workbook starts with.
    let ole = dir.join("三会一课.xls");
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(4096, 0);
    std::fs::write(&ole, &bytes).unwrap();
    let err = Source::read(&ole, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "三会一课.xls: is an Excel 97-2003 workbook (.xls), which cannot be read: open it in Excel or WPS and save it as .xlsx (Excel workbook) or as CSV UTF-8"
    );
    // The same name on a text file: still an .xls by its name, refused the same way.
    std::fs::write(&ole, "a,b\n1,2\n").unwrap();
    assert!(Source::read(&ole, None).is_err());
    // An .xlsx workbook saved under the name .xls is read as the workbook it is.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.write_string(0, 0, "所在党支部编码").unwrap();
    sheet.write_string(1, 0, "jiguan1_branch").unwrap();
    std::fs::write(&ole, wb.save_to_buffer().unwrap()).unwrap();
    let src = Source::read(&ole, None).unwrap();
    assert_eq!(src.header, vec!["所在党支部编码".to_string()]);
    assert_eq!(src.rows.len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}
