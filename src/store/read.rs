//! Reading the store back: the graph document whole (for the graph files), the part a
//! question needs (`compare`), and a document's sentences and mentions (`explain`).

use std::collections::BTreeMap;

use rusqlite::params;
use rustc_hash::FxHashMap as HashMap;

use super::write::{DocCounts as Counted, HOWS, paragraphs_of};
use super::{Store, claim_id, sql_input};
use crate::error::{Error, Result};
use crate::export::GraphDoc;
use crate::export::doc::{ClaimRec, DocCounts, DocKey, DocumentRec, EdgeRec, GazetteerInfo, Generator, NodeRec, Settings, Spans};
use crate::graph::Window;

/// A relation type as the store keeps it (its row is its place in the lexicon).
#[derive(Debug, Clone)]
struct Relation {
    id: String,
    polarity: String,
    directed: bool,
    cameo: String,
    plover: Option<String>,
    goldstein: f64,
    quad_class: String,
    state: bool,
}

/// The store's lookup tables, each by row.
struct Lookups {
    relations: Vec<Relation>,
    cues: Vec<(String, String)>,
    pairings: Vec<String>,
    modalities: Vec<String>,
    agents: Vec<String>,
}

/// Nodes with their entity rows, and each entity's windows.
type Nodes = (Vec<(u32, NodeRec)>, HashMap<u32, i64>);

/// Which claims to read.
enum Which {
    All,
    /// The claims between two state-level actors (in row order), by the pair index.
    Pair(u32, u32),
    /// The claims between two entities, either way round.
    Entities(u32, u32),
    Light,
}

impl Store {
    fn column<T: rusqlite::types::FromSql>(&self, sql: &str) -> Result<Vec<T>> {
        let inp = sql_input(&self.path);
        let mut st = self.conn.prepare(sql).map_err(&inp)?;
        let v = st.query_map([], |r| r.get(0)).map_err(&inp)?.collect::<rusqlite::Result<_>>().map_err(&inp)?;
        Ok(v)
    }

    fn lookups(&self) -> Result<Lookups> {
        let inp = sql_input(&self.path);
        let mut st =
            self.conn.prepare("SELECT id, polarity, directed, cameo, plover, goldstein, quad_class, state FROM relations ORDER BY relation").map_err(&inp)?;
        let relations = st
            .query_map([], |r| {
                Ok(Relation {
                    id: r.get(0)?,
                    polarity: r.get(1)?,
                    directed: r.get(2)?,
                    cameo: r.get(3)?,
                    plover: r.get(4)?,
                    goldstein: r.get(5)?,
                    quad_class: r.get(6)?,
                    state: r.get(7)?,
                })
            })
            .map_err(&inp)?
            .collect::<rusqlite::Result<_>>()
            .map_err(&inp)?;
        let mut st = self.conn.prepare("SELECT phrase, rule FROM cues ORDER BY cue").map_err(&inp)?;
        let cues = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(&inp)?.collect::<rusqlite::Result<_>>().map_err(&inp)?;
        Ok(Lookups {
            relations,
            cues,
            pairings: self.column("SELECT name FROM pairings ORDER BY pairing")?,
            modalities: self.column("SELECT name FROM modalities ORDER BY modality")?,
            agents: self.column("SELECT name FROM agents ORDER BY agent")?,
        })
    }

    fn entity_ids(&self) -> Result<HashMap<u32, String>> {
        let inp = sql_input(&self.path);
        let mut st = self.conn.prepare("SELECT entity, id FROM entities").map_err(&inp)?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(&inp)?;
        rows.collect::<rusqlite::Result<_>>().map_err(&inp)
    }

    fn documents(&self) -> Result<Vec<(i64, DocumentRec)>> {
        self.documents_where("1")
    }

    /// The documents whose row passes `filter` (SQL over `documents`), in id order.
    fn documents_where(&self, filter: &str) -> Result<Vec<(i64, DocumentRec)>> {
        let inp = sql_input(&self.path);
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT doc, id, path, title, outlet, url, published, sentences, paragraphs, repeated_paragraphs, boilerplate_from, mentions, crowded_windows, sha256,
                        provider, place
                 FROM documents WHERE {filter} ORDER BY id"
            ))
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
                        provider: r.get(14)?,
                        place: r.get(15)?,
                    },
                ))
            })
            .map_err(&inp)?;
        rows.collect::<rusqlite::Result<_>>().map_err(&inp)
    }

    /// Nodes in id order, and each entity's windows.
    fn nodes(&self) -> Result<Nodes> {
        self.nodes_where("1", [])
    }

    /// The nodes whose row passes `filter` (SQL over `entities`), in id order, and their
    /// windows.
    fn nodes_where<P: rusqlite::Params>(&self, filter: &str, params: P) -> Result<Nodes> {
        let inp = sql_input(&self.path);
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT entity, id, label, type, iso3, aliases, affiliation, mentions, windows, by_name, by_alias, by_demonym, by_metonym, by_role FROM entities WHERE {filter} ORDER BY id"
            ))
            .map_err(&inp)?;
        let mut windows = HashMap::default();
        let mut nodes = Vec::new();
        let rows = st
            .query_map(params, |r| {
                let aliases: String = r.get(5)?;
                let mut matched_as = BTreeMap::new();
                for (i, h) in HOWS.into_iter().enumerate() {
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
            nodes.push((e, n));
        }
        Ok((nodes, windows))
    }

    /// Claims in document then text order.
    fn claims(&self, which: Which, ids: &HashMap<u32, String>, doc_ids: &HashMap<i64, DocKey>, look: &Lookups) -> Result<Vec<ClaimRec>> {
        let inp = sql_input(&self.path);
        let text = !matches!(which, Which::Light);
        let sql = format!(
            "SELECT c.claim, c.doc, c.subject, c.object, c.subject_state, c.object_state, c.relation, c.negated, c.modality, c.speaker,
                    s.start, s.\"end\", c.subject_start, c.subject_end, c.object_start, c.object_end, c.cue_start, c.cue_end,
                    {}, c.cue, c.pairing, c.confidence, c.subject_agent, c.object_agent, c.copy_of
             FROM claims c JOIN sentences s ON s.sentence = c.sentence JOIN documents d ON d.doc = c.doc {}
             ORDER BY d.id, c.claim",
            if text { "s.text" } else { "''" },
            match which {
                Which::Pair(..) => "WHERE c.pair_a = ?1 AND c.pair_b = ?2",
                Which::Entities(..) => "WHERE (c.subject = ?1 AND c.object = ?2) OR (c.subject = ?2 AND c.object = ?1)",
                _ => "",
            }
        );
        let mut st = self.conn.prepare(&sql).map_err(&inp)?;
        let bad = |what: &str, x: i64| Error::input(self.path.display(), format!("a claim names {what} {x}, which is not stored"));
        /// The integers of a claim row, its sentence text, and its optional codes.
        type Raw = ([i64; 21], String, [Option<i64>; 5]);
        let read = |r: &rusqlite::Row| -> rusqlite::Result<Raw> {
            let mut n = [0i64; 21];
            for (k, i) in [0usize, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20].into_iter().enumerate() {
                n[k] = r.get(i)?;
            }
            Ok((n, r.get(18)?, [r.get(9)?, r.get(21)?, r.get(22)?, r.get(23)?, r.get(24)?]))
        };
        let rows = match which {
            Which::Pair(a, b) | Which::Entities(a, b) => st.query_map(params![a, b], read),
            _ => st.query_map([], read),
        }
        .map_err(&inp)?;
        let mut out = Vec::new();
        for row in rows {
            let (
                [claim, doc, subject, object, ss, os, relation, negated, modality, s_start, s_end, sub0, sub1, ob0, ob1, cue0, cue1, cue, pairing, ..],
                sentence,
                opt,
            ) = row.map_err(&inp)?;
            let [speaker, confidence, subject_agent, object_agent, copy_of] = opt;
            let id = |e: i64| ids.get(&(e as u32)).cloned().ok_or_else(|| bad("entity", e));
            let rel = look.relations.get(relation as usize).ok_or_else(|| bad("relation", relation))?;
            let (cue_phrase, rule) = look.cues.get(cue as usize).cloned().ok_or_else(|| bad("cue", cue))?;
            let name = |list: &[String], x: i64, what: &str| list.get(x as usize).cloned().ok_or_else(|| bad(what, x));
            let cue_text = if text {
                let (a, b) = ((cue0 - s_start) as usize, (cue1 - s_start) as usize);
                sentence.get(a..b).ok_or_else(|| bad("cue span", cue0))?.to_string()
            } else {
                String::new()
            };
            out.push(ClaimRec {
                id: claim_id(claim),
                document: doc_ids.get(&doc).map(|k| k.to_string()).ok_or_else(|| bad("document row", doc))?,
                subject: id(subject)?,
                object: id(object)?,
                subject_state: id(ss)?,
                object_state: id(os)?,
                directed: rel.directed,
                relation: rel.id.clone(),
                polarity: rel.polarity.clone(),
                negated: negated != 0,
                modality: name(&look.modalities, modality, "modality")?,
                speaker: speaker.map(id).transpose()?,
                cameo: rel.cameo.clone(),
                plover: rel.plover.clone(),
                goldstein: rel.goldstein,
                quad_class: rel.quad_class.clone(),
                state: rel.state,
                sentence,
                spans: Spans {
                    sentence: [s_start as usize, s_end as usize],
                    subject: [sub0 as usize, sub1 as usize],
                    object: [ob0 as usize, ob1 as usize],
                    cue: [cue0 as usize, cue1 as usize],
                },
                cue: cue_text,
                cue_phrase,
                rule,
                pairing: name(&look.pairings, pairing, "pairing")?,
                confidence: confidence.map(|c| c as f64 / 100.0),
                subject_agent: subject_agent.map(|a| name(&look.agents, a, "agent")).transpose()?,
                object_agent: object_agent.map(|a| name(&look.agents, a, "agent")).transpose()?,
                copy_of: copy_of.map(claim_id),
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

    /// Every document's counts again, from its mentions and sentences (as the analysis
    /// counted them), a document at a time: `each(doc row, counts)`.
    fn each_document_counts(&self, window: Window, each: &mut dyn FnMut(i64, Counted)) -> Result<()> {
        let inp = sql_input(&self.path);
        let mut docs = self.conn.prepare("SELECT doc FROM documents ORDER BY doc").map_err(&inp)?;
        let rows: Vec<i64> = docs.query_map([], |r| r.get(0)).map_err(&inp)?.collect::<rusqlite::Result<_>>().map_err(&inp)?;
        for doc in rows {
            each(doc, self.counts_of(doc, window)?);
        }
        Ok(())
    }
}

fn doc_keys(documents: &[(i64, DocumentRec)]) -> HashMap<i64, DocKey> {
    documents.iter().map(|(row, d)| (*row, DocKey::from(d.id.as_str()))).collect()
}

fn window_named(name: &str, path: &std::path::Path) -> Result<Window> {
    crate::export::part::window_named(name).ok_or_else(|| Error::input(path.display(), format!("unknown window {name:?} in meta")))
}

/// The whole graph document of a store, as the build that wrote it (or a build over the same
/// documents) writes `graph.json`: same nodes, edges and claims, in the same order.
pub fn graph_doc(store: &Store) -> Result<GraphDoc> {
    let inp = sql_input(&store.path);
    let (generator, gazetteer, settings) = store.head()?;
    let window = window_named(&settings.window, &store.path)?;
    let documents = store.documents()?;
    let keys = doc_keys(&documents);
    let (mut nodes, windows) = store.nodes()?;
    let ids = store.entity_ids()?;
    let look = store.lookups()?;
    let claims = store.claims(Which::All, &ids, &keys, &look)?;
    let name = |e: u32| ids.get(&e).cloned().ok_or_else(|| Error::input(store.path.display(), format!("an edge names entity {e}, which is not stored")));
    // Per-document counts of nodes and co-mentions, counted again from mentions and windows.
    let mut per_entity: HashMap<u32, Vec<(DocKey, u64)>> = HashMap::default();
    let mut per_pair: HashMap<(u32, u32), Vec<(DocKey, u64)>> = HashMap::default();
    let gaz_order = |x: u32, y: u32| if ids.get(&x) <= ids.get(&y) { (x, y) } else { (y, x) };
    store.each_document_counts(window, &mut |doc, counts| {
        let Some(key) = keys.get(&doc) else { return };
        for (e, hows) in &counts.mentions {
            per_entity.entry(*e).or_default().push((key.clone(), hows.values().map(|&c| u64::from(c)).sum()));
        }
        for (&(x, y), &w) in &counts.windows.pairs {
            per_pair.entry(gaz_order(x, y)).or_default().push((key.clone(), u64::from(w)));
        }
    })?;
    for (e, node) in nodes.iter_mut() {
        node.documents = per_entity.remove(e).unwrap_or_default().into_iter().collect();
    }
    let mut edges: Vec<EdgeRec> = Vec::new();
    {
        let total = settings.windows as f64;
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
                documents: Some(per_pair.remove(&(s, t)).unwrap_or_default().into_iter().collect()),
                npmi: Some((npmi * 10_000.0).round() / 10_000.0),
                ..Default::default()
            });
        }
        co.sort_by(|a, b| (&a.source, &a.target).cmp(&(&b.source, &b.target)));
        edges.extend(co);
    }
    let nodes: Vec<NodeRec> = nodes.into_iter().map(|(_, n)| n).collect();
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
    {
        // The claims behind each relation edge, in document then text order.
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
        type Row = (u32, u32, i64, bool, [i64; 3], f64, Option<String>, Option<String>);
        let rows = st
            .query_map([], |r| -> rusqlite::Result<Row> {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, [r.get(4)?, r.get(5)?, r.get(6)?], r.get(7)?, r.get(8)?, r.get(9)?))
            })
            .map_err(&inp)?;
        for row in rows {
            let (s, t, relation, negated, [claims_n, copies, outlets], goldstein, first, last) = row.map_err(&inp)?;
            let rel = look.relations.get(relation as usize).ok_or_else(|| Error::input(store.path.display(), format!("relation {relation} is not stored")))?;
            let (source, target) = (name(s)?, name(t)?);
            let ev = evidence.remove(&(source.clone(), target.clone(), rel.id.clone(), negated)).unwrap_or_default();
            rel_edges.push((
                relation,
                EdgeRec {
                    source,
                    target,
                    kind: "relation".into(),
                    weight: claims_n as u64,
                    relation: Some(rel.id.clone()),
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
                    ..Default::default()
                },
            ));
        }
        rel_edges.sort_by(|(p, a), (q, b)| (&a.source, &a.target, p, a.negated).cmp(&(&b.source, &b.target, q, b.negated)));
        edges.extend(rel_edges.into_iter().map(|(_, e)| e));
    }
    let unknown_names = crate::discover::Unknown::of(&unknown_names(store)?.suggestions(1));
    Ok(GraphDoc {
        schema: crate::export::SCHEMA.into(),
        generator,
        gazetteer,
        settings,
        unknown_names,
        documents: documents.into_iter().map(|(_, d)| d).collect(),
        nodes,
        edges,
        claims: claims.into(),
    })
}

/// The nodes a user's name for an actor could mean: those whose id, label or aliases contain
/// it (ASCII case aside), with the states they belong to; [`crate::compare::resolve_in`]
/// decides among them. Every node when none does (a name in another case or script).
pub fn nodes_named(store: &Store, name: &str) -> Result<GraphDoc> {
    let (mut nodes, _) = store.nodes_where("instr(lower(id || ' ' || label || ' ' || aliases), lower(?1)) > 0", [name])?;
    if nodes.is_empty() {
        nodes = store.nodes()?.0;
    }
    let states: Vec<String> = nodes.iter().filter_map(|(_, n)| n.affiliation.clone()).collect();
    if !states.is_empty() {
        let list = states.iter().map(|s| format!("'{}'", s.replace('\'', "''"))).collect::<Vec<_>>().join(",");
        nodes.extend(store.nodes_where(&format!("id IN ({list})"), [])?.0);
    }
    Ok(GraphDoc { nodes: nodes.into_iter().map(|(_, n)| n).collect(), ..empty(store)? })
}

/// The names the gazetteer does not know, as the store keeps them (table `unknown_names`),
/// document by document in id order: what `gazetteer suggest --db` ranks.
pub fn unknown_names(store: &Store) -> Result<crate::discover::Candidates> {
    use crate::discover::{Found, Guess, Occurrence, Place};
    let inp = sql_input(&store.path);
    let mut st = store
        .conn
        .prepare(
            "SELECT d.id, d.published, s.start, s.\"end\", s.text, u.name, u.type, u.type_weight, u.type_from, u.role, u.state, u.state_how, u.near_cue, u.lowercase_too
             FROM unknown_names u JOIN documents d ON d.doc = u.doc JOIN sentences s ON s.sentence = u.sentence
             ORDER BY d.id, u.doc, s.start, u.rowid",
        )
        .map_err(&inp)?;
    let mut rows = st.query([]).map_err(&inp)?;
    let mut out = crate::discover::Candidates::default();
    let mut found: Option<Found> = None;
    while let Some(r) = rows.next().map_err(&inp)? {
        let id: String = r.get(0).map_err(&inp)?;
        if found.as_ref().is_some_and(|f| f.id != id) {
            out.absorb(found.take().expect("checked"));
        }
        let f = found.get_or_insert_with(|| Found { id: id.clone(), published: r.get(1).ok().flatten(), ..Found::default() });
        let (start, end): (i64, i64) = (r.get(2).map_err(&inp)?, r.get(3).map_err(&inp)?);
        let text: String = r.get(4).map_err(&inp)?;
        f.sentences.entry(start as usize).or_insert_with(|| text.split_whitespace().collect::<Vec<_>>().join(" "));
        let kind = match r.get::<_, Option<String>>(6).map_err(&inp)? {
            Some(kind) => Some(Guess {
                kind,
                weight: r.get::<_, Option<u8>>(7).map_err(&inp)?.unwrap_or(1),
                why: r.get::<_, Option<String>>(8).map_err(&inp)?.unwrap_or_default(),
            }),
            None => None,
        };
        let state = match (r.get::<_, Option<String>>(10).map_err(&inp)?, r.get::<_, Option<String>>(11).map_err(&inp)?.as_deref()) {
            (Some(s), Some("in")) => Some(Place::In(s)),
            (Some(s), _) => Some(Place::Next(s)),
            _ => None,
        };
        f.occurrences.push(Occurrence {
            sentence: start as usize..end as usize,
            name: r.get(5).map_err(&inp)?,
            kind,
            role: r.get(9).map_err(&inp)?,
            state,
            near_cue: r.get(12).map_err(&inp)?,
            lowercase_too: r.get(13).map_err(&inp)?,
        });
    }
    if let Some(f) = found {
        out.absorb(f);
    }
    Ok(out)
}

fn empty(store: &Store) -> Result<GraphDoc> {
    let meta = store.meta()?;
    Ok(GraphDoc {
        schema: crate::export::SCHEMA.into(),
        generator: Generator { name: "newsgraph".into(), version: env!("CARGO_PKG_VERSION").into() },
        gazetteer: GazetteerInfo { entities: meta.gazetteer_entities, aliases: meta.gazetteer_aliases, digest: meta.gazetteer_digest },
        settings: Settings { window: meta.window, windows: 0, filters: Vec::new() },
        unknown_names: Default::default(),
        documents: Vec::new(),
        nodes: Vec::new(),
        edges: Vec::new(),
        claims: Vec::new().into(),
    })
}

/// What `compare` needs of a store for one pair of actors (entity ids): the pair's claims
/// (between their states, read through the pair index, or with `entities` between the two
/// entities themselves), and only the documents and nodes they name. No edges.
pub fn pair_doc(store: &Store, a: &str, b: &str, entities: bool) -> Result<GraphDoc> {
    let ids = store.entity_ids()?;
    let look = store.lookups()?;
    let row_of = |id: &str| ids.iter().find(|(_, x)| x.as_str() == id).map(|(e, _)| *e);
    let (Some(x), Some(y)) = (row_of(a), row_of(b)) else {
        return empty(store);
    };
    let (x, y) = (x.min(y), x.max(y));
    let which = if entities { Which::Entities(x, y) } else { Which::Pair(x, y) };
    let condition =
        if entities { format!("(subject = {x} AND object = {y}) OR (subject = {y} AND object = {x})") } else { format!("pair_a = {x} AND pair_b = {y}") };
    let rows: Vec<i64> = store.column(&format!("SELECT DISTINCT doc FROM claims WHERE {condition}"))?;
    let list = |v: &mut dyn Iterator<Item = String>| v.collect::<Vec<_>>().join(",");
    let documents = store.documents_where(&format!("doc IN ({})", list(&mut rows.iter().map(|d| d.to_string()))))?;
    let keys = doc_keys(&documents);
    let claims = store.claims(which, &ids, &keys, &look)?;
    let mut named: std::collections::BTreeSet<&str> = [a, b].into_iter().collect();
    for c in &claims {
        named.extend([c.subject.as_str(), c.object.as_str(), c.subject_state.as_str(), c.object_state.as_str()]);
        named.extend(c.speaker.as_deref());
    }
    let quoted = list(&mut named.iter().map(|n| format!("'{}'", n.replace('\'', "''"))));
    let nodes = store.nodes_where(&format!("id IN ({quoted})"), [])?.0;
    Ok(GraphDoc {
        documents: documents.into_iter().map(|(_, d)| d).collect(),
        nodes: nodes.into_iter().map(|(_, n)| n).collect(),
        claims: claims.into(),
        ..empty(store)?
    })
}

/// What `compare --all` needs of a store: every document and node, and every claim without
/// its text. No edges.
pub fn light_doc(store: &Store) -> Result<GraphDoc> {
    let documents = store.documents()?;
    let keys = doc_keys(&documents);
    let (nodes, _) = store.nodes()?;
    let ids = store.entity_ids()?;
    let look = store.lookups()?;
    let claims = store.claims(Which::Light, &ids, &keys, &look)?;
    Ok(GraphDoc {
        documents: documents.into_iter().map(|(_, d)| d).collect(),
        nodes: nodes.into_iter().map(|(_, n)| n).collect(),
        claims: claims.into(),
        ..empty(store)?
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
    let found: Option<(i64, String, Option<i64>, i64)> = store
        .conn
        .query_row(
            "SELECT doc, id, boilerplate_from, repeated_paragraphs FROM documents WHERE id = ?1 OR path = ?1 OR path LIKE '%/' || ?1 ORDER BY id LIMIT 1",
            [document],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .ok();
    let Some((doc, id, tail, repeated)) = found else {
        return Err(Error::usage(format!("no document {document:?} in {}", store.path.display())));
    };
    let mut st = store
        .conn
        .prepare(
            "SELECT s.start, s.\"end\", s.paragraph, s.quoted, s.text FROM documents d JOIN sentences s ON s.sentence BETWEEN d.first_sentence AND d.first_sentence + d.sentences - 1
             WHERE d.doc = ?1 ORDER BY s.sentence",
        )
        .map_err(&inp)?;
    let rows = st
        .query_map([doc], |r| {
            Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize, r.get::<_, i64>(2)? as usize, r.get::<_, bool>(3)?, r.get::<_, String>(4)?))
        })
        .map_err(&inp)?;
    let mut bytes: Vec<u8> = Vec::new();
    let mut sentences = Vec::new();
    for row in rows {
        let (start, end, paragraph, quoted, text) = row.map_err(&inp)?;
        if text.len() != end - start {
            return Err(Error::input(store.path.display(), format!("sentence at {start} of {id} is not {} bytes long", end - start)));
        }
        if bytes.len() < end {
            bytes.resize(end, b' ');
        }
        bytes[start..end].copy_from_slice(text.as_bytes());
        sentences.push(crate::text::Sentence { span: start..end, paragraph, quoted });
    }
    let text = String::from_utf8(bytes).map_err(|e| Error::input(store.path.display(), format!("sentences of {id} overlap: {e}")))?;
    let mentions = store.mentions_of(doc)?;
    let layout = crate::text::Layout { paragraphs: paragraphs_of(&sentences), sentences, repeated: repeated as usize, tail_from: tail.map(|t| t as usize) };
    Ok(Explained { id, text, layout, mentions })
}
