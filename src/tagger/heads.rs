//! The trie state after each pattern's first word, found by one hash probe instead of a walk.
//!
//! A walk from a word start reads one trie state per byte, and in a trie of 300,000 aliases
//! most of those states are far apart in memory: walking a name costs a cache miss per letter,
//! and so does walking the part of an ordinary word that some alias shares ("Mar" of "Market").
//! A valid match starts and ends on word boundaries, so when a word starts with a run of ASCII
//! letters, digits and `_`, a match there covers that whole run and the pattern's own first
//! run is the same run (if the pattern's run were shorter, it would go on with a byte the text
//! does not have, or end inside the text's word; if longer, it would need a word byte where the
//! text has none). So the walk can jump over the run: this table maps each pattern's first run
//! to the trie state after it, and a word whose run is not in the table starts no match.
//!
//! Runs are compared ASCII-case-insensitively, as the trie is: every byte is read `| 0x20`,
//! which maps the word bytes one to one (capitals to small letters, `_` to 0x7f).

use super::trie::{DEAD, ROOT, Trie};
use crate::norm::ascii_word_end;

/// Each pattern's first run of ASCII word bytes, with the trie state after it.
#[derive(Debug, Clone, Default)]
pub struct Heads {
    /// Open addressing: 0 for an empty slot, else the top bits of the run's hash, with the
    /// lowest bit set. Probed first; the other arrays are read only where a tag agrees.
    tags: Vec<u32>,
    /// For each slot: the trie state after the run, and where the run is in `runs`.
    slots: Vec<(u32, u32, u32)>,
    /// The runs end to end, each byte `| 0x20`.
    runs: Vec<u8>,
    mask: usize,
}

/// A hash of `run` read `| 0x20`, eight bytes at a time.
#[inline]
fn hash(run: &[u8]) -> u64 {
    hash_in(run, 0, run.len())
}

/// [`hash`] of `bytes[start..start + len]`. The last partial chunk is read from `bytes` whole
/// and masked when `bytes` goes on that far (as the rest of a paragraph mostly does), so no
/// bytes are copied.
#[inline]
fn hash_in(bytes: &[u8], start: usize, len: usize) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    const CASE: u64 = 0x2020_2020_2020_2020;
    let mix = |h: u64, w: u64| (h ^ w).wrapping_mul(K).rotate_left(29);
    let mut h = (len as u64).wrapping_mul(K);
    let full = len / 8;
    for k in 0..full {
        let at = start + 8 * k;
        h = mix(h, u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or([0; 8])) | CASE);
    }
    let rest = len % 8;
    if rest > 0 {
        let at = start + 8 * full;
        let keep = u64::MAX >> (8 * (8 - rest));
        let w = match bytes.get(at..at + 8) {
            Some(chunk) => u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])),
            None => {
                let mut b = [0u8; 8];
                b[..rest].copy_from_slice(&bytes[at..at + rest]);
                u64::from_le_bytes(b)
            }
        };
        h = mix(h, (w | CASE) & keep);
    }
    h ^ (h >> 32)
}

impl Heads {
    /// The first runs of `keys` (the trie's patterns, ASCII-lowercased), each with its state.
    pub fn new<K: AsRef<[u8]>>(trie: &Trie, keys: &[K]) -> Heads {
        let mut firsts: Vec<&[u8]> = keys.iter().map(|k| &k.as_ref()[..ascii_word_end(k.as_ref(), 0)]).filter(|r| !r.is_empty()).collect();
        firsts.sort_unstable();
        firsts.dedup();
        let cap = (firsts.len() * 2).next_power_of_two().max(16);
        let mut heads = Heads { tags: vec![0; cap], slots: vec![(DEAD, 0, 0); cap], runs: Vec::new(), mask: cap - 1 };
        for run in firsts {
            let state = run.iter().fold(ROOT, |s, &b| if s == DEAD { DEAD } else { trie.next(s, b) });
            debug_assert_ne!(state, DEAD, "a pattern's prefix is in the trie");
            let h = hash(run);
            let mut i = h as usize & heads.mask;
            while heads.tags[i] != 0 {
                i = (i + 1) & heads.mask;
            }
            heads.tags[i] = (h >> 32) as u32 | 1;
            heads.slots[i] = (state, heads.runs.len() as u32, run.len() as u32);
            heads.runs.extend(run.iter().map(|b| b | 0x20));
        }
        heads
    }

    /// The trie state after `run` (a whole run of ASCII word bytes, in any case), if some
    /// pattern starts with exactly that run.
    #[cfg(test)]
    pub fn get(&self, run: &[u8]) -> Option<u32> {
        self.get_in(run, 0, run.len())
    }

    /// [`Heads::get`] of the run `bytes[start..start + len]`.
    #[inline]
    pub fn get_in(&self, bytes: &[u8], start: usize, len: usize) -> Option<u32> {
        let run = &bytes[start..start + len];
        let h = hash_in(bytes, start, len);
        let tag = (h >> 32) as u32 | 1;
        let mut i = h as usize & self.mask;
        loop {
            let t = self.tags[i];
            if t == 0 {
                return None;
            }
            if t == tag {
                let (state, at, len) = self.slots[i];
                let stored = &self.runs[at as usize..(at + len) as usize];
                if stored.len() == run.len() && stored.iter().zip(run).all(|(s, r)| *s == r | 0x20) {
                    return Some(state);
                }
            }
            i = (i + 1) & self.mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_first_run_in_any_case_and_nothing_else() {
        let mut keys: Vec<&[u8]> = vec![b"abc", b"abc def", b"ab", b"ab_1-x", b"x.y", b".net", b"\xc3\xa9t\xc3\xa9", b"q"];
        keys.sort();
        let trie = Trie::new(&keys).unwrap();
        let heads = Heads::new(&trie, &keys);
        let walk = |s: &[u8]| s.iter().fold(ROOT, |st, &b| trie.next(st, b));
        assert_eq!(heads.get(b"abc"), Some(walk(b"abc")));
        assert_eq!(heads.get(b"ABC"), Some(walk(b"abc")));
        assert_eq!(heads.get(b"ab"), Some(walk(b"ab")));
        assert_eq!(heads.get(b"ab_1"), Some(walk(b"ab_1")));
        assert_eq!(heads.get(b"AB_1"), Some(walk(b"ab_1")));
        assert_eq!(heads.get(b"x"), Some(walk(b"x")));
        assert_eq!(heads.get(b"Q"), Some(walk(b"q")));
        // Prefixes and extensions of runs, and runs no pattern starts with.
        for miss in [&b"a"[..], b"abcd", b"ab_", b"ab_1x", b"net", b"t", b"qq"] {
            assert_eq!(heads.get(miss), None, "{}", String::from_utf8_lossy(miss));
        }
        assert_eq!(ascii_word_end(b"ab_1-x", 0), 4);
        assert_eq!(ascii_word_end(b"-x", 0), 0);
        assert_eq!(ascii_word_end(b"abc", 0), 3);
    }

    proptest::proptest! {
        /// The hash agrees with itself across cases, lengths around the 8-byte chunks, and
        /// whatever follows the run.
        #[test]
        fn case_and_what_follows_do_not_change_the_hash(run in "[a-zA-Z0-9_]{0,20}", after in "[ a-zA-Z.]{0,12}", before in "[ a]{0,3}") {
            let h = hash(run.as_bytes());
            proptest::prop_assert_eq!(h, hash(run.to_ascii_lowercase().as_bytes()));
            proptest::prop_assert_eq!(h, hash(run.to_ascii_uppercase().as_bytes()));
            let text = format!("{before}{run}{after}");
            proptest::prop_assert_eq!(h, hash_in(text.as_bytes(), before.len(), run.len()));
        }
    }
}
