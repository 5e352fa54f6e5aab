import type { FastifyReply } from 'fastify';
import { CitemedError } from '../domain/errors.js';
import { HttpProblem } from './errors.js';

/**
 * Why an answer stops early: the client went away (nobody is left to read it, so a language
 * model should stop spending tokens on it), or it ran past `server.answerTimeoutMs`. Either way
 * the signal handed to the answer engine aborts, which cancels the model's request; work that
 * cannot be cancelled (retrieval, the extractive composer) is abandoned by `run`.
 *
 * Synchronous work (retrieval, the extractive composer, the verifier: better-sqlite3 and plain
 * JavaScript) holds the event loop, and while it runs neither the deadline's timer nor the
 * socket's close can fire. `confirm` looks for both once the event loop is free: the answer
 * engine calls it between its stages (so composing is not started for a client that is gone) and
 * `run` calls it before handing a result back, so a late answer is a 504 and a disconnected
 * client's answer is dropped. What it cannot do is stop one synchronous stage midway: a deadline
 * is overrun by at most the stage that was running.
 */
export class Cancellation {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onClose: () => void;
  /** performance.now() past which the answer is late (ms). */
  private readonly deadline: number;
  private timedOut = false;

  constructor(
    private readonly reply: FastifyReply,
    private readonly timeoutMs: number,
  ) {
    this.deadline = performance.now() + timeoutMs;
    this.timer = setTimeout(() => this.timeOut(), timeoutMs);
    // A response closes either when it has been sent or when its connection dropped first.
    this.onClose = () => {
      if (!reply.raw.writableFinished) this.leave();
    };
    reply.raw.on('close', this.onClose);
    // The client may have left before the answer began (while the body was read, or the thread).
    if (this.connectionGone()) this.leave();
  }

  /**
   * Throws the reason to stop (as `explain` words it) when the answer is no longer wanted: past
   * its deadline, or its client gone. The event loop is let through two turns first (the first
   * ends the current one, the second comes after the next poll for I/O), so that a connection
   * closed during synchronous work is seen: its socket is destroyed by then, though its 'close'
   * event may come a turn later still.
   */
  async confirm(): Promise<void> {
    if (!this.signal.aborted) {
      await nextTurn();
      await nextTurn();
    }
    if (!this.signal.aborted && performance.now() >= this.deadline) this.timeOut();
    if (!this.signal.aborted && this.connectionGone()) this.leave();
    if (this.signal.aborted) throw this.explain(this.signal.reason);
  }

  private timeOut(): void {
    this.timedOut = true;
    this.controller.abort(new CitemedError('interrupted', `no answer within ${this.timeoutMs} ms`));
  }

  private leave(): void {
    this.controller.abort(new CitemedError('interrupted', 'the client closed the connection'));
  }

  /** Whether the response's socket can no longer carry anything (false for `inject()`'s fake socket, which has neither flag). */
  private connectionGone(): boolean {
    const socket = this.reply.raw.socket;
    return !this.reply.raw.writableFinished && (socket?.destroyed === true || socket?.writable === false);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the client is gone (nothing sent to it arrives). */
  get clientGone(): boolean {
    return this.controller.signal.aborted && !this.timedOut;
  }

  /** `work`'s result, or the abort's error as soon as the signal aborts, whichever comes first. */
  async run<T>(work: Promise<T>): Promise<T> {
    const signal = this.controller.signal;
    work.catch(() => undefined); // abandoned work may still fail later; that is no longer anyone's concern
    let onAbort: () => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(this.explain(signal.reason));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const result = await Promise.race([work, aborted]);
      await this.confirm();
      return result;
    } catch (error) {
      throw this.explain(error);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** The error to report: a deadline shows as 504 whatever the engine made of the abort. */
  explain(error: unknown): unknown {
    if (this.timedOut) {
      return new HttpProblem(504, 'timeout', `no answer within ${this.timeoutMs} ms`, 'try again, or ask the operator to raise server.answerTimeoutMs');
    }
    return error;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.reply.raw.off('close', this.onClose);
  }
}

/** Resolves in the event loop's next check phase, after what is due now. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
