import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainer, type Container } from '../../src/config/container.js';
import type { IngestJob } from '../../src/config/ingest-jobs.js';
import type { AuditEntry } from '../../src/domain/audit.js';
import { SettingsSchema, type SettingsPatch } from '../../src/config/settings.js';
import type { PreparedItem } from '../../src/ingest/prepare-items.js';
import type { IngestJobRecords } from '../../src/ports/ingest-jobs.js';
import { createServer } from '../../src/server/app.js';
import { listen } from '../../src/server/listen.js';
import { dropLibrarySchemas, freshSchema, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../support/postgres.js';
import { makeStaff, type Staff } from './editorial-support.js';
import { parseEvents } from './support.js';

/**
 * Administrators' ingest jobs with two servers on one PostgreSQL library: a job started on server
 * A is run by A's own worker (`jobs.workInServer`; B's is off, so the test knows who runs it),
 * listed, watched over server-sent events and cancelled on server B, and still there for a
 * server started afresh. A's reading waits at a gate, so a job can be caught running.
 */
describe.skipIf(POSTGRES_SKIP_REASON !== '')('ingest jobs shared by two servers on PostgreSQL', () => {
  const schema = freshSchema();
  const root = mkdtempSync(path.join(tmpdir(), 'citemed-shared-jobs-'));
  const settings = (workInServer: boolean) =>
    SettingsSchema.parse({
      store: { url: POSTGRES_URL, schema, poolSize: 4 },
      ingest: { worker: false, serverRoots: [root] },
      jobs: { pollSeconds: 0.5, workInServer },
      server: { rateLimit: { enabled: false }, logLevel: 'silent' },
    } satisfies SettingsPatch);
  let containers: Container[] = [];
  let servers: FastifyInstance[] = [];
  let staff: Staff;
  /** What A's reading waits for; open by default. */
  let gate: Promise<void> = Promise.resolve();
  let cancelNoticed: () => void = () => {};

  beforeAll(async () => {
    const first = createContainer(settings(true));
    staff = await makeStaff(first);
    containers = [first, createContainer(settings(false))];
    const records = first.ingestJobRecords!;
    // A's worker, as it is, but its reading held at the gate and its heartbeats overheard.
    const heldA: Container = {
      ...first,
      ingestDeps: () => {
        const deps = first.ingestDeps();
        async function* gated(batches: AsyncIterable<PreparedItem[]>): AsyncIterable<PreparedItem[]> {
          await gate;
          yield* batches;
        }
        return { ...deps, prepare: (request) => gated(deps.prepare(request)) };
      },
      ingestJobRecords: new Proxy(records, {
        get: (target, property, receiver) =>
          property === 'heartbeat'
            ? async (...args: Parameters<IngestJobRecords['heartbeat']>) => {
                const state = await records.heartbeat(...args);
                if (state === 'cancel-requested') cancelNoticed();
                return state;
              }
            : Reflect.get(target, property, receiver),
      }),
    };
    servers = [createServer(heldA, settings(true).server), createServer(containers[1] as Container, settings(false).server)];
  }, 60_000);
  afterAll(async () => {
    for (const server of servers) await server.close();
    for (const container of containers) await container.close();
    await dropLibrarySchemas(schema);
    rmSync(root, { recursive: true, force: true });
  });

  const a = () => servers[0] as FastifyInstance;
  const b = () => servers[1] as FastifyInstance;
  const admin = () => staff.headers.admin;
  const folder = (name: string, count = 2): string => {
    const dir = path.join(root, name);
    mkdirSync(dir, { recursive: true });
    for (let i = 1; i <= count; i++) writeFileSync(path.join(dir, `${name}-${i}.md`), `# ${name} ${i}\n\n## Background\n\nA note about ${name}, number ${i}, for the shared job tests.\n`);
    return dir;
  };
  const hold = (): (() => void) => {
    let open = () => {};
    gate = new Promise<void>((resolve) => (open = resolve));
    return open;
  };
  const getJob = async (server: FastifyInstance, id: string): Promise<IngestJob> => (await server.inject({ url: `/api/v1/ingest-jobs/${id}`, headers: admin() })).json();
  async function waitFor(server: FastifyInstance, id: string, ready: (job: IngestJob) => boolean): Promise<IngestJob> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const job = await getJob(server, id);
      if (ready(job)) return job;
      if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  /** The audit log's entries about one job, as an administrator reads them from `server`. */
  const audited = async (server: FastifyInstance, id: string) =>
    ((await server.inject({ url: `/api/v1/audit?subjectType=ingest-job&subjectId=${id}`, headers: admin() })).json() as { entries: AuditEntry[] }).entries;
  const reading = (job: IngestJob) => job.status === 'running' && job.progress.filesTotal > 0;
  const finished = (job: IngestJob) => ['done', 'failed', 'cancelled'].includes(job.status);

  it('a job started on A runs in A, and B lists it and streams its events to done', async () => {
    const open = hold();
    try {
      const started = await a().inject({ method: 'POST', url: '/api/v1/ingest-jobs', headers: admin(), payload: { paths: [folder('shared')] } });
      expect(started.statusCode).toBe(202);
      const job = started.json() as IngestJob;
      expect(job).toMatchObject({ status: 'queued', paths: [path.join(root, 'shared')], startedBy: staff.ids.admin });

      await waitFor(b(), job.id, reading);
      // B's events over a socket: the stream opens with where the job stands; only then does the reading go on.
      const serverSettings = { ...settings(false).server, port: 0, shutdownGraceMs: 5_000 };
      const listening = await listen(createServer(containers[1] as Container, serverSettings), serverSettings);
      let body = '';
      try {
        const response = await fetch(`${listening.url}/api/v1/ingest-jobs/${job.id}/events`, { headers: admin() });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
        const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
        const first = await reader.read();
        expect(first.value).toMatch(/^event: progress\n/);
        body += first.value ?? '';
        open();
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) body += chunk.value;
      } finally {
        await listening.close();
      }
      const events = parseEvents(body);
      expect(events[0]?.event).toBe('progress');
      expect((events[0]?.data as IngestJob).status).toBe('running');
      expect(events.filter((e) => e.event === 'done')).toHaveLength(1);
      expect(events.at(-1)?.event).toBe('done');
      const done = events.at(-1)?.data as IngestJob;
      expect(done).toMatchObject({ id: job.id, status: 'done', totals: { added: 2, updated: 0, deleted: 0, skipped: 0 }, recheck: { checked: 0, raised: 0 } });

      const listed = (await b().inject({ url: '/api/v1/ingest-jobs', headers: admin() })).json() as { jobs: IngestJob[] };
      expect(listed.jobs[0]).toEqual(done);
      expect(await getJob(a(), job.id)).toEqual(done);
      expect((await b().inject({ url: '/api/v1/library' })).json()).toMatchObject({ sources: 2 });
      // Started by the administrator on A, ended by A's worker as the system; read on B.
      await expect
        .poll(() => audited(b(), job.id))
        .toMatchObject([
          { actor: staff.ids.admin, action: 'ingest-job.start', after: { paths: job.paths, force: false, status: 'queued' } },
          { actor: 'system', action: 'ingest-job.end', after: { status: 'done', startedBy: staff.ids.admin, totals: done.totals, recheck: done.recheck } },
        ]);
    } finally {
      open();
    }
  }, 60_000);

  it('a job running in A is cancelled from B, after its batch, which is kept', async () => {
    const open = hold();
    const noticed = new Promise<void>((resolve) => (cancelNoticed = resolve));
    try {
      const job = (await a().inject({ method: 'POST', url: '/api/v1/ingest-jobs', headers: admin(), payload: { paths: [folder('stopped')] } })).json() as IngestJob;
      await waitFor(b(), job.id, reading);
      const cancelling = await b().inject({ method: 'DELETE', url: `/api/v1/ingest-jobs/${job.id}`, headers: admin() });
      expect(cancelling.statusCode).toBe(200);
      expect(cancelling.json()).toMatchObject({ id: job.id, status: 'running' });
      await noticed;
      open();
      const stopped = await waitFor(b(), job.id, finished);
      expect(stopped).toMatchObject({ status: 'cancelled', totals: { added: 1 } });
      expect((await b().inject({ method: 'DELETE', url: `/api/v1/ingest-jobs/${job.id}`, headers: admin() })).statusCode).toBe(409);
      // Asked on B, ended by A's worker after its batch: one end, and no entry for the refused cancel.
      await expect
        .poll(() => audited(a(), job.id))
        .toMatchObject([
          { actor: staff.ids.admin, action: 'ingest-job.start' },
          { actor: staff.ids.admin, action: 'ingest-job.cancel', before: { status: 'running' }, after: { status: 'running' } },
          { actor: 'system', action: 'ingest-job.end', after: { status: 'cancelled', startedBy: staff.ids.admin, totals: { added: 1, updated: 0, deleted: 0, skipped: 0 } } },
        ]);
    } finally {
      open();
    }
  }, 60_000);

  it('a server started afresh lists every job; a path outside the roots is refused on either server', async () => {
    const fresh = createServer(containers[1] as Container, settings(false).server);
    try {
      const jobs = ((await fresh.inject({ url: '/api/v1/ingest-jobs', headers: admin() })).json() as { jobs: IngestJob[] }).jobs;
      expect(jobs.map((job) => job.status)).toEqual(['cancelled', 'done']);
      for (const server of [a(), fresh]) {
        const refused = await server.inject({ method: 'POST', url: '/api/v1/ingest-jobs', headers: admin(), payload: { paths: [tmpdir()] } });
        expect(refused.statusCode).toBe(400);
        expect(refused.json().error.code).toBe('usage');
      }
      expect(((await b().inject({ url: '/api/v1/ingest-jobs', headers: admin() })).json() as { jobs: IngestJob[] }).jobs).toHaveLength(2);
      expect((await fresh.inject({ url: '/api/v1/ingest-jobs/none', headers: admin() })).statusCode).toBe(404);
    } finally {
      await fresh.close();
    }
  }, 60_000);
});

if (POSTGRES_SKIP_REASON !== '') {
  describe('ingest jobs shared by two servers on PostgreSQL', () => {
    it.skip(POSTGRES_SKIP_REASON, () => undefined);
  });
}
