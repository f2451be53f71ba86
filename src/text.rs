//! Documents and their text: reading inputs, metadata, boilerplate, repeats and sentences.
//!
//! The text of a document is never rewritten: everything here describes it by byte ranges
//! (paragraphs kept, sentences), so every later span points into the text as read.

use std::collections::BTreeMap;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashSet;

use sha2::{Digest, Sha256};

use crate::date::Date;
use crate::error::{Error, Result};
use crate::gazetteer::TextRules;

/// What is known about a document besides its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// Headline.
    pub title: Option<String>,
    /// Publication (outlet) name.
    pub outlet: Option<String>,
    /// Where it was published.
    pub url: Option<String>,
    /// Publication date; role phrases resolve against it.
    pub published: Option<Date>,
}

/// One input document.
#[derive(Debug, Clone)]
pub struct Document {
    /// Stable id: the file stem, or the JSON Lines `id`.
    pub id: String,
    /// Where it was read from (`path`, `path:line` for JSON Lines, `-` for stdin).
    pub path: String,
    /// The text as read.
    pub text: String,
    /// Metadata from a manifest, the JSON Lines record or the text itself.
    pub meta: Meta,
}

impl Document {
    /// `sha256` hex digest of the text.
    pub fn sha256(&self) -> String {
        crate::hex(&Sha256::digest(self.text.as_bytes()))
    }
}

/// A sentence: a byte range of the document text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte range in the document text.
    pub span: Range<usize>,
    /// Index of its paragraph in [`Layout::paragraphs`].
    pub paragraph: usize,
    /// Whether it starts inside a quotation.
    pub quoted: bool,
}

/// How a document's text divides into what is read and what is not.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Paragraphs that are read (each a line of text, trimmed), in order.
    pub paragraphs: Vec<Range<usize>>,
    /// Sentences of the kept paragraphs, in order; together they cover every kept paragraph.
    pub sentences: Vec<Sentence>,
    /// Paragraphs skipped because the same words stood earlier in the document.
    pub repeated: usize,
    /// Byte offset where trailing boilerplate starts, if any was cut.
    pub tail_from: Option<usize>,
}

/// A marker line as compared: trimmed of spaces and trailing punctuation, lowercased.
pub(crate) fn marker_key(line: &str) -> String {
    let mut key = String::new();
    marker_key_into(line, &mut key);
    key
}

/// [`marker_key`] into a reused buffer (no allocation for an ASCII line).
fn marker_key_into(line: &str, key: &mut String) {
    let trimmed = line.trim().trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
    key.clear();
    if trimmed.is_ascii() {
        key.push_str(trimmed);
        key.make_ascii_lowercase();
    } else if trimmed.contains('Σ') {
        // str's own lowercase (a final sigma differs from a char-by-char one).
        key.push_str(&trimmed.to_lowercase());
    } else {
        // ASCII runs lowercased in place, other chars one by one.
        let mut rest = trimmed;
        while !rest.is_empty() {
            let n = rest.bytes().position(|b| b >= 0x80).unwrap_or(rest.len());
            let at = key.len();
            key.push_str(&rest[..n]);
            key[at..].make_ascii_lowercase();
            rest = &rest[n..];
            if let Some(c) = rest.chars().next() {
                key.extend(c.to_lowercase());
                rest = &rest[c.len_utf8()..];
            }
        }
    }
}

/// Paragraphs longer than this are read in pieces (cut at a sentence end or a space), so that
/// a 100 MB single-line file is tagged in bounded memory and linear time.
pub const MAX_PARAGRAPH: usize = 64 * 1024;

/// Cuts a long line into pieces of at most [`MAX_PARAGRAPH`] bytes: after the last ". " in the
/// last quarter of the limit, else at the last space, else at a char boundary. A line within
/// the limit is one piece (no allocation: the pieces are made as they are read).
fn pieces(text: &str, range: std::ops::Range<usize>) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = range.start;
    std::iter::from_fn(move || {
        if start >= range.end {
            return None;
        }
        if range.end - start <= MAX_PARAGRAPH {
            return Some(std::mem::replace(&mut start, range.end)..range.end);
        }
        let mut limit = start + MAX_PARAGRAPH;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let window = &text[start..limit];
        let quarter = window.len() * 3 / 4;
        let cut = window[quarter..]
            .rfind(". ")
            .map(|i| start + quarter + i + 2)
            .or_else(|| window.rfind(' ').filter(|&i| i > 0).map(|i| start + i + 1))
            .unwrap_or(limit);
        Some(std::mem::replace(&mut start, cut)..cut)
    })
}

/// Divides a text into paragraphs (lines) and sentences, dropping repeated paragraphs,
/// share-widget lines and the boilerplate tail that `rules` mark.
pub fn layout(text: &str, rules: &TextRules) -> Layout {
    layout_with(text, rules, true)
}

/// [`layout`] without the sentences (`sentences` is left empty): the kept paragraphs, for
/// work such as tagging that does not look at sentences.
pub fn paragraphs(text: &str, rules: &TextRules) -> Layout {
    layout_with(text, rules, false)
}

/// The words of `line` (as `split_whitespace` finds them) separated by single spaces, into
/// `key`: what two paragraphs must share to be repeats. Runs of ASCII words and single spaces
/// are copied eight bytes at a time; `line` must not start or end with white space.
fn words_key(line: &str, key: &mut Vec<u8>) {
    key.clear();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] < 0x80 && !crate::norm::is_ascii_space(b[i]) {
            let j = crate::norm::plain_run_end(line, i, false);
            key.extend_from_slice(&b[i..j]);
            i = j;
            continue;
        }
        let c = crate::norm::char_at(line, i).unwrap_or(' ');
        let n = c.len_utf8();
        if !c.is_whitespace() {
            key.extend_from_slice(&b[i..i + n]);
        } else if key.last().is_some_and(|&l| l != b' ') {
            key.push(b' ');
        }
        i += n;
    }
}

fn layout_with(text: &str, rules: &TextRules, sentences: bool) -> Layout {
    use std::hash::Hasher;
    let keys = rules.keys();
    let (tails, drops, abbreviations) = (&keys.tails, &keys.drops, &keys.abbreviations);
    let mut out = Layout::default();
    // Repeats are found by a hash of the paragraph's words, not by keeping its text.
    let mut seen: FxHashSet<u64> = FxHashSet::default();
    let mut key = String::new();
    let mut words = Vec::new();
    let mut offset = 0;
    for raw_line in text.split_inclusive('\n') {
        let start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let trimmed_start = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let range = start + trimmed_start..start + trimmed_start + trimmed.len();
        if trimmed.len() <= 200 {
            marker_key_into(trimmed, &mut key);
            let key = key.as_str();
            let prefixed = keys.prefixes.iter().any(|p| key.starts_with(p.as_str()));
            if !out.paragraphs.is_empty() && (tails.contains(key) || prefixed) {
                out.tail_from = Some(range.start);
                break;
            }
            if drops.contains(key) {
                continue;
            }
        }
        words_key(trimmed, &mut words);
        let mut hasher = rustc_hash::FxHasher::default();
        hasher.write(&words);
        if !seen.insert(hasher.finish()) {
            out.repeated += 1;
            continue;
        }
        for piece in pieces(text, range) {
            let p = out.paragraphs.len();
            out.paragraphs.push(piece.clone());
            if sentences {
                split_sentences(text, piece, p, abbreviations, &mut out.sentences);
            }
        }
    }
    out
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '\u{201D}' | '\u{2019}' | '\u{00BB}' | ')' | ']')
}

fn is_sentence_start(c: char) -> bool {
    c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '\'' | '\u{201C}' | '\u{2018}' | '\u{00AB}' | '(' | '[' | '\u{2013}' | '\u{2014}' | '-')
}

/// Splits one paragraph into sentences that cover it completely.
///
/// A sentence ends at `.`, `!`, `?` or `…` (with any closing quotes or brackets after it) when
/// white space and a sentence start follow, except after an abbreviation ("Mr.", "U.S."), an
/// initial ("Dmitri S. Peskov") or inside a number ("3.5").
pub fn split_sentences(text: &str, para: Range<usize>, paragraph: usize, abbreviations: &FxHashSet<String>, out: &mut Vec<Sentence>) {
    let s = &text[para.clone()];
    let at = |i: usize| crate::norm::char_at(s, i);
    let ends = |c: char| matches!(c, '.' | '!' | '?' | '\u{2026}');
    let mut start = 0;
    let mut depth: i32 = 0;
    let mut quoted_at_start = false;
    let mut i = 0;
    while let Some(c) = at(i) {
        let n = c.len_utf8();
        match c {
            '\u{201C}' => depth += 1,
            '\u{201D}' => depth = (depth - 1).max(0),
            '"' => {
                // A straight quote opens when it follows a space or starts the text.
                let opens = s[..i].chars().next_back().is_none_or(|p| p.is_whitespace() || p == '(');
                depth = if opens { depth + 1 } else { (depth - 1).max(0) };
            }
            _ => {}
        }
        if ends(c) {
            let mut j = i + n;
            while let Some(d) = at(j).filter(|&d| ends(d) || is_closing(d)) {
                if matches!(d, '\u{201D}' | '"') {
                    depth = (depth - 1).max(0);
                }
                j += d.len_utf8();
            }
            let followed = at(j).is_some_and(char::is_whitespace);
            let mut k = j;
            while let Some(w) = at(k).filter(|w| w.is_whitespace()) {
                k += w.len_utf8();
            }
            let next_starts = at(k).is_some_and(is_sentence_start);
            if followed && next_starts && !(c == '.' && j == i + n && is_abbreviation(s, i, abbreviations)) {
                out.push(Sentence { span: para.start + start..para.start + j, paragraph, quoted: quoted_at_start });
                start = k;
                quoted_at_start = depth > 0;
                i = k;
                continue;
            }
            i = j;
            continue;
        }
        i += n;
    }
    if start < s.len() {
        out.push(Sentence { span: para.start + start..para.end, paragraph, quoted: quoted_at_start });
    }
}

/// Whether the word ending with the period at `dot` is an abbreviation or an initial.
fn is_abbreviation(s: &str, dot: usize, abbreviations: &FxHashSet<String>) -> bool {
    let before = &s[..dot];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '\u{201C}' | '\u{2018}'))
        .map_or(0, |i| i + before[i..].chars().next().map_or(1, char::len_utf8));
    let word = &before[word_start..];
    let mut cs = word.chars();
    if let (Some(c), None) = (cs.next(), cs.next())
        && c.is_uppercase()
    {
        return true; // an initial
    }
    abbreviations.contains(word)
}

/// How to treat damaged input.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// Reject invalid UTF-8 (exit 2) instead of decoding it lossily with a warning.
    pub strict: bool,
    /// Skip malformed JSON Lines records (counted and reported) instead of stopping.
    pub keep_going: bool,
    /// Read standard input (`-`) as JSON Lines records rather than as one document.
    pub stdin_jsonl: bool,
}

enum Source {
    Stdin,
    StdinJsonl,
    Text { path: PathBuf, meta: Meta },
    Jsonl(PathBuf),
}

struct JsonlReader {
    path: PathBuf,
    reader: Box<dyn std::io::BufRead + Send>,
    line: usize,
}

/// The documents of a set of inputs, read one at a time: files and folders (recursively,
/// `.txt`, `.md` and `.jsonl`), and `-` for standard input.
///
/// Memory holds one document (or one JSON Lines record) at a time, not the corpus. Damaged
/// input follows [`ReadOptions`]: binary files (a NUL byte in the first 8 KiB) and empty files
/// are skipped with a warning; a byte-order mark is dropped; invalid UTF-8 is decoded lossily
/// with a warning naming the byte offset (an error under `strict`); a malformed JSON Lines
/// record is an error naming file and line (skipped and counted under `keep_going`). Two
/// documents with one id are an error naming both places.
pub struct Corpus {
    sources: std::vec::IntoIter<Source>,
    jsonl: Option<JsonlReader>,
    options: ReadOptions,
    ids: std::collections::HashMap<String, String>,
    warnings: Vec<String>,
    skipped_records: usize,
}

impl Corpus {
    /// Finds the documents of `inputs` (nothing is read yet but manifests). Fails on a
    /// missing or unreadable path.
    pub fn open(inputs: &[PathBuf], options: ReadOptions) -> Result<Corpus> {
        let mut sources = Vec::new();
        let mut warnings = Vec::new();
        for input in inputs {
            if input.as_os_str() == "-" {
                sources.push(if options.stdin_jsonl { Source::StdinJsonl } else { Source::Stdin });
                continue;
            }
            let meta = std::fs::metadata(input).map_err(|e| Error::input(input.display(), e))?;
            if meta.is_dir() {
                let files = walk(input)?;
                if files.is_empty() {
                    warnings.push(format!("warning: {}: no .txt, .md or .jsonl files in this folder", input.display()));
                }
                let mut manifests: BTreeMap<PathBuf, BTreeMap<String, Meta>> = BTreeMap::new();
                for f in files {
                    let parent = f.parent().unwrap_or(Path::new(".")).to_path_buf();
                    if !manifests.contains_key(&parent) {
                        let m = parent.join("manifest.json");
                        manifests.insert(parent.clone(), if m.is_file() { read_manifest(&m)? } else { BTreeMap::new() });
                    }
                    sources.push(source_for(f, &manifests[&parent]));
                }
            } else {
                let manifest = input.parent().map(|p| p.join("manifest.json")).filter(|m| m.is_file());
                let entries = match manifest {
                    Some(m) => read_manifest(&m)?,
                    None => BTreeMap::new(),
                };
                sources.push(source_for(input.clone(), &entries));
            }
        }
        Ok(Corpus { sources: sources.into_iter(), jsonl: None, options, ids: Default::default(), warnings, skipped_records: 0 })
    }

    /// Warnings so far (skipped files, lossy decoding, skipped records).
    pub fn warnings(&self) -> Vec<String> {
        let mut w = self.warnings.clone();
        if self.skipped_records > 0 {
            w.push(format!("warning: skipped {} malformed JSON Lines records (--keep-going)", self.skipped_records));
        }
        w
    }

    fn claim_id(&mut self, doc: Document) -> Result<Document> {
        if let Some(first) = self.ids.insert(doc.id.clone(), doc.path.clone()) {
            return Err(Error::input(&doc.path, format!("document id {:?} is also used by {first}", doc.id)));
        }
        Ok(doc)
    }

    fn next_record(&mut self) -> Option<Result<Document>> {
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

    /// Text of a file: `None` (with a warning) for binary files, and for empty ones unless
    /// `allow_empty` (standard input: one record per run, even an empty one).
    fn decode(&mut self, name: &str, mut bytes: Vec<u8>, allow_empty: bool) -> Result<Option<String>> {
        if bytes[..bytes.len().min(8192)].contains(&0) {
            self.warnings.push(format!("warning: {name}: binary file (NUL bytes), skipped"));
            return Ok(None);
        }
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

    fn next(&mut self) -> Option<Result<Document>> {
        loop {
            if self.jsonl.is_some() {
                if let Some(r) = self.next_record() {
                    return Some(r);
                }
                continue;
            }
            match self.sources.next()? {
                Source::Stdin => {
                    let mut bytes = Vec::new();
                    if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
                        return Some(Err(Error::input("-", e)));
                    }
                    match self.decode("-", bytes, true) {
                        Ok(Some(text)) => {
                            let mut meta = Meta::default();
                            meta_from_text(&text, &mut meta);
                            return Some(self.claim_id(Document { id: "stdin".into(), path: "-".into(), text, meta }));
                        }
                        Ok(None) => continue,
                        Err(e) => return Some(Err(e)),
                    }
                }
                Source::Text { path, mut meta } => {
                    let bytes = match std::fs::read(&path) {
                        Ok(b) => b,
                        Err(e) => return Some(Err(Error::input(path.display(), e))),
                    };
                    match self.decode(&path.display().to_string(), bytes, false) {
                        Ok(Some(text)) => {
                            meta_from_text(&text, &mut meta);
                            let id = path.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                            return Some(self.claim_id(Document { id, path: path.display().to_string(), text, meta }));
                        }
                        Ok(None) => continue,
                        Err(e) => return Some(Err(e)),
                    }
                }
                Source::StdinJsonl => {
                    let reader = Box::new(std::io::BufReader::with_capacity(1 << 20, std::io::stdin()));
                    self.jsonl = Some(JsonlReader { path: PathBuf::from("-"), reader, line: 0 });
                }
                Source::Jsonl(path) => match std::fs::File::open(&path) {
                    Ok(f) => self.jsonl = Some(JsonlReader { path, reader: Box::new(std::io::BufReader::with_capacity(1 << 20, f)), line: 0 }),
                    Err(e) => return Some(Err(Error::input(path.display(), e))),
                },
            }
        }
    }
}

fn source_for(path: PathBuf, manifest: &BTreeMap<String, Meta>) -> Source {
    if path.extension().is_some_and(|e| e == "jsonl") {
        return Source::Jsonl(path);
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let meta = manifest.get(&name).cloned().unwrap_or_default();
    Source::Text { path, meta }
}

/// The `.txt`, `.md` and `.jsonl` files below a folder, sorted; symlink loops are followed once.
fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let keep = |p: &Path, is_dir: bool| is_dir || p.extension().is_some_and(|e| e == "txt" || e == "md" || e == "jsonl");
    crate::files::walk(dir, keep, |d, e| Error::input(d.display(), e))
}

/// Reads every input into memory, sorted by id (small corpora, tests and `explain`).
pub fn read_inputs(inputs: &[PathBuf]) -> Result<Vec<Document>> {
    let mut docs = Corpus::open(inputs, ReadOptions::default())?.collect::<Result<Vec<_>>>()?;
    docs.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(docs)
}

fn opt_string(v: Option<&serde_json::Value>) -> Option<String> {
    v.and_then(|v| v.as_str()).map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

/// Reads a `manifest.json`: `{"documents": [{"file", "title", "outlet", "url", "published"}]}`.
fn read_manifest(path: &Path) -> Result<BTreeMap<String, Meta>> {
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
        out.insert(file, Meta { title: opt_string(d.get("title")), outlet: opt_string(d.get("outlet")), url: opt_string(d.get("url")), published });
    }
    Ok(out)
}

/// Parses one JSON Lines record: `{"id","text","title","outlet","url","published"}`; `place`
/// (`file:line`) names it in errors.
pub fn parse_record(line: &str, place: &str) -> Result<Document> {
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| Error::input(place, e))?;
    let serde_json::Value::Object(mut v) = v else {
        return Err(Error::input(place, "record is not a JSON object"));
    };
    let id = match v.get("id") {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => return Err(Error::input(place, "record has no \"id\" (a string or number)")),
    };
    // Taken out of the record, not copied: it is most of the record's bytes.
    let Some(serde_json::Value::String(mut text)) = v.remove("text") else {
        return Err(Error::input(place, "record has no \"text\" string"));
    };
    let published = match opt_string(v.get("published")) {
        Some(s) => Some(s.parse::<Date>().map_err(|e| Error::input(place, e))?),
        None => None,
    };
    let mut meta = Meta { title: opt_string(v.get("title")), outlet: opt_string(v.get("outlet")), url: opt_string(v.get("url")), published };
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

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A paragraph's repeat key holds exactly the words `split_whitespace` finds.
        #[test]
        fn words_key_holds_the_words(line in "[a-zA-Z.,’é\u{1}\u{b}\u{c}\u{a0}\u{3000}\u{85} \t\r]{0,40}") {
            let line = line.trim();
            let mut key = Vec::new();
            words_key(line, &mut key);
            let want: Vec<u8> = line.split_whitespace().collect::<Vec<_>>().join(" ").into_bytes();
            proptest::prop_assert_eq!(key, want);
        }

        /// Lowercasing char by char agrees with `str::to_lowercase` where it is used.
        #[test]
        fn marker_keys_lowercase_as_str_does(line in "[a-zA-ZİΣσΑÉé’ .!]{0,30}") {
            let trimmed = line.trim().trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
            proptest::prop_assert_eq!(marker_key(&line), trimmed.to_lowercase());
        }
    }

    fn rules() -> TextRules {
        crate::gazetteer::Gazetteer::from_toml("t.toml", "").unwrap().text
    }

    /// The sentence splitter as first written (a `Vec` of chars): the reference for the
    /// byte-walking [`split_sentences`].
    fn reference_split(text: &str, para: Range<usize>, abbreviations: &FxHashSet<String>) -> Vec<(Range<usize>, bool)> {
        let mut out = Vec::new();
        let s = &text[para.clone()];
        let chars: Vec<(usize, char)> = s.char_indices().collect();
        let (mut start, mut depth, mut i, mut quoted) = (0, 0i32, 0, false);
        while i < chars.len() {
            let (off, c) = chars[i];
            match c {
                '\u{201C}' => depth += 1,
                '\u{201D}' => depth = (depth - 1).max(0),
                '"' => {
                    let opens = i == 0 || chars[i - 1].1.is_whitespace() || chars[i - 1].1 == '(';
                    depth = if opens { depth + 1 } else { (depth - 1).max(0) };
                }
                _ => {}
            }
            if matches!(c, '.' | '!' | '?' | '\u{2026}') {
                let mut j = i + 1;
                while j < chars.len() && (matches!(chars[j].1, '.' | '!' | '?' | '\u{2026}') || is_closing(chars[j].1)) {
                    if matches!(chars[j].1, '\u{201D}' | '"') {
                        depth = (depth - 1).max(0);
                    }
                    j += 1;
                }
                let followed = j < chars.len() && chars[j].1.is_whitespace();
                let mut k = j;
                while k < chars.len() && chars[k].1.is_whitespace() {
                    k += 1;
                }
                let next_starts = k < chars.len() && is_sentence_start(chars[k].1);
                if followed && next_starts && !(c == '.' && j == i + 1 && is_abbreviation(s, off, abbreviations)) {
                    let end = chars.get(j).map_or(s.len(), |&(o, _)| o);
                    out.push((para.start + start..para.start + end, quoted));
                    start = chars[k].0;
                    quoted = depth > 0;
                    i = k;
                    continue;
                }
                i = j;
                continue;
            }
            i += 1;
        }
        if start < s.len() {
            out.push((para.start + start..para.end, quoted));
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The splitter agrees with the reference on text made of what steers it: ends,
        /// closing quotes and brackets, spaces, capitals, initials and abbreviations.
        #[test]
        fn split_sentences_matches_reference(text in "[aA .!?…\"“”’'()\\[\\]\nÉé1Mr]{0,40}") {
            let abbreviations: FxHashSet<String> = ["Mr".to_string(), "a".to_string()].into_iter().collect();
            let mut got = Vec::new();
            split_sentences(&text, 0..text.len(), 0, &abbreviations, &mut got);
            let got: Vec<(Range<usize>, bool)> = got.into_iter().map(|s| (s.span, s.quoted)).collect();
            proptest::prop_assert_eq!(got, reference_split(&text, 0..text.len(), &abbreviations));
        }
    }

    fn sentences(text: &str) -> Vec<&str> {
        let l = layout(text, &rules());
        l.sentences.iter().map(|s| &text[s.span.clone()]).collect()
    }

    #[test]
    fn sentence_cases() {
        let cases: &[(&str, &[&str])] = &[
            ("Mr. Putin met Dr. Raisi. They talked.", &["Mr. Putin met Dr. Raisi.", "They talked."]),
            ("Dmitri S. Peskov said so. Then he left.", &["Dmitri S. Peskov said so.", "Then he left."]),
            ("The U.S. Navy and the U.N. agreed. Fine.", &["The U.S. Navy and the U.N. agreed.", "Fine."]),
            ("It rose 3.5 per cent. Then fell.", &["It rose 3.5 per cent.", "Then fell."]),
            ("Lt. General Qassem Soleimani died. St. Petersburg mourned.", &["Lt. General Qassem Soleimani died.", "St. Petersburg mourned."]),
            ("“We consult each other. We coordinate,” he said. Iran agreed.", &["“We consult each other.", "We coordinate,” he said.", "Iran agreed."]),
            ("He asked: “Why?” Nobody knew!", &["He asked: “Why?”", "Nobody knew!"]),
            ("Netanyahu is lying… Netanyahu is waiting.", &["Netanyahu is lying…", "Netanyahu is waiting."]),
            ("no final stop here", &["no final stop here"]),
            ("Ends with lower. then continues", &["Ends with lower. then continues"]),
        ];
        for (text, want) in cases {
            assert_eq!(sentences(text), *want, "{text}");
        }
    }

    #[test]
    fn quoted_sentences_are_marked() {
        let text = "“We consult each other. We coordinate,” he said. Iran agreed.";
        let l = layout(text, &rules());
        let q: Vec<bool> = l.sentences.iter().map(|s| s.quoted).collect();
        assert_eq!(q, [false, true, false]);
    }

    #[test]
    fn json_lines_records() {
        // (line, Ok((id, text, outlet)) or Err(message part))
        type Want<'a> = std::result::Result<(&'a str, &'a str, Option<&'a str>), &'a str>;
        let cases: &[(&str, Want)] = &[
            (r#"{"id":"a","text":"Russia."}"#, Ok(("a", "Russia.", None))),
            (r#"{"id":7,"text":"\ufeffRussia.","outlet":" TASS "}"#, Ok(("7", "Russia.", Some("TASS")))),
            (r#"{"id":" b ","text":"x","text":"last wins"}"#, Ok(("b", "last wins", None))),
            (
                r#"{"id":"c","text":"Head\nThis originally appeared in The Times.\n"}"#,
                Ok(("c", "Head\nThis originally appeared in The Times.\n", Some("The Times"))),
            ),
            (r#"{"id":"d","text":5}"#, Err("record has no \"text\" string")),
            (r#"{"id":"","text":"x"}"#, Err("record has no \"id\"")),
            (r#"["id","text"]"#, Err("record is not a JSON object")),
            (r#"{"id":"e","#, Err("f.jsonl:3")),
        ];
        for (line, want) in cases {
            match (parse_record(line, "f.jsonl:3"), want) {
                (Ok(doc), Ok((id, text, outlet))) => {
                    assert_eq!((doc.id.as_str(), doc.text.as_str(), doc.meta.outlet.as_deref()), (*id, *text, *outlet), "{line}")
                }
                (Err(e), Err(part)) => assert!(e.to_string().starts_with("f.jsonl:3") && e.to_string().contains(part), "{line}: {e}"),
                (got, _) => panic!("{line}: {:?}", got.map(|d| d.text)),
            }
        }
    }

    #[test]
    fn paragraphs_are_layout_without_sentences() {
        let texts = [
            "Title\n\nSpread the love\nA caption. Picture: AFP\nA caption. Picture: AFP\nBody text. More.\nYou may also like\nUnrelated headline about Iran\n",
            "One. Two.\n\nThree.",
            "",
        ];
        for text in texts {
            let (full, bare) = (layout(text, &rules()), paragraphs(text, &rules()));
            assert_eq!((&bare.paragraphs, bare.repeated, bare.tail_from), (&full.paragraphs, full.repeated, full.tail_from), "{text}");
            assert!(bare.sentences.is_empty() && (text.is_empty() || !full.sentences.is_empty()), "{text}");
        }
    }

    #[test]
    fn repeats_widgets_and_tails_are_dropped() {
        let text = "Title\n\nSpread the love\nA caption. Picture: AFP\nA caption. Picture: AFP\nBody text.\nYou may also like\nUnrelated headline about Iran\n";
        let l = layout(text, &rules());
        let paras: Vec<&str> = l.paragraphs.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(paras, ["Title", "A caption. Picture: AFP", "Body text."]);
        assert_eq!(l.repeated, 1);
        assert_eq!(l.tail_from, Some(text.find("You may").unwrap()));
    }

    #[test]
    fn long_lines_are_read_in_pieces() {
        let sentence = "Russia and Iran met again. ";
        let text = sentence.repeat(MAX_PARAGRAPH * 3 / sentence.len());
        let l = layout(&text, &rules());
        assert!(l.paragraphs.len() >= 3);
        assert!(l.paragraphs.iter().all(|p| p.len() <= MAX_PARAGRAPH && text.is_char_boundary(p.start) && text.is_char_boundary(p.end)));
        // Pieces cover the line without gaps, cut after a sentence.
        for w in l.paragraphs.windows(2) {
            assert_eq!(w[0].end, w[1].start);
            assert!(text[..w[0].end].ends_with(". "));
        }
        let unbroken = "x".repeat(MAX_PARAGRAPH * 2 + 5);
        let l = layout(&unbroken, &rules());
        assert_eq!(l.paragraphs.iter().map(|p| p.len()).sum::<usize>(), unbroken.len());
    }

    #[test]
    fn metadata_found_in_text() {
        let mut m = Meta::default();
        meta_from_text("Head\nbody\nThis article originally appeared in The New York Times.\nOriginal URL: https://x.example/a\n", &mut m);
        assert_eq!(m.outlet.as_deref(), Some("The New York Times"));
        assert_eq!(m.url.as_deref(), Some("https://x.example/a"));
        assert_eq!(m.title.as_deref(), Some("Head"));
    }
}
