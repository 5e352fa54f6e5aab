import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { CitemedError } from '../../domain/errors.js';
import type { PostingsBuildProgress, PostingsState } from '../../domain/postings.js';
import type { PostingsBuild } from '../../ports/store.js';
import { docsizeTokens, fieldIndex, readTotals, totalTokens } from './fts.js';
import { NEWER_LIMIT } from './postings-newer.js';

/**
 * Building, dropping and describing the postings index (postings.ts ranks with it; schema.ts,
 * schema 5, has its tables).
 */

/** The table of a postings generation. */
export const postingsTable = (generation: number) => `postings_${generation === 1 ? 1 : 0}`;

/** How often (in token occurrences read) the build reports progress. */
const PROGRESS_EVERY = 1_000_000;
/** Postings written per write transaction during a build; other writers get the lock between them. */
const BATCH_BYTES = 8 << 20;
/** Rows deleted per write transaction when a generation is cleared. */
const CLEAR_ROWS = 2_000;

/**
 * Builds (or rebuilds) the postings index of the library `db` opened at `file`, without holding
 * the library's write lock for long: ingests, publishing and sign-ins in other processes go on.
 *
 * - FTS5's index is read on a second, read-only connection in one read transaction: a snapshot
 *   of the library at one moment, however long the read takes.
 * - The postings go into the generation searches are not reading, in write transactions of a few
 *   MB each. Before each, the build checks it still owns `postings_build`: a newer build takes
 *   over, and this one stops with an error saying so.
 * - Passages deleted while it runs are noted by a trigger from before the snapshot on, so those
 *   the snapshot saw are skipped from the start.
 * - One short transaction then switches searches to the new generation; the old one is cleared
 *   afterwards, a batch at a time. Interrupted anywhere, the index in service stays as it was,
 *   and the next build clears what was left.
 * - `shouldStop` (a cancel from another thread) is asked before each write transaction and every
 *   STOP_CHECK_EVERY token occurrences read, until the switch: a build told to stop gives up its
 *   claim and throws an `interrupted` error, leaving the index in service as it was.
 *
 * Synchronous, as better-sqlite3 is: the calling thread does nothing else meanwhile (the server
 * runs it in a worker thread: postings-thread.ts).
 */
export function buildPostings(
  db: Database.Database,
  file: string,
  onProgress?: (progress: PostingsBuildProgress) => void,
  shouldStop: () => boolean = () => false,
): PostingsBuild {
  if (file === ':memory:') {
    throw new CitemedError('usage', 'an in-memory library has no postings index', { hint: 'use a library file (--db)' });
  }
  const started = performance.now();
  const token = randomUUID();
  const checkStop = (): void => {
    if (shouldStop()) throw new CitemedError('interrupted', 'the postings index build was cancelled', { hint: 'the index in service was not changed' });
  };
  checkStop();
  db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO postings_build (id, token, started_at) VALUES (1, ?, ?)').run(token, new Date().toISOString());
    db.prepare('DELETE FROM postings_build_gone').run();
  }).immediate();
  const owned = db.prepare('SELECT token FROM postings_build WHERE id = 1').pluck();
  const ensureOwner = (): true => {
    checkStop();
    if (owned.get() !== token) {
      throw new CitemedError('conflict', 'the postings index build was taken over by another `citemed index` (or stopped by `citemed index --drop`)', {
        hint: 'the index in service was not changed by this build',
      });
    }
    return true;
  };
  try {
    return buildOwned(db, file, { ensureOwner, started, checkStop, ...(onProgress ? { onProgress } : {}) });
  } catch (error) {
    releaseClaim(db, token);
    throw error;
  }
}

/** Token occurrences read between two checks of `shouldStop` (a power of two, for a mask). */
const STOP_CHECK_EVERY = 1 << 16;

interface Claimed {
  ensureOwner: () => true;
  checkStop: () => void;
  started: number;
  onProgress?: (progress: PostingsBuildProgress) => void;
}

/** The build once it holds `postings_build`. */
function buildOwned(db: Database.Database, file: string, { ensureOwner, checkStop, started, onProgress }: Claimed): PostingsBuild {
  const active = db.prepare('SELECT generation FROM postings_meta WHERE id = 1').pluck().get() as number | undefined;
  const generation = active === undefined ? 0 : 1 - active;
  clearTable(db, postingsTable(generation), ensureOwner);

  const insert = db.prepare(`INSERT INTO ${postingsTable(generation)} (term, df, data, positions) VALUES (?, ?, ?, ?)`);
  const writeBatch = db.transaction((rows: [string, number, Buffer, Buffer][]) => {
    ensureOwner();
    for (const row of rows) insert.run(...row);
  });
  let terms = 0;
  let bytes = 0;
  let covered = 0;
  const reader = new Database(file, { readonly: true, fileMustExist: true });
  try {
    reader.exec('BEGIN');
    const lengths = readLengths(reader);
    const watermark = lengths.length - 1;
    for (let rowid = 1; rowid <= watermark; rowid++) if (lengths.live[rowid] === 1) covered++;
    const total = totalTokens(readTotals(reader));
    reader.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.postings_instances USING fts5vocab(main, 'passages_fts', 'instance')`);
    const rows = reader.prepare('SELECT term, doc, col, "offset" FROM temp.postings_instances').raw().iterate() as IterableIterator<
      [string, number, string, number]
    >;
    const encoder = new PostingsEncoder();
    let pending: [string, number, Buffer, Buffer][] = [];
    let pendingBytes = 0;
    let term: string | undefined;
    let done = 0;
    const endTerm = () => {
      if (term === undefined || encoder.df === 0) return;
      const { data, positions } = encoder.finish();
      pending.push([term, encoder.df, data, positions]);
      pendingBytes += data.length + positions.length;
      terms++;
      bytes += data.length + positions.length;
      if (pendingBytes >= BATCH_BYTES) {
        writeBatch(pending);
        pending = [];
        pendingBytes = 0;
      }
    };
    for (const [t, doc, col, offset] of rows) {
      if ((++done & (STOP_CHECK_EVERY - 1)) === 0) checkStop();
      if (done % PROGRESS_EVERY === 0) onProgress?.({ done, total, terms });
      if (t !== term) {
        endTerm();
        term = t;
        encoder.reset();
      }
      if (lengths.live[doc] !== 1) continue; // deleted, but still in a segment FTS5 has not merged
      encoder.add(doc, fieldIndex(col), offset);
    }
    endTerm();
    writeBatch(pending);
    onProgress?.({ done, total, terms });
    reader.exec('COMMIT');

    db.transaction(() => {
      ensureOwner();
      db.prepare('INSERT OR REPLACE INTO postings_meta (id, generation, watermark, passages, built_at, lengths) VALUES (1, ?, ?, ?, ?, ?)').run(
        generation,
        watermark,
        covered,
        new Date().toISOString(),
        Buffer.from(lengths.tokens.buffer, lengths.tokens.byteOffset, lengths.tokens.byteLength),
      );
      db.exec('DELETE FROM postings_gone');
      db.prepare('INSERT INTO postings_gone (rowid) SELECT rowid FROM postings_build_gone WHERE rowid <= ?').run(watermark);
      db.exec('DELETE FROM postings_build; DELETE FROM postings_build_gone;');
    }).immediate();
  } finally {
    reader.close();
  }
  clearTable(db, postingsTable(1 - generation), noBuild(db));
  const state = readPostingsState(db);
  if (!state) throw new Error('the postings index was built but its state row is missing');
  return { ...state, terms, bytes, elapsedMs: performance.now() - started };
}

/**
 * Gives up a build's claim after it failed or was stopped, if it still holds it, so that deletes
 * stop being noted for it. Its half-written generation is cleared by the next build (or a drop).
 * Best effort: the library may be what failed.
 */
function releaseClaim(db: Database.Database, token: string): void {
  try {
    db.transaction(() => {
      if (db.prepare('SELECT token FROM postings_build WHERE id = 1').pluck().get() === token) {
        db.exec('DELETE FROM postings_build; DELETE FROM postings_build_gone;');
      }
    }).immediate();
  } catch {
    // The next build replaces the claim.
  }
}

/**
 * Deletes every row of a postings generation, a batch per write transaction, while `mayGoOn`
 * (checked in each) says so.
 */
function clearTable(db: Database.Database, name: string, mayGoOn: () => boolean): void {
  const clear = db.prepare(`DELETE FROM ${name} WHERE rowid IN (SELECT rowid FROM ${name} LIMIT ${CLEAR_ROWS})`);
  const batch = db.transaction(() => (mayGoOn() ? clear.run().changes : 0));
  while (batch.immediate() > 0);
}

/** True while no build is under way: one that started since clears its generation itself. */
function noBuild(db: Database.Database): () => boolean {
  const building = db.prepare('SELECT 1 FROM postings_build WHERE id = 1');
  return () => building.get() === undefined;
}

/** Removes the postings index (and stops a build under way); searches use FTS5 alone again. */
export function dropPostings(db: Database.Database): void {
  db.transaction(() => db.exec('DELETE FROM postings_meta; DELETE FROM postings_gone; DELETE FROM postings_build; DELETE FROM postings_build_gone;')).immediate();
  clearTable(db, postingsTable(0), noBuild(db));
  clearTable(db, postingsTable(1), noBuild(db));
}

export function readPostingsState(db: Database.Database): PostingsState | undefined {
  const meta = db.prepare('SELECT watermark, passages, built_at FROM postings_meta WHERE id = 1').get() as
    | { watermark: number; passages: number; built_at: string }
    | undefined;
  if (!meta) return undefined;
  const newer = (db.prepare('SELECT count(*) AS n FROM passages WHERE rowid > ?').get(meta.watermark) as { n: number }).n;
  const removed = (db.prepare('SELECT count(*) AS n FROM postings_gone').get() as { n: number }).n;
  const reused = db.prepare('SELECT count(*) FROM passages WHERE rowid IN (SELECT rowid FROM postings_gone)').pluck().get() as number;
  return { builtAt: meta.built_at, passages: meta.passages, newer: newer + reused, removed, newerLimit: NEWER_LIMIT };
}

/** Each FTS5 row's token count over all fields, by rowid; `live` marks the rows FTS5 holds. */
function readLengths(reader: Database.Database): { tokens: Uint32Array; live: Uint8Array; length: number } {
  const max = (reader.prepare('SELECT max(id) AS m FROM passages_fts_docsize').get() as { m: number | null }).m ?? 0;
  const tokens = new Uint32Array(max + 1);
  const live = new Uint8Array(max + 1);
  for (const [id, sz] of reader.prepare('SELECT id, sz FROM passages_fts_docsize').raw().iterate() as IterableIterator<[number, Buffer]>) {
    tokens[id] = docsizeTokens(sz);
    live[id] = 1;
  }
  return { tokens, live, length: max + 1 };
}

/**
 * One term's postings as bytes, two blobs:
 * - `data`: per passage, the rowid's difference from the previous one, a bit mask of the fields
 *   holding the term, and the count in each of those fields;
 * - `positions`: per passage in the same order, per field of the mask, the term's token offsets
 *   in that field, each as its difference from the one before (for phrases).
 * All unsigned LEB128 varints.
 */
class PostingsEncoder {
  private readonly data = new ByteWriter();
  private readonly positions = new ByteWriter();
  private lastDoc = 0;
  private doc = -1;
  private readonly offsets: number[][] = [[], [], [], []];
  df = 0;

  reset(): void {
    this.data.clear();
    this.positions.clear();
    this.lastDoc = 0;
    this.doc = -1;
    for (const list of this.offsets) list.length = 0;
    this.df = 0;
  }

  add(doc: number, field: number, offset: number): void {
    if (doc !== this.doc) {
      this.endDoc();
      this.doc = doc;
      this.df++;
    }
    if (field >= 0) this.offsets[field]!.push(offset);
  }

  finish(): { data: Buffer; positions: Buffer } {
    this.endDoc();
    this.doc = -1;
    return { data: this.data.take(), positions: this.positions.take() };
  }

  private endDoc(): void {
    if (this.doc < 0) return;
    this.data.varint(this.doc - this.lastDoc);
    this.lastDoc = this.doc;
    let mask = 0;
    for (let f = 0; f < 4; f++) if (this.offsets[f]!.length > 0) mask |= 1 << f;
    this.data.varint(mask);
    for (const list of this.offsets) {
      if (list.length === 0) continue;
      this.data.varint(list.length);
      let previous = 0;
      for (const offset of list) {
        this.positions.varint(offset - previous);
        previous = offset;
      }
      list.length = 0;
    }
  }
}

/** A growing byte buffer of varints. */
class ByteWriter {
  private bytes = new Uint8Array(1 << 16);
  private size = 0;

  clear(): void {
    this.size = 0;
  }

  take(): Buffer {
    return Buffer.from(this.bytes.subarray(0, this.size));
  }

  varint(value: number): void {
    if (this.size + 10 > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    let v = value;
    while (v >= 0x80) {
      this.bytes[this.size++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.bytes[this.size++] = v;
  }
}
