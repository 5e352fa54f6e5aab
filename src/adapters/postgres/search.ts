import type pg from 'pg';
import type { CorpusStats, FieldWeights, PassageHit, PassageQuery, SearchFilters } from '../../ports/store.js';
import type { PostgresDatabase } from './connection.js';
import { phraseQueries, phraseQuery, quoteLexeme } from './lexemes.js';
import { HIT_COLUMNS, rowToHit, type HitRow } from './rows.js';
import { readState, versionedCache, type LibraryState } from './state.js';

/**
 * First-stage retrieval over the GIN-indexed tsvector of each passage: passages holding any of
 * the query's phrases, best first by a BM25-like score (`rankSql`). Every token is cut, stemmed
 * and quoted here (lexemes.ts) and each tsquery travels as a parameter, so nothing a user types
 * reaches PostgreSQL's query syntax. The retrieval layer re-ranks what this returns.
 */
export function createSearch(db: PostgresDatabase, tuning: Partial<EstimateTuning> = {}) {
  const cache = versionedCache<number>(FREQUENCY_CACHE_LIMIT);
  const common = commonLexemes(db.pool, { ...ESTIMATES, ...tuning });

  async function search(query: PassageQuery): Promise<PassageHit[]> {
    const phrases = phraseQueries(query.phrases);
    if (phrases.length === 0 || query.limit <= 0) return [];
    const state = await readState(db.pool);
    // The retriever has just asked for these frequencies: they come from the cache.
    const dfs = await phraseFrequencies(phrases, state);
    const params: unknown[] = [phrases.join(' | '), rankWeights(query.weights), query.limit];
    const score = rankSql(phrases, dfs, state.stats, params);
    const filters = filterClauses(query.filters ?? {}, params);
    // Without filters only passages are ranked, and just the chosen rows are joined to their
    // sources; filters need the source row for every match, so they join before ranking.
    const ranked = `
      SELECT rid, ${score.total} AS score FROM (
        SELECT p.rid, ${score.columns} FROM passages p
        ${filters.length > 0 ? 'JOIN sources s ON s.rid = p.source_rid' : ''}
        WHERE p.lexemes @@ $1::tsquery ${filters.map((f) => `AND ${f}`).join(' ')}
      ) AS matched ORDER BY score DESC, rid LIMIT $3`;
    return fetchHits(db.pool, ranked, params);
  }

  /**
   * Document frequency of each phrase: how many passages hold it. The phrase is cut and stemmed
   * as the index is, so the caller's `stems` are not needed. Cached until the library changes.
   */
  async function frequencies(phrases: readonly { tokens: string[]; stems: string[] }[]): Promise<number[]> {
    const queries = phrases.map((p) => phraseQuery(p.tokens));
    const counts = await phraseFrequencies(
      queries.filter((q) => q !== ''),
      await readState(db.pool),
    );
    const byQuery = new Map(queries.filter((q) => q !== '').map((q, i) => [q, counts[i] ?? 0]));
    return queries.map((q) => byQuery.get(q) ?? 0);
  }

  /**
   * Frequencies of phrase queries (phraseQuery's text). A single lexeme is counted exactly
   * through the GIN index, unless it is one of the library's common words, whose frequency the
   * planner's statistics give (commonLexemes); a phrase is counted up to COUNT_CAP matches, past
   * which it takes its rarest word's frequency (an upper bound: at that frequency its idf is low
   * either way), as the SQLite store does.
   */
  async function phraseFrequencies(queries: readonly string[], state: LibraryState): Promise<number[]> {
    const version = state.dataVersion;
    cache.check(version);
    // This call's answers, also kept here: the cache may be emptied (full, or a write) meanwhile.
    const found = new Map<string, number>();
    const known = (q: string): number | undefined => found.get(q) ?? cache.get(q);
    const keep = (q: string, n: number): void => {
      found.set(q, n);
      cache.set(q, n);
    };
    const missing = [...new Set(queries.filter((q) => known(q) === undefined))];
    const estimate = await common.estimates(state.stats.passages);
    const counted = async (lexemes: readonly string[]): Promise<Map<string, number>> => {
      const out = new Map<string, number>();
      for (const l of lexemes) {
        const n = estimate(l);
        if (n !== undefined) out.set(l, n);
      }
      for (const [l, n] of await countMatches(db.pool, lexemes.filter((l) => !out.has(l)))) out.set(l, n);
      return out;
    };
    const single = missing.filter((q) => !q.includes('<->'));
    const multi = missing.filter((q) => q.includes('<->'));
    for (const [q, n] of await counted(single)) keep(q, n);
    const capped = await countMatches(db.pool, multi, COUNT_CAP);
    const saturated = [...capped].filter(([, n]) => n >= COUNT_CAP).map(([q]) => q);
    if (saturated.length > 0) {
      // For each saturated phrase, the frequency of its rarest word.
      const lexemesOf = (q: string): string[] => q.replace(/^\(|\)$/g, '').split(' <-> ');
      const words = [...new Set(saturated.flatMap(lexemesOf))].filter((l) => known(l) === undefined);
      for (const [l, n] of await counted(words)) keep(l, n);
      for (const q of saturated) capped.set(q, Math.max(COUNT_CAP, Math.min(...lexemesOf(q).map((l) => known(l) ?? Infinity))));
    }
    for (const [q, n] of capped) keep(q, n);
    return queries.map((q) => known(q) ?? 0);
  }

  async function corpusStats(): Promise<CorpusStats> {
    return (await readState(db.pool)).stats;
  }

  return { search, frequencies, corpusStats, invalidate: cache.clear };
}

/**
 * The first stage's score, BM25 in form, built from what PostgreSQL offers. ts_rank alone has no
 * idf: on SciFact its candidates missed relevant documents that a rare query word would have
 * found (Recall@100 of the first stage 0.84 against FTS5's 0.92; bench/retrieval/postgres.ts).
 * So each phrase is ranked on its own: ts_rank over the weighted vector (field weights applied,
 * repeats decaying) serves as its term frequency, saturated with FIRST_STAGE_K1 and normalised by
 * the passage's length (all four fields, against the corpus mean) with FIRST_STAGE_B, and
 * multiplied by the phrase's idf, `ln(1 + (N − df + 0.5)/(df + 0.5))` as the re-ranker computes
 * it. A phrase the passage does not hold scores 0 (ts_rank alone would credit its single words),
 * which also skips its ts_rank call (a little faster on MedQuAD: 26 against 27 ms a search).
 * Each phrase's tsquery is a parameter; `params` gets them appended.
 */
export function rankSql(
  phrases: readonly string[],
  dfs: readonly number[],
  stats: CorpusStats,
  params: unknown[],
): { columns: string; total: string } {
  const meanLength = stats.meanTokens.title + stats.meanTokens.section + stats.meanTokens.body + stats.meanTokens.terms;
  params.push(FIRST_STAGE_K1 * (1 - FIRST_STAGE_B), meanLength > 0 ? (FIRST_STAGE_K1 * FIRST_STAGE_B) / meanLength : 0);
  const norm = `$${params.length - 1}::float8 + $${params.length}::float8 * (p.title_tokens + p.section_tokens + p.body_tokens + p.terms_tokens) AS norm`;
  const columns = [norm];
  const terms: string[] = [];
  phrases.forEach((phrase, i) => {
    const df = dfs[i] ?? 0;
    const idf = Math.log(1 + (stats.passages - df + 0.5) / (df + 0.5));
    params.push(phrase, idf * (FIRST_STAGE_K1 + 1));
    const [q, weight] = [`$${params.length - 1}::tsquery`, `$${params.length}::float8`];
    columns.push(`CASE WHEN p.lexemes @@ ${q} THEN ts_rank($2::float4[], p.lexemes, ${q}) ELSE 0 END AS s${i}`);
    terms.push(`${weight} * s${i} / (s${i} + norm)`);
  });
  return { columns: columns.join(', '), total: terms.join(' + ') };
}

/**
 * Saturation and length normalisation of the first stage, on ts_rank's scale (one body
 * occurrence of a word ranks about 0.15 with the default weights, one in the title about 0.6).
 * Chosen on SciFact's train split: k1 0.1–0.3 and b 0.3–0.75 all measured within 0.001 nDCG@10
 * after re-ranking. The first stage's Recall@100 there: ts_rank alone 0.850, × idf 0.894, with
 * saturation and length 0.920 (FTS5: 0.921). MedQuAD's test split, never tuned on, agrees (0.965
 * against FTS5's 0.958).
 */
const FIRST_STAGE_K1 = 0.2;
const FIRST_STAGE_B = 0.5;

const FREQUENCY_CACHE_LIMIT = 50_000;
/** Phrase counts stop here (SQLite's COUNT_CAP): counting a phrase reads every candidate row. */
const COUNT_CAP = 5_000;

/**
 * The document frequency of the library's most common words, from the planner's statistics of
 * `passages.lexemes` (ANALYZE's most common elements, `pg_stats`), so that they need not be
 * counted. Counting a word through the GIN index visits every passage that holds it: on 1M
 * passages a common word took about 0.3 s to count, paid by every query that met one not yet
 * counted (p95 1.2 s in bench/query; docs/scaling.md). A common word's idf is low, so the sample's
 * estimate ranks as well as the count would.
 *
 * Used only where it pays and cannot mislead (ESTIMATES): large libraries, statistics that have
 * seen most of the rows as they are now (autovacuum analyzes after every 10% changed, by
 * default), and words the sample found in enough passages. Anything else is counted exactly.
 */
function commonLexemes(pool: pg.Pool, tuning: EstimateTuning) {
  let loaded: { at: number; freqs: Map<string, number> } | undefined;
  let loading: Promise<void> | undefined;

  async function load(): Promise<void> {
    // Statistics that cannot be read (a server that hides them) mean counting, as without any.
    loaded = { at: Date.now(), freqs: await readCommon().catch(() => new Map<string, number>()) };
  }

  async function readCommon(): Promise<Map<string, number>> {
    const { rows } = await pool.query<{ elems: string[] | null; freqs: number[] | null; live: string; changed: string }>(
      `SELECT s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs AS freqs,
              t.n_live_tup AS live, t.n_mod_since_analyze AS changed
         FROM pg_stat_user_tables t
         LEFT JOIN pg_stats s ON s.schemaname = t.schemaname AND s.tablename = t.relname AND s.attname = 'lexemes'
        WHERE t.schemaname = current_schema() AND t.relname = 'passages'`,
    );
    const row = rows[0];
    const live = Number(row?.live ?? 0);
    const freqs = new Map<string, number>();
    if (row?.elems && row.freqs && live > 0 && Number(row.changed) <= tuning.maxStale * live) {
      row.elems.forEach((lexeme, i) => {
        const share = row.freqs?.[i] ?? 0;
        if (share >= tuning.minShare) freqs.set(quoteLexeme(lexeme), share);
      });
    }
    return freqs;
  }

  return {
    /** The estimated frequency of a common word (tsquery text of one lexeme) in a library of `passages` passages. */
    async estimates(passages: number): Promise<(lexeme: string) => number | undefined> {
      if (passages < tuning.minPassages) return () => undefined;
      if (!loaded || Date.now() - loaded.at > tuning.refreshMs) {
        loading ??= load().finally(() => (loading = undefined));
        await loading;
      }
      const freqs = loaded?.freqs ?? new Map<string, number>();
      return (lexeme) => {
        const share = freqs.get(lexeme);
        return share === undefined ? undefined : Math.round(share * passages);
      };
    },
  };
}

export interface EstimateTuning {
  /** Below this many passages every word is counted: it is quick, and exact. */
  minPassages: number;
  /** Words the sample found in fewer than this share of the passages are counted (at 1M passages, up to 1,000 rows: quick). */
  minShare: number;
  /** Statistics are not used once more than this share of the table's rows changed since they were gathered. */
  maxStale: number;
  /** How often the statistics are read again, in ms (ANALYZE, by hand or by autovacuum, changes them). */
  refreshMs: number;
}

const ESTIMATES: EstimateTuning = { minPassages: 100_000, minShare: 0.001, maxStale: 0.2, refreshMs: 60_000 };

/** Passages matching each tsquery, in one round trip; up to `cap` each when given. */
async function countMatches(pool: pg.Pool, queries: readonly string[], cap?: number): Promise<Map<string, number>> {
  if (queries.length === 0) return new Map();
  const matches =
    cap === undefined
      ? 'SELECT count(*) FROM passages WHERE lexemes @@ u.q::tsquery'
      : `SELECT count(*) FROM (SELECT 1 FROM passages WHERE lexemes @@ u.q::tsquery LIMIT ${cap}) m`;
  const { rows } = await pool.query<{ q: string; n: number }>(`SELECT u.q, (${matches})::int AS n FROM unnest($1::text[]) AS u(q)`, [queries]);
  return new Map(rows.map((r) => [r.q, r.n]));
}

/**
 * ts_rank's weights, in its order {D, C, B, A} = {body, section, terms, title}. It refuses
 * weights above 1, so the port's weights are scaled by the largest: only their ratios rank.
 */
export function rankWeights(weights: FieldWeights): number[] {
  const ordered = [weights.body, weights.section, weights.terms, weights.title].map((w) => Math.max(0, w));
  const max = Math.max(...ordered);
  return max > 0 ? ordered.map((w) => w / max) : [1, 1, 1, 1];
}

/**
 * The passages a ranking query chose (a SELECT of `rid` and `score`), with their sources, best
 * first.
 */
export async function fetchHits(pool: pg.Pool, ranked: string, params: unknown[]): Promise<PassageHit[]> {
  const { rows } = await pool.query<HitRow>(
    `WITH ranked AS (${ranked})
     SELECT ${HIT_COLUMNS}, ranked.score FROM ranked
     JOIN passages p ON p.rid = ranked.rid JOIN sources s ON s.rid = p.source_rid
     ORDER BY ranked.score DESC, p.rid`,
    params,
  );
  return rows.map(rowToHit);
}

/** WHERE clauses on the source row `s` for the filters, their values appended to `params`. */
export function filterClauses(filters: SearchFilters, params: unknown[]): string[] {
  const add = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (filters.evidenceLevels && filters.evidenceLevels.length > 0) where.push(`s.evidence_level = ANY(${add(filters.evidenceLevels)}::text[])`);
  if (filters.formats && filters.formats.length > 0) where.push(`s.format = ANY(${add(filters.formats)}::text[])`);
  if (filters.publicationTypes && filters.publicationTypes.length > 0) {
    // Stored lower-cased by the writer: any of the asked types, in any case.
    where.push(`s.publication_types && ${add(filters.publicationTypes.map((t) => t.toLowerCase()))}::text[]`);
  }
  if (filters.yearFrom !== undefined) where.push(`s.year >= ${add(filters.yearFrom)}::int`);
  if (filters.yearTo !== undefined) where.push(`s.year <= ${add(filters.yearTo)}::int`);
  return where;
}
