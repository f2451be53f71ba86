//! The store: one SQLite file (`out/newsgraph.db`) that holds what a build found, document by
//! document, and grows as news arrives.
//!
//! `build` writes it beside the graph files ([`Writer`]); `build --update` folds new and
//! changed documents into it in one transaction ([`update`](Store::begin_update)); `compare`,
//! `explain` and `export` read it back ([`read`]) without the corpus. The tables are in
//! `schema.sql` and documented in `docs/store.md`.
//!
//! Per-document rows (documents, sentences, mentions, entity_documents, co_mentions, claims)
//! are the record; the totals (entities, co_mention_edges, relation_edges) are refreshed from
//! them for the keys a change touches, so an update costs what its documents touch, not what
//! the store holds. Entities are keyed by their index in the gazetteer whose digest
//! `meta.gazetteer_digest` records.

mod read;
mod update;
mod write;

pub use read::{Explained, explain_document, graph_doc, light_doc, nodes_named, pair_doc, unknown_names};
pub use update::{Change, UpdatePlan};
pub use write::Writer;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::error::{Error, Result};

/// The store's schema version (`meta.schema`); a store with a higher one is refused.
pub const SCHEMA_VERSION: i64 = 1;

/// `PRAGMA application_id` of a newsgraph store: "NGST".
pub const APPLICATION_ID: i64 = 0x4E47_5354;

/// The store's file name in an output folder.
pub const FILE_NAME: &str = "newsgraph.db";

/// The Datasette metadata written beside the store (`datasette out/` finds it).
pub const METADATA_FILE: &str = "metadata.json";

/// How long a second writer waits for the first to finish before it gives up.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

const SCHEMA: &str = include_str!("schema.sql");

/// An open store.
pub struct Store {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
    /// The file opened (device and inode), to tell when a build has replaced it.
    identity: Option<(u64, u64)>,
}

/// The device and inode of the file at `path`.
fn identity_of(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// What the store says about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    /// Schema version.
    pub schema: i64,
    /// Version of the newsgraph that last wrote it.
    pub generator: String,
    /// Digest of the gazetteer and relation lexicon files that analysed its documents.
    pub gazetteer_digest: String,
    /// Digest of the relation lexicon's files alone (the gazetteer's digest covers them too).
    pub lexicon_digest: String,
    /// Entities of that gazetteer.
    pub gazetteer_entities: usize,
    /// Aliases of that gazetteer.
    pub gazetteer_aliases: usize,
    /// Co-mention window.
    pub window: String,
    /// Claims less sure than this (percent) were left out.
    pub min_confidence: u8,
}

/// Whether the file at `path` starts as an SQLite database does.
pub fn is_store(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == b"SQLite format 3\0"
}

pub(crate) fn sql_input(path: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| {
        // A column this program reads that the store lacks: a store written by an earlier
        // version (before datelines gave `provider` and `place`). Said in one line, not with
        // the whole query.
        match earlier_version(&e) {
            Some(why) => Error::input(path.display(), why),
            None => Error::input(path.display(), e),
        }
    }
}

/// A column or table this program reads or writes that the store lacks: a store written by
/// an earlier version, said in one line.
fn earlier_version(e: &rusqlite::Error) -> Option<String> {
    let text = e.to_string();
    let (what, rest) = text.strip_prefix("no such column: ").map(|r| ("column", r)).or_else(|| text.strip_prefix("no such table: ").map(|r| ("table", r)))?;
    let name = rest.split_whitespace().next().unwrap_or(rest);
    Some(format!("this store has no {what} {name:?}: it was written by an earlier newsgraph; run `newsgraph build` again to write it anew"))
}

pub(crate) fn sql_output(path: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| match earlier_version(&e) {
        Some(why) => Error::input(path.display(), why),
        None => Error::output(path, e),
    }
}

impl Store {
    /// Opens an existing store for reading and updating: it must be a newsgraph store of this
    /// schema version or an older one this program reads.
    pub fn open(path: &Path) -> Result<Store> {
        if !path.is_file() {
            return Err(Error::input(path.display(), "no store here (write one with `newsgraph build`)"));
        }
        if !is_store(path) {
            return Err(Error::input(path.display(), "not a newsgraph store (not an SQLite database)"));
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .or_else(|_| Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX))
            .map_err(sql_input(path))?;
        let store = Store { conn, path: path.to_path_buf(), identity: identity_of(path) };
        store.configure()?;
        let app: i64 = store.conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(sql_input(path))?;
        if app != APPLICATION_ID {
            return Err(Error::input(path.display(), "an SQLite database, but not a newsgraph store"));
        }
        let meta = store.meta()?;
        if meta.schema > SCHEMA_VERSION {
            return Err(Error::input(
                path.display(),
                format!("store schema {} was written by a newer newsgraph ({}); this one reads up to {SCHEMA_VERSION}", meta.schema, meta.generator),
            ));
        }
        Ok(store)
    }

    /// Creates an empty store at `path` (which must not exist), with its schema.
    pub(crate) fn create(path: &Path) -> Result<Store> {
        let conn = Connection::open(path).map_err(sql_output(path))?;
        let store = Store { conn, path: path.to_path_buf(), identity: identity_of(path) };
        store.configure()?;
        store.conn.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID}; PRAGMA page_size = 8192;")).map_err(sql_output(path))?;
        store.conn.execute_batch(SCHEMA).map_err(sql_output(path))?;
        Ok(store)
    }

    fn configure(&self) -> Result<()> {
        self.conn.busy_timeout(BUSY_TIMEOUT).map_err(sql_input(&self.path))?;
        // The declared references are for readers (Datasette links rows by them); totals are
        // brought up to date after the rows that name them, inside one transaction.
        self.conn.execute_batch("PRAGMA foreign_keys = OFF; PRAGMA cache_size = -65536;").map_err(sql_input(&self.path))?;
        // The views' `npmi` uses ln(); SQLite built without its math functions gets ours.
        let has_ln = self.conn.query_row("SELECT ln(1.0)", [], |_| Ok(())).is_ok();
        if !has_ln {
            use rusqlite::functions::FunctionFlags;
            self.conn
                .create_scalar_function("ln", 1, FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC, |ctx| {
                    let x: Option<f64> = ctx.get(0)?;
                    Ok(x.filter(|x| *x > 0.0).map(f64::ln))
                })
                .map_err(sql_input(&self.path))?;
        }
        Ok(())
    }

    /// Whether the path still names the file this store opened (a build renames a new store
    /// over the old one).
    pub(crate) fn still_at_its_path(&self) -> bool {
        self.identity.is_none() || identity_of(&self.path) == self.identity
    }

    /// Before a build renames a new store over the one at `path`: that store with its write
    /// lock taken (waiting for an update to finish), to hold until the new one is in place.
    /// `None` when there is no store there (or a file that is not one, which is replaced).
    pub fn lock_for_replacement(path: &Path) -> Result<Option<Store>> {
        if !is_store(path) {
            return Ok(None);
        }
        let Ok(store) = Store::open(path) else { return Ok(None) };
        store
            .conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| Error::output(path, format!("another newsgraph is updating this store; the new one was not put in its place ({e})")))?;
        Ok(Some(store))
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The store's description of itself.
    pub fn meta(&self) -> Result<Meta> {
        let get = |k: &str| -> Result<Option<String>> {
            self.conn
                .query_row("SELECT value FROM meta WHERE key = ?1", [k], |r| r.get(0))
                .optional()
                .map_err(|e| Error::input(self.path.display(), format!("not a newsgraph store: {e}")))
        };
        let need = |k: &str| -> Result<String> { get(k)?.ok_or_else(|| Error::input(self.path.display(), format!("not a newsgraph store: no {k} in meta"))) };
        Ok(Meta {
            schema: need("schema")?.parse().map_err(|e| Error::input(self.path.display(), format!("meta schema: {e}")))?,
            generator: need("generator")?,
            gazetteer_digest: need("gazetteer_digest")?,
            lexicon_digest: get("lexicon_digest")?.unwrap_or_default(),
            gazetteer_entities: get("gazetteer_entities")?.and_then(|v| v.parse().ok()).unwrap_or(0),
            gazetteer_aliases: get("gazetteer_aliases")?.and_then(|v| v.parse().ok()).unwrap_or(0),
            window: need("window")?,
            min_confidence: get("min_confidence")?.and_then(|v| v.parse().ok()).unwrap_or(0),
        })
    }

    pub(crate) fn set_meta(&self, meta: &Meta) -> Result<()> {
        let mut st = self.conn.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)").map_err(sql_output(&self.path))?;
        for (k, v) in [
            ("schema", meta.schema.to_string()),
            ("generator", meta.generator.clone()),
            ("gazetteer_digest", meta.gazetteer_digest.clone()),
            ("lexicon_digest", meta.lexicon_digest.clone()),
            ("gazetteer_entities", meta.gazetteer_entities.to_string()),
            ("gazetteer_aliases", meta.gazetteer_aliases.to_string()),
            ("window", meta.window.clone()),
            ("min_confidence", meta.min_confidence.to_string()),
        ] {
            st.execute([k, v.as_str()]).map_err(sql_output(&self.path))?;
        }
        Ok(())
    }

    /// The graph's documents, nodes and edges (co-mentions, affiliations and relations: what
    /// the `edges` view lists, counted from its tables).
    pub fn graph_counts(&self) -> Result<(u64, u64, u64)> {
        let sql = "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM entities),
                   (SELECT count(*) FROM co_mention_edges) + (SELECT count(*) FROM relation_edges)
                 + (SELECT count(*) FROM entities s JOIN entities a ON a.id = s.affiliation AND a.entity != s.entity)";
        let n: (i64, i64, i64) = self.conn.query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).map_err(sql_input(&self.path))?;
        Ok((n.0 as u64, n.1 as u64, n.2 as u64))
    }
}

/// The Datasette metadata for a store (table and column descriptions, facets, canned
/// queries), from `datasette.json` beside this module.
pub fn datasette_metadata() -> &'static str {
    include_str!("datasette.json")
}

/// The claim id `graph.json` uses for stored claim `n`.
pub fn claim_id(n: i64) -> String {
    format!("c-{n:06}")
}

/// The stored claim number of a `graph.json` claim id.
pub fn claim_number(id: &str) -> Option<i64> {
    id.strip_prefix("c-")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::write::paragraphs_of;
    use super::*;
    use crate::text::Sentence;

    #[test]
    fn claim_ids_and_numbers_are_inverse() {
        for (n, id) in [(1, "c-000001"), (17, "c-000017"), (999_999, "c-999999"), (1_234_567, "c-1234567")] {
            assert_eq!(claim_id(n), id);
            assert_eq!(claim_number(id), Some(n));
        }
        for bad in ["", "c-", "x-000001", "c-12a", "000001"] {
            assert_eq!(claim_number(bad), None, "{bad:?}");
        }
    }

    /// A paragraph's span is its sentences' (which cover it, as the layout makes them).
    #[test]
    fn paragraphs_are_their_sentences_spans() {
        let s = |a: usize, b: usize, paragraph: usize| Sentence { span: a..b, paragraph, quoted: false };
        let cases: [(Vec<Sentence>, Vec<std::ops::Range<usize>>); 4] = [
            (vec![], vec![]),
            (vec![s(0, 10, 0)], vec![0..10]),
            (vec![s(0, 10, 0), s(11, 20, 0), s(22, 30, 1)], vec![0..20, 22..30]),
            (vec![s(5, 9, 2), s(12, 14, 4), s(15, 18, 4)], vec![5..9, 12..18]),
        ];
        for (sentences, want) in cases {
            assert_eq!(paragraphs_of(&sentences), want);
        }
    }

    /// A file is a store by its first bytes and its application id; anything else is named
    /// as not one.
    #[test]
    fn only_a_newsgraph_store_opens() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("a.db");
        std::fs::write(&text, "not a database").unwrap();
        assert!(!is_store(&text));
        assert!(Store::open(&text).unwrap_err().to_string().contains("not a newsgraph store"));
        let other = dir.path().join("other.db");
        Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x)").unwrap();
        assert!(is_store(&other));
        assert!(Store::open(&other).unwrap_err().to_string().contains("not a newsgraph store"));
        let none = dir.path().join("none.db");
        assert!(Store::open(&none).unwrap_err().to_string().contains("no store here"));
    }
}
