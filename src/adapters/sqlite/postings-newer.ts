import type Database from 'better-sqlite3';
import { docsizeTokens, fieldIndex, runsPerField, TERMS_FIELD_SQL } from './fts.js';
import { FTS_TOKENIZE } from './schema.js';

/** Most passages above the floor that are kept in memory; with more, FTS5 ranks alone until a rebuild. */
export const NEWER_LIMIT = 50_000;

/**
 * The passages above the postings index's floor (added since the build, or given a removed
 * passage's rowid), held in memory as a small inverted index so that a search scores them as it
 * scores covered ones: their four fields, as the writer gave them to FTS5, tokenized by FTS5's
 * tokenizer in a scratch table of the connection's temp schema; token counts from FTS5's own
 * record. Brought up to date when the library changes: passages not seen before are read, those
 * gone (or whose rowid now holds another passage) are dropped.
 */
export function createNewerPassages(db: Database.Database, limit: number) {
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.postings_newer USING fts5(title, section, body, terms, tokenize='${FTS_TOKENIZE}')`);
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.postings_newer_terms USING fts5vocab(temp, 'postings_newer', 'instance')`);
  const live = db.prepare('SELECT rowid, id FROM passages WHERE rowid > ? LIMIT ?').raw();
  const fields = db.prepare(
    `SELECT p.rowid, s.title, p.section, p.text, ${TERMS_FIELD_SQL} AS terms, d.sz
     FROM passages p JOIN sources s ON s.rid = p.source_rid JOIN passages_fts_docsize d ON d.id = p.rowid
     WHERE p.rowid IN (SELECT value FROM json_each(?))`,
  ).raw();
  const put = db.prepare('INSERT INTO temp.postings_newer (rowid, title, section, body, terms) VALUES (?, ?, ?, ?, ?)');
  const read = db.prepare('SELECT term, doc, col, "offset" FROM temp.postings_newer_terms').raw();
  const empty = db.prepare('DELETE FROM temp.postings_newer');

  /** term → rowid → its offsets in each field. */
  const byTerm = new Map<string, Map<number, number[][]>>();
  const passages = new Map<number, { id: string; tokens: number; terms: string[] }>();
  let floor = -1;

  function drop(rowid: number): void {
    for (const term of passages.get(rowid)?.terms ?? []) {
      const rows = byTerm.get(term);
      rows?.delete(rowid);
      if (rows?.size === 0) byTerm.delete(term);
    }
    passages.delete(rowid);
  }

  /** Up to date with the library above `newFloor`; false when more than `limit` passages are there. */
  function refresh(newFloor: number): boolean {
    if (newFloor !== floor) {
      byTerm.clear();
      passages.clear();
      floor = newFloor;
    }
    const current = live.all(floor, limit + 1) as [number, string][];
    if (current.length > limit) {
      byTerm.clear();
      passages.clear();
      floor = -1;
      return false;
    }
    const now = new Map(current);
    for (const [rowid, held] of passages) if (now.get(rowid) !== held.id) drop(rowid);
    const missing = current.filter(([rowid]) => !passages.has(rowid)).map(([rowid]) => rowid);
    if (missing.length === 0) return true;
    try {
      for (const [rowid, title, section, body, terms, sz] of fields.all(JSON.stringify(missing)) as [number, string, string, string, string | null, Buffer][]) {
        put.run(rowid, title, section, body, terms ?? '');
        passages.set(rowid, { id: now.get(rowid)!, tokens: docsizeTokens(sz), terms: [] });
      }
      for (const [term, doc, col, offset] of read.iterate() as IterableIterator<[string, number, string, number]>) {
        let rows = byTerm.get(term);
        if (!rows) byTerm.set(term, (rows = new Map()));
        let offsets = rows.get(doc);
        if (!offsets) {
          rows.set(doc, (offsets = [[], [], [], []]));
          passages.get(doc)!.terms.push(term);
        }
        offsets[fieldIndex(col)]!.push(offset);
      }
    } catch (error) {
      // Half-read passages would be taken as read next time: start again from none.
      byTerm.clear();
      passages.clear();
      floor = -1;
      throw error;
    } finally {
      empty.run(); // the scratch table holds only the passages being read
    }
    return true;
  }

  return {
    refresh,
    /** How many of them hold `term`. */
    frequency: (term: string) => byTerm.get(term)?.size ?? 0,
    /** Those holding `term`, with its count in each field and their token counts. */
    *holding(term: string): Generator<[number, number[], number]> {
      for (const [rowid, offsets] of byTerm.get(term) ?? []) yield [rowid, offsets.map((list) => list.length), passages.get(rowid)?.tokens ?? 0];
    },
    /** Those holding the terms side by side in one field, with the count per field and their token counts. */
    phraseMatches(terms: readonly string[]): [number, number[], number][] {
      const lists = terms.map((term) => byTerm.get(term));
      if (lists.some((list) => list === undefined)) return [];
      const out: [number, number[], number][] = [];
      for (const [rowid, first] of lists[0]!) {
        const offsets = [first, ...lists.slice(1).map((list) => list!.get(rowid))];
        if (offsets.some((o) => o === undefined)) continue;
        const counts = runsPerField(offsets as number[][][]);
        if (counts.some((n) => n > 0)) out.push([rowid, counts, passages.get(rowid)?.tokens ?? 0]);
      }
      return out;
    },
    get size() {
      return passages.size;
    },
  };
}
