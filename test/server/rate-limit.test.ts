import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '../../src/config/container.js';
import { createAccount, createApiKey } from '../../src/accounts/accounts.js';
import type { Account } from '../../src/domain/accounts.js';
import { createServer } from '../../src/server/app.js';
import { TokenBuckets } from '../../src/server/rate-limit.js';
import { buildStarterLibrary, openLibrary, removeLibrary, settingsFor } from './support.js';

describe('TokenBuckets', () => {
  it('allows a burst of perMinute, then one more each 60/perMinute seconds, per client', () => {
    let now = 0;
    const buckets = new TokenBuckets(3, 100, () => now);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(20); // one token every 20 s
    expect(buckets.take('b')).toBe(0); // another client has its own bucket
    now += 20_000;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBeGreaterThan(0);
  });

  it('remembers a bounded number of clients, forgetting the least recently seen', () => {
    const buckets = new TokenBuckets(1, 2, () => 0);
    buckets.take('a');
    buckets.take('b');
    buckets.take('a');
    buckets.take('c'); // forgets b, seen least recently
    expect(buckets.clients).toBe(2);
    expect(buckets.take('a')).toBeGreaterThan(0); // a is still remembered: its bucket is empty
    expect(buckets.take('b')).toBe(0); // b was forgotten: a full bucket again
  });
});

describe('rate limits on the HTTP API', () => {
  let db: string;
  let container: Container;
  beforeAll(async () => {
    db = await buildStarterLibrary();
    container = openLibrary(db);
  });
  afterAll(async () => {
    await container.close();
    removeLibrary(db);
  });

  it('answers 429 with Retry-After past the limit, per address, and never limits health checks', async () => {
    let now = 0;
    const settings = settingsFor(db, { server: { rateLimit: { requestsPerMinute: 2, asksPerMinute: 1 } } }).server;
    const app = createServer(container, settings, { now: () => now });
    await app.ready();
    try {
      const search = (ip = '10.0.0.1') => app.inject({ url: '/api/v1/search?q=iliopsoas%20abscess', remoteAddress: ip });
      expect((await search()).statusCode).toBe(200);
      expect((await search()).statusCode).toBe(200);
      const limited = await search();
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBe('30');
      expect(limited.json()).toEqual({ error: { code: 'rate-limited', message: 'too many requests from this address; try again in 30 s' } });
      expect(limited.headers['x-content-type-options']).toBe('nosniff');
      expect((await search('10.0.0.2')).statusCode).toBe(200);
      for (let i = 0; i < 5; i++) expect((await app.inject({ url: '/health', remoteAddress: '10.0.0.1' })).statusCode).toBe(200);

      // Asks have their own, smaller bucket.
      const ask = () => app.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: 'iliopsoas abscess drainage' }, remoteAddress: '10.0.0.3' });
      expect((await ask()).statusCode).toBe(200);
      expect((await ask()).statusCode).toBe(429);
      now += 60_000;
      expect((await ask()).statusCode).toBe(200);
      // Starting a thread draws on the same bucket: threads are capped, and a client starting them
      // at the request rate would push out everyone else's.
      const thread = () => app.inject({ method: 'POST', url: '/api/v1/threads', remoteAddress: '10.0.0.4' });
      expect((await thread()).statusCode).toBe(201);
      expect((await thread()).statusCode).toBe(429);
    } finally {
      await app.close();
    }
  });

  it('limits per API key apart from the address, and sign-in attempts per address more tightly', async () => {
    const settings = settingsFor(db, { server: { rateLimit: { requestsPerMinute: 100, keyRequestsPerMinute: 2, signInsPerMinute: 2 } } }).server;
    const app = createServer(container, settings, { now: () => 0 });
    await app.ready();
    try {
      const { token } = await createApiKey(container.accounts, 'system', (await firstAccount(container)).id, 'limits');
      const withKey = () => app.inject({ url: '/api/v1/search?q=gout', headers: { authorization: `Bearer ${token}` }, remoteAddress: '10.0.1.1' });
      expect((await withKey()).statusCode).toBe(200);
      expect((await withKey()).statusCode).toBe(200);
      const limited = await withKey();
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.message).toMatch(/from this API key/);
      // The same address without the key still has its own budget.
      expect((await app.inject({ url: '/api/v1/search?q=gout', remoteAddress: '10.0.1.1' })).statusCode).toBe(200);

      const signIn = () => app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'nobody', password: 'guess number n' }, remoteAddress: '10.0.1.2' });
      expect((await signIn()).statusCode).toBe(401);
      expect((await signIn()).statusCode).toBe(401);
      expect((await signIn()).statusCode).toBe(429);
    } finally {
      await app.close();
    }
  });

  it('counts checks of the current password against the address\'s sign-in bucket, however the path is spelled', async () => {
    const settings = settingsFor(db, { server: { rateLimit: { requestsPerMinute: 100, keyRequestsPerMinute: 100, signInsPerMinute: 2 } } }).server;
    let now = 0;
    const app = createServer(container, settings, { now: () => now });
    await app.ready();
    try {
      const account = await createAccount(container.accounts, 'system', { username: 'guessed', displayName: 'Guessed', roles: ['reader'], password: 'the right passphrase' });
      const { token } = await createApiKey(container.accounts, 'system', account.id, 'guessing');
      const change = (current: string, url = '/api/v1/me/password') =>
        app.inject({ method: 'POST', url, payload: { current, password: 'a new long passphrase' }, headers: { authorization: `Bearer ${token}` }, remoteAddress: '10.0.2.1' });
      expect((await change('guess 1')).statusCode).toBe(403);
      expect((await change('guess 2', '/api/v1/me/passwor%64')).statusCode).toBe(403);
      const limited = await change('guess 3');
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBe('30');
      expect((await change('guess 4', '/api/v1/me/passwor%64')).statusCode).toBe(429);
      // One bucket with sign-in: the address cannot go on guessing there either.
      const signIn = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'guessed', password: 'guess 5' }, remoteAddress: '10.0.2.1' });
      expect(signIn.statusCode).toBe(429);
      // Other requests with the key are not held back, and the bucket refills.
      expect((await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` }, remoteAddress: '10.0.2.1' })).statusCode).toBe(200);
      now += 30_000;
      expect((await change('the right passphrase')).statusCode).toBe(204);
    } finally {
      await app.close();
    }
  });

  it('can be turned off', async () => {
    const settings = settingsFor(db, { server: { rateLimit: { enabled: false, requestsPerMinute: 1 } } }).server;
    const app = createServer(container, settings);
    await app.ready();
    try {
      for (let i = 0; i < 3; i++) expect((await app.inject({ url: '/api/v1/search?q=gout' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

/** An account to hang a key on: the first one, made on first use. */
async function firstAccount(container: Container): Promise<Account> {
  const [existing] = await container.accounts.store.list();
  if (existing) return existing;
  return createAccount(container.accounts, 'system', { username: 'limits', displayName: 'Limits', roles: ['reader'], password: 'a long test passphrase' });
}
