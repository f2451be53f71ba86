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


G = nx.read_gexf(f"{out}/graph.gexf")
check("gexf (networkx)", G.number_of_nodes(), G.number_of_edges())
spelled = [d for _, _, d in G.edges(data=True) if d.get("spells")]
if not spelled:
    print("gexf: no edge has time spells")
    failed = True

G = nx.read_graphml(f"{out}/graph.graphml")
check("graphml (networkx)", G.number_of_nodes(), G.number_of_edges())
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

with open(f"{out}/nodes.csv", newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
ids = {r["id:ID"] for r in rows}
with open(f"{out}/relationships.csv", newline="", encoding="utf-8") as f:
    rels = list(csv.DictReader(f))
dangling = [r for r in rels if r[":START_ID"] not in ids or r[":END_ID"] not in ids]
if dangling:
    print(f"neo4j: {len(dangling)} relationships name unknown nodes")
    failed = True
check("neo4j csv", len(rows), len(rels))
sys.exit(1 if failed else 0)
