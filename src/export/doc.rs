//! The graph document: `graph.json` as owned data, written by `build`, read back by `export`.
//!
//! Every other format is rendered from a [`GraphDoc`], so `newsgraph export graph.json` gives
//! the same files as the build that wrote it, and every format of one run shows the same nodes
//! and edges. Legibility filters ([`Filters`]) act on the document before any format is
//! written.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use rayon::prelude::*;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};
use crate::gazetteer::Gazetteer;
use crate::graph::{ClaimRecord, Edge, Evidence, Graph, ReadAhead, claim_id};
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

/// A claim.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClaimRec {
    /// Id.
    pub id: String,
    /// Document id.
    pub document: String,
    /// Subject entity id.
    pub subject: String,
    /// Object entity id.
    pub object: String,
    /// Subject's state.
    #[serde(default)]
    pub subject_state: String,
    /// Object's state.
    #[serde(default)]
    pub object_state: String,
    /// Directed.
    pub directed: bool,
    /// Relation type.
    pub relation: String,
    /// Polarity.
    pub polarity: String,
    /// Denied.
    pub negated: bool,
    /// Modality.
    pub modality: String,
    /// Speaker id.
    pub speaker: Option<String>,
    /// CAMEO code.
    pub cameo: String,
    /// PLOVER category.
    pub plover: Option<String>,
    /// Goldstein value.
    pub goldstein: f64,
    /// Quad class.
    pub quad_class: String,
    /// A relation state.
    #[serde(default)]
    pub state: bool,
    /// The sentence.
    pub sentence: String,
    /// Spans.
    pub spans: Spans,
    /// Cue text.
    pub cue: String,
    /// Cue phrase of the lexicon.
    #[serde(default)]
    pub cue_phrase: String,
    /// Lexicon line.
    pub rule: String,
    /// The pairing rule that linked subject and object (`relations::pairing_rules`); empty in
    /// a graph written before claims recorded it.
    #[serde(default)]
    pub pairing: String,
    /// Claim this copies.
    #[serde(default)]
    pub copy_of: Option<String>,
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
        let claims = Claims::from_graph(graph, doc_ids, gaz, lex);
        GraphDoc {
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
        }
        let fail = |e: &dyn std::fmt::Display| Error::output(std::path::Path::new("graph.json"), e);
        let head = Head { schema: &self.schema, generator: &self.generator, gazetteer: &self.gazetteer, settings: &self.settings };
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

/// Renders `value` as an element of an array field of the top-level object (two levels deep)
/// in `graph.json`'s [`Lines`] layout: on one line, appended to `out`.
fn to_line<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Lines { depth: 2, has_value: false });
    value.serialize(&mut ser).map_err(|e| Error::output(std::path::Path::new("graph.json"), e))
}

/// The layout of `graph.json`: the top-level object and the values of its fields as serde_json's
/// pretty printer lays them out (one item per line, two-space indent), and every element of
/// the arrays (a document, node, edge or claim) on one line of its own, with `": "` and `", "`
/// between its items, as the graph contract's examples are written. A line per element keeps
/// the file readable with `grep` and `head` at any size, and a third smaller than fully
/// pretty-printed JSON.
struct Lines {
    /// The number of arrays and objects open.
    depth: usize,
    /// Whether the innermost open array or object laid out on lines has an item yet.
    has_value: bool,
}

impl Lines {
    /// Arrays and objects this deep (the top-level object is 1) have an item per line; deeper
    /// ones are written on the line of their element.
    const LINED: usize = 2;

    fn indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        const SPACES: &[u8] = &[b' '; 64];
        let mut n = 2 * self.depth;
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }

    /// Opens an array or object one level deeper.
    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    /// Closes it: a lined one on a line of its own at the outer depth, unless it is empty.
    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        let lined = self.depth <= Self::LINED;
        self.depth -= 1;
        if lined && self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }

    /// Starts an element or key: on a line of its own in a lined array or object, else after
    /// `", "`.
    fn item<W: ?Sized + std::io::Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        if self.depth <= Self::LINED {
            w.write_all(if first { b"\n" } else { b",\n" })?;
            self.indent(w)
        } else if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }
}

impl serde_json::ser::Formatter for Lines {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes `,\n  "name": [...]`, an array field of the top-level object with `len` elements,
/// as serde_json's pretty printer would. `render(state, i, out)` appends element `i` rendered
/// on its line (see [`to_line`]); elements are rendered in parallel blocks on the current
/// rayon pool (each block with its own `state`) and written in order. A round of
/// blocks at a time, sized by the bytes rendered so far, bounds memory; while the calling
/// thread writes one round, the pool's other workers render the next (with one worker, the
/// two simply take turns).
fn write_array<S>(
    w: &mut dyn std::io::Write,
    name: &str,
    len: usize,
    state: impl Fn() -> S + Sync,
    render: impl Fn(&mut S, usize, &mut Vec<u8>) -> Result<()> + Sync,
) -> Result<()> {
    let fail = |e: &dyn std::fmt::Display| Error::output(std::path::Path::new("graph.json"), e);
    write!(w, ",\n  \"{name}\": ").map_err(|e| fail(&e))?;
    if len == 0 {
        return w.write_all(b"[]").map_err(|e| fail(&e));
    }
    w.write_all(b"[").map_err(|e| fail(&e))?;
    // A round of blocks is rendered at a time, so memory holds about two rounds of JSON (one
    // being written, one being rendered): block sizes follow the size of the elements rendered
    // so far (a co-mention edge of a large corpus lists thousands of documents; a claim is a
    // kilobyte), starting at one.
    const ROUND: usize = 16 << 20;
    const MAX_BLOCK: usize = 1024;
    let blocks_per_round = 4 * rayon::current_num_threads();
    let render_round = |round: std::ops::Range<usize>, block: usize| -> Result<Vec<Vec<u8>>> {
        let blocks: Vec<std::ops::Range<usize>> = round.clone().step_by(block).map(|b| b..(b + block).min(round.end)).collect();
        blocks
            .into_par_iter()
            .map(|block| {
                let mut st = state();
                let mut buf = Vec::with_capacity(block.len() * 512);
                for i in block {
                    buf.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
                    render(&mut st, i, &mut buf)?;
                }
                Ok(buf)
            })
            .collect()
    };
    let write_round =
        |w: &mut dyn std::io::Write, rendered: Vec<Vec<u8>>| -> Result<()> { rendered.iter().try_for_each(|r| w.write_all(r)).map_err(|e| fail(&e)) };
    let mut first = 0;
    let mut block = 1;
    // The rendered round waiting to be written.
    let mut pending: Option<Vec<Vec<u8>>> = None;
    while first < len {
        let end = (first + block * blocks_per_round).min(len);
        let mut next: Option<Result<Vec<Vec<u8>>>> = None;
        let written = rayon::in_place_scope(|scope| {
            scope.spawn(|_| next = Some(render_round(first..end, block)));
            pending.take().map_or(Ok(()), |p| write_round(w, p))
        });
        let rendered = next.expect("the scope ran its job")?;
        written?;
        let bytes: usize = rendered.iter().map(Vec::len).sum();
        let per_element = (bytes / (end - first)).max(1);
        block = (ROUND / blocks_per_round / per_element).clamp(1, MAX_BLOCK);
        pending = Some(rendered);
        first = end;
    }
    if let Some(p) = pending {
        write_round(w, p)?;
    }
    w.write_all(b"\n  ]").map_err(|e| fail(&e))
}

/// Legibility filters, applied in this order: types, state level, minimum weight, focus, top.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Keep only nodes of these types.
    pub types: Option<Vec<String>>,
    /// Roll people and organisations up to their state.
    pub state_level: bool,
    /// Drop co-mention and relation edges lighter than this.
    pub min_weight: Option<u64>,
    /// Keep the ego network of this node id ...
    pub focus: Option<String>,
    /// ... to this depth.
    pub depth: usize,
    /// Keep the N most connected nodes.
    pub top: Option<usize>,
}

impl Filters {
    /// Whether any filter is set.
    pub fn any(&self) -> bool {
        self.types.is_some() || self.state_level || self.min_weight.is_some() || self.focus.is_some() || self.top.is_some()
    }

    fn describe(&self) -> Vec<String> {
        let mut v = Vec::new();
        if let Some(t) = &self.types {
            v.push(format!("types={}", t.join(",")));
        }
        if self.state_level {
            v.push("state-level".into());
        }
        if let Some(w) = self.min_weight {
            v.push(format!("min-weight={w}"));
        }
        if let Some(f) = &self.focus {
            v.push(format!("focus={f} depth={}", self.depth));
        }
        if let Some(n) = self.top {
            v.push(format!("top={n}"));
        }
        v
    }
}

impl GraphDoc {
    /// Applies legibility filters. Nodes left without an edge are dropped when any filter is
    /// set; claims stay when both their actors (or their states) stay.
    pub fn filtered(self, f: &Filters) -> Result<GraphDoc> {
        if !f.any() {
            return Ok(self);
        }
        let mut doc = self;
        doc.settings.filters = f.describe();
        if let Some(types) = &f.types {
            doc.nodes.retain(|n| types.iter().any(|t| t == &n.kind));
            retain_edges(&mut doc);
        }
        if f.state_level {
            state_level(&mut doc);
        }
        if let Some(w) = f.min_weight {
            doc.edges.retain(|e| e.kind == "affiliation" || e.weight >= w);
            drop_isolated(&mut doc);
        }
        if let Some(focus) = &f.focus {
            if doc.node(focus).is_none() {
                return Err(Error::usage(format!("--focus {focus:?} is not a node of this graph")));
            }
            let mut adj: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for e in &doc.edges {
                adj.entry(&e.source).or_default().insert(&e.target);
                adj.entry(&e.target).or_default().insert(&e.source);
            }
            let mut keep: BTreeSet<String> = BTreeSet::new();
            let mut queue = VecDeque::from([(focus.as_str(), 0usize)]);
            keep.insert(focus.clone());
            while let Some((n, d)) = queue.pop_front() {
                if d == f.depth {
                    continue;
                }
                for m in adj.get(n).into_iter().flatten() {
                    if keep.insert(m.to_string()) {
                        queue.push_back((m, d + 1));
                    }
                }
            }
            doc.nodes.retain(|n| keep.contains(&n.id));
            retain_edges(&mut doc);
        }
        if let Some(top) = f.top {
            let mut degree: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for e in &doc.edges {
                degree.entry(&e.source).or_default().insert(&e.target);
                degree.entry(&e.target).or_default().insert(&e.source);
            }
            let mut ranked: Vec<&NodeRec> = doc.nodes.iter().collect();
            ranked.sort_by(|a, b| {
                let (da, db) = (degree.get(a.id.as_str()).map_or(0, |s| s.len()), degree.get(b.id.as_str()).map_or(0, |s| s.len()));
                db.cmp(&da).then(b.mentions.cmp(&a.mentions)).then(a.id.cmp(&b.id))
            });
            let keep: BTreeSet<String> = ranked.iter().take(top).map(|n| n.id.clone()).collect();
            doc.nodes.retain(|n| keep.contains(&n.id));
            retain_edges(&mut doc);
        }
        drop_isolated(&mut doc);
        let ids: BTreeSet<&str> = doc.nodes.iter().map(|n| n.id.as_str()).collect();
        let kept = doc.claims.retain(|c| claim_kept(c, &ids));
        for e in &mut doc.edges {
            if let Some(ev) = &mut e.evidence {
                ev.retain(|c| kept.contains(c));
            }
        }
        Ok(doc)
    }
}

fn claim_kept(c: &ClaimRec, ids: &BTreeSet<&str>) -> bool {
    let side = |e: &str, s: &str| ids.contains(e) || ids.contains(s);
    side(&c.subject, &c.subject_state) && side(&c.object, &c.object_state)
}

fn retain_edges(doc: &mut GraphDoc) {
    let ids: BTreeSet<String> = doc.nodes.iter().map(|n| n.id.clone()).collect();
    doc.edges.retain(|e| ids.contains(&e.source) && ids.contains(&e.target));
}

fn drop_isolated(doc: &mut GraphDoc) {
    let linked: BTreeSet<String> = doc.edges.iter().flat_map(|e| [e.source.clone(), e.target.clone()]).collect();
    doc.nodes.retain(|n| linked.contains(&n.id));
}

/// Folds people and organisations into their states (when the state is a node).
fn state_level(doc: &mut GraphDoc) {
    let present: BTreeSet<String> = doc.nodes.iter().filter(|n| n.kind == "state").map(|n| n.id.clone()).collect();
    let to: BTreeMap<String, String> = doc
        .nodes
        .iter()
        .filter(|n| n.kind != "state")
        .filter_map(|n| n.affiliation.as_ref().filter(|a| present.contains(*a)).map(|a| (n.id.clone(), a.clone())))
        .collect();
    let map = |id: &str| to.get(id).cloned().unwrap_or_else(|| id.to_string());
    // Two passes: the nodes that stay, then the ones folded into them (their state is present).
    let (stay, fold): (Vec<NodeRec>, Vec<NodeRec>) = doc.nodes.drain(..).partition(|n| map(&n.id) == n.id);
    let mut merged: BTreeMap<String, NodeRec> = stay.into_iter().map(|n| (n.id.clone(), n)).collect();
    for n in fold {
        if let Some(into) = merged.get_mut(&map(&n.id)) {
            add_counts(into, &n);
        }
    }
    doc.nodes = merged.into_values().collect();
    // Edges: re-point, drop affiliations and self-loops, merge co-mentions and relations.
    // Keyed by source, target, kind, relation and negation.
    type EdgeKey = (String, String, String, Option<String>, Option<bool>);
    let mut edges: BTreeMap<EdgeKey, EdgeRec> = BTreeMap::new();
    for mut e in doc.edges.drain(..) {
        if e.kind == "affiliation" {
            continue;
        }
        e.source = map(&e.source);
        e.target = map(&e.target);
        if e.source == e.target {
            continue;
        }
        if e.directed != Some(true) && e.target < e.source {
            std::mem::swap(&mut e.source, &mut e.target);
        }
        let key = (e.source.clone(), e.target.clone(), e.kind.clone(), e.relation.clone(), e.negated);
        match edges.get_mut(&key) {
            None => {
                edges.insert(key, e);
            }
            Some(m) => {
                m.weight += e.weight;
                m.npmi = None;
                if let (Some(a), Some(b)) = (&mut m.documents, &e.documents) {
                    a.add_all(b);
                }
                if let (Some(a), Some(b)) = (&mut m.claims, e.claims) {
                    *a += b;
                }
                if let (Some(a), Some(b)) = (&mut m.evidence, &e.evidence) {
                    a.extend(b.iter().cloned());
                    a.sort();
                }
            }
        }
    }
    doc.edges = edges.into_values().collect();
}

fn add_counts(into: &mut NodeRec, from: &NodeRec) {
    into.mentions += from.mentions;
    into.documents.add_all(&from.documents);
    for (h, c) in &from.matched_as {
        *into.matched_as.entry(h.clone()).or_default() += c;
    }
}

/// The claims of a graph document. Read from a `graph.json`, they are held in memory; taken
/// from a built [`Graph`], they stay in its compact records and evidence file, and each
/// [`ClaimRec`] is made when it is needed, so writing a graph with millions of claims takes
/// memory for the records, not for their text.
#[derive(Debug, Clone)]
pub struct Claims(Source);

#[derive(Debug, Clone)]
enum Source {
    Owned(Vec<ClaimRec>),
    Built { built: Arc<Built>, keep: Option<Arc<Vec<bool>>> },
}

/// What it takes to make claim records from a graph's, without the gazetteer.
#[derive(Debug)]
struct Built {
    records: Vec<ClaimRecord>,
    evidence: Evidence,
    documents: Vec<DocKey>,
    entities: Vec<String>,
    relations: Vec<crate::relations::RelationType>,
    cues: Vec<(String, String)>,
    /// The first failure to read evidence back, reported when the claims are written.
    error: std::sync::Mutex<Option<Error>>,
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
    fn from_graph(graph: Graph, documents: Vec<DocKey>, gaz: &Gazetteer, lex: &Lexicon) -> Claims {
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
    fn records(&self) -> Box<dyn Iterator<Item = (ClaimRec, Option<usize>)> + '_> {
        match &self.0 {
            Source::Owned(v) => Box::new(v.iter().map(|c| (c.clone(), None))),
            Source::Built { built, keep } => Box::new(
                (0..built.records.len()).filter(move |&i| keep.as_ref().is_none_or(|k| k[i])).filter_map(move |i| built.light(i).map(|c| (c, Some(i)))),
            ),
        }
    }

    /// Keeps the claims whose light record passes `keep`; returns the ids kept.
    fn retain(&mut self, keep: impl Fn(&ClaimRec) -> bool) -> BTreeSet<String> {
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
    fn take_error(&self) -> Option<Error> {
        match &self.0 {
            Source::Built { built, .. } => built.error.lock().unwrap_or_else(|p| p.into_inner()).take(),
            Source::Owned(_) => None,
        }
    }
}

/// A built claim as `graph.json` writes it: [`ClaimRec`]'s fields in its order, borrowed from
/// the graph's tables rather than copied (a million claims are a million times fifteen strings).
/// The one mapping from a graph claim to its record: [`ClaimView::into_rec`] makes the owned form.
#[derive(Serialize)]
struct ClaimView<'a> {
    id: ClaimId,
    document: &'a str,
    subject: &'a str,
    object: &'a str,
    subject_state: &'a str,
    object_state: &'a str,
    directed: bool,
    relation: &'a str,
    polarity: &'a str,
    negated: bool,
    modality: &'a str,
    speaker: Option<&'a str>,
    cameo: &'a str,
    plover: Option<&'a str>,
    goldstein: f64,
    quad_class: &'a str,
    state: bool,
    sentence: std::borrow::Cow<'a, str>,
    spans: Spans,
    cue: std::borrow::Cow<'a, str>,
    cue_phrase: &'a str,
    rule: &'a str,
    pairing: &'a str,
    copy_of: Option<ClaimId>,
}

/// A claim's id, `c-` and its number from 1, at least six digits: serialised without an
/// allocation of its own.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ClaimId(usize);

impl std::fmt::Display for ClaimId {
    /// As [`claim_id`] makes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "c-{:06}", self.0 + 1)
    }
}

impl Serialize for ClaimId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl ClaimView<'_> {
    fn into_rec(self) -> ClaimRec {
        ClaimRec {
            id: self.id.to_string(),
            document: self.document.into(),
            subject: self.subject.into(),
            object: self.object.into(),
            subject_state: self.subject_state.into(),
            object_state: self.object_state.into(),
            directed: self.directed,
            relation: self.relation.into(),
            polarity: self.polarity.into(),
            negated: self.negated,
            modality: self.modality.into(),
            speaker: self.speaker.map(String::from),
            cameo: self.cameo.into(),
            plover: self.plover.map(String::from),
            goldstein: self.goldstein,
            quad_class: self.quad_class.into(),
            state: self.state,
            sentence: self.sentence.into_owned(),
            spans: self.spans,
            cue: self.cue.into_owned(),
            cue_phrase: self.cue_phrase.into(),
            rule: self.rule.into(),
            pairing: self.pairing.into(),
            copy_of: self.copy_of.map(|id| id.to_string()),
        }
    }
}

impl Built {
    /// Claim `i` without its text; a failure to read it is kept for [`Claims::check`].
    fn light(&self, i: usize) -> Option<ClaimRec> {
        match self.evidence.claim_only(&self.records[i]) {
            Ok(c) => Some(self.view(i, &c, "".into(), "".into()).into_rec()),
            Err(e) => {
                self.error.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
                None
            }
        }
    }

    /// Claim `i`, whole, read from the evidence file.
    fn whole(&self, i: usize) -> Result<ClaimView<'_>> {
        let (c, sentence, cue) = self.evidence.claim(&self.records[i])?;
        Ok(self.view(i, &c, sentence.into(), cue.into()))
    }

    fn view<'a>(&'a self, i: usize, c: &crate::relations::Claim, sentence: std::borrow::Cow<'a, str>, cue: std::borrow::Cow<'a, str>) -> ClaimView<'a> {
        let r = &self.records[i];
        let rel = &self.relations[c.relation];
        let (cue_phrase, rule) = &self.cues[c.cue];
        let id = |e: u32| self.entities[e as usize].as_str();
        let pair = |x: &std::ops::Range<usize>| [x.start, x.end];
        ClaimView {
            id: ClaimId(i),
            document: &self.documents[r.document as usize],
            subject: id(c.subject),
            object: id(c.object),
            subject_state: id(r.subject_state),
            object_state: id(r.object_state),
            directed: !rel.symmetric,
            relation: &rel.id,
            polarity: rel.polarity.as_str(),
            negated: c.negated,
            modality: c.modality.as_str(),
            speaker: c.speaker.map(id),
            cameo: &rel.cameo,
            plover: rel.plover.as_deref(),
            goldstein: rel.goldstein,
            quad_class: &rel.quad,
            state: rel.state,
            sentence,
            spans: Spans { sentence: pair(&c.sentence), subject: pair(&c.subject_span), object: pair(&c.object_span), cue: pair(&c.cue_span) },
            cue,
            cue_phrase,
            rule,
            pairing: c.pairing,
            copy_of: r.copy_of.map(ClaimId),
        }
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

    /// A claim id is `claim_id`'s string, through serde too.
    #[test]
    fn claim_ids_serialise_as_claim_id_makes_them() {
        for i in [0, 8, 99_998, 999_999, 1_000_000, usize::MAX - 1] {
            assert_eq!(ClaimId(i).to_string(), claim_id(i));
            assert_eq!(serde_json::to_string(&ClaimId(i)).unwrap(), format!("{:?}", claim_id(i)));
        }
    }

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
