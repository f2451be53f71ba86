//! The graph model: entities as nodes, co-mentions and affiliations as edges (petgraph).
//!
//! Documents are folded in one at a time with [`GraphBuilder::add`]; the finished [`Graph`]
//! is ordered by entity id, so the same documents always give the same graph, whatever order
//! or thread they were analysed in (the builder sorts what it is given by document id).

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::{DiGraph, NodeIndex};

use crate::date::Date;
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
#[derive(Debug, Clone)]
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

/// One document, analysed: the unit [`GraphBuilder::add`] folds in. It keeps what the graph
/// needs and none of the text, so documents can be dropped as soon as they are analysed.
#[derive(Debug, Clone)]
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
    /// The words of each claim's sentence, for spotting copies across documents.
    claim_words: Vec<BTreeSet<String>>,
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
        let info = DocumentInfo {
            id: doc.id.clone(),
            path: doc.path.clone(),
            title: doc.meta.title.clone(),
            outlet: doc.meta.outlet.clone(),
            url: doc.meta.url.clone(),
            published: doc.meta.published,
            sentences: layout.sentences.len(),
            paragraphs: layout.paragraphs.len(),
            repeated: layout.repeated,
            tail_from: layout.tail_from,
            mentions: mentions.len(),
            crowded_windows: crowded,
            sha256: doc.sha256(),
        };
        let claim_words = claims
            .iter()
            .map(|c| {
                doc.text[c.sentence.clone()]
                    .split(|ch: char| !ch.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_lowercase)
                    .collect()
            })
            .collect();
        let claims = claims
            .into_iter()
            .map(|c| {
                let sentence = doc.text.get(c.sentence.clone()).unwrap_or("").to_string();
                let cue = doc.text.get(c.cue_span.clone()).unwrap_or("").to_string();
                (c, sentence, cue)
            })
            .collect();
        Analysis { info, counts, windows, entity_windows, pairs, claims, claim_words }
    }
}

/// A node: one entity that was mentioned.
#[derive(Debug, Clone)]
pub struct Node {
    /// Index into [`Gazetteer::entities`].
    pub entity: u32,
    /// Mentions over all documents.
    pub mentions: u32,
    /// Mentions per document (document index into [`Graph::documents`]).
    pub documents: BTreeMap<u32, u32>,
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
        /// Shared windows per document index.
        documents: BTreeMap<u32, u32>,
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

/// A claim as the graph keeps it.
#[derive(Debug, Clone)]
pub struct ClaimRecord {
    /// Stable id (`c-000001`, in document then text order).
    pub id: String,
    /// Index into [`Graph::documents`].
    pub document: u32,
    /// The claim and its evidence.
    pub claim: Claim,
    /// The text of its sentence.
    pub sentence: String,
    /// The text of its cue.
    pub cue: String,
    /// Subject rolled up to its state (itself when it has none).
    pub subject_state: u32,
    /// Object rolled up to its state.
    pub object_state: u32,
    /// Index of the earlier claim (in another document) that this one copies.
    pub copy_of: Option<usize>,
}

/// The finished graph.
#[derive(Debug, Clone)]
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
}

/// Accumulates analysed documents into a [`Graph`].
#[derive(Debug, Default)]
pub struct GraphBuilder {
    window: Window,
    analyses: Vec<Analysis>,
}

impl GraphBuilder {
    /// A builder for co-mentions within `window`.
    pub fn new(window: Window) -> GraphBuilder {
        GraphBuilder { window, analyses: Vec::new() }
    }

    /// Adds one analysed document.
    pub fn add(&mut self, analysis: Analysis) {
        self.analyses.push(analysis);
    }

    /// Builds the graph. Entity ids and document ids order everything.
    pub fn finish(mut self, gaz: &Gazetteer, lex: &Lexicon) -> Graph {
        self.analyses.sort_by(|a, b| a.info.id.cmp(&b.info.id));
        let mut nodes: BTreeMap<&str, Node> = BTreeMap::new();
        let mut pairs: BTreeMap<(u32, u32), (u32, BTreeMap<u32, u32>)> = BTreeMap::new();
        let mut windows_total = 0u64;
        let id_of = |e: u32| gaz.entities[e as usize].id.as_str();
        for (d, a) in self.analyses.iter().enumerate() {
            let d = d as u32;
            for (&e, hows) in &a.counts {
                let n = nodes.entry(id_of(e)).or_insert_with(|| Node {
                    entity: e,
                    mentions: 0,
                    documents: BTreeMap::new(),
                    matched_as: BTreeMap::new(),
                    windows: 0,
                });
                for (&how, &c) in hows {
                    n.mentions += c;
                    *n.documents.entry(d).or_default() += c;
                    *n.matched_as.entry(how).or_default() += c;
                }
            }
            windows_total += a.windows;
            for (&e, &w) in &a.entity_windows {
                if let Some(n) = nodes.get_mut(id_of(e)) {
                    n.windows += w;
                }
            }
            for (&(x, y), &w) in &a.pairs {
                let key = if id_of(x) < id_of(y) { (x, y) } else { (y, x) };
                let p = pairs.entry(key).or_default();
                p.0 += w;
                *p.1.entry(d).or_default() += w;
            }
        }
        let mut graph: DiGraph<Node, Edge> = DiGraph::new();
        let mut index: BTreeMap<u32, NodeIndex> = BTreeMap::new();
        for (_, n) in nodes {
            let e = n.entity;
            index.insert(e, graph.add_node(n));
        }
        let mut edges: Vec<((&str, &str), u32, u32, Edge)> = Vec::new();
        for ((x, y), (weight, documents)) in pairs {
            let (nx, ny) = (graph[index[&x]].windows as f64, graph[index[&y]].windows as f64);
            let total = windows_total as f64;
            let pxy = weight as f64 / total;
            let npmi = if pxy >= 1.0 {
                1.0
            } else {
                let pmi = (pxy / ((nx / total) * (ny / total))).ln();
                (pmi / -pxy.ln()).clamp(-1.0, 1.0)
            };
            edges.push(((id_of(x), id_of(y)), x, y, Edge::CoMention { weight, documents, npmi }));
        }
        edges.sort_by(|a, b| a.0.cmp(&b.0));
        let mut affiliations = Vec::new();
        for (&e, _) in &index {
            let entity = &gaz.entities[e as usize];
            if let Some(state) = entity.affiliation.as_deref().and_then(|s| gaz.index_of(s))
                && index.contains_key(&(state as u32))
                && state as u32 != e
            {
                affiliations.push(((id_of(e), id_of(state as u32)), e, state as u32, Edge::Affiliation));
            }
        }
        affiliations.sort_by(|a, b| a.0.cmp(&b.0));
        let (claims, relation_edges) = relation_edges(&self.analyses, gaz, lex, &index);
        for (_, x, y, edge) in edges.into_iter().chain(affiliations).chain(relation_edges) {
            graph.add_edge(index[&x], index[&y], edge);
        }
        Graph {
            graph,
            documents: self.analyses.into_iter().map(|a| a.info).collect(),
            window: self.window,
            windows: windows_total,
            claims,
        }
    }
}

/// The entity a claim's end rolls up to: its state when that state is in the graph.
pub fn rollup(gaz: &Gazetteer, e: u32, present: &BTreeMap<u32, NodeIndex>) -> u32 {
    let s = gaz.state_of(e);
    if present.contains_key(&s) { s } else { e }
}

type RelationEdges<'g> = Vec<((&'g str, &'g str), u32, u32, Edge)>;

/// Numbers the claims, marks copies across documents, and folds them into relation edges.
fn relation_edges<'g>(
    analyses: &[Analysis],
    gaz: &'g Gazetteer,
    lex: &Lexicon,
    index: &BTreeMap<u32, NodeIndex>,
) -> (Vec<ClaimRecord>, RelationEdges<'g>) {
    let mut records: Vec<ClaimRecord> = Vec::new();
    let mut words: Vec<&BTreeSet<String>> = Vec::new();
    for (d, a) in analyses.iter().enumerate() {
        for ((c, sentence, cue), w) in a.claims.iter().zip(&a.claim_words) {
            records.push(ClaimRecord {
                id: format!("c-{:06}", records.len() + 1),
                document: d as u32,
                claim: c.clone(),
                sentence: sentence.clone(),
                cue: cue.clone(),
                subject_state: rollup(gaz, c.subject, index),
                object_state: rollup(gaz, c.object, index),
                copy_of: None,
            });
            words.push(w);
        }
    }
    // Copies: the same pair, relation and denial in a sentence sharing at least eight words and
    // 40% of all its words with an earlier-published document's. Undated documents come last.
    // Identical sentences are found by a hash of their words; near-copies through an index of
    // their longer words, a bounded number of candidates per word, so the search stays linear
    // on corpora full of syndicated copies.
    let mut order: Vec<usize> = (0..records.len()).collect();
    let date_of = |r: &ClaimRecord| analyses[r.document as usize].info.published;
    order.sort_by_key(|&i| (date_of(&records[i]).is_none(), date_of(&records[i]), records[i].document, i));
    let key = |r: &ClaimRecord| {
        let (a, b) = (r.subject_state.min(r.object_state), r.subject_state.max(r.object_state));
        (a, b, r.claim.relation, r.claim.negated)
    };
    let word_hash = |w: &BTreeSet<String>| {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        w.hash(&mut h);
        h.finish()
    };
    const CANDIDATES_PER_WORD: usize = 32;
    let mut exact: std::collections::HashMap<((u32, u32, usize, bool), u64), usize> = std::collections::HashMap::new();
    let mut postings: std::collections::HashMap<((u32, u32, usize, bool), &str), Vec<usize>> = std::collections::HashMap::new();
    for &j in &order {
        let k = key(&records[j]);
        let h = word_hash(words[j]);
        let doc = records[j].document;
        if let Some(&i) = exact.get(&(k, h))
            && records[i].document != doc
        {
            records[j].copy_of = Some(i);
            continue;
        }
        let mut shared: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
        for w in words[j].iter().filter(|w| w.len() >= 4) {
            if let Some(list) = postings.get(&(k, w.as_str())) {
                for &i in list.iter().rev().take(CANDIDATES_PER_WORD) {
                    *shared.entry(i).or_default() += 1;
                }
            }
        }
        let found = shared
            .into_iter()
            .filter(|&(i, _)| records[i].document != doc)
            .filter(|&(i, _)| {
                let (x, y) = (words[i], words[j]);
                let common = x.intersection(y).count();
                common >= 8 && common as f64 / x.union(y).count().max(1) as f64 >= 0.4
            })
            .max_by_key(|&(i, n)| (n, std::cmp::Reverse(i)))
            .map(|(i, _)| i);
        match found {
            Some(i) => records[j].copy_of = Some(i),
            None => {
                exact.entry((k, h)).or_insert(j);
                for w in words[j].iter().filter(|w| w.len() >= 4) {
                    postings.entry((k, w.as_str())).or_default().push(j);
                }
            }
        }
    }
    // Fold into edges per (source, target, relation, negated).
    let id_of = |e: u32| gaz.entities[e as usize].id.as_str();
    let mut groups: BTreeMap<(&str, &str, usize, bool), Vec<usize>> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        let rel = &lex.relations[r.claim.relation];
        let (mut s, mut t) = (r.subject_state, r.object_state);
        if s == t {
            continue;
        }
        if rel.symmetric && id_of(t) < id_of(s) {
            std::mem::swap(&mut s, &mut t);
        }
        groups.entry((id_of(s), id_of(t), r.claim.relation, r.claim.negated)).or_default().push(i);
    }
    let mut edges = Vec::new();
    for ((sid, tid, relation, negated), evidence) in groups {
        let originals: Vec<&ClaimRecord> = evidence.iter().map(|&i| &records[i]).filter(|r| r.copy_of.is_none()).collect();
        let outlets: BTreeSet<String> = originals
            .iter()
            .map(|r| {
                let info = &analyses[r.document as usize].info;
                info.outlet.clone().unwrap_or_else(|| format!("document {}", info.id))
            })
            .collect();
        let dates: Vec<Date> = evidence.iter().filter_map(|&i| analyses[records[i].document as usize].info.published).collect();
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
        let (s, t) = (gaz.index_of(sid).expect("node entity") as u32, gaz.index_of(tid).expect("node entity") as u32);
        edges.push(((sid, tid), s, t, edge));
    }
    (records, edges)
}
