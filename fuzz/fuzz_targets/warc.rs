#![no_main]
//! Any bytes as a WARC archive (plain or gzip): pages, and damage reported with an offset
//! inside the input; never a panic, never more records than bytes; strict stops at the
//! first damage.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for strict in [false, true] {
        let Ok(mut archive) = newsgraph::text::Archive::from_reader("f.warc", std::io::Cursor::new(data.to_vec()), strict) else {
            continue;
        };
        let mut n = 0;
        for page in archive.by_ref() {
            n += 1;
            assert!(n <= data.len(), "more pages than bytes");
            match page {
                Ok(p) => assert!(p.path.starts_with("f.warc@")),
                Err(e) => {
                    assert!(strict && e.to_string().starts_with("f.warc: byte "), "{e}");
                    break;
                }
            }
        }
        for w in archive.report() {
            if let Some(rest) = w.strip_prefix("warning: f.warc: byte ") {
                let at: usize = rest.split(':').next().unwrap().parse().unwrap();
                assert!(at <= data.len(), "{w}");
            }
        }
    }
});
