import dns from 'node:dns/promises';
import net from 'node:net';
import { withTimeout } from '../util/timeout';

/** Resolves a host name (an IP literal resolves to itself). */
export async function resolveHost(host: string, timeoutMs: number): Promise<string[]> {
  if (net.isIP(host)) return [host];
  const answers = await withTimeout(dns.lookup(host, { all: true }), timeoutMs, () => new Error(`DNS lookup of ${host} timed out after ${timeoutMs} ms`));
  return answers.map((a) => a.address);
}

/** Opens and closes a TCP connection; resolves with the time it took. */
export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`no TCP answer from ${host}:${port} within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Date.now() - started);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
