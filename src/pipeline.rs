//! Runs the stages in order for the commands: load, read, tag, fold, write.

use std::io::Write;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::export;
use crate::gazetteer::{Gazetteer, Severity};
use crate::graph::{Analysis, Graph, GraphBuilder, Window};
use crate::relations::{self, Lexicon};
use crate::tagger::{CaseMode, Mention, Tagger};
use crate::text::{self, Document, Layout};

/// An output format of `build`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// `graph.json`.
    Json,
    /// `graph.dot`.
    Dot,
    /// `graph.svg`, rendered by Graphviz when it is installed.
    Svg,
}

impl Format {
    /// Every format, in the order they are written.
    pub const ALL: [Format; 3] = [Format::Json, Format::Dot, Format::Svg];

    /// Parses a format name.
    pub fn parse(name: &str) -> Result<Format> {
        match name.trim() {
            "json" => Ok(Format::Json),
            "dot" => Ok(Format::Dot),
            "svg" => Ok(Format::Svg),
            other => Err(Error::usage(format!("unknown format {other:?} (expected json, dot, svg or all)"))),
        }
    }
}

/// Settings shared by every command.
#[derive(Debug, Clone)]
pub struct Common {
    /// Gazetteer folder or file.
    pub gazetteer: PathBuf,
    /// Case policy.
    pub case: CaseMode,
}

/// Settings of `build`.
#[derive(Debug, Clone)]
pub struct BuildConfig {
    /// Shared settings.
    pub common: Common,
    /// Files, folders, or `-`.
    pub inputs: Vec<PathBuf>,
    /// Output folder.
    pub out_dir: PathBuf,
    /// Co-mention window.
    pub window: Window,
    /// Formats to write.
    pub formats: Vec<Format>,
    /// Worker threads (0: all cores).
    pub threads: usize,
}

/// What a build did, for the command line to report.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    /// Files written.
    pub written: Vec<PathBuf>,
    /// Documents read.
    pub documents: usize,
    /// Nodes and edges in the graph.
    pub nodes: usize,
    /// Edges in the graph.
    pub edges: usize,
    /// One-line notes for the user (skipped outputs, gazetteer ambiguities).
    pub notes: Vec<String>,
}

/// A gazetteer and its compiled tagger, with notes about ambiguities.
pub struct Loaded {
    /// The gazetteer.
    pub gazetteer: Gazetteer,
    /// Its tagger.
    pub tagger: Tagger,
    /// The relation lexicon.
    pub lexicon: Lexicon,
    /// Notes to show the user.
    pub notes: Vec<String>,
}

/// Loads and compiles the gazetteer; fails on data errors, noting ambiguities.
pub fn load(common: &Common) -> Result<Loaded> {
    let gazetteer = Gazetteer::load(&common.gazetteer)?;
    let errors: Vec<String> = gazetteer.errors().map(|p| p.to_string()).collect();
    if !errors.is_empty() {
        let more = if errors.len() > 5 { format!(" (and {} more; run `newsgraph gazetteer check`)", errors.len() - 5) } else { String::new() };
        return Err(Error::gazetteer(common.gazetteer.display(), format!("invalid gazetteer:\n  {}{more}", errors[..errors.len().min(5)].join("\n  "))));
    }
    let ambiguous = gazetteer.problems().iter().filter(|p| p.severity == Severity::Ambiguity).count();
    let mut notes = Vec::new();
    if ambiguous > 0 {
        notes.push(format!(
            "note: {ambiguous} aliases are claimed by more than one entity; such mentions count only where the document settles them (`newsgraph gazetteer check` lists them)"
        ));
    }
    let tagger = Tagger::new(&gazetteer, common.case)?;
    let lexicon = Lexicon::load(&common.gazetteer)?;
    Ok(Loaded { gazetteer, tagger, lexicon, notes })
}

/// Lays out and tags one document.
pub fn tag_document(doc: &Document, loaded: &Loaded) -> (Layout, Vec<Mention>) {
    let layout = text::layout(&doc.text, &loaded.gazetteer.text);
    let mentions = loaded.tagger.tag(&doc.text, &layout.paragraphs, doc.meta.published);
    (layout, mentions)
}

fn pool(threads: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::usage(format!("cannot start {threads} threads: {e}")))
}

/// Reads the inputs and builds the graph (no files written).
pub fn analyse(config: &BuildConfig, loaded: &Loaded, progress: &(dyn Fn() + Sync)) -> Result<(Graph, Vec<Document>)> {
    let docs = text::read_inputs(&config.inputs)?;
    let analyses: Vec<Analysis> = pool(config.threads)?.install(|| {
        docs.par_iter()
            .map(|doc| {
                let (layout, mentions) = tag_document(doc, loaded);
                let claims = relations::extract(&doc.text, &layout, &mentions, &loaded.gazetteer, &loaded.lexicon);
                progress();
                Analysis::new(doc, &layout, &mentions, claims, config.window)
            })
            .collect()
    });
    let mut builder = GraphBuilder::new(config.window);
    for a in analyses {
        builder.add(a);
    }
    Ok((builder.finish(&loaded.gazetteer, &loaded.lexicon), docs))
}

/// `newsgraph build`: reads, tags, builds the graph and writes the requested formats. Every
/// output is rendered before the first is written, and each is written atomically.
pub fn build(config: &BuildConfig, progress: &(dyn Fn() + Sync)) -> Result<BuildReport> {
    let loaded = load(&config.common)?;
    let mut report = BuildReport { notes: loaded.notes.clone(), ..Default::default() };
    let (graph, docs) = analyse(config, &loaded, progress)?;
    let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
    report.documents = graph.documents.len();
    report.nodes = graph.graph.node_count();
    report.edges = graph.graph.edge_count();
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let dot_source = export::dot(&graph, &loaded.gazetteer, &loaded.lexicon);
    for f in &config.formats {
        match f {
            Format::Json => files.push((config.out_dir.join("graph.json"), export::json(&graph, &loaded.gazetteer, &loaded.lexicon, &texts).into_bytes())),
            Format::Dot => files.push((config.out_dir.join("graph.dot"), dot_source.clone().into_bytes())),
            Format::Svg => match export::render_svg(&dot_source)? {
                Some(svg) => files.push((config.out_dir.join("graph.svg"), svg)),
                None => report.notes.push(
                    "note: graph.svg not written: Graphviz `dot` is not on PATH (install graphviz)".to_string(),
                ),
            },
        }
    }
    export::ensure_dir(&config.out_dir)?;
    for (path, bytes) in files {
        export::write_atomic(&path, &bytes)?;
        report.written.push(path);
    }
    Ok(report)
}

/// `newsgraph tag`: one JSON Lines record per document, in document-id order.
pub fn tag(common: &Common, inputs: &[PathBuf], out: &mut dyn Write) -> Result<Vec<String>> {
    let loaded = load(common)?;
    let docs = text::read_inputs(inputs)?;
    for doc in &docs {
        let (_, mentions) = tag_document(doc, &loaded);
        let line = export::tag_record(&doc.id, &doc.text, &mentions, &loaded.gazetteer);
        writeln!(out, "{line}").map_err(|e| Error::output(std::path::Path::new("-"), e))?;
    }
    out.flush().map_err(|e| Error::output(std::path::Path::new("-"), e))?;
    Ok(loaded.notes)
}

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
    let loaded = load(common)?;
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
        formats: Vec::new(),
        threads,
    };
    let (graph, docs) = analyse(&config, &loaded, &|| {})?;
    let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
    Ok(match (request, pair) {
        (CompareRequest::Pair(..), Some((x, y))) => {
            let c = crate::compare::compare(&graph, &loaded.gazetteer, &loaded.lexicon, &texts, x, y);
            crate::compare::render(&c, format)
        }
        (CompareRequest::All(min), _) => {
            let rows = crate::compare::rank_pairs(&graph, &loaded.gazetteer, &loaded.lexicon, *min);
            crate::compare::render_ranking(&rows, &loaded.gazetteer, format)
        }
        (CompareRequest::Pair(..), None) => unreachable!("a pair request resolves to a pair"),
    })
}
