import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createNodeFileSystem } from '../../src/adapters/fs/node-files.js';
import { createContainer } from '../../src/config/container.js';
import { loadSettings } from '../../src/config/load-settings.js';
import type { Settings } from '../../src/config/settings.js';
import type { SourceInput } from '../../src/domain/source.js';
import { planIngest, runIngest, type IngestReport } from '../../src/ingest/pipeline.js';
import { prepareSource } from '../../src/ingest/prepare.js';
import { readMedline } from '../../src/ingest/readers/medline/medline.js';
import { OUT_DIR } from './generate.js';

/**
 * One measurement, run by run.ts in a fresh process so peak RSS belongs to it alone. Prints one
 * JSON line. Time is taken inside the process (module loading and tsx start-up excluded, as the
 * Python peer's interpreter start-up is).
 *
 *   measure.ts parse   FILE              readMedline over the file (through the real fs adapter)
 *   measure.ts prepare FILE              … and prepareSource (buildSource, chunking, hashing)
 *   measure.ts e2e     FILE PRESET       planIngest + runIngest into a fresh SQLite file
 *   measure.ts idle                      nothing: the peak RSS of a process with these modules loaded
 */
export type Mode = 'parse' | 'prepare' | 'e2e' | 'idle';

export interface Parity {
  records: number;
  deletes: number;
  authors: number;
  mesh: number;
  qualifiers: number;
  keywords: number;
  publicationTypes: number;
  corrections: number;
  paragraphs: number;
  titleChars: number;
  textChars: number;
}

export interface Measurement {
  mode: Mode;
  preset?: string;
  records: number;
  deletes: number;
  skips: number;
  passages?: number;
  seconds: number;
  peakRssMB: number;
  parity?: Parity;
  /** e2e only: what the store reported, and the database size at the end. */
  added?: number;
  dbBytes?: number;
}

export function emptyParity(): Parity {
  return {
    records: 0, deletes: 0, authors: 0, mesh: 0, qualifiers: 0, keywords: 0,
    publicationTypes: 0, corrections: 0, paragraphs: 0, titleChars: 0, textChars: 0,
  };
}

/** The same sums the Python peer prints, to show both read the same things. */
export function countParity(parity: Parity, source: SourceInput): void {
  parity.records++;
  parity.authors += source.authors.length;
  parity.mesh += source.mesh.length;
  for (const heading of source.mesh) parity.qualifiers += heading.qualifiers.length;
  parity.keywords += source.keywords.length;
  parity.publicationTypes += source.publicationTypes.length;
  parity.corrections += source.correctionLinks.length;
  parity.paragraphs += source.paragraphs.length;
  parity.titleChars += source.title.length;
  for (const paragraph of source.paragraphs) parity.textChars += paragraph.end - paragraph.start;
}

export function benchSettings(preset: string, dbPath: string): Settings {
  // No environment and no settings file: the preset alone, as a fresh install has it.
  return loadSettings({ preset, overrides: { store: { path: dbPath } }, env: {}, cwd: OUT_DIR }).settings;
}

async function readOnly(file: string, prepare: boolean): Promise<Measurement> {
  const chunk = benchSettings('embedded', ':memory:').ingest.chunk;
  const files = createNodeFileSystem();
  const started = performance.now();
  const { files: [entry] } = await files.expand([file]);
  if (!entry) throw new Error(`no such file: ${file}`);
  const parity = emptyParity();
  let skips = 0;
  let passages = 0;
  for await (const item of readMedline({ bytes: files.open(entry).bytes, path: entry.path })) {
    if (item.kind === 'source') {
      countParity(parity, item.source);
      if (prepare) passages += prepareSource(item.source, chunk).passages.length;
    } else if (item.kind === 'delete') parity.deletes++;
    else skips++;
  }
  const seconds = (performance.now() - started) / 1000;
  const out: Measurement = { mode: prepare ? 'prepare' : 'parse', records: parity.records, deletes: parity.deletes, skips, seconds, peakRssMB: peakRssMB(), parity };
  if (prepare) out.passages = passages;
  return out;
}

export function freshDbPath(preset: string): string {
  const db = path.join(OUT_DIR, `e2e-${preset}-${process.pid}.db`);
  removeDb(db);
  return db;
}

export function removeDb(db: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
}

async function endToEnd(file: string, preset: string): Promise<Measurement> {
  const db = freshDbPath(preset);
  const started = performance.now();
  const container = createContainer(benchSettings(preset, db), { create: true });
  let report: IngestReport;
  try {
    report = await runIngest(await planIngest([file], container.files), container.ingestDeps());
  } finally {
    await container.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const dbBytes = statSync(db).size;
  removeDb(db);
  const fileReport = report.files[0];
  if (fileReport?.status !== 'done') throw new Error(`ingest ended ${fileReport?.status}: ${fileReport?.error ?? ''}`);
  const skipped = Object.values(report.totals.skipped).reduce((sum, n) => sum + (n ?? 0), 0);
  return {
    mode: 'e2e',
    preset,
    records: report.totals.added + report.totals.updated,
    deletes: report.totals.deleted + (report.totals.skipped['nothing-to-delete'] ?? 0),
    skips: skipped - (report.totals.skipped['nothing-to-delete'] ?? 0),
    seconds,
    peakRssMB: peakRssMB(),
    added: report.totals.added,
    dbBytes,
  };
}

/** Peak resident set of this process so far, in MB (10^6 bytes); Node reports KiB. */
export function peakRssMB(): number {
  return (process.resourceUsage().maxRSS * 1024) / 1e6;
}

async function main(): Promise<void> {
  const [mode, file, preset] = process.argv.slice(2);
  if (mode === 'idle') {
    const idle: Measurement = { mode, records: 0, deletes: 0, skips: 0, seconds: 0, peakRssMB: peakRssMB() };
    process.stdout.write(`${JSON.stringify(idle)}\n`);
    return;
  }
  if (!file || (mode !== 'parse' && mode !== 'prepare' && mode !== 'e2e')) {
    throw new Error('usage: measure.ts parse|prepare FILE | measure.ts e2e FILE PRESET | measure.ts idle');
  }
  const result = mode === 'e2e' ? await endToEnd(file, preset ?? 'embedded') : await readOnly(file, mode === 'prepare');
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
