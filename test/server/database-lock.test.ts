import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainer, type Container } from '../../src/config/container.js';
import { SettingsSchema } from '../../src/config/settings.js';
import type { ThreadStore } from '../../src/ports/threads.js';
import { createServer } from '../../src/server/app.js';
import { buildStarterLibrary, removeLibrary } from './support.js';

/**
 * Another process (an ingest, `citemed index`, a backup) holds the library's write lock, here a
 * second connection of the test's own. better-sqlite3 is synchronous: had a write waited for the
 * lock inside SQLite, the server's only thread would have stopped, /health included, and the
 * lock, released by this same thread, could never have come free within the wait.
 */
describe('a write waiting for a locked library', () => {
  let db: string;
  beforeAll(async () => {
    db = await buildStarterLibrary();
  }, 120_000);
  afterAll(() => removeLibrary(db));

  /**
   * A server on the library with `store.busyTimeoutMs` set and rate limits off; `tried` resolves
   * once a request has started creating a thread (its first try at the lock).
   */
  async function serve(
    busyTimeoutMs: number,
    run: (app: ReturnType<typeof createServer>, container: Container, tried: Promise<void>) => Promise<void>,
  ): Promise<void> {
    const settings = SettingsSchema.parse({ store: { path: db, busyTimeoutMs }, server: { rateLimit: { enabled: false } } });
    const container = createContainer(settings, { create: false });
    let onTry = (): void => undefined;
    const tried = new Promise<void>((resolve) => (onTry = resolve));
    const threads: ThreadStore = {
      ...container.threads,
      create: () => {
        onTry();
        return container.threads.create();
      },
    };
    const app = createServer({ ...container, threads }, settings.server);
    try {
      await run(app, container, tried);
    } finally {
      await app.close();
      await container.close();
    }
  }

  it('leaves health, metrics and reads answering, and writes once the lock is released within the busy timeout', async () => {
    await serve(10_000, async (app, _container, tried) => {
      const other = new Database(db);
      try {
        other.exec('BEGIN IMMEDIATE');
        const settled: string[] = [];
        const writes = [1, 2].map((n) => app.inject({ method: 'POST', url: '/api/v1/threads' }).finally(() => settled.push(`write ${n}`)));
        await tried;

        for (const url of ['/health', '/metrics', '/api/v1/search?q=iliopsoas+abscess']) {
          expect((await app.inject({ url })).statusCode).toBe(200);
        }
        // Each answered while both writes were still waiting for the lock.
        expect(settled).toEqual([]);

        other.exec('COMMIT');
        const [first, second] = await Promise.all(writes);
        expect(first?.statusCode).toBe(201);
        expect(second?.statusCode).toBe(201);
        expect(first?.json().id).not.toBe(second?.json().id);
      } finally {
        if (other.inTransaction) other.exec('ROLLBACK');
        other.close();
      }
    });
  }, 60_000);

  it('still fails with 503 database-locked once the busy timeout has passed', async () => {
    await serve(1_000, async (app, container, tried) => {
      const other = new Database(db);
      try {
        other.exec('BEGIN IMMEDIATE');
        const started = performance.now();
        let settled = false;
        const write = app.inject({ method: 'POST', url: '/api/v1/threads' }).finally(() => (settled = true));
        await tried;
        expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
        expect(settled).toBe(false);

        const response = await write;
        // It waited the busy timeout (1 s) before giving up.
        expect(performance.now() - started).toBeGreaterThanOrEqual(990);
        expect(response.statusCode).toBe(503);
        expect(response.headers['retry-after']).toBe('5');
        expect(response.json()).toEqual({ error: { code: 'database-locked', message: 'the library is busy (locked by another process); try again shortly' } });
        // Editorial writes give up the same way.
        await expect(container.editorial.audit.append({ at: new Date().toISOString(), actor: 'system', action: 'test.note', subjectType: 'article', subjectId: 'a1' })).rejects.toMatchObject({
          code: 'database-locked',
        });
      } finally {
        other.exec('ROLLBACK');
        other.close();
      }
      // Nothing is left stuck: the library takes writes again.
      expect((await app.inject({ method: 'POST', url: '/api/v1/threads' })).statusCode).toBe(201);
    });
  }, 60_000);
});
