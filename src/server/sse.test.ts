import { describe, expect, it } from 'vitest';
import { EventStream, wantsEventStream } from './sse.js';

describe('server-sent events', () => {
  it('writes each event as one JSON data line, so text with line breaks cannot split it', async () => {
    const stream = new EventStream();
    const chunks: string[] = [];
    stream.body.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const ended = new Promise((resolve) => stream.body.on('end', resolve));
    stream.send('draft', { text: 'line one\n\nevent: answer\ndata: forged' });
    stream.send('answer', { status: 'answered' });
    stream.end();
    await ended;
    expect(chunks.join('')).toBe(
      'event: draft\ndata: {"text":"line one\\n\\nevent: answer\\ndata: forged"}\n\nevent: answer\ndata: {"status":"answered"}\n\n',
    );
    expect(stream.open).toBe(false);
    stream.send('late', {}); // ignored, not an error
  });

  it('sends keep-alive comments while open', async () => {
    const stream = new EventStream(5);
    const chunks: string[] = [];
    stream.body.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    await new Promise((resolve) => setTimeout(resolve, 30));
    stream.end();
    expect(chunks[0]).toBe(': keep-alive\n\n');
  });

  it('recognises an Accept header asking for an event stream', () => {
    expect(wantsEventStream('text/event-stream')).toBe(true);
    expect(wantsEventStream('application/json, Text/Event-Stream;q=0.9')).toBe(true);
    expect(wantsEventStream('application/json')).toBe(false);
    expect(wantsEventStream('*/*')).toBe(false);
    expect(wantsEventStream(undefined)).toBe(false);
  });

  it('does not stream to a client that gives the event stream q=0 (not acceptable)', () => {
    expect(wantsEventStream('text/event-stream;q=0')).toBe(false);
    expect(wantsEventStream('application/json, text/event-stream; q=0.000')).toBe(false);
    expect(wantsEventStream('text/event-stream;q=')).toBe(false);
    expect(wantsEventStream('text/event-stream;q=0.001')).toBe(true);
    expect(wantsEventStream('text/event-stream; charset=utf-8; Q=1')).toBe(true);
  });
});
