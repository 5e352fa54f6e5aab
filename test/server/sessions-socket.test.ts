import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '../../src/config/container.js';
import { createServer } from '../../src/server/app.js';
import { listen, type RunningServer } from '../../src/server/listen.js';
import { makeStaff, PASSWORD } from './editorial-support.js';
import { buildStarterLibrary, openLibrary, removeLibrary, settingsFor } from './support.js';

/**
 * The browser's side of accounts over a real socket, with fetch as a browser's stand-in: the
 * Set-Cookie header as sent on the wire, the cookie sent back, CSRF refusal, and an article page
 * served as HTML to a client that runs no script.
 */
describe('sessions and article pages over a socket', () => {
  let db: string;
  let container: Container;
  let running: RunningServer;

  beforeAll(async () => {
    db = await buildStarterLibrary();
    container = openLibrary(db);
    const settings = { ...settingsFor(db).server, port: 0, logLevel: 'silent' as const };
    running = await listen(createServer(container, settings), settings);
    await makeStaff(container);
  }, 120_000);
  afterAll(async () => {
    await running.close();
    await container.close();
    removeLibrary(db);
  });

  it('signs in, uses the cookie with the CSRF token, publishes, and serves the page', async () => {
    const signIn = await fetch(`${running.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'editor', password: PASSWORD }),
    });
    expect(signIn.status).toBe(200);
    const setCookie = signIn.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^citemed_session=[A-Za-z0-9_-]{43}; /);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    // Plain HTTP on 127.0.0.1 with secureCookie "auto": no Secure flag, or the browser would drop it.
    expect(setCookie).not.toMatch(/Secure/);
    const cookie = setCookie.split(';')[0] ?? '';
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };

    const question = JSON.stringify({ question: 'How is cellulitis treated?' });
    const forged = await fetch(`${running.url}/api/v1/articles`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: question });
    expect(forged.status).toBe(403);
    const published = await fetch(`${running.url}/api/v1/articles`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      body: question,
    });
    expect(published.status).toBe(201);
    const { url } = (await published.json()) as { url: string };

    const page = await fetch(`${running.url}${url}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Pending human review');
    expect(html).toMatch(/<sup class="cite"><a href="#ref-1"/);
    expect(html).toMatch(/<li id="ref-1"><span class="label">/);
    expect(html).not.toMatch(/<script/i);
  });
});
