import { indexStem } from '../domain/index-stem.js';
import { wordTokens } from '../domain/index-tokens.js';

/**
 * Tokens as the full-text index sees them: cut and stemmed in the domain (domain/index-tokens.ts),
 * where PostgreSQL's lexemes cut them too.
 */
export { foldText, indexTokens, wordTokens } from '../domain/index-tokens.js';

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
