//! newsgraph's tagger measured as the peers in `bench/peers.py` are: the texts of a JSON Lines
//! corpus are read first and not timed, then every text is tagged whole (its normal form,
//! whole-word and case checks, roles, ambiguity) on one thread. Nothing is written.
//!
//! `cargo run --release --example tag_scan -- GAZETTEER CORPUS_JSONL`

use std::time::Instant;

mod support;

// The allocator the newsgraph binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (loaded, load, texts) = support::load_and_read()?;
    let bytes: usize = texts.iter().map(|(t, _)| t.len()).sum();
    let t = Instant::now();
    let mut mentions = 0usize;
    for (text, date) in &texts {
        mentions += loaded.tagger.tag(text, &[0..text.len()], *date).len();
    }
    let scan = t.elapsed().as_secs_f64();
    println!(
        "{{\"tool\": \"newsgraph tagger\", \"bytes\": {bytes}, \"seconds\": {scan:.3}, \"mb_per_s\": {:.1}, \"matches\": {mentions}, \"load_seconds\": {load:.3}}}",
        bytes as f64 / 1e6 / scan
    );
    Ok(())
}
