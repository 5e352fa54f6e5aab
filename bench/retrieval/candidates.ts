/**
 * nDCG@10 of 10-result searches, as `citemed search` makes them, at several candidate counts
 * (search.candidates): how much of the ranking re-ranking fewer candidates would cost. One passage
 * per source and no MMR, as `citemed eval retrieval` ranks documents; the library is one that
 * `citemed eval retrieval --library <file>` wrote. Tune on train splits only.
 *
 *   npx tsx bench/retrieval/candidates.ts ../shared/data/beir_scifact train tmp/scifact.db 200 100 60 40 20
 */
import { performance } from 'node:perf_hooks';
import { createContainer, openRetrievalDataset } from '../../src/config/container.js';
import { loadSettings } from '../../src/config/load-settings.js';
import { evaluateRetrieval } from '../../src/eval/retrieval-eval.js';

const [dataset, split, library, ...counts] = process.argv.slice(2);
if (!dataset || !split || !library || counts.length === 0 || counts.some((c) => !/^\d+$/.test(c))) {
  console.error('usage: candidates.ts <dataset dir> <split> <library.db> <candidates>...');
  process.exit(64);
}
const settings = loadSettings({ preset: 'embedded', overrides: { store: { path: library } }, env: {} }).settings;
const container = createContainer(settings, { create: false });
const data = await openRetrievalDataset(dataset);
console.log('| candidates | nDCG@10 | p50 ms |\n|---:|---:|---:|');
for (const count of counts) {
  const result = await evaluateRetrieval(
    data,
    split,
    async (text) => {
      const found = await container.search(text, { adjust: (o) => ({ ...o, limit: 10, candidates: Number(count), diversity: { maxPerSource: 1, mmrLambda: 1 } }) });
      return found.hits.map((hit) => ({ sourceId: hit.source.id, score: hit.score }));
    },
    { elapsedMs: () => performance.now() },
  );
  console.log(`| ${count} | ${(result.evaluation.means['nDCG@10'] ?? NaN).toFixed(4)} | ${result.latency.p50.toFixed(1)} |`);
}
await container.close();
