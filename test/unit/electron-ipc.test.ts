import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/main/core/logger';
import { AgentError } from '../../src/main/core/errors/agent-error';
import { registerSecret } from '../../src/main/core/config/redact';
import { registerIpc } from '../../src/main/electron/ipc';
import { createIpcRequestHandler } from '../../src/main/electron/ipc-handler';
import { shuttingDown } from '../../src/main/electron/shell-errors';
import { isRendererPage } from '../../src/main/electron/web-security';
import { REQUEST_CHANNELS, type IpcEnvelope, type RequestChannel } from '../../src/shared/ipc-contract';
import { createElectronStandIn } from '../helpers/electron-stand-in';

const rendererIndex = path.resolve('/opt/his-agent/resources/app.asar/dist/renderer/index.html');
const page = `${pathToFileURL(rendererIndex).href}?view=nurse`;

/** A valid request per channel (undefined = the channel takes none). */
const valid: Record<RequestChannel, unknown> = {
  'agent:get-snapshot': undefined,
  'agent:check-now': { appId: 'nurse' },
  'agent:update-now': {},
  'agent:cancel': undefined,
  'agent:answer-his-prompt': { appId: 'nurse', answer: 'retry' },
  'agent:get-history': { limit: 20 },
  'agent:get-log-tail': { maxLines: 100, minLevel: 'warn', search: 'share' },
  'agent:run-diagnosis': { appId: 'nurse' },
  'agent:export-bundle': undefined,
  'agent:get-fleet': { prefix: 'ICU-', silentHours: 24 },
  'agent:launch-his': { appId: 'nurse' },
  'ui:copy-text': { text: '错误详情' },
  'ui:open-status-window': undefined,
};

/** Payloads no channel accepts, plus each channel's own near misses. */
const generic: unknown[] = [123, 'text', null, [1, 2], { unexpected: true }];
const specific: Partial<Record<RequestChannel, unknown[]>> = {
  'agent:get-snapshot': [{}],
  'agent:check-now': [{ appId: '../../etc' }, { appId: 42 }, { appId: 'a'.repeat(65) }],
  'agent:update-now': [{ appId: 'nurse; rm -rf' }],
  'agent:cancel': [{}],
  'agent:answer-his-prompt': [{ appId: 'nurse', answer: 'maybe' }, { answer: 'retry' }, { appId: 'nurse', answer: 'retry', extra: 1 }],
  'agent:get-history': [{ limit: 0 }, { limit: 1e9 }, { limit: 1.5 }],
  'agent:get-log-tail': [{}, { maxLines: 0 }, { maxLines: 100000 }, { maxLines: 10, minLevel: 'trace' }, { maxLines: 10, search: 'x'.repeat(201) }],
  'agent:run-diagnosis': [{ appId: '' }],
  'agent:export-bundle': [{ path: 'C:\\Windows' }],
  'agent:get-fleet': [{ prefix: "'; DROP TABLE x;--" }, { silentHours: -1 }],
  'agent:launch-his': [{}, { appId: 'C:\\Windows\\system32\\cmd.exe' }],
  'ui:copy-text': [{}, { text: 5 }, { text: 'x'.repeat(100_001) }],
  'ui:open-status-window': [{}],
};

function setup(options: { gate?: (c: RequestChannel) => ReturnType<typeof shuttingDown> | null; fail?: unknown } = {}) {
  const electron = createElectronStandIn();
  const calls: Array<{ channel: string; request: unknown }> = [];
  const service = {
    handle: async (channel: RequestChannel, request: unknown) => {
      calls.push({ channel, request });
      if (options.fail) throw options.fail;
      return channel === 'agent:get-history' ? [] : undefined;
    },
  };
  registerIpc(
    electron.ipcMain,
    createIpcRequestHandler({ service, isTrustedPage: (url) => isRendererPage(url, rendererIndex), logger: silentLogger, ...(options.gate ? { gate: options.gate } : {}) }),
  );
  const invoke = (frame: { url: string; parent?: unknown } | null, channel: string, ...args: unknown[]) => electron.ipcMain.invokeFrom(frame, channel, ...args) as Promise<IpcEnvelope<unknown>>;
  return { electron, calls, invoke };
}

describe('IPC handlers (main side)', () => {
  it('registers exactly one handler per contract channel', () => {
    const { electron } = setup();
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort());
  });

  it.each(REQUEST_CHANNELS.map((c) => [c]))('%s: refuses foreign senders, sub-frames and a missing frame before looking at the payload', async (channel) => {
    const { invoke, calls } = setup();
    const senders = [
      { url: 'https://evil.example/index.html' },
      { url: 'http://127.0.0.1:5173/?view=nurse' },
      { url: pathToFileURL('/tmp/evil/index.html').href },
      { url: pathToFileURL(path.join(path.dirname(rendererIndex), 'other.html')).href },
      { url: 'devtools://devtools/bundled/inspector.html' },
      { url: page, parent: { url: page } }, // our page inside a frame
      null,
    ];
    for (const frame of senders) {
      const reply = await invoke(frame, channel, valid[channel]);
      expect(reply).toMatchObject({ ok: false, error: { code: 'IPC_SENDER_REFUSED' } });
    }
    expect(calls).toEqual([]);
  });

  it.each(REQUEST_CHANNELS.map((c) => [c]))('%s: refuses malformed payloads and forwards a valid one', async (channel) => {
    const { invoke, calls } = setup();
    for (const payload of [...generic, ...(specific[channel] ?? [])]) {
      const reply = await invoke({ url: page }, channel, payload);
      expect(reply, JSON.stringify(payload)).toMatchObject({ ok: false, error: { code: 'IPC_REQUEST_INVALID' } });
      expect(reply.ok === false && reply.error.zh).toMatch(/请求格式不正确/);
    }
    const extraArg = await invoke({ url: page }, channel, valid[channel], 'second');
    expect(extraArg).toMatchObject({ ok: false, error: { code: 'IPC_REQUEST_INVALID' } });
    expect(calls).toEqual([]);

    const reply = await invoke({ url: `${page}#top` }, channel, ...(valid[channel] === undefined ? [] : [valid[channel]]));
    expect(reply.ok).toBe(true);
    expect(calls).toEqual([{ channel, request: valid[channel] }]);
  });

  it('a gate refusal (Windows shutting down) comes back as the ErrorView, the service is not called', async () => {
    const { invoke, calls } = setup({ gate: (c) => (c === 'agent:update-now' ? shuttingDown('logoff') : null) });
    expect(await invoke({ url: page }, 'agent:update-now', {})).toMatchObject({ ok: false, error: { code: 'SHUTTING_DOWN', detail: 'logoff' } });
    expect((await invoke({ url: page }, 'agent:get-history', {})).ok).toBe(true);
    expect(calls.map((c) => c.channel)).toEqual(['agent:get-history']);
  });

  it('service failures become envelopes: AgentErrors keep code and zh, anything else is INTERNAL_ERROR; secrets are redacted', async () => {
    const agentFailure = setup({ fail: new AgentError('HIS_LAUNCH_FAILED', { exe: 'nurse.exe' }) });
    const reply = await agentFailure.invoke({ url: page }, 'agent:launch-his', { appId: 'nurse' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'HIS_LAUNCH_FAILED', step: 'his-process' } });
    expect(reply.ok === false && reply.error.zh).toContain('nurse.exe');

    registerSecret('S3cret-for-ipc-test');
    const plain = setup({ fail: new Error('login failed with S3cret-for-ipc-test') });
    const internal = await plain.invoke({ url: page }, 'agent:get-history', {});
    expect(internal).toMatchObject({ ok: false, error: { code: 'INTERNAL_ERROR' } });
    expect(JSON.stringify(internal)).not.toContain('S3cret-for-ipc-test');
  });
});

describe('isRendererPage', () => {
  it('matches Windows file URLs case-insensitively and ignores query and hash', () => {
    const index = 'C:\\Program Files\\HisUpdateAgent\\resources\\app.asar\\dist\\renderer\\index.html';
    const url = 'file:///C:/Program%20Files/HisUpdateAgent/resources/app.asar/dist/renderer/index.html?view=status&tab=diagnosis#x';
    expect(isRendererPage(url, index, 'win32')).toBe(true);
    expect(isRendererPage(url.replace('C:/Program', 'c:/PROGRAM'), index, 'win32')).toBe(true);
    expect(isRendererPage(url.replace('renderer/index', 'renderer/../../evil/index'), index, 'win32')).toBe(false);
    expect(isRendererPage('file://attacker/share/index.html', index, 'win32')).toBe(false);
    expect(isRendererPage(page, rendererIndex)).toBe(true);
    expect(isRendererPage(`${pathToFileURL(rendererIndex).href}/../index.html`, rendererIndex)).toBe(true);
    expect(isRendererPage(pathToFileURL(`${rendererIndex}.evil`).href, rendererIndex)).toBe(false);
    expect(isRendererPage(`file://evil-host${pathToFileURL(rendererIndex).pathname}`, rendererIndex)).toBe(false);
    expect(isRendererPage('about:blank', rendererIndex)).toBe(false);
    expect(isRendererPage('not a url', rendererIndex)).toBe(false);
  });
});
