import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diversify } from './diversify.js';
import type { RankedHit } from './rank.js';
import { wordTokens } from './tokens.js';

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

  it("reads the passages' words from wordsOf when the re-ranker has cut them, and picks the same as from their texts", () => {
    const options = { maxPerSource: 2, mmrLambda: 0.5 };
    const cut = new Map(hits.map((h) => [h.passage.id, wordTokens(h.passage.text)]));
    const asked: string[] = [];
    const wordsOf = (h: RankedHit) => {
      asked.push(h.passage.id);
      return cut.get(h.passage.id);
    };
    expect(diversify(hits, 2, options, wordsOf)).toEqual(diversify(hits, 2, options));
    expect(asked.length).toBeGreaterThan(0);
    // The words given are the ones compared: b's text copies a's, and MMR passes it over for c;
    // told that b shares no word with a, MMR takes it.
    expect(diversify(hits, 2, options).map((h) => h.source.id)).toEqual(['a', 'c']);
    const apart = (h: RankedHit) => (h.source.id === 'b' ? ['unlike', 'anything', 'else'] : cut.get(h.passage.id));
    expect(diversify(hits, 2, options, apart).map((h) => h.source.id)).toEqual(['a', 'b']);
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
  it('picks what maximal marginal relevance over word sets picks (property, against a plain reference)', () => {
    /** The rule as documented, written plainly: word sets as Sets of strings, one pass per pick. */
    const reference = (all: RankedHit[], limit: number, lambda: number, maxPerSource: number): string[] => {
      const count = new Map<string, number>();
      const pool = all.filter((h) => (count.set(h.source.id, (count.get(h.source.id) ?? 0) + 1).get(h.source.id) ?? 0) <= maxPerSource).slice(0, Math.max(limit * 5, 50));
      if (lambda >= 1 || pool.length <= 1) return pool.slice(0, limit).map((h) => h.passage.id);
      const top = Math.max(pool[0]?.score ?? 0, Number.MIN_VALUE);
      const sets = pool.map((h) => new Set(wordTokens(h.passage.text)));
      const overlap = (a: Set<string>, b: Set<string>) => {
        const shared = [...a].filter((w) => b.has(w)).length;
        return a.size + b.size === 0 ? 0 : shared / (a.size + b.size - shared);
      };
      const chosen: number[] = [];
      while (chosen.length < limit && chosen.length < pool.length) {
        let best = -1;
        let bestValue = -Infinity;
        pool.forEach((h, i) => {
          if (chosen.includes(i)) return;
          const similar = Math.max(0, ...chosen.map((c) => Math.max(overlap(sets[i]!, sets[c]!), pool[c]!.source.id === h.source.id ? 0.5 : 0)));
          const value = lambda * (h.score / top) - (1 - lambda) * similar;
          if (value > bestValue) [best, bestValue] = [i, value];
        });
        chosen.push(best);
      }
      return chosen.map((i) => pool[i]!.passage.id);
    };
    const words = ['gout', 'colchicine', 'flares', 'urate', 'renal', 'dose', 'adults', 'trial', 'risk', 'pain'];
    const arbitraryHits = fc.array(
      fc.record({
        source: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
        text: fc.array(fc.constantFrom(...words), { maxLength: 8 }).map((w) => w.join(' ')),
        // How far below the previous hit this one scores: wide gaps leave hits no pick can reach.
        gap: fc.integer({ min: 1, max: 400 }),
      }),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(arbitraryHits, fc.integer({ min: 1, max: 8 }), fc.constantFrom(0, 0.3, 0.5, 0.85, 0.97), fc.integer({ min: 1, max: 3 }), (specs, limit, lambda, maxPerSource) => {
        // Distinct scores, best first, so that ties do not decide.
        let score = 10_000;
        const all = specs.map((spec, i) => {
          score -= spec.gap;
          const base = hit(spec.source, spec.text, score);
          return { ...base, passage: { ...base.passage, id: `p${i}` } };
        });
        expect(diversify(all, limit, { maxPerSource, mmrLambda: lambda }).map((h) => h.passage.id)).toEqual(reference(all, limit, lambda, maxPerSource));
      }),
      { numRuns: 500 },
    );
  });
});
