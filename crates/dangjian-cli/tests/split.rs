//! `dangjian split` as a user runs it (docs/PARTIALS.md, "Parts").

mod common;
use common::dangjian;
use dangjian::ledger::parts::{self, Manifest};

fn tmp(name: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("dangjian-split-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    p
}

/// The data rows of a CSV file (its lines less the header).
fn data_rows(path: &std::path::Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count() - 1
}

#[test]
fn split_the_example_by_area_writes_the_top_two_areas_and_their_manifest() {
    let dir = tmp("areas");
    let to = dir.to_str().unwrap();
    let (code, out, err) = dangjian(&["split", "--by", "area", "--to", to]);
    assert_eq!(code, 0, "{err}");
    // One line per ledger: the top, then the areas in the order of units.csv.
    let names: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(names, ["_top", "huachuan_area", "lidian_area"]);
    for line in out.lines() {
        let rest = line.split_once(": ").unwrap().1;
        let (rows, copied) = rest.split_once(" rows, ").unwrap();
        assert!(rows.parse::<usize>().unwrap() > 0, "{line}");
        assert!(copied.ends_with(" people copied in"), "{line}");
    }
    assert!(err.contains("wrote 2 parts, the top and"), "{err}");

    let m = Manifest::read(dir.join("parts.toml")).unwrap();
    assert_eq!(m.root, "chengxi");
    let abs = std::path::absolute(&dir).unwrap();
    assert_eq!(m.top, abs.join("_top"));
    let roots: Vec<&str> = m.parts.iter().map(|p| p.root.as_str()).collect();
    assert_eq!(roots, ["huachuan_area", "lidian_area"]);
    assert_eq!(m.parts[1].path, abs.join("lidian_area"));
    assert!(m.shared.is_some());
    // units.csv: 30 units at or below huachuan_area, 18 at or below lidian_area, 126 in
    // neither; the top holds those and the two areas.
    assert_eq!(data_rows(&dir.join("huachuan_area/units.csv")), 30);
    assert_eq!(data_rows(&dir.join("lidian_area/units.csv")), 18);
    assert_eq!(data_rows(&dir.join("_top/units.csv")), 128);
    // Each ledger validates on its own.
    for path in ["_top", "huachuan_area", "lidian_area"] {
        let p = dir.join(path);
        let (code, _, err) = dangjian(&["validate", p.to_str().unwrap()]);
        assert_eq!(code, 0, "{path}: {err}");
    }
    // And a part loads through the manifest.
    let lidian = parts::load_part(dir.join("parts.toml"), Some("lidian_area")).unwrap();
    assert_eq!(lidian.units.len(), 18);

    // A folder that is not empty is refused, unless --force.
    let (code, _, err) = dangjian(&["split", "--by", "area", "--to", to]);
    assert_eq!(code, 2);
    assert!(
        err.contains("already holds _top, huachuan_area, lidian_area and 1 more"),
        "{err}"
    );
    let (code, _, err) = dangjian(&["split", "--by", "area", "--to", to, "--force"]);
    assert_eq!(code, 0, "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn split_writes_json_parts_when_asked() {
    let dir = tmp("json");
    let (code, out, err) = dangjian(&[
        "split",
        "--by",
        "block",
        "--to",
        dir.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let names: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(
        names,
        ["_top.json", "meitang_block.json", "huachuan_block.json"]
    );
    let text = std::fs::read_to_string(dir.join("parts.toml")).unwrap();
    assert!(
        text.starts_with("root = \"chengxi\"\ntop = \"_top.json\"\n\n[[part]]\npath = \"meitang_block.json\"\nroot = \"meitang_block\"\n"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn split_by_a_kind_no_unit_below_the_root_has_says_so() {
    let dir = tmp("lacks");
    // The example's one district is its root, which is never a part.
    let (code, _, err) = dangjian(&["split", "--by", "district", "--to", dir.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no unit below the root `chengxi` is of kind `district`"),
        "{err}"
    );
    let (code, _, err) = dangjian(&["split", "--by", "town", "--to", dir.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("town"), "{err}");
    assert!(!dir.join("parts.toml").exists());
}
