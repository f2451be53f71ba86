//! newsgraph turns news articles into a knowledge graph of who is mentioned with whom.
//!
//! The flow, one module per stage; a document moves down this list and never back:
//!
//! 1. [`gazetteer`]: load and validate the entities, aliases, roles and data files;
//! 2. [`text`]: read documents, drop boilerplate and repeats, split sentences;
//! 3. [`tagger`]: find mentions with one Aho-Corasick automaton;
//! 4. [`relations`]: find stated relations (claims) between the mentioned actors;
//! 5. [`graph`]: fold mentions and claims into a petgraph model;
//! 6. [`export`]: write `graph.json`, `graph.dot`, `graph.svg`;
//! 7. [`compare`]: line sources up on what they claim about a pair;
//!
//! with [`pipeline`] running the stages and [`cli`] (the only user of clap) on top.

pub mod cli;
pub mod compare;
pub mod date;
pub mod error;
pub mod export;
pub mod files;
pub mod gazetteer;
pub mod graph;
pub mod norm;
pub mod pipeline;
pub mod relations;
pub mod tagger;
pub mod text;

pub use error::{Error, ErrorKind, Result};

/// Lowercase hex of a digest.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
