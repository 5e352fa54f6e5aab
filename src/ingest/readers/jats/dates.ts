/** One `<pub-date>` as written: its type and the raw text of its parts. */
export interface PubDate {
  /** pub-type (JATS ≤ 1.0) or date-type (JATS 1.1+), refined by publication-format. */
  type?: string;
  year?: string;
  month?: string;
  day?: string;
}

/**
 * Which publication date stands for the article: the electronic one (when readers first had it),
 * then print, then the collection date, else the first date that has a year. PMC's own
 * dates (pmc-release: end of an embargo) say nothing about publication and are never chosen.
 */
const PREFERENCE = ['epub', 'ppub', 'collection'] as const;

export function choosePubDate(dates: readonly PubDate[]): { year: number; published: string } | undefined {
  const usable = dates.filter((d) => parseYear(d.year) !== undefined && d.type !== 'pmc-release');
  const chosen = PREFERENCE.map((type) => usable.find((d) => d.type === type)).find((d) => d !== undefined) ?? usable[0];
  if (!chosen) return undefined;
  const year = parseYear(chosen.year);
  if (year === undefined) return undefined;
  return { year, published: formatDate(year, parseMonth(chosen.month), parseDay(chosen.day)) };
}

/** The type key of a pub-date element from its attributes. */
export function pubDateType(attributes: {
  pubType?: string;
  dateType?: string;
  publicationFormat?: string;
}): string | undefined {
  if (attributes.pubType) return attributes.pubType.toLowerCase();
  const dateType = attributes.dateType?.toLowerCase();
  const format = attributes.publicationFormat?.toLowerCase();
  // JATS 1.1+: <pub-date date-type="pub" publication-format="electronic"> is the old pub-type="epub".
  if (dateType === undefined || dateType === 'pub') {
    if (format === 'electronic') return 'epub';
    if (format === 'print') return 'ppub';
  }
  return dateType;
}

export function parseYear(value: string | undefined): number | undefined {
  // Four digits not part of a longer number: "2010", "2010a" (a second 2010 work), "Spring 2010".
  const match = value?.match(/(?:^|\D)(\d{4})(?!\d)/);
  if (!match?.[1]) return undefined;
  const year = Number(match[1]);
  return year >= 1000 && year <= 2999 ? year : undefined;
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function parseMonth(value: string | undefined): number | undefined {
  const text = value?.trim().toLowerCase();
  if (!text) return undefined;
  const month = /^\d{1,2}$/.test(text) ? Number(text) : MONTH_NAMES.indexOf(text.slice(0, 3)) + 1;
  return month >= 1 && month <= 12 ? month : undefined;
}

function parseDay(value: string | undefined): number | undefined {
  const text = value?.trim();
  if (!text || !/^\d{1,2}$/.test(text)) return undefined;
  const day = Number(text);
  return day >= 1 && day <= 31 ? day : undefined;
}

function formatDate(year: number, month: number | undefined, day: number | undefined): string {
  if (month === undefined) return String(year);
  const yearMonth = `${year}-${String(month).padStart(2, '0')}`;
  return day === undefined ? yearMonth : `${yearMonth}-${String(day).padStart(2, '0')}`;
}
