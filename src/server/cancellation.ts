import type { FastifyReply } from 'fastify';
import { CitemedError } from '../domain/errors.js';
import { HttpProblem } from './errors.js';

/**
 * Why an answer stops early: the client went away (nobody is left to read it, so a language
 * model should stop spending tokens on it), or it ran past `server.answerTimeoutMs`. Either way
 * the signal handed to the answer engine aborts, which cancels the model's request; work that
 * cannot be cancelled (retrieval, the extractive composer) is abandoned by `run`.
 */
export class Cancellation {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onClose: () => void;
  private timedOut = false;

  constructor(
    private readonly reply: FastifyReply,
    private readonly timeoutMs: number,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new CitemedError('interrupted', `no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    // A response closes either when it has been sent or when its connection dropped first.
    this.onClose = () => {
      if (!reply.raw.writableFinished) this.controller.abort(new CitemedError('interrupted', 'the client closed the connection'));
    };
    reply.raw.on('close', this.onClose);
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
      return await Promise.race([work, aborted]);
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
