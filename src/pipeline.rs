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

/// An output format of `build` and `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// `graph.json`.
    Json,
    /// `graph.dot`.
    Dot,
    /// `graph.svg`, rendered by Graphviz when it is installed.
    Svg,
    /// `graph.png`, likewise.
    Png,
    /// `graph.gexf` (GEXF 1.3, Gephi).
    Gexf,
    /// `graph.graphml`.
    Graphml,
    /// `graph.cytoscape.json` (Cytoscape.js elements).
    Cytoscape,
    /// `graph.nodelink.json` (networkx, D3).
    Nodelink,
    /// `nodes.csv` and `relationships.csv` (Neo4j bulk import).
    Neo4j,
    /// `report.html`.
    Report,
}

impl Format {
    /// Every format, in the order they are written.
    pub const ALL: [Format; 10] = [
        Format::Json,
        Format::Dot,
        Format::Svg,
        Format::Png,
        Format::Gexf,
        Format::Graphml,
        Format::Cytoscape,
        Format::Nodelink,
        Format::Neo4j,
        Format::Report,
    ];

    /// Parses a format name.
    pub fn parse(name: &str) -> Result<Format> {
        Ok(match name.trim() {
            "json" => Format::Json,
            "dot" => Format::Dot,
            "svg" => Format::Svg,
            "png" => Format::Png,
            "gexf" => Format::Gexf,
            "graphml" => Format::Graphml,
            "cytoscape" => Format::Cytoscape,
            "nodelink" => Format::Nodelink,
            "neo4j" | "csv" => Format::Neo4j,
            "report" | "html" => Format::Report,
            other => {
                return Err(Error::usage(format!(
                    "unknown format {other:?} (expected json, dot, svg, png, gexf, graphml, cytoscape, nodelink, neo4j, report or all)"
                )));
            }
        })
    }

    /// Parses a comma-separated list; `all` means every format.
    pub fn parse_list(list: &str) -> Result<Vec<Format>> {
        let mut out = Vec::new();
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if name == "all" {
                out.extend(Format::ALL);
            } else {
                out.push(Format::parse(name)?);
            }
        }
        out.sort();
        out.dedup();
        if out.is_empty() {
            return Err(Error::usage("--format needs at least one format"));
        }
        Ok(out)
    }
}

/// What to write, and how.
#[derive(Debug, Clone, Default)]
pub struct OutputOptions {
    /// Formats.
    pub formats: Vec<Format>,
    /// Legibility filters (all formats).
    pub filters: crate::export::Filters,
    /// Diagram options.
    pub dot: crate::export::dot::DotOptions,
}

/// Settings shared by every command.
#[derive(Debug, Clone)]
pub struct Common {
    /// Gazetteer folder or file.
    pub gazetteer: PathBuf,
    /// Case policy.
    pub case: CaseMode,
    /// How to treat damaged input.
    pub read: text::ReadOptions,
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
    /// What to write.
    pub output: OutputOptions,
    /// Worker threads.
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

/// Documents are analysed in batches of about this many bytes of text (in parallel), then
/// folded into the graph and dropped.
const BATCH_BYTES: usize = 8 << 20;
const BATCH_DOCS: usize = 512;

/// Reads the inputs as a stream and builds the graph (no files written). Memory holds one
/// batch of documents at a time, and grows with the graph, not the corpus. Returns the graph
/// and the reader's warnings.
pub fn analyse(config: &BuildConfig, loaded: &Loaded, progress: &(dyn Fn() + Sync)) -> Result<(Graph, Vec<String>)> {
    let mut corpus = text::Corpus::open(&config.inputs, config.common.read)?;
    let pool = pool(config.threads)?;
    let mut builder = GraphBuilder::new(config.window);
    let mut batch: Vec<Document> = Vec::new();
    let mut bytes = 0;
    let flush = |batch: &mut Vec<Document>, builder: &mut GraphBuilder| -> Result<()> {
        let analyses: Vec<Analysis> = pool.install(|| {
            batch
                .par_iter()
                .map(|doc| {
                    let (layout, mentions) = tag_document(doc, loaded);
                    let claims = relations::extract(&doc.text, &layout, &mentions, &loaded.gazetteer, &loaded.lexicon);
                    progress();
                    Analysis::new(doc, &layout, &mentions, claims, config.window)
                })
                .collect()
        });
        batch.clear();
        analyses.into_iter().try_for_each(|a| builder.add(a))
    };
    for doc in corpus.by_ref() {
        let doc = doc?;
        bytes += doc.text.len();
        batch.push(doc);
        if bytes >= BATCH_BYTES || batch.len() >= BATCH_DOCS {
            flush(&mut batch, &mut builder)?;
            bytes = 0;
        }
    }
    flush(&mut batch, &mut builder)?;
    Ok((builder.finish(&loaded.gazetteer, &loaded.lexicon)?, corpus.warnings()))
}

/// `newsgraph build`: reads, tags, builds the graph and writes the requested formats. Every
/// output is rendered before the first is written, and each is written atomically.
pub fn build(config: &BuildConfig, progress: &(dyn Fn() + Sync)) -> Result<BuildReport> {
    let loaded = load(&config.common)?;
    let mut report = BuildReport { notes: loaded.notes.clone(), ..Default::default() };
    let (graph, warnings) = analyse(config, &loaded, progress)?;
    report.notes.extend(warnings);
    let crowded: Vec<String> = graph.documents.iter().filter(|d| d.crowded_windows > 0).map(|d| format!("{} ({})", d.id, d.crowded_windows)).collect();
    if !crowded.is_empty() {
        report.notes.push(format!(
            "note: windows naming more than {} entities gave no co-mentions in {}",
            crate::graph::MAX_WINDOW_ENTITIES,
            crowded.join(", ")
        ));
    }
    let doc = crate::export::GraphDoc::from_graph(graph, &loaded.gazetteer, &loaded.lexicon);
    let doc = resolve_focus(doc, &config.output.filters, Some(&loaded.gazetteer))?;
    write_outputs(&doc, &loaded.gazetteer.style, &config.output, &config.out_dir, &mut report)?;
    Ok(report)
}

/// Applies the filters, resolving `--focus` by id, label or alias.
fn resolve_focus(doc: crate::export::GraphDoc, filters: &crate::export::Filters, gaz: Option<&Gazetteer>) -> Result<crate::export::GraphDoc> {
    let mut filters = filters.clone();
    if let Some(f) = &filters.focus
        && doc.node(f).is_none()
    {
        let wanted = f.to_lowercase();
        let by_label = doc.nodes.iter().find(|n| n.label.to_lowercase() == wanted || n.aliases.iter().any(|a| a.to_lowercase() == wanted));
        let by_gaz = gaz.and_then(|g| g.find(f)).map(|e| e.id.clone());
        match by_label.map(|n| n.id.clone()).or(by_gaz) {
            Some(id) => filters.focus = Some(id),
            None => return Err(Error::usage(format!("--focus {f:?} is not a node of this graph"))),
        }
    }
    doc.filtered(&filters)
}

/// Writes every requested format of `doc` into `out_dir`: each into a temporary file first,
/// and only when all are written are they renamed into place, so a failed run changes none of
/// the earlier outputs. `graph.json` is written as it is made, claim by claim.
pub fn write_outputs(doc: &crate::export::GraphDoc, style: &crate::gazetteer::Style, opts: &OutputOptions, out_dir: &std::path::Path, report: &mut BuildReport) -> Result<()> {
    use crate::export::{Staged, dot, formats, render_with_dot, stage};
    report.documents = doc.documents.len();
    report.nodes = doc.nodes.len();
    report.edges = doc.edges.len();
    crate::export::ensure_dir(out_dir)?;
    let mut staged: Vec<Staged> = Vec::new();
    let dot_source = dot::render(doc, style, &opts.dot);
    let wants = |f: Format| opts.formats.contains(&f);
    let svg = if wants(Format::Svg) || wants(Format::Report) { render_with_dot(&dot_source, "svg")? } else { None };
    let missing_dot = |what: &str| format!("note: {what} not written: Graphviz `dot` is not on PATH (install graphviz)");
    for f in &opts.formats {
        let path = |name: &str| out_dir.join(name);
        let bytes = |name: &str, b: &[u8]| {
            let p = path(name);
            stage(&p, |w| w.write_all(b).map_err(|e| Error::output(&p, e)))
        };
        match f {
            Format::Json => staged.push(stage(&path("graph.json"), |w| doc.write_json(w))?),
            Format::Dot => staged.push(bytes("graph.dot", dot_source.as_bytes())?),
            Format::Svg => match &svg {
                Some(svg) => staged.push(bytes("graph.svg", svg)?),
                None => report.notes.push(missing_dot("graph.svg")),
            },
            Format::Png => match render_with_dot(&dot_source, "png")? {
                Some(png) => staged.push(bytes("graph.png", &png)?),
                None => report.notes.push(missing_dot("graph.png")),
            },
            Format::Gexf => staged.push(bytes("graph.gexf", formats::gexf(doc).as_bytes())?),
            Format::Graphml => staged.push(bytes("graph.graphml", formats::graphml(doc).as_bytes())?),
            Format::Cytoscape => staged.push(bytes("graph.cytoscape.json", formats::cytoscape(doc).as_bytes())?),
            Format::Nodelink => staged.push(bytes("graph.nodelink.json", formats::nodelink(doc).as_bytes())?),
            Format::Neo4j => {
                let (nodes, rels) = formats::neo4j(doc);
                staged.push(bytes("nodes.csv", nodes.as_bytes())?);
                staged.push(bytes("relationships.csv", rels.as_bytes())?);
            }
            Format::Report => {
                let svg_text = svg.as_ref().map(|b| String::from_utf8_lossy(b).into_owned());
                if svg_text.is_none() {
                    report.notes.push("note: report.html has no diagram: Graphviz `dot` is not on PATH".into());
                }
                staged.push(bytes("report.html", crate::export::report::render(doc, style, svg_text.as_deref())?.as_bytes())?);
            }
        }
    }
    for s in staged {
        report.written.push(s.commit()?);
    }
    Ok(())
}

/// `newsgraph export`: converts a saved `graph.json` into other formats without re-reading the
/// corpus. The style comes from the gazetteer folder when there is one.
pub fn export(graph_json: &std::path::Path, common: &Common, opts: &OutputOptions, out_dir: &std::path::Path) -> Result<BuildReport> {
    let src = std::fs::read_to_string(graph_json).map_err(|e| Error::input(graph_json.display(), e))?;
    let doc = crate::export::GraphDoc::parse(&graph_json.display().to_string(), &src)?;
    let gaz = if common.gazetteer.exists() { Some(Gazetteer::load(&common.gazetteer)?) } else { None };
    let style = match &gaz {
        Some(g) => g.style.clone(),
        None => Gazetteer::from_toml("built-in", "")?.style,
    };
    let doc = resolve_focus(doc, &opts.filters, gaz.as_ref())?;
    let mut report = BuildReport::default();
    write_outputs(&doc, &style, opts, out_dir, &mut report)?;
    Ok(report)
}

/// `newsgraph tag`: one JSON Lines record per document, in document-id order. Documents are
/// read as a stream; only the records are kept until they are sorted and printed.
pub fn tag(common: &Common, inputs: &[PathBuf], out: &mut dyn Write) -> Result<Vec<String>> {
    let loaded = load(common)?;
    let mut corpus = text::Corpus::open(inputs, common.read)?;
    let mut records: Vec<(String, String)> = Vec::new();
    for doc in corpus.by_ref() {
        let doc = doc?;
        let (_, mentions) = tag_document(&doc, &loaded);
        records.push((doc.id.clone(), export::tag_record(&doc.id, &doc.text, &mentions, &loaded.gazetteer)));
    }
    records.sort();
    for (_, line) in records {
        writeln!(out, "{line}").map_err(|e| Error::output(std::path::Path::new("-"), e))?;
    }
    out.flush().map_err(|e| Error::output(std::path::Path::new("-"), e))?;
    let mut notes = loaded.notes;
    notes.extend(corpus.warnings());
    Ok(notes)
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
