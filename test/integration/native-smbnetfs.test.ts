import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSingleJson, runCli } from '../helpers/cli';
import { startSamba, type SambaServer, type SambaVariant } from '../helpers/samba';
import { createScenario, installState, type Scenario } from '../helpers/scenario';
import { mountSmbnetfs, type SmbnetfsMount } from '../helpers/smbnetfs';

/**
 * The native transport (plain fs, which on Windows reads `\\server\share` through the OS's SMB
 * client) over a real SMB client here: smbnetfs (FUSE, libsmbclient) against real Samba.
 */
const USER = 'nurse01';
const PASSWORD = 'Native-Pw-9931';
interface UpdateJson {
  ok: boolean;
  errorCode: string | null;
  message: string;
  bytes: number;
  outcome: string;
}

describe.each<[SambaVariant, boolean]>([
  ['default', false],
  ['signing', false],
  ['encrypt', false],
  ['smb1', true],
])('native transport over smbnetfs, Samba %s', (variant, smb1) => {
  let samba: SambaServer;
  let mount: SmbnetfsMount;
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario({ mode: 'mirror', files: 40, totalBytes: 3 * 1024 * 1024 });
    samba = await startSamba({ variant, shares: [{ name: 'update', path: path.dirname(s.shareDir) }], users: [{ name: USER, password: PASSWORD }] });
    mount = await mountSmbnetfs({ host: samba.host, port: samba.port, workgroup: samba.workgroup, user: USER, password: PASSWORD, smb1 });
    await s.writeConfig((config) => {
      (config.apps as Array<Record<string, { path: string }>>)[0]!.share!.path = mount.pathTo('update', 'nurse');
    });
  });
  afterAll(async () => {
    await mount?.unmount();
    await samba?.stop();
    await s?.cleanup();
  });

  it('updates with correct hashes, then an up-to-date check moves 0 bytes', async () => {
    const run = await runCli(['update', '--json', '--config', s.configFile]);
    const out = parseSingleJson<UpdateJson>(run);
    expect(out.ok, `${out.message}\n${samba.log().slice(-2000)}`).toBe(true);
    expect(out.bytes).toBeGreaterThan(0);
    expect(await installState(s)).toBe('new');
    const again = parseSingleJson<UpdateJson>(await runCli(['update', '--json', '--config', s.configFile]));
    expect(again).toMatchObject({ ok: true, bytes: 0, outcome: 'up-to-date' });
  });
});

describe('native transport errors through a real SMB client', () => {
  let samba: SambaServer;
  let good: SmbnetfsMount;
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario({ mode: 'mirror', files: 10, totalBytes: 64 * 1024 });
    samba = await startSamba({ shares: [{ name: 'update', path: path.dirname(s.shareDir) }], users: [{ name: USER, password: PASSWORD }] });
    good = await mountSmbnetfs({ host: samba.host, port: samba.port, workgroup: samba.workgroup, user: USER, password: PASSWORD });
  });
  afterAll(async () => {
    await good?.unmount();
    await samba?.stop();
    await s?.cleanup();
  });

  async function updateWith(sharePath: string): Promise<UpdateJson> {
    await s.writeConfig((config) => {
      (config.apps as Array<Record<string, { path: string }>>)[0]!.share!.path = sharePath;
    });
    return parseSingleJson<UpdateJson>(await runCli(['update', '--json', '--config', s.configFile]));
  }

  it('a share that does not exist → SHARE_NOT_FOUND naming it', async () => {
    const out = await updateWith(good.pathTo('no-such-share', 'nurse'));
    expect(out).toMatchObject({ ok: false, errorCode: 'SHARE_NOT_FOUND' });
    expect(out.message).toContain('no-such-share');
  });

  it('a release file deleted on the server after publishing → SHARE_FILE_MISSING, install untouched', async () => {
    const victim = [...s.v2Hashes.keys()].find((k) => k !== 'version.txt')!;
    const full = path.join(s.shareDir, ...victim.split('/'));
    const saved = await fsp.readFile(full);
    await fsp.rm(full);
    try {
      const out = await updateWith(good.pathTo('update', 'nurse'));
      expect(out).toMatchObject({ ok: false, errorCode: 'SHARE_FILE_MISSING' });
      expect(out.message).toContain(victim);
      expect(await installState(s)).toBe('old');
    } finally {
      await fsp.writeFile(full, saved);
    }
  });

  it('a wrong password → SHARE_ACCESS_DENIED', async () => {
    const bad = await mountSmbnetfs({ host: samba.host, port: samba.port, workgroup: samba.workgroup, user: USER, password: 'wrong-password' });
    try {
      expect(await updateWith(bad.pathTo('update', 'nurse'))).toMatchObject({ ok: false, errorCode: 'SHARE_ACCESS_DENIED' });
    } finally {
      await bad.unmount();
    }
  });

  it('nothing listening on the server port → SHARE_UNREACHABLE', async () => {
    const out = await updateWith(path.join(good.root, '127.0.0.1:1', 'update', 'nurse'));
    expect(out).toMatchObject({ ok: false, errorCode: 'SHARE_UNREACHABLE' });
    expect(out.message).toContain('无法连接文件服务器');
  });
});
