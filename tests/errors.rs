//! Bad input: exit code 2, a message naming the culprit, and no damage to earlier outputs.

use crate::common::*;

fn fails_naming(args: &[&str], stdin: &str, needle: &str) -> String {
    let o = run(args, stdin);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.contains(needle), "{args:?}: expected {needle:?} in {err:?}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn missing_input_is_named() {
    let dir = tempdir();
    fails_naming(&["build", "no/such/folder", "-o", dir.path().to_str().unwrap()], "", "no/such/folder");
}

#[test]
fn malformed_json_lines_name_file_and_line() {
    let dir = tempdir();
    let f = dir.path().join("docs.jsonl");
    std::fs::write(&f, "{\"id\": \"a\", \"text\": \"Russia\"}\n{\"id\": \"b\", \"text\": \n").unwrap();
    fails_naming(&["tag", f.to_str().unwrap()], "", "docs.jsonl:2");
    std::fs::write(&f, "{\"id\": \"a\"}\n").unwrap();
    fails_naming(&["tag", f.to_str().unwrap()], "", "docs.jsonl:1: record has no \"text\"");
}

#[test]
fn duplicate_document_ids_name_both_places() {
    let dir = tempdir();
    let f = dir.path().join("docs.jsonl");
    std::fs::write(&f, "{\"id\": \"a\", \"text\": \"x\"}\n{\"id\": \"a\", \"text\": \"y\"}\n").unwrap();
    let err = fails_naming(&["tag", f.to_str().unwrap()], "", "document id \"a\"");
    assert!(err.contains("docs.jsonl:1") && err.contains("docs.jsonl:2"), "{err}");
}

#[test]
fn gazetteer_syntax_error_names_file_line_column() {
    let dir = tempdir();
    let g = dir.path().join("bad.toml");
    std::fs::write(&g, "[[entity]]\nname = \"A\"\naliases = [\"A\",\n").unwrap();
    fails_naming(&["tag", "--gazetteer", g.to_str().unwrap(), "-"], "A", "bad.toml:");
    std::fs::write(&g, "[[entity]]\nname = \"A\"\nalias = [\"A\"]\n").unwrap();
    fails_naming(&["tag", "--gazetteer", g.to_str().unwrap(), "-"], "A", "bad.toml:3:1");
}

#[test]
fn invalid_gazetteer_stops_a_build() {
    let dir = tempdir();
    let g = dir.path().join("g.toml");
    std::fs::write(&g, "[[entity]]\nid = \"a\"\nname = \"A\"\naffiliation = \"atlantis\"\n").unwrap();
    fails_naming(&["build", "-o", dir.path().to_str().unwrap(), "--gazetteer", g.to_str().unwrap()], "", "g.toml:1");
    assert!(!dir.path().join("graph.json").exists());
}

#[test]
fn output_path_that_is_a_file() {
    let dir = tempdir();
    let f = dir.path().join("taken");
    std::fs::write(&f, "x").unwrap();
    fails_naming(&["build", "-o", f.to_str().unwrap()], "", "taken");
}

#[test]
fn unknown_format_and_zero_threads() {
    let dir = tempdir();
    let out = dir.path().to_str().unwrap();
    fails_naming(&["build", "-o", out, "--format", "json,pdf"], "", "unknown format \"pdf\"");
    fails_naming(&["build", "-o", out, "--threads", "0"], "", "--threads");
}

#[test]
fn a_failed_run_keeps_earlier_outputs() {
    let dir = tempdir();
    build_seeds(dir.path(), &["--format", "json,dot"]);
    let before = std::fs::read(dir.path().join("graph.json")).unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "not json\n").unwrap();
    fails_naming(&["build", bad.to_str().unwrap(), "-o", dir.path().to_str().unwrap()], "", "bad.jsonl:1");
    assert_eq!(std::fs::read(dir.path().join("graph.json")).unwrap(), before);
    let leftovers: Vec<_> =
        std::fs::read_dir(dir.path()).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().starts_with(".newsgraph-")).collect();
    assert!(leftovers.is_empty());
}

/// `export` never writes over the graph.json it reads (the next export would work on the cut
/// graph), and a `--types` value no node has is refused with the closest type the graph has,
/// not answered with an empty graph and exit 0.
#[test]
fn export_traps() {
    let dir = tempdir();
    let out = dir.path().join("out");
    let o = run(&["build", root().join("seeds").to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let graph = out.join("graph.json");
    let before = std::fs::read(&graph).unwrap();
    let o = run(&["export", graph.to_str().unwrap(), "--focus", "Putin", "-o", out.to_str().unwrap(), "--format", "json"], "");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("would write over its input"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&graph).unwrap(), before, "the input stays");
    let o = run(&["export", graph.to_str().unwrap(), "--focus", "Putin", "-o", out.join("putin").to_str().unwrap(), "--format", "json"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    for (types, want) in [
        ("persons", "did you mean \"person\""),
        ("State", ""),
        ("person,sate", "did you mean \"state\""),
        ("zzz", "no node of this graph is of type \"zzz\" (its types: "),
    ] {
        let o = run(&["export", graph.to_str().unwrap(), "--types", types, "-o", out.join("t").to_str().unwrap(), "--format", "json"], "");
        if want.is_empty() {
            assert!(o.status.success(), "{types}: {}", stderr(&o));
        } else {
            assert_eq!(o.status.code(), Some(2), "{types}: {}", stderr(&o));
            assert!(stderr(&o).contains(want), "{types}: {}", stderr(&o));
        }
    }
}

/// The rest of issue 23's traps, each of which failed before its fix:
/// - `--focus Rusia` says "did you mean Russia?";
/// - `tag` offsets are UTF-8 bytes by default, and `--offsets chars` gives code points, so
///   Python's `text[start:end]` is the mention;
/// - the binary runs from any folder with its built-in gazetteer, giving what the checkout's
///   `gazetteer/` folder gives;
/// - a build on a terminal shows documents, bytes of text and the rate;
/// - one count per pair: compare, compare --all and the report give the same claims and
///   copies.
#[test]
fn command_line_traps() {
    let dir = tempdir();
    let out = dir.path().join("out");
    let o = run(&["build", root().join("seeds").to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json,store,report"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let graph = out.join("graph.json");
    let o = run(&["export", graph.to_str().unwrap(), "--focus", "Rusia", "-o", out.join("f").to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean \"Russia\"?"), "{}", stderr(&o));

    // Offsets.
    let text = "São Paulo — Россия and Iran met in Brasília.";
    let input = format!("{}\n", serde_json::json!({"id": "x", "text": text}));
    for (how, extra) in [("bytes", &[][..]), ("chars", &["--offsets", "chars"][..])] {
        let o = run(&[&["tag", "-"][..], extra].concat(), &input);
        assert!(o.status.success(), "{}", stderr(&o));
        let rec: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        let mentions = rec["mentions"].as_array().unwrap();
        assert!(mentions.iter().any(|m| m["entity"] == "iran"), "{rec}");
        for m in mentions {
            let (start, end) = (m["start"].as_u64().unwrap() as usize, m["end"].as_u64().unwrap() as usize);
            let got: String = if how == "bytes" { text[start..end].to_string() } else { text.chars().skip(start).take(end - start).collect() };
            assert_eq!(got, m["text"].as_str().unwrap(), "{how}: {m}");
        }
    }
    let help = stdout(&run(&["tag", "--help"], ""));
    assert!(help.contains("UTF-8 byte") && help.contains("--offsets"), "{help}");

    // The built-in gazetteer, from a folder without one.
    let elsewhere = tempdir();
    let run_in =
        |dir: &std::path::Path, args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_newsgraph")).args(args).current_dir(dir).output().unwrap();
    std::fs::write(elsewhere.path().join("a.txt"), "Russia condemned the US strikes on Iran.\n").unwrap();
    let o = run_in(elsewhere.path(), &["build", "a.txt", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o2 = run_in(elsewhere.path(), &["build", "a.txt", "--format", "json", "-o", "out2", "--gazetteer", root().join("gazetteer").to_str().unwrap()]);
    assert!(o2.status.success(), "{}", stderr(&o2));
    let digest = |p: std::path::PathBuf| -> serde_json::Value {
        let g: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        g["gazetteer"].clone()
    };
    assert_eq!(
        digest(elsewhere.path().join("out/graph.json")),
        digest(elsewhere.path().join("out2/graph.json")),
        "the built-in gazetteer is the shipped folder"
    );
    let o = run_in(elsewhere.path(), &["gazetteer", "check"]);
    assert!(o.status.success() && stderr(&o).contains("the built-in gazetteer: "), "{}", stderr(&o));

    // Progress on a terminal (script(1) gives the build one).
    if have("script") {
        let cmd = format!("{} build {} -o {} --format json", env!("CARGO_BIN_EXE_newsgraph"), root().join("seeds").display(), out.join("p").display());
        let o = std::process::Command::new("script").args(["-qec", &cmd, "/dev/null"]).current_dir(root()).output().unwrap();
        let screen = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{screen}");
        assert!(screen.contains(" documents · ") && screen.contains("B of text · ") && screen.contains("B/s"), "{screen}");
    } else {
        assert!(std::env::var_os("CI").is_none(), "CI has script(1)");
    }

    // One count per pair.
    let db = out.join("newsgraph.db");
    let c: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["compare", "Russia", "Iran", "--db", db.to_str().unwrap(), "--format", "json"], ""))).unwrap();
    let (claims, copies) = (c["claims"].as_u64().unwrap(), c["copies"].as_u64().unwrap());
    assert!(copies > 0);
    let all: serde_json::Value = serde_json::from_str(&stdout(&run(&["compare", "--all", "--db", db.to_str().unwrap(), "--format", "json"], ""))).unwrap();
    let row = all.as_array().unwrap().iter().find(|r| r["a"] == "iran" && r["b"] == "russia").unwrap();
    assert_eq!((row["claims"].as_u64(), row["copies"].as_u64()), (Some(claims), Some(copies)));
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    let heading = format!("<h3>Iran and Russia</h3><p>{claims} claims, of which {copies} copies, from 5 sources.</p>");
    assert!(report.contains(&heading), "{heading}");
    let table = stdout(&run(&["compare", "Russia", "Iran", "--db", db.to_str().unwrap()], ""));
    assert!(table.starts_with(&format!("Russia – Iran: {claims} claims, of which {copies} copies, from 5 sources")), "{table}");
}
