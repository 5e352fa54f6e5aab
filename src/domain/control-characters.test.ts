import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sourceInput } from '../../test/factories/sources.js';
import { hasControlCharacters, removeControlCharacters, withoutControlCharacters } from './control-characters.js';
import { createTextBuilder } from './text.js';

const laidOut = (paragraphs: readonly [string[], string][]) => {
  const builder = createTextBuilder();
  for (const [path, text] of paragraphs) builder.addParagraph(path, text);
  return builder.build();
};

describe('removeControlCharacters', () => {
  it('drops NUL and the other controls that are not whitespace, leaving one space where spaces met', () => {
    expect(removeControlCharacters('dexa\u0000methasone')).toBe('dexamethasone');
    expect(removeControlCharacters('a \u0000\u0007 b')).toBe('a b');
    expect(removeControlCharacters('a\u0000 b')).toBe('a b');
    expect(removeControlCharacters('\u001bend\u0008')).toBe('end');
    expect(removeControlCharacters('tab\tline\nfeed\r\f\v')).toBe('tab\tline\nfeed\r\f\v');
    expect(removeControlCharacters('no-break\u00a0space, DEL\u007f, C1\u0085')).toBe('no-break\u00a0space, DEL\u007f, C1\u0085');
  });
});

describe('withoutControlCharacters', () => {
  it('returns a clean record as it is', () => {
    const input = sourceInput();
    expect(withoutControlCharacters(input)).toBe(input);
  });

  it('cleans every metadata string but the origin, and keeps "__proto__" keys as data', () => {
    const references = JSON.parse('[{"__proto__": "x\\u0000", "title": "A\\u0000B"}]') as never;
    const input = sourceInput({
      title: 'Gout\u0000 flare',
      authors: ['Tester\u0007 A'],
      mesh: [{ descriptor: 'Gout\u0000', majorTopic: true, qualifiers: ['drug\u0000 therapy'] }],
      references,
      origin: { format: 'markdown', path: '/data/odd\u001bname.md' },
    });
    const clean = withoutControlCharacters(input);
    expect(clean).toMatchObject({ title: 'Gout flare', authors: ['Tester A'], mesh: [{ descriptor: 'Gout', qualifiers: ['drug therapy'] }] });
    expect(clean.references[0]).toEqual(JSON.parse('{"__proto__": "x", "title": "AB"}'));
    expect(Object.getPrototypeOf(clean.references[0])).toBe(Object.prototype);
    expect(clean.origin.path).toBe('/data/odd\u001bname.md');
    expect(clean.text).toBe(input.text);
  });

  it('merges sections whose headings are the same once cleaned, when only a heading held a control', () => {
    // Found by the property below (seed -1379536102): the text was clean, so it was not laid out again.
    const paragraphs: [string[], string][] = [
      [['Re\u0000sults'], 'a'],
      [['Results'], 'a'],
    ];
    const clean = withoutControlCharacters(sourceInput(laidOut(paragraphs)));
    expect({ text: clean.text, sections: clean.sections, paragraphs: clean.paragraphs }).toEqual(laidOut([[['Results'], 'a'], [['Results'], 'a']]));
  });

  it('lays text out again as if the reader had never seen the controls, spans and all', () => {
    const control = fc.constantFrom('\u0000', '\u0001', '\u0007', '\u001b', '\u001f');
    const piece = fc.oneof(control, fc.constantFrom('a', 'Bc', ' ', '\n', '.', '😀', '\u00a0'));
    const paragraph = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));
    const path = fc.constantFrom<string[]>(['Background'], ['Results'], ['Re\u0000sults']);
    fc.assert(
      fc.property(fc.array(fc.tuple(path, paragraph), { maxLength: 8 }), (paragraphs) => {
        // The layout keeps control characters, so this text holds them as a reader's would.
        const dirty = sourceInput(laidOut(paragraphs));
        const clean = withoutControlCharacters(dirty);
        const expected = laidOut(paragraphs.map(([p, text]) => [p.map(removeControlCharacters), removeControlCharacters(text)]));
        expect({ text: clean.text, sections: clean.sections, paragraphs: clean.paragraphs }).toEqual(expected);
        expect(hasControlCharacters(clean.text)).toBe(false);
      }),
    );
  });
});
