import type Database from 'better-sqlite3';

/**
 * What the FTS5 index and its readers share: how query phrases become a MATCH expression, and
 * how FTS5's own records are read.
 */

/**
 * The phrases as the MATCH expression holds them: blank tokens dropped, empty phrases dropped,
 * a phrase written twice kept once (FTS5 would score it twice).
 */
export function ftsPhrases(phrases: readonly string[][]): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const phrase of phrases) {
    const tokens = phrase.filter((token) => token.trim() !== '');
    if (tokens.length === 0) continue;
    const key = phraseExpression(tokens);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(tokens);
  }
  return out;
}

/** A phrase of FTS5 string literals: its tokens must stand side by side. */
export function phraseExpression(tokens: readonly string[]): string {
  return tokens.map(quoteTerm).join(' + ');
}

/** Phrases OR'd together; a phrase of several tokens must match them side by side. */
export function matchExpression(phrases: readonly string[][]): string {
  return ftsPhrases(phrases).map(phraseExpression).join(' OR ');
}

/** An FTS5 string literal: the term in double quotes, inner quotes doubled. */
export function quoteTerm(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

/** The fields of `passages_fts`, in FTS5's column order (fts5vocab names them). */
export const FTS_FIELDS = ['title', 'section', 'body', 'terms'] as const;

/** The column number of a field name as fts5vocab gives it. */
export function fieldIndex(name: string): number {
  return FTS_FIELDS.indexOf(name as (typeof FTS_FIELDS)[number]);
}

/** A row's token count over all fields, from its FTS5 docsize record (a varint per field). */
export function docsizeTokens(sz: Uint8Array): number {
  return readVarints(sz).reduce((a, b) => a + b, 0);
}

/** Tokens over all fields in FTS5's totals record. */
export function totalTokens(totals: { fieldTokens: readonly number[] }): number {
  return totals.fieldTokens.reduce((a, b) => a + b, 0);
}

/** FTS5's totals record ("averages"): row count, then tokens per field. One small read. */
export function readTotals(db: Database.Database): { rows: number; fieldTokens: number[] } {
  const row = db.prepare('SELECT block FROM passages_fts_data WHERE id = 1').get() as { block: Buffer } | undefined;
  const [rows = 0, ...fieldTokens] = row ? readVarints(row.block) : [];
  return { rows, fieldTokens };
}

/**
 * SQLite's varints, as FTS5 writes them: big-endian, 7 bits per byte with the high bit set on
 * every byte but the last (the rare 9-byte form, above 2^56, does not occur in token counts).
 */
export function readVarints(buffer: Uint8Array): number[] {
  const values: number[] = [];
  let i = 0;
  while (i < buffer.length) {
    let value = 0;
    for (;;) {
      const byte = buffer[i++] ?? 0;
      value = value * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0 || i >= buffer.length) break;
    }
    values.push(value);
  }
  return values;
}

/**
 * The `terms` field of a passage's FTS5 row (MeSH descriptors and keywords, "; "-separated, as the
 * writer joins them), rebuilt in SQL from its source row `s`'s JSON. Since schema 7 the source row
 * holds it in `s.terms`; this fills that column when an older library is upgraded.
 */
export const TERMS_FIELD_SQL = `(SELECT group_concat(v, '; ') FROM (
  SELECT json_extract(m.value, '$.descriptor') AS v FROM json_each(s.data, '$.mesh') m
  UNION ALL SELECT k.value FROM json_each(s.data, '$.keywords') k))`;

/**
 * How many times a phrase occurs in each field of a passage, from its terms' token offsets (one
 * list per field for each term, in phrase order): the offsets where term 0 starts a run with
 * term i at that offset + i. FTS5 counts each such run.
 */
export function runsPerField(offsets: readonly (readonly (readonly number[])[])[]): number[] {
  const counts = [0, 0, 0, 0];
  for (let field = 0; field < 4; field++) {
    for (const start of offsets[0]![field]!) {
      let run = true;
      for (let i = 1; i < offsets.length && run; i++) run = offsets[i]![field]!.includes(start + i);
      if (run) counts[field]!++;
    }
  }
  return counts;
}
