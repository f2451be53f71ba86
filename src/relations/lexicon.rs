//! The relation lexicon: relation types, cue phrases and the grammar's word lists, loaded from
//! the `[[relation]]` and `[grammar]` tables of the gazetteer folder.

use std::ops::Range;
use std::path::Path;

use rustc_hash::FxHashMap as HashMap;
use serde::Deserialize;
use toml::Spanned;

use super::tokens::{Token, phrase_at, tokenize};
use crate::error::{Error, LineIndex, Result, line_of};
use crate::gazetteer::{Origin, gazetteer_files};

pub(super) const DEFAULT_RELATIONS: &str = include_str!("../../gazetteer/relations.toml");

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

/// What kind of agent of a state an actor is, when a nationality word or a possessive names
/// it with an agent noun ("Israeli troops": military; "Turkish officials": government). The
/// nouns of each kind are data (`[grammar.agent_kinds]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AgentKind {
    /// Troops, forces, the army, navy, air force, warships, jets.
    Military,
    /// Leaders, officials, ministries, the administration.
    Government,
    /// Police, coast guard, border guards.
    Police,
    /// Diplomats, ambassadors, embassies, envoys, negotiators.
    Diplomats,
    /// Intelligence services, agents, hackers.
    Intelligence,
    /// People, protesters, media.
    People,
}

impl AgentKind {
    /// Every kind, in order.
    pub const ALL: [AgentKind; 6] =
        [AgentKind::Military, AgentKind::Government, AgentKind::Police, AgentKind::Diplomats, AgentKind::Intelligence, AgentKind::People];

    /// The lowercase name used in outputs and in the data.
    pub fn as_str(self) -> &'static str {
        match self {
            AgentKind::Military => "military",
            AgentKind::Government => "government",
            AgentKind::Police => "police",
            AgentKind::Diplomats => "diplomats",
            AgentKind::Intelligence => "intelligence",
            AgentKind::People => "people",
        }
    }

    /// The kind called `name`.
    pub fn named(name: &str) -> Option<AgentKind> {
        AgentKind::ALL.into_iter().find(|k| k.as_str() == name)
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
    /// Directed, but a group of two or more with no object does it to each other ("Ukraine
    /// and Russia exchanged prisoners", "Ecuador and Mexico broke off relations").
    pub mutual: bool,
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
    /// The subject (or the agent after "by", or the actor hyphenated to it: "U.S.-brokered")
    /// brings two parties together: "mediated talks between India and Pakistan".
    Mediator,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Part {
    /// One of these words, and (set by `Lexicon::assemble`) their word ids.
    Any(Vec<String>, Vec<u32>),
    Prefix(String),
    Gap,
    /// Like a gap, but what it skips is not the cue's object (between a flip word and the cue
    /// it flips: "pulled the United States out of the nuclear deal").
    Skip,
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
    pub(super) parts: Vec<Part>,
    /// Made from a `[[flip]]` (a flip phrase followed by a cue of another relation): how many
    /// of `parts` are the flip phrase (before the skip), and the index of the cue it flips.
    pub(super) flipped: Option<(usize, usize)>,
}

/// A flip phrase, and the flip cues it makes with each cue it flips (see `cues_in`): flip cues
/// are matched from their phrase, then the cues after it, not tried one by one.
#[derive(Debug, Clone)]
pub(super) struct FlipHead {
    /// The flip phrase's parts.
    pub(super) parts: Vec<Part>,
    /// Cue flipped -> the flip cue (indexes into `Lexicon::cues`).
    pub(super) cues: HashMap<usize, usize>,
}

/// Word lists of the grammar section: the phrase lists, and every listed word with its
/// [`class`] bits (the single-word lists live only there; tokens carry their bits).
#[derive(Debug, Clone, Default)]
pub(super) struct Grammar {
    pub(super) negators: Phrases,
    pub(super) future: Phrases,
    pub(super) hypothetical: Phrases,
    pub(super) clause_breaks: Phrases,
    pub(super) speech: Phrases,
    /// Definite descriptions of two actors named earlier ("the two countries", "both sides").
    pub(super) pair_references: Phrases,
    /// Words that open a subordinate clause ("as", "even though").
    pub(super) subordinators: Phrases,
    /// Objects that make a cue mutual ("each other").
    pub(super) reciprocal_objects: Phrases,
    /// Words that cancel a negator right before them ("not rule out").
    pub(super) negation_cancellers: Phrases,
    /// Phrases after which the rest of the clause is a statement denied ("rejected accusations
    /// that ...", "attempts to blame ...").
    pub(super) denied_contents: Phrases,
    /// Speech phrases whose speaker comes after them ("according to X").
    pub(super) speaker_after: Vec<Vec<String>>,
    /// Word endings that deny like a negator ("n't").
    pub(super) negator_suffixes: Vec<String>,
    /// What may follow the comma of an apposition ("the Iranians' professed enemy, notably
    /// Israel"): a bare comma, or one of these.
    pub(super) apposition_openers: Vec<String>,
    /// How far apart the rules let words be.
    pub(super) distances: Distances,
    /// Agent nouns and their kinds ("troops": military).
    pub(super) agent_kinds: HashMap<String, AgentKind>,
    /// Word to class bits, for the word lists and the phrases' first words: made by
    /// `Lexicon::parse`, and taken by `assemble` (which adds the cues' first words) into
    /// `words`; empty after.
    pub(super) classes: HashMap<String, u64>,
    /// Every word of the grammar and the cues, with its class bits and its id (from 1; a
    /// token of no other word has id 0), made by `assemble`: the rules compare word ids, and
    /// a token's word is looked up once.
    pub(super) words: HashMap<String, (u64, u32)>,
}

/// The relation lexicon and grammar.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// Relation types.
    pub relations: Vec<RelationType>,
    /// Cue phrases.
    pub cues: Vec<Cue>,
    pub(super) grammar: Grammar,
    /// Cues by the id of a word their first part accepts.
    pub(super) by_word: HashMap<u32, Vec<usize>>,
    pub(super) by_prefix: Vec<usize>,
    /// Flip phrases, and their indexes by the id of their first word.
    pub(super) flips: Vec<FlipHead>,
    pub(super) flip_by_word: HashMap<u32, Vec<usize>>,
    /// `sha256:` of the TOML it was read from (the store records it, to tell a changed
    /// lexicon from a changed gazetteer).
    pub digest: String,
}

/// The digest of lexicon sources, in order.
fn digest_of<'a>(sources: impl IntoIterator<Item = &'a str>) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for s in sources {
        h.update(s.as_bytes());
    }
    format!("sha256:{}", crate::hex(&h.finalize()))
}

#[derive(Deserialize)]
pub(super) struct RawFile {
    #[serde(default)]
    pub(super) relation: Vec<Spanned<RawRelation>>,
    pub(super) grammar: Option<Spanned<toml::Table>>,
    #[serde(default)]
    pub(super) flip: Vec<Spanned<RawFlip>>,
}

/// A `[[flip]]` table: words that turn the cues of some relations into another relation
/// ("suspended aid" is a sanction, "lifted sanctions" a concession).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFlip {
    /// Cue-syntax phrases that come before the flipped cue.
    words: Vec<String>,
    /// The relations flipped: ids, or a polarity (`cooperative`, `conflictual`).
    from: Vec<String>,
    /// The relation they become.
    to: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRelation {
    pub(super) id: String,
    pub(super) cameo: String,
    pub(super) plover: Option<String>,
    pub(super) goldstein: f64,
    pub(super) quad: String,
    pub(super) polarity: String,
    #[serde(default)]
    pub(super) symmetric: bool,
    #[serde(default)]
    pub(super) mutual: bool,
    #[serde(default)]
    pub(super) state: bool,
    #[serde(default)]
    pub(super) cues: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) weak_cues: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) reverse_cues: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) patient_cues: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) speaker_cues: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) mediator_cues: Vec<Spanned<String>>,
}

/// The `[grammar]` table, every key present: a user's table missing some takes them from the
/// built-in one (see [`with_builtin_keys`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGrammar {
    negators: Vec<String>,
    negator_suffixes: Vec<String>,
    future: Vec<String>,
    hypothetical: Vec<String>,
    clause_breaks: Vec<String>,
    locatives: Vec<String>,
    prepositions: Vec<String>,
    speech: Vec<String>,
    pair_references: Vec<String>,
    subordinators: Vec<String>,
    reciprocal_objects: Vec<String>,
    negation_cancellers: Vec<String>,
    denied_contents: Vec<String>,
    speaker_after: Vec<String>,
    complementizers: Vec<String>,
    actor_heads: Vec<String>,
    group_words: Vec<String>,
    list_conjunctions: Vec<String>,
    first_person: Vec<String>,
    person_pronouns: Vec<String>,
    group_pronouns: Vec<String>,
    possessive_pronouns: Vec<String>,
    plural_pronouns: Vec<String>,
    articles: Vec<String>,
    coordinators: Vec<String>,
    agent_markers: Vec<String>,
    reciprocals: Vec<String>,
    apposition_openers: Vec<String>,
    passive_auxiliaries: Vec<String>,
    copulas: Vec<String>,
    relatives: Vec<String>,
    third_party_markers: Vec<String>,
    event_nouns: Vec<String>,
    determiners: Vec<String>,
    mediated_nouns: Vec<String>,
    control_markers: Vec<String>,
    infinitive_markers: Vec<String>,
    participles: Vec<String>,
    bare_clause_verbs: Vec<String>,
    circumstances: Vec<String>,
    non_state_agents: Vec<String>,
    distances: Distances,
    agent_kinds: std::collections::BTreeMap<String, Vec<String>>,
}

/// How far apart the rules let words be, in words unless named in bytes
/// (`[grammar.distances]`; each is explained in `gazetteer/relations.toml`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Distances {
    pub(super) subject: usize,
    pub(super) object: usize,
    pub(super) apposition: usize,
    pub(super) modifier: usize,
    pub(super) possessive_subject: usize,
    pub(super) possessive_object: usize,
    pub(super) objects: usize,
    pub(super) group_before: usize,
    pub(super) further_back: usize,
    pub(super) group_after: usize,
    pub(super) passive_agent: usize,
    pub(super) demonym_before_cue: usize,
    pub(super) demonym_after_cue: usize,
    pub(super) locative: usize,
    pub(super) group_link: usize,
    pub(super) cue_gap: usize,
    pub(super) negation: usize,
    pub(super) modality: usize,
    pub(super) attribution: usize,
    pub(super) complementizer: usize,
    pub(super) control: usize,
    pub(super) reported_speaker: usize,
    pub(super) closing_speaker: usize,
    pub(super) closing_tail: usize,
    pub(super) speaker_after: usize,
    pub(super) speaker_bytes: usize,
    pub(super) speaker_group_bytes: usize,
}

/// `table` with every key of the built-in `[grammar]` it lacks (and, inside `distances`, every
/// distance it lacks), so that a lexicon written before a list existed keeps its meaning.
fn with_builtin_keys(mut table: toml::Table) -> toml::Table {
    let builtin: toml::Table = toml::from_str(DEFAULT_RELATIONS).expect("the built-in lexicon parses");
    let Some(toml::Value::Table(defaults)) = builtin.get("grammar") else { return table };
    for (key, value) in defaults {
        match (table.get_mut(key), value) {
            (None, _) => {
                table.insert(key.clone(), value.clone());
            }
            (Some(toml::Value::Table(mine)), toml::Value::Table(theirs)) => {
                for (k, v) in theirs {
                    mine.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            _ => {}
        }
    }
    table
}

pub(super) fn words(phrase: &str) -> Vec<String> {
    tokenize(phrase, 0..phrase.len()).into_iter().map(|t| t.word.into_string()).collect()
}

pub(super) fn parse_cue(text: &str) -> std::result::Result<Vec<Part>, String> {
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

    /// The files of a gazetteer that hold lexicon tables, as (name, TOML text), read apart
    /// from the gazetteer (for a library user who wants the lexicon alone; the commands get
    /// them from the gazetteer's own read, [`Gazetteer::load_with_lexicon`](crate::gazetteer::Gazetteer::load_with_lexicon)).
    pub fn sources(gazetteer: &Path) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for f in gazetteer_files(gazetteer)? {
            let src = std::fs::read_to_string(&f).map_err(|e| Error::gazetteer(f.display(), e))?;
            if crate::gazetteer::holds_rules(&src) {
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
        let mut lexicon = Self::assemble(relations, cues, grammar)?;
        lexicon.digest = digest_of(sources.iter().map(|(_, s)| s.as_str()));
        Ok(lexicon)
    }

    /// The lexicon shipped in `gazetteer/relations.toml`, compiled in.
    pub fn builtin() -> Result<Lexicon> {
        let (mut relations, mut cues, mut grammar) = (Vec::new(), Vec::new(), None);
        Self::parse("gazetteer/relations.toml", DEFAULT_RELATIONS, &mut relations, &mut cues, &mut grammar)?;
        let mut lexicon = Self::assemble(relations, cues, grammar)?;
        lexicon.digest = digest_of([DEFAULT_RELATIONS]);
        Ok(lexicon)
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

    pub(super) fn parse(file: &str, src: &str, relations: &mut Vec<RelationType>, cues: &mut Vec<Cue>, grammar: &mut Option<Grammar>) -> Result<()> {
        // Parse only the tables this module owns; the gazetteer loader checks the rest.
        let value: toml::Table = toml::from_str(src).map_err(|e| {
            let place = e.span().map_or(file.to_string(), |s| format!("{file}:{}", line_of(src, s.start)));
            Error::gazetteer(place, e.message().trim())
        })?;
        let mut own = toml::Table::new();
        for key in ["relation", "grammar", "flip"] {
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
                mutual: r.mutual,
                state: r.state,
                origin,
            });
            for (list, role) in [
                (r.cues, CueRole::Plain),
                (r.weak_cues, CueRole::Weak),
                (r.reverse_cues, CueRole::Reverse),
                (r.patient_cues, CueRole::Patient),
                (r.speaker_cues, CueRole::Speaker),
                (r.mediator_cues, CueRole::Mediator),
            ] {
                for c in list {
                    let origin = at(c.span());
                    let text = c.into_inner();
                    let parts = parse_cue(&text).map_err(|m| Error::gazetteer(&origin, format!("cue {text:?}: {m}")))?;
                    cues.push(Cue { relation: idx, text, role, origin, parts, flipped: None });
                }
            }
        }
        // Flips: every flip phrase before every cue of a relation it flips, as a cue of its own
        // (the longest cue wins at a place, so "suspended military aid" beats "military aid").
        for f in raw.flip {
            let origin = at(f.span());
            let f = f.into_inner();
            let to = relations.iter().position(|r| r.id == f.to).ok_or_else(|| Error::gazetteer(&origin, format!("flip to unknown relation {:?}", f.to)))?;
            let mut from = Vec::new();
            for name in &f.from {
                let hits: Vec<usize> =
                    relations.iter().enumerate().filter(|(_, r)| r.id == *name || r.polarity.as_str() == name.as_str()).map(|(i, _)| i).collect();
                if hits.is_empty() {
                    return Err(Error::gazetteer(&origin, format!("flip from unknown relation or polarity {name:?}")));
                }
                from.extend(hits);
            }
            let base: Vec<(usize, Cue)> = cues
                .iter()
                .enumerate()
                .filter(|(_, c)| c.flipped.is_none() && from.contains(&c.relation) && !matches!(c.role, CueRole::Speaker | CueRole::Mediator))
                .map(|(i, c)| (i, c.clone()))
                .collect();
            for w in &f.words {
                let head = parse_cue(w).map_err(|m| Error::gazetteer(&origin, format!("flip word {w:?}: {m}")))?;
                let head: Vec<Part> = head.into_iter().map(|p| if p == Part::Gap { Part::Skip } else { p }).collect();
                for (bi, c) in &base {
                    let mut parts = head.clone();
                    parts.push(Part::Skip);
                    parts.extend(c.parts.iter().cloned());
                    let role = if c.role == CueRole::Weak { CueRole::Plain } else { c.role };
                    let flipped = Some((head.len(), *bi));
                    cues.push(Cue { relation: to, text: format!("{w} ... {}", c.text), role, origin: origin.clone(), parts, flipped });
                }
            }
        }
        if let Some(g) = raw.grammar {
            let place = format!("{file}:{}", lines.line(g.span().start));
            let g: RawGrammar = toml::Value::Table(with_builtin_keys(g.into_inner()))
                .try_into()
                .map_err(|e: toml::de::Error| Error::gazetteer(&place, format!("[grammar]: {}", e.message().trim())))?;
            let phrases = |l: Vec<String>, bit: u64| Phrases::new(l.iter().map(|p| words(p)).filter(|w| !w.is_empty()).collect(), bit);
            let mut classes: HashMap<String, u64> = HashMap::default();
            for (list, bit) in [
                (g.locatives, class::LOCATIVE),
                (g.prepositions, class::PREPOSITION),
                (g.actor_heads, class::ACTOR_HEAD),
                (g.group_words, class::GROUP_WORD),
                (g.first_person, class::FIRST_PERSON),
                (g.person_pronouns, class::PERSON_PRONOUN),
                (g.group_pronouns, class::GROUP_PRONOUN),
                (g.possessive_pronouns, class::POSSESSIVE_PRONOUN),
                (g.plural_pronouns, class::PLURAL_PRONOUN),
                (g.list_conjunctions, class::LIST_CONJUNCTION),
                (g.complementizers, class::COMPLEMENTIZER),
                (g.articles, class::ARTICLE),
                (g.coordinators, class::COORDINATOR),
                (g.agent_markers, class::AGENT_MARKER),
                (g.reciprocals, class::RECIPROCAL),
                (g.passive_auxiliaries, class::PASSIVE_AUXILIARY),
                (g.copulas, class::COPULA),
                (g.relatives, class::RELATIVE),
                (g.third_party_markers, class::THIRD_PARTY),
                (g.event_nouns, class::EVENT_NOUN),
                (g.determiners, class::DETERMINER),
                (g.mediated_nouns, class::MEDIATED_NOUN),
                (g.control_markers, class::CONTROL),
                (g.infinitive_markers, class::INFINITIVE),
                (g.participles, class::PARTICIPLE),
                (g.bare_clause_verbs, class::BARE_CLAUSE),
                (g.circumstances, class::CIRCUMSTANCE),
                (g.non_state_agents, class::NON_STATE_AGENT),
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
                pair_references: phrases(g.pair_references, class::PAIR_REFERENCE),
                subordinators: phrases(g.subordinators, class::SUBORDINATOR),
                reciprocal_objects: phrases(g.reciprocal_objects, class::RECIPROCAL_OBJECT),
                negation_cancellers: phrases(g.negation_cancellers, class::NEGATION_CANCELLER),
                denied_contents: phrases(g.denied_contents, class::DENIED_CONTENT),
                speaker_after: g.speaker_after.iter().map(|p| words(p)).filter(|w| !w.is_empty()).collect(),
                negator_suffixes: g.negator_suffixes.iter().map(|w| w.to_lowercase().replace('\u{2019}', "'")).collect(),
                apposition_openers: g.apposition_openers.iter().map(|w| w.to_lowercase()).collect(),
                distances: g.distances,
                agent_kinds: {
                    let mut m = HashMap::default();
                    for (kind, nouns) in &g.agent_kinds {
                        let k = AgentKind::named(kind).ok_or_else(|| {
                            let all: Vec<&str> = AgentKind::ALL.iter().map(|k| k.as_str()).collect();
                            Error::gazetteer(&place, format!("[grammar.agent_kinds]: unknown kind {kind:?} (one of {})", all.join(", ")))
                        })?;
                        for n in nouns {
                            m.insert(n.to_lowercase(), k);
                        }
                    }
                    m
                },
                classes,
                words: HashMap::default(),
            };
            for p in [
                &gr.negators,
                &gr.future,
                &gr.hypothetical,
                &gr.clause_breaks,
                &gr.speech,
                &gr.pair_references,
                &gr.subordinators,
                &gr.reciprocal_objects,
                &gr.negation_cancellers,
                &gr.denied_contents,
            ] {
                for w in p.first_words() {
                    *gr.classes.entry(w.to_string()).or_default() |= p.bit;
                }
            }
            *grammar = Some(gr);
        }
        Ok(())
    }

    pub(super) fn assemble(relations: Vec<RelationType>, cues: Vec<Cue>, grammar: Option<Grammar>) -> Result<Lexicon> {
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
        let words: HashMap<String, (u64, u32)> =
            all.into_iter().enumerate().map(|(i, w)| (w.to_string(), (classes.get(w).copied().unwrap_or(0), i as u32 + 1))).collect();
        let id = |w: &str| words[w].1;
        for p in grammar.phrase_lists_mut() {
            p.intern(&id);
        }
        let mut by_word: HashMap<u32, Vec<usize>> = HashMap::default();
        let mut by_prefix = Vec::new();
        let mut flips: Vec<FlipHead> = Vec::new();
        let mut flip_by_word: HashMap<u32, Vec<usize>> = HashMap::default();
        for (i, c) in cues.iter_mut().enumerate() {
            for part in &mut c.parts {
                if let Part::Any(ws, ids) = part {
                    *ids = ws.iter().map(|w| id(w)).collect();
                }
            }
            // Flip cues are found from their phrase (one head for the cues of one phrase).
            if let Some((head, base)) = c.flipped {
                let parts = &c.parts[..head];
                let h = match flips.iter().position(|f| f.parts == parts) {
                    Some(h) => h,
                    None => {
                        flips.push(FlipHead { parts: parts.to_vec(), cues: HashMap::default() });
                        if let Part::Any(_, ids) = &parts[0] {
                            ids.iter().for_each(|&w| flip_by_word.entry(w).or_default().push(flips.len() - 1));
                        }
                        flips.len() - 1
                    }
                };
                flips[h].cues.insert(base, i);
                continue;
            }
            match &c.parts[0] {
                Part::Any(_, ids) => ids.iter().for_each(|&w| by_word.entry(w).or_default().push(i)),
                Part::Prefix(_) => by_prefix.push(i),
                Part::Gap | Part::Skip => unreachable!("parse_cue rejects a leading gap"),
            }
        }
        grammar.words = words;
        Ok(Lexicon { relations, cues, grammar, by_word, by_prefix, flips, flip_by_word, digest: String::new() })
    }

    /// Whether a relation cue stands in `text[span]` (a sentence): where an actor named in it
    /// would take part in a claim.
    pub fn has_cue(&self, text: &str, span: Range<usize>) -> bool {
        let tokens = self.tokens(text, span);
        !self.cues_in(&tokens, 0..tokens.len()).is_empty()
    }

    /// The words of `text[span]` (see [`tokenize`]) with their grammar classes.
    pub(super) fn tokens(&self, text: &str, span: Range<usize>) -> Vec<Token> {
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

/// Word classes of the grammar, as bits: a token's word is looked up once per sentence, not
/// once per question asked of it.
pub(super) mod class {
    pub const LOCATIVE: u64 = 1;
    pub const PREPOSITION: u64 = 1 << 1;
    pub const FIRST_PERSON: u64 = 1 << 2;
    pub const PERSON_PRONOUN: u64 = 1 << 3;
    pub const GROUP_PRONOUN: u64 = 1 << 4;
    pub const GROUP_WORD: u64 = 1 << 5;
    /// Begins a phrase of the list named.
    pub const NEGATOR: u64 = 1 << 6;
    pub const FUTURE: u64 = 1 << 7;
    pub const HYPOTHETICAL: u64 = 1 << 8;
    pub const CLAUSE_BREAK: u64 = 1 << 9;
    pub const SPEECH: u64 = 1 << 10;
    /// Begins a cue (one whose first part is a word).
    pub const CUE: u64 = 1 << 11;
    pub const ACTOR_HEAD: u64 = 1 << 12;
    pub const POSSESSIVE_PRONOUN: u64 = 1 << 13;
    pub const PLURAL_PRONOUN: u64 = 1 << 14;
    pub const LIST_CONJUNCTION: u64 = 1 << 15;
    pub const COMPLEMENTIZER: u64 = 1 << 16;
    pub const ARTICLE: u64 = 1 << 17;
    pub const COORDINATOR: u64 = 1 << 18;
    pub const AGENT_MARKER: u64 = 1 << 19;
    pub const RECIPROCAL: u64 = 1 << 20;
    pub const PASSIVE_AUXILIARY: u64 = 1 << 21;
    pub const COPULA: u64 = 1 << 22;
    pub const RELATIVE: u64 = 1 << 23;
    pub const PAIR_REFERENCE: u64 = 1 << 24;
    pub const THIRD_PARTY: u64 = 1 << 25;
    pub const EVENT_NOUN: u64 = 1 << 26;
    pub const SUBORDINATOR: u64 = 1 << 27;
    pub const DETERMINER: u64 = 1 << 28;
    pub const MEDIATED_NOUN: u64 = 1 << 29;
    pub const CONTROL: u64 = 1 << 30;
    pub const INFINITIVE: u64 = 1 << 31;
    pub const RECIPROCAL_OBJECT: u64 = 1 << 32;
    pub const PARTICIPLE: u64 = 1 << 33;
    pub const BARE_CLAUSE: u64 = 1 << 34;
    pub const CIRCUMSTANCE: u64 = 1 << 35;
    pub const NEGATION_CANCELLER: u64 = 1 << 36;
    pub const NON_STATE_AGENT: u64 = 1 << 37;
    pub const DENIED_CONTENT: u64 = 1 << 38;
}

/// A list of word phrases of the grammar, in their order of precedence, indexed by first word
/// so that trying them at a token costs one hash lookup for most tokens.
#[derive(Debug, Clone, Default)]
pub(super) struct Phrases {
    /// The phrases as written (lowercased words), each non-empty.
    pub(super) list: Vec<Vec<String>>,
    /// The [`class`] bit of the phrases' first words.
    pub(super) bit: u64,
    /// `list` as word ids, and the phrases by the id of their first word, in list order (set
    /// by [`Phrases::intern`]).
    pub(super) ids: Vec<Vec<u32>>,
    pub(super) by_first_id: HashMap<u32, Vec<usize>>,
}

impl Phrases {
    pub(super) fn new(list: Vec<Vec<String>>, bit: u64) -> Phrases {
        Phrases { list, bit, ids: Vec::new(), by_first_id: HashMap::default() }
    }

    /// The phrases' first words.
    pub(super) fn first_words(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|p| p[0].as_str())
    }

    /// Gives the phrases their words' ids.
    pub(super) fn intern(&mut self, id: &dyn Fn(&str) -> u32) {
        self.ids = self.list.iter().map(|p| p.iter().map(|w| id(w)).collect()).collect();
        self.by_first_id = HashMap::default();
        for (k, p) in self.ids.iter().enumerate() {
            self.by_first_id.entry(p[0]).or_default().push(k);
        }
    }

    /// The phrases that start with the word of token `i`, in list order, as word ids.
    #[inline]
    pub(super) fn starting_at(&self, tokens: &[Token], i: usize) -> impl Iterator<Item = &[u32]> {
        tokens.get(i).filter(|t| t.class & self.bit != 0).and_then(|t| self.by_first_id.get(&t.id)).into_iter().flatten().map(|&k| self.ids[k].as_slice())
    }

    /// The first phrase of the list that is at token `i`.
    #[inline(always)]
    pub(super) fn at(&self, tokens: &[Token], i: usize) -> Option<&[u32]> {
        self.starting_at(tokens, i).find(|p| phrase_at(tokens, i, p))
    }
}

impl Grammar {
    /// The phrase lists.
    pub(super) fn phrase_lists(&self) -> [&Phrases; 10] {
        [
            &self.negators,
            &self.future,
            &self.hypothetical,
            &self.clause_breaks,
            &self.speech,
            &self.pair_references,
            &self.subordinators,
            &self.reciprocal_objects,
            &self.negation_cancellers,
            &self.denied_contents,
        ]
    }

    pub(super) fn phrase_lists_mut(&mut self) -> [&mut Phrases; 10] {
        [
            &mut self.negators,
            &mut self.future,
            &mut self.hypothetical,
            &mut self.clause_breaks,
            &mut self.speech,
            &mut self.pair_references,
            &mut self.subordinators,
            &mut self.reciprocal_objects,
            &mut self.negation_cancellers,
            &mut self.denied_contents,
        ]
    }
}
