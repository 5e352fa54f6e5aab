import type Database from 'better-sqlite3';
import { indexStem } from '../../domain/index-stem.js';
import type { FieldWeights } from '../../ports/store.js';
import { dataVersionCheck } from './data-version.js';
import { ftsPhrases, phraseExpression, readTotals, runsPerField, totalTokens } from './fts.js';
import { postingsTable } from './postings-build.js';
import { createNewerPassages, NEWER_LIMIT } from './postings-newer.js';
import { FTS_TOKENIZE } from './schema.js';

/**
 * The postings index: a first stage for large libraries that gives the same ranking as FTS5's
 * `bm25()` without FTS5's cost per matching row.
 *
 * FTS5 scores every passage that holds a query term through SQLite's virtual-table machinery,
 * about 1.1 µs per passage on top of walking its postings; at 1M passages that was 11 of a
 * search's 19 ms. Here each term's postings are one blob (rowid deltas and per-field counts, as
 * varints) and BM25 is summed over them in typed arrays.
 *
 * This module ranks; postings-build.ts builds, drops and describes the index, and
 * postings-newer.ts holds the passages added since the build.
 *
 * - **Built, not maintained.** `citemed index` builds it from FTS5's own index (fts5vocab's
 *   'instance' table and the per-row token counts), so its terms are exactly FTS5's. Ingest
 *   never writes it. Passages deleted after the build are recorded by a trigger and skipped;
 *   passages added after it (rowid above the watermark) are held in memory, tokenized by FTS5's
 *   tokenizer, up to NEWER_LIMIT of them (past that, FTS5 ranks until the next build).
 * - **The same scores as FTS5.** BM25 with FTS5's constants (k1 1.2, b 0.75, idf floor 1e-6),
 *   the field weights given, each passage's token count over all fields, and the library's
 *   current row count and mean length. A term's frequency is its covered count plus its count
 *   among newer passages; once covered passages were deleted, FTS5's vocabulary count (exact,
 *   slower). A phrase of several tokens ("covid-19") is matched on the terms' positions, kept in
 *   a second blob, and counted as FTS5 counts it; a phrase of common words
 *   (PHRASE_POSTINGS_LIMIT) is scored by FTS5 itself, alone: in FTS5's BM25 each phrase adds its
 *   own term, so the sum is the same.
 * - **Row ids given again.** SQLite gives a new row the largest rowid plus one, so when the
 *   passages with the largest rowids are deleted, their rowids go to new passages. Rowids from
 *   the lowest such one up are then treated as newer (the "floor" below), so a new passage is
 *   never scored from an old one's postings.
 * - **When it is not used** (the search goes to FTS5 and says nothing, as the results are the
 *   same): no index built, filters given (they need the source row), or more than NEWER_LIMIT
 *   passages above the floor.
 */

/**
 * A phrase whose terms hold more postings than this is scored by FTS5 instead: reading every
 * posting and position in JavaScript costs more than FTS5's own phrase search, which skips
 * through its lists (at 1M passages, "time to treatment", 1.2M postings: 90 ms here, 39 ms in FTS5).
 */
const PHRASE_POSTINGS_LIMIT = 200_000;

const K1 = 1.2;
const B = 0.75;

/**
 * The largest rowid the postings may score: the watermark, or below the lowest covered rowid that
 * was removed and has since been given to a new passage.
 */
function coveredFloor(db: Database.Database, watermark: number): number {
  const reused = db.prepare('SELECT min(rowid) FROM passages WHERE rowid IN (SELECT rowid FROM postings_gone)').pluck().get() as number | null;
  return reused === null ? watermark : Math.min(watermark, reused - 1);
}

interface Loaded {
  builtAt: string;
  generation: number;
  watermark: number;
  lengths: Uint32Array;
}

export interface PostingsRanker {
  /**
   * The best `limit` passages for the OR of `phrases` (each a list of raw query tokens, as the
   * FTS5 MATCH expression quotes them), with FTS5's BM25 scores (higher is better); undefined
   * when there is no index and FTS5 must rank.
   */
  rank(phrases: readonly string[][], weights: FieldWeights, limit: number): { rowid: number; score: number }[] | undefined;
  /**
   * The document frequency of a raw query token that FTS5 reads as one index term; undefined when
   * the index cannot say (none built, passages removed since, or the token is several terms).
   */
  tokenFrequency(token: string): number | undefined;
  /** Reads now what the next search would otherwise read first: the state, and the passages added since the build. */
  warm(): void;
  invalidate(): void;
}

/**
 * Ranking over the postings index, for one connection. What it reads of the library (the index's
 * state, removed rowids, totals) is cached until the library changes.
 */
export function createPostingsRanker(
  db: Database.Database,
  vocabulary: (term: string) => number | undefined,
  options: { newerLimit?: number; phrasePostingsLimit?: number } = {},
): PostingsRanker {
  const statements = {
    meta: db.prepare('SELECT generation, watermark, built_at FROM postings_meta WHERE id = 1'),
    lengths: db.prepare('SELECT lengths FROM postings_meta WHERE id = 1'),
    term: [0, 1].map((g) => db.prepare(`SELECT df, data FROM ${postingsTable(g)} WHERE term = ?`)),
    withPositions: [0, 1].map((g) => db.prepare(`SELECT data, positions FROM ${postingsTable(g)} WHERE term = ?`)),
    // A phrase of common words: FTS5 scores it in every live passage, covered or not.
    phrase: db.prepare(`SELECT rowid, -bm25(passages_fts, @wt, @ws, @wb, @wk) AS score FROM passages_fts WHERE passages_fts MATCH @match`),
    df: [0, 1].map((g) => db.prepare(`SELECT df FROM ${postingsTable(g)} WHERE term = ?`).pluck()),
    gone: db.prepare('SELECT rowid FROM postings_gone').pluck(),
    maxRowid: db.prepare('SELECT max(rowid) FROM passages').pluck(),
  };
  const tokenizer = createTokenizer(db);
  const newer = createNewerPassages(db, options.newerLimit ?? NEWER_LIMIT);

  let loaded: Loaded | undefined;
  /** `floor`: the largest rowid scored from the postings (coveredFloor); those above it are `newer`'s. */
  let state: { present: boolean; floor: number; gone: Set<number>; totals: { rows: number; tokens: number } } | undefined;
  const frequencies = new Map<string, number>();
  let accumulator = new Accumulator(0);

  const checkVersion = dataVersionCheck(db, () => invalidate());

  function invalidate(): void {
    state = undefined;
    frequencies.clear();
  }

  /** The index as of now, or undefined when there is none or it cannot be used. */
  function current(): (Loaded & NonNullable<typeof state>) | undefined {
    checkVersion();
    if (!state) {
      const meta = statements.meta.get() as { generation: number; watermark: number; built_at: string } | undefined;
      if (!meta) {
        loaded = undefined;
        state = { present: false, floor: 0, gone: new Set(), totals: { rows: 0, tokens: 0 } };
        return undefined;
      }
      if (!loaded || loaded.builtAt !== meta.built_at || loaded.generation !== meta.generation) {
        const blob = (statements.lengths.get() as { lengths: Buffer }).lengths;
        const lengths = new Uint32Array(blob.byteLength / 4);
        new Uint8Array(lengths.buffer).set(blob);
        loaded = { builtAt: meta.built_at, generation: meta.generation, watermark: meta.watermark, lengths };
      }
      // Room for every rowid a search can score: newer passages' too.
      const size = Math.max(loaded.watermark, (statements.maxRowid.get() as number | null) ?? 0) + 1;
      if (accumulator.size < size) accumulator = new Accumulator(Math.ceil(size * 1.25));
      const gone = new Set(statements.gone.all() as number[]);
      const totals = readTotals(db);
      const floor = gone.size === 0 ? loaded.watermark : coveredFloor(db, loaded.watermark);
      // Too many passages added since the build to hold in memory: FTS5 ranks until a rebuild.
      state = { present: newer.refresh(floor), floor, gone, totals: { rows: totals.rows, tokens: totalTokens(totals) } };
    }
    return loaded && state.present ? { ...loaded, ...state } : undefined;
  }

  function frequency(term: string): number | undefined {
    const index = current();
    // Once covered passages were removed, the stored counts include them: the vocabulary has the exact one.
    if (!index || index.gone.size > 0) return undefined;
    const cached = frequencies.get(term);
    if (cached !== undefined) return cached;
    const n = ((statements.df[index.generation]!.get(term) as number | undefined) ?? 0) + newer.frequency(term);
    if (frequencies.size >= 50_000) frequencies.clear();
    frequencies.set(term, n);
    return n;
  }

  function rank(phrases: readonly string[][], weights: FieldWeights, limit: number): { rowid: number; score: number }[] | undefined {
    const index = current();
    if (!index) return undefined;
    const w = [weights.title, weights.section, weights.body, weights.terms];
    const { rows, tokens } = index.totals;
    const avgdl = rows > 0 ? tokens / rows : 0;
    const scores = accumulator;
    const params = { wt: weights.title, ws: weights.section, wb: weights.body, wk: weights.terms };
    // The single-term phrases, for scoring the newer passages after the covered ones.
    const singles: { term: string; idf: number }[] = [];
    try {
      for (const phrase of ftsPhrases(phrases)) {
        const terms = phrase.flatMap((token) => tokenizer(token));
        if (terms.length === 0) continue;
        if (terms.length > 1) {
          const postings = terms.reduce((n, t) => n + ((statements.df[index.generation]!.get(t) as number | undefined) ?? 0), 0);
          if (postings > (options.phrasePostingsLimit ?? PHRASE_POSTINGS_LIMIT)) {
            for (const row of statements.phrase.iterate({ ...params, match: phraseExpression(phrase) }) as IterableIterator<{ rowid: number; score: number }>) {
              scores.add(row.rowid, row.score);
            }
            continue;
          }
          // A phrase: passages holding its terms side by side in one field, from their positions.
          const lists = terms.map((t) => statements.withPositions[index.generation]!.get(t) as { data: Buffer; positions: Buffer } | undefined);
          const covered = lists.every((l) => l !== undefined)
            ? phraseMatches(lists.map((l) => new PostingsCursor(l!.data, l!.positions)), index.floor, index.gone)
            : [];
          const added = newer.size > 0 ? newer.phraseMatches(terms) : [];
          const hits = covered.length + added.length;
          const idf = idfOf(rows, hits);
          for (const [rowid, c] of covered) scores.add(rowid, bm25Term(idf, weighted(w, c), index.lengths[rowid] ?? 0, avgdl));
          for (const [rowid, c, D] of added) scores.add(rowid, bm25Term(idf, weighted(w, c), D, avgdl));
          continue;
        }
        const term = terms[0]!;
        const idf = idfOf(rows, frequency(term) ?? vocabulary(term) ?? 0);
        singles.push({ term, idf });
        const row = statements.term[index.generation]!.get(term) as { df: number; data: Buffer } | undefined;
        if (row) scores.addPostings(row.data, w, idf, { lengths: index.lengths, gone: index.gone, floor: index.floor, avgdl });
      }
      // Passages above the floor, from their in-memory counts.
      for (const { term, idf } of newer.size > 0 ? singles : []) {
        for (const [rowid, c, D] of newer.holding(term)) scores.add(rowid, bm25Term(idf, weighted(w, c), D, avgdl));
      }
      return scores.top(limit);
    } finally {
      scores.clear();
    }
  }

  function tokenFrequency(token: string): number | undefined {
    if (!current()) return undefined;
    const terms = tokenizer(token);
    return terms.length === 1 ? frequency(terms[0]!) : undefined;
  }

  return { rank, tokenFrequency, warm: () => void current(), invalidate };
}

/**
 * Scores summed per passage over one search, in arrays indexed by rowid, sized for the library's
 * largest rowid (made anew, a quarter larger, when it outgrows them) and cleared after each search
 * by the list of rowids touched.
 */
class Accumulator {
  readonly size: number;
  readonly scores: Float64Array;
  private readonly seen: Uint8Array;
  private readonly touched: Int32Array;
  private count = 0;

  constructor(size: number) {
    this.size = size;
    this.scores = new Float64Array(size);
    this.seen = new Uint8Array(size);
    this.touched = new Int32Array(size);
  }

  add(rowid: number, score: number): void {
    if (this.seen[rowid] === 0) {
      this.seen[rowid] = 1;
      this.scores[rowid] = score;
      this.touched[this.count++] = rowid;
    } else {
      this.scores[rowid]! += score;
    }
  }

  /** Adds one term's BM25 (bm25Term) to every passage in its postings. */
  addPostings(
    data: Uint8Array,
    w: readonly number[],
    idf: number,
    { lengths, gone, floor, avgdl }: { lengths: Uint32Array; gone: Set<number>; floor: number; avgdl: number },
  ): void {
    const [w0 = 0, w1 = 0, w2 = 0, w3 = 0] = w;
    const skip = gone.size > 0;
    const n = data.length;
    let i = 0;
    let doc = 0;
    while (i < n) {
      // Inlined varint reads: this loop is the search's hot path.
      let byte = data[i++]!;
      let value = byte & 0x7f;
      for (let scale = 128; byte >= 0x80; scale *= 128) {
        byte = data[i++]!;
        value += (byte & 0x7f) * scale;
      }
      doc += value;
      if (doc > floor) return; // rowids ascend; those above the floor are the newer passages'
      const mask = data[i++]!;
      let f = 0;
      for (let field = 0; field < 4; field++) {
        if ((mask & (1 << field)) === 0) continue;
        byte = data[i++]!;
        let tf = byte & 0x7f;
        for (let scale = 128; byte >= 0x80; scale *= 128) {
          byte = data[i++]!;
          tf += (byte & 0x7f) * scale;
        }
        f += (field === 0 ? w0 : field === 1 ? w1 : field === 2 ? w2 : w3) * tf;
      }
      if (skip && gone.has(doc)) continue;
      this.add(doc, bm25Term(idf, f, lengths[doc] ?? 0, avgdl));
    }
  }

  /** The `limit` best rowids by score (ties: lower rowid first), best first: a bounded min-heap. */
  top(limit: number): { rowid: number; score: number }[] {
    const { scores } = this;
    const heap = new Int32Array(Math.max(0, Math.min(limit, this.count)));
    // a worse than b: lower score, or the same score and a higher rowid.
    const worse = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
    let size = 0;
    const siftDown = (from: number) => {
      let i = from;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < size && worse(heap[l]!, heap[m]!)) m = l;
        if (r < size && worse(heap[r]!, heap[m]!)) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    };
    for (let t = 0; t < this.count; t++) {
      const rowid = this.touched[t]!;
      if (size < heap.length) {
        let i = size++;
        heap[i] = rowid;
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if (!worse(heap[i]!, heap[parent]!)) break;
          [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
          i = parent;
        }
      } else if (size > 0 && worse(heap[0]!, rowid)) {
        heap[0] = rowid;
        siftDown(0);
      }
    }
    return Array.from(heap.subarray(0, size), (rowid) => ({ rowid, score: scores[rowid]! })).sort(
      (a, b) => b.score - a.score || a.rowid - b.rowid,
    );
  }

  clear(): void {
    for (let t = 0; t < this.count; t++) this.seen[this.touched[t]!] = 0;
    this.count = 0;
  }
}


/**
 * FTS5's own tokenizer, run on one query token through a scratch FTS5 table in the connection's
 * temp schema: the terms are then exactly those of the index, which a tokenizer written again in
 * TypeScript could not promise for every character. A plain lower-case word, which is most of
 * what a question holds, skips the round trip: FTS5's porter tokenizer stems one of 3 to 64
 * letters as the `stemmer` package does and passes others through, which is `indexStem`
 * (domain/index-stem.ts; postings.test.ts checks it against FTS5 itself). At 1M passages that took about 1 ms off the median search of the bench's
 * questions, most of whose words were new to the process (docs/benchmarks.md).
 */
export function createTokenizer(db: Database.Database): (token: string) => string[] {
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.postings_tokenizer USING fts5(t, tokenize='${FTS_TOKENIZE}')`);
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.postings_tokenizer_terms USING fts5vocab(temp, 'postings_tokenizer', 'instance')`);
  const put = db.prepare('INSERT INTO temp.postings_tokenizer (rowid, t) VALUES (1, ?)');
  const read = db.prepare('SELECT term FROM temp.postings_tokenizer_terms ORDER BY "offset"').pluck();
  const clear = db.prepare('DELETE FROM temp.postings_tokenizer');
  const cache = new Map<string, string[]>();
  return (token: string): string[] => {
    const cached = cache.get(token);
    if (cached) return cached;
    let terms: string[];
    if (PLAIN_WORD.test(token)) terms = [indexStem(token)];
    else {
      put.run(token);
      terms = read.all() as string[];
      clear.run();
    }
    if (cache.size >= 50_000) cache.clear();
    cache.set(token, terms);
    return terms;
  };
}

const PLAIN_WORD = /^[a-z]+$/;

/** FTS5's idf of a phrase in `hits` of `rows` passages, floored at 1e-6 as FTS5 floors it. */
function idfOf(rows: number, hits: number): number {
  const idf = Math.log((rows - hits + 0.5) / (hits + 0.5));
  return idf <= 0 ? 1e-6 : idf;
}

/** A count per field, weighted: FTS5's BM25 frequency of a phrase in a passage. */
function weighted(w: readonly number[], counts: readonly number[]): number {
  return w[0]! * counts[0]! + w[1]! * counts[1]! + w[2]! * counts[2]! + w[3]! * counts[3]!;
}

/**
 * One term's postings read passage by passage: rowid, count per field and, from the positions
 * blob, the offsets per field.
 */
class PostingsCursor {
  doc = 0;
  private readonly counts = [0, 0, 0, 0];
  private readonly offsets: number[][] = [[], [], [], []];
  private readonly data: VarintReader;
  private readonly positions: VarintReader;
  /** Offsets of the current passage not read yet (they are read only when asked for). */
  private unread = 0;

  constructor(data: Uint8Array, positions: Uint8Array) {
    this.data = new VarintReader(data);
    this.positions = new VarintReader(positions);
  }

  next(): boolean {
    if (this.data.done) return false;
    this.positions.skip(this.unread);
    this.unread = 0;
    this.doc += this.data.next();
    const mask = this.data.next();
    for (let field = 0; field < 4; field++) {
      const tf = (mask & (1 << field)) === 0 ? 0 : this.data.next();
      this.counts[field] = tf;
      this.unread += tf;
    }
    return true;
  }

  /** The current passage's offsets of the term, per field. */
  positionsHere(): number[][] {
    for (let field = 0; field < 4; field++) {
      const list = this.offsets[field]!;
      list.length = 0;
      let offset = 0;
      for (let k = 0; k < this.counts[field]!; k++) list.push((offset += this.positions.next()));
    }
    this.unread = 0;
    return this.offsets;
  }
}

/** Unsigned LEB128 varints read one after another, as postings-build.ts writes them. */
class VarintReader {
  private at = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.at >= this.bytes.length;
  }

  next(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.bytes[this.at++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  }

  /** Passes over `count` varints without decoding them. */
  skip(count: number): void {
    for (let left = count; left > 0; ) if (this.bytes[this.at++]! < 0x80) left--;
  }
}

/**
 * Passages up to `floor` (and not removed) holding the phrase whose terms' cursors are given in
 * order, with its count per field: the offsets where term 0 starts a run of all of them, term i
 * at that offset + i, in one field (FTS5 counts each such run).
 */
function phraseMatches(cursors: PostingsCursor[], floor: number, gone: ReadonlySet<number>): [number, number[]][] {
  const out: [number, number[]][] = [];
  if (!cursors.every((c) => c.next())) return out;
  for (;;) {
    const doc = Math.max(...cursors.map((c) => c.doc));
    if (doc > floor) return out;
    let aligned = true;
    for (const c of cursors) {
      while (c.doc < doc) if (!c.next()) return out;
      if (c.doc !== doc) aligned = false;
    }
    if (!aligned) continue;
    if (!gone.has(doc)) {
      const counts = runsPerField(cursors.map((c) => c.positionsHere()));
      if (counts.some((n) => n > 0)) out.push([doc, counts]);
    }
    if (!cursors.every((c) => c.next())) return out;
  }
}

/**
 * One term's BM25 in one passage, as FTS5 computes it (fts5_aux.c), with the field-weighted count
 * `f` and the passage's token count over all fields `D`:
 * idf × f × (k1 + 1) / (f + k1 × (1 − b + b × D / avgdl)).
 */
function bm25Term(idf: number, f: number, D: number, avgdl: number): number {
  return (idf * (f * (K1 + 1))) / (f + K1 * (1 - B + (B * D) / (avgdl > 0 ? avgdl : 1)));
}
