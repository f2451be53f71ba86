#![no_main]
//! Any line: a document or an error naming the place, never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|line: &str| {
    match newsgraph::text::parse_record(line, "f.jsonl:1") {
        Ok(doc) => assert!(!doc.id.is_empty()),
        Err(e) => assert!(e.to_string().starts_with("f.jsonl:1")),
    }
});
