/**
 * Page speed in a real browser: how long an article page takes to first render, and the web app's
 * pages, beside a floor measured in the same run on the same bytes.
 *
 * Usage (from the project root, after `npm run build`; no npm script):
 *
 *   npx tsx bench/web/run.ts [--loads 30]
 *
 * 1. Ingests library/starter into a temporary library (the CLI, low-memory preset), starts the
 *    HTTP server in this process on 127.0.0.1 (port 0), makes an editor and publishes one article
 *    (the iliopsoas abscess question) through the API.
 * 2. Launches Debian's chromium (playwright-core, headless, no background networking) and loads
 *    each page --loads times, each time in a fresh browser context (cold cache, no cookies):
 *    - the article page `/articles/<id>/<slug>` (server-rendered HTML, no script);
 *    - the same page's bytes served by a bare `node:http` server that answers from memory with no
 *      routing, no database and no rendering: the floor the network stack and browser set;
 *    - the web app's Ask page `/` (index.html, then the JavaScript bundle renders the page).
 *    Per load it reads the browser's own timings: time to first byte (responseStart), first
 *    contentful paint, DOMContentLoaded and load, all from navigation start.
 * 3. Prints a Markdown table of p50 and p95 per page and metric. The target (issue 7) is first
 *    render of an article page under 1 s on these machines.
 *
 * Numbers are of one headless chromium on the same 2 cores as the server; treat them as ±20%.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { createAccount, createApiKey } from '../../src/accounts/accounts.js';
import { createContainer } from '../../src/config/container.js';
import { SettingsSchema } from '../../src/config/settings.js';
import { createServer } from '../../src/server/app.js';
import { listen } from '../../src/server/listen.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = '/usr/bin/chromium';
const QUESTION = 'What is the management of an iliopsoas abscess?';

interface Timing {
  ttfb: number;
  fcp: number;
  domContentLoaded: number;
  load: number;
}

async function measure(browser: Browser, url: string, loads: number): Promise<Timing[]> {
  const timings: Timing[] = [];
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response || response.status() !== 200) throw new Error(`${url} answered ${response?.status()}`);
    // First contentful paint is reported just after load on a fast page; wait for it.
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, undefined, { timeout: 10_000 });
    timings.push(
      await page.evaluate(() => {
        // The Node typings lack the DOM's PerformanceNavigationTiming; these four fields are all we read.
        const nav = (performance.getEntriesByType as (type: string) => unknown[])('navigation')[0] as { responseStart: number; domContentLoadedEventEnd: number; loadEventEnd: number };
        const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN;
        return { ttfb: nav.responseStart, fcp, domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd };
      }),
    );
    await context.close();
  }
  return timings;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { loads: { type: 'string', default: '30' } }, strict: true });
  const loads = Number(values.loads);
  if (!Number.isInteger(loads) || loads < 1 || loads > 500) throw new Error('--loads takes a whole number from 1 to 500');
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: apt-get install chromium`);
  if (!existsSync(path.join(ROOT, 'web', 'dist', 'index.html'))) throw new Error('the web app is not built: npm run build');

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'citemed-bench-web-'));
  const db = path.join(tmp, 'lib.db');
  const ingest = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'citemed.js'), '--db', db, '--preset', 'low-memory', 'ingest', '-q', path.join(ROOT, 'library', 'starter')], { cwd: ROOT, encoding: 'utf8' });
  if (ingest.status !== 0) throw new Error(`ingest failed: ${ingest.stderr}`);

  const settings = SettingsSchema.parse({ store: { path: db }, server: { port: 0, logLevel: 'silent', rateLimit: { enabled: false } } });
  const container = createContainer(settings, { create: false });
  const server = await listen(createServer(container, settings.server), settings.server);
  const floor = createHttpServer();
  let browser: Browser | undefined;
  try {
    const editor = await createAccount(container.accounts, 'system', { username: 'web-bench', displayName: 'Bench', roles: ['editor'], password: 'a long passphrase for the bench' });
    const { token } = await createApiKey(container.accounts, editor.id, editor.id, 'bench/web');
    const published = await fetch(`${server.url}/api/v1/articles`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question: QUESTION }),
    });
    const article = (await published.json()) as { url: string };
    const pageBytes = Buffer.from(await (await fetch(`${server.url}${article.url}`)).arrayBuffer());
    const icon = Buffer.from(await (await fetch(`${server.url}/favicon.svg`)).arrayBuffer());
    floor.on('request', (request, response) => {
      const svg = request.url === '/favicon.svg';
      response.writeHead(200, { 'content-type': svg ? 'image/svg+xml' : 'text/html; charset=utf-8' });
      response.end(svg ? icon : pageBytes);
    });
    await new Promise<void>((resolve) => floor.listen(0, '127.0.0.1', resolve));
    const floorPort = (floor.address() as { port: number }).port;

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    const pages: [string, string][] = [
      ['article page, `citemed serve` (server-rendered, no script)', `${server.url}${article.url}`],
      ['same bytes from a bare `node:http` server (floor)', `http://127.0.0.1:${floorPort}${article.url}`],
      ['web app Ask page `/` (HTML + JS bundle renders)', `${server.url}/`],
    ];
    // One warm-up load each (server JIT, chromium's first start), not counted.
    for (const [, url] of pages) await measure(browser, url, 1);
    const rows: string[] = [];
    for (const [label, url] of pages) {
      process.stderr.write(`bench/web: ${label}: ${loads} loads\n`);
      const t = await measure(browser, url, loads);
      const cell = (key: keyof Timing) => `${percentile(t.map((x) => x[key]), 50).toFixed(0)} / ${percentile(t.map((x) => x[key]), 95).toFixed(0)}`;
      rows.push(`| ${label} | ${cell('ttfb')} | ${cell('fcp')} | ${cell('domContentLoaded')} | ${cell('load')} |`);
    }
    const out = [
      '## Page speed in the browser (`bench/web`)',
      '',
      `\`npx tsx bench/web/run.ts --loads ${loads}\` — ${new Date().toISOString().slice(0, 10)}, chromium ${browser.version()}, ${os.cpus().length} CPUs, Node ${process.version}. Each load in a fresh context (cold cache), 1280×900. Milliseconds from navigation start, p50 / p95.`,
      '',
      '| page | first byte | first contentful paint | DOMContentLoaded | load |',
      '|---|---:|---:|---:|---:|',
      ...rows,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  } finally {
    await browser?.close();
    floor.close();
    await server.close();
    await container.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

process.exitCode = await main();
