//! Cue phrases found in a sentence's words, the clauses they fall in, and what negates them or
//! sets their modality.

use std::ops::Range;

use rustc_hash::FxHashSet as HashSet;

use super::Modality;
use super::lexicon::{Grammar, Lexicon, Part, class};
use super::tokens::Token;

pub(super) struct CueMatch {
    pub(super) cue: usize,
    pub(super) tok: Range<usize>,
    /// Token ranges skipped by gaps.
    pub(super) gaps: Vec<Range<usize>>,
    /// Whether a place right after it is a venue: the cue is of a meeting or a signing (a
    /// symmetric event, not a relation state).
    pub(super) venue: bool,
}

impl Lexicon {
    pub(super) fn match_parts(&self, parts: &[Part], tokens: &[Token], i: usize, limit: usize, gaps: &mut Vec<Range<usize>>) -> Option<usize> {
        let Some(part) = parts.first() else { return Some(i) };
        match part {
            Part::Gap => {
                for skip in 0..=self.grammar.distances.cue_gap {
                    if i + skip > limit {
                        break;
                    }
                    gaps.push(i..i + skip);
                    if let Some(end) = self.match_parts(&parts[1..], tokens, i + skip, limit, gaps) {
                        return Some(end);
                    }
                    gaps.pop();
                }
                None
            }
            Part::Skip => {
                for skip in 0..=self.grammar.distances.cue_gap {
                    if i + skip > limit {
                        break;
                    }
                    if let Some(end) = self.match_parts(&parts[1..], tokens, i + skip, limit, gaps) {
                        return Some(end);
                    }
                }
                None
            }
            Part::Any(_, ids) => {
                let t = tokens.get(i).filter(|_| i < limit)?;
                if ids.contains(&t.id) { self.match_parts(&parts[1..], tokens, i + 1, limit, gaps) } else { None }
            }
            Part::Prefix(p) => {
                let t = tokens.get(i).filter(|_| i < limit)?;
                if t.word.starts_with(p.as_str()) { self.match_parts(&parts[1..], tokens, i + 1, limit, gaps) } else { None }
            }
        }
    }

    /// Cue matches in `tokens[range]`: at each place the longest; no overlaps.
    pub(super) fn cues_in(&self, tokens: &[Token], range: Range<usize>) -> Vec<CueMatch> {
        let mut out: Vec<CueMatch> = Vec::new();
        let mut i = range.start;
        while i < range.end {
            let mut best: Option<CueMatch> = None;
            let t = &tokens[i];
            let by_word = if t.class & class::CUE != 0 { self.by_word.get(&t.id) } else { None };
            let cands = by_word.into_iter().flatten().chain(self.by_prefix.iter());
            for &c in cands {
                let mut gaps = Vec::new();
                if let Some(end) = self.match_parts(&self.cues[c].parts, tokens, i, range.end, &mut gaps) {
                    keep_longest(&mut best, CueMatch { cue: c, tok: i..end, gaps, venue: false });
                }
            }
            // Flip cues: the flip phrase, then, up to `cue_gap` words on, a cue it flips. A flip
            // word is a verb: not after a determiner ("at the end of his visit").
            let determined = i > 0 && tokens[i - 1].class & class::DETERMINER != 0;
            let heads = if t.class & class::CUE != 0 && !determined { self.flip_by_word.get(&t.id) } else { None };
            for &h in heads.into_iter().flatten() {
                let head = &self.flips[h];
                let Some(after) = self.match_parts(&head.parts, tokens, i, range.end, &mut Vec::new()) else { continue };
                for j in after..(after + self.grammar.distances.cue_gap + 1).min(range.end) {
                    // "ended without a deal" flips nothing: no negator in between.
                    if j > after && tokens[j - 1].class & class::NEGATOR != 0 {
                        break;
                    }
                    let u = &tokens[j];
                    let by_word = if u.class & class::CUE != 0 { self.by_word.get(&u.id) } else { None };
                    for &b in by_word.into_iter().flatten().chain(self.by_prefix.iter()) {
                        let Some(&c) = head.cues.get(&b) else { continue };
                        let mut gaps = Vec::new();
                        if let Some(end) = self.match_parts(&self.cues[b].parts, tokens, j, range.end, &mut gaps) {
                            keep_longest(&mut best, CueMatch { cue: c, tok: i..end, gaps, venue: false });
                        }
                    }
                }
            }
            match best {
                Some(mut m) => {
                    i = m.tok.end;
                    let rel = &self.relations[self.cues[m.cue].relation];
                    m.venue = rel.symmetric && !rel.state;
                    out.push(m);
                }
                None => i += 1,
            }
        }
        out
    }
}

/// Keeps in `best` the longer of it and `m` (on a tie, the cue written first).
fn keep_longest(best: &mut Option<CueMatch>, m: CueMatch) {
    if best.as_ref().is_none_or(|b| m.tok.end > b.tok.end || (m.tok.end == b.tok.end && m.cue < b.cue)) {
        *best = Some(m);
    }
}

/// The clause index of every token.
pub(super) fn clauses(text: &str, tokens: &[Token], g: &Grammar) -> Vec<usize> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut clause = 0;
    let mut skip: usize = 0;
    // An opening subordinate clause ends at its first comma.
    let mut subordinate = g.subordinators.at(tokens, 0).is_some();
    for (i, t) in tokens.iter().enumerate() {
        let gap = if i > 0 { &text[tokens[i - 1].end..t.start] } else { "" };
        let comma = subordinate && gap.contains(',');
        subordinate &= !comma;
        let semicolon = comma || gap.contains(';');
        let brk = if skip == 0 { g.clause_breaks.at(tokens, i) } else { None };
        if semicolon || brk.is_some() {
            clause += 1;
        }
        if let Some(p) = brk {
            skip = p.len();
        }
        skip = skip.saturating_sub(1);
        out.push(clause);
    }
    out
}

/// Indexes (into `cues`) of the cues a negator denies.
pub(super) fn negations(tokens: &[Token], cues: &[CueMatch], clause_of: &[usize], g: &Grammar, quote_of: &dyn Fn(usize) -> Option<usize>) -> HashSet<usize> {
    let in_cue = |i: usize| cues.iter().any(|c| c.tok.contains(&i));
    let mut out = HashSet::default();
    // "rejected accusations that it had supplied drones", "attempts to blame Beijing": what
    // follows in the clause is a statement denied.
    for i in 0..tokens.len() {
        if let Some(p) = g.denied_contents.at(tokens, i) {
            let q = quote_of(tokens[i].start);
            for (ci, c) in cues.iter().enumerate() {
                if c.tok.start >= i + p.len() && clause_of[c.tok.start] == clause_of[i] && quote_of(tokens[c.tok.start].start) == q {
                    out.insert(ci);
                }
            }
        }
    }
    for i in 0..tokens.len() {
        if in_cue(i) {
            continue;
        }
        let w = &tokens[i].word;
        let phrase = g.negators.at(tokens, i);
        let hit = g.negator_suffixes.iter().any(|s| w.ends_with(s.as_str())) || phrase.is_some();
        if !hit {
            continue;
        }
        let q = quote_of(tokens[i].start);
        let len = phrase.map_or(1, <[u32]>::len);
        // "does not rule out", "did not hesitate": the negation is part of an assertion.
        if (i + len..i + len + 2).any(|k| g.negation_cancellers.at(tokens, k).is_some()) {
            continue;
        }
        if let Some(ci) = cues.iter().position(|c| c.tok.start > i && clause_of[c.tok.start] == clause_of[i] && quote_of(tokens[c.tok.start].start) == q)
            // A cue may begin inside a negator phrase ("no sign of a treaty"): distance 0.
            && cues[ci].tok.start.saturating_sub(i + len) <= g.distances.negation
        {
            out.insert(ci);
        }
    }
    out
}

/// Modality from the words of the clause before the cue (up to eight).
pub(super) fn modality(tokens: &[Token], cue_tok: usize, clause: usize, clause_of: &[usize], g: &Grammar) -> Modality {
    let from = cue_tok.saturating_sub(g.distances.modality);
    let mut result = Modality::Asserted;
    for (i, &of) in clause_of.iter().enumerate().take(cue_tok).skip(from) {
        if of != clause {
            continue;
        }
        if g.hypothetical.at(tokens, i).is_some() {
            return Modality::Hypothetical;
        }
        if g.future.at(tokens, i).is_some() {
            result = Modality::Future;
        }
    }
    result
}
