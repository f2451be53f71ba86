#!/usr/bin/env python3
"""Wraps the bench corpus (JSON Lines) in web-page templates and writes them as a WARC
archive with warcio, gzip per record as CC-NEWS ships it, until MB megabytes of HTML are
written: four layouts (newspaper, wire, opinion, liveblog) with navigation, cookie banners,
"most read" and "related" lists, comments and credits around the article; every 50th page
is followed by a PDF and a redirect, which the reader must skip.

    make_warc.py CORPUS.jsonl OUT.warc.gz MB
"""
import html
import io
import json
import sys

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

corpus, out, mb = sys.argv[1], sys.argv[2], float(sys.argv[3])

SIDEBAR = """<aside class="sidebar most-read"><h2>Most read</h2><ol>
<li><a href="/a">China threatens Japan over disputed islands</a></li>
<li><a href="/b">Turkey and Greece sign defence pact</a></li>
<li><a href="/c">India accuses Pakistan of border attack</a></li></ol></aside>
<section class="related-articles"><h2>Related</h2><ul><li><a href="/d">Brazil and Argentina agree trade deal</a></li>
<li><a href="/e">Canada condemns Chinese sanctions</a></li></ul></section>"""
NAV = """<header class="site-header"><nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/business">Business</a></li><li><a href="/opinion">Opinion</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>"""
COOKIE = """<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. Accept all cookies? <button>Accept</button></div>"""
FOOTER = """<footer class="site-footer"><p>&copy; 2025 The Outlet. All rights reserved.</p><p><a href="/privacy">Privacy</a> &middot; <a href="/terms">Terms</a></p></footer>"""


def paragraphs(text):
    return "\n".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n") if p.strip())


def page(i, doc):
    title = html.escape(doc.get("title") or doc["text"][:60])
    day = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"
    url = f"https://news{i % 7}.example.org/world/{day.replace('-', '/')}/{doc['id']}"
    body = paragraphs(doc["text"])
    kind = i % 4
    if kind == 0:
        head = f"""<title>{title} | The Evening Ledger</title><link rel="canonical" href="{url}">
<meta property="og:site_name" content="The Evening Ledger"><meta property="article:published_time" content="{day}T10:00:00Z">"""
        main = f"""{COOKIE}{NAV}<main><article class="story"><h1>{title}</h1><p class="byline">By A. Reporter</p>
<figure><img src="/img/x.jpg" alt=""><figcaption>The scene on Monday. Photo: Getty Images</figcaption></figure>{body}</article>{SIDEBAR}</main>{FOOTER}"""
    elif kind == 1:
        head = f"""<title>{title} | Reuters</title><script type="application/ld+json">{{"@context": "http://schema.org", "@type": "NewsArticle",
"headline": "{title}", "datePublished": "{day}T09:12:00Z", "url": "{url}", "publisher": {{"@type": "NewsMediaOrganization", "name": "Reuters"}}}}</script>"""
        main = f"""{NAV}<main><div class="article-header"><h1>{title}</h1></div><div class="article-body">{body}
<div class="newsletter-signup"><p>Sign up here for our daily briefing.</p></div>
<p class="sign-off">Reporting by Reuters; Editing by Andrew Osborn</p></div>{SIDEBAR}</main>{FOOTER}"""
    elif kind == 2:
        # No date in the page: the record's WARC-Date is the document's.
        head = f"""<title>Opinion: {title}</title><link rel="canonical" href="{url}"><meta property="og:type" content="article">"""
        main = f"""{NAV}<div class="layout"><article class="column"><h1>{title}</h1><div class="share"><a href="#">Share on X</a></div>
<div class="column-body">{body}</div><p class="disclaimer"><em>The views expressed in this column are the author's own.</em></p></article>
<aside class="rail">{SIDEBAR}</aside></div><section id="comments" class="comments"><h2>Comments (2)</h2>
<div class="comment"><p>China will attack Taiwan before any of this matters.</p></div>
<div class="comment"><p>Turkey condemned Armenia again yesterday.</p></div></section>{FOOTER}"""
    else:
        head = f"""<title>Live: {title}</title><meta property="og:site_name" content="World Service Today"><meta property="og:url" content="{url}">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "{title}", "datePublished": "{day}T05:00:00Z"}}</script>"""
        entries = "\n".join(f"""<div class="live-entry"><time>{10 + k % 12}:{k % 60:02d} GMT</time><p>{html.escape(p.strip())}</p></div>"""
                            for k, p in enumerate(x for x in doc["text"].split("\n") if x.strip()))
        main = f"""{NAV}<main><h1>Live: {title}</h1><div class="live-feed">{entries}</div></main>
<aside class="other-live"><h2>Other live coverage</h2><ul><li><a href="/l1">Live: Ukraine accuses Belarus of massing troops</a></li></ul></aside>{FOOTER}"""
    return url, f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">{head}</head><body>{main}</body></html>".encode()


def response(writer, url, status, ctype, body, date):
    http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                                  warc_headers_dict={"WARC-Date": date}))


written = pages = 0
with open(corpus) as src, open(out, "wb") as f:
    writer = WARCWriter(f, gzip=out.endswith(".gz"))
    for i, line in enumerate(src):
        if written >= mb * 1e6:
            break
        doc = json.loads(line)
        url, body = page(i, doc)
        response(writer, url, "200 OK", "text/html; charset=utf-8", body, "2025-07-01T08:00:00Z")
        written += len(body)
        pages += 1
        if i % 50 == 49:
            response(writer, url + ".pdf", "200 OK", "application/pdf", b"%PDF-1.4\n%" + b"x" * 2000, "2025-07-01T08:00:00Z")
            response(writer, url.replace("https", "http"), "301 Moved Permanently", "text/html", b"<html><body>Moved</body></html>", "2025-07-01T08:00:00Z")
print(json.dumps({"pages": pages, "html_bytes": written}))
