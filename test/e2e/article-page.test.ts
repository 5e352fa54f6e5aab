import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe, openPage, screenshot, SKIP_REASON, startWorld, type World } from './support.js';

/**
 * The public article page in a real browser, with JavaScript off (it is server-rendered so it can
 * be shared, indexed and printed): structure, accessibility, print styles, phone width.
 */
describe.skipIf(SKIP_REASON !== '')('article page in the browser', () => {
  let world: World;
  let url = '';
  beforeAll(async () => {
    world = await startWorld();
    const api = (method: string, path: string, role: 'editor' | 'reviewer', body?: object) =>
      fetch(`${world.url}${path}`, { method, headers: { ...world.staff.headers[role], 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const published = (await (await api('POST', '/api/v1/articles', 'editor', { question: 'What is the management of an iliopsoas abscess?' })).json()) as { id: string; url: string };
    url = `${world.url}${published.url}`;
    await api('POST', `/api/v1/articles/${published.id}/review`, 'reviewer', { action: 'start-review' });
    await api('POST', `/api/v1/articles/${published.id}/review`, 'reviewer', { action: 'approve', version: 1 });
  }, 120_000);
  afterAll(async () => world?.close());

  it('reads without JavaScript: status, reviewer, last updated, policy, citations and references', async () => {
    const { page, context, problems } = await openPage(world, 'desktop', { javaScript: false });
    try {
      const response = await page.goto(url);
      expect(response?.status()).toBe(200);
      await expect(page.locator('h1').textContent()).resolves.toBe('What is the management of an iliopsoas abscess?');
      expect(await page.getByRole('status').textContent()).toMatch(/Reviewed by the medical review board/);
      expect(await page.locator('body').textContent()).toMatch(/Approved .* by Dr Rita Review, MD, Infectious diseases/);
      expect(await page.getByText(/^Last updated:/).count()).toBe(1);
      await expect(page.getByRole('link', { name: 'View editorial policy' }).getAttribute('href')).resolves.toBe('/editorial-policy');
      // The way back to the app: Ask and Articles, as on its own pages.
      const nav = page.getByRole('navigation', { name: 'Main' });
      await expect(nav.getByRole('link', { name: 'Ask' }).getAttribute('href')).resolves.toBe('/');
      await expect(nav.getByRole('link', { name: 'Articles' }).getAttribute('href')).resolves.toBe('/articles');
      // Every citation number leads to a reference that exists on the page.
      const targets = await page.locator('sup.cite a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      expect(targets.length).toBeGreaterThan(0);
      for (const target of new Set(targets)) expect(await page.locator(target ?? '#none').count()).toBe(1);
      expect(await page.locator('footer').textContent()).toMatch(/Disclaimer/);
      await screenshot(page, 'article-desktop');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('has no accessibility violations (axe-core, WCAG 2.1 AA)', async () => {
    const { page, context } = await openPage(world, 'desktop', { bypassCsp: true });
    try {
      await page.goto(url);
      expect(await axe(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const { page, context } = await openPage(world, 'phone', { javaScript: false });
    try {
      await page.goto(url);
      // A string: the test's TypeScript has no DOM types; the browser evaluates it.
      const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(page, 'article-phone');
    } finally {
      await context.close();
    }
  });

  it('prints without the site header, to a PDF', async () => {
    const { page, context } = await openPage(world, 'desktop', { javaScript: false });
    try {
      await page.goto(url);
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('header.site').isVisible()).toBe(false);
      expect(await page.locator('h1').isVisible()).toBe(true);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await context.close();
    }
  });
});

if (SKIP_REASON !== '') {
  describe('article page in the browser', () => {
    it.skip(SKIP_REASON, () => undefined);
  });
}
