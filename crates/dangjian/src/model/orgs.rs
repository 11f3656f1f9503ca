//! Party organisations and their elections.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ids::{OrgId, UnitId};
use super::vocab::vocabulary;
use super::{active_on, Extra};

vocabulary!(
    /// The kind of a party organisation (`orgs.kind`).
    OrgKind, "org kind", {
        /// 党委
        Committee => ("committee", "党委", "party committee"),
        /// 党总支
        GeneralBranch => ("general_branch", "党总支", "general branch"),
        /// 党支部
        Branch => ("branch", "党支部", "branch"),
        /// 联合党支部: covers several units
        JointBranch => ("joint_branch", "联合党支部", "joint branch"),
        /// 党小组
        Group => ("group", "党小组", "party group"),
        /// 攻坚党小组: task-bound
        TaskForce => ("task_force", "攻坚党小组", "tackling group"),
        /// 区域委员会: co-building across villages
        RegionalCommittee => ("regional_committee", "区域委员会", "regional committee"),
        /// 两新委员会
        TwoNewCommittee => ("two_new_committee", "两新委员会", "two-new committee"),
    }
);

impl OrgKind {
    /// Committees, general branches, branches and joint branches: the kinds that give
    /// organisation coverage and are renewed by election.
    pub fn is_primary(self) -> bool {
        matches!(
            self,
            OrgKind::Committee | OrgKind::GeneralBranch | OrgKind::Branch | OrgKind::JointBranch
        )
    }
}

/// A party organisation (`orgs` table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Org {
    /// Unique id.
    pub id: OrgId,
    /// Kind.
    pub kind: OrgKind,
    /// Name.
    pub name: String,
    /// The units it is hosted by (at least one).
    pub hosts: Vec<UnitId>,
    /// Parent organisation.
    pub parent: Option<OrgId>,
    /// Day it was set up.
    pub established: NaiveDate,
    /// Last day it existed.
    pub dissolved: Option<NaiveDate>,
    /// Extra `x_` columns.
    pub extra: Extra,
}

impl Org {
    /// An organisation with the required fields set.
    pub fn new(
        id: impl Into<OrgId>,
        kind: OrgKind,
        name: impl Into<String>,
        hosts: Vec<UnitId>,
        established: NaiveDate,
    ) -> Self {
        Org {
            id: id.into(),
            kind,
            name: name.into(),
            hosts,
            parent: None,
            established,
            dissolved: None,
            extra: Extra::new(),
        }
    }

    /// Whether the organisation exists on day `d`.
    pub fn active_on(&self, d: NaiveDate) -> bool {
        active_on(Some(self.established), self.dissolved, d)
    }
}

/// An election of a committee or secretary: starts a term (`elections` table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Election {
    /// The organisation.
    pub org: OrgId,
    /// Day of the election.
    pub date: NaiveDate,
    /// Free text.
    pub note: Option<String>,
    /// Extra `x_` columns.
    pub extra: Extra,
}
