//! newsgraph turns news articles into a knowledge graph: who (people, states, organisations)
//! is mentioned with whom, and what relations the articles *claim* between them, each claim
//! with its evidence.
//!
//! The flow, one folder per stage; a document moves down this list and never back:
//!
//! 1. [`gazetteer`]: load and validate the data folder (entities, aliases, roles) once, and hand
//!    each stage its table ([`text::TextRules`], [`export::Style`], the lexicon's sources);
//! 2. [`text`]: read documents, drop boilerplate and repeats, split sentences, by byte ranges;
//! 3. [`tagger`]: find mentions with one Aho-Corasick automaton (the `aho-corasick` crate) of
//!    every alias, with whole-word, case, role and ambiguity rules around it;
//! 4. [`relations`]: find claims between the mentioned actors: cues from the lexicon, then the
//!    pairing rules, tried in order, each claim recording the rule that paired it;
//! 5. [`graph`]: fold mentions and claims into a petgraph model, copies marked;
//! 6. [`export`]: `graph.json` ([`export::GraphDoc`]) and every other format rendered from it;
//! 7. [`compare`]: line sources up on what they claim about a pair, from a `GraphDoc`;
//!
//! with [`pipeline`] running the stages for each command and [`cli`] (the only user of clap,
//! the environment and the terminal) on top.
//!
//! # Semantics, by example
//!
//! Mentions are whole words, leftmost-longest, and spans are byte ranges into the text as
//! read. A claim names its actors, its relation, the cue phrase and the lexicon line it came
//! from, and the pairing rule that linked the actors:
//!
//! ```
//! use newsgraph::gazetteer::Gazetteer;
//! use newsgraph::relations::{Lexicon, extract};
//! use newsgraph::tagger::{CaseMode, Tagger};
//! use newsgraph::text::layout;
//!
//! let gazetteer = Gazetteer::from_toml(
//!     "mini.toml",
//!     r#"
//! [[entity]]
//! id = "russia"
//! name = "Russia"
//! type = "state"
//! demonyms = ["Russian"]
//!
//! [[entity]]
//! id = "iran"
//! name = "Iran"
//! type = "state"
//! "#,
//! )?;
//! let tagger = Tagger::new(&gazetteer, CaseMode::Default)?;
//! let lexicon = Lexicon::builtin()?;
//!
//! let text = "Russia and Iran have a complicated relationship, Iranians say.";
//! let layout = layout(text, &gazetteer.text);
//! let mentions = tagger.tag(text, &layout.paragraphs, None);
//! // "Iranians" is not "Iran": a match never ends inside a word.
//! let found: Vec<&str> = mentions.iter().map(|m| m.text(text)).collect();
//! assert_eq!(found, ["Russia", "Iran"]);
//!
//! let claims = extract(text, &layout, &mentions, &gazetteer, &lexicon);
//! let c = &claims[0];
//! let id = |e: u32| gazetteer.entities[e as usize].id.as_str();
//! assert_eq!((id(c.subject), lexicon.relations[c.relation].id.as_str(), id(c.object)), ("iran", "rift", "russia"));
//! assert_eq!(&text[c.cue_span.clone()], "complicated relationship");
//! assert_eq!(c.pairing, "group-before"); // a group right before the cue pairs within itself
//! assert!(lexicon.cues[c.cue].origin.to_string().starts_with("gazetteer/relations.toml:"));
//! # Ok::<(), newsgraph::Error>(())
//! ```

pub mod cli;
pub mod compare;
pub mod date;
pub mod discover;
pub mod error;
pub mod export;
pub mod files;
pub mod gazetteer;
pub mod graph;
pub mod norm;
pub mod pipeline;
pub mod relations;
pub mod store;
pub mod tagger;
pub mod text;

pub use error::{Error, ErrorKind, Result};

/// A count with its noun, singular for one: `count(1, "claim", "claims")` is "1 claim".
///
/// ```
/// assert_eq!(newsgraph::count(1, "copy", "copies"), "1 copy");
/// assert_eq!(newsgraph::count(0, "copy", "copies"), "0 copies");
/// ```
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A pair's claims, one count everywhere: all of them, copies included, and how many are copies.
///
/// ```
/// assert_eq!(newsgraph::claims_count(69, 8), "69 claims, of which 8 copies");
/// assert_eq!(newsgraph::claims_count(1, 0), "1 claim");
/// ```
pub fn claims_count(claims: usize, copies: usize) -> String {
    let mut s = count(claims, "claim", "claims");
    if copies > 0 {
        s.push_str(&format!(", of which {}", count(copies, "copy", "copies")));
    }
    s
}

/// Lowercase hex of a digest.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
