//! A speaker cue inside a quotation or reported speech ("“Washington's reckless actions ...,”
//! Zakharova said"): the speaker is the subject, the first actor after the cue the object, or,
//! with none after it, the group before it.

use super::{Around, Pairs, Rule, cross};
use crate::relations::actors::Actor;
use crate::relations::lexicon::CueRole;

pub(in crate::relations) const RULE: Rule = Rule {
    name: "speaker-subject",
    what: "inside a quotation, a speaker cue's subject is the speaker",
    consumes: true,
    follows_cue_role: false,
    confidence: 75,
    apply,
};

fn apply(a: &Around) -> Option<Pairs> {
    if a.cue.role != CueRole::Speaker {
        return None;
    }
    let sp = a.speaker?;
    // With nothing after the cue, the actor right before it ("Washington's reckless actions",
    // "Beijing is stoking tensions").
    let before = a.near_left.as_deref().and_then(|l| l.last().copied()).filter(|x| a.m.tok.start - x.tok_end <= a.distances().modifier + 1);
    let object = if a.object_side.is_empty() { before? } else { a.object_side[0] };
    let at = a.tokens[a.m.tok.start].start;
    let t = a.m.tok.start;
    let speaker = Actor::referred(sp, at..at, t..t, false);
    Some(cross(&[speaker], &[object]))
}
