/**
 * Failed HTTP requests as CitemedErrors a user can act on: the status decides the error code
 * and the shape of the message, the server's own words are quoted (shortened), the API key is
 * never shown, and the hints come from the adapter, which knows which of its settings to check.
 */
import { CitemedError } from '../../domain/errors.js';
import { isRecord } from './json.js';

const SERVER_MESSAGE_LIMIT = 300;

/** How messages name the server. */
export interface HttpEndpoint {
  url: string;
  /** "the embedding server", "the chat server", "the Anthropic API": the subject of messages. */
  service: string;
  /** The model asked for, where the server serves models (not for literature services). */
  model?: string;
}

/** What an adapter says in its own words when a request fails: the settings to check, mostly. */
export interface FailureWording {
  hints: {
    /** 401 and 403: where the API key is set. */
    apiKey: string;
    /** 404: the setting that holds the URL, and what must be on the server. */
    notFound: string;
    /** 400 and 413: what may be too large for the model. */
    tooLarge: string;
    /** 429, once the retries are spent. */
    rateLimited: string;
    /** No answer at all, once the retries are spent. */
    unreachable: string;
    /** A streamed reply that broke off after text went out; only clients that stream need these. */
    brokeOff?: { timedOut: string; other: string };
  };
  /** How the message starts when no attempt got an answer: "could not reach", "could not get an answer from". */
  unreachable: string;
  /** What running out of time means: "no answer", or "no complete answer" where replies stream. */
  timedOut: string;
  /** The subject of "… was cancelled", e.g. "the request to the chat server at <url>". */
  cancelledRequest: string;
}

/** How an attempt failed: the server answered with a status other than 2xx, or did not answer. */
export type FailedAttempt =
  | { kind: 'answered'; status: number; retryAfter: string | null; text: string }
  | { kind: 'unreachable'; reason: string; cause: unknown };

/** Builds the errors of one endpoint. */
export class HttpFailures {
  constructor(
    private readonly endpoint: HttpEndpoint,
    private readonly wording: FailureWording,
    private readonly apiKey: string | undefined,
  ) {}

  /** A final answer from the server: the request itself or the settings are wrong. */
  rejected(status: number, body: string): CitemedError {
    const { service, url, model } = this.endpoint;
    const { hints } = this.wording;
    const said = this.serverSaid(body);
    if (status === 401 || status === 403) {
      const what = this.apiKey ? 'refused the API key' : 'wants an API key';
      return new CitemedError('bad-config', `${service} at ${url} ${what} (HTTP ${status})${said}`, { hint: hints.apiKey });
    }
    if (status === 404) {
      return new CitemedError('bad-config', `${service} at ${url} answered 404${model === undefined ? '' : ` for model ${model}`}${said}`, { hint: hints.notFound });
    }
    return new CitemedError('service-failed', `${service} at ${url} rejected the request (HTTP ${status})${said}`, {
      hint: status === 400 || status === 413 ? hints.tooLarge : undefined,
    });
  }

  /** Retries are spent: the server is down, overloaded or rate-limiting us. */
  gaveUp(outcome: FailedAttempt, attempts: number): CitemedError {
    const { service, url } = this.endpoint;
    const { hints } = this.wording;
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    if (outcome.kind === 'unreachable') {
      return new CitemedError('service-unavailable', `${this.wording.unreachable} ${service} at ${url} after ${tries}: ${this.redact(outcome.reason)}`, {
        hint: hints.unreachable,
        cause: outcome.cause,
      });
    }
    const { status } = outcome;
    const said = this.serverSaid(outcome.text);
    return new CitemedError('service-unavailable', `${service} at ${url} answered HTTP ${status} after ${tries}${said}`, {
      hint: status === 429 ? hints.rateLimited : 'the server is overloaded or failing; check its logs and try again',
    });
  }

  /** Why an attempt that ran out of time got no answer. */
  timedOut(timeoutMs: number): string {
    return `${this.wording.timedOut} within ${timeoutMs} ms`;
  }

  /** A streamed reply failed after text went out, so it cannot be retried. */
  brokeOff(reason: string, timedOut: boolean, cause: unknown): CitemedError {
    const { service, url } = this.endpoint;
    const hints = this.wording.hints.brokeOff;
    return new CitemedError('service-unavailable', `the streamed reply from ${service} at ${url} broke off: ${this.redact(reason)}`, {
      hint: timedOut ? hints?.timedOut : hints?.other,
      cause,
    });
  }

  interrupted(signal: AbortSignal): CitemedError {
    if (signal.reason instanceof CitemedError) return signal.reason;
    return new CitemedError('interrupted', `${this.wording.cancelledRequest} was cancelled`, { cause: signal.reason });
  }

  /** ": <server's message>", shortened, without the API key; '' when there is nothing to say. */
  serverSaid(body: string): string {
    const message = this.redact(serverMessage(body));
    return message === '' ? '' : `: ${message}`;
  }

  redact(text: string): string {
    const key = this.apiKey;
    return key ? text.split(key).join('***') : text;
  }
}

/** fetch says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND) is its cause. */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const source = cause instanceof Error ? cause : error;
  const code = (source as { code?: unknown } | null)?.code;
  const message = source instanceof Error ? source.message : String(source);
  if (typeof code !== 'string' || message.includes(code)) return message;
  return message === '' ? code : `${code}: ${message}`;
}

/**
 * The human-readable part of an error body. OpenAI, vLLM and Anthropic send
 * `{error: {message}}`, Ollama `{error: "..."}`, FastAPI-based servers `{detail}`, some plain text.
 */
export function serverMessage(body: string): string {
  const text = extractMessage(body).replace(/\s+/g, ' ').trim();
  return text.length <= SERVER_MESSAGE_LIMIT ? text : `${text.slice(0, SERVER_MESSAGE_LIMIT - 1)}…`;
}

function extractMessage(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  if (!isRecord(parsed)) return body;
  const candidates = [parsed.error, isRecord(parsed.error) ? parsed.error.message : undefined, parsed.message, parsed.detail];
  const found = candidates.find((value): value is string => typeof value === 'string' && value.trim() !== '');
  return found ?? body;
}
