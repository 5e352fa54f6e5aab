import type Database from 'better-sqlite3';
import { docsizeTokens, fieldIndex, runsPerField } from './fts.js';
import { FTS_TOKENIZE } from './schema.js';

/** Most passages above the floor that are kept in memory; with more, FTS5 ranks alone until a rebuild. */
export const NEWER_LIMIT = 50_000;

/**
 * The passages above the postings index's floor (added since the build, or given a removed
 * passage's rowid), kept so that a search scores them as it scores covered ones: their four
 * fields, as the writer gave them to FTS5, tokenized by FTS5's tokenizer into a small FTS5 index
 * of the connection's temp schema (in memory), which stays filled between searches; token counts
 * from FTS5's own record. Brought up to date when the library changes: passages not seen before
 * are added (in one transaction), those gone (or whose rowid now holds another passage) deleted.
 *
 * A term's passages and offsets are read from that index only when a search asks for the term,
 * and kept until the passages change. Reading every term of every passage into memory at once
 * (fts5vocab's 'instance' rows, ~1 µs each, and a few small arrays per passage and term) made the
 * first search after an ingest of 8,589 passages take 8.5 s; see docs/benchmarks.md.
 */
export function createNewerPassages(db: Database.Database, limit: number) {
  // Contentless: the text is in `passages`; contentless_delete lets a passage be deleted by rowid.
  db.exec(
    `CREATE VIRTUAL TABLE IF NOT EXISTS temp.postings_newer USING fts5(title, section, body, terms, content='', contentless_delete=1, tokenize='${FTS_TOKENIZE}')`,
  );
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.postings_newer_terms USING fts5vocab(temp, 'postings_newer', 'instance')`);
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.postings_newer_rows USING fts5vocab(temp, 'postings_newer', 'row')`);
  const live = db.prepare('SELECT rowid, id FROM passages WHERE rowid > ? LIMIT ?').raw();
  const fields = db.prepare(
    `SELECT p.rowid, s.title, p.section, p.text, s.terms, d.sz
     FROM passages p JOIN sources s ON s.rid = p.source_rid JOIN passages_fts_docsize d ON d.id = p.rowid
     WHERE p.rowid IN (SELECT value FROM json_each(?))`,
  ).raw();
  const put = db.prepare('INSERT INTO temp.postings_newer (rowid, title, section, body, terms) VALUES (?, ?, ?, ?, ?)');
  const remove = db.prepare('DELETE FROM temp.postings_newer WHERE rowid = ?');
  const empty = db.prepare('DELETE FROM temp.postings_newer');
  // In (doc, column, offset) order: FTS5 keeps a term's rowids ascending, and positions by column, then offset.
  const instances = db.prepare('SELECT doc, col, "offset" FROM temp.postings_newer_terms WHERE term = ?').raw();
  const documents = db.prepare('SELECT doc FROM temp.postings_newer_rows WHERE term = ?').pluck();
  const addAll = db.transaction((rows: [number, string, string, string, string | null, Buffer][]) => {
    for (const [rowid, title, section, body, terms] of rows) put.run(rowid, title, section, body, terms ?? '');
  });
  const removeAll = db.transaction((rowids: number[]) => {
    for (const rowid of rowids) remove.run(rowid);
  });

  /** rowid → its passage id and token count over all fields. */
  const passages = new Map<number, { id: string; tokens: number }>();
  /** Terms read since the passages last changed, and how many offsets they hold (the cache's bound). */
  const terms = new Map<string, TermList>();
  let cachedOffsets = 0;
  let floor = -1;

  function forget(): void {
    terms.clear();
    cachedOffsets = 0;
  }

  function clear(): void {
    empty.run();
    passages.clear();
    forget();
    floor = -1;
  }

  /** Up to date with the library above `newFloor`; false when more than `limit` passages are there. */
  function refresh(newFloor: number): boolean {
    if (newFloor !== floor) {
      if (passages.size > 0) clear();
      floor = newFloor;
    }
    const current = live.all(floor, limit + 1) as [number, string][];
    if (current.length > limit) {
      clear();
      return false;
    }
    const now = new Map(current);
    const gone: number[] = [];
    for (const [rowid, held] of passages) if (now.get(rowid) !== held.id) gone.push(rowid);
    const missing = current.filter(([rowid, id]) => passages.get(rowid)?.id !== id).map(([rowid]) => rowid);
    if (gone.length === 0 && missing.length === 0) return true;
    forget();
    try {
      removeAll(gone);
      for (const rowid of gone) passages.delete(rowid);
      if (missing.length > 0) {
        const rows = fields.all(JSON.stringify(missing)) as [number, string, string, string, string | null, Buffer][];
        addAll(rows);
        for (const row of rows) passages.set(row[0], { id: now.get(row[0])!, tokens: docsizeTokens(row[5]) });
      }
    } catch (error) {
      // What the scratch index holds and what `passages` says could differ: start again from none.
      clear();
      throw error;
    }
    return true;
  }

  /** The passages holding `term`, read from the scratch index once until the passages change. */
  function list(term: string): TermList | undefined {
    if (passages.size === 0) return undefined;
    let found = terms.get(term);
    if (found) return found;
    const docs: number[] = [];
    const counts: number[] = [];
    const offsets: number[] = [];
    for (const [doc, col, offset] of instances.iterate(term) as IterableIterator<[number, string, number]>) {
      if (docs[docs.length - 1] !== doc) {
        docs.push(doc);
        counts.push(0, 0, 0, 0);
      }
      counts[(docs.length - 1) * 4 + fieldIndex(col)]!++;
      offsets.push(offset);
    }
    found = { docs, counts, offsets };
    // A bound on memory: a few common terms of 50,000 passages hold about a million offsets.
    if (cachedOffsets + offsets.length > CACHED_OFFSETS_LIMIT) forget();
    terms.set(term, found);
    cachedOffsets += offsets.length + docs.length;
    return found;
  }

  /** One passage's offsets of a term, per field, from its place `i` in the term's list. */
  function offsetsOf(found: TermList, i: number, start: number): number[][] {
    const out: number[][] = [];
    let at = start;
    for (let field = 0; field < 4; field++) {
      const n = found.counts[i * 4 + field]!;
      out.push(found.offsets.slice(at, at + n));
      at += n;
    }
    return out;
  }

  return {
    refresh,
    /** How many of them hold `term`. */
    frequency: (term: string): number => {
      if (passages.size === 0) return 0;
      const cached = terms.get(term);
      return cached ? cached.docs.length : ((documents.get(term) as number | undefined) ?? 0);
    },
    /** Those holding `term`, with its count in each field and their token counts. */
    *holding(term: string): Generator<[number, number[], number]> {
      const found = list(term);
      if (!found) return;
      for (let i = 0; i < found.docs.length; i++) {
        const doc = found.docs[i]!;
        yield [doc, found.counts.slice(i * 4, i * 4 + 4), passages.get(doc)?.tokens ?? 0];
      }
    },
    /** Those holding the terms side by side in one field, with the count per field and their token counts. */
    phraseMatches(phrase: readonly string[]): [number, number[], number][] {
      const lists = phrase.map((term) => list(term));
      if (lists.some((l) => l === undefined || l.docs.length === 0)) return [];
      // Each term's passages by rowid: their place in its list and where their offsets start.
      const where = lists.map((l) => {
        const at = new Map<number, [number, number]>();
        let start = 0;
        for (let i = 0; i < l!.docs.length; i++) {
          at.set(l!.docs[i]!, [i, start]);
          for (let field = 0; field < 4; field++) start += l!.counts[i * 4 + field]!;
        }
        return at;
      });
      const out: [number, number[], number][] = [];
      for (const doc of lists[0]!.docs) {
        const places = where.map((at) => at.get(doc));
        if (places.some((p) => p === undefined)) continue;
        const counts = runsPerField(places.map((p, k) => offsetsOf(lists[k]!, p![0], p![1])));
        if (counts.some((n) => n > 0)) out.push([doc, counts, passages.get(doc)?.tokens ?? 0]);
      }
      return out;
    },
    get size() {
      return passages.size;
    },
  };
}

/** A term's passages among the newer ones: rowids ascending, 4 counts (one per field) for each, then all offsets in that order. */
interface TermList {
  docs: number[];
  counts: number[];
  offsets: number[];
}

/** Most offsets (and rowids) of terms kept read between changes of the passages; past it, the cache starts again. */
const CACHED_OFFSETS_LIMIT = 2_000_000;
