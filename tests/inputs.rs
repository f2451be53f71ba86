//! Input formats: JSON arrays and records, news-please articles, `.ndjson`, and standard input
//! told apart by its first character.

use serde_json::Value;

use crate::common::*;

fn graph_of(dir: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("graph.json")).unwrap()).unwrap()
}

fn ids(g: &Value) -> Vec<String> {
    g["documents"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_string()).collect()
}

/// Each format gives the same documents, metadata and claims as the JSON Lines the project
/// started with.
#[test]
fn json_arrays_ndjson_and_news_please_files_are_documents() {
    let dir = tempdir();
    let d = dir.path();
    let a = serde_json::json!({"id": "a1", "text": "Russia condemned the US strikes on Iran.", "outlet": "Wire", "published": "2025-06-22"});
    let b = serde_json::json!({"id": "b2", "text": "China and Russia signed a strategic partnership treaty.", "title": "Treaty"});
    std::fs::write(d.join("two.json"), serde_json::to_string_pretty(&serde_json::json!([a, b])).unwrap()).unwrap();
    std::fs::write(d.join("two.ndjson"), format!("{a}\n{b}\n")).unwrap();
    // news-please's per-article JSON (its field names).
    let np = serde_json::json!({
        "authors": ["A. Reporter"], "date_download": "2025-06-23 08:00:00", "date_modify": null,
        "date_publish": "2025-06-22 14:46:34", "description": "Moscow reacts.", "filename": "https%3A%2F%2Fexample.org%2Fa.json",
        "image_url": null, "language": "en", "localpath": null, "source_domain": "example.org",
        "maintext": "Russia condemned the US strikes on Iran, calling them a violation of international law.",
        "title": "Moscow condemns strikes", "title_page": null, "title_rss": null, "url": "https://example.org/a"
    });
    let folder = d.join("np");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("example_org_a.json"), np.to_string()).unwrap();
    for (input, want) in [("two.json", vec!["a1", "b2"]), ("two.ndjson", vec!["a1", "b2"]), ("np", vec!["example_org_a"])] {
        let out = d.join(format!("out-{input}"));
        let o = run(&["build", d.join(input).to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json"], "");
        assert!(o.status.success(), "{input}: {}", stderr(&o));
        let g = graph_of(&out);
        assert_eq!(ids(&g), want, "{input}");
        assert!(!g["claims"].as_array().unwrap().is_empty(), "{input}");
    }
    let g = graph_of(&d.join("out-np"));
    let doc = &g["documents"][0];
    assert_eq!(
        (doc["outlet"].as_str(), doc["published"].as_str(), doc["title"].as_str()),
        (Some("example.org"), Some("2025-06-22"), Some("Moscow condemns strikes"))
    );
    assert_eq!(doc["url"], "https://example.org/a");
    // A broken item is named by its place in the array.
    std::fs::write(d.join("bad.json"), r#"[{"id": "x", "text": "Russia."}, {"id": "y"}]"#).unwrap();
    let o = run(&["build", d.join("bad.json").to_str().unwrap(), "-o", d.join("bad").to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.json: item 2") && stderr(&o).contains("no \"text\""), "{}", stderr(&o));
}

/// `cat corpus.jsonl | newsgraph build -` is the corpus, not one document called "stdin"; a
/// JSON array on standard input too; `--input-format text` reads it as one text.
#[test]
fn standard_input_is_read_by_its_first_character() {
    let dir = tempdir();
    let d = dir.path();
    let lines = "{\"id\": \"a1\", \"text\": \"Russia condemned the US strikes on Iran.\"}\n{\"id\": \"b2\", \"text\": \"China and Russia signed a treaty.\"}\n";
    let array = format!("[{}]", lines.trim().replace('\n', ","));
    for (stdin, extra, want) in [
        (lines.to_string(), vec![], vec!["a1", "b2"]),
        (format!("\u{feff}  {lines}"), vec![], vec!["a1", "b2"]),
        (array.clone(), vec![], vec!["a1", "b2"]),
        (lines.to_string(), vec!["--input-format", "text"], vec!["stdin"]),
        ("Russia condemned the strikes on Iran.\n".to_string(), vec![], vec!["stdin"]),
    ] {
        let out = d.join("out");
        let mut args = vec!["build", "-", "-o", out.to_str().unwrap(), "--format", "json"];
        args.extend(extra.iter().copied());
        let o = run(&args, &stdin);
        assert!(o.status.success(), "{stdin:?}: {}", stderr(&o));
        assert_eq!(ids(&graph_of(&out)), want, "{stdin:?} {extra:?}");
    }
}

/// A dateline gives the provider (a source, not an actor), the place, and the date when the
/// metadata has none: the year from the URL, or from the file.
#[cfg(unix)]
#[test]
fn datelines_give_provider_place_and_date() {
    let dir = tempdir();
    let d = dir.path();
    let rec = serde_json::json!({"id": "w1", "url": "https://www.reuters.com/world/2025/06/22/story",
        "text": "MOSCOW, June 22 (Reuters) - Russia condemned the US strikes on Iran on Sunday."});
    std::fs::write(d.join("wire.jsonl"), format!("{rec}\n")).unwrap();
    let text = d.join("ap.txt");
    std::fs::write(&text, "WASHINGTON, March 3 (AP) — The United States imposed sanctions on Iran.\n").unwrap();
    let o = std::process::Command::new("touch").args(["-d", "2024-05-01 12:00:00"]).arg(&text).status();
    assert!(o.is_ok_and(|s| s.success()));
    let undated = d.join("plain.txt");
    std::fs::write(&undated, "Russia condemned the US strikes on Iran - officials said.\n").unwrap();
    let out = d.join("out");
    let o = run(
        &["build", d.join("wire.jsonl").to_str().unwrap(), text.to_str().unwrap(), undated.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json"],
        "",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let g = graph_of(&out);
    let doc = |id: &str| g["documents"].as_array().unwrap().iter().find(|x| x["id"] == id).unwrap().clone();
    let w = doc("w1");
    assert_eq!((w["published"].as_str(), w["provider"].as_str(), w["place"].as_str()), (Some("2025-06-22"), Some("Reuters"), Some("MOSCOW")));
    let a = doc("ap");
    assert_eq!((a["published"].as_str(), a["provider"].as_str(), a["place"].as_str()), (Some("2024-03-03"), Some("AP"), Some("WASHINGTON")));
    let p = doc("plain");
    assert!(p["published"].is_null() && p.get("provider").is_none(), "{p}");
    // The agency is never a party to a claim.
    for c in g["claims"].as_array().unwrap() {
        for side in ["subject", "object", "speaker"] {
            assert!(!["reuters", "associated-press", "ap"].contains(&c[side].as_str().unwrap_or("")), "{c}");
        }
    }
}

/// RSS and Atom feeds: one document per item with text (full content when there is some,
/// else the summary, as text without markup), its link, date and title, the feed's title as
/// the outlet; an item with no text is left out. A file that is not a feed is named in a
/// warning.
#[test]
fn rss_and_atom_items_are_documents() {
    let dir = tempdir();
    let out = dir.path().join("out");
    let feeds = root().join("tests/data/feeds");
    let o = run(&["build", feeds.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let g = graph_of(&out);
    let docs = g["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 3, "{docs:?}");
    let by_url = |u: &str| docs.iter().find(|d| d["url"] == u).unwrap_or_else(|| panic!("no {u} in {docs:?}")).clone();
    let rss = by_url("https://wire.example.org/world/2025/06/22/moscow-condemns");
    assert_eq!(
        (rss["outlet"].as_str(), rss["published"].as_str(), rss["title"].as_str()),
        (Some("Daily Wire World"), Some("2025-06-22"), Some("Moscow condemns strikes"))
    );
    let summary_only = by_url("https://wire.example.org/world/2025/06/23/talks");
    assert_eq!(summary_only["published"], "2025-06-23");
    let atom = by_url("https://ledger.example.com/2025/06/24/iran-moscow");
    assert_eq!((atom["outlet"].as_str(), atom["published"].as_str()), (Some("Evening Ledger"), Some("2025-06-24")));
    let claims = g["claims"].as_array().unwrap();
    let sentence_of = |rel: &str| claims.iter().find(|c| c["relation"] == rel).map(|c| c["sentence"].as_str().unwrap().to_string());
    // The content, not the summary, and no markup or link footnotes in the text.
    let condemned = sentence_of("disapproval").expect("the RSS item's claim");
    assert!(condemned.starts_with("Russia condemned the US strikes on Iran") && !condemned.contains('<'), "{condemned}");
    assert!(claims.iter().any(|c| c["relation"] == "friendship" && c["document"] == atom["id"]), "the Atom content's claim");
    assert!(claims.iter().all(|c| !c["sentence"].as_str().unwrap().contains("https://")), "no link footnotes");
    // An .xml file that is not a feed.
    std::fs::write(dir.path().join("sitemap.xml"), "<urlset><url><loc>https://x</loc></url></urlset>").unwrap();
    let o = run(&["build", dir.path().join("sitemap.xml").to_str().unwrap(), "-o", dir.path().join("o2").to_str().unwrap(), "--allow-empty"], "");
    assert!(stderr(&o).contains("sitemap.xml: not an RSS or Atom feed"), "{}", stderr(&o));
}

/// Saved web pages of four layouts (a newspaper page with nav, lists, banner and caption; a
/// wire story with dateline, newsletter box and credits; an opinion column with author box,
/// pull quote, disclaimer and comments; a liveblog of timed entries): the article's text
/// (word F1 >= 0.9 against the text marked by hand in `tests/data/pages/*.txt`), nothing from
/// the sidebars (no mention, no claim), the date, outlet, headline and URL from the metadata.
#[test]
fn web_pages_are_their_articles() {
    struct Case {
        page: &'static str,
        published: &'static str,
        outlet: &'static str,
        url: &'static str,
        title: &'static str,
        actors: &'static [&'static str],
        sidebar: &'static [&'static str],
    }
    let cases = [
        Case {
            page: "newspaper",
            published: "2025-06-22",
            outlet: "The Evening Ledger",
            url: "https://www.ledger.example.com/world/2025/06/22/moscow-condemns-strikes",
            title: "Moscow condemns strikes on Iran",
            actors: &["russia", "iran", "abbas-araghchi", "vladimir-putin"],
            sidebar: &["japan", "greece", "pakistan", "brazil", "argentina", "canada"],
        },
        // The outlet from JSON-LD's publisher; the dateline's agency is the provider.
        Case {
            page: "wire",
            published: "2025-06-16",
            outlet: "Reuters",
            url: "https://www.reuters.com/world/middle-east/russia-offers-mediate-2025-06-16/",
            title: "Russia offers to mediate between Iran and Israel",
            actors: &["russia", "iran", "israel", "dmitry-peskov", "vladimir-putin", "benjamin-netanyahu"],
            sidebar: &["north-korea", "saudi-arabia", "qatar", "syria", "venezuela", "colombia", "kenya", "ethiopia", "mexico"],
        },
        // No site name: the outlet is the canonical URL's host; the comments are not read.
        Case {
            page: "opinion",
            published: "2024-11-05",
            outlet: "dailycourier.example.net",
            url: "https://www.dailycourier.example.net/opinion/2024/11/05/limits-of-friendship",
            title: "The limits of a friendship without obligations",
            actors: &["russia", "iran", "israel"],
            sidebar: &["egypt", "ethiopia", "poland", "hungary", "taiwan", "turkey", "armenia"],
        },
        Case {
            page: "liveblog",
            published: "2025-06-16",
            outlet: "World Service Today",
            url: "https://live.wst.example.org/2025/06/16/iran-israel-day-four",
            title: "Live: Iran-Israel war, day four",
            actors: &["china", "russia", "iran", "israel", "vladimir-putin"],
            sidebar: &["ukraine", "belarus", "nigeria", "ghana"],
        },
    ];
    let dir = tempdir();
    for case in cases {
        let page = root().join(format!("tests/data/pages/{}.html", case.page));
        let out = dir.path().join(case.page);
        let o = run(&["build", page.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json,store"], "");
        assert!(o.status.success(), "{}: {}", case.page, stderr(&o));
        let g = graph_of(&out);
        let doc = &g["documents"][0];
        assert_eq!(doc["id"], case.page);
        assert_eq!(
            (doc["published"].as_str(), doc["outlet"].as_str(), doc["url"].as_str(), doc["title"].as_str()),
            (Some(case.published), Some(case.outlet), Some(case.url), Some(case.title)),
            "{}",
            case.page
        );
        let o = run(&["tag", page.to_str().unwrap()], "");
        let tags: Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
        let named: Vec<&str> = tags["mentions"].as_array().unwrap().iter().map(|m| m["entity"].as_str().unwrap()).collect();
        for want in case.actors {
            assert!(named.contains(want), "{}: {want} in {named:?}", case.page);
        }
        for sidebar in case.sidebar {
            assert!(!named.contains(sidebar), "{}: {sidebar} is from a sidebar: {named:?}", case.page);
        }
        let claims = g["claims"].as_array().unwrap();
        assert!(!claims.is_empty(), "{}", case.page);
        for c in claims {
            for side in ["subject", "object"] {
                assert!(!case.sidebar.contains(&c[side].as_str().unwrap()), "{}: a claim from a sidebar: {c}", case.page);
            }
            assert!(!c["sentence"].as_str().unwrap().contains('<'), "{c}");
        }
        // The text analysed (the store's sentences) against the text marked by hand.
        let db = rusqlite::Connection::open(out.join("newsgraph.db")).unwrap();
        let read: String = db.query_row("SELECT group_concat(text, ' ') FROM (SELECT text FROM sentences ORDER BY rowid)", [], |r| r.get(0)).unwrap();
        let marked = std::fs::read_to_string(page.with_extension("txt")).unwrap();
        let f1 = word_f1(&read, &marked);
        assert!(f1 >= 0.9, "{}: word F1 {f1:.3}: {read}", case.page);
        for furniture in ["Getty", "Home", "rights reserved", "cookies", "Subscribe", "Comments", "Share on", "Key events", "Reporting by"] {
            assert!(!read.contains(furniture), "{}: {furniture:?} read: {read}", case.page);
        }
    }
}

/// Word-level F1 of `got` against `want` (bags of lowercase words).
fn word_f1(got: &str, want: &str) -> f64 {
    let bag = |s: &str| {
        let mut m = std::collections::HashMap::<String, usize>::new();
        for w in s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            *m.entry(w.to_lowercase()).or_default() += 1;
        }
        m
    };
    let (g, w) = (bag(got), bag(want));
    let common: usize = g.iter().map(|(k, n)| (*n).min(w.get(k).copied().unwrap_or(0))).sum();
    let (p, r) = (common as f64 / g.values().sum::<usize>().max(1) as f64, common as f64 / w.values().sum::<usize>().max(1) as f64);
    if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
}

/// A page with no article (a front page of links, a page of nothing) and a feed cut short are
/// named in warnings and skipped; the run reads the rest.
#[test]
fn pages_without_articles_and_broken_feeds_are_named() {
    let dir = tempdir();
    let d = dir.path();
    std::fs::write(d.join("links.html"), "<html><body><nav><a href='/a'>World</a> <a href='/b'>Sport</a></nav></body></html>").unwrap();
    std::fs::write(d.join("blank.htm"), "").unwrap();
    std::fs::write(d.join("cut.rss"), "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>X</title><item><title>Russia").unwrap();
    std::fs::write(d.join("good.txt"), "Russia condemned the US strikes on Iran.\n").unwrap();
    let o = run(&["build", d.to_str().unwrap(), "-o", d.join("out").to_str().unwrap(), "--format", "json"], "");
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("links.html: no article text found in the page, skipped"), "{err}");
    assert!(err.contains("blank.htm"), "{err}");
    assert!(err.contains("cut.rss: not an RSS or Atom feed"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(graph_of(&d.join("out"))["documents"].as_array().unwrap().len(), 1);
}

/// A WARC archive written by Python's `warcio`, gzip per record and plain: its HTML responses
/// are the documents (URL, id, date from the page, else `WARC-Date`), requests, the PDF, the
/// redirect and the front page of links are skipped and counted; a member cut in the middle
/// is reported at its offset and the rest is read, or stops the run under `--strict`.
#[test]
fn warc_archives_from_warcio() {
    if !need_python("warcio", "warc_archives_from_warcio") {
        return;
    }
    let dir = tempdir();
    let d = dir.path();
    let pages = root().join("tests/data/pages");
    let mut graphs = Vec::new();
    for name in ["crawl.warc.gz", "crawl.warc"] {
        let warc = d.join(name);
        let o = std::process::Command::new("python3").arg(root().join("tests/consumers/make_warc.py")).arg(&warc).arg(&pages).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let out = d.join(format!("out-{name}"));
        let o = run(&["build", warc.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json"], "");
        let err = stderr(&o);
        assert!(o.status.success(), "{err}");
        assert!(
            err.contains("17 WARC records, 6 pages read; skipped 1 redirects, 8 request records, 1 responses of application/pdf, 1 warcinfo records"),
            "{err}"
        );
        assert!(err.contains("no article text found in the page"), "the front page of links: {err}");
        let g = graph_of(&out);
        let docs = g["documents"].as_array().unwrap();
        let by_url = |u: &str| docs.iter().find(|x| x["url"] == u).unwrap_or_else(|| panic!("{u} in {docs:?}")).clone();
        let wire = by_url("https://www.reuters.com/world/middle-east/russia-offers-mediate-2025-06-16/");
        assert_eq!((wire["published"].as_str(), wire["outlet"].as_str(), wire["provider"].as_str()), (Some("2025-06-16"), Some("Reuters"), Some("Reuters")));
        // The record id is the document id; the path says where in the archive it is.
        assert!(wire["id"].as_str().unwrap().len() == 36 && wire["path"].as_str().unwrap().contains(&format!("{name}@")), "{wire}");
        // A page without a date takes the record's.
        let undated = by_url("https://news.example.org/ankara-talks");
        assert_eq!((undated["published"].as_str(), undated["outlet"].as_str()), (Some("2025-03-04"), Some("news.example.org")));
        assert_eq!(docs.len(), 5);
        for c in g["claims"].as_array().unwrap() {
            for side in ["subject", "object"] {
                assert!(!["japan", "greece", "north-korea", "venezuela", "taiwan", "armenia", "belarus", "ghana"].contains(&c[side].as_str().unwrap()), "{c}");
            }
        }
        graphs.push(g);
    }
    let claims = |g: &Value| {
        let mut v: Vec<String> =
            g["claims"].as_array().unwrap().iter().map(|c| format!("{} {} {} {}", c["subject"], c["relation"], c["object"], c["sentence"])).collect();
        v.sort();
        v
    };
    assert_eq!(claims(&graphs[0]), claims(&graphs[1]), "the same claims from the plain and the gzip archive");
    // A gzip member damaged in its middle: named at its offset, the others read.
    let offset = |doc: &Value| doc["path"].as_str().unwrap().rsplit('@').next().unwrap().parse::<usize>().unwrap();
    let mut offsets: Vec<usize> = graphs[0]["documents"].as_array().unwrap().iter().map(offset).collect();
    offsets.sort();
    let (start, next) = (offsets[1], offsets[1] + 200);
    let mut bytes = std::fs::read(d.join("crawl.warc.gz")).unwrap();
    bytes.drain(start + 100..next);
    let cut = d.join("cut.warc.gz");
    std::fs::write(&cut, &bytes).unwrap();
    let out = d.join("out-cut");
    let o = run(&["build", cut.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json"], "");
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains(&format!("cut.warc.gz: byte {start}:")) && err.contains("read on from the next record"), "{err}");
    assert_eq!(graph_of(&out)["documents"].as_array().unwrap().len(), 4, "{err}");
    let o = run(&["build", cut.to_str().unwrap(), "-o", d.join("strict").to_str().unwrap(), "--strict"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&format!("cut.warc.gz: byte {start}")), "{}", stderr(&o));
    assert!(!d.join("strict/graph.json").exists());
    // A plain archive cut short at its end: the last record is named, the rest read.
    let mut bytes = std::fs::read(d.join("crawl.warc")).unwrap();
    bytes.truncate(bytes.len() - 40);
    std::fs::write(d.join("short.warc"), &bytes).unwrap();
    let o = run(&["build", d.join("short.warc").to_str().unwrap(), "-o", d.join("out-short").to_str().unwrap(), "--format", "json"], "");
    assert!(o.status.success() && stderr(&o).contains("short.warc: byte "), "{}", stderr(&o));
    assert_eq!(graph_of(&d.join("out-short"))["documents"].as_array().unwrap().len(), 5);
}

/// A folder that holds an earlier run's output folder: its graph.json is named and skipped,
/// not read as an article (which failed the run).
#[test]
fn outputs_inside_the_input_folder_are_skipped() {
    let dir = tempdir();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), "Russia condemned the US strikes on Iran.\n").unwrap();
    for _ in 0..2 {
        let o = run(&["build", d.to_str().unwrap(), "-o", d.join("out").to_str().unwrap(), "--format", "json"], "");
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(ids(&graph_of(&d.join("out"))), ["a"]);
    }
    let o = run(&["build", d.to_str().unwrap(), "-o", d.join("out").to_str().unwrap(), "--format", "json"], "");
    assert!(stderr(&o).contains("newsgraph outputs skipped: out/graph.json"), "{}", stderr(&o));
}
