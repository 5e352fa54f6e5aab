import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createGzip, gunzipSync } from 'node:zlib';
import { hasSharedData, sharedDataDir, sharedDataPath } from '../../test/shared-data.js';

/**
 * Builds the ingest benchmark's input: a MEDLINE file of at least 200 MiB made of the 604 real
 * citations in the shared fixture medline16n0902.xml.gz, repeated in rounds. Each copy gets a
 * fresh, unique PMID (only the record's own <PMID>; PMIDs inside CommentsCorrections still name
 * the real linked articles) and is otherwise byte-for-byte the real record. The fixture's one
 * <DeleteCitation> is kept once, at the end, as in a real update file.
 *
 * Deterministic: the same fixture always gives the same bytes (the manifest records a sha256).
 * The fixture is read at run time and never copied into the repository.
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const OUT_DIR = path.resolve(HERE, '../out/ingest');
export const BENCH_XML = path.join(OUT_DIR, 'medline-bench.xml');
export const BENCH_GZ = `${BENCH_XML}.gz`;
const MANIFEST = path.join(OUT_DIR, 'medline-bench.json');
const FIXTURE = ['pubmed_xml_fixtures', 'medline16n0902.xml.gz'] as const;

/** Bump when the output would change, so an old generated file is rebuilt. */
const GENERATOR_VERSION = 1;
const TARGET_BYTES = 200 * 1024 * 1024;
/** Fresh PMIDs start here: above every real PMID (about 41 million in 2026), so none collides. */
const FIRST_PMID = 90_000_001;
const GZIP_LEVEL = 6; // zlib's default, as NLM's own files roughly are

export interface BenchData {
  xml: string;
  gz: string;
  /** Citations in the file (the one DeleteCitation not counted). */
  citations: number;
  deletes: number;
  /** Size of the plain XML, in bytes; also the decompressed size of the .gz. */
  xmlBytes: number;
  gzBytes: number;
  rounds: number;
  sha256: string;
}

interface Fixture {
  prologue: string;
  records: string[];
  deletes: string[];
  sha256: string;
}

/** The generated files, built first when they are missing or stale; undefined without shared data. */
export async function ensureBenchData(log: (line: string) => void = () => {}): Promise<BenchData | undefined> {
  if (!hasSharedData) return undefined;
  const fixtureBytes = readFileSync(sharedDataPath(...FIXTURE));
  const fixtureSha = sha256(fixtureBytes);
  const existing = readManifest();
  if (existing && existing.fixtureSha256 === fixtureSha && existing.version === GENERATOR_VERSION && filesMatch(existing.data)) {
    return existing.data;
  }
  log(`generating ${path.relative(process.cwd(), BENCH_XML)} (≥ ${TARGET_BYTES / 2 ** 20} MiB) from ${FIXTURE.join('/')} …`);
  const data = await generate(splitFixture(gunzipSync(fixtureBytes).toString('utf8'), fixtureSha));
  writeFileSync(MANIFEST, `${JSON.stringify({ version: GENERATOR_VERSION, fixtureSha256: fixtureSha, data }, null, 2)}\n`);
  return data;
}

function splitFixture(text: string, sha: string): Fixture {
  const rootStart = /<MedlineCitationSet>/.exec(text);
  if (!rootStart) throw new Error('fixture has no <MedlineCitationSet> start tag');
  const prologue = text.slice(0, rootStart.index + rootStart[0].length);
  const records = text.match(/<MedlineCitation\b[\s\S]*?<\/MedlineCitation>/g) ?? [];
  const deletes = text.match(/<DeleteCitation>[\s\S]*?<\/DeleteCitation>/g) ?? [];
  if (records.length === 0) throw new Error('fixture has no <MedlineCitation> records');
  return { prologue, records, deletes, sha256: sha };
}

// The record's own PMID is its first element; linked PMIDs come later, inside CommentsCorrections.
const OWN_PMID = /^(<MedlineCitation\b[^>]*>\s*<PMID\b[^>]*>)\d+(<\/PMID>)/;

function* chunks(fixture: Fixture, rounds: number): Generator<string> {
  yield `${fixture.prologue}\n`;
  let pmid = FIRST_PMID;
  for (let round = 0; round < rounds; round++) {
    const parts: string[] = [];
    for (const record of fixture.records) {
      const renumbered = record.replace(OWN_PMID, `$1${pmid++}$2`);
      if (renumbered === record) throw new Error(`a fixture record does not start with its PMID: ${record.slice(0, 120)}`);
      parts.push(renumbered, '\n');
    }
    yield parts.join('');
  }
  yield `${fixture.deletes.join('\n')}${fixture.deletes.length > 0 ? '\n' : ''}</MedlineCitationSet>\n`;
}

async function generate(fixture: Fixture): Promise<BenchData> {
  mkdirSync(OUT_DIR, { recursive: true });
  const encoder = new TextEncoder();
  const roundBytes = fixture.records.reduce((sum, r) => sum + encoder.encode(r).length + 1, 0);
  const rounds = Math.ceil(TARGET_BYTES / roundBytes);
  // Written under temporary names and renamed, so an interrupted run never leaves a file that looks done.
  const hash = createHash('sha256');
  await pipeline(
    Readable.from(chunks(fixture, rounds)),
    async function* (source: AsyncIterable<string>) {
      for await (const chunk of source) {
        const bytes = Buffer.from(chunk, 'utf8');
        hash.update(bytes);
        yield bytes;
      }
    },
    createWriteStream(`${BENCH_XML}.tmp`),
  );
  await pipeline(Readable.from(chunks(fixture, rounds)), createGzip({ level: GZIP_LEVEL }), createWriteStream(`${BENCH_GZ}.tmp`));
  renameSync(`${BENCH_XML}.tmp`, BENCH_XML);
  renameSync(`${BENCH_GZ}.tmp`, BENCH_GZ);
  return {
    xml: BENCH_XML,
    gz: BENCH_GZ,
    citations: rounds * fixture.records.length,
    deletes: fixture.deletes.length,
    xmlBytes: statSync(BENCH_XML).size,
    gzBytes: statSync(BENCH_GZ).size,
    rounds,
    sha256: hash.digest('hex'),
  };
}

function readManifest(): { version: number; fixtureSha256: string; data: BenchData } | undefined {
  if (!existsSync(MANIFEST)) return undefined;
  try {
    return JSON.parse(readFileSync(MANIFEST, 'utf8')) as { version: number; fixtureSha256: string; data: BenchData };
  } catch {
    return undefined;
  }
}

function filesMatch(data: BenchData): boolean {
  return (
    data.xml === BENCH_XML &&
    existsSync(BENCH_XML) &&
    existsSync(BENCH_GZ) &&
    statSync(BENCH_XML).size === data.xmlBytes &&
    statSync(BENCH_GZ).size === data.gzBytes
  );
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export const NO_SHARED_DATA_MESSAGE = `bench/ingest: ${sharedDataDir} is absent, so there is nothing to build the benchmark file from (the shared public data sets are not committed; place ../shared/data beside the project to run this benchmark). Nothing measured.`;

async function main(): Promise<void> {
  const data = await ensureBenchData((line) => console.log(line));
  if (!data) {
    console.log(NO_SHARED_DATA_MESSAGE);
    return;
  }
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  console.log(
    `${path.relative(process.cwd(), data.xml)}: ${mib(data.xmlBytes)} MiB, ${data.citations.toLocaleString('en-US')} citations ` +
      `(${data.rounds} rounds of the fixture) + ${data.deletes} DeleteCitation, sha256 ${data.sha256.slice(0, 16)}…\n` +
      `${path.relative(process.cwd(), data.gz)}: ${mib(data.gzBytes)} MiB`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
