import type Database from 'better-sqlite3';
import type { AssociationsLearned, WordAssociate } from '../../ports/store.js';

/**
 * Saved word associations (schema 6): a row per word, read only for the words a search asks
 * about. `save` is one immediate transaction; the caller (sqlite-store.ts) tries it once, without
 * waiting for a busy library.
 */
export function createAssociationRows(db: Database.Database) {
  const q = {
    learned: db.prepare('SELECT passages, sample, mean_distinct_terms AS meanDistinctTerms FROM word_associations_meta WHERE id = 1'),
    of: db.prepare('SELECT term, associates FROM word_associations WHERE term IN (SELECT value FROM json_each(?))'),
    clear: db.prepare('DELETE FROM word_associations'),
    put: db.prepare('INSERT INTO word_associations (term, associates) VALUES (?, ?)'),
    meta: db.prepare(
      `INSERT INTO word_associations_meta (id, passages, sample, mean_distinct_terms, learned_at) VALUES (1, @passages, @sample, @meanDistinctTerms, @at)
       ON CONFLICT (id) DO UPDATE SET passages = excluded.passages, sample = excluded.sample,
         mean_distinct_terms = excluded.mean_distinct_terms, learned_at = excluded.learned_at`,
    ),
  };
  const save = db.transaction((learned: AssociationsLearned, entries: Iterable<[string, readonly WordAssociate[]]>) => {
    q.clear.run();
    for (const [term, associates] of entries) q.put.run(term, JSON.stringify(associates.map((a) => [a.term, a.share])));
    q.meta.run({ ...learned, at: new Date().toISOString() });
  });
  return {
    learned: (): AssociationsLearned | undefined => q.learned.get() as AssociationsLearned | undefined,
    of(terms: readonly string[]): Map<string, WordAssociate[]> {
      const rows = q.of.all(JSON.stringify(terms)) as { term: string; associates: string }[];
      return new Map(rows.map((row) => [row.term, (JSON.parse(row.associates) as [string, number][]).map(([term, share]) => ({ term, share }))]));
    },
    save: (learned: AssociationsLearned, entries: Iterable<[string, readonly WordAssociate[]]>): void => {
      save.immediate(learned, entries);
    },
  };
}
