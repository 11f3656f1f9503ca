//! The number formats of a workbook's cells, which calamine does not expose: only whether
//! a format is a date. A code typed as the number `1` and formatted `000000` shows as
//! `000001` in Excel, and an import must keep it so. This reads `xl/styles.xml` (the
//! all-zeros custom formats and the cell styles that use them), finds the sheet's part
//! through `xl/workbook.xml` and its relationships, and collects the cells whose style is
//! such a format, parsing the XML with quick-xml (the reader calamine itself uses).
//! Anything unexpected gives no formats (the number is then read as is).

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::encoding::Decoder;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

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

/// Calls `f` with every element named `name` (whatever its namespace prefix), and whether
/// it lies inside an element named `inside` (when given).
fn each_element(
    xml: &str,
    name: &[u8],
    inside: Option<&[u8]>,
    mut f: impl FnMut(&Element<'_>, bool),
) -> Option<()> {
    let mut reader = Reader::from_str(xml);
    let mut depth_inside = 0usize;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => {
                if Some(e.local_name().as_ref()) == inside {
                    depth_inside += 1;
                }
                if e.local_name().as_ref() == name {
                    f(&Element(&e, reader.decoder()), depth_inside > 0);
                }
            }
            Event::Empty(e) if e.local_name().as_ref() == name => {
                f(&Element(&e, reader.decoder()), depth_inside > 0);
            }
            Event::End(e) if Some(e.local_name().as_ref()) == inside => {
                depth_inside = depth_inside.saturating_sub(1);
            }
            Event::Eof => return Some(()),
            _ => {}
        }
    }
}

/// An element with the decoder of its document.
struct Element<'e>(&'e BytesStart<'e>, Decoder);

/// The value of attribute `name` (by its local name: `r:id` is `id`), unescaped.
fn attr(e: &Element<'_>, name: &str) -> Option<String> {
    e.0.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name.as_bytes())
        .and_then(|a| {
            a.decode_and_unescape_value(e.1)
                .ok()
                .map(|v| v.into_owned())
        })
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
    let mut zeros: HashMap<String, usize> = HashMap::new();
    each_element(&styles, b"numFmt", None, |e, _| {
        if let Some(code) = attr(e, "formatCode") {
            if code.len() > 1 && code.bytes().all(|b| b == b'0') {
                zeros.insert(attr(e, "numFmtId").unwrap_or_default(), code.len());
            }
        }
    })?;
    if zeros.is_empty() {
        return Some(HashMap::new());
    }
    // The cell styles (`cellXfs`, not `cellStyleXfs`), in order: a cell's `s` indexes them.
    let mut styles_width: Vec<Option<usize>> = Vec::new();
    each_element(&styles, b"xf", Some(b"cellXfs"), |e, inside| {
        if inside {
            styles_width.push(attr(e, "numFmtId").and_then(|id| zeros.get(&id).copied()));
        }
    })?;
    let workbook = part(&mut zip, "xl/workbook.xml")?;
    let mut rid = None;
    each_element(&workbook, b"sheet", None, |e, _| {
        if rid.is_none() && attr(e, "name").as_deref() == Some(sheet) {
            rid = attr(e, "id");
        }
    })?;
    let rid = rid?;
    let rels = part(&mut zip, "xl/_rels/workbook.xml.rels")?;
    let mut target = None;
    each_element(&rels, b"Relationship", None, |e, _| {
        if target.is_none() && attr(e, "Id").as_deref() == Some(rid.as_str()) {
            target = attr(e, "Target");
        }
    })?;
    let target = target?;
    let path = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    };
    let xml = part(&mut zip, &path)?;
    let mut out = HashMap::new();
    each_element(&xml, b"c", None, |e, _| {
        let (Some(r), Some(s)) = (attr(e, "r"), attr(e, "s")) else {
            return;
        };
        let width = s
            .parse::<usize>()
            .ok()
            .and_then(|s| styles_width.get(s).copied().flatten());
        if let (Some(w), Some(at)) = (width, cell_ref(&r)) {
            out.insert(at, w);
        }
    })?;
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
