//! Partitioned ledgers (`docs/PARTIALS.md`, "Parts"): the manifest `parts.toml`
//! ([`Manifest`]), [`split`] of one ledger into parts and a top, loading one part with what
//! the top gives every part ([`load_part`]), and the people and organisations that appear
//! in more than one part ([`Shared`], [`find_shared`]).
//!
//! [`split`] puts every row where its place is: the part whose root is, or is above, the
//! unit the row hangs on, or the top for a place above the parts. A row that would tie
//! two parts is copied into each that needs it, so that every part is an ordinary, valid
//! ledger on its own; [`Split::shared`] lists the people and organisations that end up in
//! more than one ledger (the top included).
//!
//! ```
//! use dangjian::ledger::parts;
//! use dangjian::model::UnitKind;
//! let whole = dangjian::example();
//! let split = parts::split(&whole, UnitKind::Area).unwrap();
//! let roots: Vec<&str> = split.parts.iter().map(|p| p.root.as_str()).collect();
//! assert_eq!(roots, ["huachuan_area", "lidian_area"]);
//! // The top keeps the district and whatever hangs above the areas, each area as a unit.
//! assert_eq!(split.top.roots().next().unwrap().id, "chengxi");
//! assert!(split.top.units.iter().any(|u| u.id == "lidian_area"));
//! // Each part is rooted at its area.
//! assert_eq!(split.parts[1].ledger.roots().next().unwrap().id, "lidian_area");
//!
//! let dir = std::env::temp_dir().join(format!("dangjian-parts-doc-{}", std::process::id()));
//! # std::fs::remove_dir_all(&dir).ok();
//! let manifest = split.write(&dir, dangjian::ledger::Form::Json, false).unwrap();
//! assert_eq!(manifest.root, "chengxi");
//! let again = parts::Manifest::read(dir.join("parts.toml")).unwrap();
//! assert_eq!(again.parts[0].root, "huachuan_area");
//! assert_eq!(again.shared, Some(split.shared.clone()));
//! let lidian = parts::load_part(dir.join("parts.toml"), Some("lidian_area")).unwrap();
//! assert_eq!(lidian, split.parts[1].ledger);
//! # std::fs::remove_dir_all(&dir).ok();
//! ```

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use smallvec::SmallVec;

use super::{Form, LedgerError, ValidateOptions};
use crate::model::{Ledger, Sym, SymMap, UnitId, UnitKind};

/// The file name of a partitioned ledger's manifest.
pub const MANIFEST: &str = "parts.toml";

/// The name [`Split::write`] gives the top ledger (with the form's extension, if any).
pub const TOP: &str = "_top";

/// The people and organisations that appear in more than one part of a partitioned ledger
/// (the same id in several parts), and the organisations with a `group` in a part they
/// are not in. A partial result carries these one by one, so that each counts once at
/// every scope that holds any of their appearances; everything else is summed. `split`
/// writes them into the manifest (`[shared]`); an id listed here that appears in one part
/// only costs a few bytes and changes no value, but for an org without `x_split_hosts`
/// ([`WHOLE_HOSTS`]), which is then taken to have a host in another part
/// (`coverage.own_org`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shared {
    /// Person ids.
    pub people: BTreeSet<String>,
    /// Organisation ids.
    pub orgs: BTreeSet<String>,
    /// Unit ids: the parts' roots, which the top holds too (where each part hangs). The
    /// top's partial result leaves them out (their part counts them); not written in the
    /// manifest's `[shared]`, which has them as the parts' `root`s.
    pub units: BTreeSet<String>,
}

impl Shared {
    /// Whether nothing is shared.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty() && self.orgs.is_empty() && self.units.is_empty()
    }
}

/// The people and organisations present in two or more of `ledgers` (the parts and the
/// top of a partitioned ledger): what a manifest without `[shared]` shares.
///
/// ```
/// use dangjian::model::{Ledger, Person};
/// let mut a = Ledger::new();
/// a.people = vec![Person::new("p1", "甲"), Person::new("p2", "乙")];
/// let mut b = Ledger::new();
/// b.people = vec![Person::new("p2", "乙"), Person::new("p3", "丙")];
/// let shared = dangjian::ledger::parts::find_shared(&[&a, &b]);
/// assert_eq!(shared.people.into_iter().collect::<Vec<_>>(), ["p2"]);
/// assert!(shared.orgs.is_empty());
/// ```
pub fn find_shared(ledgers: &[&Ledger]) -> Shared {
    // Per id: the last ledger it was seen in, and whether it was seen in another before.
    let mut people: SymMap<(usize, bool)> = SymMap::default();
    let mut orgs: SymMap<(usize, bool)> = SymMap::default();
    let mut units: SymMap<(usize, bool)> = SymMap::default();
    let see = |map: &mut SymMap<(usize, bool)>, id: Sym, k: usize| {
        let e = map.entry(id).or_insert((k, false));
        if e.0 != k {
            *e = (k, true);
        }
    };
    for (k, l) in ledgers.iter().enumerate() {
        for p in &l.people {
            see(&mut people, p.id.sym(), k);
        }
        for o in &l.orgs {
            see(&mut orgs, o.id.sym(), k);
            // A group's parent in another ledger: the parent's organisation life is
            // partly here.
            if let Some(p) = o.extra.get(ELSEWHERE_PARENT) {
                if o.kind == crate::model::OrgKind::Group {
                    see(&mut orgs, Sym::new(p), k);
                }
            }
        }
        for u in &l.units {
            see(&mut units, u.id.sym(), k);
        }
    }
    let shared = |map: SymMap<(usize, bool)>| {
        map.into_iter()
            .filter(|(_, (_, twice))| *twice)
            .map(|(id, _)| id.as_str().to_string())
            .collect()
    };
    Shared {
        people: shared(people),
        orgs: shared(orgs),
        units: shared(units),
    }
}

// ---------------------------------------------------------------------------------------
// The manifest

/// The manifest of a partitioned ledger (`parts.toml`):
///
/// ```toml
/// root = "nation"        # the root unit of the whole
/// top = "_top"           # the ledger of the units above the parts
/// [[part]]
/// path = "zhejiang"      # a ledger in any form, relative to the manifest's folder
/// root = "zhejiang"      # its root unit; the top has a unit with the same id
/// [shared]               # optional: the people and orgs in more than one ledger
/// people = ["p1"]
/// orgs = ["o1"]
/// ```
///
/// [`Manifest::read`] gives the paths joined to the manifest's folder (absolute);
/// [`Manifest::write`] writes them relative to it where they lie inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// The id of the whole's root unit.
    pub root: String,
    /// Where the top ledger is.
    pub top: PathBuf,
    /// The parts, in the manifest's order.
    pub parts: Vec<PartEntry>,
    /// The people and organisations in more than one ledger, when the manifest lists them
    /// (`[shared]`); else [`find_shared`] over the ledgers says.
    pub shared: Option<Shared>,
}

/// One part of a manifest (`[[part]]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartEntry {
    /// Where its ledger is.
    pub path: PathBuf,
    /// The id of its root unit.
    pub root: String,
}

/// What can go wrong reading or writing a manifest, or loading its parts.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The file system refused (a manifest that is missing, say).
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The manifest is not TOML, misses a key or has one it does not know.
    #[error("{path}: {message}")]
    Toml {
        /// The manifest.
        path: String,
        /// What the TOML reader said, with the line and column.
        message: String,
    },
    /// The manifest reads, but says something impossible: an empty key, a part listed
    /// twice, a part that is not in it.
    #[error("{path}: {message}")]
    Invalid {
        /// The manifest.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A ledger of the manifest does not load, or does not fit it (its root is not the
    /// one the manifest says).
    #[error("{what}: {source}")]
    Ledger {
        /// Which ledger: "part `zhejiang`" or "the top".
        what: String,
        /// Why.
        source: LedgerError,
    },
    /// Two ledgers of a manifest hold the same unit (the top may hold each part's root,
    /// nothing else of the part).
    #[error(
        "unit `{unit}` is in {first} and in {second}; parts must not overlap in units (the top \
         holds a part's root, nothing below it)"
    )]
    Overlap {
        /// The unit.
        unit: String,
        /// One ledger holding it ("part `a`", "the top").
        first: String,
        /// Another.
        second: String,
    },
    /// A part and the top give one duty or indicator id different definitions; each
    /// applies to every part alike.
    #[error(
        "{table} `{id}` of part `{part}` differs from the top's; {table} rows apply to every \
         part alike: give them the same columns, or different ids"
    )]
    Conflict {
        /// `duty` or `indicator`.
        table: &'static str,
        /// Its id.
        id: String,
        /// The part.
        part: String,
    },
    /// A folder to split into is not empty.
    #[error(
        "{path} already holds {found}; split writes a new folder of ledgers and their \
         manifest: choose an empty or new folder, or pass --force"
    )]
    NotEmpty {
        /// The folder.
        path: String,
        /// The first few names found there.
        found: String,
    },
}

impl ManifestError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        ManifestError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

/// The manifest as written, before its paths are resolved.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    root: String,
    top: String,
    #[serde(default)]
    part: Vec<RawPart>,
    #[serde(default)]
    shared: Option<RawShared>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPart {
    path: String,
    root: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawShared {
    #[serde(default)]
    people: Vec<String>,
    #[serde(default)]
    orgs: Vec<String>,
}

impl Manifest {
    /// Reads a manifest, its paths joined to the manifest's folder (and made absolute).
    /// Errors name the file: a missing file, TOML that does not parse, a missing or
    /// unknown key (with its line and column), an empty key, a part listed twice (by root
    /// or by path) or a part at the top's path.
    pub fn read(path: impl AsRef<Path>) -> Result<Manifest, ManifestError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| ManifestError::io(path, e))?;
        let dir = folder_of(path);
        let dir = std::path::absolute(&dir).map_err(|e| ManifestError::io(&dir, e))?;
        let mut m = Manifest::from_toml(&text, &path.display().to_string())?;
        m.top = dir.join(&m.top);
        for p in &mut m.parts {
            p.path = dir.join(&p.path);
        }
        m.check(&path.display().to_string())?;
        Ok(m)
    }

    /// Parses a manifest's text, its paths as written; `origin` names it in errors.
    ///
    /// ```
    /// use dangjian::ledger::parts::Manifest;
    /// let m = Manifest::from_toml("root = \"d\"\ntop = \"_top\"\n[[part]]\npath = \"a\"\nroot = \"a\"\n", "parts.toml").unwrap();
    /// assert_eq!((m.parts[0].root.as_str(), m.shared), ("a", None));
    /// let e = Manifest::from_toml("root = \"d\"\n[[part]]\npath = \"a\"\nroot = \"a\"\n", "parts.toml").unwrap_err();
    /// assert!(e.to_string().contains("missing field `top`"), "{e}");
    /// ```
    pub fn from_toml(text: &str, origin: &str) -> Result<Manifest, ManifestError> {
        let raw: RawManifest = toml::from_str(text).map_err(|e| ManifestError::Toml {
            path: origin.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let invalid = |message: String| ManifestError::Invalid {
            path: origin.to_string(),
            message,
        };
        if raw.root.trim().is_empty() {
            return Err(invalid(
                "`root` is empty; give the id of the whole's root unit".into(),
            ));
        }
        if raw.top.trim().is_empty() {
            return Err(invalid(
                "`top` is empty; give the path of the top ledger".into(),
            ));
        }
        let mut parts = Vec::with_capacity(raw.part.len());
        for (i, p) in raw.part.into_iter().enumerate() {
            for (key, value) in [("path", &p.path), ("root", &p.root)] {
                if value.trim().is_empty() {
                    return Err(invalid(format!(
                        "part {} (`[[part]]` number {}): `{key}` is empty",
                        i + 1,
                        i + 1
                    )));
                }
            }
            parts.push(PartEntry {
                path: PathBuf::from(p.path),
                root: p.root,
            });
        }
        let roots: BTreeSet<String> = parts.iter().map(|p| p.root.clone()).collect();
        let m = Manifest {
            root: raw.root,
            top: PathBuf::from(raw.top),
            parts,
            shared: raw.shared.map(|s| Shared {
                people: s.people.into_iter().collect(),
                orgs: s.orgs.into_iter().collect(),
                units: roots,
            }),
        };
        m.check(origin)?;
        Ok(m)
    }

    /// No part listed twice, by root or by path, and none at the top's path.
    fn check(&self, origin: &str) -> Result<(), ManifestError> {
        let invalid = |message: String| ManifestError::Invalid {
            path: origin.to_string(),
            message,
        };
        let mut roots: HashMap<&str, usize> = HashMap::new();
        let mut paths: HashMap<&Path, usize> = HashMap::new();
        for (i, p) in self.parts.iter().enumerate() {
            if let Some(j) = roots.insert(p.root.as_str(), i) {
                return Err(invalid(format!(
                    "root `{}` is listed twice, by parts {} and {}; list each part once",
                    p.root,
                    j + 1,
                    i + 1
                )));
            }
            if let Some(j) = paths.insert(p.path.as_path(), i) {
                return Err(invalid(format!(
                    "path `{}` is listed twice, by parts {} (root `{}`) and {} (root `{}`); list \
                     each part once",
                    p.path.display(),
                    j + 1,
                    self.parts[j].root,
                    i + 1,
                    p.root
                )));
            }
            if p.path == self.top {
                return Err(invalid(format!(
                    "part {} (root `{}`) is at the top's path `{}`; the top and each part are \
                     ledgers of their own",
                    i + 1,
                    p.root,
                    p.path.display()
                )));
            }
        }
        Ok(())
    }

    /// The manifest as TOML, paths relative to `dir` where they lie inside it (with `/`
    /// between folders), `[shared]` last with one id a line.
    pub fn to_toml(&self, dir: &Path) -> String {
        let mut out = String::new();
        out.push_str(&format!("root = {}\n", toml_string(&self.root)));
        out.push_str(&format!(
            "top = {}\n",
            toml_string(&relative(&self.top, dir))
        ));
        for p in &self.parts {
            out.push_str("\n[[part]]\n");
            out.push_str(&format!(
                "path = {}\n",
                toml_string(&relative(&p.path, dir))
            ));
            out.push_str(&format!("root = {}\n", toml_string(&p.root)));
        }
        if let Some(s) = &self.shared {
            out.push_str("\n[shared]\n");
            for (key, ids) in [("people", &s.people), ("orgs", &s.orgs)] {
                if ids.is_empty() {
                    out.push_str(&format!("{key} = []\n"));
                    continue;
                }
                out.push_str(&format!("{key} = [\n"));
                for id in ids {
                    out.push_str(&format!("    {},\n", toml_string(id)));
                }
                out.push_str("]\n");
            }
        }
        out
    }

    /// Writes the manifest to `path` (atomically), paths relative to its folder where
    /// they lie inside it.
    pub fn write(&self, path: impl AsRef<Path>) -> Result<(), ManifestError> {
        let path = path.as_ref();
        let dir = folder_of(path);
        let dir = std::path::absolute(&dir).map_err(|e| ManifestError::io(&dir, e))?;
        super::write_atomically(path, self.to_toml(&dir).as_bytes()).map_err(|source| {
            ManifestError::Ledger {
                what: "the manifest".into(),
                source,
            }
        })
    }

    /// The part named by `part`: its root id, or its path (as the manifest gives it,
    /// relative to the manifest's folder `dir`, or as given).
    pub fn find(&self, part: &str, dir: &Path) -> Option<&PartEntry> {
        if let Some(p) = self.parts.iter().find(|p| p.root == part) {
            return Some(p);
        }
        let given = Path::new(part);
        let candidates = [
            dir.join(given),
            std::path::absolute(given).unwrap_or_else(|_| given.to_path_buf()),
        ];
        self.parts.iter().find(|p| {
            candidates
                .iter()
                .any(|c| same_path(c, &p.path) || same_path(c, &dir.join(&p.path)))
        })
    }
}

/// Whether two paths name the same file: equal, or the same once resolved.
fn same_path(a: &Path, b: &Path) -> bool {
    a == b
        || match (a.canonicalize(), b.canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
}

/// The folder a file is in (`.` for a bare name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `path` relative to `dir` when it lies inside it, with `/` between folders; else as it is.
fn relative(path: &Path, dir: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if rel.is_absolute() {
        return rel.to_string_lossy().into_owned();
    }
    parts.join("/")
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// ---------------------------------------------------------------------------------------
// Loading a part

/// Loads one part of a partitioned ledger (`part`: its root id or its path; `None`: the
/// top) in whatever form it is, as [`super::load`] does (the metrics targets name are
/// not checked: [`load_part_with`] with [`ValidateOptions::full`] checks them too), and
/// adds what the top gives every part ([`apply_top`]).
pub fn load_part(manifest: impl AsRef<Path>, part: Option<&str>) -> Result<Ledger, ManifestError> {
    load_part_with(manifest, part, &ValidateOptions::default())
}

/// Loads one part of a partitioned ledger with `opts`: the part's ledger, checked to be
/// rooted where the manifest says, with the top's duties, indicators and exemptions added
/// ([`apply_top`]); or, for `None`, the top, checked to be rooted at the manifest's root
/// and to hold every part's root unit.
pub fn load_part_with(
    manifest: impl AsRef<Path>,
    part: Option<&str>,
    opts: &ValidateOptions,
) -> Result<Ledger, ManifestError> {
    let path = manifest.as_ref();
    let m = Manifest::read(path)?;
    let dir = std::path::absolute(folder_of(path)).unwrap_or_else(|_| folder_of(path));
    let entry = match part {
        None => None,
        Some(name) => match m.find(name, &dir) {
            Some(e) => Some(e),
            None if same_path(&dir.join(name), &m.top) => None,
            None => return Err(no_such_part(&m, path, name)),
        },
    };
    let top = load_one(&m.top, "the top", opts)?;
    check_root(&top, &m.root, "the top", &m.top)?;
    check_top(&m, path, &top)?;
    let Some(entry) = entry else {
        return Ok(top);
    };
    part_under(entry, &top, opts)
}

/// Loads part `part` (its root id or path; `None`: the top) of a partitioned ledger as
/// [`load_part_with`] does, with the top already loaded (`top`, by [`load_part_with`] with
/// `None`): what a worker evaluating several parts does, reading the top once. `top` is
/// checked to be the manifest's top (rooted at its root, holding every part's root) as it
/// is when read.
///
/// ```
/// use dangjian::ledger::{parts, ValidateOptions};
/// let dir = std::env::temp_dir().join(format!("dangjian-doc-part-on-{}", std::process::id()));
/// let cut = parts::split(&dangjian::example(), dangjian::model::UnitKind::Area).unwrap();
/// cut.write(&dir, dangjian::ledger::Form::Json, true).unwrap();
/// let manifest = dir.join("parts.toml");
/// let opts = ValidateOptions::default();
/// let top = parts::load_part_with(&manifest, None, &opts).unwrap();
/// let part = parts::load_part_on(&manifest, Some("lidian_area"), &top, &opts).unwrap();
/// assert_eq!(part, parts::load_part_with(&manifest, Some("lidian_area"), &opts).unwrap());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn load_part_on(
    manifest: impl AsRef<Path>,
    part: Option<&str>,
    top: &Ledger,
    opts: &ValidateOptions,
) -> Result<Ledger, ManifestError> {
    let path = manifest.as_ref();
    let m = Manifest::read(path)?;
    let dir = std::path::absolute(folder_of(path)).unwrap_or_else(|_| folder_of(path));
    check_root(top, &m.root, "the top", &m.top)?;
    check_top(&m, path, top)?;
    let Some(part) = part else {
        return Ok(top.clone());
    };
    match m.find(part, &dir) {
        Some(entry) => part_under(entry, top, opts),
        None if same_path(&dir.join(part), &m.top) => Ok(top.clone()),
        None => Err(no_such_part(&m, path, part)),
    }
}

/// Adds to `mine` the rows of `theirs` whose id (`id`) it lacks; a row both have must be
/// the same once `plain` (its `x_` columns dropped): else the first that differs.
fn add_missing<'t, T: Clone + PartialEq>(
    mine: &mut Vec<T>,
    theirs: &'t [T],
    id: impl Fn(&T) -> Sym,
    plain: impl Fn(&T) -> T,
) -> Option<&'t T> {
    let have: SymMap<usize> = mine.iter().enumerate().map(|(i, r)| (id(r), i)).collect();
    for r in theirs {
        match have.get(&id(r)) {
            None => mine.push(r.clone()),
            Some(&i) if plain(&mine[i]) != plain(r) => return Some(r),
            Some(_) => {}
        }
    }
    None
}

/// Whether the top holds every part's root (it holds each where it hangs in the tree).
fn check_top(m: &Manifest, path: &Path, top: &Ledger) -> Result<(), ManifestError> {
    let units: HashSet<&str> = top.units.iter().map(|u| u.id.as_str()).collect();
    if let Some(p) = m.parts.iter().find(|p| !units.contains(p.root.as_str())) {
        return Err(ManifestError::Invalid {
            path: path.display().to_string(),
            message: format!(
                "the top ({}) has no unit `{}`, the root of a part; the top holds each \
                 part's root where it hangs in the tree",
                m.top.display(),
                p.root
            ),
        });
    }
    Ok(())
}

/// A part's ledger, checked to be rooted where the manifest says, with `top`'s duties,
/// indicators and exemptions added.
fn part_under(
    entry: &PartEntry,
    top: &Ledger,
    opts: &ValidateOptions,
) -> Result<Ledger, ManifestError> {
    let what = format!("part `{}`", entry.root);
    let mut ledger = load_one(&entry.path, &what, opts)?;
    check_root(&ledger, &entry.root, &what, &entry.path)?;
    apply_top(&mut ledger, top, &entry.root)?;
    Ok(ledger)
}

/// The error for a part the manifest does not list.
fn no_such_part(m: &Manifest, path: &Path, name: &str) -> ManifestError {
    let known: Vec<String> = m.parts.iter().map(|p| format!("`{}`", p.root)).collect();
    ManifestError::Invalid {
        path: path.display().to_string(),
        message: format!(
            "no part has root or path `{name}`; its parts are {}",
            if known.is_empty() {
                "none (only the top)".to_string()
            } else {
                known.join(", ")
            }
        ),
    }
}

fn load_one(path: &Path, what: &str, opts: &ValidateOptions) -> Result<Ledger, ManifestError> {
    super::load_with(path, opts)
        .map(|l| l.ledger)
        .map_err(|source| ManifestError::Ledger {
            what: format!("{what} ({})", path.display()),
            source,
        })
}

/// That a ledger of a manifest is rooted where the manifest says.
fn check_root(l: &Ledger, root: &str, what: &str, path: &Path) -> Result<(), ManifestError> {
    let found = l.roots().next().map(|u| u.id.as_str());
    if found == Some(root) {
        return Ok(());
    }
    Err(ManifestError::Invalid {
        path: path.display().to_string(),
        message: format!(
            "{what} is rooted at {}, but the manifest says `{root}`",
            found.map_or("no unit (it has none)".to_string(), |f| format!("`{f}`"))
        ),
    })
}

/// Adds to a part what the top gives every part (`docs/PARTIALS.md`): the top's duties and
/// indicators the part lacks (by id), and the top's exemptions of subjects the part holds
/// too (its root, the one unit both hold) that the part lacks. A duty or indicator both give must be the same (its
/// `x_` columns aside), else [`ManifestError::Conflict`] names it.
///
/// ```
/// use dangjian::ledger::parts::{apply_top, split};
/// let s = split(&dangjian::example(), dangjian::model::UnitKind::Area).unwrap();
/// let mut part = s.parts[0].ledger.clone();
/// part.duties.clear();
/// apply_top(&mut part, &s.top, "huachuan_area").unwrap();
/// assert_eq!(part.duties, s.top.duties);
/// ```
pub fn apply_top(part: &mut Ledger, top: &Ledger, name: &str) -> Result<(), ManifestError> {
    let conflict = |table: &'static str, id: &str| ManifestError::Conflict {
        table,
        id: id.to_string(),
        part: name.to_string(),
    };
    if let Some(d) = add_missing(
        &mut part.duties,
        &top.duties,
        |d| d.id.sym(),
        |d| {
            let mut d = d.clone();
            d.extra = Default::default();
            d
        },
    ) {
        return Err(conflict("duty", d.id.as_str()));
    }
    if let Some(x) = add_missing(
        &mut part.indicators,
        &top.indicators,
        |x| x.id.sym(),
        |x| {
            let mut x = x.clone();
            x.extra = Default::default();
            x
        },
    ) {
        return Err(conflict("indicator", x.id.as_str()));
    }
    let subjects: HashSet<Sym> = part
        .units
        .iter()
        .map(|u| u.id.sym())
        .chain(part.orgs.iter().map(|o| o.id.sym()))
        .collect();
    let added: Vec<_> = top
        .exemptions
        .iter()
        .filter(|x| subjects.contains(&x.subject.sym()) && !part.exemptions.contains(x))
        .cloned()
        .collect();
    part.exemptions.extend(added);
    Ok(())
}

/// That no two ledgers of a partitioned ledger hold the same unit: the parts (named, say
/// by their roots) pairwise, and the top with each part but for the part's root, which the
/// top holds where it hangs. The first overlap found is the error.
///
/// ```
/// use dangjian::ledger::parts::{check_overlap, split};
/// let s = split(&dangjian::example(), dangjian::model::UnitKind::Area).unwrap();
/// let (a, b) = (&s.parts[0].ledger, &s.parts[1].ledger);
/// assert!(check_overlap(Some(&s.top), &[("huachuan_area", a), ("lidian_area", b)]).is_ok());
/// let e = check_overlap(None, &[("a", a), ("again", a)]).unwrap_err();
/// assert!(e.to_string().starts_with("unit `huachuan_area` is in part `a` and in part `again`"));
/// ```
pub fn check_overlap(top: Option<&Ledger>, parts: &[(&str, &Ledger)]) -> Result<(), ManifestError> {
    let mut seen: SymMap<usize> = SymMap::default();
    for (k, (_, l)) in parts.iter().enumerate() {
        for u in &l.units {
            if let Some(j) = seen.insert(u.id.sym(), k) {
                if j != k {
                    return Err(ManifestError::Overlap {
                        unit: u.id.to_string(),
                        first: format!("part `{}`", parts[j].0),
                        second: format!("part `{}`", parts[k].0),
                    });
                }
            }
        }
    }
    let Some(top) = top else { return Ok(()) };
    for u in &top.units {
        if let Some(&k) = seen.get(&u.id.sym()) {
            let (name, l) = parts[k];
            let is_root = l.roots().next().is_some_and(|r| r.id == u.id);
            if !is_root {
                return Err(ManifestError::Overlap {
                    unit: u.id.to_string(),
                    first: "the top".into(),
                    second: format!("part `{name}`"),
                });
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Splitting

/// Why a ledger cannot be split by a kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SplitError {
    /// The ledger has no units.
    #[error("the ledger has no units; there is nothing to split")]
    NoUnits,
    /// No unit below the root has the kind.
    #[error(
        "no unit below the root `{root}` is of kind `{kind}`; split by a kind the ledger has \
         below its root (area, block, village...)"
    )]
    NoParts {
        /// The kind asked for.
        kind: UnitKind,
        /// The root unit.
        root: String,
    },
    /// A unit of the kind lies below another: parts cannot nest.
    #[error(
        "unit `{inner}` and unit `{outer}` are both of kind `{kind}`, and `{inner}` lies below \
         `{outer}`; parts cannot nest: split by a kind whose units are never below one another"
    )]
    Nested {
        /// The kind asked for.
        kind: UnitKind,
        /// The lower unit.
        inner: String,
        /// The unit above it.
        outer: String,
    },
}

/// A ledger cut into parts by [`split`].
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    /// The id of the whole's root unit.
    pub root: UnitId,
    /// The top: the units above the parts, each part's root as a unit where it hangs, and
    /// everything whose place is above the parts.
    pub top: Ledger,
    /// How many people the top holds only because something there names them, their org
    /// being elsewhere (see [`Part::copied_people`]).
    pub top_copied_people: usize,
    /// The parts, in the ledger order of their root units.
    pub parts: Vec<Part>,
    /// Every person and organisation id in more than one ledger (the top included).
    pub shared: Shared,
}

/// One part of a [`Split`].
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// The id of its root unit.
    pub root: UnitId,
    /// Its ledger.
    pub ledger: Ledger,
    /// People copied in: those here who are in another ledger too and whose org is not
    /// here (their `org` is empty here).
    pub copied_people: usize,
}

/// The `x_` column where [`split`] keeps an org's `parent` that is not in the org's ledger
/// (the column is emptied, so that the ledger validates; nothing is lost).
pub const ELSEWHERE_PARENT: &str = "x_split_parent";

/// The `x_` column where [`split`] keeps a person's `org` on a copy of the person in a
/// ledger their org is not in (the column `org` is emptied there).
pub const ELSEWHERE_ORG: &str = "x_split_org";

/// The `x_` column where [`split`] keeps an initiative's `owner` that is not in the
/// initiative's ledger.
pub const ELSEWHERE_OWNER: &str = "x_split_owner";

/// The `x_` column where [`split`] keeps the kind of an org's first listed host when the
/// copy's `hosts`, cut to its ledger's, no longer start with it: a term of office depends
/// on it (`orgs.renewal_*`: 5 years when the first host is a village).
pub const ELSEWHERE_FIRST_HOST_KIND: &str = "x_split_first_host_kind";

/// The `x_` column where [`split`] keeps, on each copy of an org hosted in several
/// ledgers, the whole's `hosts` in their order (`;` between them): each copy's `hosts` are
/// cut to those in its ledger.
pub const WHOLE_HOSTS: &str = "x_split_hosts";

/// The ledgers a row goes to: 0 is the top, `k + 1` part `k`; sorted, no repeats.
type Slots = SmallVec<[u32; 2]>;

const TOP_SLOT: [u32; 1] = [0];

fn add_slot(slots: &mut Slots, s: u32) {
    if let Err(at) = slots.binary_search(&s) {
        slots.insert(at, s);
    }
}

/// Where the rows hanging on each unit, org and initiative go.
struct Places<'a> {
    unit_row: &'a SymMap<usize>,
    /// The slot of each unit.
    home: &'a [u32],
    org_row: SymMap<usize>,
    /// The slots of each org: those of its hosts.
    org_slots: Vec<Slots>,
    init_row: SymMap<usize>,
    /// The slot of each initiative: its unit's, or the top.
    init_slot: Vec<u32>,
}

impl Places<'_> {
    /// Where the rows hanging on a unit, an org or an initiative go (an unknown id: the top).
    fn slots_of(&self, id: Sym) -> &[u32] {
        if let Some(&r) = self.unit_row.get(&id) {
            std::slice::from_ref(&self.home[r])
        } else if let Some(&r) = self.org_row.get(&id) {
            &self.org_slots[r]
        } else if let Some(&r) = self.init_row.get(&id) {
            std::slice::from_ref(&self.init_slot[r])
        } else {
            &TOP_SLOT
        }
    }

    /// Whether an org is in the ledger of `slot`.
    fn org_in(&self, id: Sym, slot: u32) -> bool {
        self.org_row
            .get(&id)
            .is_some_and(|&r| self.org_slots[r].binary_search(&slot).is_ok())
    }
}

/// Cuts a valid ledger into one part per unit of kind `by` below the root, and a top
/// (`docs/PARTIALS.md`, "Parts"):
///
/// - a part holds its root unit (its `parent` emptied) and every unit below it; the top
///   holds the units not below any part root, and each part root as it is;
/// - a row goes to the ledger of the unit it hangs on: designations and observations by
///   their unit, orgs by their hosts, elections by their org, people by their org,
///   roles by their target, initiatives by their unit (none: the top), progress by its
///   initiative, activities by their subject, targets by their scope (none: the top),
///   exemptions by their subject; a part root's own rows go to its part;
/// - an org hosted in several ledgers is copied to each, its `hosts` cut to those there
///   (in their order; the whole's in the column [`WHOLE_HOSTS`]), and what hangs on it
///   goes with every copy: its elections, roles
///   and activities, exemptions, its members; an org whose `parent` (or an initiative
///   whose `owner`) is not in its ledger has it emptied there, and kept in the column
///   [`ELSEWHERE_PARENT`] ([`ELSEWHERE_OWNER`]);
/// - a `group` org in a ledger its parent is not in takes the parent's members there too
///   (the group's organisation life is the parent's), and the parent is shared;
/// - a person named where their org is not (holding a role or listed in an activity
///   there, or working at a unit there: `workplace`) is copied there, `org` emptied and
///   kept in the column [`ELSEWHERE_ORG`] (and `workplace` kept only in the ledger of that
///   unit); a person in no ledger by any of these goes to the top;
/// - duties and indicators go to the top and every part.
///
/// Every part and the top then validate on their own as the whole does. Units of kind
/// `by` may not lie below one another ([`SplitError::Nested`]); a root of kind `by` is
/// no part (it stays in the top).
pub fn split(l: &Ledger, by: UnitKind) -> Result<Split, SplitError> {
    let root = l.roots().next().ok_or(SplitError::NoUnits)?;
    let n = l.units.len();
    let unit_row: SymMap<usize> = l
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.sym(), i))
        .collect();
    let parent: Vec<Option<usize>> = l
        .units
        .iter()
        .map(|u| {
            u.parent
                .as_ref()
                .and_then(|p| unit_row.get(&p.sym()).copied())
        })
        .collect();
    // Each part root's slot, in ledger order.
    let mut root_slot: Vec<Option<u32>> = vec![None; n];
    let mut part_roots: Vec<usize> = Vec::new();
    for (i, u) in l.units.iter().enumerate() {
        if u.kind == by && u.parent.is_some() {
            part_roots.push(i);
            root_slot[i] = Some(part_roots.len() as u32);
        }
    }
    if part_roots.is_empty() {
        return Err(SplitError::NoParts {
            kind: by,
            root: root.id.to_string(),
        });
    }
    // The slot of each unit: that of the nearest part root at or above it, else the top.
    const UNSET: u32 = u32::MAX;
    let mut home: Vec<u32> = vec![UNSET; n];
    let mut chain: Vec<usize> = Vec::new();
    for i in 0..n {
        chain.clear();
        let mut j = Some(i);
        let base = loop {
            match j {
                None => break 0,
                Some(k) if home[k] != UNSET => break home[k],
                // A cycle (an invalid ledger): what is left goes to the top.
                Some(_) if chain.len() > n => break 0,
                Some(k) => {
                    chain.push(k);
                    j = parent[k];
                }
            }
        };
        let mut h = base;
        for &c in chain.iter().rev() {
            if let Some(s) = root_slot[c] {
                if h != 0 {
                    return Err(SplitError::Nested {
                        kind: by,
                        inner: l.units[c].id.to_string(),
                        outer: l.units[part_roots[h as usize - 1]].id.to_string(),
                    });
                }
                h = s;
            }
            home[c] = h;
        }
    }
    let unit_home = |id: Sym| unit_row.get(&id).map(|&r| home[r]);

    // Orgs by their hosts; initiatives by their unit.
    let org_slots: Vec<Slots> = l
        .orgs
        .iter()
        .map(|o| {
            let mut s = Slots::new();
            for h in &o.hosts {
                if let Some(x) = unit_home(h.sym()) {
                    add_slot(&mut s, x);
                }
            }
            if s.is_empty() {
                s.push(0);
            }
            s
        })
        .collect();
    let init_slot: Vec<u32> = l
        .initiatives
        .iter()
        .map(|x| {
            x.unit
                .as_ref()
                .and_then(|u| unit_home(u.sym()))
                .unwrap_or(0)
        })
        .collect();
    let places = Places {
        unit_row: &unit_row,
        home: &home,
        org_row: l
            .orgs
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.sym(), i))
            .collect(),
        org_slots,
        init_row: l
            .initiatives
            .iter()
            .enumerate()
            .map(|(i, x)| (x.id.sym(), i))
            .collect(),
        init_slot,
    };
    let (org_slots, init_slot) = (&places.org_slots, &places.init_slot);
    let slots_of = |id: Sym| places.slots_of(id);
    let org_in = |id: Sym, s: u32| places.org_in(id, s);
    let org_row = &places.org_row;

    // The ledgers where an org has a group but no copy of its own: the group's
    // organisation-life activities there are the org's too, so its members go there.
    let mut life_slots: Vec<Slots> = vec![Slots::new(); l.orgs.len()];
    for (i, g) in l.orgs.iter().enumerate() {
        if g.kind != crate::model::OrgKind::Group {
            continue;
        }
        if let Some(&r) = g.parent.as_ref().and_then(|p| org_row.get(&p.sym())) {
            for &s in &org_slots[i] {
                if !org_slots[r].contains(&s) {
                    add_slot(&mut life_slots[r], s);
                }
            }
        }
    }

    // People: by their org, and wherever something names them.
    let person_row: SymMap<usize> = l
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.sym(), i))
        .collect();
    let mut person_slots: Vec<Slots> = l
        .people
        .iter()
        .map(|p| {
            let mut s = match p.org.as_ref().and_then(|o| org_row.get(&o.sym())) {
                Some(&r) => {
                    let mut s = org_slots[r].clone();
                    for &x in &life_slots[r] {
                        add_slot(&mut s, x);
                    }
                    s
                }
                None => Slots::new(),
            };
            if let Some(w) = p.workplace.as_ref().and_then(|w| unit_home(w.sym())) {
                add_slot(&mut s, w);
            }
            s
        })
        .collect();
    let mut need = |person: Sym, slots: &[u32]| {
        if let Some(&r) = person_row.get(&person) {
            for &s in slots {
                add_slot(&mut person_slots[r], s);
            }
        }
    };
    for r in &l.roles {
        need(r.person.sym(), slots_of(r.target.sym()));
    }
    for a in &l.activities {
        let slots = slots_of(a.subject.sym());
        for p in &a.people {
            need(p.sym(), slots);
        }
    }
    for s in &mut person_slots {
        if s.is_empty() {
            s.push(0);
        }
    }

    // The rows, table by table in ledger order.
    let mut out: Vec<Ledger> = (0..=part_roots.len()).map(|_| Ledger::new()).collect();
    for (i, u) in l.units.iter().enumerate() {
        if root_slot[i].is_some() {
            let mut own = u.clone();
            own.parent = None;
            out[home[i] as usize].units.push(own);
            out[0].units.push(u.clone());
        } else {
            out[home[i] as usize].units.push(u.clone());
        }
    }
    for d in &l.designations {
        out[unit_home(d.unit.sym()).unwrap_or(0) as usize]
            .designations
            .push(d.clone());
    }
    for (i, o) in l.orgs.iter().enumerate() {
        let slots = &org_slots[i];
        for &s in slots {
            let mut c = o.clone();
            // Shared (below): its copies, or the one copy of an org with groups in other
            // ledgers, keep the whole's hosts.
            if slots.len() > 1 || !life_slots[i].is_empty() {
                let whole = c.hosts.iter().map(|h| h.as_str()).collect::<Vec<_>>();
                c.extra.insert(WHOLE_HOSTS.into(), whole.join(";"));
                c.hosts.retain(|h| unit_home(h.sym()) == Some(s));
                let first = o.hosts.first();
                if c.hosts.first() != first {
                    let kind = first
                        .and_then(|h| unit_row.get(&h.sym()).copied())
                        .map(|r| l.units[r].kind.to_string());
                    if let Some(kind) = kind {
                        c.extra.insert(ELSEWHERE_FIRST_HOST_KIND.into(), kind);
                    }
                }
            }
            if let Some(p) = c.parent.take_if(|p| !org_in(p.sym(), s)) {
                c.extra.insert(ELSEWHERE_PARENT.into(), p.to_string());
            }
            out[s as usize].orgs.push(c);
        }
    }
    for e in &l.elections {
        for &s in slots_of(e.org.sym()) {
            out[s as usize].elections.push(e.clone());
        }
    }
    let mut copied = vec![0usize; out.len()];
    for (i, p) in l.people.iter().enumerate() {
        let slots = &person_slots[i];
        for &s in slots {
            let mut c = p.clone();
            if let Some(o) = c.org.take_if(|o| !org_in(o.sym(), s)) {
                c.extra.insert(ELSEWHERE_ORG.into(), o.to_string());
            }
            if c.workplace
                .as_ref()
                .is_some_and(|w| unit_home(w.sym()) != Some(s))
            {
                c.workplace = None;
            }
            if slots.len() > 1 && c.org.is_none() {
                copied[s as usize] += 1;
            }
            out[s as usize].people.push(c);
        }
    }
    for r in &l.roles {
        for &s in slots_of(r.target.sym()) {
            out[s as usize].roles.push(r.clone());
        }
    }
    for (i, x) in l.initiatives.iter().enumerate() {
        let s = init_slot[i];
        let mut c = x.clone();
        if let Some(o) = c.owner.take_if(|o| !org_in(o.sym(), s)) {
            c.extra.insert(ELSEWHERE_OWNER.into(), o.to_string());
        }
        out[s as usize].initiatives.push(c);
    }
    for p in &l.progress {
        for &s in slots_of(p.initiative.sym()) {
            out[s as usize].progress.push(p.clone());
        }
    }
    for a in &l.activities {
        for &s in slots_of(a.subject.sym()) {
            out[s as usize].activities.push(a.clone());
        }
    }
    for o in &mut out {
        o.duties = l.duties.clone();
        o.indicators = l.indicators.clone();
    }
    for x in &l.observations {
        out[unit_home(x.unit.sym()).unwrap_or(0) as usize]
            .observations
            .push(x.clone());
    }
    for t in &l.targets {
        let s = t
            .scope
            .as_ref()
            .and_then(|u| unit_home(u.sym()))
            .unwrap_or(0);
        out[s as usize].targets.push(t.clone());
    }
    for x in &l.exemptions {
        for &s in slots_of(x.subject.sym()) {
            out[s as usize].exemptions.push(x.clone());
        }
    }

    let shared = Shared {
        people: l
            .people
            .iter()
            .zip(&person_slots)
            .filter(|(_, s)| s.len() > 1)
            .map(|(p, _)| p.id.to_string())
            .collect(),
        orgs: l
            .orgs
            .iter()
            .zip(org_slots.iter().zip(&life_slots))
            .filter(|(_, (s, life))| s.len() > 1 || !life.is_empty())
            .map(|(o, _)| o.id.to_string())
            .collect(),
        units: part_roots
            .iter()
            .map(|&r| l.units[r].id.to_string())
            .collect(),
    };
    let mut ledgers = out.into_iter();
    let top = ledgers.next().unwrap_or_default();
    let parts = part_roots
        .iter()
        .zip(ledgers)
        .zip(copied.iter().skip(1))
        .map(|((&r, ledger), &copied_people)| Part {
            root: l.units[r].id.clone(),
            ledger,
            copied_people,
        })
        .collect();
    Ok(Split {
        root: root.id.clone(),
        top,
        top_copied_people: copied[0],
        parts,
        shared,
    })
}

/// The file name of a form's ledger (`name`, `name.json`...).
fn file_name(name: &str, form: Form) -> String {
    match form {
        Form::CsvFolder => name.to_string(),
        Form::Json => format!("{name}.json"),
        Form::Excel => format!("{name}.xlsx"),
        Form::Sqlite => format!("{name}.sqlite"),
        Form::Parquet => format!("{name}.parquet"),
    }
}

/// The names of the parts' ledgers: each root id where it makes a plain file name (letters,
/// digits, `-` and `_`, not starting with `_`, at most 100 bytes, not the same as another
/// but for case), else `_part<N>` (N counting the parts from 1).
fn part_names<'a>(roots: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    roots
        .enumerate()
        .map(|(i, r)| {
            let plain = !r.is_empty()
                && r.len() <= 100
                && !r.starts_with('_')
                && r.chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
            if plain && taken.insert(r.to_lowercase()) {
                r.to_string()
            } else {
                format!("_part{}", i + 1)
            }
        })
        .collect()
}

/// Checks a folder before a split is written there: absent, or an empty folder, unless
/// `force`. Nothing is written.
pub fn check_destination(dir: &Path, force: bool) -> Result<(), ManifestError> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(ManifestError::NotEmpty {
            path: dir.display().to_string(),
            found: "a file (not a folder)".into(),
        });
    }
    if force {
        return Ok(());
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| ManifestError::io(dir, e))?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|e| ManifestError::io(dir, e))?;
    if names.is_empty() {
        return Ok(());
    }
    names.sort();
    let more = names.len().saturating_sub(3);
    names.truncate(3);
    let mut found = names.join(", ");
    if more > 0 {
        found.push_str(&format!(" and {more} more"));
    }
    Err(ManifestError::NotEmpty {
        path: dir.display().to_string(),
        found,
    })
}

impl Split {
    /// The names of the ledgers as [`Split::write`] writes them (without the form's
    /// extension): the top's ([`TOP`]), then each part's in order.
    pub fn names(&self) -> (String, Vec<String>) {
        (
            TOP.to_string(),
            part_names(self.parts.iter().map(|p| p.root.as_str())),
        )
    }

    /// The manifest of the split written in `form` into a folder: paths relative to it.
    pub fn manifest(&self, form: Form) -> Manifest {
        let (top, names) = self.names();
        Manifest {
            root: self.root.to_string(),
            top: PathBuf::from(file_name(&top, form)),
            parts: self
                .parts
                .iter()
                .zip(names)
                .map(|(p, name)| PartEntry {
                    path: PathBuf::from(file_name(&name, form)),
                    root: p.root.to_string(),
                })
                .collect(),
            shared: Some(self.shared.clone()),
        }
    }

    /// Writes the top and each part into `dir` in `form` (`dir/_top`, `dir/<root id>`, with
    /// the form's extension), then the manifest `dir/parts.toml` (last, so that a folder
    /// with a manifest is complete). The folder must be absent or empty unless `force`
    /// (files of the same names are then written over). Returns the manifest, its paths
    /// joined to `dir`.
    pub fn write(&self, dir: &Path, form: Form, force: bool) -> Result<Manifest, ManifestError> {
        use rayon::prelude::*;
        check_destination(dir, force)?;
        std::fs::create_dir_all(dir).map_err(|e| ManifestError::io(dir, e))?;
        let m = self.manifest(form);
        let mut jobs: Vec<(String, &Path, &Ledger)> = vec![("the top".into(), &m.top, &self.top)];
        for (e, p) in m.parts.iter().zip(&self.parts) {
            jobs.push((format!("part `{}`", p.root), &e.path, &p.ledger));
        }
        jobs.par_iter().try_for_each(|(what, path, l)| {
            super::save(l, dir.join(path)).map_err(|source| ManifestError::Ledger {
                what: what.clone(),
                source,
            })
        })?;
        m.write(dir.join(MANIFEST))?;
        let dir = std::path::absolute(dir).map_err(|e| ManifestError::io(dir, e))?;
        let mut m = m;
        m.top = dir.join(&m.top);
        for p in &mut m.parts {
            p.path = dir.join(&p.path);
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_ids_that_make_no_plain_file_name_are_numbered() {
        let names =
            part_names(["zhejiang", "a/b", "_top", "Zhejiang", "浙江", "x.json", ""].into_iter());
        assert_eq!(
            names,
            ["zhejiang", "_part2", "_part3", "_part4", "浙江", "_part6", "_part7"]
        );
    }

    #[test]
    fn toml_strings_escape_quotes_backslashes_and_control_characters() {
        assert_eq!(toml_string("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
        let m = Manifest {
            root: "r\"oot".into(),
            top: PathBuf::from("_top"),
            parts: vec![PartEntry {
                path: PathBuf::from("a b"),
                root: "a\\b".into(),
            }],
            shared: Some(Shared {
                people: ["p\n1".to_string()].into_iter().collect(),
                orgs: BTreeSet::new(),
                units: ["a\\b".to_string()].into_iter().collect(),
            }),
        };
        let back = Manifest::from_toml(&m.to_toml(Path::new("/x")), "t").unwrap();
        assert_eq!(back, m);
    }
}
