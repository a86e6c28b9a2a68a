import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/main/core/logger';
import { registerIpc } from '../../src/main/electron/ipc';
import { createIpcRequestHandler } from '../../src/main/electron/ipc-handler';
import { isRendererPage } from '../../src/main/electron/web-security';
import { REQUEST_CHANNELS, type IpcEnvelope, type RequestChannel } from '../../src/shared/ipc-contract';
import { requestSchemas } from '../../src/shared/ipc-schemas';
import { createElectronStandIn } from '../helpers/electron-stand-in';
import { FaultTable } from '../faults/support/fault-table';

/**
 * IPC fuzzing: random payloads for every request channel (fast-check: arbitrary values, near-miss
 * records with random field values, extra and prototype keys, huge strings, extra arguments), through
 * requestSchemas and through the Electron IPC layer (registerIpc + createIpcRequestHandler on a
 * stand-in ipcMain). An independent oracle, written from the contract, says which payloads are valid:
 * every other one must come back IPC_REQUEST_INVALID without reaching the service.
 */
const table = new FaultTable('fuzz-ipc');
afterAll(() => table.print());

const RUNS = Number(process.env.HIS_FUZZ_RUNS ?? 400);
const rendererIndex = path.resolve('/opt/his-agent/resources/app.asar/dist/renderer/index.html');
const page = `${pathToFileURL(rendererIndex).href}?view=status`;

type Oracle = (payload: unknown) => boolean;
// A null-prototype object is as plain as {} (structured clone turns it into one anyway).
const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && [Object.prototype, null].includes(Object.getPrototypeOf(v));
const onlyKeys = (v: Record<string, unknown>, allowed: string[]) => Object.keys(v).every((k) => allowed.includes(k));
const appIdOk = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(v);
const intIn = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const optional = (v: Record<string, unknown>, key: string, ok: (x: unknown) => boolean) => !(key in v) || v[key] === undefined || ok(v[key]);
const none: Oracle = (p) => p === undefined;
const appOnly: Oracle = (p) => isPlain(p) && onlyKeys(p, ['appId']) && optional(p, 'appId', appIdOk);

/** Written from the contract (ipc-contract.ts comments and the UI's needs), not from ipc-schemas.ts. */
const ORACLE: Record<RequestChannel, Oracle> = {
  'agent:get-snapshot': none,
  'agent:check-now': appOnly,
  'agent:update-now': appOnly,
  'agent:cancel': none,
  'agent:answer-his-prompt': (p) => isPlain(p) && onlyKeys(p, ['appId', 'answer']) && appIdOk(p.appId) && (p.answer === 'retry' || p.answer === 'cancel'),
  'agent:get-history': (p) => isPlain(p) && onlyKeys(p, ['limit', 'appId']) && optional(p, 'limit', (x) => intIn(x, 1, 10000)) && optional(p, 'appId', appIdOk),
  'agent:get-log-tail': (p) =>
    isPlain(p) &&
    onlyKeys(p, ['maxLines', 'minLevel', 'search']) &&
    intIn(p.maxLines, 1, 5000) &&
    optional(p, 'minLevel', (x) => ['debug', 'info', 'warn', 'error'].includes(x as string)) &&
    optional(p, 'search', (x) => typeof x === 'string' && x.length <= 200),
  'agent:run-diagnosis': appOnly,
  'agent:export-bundle': none,
  'agent:get-fleet': (p) =>
    isPlain(p) &&
    onlyKeys(p, ['prefix', 'silentHours']) &&
    optional(p, 'prefix', (x) => typeof x === 'string' && x.length <= 64 && /^[\w.-]*$/.test(x)) &&
    optional(p, 'silentHours', (x) => typeof x === 'number' && Number.isFinite(x) && x > 0 && x <= 24 * 365),
  'agent:launch-his': (p) => isPlain(p) && onlyKeys(p, ['appId']) && appIdOk(p.appId),
  'ui:copy-text': (p) => isPlain(p) && onlyKeys(p, ['text']) && typeof p.text === 'string' && p.text.length <= 100_000,
  'ui:open-status-window': none,
};

const fieldValue = fc.oneof(
  fc.anything({ maxDepth: 1 }),
  fc.constantFrom('nurse', 'NURSE_2', '../nurse', 'nurse\u0000', 'C:\\Windows', '', 'retry', 'cancel', 'warn', 'trace', "'; DROP TABLE x;--", 'ICU-', 'a'.repeat(64), 'a'.repeat(65)),
  fc.integer({ min: -10, max: 20_000 }),
  fc.constantFrom(0, 1, 1.5, 5000, 5001, 10000, 10001, 8760, 8761, -1, NaN, Infinity, -0, 1e308),
  fc.string({ maxLength: 210 }),
);
const nearMiss = fc.dictionary(fc.constantFrom('appId', 'answer', 'limit', 'maxLines', 'minLevel', 'search', 'prefix', 'silentHours', 'text', 'extra', '__proto__', 'constructor', 'toString'), fieldValue, { maxKeys: 4 });
const payload = fc.oneof(fc.constant(undefined), fc.anything(), nearMiss, nearMiss, nearMiss, fc.constantFrom('x'.repeat(100_001), '长'.repeat(100_000), 'y'.repeat(99_999)).map((text) => ({ text })));

describe('IPC fuzzing', () => {
  it('requestSchemas accept exactly what the contract allows, for every channel', async () => {
    const counts = { accepted: 0, refused: 0 };
    await table.run('IPC schemas', `${RUNS} random payloads × ${REQUEST_CHANNELS.length} channels (arbitrary values, near-miss records, prototype keys, huge strings)`, 'accepted ⇔ valid by the independent oracle', async (measure) => {
      for (const channel of REQUEST_CHANNELS) {
        fc.assert(
          fc.property(payload, (p) => {
            const accepted = requestSchemas[channel].safeParse(p).success;
            if (accepted !== ORACLE[channel](p)) expect.fail(`${channel}: schema ${accepted ? 'accepts' : 'refuses'} ${JSON.stringify(p)?.slice(0, 300)}`);
            counts[accepted ? 'accepted' : 'refused']++;
          }),
          { numRuns: RUNS, seed: 31 },
        );
      }
      measure(`${counts.refused} refused, ${counts.accepted} accepted, 0 disagreements with the oracle`);
    });
  });

  it('through the Electron IPC layer: malformed payloads never reach the service, valid ones arrive intact', async () => {
    const electron = createElectronStandIn();
    const calls: Array<{ channel: string; request: unknown }> = [];
    registerIpc(
      electron.ipcMain,
      createIpcRequestHandler({
        service: { handle: async (channel, request) => void calls.push({ channel, request }) },
        isTrustedPage: (url) => isRendererPage(url, rendererIndex),
        logger: silentLogger,
      }),
    );
    const invoke = (channel: string, ...args: unknown[]) => electron.ipcMain.invokeFrom({ url: page, parent: null }, channel, ...args) as Promise<IpcEnvelope<unknown>>;
    let refused = 0;
    let forwarded = 0;
    await table.run('IPC through ipcMain', `${RUNS} random payloads × ${REQUEST_CHANNELS.length} channels from our own page, plus a random second argument for a quarter`, 'invalid → IPC_REQUEST_INVALID (zh message), service not called; valid → forwarded once, unchanged; Object.prototype untouched', async (measure) => {
      for (const channel of REQUEST_CHANNELS) {
        await fc.assert(
          fc.asyncProperty(payload, fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.anything().map((value) => ({ value })), weight: 1 }), async (p, second) => {
            calls.length = 0;
            const args = second === null ? (p === undefined ? [] : [p]) : [p, second.value];
            const reply = await invoke(channel, ...args);
            const valid = second === null && ORACLE[channel](p);
            if (valid) {
              if (!reply.ok) expect.fail(`${channel}: refused ${JSON.stringify(p)?.slice(0, 300)}`);
              expect(calls).toHaveLength(1);
              expect(calls[0]!.channel).toBe(channel);
              expect(calls[0]!.request).toEqual(p);
              forwarded++;
            } else {
              expect(reply).toMatchObject({ ok: false, error: { code: 'IPC_REQUEST_INVALID' } });
              expect(reply.ok === false && reply.error.zh).toMatch(/请求格式不正确/);
              expect(calls).toHaveLength(0);
              refused++;
            }
            expect(({} as Record<string, unknown>).polluted).toBeUndefined();
          }),
          { numRuns: RUNS, seed: 32 },
        );
      }
      // A prototype-pollution attempt as the renderer would send it (parsed JSON keeps __proto__ as a key).
      const reply = await invoke('agent:check-now', JSON.parse('{"__proto__":{"polluted":true}}'));
      expect(reply.ok).toBe(false);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      measure(`${refused} refused before the service, ${forwarded} forwarded; prototype untouched`);
    });
  });
});
