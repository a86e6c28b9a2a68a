/**
 * Signing and encryption against real Samba servers that require them: every dialect, each signing
 * algorithm and each cipher, forced from the server side; refusals when a session cannot comply.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cipher, Dialect } from '../../src/main/core/share/smb2/constants';
import { Smb2ShareClient, type Smb2ShareOptions } from '../../src/main/core/share/smb2-share';
import { startSamba, type SambaOptions, type SambaServer } from '../helpers/samba';

const USER = 'hisupd3';
const PASSWORD = 'Sec-9f3a-Pw';
const sha = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');

let root: string;
let data: Buffer;
const servers: SambaServer[] = [];
const clients: Smb2ShareClient[] = [];

async function server(variant: SambaOptions['variant'], extraGlobal: string[] = [], shareExtra: string[] = []): Promise<SambaServer> {
  const s = await startSamba({
    variant,
    extraGlobal,
    shares: [
      { name: 'update', path: root, extra: shareExtra },
      { name: 'pub', path: root, guestOk: true },
    ],
    users: [{ name: USER, password: PASSWORD }],
  });
  servers.push(s);
  return s;
}

function client(s: SambaServer, options: Partial<Smb2ShareOptions> = {}): Smb2ShareClient {
  const c = new Smb2ShareClient({ path: '\\\\127.0.0.1\\update', port: s.port, username: USER, domain: s.workgroup, password: PASSWORD, timeoutMs: 10_000, ...options });
  clients.push(c);
  return c;
}

async function readsCorrectly(c: Smb2ShareClient): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of await c.createReadStream('payload.bin')) chunks.push(chunk as Buffer);
  expect(sha(Buffer.concat(chunks))).toBe(sha(data));
  expect((await c.list('')).map((e) => e.path)).toContain('payload.bin');
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'smb2-security-'));
  data = crypto.randomBytes(9 * 1024 * 1024 + 4321);
  await fs.writeFile(path.join(root, 'payload.bin'), data);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(servers.map((s) => s.stop()));
  await fs.rm(root, { recursive: true, force: true });
});

describe('signing mandatory (server signing = mandatory)', () => {
  let signing: SambaServer;
  beforeAll(async () => {
    signing = await server('signing');
  });

  it.each([
    ['2.0.2', 'HMAC-SHA256', Dialect.SMB202],
    ['2.1', 'HMAC-SHA256', Dialect.SMB210],
    ['3.0', 'AES-CMAC', Dialect.SMB300],
    ['3.0.2', 'AES-CMAC', Dialect.SMB302],
    ['3.1.1', 'AES-GMAC', Dialect.SMB311],
  ])('SMB %s signs every request with %s and checks every response', async (dialect, algorithm, pin) => {
    const c = client(signing, { dialects: [pin] });
    expect(await c.sessionInfo()).toMatchObject({ dialect, signing: true, signingAlgorithm: algorithm, encryption: false });
    await readsCorrectly(c);
  });

  it('anonymous logon is refused clearly (a guest session cannot sign)', async () => {
    const c = new Smb2ShareClient({ path: '\\\\127.0.0.1\\pub', port: signing.port, timeoutMs: 10_000 });
    clients.push(c);
    await expect(c.list('')).rejects.toMatchObject({ code: 'SHARE_GUEST_REFUSED' });
  });
});

describe('SMB 3.1.1 signing algorithms chosen by the server', () => {
  it.each([
    ['AES-128-CMAC', 'AES-CMAC'],
    ['HMAC-SHA256', 'HMAC-SHA256'],
  ])('server smb3 signing algorithms = %s', async (serverName, expected) => {
    const s = await server('signing', [`server smb3 signing algorithms = ${serverName}`]);
    const c = client(s);
    expect(await c.sessionInfo()).toMatchObject({ dialect: '3.1.1', signing: true, signingAlgorithm: expected });
    await readsCorrectly(c);
  });

  it('a client that signs although the server does not require it', async () => {
    const s = await server('default');
    const c = client(s, { requireSigning: true });
    expect(await c.sessionInfo()).toMatchObject({ signing: true, signingAlgorithm: 'AES-GMAC' });
    await readsCorrectly(c);
  });
});

describe('encryption required (server smb encrypt = required)', () => {
  let encrypt: SambaServer;
  beforeAll(async () => {
    encrypt = await server('encrypt');
  });

  it.each([
    ['3.0', 'AES-128-CCM', Dialect.SMB300],
    ['3.0.2', 'AES-128-CCM', Dialect.SMB302],
    ['3.1.1', 'AES-128-GCM', Dialect.SMB311],
  ])('SMB %s encrypts with %s', async (dialect, cipher, pin) => {
    const c = client(encrypt, { dialects: [pin] });
    expect(await c.sessionInfo()).toMatchObject({ dialect, encryption: true, cipher });
    await readsCorrectly(c);
  });

  it.each(['AES-128-CCM', 'AES-128-GCM', 'AES-256-CCM', 'AES-256-GCM'])('SMB 3.1.1 with the server forcing %s', async (cipher) => {
    const s = await server('encrypt', [`server smb3 encryption algorithms = ${cipher}`]);
    const c = client(s);
    expect(await c.sessionInfo()).toMatchObject({ dialect: '3.1.1', encryption: true, cipher });
    await readsCorrectly(c);
  });

  it('an SMB 2.x-only session is refused with SHARE_ENCRYPTION_REQUIRED', async () => {
    await expect(client(encrypt, { dialects: [Dialect.SMB210] }).list('')).rejects.toMatchObject({ code: 'SHARE_ENCRYPTION_REQUIRED' });
  });

  it('no cipher in common is SHARE_ENCRYPTION_REQUIRED', async () => {
    const s = await server('encrypt', ['server smb3 encryption algorithms = AES-256-GCM']);
    await expect(client(s, { ciphers: [Cipher.AES_128_CCM] }).list('')).rejects.toMatchObject({ code: 'SHARE_ENCRYPTION_REQUIRED' });
  });

  it('a share that alone requires encryption (smb encrypt = required on the share)', async () => {
    const s = await server('default', [], ['smb encrypt = required']);
    const c = client(s);
    expect(await c.sessionInfo()).toMatchObject({ encryption: true, cipher: 'AES-128-GCM' });
    await readsCorrectly(c);
  });

  it('anonymous logon is refused clearly (a guest session cannot encrypt)', async () => {
    const c = new Smb2ShareClient({ path: '\\\\127.0.0.1\\pub', port: encrypt.port, timeoutMs: 10_000 });
    clients.push(c);
    await expect(c.list('')).rejects.toMatchObject({ code: 'SHARE_GUEST_REFUSED' });
  });
});
