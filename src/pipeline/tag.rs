//! `tag`: mentions as JSON Lines, one record per document, in document-id order.

use std::io::Write;
use std::path::PathBuf;

use super::*;
use crate::error::{Error, Result};
use crate::export;
use crate::text::{self, Document};

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
pub fn tag<W: Write>(common: &Common, inputs: &[PathBuf], threads: usize, offsets: export::Offsets, out: &mut W) -> Result<Vec<String>> {
    use std::io::{Read, Seek, SeekFrom};
    let loaded = load_on(common, threads)?;
    let t = std::time::Instant::now();
    let tmp_err = |e: std::io::Error| Error::output(&std::env::temp_dir(), format!("temporary file for tag records: {e}"));
    let out_err = |e: std::io::Error| Error::output(std::path::Path::new("-"), e);
    let mut spill = std::io::BufWriter::with_capacity(1 << 20, tempfile::tempfile().map_err(tmp_err)?);
    let mut index: Vec<(String, u64, u32)> = Vec::new();
    let mut in_order = true;
    let mut at = 0u64;
    let records = export::TagRecords::new(&loaded.gazetteer, offsets);
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
    loaded.timings.record("tag: records", t.elapsed());
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
    loaded.timings.record("tag: copy in id order", t.elapsed());
    let mut notes = loaded.notes;
    notes.extend(warnings);
    Ok(notes)
}
