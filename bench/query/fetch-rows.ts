/**
 * The cost of reading 100 candidates' rows with their sources, as `fetchRows` (src/adapters/sqlite/
 * search.ts) reads them (the sources' columns from their summary index, schema 8), against the same
 * columns read from the source rows (schema 7), the MeSH+keywords text and the status note taken
 * out of each source's JSON (as before schema 7), and passages alone. 300 sets of 100
 * random rowids, each variant twice, in turn:
 *
 *   npx tsx bench/query/fetch-rows.ts bench/out/query/work/citemed-pipeline-postings/citemed.db
 *
 * Needs a library of schema 8 or later (one `bench/query/run.ts --keep` leaves, opened once by
 * citemed). Read-only.
 */
import Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { TERMS_FIELD_SQL } from '../../src/adapters/sqlite/fts.js';
import { FETCH_SQL } from '../../src/adapters/sqlite/search.js';
const library = process.argv[2];
if (!library) throw new Error('usage: npx tsx bench/query/fetch-rows.ts <library.db>');
const db = new Database(library, { readonly: true });
db.pragma('cache_size = -65536');
const max = db.prepare('SELECT max(rowid) FROM passages').pluck().get() as number;
const variants: Record<string, string> = {
  'json (before schema 7)': `SELECT p.rowid, p.id, p.ordinal, p.section, p.start, p.end, p.text, s.id AS source_id, s.title, s.journal, s.year, s.format, s.evidence_level, s.integrity, s.review_status, json_extract(s.data, '$.statusNote') AS status_note, s.pmid, s.doi, ${TERMS_FIELD_SQL} AS terms FROM passages p JOIN sources s ON s.rid = p.source_rid WHERE p.rowid IN (SELECT value FROM json_each(?))`,
  'summary index (schema 8, what fetchRows reads)': FETCH_SQL,
  'columns from the source rows (schema 7)': `SELECT p.rowid, p.id, p.ordinal, p.section, p.start, p.end, p.text, s.id AS source_id, s.title, s.journal, s.year, s.format, s.evidence_level, s.integrity, s.review_status, s.status_note, s.pmid, s.doi, s.terms FROM passages p JOIN sources s ON s.rid = p.source_rid WHERE p.rowid IN (SELECT value FROM json_each(?))`,
  'passages alone': `SELECT p.rowid, p.id, p.ordinal, p.section, p.start, p.end, p.text, p.source_rid FROM passages p WHERE p.rowid IN (SELECT value FROM json_each(?))`,
};
// The same random rowids for every variant and every run (a linear congruential generator).
let seed = 1;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const sets = Array.from({ length: 300 }, () => JSON.stringify(Array.from({ length: 100 }, () => 1 + Math.floor(random() * max))));
for (let round = 0; round < 2; round++) {
  for (const [name, sql] of Object.entries(variants)) {
    const statement = db.prepare(sql);
    const start = performance.now();
    for (const rowids of sets) statement.all(rowids);
    console.log(`${name}: ${((performance.now() - start) / sets.length).toFixed(3)} ms per 100 rows`);
  }
}
db.close();
