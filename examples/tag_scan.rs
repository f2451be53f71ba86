//! newsgraph's tagger measured as the peers in `bench/peers.py` are: the texts of a JSON Lines
//! corpus are read first and not timed, then every text is tagged whole (its normal form,
//! whole-word and case checks, roles, ambiguity) on one thread. Nothing is written.
//!
//! `cargo run --release --example tag_scan -- GAZETTEER CORPUS_JSONL`

use std::io::BufRead;
use std::path::PathBuf;
use std::time::Instant;

use newsgraph::pipeline::{Common, load_on};

// The allocator the newsgraph binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (gazetteer, corpus) = (PathBuf::from(&args[1]), &args[2]);
    let common = Common { gazetteer, case: Default::default(), read: Default::default() };
    let t = Instant::now();
    let loaded = load_on(&common, 1)?;
    let load = t.elapsed().as_secs_f64();
    let mut texts = Vec::new();
    for line in std::io::BufReader::new(std::fs::File::open(corpus)?).lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        let date = v["published"].as_str().and_then(|d| d.parse().ok());
        texts.push((v["text"].as_str().unwrap_or_default().to_string(), date));
    }
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
