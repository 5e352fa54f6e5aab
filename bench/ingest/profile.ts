import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { summarizeProfile } from './cpuprofile.js';
import { ensureBenchData, NO_SHARED_DATA_MESSAGE, OUT_DIR } from './generate.js';
import { describeMachine, median } from './report.js';

/**
 * Where MEDLINE ingest time goes. Companion to run.ts (which compares with the peer); this one
 * only explains our own numbers:
 *
 *   npx tsx bench/ingest/profile.ts [--input xml|gz] [--preset embedded|low-memory] [--runs N]
 *
 * 1. A ladder of stages, each a fresh process doing one more step than the one before
 *    (read → decode → split records → parse → prepare → pipeline without store → … → full).
 * 2. The full run, instrumented: reader, store transaction, each SQL statement, close.
 * 3. A V8 CPU profile of the full run, self time by part of the code.
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const run = promisify(execFile);

interface StageResult {
  seconds: number;
  peakRssMB: number;
  parts: Record<string, number>;
}

async function child(script: string, args: string[], nodeFlags: string[] = []): Promise<StageResult> {
  const { stdout } = await run(process.execPath, [...nodeFlags, '--import', 'tsx', path.join(HERE, script), ...args], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Partial<StageResult>;
  return { seconds: result.seconds ?? NaN, peakRssMB: result.peakRssMB ?? NaN, parts: result.parts ?? {} };
}

function spread(runs: readonly StageResult[]): string {
  const seconds = runs.map((r) => r.seconds);
  return `${Math.min(...seconds).toFixed(2)}–${Math.max(...seconds).toFixed(2)}`;
}

/** Each named part's median over the runs. */
function medianParts(runs: readonly StageResult[]): Record<string, number> {
  const names = new Set(runs.flatMap((r) => Object.keys(r.parts)));
  return Object.fromEntries([...names].map((name) => [name, median(runs.map((r) => r.parts[name] ?? 0))]));
}

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : (process.argv[at + 1] ?? fallback);
}

async function main(): Promise<void> {
  const input = flag('--input', 'xml');
  const preset = flag('--preset', 'embedded');
  const runs = Number(flag('--runs', '1'));
  const data = await ensureBenchData((line) => process.stderr.write(`${line}\n`));
  if (!data) {
    console.log(NO_SHARED_DATA_MESSAGE);
    return;
  }
  const file = input === 'gz' ? data.gz : data.xml;
  const records = data.citations;
  const machine = describeMachine();

  const ladder: { name: string; script: string; args: string[] }[] = [
    { name: 'read bytes (fs adapter, gunzip if .gz)', script: 'stages.ts', args: ['read', file] },
    { name: '+ UTF-8 decode', script: 'stages.ts', args: ['decode', file] },
    { name: '+ split into records (scanner)', script: 'stages.ts', args: ['split', file] },
    { name: '+ parse records (readMedline, complete)', script: 'measure.ts', args: ['parse', file] },
    { name: '+ prepareSource (parse+prepare)', script: 'measure.ts', args: ['prepare', file] },
    { name: '+ pipeline, store writes nothing (what-if)', script: 'stages.ts', args: ['e2e-no-store', file, preset] },
    { name: '+ SQLite without the FTS5 insert (what-if)', script: 'stages.ts', args: ['e2e-no-fts', file, preset] },
    { name: '+ FTS5 = the real end to end (instrumented)', script: 'stages.ts', args: ['e2e', file, preset] },
  ];
  // Design alternatives, measured without changing src/ (see stages.ts); compared with the real run.
  const whatIfs: { name: string; script: string; args: string[] }[] = [
    { name: 'FTS5: title and MeSH/keyword terms indexed with the first passage only', script: 'stages.ts', args: ['e2e-fts-once', file, preset] },
    { name: 'FTS5: detail=column (no term positions)', script: 'stages.ts', args: ['e2e-fts-detail-column', file, preset] },
  ];
  const steps = [...ladder, ...whatIfs];
  const results: StageResult[][] = steps.map(() => []);
  for (let round = 1; round <= runs; round++) {
    for (const [i, step] of steps.entries()) {
      process.stderr.write(`profile ${round}/${runs}: ${step.name} … `);
      const result = await child(step.script, step.args);
      process.stderr.write(`${result.seconds.toFixed(2)} s\n`);
      results[i]?.push(result);
    }
  }

  const lines: string[] = [
    `## Where the ingest time goes (bench/ingest/profile.ts), ${new Date().toISOString().slice(0, 10)}`,
    '',
    `${machine.cpu}, ${machine.cores} cores; Node ${machine.node}. Input: ${path.relative(ROOT, file)} ` +
      `(${records.toLocaleString('en-US')} citations, ${(data.xmlBytes / 1e6).toFixed(1)} MB XML), preset ${preset}. ` +
      `Median of ${runs} run(s). Load average at start: ${machine.loadAverage.map((n) => n.toFixed(2)).join(' ')}.`,
    '',
    '| stage (cumulative) | seconds | added by this step | records/s | µs/record | peak RSS MB | seconds min–max |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  let previous = 0;
  for (const [i, step] of ladder.entries()) {
    const seconds = median((results[i] ?? []).map((r) => r.seconds));
    const rss = median((results[i] ?? []).map((r) => r.peakRssMB));
    lines.push(
      `| ${step.name} | ${seconds.toFixed(2)} | ${i === 0 ? '' : `${seconds - previous >= 0 ? '+' : ''}${(seconds - previous).toFixed(2)}`} | ` +
        `${Math.round(records / seconds).toLocaleString('en-US')} | ${((seconds / records) * 1e6).toFixed(0)} | ${Math.round(rss)} | ${spread(results[i] ?? [])} |`,
    );
    previous = seconds;
  }

  process.stderr.write('profile: prepareSource split apart …\n');
  const lastPrepare = await child('stages.ts', ['prepare', file]);
  const realIndex = ladder.length - 1;
  const realSeconds = median((results[realIndex] ?? []).map((r) => r.seconds));
  lines.push('', 'What-ifs (bench-only changes applied from outside src/; same file, same preset):', '', '| variant | seconds | vs real end to end | records/s | library MB | seconds min–max |', '|---|---:|---:|---:|---:|---:|');
  for (const [j, step] of [ladder[realIndex], ...whatIfs].entries()) {
    if (!step) continue;
    const runsOf = results[j === 0 ? realIndex : ladder.length + j - 1] ?? [];
    const seconds = median(runsOf.map((r) => r.seconds));
    const dbMB = median(runsOf.map((r) => r.parts.dbMB ?? NaN));
    lines.push(
      `| ${j === 0 ? 'real end to end (as shipped)' : step.name} | ${seconds.toFixed(2)} | ${j === 0 ? '' : `${(((seconds - realSeconds) / realSeconds) * 100).toFixed(0)}%`} | ` +
        `${Math.round(records / seconds).toLocaleString('en-US')} | ${dbMB.toFixed(0)} | ${spread(runsOf)} |`,
    );
  }

  // The real run and the no-FTS what-if side by side: the difference in the COMMIT row is FTS5's flush.
  const noFtsIndex = ladder.findIndex((step) => step.args[0] === 'e2e-no-fts');
  const real = medianParts(results[realIndex] ?? []);
  const noFts = medianParts(results[noFtsIndex] ?? []);
  const perRecord = (seconds: number) => ((seconds / records) * 1e6).toFixed(0);
  lines.push(
    '',
    'The end-to-end run, instrumented (seconds; the SQL rows are inside the store.write row), beside the no-FTS what-if:',
    '',
    '| part | real: seconds | real: µs/record | no FTS insert: seconds |',
    '|---|---:|---:|---:|',
  );
  const derived = (p: Record<string, number>) => {
    const write = p['store.write (whole transaction)'] ?? 0;
    const sql = Object.entries(p).filter(([k]) => k.startsWith('SQL:')).reduce((sum, [, v]) => sum + v, 0);
    return {
      ...p,
      '→ store.write outside the timed statements (BEGIN/COMMIT incl. FTS5 segment flush + WAL auto-checkpoint, row building, JSON)': write - sql,
      '→ pipeline outside reader and store (prepareSource, batching, events)':
        (p.total ?? 0) - (p.reader ?? 0) - write - (p['close (WAL checkpoint)'] ?? 0),
    };
  };
  const realRows = derived(real);
  const noFtsRows = derived(noFts);
  for (const [name, seconds] of Object.entries(realRows)) {
    if (name === 'dbMB' || seconds < 0.005) continue;
    const other = noFtsRows[name as keyof typeof noFtsRows];
    lines.push(`| ${name} | ${seconds.toFixed(2)} | ${perRecord(seconds)} | ${other === undefined ? '—' : other.toFixed(2)} |`);
  }
  {
    lines.push('', 'prepareSource split apart (from the parse+prepare run; the hash rows repeat the work separately, to size its share):', '', '| part | seconds | µs/record |', '|---|---:|---:|');
    for (const [name, seconds] of Object.entries(lastPrepare.parts)) {
      lines.push(`| ${name} | ${seconds.toFixed(2)} | ${((seconds / records) * 1e6).toFixed(0)} |`);
    }
  }

  const profDir = path.join(OUT_DIR, 'cpuprof');
  rmSync(profDir, { recursive: true, force: true });
  mkdirSync(profDir, { recursive: true });
  process.stderr.write('profile: CPU profile of the end-to-end run …\n');
  await child('measure.ts', ['e2e', file, preset], ['--cpu-prof', `--cpu-prof-dir=${profDir}`]);
  // tsx's module loader runs in a worker thread with its own profile; the main thread's is the largest.
  const profile = readdirSync(profDir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort((a, b) => statSync(path.join(profDir, b)).size - statSync(path.join(profDir, a)).size)[0];
  if (profile) {
    const summary = summarizeProfile(path.join(profDir, profile));
    lines.push('', `V8 CPU profile of the end-to-end run (main thread, ${(summary.totalMs / 1000).toFixed(1)} s sampled; ${path.relative(ROOT, path.join(profDir, profile))}):`, '', '| part | self seconds | share |', '|---|---:|---:|');
    for (const { category, ms } of summary.byCategory) {
      if (ms < 20) continue;
      lines.push(`| ${category} | ${(ms / 1000).toFixed(2)} | ${((ms / summary.totalMs) * 100).toFixed(1)}% |`);
    }
    lines.push('', 'Top functions by self time:', '', '| function | self seconds |', '|---|---:|');
    for (const { name, ms } of summary.topFunctions) lines.push(`| ${name} | ${(ms / 1000).toFixed(2)} |`);
  }
  console.log(lines.join('\n'));
  writeFileSync(
    path.join(OUT_DIR, 'last-profile.json'),
    `${JSON.stringify({ machine, file, preset, runs, steps: steps.map((step, i) => ({ ...step, results: results[i] })), prepare: lastPrepare }, null, 2)}\n`,
  );
}

await main();
