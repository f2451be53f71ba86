//! Nothing after the cue: the next group further back is the object ("Syria, where Turkey has
//! been threatening"), for symmetric relations, across a relative word, or after a copula
//! ("Russia is our enemy"); never when the actor right before is the cue's own modifier
//! ("America's strikes"), and only with a named actor close by.

use super::{Around, Pairs, Rule, cross, first_tok, last_tok_end};
use crate::relations::actors::{Actor, rollup};
use crate::relations::lexicon::class;

pub(in crate::relations) const RULE: Rule = Rule {
    name: "object-further-back",
    what: "with nothing after the cue, the group further back is the object",
    consumes: true,
    follows_cue_role: true,
    confidence: 60,
    apply,
};

fn apply(a: &Around) -> Option<Pairs> {
    let l = a.near_left.as_ref()?;
    if !a.object_side.is_empty() {
        return None;
    }
    let (tokens, d) = (a.tokens, a.distances());
    let last = l.last().expect("non-empty group");
    let dist = a.m.tok.start - last.tok_end;
    let copula = last.pronoun && last.tok.checked_sub(1).is_some_and(|i| tokens[i].class & class::COPULA != 0);
    let modifier = dist <= d.modifier && (last.possessive || dist == 0) && !copula;
    let mine = |state: u32| a.has_state(l, state);
    let further = a.left_all().rev().find(|grp| last_tok_end(grp) <= first_tok(l) && grp.iter().any(|x| !mine(rollup(a.gaz, x.entity))));
    let ok = |f: &Vec<Actor>| {
        let fa = f.last().expect("non-empty group");
        let between = &tokens[fa.tok_end..first_tok(l)];
        let relative = between.iter().any(|t| t.class & class::RELATIVE != 0);
        !fa.pronoun && first_tok(l) - fa.tok_end <= d.further_back && (a.symmetric || relative || copula)
    };
    Some(match further {
        Some(f) if !modifier && ok(f) => {
            let obj: Vec<Actor> = f.iter().copied().filter(|x| !mine(rollup(a.gaz, x.entity))).collect();
            cross(l, &obj[obj.len() - 1..])
        }
        _ => Vec::new(),
    })
}
