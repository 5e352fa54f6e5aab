/**
 * The first, simple query analysis: words of letters and digits, lower-cased, English stop
 * words and question words removed. Terms are handed to the store quoted, so no user input can
 * reach the index's query syntax. (Medical tokenisation and expansion build on this.)
 */
const STOP_WORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between
  both but by can could did do does doing down during each few for from further had has have having he her
  here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only
  or other our ours out over own same she should so some such than that the their theirs them then there these
  they this those through to too under until up very was we were what when where which while who whom why will
  with would you your yours please tell explain describe`.split(/\s+/),
);

export function analyzeQuery(text: string): string[] {
  const terms: string[] = [];
  const seen = new Set<string>();
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const term = match[0];
    if (STOP_WORDS.has(term) || seen.has(term)) continue;
    seen.add(term);
    terms.push(term);
  }
  return terms;
}
