import MiniSearch from 'minisearch';
import { inBatches, installedVersion, type PeerDoc, type SearchPeer } from './peer.js';

/**
 * MiniSearch with its defaults: `new MiniSearch({ fields: ['title', 'text'] })`.
 *
 * Default tokenizer (split on Unicode spaces and punctuation), lower-casing, no stemming, no stop
 * words. Default search options, spelled out here only so the configuration is visible:
 * combineWith OR, no prefix, no fuzzy, no field boosts, BM25+ with k = 1.2, b = 0.7, d = 0.5.
 * Nothing is stored besides the id (storeFields is empty by default). Documents are added with
 * addAll in batches of BATCH so the corpus is never held whole.
 *
 * MiniSearch has no string query language (structured queries are objects), so user text is
 * passed as it is.
 */
const BATCH = 1_000;

export function createMiniSearchPeer(): SearchPeer {
  const index = new MiniSearch<PeerDoc>({ fields: ['title', 'text'] });
  return {
    name: 'minisearch',
    version: installedVersion('minisearch'),
    config: "fields title, text; default tokenizer, lower-case, no stemming; OR, no prefix, no fuzzy; BM25+ (k 1.2, b 0.7, d 0.5)",
    async build(docs) {
      for (const batch of inBatches(docs, BATCH)) index.addAll(batch.map(({ id, title, text }) => ({ id, title, text })));
    },
    async search(query, k) {
      if (query.trim() === '' || k < 1) return [];
      const hits = index.search(query, { combineWith: 'OR', prefix: false, fuzzy: false });
      return hits.slice(0, k).map((hit) => String(hit.id));
    },
    async close() {
      index.removeAll();
    },
  };
}
