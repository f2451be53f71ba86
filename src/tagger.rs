//! Finds mentions of gazetteer entities in text with one Aho-Corasick automaton (the
//! `aho-corasick` crate) of every alias and role phrase.
//!
//! The automaton holds each alias's normal form in ASCII lowercase, with standard match
//! semantics, and is walked anchored from every word start of the document's normal form,
//! ASCII-lowercasing the bytes it reads, so it meets every occurrence of every pattern that
//! can be a mention. The crate does no whole-word matching and folds only ASCII case; the
//! tagger does the rest around it: it drops matches that end inside a word, checks each
//! match's case against its alias, maps spans back to the text, then picks leftmost-longest
//! among what is left.
//!
//! Semantics, each covered by the table in this module's tests:
//!
//! - **Whole words.** A match must not start or end inside a word (letters, digits, marks and
//!   `_`, in any script): "Ahmed" is not found in "Ahmedé". Possessives ("Russia's",
//!   "Russia’s", "Iranians’") and hyphenated pairs ("Russia–Iran", "US-Israeli") still match.
//! - **Leftmost-longest over valid matches.** Every occurrence of every alias is found
//!   (overlapping search), the invalid ones (cut words, wrong case, unresolvable roles) are
//!   dropped, and of the rest the leftmost wins, then the longest. So a longest match rejected
//!   for cutting a word falls back to the longest valid one at the same place: "New York
//!   Timesville" still gives "New York".
//! - **Case.** [`CaseMode::Default`]: acronyms (aliases without lowercase letters) match
//!   exactly; other aliases match as written or in capitals (headlines). An entity's `case`
//!   overrides. [`CaseMode::Exact`]: every alias exactly as written. [`CaseMode::Ignore`]:
//!   Unicode lowercase on both sides.
//! - **Normal form.** Text and aliases are compared in [`crate::norm`]'s normal form (curly
//!   apostrophes, dashes, white space, middle initials), with spans mapped back to the text.
//! - **Roles.** "the Russian President", "Iran's supreme leader", "President of Iran", "Kremlin
//!   spokesman" resolve to whoever held the office on the document's date; without a date, or
//!   with nobody in office, the phrase is not a match and shorter ones ("Russian") stand. A role
//!   phrase right next to its holder's name ("Russian President Vladimir Putin", "Ali Khamenei,
//!   Iran's supreme leader") is one mention, the name.
//! - **Ambiguity.** An alias claimed by several entities resolves to the one candidate the same
//!   document names unambiguously; otherwise it is dropped, never guessed.

use std::collections::BTreeSet;
use std::ops::Range;

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, MatchKind};
use rustc_hash::FxHashMap as HashMap;

use crate::date::Date;
use crate::error::{Error, Result};
use crate::gazetteer::{CasePolicy, Gazetteer, How};
use crate::norm::{Normalized, is_ascii_word_byte, is_word_char, normalize_alias, normalize_into};

/// How the case of aliases and text must agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseMode {
    /// Acronyms exact, names as written or in capitals; entities may override.
    #[default]
    Default,
    /// Every alias exactly as written.
    Exact,
    /// Any case.
    Ignore,
}

/// One mention of an entity in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    /// Index of the entity in [`Gazetteer::entities`].
    pub entity: u32,
    /// Byte offset of the first byte, on a char boundary of the document text.
    pub start: usize,
    /// Byte offset one past the last byte, on a char boundary.
    pub end: usize,
    /// How the text names the entity.
    pub how: How,
}

impl Mention {
    /// The matched text.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

#[derive(Debug, Clone, Copy)]
enum Target {
    Entity { entity: u32, how: How },
    Role(u32),
}

#[derive(Debug, Clone)]
struct Form {
    /// The normal form the text must equal (exact policy), or equal or equal in capitals (name
    /// policy; see [`in_capitals`]).
    exact: Box<str>,
    policy: CasePolicy,
    target: Target,
}

/// A form as the tagger checks it, laid out with the other forms of its pattern (and their
/// texts likewise), so that checking a match reads two places in memory.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Where [`Form::exact`] is in [`Tagger::exacts`].
    exact: (u32, u32),
    policy: CasePolicy,
    target: Target,
}

#[derive(Debug, Clone, Copy)]
struct Holder {
    entity: u32,
    from: Option<Date>,
    to: Option<Date>,
}

/// A compiled gazetteer, ready to tag any number of documents (it is `Sync`).
#[derive(Debug, Clone)]
pub struct Tagger {
    /// The Aho-Corasick automaton of every pattern (the ASCII-lowercased normal forms of the
    /// aliases and role phrases, sorted), walked anchored from each word start of a document's
    /// normal form (see [`Tagger::candidates`]).
    matcher: NFA,
    /// Whether some pattern starts with each byte: a word start whose first byte starts none
    /// starts no walk.
    first_bytes: [bool; 256],
    /// Pattern `p`'s forms are `entries[forms[p]..forms[p + 1]]`.
    forms: Vec<u32>,
    /// The forms, pattern after pattern, each pattern's in gazetteer order.
    entries: Vec<Entry>,
    /// The forms' texts, in the order of `entries`.
    exacts: String,
    /// For each role phrase group, who held it when.
    roles: Vec<Vec<Holder>>,
    /// For each person whose name has two words or more, the name's last word when it is no
    /// alias of its own ("Khan" of "Imran Khan"): a surname alone after the full name in a
    /// document names that person (see [`Tagger::tag`]).
    surnames: HashMap<u32, String>,
    mode: CaseMode,
    /// The automaton's patterns, for the tests' brute-force scan.
    #[cfg(test)]
    patterns: Vec<String>,
}

/// An alias or role phrase in normal form, with its pattern keys.
struct Prepared {
    form: Form,
    /// The ASCII-lowercased normal form.
    key: String,
    /// The ASCII-lowercased capitalised form, when it differs beyond ASCII ("ERDOĞAN").
    upper_key: Option<String>,
}

impl Prepared {
    fn new(text: &str, policy: CasePolicy, target: Target, fold: bool) -> Option<Prepared> {
        let exact = normalize_alias(text, fold);
        if exact.is_empty() {
            return None;
        }
        let key = exact.to_ascii_lowercase();
        // The automaton folds ASCII case, which finds the capitalised form too unless it
        // differs beyond ASCII ("ERDOĞAN"); then it needs its own pattern.
        let upper_key = (policy == CasePolicy::Name && !exact.is_ascii()).then(|| exact.to_uppercase().to_ascii_lowercase()).filter(|k| *k != key);
        Some(Prepared { form: Form { exact: exact.into(), policy, target }, key, upper_key })
    }
}

fn default_policy(alias: &str) -> CasePolicy {
    let has_letter = alias.chars().any(char::is_alphabetic);
    let has_lower = alias.chars().any(char::is_lowercase);
    if has_letter && !has_lower { CasePolicy::Exact } else { CasePolicy::Name }
}

/// The role phrases of one office, in the case they are written.
fn role_phrases(gaz: &Gazetteer, entity: &crate::gazetteer::Entity, role: &crate::gazetteer::Role) -> Vec<String> {
    let mut out: Vec<String> = role.phrases.clone();
    let of = role.of.as_deref().or(entity.affiliation.as_deref()).and_then(|id| gaz.get(id));
    let Some(of) = of else { return out };
    for title in &role.titles {
        let lower = {
            let mut cs = title.chars();
            match cs.next() {
                Some(c) => c.to_lowercase().chain(cs.flat_map(char::to_lowercase)).collect::<String>(),
                None => continue,
            }
        };
        let titles = [title.clone(), lower];
        for alias in &of.aliases {
            let form = alias.text.strip_prefix("The ").unwrap_or(&alias.text);
            for t in &titles {
                match alias.how {
                    How::Demonym => out.push(format!("{form} {t}")),
                    How::Name | How::Alias => {
                        out.push(format!("{form}'s {t}"));
                        out.push(format!("{t} of {form}"));
                        if of.kind != "state" {
                            out.push(format!("{form} {t}"));
                            out.push(format!("{t} of the {form}"));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

impl Tagger {
    /// Compiles a gazetteer. Fails only if the automaton cannot be built (too many patterns
    /// for its 32-bit state ids).
    ///
    /// Runs on the current rayon pool: aliases are normalised in parallel; the automaton is then
    /// built from the distinct patterns.
    pub fn new(gaz: &Gazetteer, mode: CaseMode) -> Result<Tagger> {
        use rayon::prelude::*;
        let fold = mode == CaseMode::Ignore;
        let policy_for = |entity: &crate::gazetteer::Entity, alias: &str| match mode {
            CaseMode::Exact => CasePolicy::Exact,
            CaseMode::Ignore => CasePolicy::Ignore,
            CaseMode::Default => entity.case.unwrap_or_else(|| default_policy(alias)),
        };
        let prepared: Vec<Vec<Prepared>> = gaz
            .entities
            .par_iter()
            .enumerate()
            .map(|(i, e)| {
                e.aliases.iter().filter_map(|a| Prepared::new(&a.text, policy_for(e, &a.text), Target::Entity { entity: i as u32, how: a.how }, fold)).collect()
            })
            .collect();
        // Role phrases: one group per distinct phrase, holding every holder of that office.
        let mut role_groups: HashMap<String, usize> = HashMap::default();
        let mut roles: Vec<Vec<Holder>> = Vec::new();
        let mut role_forms: Vec<(String, usize)> = Vec::new();
        for (i, e) in gaz.entities.iter().enumerate() {
            for r in &e.roles {
                for phrase in role_phrases(gaz, e, r) {
                    let g = *role_groups.entry(phrase.clone()).or_insert_with(|| {
                        roles.push(Vec::new());
                        role_forms.push((phrase.clone(), roles.len() - 1));
                        roles.len() - 1
                    });
                    roles[g].push(Holder { entity: i as u32, from: r.from, to: r.to });
                }
            }
        }
        let role_policy = match mode {
            CaseMode::Exact => CasePolicy::Exact,
            CaseMode::Ignore => CasePolicy::Ignore,
            CaseMode::Default => CasePolicy::Name,
        };
        let role_prepared = role_forms.iter().filter_map(|(phrase, g)| Prepared::new(phrase, role_policy, Target::Role(*g as u32), fold));
        // Forms in gazetteer order, and their pattern keys; (key, form) pairs sorted by key
        // group the forms that share a pattern, in form order. The automaton is built from the
        // distinct keys in sorted order too: its trie takes less than half the time to build
        // from sorted patterns than from the gazetteer's order (0.39 s against 0.67 s for the
        // bench's 290,000 patterns).
        let count: usize = prepared.iter().map(Vec::len).sum::<usize>() + role_forms.len();
        let mut forms: Vec<Form> = Vec::with_capacity(count);
        let mut keys: Vec<String> = Vec::with_capacity(count + count / 8);
        let mut key_form: Vec<u32> = Vec::with_capacity(count + count / 8);
        for p in prepared.into_iter().flatten().chain(role_prepared) {
            let id = u32::try_from(forms.len()).map_err(|_| Error::usage("cannot compile the gazetteer: over 4 billion aliases"))?;
            for key in std::iter::once(p.key).chain(p.upper_key) {
                keys.push(key);
                key_form.push(id);
            }
            forms.push(p.form);
        }
        let mut order: Vec<u32> = (0..keys.len() as u32).collect();
        order.par_sort_unstable_by(|&a, &b| keys[a as usize].cmp(&keys[b as usize]).then(key_form[a as usize].cmp(&key_form[b as usize])));
        let mut patterns: Vec<&str> = Vec::new();
        let mut starts: Vec<u32> = Vec::new();
        let mut entries: Vec<Entry> = Vec::with_capacity(order.len());
        let mut exacts = String::new();
        for &i in &order {
            let key = keys[i as usize].as_str();
            if patterns.last() != Some(&key) {
                patterns.push(key);
                starts.push(entries.len() as u32);
            }
            let form = &forms[key_form[i as usize] as usize];
            let at = u32::try_from(exacts.len()).map_err(|_| Error::usage("cannot compile the gazetteer: over 4 GiB of aliases"))?;
            exacts.push_str(&form.exact);
            entries.push(Entry { exact: (at, form.exact.len() as u32), policy: form.policy, target: form.target });
        }
        starts.push(entries.len() as u32);
        // Standard semantics: every state knows every pattern that ends there, so a walk sees
        // a shorter valid match under a longer invalid one. A contiguous NFA: a DFA of a large
        // gazetteer would take gigabytes and seconds to build. (An NFA answers anchored and
        // unanchored searches alike.) Anchored walks: a valid match starts at a word start, so
        // the tagger walks the automaton from each one instead of stepping it at every byte
        // (an unanchored overlapping scan made `tag` 1.4 times as slow at 200 MB,
        // BENCHMARKS.md). The patterns are ASCII-lowercased, and the walk
        // lowercases the bytes it reads: the builder's own ASCII case folding takes 2.5 times
        // as long to build (0.97 s against 0.39 s).
        let matcher =
            NFA::builder().match_kind(MatchKind::Standard).build(&patterns).map_err(|e| Error::usage(format!("cannot compile the gazetteer: {e}")))?;
        let mut first_bytes = [false; 256];
        for p in &patterns {
            first_bytes[usize::from(p.as_bytes()[0])] = true;
        }
        let single_words: rustc_hash::FxHashSet<String> =
            gaz.entities.iter().flat_map(|e| &e.aliases).filter(|a| !a.text.contains(' ')).map(|a| a.text.to_lowercase()).collect();
        let surnames: HashMap<u32, String> = gaz
            .entities
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                // The family name (see `Entity::short_name`): capitalised, of three letters or
                // more unless the gazetteer gives it, and no entity's one-word alias.
                let last = e.short_name()?;
                let ok = last.chars().next().is_some_and(char::is_uppercase)
                    && (last.chars().count() >= 3 || e.surname.is_some())
                    && !single_words.contains(&last.to_lowercase());
                ok.then(|| (i as u32, last.to_string()))
            })
            .collect();
        Ok(Tagger {
            surnames,
            matcher,
            first_bytes,
            forms: starts,
            entries,
            exacts,
            roles,
            mode,
            #[cfg(test)]
            patterns: patterns.iter().map(|p| p.to_string()).collect(),
        })
    }

    /// Tags the `regions` of `text` (for example the kept paragraphs of a document), resolving
    /// role phrases at `date`. Mentions come back in text order, without overlaps.
    pub fn tag(&self, text: &str, regions: &[Range<usize>], date: Option<Date>) -> Vec<Mention> {
        let mut chosen = Chosen::default();
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut scratch = Scratch::default();
        for region in regions {
            candidates.clear();
            self.candidates(text, region.clone(), date, &mut scratch, &mut candidates);
            select(&mut candidates, &mut chosen);
        }
        let mut mentions = resolve(text, &chosen);
        self.add_surnames(text, regions, &mut mentions);
        mentions
    }

    /// A surname alone after the person's full name in the document ("Khan" after "Imran
    /// Khan") names that person: as written (capitalised), as a whole word, not inside a
    /// mention, not next to another capitalised word (a longer name), and only when no other
    /// person named in the document has that surname.
    fn add_surnames(&self, text: &str, regions: &[Range<usize>], mentions: &mut Vec<Mention>) {
        let mut wanted: Vec<(&str, u32, usize)> = Vec::new();
        for m in mentions.iter().filter(|m| m.how != How::Demonym && m.how != How::Metonym) {
            let Some(s) = self.surnames.get(&m.entity) else { continue };
            if !m.text(text).contains(' ') {
                continue;
            }
            match wanted.iter_mut().find(|w| w.0 == s.as_str()) {
                Some(w) if w.1 != m.entity => w.1 = u32::MAX,
                Some(_) => {}
                None => wanted.push((s, m.entity, m.end)),
            }
        }
        wanted.retain(|w| w.1 != u32::MAX);
        if wanted.is_empty() {
            return;
        }
        let word_char_at = |i: usize| text[i..].chars().next().is_some_and(is_word_char);
        let capitalised = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
        let mut added = Vec::new();
        for (s, entity, after) in wanted {
            let mut from = after;
            while let Some(k) = text[from..].find(s) {
                let (start, end) = (from + k, from + k + s.len());
                from = end;
                let whole = !text[..start].chars().next_back().is_some_and(is_word_char) && (end == text.len() || !word_char_at(end));
                let inside = regions.iter().any(|r| r.start <= start && end <= r.end);
                // Mentions are in text order and do not overlap: the one ending after `start`.
                let next = mentions.partition_point(|m| m.end <= start);
                let taken = mentions.get(next).is_some_and(|m| m.start < end);
                // "Kim Yo Jong", "Khan Academy": a capitalised neighbour makes a longer name.
                let before = &text[..start];
                let prev_cap = before.ends_with(' ')
                    && !before.trim_end().ends_with(['.', '"', ',', ':', '\u{201C}'])
                    && before.trim_end().rsplit(' ').next().is_some_and(capitalised);
                let next_cap = text[end..].strip_prefix(' ').is_some_and(capitalised);
                if whole && inside && !taken && !prev_cap && !next_cap {
                    added.push(Mention { entity, start, end, how: How::Alias });
                }
            }
        }
        if !added.is_empty() {
            mentions.extend(added);
            mentions.sort_by_key(|m| (m.start, m.end));
        }
    }

    /// Every valid candidate in `region`: every occurrence of every pattern that starts and
    /// ends on a word boundary and passes its form's case policy, in text order.
    ///
    /// A valid match cannot start inside a word, so the automaton is walked anchored from each
    /// position that does not follow a word char (and whose byte starts some pattern), until
    /// it dies; each walk meets every pattern that starts there.
    fn candidates(&self, text: &str, region: Range<usize>, date: Option<Date>, scratch: &mut Scratch, out: &mut Vec<Candidate>) {
        normalize_into(&text[region.clone()], region.start, self.mode == CaseMode::Ignore, &mut scratch.norm);
        let norm = &scratch.norm;
        let n = norm.text.as_str();
        let bytes = n.as_bytes();
        let mut after_word = false;
        let mut p = 0;
        while p < bytes.len() {
            let b = bytes[p];
            // A prefilter on the first byte only: one on the whole leading word (a hash probe
            // of the run, as the hand-written trie had) measured no faster around the crate's
            // walk, 70.7 MB/s against 75.5 for the tagger alone at 200 MB.
            if !after_word && self.first_bytes[usize::from(b.to_ascii_lowercase())] {
                self.walk(norm, p, date, out);
            }
            let (word, len) = if b < 0x80 {
                (is_ascii_word_byte(b), 1)
            } else {
                let c = n[p..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
                (is_word_char(c), c.len_utf8())
            };
            after_word = word;
            p += len;
        }
    }

    /// Walks the automaton anchored at normalised byte `s` (ASCII-lowercasing the bytes it
    /// reads) and keeps the valid matches that start there.
    fn walk(&self, norm: &Normalized, s: usize, date: Option<Date>, out: &mut Vec<Candidate>) {
        let nfa = &self.matcher;
        let bytes = norm.text.as_bytes();
        let Ok(mut state) = nfa.start_state(Anchored::Yes) else { return };
        for (e, &b) in bytes.iter().enumerate().skip(s) {
            state = nfa.next_state(Anchored::Yes, state, b.to_ascii_lowercase());
            if nfa.is_dead(state) {
                return;
            }
            if nfa.is_match(state) {
                // A state also knows the patterns that end here but start later (its failure
                // links' matches): only those as long as the walk start here.
                for i in 0..nfa.match_len(state) {
                    let pattern = nfa.match_pattern(state, i);
                    if nfa.pattern_len(pattern) == e + 1 - s {
                        self.accept(norm, s, e + 1, pattern.as_usize(), date, out);
                    }
                }
            }
        }
    }

    /// Checks the match at normalised `s..e` of `pattern`, and adds its candidates.
    fn accept(&self, norm: &Normalized, s: usize, e: usize, pattern: usize, date: Option<Date>, out: &mut Vec<Candidate>) {
        let n = norm.text.as_str();
        if n[e..].chars().next().is_some_and(is_word_char) {
            return;
        }
        let (Some(start), Some(end)) = (norm.source(s), norm.source(e)) else { return };
        let slice = &n[s..e];
        let forms = self.forms[pattern] as usize..self.forms[pattern + 1] as usize;
        for form in &self.entries[forms] {
            let exact = &self.exacts[form.exact.0 as usize..(form.exact.0 + form.exact.1) as usize];
            let ok = match form.policy {
                CasePolicy::Ignore => true,
                CasePolicy::Exact => slice == exact,
                CasePolicy::Name => slice == exact || in_capitals(slice, exact),
            };
            if ok {
                self.add(form.target, start, end, date, out);
            }
        }
    }

    /// Adds the candidates of a form that matched at source `start..end`.
    fn add(&self, target: Target, start: usize, end: usize, date: Option<Date>, out: &mut Vec<Candidate>) {
        match target {
            Target::Entity { entity, how } => out.push(Candidate { start, end, entity, how }),
            Target::Role(g) => {
                let Some(d) = date else { return };
                let holders: BTreeSet<u32> = self.roles[g as usize].iter().filter(|h| crate::gazetteer::in_office(h.from, h.to, d)).map(|h| h.entity).collect();
                for entity in holders {
                    out.push(Candidate { start, end, entity, how: How::Role });
                }
            }
        }
    }
}

/// Whether `slice` is `form` in capitals, as in a headline ("PUTIN", "ERDOĞAN").
fn in_capitals(slice: &str, form: &str) -> bool {
    if slice.is_ascii() && form.is_ascii() {
        return slice.len() == form.len() && slice.bytes().zip(form.bytes()).all(|(s, f)| s == f.to_ascii_uppercase());
    }
    form.chars().flat_map(char::to_uppercase).eq(slice.chars())
}

/// Buffers reused across the regions of a document.
#[derive(Default)]
struct Scratch {
    norm: Normalized,
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    start: usize,
    end: usize,
    entity: u32,
    how: How,
}

/// The spans chosen in a document, with their candidate entities and, for role phrases, the
/// plain mentions inside; the lists of all spans share two vectors (no allocation per span).
#[derive(Debug, Default)]
struct Chosen {
    spans: Vec<Span>,
    /// Candidate entities with how each was matched, each span's sorted by entity.
    entities: Vec<(u32, How)>,
    /// For a role phrase: the plain mentions inside it ("Russian" in "Russian President"),
    /// which stand when the phrase folds into its holder's name next to it.
    inner: Vec<Mention>,
}

#[derive(Debug, Clone)]
struct Span {
    start: usize,
    end: usize,
    entities: Range<u32>,
    inner: Range<u32>,
}

/// Leftmost, then longest, non-overlapping; candidates at the same span are grouped.
fn select(cands: &mut [Candidate], out: &mut Chosen) {
    let order = |a: &Candidate, b: &Candidate| a.start.cmp(&b.start).then(b.end.cmp(&a.end)).then(a.entity.cmp(&b.entity)).then(a.how.cmp(&b.how));
    // The walks run in text order, so candidates come by start already: only those sharing a
    // start (a handful) need sorting.
    if cands.is_sorted_by_key(|c| c.start) {
        cands.chunk_by_mut(|a, b| a.start == b.start).filter(|g| g.len() > 1).for_each(|g| g.sort_by(order));
    } else {
        cands.sort_by(order);
    }
    let mut last_end = 0;
    let mut i = 0;
    while i < cands.len() {
        let c = cands[i];
        let mut j = i;
        while j < cands.len() && cands[j].start == c.start && cands[j].end == c.end {
            j += 1;
        }
        if c.start >= last_end {
            // Sorted by entity, then how: the first of each entity has its best `how`. Linear,
            // even for an alias a hundred thousand entities claim.
            let first = out.entities.len();
            for k in &cands[i..j] {
                if out.entities.len() == first || out.entities[out.entities.len() - 1].0 != k.entity {
                    out.entities.push((k.entity, k.how));
                }
            }
            let inner_first = out.inner.len();
            if out.entities[first..].iter().all(|(_, h)| *h == How::Role) {
                // Leftmost-longest among the plain candidates inside, skipping a span that two
                // entities claim (nothing in the document has settled it yet).
                let within: Vec<&Candidate> = cands[i..].iter().take_while(|k| k.start < c.end).filter(|k| k.how != How::Role && k.end <= c.end).collect();
                let mut inner_end = c.start;
                for k in &within {
                    let contested = within.iter().any(|o| o.start == k.start && o.end == k.end && o.entity != k.entity);
                    if !contested && k.start >= inner_end {
                        out.inner.push(Mention { entity: k.entity, start: k.start, end: k.end, how: k.how });
                        inner_end = k.end;
                    }
                }
            }
            out.spans.push(Span {
                start: c.start,
                end: c.end,
                entities: first as u32..out.entities.len() as u32,
                inner: inner_first as u32..out.inner.len() as u32,
            });
            last_end = c.end;
        }
        i = j;
    }
}

/// Settles ambiguous mentions against the document and folds role phrases into adjacent names.
fn resolve(text: &str, chosen: &Chosen) -> Vec<Mention> {
    let entities = |s: &Span| &chosen.entities[s.entities.start as usize..s.entities.end as usize];
    // The entities the document names unambiguously, sorted; needed only if some span is not.
    let sure: Vec<u32> = if chosen.spans.iter().any(|s| s.entities.len() > 1) {
        let mut sure: Vec<u32> = chosen.spans.iter().filter(|s| s.entities.len() == 1).map(|s| entities(s)[0].0).collect();
        sure.sort_unstable();
        sure.dedup();
        sure
    } else {
        Vec::new()
    };
    let mut mentions: Vec<(Mention, Range<u32>)> = Vec::with_capacity(chosen.spans.len());
    for s in &chosen.spans {
        let es = entities(s);
        let pick = if es.len() == 1 {
            Some(es[0])
        } else {
            let mut known = es.iter().filter(|(e, _)| sure.binary_search(e).is_ok());
            match (known.next(), known.next()) {
                (Some(k), None) => Some(*k),
                _ => None,
            }
        };
        if let Some((entity, how)) = pick {
            mentions.push((Mention { entity, start: s.start, end: s.end, how }, s.inner.clone()));
        }
    }
    let adjacent = |a: &Mention, b: &Mention| a.entity == b.entity && text[a.end..b.start].chars().all(|c| c.is_whitespace() || c == ',');
    let mut out = Vec::with_capacity(mentions.len());
    for i in 0..mentions.len() {
        let (m, ref inner) = mentions[i];
        let folds = m.how == How::Role && (mentions.get(i + 1).is_some_and(|(n, _)| adjacent(&m, n)) || (i > 0 && adjacent(&mentions[i - 1].0, &m)));
        if folds {
            out.extend_from_slice(&chosen.inner[inner.start as usize..inner.end as usize]);
        } else {
            out.push(m);
        }
    }
    out
}

#[cfg(test)]
mod tests;
