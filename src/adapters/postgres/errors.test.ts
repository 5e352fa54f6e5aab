import { describe, expect, it } from 'vitest';
import { CitemedError } from '../../domain/errors.js';
import { guard, isRetryable, translatePgError } from './errors.js';

const where = 'PostgreSQL db.example:5432/lib (citemed)';
const pgError = (code: string, message = 'server said no') => Object.assign(new Error(message), { code });

describe('translatePgError', () => {
  it.each([
    ['ECONNREFUSED', 'service-unavailable'],
    ['57P01', 'service-unavailable'],
    ['08006', 'service-unavailable'],
    ['53300', 'service-unavailable'],
    ['28P01', 'bad-config'],
    ['55P03', 'database-locked'],
    ['40P01', 'database-locked'],
    ['25006', 'database-readonly'],
    ['53100', 'database-corrupt'],
    ['XX001', 'database-corrupt'],
    ['42P01', 'not-found'],
    ['22021', 'unreadable'],
    ['54000', 'unreadable'],
  ])('%s becomes %s, naming the library and saying what to do', (code, kind) => {
    const translated = translatePgError(pgError(code), where);
    expect(translated).toBeInstanceOf(CitemedError);
    expect((translated as CitemedError).code).toBe(kind);
    expect((translated as CitemedError).message).toContain('db.example:5432/lib');
    expect((translated as CitemedError).hint).toMatch(/\w+ \w+/);
    expect((translated as CitemedError).cause).toBeInstanceOf(Error);
  });

  it('reads pg\'s own connection failures, which carry no code', () => {
    expect((translatePgError(new Error('Connection terminated unexpectedly'), where) as CitemedError).code).toBe('service-unavailable');
  });

  it('leaves other errors as they are', async () => {
    const bug = pgError('42601', 'syntax error at or near "x"');
    expect(translatePgError(bug, where)).toBe(bug);
    const plain = new TypeError('not a database problem');
    await expect(guard(where, async () => Promise.reject(plain))).rejects.toBe(plain);
  });
});

describe('isRetryable', () => {
  it('retries deadlocks, serialization failures and a key taken meanwhile, nothing else', () => {
    expect(['40P01', '40001', '23505'].map((c) => isRetryable(pgError(c)))).toEqual([true, true, true]);
    expect(['23503', '55P03', 'ECONNREFUSED'].map((c) => isRetryable(pgError(c)))).toEqual([false, false, false]);
  });
});
