import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createContainer, openRetrievalDataset } from '../../src/config/container.js';
import { loadSettings } from '../../src/config/load-settings.js';
import type { Qrels } from '../../src/domain/qrels.js';
import { evaluateRun, type RunEvaluation, type ScoredDoc } from '../../src/eval/metrics.js';
import { evaluateRetrieval, indexDataset, summarise } from '../../src/eval/retrieval-eval.js';
import type { DatasetDoc, DatasetQuery, RetrievalDataset } from '../../src/ports/dataset.js';
import { sharedDataDir } from '../../test/shared-data.js';
import { buildMedquadBeir, DEFAULT_OUT_DIR as MEDQUAD_DIR } from './medquad-beir.js';
import { createFts5Peer } from './peers/fts5.js';
import { createMiniSearchPeer } from './peers/minisearch.js';
import { createOramaPeer } from './peers/orama.js';
import type { SearchPeer } from './peers/peer.js';

/**
 * Retrieval quality, citemed vs lexical peers, same data, same run:
 *
 *   npx tsx bench/retrieval/run.ts [--datasets scifact,medquad] [--peers fts5-default,minisearch,orama]
 *
 * For each test collection, every engine indexes the same corpus and answers every judged test
 * query; runs are scored with the same trec_eval-definition metrics (src/eval/metrics.ts). citemed
 * runs exactly as `citemed eval retrieval` does (its configured defaults, no per-dataset tuning);
 * the peers run with their libraries' default ranking. SciFact's published Anserini BM25 figures
 * are printed beside them. MedQuAD's BEIR layout is generated at run time into bench/out/.
 */

interface Row {
  engine: string;
  config: string;
  evaluation?: RunEvaluation;
  buildSeconds?: number;
  latency?: { p50: number; p95: number };
  note?: string;
}

const PEERS: Record<string, () => SearchPeer> = {
  'fts5-default': () => createFts5Peer(),
  minisearch: () => createMiniSearchPeer(),
  orama: () => createOramaPeer(),
};

const PUBLISHED: Record<string, Row[]> = {
  scifact: [
    { engine: 'Anserini BM25 flat (published)', config: 'Lucene BM25 k1 0.9, b 0.4; title+text one field', note: '0.6789 / 0.9253 / –' },
    { engine: 'Anserini BM25 multifield (published)', config: 'title and text as two fields', note: '0.6647 / 0.9076 / –' },
  ],
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(sharedDataDir)) {
    console.log(`bench/retrieval: ${sharedDataDir} is absent (the shared public data sets are not committed). Nothing measured.`);
    return;
  }
  console.log(`# Retrieval quality, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node ${process.version}\n`);
  for (const name of args.datasets) {
    const dir = await datasetDir(name);
    const dataset = await openRetrievalDataset(dir);
    const qrels = await dataset.qrels('test');
    const queries = (await dataset.queries()).filter((q) => qrels.has(q.id));
    const docs: DatasetDoc[] = [];
    for await (const doc of dataset.corpus()) docs.push(doc);
    progress(`${name}: ${docs.length} documents, ${queries.length} test queries`);

    const rows: Row[] = [await runCitemed(dataset, dir)];
    for (const peerName of args.peers) {
      const make = PEERS[peerName];
      if (!make) throw new Error(`unknown peer ${peerName}; known: ${Object.keys(PEERS).join(', ')}`);
      rows.push(await runPeer(make(), docs, queries, qrels));
    }
    rows.push(...(PUBLISHED[name] ?? []));
    console.log(`## ${name} (test split: ${queries.length} queries, ${docs.length} documents)\n`);
    console.log(table(rows));
    console.log('');
  }
}

async function runCitemed(dataset: RetrievalDataset, dir: string): Promise<Row> {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'citemed-bench-retrieval-'));
  try {
    const { settings } = loadSettings({ overrides: { store: { path: path.join(temp, 'library.db') } } });
    const container = createContainer(settings);
    try {
      const started = performance.now();
      await indexDataset(dataset, container.store, {
        chunk: settings.ingest.chunk,
        batchSize: settings.ingest.batchSize,
        originPath: dir,
        now: () => new Date(),
      });
      const buildSeconds = (performance.now() - started) / 1000;
      progress('citemed: indexed; searching');
      const result = await evaluateRetrieval(
        dataset,
        'test',
        async (text) => {
          const found = await container.search(text, {
            adjust: (o) => ({ ...o, limit: 100, diversity: { maxPerSource: 1, mmrLambda: 1 } }),
          });
          return found.hits.map((hit) => ({ sourceId: hit.source.id, score: hit.score }));
        },
        { elapsedMs: () => performance.now() },
      );
      return {
        engine: 'citemed',
        config: 'defaults (src/config/settings.ts): FTS5 candidates, BM25F re-rank, source evidence, proximity',
        evaluation: result.evaluation,
        buildSeconds,
        latency: result.latency,
      };
    } finally {
      await container.close();
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

async function runPeer(peer: SearchPeer, docs: DatasetDoc[], queries: DatasetQuery[], qrels: Qrels): Promise<Row> {
  progress(`${peer.name}: building`);
  const started = performance.now();
  await peer.build(docs);
  const buildSeconds = (performance.now() - started) / 1000;
  const run = new Map<string, ScoredDoc[]>();
  const times: number[] = [];
  for (const query of queries) {
    const t = performance.now();
    const ids = await peer.search(query.text, 100);
    times.push(performance.now() - t);
    run.set(query.id, ids.map((docId, i) => ({ docId, score: ids.length - i })));
  }
  await peer.close();
  return { engine: `${peer.name} ${peer.version}`, config: peer.config, evaluation: evaluateRun(run, qrels), buildSeconds, latency: summarise(times) };
}

function table(rows: Row[]): string {
  const lines = [
    '| engine | nDCG@10 | Recall@100 | MRR@10 | index build | query p50 / p95 | configuration |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const e = row.evaluation;
    const metrics = e
      ? ['nDCG@10', 'Recall@100', 'MRR@10'].map((m) => (e.means[m] ?? 0).toFixed(4)).join(' | ')
      : (row.note ?? '').split(' / ').join(' | ');
    const build = row.buildSeconds === undefined ? '–' : `${row.buildSeconds.toFixed(1)} s`;
    const latency = row.latency ? `${row.latency.p50.toFixed(1)} / ${row.latency.p95.toFixed(1)} ms` : '–';
    lines.push(`| ${row.engine} | ${metrics} | ${build} | ${latency} | ${row.config} |`);
  }
  return lines.join('\n');
}

async function datasetDir(name: string): Promise<string> {
  if (name === 'scifact') return path.join(sharedDataDir, 'beir_scifact');
  if (name === 'medquad') {
    if (!existsSync(path.join(MEDQUAD_DIR, 'qrels', 'test.tsv'))) {
      progress('medquad: generating the BEIR layout into bench/out/');
      await buildMedquadBeir(path.join(sharedDataDir, 'medquad', 'medquad.jsonl.gz'), MEDQUAD_DIR);
    }
    return MEDQUAD_DIR;
  }
  throw new Error(`unknown dataset ${name}; known: scifact, medquad`);
}

function parseArgs(argv: string[]): { datasets: string[]; peers: string[] } {
  const value = (flag: string, fallback: string): string[] => {
    const i = argv.indexOf(flag);
    return (i >= 0 ? argv[i + 1] ?? '' : fallback).split(',').filter(Boolean);
  };
  return { datasets: value('--datasets', 'scifact,medquad'), peers: value('--peers', Object.keys(PEERS).join(',')) };
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

await main();
