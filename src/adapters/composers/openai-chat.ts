/**
 * Composer for any server that speaks OpenAI's `POST /chat/completions`: vLLM, Ollama,
 * llama.cpp's server, OpenAI and most hosted services. The prompt, parsing and repair turn live
 * in draft.ts; this file knows only the wire format, streamed (SSE `data:` lines ending with
 * `data: [DONE]`) or not.
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

export type OpenAiChatComposerOptions = ChatComposerOptions;

const CONTENT_FILTERED = "the server's content filter stopped the answer";

/** Accepts the base URL with or without a trailing slash, or already pointing at /chat/completions. */
export function chatCompletionsUrl(baseUrl: string): string {
  const trimmed = trimTrailingSlashes(baseUrl);
  return trimmed.endsWith('/chat/completions') ? trimmed : `${trimmed}/chat/completions`;
}

const OPENAI_CHAT: ChatProtocol = {
  name: 'openai-chat',
  service: 'the chat server',
  /** OpenAI accepts temperatures up to 2. */
  maxTemperature: 2,
  url: chatCompletionsUrl,
  headers: (apiKey): Record<string, string> => (apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
  body: (settings, conversation) => ({
    model: settings.model,
    messages: [{ role: 'system', content: conversation.system }, ...conversation.messages],
    max_tokens: settings.maxTokens,
    temperature: settings.temperature,
  }),
  readWhole: readCompletion,
  readStream,
};

/** Builds the composer; settings and the prompt file are checked now, not on the first question. */
export function createOpenAiChatComposer(options: OpenAiChatComposerOptions): LlmComposer {
  return createChatComposer(options, OPENAI_CHAT);
}

/** `{choices: [{message: {content, refusal?}, finish_reason}]}`, checked field by field. */
function readCompletion(text: string, client: ChatHttpClient): ModelTurn {
  const body = parseJsonBody(text, client);
  if (isRecord(body) && body.error !== undefined) throw reportedError(body.error, client);
  const choice = isRecord(body) && Array.isArray(body.choices) ? body.choices[0] : undefined;
  if (!isRecord(choice)) throw client.unusable('the body has no "choices" with an answer');
  const message = choice.message;
  if (!isRecord(message)) throw client.unusable('choices[0] has no "message" object');
  const { content, refusal } = message;
  if (typeof refusal === 'string' && refusal.trim() !== '') return { text: typeof content === 'string' ? content : '', ending: 'refusal', refusal };
  if (choice.finish_reason === 'content_filter') return { text: typeof content === 'string' ? content : '', ending: 'refusal', refusal: CONTENT_FILTERED };
  if (typeof content !== 'string') throw client.unusable('choices[0].message.content is not text');
  return { text: content, ending: ending(choice.finish_reason) };
}

/**
 * Reads `data:` events until `[DONE]`, relaying each content delta. A stream that ends without
 * `[DONE]` but after a finish_reason is accepted (some servers omit it); one that ends before
 * either broke off.
 */
async function readStream(response: Response, progress: ReplyProgress, onText: (delta: string) => void, client: ChatHttpClient): Promise<ModelTurn> {
  let text = '';
  let refusal = '';
  let finish: unknown = null;
  const sawDone = await readServerSentEvents(response, ({ data }) => {
    if (data.trim() === '[DONE]') return 'stop';
    const chunk = parseJsonBody(data, client, 'an event');
    if (isRecord(chunk) && chunk.error !== undefined) throw reportedError(chunk.error, client);
    const choice = isRecord(chunk) && Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (!isRecord(choice)) return; // e.g. the final usage chunk, which has no choices
    const delta = isRecord(choice.delta) ? choice.delta : {};
    if (typeof delta.content === 'string') {
      text += delta.content;
      deliver(progress, onText, delta.content);
    }
    if (typeof delta.refusal === 'string') refusal += delta.refusal;
    if (typeof choice.finish_reason === 'string') finish = choice.finish_reason;
  });
  if (!sawDone && finish === null) throw new BrokenReply('the stream ended before the reply was complete');
  if (refusal.trim() !== '') return { text, ending: 'refusal', refusal };
  if (finish === 'content_filter') return { text, ending: 'refusal', refusal: CONTENT_FILTERED };
  return { text, ending: ending(finish) };
}

function ending(finishReason: unknown): ModelTurn['ending'] {
  return finishReason === 'length' ? 'length' : 'complete';
}

/** An error object inside a 200 reply or a stream (vLLM sends `data: {"error": …}` mid-stream). */
function reportedError(error: unknown, client: ChatHttpClient) {
  if (typeof error === 'string') return client.reportedError('', error);
  const type = isRecord(error) && typeof error.type === 'string' ? error.type : '';
  const message = isRecord(error) && typeof error.message === 'string' ? error.message : JSON.stringify(error);
  return client.reportedError(type, message);
}
