import { describe, expect, it } from 'vitest';
import { describePostingsAdvice, postingsAdvice, postingsInUse, type PostingsState } from './postings.js';

describe('the postings index: in use, and when to build it', () => {
  const state: PostingsState = { builtAt: '2026-12-05T10:00:00.000Z', passages: 1_000_000, newer: 0, removed: 0, newerLimit: 50_000 };

  it('is in use while built, enabled, and holding no more newer passages than searches hold', () => {
    expect(postingsInUse(undefined)).toBe(false);
    expect(postingsInUse(state)).toBe(true);
    expect(postingsInUse({ ...state, newer: 50_000 })).toBe(true);
    expect(postingsInUse({ ...state, newer: 50_001 })).toBe(false);
    expect(postingsInUse(state, false)).toBe(false);
  });

  it('advises a build for a large library without one, and nothing for a small one', () => {
    expect(postingsAdvice(undefined, 199_999)).toBeUndefined();
    expect(postingsAdvice(undefined, 200_000)).toEqual({ kind: 'build', passages: 200_000 });
  });

  it('advises a rebuild past 10% changed or half the passages searches hold, and says when searches fell back', () => {
    expect(postingsAdvice({ ...state, newer: 20_000, removed: 80_000 }, 0)).toBeUndefined();
    expect(postingsAdvice({ ...state, newer: 20_000, removed: 80_001 }, 0)).toEqual({ kind: 'rebuild', newer: 20_000, removed: 80_001, fallenBack: false });
    expect(postingsAdvice({ ...state, newer: 25_001 }, 0)).toEqual({ kind: 'rebuild', newer: 25_001, removed: 0, fallenBack: false });
    expect(postingsAdvice({ ...state, newer: 50_001 }, 0)).toMatchObject({ fallenBack: true });
  });

  it('words the advice with the reader\'s own action', () => {
    expect(describePostingsAdvice({ kind: 'build', passages: 250_000 }, 'run `citemed index`')).toBe(
      'with 250,000 passages, searches are faster with the postings index: run `citemed index`',
    );
    expect(describePostingsAdvice({ kind: 'rebuild', newer: 60_000, removed: 12, fallenBack: true }, 'rebuild it')).toBe(
      '60,000 passages added and 12 removed since the postings index was built: rebuild it to bring it up to date (searches stay correct meanwhile, but do not use it until then)',
    );
    expect(describePostingsAdvice({ kind: 'rebuild', newer: 15, removed: 0, fallenBack: false }, 'rebuild it')).toMatch(/\(searches stay correct meanwhile\)$/);
  });
});
