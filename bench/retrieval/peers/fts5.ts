import Database from 'better-sqlite3';
import { inBatches, installedVersion, queryWords, type PeerDoc, type SearchPeer } from './peer.js';

/**
 * SQLite FTS5 through better-sqlite3, as the SQLite manual presents it:
 *
 *   CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, text)
 *   … WHERE t MATCH ? ORDER BY bm25(t) LIMIT k
 *
 * Defaults throughout: the unicode61 tokenizer (case folding, diacritics removed, no stemming,
 * no stop words), bm25() with every column weighted 1.0 (k1 = 1.2, b = 0.75 are fixed in FTS5),
 * SQLite's default page size, journal and cache. `id` is UNINDEXED so it is stored but never
 * matched. Documents are inserted in transactions of BATCH rows; no `optimize` afterwards.
 *
 * FTS5 has a query language (AND, OR, NOT, NEAR, "phrases", prefix*, column:, ^, parentheses).
 * User text never reaches it: the query is cut into words of letters and digits, each word is
 * quoted, and the words are ORed, which is the plain "any of these words" query the other peers
 * run. Quoting a word makes FTS5 tokenize it like indexed text.
 */
const BATCH = 5_000;

export interface Fts5PeerOptions {
  /** Database file, or ":memory:" (the default) for an index that lives in this process. */
  path?: string;
  /** Open an index built earlier at `path`, read-only, instead of creating one. */
  reopen?: boolean;
}

export function createFts5Peer(options: Fts5PeerOptions = {}): SearchPeer {
  const file = options.path ?? ':memory:';
  const db = new Database(file, options.reopen ? { readonly: true, fileMustExist: true } : {});
  if (!options.reopen) db.exec('CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, text)');
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  const insert = db.prepare('INSERT INTO t (id, title, text) VALUES (?, ?, ?)');
  const query = db.prepare('SELECT id FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT ?').pluck();
  const insertAll = db.transaction((docs: PeerDoc[]) => {
    for (const doc of docs) insert.run(doc.id, doc.title, doc.text);
  });

  return {
    name: 'fts5-default',
    version: `better-sqlite3 ${installedVersion('better-sqlite3')}, SQLite ${sqlite}`,
    config: 'fts5(id UNINDEXED, title, text), unicode61 (no stemming), ORDER BY bm25(t) (all weights 1), words quoted and ORed',
    async build(docs) {
      for (const batch of inBatches(docs, BATCH)) insertAll(batch);
    },
    async search(text, k) {
      const words = queryWords(text);
      if (words.length === 0 || k < 1) return [];
      // Words are letters and digits only, so quoting them needs no escaping.
      const match = words.map((w) => `"${w}"`).join(' OR ');
      return query.all(match, k) as string[];
    },
    async sizeBytes() {
      return (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
