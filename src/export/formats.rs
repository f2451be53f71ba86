//! Graph formats for visualization and analysis tools, each rendered from a [`GraphDoc`]:
//! GEXF 1.3 (Gephi), GraphML, Cytoscape.js elements, node-link JSON (networkx, D3) and Neo4j
//! bulk-import CSV.
//!
//! All of them carry every node and edge of the document: the same counts as `graph.json`;
//! relation edges carry their evidence ([`Evidence`]): claims, outlets, first and last date,
//! and the surest claim's sentence with its speaker, outlet, date and URL, so Gephi, Cytoscape
//! and networkx show why an edge exists. GEXF carries `viz` colours, sizes and shapes, and the
//! Cytoscape file a style sheet, both from the diagram [`Style`]; the Neo4j import adds the
//! documents and claims as nodes, each claim linked to its actors, speaker and document.
//! Parallel edges (a co-mention and relations between one pair) stay parallel; every format
//! here keeps multi-edges. Edges are written undirected, with a relation's direction as the
//! `directed` attribute and in source → target order, because networkx rejects a GEXF or
//! GraphML file that mixes directed and undirected edges.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::io;

use quick_xml::Writer;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::name::QName;

use serde_json::{Map, Value, json};

use super::doc::{ClaimRec, EdgeRec, GraphDoc, NodeRec};
use crate::export::Style;

/// What a relation edge's evidence says, for formats that cannot hold the claims themselves.
#[derive(Debug, Clone, Default)]
pub struct EdgeEvidence {
    /// The outlets of its claims (copies left out), in name order.
    pub outlets: Vec<String>,
    /// The surest claim (copies last, then highest confidence, then earliest): its sentence.
    pub sentence: String,
    /// Its speaker's label, when quoted or reported.
    pub speaker: String,
    /// Its document.
    pub document: String,
    /// Its document's outlet.
    pub outlet: String,
    /// Its document's publication date.
    pub published: String,
    /// Its document's URL.
    pub url: String,
}

/// The evidence of every edge of a graph document, read once for all formats: one entry per
/// edge, `None` for edges without claims.
pub struct Evidence(Vec<Option<EdgeEvidence>>);

impl Evidence {
    /// Reads the claims each relation edge rests on (their sentences for the surest only).
    pub fn of(doc: &GraphDoc) -> crate::error::Result<Evidence> {
        let documents: BTreeMap<&str, &super::doc::DocumentRec> = doc.documents.iter().map(|d| (d.id.as_str(), d)).collect();
        let light: BTreeMap<String, ClaimRec> = doc.claims.iter_light().map(|c| (c.id.clone(), c)).collect();
        doc.claims.check()?;
        let date = |c: &ClaimRec| documents.get(c.document.as_str()).and_then(|d| d.published.clone());
        // The surest claim of each edge: an original before a copy, then by confidence, then
        // the earliest, then by id.
        let mut top: Vec<Option<&ClaimRec>> = Vec::with_capacity(doc.edges.len());
        let mut outlets = Vec::with_capacity(doc.edges.len());
        for e in &doc.edges {
            let claims: Vec<&ClaimRec> = e.evidence.iter().flatten().filter_map(|id| light.get(id)).collect();
            let best = claims.iter().copied().min_by(|x, y| {
                let key = |c: &ClaimRec| (c.copy_of.is_some(), std::cmp::Reverse((c.confidence.unwrap_or(0.5) * 1000.0) as i64), date(c).is_none(), date(c));
                key(x).cmp(&key(y)).then(x.id.cmp(&y.id))
            });
            top.push(best);
            outlets.push(
                claims
                    .iter()
                    .filter(|c| c.copy_of.is_none())
                    .filter_map(|c| documents.get(c.document.as_str()).and_then(|d| d.outlet.clone()))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>(),
            );
        }
        let wanted: BTreeSet<&str> = top.iter().flatten().map(|c| c.id.as_str()).collect();
        let mut whole: BTreeMap<String, ClaimRec> = BTreeMap::new();
        for c in doc.claims.select(|c| wanted.contains(c.id.as_str())) {
            let c = c?;
            whole.insert(c.id.clone(), c);
        }
        let label = |id: &str| doc.node(id).map_or_else(|| id.to_string(), |n| n.label.clone());
        Ok(Evidence(
            top.into_iter()
                .zip(outlets)
                .map(|(best, outlets)| {
                    let c = whole.get(&best?.id)?;
                    let d = documents.get(c.document.as_str());
                    Some(EdgeEvidence {
                        outlets,
                        sentence: c.sentence.split_whitespace().collect::<Vec<_>>().join(" "),
                        speaker: c.speaker.as_deref().map(label).unwrap_or_default(),
                        document: c.document.clone(),
                        outlet: d.and_then(|d| d.outlet.clone()).unwrap_or_default(),
                        published: d.and_then(|d| d.published.clone()).unwrap_or_default(),
                        url: d.and_then(|d| d.url.clone()).unwrap_or_default(),
                    })
                })
                .collect(),
        ))
    }

    /// No evidence for any edge (a graph without claims, or a test).
    pub fn none(doc: &GraphDoc) -> Evidence {
        Evidence(vec![None; doc.edges.len()])
    }

    fn get(&self, i: usize) -> Option<&EdgeEvidence> {
        self.0.get(i).and_then(Option::as_ref)
    }
}

/// `#rrggbb` as red, green and blue (grey when it is not one: a colour name).
fn rgb(color: &str) -> (u8, u8, u8) {
    let hex = color.trim_start_matches('#');
    let part = |i: usize| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok());
    match (hex.len(), part(0), part(2), part(4)) {
        (6, Some(r), Some(g), Some(b)) => (r, g, b),
        _ => (128, 128, 128),
    }
}

/// An edge's colour in the diagram style.
fn edge_color<'s>(e: &EdgeRec, style: &'s Style) -> &'s str {
    match (e.kind.as_str(), e.polarity.as_deref()) {
        ("relation", Some("cooperative")) => &style.cooperative_color,
        ("relation", Some("conflictual")) => &style.conflictual_color,
        ("relation", _) => &style.neutral_color,
        ("affiliation", _) => &style.affiliation_color,
        _ => &style.edge_color,
    }
}

/// `s` without the characters XML 1.0 forbids (control characters other than tab and line
/// breaks); escaping is quick-xml's.
fn xml_chars(s: &str) -> Cow<'_, str> {
    let forbidden = |c: char| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r');
    if s.contains(forbidden) { s.chars().filter(|&c| !forbidden(c)).collect::<String>().into() } else { s.into() }
}

/// An attribute whose value is escaped as quick-xml escapes it, and whose line breaks and tabs
/// are character references, so that a reader normalising attribute values (as XML 1.0 says
/// it must) gives them back rather than spaces.
fn attr<'a>(key: &'a str, value: &str) -> Attribute<'a> {
    let escaped = quick_xml::escape::escape(xml_chars(value).into_owned());
    let value =
        if escaped.contains(['\n', '\r', '\t']) { escaped.replace('\n', "&#10;").replace('\r', "&#13;").replace('\t', "&#9;") } else { escaped.into_owned() };
    Attribute { key: QName(key), value: Cow::Owned(value) }
}

/// An XML document being written, two spaces an indent level.
type Xml = Writer<Vec<u8>>;

fn xml_writer() -> Xml {
    Writer::new_with_indent(Vec::new(), b' ', 2)
}

/// The document written, with a final line break.
fn xml_finish(w: Xml) -> String {
    let mut s = String::from_utf8(w.into_inner()).expect("quick-xml writes the UTF-8 it is given");
    s.push('\n');
    s
}

/// Typed attributes of a node, for GEXF and GraphML.
fn node_attrs(n: &NodeRec) -> Vec<(&'static str, AttrValue)> {
    vec![
        ("type", AttrValue::Str(n.kind.clone())),
        ("mentions", AttrValue::Int(n.mentions as i64)),
        ("iso3", AttrValue::Str(n.iso3.clone().unwrap_or_default())),
        ("affiliation", AttrValue::Str(n.affiliation.clone().unwrap_or_default())),
        ("documents", AttrValue::Int(n.documents.len() as i64)),
    ]
}

/// Typed attributes of an edge, with its evidence.
fn edge_attrs(e: &EdgeRec, ev: Option<&EdgeEvidence>) -> Vec<(&'static str, AttrValue)> {
    let ev = ev.cloned().unwrap_or_default();
    vec![
        ("kind", AttrValue::Str(e.kind.clone())),
        ("relation", AttrValue::Str(e.relation.clone().unwrap_or_default())),
        ("polarity", AttrValue::Str(e.polarity.clone().unwrap_or_default())),
        ("directed", AttrValue::Bool(e.directed.unwrap_or(false))),
        ("negated", AttrValue::Bool(e.negated.unwrap_or(false))),
        ("claims", AttrValue::Int(e.claims.unwrap_or(0) as i64)),
        ("copies", AttrValue::Int(e.copies.unwrap_or(0) as i64)),
        ("outlets", AttrValue::Int(e.outlets.unwrap_or(0) as i64)),
        ("goldstein_mean", AttrValue::Float(e.goldstein_mean.unwrap_or(0.0))),
        ("npmi", AttrValue::Float(e.npmi.unwrap_or(0.0))),
        ("first", AttrValue::Str(e.first.clone().flatten().unwrap_or_default())),
        ("last", AttrValue::Str(e.last.clone().flatten().unwrap_or_default())),
        ("evidence", AttrValue::Str(e.evidence.clone().unwrap_or_default().join(";"))),
        ("outlet_names", AttrValue::Str(ev.outlets.join("; "))),
        ("sentence", AttrValue::Str(ev.sentence)),
        ("speaker", AttrValue::Str(ev.speaker)),
        ("source_document", AttrValue::Str(ev.document)),
        ("source_outlet", AttrValue::Str(ev.outlet)),
        ("source_date", AttrValue::Str(ev.published)),
        ("url", AttrValue::Str(ev.url)),
    ]
}

#[derive(Debug, Clone)]
enum AttrValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl AttrValue {
    fn gexf_type(&self) -> &'static str {
        match self {
            AttrValue::Str(_) => "string",
            AttrValue::Int(_) => "integer",
            AttrValue::Float(_) => "double",
            AttrValue::Bool(_) => "boolean",
        }
    }

    fn graphml_type(&self) -> &'static str {
        match self {
            AttrValue::Str(_) => "string",
            AttrValue::Int(_) => "long",
            AttrValue::Float(_) => "double",
            AttrValue::Bool(_) => "boolean",
        }
    }

    fn text(&self) -> String {
        match self {
            AttrValue::Str(s) => xml_chars(s).into_owned(),
            AttrValue::Int(i) => i.to_string(),
            AttrValue::Float(f) => format!("{f}"),
            AttrValue::Bool(b) => b.to_string(),
        }
    }

    fn json(&self) -> Value {
        match self {
            AttrValue::Str(s) => json!(s),
            AttrValue::Int(i) => json!(i),
            AttrValue::Float(f) => json!(f),
            AttrValue::Bool(b) => json!(b),
        }
    }
}

/// Publication dates by document, and documents by claim, for time spells: made once per
/// export, so spells cost a lookup per document, not a pass over the graph.
struct Dates<'d> {
    published: BTreeMap<&'d str, Option<&'d str>>,
    claim_document: BTreeMap<String, String>,
}

impl<'d> Dates<'d> {
    fn new(doc: &'d GraphDoc) -> Dates<'d> {
        Dates {
            published: doc.documents.iter().map(|d| (d.id.as_str(), d.published.as_deref())).collect(),
            claim_document: doc.claims.iter_light().map(|c| (c.id, c.document)).collect(),
        }
    }

    /// The dates on which a node or edge was mentioned or claimed.
    fn of<'a>(&self, documents: impl Iterator<Item = &'a str>) -> Vec<String> {
        documents.filter_map(|d| self.published.get(d).copied().flatten().map(String::from)).collect::<BTreeSet<_>>().into_iter().collect()
    }

    fn of_edge(&self, e: &EdgeRec) -> Vec<String> {
        match &e.documents {
            Some(d) => self.of(d.keys().map(|k| &**k)),
            None => self.of(e.evidence.iter().flatten().filter_map(|id| self.claim_document.get(id).map(String::as_str))),
        }
    }
}

/// GEXF 1.3 for Gephi: typed attributes with the evidence of relation edges, time spells from
/// document dates so Gephi's timeline shows when an actor was mentioned and a relation
/// claimed, and `viz` colours, sizes and shapes from the diagram style, so Gephi opens it as
/// the diagram draws it.
pub fn gexf(doc: &GraphDoc, ev: &Evidence, style: &Style) -> String {
    let mut w = xml_writer();
    write_gexf(&mut w, doc, ev, style).expect("writing into memory does not fail");
    xml_finish(w)
}

/// A GEXF `viz:shape` for a Graphviz node shape.
fn gexf_shape(shape: &str) -> &'static str {
    match shape {
        "box" | "rect" | "rectangle" | "square" | "note" => "square",
        "triangle" => "triangle",
        "diamond" | "hexagon" | "octagon" => "diamond",
        _ => "disc",
    }
}

fn write_gexf(w: &mut Xml, doc: &GraphDoc, ev: &Evidence, style: &Style) -> io::Result<()> {
    let dates = Dates::new(doc);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let root = [
        ("xmlns", "http://gexf.net/1.3"),
        ("xmlns:viz", "http://gexf.net/1.3/viz"),
        ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ("xsi:schemaLocation", "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"),
        ("version", "1.3"),
    ];
    let max_mentions = doc.nodes.iter().map(|n| n.mentions).max().unwrap_or(1).max(1) as f64;
    w.create_element("gexf").with_attributes(root).write_inner_content(|w| {
        w.create_element("meta").write_inner_content(|w| {
            w.create_element("creator").write_text_content(BytesText::new(&format!("newsgraph {}", xml_chars(&doc.generator.version))))?;
            let description = format!("{} documents, schema {}", doc.documents.len(), xml_chars(&doc.schema));
            w.create_element("description").write_text_content(BytesText::new(&description))?;
            Ok(())
        })?;
        let graph = [("defaultedgetype", "undirected"), ("mode", "dynamic"), ("timeformat", "date")];
        w.create_element("graph").with_attributes(graph).write_inner_content(|w| {
            // Attribute types do not depend on the values: declare them from an empty record.
            for (class, attrs) in [("node", node_attrs(&NodeRec::default())), ("edge", edge_attrs(&EdgeRec::default(), None))] {
                w.create_element("attributes").with_attributes([("class", class), ("mode", "static")]).write_inner_content(|w| {
                    for (k, v) in &attrs {
                        w.create_element("attribute").with_attributes([("id", *k), ("title", *k), ("type", v.gexf_type())]).write_empty()?;
                    }
                    Ok(())
                })?;
            }
            let values = |w: &mut Xml, attrs: Vec<(&str, AttrValue)>, dates: Vec<String>| -> io::Result<()> {
                w.create_element("attvalues").write_inner_content(|w| {
                    for (k, v) in attrs {
                        w.create_element("attvalue").with_attributes([attr("for", k), attr("value", &v.text())]).write_empty()?;
                    }
                    Ok(())
                })?;
                if !dates.is_empty() {
                    w.create_element("spells").write_inner_content(|w| {
                        for d in &dates {
                            w.create_element("spell").with_attributes([("start", d.as_str()), ("end", d.as_str())]).write_empty()?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            };
            let color = |w: &mut Xml, c: &str| -> io::Result<()> {
                let (r, g, b) = rgb(c);
                w.create_element("viz:color").with_attributes([("r", r.to_string().as_str()), ("g", &g.to_string()), ("b", &b.to_string())]).write_empty()?;
                Ok(())
            };
            w.create_element("nodes").write_inner_content(|w| {
                for n in &doc.nodes {
                    let ts = style.for_type(&n.kind);
                    w.create_element("node").with_attributes([attr("id", &n.id), attr("label", &n.label)]).write_inner_content(|w| {
                        values(w, node_attrs(n), dates.of(n.documents.keys().map(|k| &**k)))?;
                        color(w, &ts.fill)?;
                        let size = 5.0 + 25.0 * (n.mentions as f64 / max_mentions).sqrt();
                        w.create_element("viz:size").with_attribute(("value", format!("{size:.1}").as_str())).write_empty()?;
                        w.create_element("viz:shape").with_attribute(("value", gexf_shape(&ts.shape))).write_empty()?;
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
            w.create_element("edges").write_inner_content(|w| {
                for (i, e) in doc.edges.iter().enumerate() {
                    let label = e.relation.as_deref().unwrap_or(&e.kind);
                    let attrs = [
                        attr("id", &format!("e{i}")),
                        attr("source", &e.source),
                        attr("target", &e.target),
                        attr("label", label),
                        attr("weight", &e.weight.max(1).to_string()),
                    ];
                    w.create_element("edge").with_attributes(attrs).write_inner_content(|w| {
                        values(w, edge_attrs(e, ev.get(i)), dates.of_edge(e))?;
                        color(w, edge_color(e, style))?;
                        let thickness = match e.kind.as_str() {
                            "relation" => 1.0 + ((e.claims.unwrap_or(e.weight) + e.copies.unwrap_or(0)) as f64).sqrt(),
                            _ => 0.5 + (e.weight as f64).sqrt() / 2.0,
                        };
                        w.create_element("viz:thickness").with_attribute(("value", format!("{thickness:.1}").as_str())).write_empty()?;
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
        Ok(())
    })?;
    Ok(())
}

/// GraphML with typed keys, relation edges with their evidence.
pub fn graphml(doc: &GraphDoc, ev: &Evidence) -> String {
    let mut w = xml_writer();
    write_graphml(&mut w, doc, ev).expect("writing into memory does not fail");
    xml_finish(w)
}

fn write_graphml(w: &mut Xml, doc: &GraphDoc, ev: &Evidence) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let root = [
        ("xmlns", "http://graphml.graphdrawing.org/xmlns"),
        ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ("xsi:schemaLocation", "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"),
    ];
    w.create_element("graphml").with_attributes(root).write_inner_content(|w| {
        let key = |w: &mut Xml, id: &str, on: &str, name: &str, kind: &str| -> io::Result<()> {
            w.create_element("key").with_attributes([("id", id), ("for", on), ("attr.name", name), ("attr.type", kind)]).write_empty()?;
            Ok(())
        };
        key(w, "n_label", "node", "label", "string")?;
        for (k, v) in node_attrs(&NodeRec::default()) {
            key(w, &format!("n_{k}"), "node", k, v.graphml_type())?;
        }
        key(w, "e_weight", "edge", "weight", "double")?;
        for (k, v) in edge_attrs(&EdgeRec::default(), None) {
            key(w, &format!("e_{k}"), "edge", k, v.graphml_type())?;
        }
        let data = |w: &mut Xml, key: &str, value: &str| -> io::Result<()> {
            w.create_element("data").with_attribute(("key", key)).write_text_content(BytesText::new(value))?;
            Ok(())
        };
        w.create_element("graph").with_attributes([("id", "newsgraph"), ("edgedefault", "undirected")]).write_inner_content(|w| {
            for n in &doc.nodes {
                w.create_element("node").with_attribute(attr("id", &n.id)).write_inner_content(|w| {
                    data(w, "n_label", &xml_chars(&n.label))?;
                    for (k, v) in node_attrs(n) {
                        data(w, &format!("n_{k}"), &v.text())?;
                    }
                    Ok(())
                })?;
            }
            for (i, e) in doc.edges.iter().enumerate() {
                let attrs = [attr("id", &format!("e{i}")), attr("source", &e.source), attr("target", &e.target)];
                w.create_element("edge").with_attributes(attrs).write_inner_content(|w| {
                    data(w, "e_weight", &e.weight.to_string())?;
                    for (k, v) in edge_attrs(e, ev.get(i)) {
                        data(w, &format!("e_{k}"), &v.text())?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
        Ok(())
    })?;
    Ok(())
}

fn node_json(n: &NodeRec) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), json!(n.id));
    m.insert("label".into(), json!(n.label));
    for (k, v) in node_attrs(n) {
        m.insert(k.into(), v.json());
    }
    m.insert("aliases".into(), json!(n.aliases));
    m
}

fn edge_json(i: usize, e: &EdgeRec, ev: &Evidence) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), json!(format!("e{i}")));
    m.insert("source".into(), json!(e.source));
    m.insert("target".into(), json!(e.target));
    m.insert("weight".into(), json!(e.weight));
    for (k, v) in edge_attrs(e, ev.get(i)) {
        m.insert(k.into(), v.json());
    }
    m.insert("evidence".into(), json!(e.evidence.clone().unwrap_or_default()));
    m
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("json serialises");
    s.push('\n');
    s
}

/// A Cytoscape.js node shape for a Graphviz one.
fn cytoscape_shape(shape: &str) -> &'static str {
    match shape {
        "box" | "rect" | "rectangle" | "square" => "rectangle",
        "note" => "round-rectangle",
        "hexagon" => "hexagon",
        "octagon" => "octagon",
        "diamond" => "diamond",
        "triangle" => "triangle",
        _ => "ellipse",
    }
}

/// The Cytoscape.js style sheet of the diagram style: a shape and fill per node type, edge
/// colours by kind and polarity, dashed denied claims, widths by weight, labels.
fn cytoscape_style(doc: &GraphDoc, style: &Style) -> Value {
    let mut sheet = vec![
        json!({"selector": "node", "style": {"label": "data(label)", "font-family": style.font, "font-size": 10, "border-width": 1, "border-color": "#888888",
            "width": "mapData(mentions, 0, 100, 20, 60)", "height": "mapData(mentions, 0, 100, 20, 60)"}}),
        json!({"selector": "edge", "style": {"curve-style": "bezier", "line-color": style.edge_color, "width": "mapData(weight, 1, 20, 1, 6)", "opacity": 0.6}}),
        json!({"selector": "edge[kind = 'affiliation']", "style": {"line-color": style.affiliation_color, "line-style": "dashed", "target-arrow-shape": "triangle", "target-arrow-color": style.affiliation_color}}),
        json!({"selector": "edge[kind = 'relation']", "style": {"line-color": style.neutral_color, "label": "data(relation)", "font-size": 8, "opacity": 0.9, "width": "mapData(claims, 1, 20, 2, 8)"}}),
        json!({"selector": "edge[polarity = 'cooperative']", "style": {"line-color": style.cooperative_color, "color": style.cooperative_color}}),
        json!({"selector": "edge[polarity = 'conflictual']", "style": {"line-color": style.conflictual_color, "color": style.conflictual_color}}),
        json!({"selector": "edge[?negated]", "style": {"line-style": "dashed"}}),
        json!({"selector": "edge[?directed][kind = 'relation']", "style": {"target-arrow-shape": "triangle"}}),
    ];
    let kinds: BTreeSet<&str> = doc.nodes.iter().map(|n| n.kind.as_str()).chain(style.types.keys().map(String::as_str).filter(|k| *k != "default")).collect();
    for k in kinds {
        let ts = style.for_type(k);
        sheet.push(json!({"selector": format!("node[type = '{k}']"), "style": {"shape": cytoscape_shape(&ts.shape), "background-color": ts.fill}}));
    }
    Value::Array(sheet)
}

/// Cytoscape.js `elements` with a `style` sheet, ready for `cytoscape({ elements, style })` or
/// Cytoscape desktop's "cyjs" import; relation edges carry their evidence.
pub fn cytoscape(doc: &GraphDoc, ev: &Evidence, style: &Style) -> String {
    let nodes: Vec<Value> = doc.nodes.iter().map(|n| json!({ "data": node_json(n), "group": "nodes" })).collect();
    let edges: Vec<Value> = doc.edges.iter().enumerate().map(|(i, e)| json!({ "data": edge_json(i, e, ev), "group": "edges" })).collect();
    pretty(&json!({
        "format_version": "1.0",
        "generated_by": format!("newsgraph {}", doc.generator.version),
        "target_cytoscapejs_version": "~3",
        "data": { "name": "newsgraph", "schema": doc.schema },
        "elements": { "nodes": nodes, "edges": edges },
        "style": cytoscape_style(doc, style),
    }))
}

/// Node-link JSON for networkx (`node_link_graph`) and D3, with the edges under both `links`
/// (D3, older networkx) and `edges` (networkx 3.4 and later).
pub fn nodelink(doc: &GraphDoc, ev: &Evidence) -> String {
    let nodes: Vec<Value> = doc.nodes.iter().map(|n| Value::Object(node_json(n))).collect();
    let links: Vec<Value> = doc
        .edges
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut m = edge_json(i, e, ev);
            m.insert("key".into(), json!(i));
            Value::Object(m)
        })
        .collect();
    pretty(&json!({
        "directed": false,
        "multigraph": true,
        "graph": { "name": "newsgraph", "schema": doc.schema },
        "nodes": nodes,
        "links": links,
        "edges": links,
    }))
}

/// A Neo4j array field: the items joined by `;` (a `;` inside an item becomes `,`).
fn neo4j_array<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items.into_iter().map(|s| s.replace(';', ",")).collect::<Vec<_>>().join(";")
}

/// A CSV file in memory: fields quoted where they hold a comma, quote or line break (the
/// `csv` crate's rules), one record a line.
fn csv_file(header: &str, records: impl Iterator<Item = Vec<String>>) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let write = |w: &mut csv::Writer<Vec<u8>>| -> csv::Result<()> {
        w.write_record(header.split(','))?;
        for r in records {
            w.write_record(&r)?;
        }
        w.flush()?;
        Ok(())
    };
    write(&mut w).expect("writing into memory does not fail");
    String::from_utf8(w.into_inner().expect("flushed")).expect("the fields are UTF-8")
}

/// Neo4j bulk-import CSV in the format of `neo4j-admin database import` (`:ID`, `:LABEL`,
/// `:START_ID`, `:END_ID`, `:TYPE`, typed columns, `;`-separated arrays), with an ID space per
/// kind of node:
/// - `nodes.csv`: the entities (`Entity` and their type, `:State`, `:Person`, ...);
/// - `relationships.csv`: co-mention, affiliation and relation edges between them, relations
///   with their evidence;
/// - `documents.csv`: the documents (`Document`), with outlet, date, URL and title;
/// - `claims.csv`: every claim (`Claim`), with its sentence, cue, modality and speaker;
/// - `claim_actors.csv`: each claim to its `SUBJECT`, its `OBJECT` and the speaker who
///   `SAID` it;
/// - `claim_documents.csv`: each claim to the document it is `REPORTED_IN`.
///
/// Returned as (file name, contents), in that order.
pub fn neo4j(doc: &GraphDoc, ev: &Evidence) -> crate::error::Result<Vec<(&'static str, String)>> {
    let nodes = doc.nodes.iter().map(|n| {
        let kind_label: String = n
            .kind
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| {
                let mut cs = w.chars();
                cs.next().map(|c| c.to_uppercase().chain(cs).collect::<String>()).unwrap_or_default()
            })
            .collect();
        vec![
            n.id.clone(),
            n.label.clone(),
            n.kind.clone(),
            format!("Entity;{kind_label}"),
            n.mentions.to_string(),
            n.iso3.clone().unwrap_or_default(),
            n.affiliation.clone().unwrap_or_default(),
            neo4j_array(n.aliases.iter().map(String::as_str)),
            neo4j_array(n.documents.keys().map(|k| &**k)),
        ]
    });
    let nodes = csv_file("id:ID(Entity),label,type,:LABEL,mentions:long,iso3,affiliation,aliases:string[],documents:string[]", nodes);
    let rels = doc.edges.iter().enumerate().map(|(i, e)| {
        let kind = match e.kind.as_str() {
            "relation" => e.relation.clone().unwrap_or_else(|| "relation".into()),
            other => other.to_string(),
        };
        let x = ev.get(i).cloned().unwrap_or_default();
        vec![
            e.source.clone(),
            e.target.clone(),
            kind.to_uppercase(),
            e.kind.clone(),
            e.weight.to_string(),
            e.relation.clone().unwrap_or_default(),
            e.polarity.clone().unwrap_or_default(),
            e.directed.unwrap_or(false).to_string(),
            e.negated.unwrap_or(false).to_string(),
            e.claims.unwrap_or(0).to_string(),
            e.copies.unwrap_or(0).to_string(),
            e.outlets.unwrap_or(0).to_string(),
            e.goldstein_mean.unwrap_or(0.0).to_string(),
            e.npmi.unwrap_or(0.0).to_string(),
            e.first.clone().flatten().unwrap_or_default(),
            e.last.clone().flatten().unwrap_or_default(),
            neo4j_array(e.evidence.iter().flatten().map(String::as_str)),
            neo4j_array(x.outlets.iter().map(String::as_str)),
            x.sentence,
            x.speaker,
            x.url,
        ]
    });
    let rels = csv_file(
        ":START_ID(Entity),:END_ID(Entity),:TYPE,kind,weight:long,relation,polarity,directed:boolean,negated:boolean,claims:long,copies:long,outlets:long,goldstein_mean:double,npmi:double,first,last,evidence:string[],outlet_names:string[],sentence,speaker,url",
        rels,
    );
    let documents = doc.documents.iter().map(|d| {
        let o = |x: &Option<String>| x.clone().unwrap_or_default();
        vec![d.id.clone(), "Document".into(), o(&d.title), o(&d.outlet), o(&d.published), o(&d.url), o(&d.provider), o(&d.place), d.path.clone()]
    });
    let documents = csv_file("id:ID(Document),:LABEL,title,outlet,published,url,provider,place,path", documents);
    let (mut claims, mut actors, mut reported) = (Vec::new(), Vec::new(), Vec::new());
    for c in doc.claims.select(|_| true) {
        let c = c?;
        claims.push(vec![
            c.id.clone(),
            "Claim".into(),
            c.relation.clone(),
            c.polarity.clone(),
            c.negated.to_string(),
            c.modality.clone(),
            c.sentence.clone(),
            c.cue.clone(),
            c.speaker.clone().unwrap_or_default(),
            c.confidence.map(|x| x.to_string()).unwrap_or_default(),
            c.goldstein.to_string(),
            c.plover.clone().unwrap_or_default(),
            c.copy_of.clone().unwrap_or_default(),
            c.document.clone(),
        ]);
        actors.push(vec![c.id.clone(), c.subject.clone(), "SUBJECT".into()]);
        actors.push(vec![c.id.clone(), c.object.clone(), "OBJECT".into()]);
        if let Some(s) = &c.speaker {
            actors.push(vec![c.id.clone(), s.clone(), "SAID".into()]);
        }
        reported.push(vec![c.id, c.document, "REPORTED_IN".into()]);
    }
    let claims = csv_file(
        "id:ID(Claim),:LABEL,relation,polarity,negated:boolean,modality,sentence,cue,speaker,confidence:double,goldstein:double,plover,copy_of,document",
        claims.into_iter(),
    );
    Ok(vec![
        ("nodes.csv", nodes),
        ("relationships.csv", rels),
        ("documents.csv", documents),
        ("claims.csv", claims),
        ("claim_actors.csv", csv_file(":START_ID(Claim),:END_ID(Entity),:TYPE", actors.into_iter())),
        ("claim_documents.csv", csv_file(":START_ID(Claim),:END_ID(Document),:TYPE", reported.into_iter())),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostile strings in ids, labels and fields come back whole from every XML and CSV file
    /// (less the control characters XML 1.0 forbids), read by the crates' own readers.
    #[test]
    fn hostile_strings_round_trip() {
        let cases = [
            "plain",
            "a & b < c > d",
            "quote \" and 'apostrophe'",
            "comma, and; semicolon",
            "line\nbreak\r\nand tab\t",
            "bell\u{7} and nul\u{0}",
            "Россия’s “curly”",
            "",
        ];
        for (i, s) in cases.iter().enumerate() {
            let mut doc = GraphDoc::parse("t.json", r#"{"schema": "newsgraph.graph/1", "generator": {"name": "newsgraph", "version": "0"}, "gazetteer": {"entities": 0, "aliases": 0, "digest": ""}, "settings": {}, "documents": [], "nodes": [], "edges": [], "claims": []}"#).unwrap();
            let id = format!("n{i}{s}");
            doc.nodes.push(NodeRec { id: id.clone(), label: s.to_string(), kind: "person".into(), aliases: vec![s.to_string()], ..Default::default() });
            let xml_clean: String = s.chars().filter(|&c| (c as u32) >= 0x20 || matches!(c, '\t' | '\n' | '\r')).collect();
            let (ev, style) = (Evidence::none(&doc), Style::from_table(None));
            for (name, text) in [("gexf", gexf(&doc, &ev, &style)), ("graphml", graphml(&doc, &ev))] {
                let mut reader = quick_xml::Reader::from_str(&text);
                let (mut ids, mut labels) = (Vec::new(), Vec::new());
                loop {
                    match reader.read_event().unwrap_or_else(|e| panic!("{name} {s:?}: {e}")) {
                        Event::Eof => break,
                        Event::Start(e) | Event::Empty(e) => {
                            for a in e.attributes() {
                                let a = a.unwrap();
                                let v = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned();
                                match (e.name().0, a.key.0) {
                                    ("node", "id") => ids.push(v),
                                    ("node", "label") => labels.push(v),
                                    _ => {}
                                }
                            }
                        }
                        _ => {}
                    }
                }
                assert_eq!(ids, [id.chars().filter(|c| xml_clean.contains(*c) || !s.contains(*c)).collect::<String>()], "{name} {s:?}");
                if name == "gexf" {
                    assert_eq!(labels, std::slice::from_ref(&xml_clean), "{name} {s:?}");
                }
            }
            let nodes = neo4j(&doc, &ev).unwrap().swap_remove(0).1;
            let mut reader = csv::Reader::from_reader(nodes.as_bytes());
            let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
            assert_eq!(rows.len(), 1, "{s:?}: {nodes}");
            assert_eq!((&rows[0][0], &rows[0][1]), (id.as_str(), *s), "{s:?}");
            assert_eq!(&rows[0][7], s.replace(';', ","), "{s:?}");
        }
    }
}
