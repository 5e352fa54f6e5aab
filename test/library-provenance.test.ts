import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createContainer } from '../src/config/container.js';
import { SettingsSchema, type Settings } from '../src/config/settings.js';
import type { Answer } from '../src/domain/answer.js';
import { planIngest, runIngest } from '../src/ingest/pipeline.js';
import { dropSchema, freshSchema, POSTGRES_SKIP_REASON, POSTGRES_URL } from './support/postgres.js';

/**
 * An answer's provenance names the library it came from. Readers see it (the API, the web app)
 * and a published article keeps it for good, so it must not give away where the server keeps the
 * library: no directory, no host, and never the store URL's password.
 */
const NOTE = ['---', 'id: drains', 'title: Drainage of an iliopsoas abscess', '---', '', 'Percutaneous drainage treats most iliopsoas abscesses.', ''].join('\n');
const QUESTION = 'How is an iliopsoas abscess treated?';

async function answerFrom(settings: Settings, dir: string): Promise<Answer> {
  const container = createContainer(settings, { cwd: dir });
  try {
    const deps = container.ingestDeps();
    await runIngest(await planIngest(['note.md'], deps.files), deps);
    return await container.ask({ question: QUESTION, audience: 'clinician' });
  } finally {
    await container.close();
  }
}

describe("an answer's provenance", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'citemed-provenance-'));
  writeFileSync(path.join(dir, 'note.md'), NOTE);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names an SQLite library by its file name alone', async () => {
    const folder = path.join(dir, 'private-clinic-share');
    mkdirSync(folder);
    const answer = await answerFrom(SettingsSchema.parse({ store: { path: path.join(folder, 'evidence.db') }, ingest: { worker: false } }), dir);
    expect(answer.status).toBe('answered');
    expect(answer.provenance.library).toBe('SQLite library evidence.db');
    expect(answer.provenance.library).not.toContain(path.sep);
    expect(answer.provenance.library).not.toContain('private-clinic-share');
  });

  it.skipIf(POSTGRES_SKIP_REASON !== '')('names a PostgreSQL library by its schema, without host, user, database or password', async () => {
    const url = new URL(POSTGRES_URL);
    // The test server trusts local connections, so any password will do; none may be shown.
    if (url.password === '') url.password = 'pr0venance-s3cret';
    const schema = freshSchema();
    try {
      const answer = await answerFrom(SettingsSchema.parse({ store: { url: url.href, schema }, ingest: { worker: false } }), dir);
      expect(answer.status).toBe('answered');
      expect(answer.provenance.library).toBe(`PostgreSQL library, schema ${schema}`);
      for (const secret of [url.password, url.username, url.host, url.hostname, url.pathname]) {
        expect(answer.provenance.library).not.toContain(secret);
      }
    } finally {
      await dropSchema(schema);
    }
  });
});
