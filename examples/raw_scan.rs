//! The library limit for the benchmark: one leftmost-longest aho-corasick pass over the text
//! of a JSON Lines corpus, with the benchmark's aliases, and nothing else.
//!
//! `cargo run --release --example raw_scan -- ALIASES_TXT CORPUS_JSONL`

use std::io::BufRead;
use std::time::Instant;

use aho_corasick::{AhoCorasick, MatchKind};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let aliases: Vec<String> = std::fs::read_to_string(&args[1]).expect("aliases").lines().filter(|l| !l.is_empty()).map(String::from).collect();
    let t = Instant::now();
    let ac = AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&aliases).expect("automaton");
    let build = t.elapsed();
    // Text only, as the other taggers see it: read every record's "text" first.
    let f = std::io::BufReader::new(std::fs::File::open(&args[2]).expect("corpus"));
    let texts: Vec<String> = f
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l.expect("line")).expect("json");
            v["text"].as_str().expect("text").to_string()
        })
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let t = Instant::now();
    let mut matches = 0usize;
    for text in &texts {
        matches += ac.find_iter(text).count();
    }
    let scan = t.elapsed().as_secs_f64();
    println!(
        "{{\"tool\": \"aho-corasick raw\", \"bytes\": {bytes}, \"seconds\": {scan:.3}, \"mb_per_s\": {:.1}, \"matches\": {matches}, \"build_seconds\": {:.3}}}",
        bytes as f64 / 1e6 / scan,
        build.as_secs_f64()
    );
}
