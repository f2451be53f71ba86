//! `graph.dot` through graphviz-rust, and its SVG and PNG renderings.

use std::collections::{BTreeMap, BTreeSet};

use graphviz_rust::dot_structures as dot;
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use super::doc::GraphDoc;
use super::dot_quote;
use crate::export::Style;

/// Graphviz layout engines offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// Hierarchical.
    Dot,
    /// Spring model (the default: good for a few hundred nodes).
    #[default]
    Neato,
    /// Multiscale spring model, for large graphs.
    Sfdp,
}

impl Layout {
    /// The engine's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Dot => "dot",
            Layout::Neato => "neato",
            Layout::Sfdp => "sfdp",
        }
    }
}

/// Diagram options.
#[derive(Debug, Clone, Default)]
pub struct DotOptions {
    /// Layout engine.
    pub layout: Layout,
    /// Draw each state with its people and organisations in a box.
    pub cluster_by_state: bool,
}

fn attr(k: &str, v: &str) -> dot::Attribute {
    dot::Attribute(dot::Id::Plain(k.to_string()), dot_quote(v))
}

/// The DOT id of the drawn relation edge between `a` and `b` (sorted) of one polarity; the HTML
/// report finds edges by it.
pub fn relation_edge_id(a: &str, b: &str, polarity: &str, negated: bool) -> String {
    format!("rel-{a}-{b}-{polarity}{}", if negated { "-not" } else { "" })
}

/// Renders `graph.dot`: node shape and colour by type, co-mention pen width by weight,
/// relation edges (one per pair, polarity and denial) coloured by polarity, dashed when denied
/// or only hypothetical, pen width by claims, labelled with relations and counts.
pub fn render(doc: &GraphDoc, style: &Style, opts: &DotOptions) -> String {
    let mut stmts = vec![
        dot::Stmt::GAttribute(dot::GraphAttributes::Graph(vec![
            attr("layout", opts.layout.as_str()),
            attr("overlap", if opts.layout == Layout::Dot { "true" } else { "false" }),
            attr("splines", "true"),
            attr("outputorder", "edgesfirst"),
            attr("fontname", &style.font),
            // The hierarchical layout ranks clusters correctly only with the newer ranking.
            attr("newrank", "true"),
        ])),
        dot::Stmt::GAttribute(dot::GraphAttributes::Node(vec![attr("style", "filled"), attr("fontname", &style.font)])),
        dot::Stmt::GAttribute(dot::GraphAttributes::Edge(vec![attr("fontname", &style.font), attr("fontsize", "9")])),
    ];
    let max_mentions = doc.nodes.iter().map(|n| n.mentions).max().unwrap_or(1).max(1) as f64;
    let node_stmt = |n: &super::doc::NodeRec| {
        let ts = style.for_type(&n.kind);
        let size = 10.0 + 8.0 * (n.mentions as f64 / max_mentions).sqrt();
        dot::Stmt::Node(dot::Node {
            id: dot::NodeId(dot_quote(&n.id), None),
            attributes: vec![
                attr("label", &n.label),
                attr("shape", &ts.shape),
                attr("fillcolor", &ts.fill),
                attr("fontsize", &format!("{size:.1}")),
                attr("tooltip", &format!("{} ({}): {} mentions", n.label, n.kind, n.mentions)),
            ],
        })
    };
    if opts.cluster_by_state {
        let states: BTreeSet<&str> = doc.nodes.iter().filter(|n| n.kind == "state").map(|n| n.id.as_str()).collect();
        let home = |n: &super::doc::NodeRec| -> Option<String> {
            if n.kind == "state" {
                return Some(n.id.clone());
            }
            n.affiliation.clone().filter(|a| states.contains(a.as_str()))
        };
        let mut clusters: BTreeMap<String, Vec<dot::Stmt>> = BTreeMap::new();
        for n in &doc.nodes {
            match home(n) {
                Some(s) => clusters.entry(s).or_default().push(node_stmt(n)),
                None => stmts.push(node_stmt(n)),
            }
        }
        for (state, mut members) in clusters {
            let label = doc.node(&state).map_or(state.clone(), |n| n.label.clone());
            members
                .insert(0, dot::Stmt::GAttribute(dot::GraphAttributes::Graph(vec![attr("label", &label), attr("style", "rounded"), attr("color", "#bbbbbb")])));
            stmts.push(dot::Stmt::Subgraph(dot::Subgraph { id: dot_quote(&format!("cluster_{state}")), stmts: members }));
        }
    } else {
        stmts.extend(doc.nodes.iter().map(node_stmt));
    }
    let pair_edge = |a: &str, b: &str, attributes: Vec<dot::Attribute>| {
        dot::Stmt::Edge(dot::Edge {
            ty: dot::EdgeTy::Pair(dot::Vertex::N(dot::NodeId(dot_quote(a), None)), dot::Vertex::N(dot::NodeId(dot_quote(b), None))),
            attributes,
        })
    };
    let max_weight = doc.edges.iter().filter(|e| e.kind == "co_mention").map(|e| e.weight).max().unwrap_or(1).max(1) as f64;
    for e in &doc.edges {
        match e.kind.as_str() {
            "co_mention" => stmts.push(pair_edge(
                &e.source,
                &e.target,
                vec![
                    attr("penwidth", &format!("{:.2}", 0.5 + 4.5 * (e.weight as f64 / max_weight))),
                    attr("color", &style.edge_color),
                    attr("weight", &e.weight.to_string()),
                    attr("tooltip", &format!("{} – {}: {} shared", e.source, e.target, e.weight)),
                ],
            )),
            "affiliation" => stmts.push(pair_edge(
                &e.source,
                &e.target,
                vec![
                    attr("style", "dashed"),
                    attr("dir", "forward"),
                    attr("color", &style.affiliation_color),
                    attr("tooltip", &format!("{} belongs to {}", e.source, e.target)),
                ],
            )),
            _ => {}
        }
    }
    // Relation edges: one per pair, polarity and denial, so a much-discussed pair stays legible.
    let hypothetical: BTreeMap<String, bool> = doc.claims.iter_light().map(|c| (c.id, c.modality == "hypothetical" || c.modality == "question")).collect();
    type Key = (String, String, String, bool);
    let mut drawn: BTreeMap<Key, (BTreeMap<String, u64>, bool)> = BTreeMap::new();
    for e in doc.edges.iter().filter(|e| e.kind == "relation") {
        let (mut a, mut b) = (e.source.clone(), e.target.clone());
        if b < a {
            std::mem::swap(&mut a, &mut b);
        }
        let polarity = e.polarity.clone().unwrap_or_else(|| "neutral".into());
        let entry = drawn.entry((a, b, polarity, e.negated.unwrap_or(false))).or_insert((BTreeMap::new(), true));
        *entry.0.entry(e.relation.clone().unwrap_or_default()).or_default() += e.claims.unwrap_or(e.weight) + e.copies.unwrap_or(0);
        let all_hypothetical = e.evidence.iter().flatten().all(|id| hypothetical.get(id.as_str()).is_some_and(|&h| h));
        entry.1 &= all_hypothetical && e.evidence.as_ref().is_some_and(|v| !v.is_empty());
    }
    for ((a, b, polarity, negated), (rels, hypothetical)) in drawn {
        let color = match polarity.as_str() {
            "cooperative" => &style.cooperative_color,
            "conflictual" => &style.conflictual_color,
            _ => &style.neutral_color,
        };
        let total: u64 = rels.values().sum();
        let mut top: Vec<(String, u64)> = rels.into_iter().collect();
        top.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        let mut label = top.iter().take(2).map(|(r, n)| format!("{r} ×{n}")).collect::<Vec<_>>().join(", ");
        if top.len() > 2 {
            label.push_str(&format!(" +{}", top.len() - 2));
        }
        if negated {
            label = format!("not: {label}");
        }
        stmts.push(pair_edge(
            &a,
            &b,
            vec![
                attr("id", &relation_edge_id(&a, &b, &polarity, negated)),
                attr("color", color),
                attr("fontcolor", color),
                attr("style", if negated || hypothetical { "dashed" } else { "solid" }),
                attr("penwidth", &format!("{:.1}", 1.0 + (total as f64).sqrt())),
                attr("label", &label),
                attr("tooltip", &format!("{a} – {b}: {total} {polarity} claims{}", if negated { " denied" } else { "" })),
            ],
        ));
    }
    let graph = dot::Graph::Graph { id: dot_quote("newsgraph"), strict: false, stmts };
    let mut ctx = PrinterContext::default();
    let mut s = graph.print(&mut ctx);
    s.push('\n');
    s
}
