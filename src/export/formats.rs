//! Graph formats for visualization and analysis tools, each rendered from a [`GraphDoc`]:
//! GEXF 1.3 (Gephi), GraphML, Cytoscape.js elements, node-link JSON (networkx, D3) and Neo4j
//! bulk-import CSV.
//!
//! All of them carry every node and edge of the document: the same counts as `graph.json`.
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

use super::doc::{EdgeRec, GraphDoc, NodeRec};

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

/// GEXF 1.3 for Gephi: typed attributes, and time spells from document dates so Gephi's
/// timeline shows when an actor was mentioned and a relation claimed.
pub fn gexf(doc: &GraphDoc) -> String {
    let mut w = xml_writer();
    write_gexf(&mut w, doc).expect("writing into memory does not fail");
    xml_finish(w)
}

fn write_gexf(w: &mut Xml, doc: &GraphDoc) -> io::Result<()> {
    let dates = Dates::new(doc);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let root = [
        ("xmlns", "http://gexf.net/1.3"),
        ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ("xsi:schemaLocation", "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"),
        ("version", "1.3"),
    ];
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
            for (class, attrs) in [("node", node_attrs(&NodeRec::default())), ("edge", edge_attrs(&EdgeRec::default()))] {
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
            w.create_element("nodes").write_inner_content(|w| {
                for n in &doc.nodes {
                    w.create_element("node")
                        .with_attributes([attr("id", &n.id), attr("label", &n.label)])
                        .write_inner_content(|w| values(w, node_attrs(n), dates.of(n.documents.keys().map(|k| &**k))))?;
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
                    w.create_element("edge").with_attributes(attrs).write_inner_content(|w| values(w, edge_attrs(e), dates.of_edge(e)))?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
        Ok(())
    })?;
    Ok(())
}

/// GraphML with typed keys.
pub fn graphml(doc: &GraphDoc) -> String {
    let mut w = xml_writer();
    write_graphml(&mut w, doc).expect("writing into memory does not fail");
    xml_finish(w)
}

fn write_graphml(w: &mut Xml, doc: &GraphDoc) -> io::Result<()> {
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
        for (k, v) in edge_attrs(&EdgeRec::default()) {
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
                    for (k, v) in edge_attrs(e) {
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

/// Neo4j bulk-import CSV: `nodes.csv` and `relationships.csv`, headers in the format of
/// `neo4j-admin database import` (`:ID`, `:LABEL`, `:START_ID`, `:END_ID`, `:TYPE`, typed
/// columns, `;`-separated arrays).
pub fn neo4j(doc: &GraphDoc) -> (String, String) {
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
    let nodes = csv_file("id:ID,label,type,:LABEL,mentions:long,iso3,affiliation,aliases:string[],documents:string[]", nodes);
    let rels = doc.edges.iter().map(|e| {
        let kind = match e.kind.as_str() {
            "relation" => e.relation.clone().unwrap_or_else(|| "relation".into()),
            other => other.to_string(),
        };
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
        ]
    });
    let rels = csv_file(
        ":START_ID,:END_ID,:TYPE,kind,weight:long,relation,polarity,directed:boolean,negated:boolean,claims:long,copies:long,outlets:long,goldstein_mean:double,npmi:double,first,last,evidence:string[]",
        rels,
    );
    (nodes, rels)
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
            for (name, text) in [("gexf", gexf(&doc)), ("graphml", graphml(&doc))] {
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
            let (nodes, _) = neo4j(&doc);
            let mut reader = csv::Reader::from_reader(nodes.as_bytes());
            let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
            assert_eq!(rows.len(), 1, "{s:?}: {nodes}");
            assert_eq!((&rows[0][0], &rows[0][1]), (id.as_str(), *s), "{s:?}");
            assert_eq!(&rows[0][7], s.replace(';', ","), "{s:?}");
        }
    }
}
