//! "Russia and Iran signed a partnership": a group of two or more states right before a cue
//! with nothing after it pairs within itself.

use super::{Around, Pairs, Rule, all_pairs};

pub(in crate::relations) const RULE: Rule =
    Rule { name: "group-before", what: "a group right before a cue with no object pairs within itself", consumes: true, follows_cue_role: true, apply };

fn apply(a: &Around) -> Option<Pairs> {
    let l = a.near_left.as_ref()?;
    if !a.object_side.is_empty() {
        return None;
    }
    let dist = a.m.tok.start - l.last().expect("non-empty group").tok_end;
    (a.distinct(l) >= 2 && dist <= a.distances().group_before).then(|| all_pairs(l))
}
