/**
 * The HTTP side shared by the LLM composers: settings and their checks, the composer built from a
 * protocol, error messages that point at the answer.llm settings, and a reader of server-sent
 * events for streamed replies. The protocols differ only in URL, headers and the shape of bodies
 * and events; the adapters supply those.
 *
 * The POST itself, its retries and timeout, and the messages for failed requests are
 * ../http/post.ts, shared with the embeddings adapter.
 */
import { CitemedError } from '../../domain/errors.js';
import type { ComposeRequest } from '../../ports/composer.js';
import type { FailureWording, HttpEndpoint } from '../http/errors.js';
import { parseJson } from '../http/json.js';
import { deliver, HttpClient, type HttpClientOptions, type ReplyProgress } from '../http/post.js';
import { endpointProblems, isWholeNumber, rejectBadSettings, retryProblems, trimTrailingSlashes } from '../http/settings.js';
import { composeDraft, loadAnswerPrompt, PROMPT_VERSION, type AskModel, type Conversation, type LlmComposer, type ModelTurn } from './draft.js';

/** Settings of an LLM composer, whichever protocol it speaks. */
export interface ChatComposerOptions extends HttpClientOptions {
  /** e.g. "http://127.0.0.1:11434/v1" (Ollama) or "https://api.anthropic.com". */
  baseUrl: string;
  model: string;
  /** Sent as the protocol's credential only when given; never echoed in messages. */
  apiKey?: string;
  /** Most tokens the model may write; an answer cut off here cannot be parsed. Default 2000. */
  maxTokens?: number;
  /** Default 0: the same evidence should give the same draft. */
  temperature?: number;
  /** Stream when the caller asks for partial output (default); false never streams. */
  stream?: boolean;
}

/** The options with defaults filled in. */
export type ResolvedChatOptions = ChatComposerOptions & { maxTokens: number; temperature: number };

export const DEFAULT_MAX_TOKENS = 2000;
export const DEFAULT_TEMPERATURE = 0;

/**
 * Fills defaults and checks every setting, so a bad configuration fails when the composer is
 * built rather than on the first question. `maxTemperature` differs by protocol (OpenAI allows
 * 2, Anthropic 1).
 */
export function resolveChatOptions(options: ChatComposerOptions, maxTemperature: number): ResolvedChatOptions {
  const resolved: ResolvedChatOptions = {
    ...options,
    maxTokens: options.maxTokens ?? DEFAULT_MAX_TOKENS,
    temperature: options.temperature ?? DEFAULT_TEMPERATURE,
  };
  const problems = endpointProblems(resolved);
  if (!isWholeNumber(resolved.maxTokens, 1)) problems.push(`maxTokens must be a whole number ≥ 1, not ${resolved.maxTokens}`);
  if (!(resolved.temperature >= 0 && resolved.temperature <= maxTemperature)) {
    problems.push(`temperature must be between 0 and ${maxTemperature}, not ${resolved.temperature}`);
  }
  rejectBadSettings('composer', [...problems, ...retryProblems(resolved)]);
  return resolved;
}

/** What one chat protocol adds to the shared machinery: where to send, what to send, how to read the reply. */
export interface ChatProtocol {
  /** The first word of the composer's name: "openai-chat", "anthropic". */
  name: string;
  /** The subject of error messages: "the chat server", "the Anthropic API". */
  service: string;
  /** The highest temperature the protocol accepts. */
  maxTemperature: number;
  url(baseUrl: string): string;
  /** The protocol's own headers (its credential, its version), besides content-type and accept. */
  headers(apiKey: string | undefined): Record<string, string>;
  /** The request body; `stream: true` is added when the caller asks for partial output. */
  body(settings: ResolvedChatOptions, conversation: Conversation): Record<string, unknown>;
  /** Reads a reply sent in one piece. */
  readWhole(text: string, client: ChatHttpClient): ModelTurn;
  /** Reads an event stream, handing each text delta to `deliver`. */
  readStream(response: Response, progress: ReplyProgress, onText: (delta: string) => void, client: ChatHttpClient): Promise<ModelTurn>;
}

/** Builds a composer; settings and the prompt file are checked now, not on the first question. */
export function createChatComposer(options: ChatComposerOptions, protocol: ChatProtocol): LlmComposer {
  const settings = resolveChatOptions(options, protocol.maxTemperature);
  const prompt = loadAnswerPrompt();
  const client = new ChatHttpClient({ url: protocol.url(settings.baseUrl), service: protocol.service, model: settings.model }, settings);
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...protocol.headers(settings.apiKey) };

  const ask: AskModel = (conversation, onText, signal) => {
    const body = protocol.body(settings, conversation);
    if (onText) body.stream = true;
    return client.post(headers, JSON.stringify(body), signal, async (response, progress) => {
      if (onText && isEventStream(response)) return protocol.readStream(response, progress, onText, client);
      // Not streamed, or a server that ignored `stream: true` and answered in one piece.
      const turn = protocol.readWhole(await response.text(), client);
      if (onText) deliver(progress, onText, turn.text);
      return turn;
    });
  };

  return {
    name: `${protocol.name} ${trimTrailingSlashes(settings.baseUrl)} model ${settings.model} prompt ${PROMPT_VERSION}`,
    compose: (request: ComposeRequest) =>
      composeDraft(request, {
        prompt,
        ask,
        stream: settings.stream !== false,
        maxTokens: settings.maxTokens,
        unusable: (problem, hint) => client.unusable(problem, hint),
      }),
  };
}

/** Thrown by readers when a stream ends before its protocol says the reply is complete. */
export class BrokenReply extends Error {
  override readonly name = 'BrokenReply';
}

/** The composers' own words in failure messages: the answer.llm settings to check. */
function composerWording({ service, url }: HttpEndpoint): FailureWording {
  return {
    hints: {
      apiKey: 'check the API key: answer.llm.apiKey, or CITEMED__ANSWER__LLM__API_KEY',
      notFound: 'check the setting answer.llm.baseUrl and that the model is available on the server',
      tooLarge: "the prompt may not fit the model's context window; retrieve fewer passages or use a model with a larger context",
      rateLimited: 'the server is rate-limiting; wait and try again',
      unreachable: 'start the model server, check the setting answer.llm.baseUrl, or raise answer.llm.timeoutMs for a slow model',
      brokeOff: {
        timedOut: 'raise answer.llm.timeoutMs for a slow model, or lower answer.llm.maxTokens',
        other: 'try again; check the server logs if it keeps happening',
      },
    },
    unreachable: 'could not get an answer from',
    timedOut: 'no complete answer',
    cancelledRequest: `the request to ${service} at ${url}`,
  };
}

/** One chat endpoint: the shared POST, and the errors for replies that arrived but cannot be used. */
export class ChatHttpClient extends HttpClient {
  constructor(endpoint: HttpEndpoint, options: HttpClientOptions) {
    super(endpoint, options, composerWording(endpoint));
  }

  /** The reply arrived but cannot be used: not the protocol, or the model's output is unusable. */
  unusable(problem: string, hint?: string): CitemedError {
    const { service, url, model } = this.endpoint;
    return new CitemedError('service-failed', `${service} at ${url} (model ${model}) sent an unusable reply: ${this.failures.redact(problem)}`, {
      hint: hint ?? 'check that the server speaks the protocol this composer expects',
    });
  }

  /** An error the server reported inside a 2xx reply (an error event in a stream). */
  reportedError(type: string, message: string): CitemedError {
    const { service, url } = this.endpoint;
    const transient = /overloaded|rate_limit|api_error|timeout|server/i.test(type);
    const text = `${service} at ${url} reported ${type === '' ? 'an error' : type} in its reply${this.failures.serverSaid(message)}`;
    return transient
      ? new CitemedError('service-unavailable', text, { hint: 'the server is overloaded or failing; try again later' })
      : new CitemedError('service-failed', text);
  }
}

/** Parses a JSON body or event, or throws the client's "unusable" error quoting how it starts. */
export function parseJsonBody(text: string, client: ChatHttpClient, what = 'the body'): unknown {
  return parseJson(text, (problem) => client.unusable(problem), what);
}

/** Whether a 2xx reply is an event stream; servers that ignore `stream: true` answer with JSON. */
export function isEventStream(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').toLowerCase().includes('text/event-stream');
}

/** One server-sent event: `event` is "message" unless the stream named it. */
export interface ServerSentEvent {
  event: string;
  data: string;
}

/**
 * Incremental parser for `text/event-stream` (WHATWG HTML §9.2): feed it text as it arrives and
 * it returns the events completed so far, whatever the chunk boundaries. Lines may end in CRLF,
 * LF or CR; a CR at the end of a chunk may be half of a CRLF, so it waits for the next chunk.
 */
export class ServerSentEventParser {
  private buffer = '';
  private eventName = '';
  private dataLines: string[] = [];

  push(text: string): ServerSentEvent[] {
    this.buffer += text;
    const events: ServerSentEvent[] = [];
    const lineEnd = /\r\n|\n|\r/g;
    let position = 0;
    for (;;) {
      lineEnd.lastIndex = position;
      const match = lineEnd.exec(this.buffer);
      if (!match) break;
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break; // maybe the first half of CRLF
      const event = this.takeLine(this.buffer.slice(position, match.index));
      position = match.index + match[0].length;
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(position);
    return events;
  }

  /**
   * At the end of the stream. The standard drops an event without its closing blank line; some
   * servers end with `data: [DONE]` and no blank line, so a pending event is kept instead.
   */
  end(): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    if (this.buffer !== '') {
      const event = this.takeLine(this.buffer);
      if (event) events.push(event);
      this.buffer = '';
    }
    const last = this.dispatch();
    if (last) events.push(last);
    return events;
  }

  private takeLine(line: string): ServerSentEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined; // a comment, used as a keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.eventName = value;
    else if (field === 'data') this.dataLines.push(value);
    return undefined; // "id" and "retry" do not matter for a single reply
  }

  private dispatch(): ServerSentEvent | undefined {
    const event = this.dataLines.length === 0 ? undefined : { event: this.eventName || 'message', data: this.dataLines.join('\n') };
    this.eventName = '';
    this.dataLines = [];
    return event;
  }
}

/**
 * Calls `onEvent` for each event of the body as it arrives, until the body ends or `onEvent`
 * returns 'stop'. Returns whether it was stopped (the protocol's end marker was seen).
 */
export async function readServerSentEvents(
  response: Response,
  onEvent: (event: ServerSentEvent) => 'stop' | void,
): Promise<boolean> {
  if (!response.body) return false;
  const reader = response.body.getReader();
  const decoder = new TextDecoder('utf-8');
  const parser = new ServerSentEventParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const events = done ? [...parser.push(decoder.decode()), ...parser.end()] : parser.push(decoder.decode(value, { stream: true }));
      for (const event of events) {
        if (onEvent(event) === 'stop') return true;
      }
      if (done) return false;
    }
  } finally {
    reader.releaseLock();
  }
}
