//! Legibility filters: types, state level, minimum weight, focus, top.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::{ClaimRec, EdgeRec, GraphDoc, NodeRec};
use crate::error::{Error, Result};

/// Legibility filters, applied in this order: confidence, types, state level, minimum weight,
/// focus, top.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Leave out claims less sure than this (0 to 1); relation edges are counted again from
    /// the claims left, and dropped with none.
    pub min_confidence: Option<f64>,
    /// Keep only nodes of these types.
    pub types: Option<Vec<String>>,
    /// Roll people and organisations up to their state.
    pub state_level: bool,
    /// Drop co-mention and relation edges lighter than this.
    pub min_weight: Option<u64>,
    /// Keep the ego network of this node id ...
    pub focus: Option<String>,
    /// ... to this depth.
    pub depth: usize,
    /// Keep the N most connected nodes.
    pub top: Option<usize>,
}

impl Filters {
    /// Whether any filter is set.
    pub fn any(&self) -> bool {
        self.min_confidence.is_some() || self.types.is_some() || self.state_level || self.min_weight.is_some() || self.focus.is_some() || self.top.is_some()
    }

    pub(super) fn describe(&self) -> Vec<String> {
        let mut v = Vec::new();
        if let Some(c) = self.min_confidence {
            v.push(format!("min-confidence={c}"));
        }
        if let Some(t) = &self.types {
            v.push(format!("types={}", t.join(",")));
        }
        if self.state_level {
            v.push("state-level".into());
        }
        if let Some(w) = self.min_weight {
            v.push(format!("min-weight={w}"));
        }
        if let Some(f) = &self.focus {
            v.push(format!("focus={f} depth={}", self.depth));
        }
        if let Some(n) = self.top {
            v.push(format!("top={n}"));
        }
        v
    }
}

/// Refuses a `--types` value no node of the graph has (`persons` gave an empty graph),
/// suggesting the closest type the graph has (by edit distance, the `strsim` crate) and
/// listing them all.
fn check_types(doc: &GraphDoc, types: &[String]) -> Result<()> {
    let kinds: BTreeSet<&str> = doc.nodes.iter().map(|n| n.kind.as_str()).collect();
    let list = kinds.iter().copied().collect::<Vec<_>>().join(", ");
    for t in types {
        if kinds.contains(t.as_str()) {
            continue;
        }
        let closest = kinds.iter().map(|k| (strsim::damerau_levenshtein(t, k), *k)).min().filter(|(d, k)| *d <= 2.max(k.len() / 4));
        return Err(Error::usage(match closest {
            Some((_, k)) => format!("--types: no node of this graph is of type {t:?}; did you mean {k:?}? (its types: {list})"),
            None => format!("--types: no node of this graph is of type {t:?} (its types: {list})"),
        }));
    }
    Ok(())
}

impl GraphDoc {
    /// Applies legibility filters. Nodes left without an edge are dropped when any filter is
    /// set; claims stay when both their actors (or their states) stay.
    pub fn filtered(self, f: &Filters) -> Result<GraphDoc> {
        if !f.any() {
            return Ok(self);
        }
        let mut doc = self;
        doc.settings.filters = f.describe();
        if let Some(min) = f.min_confidence {
            min_confidence(&mut doc, min);
        }
        if let Some(types) = &f.types {
            check_types(&doc, types)?;
            doc.nodes.retain(|n| types.iter().any(|t| t == &n.kind));
            retain_edges(&mut doc);
        }
        if f.state_level {
            state_level(&mut doc);
        }
        if let Some(w) = f.min_weight {
            doc.edges.retain(|e| e.kind == "affiliation" || e.weight >= w);
            drop_isolated(&mut doc);
        }
        if let Some(focus) = &f.focus {
            if doc.node(focus).is_none() {
                return Err(Error::usage(format!("--focus {focus:?} is not a node of this graph")));
            }
            let mut adj: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for e in &doc.edges {
                adj.entry(&e.source).or_default().insert(&e.target);
                adj.entry(&e.target).or_default().insert(&e.source);
            }
            let mut keep: BTreeSet<String> = BTreeSet::new();
            let mut queue = VecDeque::from([(focus.as_str(), 0usize)]);
            keep.insert(focus.clone());
            while let Some((n, d)) = queue.pop_front() {
                if d == f.depth {
                    continue;
                }
                for m in adj.get(n).into_iter().flatten() {
                    if keep.insert(m.to_string()) {
                        queue.push_back((m, d + 1));
                    }
                }
            }
            doc.nodes.retain(|n| keep.contains(&n.id));
            retain_edges(&mut doc);
        }
        if let Some(top) = f.top {
            let mut degree: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for e in &doc.edges {
                degree.entry(&e.source).or_default().insert(&e.target);
                degree.entry(&e.target).or_default().insert(&e.source);
            }
            let mut ranked: Vec<&NodeRec> = doc.nodes.iter().collect();
            ranked.sort_by(|a, b| {
                let (da, db) = (degree.get(a.id.as_str()).map_or(0, |s| s.len()), degree.get(b.id.as_str()).map_or(0, |s| s.len()));
                db.cmp(&da).then(b.mentions.cmp(&a.mentions)).then(a.id.cmp(&b.id))
            });
            let keep: BTreeSet<String> = ranked.iter().take(top).map(|n| n.id.clone()).collect();
            doc.nodes.retain(|n| keep.contains(&n.id));
            retain_edges(&mut doc);
        }
        drop_isolated(&mut doc);
        let ids: BTreeSet<&str> = doc.nodes.iter().map(|n| n.id.as_str()).collect();
        let kept = doc.claims.retain(|c| claim_kept(c, &ids));
        for e in &mut doc.edges {
            if let Some(ev) = &mut e.evidence {
                ev.retain(|c| kept.contains(c));
            }
        }
        Ok(doc)
    }
}

/// Leaves out the claims less sure than `min`, and counts relation edges again from the claims
/// left: claims and copies, outlets, first and last date; an edge left with none is dropped.
fn min_confidence(doc: &mut GraphDoc, min: f64) {
    let kept = doc.claims.retain(|c| c.confidence.is_none_or(|x| x >= min));
    doc.claims.orphan_copies(&kept);
    let info: BTreeMap<String, (String, bool)> = doc.claims.iter_light().map(|c| (c.id, (c.document, c.copy_of.is_some()))).collect();
    let documents: BTreeMap<&str, &super::DocumentRec> = doc.documents.iter().map(|d| (d.id.as_str(), d)).collect();
    doc.edges.retain_mut(|e| {
        let Some(ev) = &mut e.evidence else { return true };
        if e.kind != "relation" {
            return true;
        }
        ev.retain(|c| kept.contains(c));
        if ev.is_empty() {
            return false;
        }
        let of = |c: &String| info.get(c).map(|(d, copy)| (documents.get(d.as_str()).copied(), *copy));
        let originals: Vec<_> = ev.iter().filter_map(of).filter(|(_, copy)| !copy).collect();
        let outlets: BTreeSet<String> =
            originals.iter().filter_map(|(d, _)| *d).map(|d| d.outlet.clone().unwrap_or_else(|| format!("document {}", d.id))).collect();
        let dates: Vec<String> = ev.iter().filter_map(of).filter_map(|(d, _)| d.and_then(|d| d.published.clone())).collect();
        e.claims = Some(originals.len() as u64);
        e.copies = Some((ev.len() - originals.len()) as u64);
        e.weight = originals.len() as u64;
        e.outlets = Some(outlets.len() as u64);
        e.first = Some(dates.iter().min().cloned());
        e.last = Some(dates.iter().max().cloned());
        true
    });
    drop_isolated(doc);
}

pub(super) fn claim_kept(c: &ClaimRec, ids: &BTreeSet<&str>) -> bool {
    let side = |e: &str, s: &str| ids.contains(e) || ids.contains(s);
    side(&c.subject, &c.subject_state) && side(&c.object, &c.object_state)
}

pub(super) fn retain_edges(doc: &mut GraphDoc) {
    let ids: BTreeSet<String> = doc.nodes.iter().map(|n| n.id.clone()).collect();
    doc.edges.retain(|e| ids.contains(&e.source) && ids.contains(&e.target));
}

pub(super) fn drop_isolated(doc: &mut GraphDoc) {
    let linked: BTreeSet<String> = doc.edges.iter().flat_map(|e| [e.source.clone(), e.target.clone()]).collect();
    doc.nodes.retain(|n| linked.contains(&n.id));
}

/// Folds people and organisations into their states (when the state is a node).
pub(super) fn state_level(doc: &mut GraphDoc) {
    let present: BTreeSet<String> = doc.nodes.iter().filter(|n| n.kind == "state").map(|n| n.id.clone()).collect();
    let to: BTreeMap<String, String> = doc
        .nodes
        .iter()
        .filter(|n| n.kind != "state")
        .filter_map(|n| n.affiliation.as_ref().filter(|a| present.contains(*a)).map(|a| (n.id.clone(), a.clone())))
        .collect();
    let map = |id: &str| to.get(id).cloned().unwrap_or_else(|| id.to_string());
    // Two passes: the nodes that stay, then the ones folded into them (their state is present).
    let (stay, fold): (Vec<NodeRec>, Vec<NodeRec>) = doc.nodes.drain(..).partition(|n| map(&n.id) == n.id);
    let mut merged: BTreeMap<String, NodeRec> = stay.into_iter().map(|n| (n.id.clone(), n)).collect();
    for n in fold {
        if let Some(into) = merged.get_mut(&map(&n.id)) {
            add_counts(into, &n);
        }
    }
    doc.nodes = merged.into_values().collect();
    // Edges: re-point, drop affiliations and self-loops, merge co-mentions and relations.
    // Keyed by source, target, kind, relation and negation.
    type EdgeKey = (String, String, String, Option<String>, Option<bool>);
    let mut edges: BTreeMap<EdgeKey, EdgeRec> = BTreeMap::new();
    for mut e in doc.edges.drain(..) {
        if e.kind == "affiliation" {
            continue;
        }
        e.source = map(&e.source);
        e.target = map(&e.target);
        if e.source == e.target {
            continue;
        }
        if e.directed != Some(true) && e.target < e.source {
            std::mem::swap(&mut e.source, &mut e.target);
        }
        let key = (e.source.clone(), e.target.clone(), e.kind.clone(), e.relation.clone(), e.negated);
        match edges.get_mut(&key) {
            None => {
                edges.insert(key, e);
            }
            Some(m) => {
                m.weight += e.weight;
                m.npmi = None;
                if let (Some(a), Some(b)) = (&mut m.documents, &e.documents) {
                    a.add_all(b);
                }
                if let (Some(a), Some(b)) = (&mut m.claims, e.claims) {
                    *a += b;
                }
                if let (Some(a), Some(b)) = (&mut m.evidence, &e.evidence) {
                    a.extend(b.iter().cloned());
                    a.sort();
                }
            }
        }
    }
    doc.edges = edges.into_values().collect();
}

pub(super) fn add_counts(into: &mut NodeRec, from: &NodeRec) {
    into.mentions += from.mentions;
    into.documents.add_all(&from.documents);
    for (h, c) in &from.matched_as {
        *into.matched_as.entry(h.clone()).or_default() += c;
    }
}
