import { indexStem } from './index-stem.js';

/**
 * Tokens as the full-text index sees them. The SQLite index uses FTS5's `unicode61` tokenizer
 * (runs of letters and digits, case-folded, diacritics removed) followed by Porter stemming
 * (`indexStem`). The re-ranker (retrieval/tokens.ts) and PostgreSQL's lexemes
 * (adapters/postgres/lexemes.ts) cut text here, so a query term scores where the index matched it.
 * `indexTokens("Anti-TNF-α therapies")` → ["anti", "tnf", "α", "therapi"].
 */
const WORD = /[\p{L}\p{N}]+/gu;
const DIACRITICS = /\p{M}+/gu;

/** Lower-cased, diacritic-free, unstemmed word tokens. */
export function wordTokens(text: string): string[] {
  const folded = foldText(text);
  // The ASCII pattern finds the same runs in ASCII text, several times faster.
  return folded.match(isAscii(folded) ? ASCII_WORD : WORD) ?? [];
}

const ASCII_WORD = /[a-z0-9]+/g;
// eslint-disable-next-line no-control-regex
const ASCII = /^[\u0000-\u007f]*$/;

function isAscii(text: string): boolean {
  return ASCII.test(text);
}

export function foldText(text: string): string {
  // NFD splits "é" into "e" + a combining mark, which is then dropped; ASCII text skips the work.
  const plain = isAscii(text) ? text : text.normalize('NFD').replace(DIACRITICS, '');
  return plain.toLowerCase();
}

/** Stemmed tokens, as indexed. */
export function indexTokens(text: string): string[] {
  const words = wordTokens(text);
  for (let i = 0; i < words.length; i++) words[i] = indexStem(words[i] ?? '');
  return words;
}
