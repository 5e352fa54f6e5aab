/** A query word in order: as typed (case carries meaning for abbreviations) and lower-cased. */
export interface QueryWord {
  text: string;
  lower: string;
}

export type ExpansionOrigin = 'abbreviation' | 'mesh' | 'drug';

/** A word or phrase to search besides the user's own terms, and why. */
export interface Expansion {
  /** What to search: a word or a phrase. */
  text: string;
  /** Relative to the user's terms (1); always above 0 and below 1. */
  weight: number;
  origin: ExpansionOrigin;
  /** The query words that triggered it, as typed ("MI", "myocardial infarction"). */
  source: string;
  /** For people: "MI → myocardial infarction (abbreviation; chosen over … by context: 'chest')". */
  reason: string;
}

/** Expansions plus what was considered and left out, e.g. an abbreviation with too many meanings. */
export interface ExpansionReport {
  expansions: Expansion[];
  notes: string[];
}

/** An expansion while being gathered: `position` is the first query word it came from, for order. */
export interface Candidate extends Expansion {
  position: number;
}
