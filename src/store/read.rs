//! Reading the store back: the graph document whole (for the graph files), the part a
//! question needs (`compare`), and a document's sentences and mentions (`explain`).

use std::collections::BTreeMap;

use rusqlite::params;
use rustc_hash::FxHashMap as HashMap;

use super::{Store, claim_id, sql_input};
use crate::error::{Error, Result};
use crate::export::GraphDoc;
use crate::export::doc::{ClaimRec, DocCounts, DocKey, DocumentRec, EdgeRec, GazetteerInfo, Generator, NodeRec, Settings, Spans};
use crate::gazetteer::How;

/// A relation type as the store keeps it: its attributes, and its place in the lexicon.
#[derive(Debug, Clone)]
struct Relation {
    position: i64,
    polarity: String,
    directed: bool,
    cameo: String,
    plover: Option<String>,
    goldstein: f64,
    quad_class: String,
    state: bool,
}

/// Which claims to read.
enum Which<'a> {
    All,
    Pair(&'a str),
    Light,
}

impl Store {
    fn relations(&self) -> Result<HashMap<String, Relation>> {
        let inp = sql_input(&self.path);
        let mut st =
            self.conn.prepare("SELECT relation, position, polarity, directed, cameo, plover, goldstein, quad_class, state FROM relations").map_err(&inp)?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    Relation {
                        position: r.get(1)?,
                        polarity: r.get(2)?,
                        directed: r.get(3)?,
                        cameo: r.get(4)?,
                        plover: r.get(5)?,
                        goldstein: r.get(6)?,
                        quad_class: r.get(7)?,
                        state: r.get(8)?,
                    },
                ))
            })
            .map_err(&inp)?;
        rows.collect::<rusqlite::Result<_>>().map_err(&inp)
    }

    fn entity_ids(&self) -> Result<HashMap<u32, String>> {
        let inp = sql_input(&self.path);
        let mut st = self.conn.prepare("SELECT entity, id FROM entities").map_err(&inp)?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(&inp)?;
        rows.collect::<rusqlite::Result<_>>().map_err(&inp)
    }

    fn documents(&self) -> Result<Vec<(i64, DocumentRec)>> {
        let inp = sql_input(&self.path);
        let mut st = self
            .conn
            .prepare(
                "SELECT doc, id, path, title, outlet, url, published, sentences, paragraphs, repeated_paragraphs, boilerplate_from, mentions, crowded_windows, sha256
                 FROM documents ORDER BY id",
            )
            .map_err(&inp)?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    DocumentRec {
                        id: r.get(1)?,
                        path: r.get(2)?,
                        title: r.get(3)?,
                        outlet: r.get(4)?,
                        url: r.get(5)?,
                        published: r.get(6)?,
                        sentences: r.get::<_, i64>(7)? as usize,
                        paragraphs: r.get::<_, i64>(8)? as usize,
                        repeated_paragraphs: r.get::<_, i64>(9)? as usize,
                        boilerplate_from: r.get::<_, Option<i64>>(10)?.map(|x| x as usize),
                        mentions: r.get::<_, i64>(11)? as usize,
                        crowded_windows: r.get::<_, i64>(12)? as usize,
                        sha256: r.get(13)?,
                    },
                ))
            })
            .map_err(&inp)?;
        rows.collect::<rusqlite::Result<_>>().map_err(&inp)
    }

    /// Nodes in id order; with `per_document`, each with its mentions per document.
    fn nodes(&self, per_document: bool, doc_keys: &HashMap<i64, DocKey>) -> Result<(Vec<NodeRec>, HashMap<u32, i64>)> {
        let inp = sql_input(&self.path);
        let mut st = self
            .conn
            .prepare("SELECT entity, id, label, type, iso3, aliases, affiliation, mentions, windows, by_name, by_alias, by_demonym, by_metonym, by_role FROM entities ORDER BY id")
            .map_err(&inp)?;
        let mut windows = HashMap::default();
        let mut order: Vec<u32> = Vec::new();
        let mut nodes: Vec<NodeRec> = Vec::new();
        let rows = st
            .query_map([], |r| {
                let aliases: String = r.get(5)?;
                let hows = [How::Name, How::Alias, How::Demonym, How::Metonym, How::Role];
                let mut matched_as = BTreeMap::new();
                for (i, h) in hows.into_iter().enumerate() {
                    let n: i64 = r.get(9 + i)?;
                    if n > 0 {
                        matched_as.insert(h.as_str().to_string(), n as u64);
                    }
                }
                Ok((
                    r.get::<_, u32>(0)?,
                    r.get::<_, i64>(8)?,
                    NodeRec {
                        id: r.get(1)?,
                        label: r.get(2)?,
                        kind: r.get(3)?,
                        iso3: r.get(4)?,
                        aliases: serde_json::from_str(&aliases).unwrap_or_default(),
                        affiliation: r.get(6)?,
                        mentions: r.get::<_, i64>(7)? as u64,
                        documents: DocCounts::default(),
                        matched_as,
                    },
                ))
            })
            .map_err(&inp)?;
        for row in rows {
            let (e, w, n) = row.map_err(&inp)?;
            windows.insert(e, w);
            order.push(e);
            nodes.push(n);
        }
        if per_document {
            let mut per: HashMap<u32, Vec<(DocKey, u64)>> = HashMap::default();
            let mut st = self.conn.prepare("SELECT entity, doc, mentions FROM entity_documents").map_err(&inp)?;
            let rows = st.query_map([], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))).map_err(&inp)?;
            for row in rows {
                let (e, d, n) = row.map_err(&inp)?;
                let key = doc_keys
                    .get(&d)
                    .ok_or_else(|| Error::input(self.path.display(), format!("entity_documents names document row {d}, which is not stored")))?;
                per.entry(e).or_default().push((key.clone(), n as u64));
            }
            for (e, node) in order.iter().zip(nodes.iter_mut()) {
                node.documents = per.remove(e).unwrap_or_default().into_iter().collect();
            }
        }
        Ok((nodes, windows))
    }

    /// Claims in document then text order.
    fn claims(&self, which: Which, ids: &HashMap<u32, String>, doc_ids: &HashMap<i64, DocKey>, relations: &HashMap<String, Relation>) -> Result<Vec<ClaimRec>> {
        let inp = sql_input(&self.path);
        let text = !matches!(which, Which::Light);
        let sql = format!(
            "SELECT c.claim, c.doc, c.subject, c.object, c.subject_state, c.object_state, c.relation, c.negated, c.modality, c.speaker,
                    s.start, s.\"end\", c.subject_start, c.subject_end, c.object_start, c.object_end, c.cue_start, c.cue_end,
                    {}, {}, c.cue_phrase, c.rule, c.pairing, c.confidence, c.subject_agent, c.object_agent, c.copy_of
             FROM claims c JOIN sentences s ON s.sentence = c.sentence JOIN documents d ON d.doc = c.doc {}
             ORDER BY d.id, c.position",
            if text { "s.text" } else { "''" },
            if text { "c.cue" } else { "''" },
            if matches!(which, Which::Pair(_)) { "WHERE c.pair = ?1" } else { "" }
        );
        let mut st = self.conn.prepare(&sql).map_err(&inp)?;
        let missing = |what: &str, x: i64| Error::input(self.path.display(), format!("a claim names {what} {x}, which is not stored"));
        /// Numbers, strings, speaker, confidence, and optional strings of a claim row.
        type Raw = (Vec<i64>, Vec<String>, Option<i64>, Option<f64>, Vec<Option<String>>);
        let read = |r: &rusqlite::Row| -> rusqlite::Result<Raw> {
            let mut ints = Vec::with_capacity(18);
            for i in [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 16, 17] {
                ints.push(r.get(i)?);
            }
            ints.push(r.get::<_, bool>(7)? as i64);
            let strings = vec![r.get(6)?, r.get(8)?, r.get(18)?, r.get(19)?, r.get(20)?, r.get(21)?, r.get(22)?];
            Ok((ints, strings, r.get(9)?, r.get(23)?, vec![r.get(24)?, r.get(25)?, r.get::<_, Option<i64>>(26)?.map(claim_id)]))
        };
        let rows = match which {
            Which::Pair(p) => st.query_map(params![p], read),
            _ => st.query_map([], read),
        }
        .map_err(&inp)?;
        let mut out = Vec::new();
        for row in rows {
            let (n, s, speaker, confidence, opt) = row.map_err(&inp)?;
            let id = |e: i64| ids.get(&(e as u32)).cloned().ok_or_else(|| missing("entity", e));
            let rel = relations.get(&s[0]).ok_or_else(|| Error::input(self.path.display(), format!("relation {:?} is not in the relations table", s[0])))?;
            let [relation, modality, sentence, cue, cue_phrase, rule, pairing] = <[String; 7]>::try_from(s).expect("seven strings");
            let [subject_agent, object_agent, copy_of] = <[Option<String>; 3]>::try_from(opt).expect("three options");
            out.push(ClaimRec {
                id: claim_id(n[0]),
                document: doc_ids.get(&n[1]).map(|k| k.to_string()).ok_or_else(|| missing("document row", n[1]))?,
                subject: id(n[2])?,
                object: id(n[3])?,
                subject_state: id(n[4])?,
                object_state: id(n[5])?,
                directed: rel.directed,
                relation,
                polarity: rel.polarity.clone(),
                negated: n[14] != 0,
                modality,
                speaker: speaker.map(id).transpose()?,
                cameo: rel.cameo.clone(),
                plover: rel.plover.clone(),
                goldstein: rel.goldstein,
                quad_class: rel.quad_class.clone(),
                state: rel.state,
                sentence,
                spans: Spans {
                    sentence: [n[6] as usize, n[7] as usize],
                    subject: [n[8] as usize, n[9] as usize],
                    object: [n[10] as usize, n[11] as usize],
                    cue: [n[12] as usize, n[13] as usize],
                },
                cue,
                cue_phrase,
                rule,
                pairing,
                confidence,
                subject_agent,
                object_agent,
                copy_of,
            });
        }
        Ok(out)
    }

    fn head(&self) -> Result<(Generator, GazetteerInfo, Settings)> {
        let inp = sql_input(&self.path);
        let meta = self.meta()?;
        let windows: i64 = self.conn.query_row("SELECT coalesce(sum(windows), 0) FROM documents", [], |r| r.get(0)).map_err(&inp)?;
        Ok((
            Generator { name: "newsgraph".into(), version: env!("CARGO_PKG_VERSION").into() },
            GazetteerInfo { entities: meta.gazetteer_entities, aliases: meta.gazetteer_aliases, digest: meta.gazetteer_digest },
            Settings { window: meta.window, windows: windows as u64, filters: Vec::new() },
        ))
    }
}

fn doc_keys(documents: &[(i64, DocumentRec)]) -> HashMap<i64, DocKey> {
    documents.iter().map(|(row, d)| (*row, DocKey::from(d.id.as_str()))).collect()
}

/// The whole graph document of a store, as the build that wrote it (or a build over the same
/// documents) writes `graph.json`: same nodes, edges and claims, in the same order.
pub fn graph_doc(store: &Store) -> Result<GraphDoc> {
    let inp = sql_input(&store.path);
    let (generator, gazetteer, settings) = store.head()?;
    let documents = store.documents()?;
    let keys = doc_keys(&documents);
    let (nodes, windows) = store.nodes(true, &keys)?;
    let ids = store.entity_ids()?;
    let relations = store.relations()?;
    let claims = store.claims(Which::All, &ids, &keys, &relations)?;
    let name = |e: u32| ids.get(&e).cloned().ok_or_else(|| Error::input(store.path.display(), format!("an edge names entity {e}, which is not stored")));
    let mut edges: Vec<EdgeRec> = Vec::new();
    // Co-mentions, in id order, with their per-document counts and NPMI over all windows.
    {
        let total = settings.windows as f64;
        let mut per: HashMap<(u32, u32), Vec<(DocKey, u64)>> = HashMap::default();
        let mut st = store.conn.prepare("SELECT source, target, doc, windows FROM co_mentions").map_err(&inp)?;
        for row in st.query_map([], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, u32>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?))).map_err(&inp)? {
            let (s, t, d, w) = row.map_err(&inp)?;
            let key = keys.get(&d).ok_or_else(|| Error::input(store.path.display(), format!("co_mentions names document row {d}, which is not stored")))?;
            per.entry((s, t)).or_default().push((key.clone(), w as u64));
        }
        let mut st = store.conn.prepare("SELECT source, target, weight FROM co_mention_edges").map_err(&inp)?;
        let mut co: Vec<EdgeRec> = Vec::new();
        for row in st.query_map([], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, u32>(1)?, r.get::<_, i64>(2)?))).map_err(&inp)? {
            let (s, t, weight) = row.map_err(&inp)?;
            let (nx, ny) = (windows.get(&s).copied().unwrap_or(0) as f64, windows.get(&t).copied().unwrap_or(0) as f64);
            let pxy = weight as f64 / total;
            let npmi = if pxy >= 1.0 { 1.0 } else { ((pxy / ((nx / total) * (ny / total))).ln() / -pxy.ln()).clamp(-1.0, 1.0) };
            co.push(EdgeRec {
                source: name(s)?,
                target: name(t)?,
                kind: "co_mention".into(),
                weight: weight as u64,
                documents: Some(per.remove(&(s, t)).unwrap_or_default().into_iter().collect()),
                npmi: Some((npmi * 10_000.0).round() / 10_000.0),
                ..Default::default()
            });
        }
        co.sort_by(|a, b| (&a.source, &a.target).cmp(&(&b.source, &b.target)));
        edges.extend(co);
    }
    // Affiliations between nodes.
    let present: std::collections::BTreeSet<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
    let mut affiliations: Vec<EdgeRec> = nodes
        .iter()
        .filter_map(|n| {
            let a = n.affiliation.as_deref()?;
            (present.contains(a) && a != n.id).then(|| EdgeRec {
                source: n.id.clone(),
                target: a.to_string(),
                kind: "affiliation".into(),
                weight: 1,
                ..Default::default()
            })
        })
        .collect();
    affiliations.sort_by(|a, b| (&a.source, &a.target).cmp(&(&b.source, &b.target)));
    edges.extend(affiliations);
    // Relation edges, with the claims behind each in document then text order.
    {
        let mut evidence: HashMap<(String, String, String, bool), Vec<String>> = HashMap::default();
        for c in &claims {
            if c.subject_state == c.object_state {
                continue;
            }
            let (mut s, mut t) = (c.subject_state.clone(), c.object_state.clone());
            if !c.directed && t < s {
                std::mem::swap(&mut s, &mut t);
            }
            evidence.entry((s, t, c.relation.clone(), c.negated)).or_default().push(c.id.clone());
        }
        let mut st = store
            .conn
            .prepare("SELECT source, target, relation, negated, claims, copies, outlets, goldstein_mean, first, last FROM relation_edges")
            .map_err(&inp)?;
        let mut rel_edges: Vec<(i64, EdgeRec)> = Vec::new();
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, u32>(0)?,
                    r.get::<_, u32>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                    [r.get::<_, i64>(4)?, r.get::<_, i64>(5)?, r.get::<_, i64>(6)?],
                    r.get::<_, f64>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, Option<String>>(9)?,
                ))
            })
            .map_err(&inp)?;
        for row in rows {
            let (s, t, relation, negated, [claims_n, copies, outlets], goldstein, first, last) = row.map_err(&inp)?;
            let rel =
                relations.get(&relation).ok_or_else(|| Error::input(store.path.display(), format!("relation {relation:?} is not in the relations table")))?;
            let (source, target) = (name(s)?, name(t)?);
            let ev = evidence.remove(&(source.clone(), target.clone(), relation.clone(), negated)).unwrap_or_default();
            rel_edges.push((
                rel.position,
                EdgeRec {
                    source,
                    target,
                    kind: "relation".into(),
                    weight: claims_n as u64,
                    polarity: Some(rel.polarity.clone()),
                    directed: Some(rel.directed),
                    negated: Some(negated),
                    claims: Some(claims_n as u64),
                    copies: Some(copies as u64),
                    outlets: Some(outlets as u64),
                    goldstein_mean: Some((goldstein * 100.0).round() / 100.0),
                    first: Some(first),
                    last: Some(last),
                    evidence: Some(ev),
                    relation: Some(relation),
                    ..Default::default()
                },
            ));
        }
        rel_edges.sort_by(|(p, a), (q, b)| (&a.source, &a.target, p, a.negated).cmp(&(&b.source, &b.target, q, b.negated)));
        edges.extend(rel_edges.into_iter().map(|(_, e)| e));
    }
    Ok(GraphDoc {
        schema: crate::export::SCHEMA.into(),
        generator,
        gazetteer,
        settings,
        documents: documents.into_iter().map(|(_, d)| d).collect(),
        nodes,
        edges,
        claims: claims.into(),
    })
}

/// What `compare` needs of a store: every document and node, and the claims of one pair of
/// state-level actors (`Some((a, b))`), or every claim without its text (`None`, for
/// `compare --all`). No edges.
pub fn pair_doc(store: &Store, pair: Option<(&str, &str)>) -> Result<GraphDoc> {
    let (generator, gazetteer, settings) = store.head()?;
    let documents = store.documents()?;
    let keys = doc_keys(&documents);
    let (nodes, _) = store.nodes(false, &keys)?;
    let ids = store.entity_ids()?;
    let relations = store.relations()?;
    let name = pair.map(|(a, b)| super::write::pair_name(a, b));
    let which = match &name {
        Some(p) => Which::Pair(p),
        None => Which::Light,
    };
    let claims = store.claims(which, &ids, &keys, &relations)?;
    Ok(GraphDoc {
        schema: crate::export::SCHEMA.into(),
        generator,
        gazetteer,
        settings,
        documents: documents.into_iter().map(|(_, d)| d).collect(),
        nodes,
        edges: Vec::new(),
        claims: claims.into(),
    })
}

/// A stored document as the relation rules read it: its text with every stored sentence at
/// its place (blanks elsewhere), its layout and its mentions.
#[derive(Debug, Clone)]
pub struct Explained {
    /// The document's id.
    pub id: String,
    /// The text, as far as the store keeps it.
    pub text: String,
    /// Its paragraphs and sentences.
    pub layout: crate::text::Layout,
    /// Its mentions, in text order.
    pub mentions: Vec<crate::tagger::Mention>,
}

/// The document with id (or path) `document`, for `explain`. Entity indices are the store's
/// gazetteer's, so the caller checks the digest.
pub fn explain_document(store: &Store, document: &str) -> Result<Explained> {
    let inp = sql_input(&store.path);
    let found: Option<(i64, String, String, String, Option<i64>, i64)> = store
        .conn
        .query_row(
            "SELECT doc, id, path, paragraph_spans, boilerplate_from, repeated_paragraphs FROM documents WHERE id = ?1 OR path = ?1 OR path LIKE '%/' || ?1 ORDER BY id LIMIT 1",
            [document],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .ok();
    let Some((doc, id, _path, spans, tail, repeated)) = found else {
        return Err(Error::usage(format!("no document {document:?} in {}", store.path.display())));
    };
    let paragraphs: Vec<[usize; 2]> = serde_json::from_str(&spans).map_err(|e| Error::input(store.path.display(), format!("paragraph_spans of {id}: {e}")))?;
    let mut st =
        store.conn.prepare("SELECT start, \"end\", paragraph, quoted, text FROM sentences WHERE doc = ?1 AND paragraph >= 0 ORDER BY start").map_err(&inp)?;
    let rows = st
        .query_map([doc], |r| {
            Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize, r.get::<_, i64>(2)? as usize, r.get::<_, bool>(3)?, r.get::<_, String>(4)?))
        })
        .map_err(&inp)?;
    let mut bytes: Vec<u8> = Vec::new();
    let mut sentences = Vec::new();
    for row in rows {
        let (start, end, paragraph, quoted, text) = row.map_err(&inp)?;
        if bytes.len() < end {
            bytes.resize(end, b' ');
        }
        if text.len() != end - start {
            return Err(Error::input(store.path.display(), format!("sentence at {start} of {id} is not {} bytes long", end - start)));
        }
        bytes[start..end].copy_from_slice(text.as_bytes());
        sentences.push(crate::text::Sentence { span: start..end, paragraph, quoted });
    }
    if let Some(end) = paragraphs.iter().map(|p| p[1]).max()
        && bytes.len() < end
    {
        bytes.resize(end, b' ');
    }
    let text = String::from_utf8(bytes).map_err(|e| Error::input(store.path.display(), format!("sentences of {id} overlap: {e}")))?;
    let mut st = store.conn.prepare("SELECT start, \"end\", entity, how FROM mentions WHERE doc = ?1 ORDER BY start").map_err(&inp)?;
    let hows = [How::Name, How::Alias, How::Demonym, How::Metonym, How::Role];
    let rows =
        st.query_map([doc], |r| Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize, r.get::<_, u32>(2)?, r.get::<_, String>(3)?))).map_err(&inp)?;
    let mut mentions = Vec::new();
    for row in rows {
        let (start, end, entity, how) = row.map_err(&inp)?;
        let how = hows.into_iter().find(|h| h.as_str() == how).ok_or_else(|| Error::input(store.path.display(), format!("unknown match kind {how:?}")))?;
        mentions.push(crate::tagger::Mention { entity, start, end, how });
    }
    let layout = crate::text::Layout {
        paragraphs: paragraphs.into_iter().map(|[a, b]| a..b).collect(),
        sentences,
        repeated: repeated as usize,
        tail_from: tail.map(|t| t as usize),
    };
    Ok(Explained { id, text, layout, mentions })
}
