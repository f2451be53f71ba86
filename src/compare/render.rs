//! A comparison as text, Markdown, JSON or a self-contained HTML page. Every format says the
//! same, in the same order: the summary, the outlets, the relation × outlet matrix, who says
//! what, the timeline (at most [`Show::limit`] claims, the latest), and the documents when
//! asked for.

use std::fmt::Write as _;

use quick_xml::escape::escape as html_escape;
use serde::Serialize;

use super::{ClaimRow, Comparison, OutletRow, PairRow, SourceRow, TimelineRow};
use crate::export::doc::stance::Scored;
use crate::export::timeline::{Mark, svg};
use crate::export::{GraphDoc, Style};

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

/// The rows of the timeline chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rows {
    /// One row per outlet.
    #[default]
    Outlet,
    /// One row per speaker (and one for the outlets' narration).
    Speaker,
}

/// What a rendering shows beyond the summary, outlets, matrix and speakers.
#[derive(Debug, Clone)]
pub struct Show {
    /// Also one row per document.
    pub documents: bool,
    /// At most this many claims on the timeline, the latest; 0 for all.
    pub limit: usize,
    /// Rows of the timeline chart.
    pub rows: Rows,
    /// Colours of the chart.
    pub style: Style,
}

impl Default for Show {
    fn default() -> Show {
        Show { documents: false, limit: 200, rows: Rows::Outlet, style: Style::from_table(None) }
    }
}

/// The claims the timeline shows, in date order: the latest `limit` dated ones (undated ones
/// only when fewer are dated), all for 0.
fn shown(c: &Comparison, limit: usize) -> &[TimelineRow] {
    let n = c.timeline.len();
    if limit == 0 || n <= limit {
        return &c.timeline;
    }
    let dated = c.timeline.iter().filter(|t| t.published.is_some()).count();
    if dated >= limit { &c.timeline[dated - limit..dated] } else { &c.timeline[..limit] }
}

/// "Timeline" or "Timeline: the latest 200 of 3,000 claims (--limit 0 for all)".
fn timeline_head(c: &Comparison, shown: usize) -> String {
    if shown == c.timeline.len() {
        "Timeline".into()
    } else {
        format!("Timeline: the latest {shown} of {} (--limit 0 for all)", crate::count(c.timeline.len(), "claim", "claims"))
    }
}

fn source_name(outlet: Option<&str>, published: Option<&str>) -> String {
    format!("{} · {}", outlet.unwrap_or("unknown outlet"), published.unwrap_or("undated"))
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

/// One relation of the matrix in words: "stated by Reuters (2), TASS (1); denied by IRNA (1);
/// not mentioned by 3 outlets".
fn matrix_line(outlets: &[OutletRow], cells: &[[usize; 2]]) -> String {
    let list = |k: usize| outlets.iter().zip(cells).filter(|(_, c)| c[k] > 0).map(|(o, c)| format!("{} ({})", o.outlet, c[k])).collect::<Vec<_>>().join(", ");
    let mut parts = Vec::new();
    let (stated, denied) = (list(0), list(1));
    if !stated.is_empty() {
        parts.push(format!("stated by {stated}"));
    }
    if !denied.is_empty() {
        parts.push(format!("denied by {denied}"));
    }
    let silent = cells.iter().filter(|c| c[0] + c[1] == 0).count();
    if silent > 0 {
        parts.push(format!("not mentioned by {}", crate::count(silent, "outlet", "outlets")));
    }
    parts.join("; ")
}

/// The text of one cell of the matrix.
fn cell(c: [usize; 2]) -> String {
    match c {
        [0, 0] => "—".into(),
        [s, 0] => format!("stated ({s})"),
        [0, d] => format!("denied ({d})"),
        [s, d] => format!("stated ({s}), denied ({d})"),
    }
}

/// A table every format prints alike: its headings, which columns are numbers (right-aligned
/// in text), and its rows as text.
struct Table {
    head: &'static [&'static str],
    numeric: &'static [bool],
    rows: Vec<Vec<String>>,
}

impl Table {
    /// Plain text: columns as wide as their content (nothing cut), two spaces in.
    fn text(&self, out: &mut String) {
        let widths: Vec<usize> =
            (0..self.head.len()).map(|i| self.rows.iter().map(|r| r[i].chars().count()).chain([self.head[i].chars().count()]).max().unwrap_or(0)).collect();
        let line = |cells: &[&str], out: &mut String| {
            let mut l = String::from(" ");
            for (i, c) in cells.iter().enumerate() {
                let pad = widths[i].saturating_sub(c.chars().count());
                l.push(' ');
                if self.numeric[i] {
                    l.push_str(&" ".repeat(pad));
                    l.push_str(c);
                } else {
                    l.push_str(c);
                    l.push_str(&" ".repeat(pad));
                }
            }
            out.push_str(l.trim_end());
            out.push('\n');
        };
        line(self.head, out);
        for r in &self.rows {
            line(&r.iter().map(String::as_str).collect::<Vec<_>>(), out);
        }
    }

    /// Markdown, `|` escaped.
    fn markdown(&self, out: &mut String) {
        let md = |s: &str| s.replace('|', "\\|");
        let _ = writeln!(out, "| {} |", self.head.join(" | "));
        let _ = writeln!(out, "|{}", self.numeric.iter().map(|&n| if n { "---:|" } else { "---|" }).collect::<String>());
        for r in &self.rows {
            let _ = writeln!(out, "| {} |", r.iter().map(|c| md(c)).collect::<Vec<_>>().join(" | "));
        }
    }

    /// HTML, escaped, with an id.
    fn html(&self, id: &str, out: &mut String) {
        let _ = write!(out, "<table id=\"{id}\"><tr>");
        for h in self.head {
            let _ = write!(out, "<th>{h}</th>");
        }
        out.push_str("</tr>\n");
        for r in &self.rows {
            out.push_str("<tr>");
            for c in r {
                let _ = write!(out, "<td>{}</td>", html_escape(c));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
    }
}

const N: bool = true;
const T: bool = false;

/// One row per outlet.
fn outlet_table(c: &Comparison) -> Table {
    Table {
        head: &[
            "outlet",
            "documents",
            "first",
            "last",
            "claims",
            "copies",
            "cooperative",
            "conflictual",
            "denied",
            "stance",
            "narration",
            "quoted",
            "speakers",
        ],
        numeric: &[T, N, T, T, N, N, N, N, N, N, N, N, T],
        rows: c
            .outlets
            .iter()
            .map(|o| {
                vec![
                    o.outlet.clone(),
                    o.documents.to_string(),
                    o.first.clone().unwrap_or_else(|| "undated".into()),
                    o.last.clone().unwrap_or_else(|| "undated".into()),
                    o.claims.to_string(),
                    o.copies.to_string(),
                    o.cooperative.to_string(),
                    o.conflictual.to_string(),
                    o.denied.to_string(),
                    opt(o.stance),
                    opt(o.narration),
                    opt(o.quoted),
                    o.speakers.join(", "),
                ]
            })
            .collect(),
    }
}

/// Who says what: one row per speaker.
fn speaker_table(c: &Comparison) -> Table {
    Table {
        head: &["speaker", "claims", "sources", "cooperative", "conflictual", "denied", "stance"],
        numeric: &[T, N, N, N, N, N, N],
        rows: c
            .speakers
            .iter()
            .map(|r| {
                vec![
                    r.speaker.clone(),
                    r.claims.to_string(),
                    r.sources.to_string(),
                    r.cooperative.to_string(),
                    r.conflictual.to_string(),
                    r.denied.to_string(),
                    opt(r.stance),
                ]
            })
            .collect(),
    }
}

/// One row per document (`--documents`).
fn document_table(c: &Comparison) -> Table {
    Table {
        head: &["source", "document", "claims", "cooperative", "conflictual", "denied", "stance", "narration", "quoted", "speakers"],
        numeric: &[T, T, N, N, N, N, N, N, N, T],
        rows: c
            .sources
            .iter()
            .map(|s| {
                vec![
                    source_name(s.outlet.as_deref(), s.published.as_deref()),
                    format!("{}{}", s.document, if s.copy { " (copy)" } else { "" }),
                    s.claims.len().to_string(),
                    s.cooperative.to_string(),
                    s.conflictual.to_string(),
                    s.denied.to_string(),
                    format!("{:+.2}", s.stance),
                    opt(s.narration),
                    opt(s.quoted),
                    s.speakers.join(", "),
                ]
            })
            .collect(),
    }
}

/// The relation × outlet matrix as a table (Markdown and HTML; text says each row in words).
fn matrix_table(c: &Comparison, columns: usize) -> (Vec<String>, Vec<Vec<String>>) {
    let head = std::iter::once("relation".to_string()).chain(c.outlets.iter().take(columns).map(|o| o.outlet.clone())).collect();
    let rows = c.relations.iter().map(|r| std::iter::once(r.relation.clone()).chain(r.outlets.iter().take(columns).map(|x| cell(*x))).collect()).collect();
    (head, rows)
}

/// The JSON of a comparison: its fields, the timeline as shown, and the documents when asked.
#[derive(Serialize)]
struct Json<'a> {
    #[serde(flatten)]
    comparison: &'a Comparison,
    timeline: &'a [TimelineRow],
    /// Claims on the timeline before `--limit`.
    timeline_claims: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    sources: Option<&'a [SourceRow]>,
}

/// Renders a comparison.
pub fn render(c: &Comparison, format: Format, show: &Show) -> String {
    let timeline = shown(c, show.limit);
    let mut out = String::new();
    let filters = filter_words(c);
    match format {
        Format::Json => {
            let json = Json { comparison: c, timeline, timeline_claims: c.timeline.len(), sources: show.documents.then_some(c.sources.as_slice()) };
            out = serde_json::to_string_pretty(&json).expect("comparison serialises");
            out.push('\n');
        }
        Format::Table => {
            let _ = writeln!(out, "{} – {}: {}", c.a.1, c.b.1, c.summary());
            if let Some(f) = &filters {
                let _ = writeln!(out, "({f})");
            }
            let _ = writeln!(out, "\nOutlets");
            outlet_table(c).text(&mut out);
            if !c.relations.is_empty() {
                let _ = writeln!(out, "\nRelations by outlet");
                let rw = c.relations.iter().map(|r| r.relation.chars().count()).max().unwrap_or(0);
                for r in &c.relations {
                    let _ = writeln!(out, "  {:<rw$}  {}", r.relation, matrix_line(&c.outlets, &r.outlets));
                }
            }
            let _ = writeln!(out, "\nWho says what");
            speaker_table(c).text(&mut out);
            let _ = writeln!(out, "\n({})", c.stance_method);
            let _ = writeln!(out, "\n{}", timeline_head(c, timeline.len()));
            let mut last: Option<&str> = None;
            for t in timeline {
                if last != Some(t.document.as_str()) {
                    let _ = writeln!(out, "  {} ({})", source_name(t.outlet.as_deref(), t.published.as_deref()), t.document);
                    last = Some(&t.document);
                }
                let _ = writeln!(out, "    {}", claim_line(&t.claim));
            }
            if show.documents {
                let _ = writeln!(out, "\nDocuments");
                document_table(c).text(&mut out);
            }
        }
        Format::Markdown => {
            let md = |s: &str| s.replace('|', "\\|");
            let _ = writeln!(out, "# {} – {}\n", c.a.1, c.b.1);
            let _ = writeln!(out, "{}.\n", c.summary());
            if let Some(f) = &filters {
                let _ = writeln!(out, "*{f}*\n");
            }
            let _ = writeln!(out, "## Outlets\n");
            outlet_table(c).markdown(&mut out);
            if !c.relations.is_empty() {
                let _ = writeln!(out, "\n## Relations by outlet\n");
                let (head, rows) = matrix_table(c, c.outlets.len());
                let _ = writeln!(out, "| {} |", head.iter().map(|h| md(h)).collect::<Vec<_>>().join(" | "));
                let _ = writeln!(out, "|{}", "---|".repeat(head.len()));
                for r in rows {
                    let _ = writeln!(out, "| {} |", r.iter().map(|x| md(x)).collect::<Vec<_>>().join(" | "));
                }
            }
            let _ = writeln!(out, "\n## Who says what\n");
            speaker_table(c).markdown(&mut out);
            let _ = writeln!(out, "\n*{}.*", c.stance_method);
            let _ = writeln!(out, "\n## {}\n", timeline_head(c, timeline.len()));
            let mut last: Option<&str> = None;
            for t in timeline {
                if last != Some(t.document.as_str()) {
                    let _ = writeln!(out, "\n### {} ({})\n", md(&source_name(t.outlet.as_deref(), t.published.as_deref())), t.document);
                    last = Some(&t.document);
                }
                let _ = writeln!(out, "- {}", md(&claim_line(&t.claim)));
            }
            if show.documents {
                let _ = writeln!(out, "\n## Documents\n");
                document_table(c).markdown(&mut out);
            }
        }
        Format::Html => html(c, show, timeline, filters.as_deref(), &mut out),
    }
    out
}

/// The filters in words, when any is set.
fn filter_words(c: &Comparison) -> Option<String> {
    let f = &c.filter;
    let mut parts = Vec::new();
    if let Some(d) = f.since {
        parts.push(format!("since {d}"));
    }
    if let Some(d) = f.until {
        parts.push(format!("until {d}"));
    }
    if !f.outlets.is_empty() {
        parts.push(format!("outlets {}", f.outlets.join(", ")));
    }
    if !f.relations.is_empty() {
        parts.push(format!("relations {}", f.relations.join(", ")));
    }
    (!parts.is_empty()).then(|| format!("only claims {}", parts.join("; ")))
}

/// At most this many outlets are columns of the HTML matrix; the rest are counted.
const MATRIX_COLUMNS: usize = 30;

fn html(c: &Comparison, show: &Show, timeline: &[TimelineRow], filters: Option<&str>, out: &mut String) {
    let style = &show.style;
    let title = format!("{} – {}", c.a.1, c.b.1);
    let _ = writeln!(out, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>", html_escape(&title));
    let _ = writeln!(
        out,
        "<style>body{{font-family:{},Arial,sans-serif;max-width:80em;margin:2em auto;color:#222}}table{{border-collapse:collapse;margin:.5em 0 1.5em}}td,th{{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}}.coop{{color:{}}}.conf{{color:{}}}.neg{{text-decoration:line-through}}td.stated{{background:#e8f5e9}}td.denied{{background:#ffebee}}td.both{{background:#fff8e1}}td.silent{{color:#aaa}}.timeline{{max-width:100%;height:auto}}#outlets td:nth-child(3),#outlets td:nth-child(4),#claims td:first-child{{white-space:nowrap}}</style></head><body>",
        html_escape(&style.font),
        html_escape(&style.cooperative_color),
        html_escape(&style.conflictual_color)
    );
    let _ = writeln!(out, "<h1>{}</h1><p id=\"summary\">{}.</p>", html_escape(&title), html_escape(c.summary()));
    if let Some(f) = filters {
        let _ = writeln!(out, "<p><i>{}</i></p>", html_escape(f));
    }
    // The chart.
    let head = timeline_head(c, timeline.len());
    let marks: Vec<Mark> = timeline
        .iter()
        .map(|t| {
            let cl = &t.claim;
            let row = match show.rows {
                Rows::Outlet => t.outlet.clone().unwrap_or_else(|| "unknown outlet".into()),
                Rows::Speaker => cl.speaker.clone().unwrap_or_else(|| "narration".into()),
            };
            Mark {
                date: t.published.as_deref().and_then(|d| d.parse().ok()),
                row,
                scored: Scored { goldstein: cl.goldstein, negated: cl.negated, modality: cl.modality, polarity: cl.polarity },
                copy: cl.copy_of.is_some(),
                tip: format!("{} — {}", source_name(t.outlet.as_deref(), t.published.as_deref()), claim_line(cl)),
                url: t.url.clone(),
            }
        })
        .collect();
    let _ = writeln!(out, "<h2 id=\"timeline\">{}</h2>", html_escape(&head));
    out.push_str(&svg(&format!("{title}: claims by date and {}", if show.rows == Rows::Outlet { "outlet" } else { "speaker" }), &marks, style));
    out.push_str("\n<h2>Outlets</h2>");
    outlet_table(c).html("outlets", out);
    // The matrix.
    if !c.relations.is_empty() {
        let cols = c.outlets.len().min(MATRIX_COLUMNS);
        let _ = write!(out, "<h2>Relations by outlet</h2>");
        if c.outlets.len() > cols {
            let _ = write!(out, "<p>The {cols} outlets with the most claims; {} more in the JSON.</p>", c.outlets.len() - cols);
        }
        out.push_str("<table id=\"matrix\"><tr><th>relation</th>");
        for o in &c.outlets[..cols] {
            let _ = write!(out, "<th>{}</th>", html_escape(&o.outlet));
        }
        out.push_str("</tr>\n");
        for r in &c.relations {
            let _ = write!(out, "<tr><td>{}</td>", html_escape(&r.relation));
            for x in &r.outlets[..cols] {
                let class = match x {
                    [0, 0] => "silent",
                    [_, 0] => "stated",
                    [0, _] => "denied",
                    _ => "both",
                };
                let _ = write!(out, "<td class=\"{class}\">{}</td>", cell(*x));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
    }
    // Who says what.
    out.push_str("<h2>Who says what</h2>");
    speaker_table(c).html("speakers", out);
    let _ = writeln!(out, "<p><i>{}.</i></p>", html_escape(c.stance_method));
    // The claims of the timeline, in words.
    let _ = writeln!(out, "<h2>Claims</h2><table id=\"claims\"><tr><th>date</th><th>outlet</th><th>claim</th><th>speaker</th><th>sentence</th></tr>");
    for t in timeline {
        let cl = &t.claim;
        let class = match cl.polarity {
            "cooperative" => "coop",
            "conflictual" => "conf",
            _ => "",
        };
        let outlet = html_escape(t.outlet.as_deref().unwrap_or("unknown outlet")).into_owned();
        let outlet = match &t.url {
            Some(u) => format!("<a href=\"{}\">{outlet}</a>", html_escape(u)),
            None => outlet,
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{outlet}</td><td class=\"{class}{}\">{} {} {}{}{}</td><td>{}</td><td>“{}”</td></tr>",
            t.published.as_deref().unwrap_or("undated"),
            if cl.negated { " neg" } else { "" },
            html_escape(&cl.subject),
            html_escape(&cl.relation),
            html_escape(&cl.object),
            if cl.modality != "asserted" { format!(" ({})", cl.modality) } else { String::new() },
            if cl.copy_of.is_some() { " (copy)" } else { "" },
            html_escape(cl.speaker.as_deref().unwrap_or("")),
            html_escape(&cl.sentence)
        );
    }
    out.push_str("</table>\n");
    if show.documents {
        out.push_str("<h2>Documents</h2>");
        document_table(c).html("documents", out);
    }
    out.push_str("</body></html>\n");
}

/// Renders the ranking of `compare --all`.
pub fn render_ranking(rows: &[PairRow], doc: &GraphDoc, format: Format) -> String {
    // One lookup table: a search of the nodes per row was quadratic (minutes for 100,000 pairs).
    let labels: std::collections::HashMap<&str, &str> = doc.nodes.iter().map(|n| (n.id.as_str(), n.label.as_str())).collect();
    let name = |id: &str| labels.get(id).map_or(id.to_string(), |l| l.to_string());
    let table = Table {
        head: &["pair", "claims", "copies", "sources", "cooperative", "conflictual", "denied", "stance"],
        numeric: &[T, N, N, N, N, N, N, N],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    format!("{} – {}", name(&r.a), name(&r.b)),
                    r.claims.to_string(),
                    r.copies.to_string(),
                    r.sources.to_string(),
                    r.cooperative.to_string(),
                    r.conflictual.to_string(),
                    r.denied.to_string(),
                    format!("{:+.2}", r.stance),
                ]
            })
            .collect(),
    };
    let mut out = String::new();
    match format {
        Format::Json => {
            out = serde_json::to_string_pretty(rows).expect("rows serialise");
            out.push('\n');
        }
        Format::Table => table.text(&mut out),
        Format::Markdown => table.markdown(&mut out),
        Format::Html => {
            let _ = writeln!(out, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Pairs</title></head><body>");
            table.html("pairs", &mut out);
            let _ = writeln!(out, "</body></html>");
        }
    }
    out
}
