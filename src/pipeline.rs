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

/// Gazetteers of at least this many bytes of TOML go through the cache of compiled gazetteers;
/// smaller ones load in milliseconds anyway.
const CACHE_FROM_BYTES: u64 = 1 << 20;

/// Where compiled gazetteers are cached: `$NEWSGRAPH_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/newsgraph`, else `~/.cache/newsgraph`. `None` when `NEWSGRAPH_CACHE` is
/// `off` (or `0`), or no folder can be named.
pub fn cache_dir() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if std::env::var("NEWSGRAPH_CACHE").is_ok_and(|v| v == "off" || v == "0") {
        return None;
    }
    var("NEWSGRAPH_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("newsgraph")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("newsgraph")))
}

/// Reads a gazetteer and the sources of its lexicon: a compiled file as it is; a folder or TOML
/// file from the cache when an entry for its digest (and path, and program version) is there,
/// else from TOML, caching the result when it is large and has no errors.
pub fn load_gazetteer(path: &std::path::Path) -> Result<(Gazetteer, Vec<(String, String)>)> {
    use sha2::Digest;
    if Gazetteer::is_compiled(path) {
        return Gazetteer::load_compiled(path);
    }
    let cached = match cache_dir() {
        Some(dir) => {
            let (digest, bytes) = Gazetteer::digest_of(path)?;
            let key = sha2::Sha256::digest(format!("{digest}\0{}\0{}", path.display(), env!("CARGO_PKG_VERSION")).as_bytes());
            (bytes >= CACHE_FROM_BYTES).then(|| dir.join(format!("{}.json", &crate::hex(&key)[..32])))
        }
        None => None,
    };
    if let Some(c) = &cached
        && let Ok(found) = Gazetteer::load_compiled(c)
    {
        return Ok(found);
    }
    let gazetteer = Gazetteer::load(path)?;
    let lexicon = Lexicon::sources(path)?;
    if let Some(c) = &cached
        && gazetteer.errors().next().is_none()
    {
        // A cache that cannot be written only costs time next run.
        let _ = gazetteer
            .compile(lexicon.clone())
            .and_then(|bytes| crate::export::ensure_dir(c.parent().expect("cache file in a folder")).and_then(|_| crate::export::write_atomic(c, &bytes)));
    }
    Ok((gazetteer, lexicon))
}

/// Loads and compiles the gazetteer; fails on data errors, noting ambiguities.
pub fn load(common: &Common) -> Result<Loaded> {
    let t = std::time::Instant::now();
    let (gazetteer, lexicon_sources) = load_gazetteer(&common.gazetteer)?;
    timing("load: gazetteer read", t.elapsed());
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
    let t = std::time::Instant::now();
    let tagger = Tagger::new(&gazetteer, common.case)?;
    timing("load: tagger compiled", t.elapsed());
    let lexicon = Lexicon::from_sources(&lexicon_sources)?;
    Ok(Loaded { gazetteer, tagger, lexicon, notes })
}

/// [`load`] on `threads` workers (the tagger compiles in parallel), so that `--threads 1`
/// means one thread from start to end.
pub fn load_on(common: &Common, threads: usize) -> Result<Loaded> {
    pool(threads)?.install(|| load(common))
}

/// Lays out and tags one document.
pub fn tag_document(doc: &Document, loaded: &Loaded) -> (Layout, Vec<Mention>) {
    let layout = text::layout(&doc.text, &loaded.gazetteer.text);
    let mentions = loaded.tagger.tag(&doc.text, &layout.paragraphs, doc.meta.published);
    (layout, mentions)
}

fn pool(threads: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| Error::usage(format!("cannot start {threads} threads: {e}")))
}

/// Documents are analysed in batches of about this many bytes of text (in parallel), then
/// folded into the graph and dropped.
const BATCH_BYTES: usize = 8 << 20;
const BATCH_DOCS: usize = 512;

/// A stage's sink: takes each document's result, in input order, on the thread that reads.
pub type Sink<'a, T> = dyn FnMut(T) -> Result<()> + Send + 'a;

/// Reads `inputs` as a stream, applies `work` to each document on `threads` workers in batches
/// of about [`BATCH_BYTES`], and hands the results to `sink` in input order. Returns the
/// reader's warnings.
///
/// The batches overlap: while the pool works on one, the thread that reads hands the previous
/// batch's results to `sink` and reads the next, then joins the pool's work. Memory holds
/// three batches: one read, one being worked on, one's results. With one thread the three
/// steps take turns, so `--threads 1` means one thread.
fn each_document<T: Send>(
    inputs: &[PathBuf],
    read: text::ReadOptions,
    threads: usize,
    work: &(dyn Fn(&Document) -> T + Sync),
    sink: &mut Sink<'_, T>,
) -> Result<Vec<String>> {
    each_document_in(inputs, read, threads, (BATCH_BYTES, BATCH_DOCS), work, sink)
}

/// [`each_document`] with batches of `batch.0` bytes or `batch.1` documents, whichever comes
/// first (the tests use small ones).
fn each_document_in<T: Send>(
    inputs: &[PathBuf],
    read: text::ReadOptions,
    threads: usize,
    batch: (usize, usize),
    work: &(dyn Fn(&Document) -> T + Sync),
    sink: &mut Sink<'_, T>,
) -> Result<Vec<String>> {
    let (batch_bytes, batch_docs) = batch;
    let mut corpus = text::Corpus::open(inputs, read)?;
    // Reads the next batch; `None` at the end of the input.
    let next_batch = |corpus: &mut text::Corpus| -> Result<Option<Vec<Document>>> {
        let mut batch = Vec::new();
        let mut bytes = 0;
        for doc in corpus.by_ref() {
            let doc = doc?;
            bytes += doc.text.len();
            batch.push(doc);
            if bytes >= batch_bytes || batch.len() >= batch_docs {
                break;
            }
        }
        Ok((!batch.is_empty()).then_some(batch))
    };
    pool(threads)?.install(|| -> Result<()> {
        let mut batch = next_batch(&mut corpus)?;
        // The results of the batch before `batch`, waiting for the sink.
        let mut done: Option<Vec<T>> = None;
        while let Some(current) = batch.take() {
            let mut results: Option<Vec<T>> = None;
            let (sunk, read) = rayon::in_place_scope(|scope| {
                scope.spawn(|_| results = Some(current.par_iter().map(work).collect()));
                let sunk = sink_all(done.take(), sink);
                // After a failure nothing more is read: the run stops at the first error.
                let read = if sunk.is_ok() { next_batch(&mut corpus) } else { Ok(None) };
                (sunk, read)
            });
            // Errors in input order: the earlier batches reach the sink before a broken record
            // of a later one is reported (the documents read with it, in its batch, do not).
            sunk?;
            done = results;
            match read {
                Ok(next) => batch = next,
                Err(broken) => {
                    sink_all(done.take(), sink)?;
                    return Err(broken);
                }
            }
        }
        sink_all(done, sink)
    })?;
    Ok(corpus.warnings())
}

/// Hands a batch's results, if any, to `sink` in order; stops at its first error.
fn sink_all<T>(results: Option<Vec<T>>, sink: &mut Sink<'_, T>) -> Result<()> {
    results.into_iter().flatten().try_for_each(sink)
}

/// Reads `inputs` as a stream and analyses each document on `threads` workers, handing the
/// analyses to `sink` in input order. Returns the reader's warnings.
pub fn analyse_each(
    inputs: &[PathBuf],
    read: text::ReadOptions,
    loaded: &Loaded,
    window: Window,
    threads: usize,
    progress: &(dyn Fn() + Sync),
    sink: &mut Sink<'_, Analysis>,
) -> Result<Vec<String>> {
    let work = |doc: &Document| {
        let (layout, mentions) = tag_document(doc, loaded);
        let claims = relations::extract(&doc.text, &layout, &mentions, &loaded.gazetteer, &loaded.lexicon);
        progress();
        Analysis::new(doc, &layout, &mentions, claims, window)
    };
    each_document(inputs, read, threads, &work, sink)
}

/// Reads the inputs as a stream and builds the graph (no files written). Memory holds one
/// batch of documents at a time, and grows with the graph, not the corpus. Returns the graph
/// and the reader's warnings.
pub fn analyse(config: &BuildConfig, loaded: &Loaded, progress: &(dyn Fn() + Sync)) -> Result<(Graph, Vec<String>)> {
    let mut builder = GraphBuilder::new(config.window);
    let mut fold = std::time::Duration::ZERO;
    let warnings = analyse_each(&config.inputs, config.common.read, loaded, config.window, config.threads, progress, &mut |a| {
        let t = std::time::Instant::now();
        let r = builder.add(a);
        fold += t.elapsed();
        r
    })?;
    timing("fold (within analysis)", fold);
    let t = std::time::Instant::now();
    let graph = pool(config.threads)?.install(|| builder.finish(&loaded.gazetteer, &loaded.lexicon))?;
    timing("finish (order, copies, relation edges)", t.elapsed());
    Ok((graph, warnings))
}

/// With `NEWSGRAPH_TIMINGS` set, prints how long a phase took to stderr (for benchmarks).
pub fn timing(phase: &str, took: std::time::Duration) {
    if std::env::var_os("NEWSGRAPH_TIMINGS").is_some() {
        eprintln!("timing: {phase}: {:.3} s", took.as_secs_f64());
    }
}

/// `newsgraph map`: one partial record (see [`crate::export::part`]) per input document, in
/// input order, on `out`. Standard input is read as JSON Lines. Returns the notes for stderr.
pub fn map(common: &Common, inputs: &[PathBuf], window: Window, threads: usize, out: &mut (dyn Write + Send)) -> Result<Vec<String>> {
    let loaded = load_on(common, threads)?;
    let read = text::ReadOptions { stdin_jsonl: true, ..common.read };
    let io = |e: std::io::Error| Error::output(std::path::Path::new("-"), e);
    let warnings = analyse_each(inputs, read, &loaded, window, threads, &|| {}, &mut |a| {
        let line = crate::export::part::to_line(&a, window, &loaded.gazetteer, &loaded.lexicon);
        out.write_all(line.as_bytes()).and_then(|_| out.write_all(b"\n")).map_err(io)
    })?;
    out.flush().map_err(io)?;
    let mut notes = loaded.notes;
    notes.extend(warnings);
    Ok(notes)
}

/// Settings of `merge`.
#[derive(Debug, Clone)]
pub struct MergeConfig {
    /// Shared settings (the gazetteer must be the one the parts were mapped with).
    pub common: Common,
    /// Files or folders of partial records, or `-`.
    pub parts: Vec<PathBuf>,
    /// Output folder.
    pub out_dir: PathBuf,
    /// What to write.
    pub output: OutputOptions,
    /// Also write the merged partial records here, sorted by document id, to merge again.
    pub parts_out: Option<PathBuf>,
}

/// The files of partial records named by `inputs`: files as given, folders' files recursively
/// (hidden files and Spark's `_SUCCESS` markers skipped), sorted.
fn part_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            out.push(input.clone());
            continue;
        }
        let meta = std::fs::metadata(input).map_err(|e| Error::input(input.display(), e))?;
        if !meta.is_dir() {
            out.push(input.clone());
            continue;
        }
        let visible = |p: &std::path::Path, _: bool| p.file_name().is_some_and(|n| !n.to_string_lossy().starts_with(['.', '_']));
        let files = crate::files::walk(input, visible, |d, e| Error::input(d.display(), e))?;
        out.extend(files);
    }
    Ok(out)
}

/// `newsgraph merge`: folds partial records into the graph and writes what `build` writes.
/// Any sharding, order or grouping of the records gives the same files.
pub fn merge(config: &MergeConfig) -> Result<BuildReport> {
    use std::io::BufRead;
    let loaded = load(&config.common)?;
    let mut report = BuildReport { notes: loaded.notes.clone(), ..Default::default() };
    let mut builder: Option<GraphBuilder> = None;
    let mut window_seen: Option<(Window, String)> = None;
    let mut places: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut kept: Vec<(String, String)> = Vec::new();
    for file in part_files(&config.parts)? {
        let reader: Box<dyn BufRead> = if file.as_os_str() == "-" {
            Box::new(std::io::BufReader::with_capacity(1 << 20, std::io::stdin()))
        } else {
            Box::new(std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&file).map_err(|e| Error::input(file.display(), e))?))
        };
        for (n, line) in reader.lines().enumerate() {
            let place = format!("{}:{}", file.display(), n + 1);
            let line = line.map_err(|e| Error::input(&place, e))?;
            if line.trim().is_empty() {
                continue;
            }
            let (analysis, window) = crate::export::part::parse_line(&line, &place, &loaded.gazetteer, &loaded.lexicon)?;
            match &window_seen {
                None => window_seen = Some((window, place.clone())),
                Some((w, first)) if *w != window => {
                    return Err(Error::input(&place, format!("window {} differs from {} at {first}", window.as_str(), w.as_str())));
                }
                Some(_) => {}
            }
            if let Some(first) = places.insert(analysis.info.id.clone(), place.clone()) {
                return Err(Error::input(&place, format!("document {:?} again (first at {first}): merge each document once", analysis.info.id)));
            }
            if config.parts_out.is_some() {
                kept.push((analysis.info.id.clone(), line));
            }
            builder.get_or_insert_with(|| GraphBuilder::new(window)).add(analysis)?;
        }
    }
    let Some(builder) = builder else {
        return Err(Error::input(config.parts.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "), "no partial records"));
    };
    let graph = builder.finish(&loaded.gazetteer, &loaded.lexicon)?;
    let mut staged_parts = None;
    if let Some(path) = &config.parts_out {
        kept.sort();
        if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            crate::export::ensure_dir(dir)?;
        }
        staged_parts = Some(crate::export::stage(path, |w| {
            kept.iter().try_for_each(|(_, l)| w.write_all(l.as_bytes()).and_then(|_| w.write_all(b"\n"))).map_err(|e| Error::output(path, e))
        })?);
    }
    write_graph(graph, &loaded, &config.output, &config.out_dir, &mut report)?;
    if let Some(s) = staged_parts {
        report.written.push(s.commit()?);
    }
    Ok(report)
}

/// `newsgraph build`: reads, tags, builds the graph and writes the requested formats. Every
/// output is staged in a temporary file; all are renamed into place once all are written.
pub fn build(config: &BuildConfig, progress: &(dyn Fn() + Sync)) -> Result<BuildReport> {
    let t = std::time::Instant::now();
    let loaded = load_on(&config.common, config.threads)?;
    timing("load", t.elapsed());
    let mut report = BuildReport { notes: loaded.notes.clone(), ..Default::default() };
    let t = std::time::Instant::now();
    let (graph, warnings) = analyse(config, &loaded, progress)?;
    timing("analysis and finish", t.elapsed());
    report.notes.extend(warnings);
    let t = std::time::Instant::now();
    pool(config.threads)?.install(|| write_graph(graph, &loaded, &config.output, &config.out_dir, &mut report))?;
    timing("write", t.elapsed());
    Ok(report)
}

/// Notes crowded windows, then writes the graph's outputs (shared by `build` and `merge`).
fn write_graph(graph: Graph, loaded: &Loaded, output: &OutputOptions, out_dir: &std::path::Path, report: &mut BuildReport) -> Result<()> {
    let crowded: Vec<String> = graph.documents.iter().filter(|d| d.crowded_windows > 0).map(|d| format!("{} ({})", d.id, d.crowded_windows)).collect();
    if !crowded.is_empty() {
        report.notes.push(format!(
            "note: windows naming more than {} entities gave no co-mentions in {}",
            crate::graph::MAX_WINDOW_ENTITIES,
            crowded.join(", ")
        ));
    }
    let t = std::time::Instant::now();
    let doc = crate::export::GraphDoc::from_graph(graph, &loaded.gazetteer, &loaded.lexicon);
    let doc = resolve_focus(doc, &output.filters, Some(&loaded.gazetteer))?;
    timing("graph document", t.elapsed());
    let staged = stage_outputs(&doc, &loaded.gazetteer.style, output, out_dir, report)?;
    // Renaming a large output over its previous version waits on the system dropping the old
    // file (about half a second for the 1.15 GB graph.json of a 200 MB corpus); the graph
    // document is freed meanwhile.
    let (written, ()) = rayon::join(|| commit_all(staged), move || drop(doc));
    report.written.extend(written?);
    Ok(())
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
pub fn write_outputs(
    doc: &crate::export::GraphDoc,
    style: &crate::export::Style,
    opts: &OutputOptions,
    out_dir: &std::path::Path,
    report: &mut BuildReport,
) -> Result<()> {
    let staged = stage_outputs(doc, style, opts, out_dir, report)?;
    report.written.extend(commit_all(staged)?);
    Ok(())
}

/// Renames staged outputs into place, in order, stopping at the first failure.
fn commit_all(staged: Vec<crate::export::Staged>) -> Result<Vec<PathBuf>> {
    staged.into_iter().map(crate::export::Staged::commit).collect()
}

/// [`write_outputs`] but for the renaming: every output written to its temporary file, to be
/// committed by the caller (all of them, or none when something failed).
fn stage_outputs(
    doc: &crate::export::GraphDoc,
    style: &crate::export::Style,
    opts: &OutputOptions,
    out_dir: &std::path::Path,
    report: &mut BuildReport,
) -> Result<Vec<crate::export::Staged>> {
    use crate::export::{Staged, dot, formats, render_with_dot, stage};
    report.documents = doc.documents.len();
    report.nodes = doc.nodes.len();
    report.edges = doc.edges.len();
    crate::export::ensure_dir(out_dir)?;
    let mut staged: Vec<Staged> = Vec::new();
    let wants = |f: Format| opts.formats.contains(&f);
    let needs_dot = [Format::Dot, Format::Svg, Format::Png, Format::Report].into_iter().any(wants);
    let dot_source = if needs_dot { dot::render(doc, style, &opts.dot) } else { String::new() };
    let svg = if wants(Format::Svg) || wants(Format::Report) { render_with_dot(&dot_source, "svg")? } else { None };
    let missing_dot = |what: &str| format!("note: {what} not written: Graphviz `dot` is not on PATH (install graphviz)");
    for f in &opts.formats {
        let path = |name: &str| out_dir.join(name);
        let bytes = |name: &str, b: &[u8]| {
            let p = path(name);
            stage(&p, |w| w.write_all(b).map_err(|e| Error::output(&p, e)))
        };
        match f {
            Format::Json => {
                let t = std::time::Instant::now();
                staged.push(stage(&path("graph.json"), |w| doc.write_json(w))?);
                timing("graph.json", t.elapsed());
            }
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
    doc.claims.check()?;
    Ok(staged)
}

/// `newsgraph export`: converts a saved `graph.json` into other formats without re-reading the
/// corpus. The style comes from the gazetteer folder when there is one.
pub fn export(graph_json: &std::path::Path, common: &Common, opts: &OutputOptions, out_dir: &std::path::Path) -> Result<BuildReport> {
    let src = std::fs::read_to_string(graph_json).map_err(|e| Error::input(graph_json.display(), e))?;
    let doc = crate::export::GraphDoc::parse(&graph_json.display().to_string(), &src)?;
    let gaz = if common.gazetteer.exists() { Some(load_gazetteer(&common.gazetteer)?.0) } else { None };
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
/// read as a stream and tagged in batches on `threads` workers; each record goes to a temporary
/// file as it is made, and only its id and place are kept, so memory does not grow with the
/// output. At the end the records are copied out in id order: in one piece when the input was
/// already in id order (as a corpus written by one job usually is), else record by record.
///
/// `out` is generic so that the one-piece copy from the temporary file can be done by the
/// kernel when `out` is standard output on a file or a pipe (the standard library's
/// `io::copy` specialises for `File` to `Stdout`, through a `BufWriter` too); behind a
/// `dyn Write` it would go through user space.
pub fn tag<W: Write>(common: &Common, inputs: &[PathBuf], threads: usize, out: &mut W) -> Result<Vec<String>> {
    use std::io::{Read, Seek, SeekFrom};
    let loaded = load_on(common, threads)?;
    let t = std::time::Instant::now();
    let tmp_err = |e: std::io::Error| Error::output(&std::env::temp_dir(), format!("temporary file for tag records: {e}"));
    let out_err = |e: std::io::Error| Error::output(std::path::Path::new("-"), e);
    let mut spill = std::io::BufWriter::with_capacity(1 << 20, tempfile::tempfile().map_err(tmp_err)?);
    let mut index: Vec<(String, u64, u32)> = Vec::new();
    let mut in_order = true;
    let mut at = 0u64;
    let records = export::TagRecords::new(&loaded.gazetteer);
    let work = |doc: &Document| {
        let layout = text::paragraphs(&doc.text, &loaded.gazetteer.text);
        let mentions = loaded.tagger.tag(&doc.text, &layout.paragraphs, doc.meta.published);
        let mut line = Vec::with_capacity(64 + mentions.len() * 160);
        records.write(&doc.id, &doc.text, &mentions, &mut line);
        line.push(b'\n');
        (doc.id.clone(), line)
    };
    let warnings = each_document(inputs, common.read, threads, &work, &mut |(id, line): (String, Vec<u8>)| {
        spill.write_all(&line).map_err(tmp_err)?;
        let len = u32::try_from(line.len()).map_err(|_| Error::output(std::path::Path::new("-"), format!("the record of {id} is over 4 GiB")))?;
        in_order &= index.last().is_none_or(|(last, _, _)| *last < id);
        index.push((id, at, len));
        at += u64::from(len);
        Ok(())
    })?;
    timing("tag: records", t.elapsed());
    let t = std::time::Instant::now();
    let mut file = spill.into_inner().map_err(|e| tmp_err(e.into_error()))?;
    file.seek(SeekFrom::Start(0)).map_err(tmp_err)?;
    if in_order {
        // The file already holds the records in id order. `io::copy` from a `File` lets the
        // kernel copy (copy_file_range, sendfile or splice) when `out` is a file or a pipe.
        std::io::copy(&mut file, out).map_err(out_err)?;
    } else {
        index.sort();
        let mut line = Vec::new();
        for (_, offset, len) in index {
            line.resize(len as usize, 0);
            file.seek(SeekFrom::Start(offset)).and_then(|_| file.read_exact(&mut line)).map_err(tmp_err)?;
            out.write_all(&line).map_err(out_err)?;
        }
    }
    out.flush().map_err(out_err)?;
    timing("tag: copy in id order", t.elapsed());
    let mut notes = loaded.notes;
    notes.extend(warnings);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A JSON Lines corpus of `n` documents, `bad` (1-based line) replaced by a broken record.
    fn corpus(n: usize, bad: Option<usize>) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new().suffix(".jsonl").tempfile().unwrap();
        for i in 1..=n {
            if Some(i) == bad {
                writeln!(f, "{{\"id\": \"d{i}\", \"text\": ").unwrap();
            } else {
                writeln!(f, "{{\"id\": \"d{i}\", \"text\": \"Russia and Iran, part {i}.\"}}").unwrap();
            }
        }
        f.flush().unwrap();
        f
    }

    fn ids(file: &std::path::Path, threads: usize, batch_docs: usize, fail_at: Option<usize>) -> (Result<Vec<String>>, Vec<String>) {
        let mut seen: Vec<String> = Vec::new();
        let work = |d: &Document| d.id.clone();
        let result = each_document_in(&[file.to_path_buf()], text::ReadOptions::default(), threads, (usize::MAX, batch_docs), &work, &mut |id: String| {
            if fail_at == Some(seen.len() + 1) {
                return Err(Error::usage(format!("sink refused {id}")));
            }
            seen.push(id);
            Ok(())
        });
        (result, seen)
    }

    /// Batches overlap (read, work, sink); the sink still sees every document once, in input
    /// order, at any thread count and batch size.
    #[test]
    fn overlapped_batches_keep_input_order() {
        let file = corpus(41, None);
        let want: Vec<String> = (1..=41).map(|i| format!("d{i}")).collect();
        for threads in [1, 2, 3] {
            for batch in [1, 2, 5, 40, 41, 100] {
                let (result, seen) = ids(file.path(), threads, batch, None);
                assert!(result.is_ok(), "{threads} threads, batches of {batch}");
                assert_eq!(seen, want, "{threads} threads, batches of {batch}");
            }
        }
    }

    /// A broken record stops the run with its line named, whatever batch it falls in, after the
    /// batches before it; a sink error stops the run with that error.
    #[test]
    fn errors_stop_the_stream_in_input_order() {
        let file = corpus(30, Some(17));
        for threads in [1, 2] {
            for batch in [1, 4, 16, 17, 50] {
                let (result, seen) = ids(file.path(), threads, batch, None);
                let message = result.unwrap_err().to_string();
                assert!(message.contains(":17"), "{message}");
                // As one batch after another would: every whole batch before the broken one.
                let want: Vec<String> = (1..=16 / batch * batch).map(|i| format!("d{i}")).collect();
                assert_eq!(seen, want, "{threads} threads, batches of {batch}");
                // A sink error of an earlier batch comes first, even when the broken record is
                // read while that batch is still being worked on.
                let (result, _) = ids(file.path(), threads, batch, Some(9));
                if batch <= 8 {
                    assert_eq!(result.unwrap_err().to_string(), "sink refused d9", "{threads} threads, batches of {batch}");
                }
            }
        }
        let file = corpus(30, None);
        for threads in [1, 2] {
            for batch in [1, 4, 50] {
                let (result, seen) = ids(file.path(), threads, batch, Some(9));
                assert_eq!(result.unwrap_err().to_string(), "sink refused d9");
                assert_eq!(seen.len(), 8);
            }
        }
    }
}
