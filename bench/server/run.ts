/**
 * The HTTP API under load: `citemed serve` in one process, autocannon in this one, both on
 * 127.0.0.1. Prints a Markdown section for docs/benchmarks.md.
 *
 * Usage (from the project root; no npm script):
 *
 *   npx tsx bench/server/run.ts [--duration 10] [--connections 10] [--warmup 2]
 *        [--scenarios article,article-page,sources,search,ask,health]
 *
 * What it does, in order:
 *
 * 1. Ingests library/starter into a temporary library the way a user would:
 *    `node bin/citemed.js --db <tmp> --preset low-memory ingest -q library/starter`.
 *    Then makes an editor account and an API key for it with `citemed accounts create` (password
 *    on standard input) and `citemed accounts key`.
 * 2. Starts `node bin/citemed.js --db <tmp> serve --host 127.0.0.1 --port 0` as a child process,
 *    reads the URL it prints on stdout (port 0: the kernel picks a free one, so nothing races for
 *    it) and polls `GET /ready` until it answers 200. The request log (stderr) goes to a file in
 *    the temporary directory, not through this process, so writing it costs the server what it
 *    costs in production and costs the load generator nothing.
 *    Publishes one article through the API with the editor's key (the iliopsoas abscess question),
 *    which the two article scenarios read, anonymously, as the public does.
 * 3. For each scenario: sends every distinct request once with fetch and checks the answer (a
 *    wrong URL or an empty library fails here, before anything is timed); runs autocannon for
 *    --warmup seconds and throws the result away (JIT, caches); then runs it for --duration
 *    seconds with --connections keep-alive connections and records every response's latency.
 *    Rotating paths and bodies are chosen per request in `setupRequest`, from one counter shared
 *    by all connections, so consecutive requests ask different questions.
 * 4. Samples the server's CPU time and resident memory from /proc every 250 ms (on systems
 *    without /proc, RSS from `ps`), and reads its peak RSS (VmHWM) and `/metrics` at the end.
 * 5. Sends SIGTERM and checks that the server exits 0 within its grace period; removes the
 *    temporary directory.
 *
 * Any non-2xx response, socket error or timeout in a measured run prints a FAIL line and the
 * script exits 1 (after cleaning up). Progress goes to stderr, the report to stdout.
 *
 * Settings: the server gets the defaults of `citemed serve` with the CITEMED_* environment of the
 * calling shell removed, so a run does not depend on the shell it was started from, plus two
 * deliberate changes that the report prints: the extractive composer (the default, pinned), and
 * rate limits raised to the highest values the settings schema accepts (one client address sending
 * thousands of requests a second is exactly what the limiter exists to stop). A
 * citemed.config.json in the project root would still apply; the report says so if there is one.
 *
 * Latency percentiles are computed here from autocannon's per-response times (float ms, from
 * sending the request to the end of the response), not from autocannon's own histogram, which
 * keeps whole milliseconds and has no p95. Requests per second is autocannon's mean of its
 * one-second samples.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon, { type Request as LoadRequest, type Result as LoadResult } from 'autocannon';
import { STARTER_QUESTIONS } from '../answer/questions.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const CLI = path.join(ROOT, 'bin', 'citemed.js');
const STARTER_DIR = path.join(ROOT, 'library', 'starter');
const HOST = '127.0.0.1';

/** The source read in the `sources` scenario. */
const SOURCE_ID = 'doc:overview-iliopsoas-abscess';
/** 20 of the 40 starter questions (every other one, so 20 different topics), asked in turn. */
const QUESTIONS: readonly string[] = STARTER_QUESTIONS.filter((_, i) => i % 2 === 0).slice(0, 20);

/** Upper bounds on the flags: the run must stay bounded in time and in the samples it keeps. */
const MAX_DURATION_S = 300;
const MAX_CONNECTIONS = 1_000;
/** How long to wait for the server to print its URL, and then for /ready. */
const START_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 30_000;
const INGEST_TIMEOUT_MS = 300_000;
/** autocannon's per-request timeout, seconds: a request slower than this counts as an error. */
const REQUEST_TIMEOUT_S = 10;
const SAMPLE_EVERY_MS = 250;

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

interface Options {
  durationS: number;
  connections: number;
  warmupS: number;
  scenarios: ScenarioName[];
}

const SCENARIO_NAMES = ['article', 'article-page', 'sources', 'search', 'ask', 'health'] as const;
/** The question of the article the article scenarios read. */
const ARTICLE_QUESTION = 'What is the management of an iliopsoas abscess?';
type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Reads the flags; anything out of range or unknown stops the run before it starts. */
function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      scenarios: { type: 'string', default: SCENARIO_NAMES.join(',') },
    },
  });
  const whole = (text: string, flag: string, min: number, max: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
    return n;
  };
  const scenarios = values.scenarios
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of scenarios) {
    if (!(SCENARIO_NAMES as readonly string[]).includes(name)) throw new UsageError(`--scenarios: unknown scenario ${JSON.stringify(name)}; use ${SCENARIO_NAMES.join(', ')}`);
  }
  if (scenarios.length === 0) throw new UsageError(`--scenarios names at least one of ${SCENARIO_NAMES.join(', ')}`);
  return {
    durationS: whole(values.duration, '--duration', 1, MAX_DURATION_S),
    connections: whole(values.connections, '--connections', 1, MAX_CONNECTIONS),
    warmupS: whole(values.warmup, '--warmup', 0, 60),
    scenarios: [...new Set(scenarios)] as ScenarioName[],
  };
}

class UsageError extends Error {}

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

/** One distinct request of a scenario, as fetch sends it for the correctness check. */
interface Probe {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

interface Scenario {
  name: ScenarioName;
  /** The request, as the table shows it. */
  label: string;
  /** Every distinct request the scenario sends (1 or 20), in the order they rotate. */
  probes: Probe[];
  /** Checks one answer to a probe; returns a problem, or a short tag to tally (e.g. answer status). */
  check(body: unknown): { problem?: string; tag?: string };
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

function scenario(name: ScenarioName, article: { id: string; url: string }): Scenario {
  switch (name) {
    case 'article':
      return {
        name,
        label: '`GET /api/v1/articles/<id>` (an article as readers see it, JSON)',
        probes: [{ method: 'GET', path: `/api/v1/articles/${article.id}` }],
        check: (body) => {
          const b = body as { article?: { id?: string }; answer?: { bottomLine?: unknown[] } };
          if (b.article?.id !== article.id) return { problem: `expected article ${article.id}, got ${JSON.stringify(b.article?.id)}` };
          return { tag: `${b.answer?.bottomLine?.length ?? 0} bottom-line statements` };
        },
      };
    case 'article-page':
      return {
        name,
        label: '`GET /articles/<id>/<slug>` (the server-rendered page)',
        probes: [{ method: 'GET', path: article.url }],
        check: (body) => (typeof body === 'string' && body.includes('Pending human review') ? { tag: 'html' } : { problem: 'not the article page' }),
      };
    case 'sources':
      return {
        name,
        label: `\`GET /api/v1/sources/${SOURCE_ID}\``,
        probes: [{ method: 'GET', path: `/api/v1/sources/${encodeURIComponent(SOURCE_ID)}` }],
        check: (body) => {
          const b = body as { source?: { id?: string }; passages?: unknown[] };
          if (b.source?.id !== SOURCE_ID) return { problem: `expected source ${SOURCE_ID}, got ${JSON.stringify(b.source?.id)}` };
          return { tag: `${b.passages?.length ?? 0} passages` };
        },
      };
    case 'search':
      return {
        name,
        label: `\`GET /api/v1/search?q=…\` (${QUESTIONS.length} questions in turn)`,
        probes: QUESTIONS.map((q) => ({ method: 'GET', path: `/api/v1/search?q=${encodeURIComponent(q)}` })),
        check: (body) => {
          const hits = (body as { hits?: unknown[] }).hits;
          if (!Array.isArray(hits)) return { problem: 'no hits array' };
          return { tag: hits.length > 0 ? 'with hits' : 'no hits' };
        },
      };
    case 'ask':
      return {
        name,
        label: `\`POST /api/v1/ask\` (${QUESTIONS.length} questions in turn, extractive composer)`,
        probes: QUESTIONS.map((question) => ({ method: 'POST', path: '/api/v1/ask', body: JSON.stringify({ question }) })),
        check: (body) => {
          const status = (body as { status?: string }).status;
          if (status !== 'answered' && status !== 'insufficient') return { problem: `unexpected answer status ${JSON.stringify(status)}` };
          return { tag: status };
        },
      };
    case 'health':
      return {
        name,
        label: '`GET /health` (ceiling: no library work)',
        probes: [{ method: 'GET', path: '/health' }],
        check: (body) => ((body as { status?: string }).status === 'ok' ? { tag: 'ok' } : { problem: `health said ${JSON.stringify(body)}` }),
      };
  }
}

/**
 * The autocannon request list for a scenario: one template whose `setupRequest` picks the next
 * probe from a counter shared by every connection, so the rotation is global rather than each
 * connection starting again at the first question.
 */
function loadRequests(s: Scenario): LoadRequest[] {
  const first = s.probes[0]!;
  const template: LoadRequest = {
    method: first.method,
    path: first.path,
    headers: first.body === undefined ? { accept: 'application/json' } : JSON_HEADERS,
    ...(first.body === undefined ? {} : { body: first.body }),
  };
  if (s.probes.length === 1) return [template];
  let next = 0;
  return [
    {
      ...template,
      setupRequest: (request) => {
        const probe = s.probes[next++ % s.probes.length]!;
        request.method = probe.method;
        request.path = probe.path;
        if (probe.body !== undefined) request.body = probe.body;
        return request;
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The library and the server
// ---------------------------------------------------------------------------------------------

/** The calling shell's environment without CITEMED_*, plus `extra`. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CITEMED')));
  return { ...env, ...extra };
}

/** `node bin/citemed.js --db <db> --preset low-memory ingest -q library/starter`; returns seconds taken. */
function buildLibrary(db: string): number {
  const started = performance.now();
  const child = spawnSync(process.execPath, [CLI, '--db', db, '--preset', 'low-memory', 'ingest', '-q', STARTER_DIR], {
    cwd: ROOT,
    env: cleanEnv({}),
    encoding: 'utf8',
    timeout: INGEST_TIMEOUT_MS,
  });
  if (child.status !== 0) throw new Error(`ingest failed (exit ${child.status ?? child.signal}):\n${child.stderr}${child.stdout}`);
  return (performance.now() - started) / 1000;
}

/** An editor account and an API key for it, through the CLI as an operator would; returns the key. */
function makeEditor(db: string): string {
  const run = (args: string[], input?: string): string => {
    const child = spawnSync(process.execPath, [CLI, '--db', db, ...args], { cwd: ROOT, env: cleanEnv({}), encoding: 'utf8', timeout: 60_000, ...(input ? { input } : {}) });
    if (child.status !== 0) throw new Error(`citemed ${args.slice(0, 2).join(' ')} failed (exit ${child.status ?? child.signal}):\n${child.stderr}`);
    return child.stdout.trim();
  };
  run(['accounts', 'create', 'bench-editor', '--role', 'editor', '--name', 'Bench Editor'], 'bench editor passphrase');
  return run(['accounts', 'key', 'bench-editor', '--name', 'bench/server']);
}

/** Publishes the article the article scenarios read; returns its id and page URL. */
async function publishArticle(url: string, key: string): Promise<{ id: string; url: string }> {
  const response = await fetch(`${url}/api/v1/articles`, {
    method: 'POST',
    headers: { ...JSON_HEADERS, authorization: `Bearer ${key}` },
    body: JSON.stringify({ question: ARTICLE_QUESTION }),
  });
  const body = (await response.json()) as { id?: string; url?: string };
  if (response.status !== 201 || !body.id || !body.url) throw new Error(`publishing the article failed: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
  return { id: body.id, url: body.url };
}

/** Sources and passages in the library, from `citemed stats --json` (undefined if it fails). */
function libraryStats(db: string): { sources: number; passages: number } | undefined {
  const child = spawnSync(process.execPath, [CLI, '--db', db, 'stats', '--json'], { cwd: ROOT, env: cleanEnv({}), encoding: 'utf8', timeout: 60_000 });
  try {
    const stats = JSON.parse(child.stdout) as { sources?: number; passages?: number };
    return typeof stats.sources === 'number' && typeof stats.passages === 'number' ? { sources: stats.sources, passages: stats.passages } : undefined;
  } catch {
    return undefined;
  }
}

/** What the settings schema says about the server, for the overrides and the shutdown wait. */
interface ServerDefaults {
  /** Environment variables that lift the rate limits, and a sentence saying what they do. */
  rateLimitEnv: Record<string, string>;
  rateLimitNote: string;
  shutdownGraceMs: number;
}

/**
 * Reads the server's defaults from src/config/settings.ts and works out how to lift its rate
 * limits through CITEMED__SERVER__… variables. Per-period limits (`…PerMinute`, `…PerSecond`, …)
 * are raised to the largest value the schema accepts, so the limiter still runs on every request
 * as it does in production; if there are none but an `enabled` switch exists, the limiter is
 * switched off. The schema is read at run time because the limiter is new and its settings may
 * change; if the file cannot be read the limits stay as they are and the report says so.
 */
async function serverDefaults(): Promise<ServerDefaults> {
  let schema: { parse(value: unknown): unknown; safeParse(value: unknown): { success: boolean } };
  try {
    ({ SettingsSchema: schema } = (await import('../../src/config/settings.js')) as unknown as { SettingsSchema: typeof schema });
  } catch (error) {
    return { rateLimitEnv: {}, rateLimitNote: `could not read src/config/settings.ts (${(error as Error).message}); rate limits left at their defaults`, shutdownGraceMs: 30_000 };
  }
  const server = ((schema.parse({}) as { server?: Record<string, unknown> }).server ?? {}) as Record<string, unknown>;
  const shutdownGraceMs = typeof server.shutdownGraceMs === 'number' ? server.shutdownGraceMs : 30_000;
  const env: Record<string, string> = {};
  const said: string[] = [];
  const accepts = (patch: Record<string, unknown>) => schema.safeParse({ server: patch }).success;
  for (const [key, value] of Object.entries(server)) {
    if (!/rate/i.test(key)) continue;
    const prefix = `CITEMED__SERVER__${envName(key)}`;
    if (typeof value === 'boolean') {
      env[prefix] = 'false';
      said.push(`\`${prefix}=false\``);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const leaves = value as Record<string, unknown>;
    const periodic = Object.keys(leaves).filter((leaf) => typeof leaves[leaf] === 'number' && /per(second|minute|hour|day)$/i.test(leaf));
    for (const leaf of periodic) {
      const high = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4].find((n) => accepts({ [key]: { [leaf]: n } }));
      if (high === undefined) continue;
      env[`${prefix}__${envName(leaf)}`] = String(high);
      said.push(`\`${prefix}__${envName(leaf)}=${high}\` (default ${String(leaves[leaf])})`);
    }
    if (periodic.length === 0 && typeof leaves.enabled === 'boolean') {
      env[`${prefix}__ENABLED`] = 'false';
      said.push(`\`${prefix}__ENABLED=false\``);
    }
  }
  const rateLimitNote = said.length > 0 ? `rate limits raised for the load test: ${said.join(', ')}` : 'no rate-limit settings found; none changed';
  return { rateLimitEnv: env, rateLimitNote, shutdownGraceMs };
}

/** requestsPerMinute → REQUESTS_PER_MINUTE, the spelling src/config/load-settings.ts reads back. */
function envName(camel: string): string {
  return camel.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

interface Server {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code (or signal name) when the child exits. */
  exited: Promise<number | string>;
}

/**
 * Starts `node bin/citemed.js --db <db> serve --host 127.0.0.1 --port 0` and waits until it has
 * printed its URL and `/ready` answers 200. stderr (the request log) goes to `logFile`.
 */
async function startServer(db: string, env: NodeJS.ProcessEnv, logFile: string): Promise<Server> {
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [CLI, '--db', db, 'serve', '--host', HOST, '--port', '0'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', log],
  });
  closeSync(log);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  let stdout = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server printed no URL within ${START_TIMEOUT_MS / 1000} s; stdout: ${stdout}\n${tail(logFile)}`)), START_TIMEOUT_MS);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      stdout += chunk;
      const match = /\bat (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before it was ready:\n${stdout}${tail(logFile)}`));
    });
  });
  child.stdout!.resume(); // keep draining anything it prints later
  const deadline = performance.now() + READY_TIMEOUT_MS;
  for (;;) {
    const status = await fetch(`${url}/ready`).then(
      (response) => response.arrayBuffer().then(() => response.status),
      () => 0,
    );
    if (status === 200) break;
    if (child.exitCode !== null || performance.now() > deadline) throw new Error(`${url}/ready did not answer 200 (last: ${status || 'no connection'})\n${tail(logFile)}`);
    await sleep(100);
  }
  return { child, url, exited };
}

/** The last lines of the server's log, for error messages. */
function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Sends SIGTERM and waits for the exit; kills the server if it outlives the grace period. */
async function stopServer(server: Server, waitMs: number): Promise<{ code: number | string; ms: number; timedOut: boolean }> {
  const started = performance.now();
  server.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([server.exited, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), waitMs)))]);
  clearTimeout(timer);
  const ms = performance.now() - started;
  if (outcome !== 'timeout') return { code: outcome, ms, timedOut: false };
  server.child.kill('SIGKILL');
  return { code: await server.exited, ms, timedOut: true };
}

// ---------------------------------------------------------------------------------------------
// Watching the server process
// ---------------------------------------------------------------------------------------------

/** CPU time and memory of one process, from /proc on Linux and `ps` elsewhere. */
class ProcessWatch {
  private readonly ticksPerSecond: number;
  private readonly proc: boolean;

  constructor(private readonly pid: number) {
    this.proc = existsSync(`/proc/${pid}/stat`);
    this.ticksPerSecond = this.proc ? clockTicks() : 100;
  }

  /** User + system CPU seconds so far (undefined without /proc). */
  cpuSeconds(): number | undefined {
    if (!this.proc) return undefined;
    try {
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the command name: state is field 3 of proc(5), so utime (14) and stime (15) are at 11 and 12.
      return (Number(fields[11]) + Number(fields[12])) / this.ticksPerSecond;
    } catch {
      return undefined;
    }
  }

  /** Resident set size now, bytes. */
  rssBytes(): number | undefined {
    if (this.proc) return this.statusField('VmRSS');
    try {
      const kb = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(this.pid)], { encoding: 'utf8' }).trim());
      return Number.isFinite(kb) && kb > 0 ? kb * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /** The kernel's record of the largest RSS the process has had (VmHWM), bytes; Linux only. */
  peakRssBytes(): number | undefined {
    return this.proc ? this.statusField('VmHWM') : undefined;
  }

  private statusField(name: string): number | undefined {
    try {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return match ? Number(match[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }
}

function clockTicks(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

/** `process_resident_memory_bytes` from the server's /metrics, or undefined. */
async function metricsRss(url: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const match = /^process_resident_memory_bytes\s+(\d+(?:\.\d+)?(?:e\+?\d+)?)$/m.exec(text);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Running one scenario
// ---------------------------------------------------------------------------------------------

/** Response times in ms, in a typed array that grows by doubling. */
class Latencies {
  private values = new Float64Array(1 << 16);
  length = 0;

  add(ms: number): void {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = ms;
  }

  /** Nearest-rank percentiles of what was recorded (NaN when nothing was). */
  percentiles(ps: number[]): number[] {
    const sorted = this.values.slice(0, this.length).sort();
    return ps.map((p) => (sorted.length === 0 ? Number.NaN : sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!));
  }
}

interface Measured {
  scenario: Scenario;
  /** Tally of the correctness check's tags, e.g. "answered" × 17. */
  tags: Map<string, number>;
  result: LoadResult;
  p50: number;
  p95: number;
  p99: number;
  /** Server CPU as a share of one core over the measured run (1 = one core busy). */
  serverCpu: number | undefined;
  /** This process's CPU (autocannon) as a share of one core. */
  clientCpu: number;
  serverRssMax: number | undefined;
}

/** Sends each distinct request once with fetch and checks its answer; throws on the first problem. */
async function checkScenario(url: string, s: Scenario): Promise<Map<string, number>> {
  const tags = new Map<string, number>();
  for (const probe of s.probes) {
    const response = await fetch(`${url}${probe.path}`, {
      method: probe.method,
      headers: probe.body === undefined ? { accept: 'application/json' } : JSON_HEADERS,
      ...(probe.body === undefined ? {} : { body: probe.body }),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${s.name}: ${probe.method} ${probe.path} answered ${response.status}: ${text.slice(0, 300)}`);
    const json = (response.headers.get('content-type') ?? '').includes('json');
    const { problem, tag } = s.check(json ? JSON.parse(text) : text);
    if (problem) throw new Error(`${s.name}: ${probe.method} ${probe.path}: ${problem}`);
    if (tag) tags.set(tag, (tags.get(tag) ?? 0) + 1);
  }
  return tags;
}

/** One autocannon run; `onResponse` sees each response's status and time in ms. */
function load(url: string, s: Scenario, connections: number, durationS: number, onResponse?: (status: number, ms: number) => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, connections, duration: durationS, pipelining: 1, timeout: REQUEST_TIMEOUT_S, requests: loadRequests(s), title: s.name },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (onResponse) instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => onResponse(status, ms));
    stopOnInterrupt = () => instance.stop();
  });
}

/** Stops the autocannon run in progress when the user presses Ctrl-C. */
let stopOnInterrupt: (() => void) | undefined;

async function runScenario(server: Server, watch: ProcessWatch, s: Scenario, options: Options): Promise<Measured> {
  progress(`${s.name}: checking ${s.probes.length} request(s)`);
  const tags = await checkScenario(server.url, s);
  if (options.warmupS > 0) {
    progress(`${s.name}: warming up for ${options.warmupS} s`);
    await load(server.url, s, options.connections, options.warmupS);
  }
  progress(`${s.name}: measuring for ${options.durationS} s with ${options.connections} connections`);
  const latencies = new Latencies();
  let rssMax = watch.rssBytes();
  const sampler = setInterval(() => {
    const rss = watch.rssBytes();
    if (rss !== undefined) rssMax = Math.max(rssMax ?? 0, rss);
  }, SAMPLE_EVERY_MS);
  const cpuBefore = watch.cpuSeconds();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const result = await load(server.url, s, options.connections, options.durationS, (_status, ms) => latencies.add(ms)).finally(() => clearInterval(sampler));
  const wallS = (performance.now() - started) / 1000;
  const cpuAfter = watch.cpuSeconds();
  const client = process.cpuUsage(clientBefore);
  const [p50, p95, p99] = latencies.percentiles([50, 95, 99]) as [number, number, number];
  return {
    scenario: s,
    tags,
    result,
    p50,
    p95,
    p99,
    serverCpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / wallS,
    clientCpu: (client.user + client.system) / 1e6 / wallS,
    serverRssMax: rssMax,
  };
}

/** What is wrong with a measured run, if anything (non-2xx, errors, timeouts, nothing sent). */
function failures(m: Measured): string[] {
  const out: string[] = [];
  const r = m.result;
  if (r.non2xx > 0) {
    const codes = Object.entries(r.statusCodeStats)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, { count }]) => `${code}×${count}`)
      .join(', ');
    const hint = '429' in r.statusCodeStats ? ' (429: rate-limited; check the server.rateLimit settings this script lifts)' : '';
    out.push(`${r.non2xx} non-2xx responses: ${codes}${hint}`);
  }
  if (r.errors > 0) out.push(`${r.errors} errors (${r.timeouts} of them timeouts after ${REQUEST_TIMEOUT_S} s)`);
  if (r.requests.total === 0) out.push('no request completed');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function progress(line: string): void {
  process.stderr.write(`bench/server: ${line}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}

function mb(bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : `${Math.round(bytes / 1024 / 1024)} MB`;
}

function share(cores: number | undefined): string {
  return cores === undefined ? 'n/a' : `${Math.round(cores * 100)}%`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function rate(n: number): string {
  return n >= 100 ? count(Math.round(n)) : n.toFixed(1);
}

interface Context {
  options: Options;
  command: string;
  machine: { cpus: number; cpuModel: string; memory: string; node: string; os: string; loadAtStart: number[] };
  autocannonVersion: string;
  ingestSeconds: number;
  stats: { sources: number; passages: number } | undefined;
  serverNotes: string[];
  peakRss: number | undefined;
  metricsRssAtEnd: number | undefined;
  shutdown: { code: number | string; ms: number; timedOut: boolean } | undefined;
  cleaned: boolean;
}

function report(ctx: Context, rows: Measured[], problems: string[]): string {
  const { options, machine } = ctx;
  const lines: string[] = [];
  lines.push('## HTTP API under load (`bench/server`)', '');
  lines.push(`\`${ctx.command}\``, '');
  lines.push(
    `\`citemed serve\` in a child process and autocannon ${ctx.autocannonVersion} in the benchmark process, both on 127.0.0.1 (the same ${machine.cpus} CPUs). ` +
      `Per scenario: each distinct request checked once, ${options.warmupS} s of warm-up (discarded), then ${options.durationS} s with ${options.connections} keep-alive connections, one request at a time on each.`,
    '',
  );
  lines.push('| scenario | req/s (mean) | p50 ms | p95 ms | p99 ms | requests | non-2xx | errors | server CPU | bench CPU | server RSS (max) |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const m of rows) {
    const r = m.result;
    lines.push(
      `| ${m.scenario.label} | ${rate(r.requests.average)} | ${ms(m.p50)} | ${ms(m.p95)} | ${ms(m.p99)} | ${count(r.requests.total)} | ${count(r.non2xx)} | ${count(r.errors)} | ${share(m.serverCpu)} | ${share(m.clientCpu)} | ${mb(m.serverRssMax)} |`,
    );
  }
  lines.push('');
  lines.push(`- **Article reads:** one article, published through the API before the run ("${ARTICLE_QUESTION}"), read anonymously as the public reads it: the JSON view and the HTML page. Each read loads the article and its shown version (the whole answer, as JSON) from SQLite.`);
  for (const m of rows) {
    if (m.tags.size > 0 && m.scenario.probes.length > 1) {
      const tally = [...m.tags].map(([tag, n]) => `${tag} ${n}`).join(', ');
      lines.push(`- **${m.scenario.name}** (checked before timing, one request per question): ${tally} of ${m.scenario.probes.length}.`);
    }
  }
  lines.push(
    '- **Latency** is from sending a request to the end of its response, per response (p50/p95/p99 nearest rank). **req/s** is the mean of one-second samples. ' +
      '**Server CPU** and **bench CPU** are CPU time over wall time (100% = one core busy); the load generator competes with the server for the same cores, so these figures are a floor for what the server alone could do.',
  );
  lines.push(`- **Server memory:** peak RSS ${mb(ctx.peakRss)} over the whole run (VmHWM: start, checks, warm-ups and measured runs); ${mb(ctx.metricsRssAtEnd)} at the end by \`/metrics\`. The RSS column is the largest of samples every ${SAMPLE_EVERY_MS} ms during each measured run.`);
  lines.push(`- **Library:** library/starter${ctx.stats ? ` (${count(ctx.stats.sources)} sources, ${count(ctx.stats.passages)} passages)` : ''}, ingested with the low-memory preset in ${ctx.ingestSeconds.toFixed(1)} s into a temporary file.`);
  lines.push(`- **Server settings:** defaults, with the calling shell's CITEMED_* variables removed; ${ctx.serverNotes.join('; ')}. The request log (level info) was written to a file.`);
  lines.push(`- **Machine:** ${machine.cpus} × ${machine.cpuModel}, ${machine.memory}, ${machine.os}, Node ${machine.node}; load average at start ${machine.loadAtStart.map((n) => n.toFixed(2)).join(' / ')} (1 / 5 / 15 min).`);
  if (ctx.shutdown) {
    const { code, ms: took, timedOut } = ctx.shutdown;
    lines.push(`- **Shutdown:** SIGTERM → ${timedOut ? `still running after ${(took / 1000).toFixed(1)} s, killed` : `exit ${code} after ${Math.round(took)} ms`}.${ctx.cleaned ? ' Temporary files removed.' : ''}`);
  }
  lines.push('');
  if (problems.length > 0) for (const problem of problems) lines.push(`FAIL: ${problem}`);
  else lines.push(`PASS: ${rows.length} scenario(s), 0 non-2xx, 0 errors; the server stopped on SIGTERM with exit 0.`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`bench/server: ${(error as Error).message}\nusage: npx tsx bench/server/run.ts [--duration 10] [--connections 10] [--warmup 2] [--scenarios ${SCENARIO_NAMES.join(',')}]\n`);
      return 64;
    }
    throw error;
  }
  const cpus = os.cpus();
  const machine = {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
    memory: `${Math.round(os.totalmem() / 1024 ** 3)} GiB RAM`,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAtStart: os.loadavg(),
  };
  const require = createRequire(import.meta.url);
  const autocannonVersion = (require('autocannon/package.json') as { version: string }).version;

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'citemed-bench-server-'));
  const db = path.join(tmp, 'citemed.db');
  const logFile = path.join(tmp, 'serve.log');
  let server: Server | undefined;
  const ctx: Context = {
    options,
    command: ['npx tsx bench/server/run.ts', ...process.argv.slice(2)].join(' '),
    machine,
    autocannonVersion,
    ingestSeconds: 0,
    stats: undefined,
    serverNotes: [],
    peakRss: undefined,
    metricsRssAtEnd: undefined,
    shutdown: undefined,
    cleaned: false,
  };

  // Ctrl-C: stop the load, stop the server, remove the files, exit 130.
  let interrupted = false;
  const onInterrupt = () => {
    if (interrupted) return;
    interrupted = true;
    progress('interrupted; stopping');
    stopOnInterrupt?.();
    server?.child.kill('SIGTERM');
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);

  const rows: Measured[] = [];
  const problems: string[] = [];
  try {
    progress(`ingesting library/starter into ${db}`);
    ctx.ingestSeconds = buildLibrary(db);
    ctx.stats = libraryStats(db);
    const editorKey = makeEditor(db);
    const defaults = await serverDefaults();
    ctx.serverNotes.push('`CITEMED__ANSWER__COMPOSER=extractive`', defaults.rateLimitNote);
    if (existsSync(path.join(ROOT, 'citemed.config.json'))) ctx.serverNotes.push('citemed.config.json in the project root also applied');
    const env = cleanEnv({ CITEMED__ANSWER__COMPOSER: 'extractive', ...defaults.rateLimitEnv });

    progress('starting the server');
    server = await startServer(db, env, logFile);
    const watch = new ProcessWatch(server.child.pid!);
    progress(`server ${server.url} (pid ${server.child.pid}) is ready`);
    const article = await publishArticle(server.url, editorKey);
    progress(`published article ${article.url}`);

    for (const name of options.scenarios) {
      if (interrupted) break;
      const measured = await runScenario(server, watch, scenario(name, article), options);
      rows.push(measured);
      for (const problem of failures(measured)) problems.push(`${name}: ${problem}`);
      await sleep(500); // let answers cut off at the end of the run finish before the next scenario
    }

    ctx.metricsRssAtEnd = await metricsRss(server.url);
    ctx.peakRss = watch.peakRssBytes() ?? Math.max(...rows.map((m) => m.serverRssMax ?? 0));
    progress('stopping the server (SIGTERM)');
    const waitMs = defaults.shutdownGraceMs + 10_000;
    ctx.shutdown = await stopServer(server, waitMs);
    if (ctx.shutdown.timedOut) problems.push(`the server did not exit within ${waitMs / 1000} s of SIGTERM (grace period + 10 s) and was killed`);
    else if (ctx.shutdown.code !== 0) problems.push(`the server exited with ${ctx.shutdown.code} after SIGTERM, not 0\n${tail(logFile)}`);
  } catch (error) {
    problems.push((error as Error).message);
  } finally {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    rmSync(tmp, { recursive: true, force: true });
    ctx.cleaned = !existsSync(tmp);
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }

  if (interrupted) {
    process.stderr.write('bench/server: interrupted; no report\n');
    return 130;
  }
  process.stdout.write(`${report(ctx, rows, problems)}\n`);
  return problems.length > 0 ? 1 : 0;
}

process.exitCode = await main();
