//! Units: the places and bodies that party work covers, and their designations.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ids::UnitId;
use super::vocab::vocabulary;
use super::{active_on, Extra};

vocabulary!(
    /// The kind of a unit (`units.kind`).
    UnitKind, "unit kind", {
        /// 新区 / 区
        District => ("district", "新区", "district"),
        /// 片: a group of villages
        Area => ("area", "片", "area"),
        /// 村
        Village => ("village", "村", "village"),
        /// 区块: an industrial block
        Block => ("block", "区块", "industrial block"),
        /// 企业 (flag `above_scale` for 规模以上)
        Enterprise => ("enterprise", "企业", "enterprise"),
        /// 车间
        Workshop => ("workshop", "车间", "workshop"),
        /// 道路 / 路段
        Road => ("road", "道路", "road"),
        /// 机关 / 职能办
        Office => ("office", "职能办", "office"),
    }
);

/// A unit of the tree rooted at the district (`units` table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// Unique id.
    pub id: UnitId,
    /// What kind of unit.
    pub kind: UnitKind,
    /// Display name (usually Chinese).
    pub name: String,
    /// The parent unit; `None` only for the root.
    pub parent: Option<UnitId>,
    /// 规模以上: an above-scale enterprise.
    pub above_scale: bool,
    /// Length in metres (roads).
    pub length_m: Option<f64>,
    /// 在岗职工: employees on the payroll (enterprises), a whole number.
    pub employees: Option<u64>,
    /// First day the unit exists.
    pub since: Option<NaiveDate>,
    /// Last day the unit exists.
    pub until: Option<NaiveDate>,
    /// Free tags.
    pub tags: Vec<String>,
    /// Extra `x_` columns, kept untouched.
    pub extra: Extra,
}

impl Unit {
    /// A unit with only the required fields set.
    pub fn new(id: impl Into<UnitId>, kind: UnitKind, name: impl Into<String>) -> Self {
        Unit {
            id: id.into(),
            kind,
            name: name.into(),
            parent: None,
            employees: None,
            above_scale: false,
            length_m: None,
            since: None,
            until: None,
            tags: Vec::new(),
            extra: Extra::new(),
        }
    }

    /// Sets the parent (builder style).
    pub fn with_parent(mut self, parent: impl Into<UnitId>) -> Self {
        self.parent = Some(parent.into());
        self
    }

    /// Whether the unit exists on day `d`.
    pub fn active_on(&self, d: NaiveDate) -> bool {
        active_on(self.since, self.until, d)
    }
}

super::ids::sym_type!(
    /// A designation name (`designations.designation`): an open vocabulary.
    Designation
);

impl Designation {
    /// 红色车间
    pub const RED_WORKSHOP: &'static str = "red_workshop";
    /// 红色美丽线
    pub const BEAUTIFUL_LINE: &'static str = "beautiful_line";
    /// 红色美丽圈
    pub const BEAUTIFUL_CIRCLE: &'static str = "beautiful_circle";
    /// 田园综合体
    pub const FIELD_COMPLEX: &'static str = "field_complex";
    /// 最美路段
    pub const MODEL_ROAD: &'static str = "model_road";
    /// The designations named in docs/DOMAIN.md with their Chinese and English labels.
    pub const KNOWN: &'static [(&'static str, &'static str, &'static str)] = &[
        ("red_workshop", "红色车间", "red workshop"),
        ("beautiful_line", "红色美丽线", "red beautiful line"),
        ("beautiful_circle", "红色美丽圈", "red beautiful circle"),
        ("field_complex", "田园综合体", "field complex"),
        ("model_road", "最美路段", "model road"),
    ];

    /// The Chinese label of a known designation.
    pub fn zh(&self) -> Option<&'static str> {
        Self::KNOWN
            .iter()
            .find(|k| k.0 == self.as_str())
            .map(|k| k.1)
    }
}

/// A unit marked with a designation for a while (`designations` table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DesignationRecord {
    /// The designated unit.
    pub unit: UnitId,
    /// The designation.
    pub designation: Designation,
    /// First day.
    pub since: NaiveDate,
    /// Last day, if it ended.
    pub until: Option<NaiveDate>,
    /// Extra `x_` columns.
    pub extra: Extra,
}

impl DesignationRecord {
    /// Whether the designation holds on day `d`.
    pub fn active_on(&self, d: NaiveDate) -> bool {
        active_on(Some(self.since), self.until, d)
    }
}
