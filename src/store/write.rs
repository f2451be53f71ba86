//! Writing the store: a document's rows, claims, and the totals refreshed from them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rusqlite::params;
use rustc_hash::FxHashMap as HashMap;

use super::{Meta, SCHEMA_VERSION, Store, sql_input, sql_output};
use crate::error::{Error, Result};
use crate::export::GraphDoc;
use crate::export::doc::ClaimRec;
use crate::gazetteer::{Gazetteer, How};
use crate::graph::{Analysis, Window};
use crate::relations::Lexicon;

/// A pair of actors at state level as the store names it: the two ids in order, joined by
/// `" | "` (the `pair` column of `claims`, a facet in Datasette).
pub fn pair_name(a: &str, b: &str) -> String {
    if a <= b { format!("{a} | {b}") } else { format!("{b} | {a}") }
}

/// The key the totals of relation edges and copy detection share: pair, relation, denial.
pub(crate) type ClaimKey = (String, String, bool);

/// Where a document's sentences went: sentence start → row.
pub(crate) type SentenceRows = HashMap<usize, i64>;

impl Store {
    /// Writes the relation types of the lexicon (replacing any).
    pub(crate) fn write_relations(&self, lex: &Lexicon) -> Result<()> {
        let out = sql_output(&self.path);
        self.conn.execute("DELETE FROM relations", []).map_err(&out)?;
        let mut st = self
            .conn
            .prepare_cached(
                "INSERT INTO relations (relation, position, polarity, directed, cameo, plover, goldstein, quad_class, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .map_err(&out)?;
        for (i, r) in lex.relations.iter().enumerate() {
            st.execute(params![r.id, i as i64, r.polarity.as_str(), !r.symmetric, r.cameo, r.plover, r.goldstein, r.quad, r.state]).map_err(&out)?;
        }
        Ok(())
    }

    /// Inserts one analysed document's own rows (document, sentences and their full-text
    /// index, mentions, per-entity and per-pair counts); returns its row and where its
    /// sentences went. Claims are inserted apart ([`Store::insert_claim`]): their ids and
    /// copies depend on the other documents.
    pub(crate) fn insert_document(&self, a: &Analysis, gaz: &Gazetteer) -> Result<(i64, SentenceRows)> {
        let out = sql_output(&self.path);
        let d = &a.info;
        let detail = a.detail.as_deref();
        let paragraphs: Vec<[usize; 2]> = detail.map(|x| x.paragraphs.iter().map(|p| [p.start, p.end]).collect()).unwrap_or_default();
        self.conn
            .prepare_cached(
                "INSERT INTO documents (id, path, title, outlet, url, published, sentences, paragraphs, repeated_paragraphs, boilerplate_from, mentions, crowded_windows, windows, paragraph_spans, sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )
            .and_then(|mut st| {
                st.execute(params![
                    d.id,
                    d.path,
                    d.title,
                    d.outlet,
                    d.url,
                    d.published.map(|p| p.to_string()),
                    d.sentences as i64,
                    d.paragraphs as i64,
                    d.repeated as i64,
                    d.tail_from.map(|t| t as i64),
                    d.mentions as i64,
                    d.crowded_windows as i64,
                    a.windows as i64,
                    serde_json::to_string(&paragraphs).expect("spans serialise"),
                    d.sha256,
                ])
            })
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                    Error::input(&d.path, format!("document id {:?} is given twice; each document is stored once", d.id))
                }
                e => Error::output(&self.path, e),
            })?;
        let doc = self.conn.last_insert_rowid();
        let mut rows = SentenceRows::default();
        if let Some(detail) = detail {
            let mut sentence = self
                .conn
                .prepare_cached("INSERT INTO sentences (doc, start, \"end\", paragraph, quoted, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .map_err(&out)?;
            let mut fts = self.conn.prepare_cached("INSERT INTO sentences_fts (rowid, text) VALUES (?1, ?2)").map_err(&out)?;
            for (s, text) in &detail.sentences {
                sentence.execute(params![doc, s.span.start as i64, s.span.end as i64, s.paragraph as i64, s.quoted, text]).map_err(&out)?;
                let row = self.conn.last_insert_rowid();
                fts.execute(params![row, text]).map_err(&out)?;
                rows.insert(s.span.start, row);
            }
            let mut mention = self.conn.prepare_cached("INSERT INTO mentions (doc, start, \"end\", entity, how) VALUES (?1, ?2, ?3, ?4, ?5)").map_err(&out)?;
            for m in &detail.mentions {
                mention.execute(params![doc, m.start as i64, m.end as i64, m.entity, m.how.as_str()]).map_err(&out)?;
            }
        }
        let mut per_entity = self
            .conn
            .prepare_cached(
                "INSERT INTO entity_documents (entity, doc, mentions, windows, by_name, by_alias, by_demonym, by_metonym, by_role) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .map_err(&out)?;
        for (&e, hows) in &a.counts {
            let by = |h: How| hows.get(&h).copied().unwrap_or(0);
            let total: u32 = hows.values().sum();
            let windows = a.entity_windows.get(&e).copied().unwrap_or(0);
            per_entity
                .execute(params![e, doc, total, windows, by(How::Name), by(How::Alias), by(How::Demonym), by(How::Metonym), by(How::Role)])
                .map_err(&out)?;
        }
        let mut pair = self.conn.prepare_cached("INSERT INTO co_mentions (source, target, doc, windows) VALUES (?1, ?2, ?3, ?4)").map_err(&out)?;
        for (&(x, y), &w) in &a.pairs {
            let (s, t) = ordered(gaz, x, y);
            pair.execute(params![s, t, doc, w]).map_err(&out)?;
        }
        Ok((doc, rows))
    }

    /// Inserts one claim as stored claim `number` of document row `doc`, `position` in its
    /// text order. `sentence` is its sentence's row (`None`: it is stored with the claim).
    pub(crate) fn insert_claim<S: AsRef<str>>(
        &self,
        number: i64,
        doc: i64,
        position: usize,
        c: &ClaimRec<S>,
        sentence: Option<i64>,
        gaz: &Gazetteer,
    ) -> Result<()> {
        let out = sql_output(&self.path);
        let entity = |id: &S| -> Result<u32> {
            gaz.index_of(id.as_ref())
                .map(|i| i as u32)
                .ok_or_else(|| Error::input(self.path.display(), format!("entity {:?} is not in the gazetteer", id.as_ref())))
        };
        let sentence = match sentence {
            Some(s) => s,
            None => {
                let [start, end] = c.spans.sentence;
                self.conn
                    .prepare_cached("INSERT INTO sentences (doc, start, \"end\", paragraph, quoted, text) VALUES (?1, ?2, ?3, -1, 0, ?4)")
                    .and_then(|mut st| st.execute(params![doc, start as i64, end as i64, c.sentence.as_ref()]))
                    .map_err(&out)?;
                let row = self.conn.last_insert_rowid();
                self.conn.execute("INSERT INTO sentences_fts (rowid, text) VALUES (?1, ?2)", params![row, c.sentence.as_ref()]).map_err(&out)?;
                row
            }
        };
        let copy_of = c.copy_of.as_ref().and_then(|id| super::claim_number(id.as_ref()));
        let (subject, object) = (entity(&c.subject)?, entity(&c.object)?);
        let (subject_state, object_state) = (entity(&c.subject_state)?, entity(&c.object_state)?);
        let speaker = c.speaker.as_ref().map(entity).transpose()?;
        let s = |x: &S| x.as_ref().to_string();
        self.conn
            .prepare_cached(
                "INSERT INTO claims (claim, doc, position, subject, object, subject_state, object_state, pair, relation, negated, modality, speaker, sentence,
                    subject_start, subject_end, object_start, object_end, cue_start, cue_end, cue, cue_phrase, rule, pairing, confidence, subject_agent, object_agent, copy_of)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)",
            )
            .and_then(|mut st| {
                st.execute(params![
                    number,
                    doc,
                    position as i64,
                    subject,
                    object,
                    subject_state,
                    object_state,
                    pair_name(c.subject_state.as_ref(), c.object_state.as_ref()),
                    s(&c.relation),
                    c.negated,
                    s(&c.modality),
                    speaker,
                    sentence,
                    c.spans.subject[0] as i64,
                    c.spans.subject[1] as i64,
                    c.spans.object[0] as i64,
                    c.spans.object[1] as i64,
                    c.spans.cue[0] as i64,
                    c.spans.cue[1] as i64,
                    s(&c.cue),
                    s(&c.cue_phrase),
                    s(&c.rule),
                    s(&c.pairing),
                    c.confidence,
                    c.subject_agent.as_ref().map(s),
                    c.object_agent.as_ref().map(s),
                    copy_of,
                ])
            })
            .map_err(|e| Error::output(&self.path, format!("claim {}: {e}", super::claim_id(number))))?;
        Ok(())
    }

    /// Recomputes the totals of `entities` (all, or these) from their per-document rows: a
    /// node with no mention left is removed.
    pub(crate) fn refresh_entities(&self, only: Option<&BTreeSet<u32>>, gaz: &Gazetteer) -> Result<()> {
        let out = sql_output(&self.path);
        const TOTALS: &str = "SELECT entity, sum(mentions), sum(windows), count(*), sum(by_name), sum(by_alias), sum(by_demonym), sum(by_metonym), sum(by_role) FROM entity_documents";
        type Totals = (u32, [i64; 8]);
        let read = |r: &rusqlite::Row| -> rusqlite::Result<Totals> {
            let mut v = [0i64; 8];
            for (i, x) in v.iter_mut().enumerate() {
                *x = r.get(i + 1)?;
            }
            Ok((r.get(0)?, v))
        };
        let totals: Vec<Totals> = match only {
            None => {
                self.conn.execute("DELETE FROM entities", []).map_err(&out)?;
                let mut st = self.conn.prepare(&format!("{TOTALS} GROUP BY entity")).map_err(&out)?;
                st.query_map([], read).map_err(&out)?.collect::<rusqlite::Result<_>>().map_err(&out)?
            }
            Some(set) => {
                let mut st = self.conn.prepare_cached(&format!("{TOTALS} WHERE entity = ?1 GROUP BY entity")).map_err(&out)?;
                let mut del = self.conn.prepare_cached("DELETE FROM entities WHERE entity = ?1").map_err(&out)?;
                let mut v = Vec::new();
                for &e in set {
                    del.execute([e]).map_err(&out)?;
                    v.extend(st.query_map([e], read).map_err(&out)?.collect::<rusqlite::Result<Vec<_>>>().map_err(&out)?);
                }
                v
            }
        };
        let mut ins = self
            .conn
            .prepare_cached(
                "INSERT INTO entities (entity, id, label, type, iso3, aliases, affiliation, mentions, windows, documents, by_name, by_alias, by_demonym, by_metonym, by_role)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )
            .map_err(&out)?;
        for (e, v) in totals {
            let Some(ent) = gaz.entities.get(e as usize) else {
                return Err(Error::input(self.path.display(), format!("entity {e} is not in this gazetteer")));
            };
            let aliases: Vec<&str> = ent.aliases.iter().filter(|a| a.text != ent.name).map(|a| a.text.as_str()).collect();
            ins.execute(params![
                e,
                ent.id,
                ent.name,
                ent.kind,
                ent.iso3,
                serde_json::to_string(&aliases).expect("aliases serialise"),
                ent.affiliation,
                v[0],
                v[1],
                v[2],
                v[3],
                v[4],
                v[5],
                v[6],
                v[7]
            ])
            .map_err(&out)?;
        }
        Ok(())
    }

    /// Recomputes co-mention edges (all, or these pairs) from their per-document rows.
    pub(crate) fn refresh_co_mentions(&self, only: Option<&BTreeSet<(u32, u32)>>) -> Result<()> {
        let out = sql_output(&self.path);
        match only {
            None => {
                self.conn
                    .execute_batch(
                        "DELETE FROM co_mention_edges;
                         INSERT INTO co_mention_edges (source, target, weight, documents) SELECT source, target, sum(windows), count(*) FROM co_mentions GROUP BY source, target;",
                    )
                    .map_err(&out)?;
            }
            Some(set) => {
                let mut del = self.conn.prepare_cached("DELETE FROM co_mention_edges WHERE source = ?1 AND target = ?2").map_err(&out)?;
                let mut ins = self
                    .conn
                    .prepare_cached(
                        "INSERT INTO co_mention_edges (source, target, weight, documents)
                         SELECT source, target, sum(windows), count(*) FROM co_mentions WHERE source = ?1 AND target = ?2 GROUP BY source, target",
                    )
                    .map_err(&out)?;
                for &(s, t) in set {
                    del.execute([s, t]).map_err(&out)?;
                    ins.execute([s, t]).map_err(&out)?;
                }
            }
        }
        Ok(())
    }

    /// Recomputes relation edges (all, or those of these claim keys) from the claims: per
    /// (source state, target state, relation, denial), the claims that are not copies, the
    /// copies, distinct outlets of the originals and the first and last dates, as the graph
    /// folds them (`graph::relation_edges`).
    pub(crate) fn refresh_relation_edges(&self, only: Option<&BTreeSet<ClaimKey>>, gaz: &Gazetteer, lex: &Lexicon) -> Result<()> {
        let out = sql_output(&self.path);
        let keys: Vec<ClaimKey> = match only {
            Some(set) => set.iter().cloned().collect(),
            None => {
                self.conn.execute("DELETE FROM relation_edges", []).map_err(&out)?;
                let mut st = self.conn.prepare("SELECT DISTINCT pair, relation, negated FROM claims").map_err(&out)?;
                st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).map_err(&out)?.collect::<rusqlite::Result<_>>().map_err(&out)?
            }
        };
        let mut claims = self
            .conn
            .prepare_cached(
                "SELECT c.subject_state, c.object_state, c.copy_of IS NULL, coalesce(d.outlet, 'document ' || d.id), d.published
                 FROM claims c JOIN documents d ON d.doc = c.doc WHERE c.pair = ?1 AND c.relation = ?2 AND c.negated = ?3",
            )
            .map_err(&out)?;
        let mut del =
            self.conn.prepare_cached("DELETE FROM relation_edges WHERE source = ?1 AND target = ?2 AND relation = ?3 AND negated = ?4").map_err(&out)?;
        let mut ins = self
            .conn
            .prepare_cached(
                "INSERT INTO relation_edges (source, target, relation, negated, claims, copies, outlets, goldstein_mean, first, last) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .map_err(&out)?;
        let id_of = |e: u32| gaz.entities.get(e as usize).map_or("", |x| x.id.as_str());
        for (pair, relation, negated) in keys {
            let Some(rel) = lex.relations.iter().find(|r| r.id == relation) else {
                return Err(Error::input(self.path.display(), format!("relation {relation:?} is not in this lexicon")));
            };
            #[derive(Default)]
            struct Sum {
                claims: i64,
                copies: i64,
                outlets: BTreeSet<String>,
                first: Option<String>,
                last: Option<String>,
            }
            let mut edges: BTreeMap<(u32, u32), Sum> = BTreeMap::new();
            let rows = claims
                .query_map(params![pair, relation, negated], |r| {
                    Ok((r.get::<_, u32>(0)?, r.get::<_, u32>(1)?, r.get::<_, bool>(2)?, r.get::<_, String>(3)?, r.get::<_, Option<String>>(4)?))
                })
                .map_err(&out)?;
            for row in rows {
                let (mut s, mut t, original, outlet, published) = row.map_err(&out)?;
                if s == t {
                    continue;
                }
                if rel.symmetric && id_of(t) < id_of(s) {
                    std::mem::swap(&mut s, &mut t);
                }
                let sum = edges.entry((s, t)).or_default();
                if original {
                    sum.claims += 1;
                    sum.outlets.insert(outlet);
                } else {
                    sum.copies += 1;
                }
                if let Some(p) = published {
                    if sum.first.as_ref().is_none_or(|f| p < *f) {
                        sum.first = Some(p.clone());
                    }
                    if sum.last.as_ref().is_none_or(|l| p > *l) {
                        sum.last = Some(p);
                    }
                }
            }
            if only.is_some() {
                // The edges this key had: every orientation of the pair's two states.
                let mut st = self.conn.prepare_cached("SELECT source, target FROM relation_edges WHERE relation = ?1 AND negated = ?2 AND source IN (SELECT entity FROM entities WHERE id = ?3 OR id = ?4) AND target IN (SELECT entity FROM entities WHERE id = ?3 OR id = ?4)").map_err(&out)?;
                let (a, b) = pair.split_once(" | ").unwrap_or((&pair, &pair));
                let old: Vec<(u32, u32)> = st
                    .query_map(params![relation, negated, a, b], |r| Ok((r.get(0)?, r.get(1)?)))
                    .map_err(&out)?
                    .collect::<rusqlite::Result<_>>()
                    .map_err(&out)?;
                for (s, t) in old {
                    del.execute(params![s, t, relation, negated]).map_err(&out)?;
                }
            }
            for ((s, t), sum) in edges {
                ins.execute(params![s, t, relation, negated, sum.claims, sum.copies, sum.outlets.len() as i64, rel.goldstein, sum.first, sum.last])
                    .map_err(&out)?;
            }
        }
        Ok(())
    }
}

/// A pair of entities in the order the graph draws a co-mention edge: lower id first.
pub(crate) fn ordered(gaz: &Gazetteer, x: u32, y: u32) -> (u32, u32) {
    let id = |e: u32| gaz.entities[e as usize].id.as_str();
    if id(x) <= id(y) { (x, y) } else { (y, x) }
}

/// Writes a new store beside its final place while `build` runs, and moves it there when the
/// build's other outputs are written: a store is replaced whole or not at all.
pub struct Writer {
    store: Store,
    tmp: tempfile::TempPath,
    target: PathBuf,
    docs: HashMap<String, (i64, SentenceRows)>,
    meta: Meta,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").field("target", &self.target).finish()
    }
}

impl Writer {
    /// Starts a store that will replace `target`.
    pub fn create(target: &Path, gaz: &Gazetteer, lex: &Lexicon, window: Window, min_confidence: u8) -> Result<Writer> {
        let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        crate::export::ensure_dir(dir)?;
        let tmp = tempfile::Builder::new().prefix(".newsgraph-").suffix(".db-tmp").tempfile_in(dir).map_err(|e| Error::output(target, e))?.into_temp_path();
        let store = Store::create(&tmp)?;
        // Nothing reads this file until it is renamed into place after a sync: no journal.
        store.conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; BEGIN;").map_err(sql_output(&tmp))?;
        store.write_relations(lex)?;
        let meta = Meta {
            schema: SCHEMA_VERSION,
            generator: format!("newsgraph {}", env!("CARGO_PKG_VERSION")),
            gazetteer_digest: gaz.digest.clone(),
            gazetteer_entities: gaz.entities.len(),
            gazetteer_aliases: gaz.alias_count(),
            window: window.as_str().into(),
            min_confidence,
        };
        Ok(Writer { store, tmp, target: target.to_path_buf(), docs: HashMap::default(), meta })
    }

    /// Adds one analysed document (with its [`Detail`](crate::graph::Detail)).
    pub fn add(&mut self, a: &Analysis, gaz: &Gazetteer) -> Result<()> {
        let (row, sentences) = self.store.insert_document(a, gaz)?;
        // Only the sentences that carry claims are looked up again.
        let wanted: BTreeSet<usize> = a.claims.iter().map(|(c, ..)| c.sentence.start).collect();
        let sentences = sentences.into_iter().filter(|(s, _)| wanted.contains(s)).collect();
        self.docs.insert(a.info.id.clone(), (row, sentences));
        Ok(())
    }

    /// Writes the claims of the finished graph document (ids, states and copies as
    /// `graph.json` has them) and the totals, and commits: the store is ready to move into
    /// place ([`crate::export::Staged::commit`]).
    pub fn finish(self, doc: &GraphDoc, gaz: &Gazetteer, lex: &Lexicon) -> Result<crate::export::Staged> {
        let Writer { store, tmp, target, docs, meta } = self;
        let mut position: HashMap<i64, usize> = HashMap::default();
        for c in doc.claims.select(|_| true) {
            let c = c?;
            let Some((row, sentences)) = docs.get(&c.document) else {
                return Err(Error::output(&target, format!("claim {} names document {:?}, which was not stored", c.id, c.document)));
            };
            let n = super::claim_number(&c.id).ok_or_else(|| Error::output(&target, format!("claim id {:?}", c.id)))?;
            let p = position.entry(*row).or_default();
            store.insert_claim(n, *row, *p, &c, sentences.get(&c.spans.sentence[0]).copied(), gaz)?;
            *p += 1;
        }
        doc.claims.check()?;
        store.refresh_entities(None, gaz)?;
        store.refresh_co_mentions(None)?;
        store.refresh_relation_edges(None, gaz, lex)?;
        store.set_meta(&meta)?;
        {
            let out = sql_output(&tmp);
            store.conn.execute_batch("COMMIT; PRAGMA journal_mode = DELETE;").map_err(&out)?;
            store.conn.execute_batch("PRAGMA optimize;").map_err(&out)?;
        }
        drop(store);
        let file = std::fs::OpenOptions::new().read(true).write(true).open(&tmp).map_err(|e| Error::output(&target, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o644)).map_err(|e| Error::output(&target, e))?;
        }
        file.sync_all().map_err(|e| Error::output(&target, e))?;
        Ok(crate::export::Staged::from_temp(&target, tmp))
    }
}

/// The totals a change touches, gathered from the documents' rows before they go and after
/// they come.
#[derive(Debug, Default)]
pub(crate) struct Touched {
    pub(crate) entities: BTreeSet<u32>,
    pub(crate) pairs: BTreeSet<(u32, u32)>,
    pub(crate) keys: BTreeSet<ClaimKey>,
}

impl Store {
    /// What document row `doc` contributes to the totals.
    pub(crate) fn touched_by(&self, doc: i64, into: &mut Touched) -> Result<()> {
        let inp = sql_input(&self.path);
        let mut st = self.conn.prepare_cached("SELECT entity FROM entity_documents WHERE doc = ?1").map_err(&inp)?;
        for e in st.query_map([doc], |r| r.get(0)).map_err(&inp)? {
            into.entities.insert(e.map_err(&inp)?);
        }
        let mut st = self.conn.prepare_cached("SELECT source, target FROM co_mentions WHERE doc = ?1").map_err(&inp)?;
        for p in st.query_map([doc], |r| Ok((r.get(0)?, r.get(1)?))).map_err(&inp)? {
            into.pairs.insert(p.map_err(&inp)?);
        }
        let mut st = self.conn.prepare_cached("SELECT pair, relation, negated FROM claims WHERE doc = ?1").map_err(&inp)?;
        for k in st.query_map([doc], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).map_err(&inp)? {
            into.keys.insert(k.map_err(&inp)?);
        }
        Ok(())
    }

    /// Deletes document row `doc` and everything it holds.
    pub(crate) fn delete_document(&self, doc: i64) -> Result<()> {
        let out = sql_output(&self.path);
        // Claims of other documents that copied this one's become originals again (copies
        // are recomputed for the keys touched; this keeps the reference valid meanwhile).
        self.conn.execute("UPDATE claims SET copy_of = NULL WHERE copy_of IN (SELECT claim FROM claims WHERE doc = ?1)", [doc]).map_err(&out)?;
        self.conn.execute("DELETE FROM claims WHERE doc = ?1", [doc]).map_err(&out)?;
        self.conn
            .execute("INSERT INTO sentences_fts (sentences_fts, rowid, text) SELECT 'delete', sentence, text FROM sentences WHERE doc = ?1", [doc])
            .map_err(&out)?;
        for t in ["sentences", "mentions", "entity_documents", "co_mentions", "documents"] {
            self.conn.execute(&format!("DELETE FROM {t} WHERE doc = ?1"), [doc]).map_err(&out)?;
        }
        Ok(())
    }
}
