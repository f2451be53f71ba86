//! A speaker cue inside a quotation ("we condemn ..."): the quotation's speaker is the subject,
//! the first actor after the cue the object.

use super::{Around, Pairs, Rule, cross};
use crate::relations::actors::Actor;
use crate::relations::lexicon::CueRole;

pub(in crate::relations) const RULE: Rule =
    Rule { name: "speaker-subject", what: "inside a quotation, a speaker cue's subject is the speaker", consumes: true, follows_cue_role: false, apply };

fn apply(a: &Around) -> Option<Pairs> {
    if a.cue.role != CueRole::Speaker || a.object_side.is_empty() {
        return None;
    }
    let sp = a.quote_speaker?;
    let at = a.tokens[a.m.tok.start].start;
    let t = a.m.tok.start;
    let speaker = Actor { entity: sp, start: at, end: at, tok: t, tok_end: t, possessive: false, demonym: false, pronoun: true, alt: None };
    Some(cross(&[speaker], &a.object_side[..1]))
}
