//! People and their dated roles.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::ids::{OrgId, PersonId, TargetId, UnitId};
use super::vocab::vocabulary;
use super::{active_on, Extra};

vocabulary!(
    /// A role a person holds towards a unit, an organisation or an initiative (`roles.role`).
    RoleKind, "role", {
        /// 书记
        Secretary => ("secretary", "书记", "secretary"),
        /// 第一书记
        FirstSecretary => ("first_secretary", "第一书记", "first secretary"),
        /// 联村干部
        LiaisonCadre => ("liaison_cadre", "联村干部", "village-liaison cadre"),
        /// 班子成员
        Leadership => ("leadership", "班子成员", "leadership-team member"),
        /// 职能办人员
        Staff => ("staff", "职能办人员", "office staff"),
        /// 攻坚党小组组长
        Leader => ("leader", "攻坚党小组组长", "tackling-group leader"),
        /// 攻坚党小组成员
        Member => ("member", "攻坚党小组成员", "tackling-group member"),
        /// 突击队员
        ShockTeam => ("shock_team", "突击队员", "shock-team member"),
        /// 路长
        RoadChief => ("road_chief", "路长", "road chief"),
        /// 党建指导员
        Instructor => ("instructor", "党建指导员", "party-building instructor"),
        /// 联企班子成员: a leadership member answering for an enterprise's party building
        /// (班子成员联企联党建)
        EnterpriseLiaison => ("enterprise_liaison", "联企班子成员", "enterprise liaison"),
        /// 党代表
        PartyDelegate => ("party_delegate", "党代表", "party-congress delegate"),
        /// 人大代表
        NpcDeputy => ("npc_deputy", "人大代表", "people's-congress deputy"),
        /// 政协委员
        CppccMember => ("cppcc_member", "政协委员", "CPPCC member"),
        /// 村民代表
        VillagerRep => ("villager_rep", "村民代表", "villagers' representative"),
    }
);

impl RoleKind {
    /// Whether holding this role makes a person a cadre (干部).
    pub fn is_cadre(self) -> bool {
        matches!(
            self,
            RoleKind::Secretary
                | RoleKind::FirstSecretary
                | RoleKind::LiaisonCadre
                | RoleKind::Leadership
                | RoleKind::EnterpriseLiaison
                | RoleKind::Staff
                | RoleKind::Leader
                | RoleKind::ShockTeam
        )
    }
}

/// A person (`people` table). People are personal data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// Unique id.
    pub id: PersonId,
    /// Name.
    pub name: String,
    /// Birth date.
    pub birth_date: Option<NaiveDate>,
    /// The organisation of their party membership.
    pub org: Option<OrgId>,
    /// Admitted (probationary member, 预备党员).
    pub joined: Option<NaiveDate>,
    /// Confirmed (formal member, 正式党员).
    pub confirmed: Option<NaiveDate>,
    /// Where the member works (a unit, e.g. an enterprise): the basis of the enterprise
    /// statistics.
    pub workplace: Option<UnitId>,
    /// Extra `x_` columns.
    pub extra: Extra,
}

impl Person {
    /// A person with only id and name.
    pub fn new(id: impl Into<PersonId>, name: impl Into<String>) -> Self {
        Person {
            id: id.into(),
            name: name.into(),
            birth_date: None,
            org: None,
            joined: None,
            confirmed: None,
            workplace: None,
            extra: Extra::new(),
        }
    }

    /// Age in full years on `d` (the birthday counts on the day itself); `None` without a
    /// birth date.
    pub fn age_on(&self, d: NaiveDate) -> Option<i32> {
        self.birth_date.map(|b| age_in_full_years(b, d))
    }
}

/// Full years from `birth` to `d`: the birthday of `d`'s year counts once (month, day) of
/// `d` >= (month, day) of birth.
pub fn age_in_full_years(birth: NaiveDate, d: NaiveDate) -> i32 {
    let mut years = d.year() - birth.year();
    if (d.month(), d.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// A dated assignment of a person to a target (`roles` table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Role {
    /// Who.
    pub person: PersonId,
    /// Which role.
    pub role: RoleKind,
    /// Towards what: a unit, an organisation or an initiative.
    pub target: TargetId,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: Option<NaiveDate>,
    /// Extra `x_` columns.
    pub extra: Extra,
}

impl Role {
    /// A role assignment without an end.
    pub fn new(
        person: impl Into<PersonId>,
        role: RoleKind,
        target: impl Into<TargetId>,
        start: NaiveDate,
    ) -> Self {
        Role {
            person: person.into(),
            role,
            target: target.into(),
            start,
            end: None,
            extra: Extra::new(),
        }
    }

    /// Whether the assignment holds on day `d`.
    pub fn active_on(&self, d: NaiveDate) -> bool {
        active_on(Some(self.start), self.end, d)
    }
}
