//! `newsgraph compare`: what each source claims about a pair of actors, side by side.
//!
//! Both actors roll up to their states (a person or organisation to its affiliation), so
//! "Putin" and "Araghchi" compare Russia with Iran; two actors of one state (Trump and Biden)
//! are compared as themselves. A comparison opens with its summary; then one row per outlet
//! (documents, first and last date, claims and copies, cooperative, conflictual and denied
//! counts, stance scores (see [`STANCE`](crate::export::doc::stance::STANCE)) overall, in the
//! outlet's own narration and in the speakers it quotes); which relations each outlet states,
//! denies or does not mention; who says what, speaker by speaker; and a timeline of the
//! claims by date (a chart in HTML, [`crate::export::timeline`]). The documents, one row each,
//! come on request. [`Filter`] narrows the claims by date, outlet and relation first. `--all`
//! ranks every pair by claims.
//!
//! It reads a [`GraphDoc`] only: the one `build` makes in memory, or a saved `graph.json`
//! (`compare --graph`), so both give the same answer.
//!
//! The report types here are output types: they carry serde derives for `--format json`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::export::GraphDoc;
pub use crate::export::doc::stance::SpeakerRow;
pub use render::{Format, Rows, Show, render, render_ranking};

mod render;
use crate::export::doc::stance::{STANCE, Scored, stance_of, who_says_what};
use crate::export::doc::{ClaimRec, DocumentRec};
use crate::gazetteer::Gazetteer;
use crate::norm::{did_you_mean, normalize_alias};
use crate::relations::{Modality, Polarity};

/// One claim as a comparison lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimRow {
    /// Claim id in `graph.json`.
    pub id: String,
    /// Subject (entity id) and object, as stated.
    pub subject: String,
    /// Object entity id.
    pub object: String,
    /// Relation type.
    pub relation: String,
    /// `cooperative`, `conflictual` or `neutral`.
    pub polarity: &'static str,
    /// Denied by the text.
    pub negated: bool,
    /// `asserted`, `future`, `hypothetical` or `question`.
    pub modality: &'static str,
    /// Who said it (entity label), when quoted or reported.
    pub speaker: Option<String>,
    /// The sentence.
    pub sentence: String,
    /// The cue as it appears in the text.
    pub cue: String,
    /// Goldstein value of the relation.
    pub goldstein: f64,
    /// The claim this one copies, in another document.
    pub copy_of: Option<String>,
    /// How sure its pairing is (0.05 to 0.99), when the graph records it.
    pub confidence: Option<f64>,
}

/// One source's view of the pair.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRow {
    /// Document id.
    pub document: String,
    /// Outlet, when known.
    pub outlet: Option<String>,
    /// Publication date, when known.
    pub published: Option<String>,
    /// Its claims about the pair, in text order.
    pub claims: Vec<ClaimRow>,
    /// Distinct speakers quoted in those claims.
    pub speakers: Vec<String>,
    /// Claims of cooperative relations, not denied.
    pub cooperative: usize,
    /// Claims of conflictual relations, not denied.
    pub conflictual: usize,
    /// Claims the text denies.
    pub denied: usize,
    /// Stance over all its claims (see [`STANCE`](crate::export::doc::stance::STANCE)); 0 when none weighs anything.
    pub stance: f64,
    /// Stance of the claims in the outlet's own voice (no speaker), when there are any.
    pub narration: Option<f64>,
    /// Stance of the claims it quotes or reports, when there are any.
    pub quoted: Option<f64>,
    /// Whether every claim here copies another source's.
    pub copy: bool,
}

/// One outlet's view of the pair: its documents taken together.
#[derive(Debug, Clone, Serialize)]
pub struct OutletRow {
    /// The outlet's name, or `unknown outlet`.
    pub outlet: String,
    /// Its documents with claims about the pair.
    pub documents: usize,
    /// Its first and last publication dates, when any is dated.
    pub first: Option<String>,
    /// Last publication date.
    pub last: Option<String>,
    /// Claims about the pair, copies included.
    pub claims: usize,
    /// Of which copies of another source's claims.
    pub copies: usize,
    /// Cooperative, not denied.
    pub cooperative: usize,
    /// Conflictual, not denied.
    pub conflictual: usize,
    /// Denied.
    pub denied: usize,
    /// Stance over its claims; `None` when none weighs anything.
    pub stance: Option<f64>,
    /// Stance in its own narration.
    pub narration: Option<f64>,
    /// Stance of the speakers it quotes.
    pub quoted: Option<f64>,
    /// Speakers quoted.
    pub speakers: Vec<String>,
}

/// What each outlet says of one relation: one row of the relation × outlet matrix.
#[derive(Debug, Clone, Serialize)]
pub struct RelationRow {
    /// The relation type.
    pub relation: String,
    /// Per outlet (in the order of [`Comparison::outlets`]): claims stating it and claims
    /// denying it, copies and questions left out; `[0, 0]` is "not mentioned".
    pub outlets: Vec<[usize; 2]>,
}

/// One claim on the timeline, with its source.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineRow {
    /// Publication date of its document.
    pub published: Option<String>,
    /// Outlet.
    pub outlet: Option<String>,
    /// Document id.
    pub document: String,
    /// The article's URL, when known.
    pub url: Option<String>,
    /// The claim.
    #[serde(flatten)]
    pub claim: ClaimRow,
}

/// Which claims a comparison reads: `--since`, `--until`, `--outlet`, `--relation`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Filter {
    /// Only documents published on or after this date (`YYYY-MM-DD`); undated ones are left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<crate::date::Date>,
    /// Only documents published on or before this date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<crate::date::Date>,
    /// Only these outlets (names, any case).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outlets: Vec<String>,
    /// Only these relation types.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<String>,
}

impl Filter {
    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        self.since.is_none() && self.until.is_none() && self.outlets.is_empty() && self.relations.is_empty()
    }

    fn keeps_document(&self, d: Option<&DocumentRec>) -> bool {
        let date = d.and_then(|d| d.published.as_deref()).and_then(|p| p.parse::<crate::date::Date>().ok());
        if (self.since.is_some() || self.until.is_some()) && date.is_none() {
            return false;
        }
        if self.since.is_some_and(|s| date.is_some_and(|d| d < s)) || self.until.is_some_and(|u| date.is_some_and(|d| d > u)) {
            return false;
        }
        self.outlets.is_empty() || self.outlets.iter().any(|o| normalize_alias(o, true) == normalize_alias(&outlet_of(d), true))
    }

    /// Refuses an outlet or relation named in the filter that nothing in the pair has when a
    /// close one exists ("Reuter" for "Reuters"): a typo would otherwise give an empty answer.
    fn check(&self, outlets: &BTreeSet<String>, relations: &BTreeSet<String>) -> Result<()> {
        let norm: BTreeSet<String> = outlets.iter().map(|o| normalize_alias(o, true)).collect();
        for o in &self.outlets {
            if !norm.contains(&normalize_alias(o, true))
                && let Some(m) = did_you_mean(o, outlets.iter().map(String::as_str))
            {
                return Err(Error::usage(format!("--outlet {o:?}: no source about the pair is from it; did you mean {m:?}?")));
            }
        }
        for r in &self.relations {
            if !relations.contains(r)
                && let Some(m) = did_you_mean(r, relations.iter().map(String::as_str))
            {
                return Err(Error::usage(format!("--relation {r:?}: no claim about the pair has it; did you mean {m:?}?")));
            }
        }
        Ok(())
    }
}

/// The outlet a document names, or `unknown outlet`.
fn outlet_of(d: Option<&DocumentRec>) -> String {
    d.and_then(|d| d.outlet.clone()).unwrap_or_else(|| "unknown outlet".into())
}

/// The comparison of one pair.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// First actor (id and label: of its state, or of itself at entity level).
    pub a: (String, String),
    /// Second actor.
    pub b: (String, String),
    /// `state` (both actors rolled up to their states) or `entity` (two actors of one state).
    pub level: &'static str,
    /// The filters applied.
    #[serde(skip_serializing_if = "Filter::is_empty")]
    pub filter: Filter,
    /// Claims in all, copies included.
    pub claims: usize,
    /// Copies among them.
    pub copies: usize,
    /// Documents with claims about the pair.
    pub documents: usize,
    /// First and last publication dates.
    pub first: Option<String>,
    /// Last publication date.
    pub last: Option<String>,
    /// One row per outlet, most claims first.
    pub outlets: Vec<OutletRow>,
    /// Which relations each outlet states or denies.
    pub relations: Vec<RelationRow>,
    /// Who says what: one row per speaker (and one for the outlets' narration), most claims
    /// first.
    pub speakers: Vec<SpeakerRow>,
    /// How stance is computed.
    pub stance_method: &'static str,
    /// Every claim by date (undated last), then document and text order.
    #[serde(skip)]
    pub timeline: Vec<TimelineRow>,
    /// One row per source (document), ordered by date (undated last), then document id.
    #[serde(skip)]
    pub sources: Vec<SourceRow>,
}

impl Comparison {
    /// "12 claims, of which 1 copy, from 3 sources in 2 outlets, 2024-01-02 to 2024-05-06": the
    /// summary every format opens with.
    pub fn summary(&self) -> String {
        let mut s = format!("{}, from {}", crate::claims_count(self.claims, self.copies), crate::count(self.documents, "source", "sources"));
        if self.copies == 0 {
            s = s.replacen(", from", " from", 1);
        }
        if self.outlets.len() > 1 || self.outlets.first().is_some_and(|o| o.outlet != "unknown outlet") {
            let _ = write!(s, " in {}", crate::count(self.outlets.len(), "outlet", "outlets"));
        }
        match (&self.first, &self.last) {
            (Some(a), Some(b)) if a != b => {
                let _ = write!(s, ", {a} to {b}");
            }
            (Some(a), _) => {
                let _ = write!(s, ", {a}");
            }
            _ => {}
        }
        s
    }
}

/// A row of `compare --all`.
#[derive(Debug, Clone, Serialize)]
pub struct PairRow {
    /// State-level ids.
    pub a: String,
    /// Second id.
    pub b: String,
    /// Claims, copies included: the count `compare` gives the pair.
    pub claims: usize,
    /// Of which copies of another source's claims.
    pub copies: usize,
    /// Sources with at least one claim.
    pub sources: usize,
    /// Cooperative, not denied.
    pub cooperative: usize,
    /// Conflictual, not denied.
    pub conflictual: usize,
    /// Denied.
    pub denied: usize,
    /// Mean stance over the claims that are not copies.
    pub stance: f64,
}

/// An actor as a comparison names it: id and label.
pub type Actor = (String, String);

/// An actor a user named: itself, and the state it rolls up to (itself for a state or an
/// unaffiliated actor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The entity named.
    pub entity: Actor,
    /// Its state.
    pub state: Actor,
}

/// What a pair request compares: two states (or unaffiliated actors), or two actors of one
/// state as themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pair {
    /// Claims between the two actors' states.
    States(Actor, Actor),
    /// Claims between the two actors themselves (both of one state).
    Entities(Actor, Actor),
}

impl Pair {
    /// The pair for two named actors: their states when they differ; the actors themselves
    /// when they are two of one state (Trump and Biden). An error when both name one actor,
    /// or one is the state of the other.
    pub fn of(a: &str, b: &str, x: Named, y: Named) -> Result<Pair> {
        if x.entity.0 == y.entity.0 {
            return Err(Error::usage(format!("{a:?} and {b:?} are the same actor")));
        }
        if x.state.0 != y.state.0 {
            return Ok(Pair::States(x.state, y.state));
        }
        if x.entity.0 == x.state.0 || y.entity.0 == y.state.0 {
            return Err(Error::usage(format!(
                "{a:?} and {b:?} are one actor at state level ({} belongs to {}); compare either with another actor",
                if x.entity.0 == x.state.0 { &y.entity.1 } else { &x.entity.1 },
                x.state.1
            )));
        }
        Ok(Pair::Entities(x.entity, y.entity))
    }
}

/// Resolves a user's name for an actor (id, name or alias) in the gazetteer; an unknown name
/// is an error that suggests the closest name ("did you mean").
pub fn resolve(gaz: &Gazetteer, name: &str) -> Result<Named> {
    let Some(e) = gaz.find(name) else {
        let names = gaz.entities.iter().flat_map(|e| std::iter::once(e.name.as_str()).chain(e.aliases.iter().map(|a| a.text.as_str())));
        return Err(unknown(name, "no entity is called", did_you_mean(name, names), "try an id, a name or an alias"));
    };
    let state = &gaz.entities[gaz.state_of(gaz.index_of(&e.id).expect("found entity") as u32) as usize];
    Ok(Named { entity: (e.id.clone(), e.name.clone()), state: (state.id.clone(), state.name.clone()) })
}

fn unknown(name: &str, what: &str, closest: Option<&str>, hint: &str) -> Error {
    Error::usage(match closest {
        Some(m) => format!("{what} {name:?}; did you mean {m:?}?"),
        None => format!("{what} {name:?} ({hint})"),
    })
}

/// Resolves a user's name for an actor (id, label or alias) among the nodes of a saved graph:
/// the node, and its state (its affiliation, when it has one, as the gazetteer rolls it up).
pub fn resolve_in(doc: &GraphDoc, name: &str) -> Result<Named> {
    let q = normalize_alias(name, true);
    let Some(node) = doc
        .node(name)
        .or_else(|| doc.nodes.iter().find(|n| normalize_alias(&n.label, true) == q))
        .or_else(|| doc.nodes.iter().find(|n| n.aliases.iter().any(|a| normalize_alias(a, true) == q)))
    else {
        let names = doc.nodes.iter().flat_map(|n| std::iter::once(n.label.as_str()).chain(n.aliases.iter().map(String::as_str)));
        return Err(unknown(name, "no node of the graph is called", did_you_mean(name, names), "try an id, a label or an alias"));
    };
    let id = match (node.kind.as_str(), &node.affiliation) {
        ("state", _) | (_, None) => node.id.clone(),
        (_, Some(a)) => a.clone(),
    };
    let label = doc.node(&id).map_or_else(|| id.clone(), |n| n.label.clone());
    Ok(Named { entity: (node.id.clone(), node.label.clone()), state: (id, label) })
}

/// The state-level pair of a claim, in id order.
fn pair_key(c: &ClaimRec) -> (&str, &str) {
    let (x, y) = (c.subject_state.as_str(), c.object_state.as_str());
    if x <= y { (x, y) } else { (y, x) }
}

/// The entity-level pair of a claim, in id order.
fn entity_key(c: &ClaimRec) -> (&str, &str) {
    let (x, y) = (c.subject.as_str(), c.object.as_str());
    if x <= y { (x, y) } else { (y, x) }
}

/// Compares what the sources of a graph document claim about a pair (see [`resolve`],
/// [`resolve_in`], [`Pair::of`]), with the claims `filter` keeps.
pub fn compare(doc: &GraphDoc, pair: Pair, filter: &Filter) -> Result<Comparison> {
    let (level, a, b) = match pair {
        Pair::States(a, b) => ("state", a, b),
        Pair::Entities(a, b) => ("entity", a, b),
    };
    let want = if a.0 <= b.0 { (a.0.as_str(), b.0.as_str()) } else { (b.0.as_str(), a.0.as_str()) };
    let key = if level == "state" { pair_key } else { entity_key };
    let documents: BTreeMap<&str, &DocumentRec> = doc.documents.iter().map(|d| (d.id.as_str(), d)).collect();
    let mut per_doc: BTreeMap<String, Vec<ClaimRec>> = BTreeMap::new();
    let (mut seen_outlets, mut seen_relations) = (BTreeSet::new(), BTreeSet::new());
    for c in doc.claims.select(|c| key(c) == want) {
        let c = c?;
        let d = documents.get(c.document.as_str()).copied();
        seen_outlets.insert(outlet_of(d));
        seen_relations.insert(c.relation.clone());
        if !filter.keeps_document(d) || !(filter.relations.is_empty() || filter.relations.contains(&c.relation)) {
            continue;
        }
        per_doc.entry(c.document.clone()).or_default().push(c);
    }
    filter.check(&seen_outlets, &seen_relations)?;
    let labels: BTreeMap<&str, &str> = doc.nodes.iter().map(|n| (n.id.as_str(), n.label.as_str())).collect();
    let polarity = |p: &str| [Polarity::Cooperative, Polarity::Conflictual, Polarity::Neutral].into_iter().find(|x| x.as_str() == p);
    let modality = |m: &str| [Modality::Asserted, Modality::Future, Modality::Hypothetical, Modality::Question].into_iter().find(|x| x.as_str() == m);
    let mut sources: Vec<SourceRow> = Vec::new();
    for (d, records) in per_doc {
        let info = documents.get(d.as_str()).copied();
        let claims: Vec<ClaimRow> = records
            .iter()
            .map(|r| ClaimRow {
                id: r.id.clone(),
                subject: r.subject.clone(),
                object: r.object.clone(),
                relation: r.relation.clone(),
                polarity: polarity(&r.polarity).map_or("neutral", Polarity::as_str),
                negated: r.negated,
                modality: modality(&r.modality).map_or("asserted", Modality::as_str),
                speaker: r.speaker.as_deref().map(|s| labels.get(s).map_or(s, |l| *l).to_string()),
                sentence: r.sentence.split_whitespace().collect::<Vec<_>>().join(" "),
                cue: r.cue.clone(),
                goldstein: r.goldstein,
                copy_of: r.copy_of.clone(),
                confidence: r.confidence,
            })
            .collect();
        let speakers: Vec<String> = claims.iter().filter_map(|c| c.speaker.clone()).collect::<BTreeSet<_>>().into_iter().collect();
        let count = |p: Polarity| records.iter().filter(|r| !r.negated && r.polarity == p.as_str()).count();
        let stance =
            |keep: &dyn Fn(&ClaimRec) -> bool| stance_of(records.iter().filter(|r| keep(r)).map(|r| scored(r.goldstein, r.negated, &r.modality, &r.polarity)));
        sources.push(SourceRow {
            document: d.clone(),
            outlet: info.and_then(|i| i.outlet.clone()),
            published: info.and_then(|i| i.published.clone()),
            speakers,
            cooperative: count(Polarity::Cooperative),
            conflictual: count(Polarity::Conflictual),
            denied: records.iter().filter(|r| r.negated).count(),
            stance: stance(&|_| true).unwrap_or(0.0),
            narration: stance(&|r| r.speaker.is_none()),
            quoted: stance(&|r| r.speaker.is_some()),
            copy: records.iter().all(|r| r.copy_of.is_some()),
            claims,
        });
    }
    sources.sort_by(|x, y| (x.published.is_none(), &x.published, &x.document).cmp(&(y.published.is_none(), &y.published, &y.document)));
    let speakers = speakers(&sources);
    let claims = sources.iter().map(|s| s.claims.len()).sum();
    let copies = sources.iter().flat_map(|s| &s.claims).filter(|c| c.copy_of.is_some()).count();
    let outlets = outlets(&sources);
    let relations = relations(&sources, &outlets);
    let dates: Vec<&String> = sources.iter().filter_map(|s| s.published.as_ref()).collect();
    let timeline = sources
        .iter()
        .flat_map(|s| {
            let url = documents.get(s.document.as_str()).and_then(|d| d.url.clone());
            s.claims.iter().map(move |c| TimelineRow {
                published: s.published.clone(),
                outlet: s.outlet.clone(),
                document: s.document.clone(),
                url: url.clone(),
                claim: c.clone(),
            })
        })
        .collect();
    Ok(Comparison {
        a,
        b,
        level,
        filter: filter.clone(),
        claims,
        copies,
        documents: sources.len(),
        first: dates.iter().min().map(|d| d.to_string()),
        last: dates.iter().max().map(|d| d.to_string()),
        outlets,
        relations,
        speakers,
        stance_method: STANCE,
        timeline,
        sources,
    })
}

/// The sources grouped by outlet, most claims first.
fn outlets(sources: &[SourceRow]) -> Vec<OutletRow> {
    let mut by: BTreeMap<String, Vec<&SourceRow>> = BTreeMap::new();
    for s in sources {
        by.entry(s.outlet.clone().unwrap_or_else(|| "unknown outlet".into())).or_default().push(s);
    }
    let mut rows: Vec<OutletRow> = by
        .into_iter()
        .map(|(outlet, ss)| {
            let claims: Vec<&ClaimRow> = ss.iter().flat_map(|s| &s.claims).collect();
            let stance = |keep: &dyn Fn(&ClaimRow) -> bool| {
                stance_of(claims.iter().filter(|c| c.copy_of.is_none() && keep(c)).map(|c| scored(c.goldstein, c.negated, c.modality, c.polarity)))
            };
            let count = |p: Polarity| claims.iter().filter(|c| !c.negated && c.polarity == p.as_str()).count();
            OutletRow {
                documents: ss.len(),
                first: ss.iter().filter_map(|s| s.published.clone()).min(),
                last: ss.iter().filter_map(|s| s.published.clone()).max(),
                claims: claims.len(),
                copies: claims.iter().filter(|c| c.copy_of.is_some()).count(),
                cooperative: count(Polarity::Cooperative),
                conflictual: count(Polarity::Conflictual),
                denied: claims.iter().filter(|c| c.negated).count(),
                stance: stance(&|_| true),
                narration: stance(&|c| c.speaker.is_none()),
                quoted: stance(&|c| c.speaker.is_some()),
                speakers: claims.iter().filter_map(|c| c.speaker.clone()).collect::<BTreeSet<_>>().into_iter().collect(),
                outlet,
            }
        })
        .collect();
    rows.sort_by(|x, y| y.claims.cmp(&x.claims).then(x.outlet.cmp(&y.outlet)));
    rows
}

/// Which relations each outlet states and denies (copies and questions left out: a copy is no
/// confirmation, a question no statement); the relations most stated first.
fn relations(sources: &[SourceRow], outlets: &[OutletRow]) -> Vec<RelationRow> {
    let column: BTreeMap<&str, usize> = outlets.iter().enumerate().map(|(i, o)| (o.outlet.as_str(), i)).collect();
    let mut by: BTreeMap<&str, Vec<[usize; 2]>> = BTreeMap::new();
    for s in sources {
        let col = column[s.outlet.as_deref().unwrap_or("unknown outlet")];
        for c in s.claims.iter().filter(|c| c.copy_of.is_none() && c.modality != "question") {
            by.entry(c.relation.as_str()).or_insert_with(|| vec![[0, 0]; outlets.len()])[col][usize::from(c.negated)] += 1;
        }
    }
    let mut rows: Vec<RelationRow> = by.into_iter().map(|(r, outlets)| RelationRow { relation: r.to_string(), outlets }).collect();
    let stated = |r: &RelationRow| r.outlets.iter().filter(|c| c[0] > 0).count();
    rows.sort_by(|x, y| stated(y).cmp(&stated(x)).then(x.relation.cmp(&y.relation)));
    rows
}

/// Who says what: the claims of each speaker (and of the outlets' narration), copies left out.
fn speakers(sources: &[SourceRow]) -> Vec<SpeakerRow> {
    who_says_what(sources.iter().flat_map(|s| {
        s.claims
            .iter()
            .filter(|c| c.copy_of.is_none())
            .map(move |c| (c.speaker.clone(), s.document.as_str(), scored(c.goldstein, c.negated, c.modality, c.polarity)))
    }))
}

fn scored<'a>(goldstein: f64, negated: bool, modality: &'a str, polarity: &'a str) -> Scored<'a> {
    Scored { goldstein, negated, modality, polarity }
}

/// Ranks every pair of states (or unaffiliated actors) by claims (copies included, as
/// everywhere), with at least `min_claims`.
pub fn rank_pairs(doc: &GraphDoc, min_claims: usize) -> Result<Vec<PairRow>> {
    let mut by_pair: BTreeMap<(String, String), Vec<ClaimRec>> = BTreeMap::new();
    for c in doc.claims.iter_light() {
        let (x, y) = pair_key(&c);
        // Two people of one state are a pair of their own, not their state with itself.
        let (x, y) = if x == y { entity_key(&c) } else { (x, y) };
        by_pair.entry((x.to_string(), y.to_string())).or_default().push(c);
    }
    doc.claims.check()?;
    let mut rows: Vec<PairRow> = by_pair
        .into_iter()
        .map(|((a, b), rs)| {
            let originals = rs.iter().filter(|r| r.copy_of.is_none());
            let count = |p: Polarity| rs.iter().filter(|r| !r.negated && r.polarity == p.as_str()).count();
            let stance = stance_of(originals.map(|r| scored(r.goldstein, r.negated, &r.modality, &r.polarity))).unwrap_or(0.0);
            PairRow {
                a,
                b,
                claims: rs.len(),
                copies: rs.iter().filter(|r| r.copy_of.is_some()).count(),
                sources: rs.iter().map(|r| r.document.as_str()).collect::<BTreeSet<_>>().len(),
                cooperative: count(Polarity::Cooperative),
                conflictual: count(Polarity::Conflictual),
                denied: rs.iter().filter(|r| r.negated).count(),
                stance,
            }
        })
        .filter(|r| r.claims >= min_claims.max(1))
        .collect();
    rows.sort_by(|x, y| y.claims.cmp(&x.claims).then(y.sources.cmp(&x.sources)).then((&x.a, &x.b).cmp(&(&y.a, &y.b))));
    Ok(rows)
}
