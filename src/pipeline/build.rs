//! `build`, `map`, `merge` and `export`: analyses folded into the graph, and the graph written.

use std::io::Write;
use std::path::PathBuf;

use super::batches::analyse_into;
use super::query::GraphSource;
use super::*;
use crate::error::{Error, Result};
use crate::gazetteer::Gazetteer;
use crate::graph::{Graph, GraphBuilder, Window};
use crate::text::{self};

/// `newsgraph map`: one partial record (see [`crate::export::part`]) per input document, in
/// input order, on `out`. Standard input is read as JSON Lines. Returns the notes for stderr.
pub fn map(common: &Common, inputs: &[PathBuf], window: Window, threads: usize, out: &mut (dyn Write + Send)) -> Result<Vec<String>> {
    let loaded = load_on(common, threads)?;
    let read = text::ReadOptions { stdin_jsonl: true, ..common.read };
    let io = |e: std::io::Error| Error::output(std::path::Path::new("-"), e);
    // With the text the store keeps, so that merge can write a store too.
    let warnings = analyse_each(inputs, read, &loaded, window, threads, true, &|_| {}, &mut |a| {
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
pub(super) fn part_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
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
    let mut store: Option<crate::store::Writer> = None;
    let wants_store = config.output.formats.contains(&Format::Store);
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
            if wants_store {
                if analysis.detail.is_none() {
                    return Err(Error::input(
                        &place,
                        "this partial record carries no text (written by an older `newsgraph map`), so no store can be made from it: map again, or merge with --format json",
                    ));
                }
                if store.is_none() {
                    let target = config.out_dir.join(crate::store::FILE_NAME);
                    store = Some(crate::store::Writer::create(&target, &loaded.gazetteer, &loaded.lexicon, window, loaded.min_confidence)?);
                }
                store.as_mut().expect("made above").add(&analysis)?;
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
    let suggest = suggest_command(&config.common, &[], store.is_some().then(|| config.out_dir.join(crate::store::FILE_NAME)).as_deref());
    write_graph(graph, &loaded, &config.output, &config.out_dir, &mut report, store, &suggest)?;
    if let Some(s) = staged_parts {
        report.written.push(s.commit()?);
    }
    Ok(report)
}

/// `newsgraph build`: reads, tags, builds the graph and writes the requested formats. Every
/// output is staged in a temporary file; all are renamed into place once all are written.
///
/// With `config.update`, folds the inputs into the store instead (see [`update`]).
/// `progress` is told the size of each document's text as it is read.
pub fn build(config: &BuildConfig, progress: &(dyn Fn(usize) + Sync)) -> Result<BuildReport> {
    let t = std::time::Instant::now();
    let loaded = load_on(&config.common, config.threads)?;
    loaded.timings.record("load", t.elapsed());
    if config.update {
        return update(config, loaded, progress);
    }
    build_loaded(config, loaded, progress)
}

fn build_loaded(config: &BuildConfig, loaded: Loaded, progress: &(dyn Fn(usize) + Sync)) -> Result<BuildReport> {
    let mut report = BuildReport { notes: loaded.notes.clone(), ..Default::default() };
    let t = std::time::Instant::now();
    let mut writer = match config.output.formats.contains(&Format::Store) {
        true => Some(crate::store::Writer::create(
            &config.out_dir.join(crate::store::FILE_NAME),
            &loaded.gazetteer,
            &loaded.lexicon,
            config.window,
            loaded.min_confidence,
        )?),
        false => None,
    };
    let (graph, warnings) = analyse_into(config, &loaded, progress, writer.as_mut())?;
    loaded.timings.record("analysis and finish", t.elapsed());
    if graph.documents.is_empty() && !config.allow_empty {
        return Err(nothing_read(&config.inputs, &warnings));
    }
    report.notes.extend(warnings);
    let t = std::time::Instant::now();
    let suggest = suggest_command(&config.common, &config.inputs, writer.is_some().then(|| config.out_dir.join(crate::store::FILE_NAME)).as_deref());
    pool(config.threads)?.install(|| write_graph(graph, &loaded, &config.output, &config.out_dir, &mut report, writer, &suggest))?;
    loaded.timings.record("write", t.elapsed());
    Ok(report)
}

/// The file a stored document was read from: its path, or the file part of a place within
/// one (`archive.warc.gz@1234`, `feed.rss: item 3`, `corpus.jsonl:17`, `two.json: item 2`).
fn source_file(path: &str) -> &str {
    if std::path::Path::new(path).exists() {
        return path;
    }
    let cut = |p: &'static str| path.rsplit_once(p).filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).map(|(f, _)| f);
    cut("@").or_else(|| cut(": item ")).or_else(|| cut(":")).unwrap_or(path)
}

/// `newsgraph build --update`: folds the inputs into the store of the output folder in one
/// transaction (unchanged documents skipped before analysis, changed ones replaced, new ones
/// added; documents not among the inputs stay), then renders the other requested formats
/// from the store. With no store yet, a full build writes one. A store analysed with another
/// gazetteer or lexicon is refused, or with `reanalyse` built again from its documents'
/// paths and the inputs.
fn update(config: &BuildConfig, loaded: Loaded, progress: &(dyn Fn(usize) + Sync)) -> Result<BuildReport> {
    use crate::store::{Change, Store};
    let path = config.out_dir.join(crate::store::FILE_NAME);
    let with_store = |inputs: Vec<PathBuf>| {
        let mut c = config.clone();
        c.update = false;
        c.inputs = inputs;
        if !c.output.formats.contains(&Format::Store) {
            c.output.formats.push(Format::Store);
        }
        c
    };
    if !path.exists() {
        let mut report = build_loaded(&with_store(config.inputs.clone()), loaded, progress)?;
        report.notes.insert(0, format!("note: no store at {} yet: built it from the inputs", path.display()));
        return Ok(report);
    }
    let mut store = Store::open(&path)?;
    let meta = store.meta()?;
    if meta.window != config.window.as_str() {
        return Err(Error::usage(format!("{} counts co-mentions by {}; update it with --window {}", path.display(), meta.window, meta.window)));
    }
    if meta.min_confidence != loaded.min_confidence {
        return Err(Error::usage(format!(
            "{} keeps claims from confidence {:.2}; update it with --min-confidence {:.2}",
            path.display(),
            f64::from(meta.min_confidence) / 100.0,
            f64::from(meta.min_confidence) / 100.0
        )));
    }
    if meta.gazetteer_digest != loaded.gazetteer.digest {
        let paths: Vec<String> = {
            let mut st =
                store.conn.prepare("SELECT DISTINCT path FROM documents WHERE path != '-' ORDER BY path").map_err(|e| Error::input(path.display(), e))?;
            let stored: Vec<String> = st.query_map([], |r| r.get(0)).and_then(|rows| rows.collect()).map_err(|e| Error::input(path.display(), e))?;
            let mut files: Vec<String> = stored.iter().map(|p| source_file(p).to_string()).collect();
            files.sort();
            files.dedup();
            files
        };
        let what = if meta.lexicon_digest != loaded.lexicon.digest { "relation lexicon" } else { "gazetteer" };
        if !config.reanalyse {
            return Err(Error::usage(format!(
                "{}: the {what} changed since this store was built ({} now {}); add --reanalyse to analyse its documents again (read from {} files)",
                path.display(),
                meta.gazetteer_digest,
                loaded.gazetteer.digest,
                paths.len()
            )));
        }
        if let Some(gone) = paths.iter().find(|p| !std::path::Path::new(p).exists()) {
            return Err(Error::input(gone, "a stored document's file is gone, so the store cannot be analysed again; build it anew from the corpus"));
        }
        drop(store);
        // The stored documents' files, but those the inputs read anyway (a folder given again).
        let named: Vec<PathBuf> = config.inputs.iter().filter_map(|i| std::fs::canonicalize(i).ok()).collect();
        let mut inputs: Vec<PathBuf> =
            paths.iter().map(PathBuf::from).filter(|p| std::fs::canonicalize(p).is_ok_and(|p| !named.iter().any(|n| p.starts_with(n)))).collect();
        inputs.extend(config.inputs.iter().cloned());
        let n = paths.len();
        let mut report = build_loaded(&with_store(inputs), loaded, progress)?;
        report.notes.insert(0, format!("note: the {what} changed: analysed every stored document again ({n} files) with the inputs"));
        return Ok(report);
    }
    let t = std::time::Instant::now();
    let mut plan = store.begin_update()?;
    let known = plan.known();
    let (gaz, window) = (&loaded.gazetteer, config.window);
    let work = |doc: &text::Document| {
        let change = known.get(doc.id.as_str()).map_or(Change::New, |(row, sha)| if *sha == doc.sha256() { Change::Same } else { Change::Changed(*row) });
        progress(doc.text.len());
        (change != Change::Same).then(|| super::batches::analyse_document(doc, &loaded, window, true))
    };
    // The sink holds the store by `&mut`: a connection moves between threads but is not shared.
    let (writing, planned) = (&mut store, &mut plan);
    let warnings =
        super::batches::each_document(&config.inputs, config.common.read, config.threads, &work, &mut move |a: Option<crate::graph::Analysis>| match a {
            Some(a) => writing.update_document(planned, a, gaz, window),
            None => {
                planned.skipped += 1;
                Ok(())
            }
        })?;
    if plan.skipped + plan.replaced + plan.added == 0 && !config.allow_empty {
        return Err(nothing_read(&config.inputs, &warnings));
    }
    let summary = store.finish_update(plan, gaz, &loaded.lexicon, &meta)?;
    loaded.timings.record("update store", t.elapsed());
    let mut report = BuildReport { notes: loaded.notes.clone(), ..Default::default() };
    report.notes.extend(warnings);
    report.notes.push(format!(
        "updated {}: {} documents added, {} replaced, {} unchanged; {} claims added{}{}",
        path.display(),
        summary.added,
        summary.replaced,
        summary.skipped,
        summary.claims,
        if summary.restated > 0 { format!(", {} moved to a state now mentioned (or no longer)", summary.restated) } else { String::new() },
        if summary.recopied > 0 { format!(", {} copies found again", summary.recopied) } else { String::new() },
    ));
    let t = std::time::Instant::now();
    let mut others = config.output.clone();
    others.formats.retain(|f| *f != Format::Store);
    let suggest = suggest_command(&config.common, &[], Some(&path));
    // Rendered inside the update's transaction, then committed, then renamed into place: a
    // second writer waits until this one's files are written.
    let mut staged = Vec::new();
    if !others.formats.is_empty() {
        let doc = crate::store::graph_doc(&store)?;
        report.notes.extend(doc.unknown_names.line(&suggest).map(|l| format!("note: {l}")));
        let doc = resolve_focus(doc, &others.filters, Some(&loaded.gazetteer))?;
        staged = pool(config.threads)?.install(|| stage_outputs(&doc, &loaded.gazetteer.style, &others, &config.out_dir, &loaded.timings, &mut report))?;
    } else {
        // No graph is rendered: the store's names are counted alone.
        let unknown = crate::discover::Unknown::of(&crate::store::unknown_names(&store)?.suggestions(1));
        report.notes.extend(unknown.line(&suggest).map(|l| format!("note: {l}")));
        let (documents, nodes, edges) = store.graph_counts()?;
        (report.documents, report.nodes, report.edges) = (documents as usize, nodes as usize, edges as usize);
    }
    let meta_path = config.out_dir.join(crate::store::METADATA_FILE);
    staged.push(crate::export::stage(&meta_path, |w| w.write_all(crate::store::datasette_metadata().as_bytes()).map_err(|e| Error::output(&meta_path, e)))?);
    store.commit()?;
    report.written.push(path.clone());
    report.written.extend(commit_all(staged)?);
    loaded.timings.record("render from the store", t.elapsed());
    Ok(report)
}

/// The error of a run that read no document: the inputs, the reader's warnings that say why,
/// and that the previous outputs stay.
fn nothing_read(inputs: &[PathBuf], warnings: &[String]) -> Error {
    let names: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    let why = if warnings.is_empty() { String::new() } else { format!("\n{}", warnings.join("\n")) };
    Error::input(
        names.join(", "),
        format!("no document was read, so nothing was written and the previous outputs stay (--allow-empty writes an empty graph){why}"),
    )
}

/// The command that lists the names the gazetteer does not know: `gazetteer suggest` over
/// the store when there is one, else over the inputs, with the gazetteer named.
pub(super) fn suggest_command(common: &Common, inputs: &[PathBuf], store: Option<&std::path::Path>) -> String {
    let quoted = |p: &std::path::Path| {
        let s = p.display().to_string();
        if s.chars().all(|c| c.is_alphanumeric() || "/._-+:@".contains(c)) { s } else { format!("'{}'", s.replace('\'', r"'\''")) }
    };
    let mut words = vec!["newsgraph gazetteer suggest".to_string()];
    if let Some(g) = &common.gazetteer {
        words.push(format!("--gazetteer {}", quoted(g)));
    }
    match store {
        Some(db) => words.push(format!("--db {}", quoted(db))),
        None if inputs.is_empty() => words.push("CORPUS".to_string()),
        None => words.extend(inputs.iter().map(|p| quoted(p))),
    }
    words.join(" ")
}

/// Notes crowded windows, then writes the graph's outputs (shared by `build` and `merge`),
/// and the store when `store` is being written: all staged, then renamed into place.
/// `suggest` is the command that lists the names the gazetteer does not know.
pub(super) fn write_graph(
    graph: Graph,
    loaded: &Loaded,
    output: &OutputOptions,
    out_dir: &std::path::Path,
    report: &mut BuildReport,
    store: Option<crate::store::Writer>,
    suggest: &str,
) -> Result<()> {
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
    loaded.timings.record("graph document", t.elapsed());
    report.notes.extend(doc.unknown_names.line(suggest).map(|l| format!("note: {l}")));
    // The store keeps the whole graph, whatever the filters leave in the files.
    let mut stored = Vec::new();
    if let Some(w) = store {
        let t = std::time::Instant::now();
        stored.push(w.finish(&doc, &loaded.gazetteer, &loaded.lexicon)?);
        let meta = out_dir.join(crate::store::METADATA_FILE);
        stored.push(crate::export::stage(&meta, |w| w.write_all(crate::store::datasette_metadata().as_bytes()).map_err(|e| Error::output(&meta, e)))?);
        loaded.timings.record("store", t.elapsed());
    }
    let doc = resolve_focus(doc, &output.filters, Some(&loaded.gazetteer))?;
    let output = with_sources_left_out(output, &loaded.gazetteer);
    let mut staged = stage_outputs(&doc, &loaded.gazetteer.style, &output, out_dir, &loaded.timings, report)?;
    // A store is replaced only when no update is writing to it: its write lock is held (after
    // waiting for an update to finish) until the new one is in place.
    let _old_store = match stored.is_empty() {
        false => crate::store::Store::lock_for_replacement(&out_dir.join(crate::store::FILE_NAME))?,
        true => None,
    };
    staged.extend(stored);
    // Renaming a large output over its previous version waits on the system dropping the old
    // file (about half a second for the 1.15 GB graph.json of a 200 MB corpus); the graph
    // document is freed meanwhile.
    let (written, ()) = rayon::join(|| commit_all(staged), move || drop(doc));
    report.written.extend(written?);
    Ok(())
}

/// The output options with the gazetteer's news sources (agencies, outlets, photographers:
/// `media = true`) left out of the diagrams: they are sources, not actors.
fn with_sources_left_out(output: &OutputOptions, gaz: &Gazetteer) -> OutputOptions {
    let mut output = output.clone();
    output.dot.leave_out = gaz.entities.iter().filter(|e| e.media).map(|e| e.id.clone()).collect();
    output
}

/// Applies the filters, resolving `--focus` by id, label or alias.
pub(super) fn resolve_focus(doc: crate::export::GraphDoc, filters: &crate::export::Filters, gaz: Option<&Gazetteer>) -> Result<crate::export::GraphDoc> {
    let mut filters = filters.clone();
    if let Some(f) = &filters.focus
        && doc.node(f).is_none()
    {
        let wanted = f.to_lowercase();
        let by_label = doc.nodes.iter().find(|n| n.label.to_lowercase() == wanted || n.aliases.iter().any(|a| a.to_lowercase() == wanted));
        let by_gaz = gaz.and_then(|g| g.find(f)).map(|e| e.id.clone());
        match by_label.map(|n| n.id.clone()).or(by_gaz) {
            Some(id) => filters.focus = Some(id),
            None => {
                let names = doc.nodes.iter().flat_map(|n| std::iter::once(n.label.as_str()).chain(n.aliases.iter().map(String::as_str)));
                return Err(Error::usage(match crate::norm::did_you_mean(f, names) {
                    Some(m) => format!("--focus {f:?} is not a node of this graph; did you mean {m:?}?"),
                    None => format!("--focus {f:?} is not a node of this graph"),
                }));
            }
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
    timings: &Timings,
    report: &mut BuildReport,
) -> Result<()> {
    let staged = stage_outputs(doc, style, opts, out_dir, timings, report)?;
    report.written.extend(commit_all(staged)?);
    Ok(())
}

/// Renames staged outputs into place, in order, stopping at the first failure.
pub(super) fn commit_all(staged: Vec<crate::export::Staged>) -> Result<Vec<PathBuf>> {
    staged.into_iter().map(crate::export::Staged::commit).collect()
}

/// [`write_outputs`] but for the renaming: every output written to its temporary file, to be
/// committed by the caller (all of them, or none when something failed).
pub(super) fn stage_outputs(
    doc: &crate::export::GraphDoc,
    style: &crate::export::Style,
    opts: &OutputOptions,
    out_dir: &std::path::Path,
    timings: &Timings,
    report: &mut BuildReport,
) -> Result<Vec<crate::export::Staged>> {
    use crate::export::{Staged, dot, formats, render_with_dot, stage};
    report.documents = doc.documents.len();
    report.nodes = doc.nodes.len();
    report.edges = doc.edges.len();
    crate::export::ensure_dir(out_dir)?;
    let mut staged: Vec<Staged> = Vec::new();
    let wants = |f: Format| opts.formats.contains(&f);
    let needs_dot = [Format::Dot, Format::Svg, Format::Png].into_iter().any(wants);
    let diagram = if needs_dot {
        let dot_opts = dot::DotOptions { title: Some(diagram_title(doc)), ..opts.dot.clone() };
        let t = std::time::Instant::now();
        let d = dot::render(doc, style, &dot_opts);
        timings.record("diagram", t.elapsed());
        report.notes.extend(d.note.iter().map(|n| format!("note: {n}")));
        d
    } else {
        dot::Diagram { source: String::new(), note: None, relation_ids: Vec::new() }
    };
    let limit = opts.dot.time_limit;
    // The evidence of relation edges, read once for the formats that carry it.
    let needs_evidence = [Format::Gexf, Format::Graphml, Format::Cytoscape, Format::Nodelink, Format::Neo4j].into_iter().any(wants);
    let ev = if needs_evidence { formats::Evidence::of(doc)? } else { formats::Evidence::none(doc) };
    for f in &opts.formats {
        let path = |name: &str| out_dir.join(name);
        let bytes = |name: &str, b: &[u8]| {
            let p = path(name);
            stage(&p, |w| w.write_all(b).map_err(|e| Error::output(&p, e)))
        };
        let drawn = |name: &str, format: &str, report: &mut BuildReport| -> Result<Option<Staged>> {
            let t = std::time::Instant::now();
            let drawing = render_with_dot(&diagram.source, format, limit)?;
            timings.record(name, t.elapsed());
            match drawing.bytes() {
                Some(b) => Ok(Some(bytes(name, b)?)),
                None => {
                    report.notes.extend(drawing.why_not(name));
                    Ok(None)
                }
            }
        };
        match f {
            Format::Json => {
                let t = std::time::Instant::now();
                staged.push(stage(&path("graph.json"), |w| doc.write_json(w))?);
                timings.record("graph.json", t.elapsed());
            }
            Format::Dot => staged.push(bytes("graph.dot", diagram.source.as_bytes())?),
            Format::Svg => staged.extend(drawn("graph.svg", "svg", report)?),
            Format::Png => staged.extend(drawn("graph.png", "png", report)?),
            Format::Gexf => staged.push(bytes("graph.gexf", formats::gexf(doc, &ev, style).as_bytes())?),
            Format::Graphml => staged.push(bytes("graph.graphml", formats::graphml(doc, &ev).as_bytes())?),
            Format::Cytoscape => staged.push(bytes("graph.cytoscape.json", formats::cytoscape(doc, &ev, style).as_bytes())?),
            Format::Nodelink => staged.push(bytes("graph.nodelink.json", formats::nodelink(doc, &ev).as_bytes())?),
            Format::Neo4j => {
                for (name, text) in formats::neo4j(doc, &ev)? {
                    staged.push(bytes(name, text.as_bytes())?);
                }
            }
            // Written from the analyses, not the graph document (see `write_graph`).
            Format::Store => {}
            Format::Report => {
                let t = std::time::Instant::now();
                let (html, notes) = crate::export::report::render(doc, style, &opts.dot)?;
                report.notes.extend(notes);
                timings.record("report.html", t.elapsed());
                staged.push(bytes("report.html", html.as_bytes())?);
            }
        }
    }
    doc.claims.check()?;
    Ok(staged)
}

/// The title of a standalone diagram: what it shows, and when.
fn diagram_title(doc: &crate::export::GraphDoc) -> String {
    let dates: Vec<&str> = doc.documents.iter().filter_map(|d| d.published.as_deref()).map(|d| d.get(..10).unwrap_or(d)).collect();
    let mut t = format!(
        "newsgraph: {}, {}, {}",
        crate::count(doc.documents.len(), "document", "documents"),
        crate::count(doc.nodes.len(), "node", "nodes"),
        crate::claims_count(doc.claims.len(), doc.claims.iter_light().filter(|c| c.copy_of.is_some()).count())
    );
    if let (Some(a), Some(b)) = (dates.iter().min(), dates.iter().max()) {
        t.push_str(&if a == b { format!(", {a}") } else { format!(", {a} to {b}") });
    }
    if !doc.settings.filters.is_empty() {
        t.push_str(&format!(" ({})", doc.settings.filters.join(", ")));
    }
    t
}

/// `newsgraph export`: converts a saved `graph.json` or the store into other formats without
/// re-reading the corpus. The style comes from the gazetteer folder when there is one.
pub fn export(source: &GraphSource, common: &Common, opts: &OutputOptions, out_dir: &std::path::Path) -> Result<BuildReport> {
    let doc = match source {
        GraphSource::Graph(graph_json) => {
            let src = std::fs::read_to_string(graph_json).map_err(|e| Error::input(graph_json.display(), e))?;
            crate::export::GraphDoc::parse(&graph_json.display().to_string(), &src)?
        }
        GraphSource::Store(path) => {
            if !path.exists() {
                return Err(Error::input(path.display(), "no store here: run `newsgraph build` first, or name a graph.json"));
            }
            crate::store::graph_doc(&crate::store::Store::open(path)?)?
        }
        GraphSource::Corpus(_) => return Err(Error::usage("export reads a graph.json or a store, not a corpus")),
    };
    let gaz = Some(common.load_gazetteer()?.0);
    let style = match &gaz {
        Some(g) => g.style.clone(),
        None => crate::export::Style::from_table(None),
    };
    // Never over the input: the next export would work on the cut graph.
    if let GraphSource::Graph(input) = source
        && opts.formats.contains(&Format::Json)
        && same_file(input, &out_dir.join("graph.json"))
    {
        return Err(Error::usage(format!(
            "export would write over its input {}; name another folder with -o (e.g. -o {})",
            input.display(),
            out_dir.join("export").display()
        )));
    }
    let doc = resolve_focus(doc, &opts.filters, gaz.as_ref())?;
    let opts = match &gaz {
        Some(g) => with_sources_left_out(opts, g),
        None => opts.clone(),
    };
    let mut report = BuildReport::default();
    write_outputs(&doc, &style, &opts, out_dir, &common.timings, &mut report)?;
    Ok(report)
}

/// Whether two paths name one existing file.
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(a), Ok(b)) if a == b)
}
