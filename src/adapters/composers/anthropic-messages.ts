/**
 * Composer over Anthropic's Messages API (`POST /v1/messages`), for users who rent Claude or run
 * a gateway that speaks the same protocol. The prompt, parsing and repair turn live in draft.ts;
 * this file knows only the wire format: the system prompt as a top-level field, text in content
 * blocks, and a stream of named events in which an `error` event can arrive after text.
 */
import type { ComposeRequest } from '../../ports/composer.js';
import { composeDraft, loadAnswerPrompt, PROMPT_VERSION, type Conversation, type LlmComposer, type ModelTurn } from './draft.js';
import {
  BrokenReply,
  ChatHttpClient,
  deliver,
  isEventStream,
  isRecord,
  parseJsonBody,
  readServerSentEvents,
  resolveChatOptions,
  trimTrailingSlashes,
  type ChatComposerOptions,
  type ReplyProgress,
  type ResolvedChatOptions,
} from './http.js';

export type AnthropicComposerOptions = ChatComposerOptions;

/** The API version this adapter was written against; Anthropic keeps old versions stable. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Anthropic accepts temperatures from 0 to 1. */
const MAX_TEMPERATURE = 1;

/** Accepts "https://api.anthropic.com", ".../v1" or the full ".../v1/messages". */
export function messagesUrl(baseUrl: string): string {
  const trimmed = trimTrailingSlashes(baseUrl);
  if (trimmed.endsWith('/v1/messages')) return trimmed;
  return trimmed.endsWith('/v1') ? `${trimmed}/messages` : `${trimmed}/v1/messages`;
}

/** Builds the composer; settings and the prompt file are checked now, not on the first question. */
export function createAnthropicComposer(options: AnthropicComposerOptions): LlmComposer {
  const settings = resolveChatOptions(options, MAX_TEMPERATURE);
  const prompt = loadAnswerPrompt();
  const client = new ChatHttpClient({ url: messagesUrl(settings.baseUrl), service: 'the Anthropic API', model: settings.model }, settings);
  const ask = (conversation: Conversation, onText: ((delta: string) => void) | undefined, signal: AbortSignal | undefined) =>
    askMessages(client, settings, conversation, onText, signal);

  return {
    name: `anthropic ${trimTrailingSlashes(settings.baseUrl)} model ${settings.model} prompt ${PROMPT_VERSION}`,
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

function askMessages(
  client: ChatHttpClient,
  settings: ResolvedChatOptions,
  conversation: Conversation,
  onText: ((delta: string) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<ModelTurn> {
  const body: Record<string, unknown> = {
    model: settings.model,
    max_tokens: settings.maxTokens,
    system: conversation.system,
    messages: conversation.messages,
    temperature: settings.temperature,
  };
  if (onText) body.stream = true;
  return client.post(headers(settings.apiKey), JSON.stringify(body), signal, async (response, progress) => {
    if (onText && isEventStream(response)) return readStream(response, progress, onText, client);
    const turn = readMessage(await response.text(), client);
    if (onText) deliver(progress, onText, turn.text);
    return turn;
  });
}

function headers(apiKey: string | undefined): Record<string, string> {
  const result: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'anthropic-version': ANTHROPIC_VERSION,
  };
  if (apiKey) result['x-api-key'] = apiKey;
  return result;
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
