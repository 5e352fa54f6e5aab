/**
 * How long learning the word associations holds the event loop, learning at once
 * (buildAssociations) against learning in slices (learnAssociations, what citemed runs), on the
 * sample of an existing library, alternately, twice each:
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
const rows = await store.samplePassages(50_000);
function* tokens(): Generator<string[]> {
  for (const row of rows) yield indexTokens(`${row.title}\n${row.section}\n${row.text}`);
}
for (const mode of ['sync', 'sliced', 'sync', 'sliced']) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const t = performance.now();
  if (mode === 'sync') buildAssociations(tokens());
  else await learnAssociations(tokens());
  const ms = performance.now() - t;
  await new Promise((resolve) => setTimeout(resolve, 50));
  delay.disable();
  console.log(`${mode}: ${ms.toFixed(0)} ms learning, longest event-loop delay ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms`);
}
await store.close();
