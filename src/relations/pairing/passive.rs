//! A passive, "Iran was condemned by Russia": the agent after "by" is the subject, the group
//! before the cue the object.

use super::{Around, Pairs, Rule, cross, first_tok};
use crate::relations::lexicon::class;

pub(in crate::relations) const RULE: Rule = Rule {
    name: "passive",
    what: "in a passive (\"was condemned by X\") the agent is the subject",
    consumes: false,
    follows_cue_role: false,
    confidence: 85,
    apply,
};

fn apply(a: &Around) -> Option<Pairs> {
    let m = a.m;
    let by_next = a.tokens.get(m.tok.end).is_some_and(|t| t.class & class::AGENT_MARKER != 0);
    if !by_next || !a.before_is(class::PASSIVE_AUXILIARY) {
        return None;
    }
    let agent = a.right_all().next().filter(|grp| first_tok(grp) <= m.tok.end + a.distances().passive_agent)?;
    let patient = a.near_left.as_ref()?;
    Some(cross(agent, patient))
}
