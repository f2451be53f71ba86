//! Compares newsgraph's article extraction (`dom_smoothie`, Readability) with the `trafilatura`
//! crate (a Rust port of go-trafilatura) on the hand-marked test pages: word-level F1 against
//! the marked text, sidebar words let through, publication date and outlet found, and time
//! per page. Usage: `cargo run --release [PAGES_DIR] [REPEATS]`.

use std::collections::HashMap;
use std::time::Instant;

fn bag(s: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for w in s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        *m.entry(w.to_lowercase()).or_default() += 1;
    }
    m
}

fn f1(got: &str, want: &str) -> f64 {
    let (g, w) = (bag(got), bag(want));
    let common: usize = g.iter().map(|(k, n)| (*n).min(w.get(k).copied().unwrap_or(0))).sum();
    let p = common as f64 / g.values().sum::<usize>().max(1) as f64;
    let r = common as f64 / w.values().sum::<usize>().max(1) as f64;
    if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
}

struct Out {
    text: String,
    date: Option<String>,
    outlet: Option<String>,
}

fn dom_smoothie(html: &str) -> Option<Out> {
    let a = newsgraph::text::article(html)?;
    Some(Out { text: a.text, date: a.published.map(|d| d.to_string()), outlet: a.outlet })
}

fn trafilatura(html: &str) -> Option<Out> {
    let r = trafilatura::extract(html, &trafilatura::Options::default()).ok()?;
    let date = r.metadata.date.map(|d| d.to_string()).map(|d| d.chars().take(10).collect());
    let outlet = Some(r.metadata.sitename.clone()).filter(|s| !s.is_empty());
    Some(Out { text: r.content_text, date, outlet })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).cloned().unwrap_or_else(|| "../../tests/data/pages".into());
    let repeats: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(200);
    let mut pages: Vec<_> = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "html")).collect();
    pages.sort();
    let tools: [(&str, fn(&str) -> Option<Out>); 2] = [("dom_smoothie", dom_smoothie), ("trafilatura", trafilatura)];
    println!("| page | extractor | word F1 | date | outlet | ms/page |");
    println!("|---|---|---|---|---|---|");
    let mut totals: HashMap<&str, (f64, f64)> = HashMap::new();
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        let marked = std::fs::read_to_string(page.with_extension("txt")).unwrap();
        for (name, tool) in tools {
            let out = tool(&html);
            let t = Instant::now();
            for _ in 0..repeats {
                std::hint::black_box(tool(std::hint::black_box(&html)));
            }
            let ms = t.elapsed().as_secs_f64() * 1000.0 / repeats as f64;
            let (score, date, outlet) = match &out {
                Some(o) => (f1(&o.text, &marked), o.date.clone().unwrap_or("-".into()), o.outlet.clone().unwrap_or("-".into())),
                None => (0.0, "-".into(), "-".into()),
            };
            let e = totals.entry(name).or_default();
            e.0 += score;
            e.1 += ms;
            println!("| {} | {name} | {score:.3} | {date} | {outlet} | {ms:.2} |", page.file_stem().unwrap().to_string_lossy());
        }
    }
    for (name, _) in tools {
        let (f, ms) = totals[name];
        println!("| mean | {name} | {:.3} | | | {:.2} |", f / pages.len() as f64, ms / pages.len() as f64);
    }
}
