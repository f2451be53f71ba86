//! Stated relations: typed, signed, attributed claims between actors, with their evidence.
//!
//! A [`Lexicon`] (data: `gazetteer/relations.toml`) holds relation types with their CAMEO,
//! PLOVER, Goldstein and quad-class codes, the cue phrases that state them, and the word lists
//! of a small English grammar (negators, modals, speech verbs, pronouns). [`extract`] reads one
//! tagged document sentence by sentence:
//!
//! 1. **Clauses.** A sentence splits at `;` and at clause words ("but", "while", "whereas").
//! 2. **Actors.** Mentions of people, states and organisations; a nationality word only before
//!    an actor noun ("Russian officials") or next to a cue ("Russian invasion"); a capital only
//!    where it is not a location ("in Tehran"); pronouns: "we/our" inside a quotation is the
//!    speaker, "he/his" the sentence's first person (else the previous sentence's), "it/its"
//!    the sentence's first state or organisation.
//! 3. **Cues** are matched on words; at each place the longest wins.
//! 4. **Pairing.** The subject is the nearest actor group before the cue, the object the
//!    nearest after it (or inside a gap: "giving Iran the cold shoulder"). Groups join actors
//!    by "and", commas and titles ("Russia and Iran", "Iranian President Ebrahim Raisi and
//!    Turkish President Recep Tayyip Erdogan"), and a group alone next to a symmetric cue pairs
//!    within itself. "between X and Y" pairs X with Y; a passive ("was condemned by X") swaps;
//!    a possessive followed by an apposition ("the Iranians' professed enemy, Israel") yields
//!    the apposition. With nothing after the cue, the next group further back is the object.
//!    Pairs within one state (Putin and Russia) are dropped, no self-loops, except two people
//!    of one state (Biden and Trump).
//! 5. **Negation** ("not", "n't", "never", "little sign", "refused to", ...) denies the first cue
//!    after it in its clause. **Modality** comes from the words before the cue ("will", "plans
//!    to", a reported "would" → future; "if", "could", "ready to" → hypothetical; a question
//!    mark → question).
//! 6. **Attribution.** A quotation's speaker is found after it ("…,” Araghchi said", "said Ali
//!    Vaez") or before it ("Putin told Pezeshkian, “…", "To quote Baghaei, “…"); a quotation
//!    that opens a paragraph with no speaker continues the previous one. Reported speech ("Peskov
//!    told an Iranian broadcaster that …") attributes the rest of its sentence. Cues inside a
//!    quotation pair only with actors in it or before it, never with the speaker's own group.
//!
//! Every [`Claim`] carries its evidence: the sentence, the byte spans of subject, object and
//! cue, and the lexicon line of the cue that fired.

mod actors;
mod cues;
mod lexicon;
mod pairing;
mod quotes;
mod tokens;

pub use lexicon::{AgentKind, Cue, CueRole, Lexicon, Polarity, RelationType};
pub use tokens::word_hash;

use std::ops::Range;
use std::rc::Rc;

use rustc_hash::FxHashSet as HashSet;

use crate::gazetteer::Gazetteer;
use crate::tagger::Mention;
use crate::text::Layout;
use actors::{Actor, Discourse, actor_groups, actors_of, rollup};
use cues::{clauses, modality, negations};
use pairing::{Around, Paired, pair};
use quotes::{find_quotes, quote_containing, reported_speaker};

/// Sentences longer than this many bytes are not read for claims.
pub const MAX_SENTENCE: usize = 4096;

/// Whether a claim is stated as fact, as intent, as a possibility or as a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Modality {
    /// Stated as fact.
    Asserted,
    /// Future or intended ("will", "plans to", a reported "would").
    Future,
    /// Conditional or hypothetical ("if", "could", "ready to").
    Hypothetical,
    /// Asked.
    Question,
}

impl Modality {
    /// The lowercase name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Asserted => "asserted",
            Modality::Future => "future",
            Modality::Hypothetical => "hypothetical",
            Modality::Question => "question",
        }
    }
}

/// A claim between two actors, with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// Subject entity (index into the gazetteer); for symmetric relations the one with the
    /// smaller id.
    pub subject: u32,
    /// Object entity.
    pub object: u32,
    /// Index into [`Lexicon::relations`].
    pub relation: usize,
    /// Index into [`Lexicon::cues`].
    pub cue: usize,
    /// Whether the text denies it.
    pub negated: bool,
    /// Asserted, future, hypothetical or question.
    pub modality: Modality,
    /// Who is quoted or reported as claiming it; `None` for the author.
    pub speaker: Option<u32>,
    /// The sentence.
    pub sentence: Range<usize>,
    /// Subject span (a name, or a pronoun that stands for it).
    pub subject_span: Range<usize>,
    /// Object span.
    pub object_span: Range<usize>,
    /// Cue span.
    pub cue_span: Range<usize>,
    /// The name of the pairing rule that linked subject and object (see [`pairing_rules`]).
    pub pairing: &'static str,
    /// How sure the pairing is, in percent: the rule's own confidence, lowered by the words
    /// between cue and actors and by actors only referred to (see [`confidence`]).
    pub confidence: u8,
    /// The kind of agent of its state the subject is, when an agent noun names it ("Israeli
    /// troops": military).
    pub subject_agent: Option<AgentKind>,
    /// The object's kind of agent.
    pub object_agent: Option<AgentKind>,
}

/// A claim's confidence in percent: the pairing rule's (`rule`), times 0.85 for each actor
/// that is a pronoun or a description ("the two countries"), 0.95 for each that is a
/// nationality word, 0.8 for a weak cue, 0.95 for a flipped one, less two points for each
/// word beyond two between the cue and the farther actor (at most 30); from 5 to 99.
pub fn confidence(rule: u8, actors: [(bool, bool); 2], distance: usize, weak: bool, flipped: bool) -> u8 {
    let mut c = f64::from(rule) / 100.0;
    for (referred, demonym) in actors {
        if referred {
            c *= 0.85;
        }
        if demonym {
            c *= 0.95;
        }
    }
    if weak {
        c *= 0.8;
    }
    if flipped {
        c *= 0.95;
    }
    c -= (distance.saturating_sub(2) as f64 * 0.02).min(0.3);
    (c * 100.0).round().clamp(5.0, 99.0) as u8
}

/// The pairing rules, in the order they are tried: (name, what it does).
pub fn pairing_rules() -> impl Iterator<Item = (&'static str, &'static str)> {
    pairing::RULES.iter().map(|r| (r.name, r.what))
}

/// The pairing rule named `name`, as a `'static` name (for claims read back from files).
pub fn pairing_rule(name: &str) -> Option<&'static str> {
    pairing::rule_named(name).map(|r| r.name)
}

/// Extracts the claims of one document (in text order, the same claim once).
pub fn extract(text: &str, layout: &Layout, mentions: &[Mention], gaz: &Gazetteer, lex: &Lexicon) -> Vec<Claim> {
    extract_traced(text, layout, mentions, gaz, lex, None)
}

/// Like [`extract`], and also which sentences (by index in `layout`) hold a relation cue: what
/// name discovery asks of a sentence, answered without reading it again.
pub fn extract_noting_cues(text: &str, layout: &Layout, mentions: &[Mention], gaz: &Gazetteer, lex: &Lexicon) -> (Vec<Claim>, Vec<bool>) {
    let mut cued = vec![false; layout.sentences.len()];
    let claims = extract_all(text, layout, mentions, gaz, lex, None, Some(&mut cued));
    (claims, cued)
}

/// Like [`extract`], and when `trace` is given, records per sentence index why each claim was
/// made and why sentences with two actors gave none.
pub fn extract_traced(
    text: &str,
    layout: &Layout,
    mentions: &[Mention],
    gaz: &Gazetteer,
    lex: &Lexicon,
    trace: Option<&mut Vec<(usize, String)>>,
) -> Vec<Claim> {
    extract_all(text, layout, mentions, gaz, lex, trace, None)
}

/// The extraction; `cued`, when given, is set for each sentence index whose words hold a cue.
fn extract_all(
    text: &str,
    layout: &Layout,
    mentions: &[Mention],
    gaz: &Gazetteer,
    lex: &Lexicon,
    mut trace: Option<&mut Vec<(usize, String)>>,
    mut cued: Option<&mut Vec<bool>>,
) -> Vec<Claim> {
    let g = &lex.grammar;
    let mut claims: Vec<Claim> = Vec::new();
    // Claims made so far, with the words of their sentence as 64-bit hashes (sorted, distinct;
    // shared by the claims of one sentence).
    let mut seen: Vec<(ClaimKey, Rc<[u64]>)> = Vec::new();
    let mut discourse = Discourse::default();
    let quotes = find_quotes(text, layout, mentions, gaz, lex);
    let mut m_at = 0;
    // Buffers reused from sentence to sentence and cue to cue.
    let mut sent_mentions: Vec<Mention> = Vec::new();
    let mut usable: Vec<Actor> = Vec::new();
    for (si, sentence) in layout.sentences.iter().enumerate() {
        let span = sentence.span.clone();
        // A "sentence" this long is not prose (a table, a list, a run-on scrape); reading it
        // for claims would cost time quadratic in its length.
        if span.len() > MAX_SENTENCE {
            if let Some(t) = trace.as_deref_mut() {
                t.push((si, format!("sentence of {} bytes, longer than {MAX_SENTENCE}: not read for claims", span.len())));
            }
            continue;
        }
        while m_at < mentions.len() && mentions[m_at].start < span.start {
            m_at += 1;
        }
        sent_mentions.clear();
        sent_mentions.extend(mentions[m_at..].iter().take_while(|m| m.start < span.end).copied().filter(|m| m.end <= span.end));
        let tokens = lex.tokens(text, span.clone());
        let cues = lex.cues_in(&tokens, 0..tokens.len());
        if let Some(c) = cued.as_deref_mut() {
            c[si] = !cues.is_empty();
        }
        let actors = actors_of(text, &tokens, &cues, &sent_mentions, gaz, g, &quotes, &mut discourse);
        discourse.coordinated(text, &tokens, &actors, gaz, g, si);
        // Without a cue, or (unless the trace wants each cue's reason) without an actor, the
        // sentence makes no claim, and the discourse has taken what it needs from it.
        if cues.is_empty() || (actors.is_empty() && trace.is_none()) {
            if cues.is_empty()
                && let Some(t) = trace.as_deref_mut()
                && actors.iter().any(|a| rollup(gaz, a.entity) != rollup(gaz, actors[0].entity))
            {
                t.push((si, "two or more actors but no cue phrase".to_string()));
            }
            continue;
        }
        let clause_of = clauses(text, &tokens, g);
        let question = text[span.clone()].trim_end().trim_end_matches(['"', '\u{201D}', '\'', '\u{2019}', ')']).ends_with('?');
        let reported = reported_speaker(text, &tokens, &actors, &quotes, gaz, g);
        // Negators: each denies the first cue after it in its clause.
        let quote_of = |at: usize| quote_containing(&quotes, at..at + 1).map(|(i, _)| i);
        let negated_cues = negations(&tokens, &cues, &clause_of, g, &quote_of);
        let mut pending: Vec<(Claim, CueRole, Option<String>)> = Vec::new();
        let mut consumed: HashSet<usize> = HashSet::default();
        let mut grouped: Option<(Vec<Actor>, Vec<Vec<Actor>>)> = None;
        for (ci, m) in cues.iter().enumerate() {
            let cue = &lex.cues[m.cue];
            let rel = &lex.relations[cue.relation];
            let cue_span = tokens[m.tok.start].start..tokens[m.tok.end - 1].end;
            let clause = clause_of[m.tok.start];
            let quote = quote_containing(&quotes, cue_span.clone()).map(|(_, q)| q);
            // Which actors this cue may pair with.
            usable.clear();
            usable.extend(
                actors
                    .iter()
                    .copied()
                    .filter(|a| clause_of.get(a.tok.min(tokens.len().saturating_sub(1))).copied() == Some(clause) || a.tok >= tokens.len())
                    .filter(|a| match quote {
                        Some(q) => {
                            let inside = q.span.start <= a.start && a.end <= q.span.end;
                            let speaker_own = q.speaker_spans.iter().any(|s| s.start <= a.start && a.end <= s.end);
                            (inside || a.end <= q.span.start) && !speaker_own
                        }
                        None => quote_containing(&quotes, a.start..a.end).is_none(),
                    }),
            );
            let speaker = quote.and_then(|q| q.speaker).or(match reported {
                Some((sp, after)) if cue_span.start >= after => Some(sp),
                _ => None,
            });
            let next_cue = cues.get(ci + 1).map(|n| n.tok.start);
            // Cues of one clause and quotation share their usable actors, and so their groups.
            if grouped.as_ref().is_none_or(|(of, _)| *of != usable) {
                grouped = Some((usable.clone(), actor_groups(text, &tokens, &usable, gaz, g)));
            }
            let cue_groups = &grouped.as_ref().expect("set above").1;
            let salient = discourse.salient_pair();
            let around = Around::new(text, &tokens, m, cue, rel, &usable, cue_groups, gaz, g, speaker, salient, next_cue, &consumed);
            let Paired { rule, pairs, consumed: objects } = pair(&around);
            if pairs.is_empty() {
                if let Some(t) = trace.as_deref_mut() {
                    let by = rule.map(|r| format!(" (pairing rule {}: {})", r.name, r.what)).unwrap_or_default();
                    t.push((si, format!("cue {:?} ({}) at {}: no actor on one side{by}", cue.text, rel.id, cue.origin)));
                }
                continue;
            }
            consumed.extend(objects);
            let rule = rule.expect("a rule paired them");
            let modality = if question { Modality::Question } else { modality(&tokens, m.tok.start, clause, &clause_of, g) };
            for (s, o) in pairs {
                // Two people of one state make a claim (Biden and Trump); any other pair of one
                // state does not (Putin and Russia, or the Kremlin: an organ speaks for its
                // state, and those would be self-loops). At state level a claim between two
                // people of one state is a self-loop, and is drawn nowhere.
                let person = |e: u32| gaz.entities[e as usize].kind == "person";
                if rollup(gaz, s.entity) == rollup(gaz, o.entity) && (s.entity == o.entity || !person(s.entity) || !person(o.entity)) {
                    if let Some(t) = trace.as_deref_mut() {
                        t.push((
                            si,
                            format!(
                                "cue {:?}: {} and {} are one state; no self-loop",
                                cue.text, gaz.entities[s.entity as usize].id, gaz.entities[o.entity as usize].id
                            ),
                        ));
                    }
                    continue;
                }
                let (s, o) = if rel.symmetric && gaz.entities[o.entity as usize].id < gaz.entities[s.entity as usize].id { (o, s) } else { (s, o) };
                let claim = Claim {
                    subject: s.entity,
                    object: o.entity,
                    relation: cue.relation,
                    cue: m.cue,
                    negated: negated_cues.contains(&ci),
                    modality,
                    speaker,
                    sentence: span.clone(),
                    subject_span: s.start..s.end,
                    object_span: o.start..o.end,
                    cue_span: cue_span.clone(),
                    pairing: rule.name,
                    subject_agent: s.agent,
                    object_agent: o.agent,
                    confidence: {
                        let gap = |a: &Actor| if a.end <= cue_span.start { m.tok.start.saturating_sub(a.tok_end) } else { a.tok.saturating_sub(m.tok.end) };
                        confidence(
                            rule.confidence,
                            [(s.pronoun, s.demonym), (o.pronoun, o.demonym)],
                            gap(&s).max(gap(&o)),
                            cue.role == CueRole::Weak,
                            cue.flipped.is_some(),
                        )
                    },
                };
                let why = trace.is_some().then(|| {
                    format!(
                        "{} —{}{}→ {} (cue {:?} at {}, pairing rule {}, confidence {:.2}{}{})",
                        gaz.entities[s.entity as usize].id,
                        rel.id,
                        if claim.negated { ", negated" } else { "" },
                        gaz.entities[o.entity as usize].id,
                        cue.text,
                        cue.origin,
                        rule.name,
                        f64::from(claim.confidence) / 100.0,
                        claim.speaker.map(|sp| format!(", said by {}", gaz.entities[sp as usize].id)).unwrap_or_default(),
                        if modality == Modality::Asserted { String::new() } else { format!(", {}", modality.as_str()) },
                    )
                });
                pending.push((claim, cue.role, why));
            }
        }
        // Weak cues only where nothing else in the clause links the pair.
        let strong: HashSet<(u32, u32, usize)> = pending
            .iter()
            .filter(|(_, r, _)| *r != CueRole::Weak)
            .map(|(c, _, _)| {
                let (a, b) = (rollup(gaz, c.subject), rollup(gaz, c.object));
                (a.min(b), a.max(b), clause_of[tokens.iter().position(|t| t.start >= c.cue_span.start).unwrap_or(0)])
            })
            .collect();
        let mut words: Option<Rc<[u64]>> = None;
        for (claim, role, why) in pending {
            let (a, b) = (rollup(gaz, claim.subject), rollup(gaz, claim.object));
            let clause = clause_of[tokens.iter().position(|t| t.start >= claim.cue_span.start).unwrap_or(0)];
            if role == CueRole::Weak && strong.contains(&(a.min(b), a.max(b), clause)) {
                continue;
            }
            // The same claim in the same (or a nearly identical) sentence counts once.
            let key = (claim.subject, claim.object, claim.relation, claim.negated);
            let words = words
                .get_or_insert_with(|| {
                    let mut w: Vec<u64> = tokens.iter().map(|t| tokens::word_hash(&t.word)).collect();
                    w.sort_unstable();
                    w.dedup();
                    Rc::from(w)
                })
                .clone();
            let repeat = seen.iter().any(|(k, w)| {
                if *k != key {
                    return false;
                }
                let common = common_count(w, &words, |&h| h);
                common as f64 >= 0.8 * (w.len() + words.len() - common).max(1) as f64
            });
            if repeat {
                continue;
            }
            seen.push((key, words));
            discourse.paired((claim.subject, a), (claim.object, b), si);
            if let Some(t) = trace.as_deref_mut()
                && let Some(why) = why
            {
                t.push((si, why));
            }
            claims.push(claim);
        }
    }
    claims
}

/// How many items two lists sorted by `key`, distinct in it, share (by `key`). The repeat
/// check here and copy detection in `graph` both compare sentences' word hashes this way.
pub(crate) fn common_count<T, K: Ord>(a: &[T], b: &[T], key: impl Fn(&T) -> K) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match key(&a[i]).cmp(&key(&b[j])) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// What makes two claims of a document the same: subject, object, relation, negation.
type ClaimKey = (u32, u32, usize, bool);

#[cfg(test)]
mod tests;
