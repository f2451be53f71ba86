//! Writing the store: a document's rows, its claims, and the totals kept up to date.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rusqlite::params;
use rustc_hash::FxHashMap as HashMap;

use super::{Meta, SCHEMA_VERSION, Store, sql_input, sql_output};
use crate::error::{Error, Result};
use crate::export::GraphDoc;
use crate::export::doc::ClaimRec;
use crate::gazetteer::{Gazetteer, How};
use crate::graph::{Analysis, Window, WindowCounts, count_windows};
use crate::relations::{AgentKind, Lexicon, Modality};
use crate::tagger::Mention;

/// How a mention matched, by its code in `mentions.how` (the `hows` table).
pub(crate) const HOWS: [How; 5] = [How::Name, How::Alias, How::Demonym, How::Metonym, How::Role];

/// Modalities by their code in `claims.modality`.
pub(crate) const MODALITIES: [Modality; 4] = [Modality::Asserted, Modality::Future, Modality::Hypothetical, Modality::Question];

/// The key the totals of relation edges and copy detection share: the pair of state-level
/// actors (entity rows, lower first), the relation's row, denial.
pub(crate) type ClaimKey = (u32, u32, i64, bool);

/// Where a document's sentences went: sentence start → row.
pub(crate) type SentenceRows = HashMap<usize, i64>;

/// A pair of entities in id order.
pub(crate) fn ordered(gaz: &Gazetteer, x: u32, y: u32) -> (u32, u32) {
    let id = |e: u32| gaz.entities[e as usize].id.as_str();
    if id(x) <= id(y) { (x, y) } else { (y, x) }
}

/// The codes a claim's words are stored as, from the lexicon and the fixed lists.
pub(crate) struct Codes {
    relations: HashMap<String, i64>,
    cues: HashMap<(String, String), i64>,
    pairings: HashMap<&'static str, i64>,
}

impl Codes {
    pub(crate) fn new(lex: &Lexicon) -> Codes {
        Codes {
            relations: lex.relations.iter().enumerate().map(|(i, r)| (r.id.clone(), i as i64)).collect(),
            cues: lex.cues.iter().enumerate().map(|(i, c)| ((c.text.clone(), c.origin.to_string()), i as i64)).collect(),
            pairings: crate::relations::pairing_rules().enumerate().map(|(i, (name, _))| (name, i as i64)).collect(),
        }
    }
}

fn code_of<T: PartialEq>(list: &[T], x: &T) -> Option<i64> {
    list.iter().position(|y| y == x).map(|i| i as i64)
}

impl Store {
    /// Writes the lookup tables: how mentions match, modalities, agent kinds, pairing rules,
    /// and the lexicon's relation types and cues.
    pub(crate) fn write_lookups(&self, lex: &Lexicon) -> Result<()> {
        let out = sql_output(&self.path);
        for t in ["hows", "modalities", "agents", "pairings", "cues", "relations"] {
            self.conn.execute(&format!("DELETE FROM {t}"), []).map_err(&out)?;
        }
        let names = |table: &str, names: &mut dyn Iterator<Item = &str>| -> Result<()> {
            let mut st = self.conn.prepare(&format!("INSERT INTO {table} VALUES (?1, ?2)")).map_err(&out)?;
            for (i, n) in names.enumerate() {
                st.execute(params![i as i64, n]).map_err(&out)?;
            }
            Ok(())
        };
        names("hows", &mut HOWS.iter().map(|h| h.as_str()))?;
        names("modalities", &mut MODALITIES.iter().map(|m| m.as_str()))?;
        names("agents", &mut AgentKind::ALL.iter().map(|a| a.as_str()))?;
        names("pairings", &mut crate::relations::pairing_rules().map(|(n, _)| n))?;
        let mut st = self
            .conn
            .prepare("INSERT INTO relations (relation, id, polarity, directed, cameo, plover, goldstein, quad_class, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
            .map_err(&out)?;
        for (i, r) in lex.relations.iter().enumerate() {
            st.execute(params![i as i64, r.id, r.polarity.as_str(), !r.symmetric, r.cameo, r.plover, r.goldstein, r.quad, r.state]).map_err(&out)?;
        }
        let mut st = self.conn.prepare("INSERT INTO cues (cue, relation, phrase, rule) VALUES (?1, ?2, ?3, ?4)").map_err(&out)?;
        for (i, c) in lex.cues.iter().enumerate() {
            st.execute(params![i as i64, c.relation as i64, c.text, c.origin.to_string()]).map_err(&out)?;
        }
        Ok(())
    }

    /// Inserts one analysed document's own rows (document, sentences, mentions); returns its
    /// row and where its sentences went. With `index`, its sentences go into the full-text
    /// index too (a new store indexes them all at the end). Claims are inserted apart
    /// ([`Store::insert_claims`]): their ids, states and copies depend on other documents.
    pub(crate) fn insert_document(&self, a: &Analysis, index: bool) -> Result<(i64, SentenceRows)> {
        let out = sql_output(&self.path);
        let d = &a.info;
        let Some(detail) = a.detail.as_deref() else {
            return Err(Error::output(&self.path, format!("document {} came without its text", d.id)));
        };
        // A bare max() of the key is one lookup; wrapped in coalesce() it would scan the table.
        let first_sentence: i64 =
            self.conn.query_row("SELECT max(sentence) FROM sentences", [], |r| r.get::<_, Option<i64>>(0)).map_err(&out)?.unwrap_or(0) + 1;
        self.conn
            .prepare_cached(
                "INSERT INTO documents (id, path, title, outlet, url, published, sentences, paragraphs, repeated_paragraphs, boilerplate_from, mentions,
                    crowded_windows, windows, first_sentence, first_claim, claims, sha256, provider, place)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 0, 0, ?15, ?16, ?17)",
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
                    first_sentence,
                    d.sha256,
                    d.provider,
                    d.place,
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
        let mut sentence =
            self.conn.prepare_cached("INSERT INTO sentences (sentence, doc, start, paragraph, quoted, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)").map_err(&out)?;
        let mut fts = self.conn.prepare_cached("INSERT INTO sentences_fts (rowid, text) VALUES (?1, ?2)").map_err(&out)?;
        for (k, (s, text)) in detail.sentences.iter().enumerate() {
            let row = first_sentence + k as i64;
            sentence.execute(params![row, doc, s.span.start as i64, s.paragraph as i64, s.quoted, text]).map_err(&out)?;
            if index {
                fts.execute(params![row, text]).map_err(&out)?;
            }
            rows.insert(s.span.start, row);
        }
        let mut mention = self.conn.prepare_cached("INSERT INTO mentions (doc, start, entity, how, length) VALUES (?1, ?2, ?3, ?4, ?5)").map_err(&out)?;
        for m in &detail.mentions {
            mention.execute(params![doc, m.start as i64, m.entity, code_of(&HOWS, &m.how), (m.end - m.start) as i64]).map_err(&out)?;
        }
        let mut name = self
            .conn
            .prepare_cached(
                "INSERT INTO unknown_names (doc, sentence, name, type, type_weight, type_from, role, state, state_how, near_cue, lowercase_too)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .map_err(&out)?;
        for o in &a.names.occurrences {
            let Some(&sentence) = rows.get(&o.sentence.start) else {
                continue;
            };
            let (state, how) = match &o.state {
                Some(crate::discover::Place::Next(s)) => (Some(s.as_str()), Some("next")),
                Some(crate::discover::Place::In(s)) => (Some(s.as_str()), Some("in")),
                None => (None, None),
            };
            let kind = o.kind.as_ref();
            name.execute(params![
                doc,
                sentence,
                o.name,
                kind.map(|k| k.kind.as_str()),
                kind.map(|k| k.weight),
                kind.map(|k| k.why.as_str()),
                o.role,
                state,
                how,
                o.near_cue,
                o.lowercase_too
            ])
            .map_err(&out)?;
        }
        Ok((doc, rows))
    }

    /// Inserts the claims of document row `doc`, numbered from `first`, in text order; `rows`
    /// are its sentences' rows.
    pub(crate) fn insert_claims<'a, S: AsRef<str> + 'a>(
        &self,
        doc: i64,
        first: i64,
        claims: impl IntoIterator<Item = &'a ClaimRec<S>>,
        rows: &SentenceRows,
        gaz: &Gazetteer,
        codes: &Codes,
    ) -> Result<i64> {
        let out = sql_output(&self.path);
        let bad = |m: String| Error::output(&self.path, m);
        let entity = |id: &S| -> Result<u32> {
            gaz.index_of(id.as_ref()).map(|i| i as u32).ok_or_else(|| bad(format!("entity {:?} is not in the gazetteer", id.as_ref())))
        };
        let mut st = self
            .conn
            .prepare_cached(
                "INSERT INTO claims (claim, doc, subject, object, subject_state, object_state, relation, negated, modality, speaker, sentence,
                    subject_start, subject_end, object_start, object_end, cue_start, cue_end, cue, pairing, confidence, subject_agent, object_agent, copy_of)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
            )
            .map_err(&out)?;
        let mut n = first;
        for c in claims {
            let (subject, object) = (entity(&c.subject)?, entity(&c.object)?);
            let (ss, os) = (entity(&c.subject_state)?, entity(&c.object_state)?);
            let relation = *codes.relations.get(c.relation.as_ref()).ok_or_else(|| bad(format!("relation {:?} is not in the lexicon", c.relation.as_ref())))?;
            let cue = *codes
                .cues
                .get(&(c.cue_phrase.as_ref().to_string(), c.rule.as_ref().to_string()))
                .ok_or_else(|| bad(format!("cue {:?} ({}) is not in the lexicon", c.cue_phrase.as_ref(), c.rule.as_ref())))?;
            let pairing = *codes.pairings.get(c.pairing.as_ref()).ok_or_else(|| bad(format!("pairing rule {:?}", c.pairing.as_ref())))?;
            let modality =
                MODALITIES.iter().position(|m| m.as_str() == c.modality.as_ref()).ok_or_else(|| bad(format!("modality {:?}", c.modality.as_ref())))?;
            let agent = |a: &Option<S>| a.as_ref().and_then(|a| AgentKind::ALL.iter().position(|k| k.as_str() == a.as_ref())).map(|i| i as i64);
            let sentence = *rows
                .get(&c.spans.sentence[0])
                .ok_or_else(|| bad(format!("claim {}: its sentence at {} is not among the document's", n, c.spans.sentence[0])))?;
            st.execute(params![
                n,
                doc,
                subject,
                object,
                ss,
                os,
                relation,
                c.negated,
                modality as i64,
                c.speaker.as_ref().map(entity).transpose()?,
                sentence,
                c.spans.subject[0] as i64,
                c.spans.subject[1] as i64,
                c.spans.object[0] as i64,
                c.spans.object[1] as i64,
                c.spans.cue[0] as i64,
                c.spans.cue[1] as i64,
                cue,
                pairing,
                c.confidence.map(|x| (x * 100.0).round() as i64),
                agent(&c.subject_agent),
                agent(&c.object_agent),
                c.copy_of.as_ref().and_then(|id| super::claim_number(id.as_ref())),
            ])
            .map_err(|e| bad(format!("claim {}: {e}", super::claim_id(n))))?;
            n += 1;
        }
        self.conn.execute("UPDATE documents SET first_claim = ?2, claims = ?3 WHERE doc = ?1", params![doc, first, n - first]).map_err(&out)?;
        Ok(n)
    }

    /// Adds `sign` times a document's counts to the totals of entities and co-mention edges:
    /// new rows for what was not there, rows that reach zero removed.
    pub(crate) fn add_totals(&self, counts: &DocCounts, sign: i64, gaz: &Gazetteer) -> Result<()> {
        let out = sql_output(&self.path);
        for (&e, hows) in &counts.mentions {
            let by = |h: How| sign * i64::from(hows.get(&h).copied().unwrap_or(0));
            let total: i64 = sign * hows.values().map(|&c| i64::from(c)).sum::<i64>();
            let windows = sign * i64::from(counts.windows.entity_windows.get(&e).copied().unwrap_or(0));
            self.add_entity(e, gaz, [total, windows, sign, by(How::Name), by(How::Alias), by(How::Demonym), by(How::Metonym), by(How::Role)])?;
        }
        let mut pair = self
            .conn
            .prepare_cached(
                "INSERT INTO co_mention_edges (source, target, weight, documents) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (source, target) DO UPDATE SET weight = weight + excluded.weight, documents = documents + excluded.documents",
            )
            .map_err(&out)?;
        for (&(x, y), &w) in &counts.windows.pairs {
            let (s, t) = ordered(gaz, x, y);
            pair.execute(params![s, t, sign * i64::from(w), sign]).map_err(&out)?;
        }
        if sign < 0 {
            self.conn.execute_batch("DELETE FROM entities WHERE mentions <= 0; DELETE FROM co_mention_edges WHERE documents <= 0;").map_err(&out)?;
        }
        Ok(())
    }

    /// Every document's date, id and outlet (for ordering claims and counting outlets).
    pub(crate) fn document_facts(&self) -> Result<HashMap<i64, DocFacts>> {
        let inp = sql_input(&self.path);
        let mut st = self.conn.prepare("SELECT doc, published, id, coalesce(outlet, 'document ' || id) FROM documents").map_err(&inp)?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, DocFacts { published: r.get(1)?, id: r.get(2)?, outlet: r.get(3)? }))).map_err(&inp)?;
        rows.collect::<rusqlite::Result<_>>().map_err(&inp)
    }

    /// The claims of one key, from the covering index, in publication order (undated last,
    /// then by document id, then in text order), as copy detection reads them.
    pub(crate) fn key_claims(&self, key: &ClaimKey, docs: &HashMap<i64, DocFacts>) -> Result<Vec<KeyClaim>> {
        let inp = sql_input(&self.path);
        let &(a, b, relation, negated) = key;
        let mut st = self
            .conn
            .prepare_cached("SELECT claim, subject_state, doc, copy_of FROM claims WHERE pair_a = ?1 AND pair_b = ?2 AND relation = ?3 AND negated = ?4")
            .map_err(&inp)?;
        let rows = st
            .query_map(params![a, b, relation, negated], |r| Ok(KeyClaim { claim: r.get(0)?, subject_state: r.get(1)?, doc: r.get(2)?, copy_of: r.get(3)? }))
            .map_err(&inp)?;
        let mut v: Vec<KeyClaim> = rows.collect::<rusqlite::Result<_>>().map_err(&inp)?;
        if let Some(c) = v.iter().find(|c| !docs.contains_key(&c.doc)) {
            return Err(Error::input(self.path.display(), format!("claim {} names document row {}, which is not stored", c.claim, c.doc)));
        }
        v.sort_by(|x, y| {
            let (p, q) = (&docs[&x.doc], &docs[&y.doc]);
            (p.published.is_none(), &p.published, &p.id, x.claim).cmp(&(q.published.is_none(), &q.published, &q.id, y.claim))
        });
        Ok(v)
    }

    /// Adds to entity `e`'s totals (mentions, windows, documents, then mentions by how they
    /// matched: name, alias, demonym, metonym, role), making its row from the gazetteer when
    /// it has none.
    pub(crate) fn add_entity(&self, e: u32, gaz: &Gazetteer, totals: [i64; 8]) -> Result<()> {
        let Some(x) = gaz.entities.get(e as usize) else {
            return Err(Error::input(self.path.display(), format!("entity {e} is not in this gazetteer")));
        };
        let aliases: Vec<&str> = x.aliases.iter().filter(|a| a.text != x.name).map(|a| a.text.as_str()).collect();
        let [mentions, windows, documents, name, alias, demonym, metonym, role] = totals;
        self.conn
            .prepare_cached(
                "INSERT INTO entities (entity, id, label, type, iso3, aliases, affiliation, mentions, windows, documents, by_name, by_alias, by_demonym, by_metonym, by_role)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                 ON CONFLICT (entity) DO UPDATE SET mentions = mentions + excluded.mentions, windows = windows + excluded.windows,
                    documents = documents + excluded.documents, by_name = by_name + excluded.by_name, by_alias = by_alias + excluded.by_alias,
                    by_demonym = by_demonym + excluded.by_demonym, by_metonym = by_metonym + excluded.by_metonym, by_role = by_role + excluded.by_role",
            )
            .and_then(|mut st| {
                st.execute(params![
                    e,
                    x.id,
                    x.name,
                    x.kind,
                    x.iso3,
                    serde_json::to_string(&aliases).expect("aliases serialise"),
                    x.affiliation,
                    mentions,
                    windows,
                    documents,
                    name,
                    alias,
                    demonym,
                    metonym,
                    role
                ])
            })
            .map_err(sql_output(&self.path))?;
        Ok(())
    }

    /// Recomputes relation edges of these claim keys from the claims: per (source state,
    /// target state, relation, denial), the claims that are not copies, the copies, distinct
    /// outlets of the originals and the first and last dates, as the graph folds them
    /// (`graph::relation_edges`).
    pub(crate) fn refresh_relation_edges(&self, keys: &BTreeSet<ClaimKey>, docs: &HashMap<i64, DocFacts>, gaz: &Gazetteer, lex: &Lexicon) -> Result<()> {
        let out = sql_output(&self.path);
        let mut del = self
            .conn
            .prepare_cached("DELETE FROM relation_edges WHERE source IN (?1, ?2) AND target IN (?1, ?2) AND relation = ?3 AND negated = ?4")
            .map_err(&out)?;
        let mut ins = self
            .conn
            .prepare_cached(
                "INSERT INTO relation_edges (source, target, relation, negated, claims, copies, outlets, goldstein_mean, first, last) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .map_err(&out)?;
        let id_of = |e: u32| gaz.entities.get(e as usize).map_or("", |x| x.id.as_str());
        for key @ &(a, b, relation, negated) in keys {
            let Some(rel) = lex.relations.get(relation as usize) else {
                return Err(Error::input(self.path.display(), format!("relation {relation} is not in this lexicon")));
            };
            #[derive(Default)]
            struct Sum<'d> {
                claims: i64,
                copies: i64,
                outlets: BTreeSet<&'d str>,
                first: Option<&'d str>,
                last: Option<&'d str>,
            }
            let mut edges: BTreeMap<(u32, u32), Sum> = BTreeMap::new();
            let claims = self.key_claims(key, docs)?;
            for c in &claims {
                let (mut s, mut t) = (c.subject_state, if c.subject_state == a { b } else { a });
                if s == t {
                    continue;
                }
                if rel.symmetric && id_of(t) < id_of(s) {
                    std::mem::swap(&mut s, &mut t);
                }
                let d = &docs[&c.doc];
                let sum = edges.entry((s, t)).or_default();
                if c.copy_of.is_none() {
                    sum.claims += 1;
                    sum.outlets.insert(&d.outlet);
                } else {
                    sum.copies += 1;
                }
                if let Some(p) = d.published.as_deref() {
                    sum.first = Some(sum.first.map_or(p, |f| f.min(p)));
                    sum.last = Some(sum.last.map_or(p, |l| l.max(p)));
                }
            }
            del.execute(params![a, b, relation, negated]).map_err(&out)?;
            for ((s, t), sum) in edges {
                ins.execute(params![s, t, relation, negated, sum.claims, sum.copies, sum.outlets.len() as i64, rel.goldstein, sum.first, sum.last])
                    .map_err(&out)?;
            }
        }
        Ok(())
    }

    /// A stored document's mentions, in text order.
    pub(crate) fn mentions_of(&self, doc: i64) -> Result<Vec<Mention>> {
        let inp = sql_input(&self.path);
        let mut st = self.conn.prepare_cached("SELECT start, \"end\", entity, how FROM mentions WHERE doc = ?1 ORDER BY start, entity").map_err(&inp)?;
        let rows = st.query_map([doc], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, u32>(2)?, r.get::<_, i64>(3)?))).map_err(&inp)?;
        let mut v = Vec::new();
        for row in rows {
            let (start, end, entity, how) = row.map_err(&inp)?;
            let how = *HOWS.get(how as usize).ok_or_else(|| Error::input(self.path.display(), format!("mention kind {how}")))?;
            v.push(Mention { entity, start: start as usize, end: end as usize, how });
        }
        Ok(v)
    }

    /// A stored document's sentences (span, paragraph, quoted), in order.
    pub(crate) fn sentence_spans(&self, doc: i64) -> Result<Vec<crate::text::Sentence>> {
        let inp = sql_input(&self.path);
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT s.start, s.\"end\", s.paragraph, s.quoted FROM documents d JOIN sentences s ON s.sentence BETWEEN d.first_sentence AND d.first_sentence + d.sentences - 1
                 WHERE d.doc = ?1 ORDER BY s.sentence",
            )
            .map_err(&inp)?;
        let rows = st
            .query_map([doc], |r| {
                Ok(crate::text::Sentence {
                    span: r.get::<_, i64>(0)? as usize..r.get::<_, i64>(1)? as usize,
                    paragraph: r.get::<_, i64>(2)? as usize,
                    quoted: r.get(3)?,
                })
            })
            .map_err(&inp)?;
        rows.collect::<rusqlite::Result<_>>().map_err(&inp)
    }

    /// What a stored document adds to the totals, counted again from its mentions and
    /// sentences as the analysis counted them.
    pub(crate) fn counts_of(&self, doc: i64, window: Window) -> Result<DocCounts> {
        let mentions = self.mentions_of(doc)?;
        let sentences = self.sentence_spans(doc)?;
        Ok(DocCounts::new(&mentions, &sentences, window))
    }

    /// The claim keys of document row `doc`.
    pub(crate) fn keys_of(&self, doc: i64, into: &mut BTreeSet<ClaimKey>) -> Result<()> {
        let inp = sql_input(&self.path);
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT c.pair_a, c.pair_b, c.relation, c.negated FROM documents d JOIN claims c ON c.claim BETWEEN d.first_claim AND d.first_claim + d.claims - 1 WHERE d.doc = ?1",
            )
            .map_err(&inp)?;
        for k in st.query_map([doc], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).map_err(&inp)? {
            into.insert(k.map_err(&inp)?);
        }
        Ok(())
    }

    /// Deletes document row `doc` and everything it holds.
    pub(crate) fn delete_document(&self, doc: i64) -> Result<()> {
        let out = sql_output(&self.path);
        let (first_sentence, sentences, first_claim, claims): (i64, i64, i64, i64) = self
            .conn
            .query_row("SELECT first_sentence, sentences, first_claim, claims FROM documents WHERE doc = ?1", [doc], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .map_err(&out)?;
        let (last_sentence, last_claim) = (first_sentence + sentences - 1, first_claim + claims - 1);
        // Claims of other documents that copied this one's are originals until copies are
        // looked for again (for the keys this document touched).
        self.conn.execute("UPDATE claims SET copy_of = NULL WHERE copy_of BETWEEN ?1 AND ?2", [first_claim, last_claim]).map_err(&out)?;
        self.conn.execute("DELETE FROM claims WHERE claim BETWEEN ?1 AND ?2", [first_claim, last_claim]).map_err(&out)?;
        self.conn
            .execute(
                "INSERT INTO sentences_fts (sentences_fts, rowid, text) SELECT 'delete', sentence, text FROM sentences WHERE sentence BETWEEN ?1 AND ?2",
                [first_sentence, last_sentence],
            )
            .map_err(&out)?;
        self.conn.execute("DELETE FROM sentences WHERE sentence BETWEEN ?1 AND ?2", [first_sentence, last_sentence]).map_err(&out)?;
        self.conn.execute("DELETE FROM mentions WHERE doc = ?1", [doc]).map_err(&out)?;
        self.conn.execute("DELETE FROM unknown_names WHERE doc = ?1", [doc]).map_err(&out)?;
        self.conn.execute("DELETE FROM documents WHERE doc = ?1", [doc]).map_err(&out)?;
        Ok(())
    }
}

/// What ordering and folding claims need of their document.
#[derive(Debug, Clone)]
pub(crate) struct DocFacts {
    pub(crate) published: Option<String>,
    pub(crate) id: String,
    pub(crate) outlet: String,
}

/// A claim as its key's index holds it.
#[derive(Debug, Clone)]
pub(crate) struct KeyClaim {
    pub(crate) claim: i64,
    pub(crate) subject_state: u32,
    pub(crate) doc: i64,
    pub(crate) copy_of: Option<i64>,
}

/// What one document adds to the totals: mentions per entity by how they matched, and its
/// windows' counts.
#[derive(Debug, Clone, Default)]
pub(crate) struct DocCounts {
    pub(crate) mentions: BTreeMap<u32, BTreeMap<How, u32>>,
    pub(crate) windows: WindowCounts,
}

impl DocCounts {
    /// Counted from a document's mentions and sentences, with `window` (paragraphs are the
    /// sentences' own).
    pub(crate) fn new(mentions: &[Mention], sentences: &[crate::text::Sentence], window: Window) -> DocCounts {
        let mut counts: BTreeMap<u32, BTreeMap<How, u32>> = BTreeMap::new();
        for m in mentions {
            *counts.entry(m.entity).or_default().entry(m.how).or_default() += 1;
        }
        let ranges: Vec<std::ops::Range<usize>> = match window {
            Window::Sentence => sentences.iter().map(|s| s.span.clone()).collect(),
            Window::Paragraph => paragraphs_of(sentences),
            Window::Document => vec![0..usize::MAX],
        };
        DocCounts { mentions: counts, windows: count_windows(ranges, mentions) }
    }

    /// An analysed document's counts.
    pub(crate) fn of(a: &Analysis) -> DocCounts {
        DocCounts {
            mentions: a.counts.clone(),
            windows: WindowCounts { windows: a.windows, entity_windows: a.entity_windows.clone(), pairs: a.pairs.clone(), crowded: a.info.crowded_windows },
        }
    }
}

/// Paragraph spans from the sentences that cover them.
pub(crate) fn paragraphs_of(sentences: &[crate::text::Sentence]) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
    for s in sentences {
        match out.last_mut() {
            Some((p, r)) if *p == s.paragraph => r.end = s.span.end,
            _ => out.push((s.paragraph, s.span.clone())),
        }
    }
    out.into_iter().map(|(_, r)| r).collect()
}

/// Writes a new store beside its final place while `build` runs, and moves it there when the
/// build's other outputs are written: a store is replaced whole or not at all.
pub struct Writer {
    store: Store,
    tmp: tempfile::TempPath,
    target: PathBuf,
    docs: HashMap<String, (i64, SentenceRows)>,
    windows: HashMap<u32, u64>,
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
        store.conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536; BEGIN;").map_err(sql_output(&tmp))?;
        store.write_lookups(lex)?;
        let meta = Meta {
            schema: SCHEMA_VERSION,
            generator: format!("newsgraph {}", env!("CARGO_PKG_VERSION")),
            gazetteer_digest: gaz.digest.clone(),
            lexicon_digest: lex.digest.clone(),
            gazetteer_entities: gaz.entities.len(),
            gazetteer_aliases: gaz.alias_count(),
            window: window.as_str().into(),
            min_confidence,
        };
        Ok(Writer { store, tmp, target: target.to_path_buf(), docs: HashMap::default(), windows: HashMap::default(), meta })
    }

    /// Adds one analysed document (with its [`Detail`](crate::graph::Detail)).
    pub fn add(&mut self, a: &Analysis) -> Result<()> {
        let (row, sentences) = self.store.insert_document(a, false)?;
        for (&e, &w) in &a.entity_windows {
            *self.windows.entry(e).or_default() += u64::from(w);
        }
        // Only the sentences that carry claims are looked up again.
        let wanted: BTreeSet<usize> = a.claims.iter().map(|(c, ..)| c.sentence.start).collect();
        let sentences = sentences.into_iter().filter(|(s, _)| wanted.contains(s)).collect();
        self.docs.insert(a.info.id.clone(), (row, sentences));
        Ok(())
    }

    /// Writes the finished graph document's claims (ids, states and copies as `graph.json`
    /// has them), entities and edges, indexes the sentences for full-text search, and commits:
    /// the store is ready to move into place ([`crate::export::Staged::commit`]).
    pub fn finish(self, doc: &GraphDoc, gaz: &Gazetteer, lex: &Lexicon) -> Result<crate::export::Staged> {
        let Writer { store, tmp, target, docs, windows, meta } = self;
        let out = sql_output(&target);
        let codes = Codes::new(lex);
        let index = |id: &str| gaz.index_of(id).map(|i| i as u32).ok_or_else(|| Error::output(&target, format!("entity {id:?} is not in the gazetteer")));
        // Claims, a document at a time (the graph's are in document then text order).
        let mut batch: Vec<ClaimRec> = Vec::new();
        let flush = |batch: &mut Vec<ClaimRec>| -> Result<()> {
            let Some(first) = batch.first() else { return Ok(()) };
            let Some((row, sentences)) = docs.get(&first.document) else {
                return Err(Error::output(&target, format!("claim {} names document {:?}, which was not stored", first.id, first.document)));
            };
            let n = super::claim_number(&first.id).ok_or_else(|| Error::output(&target, format!("claim id {:?}", first.id)))?;
            store.insert_claims(*row, n, batch.iter(), sentences, gaz, &codes)?;
            batch.clear();
            Ok(())
        };
        for c in doc.claims.select(|_| true) {
            let c = c?;
            if batch.first().is_some_and(|f| f.document != c.document) {
                flush(&mut batch)?;
            }
            batch.push(c);
        }
        flush(&mut batch)?;
        doc.claims.check()?;
        // Entities and edges, as the graph counted them.
        for n in &doc.nodes {
            let e = index(&n.id)?;
            let by = |h: How| n.matched_as.get(h.as_str()).copied().unwrap_or(0) as i64;
            let totals = [n.mentions as i64, windows.get(&e).copied().unwrap_or(0) as i64, n.documents.len() as i64];
            store.add_entity(e, gaz, [totals[0], totals[1], totals[2], by(How::Name), by(How::Alias), by(How::Demonym), by(How::Metonym), by(How::Role)])?;
        }
        let mut co = store.conn.prepare("INSERT INTO co_mention_edges (source, target, weight, documents) VALUES (?1, ?2, ?3, ?4)").map_err(&out)?;
        let mut rel = store
            .conn
            .prepare(
                "INSERT INTO relation_edges (source, target, relation, negated, claims, copies, outlets, goldstein_mean, first, last) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .map_err(&out)?;
        for e in &doc.edges {
            match e.kind.as_str() {
                "co_mention" => {
                    co.execute(params![index(&e.source)?, index(&e.target)?, e.weight as i64, e.documents.as_ref().map_or(0, |d| d.len()) as i64])
                        .map_err(&out)?;
                }
                "relation" => {
                    let relation = e
                        .relation
                        .as_deref()
                        .and_then(|r| codes.relations.get(r))
                        .ok_or_else(|| Error::output(&target, format!("relation {:?}", e.relation)))?;
                    let g = e.relation.as_deref().and_then(|r| lex.relations.iter().find(|x| x.id == r)).map_or(0.0, |r| r.goldstein);
                    rel.execute(params![
                        index(&e.source)?,
                        index(&e.target)?,
                        relation,
                        e.negated.unwrap_or(false),
                        e.claims.unwrap_or(0) as i64,
                        e.copies.unwrap_or(0) as i64,
                        e.outlets.unwrap_or(0) as i64,
                        g,
                        e.first.clone().flatten(),
                        e.last.clone().flatten()
                    ])
                    .map_err(&out)?;
                }
                _ => {}
            }
        }
        drop(co);
        drop(rel);
        store.conn.execute_batch("INSERT INTO sentences_fts (sentences_fts) VALUES ('rebuild');").map_err(&out)?;
        store.set_meta(&meta)?;
        store.conn.execute_batch("COMMIT; PRAGMA journal_mode = DELETE;").map_err(&out)?;
        store.conn.execute_batch("PRAGMA optimize;").map_err(&out)?;
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
