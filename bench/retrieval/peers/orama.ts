import { create, insertMultiple, search } from '@orama/orama';
import { inBatches, installedVersion, queryWords, type SearchPeer } from './peer.js';

/**
 * Orama with its defaults: `create({ schema: { title: 'string', text: 'string' } })`, documents
 * added with insertMultiple (its default batch size, 1,000), `search(db, { term, limit: k })`.
 *
 * Defaults that shape the results: the English tokenizer (splits on anything but ASCII letters,
 * a few accented vowels, digits, `_`, `'` and `-`; lower-case; diacritics removed), **no
 * stemming** (Orama's stemmer is opt-in) and **no stop words**. Search is BM25 with k = 1.2,
 * b = 0.75, d = 0.5, over every string property, with threshold 1 (any term may match) and
 * `exact: false`, which makes every query term also match the indexed words it is a **prefix**
 * of ("card" finds "cardiac"). Orama keeps each whole document in its own store.
 *
 * Orama has no query language, but an empty term means "every document"; a query without words
 * therefore returns [] here before it reaches Orama.
 */
const BATCH = 1_000;

export function createOramaPeer(): SearchPeer {
  const db = create({ schema: { title: 'string', text: 'string' } as const });
  return {
    name: 'orama',
    version: installedVersion('@orama/orama'),
    config: 'schema title, text; English tokenizer, no stemming, no stop words; BM25 (k 1.2, b 0.75, d 0.5), threshold 1, prefix matching (exact: false)',
    async build(docs) {
      for (const batch of inBatches(docs, BATCH)) {
        await insertMultiple(db, batch.map(({ id, title, text }) => ({ id, title, text })));
      }
    },
    async search(term, k) {
      if (queryWords(term).length === 0 || k < 1) return [];
      const results = await search(db, { term, limit: k });
      return results.hits.map((hit) => hit.id);
    },
    async close() {
      // The index is garbage once unreferenced; Orama has nothing to release.
    },
  };
}
