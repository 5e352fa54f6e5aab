import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildExpansionIndex } from './build-index.js';
import { expandQuery } from './expand.js';
import { DEFAULT_EXPANSION_OPTIONS, type ExpansionSettings } from './options.js';
import { tinyResources } from './test-helpers.js';
import { foldedKey, words } from './text.js';
import type { QueryWord } from './types.js';

const index = buildExpansionIndex(tinyResources());

// Words the tiny resources know, in several casings, mixed with arbitrary (also non-BMP) text.
const KNOWN = [
  'MI', 'mi', 'PE', 'IT', 'ALL', 'all', 'am', 'AM', 'US', 'Mg', 'mg', 'MG', 'H.', 'H', 'pylori', '5-FU', '5', 'FU',
  'ASA', 'CP', 'ASIA', 'A', 'K', 'chest', 'pain', 'mitral', 'myocardial', 'infarctions', 'anterior', 'wall', 'high',
  'blood', 'pressure', 'Diabetes', 'Mellitus,', 'Type', '2', 'time', 'lipitor', 'Caduet', 'atorvastatin', 'bayer',
];
const token: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...KNOWN), fc.string(), fc.string({ unit: 'binary', maxLength: 6 }));
const queryWord: fc.Arbitrary<QueryWord> = fc.oneof(
  token.map((text) => ({ text, lower: text.toLowerCase() })),
  fc.record({ text: token, lower: token }), // a tokenizer that disagrees with itself must not break us
);
const settings: fc.Arbitrary<ExpansionSettings> = fc.record(
  {
    abbreviations: fc.boolean(),
    reverseAbbreviations: fc.boolean(),
    mesh: fc.boolean(),
    meshNarrower: fc.boolean(),
    meshBroader: fc.boolean(),
    drugs: fc.boolean(),
    maxExpansions: fc.nat(30),
    maxAbbreviationMeanings: fc.nat(5),
    maxNarrowerPerTerm: fc.nat(5),
    broadHeadingChildren: fc.nat(5),
    maxBrandsPerDrug: fc.nat(5),
    weights: fc.record(
      {
        abbreviation: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        mesh: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        meshNarrower: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        drug: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

describe('expandQuery on arbitrary input', () => {
  it('never throws; weights lie in (0, 1); texts are new, distinct and within the cap', () => {
    fc.assert(
      fc.property(fc.array(queryWord, { maxLength: 12 }), settings, (query, options) => {
        const expansions = expandQuery(query, index, options);
        const cap = options.maxExpansions ?? DEFAULT_EXPANSION_OPTIONS.maxExpansions;
        expect(expansions.length).toBeLessThanOrEqual(cap);
        const keys = expansions.map((e) => foldedKey(e.text));
        expect(new Set(keys).size).toBe(keys.length);
        for (const e of expansions) {
          expect(e.weight).toBeGreaterThan(0);
          expect(e.weight).toBeLessThan(1);
          expect(e.text.trim()).not.toBe('');
          expect(['abbreviation', 'mesh', 'drug']).toContain(e.origin);
          expect(e.reason.startsWith(`${e.source} → `)).toBe(true);
        }
        expect(expandQuery(query, index, options)).toEqual(expansions);
      }),
      { numRuns: 500 },
    );
  });

  it('every expansion comes from a run of consecutive query words', () => {
    fc.assert(
      fc.property(fc.array(queryWord, { maxLength: 10 }), (query) => {
        const typed = query.flatMap((w) => words(w.text !== '' ? w.text : w.lower)).join(' ');
        for (const e of expandQuery(query, index)) {
          expect(` ${typed} `).toContain(` ${e.source} `);
        }
      }),
      { numRuns: 300 },
    );
  });
});
