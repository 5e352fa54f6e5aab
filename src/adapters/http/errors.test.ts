import { describe, expect, it } from 'vitest';
import { describeNetworkError, HttpFailures, serverMessage, type FailureWording } from './errors.js';

const wording: FailureWording = {
  hints: { apiKey: 'key hint', notFound: '404 hint', tooLarge: 'size hint', rateLimited: '429 hint', unreachable: 'network hint' },
  unreachable: 'could not reach',
  timedOut: 'no answer',
  cancelledRequest: 'the test request',
};
const endpoint = { url: 'http://h/v1/things', service: 'the test server', model: 'm1' };

describe('serverMessage', () => {
  it('finds the message in the error shapes servers use', () => {
    expect(serverMessage('{"error":{"message":"openai style","type":"invalid_request_error"}}')).toBe('openai style');
    expect(serverMessage('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}')).toBe('Overloaded');
    expect(serverMessage('{"error":"ollama style"}')).toBe('ollama style');
    expect(serverMessage('{"object":"error","message":"vllm style"}')).toBe('vllm style');
    expect(serverMessage('{"detail":"fastapi style"}')).toBe('fastapi style');
    expect(serverMessage('plain\n  text')).toBe('plain text');
  });

  it('shortens a long message', () => {
    const message = serverMessage('x'.repeat(1000));
    expect(message).toHaveLength(300);
    expect(message.endsWith('…')).toBe(true);
  });
});

describe('HttpFailures', () => {
  const failures = new HttpFailures(endpoint, wording, 'sk-secret');

  it('turns statuses into error codes, with the hints the adapter gave', () => {
    expect(failures.rejected(401, '{"error":"bad key sk-secret"}')).toMatchObject({
      code: 'bad-config',
      message: 'the test server at http://h/v1/things refused the API key (HTTP 401): bad key ***',
      hint: 'key hint',
    });
    expect(failures.rejected(404, '')).toMatchObject({ code: 'bad-config', message: 'the test server at http://h/v1/things answered 404 for model m1', hint: '404 hint' });
    expect(failures.rejected(413, 'too big')).toMatchObject({ code: 'service-failed', hint: 'size hint' });
    expect(failures.rejected(422, 'no')).toMatchObject({ code: 'service-failed', hint: undefined });
  });

  it('says what happened when the retries are spent', () => {
    expect(failures.gaveUp({ kind: 'answered', status: 429, retryAfter: null, text: 'slow down' }, 3)).toMatchObject({
      code: 'service-unavailable',
      message: 'the test server at http://h/v1/things answered HTTP 429 after 3 attempts: slow down',
      hint: '429 hint',
    });
    expect(failures.gaveUp({ kind: 'unreachable', reason: failures.timedOut(100), cause: undefined }, 1)).toMatchObject({
      code: 'service-unavailable',
      message: 'could not reach the test server at http://h/v1/things after 1 attempt: no answer within 100 ms',
      hint: 'network hint',
    });
  });

  it('asks for a key when none was given', () => {
    expect(new HttpFailures(endpoint, wording, undefined).rejected(401, '').message).toContain('wants an API key (HTTP 401)');
  });
});

describe('describeNetworkError', () => {
  it('names the code that fetch hides in its cause', () => {
    const refused = Object.assign(new Error('connect refused 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(describeNetworkError(new TypeError('fetch failed', { cause: refused }))).toBe('ECONNREFUSED: connect refused 127.0.0.1:9');
    expect(describeNetworkError(new Error('socket hang up'))).toBe('socket hang up');
  });
});
