//! The graph model: entities as nodes, co-mentions and affiliations as edges (petgraph).
//!
//! Documents are folded in one at a time with [`GraphBuilder::add`]; the finished [`Graph`]
//! is ordered by entity id, so the same documents always give the same graph, whatever order
//! or thread they were analysed in (the builder sorts what it is given by document id).

mod copies;
mod evidence;

pub use evidence::{Evidence, ReadAhead};

use copies::{COPY_CHUNK, mark_copies};
pub(crate) use copies::{CopyIndex, word_set, words_hash};

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap as HashMap;

use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;

use crate::date::Date;
use crate::error::Result;
use crate::gazetteer::{Gazetteer, How};
use crate::relations::{Claim, Lexicon};
use crate::tagger::Mention;
use crate::text::{Document, Layout};

/// What counts as "together" for co-mention edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Window {
    /// The same sentence (the default).
    #[default]
    Sentence,
    /// The same paragraph.
    Paragraph,
    /// The same document.
    Document,
}

impl Window {
    /// The lowercase name used in options and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Window::Sentence => "sentence",
            Window::Paragraph => "paragraph",
            Window::Document => "document",
        }
    }
}

/// What the graph keeps of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentInfo {
    /// Document id.
    pub id: String,
    /// Where it was read from.
    pub path: String,
    /// Headline.
    pub title: Option<String>,
    /// Outlet.
    pub outlet: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Publication date.
    pub published: Option<Date>,
    /// The agency providing the story (by its dateline).
    pub provider: Option<String>,
    /// Where it was filed from (by its dateline).
    pub place: Option<String>,
    /// Sentences read.
    pub sentences: usize,
    /// Paragraphs read.
    pub paragraphs: usize,
    /// Paragraphs skipped as repeats.
    pub repeated: usize,
    /// Where trailing boilerplate was cut.
    pub tail_from: Option<usize>,
    /// Mentions found.
    pub mentions: usize,
    /// Windows with more than [`MAX_WINDOW_ENTITIES`] entities, which gave no co-mentions.
    pub crowded_windows: usize,
    /// `sha256` of the text.
    pub sha256: String,
}

/// A window (sentence, paragraph, document) naming more distinct entities than this gives no
/// co-mention pairs: it is a list, not a statement, and its pairs would grow quadratically.
pub const MAX_WINDOW_ENTITIES: usize = 512;

/// One document, analysed: the unit [`GraphBuilder::add`] folds in, and what `newsgraph map`
/// writes as a partial record. It keeps what the graph needs and none of the text but its
/// claims' sentences, so documents can be dropped as soon as they are analysed.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The document's description.
    pub info: DocumentInfo,
    /// Per entity: mentions in this document, by how they matched.
    pub counts: BTreeMap<u32, BTreeMap<How, u32>>,
    /// Windows (sentences, paragraphs or the document) that hold at least one entity.
    pub windows: u64,
    /// Per entity: windows it appears in.
    pub entity_windows: BTreeMap<u32, u32>,
    /// Per pair of entities (lower index first): windows they share.
    pub pairs: BTreeMap<(u32, u32), u32>,
    /// The document's claims, in text order, with the text of their sentence and cue.
    pub claims: Vec<(Claim, String, String)>,
    /// What the store keeps of the text (see [`Analysis::with_detail`]); `None` unless asked.
    pub detail: Option<Box<Detail>>,
    /// Names the gazetteer does not know, where they stand (see [`crate::discover`]).
    pub names: crate::discover::Found,
}

/// What the windows of a document hold: see [`count_windows`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WindowCounts {
    /// Windows holding at least one entity.
    pub windows: u64,
    /// Per entity: windows it appears in.
    pub entity_windows: BTreeMap<u32, u32>,
    /// Per pair of entities (lower index first): windows they share.
    pub pairs: BTreeMap<(u32, u32), u32>,
    /// Windows with more than [`MAX_WINDOW_ENTITIES`] entities, which gave no pairs.
    pub crowded: usize,
}

/// Counts the entities of each window (`ranges`, in text order) among `mentions` (in text
/// order): a mention belongs to the window its first byte is in. The one count of co-mentions,
/// for a document being analysed and for one the store gives back.
pub fn count_windows(ranges: impl IntoIterator<Item = std::ops::Range<usize>>, mentions: &[Mention]) -> WindowCounts {
    let (mut windows, mut entity_windows, mut pairs) = (0u64, BTreeMap::new(), BTreeMap::new());
    let mut crowded = 0;
    let mut k = 0;
    let mut set: Vec<u32> = Vec::new();
    for r in ranges {
        while k < mentions.len() && mentions[k].start < r.start {
            k += 1;
        }
        set.clear();
        let mut j = k;
        while j < mentions.len() && mentions[j].start < r.end {
            set.push(mentions[j].entity);
            j += 1;
        }
        set.sort_unstable();
        set.dedup();
        if set.is_empty() {
            continue;
        }
        windows += 1;
        let crowd = set.len() > MAX_WINDOW_ENTITIES;
        crowded += usize::from(crowd);
        for (i, &x) in set.iter().enumerate() {
            *entity_windows.entry(x).or_insert(0u32) += 1;
            if crowd {
                continue;
            }
            for &y in &set[i + 1..] {
                *pairs.entry((x, y)).or_insert(0u32) += 1;
            }
        }
    }
    WindowCounts { windows, entity_windows, pairs, crowded }
}

/// What the store keeps of a document's text: its sentences (each with its text), its
/// paragraphs' spans and its mentions. Enough to show any sentence and to run the relation
/// rules again (`explain`) without the corpus.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Detail {
    /// The sentences read, in order, with their text.
    pub sentences: Vec<(crate::text::Sentence, String)>,
    /// The paragraphs read.
    pub paragraphs: Vec<std::ops::Range<usize>>,
    /// The mentions, in text order.
    pub mentions: Vec<Mention>,
}

impl Analysis {
    /// Summarises a tagged document for the graph.
    pub fn new(doc: &Document, layout: &Layout, mentions: &[Mention], claims: Vec<Claim>, window: Window) -> Analysis {
        let mut counts: BTreeMap<u32, BTreeMap<How, u32>> = BTreeMap::new();
        for m in mentions {
            *counts.entry(m.entity).or_default().entry(m.how).or_default() += 1;
        }
        let ranges: Vec<std::ops::Range<usize>> = match window {
            Window::Sentence => layout.sentences.iter().map(|s| s.span.clone()).collect(),
            Window::Paragraph => layout.paragraphs.clone(),
            Window::Document => vec![0..doc.text.len()],
        };
        let WindowCounts { windows, entity_windows, pairs, crowded } = count_windows(ranges, mentions);
        let info = DocumentInfo {
            id: doc.id.clone(),
            path: doc.path.clone(),
            title: doc.meta.title.clone(),
            outlet: doc.meta.outlet.clone(),
            url: doc.meta.url.clone(),
            published: doc.meta.published,
            provider: doc.meta.provider.clone(),
            place: doc.meta.place.clone(),
            sentences: layout.sentences.len(),
            paragraphs: layout.paragraphs.len(),
            repeated: layout.repeated,
            tail_from: layout.tail_from,
            mentions: mentions.len(),
            crowded_windows: crowded,
            sha256: doc.sha256(),
        };
        let claims = claims
            .into_iter()
            .map(|c| {
                let sentence = doc.text.get(c.sentence.clone()).unwrap_or("").to_string();
                let cue = doc.text.get(c.cue_span.clone()).unwrap_or("").to_string();
                (c, sentence, cue)
            })
            .collect();
        Analysis { info, counts, windows, entity_windows, pairs, claims, detail: None, names: crate::discover::Found::default() }
    }

    /// The same analysis, keeping what the store needs of the text (see [`Detail`]).
    pub fn with_detail(mut self, doc: &Document, layout: &Layout, mentions: &[Mention]) -> Analysis {
        let sentences = layout.sentences.iter().map(|s| (s.clone(), doc.text.get(s.span.clone()).unwrap_or("").to_string())).collect();
        self.detail = Some(Box::new(Detail { sentences, paragraphs: layout.paragraphs.clone(), mentions: mentions.to_vec() }));
        self
    }
}

/// A node: one entity that was mentioned.
#[derive(Debug, Clone)]
pub struct Node {
    /// Index into [`Gazetteer::entities`].
    pub entity: u32,
    /// Mentions over all documents.
    pub mentions: u32,
    /// Mentions per document (document index into [`Graph::documents`]), sorted by index.
    pub documents: Vec<(u32, u32)>,
    /// Mentions by how they matched.
    pub matched_as: BTreeMap<How, u32>,
    /// Windows (sentences, paragraphs or documents) the entity appears in.
    pub windows: u32,
}

/// An edge of the graph.
#[derive(Debug, Clone)]
pub enum Edge {
    /// Two entities in the same window. Stored from the lower entity id to the higher.
    CoMention {
        /// Distinct windows shared.
        weight: u32,
        /// Shared windows per document index, sorted by index.
        documents: Vec<(u32, u32)>,
        /// Normalised pointwise mutual information over all windows, in [-1, 1].
        npmi: f64,
    },
    /// A person or organisation belongs to a state; both are in the graph.
    Affiliation,
    /// Claims of one relation type between two actors, rolled up to their states where those
    /// are in the graph. Directed from subject to object unless the relation is symmetric.
    Relation {
        /// Index into [`Lexicon::relations`].
        relation: usize,
        /// Whether these are denied claims.
        negated: bool,
        /// Claims that are not copies of an earlier document's claim.
        claims: u32,
        /// Claims that copy an earlier document's (syndication, reworded copies).
        copies: u32,
        /// Distinct outlets among the original claims' documents.
        outlets: u32,
        /// Mean Goldstein value of the original claims.
        goldstein_mean: f64,
        /// First and last publication date among all its claims' documents.
        first: Option<Date>,
        /// Last date.
        last: Option<Date>,
        /// Indexes into [`Graph::claims`].
        evidence: Vec<usize>,
    },
}

/// A claim as the graph keeps it in memory: what ordering, copy detection and relation edges
/// need. The whole claim, with its spans and text, is in [`Graph::evidence`].
#[derive(Debug, Clone)]
pub struct ClaimRecord {
    /// Index into [`Graph::documents`].
    pub document: u32,
    /// Subject entity.
    pub subject: u32,
    /// Object entity.
    pub object: u32,
    /// Index into [`Lexicon::relations`].
    pub relation: usize,
    /// Whether the text denies it.
    pub negated: bool,
    /// Subject rolled up to its state (itself when it has none).
    pub subject_state: u32,
    /// Object rolled up to its state.
    pub object_state: u32,
    /// Index of the earlier claim (in another document) that this one copies.
    pub copy_of: Option<usize>,
    at: u64,
}

/// The stable id of the claim at `index` in [`Graph::claims`]: `c-000001`, in document then
/// text order.
pub fn claim_id(index: usize) -> String {
    format!("c-{:06}", index + 1)
}

/// The finished graph.
#[derive(Debug)]
pub struct Graph {
    /// Nodes in entity-id order; co-mention edges, then affiliation edges, each in id order.
    pub graph: DiGraph<Node, Edge>,
    /// Documents in id order.
    pub documents: Vec<DocumentInfo>,
    /// The co-mention window used.
    pub window: Window,
    /// Windows that held at least one mention, over all documents.
    pub windows: u64,
    /// Every claim, in document then text order.
    pub claims: Vec<ClaimRecord>,
    /// The text of the claims' sentences and cues.
    pub evidence: Evidence,
    /// Names the gazetteer does not know.
    pub unknown: crate::discover::Unknown,
}

impl Graph {
    /// Claim `index` whole: the claim, its sentence and its cue text.
    pub fn claim(&self, index: usize) -> Result<(Claim, String, String)> {
        self.evidence.claim(&self.claims[index])
    }
}

/// What the builder keeps of an entity until the graph is finished.
#[derive(Debug, Default)]
struct NodeSum {
    mentions: u32,
    /// (document in arrival order, mentions).
    documents: Vec<(u32, u32)>,
    matched_as: BTreeMap<How, u32>,
    windows: u32,
}

/// Accumulates analysed documents into a [`Graph`]. Each document is folded in as it comes:
/// counts into per-entity and per-pair sums, claims into compact records with their text in
/// an [`Evidence`] file. Memory grows with the graph, not with the corpus.
/// A sentence, its hash, and its [`word_set`].
type SentenceWords = (String, u64, Vec<(u64, bool)>);

/// A pair's shared windows, and per document (document, windows).
type PairSum = (u32, Vec<(u32, u32)>);

#[derive(Debug, Default)]
pub struct GraphBuilder {
    window: Window,
    documents: Vec<DocumentInfo>,
    nodes: HashMap<u32, NodeSum>,
    /// Per pair (lower index first): shared windows, and (document, windows).
    pairs: HashMap<(u32, u32), PairSum>,
    windows: u64,
    claims: Vec<ClaimRecord>,
    evidence: Evidence,
    names: crate::discover::Candidates,
}

impl GraphBuilder {
    /// A builder for co-mentions within `window`.
    pub fn new(window: Window) -> GraphBuilder {
        GraphBuilder { window, ..Default::default() }
    }

    /// Folds in one analysed document. Fails only if the evidence file cannot be written.
    pub fn add(&mut self, analysis: Analysis) -> Result<()> {
        let d = self.documents.len() as u32;
        for (e, hows) in analysis.counts {
            let n = self.nodes.entry(e).or_default();
            let mut total = 0;
            for (how, c) in hows {
                total += c;
                *n.matched_as.entry(how).or_default() += c;
            }
            n.mentions += total;
            n.documents.push((d, total));
        }
        self.windows += analysis.windows;
        for (e, w) in analysis.entity_windows {
            if let Some(n) = self.nodes.get_mut(&e) {
                n.windows += w;
            }
        }
        for (pair, w) in analysis.pairs {
            let p = self.pairs.entry(pair).or_default();
            p.0 += w;
            p.1.push((d, w));
        }
        for (claim, sentence, cue) in analysis.claims {
            let at = self.evidence.push(&claim, &sentence, &cue)?;
            self.claims.push(ClaimRecord {
                document: d,
                subject: claim.subject,
                object: claim.object,
                relation: claim.relation,
                negated: claim.negated,
                subject_state: 0,
                object_state: 0,
                copy_of: None,
                at,
            });
        }
        self.documents.push(analysis.info);
        self.names.absorb(analysis.names);
        Ok(())
    }

    /// Builds the graph. Entity ids and document ids order everything, so the order documents
    /// were added in does not matter.
    pub fn finish(mut self, gaz: &Gazetteer, lex: &Lexicon) -> Result<Graph> {
        self.evidence.flush()?;
        // Documents in id order (then by content, so even duplicates come out the same way).
        let mut order: Vec<u32> = (0..self.documents.len() as u32).collect();
        order.par_sort_by(|&a, &b| {
            let (x, y) = (&self.documents[a as usize], &self.documents[b as usize]);
            x.id.cmp(&y.id).then(x.sha256.cmp(&y.sha256)).then(x.path.cmp(&y.path))
        });
        let mut rank = vec![0u32; order.len()];
        for (r, &a) in order.iter().enumerate() {
            rank[a as usize] = r as u32;
        }
        let remap = |v: Vec<(u32, u32)>| by_rank(v, &rank);
        let id_of = |e: u32| gaz.entities[e as usize].id.as_str();
        // Nodes and co-mention edges are made in parallel (each remaps its document list), then
        // sorted by their ids, which are distinct: the hash maps' order does not show.
        let mut nodes: Vec<(&str, Node)> = self
            .nodes
            .drain()
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|(e, n)| {
                let node = Node { entity: e, mentions: n.mentions, documents: remap(n.documents), matched_as: n.matched_as, windows: n.windows };
                (id_of(e), node)
            })
            .collect();
        nodes.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut graph: DiGraph<Node, Edge> = DiGraph::new();
        let mut index: BTreeMap<u32, NodeIndex> = BTreeMap::new();
        for (_, n) in nodes {
            let e = n.entity;
            index.insert(e, graph.add_node(n));
        }
        let windows_total = self.windows;
        let mut edges: Vec<((&str, &str), u32, u32, Edge)> = self
            .pairs
            .drain()
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|((x, y), (weight, documents))| {
                let (x, y) = if id_of(x) < id_of(y) { (x, y) } else { (y, x) };
                let (nx, ny) = (graph[index[&x]].windows as f64, graph[index[&y]].windows as f64);
                let total = windows_total as f64;
                let pxy = weight as f64 / total;
                let npmi = if pxy >= 1.0 {
                    1.0
                } else {
                    let pmi = (pxy / ((nx / total) * (ny / total))).ln();
                    (pmi / -pxy.ln()).clamp(-1.0, 1.0)
                };
                ((id_of(x), id_of(y)), x, y, Edge::CoMention { weight, documents: remap(documents), npmi })
            })
            .collect();
        edges.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut affiliations = Vec::new();
        for &e in index.keys() {
            let entity = &gaz.entities[e as usize];
            if let Some(state) = entity.affiliation.as_deref().and_then(|s| gaz.index_of(s))
                && index.contains_key(&(state as u32))
                && state as u32 != e
            {
                affiliations.push(((id_of(e), id_of(state as u32)), e, state as u32, Edge::Affiliation));
            }
        }
        affiliations.sort_by(|a, b| a.0.cmp(&b.0));
        // Claims in document then text order (a document's claims were added in text order).
        self.claims.par_iter_mut().for_each(|r| {
            r.document = rank[r.document as usize];
            r.subject_state = rollup(gaz, r.subject, &index);
            r.object_state = rollup(gaz, r.object, &index);
        });
        // Stable: a document's claims keep their text order.
        self.claims.par_sort_by_key(|r| r.document);
        let documents: Vec<DocumentInfo> = {
            let mut slots: Vec<Option<DocumentInfo>> = self.documents.into_iter().map(Some).collect();
            order.iter().map(|&a| slots[a as usize].take().expect("each document once")).collect()
        };
        mark_copies(&mut self.claims, &documents, &self.evidence, COPY_CHUNK)?;
        let relation_edges = relation_edges(&self.claims, &documents, gaz, lex);
        for (_, x, y, edge) in edges.into_iter().chain(affiliations).chain(relation_edges) {
            graph.add_edge(index[&x], index[&y], edge);
        }
        let unknown = crate::discover::Unknown::of(&self.names.suggestions(1));
        Ok(Graph { graph, documents, window: self.window, windows: windows_total, claims: self.claims, evidence: self.evidence, unknown })
    }
}

/// Per-document counts with each document index replaced by its rank (`rank[index]`), sorted
/// by rank, a document given twice counted once with its counts summed. A sorted list rather
/// than a map: a large graph has millions of these entries, and they are read in order.
fn by_rank(mut v: Vec<(u32, u32)>, rank: &[u32]) -> Vec<(u32, u32)> {
    for e in &mut v {
        e.0 = rank[e.0 as usize];
    }
    v.sort_unstable_by_key(|e| e.0);
    v.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 += later.1;
        }
        same
    });
    v.shrink_to_fit();
    v
}

/// The entity a claim's end rolls up to: its state when that state is in the graph.
pub fn rollup(gaz: &Gazetteer, e: u32, present: &BTreeMap<u32, NodeIndex>) -> u32 {
    let s = gaz.state_of(e);
    if present.contains_key(&s) { s } else { e }
}

type RelationEdges<'g> = Vec<((&'g str, &'g str), u32, u32, Edge)>;

/// Folds the claims into relation edges per (source, target, relation, denial).
fn relation_edges<'g>(records: &[ClaimRecord], documents: &[DocumentInfo], gaz: &'g Gazetteer, lex: &Lexicon) -> RelationEdges<'g> {
    let id_of = |e: u32| gaz.entities[e as usize].id.as_str();
    // Each entity's place in id order, so that claims group by (source id, target id,
    // relation, denial) with integer keys: one parallel sort instead of a map keyed by strings.
    let mut by_id: Vec<u32> = (0..gaz.entities.len() as u32).collect();
    by_id.par_sort_unstable_by(|&a, &b| id_of(a).cmp(id_of(b)));
    let mut rank = vec![0u32; by_id.len()];
    for (r, &e) in by_id.iter().enumerate() {
        rank[e as usize] = r as u32;
    }
    /// (source rank, target rank, relation, denial, claim): claims in index order in a group.
    type Keyed = (u32, u32, usize, bool, usize);
    let mut keyed: Vec<Keyed> = records
        .par_iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let rel = &lex.relations[r.relation];
            let (mut s, mut t) = (r.subject_state, r.object_state);
            if s == t {
                return None;
            }
            if rel.symmetric && rank[t as usize] < rank[s as usize] {
                std::mem::swap(&mut s, &mut t);
            }
            Some((rank[s as usize], rank[t as usize], r.relation, r.negated, i))
        })
        .collect();
    keyed.par_sort_unstable();
    let groups: Vec<&[Keyed]> = keyed.chunk_by(|a, b| (a.0, a.1, a.2, a.3) == (b.0, b.1, b.2, b.3)).collect();
    groups
        .into_par_iter()
        .map(|group| {
            let (rs, rt, relation, negated, _) = group[0];
            let (s, t) = (by_id[rs as usize], by_id[rt as usize]);
            let evidence: Vec<usize> = group.iter().map(|k| k.4).collect();
            let originals: Vec<&ClaimRecord> = evidence.iter().map(|&i| &records[i]).filter(|r| r.copy_of.is_none()).collect();
            let outlets: BTreeSet<String> = originals
                .iter()
                .map(|r| {
                    let info = &documents[r.document as usize];
                    info.outlet.clone().unwrap_or_else(|| format!("document {}", info.id))
                })
                .collect();
            let dates: Vec<Date> = evidence.iter().filter_map(|&i| documents[records[i].document as usize].published).collect();
            let g = lex.relations[relation].goldstein;
            let edge = Edge::Relation {
                relation,
                negated,
                claims: originals.len() as u32,
                copies: (evidence.len() - originals.len()) as u32,
                outlets: outlets.len() as u32,
                goldstein_mean: g,
                first: dates.iter().min().copied(),
                last: dates.iter().max().copied(),
                evidence,
            };
            ((id_of(s), id_of(t)), s, t, edge)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::evidence::MODALITIES;
    use super::*;
    use crate::relations::Modality;

    #[test]
    fn evidence_gives_back_every_claim_whole_from_the_file_and_the_buffer() {
        let mut ev = Evidence::default();
        let mut stored = Vec::new();
        // Past the flush threshold, so some records are read from the file and some from memory.
        for i in 0..8000usize {
            if ev.written > 0 && ev.buffer.len() > 10_000 {
                break;
            }
            let claim = Claim {
                subject: i as u32,
                object: u32::MAX - 1,
                relation: i % 31,
                cue: i % 648,
                negated: i % 3 == 0,
                modality: MODALITIES[i % 4],
                speaker: (i % 2 == 0).then_some(7),
                sentence: i..i + 500,
                subject_span: i + 1..i + 7,
                object_span: i + 10..i + 14,
                cue_span: i + 20..i + 30,
                pairing: crate::relations::pairing_rules().nth(i % 9).unwrap().0,
                confidence: (i % 100) as u8,
                subject_agent: crate::relations::AgentKind::ALL.get(i % 7).copied(),
                object_agent: None,
            };
            let sentence = format!("Sentence {i} – «Россия» and Iran’s {}", "x".repeat(i % 400));
            let cue = format!("cue {i}");
            let at = ev.push(&claim, &sentence, &cue).unwrap();
            stored.push((at, claim, sentence, cue));
        }
        assert!(ev.written > 0 && !ev.buffer.is_empty());
        for (at, claim, sentence, cue) in stored {
            assert_eq!(ev.read(at).unwrap(), (claim.clone(), sentence, cue));
            assert_eq!(ev.read_header(at).unwrap().0, claim);
        }
    }

    fn info(i: usize, published: Option<&str>) -> DocumentInfo {
        DocumentInfo {
            id: format!("d{i:02}"),
            path: format!("d{i:02}.txt"),
            title: None,
            outlet: None,
            url: None,
            published: published.map(|d| d.parse().unwrap()),
            provider: None,
            place: None,
            sentences: 3,
            paragraphs: 1,
            repeated: 0,
            tail_from: None,
            mentions: 6,
            crowded_windows: 0,
            sha256: String::new(),
        }
    }

    /// Copy detection prepares word sets a chunk at a time, the next chunk on the pool while
    /// the search runs: the copies found must not depend on the chunk size or thread count.
    #[test]
    fn copies_do_not_depend_on_chunks_or_threads() {
        let base = [
            "Russia and Iran signed a comprehensive strategic partnership treaty in Moscow covering energy transport security",
            "Tehran condemned the American strikes against nuclear facilities calling them flagrant violations of international law",
            "Beijing offered to mediate between Israel and Iran after weeks of missile exchanges across the region",
            "Moscow refused military assistance although officials repeated their diplomatic support during the summit",
        ];
        let mut ev = Evidence::default();
        let mut records = Vec::new();
        let mut documents = Vec::new();
        for d in 0..48usize {
            let date = format!("2025-0{}-{:02}", 1 + d % 6, 1 + (d * 7) % 28);
            documents.push(info(d, (d % 5 != 0).then_some(date.as_str())));
            for k in 0..3usize {
                let b = base[(d + k) % base.len()];
                // Exact copies, reworded copies (a word dropped, one added) and originals.
                let sentence = match (d + 2 * k) % 4 {
                    0 => b.to_string(),
                    1 => b.replacen(" the ", " ", 1) + " yesterday",
                    2 => (0..10).map(|w| format!("w{d}x{k}y{w}")).collect::<Vec<_>>().join(" "),
                    _ => b.to_uppercase(),
                };
                let claim = Claim {
                    subject: 1,
                    object: 2,
                    relation: k % 2,
                    cue: 0,
                    negated: false,
                    modality: Modality::Asserted,
                    speaker: None,
                    sentence: 0..sentence.len(),
                    subject_span: 0..1,
                    object_span: 2..3,
                    cue_span: 4..5,
                    pairing: "subject-object",
                    confidence: 90,
                    subject_agent: None,
                    object_agent: None,
                };
                let at = ev.push(&claim, &sentence, "cue").unwrap();
                records.push(ClaimRecord {
                    document: d as u32,
                    subject: 1,
                    object: 2,
                    relation: k % 2,
                    negated: false,
                    subject_state: 1,
                    object_state: 2,
                    copy_of: None,
                    at,
                });
            }
        }
        ev.flush().unwrap();
        let run = |threads: usize, chunk: usize| {
            let mut r = records.clone();
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| mark_copies(&mut r, &documents, &ev, chunk)).unwrap();
            r.iter().map(|r| r.copy_of).collect::<Vec<_>>()
        };
        let whole = run(1, COPY_CHUNK);
        let copies = whole.iter().flatten().count();
        assert!(copies > 40 && copies < records.len() - 20, "{copies} copies of {}", records.len());
        for threads in [1, 2] {
            for chunk in [1, 2, 7, 64, 143, 144, COPY_CHUNK] {
                assert_eq!(run(threads, chunk), whole, "{threads} threads, chunks of {chunk}");
            }
        }
    }

    /// Ranks replace indices, the list comes out sorted by rank, and a document given twice
    /// is counted once with its counts summed (what the map this replaced did).
    #[test]
    fn counts_by_rank_are_sorted_and_summed() {
        let rank = [2, 0, 3, 1];
        assert_eq!(by_rank(vec![(0, 5), (1, 1), (3, 2), (2, 7)], &rank), vec![(0, 1), (1, 2), (2, 5), (3, 7)]);
        assert_eq!(by_rank(vec![(2, 1), (0, 4), (2, 2)], &rank), vec![(2, 4), (3, 3)]);
        assert_eq!(by_rank(Vec::new(), &rank), Vec::new());
    }
}
