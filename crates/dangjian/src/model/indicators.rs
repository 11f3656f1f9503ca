//! Outcome indicators, their observations, and targets.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ids::{IndicatorId, UnitId};
use super::vocab::vocabulary;
use super::Extra;

vocabulary!(
    /// How an indicator combines the values of several units (`indicators.aggregate`).
    Aggregate, "aggregate", {
        /// Sum (the default).
        Sum => ("sum", "合计", "sum"),
        /// Mean.
        Mean => ("mean", "平均", "mean"),
        /// Minimum.
        Min => ("min", "最小", "minimum"),
        /// Maximum.
        Max => ("max", "最大", "maximum"),
    }
);

/// An outcome indicator (`indicators` table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Id matching `[A-Za-z_][A-Za-z0-9_]*`.
    pub id: IndicatorId,
    /// Name.
    pub name: String,
    /// Unit of measure (亩, 元...).
    pub measure: Option<String>,
    /// How units combine; `None` means sum.
    pub aggregate: Option<Aggregate>,
    /// A formula over other indicators (`lotus_area * lotus_revenue_per_mu`).
    pub formula: Option<String>,
    /// Extra `x_` columns.
    pub extra: Extra,
}

impl Indicator {
    /// The aggregate, `Sum` when not given.
    pub fn aggregate(&self) -> Aggregate {
        self.aggregate.unwrap_or(Aggregate::Sum)
    }
}

/// A measured value of an indicator at a unit on a day (`observations` table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// Indicator.
    pub indicator: IndicatorId,
    /// Where.
    pub unit: UnitId,
    /// When.
    pub date: NaiveDate,
    /// Value.
    pub value: f64,
    /// Free text.
    pub note: Option<String>,
    /// Extra `x_` columns.
    pub extra: Extra,
}

/// A target value for a metric or indicator, due on a day (`targets` table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// A metric id (`coverage.org`) or an indicator id (`lotus_area`).
    pub metric: String,
    /// The scope unit; `None` means the root.
    pub scope: Option<UnitId>,
    /// Due day.
    pub due: NaiveDate,
    /// Target value.
    pub value: f64,
    /// Baseline (0 when empty).
    pub baseline: Option<f64>,
    /// Extra `x_` columns.
    pub extra: Extra,
}
