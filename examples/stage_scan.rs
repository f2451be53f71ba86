//! The per-document stages of `newsgraph build` measured one at a time on one thread, over
//! texts read first (not timed): reading the layout (paragraphs, sentences), tagging, and
//! relation extraction. Shows where analysis time goes without a profiler.
//!
//! `cargo run --release --example stage_scan -- GAZETTEER CORPUS_JSONL`

use std::time::Instant;

use newsgraph::{relations, text};

mod support;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (loaded, _, texts) = support::load_and_read()?;
    let bytes: usize = texts.iter().map(|(t, _)| t.len()).sum();
    let t = Instant::now();
    let layouts: Vec<text::Layout> = texts.iter().map(|(t, _)| text::layout(t, &loaded.gazetteer.text)).collect();
    let layout_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mentions: Vec<_> = texts.iter().zip(&layouts).map(|((t, d), l)| loaded.tagger.tag(t, &l.paragraphs, *d)).collect();
    let tag_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut claims = 0;
    for (((t, _), l), m) in texts.iter().zip(&layouts).zip(&mentions) {
        claims += relations::extract(t, l, m, &loaded.gazetteer, &loaded.lexicon).len();
    }
    let rel_s = t.elapsed().as_secs_f64();
    let mb = bytes as f64 / 1e6;
    println!(
        "{{\"bytes\": {bytes}, \"layout_s\": {layout_s:.3}, \"tag_s\": {tag_s:.3}, \"relations_s\": {rel_s:.3}, \"claims\": {claims}, \"relations_mb_per_s\": {:.1}}}",
        mb / rel_s
    );
    Ok(())
}
