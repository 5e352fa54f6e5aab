import { indexStem } from '../domain/index-stem.js';

/**
 * Tokens as the full-text index sees them. The SQLite index uses FTS5's `unicode61` tokenizer
 * (runs of letters and digits, case-folded, diacritics removed) followed by Porter stemming; the
 * re-ranker must cut passages the same way, or a query term would score in the index and not
 * here. `indexTokens("Anti-TNF-α therapies")` → ["anti", "tnf", "α", "therapi"].
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
  for (let i = 0; i < words.length; i++) words[i] = stem(words[i] ?? '');
  return words;
}

/**
 * Which words can stem to one of a set of stems, told from their first characters alone, so that
 * the others need not be stemmed. Porter's rules only ever replace a suffix, and only when what
 * is left has a vowel (step 1b) or a consonant after one (the rest), so a word's first letter
 * always survives, and its first two once it has five or more letters (a four-letter word can
 * lose all but one: "oing" would leave "o"). Words that are not stemmed (numbers, other scripts,
 * short words) are their own stems. tokens.test.ts checks this against every word of a corpus.
 */
export interface StemFilter {
  (word: string): boolean;
}

export function stemFilter(stems: Iterable<string>): StemFilter {
  const first = new Set<number>();
  const pairs = new Set<number>();
  for (const stem of stems) {
    first.add(stem.charCodeAt(0));
    if (stem.length >= 2) pairs.add(stem.charCodeAt(0) * 65_536 + stem.charCodeAt(1));
  }
  return (word) => (word.length >= 5 ? pairs.has(word.charCodeAt(0) * 65_536 + word.charCodeAt(1)) : first.has(word.charCodeAt(0)));
}

/**
 * Stemmed tokens, but only those that can equal one of the wanted stems (`could`, stemFilter):
 * every other position holds '' (positions and length are kept, for proximity and length
 * normalisation). The re-ranker skips most of a passage's stemming this way.
 */
export function indexTokensFor(text: string, could: StemFilter): string[] {
  return stemsFor(wordTokens(text), could);
}

/** indexTokensFor of words already cut (wordTokens), as a new array. */
export function stemsFor(words: readonly string[], could: StemFilter): string[] {
  const stems = new Array<string>(words.length);
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    stems[i] = could(word) ? stem(word) : '';
  }
  return stems;
}

/**
 * Porter stem of one folded token as the index stems it (domain/index-stem.ts), cached: the
 * re-ranker stems every candidate's words.
 */
export const stem = indexStem;
