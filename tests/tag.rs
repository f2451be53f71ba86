//! `newsgraph tag`: JSON Lines records, and keyword-extraction semantics on plain gazetteers.

use serde_json::Value;

use crate::common::*;

fn tag(gazetteer: &str, flags: &[&str], text: &str) -> Vec<String> {
    let dir = tempdir();
    let g = dir.path().join("terms.toml");
    std::fs::write(&g, gazetteer).unwrap();
    let mut args = vec!["tag", "--gazetteer", g.to_str().unwrap()];
    args.extend_from_slice(flags);
    args.push("-");
    let o = run(&args, text);
    assert!(o.status.success(), "{}", stderr(&o));
    let rec: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    rec["mentions"].as_array().unwrap().iter().map(|m| m["label"].as_str().unwrap().to_string()).collect()
}

/// Plain `[[entity]]` files of terms, as a keyword extractor is used: the name is the label
/// and the aliases are what is matched.
#[test]
fn keyword_extraction_table() {
    let langs = r#"
[[entity]]
name = "Rust"
type = "term"
aliases = ["rust"]

[[entity]]
name = "Rust Belt"
type = "term"
aliases = ["rust belt"]

[[entity]]
name = "Go"
type = "term"
aliases = ["go"]

[[entity]]
name = "Machine Learning"
type = "term"
aliases = ["machine learning", "ml"]

[[entity]]
name = "Learning Rate"
type = "term"
aliases = ["learning rate"]

[[entity]]
name = "C#"
type = "term"
aliases = ["c#"]
"#;
    let cases: &[(&str, &[&str], &[&str])] = &[
        ("i like rust", &["--ignore-case"], &["Rust"]),
        ("rust belt towns use rust", &["--ignore-case"], &["Rust Belt", "Rust"]),
        ("Rust Belt", &["--exact-case"], &[]),
        ("rust belt", &["--exact-case"], &["Rust Belt"]),
        ("machine learning rate", &["--ignore-case"], &["Machine Learning"]),
        ("machine learnings", &["--ignore-case"], &[]),
        ("rusty going", &["--ignore-case"], &[]),
        ("ML and C# and rust_belt", &["--ignore-case"], &["Machine Learning", "C#"]),
        ("ML and c#", &["--exact-case"], &["C#"]),
        ("go, go; go!", &["--ignore-case"], &["Go", "Go", "Go"]),
        ("", &["--ignore-case"], &[]),
    ];
    for (text, flags, want) in cases {
        assert_eq!(tag(langs, flags, text), *want, "{text:?} {flags:?}");
    }
}

#[test]
fn records_have_the_documented_shape() {
    let o = run(&["tag", "seeds"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["document"], "000_9c67dfa773ecab7c");
    let text = std::fs::read_to_string(root().join("seeds/000_9c67dfa773ecab7c.txt")).unwrap();
    let mut last = 0;
    for m in lines[0]["mentions"].as_array().unwrap() {
        for k in ["entity", "label", "type", "start", "end", "text", "how"] {
            assert!(m.get(k).is_some(), "{k}");
        }
        let (s, e) = (m["start"].as_u64().unwrap() as usize, m["end"].as_u64().unwrap() as usize);
        assert_eq!(&text[s..e], m["text"].as_str().unwrap());
        assert!(s >= last, "text order");
        last = e;
    }
    // "the Russian President" resolves at the manifest date.
    assert!(lines[0]["mentions"].as_array().unwrap().iter().any(|m| m["how"] == "role" && m["entity"] == "vladimir-putin"));
}

#[test]
fn json_lines_input_dates_resolve_roles() {
    let dir = tempdir();
    let f = dir.path().join("docs.jsonl");
    std::fs::write(
        &f,
        concat!(
            "{\"id\": \"b\", \"text\": \"The Iranian president spoke.\", \"published\": \"2024-10-13\"}\n",
            "{\"id\": \"a\", \"text\": \"The Iranian president spoke.\", \"published\": \"2022-07-19\"}\n",
            "{\"id\": \"c\", \"text\": \"The Iranian president spoke.\"}\n",
        ),
    )
    .unwrap();
    let o = run(&["tag", f.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let got: Vec<(String, String)> = stdout(&o)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["document"].as_str().unwrap().to_string(), v["mentions"][0]["entity"].as_str().unwrap().to_string())
        })
        .collect();
    let want = [("a", "ebrahim-raisi"), ("b", "masoud-pezeshkian"), ("c", "iran")];
    assert_eq!(got, want.map(|(a, b)| (a.to_string(), b.to_string())));
}
