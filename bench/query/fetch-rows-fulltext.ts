/**
 * The cost of reading 100 candidates' rows with their sources when the sources are full texts,
 * through the sources' summary index (schema 8, what `fetchRows` reads) against the source rows
 * themselves (before schema 8). A source row holds the whole canonical text, and schema 7 put the
 * terms and status note after it, so reading them from the row walks the text's overflow pages.
 *
 *   npx tsx bench/query/fetch-rows-fulltext.ts [--sources 5000] [--kib 60]
 *
 * Writes a library of citemed's schema into a temporary folder: --sources sources of --kib KiB of
 * text each, with 40 passages of about 1 KB each (rows written directly, without the full-text
 * index, which a fetch does not read); then reads 1,000 sets of 100 random passages both ways, three
 * rounds in turn, warm. Removes the folder at the end.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { prepareSchema, setConnectionPragmas, SOURCE_SUMMARY_INDEX } from '../../src/adapters/sqlite/schema.js';
import { FETCH_SQL } from '../../src/adapters/sqlite/search.js';

const { values } = parseArgs({ options: { sources: { type: 'string', default: '5000' }, kib: { type: 'string', default: '60' } } });
const sources = Number(values.sources);
const kib = Number(values.kib);
const dir = mkdtempSync(path.join(os.tmpdir(), 'citemed-fetch-fulltext-'));
const file = path.join(dir, 'library.db');
try {
  const db = new Database(file);
  prepareSchema(db, file, true);
  db.pragma('journal_mode = WAL');
  setConnectionPragmas(db);
  const words = 'kinase protein cell tumour patients trial dose risk mortality infection therapy cohort'.split(' ');
  const prose = (n: number, seed: number) => Array.from({ length: n }, (_, i) => words[(i * 7 + seed) % words.length]).join(' ');
  const text = prose(Math.round((kib * 1024) / 8), 0);
  const addSource = db.prepare(
    `INSERT INTO sources (rid, id, pmid, format, title, journal, year, evidence_level, integrity, version_number, content_hash, origin_path, data, text, ingested_at, updated_at, terms, status_note)
     VALUES (?, ?, ?, 'jats', ?, 'Journal', 2020, 'observational', 'ok', 1, ?, 'bench', '{}', ?, '2026-01-01', '2026-01-01', 'Neoplasms; Protein Kinases', NULL)`,
  );
  const addPassage = db.prepare('INSERT INTO passages (id, source_rid, ordinal, section, start, end, text) VALUES (?, ?, ?, ?, 0, 1000, ?)');
  const started = performance.now();
  db.transaction(() => {
    for (let s = 1; s <= sources; s++) {
      addSource.run(s, `pmc:${s}`, String(s), `Article ${s}`, `hash-${s}`, text);
      for (let p = 0; p < 40; p++) addPassage.run(`${s}-${p}`, s, p, 'Results', prose(130, s + p));
    }
  })();
  console.log(`# ${sources} sources of ${kib} KiB text, ${sources * 40} passages: written in ${((performance.now() - started) / 1000).toFixed(1)} s, ${(statSync(file).size / 1e6).toFixed(0)} MB`);
  const max = db.prepare('SELECT max(rowid) FROM passages').pluck().get() as number;
  let seed = 1;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const sets = Array.from({ length: 1000 }, () => JSON.stringify(Array.from({ length: 100 }, () => 1 + Math.floor(random() * max))));
  const variants = {
    'summary index (schema 8, what fetchRows reads)': db.prepare(FETCH_SQL),
    'source rows (before schema 8)': db.prepare(FETCH_SQL.replace(`INDEXED BY ${SOURCE_SUMMARY_INDEX}`, '')),
  };
  for (const statement of Object.values(variants)) for (const set of sets.slice(0, 100)) statement.all(set);
  const times = new Map<string, string[]>();
  for (let round = 0; round < 3; round++) {
    for (const [name, statement] of Object.entries(variants)) {
      const start = performance.now();
      for (const set of sets) statement.all(set);
      times.set(name, [...(times.get(name) ?? []), ((performance.now() - start) / sets.length).toFixed(2)]);
    }
  }
  console.log('\n| read | ms per 100 candidates, three rounds |\n|---|---|');
  for (const [name, list] of times) console.log(`| ${name} | ${list.join(' / ')} |`);
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
