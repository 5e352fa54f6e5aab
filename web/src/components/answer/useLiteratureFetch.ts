import { useCallback, useEffect, useRef, useState } from 'react';
import { asApiError, post } from '../../api';
import type { AskFilters } from './askTypes';
import { changedLibrary, fetchRequest, type FetchState, type LiteratureFetchResult, type LiteratureService } from './literatureFetch';

/**
 * The fetch and the question asked again, as one state the page shows. `askAgain` resolves true
 * when the new answer arrived. A second fetch while one runs is not started (the buttons are
 * disabled meanwhile); leaving the page, or `clear`, drops what is in flight.
 */
export function useLiteratureFetch() {
  const [state, setState] = useState<FetchState>({ kind: 'idle' });
  const inFlight = useRef<AbortController | null>(null);
  useEffect(() => () => inFlight.current?.abort(), []);

  const run = useCallback(async (service: LiteratureService, searchedFor: string, filters: AskFilters | undefined, askAgain: () => Promise<boolean>) => {
    if (inFlight.current) return;
    const controller = new AbortController();
    inFlight.current = controller;
    setState({ kind: 'fetching', service });
    try {
      const result = await post<LiteratureFetchResult>('/api/v1/literature/fetch', fetchRequest(service, searchedFor, filters), { signal: controller.signal });
      if (controller.signal.aborted) return;
      if (!changedLibrary(result)) {
        setState({ kind: 'done', result, query: searchedFor, askedAgain: false });
        return;
      }
      setState({ kind: 'asking-again', result, query: searchedFor });
      const askedAgain = await askAgain();
      if (!controller.signal.aborted) setState({ kind: 'done', result, query: searchedFor, askedAgain });
    } catch (e) {
      if (!controller.signal.aborted) setState({ kind: 'failed', service, error: asApiError(e) });
    } finally {
      if (inFlight.current === controller) inFlight.current = null;
    }
  }, []);

  /**
   * Forgets the last fetch's line, and drops a fetch in flight (the server stops it, keeping what
   * it saved): a new question was asked, or history moved to another, and asking the old one again
   * afterwards would replace it.
   */
  const clear = useCallback(() => {
    inFlight.current?.abort();
    inFlight.current = null;
    setState({ kind: 'idle' });
  }, []);

  return { state, run, clear };
}
