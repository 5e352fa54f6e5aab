/**
 * A/B latency of `container.search` between two checkouts on one existing library, for telling a
 * code change from machine noise:
 *
 *   git worktree add /tmp/old <commit> && ln -s "$PWD/node_modules" /tmp/old/node_modules
 *   npx tsx bench/query/ab.ts /tmp/old <library.db> bench/out/query/p1000000-seed1/queries.jsonl 600
 *   npx tsx bench/query/ab.ts "$PWD"  <library.db> bench/out/query/p1000000-seed1/queries.jsonl 600
 *
 * Run the two alternately, more than once. A fifth argument `--fts5` ranks with FTS5 alone in a
 * library that has a postings index (`citemed index`), for the same A/B within one checkout;
 * `--rescore` / `--no-rescore` turn the third ranking stage (search.rescore.depth 20) on or off. An older checkout refuses a library of a newer schema:
 * give it a copy brought back to its schema (for schema 1: drop passage_vectors, user_version 1).
 *
 * It prints how much of the library file was in the page cache before the run (util-linux
 * `fincore`, where there is one): these machines page out file pages idle for a minute (DAMON),
 * and a library read partly from disk searches slower (docs/benchmarks.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setLauncherV8Flags } from '../../bin/launch.mjs';
import { residentShare } from './resident.js';

// The V8 flags `citemed` runs with (bin/citemed.js), so searches are timed as the CLI and the server run them.
setLauncherV8Flags();
const [root, library, queriesFile, n, ...flags] = process.argv.slice(2);
// `--fts5`: rank with FTS5 alone even when the library has a postings index (store.usePostings).
const store = { path: library, ...(flags.includes('--fts5') ? { usePostings: false } : {}) };
const { createContainer } = await import(path.join(root!, 'src/config/container.ts'));
const { loadSettings } = await import(path.join(root!, 'src/config/load-settings.ts'));
// `--rescore` / `--no-rescore`: the third ranking stage on (search.rescore.depth 20) or off (0), for checkouts that have it.
const depth = flags.includes('--no-rescore') ? 0 : flags.includes('--rescore') ? 20 : undefined;
const search = depth === undefined ? {} : { search: { rescore: { depth } } };
const settings = loadSettings({ preset: 'embedded', overrides: { store, ...search }, env: {} }).settings;
const container = createContainer(settings, { create: false });
const share = residentShare([library!]);
const cached = share === undefined ? '' : `, ${Math.round(100 * share)}% of the library in the page cache before`;
const queries = readFileSync(queriesFile!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; warmup?: boolean });
for (const q of queries.filter((q) => q.warmup)) await container.search(q.text, { limit: 10 });
const times: number[] = [];
for (const q of queries.filter((q) => !q.warmup).slice(0, Number(n))) {
  const t = performance.now();
  await container.search(q.text, { limit: 10 });
  times.push(performance.now() - t);
}
const { summarise } = await import(path.join(root!, 'src/eval/retrieval-eval.ts'));
const { p50, p95, p99 } = summarise(times) as { p50: number; p95: number; p99: number };
console.log(`${root}: p50 ${p50.toFixed(1)} p95 ${p95.toFixed(1)} p99 ${p99.toFixed(1)} (${times.length} queries${cached})`);
await container.close();
