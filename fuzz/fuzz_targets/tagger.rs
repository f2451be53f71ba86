#![no_main]
//! Any text: mentions lie on char boundaries, in order, without overlaps, in every case mode.
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|text: &str| {
    let l = common::loaded();
    let mentions = l.tagger.tag(text, &[0..text.len()], Some("2024-06-01".parse().unwrap()));
    let mut last = 0;
    for m in mentions {
        assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end) && m.start < m.end);
        assert!(m.start >= last);
        last = m.end;
    }
});
