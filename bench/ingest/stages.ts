import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createNodeFileSystem } from '../../src/adapters/fs/node-files.js';
import { createContainer } from '../../src/config/container.js';
import { buildPassages } from '../../src/domain/passage.js';
import { buildSource, stableJson } from '../../src/domain/source.js';
import { planIngest, runIngest, type IngestDeps } from '../../src/ingest/pipeline.js';
import type { Reader, ReaderItem } from '../../src/ingest/reader.js';
import { createInProcessPreparer } from '../../src/ingest/prepare-items.js';
import { decodeUtf8 } from '../../src/ingest/readers/bytes.js';
import { createReaders } from '../../src/ingest/readers/index.js';
import { readMedline } from '../../src/ingest/readers/medline/medline.js';
import { splitRecords } from '../../src/ingest/readers/medline/splitter.js';
import type { Store, WriteResult } from '../../src/ports/store.js';
import { benchSettings, freshDbPath, peakRssMB, removeDb } from './measure.js';

/**
 * Where the ingest time goes, one variant per fresh process (run by profile.ts). Prints one JSON
 * line: total seconds and named parts, in seconds. Bench-only instrumentation: nothing in src/
 * changes; timers wrap the reader, the store and better-sqlite3 statements from outside.
 *
 *   stages.ts read FILE              bytes through the fs adapter (gunzip included): the I/O floor
 *   stages.ts decode FILE            … + UTF-8 decoding
 *   stages.ts split FILE             … + the record scanner (no XML parsing)
 *   stages.ts prepare FILE           readMedline + buildSource / buildPassages timed apart
 *   stages.ts e2e FILE PRESET        the real pipeline, reader / store / each SQL statement timed
 *   stages.ts e2e-no-fts FILE PRESET what-if: the same with the FTS5 insert made a no-op
 *   stages.ts e2e-no-store FILE PRESET  what-if: the pipeline with a store that writes nothing
 *   stages.ts e2e-fts-once FILE PRESET  what-if: title and MeSH/keyword terms indexed with a source's
 *                                       first passage only (today every passage repeats them)
 *   stages.ts e2e-fts-detail-column FILE PRESET  what-if: passages_fts with detail=column (no positions)
 *   stages.ts store-only FILE PRESET   the SQLite floor: every batch read and prepared first, untimed,
 *                                      then only the store's writes (one thread, as SQLite writes) timed
 */

type Parts = Record<string, number>;

async function openBytes(file: string): Promise<AsyncIterable<Uint8Array>> {
  const files = createNodeFileSystem();
  const { files: [entry] } = await files.expand([file]);
  if (!entry) throw new Error(`no such file: ${file}`);
  return files.open(entry).bytes;
}

async function readVariant(file: string, depth: 'read' | 'decode' | 'split'): Promise<Parts> {
  const bytes = await openBytes(file);
  let count = 0;
  if (depth === 'read') for await (const chunk of bytes) count += chunk.byteLength;
  else if (depth === 'decode') for await (const text of decodeUtf8(bytes)) count += text.length;
  else for await (const segment of splitRecords(decodeUtf8(bytes), file)) count += segment.kind === 'record' ? 1 : 0;
  return { count };
}

async function prepareVariant(file: string): Promise<Parts> {
  const chunk = benchSettings('embedded', ':memory:').ingest.chunk;
  let reader = 0;
  let sourceMs = 0;
  let passagesMs = 0;
  let contentHashMs = 0;
  let passageIdsMs = 0;
  const items = readMedline({ bytes: await openBytes(file), path: file })[Symbol.asyncIterator]();
  for (;;) {
    const t0 = performance.now();
    const next = await items.next();
    const t1 = performance.now();
    reader += t1 - t0;
    if (next.done) break;
    if (next.value.kind !== 'source') continue;
    const input = next.value.source;
    const source = buildSource(input);
    const t2 = performance.now();
    const passages = buildPassages(source, input.paragraphs, chunk);
    const t3 = performance.now();
    sourceMs += t2 - t1;
    passagesMs += t3 - t2;
    // The two hashes, computed again the way buildSource and passageId do, to size their share.
    const { origin: _origin, contentHash: _hash, ...content } = source;
    createHash('sha256').update(stableJson(content)).digest('hex');
    const t4 = performance.now();
    for (const p of passages) createHash('sha256').update(p.sourceId).update('\u0000').update(p.text).digest('hex');
    passageIdsMs += performance.now() - t4;
    contentHashMs += t4 - t3;
  }
  const parts: Parts = {
    reader,
    buildSource: sourceMs,
    'buildSource: content hash (re-done apart)': contentHashMs,
    buildPassages: passagesMs,
    'buildPassages: passage ids (re-done apart)': passageIdsMs,
  };
  return toSeconds(parts);
}

/** Names the statements of src/adapters/sqlite/writer.ts by their SQL. */
function statementName(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  if (s.startsWith('INSERT INTO passages_fts')) return 'SQL: INSERT passages_fts (FTS5 tokenize + pending terms)';
  if (s.startsWith('INSERT INTO passages')) return 'SQL: INSERT passages';
  if (s.startsWith('INSERT INTO sources')) return 'SQL: INSERT sources';
  if (s.startsWith('SELECT rid, content_hash')) return 'SQL: SELECT existing source';
  if (s.startsWith('SELECT origin_path FROM tombstones')) return 'SQL: SELECT tombstone';
  if (s.startsWith('INSERT INTO ingest_files')) return 'SQL: save checkpoint';
  if (s.startsWith('INSERT INTO tombstones')) return 'SQL: INSERT tombstone';
  return `SQL: other (${s.slice(0, 30)}…)`;
}

type Variant = 'e2e' | 'e2e-no-fts' | 'e2e-no-store' | 'e2e-fts-once' | 'e2e-fts-detail-column';
const VARIANTS: readonly string[] = ['e2e', 'e2e-no-fts', 'e2e-no-store', 'e2e-fts-once', 'e2e-fts-detail-column'];

/** Wraps every statement better-sqlite3 prepares from now on, timing run() and get() by statement. */
function instrumentSqlite(parts: Parts, variant: Variant): void {
  // For e2e-fts-once: set by each source insert, so only the source's first FTS row gets title and terms.
  let firstPassage = false;
  const proto = Database.prototype as unknown as { prepare: (sql: string) => Database.Statement };
  const prepare = proto.prepare;
  proto.prepare = function (this: Database.Database, sql: string) {
    const statement = prepare.call(this, sql);
    const name = statementName(sql);
    const isFts = name.startsWith('SQL: INSERT passages_fts');
    const skip = variant === 'e2e-no-fts' && isFts;
    for (const method of ['run', 'get'] as const) {
      const original = statement[method] as (...args: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        if (skip) return { changes: 0, lastInsertRowid: 0 };
        if (variant === 'e2e-fts-once') {
          if (name === 'SQL: INSERT sources') firstPassage = true;
          else if (isFts) {
            // Arguments: rowid, title, section, body, terms.
            if (!firstPassage) args = [args[0], '', args[2], args[3], ''];
            firstPassage = false;
          }
        }
        const t0 = performance.now();
        try {
          return original.apply(statement, args);
        } finally {
          parts[name] = (parts[name] ?? 0) + performance.now() - t0;
        }
      };
    }
    return statement;
  };
}

async function e2eVariant(file: string, preset: string, variant: Variant): Promise<Parts> {
  const parts: Parts = { reader: 0, 'store.write (whole transaction)': 0 };
  instrumentSqlite(parts, variant);
  const db = freshDbPath(`${preset}-${variant}`);
  const started = performance.now();
  const container = createContainer(benchSettings(preset, db), { create: true });
  if (variant === 'e2e-fts-detail-column') recreateFts(db, 'detail=column');
  const deps: IngestDeps = container.ingestDeps();
  // The profile times the reader, so it runs in this thread (the worker preparer is measured by run.ts).
  const readers = createReaders({ maxPdfBytes: 256 * 1024 * 1024 });
  const medline: Reader = readers.medline;
  const timedReader: Reader = (input) => ({
    async *[Symbol.asyncIterator](): AsyncGenerator<ReaderItem> {
      const items = medline(input)[Symbol.asyncIterator]();
      for (;;) {
        const t0 = performance.now();
        const next = await items.next();
        parts.reader = (parts.reader ?? 0) + performance.now() - t0;
        if (next.done) return;
        yield next.value;
      }
    },
  });
  const store = container.store;
  const write = store.write.bind(store);
  const timedStore = {
    ...store,
    write: async (batch: Parameters<typeof store.write>[0]): Promise<WriteResult[]> => {
      const t0 = performance.now();
      try {
        if (variant === 'e2e-no-store') {
          return batch.ops.map((op) => ({ sourceId: op.kind === 'upsert' ? op.source.id : op.sourceId, outcome: 'added' as const }));
        }
        return await write(batch);
      } finally {
        parts['store.write (whole transaction)'] = (parts['store.write (whole transaction)'] ?? 0) + performance.now() - t0;
      }
    },
  };
  let closeMs = 0;
  try {
    const planned = await planIngest([file], container.files);
    await runIngest(planned, { ...deps, store: timedStore, prepare: createInProcessPreparer({ ...readers, medline: timedReader }) });
  } finally {
    const t0 = performance.now();
    await container.close();
    closeMs = performance.now() - t0;
  }
  parts['close (WAL checkpoint)'] = closeMs;
  const total = performance.now() - started;
  const dbBytes = statSync(db).size;
  removeDb(db);
  return { ...toSeconds(parts), total: total / 1000, dbMB: dbBytes / 1e6 };
}

/**
 * The store's share alone: the pipeline runs once against a store that keeps each batch and
 * writes nothing, then the kept batches are written into a fresh library, and only that is timed
 * (with the close, whose WAL checkpoint is part of the write).
 */
async function storeOnlyVariant(file: string, preset: string): Promise<Parts> {
  const batches: Parameters<Store['write']>[0][] = [];
  const keeper = createContainer(benchSettings(preset, ':memory:'), { create: true });
  const keepingStore = {
    ...keeper.store,
    write: async (batch: Parameters<Store['write']>[0]): Promise<WriteResult[]> => {
      batches.push(batch);
      return batch.ops.map((op) => ({ sourceId: op.kind === 'upsert' ? op.source.id : op.sourceId, outcome: 'added' as const }));
    },
  };
  const readers = createReaders({ maxPdfBytes: 256 * 1024 * 1024 });
  await runIngest(await planIngest([file], keeper.files), { ...keeper.ingestDeps(), store: keepingStore, prepare: createInProcessPreparer(readers) });
  await keeper.close();
  const db = freshDbPath(`${preset}-store-only`);
  const container = createContainer(benchSettings(preset, db), { create: true });
  const started = performance.now();
  for (const batch of batches) await container.store.write(batch);
  const written = performance.now();
  await container.close();
  const closed = performance.now();
  removeDb(db);
  return toSeconds({ batches: batches.length * 1000, 'store.write, all batches': written - started, 'close (WAL checkpoint)': closed - written, total: closed - started });
}

/** Replaces the empty passages_fts made by the schema with one built with other FTS5 options. */
function recreateFts(db: string, options: string): void {
  const other = new Database(db);
  try {
    other.exec(`DROP TABLE passages_fts;
      CREATE VIRTUAL TABLE passages_fts USING fts5(title, section, body, terms, content='', contentless_delete=1,
        tokenize='porter unicode61 remove_diacritics 2', ${options});`);
  } finally {
    other.close();
  }
}

function toSeconds(parts: Parts): Parts {
  return Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v / 1000]));
}

async function main(): Promise<void> {
  const [variant, file, preset = 'embedded'] = process.argv.slice(2);
  if (!variant || !file) throw new Error('usage: stages.ts VARIANT FILE [PRESET]');
  const started = performance.now();
  let parts: Parts;
  if (variant === 'read' || variant === 'decode' || variant === 'split') parts = await readVariant(file, variant);
  else if (variant === 'prepare') parts = await prepareVariant(file);
  else if (variant === 'store-only') parts = await storeOnlyVariant(file, preset);
  else if (VARIANTS.includes(variant)) parts = await e2eVariant(file, preset, variant as Variant);
  else throw new Error(`unknown variant ${variant}`);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ variant, preset, seconds, peakRssMB: peakRssMB(), parts })}\n`);
}

await main();
