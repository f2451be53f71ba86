//! `newsgraph compare`: sources lined up on a pair.

use serde_json::Value;

use crate::common::*;

#[test]
fn russia_iran_covers_every_seed_source_with_speakers() {
    let o = run(&["compare", "-i", "seeds", "Russia", "Iran", "--format", "json"], "");
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
    assert!(c["findings"].as_array().unwrap().iter().any(|f| f["kind"] == "agree"));
}

#[test]
fn people_roll_up_to_their_states() {
    let a = stdout(&run(&["compare", "-i", "seeds", "Putin", "Araghchi", "--format", "json"], ""));
    let b = stdout(&run(&["compare", "-i", "seeds", "russia", "Islamic Republic of Iran", "--format", "json"], ""));
    assert_eq!(a, b);
}

#[test]
fn every_format_renders() {
    for (format, needle) in [("table", "Timeline"), ("markdown", "| source |"), ("html", "<table>"), ("json", "\"sources\"")] {
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
        assert!(stderr(&o).contains("same actor at state level"), "{}", stderr(&o));
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
    let o = run(&["compare", "China", "Taiwan", "-i", input.to_str().unwrap(), "--format", "json"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let c: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let source = |id: &str| c["sources"].as_array().unwrap().iter().find(|s| s["document"] == id).unwrap().clone();
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
        assert!(text.contains("1 claim from 1 source (0 copies)"), "{format}: {text}");
        assert!(!text.contains("1 claims") && !text.contains("1 sources"), "{format}: {text}");
    }
}
