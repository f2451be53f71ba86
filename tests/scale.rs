//! Scale-out: `map` and `merge` give what `build` gives, whatever the sharding, order and
//! grouping; a compiled gazetteer and the gazetteer cache give the same graph as TOML.

use serde_json::Value;

use crate::common::*;

/// The seeds as JSON Lines records, with the metadata of their manifest and their path.
fn seed_records() -> Vec<String> {
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(root().join("seeds/manifest.json")).unwrap()).unwrap();
    let mut out = Vec::new();
    for d in manifest["documents"].as_array().unwrap() {
        let file = d["file"].as_str().unwrap();
        let text = std::fs::read_to_string(root().join("seeds").join(file)).unwrap();
        let id = file.trim_end_matches(".txt");
        let rec = serde_json::json!({
            "id": id, "text": text, "path": format!("seeds/{file}"),
            "title": d["title"], "outlet": d["outlet"], "url": d["url"], "published": d["published"],
        });
        out.push(rec.to_string());
    }
    assert_eq!(out.len(), 5);
    out
}

fn map(records: &[&String]) -> String {
    let input: String = records.iter().map(|r| format!("{r}\n")).collect();
    let o = run(&["map"], &input);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn shards_mapped_out_of_order_and_merged_in_any_grouping_equal_build() {
    let dir = tempdir();
    let d = dir.path();
    let recs = seed_records();
    let corpus = d.join("seeds.jsonl");
    std::fs::write(&corpus, recs.iter().map(|r| format!("{r}\n")).collect::<String>()).unwrap();
    let o = run(&["build", "-o", d.join("build").to_str().unwrap(), "--format", "json", corpus.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let built = std::fs::read(d.join("build/graph.json")).unwrap();
    // The same documents read from the seeds folder with its manifest give the same graph.
    build_seeds(&d.join("folder"), &["--format", "json"]);
    assert_eq!(std::fs::read(d.join("folder/graph.json")).unwrap(), built);

    // Three shards, mapped last first, each in scrambled order.
    let shards = [vec![&recs[4], &recs[1]], vec![&recs[3]], vec![&recs[2], &recs[0]]];
    let mut parts = Vec::new();
    for (i, shard) in shards.iter().enumerate().rev() {
        let out = map(shard);
        assert_eq!(out.lines().count(), shard.len());
        for line in out.lines() {
            let v: Value = serde_json::from_str(line).expect("only records on stdout");
            assert_eq!(v["schema"], "newsgraph.part/4");
            assert!(v["text"]["sentences"].as_array().is_some_and(|s| !s.is_empty()), "records carry the text the store keeps");
        }
        let p = d.join(format!("part-{i}.jsonl"));
        std::fs::write(&p, out).unwrap();
        parts.push(p);
    }
    let s = |p: &std::path::Path| p.to_str().unwrap().to_string();
    let merge = |args: &[String], out: &str| {
        let mut a = vec!["merge".to_string(), "-o".into(), s(&d.join(out)), "--format".into(), "json".into()];
        a.extend_from_slice(args);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let o = run(&a, "");
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read(d.join(out).join("graph.json")).unwrap()
    };
    assert_eq!(merge(&[s(&parts[1]), s(&parts[0]), s(&parts[2])], "m1"), built);
    // A folder of parts, as Spark writes them (with its _SUCCESS marker).
    let folder = d.join("parts");
    std::fs::create_dir(&folder).unwrap();
    for (i, p) in parts.iter().enumerate() {
        std::fs::copy(p, folder.join(format!("part-0000{i}"))).unwrap();
    }
    std::fs::write(folder.join("_SUCCESS"), "").unwrap();
    assert_eq!(merge(&[s(&folder)], "m0"), built);
    // Grouped: (0 + 1) then + 2, through --parts-out.
    let grouped = d.join("p01.jsonl");
    merge(&[s(&parts[0]), s(&parts[1]), "--parts-out".into(), s(&grouped)], "m2");
    assert_eq!(merge(&[s(&parts[2]), s(&grouped)], "m3"), built);
    // Standard input works too.
    let all: String = parts.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
    let o = run(&["merge", "-o", &s(&d.join("m4")), "--format", "json", "-"], &all);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(d.join("m4/graph.json")).unwrap(), built);
    // Merge writes the store too, the same a build writes: it renders build's graph.json.
    let o = run(&["merge", "-o", &s(&d.join("m5")), "--format", "store", &s(&folder)], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["export", &s(&d.join("m5/newsgraph.db")), "--format", "json", "-o", &s(&d.join("m5/r"))], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let rendered = String::from_utf8(std::fs::read(d.join("m5/r/graph.json")).unwrap()).unwrap();
    assert_eq!(rendered, String::from_utf8(built.clone()).unwrap());
    // A record of the earlier schema (no text) merges into the graph files, but not a store.
    let old: String = all
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            v["schema"] = "newsgraph.part/3".into();
            v.as_object_mut().unwrap().remove("text");
            format!("{v}\n")
        })
        .collect();
    let o = run(&["merge", "-o", &s(&d.join("m6")), "--format", "json", "-"], &old);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(d.join("m6/graph.json")).unwrap(), built);
    let o = run(&["merge", "-o", &s(&d.join("m7")), "--format", "json,store", "-"], &old);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("-:1") && stderr(&o).contains("no text"), "{}", stderr(&o));
}

#[test]
fn merge_refuses_a_document_twice_and_parts_of_another_gazetteer() {
    let dir = tempdir();
    let recs = seed_records();
    let part = dir.path().join("p.jsonl");
    std::fs::write(&part, map(&[&recs[0]])).unwrap();
    let p = part.to_str().unwrap();
    let o = run(&["merge", "-o", dir.path().join("o").to_str().unwrap(), p, p], "");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("p.jsonl:1: document \"000_") && stderr(&o).contains("again (first at"), "{}", stderr(&o));
    let g = dir.path().join("g.toml");
    std::fs::write(&g, "[[entity]]\nid = \"russia\"\nname = \"Russia\"\ntype = \"state\"\n").unwrap();
    let o = run(&["merge", "--gazetteer", g.to_str().unwrap(), "-o", dir.path().join("o").to_str().unwrap(), p], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("p.jsonl:1: mapped with gazetteer sha256:"), "{}", stderr(&o));
    assert!(!dir.path().join("o/graph.json").exists());
    // A broken record is named by file and line.
    std::fs::write(&part, format!("{}\n{{\"schema\": \"newsgraph.part/3\"\n", map(&[&recs[1]]).trim())).unwrap();
    let o = run(&["merge", "-o", dir.path().join("o").to_str().unwrap(), p], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("p.jsonl:2: not a partial record"), "{}", stderr(&o));
    // Broken input to map: exit 2 naming the line of standard input, nothing half-written.
    let o = run(&["map"], &format!("{}\nnot json\n", recs[0]));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("-:2"), "{}", stderr(&o));
}

#[test]
fn a_compiled_gazetteer_gives_the_same_graph_as_its_toml() {
    let dir = tempdir();
    let compiled = dir.path().join("g.json");
    let o = run(&["gazetteer", "compile", "-o", compiled.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("entities"), "{}", stderr(&o));
    build_seeds(&dir.path().join("toml"), &["--format", "json"]);
    build_seeds(&dir.path().join("compiled"), &["--format", "json", "--gazetteer", compiled.to_str().unwrap()]);
    assert_eq!(std::fs::read(dir.path().join("toml/graph.json")).unwrap(), std::fs::read(dir.path().join("compiled/graph.json")).unwrap());
    let o = run(&["gazetteer", "check", "--gazetteer", compiled.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", stderr(&o));
    // A damaged compiled file is an error naming it and the line, not a panic: cut in the
    // header (line 1), inside an entity line, right after one (entities missing), and a file
    // of an older schema.
    let bytes = std::fs::read(&compiled).unwrap();
    let newlines: Vec<usize> = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i).collect();
    assert!(newlines.len() > 100, "one line per entity");
    let middle = newlines[newlines.len() / 2];
    let older = String::from_utf8(bytes.clone()).unwrap().replacen("newsgraph.gazetteer/4", "newsgraph.gazetteer/3", 1).into_bytes();
    // An origin numbering a file the header does not name, in the entity on line `line`.
    let numbered_on = |line: usize| {
        let (start, end) = (newlines[line - 2] + 1, newlines[line - 1]);
        let entity = String::from_utf8(bytes[start..end].to_vec()).unwrap();
        let at = entity.rfind("\"origin\":[").unwrap() + "\"origin\":[".len();
        [&bytes[..start], &entity.as_bytes()[..at], b"99", entity[at..].trim_start_matches(char::is_numeric).as_bytes(), &bytes[end..]].concat()
    };
    let numbered = numbered_on(newlines.len() / 2 + 2);
    // Each entity line is named by its own number, wherever the parallel blocks begin.
    for line in 2..=newlines.len() {
        let e = newsgraph::gazetteer::Gazetteer::from_compiled("g.json", &numbered_on(line)).expect_err("an unknown file number is an error");
        assert!(e.to_string().starts_with(&format!("g.json:{line}:1: ")) && e.to_string().contains("origin in file number 99"), "line {line}: {e}");
    }
    let cases: [(&str, Vec<u8>, String, &str); 5] = [
        ("file number", numbered, format!("g.json:{}:", newlines.len() / 2 + 2), "origin in file number 99"),
        ("header", bytes[..newlines[0] / 2].to_vec(), "g.json:1:".into(), "not a valid compiled gazetteer"),
        ("entity line", bytes[..middle + 20].to_vec(), format!("g.json:{}:", newlines.len() / 2 + 2), "not a valid compiled gazetteer"),
        ("whole lines", bytes[..=middle].to_vec(), "g.json:".into(), "the file is cut short"),
        ("older schema", older, "g.json".into(), "compile it again"),
    ];
    for (name, damaged, place, message) in cases {
        std::fs::write(&compiled, &damaged).unwrap();
        let o = run(&["tag", "--gazetteer", compiled.to_str().unwrap(), "seeds"], "");
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert!(stderr(&o).contains(&place) && stderr(&o).contains(message), "{name}: {}", stderr(&o));
    }
    // A gazetteer with errors does not compile.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[entity]]\nid = \"x\"\nname = \"X\"\n\n[[entity]]\nid = \"x\"\nname = \"Y\"\n").unwrap();
    let o = run(&["gazetteer", "compile", "--gazetteer", bad.to_str().unwrap(), "-o", dir.path().join("bad.json").to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.toml:5") && stderr(&o).contains("duplicate id"), "{}", stderr(&o));
}

#[test]
fn large_gazetteers_are_cached_by_digest_and_a_bad_cache_entry_is_rebuilt() {
    let dir = tempdir();
    let gaz = dir.path().join("gaz");
    std::fs::create_dir(&gaz).unwrap();
    for f in std::fs::read_dir(root().join("gazetteer")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, gaz.join(f.file_name().unwrap())).unwrap();
    }
    // Pad it past the cache threshold with people nobody mentions.
    let mut extra = String::new();
    for i in 0..12_000 {
        extra
            .push_str(&format!("[[entity]]\nid = \"p{i}\"\nname = \"Qzx{i} Vwy{i}\"\ntype = \"person\"\naliases = [\"Qzx{i} Vwy{i}\", \"Vwy{i} Qzx{i}\"]\n\n"));
    }
    std::fs::write(gaz.join("zz-people.toml"), extra).unwrap();
    let cache = dir.path().join("cache");
    let env = [("NEWSGRAPH_CACHE_DIR", cache.to_str().unwrap())];
    let g = gaz.to_str().unwrap();
    let tag = || {
        let o = run_env(&["tag", "--gazetteer", g, "seeds"], "", &env);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let first = tag();
    let entries: Vec<_> = std::fs::read_dir(&cache).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(entries.len(), 1, "one cache entry: {entries:?}");
    assert_eq!(tag(), first);
    std::fs::write(&entries[0], "{\"schema\": \"newsgraph.gazetteer/1\", \"damaged").unwrap();
    assert_eq!(tag(), first);
    // A changed gazetteer is a new entry.
    std::fs::write(gaz.join("zz-more.toml"), "[[entity]]\nid = \"q\"\nname = \"Qq Zz\"\ntype = \"person\"\n").unwrap();
    tag();
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 2);
    // NEWSGRAPH_CACHE=off writes nothing.
    let other = dir.path().join("other");
    let o = run_env(&["tag", "--gazetteer", g, "seeds"], "", &[("NEWSGRAPH_CACHE_DIR", other.to_str().unwrap()), ("NEWSGRAPH_CACHE", "off")]);
    assert!(o.status.success());
    assert!(!other.exists());
}

/// NEWSGRAPH_TIMINGS makes the command line print each phase's time to stderr (for the
/// benchmark); without it, none.
#[test]
fn timings_are_printed_only_when_asked() {
    let dir = tempdir();
    let out = dir.path().to_str().unwrap();
    let o = run_env(&["build", "seeds", "-o", out, "--format", "json"], "", &[("NEWSGRAPH_TIMINGS", "1")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let phases: Vec<String> = stderr(&o).lines().filter_map(|l| l.strip_prefix("timing: ")).map(|l| l.rsplit_once(": ").unwrap().0.to_string()).collect();
    for want in ["load: gazetteer read", "load: tagger compiled", "load", "analysis and finish", "graph.json", "write"] {
        assert!(phases.iter().any(|p| p == want), "{want} not in {phases:?}");
    }
    let o = run(&["build", "seeds", "-o", out, "--format", "json"], "");
    assert!(o.status.success() && !stderr(&o).contains("timing:"), "{}", stderr(&o));
}
