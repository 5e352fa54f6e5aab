import type { RawDate } from './record.js';

/** A publication date as precise as the record gives it. */
export interface PartialDate {
  year: number;
  /** "YYYY", "YYYY-MM" or "YYYY-MM-DD". */
  iso: string;
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

const FOUR_DIGIT_YEAR = /^\d{4}$/;
const FIRST_YEAR = /(?:^|\D)(\d{4})(?!\d)/;

/**
 * Reads a MEDLINE date element. Year/Month/Day give as much as is valid ("Dec" and "12" are
 * both December; a day without a valid month is dropped). A MedlineDate ("1998 Dec-1999 Jan",
 * "2015 Oct-Dec", "Spring 2000") spans a range, so only its first year is kept. A Season
 * ("Spring") gives only the year.
 */
export function readPartialDate(raw: RawDate | undefined): PartialDate | undefined {
  if (!raw) return undefined;
  if (raw.year !== undefined && FOUR_DIGIT_YEAR.test(raw.year)) {
    const year = Number(raw.year);
    const month = monthNumber(raw.month);
    if (month === undefined) return { year, iso: raw.year };
    const day = dayNumber(raw.day, year, month);
    const yearMonth = `${raw.year}-${pad(month)}`;
    return { year, iso: day === undefined ? yearMonth : `${yearMonth}-${pad(day)}` };
  }
  const fromRange = raw.medlineDate === undefined ? undefined : FIRST_YEAR.exec(raw.medlineDate)?.[1];
  if (fromRange !== undefined) return { year: Number(fromRange), iso: fromRange };
  return undefined;
}

/** "YYYY-MM-DD" when the date has a valid year, month and day; otherwise undefined. */
export function readFullDate(raw: RawDate | undefined): string | undefined {
  const date = readPartialDate(raw);
  return date && date.iso.length === 10 ? date.iso : undefined;
}

/** The first of the dates that can be read. */
export function firstDate(...candidates: (RawDate | undefined)[]): PartialDate | undefined {
  for (const candidate of candidates) {
    const date = readPartialDate(candidate);
    if (date) return date;
  }
  return undefined;
}

function monthNumber(month: string | undefined): number | undefined {
  if (month === undefined || month === '') return undefined;
  if (/^\d{1,2}$/.test(month)) {
    const number = Number(month);
    return number >= 1 && number <= 12 ? number : undefined;
  }
  return MONTHS[month.slice(0, 3).toLowerCase()];
}

function dayNumber(day: string | undefined, year: number, month: number): number | undefined {
  if (day === undefined || !/^\d{1,2}$/.test(day)) return undefined;
  const number = Number(day);
  // Day 0 of the next month is the last day of this one (UTC, so no time zone can shift it).
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return number >= 1 && number <= daysInMonth ? number : undefined;
}

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}
