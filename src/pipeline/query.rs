//! `explain` and `compare`.

use std::io::Write;
use std::path::PathBuf;

use super::*;
use crate::error::{Error, Result};
use crate::graph::Window;
use crate::relations::{self};
use crate::text::{self};

/// Where a question is answered from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphSource {
    /// The corpus, analysed for the question.
    Corpus(Vec<PathBuf>),
    /// A saved `graph.json`.
    Graph(PathBuf),
    /// A store.
    Store(PathBuf),
}

impl GraphSource {
    /// What a command named: the inputs (`-i`) when any, recognised as a store or a
    /// `graph.json` when one file is one; else a `graph.json` (`--graph`); else the store
    /// (`--db`).
    pub fn choose(inputs: &[PathBuf], graph: Option<&std::path::Path>, db: &std::path::Path) -> GraphSource {
        match (inputs, graph) {
            ([one], _) if crate::store::is_store(one) => GraphSource::Store(one.clone()),
            ([one], _) if crate::export::doc::is_graph_json(one) => GraphSource::Graph(one.clone()),
            ([], Some(g)) => Self::named(Some(g), db),
            ([], None) => GraphSource::Store(db.to_path_buf()),
            (inputs, _) => GraphSource::Corpus(inputs.to_vec()),
        }
    }

    /// A file named as a graph (a store or a `graph.json`, told apart by their first bytes),
    /// else the store `db`.
    pub fn named(graph: Option<&std::path::Path>, db: &std::path::Path) -> GraphSource {
        match graph {
            Some(g) if crate::store::is_store(g) => GraphSource::Store(g.to_path_buf()),
            Some(g) => GraphSource::Graph(g.to_path_buf()),
            None => GraphSource::Store(db.to_path_buf()),
        }
    }
}

/// Opens the store of a question, saying what to do when there is none.
fn open_store(path: &std::path::Path) -> Result<crate::store::Store> {
    if !path.exists() {
        return Err(Error::input(path.display(), "no store here: run `newsgraph build` first, name one with --db, or analyse files with -i INPUT"));
    }
    crate::store::Store::open(path)
}

/// `newsgraph explain`: for each sentence of one document (or one sentence), the claims made
/// and why, and for sentences with two actors but no claim, why not. From the store, the
/// document's stored sentences and mentions go through the same rules.
pub fn explain(common: &Common, source: &GraphSource, document: &str, sentence: Option<usize>, out: &mut dyn Write) -> Result<()> {
    let loaded = load(common)?;
    let (id, text, layout, mentions) = match source {
        GraphSource::Corpus(inputs) => {
            let docs = text::read_inputs(inputs)?;
            let doc = docs
                .into_iter()
                .find(|d| d.id == document || d.path == document || d.path.ends_with(document))
                .ok_or_else(|| Error::usage(format!("no document {document:?} among the inputs")))?;
            let (layout, mentions) = tag_document(&doc, &loaded);
            (doc.id, doc.text, layout, mentions)
        }
        GraphSource::Store(path) => {
            let store = open_store(path)?;
            let meta = store.meta()?;
            if meta.gazetteer_digest != loaded.gazetteer.digest {
                return Err(Error::usage(format!(
                    "{} was analysed with another gazetteer or lexicon ({}); explain the document from its file with -i, or update the store with --reanalyse",
                    path.display(),
                    meta.gazetteer_digest
                )));
            }
            let e = crate::store::explain_document(&store, document)?;
            (e.id, e.text, e.layout, e.mentions)
        }
        GraphSource::Graph(path) => {
            return Err(Error::usage(format!("{}: a graph.json keeps no text to explain; use the store (--db) or the corpus (-i)", path.display())));
        }
    };
    let mut trace = Vec::new();
    relations::extract_traced(&text, &layout, &mentions, &loaded.gazetteer, &loaded.lexicon, Some(&mut trace));
    let io = |e: std::io::Error| Error::output(std::path::Path::new("-"), e);
    if let Some(n) = sentence
        && (n == 0 || n > layout.sentences.len())
    {
        return Err(Error::usage(format!("{id} has {} sentences; --sentence {n} is out of range", layout.sentences.len())));
    }
    for (i, s) in layout.sentences.iter().enumerate() {
        if sentence.is_some_and(|n| n != i + 1) {
            continue;
        }
        let notes: Vec<&String> = trace.iter().filter(|(si, _)| *si == i).map(|(_, t)| t).collect();
        if notes.is_empty() && sentence.is_none() {
            continue;
        }
        writeln!(out, "[{}] {}", i + 1, &text[s.span.clone()]).map_err(io)?;
        let actors: Vec<String> = mentions
            .iter()
            .filter(|m| m.start >= s.span.start && m.end <= s.span.end)
            .map(|m| format!("{} ({}: {})", m.text(&text), loaded.gazetteer.entities[m.entity as usize].id, m.how.as_str()))
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

/// `newsgraph compare`: renders the comparison from the store (reading only the pair's
/// claims), a saved `graph.json`, or the inputs analysed first. All go through the same
/// [`GraphDoc`](crate::export::GraphDoc), so they give the same answer.
pub fn compare(
    common: &Common,
    source: &GraphSource,
    request: &CompareRequest,
    (format, filter, show): (crate::compare::Format, &crate::compare::Filter, &crate::compare::Show),
    threads: usize,
) -> Result<String> {
    use crate::compare::{Pair, resolve, resolve_in};
    let t = std::time::Instant::now();
    let (doc, pair) = match source {
        GraphSource::Store(path) => {
            let store = open_store(path)?;
            let pair = resolve_pair(request, |name| resolve_in(&crate::store::nodes_named(&store, name)?, name))?;
            let doc = match &pair {
                Some(Pair::States(x, y)) => crate::store::pair_doc(&store, &x.0, &y.0, false)?,
                Some(Pair::Entities(x, y)) => crate::store::pair_doc(&store, &x.0, &y.0, true)?,
                None => crate::store::light_doc(&store)?,
            };
            (doc, pair)
        }
        GraphSource::Graph(path) => {
            let src = std::fs::read_to_string(path).map_err(|e| Error::input(path.display(), e))?;
            let doc = crate::export::GraphDoc::parse(&path.display().to_string(), &src)?;
            let pair = resolve_pair(request, |name| resolve_in(&doc, name))?;
            (doc, pair)
        }
        GraphSource::Corpus(inputs) => {
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
                update: false,
                reanalyse: false,
                allow_empty: true,
            };
            let (graph, _) = analyse(&config, &loaded, &|_| {})?;
            (crate::export::GraphDoc::from_graph(graph, &loaded.gazetteer, &loaded.lexicon), pair)
        }
    };
    common.timings.record("read", t.elapsed());
    let t = std::time::Instant::now();
    let text = match (request, pair) {
        (CompareRequest::Pair(..), Some(pair)) => {
            let c = crate::compare::compare(&doc, pair, filter)?;
            common.timings.record("compare", t.elapsed());
            // The page's chart in the gazetteer folder's colours, when there is one.
            let mut show = show.clone();
            if format == crate::compare::Format::Html {
                show.style = common.load_gazetteer()?.0.style;
            }
            crate::compare::render(&c, format, &show)
        }
        (CompareRequest::All(min), _) => crate::compare::render_ranking(&crate::compare::rank_pairs(&doc, *min)?, &doc, format),
        (CompareRequest::Pair(..), None) => unreachable!("a pair request resolves to a pair"),
    };
    common.timings.record("compare and render", t.elapsed());
    Ok(text)
}

/// The pair of a pair request, its actors resolved by `resolve` (see
/// [`Pair::of`](crate::compare::Pair::of)); `None` for `--all`.
fn resolve_pair(request: &CompareRequest, resolve: impl Fn(&str) -> Result<crate::compare::Named>) -> Result<Option<crate::compare::Pair>> {
    let CompareRequest::Pair(a, b) = request else { return Ok(None) };
    let (x, y) = (resolve(a)?, resolve(b)?);
    Ok(Some(crate::compare::Pair::of(a, b, x, y)?))
}
