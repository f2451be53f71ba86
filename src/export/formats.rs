//! Graph formats for visualization and analysis tools, each rendered from a [`GraphDoc`]:
//! GEXF 1.3 (Gephi), GraphML, Cytoscape.js elements, node-link JSON (networkx, D3) and Neo4j
//! bulk-import CSV.
//!
//! All of them carry every node and edge of the document: the same counts as `graph.json`.
//! Parallel edges (a co-mention and relations between one pair) stay parallel; every format
//! here keeps multi-edges. Edges are written undirected, with a relation's direction as the
//! `directed` attribute and in source → target order, because networkx rejects a GEXF or
//! GraphML file that mixes directed and undirected edges.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use super::doc::{EdgeRec, GraphDoc, NodeRec};

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
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

/// Typed attributes of an edge.
fn edge_attrs(e: &EdgeRec) -> Vec<(&'static str, AttrValue)> {
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
            AttrValue::Str(s) => xml(s),
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

/// GEXF 1.3 for Gephi: typed attributes, and time spells from document dates so Gephi's
/// timeline shows when an actor was mentioned and a relation claimed.
pub fn gexf(doc: &GraphDoc) -> String {
    let dates = Dates::new(doc);
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<gexf xmlns=\"http://gexf.net/1.3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n");
    let _ = writeln!(
        out,
        "  <meta>\n    <creator>newsgraph {}</creator>\n    <description>{} documents, schema {}</description>\n  </meta>",
        xml(&doc.generator.version),
        doc.documents.len(),
        xml(&doc.schema)
    );
    out.push_str("  <graph defaultedgetype=\"undirected\" mode=\"dynamic\" timeformat=\"date\">\n");
    // Attribute types do not depend on the values: declare them from an empty node.
    out.push_str("    <attributes class=\"node\" mode=\"static\">\n");
    for (k, v) in &node_attrs(&NodeRec::default()) {
        let _ = writeln!(out, "      <attribute id=\"{k}\" title=\"{k}\" type=\"{}\"/>", v.gexf_type());
    }
    out.push_str("    </attributes>\n    <attributes class=\"edge\" mode=\"static\">\n");
    for (k, v) in edge_attrs(&EdgeRec::default()) {
        let _ = writeln!(out, "      <attribute id=\"{k}\" title=\"{k}\" type=\"{}\"/>", v.gexf_type());
    }
    out.push_str("    </attributes>\n    <nodes>\n");
    let spells = |out: &mut String, dates: &[String]| {
        if !dates.is_empty() {
            out.push_str("        <spells>\n");
            for d in dates {
                let _ = writeln!(out, "          <spell start=\"{d}\" end=\"{d}\"/>");
            }
            out.push_str("        </spells>\n");
        }
    };
    for n in &doc.nodes {
        let _ = writeln!(out, "      <node id=\"{}\" label=\"{}\">", xml(&n.id), xml(&n.label));
        out.push_str("        <attvalues>\n");
        for (k, v) in node_attrs(n) {
            let _ = writeln!(out, "          <attvalue for=\"{k}\" value=\"{}\"/>", v.text());
        }
        out.push_str("        </attvalues>\n");
        spells(&mut out, &dates.of(n.documents.keys().map(|k| &**k)));
        out.push_str("      </node>\n");
    }
    out.push_str("    </nodes>\n    <edges>\n");
    for (i, e) in doc.edges.iter().enumerate() {
        let label = e.relation.clone().unwrap_or_else(|| e.kind.clone());
        let _ = writeln!(
            out,
            "      <edge id=\"e{i}\" source=\"{}\" target=\"{}\" label=\"{}\" weight=\"{}\">",
            xml(&e.source),
            xml(&e.target),
            xml(&label),
            e.weight.max(1)
        );
        out.push_str("        <attvalues>\n");
        for (k, v) in edge_attrs(e) {
            let _ = writeln!(out, "          <attvalue for=\"{k}\" value=\"{}\"/>", v.text());
        }
        out.push_str("        </attvalues>\n");
        spells(&mut out, &dates.of_edge(e));
        out.push_str("      </edge>\n");
    }
    out.push_str("    </edges>\n  </graph>\n</gexf>\n");
    out
}

/// GraphML with typed keys.
pub fn graphml(doc: &GraphDoc) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    out.push_str("  <key id=\"n_label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n");
    for (k, v) in node_attrs(&NodeRec::default()) {
        let _ = writeln!(out, "  <key id=\"n_{k}\" for=\"node\" attr.name=\"{k}\" attr.type=\"{}\"/>", v.graphml_type());
    }
    out.push_str("  <key id=\"e_weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n");
    for (k, v) in edge_attrs(&EdgeRec::default()) {
        let _ = writeln!(out, "  <key id=\"e_{k}\" for=\"edge\" attr.name=\"{k}\" attr.type=\"{}\"/>", v.graphml_type());
    }
    out.push_str("  <graph id=\"newsgraph\" edgedefault=\"undirected\">\n");
    for n in &doc.nodes {
        let _ = writeln!(out, "    <node id=\"{}\">", xml(&n.id));
        let _ = writeln!(out, "      <data key=\"n_label\">{}</data>", xml(&n.label));
        for (k, v) in node_attrs(n) {
            let _ = writeln!(out, "      <data key=\"n_{k}\">{}</data>", v.text());
        }
        out.push_str("    </node>\n");
    }
    for (i, e) in doc.edges.iter().enumerate() {
        let _ = writeln!(out, "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\">", xml(&e.source), xml(&e.target));
        let _ = writeln!(out, "      <data key=\"e_weight\">{}</data>", e.weight);
        for (k, v) in edge_attrs(e) {
            let _ = writeln!(out, "      <data key=\"e_{k}\">{}</data>", v.text());
        }
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
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

fn edge_json(i: usize, e: &EdgeRec) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), json!(format!("e{i}")));
    m.insert("source".into(), json!(e.source));
    m.insert("target".into(), json!(e.target));
    m.insert("weight".into(), json!(e.weight));
    for (k, v) in edge_attrs(e) {
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

/// Cytoscape.js `elements`, ready for `cytoscape({ elements })` or Cytoscape desktop's
/// "cyjs" import.
pub fn cytoscape(doc: &GraphDoc) -> String {
    let nodes: Vec<Value> = doc.nodes.iter().map(|n| json!({ "data": node_json(n), "group": "nodes" })).collect();
    let edges: Vec<Value> = doc.edges.iter().enumerate().map(|(i, e)| json!({ "data": edge_json(i, e), "group": "edges" })).collect();
    pretty(&json!({
        "format_version": "1.0",
        "generated_by": format!("newsgraph {}", doc.generator.version),
        "target_cytoscapejs_version": "~3",
        "data": { "name": "newsgraph", "schema": doc.schema },
        "elements": { "nodes": nodes, "edges": edges },
    }))
}

/// Node-link JSON for networkx (`node_link_graph`) and D3, with the edges under both `links`
/// (D3, older networkx) and `edges` (networkx 3.4 and later).
pub fn nodelink(doc: &GraphDoc) -> String {
    let nodes: Vec<Value> = doc.nodes.iter().map(|n| Value::Object(node_json(n))).collect();
    let links: Vec<Value> = doc
        .edges
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut m = edge_json(i, e);
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

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

fn csv_array(items: &[String]) -> String {
    csv_field(&items.iter().map(|s| s.replace(';', ",")).collect::<Vec<_>>().join(";"))
}

/// Neo4j bulk-import CSV: `nodes.csv` and `relationships.csv`, headers in the format of
/// `neo4j-admin database import` (`:ID`, `:LABEL`, `:START_ID`, `:END_ID`, `:TYPE`, typed
/// columns, `;`-separated arrays).
pub fn neo4j(doc: &GraphDoc) -> (String, String) {
    let mut nodes = String::from("id:ID,label,type,:LABEL,mentions:long,iso3,affiliation,aliases:string[],documents:string[]\n");
    for n in &doc.nodes {
        let kind_label: String = n
            .kind
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| {
                let mut cs = w.chars();
                cs.next().map(|c| c.to_uppercase().chain(cs).collect::<String>()).unwrap_or_default()
            })
            .collect();
        let _ = writeln!(
            nodes,
            "{},{},{},{},{},{},{},{},{}",
            csv_field(&n.id),
            csv_field(&n.label),
            csv_field(&n.kind),
            csv_field(&format!("Entity;{kind_label}")),
            n.mentions,
            csv_field(n.iso3.as_deref().unwrap_or("")),
            csv_field(n.affiliation.as_deref().unwrap_or("")),
            csv_array(&n.aliases),
            csv_array(&n.documents.keys().map(|k| k.to_string()).collect::<Vec<_>>()),
        );
    }
    let mut rels = String::from(
        ":START_ID,:END_ID,:TYPE,kind,weight:long,relation,polarity,directed:boolean,negated:boolean,claims:long,copies:long,outlets:long,goldstein_mean:double,npmi:double,first,last,evidence:string[]\n",
    );
    for e in &doc.edges {
        let kind = match e.kind.as_str() {
            "relation" => e.relation.clone().unwrap_or_else(|| "relation".into()),
            other => other.to_string(),
        };
        let _ = writeln!(
            rels,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(&e.source),
            csv_field(&e.target),
            csv_field(&kind.to_uppercase()),
            csv_field(&e.kind),
            e.weight,
            csv_field(e.relation.as_deref().unwrap_or("")),
            csv_field(e.polarity.as_deref().unwrap_or("")),
            e.directed.unwrap_or(false),
            e.negated.unwrap_or(false),
            e.claims.unwrap_or(0),
            e.copies.unwrap_or(0),
            e.outlets.unwrap_or(0),
            e.goldstein_mean.unwrap_or(0.0),
            e.npmi.unwrap_or(0.0),
            csv_field(e.first.clone().flatten().as_deref().unwrap_or("")),
            csv_field(e.last.clone().flatten().as_deref().unwrap_or("")),
            csv_array(&e.evidence.clone().unwrap_or_default()),
        );
    }
    (nodes, rels)
}
