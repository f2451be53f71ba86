//! The one error type of the library.
//!
//! Every error names what was wrong and where (file and line when there is one). The command
//! line turns any of them into exit code 2; the library never exits or prints.

use std::fmt;
use std::path::Path;

/// An error from reading inputs, the gazetteer or writing outputs.
///
/// Opaque on purpose: match on [`Error::kind`] only to tell broad classes apart, so new cases
/// are not breaking changes.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

/// The broad class of an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An input document or corpus could not be read or parsed.
    Input,
    /// The gazetteer or one of its data files is invalid.
    Gazetteer,
    /// An output could not be written.
    Output,
    /// The request itself was wrong (an unknown format, an empty option).
    Usage,
}

impl Error {
    /// An error in an input, with the place it was found (`path:line` or just `path`).
    pub fn input(place: impl fmt::Display, message: impl fmt::Display) -> Self {
        Error { kind: ErrorKind::Input, message: format!("{place}: {message}") }
    }

    /// An error in a gazetteer data file.
    pub fn gazetteer(place: impl fmt::Display, message: impl fmt::Display) -> Self {
        Error { kind: ErrorKind::Gazetteer, message: format!("{place}: {message}") }
    }

    /// An error writing an output file.
    pub fn output(path: &Path, message: impl fmt::Display) -> Self {
        Error { kind: ErrorKind::Output, message: format!("{}: {message}", path.display()) }
    }

    /// A wrong request.
    pub fn usage(message: impl fmt::Display) -> Self {
        Error { kind: ErrorKind::Usage, message: message.to_string() }
    }

    /// The broad class of this error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The 1-based line number of a byte offset in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Line numbers for byte offsets of one text, in O(log n) each (counting newlines from the
/// start for every offset is quadratic on a large gazetteer file).
#[derive(Debug, Clone)]
pub struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        LineIndex { newlines: newline_offsets(text.as_bytes()) }
    }

    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&n| n < offset) + 1
    }
}

fn newline_offsets(bytes: &[u8]) -> Vec<usize> {
    bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_counting() {
        let text = "a\nbb\n\nccc\n";
        let idx = LineIndex::new(text);
        for off in 0..=text.len() {
            assert_eq!(idx.line(off), line_of(text, off), "offset {off}");
        }
    }
}
