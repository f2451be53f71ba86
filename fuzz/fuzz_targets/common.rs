// Shared by the fuzz targets: the shipped gazetteer, compiled once.
use std::sync::OnceLock;

use newsgraph::gazetteer::Gazetteer;
use newsgraph::relations::Lexicon;
use newsgraph::tagger::{CaseMode, Tagger};

pub struct Loaded {
    pub gaz: Gazetteer,
    pub tagger: Tagger,
    pub lex: Lexicon,
}

pub fn loaded() -> &'static Loaded {
    static L: OnceLock<Loaded> = OnceLock::new();
    L.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../gazetteer");
        let gaz = Gazetteer::load(&root).expect("gazetteer");
        let tagger = Tagger::new(&gaz, CaseMode::Default).expect("tagger");
        let lex = Lexicon::load(&root).expect("lexicon");
        Loaded { gaz, tagger, lex }
    })
}
