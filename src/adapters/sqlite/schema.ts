import type Database from 'better-sqlite3';
import { CitemedError } from '../../domain/errors.js';

/** "CTMD": marks a SQLite file as a citemed library (PRAGMA application_id). */
export const APPLICATION_ID = 0x43544d44;
export const SCHEMA_VERSION = 2;
/**
 * Page size of new libraries, in bytes. FTS5 stores its index as large segment blobs; 16 KiB
 * pages made ingest writes ~25% faster than SQLite's 4 KiB default (bench/ingest, 2026-11-23).
 */
export const PAGE_SIZE_BYTES = 16_384;

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
  tokenize='porter unicode61 remove_diacritics 2'
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
      db.exec(SCHEMA_V2);
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
  if (version < 2) {
    db.transaction(() => {
      db.exec(SCHEMA_V2);
      db.pragma('user_version = 2');
    }).immediate();
  }
}
