#![no_main]
//! Any text through layout, tagger and extractor: claims point inside the text, never at a
//! self-loop.
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|text: &str| {
    let l = common::loaded();
    let layout = newsgraph::text::layout(text, &l.gaz.text);
    let mentions = l.tagger.tag(text, &layout.paragraphs, Some("2024-06-01".parse().unwrap()));
    for c in newsgraph::relations::extract(text, &layout, &mentions, &l.gaz, &l.lex) {
        assert!(text.get(c.sentence.clone()).is_some() && text.get(c.cue_span.clone()).is_some());
        assert_ne!(c.subject, c.object);
    }
});
