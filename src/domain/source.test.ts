import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSource, normalizeSourceRef, stableJson, type SourceInput } from './source.js';

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
