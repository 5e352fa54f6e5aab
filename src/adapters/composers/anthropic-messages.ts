/**
 * Composer over Anthropic's Messages API (`POST /v1/messages`), for users who rent Claude or run
 * a gateway that speaks the same protocol. The prompt, parsing and repair turn live in draft.ts;
 * this file knows only the wire format: the system prompt as a top-level field, text in content
 * blocks, and a stream of named events in which an `error` event can arrive after text.
 */
import { isRecord } from '../http/json.js';
import { deliver, type ReplyProgress } from '../http/post.js';
import { trimTrailingSlashes } from '../http/settings.js';
import type { LlmComposer, ModelTurn } from './draft.js';
import {
  BrokenReply,
  createChatComposer,
  parseJsonBody,
  readServerSentEvents,
  type ChatComposerOptions,
  type ChatHttpClient,
  type ChatProtocol,
} from './http.js';

export type AnthropicComposerOptions = ChatComposerOptions;

/** The API version this adapter was written against; Anthropic keeps old versions stable. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Accepts "https://api.anthropic.com", ".../v1" or the full ".../v1/messages". */
export function messagesUrl(baseUrl: string): string {
  const trimmed = trimTrailingSlashes(baseUrl);
  if (trimmed.endsWith('/v1/messages')) return trimmed;
  return trimmed.endsWith('/v1') ? `${trimmed}/messages` : `${trimmed}/v1/messages`;
}

const ANTHROPIC_MESSAGES: ChatProtocol = {
  name: 'anthropic',
  service: 'the Anthropic API',
  /** Anthropic accepts temperatures from 0 to 1. */
  maxTemperature: 1,
  url: messagesUrl,
  headers: (apiKey) => ({ 'anthropic-version': ANTHROPIC_VERSION, ...(apiKey ? { 'x-api-key': apiKey } : {}) }),
  body: (settings, conversation) => ({
    model: settings.model,
    max_tokens: settings.maxTokens,
    system: conversation.system,
    messages: conversation.messages,
    temperature: settings.temperature,
  }),
  readWhole: readMessage,
  readStream,
};

/** Builds the composer; settings and the prompt file are checked now, not on the first question. */
export function createAnthropicComposer(options: AnthropicComposerOptions): LlmComposer {
  return createChatComposer(options, ANTHROPIC_MESSAGES);
}

/** `{type: 'message', content: [{type: 'text', text}, …], stop_reason}`; other block types are skipped. */
function readMessage(text: string, client: ChatHttpClient): ModelTurn {
  const body = parseJsonBody(text, client);
  if (!isRecord(body)) throw client.unusable('the body is not a JSON object');
  if (body.type === 'error') throw reportedError(body.error, client);
  if (!Array.isArray(body.content)) throw client.unusable('the body has no "content" array');
  const answer = body.content
    .filter((block): block is { type: 'text'; text: string } => isRecord(block) && block.type === 'text' && typeof block.text === 'string')
    .map((block) => block.text)
    .join('');
  return turn(answer, body.stop_reason);
}

/**
 * Reads events until `message_stop`, relaying each text delta. Events the adapter does not know
 * are skipped, as Anthropic asks of clients, since new kinds may be added; an `error` event ends
 * the reply with an error even after text has been relayed.
 */
async function readStream(response: Response, progress: ReplyProgress, onText: (delta: string) => void, client: ChatHttpClient): Promise<ModelTurn> {
  let text = '';
  let stopReason: unknown = null;
  const stopped = await readServerSentEvents(response, ({ event, data }) => {
    const payload = parseJsonBody(data, client, 'an event');
    const type = isRecord(payload) && typeof payload.type === 'string' ? payload.type : event;
    if (!isRecord(payload)) return;
    if (type === 'error') throw reportedError(payload.error, client);
    if (type === 'message_stop') return 'stop';
    if (type === 'content_block_delta' && isRecord(payload.delta) && payload.delta.type === 'text_delta' && typeof payload.delta.text === 'string') {
      text += payload.delta.text;
      deliver(progress, onText, payload.delta.text);
    }
    if (type === 'message_delta' && isRecord(payload.delta) && typeof payload.delta.stop_reason === 'string') stopReason = payload.delta.stop_reason;
  });
  if (!stopped) throw new BrokenReply('the stream ended before message_stop');
  return turn(text, stopReason);
}

function turn(text: string, stopReason: unknown): ModelTurn {
  if (stopReason === 'refusal') return { text, ending: 'refusal', refusal: 'the model declined to answer' };
  if (stopReason === 'max_tokens' || stopReason === 'model_context_window_exceeded') return { text, ending: 'length' };
  return { text, ending: 'complete' };
}

/** `{type, message}` as in Anthropic's error bodies and `error` events. */
function reportedError(error: unknown, client: ChatHttpClient) {
  const type = isRecord(error) && typeof error.type === 'string' ? error.type : '';
  const message = isRecord(error) && typeof error.message === 'string' ? error.message : JSON.stringify(error ?? null);
  return client.reportedError(type, message);
}
