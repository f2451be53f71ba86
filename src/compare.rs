//! `newsgraph compare`: what each source claims about a pair of actors, side by side.
//!
//! Both actors roll up to their states (a person or organisation to its affiliation), so
//! "Putin" and "Araghchi" compare Russia with Iran. For the pair, every source (document) gets
//! a row: outlet, date, its claims with quoted speakers, cooperative, conflictual and denied
//! counts, and stance scores (see [`STANCE`](crate::export::doc::stance::STANCE)): overall, in the outlet's own narration, and in
//! the speakers it quotes; then who says what, speaker by speaker. Then a timeline ordered by
//! date, where sources agree and where they contradict each other, and which claims copy
//! another source's. `--all` ranks every pair by claims.
//!
//! It reads a [`GraphDoc`] only: the one `build` makes in memory, or a saved `graph.json`
//! (`compare --graph`), so both give the same answer.
//!
//! The report types here are output types: they carry serde derives for `--format json`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use quick_xml::escape::escape as html_escape;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::export::GraphDoc;
pub use crate::export::doc::stance::SpeakerRow;
use crate::export::doc::stance::{STANCE, Scored, stance_of, who_says_what};
use crate::export::doc::{ClaimRec, DocumentRec};
use crate::gazetteer::Gazetteer;
use crate::norm::normalize_alias;
use crate::relations::{Modality, Polarity};

/// One claim as a comparison lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimRow {
    /// Claim id in `graph.json`.
    pub id: String,
    /// Subject (entity id) and object, as stated.
    pub subject: String,
    /// Object entity id.
    pub object: String,
    /// Relation type.
    pub relation: String,
    /// `cooperative`, `conflictual` or `neutral`.
    pub polarity: &'static str,
    /// Denied by the text.
    pub negated: bool,
    /// `asserted`, `future`, `hypothetical` or `question`.
    pub modality: &'static str,
    /// Who said it (entity label), when quoted or reported.
    pub speaker: Option<String>,
    /// The sentence.
    pub sentence: String,
    /// The cue as it appears in the text.
    pub cue: String,
    /// Goldstein value of the relation.
    pub goldstein: f64,
    /// The claim this one copies, in another document.
    pub copy_of: Option<String>,
    /// How sure its pairing is (0.05 to 0.99), when the graph records it.
    pub confidence: Option<f64>,
}

/// One source's view of the pair.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRow {
    /// Document id.
    pub document: String,
    /// Outlet, when known.
    pub outlet: Option<String>,
    /// Publication date, when known.
    pub published: Option<String>,
    /// Its claims about the pair, in text order.
    pub claims: Vec<ClaimRow>,
    /// Distinct speakers quoted in those claims.
    pub speakers: Vec<String>,
    /// Claims of cooperative relations, not denied.
    pub cooperative: usize,
    /// Claims of conflictual relations, not denied.
    pub conflictual: usize,
    /// Claims the text denies.
    pub denied: usize,
    /// Stance over all its claims (see [`STANCE`](crate::export::doc::stance::STANCE)); 0 when none weighs anything.
    pub stance: f64,
    /// Stance of the claims in the outlet's own voice (no speaker), when there are any.
    pub narration: Option<f64>,
    /// Stance of the claims it quotes or reports, when there are any.
    pub quoted: Option<f64>,
    /// Whether every claim here copies another source's.
    pub copy: bool,
}

/// Where sources agree or disagree.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// `agree` or `contradict`.
    pub kind: &'static str,
    /// The relation or `stance`.
    pub about: String,
    /// A sentence saying what.
    pub detail: String,
    /// The documents involved.
    pub documents: Vec<String>,
}

/// The comparison of one pair.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// First actor (state-level id and label).
    pub a: (String, String),
    /// Second actor.
    pub b: (String, String),
    /// One row per source, ordered by date (undated last), then document id.
    pub sources: Vec<SourceRow>,
    /// Who says what: one row per speaker (and one for the outlets' narration), most claims
    /// first.
    pub speakers: Vec<SpeakerRow>,
    /// Agreements and contradictions between sources.
    pub findings: Vec<Finding>,
    /// How stance is computed.
    pub stance_method: &'static str,
    /// Claims in all, and how many copy another source's.
    pub claims: usize,
    /// Copies among them.
    pub copies: usize,
}

impl Comparison {
    /// "12 claims from 3 sources (1 copy)": the summary every format opens with.
    pub fn summary(&self) -> String {
        format!(
            "{} from {} ({})",
            crate::count(self.claims, "claim", "claims"),
            crate::count(self.sources.len(), "source", "sources"),
            crate::count(self.copies, "copy", "copies")
        )
    }
}

/// A row of `compare --all`.
#[derive(Debug, Clone, Serialize)]
pub struct PairRow {
    /// State-level ids.
    pub a: String,
    /// Second id.
    pub b: String,
    /// Claims that are not copies.
    pub claims: usize,
    /// Sources with at least one claim.
    pub sources: usize,
    /// Cooperative, not denied.
    pub cooperative: usize,
    /// Conflictual, not denied.
    pub conflictual: usize,
    /// Denied.
    pub denied: usize,
    /// Mean stance over the claims.
    pub stance: f64,
}

/// An actor as a comparison names it: state-level id and label.
pub type Actor = (String, String);

/// Resolves a user's name for an actor (id, name or alias) in the gazetteer, at state level.
pub fn resolve(gaz: &Gazetteer, name: &str) -> Result<Actor> {
    let e = gaz.find(name).ok_or_else(|| Error::usage(format!("no entity is called {name:?} (try an id, a name or an alias)")))?;
    let state = &gaz.entities[gaz.state_of(gaz.index_of(&e.id).expect("found entity") as u32) as usize];
    Ok((state.id.clone(), state.name.clone()))
}

/// Resolves a user's name for an actor (id, label or alias) among the nodes of a saved graph,
/// at state level: a node's affiliation, when it has one, as the gazetteer rolls it up.
pub fn resolve_in(doc: &GraphDoc, name: &str) -> Result<Actor> {
    let q = normalize_alias(name, true);
    let node = doc
        .node(name)
        .or_else(|| doc.nodes.iter().find(|n| normalize_alias(&n.label, true) == q))
        .or_else(|| doc.nodes.iter().find(|n| n.aliases.iter().any(|a| normalize_alias(a, true) == q)))
        .ok_or_else(|| Error::usage(format!("no node of the graph is called {name:?} (try an id, a label or an alias)")))?;
    let id = match (node.kind.as_str(), &node.affiliation) {
        ("state", _) | (_, None) => node.id.clone(),
        (_, Some(a)) => a.clone(),
    };
    let label = doc.node(&id).map_or_else(|| id.clone(), |n| n.label.clone());
    Ok((id, label))
}

/// The state-level pair of a claim, in id order.
fn pair_key(c: &ClaimRec) -> (&str, &str) {
    let (x, y) = (c.subject_state.as_str(), c.object_state.as_str());
    if x <= y { (x, y) } else { (y, x) }
}

/// Compares what the sources of a graph document claim about actors `a` and `b` (see
/// [`resolve`], [`resolve_in`]).
pub fn compare(doc: &GraphDoc, a: Actor, b: Actor) -> Result<Comparison> {
    let want = if a.0 <= b.0 { (a.0.as_str(), b.0.as_str()) } else { (b.0.as_str(), a.0.as_str()) };
    let mut per_doc: BTreeMap<String, Vec<ClaimRec>> = BTreeMap::new();
    for c in doc.claims.select(|c| pair_key(c) == want) {
        let c = c?;
        per_doc.entry(c.document.clone()).or_default().push(c);
    }
    let labels: BTreeMap<&str, &str> = doc.nodes.iter().map(|n| (n.id.as_str(), n.label.as_str())).collect();
    let documents: BTreeMap<&str, &DocumentRec> = doc.documents.iter().map(|d| (d.id.as_str(), d)).collect();
    let polarity = |p: &str| [Polarity::Cooperative, Polarity::Conflictual, Polarity::Neutral].into_iter().find(|x| x.as_str() == p);
    let modality = |m: &str| [Modality::Asserted, Modality::Future, Modality::Hypothetical, Modality::Question].into_iter().find(|x| x.as_str() == m);
    let mut sources: Vec<SourceRow> = Vec::new();
    for (d, records) in per_doc {
        let info = documents.get(d.as_str()).copied();
        let claims: Vec<ClaimRow> = records
            .iter()
            .map(|r| ClaimRow {
                id: r.id.clone(),
                subject: r.subject.clone(),
                object: r.object.clone(),
                relation: r.relation.clone(),
                polarity: polarity(&r.polarity).map_or("neutral", Polarity::as_str),
                negated: r.negated,
                modality: modality(&r.modality).map_or("asserted", Modality::as_str),
                speaker: r.speaker.as_deref().map(|s| labels.get(s).map_or(s, |l| *l).to_string()),
                sentence: r.sentence.split_whitespace().collect::<Vec<_>>().join(" "),
                cue: r.cue.clone(),
                goldstein: r.goldstein,
                copy_of: r.copy_of.clone(),
                confidence: r.confidence,
            })
            .collect();
        let speakers: Vec<String> = claims.iter().filter_map(|c| c.speaker.clone()).collect::<BTreeSet<_>>().into_iter().collect();
        let count = |p: Polarity| records.iter().filter(|r| !r.negated && r.polarity == p.as_str()).count();
        let stance =
            |keep: &dyn Fn(&ClaimRec) -> bool| stance_of(records.iter().filter(|r| keep(r)).map(|r| scored(r.goldstein, r.negated, &r.modality, &r.polarity)));
        sources.push(SourceRow {
            document: d.clone(),
            outlet: info.and_then(|i| i.outlet.clone()),
            published: info.and_then(|i| i.published.clone()),
            speakers,
            cooperative: count(Polarity::Cooperative),
            conflictual: count(Polarity::Conflictual),
            denied: records.iter().filter(|r| r.negated).count(),
            stance: stance(&|_| true).unwrap_or(0.0),
            narration: stance(&|r| r.speaker.is_none()),
            quoted: stance(&|r| r.speaker.is_some()),
            copy: records.iter().all(|r| r.copy_of.is_some()),
            claims,
        });
    }
    sources.sort_by(|x, y| (x.published.is_none(), &x.published, &x.document).cmp(&(y.published.is_none(), &y.published, &y.document)));
    let findings = findings(&sources);
    let speakers = speakers(&sources);
    let claims = sources.iter().map(|s| s.claims.len()).sum();
    let copies = sources.iter().flat_map(|s| &s.claims).filter(|c| c.copy_of.is_some()).count();
    Ok(Comparison { a, b, sources, speakers, findings, stance_method: STANCE, claims, copies })
}

/// Who says what: the claims of each speaker (and of the outlets' narration), copies left out.
fn speakers(sources: &[SourceRow]) -> Vec<SpeakerRow> {
    who_says_what(sources.iter().flat_map(|s| {
        s.claims
            .iter()
            .filter(|c| c.copy_of.is_none())
            .map(move |c| (c.speaker.clone(), s.document.as_str(), scored(c.goldstein, c.negated, c.modality, c.polarity)))
    }))
}

fn scored<'a>(goldstein: f64, negated: bool, modality: &'a str, polarity: &'a str) -> Scored<'a> {
    Scored { goldstein, negated, modality, polarity }
}

fn findings(sources: &[SourceRow]) -> Vec<Finding> {
    let mut out = Vec::new();
    // Per relation: who asserts it, who denies it (copies do not count as confirmation).
    let mut asserted: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut denied: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for s in sources {
        for c in s.claims.iter().filter(|c| c.copy_of.is_none() && c.modality != "question") {
            let map = if c.negated { &mut denied } else { &mut asserted };
            map.entry(c.relation.as_str()).or_default().insert(s.document.as_str());
        }
    }
    for (rel, docs) in &asserted {
        if docs.len() >= 2 {
            out.push(Finding {
                kind: "agree",
                about: rel.to_string(),
                detail: format!("{rel}: stated by {} independent sources", docs.len()),
                documents: docs.iter().map(|d| d.to_string()).collect(),
            });
        }
        if let Some(no) = denied.get(rel) {
            let yes: Vec<String> = docs.iter().map(|d| d.to_string()).collect();
            let noes: Vec<String> = no.iter().map(|d| d.to_string()).collect();
            out.push(Finding {
                kind: "contradict",
                about: rel.to_string(),
                detail: format!("{rel}: stated by {}; denied by {}", yes.join(", "), noes.join(", ")),
                documents: yes.into_iter().chain(noes).collect(),
            });
        }
    }
    // Outlets disagree in their own voice (their narration), not through whom they quote.
    let own = |s: &SourceRow| s.narration.unwrap_or(0.0);
    let friendly: Vec<&SourceRow> = sources.iter().filter(|s| !s.copy && own(s) > 0.5).collect();
    let hostile: Vec<&SourceRow> = sources.iter().filter(|s| !s.copy && own(s) < -0.5).collect();
    if !friendly.is_empty() && !hostile.is_empty() {
        let list = |v: &[&SourceRow]| v.iter().map(|s| format!("{} ({:+.1})", s.document, own(s))).collect::<Vec<_>>().join(", ");
        out.push(Finding {
            kind: "contradict",
            about: "stance".into(),
            detail: format!("cooperative in their own narration: {}; conflictual: {}", list(&friendly), list(&hostile)),
            documents: friendly.iter().chain(&hostile).map(|s| s.document.clone()).collect(),
        });
    }
    out
}

/// Ranks every pair of states (or unaffiliated actors) by claims, with at least `min_claims`.
pub fn rank_pairs(doc: &GraphDoc, min_claims: usize) -> Result<Vec<PairRow>> {
    let mut by_pair: BTreeMap<(String, String), Vec<ClaimRec>> = BTreeMap::new();
    for c in doc.claims.iter_light() {
        let (x, y) = pair_key(&c);
        by_pair.entry((x.to_string(), y.to_string())).or_default().push(c);
    }
    doc.claims.check()?;
    let mut rows: Vec<PairRow> = by_pair
        .into_iter()
        .map(|((a, b), rs)| {
            let originals: Vec<&ClaimRec> = rs.iter().filter(|r| r.copy_of.is_none()).collect();
            let count = |p: Polarity| originals.iter().filter(|r| !r.negated && r.polarity == p.as_str()).count();
            let stance = stance_of(originals.iter().map(|r| scored(r.goldstein, r.negated, &r.modality, &r.polarity))).unwrap_or(0.0);
            PairRow {
                a,
                b,
                claims: originals.len(),
                sources: rs.iter().map(|r| r.document.as_str()).collect::<BTreeSet<_>>().len(),
                cooperative: count(Polarity::Cooperative),
                conflictual: count(Polarity::Conflictual),
                denied: originals.iter().filter(|r| r.negated).count(),
                stance,
            }
        })
        .filter(|r| r.claims >= min_claims.max(1))
        .collect();
    rows.sort_by(|x, y| y.claims.cmp(&x.claims).then(y.sources.cmp(&x.sources)).then((&x.a, &x.b).cmp(&(&y.a, &y.b))));
    Ok(rows)
}

/// Output formats of `compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text for a terminal.
    Table,
    /// Markdown.
    Markdown,
    /// JSON.
    Json,
    /// A self-contained HTML page.
    Html,
}

fn source_name(s: &SourceRow) -> String {
    format!("{} · {}", s.outlet.as_deref().unwrap_or("unknown outlet"), s.published.as_deref().unwrap_or("undated"))
}

/// A stance for a table: signed, or a dash when there is none.
fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |v| format!("{v:+.2}"))
}

fn claim_line(c: &ClaimRow) -> String {
    let mut t = format!("{}{} {} {}", if c.negated { "NOT " } else { "" }, c.subject, c.relation, c.object);
    if c.modality != "asserted" {
        let _ = write!(t, " ({})", c.modality);
    }
    let _ = write!(t, " — “{}”", c.sentence);
    if let Some(sp) = &c.speaker {
        let _ = write!(t, " — said by {sp}");
    }
    if let Some(o) = &c.copy_of {
        let _ = write!(t, " [copy of {o}]");
    }
    t
}

/// Renders a comparison.
pub fn render(c: &Comparison, format: Format) -> String {
    let mut out = String::new();
    match format {
        Format::Json => {
            out = serde_json::to_string_pretty(c).expect("comparison serialises");
            out.push('\n');
        }
        Format::Table => {
            let _ = writeln!(out, "{} – {}: {}", c.a.1, c.b.1, c.summary());
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "{:<44} {:>6} {:>5} {:>5} {:>6} {:>7} {:>9} {:>7}  speakers",
                "source", "claims", "coop", "conf", "denied", "stance", "narration", "quoted"
            );
            for s in &c.sources {
                let _ = writeln!(
                    out,
                    "{:<44} {:>6} {:>5} {:>5} {:>6} {:>+7.2} {:>9} {:>7}  {}",
                    source_name(s).chars().take(44).collect::<String>(),
                    s.claims.len(),
                    s.cooperative,
                    s.conflictual,
                    s.denied,
                    s.stance,
                    opt(s.narration),
                    opt(s.quoted),
                    s.speakers.join(", ")
                );
            }
            let _ = writeln!(out, "\nWho says what");
            let _ = writeln!(out, "  {:<40} {:>6} {:>7} {:>5} {:>5} {:>6} {:>7}", "speaker", "claims", "sources", "coop", "conf", "denied", "stance");
            for r in &c.speakers {
                let _ = writeln!(
                    out,
                    "  {:<40} {:>6} {:>7} {:>5} {:>5} {:>6} {:>7}",
                    r.speaker.chars().take(40).collect::<String>(),
                    r.claims,
                    r.sources,
                    r.cooperative,
                    r.conflictual,
                    r.denied,
                    opt(r.stance)
                );
            }
            let _ = writeln!(out, "\n({})", c.stance_method);
            let _ = writeln!(out, "\nTimeline");
            for s in &c.sources {
                let _ = writeln!(out, "  {} ({}){}", source_name(s), s.document, if s.copy { " — copy" } else { "" });
                for cl in &s.claims {
                    let _ = writeln!(out, "    {}", claim_line(cl));
                }
            }
            if !c.findings.is_empty() {
                let _ = writeln!(out, "\nAgreement and contradiction");
                for f in &c.findings {
                    let _ = writeln!(out, "  {:<10} {}", f.kind, f.detail);
                }
            }
        }
        Format::Markdown => {
            let _ = writeln!(out, "# {} – {}\n", c.a.1, c.b.1);
            let _ = writeln!(out, "{}.\n", c.summary());
            let _ = writeln!(out, "| source | document | claims | cooperative | conflictual | denied | stance | narration | quoted | speakers |");
            let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
            for s in &c.sources {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {:+.2} | {} | {} | {} |",
                    source_name(s).replace('|', "\\|"),
                    s.document,
                    s.claims.len(),
                    s.cooperative,
                    s.conflictual,
                    s.denied,
                    s.stance,
                    opt(s.narration),
                    opt(s.quoted),
                    s.speakers.join(", ")
                );
            }
            let _ = writeln!(
                out,
                "\n## Who says what\n\n| speaker | claims | sources | cooperative | conflictual | denied | stance |\n|---|---:|---:|---:|---:|---:|---:|"
            );
            for r in &c.speakers {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    r.speaker.replace('|', "\\|"),
                    r.claims,
                    r.sources,
                    r.cooperative,
                    r.conflictual,
                    r.denied,
                    opt(r.stance)
                );
            }
            let _ = writeln!(out, "\n*{}.*", c.stance_method);
            let _ = writeln!(out, "\n## Timeline\n");
            for s in &c.sources {
                let _ = writeln!(out, "### {} ({}){}\n", source_name(s), s.document, if s.copy { " — copy" } else { "" });
                for cl in &s.claims {
                    let _ = writeln!(out, "- {}", claim_line(cl).replace('|', "\\|"));
                }
                let _ = writeln!(out);
            }
            if !c.findings.is_empty() {
                let _ = writeln!(out, "## Agreement and contradiction\n");
                for f in &c.findings {
                    let _ = writeln!(out, "- **{}**: {}", f.kind, f.detail);
                }
            }
        }
        Format::Html => {
            let title = format!("{} – {}", html_escape(&c.a.1), html_escape(&c.b.1));
            let _ = writeln!(out, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>");
            let _ = writeln!(
                out,
                "<style>body{{font-family:sans-serif;max-width:70em;margin:2em auto}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em .6em}}.coop{{color:#2e7d32}}.conf{{color:#c62828}}.neg{{text-decoration:line-through}}</style></head><body>"
            );
            let _ = writeln!(out, "<h1>{title}</h1><p>{}.</p>", c.summary());
            let _ = writeln!(
                out,
                "<table><tr><th>source</th><th>document</th><th>claims</th><th>cooperative</th><th>conflictual</th><th>denied</th><th>stance</th><th>narration</th><th>quoted</th><th>speakers</th></tr>"
            );
            for s in &c.sources {
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:+.2}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    html_escape(source_name(s)),
                    html_escape(&s.document),
                    s.claims.len(),
                    s.cooperative,
                    s.conflictual,
                    s.denied,
                    s.stance,
                    opt(s.narration),
                    opt(s.quoted),
                    html_escape(s.speakers.join(", "))
                );
            }
            let _ = writeln!(
                out,
                "</table><h2>Who says what</h2><table><tr><th>speaker</th><th>claims</th><th>sources</th><th>cooperative</th><th>conflictual</th><th>denied</th><th>stance</th></tr>"
            );
            for r in &c.speakers {
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    html_escape(&r.speaker),
                    r.claims,
                    r.sources,
                    r.cooperative,
                    r.conflictual,
                    r.denied,
                    opt(r.stance)
                );
            }
            let _ = writeln!(out, "</table><p><i>{}.</i></p><h2>Timeline</h2>", html_escape(c.stance_method));
            for s in &c.sources {
                let _ = writeln!(out, "<h3>{} ({})</h3><ul>", html_escape(source_name(s)), html_escape(&s.document));
                for cl in &s.claims {
                    let class = match cl.polarity {
                        "cooperative" => "coop",
                        "conflictual" => "conf",
                        _ => "",
                    };
                    let neg = if cl.negated { " neg" } else { "" };
                    let _ = writeln!(out, "<li class=\"{class}{neg}\">{}</li>", html_escape(claim_line(cl)));
                }
                let _ = writeln!(out, "</ul>");
            }
            if !c.findings.is_empty() {
                let _ = writeln!(out, "<h2>Agreement and contradiction</h2><ul>");
                for f in &c.findings {
                    let _ = writeln!(out, "<li><b>{}</b>: {}</li>", f.kind, html_escape(&f.detail));
                }
                let _ = writeln!(out, "</ul>");
            }
            let _ = writeln!(out, "</body></html>");
        }
    }
    out
}

/// Renders the ranking of `compare --all`.
pub fn render_ranking(rows: &[PairRow], doc: &GraphDoc, format: Format) -> String {
    // One lookup table: a search of the nodes per row was quadratic (minutes for 100,000 pairs).
    let labels: std::collections::HashMap<&str, &str> = doc.nodes.iter().map(|n| (n.id.as_str(), n.label.as_str())).collect();
    let name = |id: &str| labels.get(id).map_or(id.to_string(), |l| l.to_string());
    let mut out = String::new();
    match format {
        Format::Json => {
            out = serde_json::to_string_pretty(rows).expect("rows serialise");
            out.push('\n');
        }
        Format::Table => {
            let _ = writeln!(out, "{:<40} {:>6} {:>7} {:>5} {:>5} {:>6} {:>7}", "pair", "claims", "sources", "coop", "conf", "denied", "stance");
            for r in rows {
                let pair = format!("{} – {}", name(&r.a), name(&r.b));
                let _ =
                    writeln!(out, "{:<40} {:>6} {:>7} {:>5} {:>5} {:>6} {:>+7.2}", pair, r.claims, r.sources, r.cooperative, r.conflictual, r.denied, r.stance);
            }
        }
        Format::Markdown => {
            let _ = writeln!(out, "| pair | claims | sources | cooperative | conflictual | denied | stance |\n|---|---:|---:|---:|---:|---:|---:|");
            for r in rows {
                let _ = writeln!(
                    out,
                    "| {} – {} | {} | {} | {} | {} | {} | {:+.2} |",
                    name(&r.a),
                    name(&r.b),
                    r.claims,
                    r.sources,
                    r.cooperative,
                    r.conflictual,
                    r.denied,
                    r.stance
                );
            }
        }
        Format::Html => {
            let _ = writeln!(out, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Pairs</title></head><body><table>");
            let _ =
                writeln!(out, "<tr><th>pair</th><th>claims</th><th>sources</th><th>cooperative</th><th>conflictual</th><th>denied</th><th>stance</th></tr>");
            for r in rows {
                let _ = writeln!(
                    out,
                    "<tr><td>{} – {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:+.2}</td></tr>",
                    html_escape(name(&r.a)),
                    html_escape(name(&r.b)),
                    r.claims,
                    r.sources,
                    r.cooperative,
                    r.conflictual,
                    r.denied,
                    r.stance
                );
            }
            let _ = writeln!(out, "</table></body></html>");
        }
    }
    out
}
