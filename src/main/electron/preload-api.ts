import type { ErrorView } from '../../shared/api-types';
import { EVENT_CHANNEL, REQUEST_CHANNELS, type HisUpdateApi, type IpcEnvelope, type UiEvent } from '../../shared/ipc-contract';

/** The part of ipcRenderer the preload uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

function preloadError(code: string, zh: string, en: string, detail: string): ErrorView {
  return { code, step: 'ipc', zh, en, detail };
}

/**
 * window.hisUpdate: invoke known request channels only and unwrap the envelope (rejecting with the
 * ErrorView), subscribe to UI events. ipcRenderer itself never reaches the page, nor does the
 * IpcRendererEvent (it carries the sender object).
 */
export function createHisUpdateApi(ipc: IpcRendererLike): HisUpdateApi {
  const invoke = async (channel: string, ...request: unknown[]): Promise<unknown> => {
    if (!(REQUEST_CHANNELS as readonly string[]).includes(channel)) {
      throw preloadError('IPC_CHANNEL_UNKNOWN', `界面请求了未知的功能（${channel}）。请重启更新助手。`, `The window asked for an unknown channel (${channel}). Restart the update agent.`, String(channel));
    }
    const envelope = (await ipc.invoke(channel, ...request.slice(0, 1))) as IpcEnvelope<unknown> | undefined;
    if (envelope && envelope.ok === true) return envelope.value;
    if (envelope && envelope.ok === false) throw envelope.error;
    throw preloadError('IPC_PROTOCOL', '更新助手返回了无法识别的应答。请重启更新助手。', 'The update agent sent an unrecognised reply. Restart the update agent.', JSON.stringify(envelope) ?? 'undefined');
  };
  const onEvent = (listener: (event: UiEvent) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    const wrapper = (_event: unknown, payload: unknown) => listener(payload as UiEvent);
    ipc.on(EVENT_CHANNEL, wrapper);
    return () => {
      ipc.removeListener(EVENT_CHANNEL, wrapper);
    };
  };
  return Object.freeze({ invoke: invoke as HisUpdateApi['invoke'], onEvent });
}
