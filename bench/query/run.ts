/**
 * Query speed and scale: citemed and lexical search peers on the same generated corpus, same run.
 *
 * Usage (no npm script; run from the project root):
 *
 *   npx tsx bench/query/run.ts --passages 10000                    # small first (about 4 min)
 *   npx tsx bench/query/run.ts --passages 100000 [--peers citemed,citemed-pipeline,fts5-default,minisearch,orama]
 *        [--queries 1000] [--time-cap 120] [--memory-cap-gb 8] [--workers 2] [--seed 1] [--keep]
 *
 * The corpus is generated first if missing (bench/query/generate.ts, into bench/out/query/,
 * git-ignored; 1,000,000 passages is about 1.1 GB). Without ../shared/data it prints that nothing
 * was measured and exits 0.
 *
 * Engines (bench/query/engines.ts): citemed (first stage: analyzeQuery + store.search), citemed-pipeline
 * (container.search, as `citemed search` runs), and the peers of bench/retrieval/peers/ with their
 * libraries' defaults: fts5-default, minisearch, orama. Default: all of them. citemed-pipeline-postings
 * is citemed-pipeline with the postings index built after the library (`citemed index`; its time is
 * part of the build), run only when named. citemed-postgres and
 * citemed-pipeline-postgres are the same two on PostgreSQL (CITEMED_BENCH_POSTGRES_URL, by default
 * 127.0.0.1:5432/test; bench/query/postgres.ts), run only when named; docs/scaling.md uses them.
 *
 * Each engine runs in fresh processes, one engine at a time, so peak RSS is that engine's own:
 *   1. latency: build the index (timed), note its size, run the warm-up queries, then every query
 *      one after another with k = 10 (p50/p95/p99, and 1-thread queries/s = queries / summed time);
 *   2. throughput: --workers worker threads in one process share the queries through an atomic
 *      counter; queries/s = queries / wall time. Engines with an index on disk (citemed,
 *      fts5-default) reopen the one built in step 1; in-memory engines (minisearch, orama) build
 *      one per worker, as one process per core would in production.
 * Caps: a build (step 1) gets --time-cap seconds, the builds of step 2 twice that, and each query
 * phase --time-cap seconds (queries stop there and the table says how many ran). A process whose
 * resident memory passes --memory-cap-gb is killed (V8's heap is capped at the same size). An
 * engine that hits a cap is reported as "did not finish (reason)"; the bench goes on.
 *
 * The table goes to stdout, progress to stderr, everything measured to
 * bench/out/query/last-run-<passages>.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { QUERY_OUT_DIR } from './corpus.js';
import { ENGINE_NAMES, engineSpec } from './engines.js';
import { ensureCorpus, NO_SHARED_DATA_MESSAGE } from './generate.js';
import type { ChildEvent, LatencyResult, ThroughputResult } from './measure.js';
import { configLines, describeMachine, markdownTable, type EngineOutcome } from './report.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const MEASURE = path.join(HERE, 'measure.ts');
/** Time for Node + tsx to start and load an engine's modules, before any cap starts, in ms. */
const STARTUP_MS = 90_000;
/** After the child's own query cap: time to finish the query in flight and close, in ms. */
const WIND_DOWN_MS = 60_000;
const RSS_POLL_MS = 250;

interface Options {
  passages: number;
  peers: string[];
  queries: number;
  timeCapSeconds: number;
  memoryCapBytes: number;
  workers: number;
  seed: number;
  keep: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      passages: { type: 'string', default: '100000' },
      // The PostgreSQL engines need a server: named only when asked for.
      peers: { type: 'string', default: ENGINE_NAMES.filter((name) => !name.endsWith('-postgres') && !name.endsWith('-postings')).join(',') },
      queries: { type: 'string', default: '1000' },
      'time-cap': { type: 'string', default: '120' },
      'memory-cap-gb': { type: 'string', default: '8' },
      workers: { type: 'string', default: '2' },
      seed: { type: 'string', default: '1' },
      keep: { type: 'boolean', default: false },
    },
  });
  const positive = (value: string, flag: string): number => {
    const n = Number(value.replace(/_/g, ''));
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} takes a positive number, not "${value}"`);
    return n;
  };
  const peers = values.peers.split(',').map((p) => p.trim()).filter(Boolean);
  for (const peer of peers) engineSpec(peer);
  return {
    passages: Math.round(positive(values.passages, '--passages')),
    peers,
    queries: Math.round(positive(values.queries, '--queries')),
    timeCapSeconds: positive(values['time-cap'], '--time-cap'),
    memoryCapBytes: positive(values['memory-cap-gb'], '--memory-cap-gb') * 1e9,
    workers: Math.round(positive(values.workers, '--workers')),
    seed: Math.round(Number(values.seed)),
    keep: values.keep,
  };
}

interface ChildRun<T> {
  result?: T;
  failure?: string;
}

/**
 * Runs measure.ts for one engine and phase, enforcing the caps from outside: a child that is
 * killed still tells us, through the events it printed, how far it got.
 */
function runChild<T extends LatencyResult | ThroughputResult>(
  engine: string,
  args: string[],
  caps: { buildMs: number; queryMs: number; memoryBytes: number },
): Promise<ChildRun<T>> {
  const flags = [...engineSpec(engine).nodeFlags, '--expose-gc', `--max-old-space-size=${Math.floor(caps.memoryBytes / 2 ** 20)}`];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', MEASURE, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderrTail = '';
  let killedFor: string | undefined;
  let result: T | undefined;
  let timer: NodeJS.Timeout | undefined;
  const kill = (reason: string) => {
    if (killedFor !== undefined) return;
    killedFor = reason;
    child.kill('SIGKILL');
  };
  const arm = (ms: number, reason: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => kill(reason), ms);
  };
  arm(STARTUP_MS, `did not start within ${STARTUP_MS / 1000} s`);
  const poll = setInterval(() => {
    const rss = residentBytes(child.pid);
    if (rss !== undefined && rss > caps.memoryBytes) kill(`resident memory above ${gigabytes(caps.memoryBytes)} GB`);
  }, RSS_POLL_MS);

  createInterface({ input: child.stdout }).on('line', (line) => {
    let event: ChildEvent;
    try {
      event = JSON.parse(line) as ChildEvent;
    } catch {
      return; // a library writing to stdout; not ours
    }
    if (event.event === 'ready') arm(caps.buildMs, `build did not finish within ${Math.round(caps.buildMs / 1000)} s`);
    else if (event.event === 'built') {
      process.stderr.write(`built in ${event.seconds.toFixed(1)} s … `);
      arm(caps.queryMs + WIND_DOWN_MS, `queries did not stop within ${Math.round((caps.queryMs + WIND_DOWN_MS) / 1000)} s`);
    } else if (event.event === 'done') result = event.result as T;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4_000);
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      if (result && killedFor === undefined) resolve({ result });
      else resolve({ failure: killedFor ?? crashReason(code, signal, stderrTail) });
    });
  });
}

function gigabytes(bytes: number): string {
  return String(Number((bytes / 1e9).toFixed(1)));
}

/** VmRSS of a process from /proc, in bytes; undefined where /proc is unavailable or it has exited. */
function residentBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function crashReason(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  if (/heap out of memory|Allocation failed/i.test(stderr)) return 'V8 heap limit reached (out of memory)';
  const last = stderr.trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join(' / ');
  return `exited with ${signal ?? `code ${code}`}${last ? `: ${last.slice(0, 300)}` : ''}`;
}

async function measureEngine(engine: string, files: { corpus: string; queries: string }, options: Options): Promise<EngineOutcome> {
  const dir = path.join(QUERY_OUT_DIR, 'work', engine);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const spec = engineSpec(engine);
  await spec.dispose?.(dir);
  const outcome: EngineOutcome = { engine, loadAtStart: os.loadavg()[0] ?? 0 };
  const common = ['--engine', engine, '--corpus', files.corpus, '--queries', files.queries, '--dir', dir, '--time-cap', String(options.timeCapSeconds)];
  const capMs = options.timeCapSeconds * 1000;
  try {
    process.stderr.write(`${engine}: latency … `);
    const latency = await runChild<LatencyResult>(engine, ['latency', ...common], { buildMs: capMs, queryMs: capMs, memoryBytes: options.memoryCapBytes });
    if (!latency.result) {
      outcome.latencyFailure = latency.failure ?? 'unknown';
      process.stderr.write(`did not finish: ${outcome.latencyFailure}\n`);
      return outcome;
    }
    outcome.latency = latency.result;
    process.stderr.write(`p50 ${latency.result.latencyMs.p50.toFixed(1)} ms, ${latency.result.queriesRun} queries, peak RSS ${Math.round(latency.result.peakRssMB)} MB\n`);
    process.stderr.write(`${engine}: throughput, ${options.workers} workers … `);
    const throughput = await runChild<ThroughputResult>(engine, ['throughput', ...common, '--workers', String(options.workers)], {
      buildMs: 2 * capMs,
      queryMs: capMs,
      memoryBytes: options.memoryCapBytes,
    });
    if (throughput.result) {
      outcome.throughput = throughput.result;
      process.stderr.write(`${throughput.result.qps.toFixed(1)} queries/s\n`);
    } else {
      outcome.throughputFailure = throughput.failure ?? 'unknown';
      process.stderr.write(`did not finish: ${outcome.throughputFailure}\n`);
    }
    return outcome;
  } finally {
    if (!options.keep) {
      rmSync(dir, { recursive: true, force: true });
      await spec.dispose?.(dir);
    }
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const corpus = ensureCorpus({ passages: options.passages, seed: options.seed, queries: options.queries }, (line) => process.stderr.write(`${line}\n`));
  if (!corpus) {
    console.log(NO_SHARED_DATA_MESSAGE);
    return;
  }
  const { files, manifest } = corpus;
  const machine = describeMachine();
  const started = new Date();
  const startLoad = os.loadavg();
  const t0 = performance.now();
  const outcomes: EngineOutcome[] = [];
  for (const engine of options.peers) outcomes.push(await measureEngine(engine, files, options));
  const totalSeconds = (performance.now() - t0) / 1000;
  const endLoad = os.loadavg();

  const loads = (l: number[]) => l.map((n) => n.toFixed(2)).join(' ');
  const report = [
    `## Query speed and scale (bench/query), ${started.toISOString().slice(0, 10)}: ${manifest.passages.toLocaleString('en-US')} passages`,
    '',
    `Command: \`npx tsx bench/query/run.ts ${process.argv.slice(2).join(' ')}\``,
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(0)} GiB, ${machine.os}, Node ${machine.node}. ` +
      `Load average (1, 5, 15 min) before / after: ${loads(startLoad)} / ${loads(endLoad)}; at each engine's start: ` +
      `${outcomes.map((o) => `${o.engine} ${o.loadAtStart.toFixed(2)}`).join(', ')}. Whole run: ${Math.round(totalSeconds)} s.`,
    `Corpus: ${manifest.passages.toLocaleString('en-US')} passages in ${manifest.sources.toLocaleString('en-US')} sources, ` +
      `${Math.round(manifest.words / manifest.passages)} words per passage, ${(manifest.corpusBytes / 1e6).toFixed(1)} MB of JSONL ` +
      `(seed ${manifest.seed}, sha256 ${manifest.sha256.slice(0, 16)}…); ${manifest.queries.toLocaleString('en-US')} queries of 2–8 words ` +
      `+ ${manifest.warmupQueries} warm-up, k = 10. Caps: ${options.timeCapSeconds} s per build (twice that for the throughput phase's builds) and per query phase, ${gigabytes(options.memoryCapBytes)} GB resident.`,
    '',
    markdownTable(outcomes, options.workers),
    '',
    ...configLines(outcomes),
  ].join('\n');
  console.log(report);
  mkdirSync(QUERY_OUT_DIR, { recursive: true });
  writeFileSync(
    path.join(QUERY_OUT_DIR, `last-run-${manifest.passages}.json`),
    `${JSON.stringify({ started: started.toISOString(), argv: process.argv.slice(2), options, machine, startLoad, endLoad, totalSeconds, manifest, outcomes }, null, 2)}\n`,
  );
}

await main();
