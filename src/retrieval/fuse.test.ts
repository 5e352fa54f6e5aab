import { describe, expect, it } from 'vitest';
import { fuseRankings } from './fuse.js';
import type { RankedHit } from './rank.js';

const hit = (id: string, score: number, priors = { evidence: 1, recency: 1, integrity: 1 }): RankedHit => ({
  passage: { id, sourceId: `s-${id}`, ordinal: 0, section: '', start: 0, end: 1, text: id },
  source: { id: `s-${id}`, title: id, format: 'markdown', evidenceLevel: 'in-house', integrity: 'ok' },
  score,
  fields: { title: id, section: '', terms: '' },
  explanation: { firstStage: score, clauses: [], source: 0, proximity: [], coverage: 1, priors },
});

const options = { rrfK: 60, lexicalWeight: 1, vectorWeight: 1 };

describe('fuseRankings (reciprocal-rank fusion)', () => {
  it('scores each passage Σ weight / (k + rank) over the rankings that hold it', () => {
    const fused = fuseRankings([hit('a', 9), hit('b', 5), hit('c', 0)], [{ passageId: 'c', similarity: 0.9 }, { passageId: 'b', similarity: 0.7 }], options);
    const by = Object.fromEntries(fused.map((h) => [h.passage.id, h]));
    expect(by.a!.score).toBeCloseTo(1 / 61, 12);
    expect(by.b!.score).toBeCloseTo(1 / 62 + 1 / 62, 12);
    expect(by.c!.score).toBeCloseTo(1 / 61, 12);
    // b is second in both lists and beats a and c, each first in only one.
    expect(fused[0]!.passage.id).toBe('b');
    expect(by.b!.explanation.fusion).toEqual({ lexicalRank: 2, vectorRank: 2, similarity: 0.7, lexicalScore: 5, rrf: 2 / 62 });
    // c matched no question word: it has no lexical rank.
    expect(by.c!.explanation.fusion).toEqual({ vectorRank: 1, similarity: 0.9, lexicalScore: 0, rrf: 1 / 61 });
  });

  it('drops passages that neither ranking holds, and weights each ranking', () => {
    const fused = fuseRankings([hit('a', 3), hit('z', 0)], [{ passageId: 'b', similarity: 0.5 }], { rrfK: 10, lexicalWeight: 2, vectorWeight: 0.5 });
    // b is not among the lexical candidates: fusion only orders what the retriever re-ranked.
    expect(fused.map((h) => h.passage.id)).toEqual(['a']);
    expect(fused[0]!.score).toBeCloseTo(2 / 11, 12);
  });

  it('keeps a retracted source down whichever ranking found it', () => {
    const retracted = { evidence: 1, recency: 1, integrity: 0.2 };
    const fused = fuseRankings([hit('r', 10, retracted), hit('ok', 8)], [{ passageId: 'r', similarity: 0.99 }, { passageId: 'ok', similarity: 0.98 }], options);
    expect(fused.map((h) => h.passage.id)).toEqual(['ok', 'r']);
    expect(fused[1]!.score).toBeCloseTo((2 / 61) * 0.2, 12);
  });

  it('orders ties in the lexical list by score, not by list position', () => {
    const fused = fuseRankings([hit('low', 1), hit('high', 4)], [], options);
    expect(fused.map((h) => [h.passage.id, h.explanation.fusion?.lexicalRank])).toEqual([['high', 1], ['low', 2]]);
  });
});
