-- Up Migration
-- The library: sources, their passages with the full-text index, tombstones of deleted records,
-- ingest checkpoints, vectors for hybrid search, and one row of library-wide state. Mirrors the
-- SQLite schema (src/adapters/sqlite/schema.ts) where PostgreSQL allows; the differences are
-- explained where they are made.

-- Timestamps are timestamptz (not ISO text as in SQLite): they compare and partition as time. A
-- source's JSON (`data`, everything but its text) is text, not jsonb: it is always read whole, and
-- jsonb would refuse the escaped NUL ("\u0000") that JSON.stringify may write.
-- `publication_types` (lower-cased) and `terms` (MeSH descriptors and keywords joined by "; ",
-- the index's fourth field) repeat parts of `data` so that filters and search hits need no JSON.
CREATE TABLE sources (
  rid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  pmid text,
  pmcid text,
  doi text,
  format text NOT NULL,
  title text NOT NULL,
  journal text,
  year integer,
  evidence_level text NOT NULL,
  integrity text NOT NULL,
  review_status text,
  status_note text,
  publication_types text[] NOT NULL,
  terms text NOT NULL,
  version_number integer NOT NULL,
  version_revised text,
  content_hash text NOT NULL,
  origin_path text NOT NULL,
  data text NOT NULL,
  text text NOT NULL,
  ingested_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX sources_pmid ON sources (pmid) WHERE pmid IS NOT NULL;
CREATE INDEX sources_pmcid ON sources (pmcid) WHERE pmcid IS NOT NULL;
-- DOIs are matched case-insensitively (SQLite: COLLATE NOCASE).
CREATE INDEX sources_doi ON sources (lower(doi)) WHERE doi IS NOT NULL;
CREATE INDEX sources_level ON sources (evidence_level);

-- Full text: ONE weighted tsvector per passage rather than one per field. One GIN index answers
-- "any of these phrases" in one scan, and ts_rank's weight array ({D, C, B, A}) gives each field
-- its own weight; four vectors would need four indexes, an OR across them and four rank calls.
-- Weights: title A, terms B, section C, body D. Each field starts two positions after the one
-- before ends, so a phrase (`<->`, distance exactly 1) never matches across two fields, as in
-- FTS5. The body comes last: tsvector positions end at 16,383 (later words are indexed at that
-- position, so only phrases that far into an enormous body blur).
--
-- The vector is built by the writer (src/adapters/postgres/lexemes.ts), not by to_tsvector: it
-- cuts and stems text exactly as SQLite's FTS5 index does (unicode61 with diacritics removed, then
-- Porter), which is also how citemed's re-ranker reads passages (src/retrieval/tokens.ts). With
-- the `english` configuration instead, PostgreSQL's parser and Snowball stemmer would index other
-- tokens than the re-ranker counts (hyphenated words kept whole, "covid-19" as one word, stop
-- words dropped), and `unaccent` is not installed everywhere. No trigger re-reads the source.
--
-- Token counts per field feed the corpus statistics (library_state) that BM25F needs.
CREATE TABLE passages (
  rid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  source_rid bigint NOT NULL REFERENCES sources (rid) ON DELETE CASCADE,
  ordinal integer NOT NULL,
  section text NOT NULL,
  start_offset integer NOT NULL,
  end_offset integer NOT NULL,
  text text NOT NULL,
  title_tokens integer NOT NULL,
  section_tokens integer NOT NULL,
  body_tokens integer NOT NULL,
  terms_tokens integer NOT NULL,
  lexemes tsvector NOT NULL
);
-- A search reads the vector of every passage that matches (to rank it); out of line, in TOAST,
-- that cost three extra page reads per row (SciFact: 24k buffers for 2.6k matches). MAIN keeps
-- it in the row, so a long passage's text is moved out of line first: text is read only for
-- the hits.
ALTER TABLE passages ALTER COLUMN lexemes SET STORAGE MAIN;
CREATE INDEX passages_source ON passages (source_rid, ordinal);
CREATE INDEX passages_lexemes ON passages USING gin (lexemes);

CREATE TABLE tombstones (
  source_id text PRIMARY KEY,
  origin_path text NOT NULL,
  deleted_at timestamptz NOT NULL
);

CREATE TABLE ingest_files (
  key text PRIMARY KEY,
  path text NOT NULL,
  status text NOT NULL,
  data text NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Vectors for hybrid search, keyed by the passage's content-hash id (not its row), so a
-- re-ingested source keeps the vectors of paragraphs it did not change; hence no foreign key.
-- Float32 little-endian bytes at unit length, as in SQLite; the nearest search scans them in
-- JavaScript (pgvector is not available).
CREATE TABLE passage_vectors (
  model text NOT NULL,
  passage_id text NOT NULL,
  vector bytea NOT NULL,
  PRIMARY KEY (model, passage_id)
);

-- One row. `data_version` grows with every commit that changes sources or passages, and
-- `vector_version` with every change of vectors: each process caches phrase frequencies and
-- loaded vectors until the number it saw changes (SQLite: PRAGMA data_version). The counters are
-- kept by the writer in the same transaction as the rows they count, so corpus statistics are
-- one row read instead of an aggregate over every passage. Writers update this row last, just
-- before COMMIT, so concurrent writers queue on it only for the commit itself.
CREATE TABLE library_state (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  data_version bigint NOT NULL DEFAULT 0,
  vector_version bigint NOT NULL DEFAULT 0,
  sources bigint NOT NULL DEFAULT 0,
  passages bigint NOT NULL DEFAULT 0,
  title_tokens bigint NOT NULL DEFAULT 0,
  section_tokens bigint NOT NULL DEFAULT 0,
  body_tokens bigint NOT NULL DEFAULT 0,
  terms_tokens bigint NOT NULL DEFAULT 0
);
INSERT INTO library_state DEFAULT VALUES;

-- Down Migration
DROP TABLE library_state;
DROP TABLE passage_vectors;
DROP TABLE ingest_files;
DROP TABLE tombstones;
DROP TABLE passages;
DROP TABLE sources;
