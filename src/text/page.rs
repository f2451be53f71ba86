//! Web pages and feeds as documents: an article's main text and its metadata.
//!
//! A page read from a file or a WARC record is a [`Page`] until a worker thread turns it into a
//! [`Document`] ([`Page::document`]): the extraction is most of the cost of reading a web
//! archive, so it runs in the analysis's parallel batches, not on the thread that reads.

use std::path::Path;

use super::{Document, Meta, meta_from_text};
use crate::date::Date;

/// A web page not yet read: its HTML and what is known of it from outside (the file, or the
/// WARC record's id, URL and date).
#[derive(Debug, Clone)]
pub struct Page {
    /// The page's bytes, as fetched (decoded by [`decode`] when read).
    pub html: Vec<u8>,
    /// The document id: the file's stem, or the WARC record's id.
    pub id: String,
    /// Where it was read from: the file, or `archive.warc.gz@offset`.
    pub path: String,
    /// The URL it was fetched from (a WARC record's `WARC-Target-URI`), used when the page
    /// names no canonical URL.
    pub url: Option<String>,
    /// The day it was fetched (`WARC-Date`), used when the page gives no publication date.
    pub fetched: Option<Date>,
    /// The charset the HTTP response declared (`Content-Type: text/html; charset=...`), which
    /// comes before the page's own `<meta charset>`.
    pub charset: Option<String>,
}

impl Page {
    /// The page as a document, or why it is none: no article text, or elements nested deeper
    /// than [`MAX_DEPTH`].
    pub fn document(&self) -> std::result::Result<Document, &'static str> {
        if too_deep(&self.html) {
            return Err("elements nested more than 1,000 deep (not read: the HTML parser takes time in the square of the depth)");
        }
        let article = article(&decode(&self.html, self.charset.as_deref())).ok_or("no article text found in the page")?;
        let url = article.url.or_else(|| self.url.clone());
        let outlet = article.outlet.or_else(|| url.as_deref().and_then(host));
        let mut meta = Meta { title: article.title, outlet, url, published: article.published, ..Default::default() };
        meta_from_text(&article.text, &mut meta);
        meta.published = meta.published.or(self.fetched);
        Ok(Document { id: self.id.clone(), path: self.path.clone(), text: article.text, meta })
    }

    /// A page read from a file: its id is the file's stem.
    pub fn from_file(html: Vec<u8>, path: &Path) -> Page {
        let id = path.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Page { html, id, path: path.display().to_string(), url: None, fetched: None, charset: None }
    }
}

/// A page's bytes as text, by the charset a byte-order mark, the HTTP response (`declared`)
/// or the page's `<meta>` (in its first 1,024 bytes) names, else UTF-8; the `encoding_rs`
/// crate decodes, by the labels browsers accept (`latin1` is windows-1252). Bytes invalid in
/// the charset become U+FFFD.
pub fn decode<'a>(html: &'a [u8], declared: Option<&str>) -> std::borrow::Cow<'a, str> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(html) {
        return encoding.decode_without_bom_handling(&html[bom..]).0;
    }
    // A label no browser knows is passed over, for the next place that names one.
    let known = |label: &str| encoding_rs::Encoding::for_label(label.trim().as_bytes());
    let encoding = declared.and_then(known).or_else(|| meta_charset(&html[..html.len().min(1024)]).as_deref().and_then(known)).unwrap_or(encoding_rs::UTF_8);
    encoding.decode_without_bom_handling(html).0
}

/// The label of `<meta charset="...">` or `<meta http-equiv="Content-Type" content="...;
/// charset=...">` in the head of a page.
fn meta_charset(head: &[u8]) -> Option<String> {
    let lower = head.to_ascii_lowercase();
    let at = memchr::memmem::find(&lower, b"charset=")? + b"charset=".len();
    let label: String = lower[at..]
        .iter()
        .skip_while(|b| matches!(b, b'"' | b'\'' | b' '))
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
        .map(|&b| b as char)
        .collect();
    Some(label).filter(|l| !l.is_empty())
}

/// Pages whose elements nest deeper than this are not read. The HTML parser's tree builder
/// (html5ever, as the HTML standard specifies it) scans the stack of open elements for each
/// tag, so its time grows with the square of the depth: 20,000 nested `<div>`s took 1.2 s and
/// 200,000 took 112 s, where real pages nest a few dozen deep.
pub const MAX_DEPTH: usize = 1_000;

/// Elements that never hold others (no end tag), or that the parser closes by itself.
const NOT_NESTING: [&[u8]; 19] = [
    b"br", b"img", b"meta", b"link", b"input", b"hr", b"wbr", b"source", b"area", b"base", b"col", b"embed", b"param", b"track", b"p", b"li", b"td", b"tr",
    b"option",
];

/// Whether the page's open elements may nest deeper than [`MAX_DEPTH`]: start tags minus end
/// tags, in one pass over the bytes (comments and `<!DOCTYPE>` aside; `<` in scripts counts,
/// which only errs towards depth being overestimated by a little).
fn too_deep(html: &[u8]) -> bool {
    let mut depth = 0usize;
    for i in memchr::memchr_iter(b'<', html) {
        let rest = &html[i + 1..];
        let (closing, rest) = match rest.strip_prefix(b"/") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let len = rest.iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        if len == 0 || !rest[0].is_ascii_alphabetic() {
            continue;
        }
        let name = &rest[..len];
        if NOT_NESTING.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            if depth > MAX_DEPTH {
                return true;
            }
        }
    }
    false
}

/// What a web page says: its article's text and metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Article {
    /// The main text, paragraphs separated by blank lines.
    pub text: String,
    /// The headline (JSON-LD, OpenGraph, else `<title>`).
    pub title: Option<String>,
    /// The outlet: the publisher or site name the page gives.
    pub outlet: Option<String>,
    /// The canonical URL (JSON-LD `url`, else `<link rel="canonical">`, else `og:url`).
    pub url: Option<String>,
    /// The publication day (JSON-LD `datePublished`, `article:published_time`, ...).
    pub published: Option<Date>,
}

/// Page parts that describe pictures, repeat the story or ask for something: Readability keeps
/// captions, credits, pull quotes (a sentence of the text again) and sign-up boxes inside the
/// article body. Not every `aria-hidden` element: a page saved with a dialog open hides its
/// whole `<main>` so.
const NOT_STORY: &str = "figcaption, .caption, .credit, .photo-credit, .image-credit, .newsletter-signup, .newsletter, .pull-quote, .pullquote, \
     blockquote[aria-hidden=\"true\"], aside[aria-hidden=\"true\"]";

/// The article of a web page, found by `dom_smoothie` (a port of Mozilla's Readability:
/// navigation, "related" and "most read" lists, banners and comments scored out), with
/// paragraph breaks, and its metadata from JSON-LD, OpenGraph and `<meta>` tags. `None` when
/// Readability finds no article in the page (a front page of links, an error page).
///
/// ```
/// let html = "<html><head><meta property='og:site_name' content='The Ledger'></head><body>\
///     <nav><a href='/'>Home</a></nav><article><h1>Talks</h1>\
///     <p>Russia and Iran signed a strategic partnership treaty in Moscow on Friday, the two governments said.</p>\
///     <p>The treaty covers trade, energy and security, but it does not oblige either side to defend the other.</p>\
///     <p>Officials from both countries said the agreement would deepen ties that have grown since 2022.</p>\
///     </article></body></html>";
/// let a = newsgraph::text::article(html).unwrap();
/// assert!(a.text.contains("Russia and Iran signed a strategic partnership treaty"));
/// assert!(!a.text.contains("Home"));
/// assert_eq!(a.outlet.as_deref(), Some("The Ledger"));
/// ```
pub fn article(html: &str) -> Option<Article> {
    // Readability's gate ("is there an article?") counts paragraphs over 140 characters, as a
    // browser's reader button should; a news brief or a liveblog of short entries is an
    // article here, so a paragraph counts from 60 characters (a sentence). A page of links,
    // or one line of an error page, still has none.
    let cfg =
        dom_smoothie::Config { text_mode: dom_smoothie::TextMode::Formatted, readable_min_content_length: 60, readable_min_score: 20.0, ..Default::default() };
    let page = dom_query::Document::from(html);
    page.select(NOT_STORY).remove();
    // Readability reads no hidden element; a page saved while a dialog was open hides the
    // story so (`<main aria-hidden="true">`), and the dialog would be read instead.
    page.select("main[aria-hidden], article[aria-hidden], [aria-hidden]:has(main, article)").remove_attr("aria-hidden");
    let canonical = {
        let link = page.select(r#"link[rel="canonical"]"#);
        link.attr("href").map(|h| h.to_string()).filter(|h| h.starts_with("http")).or_else(|| {
            let og = page.select(r#"meta[property="og:url"]"#);
            og.attr("content").map(|h| h.to_string()).filter(|h| h.starts_with("http"))
        })
    };
    let more = page_meta(&page);
    let mut reader = dom_smoothie::Readability::with_document(page, None, Some(cfg)).ok()?;
    // Readability's own test of whether a page has an article (a front page of links has
    // none, and its parse would give the links' words).
    if !reader.is_probably_readable() {
        return None;
    }
    let json_ld = reader.parse_json_ld();
    let parsed = reader.parse().ok()?;
    let text = parsed.text_content.trim().to_string();
    if text.is_empty() {
        return None;
    }
    let url = json_ld.as_ref().and_then(|m| m.url.clone()).or(more.url).filter(|u| u.starts_with("http")).or(canonical);
    let outlet = parsed.site_name.clone().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).or(more.publisher);
    let published = parsed.published_time.as_deref().and_then(day).or(more.published);
    let title = more.headline.or_else(|| Some(parsed.title.trim().to_string())).filter(|t| !t.is_empty());
    Some(Article { text, title, outlet, url, published })
}

/// The day of an ISO 8601 date or time ("2025-06-22", "2025-06-22T14:46:34+02:00").
fn day(t: &str) -> Option<Date> {
    t.trim().get(..10)?.parse().ok()
}

/// What a page says of itself beyond what Readability reads: JSON-LD inside `@graph` lists
/// (as WordPress and most publishing systems write it) and arrays, and the publication-date
/// tags of other conventions.
#[derive(Debug, Default)]
struct PageMeta {
    headline: Option<String>,
    published: Option<Date>,
    publisher: Option<String>,
    url: Option<String>,
}

/// JSON-LD types that describe the article itself, before any other; a `WebPage` is used when
/// no such object is there.
const ARTICLE_TYPES: [&str; 9] = [
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "LiveBlogPosting",
    "Article",
    "BlogPosting",
    "Report",
];

/// Where pages put their publication time, in order of trust: `<meta>` tags (their
/// `content`) and `<time>` elements (their `datetime`).
const DATE_TAGS: [&str; 14] = [
    r#"meta[property="article:published_time" i]"#,
    r#"meta[itemprop="datePublished" i]"#,
    r#"meta[name="pubdate" i]"#,
    r#"meta[name="publishdate" i]"#,
    r#"meta[name="publish-date" i]"#,
    r#"meta[name="parsely-pub-date" i]"#,
    r#"meta[name="sailthru.date" i]"#,
    r#"meta[name="dc.date.issued" i]"#,
    r#"meta[name="dc.date" i]"#,
    r#"meta[name="dcterms.created" i]"#,
    r#"meta[name="date" i]"#,
    r#"meta[property="og:published_time" i]"#,
    r#"time[itemprop="datePublished" i], time[pubdate]"#,
    "article time[datetime]",
];

fn page_meta(page: &dom_query::Document) -> PageMeta {
    let mut meta = PageMeta::default();
    if let Some(article) = json_ld_article(page) {
        let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        meta.headline = text(article.get("headline"));
        meta.published = text(article.get("datePublished")).as_deref().and_then(day);
        let publisher = article.get("publisher").map(|p| match p {
            serde_json::Value::Array(list) => list.first().cloned().unwrap_or_default(),
            other => other.clone(),
        });
        meta.publisher = publisher.as_ref().and_then(|p| text(p.get("name")).or_else(|| text(Some(p))));
        meta.url = text(article.get("url")).or_else(|| {
            let main = article.get("mainEntityOfPage");
            text(main).or_else(|| text(main.and_then(|m| m.get("@id"))))
        });
    }
    if meta.published.is_none() {
        meta.published = DATE_TAGS.iter().find_map(|sel| {
            let found = page.select(sel);
            found.attr("content").or_else(|| found.attr("datetime")).and_then(|t| day(&t))
        });
    }
    meta
}

/// The JSON-LD object that describes the article: the first of an article type in any
/// `<script type="application/ld+json">`, looking inside arrays and `@graph` lists, else
/// the first `WebPage`.
fn json_ld_article(page: &dom_query::Document) -> Option<serde_json::Value> {
    let is_type = |v: &serde_json::Value, types: &[&str]| match v.get("@type") {
        Some(serde_json::Value::String(t)) => types.contains(&t.as_str()),
        Some(serde_json::Value::Array(ts)) => ts.iter().any(|t| t.as_str().is_some_and(|t| types.contains(&t))),
        _ => false,
    };
    let mut objects = Vec::new();
    for script in page.select(r#"script[type="application/ld+json" i]"#).iter() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(script.text().trim()) else {
            continue;
        };
        let mut stack = vec![value];
        while let Some(v) = stack.pop() {
            match v {
                serde_json::Value::Array(items) => stack.extend(items.into_iter().rev()),
                serde_json::Value::Object(mut o) => {
                    if let Some(graph) = o.remove("@graph") {
                        stack.push(graph);
                    }
                    objects.push(serde_json::Value::Object(o));
                }
                _ => {}
            }
        }
    }
    let article = objects.iter().position(|o| is_type(o, &ARTICLE_TYPES)).or_else(|| objects.iter().position(|o| is_type(o, &["WebPage"])))?;
    Some(objects.swap_remove(article))
}

/// A URL's host without `www.`: the outlet when a page names none.
fn host(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?.split(':').next()?;
    Some(host.trim_start_matches("www.").to_string()).filter(|h| !h.is_empty())
}

/// The text of an HTML fragment (a feed item's content): words and paragraph breaks, no
/// markup, no link footnotes; the `html2text` crate renders it.
fn html_text(html: &str) -> String {
    html2text::config::plain_no_decorate().string_from_read(html.as_bytes(), 1 << 20).unwrap_or_else(|_| html.to_string())
}

/// The documents of an RSS or Atom feed (the `feed-rs` crate parses it): one per item, its
/// full content when the feed has it, else its summary, as text; the item's link, date and
/// title, and the feed's title as the outlet. An item's id is its feed id, else its link.
/// `Err` says why the bytes are not a feed.
pub fn feed_documents(bytes: &[u8], path: &Path) -> std::result::Result<Vec<Document>, String> {
    let feed = feed_rs::parser::parse(bytes).map_err(|e| e.to_string())?;
    let outlet = feed.title.as_ref().map(|t| t.content.trim().to_string()).filter(|t| !t.is_empty());
    let mut docs = Vec::new();
    for (i, entry) in feed.entries.into_iter().enumerate() {
        let body = entry.content.as_ref().and_then(|c| c.body.clone()).or_else(|| entry.summary.as_ref().map(|s| s.content.clone())).unwrap_or_default();
        // An item nested too deep to parse in time is left out, as an empty one is.
        let text = if too_deep(body.as_bytes()) { String::new() } else { html_text(&body).trim().to_string() };
        if text.is_empty() {
            continue;
        }
        let url = entry.links.first().map(|l| l.href.clone());
        let id = Some(entry.id.trim().to_string()).filter(|s| !s.is_empty()).or_else(|| url.clone()).unwrap_or_else(|| format!("{}#{}", path.display(), i + 1));
        let published = entry.published.or(entry.updated).and_then(|d| d.date_naive().to_string().parse().ok());
        let title = entry.title.as_ref().map(|t| html_text(&t.content).trim().to_string()).filter(|t| !t.is_empty());
        let mut meta = Meta { title, outlet: outlet.clone(), url, published, ..Default::default() };
        meta_from_text(&text, &mut meta);
        docs.push(Document { id, path: format!("{}: item {}", path.display(), i + 1), text, meta });
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pages in other charsets than UTF-8 are decoded by what the HTTP response or the page
    /// says.
    #[test]
    fn charsets() {
        let latin1 = |head: &str| {
            let mut b = format!("<html><head>{head}</head><body><p>").into_bytes();
            b.extend_from_slice(b"S\xe3o Paulo, Bras\xedlia e Moscou</p></body></html>");
            b
        };
        for (bytes, declared, want) in [
            (latin1("<meta charset=\"iso-8859-1\">"), None, "São Paulo, Brasília"),
            (latin1("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">"), None, "São Paulo, Brasília"),
            (latin1("<meta charset='latin1'>"), None, "São Paulo, Brasília"),
            (latin1(""), Some("ISO-8859-1"), "São Paulo, Brasília"),
            // The HTTP header comes first.
            (latin1("<meta charset=\"utf-8\">"), Some("windows-1252"), "São Paulo, Brasília"),
            (latin1(""), None, "S\u{fffd}o Paulo"),
            ("<meta charset=utf-8><p>Москва</p>".as_bytes().to_vec(), None, "Москва"),
            (b"\xef\xbb\xbf<p>Caf\xc3\xa9</p>".to_vec(), Some("windows-1252"), "<p>Café"),
            (latin1("<meta charset=\"no-such-charset\">"), None, "S\u{fffd}o Paulo"),
            (latin1("<meta charset=\"iso-8859-1\">"), Some("none"), "São Paulo, Brasília"),
        ] {
            let text = decode(&bytes, declared);
            assert!(text.contains(want), "{declared:?}: {text}");
        }
    }

    /// Dates, headlines, publishers and URLs where pages put them beyond what Readability
    /// reads: JSON-LD in `@graph` lists and arrays, and the date tags of other conventions.
    #[test]
    fn metadata_conventions() {
        let body = "<body><article><h1>Head</h1><p>Russia condemned the US strikes on Iran on Sunday, calling them a flagrant violation of international law.</p>\
            <p>The Kremlin said it would consult closely with Tehran in the coming days, and a spokesman added that Moscow remained ready to mediate.</p>\
            <p>Iranian Foreign Minister Abbas Araghchi said he would travel to Moscow on Monday to meet President Vladimir Putin.</p>";
        let ld = |json: &str| format!("<script type=\"application/ld+json\">{json}</script>");
        for (head, extra, published, outlet, title) in [
            (
                ld(
                    r##"{"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "Site"}, {"@type": "WebPage", "datePublished": "2025-01-01"}, {"@type": ["NewsArticle"], "headline": "Graph headline", "datePublished": "2025-03-01T10:00:00+00:00", "publisher": {"@id": "#org", "name": "Graph Times"}, "mainEntityOfPage": {"@id": "https://g.example/a"}}]}"##,
                ),
                "",
                Some("2025-03-01"),
                Some("Graph Times"),
                Some("Graph headline"),
            ),
            (ld(r#"{"@type": "WebPage", "datePublished": "2025-01-02", "headline": "Page"}"#), "", Some("2025-01-02"), None, Some("Page")),
            ("<meta name=\"pubdate\" content=\"2025-03-03T08:00:00Z\">".into(), "", Some("2025-03-03"), None, Some("T")),
            ("<meta itemprop=\"datePublished\" content=\"2025-03-04\">".into(), "", Some("2025-03-04"), None, Some("T")),
            ("<meta name=\"DC.date\" content=\"2025-03-07\">".into(), "", Some("2025-03-07"), None, Some("T")),
            (String::new(), "<time datetime=\"2025-03-06T08:00:00Z\">March 6</time>", Some("2025-03-06"), None, Some("T")),
            (ld("{not json"), "", None, None, Some("T")),
            (String::new(), "", None, None, Some("T")),
        ] {
            let html = format!(
                "<html><head><title>T</title>{head}</head>{}</article></body></html>",
                body.replacen("<h1>Head</h1>", &format!("<h1>Head</h1>{extra}"), 1)
            );
            let a = article(&html).expect("an article");
            assert_eq!((a.published.map(|d| d.to_string()).as_deref(), a.outlet.as_deref(), a.title.as_deref()), (published, outlet, title), "{head} {extra}");
        }
    }

    /// A page saved while a dialog was open (its story hidden from screen readers) is read
    /// for its story, not for the dialog; a pull quote is not read twice.
    #[test]
    fn hidden_stories_and_pull_quotes() {
        let story = "<p>Russia condemned the US strikes on Iran on Sunday, calling them a flagrant violation of international law.</p>\
            <blockquote class=\"pull-quote\">Moscow remained ready to mediate.</blockquote>\
            <p>The Kremlin said it would consult closely with Tehran, and a spokesman added that Moscow remained ready to mediate.</p>\
            <p>Iranian Foreign Minister Abbas Araghchi said he would travel to Moscow on Monday to meet President Vladimir Putin.</p>";
        for html in [
            format!("<body><div role=\"dialog\">Subscribe to keep reading</div><main aria-hidden=\"true\"><article>{story}</article></main></body>"),
            format!("<body><div role=\"dialog\">Subscribe to keep reading</div><div id=\"app\" aria-hidden=\"true\"><article>{story}</article></div></body>"),
        ] {
            let a = article(&html).expect("an article");
            assert!(a.text.contains("Russia condemned") && !a.text.contains("Subscribe"), "{}", a.text);
            assert_eq!(a.text.matches("ready to mediate").count(), 1, "{}", a.text);
        }
    }

    #[test]
    fn nesting_depth() {
        let nested = |n: usize| format!("<html><body>{}<p>x</p>{}</body></html>", "<div>".repeat(n), "</div>".repeat(n));
        for (html, deep) in [
            (nested(10), false),
            (nested(MAX_DEPTH - 2), false),
            (nested(MAX_DEPTH + 1), true),
            // Siblings, void elements and paragraphs left open do not add up.
            ("<div></div>".repeat(5000), false),
            ("<p>a<br><img src=x>".repeat(5000), false),
            (format!("<!DOCTYPE html><!-- {} -->", "<".repeat(5000)), false),
            ("<SPAN>".repeat(MAX_DEPTH + 1), true),
        ] {
            assert_eq!(too_deep(html.as_bytes()), deep, "{}", &html[..html.len().min(60)]);
        }
    }

    #[test]
    fn hosts_of_urls() {
        for (url, want) in [
            ("https://www.reuters.com/world/x", Some("reuters.com")),
            ("http://news.example.org:8080/a?b", Some("news.example.org")),
            ("https://user@host.example/", Some("host.example")),
            ("https://example.com", Some("example.com")),
            ("not a url", None),
            ("https:///path", None),
        ] {
            assert_eq!(host(url).as_deref(), want, "{url}");
        }
    }
}
