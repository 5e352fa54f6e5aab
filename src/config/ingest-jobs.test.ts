import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createContainer } from './container.js';
import { ingestJobsFor, isFinished, type IngestJob } from './ingest-jobs.js';
import { SettingsSchema } from './settings.js';

describe("the server's ingest jobs, as wired from the container", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('leave the ranking ready for the library they wrote: its word associations are learned and saved by the job, not by the next search', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'citemed-jobs-ranking-'));
    dirs.push(dir);
    const inbox = path.join(dir, 'inbox');
    mkdirSync(inbox);
    for (let i = 0; i < 12; i++) writeFileSync(path.join(inbox, `note-${i}.md`), `# Drain note ${i}\n\nPercutaneous drainage of abscess ${i}, with antibiotics.\n`);
    const container = createContainer(SettingsSchema.parse({ store: { path: path.join(dir, 'lib.db') }, ingest: { serverRoots: [inbox], worker: false } }), { create: true });
    const jobs = ingestJobsFor(container, { cwd: dir });
    try {
      expect(await container.store.associations?.learned()).toBeUndefined();
      const started = await jobs.start({ paths: [inbox], force: false, startedBy: 'admin-1' });
      let done: IngestJob | undefined = started;
      const deadline = Date.now() + 30_000;
      while (done && !isFinished(done) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        done = await jobs.get(started.id);
      }
      expect(done).toMatchObject({ status: 'done', totals: { added: 12 } });
      const { passages } = await container.store.stats();
      expect(await container.store.associations?.learned()).toMatchObject({ passages, sample: container.settings.search.rescore.samplePassages });
    } finally {
      await jobs.close();
      await container.close();
    }
  });
});
