import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordVersion } from './source.js';
import { compareVersions, decideUpsert, type StoredVersion } from './versioning.js';

const stored = (contentHash: string, number: number, revised?: string): StoredVersion => ({
  contentHash,
  version: revised === undefined ? { number } : { number, revised },
});

describe('decideUpsert', () => {
  it('adds a record the library does not hold', () => {
    expect(decideUpsert(undefined, stored('a', 1))).toBe('add');
  });

  it('leaves identical content alone, whatever the version says', () => {
    expect(decideUpsert(stored('a', 1, '2020-01-01'), stored('a', 1, '2020-01-01'))).toBe('unchanged');
    expect(decideUpsert(stored('a', 2), stored('a', 1))).toBe('unchanged');
  });

  it('replaces with a higher version number, even when its revision date is older', () => {
    expect(decideUpsert(stored('a', 1, '2021-06-01'), stored('b', 2, '2020-01-01'))).toBe('replace');
  });

  it('keeps the stored record when the incoming version number is lower', () => {
    expect(decideUpsert(stored('a', 2, '2020-01-01'), stored('b', 1, '2024-01-01'))).toBe('keep-newer');
  });

  it('compares revision dates when version numbers are equal', () => {
    expect(decideUpsert(stored('a', 1, '2020-01-01'), stored('b', 1, '2020-03-15'))).toBe('replace');
    expect(decideUpsert(stored('a', 1, '2020-03-15'), stored('b', 1, '2020-01-01'))).toBe('keep-newer');
  });

  it('replaces when the versions cannot be told apart (a corrected re-ingest)', () => {
    expect(decideUpsert(stored('a', 1, '2020-01-01'), stored('b', 1, '2020-01-01'))).toBe('replace');
    expect(decideUpsert(stored('a', 1), stored('b', 1, '2020-01-01'))).toBe('replace');
    expect(decideUpsert(stored('a', 1, '2020-01-01'), stored('b', 1))).toBe('replace');
  });
});

describe('compareVersions', () => {
  const date = fc
    .date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  const version: fc.Arbitrary<RecordVersion> = fc.record(
    { number: fc.integer({ min: 1, max: 5 }), revised: date },
    { requiredKeys: ['number'] },
  );

  // Reference: order by number, then by calendar date when both have one.
  function reference(a: RecordVersion, b: RecordVersion): number {
    if (a.number !== b.number) return a.number < b.number ? -1 : 1;
    if (a.revised === undefined || b.revised === undefined) return 0;
    return Math.sign(Date.parse(a.revised) - Date.parse(b.revised));
  }

  it('agrees in sign with the reference ordering', () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(Math.sign(compareVersions(a, b))).toBe(reference(a, b));
      }),
    );
  });

  it('is antisymmetric', () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(Math.sign(compareVersions(a, b))).toBe(-Math.sign(compareVersions(b, a)) || 0);
      }),
    );
  });

  it('never lets an upsert roll the library back', () => {
    fc.assert(
      fc.property(version, version, fc.boolean(), (old, incoming, sameContent) => {
        const decision = decideUpsert(
          { contentHash: 'stored', version: old },
          { contentHash: sameContent ? 'stored' : 'incoming', version: incoming },
        );
        if (sameContent) expect(decision).toBe('unchanged');
        else expect(decision).toBe(reference(incoming, old) < 0 ? 'keep-newer' : 'replace');
      }),
    );
  });
});
