#![no_main]
//! Any text: paragraphs and sentences are ordered ranges on char boundaries; sentences cover
//! their paragraphs.
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|text: &str| {
    let l = newsgraph::text::layout(text, &common::loaded().gaz.text);
    for p in &l.paragraphs {
        assert!(p.start <= p.end && text.is_char_boundary(p.start) && text.is_char_boundary(p.end));
    }
    for s in &l.sentences {
        assert!(s.span.start < s.span.end && text.is_char_boundary(s.span.start) && text.is_char_boundary(s.span.end));
        let p = &l.paragraphs[s.paragraph];
        assert!(p.start <= s.span.start && s.span.end <= p.end);
    }
});
