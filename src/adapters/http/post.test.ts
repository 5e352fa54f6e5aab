import { afterEach, describe, expect, it } from 'vitest';
import { failure } from '../../../test/support/failure.js';
import { send, startLoopbackServer, type LoopbackServer } from '../../../test/support/http-server.js';
import type { FailureWording } from './errors.js';
import { HttpClient } from './post.js';

const wording: FailureWording = {
  hints: { apiKey: 'key hint', notFound: '404 hint', tooLarge: 'size hint', rateLimited: '429 hint', unreachable: 'network hint' },
  unreachable: 'could not reach',
  timedOut: 'no answer',
  cancelledRequest: 'the test request',
};

interface Seen {
  method: string;
  url: string;
  body: unknown;
}

let server: LoopbackServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server that answers each request with the next status of `statuses` (then 200), echoing the method. */
async function start(statuses: number[], delayMs = 0) {
  const seen: Seen[] = [];
  server = await startLoopbackServer((request, response, body, later) => {
    seen.push({ method: request.method ?? '', url: request.url ?? '', body });
    const status = statuses.shift() ?? 200;
    const answer = () => send(response, status, status === 200 ? `${request.method} ok` : `status ${status}`, { 'content-type': 'text/plain' });
    if (delayMs > 0 && status === 200) later(delayMs, answer);
    else answer();
  });
  const sleeps: number[] = [];
  const client = (timeoutMs = 5_000) =>
    new HttpClient({ url: `${server?.origin}/thing`, service: 'the test server' }, { timeoutMs, maxRetries: 2, sleep: async (ms) => void sleeps.push(ms) }, wording);
  return { seen, sleeps, client };
}

const text = async (response: Response) => response.text();

describe('HttpClient', () => {
  it('GETs the endpoint without a body, and POSTs with one', async () => {
    const { seen, client } = await start([]);
    expect(await client().get({ accept: 'text/plain' }, undefined, text)).toBe('GET ok');
    expect(await client().post({ 'content-type': 'text/plain' }, 'hello', undefined, text)).toBe('POST ok');
    expect(seen).toEqual([
      { method: 'GET', url: '/thing', body: '' },
      { method: 'POST', url: '/thing', body: 'hello' },
    ]);
  });

  it('retries a GET after 5xx with the same backoff as a POST, and gives up in the same words', async () => {
    const { seen, sleeps, client } = await start([500, 503]);
    expect(await client().get({}, undefined, text)).toBe('GET ok');
    expect(sleeps).toEqual([500, 1000]);
    expect(seen.map((request) => request.method)).toEqual(['GET', 'GET', 'GET']);

    const messages: string[] = [];
    for (const call of [(c: HttpClient) => c.get({}, undefined, text), (c: HttpClient) => c.post({}, 'x', undefined, text)]) {
      const { client: again } = await restart([503, 503, 503]);
      const error = await failure(call(again()), 'service-unavailable');
      messages.push(error.message.replace(/\d{4,5}/, 'PORT'));
    }
    expect(messages[0]).toBe('the test server at http://127.0.0.1:PORT/thing answered HTTP 503 after 3 attempts: status 503');
    expect(messages[1]).toBe(messages[0]);
  });

  it('reads a 404 as an answer only when the caller says what it means', async () => {
    const { seen, client } = await start([404, 404]);
    expect(await client().get({}, undefined, text, () => 'none')).toBe('none');
    const error = await failure(client().get({}, undefined, text), 'bad-config');
    expect(error.message).toMatch(/^the test server at http:\/\/127\.0\.0\.1:\d+\/thing answered 404: status 404$/);
    expect(error.hint).toBe('404 hint');
    expect(seen).toHaveLength(2); // a 404 is never retried
  });

  it('does not retry a 400, and times out a GET like a POST', async () => {
    const { seen, client } = await start([400]);
    await failure(client().get({}, undefined, text), 'service-failed');
    expect(seen).toHaveLength(1);

    const { client: slow } = await restart([], 2_000);
    const error = await failure(slow(100).get({}, undefined, text), 'service-unavailable');
    expect(error.message).toMatch(/after 3 attempts: no answer within 100 ms$/);
  });
});

async function restart(statuses: number[], delayMs = 0) {
  await server?.close();
  return start(statuses, delayMs);
}
