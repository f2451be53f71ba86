//! The normal form that aliases and text are both matched in.
//!
//! Matching happens on a normalised copy of each paragraph, and every match is mapped back to
//! byte offsets in the original text. The normal form:
//!
//! - curly and modifier apostrophes (’ ‘ ʼ ′) become `'`; the dashes (‐ ‑ ‒ – — −) become `-`;
//! - a run of white space (any Unicode space, no blank line inside) becomes one space;
//! - a middle initial between two capitalised words is dropped: `Vladimir V. Putin` reads
//!   `Vladimir Putin`, so an alias without the initial matches a text with one (and an alias
//!   written with one matches the text without it);
//! - with `fold`, letters are lowercased (Unicode `to_lowercase`).
//!
//! Aliases go through the same function, so both sides always agree.

/// A normalised string with the map back to the source.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// The normalised text.
    pub text: String,
    /// For each byte of `text`, and one past its end: the source byte offset, or `NONE` for a
    /// byte inside a replacement that does not sit on a source character boundary.
    map: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl Normalized {
    /// The source offset of normalised offset `i`, when it falls on a source char boundary.
    pub fn source(&self, i: usize) -> Option<usize> {
        match self.map.get(i) {
            Some(&o) if o != NONE => Some(o as usize),
            _ => None,
        }
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{2032}' | '\u{FF07}')
}

fn is_dash(c: char) -> bool {
    matches!(c, '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}')
}

/// Whether `c` belongs to a word: letters, digits, marks and `_`. Used for whole-word matching.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || unicode_normalization::char::is_combining_mark(c)
}

/// Normalises `src` (see the module docs). `base` is added to every source offset, so a
/// paragraph can be normalised on its own and still map into the whole document.
pub fn normalize(src: &str, base: usize, fold: bool) -> Normalized {
    let mut text = String::with_capacity(src.len());
    let mut map: Vec<u32> = Vec::with_capacity(src.len() + 1);
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (off, c) = chars[i];
        let at = (base + off) as u32;
        if c.is_whitespace() {
            let i_start = i;
            let mut j = i;
            let mut newlines = 0;
            while j < chars.len() && chars[j].1.is_whitespace() {
                newlines += usize::from(chars[j].1 == '\n');
                j += 1;
            }
            if newlines >= 2 {
                // A blank line is a hard break; keep it visible as two newlines.
                text.push_str("\n\n");
                map.push(at);
                map.push(NONE);
            } else {
                text.push(' ');
                map.push(at);
            }
            i = j;
            // Middle initial: "Word X. Word" -> "Word Word".
            if j + 2 < chars.len()
                && chars[j].1.is_ascii_uppercase()
                && chars[j + 1].1 == '.'
                && chars[j + 2].1.is_whitespace()
                && chars.get(j + 3).is_some_and(|&(_, c)| c.is_uppercase())
                && capitalised_word_ends_at(&chars, i_start)
            {
                i = j + 3;
            }
            continue;
        }
        let replacement = if is_apostrophe(c) {
            Some('\'')
        } else if is_dash(c) {
            Some('-')
        } else {
            None
        };
        match replacement {
            Some(r) => {
                text.push(r);
                map.push(at);
            }
            None if fold && c.is_uppercase() => {
                let start = text.len();
                for l in c.to_lowercase() {
                    text.push(l);
                }
                map.push(at);
                map.extend(std::iter::repeat_n(NONE, text.len() - start - 1));
            }
            None => {
                let start = text.len();
                text.push(c);
                for k in 0..(text.len() - start) as u32 {
                    map.push(at + k);
                }
            }
        }
        i += 1;
    }
    map.push((base + src.len()) as u32);
    Normalized { text, map }
}

/// Whether the source word just before `end` is capitalised and two or more letters long.
fn capitalised_word_ends_at(chars: &[(usize, char)], end: usize) -> bool {
    let mut start = end;
    while start > 0 && !chars[start - 1].1.is_whitespace() {
        start -= 1;
    }
    let word = &chars[start..end];
    match word.split_first() {
        Some((&(_, first), rest)) if first.is_uppercase() && !rest.is_empty() => {
            rest.iter().all(|&(_, c)| c.is_alphabetic() || c == '-' || is_apostrophe(c) || c == '\'')
        }
        _ => false,
    }
}

/// The normal form of an alias (no offsets kept).
pub fn normalize_alias(alias: &str, fold: bool) -> String {
    normalize(alias.trim(), 0, fold).text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_forms() {
        let cases = [
            ("Russia’s", false, "Russia's"),
            ("Russia–Iran", false, "Russia-Iran"),
            ("Vladimir V. Putin met", false, "Vladimir Putin met"),
            ("Dmitri S. Peskov", false, "Dmitri Peskov"),
            ("in the U.S. Congress", false, "in the U.S. Congress"),
            ("said A. Smith", false, "said A. Smith"),
            ("New \t York", false, "New York"),
            ("ERDOĞAN", true, "erdoğan"),
            ("a\n\nb", false, "a\n\nb"),
            ("Vladimir V. Putin", true, "vladimir putin"),
        ];
        for (src, fold, want) in cases {
            assert_eq!(normalize(src, 0, fold).text, want, "{src}");
        }
    }

    #[test]
    fn maps_back_to_source() {
        let src = "Vladimir V. Putin’s war";
        let n = normalize(src, 10, false);
        let start = n.text.find("Putin").unwrap();
        assert_eq!(n.source(start), Some(10 + src.find("Putin").unwrap()));
        let end = start + "Putin".len();
        assert_eq!(n.source(end), Some(10 + src.find('’').unwrap()));
        assert_eq!(n.source(n.text.len()), Some(10 + src.len()));
        let folded = normalize("İstanbul", 0, true);
        assert_eq!(folded.source(1), None);
    }
}
