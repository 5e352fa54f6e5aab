import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run-cli.js';
import { POSTGRES_SKIP_REASON } from '../support/postgres.js';
import { startPostgresWorld, type PostgresWorld } from './postgres-world.js';
import { answerTo, ask, openFirstCitation, openPage, reviewAndApprove, signIn, SKIP_REASON } from './support.js';

/**
 * The web app in a real browser on the PostgreSQL backend, served by two `citemed serve`
 * processes on one schema (A and B): the starter library loaded into PostgreSQL answers a
 * clinician with a streamed, cited answer; an answer published on A is approved on B and the
 * public page shows it, with the editorial record in the database; a session made on A is B's
 * too; and an administrator's ingest job started on A waits on the work queue until a
 * `citemed worker` takes it, while B's admin page watches it finish.
 */
const QUESTION = 'What is the management of an iliopsoas abscess?';
const SKIP = SKIP_REASON || POSTGRES_SKIP_REASON;
const STARTER_FILES = readdirSync(path.join(ROOT, 'library', 'starter'), { recursive: true }).filter((name) => String(name).endsWith('.md')).length;

describe.skipIf(SKIP !== '')('the web app in the browser on PostgreSQL, two servers', () => {
  let world: PostgresWorld;
  // A folder on the servers (and the worker) that administrators may ingest from (ingest.serverRoots).
  const inbox = mkdtempSync(path.join(tmpdir(), 'citemed-e2e-pg-inbox-'));

  beforeAll(async () => {
    writeFileSync(
      path.join(inbox, 'ward-drains.md'),
      '---\ntitle: Ward note on abscess drains\n---\n\n# Drains\n\nAbscess drains on this ward are flushed with saline once a day.\n',
    );
    world = await startPostgresWorld({ serverRoots: [inbox] });
  }, 120_000);
  afterAll(async () => {
    try {
      await world?.close();
    } finally {
      rmSync(inbox, { recursive: true, force: true });
    }
  }, 60_000);

  it('the starter library is in PostgreSQL; a clinician gets a streamed, cited answer and follows up', async () => {
    const [row] = await world.query<{ sources: string }>('SELECT count(*) AS sources FROM sources');
    expect(Number(row?.sources)).toBe(STARTER_FILES);
    const stats = (await (await fetch(`${world.a.url}/api/v1/library`)).json()) as { sources: number };
    expect(stats.sources).toBe(STARTER_FILES);

    const { page, context, problems } = await openPage(world, 'desktop');
    try {
      await page.goto(world.a.url);
      await page.getByRole('group', { name: 'Which best describes you?' }).getByLabel('Physician or clinician').check();
      const asked = page.waitForResponse((r) => r.url() === `${world.a.url}/api/v1/ask` && r.request().method() === 'POST');
      await ask(page, QUESTION);
      expect((await asked).headers()['content-type']).toMatch(/^text\/event-stream/);
      const answer = await answerTo(page, QUESTION);
      const popover = await openFirstCitation(page, answer);
      await page.keyboard.press('Escape');
      await popover.waitFor({ state: 'hidden' });

      // The follow-up continues a thread kept in PostgreSQL.
      await page.getByLabel('Follow-up question').fill('and when is surgery needed?');
      await page.getByRole('button', { name: 'Ask follow-up' }).click();
      await expect.poll(() => page.getByRole('article', { name: 'Answer' }).count(), { timeout: 30_000 }).toBe(2);
      const [threads] = await world.query<{ n: string }>('SELECT count(*) AS n FROM threads');
      expect(Number(threads?.n)).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('an editor publishes on A, a reviewer approves on B; the public page says Approved, and the database holds the record', async () => {
    let articleUrl = '';
    const editor = await openPage(world, 'desktop');
    try {
      await signIn(editor.page, world.a.url, 'editor');
      await editor.page.goto(world.a.url);
      await ask(editor.page, QUESTION);
      await editor.page.getByRole('article', { name: 'Answer' }).first().waitFor({ timeout: 30_000 });
      await editor.page.getByRole('button', { name: 'Publish as article' }).click();
      const link = editor.page.getByRole('link', { name: 'Open the article page' });
      await link.waitFor({ timeout: 30_000 });
      articleUrl = (await link.getAttribute('href')) ?? '';
      expect(articleUrl).toMatch(/^\/articles\/[a-z2-9]{10}\/what-is-the-management-of-an-iliopsoas-abscess$/);
      expect(editor.problems).toEqual([]);
    } finally {
      await editor.context.close();
    }
    const id = articleUrl.split('/')[2] ?? '';

    const reviewer = await openPage(world, 'desktop');
    try {
      await signIn(reviewer.page, world.b.url, 'reviewer');
      await reviewAndApprove(reviewer.page, world.b.url, id);
      expect(reviewer.problems).toEqual([]);
    } finally {
      await reviewer.context.close();
    }

    // Server-rendered on A, from what B wrote.
    const reader = await openPage(world, 'phone', { javaScript: false });
    try {
      await reader.page.goto(`${world.a.url}${articleUrl}`);
      expect(await reader.page.getByRole('status').textContent()).toMatch(/Reviewed by the medical review board/);
      expect(await reader.page.locator('body').textContent()).toMatch(/Approved .* by Dr Rita Review, MD, Infectious diseases/);
      expect(reader.problems).toEqual([]);
    } finally {
      await reader.context.close();
    }

    const [article] = await world.query<{ status: string; created_by: string; approved_version: number | null; approval: { reviewerId?: string } | null }>(
      'SELECT status, created_by, approved_version, approval FROM articles WHERE id = $1',
      [id],
    );
    expect(article).toMatchObject({ status: 'approved', created_by: world.staff.ids.editor, approved_version: 1 });
    expect(JSON.stringify(article?.approval)).toContain(world.staff.ids.reviewer);
    const decisions = await world.query<{ action: string; reviewer_id: string }>('SELECT action, reviewer_id FROM review_decisions WHERE article_id = $1 ORDER BY rid', [id]);
    expect(decisions).toEqual([
      { action: 'start-review', reviewer_id: world.staff.ids.reviewer },
      { action: 'approve', reviewer_id: world.staff.ids.reviewer },
    ]);
    const comments = await world.query<{ text: string }>('SELECT text FROM statement_comments WHERE article_id = $1', [id]);
    expect(comments).toEqual([{ text: 'Checked against reference 1.' }]);
    // Each change has its audit entry, by whoever made it on whichever server, numbered without gaps.
    const audit = await world.query<{ actor: string; action: string }>("SELECT actor, action FROM audit_log WHERE subject_type = 'article' AND subject_id = $1 ORDER BY seq", [id]);
    expect(audit).toEqual([
      { actor: world.staff.ids.editor, action: 'article.publish' },
      { actor: world.staff.ids.reviewer, action: 'article.start-review' },
      { actor: world.staff.ids.reviewer, action: 'article.approve' },
    ]);
    const [numbering] = await world.query<{ entries: string; last: string }>('SELECT count(*) AS entries, max(seq) AS last FROM audit_log');
    expect(numbering?.last).toBe(numbering?.entries);
  });

  it('a session made on A is valid on B, and signing out on B ends it on A', async () => {
    const { page, context, problems } = await openPage(world, 'desktop');
    try {
      await signIn(page, world.a.url, 'admin');
      const cookie = (await context.cookies(world.a.url)).find((c) => c.name === 'citemed_session');
      expect(cookie).toBeDefined();
      const header = { cookie: `citemed_session=${cookie?.value}` };
      // The browser sends the cookie to both (cookies are per host, not per port); B finds the
      // session in the shared table and gives the page its CSRF token, so B's admin page works.
      await page.goto(`${world.b.url}/admin`);
      await page.getByRole('heading', { name: 'Library' }).waitFor();
      expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
      expect((await fetch(`${world.a.url}/api/v1/me`, { headers: header })).status).toBe(200);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('link', { name: 'Sign in as an administrator' }).waitFor();
      // The session is gone from the database: A refuses the very cookie it issued.
      expect((await fetch(`${world.a.url}/api/v1/me`, { headers: header })).status).toBe(401);
      expect((await fetch(`${world.b.url}/api/v1/me`, { headers: header })).status).toBe(401);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("an ingest job started on A's admin page waits on the queue until a worker takes it; B's admin page watches it finish", async () => {
    const { page, context, problems } = await openPage(world, 'desktop');
    const b = await openPage(world, 'desktop');
    try {
      await signIn(page, world.a.url, 'admin');
      const postingsIndex = page.waitForResponse((response) => response.url().endsWith('/api/v1/library/postings-index'));
      await page.goto(`${world.a.url}/admin`);
      await page.getByRole('heading', { name: 'Library' }).waitFor();
      // PostgreSQL keeps no postings index: the admin page says nothing about one.
      expect(await (await postingsIndex).json()).toMatchObject({ available: false, inUse: false });
      expect(await page.getByRole('region', { name: 'Postings index' }).count()).toBe(0);
      await page.getByLabel('Paths on the server (one per line)').fill(inbox);
      await page.getByRole('button', { name: 'Start ingest' }).click();
      const onA = page.locator('li.job').first();
      await onA.locator('.badge', { hasText: 'Queued' }).waitFor();
      const jobId = ((await onA.locator('h3').getAttribute('id')) ?? '').replace(/^job-/, '');
      expect(jobId).not.toBe('');

      // No server works the queue here, so the job waits for a worker, on either server's page.
      await signIn(b.page, world.b.url, 'admin');
      await b.page.goto(`${world.b.url}/admin`);
      const onB = b.page.locator('li.job').first();
      await onB.locator('.badge', { hasText: 'Queued' }).waitFor();
      expect(await onB.locator('h3').getAttribute('id')).toBe(`job-${jobId}`);
      // The starter's name replaces its account id once the page has read the accounts list.
      await expect.poll(async () => onB.textContent(), { timeout: 10_000 }).toMatch(/Started by admin/);
      expect(await onB.getByRole('status').textContent()).toMatch(/Waiting to start when a worker is free/);
      const [queued] = await world.query<{ status: string; runner: string | null }>('SELECT status, runner FROM ingest_jobs WHERE id = $1', [jobId]);
      expect(queued).toEqual({ status: 'queued', runner: null });

      const worker = await world.startWorker();
      await onB.locator('.badge', { hasText: 'Done' }).waitFor({ timeout: 60_000 });
      const added = onB.locator('dl.totals div', { has: b.page.locator('dt', { hasText: 'Added' }) }).locator('dd');
      expect(await added.textContent()).toBe('1');
      // The worker's re-check after the ingest went through every article in the database (the
      // one approved on B above, when that test ran first).
      const [articles] = await world.query<{ n: string }>('SELECT count(*) AS n FROM articles');
      expect(await onB.textContent()).toContain(`Articles re-checked: ${Number(articles?.n)}; re-review flags raised: 0.`);
      // A's page followed the same row to its end.
      await onA.locator('.badge', { hasText: 'Done' }).waitFor({ timeout: 10_000 });
      await expect.poll(() => worker.output(), { timeout: 10_000 }).toMatch(new RegExp(`ingest-request ${jobId}: done`));
      expect(worker.output()).toMatch(new RegExp(`ingest-request ${jobId}: started`));

      // The worker's ingest is in the library both servers search.
      const search = (await (await fetch(`${world.b.url}/api/v1/search?q=${encodeURIComponent('abscess drains flushed with saline')}`)).json()) as { hits: { source: { title: string } }[] };
      expect(search.hits[0]?.source.title).toBe('Ward note on abscess drains');
      const stats = (await (await fetch(`${world.a.url}/api/v1/library`)).json()) as { sources: number };
      expect(stats.sources).toBe(STARTER_FILES + 1);
      expect(problems).toEqual([]);
      expect(b.problems).toEqual([]);
    } finally {
      await context.close();
      await b.context.close();
    }
  });
});

if (SKIP !== '') {
  describe('the web app in the browser on PostgreSQL, two servers', () => {
    it.skip(SKIP, () => undefined);
  });
}
