import { useCallback, useState } from 'react';
import type { ApiError } from '../../api';
import { asApiError } from './use-fetched';

/** A change the user asked for: whether it is under way, and the server's refusal if any. */
export interface Action {
  busy: boolean;
  error?: ApiError;
  /** Runs `change`; resolves true when it succeeded. Errors are kept to be shown, never thrown. */
  run: (change: () => Promise<unknown>) => Promise<boolean>;
  clear: () => void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const run = useCallback(async (change: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await change();
      return true;
    } catch (e) {
      setError(asApiError(e));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => setError(undefined), []);
  return { busy, ...(error ? { error } : {}), run, clear };
}
