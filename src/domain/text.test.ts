import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTextBuilder, normalizeSpace } from './text.js';

type Input = readonly [path: string[], paragraph: string];

function build(inputs: readonly Input[]) {
  const builder = createTextBuilder();
  for (const [path, paragraph] of inputs) builder.addParagraph(path, paragraph);
  return { built: builder.build() };
}

// Few distinct heading paths, with whitespace variants, so equal paths often follow each other.
const pathArb = fc.constantFrom(
  [] as string[],
  ['Abstract'],
  [' Abstract\n'],
  ['Methods'],
  ['Methods', 'Participants'],
  ['Methods', ' Participants  '],
  ['Results'],
);
const paragraphArb = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'B', '.', ' ', '\n', '\t', '\u00a0', '😀', 'é', '\r\n'), maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('', '   ', '\n\t\n', 'Low-dose colchicine   was\n  effective.'),
);
const inputsArb = fc.array(fc.tuple(pathArb, paragraphArb), { maxLength: 12 });

describe('createTextBuilder', () => {
  it('joins paragraphs and sections with a blank line and records their spans', () => {
    const { built } = build([
      [['Abstract'], '  Background:\n  gout   flares. '],
      [['Abstract'], 'Colchicine 😀 works.'],
      [['Methods'], 'We\trandomised.'],
    ]);
    expect(built.text).toBe('Background: gout flares.\n\nColchicine 😀 works.\n\nWe randomised.');
    expect(built.paragraphs).toEqual([
      { section: 0, start: 0, end: 24 },
      { section: 0, start: 26, end: 46 },
      { section: 1, start: 48, end: 62 },
    ]);
    expect(built.sections).toEqual([
      { path: ['Abstract'], start: 0, end: 46 },
      { path: ['Methods'], start: 48, end: 62 },
    ]);
  });

  it('skips paragraphs that are only ASCII whitespace', () => {
    const { built } = build([[['A'], ' \n\t '], [['A'], '']]);
    expect(built).toEqual({ text: '', sections: [], paragraphs: [] });
  });

  it('opens a new section when a path returns after another one', () => {
    const { built } = build([
      [['A'], 'one'],
      [['B'], 'two'],
      [['A'], 'three'],
    ]);
    expect(built.sections.map((s) => s.path)).toEqual([['A'], ['B'], ['A']]);
  });

  it('keeps one section across a skipped empty paragraph with another path', () => {
    const { built } = build([
      [['A'], 'one'],
      [['B'], '  '],
      [['A'], 'two'],
    ]);
    expect(built.sections).toEqual([{ path: ['A'], start: 0, end: 8 }]);
  });

  // Reference: drop empty paragraphs, normalise, join with "\n\n"; group runs of equal normalised paths.
  it('matches the reference layout for any input', () => {
    fc.assert(
      fc.property(inputsArb, (inputs) => {
        const { built } = build(inputs);
        const kept = inputs
          .map(([path, paragraph]) => ({ path: path.map(normalizeSpace), text: normalizeSpace(paragraph) }))
          .filter((p) => p.text !== '');

        expect(built.text).toBe(kept.map((p) => p.text).join('\n\n'));
        expect(built.paragraphs).toHaveLength(kept.length);

        let expectedSection = -1;
        kept.forEach((p, i) => {
          const span = built.paragraphs[i]!;
          expect(built.text.slice(span.start, span.end)).toBe(p.text);
          const samePathAsPrevious = i > 0 && JSON.stringify(kept[i - 1]!.path) === JSON.stringify(p.path);
          if (!samePathAsPrevious) expectedSection++;
          expect(span.section).toBe(expectedSection);
          expect(built.sections[span.section]!.path).toEqual(p.path);
        });
        expect(built.sections).toHaveLength(expectedSection + 1);
      }),
    );
  });

  it('makes every section cover exactly its paragraphs', () => {
    fc.assert(
      fc.property(inputsArb, (inputs) => {
        const { built } = build(inputs);
        built.sections.forEach((section, index) => {
          const own = built.paragraphs.filter((p) => p.section === index);
          expect(own.length).toBeGreaterThan(0);
          expect(section.start).toBe(own[0]!.start);
          expect(section.end).toBe(own[own.length - 1]!.end);
          for (const p of own) {
            expect(p.start).toBeGreaterThanOrEqual(section.start);
            expect(p.end).toBeLessThanOrEqual(section.end);
          }
        });
        for (let i = 1; i < built.sections.length; i++) {
          expect(built.sections[i]!.start).toBe(built.sections[i - 1]!.end + 2);
        }
      }),
    );
  });
});

describe('normalizeSpace', () => {
  it('collapses ASCII whitespace and keeps other Unicode spaces inside the text', () => {
    expect(normalizeSpace('\n  5\u00a0mg \t\r\n daily\f\v ')).toBe('5\u00a0mg daily');
    expect(normalizeSpace('5\u2009mg \u00a0 x')).toBe('5\u2009mg \u00a0 x');
    // trim() removes every Unicode space at the ends, so a paragraph of no-break spaces is empty.
    expect(normalizeSpace('\u2009x\u00a0')).toBe('x');
    expect(normalizeSpace('\u00a0 \u00a0')).toBe('');
  });

  it('gives exactly what the obvious "every whitespace run becomes one space" does', () => {
    const reference = (value: string) => value.replace(/[ \t\n\r\f\v]+/g, ' ').trim();
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', ' ', '\t', '\n', '\r', '\f', '\v', '\u00a0', 'é', '😀'), { maxLength: 60 }), (chars) => {
        const value = chars.join('');
        expect(normalizeSpace(value)).toBe(reference(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent and leaves no ASCII whitespace runs or edges', () => {
    fc.assert(
      fc.property(paragraphArb, (value) => {
        const once = normalizeSpace(value);
        expect(normalizeSpace(once)).toBe(once);
        expect(once).not.toMatch(/^\s|\s$|[ \t\n\r\f\v]{2}|[\t\n\r\f\v]/);
        expect(once.replace(/\s/g, '')).toBe(value.replace(/\s/g, ''));
      }),
    );
  });
});
