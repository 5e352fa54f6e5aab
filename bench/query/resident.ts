import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The share (0–1) of these files, or of the files under these folders, held in the page cache,
 * from util-linux `fincore`; undefined without `fincore` or without files. These machines page
 * out file pages idle for a minute (DAMON), and an index read partly from disk searches slower,
 * so a latency figure means more beside it (docs/benchmarks.md).
 */
export function residentShare(paths: readonly string[]): number | undefined {
  const files = paths.flatMap(filesUnder).filter((file) => statSync(file).size > 0);
  if (files.length === 0) return undefined;
  const run = spawnSync('fincore', ['--bytes', '--noheadings', '--output', 'RES,SIZE', ...files], { encoding: 'utf8' });
  if (run.status !== 0) return undefined;
  let resident = 0;
  let size = 0;
  for (const line of run.stdout.trim().split('\n')) {
    const [res, bytes] = line.trim().split(/\s+/).map(Number);
    resident += res ?? 0;
    size += bytes ?? 0;
  }
  return size > 0 ? resident / size : undefined;
}

function filesUnder(target: string): string[] {
  let stats;
  try {
    stats = statSync(target);
  } catch {
    return [];
  }
  if (!stats.isDirectory()) return [target];
  return readdirSync(target).flatMap((name) => filesUnder(path.join(target, name)));
}
