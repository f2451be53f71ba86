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
    sentences INTEGER NOT NULL,
    paragraphs INTEGER NOT NULL,
    repeated_paragraphs INTEGER NOT NULL,
    boilerplate_from INTEGER,
    mentions INTEGER NOT NULL,
    crowded_windows INTEGER NOT NULL,
    windows INTEGER NOT NULL,
    paragraph_spans TEXT NOT NULL,
    sha256 TEXT NOT NULL
);
CREATE INDEX documents_published ON documents (published);
CREATE INDEX documents_outlet ON documents (outlet);

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

CREATE TABLE entity_documents (
    entity INTEGER NOT NULL,
    doc INTEGER NOT NULL REFERENCES documents (doc),
    mentions INTEGER NOT NULL,
    windows INTEGER NOT NULL,
    by_name INTEGER NOT NULL,
    by_alias INTEGER NOT NULL,
    by_demonym INTEGER NOT NULL,
    by_metonym INTEGER NOT NULL,
    by_role INTEGER NOT NULL,
    PRIMARY KEY (entity, doc)
) WITHOUT ROWID;
CREATE INDEX entity_documents_doc ON entity_documents (doc);

CREATE TABLE sentences (
    sentence INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL REFERENCES documents (doc),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    quoted INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX sentences_doc ON sentences (doc, start);

CREATE VIRTUAL TABLE sentences_fts USING fts5 (text, content = 'sentences', content_rowid = 'sentence');

CREATE TABLE mentions (
    doc INTEGER NOT NULL REFERENCES documents (doc),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    entity INTEGER NOT NULL,
    how TEXT NOT NULL,
    PRIMARY KEY (doc, start, entity)
) WITHOUT ROWID;

CREATE TABLE co_mentions (
    source INTEGER NOT NULL,
    target INTEGER NOT NULL,
    doc INTEGER NOT NULL REFERENCES documents (doc),
    windows INTEGER NOT NULL,
    PRIMARY KEY (source, target, doc)
) WITHOUT ROWID;
CREATE INDEX co_mentions_doc ON co_mentions (doc);

CREATE TABLE co_mention_edges (
    source INTEGER NOT NULL,
    target INTEGER NOT NULL,
    weight INTEGER NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (source, target)
) WITHOUT ROWID;

CREATE TABLE relations (
    relation TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    polarity TEXT NOT NULL,
    directed INTEGER NOT NULL,
    cameo TEXT NOT NULL,
    plover TEXT,
    goldstein REAL NOT NULL,
    quad_class TEXT NOT NULL,
    state INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE claims (
    claim INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL REFERENCES documents (doc),
    position INTEGER NOT NULL,
    subject INTEGER NOT NULL,
    object INTEGER NOT NULL,
    subject_state INTEGER NOT NULL,
    object_state INTEGER NOT NULL,
    pair TEXT NOT NULL,
    relation TEXT NOT NULL REFERENCES relations (relation),
    negated INTEGER NOT NULL,
    modality TEXT NOT NULL,
    speaker INTEGER,
    sentence INTEGER NOT NULL REFERENCES sentences (sentence),
    subject_start INTEGER NOT NULL,
    subject_end INTEGER NOT NULL,
    object_start INTEGER NOT NULL,
    object_end INTEGER NOT NULL,
    cue_start INTEGER NOT NULL,
    cue_end INTEGER NOT NULL,
    cue TEXT NOT NULL,
    cue_phrase TEXT NOT NULL,
    rule TEXT NOT NULL,
    pairing TEXT NOT NULL,
    confidence REAL,
    subject_agent TEXT,
    object_agent TEXT,
    copy_of INTEGER
);
CREATE INDEX claims_doc ON claims (doc, position);
CREATE INDEX claims_pair ON claims (pair, relation, negated);

CREATE TABLE relation_edges (
    source INTEGER NOT NULL,
    target INTEGER NOT NULL,
    relation TEXT NOT NULL,
    negated INTEGER NOT NULL,
    claims INTEGER NOT NULL,
    copies INTEGER NOT NULL,
    outlets INTEGER NOT NULL,
    goldstein_mean REAL NOT NULL,
    first TEXT,
    last TEXT,
    PRIMARY KEY (source, target, relation, negated)
) WITHOUT ROWID;

-- What an analyst reads: every claim with its words, names, outlet and date.
CREATE VIEW claim_evidence AS
SELECT printf('c-%06d', c.claim) AS id,
       d.published, d.outlet, c.pair,
       s.id AS subject, c.relation, r.polarity, c.negated, c.modality, o.id AS object,
       p.id AS speaker, t.text AS sentence, c.cue, c.confidence,
       CASE WHEN c.copy_of IS NULL THEN NULL ELSE printf('c-%06d', c.copy_of) END AS copy_of,
       d.id AS document, d.title, d.url, c.rule, c.pairing
FROM claims c
JOIN documents d ON d.doc = c.doc
JOIN entities s ON s.entity = c.subject
JOIN entities o ON o.entity = c.object
LEFT JOIN entities p ON p.entity = c.speaker
JOIN relations r ON r.relation = c.relation
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
SELECT s.id, t.id, 'relation', e.claims, e.relation, r.polarity, e.negated, e.claims, e.copies,
       e.outlets, e.first, e.last, NULL, NULL
FROM relation_edges e
JOIN entities s ON s.entity = e.source
JOIN entities t ON t.entity = e.target
JOIN relations r ON r.relation = e.relation;
