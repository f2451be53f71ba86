"""Writes a folder of articles with its manifest.json as JSON Lines records (id, text, path,
title, outlet, url, published) on stdout: `python3 seeds_to_jsonl.py seeds > seeds.jsonl`."""
import json
import os
import sys

folder = sys.argv[1]
manifest = json.load(open(os.path.join(folder, "manifest.json"), encoding="utf-8"))
for d in manifest["documents"]:
    text = open(os.path.join(folder, d["file"]), encoding="utf-8").read()
    record = {"id": os.path.splitext(d["file"])[0], "text": text, "path": os.path.join(folder, d["file"])}
    for key in ("title", "outlet", "url", "published"):
        if d.get(key):
            record[key] = d[key]
    print(json.dumps(record, ensure_ascii=False))
