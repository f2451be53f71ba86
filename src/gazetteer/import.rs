//! `newsgraph gazetteer import`: lists users already have (a CSV or a JSON list of names with
//! type, aliases, affiliation, role and dates) written as a gazetteer TOML file.
//!
//! Rows naming one entity (same name, type and affiliation) are one entity with each row's
//! role and aliases; anything that could be two things is reported and never merged:
//! - a name the gazetteer already knows is left out (the gazetteer's entry stays as it is);
//! - one name with two types or affiliations gives two entities, with distinct ids, each
//!   written as a comment for a person to uncomment the one meant;
//! - an alias another entity claims too (in the gazetteer or the file) is left out, as a
//!   comment: it would tag neither;
//! - an affiliation that names no entity of the gazetteer is left out, as a comment, and so
//!   are the roles that need it.
//!
//! The file written is checked as `gazetteer check` would check it beside the gazetteer: an
//! error there fails the import.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use super::{Gazetteer, Severity, slug_of};
use crate::error::{Error, Result};

/// The columns of an import file; `name` is required.
pub const COLUMNS: [&str; 7] = ["name", "type", "aliases", "affiliation", "role", "from", "to"];

/// The entity types a gazetteer uses.
pub const TYPES: [&str; 5] = ["person", "organisation", "armed_group", "state", "place"];

/// One row of an import file, where it was (`file:line` or `file: item N`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    /// Where it was.
    pub place: String,
    /// The name.
    pub name: String,
    /// The type (one of [`TYPES`]; `person` when empty).
    pub kind: String,
    /// Other names.
    pub aliases: Vec<String>,
    /// The state (or other entity) it belongs to, by id, name or alias.
    pub affiliation: Option<String>,
    /// A role's title.
    pub role: Option<String>,
    /// When the role began (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// When it ended.
    pub to: Option<String>,
}

/// What an import gives: the TOML text, counts, and the reports (one line each).
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// The gazetteer file.
    pub toml: String,
    /// Rows read.
    pub rows: usize,
    /// Entities written.
    pub entities: usize,
    /// Ambiguities and what was done about them.
    pub reports: Vec<String>,
}

/// A JSON item: the same fields; `aliases` a list or one string.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRow {
    name: String,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    aliases: Option<Aliases>,
    #[serde(default)]
    affiliation: Option<String>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Aliases {
    List(Vec<String>),
    One(String),
}

/// Aliases in one cell: separated by `;` or `|`.
fn split_aliases(cell: &str) -> Vec<String> {
    cell.split([';', '|']).map(str::trim).filter(|a| !a.is_empty()).map(str::to_string).collect()
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Reads an import file: a JSON list when it is one (by its first character), a CSV with a
/// header row otherwise. Every row is checked: a name, a known type, dates as `YYYY-MM-DD`.
pub fn read_rows(path: &Path) -> Result<Vec<Row>> {
    let shown = path.display().to_string();
    let src = std::fs::read_to_string(path).map_err(|e| Error::input(&shown, e))?;
    let rows = if src.trim_start().starts_with('[') { json_rows(&shown, &src)? } else { csv_rows(&shown, &src)? };
    if rows.is_empty() {
        return Err(Error::input(&shown, "no rows to import"));
    }
    for r in &rows {
        check_row(r)?;
    }
    Ok(rows)
}

fn json_rows(shown: &str, src: &str) -> Result<Vec<Row>> {
    let items: Vec<JsonRow> = serde_json::from_str(src).map_err(|e| Error::input(format!("{shown}:{}", e.line()), e))?;
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, j)| Row {
            place: format!("{shown}: item {}", i + 1),
            name: j.name.trim().to_string(),
            kind: non_empty(j.kind).unwrap_or_default(),
            aliases: match j.aliases {
                Some(Aliases::List(l)) => l.into_iter().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect(),
                Some(Aliases::One(s)) => split_aliases(&s),
                None => Vec::new(),
            },
            affiliation: non_empty(j.affiliation),
            role: non_empty(j.role),
            from: non_empty(j.from),
            to: non_empty(j.to),
        })
        .collect())
}

fn csv_rows(shown: &str, src: &str) -> Result<Vec<Row>> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(src.as_bytes());
    let headers = reader.headers().map_err(|e| Error::input(format!("{shown}:1"), e))?.clone();
    let mut at: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim_start_matches('\u{feff}').trim();
        let Some(col) = COLUMNS.iter().find(|c| c.eq_ignore_ascii_case(h)) else {
            let hint = crate::norm::did_you_mean(h, COLUMNS).map(|c| format!(" (did you mean {c:?}?)")).unwrap_or_default();
            return Err(Error::input(format!("{shown}:1"), format!("unknown column {h:?}{hint}; the columns are {}", COLUMNS.join(", "))));
        };
        at.insert(col, i);
    }
    if !at.contains_key("name") {
        return Err(Error::input(format!("{shown}:1"), format!("no \"name\" column; the columns are {}", COLUMNS.join(", "))));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Error::input(format!("{shown}:{line}"), e)
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = |c: &str| at.get(c).and_then(|&i| record.get(i)).map(str::to_string);
        if record.iter().all(|c| c.is_empty()) {
            continue;
        }
        rows.push(Row {
            place: format!("{shown}:{line}"),
            name: cell("name").unwrap_or_default(),
            kind: cell("type").unwrap_or_default(),
            aliases: cell("aliases").map(|c| split_aliases(&c)).unwrap_or_default(),
            affiliation: non_empty(cell("affiliation")),
            role: non_empty(cell("role")),
            from: non_empty(cell("from")),
            to: non_empty(cell("to")),
        });
    }
    Ok(rows)
}

fn check_row(r: &Row) -> Result<()> {
    let bad = |m: String| Err(Error::input(&r.place, m));
    if r.name.is_empty() {
        return bad("no name".into());
    }
    if !r.kind.is_empty() && !TYPES.contains(&r.kind.to_lowercase().as_str()) {
        let hint = crate::norm::did_you_mean(&r.kind, TYPES).map(|c| format!(" (did you mean {c:?}?)")).unwrap_or_default();
        return bad(format!("type {:?} is not one of {}{hint}", r.kind, TYPES.join(", ")));
    }
    for (what, d) in [("from", &r.from), ("to", &r.to)] {
        if let Some(d) = d
            && d.parse::<crate::date::Date>().is_err()
        {
            return bad(format!("{what} {d:?} is not a date (YYYY-MM-DD)"));
        }
    }
    if (r.from.is_some() || r.to.is_some()) && r.role.is_none() {
        return bad("dates without a role: a row's from and to are its role's".into());
    }
    Ok(())
}

/// What makes rows one entity: the name's slug, the type, the affiliation's id.
type Key = (String, String, Option<String>);

/// One entity to write: the rows that make it.
struct Draft<'r> {
    id: String,
    rows: Vec<&'r Row>,
    affiliation: Option<String>,
    kind: String,
    /// One of several entities of one name: written as a comment.
    twin: bool,
}

/// A TOML string.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Writes `rows` as the gazetteer file `file_name`, beside `base` (the gazetteer it will join,
/// read from `base_path`, or the shipped one): ids unique against it, affiliations resolved in
/// it, ambiguities reported. The file is checked with the gazetteer; an error fails.
pub fn import(rows: &[Row], base: &Gazetteer, base_path: Option<&Path>, file_name: &str, source: &str) -> Result<Imported> {
    let mut reports = Vec::new();
    // The gazetteer's ids, names and aliases, normalised as the tagger compares them: one
    // lookup per name, not a scan.
    let mut names: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, e) in base.entities.iter().enumerate().rev() {
        for a in e.aliases.iter().map(|a| a.text.as_str()).chain(e.iso3.as_deref()).chain([e.name.as_str()]) {
            names.insert(crate::norm::normalize_alias(a, true), i);
        }
    }
    let find = |q: &str| base.get(q).or_else(|| names.get(&crate::norm::normalize_alias(q, true)).map(|&i| &base.entities[i]));
    // Rows of one entity: the same name (ignoring case and accents), type and affiliation.
    let mut groups: BTreeMap<Key, Vec<&Row>> = BTreeMap::new();
    let mut order: Vec<Key> = Vec::new();
    for r in rows {
        let kind = if r.kind.is_empty() { "person".to_string() } else { r.kind.to_lowercase() };
        let affiliation = match r.affiliation.as_deref() {
            None => None,
            Some(a) => match find(a) {
                Some(e) => Some(e.id.clone()),
                None => {
                    reports.push(format!("{}: affiliation {a:?} names no entity of the gazetteer: left out (add the state, or write its id)", r.place));
                    None
                }
            },
        };
        let key = (slug_of(&r.name), kind, affiliation);
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(r);
    }
    // One name as two entities: reported, written apart.
    let mut by_name: BTreeMap<&str, Vec<&Key>> = BTreeMap::new();
    for k in &order {
        by_name.entry(k.0.as_str()).or_default().push(k);
    }
    let mut drafts: Vec<Draft> = Vec::new();
    let mut taken: std::collections::BTreeSet<String> = base.entities.iter().map(|e| e.id.clone()).collect();
    for key in &order {
        let rows = &groups[key];
        let first = rows[0];
        // Known already (by name, or by the id its name gives, as the same type): the
        // gazetteer's entry stays; nothing is merged into it.
        let known =
            find(&first.name).filter(|e| e.kind == key.1 || e.name.eq_ignore_ascii_case(&first.name)).or_else(|| base.get(&key.0).filter(|e| e.kind == key.1));
        if let Some(e) = known {
            reports.push(format!("{}: {:?} is already {} ({}): not imported (edit that entry to change it)", first.place, first.name, e.id, e.origin));
            continue;
        }
        let twins = &by_name[key.0.as_str()];
        let mut id = key.0.clone();
        let twin = twins.len() > 1;
        if twin {
            id = format!("{id}-{}", key.2.clone().unwrap_or_else(|| key.1.clone()));
            if twins[0] == key {
                let places: Vec<String> = twins.iter().map(|k| groups[*k][0].place.clone()).collect();
                let what: Vec<String> = twins.iter().map(|k| format!("{} of {}", k.1, k.2.as_deref().unwrap_or("no state"))).collect();
                reports.push(format!(
                    "{}: {:?} is {} entities ({}): each written as a comment, not merged; uncomment the one meant, or give each a name of its own",
                    places.join(", "),
                    first.name,
                    twins.len(),
                    what.join("; ")
                ));
            }
        }
        if taken.contains(&id) {
            let base_id = id.clone();
            let mut n = 2;
            while taken.contains(&format!("{base_id}-{n}")) {
                n += 1;
            }
            id = format!("{base_id}-{n}");
            reports.push(format!("{}: id {base_id:?} is taken in the gazetteer: written as {id}", first.place));
        }
        taken.insert(id.clone());
        drafts.push(Draft { id, rows: rows.clone(), affiliation: key.2.clone(), kind: key.1.clone(), twin });
    }
    // Each draft's aliases (its name first); one another entity claims too, in the gazetteer
    // or in this file, is left out and reported: it would tag neither.
    let norm = |a: &str| crate::norm::normalize_alias(a, true);
    let mut claimed: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut aliases_of: Vec<Vec<String>> = Vec::new();
    for (i, d) in drafts.iter().enumerate() {
        let mut list: Vec<String> = Vec::new();
        for a in std::iter::once(&d.rows[0].name).chain(d.rows.iter().flat_map(|r| r.aliases.iter())) {
            if !list.iter().any(|x| norm(x) == norm(a)) {
                list.push(a.clone());
            }
        }
        if !d.twin {
            for a in &list {
                claimed.entry(norm(a)).or_default().push(i);
            }
        }
        aliases_of.push(list);
    }
    let mut toml = String::new();
    let written = drafts.iter().filter(|d| !d.twin).count();
    let _ = writeln!(
        toml,
        "# Imported by `newsgraph gazetteer import` from {source}: {} from {}.\n# Check the lines marked \"check\"; `newsgraph gazetteer check` reads this file with the rest.",
        crate::count(written, "entity", "entities"),
        crate::count(rows.len(), "row", "rows")
    );
    for (i, d) in drafts.iter().enumerate() {
        let first = d.rows[0];
        let places: Vec<&str> = d.rows.iter().map(|r| r.place.as_str()).collect();
        let mut block = String::new();
        let _ = writeln!(block, "[[entity]]\nid = {}\nname = {}\ntype = {}", quote(&d.id), quote(&first.name), quote(&d.kind));
        match (&d.affiliation, d.rows.iter().find_map(|r| r.affiliation.as_deref())) {
            (Some(a), _) => {
                let _ = writeln!(block, "affiliation = {}", quote(a));
            }
            (None, Some(raw)) => {
                let _ = writeln!(block, "# affiliation = {}  # check: no entity of the gazetteer is named so", quote(raw));
            }
            (None, None) => {}
        }
        let (mut kept, mut shared) = (Vec::new(), Vec::new());
        for a in &aliases_of[i] {
            let other =
                find(a).map(|e| e.id.clone()).or_else(|| claimed.get(&norm(a)).and_then(|ds| ds.iter().find(|&&j| j != i)).map(|&j| drafts[j].id.clone()));
            match other {
                Some(o) if !d.twin => shared.push((a, o)),
                _ => kept.push(a),
            }
        }
        if kept.is_empty() {
            kept.push(&first.name);
        }
        let _ = writeln!(block, "aliases = [{}]", kept.iter().map(|a| quote(a)).collect::<Vec<_>>().join(", "));
        for (a, o) in &shared {
            if norm(a) == norm(&first.name) {
                continue;
            }
            reports.push(format!("{}: alias {a:?} of {} is also {o}'s: left out (it would tag neither)", first.place, d.id));
            let _ = writeln!(block, "# check: alias {} is also {o}'s, left out", quote(a));
        }
        let roles: Vec<String> = d
            .rows
            .iter()
            .filter_map(|r| {
                let title = r.role.as_deref()?;
                let mut parts = vec![format!("title = {}", quote(title))];
                parts.extend(r.from.as_deref().map(|f| format!("from = {}", quote(f))));
                parts.extend(r.to.as_deref().map(|t| format!("to = {}", quote(t))));
                Some(format!("  {{ {} }},", parts.join(", ")))
            })
            .collect();
        match (roles.is_empty(), d.affiliation.is_some()) {
            (true, _) => {}
            (false, true) => {
                let _ = writeln!(block, "roles = [\n{}\n]", roles.join("\n"));
            }
            // A role belongs to a state: without one, it waits for a person to give it.
            (false, false) => {
                reports.push(format!("{}: the roles of {} need an affiliation: written as a comment", first.place, d.id));
                let _ = writeln!(
                    block,
                    "# check: a role needs an affiliation\n# roles = [\n{}\n# ]",
                    roles.iter().map(|r| format!("# {r}")).collect::<Vec<_>>().join("\n")
                );
            }
        }
        let _ = writeln!(toml, "\n# {}", places.join(", "));
        if d.twin {
            let _ = writeln!(
                toml,
                "# check: one of {} entities named {}; uncomment the one meant",
                by_name[slug_of(&first.name).as_str()].len(),
                quote(&first.name)
            );
            for line in block.lines() {
                let _ = writeln!(toml, "# {}", line.trim_start_matches("# "));
            }
        } else {
            toml.push_str(&block);
        }
    }
    // Checked as `gazetteer check` would, beside the gazetteer it joins.
    let checked = Gazetteer::load_with_extra(base_path, file_name, &toml)?;
    let mut errors = Vec::new();
    for p in checked.problems().iter().filter(|p| &*p.origin.file == file_name) {
        match p.severity {
            Severity::Error => errors.push(p.to_string()),
            _ => reports.push(p.to_string()),
        }
    }
    if !errors.is_empty() {
        return Err(Error::input(source, format!("the imported entities do not check:\n{}", errors.join("\n"))));
    }
    Ok(Imported { toml, rows: rows.len(), entities: written, reports })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows against the shipped gazetteer: what is written, what is reported.
    #[test]
    fn rows_entities_and_reports() {
        let (base, _) = Gazetteer::builtin_with_lexicon().unwrap();
        let row = |place: &str, name: &str, kind: &str, aliases: &[&str], aff: Option<&str>, role: Option<&str>| Row {
            place: place.into(),
            name: name.into(),
            kind: kind.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            affiliation: aff.map(Into::into),
            role: role.map(Into::into),
            ..Row::default()
        };
        // (rows, entities written, text the TOML holds, text a report holds)
        let cases: Vec<(Vec<Row>, usize, &str, &str)> = vec![
            (vec![row("f:2", "Oberon Talvik", "", &["Talvik"], Some("EST"), Some("Foreign Minister"))], 1, "affiliation = \"estonia\"", ""),
            (
                vec![
                    row("f:2", "Oberon Talvik", "person", &[], Some("Estonia"), Some("A")),
                    row("f:3", "oberon talvik", "person", &[], Some("estonia"), Some("B")),
                ],
                1,
                "{ title = \"B\" }",
                "",
            ),
            (vec![row("f:2", "Vladimir Putin", "person", &[], Some("Russia"), None)], 0, "", "is already vladimir-putin"),
            (
                vec![row("f:2", "A Khan", "person", &[], Some("Pakistan"), None), row("f:3", "A Khan", "person", &[], Some("India"), None)],
                0,
                "# id = \"a-khan-india\"",
                "is 2 entities",
            ),
            (vec![row("f:2", "Mira Sol", "person", &["Putin"], None, None)], 1, "# check: alias \"Putin\" is also vladimir-putin's", "left out"),
            (vec![row("f:2", "Mira Sol", "person", &[], Some("Atlantis"), Some("Queen"))], 1, "# roles = [", "need an affiliation"),
        ];
        for (rows, entities, in_toml, in_reports) in cases {
            let got = import(&rows, &base, None, "imported.toml", "f").unwrap();
            assert_eq!(got.entities, entities, "{rows:?}\n{}", got.toml);
            assert!(got.toml.contains(in_toml), "{rows:?}\n{}", got.toml);
            assert!(in_reports.is_empty() || got.reports.iter().any(|r| r.contains(in_reports)), "{rows:?}: {:?}", got.reports);
        }
    }

    #[test]
    fn aliases_split_on_semicolons_and_bars() {
        for (cell, want) in [("A; B", vec!["A", "B"]), ("A|B |", vec!["A", "B"]), ("", vec![]), ("Kim Jong Un", vec!["Kim Jong Un"])] {
            assert_eq!(split_aliases(cell), want, "{cell}");
        }
    }
}
