import type { HisUpdateApi } from '../shared/ipc-contract';

declare global {
  interface Window {
    /** Exposed by the preload (contextBridge) or, in e2e tests, by the Playwright bridge. */
    hisUpdate?: HisUpdateApi;
  }
}

export {};
