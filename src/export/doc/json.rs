//! `graph.json`'s layout: a serde_json formatter, and arrays rendered in parallel blocks.

use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};

/// Renders `value` as an element of an array field of the top-level object (two levels deep)
/// in `graph.json`'s [`Lines`] layout: on one line, appended to `out`.
pub(super) fn to_line<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Lines { depth: 2, has_value: false });
    value.serialize(&mut ser).map_err(|e| Error::output(std::path::Path::new("graph.json"), e))
}

/// The layout of `graph.json`: the top-level object and the values of its fields as serde_json's
/// pretty printer lays them out (one item per line, two-space indent), and every element of
/// the arrays (a document, node, edge or claim) on one line of its own, with `": "` and `", "`
/// between its items, as the graph contract's examples are written. A line per element keeps
/// the file readable with `grep` and `head` at any size, and a third smaller than fully
/// pretty-printed JSON.
pub(super) struct Lines {
    /// The number of arrays and objects open.
    pub(super) depth: usize,
    /// Whether the innermost open array or object laid out on lines has an item yet.
    pub(super) has_value: bool,
}

impl Lines {
    /// Arrays and objects this deep (the top-level object is 1) have an item per line; deeper
    /// ones are written on the line of their element.
    const LINED: usize = 2;

    pub(super) fn indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        const SPACES: &[u8] = &[b' '; 64];
        let mut n = 2 * self.depth;
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }

    /// Opens an array or object one level deeper.
    pub(super) fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    /// Closes it: a lined one on a line of its own at the outer depth, unless it is empty.
    pub(super) fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        let lined = self.depth <= Self::LINED;
        self.depth -= 1;
        if lined && self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }

    /// Starts an element or key: on a line of its own in a lined array or object, else after
    /// `", "`.
    pub(super) fn item<W: ?Sized + std::io::Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        if self.depth <= Self::LINED {
            w.write_all(if first { b"\n" } else { b",\n" })?;
            self.indent(w)
        } else if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }
}

impl serde_json::ser::Formatter for Lines {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes `,\n  "name": [...]`, an array field of the top-level object with `len` elements,
/// as serde_json's pretty printer would. `render(state, i, out)` appends element `i` rendered
/// on its line (see [`to_line`]); elements are rendered in parallel blocks on the current
/// rayon pool (each block with its own `state`) and written in order. A round of
/// blocks at a time, sized by the bytes rendered so far, bounds memory; while the calling
/// thread writes one round, the pool's other workers render the next (with one worker, the
/// two simply take turns).
pub(super) fn write_array<S>(
    w: &mut dyn std::io::Write,
    name: &str,
    len: usize,
    state: impl Fn() -> S + Sync,
    render: impl Fn(&mut S, usize, &mut Vec<u8>) -> Result<()> + Sync,
) -> Result<()> {
    let fail = |e: &dyn std::fmt::Display| Error::output(std::path::Path::new("graph.json"), e);
    write!(w, ",\n  \"{name}\": ").map_err(|e| fail(&e))?;
    if len == 0 {
        return w.write_all(b"[]").map_err(|e| fail(&e));
    }
    w.write_all(b"[").map_err(|e| fail(&e))?;
    // A round of blocks is rendered at a time, so memory holds about two rounds of JSON (one
    // being written, one being rendered): block sizes follow the size of the elements rendered
    // so far (a co-mention edge of a large corpus lists thousands of documents; a claim is a
    // kilobyte), starting at one.
    const ROUND: usize = 16 << 20;
    const MAX_BLOCK: usize = 1024;
    let blocks_per_round = 4 * rayon::current_num_threads();
    let render_round = |round: std::ops::Range<usize>, block: usize| -> Result<Vec<Vec<u8>>> {
        let blocks: Vec<std::ops::Range<usize>> = round.clone().step_by(block).map(|b| b..(b + block).min(round.end)).collect();
        blocks
            .into_par_iter()
            .map(|block| {
                let mut st = state();
                let mut buf = Vec::with_capacity(block.len() * 512);
                for i in block {
                    buf.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
                    render(&mut st, i, &mut buf)?;
                }
                Ok(buf)
            })
            .collect()
    };
    let write_round =
        |w: &mut dyn std::io::Write, rendered: Vec<Vec<u8>>| -> Result<()> { rendered.iter().try_for_each(|r| w.write_all(r)).map_err(|e| fail(&e)) };
    let mut first = 0;
    let mut block = 1;
    // The rendered round waiting to be written.
    let mut pending: Option<Vec<Vec<u8>>> = None;
    while first < len {
        let end = (first + block * blocks_per_round).min(len);
        let mut next: Option<Result<Vec<Vec<u8>>>> = None;
        let written = rayon::in_place_scope(|scope| {
            scope.spawn(|_| next = Some(render_round(first..end, block)));
            pending.take().map_or(Ok(()), |p| write_round(w, p))
        });
        let rendered = next.expect("the scope ran its job")?;
        written?;
        let bytes: usize = rendered.iter().map(Vec::len).sum();
        let per_element = (bytes / (end - first)).max(1);
        block = (ROUND / blocks_per_round / per_element).clamp(1, MAX_BLOCK);
        pending = Some(rendered);
        first = end;
    }
    if let Some(p) = pending {
        write_round(w, p)?;
    }
    w.write_all(b"\n  ]").map_err(|e| fail(&e))
}
