import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentError } from '../../src/main/core/errors/agent-error';
import type { Logger } from '../../src/main/core/logger';
import { AutoShareClient, type AutoShareOptions } from '../../src/main/core/share/auto-share';
import { parseSingleJson, runCli } from '../helpers/cli';
import { createScenario, hashTree, treeMatches, type Scenario } from '../helpers/scenario';
import { startSamba, type SambaServer } from '../helpers/samba';

/**
 * Transport 'smb2' against a server that speaks only SMB1: the engine falls back to the agent's own
 * read-only SMB1 client when share.allowSmb1 allows it (the default), and says SHARE_SMB1_ONLY quickly
 * when it does not. Full updates run through the real CLI.
 */

const USER = 'hisupd1';
const PASSWORD = 'Upd1-Secret-5521!';
const SHARE_PATH = '\\\\127.0.0.1\\update\\nurse';

interface UpdateJson {
  ok: boolean;
  from: string | null;
  to: string | null;
  files: number;
  bytes: number;
  errorCode: string | null;
  message: string;
  outcome: string;
}

const scenarios: Scenario[] = [];
const servers: SambaServer[] = [];
let modern: SambaServer;

/** A v1 → v2 release on its own SMB1 Samba (plain or signing mandatory), config on transport smb2. */
async function smb1Scenario(variant: 'smb1' | 'smb1-signing', share: Record<string, unknown> = {}) {
  const big = Buffer.alloc(12 * 1024 * 1024);
  crypto.createCipheriv('aes-128-ctr', crypto.randomBytes(16), crypto.randomBytes(16)).update(big).copy(big);
  const s = await createScenario({ mode: 'mirror', files: 80, totalBytes: 3 * 1024 * 1024, extraV2Files: { 'bin/big.dat': big } });
  scenarios.push(s);
  const server = await startSamba({ variant, shares: [{ name: 'update', path: path.dirname(s.shareDir) }], users: [{ name: USER, password: PASSWORD }] });
  servers.push(server);
  await s.writeConfig((config) => {
    const app = (config.apps as Array<Record<string, unknown>>)[0]!;
    app.share = { path: SHARE_PATH, transport: 'smb2', port: server.port, username: USER, domain: server.workgroup, password: { env: 'HIS_TEST_SHARE_PASSWORD' }, timeoutSeconds: 5, ...share };
  });
  return { s, server };
}

const env = { HIS_TEST_SHARE_PASSWORD: PASSWORD };

beforeAll(async () => {
  modern = await startSamba({ shares: [{ name: 'update', path: path.dirname((await scratch()).shareDir) }], users: [{ name: USER, password: PASSWORD }] });
});
afterAll(async () => {
  await Promise.all([modern?.stop(), ...servers.map((s) => s.stop())]);
  await Promise.all(scenarios.map((s) => s.cleanup()));
});

async function scratch(): Promise<Scenario> {
  const s = await createScenario({ mode: 'mirror', files: 10, totalBytes: 64 * 1024 });
  scenarios.push(s);
  return s;
}

describe.each(['smb1', 'smb1-signing'] as const)('his-update update from an SMB1-only server (%s)', (variant) => {
  it('updates 1.0.0 → 2.0.0 through the SMB1 fallback, logs why, and never prints the password', async () => {
    const { s } = await smb1Scenario(variant);
    const started = Date.now();
    const run = await runCli(['update', '--json', '--verbose', '--config', s.configFile], { env });
    const out = parseSingleJson<UpdateJson>(run);
    expect(out, `${out.message}\n${run.stderr}`).toMatchObject({ ok: true, from: '1.0.0', to: '2.0.0', errorCode: null, outcome: 'updated' });
    expect(out.bytes).toBeGreaterThan(12 * 1024 * 1024);
    expect(treeMatches(await hashTree(s.installDir), s.v2Hashes)).toBe(true);
    expect(run.stderr).toContain('speaks only SMB1');
    expect(run.stderr).toContain('read-only SMB1 client');
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    expect(Date.now() - started).toBeLessThan(30_000);

    // Up to date now: a second run reads only the manifest, over SMB1 again.
    const again = parseSingleJson<UpdateJson>(await runCli(['update', '--json', '--config', s.configFile], { env }));
    expect(again).toMatchObject({ ok: true, outcome: 'up-to-date', bytes: 0 });
  }, 60_000);
});

describe('transport smb2 with share.allowSmb1 = false', () => {
  it('fails with SHARE_SMB1_ONLY in well under 5 s and downloads nothing', async () => {
    const { s } = await smb1Scenario('smb1', { allowSmb1: false });
    const started = Date.now();
    const run = await runCli(['update', '--json', '--config', s.configFile], { env });
    const elapsed = Date.now() - started;
    const out = parseSingleJson<UpdateJson>(run);
    expect(out).toMatchObject({ ok: false, errorCode: 'SHARE_SMB1_ONLY' });
    expect(out.message).toContain('SMB1');
    expect(elapsed).toBeLessThan(5000);
    expect(treeMatches(await hashTree(s.installDir), s.v1Hashes)).toBe(true);
  });
});

describe('AutoShareClient', () => {
  const lines: string[] = [];
  const logger: Logger = { debug() {}, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const options = (port: number, over: Partial<AutoShareOptions> = {}): AutoShareOptions => ({
    path: SHARE_PATH,
    port,
    username: USER,
    password: PASSWORD,
    timeoutMs: 3000,
    allowSmb1: true,
    logger,
    ...over,
  });

  it('keeps SMB2/3 for a modern server and switches to SMB1 only for an SMB1-only one', async () => {
    const smb3 = new AutoShareClient(options(modern.port));
    try {
      expect((await smb3.readFile('version.txt', 100)).toString()).toBe('2.0.0\n');
      expect(smb3.transport).toBe('smb2');
    } finally {
      await smb3.close();
    }
    expect(lines.join('\n')).not.toContain('SMB1');

    const { server } = await smb1Scenario('smb1');
    const old = new AutoShareClient(options(server.port));
    try {
      expect(old.transport).toBe('smb2'); // nothing known before the first call
      expect((await old.readFile('version.txt', 100)).toString()).toBe('2.0.0\n');
      expect(old.transport).toBe('smb1');
      expect((await old.list('')).length).toBeGreaterThan(80);
      expect(lines.filter((l) => l.includes('speaks only SMB1'))).toHaveLength(1);
    } finally {
      await old.close();
    }
  });

  it('reports the SMB1 client\'s own errors after the fallback (wrong password → SHARE_LOGON_FAILED)', async () => {
    const { server } = await smb1Scenario('smb1-signing');
    const error = await new AutoShareClient(options(server.port, { password: 'wrong-password' })).list('').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).code).toBe('SHARE_LOGON_FAILED');
    expect(JSON.stringify(error) + (error as AgentError).detail).not.toContain('wrong-password');
  });

  it('a server that accepts and never answers gives SHARE_TIMEOUT within the timeout, not a hang', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const error = await new AutoShareClient(options((silent.address() as net.AddressInfo).port, { timeoutMs: 1500 })).list('').catch((e: unknown) => e);
      expect((error as AgentError).code).toBe('SHARE_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('allowSmb1 false: SHARE_SMB1_ONLY straight from the SMB2 client, no SMB1 connection', async () => {
    const { server } = await smb1Scenario('smb1');
    const started = Date.now();
    const client = new AutoShareClient(options(server.port, { allowSmb1: false }));
    const error = await client.stat('version.txt').catch((e: unknown) => e);
    expect((error as AgentError).code).toBe('SHARE_SMB1_ONLY');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(client.transport).toBe('smb2');
    await fsp.access(server.confPath); // the server is still fine
  });
});
