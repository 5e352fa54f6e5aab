import { PassThrough } from 'node:stream';

/**
 * A server-sent-event stream (https://html.spec.whatwg.org/multipage/server-sent-events.html)
 * that fastify sends as the response body. Each event's data is one line of JSON: JSON escapes
 * line breaks, so no event can be split or forged by the text it carries.
 *
 * A comment line goes out every `heartbeatMs` while the stream is open, so proxies that close
 * quiet connections leave a slow answer alone.
 */
export class EventStream {
  readonly body = new PassThrough();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs = 15_000) {
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), heartbeatMs);
    this.heartbeat.unref();
    this.body.once('close', () => clearInterval(this.heartbeat));
  }

  /** Whether events can still be written (the client is there and the stream not ended). */
  get open(): boolean {
    return !this.body.destroyed && !this.body.writableEnded;
  }

  send(event: string, data: unknown): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  end(): void {
    clearInterval(this.heartbeat);
    if (this.open) this.body.end();
  }

  private write(text: string): void {
    if (this.open) this.body.write(text);
  }
}

/**
 * Whether the client asked for an event stream: `text/event-stream` named in Accept with a q-value
 * above 0 (RFC 9110 §12.4.2: q=0 means "not acceptable", so such a client gets JSON). Only an
 * explicit mention counts: wildcards (any type, any text type) get JSON, which every client reads.
 */
export function wantsEventStream(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => {
    const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (type !== 'text/event-stream') return false;
    const weight = params.find((p) => /^q\s*=/.test(p));
    // A malformed weight (NaN) is not above 0: such a client gets JSON.
    const q = weight === undefined ? 1 : Number.parseFloat(weight.slice(weight.indexOf('=') + 1));
    return q > 0;
  });
}

/** Headers of an event-stream response; `x-accel-buffering: no` stops nginx from holding events back. */
export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'x-accel-buffering': 'no',
};
