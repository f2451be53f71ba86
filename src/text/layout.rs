//! The layout of a text: kept paragraphs (repeats, widget lines and boilerplate tails dropped)
//! and sentences, as byte ranges; the text itself is never changed.

use std::ops::Range;

use rustc_hash::FxHashSet;

use super::rules::marker_key_into;
use super::{Layout, Sentence, TextRules};

/// Paragraphs longer than this are read in pieces (cut at a sentence end or a space), so that
/// a 100 MB single-line file is tagged in bounded memory and linear time.
pub const MAX_PARAGRAPH: usize = 64 * 1024;

/// Cuts a long line into pieces of at most [`MAX_PARAGRAPH`] bytes: after the last ". " in the
/// last quarter of the limit, else at the last space, else at a char boundary. A line within
/// the limit is one piece (no allocation: the pieces are made as they are read).
pub(super) fn pieces(text: &str, range: std::ops::Range<usize>) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = range.start;
    std::iter::from_fn(move || {
        if start >= range.end {
            return None;
        }
        if range.end - start <= MAX_PARAGRAPH {
            return Some(std::mem::replace(&mut start, range.end)..range.end);
        }
        let mut limit = start + MAX_PARAGRAPH;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let window = &text[start..limit];
        let quarter = window.len() * 3 / 4;
        let cut = window[quarter..]
            .rfind(". ")
            .map(|i| start + quarter + i + 2)
            .or_else(|| window.rfind(' ').filter(|&i| i > 0).map(|i| start + i + 1))
            .unwrap_or(limit);
        Some(std::mem::replace(&mut start, cut)..cut)
    })
}

/// Divides a text into paragraphs (lines) and sentences, dropping repeated paragraphs,
/// share-widget lines and the boilerplate tail that `rules` mark.
pub fn layout(text: &str, rules: &TextRules) -> Layout {
    layout_with(text, rules, true)
}

/// [`layout`] without the sentences (`sentences` is left empty): the kept paragraphs, for
/// work such as tagging that does not look at sentences.
pub fn paragraphs(text: &str, rules: &TextRules) -> Layout {
    layout_with(text, rules, false)
}

/// The words of `line` (as `split_whitespace` finds them) separated by single spaces, into
/// `key`: what two paragraphs must share to be repeats. Runs of ASCII words and single spaces
/// are copied eight bytes at a time; `line` must not start or end with white space.
pub(super) fn words_key(line: &str, key: &mut Vec<u8>) {
    key.clear();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] < 0x80 && !crate::norm::is_ascii_space(b[i]) {
            let j = crate::norm::plain_run_end(line, i, false);
            key.extend_from_slice(&b[i..j]);
            i = j;
            continue;
        }
        let c = crate::norm::char_at(line, i).unwrap_or(' ');
        let n = c.len_utf8();
        if !c.is_whitespace() {
            key.extend_from_slice(&b[i..i + n]);
        } else if key.last().is_some_and(|&l| l != b' ') {
            key.push(b' ');
        }
        i += n;
    }
}

pub(super) fn layout_with(text: &str, rules: &TextRules, sentences: bool) -> Layout {
    use std::hash::Hasher;
    let keys = rules.keys();
    let (tails, drops, abbreviations) = (&keys.tails, &keys.drops, &keys.abbreviations);
    let mut out = Layout::default();
    // Repeats are found by a hash of the paragraph's words, not by keeping its text.
    let mut seen: FxHashSet<u64> = FxHashSet::default();
    let mut key = String::new();
    let mut words = Vec::new();
    let mut offset = 0;
    for raw_line in text.split_inclusive('\n') {
        let start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let trimmed_start = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let range = start + trimmed_start..start + trimmed_start + trimmed.len();
        if trimmed.len() <= 200 {
            marker_key_into(trimmed, &mut key);
            let key = key.as_str();
            let prefixed = keys.prefixes.iter().any(|p| key.starts_with(p.as_str()));
            if !out.paragraphs.is_empty() && (tails.contains(key) || prefixed) {
                out.tail_from = Some(range.start);
                break;
            }
            if drops.contains(key) {
                continue;
            }
        }
        words_key(trimmed, &mut words);
        let mut hasher = rustc_hash::FxHasher::default();
        hasher.write(&words);
        if !seen.insert(hasher.finish()) {
            out.repeated += 1;
            continue;
        }
        for piece in pieces(text, range) {
            let p = out.paragraphs.len();
            out.paragraphs.push(piece.clone());
            if sentences {
                split_sentences(text, piece, p, abbreviations, &mut out.sentences);
            }
        }
    }
    out
}

pub(super) fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '\u{201D}' | '\u{2019}' | '\u{00BB}' | ')' | ']')
}

pub(super) fn is_sentence_start(c: char) -> bool {
    c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '\'' | '\u{201C}' | '\u{2018}' | '\u{00AB}' | '(' | '[' | '\u{2013}' | '\u{2014}' | '-')
}

/// Splits one paragraph into sentences that cover it completely.
///
/// A sentence ends at `.`, `!`, `?` or `…` (with any closing quotes or brackets after it) when
/// white space and a sentence start follow, except after an abbreviation ("Mr.", "U.S."), an
/// initial ("Dmitri S. Peskov") or inside a number ("3.5").
pub fn split_sentences(text: &str, para: Range<usize>, paragraph: usize, abbreviations: &FxHashSet<String>, out: &mut Vec<Sentence>) {
    let s = &text[para.clone()];
    let at = |i: usize| crate::norm::char_at(s, i);
    let ends = |c: char| matches!(c, '.' | '!' | '?' | '\u{2026}');
    let mut start = 0;
    let mut depth: i32 = 0;
    let mut quoted_at_start = false;
    let mut i = 0;
    while let Some(c) = at(i) {
        let n = c.len_utf8();
        match c {
            '\u{201C}' => depth += 1,
            '\u{201D}' => depth = (depth - 1).max(0),
            '"' => {
                // A straight quote opens when it follows a space or starts the text.
                let opens = s[..i].chars().next_back().is_none_or(|p| p.is_whitespace() || p == '(');
                depth = if opens { depth + 1 } else { (depth - 1).max(0) };
            }
            _ => {}
        }
        if ends(c) {
            let mut j = i + n;
            while let Some(d) = at(j).filter(|&d| ends(d) || is_closing(d)) {
                if matches!(d, '\u{201D}' | '"') {
                    depth = (depth - 1).max(0);
                }
                j += d.len_utf8();
            }
            let followed = at(j).is_some_and(char::is_whitespace);
            let mut k = j;
            while let Some(w) = at(k).filter(|w| w.is_whitespace()) {
                k += w.len_utf8();
            }
            let next_starts = at(k).is_some_and(is_sentence_start);
            if followed && next_starts && !(c == '.' && j == i + n && is_abbreviation(s, i, abbreviations)) {
                out.push(Sentence { span: para.start + start..para.start + j, paragraph, quoted: quoted_at_start });
                start = k;
                quoted_at_start = depth > 0;
                i = k;
                continue;
            }
            i = j;
            continue;
        }
        i += n;
    }
    if start < s.len() {
        out.push(Sentence { span: para.start + start..para.end, paragraph, quoted: quoted_at_start });
    }
}

/// Whether the word ending with the period at `dot` is an abbreviation or an initial.
pub(super) fn is_abbreviation(s: &str, dot: usize, abbreviations: &FxHashSet<String>) -> bool {
    let before = &s[..dot];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '\u{201C}' | '\u{2018}'))
        .map_or(0, |i| i + before[i..].chars().next().map_or(1, char::len_utf8));
    let word = &before[word_start..];
    let mut cs = word.chars();
    if let (Some(c), None) = (cs.next(), cs.next())
        && c.is_uppercase()
    {
        return true; // an initial
    }
    abbreviations.contains(word)
}
