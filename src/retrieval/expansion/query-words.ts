import { COMMON_WORDS, fold, isUpperCase, stemWord, words } from './text.js';
import { topicsOf } from './topics.js';
import type { QueryWord } from './types.js';

/**
 * The query cut into words the way the resources are keyed. A token the tokenizer kept whole
 * ("5-FU") becomes several words ("5", "FU"); matches may only start and end at token edges, so
 * either tokenisation finds the same phrases and none is found inside a token.
 */
export interface QueryPiece {
  /** As typed. */
  text: string;
  folded: string;
  stem: string;
  /** Index of the token it came from. */
  token: number;
  startsToken: boolean;
  endsToken: boolean;
  /** Clinical topics of the word (topics.ts), for choosing between an abbreviation's meanings. */
  topics: readonly string[];
}

export interface AnalysedQuery {
  pieces: readonly QueryPiece[];
  /** Stems of every word: an expansion adding none beyond these is the query repeating itself. */
  stems: ReadonlySet<string>;
  /** Every cased word is upper-case (and there are several): case then says nothing. */
  shouting: boolean;
}

const SHOUTING_MIN_WORDS = 3;

export function analyseQuery(tokens: readonly QueryWord[]): AnalysedQuery {
  const pieces: QueryPiece[] = [];
  tokens.forEach((token, index) => {
    const parts = words(token.text !== '' ? token.text : token.lower);
    parts.forEach((text, k) => {
      const folded = fold(text);
      pieces.push({
        text,
        folded,
        stem: stemWord(folded),
        token: index,
        startsToken: k === 0,
        endsToken: k === parts.length - 1,
        topics: topicsOf(folded),
      });
    });
  });
  const cased = pieces.filter((p) => p.text !== p.text.toLowerCase() || p.text !== p.text.toUpperCase());
  const shouting = cased.length >= SHOUTING_MIN_WORDS && cased.every((p) => isUpperCase(p.text));
  return { pieces, stems: new Set(pieces.map((p) => p.stem)), shouting };
}

/** A match of pieces[from..to] (inclusive). */
export interface SpanMatch<T> {
  from: number;
  to: number;
  value: T;
}

/**
 * Non-overlapping matches, left to right, longest first at each start. `lookup` receives the
 * span's key (its words' `field` joined by spaces) and returns a value, or undefined to let a
 * shorter span try.
 */
export function longestMatches<T>(
  pieces: readonly QueryPiece[],
  maxWords: number,
  field: 'folded' | 'stem',
  lookup: (key: string, from: number, to: number) => T | undefined,
): SpanMatch<T>[] {
  const found: SpanMatch<T>[] = [];
  const keys: string[] = [];
  let from = 0;
  outer: while (from < pieces.length) {
    if (pieces[from]?.startsToken) {
      // Keys of every span starting here, built once, shortest first.
      const last = Math.min(from + maxWords, pieces.length) - 1;
      for (let to = from; to <= last; to++) {
        const word = pieces[to]?.[field] ?? '';
        keys[to - from] = to === from ? word : `${keys[to - from - 1] ?? ''} ${word}`;
      }
      for (let to = last; to >= from; to--) {
        if (!pieces[to]?.endsToken) continue;
        const value = lookup(keys[to - from] ?? '', from, to);
        if (value !== undefined) {
          found.push({ from, to, value });
          from = to + 1;
          continue outer;
        }
      }
    }
    from += 1;
  }
  return found;
}

export function spanText(pieces: readonly QueryPiece[], from: number, to: number): string {
  return pieces
    .slice(from, to + 1)
    .map((p) => p.text)
    .join(' ');
}

/** A lone everyday word ("time", "men") is not matched against headings or drug names. */
export function isLoneCommonWord(pieces: readonly QueryPiece[], from: number, to: number): boolean {
  return from === to && COMMON_WORDS.has(pieces[from]?.folded ?? '');
}
