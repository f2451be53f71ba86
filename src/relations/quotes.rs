//! Quotations and their speakers, and reported speech ("X told Y that …").

use std::ops::Range;

use super::actors::{Actor, Discourse, is_actor_type, is_person};
use super::lexicon::{Grammar, Lexicon, class};
use super::tokens::{Token, phrase_at};
use crate::gazetteer::Gazetteer;
use crate::tagger::Mention;
use crate::text::Layout;

/// The quotation (sorted by start, as `find_quotes` returns them) that contains `span`.
pub(super) fn quote_containing(quotes: &[Quote], span: Range<usize>) -> Option<(usize, &Quote)> {
    let after = quotes.partition_point(|q| q.span.start <= span.start);
    (after.saturating_sub(3)..after).rev().map(|i| (i, &quotes[i])).find(|(_, q)| q.span.start <= span.start && span.end <= q.span.end)
}

#[derive(Debug, Clone)]
pub(super) struct Quote {
    pub(super) span: Range<usize>,
    pub(super) speaker: Option<u32>,
    /// The speaker's mentions (excluded from pairing for cues in the quotation).
    pub(super) speaker_spans: Vec<Range<usize>>,
}

/// Finds the speech verb phrases in `tokens[range]`: (first token, one past last).
pub(super) fn speech_verbs(tokens: &[Token], range: Range<usize>, g: &Grammar) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for i in range.clone() {
        if let Some(p) = g.speech.starting_at(tokens, i).find(|p| i + p.len() <= range.end && phrase_at(tokens, i, p)) {
            out.push(i..i + p.len());
        }
    }
    out
}

/// The speaker of reported speech in a sentence without quotation marks around the claim:
/// "X told Y that …", "X said …", "according to X, …". Returns the speaker and the byte offset
/// after which claims are theirs.
pub(super) fn reported_speaker(text: &str, tokens: &[Token], actors: &[Actor], quotes: &[Quote], gaz: &Gazetteer, g: &Grammar) -> Option<(u32, usize)> {
    let outside = |a: &Actor| quote_containing(quotes, a.start..a.end).is_none();
    for v in speech_verbs(tokens, 0..tokens.len(), g) {
        let vstart = tokens[v.start].start;
        // Not inside a quotation, nor inside a name ("the United States").
        if quote_containing(quotes, vstart..vstart + 1).is_some() || actors.iter().any(|a| !a.pronoun && a.start <= vstart && vstart < a.end) {
            continue;
        }
        let d = &g.distances;
        let words = &tokens[v.clone()];
        if g.speaker_after.iter().any(|p| p.len() == words.len() && p.iter().zip(words).all(|(w, t)| *w == t.word)) {
            let who = actors.iter().find(|a| a.tok >= v.end && a.tok <= v.end + d.speaker_after && outside(a))?;
            // "According to Reuters, Russia ...": a name that is no actor (a news source) before
            // it is the speaker, and no actor is.
            let named = tokens[v.end..who.tok].iter().any(|t| text[t.start..].starts_with(|c: char| c.is_uppercase()));
            return (!named).then_some((who.entity, 0));
        }
        // Reported speech: the verb introduces a clause ("said that …", "told Y that …", "said
        // Russia had …"), not a circumstance ("said during a press conference").
        let that = tokens[v.end..tokens.len().min(v.end + d.complementizer)].iter().position(|t| t.class & class::COMPLEMENTIZER != 0).map(|k| v.end + k);
        let article = tokens.get(v.end).is_some_and(|t| t.class & class::ARTICLE != 0);
        let subject_next = actors.iter().any(|a| (a.tok == v.end || (article && a.tok == v.end + 1)) && !a.possessive);
        // Or a closing attribution (", Iranian newspapers said.", ", the Indian army said on
        // Tuesday."), which covers what precedes: after the verb, a few words with no actor.
        let rest = &tokens[v.end.min(tokens.len())..];
        let closing = rest.len() <= d.closing_tail && !actors.iter().any(|a| a.tok >= v.end);
        // Or a clause right after the verb ("Kim said the pact had ...", "denied supplying
        // missiles"), unless a preposition opens a circumstance ("said in a statement").
        let clause_next = tokens[v.end - 1].class & class::BARE_CLAUSE != 0
            && rest.first().is_some_and(|t| t.class & (class::PREPOSITION | class::LOCATIVE | class::CIRCUMSTANCE) == 0)
            && !closing;
        let from = match (that, subject_next || clause_next, closing) {
            (Some(k), _, _) => tokens[k].end,
            (None, true, _) => tokens[v.end - 1].end,
            (None, false, true) => 0,
            (None, false, false) => continue,
        };
        if closing && that.is_none() && !subject_next {
            let comma = text[..tokens[v.start].start].rfind(',').unwrap_or(0);
            let who = actors.iter().rev().find(|a| a.start > comma && a.tok_end <= v.start && v.start - a.tok_end <= d.closing_speaker && outside(a));
            match who {
                Some(w) => return Some((w.entity, 0)),
                None => continue,
            }
        }
        // The speaker is the nearest person before the verb (else the nearest actor); after a
        // comma, a participle ("..., saying ...") speaks for the sentence's subject: its first
        // group, a person in it first.
        let before: Vec<&Actor> = actors.iter().filter(|a| a.tok_end <= v.start && v.start - a.tok_end <= d.reported_speaker && outside(a)).collect();
        let participle = tokens[v.start].class & class::PARTICIPLE != 0
            && v.start > 0
            && (text[tokens[v.start - 1].end..tokens[v.start].start].contains(',') || tokens[v.start - 1].class & class::PREPOSITION != 0);
        let subject = || {
            let first: Vec<&Actor> = actors.iter().filter(|a| a.tok_end <= v.start && outside(a) && !a.possessive).collect();
            let head = first.first()?;
            first.iter().take_while(|a| a.tok <= head.tok_end + 3).find(|a| is_person(gaz, a.entity)).or(Some(head)).copied()
        };
        let who =
            if participle { subject() } else { None }.or_else(|| before.iter().rev().find(|a| is_person(gaz, a.entity)).or_else(|| before.last()).copied());
        if let Some(who) = who {
            let _ = text;
            return Some((who.entity, from));
        }
    }
    None
}

/// The quotations of a paragraph `p` that starts at byte `base` of the text, as spans of the
/// text, in the order they close: `“…”`, `"…"`, a `”` that closes a quotation opened in an
/// earlier paragraph (from the paragraph's start), and a quotation left open (to its end).
/// Every char is decoded: a memchr scan for the quotation marks' bytes measured no clearly
/// faster (the relation rules 0.491 s against 0.506 s on the 20 MB bench corpus, within the
/// runs' spread of 0.485-0.501 s) and is not kept.
pub(super) fn quotation_spans(p: &str, base: usize) -> Vec<Range<usize>> {
    let (mut spans, mut open, mut straight_open) = (Vec::new(), None, None);
    for (off, c) in p.char_indices() {
        let at = base + off;
        match c {
            '\u{201C}' if open.is_none() => open = Some(at),
            '\u{201D}' => {
                if let Some(o) = open.take() {
                    spans.push(o..at + c.len_utf8());
                } else if spans.is_empty() {
                    spans.push(base..at + c.len_utf8());
                }
            }
            '"' => match straight_open.take() {
                Some(o) => spans.push(o..at + 1),
                None => straight_open = Some(at),
            },
            _ => {}
        }
    }
    if let Some(o) = open.or(straight_open) {
        spans.push(o..base + p.len());
    }
    spans
}

/// Finds quotations and their speakers, paragraph by paragraph.
pub(super) fn find_quotes(text: &str, layout: &Layout, mentions: &[Mention], gaz: &Gazetteer, lex: &Lexicon) -> Vec<Quote> {
    let mut out: Vec<Quote> = Vec::new();
    let mut prev_para_speaker: Option<u32> = None;
    // For "he said": per sentence, the first person it names, carried forward over sentences
    // that name none (one pass; mentions and sentences are both in text order).
    let mut last_person: Vec<Option<u32>> = Vec::with_capacity(layout.sentences.len());
    let mut k = 0;
    let mut carried = None;
    for sentence in &layout.sentences {
        while k < mentions.len() && mentions[k].start < sentence.span.start {
            k += 1;
        }
        let first = mentions[k..].iter().take_while(|m| m.start < sentence.span.end).find(|m| is_person(gaz, m.entity)).map(|m| m.entity);
        carried = first.or(carried);
        last_person.push(carried);
    }
    for (pi, para) in layout.paragraphs.iter().enumerate() {
        let p = &text[para.clone()];
        let mut spans = quotation_spans(p, para.start);
        spans.sort_by_key(|s| s.start);
        let from = mentions.partition_point(|m| m.start < para.start);
        let para_mentions: Vec<Mention> = mentions[from..].iter().copied().take_while(|m| m.start < para.end).filter(|m| m.end <= para.end).collect();
        let first_sentence = layout.sentences.partition_point(|s| s.paragraph < pi);
        let sentences: Vec<&crate::text::Sentence> = layout.sentences[first_sentence..].iter().take_while(|s| s.paragraph == pi).collect();
        let mut para_speaker = None;
        for span in spans {
            // "he said": the first person of the latest sentence before the quotation that
            // names one.
            let mut discourse = Discourse::default();
            let before = layout.sentences.partition_point(|s| s.span.start < span.start);
            discourse.last_person = before.checked_sub(1).and_then(|i| last_person[i]);
            let (speaker, own) = quote_speaker(text, para, &span, &para_mentions, &sentences, gaz, lex, &mut discourse);
            let speaker = speaker.or_else(|| {
                // A quotation with no speaker of its own continues the one before it in the
                // paragraph, or, opening a paragraph, the previous paragraph's.
                para_speaker.or_else(|| (span.start == para.start).then_some(prev_para_speaker).flatten())
            });
            if speaker.is_some() {
                para_speaker = speaker;
            }
            out.push(Quote { span, speaker, speaker_spans: own });
        }
        prev_para_speaker = if para_speaker.is_some() {
            para_speaker
        } else if p.starts_with('\u{201C}') {
            prev_para_speaker
        } else {
            None
        };
    }
    out
}

#[allow(clippy::too_many_arguments)]
pub(super) fn quote_speaker(
    text: &str,
    para: &Range<usize>,
    span: &Range<usize>,
    mentions: &[Mention],
    sentences: &[&crate::text::Sentence],
    gaz: &Gazetteer,
    lex: &Lexicon,
    discourse: &mut Discourse,
) -> (Option<u32>, Vec<Range<usize>>) {
    let g = &lex.grammar;
    let d = &g.distances;
    let speaker_kind = |e: u32| is_actor_type(gaz, e);
    // Attribution after the quotation, up to the end of its sentence.
    let after_end = sentences.iter().find(|s| s.span.start <= span.end && span.end <= s.span.end).map_or(para.end, |s| s.span.end);
    let after_end =
        if after_end <= span.end + 1 { sentences.iter().find(|s| s.span.start >= span.end).map_or(para.end, |s| s.span.end).min(para.end) } else { after_end };
    if span.end < after_end {
        let tokens = lex.tokens(text, span.end..after_end);
        let limit = tokens.len().min(d.attribution);
        for v in speech_verbs(&tokens, 0..limit, g) {
            // "…,” Araghchi said" / "…,” the Russian President told" / "…,” he said"
            let before: Vec<&Mention> = mentions.iter().filter(|m| m.start >= span.end && m.end <= tokens[v.start].start && speaker_kind(m.entity)).collect();
            if let Some(m) = before.iter().rev().find(|m| is_person(gaz, m.entity)).or(before.last()) {
                return (Some(m.entity), vec![m.start..m.end]);
            }
            // "he said": a person pronoun before the verb stands for the last person named.
            if tokens[..v.start].iter().any(|t| t.class & class::PERSON_PRONOUN != 0)
                && let Some(e) = discourse.last_person
            {
                return (Some(e), Vec::new());
            }
            // "…,” said Ali Vaez"
            let after_verb = tokens[v.end - 1].end;
            if let Some(m) = mentions.iter().find(|m| m.start >= after_verb && m.start <= after_verb + d.speaker_bytes && is_person(gaz, m.entity)) {
                let group_end =
                    mentions.iter().filter(|x| x.start >= m.start && x.start <= m.end + d.speaker_group_bytes).map(|x| x.end).max().unwrap_or(m.end);
                return (Some(m.entity), vec![m.start..group_end]);
            }
        }
    }
    // Attribution before the quotation, in the same sentence: "X told Y, “…", "X: “…".
    let sent_start = sentences.iter().find(|s| s.span.start <= span.start && span.start < s.span.end).map_or(para.start, |s| s.span.start);
    if sent_start < span.start {
        let tokens = lex.tokens(text, sent_start..span.start);
        let verbs = speech_verbs(&tokens, 0..tokens.len(), g);
        let colon = text[sent_start..span.start].trim_end().ends_with(':');
        if let Some(v) = verbs.last().cloned() {
            let vstart = tokens[v.start].start;
            let before: Vec<&Mention> = mentions.iter().filter(|m| m.start >= sent_start && m.end <= vstart && speaker_kind(m.entity)).collect();
            if let Some(m) = before.iter().rev().find(|m| is_person(gaz, m.entity)) {
                let own: Vec<Range<usize>> =
                    before.iter().filter(|x| x.end + d.speaker_bytes >= m.start && x.start <= m.end + d.speaker_bytes).map(|x| x.start..x.end).collect();
                return (Some(m.entity), own);
            }
            // "he said": a person pronoun before the verb stands for the last person named.
            if tokens[..v.start].iter().any(|t| t.class & class::PERSON_PRONOUN != 0)
                && let Some(e) = discourse.last_person
            {
                return (Some(e), Vec::new());
            }
            // "To quote Baghaei Hamaneh, “…"
            let vend = tokens[v.end - 1].end;
            if let Some(m) = mentions.iter().find(|m| m.start >= vend && m.end <= span.start && is_person(gaz, m.entity)) {
                return (Some(m.entity), vec![m.start..m.end]);
            }
            if let Some(m) = before.last() {
                return (Some(m.entity), vec![m.start..m.end]);
            }
        } else if colon {
            let before: Vec<&Mention> = mentions.iter().filter(|m| m.start >= sent_start && m.end <= span.start && is_person(gaz, m.entity)).collect();
            if let Some(m) = before.last() {
                return (Some(m.entity), vec![m.start..m.end]);
            }
        }
    }
    (None, Vec::new())
}
