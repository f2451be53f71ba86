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

use std::borrow::Cow;

use super::doc::{ClaimRec, DocumentRec, Filed, Names, record};
use crate::error::{Error, Result};
use crate::gazetteer::{Gazetteer, How};
use crate::graph::{Analysis, Window};
use crate::relations::{Claim, Lexicon, Modality};

/// The schema name of a partial record. Version 4 added the text the store keeps
/// (`text`); records of version 3 are still read, and merge into everything but a store.
pub const PART_SCHEMA: &str = "newsgraph.part/4";

/// The earlier schema still read.
const PART_SCHEMA_3: &str = "newsgraph.part/3";

/// A partial record; its claims are [`ClaimRec`]s, as `graph.json` writes them, borrowed when
/// written (over borrowed strings) and owned when read, with no id or copy yet (those come when
/// the graph is finished).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartRecord<C> {
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
    claims: Vec<C>,
    /// What the store keeps of the text (see [`crate::graph::Detail`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<PartText>,
    /// Names the gazetteer does not know (see [`crate::discover::Found`]); records written
    /// before discovery have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    names: Option<crate::discover::Found>,
}

/// A document's text as the store keeps it: sentences (start, end, paragraph, whether
/// quoted, the words), paragraphs, and mentions (start, end, entity id, how it matched).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartText {
    sentences: Vec<(usize, usize, usize, bool, String)>,
    paragraphs: Vec<[usize; 2]>,
    mentions: Vec<(usize, usize, String, String)>,
}

/// The gazetteer and lexicon, as the [`Names`] a claim record gives a claim's indices.
pub(crate) struct Lookup<'g> {
    pub(crate) gaz: &'g Gazetteer,
    pub(crate) lex: &'g Lexicon,
}

impl Names for Lookup<'_> {
    fn entity(&self, e: u32) -> &str {
        &self.gaz.entities[e as usize].id
    }
    fn relation(&self, r: usize) -> &crate::relations::RelationType {
        &self.lex.relations[r]
    }
    fn cue(&self, c: usize) -> (&str, Cow<'_, str>) {
        let cue = &self.lex.cues[c];
        (&cue.text, Cow::Owned(cue.origin.to_string()))
    }
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
    let names = Lookup { gaz, lex };
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
            .map(|(c, sentence, cue)| {
                let filed = Filed { id: Cow::Borrowed(""), document: &a.info.id, states: (gaz.state_of(c.subject), gaz.state_of(c.object)), copy_of: None };
                record(&names, c, filed, Cow::Borrowed(sentence), Cow::Borrowed(cue))
            })
            .collect(),
        text: a.detail.as_deref().map(|d| PartText {
            sentences: d.sentences.iter().map(|(s, t)| (s.span.start, s.span.end, s.paragraph, s.quoted, t.clone())).collect(),
            paragraphs: d.paragraphs.iter().map(|p| [p.start, p.end]).collect(),
            mentions: d.mentions.iter().map(|m| (m.start, m.end, id(m.entity), m.how.as_str().to_string())).collect(),
        }),
        names: (!a.names.occurrences.is_empty()).then(|| a.names.clone()),
    };
    serde_json::to_string(&rec).expect("partial record serialises")
}

/// Reads one partial record; `place` (`file:line`) names it in errors. The record must have
/// been made with the same gazetteer.
pub fn parse_line(line: &str, place: &str, gaz: &Gazetteer, lex: &Lexicon) -> Result<(Analysis, Window)> {
    let bad = |m: String| Error::input(place, m);
    let rec: PartRecord<ClaimRec> = serde_json::from_str(line).map_err(|e| bad(format!("not a partial record: {e}")))?;
    if rec.schema != PART_SCHEMA && rec.schema != PART_SCHEMA_3 {
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
        let cue = lex
            .cues
            .iter()
            .position(|q| q.relation == relation && q.text == c.cue_phrase && q.origin.to_string() == c.rule)
            .ok_or_else(|| bad(format!("cue {:?} ({}) is not in this relation lexicon", c.cue_phrase, c.rule)))?;
        let modality = MODALITIES.into_iter().find(|m| m.as_str() == c.modality).ok_or_else(|| bad(format!("unknown modality {:?}", c.modality)))?;
        let pairing = crate::relations::pairing_rule(&c.pairing).ok_or_else(|| bad(format!("unknown pairing rule {:?}", c.pairing)))?;
        let range = |p: [usize; 2]| p[0]..p[1];
        let agent = |a: &Option<String>| -> Result<Option<crate::relations::AgentKind>> {
            a.as_deref().map(|k| crate::relations::AgentKind::named(k).ok_or_else(|| bad(format!("unknown agent kind {k:?}")))).transpose()
        };
        let claim = Claim {
            subject: entity(&c.subject)?,
            object: entity(&c.object)?,
            relation,
            cue,
            negated: c.negated,
            modality,
            speaker: c.speaker.as_deref().map(entity).transpose()?,
            sentence: range(c.spans.sentence),
            subject_span: range(c.spans.subject),
            object_span: range(c.spans.object),
            cue_span: range(c.spans.cue),
            pairing,
            confidence: c.confidence.map_or(0, |x| (x * 100.0).round().clamp(0.0, 100.0) as u8),
            subject_agent: agent(&c.subject_agent)?,
            object_agent: agent(&c.object_agent)?,
        };
        claims.push((claim, c.sentence, c.cue));
    }
    let detail = match rec.text {
        None => None,
        Some(t) => {
            let mut mentions = Vec::with_capacity(t.mentions.len());
            for (start, end, e, h) in t.mentions {
                let how = HOWS.into_iter().find(|x| x.as_str() == h).ok_or_else(|| bad(format!("unknown match kind {h:?}")))?;
                mentions.push(crate::tagger::Mention { entity: entity(&e)?, start, end, how });
            }
            let sentences =
                t.sentences.into_iter().map(|(a, b, paragraph, quoted, text)| (crate::text::Sentence { span: a..b, paragraph, quoted }, text)).collect();
            Some(Box::new(crate::graph::Detail { sentences, paragraphs: t.paragraphs.into_iter().map(|[a, b]| a..b).collect(), mentions }))
        }
    };
    let mut names = rec.names.unwrap_or_default();
    (names.id, names.published) = (info.id.clone(), info.published.map(|d| d.to_string()));
    Ok((Analysis { info, counts, windows: rec.windows, entity_windows, pairs, claims, detail, names }, window))
}
