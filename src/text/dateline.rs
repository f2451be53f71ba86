//! Datelines: "MOSCOW, June 22 (Reuters) -", "WASHINGTON (AP) —", "KYIV, Ukraine, March 3
//! (AFP) –": the place the story was filed from, its day, and the agency that provides it.
//!
//! A dateline opens the text: a place in capitals (and an optional region), an optional day,
//! an optional agency in brackets, then a dash. The agency is the story's provider, never an
//! actor of it; the day gives the publication date when nothing else does, with the year from
//! the metadata (see [`Dateline::date`]).

use crate::date::Date;

/// What a dateline says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dateline {
    /// The place, as written ("MOSCOW", "KYIV, Ukraine").
    pub place: String,
    /// Month and day, when given.
    pub day: Option<(u8, u8)>,
    /// Year, when given ("June 22, 2025").
    pub year: Option<u16>,
    /// The agency in brackets ("Reuters", "AP").
    pub provider: Option<String>,
    /// Byte offset just after the dash.
    pub end: usize,
}

/// Month names and abbreviations, by month number.
const MONTHS: [(&str, u8); 23] = [
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
];

fn month(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w == "dec" {
        return Some(12);
    }
    MONTHS.iter().find(|(m, _)| *m == w).map(|(_, n)| *n)
}

/// "June 22", "Sept. 3", "June 22, 2025": month, day and year.
fn day_of(part: &str) -> Option<((u8, u8), Option<u16>)> {
    let mut words = part.split_whitespace();
    let m = month(words.next()?)?;
    let d: u8 = words.next()?.trim_end_matches(',').parse().ok().filter(|d| (1..=31).contains(d))?;
    let year = match words.next() {
        Some(y) => Some(y.parse().ok().filter(|y| (1900..=2100).contains(y))?),
        None => None,
    };
    words.next().is_none().then_some(((m, d), year))
}

/// Whether `s` is a place in capitals: letters (at least three, none lowercase), spaces, dots,
/// apostrophes and hyphens.
fn capital_place(s: &str) -> bool {
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 3 && s.chars().all(|c| c.is_alphabetic() && !c.is_lowercase() || matches!(c, ' ' | '.' | '\'' | '’' | '-'))
}

/// Whether `s` is a region after the place ("Ukraine", "Calif.", "D.C."): capitalised words.
fn region(s: &str) -> bool {
    !s.is_empty() && s.len() <= 40 && s.split_whitespace().all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
}

/// The dateline opening `text`, if it has one.
pub fn dateline(text: &str) -> Option<Dateline> {
    let start = text.len() - text.trim_start().len();
    let line = text[start..].lines().next()?;
    // The dash that ends it, within the first 120 bytes: " - ", " – ", " — " or "—".
    let mut cut = line.len().min(120);
    while !line.is_char_boundary(cut) {
        cut -= 1;
    }
    let window = &line[..cut];
    let (at, dash) = DASHES.iter().filter_map(|d| window.find(d).map(|i| (i, *d))).min_by_key(|&(i, d)| (i, d.len()))?;
    let mut head = window[..at].trim();
    let end = start + at + dash.len();
    let mut provider = None;
    if head.ends_with(')')
        && let Some(open) = head.rfind('(')
    {
        let p = head[open + 1..head.len() - 1].trim();
        if p.is_empty() || p.len() > 40 {
            return None;
        }
        provider = Some(p.to_string());
        head = head[..open].trim();
    }
    let mut parts = head.split(',').map(str::trim);
    let place = parts.next()?;
    if !capital_place(place) {
        return None;
    }
    let mut place = place.to_string();
    let (mut day, mut year) = (None, None);
    let rest: Vec<&str> = parts.collect();
    let mut i = 0;
    while i < rest.len() {
        let part = rest[i];
        if let Some((d, y)) = day_of(part) {
            day = Some(d);
            year = y;
        } else if day.is_some() && year.is_none() && part.parse::<u16>().is_ok_and(|y| (1900..=2100).contains(&y)) {
            year = part.parse().ok();
        } else if day.is_none() && region(part) {
            place = format!("{place}, {part}");
        } else {
            return None;
        }
        i += 1;
    }
    // A bare "PLACE —" must use a long dash: "NATO - Russia talks" is a headline, not a dateline.
    if provider.is_none() && day.is_none() && !place.contains(',') && !dash.contains('—') {
        return None;
    }
    Some(Dateline { place, day, year, provider, end })
}

/// The dashes that end a dateline.
const DASHES: [&str; 5] = [" - ", " – ", " — ", "—", " -- "];

impl Dateline {
    /// The day as a date, with its own year, else `year` (from the document's metadata).
    pub fn date(&self, year: Option<u16>) -> Option<Date> {
        let (m, d) = self.day?;
        Date::new(self.year.or(year)?, m, d)
    }
}

/// A year in a URL's path ("/2025/06/22/"), for datelines without one.
pub fn url_year(url: &str) -> Option<u16> {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    path.split('/').skip(1).filter_map(|p| p.parse::<u16>().ok()).find(|y| (1990..=2100).contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines_are_read_and_prose_is_not() {
        // (text, place, month/day, year, provider)
        type Want = Option<(&'static str, Option<(u8, u8)>, Option<u16>, Option<&'static str>)>;
        let cases: [(&str, Want); 15] = [
            ("MOSCOW, June 22 (Reuters) - Russia condemned the strikes.", Some(("MOSCOW", Some((6, 22)), None, Some("Reuters")))),
            ("WASHINGTON (AP) — The Pentagon said.", Some(("WASHINGTON", None, None, Some("AP")))),
            ("KYIV, Ukraine (AP) — Russia launched drones.", Some(("KYIV, Ukraine", None, None, Some("AP")))),
            ("BEIJING, March 3, 2025 (Xinhua) -- China said.", Some(("BEIJING", Some((3, 3)), Some(2025), Some("Xinhua")))),
            ("  TEHRAN, Sept. 14 (AFP) – Iran rejected it.", Some(("TEHRAN", Some((9, 14)), None, Some("AFP")))),
            ("WASHINGTON — President Trump said on Monday.", Some(("WASHINGTON", None, None, None))),
            ("NEW YORK, Dec. 1 - Markets fell.", Some(("NEW YORK", Some((12, 1)), None, None))),
            ("UNITED NATIONS (AP) — The council met.", Some(("UNITED NATIONS", None, None, Some("AP")))),
            ("Russia condemned the strikes - officials said.", None),
            ("The talks — the first in years — began.", None),
            ("NATO said on Monday that it would meet.", None),
            ("US - China talks resumed.", None),
            ("NATO - Russia talks resumed.", None),
            ("MOSCOW, in a statement - nothing.", None),
            ("", None),
        ];
        for (text, want) in cases {
            let got = dateline(text).map(|d| (d.place, d.day, d.year, d.provider));
            let want = want.map(|(p, d, y, a)| (p.to_string(), d, y, a.map(String::from)));
            assert_eq!(got, want, "{text:?}");
        }
        let d = dateline("MOSCOW, June 22 (Reuters) - Text.").unwrap();
        assert_eq!(&"MOSCOW, June 22 (Reuters) - Text."[d.end..], "Text.");
        assert_eq!(d.date(Some(2025)), Date::new(2025, 6, 22));
        assert_eq!(d.date(None), None);
    }

    proptest::proptest! {
        /// Any text, in any script: a dateline or none, never a panic, and its end on a char
        /// boundary of the text.
        #[test]
        fn any_text_is_read_without_panic(text in "[A-Z ,.()—–\\-a-z0-9’é]{0,200}") {
            if let Some(d) = dateline(&text) {
                proptest::prop_assert!(text.is_char_boundary(d.end));
            }
        }
    }

    /// A long line with a multi-byte dash across byte 120 (it once cut inside the dash).
    #[test]
    fn the_window_ends_on_a_char_boundary() {
        let line = format!("{}— a matter that was not addressed publicly.", "x".repeat(119));
        assert_eq!(dateline(&line), None);
        let line = format!("MOSCOW (Reuters) — {}", "é".repeat(100));
        assert_eq!(dateline(&line).map(|d| d.place), Some("MOSCOW".into()));
    }

    #[test]
    fn years_come_from_url_paths() {
        for (url, want) in [
            ("https://www.reuters.com/world/europe/2025/06/22/russia-condemns", Some(2025)),
            ("https://apnews.com/article/iran-russia-1234567", None),
            ("https://example.org/2019/story", Some(2019)),
            ("https://2024.example.org/story", None),
        ] {
            assert_eq!(url_year(url), want, "{url}");
        }
    }
}
