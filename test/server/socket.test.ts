import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '../../src/config/container.js';
import type { Answer } from '../../src/domain/answer.js';
import { createServer } from '../../src/server/app.js';
import type { ServerContainer } from '../../src/server/context.js';
import { listen, type RunningServer } from '../../src/server/listen.js';
import { runCli, spawnCli } from '../cli/run-cli.js';
import { startFakeChatServer, type FakeChatServer } from '../support/fake-chat-server.js';
import { buildStarterLibrary, llmPatch, openLibrary, parseEvents, removeLibrary, settingsFor, type ServerSentEvent } from './support.js';

const QUESTION = 'What is the management of an iliopsoas abscess?';

/** Reads an event stream as it arrives: each event with the number of the read that brought it. */
async function readEvents(response: Response, until: (event: ServerSentEvent) => boolean = () => false): Promise<(ServerSentEvent & { read: number })[]> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: (ServerSentEvent & { read: number })[] = [];
  let buffer = '';
  for (let read = 0; ; read += 1) {
    const { value, done } = await reader.read();
    if (done) return events;
    buffer += value;
    const end = buffer.lastIndexOf('\n\n');
    if (end < 0) continue;
    for (const event of parseEvents(buffer.slice(0, end + 2))) {
      events.push({ ...event, read });
      if (until(event)) {
        await reader.cancel();
        return events;
      }
    }
    buffer = buffer.slice(end + 2);
  }
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The API over a real socket on 127.0.0.1: streaming, disconnects, shutdown, and `citemed serve`. */
describe('HTTP API over a socket', () => {
  let db: string;
  let chat: FakeChatServer;
  let container: Container;

  beforeAll(async () => {
    db = await buildStarterLibrary();
    chat = await startFakeChatServer();
    container = openLibrary(db, llmPatch(chat.baseUrl));
  });
  afterAll(async () => {
    await container.close();
    await chat.close();
    removeLibrary(db);
  });

  /** Serves `target` on a free port for the length of `body`. */
  async function serving(target: ServerContainer, body: (running: RunningServer) => Promise<void>): Promise<void> {
    const settings = { ...settingsFor(db).server, port: 0, shutdownGraceMs: 5_000 };
    const running = await listen(createServer(target, settings), settings);
    try {
      await body(running);
    } finally {
      await running.close();
    }
  }

  it('streams the draft while the model writes it, then the verified answer', async () => {
    chat.script({ gapMs: 2 }); // the model writes its reply in pieces, a little apart
    await serving(container, async ({ url }) => {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${url}/api/v1/ask`, {
        method: 'POST',
        headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
        body: JSON.stringify({ question: QUESTION }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const events = await readEvents(response);
      const drafts = events.filter((e) => e.event === 'draft');
      const answer = events.find((e) => e.event === 'answer')!;
      expect(drafts.length).toBeGreaterThan(3);
      expect(events.at(-1)).toBe(answer);
      // Drafts reached the client in earlier reads than the answer: streamed, not buffered to the end.
      expect(drafts[0]!.read).toBeLessThan(answer.read);
      expect(new Set(drafts.map((d) => d.read)).size).toBeGreaterThan(1);
      expect((answer.data as Answer).status).toBe('answered');
    });
  });

  it('cancels the model\'s request when the client disconnects mid-stream', async () => {
    chat.script({ gapMs: 100 }); // slow enough that the client leaves long before the end
    const signals: AbortSignal[] = [];
    const watched: ServerContainer = { ...container, ask: (request) => (request.signal && signals.push(request.signal), container.ask(request)) };
    await serving(watched, async ({ url }) => {
      const thread = (await (await fetch(`${url}/api/v1/threads`, { method: 'POST' })).json()) as { id: string };
      const response = await fetch(`${url}/api/v1/ask`, {
        method: 'POST',
        headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
        body: JSON.stringify({ question: QUESTION, threadId: thread.id }),
      });
      const events = await readEvents(response, (event) => event.event === 'draft'); // leaves after the first draft
      expect(events.map((e) => e.event)).toEqual(['draft']);
      await waitUntil(() => signals[0]?.aborted === true);
      // An answer nobody received is not part of the thread.
      const turns = ((await (await fetch(`${url}/api/v1/threads/${thread.id}`)).json()) as { turns: unknown[] }).turns;
      expect(turns).toEqual([]);
    });
  });

  it('shuts down gracefully: refuses new connections and finishes the request in flight', async () => {
    const extractive = openLibrary(db);
    let started = false;
    const slow: ServerContainer = {
      ...extractive,
      ask: async (request) => {
        started = true;
        await new Promise((resolve) => setTimeout(resolve, 400));
        return extractive.ask(request);
      },
    };
    try {
      await serving(slow, async (running) => {
        const inFlight = fetch(`${running.url}/api/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: QUESTION }) });
        await waitUntil(() => started);
        const t0 = Date.now();
        const closed = running.close();
        await expect(fetch(`${running.url}/health`)).rejects.toThrow(); // no new connections
        const response = await inFlight;
        expect(response.status).toBe(200);
        expect(response.headers.get('connection')).toBe('close'); // not to be reused
        expect(((await response.json()) as Answer).status).toBe('answered');
        await closed;
        expect(Date.now() - t0).toBeLessThan(3_000); // it did not wait out the grace period
      });
    } finally {
      await extractive.close();
    }
  });

  it('`citemed serve` prints its URL, serves, and stops on SIGTERM', async () => {
    const { child, done } = spawnCli(['--db', db, 'serve', '--port', '0']);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      await waitUntil(() => /at http:\/\/127\.0\.0\.1:\d+/.test(stdout), 30_000);
      const url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      child.kill('SIGTERM');
      const result = await done;
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/SIGTERM received, finishing requests in flight/);
      expect(result.stderr).toMatch(/citemed: stopped/);
      expect(result.stderr).toMatch(/"route":"\/health","status":200/); // the request log, on stderr
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('`citemed serve` refuses a missing library and a bad port before listening', async () => {
    const missing = await runCli(['--db', '/nonexistent/dir/lib.db', 'serve', '--port', '0']);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toMatch(/no library at/);
    const badPort = await runCli(['--db', db, 'serve', '--port', '70000']);
    expect(badPort.code).toBe(64);
    expect(badPort.stderr).toMatch(/--port must be a whole number from 0 to 65535/);
  });
});
