import { parentPort, workerData } from 'node:worker_threads';
import { isCitemedError } from '../../domain/errors.js';
import { prepareBatches } from '../prepare-items.js';
import { createReaders } from '../readers/index.js';
import { BATCHES_AHEAD, type FromWorker, type ToWorker, type WorkerSetup } from './messages.js';

/**
 * The prepare worker: reads one file's bytes (sent by the main thread), parses and prepares its
 * records, and sends them back in batches, never more than BATCHES_AHEAD ahead of the writes.
 */
const port = parentPort;
if (!port) throw new Error('prepare-worker.ts runs only as a worker thread');
const setup = workerData as WorkerSetup;

const chunks: Uint8Array[] = [];
let ended = false;
let credits = BATCHES_AHEAD;
let wake: (() => void) | undefined;
const send = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'bytes') chunks.push(message.chunk);
  else if (message.type === 'end') ended = true;
  else credits++;
  wake?.();
});

function waitForMessage(): Promise<void> {
  return new Promise((resolve) => (wake = resolve));
}

async function* bytes(): AsyncIterable<Uint8Array> {
  for (;;) {
    const chunk = chunks.shift();
    if (chunk) {
      send({ type: 'consumed', bytes: chunk.byteLength });
      yield chunk;
    } else if (ended) return;
    else await waitForMessage();
  }
}

try {
  const reader = createReaders({ maxPdfBytes: setup.maxPdfBytes })[setup.format];
  for await (const batch of prepareBatches(reader({ bytes: bytes(), path: setup.path }), setup)) {
    while (credits === 0) await waitForMessage();
    credits--;
    send({ type: 'batch', items: batch });
  }
  send({ type: 'done' });
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  send(isCitemedError(error) ? { type: 'error', message, code: error.code, ...(error.hint ? { hint: error.hint } : {}) } : { type: 'error', message });
} finally {
  port.close();
}
