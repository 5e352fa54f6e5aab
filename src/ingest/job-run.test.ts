import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { realPathOf } from '../adapters/fs/real-path.js';
import { createContainer, type Container } from '../config/container.js';
import { SettingsSchema } from '../config/settings.js';
import type { JobTotals } from '../domain/ingest-job.js';
import { runIngestJob, type JobRunDeps } from './job-run.js';
import { openServerRoots } from './server-roots.js';

/**
 * One run of an ingest job, as a worker runs it when it takes up a job an earlier run left: the
 * files that run read to their end are found done, yet still counted, and the articles are
 * re-checked because the job as a whole changed the library.
 */
describe('an ingest job run', () => {
  let dir: string;
  let inbox: string;
  let container: Container;
  let rechecks: string[];
  let deps: JobRunDeps;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'citemed-job-run-'));
    inbox = path.join(dir, 'inbox');
    mkdirSync(inbox);
    for (const name of ['a', 'b']) writeFileSync(path.join(inbox, `${name}.md`), `# Note ${name}\n\nA note about drains, called ${name}.\n`);
    container = createContainer(SettingsSchema.parse({ store: { path: path.join(dir, 'lib.db') }, ingest: { worker: false } }));
    rechecks = [];
    deps = {
      roots: openServerRoots({ roots: ['inbox'], cwd: dir, realPath: realPathOf }),
      ingestDeps: () => container.ingestDeps(),
      recheck: async (actor) => {
        rechecks.push(actor);
        return { checked: 1, raised: 0 };
      },
      elapsedMs: () => 0,
    };
  });
  afterEach(async () => {
    await container.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const hooks = (filesDone: JobTotals[] = []) => ({ signal: new AbortController().signal, onProgress: () => undefined, onFileDone: (t: JobTotals) => filesDone.push(t) });

  it('counts the files earlier runs read, and re-checks though this run changed nothing', async () => {
    const filesDone: JobTotals[] = [];
    const first = await runIngestJob({ paths: ['inbox'], force: false, startedBy: 'admin-1' }, deps, hooks(filesDone));
    expect(first).toMatchObject({ status: 'done', totals: { added: 2, updated: 0, deleted: 0, skipped: 0 }, recheck: { checked: 1, raised: 0 } });
    expect(filesDone).toEqual([
      { added: 1, updated: 0, deleted: 0, skipped: 0 },
      { added: 1, updated: 0, deleted: 0, skipped: 0 },
    ]);

    const carried = { added: 2, updated: 0, deleted: 0, skipped: 0 };
    const resumed = await runIngestJob({ paths: ['inbox'], force: false, startedBy: 'admin-1', carried }, deps, hooks());
    expect(resumed).toMatchObject({ status: 'done', totals: carried, recheck: { checked: 1, raised: 0 } });
    expect(rechecks).toEqual(['admin-1', 'admin-1']);

    // A forced run reads every file again, so what earlier runs counted does not add up.
    const forced = await runIngestJob({ paths: ['inbox'], force: true, startedBy: 'admin-1', carried }, deps, hooks());
    expect(forced).toMatchObject({ status: 'done', totals: { added: 0, updated: 0, deleted: 0, skipped: 2 } });
    expect(forced.recheck).toBeUndefined();
    expect(rechecks).toHaveLength(2);
  });

  it('readies searches for the library it wrote before the re-check; a failure to do so is the server\'s, and the job is still done', async () => {
    const order: string[] = [];
    const serverErrors: unknown[] = [];
    const recheck = deps.recheck;
    const run = (prepareSearch: () => Promise<void>) =>
      runIngestJob(
        { paths: ['inbox'], force: true, startedBy: 'admin-1' },
        {
          ...deps,
          prepareSearch,
          recheck: async (actor) => {
            order.push('recheck');
            return recheck(actor);
          },
          onServerError: (error) => serverErrors.push(error),
        },
        hooks(),
      );
    const ready = await run(async () => {
      order.push(`prepare after ${(await container.store.stats()).sources} sources`);
      await container.prepareRanking();
    });
    expect(ready).toMatchObject({ status: 'done', totals: { added: 2 } });
    expect(order).toEqual(['prepare after 2 sources', 'recheck']);
    expect(await container.store.associations?.learned()).toMatchObject({ passages: 2 });

    const failing = await run(() => Promise.reject(new Error('disk gone')));
    expect(failing.status).toBe('done');
    expect(serverErrors).toEqual([new Error('disk gone')]);
  });

  it('a run aborted before it reads anything is cancelled, with nothing counted', async () => {
    const stop = new AbortController();
    stop.abort();
    const result = await runIngestJob({ paths: ['inbox'], force: false, startedBy: 'admin-1' }, deps, { signal: stop.signal, onProgress: () => undefined });
    expect(result).toEqual({ status: 'cancelled' });
    expect((await container.store.stats()).sources).toBe(0);
  });
});
