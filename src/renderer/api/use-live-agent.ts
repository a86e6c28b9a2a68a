import { useCallback, useEffect, useReducer, useState } from 'react';
import type { AgentSnapshot, ErrorView } from '../../shared/api-types';
import type { UiEvent } from '../../shared/ipc-contract';
import { useApi } from './api-context';
import { toErrorView } from './error-view';
import { applyEvent, emptyLiveState, fromSnapshot, isActive, type LiveState } from './live-state';

type Action = { type: 'event'; event: UiEvent } | { type: 'snapshot'; snapshot: AgentSnapshot };

function reduce(state: LiveState, action: Action): LiveState {
  return action.type === 'snapshot' ? fromSnapshot(action.snapshot, state) : applyEvent(state, action.event);
}

/**
 * Subscribes to the agent's events first, then loads a snapshot, so nothing that happens in between
 * is lost. `loadError` is set when even the snapshot could not be read.
 */
export function useLiveAgent(): { live: LiveState; loadError: ErrorView | null; reload: () => void } {
  const api = useApi();
  const [live, dispatch] = useReducer(reduce, emptyLiveState);
  const [loadError, setLoadError] = useState<ErrorView | null>(null);

  const reload = useCallback(() => {
    api.invoke('agent:get-snapshot').then(
      (snapshot) => {
        setLoadError(null);
        dispatch({ type: 'snapshot', snapshot });
      },
      (reason: unknown) => setLoadError(toErrorView(reason)),
    );
  }, [api]);

  useEffect(() => {
    const unsubscribe = api.onEvent((event) => dispatch({ type: 'event', event }));
    reload();
    return unsubscribe;
  }, [api, reload]);

  // Busy with no app in an active state: the run is ending. Its snapshot normally arrives within
  // milliseconds; if it was missed, ask again rather than leave the start buttons disabled.
  const ending = live.busy && live.apps.every((a) => !isActive(a.view.state));
  useEffect(() => {
    if (!ending) return;
    const timer = setTimeout(reload, 1500);
    return () => clearTimeout(timer);
  }, [ending, live, reload]);

  return { live, loadError, reload };
}
