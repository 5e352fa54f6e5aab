import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sharedDataPath } from '../../test/shared-data.js';
import { indexTokens, indexTokensFor, stem, stemFilter, wordTokens } from './tokens.js';

/** Every word in `words` whose stem is one of `stems` passes the filter: it may let others through, never miss one. */
function missed(words: Iterable<string>, stems: readonly string[]): string[] {
  const could = stemFilter(stems);
  const wanted = new Set(stems);
  return [...words].filter((word) => wanted.has(stem(word)) && !could(word));
}

describe('stemFilter', () => {
  it('never misses a word whose stem is wanted: suffixes, short words, and words Porter cuts to one letter', () => {
    const words = ['oing', 'aing', 'eed', 'ies', 'ponies', 'caresses', 'relational', 'hopping', 'sky', 'say', 'agreed', 'as', 'covid19', 'α', '500mg', 'naïve'];
    const stems = words.map(stem);
    expect(stems).toContain('o'); // "oing": four letters, stem of one
    expect(missed(words, stems)).toEqual([]);
  });

  it('lets through only words that share the first letter, and the first two from five letters on', () => {
    const could = stemFilter(['acetylcystein', 'nac']);
    expect(could('acetylcysteine')).toBe(true);
    expect(could('nacs')).toBe(true);
    expect(could('abscess')).toBe(false); // five letters, "ab" is no wanted stem's start
    expect(could('able')).toBe(true); // four: the first letter decides
    expect(could('liver')).toBe(false);
    expect(stemFilter([])('anything')).toBe(false);
  });

  it('holds for random words of letters (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{1,12}$/), { minLength: 1, maxLength: 30 }), fc.nat(), (words, pick) => {
        const stems = [stem(words[pick % words.length] ?? 'a')];
        expect(missed(words, stems)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  const corpus = sharedDataPath('beir_scifact', 'corpus.jsonl.gz');
  it.skipIf(!existsSync(corpus))('holds for every word of the SciFact abstracts, each against its own stem', () => {
    const words = new Set(wordTokens(gunzipSync(readFileSync(corpus)).toString('utf8')));
    expect(words.size).toBeGreaterThan(30_000);
    const could = stemFilter([...words].map(stem));
    expect([...words].filter((word) => !could(word))).toEqual([]);
    // Per word: a filter for one word's stem passes that word.
    expect([...words].filter((word) => !stemFilter([stem(word)])(word))).toEqual([]);
  });
  if (!existsSync(corpus)) it.skip(`SciFact vocabulary: ${corpus} is absent (the shared public data sets are not committed)`, () => {});
});

describe('indexTokensFor', () => {
  it('keeps positions, stems what may be wanted, and blanks the rest', () => {
    // "once" has four letters, so its first alone decides; "after" has five, and "af" starts no wanted stem.
    const text = 'Acetylcysteine lowered liver injury once after overdoses';
    const all = indexTokens(text);
    const cut = indexTokensFor(text, stemFilter(['acetylcystein', 'overdos']));
    expect(cut).toHaveLength(all.length);
    expect(cut).toEqual(['acetylcystein', '', '', '', 'onc', '', 'overdos']);
  });
});
