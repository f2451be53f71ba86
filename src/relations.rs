//! Stated relations: typed, signed, attributed claims between actors, with their evidence.
//!
//! A [`Lexicon`] (data: `gazetteer/relations.toml`) holds relation types with their CAMEO,
//! PLOVER, Goldstein and quad-class codes, the cue phrases that state them, and the word lists
//! of a small English grammar (negators, modals, speech verbs, pronouns). [`extract`] reads one
//! tagged document sentence by sentence:
//!
//! 1. **Clauses.** A sentence splits at `;` and at clause words ("but", "while", "whereas").
//! 2. **Actors.** Mentions of people, states and organisations; a nationality word only before
//!    an actor noun ("Russian officials") or next to a cue ("Russian invasion"); a capital only
//!    where it is not a location ("in Tehran"); pronouns: "we/our" inside a quotation is the
//!    speaker, "he/his" the sentence's first person (else the previous sentence's), "it/its"
//!    the sentence's first state or organisation.
//! 3. **Cues** are matched on words; at each place the longest wins.
//! 4. **Pairing.** The subject is the nearest actor group before the cue, the object the
//!    nearest after it (or inside a gap: "giving Iran the cold shoulder"). Groups join actors
//!    by "and", commas and titles ("Russia and Iran", "Iranian President Ebrahim Raisi and
//!    Turkish President Recep Tayyip Erdogan"), and a group alone next to a symmetric cue pairs
//!    within itself. "between X and Y" pairs X with Y; a passive ("was condemned by X") swaps;
//!    a possessive followed by an apposition ("the Iranians' professed enemy, Israel") yields
//!    the apposition. With nothing after the cue, the next group further back is the object.
//!    Pairs within one state (Putin and Russia) are dropped: no self-loops.
//! 5. **Negation** ("not", "n't", "never", "little sign", "refused to", ...) denies the first cue
//!    after it in its clause. **Modality** comes from the words before the cue ("will", "could
//!    soon", "plans to" → future; "if", "would" → hypothetical; a question mark → question).
//! 6. **Attribution.** A quotation's speaker is found after it ("…,” Araghchi said", "said Ali
//!    Vaez") or before it ("Putin told Pezeshkian, “…", "To quote Baghaei, “…"); a quotation
//!    that opens a paragraph with no speaker continues the previous one. Reported speech ("Peskov
//!    told an Iranian broadcaster that …") attributes the rest of its sentence. Cues inside a
//!    quotation pair only with actors in it or before it, never with the speaker's own group.
//!
//! Every [`Claim`] carries its evidence: the sentence, the byte spans of subject, object and
//! cue, and the lexicon line of the cue that fired.

use compact_str::CompactString;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::ops::Range;
use std::path::Path;
use std::rc::Rc;

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, LineIndex, Result, line_of};
use crate::gazetteer::{Gazetteer, How, Origin, gazetteer_files};
use crate::norm::{char_at, is_ascii_word_byte, is_word_char};
use crate::tagger::Mention;
use crate::text::Layout;

const DEFAULT_RELATIONS: &str = include_str!("../gazetteer/relations.toml");

/// Sentences longer than this many bytes are not read for claims.
pub const MAX_SENTENCE: usize = 4096;

/// Whether a relation is friendly, hostile or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Polarity {
    /// Cooperation, support, alliance.
    Cooperative,
    /// Conflict, criticism, force.
    Conflictual,
    /// Neither (statements).
    Neutral,
}

impl Polarity {
    /// The lowercase name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Cooperative => "cooperative",
            Polarity::Conflictual => "conflictual",
            Polarity::Neutral => "neutral",
        }
    }
}

/// Whether a claim is stated as fact, as intent, as a possibility or as a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Modality {
    /// Stated as fact.
    Asserted,
    /// Future or intended ("will", "could soon", "plans to").
    Future,
    /// Conditional or hypothetical ("if", "would").
    Hypothetical,
    /// Asked.
    Question,
}

impl Modality {
    /// The lowercase name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Asserted => "asserted",
            Modality::Future => "future",
            Modality::Hypothetical => "hypothetical",
            Modality::Question => "question",
        }
    }
}

/// A relation type of the lexicon.
#[derive(Debug, Clone)]
pub struct RelationType {
    /// Id, e.g. `partnership`.
    pub id: String,
    /// CAMEO code (root or full).
    pub cameo: String,
    /// PLOVER category, when there is one.
    pub plover: Option<String>,
    /// Goldstein conflict–cooperation value, -10 to 10.
    pub goldstein: f64,
    /// Quad class: `verbal_cooperation`, `material_cooperation`, `verbal_conflict`,
    /// `material_conflict`.
    pub quad: String,
    /// Polarity of the relation itself.
    pub polarity: Polarity,
    /// One undirected claim when true.
    pub symmetric: bool,
    /// A standing relation (partnership, rift) rather than an event.
    pub state: bool,
    /// Where it was defined.
    pub origin: Origin,
}

/// How a cue places its actors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CueRole {
    /// Subject before, object after.
    Plain,
    /// A generic word, used only when nothing else in the clause links the pair.
    Weak,
    /// Object before, subject after ("buy drones from").
    Reverse,
    /// A possessive before the noun is its object ("Soleimani's assassination").
    Patient,
    /// Inside a quotation, the speaker is the subject.
    Speaker,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// One of these words, and (set by `Lexicon::assemble`) their word ids.
    Any(Vec<String>, Vec<u32>),
    Prefix(String),
    Gap,
}

/// A cue phrase.
#[derive(Debug, Clone)]
pub struct Cue {
    /// Index into [`Lexicon::relations`].
    pub relation: usize,
    /// As written in the lexicon.
    pub text: String,
    /// How it places its actors.
    pub role: CueRole,
    /// Where it was written.
    pub origin: Origin,
    parts: Vec<Part>,
}

/// Word lists of the grammar section: the phrase lists, and every listed word with its
/// [`class`] bits (the single-word lists live only there; tokens carry their bits).
#[derive(Debug, Clone, Default)]
struct Grammar {
    negators: Phrases,
    future: Phrases,
    hypothetical: Phrases,
    clause_breaks: Phrases,
    speech: Phrases,
    /// Word to class bits, for the word lists and the phrases' first words: made by
    /// `Lexicon::parse`, and taken by `assemble` (which adds the cues' first words) into
    /// `words`; empty after.
    classes: HashMap<String, u16>,
    /// Every word of the grammar and the cues, with its class bits and its id (from 1; a
    /// token of no other word has id 0), made by `assemble`: the rules compare word ids, and
    /// a token's word is looked up once.
    words: HashMap<String, (u16, u32)>,
}

/// The relation lexicon and grammar.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// Relation types.
    pub relations: Vec<RelationType>,
    /// Cue phrases.
    pub cues: Vec<Cue>,
    grammar: Grammar,
    /// Cues by the id of a word their first part accepts.
    by_word: HashMap<u32, Vec<usize>>,
    by_prefix: Vec<usize>,
}

#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    relation: Vec<Spanned<RawRelation>>,
    grammar: Option<RawGrammar>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelation {
    id: String,
    cameo: String,
    plover: Option<String>,
    goldstein: f64,
    quad: String,
    polarity: String,
    #[serde(default)]
    symmetric: bool,
    #[serde(default)]
    state: bool,
    #[serde(default)]
    cues: Vec<Spanned<String>>,
    #[serde(default)]
    weak_cues: Vec<Spanned<String>>,
    #[serde(default)]
    reverse_cues: Vec<Spanned<String>>,
    #[serde(default)]
    patient_cues: Vec<Spanned<String>>,
    #[serde(default)]
    speaker_cues: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawGrammar {
    #[serde(default)]
    negators: Vec<String>,
    #[serde(default)]
    future: Vec<String>,
    #[serde(default)]
    hypothetical: Vec<String>,
    #[serde(default)]
    clause_breaks: Vec<String>,
    #[serde(default)]
    locatives: Vec<String>,
    #[serde(default)]
    prepositions: Vec<String>,
    #[serde(default)]
    speech: Vec<String>,
    #[serde(default)]
    actor_heads: Vec<String>,
    #[serde(default)]
    group_words: Vec<String>,
    #[serde(default)]
    first_person: Vec<String>,
    #[serde(default)]
    person_pronouns: Vec<String>,
    #[serde(default)]
    group_pronouns: Vec<String>,
}

fn words(phrase: &str) -> Vec<String> {
    tokenize(phrase, 0..phrase.len()).into_iter().map(|t| t.word.into_string()).collect()
}

fn parse_cue(text: &str) -> std::result::Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let lower = text.to_lowercase().replace('\u{2019}', "'");
    let mut rest = lower.trim();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("...") {
            if parts.is_empty() {
                return Err("a cue cannot start with a gap".into());
            }
            parts.push(Part::Gap);
            rest = r.trim_start();
        } else if let Some(r) = rest.strip_prefix('(') {
            let close = r.find(')').ok_or("unbalanced parenthesis")?;
            let alts: Vec<String> = r[..close].split('|').map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect();
            if alts.is_empty() || alts.iter().any(|a| a.contains(' ')) {
                return Err("alternatives must be single words: (a|b|c)".into());
            }
            parts.push(Part::Any(alts, Vec::new()));
            rest = r[close + 1..].trim_start();
        } else {
            let end = rest.find([' ', '(']).unwrap_or(rest.len());
            let word = &rest[..end];
            if word.contains(')') || word.contains('|') {
                return Err(format!("stray {:?}", word));
            }
            match word.strip_suffix('*') {
                Some(p) if !p.is_empty() => parts.push(Part::Prefix(p.to_string())),
                Some(_) => return Err("a lone *".into()),
                None => parts.push(Part::Any(vec![word.to_string()], Vec::new())),
            }
            rest = rest[end..].trim_start();
        }
    }
    if matches!(parts.last(), Some(Part::Gap)) {
        return Err("a cue cannot end with a gap".into());
    }
    if parts.is_empty() {
        return Err("empty cue".into());
    }
    Ok(parts)
}

impl Lexicon {
    /// Loads the lexicon from the `[[relation]]` and `[grammar]` tables of the gazetteer's
    /// files; the built-in lexicon when none has any.
    pub fn load(gazetteer: &Path) -> Result<Lexicon> {
        Self::from_sources(&Self::sources(gazetteer)?)
    }

    /// The files of a gazetteer that hold lexicon tables, as (name, TOML text).
    pub fn sources(gazetteer: &Path) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for f in gazetteer_files(gazetteer)? {
            let src = std::fs::read_to_string(&f).map_err(|e| Error::gazetteer(f.display(), e))?;
            if src.contains("[[relation]]") || src.contains("[grammar]") {
                out.push((f.display().to_string(), src));
            }
        }
        Ok(out)
    }

    /// Builds the lexicon from its sources (see [`Lexicon::sources`]); the built-in one when
    /// they define no relation.
    pub fn from_sources(sources: &[(String, String)]) -> Result<Lexicon> {
        let mut relations = Vec::new();
        let mut cues = Vec::new();
        let mut grammar: Option<Grammar> = None;
        for (name, src) in sources {
            Self::parse(name, src, &mut relations, &mut cues, &mut grammar)?;
        }
        if relations.is_empty() {
            return Self::builtin();
        }
        Self::assemble(relations, cues, grammar)
    }

    /// The lexicon shipped in `gazetteer/relations.toml`, compiled in.
    pub fn builtin() -> Result<Lexicon> {
        let (mut relations, mut cues, mut grammar) = (Vec::new(), Vec::new(), None);
        Self::parse("gazetteer/relations.toml", DEFAULT_RELATIONS, &mut relations, &mut cues, &mut grammar)?;
        Self::assemble(relations, cues, grammar)
    }

    /// Parses lexicon TOML held in memory (tests).
    pub fn from_toml(name: &str, src: &str) -> Result<Lexicon> {
        let (mut relations, mut cues, mut grammar) = (Vec::new(), Vec::new(), None);
        Self::parse(name, src, &mut relations, &mut cues, &mut grammar)?;
        if grammar.is_none() {
            let (mut r2, mut c2) = (Vec::new(), Vec::new());
            Self::parse("gazetteer/relations.toml", DEFAULT_RELATIONS, &mut r2, &mut c2, &mut grammar)?;
        }
        Self::assemble(relations, cues, grammar)
    }

    fn parse(file: &str, src: &str, relations: &mut Vec<RelationType>, cues: &mut Vec<Cue>, grammar: &mut Option<Grammar>) -> Result<()> {
        // Parse only the tables this module owns; the gazetteer loader checks the rest.
        let value: toml::Table = toml::from_str(src).map_err(|e| {
            let place = e.span().map_or(file.to_string(), |s| format!("{file}:{}", line_of(src, s.start)));
            Error::gazetteer(place, e.message().trim())
        })?;
        let mut own = toml::Table::new();
        for key in ["relation", "grammar"] {
            if let Some(v) = value.get(key) {
                own.insert(key.to_string(), v.clone());
            }
        }
        if own.is_empty() {
            return Ok(());
        }
        // Re-parse from the source so spans (and so line numbers) survive.
        let raw: RawFile = toml::from_str(src).map_err(|e| {
            let place = e.span().map_or(file.to_string(), |s| format!("{file}:{}", line_of(src, s.start)));
            Error::gazetteer(place, e.message().trim())
        })?;
        let lines = LineIndex::new(src);
        let shared: std::sync::Arc<str> = std::sync::Arc::from(file);
        let at = |span: Range<usize>| Origin { file: shared.clone(), line: lines.line(span.start) };
        for r in raw.relation {
            let origin = at(r.span());
            let r = r.into_inner();
            let polarity = match r.polarity.as_str() {
                "cooperative" => Polarity::Cooperative,
                "conflictual" => Polarity::Conflictual,
                "neutral" => Polarity::Neutral,
                other => return Err(Error::gazetteer(&origin, format!("unknown polarity {other:?}"))),
            };
            if !(-10.0..=10.0).contains(&r.goldstein) {
                return Err(Error::gazetteer(&origin, format!("goldstein {} is outside -10..10", r.goldstein)));
            }
            if !["verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict"].contains(&r.quad.as_str()) {
                return Err(Error::gazetteer(&origin, format!("unknown quad class {:?}", r.quad)));
            }
            let idx = relations.len();
            relations.push(RelationType {
                id: r.id,
                cameo: r.cameo,
                plover: r.plover.filter(|p| !p.is_empty()),
                goldstein: r.goldstein,
                quad: r.quad,
                polarity,
                symmetric: r.symmetric,
                state: r.state,
                origin,
            });
            for (list, role) in [
                (r.cues, CueRole::Plain),
                (r.weak_cues, CueRole::Weak),
                (r.reverse_cues, CueRole::Reverse),
                (r.patient_cues, CueRole::Patient),
                (r.speaker_cues, CueRole::Speaker),
            ] {
                for c in list {
                    let origin = at(c.span());
                    let text = c.into_inner();
                    let parts = parse_cue(&text).map_err(|m| Error::gazetteer(&origin, format!("cue {text:?}: {m}")))?;
                    cues.push(Cue { relation: idx, text, role, origin, parts });
                }
            }
        }
        if let Some(g) = raw.grammar {
            let phrases = |l: Vec<String>, bit: u16| Phrases::new(l.iter().map(|p| words(p)).filter(|w| !w.is_empty()).collect(), bit);
            let mut classes: HashMap<String, u16> = HashMap::default();
            for (list, bit) in [
                (g.locatives, class::LOCATIVE),
                (g.prepositions, class::PREPOSITION),
                (g.actor_heads, class::ACTOR_HEAD),
                (g.group_words, class::GROUP_WORD),
                (g.first_person, class::FIRST_PERSON),
                (g.person_pronouns, class::PERSON_PRONOUN),
                (g.group_pronouns, class::GROUP_PRONOUN),
            ] {
                for w in list {
                    *classes.entry(w.to_lowercase()).or_default() |= bit;
                }
            }
            let mut gr = Grammar {
                negators: phrases(g.negators, class::NEGATOR),
                future: phrases(g.future, class::FUTURE),
                hypothetical: phrases(g.hypothetical, class::HYPOTHETICAL),
                clause_breaks: phrases(g.clause_breaks, class::CLAUSE_BREAK),
                speech: phrases(g.speech, class::SPEECH),
                classes,
                words: HashMap::default(),
            };
            for p in [&gr.negators, &gr.future, &gr.hypothetical, &gr.clause_breaks, &gr.speech] {
                for w in p.first_words() {
                    *gr.classes.entry(w.to_string()).or_default() |= p.bit;
                }
            }
            *grammar = Some(gr);
        }
        Ok(())
    }

    fn assemble(relations: Vec<RelationType>, cues: Vec<Cue>, grammar: Option<Grammar>) -> Result<Lexicon> {
        let grammar = match grammar {
            Some(g) => g,
            None => {
                let (mut r, mut c, mut g) = (Vec::new(), Vec::new(), None);
                Self::parse("gazetteer/relations.toml", DEFAULT_RELATIONS, &mut r, &mut c, &mut g)?;
                g.unwrap_or_default()
            }
        };
        let mut grammar = grammar;
        let mut cues = cues;
        // The class bits go into `words`; the string map is not kept.
        let mut classes = std::mem::take(&mut grammar.classes);
        for c in &cues {
            if let Some(Part::Any(ws, _)) = c.parts.first() {
                for w in ws {
                    *classes.entry(w.clone()).or_default() |= class::CUE;
                }
            }
        }
        // Word ids, in sorted order of the words: every word a class, phrase or cue names.
        let mut all: std::collections::BTreeSet<&str> = classes.keys().map(String::as_str).collect();
        for p in grammar.phrase_lists() {
            all.extend(p.list.iter().flatten().map(String::as_str));
        }
        for c in &cues {
            for part in &c.parts {
                if let Part::Any(ws, _) = part {
                    all.extend(ws.iter().map(String::as_str));
                }
            }
        }
        let words: HashMap<String, (u16, u32)> =
            all.into_iter().enumerate().map(|(i, w)| (w.to_string(), (classes.get(w).copied().unwrap_or(0), i as u32 + 1))).collect();
        let id = |w: &str| words[w].1;
        for p in grammar.phrase_lists_mut() {
            p.intern(&id);
        }
        let mut by_word: HashMap<u32, Vec<usize>> = HashMap::default();
        let mut by_prefix = Vec::new();
        for (i, c) in cues.iter_mut().enumerate() {
            for part in &mut c.parts {
                if let Part::Any(ws, ids) = part {
                    *ids = ws.iter().map(|w| id(w)).collect();
                }
            }
            match &c.parts[0] {
                Part::Any(_, ids) => ids.iter().for_each(|&w| by_word.entry(w).or_default().push(i)),
                Part::Prefix(_) => by_prefix.push(i),
                Part::Gap => unreachable!("parse_cue rejects a leading gap"),
            }
        }
        grammar.words = words;
        Ok(Lexicon { relations, cues, grammar, by_word, by_prefix })
    }

    /// The words of `text[span]` (see [`tokenize`]) with their grammar classes.
    fn tokens(&self, text: &str, span: Range<usize>) -> Vec<Token> {
        let mut tokens = tokenize(text, span);
        for t in &mut tokens {
            if let Some(&(class, id)) = self.grammar.words.get(t.word.as_str()) {
                t.class = class;
                t.id = id;
            }
        }
        tokens
    }

    /// The number of cue phrases.
    pub fn cue_count(&self) -> usize {
        self.cues.len()
    }
}

/// A word of a sentence.
#[derive(Debug, Clone)]
struct Token {
    start: usize,
    end: usize,
    word: CompactString,
    /// The grammar's word classes of `word` (bits of [`class`]), set by [`Lexicon::tokens`].
    class: u16,
    /// The word's id in the lexicon, 0 when it names no word of it; set by [`Lexicon::tokens`].
    id: u32,
}

/// Word classes of the grammar, as bits: a token's word is looked up once per sentence, not
/// once per question asked of it.
mod class {
    pub const LOCATIVE: u16 = 1;
    pub const PREPOSITION: u16 = 1 << 1;
    pub const FIRST_PERSON: u16 = 1 << 2;
    pub const PERSON_PRONOUN: u16 = 1 << 3;
    pub const GROUP_PRONOUN: u16 = 1 << 4;
    pub const GROUP_WORD: u16 = 1 << 5;
    /// Begins a phrase of the list named.
    pub const NEGATOR: u16 = 1 << 6;
    pub const FUTURE: u16 = 1 << 7;
    pub const HYPOTHETICAL: u16 = 1 << 8;
    pub const CLAUSE_BREAK: u16 = 1 << 9;
    pub const SPEECH: u16 = 1 << 10;
    /// Begins a cue (one whose first part is a word).
    pub const CUE: u16 = 1 << 11;
    pub const ACTOR_HEAD: u16 = 1 << 12;
}

/// Words (letters, digits, marks, with inner apostrophes and hyphens), lowercased, with `’` as `'`.
///
/// One pass over the bytes, decoding a `char` only where one is not ASCII; words are
/// [`CompactString`]s, so the words of a sentence (nearly all under 24 bytes) cost no
/// allocation of their own.
fn tokenize(text: &str, span: Range<usize>) -> Vec<Token> {
    let s = &text[span.clone()];
    let b = s.as_bytes();
    // The char at byte `i` and its length.
    let at = |i: usize| char_at(s, i).map(|c| (c, c.len_utf8()));
    // About one word in six bytes of prose: one allocation, not a doubling series.
    let mut out = Vec::with_capacity(s.len() / 6 + 1);
    let mut i = 0;
    while i < b.len() {
        // Spaces and ASCII punctuation between words are skipped without decoding.
        let (c, n) = if b[i] < 0x80 {
            if !is_ascii_word_byte(b[i]) && b[i] != b'&' {
                i += 1;
                continue;
            }
            (b[i] as char, 1)
        } else {
            match at(i) {
                Some((c, n)) if is_word_char(c) => (c, n),
                Some((_, n)) => {
                    i += n;
                    continue;
                }
                None => break,
            }
        };
        let start = i;
        // Whether every char taken so far is ASCII (the word then needs no Unicode lowercasing).
        let mut ascii = n == 1;
        if c == '&' {
            i += n;
        } else {
            // The char before `i` (a word char once the loop has taken one).
            let mut prev = c;
            loop {
                // Runs of ASCII letters and digits without decoding.
                let run = i;
                while i < b.len() && is_ascii_word_byte(b[i]) {
                    i += 1;
                }
                if i > run {
                    prev = b[i - 1] as char;
                }
                let Some((c, n)) = at(i) else { break };
                let taken = if is_word_char(c) {
                    true
                } else if i > start && matches!(c, '\'' | '\u{2019}' | '-' | '.') {
                    match at(i + n) {
                        Some((next, _)) => is_word_char(next) && (c != '.' || (next.is_uppercase() && prev.is_uppercase())),
                        None => false,
                    }
                } else {
                    false
                };
                if !taken {
                    break;
                }
                ascii &= n == 1;
                prev = c;
                i += n;
            }
        }
        let (a, z) = (span.start + start, span.start + i);
        let raw = &text[a..z];
        let word = if ascii {
            let mut w = CompactString::from(raw);
            w.make_ascii_lowercase();
            w
        } else {
            CompactString::from(raw.to_lowercase().replace('\u{2019}', "'"))
        };
        out.push(Token { start: a, end: z, word, class: 0, id: 0 });
    }
    out
}

/// A claim between two actors, with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// Subject entity (index into the gazetteer); for symmetric relations the one with the
    /// smaller id.
    pub subject: u32,
    /// Object entity.
    pub object: u32,
    /// Index into [`Lexicon::relations`].
    pub relation: usize,
    /// Index into [`Lexicon::cues`].
    pub cue: usize,
    /// Whether the text denies it.
    pub negated: bool,
    /// Asserted, future, hypothetical or question.
    pub modality: Modality,
    /// Who is quoted or reported as claiming it; `None` for the author.
    pub speaker: Option<u32>,
    /// The sentence.
    pub sentence: Range<usize>,
    /// Subject span (a name, or a pronoun that stands for it).
    pub subject_span: Range<usize>,
    /// Object span.
    pub object_span: Range<usize>,
    /// Cue span.
    pub cue_span: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Actor {
    entity: u32,
    start: usize,
    end: usize,
    /// Index of the first token at or after `start`.
    tok: usize,
    /// Index one past the last token before `end`.
    tok_end: usize,
    possessive: bool,
    demonym: bool,
    pronoun: bool,
    /// For a pronoun, the next candidate antecedent, used when the first is the subject itself.
    alt: Option<u32>,
}

/// The quotation (sorted by start, as `find_quotes` returns them) that contains `span`.
fn quote_containing(quotes: &[Quote], span: Range<usize>) -> Option<(usize, &Quote)> {
    let after = quotes.partition_point(|q| q.span.start <= span.start);
    (after.saturating_sub(3)..after).rev().map(|i| (i, &quotes[i])).find(|(_, q)| q.span.start <= span.start && span.end <= q.span.end)
}

impl Actor {
    /// A pronoun standing for `entity`, at token `i`.
    fn pronoun(entity: u32, t: &Token, i: usize, possessive: bool, alt: Option<u32>) -> Actor {
        Actor { entity, start: t.start, end: t.end, tok: i, tok_end: i + 1, possessive, demonym: false, pronoun: true, alt }
    }
}

#[derive(Debug, Clone)]
struct Quote {
    span: Range<usize>,
    speaker: Option<u32>,
    /// The speaker's mentions (excluded from pairing for cues in the quotation).
    speaker_spans: Vec<Range<usize>>,
}

struct CueMatch {
    cue: usize,
    tok: Range<usize>,
    /// Token ranges skipped by gaps.
    gaps: Vec<Range<usize>>,
}

fn rollup(gaz: &Gazetteer, e: u32) -> u32 {
    gaz.state_of(e)
}

fn is_actor_type(gaz: &Gazetteer, e: u32) -> bool {
    let k = gaz.entities[e as usize].kind.as_str();
    k != "place" && k != "term"
}

fn is_person(gaz: &Gazetteer, e: u32) -> bool {
    gaz.entities[e as usize].kind == "person"
}

/// Whether `words` starting at `i` equal `phrase`.
fn phrase_at(tokens: &[Token], i: usize, phrase: &[u32]) -> bool {
    phrase.iter().enumerate().all(|(k, &w)| tokens.get(i + k).is_some_and(|t| t.id == w))
}

/// A list of word phrases of the grammar, in their order of precedence, indexed by first word
/// so that trying them at a token costs one hash lookup for most tokens.
#[derive(Debug, Clone, Default)]
struct Phrases {
    /// The phrases as written (lowercased words), each non-empty.
    list: Vec<Vec<String>>,
    /// The [`class`] bit of the phrases' first words.
    bit: u16,
    /// `list` as word ids, and the phrases by the id of their first word, in list order (set
    /// by [`Phrases::intern`]).
    ids: Vec<Vec<u32>>,
    by_first_id: HashMap<u32, Vec<usize>>,
}

impl Phrases {
    fn new(list: Vec<Vec<String>>, bit: u16) -> Phrases {
        Phrases { list, bit, ids: Vec::new(), by_first_id: HashMap::default() }
    }

    /// The phrases' first words.
    fn first_words(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|p| p[0].as_str())
    }

    /// Gives the phrases their words' ids.
    fn intern(&mut self, id: &dyn Fn(&str) -> u32) {
        self.ids = self.list.iter().map(|p| p.iter().map(|w| id(w)).collect()).collect();
        self.by_first_id = HashMap::default();
        for (k, p) in self.ids.iter().enumerate() {
            self.by_first_id.entry(p[0]).or_default().push(k);
        }
    }

    /// The phrases that start with the word of token `i`, in list order, as word ids.
    #[inline]
    fn starting_at(&self, tokens: &[Token], i: usize) -> impl Iterator<Item = &[u32]> {
        tokens.get(i).filter(|t| t.class & self.bit != 0).and_then(|t| self.by_first_id.get(&t.id)).into_iter().flatten().map(|&k| self.ids[k].as_slice())
    }

    /// The first phrase of the list that is at token `i`.
    #[inline(always)]
    fn at(&self, tokens: &[Token], i: usize) -> Option<&[u32]> {
        self.starting_at(tokens, i).find(|p| phrase_at(tokens, i, p))
    }
}

impl Grammar {
    /// The phrase lists.
    fn phrase_lists(&self) -> [&Phrases; 5] {
        [&self.negators, &self.future, &self.hypothetical, &self.clause_breaks, &self.speech]
    }

    fn phrase_lists_mut(&mut self) -> [&mut Phrases; 5] {
        [&mut self.negators, &mut self.future, &mut self.hypothetical, &mut self.clause_breaks, &mut self.speech]
    }
}

impl Lexicon {
    fn match_parts(&self, parts: &[Part], tokens: &[Token], i: usize, limit: usize, gaps: &mut Vec<Range<usize>>) -> Option<usize> {
        let Some(part) = parts.first() else { return Some(i) };
        match part {
            Part::Gap => {
                for skip in 0..=4 {
                    if i + skip > limit {
                        break;
                    }
                    gaps.push(i..i + skip);
                    if let Some(end) = self.match_parts(&parts[1..], tokens, i + skip, limit, gaps) {
                        return Some(end);
                    }
                    gaps.pop();
                }
                None
            }
            Part::Any(_, ids) => {
                let t = tokens.get(i).filter(|_| i < limit)?;
                if ids.contains(&t.id) { self.match_parts(&parts[1..], tokens, i + 1, limit, gaps) } else { None }
            }
            Part::Prefix(p) => {
                let t = tokens.get(i).filter(|_| i < limit)?;
                if t.word.starts_with(p.as_str()) { self.match_parts(&parts[1..], tokens, i + 1, limit, gaps) } else { None }
            }
        }
    }

    /// Cue matches in `tokens[range]`: at each place the longest; no overlaps.
    fn cues_in(&self, tokens: &[Token], range: Range<usize>) -> Vec<CueMatch> {
        let mut out: Vec<CueMatch> = Vec::new();
        let mut i = range.start;
        while i < range.end {
            let mut best: Option<CueMatch> = None;
            let t = &tokens[i];
            let by_word = if t.class & class::CUE != 0 { self.by_word.get(&t.id) } else { None };
            let cands = by_word.into_iter().flatten().chain(self.by_prefix.iter());
            for &c in cands {
                let mut gaps = Vec::new();
                if let Some(end) = self.match_parts(&self.cues[c].parts, tokens, i, range.end, &mut gaps) {
                    let better = match &best {
                        None => true,
                        Some(b) => end > b.tok.end || (end == b.tok.end && c < b.cue),
                    };
                    if better {
                        best = Some(CueMatch { cue: c, tok: i..end, gaps });
                    }
                }
            }
            match best {
                Some(m) => {
                    i = m.tok.end;
                    out.push(m);
                }
                None => i += 1,
            }
        }
        out
    }
}

/// Context carried from sentence to sentence.
#[derive(Default)]
struct Discourse {
    last_person: Option<u32>,
    last_group: Option<u32>,
}

/// Extracts the claims of one document (in text order, the same claim once).
pub fn extract(text: &str, layout: &Layout, mentions: &[Mention], gaz: &Gazetteer, lex: &Lexicon) -> Vec<Claim> {
    extract_traced(text, layout, mentions, gaz, lex, None)
}

/// Like [`extract`], and when `trace` is given, records per sentence index why each claim was
/// made and why sentences with two actors gave none.
pub fn extract_traced(
    text: &str,
    layout: &Layout,
    mentions: &[Mention],
    gaz: &Gazetteer,
    lex: &Lexicon,
    mut trace: Option<&mut Vec<(usize, String)>>,
) -> Vec<Claim> {
    let g = &lex.grammar;
    let mut claims: Vec<Claim> = Vec::new();
    // Claims made so far, with the words of their sentence as 64-bit hashes (sorted, distinct;
    // shared by the claims of one sentence).
    let mut seen: Vec<(ClaimKey, Rc<[u64]>)> = Vec::new();
    let mut discourse = Discourse::default();
    let quotes = find_quotes(text, layout, mentions, gaz, lex);
    let mut m_at = 0;
    // Buffers reused from sentence to sentence and cue to cue.
    let mut sent_mentions: Vec<Mention> = Vec::new();
    let mut usable: Vec<Actor> = Vec::new();
    for (si, sentence) in layout.sentences.iter().enumerate() {
        let span = sentence.span.clone();
        // A "sentence" this long is not prose (a table, a list, a run-on scrape); reading it
        // for claims would cost time quadratic in its length.
        if span.len() > MAX_SENTENCE {
            if let Some(t) = trace.as_deref_mut() {
                t.push((si, format!("sentence of {} bytes, longer than {MAX_SENTENCE}: not read for claims", span.len())));
            }
            continue;
        }
        while m_at < mentions.len() && mentions[m_at].start < span.start {
            m_at += 1;
        }
        sent_mentions.clear();
        sent_mentions.extend(mentions[m_at..].iter().take_while(|m| m.start < span.end).copied().filter(|m| m.end <= span.end));
        let tokens = lex.tokens(text, span.clone());
        let cues = lex.cues_in(&tokens, 0..tokens.len());
        let actors = actors_of(text, &tokens, &cues, &sent_mentions, gaz, &quotes, &mut discourse);
        // Without a cue, or (unless the trace wants each cue's reason) without an actor, the
        // sentence makes no claim, and the discourse has taken what it needs from it.
        if cues.is_empty() || (actors.is_empty() && trace.is_none()) {
            if cues.is_empty()
                && let Some(t) = trace.as_deref_mut()
                && actors.iter().any(|a| rollup(gaz, a.entity) != rollup(gaz, actors[0].entity))
            {
                t.push((si, "two or more actors but no cue phrase".to_string()));
            }
            continue;
        }
        let clause_of = clauses(text, &tokens, g);
        let question = text[span.clone()].trim_end().trim_end_matches(['"', '\u{201D}', '\'', '\u{2019}', ')']).ends_with('?');
        let reported = reported_speaker(text, &tokens, &actors, &quotes, gaz, g);
        // Negators: each denies the first cue after it in its clause.
        let quote_of = |at: usize| quote_containing(&quotes, at..at + 1).map(|(i, _)| i);
        let negated_cues = negations(&tokens, &cues, &clause_of, g, &quote_of);
        let mut pending: Vec<(Claim, CueRole, Option<String>)> = Vec::new();
        let mut consumed: HashSet<usize> = HashSet::default();
        let mut grouped: Option<(Vec<Actor>, Vec<Vec<Actor>>)> = None;
        for (ci, m) in cues.iter().enumerate() {
            let cue = &lex.cues[m.cue];
            let rel = &lex.relations[cue.relation];
            let cue_span = tokens[m.tok.start].start..tokens[m.tok.end - 1].end;
            let clause = clause_of[m.tok.start];
            let quote = quote_containing(&quotes, cue_span.clone()).map(|(_, q)| q);
            // Which actors this cue may pair with.
            usable.clear();
            usable.extend(
                actors
                    .iter()
                    .copied()
                    .filter(|a| clause_of.get(a.tok.min(tokens.len().saturating_sub(1))).copied() == Some(clause) || a.tok >= tokens.len())
                    .filter(|a| match quote {
                        Some(q) => {
                            let inside = q.span.start <= a.start && a.end <= q.span.end;
                            let speaker_own = q.speaker_spans.iter().any(|s| s.start <= a.start && a.end <= s.end);
                            (inside || a.end <= q.span.start) && !speaker_own
                        }
                        None => quote_containing(&quotes, a.start..a.end).is_none(),
                    }),
            );
            let speaker = quote.and_then(|q| q.speaker).or(match reported {
                Some((sp, after)) if cue_span.start >= after => Some(sp),
                _ => None,
            });
            let next_cue = cues.get(ci + 1).map(|n| n.tok.start);
            // Cues of one clause and quotation share their usable actors, and so their groups.
            if grouped.as_ref().is_none_or(|(of, _)| *of != usable) {
                grouped = Some((usable.clone(), actor_groups(text, &tokens, &usable, gaz)));
            }
            let cue_groups = &grouped.as_ref().expect("set above").1;
            let (pairs, objects) = pair(text, &tokens, m, cue, rel.symmetric, &usable, cue_groups, gaz, quote.and_then(|q| q.speaker), next_cue, &consumed);
            if !pairs.is_empty() {
                consumed.extend(objects);
            }
            if pairs.is_empty() {
                if let Some(t) = trace.as_deref_mut() {
                    t.push((si, format!("cue {:?} ({}) at {}: no actor on one side", cue.text, rel.id, cue.origin)));
                }
                continue;
            }
            let modality = if question { Modality::Question } else { modality(&tokens, m.tok.start, clause, &clause_of, g) };
            for (s, o) in pairs {
                if rollup(gaz, s.entity) == rollup(gaz, o.entity) {
                    if let Some(t) = trace.as_deref_mut() {
                        t.push((
                            si,
                            format!(
                                "cue {:?}: {} and {} are one state; no self-loop",
                                cue.text, gaz.entities[s.entity as usize].id, gaz.entities[o.entity as usize].id
                            ),
                        ));
                    }
                    continue;
                }
                let (s, o) = if rel.symmetric && gaz.entities[o.entity as usize].id < gaz.entities[s.entity as usize].id { (o, s) } else { (s, o) };
                let claim = Claim {
                    subject: s.entity,
                    object: o.entity,
                    relation: cue.relation,
                    cue: m.cue,
                    negated: negated_cues.contains(&ci),
                    modality,
                    speaker,
                    sentence: span.clone(),
                    subject_span: s.start..s.end,
                    object_span: o.start..o.end,
                    cue_span: cue_span.clone(),
                };
                let why = trace.is_some().then(|| {
                    format!(
                        "{} —{}{}→ {} (cue {:?} at {}{}{})",
                        gaz.entities[s.entity as usize].id,
                        rel.id,
                        if claim.negated { ", negated" } else { "" },
                        gaz.entities[o.entity as usize].id,
                        cue.text,
                        cue.origin,
                        claim.speaker.map(|sp| format!(", said by {}", gaz.entities[sp as usize].id)).unwrap_or_default(),
                        if modality == Modality::Asserted { String::new() } else { format!(", {}", modality.as_str()) },
                    )
                });
                pending.push((claim, cue.role, why));
            }
        }
        // Weak cues only where nothing else in the clause links the pair.
        let strong: HashSet<(u32, u32, usize)> = pending
            .iter()
            .filter(|(_, r, _)| *r != CueRole::Weak)
            .map(|(c, _, _)| {
                let (a, b) = (rollup(gaz, c.subject), rollup(gaz, c.object));
                (a.min(b), a.max(b), clause_of[tokens.iter().position(|t| t.start >= c.cue_span.start).unwrap_or(0)])
            })
            .collect();
        let mut words: Option<Rc<[u64]>> = None;
        for (claim, role, why) in pending {
            let (a, b) = (rollup(gaz, claim.subject), rollup(gaz, claim.object));
            let clause = clause_of[tokens.iter().position(|t| t.start >= claim.cue_span.start).unwrap_or(0)];
            if role == CueRole::Weak && strong.contains(&(a.min(b), a.max(b), clause)) {
                continue;
            }
            // The same claim in the same (or a nearly identical) sentence counts once.
            let key = (claim.subject, claim.object, claim.relation, claim.negated);
            let words = words
                .get_or_insert_with(|| {
                    use std::hash::BuildHasher;
                    let mut w: Vec<u64> = tokens.iter().map(|t| rustc_hash::FxBuildHasher.hash_one(t.word.as_str())).collect();
                    w.sort_unstable();
                    w.dedup();
                    Rc::from(w)
                })
                .clone();
            let repeat = seen.iter().any(|(k, w)| {
                if *k != key {
                    return false;
                }
                let common = common_count(w, &words, |&h| h);
                common as f64 >= 0.8 * (w.len() + words.len() - common).max(1) as f64
            });
            if repeat {
                continue;
            }
            seen.push((key, words));
            if let Some(t) = trace.as_deref_mut()
                && let Some(why) = why
            {
                t.push((si, why));
            }
            claims.push(claim);
        }
    }
    claims
}

/// How many items two lists sorted by `key`, distinct in it, share (by `key`). The repeat
/// check here and copy detection in `graph` both compare sentences' word hashes this way.
pub(crate) fn common_count<T, K: Ord>(a: &[T], b: &[T], key: impl Fn(&T) -> K) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match key(&a[i]).cmp(&key(&b[j])) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The clause index of every token.
fn clauses(text: &str, tokens: &[Token], g: &Grammar) -> Vec<usize> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut clause = 0;
    let mut skip: usize = 0;
    for (i, t) in tokens.iter().enumerate() {
        let semicolon = i > 0 && text[tokens[i - 1].end..t.start].contains(';');
        let brk = if skip == 0 { g.clause_breaks.at(tokens, i) } else { None };
        if semicolon || brk.is_some() {
            clause += 1;
        }
        if let Some(p) = brk {
            skip = p.len();
        }
        skip = skip.saturating_sub(1);
        out.push(clause);
    }
    out
}

/// Indexes (into `cues`) of the cues a negator denies.
fn negations(tokens: &[Token], cues: &[CueMatch], clause_of: &[usize], g: &Grammar, quote_of: &dyn Fn(usize) -> Option<usize>) -> HashSet<usize> {
    let in_cue = |i: usize| cues.iter().any(|c| c.tok.contains(&i));
    let mut out = HashSet::default();
    for i in 0..tokens.len() {
        if in_cue(i) {
            continue;
        }
        let w = &tokens[i].word;
        let phrase = g.negators.at(tokens, i);
        let hit = w.ends_with("n't") || phrase.is_some();
        if !hit {
            continue;
        }
        let q = quote_of(tokens[i].start);
        let len = phrase.map_or(1, <[u32]>::len);
        if let Some(ci) = cues.iter().position(|c| c.tok.start > i && clause_of[c.tok.start] == clause_of[i] && quote_of(tokens[c.tok.start].start) == q)
            // A cue may begin inside a negator phrase ("no sign of a treaty"): distance 0.
            && cues[ci].tok.start.saturating_sub(i + len) <= 6
        {
            out.insert(ci);
        }
    }
    out
}

/// What makes two claims of a document the same: subject, object, relation, negation.
type ClaimKey = (u32, u32, usize, bool);

/// Modality from the words of the clause before the cue (up to eight).
fn modality(tokens: &[Token], cue_tok: usize, clause: usize, clause_of: &[usize], g: &Grammar) -> Modality {
    let from = cue_tok.saturating_sub(8);
    let mut result = Modality::Asserted;
    for (i, &of) in clause_of.iter().enumerate().take(cue_tok).skip(from) {
        if of != clause {
            continue;
        }
        if g.hypothetical.at(tokens, i).is_some() {
            return Modality::Hypothetical;
        }
        if g.future.at(tokens, i).is_some() {
            result = Modality::Future;
        }
    }
    result
}

/// The first token at or after byte `at`.
fn token_at(tokens: &[Token], at: usize) -> usize {
    tokens.partition_point(|t| t.start < at)
}

fn is_possessive(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    let rest = rest.strip_prefix('\'').or_else(|| rest.strip_prefix('\u{2019}'));
    match rest {
        Some(r) => r.starts_with('s') && !r[1..].chars().next().is_some_and(is_word_char) || !r.chars().next().is_some_and(is_word_char),
        None => false,
    }
}

/// The actors of one sentence: eligible mentions and resolved pronouns, in text order.
fn actors_of(
    text: &str,
    tokens: &[Token],
    cues: &[CueMatch],
    mentions: &[Mention],
    gaz: &Gazetteer,
    quotes: &[Quote],
    discourse: &mut Discourse,
) -> Vec<Actor> {
    let mut out: Vec<Actor> = Vec::new();
    let near_cue = |a: usize, b: usize| cues.iter().map(|c| &c.tok).any(|c| (c.start >= b && c.start - b <= 3) || (a >= c.end && a - c.end <= 2));
    for m in mentions {
        if !is_actor_type(gaz, m.entity) {
            continue;
        }
        let tok = token_at(tokens, m.start);
        let tok_end = token_at(tokens, m.end);
        let demonym = m.how == How::Demonym;
        if demonym {
            let head_next = tokens.get(tok_end).is_some_and(|t| t.class & class::ACTOR_HEAD != 0);
            let placed = (1..=2).any(|k| tok.checked_sub(k).is_some_and(|i| tokens[i].class & class::LOCATIVE != 0));
            if placed && !head_next {
                continue;
            }
            let plural = m.text(text).ends_with('s') && !m.text(text).ends_with("ss");
            if !(plural || head_next || near_cue(tok, tok_end)) {
                continue;
            }
        }
        // A capital after a locative is where, not who ("in Tehran", "at the Ashgabat meeting").
        if m.how == How::Metonym && (1..=2).any(|k| tok.checked_sub(k).is_some_and(|i| tokens[i].class & class::LOCATIVE != 0)) {
            continue;
        }
        out.push(Actor {
            entity: m.entity,
            start: m.start,
            end: m.end,
            tok,
            tok_end,
            possessive: is_possessive(text, m.end),
            demonym,
            pronoun: false,
            alt: None,
        });
    }
    // Pronouns.
    let first_person_here = out.iter().find(|a| is_person(gaz, a.entity)).map(|a| (a.entity, a.start));
    let first_group_here = out.iter().find(|a| !is_person(gaz, a.entity)).map(|a| (a.entity, a.start));
    let mut pronouns = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let w = t.word.as_str();
        let entity = if t.class & class::FIRST_PERSON != 0 {
            quote_containing(quotes, t.start..t.end).and_then(|(_, q)| q.speaker)
        } else if t.class & class::PERSON_PRONOUN != 0 {
            match first_person_here {
                Some((e, at)) if at < t.start => Some(e),
                Some(_) => None,
                None => discourse.last_person,
            }
        } else if t.class & class::GROUP_PRONOUN != 0 {
            // A possessive ("its forces") points to the nearest state or organisation before
            // it; a subject ("it prioritised") to the sentence's first.
            let mut before: Vec<u32> = Vec::new();
            for a in out.iter().rev().filter(|a| a.end <= t.start && !is_person(gaz, a.entity) && !a.demonym) {
                if !before.iter().any(|b| rollup(gaz, *b) == rollup(gaz, a.entity)) {
                    before.push(a.entity);
                }
            }
            let nearest = before.first().copied();
            match (matches!(w, "its" | "their"), nearest, first_group_here) {
                (true, Some(e), _) => Some(e),
                (_, _, Some((e, at))) if at < t.start => Some(e),
                (_, _, Some(_)) => None,
                (_, _, None) => discourse.last_group,
            }
        } else {
            None
        };
        // "their", "they", "them" with two actors before them in the sentence stand for both
        // ("the signing of their proposed strategic treaty").
        if matches!(w, "their" | "they" | "them") && !out.iter().any(|a| a.start <= t.start && t.end <= a.end) {
            let mut two: Vec<u32> = Vec::new();
            for a in out.iter().rev().filter(|a| a.end <= t.start && !a.demonym) {
                if !two.iter().any(|b| rollup(gaz, *b) == rollup(gaz, a.entity)) {
                    two.push(a.entity);
                }
                if two.len() == 2 {
                    break;
                }
            }
            if two.len() == 2 {
                for e in two.into_iter().rev() {
                    pronouns.push(Actor::pronoun(e, t, i, w == "their", None));
                }
                continue;
            }
        }
        if let Some(e) = entity
            && !out.iter().any(|a| a.start <= t.start && t.end <= a.end)
        {
            let alt = out
                .iter()
                .rev()
                .filter(|a| a.end <= t.start && !a.demonym && is_person(gaz, a.entity) == is_person(gaz, e))
                .map(|a| a.entity)
                .find(|&x| rollup(gaz, x) != rollup(gaz, e));
            pronouns.push(Actor::pronoun(e, t, i, matches!(w, "its" | "their" | "his" | "her" | "our"), alt));
        }
    }
    out.extend(pronouns);
    out.sort_by_key(|a| (a.start, a.end));
    if let Some(p) = out.iter().find(|a| is_person(gaz, a.entity)) {
        discourse.last_person = Some(p.entity);
    }
    if let Some(p) = out.iter().find(|a| !is_person(gaz, a.entity) && !a.demonym) {
        discourse.last_group = Some(p.entity);
    }
    out
}

/// Groups of actors joined by "and", commas and titles; each group is a range into `actors`.
fn groups(text: &str, tokens: &[Token], actors: &[Actor]) -> Vec<Range<usize>> {
    // Links between neighbours: 0 none, 1 by a comma alone, 2 by "and", titles or a dash.
    let link = |i: usize| -> u8 {
        let (a, b) = (&actors[i - 1], &actors[i]);
        if a.start == b.start && a.end == b.end {
            return 2; // one plural pronoun standing for two actors
        }
        if a.end > b.start {
            return 0;
        }
        let gap = text.get(a.end..b.start).unwrap_or("");
        let words = &tokens[a.tok_end.min(tokens.len())..b.tok.min(tokens.len())];
        let gap_ok = gap.chars().all(|c| c.is_whitespace() || matches!(c, ',' | '-' | '\u{2013}' | '\u{2014}' | '/' | '\'' | '\u{2019}' | '.'));
        let words_ok = words.iter().all(|t| t.class & class::GROUP_WORD != 0 || t.word == "s");
        if !((gap_ok || words_ok) && words.len() <= 4 && !gap.contains(';')) {
            return 0;
        }
        let comma_only = gap.contains(',') && !words.iter().any(|t| matches!(t.word.as_str(), "and" | "or" | "&"));
        if comma_only { 1 } else { 2 }
    };
    let links: Vec<u8> = (0..actors.len()).map(|i| if i == 0 { 0 } else { link(i) }).collect();
    let mut out: Vec<Range<usize>> = Vec::new();
    for i in 0..actors.len() {
        // A comma joins only a list that goes on to an "and" ("Russia, Iran and China").
        let joined = match links[i] {
            2 => true,
            1 => links[i + 1..].iter().take_while(|&&l| l > 0).any(|&l| l == 2),
            _ => false,
        };
        if joined {
            out.last_mut().expect("a group exists").end = i + 1;
        } else {
            out.push(i..i + 1);
        }
    }
    out
}

/// The groups of `actors` (see [`groups`]) with one actor per state in each ("Vladimir Putin's
/// Russia" is Russia once), preferring a named, non-possessive one.
fn actor_groups(text: &str, tokens: &[Token], actors: &[Actor], gaz: &Gazetteer) -> Vec<Vec<Actor>> {
    groups(text, tokens, actors)
        .into_iter()
        .map(|r| {
            let members = &actors[r];
            let mut kept: Vec<Actor> = Vec::new();
            for a in members {
                let me = rollup(gaz, a.entity);
                if kept.iter().any(|k| rollup(gaz, k.entity) == me) {
                    continue;
                }
                let best = members.iter().filter(|x| rollup(gaz, x.entity) == me).find(|x| !x.possessive && !x.pronoun).unwrap_or(a);
                kept.push(*best);
            }
            kept.sort_by_key(|a| a.start);
            kept
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn pair(
    text: &str,
    tokens: &[Token],
    m: &CueMatch,
    cue: &Cue,
    symmetric: bool,
    actors: &[Actor],
    grouped: &[Vec<Actor>],
    gaz: &Gazetteer,
    quote_speaker: Option<u32>,
    next_cue: Option<usize>,
    consumed: &HashSet<usize>,
) -> (Vec<(Actor, Actor)>, Vec<usize>) {
    let first_tok = |grp: &[Actor]| grp.iter().map(|a| a.tok).min().unwrap_or(0);
    let last_tok_end = |grp: &[Actor]| grp.iter().map(|a| a.tok_end).max().unwrap_or(0);
    // Groups hold a handful of actors: counting and membership by scanning, without a set.
    let distinct = |grp: &[Actor]| grp.iter().enumerate().filter(|&(i, a)| !grp[..i].iter().any(|b| rollup(gaz, b.entity) == rollup(gaz, a.entity))).count();
    let has_state = |grp: &[Actor], state: u32| grp.iter().any(|a| rollup(gaz, a.entity) == state);
    // Subjects: not an earlier cue's object, not a place ("the war in Ukraine is helping"), and
    // none at all after a definite article ("the war in Ukraine").
    let definite = m.tok.start > 0 && tokens[m.tok.start - 1].word == "the";
    let subject_ok = |a: &Actor| {
        let placed = a.tok.checked_sub(1).is_some_and(|i| tokens[i].class & class::LOCATIVE != 0);
        // An earlier cue's object can still modify this one ("another key Russian ally").
        let adjacent = a.tok_end <= m.tok.start && m.tok.start - a.tok_end <= 1;
        (symmetric || !consumed.contains(&a.start) || adjacent) && !placed
    };
    // The groups before the cue (none after a definite article), in text order.
    let left_all = || grouped.iter().filter(move |grp| !definite && last_tok_end(grp) <= m.tok.start);
    // The subject side: the last of those groups with a possible subject, with only those.
    let left_last: Option<Vec<Actor>> = left_all().rev().map(|grp| grp.iter().copied().filter(subject_ok).collect::<Vec<_>>()).find(|grp| !grp.is_empty());
    let inside: Vec<Actor> = actors.iter().copied().filter(|a| !(a.pronoun && a.possessive) && m.gaps.iter().any(|gp| gp.contains(&a.tok))).collect();
    // The groups after the cue, in text order.
    let right_all = || grouped.iter().filter(move |grp| first_tok(grp) >= m.tok.end);
    let coordinated = |grp: &Vec<Actor>| tokens[m.tok.end..first_tok(grp)].first().is_some_and(|t| matches!(t.word.as_str(), "and" | "or" | "but" | "nor"));
    // "a deal brokered by China": an agent, not an object.
    let agent = |grp: &Vec<Actor>| first_tok(grp) > m.tok.end && tokens[first_tok(grp) - 1].word == "by";
    // The object side: the first group after the cue that is before the next cue, which has
    // its own, and not coordinated with the cue ("US help and any Israeli plan").
    let right_first: Option<&Vec<Actor>> = right_all().filter(|grp| next_cue.is_none_or(|n| first_tok(grp) < n)).find(|grp| !coordinated(grp) && !agent(grp));
    let all_pairs = |grp: &[Actor]| -> Vec<(Actor, Actor)> {
        let mut v = Vec::new();
        for i in 0..grp.len() {
            for j in i + 1..grp.len() {
                v.push((grp[i], grp[j]));
            }
        }
        v
    };
    let cross = |a: &[Actor], b: &[Actor]| -> Vec<(Actor, Actor)> {
        let mut v = Vec::new();
        for x in a {
            for y in b {
                v.push((*x, *y));
            }
        }
        v
    };
    // "the signing of their proposed treaty": a plural possessive inside the cue pairs its two.
    let plural_inside: Vec<Actor> = actors.iter().copied().filter(|a| a.pronoun && a.possessive && m.gaps.iter().any(|gp| gp.contains(&a.tok))).collect();
    if symmetric && distinct(&plural_inside) >= 2 {
        return (all_pairs(&plural_inside), Vec::new());
    }
    // "between X and Y", "among ..."
    if let Some(grp) = right_first {
        let cue_last = tokens[m.tok.end - 1].word.as_str();
        let between = tokens[m.tok.end..first_tok(grp)].first().map_or(cue_last, |t| t.word.as_str());
        if (between == "between" || between == "among") && distinct(grp) >= 2 {
            return (all_pairs(grp), Vec::new());
        }
    }
    let near_left: Option<&Vec<Actor>> = left_last.as_ref().filter(|grp| m.tok.start - last_tok_end(grp) <= 12);
    // A possessive followed by an apposition: "the Iranians' professed enemy, Israel" (seen
    // past the next cue, which is the apposition's head noun).
    let mut near_right: Option<&Vec<Actor>> = right_first.filter(|grp| first_tok(grp) - m.tok.end <= 12);
    if let Some(grp) = right_all().next().filter(|grp| first_tok(grp) - m.tok.end <= 12)
        && grp.last().is_some_and(|a| a.possessive)
        && let Some(next) = right_all().nth(1)
    {
        let from = grp.iter().map(|a| a.end).max().unwrap_or(0);
        let between = text.get(from..next[0].start).unwrap_or("");
        let after_comma = between.rsplit(',').next().unwrap_or("").trim().to_lowercase();
        if between.contains(',') && ["", "including", "such as", "namely", "notably"].contains(&after_comma.as_str()) {
            near_right = Some(next);
        }
    }
    let mut object_side: Vec<Actor> = if !inside.is_empty() { inside } else { near_right.cloned().unwrap_or_default() };
    if let Some(l) = near_left {
        // A pronoun object naming the subject's own state: with a single subject, the next
        // candidate ("U.S. strikes on its nuclear sites"); with a group, reflexive ("damaging
        // both of their economies"), so no object.
        let mine = |state: u32| has_state(l, state);
        object_side = object_side
            .into_iter()
            .filter_map(|a| {
                if !(a.pronoun && mine(rollup(gaz, a.entity))) {
                    return Some(a);
                }
                match a.alt {
                    Some(alt) if l.len() == 1 && !mine(rollup(gaz, alt)) => Some(Actor { entity: alt, ..a }),
                    _ => None,
                }
            })
            .collect();
        // "Russia's invasion of Ukraine": after a possessive subject, the object follows a
        // preposition close by.
        let last = l.last().expect("non-empty group");
        if last.possessive && m.tok.start - last.tok_end <= 2 && first_tok(&object_side) >= m.tok.end {
            let gap = &tokens[m.tok.end..first_tok(&object_side).max(m.tok.end)];
            let cue_ends_linked = tokens[m.tok.end - 1].class & class::PREPOSITION != 0;
            let apposition = gap.is_empty() && text.get(tokens[m.tok.end - 1].end..object_side[0].start).is_some_and(|t| t.trim() == ",");
            let linked = apposition
                || (gap.is_empty() && cue_ends_linked)
                || (gap.len() <= 6 && (cue_ends_linked || gap.first().is_some_and(|t| t.class & class::PREPOSITION != 0)));
            if !linked {
                object_side.clear();
            }
        }
    }
    let consumed_now: Vec<usize> = object_side.iter().map(|a| a.start).collect();
    // Speaker cues inside a quotation: the speaker is the subject.
    if cue.role == CueRole::Speaker
        && let Some(sp) = quote_speaker
        && !object_side.is_empty()
    {
        let at = tokens[m.tok.start].start;
        let speaker =
            Actor { entity: sp, start: at, end: at, tok: m.tok.start, tok_end: m.tok.start, possessive: false, demonym: false, pronoun: true, alt: None };
        return (cross(&[speaker], &object_side[..1]), consumed_now);
    }
    // Passive: "was condemned by X".
    let before = m.tok.start.checked_sub(1).map(|i| tokens[i].word.as_str()).unwrap_or("");
    if matches!(before, "was" | "were" | "been" | "being" | "is" | "are" | "be")
        && tokens.get(m.tok.end).is_some_and(|t| t.word == "by")
        && let (Some(r), Some(l)) = (right_all().next().filter(|grp| first_tok(grp) <= m.tok.end + 2), near_left)
    {
        return (cross(r, l), Vec::new());
    }
    let mut pairs = match (near_left, object_side.is_empty()) {
        (Some(l), false) => {
            if cue.role == CueRole::Patient && l.last().is_some_and(|a| a.possessive) {
                Vec::new()
            } else {
                cross(l, &object_side[..object_side.len().min(4)])
            }
        }
        (Some(l), true) => {
            let last = l.last().expect("non-empty group");
            let dist = m.tok.start - last.tok_end;
            if distinct(l) >= 2 && dist <= 6 {
                all_pairs(l)
            } else {
                // Nothing after the cue: the next group further back is the object, unless the
                // actor right before is the cue's own modifier ("America's strikes"); only for
                // symmetric relations or across a relative word ("Syria, where Turkey has been
                // threatening"), and only with a named actor close by.
                // ... except a pronoun after a copula: "Russia is our enemy".
                let copula = last.pronoun
                    && last
                        .tok
                        .checked_sub(1)
                        .is_some_and(|i| matches!(tokens[i].word.as_str(), "is" | "was" | "are" | "were" | "remains" | "became" | "becomes"));
                let modifier = dist <= 1 && (last.possessive || dist == 0) && !copula;
                let mine = |state: u32| has_state(l, state);
                let further = left_all().rev().find(|grp| last_tok_end(grp) <= first_tok(l) && grp.iter().any(|a| !mine(rollup(gaz, a.entity))));
                let ok = |f: &Vec<Actor>| {
                    let fa = f.last().expect("non-empty group");
                    let between = &tokens[fa.tok_end..first_tok(l)];
                    let relative = between.iter().any(|t| matches!(t.word.as_str(), "where" | "which" | "whose" | "whom"));
                    !fa.pronoun && first_tok(l) - fa.tok_end <= 8 && (symmetric || relative || copula)
                };
                match further {
                    Some(f) if !modifier && ok(f) => {
                        let obj: Vec<Actor> = f.iter().copied().filter(|a| !mine(rollup(gaz, a.entity))).collect();
                        cross(l, &obj[obj.len() - 1..])
                    }
                    _ => Vec::new(),
                }
            }
        }
        (None, false) => match near_right {
            Some(r) if symmetric && distinct(r) >= 2 && first_tok(r) - m.tok.end <= 3 => all_pairs(r),
            _ => Vec::new(),
        },
        (None, true) => Vec::new(),
    };
    if cue.role == CueRole::Reverse {
        pairs = pairs.into_iter().map(|(a, b)| (b, a)).collect();
    }
    (pairs, consumed_now)
}

/// Finds the speech verb phrases in `tokens[range]`: (first token, one past last).
fn speech_verbs(tokens: &[Token], range: Range<usize>, g: &Grammar) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for i in range.clone() {
        if let Some(p) = g.speech.starting_at(tokens, i).find(|p| i + p.len() <= range.end && phrase_at(tokens, i, p)) {
            out.push(i..i + p.len());
        }
    }
    out
}

/// The speaker of reported speech in a sentence without quotation marks around the claim:
/// "X told Y that …", "X said …", "according to X, …". Returns the speaker and the byte offset
/// after which claims are theirs.
fn reported_speaker(text: &str, tokens: &[Token], actors: &[Actor], quotes: &[Quote], gaz: &Gazetteer, g: &Grammar) -> Option<(u32, usize)> {
    let outside = |a: &Actor| quote_containing(quotes, a.start..a.end).is_none();
    for v in speech_verbs(tokens, 0..tokens.len(), g) {
        let vstart = tokens[v.start].start;
        if quote_containing(quotes, vstart..vstart + 1).is_some() {
            continue;
        }
        let words: Vec<&str> = tokens[v.clone()].iter().map(|t| t.word.as_str()).collect();
        if words == ["according", "to"] {
            let who = actors.iter().find(|a| a.tok >= v.end && a.tok <= v.end + 3 && outside(a))?;
            return Some((who.entity, 0));
        }
        // Reported speech: the verb introduces a clause ("said that …", "told Y that …", "said
        // Russia had …"), not a circumstance ("said during a press conference").
        let that = tokens[v.end..tokens.len().min(v.end + 8)].iter().position(|t| t.word == "that").map(|k| v.end + k);
        let article = tokens.get(v.end).is_some_and(|t| t.word == "the");
        let subject_next = actors.iter().any(|a| (a.tok == v.end || (article && a.tok == v.end + 1)) && !a.possessive);
        // Or a closing attribution (", Iranian newspapers said."), which covers what precedes.
        let closing = v.end + 1 >= tokens.len();
        let from = match (that, subject_next, closing) {
            (Some(k), _, _) => tokens[k].end,
            (None, true, _) => tokens[v.end - 1].end,
            (None, false, true) => 0,
            (None, false, false) => continue,
        };
        if closing && that.is_none() && !subject_next {
            let comma = text[..tokens[v.start].start].rfind(',').unwrap_or(0);
            let who = actors.iter().rev().find(|a| a.start > comma && a.tok_end <= v.start && v.start - a.tok_end <= 2 && outside(a));
            match who {
                Some(w) => return Some((w.entity, 0)),
                None => continue,
            }
        }
        // The speaker is the nearest person before the verb (else the nearest actor).
        let before: Vec<&Actor> = actors.iter().filter(|a| a.tok_end <= v.start && v.start - a.tok_end <= 12 && outside(a)).collect();
        let who = before.iter().rev().find(|a| is_person(gaz, a.entity)).or_else(|| before.last());
        if let Some(who) = who {
            let _ = text;
            return Some((who.entity, from));
        }
    }
    None
}

/// The quotations of a paragraph `p` that starts at byte `base` of the text, as spans of the
/// text, in the order they close: `“…”`, `"…"`, a `”` that closes a quotation opened in an
/// earlier paragraph (from the paragraph's start), and a quotation left open (to its end).
/// Quotation marks are `"` and the three bytes of `“` and `”` (E2 80 9C and E2 80 9D), found
/// with memchr instead of decoding every char.
fn quotation_spans(p: &str, base: usize) -> Vec<Range<usize>> {
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut open: Option<usize> = None;
    let mut straight_open: Option<usize> = None;
    let pb = p.as_bytes();
    for off in memchr::memchr2_iter(b'"', 0xE2, pb) {
        let at = base + off;
        let curly = || (pb.get(off + 1) == Some(&0x80)).then(|| pb.get(off + 2).copied()).flatten();
        match (pb[off], curly()) {
            (0xE2, Some(0x9C)) if open.is_none() => open = Some(at),
            (0xE2, Some(0x9D)) => {
                if let Some(o) = open.take() {
                    spans.push(o..at + 3);
                } else if spans.is_empty() {
                    // A paragraph that closes a quotation opened before it.
                    spans.push(base..at + 3);
                }
            }
            (b'"', _) => match straight_open.take() {
                Some(o) => spans.push(o..at + 1),
                None => straight_open = Some(at),
            },
            _ => {}
        }
    }
    if let Some(o) = open.or(straight_open) {
        spans.push(o..base + p.len());
    }
    spans
}

/// Finds quotations and their speakers, paragraph by paragraph.
fn find_quotes(text: &str, layout: &Layout, mentions: &[Mention], gaz: &Gazetteer, lex: &Lexicon) -> Vec<Quote> {
    let mut out: Vec<Quote> = Vec::new();
    let mut prev_para_speaker: Option<u32> = None;
    // For "he said": per sentence, the first person it names, carried forward over sentences
    // that name none (one pass; mentions and sentences are both in text order).
    let mut last_person: Vec<Option<u32>> = Vec::with_capacity(layout.sentences.len());
    let mut k = 0;
    let mut carried = None;
    for sentence in &layout.sentences {
        while k < mentions.len() && mentions[k].start < sentence.span.start {
            k += 1;
        }
        let first = mentions[k..].iter().take_while(|m| m.start < sentence.span.end).find(|m| is_person(gaz, m.entity)).map(|m| m.entity);
        carried = first.or(carried);
        last_person.push(carried);
    }
    for (pi, para) in layout.paragraphs.iter().enumerate() {
        let p = &text[para.clone()];
        let mut spans = quotation_spans(p, para.start);
        spans.sort_by_key(|s| s.start);
        let from = mentions.partition_point(|m| m.start < para.start);
        let para_mentions: Vec<Mention> = mentions[from..].iter().copied().take_while(|m| m.start < para.end).filter(|m| m.end <= para.end).collect();
        let first_sentence = layout.sentences.partition_point(|s| s.paragraph < pi);
        let sentences: Vec<&crate::text::Sentence> = layout.sentences[first_sentence..].iter().take_while(|s| s.paragraph == pi).collect();
        let mut para_speaker = None;
        for span in spans {
            // "he said": the first person of the latest sentence before the quotation that
            // names one.
            let mut discourse = Discourse::default();
            let before = layout.sentences.partition_point(|s| s.span.start < span.start);
            discourse.last_person = before.checked_sub(1).and_then(|i| last_person[i]);
            let (speaker, own) = quote_speaker(text, para, &span, &para_mentions, &sentences, gaz, lex, &mut discourse);
            let speaker = speaker.or_else(|| {
                // A quotation with no speaker of its own continues the one before it in the
                // paragraph, or, opening a paragraph, the previous paragraph's.
                para_speaker.or_else(|| (span.start == para.start).then_some(prev_para_speaker).flatten())
            });
            if speaker.is_some() {
                para_speaker = speaker;
            }
            out.push(Quote { span, speaker, speaker_spans: own });
        }
        prev_para_speaker = if para_speaker.is_some() {
            para_speaker
        } else if p.starts_with('\u{201C}') {
            prev_para_speaker
        } else {
            None
        };
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn quote_speaker(
    text: &str,
    para: &Range<usize>,
    span: &Range<usize>,
    mentions: &[Mention],
    sentences: &[&crate::text::Sentence],
    gaz: &Gazetteer,
    lex: &Lexicon,
    discourse: &mut Discourse,
) -> (Option<u32>, Vec<Range<usize>>) {
    let g = &lex.grammar;
    let speaker_kind = |e: u32| is_actor_type(gaz, e);
    // Attribution after the quotation, up to the end of its sentence.
    let after_end = sentences.iter().find(|s| s.span.start <= span.end && span.end <= s.span.end).map_or(para.end, |s| s.span.end);
    let after_end =
        if after_end <= span.end + 1 { sentences.iter().find(|s| s.span.start >= span.end).map_or(para.end, |s| s.span.end).min(para.end) } else { after_end };
    if span.end < after_end {
        let tokens = lex.tokens(text, span.end..after_end);
        let limit = tokens.len().min(12);
        for v in speech_verbs(&tokens, 0..limit, g) {
            // "…,” Araghchi said" / "…,” the Russian President told" / "…,” he said"
            let before: Vec<&Mention> = mentions.iter().filter(|m| m.start >= span.end && m.end <= tokens[v.start].start && speaker_kind(m.entity)).collect();
            if let Some(m) = before.iter().rev().find(|m| is_person(gaz, m.entity)).or(before.last()) {
                return (Some(m.entity), vec![m.start..m.end]);
            }
            // "he said": a person pronoun before the verb stands for the last person named.
            if tokens[..v.start].iter().any(|t| t.class & class::PERSON_PRONOUN != 0)
                && let Some(e) = discourse.last_person
            {
                return (Some(e), Vec::new());
            }
            // "…,” said Ali Vaez"
            let after_verb = tokens[v.end - 1].end;
            if let Some(m) = mentions.iter().find(|m| m.start >= after_verb && m.start <= after_verb + 40 && is_person(gaz, m.entity)) {
                let group_end = mentions.iter().filter(|x| x.start >= m.start && x.start <= m.end + 60).map(|x| x.end).max().unwrap_or(m.end);
                return (Some(m.entity), vec![m.start..group_end]);
            }
        }
    }
    // Attribution before the quotation, in the same sentence: "X told Y, “…", "X: “…".
    let sent_start = sentences.iter().find(|s| s.span.start <= span.start && span.start < s.span.end).map_or(para.start, |s| s.span.start);
    if sent_start < span.start {
        let tokens = lex.tokens(text, sent_start..span.start);
        let verbs = speech_verbs(&tokens, 0..tokens.len(), g);
        let colon = text[sent_start..span.start].trim_end().ends_with(':');
        if let Some(v) = verbs.last().cloned() {
            let vstart = tokens[v.start].start;
            let before: Vec<&Mention> = mentions.iter().filter(|m| m.start >= sent_start && m.end <= vstart && speaker_kind(m.entity)).collect();
            if let Some(m) = before.iter().rev().find(|m| is_person(gaz, m.entity)) {
                let own: Vec<Range<usize>> = before.iter().filter(|x| x.end + 40 >= m.start && x.start <= m.end + 40).map(|x| x.start..x.end).collect();
                return (Some(m.entity), own);
            }
            // "he said": a person pronoun before the verb stands for the last person named.
            if tokens[..v.start].iter().any(|t| t.class & class::PERSON_PRONOUN != 0)
                && let Some(e) = discourse.last_person
            {
                return (Some(e), Vec::new());
            }
            // "To quote Baghaei Hamaneh, “…"
            let vend = tokens[v.end - 1].end;
            if let Some(m) = mentions.iter().find(|m| m.start >= vend && m.end <= span.start && is_person(gaz, m.entity)) {
                return (Some(m.entity), vec![m.start..m.end]);
            }
            if let Some(m) = before.last() {
                return (Some(m.entity), vec![m.start..m.end]);
            }
        } else if colon {
            let before: Vec<&Mention> = mentions.iter().filter(|m| m.start >= sent_start && m.end <= span.start && is_person(gaz, m.entity)).collect();
            if let Some(m) = before.last() {
                return (Some(m.entity), vec![m.start..m.end]);
            }
        }
    }
    (None, Vec::new())
}

#[cfg(test)]
mod tests;
