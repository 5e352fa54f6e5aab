import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CitemedError } from '../../domain/errors.js';
import type { Passage } from '../../domain/passage.js';
import { normalizeSourceRef, type Source, type SourceId } from '../../domain/source.js';
import type {
  CorpusStats,
  FileProgress,
  LibraryStats,
  PassageHit,
  PassageQuery,
  PassageToEmbed,
  SampledPassage,
  Store,
  VectorQuery,
  VectorStats,
  WriteBatch,
  WriteResult,
} from '../../ports/store.js';
import type { EditorialStore } from '../../ports/editorial.js';
import type { ThreadStore } from '../../ports/threads.js';
import type { ThreadTableOptions } from '../threads/rows.js';
import { createAssociationRows } from './associations.js';
import { createSqliteEditorial } from './editorial.js';
import { guard, SYNC_BUSY_WAIT_MS, whileBusy, withSyncBusyWait } from './errors.js';
import { buildPostings, dropPostings, readPostingsState } from './postings-build.js';
import { buildPostingsInWorker, dropPostingsInWorker } from './postings-thread.js';
import { prepareSchema, setConnectionPragmas } from './schema.js';
import { createSearch } from './search.js';
import { createSqliteThreads } from './threads.js';
import { createVectors } from './vectors.js';
import { createWriter } from './writer.js';
import { rowToPassage, rowToSource, rowToVersion, type PassageRow, type SourceRow, type VersionRow } from './rows.js';

export interface SqliteStoreOptions {
  /** Database file; ":memory:" for a throwaway library. */
  path: string;
  busyTimeoutMs: number;
  cacheMiB: number;
  /** False for commands that only read: a missing library is then an error, not a new file. */
  create?: boolean;
  /** Rank from the postings index when `citemed index` has built one (settings: search.usePostings). */
  usePostings?: boolean;
  /** Bounds of the follow-up threads table (`openSqliteLibrary`); server.threads' defaults when absent. */
  threads?: ThreadTableOptions;
  /**
   * Open the file read-only. By default, when it exists and this process may not write it (a
   * library shared on a read-only mount or owned by another user): searches, answers and
   * statistics work, and a write fails saying the library cannot be written (exit 73).
   */
  readOnly?: boolean;
}

/** The defaults of settings.server.threads, for callers that open a library without settings (tests, tools). */
const DEFAULT_THREAD_BOUNDS = { maxThreads: 1_000, maxTurns: 20 } as const;

/** Sampled passages read between two turns of the event loop (samplePassages). */
const SAMPLE_PAGE_ROWS = 1_000;

/**
 * The embedded library: one SQLite file in WAL mode (readers never block the writer), FTS5 for
 * full text. better-sqlite3 is synchronous; the async port costs one microtask per call.
 */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  const { file, db } = openLibraryFile(options);
  return createSqliteStore(db, file, options);
}

/**
 * The library, the editorial records beside it (accounts, articles, audit log) and the HTTP API's
 * follow-up threads, on ONE connection to one file: an article and the audit entry about it
 * commit together, and a `:memory:` library holds all three. Closing the store closes the
 * connection they all use.
 */
export function openSqliteLibrary(options: SqliteStoreOptions): { store: Store; editorial: EditorialStore; threads: ThreadStore } {
  const { file, db } = openLibraryFile(options);
  try {
    return {
      store: createSqliteStore(db, file, options),
      editorial: createSqliteEditorial(db, file, options.busyTimeoutMs),
      threads: createSqliteThreads(db, file, options.threads ?? DEFAULT_THREAD_BOUNDS, options.busyTimeoutMs),
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

function openLibraryFile(options: SqliteStoreOptions): { file: string; db: Database.Database } {
  const file = options.path === ':memory:' ? ':memory:' : path.resolve(options.path);
  return { file, db: guard(file, () => openDatabase(file, options)) };
}

function createSqliteStore(db: Database.Database, file: string, options: SqliteStoreOptions): Store {
  const writer = createWriter(db);
  const search = createSearch(db, { usePostings: options.usePostings ?? true });
  const vectors = createVectors(db);
  const associationRows = createAssociationRows(db);
  /** Writes wait for another process's lock between tries (errors.ts), never on the thread. */
  const write = <T>(fn: () => T): Promise<T> => whileBusy(options.busyTimeoutMs, () => guard(file, fn));
  /** Postings work on this connection blocks the thread anyway (`citemed index`), so SQLite may wait in it. */
  const blocking = <T>(fn: () => T): T => guard(file, () => withSyncBusyWait(db, options.busyTimeoutMs, fn));
  const statements = {
    progress: db.prepare('SELECT data FROM ingest_files WHERE key = ?'),
    source: db.prepare('SELECT * FROM sources WHERE id = ?'),
    findIds: db.prepare(
      `SELECT id FROM sources WHERE id = @ref OR pmid = @ref OR pmcid = upper(@ref) OR doi = @ref
       OR id = @pmid OR id = @pmc OR id = @normalized ORDER BY id LIMIT 50`,
    ),
    passages: db.prepare(
      `SELECT p.*, s.id AS source_id FROM passages p JOIN sources s ON s.rid = p.source_rid
       WHERE s.id = ? ORDER BY p.ordinal`,
    ),
    // doi is COLLATE NOCASE, so the IN list compares case-insensitively, through sources_doi.
    versions: db.prepare(
      `SELECT id, pmid, doi, integrity FROM sources
       WHERE pmid IN (SELECT value FROM json_each(?)) OR doi IN (SELECT value FROM json_each(?)) ORDER BY id`,
    ),
  };

  return {
    description: `SQLite ${file}`,
    async write(batch: WriteBatch): Promise<WriteResult[]> {
      return write(() => {
        search.invalidate();
        vectors.invalidate();
        return writer.write(batch);
      });
    },
    async getProgress(key: string): Promise<FileProgress | undefined> {
      const row = guard(file, () => statements.progress.get(key)) as { data: string } | undefined;
      return row ? (JSON.parse(row.data) as FileProgress) : undefined;
    },
    async getSource(id: SourceId): Promise<Source | undefined> {
      const row = guard(file, () => statements.source.get(id)) as SourceRow | undefined;
      return row ? rowToSource(row) : undefined;
    },
    async findSourceIds(ref: string): Promise<SourceId[]> {
      const trimmed = ref.trim();
      const params = { ref: trimmed, pmid: `pmid:${trimmed}`, pmc: `pmc:${trimmed.toUpperCase()}`, normalized: normalizeSourceRef(trimmed) };
      const rows = guard(file, () => statements.findIds.all(params)) as { id: string }[];
      return rows.map((r) => r.id);
    },
    async versionsOf({ pmids, dois }) {
      if (pmids.length === 0 && dois.length === 0) return [];
      const rows = guard(file, () => statements.versions.all(JSON.stringify(pmids), JSON.stringify(dois))) as VersionRow[];
      return rows.map(rowToVersion);
    },
    async listPassages(sourceId: SourceId): Promise<Passage[]> {
      const rows = guard(file, () => statements.passages.all(sourceId)) as PassageRow[];
      return rows.map(rowToPassage);
    },
    async search(query: PassageQuery): Promise<PassageHit[]> {
      return guard(file, () => search.search(query));
    },
    async frequencies(phrases: readonly { tokens: string[]; stems: string[] }[]): Promise<number[]> {
      return guard(file, () => search.frequencies(phrases));
    },
    async corpusStats(): Promise<CorpusStats> {
      return guard(file, () => search.corpusStats());
    },
    async checkIntegrity(): Promise<string[]> {
      const rows = guard(file, () => db.pragma('quick_check(20)') as { quick_check: string }[]);
      return rows.map((r) => r.quick_check).filter((line) => line !== 'ok');
    },
    async warm(): Promise<void> {
      guard(file, () => search.warm());
    },
    async passagesToEmbed(model: string, limit: number, cursor?: string): Promise<{ passages: PassageToEmbed[]; cursor: string }> {
      return guard(file, () => vectors.passagesToEmbed(model, limit, cursor));
    },
    async putVectors(model: string, list: readonly { passageId: string; vector: Float32Array }[]): Promise<number> {
      return write(() => vectors.putVectors(model, list));
    },
    async pruneVectors(): Promise<number> {
      return write(() => vectors.pruneVectors());
    },
    async dropVectors(model: string): Promise<number> {
      return write(() => vectors.dropVectors(model));
    },
    async vectorStats(model: string): Promise<VectorStats> {
      return guard(file, () => vectors.vectorStats(model));
    },
    async nearest(query: VectorQuery): Promise<PassageHit[]> {
      return guard(file, () => vectors.nearest(query));
    },
    async samplePassages(limit: number): Promise<SampledPassage[]> {
      // Every k-th row id, k from the number of passages (not the largest row id, which runs
      // ahead of it once sources are replaced): about `limit` rows, read without sorting. Read a
      // page of rows at a time, giving the event loop a turn between pages: the whole read walks
      // the passages table, about half a second at a million passages, which a server would
      // otherwise spend answering nobody (bench/query/learning-stall.ts).
      const { step, page } = guard(file, () => {
        const count = (db.prepare('SELECT count(*) AS n FROM passages').get() as { n: number }).n;
        const query = db.prepare(
          `SELECT p.rowid AS rowid, s.title, p.section, p.text FROM passages p JOIN sources s ON s.rid = p.source_rid
           WHERE p.rowid > @after AND p.rowid % @step = 0 ORDER BY p.rowid LIMIT @limit`,
        );
        return { step: Math.max(1, Math.ceil(count / Math.max(limit, 1))), page: query };
      });
      const out: SampledPassage[] = [];
      let after = 0;
      for (;;) {
        const want = Math.min(SAMPLE_PAGE_ROWS, limit - out.length);
        if (want <= 0) return out;
        const rows = guard(file, () => page.all({ after, step, limit: want }) as (SampledPassage & { rowid: number })[]);
        for (const { title, section, text } of rows) out.push({ title, section, text });
        const last = rows.at(-1);
        if (last === undefined || rows.length < want) return out;
        after = last.rowid;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
    async stats(): Promise<LibraryStats> {
      return guard(file, () => {
        const postings = readPostingsState(db);
        return { ...readStats(db, file), vectors: vectors.models(), ...(postings ? { postings } : {}) };
      });
    },
    associations: {
      async learned() {
        return guard(file, () => associationRows.learned());
      },
      async of(terms) {
        return guard(file, () => associationRows.of(terms));
      },
      async save(learned, entries) {
        // Tried once, never waited for: a search that learned them must not stall behind an
        // ingest's lock. Busy or read-only, it fails, and the next process that learns saves.
        return guard(file, () => associationRows.save(learned, entries));
      },
    },
    postings: {
      async build(onProgress, run = {}) {
        try {
          if (run.worker) {
            return await buildPostingsInWorker(file, {
              busyTimeoutMs: options.busyTimeoutMs,
              ...(onProgress ? { onProgress } : {}),
              ...(run.signal ? { signal: run.signal } : {}),
            });
          }
          return blocking(() => buildPostings(db, file, onProgress, () => run.signal?.aborted === true));
        } finally {
          search.invalidate();
        }
      },
      async drop(run = {}) {
        try {
          if (run.worker) await dropPostingsInWorker(file, { busyTimeoutMs: options.busyTimeoutMs });
          else blocking(() => dropPostings(db));
        } finally {
          search.invalidate();
        }
      },
      async state() {
        return guard(file, () => readPostingsState(db));
      },
    },
    async close(): Promise<void> {
      if (db.open) db.close();
    },
  };
}

function openDatabase(file: string, options: SqliteStoreOptions): Database.Database {
  const create = options.create ?? true;
  if (file !== ':memory:') {
    if (!create && !existsSync(file)) {
      throw new CitemedError('not-found', `no library at ${file}`, {
        hint: 'run `citemed ingest <files>` (or `npm run quickstart`) first, or point --db at an existing library',
      });
    }
    mkdirSync(path.dirname(file), { recursive: true });
  }
  const readOnly = options.readOnly ?? (file !== ':memory:' && existsSync(file) && !mayWrite(file));
  const db = new Database(file, { timeout: options.busyTimeoutMs, readonly: readOnly });
  try {
    // Reading the header here makes a damaged or foreign file fail now, not halfway through a write.
    db.pragma('schema_version');
    prepareSchema(db, file, create);
    // A library is in WAL mode from its first opening; setting it again would be a write.
    if (!readOnly) db.pragma('journal_mode = WAL');
    setConnectionPragmas(db);
    db.pragma(`cache_size = ${-options.cacheMiB * 1024}`);
    // Opening may wait the whole busy timeout (above: nothing else runs yet); from now on SQLite
    // waits briefly and writes wait the rest between tries (errors.ts, whileBusy).
    db.pragma(`busy_timeout = ${Math.min(SYNC_BUSY_WAIT_MS, options.busyTimeoutMs)}`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function mayWrite(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function readStats(db: Database.Database, file: string): Omit<LibraryStats, 'vectors'> {
  const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  const groups = (column: string): Record<string, number> => {
    const rows = db.prepare(`SELECT ${column} AS k, count(*) AS n FROM sources GROUP BY ${column}`).all() as {
      k: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.k, r.n]));
  };
  const last = db.prepare('SELECT max(updated_at) AS t FROM ingest_files').get() as { t: string | null };
  const stats: Omit<LibraryStats, 'vectors'> = {
    sources: count('SELECT count(*) AS n FROM sources'),
    passages: count('SELECT count(*) AS n FROM passages'),
    byFormat: groups('format'),
    byEvidenceLevel: groups('evidence_level'),
    byIntegrity: groups('integrity'),
    deletedIds: count('SELECT count(*) AS n FROM tombstones'),
    files: fileGroups(db),
  };
  if (last.t) stats.lastIngestAt = last.t;
  if (file !== ':memory:') {
    const pages = db.pragma('page_count', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    stats.sizeBytes = pages * pageSize;
  }
  return stats;
}

function fileGroups(db: Database.Database): LibraryStats['files'] {
  const rows = db.prepare('SELECT status, count(*) AS n FROM ingest_files GROUP BY status').all() as {
    status: string;
    n: number;
  }[];
  const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  return { done: by.done ?? 0, running: by.running ?? 0, failed: by.failed ?? 0 };
}
