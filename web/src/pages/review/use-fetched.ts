import { useCallback, useEffect, useState } from 'react';
import { ApiError, get } from '../../api';

/** What a page knows of one GET: the data once it came, the server's message if it failed. */
export interface Fetched<T> {
  data?: T;
  error?: ApiError;
  loading: boolean;
  /** Asks again, keeping the old data on screen until the new arrives (no flicker after a change). */
  reload: () => void;
}

/**
 * GETs `path` (nothing while it is undefined) and again whenever it changes or `reload` is called.
 * A request overtaken by a newer one is aborted, so a slow old answer never replaces a new one.
 * Shared by the review desk and the admin page.
 */
export function useFetched<T>(path: string | undefined): Fetched<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: path !== undefined });
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (path === undefined) return;
    const controller = new AbortController();
    setState((old) => ({ ...old, loading: true }));
    get<T>(path, { signal: controller.signal }).then(
      (data) => setState({ data, loading: false }),
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setState((old) => ({ ...old, error: asApiError(e), loading: false }));
      },
    );
    return () => controller.abort();
  }, [path, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, reload };
}

/** Any failure as an ApiError, so pages show one kind of message (a network failure included). */
export function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError(0, 'network', 'the server could not be reached; check your connection and try again');
}
