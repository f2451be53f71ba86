//! Every export format, read back by the program it is for, with counts equal to graph.json;
//! `newsgraph export` from a saved graph; the legibility filters.

use std::process::Command;

use serde_json::Value;

use crate::common::*;

fn graph(dir: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("graph.json")).unwrap()).unwrap()
}

const ALL_FILES: [&str; 11] = [
    "graph.json",
    "graph.dot",
    "graph.svg",
    "graph.png",
    "graph.gexf",
    "graph.graphml",
    "graph.cytoscape.json",
    "graph.nodelink.json",
    "nodes.csv",
    "relationships.csv",
    "report.html",
];

#[test]
fn every_format_is_written_and_read_back_by_its_consumer() {
    let dir = tempdir();
    build_seeds(dir.path(), &["--format", "all"]);
    let need_dot = ["graph.svg", "graph.png"];
    for f in ALL_FILES {
        if need_dot.contains(&f) && !have("dot") {
            continue;
        }
        let meta = std::fs::metadata(dir.path().join(f)).unwrap_or_else(|_| panic!("{f} written"));
        assert!(meta.len() > 0, "{f} is empty");
    }
    // networkx (GEXF, GraphML, node-link), Cytoscape elements and a CSV reader (Neo4j).
    let script = root().join("tests/consumers/check_formats.py");
    match Command::new("python3").arg(&script).arg(dir.path()).output() {
        Err(_) => eprintln!("SKIP consumer check: python3 is not installed"),
        Ok(o) if o.status.code() == Some(3) => eprintln!("SKIP consumer check: {}", stdout(&o).trim()),
        Ok(o) => assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o)),
    }
    // Graphviz reads the DOT without a warning.
    if have("dot") {
        let o = Command::new("dot").arg("-Tsvg").arg(dir.path().join("graph.dot")).output().unwrap();
        assert!(o.status.success() && o.stderr.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
    } else {
        eprintln!("SKIP dot check: Graphviz is not installed");
    }
}

#[cfg(unix)]
#[test]
fn outputs_are_ordinary_readable_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    build_seeds(dir.path(), &["--format", "json"]);
    let mode = std::fs::metadata(dir.path().join("graph.json")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o644);
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"].into_iter().find(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
}

/// The report in a real browser (headless Chromium driven over the DevTools protocol by
/// `tests/consumers/browser.py`): no console errors; a real mouse click at the middle of every
/// clickable edge, in the state-level view and the full graph, opens that edge's own evidence
/// (issue 23: 6 of 31 clicks hit another edge or nothing); the view toggle, the rule ids on
/// demand and the zoom work; a screenshot is taken.
#[test]
fn report_edges_open_their_evidence_on_a_real_click() {
    let Some(browser) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI installs Chromium");
        eprintln!("SKIP report check: no headless Chromium (apt-get install chromium)");
        return;
    };
    if !need("dot", "report_edges_open_their_evidence_on_a_real_click") {
        return;
    }
    let dir = tempdir();
    build_seeds(dir.path(), &["--format", "report"]);
    let report = dir.path().join("report.html");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(!html.contains("<script src") && !html.contains("<link "), "self-contained");
    let shot = dir.path().join("report.png");
    let o = Command::new("python3")
        .arg(root().join("tests/consumers/browser.py"))
        .args([browser, "report", &format!("file://{}", report.display()), shot.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["errors"], serde_json::json!([]), "console errors: {r}");
    assert!(r.get("toggle_failed").is_none(), "{r}");
    for view in ["s", "f"] {
        let v = &r["views"][view];
        assert!(v["edges"].as_u64().unwrap() >= 20, "{view}: {r}");
        assert_eq!(v["failed"], serde_json::json!([]), "{view}: clicks that opened another edge or nothing");
    }
    assert_eq!((r["rules_hidden"].as_bool(), r["rules_shown"].as_bool(), r["zoomed"].as_bool()), (Some(true), Some(true), Some(true)), "{r}");
    assert!(std::fs::metadata(&shot).unwrap().len() > 20_000, "a screenshot");
}

#[test]
fn export_converts_a_saved_graph_to_the_same_files() {
    let (a, b) = (tempdir(), tempdir());
    build_seeds(a.path(), &["--format", "all"]);
    let saved = a.path().join("graph.json");
    let o = run(&["export", saved.to_str().unwrap(), "-o", b.path().to_str().unwrap(), "--format", "all"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ALL_FILES {
        if f == "graph.png" || !a.path().join(f).exists() {
            continue; // PNG bytes may carry renderer details; the DOT they come from is compared
        }
        assert_eq!(std::fs::read(a.path().join(f)).unwrap(), std::fs::read(b.path().join(f)).unwrap(), "{f}");
    }
    // A broken graph.json is named with its line.
    let bad = b.path().join("bad.json");
    std::fs::write(&bad, "{\n  \"schema\": \"newsgraph.graph/1\",\n  oops\n}\n").unwrap();
    let o = run(&["export", bad.to_str().unwrap(), "-o", b.path().to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.json:3"), "{}", stderr(&o));
}

#[test]
fn legibility_filters() {
    let full = tempdir();
    build_seeds(full.path(), &["--format", "json"]);
    let g = graph(full.path());
    let nodes = |g: &Value| g["nodes"].as_array().unwrap().len();
    let ids = |g: &Value| g["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let edges_ok = |g: &Value| {
        let ids = ids(g);
        g["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| ids.contains(&e["source"].as_str().unwrap().to_string()) && ids.contains(&e["target"].as_str().unwrap().to_string()))
    };
    let filtered = |args: &[&str]| {
        let dir = tempdir();
        build_seeds(dir.path(), &[&["--format", "json,dot"], args].concat());
        let g = graph(dir.path());
        assert!(edges_ok(&g), "{args:?}: every edge joins kept nodes");
        g
    };
    let top = filtered(&["--top", "10"]);
    assert!(nodes(&top) <= 10 && ids(&top).contains(&"iran".to_string()));
    let states = filtered(&["--types", "state"]);
    assert!(states["nodes"].as_array().unwrap().iter().all(|n| n["type"] == "state"));
    let ego = filtered(&["--focus", "Kremlin", "--depth", "1"]);
    assert!(ids(&ego).contains(&"kremlin".to_string()) && nodes(&ego) < nodes(&g));
    let rolled = filtered(&["--state-level"]);
    assert!(!ids(&rolled).contains(&"vladimir-putin".to_string()) && ids(&rolled).contains(&"russia".to_string()));
    let putin = g["nodes"].as_array().unwrap().iter().find(|n| n["id"] == "vladimir-putin").unwrap()["mentions"].as_u64().unwrap();
    let russia = |g: &Value| g["nodes"].as_array().unwrap().iter().find(|n| n["id"] == "russia").unwrap()["mentions"].as_u64().unwrap();
    assert!(russia(&rolled) >= russia(&g) + putin, "people's mentions fold into their state");
    let heavy = filtered(&["--min-weight", "3"]);
    assert!(heavy["edges"].as_array().unwrap().iter().all(|e| e["kind"] == "affiliation" || e["weight"].as_u64().unwrap() >= 3));
    assert_eq!(heavy["settings"]["filters"][0], "min-weight=3");
    let o = run(&["build", "-o", full.path().to_str().unwrap(), "--focus", "Atlantis"], "");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn diagram_options_render_without_warnings() {
    if !have("dot") {
        eprintln!("SKIP diagram options: Graphviz is not installed");
        return;
    }
    for args in [["--cluster-by-state", "--layout", "dot"], ["--layout", "sfdp", "--state-level"]] {
        let dir = tempdir();
        let o = build_seeds(dir.path(), &[&["--format", "dot,svg"], &args[..]].concat());
        assert!(!stderr(&o).contains("Warning"), "{args:?}: {}", stderr(&o));
        assert!(dir.path().join("graph.svg").is_file());
    }
}
