import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeChatServer, type FakeChatServer } from '../support/fake-chat-server.js';
import { llmPatch } from '../server/support.js';
import { answerTo, ask, axe, CITATION_NAME, openFirstCitation, openPage, reviewAndApprove, screenshot, signIn, SKIP_REASON, startWorld, type World } from './support.js';

/**
 * The whole journey in a real browser, as its users make it: a clinician asks and gets a streamed,
 * cited answer, checks a citation, asks a follow-up; an editor publishes it; a reviewer takes it
 * under review and approves it; the public page then says Approved. Also what a careless or
 * hostile user types, and the accessibility of every page on the way.
 */
const QUESTION = 'What is the management of an iliopsoas abscess?';

describe.skipIf(SKIP_REASON !== '')('the web app in the browser', () => {
  let world: World;
  let articleUrl = '';
  // A folder on the server that administrators may ingest from (ingest.serverRoots).
  const inbox = mkdtempSync(path.join(tmpdir(), 'citemed-e2e-inbox-'));

  /** A page signed in as the editor, showing the answer to QUESTION. */
  async function editorWithAnswer(): Promise<Awaited<ReturnType<typeof openPage>>> {
    const editor = await openPage(world, 'desktop');
    try {
      await signIn(editor.page, world.url, 'editor');
      await editor.page.goto(world.url);
      await ask(editor.page, QUESTION);
      await answerTo(editor.page, QUESTION);
      return editor;
    } catch (error) {
      await editor.context.close();
      throw error;
    }
  }

  beforeAll(async () => {
    writeFileSync(
      path.join(inbox, 'ward-drains.md'),
      '---\ntitle: Ward note on abscess drains\n---\n\n# Drains\n\nAbscess drains on this ward are flushed with saline once a day.\n',
    );
    world = await startWorld({ ingest: { serverRoots: [inbox] } });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
    rmSync(inbox, { recursive: true, force: true });
  });

  it('an administrator ingests a folder on the server and watches the job finish', async () => {
    const { page, context, problems } = await openPage(world, 'desktop');
    try {
      await signIn(page, world.url, 'admin');
      await page.goto(`${world.url}/admin`);
      await page.getByRole('heading', { name: 'Library' }).waitFor();
      await page.getByLabel('Paths on the server (one per line)').fill(inbox);
      await page.getByRole('button', { name: 'Start ingest' }).click();
      const job = page.locator('li.job').first();
      await job.locator('.badge', { hasText: 'Done' }).waitFor({ timeout: 60_000 });
      const added = job.locator('dl.totals div', { has: page.locator('dt', { hasText: 'Added' }) }).locator('dd');
      expect(await added.textContent()).toBe('1');
      // The library statistics count the new source.
      const stats = (await (await fetch(`${world.url}/api/v1/library`)).json()) as { sources: number };
      expect(stats.sources).toBeGreaterThan(30);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('an administrator builds the postings index from the admin page and sees it in use', async () => {
    const { page, context, problems } = await openPage(world, 'desktop');
    try {
      await signIn(page, world.url, 'admin');
      await page.goto(`${world.url}/admin`);
      const panel = page.getByRole('region', { name: 'Postings index' });
      await panel.getByText(/^Not built\./).waitFor();
      await panel.getByRole('button', { name: 'Build the index' }).click();
      await panel.locator('.badge', { hasText: 'Done' }).waitFor({ timeout: 60_000 });
      // The state is read again once the job ends: built, covering the whole library, in use.
      const stats = (await (await fetch(`${world.url}/api/v1/library`)).json()) as { passages: number; postings?: { passages: number } };
      expect(stats.postings?.passages).toBe(stats.passages);
      await panel.getByText(`covering ${stats.passages.toLocaleString('en-US')} passages`).waitFor();
      expect(await panel.locator('.postings-use').textContent()).toBe('In use: searches rank from it.');
      expect(await panel.getByText(/^Built in .+ passages, .+ terms/).count()).toBe(1);
      expect(await panel.getByRole('button', { name: 'Rebuild the index' }).count()).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('asks, streams a cited answer, opens a citation with the cited words marked, and follows up', async () => {
    const { page, context, problems } = await openPage(world, 'desktop');
    try {
      await page.goto(world.url);
      await page.getByRole('group', { name: 'Which best describes you?' }).getByLabel('Physician or clinician').check();
      await ask(page, QUESTION);
      const answer = await answerTo(page, QUESTION);
      const popover = await openFirstCitation(page, answer);
      await screenshot(page, 'ask-citation-desktop');
      await page.keyboard.press('Escape');
      await popover.waitFor({ state: 'hidden' });

      await page.getByLabel('Follow-up question').fill('and when is surgery needed?');
      await page.getByRole('button', { name: 'Ask follow-up' }).click();
      await expect.poll(() => page.getByRole('article', { name: 'Answer' }).count(), { timeout: 30_000 }).toBe(2);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('handles bad input gracefully: empty, very long, and HTML questions', async () => {
    const { page, context, problems } = await openPage(world, 'desktop');
    try {
      await page.goto(world.url);
      await ask(page, '   ');
      expect(await page.getByRole('alert').first().textContent()).toMatch(/question/i);
      expect(await page.getByRole('article', { name: 'Answer' }).count()).toBe(0);

      // The box stops at 2,000 characters, as the API does.
      await page.getByLabel('Your question').fill('x'.repeat(2_500));
      expect(((await page.getByLabel('Your question').inputValue()) ?? '').length).toBeLessThanOrEqual(2_000);

      // Markup in a question is text, never markup.
      let dialogs = 0;
      page.on('dialog', (dialog) => {
        dialogs += 1;
        void dialog.dismiss();
      });
      await ask(page, '<img src=x onerror="alert(1)"> <b>iliopsoas</b> abscess drainage');
      const answer = page.getByRole('article', { name: 'Answer' }).first();
      await answer.waitFor({ timeout: 30_000 });
      expect(await answer.locator('h1').textContent()).toContain('<img src=x onerror="alert(1)">');
      expect(await page.locator('main img').count()).toBe(0);
      expect(dialogs).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('an editor publishes the answer; a reviewer reviews and approves it; the public page says Approved', async () => {
    const editor = await editorWithAnswer();
    try {
      await editor.page.getByRole('button', { name: 'Publish as article' }).click();
      const link = editor.page.getByRole('link', { name: 'Open the article page' });
      await link.waitFor({ timeout: 30_000 });
      articleUrl = (await link.getAttribute('href')) ?? '';
      expect(articleUrl).toMatch(/^\/articles\/[a-z2-9]{10}\/what-is-the-management-of-an-iliopsoas-abscess$/);
      await editor.page.goto(`${world.url}${articleUrl}`);
      expect(await editor.page.getByRole('status').textContent()).toMatch(/Pending human review/);
    } finally {
      await editor.context.close();
    }

    const reviewer = await openPage(world, 'desktop');
    try {
      await signIn(reviewer.page, world.url, 'reviewer');
      const articleId = articleUrl.split('/')[2] ?? '';
      // What the first statement cites, as the API holds it: the reviewer must be able to read it on the desk.
      const version = (await (await fetch(`${world.url}/api/v1/articles/${articleId}/versions/1`, { headers: world.staff.headers.reviewer })).json()) as {
        answer: { references: { number: number; evidence: string[] }[]; evidence: { id: string; text: string }[] };
        statements: { key: string; evidence: string[] }[];
      };
      const first = version.statements[0];
      const cited = version.answer.references.find((r) => r.evidence.some((id) => first?.evidence.includes(id)));
      const passage = version.answer.evidence.find((e) => cited?.evidence.includes(e.id) && first?.evidence.includes(e.id));
      if (!first || !cited || !passage) throw new Error('the published answer cites nothing');
      // With a comment on one statement, shown in the README's screenshot of the review desk.
      await reviewAndApprove(reviewer.page, world.url, articleId, async () => {
        // Each statement carries its citation numbers; the first opens the passage it cites, the supporting words marked.
        const statement = reviewer.page.locator('.cell', { has: reviewer.page.getByText(first.key, { exact: true }) });
        const popover = await openFirstCitation(reviewer.page, statement);
        expect(await popover.getAttribute('aria-label')).toBe(`Reference ${cited.number}`);
        const quoted = popover.locator('blockquote.passage').first();
        expect(await quoted.isVisible()).toBe(true);
        expect((await quoted.locator('p').last().textContent())?.trim()).toBe(passage.text.trim());
        await screenshot(reviewer.page, 'review-desktop');
        // And the version's reference list, which the popover links to.
        await popover.getByRole('link', { name: `Reference ${cited.number} in the list` }).click();
        expect(await reviewer.page.getByRole('heading', { name: 'References of version 1' }).isVisible()).toBe(true);
        expect(await reviewer.page.locator(`#v1-ref-${cited.number}`).isVisible()).toBe(true);
      });
      expect(reviewer.problems).toEqual([]);
    } finally {
      await reviewer.context.close();
    }

    const reader = await openPage(world, 'phone', { javaScript: false });
    try {
      await reader.page.goto(`${world.url}${articleUrl}`);
      expect(await reader.page.getByRole('status').textContent()).toMatch(/Reviewed by the medical review board/);
      expect(await reader.page.locator('body').textContent()).toMatch(/Approved .* by Dr Rita Review, MD, Infectious diseases/);
    } finally {
      await reader.context.close();
    }
  });

  it('a reviewer rejects an article after confirming; it stays open on the review desk with the reason, and readers cannot see it', async () => {
    const published = (await (
      await fetch(`${world.url}/api/v1/articles`, {
        method: 'POST',
        headers: { ...world.staff.headers.editor, 'content-type': 'application/json' },
        body: JSON.stringify({ question: 'How is an iliopsoas hematoma managed?' }),
      })
    ).json()) as { id: string; url: string; title: string };
    const { page, context, problems } = await openPage(world, 'desktop');
    try {
      await signIn(page, world.url, 'reviewer');
      await page.goto(`${world.url}/review/${published.id}`);
      await page.getByRole('button', { name: 'Start review' }).click();
      await page.getByRole('button', { name: 'Reject' }).waitFor();
      await page.getByLabel('Reason').fill('Out of scope for the infectious diseases board.');
      await page.getByRole('button', { name: 'Reject' }).click();
      // Final, so it asks first: nothing is sent until the reviewer confirms.
      const confirm = page.getByRole('group', { name: 'Confirm: reject version 1' });
      await confirm.waitFor();
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      expect(await confirm.count()).toBe(0);
      expect(await page.locator('.facts .badge').textContent()).toBe('Under review');
      await page.getByRole('button', { name: 'Reject' }).click();
      await confirm.getByRole('button', { name: 'Yes, reject version 1' }).click();

      // The article is still there, read only, saying why.
      const rejection = page.getByRole('region', { name: 'Rejected' });
      await rejection.waitFor();
      expect(await rejection.textContent()).toMatch(/Version 1 was rejected by Dr Rita Review.*Out of scope for the infectious diseases board\./);
      expect(await page.locator('.facts .badge').textContent()).toBe('Rejected');
      expect(await page.getByText(/no article/).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Comment on statement/ }).count()).toBe(0);

      // Opened again from the Rejected queue.
      await page.goto(`${world.url}/review`);
      await page.getByRole('tab', { name: /^Rejected/ }).click();
      await page.getByRole('link', { name: published.title }).click();
      await page.getByRole('heading', { name: published.title }).waitFor();
      await rejection.waitFor();
      expect(await page.getByRole('heading', { name: 'Decisions' }).isVisible()).toBe(true);
      expect(await page.getByText('Article not available').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
    expect((await fetch(`${world.url}${published.url}`)).status).toBe(404);
    expect((await fetch(`${world.url}/api/v1/articles/${published.id}`)).status).toBe(404);
  });

  it('publishing a follow-up asks the editor for a question that stands alone, and the article gets it', async () => {
    const editor = await editorWithAnswer();
    try {
      // The first answer is not a follow-up: nothing to rewrite.
      expect(await editor.page.getByLabel('Article question').count()).toBe(0);

      await editor.page.getByLabel('Follow-up question').fill('and when is surgery needed?');
      await editor.page.getByRole('button', { name: 'Ask follow-up' }).click();
      await expect.poll(() => editor.page.getByRole('article', { name: 'Answer' }).count(), { timeout: 30_000 }).toBe(2);
      const box = editor.page.getByLabel('Article question');
      await box.waitFor();
      // Prefilled with the reading against the thread, which names the topic; never the bare fragment.
      const prefilled = await box.inputValue();
      expect(prefilled).toMatch(/iliopsoas/i);
      expect(prefilled).not.toBe('and when is surgery needed?');

      await box.fill('   ');
      await editor.page.getByRole('button', { name: 'Publish as article' }).last().click();
      expect(await editor.page.getByRole('alert').last().textContent()).toMatch(/stands alone/);

      await box.fill('When is surgery needed for an iliopsoas abscess?');
      await editor.page.getByRole('button', { name: 'Publish as article' }).last().click();
      const link = editor.page.getByRole('link', { name: 'Open the article page' });
      await link.waitFor({ timeout: 30_000 });
      expect(await link.getAttribute('href')).toMatch(/^\/articles\/[a-z2-9]{10}\/when-is-surgery-needed-for-an-iliopsoas-abscess$/);
      expect(editor.problems).toEqual([]);
    } finally {
      await editor.context.close();
    }
  });

  it('every page of the app passes axe-core (WCAG 2.1 AA) and fits a phone; screenshots for the README', async () => {
    const pages: [string, string, 'editor' | 'reviewer' | 'admin' | undefined][] = [
      ['ask', '/', undefined],
      ['articles', '/articles', undefined],
      ['signin', '/signin', undefined],
      ['review-queue', '/review', 'reviewer'],
      // One article on the desk, with its statements' citation numbers and references (approved by the test above).
      ['review-article', `/review/${articleUrl.split('/')[2] ?? ''}`, 'reviewer'],
      ['admin', '/admin', 'admin'],
    ];
    const found: Record<string, unknown> = {};
    for (const viewport of ['desktop', 'phone'] as const) {
      for (const [name, path, role] of pages) {
        const { page, context, problems } = await openPage(world, viewport, { bypassCsp: true });
        try {
          if (role) await signIn(page, world.url, role);
          await page.goto(`${world.url}${path}`);
          await page.locator('main h1').first().waitFor();
          await page.waitForLoadState('networkidle');
          await screenshot(page, `${name}-${viewport}`);
          const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
          const violations = await axe(page);
          if (violations.length > 0 || overflow > 0 || problems.length > 0) found[`${name} ${viewport}`] = { violations, overflow, problems };
        } finally {
          await context.close();
        }
      }
    }
    expect(found).toEqual({});
  }, 120_000);
});

describe.skipIf(SKIP_REASON !== '')('streaming a language model\'s draft in the browser', () => {
  let world: World;
  let chat: FakeChatServer;
  beforeAll(async () => {
    chat = await startFakeChatServer();
    world = await startWorld(llmPatch(chat.baseUrl));
  }, 120_000);
  afterAll(async () => {
    await world?.close();
    await chat?.close();
  });

  it('shows the unverified draft as it is written, then replaces it with the verified answer', async () => {
    // The model's reply (the fake's default: each passage cited) arrives in small pieces, slowly.
    chat.script({ fragmentBytes: 400, gapMs: 25 });
    const { page, context, problems } = await openPage(world, 'desktop');
    try {
      await page.goto(world.url);
      await ask(page, QUESTION);
      const draft = page.getByRole('region', { name: 'Unverified draft' });
      await draft.waitFor({ timeout: 30_000 });
      await expect.poll(async () => ((await draft.textContent()) ?? '').length, { timeout: 30_000 }).toBeGreaterThan(20);
      const answer = page.getByRole('article', { name: 'Answer' }).first();
      await answer.waitFor({ timeout: 60_000 });
      expect(await draft.count()).toBe(0);
      expect(await answer.getByRole('button', { name: CITATION_NAME }).count()).toBeGreaterThan(0);
      expect(chat.requests.length).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('the audit log shows the latest changes first, 50 at a time, and pages back to the oldest', async () => {
    // Last in the file, so the README's screenshots do not show these entries.
    // Enough entries for two pages and a bit: 60 keys made and revoked by the command line's actor.
    for (let i = 0; i < 30; i++) {
      await world.container.editorial.audit.append({ at: new Date().toISOString(), actor: 'system', action: 'api-key.create', subjectType: 'api-key', subjectId: `k${i}` });
      await world.container.editorial.audit.append({ at: new Date().toISOString(), actor: 'system', action: 'api-key.revoke', subjectType: 'api-key', subjectId: `k${i}` });
    }
    const { page, context, problems } = await openPage(world, 'desktop');
    try {
      await signIn(page, world.url, 'admin');
      await page.goto(`${world.url}/admin`);
      const rows = page.locator('table.audit tbody tr');
      await rows.first().waitFor();
      const seqs = async () => (await rows.locator('td[data-label="Seq"]').allTextContents()).map(Number);
      const first = await seqs();
      expect(first).toHaveLength(50);
      // Newest first: the session of the sign-in just made is at the top, and the numbers fall without gaps.
      expect(await rows.first().locator('td[data-label="Action"]').textContent()).toBe('session.create');
      expect(first).toEqual(first.map((_, i) => (first[0] as number) - i));
      await page.getByRole('button', { name: 'Show older changes' }).click();
      await expect.poll(async () => (await seqs()).length).toBeGreaterThan(50);
      const all = await seqs();
      // Read back to entry 1, nothing missed or doubled, and then there is nothing older to ask for.
      while (all.at(-1) !== 1 && (await page.getByRole('button', { name: 'Show older changes' }).count()) > 0) {
        const before = all.length;
        await page.getByRole('button', { name: 'Show older changes' }).click();
        await expect.poll(async () => (await seqs()).length).toBeGreaterThan(before);
        all.splice(0, all.length, ...(await seqs()));
      }
      expect(all).toEqual(all.map((_, i) => (all[0] as number) - i));
      expect(all.at(-1)).toBe(1);
      expect(await page.getByRole('button', { name: 'Show older changes' }).count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

if (SKIP_REASON !== '') {
  describe('the web app in the browser', () => {
    it.skip(SKIP_REASON, () => undefined);
  });
}
