import { describe, expect, it } from 'vitest';
import { requireSearchable } from './searchable.js';

describe('requireSearchable', () => {
  const refusal = (text: string, purpose: 'search' | 'answer' = 'search') => {
    try {
      requireSearchable(text, purpose);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('lets through text with a word to search, and says why other text has none', () => {
    expect(refusal('gout flare')).toBeUndefined();
    expect(refusal('what is the')).toBe('nothing to search for in "what is the" (only common words)');
    expect(refusal('what is the', 'answer')).toBe('nothing to answer in "what is the" (only common words)');
    expect(refusal('(((')).toBe('nothing to search for in "(((" (no words, only punctuation or symbols)');
    expect(refusal('💊 ?')).toBe('nothing to search for in "💊 ?" (no words, only punctuation or symbols)');
    expect(refusal('   ')).toBe('nothing to search for (it is empty)');
    expect(refusal('', 'answer')).toBe('nothing to answer (it is empty)');
  });
});
