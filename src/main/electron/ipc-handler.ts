import type { ErrorView } from '../../shared/api-types';
import type { IpcEnvelope, RequestChannel } from '../../shared/ipc-contract';
import { REQUEST_CHANNELS } from '../../shared/ipc-contract';
import { requestSchemas } from '../../shared/ipc-schemas';
import { redactValue } from '../core/config/redact';
import { toAgentError } from '../core/errors/agent-error';
import type { Logger } from '../core/logger';
import { requestInvalid, senderRefused } from './shell-errors';

/** The part of Electron's IpcMainInvokeEvent the check reads. */
export interface IpcSenderInfo {
  senderFrame: { url: string; parent: unknown } | null;
}

export interface IpcHandlerDeps {
  service: { handle(channel: RequestChannel, request: unknown): Promise<unknown> };
  /** True only for our renderer page (web-security.ts isRendererPage). */
  isTrustedPage(url: string): boolean;
  /** Returns an error when the request must not run now (e.g. Windows is shutting down). */
  gate?(channel: RequestChannel): ErrorView | null;
  logger: Logger;
}

/**
 * One request as ipcMain.handle receives it: refuse a sender that is not the main frame of our page,
 * refuse a payload the channel's schema does not accept, then let the service answer. Always resolves
 * with an envelope, since Electron would keep only the message of a thrown error.
 */
export function createIpcRequestHandler(deps: IpcHandlerDeps) {
  return async (channel: RequestChannel, event: IpcSenderInfo, args: unknown[]): Promise<IpcEnvelope<unknown>> => {
    const frame = event.senderFrame;
    if (!REQUEST_CHANNELS.includes(channel) || !frame || frame.parent !== null || !deps.isTrustedPage(frame.url)) {
      deps.logger.warn('IPC request refused: sender is not our page', { channel, url: frame?.url ?? '(none)' });
      return { ok: false, error: senderRefused(channel, frame?.url ?? '') };
    }
    if (args.length > 1) return { ok: false, error: requestInvalid(channel, `expected at most one argument, got ${args.length}`) };
    const parsed = requestSchemas[channel].safeParse(args[0]);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
      deps.logger.warn('IPC request refused: malformed payload', { channel, issues });
      return { ok: false, error: requestInvalid(channel, issues) };
    }
    const refusal = deps.gate?.(channel) ?? null;
    if (refusal) return { ok: false, error: refusal };
    try {
      return { ok: true, value: await deps.service.handle(channel, parsed.data) };
    } catch (error) {
      const view: ErrorView = toAgentError(error, 'INTERNAL_ERROR', { where: channel }).toJSON();
      return { ok: false, error: redactValue(view) };
    }
  };
}
