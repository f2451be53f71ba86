#!/usr/bin/env python3
"""Writes a WARC archive with Python's warcio (the tool web archivists use), for
tests/inputs.rs: each page of a folder as a request and a 200 text/html response (its URL
and date given), one undated article page, a PDF, a redirect and a front page of links that
must be skipped. Usage: make_warc.py OUT.warc[.gz] PAGES_DIR"""
import io
import pathlib
import sys

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

out, pages = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
URLS = {
    "newspaper": "https://www.ledger.example.com/world/2025/06/22/moscow-condemns-strikes",
    "wire": "https://www.reuters.com/world/middle-east/russia-offers-mediate-2025-06-16/",
    "opinion": "https://www.dailycourier.example.net/opinion/2024/11/05/limits-of-friendship",
    "liveblog": "https://live.wst.example.org/2025/06/16/iran-israel-day-four",
}
UNDATED = b"""<html><head><title>Talks in Ankara</title></head><body><article>
<h1>Talks in Ankara</h1>
<p>Turkey and Azerbaijan signed a defence cooperation agreement in Ankara on Tuesday, the two governments said in a joint statement.</p>
<p>Officials said the agreement deepens military ties and provides for joint exercises and training, though it contains no mutual defence clause.</p>
</article></body></html>"""
FRONT = b"<html><body><nav><a href='/a'>World</a> <a href='/b'>Sport</a> <a href='/c'>Business</a></nav></body></html>"


def response(writer, url, status, headers, body, date):
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        url, "request", payload=io.BytesIO(f"GET {url} HTTP/1.1\r\nHost: x\r\n\r\n".encode()),
        warc_headers_dict={"WARC-Date": date}))
    writer.write_record(writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=http,
        warc_headers_dict={"WARC-Date": date}))


with open(out, "wb") as f:
    writer = WARCWriter(f, gzip=out.suffix == ".gz")
    writer.write_record(writer.create_warcinfo_record(out.name, {"software": "warcio", "format": "WARC File Format 1.0"}))
    for name, url in URLS.items():
        html = (pages / f"{name}.html").read_bytes()
        response(writer, url, "200 OK", [("Content-Type", "text/html; charset=utf-8")], html, "2025-07-01T08:00:00Z")
    response(writer, "https://news.example.org/ankara-talks", "200 OK", [("Content-Type", "text/html")], UNDATED, "2025-03-04T09:30:00Z")
    response(writer, "https://news.example.org/report.pdf", "200 OK", [("Content-Type", "application/pdf")], b"%PDF-1.4\n% Russia condemned Iran\n", "2025-07-01T08:00:00Z")
    response(writer, "http://news.example.org/old", "301 Moved Permanently", [("Location", "https://news.example.org/new"), ("Content-Type", "text/html")], b"<html><body>Moved</body></html>", "2025-07-01T08:00:00Z")
    response(writer, "https://news.example.org/", "200 OK", [("Content-Type", "text/html")], FRONT, "2025-07-01T08:00:00Z")
