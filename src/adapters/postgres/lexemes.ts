import { indexTokens } from '../../domain/index-tokens.js';

/**
 * The PostgreSQL index's tokens, built here rather than by to_tsvector, so that they are the
 * tokens SQLite's FTS5 index holds (`unicode61 remove_diacritics 2` + `porter`) and the tokens
 * citemed's re-ranker counts: both cut text with domain/index-tokens.ts (runs of letters and
 * digits, case-folded, diacritics removed; ASCII letter runs of 3 to 64 characters
 * Porter-stemmed). A query term then matches here exactly where it matches in SQLite, and
 * `frequencies` counts what the re-ranker will score. lexemes.test.ts checks the two agree.
 */

/** Longest lexeme PostgreSQL accepts, in UTF-8 bytes; longer tokens are not indexed. */
export const MAX_LEXEME_BYTES = 2047;
/** Highest position a tsvector holds; PostgreSQL clamps larger ones to it. */
export const MAX_POSITION = 16_383;
/** Positions a tsvector keeps per lexeme; PostgreSQL drops the rest silently. */
const MAX_POSITIONS_PER_LEXEME = 256;

/** Folded, stemmed tokens of `text`, in order. */
export function indexLexemes(text: string): string[] {
  return indexTokens(text);
}

/** The four indexed fields of a passage, already cut into lexemes. */
export interface FieldLexemes {
  title: readonly string[];
  section: readonly string[];
  body: readonly string[];
  terms: readonly string[];
}

/**
 * Field order in the vector and each field's weight letter. The body is last, so the position
 * limit can only ever blur the end of an enormous body.
 */
const LAYOUT: readonly { field: keyof FieldLexemes; weight: 'A' | 'B' | 'C' | 'D' }[] = [
  { field: 'title', weight: 'A' },
  { field: 'terms', weight: 'B' },
  { field: 'section', weight: 'C' },
  { field: 'body', weight: 'D' },
];

/**
 * A passage's weighted tsvector as tsvector input text (`'abscess':3A,17D 'drainag':20D`), cast
 * with `::tsvector` by the writer. Each field starts two positions after the previous one ends,
 * so no phrase matches across fields. Tokens too long for PostgreSQL are left out (they still
 * count as positions, as they do in the token totals).
 */
export function tsvectorText(fields: FieldLexemes): string {
  const positions = new Map<string, string[]>();
  let position = 0;
  for (const { field, weight } of LAYOUT) {
    position += 1; // the gap between fields
    for (const lexeme of fields[field]) {
      position += 1;
      if (tooLong(lexeme)) continue;
      let list = positions.get(lexeme);
      if (!list) positions.set(lexeme, (list = []));
      // Past the limit every word still gets indexed (findable), all at the last position, as
      // to_tsvector does: only phrases beyond it can no longer be told apart.
      const at = Math.min(position, MAX_POSITION);
      const entry = `${at}${weight}`;
      if (list.length < MAX_POSITIONS_PER_LEXEME && list.at(-1) !== entry) list.push(entry);
    }
  }
  const parts: string[] = [];
  for (const [lexeme, list] of positions) parts.push(`${quoteLexeme(lexeme)}:${list.join(',')}`);
  return parts.join(' ');
}

/**
 * tsquery input text for each phrase that can match: the phrase's tokens cut and stemmed as the
 * index is, joined by `<->` (adjacent, in order); duplicates and phrases with nothing indexable
 * left out. Every lexeme is quoted, so no operator a user types (`&`, `!`, `:*`, brackets,
 * quotes) reaches the parser. Joined by ` | `, they are "any of these phrases".
 */
export function phraseQueries(phrases: readonly (readonly string[])[]): string[] {
  return [...new Set(phrases.map(phraseQuery).filter((q) => q !== ''))];
}

/** One phrase as tsquery text, or '' when it holds no lexeme the index could hold. */
export function phraseQuery(tokens: readonly string[]): string {
  const lexemes = tokens.flatMap(indexLexemes);
  // A token too long to index can never match, and neither can a phrase holding it.
  if (lexemes.length === 0 || lexemes.some(tooLong)) return '';
  const text = lexemes.map(quoteLexeme).join(' <-> ');
  return lexemes.length > 1 ? `(${text})` : text;
}

/** Longer than PostgreSQL takes. A UTF-16 unit is at most 3 UTF-8 bytes: most words need no count. */
function tooLong(lexeme: string): boolean {
  return lexeme.length * 3 > MAX_LEXEME_BYTES && Buffer.byteLength(lexeme) > MAX_LEXEME_BYTES;
}

/** A lexeme in tsvector/tsquery input syntax: single-quoted, quotes doubled, backslashes escaped. */
export function quoteLexeme(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
