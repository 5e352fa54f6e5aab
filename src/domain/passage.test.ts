import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildPassages,
  chunkParagraphs,
  passageId,
  sectionLabel,
  type Chunk,
  type ChunkOptions,
  type Passage,
} from './passage.js';
import type { ParagraphSpan, SectionOutline } from './source.js';
import { createTextBuilder } from './text.js';

interface Doc {
  id: string;
  text: string;
  sections: SectionOutline[];
  paragraphs: ParagraphSpan[];
}

function doc(id: string, inputs: ReadonlyArray<readonly [string[], string]>): Doc {
  const builder = createTextBuilder();
  for (const [path, paragraph] of inputs) builder.addParagraph(path, paragraph);
  return { id, ...builder.build() };
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;
const insidePair = (text: string, i: number) => isHigh(text.charCodeAt(i - 1)) && isLow(text.charCodeAt(i));
const isSpace = (text: string, i: number) => /\s/.test(text.charAt(i));
const len = (span: { start: number; end: number }) => span.end - span.start;

// ---- generators ---------------------------------------------------------------------------

const word = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'Colchicine', 'reduced', 'flares', 'Smith', 'et', 'al.', 'e.g.', 'Fig.', '2', 'mg.', 'p', '<', '0.001.',
      '1.5', 'vs.', 'placebo.', '(95%', 'CI', '0.9-1.5).', 'The', 'Then', 'MS.', '?', 'a', 'of',
    ),
  },
  // Astral-plane characters: emoji, mathematical letters, rare CJK.
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('😀', '𝔘', '𠀋', 'é', 'x'), minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 5 }) },
  // Very long words (URLs, chemical names, sequences) that force a hard split.
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', '😀', '𝔘', '-', '.'), minLength: 30, maxLength: 250 }),
  },
);
const gap = fc.constantFrom(' ', ' ', ' ', ' ', '. ', '  ', '\n', '\u00a0', ' \u00a0 ');
const paragraph = fc
  .array(fc.tuple(word, gap), { minLength: 0, maxLength: 60 })
  .map((parts) => parts.map(([w, g]) => w + g).join(''));
const path = fc.constantFrom<string[]>(['Abstract'], ['Methods'], ['Methods', 'Participants'], ['Results'], []);
const docArb = fc
  .array(fc.tuple(path, fc.oneof(paragraph, fc.constantFrom('Short.', 'Same text.', 'Same text.'))), {
    maxLength: 10,
  })
  .map((inputs) => doc('pmid:1', inputs));
const optionsArb: fc.Arbitrary<ChunkOptions> = fc
  .integer({ min: 2, max: 400 })
  .chain((maxChars) => fc.record({ maxChars: fc.constant(maxChars), minChars: fc.integer({ min: 0, max: maxChars }) }));
const caseArb = fc.record({ source: docArb, options: optionsArb });

const chunksOf = (source: Doc, options: ChunkOptions) => chunkParagraphs(source.text, source.paragraphs, options);
const passagesOf = (source: Doc, options: ChunkOptions) => buildPassages(source, source.paragraphs, options);

// ---- examples -----------------------------------------------------------------------------

describe('buildPassages examples', () => {
  const options = { maxChars: 60, minChars: 20 };

  it('keeps a paragraph that fits whole and labels its section', () => {
    const source = doc('pmid:1', [[['Methods', 'Participants'], 'We enrolled 120 adults with gout.']]);
    expect(passagesOf(source, options)).toEqual([
      {
        id: passageId('pmid:1', 'We enrolled 120 adults with gout.'),
        sourceId: 'pmid:1',
        ordinal: 0,
        section: 'Methods › Participants',
        start: 0,
        end: 33,
        text: 'We enrolled 120 adults with gout.',
      },
    ]);
  });

  it('splits a long paragraph at sentence ends, packing whole sentences', () => {
    const text =
      'Smith et al. enrolled 120 adults. Fig. 2 shows flares fell by 1.5 per year. ' +
      'The effect was large, p < 0.001. Then it held.';
    const source = doc('pmid:1', [[['Results'], text]]);
    expect(passagesOf(source, options).map((p) => p.text)).toEqual([
      'Smith et al. enrolled 120 adults.',
      'Fig. 2 shows flares fell by 1.5 per year.',
      'The effect was large, p < 0.001. Then it held.',
    ]);
  });

  it('merges a small paragraph with the next one in the same section when it fits', () => {
    const source = doc('pmid:1', [
      [['Results'], 'Short.'],
      [['Results'], 'A second paragraph.'],
      [['Results'], 'A third paragraph that is long enough.'],
    ]);
    expect(passagesOf(source, options).map((p) => p.text)).toEqual([
      'Short.\n\nA second paragraph.',
      'A third paragraph that is long enough.',
    ]);
  });

  it('does not merge across a section boundary', () => {
    const source = doc('pmid:1', [
      [['Methods'], 'Short.'],
      [['Results'], 'Also short.'],
    ]);
    expect(passagesOf(source, options).map((p) => [p.section, p.text])).toEqual([
      ['Methods', 'Short.'],
      ['Results', 'Also short.'],
    ]);
  });

  it('does not merge when the result would exceed maxChars', () => {
    const long = 'This paragraph alone is fifty-nine characters long, nearly.';
    expect(long.length).toBe(59);
    const source = doc('pmid:1', [
      [['Results'], 'Short.'],
      [['Results'], long],
    ]);
    expect(passagesOf(source, options).map((p) => p.text)).toEqual(['Short.', long]);
  });

  it('hard-splits a very long word without cutting an emoji in half', () => {
    const source = doc('pmid:1', [[['Results'], '😀'.repeat(10)]]);
    const chunks = chunksOf(source, { maxChars: 5, minChars: 0 });
    // 5 code units hold two emoji (4 units); the fifth would split a pair.
    expect(chunks.map((c) => [c.start, c.end])).toEqual([[0, 4], [4, 8], [8, 12], [12, 16], [16, 20]]);
    // Equal pieces of one source are one passage.
    expect(passagesOf(source, { maxChars: 5, minChars: 0 }).map((p) => p.text)).toEqual(['😀😀']);
  });

  it('drops a repeated passage and keeps ordinals contiguous', () => {
    const source = doc('pmid:1', [
      [['Abstract'], 'Colchicine works in acute gout flares.'],
      [['Results'], 'Colchicine works in acute gout flares.'],
      [['Results'], 'Flares fell by half over twelve weeks.'],
    ]);
    const passages = passagesOf(source, { maxChars: 60, minChars: 0 });
    expect(passages.map((p) => [p.ordinal, p.section, p.text])).toEqual([
      [0, 'Abstract', 'Colchicine works in acute gout flares.'],
      [1, 'Results', 'Flares fell by half over twelve weeks.'],
    ]);
  });

  it('gives no passages for an empty source', () => {
    expect(passagesOf(doc('pmid:1', []), options)).toEqual([]);
  });

  it('labels a missing section with an empty string', () => {
    expect(sectionLabel(undefined)).toBe('');
    expect(sectionLabel({ path: [], start: 0, end: 0 })).toBe('');
  });
});

// ---- properties ---------------------------------------------------------------------------

describe('chunkParagraphs properties', () => {
  it('never makes a chunk longer than maxChars, empty, or starting/ending inside a surrogate pair', () => {
    fc.assert(
      fc.property(caseArb, ({ source, options }) => {
        for (const chunk of chunksOf(source, options)) {
          expect(len(chunk)).toBeGreaterThan(0);
          expect(len(chunk)).toBeLessThanOrEqual(options.maxChars);
          expect(insidePair(source.text, chunk.start)).toBe(false);
          expect(insidePair(source.text, chunk.end)).toBe(false);
        }
      }),
    );
  });

  it('keeps chunks in order, non-overlapping and inside their own section', () => {
    fc.assert(
      fc.property(caseArb, ({ source, options }) => {
        const chunks = chunksOf(source, options);
        chunks.forEach((chunk, i) => {
          const section = source.sections[chunk.section]!;
          expect(chunk.start).toBeGreaterThanOrEqual(section.start);
          expect(chunk.end).toBeLessThanOrEqual(section.end);
          if (i > 0) expect(chunk.start).toBeGreaterThanOrEqual(chunks[i - 1]!.end);
        });
      }),
    );
  });

  // Reference: count, for every code unit, how many chunks hold it.
  it('puts every non-whitespace character of every paragraph in exactly one chunk', () => {
    fc.assert(
      fc.property(caseArb, ({ source, options }) => {
        const count = new Array<number>(source.text.length).fill(0);
        for (const chunk of chunksOf(source, options)) for (let i = chunk.start; i < chunk.end; i++) count[i]!++;
        const inParagraph = new Array<boolean>(source.text.length).fill(false);
        for (const p of source.paragraphs) for (let i = p.start; i < p.end; i++) inParagraph[i] = true;
        for (let i = 0; i < source.text.length; i++) {
          if (isSpace(source.text, i)) continue;
          expect(count[i], `index ${i}`).toBe(inParagraph[i] ? 1 : 0);
        }
      }),
    );
  });

  it('never splits a paragraph that fits in maxChars', () => {
    fc.assert(
      fc.property(caseArb, ({ source, options }) => {
        const chunks = chunksOf(source, options);
        for (const p of source.paragraphs) {
          if (len(p) > options.maxChars) continue;
          expect(chunks.some((c) => c.start <= p.start && p.end <= c.end)).toBe(true);
        }
      }),
    );
  });

  it('merges a small chunk with the next whole paragraph in its section whenever the result fits', () => {
    fc.assert(
      fc.property(caseArb, ({ source, options }) => {
        const chunks = chunksOf(source, options);
        for (let i = 1; i < chunks.length; i++) {
          const [current, next] = [chunks[i - 1]!, chunks[i]!];
          if (current.section !== next.section || len(current) >= options.minChars) continue;
          // The next chunk begins with a paragraph; when that paragraph is whole (fits), it did not fit here.
          const first = source.paragraphs.find((p) => p.start === next.start);
          if (first === undefined || len(first) > options.maxChars) continue;
          expect(first.end - current.start).toBeGreaterThan(options.maxChars);
        }
      }),
    );
  });

  it('is the identity on paragraphs when they all fit and nothing is small', () => {
    fc.assert(
      fc.property(docArb, (source) => {
        const longest = Math.max(2, ...source.paragraphs.map(len));
        const chunks = chunksOf(source, { maxChars: longest, minChars: 0 });
        const expected: Chunk[] = source.paragraphs.map((p) => ({ ...p }));
        expect(chunks).toEqual(expected);
      }),
    );
  });
});

describe('buildPassages properties', () => {
  it('gives passages whose text is their span of the source text', () => {
    fc.assert(
      fc.property(caseArb, ({ source, options }) => {
        for (const p of passagesOf(source, options)) {
          expect(p.text).toBe(source.text.slice(p.start, p.end));
          expect(p.sourceId).toBe(source.id);
        }
      }),
    );
  });

  // Reference: the chunks, minus any whose text an earlier chunk already had, numbered in order.
  it('is the chunks with repeated texts dropped, in order, numbered 0..n-1', () => {
    fc.assert(
      fc.property(caseArb, ({ source, options }) => {
        const seen = new Set<string>();
        const expected: Omit<Passage, 'id'>[] = [];
        for (const chunk of chunksOf(source, options)) {
          const text = source.text.slice(chunk.start, chunk.end);
          if (seen.has(text)) continue;
          seen.add(text);
          expected.push({
            sourceId: source.id,
            ordinal: expected.length,
            section: source.sections[chunk.section]!.path.join(' › '),
            start: chunk.start,
            end: chunk.end,
            text,
          });
        }
        expect(passagesOf(source, options).map(({ id: _id, ...rest }) => rest)).toEqual(expected);
      }),
    );
  });

  it('gives the same ids for the same input, and different ids for another source id', () => {
    fc.assert(
      fc.property(caseArb, ({ source, options }) => {
        const first = passagesOf(source, options);
        expect(passagesOf(source, options)).toEqual(first);
        const ids = new Set(first.map((p) => p.id));
        expect(ids.size).toBe(first.length);
        const other = passagesOf({ ...source, id: 'pmid:2' }, options);
        expect(other.map((p) => p.text)).toEqual(first.map((p) => p.text));
        for (const p of other) expect(ids.has(p.id)).toBe(false);
      }),
    );
  });

  it('keeps ids that depend only on source id and text, not on position', () => {
    const a = passagesOf(doc('pmid:1', [[['A'], 'Colchicine works.']]), { maxChars: 100, minChars: 0 });
    const b = passagesOf(doc('pmid:1', [[['B'], 'Intro text here.'], [['A'], 'Colchicine works.']]), {
      maxChars: 100,
      minChars: 0,
    });
    expect(b[1]!.id).toBe(a[0]!.id);
    expect(passageId('pmid:1', 'x')).not.toBe(passageId('pmid:1x', ''));
    // The id as earlier versions computed it, so re-ingested passages keep their ids (and vectors).
    const earlier = createHash('sha256').update('pmid:1').update('\u0000').update('Gout, \ud83e\udde0 and α.').digest('hex').slice(0, 32);
    expect(passageId('pmid:1', 'Gout, \ud83e\udde0 and α.')).toBe(earlier);
  });
});
