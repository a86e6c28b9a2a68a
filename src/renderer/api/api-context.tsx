import { createContext, useContext, type ReactNode } from 'react';
import type { HisUpdateApi } from '../../shared/ipc-contract';

const ApiContext = createContext<HisUpdateApi | null>(null);

/** The one door to the agent: `window.hisUpdate` in the app, a small in-test implementation in component tests. */
export function ApiProvider({ api, children }: { api: HisUpdateApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): HisUpdateApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}
