#![no_main]
//! Any TOML: a gazetteer (and a tagger compiled from it) or an error naming the file.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|src: &str| {
    match newsgraph::gazetteer::Gazetteer::from_toml("g.toml", src) {
        Ok(g) => {
            for p in g.problems() {
                assert!(&*p.origin.file == "g.toml");
            }
            let _ = newsgraph::tagger::Tagger::new(&g, newsgraph::tagger::CaseMode::Default);
        }
        Err(e) => assert!(e.to_string().starts_with("g.toml")),
    }
});
