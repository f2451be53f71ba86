//! The plain case: the nearest group before the cue is the subject, the object side after it
//! (or inside its gaps) the object; up to four objects.

use super::{Around, Pairs, Rule, cross};

pub(in crate::relations) const RULE: Rule = Rule {
    name: "subject-object",
    what: "the group before the cue is the subject, what follows it the object",
    consumes: true,
    follows_cue_role: true,
    confidence: 90,
    apply,
};

fn apply(a: &Around) -> Option<Pairs> {
    let l = a.near_left.as_ref()?;
    (!a.object_side.is_empty()).then(|| cross(l, &a.object_side[..a.object_side.len().min(a.distances().objects)]))
}
