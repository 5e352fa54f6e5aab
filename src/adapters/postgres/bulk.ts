import { inPieces } from '../../domain/pieces.js';
/**
 * Many rows in one statement: each column travels as one array parameter and `unnest` turns the
 * arrays back into rows. One round trip per statement instead of one per row; 1,000-row
 * statements inserted 200k passages in 6.6 s here (docs: STACK.md, Postgres).
 */
export interface Column<R> {
  name: string;
  /** The column's SQL array type, e.g. "text[]". */
  type: string;
  value: (row: R) => unknown;
}

/** Rows per statement: large enough to amortise the round trip, small enough to keep parameters modest. */
export const BULK_ROWS = 1_000;

/**
 * `unnest($1::text[], $2::int[]) AS u(a, b)` for `columns`, with the parameters appended to
 * `params` (so it can follow other placeholders).
 */
export function unnestFrom<R>(columns: readonly Column<R>[], rows: readonly R[], params: unknown[]): string {
  const placeholders = columns.map((c) => {
    params.push(rows.map(c.value));
    return `$${params.length}::${c.type}`;
  });
  return `unnest(${placeholders.join(', ')}) AS u(${columns.map((c) => c.name).join(', ')})`;
}

/** `rows` in slices of BULK_ROWS. */
export function slices<R>(rows: readonly R[], size = BULK_ROWS): Generator<readonly R[]> {
  return inPieces(rows, size);
}
