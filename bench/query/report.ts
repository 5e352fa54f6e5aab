import os from 'node:os';
import type { LatencyResult, ThroughputResult } from './measure.js';

/** Formatting for run.ts: the machine line and the Markdown table, engines side by side. */
export interface EngineOutcome {
  engine: string;
  latency?: LatencyResult;
  throughput?: ThroughputResult;
  /** Why a phase did not finish, e.g. "build did not finish within 120 s". */
  latencyFailure?: string;
  throughputFailure?: string;
  /** 1-minute load average when the engine's first phase started (other work on the machine). */
  loadAtStart: number;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
}

export function describeMachine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

/** 3 significant figures or whole numbers, whichever is shorter to read. */
export function num(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  if (n >= 100) return Math.round(n).toLocaleString('en-US');
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function markdownTable(outcomes: readonly EngineOutcome[], workers: number): string {
  const lines = [
    `| engine | build s | index MB on disk | heap after build MB | peak RSS MB | p50 ms | p95 ms | p99 ms | q/s, 1 thread | q/s, ${workers} workers | queries run | seed source in top 10 |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const outcome of outcomes) {
    const l = outcome.latency;
    if (!l) {
      lines.push(`| ${outcome.engine} | did not finish (${outcome.latencyFailure ?? 'unknown'}) | | | | | | | | | | |`);
      continue;
    }
    const t = outcome.throughput;
    // Cores busy = process CPU time / wall time: below the worker count, other work held the cores.
    // A client of a database server (the -postgres engines) counts its own CPU only, not the server's.
    const busy = `${(t ? t.cpuSeconds / t.wallSeconds : 0).toFixed(1)} cores busy${outcome.engine.endsWith('-postgres') ? ' in the client' : ''}`;
    const throughput = t
      ? `${num(t.qps)} (${busy}${t.stoppedAtCap ? `; ${t.queriesRun} queries in cap` : ''})`
      : `did not finish (${outcome.throughputFailure ?? 'unknown'})`;
    const run = `${l.queriesRun.toLocaleString('en-US')}${l.stoppedAtCap ? ` of ${l.queriesTotal.toLocaleString('en-US')} (time cap)` : ''}`;
    const seed = l.queriesRun > 0 ? `${((100 * l.seedSourceInTopK) / l.queriesRun).toFixed(1)}%` : '—';
    lines.push(
      `| ${outcome.engine} | ${num(l.buildSeconds)} | ${l.sizeBytes === undefined ? 'in memory' : num(l.sizeBytes / 1e6)} | ${num(l.heapAfterBuildMB)} | ` +
        `${num(l.peakRssMB)} | ${num(l.latencyMs.p50)} | ${num(l.latencyMs.p95)} | ${num(l.latencyMs.p99)} | ${num(l.qpsOneThread)} | ${throughput} | ${run} | ${seed} |`,
    );
  }
  return lines.join('\n');
}

export function configLines(outcomes: readonly EngineOutcome[]): string[] {
  return outcomes.flatMap((o) => {
    if (!o.latency) return [];
    const share = o.latency.residentShare;
    const cached = share === undefined ? '' : ` ${Math.round(100 * share)}% of its files were in the page cache when the timed queries began.`;
    return [`- **${o.engine}** ${o.latency.version}: ${o.latency.config}.${cached}`];
  });
}
