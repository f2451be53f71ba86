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
#[inline]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return is_ascii_word_byte(c as u8);
    }
    c.is_alphanumeric() || c == '_' || unicode_normalization::char::is_combining_mark(c)
}

/// [`is_word_char`] for an ASCII byte (false for any other byte): the byte loops' fast path.
#[inline]
pub fn is_ascii_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The char at byte `i` of `s` (which must be a char boundary), decoding only when it is not
/// ASCII.
#[inline]
pub fn char_at(s: &str, i: usize) -> Option<char> {
    let &b = s.as_bytes().get(i)?;
    if b < 0x80 { Some(b as char) } else { s[i..].chars().next() }
}

/// The ASCII bytes `char::is_whitespace` accepts.
fn is_ascii_space(b: u8) -> bool {
    b == b' ' || (0x09..=0x0d).contains(&b)
}

/// Normalises `src` (see the module docs). `base` is added to every source offset, so a
/// paragraph can be normalised on its own and still map into the whole document.
pub fn normalize(src: &str, base: usize, fold: bool) -> Normalized {
    let mut out = Normalized::default();
    normalize_into(src, base, fold, &mut out);
    out
}

/// [`normalize`] into a reused buffer (cleared first): the tagger's hot path, one byte loop
/// that handles ASCII without decoding.
pub fn normalize_into(src: &str, base: usize, fold: bool, out: &mut Normalized) {
    let Normalized { text, map } = out;
    text.clear();
    map.clear();
    text.reserve(src.len());
    map.reserve(src.len() + 1);
    let bytes = src.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let at = (base + i) as u32;
        let (c, len) = if b < 0x80 {
            (b as char, 1)
        } else {
            let c = src[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
            (c, c.len_utf8())
        };
        if c.is_whitespace() {
            let run_start = i;
            let mut j = i;
            let mut newlines = 0;
            while let Some(w) = src[j..].chars().next().filter(|w| w.is_whitespace()) {
                newlines += usize::from(w == '\n');
                j += w.len_utf8();
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
            if let Some(skip) = middle_initial(&src[j..])
                && capitalised_word_ends_at(src, run_start)
            {
                i = j + skip;
            }
            continue;
        }
        if b < 0x80 {
            // A run of ASCII other than white space (and single spaces inside it): nothing to
            // replace, at most a case fold; copied whole, its offsets mapped one to one.
            let mut j = i + 1;
            loop {
                while j < bytes.len() && bytes[j] < 0x80 && !is_ascii_space(bytes[j]) {
                    j += 1;
                }
                // A single space before more such ASCII normalises to itself, unless a middle
                // initial follows it: the run goes on through it.
                let plain_space = bytes.get(j) == Some(&b' ')
                    && bytes.get(j + 1).is_some_and(|&x| x < 0x80 && !is_ascii_space(x))
                    && middle_initial(&src[j + 1..]).is_none();
                if !plain_space {
                    break;
                }
                j += 1;
            }
            let start = text.len();
            text.push_str(&src[i..j]);
            if fold {
                text[start..].make_ascii_lowercase();
            }
            map.extend(at..at + (j - i) as u32);
            i = j;
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
                text.push(c);
                map.extend((0..len as u32).map(|k| at + k));
            }
        }
        i += len;
    }
    map.push((base + src.len()) as u32);
}

/// After a run of white space: the length of `X. ` when `rest` starts with a capital initial, a
/// full stop and one white space char, followed by a capital.
fn middle_initial(rest: &str) -> Option<usize> {
    let b = rest.as_bytes();
    if b.len() < 3 || !b[0].is_ascii_uppercase() || b[1] != b'.' {
        return None;
    }
    let mut cs = rest[2..].chars();
    let w = cs.next().filter(|w| w.is_whitespace())?;
    cs.next().filter(|c| c.is_uppercase())?;
    Some(2 + w.len_utf8())
}

/// Whether the source word just before byte `end` is capitalised and two or more letters long.
fn capitalised_word_ends_at(src: &str, end: usize) -> bool {
    let before = &src[..end];
    let start = before.char_indices().rev().find(|&(_, c)| c.is_whitespace()).map_or(0, |(k, c)| k + c.len_utf8());
    let mut word = before[start..].chars();
    match word.next() {
        Some(first) if first.is_uppercase() => {
            let rest = word.as_str();
            !rest.is_empty() && rest.chars().all(|c| c.is_alphabetic() || c == '-' || is_apostrophe(c) || c == '\'')
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
    use proptest::prelude::*;

    /// The first, char-by-char implementation: the fast one must agree with it.
    fn reference(src: &str, base: usize, fold: bool) -> Normalized {
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
                    && reference_capitalised(&chars, i_start)
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
    fn reference_capitalised(chars: &[(usize, char)], end: usize) -> bool {
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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Text built from the pieces the normal form treats specially.
        #[test]
        fn fast_path_agrees_with_reference(
            parts in proptest::collection::vec(prop::sample::select(vec![
                "Vladimir", "V.", "Putin", "A", "B.", "x", "Iran", " ", "  ", "\t", "\n", "\n\n", "\u{a0}",
                "\u{2019}", "’s", "–", "-", "İ", "É", "ß", "é", ".", ",", "U.S.", "O'Brien", "\u{2028}", "ǅ",
                "\u{3000}", "Ωmega", "\r\n", "\u{b}", "\u{c}", "\u{85}",
            ]), 0..24),
            base in 0usize..1000,
            fold in any::<bool>(),
        ) {
            let src: String = parts.concat();
            let fast = normalize(&src, base, fold);
            let want = reference(&src, base, fold);
            prop_assert_eq!(&fast.text, &want.text);
            prop_assert_eq!(&fast.map, &want.map);
        }

        #[test]
        fn agrees_on_any_string(src in "\\PC{0,40}", fold in any::<bool>()) {
            let fast = normalize(&src, 0, fold);
            let want = reference(&src, 0, fold);
            prop_assert_eq!(&fast.text, &want.text);
            prop_assert_eq!(&fast.map, &want.map);
        }
    }

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
