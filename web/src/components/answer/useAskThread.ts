import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, post, postStream, toApiError } from '../../api';
import type { Answer, Audience } from '../../types';
import type { AskFilters, AskRequestBody } from './askTypes';

/** One answered question of the conversation, with what was asked for, so it can be published. */
export interface Turn {
  key: number;
  answer: Answer;
  filters?: AskFilters;
}

/** A question on its way: the composer's unverified draft grows here until the answer replaces it. */
export interface PendingAsk {
  question: string;
  draft: string;
}

interface Thread {
  id: string;
}

/**
 * The conversation on the ask page: a server-side thread (so "and in children?" is read against
 * the previous question), the answers so far, the question in flight with its streamed draft, and
 * cancelling. A new question from the main box starts a new thread; follow-ups continue it.
 */
export function useAskThread() {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [pending, setPending] = useState<PendingAsk | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const threadId = useRef<string | undefined>(undefined);
  const inFlight = useRef<AbortController | null>(null);
  const nextKey = useRef(1);

  useEffect(() => () => inFlight.current?.abort(), []);

  const ask = useCallback(async (question: string, audience: Audience, filters: AskFilters | undefined, continueThread: boolean): Promise<boolean> => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setError(null);
    setCancelled(false);
    setPending({ question, draft: '' });
    // A new question starts a new conversation: the earlier answers make way for it at once.
    if (!continueThread) {
      threadId.current = undefined;
      setTurns([]);
    }
    const onDraft = (text: string) => setPending((current) => (current ? { ...current, draft: current.draft + text } : current));
    try {
      const answer = await askInThread({ question, audience, ...(filters ? { filters } : {}) }, threadId, onDraft, controller.signal);
      const turn: Turn = { key: nextKey.current++, answer, ...(filters ? { filters } : {}) };
      setTurns((previous) => (continueThread ? [...previous, turn] : [turn]));
      return true;
    } catch (e) {
      // A question replaced by a newer one was aborted on purpose: nothing to report.
      if (inFlight.current !== controller) return false;
      if (controller.signal.aborted) setCancelled(true);
      else setError(e instanceof Error ? e : new Error(String(e)));
      return false;
    } finally {
      if (inFlight.current === controller) {
        inFlight.current = null;
        setPending(null);
      }
    }
  }, []);

  const cancel = useCallback(() => inFlight.current?.abort(), []);

  /** Back to no conversation: a question in flight is dropped without a word. */
  const reset = useCallback(() => {
    const controller = inFlight.current;
    inFlight.current = null;
    controller?.abort();
    threadId.current = undefined;
    setTurns([]);
    setPending(null);
    setError(null);
    setCancelled(false);
  }, []);

  /** A conversation kept from before (Back, reload): its answers, and its thread for follow-ups. */
  const restore = useCallback(
    (saved: { threadId?: string | undefined; turns: readonly Omit<Turn, 'key'>[] }) => {
      reset();
      threadId.current = saved.threadId;
      setTurns(saved.turns.map((turn) => ({ ...turn, key: nextKey.current++ })));
    },
    [reset],
  );

  /** The server's thread of the conversation, to keep with it. */
  const currentThreadId = useCallback(() => threadId.current, []);

  return { turns, pending, error, cancelled, ask, cancel, reset, restore, currentThreadId };
}

/**
 * Asks within the thread, making the thread first if there is none. A thread the server has
 * forgotten (it restarted, or dropped the least recently used) is replaced once and the question
 * asked again, rather than failing a question that does not need its history.
 */
async function askInThread(body: AskRequestBody, threadId: { current: string | undefined }, onDraft: (text: string) => void, signal: AbortSignal): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    threadId.current ??= (await post<Thread>('/api/v1/threads', {}, { signal })).id;
    try {
      return await streamAnswer({ ...body, threadId: threadId.current }, onDraft, signal);
    } catch (e) {
      const threadGone = e instanceof ApiError && e.status === 404 && attempt === 0;
      if (!threadGone) throw e;
      threadId.current = undefined;
    }
  }
}

/** POSTs the question and reads the event stream: drafts as they come, then the answer or an error. */
async function streamAnswer(body: AskRequestBody, onDraft: (text: string) => void, signal: AbortSignal): Promise<Answer> {
  let answer: Answer | undefined;
  let failure: ApiError | undefined;
  await postStream(
    '/api/v1/ask',
    body,
    ({ event, data }) => {
      if (event === 'draft') onDraft((data as { text?: string } | null)?.text ?? '');
      else if (event === 'answer') answer = data as Answer;
      // The HTTP status was 200 when the stream began; the error's code says what went wrong.
      else if (event === 'error') failure = toApiError(500, data);
    },
    signal,
  );
  if (failure) throw failure;
  if (!answer) throw new Error('the server closed the connection before the answer arrived; ask again');
  return answer;
}
