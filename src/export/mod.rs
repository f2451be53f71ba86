//! Writing the graph out, in every format its users' tools read.
//!
//! [`doc::GraphDoc`] is `graph.json` (the contract in `docs/graph-contract.md`) as owned
//! data, written by serde_json; every other format is rendered from it: DOT, SVG and PNG
//! ([`dot`], with graphviz-rust and Graphviz), GEXF and GraphML (quick-xml), Cytoscape.js and
//! node-link JSON (serde_json), Neo4j CSV (csv) ([`formats`]), and a self-contained HTML report
//! ([`report`]). Also the JSON Lines records of `newsgraph tag`, the partial records of
//! `map` and `merge` ([`part`]), and the diagram [`Style`].
//!
//! Every file is rendered in memory first and then written under a temporary name and renamed,
//! so a failed run never leaves a half-written file and never replaces a good one.

pub mod doc;
pub mod dot;
pub mod formats;
pub mod part;
pub mod report;
mod style;
pub mod timeline;

pub use doc::{Filters, GraphDoc, SCHEMA};
pub use style::{Style, StyleTable, TypeStyle};

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::gazetteer::Gazetteer;
use crate::tagger::Mention;

/// One `newsgraph tag` record: a document and its mentions, one line of JSON.
#[derive(Serialize)]
struct TagRecord<'a> {
    document: &'a str,
    mentions: Vec<TagMention<'a>>,
}

/// A mention in a `newsgraph tag` record.
#[derive(Serialize)]
struct TagMention<'a> {
    entity: &'a str,
    label: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    start: usize,
    end: usize,
    text: &'a str,
    how: &'static str,
}

/// What the `start` and `end` of a `newsgraph tag` mention count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Offsets {
    /// UTF-8 bytes (Rust, Go, `bytes` slices in Python).
    #[default]
    Bytes,
    /// Unicode code points (Python's `str` slicing, `text[start:end]`).
    Chars,
}

/// Renders `newsgraph tag` records: one line of JSON per document,
/// `{"document":…,"mentions":[{"entity","label","type","start","end","text","how"},…]}`.
pub struct TagRecords<'g> {
    gazetteer: &'g Gazetteer,
    offsets: Offsets,
}

impl<'g> TagRecords<'g> {
    /// A renderer for mentions of `gazetteer`'s entities, with offsets counted in `offsets`.
    pub fn new(gazetteer: &'g Gazetteer, offsets: Offsets) -> TagRecords<'g> {
        TagRecords { gazetteer, offsets }
    }

    /// Appends the record of `document` (one line of JSON, no newline) to `out`.
    pub fn write(&self, document: &str, text: &str, mentions: &[Mention], out: &mut Vec<u8>) {
        // Code point offsets: every byte offset wanted, counted in one pass over the text.
        let chars: std::collections::HashMap<usize, usize> = match self.offsets {
            Offsets::Bytes => Default::default(),
            Offsets::Chars => {
                let mut wanted: Vec<usize> = mentions.iter().flat_map(|m| [m.start, m.end]).collect();
                wanted.sort_unstable();
                wanted.dedup();
                let mut map = std::collections::HashMap::with_capacity(wanted.len());
                let (mut byte, mut count) = (0usize, 0usize);
                for w in wanted {
                    count += text.get(byte..w).map_or(0, |s| s.chars().count());
                    byte = w;
                    map.insert(w, count);
                }
                map
            }
        };
        let at = |b: usize| if self.offsets == Offsets::Chars { chars.get(&b).copied().unwrap_or(b) } else { b };
        let mentions = mentions
            .iter()
            .map(|m| {
                let e = &self.gazetteer.entities[m.entity as usize];
                TagMention { entity: &e.id, label: &e.name, kind: &e.kind, start: at(m.start), end: at(m.end), text: m.text(text), how: m.how.as_str() }
            })
            .collect();
        // Into a Vec, and of strings and integers: this cannot fail.
        serde_json::to_writer(out, &TagRecord { document, mentions }).expect("strings and integers serialise");
    }
}

/// A count with thousands separated: `9,045`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A DOT string literal: quoted, with quotes, backslashes and line breaks escaped (graphviz-rust
/// prints identifiers as given).
pub fn dot_quote(s: &str) -> graphviz_rust::dot_structures::Id {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    graphviz_rust::dot_structures::Id::Escaped(out)
}

/// What Graphviz made of a diagram.
#[derive(Debug)]
pub enum Drawing {
    /// The rendered bytes.
    Done(Vec<u8>),
    /// `dot` is not installed.
    NoGraphviz,
    /// `dot` ran out of time and was stopped.
    TooSlow(std::time::Duration),
}

impl Drawing {
    /// The bytes, when drawn.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Drawing::Done(b) => Some(b),
            _ => None,
        }
    }

    /// Why `file` was not written, when it was not.
    pub fn why_not(&self, file: &str) -> Option<String> {
        match self {
            Drawing::Done(_) => None,
            Drawing::NoGraphviz => Some(format!("note: {file} not written: Graphviz `dot` is not on PATH (install graphviz)")),
            Drawing::TooSlow(limit) => Some(format!(
                "warning: {file} not written: Graphviz took longer than {} s and was stopped; draw fewer edges (--top N, --min-weight N, --state-level) or allow more time (--dot-time-limit)",
                limit.as_secs()
            )),
        }
    }
}

/// Runs Graphviz `dot -T<format>` (`svg`, `png`) on DOT source, for at most `limit` (then it is
/// stopped). An error when it fails or warns.
pub fn render_with_dot(dot_source: &str, format: &str, limit: std::time::Duration) -> Result<Drawing> {
    use std::io::Read;
    use wait_timeout::ChildExt;
    let child = Command::new("dot")
        .arg(format!("-T{format}"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Drawing::NoGraphviz),
        Err(e) => return Err(Error::usage(format!("cannot run dot: {e}"))),
    };
    // Feed and drain the pipes on their own threads, so that a full pipe never stalls dot
    // while the time limit runs.
    let mut stdin = child.stdin.take().expect("piped stdin");
    let src = dot_source.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(src.as_bytes()));
    let mut out_pipe = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        out_pipe.read_to_end(&mut v).map(|_| v)
    });
    let mut err_pipe = child.stderr.take().expect("piped stderr");
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err_pipe.read_to_string(&mut s);
        s
    });
    let status = match child.wait_timeout(limit).map_err(|e| Error::usage(format!("dot failed: {e}")))? {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(Drawing::TooSlow(limit));
        }
    };
    let _ = writer.join();
    let stdout = reader.join().map_err(|_| Error::usage("dot output reader panicked"))?.map_err(|e| Error::usage(format!("dot failed: {e}")))?;
    let stderr = err_reader.join().unwrap_or_default();
    if !status.success() || !stderr.trim().is_empty() {
        return Err(Error::usage(format!("dot -T{format} failed: {}", stderr.trim())));
    }
    Ok(Drawing::Done(stdout))
}

/// An output being written: a temporary file in the folder of its final path, put in place by
/// [`Staged::commit`]. Dropped uncommitted (an error, a panic), it is removed; a killed run
/// leaves at most a hidden `.newsgraph-*` file, never a half-written output.
#[derive(Debug)]
pub struct Staged {
    path: PathBuf,
    tmp: tempfile::TempPath,
}

/// Writes an output through `write` into a temporary file next to `path`.
pub fn stage(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<Staged> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".newsgraph-").tempfile_in(dir).map_err(|e| Error::output(path, e))?;
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, Writeback { file: tmp.as_file_mut(), unsent: 0 });
        write(&mut w)?;
        w.flush().map_err(|e| Error::output(path, e))?;
    }
    // Temporary files are private (0600); outputs are ordinary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).map_err(|e| Error::output(path, e))?;
    }
    tmp.as_file().sync_all().map_err(|e| Error::output(path, e))?;
    Ok(Staged { path: path.to_path_buf(), tmp: tmp.into_temp_path() })
}

/// A file being written that asks the system to start writing its pages to disk every few
/// megabytes, so that the disk works while the program does, and the `sync_all` before the
/// rename has little left to wait for (by default Linux starts only once gigabytes are dirty).
struct Writeback<'f> {
    file: &'f mut std::fs::File,
    /// Bytes written since writeback was last started.
    unsent: usize,
}

impl Writeback<'_> {
    const EVERY: usize = 8 << 20;
}

impl Write for Writeback<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.unsent += n;
        if self.unsent >= Self::EVERY {
            self.unsent = 0;
            start_writeback(self.file);
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Starts writing the file's dirty pages to disk without waiting for them. Only a hint: where
/// it fails, or elsewhere than Linux, the final `sync_all` does all the work.
#[cfg(target_os = "linux")]
fn start_writeback(file: &std::fs::File) {
    use std::os::fd::AsRawFd;
    // SAFETY: a valid open descriptor; offset 0 and length 0 mean the whole file.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_: &std::fs::File) {}

impl Staged {
    /// A file already written and synced at `tmp`, to be renamed to `path` with the others.
    pub fn from_temp(path: &Path, tmp: tempfile::TempPath) -> Staged {
        Staged { path: path.to_path_buf(), tmp }
    }

    /// Renames the finished file into place.
    pub fn commit(self) -> Result<PathBuf> {
        self.tmp.persist(&self.path).map_err(|e| Error::output(&self.path, e.error))?;
        Ok(self.path)
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, then a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    stage(path, |w| w.write_all(bytes).map_err(|e| Error::output(path, e)))?.commit()?;
    Ok(())
}

/// Creates the output folder (and parents) or fails naming it.
pub fn ensure_dir(dir: &Path) -> Result<PathBuf> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::output(dir, "exists and is not a folder"));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, e))?;
    Ok(dir.to_path_buf())
}
