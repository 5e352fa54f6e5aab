import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '../../src/config/container.js';
import { createServer } from '../../src/server/app.js';
import type { ServerContainer } from '../../src/server/context.js';
import { listen } from '../../src/server/listen.js';
import { buildStarterLibrary, openLibrary, removeLibrary, settingsFor } from './support.js';

const QUESTION = 'What is the management of an iliopsoas abscess?';

/**
 * A client that leaves while the server's event loop is held by synchronous work (retrieval and
 * the extractive composer are synchronous): its close is only seen once the work is done. The
 * client runs in a process of its own, since a client in this process could not act meanwhile.
 * The two sides take turns through files: the server writes `started` and spins until `left`;
 * the client sends the question, waits for `started`, closes its socket and writes `left`.
 */
describe('an answer whose client disconnected during synchronous work', () => {
  let db: string;
  let container: Container;
  let dir: string;

  beforeAll(async () => {
    db = await buildStarterLibrary();
    container = openLibrary(db);
    dir = mkdtempSync(path.join(tmpdir(), 'citemed-disconnect-'));
  });
  afterAll(async () => {
    await container.close();
    removeLibrary(db);
    rmSync(dir, { recursive: true, force: true });
  });

  /** ask, then spinning (the event loop held) until the client has left; `where` says whether before or after the engine's work. */
  function holding(files: { started: string; left: string }, where: 'before' | 'after', asked: Asked): ServerContainer {
    const spin = () => {
      writeFileSync(files.started, '');
      const until = Date.now() + 20_000; // a guard against a client that never leaves
      while (!existsSync(files.left) && Date.now() < until);
    };
    return {
      ...container,
      ask: (request) => {
        asked.count += 1;
        const answer = (async () => {
          if (where === 'before') spin();
          const answered = await container.ask(request);
          if (where === 'after') spin();
          return answered;
        })();
        asked.done = answer.then(
          () => undefined,
          () => undefined,
        );
        return answer;
      },
    };
  }

  interface Asked {
    count: number;
    /** Settles when the engine has answered or stopped. */
    done?: Promise<void>;
  }

  /** Sends the request over a raw socket from another process and closes it once the server works. */
  function leavingClient(url: string, body: unknown, accept: string, files: { started: string; left: string }): Promise<void> {
    const { port } = new URL(url);
    const json = JSON.stringify(body);
    const request = `POST /api/v1/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: ${accept}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
    const code = `
      const fs = require('node:fs');
      const socket = require('node:net').connect(${port}, '127.0.0.1', () => socket.write(${JSON.stringify(request)}));
      const wait = () => fs.existsSync(${JSON.stringify(files.started)}) ? (socket.destroy(), fs.writeFileSync(${JSON.stringify(files.left)}, '')) : setTimeout(wait, 5);
      wait();`;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', code], { stdio: 'inherit' });
      child.on('error', reject);
      child.on('exit', (status) => (status === 0 ? resolve() : reject(new Error(`client exited ${status}`))));
    });
  }

  const cases = [
    ['JSON', 'application/json', 'after'],
    ['JSON', 'application/json', 'before'],
    ['an event stream', 'text/event-stream', 'after'],
    ['an event stream', 'text/event-stream', 'before'],
  ] as const;
  it.each(cases)('is not added to the thread (%s, %s; the client left %s the engine answered)', async (_, accept, where) => {
    const files = { started: path.join(dir, `${accept.replace('/', '-')}-${where}-started`), left: path.join(dir, `${accept.replace('/', '-')}-${where}-left`) };
    const asked: Asked = { count: 0 };
    const turns: unknown[] = [];
    const settings = { ...settingsFor(db).server, port: 0, shutdownGraceMs: 5_000 };
    const watched = holding(files, where, asked);
    const threads = { ...container.threads, append: async (...args: Parameters<Container['threads']['append']>) => (turns.push(args[1]), container.threads.append(...args)) };
    const running = await listen(createServer({ ...watched, threads }, settings), settings);
    try {
      const thread = (await (await fetch(`${running.url}/api/v1/threads`, { method: 'POST' })).json()) as { id: string };
      await leavingClient(running.url, { question: QUESTION, evidence: 100, threadId: thread.id }, accept, files);
      // The engine's end, then a few turns of the event loop for what the route does after it
      // (the checks for a deadline or a client gone take two; adding a turn takes none).
      await asked.done;
      for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
      const after = (await (await fetch(`${running.url}/api/v1/threads/${thread.id}`)).json()) as { turns: unknown[] };
      expect(asked.count).toBe(1);
      expect(after.turns).toEqual([]);
      expect(turns).toEqual([]);
    } finally {
      await running.close();
    }
  });
});
