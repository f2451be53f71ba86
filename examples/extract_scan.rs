//! newsgraph's page extraction measured as `bench/trafilatura_scan.py` measures trafilatura:
//! the first LIMIT pages of a WARC archive are read first (not timed), then each page's
//! article is found (`Page::document`: dom_smoothie and the metadata) on one thread, timed.
//!
//! `cargo run --release --example extract_scan -- ARCHIVE.warc.gz LIMIT`

use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (path, limit) = (std::path::Path::new(&args[1]), args.get(2).map_or(Ok(usize::MAX), |n| n.parse())?);
    let pages: Vec<newsgraph::text::Page> = newsgraph::text::Archive::open(path, false)?.take(limit).collect::<Result<_, _>>()?;
    let bytes: usize = pages.iter().map(|p| p.html.len()).sum();
    let t = Instant::now();
    let articles = pages.iter().filter(|p| p.document().is_ok()).count();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{{\"tool\": \"newsgraph extraction\", \"pages\": {}, \"articles\": {articles}, \"bytes\": {bytes}, \"seconds\": {secs:.3}, \"mb_per_s\": {:.2}}}",
        pages.len(),
        bytes as f64 / 1e6 / secs
    );
    Ok(())
}
