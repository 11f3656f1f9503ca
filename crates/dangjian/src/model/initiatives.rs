//! Initiatives (key tasks, projects, campaigns) and their progress updates.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ids::{InitiativeId, OrgId, UnitId};
use super::vocab::vocabulary;
use super::Extra;

vocabulary!(
    /// One of the three programmes of the red trilogy (`initiatives.programme`).
    Programme, "programme", {
        /// 红色成长
        Growth => ("growth", "红色成长", "red growth"),
        /// 红色引领
        Leading => ("leading", "红色引领", "red leading"),
        /// 红色覆盖
        Coverage => ("coverage", "红色覆盖", "red coverage"),
    }
);

vocabulary!(
    /// The kind of an initiative (`initiatives.kind`).
    InitiativeKind, "initiative kind", {
        /// 重难点工作
        KeyTask => ("key_task", "重难点工作", "key task"),
        /// 重大项目
        Project => ("project", "重大项目", "project"),
        /// 专项行动
        Campaign => ("campaign", "专项行动", "campaign"),
    }
);

/// An initiative (`initiatives` table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Initiative {
    /// Unique id.
    pub id: InitiativeId,
    /// Kind.
    pub kind: InitiativeKind,
    /// Programme it belongs to.
    pub programme: Programme,
    /// Title.
    pub title: String,
    /// Where it happens.
    pub unit: Option<UnitId>,
    /// Who owns it (usually a tackling group).
    pub owner: Option<OrgId>,
    /// Planned start.
    pub start: Option<NaiveDate>,
    /// Deadline.
    pub deadline: NaiveDate,
    /// Weight (> 0); `None` means the default 1.
    pub weight: Option<f64>,
    /// Extra `x_` columns.
    pub extra: Extra,
}

impl Initiative {
    /// An initiative with the required fields set.
    pub fn new(
        id: impl Into<InitiativeId>,
        kind: InitiativeKind,
        programme: Programme,
        title: impl Into<String>,
        deadline: NaiveDate,
    ) -> Self {
        Initiative {
            id: id.into(),
            kind,
            programme,
            title: title.into(),
            unit: None,
            owner: None,
            start: None,
            deadline,
            weight: None,
            extra: Extra::new(),
        }
    }

    /// The weight, 1 when not given.
    pub fn weight(&self) -> f64 {
        self.weight.unwrap_or(1.0)
    }
}

/// A dated progress update of an initiative (`progress` table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// The initiative.
    pub initiative: InitiativeId,
    /// Day of the update.
    pub date: NaiveDate,
    /// Percent complete, 0 to 100.
    pub percent: f64,
    /// Free text.
    pub note: Option<String>,
    /// Extra `x_` columns.
    pub extra: Extra,
}
