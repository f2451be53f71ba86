//! The words of a sentence, as the rules read them.

use std::ops::Range;

use compact_str::CompactString;

use crate::norm::{char_at, is_ascii_word_byte, is_word_char};

/// A word of a sentence.
#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) word: CompactString,
    /// The grammar's word classes of `word` (bits of [`class`]), set by [`Lexicon::tokens`].
    pub(super) class: u64,
    /// The word's id in the lexicon, 0 when it names no word of it; set by [`Lexicon::tokens`].
    pub(super) id: u32,
}

/// Words (letters, digits, marks, with inner apostrophes and hyphens), lowercased, with `’` as `'`.
///
/// One pass over the bytes, decoding a `char` only where one is not ASCII; words are
/// [`CompactString`]s, so the words of a sentence (nearly all under 24 bytes) cost no
/// allocation of their own. This hand-written fast path pays: with the first, char-vector
/// version (the reference its proptest holds it to) the relation rules took 0.57 s against
/// 0.49 s on the 20 MB bench corpus (`examples/stage_scan`, three interleaved runs each, the
/// same 112,474 claims).
pub(super) fn tokenize(text: &str, span: Range<usize>) -> Vec<Token> {
    let s = &text[span.clone()];
    let b = s.as_bytes();
    // The char at byte `i` and its length.
    let at = |i: usize| char_at(s, i).map(|c| (c, c.len_utf8()));
    // About one word in six bytes of prose: one allocation, not a doubling series.
    let mut out = Vec::with_capacity(s.len() / 6 + 1);
    let mut i = 0;
    while i < b.len() {
        // Spaces and ASCII punctuation between words are skipped without decoding.
        let (c, n) = if b[i] < 0x80 {
            if !is_ascii_word_byte(b[i]) && b[i] != b'&' {
                i += 1;
                continue;
            }
            (b[i] as char, 1)
        } else {
            match at(i) {
                Some((c, n)) if is_word_char(c) => (c, n),
                Some((_, n)) => {
                    i += n;
                    continue;
                }
                None => break,
            }
        };
        let start = i;
        // Whether every char taken so far is ASCII (the word then needs no Unicode lowercasing).
        let mut ascii = n == 1;
        if c == '&' {
            i += n;
        } else {
            // The char before `i` (a word char once the loop has taken one).
            let mut prev = c;
            loop {
                // Runs of ASCII letters and digits without decoding.
                let run = i;
                while i < b.len() && is_ascii_word_byte(b[i]) {
                    i += 1;
                }
                if i > run {
                    prev = b[i - 1] as char;
                }
                let Some((c, n)) = at(i) else { break };
                let taken = if is_word_char(c) {
                    true
                } else if i > start && matches!(c, '\'' | '\u{2019}' | '-' | '.') {
                    match at(i + n) {
                        Some((next, _)) => is_word_char(next) && (c != '.' || (next.is_uppercase() && prev.is_uppercase())),
                        None => false,
                    }
                } else {
                    false
                };
                if !taken {
                    break;
                }
                ascii &= n == 1;
                prev = c;
                i += n;
            }
        }
        let (a, z) = (span.start + start, span.start + i);
        let raw = &text[a..z];
        let word = if ascii {
            let mut w = CompactString::from(raw);
            w.make_ascii_lowercase();
            w
        } else {
            CompactString::from(raw.to_lowercase().replace('\u{2019}', "'"))
        };
        out.push(Token { start: a, end: z, word, class: 0, id: 0 });
    }
    out
}

/// Whether `words` starting at `i` equal `phrase`.
pub(super) fn phrase_at(tokens: &[Token], i: usize, phrase: &[u32]) -> bool {
    phrase.iter().enumerate().all(|(k, &w)| tokens.get(i + k).is_some_and(|t| t.id == w))
}

/// The first token at or after byte `at`.
pub(super) fn token_at(tokens: &[Token], at: usize) -> usize {
    tokens.partition_point(|t| t.start < at)
}

/// A word's hash: FxHash, the same on every machine and thread (no random seed). The one hash
/// by which sentences are compared as sets of words, here (repeated claims) and in `graph`
/// (copies).
pub fn word_hash(word: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(word)
}
