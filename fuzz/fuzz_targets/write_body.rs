//! Arbitrary bytes as the body of a write of the service (`POST /api/v1/activities`,
//! `/progress`, `/observations`) through `Live::check_json` on the example: it may refuse
//! the body, never panic. The first byte picks the table, the rest is the body (lossily
//! UTF-8, as the service refuses other bytes before this).
#![no_main]

use std::sync::OnceLock;

use dangjian::live::Live;
use dangjian::model::Table;
use libfuzzer_sys::fuzz_target;

static LIVE: OnceLock<Live> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let live = LIVE.get_or_init(|| Live::new(dangjian::example()));
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let table = [Table::Activities, Table::Progress, Table::Observations][pick as usize % 3];
    let text = String::from_utf8_lossy(body);
    if let Ok(checked) = live.check_json(table, &text, 10_000) {
        // What passed is only new rows of the table asked for.
        assert_eq!(checked.table, table);
        assert_eq!(checked.rows().len_of(table), checked.added);
    }
});
