import type Database from 'better-sqlite3';
import { CitemedError } from '../../domain/errors.js';
import { TERMS_FIELD_SQL } from './fts.js';

/** "CTMD": marks a SQLite file as a citemed library (PRAGMA application_id). */
export const APPLICATION_ID = 0x43544d44;
export const SCHEMA_VERSION = 8;
/**
 * Page size of new libraries, in bytes. FTS5 stores its index as large segment blobs; 16 KiB
 * pages made ingest writes ~25% faster than SQLite's 4 KiB default (bench/ingest, 2026-11-23).
 */
export const PAGE_SIZE_BYTES = 16_384;

/** The FTS5 tokenizer of `passages_fts`; the postings index (postings.ts) tokenizes queries with it too. */
export const FTS_TOKENIZE = 'porter unicode61 remove_diacritics 2';

/**
 * Passages are indexed in a contentless FTS5 table (the text lives once, in `passages`), with
 * four fields: the source title (repeated per passage so a title match ranks every passage of
 * the work), the section label, the passage body, and MeSH terms + keywords.
 * `contentless_delete=1` (SQLite ≥ 3.43) lets replaced passages be removed by rowid.
 */
const SCHEMA_V1 = `
CREATE TABLE sources (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  pmid TEXT,
  pmcid TEXT,
  doi TEXT COLLATE NOCASE,
  format TEXT NOT NULL,
  title TEXT NOT NULL,
  journal TEXT,
  year INTEGER,
  evidence_level TEXT NOT NULL,
  integrity TEXT NOT NULL,
  review_status TEXT,
  version_number INTEGER NOT NULL,
  version_revised TEXT,
  content_hash TEXT NOT NULL,
  origin_path TEXT NOT NULL,
  data TEXT NOT NULL,
  text TEXT NOT NULL,
  ingested_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX sources_pmid ON sources(pmid) WHERE pmid IS NOT NULL;
CREATE INDEX sources_pmcid ON sources(pmcid) WHERE pmcid IS NOT NULL;
CREATE INDEX sources_doi ON sources(doi) WHERE doi IS NOT NULL;
CREATE INDEX sources_level ON sources(evidence_level);

CREATE TABLE passages (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  source_rid INTEGER NOT NULL REFERENCES sources(rid) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  section TEXT NOT NULL,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX passages_source ON passages(source_rid, ordinal);

CREATE VIRTUAL TABLE passages_fts USING fts5(
  title, section, body, terms,
  content='', contentless_delete=1,
  tokenize='${FTS_TOKENIZE}'
);

CREATE TABLE tombstones (
  source_id TEXT PRIMARY KEY,
  origin_path TEXT NOT NULL,
  deleted_at TEXT NOT NULL
);

CREATE TABLE ingest_files (
  key TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  status TEXT NOT NULL,
  data TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;

/**
 * Schema 2: vectors for hybrid search, one per passage and embedding model. Keyed by the passage's
 * content-hash id, not its rowid: a re-ingested source whose paragraphs did not change keeps their
 * vectors (the writer replaces a changed source's passage rows). Vectors of passages that no
 * longer exist are pruned by `citemed embed`. Float32, little-endian, scaled to unit length.
 */
const SCHEMA_V2 = `
CREATE TABLE IF NOT EXISTS passage_vectors (
  model TEXT NOT NULL,
  passage_id TEXT NOT NULL,
  vector BLOB NOT NULL,
  PRIMARY KEY (model, passage_id)
) WITHOUT ROWID;
`;

/**
 * Schema 3: the service's editorial records beside the library (ports/editorial.ts): accounts,
 * sessions and API keys; articles, their versions, review decisions, statement comments and
 * re-review flags; the audit log.
 *
 * - Roles, approvals and answers are JSON text: always read and written whole, never searched.
 * - `article_citations` repeats the source ids of each version's references so re-review checks
 *   ask "which articles cite this source" without parsing every stored answer.
 * - Decisions, comments and flags keep SQLite's rowid: "oldest first" is the order they were
 *   recorded, which timestamps from different clocks cannot promise.
 * - At most one open flag per (article, kind, source): the partial unique index says so, and it
 *   is also what "open flags of an article" reads.
 * - The audit log is append-only in the file itself, whoever sends the SQL: triggers refuse
 *   UPDATE and DELETE, and an INSERT that names an existing or a skipped `seq` (REPLACE deletes
 *   without firing DELETE triggers). `seq` is the rowid without AUTOINCREMENT: SQLite gives each
 *   row the largest plus one, so with no deletions it counts from 1 without gaps (AUTOINCREMENT
 *   would follow `sqlite_sequence`, which anyone can edit).
 * - Accounts are disabled, never deleted, so sessions and keys need no cascade.
 */
const SCHEMA_V3 = `
CREATE TABLE IF NOT EXISTS accounts (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  roles TEXT NOT NULL,
  credentials TEXT,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_account ON sessions(account_id);
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions(expires_at);

CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS api_keys_account ON api_keys(account_id, created_at);

CREATE TABLE IF NOT EXISTS articles (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL,
  title TEXT NOT NULL,
  question TEXT NOT NULL,
  audience TEXT NOT NULL,
  status TEXT NOT NULL,
  current_version INTEGER NOT NULL,
  approved_version INTEGER,
  approval TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_updated ON articles(updated_at);
CREATE INDEX IF NOT EXISTS articles_status ON articles(status, updated_at);

CREATE TABLE IF NOT EXISTS article_versions (
  article_id TEXT NOT NULL REFERENCES articles(id),
  number INTEGER NOT NULL,
  title TEXT NOT NULL,
  origin TEXT NOT NULL,
  note TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  answer TEXT NOT NULL,
  PRIMARY KEY (article_id, number)
);

CREATE TABLE IF NOT EXISTS article_citations (
  article_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  source_id TEXT NOT NULL,
  PRIMARY KEY (article_id, version, source_id),
  FOREIGN KEY (article_id, version) REFERENCES article_versions(article_id, number)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_citations_source ON article_citations(source_id);

CREATE TABLE IF NOT EXISTS review_decisions (
  rid INTEGER PRIMARY KEY,
  article_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  action TEXT NOT NULL,
  reviewer_id TEXT NOT NULL,
  comment TEXT,
  at TEXT NOT NULL,
  FOREIGN KEY (article_id, version) REFERENCES article_versions(article_id, number)
);
CREATE INDEX IF NOT EXISTS review_decisions_article ON review_decisions(article_id, rid);

CREATE TABLE IF NOT EXISTS statement_comments (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  article_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  statement TEXT NOT NULL,
  author_id TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at TEXT NOT NULL,
  resolved_at TEXT,
  resolved_by TEXT,
  UNIQUE (article_id, id),
  FOREIGN KEY (article_id, version) REFERENCES article_versions(article_id, number)
);

CREATE TABLE IF NOT EXISTS article_flags (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  article_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  source_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  version INTEGER NOT NULL,
  raised_at TEXT NOT NULL,
  resolved_at TEXT,
  resolved_by TEXT,
  FOREIGN KEY (article_id, version) REFERENCES article_versions(article_id, number)
);
CREATE INDEX IF NOT EXISTS article_flags_article ON article_flags(article_id, rid);
CREATE UNIQUE INDEX IF NOT EXISTS article_flags_open ON article_flags(article_id, kind, source_id) WHERE resolved_at IS NULL;

CREATE TABLE IF NOT EXISTS audit_log (
  seq INTEGER PRIMARY KEY CHECK (seq > 0),
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  state_before TEXT,
  state_after TEXT
);
CREATE INDEX IF NOT EXISTS audit_log_subject ON audit_log(subject_type, subject_id, seq);
CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log(actor, seq);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_next_only BEFORE INSERT ON audit_log
WHEN NEW.seq > (SELECT coalesce(max(seq), 0) + 1 FROM audit_log) OR EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

/**
 * Schema 4: the follow-up threads of the HTTP API (ports/threads.ts), so that every `citemed serve`
 * on this library sees the same threads and a restart forgets none.
 *
 * - One row per thread, its turns a JSON array: a thread is always read whole and written whole,
 *   no query looks inside a turn, and the array is short (server.threads.maxTurns, 20 by default;
 *   follow-ups read the last turn only). A get is one primary-key lookup, an append one row
 *   update, and bounding the table deletes whole rows, with no second table to cascade into.
 * - `touched` orders threads by their last change (create or append) for "delete the least
 *   recently updated": a counter the database hands out, one more than the largest, because
 *   ISO timestamps from two processes' clocks, or two changes in one millisecond, cannot say
 *   which came last.
 * - A rowid table, not WITHOUT ROWID: a row holds every turn's answer text, and SQLite advises
 *   WITHOUT ROWID for small rows only.
 */
const SCHEMA_V4 = `
CREATE TABLE IF NOT EXISTS threads (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  touched INTEGER NOT NULL,
  turns TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS threads_touched ON threads(touched);
`;

/**
 * Schema 5: the postings index, an optional first stage for large libraries (postings.ts), built
 * by `citemed index` from FTS5's own index and never written during ingest.
 * - `postings_0`, `postings_1`: two generations of per-term postings (how many passages hold the
 *   term, their rowid deltas and per-field counts, and apart, the term's positions for phrases;
 *   varint-encoded). Searches read the one
 *   `postings_meta.generation` names while a build fills the other; the build ends by switching
 *   the number, so searches never see half an index. Rowid tables: common terms' blobs are large.
 * - `postings_meta`: one row, written when a build ends: the generation, the largest passage rowid
 *   covered (the watermark; passages above it are newer and ranked by FTS5) and each covered
 *   passage's token count, as FTS5's BM25 needs it.
 * - `postings_gone`: covered passages deleted since the build, filled by a trigger, so searches
 *   skip them. Nothing is recorded while no index is built (the trigger's WHEN is then NULL).
 * - `postings_build`: the build under way, if any (a token: a newer build takes over from an older
 *   one, which then stops), and `postings_build_gone`, the passages deleted since it began, which
 *   become `postings_gone` when it ends.
 */
const SCHEMA_V5 = `
CREATE TABLE IF NOT EXISTS postings_0 (term TEXT PRIMARY KEY, df INTEGER NOT NULL, data BLOB NOT NULL, positions BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS postings_1 (term TEXT PRIMARY KEY, df INTEGER NOT NULL, data BLOB NOT NULL, positions BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS postings_meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL CHECK (generation IN (0, 1)),
  watermark INTEGER NOT NULL,
  passages INTEGER NOT NULL,
  built_at TEXT NOT NULL,
  lengths BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS postings_gone (rowid INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS postings_build (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  token TEXT NOT NULL,
  started_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS postings_build_gone (rowid INTEGER PRIMARY KEY);
CREATE TRIGGER IF NOT EXISTS postings_gone_on_delete AFTER DELETE ON passages
WHEN old.rowid <= (SELECT watermark FROM postings_meta WHERE id = 1)
BEGIN
  INSERT OR IGNORE INTO postings_gone (rowid) VALUES (old.rowid);
END;
CREATE TRIGGER IF NOT EXISTS postings_build_gone_on_delete AFTER DELETE ON passages
WHEN EXISTS (SELECT 1 FROM postings_build)
BEGIN
  INSERT OR IGNORE INTO postings_build_gone (rowid) VALUES (old.rowid);
END;
`;

/**
 * Schema 6: word associations learned from the library (retrieval/associations.ts), saved by the
 * first process that learns them, read by the next: one row per word, its associates as JSON
 * ([[word, share], …], strongest first), and one row saying what they were learned from.
 */
const SCHEMA_V6 = `
CREATE TABLE IF NOT EXISTS word_associations (term TEXT PRIMARY KEY, associates TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS word_associations_meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  passages INTEGER NOT NULL,
  sample INTEGER NOT NULL,
  mean_distinct_terms REAL NOT NULL,
  learned_at TEXT NOT NULL
);
`;

/**
 * Schema 7: what a search reads of every candidate's source, kept in columns of their own. Reading
 * the index terms (MeSH descriptors and keywords, '; '-joined) and the status note out of `data`'s
 * JSON took 1.1–1.4 of the 2.6–2.9 ms that fetching 100 candidates' rows cost at a million
 * passages. An upgrade fills them from `data`, once (the same SQL the search used, TERMS_FIELD_SQL).
 */
function upgradeToV7(db: Database.Database): void {
  // Added only where missing, as the other upgrades create only what is missing.
  const columns = new Set((db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('sources') as string[]));
  if (!columns.has('terms')) db.exec('ALTER TABLE sources ADD COLUMN terms TEXT');
  if (!columns.has('status_note')) db.exec('ALTER TABLE sources ADD COLUMN status_note TEXT');
  db.exec(`UPDATE sources AS s SET terms = ${TERMS_FIELD_SQL}, status_note = json_extract(s.data, '$.statusNote')`);
}

/**
 * Schema 8: the columns a search reads of every candidate's source, in an index of their own. The
 * terms and status note came last in the row (schema 7 added them), after the source's whole text:
 * for a PMC full text of 60 KB, reading them walked the text's overflow pages, and 100 candidates
 * cost 2.6–2.8 ms against 1.1–1.2 ms from this index (`npx tsx bench/query/fetch-rows-fulltext.ts`).
 * The index holds no text, so it stays small (33 MB for the 285,657 sources of the 1M-passage bench
 * library) and in the cache; search.ts reads through it (`INDEXED BY`).
 */
export const SOURCE_SUMMARY_INDEX = 'sources_summary';
const SCHEMA_V8 = `
CREATE INDEX IF NOT EXISTS ${SOURCE_SUMMARY_INDEX} ON sources
  (rid, id, title, journal, year, format, evidence_level, integrity, review_status, status_note, pmid, doi, terms);
`;

/** What each schema version adds to the one before; a library is brought up to date in one step. */
const UPGRADES: readonly { version: number; sql: string | ((db: Database.Database) => void) }[] = [
  { version: 2, sql: SCHEMA_V2 },
  { version: 3, sql: SCHEMA_V3 },
  { version: 4, sql: SCHEMA_V4 },
  { version: 5, sql: SCHEMA_V5 },
  { version: 6, sql: SCHEMA_V6 },
  { version: 7, sql: upgradeToV7 },
  { version: 8, sql: SCHEMA_V8 },
];

function apply(db: Database.Database, upgrade: string | ((db: Database.Database) => void)): void {
  if (typeof upgrade === 'string') db.exec(upgrade);
  else upgrade(db);
}

/**
 * The settings every connection to a library takes (the library's own, and the postings worker's),
 * once the file is in WAL mode, which is a property of the file. NORMAL in WAL mode: a power cut
 * may lose the last transactions, never corrupt the file; a killed process loses nothing that was
 * committed.
 */
export function setConnectionPragmas(db: Database.Database): void {
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY');
}

/**
 * Checks that the file is a citemed library (or empty) and creates or upgrades the schema.
 * Refuses foreign databases and libraries written by a newer citemed, so it never writes into
 * something it does not understand.
 */
export function prepareSchema(db: Database.Database, file: string, create: boolean): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  const tableCount = (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n;

  if (applicationId !== APPLICATION_ID) {
    if (tableCount > 0 || applicationId !== 0) {
      throw new CitemedError('database-foreign', `${file} is a SQLite database, but not a citemed library`, {
        hint: 'point --db at a new file or an existing citemed library; citemed did not change this one',
      });
    }
    if (!create) {
      throw new CitemedError('not-found', `${file} is an empty database, not yet a citemed library`, {
        hint: 'run `citemed ingest <files>` with this --db first',
      });
    }
    // Only takes effect before the first table is written, which is now.
    db.pragma(`page_size = ${PAGE_SIZE_BYTES}`);
    db.transaction(() => {
      db.exec(SCHEMA_V1);
      for (const upgrade of UPGRADES) apply(db, upgrade.sql);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
    return;
  }
  if (version > SCHEMA_VERSION) {
    throw new CitemedError('database-too-new', `${file} was written by a newer citemed (schema ${version}; this one knows ${SCHEMA_VERSION})`, {
      hint: 'upgrade citemed, or use another --db',
    });
  }
  if (version < SCHEMA_VERSION) {
    db.transaction(() => {
      for (const upgrade of UPGRADES) if (version < upgrade.version) apply(db, upgrade.sql);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
  }
}
