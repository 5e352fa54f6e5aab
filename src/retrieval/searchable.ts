import { CitemedError } from '../domain/errors.js';
import { analyzeQuery } from './query.js';

/**
 * Refuses text that leaves nothing to search once question words and common words are dropped
 * ("what is the"), with a message that says what to add. The CLI and the HTTP API both ask it,
 * so a question is refused the same way wherever it is typed.
 */
export function requireSearchable(text: string, purpose: 'search' | 'answer'): void {
  if (analyzeQuery(text).length > 0) return;
  // Blank, or only punctuation and symbols ("(((", "💊"): no words at all, common or not.
  const why = /[\p{L}\p{N}]/u.test(text) ? 'only common words' : text.trim() === '' ? 'it is empty' : 'no words, only punctuation or symbols';
  const shown = text.trim() === '' ? '' : ` in "${text}"`;
  if (purpose === 'search') {
    throw new CitemedError('usage', `nothing to search for${shown} (${why})`, {
      hint: 'add the condition, drug or test you are asking about',
    });
  }
  throw new CitemedError('usage', `nothing to answer${shown} (${why})`, { hint: 'ask about a condition, drug, test or procedure' });
}
