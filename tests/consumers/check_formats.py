#!/usr/bin/env python3
"""Reads every export of a newsgraph output folder back with the tool it is for and checks
its node and edge counts against graph.json. Prints one line per format; exits 1 on a
mismatch, 3 when networkx is missing (the caller reports a skip)."""
import csv
import json
import sys

try:
    import networkx as nx
except ImportError:
    print("networkx is not installed")
    sys.exit(3)

out = sys.argv[1]
g = json.load(open(f"{out}/graph.json", encoding="utf-8"))
want = (len(g["nodes"]), len(g["edges"]))
failed = False


def check(name, nodes, edges):
    global failed
    ok = (nodes, edges) == want
    failed |= not ok
    print(f"{name}: {nodes} nodes, {edges} edges {'ok' if ok else f'!= graph.json {want}'}")


def fail(msg):
    global failed
    print(msg)
    failed = True


claims_with_sentence = {c["id"] for c in g["claims"]}


def evidence(name, edges):
    """Every relation edge carries its evidence: claims, outlets, dates and the surest
    claim's sentence, which is one of graph.json's claims' sentences."""
    sentences = {" ".join(c["sentence"].split()) for c in g["claims"]}
    rel = [d for d in edges if d.get("kind") == "relation"]
    if not rel:
        fail(f"{name}: no relation edges")
    for d in rel:
        if not d.get("sentence") or d["sentence"] not in sentences:
            fail(f"{name}: relation edge without its evidence sentence: {d}")
            break
        for key in ("claims", "outlet_names", "first", "last", "speaker", "url", "source_outlet", "source_date"):
            if key not in d:
                fail(f"{name}: relation edge without {key}")
                break
    print(f"{name}: {len(rel)} relation edges with evidence")


G = nx.read_gexf(f"{out}/graph.gexf")
check("gexf (networkx)", G.number_of_nodes(), G.number_of_edges())
spelled = [d for _, _, d in G.edges(data=True) if d.get("spells")]
if not spelled:
    fail("gexf: no edge has time spells")
evidence("gexf", [d for _, _, d in G.edges(data=True)])
unstyled = [n for n, d in G.nodes(data=True) if not (d.get("viz", {}).get("color") and d["viz"].get("size"))]
if unstyled:
    fail(f"gexf: {len(unstyled)} nodes without viz colour and size")
# networkx reads the viz of nodes only: the edges' colours as Gephi reads them, from the XML.
import xml.etree.ElementTree as ET
VIZ = "{http://gexf.net/1.3/viz}"
edge_colours = {tuple(c.attrib[k] for k in "rgb") for c in ET.parse(f"{out}/graph.gexf").iter(f"{VIZ}color")}
if len(edge_colours) < 6:
    fail(f"gexf: only {len(edge_colours)} distinct viz colours (node types and edge polarities)")

G = nx.read_graphml(f"{out}/graph.graphml")
check("graphml (networkx)", G.number_of_nodes(), G.number_of_edges())
evidence("graphml", [d for _, _, d in G.edges(data=True)])
types = {type(d["mentions"]) for _, d in G.nodes(data=True)}
if types != {int}:
    print(f"graphml: mentions typed {types}, not int")
    failed = True

data = json.load(open(f"{out}/graph.nodelink.json", encoding="utf-8"))
G = nx.node_link_graph(data, edges="edges")
check("node-link, edges key (networkx)", G.number_of_nodes(), G.number_of_edges())
G = nx.node_link_graph(data, edges="links")
check("node-link, links key (networkx)", G.number_of_nodes(), G.number_of_edges())

cy = json.load(open(f"{out}/graph.cytoscape.json", encoding="utf-8"))
check("cytoscape elements", len(cy["elements"]["nodes"]), len(cy["elements"]["edges"]))
evidence("cytoscape", [e["data"] for e in cy["elements"]["edges"]])
selectors = {s["selector"] for s in cy.get("style", [])}
for kind in {n["type"] for n in g["nodes"]}:
    if f"node[type = '{kind}']" not in selectors:
        fail(f"cytoscape: the style sheet has no rule for {kind} nodes")
for polarity in ("cooperative", "conflictual"):
    if f"edge[polarity = '{polarity}']" not in selectors:
        fail(f"cytoscape: the style sheet has no rule for {polarity} edges")

with open(f"{out}/nodes.csv", newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
ids = {r["id:ID(Entity)"] for r in rows}
with open(f"{out}/relationships.csv", newline="", encoding="utf-8") as f:
    rels = list(csv.DictReader(f))
dangling = [r for r in rels if r[":START_ID(Entity)"] not in ids or r[":END_ID(Entity)"] not in ids]
if dangling:
    fail(f"neo4j: {len(dangling)} relationships name unknown nodes")
check("neo4j csv", len(rows), len(rels))
evidence("neo4j", [{**r, "claims": r["claims:long"], "outlet_names": r["outlet_names:string[]"], "source_outlet": "", "source_date": ""} for r in rels])


def table(name):
    with open(f"{out}/{name}", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


documents = {r["id:ID(Document)"] for r in table("documents.csv")}
claims = {r["id:ID(Claim)"]: r for r in table("claims.csv")}
if documents != {d["id"] for d in g["documents"]} or set(claims) != {c["id"] for c in g["claims"]}:
    fail("neo4j: documents.csv or claims.csv differ from graph.json")
actors = table("claim_actors.csv")
links = table("claim_documents.csv")
if any(r[":START_ID(Claim)"] not in claims or r[":END_ID(Entity)"] not in ids for r in actors):
    fail("neo4j: claim_actors.csv names unknown claims or entities")
if any(r[":START_ID(Claim)"] not in claims or r[":END_ID(Document)"] not in documents for r in links):
    fail("neo4j: claim_documents.csv names unknown claims or documents")
subjects = sum(1 for r in actors if r[":TYPE"] == "SUBJECT")
if subjects != len(claims) or len(links) != len(claims):
    fail(f"neo4j: {subjects} subjects and {len(links)} documents for {len(claims)} claims")
said = sum(1 for c in g["claims"] if c.get("speaker"))
if sum(1 for r in actors if r[":TYPE"] == "SAID") != said:
    fail("neo4j: not every speaker is linked")
print(f"neo4j import: {len(documents)} documents, {len(claims)} claims, {len(actors)} claim-actor and {len(links)} claim-document links")
sys.exit(1 if failed else 0)
