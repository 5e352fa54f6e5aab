import { describe, expect, it } from 'vitest';
import { indexStem } from './index-stem.js';

describe('indexStem', () => {
  it('Porter-stems plain ASCII words of 3 to 64 letters, as FTS5 porter does, and passes others through', () => {
    expect(indexStem('randomized')).toBe('random');
    expect(indexStem('abscesses')).toBe('abscess');
    expect(indexStem('is')).toBe('is');
    expect(indexStem('covid19')).toBe('covid19');
    expect(indexStem('α')).toBe('α');
    const longest = 'a'.repeat(60) + 'ings';
    expect(longest).toHaveLength(64);
    expect(indexStem(longest)).not.toBe(longest);
    expect(indexStem(`${longest}s`)).toBe(`${longest}s`);
    // Cached: the same answer again.
    expect(indexStem('randomized')).toBe('random');
  });
});
