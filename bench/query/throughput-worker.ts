import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { SearchPeer } from '../retrieval/peers/peer.js';
import { peerDocs, readQueries } from './corpus.js';
import { engineSpec } from './engines.js';

/**
 * One throughput worker (measure.ts throughput starts N of them). It opens the engine — the index
 * built by the latency phase when the engine has one on disk, else a fresh build of its own —
 * runs the warm-up queries, says "ready", and on "go" takes query numbers from the shared counter
 * until every query is taken or the time cap has passed.
 */
export interface WorkerSetup {
  engine: string;
  corpus: string;
  queries: string;
  dir: string;
  /** Int32 slot: the next query number to take. */
  counter: SharedArrayBuffer;
  capSeconds: number;
}

export type WorkerMessage = { type: 'ready' } | { type: 'done'; queries: number };

const K = 10;

async function run(setup: WorkerSetup): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('throughput-worker.ts runs as a worker thread');
  const spec = engineSpec(setup.engine);
  let engine: SearchPeer;
  if (spec.reopen) engine = spec.reopen(setup.dir);
  else {
    engine = spec.create(setup.dir);
    await engine.build(peerDocs(setup.corpus));
  }
  const all = readQueries(setup.queries);
  for (const query of all) if (query.warmup) await engine.search(query.text, K);
  const measured = all.filter((q) => !q.warmup);
  const counter = new Int32Array(setup.counter);

  await new Promise<void>((resolve) => {
    port.on('message', (message: { type: string }) => {
      if (message.type === 'go') resolve();
    });
    port.postMessage({ type: 'ready' } satisfies WorkerMessage);
  });
  const deadline = performance.now() + setup.capSeconds * 1000;
  let done = 0;
  for (;;) {
    if (performance.now() > deadline) break;
    const next = Atomics.add(counter, 0, 1);
    const query = measured[next];
    if (!query) break;
    await engine.search(query.text, K);
    done++;
  }
  await engine.close();
  port.postMessage({ type: 'done', queries: done } satisfies WorkerMessage);
}

await run(workerData as WorkerSetup);
