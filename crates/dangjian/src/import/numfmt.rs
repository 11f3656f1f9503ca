//! The number formats of a workbook's cells, which calamine does not expose: only whether
//! a format is a date. A code typed as the number `1` and formatted `000000` shows as
//! `000001` in Excel, and an import must keep it so. This reads `xl/styles.xml` (the
//! all-zeros custom formats and the cell styles that use them), finds the sheet's part
//! through `xl/workbook.xml` and its relationships, and collects the cells whose style is
//! such a format. Anything unexpected gives no formats (the number is then read as is).

use std::collections::HashMap;
use std::io::{Cursor, Read};

/// The cells (0-based row, column) of sheet `sheet` whose number format is all zeros,
/// with the format's width.
pub(crate) fn zero_formats(bytes: &[u8], sheet: &str) -> HashMap<(u32, u32), usize> {
    read(bytes, sheet).unwrap_or_default()
}

fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    let mut f = zip.by_name(name).ok()?;
    let mut s = String::new();
    // A part larger than 256 MB is not read (a decompression bomb).
    f.by_ref().take(256 << 20).read_to_string(&mut s).ok()?;
    Some(s)
}

/// The tags named `name` (`<name ...>` or `<name .../>`) in `xml`, each as its text.
fn tags<'x>(xml: &'x str, name: &'x str) -> impl Iterator<Item = &'x str> + 'x {
    let open = format!("<{name}");
    let mut rest = xml;
    std::iter::from_fn(move || loop {
        let i = rest.find(&open)?;
        let after = &rest[i + open.len()..];
        let end = after.find('>')?;
        let tag = &after[..end];
        rest = &after[end..];
        if tag.starts_with([' ', '/', '\t', '\n', '\r']) || tag.is_empty() {
            return Some(tag);
        }
    })
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let len = tag[i..].find('"')?;
    Some(unescape(&tag[i..i + len]))
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `C5` -> (4, 2).
fn cell_ref(r: &str) -> Option<(u32, u32)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    let mut col: u32 = 0;
    for b in letters.bytes() {
        col = col
            .checked_mul(26)?
            .checked_add(u32::from(b.checked_sub(b'A')?) + 1)?;
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

fn read(bytes: &[u8], sheet: &str) -> Option<HashMap<(u32, u32), usize>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let styles = part(&mut zip, "xl/styles.xml")?;
    // Custom number formats that are all zeros, by id.
    let zeros: HashMap<String, usize> = tags(&styles, "numFmt")
        .filter_map(|t| {
            let code = attr(t, "formatCode")?;
            (code.len() > 1 && code.bytes().all(|b| b == b'0'))
                .then(|| (attr(t, "numFmtId").unwrap_or_default(), code.len()))
        })
        .collect();
    if zeros.is_empty() {
        return Some(HashMap::new());
    }
    let xfs_start = styles.find("<cellXfs")?;
    let xfs_end = styles[xfs_start..].find("</cellXfs>")? + xfs_start;
    let styles_width: Vec<Option<usize>> = tags(&styles[xfs_start..xfs_end], "xf")
        .map(|t| attr(t, "numFmtId").and_then(|id| zeros.get(&id).copied()))
        .collect();
    let workbook = part(&mut zip, "xl/workbook.xml")?;
    let rid = tags(&workbook, "sheet")
        .find(|t| attr(t, "name").as_deref() == Some(sheet))
        .and_then(|t| attr(t, "r:id"))?;
    let rels = part(&mut zip, "xl/_rels/workbook.xml.rels")?;
    let target = tags(&rels, "Relationship")
        .find(|t| attr(t, "Id").as_deref() == Some(rid.as_str()))
        .and_then(|t| attr(t, "Target"))?;
    let path = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    };
    let xml = part(&mut zip, &path)?;
    let mut out = HashMap::new();
    for t in tags(&xml, "c") {
        let (Some(r), Some(s)) = (attr(t, "r"), attr(t, "s")) else {
            continue;
        };
        let width = s
            .parse::<usize>()
            .ok()
            .and_then(|s| styles_width.get(s).copied().flatten());
        if let (Some(w), Some(at)) = (width, cell_ref(&r)) {
            out.insert(at, w);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn cell_references() {
        assert_eq!(super::cell_ref("A1"), Some((0, 0)));
        assert_eq!(super::cell_ref("C5"), Some((4, 2)));
        assert_eq!(super::cell_ref("AA10"), Some((9, 26)));
    }
}
