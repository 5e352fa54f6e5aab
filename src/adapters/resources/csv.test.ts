import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';

const fields = (text: string) => parseCsv(text).records.map((r) => r.fields);

describe('parseCsv', () => {
  it('reads plain and quoted fields, with commas, doubled quotes and line breaks inside quotes', () => {
    const text = 'a,b,c\nMI,"myocardial, infarction",x\n"say ""hi""","two\nlines",\n';
    expect(fields(text)).toEqual([
      ['a', 'b', 'c'],
      ['MI', 'myocardial, infarction', 'x'],
      ['say "hi"', 'two\nlines', ''],
    ]);
    expect(parseCsv(text).records.map((r) => r.line)).toEqual([1, 2, 3]);
  });

  it('accepts CRLF, a byte-order mark, blank lines and a last line without a break', () => {
    expect(fields('\ufeffa,b\r\n\r\n"x",y\r\nz,"w"')).toEqual([
      ['a', 'b'],
      ['x', 'y'],
      ['z', 'w'],
    ]);
  });

  it('a stray character after a closing quote costs that record only', () => {
    const result = parseCsv('a,b\n"x"y,z\nc,d\n');
    expect(result.records.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(result.problems).toEqual([{ line: 2, reason: 'characters after a closing quote' }]);
  });

  it('a quote that never closes costs one line, and reading resumes after it', () => {
    const result = parseCsv('a,b\n"open,z\nc,d\ne,f\n');
    expect(result.problems).toEqual([{ line: 2, reason: 'a quoted field is never closed' }]);
    expect(result.records.map((r) => [r.line, ...r.fields])).toEqual([
      [1, 'a', 'b'],
      [3, 'c', 'd'],
      [4, 'e', 'f'],
    ]);
  });

  it('reads back what a simple writer wrote', () => {
    const quote = (s: string) => (/[",\r\n]/.test(s) || s === '' ? `"${s.replaceAll('"', '""')}"` : s);
    const row = fc.array(fc.string(), { minLength: 2, maxLength: 4 });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 5 }), (rows) => {
        const text = rows.map((r) => r.map(quote).join(',')).join('\r\n');
        const result = parseCsv(text);
        expect(result.problems).toEqual([]);
        expect(result.records.map((r) => r.fields)).toEqual(rows);
      }),
    );
  });
});
