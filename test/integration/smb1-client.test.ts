import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentError } from '../../src/main/core/errors/agent-error';
import { Smb1ShareClient, type Smb1ShareOptions } from '../../src/main/core/share/smb1-share';
import { SlowLink } from '../faults/support/slow-link';
import { startSamba, type SambaServer } from '../helpers/samba';

/**
 * The read-only SMB1 client against real Samba speaking only NT LM 0.12 (like Windows Server 2003),
 * plain and with signing mandatory.
 */

const USER = 'hissmb1';
const PASSWORD = 'Smb1-Secret-8826!';
const OTHER_USER = 'hissmb1other';
const BIG_BYTES = 200 * 1024 * 1024;
const MANY = 2000;
const MID_BYTES = 24 * 1024 * 1024 + 4097;

let root: string;
let shareDir: string;
let bigSha: string;
let midSha: string;
let plain: SambaServer;
let signed: SambaServer;
const manyNames: string[] = [];

/** Pseudo-random bytes at memory speed (AES-256-CTR over zeros), hashed while written. */
async function writeRandomFile(file: string, size: number): Promise<string> {
  const cipher = crypto.createCipheriv('aes-256-ctr', crypto.randomBytes(32), crypto.randomBytes(16));
  const hash = crypto.createHash('sha256');
  const zeros = Buffer.alloc(8 << 20);
  const handle = await fsp.open(file, 'w');
  for (let done = 0; done < size; ) {
    const chunk = cipher.update(zeros.subarray(0, Math.min(zeros.length, size - done)));
    hash.update(chunk);
    await handle.write(chunk);
    done += chunk.length;
  }
  await handle.close();
  return hash.digest('hex');
}

async function streamSha(stream: NodeJS.ReadableStream): Promise<{ sha: string; bytes: number }> {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha: hash.digest('hex'), bytes };
}

function client(server: SambaServer, over: Partial<Smb1ShareOptions> = {}): Smb1ShareClient {
  return new Smb1ShareClient({
    path: '\\\\127.0.0.1\\update\\rel',
    port: server.port,
    username: USER,
    domain: server.workgroup,
    password: PASSWORD,
    timeoutMs: 5000,
    ...over,
  });
}

async function failure(promise: Promise<unknown>): Promise<AgentError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AgentError);
  const agentError = error as AgentError;
  // Passwords never reach any text the user, the log or the support bundle could see.
  for (const text of [agentError.message, agentError.zh, agentError.en, agentError.detail, JSON.stringify(agentError)]) expect(text).not.toContain(PASSWORD);
  return agentError;
}

/** PIDs of the processes smbd forked (one per client connection, plus helpers). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return out;
}

beforeAll(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'his-smb1-'));
  shareDir = path.join(root, 'share');
  const rel = path.join(shareDir, 'rel');
  await fsp.mkdir(path.join(rel, 'many'), { recursive: true });
  await fsp.mkdir(path.join(rel, 'bin'), { recursive: true });
  await fsp.writeFile(path.join(rel, 'version.txt'), '2.0.0\n');
  await fsp.writeFile(path.join(rel, 'bin', '中文 名称.dll'), 'unicode name');
  bigSha = await writeRandomFile(path.join(rel, 'big.bin'), BIG_BYTES);
  midSha = await writeRandomFile(path.join(rel, 'mid.bin'), MID_BYTES);
  for (let i = 0; i < MANY; i++) {
    const name = `file-${String(i).padStart(4, '0')}-${crypto.randomBytes(4).toString('hex')}.dat`;
    manyNames.push(name);
    await fsp.writeFile(path.join(rel, 'many', name), String(i));
  }
  // Owned by root, unreadable for the share user.
  await fsp.writeFile(path.join(rel, 'secret.bin'), 'no');
  await fsp.chmod(path.join(rel, 'secret.bin'), 0o600);
  const shares = [
    { name: 'update', path: shareDir },
    { name: 'locked', path: shareDir, extra: [`valid users = ${OTHER_USER}`] },
    { name: 'pub', path: shareDir, guestOk: true },
  ];
  const users = [
    { name: USER, password: PASSWORD },
    { name: OTHER_USER, password: 'Other-Pw-1!' },
  ];
  [plain, signed] = await Promise.all([startSamba({ variant: 'smb1', shares, users }), startSamba({ variant: 'smb1-signing', shares, users })]);
}, 120_000);

afterAll(async () => {
  await Promise.all([plain?.stop(), signed?.stop()]);
  if (root) await fsp.rm(root, { recursive: true, force: true });
});

describe.each([
  ['plain', () => plain, false],
  ['signing mandatory', () => signed, true],
] as const)('SMB1 client, %s', (_name, server, signing) => {
  it('logs on with NTLMv2 and agrees NT1, signing as the server requires, large reads', async () => {
    const c = client(server());
    try {
      const info = await c.sessionInfo();
      expect(info).toMatchObject({ dialect: 'NT1', signing, guest: false, largeReads: true });
      expect(info.maxMpx).toBeGreaterThan(1);
      // Unsigned: the server's large-read limit (Samba: ~16 MiB); signed: Samba's 128 KiB per message.
      if (signing) expect(info.maxReadSize).toBe(127 * 1024);
      else expect(info.maxReadSize).toBeGreaterThan(4 * 1024 * 1024);
    } finally {
      await c.close();
    }
  });

  it('reads a 200 MiB file with several reads in flight, sha256 identical; resumes from an offset', async () => {
    const c = client(server(), { readsInFlight: 4 });
    try {
      const before = (await c.connectionStats()).requests;
      const whole = await streamSha(await c.createReadStream('big.bin'));
      expect(whole.bytes).toBe(BIG_BYTES);
      expect(whole.sha).toBe(bigSha);
      const reads = (await c.connectionStats()).requests - before;
      // Large reads: far fewer requests than 64 KiB reads would need (3,200).
      expect(reads).toBeLessThan(signing ? 1700 : 300);

      const start = BIG_BYTES - 3 * 1024 * 1024 - 17;
      const tail = await streamSha(await c.createReadStream('big.bin', { start }));
      const expected = crypto.createHash('sha256');
      const fd = await fsp.open(path.join(shareDir, 'rel', 'big.bin'));
      const buf = Buffer.alloc(BIG_BYTES - start);
      await fd.read(buf, 0, buf.length, start);
      await fd.close();
      expect(tail).toEqual({ sha: expected.update(buf).digest('hex'), bytes: buf.length });
    } finally {
      await c.close();
    }
  }, 120_000);

  it('lists a 2,000-file folder completely (FIND_FIRST2, FIND_NEXT2 to the end, multi-message replies)', async () => {
    // Windows XP's MaxBufferSize: the server splits each TRANS2 reply into several 16 KiB messages.
    const c = client(server(), { maxBufferSize: 16644 });
    try {
      const entries = await c.list('many');
      expect(entries.length).toBe(MANY);
      expect(entries.map((e) => e.path).sort()).toEqual(manyNames.map((n) => `many/${n}`).sort());
      const one = entries.find((e) => e.path === `many/${manyNames[7]}`)!;
      expect(one).toMatchObject({ size: 1, isDirectory: false });
      const stats = await c.connectionStats();
      expect(stats.multiPartReplies).toBeGreaterThanOrEqual(3);

      const all = await c.list('');
      expect(all.filter((e) => !e.isDirectory).length).toBe(MANY + 5);
      expect(all.find((e) => e.path === 'bin')).toMatchObject({ isDirectory: true });
      expect(all.find((e) => e.path === 'bin/中文 名称.dll')).toMatchObject({ size: 12, isDirectory: false });
    } finally {
      await c.close();
    }
  });

  it('stat gives size and times (QUERY_PATH_INFORMATION), null for a missing file; readFile reads small files', async () => {
    const c = client(server());
    try {
      const st = await c.stat('big.bin');
      const onDisk = await fsp.stat(path.join(shareDir, 'rel', 'big.bin'));
      expect(st).toMatchObject({ path: 'big.bin', size: BIG_BYTES, isDirectory: false });
      expect(Math.abs(st!.mtimeMs - onDisk.mtimeMs)).toBeLessThan(1000);
      expect(await c.stat('bin')).toMatchObject({ isDirectory: true, size: 0 });
      expect(await c.stat('not-there.txt')).toBeNull();
      expect((await c.readFile('version.txt', 1024)).toString()).toBe('2.0.0\n');
      expect((await c.readFile('bin/中文 名称.dll', 1024)).toString()).toBe('unicode name');
      expect((await failure(c.readFile('big.bin', 1024))).code).toBe('SHARE_IO_ERROR');
      // start/end (exclusive): only that range crosses the wire.
      const range = await streamSha(await c.createReadStream('mid.bin', { start: 10, end: 5_000_010 }));
      const local = await fsp.readFile(path.join(shareDir, 'rel', 'mid.bin'));
      expect(range).toEqual({ sha: crypto.createHash('sha256').update(local.subarray(10, 5_000_010)).digest('hex'), bytes: 5_000_000 });
    } finally {
      await c.close();
    }
  });

  it('many files read concurrently on one connection arrive intact', async () => {
    const c = client(server());
    try {
      const names = manyNames.slice(0, 300);
      let next = 0;
      const bad: string[] = [];
      const worker = async () => {
        while (next < names.length) {
          const i = next++;
          const data = await c.readFile(`many/${names[i]}`, 1024);
          if (data.toString() !== String(i)) bad.push(names[i]!);
        }
      };
      await Promise.all(Array.from({ length: 32 }, worker));
      expect(bad).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it('honours backpressure: a paused stream stops reading; destroying it leaves the connection usable', async () => {
    const c = client(server(), { readChunkSize: 1024 * 1024, readsInFlight: 4 });
    try {
      await c.sessionInfo();
      const base = (await c.connectionStats()).bytesReceived;
      const stream = await c.createReadStream('big.bin');
      await new Promise<void>((resolve) => stream.once('readable', resolve));
      stream.read(1);
      await new Promise((r) => setTimeout(r, 300));
      const received = (await c.connectionStats()).bytesReceived - base;
      expect(received).toBeGreaterThan(0);
      expect(received).toBeLessThan(32 * 1024 * 1024);
      stream.destroy();
      expect((await c.readFile('version.txt', 100)).toString()).toBe('2.0.0\n');
    } finally {
      await c.close();
    }
  });

  it('maps errors: wrong password, bad share, missing file, missing release folder, access denied', async () => {
    const wrong = await failure(client(server(), { password: 'not-the-password' }).list(''));
    expect(wrong.code).toBe('SHARE_LOGON_FAILED');
    expect(wrong.zh).toContain(USER);
    expect(wrong.detail).toContain('STATUS_LOGON_FAILURE');

    const badShare = await failure(client(server(), { path: '\\\\127.0.0.1\\nosuchshare\\rel' }).list(''));
    expect(badShare.code).toBe('SHARE_NOT_FOUND');

    const c = client(server());
    try {
      expect((await failure(c.createReadStream('missing.dll'))).code).toBe('SHARE_FILE_MISSING');
      expect((await failure(c.readFile('bin/missing/deeper.dll', 10))).code).toBe('SHARE_FILE_MISSING');
      const denied = await failure(c.readFile('secret.bin', 10));
      expect(denied.code).toBe('SHARE_ACCESS_DENIED');
      expect(denied.detail).toContain('STATUS_ACCESS_DENIED');
    } finally {
      await c.close();
    }
    const noFolder = client(server(), { path: '\\\\127.0.0.1\\update\\no-such-release' });
    expect((await failure(noFolder.readFile('his-release.json', 10))).code).toBe('SHARE_NOT_FOUND');
    await noFolder.close();

    const locked = await failure(client(server(), { path: '\\\\127.0.0.1\\locked\\rel' }).list(''));
    expect(locked.code).toBe('SHARE_ACCESS_DENIED');
  });
});

describe('SMB1 anonymous logon', () => {
  it('reads a guest share without an account; a signing-mandatory server refuses guests with SHARE_GUEST_REFUSED', async () => {
    const guest = new Smb1ShareClient({ path: '\\\\127.0.0.1\\pub\\rel', port: plain.port, timeoutMs: 5000 });
    try {
      expect(await guest.sessionInfo()).toMatchObject({ guest: true, signing: false });
      expect((await guest.readFile('version.txt', 100)).toString()).toBe('2.0.0\n');
    } finally {
      await guest.close();
    }
    const refused = await failure(new Smb1ShareClient({ path: '\\\\127.0.0.1\\pub\\rel', port: signed.port, timeoutMs: 5000 }).list(''));
    expect(refused.code).toBe('SHARE_GUEST_REFUSED');
  });
});

describe('SMB1 read sizes follow the server', () => {
  it.each([
    // Samba without its Unix extensions answers large reads short, at 128 KiB (as Windows caps them).
    ['answers large reads short', ['smb1 unix extensions = no'], (size: number) => size === 127 * 1024],
    // Without CAP_LARGE_READX every read must fit the buffer: 60 KiB.
    ['offers no CAP_LARGE_READX', ['large readwrite = no'], (size: number) => size === 60 * 1024],
  ] as const)('a server that %s still gives every byte, with the read size adapted', async (_name, extraGlobal, expectedSize) => {
    const server = await startSamba({ variant: 'smb1', shares: [{ name: 'update', path: shareDir }], users: [{ name: USER, password: PASSWORD }], extraGlobal: [...extraGlobal] });
    const c = client(server);
    try {
      const got = await streamSha(await c.createReadStream('mid.bin'));
      expect(got).toEqual({ sha: midSha, bytes: MID_BYTES });
      const info = await c.sessionInfo();
      expect(expectedSize(info.maxReadSize), `maxReadSize ${info.maxReadSize}`).toBe(true);
    } finally {
      await c.close();
      await server.stop();
    }
  });
});

describe('SMB1 client against broken servers', () => {
  it('a server that accepts and never answers fails with SHARE_TIMEOUT within the timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const started = Date.now();
      const error = await failure(new Smb1ShareClient({ path: '\\\\127.0.0.1\\update', port, timeoutMs: 1000, username: USER, password: PASSWORD }).list(''));
      expect(error.code).toBe('SHARE_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(1900);
      expect(error.zh).toContain('127.0.0.1');
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('a slow link never trips the timeout while bytes flow, even when a reply waits behind others for longer', async () => {
    const link = await SlowLink.open(plain.port, 4 * 1024 * 1024);
    // 4 x 2 MiB in flight at ~4 MB/s: the last reply completes well after 700 ms, but data keeps arriving.
    const c = client(plain, { port: link.port, timeoutMs: 700, readChunkSize: 2 * 1024 * 1024, readsInFlight: 4 });
    try {
      const started = Date.now();
      const got = await streamSha(await c.createReadStream('mid.bin', { end: 8 * 1024 * 1024 }));
      const local = (await fsp.readFile(path.join(shareDir, 'rel', 'mid.bin'))).subarray(0, 8 * 1024 * 1024);
      expect(got).toEqual({ sha: crypto.createHash('sha256').update(local).digest('hex'), bytes: local.length });
      expect(Date.now() - started).toBeGreaterThan(1000);
    } finally {
      await c.close();
      await link.close();
    }
  });

  it('a server that closes the connection gives a readable SHARE_CONNECTION_CLOSED', async () => {
    const closing = net.createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    try {
      const port = (closing.address() as net.AddressInfo).port;
      const error = await failure(new Smb1ShareClient({ path: '\\\\127.0.0.1\\update', port, timeoutMs: 5000 }).list(''));
      expect(error.code).toBe('SHARE_CONNECTION_CLOSED');
      expect(error.en).toContain('closed the connection');
    } finally {
      closing.close();
    }
  });

  it('nothing listening gives SHARE_UNREACHABLE', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    expect((await failure(new Smb1ShareClient({ path: '\\\\127.0.0.1\\update', port, timeoutMs: 2000 }).list(''))).code).toBe('SHARE_UNREACHABLE');
  });

  it('the server process dying mid-transfer fails the pending reads, and the next call reconnects', async () => {
    const c = client(plain, { readsInFlight: 4, readChunkSize: 256 * 1024 });
    try {
      const before = new Set(childrenOf(plain.pid));
      await c.sessionInfo();
      const ours = childrenOf(plain.pid).filter((pid) => !before.has(pid));
      expect(ours.length).toBe(1);
      const stream = await c.createReadStream('big.bin');
      let got = 0;
      const outcome = new Promise<unknown>((resolve) => {
        stream.on('data', (chunk: Buffer) => {
          got += chunk.length;
          if (got > 8 * 1024 * 1024 && got - chunk.length <= 8 * 1024 * 1024) process.kill(ours[0]!, 'SIGKILL');
        });
        stream.on('error', resolve);
        stream.on('end', () => resolve(new Error('stream ended normally')));
      });
      const error = (await outcome) as AgentError;
      expect(error).toBeInstanceOf(AgentError);
      expect(error.code).toBe('SHARE_CONNECTION_CLOSED');
      expect(got).toBeLessThan(BIG_BYTES);
      // A fresh connection (a new smbd child) serves the next call.
      expect((await c.readFile('version.txt', 100)).toString()).toBe('2.0.0\n');
    } finally {
      await c.close();
    }
  });
});
