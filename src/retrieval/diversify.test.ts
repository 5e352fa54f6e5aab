import { describe, expect, it } from 'vitest';
import { diversify } from './diversify.js';
import type { RankedHit } from './rank.js';

function hit(sourceId: string, text: string, score: number): RankedHit {
  return {
    passage: { id: `${sourceId}-${score}`, sourceId, ordinal: 0, section: '', start: 0, end: text.length, text },
    source: { id: sourceId, title: sourceId, format: 'medline', evidenceLevel: 'unclassified', integrity: 'ok' },
    score,
    fields: { title: sourceId, section: '', terms: '' },
    explanation: { firstStage: score, clauses: [], source: 0, proximity: [], coverage: 1, priors: { evidence: 1, recency: 1, integrity: 1 } },
  };
}

describe('diversify', () => {
  const hits = [
    hit('a', 'colchicine reduced gout flares in adults', 10),
    hit('a', 'colchicine reduced gout flares in older adults', 9.9),
    hit('b', 'colchicine reduced gout flares in adults', 9.8),
    hit('c', 'allopurinol lowers urate over two years', 9),
  ];

  it('caps passages per source and keeps score order when λ is 1', () => {
    expect(diversify(hits, 10, { maxPerSource: 1, mmrLambda: 1 }).map((h) => h.source.id)).toEqual(['a', 'b', 'c']);
    expect(diversify(hits, 2, { maxPerSource: 2, mmrLambda: 1 }).map((h) => h.score)).toEqual([10, 9.9]);
  });

  it('with MMR, prefers a different passage over a near-copy of the first', () => {
    const picked = diversify(hits, 2, { maxPerSource: 2, mmrLambda: 0.5 });
    expect(picked.map((h) => h.source.id)).toEqual(['a', 'c']);
  });

  it('counts the abstract and the full text of one article as one source', () => {
    const abstract = hit('pmid:1', 'colchicine reduced gout flares in adults', 10);
    const fullText = { ...hit('pmc:PMC9', 'colchicine reduced flares over twelve weeks of treatment', 9.5) };
    fullText.source = { ...fullText.source, work: 'pmid:1' };
    const other = hit('pmid:2', 'allopurinol lowers urate over two years', 9);
    expect(diversify([abstract, fullText, other], 10, { maxPerSource: 1, mmrLambda: 1 }).map((h) => h.source.id)).toEqual(['pmid:1', 'pmid:2']);
    // Without the shared work they are two sources.
    const unlinked = { ...fullText, source: { ...fullText.source, work: undefined } };
    expect(diversify([abstract, unlinked, other], 10, { maxPerSource: 1, mmrLambda: 1 })).toHaveLength(3);
  });

  it('returns every hit at most once and never more than asked', () => {
    for (const lambda of [0, 0.3, 0.7, 1]) {
      const picked = diversify(hits, 3, { maxPerSource: 5, mmrLambda: lambda });
      expect(picked).toHaveLength(3);
      expect(new Set(picked).size).toBe(3);
    }
    expect(diversify([], 5, { maxPerSource: 1, mmrLambda: 0.5 })).toEqual([]);
  });
});
