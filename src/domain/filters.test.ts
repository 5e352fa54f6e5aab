import { describe, expect, it } from 'vitest';
import { CitemedError } from './errors.js';
import { parseFilterText, parseWholeNumber, splitList } from './filters.js';

const usage = (run: () => unknown): CitemedError => {
  try {
    run();
  } catch (error) {
    if (error instanceof CitemedError && error.code === 'usage') return error;
    throw error;
  }
  throw new Error('expected a usage error');
};

describe('filter text', () => {
  it('reads comma-separated lists and years into search filters', () => {
    expect(parseFilterText({ level: 'guideline, systematic-review', type: 'Randomized Controlled Trial,,Review', collection: 'medline', from: '2015', to: '2024' })).toEqual({
      evidenceLevels: ['guideline', 'systematic-review'],
      publicationTypes: ['Randomized Controlled Trial', 'Review'],
      formats: ['medline'],
      yearFrom: 2015,
      yearTo: 2024,
    });
    expect(parseFilterText({})).toEqual({});
    expect(splitList(' a , b,,')).toEqual(['a', 'b']);
  });

  it('names fields as the caller spells them', () => {
    expect(usage(() => parseFilterText({ from: '99' }, (f) => `--${f}`)).message).toBe('--from must be a four-digit year, not "99"');
    expect(usage(() => parseFilterText({ to: '20x5' })).message).toBe('to must be a four-digit year, not "20x5"');
    expect(usage(() => parseFilterText({ from: '2020', to: '2010' }, (f) => `--${f}`)).message).toBe('--from 2020 is after --to 2010');
    expect(parseFilterText({ from: '2020', to: '2020' })).toEqual({ yearFrom: 2020, yearTo: 2020 });
    expect(usage(() => parseFilterText({ from: '2e3' })).message).toBe('from must be a four-digit year, not "2e3"');
  });

  it('refuses unknown values with a hint listing the known ones', () => {
    const level = usage(() => parseFilterText({ level: 'guideline,anecdote' }));
    expect(level.message).toBe('unknown evidence level: anecdote');
    expect(level.hint).toMatch(/^use guideline, systematic-review, /);
    expect(usage(() => parseFilterText({ collection: 'scrolls' })).message).toBe('unknown collection: scrolls');
  });

  it('reads whole numbers within bounds only', () => {
    expect(parseWholeNumber('20', '--evidence', 1, 100)).toBe(20);
    for (const bad of ['0', '101', '2.5', 'ten', '', ' ', '1e1', '0x10', ' 20']) {
      expect(usage(() => parseWholeNumber(bad, '--evidence', 1, 100)).message).toBe(`--evidence must be a whole number from 1 to 100, not "${bad}"`);
    }
  });
});
