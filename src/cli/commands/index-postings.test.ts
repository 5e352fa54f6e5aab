import { describe, expect, it } from 'vitest';
import { presentPostingsState } from './index-postings.js';

describe('the postings index in `citemed stats`', () => {
  const state = { builtAt: '2026-12-05T10:00:00.000Z', passages: 1_000_000, newer: 0, removed: 0, newerLimit: 50_000 };

  it('says when there is none, and what it is for', () => {
    expect(presentPostingsState(undefined)).toMatch(/^Postings index: none \(`citemed index` builds one/);
  });

  it('gives what was added and removed since the build', () => {
    expect(presentPostingsState(state)).toBe('Postings index: 1,000,000 passages, built 2026-12-05T10:00:00.000Z');
    expect(presentPostingsState({ ...state, newer: 1_200, removed: 30 })).toBe(
      'Postings index: 1,000,000 passages, built 2026-12-05T10:00:00.000Z; 1,200 passages added since; 30 removed since',
    );
  });

  it('says it is not in use once more passages were added than searches hold', () => {
    expect(presentPostingsState({ ...state, newer: 50_001 })).toMatch(/not in use: 50,001 passages added since, more than the 50,000 searches hold\. Run `citemed index`\./);
  });
});
