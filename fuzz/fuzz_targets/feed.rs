#![no_main]
//! Any bytes as an RSS or Atom feed: documents with text and ids, or a reason; never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(docs) = newsgraph::text::feed_documents(data, std::path::Path::new("f.rss")) {
        for d in docs {
            assert!(!d.text.trim().is_empty() && !d.id.is_empty());
        }
    }
});
