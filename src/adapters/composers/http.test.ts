import { describe, expect, it } from 'vitest';
import { sampleEvidence } from '../../../test/support/fake-chat-server.js';
import { PROMPT_VERSION } from './draft.js';
import { createChatComposer, resolveChatOptions, ServerSentEventParser, type ChatProtocol, type ServerSentEvent } from './http.js';

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

describe('resolveChatOptions', () => {
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
});

describe('createChatComposer', () => {
  /** A made-up protocol: its own URL, header and body, and a reply that is the model's text as is. */
  const toy: ChatProtocol = {
    name: 'toy',
    service: 'the toy server',
    maxTemperature: 1,
    url: (baseUrl) => `${baseUrl}/talk`,
    headers: (apiKey): Record<string, string> => (apiKey ? { 'x-toy-key': apiKey } : {}),
    body: (settings, conversation) => ({ model: settings.model, say: conversation.messages.at(-1)?.content }),
    readWhole: (text) => ({ text, ending: 'complete' }),
    readStream: () => Promise.reject(new Error('the toy server does not stream')),
  };
  const answer = JSON.stringify({ bottomLine: [{ text: 'Drainage works.', evidence: ['E1'] }], sections: [], followUps: [], refusal: null });

  it('sends what the protocol builds, to its URL with its headers, and reads the reply with it', async () => {
    const sent: { url: string; init: RequestInit | undefined }[] = [];
    const fakeFetch: typeof fetch = async (input, init) => {
      sent.push({ url: String(input), init });
      return new Response(answer, { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const composer = createChatComposer({ baseUrl: 'http://toy.test', model: 'm', apiKey: 'k', timeoutMs: 1000, maxRetries: 0, fetch: fakeFetch }, toy);
    const deltas: string[] = [];

    const draft = await composer.compose({ question: 'Q?', audience: 'clinician', evidence: [sampleEvidence('E1', 'Drainage works.')], thread: [], onText: (delta) => deltas.push(delta) });
    expect(composer.name).toBe(`toy http://toy.test model m prompt ${PROMPT_VERSION}`);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe('http://toy.test/talk');
    expect(sent[0]?.init?.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-toy-key': 'k' });
    const body = JSON.parse(String(sent[0]?.init?.body)) as { model: string; say: string; stream?: boolean };
    expect(body).toMatchObject({ model: 'm', stream: true });
    expect(body.say).toContain('<passage id="E1"');
    expect(deltas).toEqual([answer]); // a reply in one piece is relayed once
    expect(draft.bottomLine).toEqual([{ text: 'Drainage works.', evidence: ['E1'] }]);
  });
});
