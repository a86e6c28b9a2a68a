import { useCallback, useState } from 'react';
import type { ErrorView } from '../../shared/api-types';
import { toErrorView } from '../api/error-view';

/** Runs one request at a time for a panel: `busy` disables its buttons, a rejection becomes `error`. */
export function useAction(): { busy: boolean; error: ErrorView | null; run: (action: () => Promise<unknown>) => Promise<boolean>; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView | null>(null);
  const run = useCallback(async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (reason) {
      setError(toErrorView(reason));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: useCallback(() => setError(null), []) };
}
