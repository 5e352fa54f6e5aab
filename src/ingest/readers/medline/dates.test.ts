import { describe, expect, it } from 'vitest';
import { firstDate, readFullDate, readPartialDate } from './dates.js';

describe('readPartialDate', () => {
  it.each([
    [{ year: '2019', month: '12', day: '05' }, { year: 2019, iso: '2019-12-05' }],
    [{ year: '2019', month: 'Dec', day: '5' }, { year: 2019, iso: '2019-12-05' }],
    [{ year: '2019', month: 'december' }, { year: 2019, iso: '2019-12' }],
    [{ year: '2018', month: '5' }, { year: 2018, iso: '2018-05' }],
    [{ year: '2020', month: 'Feb', day: '29' }, { year: 2020, iso: '2020-02-29' }],
    // Invalid parts are dropped, not guessed.
    [{ year: '2019', month: 'Feb', day: '29' }, { year: 2019, iso: '2019-02' }],
    [{ year: '2019', month: '13', day: '1' }, { year: 2019, iso: '2019' }],
    [{ year: '2019', day: '1' }, { year: 2019, iso: '2019' }],
    [{ year: '2001', season: 'May-Jun' }, { year: 2001, iso: '2001' }],
    [{ medlineDate: '1998 Dec-1999 Jan' }, { year: 1998, iso: '1998' }],
    [{ medlineDate: '2015 Oct-Dec' }, { year: 2015, iso: '2015' }],
    [{ medlineDate: 'Spring 2000' }, { year: 2000, iso: '2000' }],
    [{ medlineDate: '2000-2001' }, { year: 2000, iso: '2000' }],
  ])('%j → %j', (raw, expected) => {
    expect(readPartialDate(raw)).toEqual(expected);
  });

  it.each([[undefined], [{}], [{ year: '19' }], [{ medlineDate: 'n.d.' }], [{ month: 'Dec', day: '1' }]])('%j → undefined', (raw) => {
    expect(readPartialDate(raw)).toBeUndefined();
  });
});

describe('readFullDate', () => {
  it('gives YYYY-MM-DD only for a complete, valid date', () => {
    expect(readFullDate({ year: '2015', month: '12', day: '26' })).toBe('2015-12-26');
    expect(readFullDate({ year: '2015', month: '12' })).toBeUndefined();
    expect(readFullDate({ year: '2015', month: '04', day: '31' })).toBeUndefined();
    expect(readFullDate(undefined)).toBeUndefined();
  });
});

describe('firstDate', () => {
  it('takes the first candidate that can be read', () => {
    expect(firstDate(undefined, {}, { year: '2007', month: '10' }, { year: '2001' })).toEqual({ year: 2007, iso: '2007-10' });
    expect(firstDate(undefined, { season: 'Spring' })).toBeUndefined();
  });
});
