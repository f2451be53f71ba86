//! Runs the stages in order for the commands: load, read, tag, fold, write.

mod batches;
mod build;
mod query;
mod suggest;
mod tag;

use batches::each_document;
pub use batches::{Sink, analyse, analyse_each};
pub use build::{MergeConfig, build, export, map, merge, write_outputs};
pub use query::{CompareRequest, GraphSource, compare, explain};
pub use suggest::{suggest, suggest_stored};
pub use tag::tag;

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::gazetteer::{Gazetteer, Severity};
use crate::graph::Window;
use crate::relations::Lexicon;
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
    /// `newsgraph.db`, the SQLite store (with `metadata.json` for Datasette); written by
    /// `build` and `merge`.
    Store,
}

impl Format {
    /// Every format, in the order they are written.
    pub const ALL: [Format; 11] = [
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
        Format::Store,
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
            "store" | "db" | "sqlite" => Format::Store,
            other => {
                return Err(Error::usage(format!(
                    "unknown format {other:?} (expected json, dot, svg, png, gexf, graphml, cytoscape, nodelink, neo4j, report, store or all)"
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
    /// Gazetteer folder or file; `None`: the shipped one, built in ([`Gazetteer::builtin_with_lexicon`]).
    pub gazetteer: Option<PathBuf>,
    /// Case policy.
    pub case: CaseMode,
    /// How to treat damaged input.
    pub read: text::ReadOptions,
    /// The folder of cached compiled gazetteers; `None`: no cache.
    pub cache: Option<PathBuf>,
    /// Where phase times go (see [`Timings`]).
    pub timings: Timings,
    /// Claims less sure than this (percent, see `relations::confidence`) are left out.
    pub min_confidence: u8,
}

/// Phase times, for benchmarks: off by default; when on, each phase a command goes through is
/// recorded with how long it took, for the caller to print. Clones share one record.
#[derive(Debug, Clone, Default)]
pub struct Timings(Option<std::sync::Arc<std::sync::Mutex<Vec<Phase>>>>);

/// A phase's name and its seconds.
pub type Phase = (String, f64);

impl Timings {
    /// A recorder that records.
    pub fn on() -> Timings {
        Timings(Some(Default::default()))
    }

    /// Records that `phase` took `took` (nothing when off).
    pub fn record(&self, phase: &str, took: std::time::Duration) {
        if let Some(r) = &self.0 {
            r.lock().unwrap_or_else(|p| p.into_inner()).push((phase.to_string(), took.as_secs_f64()));
        }
    }

    /// The phases recorded so far, in order, with their seconds; taken out of the record.
    pub fn take(&self) -> Vec<Phase> {
        self.0.as_ref().map(|r| std::mem::take(&mut *r.lock().unwrap_or_else(|p| p.into_inner()))).unwrap_or_default()
    }
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
    /// Fold the inputs into the store in the output folder instead of building anew.
    pub update: bool,
    /// With `update`: when the gazetteer or lexicon changed, analyse every stored document
    /// again (from the paths it was read from) rather than refuse.
    pub reanalyse: bool,
    /// Write the outputs even when no document was read (else that is an error, and the
    /// previous outputs stay).
    pub allow_empty: bool,
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
    /// Where phase times go.
    pub timings: Timings,
    /// Claims less sure than this (percent) are left out of every analysis.
    pub min_confidence: u8,
    /// The context words of name discovery (`gazetteer suggest`).
    pub discover: crate::discover::DiscoverRules,
}

/// Gazetteers of at least this many bytes of TOML go through the cache of compiled gazetteers;
/// smaller ones load in milliseconds anyway.
const CACHE_FROM_BYTES: u64 = 1 << 20;

/// Reads a gazetteer and the sources of its lexicon: a compiled file as it is; a folder or TOML
/// file from the cache when an entry for its digest (and path, and program version) is there,
/// else from TOML, caching the result when it is large and has no errors.
///
/// `cache` is the cache folder (`None`: no cache).
pub fn load_gazetteer(path: &std::path::Path, cache: Option<&std::path::Path>) -> Result<(Gazetteer, Vec<(String, String)>)> {
    use sha2::Digest;
    if Gazetteer::is_compiled(path) {
        return Gazetteer::load_compiled(path);
    }
    let cached = match cache {
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
    let (gazetteer, lexicon) = Gazetteer::load_with_lexicon(path)?;
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

impl Common {
    /// The gazetteer named (see [`Common::gazetteer`]) and its lexicon's sources.
    pub fn load_gazetteer(&self) -> Result<(Gazetteer, Vec<(String, String)>)> {
        match &self.gazetteer {
            Some(path) => load_gazetteer(path, self.cache.as_deref()),
            None => Gazetteer::builtin_with_lexicon(),
        }
    }

    /// The gazetteer's name in messages: its path, or "the built-in gazetteer".
    pub fn gazetteer_name(&self) -> String {
        self.gazetteer.as_ref().map_or_else(|| "the built-in gazetteer".to_string(), |p| p.display().to_string())
    }
}

/// `newsgraph gazetteer import`: the rows of `file` as a gazetteer TOML file to join the
/// gazetteer named in `common` (see [`crate::gazetteer::import`]); `out` names it in the
/// check.
pub fn import_gazetteer(common: &Common, file: &std::path::Path, out: Option<&std::path::Path>) -> Result<crate::gazetteer::import::Imported> {
    let rows = crate::gazetteer::import::read_rows(file)?;
    let (base, _) = common.load_gazetteer()?;
    let name = out.map_or_else(|| "imported.toml".to_string(), |p| p.display().to_string());
    crate::gazetteer::import::import(&rows, &base, common.gazetteer.as_deref(), &name, &file.display().to_string())
}

/// Loads and compiles the gazetteer; fails on data errors, noting ambiguities.
pub fn load(common: &Common) -> Result<Loaded> {
    let t = std::time::Instant::now();
    let (gazetteer, lexicon_sources) = common.load_gazetteer()?;
    common.timings.record("load: gazetteer read", t.elapsed());
    let errors: Vec<String> = gazetteer.errors().map(|p| p.to_string()).collect();
    if !errors.is_empty() {
        let more = if errors.len() > 5 { format!(" (and {} more; run `newsgraph gazetteer check`)", errors.len() - 5) } else { String::new() };
        return Err(Error::gazetteer(common.gazetteer_name(), format!("invalid gazetteer:\n  {}{more}", errors[..errors.len().min(5)].join("\n  "))));
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
    common.timings.record("load: tagger compiled", t.elapsed());
    let lexicon = Lexicon::from_sources(&lexicon_sources)?;
    let discover = crate::discover::DiscoverRules::from_sources_or_shipped(&lexicon_sources)?;
    Ok(Loaded { gazetteer, tagger, lexicon, notes, timings: common.timings.clone(), min_confidence: common.min_confidence, discover })
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
