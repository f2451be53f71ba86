//! The store (`newsgraph.db`): written by `build`, grown by `build --update`, read by
//! `compare`, `explain`, `export`, `sqlite3` and Datasette.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::common::*;

fn build(inputs: &[&Path], out: &Path, extra: &[&str]) -> String {
    let mut args: Vec<String> = vec!["build".into()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    args.extend(["-o".into(), out.display().to_string(), "--format".into(), "json,store".into()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run(&refs, "");
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stderr(&o)
}

fn update(inputs: &[&Path], out: &Path) -> String {
    build(inputs, out, &["--update"])
}

fn graph(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("graph.json")).unwrap()).unwrap()
}

/// A graph with what depends on where documents were read and on claim numbering taken out:
/// paths, and claim ids (each claim named by its document and place in it instead).
fn canonical(mut g: Value) -> Value {
    let mut names = std::collections::HashMap::new();
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for c in g["claims"].as_array().unwrap() {
        let doc = c["document"].as_str().unwrap().to_string();
        let n = seen.entry(doc.clone()).or_default();
        names.insert(c["id"].as_str().unwrap().to_string(), format!("{doc}#{n}"));
        *n += 1;
    }
    let rename = |v: &mut Value| {
        if let Some(s) = v.as_str() {
            *v = Value::String(names[s].clone());
        }
    };
    for c in g["claims"].as_array_mut().unwrap() {
        rename(&mut c["id"]);
        rename(&mut c["copy_of"]);
    }
    for e in g["edges"].as_array_mut().unwrap() {
        if let Some(ev) = e.get_mut("evidence").and_then(Value::as_array_mut) {
            ev.iter_mut().for_each(rename);
        }
    }
    for d in g["documents"].as_array_mut().unwrap() {
        d["path"] = Value::Null;
    }
    g
}

/// A JSON Lines corpus of seed `seed` repeated as documents `from..from + n`, each with
/// `word` numbered so that no two are the same text.
fn repeated(path: &Path, seed: &str, word: &str, from: usize, n: usize) {
    let text = std::fs::read_to_string(root().join("seeds").join(seed)).unwrap();
    let mut lines = String::new();
    for i in from..from + n {
        lines.push_str(&serde_json::json!({"id": format!("d{i:04}"), "text": text.replace(word, &format!("{word} ({i})"))}).to_string());
        lines.push('\n');
    }
    std::fs::write(path, lines).unwrap();
}

/// The seeds split in two folders (each with the manifest), for builds and updates.
fn split_seeds(dir: &Path, first: &[usize]) -> (PathBuf, PathBuf) {
    let (a, b) = (dir.join("a"), dir.join("b"));
    for d in [&a, &b] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::copy(root().join("seeds/manifest.json"), d.join("manifest.json")).unwrap();
    }
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(root().join("seeds")).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
    files.sort();
    for (i, f) in files.iter().enumerate() {
        let to = if first.contains(&i) { &a } else { &b };
        std::fs::copy(f, to.join(f.file_name().unwrap())).unwrap();
    }
    (a, b)
}

/// The store and graph.json agree: the graph rendered from the store is the build's
/// graph.json byte for byte (so every count and claim id of one is in the other), and the
/// tables hold what the graph counts.
#[test]
fn the_store_renders_the_graph_json_of_its_build() {
    let dir = tempdir();
    let out = dir.path().join("out");
    build(&[&root().join("seeds")], &out, &[]);
    let again = dir.path().join("again");
    let o = run(&["export", out.join("newsgraph.db").to_str().unwrap(), "--format", "json", "-o", again.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(out.join("graph.json")).unwrap(), std::fs::read(again.join("graph.json")).unwrap());
    // Export reads the store by default (--db), with the filters as for a graph.json.
    let focus = dir.path().join("focus");
    let o =
        run(&["export", "--db", out.join("newsgraph.db").to_str().unwrap(), "--focus", "Putin", "--format", "json,gexf", "-o", focus.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let g = graph(&out);
    let f = graph(&focus);
    assert!(f["nodes"].as_array().unwrap().len() < g["nodes"].as_array().unwrap().len());
    // Every window: the store counts co-mentions again from its mentions and sentences (and
    // the sentences' paragraphs) as the analysis counted them.
    for window in ["paragraph", "document"] {
        let w = dir.path().join(window);
        build(&[&root().join("seeds")], &w, &["--window", window]);
        let r = dir.path().join(format!("{window}-again"));
        let o = run(&["export", w.join("newsgraph.db").to_str().unwrap(), "--format", "json", "-o", r.to_str().unwrap()], "");
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(std::fs::read(w.join("graph.json")).unwrap(), std::fs::read(r.join("graph.json")).unwrap(), "--window {window}");
    }
    // Datasette's metadata comes with the store.
    let meta: Value = serde_json::from_str(&std::fs::read_to_string(out.join("metadata.json")).unwrap()).unwrap();
    assert!(meta["databases"]["newsgraph"]["queries"]["pair_timeline"]["sql"].is_string());
}

/// `explain` from the store runs the rules over the stored sentences and mentions, and says
/// what `explain -i` over the corpus says, for every seed.
#[test]
fn explain_from_the_store_equals_explain_from_the_corpus() {
    let dir = tempdir();
    let out = dir.path().join("out");
    build(&[&root().join("seeds")], &out, &[]);
    let db = out.join("newsgraph.db");
    for doc in ["000_9c67dfa773ecab7c", "001_9f81c5ad6574b3d4", "002_3eaa03bbaf2ce3af", "003_b17e9eb81cba58cd", "004_d634d9d40070f0a1"] {
        let corpus = run(&["explain", doc, "-i", "seeds"], "");
        let stored = run(&["explain", doc, "--db", db.to_str().unwrap()], "");
        assert!(corpus.status.success() && stored.status.success(), "{doc}: {}", stderr(&stored));
        assert!(stdout(&corpus).contains("relations.toml:"), "{doc}");
        assert_eq!(stdout(&stored), stdout(&corpus), "{doc}");
    }
    let o = run(&["explain", "nope", "--db", db.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope"), "{}", stderr(&o));
}

/// Updates, case by case. New documents whose ids sort after the stored ones: the same
/// graph.json as one build over all of them, byte for byte but for paths. Unchanged
/// documents: skipped, nothing changes. A document inserted among the stored ones, or one
/// whose text changed: the same graph as a build over the corpus as it is now, with new
/// claims numbered after the highest stored (ids are stable: a claim keeps its id across
/// updates). Documents not among an update's inputs stay in the store.
#[test]
fn updates_give_the_graph_a_build_over_the_same_documents_gives() {
    let dir = tempdir();
    let full = dir.path().join("full");
    build(&[&root().join("seeds")], &full, &[]);
    let whole = graph(&full);

    // New documents after the stored ones.
    let (a, b) = split_seeds(&dir.path().join("s1"), &[0, 1, 2]);
    let out = dir.path().join("out1");
    build(&[&a], &out, &[]);
    let note = update(&[&b], &out);
    assert!(note.contains("2 documents added, 0 replaced, 0 unchanged"), "{note}");
    let updated = std::fs::read_to_string(out.join("graph.json")).unwrap();
    let seeds = format!("{}/", root().join("seeds").display());
    let relocated = updated.replace(&format!("{}/", a.display()), &seeds).replace(&format!("{}/", b.display()), &seeds);
    assert_eq!(relocated, std::fs::read_to_string(full.join("graph.json")).unwrap());

    // Unchanged: skipped before analysis, and the store says the same.
    let note = update(&[&a, &b], &out);
    assert!(note.contains("0 documents added, 0 replaced, 5 unchanged; 0 claims added"), "{note}");
    assert_eq!(std::fs::read_to_string(out.join("graph.json")).unwrap(), updated);

    // Inserted among the stored documents: the same graph, claim ids aside.
    let (a, b) = split_seeds(&dir.path().join("s2"), &[0, 1, 3, 4]);
    let out = dir.path().join("out2");
    build(&[&a], &out, &[]);
    let before = graph(&out);
    update(&[&b], &out);
    let after = graph(&out);
    assert_eq!(canonical(after.clone()), canonical(whole.clone()));
    // Stable ids: every claim of the first build keeps its id and content.
    let by_id = |g: &Value| -> std::collections::BTreeMap<String, Value> {
        g["claims"].as_array().unwrap().iter().map(|c| (c["id"].as_str().unwrap().to_string(), c.clone())).collect()
    };
    let (old, new) = (by_id(&before), by_id(&after));
    for (id, c) in &old {
        assert_eq!(new[id]["sentence"], c["sentence"], "{id}");
    }

    // Changed text: replaced, and the graph is a build's over the changed corpus.
    let changed = dir.path().join("s2/a/001_9f81c5ad6574b3d4.txt");
    let text = std::fs::read_to_string(&changed).unwrap();
    std::fs::write(&changed, format!("Russia condemned Israel for the strikes on Iran.\n\n{text}")).unwrap();
    let note = update(&[&a], &out);
    assert!(note.contains("0 documents added, 1 replaced, 3 unchanged"), "{note}");
    let rebuilt = dir.path().join("rebuilt");
    build(&[&a, &b], &rebuilt, &[]);
    assert_eq!(canonical(graph(&out)), canonical(graph(&rebuilt)));
    assert!(graph(&out)["claims"].as_array().unwrap().iter().any(|c| c["sentence"].as_str().unwrap().contains("Russia condemned Israel for the strikes")));

    // Documents not named by an update stay (the store grows; nothing is dropped for absence).
    let note = update(&[&b], &out);
    assert!(note.contains("0 documents added, 0 replaced, 1 unchanged"), "{note}");
    assert_eq!(graph(&out)["documents"].as_array().unwrap().len(), 5);
}

/// A state first mentioned by a later document takes its people's earlier claims with it
/// (claims roll up to a state once it is in the graph), and copies are looked for again: an
/// earlier-dated document's claim makes a stored one a copy. As a build over all would.
#[test]
fn an_update_moves_claims_to_a_newly_mentioned_state_and_finds_copies_again() {
    let dir = tempdir();
    let first = dir.path().join("first.jsonl");
    let second = dir.path().join("second.jsonl");
    let line =
        |id: &str, date: &str, text: &str| serde_json::json!({"id": id, "published": date, "outlet": format!("Outlet {id}"), "text": text}).to_string() + "\n";
    let sentence = "Vladimir Putin warmly praised Masoud Pezeshkian for the strategic partnership treaty signed in the Kremlin on Friday after long talks.";
    std::fs::write(&first, line("d2", "2025-01-10", sentence)).unwrap();
    std::fs::write(
        &second,
        line("d1", "2025-01-05", &format!("{sentence} Russia and Iran said so.")).to_string()
            + &line("d3", "2025-01-12", "Russia condemned the strikes on Iran. Tehran thanked Moscow."),
    )
    .unwrap();
    let out = dir.path().join("out");
    build(&[&first], &out, &[]);
    let before = graph(&out);
    assert!(before["claims"].as_array().unwrap().iter().all(|c| c["subject_state"] != "russia"), "no Russia node yet");
    let note = update(&[&second], &out);
    assert!(note.contains("2 documents added"), "{note}");
    let all = dir.path().join("all");
    build(&[&first, &second], &all, &[]);
    assert_eq!(canonical(graph(&out)), canonical(graph(&all)));
    let g = graph(&out);
    let d2: Vec<&Value> = g["claims"].as_array().unwrap().iter().filter(|c| c["document"] == "d2").collect();
    assert!(!d2.is_empty() && d2.iter().all(|c| c["subject_state"] == "russia" || c["object_state"] == "russia"), "{d2:?}");
    assert!(d2.iter().any(|c| c["copy_of"].is_string()), "d2 copies the earlier d1: {d2:?}");
}

/// The store refuses what it cannot answer for: an update with another gazetteer (unless
/// --reanalyse), another window; a file that is not a store; a store of a newer schema. Each
/// exits 2 naming the file.
#[test]
fn a_store_of_another_gazetteer_schema_or_kind_is_refused() {
    let dir = tempdir();
    let out = dir.path().join("out");
    let seeds = root().join("seeds");
    build(&[&seeds], &out, &[]);
    let db = out.join("newsgraph.db");
    // Another gazetteer: the default one with one more entity.
    let gaz = dir.path().join("gaz");
    copy_dir(&root().join("gazetteer"), &gaz);
    std::fs::write(gaz.join("extra.toml"), "[[entity]]\nid = \"zz-test-person\"\nname = \"Zeno Zzyzx\"\ntype = \"person\"\naffiliation = \"russia\"\n")
        .unwrap();
    let args = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> =
            ["build", "--update", "--gazetteer", gaz.to_str().unwrap(), seeds.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json,store"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    fn refs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let o = run(&refs(&args(&[])), "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("newsgraph.db") && stderr(&o).contains("--reanalyse"), "{}", stderr(&o));
    let o = run(&refs(&args(&["--reanalyse"])), "");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("analysed every stored document again"), "{}", stderr(&o));
    let g = graph(&out);
    assert_eq!(g["documents"].as_array().unwrap().len(), 5);
    let o = run(&["build", "--update", "--window", "paragraph", "-o", out.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--window sentence"), "{}", stderr(&o));
    // Not a store.
    let text = dir.path().join("not.db");
    std::fs::write(&text, "hello").unwrap();
    let o = run(&["compare", "Russia", "Iran", "--db", text.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not.db") && stderr(&o).contains("not a newsgraph store"), "{}", stderr(&o));
    // A damaged store: cut short.
    let cut = dir.path().join("cut.db");
    std::fs::write(&cut, &std::fs::read(&db).unwrap()[..100_000]).unwrap();
    let o = run(&["compare", "Russia", "Iran", "--db", cut.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cut.db") && stderr(&o).contains("malformed"), "{}", stderr(&o));
    // A store of a newer schema.
    let newer = dir.path().join("newer.db");
    std::fs::copy(&db, &newer).unwrap();
    if need("sqlite3", "a_store_of_another_gazetteer_schema_or_kind_is_refused") {
        let o = Command::new("sqlite3").arg(&newer).arg("UPDATE meta SET value = '99' WHERE key = 'schema'").output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let o = run(&["compare", "Russia", "Iran", "--db", newer.to_str().unwrap()], "");
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("newer.db") && stderr(&o).contains("newer newsgraph"), "{}", stderr(&o));
    }
    // A store or graph.json given to build as an article is recognised, not read.
    for f in [db.clone(), out.join("graph.json")] {
        let o = run(&["build", f.to_str().unwrap(), "-o", dir.path().join("x").to_str().unwrap()], "");
        assert_eq!(o.status.code(), Some(2), "{f:?}");
        assert!(stderr(&o).contains(f.file_name().unwrap().to_str().unwrap()) && stderr(&o).contains("not an article"), "{}", stderr(&o));
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            copy_dir(&p, &to.join(p.file_name().unwrap()));
        } else {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

/// The sqlite3 command line opens the store, with the views and the full-text index.
#[test]
fn sqlite3_opens_the_store() {
    if !need("sqlite3", "sqlite3_opens_the_store") {
        return;
    }
    let dir = tempdir();
    build(&[&root().join("seeds")], dir.path(), &[]);
    let db = dir.path().join("newsgraph.db");
    let q = |sql: &str| {
        let o = Command::new("sqlite3").arg(&db).arg(sql).output().unwrap();
        assert!(o.status.success(), "{sql}: {}", stderr(&o));
        stdout(&o).trim().to_string()
    };
    let g = graph(dir.path());
    assert_eq!(q("PRAGMA integrity_check"), "ok");
    assert_eq!(q("SELECT count(*) FROM claim_evidence"), g["claims"].as_array().unwrap().len().to_string());
    assert_eq!(q("SELECT count(*) FROM edges"), g["edges"].as_array().unwrap().len().to_string());
    assert_eq!(q("SELECT count(*) FROM entities"), g["nodes"].as_array().unwrap().len().to_string());
    // Every claim id of graph.json is in the store, and the other way round.
    let ids: Vec<String> = g["claims"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(q("SELECT group_concat(id, ',') FROM (SELECT id FROM claim_evidence ORDER BY id)"), {
        let mut s = ids.clone();
        s.sort();
        s.join(",")
    });
    assert!(q("SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH 'cold shoulder'").parse::<u32>().unwrap() >= 1);
    // The README's question: who says Russia and Iran are allies, and since when.
    let allies = q(
        "SELECT outlet, min(published) FROM claim_evidence WHERE pair = 'iran | russia' AND polarity = 'cooperative' AND NOT negated GROUP BY outlet ORDER BY 2",
    );
    assert!(allies.contains("2022-07-19"), "{allies}");
    // Per-document counts in words agree with graph.json's.
    let edge = g["edges"].as_array().unwrap().iter().find(|e| e["kind"] == "co_mention" && e["source"] == "iran" && e["target"] == "russia").unwrap();
    for (doc, n) in edge["documents"].as_object().unwrap() {
        assert_eq!(
            q(&format!("SELECT sentences FROM co_mention_documents WHERE source = 'iran' AND target = 'russia' AND document = '{doc}'")),
            n.to_string(),
            "{doc}"
        );
    }
    let node = g["nodes"].as_array().unwrap().iter().find(|n| n["id"] == "vladimir-putin").unwrap();
    for (doc, n) in node["documents"].as_object().unwrap() {
        assert_eq!(q(&format!("SELECT mentions FROM entity_documents WHERE entity = 'vladimir-putin' AND document = '{doc}'")), n.to_string(), "{doc}");
    }
    // npmi in the edges view agrees with graph.json's.
    let npmi = q("SELECT npmi FROM edges WHERE kind = 'co_mention' AND source = 'iran' AND target = 'russia'");
    let want = g["edges"].as_array().unwrap().iter().find(|e| e["kind"] == "co_mention" && e["source"] == "iran" && e["target"] == "russia").unwrap()["npmi"]
        .as_f64()
        .unwrap();
    assert!((npmi.parse::<f64>().unwrap() - want).abs() < 1e-9, "{npmi} against {want}");
}

/// Datasette serves the seed store out of the box (the folder: store and metadata.json): a
/// canned query and a facet answer over its JSON API.
#[test]
fn datasette_serves_the_store_with_its_queries_and_facets() {
    if !need("datasette", "datasette_serves_the_store_with_its_queries_and_facets") {
        return;
    }
    let dir = tempdir();
    let out = dir.path().join("out");
    build(&[&root().join("seeds")], &out, &[]);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = Command::new("datasette")
        .args(["serve", out.to_str().unwrap(), "--host", "127.0.0.1", "--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    struct Stop(std::process::Child);
    impl Drop for Stop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _ = server.stdout.take();
    let server = Stop(server);
    let get = |path: &str| -> Option<Value> {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
        write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
        let mut body = String::new();
        s.read_to_string(&mut body).ok()?;
        let (head, json) = body.split_once("\r\n\r\n")?;
        assert!(head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200"), "{path}: {head}\n{json}");
        serde_json::from_str(json).ok()
    };
    let mut timeline = None;
    for _ in 0..150 {
        timeline = get("/newsgraph/pair_timeline.json?a=russia&b=iran&_shape=array");
        if timeline.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let timeline = timeline.expect("datasette answers");
    let rows = timeline.as_array().unwrap();
    assert!(rows.len() >= 10, "{timeline}");
    assert_eq!(rows[0]["published"], "2022-07-19");
    assert!(rows.iter().any(|r| r["sentence"].as_str().unwrap().contains("cold shoulder")));
    // Every canned query answers.
    for (query, want) in [
        ("who_says_what.json?a=iran&b=russia&_shape=array", "partnership"),
        ("allies_since.json?a=russia&b=iran&_shape=array", "2022-07-19"),
        ("edge_sentences.json?source=vladimir-putin&target=iran&_shape=array", "Putin"),
    ] {
        let rows = get(&format!("/newsgraph/{query}")).unwrap();
        assert!(rows.as_array().is_some_and(|r| !r.is_empty()) && rows.to_string().contains(want), "{query}: {rows}");
    }
    let table = get("/newsgraph/claim_evidence.json?_facet=pair").unwrap();
    let facets = &table["facet_results"];
    let pairs = facets.get("results").map_or(&facets["pair"], |r| &r["pair"]);
    assert!(pairs["results"].as_array().unwrap().iter().any(|r| r["value"] == "iran | russia"), "{facets}");
    // The metadata's facets are on by default.
    let table = get("/newsgraph/claim_evidence.json").unwrap();
    let facets = table["facet_results"].to_string();
    assert!(facets.contains("outlet") && facets.contains("relation") && facets.contains("polarity"), "{facets}");
    drop(server);
}

/// kill -9 at random moments of a build, and of an update, leaves the previous store
/// readable and whole: it renders the graph it rendered before (or the finished new one).
#[cfg(unix)]
#[test]
fn kill_9_mid_build_or_update_leaves_the_previous_store() {
    let dir = tempdir();
    let corpus = dir.path().join("corpus.jsonl");
    let more = dir.path().join("more.jsonl");
    repeated(&corpus, "000_9c67dfa773ecab7c.txt", "Putin", 0, 300);
    repeated(&more, "000_9c67dfa773ecab7c.txt", "Putin", 300, 300);
    let out = dir.path().join("out");
    build(&[&corpus], &out, &[]);
    let render = |to: &str| -> Vec<u8> {
        let dest = dir.path().join(to);
        let o = run(&["export", out.join("newsgraph.db").to_str().unwrap(), "--format", "json", "-o", dest.to_str().unwrap()], "");
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read(dest.join("graph.json")).unwrap()
    };
    let before = render("r0");
    let mut state: u64 = 987654321;
    for (round, update) in [false, true, false, true, true, false, true, true].into_iter().enumerate() {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let delay = std::time::Duration::from_millis(100 + (state >> 33) % 2500);
        let mut args = vec!["build".to_string()];
        args.push(if update { more.display().to_string() } else { corpus.display().to_string() });
        args.extend(["-o".into(), out.display().to_string(), "--format".into(), "store".into()]);
        if update {
            args.push("--update".into());
        }
        let mut child =
            Command::new(env!("CARGO_BIN_EXE_newsgraph")).args(&args).current_dir(root()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = Command::new("kill").args(["-9", &child.id().to_string()]).status();
        let finished = child.wait().unwrap().success();
        let now = render(&format!("r{}", round + 1));
        if finished && update {
            // The update went through: from here on the store holds both files.
            assert_ne!(now, before);
            return;
        }
        assert_eq!(now, before, "store after kill -9 at {delay:?} of {args:?}");
    }
}

/// Two updates at once: the second waits for the first (one writer at a time) and then finds
/// its documents stored; nothing is lost or corrupted.
#[test]
fn concurrent_updates_wait_for_each_other() {
    let dir = tempdir();
    let base = dir.path().join("base.jsonl");
    let seed = "001_9f81c5ad6574b3d4.txt";
    repeated(&base, seed, "Russia", 0, 20);
    let (x, y) = (dir.path().join("x.jsonl"), dir.path().join("y.jsonl"));
    repeated(&x, seed, "Russia", 100, 200);
    repeated(&y, seed, "Russia", 300, 200);
    let out = dir.path().join("out");
    build(&[&base], &out, &[]);
    let spawn = |input: &Path| {
        Command::new(env!("CARGO_BIN_EXE_newsgraph"))
            .args(["build", "--update", input.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json,store"])
            .current_dir(root())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (p, q) = (spawn(&x), spawn(&y));
    let (p, q) = (p.wait_with_output().unwrap(), q.wait_with_output().unwrap());
    assert!(p.status.success(), "{}", stderr(&p));
    assert!(q.status.success(), "{}", stderr(&q));
    let all = dir.path().join("all");
    build(&[&base, &x, &y], &all, &[]);
    assert_eq!(canonical(graph(&out)), canonical(graph(&all)));
    // A build started while an update runs waits for it, then puts its own store in place:
    // the update's work is not written into a file the build has already replaced.
    let z = dir.path().join("z.jsonl");
    repeated(&z, seed, "Russia", 600, 300);
    let updating = spawn(&z);
    std::thread::sleep(std::time::Duration::from_millis(300));
    build(&[&base], &out, &[]);
    let u = updating.wait_with_output().unwrap();
    assert!(u.status.success() || stderr(&u).contains("replaced this store"), "{}", stderr(&u));
    let o = run(&["export", out.join("newsgraph.db").to_str().unwrap(), "--format", "json", "-o", dir.path().join("after").to_str().unwrap()], "");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(graph(&dir.path().join("after"))["documents"].as_array().unwrap().len(), 20, "the build's store, whole");
}

/// `--reanalyse` reads a stored document again from the file it came from, when its path
/// names a place inside one: a WARC record (`archive.warc@offset`), a feed item
/// (`feed.rss: item 2`), a JSON Lines record (`corpus.jsonl:2`).
#[test]
fn reanalyse_reads_archives_feeds_and_record_files_again() {
    let dir = tempdir();
    let d = dir.path();
    let out = d.join("out");
    let page = std::fs::read(root().join("tests/data/pages/wire.html")).unwrap();
    let mut warc = format!("WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:wire-1>\r\nWARC-Date: 2025-06-16T10:00:00Z\r\nWARC-Target-URI: https://www.reuters.com/x\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n", page.len()).into_bytes();
    warc.extend_from_slice(&page);
    warc.extend_from_slice(b"\r\n\r\n");
    std::fs::write(d.join("crawl.warc"), warc).unwrap();
    std::fs::write(
        d.join("wire.jsonl"),
        "{\"id\": \"j1\", \"text\": \"Russia condemned the US strikes on Iran.\"}\n{\"id\": \"j2\", \"text\": \"China and Russia signed a treaty.\"}\n",
    )
    .unwrap();
    let feeds = root().join("tests/data/feeds");
    build(&[&d.join("crawl.warc"), &d.join("wire.jsonl"), &feeds], &out, &[]);
    let paths = |g: Value| g["documents"].as_array().unwrap().iter().map(|x| x["path"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(paths(graph(&out)).len(), 6, "{:?}", paths(graph(&out)));
    let gaz = d.join("gaz");
    copy_dir(&root().join("gazetteer"), &gaz);
    std::fs::write(gaz.join("extra.toml"), "[[entity]]\nid = \"zz-test-person\"\nname = \"Zeno Zzyzx\"\ntype = \"person\"\naffiliation = \"russia\"\n")
        .unwrap();
    // The JSON Lines file named again; the archive and the feeds read from the store's paths.
    let o = run(
        &[
            "build",
            "--update",
            "--reanalyse",
            "--gazetteer",
            gaz.to_str().unwrap(),
            d.join("wire.jsonl").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--format",
            "json,store",
        ],
        "",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("analysed every stored document again (4 files)"), "{}", stderr(&o));
    assert_eq!(graph(&out)["documents"].as_array().unwrap().len(), 6);
}

/// A store written by an earlier version (here: before documents had `provider`) is named as
/// such in one line, exit 2, not with the failing query and its thousands of ids.
#[test]
fn a_store_from_an_earlier_version_is_named_in_one_line() {
    let dir = tempdir();
    let out = dir.path().join("out");
    let o = run(&["build", root().join("seeds").to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "store"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let db = out.join("newsgraph.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("ALTER TABLE documents DROP COLUMN provider").unwrap();
    drop(conn);
    let o = run(&["compare", "Russia", "Iran", "--db", db.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("no column \"provider\"") && err.contains("earlier newsgraph") && err.lines().count() == 1, "{err}");
}
