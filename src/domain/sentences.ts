/**
 * Sentence boundaries for chunking and, later, for citing the exact sentence.
 *
 * A linear scan, not Intl.Segmenter: V8's sentence segmenter slows down super-linearly on long
 * paragraphs (seconds for 100 KB), and a 1 MB abstract must chunk in milliseconds.
 *
 * A sentence ends at . ! ? or … (plus closing quotes or brackets) followed by white space and a
 * character that can start a sentence (not a lower-case letter), or at a CJK full stop.
 * It does not end after a known abbreviation ("et al.", "e.g.", "Fig. 2"). A single capital
 * before a point does end a sentence: "vitamin D. Supplementation…" and "hepatitis B. Treatment…"
 * are far more common in medical text than initials ("J. Smith"), which rarely occur in abstracts. Decimals ("1.5 mg") never match because no space follows the point.
 */
export interface Span {
  start: number;
  end: number;
}

// Lower-cased, without the final period. A break after "word." is not taken when word is here.
const ABBREVIATIONS = new Set([
  'al', 'e.g', 'i.e', 'eg', 'ie', 'cf', 'vs', 'approx', 'ca', 'dr', 'drs', 'mr', 'mrs', 'ms', 'prof',
  'st', 'inc', 'ltd', 'co', 'jr', 'sr', 'dept', 'univ', 'resp', 'incl', 'viz', 'sp', 'spp', 'var',
  'subsp', 'ed', 'eds',
]);

// Abbreviations only when a number follows ("Fig. 2", "No. 5", "p. 12"); "... said no. Then" ends.
const NUMBER_ABBREVIATIONS = new Set(['fig', 'figs', 'ref', 'refs', 'no', 'nos', 'vol', 'p', 'pp', 'eq', 'ch']);

// Group 1: terminal punctuation; 2: closers; 3: the white space after; 4 (lookahead): next char.
// Group 5: CJK sentence enders, which need no space after them.
const BOUNDARY = /([.!?…]+)(['"’”)\]»]*)(\s+)(?=(\S))|([。！？]+)/gu;
const WORD_BEFORE_POINT = /(?:^|[\s(\[{"'“‘])([\p{L}.]+)$/u;
const LOOKBACK_CHARS = 24;

/** Sentence spans of `text[from, to)`, trimmed of surrounding white space, in order, never empty. */
export function splitSentences(text: string, from = 0, to = text.length): Span[] {
  const slice = text.slice(from, to);
  const spans: Span[] = [];
  let start = 0;
  BOUNDARY.lastIndex = 0;
  for (let match = BOUNDARY.exec(slice); match !== null; match = BOUNDARY.exec(slice)) {
    let end: number;
    let next: number;
    if (match[5] !== undefined) {
      end = match.index + match[5].length;
      next = end;
    } else {
      const punctuation = match[1] ?? '';
      const nextChar = match[4] ?? '';
      if (/^\p{Ll}/u.test(nextChar)) continue;
      if (punctuation === '.' && (match[2] ?? '') === '' && isAbbreviation(slice, match.index, nextChar)) continue;
      end = match.index + punctuation.length + (match[2] ?? '').length;
      next = end + (match[3] ?? '').length;
    }
    pushTrimmed(slice, start, end, spans);
    start = next;
  }
  pushTrimmed(slice, start, slice.length, spans);
  return spans.map((s) => ({ start: s.start + from, end: s.end + from }));
}

function isAbbreviation(text: string, pointIndex: number, nextChar: string): boolean {
  const before = text.slice(Math.max(0, pointIndex - LOOKBACK_CHARS), pointIndex);
  const word = WORD_BEFORE_POINT.exec(before)?.[1];
  if (word === undefined) return false;
  // Upper-case "MS.", "CA.", "CO." ending a sentence are acronyms (multiple sclerosis, cancer
  // antigen, carbon monoxide), not the abbreviations "Ms.", "ca.", "Co." they spell in lower case.
  if (isAcronym(word)) return false;
  const lower = word.toLowerCase();
  return ABBREVIATIONS.has(lower) || (NUMBER_ABBREVIATIONS.has(lower) && /\d/.test(nextChar));
}

function isAcronym(word: string): boolean {
  const letters = word.replaceAll('.', '');
  return letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase();
}

function pushTrimmed(text: string, start: number, end: number, spans: Span[]): void {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text.charAt(s))) s++;
  while (e > s && /\s/.test(text.charAt(e - 1))) e--;
  if (s < e) spans.push({ start: s, end: e });
}
