import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LAUNCHER_V8_FLAGS } from '../../bin/launch.mjs';
import { ensureBenchData, NO_SHARED_DATA_MESSAGE, OUT_DIR, type BenchData } from './generate.js';
import type { Measurement } from './measure.js';
import { describeMachine, markdownTable, median, parityProblems, verdicts, type Row } from './report.js';

/**
 * MEDLINE ingest throughput, ours vs Python's ElementTree.iterparse, same file, same run:
 *
 *   npx tsx bench/ingest/run.ts [--runs N]      (npm run bench:ingest -- --runs 5)
 *
 * Every measurement runs in a fresh process (peak RSS is its own) and the runs are interleaved
 * (run 1 of every row, then run 2 …), so a noisy neighbour slows all rows alike rather than one.
 * The table shows the median of N runs. The report goes to stdout; progress to stderr.
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const MEASURE = path.join(HERE, 'measure.ts');
const PEER = path.join(HERE, 'peer_iterparse.py');
const run = promisify(execFile);

interface Spec {
  row: Omit<Row, 'records' | 'seconds' | 'peakRssMB'>;
  command: string;
  args: string[];
}

function specs(data: BenchData): Spec[] {
  // Our side runs with the V8 flags bin/citemed.js sets, so memory is measured as users run citemed.
  const node = (args: string[]) => ({ command: process.execPath, args: [...LAUNCHER_V8_FLAGS, '--import', 'tsx', MEASURE, ...args] });
  const files = { xml: data.xml, gz: data.gz } as const;
  const out: Spec[] = [];
  for (const input of ['xml', 'gz'] as const) {
    out.push({ row: { what: `ours: parse only, readMedline (.${ext(input)})`, side: 'ours', kind: 'parse', input }, ...node(['parse', files[input]]) });
  }
  for (const input of ['xml', 'gz'] as const) {
    out.push({ row: { what: `ours: parse+prepare, no store (.${ext(input)})`, side: 'ours', kind: 'prepare', input }, ...node(['prepare', files[input]]) });
  }
  out.push({ row: { what: 'ours: end to end → SQLite, default settings (.xml)', side: 'ours', kind: 'e2e', input: 'xml' }, ...node(['e2e', files.xml, 'embedded']) });
  out.push({ row: { what: 'ours: end to end → SQLite, default settings (.xml.gz)', side: 'ours', kind: 'e2e', input: 'gz' }, ...node(['e2e', files.gz, 'embedded']) });
  out.push({ row: { what: 'ours: end to end → SQLite, low-memory preset, one thread (.xml)', side: 'ours', kind: 'e2e', input: 'xml' }, ...node(['e2e', files.xml, 'low-memory']) });
  for (const input of ['xml', 'gz'] as const) {
    out.push({ row: { what: `peer: Python ElementTree.iterparse (.${ext(input)})`, side: 'peer', kind: 'peer', input }, command: 'python3', args: [PEER, files[input]] });
  }
  return out;
}

function ext(input: 'xml' | 'gz'): string {
  return input === 'gz' ? 'xml.gz' : 'xml';
}

async function measure(spec: Pick<Spec, 'command' | 'args'>): Promise<Measurement> {
  const { stdout } = await run(spec.command, spec.args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Measurement;
}

function parseRuns(argv: readonly string[]): number {
  const at = argv.indexOf('--runs');
  if (at === -1) return 3;
  const runs = Number(argv[at + 1]);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number ≥ 1, e.g. --runs 5');
  return runs;
}

async function main(): Promise<void> {
  const runs = parseRuns(process.argv.slice(2));
  const data = await ensureBenchData((line) => process.stderr.write(`${line}\n`));
  if (!data) {
    console.log(NO_SHARED_DATA_MESSAGE);
    return;
  }
  const machine = describeMachine();
  const all = specs(data).filter((spec) => spec.command !== 'python3' || machine.python !== 'not found');
  const rows: Row[] = all.map((spec) => ({ ...spec.row, records: 0, seconds: [], peakRssMB: [] }));
  const problems: string[] = [];
  const started = new Date();

  const idleOurs = await measure({ command: process.execPath, args: [...LAUNCHER_V8_FLAGS, '--import', 'tsx', MEASURE, 'idle'] });
  const idlePeer =
    machine.python === 'not found'
      ? undefined
      : Number((await run('python3', ['-c', 'import resource, xml.etree.ElementTree, gzip, json, re; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)'])).stdout) * 1024 / 1e6;

  for (let round = 1; round <= runs; round++) {
    for (const [index, spec] of all.entries()) {
      const row = rows[index] as Row;
      process.stderr.write(`run ${round}/${runs}: ${row.what} … `);
      const result = await measure(spec);
      process.stderr.write(`${result.seconds.toFixed(2)} s, ${Math.round(result.peakRssMB)} MB\n`);
      if (result.records !== data.citations) problems.push(`${row.what}, run ${round}: ${result.records} records, expected ${data.citations}`);
      if (result.skips > 0) problems.push(`${row.what}, run ${round}: ${result.skips} records skipped as unreadable`);
      row.records = result.records;
      row.seconds.push(result.seconds);
      row.peakRssMB.push(result.peakRssMB);
      if (result.parity) row.parity = result.parity;
      if (result.passages !== undefined) row.passages = result.passages;
      if (result.dbBytes !== undefined) row.dbBytes = result.dbBytes;
    }
  }
  problems.push(...parityProblems(rows));
  const endLoad = describeMachine().loadAverage;

  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const e2e = rows.find((r) => r.kind === 'e2e' && r.dbBytes !== undefined);
  const prepare = rows.find((r) => r.kind === 'prepare' && r.passages !== undefined);
  const report = [
    `## MEDLINE ingest throughput (bench/ingest), ${started.toISOString().slice(0, 10)}`,
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(0)} GiB, ${machine.os}. ` +
      `Node ${machine.node}, Python ${machine.python}. Load average before/after: ` +
      `${machine.loadAverage.map((n) => n.toFixed(2)).join(' ')} / ${endLoad.map((n) => n.toFixed(2)).join(' ')}.`,
    `File: ${path.relative(ROOT, data.xml)}, ${mb(data.xmlBytes)} MB (${(data.xmlBytes / 2 ** 20).toFixed(1)} MiB) of MEDLINE XML, ` +
      `${data.citations.toLocaleString('en-US')} citations + ${data.deletes} DeleteCitation ` +
      `(the 604 real citations of medline16n0902 × ${data.rounds}, fresh PMIDs; ${Math.round(data.xmlBytes / data.citations).toLocaleString('en-US')} bytes/citation); ` +
      `.xml.gz ${mb(data.gzBytes)} MB. sha256 ${data.sha256.slice(0, 16)}….`,
    `Median of ${runs} run${runs === 1 ? '' : 's'} (interleaved), each in a fresh process; time measured inside the process, start-up excluded. ` +
      `MB/s is MB (10^6 bytes) of uncompressed XML per second for every row, gzip rows included. Peak RSS is the process's maxRSS.`,
    '',
    markdownTable(rows, data.xmlBytes),
    '',
    `Idle peak RSS (process start-up with the modules loaded, nothing read): ours ${Math.round(idleOurs.peakRssMB)} MB (Node + tsx), ` +
      `peer ${idlePeer === undefined ? 'n/a' : Math.round(idlePeer)} MB.` +
      (prepare?.passages !== undefined ? ` Passages made by prepare: ${prepare.passages.toLocaleString('en-US')}.` : '') +
      (e2e?.dbBytes !== undefined ? ` Library size after end to end: ${mb(e2e.dbBytes)} MB.` : ''),
    '',
    'Targets:',
    ...verdicts(rows).map((line) => `- ${line}`),
    '',
    problems.length === 0
      ? 'Checks: every row read every citation; ours and the peer extracted identical counts (authors, MeSH headings, qualifiers, keywords, publication types, comments/corrections, abstract paragraphs, title and abstract characters).'
      : `Checks FAILED:\n${problems.map((p) => `- ${p}`).join('\n')}`,
  ].join('\n');
  console.log(report);
  writeFileSync(
    path.join(OUT_DIR, 'last-run.json'),
    `${JSON.stringify({ started: started.toISOString(), runs, machine, endLoad, data, rows, problems, idleOurs, idlePeer, medianSeconds: rows.map((r) => median(r.seconds)) }, null, 2)}\n`,
  );
}

await main();
