//! Arbitrary bytes as a JSON ledger through the public JSON loader: it may refuse, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = dangjian::ledger::from_json_str(&text);
});
