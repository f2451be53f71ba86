//! Partial records: one analysed document as a line of JSON, what `newsgraph map` writes and
//! `newsgraph merge` folds into the graph.
//!
//! A record holds everything the graph takes from its document (metadata, mention counts,
//! co-mention counts, claims with their sentences) and nothing else, with entities, relations
//! and cues named by id, so a record can be checked against the gazetteer that merges it.
//! [`to_line`] and [`parse_line`] are exact inverses on an [`Analysis`]: merging the records of
//! any sharding gives the graph one `build` over the same documents gives.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::doc::DocumentRec;
use crate::error::{Error, Result};
use crate::gazetteer::{Gazetteer, How};
use crate::graph::{Analysis, Window};
use crate::relations::{Claim, Lexicon, Modality};

/// The schema name of a partial record.
pub const PART_SCHEMA: &str = "newsgraph.part/2";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartRecord {
    schema: String,
    /// Digest of the gazetteer (and lexicon) files that analysed the document.
    gazetteer: String,
    window: String,
    /// The document, as `graph.json` describes it.
    document: DocumentRec,
    /// Windows holding at least one mention.
    windows: u64,
    /// Mentions per entity id, by how they matched.
    mentions: BTreeMap<String, BTreeMap<String, u32>>,
    /// Windows per entity id.
    entity_windows: BTreeMap<String, u32>,
    /// Co-mentions: [entity, entity, shared windows].
    pairs: Vec<(String, String, u32)>,
    claims: Vec<PartClaim>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartClaim {
    subject: String,
    object: String,
    relation: String,
    /// Index of the cue in the lexicon, and the lexicon line it is at (checked on merge).
    cue: usize,
    rule: String,
    /// The pairing rule that linked the actors.
    pairing: String,
    negated: bool,
    modality: String,
    speaker: Option<String>,
    sentence: String,
    cue_text: String,
    spans: [[usize; 2]; 4],
}

const HOWS: [How; 5] = [How::Name, How::Alias, How::Demonym, How::Metonym, How::Role];
const MODALITIES: [Modality; 4] = [Modality::Asserted, Modality::Future, Modality::Hypothetical, Modality::Question];
const WINDOWS: [Window; 3] = [Window::Sentence, Window::Paragraph, Window::Document];

/// The window named `name` in outputs and records.
pub fn window_named(name: &str) -> Option<Window> {
    WINDOWS.into_iter().find(|w| w.as_str() == name)
}

/// One analysed document as a line of JSON (no newline).
pub fn to_line(a: &Analysis, window: Window, gaz: &Gazetteer, lex: &Lexicon) -> String {
    let id = |e: u32| gaz.entities[e as usize].id.clone();
    let rec = PartRecord {
        schema: PART_SCHEMA.into(),
        gazetteer: gaz.digest.clone(),
        window: window.as_str().into(),
        document: DocumentRec::from_info(&a.info),
        windows: a.windows,
        mentions: a.counts.iter().map(|(&e, hows)| (id(e), hows.iter().map(|(h, &c)| (h.as_str().to_string(), c)).collect())).collect(),
        entity_windows: a.entity_windows.iter().map(|(&e, &w)| (id(e), w)).collect(),
        pairs: a.pairs.iter().map(|(&(x, y), &w)| (id(x), id(y), w)).collect(),
        claims: a
            .claims
            .iter()
            .map(|(c, sentence, cue_text)| {
                let pair = |r: &std::ops::Range<usize>| [r.start, r.end];
                PartClaim {
                    subject: id(c.subject),
                    object: id(c.object),
                    relation: lex.relations[c.relation].id.clone(),
                    cue: c.cue,
                    rule: lex.cues[c.cue].origin.to_string(),
                    pairing: c.pairing.into(),
                    negated: c.negated,
                    modality: c.modality.as_str().into(),
                    speaker: c.speaker.map(id),
                    sentence: sentence.clone(),
                    cue_text: cue_text.clone(),
                    spans: [pair(&c.sentence), pair(&c.subject_span), pair(&c.object_span), pair(&c.cue_span)],
                }
            })
            .collect(),
    };
    serde_json::to_string(&rec).expect("partial record serialises")
}

/// Reads one partial record; `place` (`file:line`) names it in errors. The record must have
/// been made with the same gazetteer.
pub fn parse_line(line: &str, place: &str, gaz: &Gazetteer, lex: &Lexicon) -> Result<(Analysis, Window)> {
    let bad = |m: String| Error::input(place, m);
    let rec: PartRecord = serde_json::from_str(line).map_err(|e| bad(format!("not a partial record: {e}")))?;
    if rec.schema != PART_SCHEMA {
        return Err(bad(format!("schema {:?} is not {PART_SCHEMA}", rec.schema)));
    }
    if rec.gazetteer != gaz.digest {
        return Err(bad(format!("mapped with gazetteer {}, but merging with {}: map and merge must use the same gazetteer", rec.gazetteer, gaz.digest)));
    }
    let window = window_named(&rec.window).ok_or_else(|| bad(format!("unknown window {:?}", rec.window)))?;
    let entity = |id: &str| gaz.index_of(id).map(|i| i as u32).ok_or_else(|| bad(format!("entity {id:?} is not in the gazetteer")));
    let info = rec.document.into_info().map_err(bad)?;
    let mut counts = BTreeMap::new();
    for (e, hows) in rec.mentions {
        let mut m = BTreeMap::new();
        for (h, c) in hows {
            let how = HOWS.into_iter().find(|x| x.as_str() == h).ok_or_else(|| bad(format!("unknown match kind {h:?}")))?;
            m.insert(how, c);
        }
        counts.insert(entity(&e)?, m);
    }
    let mut entity_windows = BTreeMap::new();
    for (e, w) in rec.entity_windows {
        entity_windows.insert(entity(&e)?, w);
    }
    let mut pairs = BTreeMap::new();
    for (x, y, w) in rec.pairs {
        let (x, y) = (entity(&x)?, entity(&y)?);
        pairs.insert((x.min(y), x.max(y)), w);
    }
    let mut claims = Vec::with_capacity(rec.claims.len());
    for c in rec.claims {
        let relation = lex.relations.iter().position(|r| r.id == c.relation).ok_or_else(|| bad(format!("unknown relation {:?}", c.relation)))?;
        let cue = lex.cues.get(c.cue).filter(|q| q.relation == relation && q.origin.to_string() == c.rule);
        if cue.is_none() {
            return Err(bad(format!("cue {} ({}) is not in this relation lexicon", c.cue, c.rule)));
        }
        let modality = MODALITIES.into_iter().find(|m| m.as_str() == c.modality).ok_or_else(|| bad(format!("unknown modality {:?}", c.modality)))?;
        let pairing = crate::relations::pairing_rule(&c.pairing).ok_or_else(|| bad(format!("unknown pairing rule {:?}", c.pairing)))?;
        let range = |p: [usize; 2]| p[0]..p[1];
        let claim = Claim {
            subject: entity(&c.subject)?,
            object: entity(&c.object)?,
            relation,
            cue: c.cue,
            negated: c.negated,
            modality,
            speaker: c.speaker.as_deref().map(entity).transpose()?,
            sentence: range(c.spans[0]),
            subject_span: range(c.spans[1]),
            object_span: range(c.spans[2]),
            cue_span: range(c.spans[3]),
            pairing,
        };
        claims.push((claim, c.sentence, c.cue_text));
    }
    Ok((Analysis { info, counts, windows: rec.windows, entity_windows, pairs, claims }, window))
}
