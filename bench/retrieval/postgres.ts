import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { openPostgresStore } from '../../src/adapters/postgres/store.js';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { openRetrievalDataset, retrievalOptions } from '../../src/config/container.js';
import { loadSettings } from '../../src/config/load-settings.js';
import { PLAIN_RECORD_PREFIX } from '../../src/domain/record-source.js';
import { evaluateRun, type RunEvaluation, type ScoredDoc } from '../../src/eval/metrics.js';
import { evaluateRetrieval, indexDataset } from '../../src/eval/retrieval-eval.js';
import type { RetrievalDataset } from '../../src/ports/dataset.js';
import type { PassageHit, Store } from '../../src/ports/store.js';
import { createAssociationSource } from '../../src/retrieval/associations.js';
import { createRetriever } from '../../src/retrieval/retrieve.js';
import { sharedDataDir } from '../../test/shared-data.js';
import { vacuumAnalyze } from '../query/postgres.js';

/**
 * citemed on SQLite beside citemed on PostgreSQL, same run, same data (SciFact):
 *
 *   npx tsx bench/retrieval/postgres.ts [--split test|train] [--url postgres://postgres@127.0.0.1:5432/test]
 *
 * Both libraries are built from the same corpus through `indexDataset` (as `citemed eval
 * retrieval` builds one) and searched by the same retriever with the configured defaults; only
 * the Store differs. Besides the final ranking, each backend's first stage is scored on its
 * own: the candidates its index returned for the query, in the index's order. Recall@100 of that
 * list is what the re-ranker can work with. PostgreSQL's schema is created for the run and
 * dropped after it.
 */

interface Row {
  engine: string;
  stage: string;
  evaluation: RunEvaluation;
  buildSeconds?: number;
  latency?: { p50: number; p95: number };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = path.join(sharedDataDir, 'beir_scifact');
  if (!existsSync(dir)) {
    console.log(`bench/retrieval/postgres: ${dir} is absent (the shared public data sets are not committed). Nothing measured.`);
    return;
  }
  const dataset = await openRetrievalDataset(dir);
  const { settings } = loadSettings();
  const temp = mkdtempSync(path.join(os.tmpdir(), 'citemed-bench-pg-'));
  const schema = `citemed_bench_${randomBytes(4).toString('hex')}`;
  const rows: Row[] = [];
  try {
    const sqlite = openSqliteStore({ path: path.join(temp, 'library.db'), busyTimeoutMs: 5_000, cacheMiB: 64 });
    rows.push(...(await measure('citemed on SQLite (FTS5 bm25 first stage)', sqlite, dataset, dir, args.split, settings)));
    const postgres = await openPostgresStore({ url: args.url, schema, poolSize: 4 });
    rows.push(
      ...(await measure('citemed on PostgreSQL (ts_rank × idf first stage)', postgres, dataset, dir, args.split, settings, () =>
        vacuumAnalyze(args.url, schema, ['passages']),
      )),
    );
  } finally {
    rmSync(temp, { recursive: true, force: true });
    const client = new pg.Client({ connectionString: args.url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
  }
  const qrels = await dataset.qrels(args.split);
  const queries = (await dataset.queries()).filter((q) => qrels.has(q.id)).length;
  console.log(`# citemed retrieval, SQLite vs PostgreSQL: SciFact ${args.split} split (${queries} queries), ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node ${process.version}\n`);
  console.log(table(rows));
}

async function measure(
  engine: string,
  store: Store,
  dataset: RetrievalDataset,
  dir: string,
  split: string,
  settings: ReturnType<typeof loadSettings>['settings'],
  afterBuild?: () => Promise<void>,
): Promise<Row[]> {
  try {
    progress(`${engine}: indexing`);
    const started = performance.now();
    await indexDataset(dataset, store, { chunk: settings.ingest.chunk, batchSize: settings.ingest.batchSize, originPath: dir, now: () => new Date() });
    await afterBuild?.();
    const buildSeconds = (performance.now() - started) / 1000;

    // The candidates of the last first-stage search of each query, in the index's order.
    let candidates: PassageHit[] = [];
    const recording: Store = { ...store, search: async (query) => (candidates = await store.search(query)) };
    // As the container wires it: the third stage's word associations come from the same store.
    const retrieve = createRetriever({ store: recording, associations: createAssociationSource(store, settings.search.rescore.samplePassages) });
    const options = { ...retrievalOptions(settings.search), limit: 100, diversity: { maxPerSource: 1, mmrLambda: 1 } };
    const firstStage = new Map<string, ScoredDoc[]>();
    const queryIds = new Map((await dataset.queries()).map((q) => [q.text, q.id]));
    progress(`${engine}: searching`);
    const result = await evaluateRetrieval(
      dataset,
      split,
      async (text) => {
        candidates = [];
        const found = await retrieve(text, options);
        const id = queryIds.get(text);
        if (id !== undefined) firstStage.set(id, ranking(candidates.map((hit) => hit.source.id)));
        return found.hits.map((hit) => ({ sourceId: hit.source.id, score: hit.score }));
      },
      { elapsedMs: () => performance.now() },
    );
    return [
      { engine, stage: 'final (BM25F re-rank)', evaluation: result.evaluation, buildSeconds, latency: result.latency },
      { engine, stage: 'first stage only', evaluation: evaluateRun(firstStage, await dataset.qrels(split)) },
    ];
  } finally {
    await store.close();
  }
}

/** Source ids, best first, as trec_eval documents: each source at its best passage's rank. */
function ranking(sourceIds: readonly string[]): ScoredDoc[] {
  const seen = new Set<string>();
  const out: ScoredDoc[] = [];
  for (const sourceId of sourceIds) {
    const docId = sourceId.startsWith(PLAIN_RECORD_PREFIX) ? sourceId.slice(PLAIN_RECORD_PREFIX.length) : sourceId;
    if (seen.has(docId)) continue;
    seen.add(docId);
    out.push({ docId, score: sourceIds.length - out.length });
  }
  return out;
}

function table(rows: readonly Row[]): string {
  const lines = ['| engine | ranking | nDCG@10 | Recall@100 | MRR@10 | index build | query p50 / p95 |', '|---|---|---|---|---|---|---|'];
  for (const row of rows) {
    const metrics = ['nDCG@10', 'Recall@100', 'MRR@10'].map((m) => (row.evaluation.means[m] ?? 0).toFixed(4)).join(' | ');
    const build = row.buildSeconds === undefined ? '' : `${row.buildSeconds.toFixed(1)} s`;
    const latency = row.latency ? `${row.latency.p50.toFixed(1)} / ${row.latency.p95.toFixed(1)} ms` : '';
    lines.push(`| ${row.engine} | ${row.stage} | ${metrics} | ${build} | ${latency} |`);
  }
  return lines.join('\n');
}

function parseArgs(argv: string[]): { split: string; url: string } {
  const value = (flag: string, fallback: string): string => {
    const i = argv.indexOf(flag);
    return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
  };
  return { split: value('--split', 'test'), url: value('--url', 'postgres://postgres@127.0.0.1:5432/test') };
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

await main();
