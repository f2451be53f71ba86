//! A mediator cue ("mediated", "brokered", "hosted talks"): the mediator is the agent after
//! "by" ("a deal brokered by China"), the actor hyphenated to the cue ("the U.S.-brokered
//! deal") or the subject ("Moscow was ready to mediate"); the parties are the group after
//! "between", else a group of two or more states elsewhere in the sentence, else the pair the
//! document has linked most. The mediator is paired with each party; the parties' own relation
//! comes from their own cue ("talks between").
use super::{Around, Pairs, Rule, cross, first_tok};
use crate::relations::actors::{Actor, rollup};
use crate::relations::lexicon::{CueRole, class};

pub(in crate::relations) const RULE: Rule = Rule {
    name: "mediator",
    what: "a mediator cue pairs the mediator with each of the parties it brings together",
    consumes: true,
    follows_cue_role: false,
    confidence: 80,
    apply,
};

fn apply(a: &Around) -> Option<Pairs> {
    if a.cue.role != CueRole::Mediator {
        return None;
    }
    let (tokens, m, d) = (a.tokens, a.m, a.distances());
    let last_is_by = tokens[m.tok.end - 1].class & class::AGENT_MARKER != 0;
    let by_next = tokens.get(m.tok.end).is_some_and(|t| t.class & class::AGENT_MARKER != 0);
    let everyone = a.grouped.iter();
    // The mediator.
    let agent: Option<Vec<Actor>> = if last_is_by || by_next {
        let from = m.tok.end + usize::from(by_next);
        everyone.clone().find(|g| first_tok(g) >= from && first_tok(g) <= from + d.passive_agent).cloned()
    } else {
        None
    };
    let cue_start = tokens[m.tok.start].start;
    let hyphened = a.grouped.iter().flatten().find(|x| x.end < cue_start && a.text[x.end..cue_start].trim_start_matches('.') == "-").map(|x| vec![*x]);
    let passive = agent.is_some() || hyphened.is_some();
    let Some(mediator) = agent.or(hyphened).or_else(|| a.near_left.clone()) else { return Some(Vec::new()) };
    let mine = |x: &Actor| mediator.iter().any(|y| rollup(a.gaz, y.entity) == rollup(a.gaz, x.entity));
    let others = |g: &Vec<Actor>| -> Vec<Actor> { g.iter().copied().filter(|x| !mine(x)).collect() };
    // The parties: after "between" ...
    let between = a.right_all().find(|g| {
        let start = first_tok(g);
        start > m.tok.end && start - m.tok.end <= d.object && tokens[m.tok.end..start].iter().any(|t| t.class & class::RECIPROCAL != 0)
    });
    let mut parties: Vec<Actor> = between.map(others).unwrap_or_default();
    // ... else, for a mediator named apart from its parties, two states elsewhere in the sentence,
    // or the document's pair.
    if parties.len() < 2 && passive {
        parties = everyone.map(others).find(|g| a.distinct(g) >= 2).unwrap_or_default();
    }
    // "The talks were hosted by Erdogan": the document's pair, after a noun such as "talks".
    let of_talks = tokens[m.tok.start.saturating_sub(3)..m.tok.start].iter().any(|t| t.class & class::MEDIATED_NOUN != 0);
    if parties.len() < 2
        && passive
        && of_talks
        && let Some((x, y)) = a.salient
    {
        let at = |e: u32| Actor::referred(e, cue_start..cue_start, m.tok.start..m.tok.start, false);
        parties = [at(x), at(y)].into_iter().filter(|p| !mine(p)).collect();
    }
    if a.distinct(&parties) < 2 {
        return Some(Vec::new());
    }
    Some(cross(&mediator, &parties))
}
