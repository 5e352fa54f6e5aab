import type { ExpansionIndex } from './expansion/build-index.js';
import { explainExpansion } from './expansion/expand.js';
import type { ExpansionSettings } from './expansion/options.js';
import { expansionClause, type QueryClause } from './plan.js';
import type { QueryTerm } from './query.js';
import { wordTokens } from './tokens.js';

/**
 * The expansion vocabularies' suggestions as query clauses: each weighted below the user's
 * terms and carrying its reason. Notes say what was considered and left out.
 */
export function expansionClauses(
  terms: readonly QueryTerm[],
  index: ExpansionIndex,
  settings: ExpansionSettings,
): { clauses: QueryClause[]; notes: string[] } {
  const words = terms.flatMap((term) => term.words.map((text) => ({ text, lower: text.toLowerCase() })));
  const { expansions, notes } = explainExpansion(words, index, settings);
  const clauses = expansions.flatMap((e) => {
    const clause = expansionClause(wordTokens(e.text), e.text, e.weight, e.origin, e.reason);
    return clause ? [clause] : [];
  });
  return { clauses, notes };
}
