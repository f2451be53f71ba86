//! Pairing: which actors a cue links, as subject and object.
//!
//! [`Around`] is what a cue sees of its sentence: the actor groups before it, inside its gaps
//! and after it. The rules of [`RULES`] are tried in order; the first that applies decides,
//! possibly that the cue links nobody, and every claim records the name of the rule that
//! paired it (`pairing` in `graph.json`, and in `explain`). Each rule is a file of this folder.
//! A new rule is a new file and a line in [`RULES`], where its place in the order says which
//! rules it overrides.

mod between;
mod further_back;
mod group_after;
mod group_before;
mod mediator;
mod passive;
mod patient;
mod plural_possessive;
mod possessive_noun;
mod speaker;
mod subject_object;

use rustc_hash::FxHashSet as HashSet;

use super::actors::{Actor, rollup};
use super::cues::CueMatch;
use super::lexicon::{Cue, CueRole, Distances, Grammar, RelationType, class};
use super::tokens::Token;
use crate::gazetteer::Gazetteer;

/// A pairing rule.
pub(super) struct Rule {
    /// The name recorded on each claim the rule pairs.
    pub(super) name: &'static str,
    /// What the rule does, in one line (for `explain`).
    pub(super) what: &'static str,
    /// Whether the objects it pairs are used up, so that a later cue of the sentence does not
    /// take them as its subject.
    consumes: bool,
    /// Whether a reverse cue ("buy drones from": object before, subject after) swaps the pairs.
    follows_cue_role: bool,
    /// How sure a claim it pairs is, in percent, before the claim's own distances and
    /// pronouns lower it (see `relations::confidence`).
    pub(super) confidence: u8,
    /// `Some(pairs)` when the rule applies (no pairs: the cue links nobody); `None` to try the
    /// next rule.
    apply: fn(&Around) -> Option<Pairs>,
}

/// (subject, object) pairs.
pub(super) type Pairs = Vec<(Actor, Actor)>;

/// The pairing rules, in the order they are tried.
pub(super) const RULES: &[Rule] = &[
    mediator::RULE,
    plural_possessive::RULE,
    between::RULE,
    speaker::RULE,
    passive::RULE,
    patient::RULE,
    possessive_noun::RULE,
    subject_object::RULE,
    group_before::RULE,
    further_back::RULE,
    group_after::RULE,
];

/// What [`pair`] decided for a cue.
pub(super) struct Paired {
    /// The rule that decided, `None` when no rule applied.
    pub(super) rule: Option<&'static Rule>,
    /// (subject, object) pairs.
    pub(super) pairs: Vec<(Actor, Actor)>,
    /// The starts of the objects it used up (see [`Rule::consumes`]).
    pub(super) consumed: Vec<usize>,
}

/// The rule named `name`.
pub(super) fn rule_named(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}

/// Pairs the actors around cue match `m` by the first rule of [`RULES`] that applies.
pub(super) fn pair(around: &Around) -> Paired {
    for rule in RULES {
        if let Some(mut pairs) = (rule.apply)(around) {
            if rule.follows_cue_role && around.cue.role == CueRole::Reverse {
                pairs = pairs.into_iter().map(|(a, b)| (b, a)).collect();
            }
            let consumed = if rule.consumes { around.object_side.iter().map(|a| a.start).collect() } else { Vec::new() };
            return Paired { rule: Some(rule), pairs, consumed };
        }
    }
    Paired { rule: None, pairs: Vec::new(), consumed: Vec::new() }
}

/// What a cue sees of its sentence: the inputs, and the sides every rule reads.
pub(super) struct Around<'a> {
    pub(super) text: &'a str,
    pub(super) tokens: &'a [Token],
    pub(super) m: &'a CueMatch,
    pub(super) cue: &'a Cue,
    pub(super) symmetric: bool,
    /// Whether a group with no object does the cue to each other (symmetric or mutual).
    pub(super) mutual: bool,
    /// Whether the cue's relation is a relation state (ally, partner, rival).
    pub(super) state: bool,
    pub(super) gaz: &'a Gazetteer,
    /// The grammar's word lists (as token classes) and distances.
    pub(super) g: &'a Grammar,
    /// The speaker of the quotation or reported speech the cue is in.
    pub(super) speaker: Option<u32>,
    /// The groups of the actors the cue may pair (in its clause and quotation), in text order.
    grouped: &'a [Vec<Actor>],
    /// Whether a definite article comes right before the cue ("the war in Ukraine"): then no
    /// group before it is a subject.
    definite: bool,
    /// The subject side: the last group before the cue with a possible subject (not an earlier
    /// cue's object, not a place), with only those; `None` when it is further away than the
    /// `subject` distance.
    pub(super) near_left: Option<Vec<Actor>>,
    /// The first group after the cue that is before the next cue, and is neither coordinated
    /// with the cue nor an agent ("brokered by China").
    pub(super) right_first: Option<&'a Vec<Actor>>,
    /// `right_first` if within the `object` distance, or an apposition after a possessive ("the Iranians'
    /// professed enemy, Israel").
    pub(super) near_right: Option<&'a Vec<Actor>>,
    /// The object side: the actors inside the cue's gaps ("giving Iran the cold shoulder"), else
    /// `near_right`; pronouns that name the subject's own state replaced or dropped, and
    /// emptied after a possessive subject when no preposition links it ("Russia's invasion of
    /// Ukraine").
    pub(super) object_side: Vec<Actor>,
    /// Plural possessive pronouns inside the cue's gaps ("the signing of their treaty").
    pub(super) plural_inside: Vec<Actor>,
    /// The entities of the pair of states the document has linked most so far.
    pub(super) salient: Option<(u32, u32)>,
}

impl<'a> Around<'a> {
    /// The view of cue match `m` (of relation `rel`) over `actors` (the actors it may pair) and
    /// their `grouped` groups. `speaker` is who says it, `salient` the pair the document has
    /// linked most, `next_cue` the next cue's first token, `consumed` the starts of objects
    /// earlier cues of the sentence used up.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        text: &'a str,
        tokens: &'a [Token],
        m: &'a CueMatch,
        cue: &'a Cue,
        rel: &RelationType,
        actors: &[Actor],
        grouped: &'a [Vec<Actor>],
        gaz: &'a Gazetteer,
        g: &'a Grammar,
        speaker: Option<u32>,
        salient: Option<(u32, u32)>,
        next_cue: Option<usize>,
        consumed: &HashSet<usize>,
    ) -> Around<'a> {
        let symmetric = rel.symmetric;
        let d = &g.distances;
        let definite = m.tok.start > 0 && tokens[m.tok.start - 1].class & class::ARTICLE != 0;
        let mut around = Around {
            text,
            tokens,
            m,
            cue,
            symmetric,
            state: rel.state,
            // "accused each other": a reciprocal object makes any cue mutual.
            mutual: rel.mutual
                || symmetric
                || g.reciprocal_objects.at(tokens, m.tok.end).is_some()
                || m.tok.end.checked_sub(2).is_some_and(|i| i >= m.tok.start && g.reciprocal_objects.at(tokens, i).is_some()),
            gaz,
            g,
            speaker,
            grouped,
            definite,
            near_left: None,
            right_first: None,
            near_right: None,
            object_side: Vec::new(),
            plural_inside: Vec::new(),
            salient,
        };
        let subject_ok = |a: &Actor| {
            // "in Tehran" is a place; "in his invasion of Ukraine" is not: the possessive
            // belongs to the noun after it.
            let placed = !a.possessive && a.tok.checked_sub(1).is_some_and(|i| tokens[i].class & class::LOCATIVE != 0);
            // An earlier cue's object can still modify this one ("another key Russian ally").
            let adjacent = a.tok_end <= m.tok.start && m.tok.start - a.tok_end <= d.modifier;
            // "accused Turkey of sending", "urged Iran to help": an earlier cue's object is the
            // subject of a cue it controls.
            let controls = a.tok_end <= m.tok.start
                && m.tok.start - a.tok_end <= d.control
                && tokens[a.tok_end..m.tok.start].iter().any(|t| t.class & class::CONTROL != 0);
            (symmetric || !consumed.contains(&a.start) || adjacent || controls) && !placed
        };
        let left_last: Option<Vec<Actor>> =
            around.left_all().rev().map(|grp| grp.iter().copied().filter(subject_ok).collect::<Vec<_>>()).find(|grp| !grp.is_empty());
        around.near_left = left_last.filter(|grp| m.tok.start - last_tok_end(grp) <= d.subject);
        let coordinated = |grp: &Vec<Actor>| tokens[m.tok.end..first_tok(grp)].first().is_some_and(|t| t.class & class::COORDINATOR != 0);
        // "a deal brokered by China": an agent, not an object.
        let agent = |grp: &Vec<Actor>| first_tok(grp) > m.tok.end && tokens[first_tok(grp) - 1].class & class::AGENT_MARKER != 0;
        // "threatened to strike South Korea": a cue ending in an infinitive marker takes its
        // object from the verb after it, past that verb's own cue.
        let infinitive = tokens[m.tok.end - 1].class & class::INFINITIVE != 0;
        around.right_first =
            around.right_all().filter(|grp| infinitive || next_cue.is_none_or(|n| first_tok(grp) < n)).find(|grp| !coordinated(grp) && !agent(grp));
        around.near_right = around.right_first.filter(|grp| first_tok(grp) - m.tok.end <= d.object);
        // A possessive followed by an apposition: "the Iranians' professed enemy, Israel" (seen
        // past the next cue, which is the apposition's head noun).
        if let Some(grp) = around.right_all().next().filter(|grp| first_tok(grp) - m.tok.end <= d.apposition)
            && grp.last().is_some_and(|a| a.possessive)
            && let Some(next) = around.right_all().nth(1)
        {
            let from = grp.iter().map(|a| a.end).max().unwrap_or(0);
            let between = text.get(from..next[0].start).unwrap_or("");
            let after_comma = between.rsplit(',').next().unwrap_or("").trim().to_lowercase();
            if between.contains(',') && (after_comma.is_empty() || g.apposition_openers.contains(&after_comma)) {
                around.near_right = Some(next);
            }
        }
        let in_gap = |a: &Actor| m.gaps.iter().any(|gp| gp.contains(&a.tok));
        around.plural_inside = actors.iter().copied().filter(|a| a.pronoun && a.possessive && in_gap(a)).collect();
        let inside: Vec<Actor> = actors.iter().copied().filter(|a| !(a.pronoun && a.possessive) && in_gap(a)).collect();
        around.object_side = if !inside.is_empty() { inside } else { around.near_right.cloned().unwrap_or_default() };
        if let Some(l) = &around.near_left {
            around.object_side = around.objects_after(l);
        }
        around
    }

    /// The object side seen from subject group `l`.
    fn objects_after(&self, l: &[Actor]) -> Vec<Actor> {
        let (tokens, m, d) = (self.tokens, self.m, self.distances());
        // A pronoun object naming the subject's own state: with a single subject, the next
        // candidate ("U.S. strikes on its nuclear sites"); with a group, reflexive ("damaging
        // both of their economies"), so no object.
        let mine = |state: u32| self.has_state(l, state);
        let mut objects: Vec<Actor> = self
            .object_side
            .iter()
            .filter_map(|&a| {
                if !(a.pronoun && mine(rollup(self.gaz, a.entity))) {
                    return Some(a);
                }
                match a.alt {
                    Some(alt) if l.len() == 1 && !mine(rollup(self.gaz, alt)) => Some(Actor { entity: alt, ..a }),
                    _ => None,
                }
            })
            .collect();
        // "massed troops along its border with Ukraine": a possessive pronoun that names the
        // subject's own state leads on to the next group.
        if objects.is_empty()
            && let Some(own) = self.object_side.iter().filter(|a| a.pronoun && a.possessive).map(|a| a.tok_end).max()
            && let Some(next) = self.right_all().find(|g| first_tok(g) >= own && first_tok(g) - own <= d.possessive_object)
        {
            objects = next.iter().copied().filter(|a| !mine(rollup(self.gaz, a.entity))).collect();
        }
        // "Russia's invasion of Ukraine": after a possessive subject, the object follows a
        // preposition close by.
        let last = l.last().expect("non-empty group");
        if last.possessive && m.tok.start - last.tok_end <= d.possessive_subject && first_tok(&objects) >= m.tok.end {
            let gap = &tokens[m.tok.end..first_tok(&objects).max(m.tok.end)];
            let cue_ends_linked = tokens[m.tok.end - 1].class & class::PREPOSITION != 0;
            let apposition = gap.is_empty() && self.text.get(tokens[m.tok.end - 1].end..objects[0].start).is_some_and(|t| t.trim() == ",");
            let linked = apposition
                || (gap.is_empty() && cue_ends_linked)
                || (gap.len() <= d.possessive_object
                    && (cue_ends_linked || gap.first().is_some_and(|t| t.class & class::PREPOSITION != 0))
                    // The preposition leads to the object ("of the Islamic Republic"), not to
                    // a place before a verb ("its allies in Europe had left the Kremlin").
                    && gap.iter().rev().take(3).chain(cue_ends_linked.then(|| &tokens[m.tok.end - 1]).filter(|_| gap.len() <= 2)).any(|t| t.class & class::PREPOSITION != 0));
            if !linked {
                objects.clear();
            }
        }
        objects
    }

    /// The groups before the cue (none after a definite article), in text order.
    pub(super) fn left_all(&self) -> impl DoubleEndedIterator<Item = &'a Vec<Actor>> + 'a {
        let (definite, start) = (self.definite, self.m.tok.start);
        self.grouped.iter().filter(move |grp| !definite && last_tok_end(grp) <= start)
    }

    /// The groups after the cue, in text order.
    pub(super) fn right_all(&self) -> impl Iterator<Item = &'a Vec<Actor>> + 'a {
        let end = self.m.tok.end;
        self.grouped.iter().filter(move |grp| first_tok(grp) >= end)
    }

    /// How many states a group names.
    pub(super) fn distinct(&self, grp: &[Actor]) -> usize {
        // Groups hold a handful of actors: counting by scanning, without a set.
        grp.iter().enumerate().filter(|&(i, a)| !grp[..i].iter().any(|b| rollup(self.gaz, b.entity) == rollup(self.gaz, a.entity))).count()
    }

    /// Whether a group names `state`.
    pub(super) fn has_state(&self, grp: &[Actor], state: u32) -> bool {
        grp.iter().any(|a| rollup(self.gaz, a.entity) == state)
    }

    /// Whether the word right before the cue is of grammar class `bit`.
    pub(super) fn before_is(&self, bit: u64) -> bool {
        self.m.tok.start.checked_sub(1).is_some_and(|i| self.tokens[i].class & bit != 0)
    }

    /// The grammar's distances.
    pub(super) fn distances(&self) -> &'a Distances {
        &self.g.distances
    }
}

/// A group's first token.
pub(super) fn first_tok(grp: &[Actor]) -> usize {
    grp.iter().map(|a| a.tok).min().unwrap_or(0)
}

/// One past a group's last token.
pub(super) fn last_tok_end(grp: &[Actor]) -> usize {
    grp.iter().map(|a| a.tok_end).max().unwrap_or(0)
}

/// Every pair within a group, in order.
pub(super) fn all_pairs(grp: &[Actor]) -> Vec<(Actor, Actor)> {
    let mut v = Vec::new();
    for i in 0..grp.len() {
        for j in i + 1..grp.len() {
            v.push((grp[i], grp[j]));
        }
    }
    v
}

/// Every pair of one of `a` and one of `b`.
pub(super) fn cross(a: &[Actor], b: &[Actor]) -> Vec<(Actor, Actor)> {
    a.iter().flat_map(|x| b.iter().map(move |y| (*x, *y))).collect()
}
