//! The gazetteer: who can be mentioned, by which names, and the data files that go with it.
//!
//! A gazetteer is a folder (or one file) of TOML. Each file may hold any of:
//!
//! - `[[entity]]` tables: `id` (optional; derived from `name`), `name` (the label), `type`
//!   (`person`, `state`, `organisation`, or any other word such as `place` or `term`),
//!   `aliases` (what is matched; when absent, the name is), `demonyms`, `metonyms`, `iso3`,
//!   `affiliation` (the id of a state), `case` (`exact`, `name` or `ignore`) and `roles`
//!   (`{ title, aliases, of, from, to, phrases }`);
//! - one `[text]` table: boilerplate markers and abbreviations (see [`TextRules`]);
//! - one `[style]` table: how diagrams draw each type (see [`Style`]).
//!
//! Loading never merges anything silently: [`Gazetteer::problems`] lists every duplicate id,
//! alias claimed by two entities, dangling reference, empty alias and bad date, each with the
//! file and line it comes from.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::date::Date;
use crate::error::{Error, LineIndex, Result, line_of};
use crate::norm::normalize_alias;

const DEFAULT_TEXT: &str = include_str!("../gazetteer/text.toml");
const DEFAULT_STYLE: &str = include_str!("../gazetteer/style.toml");

/// Where something was written: a gazetteer file and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Origin {
    /// The file, as given or found (shared by every origin in that file).
    pub file: Arc<str>,
    /// The line in that file.
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// How a surface form names its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum How {
    /// The entity's own name.
    Name,
    /// Another name, short form or abbreviation.
    Alias,
    /// An adjective or noun of nationality ("Russian", "Iranians").
    Demonym,
    /// A place standing for the actor ("Moscow", "Tehran").
    Metonym,
    /// A role phrase resolved to its holder on the document's date ("the Russian President").
    Role,
}

impl How {
    /// The lowercase name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            How::Name => "name",
            How::Alias => "alias",
            How::Demonym => "demonym",
            How::Metonym => "metonym",
            How::Role => "role",
        }
    }
}

/// How strictly an alias must match the case of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CasePolicy {
    /// Exactly as written (the default for acronyms such as "US" or "NATO").
    Exact,
    /// As written, or all in capitals as in a headline (the default for other names).
    Name,
    /// Any case (Unicode lowercase on both sides).
    Ignore,
}

/// One surface form of an entity.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Alias {
    /// The form as written in the gazetteer.
    pub text: String,
    /// What kind of form it is.
    pub how: How,
    /// Where it was written.
    pub origin: Origin,
}

/// An office an entity held, for resolving role phrases by date.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Role {
    /// The title ("President", "Foreign Minister") and its other spellings.
    pub titles: Vec<String>,
    /// The id of the state or organisation the office belongs to (default: the affiliation).
    pub of: Option<String>,
    /// First day in office, when known.
    pub from: Option<Date>,
    /// Last day in office (exclusive of the successor's first day), when it ended.
    pub to: Option<Date>,
    /// Extra phrases that name the office outright ("Kremlin spokesman").
    pub phrases: Vec<String>,
    /// Where it was written.
    pub origin: Origin,
}

impl Role {
    /// Whether the office was held on `date`.
    pub fn held_on(&self, date: Date) -> bool {
        in_office(self.from, self.to, date)
    }
}

/// Whether `date` falls in an office held `from` (inclusive) `to` (exclusive), either open.
pub fn in_office(from: Option<Date>, to: Option<Date>, date: Date) -> bool {
    from.is_none_or(|f| f <= date) && to.is_none_or(|t| date < t)
}

/// A person, state, organisation or other thing that can be mentioned.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entity {
    /// Stable lowercase id.
    pub id: String,
    /// The label.
    pub name: String,
    /// `person`, `state`, `organisation`, or another type word.
    pub kind: String,
    /// ISO 3166-1 alpha-3 code, for states.
    pub iso3: Option<String>,
    /// The id of the state this entity belongs to.
    pub affiliation: Option<String>,
    /// Everything that is matched, in file order.
    pub aliases: Vec<Alias>,
    /// Offices held, for role phrases.
    pub roles: Vec<Role>,
    /// Case policy for all aliases of this entity; `None` chooses per alias.
    pub case: Option<CasePolicy>,
    /// Where the entity was written.
    pub origin: Origin,
}

/// Boilerplate markers and abbreviations, used when reading article text.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TextRules {
    /// A line equal to one of these ends the article.
    pub tail_markers: Vec<String>,
    /// A line starting with one of these ends the article ("Originally published as …").
    pub tail_prefixes: Vec<String>,
    /// A line equal to one of these is dropped.
    pub drop_lines: Vec<String>,
    /// Words that take a period without ending a sentence.
    pub abbreviations: Vec<String>,
    /// The lists above as the reader compares them, made on first use (so the lists are not
    /// to be changed once text has been read with them).
    #[serde(skip)]
    keys: std::sync::OnceLock<TextKeys>,
}

/// [`TextRules`] ready for lookups: marker keys (see `text::marker_key`) in sets.
#[derive(Debug, Clone, Default)]
pub struct TextKeys {
    /// Keys of the tail markers.
    pub tails: rustc_hash::FxHashSet<String>,
    /// Keys of the tail prefixes.
    pub prefixes: Vec<String>,
    /// Keys of the dropped lines.
    pub drops: rustc_hash::FxHashSet<String>,
    /// The abbreviations, as written.
    pub abbreviations: rustc_hash::FxHashSet<String>,
}

impl TextRules {
    /// The rules as the reader compares them (made once, on first use).
    pub fn keys(&self) -> &TextKeys {
        self.keys.get_or_init(|| TextKeys {
            tails: self.tail_markers.iter().map(|m| crate::text::marker_key(m)).collect(),
            prefixes: self.tail_prefixes.iter().map(|m| crate::text::marker_key(m)).collect(),
            drops: self.drop_lines.iter().map(|m| crate::text::marker_key(m)).collect(),
            abbreviations: self.abbreviations.iter().cloned().collect(),
        })
    }
}

/// How diagrams draw one entity type.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypeStyle {
    /// Graphviz node shape.
    pub shape: String,
    /// Fill colour.
    pub fill: String,
}

/// How diagrams draw the graph.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Style {
    /// Colour of co-mention edges.
    pub edge_color: String,
    /// Colour of affiliation edges.
    pub affiliation_color: String,
    /// Colour of cooperative relation edges.
    pub cooperative_color: String,
    /// Colour of conflictual relation edges.
    pub conflictual_color: String,
    /// Colour of neutral relation edges.
    pub neutral_color: String,
    /// Font name.
    pub font: String,
    /// Per entity type; the `default` key applies to types not listed.
    pub types: BTreeMap<String, TypeStyle>,
}

impl Style {
    /// The style for an entity type.
    pub fn for_type(&self, kind: &str) -> TypeStyle {
        self.types.get(kind).or_else(|| self.types.get("default")).cloned().unwrap_or(TypeStyle { shape: "ellipse".into(), fill: "#ffffff".into() })
    }
}

/// How serious a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    /// Invalid data: loading for a build fails.
    Error,
    /// An alias claimed by more than one entity. Tagging resolves such a mention only where the
    /// document names exactly one of the candidates unambiguously, and drops it otherwise.
    Ambiguity,
}

/// Something wrong in the gazetteer, with its place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Problem {
    /// Where.
    pub origin: Origin,
    /// How serious.
    pub severity: Severity,
    /// What.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.severity {
            Severity::Error => "error",
            Severity::Ambiguity => "ambiguous",
        };
        write!(f, "{}: {what}: {}", self.origin, self.message)
    }
}

/// A loaded gazetteer with its text rules and style.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    /// All entities, in file order (files sorted by path).
    pub entities: Vec<Entity>,
    /// Rules for reading article text.
    pub text: TextRules,
    /// Diagram style.
    pub style: Style,
    /// `sha256:` digest of all files read, for provenance.
    pub digest: String,
    /// The files read.
    pub files: Vec<PathBuf>,
    problems: Vec<Problem>,
    index: HashMap<String, usize>,
    /// [`Gazetteer::state_of`] for every entity, made on first use (so `entities` is not to be
    /// changed after that).
    states: std::sync::OnceLock<Vec<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    entity: Vec<Spanned<RawEntity>>,
    text: Option<Spanned<RawText>>,
    style: Option<Spanned<RawStyle>>,
    /// Relation lexicon tables, read by `relations::Lexicon`.
    #[serde(default, rename = "relation")]
    _relation: Option<toml::Value>,
    /// Grammar word lists, read by `relations::Lexicon`.
    #[serde(default, rename = "grammar")]
    _grammar: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntity {
    id: Option<Spanned<String>>,
    name: Spanned<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    iso3: Option<Spanned<String>>,
    affiliation: Option<Spanned<String>>,
    aliases: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    demonyms: Vec<Spanned<String>>,
    #[serde(default)]
    metonyms: Vec<Spanned<String>>,
    case: Option<Spanned<String>>,
    #[serde(default)]
    roles: Vec<Spanned<RawRole>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    title: String,
    #[serde(default)]
    aliases: Vec<String>,
    of: Option<String>,
    from: Option<String>,
    to: Option<String>,
    #[serde(default)]
    phrases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    #[serde(default)]
    tail_markers: Vec<String>,
    #[serde(default)]
    tail_prefixes: Vec<String>,
    #[serde(default)]
    drop_lines: Vec<String>,
    #[serde(default)]
    abbreviations: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStyle {
    edge_color: Option<String>,
    affiliation_color: Option<String>,
    cooperative_color: Option<String>,
    conflictual_color: Option<String>,
    neutral_color: Option<String>,
    font: Option<String>,
    #[serde(default)]
    types: BTreeMap<String, RawTypeStyle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTypeStyle {
    shape: Option<String>,
    fill: Option<String>,
}

/// Lists the `.toml` files of a gazetteer path: the file itself, or a folder's files
/// recursively, sorted by path.
pub fn gazetteer_files(path: &Path) -> Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::gazetteer(path.display(), format!("{e} (the gazetteer is a folder or file of TOML; name it with --gazetteer PATH)")))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let keep = |p: &Path, is_dir: bool| is_dir || p.extension().is_some_and(|e| e == "toml");
    let out = crate::files::walk(path, keep, |d, e| Error::gazetteer(d.display(), e))?;
    if out.is_empty() {
        return Err(Error::gazetteer(path.display(), "no .toml files in this gazetteer folder"));
    }
    Ok(out)
}

/// Reads one gazetteer file as UTF-8, adding its name and text to the digest.
fn read_source(f: &Path, hasher: &mut Sha256) -> Result<String> {
    let bytes = std::fs::read(f).map_err(|e| Error::gazetteer(f.display(), e))?;
    let src = String::from_utf8(bytes).map_err(|e| Error::gazetteer(f.display(), format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to())))?;
    hasher.update(f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default().as_bytes());
    hasher.update([0]);
    hasher.update(src.as_bytes());
    hasher.update([0]);
    Ok(src)
}

/// Lowercase slug of a name, for derived ids.
fn slug(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    for c in name.nfkd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)) {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

struct Loader {
    entities: Vec<Entity>,
    problems: Vec<Problem>,
    text: Option<(TextRules, Origin)>,
    style: Option<(RawStyle, Origin)>,
    /// Entities whose id must be derived after all explicit ids are known.
    derive: Vec<usize>,
}

impl Loader {
    fn error(&mut self, origin: Origin, message: impl Into<String>) {
        self.problems.push(Problem { origin, severity: Severity::Error, message: message.into() });
    }

    fn file(&mut self, file: &str, src: &str) -> Result<()> {
        let raw: RawFile = toml::from_str(src).map_err(|e| {
            let place = match e.span() {
                Some(span) => {
                    let line = line_of(src, span.start);
                    let line_start = src[..span.start].rfind('\n').map_or(0, |i| i + 1);
                    let col = src[line_start..span.start].chars().count() + 1;
                    format!("{file}:{line}:{col}")
                }
                None => file.to_string(),
            };
            Error::gazetteer(place, e.message().trim())
        })?;
        let lines = LineIndex::new(src);
        let shared: Arc<str> = Arc::from(file);
        let at = |span: std::ops::Range<usize>| Origin { file: shared.clone(), line: lines.line(span.start) };
        if let Some(text) = raw.text {
            let origin = at(text.span());
            if let Some((_, first)) = &self.text {
                let msg = format!("a second [text] table (the first is at {first})");
                self.error(origin.clone(), msg);
            }
            let t = text.into_inner();
            self.text = Some((
                TextRules {
                    tail_markers: t.tail_markers,
                    tail_prefixes: t.tail_prefixes,
                    drop_lines: t.drop_lines,
                    abbreviations: t.abbreviations,
                    keys: Default::default(),
                },
                origin,
            ));
        }
        if let Some(style) = raw.style {
            let origin = at(style.span());
            if let Some((_, first)) = &self.style {
                let msg = format!("a second [style] table (the first is at {first})");
                self.error(origin.clone(), msg);
            }
            self.style = Some((style.into_inner(), origin));
        }
        for spanned in raw.entity {
            let origin = at(spanned.span());
            let e = spanned.into_inner();
            let name = e.name.get_ref().trim().to_string();
            if name.is_empty() {
                self.error(at(e.name.span()), "empty entity name");
            }
            let case = match e.case.as_ref().map(|c| c.get_ref().as_str()) {
                None => None,
                Some("exact") => Some(CasePolicy::Exact),
                Some("name") => Some(CasePolicy::Name),
                Some("ignore") => Some(CasePolicy::Ignore),
                Some(other) => {
                    let o = at(e.case.as_ref().unwrap().span());
                    self.error(o, format!("unknown case policy {other:?} (expected exact, name or ignore)"));
                    None
                }
            };
            let mut aliases = Vec::new();
            let push = |list: Vec<Spanned<String>>, how: How, aliases: &mut Vec<Alias>, problems: &mut Vec<Problem>| {
                for a in list {
                    let o = at(a.span());
                    let text = a.into_inner().trim().to_string();
                    if text.is_empty() {
                        problems.push(Problem { origin: o, severity: Severity::Error, message: "empty alias".into() });
                        continue;
                    }
                    let how = if how == How::Alias && text == name { How::Name } else { how };
                    aliases.push(Alias { text, how, origin: o });
                }
            };
            match e.aliases {
                Some(list) => push(list, How::Alias, &mut aliases, &mut self.problems),
                None if !name.is_empty() => aliases.push(Alias { text: name.clone(), how: How::Name, origin: at(e.name.span()) }),
                None => {}
            }
            push(e.demonyms, How::Demonym, &mut aliases, &mut self.problems);
            push(e.metonyms, How::Metonym, &mut aliases, &mut self.problems);
            let mut roles = Vec::new();
            for r in e.roles {
                let o = at(r.span());
                let r = r.into_inner();
                let date = |s: Option<String>, problems: &mut Vec<Problem>| -> Option<Date> {
                    let s = s?;
                    match s.parse::<Date>() {
                        Ok(d) => Some(d),
                        Err(err) => {
                            problems.push(Problem { origin: o.clone(), severity: Severity::Error, message: err.to_string() });
                            None
                        }
                    }
                };
                let from = date(r.from, &mut self.problems);
                let to = date(r.to, &mut self.problems);
                if let (Some(f), Some(t)) = (from, to)
                    && t < f
                {
                    self.error(o.clone(), format!("role ends ({t}) before it starts ({f})"));
                }
                if r.title.trim().is_empty() {
                    self.error(o.clone(), "empty role title");
                    continue;
                }
                let mut titles = vec![r.title.trim().to_string()];
                titles.extend(r.aliases.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()));
                roles.push(Role { titles, of: r.of, from, to, phrases: r.phrases, origin: o });
            }
            let iso3 = e.iso3.map(|s| {
                let v = s.get_ref().trim().to_string();
                if v.len() != 3 || !v.bytes().all(|b| b.is_ascii_uppercase()) {
                    self.error(at(s.span()), format!("iso3 {v:?} is not three capital letters"));
                }
                v
            });
            let id = match e.id {
                Some(id) => {
                    let v = id.get_ref().trim().to_string();
                    let valid = !v.is_empty() && v.chars().all(|c| c.is_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
                    if !valid {
                        self.error(at(id.span()), format!("id {v:?} must be non-empty lowercase (letters, digits, - _ .)"));
                    }
                    v
                }
                None => {
                    self.derive.push(self.entities.len());
                    String::new()
                }
            };
            self.entities.push(Entity {
                id,
                name,
                kind: e.kind.map(|k| k.trim().to_lowercase()).filter(|k| !k.is_empty()).unwrap_or_else(|| "term".into()),
                iso3,
                affiliation: e.affiliation.map(|a| a.into_inner().trim().to_string()),
                aliases,
                roles,
                case,
                origin,
            });
        }
        Ok(())
    }
}

impl Gazetteer {
    /// Loads a gazetteer from a folder (all `.toml` files below it) or one file.
    ///
    /// Fails only when a file cannot be read or is not valid TOML of the expected shape; data
    /// problems are collected in [`Gazetteer::problems`].
    pub fn load(path: &Path) -> Result<Gazetteer> {
        let files = gazetteer_files(path)?;
        let mut hasher = Sha256::new();
        let mut loader = Loader { entities: Vec::new(), problems: Vec::new(), text: None, style: None, derive: Vec::new() };
        for f in &files {
            let src = read_source(f, &mut hasher)?;
            loader.file(&f.display().to_string(), &src)?;
        }
        let digest = format!("sha256:{}", crate::hex(&hasher.finalize()));
        Self::assemble(loader, digest, files)
    }

    /// The digest [`Gazetteer::load`] would record for `path`, and the bytes it covers,
    /// without parsing anything.
    pub fn digest_of(path: &Path) -> Result<(String, u64)> {
        let mut hasher = Sha256::new();
        let mut bytes = 0;
        for f in gazetteer_files(path)? {
            bytes += read_source(&f, &mut hasher)?.len() as u64;
        }
        Ok((format!("sha256:{}", crate::hex(&hasher.finalize())), bytes))
    }

    /// Builds a gazetteer from TOML source held in memory (tests, embedded data).
    pub fn from_toml(name: &str, src: &str) -> Result<Gazetteer> {
        let mut loader = Loader { entities: Vec::new(), problems: Vec::new(), text: None, style: None, derive: Vec::new() };
        loader.file(name, src)?;
        let digest = format!("sha256:{}", crate::hex(&Sha256::digest(src.as_bytes())));
        Self::assemble(loader, digest, Vec::new())
    }

    fn assemble(mut loader: Loader, digest: String, files: Vec<PathBuf>) -> Result<Gazetteer> {
        // Ids: explicit ones first, then derived ones made unique against them.
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut dups = Vec::new();
        for (i, e) in loader.entities.iter().enumerate() {
            if e.id.is_empty() {
                continue;
            }
            if let Some(&first) = index.get(&e.id) {
                dups.push((e.origin.clone(), format!("duplicate id {:?} (first at {})", e.id, loader.entities[first].origin)));
            } else {
                index.insert(e.id.clone(), i);
            }
        }
        for (o, m) in dups {
            loader.error(o, m);
        }
        for &i in &loader.derive {
            let base = match slug(&loader.entities[i].name) {
                s if s.is_empty() => format!("entity-{}", i + 1),
                s => s,
            };
            let mut id = base.clone();
            let mut n = 2;
            while index.contains_key(&id) {
                id = format!("{base}-{n}");
                n += 1;
            }
            index.insert(id.clone(), i);
            loader.entities[i].id = id;
        }
        let text = match loader.text.take() {
            Some((t, _)) => t,
            None => {
                let raw: RawFile = toml::from_str(DEFAULT_TEXT).expect("built-in text.toml is valid");
                let t = raw.text.expect("built-in text.toml has [text]").into_inner();
                TextRules {
                    tail_markers: t.tail_markers,
                    tail_prefixes: t.tail_prefixes,
                    drop_lines: t.drop_lines,
                    abbreviations: t.abbreviations,
                    keys: Default::default(),
                }
            }
        };
        let default_style: RawStyle = {
            let raw: RawFile = toml::from_str(DEFAULT_STYLE).expect("built-in style.toml is valid");
            raw.style.expect("built-in style.toml has [style]").into_inner()
        };
        let style = match loader.style.take() {
            Some((s, _)) => merge_style(default_style, s),
            None => merge_style(
                default_style,
                RawStyle {
                    edge_color: None,
                    affiliation_color: None,
                    cooperative_color: None,
                    conflictual_color: None,
                    neutral_color: None,
                    font: None,
                    types: BTreeMap::new(),
                },
            ),
        };
        let mut g = Gazetteer { entities: loader.entities, text, style, digest, files, problems: loader.problems, index, states: Default::default() };
        g.validate();
        Ok(g)
    }

    fn validate(&mut self) {
        let mut problems = Vec::new();
        let mut iso: HashMap<&str, &Entity> = HashMap::new();
        for e in &self.entities {
            if let Some(a) = &e.affiliation {
                match self.get(a) {
                    None => problems.push(Problem {
                        origin: e.origin.clone(),
                        severity: Severity::Error,
                        message: format!("{}: affiliation {a:?} is not an entity id", e.id),
                    }),
                    Some(s) if s.kind != "state" => problems.push(Problem {
                        origin: e.origin.clone(),
                        severity: Severity::Error,
                        message: format!("{}: affiliation {a:?} is a {}, not a state", e.id, s.kind),
                    }),
                    _ => {}
                }
            }
            for r in &e.roles {
                if let Some(of) = &r.of
                    && self.get(of).is_none()
                {
                    problems.push(Problem {
                        origin: r.origin.clone(),
                        severity: Severity::Error,
                        message: format!("{}: role of {of:?}, which is not an entity id", e.id),
                    });
                }
                if r.of.is_none() && e.affiliation.is_none() && r.phrases.is_empty() {
                    problems.push(Problem {
                        origin: r.origin.clone(),
                        severity: Severity::Error,
                        message: format!("{}: role {:?} belongs to nothing: give it `of`, `phrases` or an affiliation", e.id, r.titles[0]),
                    });
                }
            }
            if let Some(code) = e.iso3.as_deref()
                && let Some(first) = iso.insert(code, e)
            {
                problems.push(Problem {
                    origin: e.origin.clone(),
                    severity: Severity::Error,
                    message: format!("iso3 {code} already used by {} ({})", first.id, first.origin),
                });
            }
        }
        // An alias claimed by two entities (compared in normal form, case kept).
        let mut claims: BTreeMap<String, Vec<(usize, &Alias)>> = BTreeMap::new();
        for (i, e) in self.entities.iter().enumerate() {
            for a in &e.aliases {
                claims.entry(normalize_alias(&a.text, false)).or_default().push((i, a));
            }
        }
        for (form, list) in &claims {
            let mut ids: Vec<usize> = list.iter().map(|(i, _)| *i).collect();
            ids.dedup();
            if ids.len() > 1 {
                let who: Vec<String> = list.iter().map(|(i, a)| format!("{} ({})", self.entities[*i].id, a.origin)).collect();
                problems.push(Problem {
                    origin: list[1].1.origin.clone(),
                    severity: Severity::Ambiguity,
                    message: format!("alias {form:?} is claimed by {}", who.join(" and ")),
                });
            }
        }
        self.problems.extend(problems);
        self.problems.sort();
    }

    /// The entity with this id.
    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.index.get(id).map(|&i| &self.entities[i])
    }

    /// The index of the entity with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The state an entity belongs to: itself for a state, its affiliation for a person or
    /// organisation, itself when it has none. The state-level view rolls claims up by it.
    pub fn state_of(&self, entity: u32) -> u32 {
        // Claims ask this of every actor many times: a table, not an id lookup each time.
        let states = self.states.get_or_init(|| {
            (0..self.entities.len() as u32)
                .map(|i| {
                    let e = &self.entities[i as usize];
                    if e.kind == "state" {
                        return i;
                    }
                    e.affiliation.as_deref().and_then(|a| self.index_of(a)).map_or(i, |x| x as u32)
                })
                .collect()
        });
        states[entity as usize]
    }

    /// Every problem found, sorted by place.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The problems that make the gazetteer unusable for a build.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.severity == Severity::Error)
    }

    /// The number of aliases over all entities.
    pub fn alias_count(&self) -> usize {
        self.entities.iter().map(|e| e.aliases.len()).sum()
    }

    /// Finds an entity by id, name or alias (case-insensitively), for commands that take a
    /// user's name for an entity.
    pub fn find(&self, query: &str) -> Option<&Entity> {
        if let Some(e) = self.get(query) {
            return Some(e);
        }
        let q = normalize_alias(query, true);
        self.entities
            .iter()
            .find(|e| normalize_alias(&e.name, true) == q)
            .or_else(|| self.entities.iter().find(|e| e.aliases.iter().any(|a| normalize_alias(&a.text, true) == q)))
    }
}

/// The schema named at the start of a compiled gazetteer file.
pub const COMPILED_SCHEMA: &str = "newsgraph.gazetteer/3";

/// What every compiled gazetteer file starts with, whatever its schema version.
const COMPILED_PREFIX: &str = "{\"schema\":\"newsgraph.gazetteer/";

/// The first line of a compiled gazetteer: the checked rules and style, the relation lexicon's
/// source, and how many entities follow, one JSON object per line (so that they can be parsed
/// in parallel). Written by `newsgraph gazetteer compile` and by the automatic cache; tied to
/// the program version.
#[derive(Serialize, Deserialize)]
struct CompiledHeader {
    schema: String,
    version: String,
    digest: String,
    files: Vec<PathBuf>,
    text: TextRules,
    style: Style,
    problems: Vec<Problem>,
    /// The lexicon's source files, as (name, TOML text).
    lexicon: Vec<(String, String)>,
    /// The file names the entities' origins number (see [`CompiledEntity`]).
    sources: Vec<String>,
    /// How many entity lines follow.
    entities: usize,
}

/// A place in a compiled gazetteer: (number of the file in the header's `sources`, line).
type CompiledOrigin = (u32, usize);

/// An [`Entity`] as one line of a compiled gazetteer: the same fields, with each origin as a
/// [`CompiledOrigin`] rather than the file's name again (which was half the file's bytes), and
/// each alias as `[text, how, origin]`.
#[derive(Serialize, Deserialize)]
struct CompiledEntity {
    id: String,
    name: String,
    kind: String,
    iso3: Option<String>,
    affiliation: Option<String>,
    aliases: Vec<(String, How, CompiledOrigin)>,
    roles: Vec<CompiledRole>,
    case: Option<CasePolicy>,
    origin: CompiledOrigin,
}

/// A [`Role`] in a [`CompiledEntity`].
#[derive(Serialize, Deserialize)]
struct CompiledRole {
    titles: Vec<String>,
    of: Option<String>,
    from: Option<Date>,
    to: Option<Date>,
    phrases: Vec<String>,
    origin: CompiledOrigin,
}

impl CompiledEntity {
    fn new(e: &Entity, number: &mut dyn FnMut(&Origin) -> CompiledOrigin) -> CompiledEntity {
        CompiledEntity {
            id: e.id.clone(),
            name: e.name.clone(),
            kind: e.kind.clone(),
            iso3: e.iso3.clone(),
            affiliation: e.affiliation.clone(),
            aliases: e.aliases.iter().map(|a| (a.text.clone(), a.how, number(&a.origin))).collect(),
            roles: e
                .roles
                .iter()
                .map(|r| CompiledRole {
                    titles: r.titles.clone(),
                    of: r.of.clone(),
                    from: r.from,
                    to: r.to,
                    phrases: r.phrases.clone(),
                    origin: number(&r.origin),
                })
                .collect(),
            case: e.case,
            origin: number(&e.origin),
        }
    }

    /// The entity, its origins' files taken from `sources`; `Err` names a missing number.
    fn entity(self, sources: &[Arc<str>]) -> std::result::Result<Entity, String> {
        let origin = |(f, line): CompiledOrigin| match sources.get(f as usize) {
            Some(file) => Ok(Origin { file: file.clone(), line }),
            None => Err(format!("origin in file number {f}, but the header names {} files", sources.len())),
        };
        Ok(Entity {
            id: self.id,
            name: self.name,
            kind: self.kind,
            iso3: self.iso3,
            affiliation: self.affiliation,
            aliases: self.aliases.into_iter().map(|(text, how, o)| Ok(Alias { text, how, origin: origin(o)? })).collect::<std::result::Result<_, String>>()?,
            roles: self
                .roles
                .into_iter()
                .map(|r| Ok(Role { titles: r.titles, of: r.of, from: r.from, to: r.to, phrases: r.phrases, origin: origin(r.origin)? }))
                .collect::<std::result::Result<_, String>>()?,
            case: self.case,
            origin: origin(self.origin)?,
        })
    }
}

impl Gazetteer {
    /// Whether `path` is a compiled gazetteer file (by its first bytes).
    pub fn is_compiled(path: &Path) -> bool {
        use std::io::Read;
        let mut head = [0u8; 64];
        let Ok(mut f) = std::fs::File::open(path) else { return false };
        let n = f.read(&mut head).unwrap_or(0);
        head[..n].starts_with(COMPILED_PREFIX.as_bytes())
    }

    /// The compiled form of this gazetteer with its lexicon's sources (see
    /// [`crate::relations::Lexicon::sources`]): a JSON header line, then one line per entity.
    /// Refuses a gazetteer with errors.
    pub fn compile(&self, lexicon: Vec<(String, String)>) -> Result<Vec<u8>> {
        if let Some(p) = self.errors().next() {
            return Err(Error::gazetteer(&p.origin, format!("cannot compile a gazetteer with errors: {}", p.message)));
        }
        let mut sources: Vec<Arc<str>> = Vec::new();
        let mut numbers: HashMap<Arc<str>, u32> = HashMap::new();
        let mut number = |o: &Origin| {
            let n = *numbers.entry(o.file.clone()).or_insert_with(|| {
                sources.push(o.file.clone());
                (sources.len() - 1) as u32
            });
            (n, o.line)
        };
        let lines: Vec<CompiledEntity> = self.entities.iter().map(|e| CompiledEntity::new(e, &mut number)).collect();
        let header = CompiledHeader {
            schema: COMPILED_SCHEMA.into(),
            version: env!("CARGO_PKG_VERSION").into(),
            digest: self.digest.clone(),
            files: self.files.clone(),
            text: self.text.clone(),
            style: self.style.clone(),
            problems: self.problems.clone(),
            lexicon,
            sources: sources.iter().map(|f| f.to_string()).collect(),
            entities: self.entities.len(),
        };
        let failed = |e: serde_json::Error| Error::usage(format!("cannot serialise the gazetteer: {e}"));
        let mut out = serde_json::to_vec(&header).map_err(failed)?;
        for e in &lines {
            out.push(b'\n');
            serde_json::to_writer(&mut out, e).map_err(failed)?;
        }
        out.push(b'\n');
        Ok(out)
    }

    /// Loads a compiled gazetteer file; returns it with its lexicon's sources. The entity
    /// lines are parsed in parallel on the current rayon pool.
    pub fn load_compiled(path: &Path) -> Result<(Gazetteer, Vec<(String, String)>)> {
        let bytes = std::fs::read(path).map_err(|e| Error::gazetteer(path.display(), e))?;
        Gazetteer::from_compiled(&path.display().to_string(), &bytes)
    }

    /// [`Gazetteer::load_compiled`] from the bytes of a file; errors are named `name`, with
    /// the line and column.
    pub fn from_compiled(name: &str, bytes: &[u8]) -> Result<(Gazetteer, Vec<(String, String)>)> {
        use rayon::prelude::*;
        let invalid = |line: usize, column: usize, e: &dyn fmt::Display| {
            Error::gazetteer(format!("{name}:{line}:{column}"), format!("not a valid compiled gazetteer: {e}"))
        };
        let head_end = bytes.iter().position(|&b| b == b'\n').unwrap_or(bytes.len());
        let header: CompiledHeader = serde_json::from_slice(&bytes[..head_end]).map_err(|e| invalid(1, e.column(), &e))?;
        if header.schema != COMPILED_SCHEMA || header.version != env!("CARGO_PKG_VERSION") {
            return Err(Error::gazetteer(
                name,
                format!(
                    "compiled by newsgraph {} ({}); this is newsgraph {} ({COMPILED_SCHEMA}): compile it again with `newsgraph gazetteer compile`",
                    header.version,
                    header.schema,
                    env!("CARGO_PKG_VERSION")
                ),
            ));
        }
        // Blocks of whole lines, a few per worker; each is a stream of entities.
        let body = bytes.get(head_end + 1..).unwrap_or_default();
        let want = (body.len() / (rayon::current_num_threads() * 4)).max(1 << 16);
        let mut blocks: Vec<std::ops::Range<usize>> = Vec::new();
        let mut at = 0;
        while at < body.len() {
            let end = match body[(at + want).min(body.len())..].iter().position(|&b| b == b'\n') {
                Some(i) => (at + want).min(body.len()) + i + 1,
                None => body.len(),
            };
            blocks.push(at..end);
            at = end;
        }
        let sources: Vec<Arc<str>> = header.sources.iter().map(|f| Arc::from(f.as_str())).collect();
        // A failure: where its block starts in the body, and the line and column within the
        // block (a bad entity, one per line, is named by its line).
        type Failure = (usize, usize, usize, String);
        let parsed: Vec<std::result::Result<Vec<Entity>, Failure>> = blocks
            .par_iter()
            .map(|r| {
                let block = &body[r.clone()];
                let mut es = Vec::with_capacity(block.iter().filter(|&&b| b == b'\n').count() + 1);
                for c in serde_json::Deserializer::from_slice(block).into_iter::<CompiledEntity>() {
                    let c = c.map_err(|e| (r.start, e.line(), e.column(), e.to_string()))?;
                    es.push(c.entity(&sources).map_err(|m| (r.start, es.len() + 1, 1, m))?);
                }
                Ok(es)
            })
            .collect();
        let mut entities = Vec::with_capacity(header.entities);
        for block in parsed {
            match block {
                Ok(es) => entities.extend(es),
                Err((start, line, column, message)) => {
                    // The header's line, the lines of the blocks before, the line in this one.
                    let before = body[..start].iter().filter(|&&b| b == b'\n').count();
                    return Err(invalid(1 + before + line, column, &message));
                }
            }
        }
        if entities.len() != header.entities {
            let lines = bytes.iter().filter(|&&b| b == b'\n').count();
            return Err(invalid(lines + 1, 1, &format_args!("{} entities where the header says {}: the file is cut short", entities.len(), header.entities)));
        }
        let mut index = HashMap::with_capacity(entities.len());
        for (i, e) in entities.iter().enumerate() {
            index.entry(e.id.clone()).or_insert(i);
        }
        let g = Gazetteer {
            entities,
            text: header.text,
            style: header.style,
            digest: header.digest,
            files: header.files,
            problems: header.problems,
            index,
            states: Default::default(),
        };
        Ok((g, header.lexicon))
    }
}

fn merge_style(base: RawStyle, over: RawStyle) -> Style {
    let mut types = BTreeMap::new();
    for (k, v) in base.types.into_iter().chain(over.types) {
        let prev: Option<TypeStyle> = types.get(&k).cloned();
        types.insert(
            k,
            TypeStyle {
                shape: v.shape.or(prev.as_ref().map(|p| p.shape.clone())).unwrap_or_else(|| "ellipse".into()),
                fill: v.fill.or(prev.map(|p| p.fill)).unwrap_or_else(|| "#ffffff".into()),
            },
        );
    }
    Style {
        edge_color: over.edge_color.or(base.edge_color).unwrap_or_else(|| "#7f7f7f".into()),
        affiliation_color: over.affiliation_color.or(base.affiliation_color).unwrap_or_else(|| "#b0b0b0".into()),
        cooperative_color: over.cooperative_color.or(base.cooperative_color).unwrap_or_else(|| "#2e7d32".into()),
        conflictual_color: over.conflictual_color.or(base.conflictual_color).unwrap_or_else(|| "#c62828".into()),
        neutral_color: over.neutral_color.or(base.neutral_color).unwrap_or_else(|| "#555555".into()),
        font: over.font.or(base.font).unwrap_or_else(|| "Helvetica".into()),
        types,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(src: &str) -> Vec<String> {
        Gazetteer::from_toml("g.toml", src).unwrap().problems().iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn validation_cases() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("clean", "[[entity]]\nid = \"a\"\nname = \"A\"\n", &[]),
            (
                "duplicate id",
                "[[entity]]\nid = \"a\"\nname = \"A\"\n\n[[entity]]\nid = \"a\"\nname = \"B\"\n",
                &["g.toml:5: error: duplicate id \"a\" (first at g.toml:1)"],
            ),
            (
                "alias claimed twice",
                "[[entity]]\nid = \"a\"\nname = \"A\"\naliases = [\"X\"]\n[[entity]]\nid = \"b\"\nname = \"B\"\naliases = [\"X\"]\n",
                &["g.toml:8: ambiguous: alias \"X\" is claimed by a (g.toml:4) and b (g.toml:8)"],
            ),
            (
                "unknown affiliation",
                "[[entity]]\nid = \"a\"\nname = \"A\"\naffiliation = \"nowhere\"\n",
                &["g.toml:1: error: a: affiliation \"nowhere\" is not an entity id"],
            ),
            ("empty alias", "[[entity]]\nid = \"a\"\nname = \"A\"\naliases = [\"A\", \" \"]\n", &["g.toml:4: error: empty alias"]),
            (
                "bad date",
                "[[entity]]\nid = \"s\"\nname = \"S\"\ntype = \"state\"\n[[entity]]\nid = \"a\"\nname = \"A\"\naffiliation = \"s\"\nroles = [{ title = \"President\", from = \"2024-02-30\" }]\n",
                &["g.toml:9: error: bad date \"2024-02-30\": expected YYYY-MM-DD"],
            ),
            (
                "role ends before it starts",
                "[[entity]]\nid = \"a\"\nname = \"A\"\nroles = [{ title = \"King\", of = \"a\", from = \"2024-01-01\", to = \"2020-01-01\" }]\n",
                &["g.toml:4: error: role ends (2020-01-01) before it starts (2024-01-01)"],
            ),
            (
                "bad case policy",
                "[[entity]]\nname = \"A\"\ncase = \"loud\"\n",
                &["g.toml:3: error: unknown case policy \"loud\" (expected exact, name or ignore)"],
            ),
        ];
        for (name, src, want) in cases {
            assert_eq!(problems(src), *want, "{name}");
        }
    }

    #[test]
    fn syntax_errors_name_file_line_and_column() {
        let err = Gazetteer::from_toml("g.toml", "[[entity]]\nname = \"A\"\nbogus = 1\n").unwrap_err();
        assert!(err.to_string().starts_with("g.toml:3:1:"), "{err}");
        let err = Gazetteer::from_toml("g.toml", "[[entity]]\nname = \"A\n").unwrap_err();
        assert!(err.to_string().starts_with("g.toml:2:"), "{err}");
    }

    #[test]
    fn derived_ids_are_unique_and_names_are_aliases_only_when_no_list() {
        let g = Gazetteer::from_toml(
            "g.toml",
            "[[entity]]\nname = \"C++\"\naliases = [\"c++\"]\n[[entity]]\nname = \"C\"\n[[entity]]\nid = \"c\"\nname = \"Other\"\n",
        )
        .unwrap();
        let ids: Vec<&str> = g.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["c-2", "c-3", "c"]);
        assert_eq!(g.entities[0].aliases.iter().map(|a| a.text.as_str()).collect::<Vec<_>>(), ["c++"]);
        assert_eq!(g.entities[1].aliases[0].how, How::Name);
        assert_eq!(g.entities[0].kind, "term");
    }
}
