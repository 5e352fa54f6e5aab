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

  it('names the setting when lock_timeout or statement_timeout cancelled a statement', () => {
    const translate = (error: Error) => translatePgError(error, where) as CitemedError;
    // The server may write messages in another language; the routine says lock_timeout all the same.
    const lockTimeout = Object.assign(pgError('55P03', 'Abbruch der Anweisung wegen Zeitüberschreitung einer Sperre'), { routine: 'ProcessInterrupts' });
    expect(translate(lockTimeout)).toMatchObject({ code: 'database-locked', message: expect.stringMatching(/waited longer than store\.lockTimeoutMs/) });
    const noWait = Object.assign(pgError('55P03', 'could not obtain lock on row in relation "sources"'), { routine: 'heap_lock_tuple' });
    expect(translate(noWait).message).toMatch(/is busy: another writer/);
    expect(translate(pgError('57014', 'canceling statement due to statement timeout'))).toMatchObject({
      code: 'service-failed',
      message: expect.stringMatching(/ran longer than its statement timeout \(store\.statementTimeoutMs/),
    });
    expect(translate(pgError('57014', 'canceling statement due to user request')).message).toMatch(/was cancelled \(by an administrator or a client\)/);
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
