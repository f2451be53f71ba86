//! Copy detection: a claim whose sentence nearly repeats an earlier document's claim of the
//! same pair and relation is marked as a copy of it.

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use super::{ClaimRecord, DocumentInfo, Evidence, ReadAhead, SentenceWords};
use crate::error::Result;
use crate::relations::word_hash;
use std::hash::BuildHasher;

/// The distinct words of a sentence (lowercased, split at anything not alphanumeric), as
/// sorted [`word_hash`]es, each with whether the word is long enough to index (four bytes or
/// more). It splits more finely than the claim tokenizer (at apostrophes, hyphens and dots),
/// which is what makes a reworded copy recognisable: with the tokenizer's words, 5 of the 11
/// copies among the seeds' claims fell under the overlap threshold.
pub(crate) fn word_set(sentence: &str) -> Vec<(u64, bool)> {
    // A plain split: a byte scan that decoded only non-ASCII chars measured no faster (copy
    // detection's phase 0.194-0.209 s against 0.198-0.209 s on the 20 MB bench corpus).
    let mut words: Vec<(u64, bool)> = sentence
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_lowercase();
            (word_hash(&lower), lower.len() >= 4)
        })
        .collect();
    words.sort_unstable();
    words.dedup_by_key(|w| w.0);
    words
}

/// The hash of a sentence's word set, which finds identical sentences.
pub(crate) fn words_hash(words: &[(u64, bool)]) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(words)
}

/// The originals seen so far, searched for each claim in publication order: the same key
/// (pair, relation, denial) in a sentence sharing at least eight words and 40% of all its
/// words with an earlier claim of another document (see [`mark_copies`]). Shared by the build
/// and the store's updates, which search only the keys an update touches.
pub(crate) struct CopyIndex<K> {
    exact: HashMap<(K, u64), usize>,
    postings: HashMap<(K, u64), Vec<usize>>,
    originals: HashMap<usize, (u32, Vec<(u64, bool)>)>,
}

impl<K> Default for CopyIndex<K> {
    fn default() -> Self {
        CopyIndex { exact: HashMap::default(), postings: HashMap::default(), originals: HashMap::default() }
    }
}

impl<K: std::hash::Hash + Eq + Copy> CopyIndex<K> {
    /// Claim `id` of document `doc`, with its sentence's hash and word set: the earlier claim
    /// it copies, or `None` (it is an original, and is kept for the claims after it).
    pub(crate) fn add(&mut self, k: K, id: usize, doc: u32, h: u64, words: Vec<(u64, bool)>) -> Option<usize> {
        const CANDIDATES_PER_WORD: usize = 32;
        if let Some(&i) = self.exact.get(&(k, h))
            && self.originals[&i].0 != doc
        {
            return Some(i);
        }
        let mut shared: HashMap<usize, usize> = HashMap::default();
        for w in words.iter().filter(|w| w.1) {
            if let Some(list) = self.postings.get(&(k, w.0)) {
                for &i in list.iter().rev().take(CANDIDATES_PER_WORD) {
                    *shared.entry(i).or_default() += 1;
                }
            }
        }
        let found = shared
            .into_iter()
            .filter(|&(i, _)| self.originals[&i].0 != doc)
            .filter(|&(i, _)| {
                let x = &self.originals[&i].1;
                let common = crate::relations::common_count(x, &words, |w| w.0);
                let union = x.len() + words.len() - common;
                common >= 8 && common as f64 / union.max(1) as f64 >= 0.4
            })
            .max_by_key(|&(i, n)| (n, std::cmp::Reverse(i)))
            .map(|(i, _)| i);
        if found.is_none() {
            self.exact.entry((k, h)).or_insert(id);
            for w in words.iter().filter(|w| w.1) {
                self.postings.entry((k, w.0)).or_default().push(id);
            }
            self.originals.insert(id, (doc, words));
        }
        found
    }
}

/// Copy detection prepares this many claims' word sets at a time.
pub(super) const COPY_CHUNK: usize = 1 << 14;

/// Marks copies across documents: the same pair, relation and denial in a sentence sharing at
/// least eight words and 40% of all its words with an earlier-published document's. Undated
/// documents come last. Identical sentences are found by a hash of their words; near-copies
/// through an index of their longer words, a bounded number of candidates per word, so the
/// search stays linear on corpora full of syndicated copies. Sentences are read back from the
/// evidence file one at a time; only the originals' words are kept. Word sets are prepared
/// `chunk_len` claims at a time.
pub(super) fn mark_copies(records: &mut [ClaimRecord], documents: &[DocumentInfo], evidence: &Evidence, chunk_len: usize) -> Result<()> {
    type Key = (u32, u32, usize, bool);
    let mut order: Vec<usize> = (0..records.len()).collect();
    let date_of = |r: &ClaimRecord| documents[r.document as usize].published;
    order.par_sort_unstable_by_key(|&i| (date_of(&records[i]).is_none(), date_of(&records[i]), records[i].document, i));
    let key = |r: &ClaimRecord| -> Key {
        let (a, b) = (r.subject_state.min(r.object_state), r.subject_state.max(r.object_state));
        (a, b, r.relation, r.negated)
    };
    let mut index: CopyIndex<Key> = CopyIndex::default();
    let mut mark_one = |records: &mut [ClaimRecord], j: usize, h: u64, words: Vec<(u64, bool)>| {
        let k = key(&records[j]);
        records[j].copy_of = index.add(k, j, records[j].document, h, words);
    };
    // The word sets are read and made in parallel, a chunk of claims at a time (bounded
    // memory); the search itself is sequential, in publication order. While the calling thread
    // searches one chunk, the pool prepares the next (with one worker, they take turns).
    /// A claim's sentence hash and word set (see [`word_set`]).
    type Prepared = (u64, Vec<(u64, bool)>);
    let at: Vec<u64> = order.iter().map(|&j| records[j].at).collect();
    let prepare = |chunk: usize| -> Result<Vec<Prepared>> {
        let part = &at[(chunk * chunk_len).min(at.len())..((chunk + 1) * chunk_len).min(at.len())];
        let prepared: Vec<Vec<Prepared>> = part
            .par_chunks(256)
            .map(|part| {
                let mut ahead = ReadAhead::default();
                // The claims of one sentence come together: its words are made once.
                let mut last: Option<SentenceWords> = None;
                part.iter()
                    .map(|&at| {
                        let (_, sentence, _) = evidence.read_ref(at, &mut ahead)?;
                        if let Some((s, h, words)) = &last
                            && s == sentence
                        {
                            return Ok((*h, words.clone()));
                        }
                        let words = word_set(sentence);
                        let h = words_hash(&words);
                        last = Some((sentence.to_string(), h, words.clone()));
                        Ok((h, words))
                    })
                    .collect::<Result<_>>()
            })
            .collect::<Result<_>>()?;
        Ok(prepared.into_iter().flatten().collect())
    };
    let chunks = order.len().div_ceil(chunk_len);
    let mut prepared = prepare(0)?;
    for (k, chunk) in order.chunks(chunk_len).enumerate() {
        let mut next: Option<Result<Vec<Prepared>>> = None;
        rayon::in_place_scope(|scope| {
            if k + 1 < chunks {
                scope.spawn(|_| next = Some(prepare(k + 1)));
            }
            for (&j, (h, words)) in chunk.iter().zip(std::mem::take(&mut prepared)) {
                mark_one(records, j, h, words);
            }
        });
        if let Some(n) = next {
            prepared = n?;
        }
    }
    Ok(())
}
