import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Container } from '../../src/config/container.js';
import type { SettingsPatch } from '../../src/config/settings.js';
import { createServer } from '../../src/server/app.js';
import { listen, type RunningServer } from '../../src/server/listen.js';
import { ROOT } from '../cli/run-cli.js';
import { makeStaff, PASSWORD, type Staff } from '../server/editorial-support.js';
import { buildStarterLibrary, openLibrary, removeLibrary, settingsFor } from '../server/support.js';

/**
 * End-to-end tests in a real browser: Debian's chromium driven by playwright-core, against
 * `citemed serve` on 127.0.0.1 with the starter library and one account of each role. No network
 * beyond the loopback: background networking, component updates and sync are off.
 */
export const CHROMIUM = process.env.CITEMED_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const HAVE_BUILD = existsSync(path.join(ROOT, 'web', 'dist', 'index.html'));
export const SKIP_REASON = !HAVE_CHROMIUM
  ? `end-to-end tests skipped: no chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`
  : !HAVE_BUILD
    ? 'end-to-end tests skipped: the web app is not built (npm run build; npm test builds it first)'
    : '';

/** Screenshots for the README, written by the e2e run. */
export const SCREENSHOTS = path.join(ROOT, 'docs', 'screenshots');

export const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const;

export interface World {
  db: string;
  container: Container;
  server: RunningServer;
  browser: Browser;
  staff: Staff;
  url: string;
  close(): Promise<void>;
}

/** `patch`: settings besides the server's, e.g. a language-model composer pointed at a fake server. */
export async function startWorld(patch: Omit<SettingsPatch, 'store' | 'server'> = {}): Promise<World> {
  const db = await buildStarterLibrary();
  const container = openLibrary(db, patch);
  // Rate limits stay on as in production, high enough for one test client.
  const settings = { ...settingsFor(db, { server: { rateLimit: { requestsPerMinute: 100_000, asksPerMinute: 10_000, signInsPerMinute: 1_000 } } }).server, port: 0, logLevel: 'silent' as const };
  const server = await listen(createServer(container, settings), settings);
  const staff = await makeStaff(container);
  const browser = await launchBrowser();
  return {
    db,
    container,
    server,
    browser,
    staff,
    url: server.url,
    async close() {
      await browser.close();
      await server.close();
      await container.close();
      removeLibrary(db);
    },
  };
}

/** Debian's chromium, headless, with no network beyond the loopback. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/** Signs in on the sign-in page of the server at `base`, as the test account `username` (makeStaff). */
export async function signIn(page: Page, base: string, username: string): Promise<void> {
  await page.goto(`${base}/signin`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Asks a question on the ask page already open. */
export async function ask(page: Page, question: string): Promise<void> {
  await page.getByLabel('Your question').fill(question);
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
}

/**
 * A signed-in reviewer's whole review at `base`: opens the article from the review desk, starts
 * the review, comments on the bottom line, and approves (after `beforeApproving`, e.g. a screenshot).
 */
export async function reviewAndApprove(page: Page, base: string, articleId: string, beforeApproving?: () => Promise<void>): Promise<void> {
  await page.goto(`${base}/review`);
  await page.getByRole('heading', { name: 'Review desk' }).waitFor();
  await page.locator(`a[href="/review/${articleId}"]`).first().click();
  await page.getByRole('button', { name: 'Start review' }).click();
  await page.getByRole('button', { name: 'Approve' }).waitFor();
  await page.getByRole('button', { name: 'Comment on statement bottom-line.1' }).click();
  await page.getByLabel('Comment', { exact: true }).fill('Checked against reference 1.');
  await page.getByRole('button', { name: 'Add comment' }).click();
  await page.getByText('Checked against reference 1.').waitFor();
  await beforeApproving?.();
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.getByText(/Approved/).first().waitFor();
}

/** The newest answer on the page, checked to be to `question` and marked as awaiting review. */
export async function answerTo(page: Page, question: string): Promise<Locator> {
  const answer = page.getByRole('article', { name: 'Answer' }).first();
  await answer.waitFor({ timeout: 30_000 });
  expect(await answer.locator('h1').textContent()).toBe(question);
  expect(await answer.textContent()).toMatch(/Pending human review/);
  return answer;
}

/** A citation number's accessible name: "Source 2 for “Percutaneous drainage is…”" (the reference number, then the statement). */
export const CITATION_NAME = /^Source (\d+) for “.+”$/;

/** Opens the answer's first citation and checks that the cited words are marked; the popover stays open. */
export async function openFirstCitation(page: Page, answer: Locator): Promise<Locator> {
  const citation = answer.getByRole('button', { name: CITATION_NAME }).first();
  const name = (await citation.getAttribute('aria-label')) ?? '';
  await citation.click();
  const popover = page.getByRole('dialog', { name: `Reference ${CITATION_NAME.exec(name)?.[1] ?? ''}` });
  await popover.waitFor();
  expect(await popover.locator('mark').count()).toBeGreaterThan(0);
  return popover;
}

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core in the page against WCAG 2.1 A and AA and returns its violations, each with the
 * elements at fault, so a failing test says exactly what to fix.
 */
export async function axe(page: Page): Promise<{ id: string; impact: string | null; help: string; targets: string[] }[]> {
  await page.addScriptTag({ path: AXE });
  // A string, evaluated in the page: the tests' TypeScript has no DOM types.
  const violations = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((result) => result.violations)`,
  )) as AxeViolation[];
  return violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

/** A screenshot of the whole page for the README, at one of the named widths. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A page of its own at a viewport, collecting console errors and failed requests (which tests assert are none). */
export async function openPage(world: Pick<World, 'browser'>, viewport: keyof typeof VIEWPORTS = 'desktop', options: { javaScript?: boolean; bypassCsp?: boolean } = {}) {
  // bypassCSP lets axe-core be injected into pages whose policy forbids inline scripts; the pages'
  // own behaviour under their CSP is what the other tests see, so axe is only run in such contexts.
  const context = await world.browser.newContext({ viewport: VIEWPORTS[viewport], javaScriptEnabled: options.javaScript ?? true, bypassCSP: options.bypassCsp ?? false });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // A request that failed: the server refused, reset or never answered it. Cancellations are not
  // failures: net::ERR_ABORTED is the browser dropping a request itself (the page navigated away
  // from a favicon still loading, the app aborted a superseded fetch) and Chromium also reports
  // some event streams so after their whole 200 response was read; the tests check what those
  // requests were for (the answer shown, the page loaded) directly.
  page.on('requestfailed', (request) => {
    const error = request.failure()?.errorText ?? '';
    if (error !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${error}`);
  });
  return { page, context, problems };
}
