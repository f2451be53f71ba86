//! The tagger's semantics as a table: (name, text, date, mode, expected mentions).

use super::*;

const GAZ: &str = r#"
[[entity]]
id = "russia"
name = "Russia"
type = "state"
aliases = ["Russia", "Russian Federation"]
demonyms = ["Russian", "Russians"]
metonyms = ["Moscow"]

[[entity]]
id = "iran"
name = "Iran"
type = "state"
aliases = ["Iran"]
demonyms = ["Iranian", "Iranians"]
metonyms = ["Tehran"]

[[entity]]
id = "united-states"
name = "United States"
type = "state"
aliases = ["United States", "US", "U.S.", "America"]
demonyms = ["American"]

[[entity]]
id = "israel"
name = "Israel"
type = "state"
aliases = ["Israel"]
demonyms = ["Israeli"]

[[entity]]
id = "new-york"
name = "New York"
type = "place"
aliases = ["New York"]

[[entity]]
id = "nyt"
name = "The New York Times"
type = "organisation"
aliases = ["The New York Times", "New York Times"]

[[entity]]
id = "vladimir-putin"
name = "Vladimir Putin"
type = "person"
affiliation = "russia"
aliases = ["Vladimir Putin", "Putin"]
roles = [{ title = "President", from = "2012-05-07" }]

[[entity]]
id = "ebrahim-raisi"
name = "Ebrahim Raisi"
type = "person"
affiliation = "iran"
aliases = ["Ebrahim Raisi", "Raisi"]
roles = [{ title = "President", from = "2021-08-03", to = "2024-05-19" }]

[[entity]]
id = "masoud-pezeshkian"
name = "Masoud Pezeshkian"
type = "person"
affiliation = "iran"
aliases = ["Masoud Pezeshkian", "Pezeshkian", "Massoud Pezeshkian"]
roles = [{ title = "President", from = "2024-07-28" }]

[[entity]]
id = "ali-khamenei"
name = "Ali Khamenei"
type = "person"
affiliation = "iran"
aliases = ["Ali Khamenei", "Khamenei"]
roles = [{ title = "Supreme Leader", from = "1989-06-04" }]

[[entity]]
id = "dmitry-peskov"
name = "Dmitry Peskov"
type = "person"
affiliation = "russia"
aliases = ["Dmitry Peskov", "Dmitri Peskov", "Peskov"]
roles = [{ title = "Spokesman", of = "kremlin", from = "2012-05-22" }]

[[entity]]
id = "kremlin"
name = "Kremlin"
type = "organisation"
affiliation = "russia"
aliases = ["Kremlin"]

[[entity]]
id = "erdogan"
name = "Recep Tayyip Erdoğan"
type = "person"
aliases = ["Erdoğan", "Erdogan"]

[[entity]]
id = "ahmed"
name = "Ahmed"
type = "person"
aliases = ["Ahmed"]

[[entity]]
id = "jordan"
name = "Jordan"
type = "state"
aliases = ["Jordan"]

[[entity]]
id = "michael-jordan"
name = "Michael Jordan"
type = "person"
aliases = ["Michael Jordan", "Jordan"]

[[entity]]
id = "cpp"
name = "Cpp"
type = "term"
aliases = ["c++"]

[[entity]]
id = "dotnet"
name = ".NET"
type = "term"
aliases = [".net"]
"#;

type Expect<'a> = &'a [(&'a str, &'a str, How)];

fn run(text: &str, date: Option<&str>, mode: CaseMode) -> Vec<(String, String, How)> {
    let gaz = Gazetteer::from_toml("t.toml", GAZ).unwrap();
    let tagger = Tagger::new(&gaz, mode).unwrap();
    let date = date.map(|d| d.parse().unwrap());
    tagger
        .tag(text, &[0..text.len()], date)
        .into_iter()
        .map(|m| {
            assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
            (m.text(text).to_string(), gaz.entities[m.entity as usize].id.clone(), m.how)
        })
        .collect()
}

#[test]
fn tagging_table() {
    use CaseMode::*;
    use How::*;
    let cases: &[(&str, &str, Option<&str>, CaseMode, Expect)] = &[
        // Whole words, Unicode-aware.
        ("inside a word", "Ahmedé and Ahmed_x and xAhmed", None, Default, &[]),
        ("combining mark", "Ahmed\u{301} left", None, Default, &[]),
        ("whole word", "Ahmed left", None, Default, &[("Ahmed", "ahmed", Name)]),
        ("non-ascii name", "Erdoğan's party", None, Default, &[("Erdoğan", "erdogan", Alias)]),
        // Possessives and hyphenated pairs.
        ("possessive", "Russia's and Russia’s", None, Default, &[("Russia", "russia", Name), ("Russia", "russia", Name)]),
        ("plural possessive", "the Iranians’ view", None, Default, &[("Iranians", "iran", Demonym)]),
        ("en dash pair", "the Russia–Iran axis", None, Default, &[("Russia", "russia", Name), ("Iran", "iran", Name)]),
        ("hyphen pair", "US-Israeli pressure", None, Default, &[("US", "united-states", Alias), ("Israeli", "israel", Demonym)]),
        // Leftmost-longest with fallback.
        ("fallback after a cut word", "New York Timesville and New York", None, Default, &[("New York", "new-york", Name), ("New York", "new-york", Name)]),
        ("longest wins", "The New York Times said", None, Default, &[("The New York Times", "nyt", Name)]),
        ("longest without article", "the New York Times said", None, Default, &[("New York Times", "nyt", Alias)]),
        ("special characters", "I like c++ and .net", None, Default, &[("c++", "cpp", Alias), (".net", "dotnet", Alias)]),
        // Case.
        ("acronym exact", "he told us so", None, Default, &[]),
        ("acronym", "the US and the U.S. agreed", None, Default, &[("US", "united-states", Alias), ("U.S.", "united-states", Alias)]),
        (
            "all caps headline",
            "PUTIN MEETS RAISI IN TEHRAN",
            None,
            Default,
            &[("PUTIN", "vladimir-putin", Alias), ("RAISI", "ebrahim-raisi", Alias), ("TEHRAN", "iran", Metonym)],
        ),
        ("all caps non-ascii", "ERDOĞAN WINS", None, Default, &[("ERDOĞAN", "erdogan", Alias)]),
        ("lowercase name is not a name", "a putin of sorts", None, Default, &[]),
        ("ignore case", "he told us about putin", None, Ignore, &[("us", "united-states", Alias), ("putin", "vladimir-putin", Alias)]),
        ("ignore case unicode", "ERDOĞAN and erdoğan", None, Ignore, &[("ERDOĞAN", "erdogan", Alias), ("erdoğan", "erdogan", Alias)]),
        ("exact case", "PUTIN and Putin", None, Exact, &[("Putin", "vladimir-putin", Alias)]),
        // Names with titles and initials.
        ("title", "Mr. Putin and President Putin", None, Default, &[("Putin", "vladimir-putin", Alias), ("Putin", "vladimir-putin", Alias)]),
        ("middle initial", "President Vladimir V. Putin said", None, Default, &[("Vladimir V. Putin", "vladimir-putin", Name)]),
        ("initial before surname", "Dmitri S. Peskov said", None, Default, &[("Dmitri S. Peskov", "dmitry-peskov", Alias)]),
        ("first name alone", "Vladimir said and Vladimir Frolov agreed", None, Default, &[]),
        // Demonyms and metonyms are recorded as such.
        ("demonym and metonym", "Russian oil and Moscow said", None, Default, &[("Russian", "russia", Demonym), ("Moscow", "russia", Metonym)]),
        // Roles by date.
        ("role at date", "the Russian President said", Some("2025-06-24"), Default, &[("Russian President", "vladimir-putin", Role)]),
        ("role lowercase title", "the Iranian president traveled", Some("2022-07-19"), Default, &[("Iranian president", "ebrahim-raisi", Role)]),
        ("role successor", "the Iranian president traveled", Some("2024-10-13"), Default, &[("Iranian president", "masoud-pezeshkian", Role)]),
        ("role vacant", "the Iranian president traveled", Some("2024-06-01"), Default, &[("Iranian", "iran", Demonym)]),
        ("role without date", "the Iranian president traveled", None, Default, &[("Iranian", "iran", Demonym)]),
        ("possessive role", "Iran’s supreme leader spoke", Some("2022-07-19"), Default, &[("Iran’s supreme leader", "ali-khamenei", Role)]),
        ("role of", "President of Iran Raisi", Some("2022-07-19"), Default, &[("Iran", "iran", Name), ("Raisi", "ebrahim-raisi", Alias)]),
        ("role of alone", "the President of Iran said", Some("2022-07-19"), Default, &[("President of Iran", "ebrahim-raisi", Role)]),
        ("organisation role", "the Kremlin's spokesman said", Some("2022-07-19"), Default, &[("Kremlin's spokesman", "dmitry-peskov", Role)]),
        ("role without date falls back", "the Kremlin spokesman said", None, Default, &[("Kremlin", "kremlin", Name)]),
        (
            "role next to name",
            "Russian President Vladimir Putin said",
            Some("2024-10-13"),
            Default,
            &[("Russian", "russia", Demonym), ("Vladimir Putin", "vladimir-putin", Name)],
        ),
        (
            "organisation role next to name",
            "Kremlin spokesman Dmitri Peskov said",
            Some("2025-06-24"),
            Default,
            &[("Kremlin", "kremlin", Name), ("Dmitri Peskov", "dmitry-peskov", Alias)],
        ),
        (
            "name then role",
            "Ali Khamenei, Iran's supreme leader, said",
            Some("2022-07-19"),
            Default,
            &[("Ali Khamenei", "ali-khamenei", Name), ("Iran", "iran", Name)],
        ),
        // Ambiguity is settled by the document or not at all.
        ("ambiguous alone", "Jordan said", None, Default, &[]),
        (
            "ambiguous settled",
            "Michael Jordan played. Jordan scored.",
            None,
            Default,
            &[("Michael Jordan", "michael-jordan", Name), ("Jordan", "michael-jordan", Alias)],
        ),
    ];
    for (name, text, date, mode, want) in cases {
        let got = run(text, *date, *mode);
        let want: Vec<(String, String, How)> = want.iter().map(|(t, e, h)| (t.to_string(), e.to_string(), *h)).collect();
        assert_eq!(got, want, "case {name:?}: {text:?}");
    }
}

#[test]
fn regions_limit_tagging() {
    let gaz = Gazetteer::from_toml("t.toml", GAZ).unwrap();
    let tagger = Tagger::new(&gaz, CaseMode::Default).unwrap();
    let text = "Russia\nIran\nIsrael";
    let m = tagger.tag(text, &[0..6, 12..18], None);
    let got: Vec<&str> = m.iter().map(|m| m.text(text)).collect();
    assert_eq!(got, ["Russia", "Israel"]);
}

/// [`Tagger::candidates`] by brute force: every pattern tried at every position that does not
/// follow a word char. The automaton's overlapping search must find the same.
fn brute_force_candidates(tagger: &Tagger, text: &str, date: Option<Date>) -> Vec<(usize, usize, u32, How)> {
    let norm = crate::norm::normalize(text, 0, tagger.mode == CaseMode::Ignore);
    let n = norm.text.as_str();
    let lower = n.to_ascii_lowercase();
    let mut found = Vec::new();
    for s in (0..=n.len()).filter(|&s| n.is_char_boundary(s)) {
        if n[..s].chars().next_back().is_some_and(is_word_char) {
            continue;
        }
        for (p, pattern) in tagger.patterns.iter().enumerate() {
            if lower[s..].starts_with(pattern.as_str()) {
                tagger.accept(&norm, s, s + pattern.len(), p, date, &mut found);
            }
        }
    }
    let mut out: Vec<_> = found.into_iter().map(|c| (c.start, c.end, c.entity, c.how)).collect();
    out.sort();
    out
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1500))]
    /// Text made of aliases, role phrases, bits of them and separators.
    #[test]
    fn automaton_finds_what_brute_force_finds(
        parts in proptest::collection::vec(proptest::sample::select(vec![
            "Russia", "Russian", "Russians", "Russian Federation", "Iran", "Iranians’", "Tehran", "Moscow",
            "United States", "US", "U.S.", "USA", "America", "American", "New York", "New York Times",
            "Times", "ville", "Ahmed", "Erdoğan", "ERDOĞAN", "President", "president", "Russian President",
            "Iran's supreme leader", "Vladimir V. Putin", "Putin", ".net", "x", "é", "\u{301}", "_",
            " ", "  ", "-", "–", "’s", "'", ",", ".", "\n\n", "the", "The", "RUSSIA", "rUSSIA", "2", "Iran_",
            "Russ", "Ira",
        ]), 0..16),
        dated in proptest::prelude::any::<bool>(),
        mode in proptest::sample::select(vec![CaseMode::Default, CaseMode::Exact, CaseMode::Ignore]),
    ) {
        static BUILT: std::sync::OnceLock<Vec<(CaseMode, Tagger)>> = std::sync::OnceLock::new();
        let built = BUILT.get_or_init(|| {
            let gaz = Gazetteer::from_toml("t.toml", GAZ).unwrap();
            [CaseMode::Default, CaseMode::Exact, CaseMode::Ignore].into_iter().map(|m| (m, Tagger::new(&gaz, m).unwrap())).collect()
        });
        let (_, tagger) = built.iter().find(|(m, _)| *m == mode).unwrap();
        let text: String = parts.concat();
        let date = dated.then(|| "2024-10-13".parse().unwrap());
        let mut got = Vec::new();
        tagger.candidates(&text, 0..text.len(), date, &mut Scratch::default(), &mut got);
        let mut got: Vec<_> = got.into_iter().map(|c| (c.start, c.end, c.entity, c.how)).collect();
        got.sort();
        proptest::prop_assert_eq!(got, brute_force_candidates(tagger, &text, date));
    }
}

/// A surname alone after the full name in the same document names that person; not before
/// the full name, not as part of a longer capitalised name, and not when two people of the
/// document share it.
#[test]
fn surnames_after_the_full_name() {
    const PEOPLE: &str = r#"
[[entity]]
id = "imran-khan"
name = "Imran Khan"
type = "person"
aliases = ["Imran Khan"]

[[entity]]
id = "sadiq-khan"
name = "Sadiq Khan"
type = "person"
aliases = ["Sadiq Khan"]

[[entity]]
id = "justin-trudeau"
name = "Justin Trudeau"
type = "person"
aliases = ["Justin Trudeau"]

[[entity]]
id = "lai-ching-te"
name = "Lai Ching-te"
type = "person"
aliases = ["Lai Ching-te"]

[[entity]]
id = "kim-yo-jong"
name = "Kim Yo-jong"
type = "person"
aliases = ["Kim Yo-jong"]

[[entity]]
id = "kim-jong-un"
name = "Kim Jong Un"
type = "person"
surname = "Kim"
aliases = ["Kim Jong Un"]

[[entity]]
id = "xi-jinping"
name = "Xi Jinping"
type = "person"
surname = "Xi"
aliases = ["Xi Jinping"]
"#;
    let gaz = Gazetteer::from_toml("p.toml", PEOPLE).unwrap();
    let tagger = Tagger::new(&gaz, CaseMode::Default).unwrap();
    let ids = |text: &str| -> Vec<(String, String)> {
        tagger.tag(text, &[0..text.len()], None).into_iter().map(|m| (m.text(text).to_string(), gaz.entities[m.entity as usize].id.clone())).collect()
    };
    let p = |a: &str, b: &str| (a.to_string(), b.to_string());
    #[rustfmt::skip]
    let cases: &[(&str, Vec<(String, String)>)] = &[
        ("Imran Khan spoke on Monday. Khan said Pakistan would respond.", vec![p("Imran Khan", "imran-khan"), p("Khan", "imran-khan")]),
        ("Khan said Pakistan would respond. Imran Khan spoke later.", vec![p("Imran Khan", "imran-khan")]),
        ("Imran Khan spoke. The Khan Academy said nothing.", vec![p("Imran Khan", "imran-khan")]),
        ("Imran Khan met Sadiq Khan. Khan said nothing.", vec![p("Imran Khan", "imran-khan"), p("Sadiq Khan", "sadiq-khan")]),
        ("Justin Trudeau spoke. \u{201C}No,\u{201D} Trudeau said. khan and Trudeaus are not names.", vec![p("Justin Trudeau", "justin-trudeau"), p("Trudeau", "justin-trudeau")]),
        // Family name first: hyphenated given names, or the gazetteer's `surname`.
        ("Lai Ching-te spoke in Taipei. Lai said Taiwan would not yield.", vec![p("Lai Ching-te", "lai-ching-te"), p("Lai", "lai-ching-te")]),
        ("Kim Yo-jong warned Seoul. Kim said talks were over.", vec![p("Kim Yo-jong", "kim-yo-jong"), p("Kim", "kim-yo-jong")]),
        ("Kim Jong Un met Xi Jinping. Xi praised Kim.", vec![p("Kim Jong Un", "kim-jong-un"), p("Xi Jinping", "xi-jinping"), p("Xi", "xi-jinping"), p("Kim", "kim-jong-un")]),
        ("Kim Jong Un and Kim Yo-jong spoke. Kim said nothing.", vec![p("Kim Jong Un", "kim-jong-un"), p("Kim Yo-jong", "kim-yo-jong")]),
    ];
    for (text, want) in cases {
        assert_eq!(&ids(text), want, "{text}");
    }
}
