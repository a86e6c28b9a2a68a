/**
 * Our SMB2/3 client against a real Samba on loopback: every dialect, NTLMv2 with a domain, guest,
 * read-only files, big folders, resume, concurrency, backpressure and the everyday failures.
 */
import crypto from 'node:crypto';
import { getEventListeners } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import util from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentError } from '../../src/main/core/errors/agent-error';
import { Dialect } from '../../src/main/core/share/smb2/constants';
import { Smb2ShareClient, type Smb2ShareOptions } from '../../src/main/core/share/smb2-share';
import { startSamba, type SambaServer } from '../helpers/samba';

const USER = 'hisupd2';
const PASSWORD = 'Pw-Ω-7d1c!e2';
const sha = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

let samba: SambaServer;
let root: string;
const files = new Map<string, Buffer>();
const open: Smb2ShareClient[] = [];

function client(options: Partial<Smb2ShareOptions> = {}, share = 'update\\release'): Smb2ShareClient {
  const c = new Smb2ShareClient({
    path: `\\\\127.0.0.1\\${share}`,
    port: samba.port,
    username: USER,
    domain: samba.workgroup,
    password: PASSWORD,
    timeoutMs: 10_000,
    ...options,
  });
  open.push(c);
  return c;
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'smb2-share-'));
  const release = path.join(root, 'update', 'release');
  await fs.mkdir(path.join(release, 'bin', 'plugins'), { recursive: true });
  await fs.mkdir(path.join(root, 'update', 'many'), { recursive: true });
  const add = async (rel: string, data: Buffer) => {
    files.set(rel, data);
    await fs.writeFile(path.join(release, rel), data);
  };
  await add('his-release.json', Buffer.from(JSON.stringify({ app: 'his', version: '5.2.0.123' })));
  await add('bin/his.exe', crypto.randomBytes(3 * 1024 * 1024 + 17));
  await add('bin/plugins/lab.dll', crypto.randomBytes(200_000));
  await add('bin/empty.txt', Buffer.alloc(0));
  await add('bin/医嘱 模块.dll', crypto.randomBytes(70_000));
  await add('big.bin', crypto.randomBytes(24 * 1024 * 1024));
  for (let i = 0; i < 20; i++) await add(`bin/f${i}.dat`, crypto.randomBytes(10_000 + i * 37_000));
  // A file nobody may write: opening it for write access would fail.
  await fs.chmod(path.join(release, 'bin', 'his.exe'), 0o444);
  for (let i = 0; i < 2000; i++) await fs.writeFile(path.join(root, 'update', 'many', `n${String(i).padStart(4, '0')}.txt`), `${i}`);
  samba = await startSamba({
    shares: [
      { name: 'update', path: path.join(root, 'update'), readOnly: true },
      { name: 'pub', path: path.join(root, 'update'), readOnly: true, guestOk: true },
    ],
    users: [{ name: USER, password: PASSWORD }],
  });
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await samba?.stop();
  await fs.rm(root, { recursive: true, force: true });
});

describe('dialects', () => {
  it.each([
    ['2.0.2', Dialect.SMB202],
    ['2.1', Dialect.SMB210],
    ['3.0', Dialect.SMB300],
    ['3.0.2', Dialect.SMB302],
    ['3.1.1', Dialect.SMB311],
  ])('SMB %s: logs on, lists and reads byte-exact', async (name, dialect) => {
    const c = client({ dialects: [dialect] });
    expect((await c.sessionInfo()).dialect).toBe(name);
    const list = await c.list('');
    expect(list.filter((e) => !e.isDirectory).map((e) => e.path).sort()).toEqual([...files.keys()].sort());
    expect(sha(await readAll(await c.createReadStream('bin/his.exe')))).toBe(sha(files.get('bin/his.exe')!));
    expect(await c.stat('bin/plugins/lab.dll')).toMatchObject({ size: 200_000, isDirectory: false });
    await c.close();
  });

  it('offers every dialect and gets 3.1.1 from Samba', async () => {
    const info = await client().sessionInfo();
    expect(info).toMatchObject({ dialect: '3.1.1', guest: false });
    expect(info.maxReadSize).toBeGreaterThanOrEqual(1024 * 1024);
  });
});

describe('logon', () => {
  it('NTLMv2 works with the domain given and without one', async () => {
    expect((await client({ domain: samba.workgroup }).sessionInfo()).guest).toBe(false);
    expect((await client({ domain: undefined }).sessionInfo()).guest).toBe(false);
  });

  it('a guest share works anonymously (no user configured)', async () => {
    const c = client({ username: undefined, password: undefined }, 'pub\\release');
    expect((await c.sessionInfo()).guest).toBe(true);
    expect((await c.readFile('his-release.json', 1 << 20)).toString()).toContain('5.2.0.123');
  });

  it('a wrong password is SHARE_LOGON_FAILED naming the user, and the password is nowhere in the error', async () => {
    const secret = 'Wrong-Sekr1t-4711';
    const c = client({ password: secret });
    const error = (await c.list('').catch((e: unknown) => e)) as AgentError;
    expect(error).toBeInstanceOf(AgentError);
    expect(error.code).toBe('SHARE_LOGON_FAILED');
    expect(error.zh).toContain(USER);
    expect(error.detail).toContain('STATUS_LOGON_FAILURE');
    const everything = [error.message, error.zh, error.en, error.detail, error.stack, JSON.stringify(error), util.inspect(error, { depth: 10 }), util.inspect(c, { depth: 10 }), JSON.stringify(c)].join('\n');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(PASSWORD);
  });

  it('a share that does not exist is SHARE_NOT_FOUND', async () => {
    const error = await client({}, 'nosuchshare\\release').list('').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SHARE_NOT_FOUND' });
  });

  it('a release folder that does not exist is SHARE_NOT_FOUND, not a missing file', async () => {
    const c = client({}, 'update\\no-such-release');
    await expect(c.stat('his-release.json')).rejects.toMatchObject({ code: 'SHARE_NOT_FOUND' });
    await expect(c.list('')).rejects.toMatchObject({ code: 'SHARE_NOT_FOUND' });
  });
});

describe('files', () => {
  it('a missing file is SHARE_FILE_MISSING naming it; stat says null', async () => {
    const c = client();
    const error = (await c.createReadStream('bin/gone.dll').catch((e: unknown) => e)) as AgentError;
    expect(error.code).toBe('SHARE_FILE_MISSING');
    expect(error.zh).toContain('bin/gone.dll');
    expect(await c.stat('bin/gone.dll')).toBeNull();
    expect(await c.stat('bin')).toMatchObject({ isDirectory: true });
  });

  it('reads a file nobody may write (read access only) on a read-only share', async () => {
    // his.exe is 0444 and the share is read only: asking for write access would be refused.
    const c = client();
    expect(sha(await c.readFile('bin/his.exe', 10 << 20))).toBe(sha(files.get('bin/his.exe')!));
  });

  it('readFile refuses a file above maxBytes', async () => {
    await expect(client().readFile('bin/his.exe', 1000)).rejects.toMatchObject({ code: 'SHARE_IO_ERROR' });
  });

  it('names with spaces and Chinese characters, and empty files', async () => {
    const c = client();
    expect(sha(await readAll(await c.createReadStream('bin/医嘱 模块.dll')))).toBe(sha(files.get('bin/医嘱 模块.dll')!));
    expect(await readAll(await c.createReadStream('bin/empty.txt'))).toHaveLength(0);
  });

  it('resumes from an offset (start) inside, at and past the end', async () => {
    const c = client();
    const data = files.get('big.bin')!;
    for (const start of [1, 1024 * 1024 - 3, 5 * 1024 * 1024 + 12345, data.length - 1]) {
      expect(sha(await readAll(await c.createReadStream('big.bin', { start })))).toBe(sha(data.subarray(start)));
    }
    expect(await readAll(await c.createReadStream('big.bin', { start: data.length }))).toHaveLength(0);
    expect(await readAll(await c.createReadStream('big.bin', { start: data.length + 10 }))).toHaveLength(0);
  });

  it('reads many files at once on one connection', async () => {
    const c = client();
    const names = [...files.keys()].filter((n) => n.startsWith('bin/f'));
    const results = await Promise.all(names.map(async (n) => sha(await readAll(await c.createReadStream(n)))));
    expect(results).toEqual(names.map((n) => sha(files.get(n)!)));
    expect((await c.connectionStats()).requests).toBeGreaterThan(names.length * 3 - 1);
  });

  it('lists a 2,000-file folder completely', async () => {
    const list = await client({}, 'update\\many').list('');
    expect(list).toHaveLength(2000);
    expect(new Set(list.map((e) => e.path)).size).toBe(2000);
    expect(list.find((e) => e.path === 'n1999.txt')).toMatchObject({ size: 4, isDirectory: false });
  });

  it('lists recursively with folders flagged', async () => {
    const list = await client().list('bin');
    expect(list.find((e) => e.path === 'bin/plugins')).toMatchObject({ isDirectory: true });
    expect(list.find((e) => e.path === 'bin/plugins/lab.dll')).toMatchObject({ size: 200_000 });
    const mtime = (await fs.stat(path.join(root, 'update', 'release', 'bin', 'plugins', 'lab.dll'))).mtimeMs;
    expect(Math.abs(list.find((e) => e.path === 'bin/plugins/lab.dll')!.mtimeMs - mtime)).toBeLessThan(1000);
  });

  it('backpressure: a paused consumer stops the reads', async () => {
    const c = client({ readChunkSize: 1024 * 1024, readsInFlight: 4 });
    const before = (await c.connectionStats()).bytesReceived;
    const stream = await c.createReadStream('big.bin');
    stream.pause();
    await new Promise((r) => setTimeout(r, 300));
    const buffered = (await c.connectionStats()).bytesReceived - before;
    // First compound read (1 MiB) + 4 reads in flight + the stream's 1 MiB high-water mark, far below 24 MiB.
    expect(buffered).toBeLessThan(8 * 1024 * 1024);
    expect(sha(await readAll(stream))).toBe(sha(files.get('big.bin')!));
  });

  it('an aborted read ends with the abort reason and the connection keeps working', async () => {
    const c = client({ readChunkSize: 1024 * 1024 });
    const controller = new AbortController();
    const stream = await c.createReadStream('big.bin', { signal: controller.signal });
    let got = 0;
    const done = (async () => {
      for await (const chunk of stream) {
        got += (chunk as Buffer).length;
        if (got > 2 * 1024 * 1024) controller.abort(new Error('stop here'));
      }
    })();
    await expect(done).rejects.toThrow('stop here');
    expect(sha(await c.readFile('bin/plugins/lab.dll', 1 << 20))).toBe(sha(files.get('bin/plugins/lab.dll')!));
  });

  it('one abort signal shared by many downloads leaves no listeners behind', async () => {
    const c = client();
    const controller = new AbortController();
    const names = [...files.keys()].filter((n) => n.startsWith('bin/f'));
    for (const n of names) await readAll(await c.createReadStream(n, { signal: controller.signal }));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('close() is safe twice and later calls fail clearly', async () => {
    const c = client();
    await c.list('');
    await c.close();
    await c.close();
    await expect(c.list('')).rejects.toMatchObject({ code: 'SHARE_CONNECTION_CLOSED' });
  });
});
