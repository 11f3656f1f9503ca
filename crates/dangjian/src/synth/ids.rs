//! The shapes of a generated ledger's ids ([`IdShape`]): the same ledger with its ids
//! numbered in a row (as generated), as UUIDs or as identity and other long numbers.
//!
//! The ledger is generated numbered, then every id of a unit, organisation, person,
//! initiative and activity is renamed, in every record and every reference, from a random
//! stream of its own (so every other record is as it was: only names change, and the
//! metrics are the same). Duties and indicators keep their ids (`road_patrol`, `members`):
//! they are words of the ledger's configuration, not records gathered from many systems.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};

use super::Rng;
use crate::model::{ActivityId, InitiativeId, OrgId, PersonId, Sym, TargetId, UnitId};
use crate::Ledger;

/// What the ids of a generated ledger look like (`dangjian generate --ids`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum IdShape {
    /// Numbered in a row, as written by hand or by one system: `p3094` (a person), `a1042`
    /// (an activity), `d3a1v17` (a village), `ov1_17` (its branch). The default.
    #[default]
    Numbered,
    /// RFC 4122 version-4 UUIDs in lowercase text (`1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b`)
    /// for every unit, organisation, person, initiative and activity, as made on phones
    /// and by platforms: 36 characters each, in no order.
    Uuid,
    /// Numbers, as exported by registries: people by 18-character identity numbers (region,
    /// birth date, sequence and a check digit that may be `X`), units by 12-digit division
    /// codes, organisations by 14 digits, initiatives by 10 and activities by 16, each
    /// drawn at random (so in no order).
    Identity,
}

impl IdShape {
    /// Every shape, the default first.
    pub const ALL: [IdShape; 3] = [IdShape::Numbered, IdShape::Uuid, IdShape::Identity];

    /// The shape's name (`numbered`, `uuid`, `identity`).
    pub fn name(self) -> &'static str {
        match self {
            IdShape::Numbered => "numbered",
            IdShape::Uuid => "uuid",
            IdShape::Identity => "identity",
        }
    }
}

impl std::fmt::Display for IdShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for IdShape {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        IdShape::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| format!("`{s}` is no id shape; use numbered, uuid or identity"))
    }
}

/// Region codes (县级行政区划代码) the identity numbers are drawn from.
const REGIONS: &[u32] = &[
    330_702, 330_703, 330_723, 330_726, 330_727, 330_781, 330_782, 330_783, 330_784, 330_802,
    330_803, 330_881, 331_002, 331_081, 331_082, 330_106, 330_108, 330_110, 330_122, 330_185,
];

/// Renames the ids of `l` to `shape` (nothing to do for [`IdShape::Numbered`]), drawing
/// from a stream seeded by `seed`.
pub(super) fn reshape(l: &mut Ledger, shape: IdShape, seed: u64) {
    if shape == IdShape::Numbered {
        return;
    }
    let mut names = Names {
        rng: Rng::new(seed ^ 0x1d5_0000_0000_0000),
        shape,
        taken: HashSet::new(),
        to: HashMap::new(),
    };
    for u in &l.units {
        names.rename(u.id.sym(), Kind::Unit, None);
    }
    for o in &l.orgs {
        names.rename(o.id.sym(), Kind::Org, None);
    }
    for p in &l.people {
        names.rename(p.id.sym(), Kind::Person, p.birth_date);
    }
    for i in &l.initiatives {
        names.rename(i.id.sym(), Kind::Initiative, None);
    }
    let map = std::mem::take(&mut names.to);
    let to = |s: Sym| map.get(&s).copied().unwrap_or(s);
    let unit = |x: &mut UnitId| *x = UnitId::from(to(x.sym()));
    let org = |x: &mut OrgId| *x = OrgId::from(to(x.sym()));
    let person = |x: &mut PersonId| *x = PersonId::from(to(x.sym()));
    let target = |x: &mut TargetId| *x = TargetId::from(to(x.sym()));
    let initiative = |x: &mut InitiativeId| *x = InitiativeId::from(to(x.sym()));
    for u in &mut l.units {
        unit(&mut u.id);
        u.parent.as_mut().map(unit);
    }
    for d in &mut l.designations {
        unit(&mut d.unit);
    }
    for o in &mut l.orgs {
        org(&mut o.id);
        o.hosts.iter_mut().for_each(unit);
        o.parent.as_mut().map(org);
    }
    for e in &mut l.elections {
        org(&mut e.org);
    }
    for p in &mut l.people {
        person(&mut p.id);
        p.org.as_mut().map(org);
        p.workplace.as_mut().map(unit);
    }
    for r in &mut l.roles {
        person(&mut r.person);
        target(&mut r.target);
    }
    for i in &mut l.initiatives {
        initiative(&mut i.id);
        i.unit.as_mut().map(unit);
        i.owner.as_mut().map(org);
    }
    for p in &mut l.progress {
        initiative(&mut p.initiative);
    }
    for o in &mut l.observations {
        unit(&mut o.unit);
    }
    for t in &mut l.targets {
        t.scope.as_mut().map(unit);
    }
    for x in &mut l.exemptions {
        target(&mut x.subject);
    }
    for a in &mut l.activities {
        target(&mut a.subject);
        a.people.iter_mut().for_each(person);
        if a.id.is_some() {
            a.id = Some(ActivityId::new(names.fresh(Kind::Activity, None)));
        }
    }
}

/// What an id names, for its shape.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Unit,
    Org,
    Person,
    Initiative,
    Activity,
}

/// The new names: drawn at random, never twice.
struct Names {
    rng: Rng,
    shape: IdShape,
    taken: HashSet<String>,
    to: HashMap<Sym, Sym>,
}

impl Names {
    /// Gives `old` a new name (once: an id named again keeps its first new name).
    fn rename(&mut self, old: Sym, kind: Kind, birth: Option<NaiveDate>) {
        if !self.to.contains_key(&old) {
            let new = self.fresh(kind, birth);
            self.to.insert(old, Sym::new(&new));
        }
    }

    /// A name not drawn before.
    fn fresh(&mut self, kind: Kind, birth: Option<NaiveDate>) -> String {
        loop {
            let name = self.draw(kind, birth);
            if self.taken.insert(name.clone()) {
                return name;
            }
        }
    }

    fn draw(&mut self, kind: Kind, birth: Option<NaiveDate>) -> String {
        let rng = &mut self.rng;
        match (self.shape, kind) {
            (IdShape::Uuid | IdShape::Numbered, _) => uuid_v4(rng.next_u64(), rng.next_u64()),
            (IdShape::Identity, Kind::Person) => identity_number(rng, birth),
            (IdShape::Identity, Kind::Unit) => digits(rng, 12),
            (IdShape::Identity, Kind::Org) => digits(rng, 14),
            (IdShape::Identity, Kind::Initiative) => digits(rng, 10),
            (IdShape::Identity, Kind::Activity) => digits(rng, 16),
        }
    }
}

/// A version-4 UUID from 128 random bits (6 of them set to the version and variant), in
/// lowercase hexadecimal, 8-4-4-4-12.
pub(crate) fn uuid_v4(hi: u64, lo: u64) -> String {
    let hi = (hi & !0xF000) | 0x4000;
    let lo = (lo & !(0b11 << 62)) | (0b10 << 62);
    let h = format!("{hi:016x}{lo:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// `n` random digits, the first not 0.
fn digits(rng: &mut Rng, n: u32) -> String {
    let lo = 10u64.pow(n - 1);
    let v = rng.range(lo as i64, (lo * 10 - 1) as i64);
    v.to_string()
}

/// An 18-character identity number (GB 11643): a region code, the birth date (drawn when
/// unknown), a sequence number and the ISO 7064 MOD 11-2 check character (`0`-`9` or `X`).
fn identity_number(rng: &mut Rng, birth: Option<NaiveDate>) -> String {
    let region = REGIONS[rng.below(REGIONS.len())];
    let birth = birth.unwrap_or_else(|| {
        let a = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap_or_default();
        let b = NaiveDate::from_ymd_opt(1999, 12, 31).unwrap_or_default();
        rng.date(a, b)
    });
    let seq = rng.below(1000);
    let body = format!(
        "{region:06}{:04}{:02}{:02}{seq:03}",
        birth.year(),
        birth.month(),
        birth.day()
    );
    let sum: u32 = body
        .bytes()
        .zip([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_have_the_version_and_variant_of_version_4() {
        let u = uuid_v4(u64::MAX, 0);
        assert_eq!(u, "ffffffff-ffff-4fff-8000-000000000000");
        assert_eq!(uuid_v4(0, u64::MAX), "00000000-0000-4000-bfff-ffffffffffff");
    }

    #[test]
    fn identity_numbers_carry_the_birth_date_and_a_valid_check_character() {
        let mut rng = Rng::new(3);
        let birth = NaiveDate::from_ymd_opt(1990, 1, 1);
        for _ in 0..200 {
            let id = identity_number(&mut rng, birth);
            assert_eq!(id.len(), 18);
            assert_eq!(&id[6..14], "19900101");
            // The check: the weighted sum of all 18 (X = 10) is 1 modulo 11.
            let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2, 1];
            let sum: u32 = id
                .bytes()
                .zip(w)
                .map(|(c, w)| if c == b'X' { 10 } else { u32::from(c - b'0') } * w)
                .sum();
            assert_eq!(sum % 11, 1, "{id}");
        }
    }

    #[test]
    fn shapes_are_named() {
        for s in IdShape::ALL {
            assert_eq!(s.name().parse::<IdShape>(), Ok(s));
        }
        assert!("serial".parse::<IdShape>().is_err());
    }
}
