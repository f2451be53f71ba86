//! Updating a store in place: new documents added, changed ones replaced, unchanged ones
//! skipped before they are analysed, all in one transaction; then only the totals, states
//! and copies the change touches are computed again.

use std::borrow::Cow;
use std::collections::BTreeSet;

use rusqlite::params;
use rustc_hash::FxHashMap as HashMap;

use super::write::{ClaimKey, SentenceRows, Touched, pair_name};
use super::{Meta, SCHEMA_VERSION, Store, sql_input, sql_output};
use crate::error::{Error, Result};
use crate::export::doc::{Filed, record};
use crate::export::part::Lookup;
use crate::gazetteer::Gazetteer;
use crate::graph::{Analysis, CopyIndex, word_set, words_hash};
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
    touched: Touched,
    claims: Vec<(i64, Analysis, SentenceRows)>,
    /// Documents skipped, replaced and added.
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
    /// Documents skipped (same text), replaced and added.
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
        let inp = sql_input(&self.path);
        let mut st = self.conn.prepare("SELECT id, doc, sha256 FROM documents").map_err(&inp)?;
        let existing = st.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))).map_err(&inp)?.collect::<rusqlite::Result<_>>().map_err(&inp)?;
        Ok(UpdatePlan { existing, ..Default::default() })
    }

    /// Folds one analysed document (new or changed, with its detail) into the update.
    pub fn update_document(&self, plan: &mut UpdatePlan, a: Analysis, gaz: &Gazetteer) -> Result<()> {
        match plan.change_of(&a.info.id, &a.info.sha256) {
            Change::Same => {
                plan.skipped += 1;
                return Ok(());
            }
            Change::Changed(row) => {
                self.touched_by(row, &mut plan.touched)?;
                self.delete_document(row)?;
                plan.existing.remove(&a.info.id);
                plan.replaced += 1;
            }
            Change::New => plan.added += 1,
        }
        let (row, sentences) = self.insert_document(&a, gaz)?;
        self.touched_by(row, &mut plan.touched)?;
        plan.claims.push((row, a, sentences));
        Ok(())
    }

    /// Finishes the update: the touched totals, the claims of the new documents (ids after
    /// the highest stored), states that changed with presence, copies and relation edges of
    /// the touched keys. The transaction stays open, so the graph files can be rendered from
    /// it before another writer changes the store; [`Store::commit`] ends it.
    pub fn finish_update(&self, plan: UpdatePlan, gaz: &Gazetteer, lex: &Lexicon, meta: &Meta) -> Result<UpdateSummary> {
        let out = sql_output(&self.path);
        let inp = sql_input(&self.path);
        let UpdatePlan { touched, claims, skipped, replaced, added, .. } = plan;
        let mut touched = touched;
        let present_in = |set: &BTreeSet<u32>| -> Result<BTreeSet<u32>> {
            let mut st = self.conn.prepare_cached("SELECT 1 FROM entities WHERE entity = ?1").map_err(&inp)?;
            let mut v = BTreeSet::new();
            for &e in set {
                if st.exists([e]).map_err(&inp)? {
                    v.insert(e);
                }
            }
            Ok(v)
        };
        let before = present_in(&touched.entities)?;
        self.refresh_entities(Some(&touched.entities), gaz)?;
        self.refresh_co_mentions(Some(&touched.pairs))?;
        let after = present_in(&touched.entities)?;
        let mut summary = UpdateSummary { skipped, replaced, added, ..Default::default() };
        let present = |e: u32| -> Result<bool> {
            let mut st = self.conn.prepare_cached("SELECT 1 FROM entities WHERE entity = ?1").map_err(&inp)?;
            st.exists([e]).map_err(&inp)
        };
        let rollup = |e: u32| -> Result<u32> {
            let s = gaz.state_of(e);
            Ok(if present(s)? { s } else { e })
        };
        let id_of = |e: u32| gaz.entities[e as usize].id.as_str();
        // A state first mentioned, or no longer mentioned, moves its people's claims.
        let moved: BTreeSet<u32> = before.symmetric_difference(&after).copied().collect();
        if !moved.is_empty() {
            let members: BTreeSet<u32> = (0..gaz.entities.len() as u32).filter(|&e| moved.contains(&gaz.state_of(e)) && !moved.contains(&e)).collect();
            if !members.is_empty() {
                let list = members.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(",");
                let mut st = self
                    .conn
                    .prepare(&format!("SELECT claim, subject, object, subject_state, object_state, pair, relation, negated FROM claims WHERE subject IN ({list}) OR object IN ({list})"))
                    .map_err(&inp)?;
                type Row = (i64, u32, u32, u32, u32, String, String, bool);
                let rows: Vec<Row> = st
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)))
                    .map_err(&inp)?
                    .collect::<rusqlite::Result<_>>()
                    .map_err(&inp)?;
                let mut upd = self.conn.prepare_cached("UPDATE claims SET subject_state = ?2, object_state = ?3, pair = ?4 WHERE claim = ?1").map_err(&out)?;
                for (claim, s, o, ss, os, pair, relation, negated) in rows {
                    let (ns, no) = (rollup(s)?, rollup(o)?);
                    if (ns, no) != (ss, os) {
                        let new_pair = pair_name(id_of(ns), id_of(no));
                        upd.execute(params![claim, ns, no, new_pair]).map_err(&out)?;
                        touched.keys.insert((pair, relation.clone(), negated));
                        touched.keys.insert((new_pair, relation, negated));
                        summary.restated += 1;
                    }
                }
            }
        }
        // The new documents' claims, numbered after the highest stored.
        let mut next: i64 = self.conn.query_row("SELECT coalesce(max(claim), 0) + 1 FROM claims", [], |r| r.get(0)).map_err(&inp)?;
        let names = Lookup { gaz, lex };
        for (row, a, sentences) in &claims {
            for (position, (c, sentence, cue)) in a.claims.iter().enumerate() {
                let states = (rollup(c.subject)?, rollup(c.object)?);
                let id = super::claim_id(next);
                let filed = Filed { id: Cow::Borrowed(&id), document: &a.info.id, states, copy_of: None };
                let rec = record(&names, c, filed, Cow::Borrowed(sentence), Cow::Borrowed(cue));
                self.insert_claim(next, *row, position, &rec, sentences.get(&c.sentence.start).copied(), gaz)?;
                touched.keys.insert((pair_name(id_of(states.0), id_of(states.1)), rec.relation.to_string(), c.negated));
                next += 1;
                summary.claims += 1;
            }
        }
        summary.recopied = self.refresh_copies(&touched.keys)?;
        self.refresh_relation_edges(Some(&touched.keys), gaz, lex)?;
        self.set_meta(&Meta { schema: SCHEMA_VERSION, generator: format!("newsgraph {}", env!("CARGO_PKG_VERSION")), ..meta.clone() })?;
        Ok(summary)
    }

    /// Commits an update: until now, a failure or a kill leaves the store as it was.
    pub fn commit(&self) -> Result<()> {
        self.conn.execute_batch("COMMIT").map_err(sql_output(&self.path))
    }

    /// Looks for copies again among the claims of these keys, in publication order, as the
    /// build does (`graph::copies`); returns how many claims changed.
    fn refresh_copies(&self, keys: &BTreeSet<ClaimKey>) -> Result<usize> {
        let inp = sql_input(&self.path);
        let out = sql_output(&self.path);
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT c.claim, c.doc, s.text, c.copy_of, d.id, c.position FROM claims c JOIN documents d ON d.doc = c.doc JOIN sentences s ON s.sentence = c.sentence
                 WHERE c.pair = ?1 AND c.relation = ?2 AND c.negated = ?3
                 ORDER BY d.published IS NULL, d.published, d.id, c.position",
            )
            .map_err(&inp)?;
        let mut upd = self.conn.prepare_cached("UPDATE claims SET copy_of = ?2 WHERE claim = ?1").map_err(&out)?;
        let mut changed = 0;
        for (pair, relation, negated) in keys {
            type Row = (i64, i64, String, Option<i64>, String, i64);
            let rows: Vec<Row> = st
                .query_map(params![pair, relation, negated], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
                .map_err(&inp)?
                .collect::<rusqlite::Result<_>>()
                .map_err(&inp)?;
            // The build breaks ties by document then text order; so does this search.
            let mut by_text: Vec<usize> = (0..rows.len()).collect();
            by_text.sort_by(|&a, &b| (&rows[a].4, rows[a].5).cmp(&(&rows[b].4, rows[b].5)));
            let mut rank = vec![0usize; rows.len()];
            for (r, &i) in by_text.iter().enumerate() {
                rank[i] = r;
            }
            let mut index: CopyIndex<()> = CopyIndex::default();
            for (i, (claim, doc, sentence, was, ..)) in rows.iter().enumerate() {
                let words = word_set(sentence);
                let now = index.add((), rank[i], *doc as u32, words_hash(&words), words).map(|r| rows[by_text[r]].0);
                let (claim, was) = (*claim, *was);
                if now != was {
                    upd.execute(params![claim, now]).map_err(&out)?;
                    changed += 1;
                }
            }
        }
        Ok(changed)
    }
}
