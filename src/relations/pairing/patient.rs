//! A patient cue after a possessive ("Soleimani's assassination"): the possessive is what the
//! act was done to, not who did it, and no subject is named, so the cue links nobody.

use super::{Around, Pairs, Rule};
use crate::relations::lexicon::CueRole;

pub(in crate::relations) const RULE: Rule = Rule {
    name: "patient-possessive",
    what: "a possessive before a patient cue is its object: no subject, no claim",
    consumes: true,
    follows_cue_role: true,
    confidence: 50,
    apply,
};

fn apply(a: &Around) -> Option<Pairs> {
    let l = a.near_left.as_ref()?;
    (!a.object_side.is_empty() && a.cue.role == CueRole::Patient && l.last().is_some_and(|x| x.possessive)).then(Vec::new)
}
