import { stemmer } from 'stemmer';

/**
 * The index's stem of one folded token, as SQLite FTS5's porter tokenizer gives it: only ASCII
 * letter tokens of 3 to 64 characters are Porter-stemmed (FTS5_PORTER_MAX_TOKEN is 64); numbers,
 * mixed tokens, Greek and longer runs pass through. The re-ranker (retrieval/tokens.ts), the
 * postings index's question words (adapters/sqlite/postings.ts) and PostgreSQL's lexemes
 * (adapters/postgres/lexemes.ts) all stem through it, so a word matches the same everywhere.
 * Cached: a passage's words recur across passages.
 */
export function indexStem(token: string): string {
  const cached = STEMS.get(token);
  if (cached !== undefined) return cached;
  const result = token.length >= MIN_LETTERS && token.length <= MAX_LETTERS && PLAIN_WORD.test(token) ? stemmer(token) : token;
  if (STEMS.size >= STEM_CACHE_LIMIT) STEMS.clear();
  STEMS.set(token, result);
  return result;
}

const PLAIN_WORD = /^[a-z]+$/;
const MIN_LETTERS = 3;
const MAX_LETTERS = 64;
const STEMS = new Map<string, string>();
const STEM_CACHE_LIMIT = 200_000;
