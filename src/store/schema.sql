-- The newsgraph store (schema version in `meta`, `PRAGMA application_id` = 0x4E475354).
-- Documented, with example queries, in docs/store.md. Entities are keyed by their index in
-- the gazetteer the store was analysed with (`meta.gazetteer_digest`); the views below give
-- their text ids.

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE documents (
    doc INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    title TEXT,
    outlet TEXT,
    url TEXT,
    published TEXT,
    provider TEXT,
    place TEXT,
    sentences INTEGER NOT NULL,
    paragraphs INTEGER NOT NULL,
    repeated_paragraphs INTEGER NOT NULL,
    boilerplate_from INTEGER,
    mentions INTEGER NOT NULL,
    crowded_windows INTEGER NOT NULL,
    windows INTEGER NOT NULL,
    first_sentence INTEGER NOT NULL,
    first_claim INTEGER NOT NULL,
    claims INTEGER NOT NULL,
    sha256 TEXT NOT NULL
);
CREATE INDEX documents_published ON documents (published);
CREATE INDEX documents_outlet ON documents (outlet);

-- A document's sentences are rows first_sentence .. first_sentence + sentences - 1, its
-- claims first_claim .. first_claim + claims - 1: ranges, not indexes, find them.
CREATE TABLE sentences (
    sentence INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL REFERENCES documents (doc),
    start INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    quoted INTEGER NOT NULL,
    text TEXT NOT NULL,
    "end" INTEGER GENERATED ALWAYS AS (start + length(CAST(text AS BLOB))) VIRTUAL
);

CREATE VIRTUAL TABLE sentences_fts USING fts5 (text, content = 'sentences', content_rowid = 'sentence', columnsize = 0);

CREATE TABLE hows (
    how INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE mentions (
    doc INTEGER NOT NULL REFERENCES documents (doc),
    start INTEGER NOT NULL,
    entity INTEGER NOT NULL REFERENCES entities (entity),
    how INTEGER NOT NULL REFERENCES hows (how),
    length INTEGER NOT NULL,
    "end" INTEGER GENERATED ALWAYS AS (start + length) VIRTUAL,
    PRIMARY KEY (doc, start, entity)
) WITHOUT ROWID;

CREATE TABLE entities (
    entity INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    type TEXT NOT NULL,
    iso3 TEXT,
    aliases TEXT NOT NULL,
    affiliation TEXT,
    mentions INTEGER NOT NULL,
    windows INTEGER NOT NULL,
    documents INTEGER NOT NULL,
    by_name INTEGER NOT NULL,
    by_alias INTEGER NOT NULL,
    by_demonym INTEGER NOT NULL,
    by_metonym INTEGER NOT NULL,
    by_role INTEGER NOT NULL
);

CREATE TABLE co_mention_edges (
    source INTEGER NOT NULL REFERENCES entities (entity),
    target INTEGER NOT NULL REFERENCES entities (entity),
    weight INTEGER NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (source, target)
) WITHOUT ROWID;

CREATE TABLE relations (
    relation INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    polarity TEXT NOT NULL,
    directed INTEGER NOT NULL,
    cameo TEXT NOT NULL,
    plover TEXT,
    goldstein REAL NOT NULL,
    quad_class TEXT NOT NULL,
    state INTEGER NOT NULL
);

CREATE TABLE cues (
    cue INTEGER PRIMARY KEY,
    relation INTEGER NOT NULL REFERENCES relations (relation),
    phrase TEXT NOT NULL,
    rule TEXT NOT NULL
);

CREATE TABLE pairings (
    pairing INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE modalities (
    modality INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE agents (
    agent INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

-- Claims: entities, relation, cue, modality, pairing and agents by their rows; spans are
-- byte offsets into the document text; pair_a and pair_b are the two state-level actors
-- (lower row first), the key of a pair's claims. claim_evidence reads them in words.
CREATE TABLE claims (
    claim INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL REFERENCES documents (doc),
    subject INTEGER NOT NULL REFERENCES entities (entity),
    object INTEGER NOT NULL REFERENCES entities (entity),
    subject_state INTEGER NOT NULL REFERENCES entities (entity),
    object_state INTEGER NOT NULL REFERENCES entities (entity),
    relation INTEGER NOT NULL REFERENCES relations (relation),
    negated INTEGER NOT NULL,
    modality INTEGER NOT NULL REFERENCES modalities (modality),
    speaker INTEGER REFERENCES entities (entity),
    sentence INTEGER NOT NULL REFERENCES sentences (sentence),
    subject_start INTEGER NOT NULL,
    subject_end INTEGER NOT NULL,
    object_start INTEGER NOT NULL,
    object_end INTEGER NOT NULL,
    cue_start INTEGER NOT NULL,
    cue_end INTEGER NOT NULL,
    cue INTEGER NOT NULL REFERENCES cues (cue),
    pairing INTEGER NOT NULL REFERENCES pairings (pairing),
    confidence INTEGER,
    subject_agent INTEGER REFERENCES agents (agent),
    object_agent INTEGER REFERENCES agents (agent),
    copy_of INTEGER REFERENCES claims (claim),
    pair_a INTEGER GENERATED ALWAYS AS (min(subject_state, object_state)) VIRTUAL,
    pair_b INTEGER GENERATED ALWAYS AS (max(subject_state, object_state)) VIRTUAL
);
-- A pair's claims, and (covering) what updates need of them: who is the subject, where, and
-- whether a copy.
CREATE INDEX claims_pair ON claims (pair_a, pair_b, relation, negated, subject_state, doc, copy_of);

CREATE TABLE relation_edges (
    source INTEGER NOT NULL REFERENCES entities (entity),
    target INTEGER NOT NULL REFERENCES entities (entity),
    relation INTEGER NOT NULL REFERENCES relations (relation),
    negated INTEGER NOT NULL,
    claims INTEGER NOT NULL,
    copies INTEGER NOT NULL,
    outlets INTEGER NOT NULL,
    goldstein_mean REAL NOT NULL,
    first TEXT,
    last TEXT,
    PRIMARY KEY (source, target, relation, negated)
) WITHOUT ROWID;

-- What an analyst reads: every claim in words, with its sentence, outlet and date.
CREATE VIEW claim_evidence AS
SELECT printf('c-%06d', c.claim) AS id,
       d.published, d.outlet, min(pa.id, pb.id) || ' | ' || max(pa.id, pb.id) AS pair,
       s.id AS subject, r.id AS relation, r.polarity, c.negated, m.name AS modality, o.id AS object,
       p.id AS speaker, t.text AS sentence,
       CAST(substr(CAST(t.text AS BLOB), c.cue_start - t.start + 1, c.cue_end - c.cue_start) AS TEXT) AS cue,
       c.confidence / 100.0 AS confidence,
       CASE WHEN c.copy_of IS NULL THEN NULL ELSE printf('c-%06d', c.copy_of) END AS copy_of,
       d.id AS document, d.title, d.url, q.rule, g.name AS pairing
FROM claims c
JOIN documents d ON d.doc = c.doc
JOIN entities s ON s.entity = c.subject
JOIN entities o ON o.entity = c.object
JOIN entities pa ON pa.entity = c.pair_a
JOIN entities pb ON pb.entity = c.pair_b
LEFT JOIN entities p ON p.entity = c.speaker
JOIN relations r ON r.relation = c.relation
JOIN modalities m ON m.modality = c.modality
JOIN cues q ON q.cue = c.cue
JOIN pairings g ON g.pairing = c.pairing
JOIN sentences t ON t.sentence = c.sentence;

-- Every edge of graph.json, with text ids. `npmi` needs SQLite's math functions (ln).
CREATE VIEW edges AS
SELECT s.id AS source, t.id AS target, 'co_mention' AS kind, e.weight AS weight,
       NULL AS relation, NULL AS polarity, NULL AS negated, NULL AS claims, NULL AS copies,
       NULL AS outlets, NULL AS first, NULL AS last, e.documents AS documents,
       CASE WHEN e.weight >= w.total THEN 1.0 ELSE round(min(1.0, max(-1.0, ln((e.weight * 1.0 / w.total) / ((s.windows * 1.0 / w.total) * (t.windows * 1.0 / w.total))) / -ln(e.weight * 1.0 / w.total))), 4) END AS npmi
FROM co_mention_edges e
JOIN entities s ON s.entity = e.source
JOIN entities t ON t.entity = e.target
JOIN (SELECT sum(windows) AS total FROM documents) w
UNION ALL
SELECT s.id, a.id, 'affiliation', 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM entities s JOIN entities a ON a.id = s.affiliation AND a.entity != s.entity
UNION ALL
SELECT s.id, t.id, 'relation', e.claims, r.id, r.polarity, e.negated, e.claims, e.copies,
       e.outlets, e.first, e.last, NULL, NULL
FROM relation_edges e
JOIN entities s ON s.entity = e.source
JOIN entities t ON t.entity = e.target
JOIN relations r ON r.relation = e.relation;

-- Per-document counts, in words: an entity's mentions in each document, and (sentence
-- windows) the sentences two entities share in each document. graph.json's per-document
-- counts are these; a store built with --window paragraph or document counts its co-mention
-- edges by those windows instead.
CREATE VIEW entity_documents AS
SELECT e.id AS entity, d.id AS document, count(*) AS mentions
FROM mentions m JOIN entities e ON e.entity = m.entity JOIN documents d ON d.doc = m.doc
GROUP BY m.entity, m.doc;

CREATE VIEW co_mention_documents AS
SELECT ea.id AS source, eb.id AS target, d.id AS document, count(DISTINCT s.sentence) AS sentences
FROM documents d
JOIN sentences s ON s.sentence BETWEEN d.first_sentence AND d.first_sentence + d.sentences - 1
JOIN mentions a ON a.doc = d.doc AND a.start >= s.start AND a.start < s."end"
JOIN mentions b ON b.doc = d.doc AND b.start >= s.start AND b.start < s."end"
JOIN entities ea ON ea.entity = a.entity
JOIN entities eb ON eb.entity = b.entity AND ea.id < eb.id
GROUP BY a.entity, b.entity, d.doc;

-- Names the gazetteer does not know (`newsgraph gazetteer suggest`): one row per place a
-- candidate name stands, with what its context suggests (type, role, a state named next to it
-- (`state_how` 'next') or where it is ('in')), whether its sentence has a relation cue, and
-- whether a single word is also written in lower case in its document (a common word).
-- `newsgraph gazetteer suggest --db` ranks them; unknown_name_counts counts them.
CREATE TABLE unknown_names (
    doc INTEGER NOT NULL REFERENCES documents (doc),
    sentence INTEGER NOT NULL REFERENCES sentences (sentence),
    name TEXT NOT NULL,
    type TEXT,
    type_weight INTEGER,
    type_from TEXT,
    role TEXT,
    state TEXT,
    state_how TEXT,
    near_cue INTEGER NOT NULL,
    lowercase_too INTEGER NOT NULL
);
CREATE INDEX unknown_names_doc ON unknown_names (doc);

CREATE VIEW unknown_name_counts AS
SELECT name, count(DISTINCT doc) AS documents, count(*) AS mentions, sum(near_cue) AS near_cues
FROM unknown_names
GROUP BY name
ORDER BY documents DESC, mentions DESC, name;
