import { describe, expect, it } from 'vitest';
import { resultLines } from './result-lines.js';

describe('resultLines', () => {
  it('puts every result of a one-line reply on line 1', () => {
    const text = JSON.stringify({ version: '6.9', hitCount: 3, resultList: { result: [{ id: '1' }, { id: '2' }, { id: '3' }] } });
    expect(resultLines(text)).toEqual([1, 1, 1]);
  });

  it('finds where each result starts in a pretty-printed reply', () => {
    const reply = {
      version: '6.9',
      hitCount: 2,
      request: { queryString: 'x', resultList: { result: [{ decoy: true }] } },
      resultList: { result: [{ id: '1', nested: { resultList: { result: [1, 2] } } }, { id: '2', title: 'a "quoted" {brace} [bracket], \\ and\nescaped' }] },
    };
    const text = JSON.stringify(reply, null, 2);
    const lines = text.split('\n');
    const starts = lines.flatMap((line, i) => (/^ {6}\{$/.test(line) ? [i + 1] : []));
    expect(starts).toHaveLength(2);
    expect(resultLines(text)).toEqual(starts);
  });

  it('counts results that are not objects, and nothing outside resultList.result', () => {
    expect(resultLines('{"result": [1], "resultList": {"other": [2],\n"result": [\n3, "four",\nnull, [5], true]}}')).toEqual([3, 3, 4, 4, 4]);
    expect(resultLines('{"resultList": {"result": []}}')).toEqual([]);
    expect(resultLines('[{"resultList": {"result": [1]}}]')).toEqual([]);
  });
});
