import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStringList } from './python-list.js';

describe('parseStringList', () => {
  it('flattens nested lists of quoted strings', () => {
    expect(parseStringList("[['orencia']]")).toEqual({ ok: true, strings: ['orencia'] });
    expect(parseStringList("[['zovirax', 'xerese'], [\"d'arc\"]] ")).toEqual({ ok: true, strings: ['zovirax', 'xerese', "d'arc"] });
    expect(parseStringList('[]')).toEqual({ ok: true, strings: [] });
    expect(parseStringList("[['a',]]")).toEqual({ ok: true, strings: ['a'] });
  });

  it('decodes backslash escapes and keeps non-ASCII text', () => {
    expect(parseStringList("[['cinazi\\xe8re', 'it\\'s', 'tab\\there', '\\u00e9']]")).toEqual({
      ok: true,
      strings: ['cinazière', "it's", 'tab\there', 'é'],
    });
    expect(parseStringList("[['cinazière']]")).toEqual({ ok: true, strings: ['cinazière'] });
  });

  it('refuses anything that is not a list of strings, saying where', () => {
    for (const bad of ["__import__('os')", "[['a'] + ['b']]", "[['a' 'b']]", "[['a']", "['a']]", "[['a]]", '[[1]]', "[['a'], x]", "[['\\q']]", "[['a']] ['b']"]) {
      const result = parseStringList(bad);
      expect(result.ok, bad).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/at character \d+$/);
    }
  });

  it("reads back Python's repr of a list of lists of strings", () => {
    // Python's repr: single quotes unless the string holds one and no double quote.
    const repr = (s: string) => {
      const escaped = s.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('\t', '\\t');
      return s.includes("'") && !s.includes('"') ? `"${escaped}"` : `'${escaped.replaceAll("'", "\\'")}'`;
    };
    fc.assert(
      fc.property(fc.array(fc.array(fc.string()), { maxLength: 3 }), (lists) => {
        const literal = `[${lists.map((l) => `[${l.map(repr).join(', ')}]`).join(', ')}]`;
        expect(parseStringList(literal)).toEqual({ ok: true, strings: lists.flat() });
      }),
    );
  });
});
