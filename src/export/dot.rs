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
#[derive(Debug, Clone)]
pub struct DotOptions {
    /// Layout engine.
    pub layout: Layout,
    /// Draw each state with its people and organisations in a box.
    pub cluster_by_state: bool,
    /// Draw the heaviest edges (relation edges first, then co-mentions, each by weight) while
    /// edges × nodes stays within this: Graphviz's time grows with both (minutes over
    /// thousands of edges), and a diagram of thousands of edges is a hairball anyway. `None`:
    /// everything.
    pub max_work: Option<usize>,
    /// Entities left out of the diagram: news sources (agencies, outlets, photographers) are
    /// not actors.
    pub leave_out: BTreeSet<String>,
    /// A title drawn above the diagram, and a legend below it (a standalone diagram); the
    /// report draws its own.
    pub title: Option<String>,
    /// Prefix of the element ids of edges, so two diagrams can share one page.
    pub id_prefix: String,
    /// How long Graphviz may take to draw it.
    pub time_limit: std::time::Duration,
}

/// How much a default diagram draws, in edges × nodes. On the shared machine Graphviz's
/// `neato` draws the seed graph (270 edges, 70 nodes: 19,000) in 1.2 s, 400 labelled edges
/// over 197 nodes (79,000) in 4.2 s, and 9,045 edges in 88 s (BENCHMARKS.md, "Diagrams").
pub const DEFAULT_MAX_WORK: usize = 40_000;

impl Default for DotOptions {
    fn default() -> DotOptions {
        DotOptions {
            layout: Layout::default(),
            cluster_by_state: false,
            max_work: Some(DEFAULT_MAX_WORK),
            leave_out: BTreeSet::new(),
            title: None,
            id_prefix: String::new(),
            time_limit: std::time::Duration::from_secs(60),
        }
    }
}

/// A diagram's DOT source, and what it left out, in one line.
#[derive(Debug, Clone)]
pub struct Diagram {
    /// The DOT source.
    pub source: String,
    /// "the diagram draws the 242 heaviest of 9,045 edges, claims first (...)", when it does
    /// not draw everything.
    pub note: Option<String>,
    /// The element ids of the relation edges drawn (with the id prefix).
    pub relation_ids: Vec<String>,
}

fn attr(k: &str, v: &str) -> dot::Attribute {
    dot::Attribute(dot::Id::Plain(k.to_string()), dot_quote(v))
}

/// The DOT id of the drawn relation edge between `a` and `b` (sorted) of one polarity; the HTML
/// report finds edges by it.
pub fn relation_edge_id(a: &str, b: &str, polarity: &str, negated: bool) -> String {
    format!("rel-{a}-{b}-{polarity}{}", if negated { "-not" } else { "" })
}

/// A relation edge's label in words: "consultation (12), partnership (7) and 3 more relations",
/// "denied: aid (2)".
pub fn relation_label(counts: &[(String, u64)], negated: bool) -> String {
    let words = |r: &str| r.replace('_', " ");
    let mut label = counts.iter().take(2).map(|(r, n)| format!("{} ({n})", words(r))).collect::<Vec<_>>().join(", ");
    if counts.len() > 2 {
        label.push_str(&format!("\nand {}", crate::count(counts.len() - 2, "more relation", "more relations")));
    }
    if negated { format!("denied: {label}") } else { label }
}

/// A relation edge as drawn: one per pair, polarity and denial.
struct Drawn {
    a: String,
    b: String,
    polarity: String,
    negated: bool,
    /// Claims (copies included) per relation, most first.
    relations: Vec<(String, u64)>,
    total: u64,
    hypothetical: bool,
}

/// The relation edges of `doc` as drawn, heaviest first.
fn drawn_relations(doc: &GraphDoc, leave_out: &BTreeSet<String>) -> Vec<Drawn> {
    let hypothetical: BTreeMap<String, bool> = doc.claims.iter_light().map(|c| (c.id, c.modality == "hypothetical" || c.modality == "question")).collect();
    type Key = (String, String, String, bool);
    let mut drawn: BTreeMap<Key, (BTreeMap<String, u64>, bool)> = BTreeMap::new();
    for e in doc.edges.iter().filter(|e| e.kind == "relation" && !leave_out.contains(&e.source) && !leave_out.contains(&e.target)) {
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
    let mut out: Vec<Drawn> = drawn
        .into_iter()
        .map(|((a, b, polarity, negated), (rels, hypothetical))| {
            let mut relations: Vec<(String, u64)> = rels.into_iter().collect();
            relations.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            let total = relations.iter().map(|r| r.1).sum();
            Drawn { a, b, polarity, negated, relations, total, hypothetical }
        })
        .collect();
    out.sort_by(|x, y| y.total.cmp(&x.total).then((&x.a, &x.b, &x.polarity, x.negated).cmp(&(&y.a, &y.b, &y.polarity, y.negated))));
    out
}

/// Renders `graph.dot`: node shape and colour by type, co-mention pen width by weight,
/// relation edges (one per pair, polarity and denial) coloured by polarity, dashed when denied
/// or only hypothetical, pen width by claims, labelled in words; at most
/// [`DotOptions::max_edges`] edges, news sources left out, and a title and legend when asked.
pub fn render(doc: &GraphDoc, style: &Style, opts: &DotOptions) -> Diagram {
    let relations = drawn_relations(doc, &opts.leave_out);
    let mut co: Vec<&super::doc::EdgeRec> =
        doc.edges.iter().filter(|e| e.kind == "co_mention" && !opts.leave_out.contains(&e.source) && !opts.leave_out.contains(&e.target)).collect();
    co.sort_by(|x, y| y.weight.cmp(&x.weight).then((&x.source, &x.target).cmp(&(&y.source, &y.target))));
    let all = relations.len() + co.len();
    let nodes_all = doc.nodes.iter().filter(|n| !opts.leave_out.contains(&n.id)).count();
    let (relations, co, note) = match opts.max_work {
        Some(max) if all * nodes_all > max => {
            // The heaviest edges while edges × nodes (of those edges) stays within the budget.
            let mut seen: BTreeSet<&str> = BTreeSet::new();
            let mut taken = 0;
            let ends = relations.iter().map(|d| (d.a.as_str(), d.b.as_str())).chain(co.iter().map(|e| (e.source.as_str(), e.target.as_str())));
            for (a, b) in ends {
                let grown = seen.len() + usize::from(!seen.contains(a)) + usize::from(!seen.contains(b));
                if (taken + 1) * grown > max {
                    break;
                }
                seen.extend([a, b]);
                taken += 1;
            }
            let r = relations.len().min(taken);
            let c = taken - r;
            let note = format!(
                "the diagram draws the {taken} heaviest of {} edges, claims first (--draw-all draws every one; --top N or --min-weight N choose)",
                super::thousands(all)
            );
            (relations.into_iter().take(r).collect::<Vec<_>>(), co.into_iter().take(c).collect::<Vec<_>>(), Some(note))
        }
        _ => (relations, co, None),
    };
    // The nodes drawn: every node but those left out; only those of a drawn edge when the
    // edges were cut.
    let linked: BTreeSet<&str> =
        relations.iter().flat_map(|d| [d.a.as_str(), d.b.as_str()]).chain(co.iter().flat_map(|e| [e.source.as_str(), e.target.as_str()])).collect();
    let nodes: Vec<&super::doc::NodeRec> =
        doc.nodes.iter().filter(|n| !opts.leave_out.contains(&n.id) && (note.is_none() || linked.contains(n.id.as_str()))).collect();
    let drawn_ids: BTreeSet<&str> = nodes.iter().map(|n| n.id.as_str()).collect();

    let mut graph_attrs = vec![
        attr("layout", opts.layout.as_str()),
        attr("overlap", if opts.layout == Layout::Dot { "true" } else { "false" }),
        attr("splines", "true"),
        attr("outputorder", "edgesfirst"),
        attr("fontname", &style.font),
        // The hierarchical layout ranks clusters correctly only with the newer ranking.
        attr("newrank", "true"),
    ];
    if let Some(title) = &opts.title {
        let sources = doc.nodes.iter().filter(|n| opts.leave_out.contains(&n.id)).count();
        graph_attrs.push(dot::Attribute(dot::Id::Plain("label".into()), dot::Id::Html(legend_label(title, note.as_deref(), sources, &nodes, style))));
        graph_attrs.push(attr("labelloc", "b"));
        graph_attrs.push(attr("labeljust", "l"));
    }
    let mut stmts = vec![
        dot::Stmt::GAttribute(dot::GraphAttributes::Graph(graph_attrs)),
        dot::Stmt::GAttribute(dot::GraphAttributes::Node(vec![attr("style", "filled"), attr("fontname", &style.font)])),
        dot::Stmt::GAttribute(dot::GraphAttributes::Edge(vec![attr("fontname", &style.font), attr("fontsize", "9")])),
    ];
    let max_mentions = nodes.iter().map(|n| n.mentions).max().unwrap_or(1).max(1) as f64;
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
                attr("tooltip", &format!("{} ({}): {}", n.label, n.kind, crate::count(n.mentions as usize, "mention", "mentions"))),
            ],
        })
    };
    if opts.cluster_by_state {
        let states: BTreeSet<&str> = nodes.iter().filter(|n| n.kind == "state").map(|n| n.id.as_str()).collect();
        let home = |n: &super::doc::NodeRec| -> Option<String> {
            if n.kind == "state" {
                return Some(n.id.clone());
            }
            n.affiliation.clone().filter(|a| states.contains(a.as_str()))
        };
        let mut clusters: BTreeMap<String, Vec<dot::Stmt>> = BTreeMap::new();
        for n in &nodes {
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
        stmts.extend(nodes.iter().map(|n| node_stmt(n)));
    }
    let pair_edge = |a: &str, b: &str, attributes: Vec<dot::Attribute>| {
        dot::Stmt::Edge(dot::Edge {
            ty: dot::EdgeTy::Pair(dot::Vertex::N(dot::NodeId(dot_quote(a), None)), dot::Vertex::N(dot::NodeId(dot_quote(b), None))),
            attributes,
        })
    };
    let label = |id: &str| doc.node(id).map_or_else(|| id.to_string(), |n| n.label.clone());
    let max_weight = co.iter().map(|e| e.weight).max().unwrap_or(1).max(1) as f64;
    // Co-mentions and affiliations in the graph's order, so the drawing does not depend on the cut.
    let kept_co: BTreeSet<(&str, &str)> = co.iter().map(|e| (e.source.as_str(), e.target.as_str())).collect();
    for e in &doc.edges {
        match e.kind.as_str() {
            "co_mention" if kept_co.contains(&(e.source.as_str(), e.target.as_str())) => stmts.push(pair_edge(
                &e.source,
                &e.target,
                vec![
                    attr("penwidth", &format!("{:.2}", 0.5 + 4.5 * (e.weight as f64 / max_weight))),
                    attr("color", &style.edge_color),
                    attr("weight", &e.weight.to_string()),
                    attr(
                        "tooltip",
                        &format!(
                            "{} and {}: mentioned together in {}",
                            label(&e.source),
                            label(&e.target),
                            crate::count(e.weight as usize, "window", "windows")
                        ),
                    ),
                ],
            )),
            "affiliation" if drawn_ids.contains(e.source.as_str()) && drawn_ids.contains(e.target.as_str()) => stmts.push(pair_edge(
                &e.source,
                &e.target,
                vec![
                    attr("style", "dashed"),
                    attr("dir", "forward"),
                    attr("color", &style.affiliation_color),
                    attr("tooltip", &format!("{} belongs to {}", label(&e.source), label(&e.target))),
                ],
            )),
            _ => {}
        }
    }
    // Relation edges: one per pair, polarity and denial, so a much-discussed pair stays legible.
    for d in &relations {
        let color = match d.polarity.as_str() {
            "cooperative" => &style.cooperative_color,
            "conflictual" => &style.conflictual_color,
            _ => &style.neutral_color,
        };
        stmts.push(pair_edge(
            &d.a,
            &d.b,
            vec![
                attr("id", &format!("{}{}", opts.id_prefix, relation_edge_id(&d.a, &d.b, &d.polarity, d.negated))),
                attr("color", color),
                attr("fontcolor", color),
                attr("style", if d.negated || d.hypothetical { "dashed" } else { "solid" }),
                attr("penwidth", &format!("{:.1}", 1.0 + (d.total as f64).sqrt())),
                attr("label", &relation_label(&d.relations, d.negated)),
                attr(
                    "tooltip",
                    &format!(
                        "{} and {}: {} {}{}",
                        label(&d.a),
                        label(&d.b),
                        crate::count(d.total as usize, "claim", "claims"),
                        d.polarity,
                        if d.negated { ", denied" } else { "" }
                    ),
                ),
            ],
        ));
    }
    let graph = dot::Graph::Graph { id: dot_quote("newsgraph"), strict: false, stmts };
    let mut ctx = PrinterContext::default();
    let mut source = graph.print(&mut ctx);
    source.push('\n');
    let relation_ids = relations.iter().map(|d| format!("{}{}", opts.id_prefix, relation_edge_id(&d.a, &d.b, &d.polarity, d.negated))).collect();
    Diagram { source, note, relation_ids }
}

/// The title and legend of a standalone diagram, as a Graphviz HTML-like label: node types
/// drawn, edge colours, and what was left out.
fn legend_label(title: &str, note: Option<&str>, sources: usize, nodes: &[&super::doc::NodeRec], style: &Style) -> String {
    let e = |s: &str| quick_xml::escape::escape(s).into_owned();
    let mut rows = format!("<TR><TD ALIGN=\"LEFT\" COLSPAN=\"12\"><B>{}</B></TD></TR>", e(title));
    let kinds: BTreeSet<&str> = nodes.iter().map(|n| n.kind.as_str()).collect();
    let mut cells = String::new();
    for k in kinds {
        let ts = style.for_type(k);
        cells.push_str(&format!("<TD BGCOLOR=\"{}\" BORDER=\"1\">&nbsp;&nbsp;&nbsp;</TD><TD ALIGN=\"LEFT\">{} ({})</TD>", e(&ts.fill), e(k), e(&ts.shape)));
    }
    if !cells.is_empty() {
        rows.push_str(&format!("<TR>{cells}</TR>"));
    }
    let line = |color: &str, what: &str| format!("<TD BGCOLOR=\"{}\" HEIGHT=\"3\">&nbsp;&nbsp;&nbsp;</TD><TD ALIGN=\"LEFT\">{}</TD>", e(color), e(what));
    rows.push_str(&format!(
        "<TR>{}{}{}{}</TR>",
        line(&style.cooperative_color, "cooperative claims"),
        line(&style.conflictual_color, "conflictual claims"),
        line(&style.neutral_color, "neutral claims; dashed: denied or hypothetical"),
        line(&style.edge_color, "mentioned together (width: how often)")
    ));
    let mut small = Vec::new();
    if let Some(n) = note {
        small.push(n.to_string());
    }
    if sources > 0 {
        small.push(format!("{} not drawn: agencies, outlets and photographers are sources, not actors", crate::count(sources, "news source", "news sources")));
    }
    if !small.is_empty() {
        rows.push_str(&format!("<TR><TD ALIGN=\"LEFT\" COLSPAN=\"12\"><FONT POINT-SIZE=\"9\">{}</FONT></TD></TR>", e(&small.join("; "))));
    }
    format!("<<TABLE BORDER=\"0\" CELLSPACING=\"4\">{rows}</TABLE>>")
}
