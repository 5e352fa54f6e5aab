import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSource, normalizeSourceRef, stableJson, workKey, type SourceInput } from './source.js';

/** A MEDLINE-like record; override what a test cares about. */
function sourceInput(overrides: Partial<SourceInput> = {}): SourceInput {
  return {
    id: 'pmid:12345',
    ids: { pmid: '12345', doi: '10.1000/xyz123' },
    title: 'Colchicine for acute gout flares',
    authors: ['Smith J', 'Jones A'],
    journal: 'BMJ',
    year: 2010,
    published: '2010-02',
    language: 'eng',
    publicationTypes: ['Journal Article', 'Randomized Controlled Trial'],
    mesh: [{ descriptor: 'Gout', ui: 'D006073', majorTopic: true, qualifiers: ['drug therapy'] }],
    keywords: ['colchicine'],
    correctionLinks: [],
    version: { number: 1, revised: '2020-01-01' },
    references: [],
    origin: { format: 'medline', path: '/data/pubmed24n0001.xml', line: 10 },
    text: 'Colchicine for acute gout flares\n\nLow-dose colchicine was as effective as high-dose.',
    sections: [
      { path: ['Title'], start: 0, end: 32 },
      { path: ['Abstract'], start: 34, end: 82 },
    ],
    paragraphs: [
      { section: 0, start: 0, end: 32 },
      { section: 1, start: 34, end: 82 },
    ],
    ...overrides,
  };
}

/** The same object with keys inserted in reverse order, at every depth. */
function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value).reverse()) out[key] = reverseKeys((value as Record<string, unknown>)[key]);
    return out as T;
  }
  return value;
}

describe('buildSource', () => {
  it('derives the evidence level from publication types and MeSH', () => {
    expect(buildSource(sourceInput()).evidenceLevel).toBe('randomized-trial');
    const meshOnly = sourceInput({
      publicationTypes: ['Journal Article'],
      mesh: [{ descriptor: 'Cohort Studies', majorTopic: false, qualifiers: [] }],
    });
    expect(buildSource(meshOnly).evidenceLevel).toBe('observational');
  });

  it('keeps a level the format states (in-house overviews)', () => {
    const overview = sourceInput({ id: 'doc:overview-gout', publicationTypes: [], evidenceLevel: 'in-house' });
    expect(buildSource(overview).evidenceLevel).toBe('in-house');
  });

  it('derives integrity from publication types and correction links', () => {
    const source = buildSource(
      sourceInput({
        publicationTypes: ['Journal Article', 'Retracted Publication'],
        correctionLinks: [
          { relation: 'CommentOn', pmid: '1' },
          { relation: 'RetractionIn', pmid: '2', citation: 'BMJ. 2011;342:d1' },
        ],
      }),
    );
    expect(source.integrity).toEqual({
      status: 'retracted',
      links: [{ relation: 'RetractionIn', pmid: '2', citation: 'BMJ. 2011;342:d1' }],
    });
    expect(buildSource(sourceInput()).integrity).toEqual({ status: 'ok', links: [] });
  });

  it('drops the reader-only fields and keeps the rest as given', () => {
    const input = sourceInput();
    const source = buildSource(input);
    expect(source).not.toHaveProperty('paragraphs');
    expect(source).not.toHaveProperty('correctionLinks');
    const { paragraphs: _p, correctionLinks: _c, ...rest } = input;
    expect(source).toMatchObject(rest);
    expect(source.contentHash).toMatch(/^[0-9a-f]{32}$/);
  });

  it('hashes equal content equally whatever the key order, origin path or line', () => {
    const a = buildSource(sourceInput());
    const b = buildSource(
      reverseKeys(sourceInput({ origin: { format: 'medline', path: '/elsewhere/copy.xml', line: 9999 } })),
    );
    expect(b.contentHash).toBe(a.contentHash);
  });

  it('hashes differently when any content changes', () => {
    const base = buildSource(sourceInput()).contentHash;
    const changes: Partial<SourceInput>[] = [
      { title: 'Colchicine for acute gout flares.' },
      { text: sourceInput().text.replace('effective', 'efective') },
      { authors: ['Jones A', 'Smith J'] },
      { year: 2011 },
      { version: { number: 2, revised: '2020-01-01' } },
      { version: { number: 1, revised: '2021-01-01' } },
      { publicationTypes: ['Journal Article', 'Randomized Controlled Trial', 'Retracted Publication'] },
      { correctionLinks: [{ relation: 'ErratumIn', pmid: '9' }] },
      { ids: { pmid: '12345' } },
      { mesh: [{ descriptor: 'Gout', ui: 'D006073', majorTopic: false, qualifiers: ['drug therapy'] }] },
      { sections: [{ path: ['Abstract'], start: 0, end: 82 }] },
    ];
    const hashes = changes.map((change) => buildSource(sourceInput(change)).contentHash);
    for (const hash of hashes) expect(hash).not.toBe(base);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('hashes as earlier versions did, so a re-ingest of a stored source finds it unchanged', () => {
    const source = buildSource(sourceInput());
    const { origin: _origin, text, sections, contentHash: _hash, ...metadata } = source;
    const earlier = createHash('sha256').update(stableJson(metadata)).update('\u0000').update(text).update('\u0000');
    for (const section of sections) earlier.update(`${section.start},${section.end},${JSON.stringify(section.path)};`);
    expect(source.contentHash).toBe(earlier.digest('hex').slice(0, 32));
  });

  it('is not changed by links that do not bear on integrity', () => {
    const withComment = sourceInput({ correctionLinks: [{ relation: 'CommentIn', pmid: '7' }] });
    expect(buildSource(withComment).contentHash).toBe(buildSource(sourceInput()).contentHash);
  });

  it('does not modify its input', () => {
    const input = sourceInput();
    const copy = structuredClone(input);
    buildSource(input);
    expect(input).toEqual(copy);
  });
});

describe('stableJson', () => {
  const json = fc.jsonValue();
  it('gives the same string for the same value with keys in any order', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(stableJson(reverseKeys(value))).toBe(stableJson(value));
      }),
    );
  });

  it('round-trips to an equal value', () => {
    fc.assert(
      fc.property(json, (value) => {
        // JSON cannot tell -0 from 0; compare through JSON.
        expect(JSON.parse(stableJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('keeps a "__proto__" key as data', () => {
    expect(stableJson(JSON.parse('{"b":1,"__proto__":0}'))).toBe('{"__proto__":0,"b":1}');
  });

  it('writes exactly what JSON.stringify writes for a key-sorted copy, so stored content hashes stay valid', () => {
    // The way content hashes were computed before stableJson was written out by hand.
    const sortedCopyJson = (value: unknown): string =>
      JSON.stringify(value, (_key, v: unknown) => {
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          const sorted: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
          for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
          return sorted;
        }
        return v;
      });
    const key = fc.oneof(fc.string(), fc.constantFrom('0', '1', '10', '9', '007', '-1', '4294967294', '4294967295', '__proto__', 'toJSON'));
    const leaf = fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.constant(() => 1), fc.double(), fc.date({ noInvalidDate: true }));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
      array: fc.array(tie('node'), { maxLength: 4 }),
      object: fc.array(fc.tuple(key, tie('node')), { maxLength: 5 }).map((entries) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
        return out;
      }),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(stableJson(v)).toBe(sortedCopyJson(v));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps array order significant', () => {
    expect(stableJson([1, 2])).not.toBe(stableJson([2, 1]));
    expect(stableJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });
});

describe('normalizeSourceRef', () => {
  it.each([
    ['12345', 'pmid:12345'],
    ['  12345\n', 'pmid:12345'],
    ['PMC42', 'pmc:PMC42'],
    ['pmc42', 'pmc:PMC42'],
    ['pmc:pmc42', 'pmc:PMC42'],
    ['PMC:PMC42', 'pmc:PMC42'],
    ['pmc:PMC42', 'pmc:PMC42'],
    ['pmid:12345', 'pmid:12345'],
    ['doc:overview-gout-flare', 'doc:overview-gout-flare'],
    [' doc:overview-gout-flare ', 'doc:overview-gout-flare'],
    ['PMC', 'PMC'],
    ['12a', '12a'],
  ])('%j → %j', (ref, expected) => {
    expect(normalizeSourceRef(ref)).toBe(expected);
  });

  it('is idempotent', () => {
    const refs = fc.oneof(
      fc.stringMatching(/^\s*(pmc:)?(pmc|PMC)?\d{1,8}\s*$/),
      fc.string(),
    );
    fc.assert(
      fc.property(refs, (ref) => {
        const once = normalizeSourceRef(ref);
        expect(normalizeSourceRef(once)).toBe(once);
      }),
    );
  });
});

describe('workKey', () => {
  it('names the work by PMID, then DOI (any case), then the source itself', () => {
    expect(workKey('pmc:PMC42', { pmid: '123', pmcid: 'PMC42', doi: '10.1/X' })).toBe('pmid:123');
    expect(workKey('pmid:123', { pmid: '123' })).toBe('pmid:123');
    expect(workKey('pmc:PMC42', { pmcid: 'PMC42', doi: '10.1/AbC' })).toBe('doi:10.1/abc');
    expect(workKey('doi:10.1/abc', { doi: '10.1/ABC' })).toBe('doi:10.1/abc');
    expect(workKey('doc:overview-gout', {})).toBe('doc:overview-gout');
  });
});
