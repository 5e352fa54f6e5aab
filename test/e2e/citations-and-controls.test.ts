import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { answerTo, ask, CITATION_NAME, openPage, signIn, SKIP_REASON, startWorld, VIEWPORTS, type World } from './support.js';

/**
 * What an exploratory tester found in citations and controls, in a real browser: a popover that
 * ran off a phone's screen, citation numbers a screen reader could not tell apart, Escape on a
 * hover preview stealing focus from the text box, and buttons offered that the server refuses.
 */
const QUESTION = 'What is the management of an iliopsoas abscess?';

/** Run in the page: whether `element` has focus (typed loosely, as this project's tests have no DOM types). */
const isFocused = (element: unknown): boolean => element === (element as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement;

describe.skipIf(SKIP_REASON !== '')('citations and the controls offered, in the browser', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  /** Opens the page's first citation with its number scrolled to the top, middle and bottom of the window; the popover stays inside it. */
  async function expectPopoversInside(page: Page): Promise<void> {
    const citation = page.getByRole('button', { name: CITATION_NAME }).first();
    const reference = CITATION_NAME.exec((await citation.getAttribute('aria-label')) ?? '')?.[1] ?? '';
    const popover = page.getByRole('dialog', { name: `Reference ${reference}` });
    for (const block of ['start', 'center', 'end'] as const) {
      await citation.evaluate((button, where) => button.scrollIntoView({ block: where }), block);
      await citation.click();
      await popover.waitFor();
      const box = await popover.boundingBox();
      expect(box, `popover with its number at the ${block}`).not.toBeNull();
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.y + box!.height).toBeLessThanOrEqual(VIEWPORTS.phone.height);
      await page.keyboard.press('Escape');
      await popover.waitFor({ state: 'hidden' });
    }
  }

  it('keeps the citation popover inside a phone screen, on the ask page and on the review desk', async () => {
    const asker = await openPage(world, 'phone');
    try {
      await asker.page.goto(world.url);
      await ask(asker.page, QUESTION);
      await answerTo(asker.page, QUESTION);
      await expectPopoversInside(asker.page);
      expect(asker.problems).toEqual([]);
    } finally {
      await asker.context.close();
    }

    const published = await fetch(`${world.url}/api/v1/articles`, {
      method: 'POST',
      headers: { ...world.staff.headers.editor, 'content-type': 'application/json' },
      body: JSON.stringify({ question: QUESTION, audience: 'clinician' }),
    });
    expect(published.status).toBeLessThan(300);
    const { url } = (await published.json()) as { url: string };
    const reviewer = await openPage(world, 'phone');
    try {
      await signIn(reviewer.page, world.url, 'reviewer');
      await reviewer.page.goto(`${world.url}/review/${url.split('/')[2] ?? ''}`);
      await reviewer.page.getByRole('button', { name: CITATION_NAME }).first().waitFor({ timeout: 30_000 });
      await expectPopoversInside(reviewer.page);
      expect(reviewer.problems).toEqual([]);
    } finally {
      await reviewer.context.close();
    }
  }, 120_000);

  it('names each citation by its reference and statement, and Escape on a hover preview leaves focus in the text box', async () => {
    const { page, context, problems } = await openPage(world, 'desktop');
    try {
      await page.goto(world.url);
      await ask(page, QUESTION);
      const answer = await answerTo(page, QUESTION);
      const names = await answer.getByRole('button', { name: CITATION_NAME }).evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')));
      expect(names.length).toBeGreaterThan(1);
      expect(new Set(names).size).toBe(names.length);

      // Typing a follow-up, the reader rests the mouse on a number: Escape closes the preview, and typing goes on.
      const box = page.getByLabel('Follow-up question');
      await box.click();
      await box.pressSequentially('and in ');
      const citation = answer.getByRole('button', { name: CITATION_NAME }).first();
      await citation.hover();
      const popover = page.getByRole('dialog');
      await popover.waitFor();
      await page.keyboard.press('Escape');
      await popover.waitFor({ state: 'hidden' });
      expect(await box.evaluate(isFocused)).toBe(true);

      // Opened by click, Escape hands focus back to the number.
      await citation.click();
      await popover.waitFor();
      await page.keyboard.press('Escape');
      await popover.waitFor({ state: 'hidden' });
      expect(await citation.evaluate(isFocused)).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('names the subsection a statement was quoted from beside it, not only in its popover', async () => {
    const { page, context, problems } = await openPage(world, 'desktop');
    try {
      const question = 'Is acetaminophen effective for acute low back pain?';
      await page.goto(world.url);
      await ask(page, question);
      const answer = await answerTo(page, question);
      // The meta-analysis sentence says nothing of opioids; its subsection does.
      const item = answer.getByRole('listitem').filter({ hasText: 'none enrolled patients with acute low back pain' });
      expect(await item.count()).toBe(1);
      expect((await item.textContent())?.replace(/\s+/g, ' ')).toMatch(/none enrolled patients with acute low back pain\.\s*1\s*\(§ Why opioids are a last resort\)/);
      // A top-level section says nothing the answer's own heading does not.
      expect(await answer.getByText('(§ Treatment)').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('offers no "Publish as article" for an answer the library could not give, and no "Disable" or unticking of Administrator on your own account', async () => {
    const { page, context, problems } = await openPage(world, 'desktop');
    try {
      await signIn(page, world.url, 'editor');
      await page.goto(world.url);
      await page.getByText('Filters', { exact: true }).click();
      await page.getByRole('checkbox', { name: 'Randomized trial' }).check();
      await ask(page, 'How is cellulitis treated?');
      const answer = page.getByRole('article', { name: 'Answer' }).first();
      await answer.getByText('Not offered as an article: the library could not answer this question').waitFor({ timeout: 30_000 });
      expect(await answer.getByRole('button', { name: 'Publish as article' }).count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }

    const admin = await openPage(world, 'desktop');
    try {
      await signIn(admin.page, world.url, 'admin');
      await admin.page.goto(`${world.url}/admin`);
      await admin.page.getByRole('button', { name: 'Disable editor' }).waitFor();
      expect(await admin.page.getByRole('button', { name: 'Disable admin' }).count()).toBe(0);
      expect(await admin.page.getByText('Your own account cannot be disabled').count()).toBe(1);
      // The Administrator box of your own account is ticked and cannot be unticked; another's can.
      await admin.page.getByRole('button', { name: 'Edit admin' }).click();
      const own = admin.page.getByRole('form', { name: 'Edit account admin' }).getByRole('checkbox', { name: 'Administrator' });
      expect(await own.isChecked()).toBe(true);
      expect(await own.isDisabled()).toBe(true);
      await admin.page.getByRole('button', { name: 'Edit editor' }).click();
      expect(await admin.page.getByRole('form', { name: 'Edit account editor' }).getByRole('checkbox', { name: 'Administrator' }).isDisabled()).toBe(false);
      expect(admin.problems).toEqual([]);
    } finally {
      await admin.context.close();
    }
  });
});
