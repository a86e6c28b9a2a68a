import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { probeSqlServer } from '../../src/main/core/db/prelogin-probe';
import { AgentError } from '../../src/main/core/errors/agent-error';
import { selfSignedCertificate } from '../fixtures/tds/cert';
import { TdsTestServer } from '../fixtures/tds/server';
import { unusedPort } from '../helpers/ports';

async function failure(run: () => Promise<unknown>): Promise<{ error: AgentError; ms: number }> {
  const started = Date.now();
  const error = await run().then(() => { throw new Error('expected a failure'); }, (e: unknown) => e);
  expect(error).toBeInstanceOf(AgentError);
  return { error: error as AgentError, ms: Date.now() - started };
}

describe('probeSqlServer: one PRELOGIN, no login', () => {
  let sql2005: TdsTestServer;
  let sql2019: TdsTestServer;
  let other: net.Server;
  let otherPort: number;
  beforeAll(async () => {
    sql2005 = await TdsTestServer.start({ version: [9, 0, 5000] });
    sql2019 = await TdsTestServer.start({ tls: selfSignedCertificate() });
    // Reads (and so sees the client hang up) while it greets like an SSH server.
    other = net.createServer((socket) => socket.resume().end('SSH-2.0-OpenSSH_9.2\r\n'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', () => resolve()));
    otherPort = (other.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await Promise.all([sql2005?.close(), sql2019?.close(), new Promise((r) => other?.close(r))]);
  });

  test('names an old server: SQL Server 2005 without encryption, likely TLS 1.0 only', async () => {
    const probe = await probeSqlServer('127.0.0.1', sql2005.port, 2000);
    expect(probe).toMatchObject({ version: '9.0.5000', productName: 'SQL Server 2005', encryption: 'NOT_SUP', likelyTls10Only: true });
    expect(probe.elapsedMs).toBeLessThan(500);
    expect(sql2005.stats.login7Received).toBe(0);
  });

  test('a current server that can encrypt answers ON', async () => {
    const probe = await probeSqlServer('127.0.0.1', sql2019.port, 2000);
    expect(probe).toMatchObject({ version: '15.0.4153', productName: 'SQL Server 2019', encryption: 'ON', likelyTls10Only: false });
  });

  test('refused: DB_UNREACHABLE at once', async () => {
    const port = await unusedPort();
    const { error, ms } = await failure(() => probeSqlServer('127.0.0.1', port, 2000));
    expect(error.code).toBe('DB_UNREACHABLE');
    expect(error.zh).toContain(`127.0.0.1:${port}`);
    expect(ms).toBeLessThan(500);
  });

  test('silent: DB_TIMEOUT after the given time', async () => {
    sql2005.options.behavior = 'silent';
    try {
      const { error, ms } = await failure(() => probeSqlServer('127.0.0.1', sql2005.port, 500));
      expect(error.code).toBe('DB_TIMEOUT');
      expect(ms).toBeGreaterThanOrEqual(490);
      expect(ms).toBeLessThan(1500);
    } finally {
      sql2005.options.behavior = 'normal';
    }
  });

  test('closed at once: DB_CONNECTION_CLOSED', async () => {
    sql2005.options.behavior = 'close';
    try {
      const { error } = await failure(() => probeSqlServer('127.0.0.1', sql2005.port, 2000));
      expect(error.code).toBe('DB_CONNECTION_CLOSED');
    } finally {
      sql2005.options.behavior = 'normal';
    }
  });

  test('another service on the port: DB_NOT_SQL_SERVER names the port setting', async () => {
    const { error } = await failure(() => probeSqlServer('127.0.0.1', otherPort, 2000));
    expect(error.code).toBe('DB_NOT_SQL_SERVER');
    expect(error.zh).toContain('database.port');
  });
});

