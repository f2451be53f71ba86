//! Reading the gazetteer folder's TOML files: entities, and the `[text]` and `[style]` tables
//! handed to the stages that use them.

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use super::{Alias, CasePolicy, Entity, How, Origin, Problem, Role, Severity};
use crate::date::Date;
use crate::error::{Error, LineIndex, Result, line_of};
use crate::export::StyleTable;
use crate::text::{TextRules, TextTable};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    #[serde(default)]
    pub(super) entity: Vec<Spanned<RawEntity>>,
    pub(super) text: Option<Spanned<TextTable>>,
    pub(super) style: Option<Spanned<StyleTable>>,
    /// Relation lexicon tables, read by `relations::Lexicon`.
    #[serde(default, rename = "relation")]
    pub(super) _relation: Option<toml::Value>,
    /// Grammar word lists, read by `relations::Lexicon`.
    #[serde(default, rename = "grammar")]
    pub(super) _grammar: Option<toml::Value>,
    /// Flips of relation cues, read by `relations::Lexicon`.
    #[serde(default, rename = "flip")]
    pub(super) _flip: Option<toml::Value>,
    /// Context words of name discovery, read by `discover::DiscoverRules`.
    #[serde(default, rename = "discover")]
    pub(super) _discover: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEntity {
    pub(super) id: Option<Spanned<String>>,
    pub(super) name: Spanned<String>,
    #[serde(rename = "type")]
    pub(super) kind: Option<String>,
    iso3: Option<Spanned<String>>,
    pub(super) affiliation: Option<Spanned<String>>,
    pub(super) aliases: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub(super) demonyms: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) metonyms: Vec<Spanned<String>>,
    pub(super) case: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) roles: Vec<Spanned<RawRole>>,
    #[serde(default)]
    pub(super) media: bool,
    pub(super) surname: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRole {
    pub(super) title: String,
    #[serde(default)]
    pub(super) aliases: Vec<String>,
    pub(super) of: Option<String>,
    pub(super) from: Option<String>,
    pub(super) to: Option<String>,
    #[serde(default)]
    pub(super) phrases: Vec<String>,
}

/// Reads one gazetteer file as UTF-8, adding its name and text to the digest.
pub(super) fn read_source(f: &Path, hasher: &mut Sha256) -> Result<String> {
    let bytes = std::fs::read(f).map_err(|e| Error::gazetteer(f.display(), e))?;
    let src = String::from_utf8(bytes).map_err(|e| Error::gazetteer(f.display(), format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to())))?;
    hash_source(&f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), &src, hasher);
    Ok(src)
}

/// Adds a gazetteer file (its name and text) to the digest.
pub(super) fn hash_source(file_name: &str, src: &str, hasher: &mut Sha256) {
    hasher.update(file_name.as_bytes());
    hasher.update([0]);
    hasher.update(src.as_bytes());
    hasher.update([0]);
}

/// Lowercase slug of a name, for derived ids.
pub(super) fn slug(name: &str) -> String {
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

pub(super) struct Loader {
    pub(super) entities: Vec<Entity>,
    pub(super) problems: Vec<Problem>,
    pub(super) text: Option<(TextRules, Origin)>,
    pub(super) style: Option<(StyleTable, Origin)>,
    /// Entities whose id must be derived after all explicit ids are known.
    pub(super) derive: Vec<usize>,
}

impl Loader {
    pub(super) fn error(&mut self, origin: Origin, message: impl Into<String>) {
        self.problems.push(Problem { origin, severity: Severity::Error, message: message.into() });
    }

    pub(super) fn file(&mut self, file: &str, src: &str) -> Result<()> {
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
            self.text = Some((TextRules::from_table(text.into_inner()), origin));
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
                media: e.media,
                surname: e.surname.map(|s| s.into_inner().trim().to_string()).filter(|s| !s.is_empty()),
                origin,
            });
        }
        Ok(())
    }
}
