import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '../../src/config/container.js';
import { createServer } from '../../src/server/app.js';
import { buildStarterLibrary, EXPECTED_SECURITY_HEADERS, openLibrary, removeLibrary, settingsFor } from './support.js';

/** Sends `request` as it is, byte for byte, and reads the response until the server closes. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text));
    // The server closes right after it answers; what it wrote has arrived by then.
    socket.on('error', (error) => (text === '' ? reject(error) : resolve(text)));
    socket.on('close', () => resolve(text));
    socket.write(request);
  });
}

function parseRaw(text: string): { status: number; headers: Record<string, string>; body: unknown } {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as unknown };
}

/** Errors raised before a route runs (fastify's router, Node's HTTP parser) in the documented shape, with the security headers. */
describe('errors before any route', () => {
  let db: string;
  let container: Container;
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    db = await buildStarterLibrary();
    container = openLibrary(db);
    app = createServer(container, settingsFor(db).server);
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await container.close();
    removeLibrary(db);
  });

  it('takes ids up to 500 characters, and answers 414 past that without echoing the path', async () => {
    const doi = encodeURIComponent(`10.1000/${'x'.repeat(150)}`);
    const long = await app.inject({ url: `/api/v1/sources/${doi}` });
    expect(long.statusCode).toBe(404);
    expect(long.json().error.code).toBe('not-found');

    const tooLong = await app.inject({ url: `/api/v1/threads/${'a'.repeat(501)}?q=private` });
    expect(tooLong.statusCode).toBe(414);
    expect(tooLong.json()).toEqual({
      error: { code: 'uri-too-long', message: 'a part of the path is longer than 500 characters', hint: 'check the id: ids are shorter than that' },
    });
    expect(tooLong.body).not.toContain('aaaa');
    expect(tooLong.headers).toMatchObject({ ...EXPECTED_SECURITY_HEADERS, 'cache-control': 'no-store' });
  });

  it('answers a path that is not valid percent-encoding with 400 bad-request', async () => {
    const response = await app.inject({ url: '/api/v1/sources/%E0%A4%A' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'bad-request', message: 'the path is not valid percent-encoding' });
    expect(response.headers).toMatchObject(EXPECTED_SECURITY_HEADERS);
  });

  it("answers what Node's parser refuses (a huge URL, an unknown method) in the same shape, and closes", async () => {
    const huge = parseRaw(await rawRequest(port, `GET /api/v1/search?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`));
    expect(huge.status).toBe(431);
    expect(huge.body).toEqual({
      error: { code: 'request-header-fields-too-large', message: 'the URL and headers together are larger than the server accepts (16 KiB)', hint: 'shorten the query string' },
    });
    expect(huge.headers).toMatchObject({ ...EXPECTED_SECURITY_HEADERS, 'cache-control': 'no-store', connection: 'close', 'content-type': 'application/json; charset=utf-8' });

    const unknown = parseRaw(await rawRequest(port, 'FOO /health HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ error: { code: 'bad-request', message: 'the request is not valid HTTP/1.1 (unknown method, or a malformed request line or header)' } });
    expect(unknown.headers).toMatchObject(EXPECTED_SECURITY_HEADERS);

    // The server still answers afterwards.
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });
});
