/**
 * What one stage of a search costs, paired: every query is searched with the stage and without it,
 * in alternating order, in one process on one library, so that machine noise and caches weigh
 * on both alike (docs/benchmarks.md, "the third stage and diversity made cheaper").
 *
 *   npx tsx bench/query/stage-cost.ts <library.db> bench/out/query/p1000000-seed1/queries.jsonl 600 rescore
 *   npx tsx bench/query/stage-cost.ts <library.db> bench/out/query/p1000000-seed1/queries.jsonl 600 mmr
 *   npx tsx bench/query/stage-cost.ts <library.db> bench/out/query/p1000000-seed1/queries.jsonl 600 spellings
 *   npx tsx bench/query/stage-cost.ts <library.db> bench/out/query/p1000000-seed1/queries.jsonl 600 candidates:60
 *   npx tsx bench/query/stage-cost.ts <library.db> bench/out/query/p1000000-seed1/queries.jsonl 600 statements
 *
 * `rescore` is the third ranking stage (search.rescore.depth 0 without it); `mmr` is maximal
 * marginal relevance in the diversity step (λ 1 without it); `spellings` is the search of a word's
 * other spelling, British or American (search.otherSpellings false without it); `candidates:N` is
 * re-ranking the default number of candidates (search.candidates) rather than N; `statements` is
 * scoring a statement's top as one (search.rescore.statements: deeper, with its likelihood), against
 * scoring it as a question: each query is typed as a statement, with a full stop for its question
 * mark, and only those then read as one (query.ts `isStatement`) are searched. Prints p50 and p95
 * of each, and the median and mean of the per-query difference. Each query is searched with the
 * stage first and without it first in turn, so a look-up cached by the first search is paid by
 * each side as often.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setLauncherV8Flags } from '../../bin/launch.mjs';
import { createContainer } from '../../src/config/container.js';
import { loadSettings } from '../../src/config/load-settings.js';
import { isStatement } from '../../src/retrieval/query.js';
import type { RetrievalOptions } from '../../src/retrieval/retrieve.js';

// The V8 flags `citemed` runs with (bin/citemed.js), so searches are timed as the CLI and the server run them.
setLauncherV8Flags();

const [library, queriesFile, count, stage] = process.argv.slice(2);
const fewer = /^candidates:(\d+)$/.exec(stage ?? '');
/** Each stage's search without it. */
const WITHOUT: Record<string, (o: RetrievalOptions) => RetrievalOptions> = {
  rescore: (o) => ({ ...o, rescore: { ...o.rescore, depth: 0 } }),
  mmr: (o) => ({ ...o, diversity: { ...o.diversity, mmrLambda: 1 } }),
  spellings: (o) => ({ ...o, otherSpellings: false, otherDrugNames: false }),
  statements: (o) => ({ ...o, rescore: { ...o.rescore, statements: { ...o.rescore.statements, enabled: false } } }),
};
const without = fewer ? (o: RetrievalOptions): RetrievalOptions => ({ ...o, candidates: Number(fewer[1]) }) : stage !== undefined && Object.hasOwn(WITHOUT, stage) ? WITHOUT[stage] : undefined;
if (!library || !queriesFile || !without) {
  console.error(`usage: stage-cost.ts <library.db> <queries.jsonl> <count> ${Object.keys(WITHOUT).join('|')}|candidates:N`);
  process.exit(64);
}
const settings = loadSettings({ preset: 'embedded', overrides: { store: { path: library } }, env: {} }).settings;
const container = createContainer(settings, { create: false });
const read = readFileSync(queriesFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { text: string; warmup?: boolean });
const queries = stage === 'statements' ? read.map((q) => ({ ...q, text: `${q.text.replace(/\?$/, '')}.` })).filter((q) => isStatement(q.text)) : read;
for (const q of queries.filter((q) => q.warmup)) {
  await container.search(q.text, { limit: 10 });
  await container.search(q.text, { limit: 10, adjust: without });
}
const on: number[] = [];
const off: number[] = [];
const timed = async (text: string, list: number[], adjust?: typeof without) => {
  const start = performance.now();
  await container.search(text, { limit: 10, ...(adjust ? { adjust } : {}) });
  list.push(performance.now() - start);
};
for (const [i, q] of queries.filter((q) => !q.warmup).slice(0, Number(count)).entries()) {
  if (i % 2 === 0) {
    await timed(q.text, on);
    await timed(q.text, off, without);
  } else {
    await timed(q.text, off, without);
    await timed(q.text, on);
  }
}
await container.close();
const at = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.floor(p * (values.length - 1))] ?? NaN;
const difference = on.map((t, i) => t - (off[i] ?? 0));
const ms = (value: number) => value.toFixed(2);
console.log(
  `${stage}: with p50 ${ms(at(on, 0.5))} p95 ${ms(at(on, 0.95))} ms | without p50 ${ms(at(off, 0.5))} p95 ${ms(at(off, 0.95))} ms | ` +
    `difference per query: median ${ms(at(difference, 0.5))}, mean ${ms(difference.reduce((s, d) => s + d, 0) / difference.length)} ms (${on.length} queries)`,
);
