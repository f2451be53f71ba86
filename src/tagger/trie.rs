//! The tagger's byte trie: every pattern, laid out in one `u32` array in depth-first order and
//! walked anchored, one byte at a time, from a word start.
//!
//! The tagger never needs an unanchored scan (a match cannot start inside a word), so it needs
//! no failure links: a plain trie is enough. Built from sorted patterns it takes one pass over
//! their bytes (tens of milliseconds for 300,000 aliases, against a quarter of a second or more
//! for an Aho-Corasick automaton, whose failure links are computed and then never used here).
//!
//! A state at offset `s` is:
//!
//! - a header word: the number of edges `n` (bits 0–8), [`HAS_PATTERN`], [`DENSE`];
//! - with [`HAS_PATTERN`], the id of the pattern that ends here;
//! - a dense state (many edges, such as the root): 256 target offsets, [`DEAD`] where no edge;
//! - a sparse state: its `n` labels, sorted, four to a word, then the targets of edges 1..n.
//!   The target of edge 0 is implicit: in depth-first order a state's first child is written
//!   right after it, so walking a name's bytes mostly reads consecutive words.

use std::ops::Range;

/// No state: the walk has died.
pub const DEAD: u32 = u32::MAX;
/// Header bit: a pattern ends at this state.
const HAS_PATTERN: u32 = 1 << 9;
/// Header bit: the targets are a 256-entry table.
const DENSE: u32 = 1 << 10;
/// States with more edges than this are dense.
const DENSE_FROM: usize = 12;
/// States this close to the root are dense when they branch at all: every walk passes them.
const DENSE_DEPTH: usize = 2;

/// A trie over byte strings, each identified by its index in the sorted list it was built from.
#[derive(Debug, Clone)]
pub struct Trie {
    states: Vec<u32>,
}

/// The trie's root state.
pub const ROOT: u32 = 0;

impl Trie {
    /// Builds the trie of `keys`, which must be sorted, distinct and non-empty; key `i` gets
    /// pattern id `i`. `None` if the trie would not fit in 32-bit offsets.
    #[cfg(test)]
    pub fn new<K: AsRef<[u8]>>(keys: &[K]) -> Option<Trie> {
        Trie::with_payloads(keys, |i| i as u32)
    }

    /// [`Trie::new`], but the state where key `i` ends holds `payload(i)` instead of `i` (what
    /// [`Trie::pattern`] returns).
    pub fn with_payloads<K: AsRef<[u8]>>(keys: &[K], payload: impl Fn(usize) -> u32) -> Option<Trie> {
        debug_assert!(keys.windows(2).all(|w| w[0].as_ref() < w[1].as_ref()), "keys must be sorted and distinct");
        debug_assert!(keys.iter().all(|k| !k.as_ref().is_empty()), "keys must not be empty");
        let key = |i: usize| keys[i].as_ref();
        struct Frame {
            keys: Range<usize>,
            depth: usize,
            /// Where to write this state's offset in its parent, unless it is the implicit child.
            patch: Option<usize>,
        }
        // Room for the common case (about a word per key byte) so that the array is seldom
        // copied as it grows; capacity never written costs no memory.
        let mut states: Vec<u32> = Vec::with_capacity(keys.iter().map(|k| k.as_ref().len()).sum::<usize>() + 1024);
        let mut stack = vec![Frame { keys: 0..keys.len(), depth: 0, patch: None }];
        let mut edges: Vec<(u8, Range<usize>)> = Vec::new();
        while let Some(Frame { keys: range, depth, patch }) = stack.pop() {
            let s = u32::try_from(states.len()).ok().filter(|&s| s != DEAD)?;
            if let Some(slot) = patch {
                states[slot] = s;
            }
            let mut lo = range.start;
            // Sorted: the key that ends here, if any, comes first in its range.
            let pattern = (lo < range.end && key(lo).len() == depth).then(|| {
                lo += 1;
                lo - 1
            });
            edges.clear();
            let mut i = lo;
            while i < range.end {
                let b = key(i)[depth];
                let start = i;
                while i < range.end && key(i)[depth] == b {
                    i += 1;
                }
                edges.push((b, start..i));
            }
            let n = edges.len();
            let dense = n > DENSE_FROM || (depth < DENSE_DEPTH && n > 1);
            let mut header = n as u32;
            if pattern.is_some() {
                header |= HAS_PATTERN;
            }
            if dense {
                header |= DENSE;
            }
            states.push(header);
            if let Some(p) = pattern {
                states.push(payload(p));
            }
            let at = states.len();
            if dense {
                states.resize(at + 256, DEAD);
                for (b, keys) in edges.drain(..).rev() {
                    stack.push(Frame { keys, depth: depth + 1, patch: Some(at + usize::from(b)) });
                }
            } else {
                for chunk in edges.chunks(4) {
                    states.push(chunk.iter().enumerate().fold(0, |w, (j, (b, _))| w | u32::from(*b) << (8 * j)));
                }
                let targets = states.len();
                states.resize(targets + n.saturating_sub(1), DEAD);
                for (j, (_, keys)) in edges.drain(..).enumerate().rev() {
                    let patch = (j > 0).then(|| targets + j - 1);
                    stack.push(Frame { keys, depth: depth + 1, patch });
                }
            }
        }
        Some(Trie { states })
    }

    /// The state after `byte` from `state`, or [`DEAD`].
    #[inline(always)]
    pub fn next(&self, state: u32, byte: u8) -> u32 {
        let st = self.states.as_slice();
        let s = state as usize;
        let header = st[s];
        let at = s + 1 + ((header & HAS_PATTERN) >> 9) as usize;
        if header & DENSE != 0 {
            return st[at + usize::from(byte)];
        }
        let n = (header & 0x1ff) as usize;
        let words = n.div_ceil(4);
        // Four labels at a time: the lowest zero byte of `label ^ byte` is the first equal label
        // (borrows only run upwards from a zero byte).
        let spread = u32::from(byte) * 0x0101_0101;
        for w in 0..words {
            let x = st[at + w] ^ spread;
            let zero = x.wrapping_sub(0x0101_0101) & !x & 0x8080_8080;
            if zero != 0 {
                let j = w * 4 + (zero.trailing_zeros() / 8) as usize;
                return match j {
                    0 => (at + words + n - 1) as u32,
                    j if j < n => st[at + words + j - 1],
                    // A padding byte of the last word.
                    _ => DEAD,
                };
            }
        }
        DEAD
    }

    /// The payload of the pattern that ends at `state` (by default its index), if any.
    #[inline]
    pub fn pattern(&self, state: u32) -> Option<u32> {
        let s = state as usize;
        (self.states[s] & HAS_PATTERN != 0).then(|| self.states[s + 1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Walks `text` from the root; the patterns that end on the way, with their lengths.
    fn prefixes(trie: &Trie, text: &[u8]) -> Vec<(usize, u32)> {
        let mut out = Vec::new();
        let mut s = ROOT;
        for (k, &b) in text.iter().enumerate() {
            s = trie.next(s, b);
            if s == DEAD {
                break;
            }
            if let Some(p) = trie.pattern(s) {
                out.push((k + 1, p));
            }
        }
        out
    }

    fn reference(keys: &[Vec<u8>], text: &[u8]) -> Vec<(usize, u32)> {
        keys.iter().enumerate().filter(|(_, k)| text.starts_with(k)).map(|(i, k)| (k.len(), i as u32)).collect()
    }

    #[test]
    fn finds_every_prefix_and_nothing_else() {
        let keys: Vec<Vec<u8>> = ["a", "ab", "abc", "abd", "b", "ba", "z"].iter().map(|k| k.as_bytes().to_vec()).collect();
        let trie = Trie::new(&keys).unwrap();
        assert_eq!(prefixes(&trie, b"abcx"), vec![(1, 0), (2, 1), (3, 2)]);
        assert_eq!(prefixes(&trie, b"abd"), vec![(1, 0), (2, 1), (3, 3)]);
        assert_eq!(prefixes(&trie, b"bab"), vec![(1, 4), (2, 5)]);
        assert_eq!(prefixes(&trie, b"c"), vec![]);
        assert_eq!(prefixes(&trie, b"zz"), vec![(1, 6)]);
        assert_eq!(prefixes(&Trie::new::<&[u8]>(&[]).unwrap(), b"a"), vec![]);
    }

    proptest::proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// Against the sorted list itself: small alphabets force shared prefixes, and large
        /// ones dense states (more than `DENSE_FROM` edges).
        #[test]
        fn walks_agree_with_the_key_list(
            keys in proptest::collection::btree_set(proptest::collection::vec(any::<u8>().prop_map(|b| b % 40 + 200), 1..6), 0..300),
            small in proptest::collection::btree_set(proptest::collection::vec(proptest::sample::select(vec![b'a', b'b', 0u8, 255u8]), 1..7), 0..60),
            texts in proptest::collection::vec(proptest::collection::vec(proptest::sample::select(vec![b'a', b'b', 0u8, 255u8, 200, 201, 239]), 0..8), 1..20),
        ) {
            for set in [keys, small] {
                let keys: Vec<Vec<u8>> = set.into_iter().collect();
                let trie = Trie::new(&keys).unwrap();
                for k in &keys {
                    prop_assert_eq!(prefixes(&trie, k), reference(&keys, k));
                }
                for t in &texts {
                    prop_assert_eq!(prefixes(&trie, t), reference(&keys, t));
                }
            }
        }
    }
}
