#![no_main]
//! Any bytes as a web page: an article with text, or none; never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let page = newsgraph::text::Page { html: data.to_vec(), id: "p".into(), path: "p.html".into(), url: Some("https://x.example/a".into()), fetched: None, charset: None };
    if let Ok(doc) = page.document() {
        assert!(!doc.text.trim().is_empty());
        assert_eq!(doc.id, "p");
    }
});
