#![no_main]
//! Any bytes as a compiled gazetteer: a gazetteer (and a tagger compiled from it) or an error
//! naming the file, never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    match newsgraph::gazetteer::Gazetteer::from_compiled("g.json", bytes) {
        Ok((g, _)) => {
            let _ = newsgraph::tagger::Tagger::new(&g, newsgraph::tagger::CaseMode::Default);
        }
        Err(e) => assert!(e.to_string().starts_with("g.json"), "{e}"),
    }
});
