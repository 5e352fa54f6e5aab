import { CitemedError } from '../domain/errors.js';
import { analyzeQuery } from './query.js';

/**
 * Refuses text that leaves nothing to search once question words and common words are dropped
 * ("what is the"), with a message that says what to add. The CLI and the HTTP API both ask it,
 * so a question is refused the same way wherever it is typed.
 */
export function requireSearchable(text: string, purpose: 'search' | 'answer'): void {
  if (analyzeQuery(text).length > 0) return;
  if (purpose === 'search') {
    throw new CitemedError('usage', `nothing to search for in "${text}" (only common words)`, {
      hint: 'add the condition, drug or test you are asking about',
    });
  }
  throw new CitemedError('usage', `nothing to answer in "${text}" (only common words)`, { hint: 'ask about a condition, drug, test or procedure' });
}
