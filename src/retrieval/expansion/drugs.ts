import type { ExpansionIndex } from './build-index.js';
import type { ExpansionOptions } from './options.js';
import { isLoneCommonWord, longestMatches, spanText, type AnalysedQuery } from './query-words.js';
import type { Candidate } from './types.js';

type DrugMatch = { kind: 'generic' | 'brand'; key: string };

/**
 * Whole drug names in the query: a generic → its brand names, a brand → its generic(s). Drug names
 * are compared folded but not stemmed ("lipitor", never "lipit"). A brand shared by several
 * generics is a combination product; for a generic, brands of its own come first.
 */
export function expandDrugs(query: AnalysedQuery, index: ExpansionIndex, options: ExpansionOptions): Candidate[] {
  const { pieces } = query;
  const out: Candidate[] = [];
  const matches = longestMatches<DrugMatch>(pieces, index.longest.drug, 'folded', (key, from, to) => {
    if (isLoneCommonWord(pieces, from, to)) return undefined;
    if (index.generics.has(key)) return { kind: 'generic', key };
    if (index.brands.has(key)) return { kind: 'brand', key };
    return undefined;
  });

  for (const { from, to, value } of matches) {
    const source = spanText(pieces, from, to);
    const position = pieces[from]?.token ?? 0;
    const add = (text: string, reason: string) =>
      out.push({ text, weight: options.weights.drug, origin: 'drug', source, reason: `${source} → ${text} (${reason})`, position });

    if (value.kind === 'generic') {
      const drug = index.generics.get(value.key);
      if (drug === undefined) continue;
      for (const { brand, generics } of drug.brands.slice(0, options.maxBrandsPerDrug)) {
        add(brand, generics.length > 1 ? `brand of a combination: ${generics.join(' + ')}` : `brand name of ${drug.generic}`);
      }
    } else {
      const entry = index.brands.get(value.key);
      if (entry === undefined) continue;
      const combination = entry.generics.length > 1;
      for (const generic of entry.generics) {
        add(generic, combination ? `generic; ${entry.brand} combines ${entry.generics.join(' + ')}` : `generic name of ${entry.brand}`);
      }
    }
  }
  return out;
}
