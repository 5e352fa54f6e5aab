import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { isCitemedError } from '../../domain/errors.js';
import { guard } from './errors.js';
import { buildPostings, dropPostings } from './postings-build.js';
import { setConnectionPragmas } from './schema.js';
import type { FromPostingsThread, PostingsThreadSetup } from './postings-thread.js';

/**
 * The postings worker: builds or drops the postings index of one library file on a connection of
 * its own, reporting progress to the thread that started it, and stops a build when that thread
 * sets the shared stop flag (it cannot post a message: this thread is busy in SQLite until done).
 */
const port = parentPort;
if (!port) throw new Error('postings-thread-body.ts runs only as a worker thread');
const setup = workerData as PostingsThreadSetup;
const stop = new Int32Array(setup.stop);
const send = (message: FromPostingsThread) => port.postMessage(message);

let db: Database.Database | undefined;
try {
  const opened = guard(setup.file, () => {
    const connection = new Database(setup.file, { fileMustExist: true, timeout: setup.busyTimeoutMs });
    setConnectionPragmas(connection);
    return connection;
  });
  db = opened;
  if (setup.op === 'build') {
    const build = guard(setup.file, () =>
      buildPostings(opened, setup.file, (progress) => send({ type: 'progress', progress }), () => Atomics.load(stop, 0) !== 0),
    );
    send({ type: 'built', build });
  } else {
    guard(setup.file, () => dropPostings(opened));
    send({ type: 'dropped' });
  }
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  send(isCitemedError(error) ? { type: 'error', message, code: error.code, ...(error.hint ? { hint: error.hint } : {}) } : { type: 'error', message });
} finally {
  if (db?.open) db.close();
  port.close();
}
