//! A passive, "Iran was condemned by Russia": the agent after "by" is the subject, the group
//! before the cue the object.

use super::{Around, Pairs, Rule, cross, first_tok};

pub(in crate::relations) const RULE: Rule =
    Rule { name: "passive", what: "in a passive (\"was condemned by X\") the agent is the subject", consumes: false, follows_cue_role: false, apply };

fn apply(a: &Around) -> Option<Pairs> {
    let m = a.m;
    let by_next = a.tokens.get(m.tok.end).is_some_and(|t| t.word == "by");
    if !by_next || !matches!(a.word_before(), "was" | "were" | "been" | "being" | "is" | "are" | "be") {
        return None;
    }
    let agent = a.right_all().next().filter(|grp| first_tok(grp) <= m.tok.end + 2)?;
    let patient = a.near_left.as_ref()?;
    Some(cross(agent, patient))
}
