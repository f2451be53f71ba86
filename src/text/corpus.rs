//! Reading the inputs as documents, one at a time: files, folders, JSON Lines, standard input
//! and `manifest.json`, with the damaged-input policies.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::page::{Page, feed_documents};
use super::warc::{Archive, is_warc};
use super::{Document, Meta};
use crate::date::Date;
use crate::error::{Error, Result};

/// How to treat damaged input.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// Reject invalid UTF-8 (exit 2) instead of decoding it lossily with a warning.
    pub strict: bool,
    /// Skip malformed JSON Lines records (counted and reported) instead of stopping.
    pub keep_going: bool,
    /// Read standard input (`-`) as JSON Lines records rather than as one document.
    pub stdin_jsonl: bool,
    /// How to read standard input and the files named one by one (`Auto`: files by their
    /// extension, standard input by its first character).
    pub format: InputFormat,
}

/// How an input is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InputFormat {
    /// Files by their extension (`.jsonl`/`.ndjson` JSON Lines, `.json` JSON, others text);
    /// standard input as JSON Lines when it starts with `{`, JSON when with `[`, else text.
    #[default]
    Auto,
    /// One plain-text document.
    Text,
    /// JSON Lines records, one per line.
    Jsonl,
    /// One JSON record, or an array of them (ours or news-please's).
    Json,
}

pub(super) enum Source {
    Stdin,
    StdinJsonl,
    Text { path: PathBuf, meta: Meta },
    Jsonl(PathBuf),
    Json(PathBuf),
    Feed(PathBuf),
    Html(PathBuf),
    Warc(PathBuf),
}

/// What the reader hands out: a document, or a web page whose article is still to be found
/// ([`Page::document`], run on the analysis's workers).
pub enum Item {
    /// A document ready for analysis.
    Document(Document),
    /// A web page (a file or a WARC record).
    Page(Page),
}

impl Item {
    /// The bytes it holds (what a batch is measured by).
    pub fn bytes(&self) -> usize {
        match self {
            Item::Document(d) => d.text.len(),
            Item::Page(p) => p.html.len(),
        }
    }

    /// The document, extracting a page's article; `Err` names the page and why it has none.
    pub fn into_document(self) -> std::result::Result<Document, String> {
        match self {
            Item::Document(d) => Ok(d),
            Item::Page(p) => p.document().map_err(|why| format!("{}: {why}", p.path)),
        }
    }
}

pub(super) struct JsonlReader {
    pub(super) path: PathBuf,
    pub(super) reader: Box<dyn std::io::BufRead + Send>,
    pub(super) line: usize,
}

/// The documents of a set of inputs, read one at a time: files and folders (recursively:
/// text, JSON Lines, JSON, web pages, WARC archives, feeds), and `-` for standard input.
///
/// Memory holds one document (a JSON Lines record, a WARC record) at a time, not the corpus. Damaged
/// input follows [`ReadOptions`]: binary files (a NUL byte in the first 8 KiB) and empty files
/// are skipped with a warning; a byte-order mark is dropped; invalid UTF-8 is decoded lossily
/// with a warning naming the byte offset (an error under `strict`); a malformed JSON Lines
/// record is an error naming file and line (skipped and counted under `keep_going`). Two
/// documents with one id are an error naming both places.
pub struct Corpus {
    pub(super) sources: std::vec::IntoIter<Source>,
    pub(super) jsonl: Option<JsonlReader>,
    pub(super) options: ReadOptions,
    pub(super) ids: std::collections::HashMap<String, String>,
    pub(super) warnings: Vec<String>,
    pub(super) skipped_records: usize,
    /// Documents of a JSON file read, waiting to be handed out.
    pub(super) pending: std::collections::VecDeque<Result<Document>>,
    /// The WARC archive being read.
    pub(super) archive: Option<Archive>,
    /// Pages without article text found by `next` (the batches count theirs themselves).
    pages_without_text: Vec<String>,
}

impl Corpus {
    /// Finds the documents of `inputs` (nothing is read yet but manifests). Fails on a
    /// missing or unreadable path.
    pub fn open(inputs: &[PathBuf], options: ReadOptions) -> Result<Corpus> {
        let mut sources = Vec::new();
        let mut warnings = Vec::new();
        for input in inputs {
            if input.as_os_str() == "-" {
                sources.push(match options.format {
                    InputFormat::Jsonl => Source::StdinJsonl,
                    InputFormat::Auto if options.stdin_jsonl => Source::StdinJsonl,
                    _ => Source::Stdin,
                });
                continue;
            }
            let meta = std::fs::metadata(input).map_err(|e| Error::input(input.display(), e))?;
            if meta.is_dir() {
                let (files, others) = walk(input)?;
                if files.is_empty() {
                    warnings.push(format!(
                        "warning: {}: no .txt, .md, .html, .json, .jsonl, .ndjson, .rss, .atom, .xml or .warc(.gz) files in this folder",
                        input.display()
                    ));
                }
                if !others.is_empty() {
                    let names: Vec<String> = others.iter().take(5).map(|p| p.strip_prefix(input).unwrap_or(p).display().to_string()).collect();
                    let more = if others.len() > 5 { format!(" and {} more", others.len() - 5) } else { String::new() };
                    warnings.push(format!(
                        "warning: {}: {} files of types newsgraph does not read were skipped: {}{more}",
                        input.display(),
                        others.len(),
                        names.join(", ")
                    ));
                }
                let mut manifests: BTreeMap<PathBuf, BTreeMap<String, Meta>> = BTreeMap::new();
                // newsgraph's own graph.json (an output folder inside the input folder) is not
                // an article.
                let (outputs, files): (Vec<PathBuf>, Vec<PathBuf>) =
                    files.into_iter().partition(|f| f.extension().is_some_and(|e| e == "json") && newsgraph_output(f).is_some());
                if !outputs.is_empty() {
                    let names: Vec<String> = outputs.iter().map(|p| p.strip_prefix(input).unwrap_or(p).display().to_string()).collect();
                    warnings.push(format!("warning: {}: newsgraph outputs skipped: {}", input.display(), names.join(", ")));
                }
                for f in files {
                    let parent = f.parent().unwrap_or(Path::new(".")).to_path_buf();
                    if !manifests.contains_key(&parent) {
                        let m = parent.join("manifest.json");
                        manifests.insert(parent.clone(), if m.is_file() { read_manifest(&m)? } else { BTreeMap::new() });
                    }
                    sources.push(source_for(f, &manifests[&parent]));
                }
            } else {
                if let Some(what) = newsgraph_output(input) {
                    return Err(Error::input(input.display(), format!("this is {what}, not an article")));
                }
                let manifest = input.parent().map(|p| p.join("manifest.json")).filter(|m| m.is_file());
                let entries = match manifest {
                    Some(m) => read_manifest(&m)?,
                    None => BTreeMap::new(),
                };
                sources.push(match options.format {
                    InputFormat::Auto => source_for(input.clone(), &entries),
                    InputFormat::Text => Source::Text { path: input.clone(), meta: source_meta(input, &entries) },
                    InputFormat::Jsonl => Source::Jsonl(input.clone()),
                    InputFormat::Json => Source::Json(input.clone()),
                });
            }
        }
        Ok(Corpus {
            sources: sources.into_iter(),
            jsonl: None,
            options,
            ids: Default::default(),
            warnings,
            skipped_records: 0,
            pending: Default::default(),
            archive: None,
            pages_without_text: Vec::new(),
        })
    }

    /// Warnings so far (skipped files, lossy decoding, skipped records).
    pub fn warnings(&self) -> Vec<String> {
        let mut w = self.warnings.clone();
        w.extend(pages_without_text(&self.pages_without_text));
        if self.skipped_records > 0 {
            w.push(format!("warning: skipped {} malformed JSON Lines records (--keep-going)", self.skipped_records));
        }
        w
    }

    /// Records a document's id, read at `path`: an error naming both places when another
    /// document has it.
    fn claim(&mut self, id: &str, path: &str) -> Result<()> {
        match self.ids.insert(id.to_string(), path.to_string()) {
            Some(first) => Err(Error::input(path, format!("document id {id:?} is also used by {first}"))),
            None => Ok(()),
        }
    }

    pub(super) fn claim_id(&mut self, doc: Document) -> Result<Document> {
        self.claim(&doc.id, &doc.path).map(|()| doc)
    }

    fn claim_page(&mut self, page: Page) -> Result<Item> {
        self.claim(&page.id, &page.path).map(|()| Item::Page(page))
    }

    pub(super) fn next_record(&mut self) -> Option<Result<Document>> {
        loop {
            let r = self.jsonl.as_mut()?;
            let mut buf = Vec::new();
            match std::io::BufRead::read_until(&mut r.reader, b'\n', &mut buf) {
                Err(e) => return Some(Err(Error::input(r.path.display(), e))),
                Ok(0) => {
                    self.jsonl = None;
                    return None;
                }
                Ok(_) => {}
            }
            r.line += 1;
            let place = format!("{}:{}", r.path.display(), r.line);
            if r.line == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
                buf.drain(..3);
            }
            let line = match String::from_utf8(buf) {
                Ok(s) => s,
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    if self.options.strict {
                        return Some(Err(Error::input(&place, format!("invalid UTF-8 at byte {at} of the line"))));
                    }
                    self.warnings.push(format!("warning: {place}: invalid UTF-8 at byte {at} of the line, decoded lossily"));
                    String::from_utf8_lossy(e.as_bytes()).into_owned()
                }
            };
            if line.trim().is_empty() {
                continue;
            }
            match parse_record(&line, &place) {
                Ok(doc) => return Some(self.claim_id(doc)),
                Err(e) if self.options.keep_going => {
                    if self.skipped_records < 5 {
                        self.warnings.push(format!("warning: skipped {e}"));
                    }
                    self.skipped_records += 1;
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// A file's bytes; `None` (with a warning) when its first block is binary, which is not
    /// read further.
    fn read_file(&mut self, path: &Path) -> Result<Option<Vec<u8>>> {
        match read_unless_binary(path) {
            Ok(Some(b)) => Ok(Some(b)),
            Ok(None) => {
                self.warnings.push(format!("warning: {}: binary file (NUL bytes), skipped", path.display()));
                Ok(None)
            }
            Err(e) => Err(Error::input(path.display(), e)),
        }
    }

    /// Text of a file whose first block is not binary (its reader checked): `None` (with a
    /// warning) for an empty one unless `allow_empty` (standard input: one record per run,
    /// even an empty one).
    pub(super) fn decode(&mut self, name: &str, mut bytes: Vec<u8>, allow_empty: bool) -> Result<Option<String>> {
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        if !allow_empty && bytes.iter().all(u8::is_ascii_whitespace) {
            self.warnings.push(format!("warning: {name}: empty, skipped"));
            return Ok(None);
        }
        match String::from_utf8(bytes) {
            Ok(s) => Ok(Some(s)),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                if self.options.strict {
                    return Err(Error::input(name, format!("invalid UTF-8 at byte {at}")));
                }
                self.warnings.push(format!("warning: {name}: invalid UTF-8 at byte {at}, decoded lossily"));
                Ok(Some(String::from_utf8_lossy(e.as_bytes()).into_owned()))
            }
        }
    }
}

impl Iterator for Corpus {
    type Item = Result<Document>;

    /// The next document, a page's article found here (the batches find theirs on workers).
    fn next(&mut self) -> Option<Result<Document>> {
        loop {
            match self.next_item()? {
                Ok(item) => match item.into_document() {
                    Ok(doc) => return Some(Ok(doc)),
                    Err(page) => self.pages_without_text.push(page),
                },
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// The warnings for pages that gave no document (each "path: why"): each named, up to five,
/// then a count.
pub fn pages_without_text(pages: &[String]) -> Vec<String> {
    let mut w: Vec<String> = pages.iter().take(5).map(|p| format!("warning: {p}, skipped")).collect();
    if pages.len() > 5 {
        w.push(format!("warning: {} more pages without article text were skipped", pages.len() - 5));
    }
    w
}

impl Corpus {
    /// The next item: a document, or a page to extract. Ids are checked here (a page's is
    /// known before its text).
    pub fn next_item(&mut self) -> Option<Result<Item>> {
        let doc = |d: Result<Document>| Some(d.map(Item::Document));
        loop {
            if let Some(d) = self.pending.pop_front() {
                return doc(d.and_then(|d| self.claim_id(d)));
            }
            if self.jsonl.is_some() {
                if let Some(r) = self.next_record() {
                    return doc(r);
                }
                continue;
            }
            if let Some(archive) = self.archive.as_mut() {
                match archive.next() {
                    Some(Ok(page)) => return Some(self.claim_page(page)),
                    Some(Err(e)) => return Some(Err(e)),
                    None => {
                        let done = self.archive.take().expect("an archive is being read");
                        self.warnings.extend(done.report());
                        continue;
                    }
                }
            }
            match self.sources.next()? {
                Source::Stdin => {
                    let mut stdin = std::io::stdin();
                    let mut bytes = match first_block(&mut stdin) {
                        Ok(b) => b,
                        Err(e) => return Some(Err(Error::input("-", e))),
                    };
                    if is_binary(&bytes) {
                        self.warnings.push("warning: -: binary input (NUL bytes in its first block), not read further".into());
                        continue;
                    }
                    let first = bytes.iter().find(|b| !b.is_ascii_whitespace() && **b != 0xEF && **b != 0xBB && **b != 0xBF).copied();
                    let format = match self.options.format {
                        InputFormat::Auto if first == Some(b'{') => InputFormat::Jsonl,
                        InputFormat::Auto if first == Some(b'[') => InputFormat::Json,
                        f => f,
                    };
                    if format == InputFormat::Jsonl {
                        let reader = Box::new(std::io::BufReader::with_capacity(1 << 20, std::io::Cursor::new(bytes).chain(stdin)));
                        self.jsonl = Some(JsonlReader { path: PathBuf::from("-"), reader, line: 0 });
                        continue;
                    }
                    if let Err(e) = stdin.read_to_end(&mut bytes) {
                        return Some(Err(Error::input("-", e)));
                    }
                    if format == InputFormat::Json {
                        self.pending.extend(json_documents(&bytes, "-", None));
                        continue;
                    }
                    match self.decode("-", bytes, true) {
                        Ok(Some(text)) => {
                            let mut meta = Meta::default();
                            meta_from_text(&text, &mut meta);
                            return doc(self.claim_id(Document { id: "stdin".into(), path: "-".into(), text, meta }));
                        }
                        Ok(None) => continue,
                        Err(e) => return Some(Err(e)),
                    }
                }
                Source::Text { path, mut meta } => {
                    let bytes = match self.read_file(&path) {
                        Ok(Some(b)) => b,
                        Ok(None) => continue,
                        Err(e) => return Some(Err(e)),
                    };
                    match self.decode(&path.display().to_string(), bytes, false) {
                        Ok(Some(text)) => {
                            meta_from_text(&text, &mut meta);
                            if meta.published.is_none()
                                && let Some(d) = super::dateline(&text)
                            {
                                meta.published = d.date(file_year(&path));
                            }
                            let id = path.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                            return doc(self.claim_id(Document { id, path: path.display().to_string(), text, meta }));
                        }
                        Ok(None) => continue,
                        Err(e) => return Some(Err(e)),
                    }
                }
                Source::StdinJsonl => {
                    let reader = Box::new(std::io::BufReader::with_capacity(1 << 20, std::io::stdin()));
                    self.jsonl = Some(JsonlReader { path: PathBuf::from("-"), reader, line: 0 });
                }
                Source::Json(path) => {
                    let bytes = match self.read_file(&path) {
                        Ok(Some(b)) => b,
                        Ok(None) => continue,
                        Err(e) => return Some(Err(e)),
                    };
                    let stem = path.file_stem().map(|n| n.to_string_lossy().into_owned());
                    self.pending.extend(json_documents(&bytes, &path.display().to_string(), stem));
                }
                Source::Feed(path) => {
                    let bytes = match self.read_file(&path) {
                        Ok(Some(b)) => b,
                        Ok(None) => continue,
                        Err(e) => return Some(Err(e)),
                    };
                    match feed_documents(&bytes, &path) {
                        Ok(docs) => self.pending.extend(docs.into_iter().map(Ok)),
                        Err(e) => self.warnings.push(format!("warning: {}: not an RSS or Atom feed ({e}), skipped", path.display())),
                    }
                }
                Source::Html(path) => {
                    let bytes = match self.read_file(&path) {
                        Ok(Some(b)) => b,
                        Ok(None) => continue,
                        Err(e) => return Some(Err(e)),
                    };
                    return Some(self.claim_page(Page::from_file(bytes, &path)));
                }
                Source::Warc(path) => match Archive::open(&path, self.options.strict) {
                    Ok(a) => self.archive = Some(a),
                    Err(e) => return Some(Err(e)),
                },
                Source::Jsonl(path) => match std::fs::File::open(&path) {
                    Ok(f) => self.jsonl = Some(JsonlReader { path, reader: Box::new(std::io::BufReader::with_capacity(1 << 20, f)), line: 0 }),
                    Err(e) => return Some(Err(Error::input(path.display(), e))),
                },
            }
        }
    }
}

/// What newsgraph output the file at `path` is, from its first bytes: a store (an SQLite
/// database) or a `graph.json`; `None` for anything else.
fn newsgraph_output(path: &Path) -> Option<&'static str> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path).and_then(|f| f.take(4096).read_to_end(&mut head)).ok()?;
    if head.starts_with(b"SQLite format 3\0") {
        return Some("an SQLite database (a newsgraph store is read by compare, explain and export with --db)");
    }
    let text = String::from_utf8_lossy(&head);
    (text.trim_start().starts_with('{') && text.contains("\"schema\": \"newsgraph.graph/"))
        .then_some("a newsgraph graph.json (export and compare read it with --graph)")
}

pub(super) fn source_for(path: PathBuf, manifest: &BTreeMap<String, Meta>) -> Source {
    if is_warc(&path) {
        return Source::Warc(path);
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("jsonl" | "ndjson") => Source::Jsonl(path),
        Some("json") => Source::Json(path),
        Some("rss" | "atom" | "xml") => Source::Feed(path),
        Some("html" | "htm") => Source::Html(path),
        _ => {
            let meta = source_meta(&path, manifest);
            Source::Text { path, meta }
        }
    }
}

/// A text file's metadata from its folder's manifest.
fn source_meta(path: &Path, manifest: &BTreeMap<String, Meta>) -> Meta {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    manifest.get(&name).cloned().unwrap_or_default()
}

/// Input files by extension: the kinds read.
const READ: [&str; 11] = ["txt", "md", "jsonl", "ndjson", "json", "rss", "atom", "xml", "html", "htm", "warc"];

/// The files below a folder that are read (by [`READ`] and `.warc.gz`, but `manifest.json`),
/// sorted, and the others (not hidden), to be named in one warning; symlink
/// loops are followed once.
pub(super) fn walk(dir: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let visible = |p: &Path, _: bool| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
    let all = crate::files::walk(dir, visible, |d, e| Error::input(d.display(), e))?;
    let read = |p: &PathBuf| {
        (is_warc(p) || p.extension().and_then(|e| e.to_str()).is_some_and(|e| READ.contains(&e))) && p.file_name().is_some_and(|n| n != "manifest.json")
    };
    let (files, others): (Vec<PathBuf>, Vec<PathBuf>) = all.into_iter().partition(read);
    let others = others.into_iter().filter(|p| p.file_name().is_some_and(|n| n != "manifest.json")).collect();
    Ok((files, others))
}

/// The year a file was last modified (UTC), for a dateline's day when nothing else gives a
/// year.
fn file_year(path: &Path) -> Option<u16> {
    let secs = std::fs::metadata(path).ok()?.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    // Days since 1970-01-01 to a civil year (Howard Hinnant's days_from_civil, inverted).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let year = yoe + era * 400 + i64::from(mp >= 10);
    u16::try_from(year).ok()
}

/// Up to the first 8 KiB of `r` (fewer only at its end).
fn first_block(r: &mut dyn Read) -> std::io::Result<Vec<u8>> {
    let mut block = Vec::with_capacity(8192);
    r.take(8192).read_to_end(&mut block)?;
    Ok(block)
}

/// Whether a first block is binary: a NUL byte in it.
fn is_binary(block: &[u8]) -> bool {
    block.contains(&0)
}

/// A file's bytes, or `None` when its first block is binary: such a file is not read further
/// (a 500 MB file of NUL bytes costs 8 KiB, and `/dev/zero` ends).
fn read_unless_binary(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let mut f = std::fs::File::open(path)?;
    let mut bytes = first_block(&mut f)?;
    if is_binary(&bytes) {
        return Ok(None);
    }
    f.read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

/// The documents of a JSON input: one record (ours, or a news-please article, whose id is
/// `stem` when it has none), or an array of them. Errors name the input and the item.
fn json_documents(bytes: &[u8], name: &str, stem: Option<String>) -> Vec<Result<Document>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let v: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return vec![Err(Error::input(format!("{name}:{}:{}", e.line(), e.column()), e))],
    };
    match v {
        serde_json::Value::Array(items) => items.into_iter().enumerate().map(|(i, item)| record_of(item, &format!("{name}: item {}", i + 1), None)).collect(),
        item => vec![record_of(item, name, stem)],
    }
}

/// Reads every input into memory, sorted by id (small corpora, tests and `explain`).
pub fn read_inputs(inputs: &[PathBuf]) -> Result<Vec<Document>> {
    let mut docs = Corpus::open(inputs, ReadOptions::default())?.collect::<Result<Vec<_>>>()?;
    docs.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(docs)
}

pub(super) fn opt_string(v: Option<&serde_json::Value>) -> Option<String> {
    v.and_then(|v| v.as_str()).map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

/// Reads a `manifest.json`: `{"documents": [{"file", "title", "outlet", "url", "published"}]}`.
pub(super) fn read_manifest(path: &Path) -> Result<BTreeMap<String, Meta>> {
    let src = std::fs::read_to_string(path).map_err(|e| Error::input(path.display(), e))?;
    let v: serde_json::Value = serde_json::from_str(&src).map_err(|e| Error::input(format!("{}:{}:{}", path.display(), e.line(), e.column()), e))?;
    let mut out = BTreeMap::new();
    let Some(list) = v.get("documents").and_then(|d| d.as_array()) else {
        return Err(Error::input(path.display(), "manifest has no \"documents\" list"));
    };
    for (i, d) in list.iter().enumerate() {
        let Some(file) = opt_string(d.get("file")) else {
            return Err(Error::input(path.display(), format!("documents[{i}] has no \"file\"")));
        };
        let published = match opt_string(d.get("published")) {
            Some(s) => Some(s.parse::<Date>().map_err(|e| Error::input(path.display(), format!("documents[{i}]: {e}")))?),
            None => None,
        };
        out.insert(
            file,
            Meta { title: opt_string(d.get("title")), outlet: opt_string(d.get("outlet")), url: opt_string(d.get("url")), published, ..Default::default() },
        );
    }
    Ok(out)
}

/// Parses one JSON Lines record: `{"id","text","title","outlet","url","published"}`; `place`
/// (`file:line`) names it in errors.
pub fn parse_record(line: &str, place: &str) -> Result<Document> {
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| Error::input(place, e))?;
    record_of(v, place, None)
}

/// A document from one JSON record: ours (`id`, `text`, `title`, `outlet`, `url`,
/// `published`, `path`) or news-please's (`maintext`, `title`, `source_domain`, `url`,
/// `date_publish`; its id is `fallback_id`, the file's name, else its `url`).
fn record_of(v: serde_json::Value, place: &str, fallback_id: Option<String>) -> Result<Document> {
    let serde_json::Value::Object(mut v) = v else {
        return Err(Error::input(place, "record is not a JSON object"));
    };
    let id = match v.get("id") {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => match fallback_id.or_else(|| v.contains_key("maintext").then(|| opt_string(v.get("url"))).flatten()) {
            Some(id) => id,
            None => return Err(Error::input(place, "record has no \"id\" (a string or number)")),
        },
    };
    // Taken out of the record, not copied: it is most of the record's bytes.
    let mut text = match v.remove("text").or_else(|| v.remove("maintext")) {
        Some(serde_json::Value::String(t)) => t,
        _ => return Err(Error::input(place, "record has no \"text\" string (nor news-please's \"maintext\")")),
    };
    // news-please writes "2021-02-01 12:00:00"; the day is what is kept.
    let published = match opt_string(v.get("published")).or_else(|| opt_string(v.get("date_publish"))) {
        Some(s) => Some(s.get(..10).unwrap_or(&s).parse::<Date>().map_err(|e| Error::input(place, e))?),
        None => None,
    };
    let outlet = opt_string(v.get("outlet")).or_else(|| opt_string(v.get("source_domain")));
    let mut meta = Meta { title: opt_string(v.get("title")), outlet, url: opt_string(v.get("url")), published, ..Default::default() };
    meta_from_text(&text, &mut meta);
    if text.starts_with('\u{FEFF}') {
        text.drain(..'\u{FEFF}'.len_utf8());
    }
    // A record may say where it came from (a sharded job keeps the original file and line).
    let path = opt_string(v.get("path")).unwrap_or_else(|| place.to_string());
    Ok(Document { id, path, text, meta })
}

/// Fills metadata the text states itself, where nothing better is known: "Original URL:",
/// "Source:", "originally appeared in ...", and the first line as the title.
pub fn meta_from_text(text: &str, meta: &mut Meta) {
    // A dateline gives the provider, the place and (with a year from the URL) the date.
    if let Some(d) = super::dateline(text) {
        if meta.published.is_none() {
            meta.published = d.date(meta.url.as_deref().and_then(super::url_year));
        }
        meta.provider = meta.provider.take().or(d.provider);
        meta.place = Some(d.place);
    }
    // Most texts say none of these: a search of the whole text for each marker spares a look
    // at every line.
    let appeared = text.contains("originally appeared");
    let url_marked = meta.url.is_none() && (text.contains("Original URL:") || text.contains("Source URL:"));
    let outlet_marked = meta.outlet.is_none() && (appeared || text.contains("Source:"));
    if url_marked || outlet_marked {
        for line in text.lines().map(str::trim) {
            if meta.url.is_none()
                && let Some(rest) = line.strip_prefix("Original URL:").or_else(|| line.strip_prefix("Source URL:"))
            {
                let url = rest.trim();
                if url.starts_with("http") {
                    meta.url = Some(url.to_string());
                }
            }
            if meta.outlet.is_none() {
                let found = line
                    .strip_prefix("Source:")
                    .or_else(|| appeared.then(|| line.find("originally appeared in")).flatten().map(|i| &line[i + "originally appeared in".len()..]))
                    .or_else(|| appeared.then(|| line.find("originally appeared on")).flatten().map(|i| &line[i + "originally appeared on".len()..]));
                if let Some(rest) = found {
                    let outlet = rest.trim().trim_end_matches('.').trim();
                    if !outlet.is_empty() && outlet.len() < 80 {
                        meta.outlet = Some(outlet.to_string());
                    }
                }
            }
        }
    }
    if meta.title.is_none() {
        meta.title = text.lines().map(str::trim).find(|l| !l.is_empty()).filter(|l| l.len() <= 200).map(String::from);
    }
}
