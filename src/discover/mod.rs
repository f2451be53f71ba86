//! Names the gazetteer does not know: `newsgraph gazetteer suggest`.
//!
//! A gazetteer is closed-world: a name it lacks is silently lost with every claim about it.
//! This stage reads the tagged documents (text, sentences, known mentions) and proposes the
//! proper names left over:
//! - capitalised runs of words with their inner particles ("bin", "von der") and suffixes
//!   ("Jr."), not inside a known mention, without sentence-initial common words, headline-case
//!   lines, calendar words ([`DiscoverRules`], data in `gazetteer/discover.toml`);
//! - grouped by the surface forms of one name: the full name, and the surname (or first word)
//!   alone later in the same document, possessives folded;
//! - with a guessed type, role and state from their context (a title before the name, a head
//!   word inside it, a state named just before or after it), two example sentences, and how
//!   often they stand in a sentence with a relation cue (where they would take part in claims);
//! - ranked by documents, then mentions.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::gazetteer::Gazetteer;
use crate::relations::Lexicon;
use crate::tagger::Mention;
use crate::text::Layout;

mod render;
pub use render::{Format, render};

/// The context words of discovery, from the `[discover]` tables of the gazetteer folder.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscoverRules {
    /// Lowercase words inside a name.
    #[serde(default)]
    pub particles: Words,
    /// Words that end a name.
    #[serde(default)]
    pub suffixes: Words,
    /// Capitalised words that are not names.
    #[serde(default)]
    pub not_names: Words,
    /// Titles before a person's name (the role).
    #[serde(default)]
    pub person_titles: Words,
    /// Words ending an organisation's name.
    #[serde(default)]
    pub organisation_heads: Words,
    /// Words after a name that make it an armed group.
    #[serde(default)]
    pub armed_group_words: Words,
    /// Words before a name that make it a place.
    #[serde(default)]
    pub place_words: Words,
    /// Words that make a name's first or last word a thing, not an actor ("Nobel Prize",
    /// "Article Five", "Zangezur Corridor").
    #[serde(default)]
    pub thing_words: Words,
    /// Nouns before "of" that make the name after a place ("the port of Odesa").
    #[serde(default)]
    pub place_nouns: Words,
    /// Words ending a place's name ("Paracel Islands", "Galwan Valley").
    #[serde(default)]
    pub place_heads: Words,
}

impl DiscoverRules {
    /// The `[discover]` tables of the gazetteer's sources (name, TOML), merged in order.
    pub fn from_sources(sources: &[(String, String)]) -> Result<DiscoverRules> {
        #[derive(Deserialize)]
        struct File {
            discover: Option<DiscoverRules>,
        }
        let mut out = DiscoverRules::default();
        for (name, src) in sources.iter().filter(|(_, s)| s.contains("[discover]")) {
            let file: File = toml::from_str(src).map_err(|e| Error::gazetteer(name, format!("[discover]: {}", e.message())))?;
            if let Some(d) = file.discover {
                out.particles.extend(d.particles);
                out.suffixes.extend(d.suffixes);
                out.not_names.extend(d.not_names);
                out.person_titles.extend(d.person_titles);
                out.organisation_heads.extend(d.organisation_heads);
                out.armed_group_words.extend(d.armed_group_words);
                out.place_words.extend(d.place_words);
                out.thing_words.extend(d.thing_words);
                out.place_nouns.extend(d.place_nouns);
                out.place_heads.extend(d.place_heads);
            }
        }
        Ok(out)
    }

    /// The rules of the gazetteer's sources; when none has a `[discover]` table (a gazetteer
    /// folder made before discovery), the shipped ones ([`crate::gazetteer::BUILTIN`]).
    pub fn from_sources_or_shipped(sources: &[(String, String)]) -> Result<DiscoverRules> {
        if sources.iter().any(|(_, s)| s.contains("[discover]")) {
            return DiscoverRules::from_sources(sources);
        }
        let shipped: Vec<(String, String)> = crate::gazetteer::BUILTIN.iter().map(|(n, s)| (n.to_string(), s.to_string())).collect();
        DiscoverRules::from_sources(&shipped)
    }
}

/// A list of words from the data, looked up ignoring case in one hash probe.
#[derive(Debug, Clone, Default)]
pub struct Words {
    lower: rustc_hash::FxHashSet<String>,
}

impl Words {
    /// Whether `w` is one of the words, ignoring case.
    pub fn contains(&self, w: &str) -> bool {
        if w.bytes().any(|b| b.is_ascii_uppercase()) || !w.is_ascii() { self.lower.contains(&w.to_lowercase()) } else { self.lower.contains(w) }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.lower.is_empty()
    }

    fn extend(&mut self, other: Words) {
        self.lower.extend(other.lower);
    }
}

impl<'de> Deserialize<'de> for Words {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Words, D::Error> {
        let list = Vec::<String>::deserialize(d)?;
        Ok(Words { lower: list.iter().map(|w| w.to_lowercase()).collect() })
    }
}

/// A word of the text: its byte range, and the word without surrounding punctuation.
#[derive(Debug, Clone)]
struct Word<'t> {
    range: Range<usize>,
    text: &'t str,
    /// Punctuation right after it (a comma or a full stop ends a name).
    stop_after: bool,
}

/// The words of `text[span]`: runs between white space, trimmed of quotes and punctuation
/// (a final full stop stays on a suffix such as "Jr.").
fn words(text: &str, span: Range<usize>) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let s = &text[span.clone()];
    let mut at = 0;
    for piece in s.split_inclusive(char::is_whitespace) {
        let raw_start = span.start + at;
        at += piece.len();
        let core = piece.trim_end();
        let lead = core.len() - core.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
        let trimmed = core.trim_start_matches(|c: char| !c.is_alphanumeric());
        let body = trimmed.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '.');
        let body = body.strip_suffix('.').filter(|b| !(b.len() <= 3 && b.chars().next().is_some_and(char::is_uppercase))).unwrap_or(body);
        if body.is_empty() {
            continue;
        }
        let stop_after = trimmed.len() > body.len() && trimmed[body.len()..].chars().any(|c| matches!(c, ',' | ';' | ':' | '.' | '!' | '?' | ')' | '"' | '”'));
        let start = raw_start + lead;
        out.push(Word { range: start..start + body.len(), text: &text[start..start + body.len()], stop_after });
    }
    out
}

fn capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// A name without its possessive ("Lai's" → "Lai").
fn bare(w: &str) -> &str {
    w.strip_suffix("'s").or_else(|| w.strip_suffix("’s")).or_else(|| w.strip_suffix('\'')).or_else(|| w.strip_suffix('’')).unwrap_or(w)
}

/// One place a candidate name stands: what the store keeps (table `unknown_names`) and a
/// partial record carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Occurrence {
    /// Its sentence (byte range of the document text).
    pub sentence: Range<usize>,
    /// The name, or the full name this surname stands for in the document.
    pub name: String,
    /// The type its context suggests.
    pub kind: Option<Guess>,
    /// The role a title before it gives.
    pub role: Option<String>,
    /// A state named next to it.
    pub state: Option<Place>,
    /// Its sentence has a relation cue.
    pub near_cue: bool,
    /// A single word whose lowercase form is also in the document: a common word at a
    /// sentence's start or in a heading ("Summit", "Embassy"), not a name.
    pub lowercase_too: bool,
}

/// A type guessed from one occurrence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Guess {
    /// `person`, `organisation`, `armed_group` or `place`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The weight of the evidence: 3 strong (a title, a head word), 1 weak.
    pub weight: u8,
    /// What it was ("title \"president\"").
    pub why: String,
}

impl Guess {
    fn new(kind: &str, weight: u8, why: String) -> Option<Guess> {
        Some(Guess { kind: kind.to_string(), weight, why })
    }
}

/// A state found next to a name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// Named right before or after it: its state ("Pakistani army chief Asim Munir").
    Next(String),
    /// Where it is ("militants in Pakistan"): a group's base.
    In(String),
}

/// A proposed entity.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    /// Its id, from its name.
    pub id: String,
    /// The fullest form.
    pub name: String,
    /// Every surface form seen (full name, surname alone, ...).
    pub aliases: Vec<String>,
    /// Documents naming it.
    pub documents: usize,
    /// Mentions in all.
    pub mentions: usize,
    /// Guessed type: `person`, `organisation`, `armed_group` or `place`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Why that type ("title \"president\"", "head word \"Ministry\"", ...).
    pub type_from: String,
    /// Guessed state (gazetteer id), from a state named next to it.
    pub affiliation: Option<String>,
    /// The role its title gives ("president", "army chief").
    pub role: Option<String>,
    /// The date of a document giving it that role.
    pub role_date: Option<String>,
    /// Mentions in a sentence with a relation cue: where it would take part in claims.
    pub near_cues: usize,
    /// Up to two example sentences, with their document ids.
    pub examples: Vec<(String, String)>,
}

/// How many names the gazetteer does not know a graph holds, how many stand in sentences
/// with a relation cue (where claims about them were lost), and the first of those: what
/// `graph.json` carries as `unknown_names`, `build` says in one line and the report shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Unknown {
    /// Candidate names in all.
    pub candidates: usize,
    /// Of which actors ([`Suggestion::is_actor`]) standing at least once in a sentence with a
    /// relation cue.
    pub near_cues: usize,
    /// The first [`Unknown::TOP`] of those near cues, ranked as `suggest` ranks them.
    pub top: Vec<UnknownName>,
}

/// One name of [`Unknown::top`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnknownName {
    /// The name.
    pub name: String,
    /// Guessed type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Guessed state.
    pub affiliation: Option<String>,
    /// Documents naming it.
    pub documents: usize,
    /// Mentions in all.
    pub mentions: usize,
    /// Mentions in a sentence with a relation cue.
    pub near_cues: usize,
}

/// The `type_from` of a suggestion whose type no context told (a person by default).
pub const NO_CONTEXT: &str = "no context";

impl Suggestion {
    /// Whether its context says it is an actor (a person, organisation or armed group by a
    /// title, head word, name words or apposition), not a place or a word with no context.
    pub fn is_actor(&self) -> bool {
        self.kind != "place" && self.type_from != NO_CONTEXT
    }
}

impl Unknown {
    /// How many names near cues [`Unknown::top`] lists.
    pub const TOP: usize = 20;

    /// The summary of ranked suggestions: those near cues are the actors among them
    /// ([`Suggestion::is_actor`]).
    pub fn of(list: &[Suggestion]) -> Unknown {
        let near: Vec<&Suggestion> = list.iter().filter(|s| s.near_cues > 0 && s.is_actor()).collect();
        Unknown {
            candidates: list.len(),
            near_cues: near.len(),
            top: near
                .iter()
                .take(Unknown::TOP)
                .map(|s| UnknownName {
                    name: s.name.clone(),
                    kind: s.kind.clone(),
                    affiliation: s.affiliation.clone(),
                    documents: s.documents,
                    mentions: s.mentions,
                    near_cues: s.near_cues,
                })
                .collect(),
        }
    }

    /// One line for the user: how many names near cues the gazetteer lacks, the first few,
    /// and `command`, which lists them; `None` when there are none.
    pub fn line(&self, command: &str) -> Option<String> {
        if self.near_cues == 0 {
            return None;
        }
        let first: Vec<&str> = self.top.iter().take(5).map(|n| n.name.as_str()).collect();
        let more = if self.near_cues > first.len() { ", …" } else { "" };
        Some(format!(
            "{} the gazetteer does not know {} in sentences with relation cues ({}{more}): claims about them are lost; `{command}` lists them",
            crate::count(self.near_cues, "actor", "actors"),
            if self.near_cues == 1 { "stands" } else { "stand" },
            first.join(", ")
        ))
    }
}

/// A document as discovery reads it.
pub struct Read<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its text.
    pub text: &'a str,
    /// Its paragraphs and sentences.
    pub layout: &'a Layout,
    /// The gazetteer's mentions in it.
    pub mentions: &'a [Mention],
    /// Its publication date.
    pub published: Option<String>,
    /// Per sentence (index in `layout`), whether it holds a relation cue, when the relation
    /// rules have said so; `None`: asked of each sentence with a candidate.
    pub cued: Option<&'a [bool]>,
}

/// What one document gave: its id and date, the places its candidate names stand, and their
/// sentences by start.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Found {
    /// The document's id.
    pub id: String,
    /// Its publication date.
    pub published: Option<String>,
    /// Where candidate names stand, in text order.
    pub occurrences: Vec<Occurrence>,
    /// The text of their sentences, by start.
    pub sentences: BTreeMap<usize, String>,
}

/// The candidates of many documents, absorbed one document at a time, ranked on request: what
/// `suggest` prints, `build` counts and the graph carries.
#[derive(Debug, Clone, Default)]
pub struct Candidates {
    /// Documents absorbed.
    documents: usize,
    /// Per name, what its occurrences add up to: memory grows with the names, not the corpus.
    names: BTreeMap<String, Tally>,
}

/// What the occurrences of one name add up to. Every choice among occurrences (the first
/// reason for a type, the examples) takes the least (document id, sentence start), so the
/// order documents come in does not show.
#[derive(Debug, Clone, Default)]
struct Tally {
    documents: usize,
    last_document: Option<usize>,
    mentions: usize,
    near_cues: usize,
    lowercase_too: usize,
    /// Per type: the weight of its votes, and the first reason (by document id, start).
    kinds: BTreeMap<String, (u32, (String, usize), String)>,
    next: BTreeMap<String, usize>,
    inside: BTreeMap<String, usize>,
    /// Per role: occurrences, and the latest date of a document giving it.
    roles: BTreeMap<String, (usize, Option<String>)>,
    /// Up to two (document id, sentence start, sentence), from distinct documents, least first.
    examples: Vec<(String, usize, String)>,
}

/// Reads a document for the names the gazetteer does not know ([`Discovery::find`]); it holds
/// no state, so workers share one, and [`Candidates`] collects what they find.
pub struct Discovery<'g> {
    gaz: &'g Gazetteer,
    lex: &'g Lexicon,
    rules: &'g DiscoverRules,
}

impl Candidates {
    /// Adds what [`Discovery::find`] found in one document.
    pub fn absorb(&mut self, found: Found) {
        let d = self.documents;
        self.documents += 1;
        for o in found.occurrences {
            let t = match self.names.get_mut(&o.name) {
                Some(t) => t,
                None => self.names.entry(o.name).or_default(),
            };
            if t.last_document != Some(d) {
                t.last_document = Some(d);
                t.documents += 1;
            }
            t.mentions += 1;
            t.near_cues += usize::from(o.near_cue);
            t.lowercase_too += usize::from(o.lowercase_too);
            let start = o.sentence.start;
            let before = |(id, s): &(String, usize)| (found.id.as_str(), start) < (id.as_str(), *s);
            if let Some(g) = o.kind {
                match t.kinds.get_mut(&g.kind) {
                    Some(e) => {
                        e.0 += u32::from(g.weight);
                        if before(&e.1) {
                            (e.1, e.2) = ((found.id.clone(), start), g.why);
                        }
                    }
                    None => {
                        t.kinds.insert(g.kind, (u32::from(g.weight), (found.id.clone(), start), g.why));
                    }
                }
            }
            match o.state {
                Some(Place::Next(s)) => *t.next.entry(s).or_default() += 1,
                Some(Place::In(s)) => *t.inside.entry(s).or_default() += 1,
                None => {}
            }
            if let Some(r) = o.role {
                let e = t.roles.entry(r).or_default();
                e.0 += 1;
                e.1 = e.1.take().max(found.published.clone());
            }
            // The examples: the least two documents, each by its least sentence.
            let sentence = || found.sentences.get(&o.sentence.start).cloned().unwrap_or_default();
            match t.examples.iter_mut().find(|e| e.0 == found.id) {
                Some(e) if start < e.1 => (e.1, e.2) = (start, sentence()),
                Some(_) => {}
                None => {
                    if t.examples.len() < 2 || t.examples.iter().any(|e| found.id < e.0) {
                        t.examples.push((found.id.clone(), start, sentence()));
                        t.examples.sort();
                        t.examples.truncate(2);
                    }
                }
            }
        }
    }
}

impl<'g> Discovery<'g> {
    /// A discovery over the gazetteer's names, with its lexicon's cues and the rules.
    pub fn new(gaz: &'g Gazetteer, lex: &'g Lexicon, rules: &'g DiscoverRules) -> Discovery<'g> {
        Discovery { gaz, lex, rules }
    }

    /// One document's leftover names: documents are read in parallel, then absorbed into
    /// [`Candidates`].
    pub fn find(&self, doc: &Read) -> Found {
        let mut sentences = BTreeMap::new();
        // The known mentions (sorted by start) and the furthest end among the first i + 1: a
        // range overlaps a mention when one starting before its end ends after its start.
        let starts: Vec<usize> = doc.mentions.iter().map(|m| m.start).collect();
        let reach: Vec<usize> = doc
            .mentions
            .iter()
            .scan(0, |far, m| {
                *far = m.end.max(*far);
                Some(*far)
            })
            .collect();
        let inside_known = |r: &Range<usize>| {
            let p = starts.partition_point(|&s| s < r.end);
            p > 0 && reach[p - 1] > r.start
        };
        let r = self.rules;
        let mut found: Vec<Occurrence> = Vec::new();
        // Single words asked whether the document writes them in lower case too, answered once.
        let mut lowercase_seen: rustc_hash::FxHashMap<String, bool> = rustc_hash::FxHashMap::default();
        // Per occurrence: a single word at a sentence start, kept only as a known surname.
        let mut initial: Vec<bool> = Vec::new();
        for (pi, para) in doc.layout.paragraphs.iter().enumerate() {
            // A headline (the first paragraph, or any short line mostly in capitals) is in
            // title case: its capitals say nothing.
            // Counted without keeping the words: a paragraph of 20 words or more is prose.
            let (mut n, mut caps) = (0usize, 0usize);
            for piece in doc.text[para.clone()].split_whitespace() {
                let body = piece.trim_start_matches(|c: char| !c.is_alphanumeric());
                if body.is_empty() {
                    continue;
                }
                n += 1;
                caps += usize::from(capitalised(body));
                if n == 20 {
                    break;
                }
            }
            if n < 20 && caps * 10 >= n * 6 && (pi == 0 || !doc.text[para.clone()].trim_end().ends_with('.')) {
                continue;
            }
            // The paragraph's sentences (sorted by start).
            let first = doc.layout.sentences.partition_point(|s| s.span.start < para.start);
            for (si, s) in doc.layout.sentences[first..]
                .iter()
                .map(|s| s.span.clone())
                .enumerate()
                .map(|(k, s)| (first + k, s))
                .take_while(|(_, s)| s.start < para.end)
                .filter(|(_, s)| s.end <= para.end)
            {
                // Most sentences hold no capitalised word outside known mentions but a common
                // first word: they are not split into words at all.
                if !may_hold_a_name(doc.text, s.clone(), &inside_known, r) {
                    continue;
                }
                let ws = words(doc.text, s.clone());
                // Asked only of sentences that hold a candidate: most hold none.
                let mut near_cue: Option<bool> = None;
                let mut i = 0;
                while i < ws.len() {
                    if !capitalised(ws[i].text) || inside_known(&ws[i].range) || r.is_not_name(ws[i].text) {
                        i += 1;
                        continue;
                    }
                    // Extend: capitals, particles followed by a capital, suffixes.
                    let mut j = i + 1;
                    while j < ws.len() && !ws[j - 1].stop_after {
                        let w = &ws[j];
                        if inside_known(&w.range) {
                            break;
                        }
                        let next_cap = ws.get(j + 1).is_some_and(|n| capitalised(n.text) && !inside_known(&n.range));
                        if (capitalised(w.text) && !r.is_not_name(w.text)) || (r.particles.contains(w.text) && next_cap) || r.suffixes.contains(w.text) {
                            j += 1;
                        } else {
                            break;
                        }
                    }
                    let run = &ws[i..j];
                    i = j;
                    // A title alone ("Secretary of State", "Defense Secretary": its last word a
                    // title) is no name.
                    let whole: Vec<&str> = run.iter().map(|w| w.text).collect();
                    if r.person_titles.contains(&whole.join(" ")) || r.person_titles.contains(bare(whole[whole.len() - 1])) {
                        continue;
                    }
                    // A title inside the run ("President Lai") is context, not name.
                    let mut start = 0;
                    let mut role = None;
                    for take in (1..run.len()).rev() {
                        let head: Vec<&str> = run[..take].iter().map(|w| w.text).collect();
                        // "President", "Foreign Minister", or any words ending in a title word
                        // ("Defense Secretary").
                        if r.person_titles.contains(&head.join(" ")) || r.person_titles.contains(bare(head[take - 1])) {
                            role = Some(head.join(" ").to_lowercase());
                            start = take;
                            break;
                        }
                    }
                    // Where the words before the name begin: its title, when the run held one.
                    let title_start = (start > 0).then(|| run[0].range.start);
                    let run = &run[start..];
                    let sentence_initial = run[0].range.start == ws[0].range.start && start == 0;
                    let name: String = {
                        let mut parts: Vec<&str> = run.iter().map(|w| w.text).collect();
                        let last = parts.len() - 1;
                        parts[last] = bare(parts[last]);
                        // A full stop stays only on a suffix ("Jr."), not on a sentence's end.
                        if !r.suffixes.contains(parts[last]) {
                            parts[last] = parts[last].trim_end_matches('.');
                        }
                        parts.join(" ")
                    };
                    if name.chars().count() < 2 || name.chars().all(|c| !c.is_alphabetic()) {
                        continue;
                    }
                    // A title or a head word alone ("the President said") is not a name. A single
                    // capitalised word at a sentence start is a sentence start, unless it is the
                    // surname of a full name of the document (settled below).
                    if r.person_titles.contains(&name) || r.organisation_heads.contains(&name) {
                        continue;
                    }
                    let only_if_surname = run.len() == 1 && sentence_initial;
                    // A named thing (a prize, a treaty's article, a corridor) is not an actor.
                    if r.thing_words.contains(bare(run[0].text)) || r.thing_words.contains(bare(run[run.len() - 1].text)) {
                        continue;
                    }
                    let span = run[0].range.start..run[run.len() - 1].range.end;
                    let (kind, state, role) = self.context(doc, &ws, run, span.clone(), (role, title_start));
                    let near_cue = *near_cue.get_or_insert_with(|| match doc.cued.and_then(|c| c.get(si)) {
                        Some(&known) if s.len() <= crate::relations::MAX_SENTENCE => known,
                        _ => self.lex.has_cue(doc.text, s.clone()),
                    });
                    let lowercase_too = run.len() == 1 && {
                        let lower = name.to_lowercase();
                        lower != name && *lowercase_seen.entry(lower).or_insert_with_key(|l| has_word(doc.text, l))
                    };
                    found.push(Occurrence { sentence: s.clone(), name, kind, role, state, near_cue, lowercase_too });
                    initial.push(only_if_surname);
                    sentences.entry(s.start).or_insert_with(|| doc.text[s.clone()].split_whitespace().collect::<Vec<_>>().join(" "));
                }
            }
        }
        // A surname (or first name) alone after its full name in the same document is that name.
        let full: Vec<String> = found.iter().filter(|o| o.name.contains(' ')).map(|o| o.name.clone()).collect();
        let mut keep = vec![true; found.len()];
        for (o, (initial, keep)) in found.iter_mut().zip(initial.iter().zip(keep.iter_mut())) {
            if o.name.contains(' ') {
                continue;
            }
            match full.iter().find(|f| f.split(' ').next_back() == Some(o.name.as_str()) || f.split(' ').next() == Some(o.name.as_str())) {
                Some(f) => o.name = f.clone(),
                None => *keep = !initial,
            }
        }
        let mut keep = keep.into_iter();
        found.retain(|_| keep.next().unwrap_or(true));
        sentences.retain(|start, _| found.iter().any(|o| o.sentence.start == *start));
        Found { id: doc.id.to_string(), published: doc.published.clone(), occurrences: found, sentences }
    }

    /// The type, state and role an occurrence's context suggests.
    fn context(
        &self,
        doc: &Read,
        ws: &[Word],
        run: &[Word],
        span: Range<usize>,
        (role, title_start): (Option<String>, Option<usize>),
    ) -> (Option<Guess>, Option<Place>, Option<String>) {
        let r = self.rules;
        let at = ws.iter().position(|w| w.range.start == span.start).unwrap_or(0);
        let after = ws.iter().position(|w| w.range.end == span.end).map_or(ws.len(), |p| p + 1);
        // A lowercase title just before ("army chief Asim Munir", "Taiwan's president Lai").
        let mut role = role;
        let mut lead = title_start.unwrap_or(span.start);
        if role.is_none() {
            for take in (1..=3.min(at)).rev() {
                let before: Vec<String> = ws[at - take..at].iter().map(|w| bare(w.text).to_lowercase()).collect();
                if r.person_titles.contains(&before.join(" ")) {
                    role = Some(before.join(" "));
                    lead = ws[at - take].range.start;
                    break;
                }
            }
        }
        let last = run.last().map(|w| bare(w.text)).unwrap_or("");
        let inner_head = run.iter().map(|w| w.text).find(|w| r.organisation_heads.contains(w));
        // The words right after the name, up to an apposition's noun ("Tren de Aragua, a
        // Venezuelan gang").
        let following: Vec<String> = ws[after.min(ws.len())..(after + 4).min(ws.len())].iter().map(|w| w.text.to_lowercase()).collect();
        let armed =
            following.iter().enumerate().find(|(i, w)| r.armed_group_words.contains(w) && (*i == 0 || ws[after - 1].stop_after)).map(|(_, w)| w.clone());
        let prev = at.checked_sub(1).map(|p| ws[p].text.to_lowercase());
        // "the port of Odesa", "the city of Kherson": a place noun, then "of".
        let place_noun =
            (prev.as_deref() == Some("of")).then(|| at.checked_sub(2).map(|p| bare(ws[p].text).to_lowercase())).flatten().filter(|n| r.place_nouns.contains(n));
        let place_head = r.place_heads.contains(last).then_some(last);
        let kind = if let Some(h) = place_head {
            Guess::new("place", 3, format!("head word {h:?}"))
        } else if let Some(h) = inner_head {
            Guess::new("organisation", 3, format!("head word {h:?}"))
        } else if let Some(n) = armed.as_deref() {
            Guess::new("armed_group", 3, format!("followed by {n:?}"))
        } else if let Some(t) = &role {
            Guess::new("person", 3, format!("title {t:?}"))
        } else if let Some(n) = place_noun {
            Guess::new("place", 3, format!("after \"{n} of\""))
        } else if let Some(p) = prev.as_deref().filter(|p| r.place_words.contains(p)) {
            Guess::new("place", 1, format!("after {p:?}"))
        } else if (2..=4).contains(&run.len()) && run.iter().all(|w| !w.text.chars().all(|c| c.is_uppercase() || !c.is_alphabetic())) {
            Guess::new("person", 1, "two to four name words".to_string())
        } else if last.chars().all(|c| c.is_uppercase() || !c.is_alphabetic()) && last.len() > 1 {
            Guess::new("organisation", 1, "an acronym".to_string())
        } else {
            None
        };
        // A state named right before the name or its title ("Pakistani army chief", "Taiwan's
        // president", "China's Ministry"), or right after it ("Lai of Taiwan"). A state further
        // away is another actor of the sentence ("India blamed Jaish-e-Mohammed").
        let state_of = |m: &Mention| {
            let e = &self.gaz.entities[m.entity as usize];
            let s = self.gaz.state_of(m.entity);
            let se = &self.gaz.entities[s as usize];
            (se.kind == "state" && e.kind != "place" && !e.media).then(|| se.id.clone())
        };
        // Within the sentence only: a headline naming a state ends right before the first line.
        let sentence_start = ws.first().map_or(span.start, |w| w.range.start);
        let adjacent = |a: usize, b: usize| a <= b && matches!(doc.text[a..b].trim(), "" | "'s" | "’s");
        // The first mention after `from`, when only `words` stand between (mentions are sorted
        // by start).
        let first_after = doc.mentions.partition_point(|m| m.start < span.end);
        let state_right_after = |words: &[&str]| {
            let m = doc.mentions.get(first_after)?;
            let between = &doc.text[span.end..m.start];
            let only =
                between.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).all(|w| words.iter().any(|x| x.eq_ignore_ascii_case(w)));
            only.then(|| state_of(m)).flatten()
        };
        let before = doc.mentions.partition_point(|m| m.start < lead);
        let state = doc.mentions[..before]
            .iter()
            .rev()
            .take_while(|m| m.start >= sentence_start)
            .filter(|m| adjacent(m.end, lead))
            .find_map(state_of)
            // "Lai of Taiwan", "Tren de Aragua, a Venezuelan gang".
            .or_else(|| state_right_after(&["of", "a", "an", "the"]));
        // Where a group is: "camps of Jaish-e-Mohammed in Pakistan" (its base, should it be one).
        let base = state_right_after(&["in", "based", "from"]);
        (kind, state.map(Place::Next).or(base.map(Place::In)), role)
    }
}

impl Candidates {
    /// The candidates named in at least `min_docs` documents, ranked by documents, then
    /// mentions, then name; examples and roles' dates by document id, so the order documents
    /// came in does not show.
    pub fn suggestions(&self, min_docs: usize) -> Vec<Suggestion> {
        let most = |m: &BTreeMap<String, usize>| m.iter().max_by_key(|(s, n)| (**n, std::cmp::Reverse(*s))).map(|(s, _)| s.clone());
        let mut out: Vec<Suggestion> = self
            .names
            .iter()
            .filter_map(|(name, t)| {
                if t.documents < min_docs.max(1) {
                    return None;
                }
                // A single word also written in lower case where it stands is a common word.
                if !name.contains(' ') && t.lowercase_too * 3 >= t.mentions {
                    return None;
                }
                // Votes: strong context counts three times a weak one.
                let (kind, type_from) = t
                    .kinds
                    .iter()
                    .max_by_key(|(k, (n, _, _))| (*n, std::cmp::Reverse(*k)))
                    .map_or(("person".to_string(), NO_CONTEXT.to_string()), |(k, (_, _, why))| (k.clone(), why.clone()));
                // The state named next to it most often; for a group with none, where it is.
                let affiliation = most(&t.next).or(if kind == "armed_group" || kind == "organisation" { most(&t.inside) } else { None });
                let role = t.roles.iter().max_by_key(|(r, (n, _))| (*n, std::cmp::Reverse(*r))).map(|(r, _)| r.clone());
                let role_date = role.as_ref().and_then(|r| t.roles[r].1.clone());
                let mut aliases: BTreeSet<String> = BTreeSet::new();
                aliases.insert(name.clone());
                if kind == "person" {
                    // The family name alone is how later paragraphs name a person (the rule the
                    // tagger resolves surnames by).
                    aliases.extend(crate::gazetteer::family_name(name).map(str::to_string));
                }
                Some(Suggestion {
                    id: crate::gazetteer::slug_of(name),
                    aliases: aliases.into_iter().collect(),
                    documents: t.documents,
                    mentions: t.mentions,
                    kind,
                    type_from,
                    affiliation,
                    role,
                    role_date,
                    near_cues: t.near_cues,
                    examples: t.examples.iter().map(|(d, _, s)| (d.clone(), s.clone())).collect(),
                    name: name.clone(),
                })
            })
            .collect();
        out.sort_by(|a, b| b.documents.cmp(&a.documents).then(b.mentions.cmp(&a.mentions)).then(a.name.cmp(&b.name)));
        out
    }
}

/// Whether `text[span]` may hold a candidate: a capitalised word that no known mention covers
/// (`inside_known`) and that may begin a name (not "The", "Monday", "S-400"): where a run of
/// [`Discovery::find`] can start. A cheap scan before [`words`].
fn may_hold_a_name(text: &str, span: Range<usize>, inside_known: &dyn Fn(&Range<usize>) -> bool, r: &DiscoverRules) -> bool {
    let bytes = text.as_bytes();
    let mut i = span.start;
    while i < span.end {
        let b = bytes[i];
        // A word start: an upper-case letter after a byte that is no letter or digit.
        let boundary = i == span.start || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] >= 0x80);
        let upper = if b < 0x80 { b.is_ascii_uppercase() } else { b >= 0xC0 && text[i..].chars().next().is_some_and(char::is_uppercase) };
        if !(boundary && upper) {
            i += 1;
            continue;
        }
        let end = bytes[i..span.end].iter().position(u8::is_ascii_whitespace).map_or(span.end, |p| i + p);
        let word = text[i..end].trim_end_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’');
        if !word.is_empty() && !inside_known(&(i..i + word.len())) && !r.is_not_name(word) {
            return true;
        }
        i = end.max(i + 1);
    }
    false
}

/// `word` stands in `text` as a whole word (not inside another).
fn has_word(text: &str, word: &str) -> bool {
    let bytes = text.as_bytes();
    let edge = |i: Option<&u8>| i.is_none_or(|c| !c.is_ascii_alphanumeric() && *c < 0x80);
    memchr::memmem::find_iter(bytes, word.as_bytes()).any(|a| {
        let b = a + word.len();
        edge(a.checked_sub(1).and_then(|i| bytes.get(i))) && edge(bytes.get(b))
    })
}

impl DiscoverRules {
    /// A capitalised word that is not a name: in `not_names`, or with a digit (a designation).
    fn is_not_name(&self, w: &str) -> bool {
        let w = bare(w);
        if w.bytes().any(|b| b.is_ascii_digit()) {
            return true;
        }
        self.not_names.contains(w.trim_end_matches('.')) || (w.ends_with('.') && self.not_names.contains(w))
    }
}

#[cfg(test)]
mod tests;
