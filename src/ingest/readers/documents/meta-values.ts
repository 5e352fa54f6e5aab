import { z } from 'zod';
import { normalizeDoi } from '../../../domain/source.js';

/**
 * Zod pieces for document metadata values as people write them in YAML front matter or HTML
 * <meta> tags: numbers where text is expected, one value where a list is expected, empty keys.
 * Every failure message says what was expected, so a skip reason tells the writer what to fix.
 */

/** A scalar read as trimmed text; an empty value counts as absent. */
export const text = z
  .union([z.string(), z.number()], { error: 'must be text' })
  .nullish()
  .transform((value) => {
    const trimmed = value === null || value === undefined ? '' : String(value).trim();
    return trimmed === '' ? undefined : trimmed;
  });

/** One value or a list of them. A single string is split on ";" (and on "," when split is "comma-too"). */
export function textList(split: 'semicolon' | 'comma-too') {
  const separator = split === 'semicolon' ? /;/ : /[;,]/;
  return z
    .union([z.string(), z.number(), z.array(z.union([z.string(), z.number()], { error: 'must be a list of text values' }))], {
      error: 'must be text or a list of text values',
    })
    .nullish()
    .transform((value) => {
      if (value === null || value === undefined) return [];
      const items = Array.isArray(value) ? value.map(String) : String(value).split(separator);
      return items.map((item) => item.trim()).filter((item) => item !== '');
    });
}

const DATE_PATTERN = /^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?(?:$|[T ])/;

/**
 * A date as precise as given: "YYYY", "YYYY-MM" or "YYYY-MM-DD". Accepts "/" separators
 * (Highwire "2020/05/13"), a trailing time, a bare year number and a YAML 1.1 timestamp.
 */
export const date = z
  .union([z.string(), z.number(), z.date()], { error: 'must be a date written YYYY, YYYY-MM or YYYY-MM-DD' })
  .nullish()
  .transform((value, ctx) => {
    if (value === null || value === undefined) return undefined;
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    const written = String(value).trim();
    if (written === '') return undefined;
    const iso = isoDate(written);
    if (iso === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be a date written YYYY, YYYY-MM or YYYY-MM-DD (got "${written}")` });
      return z.NEVER;
    }
    return iso;
  });

export function isoDate(written: string): string | undefined {
  const match = DATE_PATTERN.exec(written);
  if (!match) return undefined;
  const [, year, month, day] = match;
  if (month !== undefined && (Number(month) < 1 || Number(month) > 12)) return undefined;
  if (day !== undefined && (Number(day) < 1 || Number(day) > 31)) return undefined;
  return [year, month?.padStart(2, '0'), day?.padStart(2, '0')].filter((part) => part !== undefined).join('-');
}

/** A four-digit publication year. */
export const year = z
  .union([z.number(), z.string()], { error: 'must be a four-digit year' })
  .nullish()
  .transform((value, ctx) => {
    if (value === null || value === undefined || String(value).trim() === '') return undefined;
    const written = String(value).trim();
    if (!/^\d{4}$/.test(written)) {
      ctx.addIssue({ code: 'custom', message: `must be a four-digit year (got "${written}")` });
      return z.NEVER;
    }
    return Number(written);
  });

/** A PubMed id: digits only ("PMID: 123" and "pmid:123" are accepted and reduced to the digits). */
export const pmid = text.transform((value, ctx) => {
  if (value === undefined) return undefined;
  const digits = value.replace(/^pmid\s*:?\s*/i, '');
  if (!/^\d{1,9}$/.test(digits)) {
    ctx.addIssue({ code: 'custom', message: `must be a PubMed id, digits only (got "${value}")` });
    return z.NEVER;
  }
  return digits;
});

/** A DOI, kept as "10.x/y": a "doi:" prefix or a doi.org URL around it is removed. */
export const doi = text.transform((value, ctx) => {
  if (value === undefined) return undefined;
  const bare = normalizeDoi(value);
  if (bare === undefined || !/^10\.\d{4,9}\//.test(bare)) {
    ctx.addIssue({ code: 'custom', message: `must be a DOI such as 10.1000/xyz123 (got "${value}")` });
    return z.NEVER;
  }
  return bare;
});

/** One of a fixed set of values, compared case-insensitively; the message lists the choices. */
export function choice<const T extends readonly [string, ...string[]]>(values: T) {
  return text.transform((value, ctx) => {
    if (value === undefined) return undefined;
    const found = values.find((candidate) => candidate === value.toLowerCase());
    if (found === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')} (got "${value}")` });
      return z.NEVER;
    }
    return found as T[number];
  });
}
