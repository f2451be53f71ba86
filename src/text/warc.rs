//! Web archives (WARC, ISO 28500) as pages, one record at a time.
//!
//! The `warc` crate parses each record's header block and streams its body; `flate2` opens the
//! gzip members (CC-NEWS and most crawlers compress each record alone, so a member is a
//! record, and the offset of a member is where a damaged record is reported); `httparse`
//! reads the HTTP response a `response` record holds. A record whose payload is an HTML page
//! (status 2xx, `Content-Type` HTML) becomes a [`Page`]; the others are counted by reason.
//!
//! Memory holds one record: a header block is read within [`MAX_HEADER`] bytes, a page within
//! [`MAX_PAGE`], and bigger bodies are skipped unread into memory, so a multi-gigabyte archive
//! runs in bounded memory. A truncated or corrupt record (or gzip member) is reported with
//! its byte offset and the reading goes on at the next record found after it (`strict` stops
//! instead).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::bufread::GzDecoder;

use super::page::Page;
use crate::error::{Error, Result};

/// The most bytes a record's header block may take (a block without its blank line is
/// damage, not a record).
pub const MAX_HEADER: u64 = 1 << 20;

/// The biggest page body read; bigger records are skipped (counted).
pub const MAX_PAGE: u64 = 32 << 20;

/// Whether a file is a WARC archive by its name (`.warc`, `.warc.gz`).
pub fn is_warc(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    name.ends_with(".warc") || name.ends_with(".warc.gz")
}

/// A `BufRead` that counts the bytes consumed (the offset in its stream); while `budget` is
/// set, reads no further than it (a header block without an end cannot grow without bound);
/// and keeps the first [`MAX_HEADER`] bytes consumed since `capture` was emptied: the record's
/// header block, whose values the `warc` crate's `Record::header` would decode with a panic
/// on bytes that are not UTF-8 (found by fuzz/fuzz_targets/warc.rs).
struct Counted<R> {
    inner: R,
    pos: u64,
    budget: Arc<AtomicU64>,
    capture: Vec<u8>,
}

impl<R> Counted<R> {
    fn new(inner: R) -> Counted<R> {
        Counted { inner, pos: 0, budget: Arc::new(AtomicU64::new(u64::MAX)), capture: Vec::new() }
    }
}

impl<R: BufRead> Read for Counted<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let buf = self.fill_buf()?;
        let n = buf.len().min(out.len());
        out[..n].copy_from_slice(&buf[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        let budget = self.budget.load(Ordering::Relaxed);
        let buf = self.inner.fill_buf()?;
        Ok(&buf[..buf.len().min(usize::try_from(budget).unwrap_or(usize::MAX))])
    }

    fn consume(&mut self, n: usize) {
        let room = (MAX_HEADER as usize).saturating_sub(self.capture.len()).min(n);
        if room > 0
            && let Ok(buf) = self.inner.fill_buf()
        {
            self.capture.extend_from_slice(&buf[..room.min(buf.len())]);
        }
        self.inner.consume(n);
        self.pos += n as u64;
        let budget = self.budget.load(Ordering::Relaxed);
        if budget != u64::MAX {
            self.budget.store(budget.saturating_sub(n as u64), Ordering::Relaxed);
        }
    }
}

/// What an archive is read from: a file, or any bytes that can be read and sought in.
pub trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

type Raw = Counted<BufReader<Box<dyn ReadSeek>>>;
type Member = Counted<BufReader<GzDecoder<Raw>>>;

enum State {
    /// An uncompressed archive.
    Plain(Raw),
    /// A gzip archive between members.
    Between(Raw),
    /// Inside the gzip member that starts at `start`.
    InMember {
        member: Box<Member>,
        start: u64,
    },
    Done,
}

/// One record, as far as it matters here.
struct Record {
    kind: String,
    id: String,
    url: Option<String>,
    date: Option<crate::date::Date>,
    content_type: String,
    /// The body, when it is small enough to be a page.
    body: Option<Vec<u8>>,
}

/// The pages of one WARC archive, read record by record: an iterator of [`Page`]s, damage
/// an error only when strict.
///
/// ```
/// let record = "WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:1>\r\n\
///     WARC-Date: 2025-06-22T10:00:00Z\r\nWARC-Target-URI: https://news.example/a\r\n\
///     Content-Type: text/html\r\nContent-Length: 11\r\n\r\n<p>Hello</p\r\n\r\n";
/// let mut a = newsgraph::text::Archive::from_reader("a.warc", std::io::Cursor::new(record), false).unwrap();
/// let page = a.next().unwrap().unwrap();
/// assert_eq!((page.id.as_str(), page.url.as_deref()), ("1", Some("https://news.example/a")));
/// assert!(a.next().is_none());
/// ```
pub struct Archive {
    path: PathBuf,
    state: State,
    strict: bool,
    /// Records seen, pages handed out, and records skipped by reason.
    records: usize,
    pages: usize,
    skipped: BTreeMap<String, usize>,
    /// Damage found (offset and what), reported as warnings.
    damage: Vec<String>,
}

impl Archive {
    /// Opens a WARC file, gzip-compressed or not (told by its first bytes, not its name).
    pub fn open(path: &Path, strict: bool) -> Result<Archive> {
        let file = File::open(path).map_err(|e| Error::input(path.display(), e))?;
        Archive::from_reader(path, file, strict)
    }

    /// Reads an archive from `reader`; `name` names it in paths and messages.
    pub fn from_reader(name: impl AsRef<Path>, reader: impl ReadSeek + 'static, strict: bool) -> Result<Archive> {
        let path = name.as_ref();
        let mut file = Counted::new(BufReader::with_capacity(1 << 16, Box::new(reader) as Box<dyn ReadSeek>));
        let gzip = file.fill_buf().map_err(|e| Error::input(path.display(), e))?.starts_with(&[0x1f, 0x8b]);
        let state = if gzip { State::Between(file) } else { State::Plain(file) };
        Ok(Archive { path: path.to_path_buf(), state, strict, records: 0, pages: 0, skipped: BTreeMap::new(), damage: Vec::new() })
    }

    /// What the file held, and the damage found, as warnings (after the last page).
    pub fn report(&self) -> Vec<String> {
        let mut out: Vec<String> = self.damage.iter().map(|d| format!("warning: {}: {d}", self.path.display())).collect();
        if self.pages == 0 {
            out.push(format!("warning: {}: no HTML pages among its {} WARC records", self.path.display(), self.records));
        }
        if !self.skipped.is_empty() {
            let reasons: Vec<String> = self.skipped.iter().map(|(why, n)| format!("{n} {why}")).collect();
            out.push(format!("note: {}: {} WARC records, {} pages read; skipped {}", self.path.display(), self.records, self.pages, reasons.join(", ")));
        }
        out
    }

    /// The next page of the archive; `None` at its end. Damage is an error only when strict.
    fn next_page(&mut self) -> Option<Result<Page>> {
        loop {
            let (start, result) = match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return None,
                State::Plain(mut raw) => {
                    let start = raw.pos;
                    let r = read_record(&mut raw);
                    match r {
                        Ok(None) => return None,
                        Ok(Some(rec)) => {
                            self.state = State::Plain(raw);
                            (start, Ok(rec))
                        }
                        Err(e) => {
                            let next = resync(&mut raw, start, b"WARC/1.");
                            if next.is_some() {
                                self.state = State::Plain(raw);
                            }
                            (start, Err((e, next)))
                        }
                    }
                }
                State::Between(mut raw) => match raw.fill_buf() {
                    Ok([]) => return None,
                    Ok(_) => {
                        let start = raw.pos;
                        self.state = State::InMember { member: Box::new(Counted::new(BufReader::with_capacity(1 << 16, GzDecoder::new(raw)))), start };
                        continue;
                    }
                    Err(e) => (raw.pos, Err((e.to_string(), None))),
                },
                State::InMember { mut member, start } => match read_record(&mut member) {
                    Ok(None) => {
                        // The member's end: the next one starts where the decoder stopped.
                        self.state = State::Between(member.inner.into_inner().into_inner());
                        continue;
                    }
                    Ok(Some(rec)) => {
                        self.state = State::InMember { member, start };
                        (start, Ok(rec))
                    }
                    Err(e) => {
                        let mut raw = member.inner.into_inner().into_inner();
                        let next = resync(&mut raw, start, &[0x1f, 0x8b, 0x08]);
                        if next.is_some() {
                            self.state = State::Between(raw);
                        }
                        (start, Err((e, next)))
                    }
                },
            };
            match result {
                Ok(rec) => {
                    self.records += 1;
                    match page_of(rec, &self.path, start) {
                        Ok(page) => {
                            self.pages += 1;
                            return Some(Ok(page));
                        }
                        Err(why) => *self.skipped.entry(why).or_default() += 1,
                    }
                }
                Err((what, next)) => {
                    if self.strict {
                        return Some(Err(Error::input(format!("{}: byte {start}", self.path.display()), format!("{what} (--strict stops at damage)"))));
                    }
                    self.damage.push(match next {
                        Some(at) => format!("byte {start}: {what}; read on from the next record, at byte {at}"),
                        None => format!("byte {start}: {what}; no record after it"),
                    });
                }
            }
        }
    }
}

impl Iterator for Archive {
    type Item = Result<Page>;

    fn next(&mut self) -> Option<Result<Page>> {
        self.next_page()
    }
}

/// Reads one record from `r`: `Ok(None)` at the end of the stream, else its header and (when
/// it may be a page) its body, with the body's end consumed; `Err` says what is damaged.
fn read_record<R: BufRead>(r: &mut Counted<R>) -> std::result::Result<Option<Record>, String> {
    let budget = Arc::clone(&r.budget);
    budget.store(MAX_HEADER, Ordering::Relaxed);
    r.capture.clear();
    let (kind, id, date, body) = {
        let mut reader = warc::WarcReader::new(&mut *r);
        let mut records = reader.stream_records();
        let item = records.next_item();
        let left = budget.swap(u64::MAX, Ordering::Relaxed);
        let mut rec = match item {
            None if left == 0 => return Err(format!("a WARC header block longer than {} KiB (or not a WARC record)", MAX_HEADER >> 10)),
            // Bytes were read, but no header block ended before the end of the stream.
            None if left < MAX_HEADER => return Err("cut short in a header block (or not a WARC record)".into()),
            None => return Ok(None),
            Some(Err(e)) => return Err(damage(&e)),
            Some(Ok(rec)) => rec,
        };
        let kind = rec.warc_type().to_string();
        let id = rec.warc_id().trim().trim_start_matches('<').trim_end_matches('>').trim_start_matches("urn:uuid:").to_string();
        let date = rec.date().date_naive().to_string().parse().ok();
        let length = rec.content_length();
        let wanted = matches!(kind.as_str(), "response" | "resource") && length <= MAX_PAGE;
        let body = if wanted {
            let mut body = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
            rec.read_to_end(&mut body).map_err(|e| io_damage(&e))?;
            if (body.len() as u64) < length {
                return Err(format!("record cut short ({} of its {length} bytes)", body.len()));
            }
            Some(body)
        } else {
            let skipped = std::io::copy(&mut rec, &mut std::io::sink()).map_err(|e| io_damage(&e))?;
            if skipped < length {
                return Err(format!("record cut short ({skipped} of its {length} bytes)"));
            }
            None
        };
        (kind, id, date, body)
    };
    // The header block's values, as bytes (read again from the captured block by the crate's
    // own parser: it parsed the same bytes a moment ago).
    let fields = warc::parser::headers(&r.capture).map(|(_, (_, fields, _))| fields).unwrap_or_default();
    let field = |name: &str| fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| String::from_utf8_lossy(v).trim().to_string());
    let url = field("WARC-Target-URI").map(|u| u.trim_start_matches('<').trim_end_matches('>').to_string());
    let content_type = field("Content-Type").unwrap_or_default().to_ascii_lowercase();
    let rec = Record { kind, id, url, date, content_type, body };
    let mut end = [0u8; 4];
    match r.read_exact(&mut end) {
        Ok(()) if &end == b"\r\n\r\n" => Ok(Some(rec)),
        Ok(()) => Err("record does not end with a blank line (its Content-Length is wrong)".into()),
        Err(e) => Err(io_damage(&e)),
    }
}

fn io_damage(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => "cut short (truncated gzip member or record)".into(),
        std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => format!("corrupt gzip member ({e})"),
        _ => e.to_string(),
    }
}

fn damage(e: &warc::Error) -> String {
    match e {
        warc::Error::ReadData(io) => io_damage(io),
        warc::Error::UnexpectedEOB => "record cut short".into(),
        warc::Error::ParseHeaders(_) => "malformed WARC header block".into(),
        warc::Error::MissingHeader(h) => format!("WARC record without its {h} header"),
        warc::Error::MalformedHeader(h, why) => format!("WARC record with a malformed {h} header ({why})"),
        warc::Error::ReadOverflow => "record longer than its Content-Length".into(),
    }
}

/// After damage in the record (or member) that starts at `start`: positions `raw` at the next
/// occurrence of `marker` after `start` (a WARC version line at a line start, or a gzip
/// member's magic) and returns its offset; `None` when there is none.
fn resync(raw: &mut Raw, start: u64, marker: &[u8]) -> Option<u64> {
    let at_line_start = marker.starts_with(b"WARC/");
    raw.inner.seek(SeekFrom::Start(start + 1)).ok()?;
    let finder = memchr::memmem::Finder::new(marker);
    // The bytes searched, from offset `base`; the last few are kept across reads, as the
    // marker (and the newline before it) may straddle two.
    let (mut window, mut base, mut chunk) = (Vec::new(), start + 1, vec![0u8; 1 << 16]);
    loop {
        let n = raw.inner.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        window.extend_from_slice(&chunk[..n]);
        if let Some(at) = find(&finder, &window, at_line_start, base) {
            raw.inner.seek(SeekFrom::Start(at)).ok()?;
            raw.pos = at;
            return Some(at);
        }
        let drop = window.len().saturating_sub(marker.len() + 1);
        window.drain(..drop);
        base += drop as u64;
    }
}

/// The offset of the first `marker` in `buf` (which starts at offset `base`), where a WARC
/// line must follow a newline.
fn find(finder: &memchr::memmem::Finder, buf: &[u8], at_line_start: bool, base: u64) -> Option<u64> {
    finder.find_iter(buf).find(|&i| !at_line_start || (i > 0 && buf[i - 1] == b'\n')).map(|i| base + i as u64)
}

/// The page a record holds, or why it holds none (the reason it is counted under).
fn page_of(rec: Record, path: &Path, offset: u64) -> std::result::Result<Page, String> {
    let Some(body) = rec.body else {
        return Err(match rec.kind.as_str() {
            "response" | "resource" => format!("records over {} MiB", MAX_PAGE >> 20),
            other => format!("{other} records"),
        });
    };
    let (html, charset) = if rec.content_type.starts_with("application/http") {
        http_payload(&body)?
    } else if is_html(&rec.content_type) {
        (body, charset_of(&rec.content_type))
    } else {
        return Err(format!("{} records of {}", rec.kind, mime(&rec.content_type)));
    };
    let id = if rec.id.is_empty() { format!("{}@{offset}", path.display()) } else { rec.id };
    Ok(Page { html, id, path: format!("{}@{offset}", path.display()), url: rec.url, fetched: rec.date, charset })
}

fn mime(content_type: &str) -> &str {
    let m = content_type.split(';').next().unwrap_or("").trim();
    if m.is_empty() { "no content type" } else { m }
}

fn is_html(content_type: &str) -> bool {
    matches!(mime(content_type), "text/html" | "application/xhtml+xml")
}

/// The `charset` parameter of a `Content-Type` value.
fn charset_of(content_type: &str) -> Option<String> {
    content_type
        .split(';')
        .skip(1)
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
}

/// The HTML page an HTTP response carries (with the charset its `Content-Type` names), or
/// why it carries none.
fn http_payload(body: &[u8]) -> std::result::Result<(Vec<u8>, Option<String>), String> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut response = httparse::Response::new(&mut headers);
    let head = match response.parse(body) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Err("responses with a cut HTTP header".into()),
        Err(_) => return Err("responses with a malformed HTTP header".into()),
    };
    let code = response.code.unwrap_or(0);
    if (300..400).contains(&code) {
        return Err("redirects".into());
    }
    if !(200..300).contains(&code) {
        return Err(format!("responses of HTTP status {code}"));
    }
    let header =
        |name: &str| response.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| String::from_utf8_lossy(h.value).trim().to_ascii_lowercase());
    let payload = &body[head..];
    let charset = header("content-type").as_deref().and_then(charset_of);
    match header("content-type") {
        Some(t) if !is_html(&t) => return Err(format!("responses of {}", mime(&t))),
        Some(_) => {}
        // No type given: a page if it starts like one.
        None => {
            let start = String::from_utf8_lossy(&payload[..payload.len().min(512)]).trim_start().to_ascii_lowercase();
            if !(start.starts_with("<!doctype html") || start.starts_with("<html")) {
                return Err("responses of no content type".into());
            }
        }
    }
    if header("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        return Err("responses stored chunked".into());
    }
    let html = match header("content-encoding").as_deref() {
        None | Some("identity" | "") => payload.to_vec(),
        Some("gzip" | "x-gzip") => inflate(flate2::read::GzDecoder::new(payload))?,
        Some("deflate") => inflate(flate2::read::ZlibDecoder::new(payload))?,
        Some(other) => return Err(format!("responses encoded {other}")),
    };
    Ok((html, charset))
}

/// A compressed payload, within [`MAX_PAGE`].
fn inflate(r: impl Read) -> std::result::Result<Vec<u8>, String> {
    let mut out = Vec::new();
    r.take(MAX_PAGE + 1).read_to_end(&mut out).map_err(|_| "responses with a corrupt compressed payload".to_string())?;
    if out.len() as u64 > MAX_PAGE {
        return Err(format!("records over {} MiB", MAX_PAGE >> 20));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, id: usize, content_type: &str, body: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{id:012}>\r\nWARC-Date: 2025-06-22T10:00:00Z\r\nWARC-Target-URI: https://news.example/{id}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn http(status: &str, content_type: &str, body: &str) -> Vec<u8> {
        format!("HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n\r\n{body}").into_bytes()
    }

    fn gz(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    fn read_all(bytes: &[u8], strict: bool) -> (Vec<Result<Page>>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.warc");
        std::fs::write(&path, bytes).unwrap();
        let mut a = Archive::open(&path, strict).unwrap();
        let mut out = Vec::new();
        while let Some(p) = a.next_page() {
            let stop = p.is_err();
            out.push(p);
            if stop {
                break;
            }
        }
        (out, a.report())
    }

    fn archive() -> Vec<Vec<u8>> {
        let page = "<html><body><p>Russia condemned the strikes.</p></body></html>";
        vec![
            record("warcinfo", 0, "application/warc-fields", b"software: test\r\n"),
            record("request", 1, "application/http; msgtype=request", b"GET / HTTP/1.1\r\n\r\n"),
            record("response", 2, "application/http; msgtype=response", &http("200 OK", "text/html; charset=utf-8", page)),
            record("response", 3, "application/http; msgtype=response", &http("301 Moved Permanently", "text/html", "")),
            record("response", 4, "application/http; msgtype=response", &http("200 OK", "application/pdf", "%PDF-1.4")),
            record("resource", 5, "text/html", page.as_bytes()),
        ]
    }

    /// Plain and per-record gzip archives give the same pages, ids, URLs and dates; the other
    /// records are counted by reason.
    #[test]
    fn pages_of_plain_and_gzip_archives() {
        let records = archive();
        for bytes in [records.concat(), records.iter().map(|r| gz(r)).collect::<Vec<_>>().concat(), gz(&records.concat())] {
            let (pages, report) = read_all(&bytes, false);
            let pages: Vec<Page> = pages.into_iter().map(|p| p.unwrap()).collect();
            let ids: Vec<&str> = pages.iter().map(|p| p.id.as_str()).collect();
            assert_eq!(ids, ["00000000-0000-0000-0000-000000000002", "00000000-0000-0000-0000-000000000005"]);
            assert_eq!(pages[0].url.as_deref(), Some("https://news.example/2"));
            assert_eq!(pages[0].fetched.map(|d| d.to_string()).as_deref(), Some("2025-06-22"));
            assert!(pages[0].html.starts_with(b"<html>"), "{:?}", String::from_utf8_lossy(&pages[0].html));
            let note = report.join("\n");
            assert!(
                note.contains("6 WARC records, 2 pages read; skipped 1 redirects, 1 request records, 1 responses of application/pdf, 1 warcinfo records"),
                "{note}"
            );
        }
    }

    /// A record cut short, a corrupt gzip member and garbage between records are reported
    /// with their offsets, and the records after them are read; `strict` stops at the first.
    #[test]
    fn damage_is_reported_and_skipped() {
        let records = archive();
        // Plain: the third record's body cut in the middle, then the rest.
        let mut plain = records[..2].concat();
        let cut_at = plain.len();
        plain.extend_from_slice(&records[2][..records[2].len() - 30]);
        plain.extend_from_slice(&records[3..].concat());
        let (pages, report) = read_all(&plain, false);
        assert_eq!(pages.len(), 1, "the resource page after the damage: {report:?}");
        assert!(report.iter().any(|w| w.contains(&format!("byte {cut_at}:"))), "{report:?}");
        // Gzip: one member truncated, one with garbage bytes in the middle.
        let members: Vec<Vec<u8>> = records.iter().map(|r| gz(r)).collect();
        let mut broken = members[..2].concat();
        let cut_at = broken.len();
        broken.extend_from_slice(&members[2][..members[2].len() / 2]);
        let corrupt_at = broken.len() + members[3].len() + members[4].len();
        broken.extend_from_slice(&members[3..5].concat());
        let mut bad = members[5].clone();
        let n = bad.len();
        bad[n / 2..n / 2 + 8].copy_from_slice(b"garbage!");
        broken.extend_from_slice(&bad);
        broken.extend_from_slice(&members[2]);
        let (pages, report) = read_all(&broken, false);
        assert_eq!(pages.iter().filter(|p| p.is_ok()).count(), 1, "{report:?}");
        assert!(report.iter().any(|w| w.contains(&format!("byte {cut_at}:"))), "{report:?}");
        assert!(report.iter().any(|w| w.contains(&format!("byte {corrupt_at}:"))), "{report:?}");
        let (pages, _) = read_all(&broken, true);
        let err = pages.last().unwrap().as_ref().unwrap_err().to_string();
        assert!(err.contains(&format!("a.warc: byte {cut_at}")), "{err}");
        // Not a WARC at all: named, no pages, no panic.
        let (pages, report) = read_all(b"just some text\nwithout records\n", false);
        assert!(pages.is_empty() && report.iter().any(|w| w.contains("no HTML pages")), "{report:?}");
    }

    /// The charset an HTTP response declares reaches the page, and decodes it.
    #[test]
    fn http_charsets_decode_pages() {
        let mut body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=\"ISO-8859-1\"\r\n\r\n<html><body>".to_vec();
        body.extend_from_slice(
            b"<p>Le pr\xe9sident Lula a re\xe7u le ministre russe \xe0 Bras\xedlia, a indiqu\xe9 le gouvernement br\xe9silien dans un communiqu\xe9.</p>"
                .repeat(3)
                .as_slice(),
        );
        body.extend_from_slice(b"</body></html>");
        let (pages, _) = read_all(&record("response", 9, "application/http; msgtype=response", &body), false);
        let page = pages.into_iter().next().unwrap().unwrap();
        assert_eq!(page.charset.as_deref(), Some("iso-8859-1"));
        let doc = page.document().unwrap();
        assert!(doc.text.contains("reçu le ministre russe à Brasília"), "{}", doc.text);
    }

    /// Header values that are not UTF-8 are read lossily (the `warc` crate's `Record::header`
    /// panics on them; found by fuzzing).
    #[test]
    fn header_values_need_not_be_utf8() {
        let mut r = record("resource", 7, "text/html", b"<p>Russia.</p>");
        let at = r.windows(9).position(|w| w == b"text/html").unwrap();
        r.splice(at + 4..at + 4, [0xb0, 0xb0]);
        let uri = r.windows(4).position(|w| w == b"news").unwrap();
        r.splice(uri..uri, [0xff]);
        let (pages, report) = read_all(&r, false);
        assert_eq!(pages.len(), 0, "{report:?}");
        assert!(report.iter().any(|w| w.contains("resource records of text\u{fffd}\u{fffd}/html")), "{report:?}");
    }

    /// A header block without its end is read no further than `MAX_HEADER`.
    #[test]
    fn endless_header_blocks_are_bounded() {
        let mut bytes = b"WARC/1.0\r\nWARC-Type: response\r\nX: ".to_vec();
        bytes.extend(std::iter::repeat_n(b'a', (MAX_HEADER as usize) * 3));
        let (pages, report) = read_all(&bytes, false);
        assert!(pages.is_empty(), "{report:?}");
        assert!(report.iter().any(|w| w.contains("byte 0:")), "{report:?}");
    }
}
