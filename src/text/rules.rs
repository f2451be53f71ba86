//! The text rules (`[text]` in the gazetteer folder): boilerplate markers that end or drop
//! lines, and abbreviations that take a period without ending a sentence.

use serde::{Deserialize, Serialize};

/// The built-in rules, for a gazetteer folder without a `[text]` table.
const DEFAULT_TEXT: &str = include_str!("../../gazetteer/text.toml");

/// Boilerplate markers and abbreviations, used when reading article text.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TextRules {
    /// A line equal to one of these ends the article.
    pub tail_markers: Vec<String>,
    /// A line starting with one of these ends the article ("Originally published as …").
    pub tail_prefixes: Vec<String>,
    /// A line equal to one of these is dropped.
    pub drop_lines: Vec<String>,
    /// Words that take a period without ending a sentence.
    pub abbreviations: Vec<String>,
    /// The lists above as the reader compares them, made on first use (so the lists are not
    /// to be changed once text has been read with them).
    #[serde(skip)]
    keys: std::sync::OnceLock<TextKeys>,
}

/// [`TextRules`] ready for lookups: marker keys (see `text::marker_key`) in sets.
#[derive(Debug, Clone, Default)]
pub struct TextKeys {
    /// Keys of the tail markers.
    pub tails: rustc_hash::FxHashSet<String>,
    /// Keys of the tail prefixes.
    pub prefixes: Vec<String>,
    /// Keys of the dropped lines.
    pub drops: rustc_hash::FxHashSet<String>,
    /// The abbreviations, as written.
    pub abbreviations: rustc_hash::FxHashSet<String>,
}

impl TextRules {
    /// The rules of a `[text]` table.
    pub fn from_table(t: TextTable) -> TextRules {
        TextRules {
            tail_markers: t.tail_markers,
            tail_prefixes: t.tail_prefixes,
            drop_lines: t.drop_lines,
            abbreviations: t.abbreviations,
            keys: Default::default(),
        }
    }

    /// The built-in rules (`gazetteer/text.toml`, compiled in).
    pub fn builtin() -> TextRules {
        #[derive(Deserialize)]
        struct File {
            text: TextTable,
        }
        let file: File = toml::from_str(DEFAULT_TEXT).expect("the built-in text.toml is valid");
        TextRules::from_table(file.text)
    }

    /// The rules as the reader compares them (made once, on first use).
    pub fn keys(&self) -> &TextKeys {
        self.keys.get_or_init(|| TextKeys {
            tails: self.tail_markers.iter().map(|m| marker_key(m)).collect(),
            prefixes: self.tail_prefixes.iter().map(|m| marker_key(m)).collect(),
            drops: self.drop_lines.iter().map(|m| marker_key(m)).collect(),
            abbreviations: self.abbreviations.iter().cloned().collect(),
        })
    }
}

/// The `[text]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextTable {
    #[serde(default)]
    tail_markers: Vec<String>,
    #[serde(default)]
    tail_prefixes: Vec<String>,
    #[serde(default)]
    drop_lines: Vec<String>,
    #[serde(default)]
    abbreviations: Vec<String>,
}

/// A marker line as compared: trimmed of spaces and trailing punctuation, lowercased.
pub fn marker_key(line: &str) -> String {
    let mut key = String::new();
    marker_key_into(line, &mut key);
    key
}

/// [`marker_key`] into a reused buffer (no allocation for an ASCII line).
pub(super) fn marker_key_into(line: &str, key: &mut String) {
    let trimmed = line.trim().trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
    key.clear();
    if trimmed.is_ascii() {
        key.push_str(trimmed);
        key.make_ascii_lowercase();
    } else if trimmed.contains('Σ') {
        // str's own lowercase (a final sigma differs from a char-by-char one).
        key.push_str(&trimmed.to_lowercase());
    } else {
        // ASCII runs lowercased in place, other chars one by one.
        let mut rest = trimmed;
        while !rest.is_empty() {
            let n = rest.bytes().position(|b| b >= 0x80).unwrap_or(rest.len());
            let at = key.len();
            key.push_str(&rest[..n]);
            key[at..].make_ascii_lowercase();
            rest = &rest[n..];
            if let Some(c) = rest.chars().next() {
                key.extend(c.to_lowercase());
                rest = &rest[c.len_utf8()..];
            }
        }
    }
}
