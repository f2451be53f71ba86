//! The timeline chart of a pair: one row per outlet (or speaker), one mark per claim at its
//! publication date, coloured by polarity, hollow when denied, faded when a copy; below it,
//! the stance of each month. A self-contained SVG (no script, no external resource): hovering a
//! mark shows its sentence (`<title>`), clicking it opens the article when its URL is known.
//! `compare --format html` and the report draw it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::doc::stance::{Scored, stance_of};
use crate::date::Date;
use crate::export::Style;

/// One claim on the chart.
#[derive(Debug, Clone)]
pub struct Mark<'a> {
    /// Publication date of its document; undated claims are drawn in a column of their own.
    pub date: Option<Date>,
    /// The row: outlet or speaker.
    pub row: String,
    /// How the stance reads it (polarity, denial, modality, Goldstein value).
    pub scored: Scored<'a>,
    /// Whether it copies another source's claim.
    pub copy: bool,
    /// The tooltip: claim, sentence, source.
    pub tip: String,
    /// The article, when known.
    pub url: Option<String>,
}

const WIDTH: f64 = 960.0;
const LEFT: f64 = 200.0;
const RIGHT: f64 = 24.0;
const UNDATED: f64 = 70.0;
const TOP: f64 = 56.0;
const ROW: f64 = 26.0;
const STANCE_H: f64 = 110.0;
const LEGEND_H: f64 = 44.0;

fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(s)
}

/// Months since year 0, the chart's tick unit.
fn month_index(d: Date) -> i64 {
    let s = d.to_string();
    i64::from(d.year()) * 12 + s[5..7].parse::<i64>().unwrap_or(1) - 1
}

fn month_start(m: i64) -> Date {
    Date::new((m / 12) as u16, (m % 12 + 1) as u8, 1).expect("the first of a month exists")
}

/// Renders the chart. `title` heads it; `rows` orders the rows (marks of rows not named are
/// drawn in rows after them, in order of first appearance).
pub fn svg(title: &str, marks: &[Mark], style: &Style) -> String {
    // Rows in order of their first dated claim.
    let mut first: BTreeMap<&str, (Option<Date>, usize)> = BTreeMap::new();
    for (i, m) in marks.iter().enumerate() {
        let e = first.entry(m.row.as_str()).or_insert((m.date, i));
        if m.date.is_some() && (e.0.is_none() || m.date < e.0) {
            e.0 = m.date;
        }
    }
    let mut rows: Vec<(&str, (Option<Date>, usize))> = first.into_iter().collect();
    rows.sort_by_key(|x| (x.1.0.is_none(), x.1.0, x.1.1));
    let row_of: BTreeMap<&str, usize> = rows.iter().enumerate().map(|(i, (r, _))| (*r, i)).collect();
    let dated: Vec<Date> = marks.iter().filter_map(|m| m.date).collect();
    let any_undated = marks.iter().any(|m| m.date.is_none());
    let plot_right = WIDTH - RIGHT - if any_undated { UNDATED } else { 0.0 };
    let (lo, hi) = match (dated.iter().min(), dated.iter().max()) {
        (Some(a), Some(b)) => (a.days(), b.days()),
        _ => (0, 0),
    };
    // A little room on either side; a single day gets a month either way.
    let pad = ((hi - lo) as f64 * 0.04).max(15.0);
    let (x0, x1) = (lo as f64 - pad, hi as f64 + pad);
    let x_of = |d: Date| LEFT + (d.days() as f64 - x0) / (x1 - x0) * (plot_right - LEFT);
    let rows_h = ROW * rows.len().max(1) as f64;
    let stance_top = TOP + rows_h + 18.0;
    let height = stance_top + STANCE_H + LEGEND_H;

    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" class=\"timeline\" width=\"{WIDTH}\" height=\"{height:.0}\" viewBox=\"0 0 {WIDTH} {height:.0}\" font-family=\"{}\" font-size=\"12\">",
        esc(&style.font)
    );
    let _ = write!(out, "<title>{}</title>", esc(title));
    let _ = write!(out, "<text x=\"8\" y=\"20\" font-size=\"15\" font-weight=\"bold\">{}</text>", esc(title));
    // Ticks: the smallest step in months that gives at most ten.
    if !dated.is_empty() {
        let (m0, m1) = (month_index(*dated.iter().min().expect("dated")), month_index(*dated.iter().max().expect("dated")) + 1);
        // Years once the span passes two of them: a tick per quarter reads worse than one per year.
        let least = if m1 - m0 > 24 { 12 } else { 1 };
        let step = [1, 2, 3, 6, 12, 24, 60, 120].into_iter().filter(|s| *s >= least).find(|s| (m1 - m0) / s <= 10).unwrap_or(240);
        let mut m = (m0 + step - 1) / step * step;
        while m <= m1 {
            let d = month_start(m);
            let x = x_of(d);
            if (LEFT..=plot_right).contains(&x) {
                let label = if step >= 12 { d.year().to_string() } else { d.to_string()[..7].to_string() };
                let _ = write!(
                    out,
                    "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#e0e0e0\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">{label}</text>",
                    TOP - 12.0,
                    stance_top + STANCE_H,
                    TOP - 18.0
                );
            }
            m += step;
        }
    }
    if any_undated {
        let x = plot_right + UNDATED / 2.0;
        let _ = write!(out, "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">undated</text>", TOP - 18.0);
    }
    // Rows.
    for (i, (row, _)) in rows.iter().enumerate() {
        let y = TOP + ROW * i as f64 + ROW / 2.0;
        let shown: String = if row.chars().count() > 30 { format!("{}…", row.chars().take(29).collect::<String>()) } else { row.to_string() };
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{plot_right:.1}\" y2=\"{y:.1}\" stroke=\"#f0f0f0\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\"><title>{}</title>{}</text>",
            LEFT - 8.0,
            y + 4.0,
            esc(row),
            esc(&shown)
        );
    }
    // Marks: those of one row and day are laid out in a small grid, four high, growing to the
    // right, so a day with many claims reads as a wider block.
    let mut crowd: BTreeMap<(usize, i64), usize> = BTreeMap::new();
    for m in marks {
        let r = row_of[m.row.as_str()];
        let x = m.date.map_or(plot_right + UNDATED / 2.0, x_of);
        let k = crowd.entry((r, (x / 4.0) as i64)).or_default();
        let dy = ((*k % 4) as f64 - 1.5) * 5.0;
        let dx = (*k / 4) as f64 * 5.0;
        *k += 1;
        let y = TOP + ROW * r as f64 + ROW / 2.0 + dy;
        let color = match m.scored.polarity {
            "cooperative" => &style.cooperative_color,
            "conflictual" => &style.conflictual_color,
            _ => &style.neutral_color,
        };
        let fill = if m.scored.negated { "#ffffff" } else { color.as_str() };
        let opacity = if m.copy { 0.3 } else { 0.9 };
        let class = format!("mark {}{}{}", m.scored.polarity, if m.scored.negated { " denied" } else { "" }, if m.copy { " copy" } else { "" });
        let circle = format!(
            "<circle class=\"{class}\" cx=\"{:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\" opacity=\"{opacity}\"><title>{}</title></circle>",
            x + dx,
            esc(fill),
            esc(color),
            if m.scored.negated { 1.5 } else { 0.5 },
            esc(&m.tip)
        );
        match &m.url {
            Some(url) => {
                let _ = write!(out, "<a href=\"{0}\" xlink:href=\"{0}\" target=\"_blank\">{circle}</a>", esc(url));
            }
            None => out.push_str(&circle),
        }
    }
    // Stance per month, copies left out.
    let _ = write!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">stance, by month</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#777\" font-size=\"10\">+10 cooperation</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#777\" font-size=\"10\">−10 conflict</text>",
        LEFT - 8.0,
        stance_top + STANCE_H / 2.0 + 4.0,
        LEFT - 8.0,
        stance_top + 10.0,
        LEFT - 8.0,
        stance_top + STANCE_H - 2.0
    );
    let mid = stance_top + STANCE_H / 2.0;
    let _ = write!(out, "<line x1=\"{LEFT}\" y1=\"{mid:.1}\" x2=\"{plot_right:.1}\" y2=\"{mid:.1}\" stroke=\"#999\"/>");
    let mut months: BTreeMap<i64, Vec<Scored>> = BTreeMap::new();
    for m in marks.iter().filter(|m| !m.copy) {
        if let Some(d) = m.date {
            months.entry(month_index(d)).or_default().push(m.scored);
        }
    }
    for (month, scored) in months {
        let n = scored.len();
        let Some(s) = stance_of(scored) else { continue };
        let (a, b) = (x_of(month_start(month)), x_of(month_start(month + 1)));
        let (a, b) = (a.max(LEFT), b.min(plot_right));
        let w = (b - a).max(3.0);
        let h = s / 10.0 * (STANCE_H / 2.0 - 4.0);
        let (y, hh) = if h >= 0.0 { (mid - h, h) } else { (mid, -h) };
        let color = if s >= 0.0 { &style.cooperative_color } else { &style.conflictual_color };
        let d = month_start(month).to_string();
        let _ = write!(
            out,
            "<rect class=\"stance\" x=\"{a:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\" opacity=\"0.7\"><title>{}: stance {s:+.2} over {}</title></rect>",
            hh.max(1.0),
            esc(color),
            &d[..7],
            crate::count(n, "claim", "claims")
        );
    }
    // Legend.
    let ly = stance_top + STANCE_H + 26.0;
    let mut x = LEFT;
    for (label, fill, stroke, opacity) in [
        ("cooperative", style.cooperative_color.as_str(), style.cooperative_color.as_str(), 0.9),
        ("conflictual", style.conflictual_color.as_str(), style.conflictual_color.as_str(), 0.9),
        ("neutral", style.neutral_color.as_str(), style.neutral_color.as_str(), 0.9),
        ("denied", "#ffffff", style.neutral_color.as_str(), 0.9),
        ("copy of another source", style.neutral_color.as_str(), style.neutral_color.as_str(), 0.3),
    ] {
        let _ = write!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"5\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\" opacity=\"{opacity}\"/><text x=\"{:.1}\" y=\"{:.1}\">{label}</text>",
            x + 5.0,
            ly - 4.0,
            esc(fill),
            esc(stroke),
            if fill == "#ffffff" { 2 } else { 1 },
            x + 14.0,
            ly
        );
        x += 28.0 + 7.0 * label.len() as f64;
    }
    let _ = write!(out, "<text x=\"8\" y=\"{:.1}\" fill=\"#777\" font-size=\"10\">Hover a mark for its sentence; click it for the article.</text>", ly + 14.0);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(date: Option<&str>, row: &str, polarity: &'static str, negated: bool, copy: bool) -> Mark<'static> {
        Mark {
            date: date.map(|d| d.parse().unwrap()),
            row: row.into(),
            scored: Scored { goldstein: if polarity == "cooperative" { 5.0 } else { -5.0 }, negated, modality: "asserted", polarity },
            copy,
            tip: format!("{row} {polarity}"),
            url: Some("https://example.org/a?b=1&c=2".into()),
        }
    }

    #[test]
    fn marks_rows_ticks_and_stance() {
        let style = Style::from_table(None);
        let marks = [
            mark(Some("2022-07-19"), "Reuters", "cooperative", false, false),
            mark(Some("2024-10-13"), "Al Jazeera", "conflictual", true, false),
            mark(Some("2025-06-24"), "Reuters", "conflictual", false, true),
            mark(None, "Blog", "cooperative", false, false),
        ];
        let svg = svg("Russia – Iran", &marks, &style);
        let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        let circles: Vec<_> = doc.descendants().filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("mark"))).collect();
        assert_eq!(circles.len(), 4);
        assert!(circles[1].attribute("class").unwrap().contains("denied") && circles[1].attribute("fill") == Some("#ffffff"));
        assert_eq!(circles[2].attribute("opacity"), Some("0.3"), "a copy is faded");
        // Rows by first date: Reuters, Al Jazeera, then the undated Blog.
        let labels: Vec<&str> =
            doc.descendants().filter(|n| n.has_tag_name("text") && n.attribute("text-anchor") == Some("end")).filter_map(|n| n.last_child()?.text()).collect();
        assert_eq!(&labels[..3], ["Reuters", "Al Jazeera", "Blog"]);
        for year in ["2023", "2024", "2025", "undated"] {
            assert!(svg.contains(&format!(">{year}</text>")), "{year}");
        }
        // Two months with original claims: one cooperative bar, the denied one weighs nothing.
        assert_eq!(doc.descendants().filter(|n| n.attribute("class") == Some("stance")).count(), 1);
        assert!(svg.contains("href=\"https://example.org/a?b=1&amp;c=2\""));
        // Nothing to draw is still a chart.
        assert!(roxmltree::Document::parse(&super::svg("empty", &[], &style)).is_ok());
    }
}
