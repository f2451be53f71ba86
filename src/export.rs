//! Writing the graph out: `graph.json` (the contract in `docs/graph-contract.md`), `graph.dot`
//! and `graph.svg`, and the JSON Lines records of `newsgraph tag`.
//!
//! The only module that knows serde and DOT. Every file is rendered in memory first and then
//! written under a temporary name and renamed, so a failed run never leaves a half-written
//! file and never replaces a good one with a broken one.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use graphviz_rust::dot_structures as dot;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::gazetteer::Gazetteer;
use crate::graph::{ClaimRecord, Edge, Graph};
use crate::relations::Lexicon;
use crate::tagger::Mention;

/// The schema name written in `graph.json`.
pub const SCHEMA: &str = "newsgraph.graph/1";

#[derive(Serialize)]
struct JsonGraph<'a> {
    schema: &'static str,
    generator: Generator,
    gazetteer: GazetteerInfo<'a>,
    settings: Settings,
    documents: Vec<JsonDocument<'a>>,
    nodes: Vec<JsonNode<'a>>,
    edges: Vec<JsonEdge<'a>>,
    claims: Vec<JsonClaim<'a>>,
}

#[derive(Serialize)]
struct Generator {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct GazetteerInfo<'a> {
    entities: usize,
    aliases: usize,
    digest: &'a str,
}

#[derive(Serialize)]
struct Settings {
    window: &'static str,
    windows: u64,
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    id: &'a str,
    path: &'a str,
    title: Option<&'a str>,
    outlet: Option<&'a str>,
    url: Option<&'a str>,
    published: Option<String>,
    sentences: usize,
    paragraphs: usize,
    repeated_paragraphs: usize,
    boilerplate_from: Option<usize>,
    mentions: usize,
    sha256: &'a str,
}

#[derive(Serialize)]
struct JsonNode<'a> {
    id: &'a str,
    label: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    iso3: Option<&'a str>,
    aliases: Vec<&'a str>,
    affiliation: Option<&'a str>,
    mentions: u32,
    documents: BTreeMap<&'a str, u32>,
    matched_as: BTreeMap<&'static str, u32>,
}

#[derive(Serialize, Default)]
struct JsonEdge<'a> {
    source: &'a str,
    target: &'a str,
    kind: &'static str,
    weight: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    documents: Option<BTreeMap<&'a str, u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    npmi: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    relation: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    polarity: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    directed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    negated: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    claims: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    copies: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outlets: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    goldstein_mean: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<Vec<&'a str>>,
}

#[derive(Serialize)]
struct Spans {
    sentence: [usize; 2],
    subject: [usize; 2],
    object: [usize; 2],
    cue: [usize; 2],
}

#[derive(Serialize)]
struct JsonClaim<'a> {
    id: &'a str,
    document: &'a str,
    subject: &'a str,
    object: &'a str,
    subject_state: &'a str,
    object_state: &'a str,
    directed: bool,
    relation: &'a str,
    polarity: &'static str,
    negated: bool,
    modality: &'static str,
    speaker: Option<&'a str>,
    cameo: &'a str,
    plover: Option<&'a str>,
    goldstein: f64,
    quad_class: &'a str,
    state: bool,
    sentence: &'a str,
    spans: Spans,
    cue: &'a str,
    cue_phrase: &'a str,
    rule: String,
    copy_of: Option<&'a str>,
}

/// The claim's fields as `graph.json` writes them; `text` is its document's text.
fn json_claim<'a>(r: &'a ClaimRecord, graph: &'a Graph, gaz: &'a Gazetteer, lex: &'a Lexicon, text: &'a str) -> JsonClaim<'a> {
    let c = &r.claim;
    let rel = &lex.relations[c.relation];
    let cue = &lex.cues[c.cue];
    let id = |e: u32| gaz.entities[e as usize].id.as_str();
    let pair = |x: &std::ops::Range<usize>| [x.start, x.end];
    JsonClaim {
        id: &r.id,
        document: &graph.documents[r.document as usize].id,
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
        sentence: text.get(c.sentence.clone()).unwrap_or(""),
        spans: Spans { sentence: pair(&c.sentence), subject: pair(&c.subject_span), object: pair(&c.object_span), cue: pair(&c.cue_span) },
        cue: text.get(c.cue_span.clone()).unwrap_or(""),
        cue_phrase: &cue.text,
        rule: cue.origin.to_string(),
        copy_of: r.copy_of.map(|i| graph.claims[i].id.as_str()),
    }
}

/// Renders `graph.json`. `texts` holds each document's text, in [`Graph::documents`] order.
pub fn json(graph: &Graph, gaz: &Gazetteer, lex: &Lexicon, texts: &[&str]) -> String {
    let g = &graph.graph;
    let doc_id = |d: &u32| graph.documents[*d as usize].id.as_str();
    let id_of = |i: petgraph::graph::NodeIndex| gaz.entities[g[i].entity as usize].id.as_str();
    let nodes = g
        .node_indices()
        .map(|i| {
            let n = &g[i];
            let e = &gaz.entities[n.entity as usize];
            JsonNode {
                id: &e.id,
                label: &e.name,
                kind: &e.kind,
                iso3: e.iso3.as_deref(),
                aliases: e.aliases.iter().filter(|a| a.text != e.name).map(|a| a.text.as_str()).collect(),
                affiliation: e.affiliation.as_deref(),
                mentions: n.mentions,
                documents: n.documents.iter().map(|(d, c)| (doc_id(d), *c)).collect(),
                matched_as: n.matched_as.iter().map(|(h, c)| (h.as_str(), *c)).collect(),
            }
        })
        .collect();
    let edges = g
        .edge_indices()
        .map(|ei| {
            let (s, t) = g.edge_endpoints(ei).expect("edge exists");
            match &g[ei] {
                Edge::CoMention { weight, documents, npmi } => JsonEdge {
                    source: id_of(s),
                    target: id_of(t),
                    kind: "co_mention",
                    weight: *weight,
                    documents: Some(documents.iter().map(|(d, c)| (doc_id(d), *c)).collect()),
                    npmi: Some((npmi * 10_000.0).round() / 10_000.0),
                    ..Default::default()
                },
                Edge::Affiliation => JsonEdge { source: id_of(s), target: id_of(t), kind: "affiliation", weight: 1, ..Default::default() },
                Edge::Relation { relation, negated, claims, copies, outlets, goldstein_mean, first, last, evidence } => {
                    let rel = &lex.relations[*relation];
                    JsonEdge {
                        source: id_of(s),
                        target: id_of(t),
                        kind: "relation",
                        weight: *claims,
                        relation: Some(&rel.id),
                        polarity: Some(rel.polarity.as_str()),
                        directed: Some(!rel.symmetric),
                        negated: Some(*negated),
                        claims: Some(*claims),
                        copies: Some(*copies),
                        outlets: Some(*outlets),
                        goldstein_mean: Some((goldstein_mean * 100.0).round() / 100.0),
                        first: Some(first.map(|d| d.to_string())),
                        last: Some(last.map(|d| d.to_string())),
                        evidence: Some(evidence.iter().map(|&i| graph.claims[i].id.as_str()).collect()),
                        ..Default::default()
                    }
                }
            }
        })
        .collect();
    let out = JsonGraph {
        schema: SCHEMA,
        generator: Generator { name: "newsgraph", version: env!("CARGO_PKG_VERSION") },
        gazetteer: GazetteerInfo { entities: gaz.entities.len(), aliases: gaz.alias_count(), digest: &gaz.digest },
        settings: Settings { window: graph.window.as_str(), windows: graph.windows },
        documents: graph
            .documents
            .iter()
            .map(|d| JsonDocument {
                id: &d.id,
                path: &d.path,
                title: d.title.as_deref(),
                outlet: d.outlet.as_deref(),
                url: d.url.as_deref(),
                published: d.published.map(|p| p.to_string()),
                sentences: d.sentences,
                paragraphs: d.paragraphs,
                repeated_paragraphs: d.repeated,
                boilerplate_from: d.tail_from,
                mentions: d.mentions,
                sha256: &d.sha256,
            })
            .collect(),
        nodes,
        edges,
        claims: graph.claims.iter().map(|r| json_claim(r, graph, gaz, lex, texts[r.document as usize])).collect(),
    };
    let mut s = serde_json::to_string_pretty(&out).expect("graph serialises");
    s.push('\n');
    s
}

#[derive(Serialize)]
struct TagRecord<'a> {
    document: &'a str,
    mentions: Vec<TagMention<'a>>,
}

#[derive(Serialize)]
struct TagMention<'a> {
    entity: &'a str,
    label: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    start: usize,
    end: usize,
    text: &'a str,
    how: &'static str,
}

/// Renders one `newsgraph tag` record (one line of JSON, no newline).
pub fn tag_record(document: &str, text: &str, mentions: &[Mention], gaz: &Gazetteer) -> String {
    let rec = TagRecord {
        document,
        mentions: mentions
            .iter()
            .map(|m| {
                let e = &gaz.entities[m.entity as usize];
                TagMention {
                    entity: &e.id,
                    label: &e.name,
                    kind: &e.kind,
                    start: m.start,
                    end: m.end,
                    text: m.text(text),
                    how: m.how.as_str(),
                }
            })
            .collect(),
    };
    serde_json::to_string(&rec).expect("record serialises")
}

/// A DOT string literal: quoted, with quotes, backslashes and line breaks escaped (graphviz-rust
/// prints identifiers as given).
pub fn dot_quote(s: &str) -> dot::Id {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    dot::Id::Escaped(out)
}

fn attr(k: &str, v: &str) -> dot::Attribute {
    dot::Attribute(dot::Id::Plain(k.to_string()), dot_quote(v))
}

/// Renders `graph.dot`: node shape and colour by type, pen width by weight, escaped labels;
/// relation edges coloured by polarity and dashed when denied.
pub fn dot(graph: &Graph, gaz: &Gazetteer, lex: &Lexicon) -> String {
    use graphviz_rust::printer::{DotPrinter, PrinterContext};
    let g = &graph.graph;
    let style = &gaz.style;
    let mut stmts = vec![
        dot::Stmt::GAttribute(dot::GraphAttributes::Graph(vec![
            attr("layout", "neato"),
            attr("overlap", "false"),
            attr("splines", "true"),
            attr("outputorder", "edgesfirst"),
            attr("fontname", &style.font),
        ])),
        dot::Stmt::GAttribute(dot::GraphAttributes::Node(vec![attr("style", "filled"), attr("fontname", &style.font)])),
        dot::Stmt::GAttribute(dot::GraphAttributes::Edge(vec![attr("fontname", &style.font), attr("fontsize", "9")])),
    ];
    let max_mentions = g.node_weights().map(|n| n.mentions).max().unwrap_or(1).max(1) as f64;
    for i in g.node_indices() {
        let n = &g[i];
        let e = &gaz.entities[n.entity as usize];
        let ts = style.for_type(&e.kind);
        let size = 10.0 + 8.0 * (n.mentions as f64 / max_mentions).sqrt();
        stmts.push(dot::Stmt::Node(dot::Node {
            id: dot::NodeId(dot_quote(&e.id), None),
            attributes: vec![
                attr("label", &e.name),
                attr("shape", &ts.shape),
                attr("fillcolor", &ts.fill),
                attr("fontsize", &format!("{size:.1}")),
                attr("tooltip", &format!("{} ({}): {} mentions", e.name, e.kind, n.mentions)),
            ],
        }));
    }
    let max_weight = g
        .edge_weights()
        .filter_map(|e| match e {
            Edge::CoMention { weight, .. } => Some(*weight),
            _ => None,
        })
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    for ei in g.edge_indices() {
        let (s, t) = g.edge_endpoints(ei).expect("edge exists");
        let (sid, tid) = (&gaz.entities[g[s].entity as usize].id, &gaz.entities[g[t].entity as usize].id);
        let attributes = match &g[ei] {
            Edge::CoMention { weight, .. } => vec![
                attr("penwidth", &format!("{:.2}", 0.5 + 4.5 * (*weight as f64 / max_weight))),
                attr("color", &style.edge_color),
                attr("weight", &weight.to_string()),
                attr("tooltip", &format!("{sid} – {tid}: {weight} shared")),
            ],
            Edge::Affiliation => vec![
                attr("style", "dashed"),
                attr("dir", "forward"),
                attr("color", &style.affiliation_color),
                attr("tooltip", &format!("{sid} belongs to {tid}")),
            ],
            Edge::Relation { .. } => continue, // drawn below, one edge per pair and polarity
        };
        stmts.push(dot::Stmt::Edge(dot::Edge {
            ty: dot::EdgeTy::Pair(
                dot::Vertex::N(dot::NodeId(dot_quote(sid), None)),
                dot::Vertex::N(dot::NodeId(dot_quote(tid), None)),
            ),
            attributes,
        }));
    }
    // Relation edges: one per pair, polarity and denial, labelled with its main relations, so
    // a much-discussed pair stays legible.
    let mut drawn: BTreeMap<(String, String, &'static str, bool), BTreeMap<&str, u32>> = BTreeMap::new();
    for ei in g.edge_indices() {
        if let Edge::Relation { relation, negated, claims, copies, .. } = &g[ei] {
            let (s, t) = g.edge_endpoints(ei).expect("edge exists");
            let (mut a, mut b) = (gaz.entities[g[s].entity as usize].id.clone(), gaz.entities[g[t].entity as usize].id.clone());
            if b < a {
                std::mem::swap(&mut a, &mut b);
            }
            let rel = &lex.relations[*relation];
            *drawn.entry((a, b, rel.polarity.as_str(), *negated)).or_default().entry(rel.id.as_str()).or_default() += claims + copies;
        }
    }
    for ((a, b, polarity, negated), rels) in drawn {
        let color = match polarity {
            "cooperative" => &style.cooperative_color,
            "conflictual" => &style.conflictual_color,
            _ => &style.neutral_color,
        };
        let total: u32 = rels.values().sum();
        let mut top: Vec<(&str, u32)> = rels.into_iter().collect();
        top.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
        let mut label = top.iter().take(2).map(|(r, n)| format!("{r} ×{n}")).collect::<Vec<_>>().join(", ");
        if top.len() > 2 {
            label.push_str(&format!(" +{}", top.len() - 2));
        }
        if negated {
            label = format!("not: {label}");
        }
        stmts.push(dot::Stmt::Edge(dot::Edge {
            ty: dot::EdgeTy::Pair(dot::Vertex::N(dot::NodeId(dot_quote(&a), None)), dot::Vertex::N(dot::NodeId(dot_quote(&b), None))),
            attributes: vec![
                attr("color", color),
                attr("fontcolor", color),
                attr("style", if negated { "dashed" } else { "solid" }),
                attr("penwidth", &format!("{:.1}", 1.0 + (total as f64).sqrt())),
                attr("label", &label),
                attr("tooltip", &format!("{a} – {b}: {total} {polarity} claims{}", if negated { " denied" } else { "" })),
            ],
        }));
    }
    let graph = dot::Graph::Graph { id: dot_quote("newsgraph"), strict: false, stmts };
    let mut ctx = PrinterContext::default();
    let mut s = graph.print(&mut ctx);
    s.push('\n');
    s
}

/// Runs Graphviz `dot -Tsvg` on DOT source. `Ok(None)` when `dot` is not installed; an error
/// when it fails or warns.
pub fn render_svg(dot_source: &str) -> Result<Option<Vec<u8>>> {
    let child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::usage(format!("cannot run dot: {e}"))),
    };
    let mut stdin = child.stdin.take().expect("piped stdin");
    let src = dot_source.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(src.as_bytes()));
    let out = child.wait_with_output().map_err(|e| Error::usage(format!("dot failed: {e}")))?;
    let _ = writer.join();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() || !stderr.trim().is_empty() {
        return Err(Error::usage(format!("dot -Tsvg failed: {}", stderr.trim())));
    }
    Ok(Some(out.stdout))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, then a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".newsgraph-")
        .tempfile_in(dir)
        .map_err(|e| Error::output(path, e))?;
    tmp.write_all(bytes).map_err(|e| Error::output(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::output(path, e))?;
    tmp.persist(path).map_err(|e| Error::output(path, e.error))?;
    Ok(())
}

/// Creates the output folder (and parents) or fails naming it.
pub fn ensure_dir(dir: &Path) -> Result<PathBuf> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::output(dir, "exists and is not a folder"));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, e))?;
    Ok(dir.to_path_buf())
}
