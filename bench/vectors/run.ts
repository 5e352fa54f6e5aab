/**
 * Vector search speed of the embedded store (hybrid search's second list), beside a peer in the
 * same run on the same vectors: the same table scanned in SQL with a dot-product function
 * registered from JavaScript, the usual way to do vector search in SQLite without an extension.
 *
 *   npx tsx bench/vectors/run.ts [--sizes 10000,100000] [--dims 384,768] [--queries 50]
 *
 * Random unit vectors (no embedding model is available here; the speed of an exact scan does not
 * depend on the values). Prints a table; results go in docs/benchmarks.md by hand.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { summarise } from '../../src/eval/retrieval-eval.js';
import type { WriteOp } from '../../src/ports/store.js';
import { sourceWithPassages } from '../../test/factories/sources.js';
import { createRandom, type Random } from '../query/random.js';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '10000,100000' }, dims: { type: 'string', default: '384,768' }, queries: { type: 'string', default: '50' } },
});
const sizes = values.sizes.split(',').map(Number);
const dims = values.dims.split(',').map(Number);
const queryCount = Number(values.queries);
const K = 10;
const PASSAGES_PER_SOURCE = 10;
const MODEL = 'bench';

/** A random unit vector; the seeded generator of bench/query makes every run see the same ones. */
function randomVector(random: Random, d: number): Float32Array {
  const v = Float32Array.from({ length: d }, () => random.float() * 2 - 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

const ms = (times: number[], p: 'p50' | 'p95') => summarise(times)[p].toFixed(1);
const rows: string[] = [];

for (const n of sizes) {
  const dir = mkdtempSync(path.join(tmpdir(), 'citemed-vectors-'));
  const file = path.join(dir, 'lib.db');
  const store = openSqliteStore({ path: file, busyTimeoutMs: 5_000, cacheMiB: 64 });
  const sources = Math.ceil(n / PASSAGES_PER_SOURCE);
  for (let first = 0; first < sources; first += 1_000) {
    const ops: WriteOp[] = [];
    for (let s = first; s < Math.min(first + 1_000, sources); s++) {
      const paragraphs: [string[], string][] = Array.from({ length: PASSAGES_PER_SOURCE }, (_, p) => [['Body'], `Passage ${p} of source ${s}.`]);
      ops.push({ kind: 'upsert', ...sourceWithPassages({ id: `pmid:${s + 1}`, ids: { pmid: String(s + 1) }, paragraphsText: paragraphs }) });
    }
    await store.write({ ops, now: new Date().toISOString() });
  }
  for (const d of dims) {
    const next = createRandom(d * 7919 + n);
    await store.dropVectors(MODEL);
    let cursor: string | undefined;
    for (;;) {
      const page = await store.passagesToEmbed(MODEL, 5_000, cursor);
      if (page.passages.length === 0) break;
      cursor = page.cursor;
      await store.putVectors(MODEL, page.passages.map((p) => ({ passageId: p.id, vector: randomVector(next, d) })));
    }
    const queries = Array.from({ length: queryCount }, () => randomVector(next, d));

    // citemed: the store's nearest(), which loads the model's vectors once and scans them in memory.
    const loadStart = performance.now();
    await store.nearest({ model: MODEL, vector: queries[0]!, limit: K });
    const firstQuery = performance.now() - loadStart;
    const ours: number[] = [];
    const ourTop: string[][] = [];
    for (const q of queries) {
      const t = performance.now();
      const hits = await store.nearest({ model: MODEL, vector: q, limit: K });
      ours.push(performance.now() - t);
      ourTop.push(hits.map((h) => h.passage.id));
    }

    // Peer: the same table, scanned by SQLite with a JavaScript dot product, top K by ORDER BY.
    const db = new Database(file, { readonly: true });
    db.function('dot', { deterministic: true }, (a: unknown, b: unknown) => {
      const x = new Float32Array((a as Buffer).buffer, (a as Buffer).byteOffset, (a as Buffer).length / 4);
      const y = new Float32Array((b as Buffer).buffer, (b as Buffer).byteOffset, (b as Buffer).length / 4);
      let sum = 0;
      for (let i = 0; i < x.length; i++) sum += (x[i] as number) * (y[i] as number);
      return sum;
    });
    const scan = db.prepare('SELECT passage_id FROM passage_vectors WHERE model = ? ORDER BY dot(vector, ?) DESC LIMIT ?').pluck();
    const peer: number[] = [];
    let agree = 0;
    queries.forEach((q, i) => {
      const blob = Buffer.from(q.buffer, q.byteOffset, q.byteLength);
      const t = performance.now();
      const ids = scan.all(MODEL, blob, K) as string[];
      peer.push(performance.now() - t);
      if (ids.join() === ourTop[i]!.join()) agree++;
    });
    db.close();
    const rss = process.memoryUsage().rss / 1024 / 1024;
    rows.push(
      `| ${n.toLocaleString('en')} | ${d} | ${firstQuery.toFixed(0)} | ${ms(ours, 'p50')} | ${ms(ours, 'p95')} | ${ms(peer, 'p50')} | ${ms(peer, 'p95')} | ${agree}/${queries.length} | ${rss.toFixed(0)} |`,
    );
    console.error(rows.at(-1));
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\nExact top-${K} by cosine, ${queryCount} queries each, one thread (ms):\n`);
console.log('| passages | dims | citemed first query (loads vectors) | citemed p50 | citemed p95 | SQL scan + JS dot() p50 | p95 | same top 10 | RSS MB (process) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
