import { CitemedError } from '../../domain/errors.js';
import type { PassageHit, PassageToEmbed, VectorQuery, VectorStats } from '../../ports/store.js';
import { loadMatrix, nearestRounds, unit, vectorBytes, type Matrix } from '../vector-scan.js';
import type { PostgresDatabase } from './connection.js';
import { fetchHits, filterClauses } from './search.js';
import { readState, recordVectorChange } from './state.js';

/**
 * Vectors for hybrid search in `passage_vectors`, and exact nearest-neighbour search over them,
 * as the SQLite store does it (pgvector is not available): a model's vectors are read into one
 * Float32Array on its first search and kept until the library or its vectors change (by any
 * process: library_state's versions), then each query is one pass of dot products in JavaScript.
 * The unit-length scaling and top-k selection are the SQLite adapter's, so both stores rank alike.
 */
export function createVectors(db: PostgresDatabase) {
  const matrices = new Map<string, Matrix>();
  const statsCache = new Map<string, VectorStats>();
  let seen: string | undefined;

  /** Forgets loaded vectors and counts when the library or its vectors changed since last time. */
  async function checkVersion(): Promise<void> {
    const { rows } = await db.pool.query<{ v: string }>(`SELECT data_version || '/' || vector_version AS v FROM library_state`);
    const now = rows[0]?.v;
    if (now !== seen) forget();
    seen = now;
  }
  function forget(): void {
    matrices.clear();
    statsCache.clear();
    seen = undefined;
  }

  async function passagesToEmbed(model: string, limit: number, cursor?: string): Promise<{ passages: PassageToEmbed[]; cursor: string }> {
    const after = cursor === undefined ? '0' : cursor;
    if (!/^\d+$/.test(after)) throw new Error(`not a cursor of this store: ${cursor}`);
    const { rows } = await db.pool.query<PassageToEmbed & { rid: string }>(
      `SELECT p.rid, p.id, p.section, p.text, s.title FROM passages p JOIN sources s ON s.rid = p.source_rid
       WHERE p.rid > $1::bigint AND NOT EXISTS (SELECT 1 FROM passage_vectors v WHERE v.model = $2 AND v.passage_id = p.id)
       ORDER BY p.rid LIMIT $3`,
      [after, model, limit],
    );
    const last = rows.at(-1)?.rid ?? after;
    return { passages: rows.map(({ id, text, title, section }) => ({ id, text, title, section })), cursor: last };
  }

  async function putVectors(model: string, vectors: readonly { passageId: string; vector: Float32Array }[]): Promise<number> {
    forget();
    return db.transaction(async (client) => {
      const { rows } = await client.query<{ bytes: number }>('SELECT octet_length(vector) AS bytes FROM passage_vectors WHERE model = $1 LIMIT 1', [model]);
      let dimensions = rows[0] === undefined ? undefined : rows[0].bytes / 4;
      // Checked before anything is written, so a refused batch stores none of its vectors.
      for (const { vector } of vectors) {
        dimensions ??= vector.length;
        if (vector.length !== dimensions || vector.length === 0) {
          throw new CitemedError('service-failed', `a vector of ${vector.length} numbers for model "${model}", whose stored vectors have ${dimensions}`, {
            hint: 'the embedding server changed models or dimensions: run `citemed embed --rebuild` to embed the library again',
          });
        }
      }
      // The last vector given for a passage wins; one statement may not update a row twice.
      const latest = new Map(vectors.map(({ passageId, vector }) => [passageId, vectorBytes(unit(vector))]));
      if (latest.size === 0) return 0;
      const stored = await client.query<{ passage_id: string }>(
        `INSERT INTO passage_vectors (model, passage_id, vector)
         SELECT $1, u.id, u.vector FROM unnest($2::text[], $3::bytea[]) AS u(id, vector)
         WHERE EXISTS (SELECT 1 FROM passages p WHERE p.id = u.id)
         ON CONFLICT (model, passage_id) DO UPDATE SET vector = excluded.vector
         RETURNING passage_id`,
        [model, [...latest.keys()], [...latest.values()]],
      );
      await recordVectorChange(client);
      // As SQLite counts: every given vector of a passage the library holds.
      const known = new Set(stored.rows.map((r) => r.passage_id));
      return vectors.filter((v) => known.has(v.passageId)).length;
    });
  }

  async function removeWhere(sql: string, params: unknown[]): Promise<number> {
    forget();
    return db.transaction(async (client) => {
      const { rowCount } = await client.query(sql, params);
      if ((rowCount ?? 0) > 0) await recordVectorChange(client);
      return rowCount ?? 0;
    });
  }

  const pruneVectors = (): Promise<number> =>
    removeWhere('DELETE FROM passage_vectors v WHERE NOT EXISTS (SELECT 1 FROM passages p WHERE p.id = v.passage_id)', []);
  const dropVectors = (model: string): Promise<number> => removeWhere('DELETE FROM passage_vectors WHERE model = $1', [model]);

  async function vectorStats(model: string): Promise<VectorStats> {
    await checkVersion();
    const cached = statsCache.get(model);
    if (cached) return cached;
    const [state, embedded, one] = await Promise.all([
      readState(db.pool),
      db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM passage_vectors v JOIN passages p ON p.id = v.passage_id WHERE v.model = $1', [model]),
      db.pool.query<{ bytes: number }>('SELECT octet_length(vector) AS bytes FROM passage_vectors WHERE model = $1 LIMIT 1', [model]),
    ]);
    const stats: VectorStats = { passages: state.stats.passages, embedded: embedded.rows[0]?.n ?? 0 };
    const bytes = one.rows[0]?.bytes;
    if (bytes !== undefined) stats.dimensions = bytes / 4;
    statsCache.set(model, stats);
    return stats;
  }

  async function models(): Promise<{ model: string; count: number; dimensions: number }[]> {
    const { rows } = await db.pool.query<{ model: string; count: number; dimensions: number }>(
      `SELECT model, count(*)::int AS count, (max(octet_length(vector)) / 4)::int AS dimensions FROM passage_vectors v
       WHERE EXISTS (SELECT 1 FROM passages p WHERE p.id = v.passage_id) GROUP BY model ORDER BY model`,
    );
    return rows;
  }

  async function matrix(model: string): Promise<Matrix> {
    await checkVersion();
    let loaded = matrices.get(model);
    if (!loaded) {
      const { rows } = await db.pool.query<{ id: string; vector: Buffer }>('SELECT passage_id AS id, vector FROM passage_vectors WHERE model = $1', [model]);
      matrices.set(model, (loaded = loadMatrix(rows)));
    }
    return loaded;
  }

  /**
   * The nearest passages. Filters are applied to the best-scoring vectors in growing rounds, so a
   * narrow filter still fills the list when enough passages pass it.
   */
  async function nearest(query: VectorQuery): Promise<PassageHit[]> {
    let hits: PassageHit[] = [];
    for (const round of nearestRounds(await matrix(query.model), query)) {
      const params: unknown[] = [round.ids, round.scores, query.limit];
      const where = filterClauses(query.filters ?? {}, params);
      const ranked = `
        SELECT p.rid, c.score FROM unnest($1::text[], $2::float8[]) AS c(id, score)
        JOIN passages p ON p.id = c.id JOIN sources s ON s.rid = p.source_rid
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY c.score DESC LIMIT $3`;
      hits = await fetchHits(db.pool, ranked, params);
      if (hits.length >= query.limit) break;
    }
    return hits;
  }

  return { passagesToEmbed, putVectors, pruneVectors, dropVectors, vectorStats, nearest, models, invalidate: forget };
}
