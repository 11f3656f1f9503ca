//! Pseudonymizing a ledger before it leaves the office: people's names and ids replaced,
//! free text that may name people removed, every metric unchanged.
//!
//! [`pseudonymize`] does, to a copy of the ledger:
//! - every person id becomes `P` and the first 12 hexadecimal digits of
//!   SHA-256(salt, 0, id) (more digits in the rare case two would clash, or clash with
//!   another id of the ledger), and every reference to it follows (`roles.person`,
//!   `activities.people`); the same ledger and salt always give the same pseudonyms, and a
//!   person keeps theirs from one month's ledger to the next. Keep the salt secret: ids are
//!   easy to guess, so with the salt the hashes can be reversed by trying them. There is no
//!   default salt: without one, [`random_salt`] draws one (the command line and Python do),
//!   and the pseudonyms cannot be recomputed by anyone, nor matched with another export;
//! - every person's name becomes their pseudonym;
//! - the free-text `note` columns of elections, progress, activities and observations, and
//!   `exemptions.reason`, are emptied;
//! - an `x_` column is dropped, in every table, when its name contains one of
//!   [`SENSITIVE_WORDS`] (`x_note`, `x_name`, `x_phone`, `x_备注`, `x_身份证号码`...) or
//!   when some value of it looks like a resident identity number (18 characters, 17 digits
//!   and a digit or `X`); other `x_` columns are kept as they are (check them: a column of
//!   your own may still hold personal data);
//! - with [`PseudonymizeOptions::coarsen_birth_dates`], a birth date becomes 1 January of
//!   its year. Ages computed from it then move by up to a year, so age-based metrics (young
//!   cadres) may change; without it every metric is unchanged, because only the identity of
//!   people matters to the metrics, and that is kept.
//!
//! Units, organisations, initiatives and their names are not personal data and are kept.
//!
//! ```
//! use dangjian::privacy::{pseudonymize, PseudonymizeOptions};
//!
//! let ledger = dangjian::example();
//! let opts = PseudonymizeOptions { coarsen_birth_dates: false, salt: "a secret".into() };
//! let shared = pseudonymize(&ledger, &opts);
//! assert!(shared.people.iter().all(|p| p.id.as_str().starts_with('P') && p.name == p.id.as_str()));
//! assert_eq!(shared, pseudonymize(&ledger, &opts)); // stable
//! assert!(!shared.validate().has_errors());
//! ```

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

use crate::model::{Extra, Ledger, PersonId};

/// How to pseudonymize.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PseudonymizeOptions {
    /// Replace each birth date by 1 January of its year (age metrics may then change).
    pub coarsen_birth_dates: bool,
    /// Mixed into every pseudonym: the same salt gives the same pseudonyms. Keep it secret.
    pub salt: String,
}

/// An `x_` column whose name contains one of these words (ignoring case) is dropped: it may
/// hold a name, free text or contact details.
pub const SENSITIVE_WORDS: &[&str] = &[
    "name",
    "note",
    "remark",
    "comment",
    "phone",
    "mobile",
    "tel",
    "email",
    "address",
    "id_card",
    "idcard",
    "姓名",
    "名字",
    "备注",
    "说明",
    "电话",
    "手机",
    "邮箱",
    "地址",
    "身份证",
    "证件",
    "identity",
    "id_number",
];

/// Whether a text looks like a resident identity number (身份证号码): 18 characters, the
/// first 17 digits, the last a digit or `X`.
///
/// ```
/// use dangjian::privacy::looks_like_identity_number;
/// assert!(looks_like_identity_number("33078419900101123X"));
/// assert!(!looks_like_identity_number("p_zhumin"));
/// ```
pub fn looks_like_identity_number(s: &str) -> bool {
    let b = s.trim().as_bytes();
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x')
}

/// A fresh random salt (32 hexadecimal digits from the operating system's generator), for a
/// pseudonymization whose pseudonyms nobody can recompute.
///
/// ```
/// let (a, b) = (dangjian::privacy::random_salt(), dangjian::privacy::random_salt());
/// assert_eq!(a.len(), 32);
/// assert_ne!(a, b);
/// ```
pub fn random_salt() -> String {
    let mut buf = [0u8; 16];
    if getrandom::fill(&mut buf).is_err() {
        // No system generator (very unusual): fall back to the time and the process, still
        // unknown to whoever reads the export.
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let mut h = Sha256::new();
        h.update(t.to_le_bytes());
        h.update(std::process::id().to_le_bytes());
        buf.copy_from_slice(&h.finalize()[..16]);
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether an `x_` column is dropped by [`pseudonymize`].
pub fn is_sensitive_column(name: &str) -> bool {
    let lower = name.to_lowercase();
    SENSITIVE_WORDS.iter().any(|w| lower.contains(w))
}

fn pseudonym(salt: &str, id: &str, digits: usize) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update([0u8]);
    h.update(id.as_bytes());
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("P{}", &hex[..digits.min(hex.len())])
}

fn scrub(extra: &mut Extra, identity_columns: &HashSet<String>) {
    extra.retain(|k, _| !is_sensitive_column(k) && !identity_columns.contains(k));
}

/// The `x_` columns (of any table) where some value looks like an identity number.
fn identity_columns(l: &Ledger) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut look = |e: &Extra| {
        for (k, v) in e {
            if looks_like_identity_number(v) {
                out.insert(k.clone());
            }
        }
    };
    l.units.iter().for_each(|x| look(&x.extra));
    l.designations.iter().for_each(|x| look(&x.extra));
    l.orgs.iter().for_each(|x| look(&x.extra));
    l.elections.iter().for_each(|x| look(&x.extra));
    l.people.iter().for_each(|x| look(&x.extra));
    l.roles.iter().for_each(|x| look(&x.extra));
    l.initiatives.iter().for_each(|x| look(&x.extra));
    l.progress.iter().for_each(|x| look(&x.extra));
    l.activities.iter().for_each(|x| look(&x.extra));
    l.duties.iter().for_each(|x| look(&x.extra));
    l.indicators.iter().for_each(|x| look(&x.extra));
    l.observations.iter().for_each(|x| look(&x.extra));
    l.targets.iter().for_each(|x| look(&x.extra));
    l.exemptions.iter().for_each(|x| look(&x.extra));
    out
}

/// A pseudonymized copy of a ledger (see the [module](self) documentation for exactly what
/// changes).
pub fn pseudonymize(ledger: &Ledger, opts: &PseudonymizeOptions) -> Ledger {
    let mut l = ledger.clone();
    let ids = identity_columns(&l);
    // Ids of the other tables, which a pseudonym must not take.
    let mut taken: HashSet<String> = HashSet::new();
    taken.extend(l.units.iter().map(|u| u.id.as_str().to_string()));
    taken.extend(l.orgs.iter().map(|o| o.id.as_str().to_string()));
    taken.extend(l.initiatives.iter().map(|i| i.id.as_str().to_string()));
    let mut map: HashMap<String, PersonId> = HashMap::new();
    for p in &l.people {
        if map.contains_key(p.id.as_str()) {
            continue; // a duplicate id (an invalid ledger) keeps one pseudonym
        }
        let mut digits = 12;
        let new = loop {
            let candidate = pseudonym(&opts.salt, p.id.as_str(), digits);
            if digits >= 64 || !taken.contains(&candidate) {
                break candidate;
            }
            digits += 4;
        };
        taken.insert(new.clone());
        map.insert(p.id.as_str().to_string(), PersonId::new(new));
    }
    let rename = |id: &PersonId| map.get(id.as_str()).cloned().unwrap_or_else(|| id.clone());
    for p in &mut l.people {
        p.id = rename(&p.id);
        p.name = p.id.as_str().to_string();
        if opts.coarsen_birth_dates {
            p.birth_date = p
                .birth_date
                .and_then(|b| NaiveDate::from_ymd_opt(b.year(), 1, 1));
        }
        scrub(&mut p.extra, &ids);
    }
    for r in &mut l.roles {
        r.person = rename(&r.person);
        scrub(&mut r.extra, &ids);
    }
    for a in &mut l.activities {
        a.people = a.people.iter().map(&rename).collect();
        a.note = None;
        scrub(&mut a.extra, &ids);
    }
    for e in &mut l.elections {
        e.note = None;
        scrub(&mut e.extra, &ids);
    }
    for p in &mut l.progress {
        p.note = None;
        scrub(&mut p.extra, &ids);
    }
    for o in &mut l.observations {
        o.note = None;
        scrub(&mut o.extra, &ids);
    }
    l.units.iter_mut().for_each(|x| scrub(&mut x.extra, &ids));
    l.designations
        .iter_mut()
        .for_each(|x| scrub(&mut x.extra, &ids));
    l.orgs.iter_mut().for_each(|x| scrub(&mut x.extra, &ids));
    l.initiatives
        .iter_mut()
        .for_each(|x| scrub(&mut x.extra, &ids));
    l.duties.iter_mut().for_each(|x| scrub(&mut x.extra, &ids));
    l.indicators
        .iter_mut()
        .for_each(|x| scrub(&mut x.extra, &ids));
    l.targets.iter_mut().for_each(|x| scrub(&mut x.extra, &ids));
    for x in &mut l.exemptions {
        x.reason = None;
        scrub(&mut x.extra, &ids);
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(salt: &str) -> PseudonymizeOptions {
        PseudonymizeOptions {
            coarsen_birth_dates: false,
            salt: salt.into(),
        }
    }

    #[test]
    fn pseudonyms_are_stable_salted_and_unique() {
        let l = crate::example();
        let a = pseudonymize(&l, &opts("s1"));
        let b = pseudonymize(&l, &opts("s1"));
        let c = pseudonymize(&l, &opts("s2"));
        assert_eq!(a, b);
        assert_ne!(a.people[0].id, c.people[0].id);
        let ids: HashSet<&str> = a.people.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids.len(), l.people.len());
        // "P" and 12 hex digits.
        assert!(a.people.iter().all(|p| p.id.as_str().len() == 13));
        // No original id or name survives anywhere in the people table.
        for (orig, new) in l.people.iter().zip(&a.people) {
            assert_ne!(orig.id, new.id);
            assert_ne!(orig.name, new.name);
            assert_eq!(orig.org, new.org);
        }
    }

    #[test]
    fn references_follow_and_notes_go() {
        let l = crate::example();
        let a = pseudonymize(&l, &opts("s"));
        let map: HashMap<&str, &str> = l
            .people
            .iter()
            .zip(&a.people)
            .map(|(o, n)| (o.id.as_str(), n.id.as_str()))
            .collect();
        for (o, n) in l.roles.iter().zip(&a.roles) {
            assert_eq!(map[o.person.as_str()], n.person.as_str());
        }
        for (o, n) in l.activities.iter().zip(&a.activities) {
            let want: Vec<&str> = o.people.iter().map(|p| map[p.as_str()]).collect();
            let got: Vec<&str> = n.people.iter().map(|p| p.as_str()).collect();
            assert_eq!(want, got);
            assert_eq!(n.note, None);
        }
        assert!(a.elections.iter().all(|e| e.note.is_none()));
        assert!(a.progress.iter().all(|e| e.note.is_none()));
        assert!(a.observations.iter().all(|e| e.note.is_none()));
        // The example's people carry x_note (titles) and x_source: the first goes, the second stays.
        assert!(l.people.iter().any(|p| p.extra.contains_key("x_note")));
        assert!(a
            .people
            .iter()
            .all(|p| !p.extra.contains_key("x_note") && p.extra.contains_key("x_source")));
        // Roles keep x_title: not a sensitive word.
        assert!(a.roles.iter().any(|r| r.extra.contains_key("x_title")));
    }

    #[test]
    fn birth_dates_coarsen_to_the_first_of_january() {
        let mut l = Ledger::new();
        let mut p = crate::model::Person::new("p1", "李四");
        p.birth_date = NaiveDate::from_ymd_opt(1990, 8, 17);
        l.people.push(p);
        let o = PseudonymizeOptions {
            coarsen_birth_dates: true,
            salt: String::new(),
        };
        assert_eq!(
            pseudonymize(&l, &o).people[0].birth_date,
            NaiveDate::from_ymd_opt(1990, 1, 1)
        );
        assert_eq!(
            pseudonymize(&l, &opts("")).people[0].birth_date,
            NaiveDate::from_ymd_opt(1990, 8, 17)
        );
    }

    #[test]
    fn a_pseudonym_never_takes_another_tables_id() {
        let mut l = Ledger::new();
        l.people.push(crate::model::Person::new("p1", "王五"));
        let clash = pseudonym("", "p1", 12);
        l.units.push(crate::model::Unit::new(
            clash.as_str(),
            crate::model::UnitKind::District,
            "区",
        ));
        let a = pseudonymize(&l, &opts(""));
        assert_ne!(a.people[0].id.as_str(), clash);
        assert_eq!(a.people[0].id.as_str(), pseudonym("", "p1", 16));
    }

    #[test]
    fn identity_numbers_and_exemption_reasons_never_leave() {
        let mut l = Ledger::new();
        let mut p = crate::model::Person::new("p1", "王五");
        p.extra.insert("x_sfz".into(), "33078419900101123X".into());
        p.extra.insert("x_grade".into(), "3".into());
        l.people.push(p);
        let mut p = crate::model::Person::new("p2", "赵六");
        p.extra.insert("x_sfz".into(), "not given".into());
        l.people.push(p);
        let mut x = crate::model::Exemption::new(
            "member_assembly",
            "b1",
            NaiveDate::from_ymd_opt(2019, 4, 1).unwrap(),
        );
        x.reason = Some("书记王五病休".into());
        l.exemptions.push(x);
        let a = pseudonymize(&l, &opts("s"));
        // The column goes from every row once one value is an identity number.
        assert!(a.people.iter().all(|p| !p.extra.contains_key("x_sfz")));
        assert_eq!(
            a.people[0].extra.get("x_grade").map(String::as_str),
            Some("3")
        );
        assert_eq!(a.exemptions[0].reason, None);
        assert_eq!(a.exemptions[0].subject.as_str(), "b1");
    }
}
