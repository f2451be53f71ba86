//! The graph document: `graph.json` as owned data, written by `build`, read back by `export`.
//!
//! Every other format is rendered from a [`GraphDoc`], so `newsgraph export graph.json` gives
//! the same files as the build that wrote it, and every format of one run shows the same nodes
//! and edges. Legibility filters ([`Filters`]) act on the document before any format is
//! written.

mod claims;
mod filters;
mod json;
pub mod stance;

pub use claims::Claims;
pub use filters::Filters;

use claims::{Built, Source};
pub(crate) use claims::{Filed, Names, record};
use json::{Lines, to_line, write_array};

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};
use crate::gazetteer::Gazetteer;
use crate::graph::{Edge, Graph, ReadAhead, claim_id};
use crate::relations::Lexicon;
use std::io::Write as _;
use std::sync::Arc;

/// A document id as the key of a node's or edge's `documents`: shared, not copied, since a
/// large graph names each document in thousands of lists, and one pointer wide (an entry of
/// [`DocCounts`] is 16 bytes; a fat `Arc<str>` made it 24).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocKey(Arc<String>);

impl std::ops::Deref for DocKey {
    type Target = str;
    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl From<&str> for DocKey {
    fn from(id: &str) -> DocKey {
        DocKey(Arc::new(id.to_string()))
    }
}

impl From<String> for DocKey {
    fn from(id: String) -> DocKey {
        DocKey(Arc::new(id))
    }
}

impl std::fmt::Display for DocKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl Serialize for DocKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

/// Counts per document id, sorted by id: a node's mentions or a co-mention edge's shared
/// windows in each document. A sorted list, not a map: a large graph holds millions of these
/// entries (7 million at 200 MB of corpus), made, read and written in id order, and a list
/// costs a third of a tree's memory and no rebalancing. Written as a JSON object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocCounts(Vec<(DocKey, u64)>);

// Sixteen bytes an entry (see `DocKey`).
const _: () = assert!(std::mem::size_of::<(DocKey, u64)>() == 16);

impl DocCounts {
    /// The document ids, in order.
    pub fn keys(&self) -> impl Iterator<Item = &DocKey> {
        self.0.iter().map(|(k, _)| k)
    }

    /// (id, count) pairs, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&DocKey, &u64)> {
        self.0.iter().map(|(k, c)| (k, c))
    }

    /// The number of documents.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no document is counted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The count of document `id`, if it has one.
    pub fn get(&self, id: &str) -> Option<u64> {
        self.0.binary_search_by(|(k, _)| (**k).cmp(id)).ok().map(|i| self.0[i].1)
    }

    /// Adds `other`'s counts to these, document by document (one merge of the two lists).
    pub fn add_all(&mut self, other: &DocCounts) {
        let mut merged = Vec::with_capacity(self.0.len() + other.0.len());
        let mut mine = std::mem::take(&mut self.0).into_iter().peekable();
        let mut theirs = other.0.iter().peekable();
        loop {
            let order = match (mine.peek(), theirs.peek()) {
                (None, None) => break,
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some((a, _)), Some((b, _))) => (**a).cmp(&**b),
            };
            match order {
                std::cmp::Ordering::Less => merged.extend(mine.next()),
                std::cmp::Ordering::Greater => merged.extend(theirs.next().cloned()),
                std::cmp::Ordering::Equal => {
                    let ((k, a), (_, b)) = (mine.next().expect("peeked"), theirs.next().expect("peeked"));
                    merged.push((k, a + b));
                }
            }
        }
        self.0 = merged;
    }
}

/// Sorted by id; a repeated id keeps its last count, as a map built from the same pairs would.
impl FromIterator<(DocKey, u64)> for DocCounts {
    fn from_iter<I: IntoIterator<Item = (DocKey, u64)>>(iter: I) -> DocCounts {
        let mut v: Vec<(DocKey, u64)> = iter.into_iter().collect();
        // Already in order when made from a graph (ranks follow ids): then only checked.
        if !v.is_sorted_by(|a, b| a.0 < b.0) {
            v.reverse();
            // Stable, so of equal ids the last given comes first after the reversal.
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v.dedup_by(|later, first| later.0 == first.0);
        }
        DocCounts(v)
    }
}

impl<'a> IntoIterator for &'a DocCounts {
    type Item = (&'a DocKey, &'a u64);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (DocKey, u64)>, fn(&'a (DocKey, u64)) -> (&'a DocKey, &'a u64)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, c)| (k, c))
    }
}

impl Serialize for DocCounts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, c)| (&**k, c)))
    }
}

impl<'de> Deserialize<'de> for DocCounts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = DocCounts;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of document ids to counts")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<DocCounts, A::Error> {
                let mut v: Vec<(DocKey, u64)> = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some((k, c)) = map.next_entry::<String, u64>()? {
                    v.push((DocKey::from(k), c));
                }
                Ok(v.into_iter().collect())
            }
        }
        d.deserialize_map(Visit)
    }
}

/// The schema name written in `graph.json`.
pub const SCHEMA: &str = "newsgraph.graph/1";

/// Whether the file at `path` is a `graph.json`: a JSON object whose first kilobytes name this
/// schema.
pub fn is_graph_json(path: &std::path::Path) -> bool {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    let read = std::fs::File::open(path).and_then(|f| f.take(4096).read_to_end(&mut head));
    read.is_ok() && head.trim_ascii_start().starts_with(b"{") && String::from_utf8_lossy(&head).contains("\"schema\": \"newsgraph.graph/")
}

/// `graph.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GraphDoc {
    /// Schema name and version.
    pub schema: String,
    /// The program that wrote it.
    pub generator: Generator,
    /// The gazetteer used.
    pub gazetteer: GazetteerInfo,
    /// Build settings.
    #[serde(default)]
    pub settings: Settings,
    /// Names the gazetteer does not know that the documents hold (`newsgraph gazetteer
    /// suggest` lists them all).
    #[serde(default)]
    pub unknown_names: crate::discover::Unknown,
    /// Documents read.
    pub documents: Vec<DocumentRec>,
    /// Entities mentioned.
    pub nodes: Vec<NodeRec>,
    /// Co-mention, affiliation and relation edges.
    pub edges: Vec<EdgeRec>,
    /// Claims with evidence.
    #[serde(default)]
    pub claims: Claims,
}

/// The program that wrote a graph.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Generator {
    /// `newsgraph`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// The gazetteer a graph was built with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GazetteerInfo {
    /// Entities.
    pub entities: usize,
    /// Aliases.
    pub aliases: usize,
    /// Digest of its files.
    pub digest: String,
}

/// Build settings recorded in the graph.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Settings {
    /// Co-mention window.
    #[serde(default)]
    pub window: String,
    /// Windows with a mention.
    #[serde(default)]
    pub windows: u64,
    /// Legibility filters applied, if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<String>,
}

/// A document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentRec {
    /// Id.
    pub id: String,
    /// Where it was read.
    pub path: String,
    /// Headline.
    pub title: Option<String>,
    /// Outlet.
    pub outlet: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Date.
    pub published: Option<String>,
    /// The agency providing the story, by its dateline (a source, never an actor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Where it was filed from, by its dateline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// Sentences read.
    #[serde(default)]
    pub sentences: usize,
    /// Paragraphs read.
    #[serde(default)]
    pub paragraphs: usize,
    /// Paragraphs skipped as repeats.
    #[serde(default)]
    pub repeated_paragraphs: usize,
    /// Where boilerplate was cut.
    #[serde(default)]
    pub boilerplate_from: Option<usize>,
    /// Mentions found.
    #[serde(default)]
    pub mentions: usize,
    /// Windows too crowded to give co-mentions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub crowded_windows: usize,
    /// `sha256` of the text.
    #[serde(default)]
    pub sha256: String,
}

/// A node.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NodeRec {
    /// Entity id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Entity type.
    #[serde(rename = "type")]
    pub kind: String,
    /// ISO3, for states.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iso3: Option<String>,
    /// Other names.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// State id.
    #[serde(default)]
    pub affiliation: Option<String>,
    /// Mentions.
    pub mentions: u64,
    /// Mentions per document id.
    #[serde(default)]
    pub documents: DocCounts,
    /// Mentions by how they matched.
    #[serde(default)]
    pub matched_as: BTreeMap<String, u64>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn present<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// An edge.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EdgeRec {
    /// Source node id.
    pub source: String,
    /// Target node id.
    pub target: String,
    /// `co_mention`, `affiliation` or `relation`.
    pub kind: String,
    /// Shared windows (co-mention), 1 (affiliation), claims (relation).
    pub weight: u64,
    /// Shared windows per document (co-mention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents: Option<DocCounts>,
    /// Normalised PMI (co-mention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub npmi: Option<f64>,
    /// Relation type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    /// Polarity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polarity: Option<String>,
    /// Directed from source to target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directed: Option<bool>,
    /// Denied claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negated: Option<bool>,
    /// Claims, without copies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<u64>,
    /// Copies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies: Option<u64>,
    /// Distinct outlets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlets: Option<u64>,
    /// Mean Goldstein.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goldstein_mean: Option<f64>,
    /// First date.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub first: Option<Option<String>>,
    /// Last date.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub last: Option<Option<String>>,
    /// Claim ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Vec<String>>,
}

/// Byte spans of a claim's evidence.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Spans {
    /// Sentence.
    pub sentence: [usize; 2],
    /// Subject.
    pub subject: [usize; 2],
    /// Object.
    pub object: [usize; 2],
    /// Cue.
    pub cue: [usize; 2],
}

/// A claim as `graph.json` writes it: owned (`ClaimRec`, the default, as parsed or kept by
/// the filters), or borrowed from the graph's tables and the evidence file while a built graph
/// is written (`ClaimRec<Cow<str>>`, so a million claims are not a million times fifteen
/// allocated strings). One shape, so the two cannot drift apart.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClaimRec<S = String> {
    /// Id.
    pub id: S,
    /// Document id.
    pub document: S,
    /// Subject entity id.
    pub subject: S,
    /// Object entity id.
    pub object: S,
    /// Subject's state.
    #[serde(default)]
    pub subject_state: S,
    /// Object's state.
    #[serde(default)]
    pub object_state: S,
    /// Directed.
    pub directed: bool,
    /// Relation type.
    pub relation: S,
    /// Polarity.
    pub polarity: S,
    /// Denied.
    pub negated: bool,
    /// Modality.
    pub modality: S,
    /// Speaker id.
    pub speaker: Option<S>,
    /// CAMEO code.
    pub cameo: S,
    /// PLOVER category.
    pub plover: Option<S>,
    /// Goldstein value.
    pub goldstein: f64,
    /// Quad class.
    pub quad_class: S,
    /// A relation state.
    #[serde(default)]
    pub state: bool,
    /// The sentence.
    pub sentence: S,
    /// Spans.
    pub spans: Spans,
    /// Cue text.
    pub cue: S,
    /// Cue phrase of the lexicon.
    #[serde(default)]
    pub cue_phrase: S,
    /// Lexicon line.
    pub rule: S,
    /// The pairing rule that linked subject and object (`relations::pairing_rules`); empty in
    /// a graph written before claims recorded it.
    #[serde(default)]
    pub pairing: S,
    /// How sure the pairing is, from 0.05 to 0.99 (`relations::confidence`); absent in a graph
    /// written before claims carried it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// The kind of agent of its state the subject is (`military`, `government`, `police`,
    /// `diplomats`, `intelligence`, `people`), when an agent noun names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_agent: Option<S>,
    /// The object's kind of agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_agent: Option<S>,
    /// Claim this copies.
    #[serde(default)]
    pub copy_of: Option<S>,
}

impl DocumentRec {
    /// The record of what the graph keeps of a document.
    pub fn from_info(d: &crate::graph::DocumentInfo) -> DocumentRec {
        DocumentRec {
            id: d.id.clone(),
            path: d.path.clone(),
            title: d.title.clone(),
            outlet: d.outlet.clone(),
            url: d.url.clone(),
            published: d.published.map(|p| p.to_string()),
            provider: d.provider.clone(),
            place: d.place.clone(),
            sentences: d.sentences,
            paragraphs: d.paragraphs,
            repeated_paragraphs: d.repeated,
            boilerplate_from: d.tail_from,
            mentions: d.mentions,
            crowded_windows: d.crowded_windows,
            sha256: d.sha256.clone(),
        }
    }

    /// Back to what the graph keeps; fails on a malformed date.
    pub fn into_info(self) -> std::result::Result<crate::graph::DocumentInfo, String> {
        let published = match self.published {
            Some(p) => Some(p.parse().map_err(|e| format!("published: {e}"))?),
            None => None,
        };
        Ok(crate::graph::DocumentInfo {
            id: self.id,
            path: self.path,
            title: self.title,
            outlet: self.outlet,
            url: self.url,
            published,
            provider: self.provider,
            place: self.place,
            sentences: self.sentences,
            paragraphs: self.paragraphs,
            repeated: self.repeated_paragraphs,
            tail_from: self.boilerplate_from,
            mentions: self.mentions,
            crowded_windows: self.crowded_windows,
            sha256: self.sha256,
        })
    }
}

impl GraphDoc {
    /// Builds the document from a graph. The graph's claims move into the document, which
    /// makes their records one at a time as they are written (see [`Claims`]).
    pub fn from_graph(mut graph: Graph, gaz: &Gazetteer, lex: &Lexicon) -> GraphDoc {
        // Document ids are shared by every map that names them; nodes and edges are taken out of
        // the graph one by one, so the two forms are never both whole in memory.
        let doc_ids: Vec<DocKey> = graph.documents.iter().map(|d| DocKey::from(d.id.as_str())).collect();
        let doc_id = |d: &u32| doc_ids[*d as usize].clone();
        let entity_of: Vec<u32> = graph.graph.node_weights().map(|n| n.entity).collect();
        let id_of = |i: petgraph::graph::NodeIndex| gaz.entities[entity_of[i.index()] as usize].id.clone();
        let (graph_nodes, graph_edges) = std::mem::take(&mut graph.graph).into_nodes_edges();
        // Nodes and edges are made in parallel on the current rayon pool, in order.
        let nodes = graph_nodes
            .into_par_iter()
            .map(|n| {
                let n = n.weight;
                let e = &gaz.entities[n.entity as usize];
                NodeRec {
                    id: e.id.clone(),
                    label: e.name.clone(),
                    kind: e.kind.clone(),
                    iso3: e.iso3.clone(),
                    aliases: e.aliases.iter().filter(|a| a.text != e.name).map(|a| a.text.clone()).collect(),
                    affiliation: e.affiliation.clone(),
                    mentions: n.mentions as u64,
                    documents: n.documents.iter().map(|(d, c)| (doc_id(d), *c as u64)).collect(),
                    matched_as: n.matched_as.iter().map(|(h, c)| (h.as_str().to_string(), *c as u64)).collect(),
                }
            })
            .collect();
        let edges = graph_edges
            .into_par_iter()
            .map(|edge| {
                let (s, t) = (edge.source(), edge.target());
                let base = EdgeRec { source: id_of(s), target: id_of(t), ..Default::default() };
                match &edge.weight {
                    Edge::CoMention { weight, documents, npmi } => EdgeRec {
                        kind: "co_mention".into(),
                        weight: *weight as u64,
                        documents: Some(documents.iter().map(|(d, c)| (doc_id(d), *c as u64)).collect()),
                        npmi: Some((npmi * 10_000.0).round() / 10_000.0),
                        ..base
                    },
                    Edge::Affiliation => EdgeRec { kind: "affiliation".into(), weight: 1, ..base },
                    Edge::Relation { relation, negated, claims, copies, outlets, goldstein_mean, first, last, evidence } => {
                        let rel = &lex.relations[*relation];
                        EdgeRec {
                            kind: "relation".into(),
                            weight: *claims as u64,
                            relation: Some(rel.id.clone()),
                            polarity: Some(rel.polarity.as_str().into()),
                            directed: Some(!rel.symmetric),
                            negated: Some(*negated),
                            claims: Some(*claims as u64),
                            copies: Some(*copies as u64),
                            outlets: Some(*outlets as u64),
                            goldstein_mean: Some((goldstein_mean * 100.0).round() / 100.0),
                            first: Some(first.map(|d| d.to_string())),
                            last: Some(last.map(|d| d.to_string())),
                            evidence: Some(evidence.iter().map(|&i| claim_id(i)).collect()),
                            ..base
                        }
                    }
                }
            })
            .collect();
        let documents = graph.documents.iter().map(DocumentRec::from_info).collect();
        let settings = Settings { window: graph.window.as_str().into(), windows: graph.windows, filters: Vec::new() };
        let unknown_names = std::mem::take(&mut graph.unknown);
        let claims = Claims::from_graph(graph, doc_ids, gaz, lex);
        GraphDoc {
            unknown_names,
            schema: SCHEMA.into(),
            generator: Generator { name: "newsgraph".into(), version: env!("CARGO_PKG_VERSION").into() },
            gazetteer: GazetteerInfo { entities: gaz.entities.len(), aliases: gaz.alias_count(), digest: gaz.digest.clone() },
            settings,
            documents,
            nodes,
            edges,
            claims,
        }
    }

    /// Renders `graph.json`.
    pub fn to_json(&self) -> Result<String> {
        let mut out = Vec::new();
        self.write_json(&mut out)?;
        Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
    }

    /// Writes `graph.json` to `out` as it is made, claim by claim.
    pub fn write_json(&self, out: &mut dyn std::io::Write) -> Result<()> {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
        let fail = |e: &dyn std::fmt::Display| Error::output(std::path::Path::new("graph.json"), e);
        if let Source::Built { built, keep } = &self.claims.0
            && !self.claims.is_empty()
        {
            self.write_json_built(&mut w, built, keep.as_deref())?;
        } else {
            let mut ser = serde_json::Serializer::with_formatter(&mut w, Lines { depth: 0, has_value: false });
            self.serialize(&mut ser).map_err(|e| match self.claims.take_error() {
                Some(read) => read,
                None => fail(&e),
            })?;
        }
        w.write_all(b"\n").map_err(|e| fail(&e))?;
        w.flush().map_err(|e| fail(&e))
    }

    /// `graph.json` with claims read back from the evidence file. The bytes are those of
    /// serde_json with the [`Lines`] layout for the whole document: the small fields are rendered as a
    /// head, and every element of the four arrays (documents, nodes, edges, claims) alone, in
    /// parallel blocks on the current rayon pool, each on its line, and written in order.
    fn write_json_built(&self, w: &mut dyn std::io::Write, built: &Built, keep: Option<&Vec<bool>>) -> Result<()> {
        /// [`GraphDoc`]'s fields before its arrays, field for field.
        #[derive(Serialize)]
        struct Head<'a> {
            schema: &'a str,
            generator: &'a Generator,
            gazetteer: &'a GazetteerInfo,
            settings: &'a Settings,
            unknown_names: &'a crate::discover::Unknown,
        }
        let fail = |e: &dyn std::fmt::Display| Error::output(std::path::Path::new("graph.json"), e);
        let head =
            Head { schema: &self.schema, generator: &self.generator, gazetteer: &self.gazetteer, settings: &self.settings, unknown_names: &self.unknown_names };
        let mut rendered = Vec::new();
        head.serialize(&mut serde_json::Serializer::with_formatter(&mut rendered, Lines { depth: 0, has_value: false })).map_err(|e| fail(&e))?;
        // Open the object again where the head closed it.
        if !rendered.ends_with(b"\n}") {
            return Err(fail(&"the head does not end in a closing brace"));
        }
        rendered.truncate(rendered.len() - 2);
        w.write_all(&rendered).map_err(|e| fail(&e))?;
        write_array(w, "documents", self.documents.len(), || (), |_, i, out| to_line(out, &self.documents[i]))?;
        write_array(w, "nodes", self.nodes.len(), || (), |_, i, out| to_line(out, &self.nodes[i]))?;
        write_array(w, "edges", self.edges.len(), || (), |_, i, out| to_line(out, &self.edges[i]))?;
        let wanted: Vec<usize> = (0..built.records.len()).filter(|&i| keep.is_none_or(|k| k[i])).collect();
        write_array(w, "claims", wanted.len(), ReadAhead::default, |ahead, k, out| {
            let i = wanted[k];
            let (c, sentence, cue) = built.evidence.claim_ref(&built.records[i], ahead)?;
            to_line(out, &built.view(i, &c, sentence.into(), cue.into()))
        })?;
        w.write_all(b"\n}").map_err(|e| fail(&e))
    }

    /// Reads a `graph.json`, naming the file and line of any error.
    pub fn parse(name: &str, src: &str) -> Result<GraphDoc> {
        let doc: GraphDoc = serde_json::from_str(src).map_err(|e| Error::input(format!("{name}:{}:{}", e.line(), e.column()), e))?;
        if !doc.schema.starts_with("newsgraph.graph/") {
            return Err(Error::input(name, format!("schema {:?} is not a newsgraph graph", doc.schema)));
        }
        let ids: BTreeSet<&str> = doc.nodes.iter().map(|n| n.id.as_str()).collect();
        if let Some(e) = doc.edges.iter().find(|e| !ids.contains(e.source.as_str()) || !ids.contains(e.target.as_str())) {
            return Err(Error::input(name, format!("edge {} – {} names a node that is not in the graph", e.source, e.target)));
        }
        Ok(doc)
    }

    /// The document with `id`.
    pub fn document(&self, id: &str) -> Option<&DocumentRec> {
        self.documents.iter().find(|d| d.id == id)
    }

    /// The node with `id`.
    pub fn node(&self, id: &str) -> Option<&NodeRec> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layout: the top-level object and its fields' values lined as the pretty printer
    /// lines them, each array element on one line; the same JSON as serde_json's once parsed.
    #[test]
    fn lines_put_each_element_on_a_line() {
        #[derive(Serialize)]
        struct Node {
            id: &'static str,
            aliases: Vec<&'static str>,
            documents: BTreeMap<&'static str, u32>,
            affiliation: Option<&'static str>,
            nested: (Vec<u8>, BTreeMap<&'static str, Vec<u8>>),
        }
        #[derive(Serialize)]
        struct Doc {
            schema: &'static str,
            generator: BTreeMap<&'static str, &'static str>,
            empty: Vec<u8>,
            none: BTreeMap<u8, u8>,
            nodes: Vec<Node>,
        }
        let doc = Doc {
            schema: "s",
            generator: BTreeMap::from([("name", "n"), ("version", "1")]),
            empty: vec![],
            none: BTreeMap::new(),
            nodes: vec![
                Node {
                    id: "a",
                    aliases: vec!["x", "y"],
                    documents: BTreeMap::from([("d1", 2), ("d2", 1)]),
                    affiliation: None,
                    nested: (vec![1, 2], BTreeMap::from([("k", vec![3])])),
                },
                Node { id: "b", aliases: vec![], documents: BTreeMap::new(), affiliation: Some("a"), nested: (vec![], BTreeMap::new()) },
            ],
        };
        let mut out = Vec::new();
        doc.serialize(&mut serde_json::Serializer::with_formatter(&mut out, Lines { depth: 0, has_value: false })).unwrap();
        let text = String::from_utf8(out).unwrap();
        let want = r#"{
  "schema": "s",
  "generator": {
    "name": "n",
    "version": "1"
  },
  "empty": [],
  "none": {},
  "nodes": [
    {"id": "a", "aliases": ["x", "y"], "documents": {"d1": 2, "d2": 1}, "affiliation": null, "nested": [[1, 2], {"k": [3]}]},
    {"id": "b", "aliases": [], "documents": {}, "affiliation": "a", "nested": [[], {}]}
  ]
}"#;
        assert_eq!(text, want);
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed, serde_json::to_value(&doc).unwrap());
        let mut element = Vec::new();
        to_line(&mut element, &doc.nodes[1]).unwrap();
        assert_eq!(String::from_utf8(element).unwrap(), r#"{"id": "b", "aliases": [], "documents": {}, "affiliation": "a", "nested": [[], {}]}"#);
    }

    proptest::proptest! {
        /// Document counts behave as the map they replace: made from pairs (a repeated id keeps
        /// its last count), merged, read back from JSON and written as the same object.
        #[test]
        fn doc_counts_are_a_map(a in proptest::collection::vec(("[a-e]{1,2}", 0u64..5), 0..12), b in proptest::collection::vec(("[a-e]{1,2}", 0u64..5), 0..12)) {
            let pairs = |v: &Vec<(String, u64)>| v.iter().map(|(k, c)| (DocKey::from(k.as_str()), *c)).collect::<Vec<_>>();
            let (mut x, y): (DocCounts, DocCounts) = (pairs(&a).into_iter().collect(), pairs(&b).into_iter().collect());
            let (mut mx, my): (BTreeMap<DocKey, u64>, BTreeMap<DocKey, u64>) = (pairs(&a).into_iter().collect(), pairs(&b).into_iter().collect());
            proptest::prop_assert_eq!(serde_json::to_string(&x).unwrap(), serde_json::to_string(&mx).unwrap());
            for (k, c) in &my {
                *mx.entry(k.clone()).or_default() += c;
            }
            x.add_all(&y);
            let json = serde_json::to_string(&x).unwrap();
            proptest::prop_assert_eq!(&json, &serde_json::to_string(&mx).unwrap());
            proptest::prop_assert_eq!(x.len(), mx.len());
            for (k, c) in &mx {
                proptest::prop_assert_eq!(x.get(k), Some(*c));
            }
            let back: DocCounts = serde_json::from_str(&json).unwrap();
            proptest::prop_assert_eq!(back, x);
        }
    }

    /// A repeated id in JSON keeps its last count, as serde's maps do.
    #[test]
    fn doc_counts_read_repeated_ids_as_a_map_does() {
        let text = r#"{"b": 1, "a": 2, "b": 3}"#;
        let counts: DocCounts = serde_json::from_str(text).unwrap();
        let map: BTreeMap<String, u64> = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&counts).unwrap(), serde_json::to_string(&map).unwrap());
        assert_eq!(counts.get("b"), Some(3));
        assert_eq!(counts.keys().map(|k| &**k).collect::<Vec<_>>(), ["a", "b"]);
    }
}
