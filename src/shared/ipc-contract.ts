import type { AgentSnapshot, DiagnosisReportView, FleetView, LogLevel, LogLine, RunRecordView, ErrorView, ProgressView, RunState } from './api-types';

/**
 * The one table of IPC channels, shared by main, preload and renderer (GitHub Desktop's pattern):
 * a request channel maps to its request and response types, an event channel to its payload.
 * Main validates every request payload (ipc-schemas.ts) and refuses senders that are not our page.
 */
export interface RequestChannels {
  'agent:get-snapshot': { request: void; response: AgentSnapshot };
  'agent:check-now': { request: { appId?: string }; response: void };
  'agent:update-now': { request: { appId?: string }; response: void };
  'agent:cancel': { request: void; response: void };
  /** The nurse closed the HIS (retry) or gave up (cancel) in the "please close the HIS" prompt. */
  'agent:answer-his-prompt': { request: { appId: string; answer: 'retry' | 'cancel' }; response: void };
  'agent:get-history': { request: { limit?: number; appId?: string }; response: RunRecordView[] };
  'agent:get-log-tail': { request: { maxLines: number; minLevel?: LogLevel; search?: string }; response: LogLine[] };
  'agent:run-diagnosis': { request: { appId?: string }; response: DiagnosisReportView };
  'agent:export-bundle': { request: void; response: { path: string; bytes: number } };
  'agent:get-fleet': { request: { prefix?: string; silentHours?: number }; response: FleetView };
  'agent:launch-his': { request: { appId: string }; response: void };
  'ui:copy-text': { request: { text: string }; response: void };
  'ui:open-status-window': { request: void; response: void };
}

export type RequestChannel = keyof RequestChannels;
export type RequestOf<C extends RequestChannel> = RequestChannels[C]['request'];
export type ResponseOf<C extends RequestChannel> = RequestChannels[C]['response'];

/** Pushed from main to every window. */
export type UiEvent =
  | { type: 'snapshot'; snapshot: AgentSnapshot }
  | { type: 'state'; appId: string; state: RunState; from: string | null; to: string | null }
  | { type: 'progress'; appId: string; progress: ProgressView }
  | { type: 'his-running'; appId: string; exe: string }
  | { type: 'error'; appId: string; error: ErrorView }
  | { type: 'log'; line: LogLine };

export const EVENT_CHANNEL = 'agent:event';

/**
 * How a response crosses IPC: Electron keeps only the message of a thrown Error, so handlers return
 * an envelope and the preload (or the e2e bridge) turns `ok: false` back into a rejection whose
 * reason is the ErrorView (code, zh, en, detail).
 */
export type IpcEnvelope<T> = { ok: true; value: T } | { ok: false; error: ErrorView };

/**
 * What the preload exposes as `window.hisUpdate` (and what the e2e tests expose through
 * page.exposeBinding): one method per request channel plus an event subscription.
 */
export interface HisUpdateApi {
  /** Rejects with an ErrorView (not an Error) when the handler failed. */
  invoke<C extends RequestChannel>(channel: C, ...request: RequestOf<C> extends void ? [] : [RequestOf<C>]): Promise<ResponseOf<C>>;
  onEvent(listener: (event: UiEvent) => void): () => void;
}

export const REQUEST_CHANNELS: readonly RequestChannel[] = [
  'agent:get-snapshot',
  'agent:check-now',
  'agent:update-now',
  'agent:cancel',
  'agent:answer-his-prompt',
  'agent:get-history',
  'agent:get-log-tail',
  'agent:run-diagnosis',
  'agent:export-bundle',
  'agent:get-fleet',
  'agent:launch-his',
  'ui:copy-text',
  'ui:open-status-window',
];
