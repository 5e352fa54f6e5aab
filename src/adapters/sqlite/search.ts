import type Database from 'better-sqlite3';
import type { CorpusStats, PassageHit, PassageQuery, SearchFilters } from '../../ports/store.js';
import { dataVersionCheck } from './data-version.js';
import { matchExpression, readTotals } from './fts.js';
import { createPostingsRanker } from './postings.js';
import { rowToPassage, rowToSummary, type PassageRow, type SummaryRow } from './rows.js';
import { SOURCE_SUMMARY_INDEX } from './schema.js';

/**
 * First-stage retrieval over the FTS5 index: passages holding any of the query's phrases, ranked
 * by FTS5's BM25 with one weight per field (title, section, body, terms). Every token is quoted
 * here, so nothing a user types reaches FTS5's query syntax. The retrieval layer re-ranks what
 * this returns with its own scoring.
 *
 * When `citemed index` has built the postings index (postings.ts) and `usePostings` is on, an
 * unfiltered search is ranked from it instead: the same passages and scores, without FTS5's cost
 * per matching row.
 */
export function createSearch(db: Database.Database, options: { usePostings?: boolean } = {}) {
  const cache = createStatsCache(db);

  // FTS5's vocabulary: one row per indexed (stemmed) term with the number of rows holding it.
  // FTS5 keeps no document frequency, so this too walks the term's posting list, but without
  // what a MATCH count does besides (0.14 vs 0.20 ms for a term in 5,000 of 1M passages).
  db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.passages_vocab USING fts5vocab(main, 'passages_fts', 'row')");
  const vocabulary = db.prepare('SELECT doc AS n FROM temp.passages_vocab WHERE term = ?');
  function vocabularyFrequency(stem: string | undefined): number | undefined {
    if (stem === undefined) return undefined;
    return (vocabulary.get(stem) as { n: number } | undefined)?.n;
  }
  const postings = options.usePostings === false ? undefined : createPostingsRanker(db, vocabularyFrequency);

  function search(query: PassageQuery): PassageHit[] {
    const match = matchExpression(query.phrases);
    if (match === '') return [];
    const params: Record<string, unknown> = {
      match,
      limit: query.limit,
      wt: query.weights.title,
      ws: query.weights.section,
      wb: query.weights.body,
      wk: query.weights.terms,
    };
    const filters = filterClauses(query.filters ?? {}, params);
    if (filters.length === 0) {
      const ranked = postings?.rank(query.phrases, query.weights, query.limit);
      if (ranked) return fetchRows(db, ranked);
    }
    // Without filters, FTS5 picks the top passages on its own and only those rows are joined:
    // joining (and building the terms field) for every matching row first was 4–5× slower at 100k
    // passages. Filters need the source row, so they join before ranking.
    const ranked =
      filters.length === 0
        ? `SELECT rowid, -bm25(passages_fts, @wt, @ws, @wb, @wk) AS score FROM passages_fts
           WHERE passages_fts MATCH @match ORDER BY bm25(passages_fts, @wt, @ws, @wb, @wk) LIMIT @limit`
        : `SELECT passages_fts.rowid AS rowid, -bm25(passages_fts, @wt, @ws, @wb, @wk) AS score
           FROM passages_fts JOIN passages p ON p.rowid = passages_fts.rowid JOIN sources s ON s.rid = p.source_rid
           WHERE passages_fts MATCH @match AND ${filters.join(' AND ')}
           ORDER BY bm25(passages_fts, @wt, @ws, @wb, @wk) LIMIT @limit`;
    // bm25() is lower-is-better and negative; the port's score is higher-is-better.
    return fetchHits(db, ranked, params);
  }

  // Counting a phrase walks its words' posting lists; past COUNT_CAP matches the count stops and
  // the phrase's frequency is taken as its rarest word's (an upper bound: at that frequency the
  // phrase's idf is low either way).
  const COUNT_CAP = 5_000;
  const count = db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM passages_fts WHERE passages_fts MATCH ? LIMIT ${COUNT_CAP})`);

  function frequencies(phrases: readonly { tokens: string[]; stems: string[] }[]): number[] {
    return phrases.map(({ tokens, stems }) => {
      const match = matchExpression([tokens]);
      if (match === '') return 0;
      return cache.frequency(match, () => {
        // A single token: read from the postings index, or one seek in the vocabulary by its stem.
        const known = tokens.length === 1 ? (postings?.tokenFrequency(tokens[0]!) ?? vocabularyFrequency(stems[0])) : undefined;
        if (known !== undefined) return known;
        // Phrases, and stems the index spelled otherwise: count the matches, exactly up to the cap.
        const counted = (count.get(match) as { n: number }).n;
        if (counted < COUNT_CAP) return counted;
        const words = stems.map(vocabularyFrequency).filter((n): n is number => n !== undefined);
        return words.length > 0 ? Math.max(COUNT_CAP, Math.min(...words)) : counted;
      });
    });
  }

  function invalidate(): void {
    cache.invalidate();
    postings?.invalidate();
  }

  return { search, frequencies, corpusStats: cache.corpusStats, warm: () => postings?.warm(), invalidate };
}

/**
 * The passages a ranking query chose (a SELECT of `rowid` and `score`), with their sources, best
 * first. The terms field (MeSH + keywords) is rebuilt from the source's metadata as the writer
 * built it. The ranking runs first and its rows are then fetched by rowid, both as cached
 * statements; before, one statement holding the ranking as a CTE was prepared again on every
 * search (bench/query/ab.ts measured this change and the diversity one together: p50 at 1M
 * passages 20.2–20.9 → 18.9–19.5 ms).
 */
export function fetchHits(db: Database.Database, ranked: string, params: Record<string, unknown>): PassageHit[] {
  return fetchRows(db, statement(db, ranked).all(params) as { rowid: number; score: number }[]);
}

/** The passages of `order` (rowids with scores, best first), with their sources, in that order. */
function fetchRows(db: Database.Database, order: readonly { rowid: number; score: number }[]): PassageHit[] {
  if (order.length === 0) return [];
  const rows = statement(db, FETCH_SQL).all(JSON.stringify(order.map((r) => r.rowid))) as FetchedRow[];
  const byRowid = new Map(rows.map((row) => [row.rowid, row]));
  const hits: PassageHit[] = [];
  for (const { rowid, score } of order) {
    const row = byRowid.get(rowid);
    if (!row) continue;
    hits.push({
      passage: rowToPassage(row),
      source: rowToSummary(row),
      score,
      fields: { title: row.title, section: row.section, terms: row.terms ?? '' },
    });
  }
  return hits;
}

type FetchedRow = PassageRow & SummaryRow & { terms: string | null };

// The source's columns come from their own index (schema 8), never from its row, whose text may
// span overflow pages that reading the later columns would walk (without INDEXED BY, SQLite looks
// the row up by its rowid).
export const FETCH_SQL = `
  SELECT p.rowid, p.id, p.ordinal, p.section, p.start, p.end, p.text, s.id AS source_id,
         s.title, s.journal, s.year, s.format, s.evidence_level, s.integrity, s.review_status,
         s.status_note, s.pmid, s.doi, s.terms
  FROM passages p JOIN sources s INDEXED BY ${SOURCE_SUMMARY_INDEX} ON s.rid = p.source_rid
  WHERE p.rowid IN (SELECT value FROM json_each(?))`;

/**
 * Prepared statements by SQL text, per connection. Searches build their SQL from a few shapes
 * (with or without each filter), so the cache stays small; it is bounded all the same.
 */
const STATEMENTS = new WeakMap<Database.Database, Map<string, Database.Statement>>();
const STATEMENT_CACHE_LIMIT = 64;

function statement(db: Database.Database, sql: string): Database.Statement {
  let cache = STATEMENTS.get(db);
  if (!cache) STATEMENTS.set(db, (cache = new Map()));
  let prepared = cache.get(sql);
  if (!prepared) {
    prepared = db.prepare(sql);
    if (cache.size >= STATEMENT_CACHE_LIMIT) cache.clear();
    cache.set(sql, prepared);
  }
  return prepared;
}

export function filterClauses(filters: SearchFilters, params: Record<string, unknown>): string[] {
  const where: string[] = [];
  const list = (name: string, values: readonly string[]): string => {
    values.forEach((value, i) => (params[`${name}${i}`] = value));
    return values.map((_, i) => `@${name}${i}`).join(', ');
  };
  if (filters.evidenceLevels && filters.evidenceLevels.length > 0) {
    where.push(`s.evidence_level IN (${list('level', filters.evidenceLevels)})`);
  }
  if (filters.formats && filters.formats.length > 0) where.push(`s.format IN (${list('format', filters.formats)})`);
  if (filters.publicationTypes && filters.publicationTypes.length > 0) {
    where.push(
      `EXISTS (SELECT 1 FROM json_each(s.data, '$.publicationTypes') t
               WHERE lower(t.value) IN (${list('ptype', filters.publicationTypes.map((t) => t.toLowerCase()))}))`,
    );
  }
  if (filters.yearFrom !== undefined) {
    where.push('s.year >= @yearFrom');
    params.yearFrom = filters.yearFrom;
  }
  if (filters.yearTo !== undefined) {
    where.push('s.year <= @yearTo');
    params.yearTo = filters.yearTo;
  }
  return where;
}

/**
 * Corpus statistics and phrase frequencies change only when the library is written, by this
 * process or another; they are cached until then. Mean field lengths come from FTS5's own totals
 * record (the "averages" row of the index: row count, then tokens per column): one small read.
 */
function createStatsCache(db: Database.Database) {
  let stats: CorpusStats | undefined;
  const frequencies = new Map<string, number>();
  const FREQUENCY_CACHE_LIMIT = 50_000;

  // This connection's writes call invalidate(); another connection's commits are seen here.
  const checkVersion = dataVersionCheck(db, () => invalidate());

  function corpusStats(): CorpusStats {
    checkVersion();
    if (stats) return stats;
    const passages = (db.prepare('SELECT count(*) AS n FROM passages').get() as { n: number }).n;
    const sources = (db.prepare('SELECT count(*) AS n FROM sources').get() as { n: number }).n;
    const {
      rows: indexed,
      fieldTokens: [title = 0, section = 0, body = 0, terms = 0],
    } = readTotals(db);
    const mean = (total: number): number => (indexed > 0 ? total / indexed : 0);
    stats = { passages, sources, meanTokens: { title: mean(title), section: mean(section), body: mean(body), terms: mean(terms) } };
    return stats;
  }

  function frequency(key: string, compute: () => number): number {
    checkVersion();
    const cached = frequencies.get(key);
    if (cached !== undefined) return cached;
    const n = compute();
    if (frequencies.size >= FREQUENCY_CACHE_LIMIT) frequencies.clear();
    frequencies.set(key, n);
    return n;
  }

  function invalidate(): void {
    stats = undefined;
    frequencies.clear();
  }

  return { corpusStats, frequency, invalidate };
}
