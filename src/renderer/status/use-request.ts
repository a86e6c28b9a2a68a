import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorView } from '../../shared/api-types';
import { toErrorView } from '../api/error-view';

/**
 * Loads data for a tab and reloads when `deps` change; keeps the last data while reloading and
 * drops answers to requests that a newer one replaced.
 */
export function useRequest<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: ErrorView | null; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ErrorView | null>(null);
  const [loading, setLoading] = useState(false);
  const generation = useRef(0);
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    setLoading(true);
    run().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (reason: unknown) => {
        if (mine !== generation.current) return;
        setError(toErrorView(reason));
        setLoading(false);
      },
    );
  }, [run]);
  useEffect(reload, [reload]);
  return { data, error, loading, reload };
}
