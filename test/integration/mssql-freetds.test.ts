import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { selfSignedCertificate } from '../fixtures/tds/cert';
import { TdsTestServer } from '../fixtures/tds/server';

/** FreeTDS `tsql` (Debian freetds-bin): a second, independent TDS client against the test server. */
function tsql(port: number, password: string, input: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('tsql', ['-H', '127.0.0.1', '-p', String(port), '-U', 'his_update', '-P', password, '-D', 'his'], { env: { ...process.env, ...env } });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
    child.stdin.end(input);
  });
}

describe('FreeTDS tsql against the TDS test server', () => {
  const password = 'FreeTds-Passw0rd!';
  let server: TdsTestServer;
  let confDir: string;
  beforeAll(async () => {
    server = await TdsTestServer.start({ users: { his_update: password }, tls: selfSignedCertificate() });
    await server.db.execute(
      "CREATE TABLE dbo.his_client_version (app NVARCHAR(32) NOT NULL PRIMARY KEY, version NVARCHAR(32) NOT NULL, mandatory BIT NULL); INSERT INTO dbo.his_client_version VALUES (N'nurse', N'5.2.0.123', 1), (N'doctor', N'3.0.1', 0)",
      { params: new Map(), serverName: 'setup', spid: 0, signal: new AbortController().signal, emit() {} },
    );
    confDir = fs.mkdtempSync(path.join(os.tmpdir(), 'freetds-'));
    fs.writeFileSync(path.join(confDir, 'freetds.conf'), '[global]\n\tencryption = require\n');
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(confDir, { recursive: true, force: true });
  });

  test('logs in and reads rows', async () => {
    const { code, out } = await tsql(server.port, password, "SELECT version, mandatory FROM dbo.his_client_version WHERE app = 'nurse'\ngo\n");
    expect(code).toBe(0);
    expect(out).toMatch(/version\tmandatory\s+5\.2\.0\.123\t1/);
    expect(out).toContain('(1 row affected)');
    expect(server.requests.at(-1)).toMatchObject({ kind: 'batch', user: 'his_update', database: 'his' });
  });

  test('logs in over TLS inside PRELOGIN (GnuTLS) when FreeTDS requires encryption', async () => {
    const before = server.stats.encryptedLogins;
    const { code, out } = await tsql(server.port, password, "SELECT version FROM dbo.his_client_version WHERE app = 'doctor'\ngo\n", { FREETDSCONF: path.join(confDir, 'freetds.conf') });
    expect(code).toBe(0);
    expect(out).toContain('3.0.1');
    expect(server.stats.encryptedLogins).toBe(before + 1);
    expect(server.tlsProtocols.at(-1)).toBe('TLSv1.2');
  });

  test('a wrong password shows SQL Server error 18456', async () => {
    const { out } = await tsql(server.port, 'wrong-password', 'SELECT 1\ngo\n');
    expect(out).toContain('18456');
    expect(out).toContain("Login failed for user 'his_update'.");
  });

  test('an unknown table shows error 208 and the batch ends cleanly', async () => {
    const { code, out } = await tsql(server.port, password, 'SELECT version FROM dbo.nothing_here\ngo\n');
    expect(code).toBe(0);
    expect(out).toContain('208');
    expect(out).toContain("Invalid object name 'dbo.nothing_here'.");
  });
});
