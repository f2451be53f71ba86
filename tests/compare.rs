//! `newsgraph compare`: sources lined up on a pair.

use serde_json::Value;

use crate::common::*;

#[test]
fn russia_iran_covers_every_seed_source_with_speakers() {
    let o = run(&["compare", "-i", "seeds", "Russia", "Iran", "--format", "json", "--documents"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let c: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let sources = c["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 5, "all five seed sources");
    // Ordered by date, undated last.
    let dates: Vec<Option<&str>> = sources.iter().map(|s| s["published"].as_str()).collect();
    assert_eq!(dates, [Some("2022-07-19"), Some("2024-10-13"), Some("2025-06-22"), Some("2025-06-24"), None]);
    let claims =
        |doc: &str| -> Vec<Value> { sources.iter().find(|s| s["document"].as_str().unwrap().starts_with(doc)).unwrap()["claims"].as_array().unwrap().clone() };
    // 2022: a growing partnership.
    assert!(claims("001").iter().any(|c| c["relation"] == "partnership" && c["negated"] == false));
    // 2024: doubts (a rift, or cooperation denied).
    assert!(claims("003").iter().any(|c| c["relation"] == "rift" || c["negated"] == true));
    // 2025: the cold shoulder against Araghchi's "friend of Iran", each quote with its speaker.
    let c2025 = claims("000");
    assert!(c2025.iter().any(|c| c["relation"] == "rejection" && c["sentence"].as_str().unwrap().contains("cold shoulder")));
    assert!(c2025.iter().any(|c| c["relation"] == "friendship" && c["speaker"] == "Abbas Araghchi"));
    // The reworded copy (002 of 001) is flagged, not counted as confirmation.
    assert!(claims("002").iter().any(|c| c["copy_of"].is_string()));
    // The relation × outlet matrix: partnership is stated by every outlet; aid is stated by some
    // and denied by others.
    let outlets = c["outlets"].as_array().unwrap().len();
    let relation = |r: &str| c["relations"].as_array().unwrap().iter().find(|x| x["relation"] == r).unwrap()["outlets"].as_array().unwrap().clone();
    assert_eq!(relation("partnership").iter().filter(|cell| cell[0].as_u64() > Some(0)).count(), outlets);
    let aid = relation("aid");
    assert!(aid.iter().any(|cell| cell[0].as_u64() > Some(0)) && aid.iter().any(|cell| cell[1].as_u64() > Some(0)), "{aid:?}");
}

#[test]
fn people_roll_up_to_their_states() {
    let a = stdout(&run(&["compare", "-i", "seeds", "Putin", "Araghchi", "--format", "json"], ""));
    let b = stdout(&run(&["compare", "-i", "seeds", "russia", "Islamic Republic of Iran", "--format", "json"], ""));
    assert_eq!(a, b);
}

#[test]
fn every_format_renders() {
    for (format, needle) in [("table", "Timeline"), ("markdown", "| outlet |"), ("html", "<table id=\"outlets\">"), ("json", "\"outlets\"")] {
        let o = run(&["compare", "-i", "seeds", "Russia", "Iran", "--format", format], "");
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        assert!(stdout(&o).contains(needle), "{format}");
    }
    let html = stdout(&run(&["compare", "-i", "seeds", "Russia", "Iran", "--format", "html"], ""));
    assert!(html.starts_with("<!doctype html>"));
    // Text from the articles is escaped: 004 quotes "a friend of Iran" in straight quotes.
    assert!(html.contains("&quot;a friend of Iran&quot;") && !html.contains("\"a friend of Iran\""));
}

#[test]
fn all_pairs_are_ranked() {
    let o = run(&["compare", "-i", "seeds", "--all", "--min-claims", "3", "--format", "json"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!((rows[0]["a"].as_str(), rows[0]["b"].as_str()), (Some("iran"), Some("russia")));
    assert!(rows.iter().all(|r| r["claims"].as_u64().unwrap() >= 3));
    let counts: Vec<u64> = rows.iter().map(|r| r["claims"].as_u64().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn unknown_or_identical_actors_exit_2() {
    let o = run(&["compare", "-i", "seeds", "Russia", "Atlantis"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Atlantis"));
    let o = run(&["compare", "-i", "seeds", "Putin", "Russia"], "");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn explain_says_why() {
    let o = run(&["explain", "-i", "seeds", "000_9c67dfa773ecab7c"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("friendship") && out.contains("relations.toml:"), "{out}");
    let o = run(&["explain", "-i", "seeds", "000_9c67dfa773ecab7c", "--sentence", "9999"], "");
    assert_eq!(o.status.code(), Some(2));
}

/// The reasons for no claim: two actors without a cue, cues without actors (the extractor
/// stops early on such sentences when not explaining), one actor only.
#[test]
fn explain_says_why_not() {
    let doc = r#"{"id":"x1","text":"Russia and Iran are both large countries with long histories.\n\nNo one is named here at all, though the talks were condemned.\n\nRussia condemned the plan.\n\nRussia condemned Iran."}"#;
    let dir = tempdir();
    let input = dir.path().join("x.jsonl");
    std::fs::write(&input, format!("{doc}\n")).unwrap();
    let o = run(&["explain", "x1", "--input", input.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let sentence = |n: usize| out.split(&format!("[{n}] ")).nth(1).and_then(|s| s.split("\n[").next()).unwrap_or("").to_string();
    assert!(sentence(1).contains("two or more actors but no cue phrase"), "{out}");
    assert!(sentence(2).contains("cue \"talks\"") && sentence(2).contains("cue \"condemned\"") && sentence(2).contains("no actor on one side"), "{out}");
    assert!(sentence(3).contains("no actor on one side") && !sentence(3).contains("two or more"), "{out}");
    assert!(sentence(4).contains("russia —disapproval→ iran"), "{out}");
}

/// `compare --graph` reads a saved graph.json, and `compare` (or `--db`) the store; both
/// answer as the corpus does, in every format and for --all; names resolve among the graph's
/// nodes (ids, labels, aliases, rolled up to the state), and an unknown one is an error, exit
/// 2. A store or graph.json given as `-i` is read as such, not as an article.
#[test]
fn compare_from_a_saved_graph_or_the_store_equals_compare_from_the_corpus() {
    let dir = tempdir();
    let out = dir.path().to_str().unwrap();
    let o = run(&["build", "-o", out, "--format", "json,store"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let graph = dir.path().join("graph.json");
    let graph = graph.to_str().unwrap();
    let db = dir.path().join("newsgraph.db");
    let db = db.to_str().unwrap();
    for args in [
        &["Russia", "Iran", "--format", "json"][..],
        &["Putin", "Araghchi", "--format", "markdown"],
        &["--all"],
        &["--all", "--format", "json"],
        &["Iran", "Israel", "--format", "html"],
    ] {
        let corpus = run(&[&["compare", "-i", "seeds"][..], args].concat(), "");
        assert!(corpus.status.success(), "{args:?}: {}", stderr(&corpus));
        assert!(!stdout(&corpus).is_empty());
        for (how, other) in [("--graph", &["--graph", graph][..]), ("--db", &["--db", db]), ("-i store", &["-i", db]), ("-i graph", &["-i", graph])] {
            let saved = run(&[&["compare"][..], args, other].concat(), "");
            assert!(saved.status.success(), "{args:?} {how}: {}", stderr(&saved));
            assert_eq!(stdout(&saved), stdout(&corpus), "{args:?} {how}");
        }
    }
    for from in [["--graph", graph], ["--db", db]] {
        let o = run(&["compare", "Russia", "Nowhereland", from[0], from[1]], "");
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("Nowhereland"), "{}", stderr(&o));
    }
    // No store where one is looked for: exit 2, naming it and what to do.
    let o = run(&["compare", "Russia", "Iran", "--db", &format!("{out}/none.db")], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("none.db") && stderr(&o).contains("newsgraph build"), "{}", stderr(&o));
    // A person and their state are one actor at state level, on every route.
    for o in [
        run(&["compare", "-i", "seeds", "Putin", "Russia"], ""),
        run(&["compare", "Putin", "Russia", "--graph", graph], ""),
        run(&["compare", "Putin", "Russia", "--db", db], ""),
    ] {
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("one actor at state level (Vladimir Putin belongs to Russia)"), "{}", stderr(&o));
    }
}

/// A denied threat adds nothing cooperative: a source whose one claim is "China did not
/// threaten Taiwan" has stance 0, never a positive one. A source's own narration and the
/// speakers it quotes are scored apart, and "who says what" lists each speaker.
#[test]
fn stance_never_turns_a_denial_into_cooperation_and_separates_narration_from_quotes() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("a.jsonl"),
        concat!(
            r#"{"id": "denied", "title": "Strait", "published": "2024-05-01", "text": "Title\n\nChina did not threaten Taiwan on Monday."}"#,
            "\n",
            r#"{"id": "mixed", "title": "Strait", "published": "2024-05-02", "text": "Title\n\nChina attacked Taiwan's coast guard on Monday.\n\n“China is a partner of Taiwan,” Xi Jinping said."}"#,
            "\n"
        ),
    )
    .unwrap();
    let input = dir.path().join("a.jsonl");
    let o = run(&["compare", "China", "Taiwan", "-i", input.to_str().unwrap(), "--format", "json", "--documents"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let c: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let source = |id: &str| c["sources"].as_array().unwrap().iter().find(|s| s["document"] == id).unwrap().clone();
    assert!(c["sources"].is_array(), "--documents lists the documents");
    let denied = source("denied");
    assert_eq!(denied["denied"], 1);
    assert_eq!(denied["stance"].as_f64(), Some(0.0), "{denied}");
    assert!(denied["narration"].is_null(), "a denial alone gives no stance: {denied}");
    let mixed = source("mixed");
    assert!(mixed["narration"].as_f64().unwrap() < 0.0, "{mixed}");
    assert!(mixed["quoted"].as_f64().unwrap() > 0.0, "{mixed}");
    let speakers: Vec<&str> = c["speakers"].as_array().unwrap().iter().map(|s| s["speaker"].as_str().unwrap()).collect();
    assert!(speakers.contains(&"narration") && speakers.contains(&"Xi Jinping"), "{speakers:?}");
    assert!(c["stance_method"].as_str().unwrap().contains("denied claim"));
    let table = stdout(&run(&["compare", "China", "Taiwan", "-i", input.to_str().unwrap()], ""));
    assert!(table.contains("Who says what") && table.contains("narration"), "{table}");
}

/// Counts of one read in the singular ("1 claim from 1 source", "1 document"), in every
/// format (issue 23: "1 claims", "1 copies").
#[test]
fn counts_of_one_are_singular() {
    let dir = tempdir();
    let d = dir.path();
    std::fs::write(d.join("one.txt"), "Russia condemned the US strikes on Iran.\n").unwrap();
    let out = d.join("out");
    let o = run(&["build", d.join("one.txt").to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json,store"], "");
    assert!(o.status.success() && stderr(&o).contains("newsgraph: 1 document, "), "{}", stderr(&o));
    for format in ["table", "markdown", "html"] {
        let o = run(&["compare", "Russia", "United States", "--db", out.join("newsgraph.db").to_str().unwrap(), "--format", format], "");
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains("1 claim from 1 source"), "{format}: {text}");
        assert!(!text.contains("1 claims") && !text.contains("1 sources"), "{format}: {text}");
    }
}

/// A corpus of one pair across outlets and years, for the scale features of `compare`.
fn outlet_corpus(dir: &std::path::Path) -> std::path::PathBuf {
    let rows = [
        ("a1", "Reuters", "2023-01-10", "Russia and Iran signed a partnership agreement."),
        ("a2", "Reuters", "2024-03-05", "Russia condemned Iran over the drone deliveries."),
        ("a3", "Tehran Times and Broadcasting Corporation of the Islamic Republic", "2024-06-01", "Iran praised Russia for its support."),
        ("a4", "TASS", "2025-02-02", "Russia did not send weapons to Iran, the ministry said."),
        ("a5", "TASS", "2025-02-03", "Russia and Iran held talks in Moscow."),
    ];
    let mut text = String::new();
    for (id, outlet, date, sentence) in rows {
        text.push_str(&serde_json::json!({"id": id, "outlet": outlet, "published": date, "url": format!("https://news.example/{id}"), "text": format!("Headline\n\n{sentence}")}).to_string());
        text.push('\n');
    }
    let path = dir.join("pair.jsonl");
    std::fs::write(&path, text).unwrap();
    path
}

/// `compare` at scale (issue 23): the summary first, one row per outlet with its documents and
/// dates, the documents only on request, `--since`, `--until`, `--outlet`, `--relation` and
/// `--limit`, the same in every format; a mistyped outlet or relation is an error with "did
/// you mean"; no column of the table is cut.
#[test]
fn compare_groups_by_outlet_filters_and_limits() {
    let dir = tempdir();
    let input = outlet_corpus(dir.path());
    let input = input.to_str().unwrap();
    let json = |extra: &[&str]| -> Value {
        let o = run(&[&["compare", "Russia", "Iran", "-i", input, "--format", "json"][..], extra].concat(), "");
        assert!(o.status.success(), "{extra:?}: {}", stderr(&o));
        serde_json::from_str(&stdout(&o)).unwrap()
    };
    let all = json(&[]);
    let outlets: Vec<&str> = all["outlets"].as_array().unwrap().iter().map(|o| o["outlet"].as_str().unwrap()).collect();
    assert_eq!(outlets.len(), 3, "{outlets:?}");
    let tass = all["outlets"].as_array().unwrap().iter().find(|o| o["outlet"] == "TASS").unwrap();
    assert_eq!((tass["documents"].as_u64(), tass["first"].as_str(), tass["last"].as_str()), (Some(2), Some("2025-02-02"), Some("2025-02-03")));
    assert!(all.get("sources").is_none(), "documents only on request");
    assert_eq!(all["timeline"].as_array().unwrap().len() as u64, all["claims"].as_u64().unwrap());
    let dates = |c: &Value| -> Vec<String> { c["timeline"].as_array().unwrap().iter().map(|t| t["published"].as_str().unwrap().to_string()).collect() };
    // Dates, outlets, relations.
    assert!(dates(&json(&["--since", "2024-01-01", "--until", "2024-12-31"])).iter().all(|d| d.starts_with("2024")));
    let reuters = json(&["--outlet", "reuters"]);
    assert!(reuters["timeline"].as_array().unwrap().iter().all(|t| t["outlet"] == "Reuters"));
    assert_eq!(reuters["filter"]["outlets"][0], "reuters");
    let talks = json(&["--relation", "consultation"]);
    assert!(!talks["timeline"].as_array().unwrap().is_empty() && talks["timeline"].as_array().unwrap().iter().all(|t| t["relation"] == "consultation"));
    // --limit keeps the latest claims and says so.
    let limited = json(&["--limit", "2"]);
    assert_eq!(dates(&limited), dates(&all)[dates(&all).len() - 2..]);
    assert_eq!(limited["timeline_claims"], all["claims"]);
    let table = stdout(&run(&["compare", "Russia", "Iran", "-i", input, "--limit", "2"], ""));
    assert!(table.starts_with("Russia – Iran: ") && table.lines().next().unwrap().contains("from 5 sources in 3 outlets, 2023-01-10 to 2025-02-03"), "{table}");
    assert!(table.contains("Timeline: the latest 2 of "), "{table}");
    // Nothing cut: the long outlet name and its dates are whole.
    assert!(table.contains("Tehran Times and Broadcasting Corporation of the Islamic Republic ") && table.contains("2024-06-01"), "{table}");
    assert!(!table.contains("\nDocuments"), "{table}");
    for (format, needle) in [("table", "\nDocuments"), ("markdown", "## Documents"), ("html", "<table id=\"documents\">")] {
        let text = stdout(&run(&["compare", "Russia", "Iran", "-i", input, "--format", format, "--documents", "--since", "2024-01-01"], ""));
        assert!(text.contains(needle) && text.contains("since 2024-01-01") && !text.contains("a1"), "{format}: {text}");
    }
    // Mistyped filters.
    for (flag, typo, meant) in [("--outlet", "Reuter", "Reuters"), ("--relation", "agreemnt", "agreement")] {
        let o = run(&["compare", "Russia", "Iran", "-i", input, flag, typo], "");
        assert_eq!(o.status.code(), Some(2), "{flag}");
        assert!(stderr(&o).contains(&format!("did you mean \"{meant}\"")), "{}", stderr(&o));
    }
    let o = run(&["compare", "Russia", "Iran", "-i", input, "--since", "2024-13-01"], "");
    assert_eq!(o.status.code(), Some(2));
}

/// The HTML page draws the pair's story on one timeline chart: a mark per claim at its date,
/// one row per outlet, a month's stance, and a link to the article; the seed story runs
/// 2022 → 2024 → 2025.
#[test]
fn compare_html_draws_the_timeline() {
    let html = stdout(&run(&["compare", "-i", "seeds", "Russia", "Iran", "--format", "html"], ""));
    let start = html.find("<svg").expect("a chart");
    let end = html[start..].find("</svg>").unwrap() + start + 6;
    let svg = roxmltree::Document::parse(&html[start..end]).expect("well-formed SVG");
    let marks: Vec<_> = svg.descendants().filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("mark "))).collect();
    let summary: Value = serde_json::from_str(&stdout(&run(&["compare", "-i", "seeds", "Russia", "Iran", "--format", "json"], ""))).unwrap();
    assert_eq!(marks.len() as u64, summary["claims"].as_u64().unwrap(), "one mark per claim");
    let tips: Vec<String> = marks.iter().map(|m| m.children().find(|c| c.has_tag_name("title")).unwrap().text().unwrap().to_string()).collect();
    for year in ["2022-07-19", "2024-10-13", "2025-06-2"] {
        assert!(tips.iter().any(|t| t.contains(year)), "a mark from {year}");
    }
    assert!(marks.iter().any(|m| m.attribute("class").unwrap().contains("denied") && m.attribute("fill") == Some("#ffffff")), "denied claims are hollow");
    assert!(marks.iter().any(|m| m.attribute("class").unwrap().contains("copy")), "copies are marked");
    assert!(svg.descendants().any(|n| n.attribute("class") == Some("stance")), "stance over time");
    // Earlier marks lie left of later ones.
    let x = |date: &str| -> f64 {
        let m = marks.iter().zip(&tips).find(|(_, t)| t.contains(date)).unwrap().0;
        m.attribute("cx").unwrap().parse().unwrap()
    };
    assert!(x("2022-07-19") < x("2024-10-13") && x("2024-10-13") < x("2025-06-2"));
    // Rows by speaker on request.
    let by_speaker = stdout(&run(&["compare", "-i", "seeds", "Russia", "Iran", "--format", "html", "--rows", "speaker"], ""));
    assert!(by_speaker.contains(">Abbas Araghchi</text>") && by_speaker.contains(">narration</text>"));
}

/// Two people of one state are compared as themselves (issue 23: `compare Trump Biden` was
/// refused); a mistyped name gets "did you mean", on every route.
#[test]
fn two_people_of_one_state_and_did_you_mean() {
    let dir = tempdir();
    let input = dir.path().join("us.jsonl");
    std::fs::write(
        &input,
        concat!(
            r#"{"id": "u1", "outlet": "AP", "published": "2024-06-28", "text": "Debate\n\nDonald Trump criticised Joe Biden over the economy."}"#,
            "\n",
            r#"{"id": "u2", "outlet": "AP", "published": "2024-07-02", "text": "Debate\n\nJoe Biden condemned Donald Trump after the debate. Russia condemned Iran."}"#,
            "
"
        ),
    )
    .unwrap();
    let input = input.to_str().unwrap();
    let out = dir.path().join("out");
    let o = run(&["build", input, "-o", out.to_str().unwrap(), "--format", "json,store"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let graph = out.join("graph.json");
    let db = out.join("newsgraph.db");
    let routes: [&[&str]; 3] = [&["-i", input], &["--graph", graph.to_str().unwrap()], &["--db", db.to_str().unwrap()]];
    for route in routes {
        let o = run(&[&["compare", "Trump", "Biden", "--format", "json"][..], route].concat(), "");
        assert!(o.status.success(), "{route:?}: {}", stderr(&o));
        let c: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(c["level"], "entity");
        assert_eq!(c["claims"], 2, "{c}");
        assert!(c["timeline"].as_array().unwrap().iter().all(|t| t["relation"] != "disapproval" || t["subject"] != "russia"));
        let o = run(&[&["compare", "Rusia", "Iran"][..], route].concat(), "");
        assert_eq!(o.status.code(), Some(2), "{route:?}");
        assert!(stderr(&o).contains("did you mean \"Russia\"?"), "{route:?}: {}", stderr(&o));
    }
}
