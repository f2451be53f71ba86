#!/usr/bin/env python3
"""trafilatura (PyPI) on the HTML pages of a WARC archive, as examples/extract_scan.rs runs
newsgraph's extraction: the first LIMIT pages are read first (warcio, not timed), then each
is extracted on one thread, timed. Prints one JSON object.

    trafilatura_scan.py ARCHIVE.warc.gz LIMIT
"""
import json
import sys
import time

import trafilatura
from warcio.archiveiterator import ArchiveIterator

path, limit = sys.argv[1], int(sys.argv[2])
pages = []
with open(path, "rb") as f:
    for rec in ArchiveIterator(f):
        if rec.rec_type != "response" or not rec.http_headers or rec.http_headers.get_statuscode() != "200":
            continue
        if "html" not in (rec.http_headers.get_header("Content-Type") or ""):
            continue
        pages.append(rec.content_stream().read())
        if len(pages) >= limit:
            break
t = time.perf_counter()
found = 0
for p in pages:
    if trafilatura.extract(p.decode("utf-8", "replace")):
        found += 1
secs = time.perf_counter() - t
size = sum(len(p) for p in pages)
print(json.dumps({"tool": "trafilatura", "pages": len(pages), "articles": found, "bytes": size, "seconds": round(secs, 3), "mb_per_s": round(size / 1e6 / secs, 2)}))
