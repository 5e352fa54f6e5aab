import { STOP_WORDS } from '../retrieval/query.js';
import { foldText, stem } from '../retrieval/tokens.js';

/**
 * The checkable facts of a piece of medical text: numbers, doses with units, dosing intervals
 * and frequencies, names that carry digits (IL-6, CD4), drug names, and negation cues.
 *
 * The verifier compares a statement's facts with those of the passages it cites. Everything here
 * is about reading the same fact written different ways as one ("1,000" = "1000", "5mg" = "5 mg",
 * "mcg" = "µg", "q8h" = "every 8 hours" = "three times daily", "1 g" = "1000 mg"), so that only a
 * fact the passages really lack is reported. Pure functions over strings; no I/O.
 */

// ---------------------------------------------------------------------------------------------
// Normalisation

/** Hyphen look-alikes (hyphen, non-breaking hyphen, figure dash, en dash, minus) read as "-". */
const DASHES = /[\u2010\u2011\u2012\u2013\u2212\uFE63\uFF0D]/g;
const THIN_SPACES = /[\u00A0\u2002-\u2009\u200A\u202F]/g;

/**
 * One spelling for characters typed many ways, so the rest of the module can use plain patterns:
 * dashes become "-", the micro sign becomes Greek mu, digit groups split by thin or no-break
 * spaces are joined ("1 000" → "1000"; an ordinary space is left alone, because "18 of 23 450"
 * would otherwise merge), the Lancet's raised decimal point becomes ".", superscript 2 and 3
 * become digits (m², mm³), and negative contractions are spelled out ("didn't" → "did not") so a
 * negation is one word everywhere.
 */
export function normalizeClinicalText(text: string): string {
  return text
    .normalize('NFC')
    .replace(DASHES, '-')
    .replace(/(\d)\s*\u2014\s*(?=\d)/g, '$1-')
    .replace(/\u00B5/g, 'μ')
    .replace(/(\d)\u00B7(?=\d)/g, '$1.')
    .replace(/(\d)[\u00A0\u2007\u2009\u202F](?=\d{3}(?!\d))/g, '$1')
    .replace(THIN_SPACES, ' ')
    .replace(/²/g, '2')
    .replace(/³/g, '3')
    .replace(/\b(c)an['’]t\b/gi, '$1annot')
    .replace(/\b(w)on['’]t\b/gi, '$1ill not')
    .replace(/(\p{L})n['’]t\b/giu, '$1 not');
}

// ---------------------------------------------------------------------------------------------
// Tokens

/** A word of the text with its folded (lower-case, accent-free) and Porter-stemmed forms. */
export interface Token {
  raw: string;
  folded: string;
  stem: string;
  /** UTF-16 offsets into the text tokenised. */
  start: number;
  end: number;
}

const RAW_WORD = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * Words as the retrieval index cuts them (runs of letters and digits, folded, Porter-stemmed by
 * the same cached stemmer), but keeping each word's place and spelling so problems can quote the
 * text. Combining marks stay inside the word they decorate and are then folded away.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(RAW_WORD)) {
    const folded = foldText(match[0]);
    if (folded === '') continue;
    tokens.push({ raw: match[0], folded, stem: stem(folded), start: match.index, end: match.index + match[0].length });
  }
  return tokens;
}

/**
 * Words that carry no claim of their own, on top of the retrieval stop words: modal verbs and
 * fillers a paraphrase adds or drops freely.
 */
const EXTRA_STOP_WORDS: ReadonlySet<string> = new Set([
  'may', 'might', 'must', 'shall', 'also', 'e', 'g', 'eg', 'ie', 'etc', 'cannot', 'non', 'none', 'never', 'nor',
  'nothing', 'either', 'among', 'like', 'using', 'used', 'use',
]);

/**
 * A word that carries content: not a stop word, not a number, and not a word of a measure or
 * schedule ("mg", "hours", "twice", "daily", "q8h", "seven"). Those are compared as facts,
 * normalised and converted, so the lexical score leaves them out: "twice daily for two weeks"
 * must cost a paraphrase of "every 12 hours for 14 days" nothing the fact checks have accepted.
 */
export function isContentToken(token: Token): boolean {
  const word = token.folded;
  return (
    !STOP_WORDS.has(word) &&
    !EXTRA_STOP_WORDS.has(word) &&
    !MEASURE_WORDS.has(word) &&
    !/^\p{N}/u.test(word) &&
    !/^q\d/.test(word)
  );
}

// ---------------------------------------------------------------------------------------------
// Units

/** A unit of measure; values convert only between units of one dimension. */
export interface Unit {
  /** How the unit is shown, e.g. "mg/kg/d", "μg", "h", "%". */
  canonical: string;
  /** What it measures, with its denominators: "mass/kg/d". */
  dimension: string;
  /** Multiplier to the dimension's base unit (mass → μg, volume → mL, time → hours, calendar → months). */
  factor: number;
}

interface BaseUnit {
  canonical: string;
  dimension: string;
  factor: number;
}

/** [spellings (lower case), canonical, dimension, factor]. */
const UNIT_TABLE: readonly [readonly string[], string, string, number][] = [
  [['ng', 'nanogram', 'nanograms'], 'ng', 'mass', 1e-3],
  [['mcg', 'μg', 'ug', 'microgram', 'micrograms'], 'μg', 'mass', 1],
  [['mg', 'milligram', 'milligrams'], 'mg', 'mass', 1e3],
  [['g', 'gm', 'gram', 'grams'], 'g', 'mass', 1e6],
  [['kg', 'kilogram', 'kilograms'], 'kg', 'mass', 1e9],
  [['μl', 'ul', 'microlitre', 'microliter', 'microlitres', 'microliters'], 'μL', 'volume', 1e-3],
  [['ml', 'millilitre', 'milliliter', 'millilitres', 'milliliters', 'cc'], 'mL', 'volume', 1],
  [['dl', 'decilitre', 'deciliter', 'decilitres', 'deciliters'], 'dL', 'volume', 100],
  [['l', 'litre', 'liter', 'litres', 'liters'], 'L', 'volume', 1e3],
  // Heparin and insulin "units" are international units; writers use either word.
  [['iu', 'u', 'unit', 'units', 'international unit', 'international units'], 'units', 'units', 1],
  [['meq'], 'mEq', 'meq', 1],
  [['mmol', 'millimole', 'millimoles'], 'mmol', 'amount', 1],
  [['μmol', 'umol', 'micromole', 'micromoles'], 'μmol', 'amount', 1e-3],
  [['nmol', 'nanomole', 'nanomoles'], 'nmol', 'amount', 1e-6],
  [['%', 'percent', 'per cent', 'pct'], '%', 'percent', 1],
  [['sec', 'secs', 'second', 'seconds'], 's', 'time', 1 / 3600],
  [['min', 'mins', 'minute', 'minutes'], 'min', 'time', 1 / 60],
  [['h', 'hr', 'hrs', 'hour', 'hours'], 'h', 'time', 1],
  [['d', 'day', 'days'], 'days', 'time', 24],
  [['wk', 'wks', 'week', 'weeks'], 'weeks', 'time', 168],
  // Months and years vary in length: they convert into each other, not into days.
  [['mo', 'mos', 'month', 'months'], 'months', 'calendar', 1],
  [['y', 'yr', 'yrs', 'year', 'years'], 'years', 'calendar', 12],
  [['mmhg', 'mm hg'], 'mmHg', 'pressure', 1],
  [['cmh2o', 'cm h2o'], 'cmH2O', 'water-pressure', 1],
  [['mm'], 'mm', 'length', 1],
  [['cm'], 'cm', 'length', 10],
  [['m2'], 'm2', 'area', 1],
  [['bpm', 'beats per minute'], 'bpm', 'rate', 1],
  [['kcal'], 'kcal', 'energy', 1],
  [['°c', '℃'], '°C', 'celsius', 1],
  [['°f', '℉'], '°F', 'fahrenheit', 1],
  [['cells'], 'cells', 'cells', 1],
];

/** Denominators after "/" or "per": [spellings, canonical]. */
const DENOMINATOR_TABLE: readonly [readonly string[], string][] = [
  [['kg', 'kilogram'], 'kg'],
  [['d', 'day', '24h', '24 h'], 'd'],
  [['h', 'hr', 'hour'], 'h'],
  [['min', 'minute'], 'min'],
  [['wk', 'week'], 'wk'],
  [['m2'], 'm2'],
  [['l', 'litre', 'liter'], 'L'],
  [['dl', 'decilitre', 'deciliter'], 'dL'],
  [['ml', 'millilitre', 'milliliter'], 'mL'],
  [['μl', 'ul', 'microlitre', 'microliter'], 'μL'],
  [['mm3'], 'mm3'],
  [['dose'], 'dose'],
];

const VOLUME_DENOMINATORS = new Set(['L', 'dL', 'mL', 'μL', 'mm3']);
/** Dimensions whose numbers are amounts of drug given. */
const DOSE_DIMENSIONS = new Set(['mass', 'volume', 'units', 'meq', 'amount']);

const key = (spelling: string): string => spelling.toLowerCase().replace(/\s+/g, '');
const UNITS = new Map<string, BaseUnit>();
for (const [spellings, canonical, dimension, factor] of UNIT_TABLE) {
  for (const s of spellings) UNITS.set(key(s), { canonical, dimension, factor });
}
const DENOMINATORS = new Map<string, string>();
for (const [spellings, canonical] of DENOMINATOR_TABLE) for (const s of spellings) DENOMINATORS.set(key(s), canonical);

function alternation(spellings: Iterable<string>): string {
  return [...spellings]
    .sort((a, b) => b.length - a.length)
    .map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/ /g, '\\s*'))
    .join('|');
}

const UNIT_AFTER = new RegExp(
  String.raw`^ ?(?:- ?)?(?:(thousand|million|billion) +)?(${alternation(UNIT_TABLE.flatMap(([s]) => s))})(?![\p{L}\p{N}])`,
  'iu',
);
const DENOMINATOR_AFTER = new RegExp(
  String.raw`^(?: ?\/ ?| +per +)(${alternation(DENOMINATOR_TABLE.flatMap(([s]) => s))})(?![\p{L}\p{N}])`,
  'iu',
);
/** "500 mg daily" is 500 mg a day; "once daily" says the same. */
const DAILY_AFTER =
  /^[ -]+(?:once[ -]+)?(?:daily|a day|per day|each day|every day|qd|q\.d\.?|q24h|every 24 hours)(?![\p{L}\p{N}])/iu;
const MULTIPLIERS: Readonly<Record<string, number>> = { thousand: 1e3, million: 1e6, billion: 1e9 };

// ---------------------------------------------------------------------------------------------
// Numbers, measurements and schedules

export type QuantityKind = 'dose' | 'concentration' | 'percentage' | 'duration' | 'age' | 'value';

/** A number written without a unit: "18", "0.75", "two". */
export interface NumberFact {
  value: number;
  /** Digits after the decimal point as written, for rounding tolerance. */
  decimals: number;
  /** Significant digits as written; 0 for spelled-out numbers (never taken as rounded). */
  significant: number;
  raw: string;
}

/** One value with a unit. A range ("7-10 days", "40 to 78%") gives one per end, sharing `raw`. */
export interface Measurement extends NumberFact {
  unit: Unit;
  kind: QuantityKind;
}

export type ScheduleKind = 'interval' | 'frequency';

/**
 * How often something is given or done, as hours between two doses: q8h, "every 8 hours" and
 * "three times daily" are all 8. A range ("every 6 to 8 hours") gives one per end.
 */
export interface Schedule {
  hours: number;
  raw: string;
  kind: ScheduleKind;
  /**
   * A lone "daily"/"weekly" with no count. Too vague to demand of a passage ("daily" may qualify a
   * total dose), but a passage that says it does back a statement's "once daily".
   */
  bare: boolean;
}

/** A name that carries digits (IL-6, CD4, HbA1c, COVID-19, CYP3A4): folded, without hyphens. */
export interface Identifier {
  key: string;
  raw: string;
}

export interface ClinicalFacts {
  numbers: NumberFact[];
  measurements: Measurement[];
  schedules: Schedule[];
  identifiers: Identifier[];
  /** Every value written anywhere in the text, digits inside names included: lenient matching. */
  allValues: number[];
}

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11,
  twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18,
  nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};
const NUMBER_WORD = `(?:${Object.keys(NUMBER_WORDS).join('|')})`;
const DECIMAL = String.raw`\d+(?:\.\d+)?`;

/**
 * A number: digits with optional comma groups and decimals, or a leading-point decimal (P<.001),
 * or a number word. Digits glued to letters ("CD4", "IL-6", "q8h") belong to a name, not here.
 */
const NUMBER = new RegExp(
  String.raw`(?<![\p{L}\p{N}.]|\p{L}-)(?:(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(\.\d+)?|\.(\d+))` +
    String.raw`|(?<![\p{L}\p{N}-])(${NUMBER_WORD})(?![\p{L}\p{N}])`,
  'giu',
);
/** Every run of digits, for the lenient set of values a passage holds. */
const ANY_NUMBER = /\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+/g;
const ANY_NUMBER_WORD = new RegExp(String.raw`(?<![\p{L}])${NUMBER_WORD}(?![\p{L}])`, 'giu');
/** What may stand between the two ends of a range or the items of a list sharing one unit. */
const CONNECTOR = /^\s*(?:-|to|and|or|,|,\s*or|,\s*and|\/)\s*$/i;
const AGE_BEFORE = /(?:\baged?|\bage of|\bolder than|\byounger than)\s*(?:[≥>≤<]=?|at least|over|under)?\s*$/i;
const AGE_AFTER = /^(?:[\s-]*old\b|\s+of age\b)/i;

const PERIOD_HOURS: Readonly<Record<string, number>> = {
  h: 1, hr: 1, hrs: 1, hour: 1, hours: 1, min: 1 / 60, mins: 1 / 60, minute: 1 / 60, minutes: 1 / 60,
  d: 24, day: 24, days: 24, daily: 24, nightly: 24, w: 168, wk: 168, wks: 168, week: 168, weeks: 168, weekly: 168,
  fortnightly: 336, mo: 730, month: 730, months: 730, monthly: 730, hourly: 1,
};
const TIMES: Readonly<Record<string, number>> = { once: 1, twice: 2, thrice: 3 };
const ABBREVIATED_HOURS: Readonly<Record<string, number>> = {
  bid: 12, bd: 12, tid: 8, tds: 8, qid: 6, qds: 6, qd: 24, qod: 48,
};
const PERIOD = String.raw`hours?|hrs?|h|days?|d|weeks?|wks?|w|months?|mo|minutes?|mins?|min`;

interface SchedulePattern {
  pattern: RegExp;
  kind: ScheduleKind;
  /** Hours between doses for each end of the match; empty when the match is not a schedule. */
  hours: (m: RegExpExecArray) => number[];
  bare?: boolean;
}

const count = (s: string | undefined): number => {
  if (s === undefined) return 1;
  const lower = s.toLowerCase();
  return NUMBER_WORDS[lower] ?? TIMES[lower] ?? Number(s);
};
const period = (s: string | undefined): number => PERIOD_HOURS[(s ?? '').toLowerCase()] ?? Number.NaN;

/** Tried in order; a later pattern never reads text an earlier one took. */
const SCHEDULE_PATTERNS: readonly SchedulePattern[] = [
  {
    // q8h, q 8 h, q6-8h, q2w
    pattern: new RegExp(
      String.raw`(?<![\p{L}\p{N}])q\.? ?(${DECIMAL})(?: ?(?:-|to) ?(${DECIMAL}))? ?(${PERIOD})(?![\p{L}\p{N}])`,
      'giu',
    ),
    kind: 'interval',
    hours: (m) => ends(m[1], m[2]).map((n) => count(n) * period(m[3])),
  },
  {
    // every 8 hours, every 4 to 6 hours, every two weeks, every other day, every day
    pattern: new RegExp(
      String.raw`(?<![\p{L}])every\s+(?:(other)\s+|(${DECIMAL}|${NUMBER_WORD})(?:\s*(?:-|to|or)\s*(${DECIMAL}|${NUMBER_WORD}))?[\s-]*)?(${PERIOD})(?![\p{L}\p{N}])`,
      'giu',
    ),
    kind: 'interval',
    hours: (m) => (m[1] ? [2 * period(m[4])] : ends(m[2], m[3]).map((n) => count(n) * period(m[4]))),
  },
  {
    // 6-hourly, 4-6 hourly
    pattern: /(?<![\p{L}\p{N}.])(\d+)(?:\s*(?:-|to)\s*(\d+))?[\s-]?hourly(?![\p{L}])/giu,
    kind: 'interval',
    hours: (m) => ends(m[1], m[2]).map(Number),
  },
  {
    // once daily, twice a day, once-weekly
    pattern: /(?<![\p{L}])(once|twice|thrice)[\s-]+(?:(?:a|per|each|every)[\s-]+)?(daily|day|weekly|week|monthly|month|nightly)(?![\p{L}])/giu,
    kind: 'frequency',
    hours: (m) => [period(m[2]) / count(m[1])],
  },
  {
    // 3 times daily, three times a day, 3x/day, 2× weekly
    pattern: new RegExp(
      String.raw`(?<![\p{L}\p{N}.])(\d+|${NUMBER_WORD})\s*(?:times|x|×)[\s/-]*(?:(?:a|per|each|every)[\s-]+)?(daily|day|d|weekly|week|wk|monthly|month)(?![\p{L}])`,
      'giu',
    ),
    kind: 'frequency',
    hours: (m) => [period(m[2]) / count(m[1])],
  },
  {
    // bid, b.i.d., TID, qid, qd, qod; bd/tds/qds only in lower case or dotted ("BD" is often a disease).
    pattern: /(?<![\p{L}\p{N}])(b\.?i\.?d|t\.?i\.?d|q\.?i\.?d|q\.?o\.?d|q\.?d|b\.d|t\.d\.s|q\.d\.s|bd|tds|qds)\.?(?![\p{L}\p{N}])/giu,
    kind: 'frequency',
    hours: (m) => {
      const written = m[1] ?? '';
      const plain = written.replace(/\./g, '').toLowerCase();
      if (['bd', 'tds', 'qds'].includes(plain) && !written.includes('.') && written !== written.toLowerCase()) return [];
      const hours = ABBREVIATED_HOURS[plain];
      return hours === undefined ? [] : [hours];
    },
  },
  {
    pattern: /(?<![\p{L}])(daily|weekly|monthly|hourly|nightly|fortnightly)(?![\p{L}])/giu,
    kind: 'frequency',
    hours: (m) => [period(m[1])],
    bare: true,
  },
];

function ends(low: string | undefined, high: string | undefined): string[] {
  return high === undefined ? [low ?? '1'] : [low ?? '1', high];
}

interface Span {
  start: number;
  end: number;
}

const overlaps = (spans: readonly Span[], start: number, end: number): boolean =>
  spans.some((s) => s.start < end && start < s.end);

/** The checkable facts of `text` (normalised here; normalising twice is harmless). */
export function extractFacts(input: string): ClinicalFacts {
  const text = normalizeClinicalText(input);
  const taken: Span[] = [];
  const schedules = findSchedules(text, taken);
  const { numbers, measurements } = findQuantities(text, taken);
  const identifiers = findIdentifiers(text, taken);
  return { numbers, measurements, schedules, identifiers, allValues: findAllValues(text, measurements) };
}

function findSchedules(text: string, taken: Span[]): Schedule[] {
  const schedules: Schedule[] = [];
  for (const { pattern, kind, hours, bare } of SCHEDULE_PATTERNS) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const end = m.index + m[0].length;
      if (overlaps(taken, m.index, end)) continue;
      const values = hours(m).filter((h) => Number.isFinite(h) && h > 0);
      if (values.length === 0) continue;
      taken.push({ start: m.index, end });
      const raw = m[0].replace(/\.$/, '');
      for (const h of values) schedules.push({ hours: h, raw, kind, bare: bare === true });
    }
  }
  return schedules;
}

interface Quantity extends NumberFact {
  start: number;
  end: number;
  /** End of the unit (and any "daily") when there is one. */
  mentionEnd: number;
  unit?: Unit;
  kind?: QuantityKind;
  /** Index of the next quantity this one takes its unit from ("40-78%": 40 takes % from 78). */
  sharesWith?: number;
}

function findQuantities(text: string, taken: Span[]): { numbers: NumberFact[]; measurements: Measurement[] } {
  const found: Quantity[] = [];
  NUMBER.lastIndex = 0;
  for (let m = NUMBER.exec(text); m !== null; m = NUMBER.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (overlaps(taken, start, end)) continue;
    const word = m[4]?.toLowerCase();
    const parsed = word !== undefined ? spelledNumber(word) : writtenNumber(m[1], m[2], m[3]);
    const unit = readUnit(text, end, start);
    // "one" is a number only when it measures something ("one week"); otherwise it is a pronoun.
    if (word === 'one' && !unit) continue;
    const value = parsed.value * (unit?.multiplier ?? 1);
    found.push({ ...parsed, value, raw: m[0], start, end, mentionEnd: unit?.end ?? end, unit: unit?.unit, kind: unit?.kind });
  }
  // Right to left, so "250, 500 or 1000 mg" passes mg back along the whole list.
  for (let i = found.length - 2; i >= 0; i--) {
    const here = found[i];
    const next = found[i + 1];
    if (!here || !next || here.unit || !next.unit) continue;
    if (!CONNECTOR.test(text.slice(here.end, next.start))) continue;
    here.unit = next.unit;
    here.kind = next.kind;
    here.mentionEnd = next.mentionEnd;
    here.sharesWith = i + 1;
  }
  const numbers: NumberFact[] = [];
  const measurements: Measurement[] = [];
  for (let i = 0; i < found.length; i++) {
    const q = found[i];
    if (!q) continue;
    taken.push({ start: q.start, end: q.mentionEnd });
    if (!q.unit || !q.kind) {
      numbers.push({ value: q.value, decimals: q.decimals, significant: q.significant, raw: q.raw });
      continue;
    }
    // A range's ends share one mention: from the first number of the chain to the unit.
    let first = i;
    while (first > 0 && found[first - 1]?.sharesWith === first) first--;
    const raw = text.slice(found[first]?.start ?? q.start, q.mentionEnd).trim();
    measurements.push({ value: q.value, decimals: q.decimals, significant: q.significant, raw, unit: q.unit, kind: q.kind });
  }
  return { numbers, measurements };
}

function writtenNumber(whole: string | undefined, fraction: string | undefined, bare: string | undefined) {
  const integer = (whole ?? '0').replace(/,/g, '');
  const decimals = (fraction ?? (bare !== undefined ? `.${bare}` : '')).slice(1);
  const value = Number(`${integer}.${decimals || '0'}`);
  const significant = `${integer}${decimals}`.replace(/^0+/, '').length;
  return { value, decimals: decimals.length, significant };
}

function spelledNumber(word: string) {
  return { value: NUMBER_WORDS[word] ?? Number.NaN, decimals: 0, significant: 0 };
}

interface ReadUnit {
  unit: Unit;
  kind: QuantityKind;
  end: number;
  multiplier: number;
}

/** The unit written right after a number ending at `at`, with its denominators, if any. */
function readUnit(text: string, at: number, numberStart: number): ReadUnit | undefined {
  const head = UNIT_AFTER.exec(text.slice(at, at + 40));
  if (!head) return undefined;
  const base = UNITS.get(key(head[2] ?? ''));
  if (!base) return undefined;
  let end = at + head[0].length;
  const denominators: string[] = [];
  for (let more = DENOMINATOR_AFTER.exec(text.slice(end, end + 30)); more; more = DENOMINATOR_AFTER.exec(text.slice(end, end + 30))) {
    const denominator = DENOMINATORS.get(key(more[1] ?? ''));
    if (!denominator) break;
    denominators.push(denominator);
    end += more[0].length;
  }
  if (DOSE_DIMENSIONS.has(base.dimension) && !denominators.includes('d')) {
    const daily = DAILY_AFTER.exec(text.slice(end, end + 30));
    if (daily) {
      denominators.push('d');
      end += daily[0].length;
    }
  }
  const suffix = denominators.map((d) => `/${d}`).join('');
  const unit: Unit = { canonical: base.canonical + suffix, dimension: base.dimension + suffix, factor: base.factor };
  const multiplier = MULTIPLIERS[(head[1] ?? '').toLowerCase()] ?? 1;
  return { unit, kind: kindOf(base, denominators, text, numberStart, end), end, multiplier };
}

function kindOf(base: BaseUnit, denominators: readonly string[], text: string, start: number, end: number): QuantityKind {
  if (base.dimension === 'percent') return 'percentage';
  if (base.dimension === 'time' || base.dimension === 'calendar') {
    if (denominators.length > 0) return 'value';
    const before = text.slice(Math.max(0, start - 24), start);
    return AGE_BEFORE.test(before) || AGE_AFTER.test(text.slice(end, end + 12)) ? 'age' : 'duration';
  }
  if (!DOSE_DIMENSIONS.has(base.dimension)) return 'value';
  if (denominators.some((d) => VOLUME_DENOMINATORS.has(d))) return 'concentration';
  // Body weight ("70 kg") and flow ("CrCl 30 mL/min") are not doses.
  if (base.canonical === 'kg' && denominators.length === 0) return 'value';
  if (base.dimension === 'volume' && denominators.includes('min')) return 'value';
  return 'dose';
}

/** Digits glued to letters: "CD4", "HbA1c", "IL-6", "COVID-19". */
const CHUNK = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu;

function findIdentifiers(text: string, taken: readonly Span[]): Identifier[] {
  const identifiers: Identifier[] = [];
  for (const match of text.matchAll(CHUNK)) {
    let offset = match.index;
    const segments = match[0].split('-').map((part) => {
      const segment = { text: part, start: offset, end: offset + part.length };
      offset += part.length + 1;
      return segment;
    });
    segments.forEach((segment, i) => {
      if (overlaps(taken, segment.start, segment.end)) return;
      if (/\p{L}\p{N}/u.test(segment.text)) {
        identifiers.push({ key: foldText(segment.text), raw: segment.text });
        return;
      }
      const before = segments[i - 1];
      if (before && /^\p{N}+$/u.test(segment.text) && /^\p{L}+$/u.test(before.text) && !overlaps(taken, before.start, before.end)) {
        identifiers.push({ key: foldText(before.text + segment.text), raw: `${before.text}-${segment.text}` });
      }
    });
  }
  return identifiers;
}

function findAllValues(text: string, measurements: readonly Measurement[]): number[] {
  const values = [...text.matchAll(ANY_NUMBER)].map((m) => Number(m[0].replace(/,/g, '')));
  for (const m of text.matchAll(ANY_NUMBER_WORD)) values.push(NUMBER_WORDS[m[0].toLowerCase()] ?? Number.NaN);
  // "2.4 million units" also holds 2,400,000.
  for (const m of measurements) values.push(m.value);
  return values.filter((v) => Number.isFinite(v));
}

/** Single words that only ever spell a unit, a schedule or a number (see `isContentToken`). */
const MEASURE_WORDS: ReadonlySet<string> = new Set(
  [
    ...UNIT_TABLE.flatMap(([spellings]) => spellings),
    ...Object.keys(PERIOD_HOURS),
    ...Object.keys(TIMES),
    ...Object.keys(ABBREVIATED_HOURS),
    ...Object.keys(NUMBER_WORDS),
    'times', 'every', 'per', 'cent', 'thousand', 'million', 'billion', 'x',
  ].filter((w) => /^[\p{L}]+$/u.test(w) && !['cells', 'second', 'seconds'].includes(w)),
);

// ---------------------------------------------------------------------------------------------
// Comparing facts

/** Equal as numbers, allowing for binary floating point after unit conversion. */
export function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * Whether a passage value backs a statement's number: equal, or the statement rounds it
 * ("78%" for 78.3%). Rounding is accepted only when the statement keeps two significant digits,
 * so "0.8" is not read as a rounding of 0.75, nor "2" of 2.4.
 */
export function backsNumber(statement: NumberFact, passageValue: number, allowRounding: boolean): boolean {
  if (sameNumber(statement.value, passageValue)) return true;
  if (!allowRounding || statement.significant < 2) return false;
  const scale = 10 ** statement.decimals;
  return sameNumber(Math.round(passageValue * scale) / scale, statement.value);
}

/**
 * Whether a passage measurement backs a statement's: the same quantity in the same dimension,
 * after conversion ("1 g" = "1000 mg", "2 weeks" = "14 days"). A passage dose "per day" also
 * backs the statement's dose without "per day" ("500 mg" is in "500 mg/day"), never the reverse.
 */
export function backsMeasurement(statement: Measurement, passage: Measurement): boolean {
  const sameDimension =
    passage.unit.dimension === statement.unit.dimension ||
    (passage.unit.dimension.endsWith('/d') && passage.unit.dimension.slice(0, -2) === statement.unit.dimension);
  if (!sameDimension) return false;
  if (sameNumber(statement.value * statement.unit.factor, passage.value * passage.unit.factor)) return true;
  return statement.kind === 'percentage' && backsNumber(statement, passage.value, true);
}

/** Equal intervals: q12h, "every 12 hours" and "twice daily" back each other. */
export function backsSchedule(statement: Schedule, passage: Schedule): boolean {
  return sameNumber(statement.hours, passage.hours);
}

// ---------------------------------------------------------------------------------------------
// Drug names

/**
 * Endings of international nonproprietary names (the WHO "stems"), each naming a drug class:
 * -mab antibodies, -nib kinase inhibitors, -pril ACE inhibitors, -xaban factor Xa inhibitors…
 * A word counts only when at least two letters precede the ending, so the class words themselves
 * ("statin", "azole") and English words such as "April" are not drugs.
 */
export const DRUG_SUFFIXES: readonly string[] = [
  'mab', 'nib', 'cillin', 'mycin', 'micin', 'kacin', 'floxacin', 'oxacin', 'cycline', 'azole', 'penem', 'bactam',
  'zolid', 'pril', 'sartan', 'olol', 'alol', 'statin', 'parin', 'xaban', 'gatran', 'dipine', 'tidine', 'prazole',
  'semide', 'thiazide', 'vir', 'gliflozin', 'gliptin', 'glutide', 'formin', 'lukast', 'triptan', 'setron', 'oxetine',
  'pramine', 'triptyline', 'azepam', 'azolam', 'profen', 'fenac', 'coxib', 'platin', 'rubicin', 'taxel', 'tropium',
  'terol', 'barbital', 'trexate', 'dronate', 'plase', 'caine', 'olone', 'sone', 'afil', 'apine', 'peridol', 'vudine',
  'quine', 'fibrate', 'mustine', 'glinide', 'tadine',
];
/** Cephalosporins share a beginning, not an ending: cefazolin, ceftriaxone, cefepime. */
const DRUG_PREFIXES: readonly string[] = ['cef'];
const NOT_DRUGS: ReadonlySet<string> = new Set([
  'april', 'person', 'reason', 'season', 'lesson', 'quarantine', 'histidine', 'cytidine', 'equine', 'caffeine',
]);
/** Endings that look like a drug stem but name something else: cholesterol and other sterols are not -terol agonists. */
const NOT_DRUG_ENDINGS: readonly string[] = ['sterol'];

/** Whether a folded word looks like a drug's generic name by its INN ending. */
export function looksLikeDrug(word: string): boolean {
  if (!/^[a-z]+$/.test(word) || NOT_DRUGS.has(word) || NOT_DRUG_ENDINGS.some((e) => word.endsWith(e))) return false;
  if (DRUG_PREFIXES.some((p) => word.startsWith(p) && word.length >= p.length + 4)) return true;
  return DRUG_SUFFIXES.some((s) => word.endsWith(s) && word.length >= s.length + 2);
}

export interface DrugMention {
  raw: string;
  /** Folded words of the name: one for most, several for "co-trimoxazole" or a listed combination. */
  words: string[];
}

/**
 * Drug names in `tokens`: listed names (lower case; several words allowed, matched side by side)
 * and words that look like generic names. A word inside a listed multi-word name is not reported
 * again on its own.
 */
export function findDrugMentions(tokens: readonly Token[], drugNames: ReadonlySet<string> = new Set()): DrugMention[] {
  const mentions: DrugMention[] = [];
  const covered = new Set<number>();
  for (const words of multiWordNames(drugNames)) {
    for (let i = 0; i + words.length <= tokens.length; i++) {
      if (!words.every((w, j) => tokens[i + j]?.folded === w)) continue;
      mentions.push({ raw: sliceRaw(tokens, i, i + words.length), words });
      for (let j = 0; j < words.length; j++) covered.add(i + j);
    }
  }
  tokens.forEach((token, i) => {
    if (covered.has(i)) return;
    if (drugNames.has(token.folded) || looksLikeDrug(token.folded)) mentions.push({ raw: token.raw, words: [token.folded] });
  });
  const seen = new Set<string>();
  return mentions.filter((m) => {
    const k = m.words.join(' ');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Listed names of several words, tokenised once per list (lists may hold thousands of names). */
const MULTI_WORD_NAMES = new WeakMap<ReadonlySet<string>, { size: number; names: string[][] }>();

function multiWordNames(drugNames: ReadonlySet<string>): string[][] {
  const cached = MULTI_WORD_NAMES.get(drugNames);
  if (cached && cached.size === drugNames.size) return cached.names;
  const names = [...drugNames].map((name) => tokenize(name).map((t) => t.folded)).filter((words) => words.length > 1);
  MULTI_WORD_NAMES.set(drugNames, { size: drugNames.size, names });
  return names;
}

function sliceRaw(tokens: readonly Token[], from: number, to: number): string {
  return tokens
    .slice(from, to)
    .map((t) => t.raw)
    .join(' ');
}

// ---------------------------------------------------------------------------------------------
// Negation

/**
 * Words that turn a claim around. Besides plain negators the list holds words that deny by
 * themselves ("contraindicated", "avoid", "unchanged", "ineffective", and "similar"/"comparable",
 * which deny a difference), so "X is contraindicated" and "X should not be used" read alike, and
 * "without"/"non-" so "with antibiotics" and "without antibiotics" differ.
 */
const NEGATORS: ReadonlySet<string> = new Set([
  'no', 'not', 'never', 'none', 'neither', 'nothing', 'nobody', 'cannot', 'without', 'absent', 'absence',
  'contraindicated', 'contraindication', 'contraindications', 'avoid', 'avoided', 'avoiding', 'avoidance', 'avoids',
  'unchanged', 'ineffective', 'unnecessary', 'unaffected', 'unable', 'unsuccessful', 'insufficient', 'inappropriate',
  'unsafe', 'nonsignificant', 'insignificant', 'lack', 'lacks', 'lacked', 'lacking', 'similar', 'comparable',
]);
/** Negators that carry the whole denial themselves; the others deny the words after them. */
const SELF_CONTAINED: ReadonlySet<string> = new Set([
  'none', 'nothing', 'nobody', 'absent', 'contraindicated', 'contraindication', 'contraindications', 'avoid', 'avoided',
  'avoiding', 'avoidance', 'avoids', 'unchanged', 'ineffective', 'unnecessary', 'unaffected', 'unable',
  'unsuccessful', 'insufficient', 'inappropriate', 'unsafe', 'nonsignificant', 'insignificant', 'lack', 'lacks',
  'lacked', 'lacking', 'absence', 'similar', 'comparable',
]);
const FAILURE = new Set(['fail', 'fails', 'failed', 'failing']);
const LACK = new Set(['lack', 'lacks', 'lacked', 'lacking', 'absence']);
/** How far after "without" or "lack of" to look for the thing said to be missing. */
const TARGET_WINDOW = 3;

/**
 * How a cue denies: `predicate` cues ("not", "no", "never", "failed to") deny the words after
 * them; `self` cues ("contraindicated", "avoid", "unnecessary") are the denial, and concern the
 * words around them; `scoped` cues ("without drainage", "non-diabetic", "lack of response") deny
 * only the one thing after them, named by `target`.
 */
export type CueKind = 'predicate' | 'self' | 'scoped';

export interface NegationCue {
  /** Token index of the cue. */
  index: number;
  kind: CueKind;
  /** For `scoped` cues: the stem of the thing said to be missing, when one follows. */
  target?: string;
}

/** Negation cues of one clause, in order. */
export function negationCues(tokens: readonly Token[]): NegationCue[] {
  const cues: NegationCue[] = [];
  tokens.forEach((token, i) => {
    const word = token.folded;
    const next = tokens[i + 1]?.folded;
    const previous = tokens[i - 1]?.folded;
    if (word === 'not' && (next === 'only' || previous === 'or')) return; // "not only", "whether or not"
    if (word === 'non') {
      const target = tokens[i + 1]?.stem;
      if (target !== undefined) cues.push({ index: i, kind: 'scoped', target });
      return;
    }
    if (word === 'without' || (LACK.has(word) && next === 'of')) {
      const target = tokens.slice(i + 1, i + 2 + TARGET_WINDOW).find((t) => isContentToken(t) && !isCueWord(t));
      cues.push(target ? { index: i, kind: 'scoped', target: target.stem } : { index: i, kind: 'scoped' });
      return;
    }
    if (SELF_CONTAINED.has(word)) cues.push({ index: i, kind: 'self' });
    else if (NEGATORS.has(word) || (FAILURE.has(word) && next === 'to')) cues.push({ index: i, kind: 'predicate' });
  });
  return cues;
}

/** Whether a token is a negation cue word (kept out of the terms two clauses are matched on). */
export function isCueWord(token: Token): boolean {
  return NEGATORS.has(token.folded) || FAILURE.has(token.folded) || token.folded === 'non';
}
