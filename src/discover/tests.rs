use super::*;

/// The shipped gazetteer without the entities `hidden` (their `[[entity]]` tables removed),
/// written to `dir`: a gazetteer that does not know those names.
pub(crate) fn hiding(dir: &std::path::Path, hidden: &[&str]) -> (Gazetteer, Vec<(String, String)>) {
    for (name, src) in crate::gazetteer::BUILTIN {
        let mut kept = String::new();
        for (i, block) in src.split("[[entity]]").enumerate() {
            let id = block.lines().find_map(|l| l.strip_prefix("id = \"")).map(|l| l.trim_end_matches('"'));
            if i > 0 && id.is_some_and(|id| hidden.contains(&id)) {
                continue;
            }
            if i > 0 {
                kept.push_str("[[entity]]");
            }
            kept.push_str(block);
        }
        std::fs::write(dir.join(name.rsplit('/').next().unwrap()), kept).unwrap();
    }
    Gazetteer::load_with_lexicon(dir).unwrap()
}

/// Each row: a document, and the names discovery proposes from it (name, type, state, role),
/// with the gazetteer not knowing them.
#[test]
fn names_types_states_and_roles_from_context() {
    let dir = tempfile::tempdir().unwrap();
    let hidden = ["asim-munir", "lai-ching-te", "jaish-e-mohammed", "ferdinand-marcos-jr", "bongbong-marcos"];
    let (gaz, sources) = hiding(dir.path(), &hidden);
    for h in hidden {
        assert!(gaz.get(h).is_none(), "{h} hidden");
    }
    let lexicon = crate::relations::Lexicon::from_sources(&sources).unwrap();
    let rules = DiscoverRules::from_sources(&sources).unwrap();
    assert!(!rules.person_titles.is_empty(), "the rules are data");
    let tagger = crate::tagger::Tagger::new(&gaz, Default::default()).unwrap();
    type Want = (String, String, Option<String>, Option<String>);
    let want = |n: &str, k: &str, s: Option<&str>, r: Option<&str>| -> Want { (n.into(), k.into(), s.map(Into::into), r.map(Into::into)) };
    let cases: Vec<(&str, Vec<Want>)> = vec![
        (
            "Headline Words Here\n\nPakistani army chief Asim Munir met officials in Islamabad. Munir said the talks went well.",
            vec![want("Asim Munir", "person", Some("pakistan"), Some("army chief"))],
        ),
        (
            "Title\n\nTaiwan's president Lai Ching-te condemned China on Monday. Lai spoke in Taipei.",
            vec![want("Lai Ching-te", "person", Some("taiwan"), Some("president"))],
        ),
        ("Title\n\nIndia blamed Jaish-e-Mohammed militants for the attack.", vec![want("Jaish-e-Mohammed", "armed_group", None, None)]),
        ("Title\n\nThe summit was attended by Ferdinand Marcos Jr. and other leaders.", vec![want("Ferdinand Marcos Jr.", "person", None, None)]),
        ("Title\n\nOn Monday the markets fell. However, nothing else changed in March.", vec![]),
        // Designations, titles alone, named things and common words are not proposed.
        ("Title\n\nRussia sold S-400 and Su-35 systems to Iran, the Defense Secretary said.", vec![]),
        ("Title\n\nThe Nobel Prize went elsewhere, and Article Five was invoked by the alliance.", vec![]),
        ("Title\n\nLeaders met at the Summit in Rome. The summit ended early.", vec![]),
        // Places: a place noun before "of", a place head word.
        ("Title\n\nRussian missiles struck the port of Odesa on Monday.", vec![want("Odesa", "place", None, None)]),
        ("Title\n\nChinese warships sailed near the Paracel Islands last week.", vec![want("Paracel Islands", "place", None, None)]),
        // A surname at a sentence start counts when the document named the person in full.
        (
            "Title\n\nEstonia's foreign minister Oberon Talvik met officials. Talvik said talks would go on.",
            vec![want("Oberon Talvik", "person", Some("estonia"), Some("foreign minister"))],
        ),
    ];
    for (text, want) in cases {
        let layout = crate::text::layout(text, &gaz.text);
        let mentions = tagger.tag(text, &layout.paragraphs, None);
        let mut found = Candidates::default();
        found.absorb(Discovery::new(&gaz, &lexicon, &rules).find(&Read {
            id: "d",
            text,
            layout: &layout,
            mentions: &mentions,
            published: Some("2025-01-02".into()),
            cued: None,
        }));
        let list = found.suggestions(1);
        if text.contains("Talvik") {
            assert_eq!(list[0].mentions, 2, "the surname at a sentence start is counted");
        }
        let got: Vec<Want> = list.into_iter().map(|s| (s.name, s.kind, s.affiliation, s.role)).collect();
        assert_eq!(got, want, "{text}");
    }
}
