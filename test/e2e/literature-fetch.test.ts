import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeEutils, type FakeEutils } from '../support/fake-eutils.js';
import { ask, axe, openPage, screenshot, signIn, SKIP_REASON, startWorld, type World } from './support.js';

/** Found too little in the starter library; matches PMID 90000001 of the fake E-utilities. */
const QUESTION = 'oral rehydration in children with diarrhoea';
const TOO_LITTLE = 'The library does not hold enough evidence to answer this question.';
const SEARCH_PUBMED = 'Search PubMed for this question';

/** Signs in as `role` and asks `question`, up to the answer that says the library holds too little. */
async function askForTooLittle(page: Parameters<typeof ask>[0], url: string, role: Parameters<typeof signIn>[2], question: string): Promise<void> {
  await signIn(page, url, role);
  await ask(page, question);
  await page.getByText(TOO_LITTLE, { exact: true }).waitFor({ timeout: 30_000 });
}

/**
 * "Search PubMed for this question" in a real browser, against `citemed serve` with
 * `literature.serverFetch` on and PubMed played by the fake E-utilities on 127.0.0.1: offered to
 * editors only, under an answer that found too little; busy while the server fetches; the new
 * answer shown with a line saying what was added; the server's message when the service fails.
 */
describe.skipIf(SKIP_REASON !== '')('fetching from PubMed on the ask page', () => {
  let fake: FakeEutils;
  let world: World;
  beforeAll(async () => {
    fake = await startFakeEutils();
    world = await startWorld({
      literature: { serverFetch: true, pubmed: { baseUrl: fake.baseUrl, email: 'tests@example.org', maxRetries: 1, timeoutMs: 5_000, requestsPerSecond: 50 } },
    });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
    await fake?.close();
  });

  it('is not offered to a reader', async () => {
    const { page, context, problems } = await openPage(world, 'desktop');
    try {
      await askForTooLittle(page, world.url, 'reader', QUESTION);
      expect(await page.getByRole('button', { name: SEARCH_PUBMED }).count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("says the server's message when PubMed does not answer", async () => {
    const { page, context } = await openPage(world, 'desktop');
    try {
      await askForTooLittle(page, world.url, 'editor', 'zebra migration patterns in winter');
      fake.script({ status: 503 }, { status: 503 });
      await page.getByRole('button', { name: SEARCH_PUBMED }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor({ timeout: 30_000 });
      expect(await alert.textContent()).toMatch(/^Searching PubMed did not work\. An outside service .* did not answer; try again later\./);
      // The answer that had too little stands, and the offer with it.
      expect(await page.getByRole('button', { name: SEARCH_PUBMED }).isEnabled()).toBe(true);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('fetches for an editor, shows that it is busy, then the new answer and what was added', async () => {
    const { page, context, problems } = await openPage(world, 'desktop');
    try {
      await askForTooLittle(page, world.url, 'editor', QUESTION);
      const offer = page.getByRole('button', { name: SEARCH_PUBMED });
      expect(await page.getByRole('button', { name: 'Search Europe PMC instead' }).count()).toBe(1);
      // Before anything leaves the service, the page says where the words go.
      expect(await page.locator('.literature-fetch').textContent()).toContain('These words are sent outside this service (to NCBI for PubMed, to EMBL-EBI for Europe PMC)');
      await screenshot(page, 'ask-fetch-offer-desktop');

      // PubMed takes its time: the page says it is working, and nothing can be fetched twice.
      fake.script({ delayMs: 1_500 });
      await offer.click();
      const status = page.locator('.literature-fetch-status [role="status"]');
      await page.getByText('Searching PubMed and adding what it finds to the library. This can take several seconds…').waitFor();
      expect(await page.getByRole('button', { name: 'Searching PubMed…' }).isDisabled()).toBe(true);

      await page.getByText(/^PubMed found 1 record for “oral rehydration in children with diarrhoea”: 1 fetched, 1 added to the library\./).waitFor({ timeout: 30_000 });
      expect(await status.textContent()).toContain('the answer above is the new one');
      const answer = page.getByRole('article', { name: 'Answer' });
      await answer.getByText('Synthetic test record one', { exact: false }).first().waitFor({ timeout: 30_000 });
      expect(await page.getByText(TOO_LITTLE, { exact: true }).count()).toBe(0);
      expect(await page.getByRole('button', { name: SEARCH_PUBMED }).count()).toBe(0);
      await screenshot(page, 'ask-fetch-done-desktop');
      expect(fake.requests.some((r) => r.path.endsWith('esearch.fcgi') && r.params.term === QUESTION)).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('passes axe with the offer on the page', async () => {
    const { page, context } = await openPage(world, 'desktop', { bypassCsp: true });
    try {
      await signIn(page, world.url, 'editor');
      await ask(page, 'zebra migration patterns in winter');
      await page.getByRole('button', { name: SEARCH_PUBMED }).waitFor({ timeout: 30_000 });
      expect(await axe(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
