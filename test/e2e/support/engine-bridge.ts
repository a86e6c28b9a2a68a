import type { Page } from 'playwright-core';
import { toAgentError } from '../../../src/main/core/errors/agent-error';
import type { AgentService } from '../../../src/main/service/agent-service';
import type { IpcEnvelope, RequestChannel, UiEvent } from '../../../src/shared/ipc-contract';
import { REQUEST_CHANNELS } from '../../../src/shared/ipc-contract';
import { requestSchemas } from '../../../src/shared/ipc-schemas';

/**
 * Gives a page the same `window.hisUpdate` the preload gives the Electron window, backed by a real
 * AgentService: invoke → binding → schema check → service.handle → envelope → resolve / reject with
 * the ErrorView; service events are pushed into the page in order.
 */
export interface EngineBridge {
  /** Every request the page made, in order (channel + payload). */
  requests: Array<{ channel: string; request: unknown }>;
  /** Swaps the service behind the page (a test may rebuild it after changing the config). */
  setService(service: AgentService): void;
  dispose(): void;
}

const PAGE_SIDE = `(() => {
  const listeners = new Set();
  window.__hisEmit = (event) => { for (const listener of listeners) listener(event); };
  window.hisUpdate = Object.freeze({
    invoke: (channel, request) =>
      window.__hisInvoke(channel, request === undefined ? null : request).then((envelope) =>
        envelope.ok ? envelope.value : Promise.reject(envelope.error)),
    onEvent: (listener) => { listeners.add(listener); return () => listeners.delete(listener); },
  });
})();`;

export async function attachEngine(page: Page, first: AgentService): Promise<EngineBridge> {
  let service = first;
  let unsubscribe: () => void = () => {};
  let queue: Promise<unknown> = Promise.resolve();
  const bridge: EngineBridge = {
    requests: [],
    setService(next) {
      unsubscribe();
      service = next;
      unsubscribe = service.onUiEvent(push);
    },
    dispose: () => unsubscribe(),
  };
  const push = (event: UiEvent) => {
    queue = queue.then(() => page.evaluate((e) => (window as unknown as { __hisEmit?: (e: unknown) => void }).__hisEmit?.(e), event)).catch(() => undefined);
  };
  unsubscribe = service.onUiEvent(push);

  await page.exposeBinding('__hisInvoke', async (_source, channel: string, raw: unknown): Promise<IpcEnvelope<unknown>> => {
    bridge.requests.push({ channel, request: raw });
    try {
      if (!REQUEST_CHANNELS.includes(channel as RequestChannel)) throw new Error(`unknown channel ${channel}`);
      const request = requestSchemas[channel as RequestChannel].parse(raw === null ? undefined : raw);
      const value = await service.handle(channel as RequestChannel, request as never);
      return { ok: true, value: value ?? null };
    } catch (error) {
      return { ok: false, error: toAgentError(error, 'INTERNAL_ERROR', { where: channel }).toJSON() };
    }
  });
  await page.addInitScript(PAGE_SIDE);
  return bridge;
}
