import { describe, expect, it } from 'vitest';
import { presentHits } from './hits.js';

describe('search results as text', () => {
  it('shows a query back without its control characters, and cut short when very long', () => {
    expect(presentHits('\u001b[31mred', [], 80)).toBe('No passages match "?[31mred". Try other words, or ingest more literature.');
    const long = presentHits('word '.repeat(20_000), [], 80);
    expect(long.length).toBeLessThan(400);
    expect(long).toMatch(/…"/);
  });

  it('does not wrap a query that holds its own quotes in more', () => {
    expect(presentHits('"unbalanced"', [], 80)).toBe('No passages match "unbalanced". Try other words, or ingest more literature.');
    expect(presentHits('"heart failure" zzqx', [], 80)).toBe('No passages match "heart failure" zzqx. Try other words, or ingest more literature.');
  });
});
