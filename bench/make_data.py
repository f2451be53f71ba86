#!/usr/bin/env python3
"""Makes the benchmark data, deterministically (fixed seed):

  make_data.py OUT_DIR MEGABYTES

writes OUT_DIR/corpus.jsonl (MEGABYTES of JSON Lines documents made from the seed
paragraphs, reshuffled), OUT_DIR/gazetteer/ (the shipped gazetteer plus synthetic.toml with
100,000 synthetic people, three aliases each) and OUT_DIR/aliases.txt (every alias, one a
line, for the peer taggers and the raw Aho-Corasick pass)."""
import json
import os
import random
import shutil
import sys
import tomllib

out, megabytes = sys.argv[1], float(sys.argv[2])
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
rng = random.Random(20261123)
os.makedirs(out, exist_ok=True)

paragraphs = []
for name in sorted(os.listdir(os.path.join(root, "seeds"))):
    if name.endswith(".txt"):
        text = open(os.path.join(root, "seeds", name), encoding="utf-8").read()
        paragraphs += [p.strip() for p in text.split("\n") if len(p.strip()) > 40]

syllables = ["ka", "lo", "mi", "ren", "tas", "vor", "zul", "bek", "dan", "fi", "gor", "hal", "jin",
             "kor", "lem", "nas", "pol", "quin", "ras", "sen", "tor", "ul", "vin", "wes", "yar", "zen"]


def word(n):
    return "".join(rng.choice(syllables) for _ in range(n)).capitalize()


gdir = os.path.join(out, "gazetteer")
if os.path.exists(gdir):
    shutil.rmtree(gdir)
shutil.copytree(os.path.join(root, "gazetteer"), gdir)
aliases = []
for name in sorted(os.listdir(gdir)):
    if name.endswith(".toml"):
        data = tomllib.load(open(os.path.join(gdir, name), "rb"))
        for e in data.get("entity", []):
            aliases += e.get("aliases", [e["name"]]) + e.get("demonyms", []) + e.get("metonyms", [])
seen = set()
people = []
while len(people) < 100_000:
    first, last = word(2), word(3)
    if (first, last) in seen:
        continue
    seen.add((first, last))
    people.append((first, last))
with open(os.path.join(gdir, "synthetic.toml"), "w", encoding="utf-8") as f:
    for i, (first, last) in enumerate(people):
        names = [f"{first} {last}", f"{first[0]}. {last}", f"{last} {first}"]
        aliases += names
        f.write(f'[[entity]]\nid = "synthetic-{i}"\nname = "{first} {last}"\ntype = "person"\n'
                f'aliases = {json.dumps(names)}\n\n')
with open(os.path.join(out, "aliases.txt"), "w", encoding="utf-8") as f:
    f.write("\n".join(aliases) + "\n")

target = int(megabytes * 1_000_000)
size = 0
n = 0
with open(os.path.join(out, "corpus.jsonl"), "w", encoding="utf-8") as f:
    while size < target:
        k = rng.randint(4, 14)
        body = "\n\n".join(rng.choice(paragraphs) for _ in range(k))
        # Mention some synthetic people too, so their aliases are really matched.
        extra = " ".join(f"{p[0]} {p[1]} met {q[0][0]}. {q[1]}." for p, q in
                         [(rng.choice(people), rng.choice(people)) for _ in range(3)])
        rec = {"id": f"d{n:07d}", "text": body + "\n\n" + extra, "published": "2024-10-13"}
        line = json.dumps(rec, ensure_ascii=False) + "\n"
        f.write(line)
        size += len(line.encode("utf-8"))
        n += 1
print(f"{out}: {n} documents, {size / 1e6:.1f} MB, {len(aliases)} aliases")
