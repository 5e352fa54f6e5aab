import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { POSTGRES_SKIP_REASON, POSTGRES_URL } from '../../../test/support/postgres.js';
import { indexTokens } from '../../retrieval/tokens.js';
import { indexLexemes, phraseQueries, quoteLexeme, tsvectorText } from './lexemes.js';

describe('indexLexemes', () => {
  it('cuts and stems text exactly as the re-ranker does (src/retrieval/tokens.ts)', () => {
    const samples = ['Anti-TNF-α therapies', 'Crème brûlée, naïve Ωmega‐3 𝛼-tocopherol', 'COVID-19 in 7.5% of 中文 e\u0301 cases', 'running RUNS ran'];
    for (const text of samples) expect(indexLexemes(text), text).toEqual(indexTokens(text));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.lorem({ maxCount: 12 })), (text) => {
        expect(indexLexemes(text)).toEqual(indexTokens(text));
      }),
      { numRuns: 500 },
    );
  });
});

describe('phraseQueries', () => {
  it('quotes every lexeme: operators typed by a user are words or nothing', () => {
    expect(phraseQueries([["'foo & !bar' :* (baz)"], ['abscess'], ['abscess']])).toEqual(["('foo' <-> 'bar' <-> 'baz')", "'abscess'"]);
    expect(phraseQueries([['&', '!'], [':*'], []])).toEqual([]);
    expect(phraseQueries([['Drainage', 'FAILED']])).toEqual(["('drainag' <-> 'fail')"]);
    expect(phraseQueries([['x'.repeat(3000)], ['ok', 'y'.repeat(3000)]])).toEqual([]);
  });
});

describe('tsvectorText', () => {
  it('weights title A, terms B, section C and body D, with a gap between fields', () => {
    const text = tsvectorText({ title: ['a', 'b'], terms: ['c'], section: ['d'], body: ['a', 'e'] });
    expect(text).toBe("'a':2A,9D 'b':3A 'c':5B 'd':7C 'e':10D");
  });
});

if (POSTGRES_SKIP_REASON !== '') it.skip(POSTGRES_SKIP_REASON, () => {});

describe.skipIf(POSTGRES_SKIP_REASON !== '')('quoteLexeme in PostgreSQL', () => {
  it('reads back every lexeme as written, quotes and backslashes included', async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      const lexemes = ["it's", 'back\\slash', "''", '\\', 'a:A', 'x & !y', '(z)', 'α', '🧪'];
      const { rows } = await client.query<{ l: string }>('SELECT unnest(tsvector_to_array($1::tsvector)) AS l', [lexemes.map(quoteLexeme).join(' ')]);
      expect(rows.map((r) => r.l).sort()).toEqual([...lexemes].sort());
      const query = await client.query<{ ok: boolean }>('SELECT $1::tsvector @@ $2::tsquery AS ok', [quoteLexeme("x & !y"), quoteLexeme("x & !y")]);
      expect(query.rows[0]?.ok).toBe(true);
    } finally {
      await client.end();
    }
  });
});
