//! Updating a store in place: new documents added, changed ones replaced, unchanged ones
//! skipped before they are analysed, all in one transaction; then only the states, copies
//! and relation edges the change touches are computed again.

use std::borrow::Cow;
use std::collections::BTreeSet;

use rusqlite::params;
use rustc_hash::FxHashMap as HashMap;

use super::write::{ClaimKey, Codes, DocCounts, DocFacts};
use super::{Meta, SCHEMA_VERSION, Store, sql_input, sql_output};
use crate::error::{Error, Result};
use crate::export::doc::{Filed, record};
use crate::export::part::Lookup;
use crate::gazetteer::Gazetteer;
use crate::graph::{Analysis, CopyIndex, Window, word_set, words_hash};
use crate::relations::Lexicon;

/// What an update does with one input document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Stored with the same text: skipped, not analysed.
    Same,
    /// Stored with other text: this row is replaced.
    Changed(i64),
    /// Not stored yet.
    New,
}

/// An update in progress: the store's documents as they were when it began (it holds the
/// write lock), and what has been folded in so far.
#[derive(Debug, Default)]
pub struct UpdatePlan {
    existing: HashMap<String, (i64, String)>,
    entities: BTreeSet<u32>,
    /// Of `entities`, those in the store before the update touched them.
    before: BTreeSet<u32>,
    keys: BTreeSet<ClaimKey>,
    /// Keys that lost claims (a replaced document's): their copies are all looked for again.
    shrunk: BTreeSet<ClaimKey>,
    added_docs: Vec<(i64, Analysis, super::write::SentenceRows)>,
    /// Documents skipped (stored with the same text).
    pub skipped: usize,
    /// Documents replaced.
    pub replaced: usize,
    /// Documents added.
    pub added: usize,
}

impl UpdatePlan {
    /// The stored documents when the update began: id → (row, sha256).
    pub fn known(&self) -> HashMap<String, (i64, String)> {
        self.existing.clone()
    }

    /// What to do with the input document `id` whose text has `sha256`.
    pub fn change_of(&self, id: &str, sha256: &str) -> Change {
        match self.existing.get(id) {
            Some((_, sha)) if sha == sha256 => Change::Same,
            Some((row, _)) => Change::Changed(*row),
            None => Change::New,
        }
    }
}

/// What an update changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateSummary {
    /// Documents skipped (same text).
    pub skipped: usize,
    /// Documents replaced.
    pub replaced: usize,
    /// Documents added.
    pub added: usize,
    /// Claims added.
    pub claims: usize,
    /// Claims whose state-level actors changed (a state first or no longer mentioned).
    pub restated: usize,
    /// Claims whose copy status changed.
    pub recopied: usize,
}

impl Store {
    /// Takes the write lock (waiting up to [`super::BUSY_TIMEOUT`] for another writer) and
    /// reads which documents the store holds.
    pub fn begin_update(&self) -> Result<UpdatePlan> {
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseBusy || f.code == rusqlite::ErrorCode::DatabaseLocked => {
                Error::input(
                    self.path.display(),
                    format!("another newsgraph has been updating this store for {} s; try again when it is done", super::BUSY_TIMEOUT.as_secs()),
                )
            }
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ReadOnly => Error::output(&self.path, "the store is read-only"),
            e => Error::output(&self.path, e),
        })?;
        if !self.still_at_its_path() {
            let _ = self.conn.execute_batch("ROLLBACK");
            return Err(Error::input(self.path.display(), "a build replaced this store while this update waited for it; run the update again"));
        }
        let inp = sql_input(&self.path);
        let mut st = self.conn.prepare("SELECT id, doc, sha256 FROM documents").map_err(&inp)?;
        let existing = st.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))).map_err(&inp)?.collect::<rusqlite::Result<_>>().map_err(&inp)?;
        Ok(UpdatePlan { existing, ..Default::default() })
    }

    /// Folds one analysed document (new or changed, with its detail) into the update: a
    /// changed one's old rows and counts go first.
    pub fn update_document(&self, plan: &mut UpdatePlan, a: Analysis, gaz: &Gazetteer, window: Window) -> Result<()> {
        match plan.change_of(&a.info.id, &a.info.sha256) {
            Change::Same => {
                plan.skipped += 1;
                return Ok(());
            }
            Change::Changed(row) => {
                let old = self.counts_of(row, window)?;
                self.touch(plan, &old)?;
                self.add_totals(&old, -1, gaz)?;
                let mut lost = BTreeSet::new();
                self.keys_of(row, &mut lost)?;
                plan.keys.extend(lost.iter().copied());
                plan.shrunk.extend(lost);
                self.delete_document(row)?;
                plan.existing.remove(&a.info.id);
                plan.replaced += 1;
            }
            Change::New => plan.added += 1,
        }
        let (row, sentences) = self.insert_document(&a, true)?;
        let counts = DocCounts::of(&a);
        self.touch(plan, &counts)?;
        self.add_totals(&counts, 1, gaz)?;
        plan.added_docs.push((row, a, sentences));
        Ok(())
    }

    /// Notes the entities a document's counts touch, and which of them were there before.
    fn touch(&self, plan: &mut UpdatePlan, counts: &DocCounts) -> Result<()> {
        let new: Vec<u32> = counts.mentions.keys().copied().filter(|e| !plan.entities.contains(e)).collect();
        plan.before.extend(self.present_among(new.iter().copied())?);
        plan.entities.extend(new);
        Ok(())
    }

    /// Finishes the update: states that changed with a state's presence, the claims of the
    /// new documents (ids after the highest stored), copies and relation edges of the touched
    /// keys. The transaction stays open, so the graph files can be rendered from it before
    /// another writer changes the store; [`Store::commit`] ends it.
    pub fn finish_update(&self, plan: UpdatePlan, gaz: &Gazetteer, lex: &Lexicon, meta: &Meta) -> Result<UpdateSummary> {
        let out = sql_output(&self.path);
        let inp = sql_input(&self.path);
        let UpdatePlan { entities, before, mut keys, mut shrunk, added_docs, skipped, replaced, added, .. } = plan;
        let mut summary = UpdateSummary { skipped, replaced, added, ..Default::default() };
        let present = |e: u32| -> Result<bool> {
            let mut st = self.conn.prepare_cached("SELECT 1 FROM entities WHERE entity = ?1").map_err(&inp)?;
            st.exists([e]).map_err(&inp)
        };
        let rollup = |e: u32| -> Result<u32> {
            let s = gaz.state_of(e);
            Ok(if present(s)? { s } else { e })
        };
        // A state first mentioned, or no longer mentioned, moves its people's claims.
        let mut moved = BTreeSet::new();
        for &e in &entities {
            if before.contains(&e) != present(e)? {
                moved.insert(e);
            }
        }
        if !moved.is_empty() {
            let members: BTreeSet<u32> = (0..gaz.entities.len() as u32).filter(|&e| moved.contains(&gaz.state_of(e)) && !moved.contains(&e)).collect();
            if !members.is_empty() {
                let list = members.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(",");
                let mut st = self
                    .conn
                    .prepare(&format!(
                        "SELECT claim, subject, object, subject_state, object_state, pair_a, pair_b, relation, negated FROM claims WHERE subject IN ({list}) OR object IN ({list})"
                    ))
                    .map_err(&inp)?;
                type Row = (i64, u32, u32, u32, u32, u32, u32, i64, bool);
                let rows: Vec<Row> = st
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?)))
                    .map_err(&inp)?
                    .collect::<rusqlite::Result<_>>()
                    .map_err(&inp)?;
                let mut upd = self.conn.prepare_cached("UPDATE claims SET subject_state = ?2, object_state = ?3 WHERE claim = ?1").map_err(&out)?;
                for (claim, s, o, ss, os, pa, pb, relation, negated) in rows {
                    let (ns, no) = (rollup(s)?, rollup(o)?);
                    if (ns, no) != (ss, os) {
                        upd.execute(params![claim, ns, no]).map_err(&out)?;
                        keys.insert((pa, pb, relation, negated));
                        keys.insert((ns.min(no), ns.max(no), relation, negated));
                        shrunk.insert((pa, pb, relation, negated));
                        shrunk.insert((ns.min(no), ns.max(no), relation, negated));
                        summary.restated += 1;
                    }
                }
            }
        }
        // The new documents' claims, numbered after the highest stored.
        let mut next: i64 = self.conn.query_row("SELECT max(claim) FROM claims", [], |r| r.get::<_, Option<i64>>(0)).map_err(&inp)?.unwrap_or(0) + 1;
        let first_new = next;
        let names = Lookup { gaz, lex };
        let codes = Codes::new(lex);
        for (row, a, sentences) in &added_docs {
            let mut recs = Vec::with_capacity(a.claims.len());
            let ids: Vec<String> = (0..a.claims.len() as i64).map(|k| super::claim_id(next + k)).collect();
            for ((c, sentence, cue), id) in a.claims.iter().zip(&ids) {
                let states = (rollup(c.subject)?, rollup(c.object)?);
                let filed = Filed { id: Cow::Borrowed(id), document: &a.info.id, states, copy_of: None };
                keys.insert((states.0.min(states.1), states.0.max(states.1), c.relation as i64, c.negated));
                recs.push(record(&names, c, filed, Cow::Borrowed(sentence), Cow::Borrowed(cue)));
            }
            next = self.insert_claims(*row, next, recs.iter(), sentences, gaz, &codes)?;
            summary.claims += recs.len();
        }
        let docs = self.document_facts()?;
        summary.recopied = self.refresh_copies(&keys, &shrunk, first_new, &docs)?;
        self.refresh_relation_edges(&keys, &docs, gaz, lex)?;
        self.set_meta(&Meta { schema: SCHEMA_VERSION, generator: format!("newsgraph {}", env!("CARGO_PKG_VERSION")), ..meta.clone() })?;
        Ok(summary)
    }

    /// The entities of the store among `set`.
    pub fn present_among(&self, set: impl IntoIterator<Item = u32>) -> Result<BTreeSet<u32>> {
        let inp = sql_input(&self.path);
        let mut st = self.conn.prepare_cached("SELECT 1 FROM entities WHERE entity = ?1").map_err(&inp)?;
        let mut v = BTreeSet::new();
        for e in set {
            if st.exists([e]).map_err(&inp)? {
                v.insert(e);
            }
        }
        Ok(v)
    }

    /// Commits an update: until now, a failure or a kill leaves the store as it was.
    pub fn commit(&self) -> Result<()> {
        self.conn.execute_batch("COMMIT").map_err(sql_output(&self.path))
    }

    /// Looks for copies again among the claims of these keys, in publication order, as the
    /// build does (`graph::copies`); returns how many claims changed. Claims before the first
    /// one added (numbered `first_new` and up) in that order keep their status, so only their
    /// originals' sentences are read, to be searched; keys in `shrunk` (claims removed or
    /// moved) are searched whole.
    fn refresh_copies(&self, keys: &BTreeSet<ClaimKey>, shrunk: &BTreeSet<ClaimKey>, first_new: i64, docs: &HashMap<i64, DocFacts>) -> Result<usize> {
        let inp = sql_input(&self.path);
        let out = sql_output(&self.path);
        let mut text = self.conn.prepare_cached("SELECT s.text FROM claims c JOIN sentences s ON s.sentence = c.sentence WHERE c.claim = ?1").map_err(&inp)?;
        let mut upd = self.conn.prepare_cached("UPDATE claims SET copy_of = ?2 WHERE claim = ?1").map_err(&out)?;
        let mut changed = 0;
        for key in keys {
            let rows = self.key_claims(key, docs)?;
            // The build breaks ties by document then text order; so does this search.
            let mut by_text: Vec<usize> = (0..rows.len()).collect();
            by_text.sort_by(|&x, &y| (&docs[&rows[x].doc].id, rows[x].claim).cmp(&(&docs[&rows[y].doc].id, rows[y].claim)));
            let mut rank = vec![0usize; rows.len()];
            for (r, &i) in by_text.iter().enumerate() {
                rank[i] = r;
            }
            let from = if shrunk.contains(key) { 0 } else { rows.iter().position(|r| r.claim >= first_new).unwrap_or(rows.len()) };
            let mut index: CopyIndex<()> = CopyIndex::default();
            for (i, c) in rows.iter().enumerate() {
                if i < from && c.copy_of.is_some() {
                    continue; // a copy before any change stays one, and is not searched
                }
                let sentence: String = text.query_row([c.claim], |r| r.get(0)).map_err(&inp)?;
                let words = word_set(&sentence);
                let now = index.add((), rank[i], c.doc as u32, words_hash(&words), words).map(|r| rows[by_text[r]].claim);
                if now != c.copy_of {
                    upd.execute(params![c.claim, now]).map_err(&out)?;
                    changed += 1;
                }
            }
        }
        Ok(changed)
    }
}
