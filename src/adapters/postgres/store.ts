import type { Passage } from '../../domain/passage.js';
import { normalizeSourceRef, type Source, type SourceId } from '../../domain/source.js';
import type { FileProgress, LibraryStats, SampledPassage, SavedAssociations, Store } from '../../ports/store.js';
import { createAssociationRows } from './associations.js';
import { describe, openPostgres, type PostgresDatabase, type PostgresOptions } from './connection.js';
import { guard } from './errors.js';
import { rowToPassage, rowToSource, rowToVersion, type PassageRow, type VersionRow } from './rows.js';
import { createSearch } from './search.js';
import { createVectors } from './vectors.js';
import { createWriter } from './writer.js';

/**
 * The library in PostgreSQL: the same Store as the embedded SQLite library, for a database
 * server that several citemed processes share. Opens the pool and brings the schema up to date
 * (connection.ts); closing the store ends the pool.
 */
export async function openPostgresStore(options: PostgresOptions): Promise<Store> {
  const db = await guard(describe(options.url, options.schema), () => openPostgres(options));
  return createPostgresStore(db);
}

/**
 * The Store on an opened database, so that another adapter (the editorial records) can share its
 * pool. Closing the store ends that pool, once, for both.
 */
export function createPostgresStore(db: PostgresDatabase): Store & { associations: SavedAssociations } {
  const where = db.description;
  const writer = createWriter(db);
  const search = createSearch(db);
  const vectors = createVectors(db);
  const associations = createAssociationRows(db);
  const run = <T>(work: () => Promise<T>): Promise<T> => guard(where, work);
  let closed: Promise<void> | undefined;

  return {
    description: where,
    write(batch) {
      // Dropped before and after: a search running meanwhile may cache what the write replaces.
      search.invalidate();
      vectors.invalidate();
      return run(() => writer.write(batch)).finally(() => {
        search.invalidate();
        vectors.invalidate();
      });
    },
    getProgress: (key) =>
      run(async () => {
        const { rows } = await db.pool.query<{ data: string }>('SELECT data FROM ingest_files WHERE key = $1', [key]);
        return rows[0] ? (JSON.parse(rows[0].data) as FileProgress) : undefined;
      }),
    getSource: (id: SourceId) =>
      run(async (): Promise<Source | undefined> => {
        const { rows } = await db.pool.query<{ data: string; text: string }>('SELECT data, text FROM sources WHERE id = $1', [id]);
        return rows[0] ? rowToSource(rows[0]) : undefined;
      }),
    findSourceIds: (ref) =>
      run(async () => {
        const trimmed = ref.trim();
        const { rows } = await db.pool.query<{ id: string }>(
          `SELECT id FROM sources WHERE id = $1 OR pmid = $1 OR pmcid = upper($1) OR lower(doi) = lower($1)
           OR id = $2 OR id = $3 OR id = $4 ORDER BY id LIMIT 50`,
          [trimmed, `pmid:${trimmed}`, `pmc:${trimmed.toUpperCase()}`, normalizeSourceRef(trimmed)],
        );
        return rows.map((r) => r.id);
      }),
    versionsOf: ({ pmids, dois }) =>
      run(async () => {
        if (pmids.length === 0 && dois.length === 0) return [];
        const { rows } = await db.pool.query<VersionRow>(
          'SELECT id, pmid, doi, integrity FROM sources WHERE pmid = ANY($1::text[]) OR lower(doi) = ANY($2::text[]) ORDER BY id',
          [pmids, dois.map((doi) => doi.toLowerCase())],
        );
        return rows.map(rowToVersion);
      }),
    listPassages: (sourceId) =>
      run(async (): Promise<Passage[]> => {
        const { rows } = await db.pool.query<PassageRow>(
          `SELECT p.id, s.id AS source_id, p.ordinal, p.section, p.start_offset, p.end_offset, p.text
           FROM passages p JOIN sources s ON s.rid = p.source_rid WHERE s.id = $1 ORDER BY p.ordinal`,
          [sourceId],
        );
        return rows.map(rowToPassage);
      }),
    search: (query) => run(() => search.search(query)),
    frequencies: (phrases) => run(() => search.frequencies(phrases)),
    corpusStats: () => run(() => search.corpusStats()),
    passagesToEmbed: (model, limit, cursor) => run(() => vectors.passagesToEmbed(model, limit, cursor)),
    putVectors: (model, list) => run(() => vectors.putVectors(model, list)),
    pruneVectors: () => run(() => vectors.pruneVectors()),
    dropVectors: (model) => run(() => vectors.dropVectors(model)),
    vectorStats: (model) => run(() => vectors.vectorStats(model)),
    nearest: (query) => run(() => vectors.nearest(query)),
    samplePassages: (limit) =>
      run(async () => {
        // Every k-th id, k from the number of passages (not the largest id, which runs ahead of
        // it once sources are replaced): about `limit` rows.
        const { rows: counts } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM passages');
        const step = Math.max(1, Math.ceil((counts[0]?.n ?? 0) / Math.max(limit, 1)));
        const { rows } = await db.pool.query<SampledPassage>(
          `SELECT s.title, p.section, p.text FROM passages p JOIN sources s ON s.rid = p.source_rid
           WHERE p.rid % $1::bigint = 0 ORDER BY p.rid LIMIT $2`,
          [step, limit],
        );
        return rows;
      }),
    stats: () => run(async () => ({ ...(await readStats(db)), vectors: await vectors.models() })),
    associations: {
      learned: () => run(() => associations.learned()),
      of: (terms) => run(() => associations.of(terms)),
      save: (learned, entries) => run(() => associations.save(learned, entries)),
    },
    close() {
      closed ??= db.close();
      return closed;
    },
  };
}

async function readStats(db: PostgresDatabase): Promise<Omit<LibraryStats, 'vectors'>> {
  const count = async (sql: string): Promise<number> => (await db.pool.query<{ n: number }>(sql)).rows[0]?.n ?? 0;
  const groups = async (column: 'format' | 'evidence_level' | 'integrity'): Promise<Record<string, number>> => {
    const { rows } = await db.pool.query<{ k: string; n: number }>(`SELECT ${column} AS k, count(*)::int AS n FROM sources GROUP BY ${column}`);
    return Object.fromEntries(rows.map((r) => [r.k, r.n]));
  };
  const [sources, passages, byFormat, byEvidenceLevel, byIntegrity, deletedIds, files, last, size] = await Promise.all([
    count('SELECT count(*)::int AS n FROM sources'),
    count('SELECT count(*)::int AS n FROM passages'),
    groups('format'),
    groups('evidence_level'),
    groups('integrity'),
    count('SELECT count(*)::int AS n FROM tombstones'),
    db.pool.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM ingest_files GROUP BY status'),
    db.pool.query<{ t: Date | null }>('SELECT max(updated_at) AS t FROM ingest_files'),
    // Tables with their indexes and TOAST, in this library's schema only.
    db.pool.query<{ bytes: string | null }>(
      `SELECT sum(pg_total_relation_size(c.oid)) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [db.schema],
    ),
  ]);
  const byStatus = Object.fromEntries(files.rows.map((r) => [r.status, r.n]));
  const stats: Omit<LibraryStats, 'vectors'> = {
    sources,
    passages,
    byFormat,
    byEvidenceLevel,
    byIntegrity,
    deletedIds,
    files: { done: byStatus.done ?? 0, running: byStatus.running ?? 0, failed: byStatus.failed ?? 0 },
  };
  const lastAt = last.rows[0]?.t;
  if (lastAt) stats.lastIngestAt = lastAt.toISOString();
  const bytes = size.rows[0]?.bytes;
  if (bytes !== null && bytes !== undefined) stats.sizeBytes = Number(bytes);
  return stats;
}
