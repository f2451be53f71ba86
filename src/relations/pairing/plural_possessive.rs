//! "the signing of their proposed treaty": a plural possessive inside a symmetric cue pairs
//! the two actors it stands for.

use super::{Around, Pairs, Rule, all_pairs};

pub(in crate::relations) const RULE: Rule = Rule {
    name: "plural-possessive",
    what: "a plural possessive inside a symmetric cue pairs the actors it stands for",
    consumes: false,
    follows_cue_role: false,
    confidence: 75,
    apply,
};

fn apply(a: &Around) -> Option<Pairs> {
    (a.symmetric && a.distinct(&a.plural_inside) >= 2).then(|| all_pairs(&a.plural_inside))
}
