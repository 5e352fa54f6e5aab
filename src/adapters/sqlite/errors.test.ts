import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sourceWithPassages } from '../../../test/factories/sources.js';
import { CitemedError } from '../../domain/errors.js';
import { guard, isBusy, whileBusy, type BusyClock } from './errors.js';
import { openSqliteLibrary } from './sqlite-store.js';

/** An error as better-sqlite3 throws it. */
const sqliteError = (code: string): Error => Object.assign(new Error(code.toLowerCase()), { code });

/** A clock whose sleeps pass at once, recording how long each was. */
function fakeClock(): BusyClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('whileBusy', () => {
  it('tries again while the library is locked, with pauses growing to 50 ms, and returns the first success', async () => {
    const clock = fakeClock();
    let tries = 0;
    const result = await whileBusy(
      1_000,
      () => {
        tries += 1;
        if (tries <= 6) throw guardedBusy();
        return 'written';
      },
      clock,
    );
    expect(result).toBe('written');
    expect(clock.slept).toEqual([5, 10, 20, 40, 50, 50]);
  });

  it('gives up once the wait is spent, with the last database-locked error, having waited no longer than asked', async () => {
    const clock = fakeClock();
    const failure = whileBusy(120, () => guard('lib.db', () => { throw sqliteError('SQLITE_BUSY'); }), clock);
    await expect(failure).rejects.toMatchObject({ code: 'database-locked', message: expect.stringMatching(/^the library lib.db is locked by another process/) });
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(120);
    expect(clock.slept.at(-1)).toBe(120 - (5 + 10 + 20 + 40));
  });

  it('with no wait allowed, tries once', async () => {
    const clock = fakeClock();
    await expect(whileBusy(0, () => { throw sqliteError('SQLITE_BUSY'); }, clock)).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(clock.slept).toEqual([]);
  });

  it('passes on at once every failure that is not a busy library', async () => {
    for (const error of [sqliteError('SQLITE_CONSTRAINT_UNIQUE'), sqliteError('SQLITE_LOCKED'), new CitemedError('conflict', 'taken'), new Error('bug')]) {
      const clock = fakeClock();
      await expect(whileBusy(1_000, () => { throw error; }, clock)).rejects.toBe(error);
      expect(clock.slept).toEqual([]);
    }
    expect(isBusy(sqliteError('SQLITE_BUSY_SNAPSHOT'))).toBe(true);
  });

  it("waits for another connection's write lock without holding the thread, then writes", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'citemed-busy-'));
    const file = path.join(dir, 'lib.db');
    const { store, threads } = openSqliteLibrary({ path: file, busyTimeoutMs: 10_000, cacheMiB: 8 });
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      let writeSettled = false;
      const write = store.write({ now: '2026-01-01T00:00:00.000Z', ops: [{ kind: 'upsert', ...sourceWithPassages() }] }).finally(() => (writeSettled = true));
      const thread = threads.create();
      // These timers fire only if the waiting writes leave the thread free (better-sqlite3 waits synchronously).
      await new Promise((resolve) => setTimeout(resolve, 100));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(writeSettled).toBe(false);
      other.exec('COMMIT');
      expect((await write)[0]?.outcome).toBe('added');
      expect((await thread).turns).toEqual([]);
    } finally {
      other.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function guardedBusy(): unknown {
  try {
    return guard('lib.db', () => {
      throw sqliteError('SQLITE_BUSY');
    });
  } catch (error) {
    return error;
  }
}
