import type { IpcMain } from 'electron';
import { REQUEST_CHANNELS, type IpcEnvelope, type RequestChannel } from '../../shared/ipc-contract';
import type { IpcSenderInfo } from './ipc-handler';

export type IpcRequestHandler = (channel: RequestChannel, event: IpcSenderInfo, args: unknown[]) => Promise<IpcEnvelope<unknown>>;

/** One ipcMain.handle per request channel of the contract, all through the checking handler. */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, handler: IpcRequestHandler): () => void {
  for (const channel of REQUEST_CHANNELS) ipcMain.handle(channel, (event, ...args: unknown[]) => handler(channel, event, args));
  return () => {
    for (const channel of REQUEST_CHANNELS) ipcMain.removeHandler(channel);
  };
}
