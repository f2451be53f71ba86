#!/usr/bin/env python3
"""The peers of `newsgraph tag`, doing only the tagging, on the same text and aliases:

  peers.py ALIASES_TXT CORPUS_JSONL TOOL

TOOL is flashtext (KeywordProcessor, case-sensitive, as our tagger is by default),
pyahocorasick (an Automaton, leftmost-longest through iter_long), or spacy (PhraseMatcher on
a blank English pipeline: tokenising is part of its work). The texts are read first and not
timed; the aliases are loaded and timed apart. Prints one JSON line."""
import json
import sys
import time

aliases_path, corpus_path, tool = sys.argv[1:4]
aliases = [a for a in open(aliases_path, encoding="utf-8").read().split("\n") if a]
texts = [json.loads(line)["text"] for line in open(corpus_path, encoding="utf-8") if line.strip()]
nbytes = sum(len(t.encode("utf-8")) for t in texts)

t0 = time.perf_counter()
if tool == "flashtext":
    from flashtext import KeywordProcessor
    kp = KeywordProcessor(case_sensitive=True)
    for a in aliases:
        kp.add_keyword(a)
    run = lambda text: len(kp.extract_keywords(text, span_info=True))
elif tool == "pyahocorasick":
    import ahocorasick
    automaton = ahocorasick.Automaton()
    for i, a in enumerate(aliases):
        automaton.add_word(a, i)
    automaton.make_automaton()
    run = lambda text: sum(1 for _ in automaton.iter_long(text))
elif tool == "spacy":
    import spacy
    from spacy.matcher import PhraseMatcher
    nlp = spacy.blank("en")
    nlp.max_length = 10**9
    matcher = PhraseMatcher(nlp.vocab)
    matcher.add("ALIAS", list(nlp.tokenizer.pipe(aliases, batch_size=10000)))
    run = lambda text: len(matcher(nlp.make_doc(text)))
else:
    sys.exit(f"unknown tool {tool}")
load = time.perf_counter() - t0

t0 = time.perf_counter()
matches = sum(run(t) for t in texts)
seconds = time.perf_counter() - t0
print(json.dumps({"tool": tool, "bytes": nbytes, "seconds": round(seconds, 3), "mb_per_s": round(nbytes / 1e6 / seconds, 2),
                  "matches": matches, "load_seconds": round(load, 3)}))
