//! The graph model: entities as nodes, co-mentions and affiliations as edges (petgraph).
//!
//! Documents are folded in one at a time with [`GraphBuilder::add`]; the finished [`Graph`]
//! is ordered by entity id, so the same documents always give the same graph, whatever order
//! or thread they were analysed in (the builder sorts what it is given by document id).

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap as HashMap;

use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;

use crate::date::Date;
use crate::error::{Error, Result};
use crate::gazetteer::{Gazetteer, How};
use crate::relations::{Claim, Lexicon, Modality};
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
        let claims = claims
            .into_iter()
            .map(|c| {
                let sentence = doc.text.get(c.sentence.clone()).unwrap_or("").to_string();
                let cue = doc.text.get(c.cue_span.clone()).unwrap_or("").to_string();
                (c, sentence, cue)
            })
            .collect();
        Analysis { info, counts, windows, entity_windows, pairs, claims }
    }
}

/// Every claim, whole (actors, relation, cue, modality, speaker, spans, sentence and cue
/// text), in an unnamed temporary file (deleted by the system when the process ends, however
/// it ends) rather than in memory: a claim-dense corpus has about one claim per 200 bytes of
/// text, and the graph must not grow with the corpus. The graph keeps a small [`ClaimRecord`]
/// per claim with the record's place in this file.
#[derive(Debug, Default)]
pub struct Evidence {
    file: Option<std::fs::File>,
    buffer: Vec<u8>,
    written: u64,
    /// A window of the file read ahead: claims are mostly read back in the order they were
    /// written (copy detection, `graph.json`), so one read serves hundreds of them.
    window: std::sync::Mutex<ReadAhead>,
}

/// A window of the evidence file read ahead, for a reader that goes through claims in order.
#[derive(Debug, Default)]
pub struct ReadAhead {
    start: u64,
    bytes: Vec<u8>,
}

/// The fixed part of a claim's record: actors, relation, cue, denial, modality, speaker, the
/// four spans, the pairing rule, and the lengths of the two texts that follow.
const HEADER: usize = 4 * 4 + 1 + 1 + 4 + 8 * 8 + 1 + 4 + 4;
const MODALITIES: [Modality; 4] = [Modality::Asserted, Modality::Future, Modality::Hypothetical, Modality::Question];

impl Evidence {
    const FLUSH_AT: usize = 1 << 20;
    const WINDOW: usize = 1 << 18;

    fn push(&mut self, c: &Claim, sentence: &str, cue: &str) -> Result<u64> {
        let at = self.written + self.buffer.len() as u64;
        let b = &mut self.buffer;
        for v in [c.subject, c.object, c.relation as u32, c.cue as u32] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.push(u8::from(c.negated));
        b.push(MODALITIES.iter().position(|m| *m == c.modality).unwrap_or(0) as u8);
        b.extend_from_slice(&c.speaker.unwrap_or(u32::MAX).to_le_bytes());
        for r in [&c.sentence, &c.subject_span, &c.object_span, &c.cue_span] {
            b.extend_from_slice(&(r.start as u64).to_le_bytes());
            b.extend_from_slice(&(r.end as u64).to_le_bytes());
        }
        b.push(crate::relations::pairing_rules().position(|(name, _)| name == c.pairing).ok_or_else(|| damaged("a pairing rule"))? as u8);
        b.extend_from_slice(&len32(sentence)?.to_le_bytes());
        b.extend_from_slice(&len32(cue)?.to_le_bytes());
        b.extend_from_slice(sentence.as_bytes());
        b.extend_from_slice(cue.as_bytes());
        if self.buffer.len() >= Self::FLUSH_AT {
            self.flush()?;
        }
        Ok(at)
    }

    fn flush(&mut self) -> Result<()> {
        use std::io::Write;
        if self.buffer.is_empty() {
            return Ok(());
        }
        if self.file.is_none() {
            let f =
                tempfile::tempfile().map_err(|e| Error::output(&std::env::temp_dir(), format!("cannot create a temporary file for claim evidence: {e}")))?;
            self.file = Some(f);
        }
        let file = self.file.as_mut().expect("created above");
        file.write_all(&self.buffer).map_err(|e| Error::output(&std::env::temp_dir(), format!("cannot write claim evidence: {e}")))?;
        self.written += self.buffer.len() as u64;
        self.buffer.clear();
        Ok(())
    }

    /// `n` bytes at `at`, from the buffer or the file, through the window `w`: borrowed from
    /// the one or the other.
    fn slice_with<'a>(&'a self, at: u64, n: usize, w: &'a mut ReadAhead) -> Result<&'a [u8]> {
        if at >= self.written {
            let from = (at - self.written) as usize;
            return self.buffer.get(from..from + n).ok_or_else(|| damaged("a record beyond the end"));
        }
        let io = |e: std::io::Error| Error::input(std::env::temp_dir().display(), format!("cannot read claim evidence back: {e}"));
        let file = self.file.as_ref().ok_or_else(|| io(std::io::ErrorKind::NotFound.into()))?;
        let end = at.checked_add(n as u64).filter(|&e| e <= self.written).ok_or_else(|| damaged("a record beyond the end"))?;
        if at < w.start || end > w.start + w.bytes.len() as u64 {
            // Refill from `at`: the window's size, or the record's if it is larger.
            let len = (self.written - at).min(n.max(Self::WINDOW) as u64) as usize;
            w.bytes.resize(len, 0);
            read_exact_at(file, &mut w.bytes, at).map_err(io)?;
            w.start = at;
        }
        let from = (at - w.start) as usize;
        Ok(&w.bytes[from..from + n])
    }

    /// The claim stored at `at`, with its sentence and cue text.
    fn read(&self, at: u64) -> Result<(Claim, String, String)> {
        let mut w = self.window.lock().unwrap_or_else(|p| p.into_inner());
        let (claim, sentence, cue) = self.read_ref(at, &mut w)?;
        Ok((claim, sentence.to_string(), cue.to_string()))
    }

    /// [`Evidence::read`] through the window `w`, the texts borrowed from it (or the buffer).
    fn read_ref<'a>(&'a self, at: u64, w: &'a mut ReadAhead) -> Result<(Claim, &'a str, &'a str)> {
        let (claim, ls, lc) = self.read_header_with(at, w)?;
        let text = self.slice_with(at + HEADER as u64, ls + lc, w)?;
        let (sentence, cue) = text.split_at(ls);
        let utf8 = |b| std::str::from_utf8(b).map_err(|_| damaged("text"));
        Ok((claim, utf8(sentence)?, utf8(cue)?))
    }

    /// The claim stored at `at`, and the lengths of its sentence and cue text.
    fn read_header(&self, at: u64) -> Result<(Claim, usize, usize)> {
        let mut w = self.window.lock().unwrap_or_else(|p| p.into_inner());
        self.read_header_with(at, &mut w)
    }

    fn read_header_with(&self, at: u64, w: &mut ReadAhead) -> Result<(Claim, usize, usize)> {
        let h = self.slice_with(at, HEADER, w)?;
        let u32_at = |i: usize| u32::from_le_bytes(h[i..i + 4].try_into().expect("four bytes"));
        let u64_at = |i: usize| u64::from_le_bytes(h[i..i + 8].try_into().expect("eight bytes")) as usize;
        let span = |k: usize| u64_at(22 + 16 * k)..u64_at(30 + 16 * k);
        let speaker = u32_at(18);
        let claim = Claim {
            subject: u32_at(0),
            object: u32_at(4),
            relation: u32_at(8) as usize,
            cue: u32_at(12) as usize,
            negated: h[16] != 0,
            modality: *MODALITIES.get(h[17] as usize).ok_or_else(|| damaged("a modality"))?,
            speaker: (speaker != u32::MAX).then_some(speaker),
            sentence: span(0),
            subject_span: span(1),
            object_span: span(2),
            cue_span: span(3),
            pairing: crate::relations::pairing_rules().nth(usize::from(h[86])).ok_or_else(|| damaged("a pairing rule"))?.0,
        };
        Ok((claim, u32_at(HEADER - 8) as usize, u32_at(HEADER - 4) as usize))
    }

    /// A claim of the graph, whole: the claim, its sentence and its cue text.
    pub fn claim(&self, r: &ClaimRecord) -> Result<(Claim, String, String)> {
        self.read(r.at)
    }

    /// [`Evidence::claim`] through a reader's own window, the sentence and cue borrowed from
    /// it: for readers in parallel, each going through its share of the claims in order.
    pub fn claim_ref<'a>(&'a self, r: &ClaimRecord, ahead: &'a mut ReadAhead) -> Result<(Claim, &'a str, &'a str)> {
        self.read_ref(r.at, ahead)
    }

    /// A claim of the graph without its text.
    pub fn claim_only(&self, r: &ClaimRecord) -> Result<Claim> {
        Ok(self.read_header(r.at)?.0)
    }
}

/// A positional read, which leaves the file's cursor alone.
#[cfg(unix)]
fn read_exact_at(f: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, at)
}

#[cfg(windows)]
fn read_exact_at(f: &std::fs::File, mut buf: &mut [u8], mut at: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match f.seek_read(buf, at)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            k => {
                buf = &mut buf[k..];
                at += k as u64;
            }
        }
    }
    Ok(())
}

fn damaged(what: &str) -> Error {
    Error::input(std::env::temp_dir().display(), format!("claim evidence is damaged ({what})"))
}

fn len32(s: &str) -> Result<u32> {
    u32::try_from(s.len()).map_err(|_| Error::input("claim", "a claim's sentence is longer than 4 GiB"))
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
        Ok(Graph { graph, documents, window: self.window, windows: windows_total, claims: self.claims, evidence: self.evidence })
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

/// The distinct words of a sentence (lowercased, split at anything not alphanumeric), as
/// sorted hashes, each with whether the word is long enough to index (four bytes or more).
fn word_set(sentence: &str) -> Vec<(u64, bool)> {
    let b = sentence.as_bytes();
    // The char at byte `i`, whether it is alphanumeric, and its length (ASCII without decoding).
    let at = |i: usize| -> (bool, usize) {
        if b[i] < 0x80 {
            (b[i].is_ascii_alphanumeric(), 1)
        } else {
            let c = crate::norm::char_at(sentence, i).unwrap_or('\u{FFFD}');
            (c.is_alphanumeric(), c.len_utf8())
        }
    };
    let mut words: Vec<(u64, bool)> = Vec::with_capacity(b.len() / 6 + 1);
    let mut i = 0;
    while i < b.len() {
        let (alnum, n) = at(i);
        if !alnum {
            i += n;
            continue;
        }
        let start = i;
        let mut ascii = true;
        while i < b.len() {
            let (alnum, n) = at(i);
            if !alnum {
                break;
            }
            ascii &= n == 1;
            i += n;
        }
        let w = &sentence[start..i];
        words.push(if ascii {
            (fnv1a(w.bytes().map(|c| c.to_ascii_lowercase())), w.len() >= 4)
        } else {
            let lower = w.to_lowercase();
            (fnv1a(lower.bytes()), lower.len() >= 4)
        });
    }
    words.sort_unstable();
    words.dedup_by_key(|w| w.0);
    words
}

/// FNV-1a, 64 bits: a hash that is the same on every machine and every build.
fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Copy detection prepares this many claims' word sets at a time.
const COPY_CHUNK: usize = 1 << 14;

/// Marks copies across documents: the same pair, relation and denial in a sentence sharing at
/// least eight words and 40% of all its words with an earlier-published document's. Undated
/// documents come last. Identical sentences are found by a hash of their words; near-copies
/// through an index of their longer words, a bounded number of candidates per word, so the
/// search stays linear on corpora full of syndicated copies. Sentences are read back from the
/// evidence file one at a time; only the originals' words are kept. Word sets are prepared
/// `chunk_len` claims at a time.
fn mark_copies(records: &mut [ClaimRecord], documents: &[DocumentInfo], evidence: &Evidence, chunk_len: usize) -> Result<()> {
    type Key = (u32, u32, usize, bool);
    const CANDIDATES_PER_WORD: usize = 32;
    let mut order: Vec<usize> = (0..records.len()).collect();
    let date_of = |r: &ClaimRecord| documents[r.document as usize].published;
    order.par_sort_unstable_by_key(|&i| (date_of(&records[i]).is_none(), date_of(&records[i]), records[i].document, i));
    let key = |r: &ClaimRecord| -> Key {
        let (a, b) = (r.subject_state.min(r.object_state), r.subject_state.max(r.object_state));
        (a, b, r.relation, r.negated)
    };
    let mut exact: HashMap<(Key, u64), usize> = HashMap::default();
    let mut postings: HashMap<(Key, u64), Vec<usize>> = HashMap::default();
    let mut originals: HashMap<usize, Vec<(u64, bool)>> = HashMap::default();
    let mut mark_one = |records: &mut [ClaimRecord], j: usize, h: u64, words: Vec<(u64, bool)>| {
        let k = key(&records[j]);
        let doc = records[j].document;
        if let Some(&i) = exact.get(&(k, h))
            && records[i].document != doc
        {
            records[j].copy_of = Some(i);
            return;
        }
        let mut shared: HashMap<usize, usize> = HashMap::default();
        for w in words.iter().filter(|w| w.1) {
            if let Some(list) = postings.get(&(k, w.0)) {
                for &i in list.iter().rev().take(CANDIDATES_PER_WORD) {
                    *shared.entry(i).or_default() += 1;
                }
            }
        }
        let found = shared
            .into_iter()
            .filter(|&(i, _)| records[i].document != doc)
            .filter(|&(i, _)| {
                let x = &originals[&i];
                let common = crate::relations::common_count(x, &words, |w| w.0);
                let union = x.len() + words.len() - common;
                common >= 8 && common as f64 / union.max(1) as f64 >= 0.4
            })
            .max_by_key(|&(i, n)| (n, std::cmp::Reverse(i)))
            .map(|(i, _)| i);
        match found {
            Some(i) => records[j].copy_of = Some(i),
            None => {
                exact.entry((k, h)).or_insert(j);
                for w in words.iter().filter(|w| w.1) {
                    postings.entry((k, w.0)).or_default().push(j);
                }
                originals.insert(j, words);
            }
        }
    };
    // The word sets are read and made in parallel, a chunk of claims at a time (bounded
    // memory); the search itself is sequential, in publication order. While the calling thread
    // searches one chunk, the pool prepares the next (with one worker, they take turns).
    /// A claim's sentence hash and word set (see [`word_set`]).
    type Prepared = (u64, Vec<(u64, bool)>);
    let at: Vec<u64> = order.iter().map(|&j| records[j].at).collect();
    let prepare = |chunk: usize| -> Result<Vec<Prepared>> {
        let part = &at[(chunk * chunk_len).min(at.len())..((chunk + 1) * chunk_len).min(at.len())];
        let prepared: Vec<Vec<Prepared>> = part
            .par_chunks(256)
            .map(|part| {
                let mut ahead = ReadAhead::default();
                // The claims of one sentence come together: its words are made once.
                let mut last: Option<SentenceWords> = None;
                part.iter()
                    .map(|&at| {
                        let (_, sentence, _) = evidence.read_ref(at, &mut ahead)?;
                        if let Some((s, h, words)) = &last
                            && s == sentence
                        {
                            return Ok((*h, words.clone()));
                        }
                        let words = word_set(sentence);
                        let h = fnv1a(words.iter().flat_map(|w| w.0.to_le_bytes()));
                        last = Some((sentence.to_string(), h, words.clone()));
                        Ok((h, words))
                    })
                    .collect::<Result<_>>()
            })
            .collect::<Result<_>>()?;
        Ok(prepared.into_iter().flatten().collect())
    };
    let chunks = order.len().div_ceil(chunk_len);
    let mut prepared = prepare(0)?;
    for (k, chunk) in order.chunks(chunk_len).enumerate() {
        let mut next: Option<Result<Vec<Prepared>>> = None;
        rayon::in_place_scope(|scope| {
            if k + 1 < chunks {
                scope.spawn(|_| next = Some(prepare(k + 1)));
            }
            for (&j, (h, words)) in chunk.iter().zip(std::mem::take(&mut prepared)) {
                mark_one(records, j, h, words);
            }
        });
        if let Some(n) = next {
            prepared = n?;
        }
    }
    Ok(())
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
    use super::*;

    proptest::proptest! {
        /// The byte scan of [`word_set`] agrees with splitting at every char that is not
        /// alphanumeric and lowercasing each word (ASCII, accents, `İ`, `Σ`, digits, marks).
        #[test]
        fn word_set_matches_splitting_and_lowercasing(text in "[aZé É'’.\\-_0-9\u{301}İßΣς,;x\u{2013}]{0,40}") {
            let mut want: Vec<(u64, bool)> = text
                .split(|ch: char| !ch.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| {
                    let lower = w.to_lowercase();
                    (fnv1a(lower.bytes()), lower.len() >= 4)
                })
                .collect();
            want.sort_unstable();
            want.dedup_by_key(|w| w.0);
            proptest::prop_assert_eq!(word_set(&text), want);
        }
    }

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
