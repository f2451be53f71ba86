//! Pairing: which actors a cue links, as subject and object.

use rustc_hash::FxHashSet as HashSet;

use super::actors::{Actor, rollup};
use super::cues::CueMatch;
use super::lexicon::{Cue, CueRole, class};
use super::tokens::Token;
use crate::gazetteer::Gazetteer;

#[allow(clippy::too_many_arguments)]
pub(super) fn pair(
    text: &str,
    tokens: &[Token],
    m: &CueMatch,
    cue: &Cue,
    symmetric: bool,
    actors: &[Actor],
    grouped: &[Vec<Actor>],
    gaz: &Gazetteer,
    quote_speaker: Option<u32>,
    next_cue: Option<usize>,
    consumed: &HashSet<usize>,
) -> (Vec<(Actor, Actor)>, Vec<usize>) {
    let first_tok = |grp: &[Actor]| grp.iter().map(|a| a.tok).min().unwrap_or(0);
    let last_tok_end = |grp: &[Actor]| grp.iter().map(|a| a.tok_end).max().unwrap_or(0);
    // Groups hold a handful of actors: counting and membership by scanning, without a set.
    let distinct = |grp: &[Actor]| grp.iter().enumerate().filter(|&(i, a)| !grp[..i].iter().any(|b| rollup(gaz, b.entity) == rollup(gaz, a.entity))).count();
    let has_state = |grp: &[Actor], state: u32| grp.iter().any(|a| rollup(gaz, a.entity) == state);
    // Subjects: not an earlier cue's object, not a place ("the war in Ukraine is helping"), and
    // none at all after a definite article ("the war in Ukraine").
    let definite = m.tok.start > 0 && tokens[m.tok.start - 1].word == "the";
    let subject_ok = |a: &Actor| {
        let placed = a.tok.checked_sub(1).is_some_and(|i| tokens[i].class & class::LOCATIVE != 0);
        // An earlier cue's object can still modify this one ("another key Russian ally").
        let adjacent = a.tok_end <= m.tok.start && m.tok.start - a.tok_end <= 1;
        (symmetric || !consumed.contains(&a.start) || adjacent) && !placed
    };
    // The groups before the cue (none after a definite article), in text order.
    let left_all = || grouped.iter().filter(move |grp| !definite && last_tok_end(grp) <= m.tok.start);
    // The subject side: the last of those groups with a possible subject, with only those.
    let left_last: Option<Vec<Actor>> = left_all().rev().map(|grp| grp.iter().copied().filter(subject_ok).collect::<Vec<_>>()).find(|grp| !grp.is_empty());
    let inside: Vec<Actor> = actors.iter().copied().filter(|a| !(a.pronoun && a.possessive) && m.gaps.iter().any(|gp| gp.contains(&a.tok))).collect();
    // The groups after the cue, in text order.
    let right_all = || grouped.iter().filter(move |grp| first_tok(grp) >= m.tok.end);
    let coordinated = |grp: &Vec<Actor>| tokens[m.tok.end..first_tok(grp)].first().is_some_and(|t| matches!(t.word.as_str(), "and" | "or" | "but" | "nor"));
    // "a deal brokered by China": an agent, not an object.
    let agent = |grp: &Vec<Actor>| first_tok(grp) > m.tok.end && tokens[first_tok(grp) - 1].word == "by";
    // The object side: the first group after the cue that is before the next cue, which has
    // its own, and not coordinated with the cue ("US help and any Israeli plan").
    let right_first: Option<&Vec<Actor>> = right_all().filter(|grp| next_cue.is_none_or(|n| first_tok(grp) < n)).find(|grp| !coordinated(grp) && !agent(grp));
    let all_pairs = |grp: &[Actor]| -> Vec<(Actor, Actor)> {
        let mut v = Vec::new();
        for i in 0..grp.len() {
            for j in i + 1..grp.len() {
                v.push((grp[i], grp[j]));
            }
        }
        v
    };
    let cross = |a: &[Actor], b: &[Actor]| -> Vec<(Actor, Actor)> {
        let mut v = Vec::new();
        for x in a {
            for y in b {
                v.push((*x, *y));
            }
        }
        v
    };
    // "the signing of their proposed treaty": a plural possessive inside the cue pairs its two.
    let plural_inside: Vec<Actor> = actors.iter().copied().filter(|a| a.pronoun && a.possessive && m.gaps.iter().any(|gp| gp.contains(&a.tok))).collect();
    if symmetric && distinct(&plural_inside) >= 2 {
        return (all_pairs(&plural_inside), Vec::new());
    }
    // "between X and Y", "among ..."
    if let Some(grp) = right_first {
        let cue_last = tokens[m.tok.end - 1].word.as_str();
        let between = tokens[m.tok.end..first_tok(grp)].first().map_or(cue_last, |t| t.word.as_str());
        if (between == "between" || between == "among") && distinct(grp) >= 2 {
            return (all_pairs(grp), Vec::new());
        }
    }
    let near_left: Option<&Vec<Actor>> = left_last.as_ref().filter(|grp| m.tok.start - last_tok_end(grp) <= 12);
    // A possessive followed by an apposition: "the Iranians' professed enemy, Israel" (seen
    // past the next cue, which is the apposition's head noun).
    let mut near_right: Option<&Vec<Actor>> = right_first.filter(|grp| first_tok(grp) - m.tok.end <= 12);
    if let Some(grp) = right_all().next().filter(|grp| first_tok(grp) - m.tok.end <= 12)
        && grp.last().is_some_and(|a| a.possessive)
        && let Some(next) = right_all().nth(1)
    {
        let from = grp.iter().map(|a| a.end).max().unwrap_or(0);
        let between = text.get(from..next[0].start).unwrap_or("");
        let after_comma = between.rsplit(',').next().unwrap_or("").trim().to_lowercase();
        if between.contains(',') && ["", "including", "such as", "namely", "notably"].contains(&after_comma.as_str()) {
            near_right = Some(next);
        }
    }
    let mut object_side: Vec<Actor> = if !inside.is_empty() { inside } else { near_right.cloned().unwrap_or_default() };
    if let Some(l) = near_left {
        // A pronoun object naming the subject's own state: with a single subject, the next
        // candidate ("U.S. strikes on its nuclear sites"); with a group, reflexive ("damaging
        // both of their economies"), so no object.
        let mine = |state: u32| has_state(l, state);
        object_side = object_side
            .into_iter()
            .filter_map(|a| {
                if !(a.pronoun && mine(rollup(gaz, a.entity))) {
                    return Some(a);
                }
                match a.alt {
                    Some(alt) if l.len() == 1 && !mine(rollup(gaz, alt)) => Some(Actor { entity: alt, ..a }),
                    _ => None,
                }
            })
            .collect();
        // "Russia's invasion of Ukraine": after a possessive subject, the object follows a
        // preposition close by.
        let last = l.last().expect("non-empty group");
        if last.possessive && m.tok.start - last.tok_end <= 2 && first_tok(&object_side) >= m.tok.end {
            let gap = &tokens[m.tok.end..first_tok(&object_side).max(m.tok.end)];
            let cue_ends_linked = tokens[m.tok.end - 1].class & class::PREPOSITION != 0;
            let apposition = gap.is_empty() && text.get(tokens[m.tok.end - 1].end..object_side[0].start).is_some_and(|t| t.trim() == ",");
            let linked = apposition
                || (gap.is_empty() && cue_ends_linked)
                || (gap.len() <= 6 && (cue_ends_linked || gap.first().is_some_and(|t| t.class & class::PREPOSITION != 0)));
            if !linked {
                object_side.clear();
            }
        }
    }
    let consumed_now: Vec<usize> = object_side.iter().map(|a| a.start).collect();
    // Speaker cues inside a quotation: the speaker is the subject.
    if cue.role == CueRole::Speaker
        && let Some(sp) = quote_speaker
        && !object_side.is_empty()
    {
        let at = tokens[m.tok.start].start;
        let speaker =
            Actor { entity: sp, start: at, end: at, tok: m.tok.start, tok_end: m.tok.start, possessive: false, demonym: false, pronoun: true, alt: None };
        return (cross(&[speaker], &object_side[..1]), consumed_now);
    }
    // Passive: "was condemned by X".
    let before = m.tok.start.checked_sub(1).map(|i| tokens[i].word.as_str()).unwrap_or("");
    if matches!(before, "was" | "were" | "been" | "being" | "is" | "are" | "be")
        && tokens.get(m.tok.end).is_some_and(|t| t.word == "by")
        && let (Some(r), Some(l)) = (right_all().next().filter(|grp| first_tok(grp) <= m.tok.end + 2), near_left)
    {
        return (cross(r, l), Vec::new());
    }
    let mut pairs = match (near_left, object_side.is_empty()) {
        (Some(l), false) => {
            if cue.role == CueRole::Patient && l.last().is_some_and(|a| a.possessive) {
                Vec::new()
            } else {
                cross(l, &object_side[..object_side.len().min(4)])
            }
        }
        (Some(l), true) => {
            let last = l.last().expect("non-empty group");
            let dist = m.tok.start - last.tok_end;
            if distinct(l) >= 2 && dist <= 6 {
                all_pairs(l)
            } else {
                // Nothing after the cue: the next group further back is the object, unless the
                // actor right before is the cue's own modifier ("America's strikes"); only for
                // symmetric relations or across a relative word ("Syria, where Turkey has been
                // threatening"), and only with a named actor close by.
                // ... except a pronoun after a copula: "Russia is our enemy".
                let copula = last.pronoun
                    && last
                        .tok
                        .checked_sub(1)
                        .is_some_and(|i| matches!(tokens[i].word.as_str(), "is" | "was" | "are" | "were" | "remains" | "became" | "becomes"));
                let modifier = dist <= 1 && (last.possessive || dist == 0) && !copula;
                let mine = |state: u32| has_state(l, state);
                let further = left_all().rev().find(|grp| last_tok_end(grp) <= first_tok(l) && grp.iter().any(|a| !mine(rollup(gaz, a.entity))));
                let ok = |f: &Vec<Actor>| {
                    let fa = f.last().expect("non-empty group");
                    let between = &tokens[fa.tok_end..first_tok(l)];
                    let relative = between.iter().any(|t| matches!(t.word.as_str(), "where" | "which" | "whose" | "whom"));
                    !fa.pronoun && first_tok(l) - fa.tok_end <= 8 && (symmetric || relative || copula)
                };
                match further {
                    Some(f) if !modifier && ok(f) => {
                        let obj: Vec<Actor> = f.iter().copied().filter(|a| !mine(rollup(gaz, a.entity))).collect();
                        cross(l, &obj[obj.len() - 1..])
                    }
                    _ => Vec::new(),
                }
            }
        }
        (None, false) => match near_right {
            Some(r) if symmetric && distinct(r) >= 2 && first_tok(r) - m.tok.end <= 3 => all_pairs(r),
            _ => Vec::new(),
        },
        (None, true) => Vec::new(),
    };
    if cue.role == CueRole::Reverse {
        pairs = pairs.into_iter().map(|(a, b)| (b, a)).collect();
    }
    (pairs, consumed_now)
}
