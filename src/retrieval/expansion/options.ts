import { CitemedError } from '../../domain/errors.js';

/**
 * Weights are relative to the user's own terms (weight 1), so each lies strictly between 0 and 1:
 * an expansion can help a passage that lacks the typed words but never outrank one that has them.
 */
export interface ExpansionWeights {
  /** An abbreviation's meaning ("MI" → "myocardial infarction"). Split when meanings are tied. */
  abbreviation: number;
  /** A full form's abbreviation ("myocardial infarction" → "MI"): short forms are more ambiguous in text. */
  abbreviationReverse: number;
  /** A MeSH heading's entry terms, or its preferred name when an entry term was typed. */
  mesh: number;
  /** A MeSH heading's children in the tree: more specific, so only partly what was asked. */
  meshNarrower: number;
  /** A MeSH heading's parent: broader still; off unless `meshBroader` is set. */
  meshBroader: number;
  /** Generic ↔ brand drug names. */
  drug: number;
}

export interface ExpansionOptions {
  abbreviations: boolean;
  /** Also add an unambiguous abbreviation for a full form the query spells out. */
  reverseAbbreviations: boolean;
  mesh: boolean;
  meshNarrower: boolean;
  meshBroader: boolean;
  drugs: boolean;
  weights: ExpansionWeights;
  /** Expansions kept per query, the heaviest first. */
  maxExpansions: number;
  /** An abbreviation context cannot settle expands to at most this many meanings (weight split). */
  maxAbbreviationMeanings: number;
  /** Narrower MeSH headings kept per matched heading, in tree order. */
  maxNarrowerPerTerm: number;
  /** A heading with more children than this is too broad to expand downwards ("Pain", "Neoplasms"). */
  broadHeadingChildren: number;
  /** Brand names kept per generic; single-ingredient brands come before combination products. */
  maxBrandsPerDrug: number;
}

/** Options as a caller may give them: any field left out takes its default. */
export type ExpansionSettings = Partial<Omit<ExpansionOptions, 'weights'>> & { weights?: Partial<ExpansionWeights> };

export const DEFAULT_EXPANSION_OPTIONS: Readonly<ExpansionOptions> = Object.freeze({
  abbreviations: true,
  reverseAbbreviations: true,
  mesh: true,
  meshNarrower: true,
  meshBroader: false,
  drugs: true,
  weights: Object.freeze({
    abbreviation: 0.8,
    abbreviationReverse: 0.5,
    mesh: 0.7,
    meshNarrower: 0.4,
    meshBroader: 0.25,
    drug: 0.7,
  }),
  maxExpansions: 20,
  maxAbbreviationMeanings: 3,
  maxNarrowerPerTerm: 5,
  broadHeadingChildren: 15,
  maxBrandsPerDrug: 4,
});

const COUNTS = ['maxExpansions', 'maxAbbreviationMeanings', 'maxNarrowerPerTerm', 'broadHeadingChildren', 'maxBrandsPerDrug'] as const;

/** Fills defaults and checks ranges; a bad value is a configuration error naming the field. */
export function resolveExpansionOptions(settings: ExpansionSettings = {}): ExpansionOptions {
  const weights: ExpansionWeights = { ...DEFAULT_EXPANSION_OPTIONS.weights, ...settings.weights };
  const options: ExpansionOptions = { ...DEFAULT_EXPANSION_OPTIONS, ...settings, weights };
  for (const [name, value] of Object.entries(weights)) {
    if (!(Number.isFinite(value) && value > 0 && value < 1)) {
      throw new CitemedError('bad-config', `expansion weight ${name} is ${String(value)}; it must be above 0 and below 1`, {
        hint: 'weights are relative to the typed terms (1); turn a kind of expansion off with its switch instead of weight 0',
      });
    }
  }
  for (const name of COUNTS) {
    const value = options[name];
    if (!(Number.isInteger(value) && value >= 0)) {
      throw new CitemedError('bad-config', `expansion setting ${name} is ${String(value)}; it must be a whole number, 0 or more`);
    }
  }
  return options;
}
