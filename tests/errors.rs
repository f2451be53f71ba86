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
