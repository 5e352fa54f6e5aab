import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { Parity } from './measure.js';

/** Formatting for run.ts: the machine line, the Markdown table, the verdicts. */

export interface Row {
  what: string;
  /** Ours or the peer's; targets apply to ours. */
  side: 'ours' | 'peer';
  kind: 'parse' | 'prepare' | 'e2e' | 'peer';
  input: 'xml' | 'gz';
  records: number;
  /** One value per run. */
  seconds: number[];
  peakRssMB: number[];
  parity?: Parity;
  passages?: number;
  dbBytes?: number;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  python: string;
  loadAverage: number[];
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  let python = 'not found';
  try {
    python = execFileSync('python3', ['--version'], { encoding: 'utf8' }).trim().replace(/^Python /, '');
  } catch {
    // Reported as "not found"; the peer rows are then missing, and run.ts says so.
  }
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    python,
    loadAverage: os.loadavg(),
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits: number) => n.toFixed(digits);

/** The table: medians of the runs; the last column shows the spread of seconds. */
export function markdownTable(rows: readonly Row[], xmlBytes: number): string {
  const lines = [
    '| what | records | seconds | records/s | MB/s | peak RSS MB | seconds min–max |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const seconds = median(row.seconds);
    lines.push(
      `| ${row.what} | ${int(row.records)} | ${fixed(seconds, 2)} | ${int(row.records / seconds)} | ${fixed(xmlBytes / 1e6 / seconds, 1)} | ` +
        `${int(median(row.peakRssMB))} | ${fixed(Math.min(...row.seconds), 2)}–${fixed(Math.max(...row.seconds), 2)} |`,
    );
  }
  return lines.join('\n');
}

/** The targets of the issue, each with the numbers it was decided on. */
export function verdicts(rows: readonly Row[]): string[] {
  const find = (kind: Row['kind'], input: Row['input'], side: Row['side'] = 'ours') =>
    rows.find((r) => r.kind === kind && r.input === input && r.side === side);
  const rate = (row: Row) => row.records / median(row.seconds);
  const out: string[] = [];
  const e2e = rows.filter((r) => r.kind === 'e2e');
  for (const row of e2e) {
    out.push(`${mark(rate(row) >= 10_000)} end-to-end ≥ 10,000 records/s — ${row.what}: ${int(rate(row))} records/s`);
  }
  for (const input of ['xml', 'gz'] as const) {
    const ours = find('parse', input);
    const peer = find('peer', input, 'peer');
    if (!ours || !peer) continue;
    const ratio = rate(ours) / rate(peer);
    out.push(`${mark(ratio > 1)} parse-only faster than the peer (.${input === 'gz' ? 'xml.gz' : 'xml'}) — ours ${int(rate(ours))} vs peer ${int(rate(peer))} records/s (${fixed(ratio, 2)}×)`);
  }
  for (const row of rows.filter((r) => r.side === 'ours')) {
    const rss = median(row.peakRssMB);
    out.push(`${mark(rss < 500)} peak RSS < 500 MB — ${row.what}: ${int(rss)} MB`);
  }
  return out;
}

function mark(ok: boolean): string {
  return ok ? 'MET    ' : 'MISSED ';
}

/** Lines naming any count that differs between our reader and the peer; empty when they agree. */
export function parityProblems(rows: readonly Row[]): string[] {
  const withParity = rows.filter((r) => r.parity);
  const reference = withParity.find((r) => r.side === 'peer') ?? withParity[0];
  if (!reference?.parity) return [];
  const problems: string[] = [];
  for (const row of withParity) {
    for (const [key, value] of Object.entries(row.parity ?? {})) {
      const expected = reference.parity[key as keyof Parity];
      if (value !== expected) problems.push(`${row.what}: ${key} = ${value}, ${reference.what} has ${expected}`);
    }
  }
  return problems;
}
