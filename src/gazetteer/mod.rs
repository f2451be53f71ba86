//! The gazetteer: who can be mentioned, by which names, and the data files that go with it.
//!
//! A gazetteer is a folder (or one file) of TOML. Each file may hold any of:
//!
//! - `[[entity]]` tables: `id` (optional; derived from `name`), `name` (the label), `type`
//!   (`person`, `state`, `organisation`, or any other word such as `place` or `term`),
//!   `aliases` (what is matched; when absent, the name is), `demonyms`, `metonyms`, `iso3`,
//!   `affiliation` (the id of a state), `case` (`exact`, `name` or `ignore`) and `roles`
//!   (`{ title, aliases, of, from, to, phrases }`);
//! - one `[text]` table: boilerplate markers and abbreviations ([`TextRules`], owned by
//!   `text`);
//! - one `[style]` table: how diagrams draw each type ([`Style`], owned by `export`).
//!
//! This module is the one loader of that folder: it reads every file once and hands the
//! `[text]` and `[style]` tables to the types of the stages that use them (and the lexicon's
//! tables to `relations`, [`Gazetteer::load_with_lexicon`]).
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

use crate::date::Date;
use crate::error::{Error, Result};
use crate::export::Style;
use crate::norm::normalize_alias;
use crate::text::TextRules;

mod compiled;
pub mod import;
mod load;

pub use compiled::COMPILED_SCHEMA;
use load::{Loader, read_source, slug};

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
    /// A news source (agency, outlet, picture agency, photographer): named in bylines,
    /// datelines and credits, never an actor of a claim nor its speaker.
    pub media: bool,
    /// A person's family name as news writes it alone ("Lai" for Lai Ching-te), when the rule
    /// of [`Entity::short_name`] would get it wrong.
    #[serde(default)]
    pub surname: Option<String>,
    /// Where the entity was written.
    pub origin: Origin,
}

impl Entity {
    /// The word a person is named by alone after their full name ("Khan" after "Imran
    /// Khan"): the `surname` given, else the family name of a name of two words or more: its
    /// first word when the given name is hyphenated in lower case after the hyphen (the
    /// family-name-first order of "Lai Ching-te", "Kim Yo-jong"), its last word otherwise
    /// ("Marcos" for "Ferdinand Marcos Jr."). `None` for other entities and one-word names.
    pub fn short_name(&self) -> Option<&str> {
        if self.kind != "person" {
            return None;
        }
        if let Some(s) = &self.surname {
            return Some(s);
        }
        family_name(&self.name)
    }
}

/// The family name of a person's full name (see [`Entity::short_name`]), for entities and for
/// names the gazetteer does not know yet (`gazetteer suggest`'s aliases).
pub fn family_name(name: &str) -> Option<&str> {
    let words: Vec<&str> = name.split_whitespace().filter(|w| !matches!(w.trim_end_matches('.'), "Jr" | "Sr" | "II" | "III" | "IV")).collect();
    if words.len() < 2 {
        return None;
    }
    let family_first = words[1].split_once('-').is_some_and(|(_, b)| b.chars().next().is_some_and(char::is_lowercase));
    Some(if family_first { words[0] } else { words[words.len() - 1] }.trim_end_matches('.'))
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

/// The entity type of armed groups (Hezbollah, Hamas, the Houthis): typed apart from
/// organisations so that the state-level view never counts them as their base state.
pub const ARMED_GROUP: &str = "armed_group";

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

/// Whether a gazetteer file holds tables read beyond the entities: the relation lexicon
/// (`[[relation]]`, `[grammar]`) or the discovery words (`[discover]`). Such files are the
/// "sources" handed on with a gazetteer.
pub fn holds_rules(src: &str) -> bool {
    src.contains("[[relation]]") || src.contains("[grammar]") || src.contains("[discover]")
}

/// The id a gazetteer derives from a name: lowercase, accents and punctuation dropped, words
/// joined by `-` ("Lai Ching-te" → `lai-ching-te`).
pub fn slug_of(name: &str) -> String {
    slug(name)
}

/// The shipped gazetteer (`gazetteer/` of the source tree), built into the program so that it
/// runs from any folder: (path, TOML text), sorted by path as a folder is read. Cargo builds
/// the program again when a file changes.
pub const BUILTIN: &[(&str, &str)] = &[
    ("gazetteer/discover.toml", include_str!("../../gazetteer/discover.toml")),
    ("gazetteer/media.toml", include_str!("../../gazetteer/media.toml")),
    ("gazetteer/officeholders.toml", include_str!("../../gazetteer/officeholders.toml")),
    ("gazetteer/organisations.toml", include_str!("../../gazetteer/organisations.toml")),
    ("gazetteer/people.toml", include_str!("../../gazetteer/people.toml")),
    ("gazetteer/places.toml", include_str!("../../gazetteer/places.toml")),
    ("gazetteer/relations.toml", include_str!("../../gazetteer/relations.toml")),
    ("gazetteer/states.toml", include_str!("../../gazetteer/states.toml")),
    ("gazetteer/style.toml", include_str!("../../gazetteer/style.toml")),
    ("gazetteer/text.toml", include_str!("../../gazetteer/text.toml")),
];

impl Gazetteer {
    /// The shipped gazetteer ([`BUILTIN`]), as [`Gazetteer::load_with_lexicon`] reads the
    /// `gazetteer/` folder: the same entities, origins (`gazetteer/states.toml:12`) and digest.
    pub fn builtin_with_lexicon() -> Result<(Gazetteer, Vec<(String, String)>)> {
        let mut hasher = Sha256::new();
        let mut loader = Loader { entities: Vec::new(), problems: Vec::new(), text: None, style: None, derive: Vec::new() };
        let mut lexicon = Vec::new();
        for (name, src) in BUILTIN {
            load::hash_source(name.rsplit('/').next().unwrap_or(name), src, &mut hasher);
            loader.file(name, src)?;
            if holds_rules(src) {
                lexicon.push((name.to_string(), src.to_string()));
            }
        }
        let digest = format!("sha256:{}", crate::hex(&hasher.finalize()));
        Self::assemble(loader, digest, BUILTIN.iter().map(|(name, _)| PathBuf::from(name)).collect()).map(|g| (g, lexicon))
    }

    /// Loads a gazetteer from a folder (all `.toml` files below it) or one file.
    ///
    /// Fails only when a file cannot be read or is not valid TOML of the expected shape; data
    /// problems are collected in [`Gazetteer::problems`].
    pub fn load(path: &Path) -> Result<Gazetteer> {
        Ok(Self::load_with_lexicon(path)?.0)
    }

    /// [`Gazetteer::load`], and from the same read of each file, the relation lexicon's sources:
    /// the files with `[[relation]]` or `[grammar]` tables, as (name, TOML text), for
    /// [`Lexicon::from_sources`](crate::relations::Lexicon::from_sources). The data folder is
    /// read once.
    pub fn load_with_lexicon(path: &Path) -> Result<(Gazetteer, Vec<(String, String)>)> {
        let files = gazetteer_files(path)?;
        let mut hasher = Sha256::new();
        let mut loader = Loader { entities: Vec::new(), problems: Vec::new(), text: None, style: None, derive: Vec::new() };
        let mut lexicon = Vec::new();
        for f in &files {
            let src = read_source(f, &mut hasher)?;
            let name = f.display().to_string();
            loader.file(&name, &src)?;
            if holds_rules(&src) {
                lexicon.push((name, src));
            }
        }
        let digest = format!("sha256:{}", crate::hex(&hasher.finalize()));
        Ok((Self::assemble(loader, digest, files)?, lexicon))
    }

    /// The gazetteer at `path` (the shipped one when `None`) with one more file, held in
    /// memory: what `gazetteer check` would say of that file placed beside the others.
    pub fn load_with_extra(path: Option<&Path>, name: &str, src: &str) -> Result<Gazetteer> {
        let mut hasher = Sha256::new();
        let mut loader = Loader { entities: Vec::new(), problems: Vec::new(), text: None, style: None, derive: Vec::new() };
        match path {
            Some(p) if Gazetteer::is_compiled(p) => return Err(Error::usage("import needs the gazetteer's folder or TOML files, not a compiled file")),
            Some(p) => {
                for f in gazetteer_files(p)? {
                    let s = read_source(&f, &mut hasher)?;
                    loader.file(&f.display().to_string(), &s)?;
                }
            }
            None => {
                for (n, s) in BUILTIN {
                    loader.file(n, s)?;
                }
            }
        }
        loader.file(name, src)?;
        Self::assemble(loader, String::new(), Vec::new())
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
        let text = loader.text.take().map_or_else(TextRules::builtin, |(t, _)| t);
        let style = Style::from_table(loader.style.take().map(|(s, _)| s));
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

    /// The state an entity belongs to: itself for a state or an armed group (type
    /// [`ARMED_GROUP`]: its affiliation is where it is based, not whom it acts for), its
    /// affiliation for a person or organisation, itself when it has none. The state-level view
    /// rolls claims up by it.
    pub fn state_of(&self, entity: u32) -> u32 {
        // Claims ask this of every actor many times: a table, not an id lookup each time.
        let states = self.states.get_or_init(|| {
            (0..self.entities.len() as u32)
                .map(|i| {
                    let e = &self.entities[i as usize];
                    // An armed group is never its base state ("Hezbollah" is not Lebanon).
                    if e.kind == "state" || e.kind == ARMED_GROUP {
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

    /// People who share a family name ([`Entity::short_name`]), by that name: alone, it names
    /// one of them only in a document that names just that one in full.
    pub fn shared_surnames(&self) -> Vec<(String, Vec<&Entity>)> {
        let mut by: BTreeMap<String, Vec<&Entity>> = BTreeMap::new();
        for e in &self.entities {
            if let Some(s) = e.short_name() {
                by.entry(s.to_string()).or_default().push(e);
            }
        }
        by.into_iter().filter(|(_, es)| es.len() > 1).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in gazetteer is the shipped folder: every file, in the folder's order, and
    /// the same digest (a file added to the folder and not to `BUILTIN` fails here).
    #[test]
    fn builtin_is_the_shipped_folder() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("gazetteer");
        let files: Vec<String> = gazetteer_files(&folder).unwrap().iter().map(|f| format!("gazetteer/{}", f.file_name().unwrap().to_string_lossy())).collect();
        assert_eq!(BUILTIN.iter().map(|(n, _)| n.to_string()).collect::<Vec<_>>(), files);
        assert_eq!(Gazetteer::builtin_with_lexicon().unwrap().0.digest, Gazetteer::load(&folder).unwrap().digest);
    }

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
