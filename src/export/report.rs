//! `report.html`: one self-contained page (no network access) with the diagram and its legend,
//! the most-discussed pairs source by source with quotes and speakers, and the evidence of
//! every relation edge on click (hover shows its tooltip).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::json;

use super::doc::{ClaimRec, GraphDoc};
use super::dot::relation_edge_id;
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

/// Renders the report. `svg` is the rendered diagram, when Graphviz was available. Fails only
/// when claim evidence cannot be read back.
pub fn render(doc: &GraphDoc, style: &Style, svg: Option<&str>) -> crate::error::Result<String> {
    let label = |id: &str| doc.node(id).map_or(id.to_string(), |n| n.label.clone());
    let docs: BTreeMap<&str, &super::doc::DocumentRec> = doc.documents.iter().map(|d| (d.id.as_str(), d)).collect();
    let source = |id: &str| {
        docs.get(id)
            .map_or(id.to_string(), |d| format!("{} · {}", d.outlet.as_deref().unwrap_or("unknown outlet"), d.published.as_deref().unwrap_or("undated")))
    };
    let claim_json = |c: &ClaimRec| {
        json!({
            "id": c.id,
            "text": format!("{}{} {} {}", if c.negated { "NOT " } else { "" }, label(&c.subject), c.relation, label(&c.object)),
            "modality": c.modality,
            "speaker": c.speaker.as_deref().map(label),
            "sentence": c.sentence,
            "source": source(&c.document),
            "rule": c.rule,
            "copy_of": c.copy_of,
        })
    };
    // First, without the text: the most-discussed pairs (claims that are not copies), and which
    // claims the page will quote.
    let published = |c: &ClaimRec| docs.get(c.document.as_str()).and_then(|d| d.published.clone());
    let mut pairs: BTreeMap<(String, String), (usize, Vec<ClaimRec>)> = BTreeMap::new();
    for c in doc.claims.iter_light() {
        // State level, but two people of one state are a pair of their own.
        let (x, y) = if c.subject_state == c.object_state { (&c.subject, &c.object) } else { (&c.subject_state, &c.object_state) };
        let (a, b) = if x <= y { (x.clone(), y.clone()) } else { (y.clone(), x.clone()) };
        let p = pairs.entry((a, b)).or_default();
        p.0 += usize::from(c.copy_of.is_none());
        p.1.push(c);
    }
    let mut ranked: Vec<_> = pairs.into_iter().collect();
    ranked.sort_by(|x, y| y.1.0.cmp(&x.1.0).then(x.0.cmp(&y.0)));
    ranked.truncate(TOP_PAIRS);
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    for (_, (_, list)) in &mut ranked {
        list.sort_by(|x, y| (published(x).is_none(), published(x), &x.document, &x.id).cmp(&(published(y).is_none(), published(y), &y.document, &y.id)));
        wanted.extend(list.iter().take(LISTED).map(|c| c.id.clone()));
    }
    let relation_edges: Vec<_> = doc.edges.iter().filter(|e| e.kind == "relation").collect();
    for e in &relation_edges {
        wanted.extend(e.evidence.iter().flatten().take(LISTED).cloned());
    }
    // Then the quoted claims, with their sentences.
    let mut claims: BTreeMap<String, ClaimRec> = BTreeMap::new();
    for c in doc.claims.select(|c| wanted.contains(&c.id)) {
        let c = c?;
        claims.insert(c.id.clone(), c);
    }
    // Evidence per drawn relation edge.
    let mut evidence: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    for e in &relation_edges {
        let (a, b) = if e.source <= e.target { (&e.source, &e.target) } else { (&e.target, &e.source) };
        let key = relation_edge_id(a, b, e.polarity.as_deref().unwrap_or("neutral"), e.negated.unwrap_or(false));
        for id in e.evidence.iter().flatten().take(LISTED) {
            if let Some(c) = claims.get(id.as_str()) {
                evidence.entry(key.clone()).or_default().push(claim_json(c));
            }
        }
    }

    let mut out = String::new();
    let title =
        format!("newsgraph report: {} documents, {} nodes, {} edges, {} claims", doc.documents.len(), doc.nodes.len(), doc.edges.len(), doc.claims.len());
    let _ = writeln!(out, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>", esc(&title));
    out.push_str(
        "<style>\nbody{font-family:Helvetica,Arial,sans-serif;margin:1.5em;color:#222}\nmain{display:flex;gap:1.5em;align-items:flex-start}\n#diagram{flex:3;overflow:auto;border:1px solid #ddd}\n#diagram svg{max-width:100%;height:auto}\naside{flex:1;min-width:18em;position:sticky;top:1em}\ntable{border-collapse:collapse;margin:.5em 0 1.5em}\ntd,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;font-size:.9em}\n.swatch{display:inline-block;width:1em;height:1em;border:1px solid #888;margin-right:.3em;vertical-align:middle}\n.line{display:inline-block;width:2em;height:0;border-top:3px solid;margin-right:.3em;vertical-align:middle}\n.coop{color:#2e7d32}.conf{color:#c62828}.neg{text-decoration:line-through}\nli{margin:.3em 0}\ng.edge.clickable{cursor:pointer}\n</style>\n</head>\n<body>\n",
    );
    let _ = writeln!(out, "<h1>newsgraph</h1>\n<p>{}.</p>", esc(&title.replacen("newsgraph report: ", "", 1)));
    // Legend.
    out.push_str("<section id=\"legend\"><h2>Legend</h2><p>");
    let kinds: BTreeSet<&str> = doc.nodes.iter().map(|n| n.kind.as_str()).collect();
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
    out.push_str("<p>Click a coloured edge for the claims behind it.</p></section>\n<main>\n<div id=\"diagram\">");
    match svg {
        Some(svg) => {
            let start = svg.find("<svg").unwrap_or(0);
            out.push_str(&svg[start..]);
        }
        None => out.push_str("<p>The diagram needs Graphviz (<code>dot</code>), which was not installed when this report was written.</p>"),
    }
    out.push_str("</div>\n<aside><h2>Evidence</h2><div id=\"evidence\"><p>No edge selected.</p></div></aside>\n</main>\n");
    // Top pairs.
    out.push_str("<section id=\"pairs\"><h2>Most-discussed pairs</h2>\n");
    for ((a, b), (originals, list)) in &ranked {
        let _ = writeln!(
            out,
            "<h3>{} – {} ({}, {})</h3>",
            esc(&label(a)),
            esc(&label(b)),
            crate::count(*originals, "claim", "claims"),
            crate::count(list.len() - originals, "copy", "copies")
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
                    let n = if r.claims == 1 { "1 claim".to_string() } else { format!("{} claims", r.claims) };
                    format!("{} {} ({n})", esc(&r.speaker), r.stance.map_or_else(|| "—".to_string(), |s| format!("{s:+.2}")))
                })
                .collect();
            let _ = writeln!(out, "<p class=\"who\">Who says what (stance): {}. <small>{}.</small></p>", who.join("; "), esc(STANCE));
        }
        out.push_str("<table><tr><th>source</th><th>claim</th><th>speaker</th><th>sentence</th></tr>\n");
        for c in list.iter().take(LISTED).filter_map(|c| claims.get(&c.id)) {
            let class = match c.polarity.as_str() {
                "cooperative" => "coop",
                "conflictual" => "conf",
                _ => "",
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"{class}{}\">{} {} {}{}{}</td><td>{}</td><td>“{}”</td></tr>",
                esc(&source(&c.document)),
                if c.negated { " neg" } else { "" },
                esc(&label(&c.subject)),
                esc(&c.relation),
                esc(&label(&c.object)),
                if c.modality != "asserted" { format!(" ({})", esc(&c.modality)) } else { String::new() },
                c.copy_of.as_ref().map(|o| format!(" [copy of {}]", esc(o))).unwrap_or_default(),
                esc(&c.speaker.as_deref().map(label).unwrap_or_default()),
                esc(&c.sentence)
            );
        }
        out.push_str("</table>\n");
        if list.len() > LISTED {
            let _ = writeln!(out, "<p>… and {} more claims in graph.json.</p>", list.len() - LISTED);
        }
    }
    out.push_str("</section>\n");
    // Evidence data and the script that shows it.
    let data = serde_json::to_string(&evidence).expect("evidence serialises").replace("</", "<\\/");
    let _ = writeln!(out, "<script type=\"application/json\" id=\"evidence-data\">{data}</script>");
    out.push_str(
        r##"<script>
(function () {
  "use strict";
  var evidence = JSON.parse(document.getElementById("evidence-data").textContent);
  var panel = document.getElementById("evidence");
  function show(id) {
    while (panel.firstChild) { panel.removeChild(panel.firstChild); }
    var list = document.createElement("ol");
    evidence[id].forEach(function (c) {
      var item = document.createElement("li");
      var head = document.createElement("b");
      head.textContent = c.text + (c.modality !== "asserted" ? " (" + c.modality + ")" : "");
      item.appendChild(head);
      var quote = document.createElement("div");
      quote.textContent = "\u201c" + c.sentence + "\u201d";
      item.appendChild(quote);
      var meta = document.createElement("small");
      meta.textContent = c.source + (c.speaker ? " \u2014 said by " + c.speaker : "") + " \u2014 " + c.id + (c.copy_of ? " (copy of " + c.copy_of + ")" : "") + " \u2014 " + c.rule;
      item.appendChild(meta);
      list.appendChild(item);
    });
    panel.appendChild(list);
  }
  var edges = document.querySelectorAll("g.edge");
  for (var i = 0; i < edges.length; i++) {
    (function (g) {
      if (evidence[g.id]) {
        g.classList.add("clickable");
        g.addEventListener("click", function () { show(g.id); });
      }
    })(edges[i]);
  }
  document.body.setAttribute("data-ready", String(Object.keys(evidence).length));
  // report.html#selftest clicks the first edge with evidence, so a headless browser can check
  // that the page works without a driver.
  if (window.location.hash === "#selftest") {
    var first = document.querySelector("g.edge.clickable");
    if (first) { first.dispatchEvent(new MouseEvent("click", { bubbles: true })); }
    document.body.setAttribute("data-selftest", String(panel.querySelectorAll("li").length));
  }
})();
</script>
</body>
</html>
"##,
    );
    Ok(out)
}
