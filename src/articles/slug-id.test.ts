import { getRandomValues } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARTICLE_ID_ALPHABET, isArticleId, newArticleId } from './slug-id.js';

const fixed = (...values: number[]) => (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => values[i % values.length] ?? 0);

describe('newArticleId', () => {
  it('has 32 characters, none of them look-alikes', () => {
    expect(new Set(ARTICLE_ID_ALPHABET).size).toBe(32);
    for (const lookAlike of ['0', 'o', '1', 'l']) expect(ARTICLE_ID_ALPHABET).not.toContain(lookAlike);
    expect(ARTICLE_ID_ALPHABET).toMatch(/^[a-z2-9]+$/);
  });

  it('maps each byte to one character, modulo 32', () => {
    expect(newArticleId(fixed(0, 1, 31, 32, 255, 8, 9, 10, 100, 200))).toBe('23z2zabc6a');
  });

  it('gives ten lower-case characters of the alphabet for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 10, maxLength: 10 }), (bytes) => {
        const id = newArticleId(() => bytes);
        expect(id).toHaveLength(10);
        expect(isArticleId(id)).toBe(true);
      }),
    );
  });

  it('differs from draw to draw with a real random source', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newArticleId((n) => getRandomValues(new Uint8Array(n)))));
    expect(ids.size).toBe(100);
  });

  it('refuses a random source that gives too few bytes', () => {
    expect(() => newArticleId(() => new Uint8Array(4))).toThrow(/needs 10 random bytes; the random source gave 4/);
  });
});

describe('isArticleId', () => {
  it('accepts ids and refuses other shapes', () => {
    expect(isArticleId('a7k2m9q4xz')).toBe(true);
    for (const bad of ['a7k2m9q4x', 'a7k2m9q4xzz', 'A7K2M9Q4XZ', 'a7k2m9q4x0', 'a7k2m9q4xl', 'a7k2m9q4x/']) expect(isArticleId(bad)).toBe(false);
  });
});
