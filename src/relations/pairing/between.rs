//! "talks between Russia and Iran", "rivalry among ...": the group after "between" or "among"
//! pairs within itself.

use super::{Around, Pairs, Rule, all_pairs, first_tok};
use crate::relations::lexicon::class;

pub(in crate::relations) const RULE: Rule = Rule {
    name: "between",
    what: "the group after \"between\" or \"among\" pairs within itself",
    consumes: false,
    follows_cue_role: false,
    confidence: 90,
    apply,
};

fn apply(a: &Around) -> Option<Pairs> {
    let grp = a.right_first?;
    let (tokens, m) = (a.tokens, a.m);
    // The word after the cue, or the cue's last ("talks between").
    let between = tokens[m.tok.end..first_tok(grp)].first().unwrap_or(&tokens[m.tok.end - 1]);
    (between.class & class::RECIPROCAL != 0 && a.distinct(grp) >= 2).then(|| all_pairs(grp))
}
