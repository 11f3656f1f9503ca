//! Workbooks as a script writes them: formulas with no saved value (never opened in
//! Excel), which rust_xlsxwriter cannot write (it always saves a value), so its workbook
//! has its values taken out afterwards.
#![allow(dead_code)]

use std::io::{Cursor, Read, Write};

/// `xlsx` with the saved value of every formula cell of its sheets taken out: each
/// `<f>...</f><v>...</v>` becomes `<f>...</f>`.
pub fn without_saved_values(xlsx: &[u8]) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut zout = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut entry = zin.by_index(i).unwrap();
        let name = entry.name().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name.starts_with("xl/worksheets/sheet") {
            let text = String::from_utf8(bytes).unwrap();
            let mut out = String::new();
            let mut rest = text.as_str();
            while let Some(i) = rest.find("</f><v>") {
                out.push_str(&rest[..i + "</f>".len()]);
                let after = &rest[i + "</f><v>".len()..];
                let end = after.find("</v>").unwrap();
                rest = &after[end + "</v>".len()..];
            }
            out.push_str(rest);
            bytes = out.into_bytes();
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zout.write_all(&bytes).unwrap();
    }
    zout.finish().unwrap().into_inner()
}
