import { describe, expect, it } from 'vitest';
import { describeFilters } from './filter-words.js';

describe('search filters in words', () => {
  it('names every filter set, and nothing when none is', () => {
    expect(describeFilters({})).toBe('');
    expect(describeFilters({ evidenceLevels: ['randomized-trial'] })).toBe('evidence level: Randomized trial');
    expect(describeFilters({ evidenceLevels: ['guideline', 'systematic-review'], yearFrom: 2015, yearTo: 2020 })).toBe(
      'evidence level: Guideline or Systematic review / meta-analysis; published 2015–2020',
    );
    expect(describeFilters({ yearFrom: 2015 })).toBe('published in 2015 or later');
    expect(describeFilters({ yearTo: 2001 })).toBe('published in 2001 or earlier');
    expect(describeFilters({ yearFrom: 2020, yearTo: 2020 })).toBe('published in 2020');
    expect(describeFilters({ publicationTypes: ['Randomized Controlled Trial'], formats: ['medline'] })).toBe(
      'publication type: Randomized Controlled Trial; collection: medline',
    );
  });
});
