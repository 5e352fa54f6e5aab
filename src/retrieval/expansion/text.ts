import { foldText, stem } from '../tokens.js';

/**
 * Text helpers shared by the expansion look-ups. Words are cut the way the full-text index cuts
 * them (runs of letters and digits), so a phrase found here is a phrase the index can match.
 */
const WORD = /[\p{L}\p{N}]+/gu;
const ASCII_WORD = /[A-Za-z0-9]+/g;
const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;

/** Runs of letters and digits, case and diacritics kept: "H. pylori" → ["H", "pylori"]. */
export function words(text: string): string[] {
  // The ASCII pattern finds the same runs in ASCII text and is several times faster; building the
  // index cuts some 60,000 names.
  return text.match(PRINTABLE_ASCII.test(text) ? ASCII_WORD : WORD) ?? [];
}

/** Lower-cased, diacritics removed ("Cinazière" → "cinaziere"), exactly as the index folds. */
export const fold = foldText;

/** Porter stem of a folded word, exactly as the index and the re-ranker stem it. */
export const stemWord = stem;

/** Folded words joined by one space: the key for exact (unstemmed) comparison. */
export function foldedKey(text: string): string {
  return words(fold(text)).join(' ');
}

/** Stemmed words joined by one space: "Myocardial Infarctions" → "myocardi infarct". */
export function stemKey(text: string): string {
  return words(fold(text)).map(stemWord).join(' ');
}

/** True when the text has letters and none of them is lower-case ("MI", "5-FU", "T2"). */
export function isUpperCase(text: string): boolean {
  return text !== text.toLowerCase() && text === text.toUpperCase();
}

/**
 * Everyday English words. A word here never expands as an abbreviation unless written in
 * capitals ("am", "it", "us"), never counts as context, and never matches a MeSH heading or a
 * drug name on its own ("time", "men").
 */
export const COMMON_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against ago all also am an and ant any are as at be because been before
  being below between both but by can could did do does doing down during each even few for from further
  get got go had has have having he her here hers him his how i if in into is it its itself just may me
  might more most must my no nor not now of off on once one only or other our ours out over own per
  same sat she should so some such than that the their theirs them then there these they this those
  through to too two under until up us use used using very via vs was we well were what when where which
  while who whom why will with would yes yet you your yours
  please tell explain describe know like make need want take give find show help
  new old good bad best better high low long short big small many much lot
  day days year years time times week weeks way ways man men woman women people person
  work role part kind sort thing things case cases type types form forms side sign signs
  mane mid pro con art act add age air arm cap car cat cup gas hat map mat pad pet pop son ten odd`.split(/\s+/),
);
