//! The actors of a sentence (mentions that can act, resolved pronouns) and the groups they
//! form ("Russia and Iran").

use std::ops::Range;

use super::cues::CueMatch;
use super::lexicon::{AgentKind, Grammar, class};
use super::quotes::{Quote, quote_containing};
use super::tokens::{Token, token_at};
use crate::gazetteer::{Gazetteer, How};
use crate::norm::is_word_char;
use crate::tagger::Mention;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Actor {
    pub(super) entity: u32,
    pub(super) start: usize,
    pub(super) end: usize,
    /// Index of the first token at or after `start`.
    pub(super) tok: usize,
    /// Index one past the last token before `end`.
    pub(super) tok_end: usize,
    pub(super) possessive: bool,
    pub(super) demonym: bool,
    pub(super) pronoun: bool,
    /// For a pronoun, the next candidate antecedent, used when the first is the subject itself.
    pub(super) alt: Option<u32>,
    /// The kind of agent an agent noun after it names ("Israeli troops": military).
    pub(super) agent: Option<AgentKind>,
}

impl Actor {
    /// A pronoun standing for `entity`, at token `i`.
    pub(super) fn pronoun(entity: u32, t: &Token, i: usize, possessive: bool, alt: Option<u32>) -> Actor {
        Actor { alt, ..Actor::referred(entity, t.start..t.end, i..i + 1, possessive) }
    }

    /// `entity` only referred to at bytes `span`, tokens `toks` (a pronoun, "the two
    /// countries", the speaker of a quotation or the parties of a mediation, placed at the
    /// cue).
    pub(super) fn referred(entity: u32, span: Range<usize>, toks: Range<usize>, possessive: bool) -> Actor {
        Actor {
            entity,
            start: span.start,
            end: span.end,
            tok: toks.start,
            tok_end: toks.end,
            possessive,
            demonym: false,
            pronoun: true,
            alt: None,
            agent: None,
        }
    }
}

pub(super) fn rollup(gaz: &Gazetteer, e: u32) -> u32 {
    gaz.state_of(e)
}

/// Whether an entity can act: not a place or a term, and not a news source (an agency in a
/// dateline, a photographer in a credit).
pub(super) fn is_actor_type(gaz: &Gazetteer, e: u32) -> bool {
    let e = &gaz.entities[e as usize];
    let k = e.kind.as_str();
    k != "place" && k != "term" && !e.media
}

pub(super) fn is_person(gaz: &Gazetteer, e: u32) -> bool {
    gaz.entities[e as usize].kind == "person"
}

/// Context carried from sentence to sentence.
#[derive(Default)]
pub(super) struct Discourse {
    pub(super) last_person: Option<u32>,
    pub(super) last_group: Option<u32>,
    /// The pairs of states the document's claims have linked so far.
    pairs: Vec<LinkedPair>,
}

/// A pair of states linked by claims: (smaller state, larger state, claims, sentence of the
/// latest, the entities that latest claim named for them).
type LinkedPair = (u32, u32, u32, usize, (u32, u32));

impl Discourse {
    /// Records a claim between entities `a` and `b` (of states `sa`, `sb`) in sentence `si`.
    pub(super) fn paired(&mut self, (a, sa): (u32, u32), (b, sb): (u32, u32), si: usize) {
        let (lo, hi, named) = if sa <= sb { (sa, sb, (a, b)) } else { (sb, sa, (b, a)) };
        match self.pairs.iter_mut().find(|p| p.0 == lo && p.1 == hi) {
            Some(p) => {
                p.2 += 1;
                p.3 = si;
                p.4 = named;
            }
            None => self.pairs.push((lo, hi, 1, si, named)),
        }
    }

    /// Two named states coordinated in sentence `si` ("Russia and Iran") are what a later "the
    /// two countries" most often means: they count as two claims between them.
    pub(super) fn coordinated(&mut self, text: &str, tokens: &[Token], actors: &[Actor], gaz: &Gazetteer, g: &Grammar, si: usize) {
        if actors.len() < 2 {
            return;
        }
        for r in groups(text, tokens, actors, g) {
            let mut states: Vec<(u32, u32)> = Vec::new();
            for a in actors[r].iter().filter(|a| !a.pronoun) {
                let st = rollup(gaz, a.entity);
                if !states.iter().any(|s| s.1 == st) {
                    states.push((a.entity, st));
                }
            }
            if let [a, b] = states[..] {
                self.paired(a, b, si);
                self.paired(a, b, si);
            }
        }
    }

    /// The entities of the pair of states the document has linked most (ties: most recently).
    pub(super) fn salient_pair(&self) -> Option<(u32, u32)> {
        self.pairs.iter().max_by_key(|p| (p.2, p.3)).map(|p| p.4)
    }
}

pub(super) fn is_possessive(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    let rest = rest.strip_prefix('\'').or_else(|| rest.strip_prefix('\u{2019}'));
    match rest {
        Some(r) => r.starts_with('s') && !r[1..].chars().next().is_some_and(is_word_char) || !r.chars().next().is_some_and(is_word_char),
        None => false,
    }
}

/// The actors of one sentence: eligible mentions and resolved pronouns, in text order.
#[allow(clippy::too_many_arguments)]
pub(super) fn actors_of(
    text: &str,
    tokens: &[Token],
    cues: &[CueMatch],
    mentions: &[Mention],
    gaz: &Gazetteer,
    g: &Grammar,
    quotes: &[Quote],
    discourse: &mut Discourse,
) -> Vec<Actor> {
    let d = &g.distances;
    let mut out: Vec<Actor> = Vec::new();
    let near_cue = |a: usize, b: usize| {
        cues.iter().any(|c| {
            let (gaps, c) = (&c.gaps, &c.tok);
            (c.start >= b && c.start - b <= d.demonym_before_cue) || (a >= c.end && a - c.end <= d.demonym_after_cue) || gaps.iter().any(|g| g.contains(&a))
        })
    };
    // A locative that ends a cue leads to its object, not to a place ("launched missiles at
    // Kyiv").
    let after_locative = |tok: usize| {
        (1..=d.locative).any(|k| tok.checked_sub(k).is_some_and(|i| tokens[i].class & class::LOCATIVE != 0 && !cues.iter().any(|c| c.tok.end == i + 1)))
    };
    for m in mentions {
        if !is_actor_type(gaz, m.entity) {
            continue;
        }
        let tok = token_at(tokens, m.start);
        let tok_end = token_at(tokens, m.end);
        let demonym = m.how == How::Demonym;
        let mut agent: Option<AgentKind> = None;
        // "Syrian rebels", "the Venezuelan opposition": not the state, whose word it is.
        if tokens.get(tok_end).is_some_and(|t| t.class & class::NON_STATE_AGENT != 0) && gaz.entities[m.entity as usize].kind == "state" {
            continue;
        }
        if demonym {
            // "Israeli officials"; "Greek and Turkish leaders" (the head shared).
            let head = |i: usize| tokens.get(i).is_some_and(|t| t.class & class::ACTOR_HEAD != 0);
            let shared = tokens.get(tok_end).is_some_and(|t| t.class & class::LIST_CONJUNCTION != 0)
                && mentions
                    .iter()
                    .any(|n| n.how == How::Demonym && n.start > m.end && token_at(tokens, n.start) == tok_end + 1 && head(token_at(tokens, n.end)));
            let head_next = head(tok_end) || shared;
            agent = if shared { tokens.get(tok_end + 2) } else { tokens.get(tok_end) }.and_then(|t| g.agent_kinds.get(t.word.as_str()).copied());
            let placed = after_locative(tok);
            if placed && !head_next {
                continue;
            }
            let plural = m.text(text).ends_with('s') && !m.text(text).ends_with("ss");
            if !(plural || head_next || near_cue(tok, tok_end)) {
                continue;
            }
        }
        // An organisation before an event noun names the event ("the BRICS summit").
        if gaz.entities[m.entity as usize].kind == "organisation" && tokens.get(tok_end).is_some_and(|t| t.class & class::EVENT_NOUN != 0) {
            continue;
        }
        // A capital after a locative is where, not who ("in Tehran", "at the Ashgabat meeting").
        if m.how == How::Metonym && after_locative(tok) {
            continue;
        }
        // A state named right after a meeting or signing and a locative is its venue ("held
        // talks in Oman", "signed the deal in Beijing"), not a party.
        let venue = tok.checked_sub(1).is_some_and(|i| tokens[i].class & class::LOCATIVE != 0 && cues.iter().any(|c| c.venue && c.tok.end == i));
        if venue {
            continue;
        }
        // "China's foreign ministry", "Pakistan's army chief": a possessive before agent nouns
        // is the actor they name, not a modifier of what follows.
        let mut possessive = is_possessive(text, m.end);
        let mut tok_end = tok_end;
        if possessive {
            let heads =
                tokens[tok_end.min(tokens.len())..].iter().take(3).take_while(|t| t.class & class::ACTOR_HEAD != 0 && t.class & class::CUE == 0).count();
            if heads > 0 {
                agent = tokens.get(tok_end).and_then(|t| g.agent_kinds.get(t.word.as_str()).copied());
                possessive = false;
                tok_end += heads;
            }
        }
        out.push(Actor { entity: m.entity, start: m.start, end: m.end, tok, tok_end, possessive, demonym, pronoun: false, alt: None, agent });
    }
    // Pronouns.
    let first_person_here = out.iter().find(|a| is_person(gaz, a.entity)).map(|a| (a.entity, a.start));
    let first_group_here = out.iter().find(|a| !is_person(gaz, a.entity)).map(|a| (a.entity, a.start));
    let mut pronouns = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let entity = if t.class & class::FIRST_PERSON != 0 {
            quote_containing(quotes, t.start..t.end).and_then(|(_, q)| q.speaker)
        } else if t.class & class::PERSON_PRONOUN != 0 {
            match first_person_here {
                Some((e, at)) if at < t.start => Some(e),
                Some(_) => None,
                None => discourse.last_person,
            }
        } else if t.class & class::GROUP_PRONOUN != 0 {
            // A possessive ("its forces") points to the nearest state or organisation before
            // it; a subject ("it prioritised") to the sentence's first.
            // Pronouns resolved before it count ("it prioritized its own war").
            let mut near: Vec<&Actor> = out.iter().chain(pronouns.iter()).filter(|a| a.end <= t.start && !is_person(gaz, a.entity) && !a.demonym).collect();
            near.sort_by_key(|a| a.end);
            let mut before: Vec<u32> = Vec::new();
            for a in near.into_iter().rev() {
                if !before.iter().any(|b| rollup(gaz, *b) == rollup(gaz, a.entity)) {
                    before.push(a.entity);
                }
            }
            let nearest = before.first().copied();
            match (t.class & class::POSSESSIVE_PRONOUN != 0, nearest, first_group_here) {
                (true, Some(e), _) => Some(e),
                (_, _, Some((e, at))) if at < t.start => Some(e),
                (_, _, Some(_)) => None,
                (_, _, None) => discourse.last_group,
            }
        } else {
            None
        };
        // "their", "they", "them" with two actors before them in the sentence stand for both
        // ("the signing of their proposed strategic treaty").
        let possessive = t.class & class::POSSESSIVE_PRONOUN != 0;
        if t.class & class::PLURAL_PRONOUN != 0 && !out.iter().any(|a| a.start <= t.start && t.end <= a.end) {
            let mut two: Vec<u32> = Vec::new();
            for a in out.iter().rev().filter(|a| a.end <= t.start && !a.demonym) {
                if !two.iter().any(|b| rollup(gaz, *b) == rollup(gaz, a.entity)) {
                    two.push(a.entity);
                }
                if two.len() == 2 {
                    break;
                }
            }
            if two.len() == 2 {
                for e in two.into_iter().rev() {
                    pronouns.push(Actor::pronoun(e, t, i, possessive, None));
                }
                continue;
            }
        }
        if let Some(e) = entity
            && !out.iter().any(|a| a.start <= t.start && t.end <= a.end)
        {
            let alt = out
                .iter()
                .rev()
                .filter(|a| a.end <= t.start && !a.demonym && is_person(gaz, a.entity) == is_person(gaz, e))
                .map(|a| a.entity)
                .find(|&x| rollup(gaz, x) != rollup(gaz, e));
            pronouns.push(Actor::pronoun(e, t, i, possessive, alt));
        }
    }
    // "the two countries", "both sides": the two states named before them in the sentence when
    // there are exactly two, else the pair the document has linked most.
    let mut i = 0;
    while i < tokens.len() {
        let Some(p) = g.pair_references.at(tokens, i) else {
            i += 1;
            continue;
        };
        let (t, end) = (&tokens[i], tokens[i + p.len() - 1].end);
        let covered = out.iter().chain(&pronouns).any(|a| a.start < end && t.start < a.end);
        if !covered && !after_locative(i) {
            // (state, an entity named for it), in text order.
            let mut before: Vec<(u32, u32)> = Vec::new();
            for a in out.iter().filter(|a| a.end <= t.start) {
                let st = rollup(gaz, a.entity);
                if !before.iter().any(|b| b.0 == st) {
                    before.push((st, a.entity));
                }
            }
            let two = if before.len() == 2 { Some((before[0].1, before[1].1)) } else { discourse.salient_pair() };
            if let Some((a, b)) = two {
                let possessive = is_possessive(text, end);
                for e in [a, b] {
                    pronouns.push(Actor::referred(e, t.start..end, i..i + p.len(), possessive));
                }
            }
        }
        i += p.len();
    }
    out.extend(pronouns);
    out.sort_by_key(|a| (a.start, a.end));
    if let Some(p) = out.iter().find(|a| is_person(gaz, a.entity)) {
        discourse.last_person = Some(p.entity);
    }
    if let Some(p) = out.iter().find(|a| !is_person(gaz, a.entity) && !a.demonym) {
        discourse.last_group = Some(p.entity);
    }
    out
}

/// Groups of actors joined by "and", commas and titles; each group is a range into `actors`.
pub(super) fn groups(text: &str, tokens: &[Token], actors: &[Actor], g: &Grammar) -> Vec<Range<usize>> {
    // Links between neighbours: 0 none, 1 by a comma alone, 2 by "and", titles or a dash.
    let link = |i: usize| -> u8 {
        let (a, b) = (&actors[i - 1], &actors[i]);
        if a.start == b.start && a.end == b.end {
            return 2; // one plural pronoun standing for two actors
        }
        if a.end > b.start {
            return 0;
        }
        let gap = text.get(a.end..b.start).unwrap_or("");
        // The words between; none when the token bounds cross, as they can when an alias ends
        // in a full stop ("Ferdinand Marcos Jr.") that the next sentence's tokens start after.
        let (from, to) = (a.tok_end.min(tokens.len()), b.tok.min(tokens.len()));
        let words = if from <= to { &tokens[from..to] } else { &[][..] };
        let gap_ok = gap.chars().all(|c| c.is_whitespace() || matches!(c, ',' | '-' | '\u{2013}' | '\u{2014}' | '/' | '\'' | '\u{2019}' | '.'));
        let words_ok = words.iter().all(|t| t.class & class::GROUP_WORD != 0 || t.word == "s");
        if !((gap_ok || words_ok) && words.len() <= g.distances.group_link && !gap.contains(';')) {
            return 0;
        }
        let comma_only = gap.contains(',') && !words.iter().any(|t| t.class & class::LIST_CONJUNCTION != 0);
        if comma_only { 1 } else { 2 }
    };
    let links: Vec<u8> = (0..actors.len()).map(|i| if i == 0 { 0 } else { link(i) }).collect();
    let mut out: Vec<Range<usize>> = Vec::new();
    for i in 0..actors.len() {
        // A comma joins only a list that goes on to an "and" ("Russia, Iran and China").
        let joined = match links[i] {
            2 => true,
            1 => links[i + 1..].iter().take_while(|&&l| l > 0).any(|&l| l == 2),
            _ => false,
        };
        if joined {
            out.last_mut().expect("a group exists").end = i + 1;
        } else {
            out.push(i..i + 1);
        }
    }
    out
}

/// The groups of `actors` (see [`groups`]) with one actor per state in each ("Vladimir Putin's
/// Russia" is Russia once), preferring a named, non-possessive one.
pub(super) fn actor_groups(text: &str, tokens: &[Token], actors: &[Actor], gaz: &Gazetteer, g: &Grammar) -> Vec<Vec<Actor>> {
    groups(text, tokens, actors, g)
        .into_iter()
        .map(|r| {
            let members = &actors[r];
            let mut kept: Vec<Actor> = Vec::new();
            for a in members {
                let me = rollup(gaz, a.entity);
                if kept.iter().any(|k| rollup(gaz, k.entity) == me) {
                    continue;
                }
                let best = members.iter().filter(|x| rollup(gaz, x.entity) == me).find(|x| !x.possessive && !x.pronoun).unwrap_or(a);
                kept.push(*best);
            }
            kept.sort_by_key(|a| a.start);
            // "the United States and its allies": a group that ends in a possessive pronoun
            // ends in a possessive, whichever of its actors stands for that state.
            if let (Some(raw), Some(k)) = (members.last(), kept.last_mut())
                && raw.possessive
                && rollup(gaz, raw.entity) == rollup(gaz, k.entity)
            {
                k.possessive = true;
                k.tok_end = k.tok_end.max(raw.tok_end);
            }
            kept
        })
        .collect()
}
