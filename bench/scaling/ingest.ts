/**
 * Ingest throughput, SQLite beside PostgreSQL, and PostgreSQL with 1, 2 and 4 `citemed worker`
 * processes: same files, same run, same machine (docs/scaling.md).
 *
 *   npx tsx bench/scaling/ingest.ts [--files 8] [--workers 1,2,4] [--runs 1] [--keep]
 *
 * Input: bench/ingest's generated MEDLINE file (604 real citations of ../shared/data's 2016
 * baseline fixture, repeated with fresh PMIDs to 32,616 citations), cut into --files gzip files
 * of consecutive records (bench/out/scaling/, git-ignored), so the queue has files to share out.
 * Without ../shared/data it prints that nothing was measured and exits 0.
 *
 * Each row is a fresh library (a new SQLite file, a new PostgreSQL schema on
 * CITEMED_BENCH_POSTGRES_URL, 127.0.0.1:5432/test by default) filled by the real CLI, as an
 * operator would run it:
 *   - `citemed ingest DIR`, one process: the time is the ingest's own (its report's elapsedMs,
 *     from planning to the last commit; Node start-up not counted);
 *   - `citemed worker` × N started and ready first, then `citemed ingest --queue DIR`: the time is
 *     from the first job's start to the last job's completion, as the queue recorded them (the
 *     submitting process's start-up not counted, as the workers' is not).
 * Then `citemed stats --json` gives passages and the library's size on disk (SQLite: pages ×
 * page size; PostgreSQL: the schema's tables, indexes and TOAST). Every row must end with the
 * same sources and passages; the run says so if one does not.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import pg from 'pg';
import { ensureBenchData, NO_SHARED_DATA_MESSAGE, type BenchData } from '../ingest/generate.js';
import { BENCH_POSTGRES_URL } from '../query/postgres.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const BIN = path.join(ROOT, 'bin', 'citemed.js');
const OUT_DIR = path.join(ROOT, 'bench', 'out', 'scaling');
/** A worker that is not ready in this long, or a run that does not finish in this long, fails the row. */
const READY_TIMEOUT_MS = 120_000;
const RUN_TIMEOUT_MS = 30 * 60_000;

interface Options {
  files: number;
  workers: number[];
  runs: number;
  keep: boolean;
}

interface Scenario {
  label: string;
  backend: 'sqlite' | 'postgres';
  /** Worker processes on the queue; 0: one `citemed ingest` process, no queue. */
  workers: number;
}

export interface IngestRow {
  scenario: Scenario;
  run: number;
  seconds: number;
  sources: number;
  passages: number;
  sizeBytes: number;
  loadAtStart: number;
  /** CPU seconds used during the row: by citemed's processes (all their threads), and by the PostgreSQL server. */
  cpu: { citemed: number; postgres: number };
  failure?: string;
}

interface LibraryStats {
  sources: number;
  passages: number;
  sizeBytes?: number;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const data = await ensureBenchData((line) => progress(line));
  if (!data) {
    console.log(NO_SHARED_DATA_MESSAGE.replace('bench/ingest', 'bench/scaling'));
    return;
  }
  const parts = await splitInput(data, options.files);
  const scenarios: Scenario[] = [
    { label: 'SQLite, `citemed ingest`', backend: 'sqlite', workers: 0 },
    { label: 'PostgreSQL, `citemed ingest`', backend: 'postgres', workers: 0 },
    ...options.workers.map((n): Scenario => ({ label: `PostgreSQL, queue, ${n} worker${n === 1 ? '' : 's'}`, backend: 'postgres', workers: n })),
  ];
  const rows: IngestRow[] = [];
  // Runs interleaved (every scenario once, then again), so drift on the machine hits all rows alike.
  for (let run = 1; run <= options.runs; run++) {
    for (const scenario of scenarios) {
      progress(`run ${run}/${options.runs}: ${scenario.label} …`);
      const row = await measure(scenario, run, parts.dir, options.keep);
      progress(row.failure ? `  failed: ${row.failure}` : `  ${row.seconds.toFixed(1)} s, ${row.sources.toLocaleString('en-US')} sources, ${row.passages.toLocaleString('en-US')} passages, ${mb(row.sizeBytes)} MB`);
      rows.push(row);
    }
  }
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(path.join(OUT_DIR, 'last-ingest-run.json'), `${JSON.stringify({ data, files: options.files, rows }, null, 2)}\n`);
  console.log(report(rows, data, options));
}

/** The generated file cut into `count` gzip files of consecutive citations; kept for later runs. */
async function splitInput(data: BenchData, count: number): Promise<{ dir: string; files: string[] }> {
  const dir = path.join(OUT_DIR, `medline-${count}-files`);
  const stamp = path.join(dir, 'source.json');
  const files = Array.from({ length: count }, (_, i) => path.join(dir, `part-${String(i + 1).padStart(2, '0')}.xml.gz`));
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === JSON.stringify({ sha256: data.sha256, count }) && files.every((f) => existsSync(f))) {
    return { dir, files };
  }
  progress(`cutting ${path.relative(ROOT, data.xml)} into ${count} files …`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const text = readFileSync(data.xml, 'utf8');
  const open = /<MedlineCitationSet>/.exec(text);
  if (!open) throw new Error(`${data.xml} has no <MedlineCitationSet>`);
  const prologue = text.slice(0, open.index + open[0].length);
  const records = text.match(/<MedlineCitation\b[\s\S]*?<\/MedlineCitation>/g) ?? [];
  const per = Math.ceil(records.length / count);
  for (const [i, file] of files.entries()) {
    const chunk = records.slice(i * per, (i + 1) * per);
    const body = [`${prologue}\n`, ...chunk.map((r) => `${r}\n`), '</MedlineCitationSet>\n'];
    await pipeline(Readable.from(body), createGzip({ level: 6 }), createWriteStream(file));
  }
  writeFileSync(stamp, JSON.stringify({ sha256: data.sha256, count }));
  return { dir, files };
}

async function measure(scenario: Scenario, run: number, input: string, keep: boolean): Promise<IngestRow> {
  const loadAtStart = os.loadavg()[0] ?? 0;
  const temp = mkdtempSync(path.join(os.tmpdir(), 'citemed-scaling-'));
  const schema = `citemed_bench_ingest_${randomBytes(4).toString('hex')}`;
  const env: NodeJS.ProcessEnv =
    scenario.backend === 'sqlite'
      ? { CITEMED__STORE__PATH: path.join(temp, 'library.db') }
      : { CITEMED__STORE__URL: BENCH_POSTGRES_URL, CITEMED__STORE__SCHEMA: schema, CITEMED__JOBS__POLL_SECONDS: '0.5' };
  const row: IngestRow = { scenario, run, seconds: 0, sources: 0, passages: 0, sizeBytes: 0, loadAtStart, cpu: { citemed: 0, postgres: 0 } };
  const cpu = new CpuMeter();
  try {
    const postgresBefore = postgresCpuSeconds();
    row.seconds = scenario.workers === 0 ? await ingestDirect(input, env, cpu) : await ingestQueued(input, env, schema, scenario.workers, cpu);
    row.cpu = { citemed: cpu.seconds(), postgres: postgresCpuSeconds() - postgresBefore };
    const stats = JSON.parse((await cli(['stats', '--json'], env)).stdout) as LibraryStats;
    row.sources = stats.sources;
    row.passages = stats.passages;
    row.sizeBytes = stats.sizeBytes ?? 0;
  } catch (error) {
    row.failure = (error as Error).message.split('\n')[0] ?? 'failed';
  } finally {
    cpu.stop();
    if (!keep) {
      rmSync(temp, { recursive: true, force: true });
      if (scenario.backend === 'postgres') await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_queue CASCADE`);
    }
  }
  return row;
}

/** One `citemed ingest` process; its own measure of the ingest, in seconds. */
async function ingestDirect(input: string, env: NodeJS.ProcessEnv, cpu: CpuMeter): Promise<number> {
  const result = await cli(['ingest', input, '--json'], env, cpu);
  const report = JSON.parse(result.stdout) as { elapsedMs: number; files: { status: string }[] };
  const failed = report.files.filter((f) => f.status === 'failed').length;
  if (failed > 0) throw new Error(`${failed} file(s) failed`);
  return report.elapsedMs / 1000;
}

/** N workers, ready first; the files queued; seconds from the first job's start to the last one's end. */
async function ingestQueued(input: string, env: NodeJS.ProcessEnv, schema: string, count: number, cpu: CpuMeter): Promise<number> {
  const workers = Array.from({ length: count }, () => startWorker(env, cpu));
  try {
    await Promise.all(workers.map((w) => w.ready));
    const submitted = await cli(['ingest', '--queue', input], env);
    const queued = Number(/queued (\d+) file/.exec(submitted.stdout)?.[1] ?? 0);
    if (queued === 0) throw new Error(`nothing queued: ${submitted.stdout.trim()}`);
    const deadline = performance.now() + RUN_TIMEOUT_MS;
    for (;;) {
      const [state] = await sql<{ done: number; failed: number; first: Date | null; last: Date | null }>(
        `SELECT count(*) FILTER (WHERE state = 'completed')::int AS done, count(*) FILTER (WHERE state = 'failed')::int AS failed,
                min(started_on) AS first, max(completed_on) AS last
           FROM ${schema}_queue.job WHERE name = 'ingest-file'`,
      );
      if (state && state.failed > 0) throw new Error(`${state.failed} ingest job(s) failed`);
      if (state && state.done >= queued && state.first && state.last) {
        cpu.stop(); // the workers' idle polling until they are stopped is not the ingest's
        return (state.last.getTime() - state.first.getTime()) / 1000;
      }
      if (performance.now() > deadline) throw new Error(`not finished after ${RUN_TIMEOUT_MS / 60_000} min`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

function startWorker(env: NodeJS.ProcessEnv, cpu: CpuMeter): { ready: Promise<void>; stop: () => Promise<void> } {
  const child = spawnCli(['worker'], env);
  cpu.watch(child);
  let out = '';
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`a worker was not ready after ${READY_TIMEOUT_MS / 1000} s: ${out.slice(-300)}`)), READY_TIMEOUT_MS);
    let ready = false;
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      // Once: later lines (a job started, a job done) must not move the CPU baseline.
      if (!ready && /worker \d+ ready/.test(out)) {
        ready = true;
        clearTimeout(timer);
        cpu.mark(child);
        resolve();
      }
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`a worker exited (${code}) before it was ready: ${out.slice(-300)}`));
    });
  });
  ready.catch(() => undefined);
  return {
    ready,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function spawnCli(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function cli(args: string[], env: NodeJS.ProcessEnv, cpu?: CpuMeter): Promise<{ stdout: string; stderr: string }> {
  const child = spawnCli(args, env);
  cpu?.watch(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`citemed ${args.join(' ')} exited with ${code}: ${stderr.trim().slice(-300)}`);
  return { stdout, stderr };
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime (+ cutime + cstime: children already reaped) of a process, in clock ticks; undefined once it is gone. */
function processTicks(pid: number | string, withChildren: boolean): { comm: string; ticks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces; the numbers follow the last ')'.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    const at = (n: number): number => Number(fields[n - 3] ?? 0); // fields[0] is field 3 (state)
    return { comm: stat.slice(stat.indexOf('(') + 1, close), ticks: at(14) + at(15) + (withChildren ? at(16) + at(17) : 0) };
  } catch {
    return undefined;
  }
}

/**
 * CPU time of the PostgreSQL server, in seconds: every `postgres` process, with the time of the
 * backends that have exited (counted in the postmaster's children's time). Only meaningful when
 * the server runs on this machine, as here; other clients of the server count too.
 */
function postgresCpuSeconds(): number {
  if (!existsSync('/proc/self/stat')) return 0;
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const p = processTicks(pid, true);
    if (p?.comm === 'postgres') ticks += p.ticks;
  }
  return ticks / TICKS_PER_SECOND;
}

/** CPU time of the citemed processes a row starts, read from /proc every 100 ms while they live. */
class CpuMeter {
  private readonly last = new Map<number, number>();
  private readonly base = new Map<number, number>();
  private readonly timer = setInterval(() => this.sample(), 100);
  private readonly children: ChildProcess[] = [];

  watch(child: ChildProcess): void {
    this.children.push(child);
    child.on('exit', () => this.sample());
  }

  /** From now on only: a worker's start-up (Node, tsx, opening the library) is not ingest work. */
  mark(child: ChildProcess): void {
    if (child.pid === undefined) return;
    const p = processTicks(child.pid, false);
    if (p) this.base.set(child.pid, p.ticks);
  }

  private sample(): void {
    for (const child of this.children) {
      if (child.pid === undefined) continue;
      const p = processTicks(child.pid, false);
      if (p) this.last.set(child.pid, p.ticks);
    }
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }

  seconds(): number {
    this.stop();
    return [...this.last].reduce((sum, [pid, t]) => sum + t - (this.base.get(pid) ?? 0), 0) / TICKS_PER_SECOND;
  }
}

async function sql<T>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
  await client.connect();
  try {
    const result = await client.query(text);
    return (Array.isArray(result) ? [] : result.rows) as T[];
  } finally {
    await client.end();
  }
}

function report(rows: readonly IngestRow[], data: BenchData, options: Options): string {
  const lines = [
    `# citemed ingest scaling: ${data.citations.toLocaleString('en-US')} MEDLINE citations in ${options.files} gzip files, ${new Date().toISOString().slice(0, 10)}`,
    '',
    `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; PostgreSQL on ${BENCH_POSTGRES_URL.replace(/\/\/[^@]*@/, '//')} (same machine, sharing its cores). Load at end ${(os.loadavg()[0] ?? 0).toFixed(2)}.`,
    '',
    '| how | run | seconds | citations/s | passages/s | speed-up | CPU s, citemed / PostgreSQL | CPU ms per citation, citemed / PostgreSQL | sources | passages | size MB | MB per 1M passages | load at start |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const perCitation = (seconds: number): string => ((seconds * 1000) / data.citations).toFixed(2);
  const single = new Map<number, number>();
  for (const row of rows) if (row.scenario.backend === 'postgres' && row.scenario.workers === 1 && !row.failure) single.set(row.run, row.seconds);
  for (const row of rows) {
    if (row.failure) {
      lines.push(`| ${row.scenario.label} | ${row.run} | did not finish: ${row.failure} | | | | | | | | | | ${row.loadAtStart.toFixed(2)} |`);
      continue;
    }
    const base = single.get(row.run);
    const speedUp = row.scenario.workers > 0 && base ? `${(base / row.seconds).toFixed(2)}×` : '';
    lines.push(
      `| ${row.scenario.label} | ${row.run} | ${row.seconds.toFixed(1)} | ${fmt(data.citations / row.seconds)} | ${fmt(row.passages / row.seconds)} | ${speedUp} | ${row.cpu.citemed.toFixed(1)} / ${row.cpu.postgres.toFixed(1)} | ${perCitation(row.cpu.citemed)} / ${perCitation(row.cpu.postgres)} | ${fmt(row.sources)} | ${fmt(row.passages)} | ${mb(row.sizeBytes)} | ${fmt(row.passages > 0 ? row.sizeBytes / 2 ** 20 / (row.passages / 1e6) : 0)} | ${row.loadAtStart.toFixed(2)} |`,
    );
  }
  const done = rows.filter((r) => !r.failure);
  const counts = new Set(done.map((r) => `${r.sources}/${r.passages}`));
  lines.push('');
  lines.push(counts.size <= 1 ? `Parity: every row ended with the same sources and passages (${[...counts][0] ?? 'none'}).` : `PARITY FAILED: rows ended with different sources/passages: ${[...counts].join(', ')}.`);
  lines.push('Speed-up: against the queue with 1 worker in the same run. Citations/s counts the citations in the files (the one DeleteCitation is left out of the cut files).');
  lines.push("CPU: citemed's processes with all their threads (a worker's from when it was ready; `citemed ingest`'s including its start-up), and every PostgreSQL process, whoever it served, read from /proc. On the SQLite row the PostgreSQL figure is other clients' load, not the ingest's.");
  return lines.join('\n');
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      files: { type: 'string', default: '8' },
      workers: { type: 'string', default: '1,2,4' },
      runs: { type: 'string', default: '1' },
      keep: { type: 'boolean', default: false },
    },
  });
  const files = Number(values.files);
  const runs = Number(values.runs);
  const workers = values.workers.split(',').map(Number);
  if (!Number.isInteger(files) || files < 1 || files > 99) throw new Error('--files must be 1 to 99');
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive whole number');
  if (workers.some((n) => !Number.isInteger(n) || n < 1 || n > 32)) throw new Error('--workers must be a comma-separated list of 1 to 32');
  return { files, workers, runs, keep: values.keep };
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

await main();
