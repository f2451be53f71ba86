//! No subject before the cue: a group of two or more states right after a symmetric cue pairs
//! within itself ("a partnership of Russia and Iran").

use super::{Around, Pairs, Rule, all_pairs, first_tok};

pub(in crate::relations) const RULE: Rule = Rule {
    name: "group-after",
    what: "a group right after a symmetric cue with no subject pairs within itself",
    consumes: true,
    follows_cue_role: true,
    confidence: 70,
    apply,
};

fn apply(a: &Around) -> Option<Pairs> {
    if a.near_left.is_some() || a.object_side.is_empty() {
        return None;
    }
    Some(match a.near_right {
        Some(r) if a.symmetric && a.distinct(r) >= 2 && first_tok(r) - a.m.tok.end <= a.distances().group_after => all_pairs(r),
        _ => Vec::new(),
    })
}
