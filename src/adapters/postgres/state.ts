import type pg from 'pg';
import type { CorpusStats } from '../../ports/store.js';

/**
 * The one-row `library_state` table: change counters that tell each process when its caches are
 * stale, and running totals for corpus statistics. What PRAGMA data_version and FTS5's totals
 * record are for SQLite (data-version.ts, search.ts).
 */
export interface LibraryState {
  /** Grows with every commit that changed sources or passages. */
  dataVersion: string;
  /** Grows with every commit that changed vectors. */
  vectorVersion: string;
  stats: CorpusStats;
}

interface StateRow {
  data_version: string;
  vector_version: string;
  sources: string;
  passages: string;
  title_tokens: string;
  section_tokens: string;
  body_tokens: string;
  terms_tokens: string;
}

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export async function readState(db: Queryable): Promise<LibraryState> {
  const { rows } = await db.query<StateRow>('SELECT * FROM library_state');
  const row = rows[0];
  if (!row) throw new Error('library_state has no row: the schema was changed by hand');
  const passages = Number(row.passages);
  const mean = (total: string): number => (passages > 0 ? Number(total) / passages : 0);
  return {
    dataVersion: row.data_version,
    vectorVersion: row.vector_version,
    stats: {
      passages,
      sources: Number(row.sources),
      meanTokens: {
        title: mean(row.title_tokens),
        section: mean(row.section_tokens),
        body: mean(row.body_tokens),
        terms: mean(row.terms_tokens),
      },
    },
  };
}

/** How one write changed the library's totals. */
export interface StateDelta {
  sources: number;
  passages: number;
  tokens: { title: number; section: number; body: number; terms: number };
}

/**
 * Adds a write's changes to the totals and moves `data_version` on. Called as the last statement
 * of the write's transaction: the row stays locked until COMMIT, so concurrent writers queue on
 * it only for their commits.
 */
export async function recordDataChange(client: pg.PoolClient, delta: StateDelta): Promise<void> {
  await client.query(
    `UPDATE library_state SET data_version = data_version + 1, sources = sources + $1, passages = passages + $2,
       title_tokens = title_tokens + $3, section_tokens = section_tokens + $4, body_tokens = body_tokens + $5,
       terms_tokens = terms_tokens + $6`,
    [delta.sources, delta.passages, delta.tokens.title, delta.tokens.section, delta.tokens.body, delta.tokens.terms],
  );
}

export async function recordVectorChange(client: pg.PoolClient): Promise<void> {
  await client.query('UPDATE library_state SET vector_version = vector_version + 1');
}

/**
 * A cache that holds while the library is unchanged. `check(version)` forgets everything when
 * the version differs from the one its entries were computed under; this process's own writes
 * call `clear()` as well, so they are seen even before the next check.
 */
export function versionedCache<V>(limit: number) {
  const entries = new Map<string, V>();
  let version: string | undefined;
  return {
    check(current: string): void {
      if (current !== version) entries.clear();
      version = current;
    },
    get: (key: string): V | undefined => entries.get(key),
    set(key: string, value: V): void {
      if (entries.size >= limit) entries.clear();
      entries.set(key, value);
    },
    clear(): void {
      entries.clear();
      version = undefined;
    },
  };
}
