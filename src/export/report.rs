//! `report.html`: one self-contained page (no network access, no external script) for an
//! analyst:
//! - the diagram, opening on the state-level view with a toggle to the full graph, with pan
//!   and zoom (wheel, drag, buttons);
//! - a click near a relation edge (the nearest edge within a few pixels, so thin edges and
//!   edges under others are easy to hit) opens its evidence: titled by the edge, the claims in
//!   date order, each quote with its outlet, date and speaker in words and a link to the
//!   article; rule ids on demand;
//! - the legend, and what the diagram leaves out;
//! - the most-discussed pairs: who says what, a timeline chart ([`super::timeline`]) and the
//!   claims in date order.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::json;

use super::doc::{ClaimRec, DocumentRec, GraphDoc};
use super::dot::{DotOptions, relation_edge_id, relation_label};
use crate::export::Style;

/// HTML text or a quoted attribute value: quick-xml's escaping (`& < > " '`), as in the XML
/// formats.
fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(s)
}

/// How many pairs the report details.
const TOP_PAIRS: usize = 5;

/// At most this many claims are listed per drawn edge and per pair table; the rest are in
/// `graph.json`. A report is read by people: a million quotes would only bury the page.
const LISTED: usize = 100;

/// "2022-07-19" as "19 July 2022"; anything else as it is.
fn date_words(d: &str) -> String {
    const MONTHS: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    match d.get(..10).and_then(|x| x.parse::<crate::date::Date>().ok()) {
        Some(date) => {
            let s = date.to_string();
            let month: usize = s[5..7].parse().unwrap_or(1);
            let day: u32 = s[8..10].parse().unwrap_or(1);
            format!("{day} {} {}", MONTHS[month - 1], date.year())
        }
        None => d.to_string(),
    }
}

/// One diagram of the page: its id prefix, its name, and its graph.
struct View<'d> {
    key: &'static str,
    name: &'static str,
    doc: std::borrow::Cow<'d, GraphDoc>,
}

/// Renders the report, with the diagram options of the build (news sources left out, the edge
/// cap, the time limit). Returns the page and notes for the user (a diagram not drawn, edges
/// left out). Fails only when claim evidence cannot be read back.
pub fn render(doc: &GraphDoc, style: &Style, opts: &DotOptions) -> crate::error::Result<(String, Vec<String>)> {
    let mut notes = Vec::new();
    let label = |id: &str| doc.node(id).map_or(id.to_string(), |n| n.label.clone());
    let docs: BTreeMap<&str, &DocumentRec> = doc.documents.iter().map(|d| (d.id.as_str(), d)).collect();
    let published = |c: &ClaimRec| docs.get(c.document.as_str()).and_then(|d| d.published.clone());
    let by_date = |x: &ClaimRec, y: &ClaimRec| {
        (published(x).is_none(), published(x), &x.document, &x.id).cmp(&(published(y).is_none(), published(y), &y.document, &y.id))
    };

    // The views: state level first (unless the graph is already at state level), then the full
    // graph.
    let already = doc.settings.filters.iter().any(|f| f.starts_with("state_level"));
    let mut views = Vec::new();
    if !already {
        // The state view needs no documents: they are not copied.
        let copy = GraphDoc {
            schema: doc.schema.clone(),
            generator: doc.generator.clone(),
            gazetteer: doc.gazetteer.clone(),
            settings: doc.settings.clone(),
            unknown_names: doc.unknown_names.clone(),
            documents: Vec::new(),
            nodes: doc.nodes.clone(),
            edges: doc.edges.clone(),
            claims: doc.claims.clone(),
        };
        // Places are where things happen, not actors: the state view leaves them out.
        let kinds: Vec<String> = doc.nodes.iter().map(|n| n.kind.clone()).filter(|k| k != "place").collect::<BTreeSet<_>>().into_iter().collect();
        let state = copy.filtered(&super::Filters { state_level: true, types: Some(kinds), ..Default::default() })?;
        views.push(View { key: "s", name: "State level", doc: std::borrow::Cow::Owned(state) });
    }
    views.push(View { key: "f", name: if already { "State level" } else { "Full graph" }, doc: std::borrow::Cow::Borrowed(doc) });

    // The most-discussed pairs (state level; two people of one state are a pair of their own).
    let mut pairs: BTreeMap<(String, String), Vec<ClaimRec>> = BTreeMap::new();
    for c in doc.claims.iter_light() {
        let (x, y) = if c.subject_state == c.object_state { (&c.subject, &c.object) } else { (&c.subject_state, &c.object_state) };
        let (a, b) = if x <= y { (x.clone(), y.clone()) } else { (y.clone(), x.clone()) };
        pairs.entry((a, b)).or_default().push(c);
    }
    doc.claims.check()?;
    let mut ranked: Vec<_> = pairs.into_iter().collect();
    ranked.sort_by(|x, y| y.1.len().cmp(&x.1.len()).then(x.0.cmp(&y.0)));
    ranked.truncate(TOP_PAIRS);
    let light: BTreeMap<String, ClaimRec> = doc.claims.iter_light().map(|c| (c.id.clone(), c)).collect();
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    for (_, list) in &mut ranked {
        list.sort_by(&by_date);
        wanted.extend(list.iter().take(LISTED).map(|c| c.id.clone()));
    }
    // The diagrams.
    let mut drawn: Vec<(String, Option<String>)> = Vec::new();
    let mut drawn_ids: BTreeSet<String> = BTreeSet::new();
    for v in &views {
        let d = super::dot::render(&v.doc, style, &DotOptions { id_prefix: format!("{}-", v.key), title: None, ..opts.clone() });
        drawn_ids.extend(d.relation_ids.iter().cloned());
        if let Some(n) = &d.note {
            notes.push(format!("note: report.html, {}: {n}", v.name.to_lowercase()));
        }
        let drawing = super::render_with_dot(&d.source, "svg", opts.time_limit)?;
        match drawing.bytes() {
            Some(b) => {
                let svg = String::from_utf8_lossy(b);
                let start = svg.find("<svg").unwrap_or(0);
                drawn.push((svg[start..].to_string(), d.note));
            }
            None => {
                notes.extend(drawing.why_not(&format!("the {} diagram of report.html", v.name.to_lowercase())));
                drawn.push((
                    format!(
                        "<p class=\"nodiagram\">{}</p>",
                        esc(&drawing.why_not("this diagram").unwrap_or_default().replacen("note: ", "", 1).replacen("warning: ", "", 1))
                    ),
                    d.note,
                ));
            }
        }
    }

    // Each drawn relation edge of each view: the claims behind it, in date order.
    type Group = (String, String, String, bool);
    let mut groups: Vec<(&'static str, Group, Vec<String>)> = Vec::new();
    for v in &views {
        let mut by: BTreeMap<Group, Vec<String>> = BTreeMap::new();
        for e in v.doc.edges.iter().filter(|e| e.kind == "relation") {
            let (a, b) = if e.source <= e.target { (&e.source, &e.target) } else { (&e.target, &e.source) };
            let key = (a.clone(), b.clone(), e.polarity.clone().unwrap_or_else(|| "neutral".into()), e.negated.unwrap_or(false));
            by.entry(key).or_default().extend(e.evidence.iter().flatten().cloned());
        }
        for (key, mut ids) in by {
            // Only the edges the diagram draws can be clicked.
            if !drawn_ids.contains(&format!("{}-{}", v.key, relation_edge_id(&key.0, &key.1, &key.2, key.3))) {
                continue;
            }
            ids.sort_by(|x, y| match (light.get(x), light.get(y)) {
                (Some(a), Some(b)) => by_date(a, b),
                _ => x.cmp(y),
            });
            ids.dedup();
            wanted.extend(ids.iter().take(LISTED).cloned());
            groups.push((v.key, key, ids));
        }
    }
    let mut claims: BTreeMap<String, ClaimRec> = BTreeMap::new();
    for c in doc.claims.select(|c| wanted.contains(&c.id)) {
        let c = c?;
        claims.insert(c.id.clone(), c);
    }
    let claim_json = |c: &ClaimRec| {
        let d = docs.get(c.document.as_str());
        let outlet = d.and_then(|d| d.outlet.clone()).unwrap_or_else(|| "unknown outlet".into());
        json!({
            "id": c.id,
            "text": format!("{}{} — {} → {}", if c.negated { "denied: " } else { "" }, label(&c.subject), c.relation.replace('_', " "), label(&c.object)),
            "modality": c.modality,
            "speaker": c.speaker.as_deref().map(label),
            "sentence": c.sentence.split_whitespace().collect::<Vec<_>>().join(" "),
            "outlet": outlet,
            "date": d.and_then(|d| d.published.as_deref()).map(date_words),
            "url": d.and_then(|d| d.url.clone()),
            "title": d.and_then(|d| d.title.clone()),
            "rule": format!("{} · {} · pairing {}", c.id, c.rule, c.pairing),
            "copy": c.copy_of.is_some(),
        })
    };
    let mut evidence = serde_json::Map::new();
    for (key, (a, b, polarity, negated), ids) in &groups {
        let listed: Vec<serde_json::Value> = ids.iter().take(LISTED).filter_map(|id| claims.get(id)).map(&claim_json).collect();
        let copies = ids.iter().filter(|id| light.get(*id).is_some_and(|c| c.copy_of.is_some())).count();
        let mut rels: BTreeMap<String, u64> = BTreeMap::new();
        for id in ids {
            if let Some(c) = light.get(id) {
                *rels.entry(c.relation.clone()).or_default() += 1;
            }
        }
        let mut rels: Vec<(String, u64)> = rels.into_iter().collect();
        rels.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        evidence.insert(
            format!("{key}-{}", relation_edge_id(a, b, polarity, *negated)),
            json!({
                "title": format!("{} and {}", label(a), label(b)),
                "sub": format!(
                    "{}{}",
                    crate::claims_count(ids.len(), copies).replacen(" claim", &format!(" {polarity} claim"), 1),
                    if *negated { ", denied by the text" } else { "" }
                ),
                "relations": relation_label(&rels, false).replace('\n', " "),
                "claims": listed,
                "more": ids.len().saturating_sub(LISTED),
            }),
        );
    }

    let mut out = String::new();
    let copies = doc.claims.iter_light().filter(|c| c.copy_of.is_some()).count();
    let summary = format!(
        "{}, {}, {}, {}",
        crate::count(doc.documents.len(), "document", "documents"),
        crate::count(doc.nodes.len(), "node", "nodes"),
        crate::count(doc.edges.len(), "edge", "edges"),
        crate::claims_count(doc.claims.len(), copies)
    );
    let _ = writeln!(out, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>newsgraph report: {}</title>", esc(&summary));
    let _ = writeln!(
        out,
        "<style>\nbody{{font-family:{},Arial,sans-serif;margin:1em 1.5em;color:#222}}\nh1{{margin:.2em 0}}\n.toolbar{{margin:.5em 0;display:flex;gap:.4em;align-items:center;flex-wrap:wrap}}\nbutton{{font:inherit;padding:.2em .7em;border:1px solid #999;background:#f6f6f6;border-radius:3px;cursor:pointer}}\nbutton[aria-pressed=true]{{background:#cfe2f3;border-color:#557}}\nmain{{display:flex;gap:1.2em;align-items:flex-start}}\n#diagram{{flex:3;height:78vh;border:1px solid #ddd;position:relative;overflow:hidden;background:#fff}}\n.view{{width:100%;height:100%}}\n.view>svg{{width:100%;height:100%;cursor:grab;user-select:none}}\n.view[hidden]{{display:none}}\n.note{{color:#666;font-size:.85em;margin:.3em 0}}\naside{{flex:none;width:28em;height:78vh;overflow:auto;border-left:1px solid #eee;padding-left:1em}}\naside ol{{padding-left:1.2em}}\naside li{{margin:.6em 0}}\nblockquote{{margin:.2em 0 .2em .3em;padding-left:.6em;border-left:3px solid #ddd;font-style:italic}}\n.meta{{color:#555;font-size:.88em}}\n.rule{{display:none;color:#888;font-size:.8em;font-family:monospace}}\nbody.rules .rule{{display:block}}\n.copy{{color:#999}}\ntable{{border-collapse:collapse;margin:.5em 0 1.5em}}\ntd,th{{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;font-size:.9em}}\n.swatch{{display:inline-block;width:1em;height:1em;border:1px solid #888;margin-right:.3em;vertical-align:middle}}\n.line{{display:inline-block;width:2em;height:0;border-top:3px solid;margin-right:.3em;vertical-align:middle}}\n.coop{{color:{}}}.conf{{color:{}}}.neg{{text-decoration:line-through}}\ng.edge.clickable{{cursor:pointer}}\ng.edge.selected path{{stroke-width:4}}\npath.hit{{stroke:transparent;fill:none;stroke-width:14;pointer-events:stroke}}\n.timeline{{max-width:100%;height:auto}}\n</style>\n</head>\n<body>",
        esc(&style.font),
        esc(&style.cooperative_color),
        esc(&style.conflictual_color)
    );
    let _ = writeln!(out, "<h1>newsgraph report</h1>\n<p id=\"summary\">{}.</p>", esc(&summary));
    // Names the gazetteer lacks where claims were made: what the graph cannot show.
    if let Some(line) = doc.unknown_names.line("newsgraph gazetteer suggest") {
        let _ = writeln!(out, "<p class=\"note\" id=\"unknown-names\">{}.</p>", esc(&line));
    }
    // Toolbar.
    out.push_str("<div class=\"toolbar\">");
    for (i, v) in views.iter().enumerate() {
        let _ = write!(out, "<button type=\"button\" class=\"view-button\" data-view=\"{}\" aria-pressed=\"{}\">{}</button>", v.key, i == 0, esc(v.name));
    }
    out.push_str("<span style=\"width:1em\"></span><button type=\"button\" id=\"zoom-in\" title=\"Zoom in\">+</button><button type=\"button\" id=\"zoom-out\" title=\"Zoom out\">−</button><button type=\"button\" id=\"zoom-fit\">Fit</button><span class=\"note\">Scroll to zoom, drag to pan; click an edge for the claims behind it.</span></div>\n");
    out.push_str("<main>\n<div id=\"diagram\">");
    for (i, (v, (svg, note))) in views.iter().zip(&drawn).enumerate() {
        let _ = write!(out, "<div class=\"view\" data-view=\"{}\"{}>{svg}</div>", v.key, if i == 0 { "" } else { " hidden" });
        if let Some(n) = note {
            let _ = write!(out, "<p class=\"note view-note\" data-view=\"{}\"{}>{}</p>", v.key, if i == 0 { "" } else { " hidden" }, esc(n));
        }
    }
    out.push_str("</div>\n<aside id=\"panel\" data-edge=\"\"><h2 id=\"panel-title\">Evidence</h2><p id=\"panel-sub\" class=\"meta\">Click an edge of the diagram.</p><p id=\"panel-relations\" class=\"meta\"></p><label class=\"meta\"><input type=\"checkbox\" id=\"show-rules\"> show claim and rule ids</label><p id=\"panel-also\" class=\"meta\"></p><ol id=\"panel-list\"></ol><p id=\"panel-more\" class=\"meta\"></p></aside>\n</main>\n");
    for (v, (_, note)) in views.iter().zip(&drawn) {
        if let Some(n) = note {
            let _ = writeln!(out, "<p class=\"note\">{}: {}.</p>", esc(v.name), esc(n));
        }
    }
    // Legend.
    out.push_str("<section id=\"legend\"><h2>Legend</h2><p>");
    let kinds: BTreeSet<&str> = doc.nodes.iter().filter(|n| !opts.leave_out.contains(&n.id)).map(|n| n.kind.as_str()).collect();
    for k in kinds {
        let ts = style.for_type(k);
        let _ = write!(out, "<span><span class=\"swatch\" style=\"background:{}\"></span>{} ({})</span> &nbsp; ", esc(&ts.fill), esc(k), esc(&ts.shape));
    }
    let _ = write!(
        out,
        "</p><p><span><span class=\"line\" style=\"border-color:{}\"></span>cooperative claims</span> &nbsp; <span><span class=\"line\" style=\"border-color:{}\"></span>conflictual claims</span> &nbsp; <span><span class=\"line\" style=\"border-color:{};border-top-style:dashed\"></span>denied or only hypothetical</span> &nbsp; <span><span class=\"line\" style=\"border-color:{}\"></span>mentioned together (width: how often)</span> &nbsp; <span><span class=\"line\" style=\"border-color:{};border-top-style:dashed\"></span>affiliation</span></p>",
        esc(&style.cooperative_color),
        esc(&style.conflictual_color),
        esc(&style.neutral_color),
        esc(&style.edge_color),
        esc(&style.affiliation_color)
    );
    let sources: Vec<String> = doc.nodes.iter().filter(|n| opts.leave_out.contains(&n.id)).map(|n| n.label.clone()).collect();
    if !sources.is_empty() {
        let _ = write!(
            out,
            "<p class=\"note\">Not drawn: {} ({}). Agencies, outlets and photographers are sources, not actors.</p>",
            crate::count(sources.len(), "news source", "news sources"),
            esc(&sources.join(", "))
        );
    }
    out.push_str("</section>\n");

    // Top pairs.
    out.push_str("<section id=\"pairs\"><h2>Most-discussed pairs</h2>\n");
    for ((a, b), list) in &ranked {
        let copies = list.iter().filter(|c| c.copy_of.is_some()).count();
        let sources: BTreeSet<&str> = list.iter().map(|c| c.document.as_str()).collect();
        let _ = writeln!(
            out,
            "<h3>{} and {}</h3><p>{}{} from {}.</p>",
            esc(&label(a)),
            esc(&label(b)),
            crate::claims_count(list.len(), copies),
            if copies > 0 { "," } else { "" },
            crate::count(sources.len(), "source", "sources")
        );
        // Who says what: the outlets' own narration apart from the speakers they quote.
        {
            use super::doc::stance::{STANCE, Scored, who_says_what};
            let rows = who_says_what(list.iter().filter(|c| c.copy_of.is_none()).map(|c| {
                let scored = Scored { goldstein: c.goldstein, negated: c.negated, modality: &c.modality, polarity: &c.polarity };
                (c.speaker.as_deref().map(label), c.document.as_str(), scored)
            }));
            let who: Vec<String> = rows
                .iter()
                .map(|r| {
                    format!(
                        "{} {} ({})",
                        esc(&r.speaker),
                        r.stance.map_or_else(|| "—".to_string(), |s| format!("{s:+.2}")),
                        crate::count(r.claims, "claim", "claims")
                    )
                })
                .collect();
            let _ = writeln!(out, "<p class=\"who\">Who says what (stance): {}. <small>{}.</small></p>", who.join("; "), esc(STANCE));
        }
        // The timeline of the pair.
        let marks: Vec<super::timeline::Mark> = list
            .iter()
            .map(|c| {
                let d = docs.get(c.document.as_str());
                let outlet = d.and_then(|d| d.outlet.clone()).unwrap_or_else(|| "unknown outlet".into());
                let sentence = claims.get(&c.id).map(|x| x.sentence.split_whitespace().collect::<Vec<_>>().join(" ")).unwrap_or_default();
                super::timeline::Mark {
                    date: d.and_then(|d| d.published.as_deref()).and_then(|p| p.get(..10)).and_then(|p| p.parse().ok()),
                    row: outlet.clone(),
                    scored: super::doc::stance::Scored { goldstein: c.goldstein, negated: c.negated, modality: &c.modality, polarity: &c.polarity },
                    copy: c.copy_of.is_some(),
                    tip: format!(
                        "{outlet} · {} — {}{} {} {}{}",
                        d.and_then(|d| d.published.as_deref()).unwrap_or("undated"),
                        if c.negated { "denied: " } else { "" },
                        label(&c.subject),
                        c.relation,
                        label(&c.object),
                        if sentence.is_empty() { String::new() } else { format!(" — “{sentence}”") }
                    ),
                    url: d.and_then(|d| d.url.clone()),
                }
            })
            .collect();
        out.push_str(&super::timeline::svg(&format!("{} and {}: claims by date and outlet", label(a), label(b)), &marks, style));
        out.push_str("\n<table><tr><th>date</th><th>outlet</th><th>claim</th><th>speaker</th><th>sentence</th></tr>\n");
        for c in list.iter().take(LISTED).filter_map(|c| claims.get(&c.id)) {
            let class = match c.polarity.as_str() {
                "cooperative" => "coop",
                "conflictual" => "conf",
                _ => "",
            };
            let d = docs.get(c.document.as_str());
            let outlet = esc(d.and_then(|d| d.outlet.as_deref()).unwrap_or("unknown outlet")).into_owned();
            let outlet = match d.and_then(|d| d.url.as_deref()) {
                Some(u) => format!("<a href=\"{}\">{outlet}</a>", esc(u)),
                None => outlet,
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{outlet}</td><td class=\"{class}{}\">{} {} {}{}{}</td><td>{}</td><td>“{}”</td></tr>",
                esc(&d.and_then(|d| d.published.as_deref()).map(date_words).unwrap_or_else(|| "undated".into())),
                if c.negated { " neg" } else { "" },
                esc(&label(&c.subject)),
                esc(&c.relation.replace('_', " ")),
                esc(&label(&c.object)),
                if c.modality != "asserted" { format!(" ({})", esc(&c.modality)) } else { String::new() },
                if c.copy_of.is_some() { " (copy)" } else { "" },
                esc(&c.speaker.as_deref().map(label).unwrap_or_default()),
                esc(&c.sentence.split_whitespace().collect::<Vec<_>>().join(" "))
            );
        }
        out.push_str("</table>\n");
        if list.len() > LISTED {
            let _ = writeln!(out, "<p>… and {} more in graph.json.</p>", crate::count(list.len() - LISTED, "claim", "claims"));
        }
    }
    out.push_str("</section>\n");
    // Evidence data and the script that shows it.
    let data = serde_json::to_string(&evidence).expect("evidence serialises").replace("</", "<\\/");
    let _ = writeln!(out, "<script type=\"application/json\" id=\"evidence-data\">{data}</script>");
    out.push_str(SCRIPT);
    out.push_str("</body>\n</html>\n");
    Ok((out, notes))
}

/// The page's script: views, pan and zoom, hit-testing by distance to the edges, the panel.
const SCRIPT: &str = r##"<script>
(function () {
  "use strict";
  var evidence = JSON.parse(document.getElementById("evidence-data").textContent);
  var panel = document.getElementById("panel");
  var HIT = 10; // pixels from an edge that still hit it
  function text(tag, s, cls) { var e = document.createElement(tag); e.textContent = s; if (cls) { e.className = cls; } return e; }
  function clear(e) { while (e.firstChild) { e.removeChild(e.firstChild); } }
  var selected = null;
  // Shows an edge's evidence; `also` are the other edges as near the click (edges crossing
  // there), offered as buttons.
  function show(id, also) {
    var ev = evidence[id];
    if (!ev) { return; }
    var other = document.getElementById("panel-also");
    clear(other);
    (also || []).forEach(function (a) {
      if (!evidence[a]) { return; }
      if (!other.firstChild) { other.appendChild(document.createTextNode("Also here: ")); }
      var b = text("button", evidence[a].title + " (" + evidence[a].sub + ")");
      b.type = "button";
      b.addEventListener("click", function () { show(a, [id].concat((also || []).filter(function (x) { return x !== a; }))); });
      other.appendChild(b);
    });
    if (selected) { selected.classList.remove("selected"); }
    selected = document.getElementById(id);
    if (selected) { selected.classList.add("selected"); }
    panel.setAttribute("data-edge", id);
    document.getElementById("panel-title").textContent = ev.title;
    document.getElementById("panel-sub").textContent = ev.sub;
    document.getElementById("panel-relations").textContent = ev.relations;
    var list = document.getElementById("panel-list");
    clear(list);
    ev.claims.forEach(function (c) {
      var li = document.createElement("li");
      if (c.copy) { li.className = "copy"; }
      li.appendChild(text("b", c.text + (c.modality !== "asserted" ? " (" + c.modality + ")" : "") + (c.copy ? " (a copy)" : "")));
      li.appendChild(text("blockquote", "\u201c" + c.sentence + "\u201d"));
      var meta = document.createElement("div");
      meta.className = "meta";
      if (c.url) {
        var a = text("a", c.outlet);
        a.href = c.url; a.target = "_blank"; a.rel = "noopener";
        if (c.title) { a.title = c.title; }
        meta.appendChild(a);
      } else {
        meta.appendChild(document.createTextNode(c.outlet));
      }
      meta.appendChild(document.createTextNode(", " + (c.date || "undated") + (c.speaker ? " \u00b7 said by " + c.speaker : "")));
      li.appendChild(meta);
      li.appendChild(text("div", c.rule, "rule"));
      list.appendChild(li);
    });
    document.getElementById("panel-more").textContent = ev.more ? "\u2026 and " + ev.more + " more in graph.json." : "";
  }
  document.getElementById("show-rules").addEventListener("change", function (e) {
    document.body.classList.toggle("rules", e.target.checked);
  });
  // Each view's diagram: pan and zoom on its viewBox, edges found by distance.
  var views = {};
  Array.prototype.forEach.call(document.querySelectorAll(".view"), function (view) {
    var svg = view.querySelector("svg");
    if (!svg) { return; }
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    var vb = svg.viewBox.baseVal;
    var home = [vb.x, vb.y, vb.width, vb.height];
    var edges = [];
    Array.prototype.forEach.call(svg.querySelectorAll("g.edge"), function (g) {
      var path = g.querySelector("path");
      if (!evidence[g.id] || !path) { g.style.pointerEvents = "none"; return; }
      g.classList.add("clickable");
      var hit = path.cloneNode(false);
      hit.setAttribute("class", "hit");
      hit.removeAttribute("stroke-dasharray");
      g.insertBefore(hit, g.firstChild);
      edges.push({ id: g.id, g: g, path: path, points: null });
    });
    function points(e) {
      if (!e.points) {
        var n = e.path.getTotalLength(), k = Math.max(8, Math.min(2000, Math.ceil(n / 2)));
        e.points = [];
        for (var i = 0; i <= k; i++) { var p = e.path.getPointAtLength(n * i / k); e.points.push([p.x, p.y]); }
      }
      return e.points;
    }
    // Distance from (x, y) to the segment from p to q.
    function segment(x, y, p, q) {
      var dx = q[0] - p[0], dy = q[1] - p[1], l = dx * dx + dy * dy;
      var t = l ? Math.max(0, Math.min(1, ((x - p[0]) * dx + (y - p[1]) * dy) / l)) : 0;
      return Math.hypot(p[0] + t * dx - x, p[1] + t * dy - y);
    }
    // The clickable edge under a point of the page: the nearest within HIT pixels. Edges run
    // together near the nodes they share, so where several are about as near (within 3
    // pixels), the one whose middle the point is nearest to (along its length) is meant; the
    // others are returned as `also`.
    function nearest(cx, cy) {
      var found = [];
      edges.forEach(function (e) {
        var m = e.path.getScreenCTM();
        if (!m) { return; }
        var inv = m.inverse(), x = inv.a * cx + inv.c * cy + inv.e, y = inv.b * cx + inv.d * cy + inv.f;
        var scale = Math.sqrt(Math.abs(m.a * m.d - m.b * m.c)) || 1;
        var ps = points(e), best = Infinity, at = 0;
        for (var i = 1; i < ps.length; i++) {
          var d = segment(x, y, ps[i - 1], ps[i]) * scale;
          if (d < best) { best = d; at = (i - 0.5) / (ps.length - 1); }
        }
        if (best <= HIT) { found.push({ e: e, d: best, off: Math.abs(at - 0.5) }); }
      });
      if (!found.length) { return null; }
      var least = Math.min.apply(null, found.map(function (f) { return f.d; }));
      var close = found.filter(function (f) { return f.d <= least + 3; });
      close.sort(function (a, b) { return a.off - b.off || a.d - b.d; });
      return { e: close[0].e, also: close.slice(1).map(function (f) { return f.e.id; }) };
    }
    function setBox(b) { svg.setAttribute("viewBox", b.join(" ")); }
    function zoom(f, cx, cy) {
      var r = svg.getBoundingClientRect(), b = [vb.x, vb.y, vb.width, vb.height];
      var fx = cx === undefined ? 0.5 : (cx - r.left) / r.width, fy = cy === undefined ? 0.5 : (cy - r.top) / r.height;
      var w = b[2] / f, h = b[3] / f;
      setBox([b[0] + (b[2] - w) * fx, b[1] + (b[3] - h) * fy, w, h]);
    }
    svg.addEventListener("wheel", function (ev) { ev.preventDefault(); zoom(ev.deltaY < 0 ? 1.2 : 1 / 1.2, ev.clientX, ev.clientY); }, { passive: false });
    var drag = null, dragged = false;
    svg.addEventListener("mousedown", function (ev) { drag = { x: ev.clientX, y: ev.clientY, box: [vb.x, vb.y, vb.width, vb.height], moved: false }; });
    window.addEventListener("mouseup", function () { if (drag) { dragged = drag.moved; drag = null; } });
    window.addEventListener("mousemove", function (ev) {
      if (!drag) { return; }
      var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 4) { drag.moved = true; }
      if (drag.moved) {
        var r = svg.getBoundingClientRect(), s = Math.max(drag.box[2] / r.width, drag.box[3] / r.height);
        setBox([drag.box[0] - dx * s, drag.box[1] - dy * s, drag.box[2], drag.box[3]]);
      }
    });
    svg.addEventListener("click", function (ev) {
      if (dragged) { dragged = false; return; }
      var hit = nearest(ev.clientX, ev.clientY);
      if (!hit) {
        var g = ev.target.closest ? ev.target.closest("g.edge.clickable") : null;
        if (g) { hit = { e: { id: g.id }, also: [] }; }
      }
      if (hit) { show(hit.e.id, hit.also); }
    });
    views[view.getAttribute("data-view")] = { fit: function () { setBox(home); }, zoom: zoom, edges: edges };
  });
  var current = Object.keys(views)[0] || null;
  function choose(key) {
    current = key;
    Array.prototype.forEach.call(document.querySelectorAll("[data-view]"), function (e) {
      if (e.classList.contains("view-button")) { e.setAttribute("aria-pressed", String(e.getAttribute("data-view") === key)); }
      else { e.hidden = e.getAttribute("data-view") !== key; }
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".view-button"), function (b) {
    b.addEventListener("click", function () { choose(b.getAttribute("data-view")); });
  });
  document.getElementById("zoom-in").addEventListener("click", function () { if (views[current]) { views[current].zoom(1.25); } });
  document.getElementById("zoom-out").addEventListener("click", function () { if (views[current]) { views[current].zoom(0.8); } });
  document.getElementById("zoom-fit").addEventListener("click", function () { if (views[current]) { views[current].fit(); } });
  document.body.setAttribute("data-ready", String(Object.keys(evidence).length));
})();
</script>
"##;
