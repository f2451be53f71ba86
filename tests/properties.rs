//! Properties, over generated inputs (proptest): spans lie on char boundaries and slice to the
//! mention text; tagging is idempotent; merging analyses is associative and commutative;
//! graph.json read back and written again is byte-identical.

use std::sync::OnceLock;

use newsgraph::export::GraphDoc;
use newsgraph::gazetteer::{Gazetteer, How};
use newsgraph::graph::{Analysis, GraphBuilder, Window};
use newsgraph::relations::{self, Lexicon};
use newsgraph::tagger::{CaseMode, Tagger};
use newsgraph::text::{Document, Meta, layout};
use proptest::prelude::*;

use crate::common::root;

struct Fixture {
    gaz: Gazetteer,
    tagger: Tagger,
    lex: Lexicon,
    sentences: Vec<String>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let gaz = Gazetteer::load(&root().join("gazetteer")).unwrap();
        let tagger = Tagger::new(&gaz, CaseMode::Default).unwrap();
        let lex = Lexicon::load(&root().join("gazetteer")).unwrap();
        let mut sentences = Vec::new();
        for doc in newsgraph::text::read_inputs(&[root().join("seeds")]).unwrap() {
            let l = layout(&doc.text, &gaz.text);
            sentences.extend(l.sentences.iter().map(|s| doc.text[s.span.clone()].to_string()));
        }
        Fixture { gaz, tagger, lex, sentences }
    })
}

/// Text made of seed sentences, names and arbitrary Unicode glued together.
fn text() -> impl Strategy<Value = String> {
    let f = fixture();
    let piece = prop_oneof![
        4 => (0..f.sentences.len()).prop_map(move |i| f.sentences[i].clone()),
        2 => prop::sample::select(vec!["Russia’s", "Iran", "U.S.", "Vladimir V. Putin", "RUSSIA", "the Russian President", "Erdoğan", "Ahmedé", "US-Israeli", "“", "”", "\n\n"]).prop_map(String::from),
        1 => "\\PC{0,12}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.join(" "))
}

fn doc(id: String, text: String) -> Document {
    Document { id: id.clone(), path: format!("{id}.txt"), text, meta: Meta { published: Some("2024-10-13".parse().unwrap()), ..Default::default() } }
}

fn analyse(d: &Document) -> Analysis {
    let f = fixture();
    let l = layout(&d.text, &f.gaz.text);
    let m = f.tagger.tag(&d.text, &l.paragraphs, d.meta.published);
    let c = relations::extract(&d.text, &l, &m, &f.gaz, &f.lex);
    Analysis::new(d, &l, &m, c, Window::Sentence)
}

fn json_of(analyses: Vec<Analysis>) -> String {
    let f = fixture();
    let mut b = GraphBuilder::new(Window::Sentence);
    for a in analyses {
        b.add(a).unwrap();
    }
    GraphDoc::from_graph(b.finish(&f.gaz, &f.lex).unwrap(), &f.gaz, &f.lex).to_json().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn spans_lie_on_char_boundaries_and_slice_to_the_mention(t in text()) {
        let f = fixture();
        let l = layout(&t, &f.gaz.text);
        let mut last = 0;
        for m in f.tagger.tag(&t, &l.paragraphs, Some("2024-10-13".parse().unwrap())) {
            prop_assert!(t.is_char_boundary(m.start) && t.is_char_boundary(m.end) && m.start < m.end);
            prop_assert!(m.start >= last);
            prop_assert_eq!(m.text(&t), &t[m.start..m.end]);
            last = m.end;
        }
        for s in &l.sentences {
            prop_assert!(t.get(s.span.clone()).is_some());
        }
    }

    #[test]
    fn tagging_is_idempotent(t in text()) {
        // Re-tagging what was matched, each on its own line, finds the same entities (roles and
        // mentions settled by their document's context aside).
        let f = fixture();
        let first = f.tagger.tag(&t, &[0..t.len()], None);
        let plain: Vec<_> = first.iter().filter(|m| m.how != How::Role).collect();
        let again_text: String = plain.iter().map(|m| format!("{}\n", m.text(&t))).collect();
        let regions: Vec<std::ops::Range<usize>> = {
            let mut at = 0;
            plain.iter().map(|m| { let r = at..at + m.text(&t).len(); at = r.end + 1; r }).collect()
        };
        let again = f.tagger.tag(&again_text, &regions, None);
        let ids = |v: &[&newsgraph::tagger::Mention]| v.iter().map(|m| m.entity).collect::<Vec<_>>();
        let again_refs: Vec<_> = again.iter().collect();
        let settled: Vec<u32> = ids(&plain);
        // Each re-tagged piece gives its entity (an ambiguous alias may stay unsettled alone).
        prop_assert!(ids(&again_refs).iter().all(|e| settled.contains(e)));
        let twice = f.tagger.tag(&t, &[0..t.len()], None);
        prop_assert_eq!(first, twice);
    }

    #[test]
    fn merging_is_associative_and_commutative(texts in prop::collection::vec(text(), 1..6), seed in any::<u64>()) {
        let docs: Vec<Document> = texts.into_iter().enumerate().map(|(i, t)| doc(format!("d{i}"), t)).collect();
        let forward = json_of(docs.iter().map(analyse).collect());
        let mut order: Vec<usize> = (0..docs.len()).collect();
        let mut s = seed | 1;
        for i in (1..order.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            order.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let shuffled = json_of(order.iter().map(|&i| analyse(&docs[i])).collect());
        prop_assert_eq!(&forward, &shuffled);
    }

    #[test]
    fn graph_json_round_trips(texts in prop::collection::vec(text(), 1..4)) {
        let docs: Vec<Document> = texts.into_iter().enumerate().map(|(i, t)| doc(format!("d{i}"), t)).collect();
        let json = json_of(docs.iter().map(analyse).collect());
        let back = GraphDoc::parse("graph.json", &json).unwrap().to_json().unwrap();
        prop_assert_eq!(json, back);
    }
}
