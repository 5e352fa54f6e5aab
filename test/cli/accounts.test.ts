import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/server/app.js';
import { buildStarterLibrary, openLibrary, removeLibrary, settingsFor } from '../server/support.js';
import { ROOT, runCli } from './run-cli.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** `citemed accounts` and `citemed articles`: the operator's side of the service. */
describe('citemed accounts and articles', () => {
  let db: string;
  beforeAll(async () => {
    db = await buildStarterLibrary();
  }, 120_000);
  afterAll(() => removeLibrary(db));

  const cli = (args: string[], secret?: string) => runCli(['--db', db, ...args], secret);

  it('says how to make the first administrator when there is none', async () => {
    const result = await cli(['accounts', 'list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/No accounts yet.*accounts create <username> --role admin/);
  });

  it('makes accounts with a password read as a secret, and refuses bad input with one line', async () => {
    const made = await cli(['accounts', 'create', 'ana', '--role', 'admin', '--name', 'Ana Ruiz'], 'a long admin passphrase');
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/made account ana \(admin\)/);
    const reviewer = await cli(['accounts', 'create', 'rita', '--role', 'reviewer,editor', '--name', 'Dr Rita', '--credentials', 'MD'], 'another long passphrase');
    expect(reviewer.code).toBe(0);

    const weak = await cli(['accounts', 'create', 'bob', '--role', 'reader', '--name', 'Bob'], 'short');
    expect(weak.code).toBe(64);
    expect(weak.stderr).toMatch(/^citemed: a password needs at least 12 characters/);
    const badRole = await cli(['accounts', 'create', 'bob', '--role', 'boss', '--name', 'Bob'], 'a long enough password');
    expect(badRole.code).toBe(64);
    expect(badRole.stderr).toMatch(/unknown role "boss".*use reader, editor, reviewer, admin/);
    const taken = await cli(['accounts', 'create', 'ana', '--role', 'reader', '--name', 'Other Ana'], 'a long enough password');
    expect(taken.code).toBe(75);
    expect(taken.stderr).toMatch(/ana/);

    const list = JSON.parse((await cli(['accounts', 'list', '--json'])).stdout);
    expect(list.map((a: { username: string; roles: string[] }) => `${a.username}:${a.roles.join('+')}`)).toEqual(['ana:admin', 'rita:reviewer+editor']);
  });

  it('updates roles and credentials, disables, and resets passwords', async () => {
    const updated = await cli(['accounts', 'update', 'rita', '--credentials', 'MD, Infectious diseases', '--role', 'reviewer']);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toMatch(/rita — Dr Rita — reviewer — MD, Infectious diseases/);
    expect((await cli(['accounts', 'update', 'nobody', '--disable'])).code).toBe(66);
    expect((await cli(['accounts', 'update', 'rita', '--disable', '--enable'])).code).toBe(64);
    expect((await cli(['accounts', 'password', 'rita'], 'a brand new passphrase')).code).toBe(0);
  });

  it('prints an API key once, on stdout, that the server accepts', async () => {
    const result = await cli(['accounts', 'key', 'ana', '--name', 'tests']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^cmk_[a-z2-9]{10}_[A-Za-z0-9_-]{43}$/);
    expect(result.stderr).toMatch(/shown once/);
    const container = openLibrary(db);
    const app = createServer(container, settingsFor(db).server);
    try {
      const me = await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${result.stdout}` } });
      expect(me.json()).toMatchObject({ username: 'ana', roles: ['admin'] });
      const audit = (await app.inject({ url: '/api/v1/audit', headers: { authorization: `Bearer ${result.stdout}` } })).json().entries;
      expect(audit.map((e: { action: string; actor: string }) => `${e.actor} ${e.action}`)).toEqual([
        'system account.create',
        'system account.create',
        'system account.update',
        'system account.password',
        'system api-key.create',
      ]);
    } finally {
      await app.close();
      await container.close();
    }
  });

  it('lists articles and re-checks them, and ingest re-checks them when the library changes', async () => {
    const container = openLibrary(db);
    const app = createServer(container, settingsFor(db).server);
    let id = '';
    try {
      const key = (await cli(['accounts', 'key', 'ana', '--name', 'publish'])).stdout;
      const published = await app.inject({ method: 'POST', url: '/api/v1/articles', headers: { authorization: `Bearer ${key}` }, payload: { question: 'How is an iliopsoas abscess managed?' } });
      expect(published.statusCode).toBe(201);
      id = published.json().id;
    } finally {
      await app.close();
      await container.close();
    }
    const list = await cli(['articles', 'list']);
    expect(list.stdout).toContain(`${id}  Submitted (v1)  How is an iliopsoas abscess managed?`);
    expect(JSON.parse((await cli(['articles', 'list', '--status', 'approved', '--json'])).stdout).total).toBe(0);
    expect((await cli(['articles', 'list', '--status', 'done'])).code).toBe(64);

    const recheck = await cli(['articles', 'recheck']);
    expect(recheck.code).toBe(0);
    expect(recheck.stdout).toMatch(/checked 1 article; 0 new re-review flags/);

    // Re-ingesting a changed library runs the check on its own; an unchanged one does not.
    const again = await cli(['--preset', 'low-memory', 'ingest', '-q', path.join(ROOT, 'library', 'starter')]);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/re-review/);
    const extra = mkdtempSync(path.join(tmpdir(), 'citemed-extra-'));
    writeFileSync(path.join(extra, 'note.md'), '---\ntitle: Ward note on drains\n---\n\n# Drains\n\nDrains are flushed daily on this ward.\n');
    try {
      const changed = await cli(['--preset', 'low-memory', 'ingest', '-q', extra]);
      expect(changed.code).toBe(0);
      expect(changed.stderr).toMatch(/checked 1 article; 0 new re-review flags/);
    } finally {
      rmSync(extra, { recursive: true, force: true });
    }
  }, 60_000);
});
