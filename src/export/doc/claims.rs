//! The claims of a graph document: parsed records, or the built graph's compact records made
//! into records one at a time from the evidence file.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize};

use super::{ClaimRec, DocKey, Spans};
use crate::error::{Error, Result};
use crate::gazetteer::Gazetteer;
use crate::graph::{ClaimRecord, Evidence, Graph, claim_id};
use crate::relations::Lexicon;

/// The claims of a graph document. Read from a `graph.json`, they are held in memory; taken
/// from a built [`Graph`], they stay in its compact records and evidence file, and each
/// [`ClaimRec`] is made when it is needed, so writing a graph with millions of claims takes
/// memory for the records, not for their text.
#[derive(Debug, Clone)]
pub struct Claims(pub(super) Source);

#[derive(Debug, Clone)]
pub(super) enum Source {
    Owned(Vec<ClaimRec>),
    Built { built: Arc<Built>, keep: Option<Arc<Vec<bool>>> },
}

/// What it takes to make claim records from a graph's, without the gazetteer.
#[derive(Debug)]
pub(super) struct Built {
    pub(super) records: Vec<ClaimRecord>,
    pub(super) evidence: Evidence,
    pub(super) documents: Vec<DocKey>,
    pub(super) entities: Vec<String>,
    pub(super) relations: Vec<crate::relations::RelationType>,
    pub(super) cues: Vec<(String, String)>,
    /// The first failure to read evidence back, reported when the claims are written.
    pub(super) error: std::sync::Mutex<Option<Error>>,
}

impl Default for Claims {
    fn default() -> Self {
        Claims(Source::Owned(Vec::new()))
    }
}

impl From<Vec<ClaimRec>> for Claims {
    fn from(v: Vec<ClaimRec>) -> Self {
        Claims(Source::Owned(v))
    }
}

impl Claims {
    pub(super) fn from_graph(graph: Graph, documents: Vec<DocKey>, gaz: &Gazetteer, lex: &Lexicon) -> Claims {
        let built = Built {
            documents,
            entities: gaz.entities.iter().map(|e| e.id.clone()).collect(),
            relations: lex.relations.clone(),
            cues: lex.cues.iter().map(|c| (c.text.clone(), c.origin.to_string())).collect(),
            records: graph.claims,
            evidence: graph.evidence,
            error: std::sync::Mutex::new(None),
        };
        Claims(Source::Built { built: Arc::new(built), keep: None })
    }

    /// How many claims there are.
    pub fn len(&self) -> usize {
        match &self.0 {
            Source::Owned(v) => v.len(),
            Source::Built { built, keep: None } => built.records.len(),
            Source::Built { keep: Some(k), .. } => k.iter().filter(|&&k| k).count(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every claim without its sentence and cue text (left empty): enough for ids, actors,
    /// relations, modality and documents. Built claims are read back without their text; one
    /// that cannot be read is skipped and fails [`Claims::check`].
    pub fn iter_light(&self) -> impl Iterator<Item = ClaimRec> + '_ {
        self.records().map(|(r, _)| r)
    }

    /// The claims whose light record (see [`Claims::iter_light`]) passes `want`, with their
    /// sentence and cue.
    pub fn select<'a>(&'a self, want: impl Fn(&ClaimRec) -> bool + 'a) -> impl Iterator<Item = Result<ClaimRec>> + 'a {
        self.records().filter(move |(r, _)| want(r)).map(move |(r, i)| match (&self.0, i) {
            (Source::Built { built, .. }, Some(i)) => built.whole(i).map(ClaimView::into_rec),
            _ => Ok(r),
        })
    }

    /// Light records, with the index of the graph record they came from (built claims).
    pub(super) fn records(&self) -> Box<dyn Iterator<Item = (ClaimRec, Option<usize>)> + '_> {
        match &self.0 {
            Source::Owned(v) => Box::new(v.iter().map(|c| (c.clone(), None))),
            Source::Built { built, keep } => Box::new(
                (0..built.records.len()).filter(move |&i| keep.as_ref().is_none_or(|k| k[i])).filter_map(move |i| built.light(i).map(|c| (c, Some(i)))),
            ),
        }
    }

    /// Makes a claim whose original is no longer among `kept` an original itself (as a build
    /// that never had that original would have it). Claims of a built graph are left as they
    /// are: a build leaves claims out before it looks for copies.
    pub(super) fn orphan_copies(&mut self, kept: &BTreeSet<String>) {
        if let Source::Owned(v) = &mut self.0 {
            for c in v.iter_mut() {
                if c.copy_of.as_ref().is_some_and(|o| !kept.contains(o)) {
                    c.copy_of = None;
                }
            }
        }
    }

    /// Keeps the claims whose light record passes `keep`; returns the ids kept.
    pub(super) fn retain(&mut self, keep: impl Fn(&ClaimRec) -> bool) -> BTreeSet<String> {
        let mut kept = BTreeSet::new();
        match &mut self.0 {
            Source::Owned(v) => {
                v.retain(|c| keep(c));
                kept.extend(v.iter().map(|c| c.id.clone()));
            }
            Source::Built { built, keep: mask } => {
                let mut next = vec![false; built.records.len()];
                for (i, slot) in next.iter_mut().enumerate() {
                    if mask.as_ref().is_none_or(|m| m[i])
                        && let Some(c) = built.light(i)
                        && keep(&c)
                    {
                        *slot = true;
                        kept.insert(c.id);
                    }
                }
                *mask = Some(Arc::new(next));
            }
        }
        kept
    }

    /// Fails if claim evidence could not be read back while these claims were used (renderers
    /// skip such claims; the run must not write their output).
    pub fn check(&self) -> Result<()> {
        self.take_error().map_or(Ok(()), Err)
    }

    /// The first failure to read claim evidence back, if any (it ends a write).
    pub(super) fn take_error(&self) -> Option<Error> {
        match &self.0 {
            Source::Built { built, .. } => built.error.lock().unwrap_or_else(|p| p.into_inner()).take(),
            Source::Owned(_) => None,
        }
    }
}

/// A built claim as `graph.json` writes it, its strings borrowed from the graph's tables and
/// the evidence file (the sentence and cue, and the ids, are made per claim).
pub(crate) type ClaimView<'a> = ClaimRec<Cow<'a, str>>;

/// The names a claim record gives a claim's indices: entity ids, relation types, and each cue's
/// phrase and lexicon line. The built graph keeps them as tables; a partial record asks the
/// gazetteer and the lexicon.
pub(crate) trait Names {
    /// An entity's id.
    fn entity(&self, e: u32) -> &str;
    /// A relation type.
    fn relation(&self, r: usize) -> &crate::relations::RelationType;
    /// A cue's phrase and lexicon line.
    fn cue(&self, c: usize) -> (&str, Cow<'_, str>);
}

impl Names for Built {
    fn entity(&self, e: u32) -> &str {
        &self.entities[e as usize]
    }
    fn relation(&self, r: usize) -> &crate::relations::RelationType {
        &self.relations[r]
    }
    fn cue(&self, c: usize) -> (&str, Cow<'_, str>) {
        let (phrase, rule) = &self.cues[c];
        (phrase, Cow::Borrowed(rule))
    }
}

/// Where a claim is filed: its id, document, the actors' states (entity indexes) and the claim
/// it copies. A partial record has no id or copy yet (they come with the whole graph).
pub(crate) struct Filed<'a> {
    pub(crate) id: Cow<'a, str>,
    pub(crate) document: &'a str,
    pub(crate) states: (u32, u32),
    pub(crate) copy_of: Option<Cow<'a, str>>,
}

/// The one mapping from a claim of the analysis to its record, for `graph.json` and for
/// partial records alike.
pub(crate) fn record<'a>(names: &'a impl Names, c: &crate::relations::Claim, filed: Filed<'a>, sentence: Cow<'a, str>, cue: Cow<'a, str>) -> ClaimView<'a> {
    let rel = names.relation(c.relation);
    let (cue_phrase, rule) = names.cue(c.cue);
    let id = |e: u32| Cow::Borrowed(names.entity(e));
    let text = |t: &'a str| Cow::Borrowed(t);
    let pair = |x: &std::ops::Range<usize>| [x.start, x.end];
    ClaimRec {
        id: filed.id,
        document: text(filed.document),
        subject: id(c.subject),
        object: id(c.object),
        subject_state: id(filed.states.0),
        object_state: id(filed.states.1),
        directed: !rel.symmetric,
        relation: text(&rel.id),
        polarity: text(rel.polarity.as_str()),
        negated: c.negated,
        modality: text(c.modality.as_str()),
        speaker: c.speaker.map(id),
        cameo: text(&rel.cameo),
        plover: rel.plover.as_deref().map(text),
        goldstein: rel.goldstein,
        quad_class: text(&rel.quad),
        state: rel.state,
        sentence,
        spans: Spans { sentence: pair(&c.sentence), subject: pair(&c.subject_span), object: pair(&c.object_span), cue: pair(&c.cue_span) },
        cue,
        cue_phrase: text(cue_phrase),
        rule,
        pairing: text(c.pairing),
        confidence: Some(f64::from(c.confidence) / 100.0),
        subject_agent: c.subject_agent.map(|k| text(k.as_str())),
        object_agent: c.object_agent.map(|k| text(k.as_str())),
        copy_of: filed.copy_of,
    }
}

impl ClaimView<'_> {
    /// The owned record.
    pub(super) fn into_rec(self) -> ClaimRec {
        let own = |c: Cow<'_, str>| c.into_owned();
        ClaimRec {
            id: own(self.id),
            document: own(self.document),
            subject: own(self.subject),
            object: own(self.object),
            subject_state: own(self.subject_state),
            object_state: own(self.object_state),
            directed: self.directed,
            relation: own(self.relation),
            polarity: own(self.polarity),
            negated: self.negated,
            modality: own(self.modality),
            speaker: self.speaker.map(own),
            cameo: own(self.cameo),
            plover: self.plover.map(own),
            goldstein: self.goldstein,
            quad_class: own(self.quad_class),
            state: self.state,
            sentence: own(self.sentence),
            spans: self.spans,
            cue: own(self.cue),
            cue_phrase: own(self.cue_phrase),
            rule: own(self.rule),
            pairing: own(self.pairing),
            confidence: self.confidence,
            subject_agent: self.subject_agent.map(own),
            object_agent: self.object_agent.map(own),
            copy_of: self.copy_of.map(own),
        }
    }
}

impl Built {
    /// Claim `i` without its text; a failure to read it is kept for [`Claims::check`].
    pub(super) fn light(&self, i: usize) -> Option<ClaimRec> {
        match self.evidence.claim_only(&self.records[i]) {
            Ok(c) => Some(self.view(i, &c, "".into(), "".into()).into_rec()),
            Err(e) => {
                self.error.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
                None
            }
        }
    }

    /// Claim `i`, whole, read from the evidence file.
    pub(super) fn whole(&self, i: usize) -> Result<ClaimView<'_>> {
        let (c, sentence, cue) = self.evidence.claim(&self.records[i])?;
        Ok(self.view(i, &c, sentence.into(), cue.into()))
    }

    pub(super) fn view<'a>(
        &'a self,
        i: usize,
        c: &crate::relations::Claim,
        sentence: std::borrow::Cow<'a, str>,
        cue: std::borrow::Cow<'a, str>,
    ) -> ClaimView<'a> {
        let r = &self.records[i];
        let filed = Filed {
            id: claim_id(i).into(),
            document: &self.documents[r.document as usize],
            states: (r.subject_state, r.object_state),
            copy_of: r.copy_of.map(|k| claim_id(k).into()),
        };
        record(self, c, filed, sentence, cue)
    }
}

impl Serialize for Claims {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeSeq};
        let mut seq = s.serialize_seq(Some(self.len()))?;
        match &self.0 {
            Source::Owned(v) => {
                for c in v {
                    seq.serialize_element(c)?;
                }
            }
            Source::Built { built, keep } => {
                for i in (0..built.records.len()).filter(|&i| keep.as_ref().is_none_or(|k| k[i])) {
                    match built.whole(i) {
                        Ok(v) => seq.serialize_element(&v)?,
                        Err(e) => {
                            let message = e.to_string();
                            *built.error.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                            return Err(S::Error::custom(message));
                        }
                    }
                }
            }
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Claims {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Vec::<ClaimRec>::deserialize(d).map(Claims::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The borrowed record and the owned one made from it are the same JSON: `into_rec` maps
    /// every field to itself.
    #[test]
    fn a_view_and_its_owned_record_serialise_alike() {
        let t = |s: &'static str| Cow::Borrowed(s);
        let view: ClaimView<'_> = ClaimRec {
            id: claim_id(41).into(),
            document: t("d1"),
            subject: t("russia"),
            object: t("iran"),
            subject_state: t("russia-state"),
            object_state: t("iran-state"),
            directed: true,
            relation: t("partnership"),
            polarity: t("cooperative"),
            negated: true,
            modality: t("future"),
            speaker: Some(t("abbas-araghchi")),
            cameo: t("05"),
            plover: Some(t("COOPERATE")),
            goldstein: 3.5,
            quad_class: t("verbal_cooperation"),
            state: true,
            sentence: Cow::Owned("“Russia is a friend,” he said.".to_string()),
            spans: Spans { sentence: [1, 2], subject: [3, 4], object: [5, 6], cue: [7, 8] },
            cue: t("friend"),
            cue_phrase: t("friend of"),
            rule: t("relations.toml:42"),
            pairing: t("subject-object"),
            confidence: Some(0.9),
            subject_agent: None,
            object_agent: None,
            copy_of: Some(claim_id(7).into()),
        };
        let owned = view.clone().into_rec();
        assert_eq!(serde_json::to_value(&view).unwrap(), serde_json::to_value(&owned).unwrap());
        assert_eq!(owned.id, "c-000042");
    }
}
