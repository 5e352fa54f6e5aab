-- Up Migration
-- Word associations learned from the library (retrieval/associations.ts), saved so that each
-- process reads the rows of its question's words instead of learning them again (about 5 s and
-- 280 MB at a million passages). The same two tables as SQLite's schema 6: a row per word and one
-- row saying what they were learned from. A save replaces them all in one transaction, under a
-- transaction-level advisory lock it only tries for (associations.ts), so two processes that
-- learned at once do not both write. `associates` is json, kept as written: [[term, share], ...].
CREATE TABLE word_associations (
  term text COLLATE "C" CONSTRAINT word_associations_pkey PRIMARY KEY,
  associates json NOT NULL
);
CREATE TABLE word_associations_meta (
  id integer CONSTRAINT word_associations_meta_pkey PRIMARY KEY CONSTRAINT word_associations_meta_one CHECK (id = 1),
  passages integer NOT NULL,
  sample integer NOT NULL,
  mean_distinct_terms double precision NOT NULL,
  learned_at text COLLATE "C" NOT NULL
);

-- Down Migration
DROP TABLE word_associations_meta;
DROP TABLE word_associations;
