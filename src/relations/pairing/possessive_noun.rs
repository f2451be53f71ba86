//! "China is Pakistan's closest ally", "Belarus, Russia's closest ally, said ...": a relation
//! noun after a possessive names the possessor's partner, and the actor before the copula or
//! the comma of the apposition is that partner.
use super::{Around, Pairs, Rule, cross, first_tok, last_tok_end};
use crate::relations::actors::rollup;
use crate::relations::lexicon::class;

pub(in crate::relations) const RULE: Rule = Rule {
    name: "possessive-noun",
    what: "a relation noun after a possessive pairs the possessor with the actor the copula or apposition names",
    consumes: false,
    follows_cue_role: false,
    confidence: 80,
    apply,
};

fn apply(a: &Around) -> Option<Pairs> {
    if !a.state {
        return None;
    }
    let (tokens, m, d) = (a.tokens, a.m, a.distances());
    let owner = a.near_left.as_ref()?;
    let last = owner.last().expect("non-empty group");
    // The possessive modifies the noun: "Pakistan's closest ally", "one of Pakistan's allies".
    if !last.possessive || m.tok.start - last.tok_end > d.modifier + 1 {
        return None;
    }
    let mine = |x: u32| a.has_state(owner, rollup(a.gaz, x));
    let partner = a.left_all().rev().find(|g| last_tok_end(g) <= first_tok(owner) && g.iter().any(|x| !mine(x.entity)))?;
    let between = &tokens[last_tok_end(partner)..first_tok(owner)];
    let comma = a.text.get(partner.last().expect("non-empty group").end..owner[0].start).is_some_and(|t| t.trim_start().starts_with(','));
    let copula = between.iter().any(|t| t.class & class::COPULA != 0);
    if !(comma && between.len() <= 1 || copula && between.len() <= d.further_back) {
        return None;
    }
    let partner: Vec<_> = partner.iter().copied().filter(|x| !mine(x.entity)).collect();
    Some(cross(&partner, owner))
}
