//! Suggestions as a table, JSON, or TOML ready to paste into a gazetteer file.

use std::fmt::Write as _;

use super::Suggestion;

/// Output formats of `gazetteer suggest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text.
    Table,
    /// JSON.
    Json,
    /// `[[entity]]` tables, the guessed fields marked for a person to confirm.
    Toml,
}

/// A TOML string.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Renders suggestions.
pub fn render(list: &[Suggestion], format: Format) -> String {
    let mut out = String::new();
    match format {
        Format::Json => {
            out = serde_json::to_string_pretty(list).expect("suggestions serialise");
            out.push('\n');
        }
        Format::Table => {
            let w = list.iter().map(|s| s.name.chars().count()).max().unwrap_or(4).max(4);
            let _ = writeln!(out, "{:<w$}  {:>9} {:>8} {:>10}  {:<12} {:<14} role", "name", "documents", "mentions", "near cues", "type", "state");
            for s in list {
                let _ = writeln!(
                    out,
                    "{:<w$}  {:>9} {:>8} {:>10}  {:<12} {:<14} {}",
                    s.name,
                    s.documents,
                    s.mentions,
                    s.near_cues,
                    s.kind,
                    s.affiliation.as_deref().unwrap_or("—"),
                    s.role.as_deref().unwrap_or("")
                );
            }
        }
        Format::Toml => {
            let _ = writeln!(
                out,
                "# Names the gazetteer does not know, proposed by `newsgraph gazetteer suggest`. The lines\n# marked \"guessed\" come from the context: confirm or correct them, then paste the tables\n# into a gazetteer file (or save this one in the gazetteer folder)."
            );
            for s in list {
                let _ = writeln!(
                    out,
                    "\n# {}: {}, {}, {} near relation cues",
                    s.name,
                    crate::count(s.documents, "document", "documents"),
                    crate::count(s.mentions, "mention", "mentions"),
                    s.near_cues
                );
                for (doc, sentence) in &s.examples {
                    let short: String = sentence.chars().take(160).collect();
                    let _ = writeln!(out, "#   {doc}: {}{}", short, if short.len() < sentence.len() { "…" } else { "" });
                }
                let _ = writeln!(out, "[[entity]]\nid = {}\nname = {}", quote(&s.id), quote(&s.name));
                let _ = writeln!(out, "type = {}  # guessed from {}", quote(&s.kind), s.type_from.replace('\n', " "));
                let _ = writeln!(out, "aliases = [{}]", s.aliases.iter().map(|a| quote(a)).collect::<Vec<_>>().join(", "));
                match &s.affiliation {
                    Some(a) => {
                        let _ = writeln!(out, "affiliation = {}  # guessed from a state named next to it", quote(a));
                    }
                    None => {
                        let _ = writeln!(out, "# affiliation = \"\"  # no state named next to it");
                    }
                }
                if let Some(role) = &s.role {
                    let since = s.role_date.as_deref().map(|d| format!(", from = {}", quote(d.get(..10).unwrap_or(d)))).unwrap_or_default();
                    let _ = writeln!(out, "# roles = [{{ title = {}{since} }}]  # guessed from the title before the name", quote(role));
                }
            }
        }
    }
    out
}
