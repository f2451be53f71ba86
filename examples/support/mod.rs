//! What the scan examples share: the gazetteer loaded on one thread, and the texts (with
//! their dates) of a JSON Lines corpus read into memory before anything is timed.

use std::io::BufRead;
use std::path::PathBuf;
use std::time::Instant;

use newsgraph::date::Date;
use newsgraph::pipeline::{Common, Loaded, load_on};

/// A record's text and publication date.
pub type Text = (String, Option<Date>);

/// Loads `GAZETTEER` and reads `CORPUS_JSONL` (the first two arguments). Returns the load, its
/// time in seconds, and every record's `text` and `published` date.
pub fn load_and_read() -> Result<(Loaded, f64, Vec<Text>), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(gazetteer), Some(corpus)) = (args.get(1), args.get(2)) else {
        return Err("usage: GAZETTEER CORPUS_JSONL".into());
    };
    let common = Common {
        gazetteer: Some(PathBuf::from(gazetteer)),
        case: Default::default(),
        read: Default::default(),
        cache: None,
        timings: Default::default(),
        min_confidence: 0,
    };
    let t = Instant::now();
    let loaded = load_on(&common, 1)?;
    let load = t.elapsed().as_secs_f64();
    let mut texts = Vec::new();
    for line in std::io::BufReader::new(std::fs::File::open(corpus)?).lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        let date = v["published"].as_str().and_then(|d| d.parse().ok());
        texts.push((v["text"].as_str().unwrap_or_default().to_string(), date));
    }
    Ok((loaded, load, texts))
}
