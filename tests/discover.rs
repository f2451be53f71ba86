//! `gazetteer suggest`: names the gazetteer does not know, found and proposed, measured on
//! a corpus of our own (`tests/data/discover/`: 33 articles naming 11 actors hidden from the
//! gazetteer, among distractors).

use serde_json::Value;

use crate::common::*;

/// The shipped gazetteer without the entities `hidden`, written to `dir`.
fn hiding(dir: &std::path::Path, hidden: &[String]) {
    for entry in std::fs::read_dir(root().join("gazetteer")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let src = std::fs::read_to_string(&path).unwrap();
        let mut kept = String::new();
        for (i, block) in src.split("[[entity]]").enumerate() {
            let id = block.lines().find_map(|l| l.strip_prefix("id = \"")).map(|l| l.trim_end_matches('"').to_string());
            if i > 0 && id.is_some_and(|id| hidden.contains(&id)) {
                continue;
            }
            if i > 0 {
                kept.push_str("[[entity]]");
            }
            kept.push_str(block);
        }
        std::fs::write(dir.join(path.file_name().unwrap()), kept).unwrap();
    }
}

/// The gold, the hidden ids, a temporary folder holding the gazetteer without them, that
/// gazetteer's path, and the corpus.
fn setup() -> (Vec<Value>, Vec<String>, tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let gold = gold();
    let hidden: Vec<String> = gold.iter().map(|g| g["id"].as_str().unwrap().to_string()).collect();
    let dir = tempdir();
    let gaz = dir.path().join("gazetteer");
    std::fs::create_dir(&gaz).unwrap();
    hiding(&gaz, &hidden);
    (gold, hidden, dir, gaz, root().join("tests/data/discover/corpus.jsonl"))
}

fn gold() -> Vec<Value> {
    let g: Value = serde_json::from_str(&std::fs::read_to_string(root().join("tests/data/discover/gold.json")).unwrap()).unwrap();
    g["hidden"].as_array().unwrap().clone()
}

/// Precision and recall of the top k (k = the hidden names), and how often the guessed type
/// and state are right, printed; the issue's floors asserted: recall ≥ 0.9, precision ≥ 0.8,
/// type ≥ 0.85, state ≥ 0.7.
#[test]
fn suggest_finds_the_hidden_names_with_their_type_and_state() {
    let (gold, _, _dir, gaz, corpus) = setup();
    let o = run(&["--gazetteer", gaz.to_str().unwrap(), "gazetteer", "suggest", corpus.to_str().unwrap(), "--format", "json"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let list: Vec<Value> = serde_json::from_str(&stdout(&o)).unwrap();
    let k = gold.len();
    let top = &list[..k.min(list.len())];
    let (mut hits, mut typed, mut placed, mut with_state) = (0, 0, 0, 0);
    for g in &gold {
        let Some(s) = top.iter().find(|s| s["name"] == g["name"]) else {
            eprintln!("missed: {}", g["name"]);
            continue;
        };
        hits += 1;
        typed += usize::from(s["type"] == g["type"]);
        if g["affiliation"].is_string() {
            with_state += 1;
            placed += usize::from(s["affiliation"] == g["affiliation"]);
        }
    }
    let (precision, recall) = (hits as f64 / top.len() as f64, hits as f64 / k as f64);
    let (type_right, state_right) = (typed as f64 / hits.max(1) as f64, placed as f64 / with_state.max(1) as f64);
    println!(
        "gazetteer suggest on tests/data/discover: top-{k} precision {precision:.2}, recall {recall:.2} ({hits}/{k}); type right {type_right:.2} ({typed}/{hits}), state right {state_right:.2} ({placed}/{with_state})"
    );
    assert!(recall >= 0.9 && precision >= 0.8, "precision {precision:.2}, recall {recall:.2}: {top:#?}");
    assert!(type_right >= 0.85 && state_right >= 0.7, "type {type_right:.2}, state {state_right:.2}: {top:#?}");
    // The distractors (sentence starts, weekdays, months, headline case) are not proposed.
    for word in ["Meanwhile", "However", "Monday", "May", "Officials", "Critics", "Taiwan Leader Vows"] {
        assert!(list.iter().all(|s| s["name"] != word), "{word} proposed");
    }
    // --min-docs.
    let o = run(&["--gazetteer", gaz.to_str().unwrap(), "gazetteer", "suggest", corpus.to_str().unwrap(), "--format", "json", "--min-docs", "3"], "");
    let three: Vec<Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(three.iter().all(|s| s["documents"].as_u64() >= Some(3)) && three.len() >= k - 1, "{three:#?}");
}

/// The TOML `suggest` writes, pasted into the gazetteer folder, is a valid gazetteer file, and
/// building again recovers the claims about the names it adds.
#[test]
fn pasting_the_suggested_toml_recovers_the_claims() {
    let (gold, hidden, dir, gaz, corpus) = setup();
    let claims_about = |out: &str| -> usize {
        let o = run(&["--gazetteer", gaz.to_str().unwrap(), "build", corpus.to_str().unwrap(), "-o", out, "--format", "json"], "");
        assert!(o.status.success(), "{}", stderr(&o));
        let g: Value = serde_json::from_str(&std::fs::read_to_string(std::path::Path::new(out).join("graph.json")).unwrap()).unwrap();
        g["claims"].as_array().unwrap().iter().filter(|c| hidden.iter().any(|h| c["subject"] == h.as_str() || c["object"] == h.as_str())).count()
    };
    let before = claims_about(dir.path().join("before").to_str().unwrap());
    assert_eq!(before, 0, "the hidden names make no claims");
    let o = run(
        &["--gazetteer", gaz.to_str().unwrap(), "gazetteer", "suggest", corpus.to_str().unwrap(), "--format", "toml", "--top", &gold.len().to_string()],
        "",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let toml = stdout(&o);
    assert!(toml.contains("# guessed from") && toml.contains("[[entity]]"), "{toml}");
    std::fs::write(gaz.join("suggested.toml"), &toml).unwrap();
    let o = run(&["--gazetteer", gaz.to_str().unwrap(), "gazetteer", "check"], "");
    assert!(!stdout(&o).lines().any(|l| l.contains("suggested.toml") && l.contains("error")), "{}", stdout(&o));
    let after = claims_about(dir.path().join("after").to_str().unwrap());
    println!("claims about the hidden names: {before} without them, {after} with the pasted suggestions");
    assert!(after >= 15, "{after} claims recovered");
}

/// `build` says in one line how many unknown names stand near relation cues and which command
/// lists them; graph.json, the report and the store carry them; `suggest --db` ranks the
/// stored names as `suggest` ranks the corpus's; an update adds a new document's names; map
/// and merge carry them as build does.
#[test]
fn build_counts_the_unknown_names_and_the_store_keeps_them() {
    let (gold, _, dir, gaz, corpus) = setup();
    let g = gaz.to_str().unwrap();
    let out = dir.path().join("out");
    let o = run(&["--gazetteer", g, "build", corpus.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json,store,report"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let graph: Value = serde_json::from_str(&std::fs::read_to_string(out.join("graph.json")).unwrap()).unwrap();
    let unknown = &graph["unknown_names"];
    let near = unknown["near_cues"].as_u64().unwrap();
    assert!(near >= gold.len() as u64 && unknown["candidates"].as_u64().unwrap() >= near, "{unknown}");
    let top: Vec<&str> = unknown["top"].as_array().unwrap().iter().map(|n| n["name"].as_str().unwrap()).collect();
    for g in &gold {
        assert!(top.contains(&g["name"].as_str().unwrap()), "{} not among {top:?}", g["name"]);
    }
    // One line, with the count and the command over the store.
    let err = stderr(&o);
    let line = err.lines().find(|l| l.contains("the gazetteer does not know")).unwrap_or_else(|| panic!("no line: {err}"));
    assert!(
        line.starts_with(&format!("note: {near} actors")) && line.contains("`newsgraph gazetteer suggest --gazetteer ") && line.contains("--db "),
        "{line}"
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains(&format!("id=\"unknown-names\">{near} actors the gazetteer does not know")), "no line in the report");
    // The store ranks them as the corpus does.
    let db = out.join("newsgraph.db");
    let from_store = run(&["gazetteer", "suggest", "--db", db.to_str().unwrap(), "--format", "json"], "");
    let from_corpus = run(&["--gazetteer", g, "gazetteer", "suggest", corpus.to_str().unwrap(), "--format", "json"], "");
    assert!(from_store.status.success(), "{}", stderr(&from_store));
    assert_eq!(stdout(&from_store), stdout(&from_corpus));
    // An update with one new document adds its name to the store and to graph.json.
    let new = dir.path().join("new.jsonl");
    std::fs::write(
        &new,
        r#"{"id": "new-1", "published": "2025-03-01", "text": "Tensions rose on Monday.\n\nRussia condemned Foreign Minister Oberon Talvik of Estonia on Tuesday, and Iran backed the move.\n\nTalvik said he would not resign."}"#,
    )
    .unwrap();
    let o = run(&["--gazetteer", g, "build", "--update", new.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json,store"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("note: {} actors the gazetteer does not know", near + 1)), "{}", stderr(&o));
    // An update writing only the store says it too.
    let o = run(&["--gazetteer", g, "build", "--update", new.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "store"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("note: {} actors the gazetteer does not know", near + 1)), "{}", stderr(&o));
    let o = run(&["gazetteer", "suggest", "--db", db.to_str().unwrap(), "--format", "json"], "");
    let list: Vec<Value> = serde_json::from_str(&stdout(&o)).unwrap();
    let talvik = list.iter().find(|s| s["name"] == "Oberon Talvik").unwrap_or_else(|| panic!("{list:#?}"));
    assert_eq!((talvik["mentions"].as_u64(), talvik["type"].as_str(), talvik["affiliation"].as_str()), (Some(2), Some("person"), Some("estonia")));
    // map and merge: the same unknown names as build.
    let parts = dir.path().join("parts.jsonl");
    let o = run(&["--gazetteer", g, "map", corpus.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(&parts, stdout(&o)).unwrap();
    let merged = dir.path().join("merged");
    let o = run(&["--gazetteer", g, "merge", parts.to_str().unwrap(), "-o", merged.to_str().unwrap(), "--format", "json"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let m: Value = serde_json::from_str(&std::fs::read_to_string(merged.join("graph.json")).unwrap()).unwrap();
    assert_eq!(m["unknown_names"], *unknown);
}

/// `gazetteer import`: a CSV and a JSON list of the hidden names become a gazetteer file that
/// `gazetteer check` accepts and that recovers their claims; rows of one entity give it each
/// role; a name already known, one name of two states, an alias another entity has and an
/// unknown affiliation are reported and never merged.
#[test]
fn import_writes_a_gazetteer_file_that_checks_and_reports_ambiguities() {
    let (gold, hidden, dir, gaz, corpus) = setup();
    let g = gaz.to_str().unwrap();
    // The hidden names as a user's list: one row per role, aliases in one cell.
    let mut csv = String::from("name,type,aliases,affiliation,role,from,to\n");
    for e in &gold {
        let name = e["name"].as_str().unwrap();
        let last = name.split(' ').rfind(|w| !w.ends_with('.')).unwrap();
        let aliases = if e["type"] == "person" { last.to_string() } else { String::new() };
        csv.push_str(&format!("\"{name}\",{},{aliases},{},,,\n", e["type"].as_str().unwrap(), e["affiliation"].as_str().unwrap_or("")));
    }
    csv.push_str("Oberon Talvik,person,Talvik,Estonia,Foreign Minister,2023-01-01,2024-06-30\n");
    csv.push_str("Oberon Talvik,person,,Estonia,Prime Minister,2024-07-01,\n");
    csv.push_str("Vladimir Putin,person,Putin,Russia,President,,\n");
    csv.push_str("Ahmed Khan,person,,Pakistan,,,\nAhmed Khan,person,,Afghanistan,,,\n");
    csv.push_str("Mira Sol,person,Talvik,Atlantis,,,\n");
    let file = dir.path().join("people.csv");
    std::fs::write(&file, &csv).unwrap();
    let out = gaz.join("imported.toml");
    let o = run(&["--gazetteer", g, "gazetteer", "import", file.to_str().unwrap(), "-o", out.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    let toml = std::fs::read_to_string(&out).unwrap();
    for (what, needle) in [
        ("known", "\"Vladimir Putin\" is already vladimir-putin"),
        ("twins", "\"Ahmed Khan\" is 2 entities"),
        ("shared alias", "alias \"Talvik\" of mira-sol is also oberon-talvik's: left out"),
        ("unknown state", "affiliation \"Atlantis\" names no entity"),
    ] {
        assert!(err.contains(needle), "{what}: {err}");
    }
    assert!(err.contains(&format!("imported {} rows as {} entities", gold.len() + 6, gold.len() + 2)), "{err}");
    // One entity for Talvik's two rows, with both roles; the twins are comments.
    assert_eq!(toml.matches("id = \"oberon-talvik\"").count(), 1, "{toml}");
    assert!(
        toml.contains("{ title = \"Foreign Minister\", from = \"2023-01-01\", to = \"2024-06-30\" }") && toml.contains("{ title = \"Prime Minister\""),
        "{toml}"
    );
    assert!(toml.contains("# id = \"ahmed-khan-pakistan\"") && !toml.contains("\nid = \"ahmed-khan"), "{toml}");
    assert!(!toml.contains("id = \"vladimir-putin\""), "{toml}");
    // `gazetteer check` accepts the folder with it.
    let o = run(&["--gazetteer", g, "gazetteer", "check"], "");
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // Building with it recovers the hidden names' claims.
    let built = dir.path().join("built");
    let o = run(&["--gazetteer", g, "build", corpus.to_str().unwrap(), "-o", built.to_str().unwrap(), "--format", "json"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let graph: Value = serde_json::from_str(&std::fs::read_to_string(built.join("graph.json")).unwrap()).unwrap();
    let recovered =
        graph["claims"].as_array().unwrap().iter().filter(|c| hidden.iter().any(|h| c["subject"] == h.as_str() || c["object"] == h.as_str())).count();
    println!("gazetteer import of the hidden names: {recovered} claims about them recovered");
    assert!(recovered >= 15, "{recovered}");
    // A JSON list gives the same file (aliases as a list or one string).
    std::fs::remove_file(&out).unwrap();
    let json: Vec<Value> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<String> =
                csv::ReaderBuilder::new().has_headers(false).from_reader(l.as_bytes()).records().next().unwrap().unwrap().iter().map(str::to_string).collect();
            let mut item =
                serde_json::json!({"name": cells[0], "type": cells[1], "aliases": if cells[2].is_empty() { vec![] } else { vec![cells[2].clone()] }});
            for (k, v) in ["affiliation", "role", "from", "to"].iter().zip(&cells[3..]) {
                if !v.is_empty() {
                    item[*k] = Value::String(v.clone());
                }
            }
            item
        })
        .collect();
    let jfile = dir.path().join("people.json");
    std::fs::write(&jfile, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    let o = run(&["--gazetteer", g, "gazetteer", "import", jfile.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let from_json = stdout(&o);
    let body = |t: &str| t.lines().filter(|l| !l.contains("people.")).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&from_json), body(&toml));
}

/// Bad import files: exit 2, naming the file and line, and nothing written.
#[test]
fn import_refuses_bad_rows_naming_file_and_line() {
    let dir = tempdir();
    let cases: &[(&str, &str, &str)] = &[
        ("unknown column", "name,typ\nA,person\n", "people.csv:1: unknown column \"typ\" (did you mean \"type\"?)"),
        ("no name column", "type\nperson\n", "people.csv:1: no \"name\" column"),
        ("bad type", "name,type\nA,persn\n", "people.csv:2: type \"persn\" is not one of"),
        ("bad date", "name,role,from\nA,President,2024-13-01\n", "people.csv:2: from \"2024-13-01\" is not a date"),
        ("dates without role", "name,from\nA,2024-01-01\n", "people.csv:2: dates without a role"),
        ("empty name", "name,type\n,person\n", "people.csv:2: no name"),
        ("ragged row", "name,type\nA,person,extra\n", "people.csv:2"),
        ("no rows", "name,type\n", "no rows to import"),
        ("bad json", "[{\"name\": \"A\", \"kind\": \"x\"}]", "people.csv:1"),
    ];
    for (what, src, want) in cases {
        let file = dir.path().join("people.csv");
        std::fs::write(&file, src).unwrap();
        let out = dir.path().join("out.toml");
        let o = run(&["gazetteer", "import", file.to_str().unwrap(), "-o", out.to_str().unwrap()], "");
        assert_eq!(o.status.code(), Some(2), "{what}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{what}: {}", stderr(&o));
        assert!(!out.exists(), "{what}: written");
    }
}
