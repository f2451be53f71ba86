//! `gazetteer suggest`: the names the gazetteer does not know, read from the inputs.

use std::path::PathBuf;

use super::*;
use crate::discover::{Candidates, Discovery, Found, Read, Suggestion};
use crate::error::Result;
use crate::text::Document;

/// `newsgraph gazetteer suggest --db`: the names the store at `db` kept, ranked.
pub fn suggest_stored(db: &std::path::Path, min_docs: usize) -> Result<Vec<Suggestion>> {
    let store = crate::store::Store::open(db)?;
    Ok(crate::store::unknown_names(&store)?.suggestions(min_docs))
}

/// `newsgraph gazetteer suggest`: reads the inputs as `build` does (in parallel batches), tags
/// them, and ranks the leftover proper names named in at least `min_docs` documents. Returns
/// them with the reader's notes.
pub fn suggest(common: &Common, inputs: &[PathBuf], threads: usize, min_docs: usize) -> Result<(Vec<Suggestion>, Vec<String>)> {
    let loaded = load_on(common, threads)?;
    let t = std::time::Instant::now();
    let reader = Discovery::new(&loaded.gazetteer, &loaded.lexicon, &loaded.discover);
    let mut candidates = Candidates::default();
    let work = |doc: &Document| -> Found {
        let (layout, mentions) = tag_document(doc, &loaded);
        reader.find(&Read {
            id: &doc.id,
            text: &doc.text,
            layout: &layout,
            mentions: &mentions,
            published: doc.meta.published.map(|d| d.to_string()),
            cued: None,
        })
    };
    let warnings = each_document(inputs, common.read, threads, &work, &mut |found: Found| {
        candidates.absorb(found);
        Ok(())
    })?;
    let list = candidates.suggestions(min_docs);
    loaded.timings.record("suggest", t.elapsed());
    let mut notes = loaded.notes.clone();
    notes.extend(warnings);
    Ok((list, notes))
}
