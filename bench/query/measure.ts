import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { percentile } from '../../src/eval/retrieval-eval.js';
import type { SearchPeer } from '../retrieval/peers/peer.js';
import { peerDocs, readQueries, sourceOfDocId, type BenchQuery } from './corpus.js';
import { engineSpec } from './engines.js';
import { residentShare } from './resident.js';
import type { WorkerSetup, WorkerMessage } from './throughput-worker.js';

/**
 * One engine, one phase, in a process of its own (run.ts starts it), so that peak RSS belongs to
 * that engine alone. Progress goes to stdout as JSON lines, so the parent knows which phase a
 * killed child was in:
 *
 *   {"event":"ready", …}   modules loaded, nothing built
 *   {"event":"built", …}   index built (latency) / every worker ready (throughput)
 *   {"event":"done", …}    the result
 *
 *   measure.ts latency    --engine NAME --corpus FILE --queries FILE --dir DIR --time-cap S
 *   measure.ts throughput --engine NAME --corpus FILE --queries FILE --dir DIR --time-cap S --workers N
 *
 * latency: build, then every query one after another (after the warm-up queries), k = K; stops
 * early when the query phase reaches the time cap. throughput: N worker threads, each with the
 * engine open (reopened from `dir`, or built again for in-memory engines), take queries from one
 * shared counter until all are done or the time cap is reached.
 */
export const K = 10;

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

export interface LatencyResult {
  phase: 'latency';
  engine: string;
  version: string;
  config: string;
  buildSeconds: number;
  sizeBytes?: number;
  /** V8 heap in use after the build and a full GC, in MB: the index, for in-memory engines. */
  heapAfterBuildMB: number;
  peakRssMB: number;
  idleRssMB: number;
  queriesRun: number;
  queriesTotal: number;
  stoppedAtCap: boolean;
  /** Milliseconds per query. */
  latencyMs: LatencySummary;
  /** Sum of query times / queries run, as queries per second. */
  qpsOneThread: number;
  /** Queries whose top K holds a passage of the source the query was drawn from. */
  seedSourceInTopK: number;
  emptyResults: number;
  /** Share of the engine's files in the page cache when the timed queries began (resident.ts), for engines with files. */
  residentShare?: number;
}

export interface ThroughputResult {
  phase: 'throughput';
  engine: string;
  workers: number;
  queriesRun: number;
  queriesTotal: number;
  stoppedAtCap: boolean;
  wallSeconds: number;
  /** CPU time of the whole process (all threads) during the query phase: ≈ workers × wall when they run in parallel. */
  cpuSeconds: number;
  qps: number;
  peakRssMB: number;
}

export type ChildEvent =
  | { event: 'ready'; idleRssMB: number }
  | { event: 'built'; seconds: number }
  | { event: 'done'; result: LatencyResult | ThroughputResult };

export function peakRssMB(): number {
  return (process.resourceUsage().maxRSS * 1024) / 1e6;
}

function emit(event: ChildEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

export function summarise(latencies: readonly number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), mean: sum / sorted.length, max: sorted.at(-1) ?? NaN };
}

export async function warmUp(engine: SearchPeer, queries: readonly BenchQuery[]): Promise<void> {
  for (const query of queries) if (query.warmup) await engine.search(query.text, K);
}

async function latencyPhase(name: string, corpus: string, queriesFile: string, dir: string, capSeconds: number): Promise<LatencyResult> {
  const spec = engineSpec(name);
  const queries = readQueries(queriesFile);
  const measured = queries.filter((q) => !q.warmup);
  const idleRssMB = peakRssMB();
  emit({ event: 'ready', idleRssMB });

  const started = performance.now();
  const engine = spec.create(dir);
  await engine.build(peerDocs(corpus));
  const buildSeconds = (performance.now() - started) / 1000;
  emit({ event: 'built', seconds: buildSeconds });
  const sizeBytes = await engine.sizeBytes?.();
  globalThis.gc?.();
  const heapAfterBuildMB = process.memoryUsage().heapUsed / 1e6;

  await warmUp(engine, queries);
  const resident = sizeBytes === undefined ? undefined : residentShare([dir]);
  const deadline = performance.now() + capSeconds * 1000;
  const latencies: number[] = [];
  let seedSourceInTopK = 0;
  let emptyResults = 0;
  for (const query of measured) {
    if (performance.now() > deadline) break;
    const t0 = performance.now();
    const ids = await engine.search(query.text, K);
    latencies.push(performance.now() - t0);
    if (ids.length === 0) emptyResults++;
    if (ids.some((id) => sourceOfDocId(id) === query.source)) seedSourceInTopK++;
  }
  const peak = peakRssMB();
  await engine.close();
  const total = latencies.reduce((a, b) => a + b, 0);
  const result: LatencyResult = {
    phase: 'latency',
    engine: engine.name,
    version: engine.version,
    config: engine.config,
    buildSeconds,
    heapAfterBuildMB,
    peakRssMB: peak,
    idleRssMB,
    queriesRun: latencies.length,
    queriesTotal: measured.length,
    stoppedAtCap: latencies.length < measured.length,
    latencyMs: summarise(latencies),
    qpsOneThread: latencies.length / (total / 1000),
    seedSourceInTopK,
    emptyResults,
  };
  if (sizeBytes !== undefined) result.sizeBytes = sizeBytes;
  if (resident !== undefined) result.residentShare = resident;
  return result;
}

const BOOTSTRAP = new URL('./throughput-bootstrap.mjs', import.meta.url);

async function throughputPhase(name: string, corpus: string, queriesFile: string, dir: string, capSeconds: number, workers: number): Promise<ThroughputResult> {
  engineSpec(name);
  emit({ event: 'ready', idleRssMB: peakRssMB() });
  const started = performance.now();
  const counter = new SharedArrayBuffer(4);
  const setup: WorkerSetup = { engine: name, corpus, queries: queriesFile, dir, counter, capSeconds };
  const threads = Array.from({ length: workers }, () => new Worker(BOOTSTRAP, { workerData: setup }));
  const ready = threads.map((thread) => nextMessage(thread, 'ready'));
  await Promise.all(ready);
  emit({ event: 'built', seconds: (performance.now() - started) / 1000 });
  const done = threads.map((thread) => nextMessage(thread, 'done'));
  const go = performance.now();
  const cpuAtGo = process.cpuUsage();
  for (const thread of threads) thread.postMessage({ type: 'go' });
  const results = await Promise.all(done);
  const wallSeconds = (performance.now() - go) / 1000;
  const cpu = process.cpuUsage(cpuAtGo);
  await Promise.all(threads.map((thread) => thread.terminate()));
  const queriesRun = results.reduce((sum, m) => sum + (m.type === 'done' ? m.queries : 0), 0);
  const queriesTotal = readQueries(queriesFile).filter((q) => !q.warmup).length;
  return {
    phase: 'throughput',
    engine: name,
    workers,
    queriesRun,
    queriesTotal,
    stoppedAtCap: queriesRun < queriesTotal,
    wallSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    qps: queriesRun / wallSeconds,
    peakRssMB: peakRssMB(),
  };
}

/** The worker's next message of this type; a worker error or exit before it rejects. */
function nextMessage(worker: Worker, type: WorkerMessage['type']): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: WorkerMessage) => {
      if (message.type !== type) return;
      cleanup();
      resolve(message);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`throughput worker exited (code ${code}) before "${type}"`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      engine: { type: 'string' },
      corpus: { type: 'string' },
      queries: { type: 'string' },
      dir: { type: 'string' },
      'time-cap': { type: 'string', default: '120' },
      workers: { type: 'string', default: '2' },
    },
  });
  const [phase] = positionals;
  const { engine, corpus, queries, dir } = values;
  if ((phase !== 'latency' && phase !== 'throughput') || !engine || !corpus || !queries || !dir) {
    throw new Error('usage: measure.ts latency|throughput --engine NAME --corpus FILE --queries FILE --dir DIR [--time-cap S] [--workers N]');
  }
  const cap = Number(values['time-cap']);
  const result =
    phase === 'latency'
      ? await latencyPhase(engine, corpus, queries, dir, cap)
      : await throughputPhase(engine, corpus, queries, dir, cap, Number(values.workers));
  emit({ event: 'done', result });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
