//! `newsgraph gazetteer check` and the shipped gazetteer's coverage.

use crate::common::*;

#[test]
fn shipped_gazetteer_is_clean_and_covers_the_un() {
    let o = run(&["gazetteer", "check"], "");
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let g = newsgraph::gazetteer::Gazetteer::load(&root().join("gazetteer")).unwrap();
    let states: Vec<_> = g.entities.iter().filter(|e| e.kind == "state").collect();
    let non_members = ["VAT", "PSE", "TWN", "XKX"];
    let members = states.iter().filter(|e| !non_members.contains(&e.iso3.as_deref().unwrap_or(""))).count();
    assert_eq!(members, 193);
    assert!(states.iter().all(|e| e.iso3.is_some()));
    for code in non_members {
        assert!(states.iter().any(|e| e.iso3.as_deref() == Some(code)), "{code}");
    }
    // Every state has a demonym or is named in the list of exceptions where none is unambiguous.
    let no_demonym: Vec<&str> =
        states.iter().filter(|e| !e.aliases.iter().any(|a| a.how == newsgraph::gazetteer::How::Demonym)).map(|e| e.id.as_str()).collect();
    assert_eq!(no_demonym, ["republic-of-the-congo", "dominica", "holy-see"]);
}

#[test]
fn problems_are_listed_with_file_and_line() {
    let dir = tempdir();
    let g = dir.path().join("g.toml");
    std::fs::write(
        &g,
        "[[entity]]\nid = \"a\"\nname = \"A\"\naliases = [\"Alpha\"]\n\n[[entity]]\nid = \"b\"\nname = \"B\"\naliases = [\"Alpha\", \"\"]\naffiliation = \"zz\"\n",
    )
    .unwrap();
    let o = run(&["gazetteer", "check", "--gazetteer", g.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    let file = g.display().to_string();
    assert!(out.contains(&format!("{file}:6: error: b: affiliation \"zz\" is not an entity id")), "{out}");
    assert!(out.contains(&format!("{file}:9: error: empty alias")), "{out}");
    assert!(out.contains("ambiguous: alias \"Alpha\" is claimed by a"), "{out}");
}

/// The data folder is read once: the lexicon's sources come from the gazetteer's own read, and
/// they are the files a separate read finds (relations.toml among them).
#[test]
fn the_lexicon_comes_from_the_gazetteers_own_read() {
    let dir = root().join("gazetteer");
    let (g, sources) = newsgraph::gazetteer::Gazetteer::load_with_lexicon(&dir).unwrap();
    assert_eq!(sources, newsgraph::relations::Lexicon::sources(&dir).unwrap());
    assert!(sources.iter().any(|(name, src)| name.ends_with("relations.toml") && src.contains("[grammar]")));
    assert_eq!(g.digest, newsgraph::gazetteer::Gazetteer::load(&dir).unwrap().digest);
}
