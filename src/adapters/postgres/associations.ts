import { CitemedError } from '../../domain/errors.js';
import type { AssociationsLearned, SavedAssociations, WordAssociate } from '../../ports/store.js';
import { slices, unnestFrom, type Column } from './bulk.js';
import type { PostgresDatabase } from './connection.js';

type Row = [term: string, associates: readonly WordAssociate[]];

const COLUMNS: readonly Column<Row>[] = [
  { name: 'term', type: 'text[]', value: ([term]) => term },
  { name: 'associates', type: 'json[]', value: ([, associates]) => JSON.stringify(associates.map((a) => [a.term, a.share])) },
];

/**
 * Saved word associations in the library's schema (migrations/0007_word_associations.sql): a row
 * per word, read only for the words a search asks about. A save replaces them all in one
 * transaction and, like SQLite's, never waits: it first tries a transaction-level advisory lock,
 * and when another process is saving it fails at once (that process's associations serve).
 */
export function createAssociationRows(db: PostgresDatabase): SavedAssociations {
  const lockKey = `citemed.associations.${db.schema}`;
  return {
    async learned() {
      const { rows } = await db.pool.query<AssociationsLearned>(
        'SELECT passages, sample, mean_distinct_terms AS "meanDistinctTerms" FROM word_associations_meta WHERE id = 1',
      );
      return rows[0];
    },
    async of(terms) {
      const { rows } = await db.pool.query<{ term: string; associates: [string, number][] }>(
        'SELECT term, associates FROM word_associations WHERE term = ANY($1::text[])',
        [[...terms]],
      );
      return new Map(rows.map((row) => [row.term, row.associates.map(([term, share]) => ({ term, share }))]));
    },
    async save(learned, entries) {
      const rows = [...entries];
      await db.transaction(async (client) => {
        const { rows: lock } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS held', [lockKey]);
        if (!lock[0]?.held) {
          throw new CitemedError('database-locked', `another process is saving word associations in ${db.description}`, {
            hint: 'nothing to do: its associations serve this library once saved',
          });
        }
        await client.query('DELETE FROM word_associations');
        for (const slice of slices(rows)) {
          const params: unknown[] = [];
          await client.query(`INSERT INTO word_associations (term, associates) SELECT term, associates FROM ${unnestFrom(COLUMNS, slice, params)}`, params);
        }
        await client.query(
          `INSERT INTO word_associations_meta (id, passages, sample, mean_distinct_terms, learned_at) VALUES (1, $1, $2, $3, $4)
           ON CONFLICT (id) DO UPDATE SET passages = excluded.passages, sample = excluded.sample,
             mean_distinct_terms = excluded.mean_distinct_terms, learned_at = excluded.learned_at`,
          [learned.passages, learned.sample, learned.meanDistinctTerms, new Date().toISOString()],
        );
      });
    },
  };
}
