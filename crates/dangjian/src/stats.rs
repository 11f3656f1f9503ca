//! Official statistics tables (`docs/STATS.md`, "Statistics tables"): `enterprise_orgs`
//! (企业建立党的基层组织情况) and `org_life` (组织生活开展情况统计表).
//!
//! Both take the usual [`Query`] (as-of date, scope, breakdown) and give typed rows
//! ([`EnterpriseOrgsRow`], [`OrgLifeRow`]) with their Chinese headers ([`headers_zh`]);
//! [`to_xlsx_bytes`] writes any of them as a workbook under a Chinese header row.
//!
//! ## Readings where `docs/STATS.md` leaves room
//! - `enterprise_orgs` has the rows of a metric evaluation: the scope unit first, then one
//!   row per unit of the `by` kind strictly below it active on some day of [`from`,
//!   `as_of`], in ledger order. Its enterprises are exactly those of `coverage.org`, and an
//!   own org is exactly what `coverage.own_org` counts (an active `committee`,
//!   `general_branch` or `branch` whose hosts are that enterprise alone; listing it twice
//!   is still alone).
//! - `joint_orgs` counts, per scope row, the distinct active orgs hosted by a `joint`
//!   enterprise of that row: joint branches, and also a branch hosted by two enterprises
//!   (which is nobody's own org). An org with hosts in two rows counts in both.
//! - A member with no `joined` date is not a member; a person with `confirmed` but no
//!   `joined` is neither. A `workplace` that is not an enterprise of the table is ignored.
//! - `org_life`: the assessed months are the same for every org (those whose last day is
//!   <= `as_of`), as STATS.md defines them: a branch founded in May is assessed on January
//!   to April too, with 0 activities there. Activities are counted by date only (one dated
//!   after a dissolution still counts); `parent` is null when the org has no parent or it
//!   does not resolve.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::calendar::{days_in_month, year_start};
use crate::metrics::ctx::Ctx;
use crate::metrics::index::{OrgIx, Tin, UnitIx};
use crate::metrics::ix::TiVec;
use crate::metrics::value::Scope;
use crate::metrics::{Engine, Query, QueryError};
use crate::model::{OrgId, OrgKind, UnitId};
use crate::rows::{Cell, Column, ColumnType, Row};

/// A statistics table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatsTable {
    /// 企业建立党的基层组织情况: one row per scope row.
    EnterpriseOrgs,
    /// 组织生活开展情况统计表: one row per branch.
    OrgLife,
}

impl StatsTable {
    /// Every table, in the order of `docs/STATS.md`.
    pub const ALL: [StatsTable; 2] = [StatsTable::EnterpriseOrgs, StatsTable::OrgLife];

    /// The table's id (`enterprise_orgs`, `org_life`).
    pub fn id(self) -> &'static str {
        match self {
            StatsTable::EnterpriseOrgs => "enterprise_orgs",
            StatsTable::OrgLife => "org_life",
        }
    }

    /// The table's Chinese title.
    pub fn zh(self) -> &'static str {
        match self {
            StatsTable::EnterpriseOrgs => "企业建立党的基层组织情况",
            StatsTable::OrgLife => "组织生活开展情况统计表",
        }
    }
}

impl std::str::FromStr for StatsTable {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        StatsTable::ALL
            .into_iter()
            .find(|t| t.id() == s)
            .ok_or_else(|| format!("no statistics table `{s}`; use enterprise_orgs or org_life"))
    }
}

/// The Chinese headers of a table, one per column, in column order.
///
/// ```
/// use dangjian::stats::{headers_zh, StatsTable, OrgLifeRow};
/// use dangjian::rows::Row;
///
/// let zh = headers_zh(StatsTable::OrgLife);
/// assert_eq!(zh.len(), OrgLifeRow::columns().len());
/// assert_eq!(zh[2], "院系级党组织");
/// assert_eq!(zh[3], "支委会次数·1月");
/// ```
pub fn headers_zh(table: StatsTable) -> Vec<String> {
    match table {
        StatsTable::EnterpriseOrgs => [
            "范围",
            "单位数",
            "已单独建立党组织·建立党委的",
            "已单独建立党组织·建立总支部的",
            "已单独建立党组织·建立支部的",
            "已建立联合党支部的",
            "联合·具有3名以上正式党员的",
            "联合党支部数",
            "未建立党组织",
            "应建尚未建立",
            "仅有个别党员",
            "没有党员",
            "在岗职工",
            "党员",
        ]
        .map(String::from)
        .to_vec(),
        StatsTable::OrgLife => {
            let mut h: Vec<String> = ["党支部", "名称", "院系级党组织"]
                .map(String::from)
                .to_vec();
            for what in ["支委会", "党员集体活动"] {
                h.extend((1..=12).map(|m| format!("{what}次数·{m}月")));
                h.push(format!("{what}·按时开展月份数"));
                h.push(format!("{what}·完成率"));
            }
            h
        }
    }
}

/// Whether a column holds a rate (shown as a percentage to people).
pub fn is_rate(column: &str) -> bool {
    column.ends_with("_rate")
}

/// A rate as people read it: a percentage with two decimals (`83.33%`).
///
/// ```
/// assert_eq!(dangjian::stats::percent(5.0 / 6.0), "83.33%");
/// assert_eq!(dangjian::stats::percent(1.0), "100.00%");
/// ```
pub fn percent(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

/// A statistics row as people read it (text, Markdown): rate columns (`*_rate`) become
/// percentages with two decimals; everything else is the row's own cell.
pub struct ForPeople<'r, R>(pub &'r R);

impl<R: Row> Row for ForPeople<'_, R> {
    fn columns() -> Vec<Column> {
        R::columns()
            .into_iter()
            .map(|c| {
                if is_rate(c.name) {
                    Column {
                        name: c.name,
                        ty: ColumnType::Text,
                    }
                } else {
                    c
                }
            })
            .collect()
    }
    fn cells(&self) -> Vec<Cell<'_>> {
        R::columns()
            .iter()
            .zip(self.0.cells())
            .map(|(c, v)| match v {
                Cell::Float(x) if is_rate(c.name) => Cell::Text(Cow::Owned(percent(x))),
                other => other,
            })
            .collect()
    }
}

/// One row of `enterprise_orgs` (企业建立党的基层组织情况): the above-scale enterprises of
/// one scope row on `as_of`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct EnterpriseOrgsRow {
    /// The scope row's unit id.
    pub scope: UnitId,
    /// 单位数: the enterprises (those of `coverage.org`).
    pub enterprises: u64,
    /// 建立党委的: the highest own org is a committee.
    pub own_committee: u64,
    /// 建立总支部的: the highest own org is a general branch.
    pub own_general_branch: u64,
    /// 建立支部的: the highest own org is a branch.
    pub own_branch: u64,
    /// 已建立联合党支部的: covered without an own org.
    pub joint: u64,
    /// 联合·具有3名以上正式党员的: of `joint`, at least 3 formal members.
    pub joint_with_3_members: u64,
    /// 联合党支部数: distinct active orgs covering some `joint` enterprise.
    pub joint_orgs: u64,
    /// 未建立党组织: not covered.
    pub none: u64,
    /// 应建尚未建立: of `none`, at least 3 formal members.
    pub none_should_build: u64,
    /// 仅有个别党员: of `none`, members but fewer than 3 formal ones.
    pub none_few_members: u64,
    /// 没有党员: of `none`, no members.
    pub none_no_members: u64,
    /// 在岗职工: sum of `employees`; null when no enterprise has it.
    pub employees: Option<u64>,
    /// 党员: members (formal and probationary) working in the enterprises.
    pub members: u64,
}

crate::rows::impl_row!(EnterpriseOrgsRow {
    scope,
    enterprises,
    own_committee,
    own_general_branch,
    own_branch,
    joint,
    joint_with_3_members,
    joint_orgs,
    none,
    none_should_build,
    none_few_members,
    none_no_members,
    employees,
    members,
});

/// How one enterprise stands on `as_of`.
#[derive(Clone, Debug, Default)]
struct EnterpriseFacts {
    active: bool,
    /// The highest own org: committee, general branch or branch.
    own: Option<OrgKind>,
    /// The active primary orgs it hosts (any hosts).
    covering: Vec<OrgIx>,
    members: u64,
    formal: u64,
    employees: Option<u64>,
}

fn rank(k: OrgKind) -> u8 {
    match k {
        OrgKind::Committee => 3,
        OrgKind::GeneralBranch => 2,
        OrgKind::Branch => 1,
        _ => 0,
    }
}

/// The facts of the enterprises of the query's scope, aligned with its range of
/// `Engine::enterprises`.
fn enterprise_facts(ctx: &Ctx<'_, '_>) -> Vec<EnterpriseFacts> {
    let e = ctx.e;
    let l = &*e.l;
    let as_of = ctx.as_of;
    let list = e.enterprises_in(ctx.scope);
    // Position in `list` of each unit that is one of these enterprises.
    let mut pos: TiVec<UnitIx, Option<u32>> = vec![None; l.units.len()].into();
    for (i, &(_, u)) in list.iter().enumerate() {
        pos[u] = Some(i as u32);
    }
    let mut out: Vec<EnterpriseFacts> = list
        .iter()
        .map(|&(_, u)| {
            let unit = &l.units[u];
            if !unit.active_on(as_of) {
                return EnterpriseFacts::default();
            }
            let mut f = EnterpriseFacts {
                active: true,
                employees: unit.employees,
                ..EnterpriseFacts::default()
            };
            for &o in e.orgs_hosted_by(u) {
                let org = &l.orgs[o];
                if !(org.active_on(as_of) && org.kind.is_primary()) {
                    continue;
                }
                if !f.covering.contains(&o) {
                    f.covering.push(o);
                }
                let alone = org.hosts.iter().all(|h| h.as_str() == unit.id.as_str());
                if org.kind != OrgKind::JointBranch
                    && alone
                    && f.own.is_none_or(|k| rank(org.kind) > rank(k))
                {
                    f.own = Some(org.kind);
                }
            }
            f
        })
        .collect();
    for p in &l.people {
        let Some(w) = p.workplace.as_ref().and_then(|w| e.unit_of(w.sym())) else {
            continue;
        };
        let (Some(i), false) = (pos[w], p.joined.is_none_or(|j| j > as_of)) else {
            continue;
        };
        let f = &mut out[i as usize];
        f.members += 1;
        f.formal += u64::from(p.confirmed.is_some_and(|c| c <= as_of));
    }
    out
}

/// The `enterprise_orgs` row of scope `s` (inside the query's scope).
fn enterprise_orgs_row(
    ctx: &Ctx<'_, '_>,
    facts: &[EnterpriseFacts],
    s: Scope,
) -> EnterpriseOrgsRow {
    let e = ctx.e;
    let first = |lo: Tin| e.enterprises_before(lo);
    let a = first(s.lo).saturating_sub(first(ctx.scope.lo));
    let n = e.enterprises_in(s).len();
    let mut r = EnterpriseOrgsRow {
        scope: e.l.units[s.unit].id.clone(),
        enterprises: 0,
        own_committee: 0,
        own_general_branch: 0,
        own_branch: 0,
        joint: 0,
        joint_with_3_members: 0,
        joint_orgs: 0,
        none: 0,
        none_should_build: 0,
        none_few_members: 0,
        none_no_members: 0,
        employees: None,
        members: 0,
    };
    let mut joint_orgs: Vec<OrgIx> = Vec::new();
    for f in facts.iter().skip(a).take(n).filter(|f| f.active) {
        r.enterprises += 1;
        r.members += f.members;
        if let Some(x) = f.employees {
            r.employees = Some(r.employees.unwrap_or(0) + x);
        }
        match f.own {
            Some(OrgKind::Committee) => r.own_committee += 1,
            Some(OrgKind::GeneralBranch) => r.own_general_branch += 1,
            Some(_) => r.own_branch += 1,
            None if !f.covering.is_empty() => {
                r.joint += 1;
                r.joint_with_3_members += u64::from(f.formal >= 3);
                joint_orgs.extend(&f.covering);
            }
            None => {
                r.none += 1;
                if f.formal >= 3 {
                    r.none_should_build += 1;
                } else if f.members > 0 {
                    r.none_few_members += 1;
                } else {
                    r.none_no_members += 1;
                }
            }
        }
    }
    joint_orgs.sort_unstable();
    joint_orgs.dedup();
    r.joint_orgs = joint_orgs.len() as u64;
    r
}

/// `enterprise_orgs` (企业建立党的基层组织情况): one row for the scope, then one per unit
/// of the `by` kind below it (as in a metric evaluation).
///
/// ```
/// use dangjian::metrics::{Engine, Query};
///
/// let ledger = dangjian::example();
/// let engine = Engine::new(&ledger);
/// let q = Query { as_of: chrono::NaiveDate::from_ymd_opt(2019, 7, 31), ..Query::default() };
/// let rows = dangjian::stats::enterprise_orgs(&engine, &q).unwrap();
/// let r = &rows[0];
/// assert_eq!(r.enterprises, r.own_committee + r.own_general_branch + r.own_branch + r.joint + r.none);
/// ```
pub fn enterprise_orgs(
    engine: &Engine<'_>,
    q: &Query,
) -> Result<Vec<EnterpriseOrgsRow>, QueryError> {
    let ctx = engine.resolve(q)?;
    let facts = enterprise_facts(&ctx);
    let mut rows = vec![enterprise_orgs_row(&ctx, &facts, ctx.scope)];
    for u in engine.breakdown_units(&ctx) {
        rows.push(enterprise_orgs_row(&ctx, &facts, engine.ix.scope_of(u)));
    }
    Ok(rows)
}

/// The activity kinds of 党员集体活动 (collective activities) in `org_life`.
pub const COLLECTIVE: [&str; 5] = [
    "member_assembly",
    "group_meeting",
    "party_lesson",
    "org_life_meeting",
    "theme_day",
];

/// One row of `org_life` (组织生活开展情况统计表): one branch or joint branch over the
/// as-of year. Month `m` (1 to 12) is `committee[m - 1]`; null when not assessed.
#[derive(Clone, Debug, PartialEq)]
pub struct OrgLifeRow {
    /// The org's id (党支部).
    pub org: OrgId,
    /// Its name (名称).
    pub name: String,
    /// The parent org's name (院系级党组织).
    pub parent: Option<String>,
    /// 支委会次数 per month: `committee_meeting` activities.
    pub committee: [Option<u64>; 12],
    /// 按时开展月份数: assessed months with at least one committee meeting.
    pub committee_months: u64,
    /// 完成率: `committee_months` / assessed months; null when none is assessed.
    pub committee_rate: Option<f64>,
    /// 党员集体活动次数 per month (the kinds of [`COLLECTIVE`]).
    pub collective: [Option<u64>; 12],
    /// Assessed months with at least one collective activity.
    pub collective_months: u64,
    /// `collective_months` / assessed months; null when none is assessed.
    pub collective_rate: Option<f64>,
}

const MONTH_COLUMNS: [[&str; 12]; 2] = [
    [
        "committee_1",
        "committee_2",
        "committee_3",
        "committee_4",
        "committee_5",
        "committee_6",
        "committee_7",
        "committee_8",
        "committee_9",
        "committee_10",
        "committee_11",
        "committee_12",
    ],
    [
        "collective_1",
        "collective_2",
        "collective_3",
        "collective_4",
        "collective_5",
        "collective_6",
        "collective_7",
        "collective_8",
        "collective_9",
        "collective_10",
        "collective_11",
        "collective_12",
    ],
];

impl Row for OrgLifeRow {
    fn columns() -> Vec<Column> {
        let col = |name, ty| Column { name, ty };
        let mut c = vec![
            col("org", ColumnType::Text),
            col("name", ColumnType::Text),
            col("parent", ColumnType::Text),
        ];
        for (i, what) in ["committee", "collective"].into_iter().enumerate() {
            c.extend(MONTH_COLUMNS[i].map(|m| col(m, ColumnType::Int)));
            c.push(col(
                if what == "committee" {
                    "committee_months"
                } else {
                    "collective_months"
                },
                ColumnType::Int,
            ));
            c.push(col(
                if what == "committee" {
                    "committee_rate"
                } else {
                    "collective_rate"
                },
                ColumnType::Float,
            ));
        }
        c
    }

    fn cells(&self) -> Vec<Cell<'_>> {
        use crate::rows::CellValue;
        let mut c = vec![self.org.cell(), self.name.cell(), self.parent.cell()];
        for (months, n, rate) in [
            (&self.committee, self.committee_months, self.committee_rate),
            (
                &self.collective,
                self.collective_months,
                self.collective_rate,
            ),
        ] {
            c.extend(months.iter().map(|m| m.cell()));
            c.push(i64::try_from(n).map_or(Cell::Null, Cell::Int));
            c.push(match rate {
                Some(x) if x.is_finite() => Cell::Float(x),
                _ => Cell::Null,
            });
        }
        c
    }
}

/// JSON: one flat object per row, its keys the columns (`committee_1` ...).
impl Serialize for OrgLifeRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(Self::columns().len()))?;
        m.serialize_entry("org", self.org.as_str())?;
        m.serialize_entry("name", &self.name)?;
        m.serialize_entry("parent", &self.parent)?;
        for (i, (months, n, rate, key_n, key_rate)) in [
            (
                &self.committee,
                self.committee_months,
                self.committee_rate,
                "committee_months",
                "committee_rate",
            ),
            (
                &self.collective,
                self.collective_months,
                self.collective_rate,
                "collective_months",
                "collective_rate",
            ),
        ]
        .into_iter()
        .enumerate()
        {
            for (k, v) in MONTH_COLUMNS[i].iter().zip(months) {
                m.serialize_entry(k, v)?;
            }
            m.serialize_entry(key_n, &n)?;
            m.serialize_entry(key_rate, &rate)?;
        }
        m.end()
    }
}

/// How many months of `as_of`'s year are assessed: those whose last day is <= `as_of`.
pub fn assessed_months(as_of: NaiveDate) -> u32 {
    let m = as_of.month();
    if as_of.day() == days_in_month(as_of.year(), m) {
        m
    } else {
        m - 1
    }
}

/// `org_life` (组织生活开展情况统计表): one row per org of kind `branch` or `joint_branch`
/// in scope active on some day of the as-of year up to `as_of`, in ledger order.
///
/// ```
/// use dangjian::metrics::{Engine, Query};
///
/// let ledger = dangjian::example();
/// let engine = Engine::new(&ledger);
/// let q = Query { as_of: chrono::NaiveDate::from_ymd_opt(2019, 7, 31), ..Query::default() };
/// let rows = dangjian::stats::org_life(&engine, &q).unwrap();
/// // At 31 July, January to July are assessed and August to December are not.
/// assert!(rows.iter().all(|r| r.committee[6].is_some() && r.committee[7].is_none()));
/// ```
pub fn org_life(engine: &Engine<'_>, q: &Query) -> Result<Vec<OrgLifeRow>, QueryError> {
    let ctx = engine.resolve(q)?;
    let e = ctx.e;
    let l = &*e.l;
    let as_of = ctx.as_of;
    let year = as_of.year();
    let start = year_start(as_of);
    let assessed = assessed_months(as_of) as usize;
    let kind = crate::metrics::index::act_kind_named;
    let committee_kinds: Vec<u32> = kind("committee_meeting").into_iter().collect();
    let collective_kinds: Vec<u32> = COLLECTIVE.iter().filter_map(|k| kind(k)).collect();
    // The first day of each month of the year, and of the next year.
    let bounds: Vec<NaiveDate> = (1..=12)
        .map(|m| NaiveDate::from_ymd_opt(year, m, 1))
        .chain(std::iter::once(NaiveDate::from_ymd_opt(year + 1, 1, 1)))
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default();
    let count = |o: OrgIx, kinds: &[u32]| -> [Option<u64>; 12] {
        let mut out = [None; 12];
        if bounds.len() != 13 {
            return out;
        }
        for (m, slot) in out.iter_mut().enumerate().take(assessed) {
            let mut n = 0u64;
            for subject in std::iter::once(o).chain(e.groups_of(o).iter().copied()) {
                for &k in kinds {
                    let (dates, _) = e.activities(e.org_node(subject), k);
                    let a = dates.partition_point(|d| *d < bounds[m]);
                    let b = dates.partition_point(|d| *d < bounds[m + 1]);
                    n += b.saturating_sub(a) as u64;
                }
            }
            *slot = Some(n);
        }
        out
    };
    let summary = |months: &[Option<u64>; 12]| -> (u64, Option<f64>) {
        let held = months.iter().filter(|m| m.is_some_and(|n| n > 0)).count() as u64;
        let rate = (assessed > 0).then(|| held as f64 / assessed as f64);
        (held, rate)
    };
    let mut rows = Vec::new();
    for o in e.orgs_in(ctx.scope) {
        let org = &l.orgs[o];
        let active_this_year = org.established <= as_of && org.dissolved.is_none_or(|d| d >= start);
        if !matches!(org.kind, OrgKind::Branch | OrgKind::JointBranch) || !active_this_year {
            continue;
        }
        let parent = org
            .parent
            .as_ref()
            .and_then(|p| e.node_of(p.sym()))
            .and_then(|n| e.node_org(n))
            .map(|p| l.orgs[p].name.clone());
        let committee = count(o, &committee_kinds);
        let collective = count(o, &collective_kinds);
        let (committee_months, committee_rate) = summary(&committee);
        let (collective_months, collective_rate) = summary(&collective);
        rows.push(OrgLifeRow {
            org: org.id.clone(),
            name: org.name.clone(),
            parent,
            committee,
            committee_months,
            committee_rate,
            collective,
            collective_months,
            collective_rate,
        });
    }
    Ok(rows)
}

/// What a filed sheet carries besides its rows: a title line, and names for ids.
#[derive(Clone, Debug, Default)]
pub struct SheetHead {
    /// The title line above the headers (the table, the scope and the as-of date); none
    /// leaves the headers on the first row.
    pub title: Option<String>,
    /// Names written instead of the ids in the `scope` and `parent` columns (城西新区, not
    /// `chengxi`); an id without a name stays.
    pub names: std::collections::HashMap<String, String>,
}

impl SheetHead {
    /// The head of a sheet ready to file: the title `企业建立党的基层组织情况　城西新区　截至2019年7月31日`
    /// and the names of the ledger's units and orgs.
    pub fn for_filing(
        table: StatsTable,
        ledger: &crate::Ledger,
        scope_name: &str,
        as_of: NaiveDate,
    ) -> SheetHead {
        let names = ledger
            .units
            .iter()
            .map(|u| (u.id.to_string(), u.name.clone()))
            .chain(
                ledger
                    .orgs
                    .iter()
                    .map(|o| (o.id.to_string(), o.name.clone())),
            )
            .collect();
        SheetHead {
            title: Some(format!(
                "{}　{scope_name}　截至{}年{}月{}日",
                table.zh(),
                as_of.year(),
                as_of.month(),
                as_of.day()
            )),
            names,
        }
    }
}

/// Writes rows as an `.xlsx` workbook of one sheet: the title line of `head` if any, the
/// Chinese headers (`headers_zh`), the column ids, then the rows. Numbers are numbers, rates
/// are numbers shown as percentages with two decimals (`83.33%`), nulls are empty cells.
///
/// ```
/// use dangjian::metrics::{Engine, Query};
/// use dangjian::stats::{self, SheetHead, StatsTable};
///
/// let ledger = dangjian::example();
/// let engine = Engine::new(&ledger);
/// let rows = stats::org_life(&engine, &Query::default()).unwrap();
/// let head = SheetHead::default();
/// let bytes = stats::to_xlsx_bytes(&rows, &stats::headers_zh(StatsTable::OrgLife), "org_life", &head).unwrap();
/// assert_eq!(&bytes[..2], b"PK");
/// ```
pub fn to_xlsx_bytes<R: Row>(
    rows: &[R],
    headers_zh: &[String],
    sheet: &str,
    head: &SheetHead,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let columns = R::columns();
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let ids = Format::new().set_italic();
    let pct = Format::new().set_num_format("0.00%");
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let top = u32::from(head.title.is_some());
    if let Some(title) = &head.title {
        let big = Format::new().set_bold().set_font_size(14);
        let last = columns.len().saturating_sub(1) as u16;
        if last > 0 {
            ws.merge_range(0, 0, 0, last, title, &big)?;
        } else {
            ws.write_string_with_format(0, 0, title, &big)?;
        }
    }
    for (c, col) in columns.iter().enumerate() {
        let c = c as u16;
        let zh = headers_zh.get(c as usize).map_or(col.name, String::as_str);
        ws.write_string_with_format(top, c, zh, &bold)?;
        ws.write_string_with_format(top + 1, c, col.name, &ids)?;
        ws.set_column_width(c, 12)?;
    }
    ws.set_freeze_panes(top + 2, 0)?;
    let named = |col: &str| matches!(col, "scope" | "parent");
    for (r, row) in rows.iter().enumerate() {
        let xr = r as u32 + top + 2;
        for (c, (col, cell)) in columns.iter().zip(row.cells()).enumerate() {
            let xc = c as u16;
            match cell {
                Cell::Null => {}
                Cell::Float(x) if is_rate(col.name) => {
                    ws.write_number_with_format(xr, xc, x, &pct)?;
                }
                Cell::Float(x) => {
                    ws.write_number(xr, xc, x)?;
                }
                Cell::Int(n) => {
                    ws.write_number(xr, xc, n as f64)?;
                }
                Cell::Bool(b) => {
                    ws.write_boolean(xr, xc, b)?;
                }
                other => {
                    let text = other.to_exact_text();
                    let text = match head.names.get(&text) {
                        Some(name) if named(col.name) => name.clone(),
                        _ => text,
                    };
                    ws.write_string(xr, xc, text)?;
                }
            }
        }
    }
    wb.save_to_buffer()
}
