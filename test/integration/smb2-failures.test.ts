/**
 * The ways a file server can fail us, each ending in a readable AgentError within a bounded time:
 * SMB1-only (Windows Server 2003 style), silent, closing, absent, NTLMv1-only, dying mid-transfer;
 * plus the dialect probe the transports and the diagnosis use.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentError } from '../../src/main/core/errors/agent-error';
import { probeSmbDialect } from '../../src/main/core/share/smb-probe';
import { FrameDecoder, frameHeader } from '../../src/main/core/share/smb2/framing';
import { Smb2ShareClient, type Smb2ShareOptions } from '../../src/main/core/share/smb2-share';
import { startSamba, type SambaServer, type SambaVariant } from '../helpers/samba';

const USER = 'hisupd5';
const PASSWORD = 'Fail-Case-Pw9';

let root: string;
const servers = new Map<SambaVariant, SambaServer>();
const cleanups: Array<() => Promise<unknown> | void> = [];

function client(port: number, options: Partial<Smb2ShareOptions> = {}): Smb2ShareClient {
  const c = new Smb2ShareClient({ path: '\\\\127.0.0.1\\update', port, username: USER, password: PASSWORD, timeoutMs: 30_000, ...options });
  cleanups.push(() => c.close());
  return c;
}

/** A TCP server with a custom connection handler, on a free loopback port. */
async function tcpServer(onConnection: (socket: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(r));
  });
  return (server.address() as net.AddressInfo).port;
}

function expectNoSecret(error: unknown): void {
  const e = error as AgentError;
  const text = [e.message, e.zh, e.en, e.detail, e.stack, JSON.stringify(e), util.inspect(e, { depth: 10 })].join('\n');
  expect(text).not.toContain(PASSWORD);
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'smb2-fail-'));
  await fs.writeFile(path.join(root, 'big.bin'), crypto.randomBytes(32 * 1024 * 1024));
  const shares = [{ name: 'update', path: root }];
  const users = [{ name: USER, password: PASSWORD }];
  const variants: SambaVariant[] = ['default', 'signing', 'encrypt', 'smb1', 'smb1-signing'];
  const started = await Promise.all(variants.map((variant) => startSamba({ variant, shares, users })));
  variants.forEach((v, i) => servers.set(v, started[i]!));
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await Promise.all([...servers.values()].map((s) => s.stop()));
  await fs.rm(root, { recursive: true, force: true });
});

describe('SMB1-only server', () => {
  it('is SHARE_SMB1_ONLY in well under 5 s (the timeout is 30 s), naming the server', async () => {
    const started = Date.now();
    const error = (await client(servers.get('smb1')!.port).list('').catch((e: unknown) => e)) as AgentError;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(AgentError);
    expect(error.code).toBe('SHARE_SMB1_ONLY');
    expect(error.zh).toContain('127.0.0.1');
    expectNoSecret(error);
  });
});

describe('dialect probe', () => {
  it.each([
    ['default', { dialect: '3.1.1', smb1Only: false, signingRequired: false, encryptionSupported: true }],
    ['signing', { dialect: '3.1.1', smb1Only: false, signingRequired: true, encryptionSupported: true }],
    ['encrypt', { dialect: '3.1.1', smb1Only: false, encryptionSupported: true }],
    ['smb1', { dialect: 'NT1', smb1Only: true, signingRequired: false }],
    ['smb1-signing', { dialect: 'NT1', smb1Only: true, signingRequired: true }],
  ] as const)('%s server', async (variant, expected) => {
    const result = await probeSmbDialect('127.0.0.1', servers.get(variant)!.port, 5000);
    expect(result).toMatchObject(expected);
    expect(result.durationMs).toBeLessThan(1000);
  });

  it('a silent server is SHARE_TIMEOUT after the probe timeout', async () => {
    const port = await tcpServer(() => undefined);
    const started = Date.now();
    await expect(probeSmbDialect('127.0.0.1', port, 800)).rejects.toMatchObject({ code: 'SHARE_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('nothing listening is SHARE_UNREACHABLE', async () => {
    const port = await tcpServer(() => undefined);
    await cleanups.pop()!(); // close it again: the port is now refused
    await expect(probeSmbDialect('127.0.0.1', port, 2000)).rejects.toMatchObject({ code: 'SHARE_UNREACHABLE' });
  });
});

describe('broken servers', () => {
  it('a server that accepts and never answers is SHARE_TIMEOUT within the configured timeout', async () => {
    const port = await tcpServer(() => undefined);
    const started = Date.now();
    const error = await client(port, { timeoutMs: 1500 }).list('').catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ code: 'SHARE_TIMEOUT' });
    expect((error as AgentError).zh).toContain('127.0.0.1');
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(4000);
    expectNoSecret(error);
  });

  it('a server that closes at once is SHARE_CONNECTION_CLOSED with a readable message', async () => {
    let connections = 0;
    const port = await tcpServer((socket) => {
      connections++;
      socket.destroy();
    });
    const started = Date.now();
    const error = (await client(port).list('').catch((e: unknown) => e)) as AgentError;
    expect(error.code).toBe('SHARE_CONNECTION_CLOSED');
    expect(error.zh).toMatch(/文件服务器 127\.0\.0\.1 断开了连接/);
    expect(error.en).toContain('closed the connection');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(connections).toBe(2); // the multi-protocol opening, then one plain SMB2 attempt
    expectNoSecret(error);
  });

  it('nothing listening is SHARE_UNREACHABLE', async () => {
    const port = await tcpServer(() => undefined);
    await cleanups.pop()!();
    await expect(client(port).list('')).rejects.toMatchObject({ code: 'SHARE_UNREACHABLE' });
  });

  it('an NTLMv1-only server is refused with SHARE_AUTH_UNSUPPORTED, and no NTLMv1 answer is ever sent', async () => {
    const received: Buffer[] = [];
    const port = await tcpServer((socket) => {
      const decoder = new FrameDecoder((frame) => {
        received.push(Buffer.from(frame));
        const reply = received.length === 1 ? negotiateResponse202() : received.length === 2 ? ntlmV1Challenge() : null;
        if (reply) socket.write(Buffer.concat([frameHeader(reply.length), reply]));
      });
      socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    });
    const error = (await client(port).list('').catch((e: unknown) => e)) as AgentError;
    expect(error.code).toBe('SHARE_AUTH_UNSUPPORTED');
    expect(error.zh).toContain('NTLMv1');
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(2); // SMB1 NEGOTIATE, SESSION_SETUP with NTLM NEGOTIATE; no AUTHENTICATE
    expect(received.some((m) => m.includes(Buffer.from('NTLMSSP\0\x03\0\0\0', 'latin1')))).toBe(false);
  });

  it('a server that dies mid-transfer fails the stream with an AgentError instead of hanging', async () => {
    const dying = await startSamba({ shares: [{ name: 'update', path: root }], users: [{ name: USER, password: PASSWORD }] });
    cleanups.push(() => dying.stop());
    const c = client(dying.port, { timeoutMs: 5000, readChunkSize: 1024 * 1024, readsInFlight: 2 });
    const stream = await c.createReadStream('big.bin');
    const started = Date.now();
    const outcome = (async () => {
      let bytes = 0;
      let stopped = false;
      for await (const chunk of stream) {
        bytes += (chunk as Buffer).length;
        // The iterator hands over whatever is buffered (1-3 MiB at once): stop once past 4 MiB, not
        // only inside a 1 MiB window the count may jump over.
        if (bytes >= 4 * 1024 * 1024 && !stopped) {
          stopped = true;
          await dying.stop();
        }
      }
      return bytes;
    })();
    const error = await outcome.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentError);
    expect(['SHARE_CONNECTION_CLOSED', 'SHARE_TIMEOUT']).toContain((error as AgentError).code);
    expect(Date.now() - started).toBeLessThan(8000);
  });
});

/** SMB2 NEGOTIATE response choosing 2.0.2 (answer to the multi-protocol NEGOTIATE, message 0). */
function negotiateResponse202(): Buffer {
  const out = Buffer.alloc(64 + 65);
  smb2ResponseHeader(out, 0x0000, 0, 0n, 0n);
  const body = out.subarray(64);
  body.writeUInt16LE(65, 0);
  body.writeUInt16LE(0x0001, 2); // signing enabled
  body.writeUInt16LE(0x0202, 4);
  crypto.randomBytes(16).copy(body, 8);
  body.writeUInt32LE(65536, 28);
  body.writeUInt32LE(65536, 32);
  body.writeUInt32LE(65536, 36);
  body.writeUInt16LE(128, 56);
  return out;
}

/** SESSION_SETUP response carrying a raw NTLM CHALLENGE from an LM/NTLMv1-era server (no target info). */
function ntlmV1Challenge(): Buffer {
  const challenge = Buffer.alloc(32);
  challenge.write('NTLMSSP\0', 0, 'latin1');
  challenge.writeUInt32LE(2, 8);
  challenge.writeUInt32LE(0x00000205, 20); // UNICODE | REQUEST_TARGET | NTLM
  crypto.randomBytes(8).copy(challenge, 24);
  const out = Buffer.alloc(64 + 8 + challenge.length);
  smb2ResponseHeader(out, 0x0001, 0xc0000016, 1n, 0x4242n);
  out.writeUInt16LE(9, 64);
  out.writeUInt16LE(72, 68);
  out.writeUInt16LE(challenge.length, 70);
  challenge.copy(out, 72);
  return out;
}

function smb2ResponseHeader(out: Buffer, command: number, status: number, messageId: bigint, sessionId: bigint): void {
  out.writeUInt32LE(0x424d53fe, 0);
  out.writeUInt16LE(64, 4);
  out.writeUInt32LE(status >>> 0, 8);
  out.writeUInt16LE(command, 12);
  out.writeUInt16LE(1, 14);
  out.writeUInt32LE(1, 16); // SERVER_TO_REDIR
  out.writeBigUInt64LE(messageId, 24);
  out.writeBigUInt64LE(sessionId, 40);
}
