import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainer, type Container } from '../../src/config/container.js';
import { SettingsSchema } from '../../src/config/settings.js';
import { createServer } from '../../src/server/app.js';
import { dropLibrarySchemas, freshSchema, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../support/postgres.js';
import { makeStaff, PASSWORD } from './editorial-support.js';

/**
 * Two servers on one PostgreSQL library behave as one service: a session made on one is valid
 * on the other, a thread started on one continues on the other, and a client's rate-limit budget
 * is one budget whichever server it reaches.
 */
describe.skipIf(POSTGRES_SKIP_REASON !== '')('several servers on one PostgreSQL library', () => {
  const schema = freshSchema();
  const settings = SettingsSchema.parse({
    store: { url: POSTGRES_URL, schema },
    server: { rateLimit: { signInsPerMinute: 3 }, logLevel: 'silent' },
  });
  let containers: Container[] = [];
  let servers: FastifyInstance[] = [];

  beforeAll(async () => {
    containers = [createContainer(settings), createContainer(settings)];
    servers = containers.map((c) => createServer(c, settings.server));
    await makeStaff(containers[0] as Container);
  }, 60_000);
  afterAll(async () => {
    for (const server of servers) await server.close();
    for (const container of containers) await container.close();
    // Each server works the queue for administrators' ingest jobs (jobs.workInServer), in a schema of its own.
    await dropLibrarySchemas(schema);
  });

  const a = () => servers[0] as FastifyInstance;
  const b = () => servers[1] as FastifyInstance;

  it('a session made on one server is valid on the other, and signing out there ends it', async () => {
    const signIn = await a().inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'editor', password: PASSWORD }, remoteAddress: '10.1.0.1' });
    expect(signIn.statusCode).toBe(200);
    const cookie = `citemed_session=${signIn.cookies.find((c) => c.name === 'citemed_session')?.value}`;
    const csrf = (signIn.json() as { csrfToken: string }).csrfToken;
    expect((await b().inject({ url: '/api/v1/me', headers: { cookie } })).json()).toMatchObject({ username: 'editor' });
    expect((await b().inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie, 'x-csrf-token': csrf } })).statusCode).toBe(204);
    expect((await a().inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('a thread started on one server is read and continued on the other', async () => {
    const thread = (await a().inject({ method: 'POST', url: '/api/v1/threads' })).json() as { id: string };
    expect((await b().inject({ url: `/api/v1/threads/${thread.id}` })).json()).toMatchObject({ id: thread.id, turns: [] });
  });

  it("one client's sign-in budget is shared by both servers", async () => {
    const attempt = (server: FastifyInstance) =>
      server.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'nobody', password: 'a wrong guess' }, remoteAddress: '10.1.0.9' });
    const codes = [await attempt(a()), await attempt(b()), await attempt(a()), await attempt(b())].map((r) => r.statusCode);
    expect(codes).toEqual([401, 401, 401, 429]);
  });
});

if (POSTGRES_SKIP_REASON !== '') {
  describe('several servers on one PostgreSQL library', () => {
    it.skip(POSTGRES_SKIP_REASON, () => undefined);
  });
}
