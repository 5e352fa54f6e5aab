import type Database from 'better-sqlite3';
import { CitemedError } from '../../domain/errors.js';
import type { PassageHit, PassageToEmbed, VectorQuery, VectorStats } from '../../ports/store.js';
import { dataVersionCheck } from './data-version.js';
import { fetchHits, filterClauses } from './search.js';
import { loadMatrix, nearestRounds, unit, vectorBytes, type Matrix } from '../vector-scan.js';

/**
 * Vectors for hybrid search, in the `passage_vectors` table, and exact nearest-neighbour search
 * over them. A model's vectors are read into one Float32Array on its first search and kept until
 * the library changes; a query is then one pass of dot products (the vectors are unit length, so
 * the dot product is the cosine). That is exact and needs no index, and it suits libraries of up
 * to a few hundred thousand passages (100k × 768 dimensions is 300 MB and ~40 ms a query); larger
 * libraries need an approximate index on a server store (docs/retrieval.md, hybrid search).
 */
export function createVectors(db: Database.Database) {
  const q = {
    toEmbed: db.prepare(
      `SELECT p.rowid AS rowid, p.id, p.section, p.text, s.title FROM passages p JOIN sources s ON s.rid = p.source_rid
       WHERE p.rowid > @after AND NOT EXISTS (SELECT 1 FROM passage_vectors v WHERE v.model = @model AND v.passage_id = p.id)
       ORDER BY p.rowid LIMIT @limit`,
    ),
    passageExists: db.prepare('SELECT 1 FROM passages WHERE id = ?'),
    oneVector: db.prepare('SELECT length(vector) AS bytes FROM passage_vectors WHERE model = ? LIMIT 1'),
    put: db.prepare(
      `INSERT INTO passage_vectors (model, passage_id, vector) VALUES (?, ?, ?)
       ON CONFLICT(model, passage_id) DO UPDATE SET vector = excluded.vector`,
    ),
    drop: db.prepare('DELETE FROM passage_vectors WHERE model = ?'),
    prune: db.prepare('DELETE FROM passage_vectors WHERE passage_id NOT IN (SELECT id FROM passages)'),
    embedded: db.prepare(
      'SELECT count(*) AS n FROM passage_vectors v JOIN passages p ON p.id = v.passage_id WHERE v.model = ?',
    ),
    passages: db.prepare('SELECT count(*) AS n FROM passages'),
    all: db.prepare('SELECT passage_id AS id, vector FROM passage_vectors WHERE model = ?'),
    models: db.prepare(
      `SELECT model, count(*) AS n, max(length(vector)) / 4 AS dimensions FROM passage_vectors v
       WHERE EXISTS (SELECT 1 FROM passages p WHERE p.id = v.passage_id) GROUP BY model ORDER BY model`,
    ),
  };

  const matrices = new Map<string, Matrix>();
  // Hybrid search reads these on every query; counting them is a join over the whole table.
  const statsCache = new Map<string, VectorStats>();
  /** Drops loaded vectors and counts when another connection committed (this one's writes call forget). */
  const checkVersion = dataVersionCheck(db, () => forget());
  function forget(): void {
    matrices.clear();
    statsCache.clear();
  }

  function passagesToEmbed(model: string, limit: number, cursor?: string): { passages: PassageToEmbed[]; cursor: string } {
    const after = cursor === undefined ? 0 : Number(cursor);
    if (!Number.isInteger(after)) throw new Error(`not a cursor of this store: ${cursor}`);
    const rows = q.toEmbed.all({ model, after, limit }) as (PassageToEmbed & { rowid: number })[];
    const last = rows.at(-1)?.rowid ?? after;
    return { passages: rows.map(({ id, text, title, section }) => ({ id, text, title, section })), cursor: String(last) };
  }

  const putAll = db.transaction((model: string, vectors: readonly { passageId: string; vector: Float32Array }[]): number => {
    let dimensions = (q.oneVector.get(model) as { bytes: number } | undefined)?.bytes;
    dimensions = dimensions === undefined ? undefined : dimensions / 4;
    let stored = 0;
    for (const { passageId, vector } of vectors) {
      dimensions ??= vector.length;
      if (vector.length !== dimensions || vector.length === 0) {
        throw new CitemedError('service-failed', `a vector of ${vector.length} numbers for model "${model}", whose stored vectors have ${dimensions}`, {
          hint: 'the embedding server changed models or dimensions: run `citemed embed --rebuild` to embed the library again',
        });
      }
      if (!q.passageExists.get(passageId)) continue;
      q.put.run(model, passageId, vectorBytes(unit(vector)));
      stored++;
    }
    return stored;
  });

  function putVectors(model: string, vectors: readonly { passageId: string; vector: Float32Array }[]): number {
    forget();
    return putAll.immediate(model, vectors);
  }

  function pruneVectors(): number {
    forget();
    return q.prune.run().changes;
  }

  function dropVectors(model: string): number {
    forget();
    return q.drop.run(model).changes;
  }

  function vectorStats(model: string): VectorStats {
    checkVersion();
    const cached = statsCache.get(model);
    if (cached) return cached;
    const stats: VectorStats = {
      passages: (q.passages.get() as { n: number }).n,
      embedded: (q.embedded.get(model) as { n: number }).n,
    };
    const bytes = (q.oneVector.get(model) as { bytes: number } | undefined)?.bytes;
    if (bytes !== undefined) stats.dimensions = bytes / 4;
    statsCache.set(model, stats);
    return stats;
  }

  function models(): { model: string; count: number; dimensions: number }[] {
    return (q.models.all() as { model: string; n: number; dimensions: number }[]).map((r) => ({ model: r.model, count: r.n, dimensions: r.dimensions }));
  }

  function matrix(model: string): Matrix {
    checkVersion();
    let loaded = matrices.get(model);
    if (!loaded) matrices.set(model, (loaded = loadMatrix(q.all.iterate(model) as Iterable<{ id: string; vector: Buffer }>)));
    return loaded;
  }

  /**
   * The nearest passages. Filters are applied to the best-scoring vectors in growing rounds, so a
   * narrow filter still fills the list when enough passages pass it.
   */
  function nearest(query: VectorQuery): PassageHit[] {
    let hits: PassageHit[] = [];
    for (const round of nearestRounds(matrix(query.model), query)) {
      const chosen = round.ids.map((id, i) => [id, round.scores[i]]);
      const params: Record<string, unknown> = { chosen: JSON.stringify(chosen), limit: query.limit };
      const where = filterClauses(query.filters ?? {}, params);
      const ranked = `
        SELECT p.rowid AS rowid, json_extract(c.value, '$[1]') AS score
        FROM json_each(@chosen) c
        JOIN passages p ON p.id = json_extract(c.value, '$[0]') JOIN sources s ON s.rid = p.source_rid
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY score DESC LIMIT @limit`;
      hits = fetchHits(db, ranked, params);
      if (hits.length >= query.limit) break;
    }
    return hits;
  }

  return { passagesToEmbed, putVectors, pruneVectors, dropVectors, vectorStats, nearest, models, invalidate: forget };
}
