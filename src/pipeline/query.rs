//! `explain` and `compare`.

use std::io::Write;
use std::path::PathBuf;

use super::*;
use crate::error::{Error, Result};
use crate::graph::Window;
use crate::relations::{self};
use crate::text::{self};

/// `newsgraph explain`: for each sentence of one document (or one sentence), the claims made
/// and why, and for sentences with two actors but no claim, why not.
pub fn explain(common: &Common, inputs: &[PathBuf], document: &str, sentence: Option<usize>, out: &mut dyn Write) -> Result<()> {
    let loaded = load(common)?;
    let docs = text::read_inputs(inputs)?;
    let doc = docs
        .iter()
        .find(|d| d.id == document || d.path == document || d.path.ends_with(document))
        .ok_or_else(|| Error::usage(format!("no document {document:?} among the inputs")))?;
    let (layout, mentions) = tag_document(doc, &loaded);
    let mut trace = Vec::new();
    relations::extract_traced(&doc.text, &layout, &mentions, &loaded.gazetteer, &loaded.lexicon, Some(&mut trace));
    let io = |e: std::io::Error| Error::output(std::path::Path::new("-"), e);
    if let Some(n) = sentence
        && (n == 0 || n > layout.sentences.len())
    {
        return Err(Error::usage(format!("{} has {} sentences; --sentence {n} is out of range", doc.id, layout.sentences.len())));
    }
    for (i, s) in layout.sentences.iter().enumerate() {
        if sentence.is_some_and(|n| n != i + 1) {
            continue;
        }
        let notes: Vec<&String> = trace.iter().filter(|(si, _)| *si == i).map(|(_, t)| t).collect();
        if notes.is_empty() && sentence.is_none() {
            continue;
        }
        writeln!(out, "[{}] {}", i + 1, &doc.text[s.span.clone()]).map_err(io)?;
        let actors: Vec<String> = mentions
            .iter()
            .filter(|m| m.start >= s.span.start && m.end <= s.span.end)
            .map(|m| format!("{} ({}: {})", m.text(&doc.text), loaded.gazetteer.entities[m.entity as usize].id, m.how.as_str()))
            .collect();
        writeln!(out, "    mentions: {}", if actors.is_empty() { "none".to_string() } else { actors.join(", ") }).map_err(io)?;
        for n in notes {
            writeln!(out, "    {n}").map_err(io)?;
        }
    }
    Ok(())
}

/// What `newsgraph compare` is asked for.
#[derive(Debug, Clone)]
pub enum CompareRequest {
    /// One pair, by the user's names for the two actors.
    Pair(String, String),
    /// Every pair with at least this many claims.
    All(usize),
}

/// `newsgraph compare`: reads the inputs, builds the graph and renders the comparison.
pub fn compare(common: &Common, inputs: &[PathBuf], request: &CompareRequest, format: crate::compare::Format, threads: usize) -> Result<String> {
    let loaded = load_on(common, threads)?;
    // Resolve names before reading the corpus, so a typo fails fast.
    let pair = match request {
        CompareRequest::Pair(a, b) => {
            let (x, y) = (crate::compare::resolve(&loaded.gazetteer, a)?, crate::compare::resolve(&loaded.gazetteer, b)?);
            if x == y {
                return Err(Error::usage(format!("{a:?} and {b:?} are the same actor at state level")));
            }
            Some((x, y))
        }
        CompareRequest::All(_) => None,
    };
    let config = BuildConfig {
        common: common.clone(),
        inputs: inputs.to_vec(),
        out_dir: PathBuf::new(),
        window: Window::Sentence,
        output: OutputOptions::default(),
        threads,
    };
    let (graph, _) = analyse(&config, &loaded, &|| {})?;
    Ok(match (request, pair) {
        (CompareRequest::Pair(..), Some((x, y))) => {
            let c = crate::compare::compare(&graph, &loaded.gazetteer, &loaded.lexicon, x, y)?;
            crate::compare::render(&c, format)
        }
        (CompareRequest::All(min), _) => {
            let rows = crate::compare::rank_pairs(&graph, &loaded.gazetteer, &loaded.lexicon, *min);
            crate::compare::render_ranking(&rows, &loaded.gazetteer, format)
        }
        (CompareRequest::Pair(..), None) => unreachable!("a pair request resolves to a pair"),
    })
}
