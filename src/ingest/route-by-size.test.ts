import { describe, expect, it } from 'vitest';
import { routeBySize, type PrepareRequest, type Preparer } from './prepare-items.js';

const named = (name: string, seen: string[]): Preparer =>
  async function* (request) {
    seen.push(`${name}:${request.path}`);
    yield [];
  };

const request = (path: string, sizeBytes?: number): PrepareRequest => ({
  format: 'markdown',
  path,
  bytes: (async function* () {})(),
  skipItems: 0,
  batchSize: 10,
  chunk: { maxChars: 1200, minChars: 200 },
  ...(sizeBytes === undefined ? {} : { sizeBytes }),
});

describe('routeBySize', () => {
  it('sends big files (and files of unknown size) to the worker, small ones to this thread', async () => {
    const seen: string[] = [];
    const prepare = routeBySize({ minBytes: 1024, large: named('worker', seen), small: named('here', seen) });
    for (const r of [request('a.md', 10), request('b.xml', 1024), request('c.xml')]) for await (const _ of prepare(r)) void _;
    expect(seen).toEqual(['here:a.md', 'worker:b.xml', 'worker:c.xml']);
  });
});
