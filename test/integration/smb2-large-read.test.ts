/**
 * Large multi-credit reads and STATUS_PENDING interim responses. Samba answers slow async reads with
 * an interim response first; to prove the handling deterministically, a proxy also injects an interim
 * STATUS_PENDING response before every READ answer (and, in one test, swallows the final answer).
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from '../../src/main/core/share/smb2/constants';
import { FrameDecoder, frameHeader } from '../../src/main/core/share/smb2/framing';
import { splitCompound } from '../../src/main/core/share/smb2/header';
import { Smb2ShareClient, type Smb2ShareOptions } from '../../src/main/core/share/smb2-share';
import { startSamba, type SambaServer } from '../helpers/samba';

const USER = 'hisupd4';
const PASSWORD = 'Big-Read-Pw1';
const SIZE = 64 * 1024 * 1024 + 777;

let samba: SambaServer;
let root: string;
let expected: string;
const cleanups: Array<() => Promise<unknown> | void> = [];

function client(port: number, options: Partial<Smb2ShareOptions> = {}): Smb2ShareClient {
  const c = new Smb2ShareClient({ path: '\\\\127.0.0.1\\update', port, username: USER, password: PASSWORD, timeoutMs: 10_000, ...options });
  cleanups.push(() => c.close());
  return c;
}

async function sha256Of(c: Smb2ShareClient, file: string): Promise<{ sha: string; bytes: number }> {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  for await (const chunk of await c.createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha: hash.digest('hex'), bytes };
}

/** STATUS_PENDING interim response (MS-SMB2 3.3.4.2) for one request message. */
function interimFor(request: Buffer): Buffer {
  const out = Buffer.alloc(64 + 9);
  request.copy(out, 0, 0, 64);
  out.writeUInt16LE(0, 6); // CreditCharge
  out.writeUInt32LE(0x00000103, 8); // STATUS_PENDING
  out.writeUInt16LE(0, 14); // no credits granted here: Samba grants them with the final answer
  out.writeUInt32LE(0x00000003, 16); // SERVER_TO_REDIR | ASYNC_COMMAND
  out.writeUInt32LE(0, 20);
  crypto.randomBytes(8).copy(out, 32); // AsyncId
  out.fill(0, 48, 64);
  out.writeUInt16LE(9, 64); // error response body
  return out;
}

/**
 * A TCP proxy to Samba that sends an interim response for every READ it forwards, and delays the
 * server's answers a little so the interim surely comes first. `swallowReads` drops the final READ
 * answers (a server that says "pending" and then never answers).
 */
async function interimProxy(target: number, swallowReads = false): Promise<{ port: number; interims: () => number }> {
  let interims = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((downstream) => {
    const upstream = net.connect(target, '127.0.0.1');
    sockets.add(downstream).add(upstream);
    const toServer = new FrameDecoder((frame) => {
      upstream.write(Buffer.concat([frameHeader(frame.length), frame]));
      if (frame.readUInt32LE(0) !== 0x424d53fe) return;
      for (const message of splitCompound(frame)) {
        if (message.readUInt16LE(12) !== Command.READ) continue;
        interims++;
        const interim = interimFor(message);
        downstream.write(Buffer.concat([frameHeader(interim.length), interim]));
      }
    });
    const toClient = new FrameDecoder((frame) => {
      const isRead = frame.readUInt32LE(0) === 0x424d53fe && splitCompound(frame).some((m) => m.readUInt16LE(12) === Command.READ);
      if (swallowReads && isRead) return;
      const wire = Buffer.concat([frameHeader(frame.length), Buffer.from(frame)]);
      setTimeout(() => downstream.write(wire), 5);
    });
    downstream.on('data', (chunk: Buffer) => toServer.push(chunk));
    upstream.on('data', (chunk: Buffer) => toClient.push(chunk));
    const end = () => {
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(r));
  });
  return { port: (server.address() as net.AddressInfo).port, interims: () => interims };
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'smb2-large-'));
  const data = crypto.randomBytes(SIZE);
  expected = crypto.createHash('sha256').update(data).digest('hex');
  await fs.writeFile(path.join(root, 'big.bin'), data);
  samba = await startSamba({ shares: [{ name: 'update', path: root, extra: ['aio read size = 1'] }], users: [{ name: USER, password: PASSWORD }] });
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await samba?.stop();
  await fs.rm(root, { recursive: true, force: true });
});

describe('large multi-credit reads', () => {
  it.each([
    ['8 MiB (Samba MaxReadSize), 4 in flight', 8 * 1024 * 1024, 4],
    ['1 MiB, 8 in flight', 1024 * 1024, 8],
    ['64 KiB, 16 in flight', 64 * 1024, 16],
  ])('%s: 64 MiB byte-exact', async (_name, readChunkSize, readsInFlight) => {
    const c = client(samba.port, { readChunkSize, readsInFlight });
    expect(await sha256Of(c, 'big.bin')).toEqual({ sha: expected, bytes: SIZE });
    const stats = await c.connectionStats();
    // Samba goes async on reads that take > 0.5 ms: interim responses are common but not certain here.
    expect(stats.interimResponses).toBeGreaterThanOrEqual(0);
  });

  it('several large files in flight on one connection', async () => {
    const c = client(samba.port, { readChunkSize: 2 * 1024 * 1024 });
    const results = await Promise.all([sha256Of(c, 'big.bin'), sha256Of(c, 'big.bin'), sha256Of(c, 'big.bin')]);
    for (const r of results) expect(r).toEqual({ sha: expected, bytes: SIZE });
  });
});

describe('STATUS_PENDING interim responses', () => {
  it('waits past an interim response on every READ and still gets every byte', async () => {
    const proxy = await interimProxy(samba.port);
    const c = client(proxy.port, { readChunkSize: 4 * 1024 * 1024, readsInFlight: 4 });
    expect(await sha256Of(c, 'big.bin')).toEqual({ sha: expected, bytes: SIZE });
    const stats = await c.connectionStats();
    expect(proxy.interims()).toBeGreaterThanOrEqual(16);
    expect(stats.interimResponses).toBeGreaterThanOrEqual(proxy.interims());
  });

  it('a server that says pending and never answers fails with SHARE_TIMEOUT, not a hang', async () => {
    const proxy = await interimProxy(samba.port, true);
    const c = client(proxy.port, { timeoutMs: 1500 });
    const started = Date.now();
    const error = await sha256Of(c, 'big.bin').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SHARE_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
