//! Stance: how cooperative the claims about a pair are, and who says what. Shared by `compare`
//! and the report, so both score a pair the same way.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

/// How stance is computed, as the outputs say it.
pub const STANCE: &str = "stance is the mean Goldstein value (-10 conflict to +10 cooperation) of the claims stated about the pair; \
a hypothetical claim weighs half, a denied claim or a question adds nothing (a denied threat is not cooperation); \
narration is the outlet's own voice, quoted the speakers it reports";

/// A claim as a stance reads it.
#[derive(Debug, Clone, Copy)]
pub struct Scored<'a> {
    /// Goldstein value of the relation.
    pub goldstein: f64,
    /// Denied by the text.
    pub negated: bool,
    /// `asserted`, `future`, `hypothetical` or `question`.
    pub modality: &'a str,
    /// `cooperative`, `conflictual` or `neutral`.
    pub polarity: &'a str,
}

/// A claim's weight in a stance: denied claims and questions weigh nothing, hypothetical ones
/// half.
fn weight(c: &Scored) -> f64 {
    match (c.negated, c.modality) {
        (true, _) | (_, "question") => 0.0,
        (_, "hypothetical") => 0.5,
        _ => 1.0,
    }
}

/// The stance of some claims (see [`STANCE`]), to two decimals: `None` when none of them
/// weighs anything.
///
/// ```
/// use newsgraph::export::doc::stance::{Scored, stance_of};
/// let threat = Scored { goldstein: -6.0, negated: true, modality: "asserted", polarity: "conflictual" };
/// assert_eq!(stance_of([threat]), None);
/// ```
pub fn stance_of<'a>(claims: impl IntoIterator<Item = Scored<'a>>) -> Option<f64> {
    let (w, s) = claims.into_iter().fold((0.0, 0.0), |(w, s), c| (w + weight(&c), s + weight(&c) * c.goldstein));
    (w > 0.0).then(|| (s / w * 100.0).round() / 100.0)
}

/// What one speaker is reported as claiming about a pair, across sources.
#[derive(Debug, Clone, Serialize)]
pub struct SpeakerRow {
    /// Speaker label, or `narration` for the outlets' own voice.
    pub speaker: String,
    /// Claims, not copies.
    pub claims: usize,
    /// Sources that report them.
    pub sources: usize,
    /// Cooperative, not denied.
    pub cooperative: usize,
    /// Conflictual, not denied.
    pub conflictual: usize,
    /// Denied.
    pub denied: usize,
    /// Stance (see [`STANCE`]).
    pub stance: Option<f64>,
}

/// Who says what: the claims of each speaker (`None`: the outlet's narration), given as
/// (speaker label, document, claim) with copies already left out; most claims first.
pub fn who_says_what<'a>(claims: impl IntoIterator<Item = (Option<String>, &'a str, Scored<'a>)>) -> Vec<SpeakerRow> {
    let mut by: BTreeMap<String, (Vec<Scored<'a>>, BTreeSet<&'a str>)> = BTreeMap::new();
    for (speaker, document, c) in claims {
        let e = by.entry(speaker.unwrap_or_else(|| "narration".into())).or_default();
        e.0.push(c);
        e.1.insert(document);
    }
    let mut rows: Vec<SpeakerRow> = by
        .into_iter()
        .map(|(speaker, (cs, docs))| {
            let count = |p: &str| cs.iter().filter(|c| !c.negated && c.polarity == p).count();
            SpeakerRow {
                speaker,
                claims: cs.len(),
                sources: docs.len(),
                cooperative: count("cooperative"),
                conflictual: count("conflictual"),
                denied: cs.iter().filter(|c| c.negated).count(),
                stance: stance_of(cs.iter().copied()),
            }
        })
        .collect();
    rows.sort_by(|x, y| y.claims.cmp(&x.claims).then(x.speaker.cmp(&y.speaker)));
    rows
}
