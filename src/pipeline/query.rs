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

/// `newsgraph compare`: renders the comparison from a saved `graph.json` (`graph`), or else
/// reads the inputs and builds the graph document first. Both go through the same
/// [`GraphDoc`](crate::export::GraphDoc), so they give the same answer.
pub fn compare(
    common: &Common,
    inputs: &[PathBuf],
    graph: Option<&std::path::Path>,
    request: &CompareRequest,
    format: crate::compare::Format,
    threads: usize,
) -> Result<String> {
    use crate::compare::{resolve, resolve_in};
    let (doc, pair) = match graph {
        Some(path) => {
            let src = std::fs::read_to_string(path).map_err(|e| Error::input(path.display(), e))?;
            let doc = crate::export::GraphDoc::parse(&path.display().to_string(), &src)?;
            let pair = resolve_pair(request, |name| resolve_in(&doc, name))?;
            (doc, pair)
        }
        None => {
            let loaded = load_on(common, threads)?;
            // Resolve names before reading the corpus, so a typo fails fast.
            let pair = resolve_pair(request, |name| resolve(&loaded.gazetteer, name))?;
            let config = BuildConfig {
                common: common.clone(),
                inputs: inputs.to_vec(),
                out_dir: PathBuf::new(),
                window: Window::Sentence,
                output: OutputOptions::default(),
                threads,
            };
            let (graph, _) = analyse(&config, &loaded, &|| {})?;
            (crate::export::GraphDoc::from_graph(graph, &loaded.gazetteer, &loaded.lexicon), pair)
        }
    };
    Ok(match (request, pair) {
        (CompareRequest::Pair(..), Some((x, y))) => crate::compare::render(&crate::compare::compare(&doc, x, y)?, format),
        (CompareRequest::All(min), _) => crate::compare::render_ranking(&crate::compare::rank_pairs(&doc, *min)?, &doc, format),
        (CompareRequest::Pair(..), None) => unreachable!("a pair request resolves to a pair"),
    })
}

/// The two actors of a pair request, each resolved by `resolve`; an error when both are one
/// actor at state level. `None` for `--all`.
fn resolve_pair(
    request: &CompareRequest,
    resolve: impl Fn(&str) -> Result<crate::compare::Actor>,
) -> Result<Option<(crate::compare::Actor, crate::compare::Actor)>> {
    let CompareRequest::Pair(a, b) = request else { return Ok(None) };
    let (x, y) = (resolve(a)?, resolve(b)?);
    if x.0 == y.0 {
        return Err(Error::usage(format!("{a:?} and {b:?} are the same actor at state level")));
    }
    Ok(Some((x, y)))
}
