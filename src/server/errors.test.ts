import { describe, expect, it } from 'vitest';
import { CitemedError, type ErrorCode } from '../domain/errors.js';
import { HttpProblem, httpCode, toErrorReply } from './errors.js';

const CODES: ErrorCode[] = [
  'usage',
  'not-found',
  'unreadable',
  'unsupported-format',
  'bad-config',
  'database-locked',
  'database-corrupt',
  'database-foreign',
  'database-too-new',
  'database-readonly',
  'service-unavailable',
  'service-failed',
  'interrupted',
];

describe('errors as HTTP', () => {
  it('gives every citemed error a status, and hides the server\'s details behind 5xx', () => {
    for (const code of CODES) {
      const reply = toErrorReply(new CitemedError(code, 'detail at /srv/secret', { hint: 'set server.secret' }));
      expect(reply.status, code).toBeGreaterThanOrEqual(400);
      expect(reply.body.error.code).toBe(code);
      if (reply.status >= 500) {
        expect(reply.serverSide).toBe(true);
        expect(JSON.stringify(reply.body), code).not.toMatch(/secret/);
      } else {
        expect(reply.body.error).toEqual({ code, message: 'detail at /srv/secret', hint: 'set server.secret' });
      }
    }
    expect(toErrorReply(new CitemedError('usage', 'x')).status).toBe(400);
    expect(toErrorReply(new CitemedError('not-found', 'x')).status).toBe(404);
    expect(toErrorReply(new CitemedError('service-failed', 'x')).status).toBe(502);
    expect(toErrorReply(new CitemedError('database-locked', 'x'))).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
  });

  it('passes the server\'s own problems on as they are', () => {
    expect(toErrorReply(new HttpProblem(504, 'timeout', 'too slow', 'wait'))).toMatchObject({ status: 504, body: { error: { code: 'timeout', message: 'too slow', hint: 'wait' } } });
  });

  it('never shows an unexpected error\'s message or stack', () => {
    const reply = toErrorReply(new TypeError('cannot read x of undefined at /srv/app.ts:10'));
    expect(reply).toMatchObject({ status: 500, serverSide: true, body: { error: { code: 'internal' } } });
    expect(JSON.stringify(reply.body)).not.toMatch(/undefined|srv/);
    expect(toErrorReply('a string').status).toBe(500);
  });

  it('names HTTP statuses with short codes', () => {
    expect(httpCode(413)).toBe('payload-too-large');
    expect(httpCode(415)).toBe('unsupported-media-type');
    expect(httpCode(408)).toBe('request-timeout');
    expect(httpCode(431)).toBe('request-header-fields-too-large');
  });
});
