import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changePassword } from '../../src/accounts/accounts.js';
import { PASSWORD } from '../server/editorial-support.js';
import { answerTo, ask, axe, CITATION_NAME, openPage, signIn, SKIP_REASON, startWorld, type World } from './support.js';

/**
 * What an exploratory tester found the app losing or misstating, in a real browser: an answer
 * that survives reload, Back and signing in again, and that a link opens; a session ended on the
 * server; filters that matched nothing; the articles list's review wording; an ingest job's
 * skipped records; a server that cannot be reached.
 */
const QUESTION = 'What is the management of an iliopsoas abscess?';
const FOLLOW_UP = 'And in children?';

describe.skipIf(SKIP_REASON !== '')('links, history and sessions in the browser', () => {
  let world: World;
  // A folder on the server that administrators may ingest from (ingest.serverRoots).
  const inbox = mkdtempSync(path.join(tmpdir(), 'citemed-e2e-skips-'));
  beforeAll(async () => {
    const good = { id: 'drains-1', title: 'Ward note on drains', text: 'Abscess drains on this ward are flushed with saline once a day.' };
    writeFileSync(path.join(inbox, 'bad.jsonl'), `${JSON.stringify(good)}\n{"id": "drains-2", "title": \n`);
    world = await startWorld({ ingest: { serverRoots: [inbox] } });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
    rmSync(inbox, { recursive: true, force: true });
  });

  /** Counts the questions the page sends to the server (POST /api/v1/ask). */
  const countAsks = (page: Awaited<ReturnType<typeof openPage>>['page']) => {
    const asks = { count: 0 };
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/ask') asks.count += 1;
    });
    return asks;
  };

  it('keeps the question in the URL: reload and Back show the answer and its thread again without asking, and a link asks it', async () => {
    const { page, context, problems } = await openPage(world, 'desktop');
    try {
      const asks = countAsks(page);
      await page.goto(world.url);
      await page.getByRole('radio', { name: 'Nurse' }).check();
      await ask(page, QUESTION);
      await answerTo(page, QUESTION);
      const url = new URL(page.url());
      expect(url.pathname).toBe('/');
      expect(url.searchParams.get('q')).toBe(QUESTION);
      expect(url.searchParams.get('for')).toBe('nurse');
      await page.getByLabel('Follow-up question').fill(FOLLOW_UP);
      await page.getByRole('button', { name: 'Ask follow-up' }).click();
      await page.getByRole('heading', { name: FOLLOW_UP }).waitFor({ timeout: 30_000 });
      expect(asks.count).toBe(2);

      await page.reload();
      await page.getByRole('heading', { name: FOLLOW_UP }).waitFor();
      expect(await page.getByRole('article', { name: 'Answer' }).count()).toBe(2);
      expect(await page.getByLabel('Your question').inputValue()).toBe(QUESTION);
      expect(await page.getByRole('radio', { name: 'Nurse' }).isChecked()).toBe(true);

      // Off to a server-rendered page and Back: the same conversation, not asked again.
      await page.goto(`${world.url}/editorial-policy`);
      await page.goBack();
      await page.getByRole('heading', { name: FOLLOW_UP }).waitFor();
      expect(await page.getByRole('article', { name: 'Answer' }).count()).toBe(2);
      expect(asks.count).toBe(2);

      // The follow-up goes on in the same thread after all that.
      await page.getByLabel('Follow-up question').fill('How long are antibiotics given?');
      await page.getByRole('button', { name: 'Ask follow-up' }).click();
      await page.getByRole('heading', { name: 'How long are antibiotics given?' }).waitFor({ timeout: 30_000 });
      expect(await page.getByRole('article', { name: 'Answer' }).count()).toBe(3);
      expect(problems).toEqual([]);

      // The link in another tab (nothing kept there) asks the question, for the same audience.
      const other = await openPage(world, 'desktop');
      try {
        const otherAsks = countAsks(other.page);
        await other.page.goto(url.href);
        await answerTo(other.page, QUESTION);
        expect(otherAsks.count).toBe(1);
        expect(await other.page.getByRole('radio', { name: 'Nurse' }).isChecked()).toBe(true);
        expect(other.problems).toEqual([]);
      } finally {
        await other.context.close();
      }
    } finally {
      await context.close();
    }
  }, 120_000);

  it('shows a session ended on the server as signed out, in plain words, and signing in again comes back to the answer', async () => {
    const { page, context, problems } = await openPage(world, 'desktop', { bypassCsp: true });
    try {
      const asks = countAsks(page);
      await page.goto(`${world.url}/signin`);
      await page.getByLabel('Username').fill('editor');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      await page.goto(world.url);
      await ask(page, QUESTION);
      const answer = await answerTo(page, QUESTION);

      // The password is changed elsewhere (the CLI): every session of the account ends.
      const accounts = world.container.accounts;
      await changePassword(accounts, 'system', world.staff.ids.editor, 'a different long password');
      await answer.getByRole('button', { name: 'Publish as article' }).click();
      const ended = page.getByRole('alert').filter({ hasText: 'Your session has ended' }).first();
      await ended.waitFor();
      await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
      expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
      const text = (await page.locator('body').textContent()) ?? '';
      expect(text).not.toContain('Bearer');
      expect(text).not.toContain('POST /api/v1/session');
      expect(await axe(page)).toEqual([]);

      await changePassword(accounts, 'system', world.staff.ids.editor, PASSWORD);
      await ended.getByRole('link', { name: 'sign in again' }).click();
      await page.getByLabel('Username').fill('editor');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await answerTo(page, QUESTION);
      expect(new URL(page.url()).searchParams.get('q')).toBe(QUESTION);
      expect(asks.count).toBe(1);
      await page.getByRole('button', { name: 'Publish as article' }).click();
      await page.getByText('Published as an article').waitFor({ timeout: 30_000 });
      // The refused publish was a 401 the browser reports as a failed resource; nothing else failed.
      expect(problems.filter((p) => !/401/.test(p))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('says that nothing matched the filters, names them, and asks again without them', async () => {
    const { page, context, problems } = await openPage(world, 'desktop', { bypassCsp: true });
    try {
      await page.goto(world.url);
      await page.getByText('Filters', { exact: true }).click();
      await page.getByRole('checkbox', { name: 'Randomized trial' }).check();
      await ask(page, 'How is cellulitis treated?');
      const answer = page.getByRole('article', { name: 'Answer' }).first();
      await answer.getByText('Nothing in the library matched this question with the filters you set').waitFor({ timeout: 30_000 });
      expect(await answer.textContent()).toContain('(evidence level: Randomized trial)');
      expect(await answer.textContent()).not.toMatch(/holds no passage/);
      expect(await page.locator('.active-filters').textContent()).toMatch(/Filters apply to follow-ups too: evidence level: Randomized trial/);
      expect(await axe(page)).toEqual([]);

      await answer.getByRole('button', { name: 'Ask without the filters' }).click();
      const unfiltered = page.getByRole('article', { name: 'Answer' }).first();
      await unfiltered.getByRole('button', { name: CITATION_NAME }).first().waitFor({ timeout: 30_000 });
      expect(new URL(page.url()).searchParams.get('level')).toBeNull();
      expect(await page.locator('.active-filters').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("lists articles as their pages word them, marking those no clinician has reviewed", async () => {
    const api = async (method: string, path: string, role: 'editor' | 'reviewer', body?: object) => {
      const response = await fetch(`${world.url}${path}`, { method, headers: { ...world.staff.headers[role], 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      expect(response.ok).toBe(true);
      return (await response.json()) as { id: string; url: string };
    };
    const approved = await api('POST', '/api/v1/articles', 'editor', { question: 'How is an iliopsoas abscess drained?' });
    await api('POST', `/api/v1/articles/${approved.id}/review`, 'reviewer', { action: 'start-review', version: 1 });
    await api('POST', `/api/v1/articles/${approved.id}/review`, 'reviewer', { action: 'approve', version: 1 });
    await api('POST', `/api/v1/articles/${approved.id}/versions`, 'editor', { regenerate: true });
    const pending = await api('POST', '/api/v1/articles', 'editor', { question: 'How is cellulitis treated?' });

    const { page, context, problems } = await openPage(world, 'desktop');
    try {
      await page.goto(`${world.url}/articles`);
      const intro = (await page.locator('main p').first().textContent()) ?? '';
      expect(intro).not.toMatch(/published by editors and reviewed by/);
      expect(intro).toMatch(/not yet reviewed by a clinician/);
      const item = (article: { url: string }) => page.locator('li.article-item', { has: page.locator(`a[href="${article.url}"]`) });
      const newer = item(approved);
      await newer.waitFor();
      expect(await newer.locator('.badge').first().textContent()).toBe('Approved');
      expect(await newer.textContent()).toContain('(a newer version is submitted)');
      expect(await newer.textContent()).not.toMatch(/not yet reviewed/);
      expect(await item(pending).locator('.badge').first().textContent()).toBe('Submitted');
      expect(await item(pending).textContent()).toMatch(/Pending human review: not yet reviewed by a clinician/);

      // Its page says the same.
      await page.goto(`${world.url}${approved.url}`);
      expect(await page.locator('body').textContent()).toContain('Approved (a newer version is submitted)');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("shows an ingest job's skipped records with file, line and why, and files as `citemed stats` words them", async () => {
    const { page, context, problems } = await openPage(world, 'desktop');
    try {
      await signIn(page, world.url, 'admin');
      await page.goto(`${world.url}/admin`);
      await page.getByRole('rowheader', { name: 'Files unfinished (re-run to resume)' }).waitFor();
      expect(await page.getByText('Files being read').count()).toBe(0);
      await page.getByLabel('Paths on the server (one per line)').fill(inbox);
      await page.getByRole('button', { name: 'Start ingest' }).click();
      const job = page.locator('li.job').first();
      await job.locator('.badge', { hasText: 'Done' }).waitFor({ timeout: 60_000 });
      const skipped = job.locator('.skipped-records li');
      expect(await skipped.count()).toBe(1);
      expect(await skipped.first().textContent()).toMatch(/^bad\.jsonl:2 malformed or unreadable record — not valid JSON/);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('says the server could not be reached in the words the review desk uses', async () => {
    const { page, context } = await openPage(world, 'desktop');
    try {
      await page.goto(world.url);
      await page.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
      await ask(page, QUESTION);
      const alert = page.getByRole('alert').filter({ hasText: 'Asking did not work' });
      await alert.waitFor();
      expect(await alert.textContent()).toContain('The server could not be reached; check your connection and try again.');
      expect(await alert.textContent()).not.toContain('Failed to fetch');
    } finally {
      await context.close();
    }
  }, 60_000);
});
