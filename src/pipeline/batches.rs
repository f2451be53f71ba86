//! Documents read as a stream and analysed in parallel batches (shared by `build`, `map` and
//! `tag`).

use std::path::PathBuf;

use rayon::prelude::*;

use super::*;
use crate::error::Result;
use crate::graph::{Analysis, Graph, GraphBuilder, Window};
use crate::relations::{self};
use crate::text::{self, Document};

/// Documents are analysed in batches of about this many bytes of text (in parallel), then
/// folded into the graph and dropped.
pub(super) const BATCH_BYTES: usize = 8 << 20;
pub(super) const BATCH_DOCS: usize = 512;

/// A stage's sink: takes each document's result, in input order, on the thread that reads.
pub type Sink<'a, T> = dyn FnMut(T) -> Result<()> + Send + 'a;

/// Reads `inputs` as a stream, applies `work` to each document on `threads` workers in batches
/// of about [`BATCH_BYTES`], and hands the results to `sink` in input order. Returns the
/// reader's warnings.
///
/// The batches overlap: while the pool works on one, the thread that reads hands the previous
/// batch's results to `sink` and reads the next, then joins the pool's work. Memory holds
/// three batches: one read, one being worked on, one's results. With one thread the three
/// steps take turns, so `--threads 1` means one thread.
pub(super) fn each_document<T: Send>(
    inputs: &[PathBuf],
    read: text::ReadOptions,
    threads: usize,
    work: &(dyn Fn(&Document) -> T + Sync),
    sink: &mut Sink<'_, T>,
) -> Result<Vec<String>> {
    each_document_in(inputs, read, threads, (BATCH_BYTES, BATCH_DOCS), work, sink)
}

/// [`each_document`] with batches of `batch.0` bytes or `batch.1` documents, whichever comes
/// first (the tests use small ones).
pub(super) fn each_document_in<T: Send>(
    inputs: &[PathBuf],
    read: text::ReadOptions,
    threads: usize,
    batch: (usize, usize),
    work: &(dyn Fn(&Document) -> T + Sync),
    sink: &mut Sink<'_, T>,
) -> Result<Vec<String>> {
    let (batch_bytes, batch_docs) = batch;
    let mut corpus = text::Corpus::open(inputs, read)?;
    // Reads the next batch; `None` at the end of the input. Web pages are read as they are;
    // their articles are found on the workers, with the analysis.
    let next_batch = |corpus: &mut text::Corpus| -> Result<Option<Vec<text::Item>>> {
        let mut batch = Vec::new();
        let mut bytes = 0;
        while let Some(item) = corpus.next_item() {
            let item = item?;
            bytes += item.bytes();
            batch.push(item);
            if bytes >= batch_bytes || batch.len() >= batch_docs {
                break;
            }
        }
        Ok((!batch.is_empty()).then_some(batch))
    };
    // A result per item: the work's, or the page that gave no document (named in the
    // warnings).
    let mut no_text = Vec::new();
    let mut sink_or_note = |r: std::result::Result<T, String>| match r {
        Ok(t) => sink(t),
        Err(page) => {
            no_text.push(page);
            Ok(())
        }
    };
    let sink: &mut Sink<'_, std::result::Result<T, String>> = &mut sink_or_note;
    let work = |item: text::Item| item.into_document().map(|doc| work(&doc));
    pool(threads)?.install(|| -> Result<()> {
        let mut batch = next_batch(&mut corpus)?;
        // The results of the batch before `batch`, waiting for the sink.
        let mut done = None;
        while let Some(current) = batch.take() {
            let mut results = None;
            let (sunk, read) = rayon::in_place_scope(|scope| {
                scope.spawn(|_| results = Some(current.into_par_iter().map(work).collect()));
                let sunk = sink_all(done.take(), sink);
                // After a failure nothing more is read: the run stops at the first error.
                let read = if sunk.is_ok() { next_batch(&mut corpus) } else { Ok(None) };
                (sunk, read)
            });
            // Errors in input order: the earlier batches reach the sink before a broken record
            // of a later one is reported (the documents read with it, in its batch, do not).
            sunk?;
            done = results;
            match read {
                Ok(next) => batch = next,
                Err(broken) => {
                    sink_all(done.take(), sink)?;
                    return Err(broken);
                }
            }
        }
        sink_all(done, sink)
    })?;
    let mut warnings = corpus.warnings();
    warnings.extend(text::pages_without_text(&no_text));
    Ok(warnings)
}

/// Hands a batch's results, if any, to `sink` in order; stops at its first error.
pub(super) fn sink_all<T>(results: Option<Vec<T>>, sink: &mut Sink<'_, T>) -> Result<()> {
    results.into_iter().flatten().try_for_each(sink)
}

/// Analyses one document: tags it, extracts its claims (those sure enough), and summarises it
/// for the graph; with `detail`, keeping what the store needs of its text.
pub(super) fn analyse_document(doc: &Document, loaded: &Loaded, window: Window, detail: bool) -> Analysis {
    let (layout, mentions) = tag_document(doc, loaded);
    let (mut claims, cued) = relations::extract_noting_cues(&doc.text, &layout, &mentions, &loaded.gazetteer, &loaded.lexicon);
    claims.retain(|c| c.confidence >= loaded.min_confidence);
    let mut a = Analysis::new(doc, &layout, &mentions, claims, window);
    a.names = crate::discover::Discovery::new(&loaded.gazetteer, &loaded.lexicon, &loaded.discover).find(&crate::discover::Read {
        id: &doc.id,
        text: &doc.text,
        layout: &layout,
        mentions: &mentions,
        published: doc.meta.published.map(|d| d.to_string()),
        cued: Some(&cued),
    });
    if detail { a.with_detail(doc, &layout, &mentions) } else { a }
}

/// Reads `inputs` as a stream and analyses each document on `threads` workers, handing the
/// analyses to `sink` in input order (with their [`Detail`](crate::graph::Detail) when
/// `detail`). `progress` is told the size of each document's text as it is analysed.
/// Returns the reader's warnings.
#[allow(clippy::too_many_arguments)]
pub fn analyse_each(
    inputs: &[PathBuf],
    read: text::ReadOptions,
    loaded: &Loaded,
    window: Window,
    threads: usize,
    detail: bool,
    progress: &(dyn Fn(usize) + Sync),
    sink: &mut Sink<'_, Analysis>,
) -> Result<Vec<String>> {
    let work = |doc: &Document| {
        let a = analyse_document(doc, loaded, window, detail);
        progress(doc.text.len());
        a
    };
    each_document(inputs, read, threads, &work, sink)
}

/// Reads the inputs as a stream and builds the graph (no files written). Memory holds one
/// batch of documents at a time, and grows with the graph, not the corpus. Returns the graph
/// and the reader's warnings.
pub fn analyse(config: &BuildConfig, loaded: &Loaded, progress: &(dyn Fn(usize) + Sync)) -> Result<(Graph, Vec<String>)> {
    analyse_into(config, loaded, progress, None)
}

/// [`analyse`], each document also written to `store` as it comes.
pub(super) fn analyse_into(
    config: &BuildConfig,
    loaded: &Loaded,
    progress: &(dyn Fn(usize) + Sync),
    mut store: Option<&mut crate::store::Writer>,
) -> Result<(Graph, Vec<String>)> {
    let mut builder = GraphBuilder::new(config.window);
    let mut fold = std::time::Duration::ZERO;
    let mut stored = std::time::Duration::ZERO;
    let detail = store.is_some();
    let warnings = analyse_each(&config.inputs, config.common.read, loaded, config.window, config.threads, detail, progress, &mut |a| {
        if let Some(w) = store.as_deref_mut() {
            let t = std::time::Instant::now();
            w.add(&a)?;
            stored += t.elapsed();
        }
        let t = std::time::Instant::now();
        let r = builder.add(a);
        fold += t.elapsed();
        r
    })?;
    if detail {
        loaded.timings.record("store rows (within analysis)", stored);
    }
    loaded.timings.record("fold (within analysis)", fold);
    let t = std::time::Instant::now();
    let graph = pool(config.threads)?.install(|| builder.finish(&loaded.gazetteer, &loaded.lexicon))?;
    loaded.timings.record("finish (order, copies, relation edges)", t.elapsed());
    Ok((graph, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A JSON Lines corpus of `n` documents, `bad` (1-based line) replaced by a broken record.
    fn corpus(n: usize, bad: Option<usize>) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new().suffix(".jsonl").tempfile().unwrap();
        for i in 1..=n {
            if Some(i) == bad {
                writeln!(f, "{{\"id\": \"d{i}\", \"text\": ").unwrap();
            } else {
                writeln!(f, "{{\"id\": \"d{i}\", \"text\": \"Russia and Iran, part {i}.\"}}").unwrap();
            }
        }
        f.flush().unwrap();
        f
    }

    fn ids(file: &std::path::Path, threads: usize, batch_docs: usize, fail_at: Option<usize>) -> (Result<Vec<String>>, Vec<String>) {
        let mut seen: Vec<String> = Vec::new();
        let work = |d: &Document| d.id.clone();
        let result = each_document_in(&[file.to_path_buf()], text::ReadOptions::default(), threads, (usize::MAX, batch_docs), &work, &mut |id: String| {
            if fail_at == Some(seen.len() + 1) {
                return Err(Error::usage(format!("sink refused {id}")));
            }
            seen.push(id);
            Ok(())
        });
        (result, seen)
    }

    /// Batches overlap (read, work, sink); the sink still sees every document once, in input
    /// order, at any thread count and batch size.
    #[test]
    fn overlapped_batches_keep_input_order() {
        let file = corpus(41, None);
        let want: Vec<String> = (1..=41).map(|i| format!("d{i}")).collect();
        for threads in [1, 2, 3] {
            for batch in [1, 2, 5, 40, 41, 100] {
                let (result, seen) = ids(file.path(), threads, batch, None);
                assert!(result.is_ok(), "{threads} threads, batches of {batch}");
                assert_eq!(seen, want, "{threads} threads, batches of {batch}");
            }
        }
    }

    /// A broken record stops the run with its line named, whatever batch it falls in, after the
    /// batches before it; a sink error stops the run with that error.
    #[test]
    fn errors_stop_the_stream_in_input_order() {
        let file = corpus(30, Some(17));
        for threads in [1, 2] {
            for batch in [1, 4, 16, 17, 50] {
                let (result, seen) = ids(file.path(), threads, batch, None);
                let message = result.unwrap_err().to_string();
                assert!(message.contains(":17"), "{message}");
                // As one batch after another would: every whole batch before the broken one.
                let want: Vec<String> = (1..=16 / batch * batch).map(|i| format!("d{i}")).collect();
                assert_eq!(seen, want, "{threads} threads, batches of {batch}");
                // A sink error of an earlier batch comes first, even when the broken record is
                // read while that batch is still being worked on.
                let (result, _) = ids(file.path(), threads, batch, Some(9));
                if batch <= 8 {
                    assert_eq!(result.unwrap_err().to_string(), "sink refused d9", "{threads} threads, batches of {batch}");
                }
            }
        }
        let file = corpus(30, None);
        for threads in [1, 2] {
            for batch in [1, 4, 50] {
                let (result, seen) = ids(file.path(), threads, batch, Some(9));
                assert_eq!(result.unwrap_err().to_string(), "sink refused d9");
                assert_eq!(seen.len(), 8);
            }
        }
    }
}
