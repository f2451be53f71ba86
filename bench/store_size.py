#!/usr/bin/env python3
"""What a store costs: bytes per table and index (SQLite's dbstat, read through the sqlite3
command line, which has it), the whole file, and the corpus text it came from. Prints one JSON
object for bench/run's `record`.

    bench/store_size.py STORE CORPUS_JSONL
"""
import json
import os
import subprocess
import sys

store, corpus = sys.argv[1:3]
out = subprocess.run(
    ["sqlite3", "-separator", "\t", store, "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"],
    check=True, capture_output=True, text=True,
).stdout
tables = {name: int(size) for name, size in (line.split("\t") for line in out.splitlines() if line)}
text = 0
with open(corpus, encoding="utf-8") as f:
    for line in f:
        text += len(json.loads(line).get("text", "").encode("utf-8"))
print(json.dumps({"seconds": 0.0, "store_bytes": os.path.getsize(store), "text_bytes": text, "tables": tables}))
