import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/main/core/config/load';
import { DefaultSecretResolver } from '../../src/main/core/config/secrets';
import { AgentError } from '../../src/main/core/errors/agent-error';
import type { ElectronMain } from '../../src/main/electron/electron-api';
import { createProtectedDecryptor, protectSecret, runProtectSecret } from '../../src/main/electron/secret-store';
import type { ShellEnvironment, ShellHandle } from '../../src/main/electron/shell';
import { createElectronStandIn, installElectronStandIn } from '../helpers/electron-stand-in';

let uninstall: () => void;
let openShellLog: typeof import('../../src/main/electron/logging').openShellLog;
let runShell: (electron: ElectronMain, env: ShellEnvironment) => Promise<ShellHandle | null>;
let tmp: string;

beforeAll(async () => {
  uninstall = installElectronStandIn(createElectronStandIn());
  ({ openShellLog } = await import('../../src/main/electron/logging'));
  ({ runShell } = await import('../../src/main/electron/shell'));
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'his-secrets-'));
});
afterAll(async () => {
  uninstall();
  await fsp.rm(tmp, { recursive: true, force: true });
});

async function* lines(...chunks: string[]) {
  for (const c of chunks) yield Buffer.from(c);
}

const configWith = (password: unknown) =>
  JSON.stringify({
    apps: [
      {
        id: 'nurse',
        displayName: '护士工作站',
        installDir: 'D:\\his',
        localVersion: { type: 'file', path: 'version.txt' },
        share: { path: '\\\\his-fs\\update', transport: 'smb2', username: 'his_reader', password },
        apply: { mode: 'mirror' },
      },
    ],
  });

describe('safeStorage secrets through the engine resolver', () => {
  it('round trip: --protect-secret output pasted into config.json resolves to the password', async () => {
    const electron = createElectronStandIn();
    const out: string[] = [];
    const err: string[] = [];
    const code = await runProtectSecret(electron.safeStorage, lines('Pa55-wörd-', '医院\r\n'), { write: (t) => out.push(t) }, { write: (t) => err.push(t) });
    expect(code).toBe(0);
    expect(out.join('')).not.toContain('Pa55');
    const ref = JSON.parse(out.join(''));
    expect(Object.keys(ref)).toEqual(['protected']);
    const config = parseConfigText(configWith(ref), 'config.json');
    const resolver = new DefaultSecretResolver({}, createProtectedDecryptor(electron.safeStorage));
    await expect(resolver.resolve(config.apps[0]!.share.password!)).resolves.toBe('Pa55-wörd-医院');
  });

  it('a blob from another account/PC, a tampered blob, or no DPAPI: SECRET_MISSING with a zh message', async () => {
    const mine = createElectronStandIn();
    const other = createElectronStandIn();
    const blob = protectSecret(other.safeStorage, 'x-password');
    const resolver = new DefaultSecretResolver({}, createProtectedDecryptor(mine.safeStorage));
    const failure = await resolver.resolve(blob).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AgentError);
    expect(failure).toMatchObject({ code: 'SECRET_MISSING' });
    expect((failure as AgentError).zh).toMatch(/密码/);

    const good = protectSecret(mine.safeStorage, 'x-password');
    const raw = Buffer.from(good.protected, 'base64');
    raw.writeUInt8(raw.readUInt8(raw.length - 1) ^ 1, raw.length - 1);
    await expect(resolver.resolve({ protected: raw.toString('base64') })).rejects.toMatchObject({ code: 'SECRET_MISSING' });

    mine.safeStorage.available = false;
    await expect(resolver.resolve(good)).rejects.toMatchObject({ code: 'SECRET_MISSING' });
    expect(await runProtectSecret(mine.safeStorage, lines('pw'), { write: () => true }, { write: () => true })).toBe(2);
    expect(await runProtectSecret(other.safeStorage, lines(''), { write: () => true }, { write: () => true })).toBe(2);
  });

  it('HisUpdateAgent.exe --protect-secret runs before any single-instance lock, tray or config', async () => {
    const electron = createElectronStandIn();
    const out: string[] = [];
    const handle = await runShell(electron as unknown as ElectronMain, {
      argv: ['HisUpdateAgent.exe', '--protect-secret'],
      env: {},
      platform: 'win32',
      appPath: tmp,
      resourcesPath: tmp,
      stdin: lines('db-pass\n'),
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: () => true },
      logToConsole: false,
    });
    expect(handle).toBeNull();
    expect(electron.app.exitCode).toBe(0);
    expect(electron.calls.some((c) => c.api === 'app.requestSingleInstanceLock')).toBe(false);
    expect(electron.Tray.instances).toHaveLength(0);
    const ref = JSON.parse(out.join(''));
    expect(electron.safeStorage.decryptString(Buffer.from(ref.protected, 'base64'))).toBe('db-pass');
  });
});

describe('logging through electron-log/main', () => {
  it('writes <logDir>/agent.log with 5 MiB rotation; resolved secrets never reach the file; info lines become live log events', async () => {
    const { AgentEvents } = await import('../../src/main/core/engine/events');
    const events = new AgentEvents();
    const live: string[] = [];
    events.subscribe((e) => e.type === 'log' && live.push(`${e.level}:${e.message}`));
    const log = openShellLog(path.join(tmp, 'logs'), { console: false, events });
    expect(log.file).toBe(path.join(tmp, 'logs', 'agent.log'));
    const electronLog = (await import('electron-log/main')).default;
    expect(electronLog.transports.file.maxSize).toBe(5 * 1024 * 1024);

    const electron = createElectronStandIn();
    const resolver = new DefaultSecretResolver({}, createProtectedDecryptor(electron.safeStorage));
    const secret = await resolver.resolve(protectSecret(electron.safeStorage, 'Very-Secret-DB-Pass'));
    log.logger.info(`connecting as his_reader with ${secret}`, { password: secret, server: 'db01' });
    log.logger.debug('debug detail stays out of the live view');
    const moved = log.moveTo(path.join(tmp, 'logs2'));
    log.logger.warn('after the move');
    await new Promise((r) => setTimeout(r, 100));
    const first = fs.readFileSync(path.join(tmp, 'logs', 'agent.log'), 'utf8');
    expect(first).toMatch(/\[info\]\s+connecting as his_reader with \*\*\* \{"password":"\*\*\*","server":"db01"\}/);
    expect(first).not.toContain('Very-Secret-DB-Pass');
    expect(fs.readFileSync(moved, 'utf8')).toMatch(/\[warn\]\s+after the move/);
    expect(live).toEqual(['info:connecting as his_reader with *** {"password":"***","server":"db01"}', 'warn:after the move']);
  });
});
