//! Source workbooks and CSV files laid out like the templates of `docs/STATS.md`
//! ("Imports from other systems"), with their awkward details, written by code so that the
//! expected values of the tests can be read off here. Shared by `tests/import.rs`, the
//! command line's tests and `examples/import_fixtures.rs`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

/// The headers of 三会一课录入样表 (A..T).
pub const MEETING_HEADERS: [&str; 20] = [
    "所在分党委编码",
    "所在分党委",
    "所在党支部编码",
    "所在党支部",
    "会议类型",
    "主持人学工号",
    "主持人姓名",
    "记录人学工号",
    "记录人姓名",
    "会议名称",
    "计划会议时间",
    "实际会议时间",
    "会议地点",
    "应到人数",
    "实到人数",
    "请假人数",
    "列席人员",
    "会议议题",
    "会议内容",
    "会议决议",
];

/// The headers of 主题党日活动录入样表 (A..O).
pub const THEME_DAY_HEADERS: [&str; 15] = [
    "所在分党委编码",
    "所在分党委",
    "所在党支部编码",
    "所在党支部",
    "记录人学工号",
    "活动名称",
    "计划时间",
    "实际时间",
    "活动地点",
    "活动主题",
    "主要内容及特色",
    "应到人数",
    "实到人数",
    "请假人数",
    "列席人员",
];

/// The headers of 党员信息一张表导入样表 (A..X).
pub const MEMBER_HEADERS: [&str; 24] = [
    "学工号",
    "姓名",
    "身份证号码",
    "二级党委名称",
    "二级党委编码",
    "所在党支部",
    "党支部编码",
    "党籍状态",
    "组织关系转入时间",
    "提交书面申请书时间",
    "确定为入党积极分子时间",
    "确定为发展对象时间",
    "入党介绍人",
    "加入党组织日期",
    "入党时所在党支部",
    "转为正式党员日期",
    "转正时所在党支部",
    "党内职务",
    "党内奖励",
    "其他奖励",
    "来源",
    "备注1",
    "备注2",
    "备注3",
];

/// Every identity number written into the fixtures (none may reach a saved ledger).
pub const IDENTITY_NUMBERS: [&str; 9] = [
    "110101199001011234",
    "33010619850315002X",
    "330106197811230017",
    "33010619920707004x",
    "330106196912010011",
    "33010619880808006X",
    "330106197506060038",
    "330106199102030011",
    "330106197604090023",
];

/// A cell to write.
pub enum V {
    /// Text.
    T(&'static str),
    /// A plain number.
    N(f64),
    /// A number formatted `000000` (a code typed as a number).
    Code(f64),
    /// A date-time cell (year, month, day, hour, minute), formatted `yyyy-mm-dd hh:mm`.
    Dt(u16, u8, u8, u16, u8),
}

fn header(ws: &mut Worksheet, headers: &[&str]) {
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
}

/// Writes rows (1-based sheet row, then (column letter index, value) pairs).
fn rows(ws: &mut Worksheet, rows: &[(u32, Vec<(u16, V)>)]) {
    let code = Format::new().set_num_format("000000");
    let dt = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (r, cells) in rows {
        let r = r - 1;
        for (c, v) in cells {
            match v {
                V::T(s) => ws.write_string(r, *c, *s).map(|_| ()),
                V::N(n) => ws.write_number(r, *c, *n).map(|_| ()),
                V::Code(n) => ws.write_number_with_format(r, *c, *n, &code).map(|_| ()),
                V::Dt(y, m, d, h, mi) => {
                    let t = ExcelDateTime::from_ymd(*y, *m, *d)
                        .unwrap()
                        .and_hms(*h, *mi, 0)
                        .unwrap();
                    ws.write_datetime_with_format(r, *c, &t, &dt).map(|_| ())
                }
            }
            .unwrap();
        }
    }
}

/// Rows that Excel keeps because they were formatted, with nothing in them.
fn trailing_empty_rows(ws: &mut Worksheet, from: u32, to: u32, width: u16) {
    let f = Format::new().set_border(rust_xlsxwriter::FormatBorder::Thin);
    for r in from - 1..to {
        for c in 0..width {
            ws.write_blank(r, c, &f).unwrap();
        }
    }
}

// Column indices.
const A: u16 = 0;
const B: u16 = 1;
const C: u16 = 2;
const E: u16 = 4;
const F: u16 = 5;
const G: u16 = 6;
const H: u16 = 7;
const J: u16 = 9;
const L: u16 = 11;
const M: u16 = 12;
const N: u16 = 13;
const O: u16 = 14;
const P: u16 = 15;

/// The meetings' data rows. Expected in the ledger:
/// - row 2 is the example row (会议名称 says 示例): skipped;
/// - row 3: member_assembly 2019-02-03 000001, expected 12, attended 11 (code as text,
///   time `2019/2/3  14:30` with two spaces);
/// - row 4: committee_meeting 2019-03-05 000002, 5 of 5 (code 2 formatted `000000`,
///   a date-time cell 2019-03-05 09:30);
/// - row 5: party_lesson 2019-04-10 000002, 20 expected, 18 attended;
/// - row 6: group_meeting 2019-05-06 000001 (code 1 formatted `000000`, a date-time cell
///   at midnight), no counts;
/// - rows 7-10: formatted but empty.
pub fn meeting_rows(bad: Option<&str>) -> Vec<(u32, Vec<(u16, V)>)> {
    let mut rows = vec![
        (
            2,
            vec![
                (C, V::T("000001")),
                (E, V::T("支部党员大会")),
                (J, V::T("示例：第一季度支部党员大会")),
                (L, V::T("2019/1/1  09:00")),
                (N, V::N(10.0)),
                (O, V::N(9.0)),
            ],
        ),
        (
            3,
            vec![
                (A, V::T("000100")),
                (B, V::T("计算机学院党委")),
                (C, V::T("000001")),
                (E, V::T("支部党员大会")),
                (J, V::T("2019年第一次支部党员大会")),
                (L, V::T("2019/2/3  14:30")),
                (N, V::N(12.0)),
                (O, V::N(11.0)),
            ],
        ),
        (
            4,
            vec![
                (C, V::Code(2.0)),
                (E, V::T("支部委员会")),
                (L, V::Dt(2019, 3, 5, 9, 30)),
                (N, V::N(5.0)),
                (O, V::N(5.0)),
            ],
        ),
        (
            5,
            vec![
                (
                    C,
                    V::T(if matches!(bad, Some("branch" | "both")) {
                        "000009"
                    } else {
                        "000002"
                    }),
                ),
                (E, V::T("党课")),
                (L, V::T("2019/4/10  15:00")),
                (N, V::N(20.0)),
                (O, V::N(18.0)),
            ],
        ),
        (
            6,
            vec![
                (C, V::Code(1.0)),
                (E, V::T("党小组会")),
                (
                    L,
                    if matches!(bad, Some("date" | "both")) {
                        V::T("下周三")
                    } else {
                        V::Dt(2019, 5, 6, 0, 0)
                    },
                ),
            ],
        ),
    ];
    rows.sort_by_key(|r| r.0);
    rows
}

/// 三会一课.xlsx (owip-meetings); `bad`: `"both"` does both of what follows; `"branch"` puts the unknown branch code
/// `000009` in C5, `"date"` the text 下周三 in L6.
pub fn meetings_xlsx(dir: &Path, bad: Option<&str>) -> PathBuf {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    header(ws, &MEETING_HEADERS);
    rows(ws, &meeting_rows(bad));
    trailing_empty_rows(ws, 7, 10, MEETING_HEADERS.len() as u16);
    let path = dir.join("三会一课.xlsx");
    wb.save(&path).unwrap();
    path
}

/// 主题党日.xlsx (owip-theme-days), with branch codes of the example ledger. Expected:
/// - row 2: theme_day 2019-06-28 jiguan1_branch, 15 expected, 14 attended;
/// - row 3: theme_day 2019-07-01 jiguan2_branch, 8 of 8 (a date-time cell);
/// - row 4: theme_day 2019-08-20 jiguan1_branch, no counts;
/// - rows 5-8: formatted but empty.
pub fn theme_days_xlsx(dir: &Path) -> PathBuf {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("主题党日").unwrap();
    header(ws, &THEME_DAY_HEADERS);
    rows(
        ws,
        &[
            (
                2,
                vec![
                    (C, V::T("jiguan1_branch")),
                    (F, V::T("重温入党誓词")),
                    (H, V::T("2019/6/28  15:00")),
                    (L, V::N(15.0)),
                    (M, V::N(14.0)),
                ],
            ),
            (
                3,
                vec![
                    (C, V::T("jiguan2_branch")),
                    (F, V::T("参观红色教育基地")),
                    (H, V::Dt(2019, 7, 1, 8, 30)),
                    (L, V::N(8.0)),
                    (M, V::N(8.0)),
                ],
            ),
            (
                4,
                vec![
                    (C, V::T("jiguan1_branch")),
                    (F, V::T("志愿服务")),
                    (H, V::T("2019/8/20  14:00")),
                ],
            ),
        ],
    );
    trailing_empty_rows(ws, 5, 8, THEME_DAY_HEADERS.len() as u16);
    let path = dir.join("主题党日.xlsx");
    wb.save(&path).unwrap();
    path
}

/// 党员信息.xlsx (owip-members). Expected people:
/// - row 2: the example row (姓名 张三（示例）): skipped;
/// - row 3: 000101 王芳, born 1985-03-15, org 000001, joined 2008-06-20, confirmed 2009-06-22;
/// - row 4: 000102 李强 (学工号 102 formatted `000000`), born 1978-11-23, org 000001 (1
///   formatted `000000`), joined 2001-07-01, confirmed 2002-07-01 (date-time cells);
/// - row 5: 000103 陈静, born 1992-07-07 (a lowercase x), org 000002, joined 2019-05-01
///   (`2019/5/1  10:00`), not confirmed;
/// - row 6: 000104 赵磊, born 1969-12-01, org 000002, joined 1995-07-01, confirmed 1996-07-01;
/// - rows 7-14: the instructions box C7:H14 (填写说明): skipped with a warning;
/// - row 15: 000105 孙丽, born 1988-08-08, org 000001, joined 2012-12-12, confirmed 2013-12-13;
/// - row 16: 000106 周杰, born 1975-06-06, org 000002, joined 2000-01-01, confirmed 2001-01-02;
/// - rows 17-20: formatted but empty.
///
/// `bad_identity`: C4 holds a 17-character identity number.
pub fn members_xlsx(dir: &Path, bad_identity: bool) -> PathBuf {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    header(ws, &MEMBER_HEADERS);
    let id4 = if bad_identity {
        "33010619781123001"
    } else {
        "330106197811230017"
    };
    rows(
        ws,
        &[
            (
                2,
                vec![
                    (A, V::T("000000")),
                    (B, V::T("张三（示例）")),
                    (C, V::T(IDENTITY_NUMBERS[0])),
                    (G, V::T("000001")),
                    (N, V::T("2015/7/1")),
                    (P, V::T("2016/7/1")),
                ],
            ),
            (
                3,
                vec![
                    (A, V::T("000101")),
                    (B, V::T("王芳")),
                    (C, V::T(IDENTITY_NUMBERS[1])),
                    (F, V::T("第一党支部")),
                    (G, V::T("000001")),
                    (H, V::T("正式党员")),
                    (N, V::T("2008/6/20")),
                    (P, V::T("2009/6/22")),
                ],
            ),
            (
                4,
                vec![
                    (A, V::Code(102.0)),
                    (B, V::T("李强")),
                    (C, V::T(id4)),
                    (G, V::Code(1.0)),
                    (N, V::Dt(2001, 7, 1, 0, 0)),
                    (P, V::Dt(2002, 7, 1, 0, 0)),
                ],
            ),
            (
                5,
                vec![
                    (A, V::T("000103")),
                    (B, V::T("陈静")),
                    (C, V::T(IDENTITY_NUMBERS[3])),
                    (G, V::T("000002")),
                    (H, V::T("预备党员")),
                    (N, V::T("2019/5/1  10:00")),
                ],
            ),
            (
                6,
                vec![
                    (A, V::T("000104")),
                    (B, V::T("赵磊")),
                    (C, V::T(IDENTITY_NUMBERS[4])),
                    (G, V::T("000002")),
                    (N, V::T("1995/7/1")),
                    (P, V::T("1996/7/1")),
                ],
            ),
            (
                15,
                vec![
                    (A, V::T("000105")),
                    (B, V::T("孙丽")),
                    (C, V::T(IDENTITY_NUMBERS[5])),
                    (G, V::T("000001")),
                    (N, V::T("2012/12/12")),
                    (P, V::T("2013/12/13")),
                ],
            ),
            (
                16,
                vec![
                    (A, V::T("000106")),
                    (B, V::T("周杰")),
                    (C, V::T(IDENTITY_NUMBERS[6])),
                    (G, V::T("000002")),
                    (N, V::T("2000/1/1")),
                    (P, V::T("2001/1/2")),
                ],
            ),
        ],
    );
    let boxed = Format::new().set_text_wrap();
    ws.merge_range(
        6,
        2,
        13,
        7,
        "填写说明：1. 学工号、党支部编码请按文本填写，保留前导零；2. 日期格式为 2019/2/3；3. 本说明框请勿删除。",
        &boxed,
    )
    .unwrap();
    trailing_empty_rows(ws, 17, 20, MEMBER_HEADERS.len() as u16);
    let path = dir.join("党员信息.xlsx");
    wb.save(&path).unwrap();
    path
}

/// The county roster of `docs/IMPORTS.md` (the fourth mapping), as GB18030 CSV like
/// Chinese Excel writes it. Line 2 replaces p_zhumin of the example (moved to
/// jiguan2_branch, with a note kept as `x_备注`); line 3 adds c_0001 吴昊, born 1991-02-03,
/// joined 2018-06-01, not confirmed. `bad_identity`: line 3's number has 17 characters.
pub fn roster_csv(dir: &Path, bad_identity: bool) -> PathBuf {
    let id3 = if bad_identity {
        "33010619910203001"
    } else {
        IDENTITY_NUMBERS[7]
    };
    let id2 = IDENTITY_NUMBERS[8];
    let text = format!(
        "编号,姓名,身份证号,所在支部,入党时间,转正时间,备注\n\
         p_zhumin,朱敏,{id2},jiguan2_branch,1998/11/12,1999/11/15,调入机关第二党支部\n\
         c_0001,吴昊,{id3},jiguan2_branch,2018/6/1,,\n\
         ,,,,,,\n"
    );
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    let path = dir.join("roster.csv");
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The county roster mapping of `docs/IMPORTS.md`, word for word.
pub const ROSTER_MAPPING: &str = r#"
name = "county-roster"
description = "县委组织部党员花名册 (CSV) -> people"
table = "people"
headers = ["编号", "姓名", "身份证号", "所在支部", "入党时间", "转正时间", "备注"]
keep = ["备注"]

[columns.id]
from = "编号"
clean = "code"

[columns.name]
from = "姓名"

[columns.birth_date]
from = "身份证号"
clean = "birth_date_from_identity_number"

[columns.org]
from = "所在支部"
clean = "code"

[columns.joined]
from = "入党时间"
clean = "date"

[columns.confirmed]
from = "转正时间"
clean = "date"
"#;

/// The example ledger with two branches coded like the platform's (`000001`, `000002`),
/// saved as a CSV folder at `dir`.
pub fn ledger(dir: &Path) -> PathBuf {
    let path = dir.join("ledger");
    dangjian::ledger::save(&dangjian::example(), &path).unwrap();
    let orgs = path.join("orgs.csv");
    let mut text = std::fs::read_to_string(&orgs).unwrap();
    text.push_str(
        "000001,branch,计算机学院第一党支部,dangzheng_office,chengxi_committee,2000-01-01,,\n",
    );
    text.push_str(
        "000002,branch,计算机学院第二党支部,dangzheng_office,chengxi_committee,2000-01-01,,\n",
    );
    std::fs::write(&orgs, text).unwrap();
    path
}

/// A fresh temporary folder.
pub fn tmp(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("dangjian-import-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p
}
