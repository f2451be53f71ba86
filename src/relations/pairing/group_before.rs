//! "Russia and Iran signed a partnership": a group of two or more states right before a
//! symmetric or mutual cue with nothing after it pairs within itself. Before any other cue the
//! members of a group are not related to each other ("The United States, China and Britain
//! urged ...").

use super::{Around, Pairs, Rule, all_pairs, first_tok};
use crate::relations::lexicon::class;

pub(in crate::relations) const RULE: Rule = Rule {
    name: "group-before",
    what: "a group right before a symmetric or mutual cue with no object pairs within itself",
    consumes: true,
    follows_cue_role: true,
    confidence: 80,
    apply,
};

fn apply(a: &Around) -> Option<Pairs> {
    let l = a.near_left.as_ref()?;
    if !a.object_side.is_empty() {
        return None;
    }
    let dist = a.m.tok.start - l.last().expect("non-empty group").tok_end;
    // "shared an adversarial relationship with the United States": a relation with a third
    // party (seen past the next cue), not one inside the group.
    let (tokens, end) = (a.tokens, a.m.tok.end);
    let third = a.right_all().next().is_some_and(|grp| {
        let start = first_tok(grp);
        start - end <= a.distances().object && tokens[end - 1..start].iter().any(|t| t.class & class::THIRD_PARTY != 0)
    });
    if third {
        return None;
    }
    (a.mutual && a.distinct(l) >= 2 && dist <= a.distances().group_before).then(|| all_pairs(l))
}
