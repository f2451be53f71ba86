//! Documents and their text: reading inputs, metadata, boilerplate, repeats and sentences.
//!
//! The text of a document is never rewritten: everything here describes it by byte ranges
//! (paragraphs kept, sentences), so every later span points into the text as read.

use std::ops::Range;

use sha2::{Digest, Sha256};

use crate::date::Date;

mod corpus;
mod layout;
mod page;
mod rules;
mod warc;

mod dateline;
pub use corpus::{Corpus, InputFormat, Item, ReadOptions, meta_from_text, pages_without_text, parse_record, read_inputs};
pub use dateline::{Dateline, dateline, url_year};
pub use layout::{MAX_PARAGRAPH, layout, paragraphs, split_sentences};
pub use page::{Article, MAX_DEPTH, Page, article, decode, feed_documents};
pub use rules::{TextKeys, TextRules, TextTable, marker_key};
pub use warc::{Archive, MAX_HEADER, MAX_PAGE, ReadSeek};

/// What is known about a document besides its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// Headline.
    pub title: Option<String>,
    /// Publication (outlet) name.
    pub outlet: Option<String>,
    /// Where it was published.
    pub url: Option<String>,
    /// Publication date; role phrases resolve against it.
    pub published: Option<Date>,
    /// The agency that provides the story, from its dateline ("Reuters" in "MOSCOW, June 22
    /// (Reuters) -"): a source, never an actor.
    pub provider: Option<String>,
    /// Where the story was filed from, by its dateline.
    pub place: Option<String>,
}

/// One input document.
#[derive(Debug, Clone)]
pub struct Document {
    /// Stable id: the file stem, or the JSON Lines `id`.
    pub id: String,
    /// Where it was read from (`path`, `path:line` for JSON Lines, `-` for stdin).
    pub path: String,
    /// The text as read.
    pub text: String,
    /// Metadata from a manifest, the JSON Lines record or the text itself.
    pub meta: Meta,
}

impl Document {
    /// `sha256` hex digest of the text.
    pub fn sha256(&self) -> String {
        crate::hex(&Sha256::digest(self.text.as_bytes()))
    }
}

/// A sentence: a byte range of the document text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte range in the document text.
    pub span: Range<usize>,
    /// Index of its paragraph in [`Layout::paragraphs`].
    pub paragraph: usize,
    /// Whether it starts inside a quotation.
    pub quoted: bool,
}

/// How a document's text divides into what is read and what is not.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Paragraphs that are read (each a line of text, trimmed), in order.
    pub paragraphs: Vec<Range<usize>>,
    /// Sentences of the kept paragraphs, in order; together they cover every kept paragraph.
    pub sentences: Vec<Sentence>,
    /// Paragraphs skipped because the same words stood earlier in the document.
    pub repeated: usize,
    /// Byte offset where trailing boilerplate starts, if any was cut.
    pub tail_from: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::corpus::*;
    use super::layout::*;
    use super::*;
    use rustc_hash::FxHashSet;

    proptest::proptest! {
        /// A paragraph's repeat key holds exactly the words `split_whitespace` finds.
        #[test]
        fn words_key_holds_the_words(line in "[a-zA-Z.,’é\u{1}\u{b}\u{c}\u{a0}\u{3000}\u{85} \t\r]{0,40}") {
            let line = line.trim();
            let mut key = Vec::new();
            words_key(line, &mut key);
            let want: Vec<u8> = line.split_whitespace().collect::<Vec<_>>().join(" ").into_bytes();
            proptest::prop_assert_eq!(key, want);
        }

        /// Lowercasing char by char agrees with `str::to_lowercase` where it is used.
        #[test]
        fn marker_keys_lowercase_as_str_does(line in "[a-zA-ZİΣσΑÉé’ .!]{0,30}") {
            let trimmed = line.trim().trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
            proptest::prop_assert_eq!(marker_key(&line), trimmed.to_lowercase());
        }
    }

    fn rules() -> TextRules {
        TextRules::builtin()
    }

    /// The sentence splitter as first written (a `Vec` of chars): the reference for the
    /// byte-walking [`split_sentences`].
    fn reference_split(text: &str, para: Range<usize>, abbreviations: &FxHashSet<String>) -> Vec<(Range<usize>, bool)> {
        let mut out = Vec::new();
        let s = &text[para.clone()];
        let chars: Vec<(usize, char)> = s.char_indices().collect();
        let (mut start, mut depth, mut i, mut quoted) = (0, 0i32, 0, false);
        while i < chars.len() {
            let (off, c) = chars[i];
            match c {
                '\u{201C}' => depth += 1,
                '\u{201D}' => depth = (depth - 1).max(0),
                '"' => {
                    let opens = i == 0 || chars[i - 1].1.is_whitespace() || chars[i - 1].1 == '(';
                    depth = if opens { depth + 1 } else { (depth - 1).max(0) };
                }
                _ => {}
            }
            if matches!(c, '.' | '!' | '?' | '\u{2026}') {
                let mut j = i + 1;
                while j < chars.len() && (matches!(chars[j].1, '.' | '!' | '?' | '\u{2026}') || is_closing(chars[j].1)) {
                    if matches!(chars[j].1, '\u{201D}' | '"') {
                        depth = (depth - 1).max(0);
                    }
                    j += 1;
                }
                let followed = j < chars.len() && chars[j].1.is_whitespace();
                let mut k = j;
                while k < chars.len() && chars[k].1.is_whitespace() {
                    k += 1;
                }
                let next_starts = k < chars.len() && is_sentence_start(chars[k].1);
                if followed && next_starts && !(c == '.' && j == i + 1 && is_abbreviation(s, off, abbreviations)) {
                    let end = chars.get(j).map_or(s.len(), |&(o, _)| o);
                    out.push((para.start + start..para.start + end, quoted));
                    start = chars[k].0;
                    quoted = depth > 0;
                    i = k;
                    continue;
                }
                i = j;
                continue;
            }
            i += 1;
        }
        if start < s.len() {
            out.push((para.start + start..para.end, quoted));
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The splitter agrees with the reference on text made of what steers it: ends,
        /// closing quotes and brackets, spaces, capitals, initials and abbreviations.
        #[test]
        fn split_sentences_matches_reference(text in "[aA .!?…\"“”’'()\\[\\]\nÉé1Mr]{0,40}") {
            let abbreviations: FxHashSet<String> = ["Mr".to_string(), "a".to_string()].into_iter().collect();
            let mut got = Vec::new();
            split_sentences(&text, 0..text.len(), 0, &abbreviations, &mut got);
            let got: Vec<(Range<usize>, bool)> = got.into_iter().map(|s| (s.span, s.quoted)).collect();
            proptest::prop_assert_eq!(got, reference_split(&text, 0..text.len(), &abbreviations));
        }
    }

    fn sentences(text: &str) -> Vec<&str> {
        let l = layout(text, &rules());
        l.sentences.iter().map(|s| &text[s.span.clone()]).collect()
    }

    #[test]
    fn sentence_cases() {
        let cases: &[(&str, &[&str])] = &[
            ("Mr. Putin met Dr. Raisi. They talked.", &["Mr. Putin met Dr. Raisi.", "They talked."]),
            ("Dmitri S. Peskov said so. Then he left.", &["Dmitri S. Peskov said so.", "Then he left."]),
            ("The U.S. Navy and the U.N. agreed. Fine.", &["The U.S. Navy and the U.N. agreed.", "Fine."]),
            ("It rose 3.5 per cent. Then fell.", &["It rose 3.5 per cent.", "Then fell."]),
            ("Lt. General Qassem Soleimani died. St. Petersburg mourned.", &["Lt. General Qassem Soleimani died.", "St. Petersburg mourned."]),
            ("“We consult each other. We coordinate,” he said. Iran agreed.", &["“We consult each other.", "We coordinate,” he said.", "Iran agreed."]),
            ("He asked: “Why?” Nobody knew!", &["He asked: “Why?”", "Nobody knew!"]),
            ("Netanyahu is lying… Netanyahu is waiting.", &["Netanyahu is lying…", "Netanyahu is waiting."]),
            ("no final stop here", &["no final stop here"]),
            ("Ends with lower. then continues", &["Ends with lower. then continues"]),
        ];
        for (text, want) in cases {
            assert_eq!(sentences(text), *want, "{text}");
        }
    }

    #[test]
    fn quoted_sentences_are_marked() {
        let text = "“We consult each other. We coordinate,” he said. Iran agreed.";
        let l = layout(text, &rules());
        let q: Vec<bool> = l.sentences.iter().map(|s| s.quoted).collect();
        assert_eq!(q, [false, true, false]);
    }

    #[test]
    fn json_lines_records() {
        // (line, Ok((id, text, outlet)) or Err(message part))
        type Want<'a> = std::result::Result<(&'a str, &'a str, Option<&'a str>), &'a str>;
        let cases: &[(&str, Want)] = &[
            (r#"{"id":"a","text":"Russia."}"#, Ok(("a", "Russia.", None))),
            (r#"{"id":7,"text":"\ufeffRussia.","outlet":" TASS "}"#, Ok(("7", "Russia.", Some("TASS")))),
            (r#"{"id":" b ","text":"x","text":"last wins"}"#, Ok(("b", "last wins", None))),
            (
                r#"{"id":"c","text":"Head\nThis originally appeared in The Times.\n"}"#,
                Ok(("c", "Head\nThis originally appeared in The Times.\n", Some("The Times"))),
            ),
            (r#"{"id":"d","text":5}"#, Err("record has no \"text\" string")),
            (r#"{"id":"","text":"x"}"#, Err("record has no \"id\"")),
            (r#"["id","text"]"#, Err("record is not a JSON object")),
            (r#"{"id":"e","#, Err("f.jsonl:3")),
        ];
        for (line, want) in cases {
            match (parse_record(line, "f.jsonl:3"), want) {
                (Ok(doc), Ok((id, text, outlet))) => {
                    assert_eq!((doc.id.as_str(), doc.text.as_str(), doc.meta.outlet.as_deref()), (*id, *text, *outlet), "{line}")
                }
                (Err(e), Err(part)) => assert!(e.to_string().starts_with("f.jsonl:3") && e.to_string().contains(part), "{line}: {e}"),
                (got, _) => panic!("{line}: {:?}", got.map(|d| d.text)),
            }
        }
    }

    #[test]
    fn paragraphs_are_layout_without_sentences() {
        let texts = [
            "Title\n\nSpread the love\nA caption. Picture: AFP\nA caption. Picture: AFP\nBody text. More.\nYou may also like\nUnrelated headline about Iran\n",
            "One. Two.\n\nThree.",
            "",
        ];
        for text in texts {
            let (full, bare) = (layout(text, &rules()), paragraphs(text, &rules()));
            assert_eq!((&bare.paragraphs, bare.repeated, bare.tail_from), (&full.paragraphs, full.repeated, full.tail_from), "{text}");
            assert!(bare.sentences.is_empty() && (text.is_empty() || !full.sentences.is_empty()), "{text}");
        }
    }

    #[test]
    fn repeats_widgets_and_tails_are_dropped() {
        let text = "Title\n\nSpread the love\nA caption. Picture: AFP\nA caption. Picture: AFP\nBody text.\nYou may also like\nUnrelated headline about Iran\n";
        let l = layout(text, &rules());
        let paras: Vec<&str> = l.paragraphs.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(paras, ["Title", "A caption. Picture: AFP", "Body text."]);
        assert_eq!(l.repeated, 1);
        assert_eq!(l.tail_from, Some(text.find("You may").unwrap()));
    }

    #[test]
    fn long_lines_are_read_in_pieces() {
        let sentence = "Russia and Iran met again. ";
        let text = sentence.repeat(MAX_PARAGRAPH * 3 / sentence.len());
        let l = layout(&text, &rules());
        assert!(l.paragraphs.len() >= 3);
        assert!(l.paragraphs.iter().all(|p| p.len() <= MAX_PARAGRAPH && text.is_char_boundary(p.start) && text.is_char_boundary(p.end)));
        // Pieces cover the line without gaps, cut after a sentence.
        for w in l.paragraphs.windows(2) {
            assert_eq!(w[0].end, w[1].start);
            assert!(text[..w[0].end].ends_with(". "));
        }
        let unbroken = "x".repeat(MAX_PARAGRAPH * 2 + 5);
        let l = layout(&unbroken, &rules());
        assert_eq!(l.paragraphs.iter().map(|p| p.len()).sum::<usize>(), unbroken.len());
    }

    #[test]
    fn metadata_found_in_text() {
        let mut m = Meta::default();
        meta_from_text("Head\nbody\nThis article originally appeared in The New York Times.\nOriginal URL: https://x.example/a\n", &mut m);
        assert_eq!(m.outlet.as_deref(), Some("The New York Times"));
        assert_eq!(m.url.as_deref(), Some("https://x.example/a"));
        assert_eq!(m.title.as_deref(), Some("Head"));
    }
}
