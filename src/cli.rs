//! The command line: parses arguments with clap, calls the library, reports, and maps errors
//! to exit codes (0 ok, 1 a check found problems... never; 2 any error). The only module that
//! knows clap.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::{Error, ErrorKind};
use crate::gazetteer::Gazetteer;
use crate::graph::Window;
use crate::pipeline::{self, BuildConfig, Common, Format, OutputOptions};
use crate::tagger::CaseMode;

#[derive(Parser, Debug)]
#[command(name = "newsgraph", version, about = "Turn news articles into a knowledge graph of who is mentioned with whom.")]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug)]
struct CommonArgs {
    /// Gazetteer folder or file (default: the shipped gazetteer, built into the program).
    #[arg(long, global = true, value_name = "PATH")]
    gazetteer: Option<PathBuf>,
    /// Match every alias in any case (Unicode lowercase on both sides).
    #[arg(long, global = true, conflicts_with = "exact_case")]
    ignore_case: bool,
    /// Match every alias exactly as written (no capitals-only headline forms).
    #[arg(long, global = true)]
    exact_case: bool,
    /// Reject invalid UTF-8 in inputs instead of decoding it lossily with a warning.
    #[arg(long, global = true)]
    strict: bool,
    /// Skip malformed JSON Lines records (and report how many) instead of stopping.
    #[arg(long, global = true)]
    keep_going: bool,
    /// How to read standard input and files named one by one: auto (files by extension,
    /// standard input by its first character: `{` JSON Lines, `[` JSON), text, jsonl, json.
    #[arg(long, global = true, value_enum, default_value_t = InputFormatArg::Auto)]
    input_format: InputFormatArg,
    /// Leave out claims less sure than this (0 to 1; each claim's `confidence` comes from the
    /// rule that paired it and its distances).
    #[arg(long, global = true, value_name = "X", default_value_t = 0.0, value_parser = confidence_arg)]
    min_confidence: f64,
}

fn confidence_arg(s: &str) -> Result<f64, String> {
    let x: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if (0.0..=1.0).contains(&x) { Ok(x) } else { Err(format!("{x} is not between 0 and 1")) }
}

/// What to write and how: shared by `build` and `export`.
#[derive(Args, Debug)]
struct OutputArgs {
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    /// Comma-separated formats: json, dot, svg, png, gexf, graphml, cytoscape, nodelink,
    /// neo4j, report, store (newsgraph.db, with metadata.json for Datasette), or all.
    #[arg(long, value_name = "LIST", default_value = "json,dot,svg,store")]
    format: String,
    /// Drop co-mention and relation edges lighter than N.
    #[arg(long, value_name = "N")]
    min_weight: Option<u64>,
    /// Keep the N most connected nodes.
    #[arg(long, value_name = "N")]
    top: Option<usize>,
    /// Keep only the network around this entity (id, name or alias) ...
    #[arg(long, value_name = "ENTITY")]
    focus: Option<String>,
    /// ... up to this many steps away.
    #[arg(long, value_name = "K", default_value_t = 1, requires = "focus")]
    depth: usize,
    /// Keep only these entity types (comma-separated: person,state,organisation,...).
    #[arg(long, value_name = "LIST")]
    types: Option<String>,
    /// Roll people and organisations up to their state.
    #[arg(long)]
    state_level: bool,
    /// Graphviz layout engine for the diagram.
    #[arg(long, value_enum, default_value_t = LayoutArg::Neato)]
    layout: LayoutArg,
    /// Draw each state with its people and organisations in a box.
    #[arg(long)]
    cluster_by_state: bool,
    /// Draw every edge: by default a large diagram draws only its heaviest edges (Graphviz
    /// takes minutes over thousands), and says so.
    #[arg(long)]
    draw_all: bool,
    /// Stop Graphviz after this many seconds (the diagram is then not written, and the run
    /// says why).
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    dot_time_limit: u64,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum LayoutArg {
    Dot,
    Neato,
    Sfdp,
}

impl OutputArgs {
    fn options(&self) -> Result<OutputOptions, Error> {
        let types = self.types.as_ref().map(|t| t.split(',').map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()).collect::<Vec<_>>());
        if types.as_ref().is_some_and(|t| t.is_empty()) {
            return Err(Error::usage("--types needs at least one type"));
        }
        if self.top == Some(0) {
            return Err(Error::usage("--top must be at least 1"));
        }
        Ok(OutputOptions {
            formats: Format::parse_list(&self.format)?,
            filters: crate::export::Filters {
                min_confidence: None,
                types,
                state_level: self.state_level,
                min_weight: self.min_weight,
                focus: self.focus.clone(),
                depth: self.depth,
                top: self.top,
            },
            dot: crate::export::dot::DotOptions {
                layout: match self.layout {
                    LayoutArg::Dot => crate::export::dot::Layout::Dot,
                    LayoutArg::Neato => crate::export::dot::Layout::Neato,
                    LayoutArg::Sfdp => crate::export::dot::Layout::Sfdp,
                },
                cluster_by_state: self.cluster_by_state,
                max_work: if self.draw_all { None } else { Some(crate::export::dot::DEFAULT_MAX_WORK) },
                time_limit: std::time::Duration::from_secs(self.dot_time_limit.max(1)),
                ..Default::default()
            },
        })
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the graph and write graph.json, graph.dot, graph.svg and the store newsgraph.db
    /// (or --format LIST|all); with --update, fold new documents into the store.
    Build {
        /// Files, folders (.txt, .md, .jsonl, recursively) or - for standard input.
        #[arg(value_name = "INPUT", default_value = "seeds")]
        inputs: Vec<PathBuf>,
        /// Fold the inputs into the store in the output folder (OUT/newsgraph.db): documents
        /// stored with the same text are skipped, changed ones replaced, new ones added, and
        /// the other formats rendered from the store. Stored documents not among the inputs
        /// stay.
        #[arg(long)]
        update: bool,
        /// With --update, when the gazetteer or relation lexicon changed since the store was
        /// built: analyse every stored document again (read from its file) instead of refusing.
        #[arg(long, requires = "update")]
        reanalyse: bool,
        /// Write the outputs even when no document was read (else exit 2, outputs untouched).
        #[arg(long)]
        allow_empty: bool,
        /// What counts as mentioned together.
        #[arg(long, value_enum, default_value_t = WindowArg::Sentence)]
        window: WindowArg,
        /// Worker threads (default: all cores).
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Analyse JSON Lines documents (standard input by default) into partial records, one JSON
    /// line per document on standard output, for `merge` (Spark's RDD.pipe, Hadoop Streaming,
    /// Ray's map_batches).
    Map {
        /// Files, folders or - (standard input, read as JSON Lines).
        #[arg(value_name = "INPUT", default_value = "-")]
        inputs: Vec<PathBuf>,
        /// What counts as mentioned together.
        #[arg(long, value_enum, default_value_t = WindowArg::Sentence)]
        window: WindowArg,
        /// Worker threads (default: all cores).
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
    },
    /// Fold partial records from `map` into the graph and write what `build` writes. Any
    /// sharding, order or grouping of the records gives the same files.
    Merge {
        /// Files or folders of partial records, or - for standard input.
        #[arg(value_name = "PART", required = true)]
        parts: Vec<PathBuf>,
        /// Also write the merged partial records to FILE (sorted by document id), to merge them
        /// again with other parts later.
        #[arg(long, value_name = "FILE")]
        parts_out: Option<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Write other formats from the store (or a saved graph.json) without reading the corpus
    /// again.
    Export {
        /// A graph.json or a store written by `newsgraph build` (default: the store, --db).
        graph: Option<PathBuf>,
        /// The store to read when no GRAPH is named.
        #[arg(long, value_name = "PATH", default_value = "out/newsgraph.db")]
        db: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Print mentions as JSON Lines, one record per document; start and end are UTF-8 byte
    /// offsets into the text (--offsets chars: code points).
    Tag {
        /// Files, folders or - for standard input.
        #[arg(value_name = "INPUT", default_value = "seeds")]
        inputs: Vec<PathBuf>,
        /// Worker threads (default: all cores).
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
        /// What `start` and `end` count: UTF-8 bytes (Rust, Go, Python bytes), or code points
        /// (chars: Python's text[start:end]).
        #[arg(long, value_enum, default_value_t = OffsetsArg::Bytes)]
        offsets: OffsetsArg,
    },
    /// Compare what the sources claim about a pair of actors (names, ids or aliases), or
    /// rank every pair with --all.
    Compare {
        /// First actor.
        #[arg(required_unless_present = "all")]
        a: Option<String>,
        /// Second actor.
        #[arg(required_unless_present = "all")]
        b: Option<String>,
        /// Rank every pair instead.
        #[arg(long, conflicts_with_all = ["a", "b"])]
        all: bool,
        /// With --all: only pairs with at least this many claims.
        #[arg(long, value_name = "N", default_value_t = 1)]
        min_claims: usize,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
        format: CompareFormat,
        /// Analyse these files, folders or - (standard input) instead of reading the store. A
        /// store or graph.json named here is read as such.
        #[arg(long = "input", short = 'i', value_name = "INPUT", conflicts_with = "graph")]
        inputs: Vec<PathBuf>,
        /// Compare from a saved graph.json instead of the store.
        #[arg(long, value_name = "GRAPH_JSON")]
        graph: Option<PathBuf>,
        /// The store to read (written by `newsgraph build`).
        #[arg(long, value_name = "PATH", default_value = "out/newsgraph.db")]
        db: PathBuf,
        /// Only sources published on or after this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = date_arg)]
        since: Option<crate::date::Date>,
        /// Only sources published on or before this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = date_arg)]
        until: Option<crate::date::Date>,
        /// Only these outlets (repeat, or separate with commas).
        #[arg(long = "outlet", value_name = "OUTLET", value_delimiter = ',')]
        outlets: Vec<String>,
        /// Only these relation types (repeat, or separate with commas).
        #[arg(long = "relation", value_name = "RELATION", value_delimiter = ',')]
        relations: Vec<String>,
        /// At most this many claims on the timeline, the latest (0: all).
        #[arg(long, value_name = "N", default_value_t = 200)]
        limit: usize,
        /// Also one row per document.
        #[arg(long)]
        documents: bool,
        /// Rows of the timeline chart.
        #[arg(long, value_enum, default_value_t = RowsArg::Outlet)]
        rows: RowsArg,
    },
    /// Explain the claims of one document: why each was made, and why sentences with two
    /// actors gave none.
    Explain {
        /// Document id (file stem or JSON Lines id) or path.
        document: String,
        /// Only this sentence (1-based, as numbered in the output).
        #[arg(long, value_name = "N")]
        sentence: Option<usize>,
        /// Read the document from these files, folders or - (standard input) instead of the
        /// store. A store named here is read as such.
        #[arg(long = "input", short = 'i', value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// The store to read (written by `newsgraph build`).
        #[arg(long, value_name = "PATH", default_value = "out/newsgraph.db")]
        db: PathBuf,
    },
    /// Gazetteer tools.
    Gazetteer {
        #[command(subcommand)]
        command: GazetteerCommand,
    },
}

#[derive(Subcommand, Debug)]
enum GazetteerCommand {
    /// Validate the gazetteer: duplicate ids, ambiguous aliases, dangling references, bad dates.
    Check,
    /// Write a list you have (CSV with a header row of name, type, aliases, affiliation, role,
    /// from, to; or a JSON list of objects with those fields) as a gazetteer TOML file. Rows
    /// of one name, type and affiliation are one entity; other ambiguities are reported, never
    /// merged.
    Import {
        /// The CSV or JSON file.
        file: PathBuf,
        /// Where to write the TOML file (put it in the gazetteer folder); default: standard
        /// output.
        #[arg(short, long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Propose the proper names of the inputs that the gazetteer does not know, ranked by
    /// documents, with a guessed type, state and role and example sentences.
    Suggest {
        /// Files, folders or - for standard input.
        #[arg(value_name = "INPUT", default_value = "seeds")]
        inputs: Vec<PathBuf>,
        /// Output format: a table, JSON, or TOML to paste into a gazetteer file.
        #[arg(long, value_enum, default_value_t = SuggestFormat::Table)]
        format: SuggestFormat,
        /// Only names found in at least this many documents.
        #[arg(long, value_name = "N", default_value_t = 1)]
        min_docs: usize,
        /// At most this many names (0: all).
        #[arg(long, value_name = "N", default_value_t = 0)]
        top: usize,
        /// Worker threads (default: all cores).
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
        /// Read the names a store kept (`build --format store`) instead of the inputs.
        #[arg(long, value_name = "FILE", conflicts_with = "inputs")]
        db: Option<PathBuf>,
    },
    /// Compile the gazetteer (and its relation lexicon) into one file that loads fast, for
    /// workers of a distributed job: pass it as --gazetteer FILE.
    Compile {
        /// Where to write it.
        #[arg(short, long, value_name = "FILE", default_value = "gazetteer.json")]
        out: PathBuf,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum InputFormatArg {
    Auto,
    Text,
    Jsonl,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum SuggestFormat {
    Table,
    Json,
    Toml,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum OffsetsArg {
    Bytes,
    Chars,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum RowsArg {
    Outlet,
    Speaker,
}

fn date_arg(s: &str) -> Result<crate::date::Date, String> {
    s.parse().map_err(|e: crate::date::BadDate| e.to_string())
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum CompareFormat {
    Table,
    Markdown,
    Json,
    Html,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum WindowArg {
    Sentence,
    Paragraph,
    Document,
}

fn common(args: &CommonArgs) -> Common {
    let case = if args.ignore_case {
        CaseMode::Ignore
    } else if args.exact_case {
        CaseMode::Exact
    } else {
        CaseMode::Default
    };
    let timings = if std::env::var_os("NEWSGRAPH_TIMINGS").is_some() { pipeline::Timings::on() } else { pipeline::Timings::default() };
    Common {
        gazetteer: args.gazetteer.clone(),
        case,
        read: crate::text::ReadOptions {
            strict: args.strict,
            keep_going: args.keep_going,
            format: match args.input_format {
                InputFormatArg::Auto => crate::text::InputFormat::Auto,
                InputFormatArg::Text => crate::text::InputFormat::Text,
                InputFormatArg::Jsonl => crate::text::InputFormat::Jsonl,
                InputFormatArg::Json => crate::text::InputFormat::Json,
            },
            ..Default::default()
        },
        cache: cache_dir(),
        timings,
        min_confidence: (args.min_confidence * 100.0).round() as u8,
    }
}

/// Where compiled gazetteers are cached: `$NEWSGRAPH_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/newsgraph`, else `~/.cache/newsgraph`. `None` when `NEWSGRAPH_CACHE` is
/// `off` (or `0`), or no folder can be named.
fn cache_dir() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if std::env::var("NEWSGRAPH_CACHE").is_ok_and(|v| v == "off" || v == "0") {
        return None;
    }
    var("NEWSGRAPH_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("newsgraph")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("newsgraph")))
}

fn report_written(report: &pipeline::BuildReport) {
    for n in &report.notes {
        eprintln!("{n}");
    }
    eprintln!(
        "newsgraph: {}, {}, {}; wrote {}",
        crate::count(report.documents, "document", "documents"),
        crate::count(report.nodes, "node", "nodes"),
        crate::count(report.edges, "edge", "edges"),
        report.written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    );
}

fn window_of(w: WindowArg) -> Window {
    match w {
        WindowArg::Sentence => Window::Sentence,
        WindowArg::Paragraph => Window::Paragraph,
        WindowArg::Document => Window::Document,
    }
}

fn threads_of(threads: Option<usize>) -> Result<usize, Error> {
    match threads {
        Some(0) => Err(Error::usage("--threads must be at least 1")),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
    }
}

fn run(cli: Cli) -> Result<i32, Error> {
    let common = common(&cli.common);
    let timings = common.timings.clone();
    let code = run_command(cli.command, common);
    // With NEWSGRAPH_TIMINGS set, each phase's time (for benchmarks), whatever the outcome.
    for (phase, seconds) in timings.take() {
        eprintln!("timing: {phase}: {seconds:.3} s");
    }
    code
}

fn run_command(command: Command, common: Common) -> Result<i32, Error> {
    match command {
        Command::Build { inputs, update, reanalyse, allow_empty, window, threads, output } => {
            let config = BuildConfig {
                common,
                inputs,
                out_dir: output.out.clone(),
                window: window_of(window),
                output: output.options()?,
                threads: threads_of(threads)?,
                update,
                reanalyse,
                allow_empty,
            };
            // Documents, megabytes of text and the rate, on a terminal; the bar's position is
            // the bytes, its message the documents.
            let bar = indicatif::ProgressBar::new_spinner();
            if !std::io::stderr().is_terminal() {
                bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
            }
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg} · {decimal_bytes} of text · {decimal_bytes_per_sec} · {elapsed}")
                    .expect("a valid template"),
            );
            bar.set_message("0 documents");
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            let documents = std::sync::atomic::AtomicUsize::new(0);
            let report = pipeline::build(&config, &|bytes| {
                let n = documents.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                bar.inc(bytes as u64);
                if n < 1024 || n.is_multiple_of(256) {
                    bar.set_message(crate::count(n, "document", "documents"));
                }
            })?;
            bar.finish_and_clear();
            report_written(&report);
            Ok(0)
        }
        Command::Map { inputs, window, threads } => {
            // Not locked: the records are written from the reading thread, whichever it is.
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
            let notes = pipeline::map(&common, &inputs, window_of(window), threads_of(threads)?, &mut out)?;
            for n in notes {
                eprintln!("{n}");
            }
            Ok(0)
        }
        Command::Merge { parts, parts_out, output } => {
            let config = pipeline::MergeConfig { common, parts, out_dir: output.out.clone(), output: output.options()?, parts_out };
            let report = pipeline::merge(&config)?;
            report_written(&report);
            Ok(0)
        }
        Command::Export { graph, db, output } => {
            // A saved graph's claims are filtered here; a build leaves them out as it analyses.
            let mut options = output.options()?;
            // The store is written by `build` (it keeps text a graph.json does not); export
            // writes the other formats of the list.
            options.formats.retain(|f| *f != Format::Store);
            if options.formats.is_empty() {
                return Err(Error::usage("export does not write a store: `newsgraph build` writes it (the store keeps text a graph.json does not)"));
            }
            options.filters.min_confidence = (common.min_confidence > 0).then(|| f64::from(common.min_confidence) / 100.0);
            let source = pipeline::GraphSource::named(graph.as_deref(), &db);
            let report = pipeline::export(&source, &common, &options, &output.out)?;
            report_written(&report);
            Ok(0)
        }
        Command::Tag { inputs, threads, offsets } => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            let offsets = match offsets {
                OffsetsArg::Bytes => crate::export::Offsets::Bytes,
                OffsetsArg::Chars => crate::export::Offsets::Chars,
            };
            let notes = pipeline::tag(&common, &inputs, threads_of(threads)?, offsets, &mut lock)?;
            for n in notes {
                eprintln!("{n}");
            }
            Ok(0)
        }
        Command::Compare { a, b, all, min_claims, format, inputs, graph, db, since, until, outlets, relations, limit, documents, rows } => {
            let request = match (all, a, b) {
                (true, _, _) => pipeline::CompareRequest::All(min_claims),
                (false, Some(a), Some(b)) => pipeline::CompareRequest::Pair(a, b),
                _ => return Err(Error::usage("compare needs two actors, or --all")),
            };
            let format = match format {
                CompareFormat::Table => crate::compare::Format::Table,
                CompareFormat::Markdown => crate::compare::Format::Markdown,
                CompareFormat::Json => crate::compare::Format::Json,
                CompareFormat::Html => crate::compare::Format::Html,
            };
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            let source = pipeline::GraphSource::choose(&inputs, graph.as_deref(), &db);
            let filter = crate::compare::Filter { since, until, outlets, relations };
            let rows = match rows {
                RowsArg::Outlet => crate::compare::Rows::Outlet,
                RowsArg::Speaker => crate::compare::Rows::Speaker,
            };
            let show = crate::compare::Show { documents, limit, rows, ..Default::default() };
            let text = pipeline::compare(&common, &source, &request, (format, &filter, &show), threads)?;
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes()).map_err(|e| Error::output(std::path::Path::new("-"), e))?;
            Ok(0)
        }
        Command::Explain { document, sentence, inputs, db } => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            let source = pipeline::GraphSource::choose(&inputs, None, &db);
            pipeline::explain(&common, &source, &document, sentence, &mut lock)?;
            use std::io::Write;
            lock.flush().map_err(|e| Error::output(std::path::Path::new("-"), e))?;
            Ok(0)
        }
        Command::Gazetteer { command: GazetteerCommand::Compile { out } } => {
            if common.gazetteer.as_deref().is_some_and(Gazetteer::is_compiled) {
                return Err(Error::usage(format!("{} is already compiled; name the gazetteer folder or TOML file", common.gazetteer_name())));
            }
            let (g, sources) = match &common.gazetteer {
                Some(path) => Gazetteer::load_with_lexicon(path)?,
                None => Gazetteer::builtin_with_lexicon()?,
            };
            let lexicon = crate::relations::Lexicon::from_sources(&sources)?;
            let bytes = g.compile(sources)?;
            if let Some(dir) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
                crate::export::ensure_dir(dir)?;
            }
            crate::export::write_atomic(&out, &bytes)?;
            eprintln!(
                "newsgraph: compiled {} ({} entities, {} aliases, {} relations) into {} ({:.1} MB)",
                common.gazetteer_name(),
                g.entities.len(),
                g.alias_count(),
                lexicon.relations.len(),
                out.display(),
                bytes.len() as f64 / 1e6
            );
            Ok(0)
        }
        Command::Gazetteer { command: GazetteerCommand::Suggest { inputs, format, min_docs, top, threads, db } } => {
            let (mut list, notes) = match db {
                Some(db) => (pipeline::suggest_stored(&db, min_docs)?, Vec::new()),
                None => pipeline::suggest(&common, &inputs, threads_of(threads)?, min_docs)?,
            };
            if top > 0 {
                list.truncate(top);
            }
            let format = match format {
                SuggestFormat::Table => crate::discover::Format::Table,
                SuggestFormat::Json => crate::discover::Format::Json,
                SuggestFormat::Toml => crate::discover::Format::Toml,
            };
            for n in notes {
                eprintln!("{n}");
            }
            use std::io::Write;
            std::io::stdout().lock().write_all(crate::discover::render(&list, format).as_bytes()).map_err(|e| Error::output(std::path::Path::new("-"), e))?;
            Ok(0)
        }
        Command::Gazetteer { command: GazetteerCommand::Import { file, out } } => {
            let imported = pipeline::import_gazetteer(&common, &file, out.as_deref())?;
            for r in &imported.reports {
                eprintln!("note: {r}");
            }
            match &out {
                Some(path) => {
                    crate::export::stage(path, |w| w.write_all(imported.toml.as_bytes()).map_err(|e| Error::output(path, e)))?.commit()?;
                }
                None => {
                    use std::io::Write;
                    std::io::stdout().lock().write_all(imported.toml.as_bytes()).map_err(|e| Error::output(std::path::Path::new("-"), e))?;
                }
            }
            eprintln!(
                "newsgraph: imported {} as {}{}; {}",
                crate::count(imported.rows, "row", "rows"),
                crate::count(imported.entities, "entity", "entities"),
                out.as_ref().map(|p| format!(" into {}", p.display())).unwrap_or_default(),
                crate::count(imported.reports.len(), "note", "notes")
            );
            Ok(0)
        }
        Command::Gazetteer { command: GazetteerCommand::Check } => {
            let (g, sources) = match &common.gazetteer {
                Some(path) if Gazetteer::is_compiled(path) => Gazetteer::load_compiled(path)?,
                Some(path) => Gazetteer::load_with_lexicon(path)?,
                None => Gazetteer::builtin_with_lexicon()?,
            };
            for p in g.problems() {
                println!("{p}");
            }
            // Not problems: what a surname alone can and cannot resolve.
            let shared = g.shared_surnames();
            for (surname, people) in &shared {
                let who: Vec<String> = people.iter().map(|e| format!("{} ({})", e.id, e.origin)).collect();
                println!(
                    "note: surname {surname:?} is shared by {}: alone, it names one of them only in a document that names just that one in full",
                    who.join(", ")
                );
            }
            // The relation lexicon lives in the same folder; its errors are fatal there too.
            let (lexicon, lexicon_ok) = match crate::relations::Lexicon::from_sources(&sources) {
                Ok(l) => (format!("{} relations, {} cues", l.relations.len(), l.cue_count()), true),
                Err(e) => {
                    println!("{e}");
                    ("a broken relation lexicon".to_string(), false)
                }
            };
            let states = g.entities.iter().filter(|e| e.kind == "state").count();
            eprintln!(
                "{}: {} entities ({} states), {} aliases, {lexicon}, {} problems, {} surnames shared",
                common.gazetteer_name(),
                g.entities.len(),
                states,
                g.alias_count(),
                g.problems().len() + usize::from(!lexicon_ok),
                shared.len()
            );
            Ok(if g.problems().is_empty() && lexicon_ok { 0 } else { 2 })
        }
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if e.kind() == ErrorKind::Output && e.to_string().contains("Broken pipe") {
                return 0; // `newsgraph tag | head` is not an error
            }
            eprintln!("newsgraph: error: {e}");
            2
        }
    }
}
