import { describe, expect, it } from 'vitest';
import { inPieces } from './pieces.js';

describe('inPieces', () => {
  it('cuts a list into consecutive pieces, the last shorter', () => {
    expect([...inPieces([1, 2, 3, 4, 5], 2)]).toEqual([[1, 2], [3, 4], [5]]);
    expect([...inPieces([1, 2], 5)]).toEqual([[1, 2]]);
    expect([...inPieces([], 3)]).toEqual([]);
  });

  it('refuses a size that would never end', () => {
    expect(() => [...inPieces([1], 0)]).toThrow(RangeError);
  });
});
