import { describe, expect, it } from 'vitest';
import { parseRetryAfter, resolveChatOptions, serverMessage, ServerSentEventParser, type ServerSentEvent } from './http.js';

/** Feeds `pieces` one at a time, as reads off a socket would arrive, and collects every event. */
function parseInPieces(pieces: string[]): ServerSentEvent[] {
  const parser = new ServerSentEventParser();
  return [...pieces.flatMap((piece) => parser.push(piece)), ...parser.end()];
}

describe('ServerSentEventParser', () => {
  const stream = 'event: content_block_delta\ndata: {"text":"a"}\n\n: keep-alive\n\ndata: first line\ndata: second line\n\ndata: [DONE]\n\n';
  const expected: ServerSentEvent[] = [
    { event: 'content_block_delta', data: '{"text":"a"}' },
    { event: 'message', data: 'first line\nsecond line' },
    { event: 'message', data: '[DONE]' },
  ];

  it('reads several events from one chunk, skipping comments', () => {
    expect(parseInPieces([stream])).toEqual(expected);
  });

  it('gives the same events whatever the chunk boundaries', () => {
    for (let size = 1; size <= 7; size++) {
      const pieces = stream.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
      expect(parseInPieces(pieces)).toEqual(expected);
    }
  });

  it('accepts CRLF and CR line ends, including a CRLF split across chunks', () => {
    expect(parseInPieces(['data: a\r', '\n\r\ndata: b\r\r'])).toEqual([
      { event: 'message', data: 'a' },
      { event: 'message', data: 'b' },
    ]);
  });

  it('keeps a last event that lacks its blank line, and ignores fields it does not use', () => {
    expect(parseInPieces(['id: 7\nretry: 100\ndata:no-space\n\ndata: [DONE]'])).toEqual([
      { event: 'message', data: 'no-space' },
      { event: 'message', data: '[DONE]' },
    ]);
  });
});

describe('settings and server messages', () => {
  const base = { baseUrl: 'http://127.0.0.1:1/v1', model: 'm', timeoutMs: 1000, maxRetries: 0 };

  it('fills defaults for maxTokens and temperature', () => {
    expect(resolveChatOptions(base, 2)).toMatchObject({ maxTokens: 2000, temperature: 0 });
  });

  it('lists every bad setting as bad-config', () => {
    let error: unknown;
    try {
      resolveChatOptions({ ...base, baseUrl: 'localhost', model: ' ', maxTokens: 0, temperature: 1.5, timeoutMs: 0, maxRetries: -1 }, 1);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'bad-config' });
    const message = (error as Error).message;
    for (const part of ['not an http(s) URL', 'model is empty', 'maxTokens', 'temperature must be between 0 and 1', 'timeoutMs', 'maxRetries']) {
      expect(message).toContain(part);
    }
  });

  it('caps Retry-After and reads it as seconds or a date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('3600', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it("finds the message in OpenAI's, Anthropic's and Ollama's error shapes", () => {
    expect(serverMessage('{"error":{"message":"bad model","type":"invalid_request_error"}}')).toBe('bad model');
    expect(serverMessage('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}')).toBe('Overloaded');
    expect(serverMessage('{"error":"model not found"}')).toBe('model not found');
    expect(serverMessage('Bad Gateway')).toBe('Bad Gateway');
  });
});
