//! The compiled gazetteer: a checked gazetteer and its lexicon's sources in one file that loads
//! fast (`gazetteer compile`, `--gazetteer FILE`, and the cache).

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{Alias, CasePolicy, Entity, Gazetteer, How, Origin, Problem, Role};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::export::Style;
use crate::text::TextRules;

/// The schema named at the start of a compiled gazetteer file.
pub const COMPILED_SCHEMA: &str = "newsgraph.gazetteer/4";

/// What every compiled gazetteer file starts with, whatever its schema version.
pub(super) const COMPILED_PREFIX: &str = "{\"schema\":\"newsgraph.gazetteer/";

/// The first line of a compiled gazetteer: the checked rules and style, the relation lexicon's
/// source, and how many entities follow, one JSON object per line (so that they can be parsed
/// in parallel). Written by `newsgraph gazetteer compile` and by the automatic cache; tied to
/// the program version.
#[derive(Serialize, Deserialize)]
pub(super) struct CompiledHeader {
    pub(super) schema: String,
    pub(super) version: String,
    pub(super) digest: String,
    pub(super) files: Vec<PathBuf>,
    pub(super) text: TextRules,
    pub(super) style: Style,
    pub(super) problems: Vec<Problem>,
    /// The lexicon's source files, as (name, TOML text).
    pub(super) lexicon: Vec<(String, String)>,
    /// The file names the entities' origins number (see [`CompiledEntity`]).
    pub(super) sources: Vec<String>,
    /// How many entity lines follow.
    pub(super) entities: usize,
}

/// A place in a compiled gazetteer: (number of the file in the header's `sources`, line).
pub(super) type CompiledOrigin = (u32, usize);

/// An [`Entity`] as one line of a compiled gazetteer: the same fields, with each origin as a
/// [`CompiledOrigin`] rather than the file's name again (which was half the file's bytes), and
/// each alias as `[text, how, origin]`.
#[derive(Serialize, Deserialize)]
pub(super) struct CompiledEntity {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) kind: String,
    iso3: Option<String>,
    pub(super) affiliation: Option<String>,
    pub(super) aliases: Vec<(String, How, CompiledOrigin)>,
    pub(super) roles: Vec<CompiledRole>,
    pub(super) case: Option<CasePolicy>,
    #[serde(default)]
    pub(super) media: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    surname: Option<String>,
    pub(super) origin: CompiledOrigin,
}

/// A [`Role`] in a [`CompiledEntity`].
#[derive(Serialize, Deserialize)]
pub(super) struct CompiledRole {
    pub(super) titles: Vec<String>,
    pub(super) of: Option<String>,
    pub(super) from: Option<Date>,
    pub(super) to: Option<Date>,
    pub(super) phrases: Vec<String>,
    pub(super) origin: CompiledOrigin,
}

impl CompiledEntity {
    pub(super) fn new(e: &Entity, number: &mut dyn FnMut(&Origin) -> CompiledOrigin) -> CompiledEntity {
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
            media: e.media,
            surname: e.surname.clone(),
            origin: number(&e.origin),
        }
    }

    /// The entity, its origins' files taken from `sources`; `Err` names a missing number.
    pub(super) fn entity(self, sources: &[Arc<str>]) -> std::result::Result<Entity, String> {
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
            media: self.media,
            surname: self.surname,
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
    /// [`Gazetteer::load_with_lexicon`]): a JSON header line, then one line per entity.
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
