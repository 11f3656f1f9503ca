//! The CSV-folder form: one `<table>.csv` per table, UTF-8 (with or without BOM) or GB18030.

use std::path::Path;

use rayon::prelude::*;

use super::decode::Decoded;
use super::decode::{Interner, Part, TableDecoder};
use super::problem::{Location, Problem, ProblemKind};
use super::raw::{clean, Origin, OutTable, RawRow, RawTable};
use super::tables::patch_ids;
use super::{write_atomically, LedgerError, Progress};
use crate::model::{Sym, Table};

/// Decodes file bytes: UTF-8 (a BOM is dropped) or, when not valid UTF-8, GB18030; gives
/// the encoding read. Bytes that are neither are an error at the line of the first byte
/// that cannot be read (rather than text with replacement characters in it).
pub(crate) fn decode_text(bytes: &[u8]) -> Result<(String, &'static str), NotCsv> {
    decode_text_cow(bytes).map(|(t, e)| (t.into_owned(), e))
}

/// Like [`decode_text`], borrowing UTF-8 text instead of copying it.
fn decode_text_cow(bytes: &[u8]) -> Result<(std::borrow::Cow<'_, str>, &'static str), NotCsv> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(s) => return Ok((s.into(), "UTF-8")),
        Err(e) => e.valid_up_to(),
    };
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len()),
    );
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    let gb_error = match result {
        encoding_rs::DecoderResult::InputEmpty => return Ok((text.into(), "GB18030")),
        // The malformed bytes end `after` bytes before what was read.
        encoding_rs::DecoderResult::Malformed(bad, after) => {
            read.saturating_sub(usize::from(after) + usize::from(bad))
        }
        // Not with a buffer sized for the whole text.
        encoding_rs::DecoderResult::OutputFull => 0,
    };
    // Text that is UTF-8 up to the bad byte, Chinese included, is UTF-8 (GB18030 text is
    // rarely UTF-8 past its first Chinese character): the bad byte is where UTF-8 stops.
    let utf8 = !bytes[..utf8_error].is_ascii();
    let at = if utf8 { utf8_error } else { gb_error }.min(bytes.len().saturating_sub(1));
    let line = 1 + memchr::memchr_iter(b'\n', &bytes[..at]).count() as u64;
    Err(NotCsv {
        line,
        column: 1,
        message: format!(
            "cannot be read as text: the byte 0x{:02X} on this line is neither UTF-8 nor GB18030 (the encodings a CSV file may have); save the file as CSV UTF-8",
            bytes.get(at).copied().unwrap_or(0)
        ),
    })
}

/// Parses one CSV text into a raw table (every cell kept as text, for tools and tests; the
/// loaders decode CSV as it streams instead); fails on the first problem.
pub fn parse_csv(table: Table, file: &str, text: &str) -> Result<RawTable, Problem> {
    let mut header: Option<(u64, Vec<String>)> = None;
    let mut rows = Vec::new();
    let mut first_problem = None;
    scan(text, 1, |line, record| match &header {
        None => {
            if record.iter().all(|c| clean(c).is_empty()) {
                return;
            }
            header = Some((line, record.iter().map(|c| clean(c).to_string()).collect()));
        }
        Some((_, h)) => {
            if let Some(p) = extra_cells(file, line, record, h.len()) {
                first_problem.get_or_insert(p);
            }
            rows.push(RawRow::new(line, (0..h.len()).map(|i| record.get(i))));
        }
    })
    .map_err(|p| p.located(file))?;
    if let Some(p) = first_problem {
        return Err(p);
    }
    let (header_pos, header) = header.unwrap_or((1, Vec::new()));
    Ok(RawTable {
        table,
        origin: Origin::Csv {
            file: file.to_string(),
        },
        header,
        rows,
        header_pos,
    })
}

/// The problem of a row with more (non-empty) cells than the header has columns.
fn extra_cells(file: &str, line: u64, record: &csv::StringRecord, width: usize) -> Option<Problem> {
    (record.len() > width && record.iter().skip(width).any(|c| !clean(c).is_empty())).then(|| {
        Problem::new(
            ProblemKind::Format,
            Location::Csv {
                file: file.to_string(),
                line,
                column: width + 1,
            },
            too_many_cells(record.len(), width),
        )
    })
}

/// The warning of a row with fewer cells than the header has columns (and something in
/// them): its missing cells read as empty, which is right for a row cut short on purpose
/// and wrong for a comma lost in the middle, which shifts every cell after it.
fn short_row(
    file: &str,
    line: u64,
    record: &csv::StringRecord,
    header: &[String],
) -> Option<Problem> {
    let cells = record.len();
    (cells < header.len() && record.iter().any(|c| !clean(c).is_empty())).then(|| {
        Problem::new(
            ProblemKind::ShortRow,
            Location::Csv {
                file: file.to_string(),
                line,
                column: cells + 1,
            },
            format!(
                "this row has {cells} cells but the header has {} columns: `{}` and the columns after it are read as empty; if a comma was lost, the cells after it are in the wrong columns",
                header.len(),
                header[cells]
            ),
        )
    })
}

/// The message of a row with more cells than its header has columns (an import source
/// row says it the same way).
pub(crate) fn too_many_cells(cells: usize, width: usize) -> String {
    format!("this row has {cells} cells but the header has {width} columns; name the extra column in the header or remove the extra cells")
}

/// Text that is not CSV (or not text), before its file is known: the line and column
/// where, and the whole message.
pub(crate) struct NotCsv {
    line: u64,
    column: usize,
    message: String,
}

impl NotCsv {
    pub(crate) fn located(self, file: &str) -> Problem {
        Problem::new(
            ProblemKind::Format,
            Location::Csv {
                file: file.to_string(),
                line: self.line,
                column: self.column,
            },
            self.message,
        )
    }
}

/// The problem of the last record of `bytes` (from `start`, its first byte, which is on
/// line `line`) when it opens a quoted cell that is never closed: the CSV reader would read
/// every line after it into that cell. Located at the opening quote's line and cell. Quotes
/// count as the reader takes them: a quote opens a quoted cell only as the cell's first
/// byte, and a doubled quote inside it is a quote.
pub(crate) fn unclosed_quote(bytes: &[u8], start: usize, line: u64) -> Option<NotCsv> {
    let (mut quoted, mut open, mut cell, mut cell_start) = (false, 0, 0, true);
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        if quoted {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else {
            match b {
                b'"' if cell_start => {
                    (quoted, open) = (true, i);
                }
                b',' => {
                    cell += 1;
                    cell_start = true;
                    i += 1;
                    continue;
                }
                b'\n' | b'\r' => {
                    cell = 0;
                    cell_start = true;
                    i += 1;
                    continue;
                }
                _ => {}
            }
            cell_start = false;
        }
        i += 1;
    }
    quoted.then(|| NotCsv {
        line: line + newlines(&bytes[start.min(open)..open]),
        column: cell + 1,
        message: "a quoted cell opens here (a `\"` as its first character) and is never closed, so every line after it would be read into this cell; close the quote (a quote inside a quoted cell is written twice: `\"\"`)".to_string(),
    })
}

/// Calls `f` with each record of `text` and the line it starts on, `first_line` being the
/// line of `text`'s first byte. Lines are counted here, by line feeds, so that CRLF files
/// (what Excel writes) are numbered like LF ones.
fn scan(
    text: &str,
    first_line: u64,
    mut f: impl FnMut(u64, &csv::StringRecord),
) -> Result<(), NotCsv> {
    let bytes = text.as_bytes();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::StringRecord::new();
    let (mut counted_to, mut line) = (0usize, first_line);
    // The first byte of the last record read.
    let mut last = 0usize;
    loop {
        let more = reader.read_record(&mut record).map_err(|e| NotCsv {
            line: e.position().map_or(line, |p| first_line + p.line() - 1),
            column: 1,
            message: format!("not valid CSV: {e}"),
        })?;
        if !more {
            return unclosed_quote(bytes, last, line).map_or(Ok(()), Err);
        }
        // The record starts at its first byte that ends no line.
        let mut start = record.position().map_or(counted_to, |p| p.byte() as usize);
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        let start = start.max(counted_to).min(bytes.len());
        line += newlines(&bytes[counted_to..start]);
        counted_to = start;
        last = start;
        f(line, &record);
    }
}

/// The line feeds in `span`: the bytes from one record's start to the next's, most often
/// one line ending in its only line feed, which the first search finds.
fn newlines(span: &[u8]) -> u64 {
    match memchr::memchr(b'\n', span) {
        None => 0,
        Some(p) if p + 1 == span.len() => 1,
        Some(p) => 1 + memchr::memchr_iter(b'\n', &span[p + 1..]).count() as u64,
    }
}

/// The length of the longest prefix of `bytes` that ends a record: just past the last line
/// feed outside quotes. `None` when there is no such line feed.
fn record_boundary(bytes: &[u8]) -> Option<usize> {
    let last = memchr::memrchr(b'\n', bytes)?;
    if memchr::memchr_iter(b'"', &bytes[..last])
        .count()
        .is_multiple_of(2)
    {
        return Some(last + 1);
    }
    // A quoted cell spans the last line feed: find the last one outside quotes.
    let mut quoted = false;
    let mut found = None;
    for i in memchr::memchr2_iter(b'"', b'\n', bytes) {
        match bytes[i] {
            b'"' => quoted = !quoted,
            _ if !quoted => found = Some(i + 1),
            _ => {}
        }
    }
    found
}

/// The id caches of one load, one per worker thread.
type Ids = thread_local::ThreadLocal<std::cell::RefCell<Interner>>;

/// Parts of one table already moved into the table, empty but with their room: the next
/// blocks decode into them instead of into fresh memory (which the system must clear page
/// by page first).
type Spare = std::sync::Mutex<Vec<Part>>;

/// Moves `parts` to the end of `into`, in order, and keeps the emptied ones in `spare`.
fn gather(into: &mut Part, parts: impl IntoIterator<Item = Part>, spare: &Spare) {
    let mut spare = spare.lock().unwrap_or_else(|e| e.into_inner());
    for mut p in parts {
        into.append(&mut p);
        spare.push(p);
    }
}

/// A table's part from the first parts decoded: the first block's, with room for
/// `room(rows)` records in all (`rows` being those decoded so far), then the others moved
/// after it, their emptied parts kept in `spare`.
fn start_table(
    table: Table,
    parts: Vec<Part>,
    room: impl FnOnce(usize) -> usize,
    spare: &Spare,
) -> Part {
    let rows: usize = parts.iter().map(|p| p.positions.len()).sum();
    let mut parts = parts.into_iter();
    let mut all = parts.next().unwrap_or_default();
    let have = all.positions.len();
    all.reserve(table, room(rows).saturating_sub(have));
    gather(&mut all, parts, spare);
    all
}

/// Blocks of a large file are decoded in parallel; each ends at a record boundary.
const BLOCK: usize = 8 << 20;

/// One table as read from its file: where it came from, its header and its decoded rows.
struct TableRead {
    table: Table,
    origin: Origin,
    header: Vec<String>,
    header_pos: u64,
    part: Part,
    /// Problems of the file's structure (rows wider than the header, text that is not CSV).
    read_problems: Vec<Problem>,
    /// No table at all (text that is not CSV).
    failed: bool,
    /// The size of the blocks decoded in parallel.
    block: usize,
}

impl TableRead {
    fn new(table: Table) -> TableRead {
        TableRead {
            table,
            origin: Origin::Csv {
                file: format!("{}.csv", table.name()),
            },
            header: Vec::new(),
            header_pos: 1,
            part: Part::default(),
            read_problems: Vec::new(),
            failed: false,
            block: BLOCK,
        }
    }

    fn file(&self) -> String {
        format!("{}.csv", self.table.name())
    }

    fn fail(&mut self, e: NotCsv) {
        let p = e.located(&self.file());
        self.read_problems.push(p);
        self.failed = true;
    }

    /// Reads the header from the start of `text` (which starts on line `base`); returns the
    /// rest of the text and its first line, or `None` when the text holds no header (or is
    /// not CSV).
    fn header<'t>(&mut self, text: &'t str, base: u64) -> Option<(&'t str, u64)> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut record = csv::StringRecord::new();
        let mut rest_at = 0;
        let mut header = None;
        let _ = scan_until(&mut reader, &mut record, |rec| {
            if rec.iter().all(|c| clean(c).is_empty()) {
                return false;
            }
            header = Some(rec.iter().map(|c| clean(c).to_string()).collect::<Vec<_>>());
            true
        });
        if let Some(h) = header {
            rest_at = reader.position().byte() as usize;
            self.header = h;
            // A header that runs to the end of the text may open a quote it never closes.
            let start = record
                .position()
                .map_or(0, |p| p.byte() as usize)
                .min(text.len());
            let line = base + count_lines(&text[..start]);
            let open = (rest_at >= text.len())
                .then(|| unclosed_quote(text.as_bytes(), start, line))
                .flatten();
            if let Some(e) = open {
                self.fail(e);
                return None;
            }
        }
        if self.header.is_empty() {
            // No header: an empty table (unless the text is not CSV at all).
            if let Err(e) = scan(text, 1, |_, _| {}) {
                self.fail(e);
            }
            return None;
        }
        let rest_at = rest_at.min(text.len());
        // The header's line, and the line the rest starts on.
        let head = &text.as_bytes()[..rest_at];
        let mut header_start = record.position().map_or(0, |p| p.byte() as usize);
        while header_start < head.len() && matches!(head[header_start], b'\r' | b'\n') {
            header_start += 1;
        }
        self.header_pos =
            base + memchr::memchr_iter(b'\n', &head[..header_start.min(head.len())]).count() as u64;
        let rest_line = base + memchr::memchr_iter(b'\n', head).count() as u64;
        Some((&text[rest_at..], rest_line))
    }

    /// Decodes the records of `text` (which starts on line `first_line`) in parallel
    /// blocks, into one part each (at least one), in order; a block takes a part from
    /// `spare` when there is one. Also gives the number of line feeds in `text`.
    fn decode(
        &self,
        text: &str,
        first_line: u64,
        ids: &Ids,
        spare: &Spare,
    ) -> Result<(Vec<Part>, Vec<Problem>, u64), NotCsv> {
        let dec = TableDecoder::new(self.table, &self.origin, &self.header, self.header_pos);
        let file = self.file();
        // Split at record boundaries into blocks, each with its first line.
        let mut blocks = Vec::new();
        let (mut at, mut line) = (0usize, first_line);
        while at < text.len() {
            let want = (at + self.block).min(text.len());
            let end = if want == text.len() {
                text.len()
            } else {
                record_boundary(&text.as_bytes()[at..want])
                    .map(|n| at + n)
                    .unwrap_or(text.len())
            };
            blocks.push((&text[at..end], line));
            line += memchr::memchr_iter(b'\n', &text.as_bytes()[at..end]).count() as u64;
            at = end;
        }
        let width = self.header.len();
        let parts: Vec<Result<(Part, Vec<Problem>), NotCsv>> = blocks
            .into_par_iter()
            .map(|(block, line)| {
                // One id cache per worker thread, warm from block to block and table to
                // table.
                let mut ids = ids.get_or_default().borrow_mut();
                let reused = spare.lock().unwrap_or_else(|e| e.into_inner()).pop();
                let mut part = reused.unwrap_or_else(|| dec.part());
                let mut structure = Vec::new();
                // Ids in no order are looked up together at the end of the block.
                ids.defer(true);
                let scanned = scan(block, line, |line, record| {
                    if let Some(p) = extra_cells(&file, line, record, width) {
                        structure.push(p);
                    } else if record.len() < width {
                        structure.extend(short_row(&file, line, record, &self.header));
                    }
                    dec.row(line, record, &mut part, &mut ids);
                });
                ids.defer(false);
                let syms = ids.resolve();
                if !syms.is_empty() {
                    let to = |s: Sym| s.pending_index().map_or(s, |k| syms[k]);
                    patch_ids(&mut part.ledger, self.table, 0, &to);
                    for p in &mut part.pending {
                        p.id = to(p.id);
                    }
                }
                scanned?;
                Ok((part, structure))
            })
            .collect();
        let mut all = Vec::with_capacity(parts.len().max(1));
        let mut structure = Vec::new();
        for p in parts {
            let (part, s) = p?;
            all.push(part);
            structure.extend(s);
        }
        if all.is_empty() {
            all.push(dec.part());
        }
        Ok((all, structure, line - first_line))
    }

    /// Reads a whole file's bytes (UTF-8, with or without BOM, or GB18030).
    fn read_bytes(mut self, bytes: &[u8], ids: &Ids) -> TableRead {
        let text = match decode_text_cow(bytes) {
            Ok((text, _)) => text,
            Err(e) => {
                self.fail(e);
                return self;
            }
        };
        if let Some((rest, line)) = self.header(&text, 1) {
            let spare = Spare::default();
            match self.decode(rest, line, ids, &spare) {
                Ok((parts, s, _)) => {
                    self.part = start_table(self.table, parts, |rows| rows, &spare);
                    self.read_problems.extend(s);
                }
                Err(e) => self.fail(e),
            }
        }
        self
    }

    /// Reads a file from disk; a large UTF-8 file streams through in blocks so that it is
    /// never held whole.
    fn read_path(
        self,
        path: &Path,
        ids: &Ids,
        progress: &Progress<'_>,
    ) -> Result<TableRead, LedgerError> {
        use std::io::Read;
        let mut file = std::fs::File::open(path).map_err(|e| LedgerError::io(path, e))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        if size <= 4 * self.block as u64 {
            let mut bytes = Vec::with_capacity(size as usize);
            file.read_to_end(&mut bytes)
                .map_err(|e| LedgerError::io(path, e))?;
            let read = self.read_bytes(&bytes, ids);
            progress.add(size);
            return Ok(read);
        }
        let mut me = self;
        let mut buf: Vec<u8> = Vec::with_capacity(4 * me.block + 1024);
        let mut first = true;
        let mut line = 1u64;
        let mut eof = false;
        let mut part: Option<Part> = None;
        let spare = Spare::default();
        while !eof {
            // Fill the window.
            let target = 4 * me.block;
            while buf.len() < target {
                let old = buf.len();
                buf.resize(target, 0);
                let n = file
                    .read(&mut buf[old..])
                    .map_err(|e| LedgerError::io(path, e))?;
                buf.truncate(old + n);
                if n == 0 {
                    eof = true;
                    break;
                }
            }
            let mut body: &[u8] = &buf;
            if first && line == 1 {
                body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
            }
            let end = if eof {
                body.len()
            } else {
                match record_boundary(body) {
                    Some(n) => n,
                    // One record longer than the window: read on.
                    None if buf.len() < (1 << 30) => {
                        buf.reserve(buf.len());
                        let old = buf.len();
                        buf.resize(old * 2, 0);
                        let n = file
                            .read(&mut buf[old..])
                            .map_err(|e| LedgerError::io(path, e))?;
                        buf.truncate(old + n);
                        eof = n == 0;
                        continue;
                    }
                    None => body.len(),
                }
            };
            let Ok(text) = std::str::from_utf8(&body[..end]) else {
                // Not UTF-8: the whole file is GB18030 (or broken); read it whole.
                drop(buf);
                let fresh = TableRead {
                    block: me.block,
                    ..TableRead::new(me.table)
                };
                let bytes = std::fs::read(path).map_err(|e| LedgerError::io(path, e))?;
                return Ok(fresh.read_bytes(&bytes, ids));
            };
            let (rest, rest_line) = if first {
                match me.header(text, line) {
                    Some(x) => {
                        first = false;
                        x
                    }
                    None if me.failed => return Ok(me),
                    // Blank lines only so far: look for the header in the next window.
                    None => (&text[text.len()..], line + count_lines(text)),
                }
            } else {
                (text, line)
            };
            let consumed = end + (buf.len() - body.len());
            let mut lines = 0;
            if !rest.is_empty() {
                match me.decode(rest, rest_line, ids, &spare) {
                    Ok((parts, s, n)) => {
                        lines = n;
                        match &mut part {
                            Some(all) => gather(all, parts, &spare),
                            None => {
                                // The first block's part becomes the table's, sized once
                                // from the first window's rows per byte (2% over), so that
                                // appending the later blocks never copies what came before.
                                let room = |rows: usize| {
                                    if rows == 0 || consumed == 0 {
                                        return 0;
                                    }
                                    let est = (rows as u128 * u128::from(size) / consumed as u128)
                                        as usize;
                                    est + est / 50 + 1024
                                };
                                part = Some(start_table(me.table, parts, room, &spare));
                            }
                        }
                        me.read_problems.extend(s);
                    }
                    Err(e) => {
                        me.fail(e);
                        return Ok(me);
                    }
                }
            }
            line = rest_line + lines;
            buf.drain(..consumed);
            progress.add(consumed as u64);
        }
        me.part = part.unwrap_or_default();
        Ok(me)
    }
}

fn count_lines(text: &str) -> u64 {
    memchr::memchr_iter(b'\n', text.as_bytes()).count() as u64
}

/// `scan`'s first records, until `stop` says so (for the header).
fn scan_until(
    reader: &mut csv::Reader<&[u8]>,
    record: &mut csv::StringRecord,
    mut stop: impl FnMut(&csv::StringRecord) -> bool,
) -> Result<(), csv::Error> {
    while reader.read_record(record)? {
        if stop(record) {
            break;
        }
    }
    Ok(())
}

/// Reads every `<table>.csv` of a folder (missing tables are empty), the tables in
/// parallel.
pub(crate) fn read_folder(
    dir: &Path,
    report: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<Decoded, LedgerError> {
    let mut names = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| LedgerError::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| LedgerError::io(dir, e))?;
        names.push((
            entry.file_name().to_string_lossy().to_string(),
            entry.path(),
        ));
    }
    let (known, unknown) = sort_files(names);
    // Large tables first, so that the small ones fill in around them.
    let mut jobs: Vec<(Table, std::path::PathBuf, u64)> = known
        .into_iter()
        .map(|(t, p)| {
            let size = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
            (t, p, size)
        })
        .collect();
    jobs.sort_by_key(|j| std::cmp::Reverse(j.2));
    let ids = Ids::default();
    let progress = Progress {
        report,
        done: Default::default(),
        total: jobs.iter().map(|j| j.2).sum(),
    };
    let reads: Vec<Result<TableRead, LedgerError>> = jobs
        .into_par_iter()
        .map(|(t, p, _)| TableRead::new(t).read_path(&p, &ids, &progress))
        .collect();
    let reads = reads.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(assemble(unknown, reads))
}

/// Reads the files of a CSV folder given as `(file name, bytes)`: each `<table>.csv` is a
/// table (UTF-8 or GB18030, detected file by file); another `.csv` name is a problem; other
/// names are ignored.
pub(crate) fn read_files<N: AsRef<str>, B: AsRef<[u8]>>(
    files: impl IntoIterator<Item = (N, B)>,
) -> Decoded {
    let files: Vec<(String, B)> = files
        .into_iter()
        .map(|(n, b)| (n.as_ref().to_string(), b))
        .collect();
    let (known, unknown) = sort_files(files);
    let ids = Ids::default();
    let reads: Vec<TableRead> = known
        .into_iter()
        .map(|(t, b)| TableRead::new(t).read_bytes(b.as_ref(), &ids))
        .collect();
    assemble(unknown, reads)
}

/// Splits file names into tables (the last file of each name wins) and other `.csv` files
/// (sorted); names not ending in `.csv` are ignored.
fn sort_files<X>(files: Vec<(String, X)>) -> (Vec<(Table, X)>, Vec<String>) {
    let mut by_table: Vec<Option<X>> = Table::ALL.iter().map(|_| None).collect();
    let mut unknown = Vec::new();
    for (name, x) in files {
        let Some(stem) = name.strip_suffix(".csv") else {
            continue;
        };
        match Table::ALL.iter().position(|t| t.name() == stem) {
            Some(i) => by_table[i] = Some(x),
            None => unknown.push(name),
        }
    }
    unknown.sort();
    let known = Table::ALL
        .into_iter()
        .zip(by_table)
        .filter_map(|(t, x)| x.map(|x| (t, x)))
        .collect();
    (known, unknown)
}

/// Puts the tables together in the order of `LEDGER.md`, problems in reading order.
fn assemble(unknown: Vec<String>, mut reads: Vec<TableRead>) -> Decoded {
    let read_problems = unknown
        .into_iter()
        .map(|name| {
            Problem::new(
                ProblemKind::Format,
                Location::File { path: name.clone() },
                format!(
                    "`{name}` is not a ledger table; tables are {}",
                    Table::ALL.map(|t| t.name()).join(", ")
                ),
            )
        })
        .collect();
    let mut out = Decoded {
        read_problems,
        ..Decoded::default()
    };
    reads.sort_by_key(|r| r.table);
    for r in reads {
        out.read_problems.extend(r.read_problems);
        if r.failed {
            continue;
        }
        if r.header.is_empty() {
            // A file cut short (a failed copy) would otherwise read as a table with no
            // rows; a table with no rows has its header, or no file at all.
            out.read_problems.push(Problem::new(
                ProblemKind::Format,
                Location::Csv {
                    file: format!("{}.csv", r.table.name()),
                    line: 1,
                    column: 1,
                },
                format!(
                    "the file is empty: it needs at least the header line ({}); delete the file if the table has no rows",
                    r.table.columns().iter().map(|c| c.name).collect::<Vec<_>>().join(",")
                ),
            ));
            continue;
        }
        let dec = TableDecoder::new(r.table, &r.origin, &r.header, r.header_pos);
        dec.finish(r.part, &mut out);
    }
    out
}

/// Renders one table as CSV text.
pub fn render_csv(t: &OutTable) -> Result<String, csv::Error> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(&t.header)?;
    for row in &t.rows {
        w.write_record(
            row.iter()
                .map(|c| c.as_ref().map(|v| v.to_text()).unwrap_or_default()),
        )?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

/// Writes every table into `dir` (created if needed), each file atomically.
pub fn write_folder(tables: &[OutTable], dir: &Path) -> Result<(), LedgerError> {
    std::fs::create_dir_all(dir).map_err(|e| LedgerError::io(dir, e))?;
    for t in tables {
        let text = render_csv(t).map_err(|e| LedgerError::io(dir, std::io::Error::other(e)))?;
        write_atomically(
            &dir.join(format!("{}.csv", t.table.name())),
            text.as_bytes(),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The people of an activity table: `rows` activities, some with quoted notes that
    /// span lines, every `bad`-th with a date that is not one.
    fn activities(rows: usize, bad: usize, eol: &str) -> String {
        let mut s = format!("\u{feff}id,kind,date,subject,people,note{eol}");
        for i in 0..rows {
            let date = if i % bad == bad - 1 {
                "2019-13-01"
            } else {
                "2019-03-04"
            };
            let note = if i % 7 == 0 {
                format!("\"a note{eol}over two lines, with \"\"quotes\"\"\"")
            } else {
                String::new()
            };
            s.push_str(&format!("a{i},patrol,{date},u1,p1;p2,{note}{eol}"));
        }
        s
    }

    /// The problems, positions and activity ids (in order) of `text` read in blocks of
    /// `block` bytes (windows of four blocks, whose parts are reused).
    fn read(text: &str, block: usize) -> (Vec<String>, Vec<u64>, Vec<String>) {
        let dir = std::env::temp_dir().join(format!(
            "dangjian-csv-block-{}-{block}-{}",
            std::process::id(),
            text.len()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("activities.csv");
        std::fs::write(&path, text).unwrap();
        let r = TableRead {
            block,
            ..TableRead::new(Table::Activities)
        }
        .read_path(
            &path,
            &Ids::default(),
            &Progress {
                report: &|_, _, _| {},
                done: Default::default(),
                total: 0,
            },
        )
        .unwrap();
        std::fs::remove_dir_all(&dir).ok();
        let mut out = Decoded::default();
        let ids = r.part.ledger.activities.iter();
        let ids = ids.map(|a| a.id.as_ref().map_or(String::new(), |i| i.to_string()));
        let ids = ids.collect();
        let dec = TableDecoder::new(r.table, &r.origin, &r.header, r.header_pos);
        dec.finish(r.part, &mut out);
        let problems = out.problems.iter().map(|p| p.to_string()).collect();
        let positions = out.sources.locate_positions(Table::Activities);
        (problems, positions, ids)
    }

    #[test]
    fn blocks_of_any_size_give_the_same_rows_lines_and_problems() {
        for eol in ["\n", "\r\n"] {
            // 300 rows; every 50th bad; every 7th spans two lines.
            let text = activities(300, 50, eol);
            let whole = read(&text, 1 << 30);
            // 300 rows less 6 bad ones, in order.
            let good = (0..300).filter(|i| i % 50 != 49).map(|i| format!("a{i}"));
            assert_eq!(whole.2, good.collect::<Vec<_>>());
            assert_eq!(whole.0.len(), 6);
            // Row i starts on line 2 + i + (rows before it that span two lines):
            // row 49 (the first bad one) has rows 0, 7, ..., 42 (7 of them) before it.
            assert!(
                whole.0[0].starts_with("activities.csv:58:3:"),
                "{}",
                whole.0[0]
            );
            for block in [1, 7, 64, 333, 4096] {
                assert_eq!(read(&text, block), whole, "block {block} {eol:?}");
            }
        }
    }

    #[test]
    fn crlf_lines_are_numbered_like_lf_lines() {
        let text = "id,kind,date,subject\r\na1,patrol,2019-01-02,u1\r\na2,patrol,2019x01-02,u1\r\n";
        let (problems, _, _) = read(text, 1 << 30);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("activities.csv:3:3:"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn record_boundary_skips_line_feeds_inside_quotes() {
        assert_eq!(record_boundary(b"a,b\nc,\"d\ne"), Some(4));
        assert_eq!(record_boundary(b"a,b\nc,\"d\ne\"\nf"), Some(12));
        assert_eq!(record_boundary(b"a,\"b\nc"), None);
    }
}
