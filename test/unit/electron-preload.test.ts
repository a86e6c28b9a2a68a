import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/main/core/logger';
import { registerIpc } from '../../src/main/electron/ipc';
import { createIpcRequestHandler } from '../../src/main/electron/ipc-handler';
import { isRendererPage } from '../../src/main/electron/web-security';
import { EVENT_CHANNEL, type HisUpdateApi, type RequestChannel, type UiEvent } from '../../src/shared/ipc-contract';
import { createElectronStandIn } from '../helpers/electron-stand-in';

const bundle = path.resolve(__dirname, '../../dist/preload/preload.js');
const rendererIndex = path.resolve('/opt/his-agent/dist/renderer/index.html');
const page = `${pathToFileURL(rendererIndex).href}?view=nurse`;
let code: string;

beforeAll(() => {
  // test/global-setup.ts builds dist/ before any test file runs.
  code = fs.readFileSync(bundle, 'utf8');
});

/**
 * Runs the shipped preload bundle the way a sandboxed preload runs: its require() offers only
 * 'electron' (renderer side), so a bundle that needed anything else would throw here.
 */
function loadPreload() {
  const electron = createElectronStandIn();
  const required: string[] = [];
  const handled: Array<{ channel: string; request: unknown }> = [];
  registerIpc(
    electron.ipcMain,
    createIpcRequestHandler({
      service: {
        handle: async (channel: RequestChannel, request: unknown) => {
          handled.push({ channel, request });
          return channel === 'agent:get-history' ? [{ runId: 'r1' }] : undefined;
        },
      },
      isTrustedPage: (url) => isRendererPage(url, rendererIndex),
      logger: silentLogger,
    }),
  );
  const invoked: string[] = [];
  const originalInvoke = electron.renderer.ipcRenderer.invoke;
  electron.renderer.ipcRenderer.invoke = (channel: string, ...args: unknown[]) => {
    invoked.push(channel);
    return originalInvoke(channel, ...args);
  };
  electron.renderer.ipcRenderer.frameUrl = page;
  const module = { exports: {} };
  const sandboxRequire = (id: string) => {
    required.push(id);
    if (id === 'electron') return electron.renderer;
    throw new Error(`module not found in a sandboxed preload: ${id}`);
  };
  vm.runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, console }, { filename: 'preload.js' });
  const exposed = electron.renderer.contextBridge.exposed;
  return { electron, exposed, api: exposed.get('hisUpdate') as HisUpdateApi, required, handled, invoked };
}

describe('preload bundle (dist/preload/preload.js)', () => {
  it('is one self-contained file that requires only electron and exposes only window.hisUpdate', () => {
    const { exposed, required, api } = loadPreload();
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['hisUpdate']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'onEvent']);
    expect(Object.isFrozen(api)).toBe(true);
    expect(code).not.toMatch(/require\(["'](?!electron["'])/);
  });

  it('invokes known channels through main and unwraps the envelope', async () => {
    const { api, handled } = loadPreload();
    await expect(api.invoke('agent:get-history', { limit: 3 })).resolves.toEqual([{ runId: 'r1' }]);
    await expect(api.invoke('agent:get-snapshot')).resolves.toBeUndefined();
    expect(handled).toEqual([
      { channel: 'agent:get-history', request: { limit: 3 } },
      { channel: 'agent:get-snapshot', request: undefined },
    ]);
  });

  it('refuses unknown channels without reaching ipcRenderer, and rejects with the ErrorView when main refuses', async () => {
    const { api, invoked, electron } = loadPreload();
    for (const channel of ['__ELECTRON_LOG__', 'agent:delete-everything', 'constructor', '']) {
      await expect((api.invoke as (c: string) => Promise<unknown>)(channel)).rejects.toMatchObject({ code: 'IPC_CHANNEL_UNKNOWN' });
    }
    expect(invoked).toEqual([]);

    const malformed = await (api.invoke as (c: string, r: unknown) => Promise<unknown>)('agent:get-history', { limit: 'all' }).catch((e: unknown) => e);
    expect(malformed).toMatchObject({ code: 'IPC_REQUEST_INVALID', step: 'ipc' });
    expect(malformed).not.toBeInstanceOf(Error);
    expect((malformed as { zh: string }).zh).toMatch(/请求格式不正确/);

    electron.renderer.ipcRenderer.frameUrl = 'https://evil.example/';
    await expect(api.invoke('agent:cancel')).rejects.toMatchObject({ code: 'IPC_SENDER_REFUSED' });
  });

  it('onEvent hands the listener the payload only (never the IpcRendererEvent) and unsubscribes', () => {
    const { api, electron } = loadPreload();
    const seen: unknown[][] = [];
    const off = api.onEvent((...args: unknown[]) => seen.push(args));
    const event: UiEvent = { type: 'state', appId: 'nurse', state: 'checking', from: null, to: null };
    electron.renderer.ipcRenderer.emit(EVENT_CHANNEL, { sender: electron.renderer.ipcRenderer }, event);
    expect(seen).toEqual([[event]]);
    off();
    electron.renderer.ipcRenderer.emit(EVENT_CHANNEL, {}, event);
    expect(seen).toHaveLength(1);
    expect(electron.renderer.ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(0);
  });
});
