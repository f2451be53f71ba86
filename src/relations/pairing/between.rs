//! "talks between Russia and Iran", "rivalry among ...": the group after "between" or "among"
//! pairs within itself.

use super::{Around, Pairs, Rule, all_pairs, first_tok};

pub(in crate::relations) const RULE: Rule =
    Rule { name: "between", what: "the group after \"between\" or \"among\" pairs within itself", consumes: false, follows_cue_role: false, apply };

fn apply(a: &Around) -> Option<Pairs> {
    let grp = a.right_first?;
    let (tokens, m) = (a.tokens, a.m);
    let cue_last = tokens[m.tok.end - 1].word.as_str();
    let between = tokens[m.tok.end..first_tok(grp)].first().map_or(cue_last, |t| t.word.as_str());
    ((between == "between" || between == "among") && a.distinct(grp) >= 2).then(|| all_pairs(grp))
}
