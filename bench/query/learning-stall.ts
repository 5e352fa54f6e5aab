/**
 * How long reading the learning sample (`Store.samplePassages`) holds the event loop, and then
 * learning the word associations, learning at once (buildAssociations) against learning in
 * slices (learnAssociations, what citemed runs), on the sample of an existing library,
 * alternately, twice each:
 *
 *   npx tsx bench/query/learning-stall.ts bench/out/query/work/citemed-pipeline-postings/citemed.db
 *
 * The library is the one `bench/query/run.ts --keep` leaves. Prints the learning time and the
 * event loop's longest delay and p99 (perf_hooks.monitorEventLoopDelay, 5 ms resolution).
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { buildAssociations, learnAssociations } from '../../src/retrieval/associations.js';
import { indexTokens } from '../../src/retrieval/tokens.js';
const library = process.argv[2];
if (!library) throw new Error('usage: npx tsx bench/query/learning-stall.ts <library.db>');
const store = openSqliteStore({ path: library, busyTimeoutMs: 1000, cacheMiB: 64, create: false });
/** Runs `work` with the event loop's delay monitored; prints its time, longest delay and p99. */
async function watched(label: string, work: () => unknown): Promise<void> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const t = performance.now();
  await work();
  const ms = performance.now() - t;
  await new Promise((resolve) => setTimeout(resolve, 50));
  delay.disable();
  console.log(`${label}: ${ms.toFixed(0)} ms, longest event-loop delay ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms`);
}
let rows = await store.samplePassages(50_000);
for (let i = 0; i < 2; i++) await watched('reading the sample', async () => (rows = await store.samplePassages(50_000)));
function* tokens(): Generator<string[]> {
  for (const row of rows) yield indexTokens(`${row.title}\n${row.section}\n${row.text}`);
}
for (const mode of ['sync', 'sliced', 'sync', 'sliced']) {
  await watched(`learning, ${mode}`, () => (mode === 'sync' ? buildAssociations(tokens()) : learnAssociations(tokens())));
}
await store.close();
